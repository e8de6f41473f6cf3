"""How fast is one ``triage()`` call, against a hand-written function with the same semantics?

    python benchmarks/bench_triage.py            # full run (a few minutes)
    python benchmarks/bench_triage.py --quick    # fewer repeats, smaller agreement check

The headline is a *stream of distinct assessments* drawn from the whole input domain (every
field, life dimensions included, each given or not; a municipality portfolio on some): real
work, where every citizen is a new assessment. Each call is timed on its own
(``perf_counter_ns`` around the call, the timer's own cost shown), ``triage`` and the
reference alternating on the same assessments in one run; p50 and p99 per call. The first pass
over the stream fills the decision table (its decision parts and warning groups: a bounded number
of entries, see ``hf_triage/_table.py``), so the stream is timed on a second,
different stream after that. Peak memory after 1,000,000 distinct triages is measured in a
fresh subprocess (``ru_maxrss``), against the same process's baseline after import and loading
the rules.

The fixed mix of 50 assessments below is kept as a secondary figure.

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

"warm" calls repeat assessments the table has seen; "no table" evaluates the condition trees
and renders every text afresh (``_engine.recommend_direct``, validation included): what every
call cost before the table.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from reference import reference_triage

import hf_triage
from hf_triage import Assessment, default_rules, triage
from hf_triage._api import _facts
from hf_triage._domain import FIELDS
from hf_triage._engine import recommend_direct
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
) -> dict[str, list[float]]:
    """Per-call nanoseconds for every variant, one sample per repeat."""
    rules = default_rules()
    warm = _loops(mix, passes)
    direct_items = [(a, None if o is None else frozenset(o)) for a, o in mix] * passes

    def no_table() -> None:
        for a, o in direct_items:
            recommend_direct(rules, _facts(a), o, "da")

    loops = {**warm, "no table (condition trees + texts afresh)": no_table}
    for fn in loops.values():  # warm up: fill the table, settle caches
        fn()
    samples: dict[str, list[float]] = {name: [] for name in loops}
    calls = len(mix) * passes
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            for name, fn in loops.items():
                samples[name].append(_time(fn) / calls)
    finally:
        if gc_was_enabled:
            gc.enable()
    return samples


# --- the stream of distinct assessments ---------------------------------------------------------

#: every field's choices: not given, or one of its values
_CHOICES = [(name, (None, *spec.values)) for name, spec in FIELDS.items()]
_SPACE = 1
for _, _values in _CHOICES:
    _SPACE *= len(_values)
#: a multiplier coprime with the size of the space: i -> i * K mod N visits distinct points
_K = 1_000_003
while _SPACE % _K == 0 or any(_K % p == 0 for p in (2, 3, 5, 7)):
    _K += 2


def distinct_assessments(count: int, start: int = 0) -> Iterator[tuple[dict[str, Any], Any]]:
    """``count`` distinct assessments spread over the whole domain, each with its portfolio.

    Assessment number ``i`` is point ``i * K mod N`` of the domain (N = every combination of
    "not given" or a value for every field), decoded in mixed radix: no two are equal.
    """
    for i in range(start, start + count):
        code = (i * _K) % _SPACE
        a: dict[str, Any] = {}
        for name, values in _CHOICES:
            code, digit = divmod(code, len(values))
            value = values[digit]
            if value is None:
                continue
            if name.startswith("dimensions."):
                a.setdefault("dimensions", {})[name[11:]] = value
            else:
                a[name] = value
        portfolio = PORTFOLIOS[i % 7] if i % 7 < len(PORTFOLIOS) else None
        yield a, portfolio


def stream_percentiles(count: int) -> dict[str, tuple[float, float, float]]:
    """(p50, p99, mean) ns per call over a stream of distinct assessments, one run."""
    items = [(a, o, None if o is None else {"offers": o}) for a, o in distinct_assessments(count)]
    fill = [
        (a, None if o is None else {"offers": o}) for a, o in distinct_assessments(count, count)
    ]
    for a, m in fill:  # fill the table with other assessments of the same classes
        triage(a, municipality=m)
    clock = time.perf_counter_ns
    times: dict[str, list[int]] = {"timer alone": [], "reference_triage": [], "triage(dict)": []}
    t_timer, t_ref, t_tri = times.values()
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for a, o, m in items:
            t0 = clock()
            t1 = clock()
            reference_triage(a, o)
            t2 = clock()
            triage(a, municipality=m)
            t3 = clock()
            t_timer.append(t1 - t0)
            t_ref.append(t2 - t1)
            t_tri.append(t3 - t2)
    finally:
        if gc_was_enabled:
            gc.enable()
    result = {}
    for name, values in times.items():
        values.sort()
        n = len(values)
        result[name] = (values[n // 2], values[min(n - 1, n * 99 // 100)], sum(values) / n)
    return result


def peak_rss_mib() -> float:
    """This process's peak RSS (``VmHWM``: unlike ``ru_maxrss``, not inherited over exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_after(count: int) -> None:
    """Run ``count`` distinct triages; print baseline and peak RSS in MiB (subprocess mode)."""
    default_rules()
    base = peak_rss_mib()
    start = time.perf_counter()
    for a, o in distinct_assessments(count):
        triage(a, municipality=None if o is None else {"offers": o})
    seconds = time.perf_counter() - start
    peak = peak_rss_mib()
    print(f"{base:.1f} {peak:.1f} {seconds:.1f}")


