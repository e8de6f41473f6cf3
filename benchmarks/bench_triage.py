"""How fast is one ``triage()`` call, against a hand-written function with the same semantics?

    python benchmarks/bench_triage.py            # full run (about a minute)
    python benchmarks/bench_triage.py --quick    # fewer repeats, smaller agreement check

The floor is ``benchmarks/reference.py``: the shipped rules written as plain ``if`` statements,
returning the method and the warning codes, validating nothing. Both run in the same process
over the same fixed mix of 50 realistic assessments (complete and partial, with life
dimensions, warnings and some municipality portfolios), cycled. Timings are
``time.perf_counter_ns`` over batches, garbage collector off (as ``timeit`` does), variants
interleaved round-robin so machine noise hits all of them alike; the figure is the median over
the repeats, per call. The loop itself is included for every variant (its cost is shown).

Before timing, ``reference_triage`` must agree with ``triage`` (method and warning codes) on the
whole enumerated domain of the default rules, under several municipality portfolios, and on the
mix; no ratio is printed otherwise.

"warm" calls hit the engine's memo after the first pass; "cold" clears ``rules.memo`` before
every batch of one pass over the mix, so each distinct assessment is evaluated from scratch.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from reference import reference_triage

import hf_triage
from hf_triage import Assessment, default_rules, triage
from hf_triage._domain import FIELDS
from hf_triage._enumerate import enumerate_domain

MIX_SIZE = 50
PORTFOLIOS: tuple[list[str] | None, ...] = (
    None,
    ["CTI"],
    ["CTI", "ICM"],
    ["ICM", "ACT"],
    ["CTI", "ICM", "ACT"],
    [],
)


# --- the mix -----------------------------------------------------------------------------------


def make_mix(seed: int = 20240601) -> list[tuple[dict[str, Any], list[str] | None]]:
    """A fixed, realistic mix: mostly complete assessments, some partial, some portfolios.

    Values come from the domain table (``FIELDS``), drawn with a fixed seed; the proportions
    are guesses at a caseload, not data.
    """
    rnd = random.Random(seed)

    def pick(name: str) -> Any:
        return rnd.choice(FIELDS[name].values)

    mix = []
    for _ in range(MIX_SIZE):
        a: dict[str, Any] = {}
        if rnd.random() < 0.85:
            a["complexity"] = pick("complexity")
        if rnd.random() < 0.85:
            a["service_use"] = pick("service_use")
        if rnd.random() < 0.8:
            a["urgency"] = pick("urgency")
        if rnd.random() < 0.6:
            a["support_duration"] = rnd.choice(["transitional", "long_term", "unknown"])
        if rnd.random() < 0.7:
            a["situation"] = pick("situation")
        if rnd.random() < 0.7:
            names = [n.split(".", 1)[1] for n in FIELDS if n.startswith("dimensions.")]
            chosen = rnd.sample(names, rnd.randint(3, len(names)))
            a["dimensions"] = {d: rnd.randint(0, 4) for d in chosen}
        if rnd.random() < 0.4:
            a["negative_service_experiences"] = rnd.random() < 0.5
        if rnd.random() < 0.15:
            a["housing_ready"] = rnd.random() < 0.5
        if rnd.random() < 0.7:
            a["consent"] = rnd.random() < 0.85
        if rnd.random() < 0.4:
            a["proposed_method"] = pick("proposed_method")
        offers = rnd.choice(PORTFOLIOS[1:]) if rnd.random() < 0.3 else None
        mix.append((a, offers))
    return mix


# --- agreement ---------------------------------------------------------------------------------


def _triage_view(a: Any, offers: list[str] | None, **kw: Any) -> tuple[str | None, tuple[str, ...]]:
    rec = triage(a, municipality=None if offers is None else {"offers": offers}, **kw)
    return rec.method, tuple(w.code for w in rec.warnings)


def check_agreement(mix: list[tuple[dict[str, Any], list[str] | None]], quick: bool) -> int:
    """Assert ``reference_triage`` agrees with ``triage``; return the number of cases checked."""
    rules = default_rules()
    cases: list[tuple[dict[str, Any], list[str] | None]] = list(mix)
    domain = list(enumerate_domain(rules))
    portfolios = PORTFOLIOS[:2] if quick else PORTFOLIOS
    cases += [(a, offers) for offers in portfolios for a in domain]
    if not quick:
        # every value (not one per class) of every field the rules read, no portfolio
        cases += [(a, None) for a in enumerate_domain(rules, representatives_only=False)]
    disagreements = []
    for a, offers in cases:
        expected = reference_triage(a, offers)
        got = _triage_view(a, offers)
        if got != expected:
            disagreements.append((a, offers, got, expected))
    for a, offers in mix:
        if _triage_view(Assessment.model_validate(a), offers) != reference_triage(a, offers):
            disagreements.append((a, offers, "Assessment input", reference_triage(a, offers)))
    if disagreements:
        for a, offers, got, expected in disagreements[:10]:
            print(f"DISAGREE {a} offers={offers}: triage={got} reference={expected}")
        sys.exit(
            f"reference_triage disagrees with triage on {len(disagreements)} of {len(cases)} "
            "cases: fix benchmarks/reference.py (or the engine) before comparing speed"
        )
    return len(cases) + len(mix)


# --- timing ------------------------------------------------------------------------------------

Loop = Callable[[], None]


def _loops(mix: list[tuple[dict[str, Any], list[str] | None]], passes: int) -> dict[str, Loop]:
    ref_items = [(a, offers) for a, offers in mix] * passes
    tri_items = [(a, None if o is None else {"offers": o}) for a, o in mix] * passes
    model_items = [(Assessment.model_validate(a), m) for a, m in tri_items[: len(mix)]] * passes

    def empty() -> None:
        for _a, _m in ref_items:
            pass

    def reference() -> None:
        for a, o in ref_items:
            reference_triage(a, o)

    def triage_dict() -> None:
        for a, m in tri_items:
            triage(a, municipality=m)

    def triage_model() -> None:
        for a, m in model_items:
            triage(a, municipality=m)

    def triage_en() -> None:
        for a, m in tri_items:
            triage(a, municipality=m, lang="en")

    return {
        "empty loop (overhead in every row)": empty,
        "reference_triage (hand-written)": reference,
        "triage(dict) warm": triage_dict,
        "triage(Assessment) warm": triage_model,
        'triage(dict, lang="en") warm': triage_en,
    }


def _time(fn: Loop, before: Callable[[], None] | None = None) -> int:
    if before is not None:
        before()
    start = time.perf_counter_ns()
    fn()
    return time.perf_counter_ns() - start


def measure(
    mix: list[tuple[dict[str, Any], list[str] | None]], repeats: int, passes: int
) -> tuple[dict[str, list[float]], int]:
    """Per-call nanoseconds for every variant, one sample per repeat; and cold memo misses."""
    rules = default_rules()
    warm = _loops(mix, passes)
    cold_items = [(a, None if o is None else {"offers": o}) for a, o in mix]

    def cold() -> None:
        for a, m in cold_items:
            triage(a, municipality=m)

    for fn in warm.values():  # warm up: fill the memo, settle caches
        fn()
    rules.memo.clear()
    cold()
    misses = len(rules.memo)

    samples: dict[str, list[float]] = {name: [] for name in warm}
    cold_name = "triage(dict) cold (memo cleared per batch)"
    samples[cold_name] = []
    calls = len(mix) * passes
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            for name, fn in warm.items():
                samples[name].append(_time(fn) / calls)
            # a cold batch is one pass; take several so its sample is as long as a warm one
            cold_ns = sum(_time(cold, rules.memo.clear) for _ in range(passes))
            samples[cold_name].append(cold_ns / calls)
            for fn in warm.values():  # refill the memo the cold batches emptied, untimed
                fn()
    finally:
        if gc_was_enabled:
            gc.enable()
    rules.memo.clear()
    return samples, misses


# --- report ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats; smaller check")
    args = parser.parse_args(argv)
    repeats, passes = (7, 10) if args.quick else (31, 20)

    mix = make_mix()
    checked = check_agreement(mix, args.quick)
    samples, misses = measure(mix, repeats, passes)

    ref = statistics.median(samples["reference_triage (hand-written)"])
    partial = sum(1 for a, _ in mix if "complexity" not in a or "service_use" not in a)
    undecided = sum(1 for a, o in mix if reference_triage(a, o)[0] is None)
    warned = sum(1 for a, o in mix if reference_triage(a, o)[1])
    print(f"$ python benchmarks/bench_triage.py{' --quick' if args.quick else ''}")
    print(
        f"hf_triage {hf_triage.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()} {platform.system()}"
    )
    print(
        f"agreement: reference_triage == triage (method + warning codes) on {checked} cases\n"
        f"mix: {len(mix)} assessments ({partial} partial, {undecided} undecided, "
        f"{warned} with warnings, {sum(1 for _, o in mix if o is not None)} with a portfolio), "
        f"{passes} passes per batch, median of {repeats} batches; "
        f"cold: {misses} memo misses per pass of {len(mix)}\n"
    )
    print("| variant | µs per call (median) | min | × reference |")
    print("|---|---:|---:|---:|")
    for name, values in samples.items():
        med = statistics.median(values)
        ratio = "" if "empty" in name else f"{med / ref:.1f}×"
        print(f"| {name} | {med / 1000:.3f} | {min(values) / 1000:.3f} | {ratio} |")
    warm_ratio = statistics.median(samples["triage(dict) warm"]) / ref
    goal = "meets" if warm_ratio <= 5 else "MISSES"
    print(f"\nwarm triage(dict) / reference = {warm_ratio:.1f}× ({goal} the 5× goal)")


if __name__ == "__main__":
    main()
