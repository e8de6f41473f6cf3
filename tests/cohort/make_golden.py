"""Write golden/renderings.json from the code as it is (run once on main's f-string HTML).

python tests/cohort/make_golden.py
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from variants import GOLDEN, ROOT, edit_rules, renderings  # type: ignore[import-not-found]

if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp) / "rules"
        shutil.copytree(ROOT / "rules", rules)
        edit_rules(rules)
        data = renderings(rules)
    GOLDEN.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{GOLDEN}: {len(data)} renderings")
