"""How much does the durable_rules backend cost per `triage()` call, against the builtin engine?

    python benchmarks/bench_durable.py            # full run (about 40 seconds)
    python benchmarks/bench_durable.py --quick    # fewer repeats, 20 000 calls for memory

Needs `pip install "hf-triage[durable]"` (durable-rules 2.0.28, Python 3.12 or older).

Same process, same inputs, variants interleaved round-robin so machine noise hits all alike;
`time.perf_counter_ns` over batches with the garbage collector off (as `timeit` does); the
figure is the median per call over the repeats, warm (every variant ran the inputs before
timing). The builtin engine answers `triage()` from a decision table over value classes
(`hf_triage._table`), so it is measured two ways:

- `builtin, table`: `triage()` as a caller sees it (the table's entries filled);
- `builtin, no table`: validation plus `_engine.recommend_direct`, which evaluates the
  condition trees and renders the texts afresh on every call — the fair comparison with
  durable, which uses the same code with its own matcher;
- `durable`: `triage(..., engine="durable")`: one durable fact asserted and retracted per
  completion of the unknown core answers (1 for a complete assessment, up to 9 for a partial
  one) plus one for the warnings, then the same texts as builtin.

Inputs: one complete assessment, one partial one (complexity unknown: 3 completions), and the
whole enumerated domain of the shipped rules (every class representative once per batch:
distinct inputs, 7 in 16 of them partial). Before timing, both engines must give identical
results (everything but `engine`) on the whole domain, or nothing is printed.

A second table times matching alone: `_engine.decide` + `evaluate_warnings` (builtin
predicates) against `_durable.decide_durable` (the same `decide` with the durable matcher, and
the warnings on durable), on already validated facts, without texts or result objects.

Memory: RSS (`/proc/self/status` VmRSS) before and after N consecutive durable triages over
the domain (100 000 by default), and the facts left in durable's working memory.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import hf_triage
from hf_triage import default_rules, triage
from hf_triage._enumerate import enumerate_domain

COMPLETE = {
    "complexity": "moderate",
    "service_use": "partial",
    "urgency": "soon",
    "support_duration": "long_term",
    "dimensions": {"mental_health": 2, "substance_use": 3},
    "consent": True,
}
PARTIAL = {"service_use": "minimal", "urgency": "acute", "dimensions": {"mental_health": 3}}


def rss_mib() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def variants(inputs: list[dict[str, Any]]) -> dict[str, Callable[[], None]]:
    """One pass over `inputs` per variant."""
    from hf_triage._api import _facts
    from hf_triage._engine import recommend_direct

    rules = default_rules()

    def builtin_hit() -> None:
        for a in inputs:
            triage(a, rules=rules)

    def builtin_cleared() -> None:
        # the condition trees evaluated afresh, as a table miss would (validation included)
        for a in inputs:
            recommend_direct(rules, _facts(a), None, "da")

    def durable() -> None:
        for a in inputs:
            triage(a, rules=rules, engine="durable")

    return {
        "builtin, table": builtin_hit,
        "builtin, no table": builtin_cleared,
        "durable": durable,
    }


def matching_variants(inputs: list[dict[str, Any]]) -> dict[str, Callable[[], None]]:
    """Matching only, no texts and no result object: decision plus warning codes."""
    from hf_triage._api import _facts
    from hf_triage._durable import decide_durable
    from hf_triage._engine import decide, evaluate_warnings

    rules = default_rules()
    facts = [_facts(a) for a in inputs]

    def builtin() -> None:
        for f in facts:
            evaluate_warnings(rules, f, decide(rules, f).method, None)

    def durable() -> None:
        for f in facts:
            decide_durable(rules, f, None)

    return {"builtin": builtin, "durable": durable}


def time_per_call(
    inputs: list[dict[str, Any]], repeats: int, calls_per_batch: int, matching: bool = False
) -> dict[str, float]:
    """Median µs per call of each variant, interleaved round-robin."""
    passes = max(1, calls_per_batch // len(inputs))
    runs = matching_variants(inputs) if matching else variants(inputs)
    for run in runs.values():  # warm: rulesets registered, table filled, caches hot
        run()
    samples: dict[str, list[float]] = {name: [] for name in runs}
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeats):
            for name, run in runs.items():
                start = time.perf_counter_ns()
                for _ in range(passes):
                    run()
                elapsed = time.perf_counter_ns() - start
                samples[name].append(elapsed / (passes * len(inputs)) / 1000)
    finally:
        gc.enable()
    return {name: statistics.median(values) for name, values in samples.items()}


def check_agreement(domain: list[dict[str, Any]]) -> None:
    for a in domain:
        b, d = triage(a), triage(a, engine="durable")
        if d.model_dump() != {**b.model_dump(), "engine": "durable"}:
            raise SystemExit(f"engines disagree on {a}: no timings printed")


def memory(domain: list[dict[str, Any]], calls: int) -> tuple[float, float, int]:
    """RSS before and after `calls` durable triages, and facts left in durable's memory."""
    from hf_triage import _durable

    rules = default_rules()
    for a in domain[:1000]:
        triage(a, rules=rules, engine="durable")
    gc.collect()
    before = rss_mib()
    for i in range(calls):
        triage(domain[i % len(domain)], rules=rules, engine="durable")
    gc.collect()
    after = rss_mib()
    runtime = _durable._runtime
    assert runtime is not None
    left = sum(
        len(runtime.host.get_facts(name, _durable._SID))
        for kind, name in _durable.ruleset_names(rules).items()
        if kind in ("criteria", "warnings")
    )
    return before, after, left


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, fewer calls")
    args = parser.parse_args()
    repeats, batch, calls = (7, 300, 20_000) if args.quick else (21, 1_000, 100_000)
    try:
        import durable.engine  # noqa: F401
    except ImportError as exc:
        raise SystemExit(
            f'durable_rules is not available ({exc}): pip install "hf-triage[durable]"'
        ) from None

    domain = list(enumerate_domain(default_rules()))
    check_agreement(domain)
    inputs = [
        ("one complete assessment", [COMPLETE], repeats, batch),
        ("one partial assessment (3 completions)", [PARTIAL], repeats, batch),
        (f"enumerated domain ({len(domain)} classes)", domain, 3, 0),
    ]
    rows = [(label, time_per_call(i, r, b)) for label, i, r, b in inputs]
    matching = [(label, time_per_call(i, r, b, matching=True)) for label, i, r, b in inputs]
    before, after, left = memory(domain, calls)

    command = "python benchmarks/bench_durable.py" + (" --quick" if args.quick else "")
    print(f"`{command}` — hf_triage {hf_triage.__version__}, Python {platform.python_version()}")
    print(f"({platform.machine()} {platform.system()}), median of {repeats} interleaved batches")
    print("per input (3 passes over the domain), gc off, µs per triage() call, warm.\n")
    print("| input | builtin, table | builtin, no table | durable | durable ÷ no table |")
    print("|---|---:|---:|---:|---:|")
    for label, t in rows:
        ratio = t["durable"] / t["builtin, no table"]
        print(
            f"| {label} | {t['builtin, table']:.1f} | {t['builtin, no table']:.1f} "
            f"| {t['durable']:.1f} | {ratio:.1f}× |"
        )
    print("\nMatching only (`_engine.decide` + `evaluate_warnings` vs `decide_durable`):")
    print("the decision and warning codes; no texts, result object or validation.\n")
    print("| input | builtin | durable | durable ÷ builtin |")
    print("|---|---:|---:|---:|")
    for label, t in matching:
        ratio = t["durable"] / t["builtin"]
        print(f"| {label} | {t['builtin']:.1f} | {t['durable']:.1f} | {ratio:.0f}× |")
    print()
    print("| memory | value |")
    print("|---|---:|")
    print(f"| durable triages in a row | {calls:,} |")
    print(f"| RSS before / after | {before:.1f} / {after:.1f} MiB |")
    print(f"| RSS growth | {after - before:+.1f} MiB |")
    print(f"| facts left in durable's working memory | {left} |")
    print(f"\n(engines agreed on all {len(domain)} domain classes before timing)", file=sys.stderr)


if __name__ == "__main__":
    main()
