"""`import hf_triage` stays light (STYLE.md, issue 9): the heavy optional dependencies load only
when the feature that needs them is used, so a case system pays for none of them per import.

Each check runs in a fresh interpreter, since this test process has long since loaded them all.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: the extras' packages (cohort frames and charts, renderings, the service, durable-rules)
HEAVY = (
    "pandas",
    "polars",
    "pyarrow",
    "matplotlib",
    "jinja2",
    "fastapi",
    "starlette",
    "uvicorn",
    "durable",
    "durable_rules_engine",
)


def _loaded_after(code: str) -> list[str]:
    """The HEAVY top-level packages in sys.modules after running ``code`` in a new Python."""
    probe = (
        f"{code}\nimport json, sys\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    loaded: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.slow  # fresh interpreters; CI runs it
@pytest.mark.parametrize(
    "code",
    [
        "import hf_triage",
        "import hf_triage\n"
        "hf_triage.triage({'complexity': 'mild', 'service_use': 'significant'}).model_dump_json()",
        "import hf_triage.cli",
    ],
    ids=["import", "triage", "cli"],
)
def test_import_and_triage_load_no_heavy_dependency(code: str) -> None:
    assert _loaded_after(code) == []


@pytest.mark.slow  # a fresh interpreter; CI runs it
def test_the_probe_sees_a_heavy_dependency_when_one_is_loaded() -> None:
    # the check above can fail: importing one on purpose is seen
    assert _loaded_after("import hf_triage, jinja2") == ["jinja2"]


@pytest.mark.slow  # a fresh interpreter; CI runs it
def test_the_symbolic_checker_loads_only_for_a_check() -> None:
    # the binary decision diagrams of `rules check` (issue 15 item 3) are not paid per import
    probe = (
        "import sys, hf_triage\n"
        "print(sorted(m for m in sys.modules if m in ('hf_triage._bdd', 'hf_triage._symbolic')))\n"
        "hf_triage.check_rules(hf_triage.default_rules())\n"
        "print(sorted(m for m in sys.modules if m in ('hf_triage._bdd', 'hf_triage._symbolic')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.split("\n")[:2] == ["[]", "['hf_triage._bdd', 'hf_triage._symbolic']"]
