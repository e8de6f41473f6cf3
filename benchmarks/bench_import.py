"""How long do ``import hf_triage`` and loading the default rules take in a fresh interpreter?

    python benchmarks/bench_import.py            # 11 runs of each
    python benchmarks/bench_import.py --quick    # 5 runs of each

Each sample is a fresh subprocess, timed from outside (wall clock, so interpreter start-up is
included); ``python -c pass`` is timed in the same run, interleaved, as the baseline, and the
difference is what hf_triage costs. Goal: import plus ``default_rules()`` under 0.3 s.

It also checks that the heavy optional dependencies are not imported by ``import hf_triage``
(STYLE.md: "Keep import hf_triage light").
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time

HEAVY = ("pandas", "numpy", "durable", "polars", "matplotlib")
GOAL_S = 0.3

BASELINE = "pass"
IMPORT_ONLY = "import hf_triage"
IMPORT_AND_LOAD = "import hf_triage; hf_triage.default_rules()"


def _run(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def heavy_modules_imported() -> dict[str, bool]:
    """For each heavy package: is it (or a submodule) in sys.modules after the import?"""
    code = (
        "import json, sys, hf_triage; hf_triage.default_rules(); "
        f"print(json.dumps({{h: any(m == h or m.startswith(h + '.') for m in sys.modules) "
        f"for h in {HEAVY!r}}}))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    result: dict[str, bool] = json.loads(out.stdout)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 runs instead of 11")
    args = parser.parse_args(argv)
    runs = 5 if args.quick else 11

    variants = {
        "python -c pass (baseline)": BASELINE,
        "import hf_triage": IMPORT_ONLY,
        "import hf_triage; hf_triage.default_rules()": IMPORT_AND_LOAD,
    }
    for code in variants.values():  # warm the OS file cache and .pyc files
        _run(code)
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(runs):
        for name, code in variants.items():
            samples[name].append(_run(code))

    base = statistics.median(samples["python -c pass (baseline)"])
    print(f"$ python benchmarks/bench_import.py{' --quick' if args.quick else ''}")
    print(f"Python {platform.python_version()}, {platform.machine()} {platform.system()}")
    print(f"fresh subprocess per sample, median of {runs}\n")
    print("| command | s (median) | min | minus baseline |")
    print("|---|---:|---:|---:|")
    for name, values in samples.items():
        med = statistics.median(values)
        extra = "" if "baseline" in name else f"{med - base:.3f}"
        print(f"| `{name}` | {med:.3f} | {min(values):.3f} | {extra} |")
    total = statistics.median(samples["import hf_triage; hf_triage.default_rules()"])
    net = total - base
    print(
        f"\nimport + default_rules(): {total:.3f} s with interpreter start-up, {net:.3f} s "
        f"without ({'meets' if total < GOAL_S else 'MISSES'} the {GOAL_S} s goal"
        f"{'' if total < GOAL_S else ', measured with start-up'})"
    )
    heavy = heavy_modules_imported()
    loaded = [h for h, present in heavy.items() if present]
    print(
        "not imported by `import hf_triage` + default_rules(): "
        + ", ".join(h for h, present in heavy.items() if not present)
    )
    if loaded:
        sys.exit(f"heavy modules imported by `import hf_triage`: {', '.join(loaded)}")


if __name__ == "__main__":
    main()
