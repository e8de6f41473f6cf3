"""The full-size adversarial rerun of issue 16, outside pytest; its figures go in
docs/reliability.md.

    python tests/hostile/run_full.py [--assessments 100000] [--courses 10000]

Counts, for fuzzed assessments (``triage`` and ``Assessment.model_validate``), fuzzed courses
(``review_course``) and every hostile file and CLI probe (``probes.py``): crashes (an exception
that is not a ``TriageError``), hangs, unbounded echoes and sensitive values in messages. Exits
1 when any count is not 0.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

# tests/ on the path, as pytest has it: the suite's helpers are the package ``hostile``
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hostile.fuzz import check_assessment, check_course, random_assessment, random_course
from hostile.probes import make_files, probes, run


def fuzz(name: str, make: Any, check: Any, n: int) -> Counter[str]:
    """``n`` values from ``make`` (seeded: the same run every time), each checked."""
    rng = random.Random(16)
    tally: Counter[str] = Counter()
    start = time.perf_counter()
    for _ in range(n):
        first, second = make(rng)
        try:
            tally[check(first, second)] += 1
        except AssertionError as exc:
            tally[f"NOT CLEAN: {exc}"] += 1
        except Exception as exc:
            tally[f"CRASH: {type(exc).__name__}"] += 1
    print(f"{name}: {n} run in {time.perf_counter() - start:.0f} s: {dict(tally)}")
    return tally


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assessments", type=int, default=100_000)
    parser.add_argument("--courses", type=int, default=10_000)
    args = parser.parse_args()
    bad = 0
    for name, make, check, n in (
        ("assessments", random_assessment, check_assessment, args.assessments),
        ("courses", random_course, check_course, args.courses),
    ):
        tally = fuzz(name, make, check, n)
        bad += sum(v for k, v in tally.items() if k.startswith(("CRASH", "NOT CLEAN")))
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        make_files(d)
        table = probes()
        with ThreadPoolExecutor(2) as pool:
            outcomes = list(pool.map(lambda p: run(p, d), table))
    kinds = Counter(problem.split(" (")[0] for o in outcomes for problem in o.problems)
    print(f"hostile files and CLI probes: {len(outcomes)} run, problems: {dict(kinds) or 0}")
    for o in outcomes:
        if o.problems:
            print(f"  {o.probe.name}: {o.problems}")
    bad += sum(1 for o in outcomes if o.problems)
    print("all clean" if bad == 0 else f"{bad} not clean")
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
