"""What do counterfactuals, borderline and next questions cost? (issue 11, "Measure")

    python benchmarks/bench_decision.py            # full run
    python benchmarks/bench_decision.py --quick    # fewer repeats

Every ``Recommendation`` now carries decision support, computed once per distinct
decision-relevant projection of the facts and memoised per rule set (``_counterfactuals``). In
one run, on the fixed mix of ``bench_triage.py`` (50 realistic assessments, cycled), this
measures as ratios against the hand-written ``reference_triage``:

* warm ``triage()`` (what the 5x goal is about);
* cold ``triage()`` with the memo cleared before every pass, with decision support and with it
  switched off (the engine's call replaced by an empty result) - the difference is its cold
  cost per distinct assessment;
* decision support alone, cold, for every distinct projection of the shipped rules' domain
  (each complete and partial assessment of the fields the criteria read), and the worst case.

First it checks that the memoised result equals a freshly computed one on the whole projection
domain, and refuses to print ratios otherwise.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import sys
import time
from collections.abc import Callable
from itertools import product
from typing import Any

from bench_triage import make_mix
from reference import reference_triage

import hf_triage
import hf_triage._counterfactuals as support
import hf_triage._table as table_module
from hf_triage import default_rules, triage
from hf_triage._domain import FIELDS
from hf_triage._engine import clear_caches, decide


def projection_domain() -> list[dict[str, Any]]:
    """Every assignment of the fields the shipped criteria read, each possibly not given."""
    rules = default_rules()
    names = support.relevant_fields(rules)
    choices = [(None, *(v for v in FIELDS[n].values if v != "unknown")) for n in names]
    facts = []
    for values in product(*choices):
        f = {n: v for n, v in zip(names, values, strict=True) if v is not None}
        f.setdefault("support_duration", "unknown")
        facts.append(f)
    return facts


def check(domain: list[dict[str, Any]]) -> None:
    rules = default_rules()
    for facts in domain:
        decision = decide(rules, facts)
        first = support.decision_support(rules, facts, decision, "da")
        clear_caches(rules)
        again = support.decision_support(rules, facts, decision, "da")
        if first != again:
            sys.exit(f"memoised decision support differs from a fresh one for {facts}")


def _time(fn: Callable[[], None], before: Callable[[], None] | None = None) -> int:
    if before is not None:
        before()
    start = time.perf_counter_ns()
    fn()
    return time.perf_counter_ns() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats, passes = (7, 10) if args.quick else (21, 20)
    rules = default_rules()
    domain = projection_domain()
    check(domain)
    mix = make_mix()
    items = [(a, None if o is None else {"offers": o}) for a, o in mix]
    ref_items = list(mix)

    def reference() -> None:
        for _ in range(passes):
            for a, o in ref_items:
                reference_triage(a, o)

    def warm() -> None:
        for _ in range(passes):
            for a, m in items:
                triage(a, municipality=m)

    def cold() -> None:
        for a, m in items:
            triage(a, municipality=m)

    real = support.decision_support

    def off(*_: Any) -> Any:
        return ((), False, (), ())

    def cold_without() -> None:
        # the decision table calls it by its own name (hf_triage._table imports it)
        table_module.decision_support = off  # type: ignore[assignment]
        try:
            cold()
        finally:
            table_module.decision_support = real

    def support_alone() -> None:
        for facts in domain:
            clear_caches(rules)
            real(rules, facts, decide(rules, facts), "da")

    def support_cohort() -> None:
        # one cold pass over every projection, memo cleared once: a cohort's amortised cost
        clear_caches(rules)
        for facts in domain:
            real(rules, facts, decide(rules, facts), "da")

    warm()
    samples: dict[str, list[float]] = {
        "reference": [],
        "warm": [],
        "cold": [],
        "cold_without": [],
    }
    per_projection: list[float] = []
    amortised: list[float] = []
    gc.disable()
    try:
        for _ in range(repeats):
            samples["reference"].append(_time(reference) / (passes * len(items)))
            samples["warm"].append(_time(warm) / (passes * len(items)))
            samples["cold"].append(_time(cold, lambda: clear_caches(rules)) / len(items))
            samples["cold_without"].append(
                _time(cold_without, lambda: clear_caches(rules)) / len(items)
            )
        for _ in range(3 if args.quick else 5):
            per_projection.append(_time(support_alone) / len(domain))
            amortised.append(_time(support_cohort) / len(domain))
    finally:
        gc.enable()
    cpu_start = time.process_time()
    support_alone()
    cpu = (time.process_time() - cpu_start) / len(domain)
    worst = 0.0
    worst_facts: dict[str, Any] = {}
    for facts in domain:
        decision = decide(rules, facts)
        clear_caches(rules)
        t = _time(lambda f=facts, d=decision: real(rules, f, d, "da"))  # type: ignore[misc]
        if t > worst:
            worst, worst_facts = t, facts
    clear_caches(rules)
    med = {k: statistics.median(v) / 1000 for k, v in samples.items()}
    ref = med["reference"]
    print(
        f"Python {platform.python_version()}, {platform.machine()}, hf_triage "
        f"{hf_triage.__version__}; repeats {repeats}; mix of {len(items)} assessments"
    )
    print(f"{'variant':58} {'µs/call':>9} {'× ref':>7}")
    rows = [
        ("reference_triage (hand-written)", med["reference"]),
        ("triage(dict) warm, decision support included", med["warm"]),
        ("triage(dict) cold, with decision support", med["cold"]),
        ("triage(dict) cold, decision support switched off", med["cold_without"]),
    ]
    for name, value in rows:
        print(f"{name:58} {value:9.2f} {value / ref:6.1f}×")
    print(
        f"decision support alone, cold, per distinct projection ({len(domain)} projections): "
        f"{statistics.median(per_projection) / 1000:.0f} µs median of passes"
    )
    print(f"  the same in CPU time (less sensitive to other load): {cpu * 1e6:.0f} µs")
    print(
        f"decision support, one cold pass over all {len(domain)} projections (memo cleared "
        f"once): {statistics.median(amortised) / 1000:.0f} µs per projection, "
        f"{statistics.median(amortised) * len(domain) / 1e9:.2f} s in all"
    )
    print(f"worst projection: {worst / 1000:.0f} µs for {worst_facts}")
    extra = med["cold"] - med["cold_without"]
    print(f"cold cost of decision support per distinct assessment in the mix: {extra:.0f} µs")


if __name__ == "__main__":
    main()