# --- report ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats; smaller check")
    parser.add_argument("--rss", type=int, help=argparse.SUPPRESS)  # the memory subprocess
    parser.add_argument("--stream", type=int, default=None, help="assessments in the stream")
    args = parser.parse_args(argv)
    if args.rss:
        rss_after(args.rss)
        return
    repeats, passes = (7, 10) if args.quick else (31, 20)
    stream = args.stream or (50_000 if args.quick else 200_000)
    million = 200_000 if args.quick else 1_000_000

    rss = subprocess.run(  # first, while this process is still small
        [sys.executable, __file__, "--rss", str(million)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    base, peak, seconds = (float(x) for x in rss)
    mix = make_mix()
    checked = check_agreement(mix, args.quick)
    percentiles = stream_percentiles(stream)
    samples = measure(mix, repeats, passes)

    print(f"$ python benchmarks/bench_triage.py{' --quick' if args.quick else ''}")
    print(
        f"hf_triage {hf_triage.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()} {platform.system()}"
    )
    print(f"agreement: reference_triage == triage (method + warning codes) on {checked} cases\n")
    print(f"Stream of {stream:,} distinct assessments (whole domain), ns per call, one run:\n")
    print("| per call | p50 µs | p99 µs | mean µs | p50 × reference | p99 × reference |")
    print("|---|---:|---:|---:|---:|---:|")
    ref50, ref99, _ = percentiles["reference_triage"]
    for name, (p50, p99, mean) in percentiles.items():
        ratios = "| |" if name == "timer alone" else f"| {p50 / ref50:.1f}× | {p99 / ref99:.1f}× |"
        print(f"| {name} | {p50 / 1000:.2f} | {p99 / 1000:.2f} | {mean / 1000:.2f} {ratios}")
    tri50, tri99, _ = percentiles["triage(dict)"]
    goal50 = "meets" if tri50 <= 5 * ref50 else "MISSES"
    goal99 = "meets" if tri99 <= 10 * ref99 else "MISSES"
    print(f"\np50 {tri50 / ref50:.1f}× ({goal50} 5×), p99 {tri99 / ref99:.1f}× ({goal99} 10×)")
    print(
        f"\nmemory: {million:,} distinct triages in {seconds:.1f} s; peak RSS {peak:.1f} MiB, "
        f"{peak - base:.1f} MiB above the baseline after import and rules ({base:.1f} MiB)"
    )

    ref = statistics.median(samples["reference_triage (hand-written)"])
    partial = sum(1 for a, _ in mix if "complexity" not in a or "service_use" not in a)
    undecided = sum(1 for a, o in mix if reference_triage(a, o)[0] is None)
    warned = sum(1 for a, o in mix if reference_triage(a, o)[1])
    print(
        f"\nSecondary: the fixed mix of {len(mix)} assessments ({partial} partial, {undecided} "
        f"undecided, {warned} with warnings, {sum(1 for _, o in mix if o is not None)} with a "
        f"portfolio), {passes} passes per batch, median of {repeats} batches\n"
    )
    print("| variant | µs per call (median) | min | × reference |")
    print("|---|---:|---:|---:|")
    for name, values in samples.items():
        med = statistics.median(values)
        ratio = "" if "empty" in name else f"{med / ref:.1f}×"
        print(f"| {name} | {med / 1000:.3f} | {min(values) / 1000:.3f} | {ratio} |")


if __name__ == "__main__":
    main()
