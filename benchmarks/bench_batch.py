"""How fast is ``triage_frame`` on a million rows, against a plain loop over the rows?

    python benchmarks/bench_batch.py                 # 1,000,000 rows (about a minute)
    python benchmarks/bench_batch.py --rows 200000   # quicker
    python benchmarks/bench_batch.py --many          # triage_many/_stream, 1,000,000 dicts

``--many``: 1,000,000 distinct assessment dicts (bench_triage's stream over the whole domain,
each with a ``citizen_id``, a portfolio given), already in a list; ``triage_many`` (the list of
results kept) and ``triage_stream`` consumed row by row (method and warning codes kept, as the
reference returns) against a plain loop calling ``reference_triage`` on the same dicts, in
rotating order over ``--rounds`` rounds (each run from a collected heap; the median of the
rounds' ratios is the figure); then once with every row's Recommendation built, which a row
does on first access. Every row's agreement is checked first; the peak resident memory each
run adds is reported (``VmHWM``, reset per run). ``triage_many`` pauses the cyclic garbage
collector while it builds its list, so its kept results meet the collector later, in the
caller's next collections: each run is therefore also timed with a full ``gc.collect()`` after
it, its results still kept ("collected after", the plain loop's run too).

The input is what a CSV export gives: a pandas DataFrame of string columns (pandas' default
``str`` dtype), one per assessment field, blank cells for unknown answers, values drawn with
a fixed seed from the domain table, plus a ``citizen_id`` column.

* ``triage_frame``: the vectorised path, result columns included (method, possible_methods,
  missing, warning_codes, reason_ids, error). "cold" is the first call in the process (the
  engine's memo is empty); "warm" repeats it.
* the plain loop: a Python ``for`` over the same rows that reads each row's cells into an
  assessment dict (blank -> left out, "3" -> 3, "true" -> True) and calls the hand-written
  ``reference_triage`` (benchmarks/reference.py: the shipped rules as ``if`` statements, no
  validation, no texts), collecting method and warning codes.

The process is pinned to one core (``sched_setaffinity``) and pyarrow to one thread. Before
printing a ratio, every row's method and warning codes from ``triage_frame`` must equal the
loop's.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from typing import Any

from reference import reference_triage

from hf_triage._engine import clear_caches

FIELD_NAMES: list[str] = []


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def make_frame(rows: int, seed: int) -> Any:
    import numpy as np
    import pandas as pd

    from hf_triage._domain import FIELDS

    rng = np.random.default_rng(seed)
    data: dict[str, Any] = {"citizen_id": [f"B{i:07d}" for i in range(rows)]}
    for name, spec in FIELDS.items():
        texts = ["true" if v is True else "false" if v is False else str(v) for v in spec.values]
        # about one answer in six left blank (unknown)
        choices = np.array([*texts, ""], dtype=object)
        weights = np.array([5 / 6 / len(texts)] * len(texts) + [1 / 6])
        data[name] = choices[rng.choice(len(choices), size=rows, p=weights)]
    return pd.DataFrame(data).astype("str")


def plain_loop(
    frame: Any, offers: frozenset[str] | None
) -> list[tuple[str | None, tuple[str, ...]]]:
    """Read each row's cells and call the hand-written reference function."""
    from hf_triage._domain import FIELDS

    names = list(FIELDS)
    kinds = ["bool" if s.kind == "bool" else "int" if isinstance(s.values[0], int) else "text"
             for s in FIELDS.values()]  # fmt: skip
    columns = [frame[n].tolist() for n in names]
    out = []
    for cells in zip(*columns, strict=True):
        a: dict[str, Any] = {}
        dims: dict[str, int] = {}
        for name, kind, cell in zip(names, kinds, cells, strict=True):
            if not cell:
                continue
            if kind == "int":
                dims[name[11:]] = int(cell)
            elif kind == "bool":
                a[name] = cell == "true"
            else:
                a[name] = cell
        if dims:
            a["dimensions"] = dims
        out.append(reference_triage(a, offers))
    return out


def _vm(field: str) -> float:
    """A /proc/self/status figure in MiB (0 where there is no /proc)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _reset_peak() -> float:
    """Reset the peak resident memory (``VmHWM``, Linux: ``clear_refs`` 5); the RSS now."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        pass
    return _vm("VmRSS")


def bench_many(rows: int, rounds: int) -> None:
    """triage_many and triage_stream over ``rows`` distinct dicts against a plain loop over
    reference_triage.

    The three are timed in a rotating order over ``rounds`` rounds, each run starting from a
    collected heap and its results let go after it, so all meet the same heap and the
    machine's drift falls on all; each ratio is to the plain loop of the same round, and the
    figure reported is the median of the rounds' ratios, with every round's shown.
    """
    from bench_triage import distinct_assessments

    import hf_triage
    from hf_triage import triage_many, triage_stream

    offers = ["CTI", "ICM"]
    records = []
    for k, (a, _) in enumerate(distinct_assessments(rows)):
        a["citizen_id"] = f"B{k:07d}"
        records.append(a)
    rules = hf_triage.default_rules()
    municipality = {"offers": offers}
    list(triage_stream(records[:20_000], rules=rules, municipality=municipality))
    reference_offers = frozenset(offers)

    def plain() -> list[Any]:
        return [reference_triage(a, reference_offers) for a in records]

    def many() -> list[Any]:
        # the list of every row's BatchResult, as the plain loop keeps every row's answer
        return triage_many(records, rules=rules, municipality=municipality)

    def stream() -> list[Any]:
        # what the reference returns: each row's method and warning codes (read from the table)
        return [
            (r.method, tuple(r.warning_codes) if r.error is None else None)
            for r in triage_stream(records, rules=rules, municipality=municipality)
        ]

    expected = plain()
    checks = {
        "triage_stream": stream(),
        "triage_many": [
            (r.method, tuple(r.warning_codes) if r.error is None else None) for r in many()
        ],
    }
    for name, got in checks.items():
        bad = [i for i, (g, e) in enumerate(zip(got, expected, strict=True)) if g != e]
        if bad:
            sys.exit(f"{name} and reference_triage disagree on {len(bad)} rows, e.g. {bad[:5]}")
    del checks

    runs = {"plain": plain, "triage_many": many, "triage_stream": stream}
    order = list(runs)
    times: dict[str, list[float]] = {name: [] for name in runs}
    # the run and the full collection of its kept results after it (what triage_many's
    # paused collector leaves to the caller's next collections)
    settled: dict[str, list[float]] = {name: [] for name in runs}
    added: dict[str, list[float]] = {name: [] for name in runs}
    for k in range(rounds):
        for name in order[k % 3 :] + order[: k % 3]:
            gc.collect()  # each run starts from a collected heap, whatever ran before it
            before = _reset_peak()
            t0 = time.perf_counter()
            out = runs[name]()
            t1 = time.perf_counter()
            gc.collect()
            settled[name].append(time.perf_counter() - t0)
            times[name].append(t1 - t0)
            added[name].append(_vm("VmHWM") - before)
            del out
    ratios = {
        name: [t / p for p, t in zip(times["plain"], times[name], strict=True)]
        for name in ("triage_many", "triage_stream")
    }
    settled_ratios = {
        name: [t / p for p, t in zip(settled["plain"], settled[name], strict=True)]
        for name in ("triage_many", "triage_stream")
    }

    # and every row's full Recommendation built (texts, reasons, decision support), once
    t0 = time.perf_counter()
    built = [
        (r.method, tuple(rec.warning_codes) if (rec := r.recommendation) else None)
        for r in triage_stream(records, rules=rules, municipality=municipality)
    ]
    full = time.perf_counter() - t0
    bad = [i for i, (g, e) in enumerate(zip(built, expected, strict=True)) if g != e]
    if bad:
        sys.exit(f"the recommendations and reference_triage disagree on {len(bad)} rows: {bad[:5]}")
    del built

    plain_dicts = [{k: v for k, v in a.items() if k != "citizen_id"} for a in records[: rows // 10]]
    t0 = time.perf_counter()
    for a in plain_dicts:
        hf_triage.triage(a, rules=rules, municipality=municipality)
    single_plain = (time.perf_counter() - t0) * 10

    loop = statistics.median(times["plain"])
    print(f"$ python benchmarks/bench_batch.py --many --rows {rows} --rounds {rounds}")
    print()
    print(f"Python {platform.python_version()}; {rows:,} distinct dicts; rows agree: all")
    print()
    print(
        "| round (first run) | plain loop s | triage_many s | triage_stream s | many | stream "
        "| many, collected after | stream, collected after |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for k in range(rounds):
        p, m, s = (times[name][k] for name in order)
        pc, mc, sc = (settled[name][k] for name in order)
        first = order[k % 3]
        print(
            f"| {k + 1} ({first}) | {p:.2f} | {m:.2f} | {s:.2f} | {m / p:.2f}× | {s / p:.2f}× "
            f"| {mc / pc:.2f}× | {sc / pc:.2f}× |"
        )
    medians = [
        statistics.median(r[name])
        for r in (ratios, settled_ratios)
        for name in ("triage_many", "triage_stream")
    ]
    print(
        "| **median** | | | | **{:.2f}×** | **{:.2f}×** | **{:.2f}×** | **{:.2f}×** |".format(
            *medians
        )
    )
    print()
    print(
        "collected after: the run's time plus a full collection (gc.collect()) with its "
        "results still kept, for the plain loop too"
    )
    print()
    print("| variant | seconds | µs per row | × plain loop |")
    print("|---|---:|---:|---:|")
    for label, seconds in [
        ("plain loop: reference_triage(dict), the list of answers (median)", loop),
        ("triage_many: the list of BatchResults (median)", statistics.median(times["triage_many"])),
        (
            "triage_stream: method and warning codes per row (median)",
            statistics.median(times["triage_stream"]),
        ),
        ("triage_stream: every row's Recommendation built", full),
        ("loop of triage(dict), without citizen_id (first tenth, ×10)", single_plain),
    ]:
        print(f"| {label} | {seconds:.2f} | {seconds / rows * 1e6:.2f} | {seconds / loop:.2f}× |")
    print()
    print(
        f"Peak resident memory above the start of a run, largest of the rounds "
        f"(the run's list of {rows:,} results included): "
        + ", ".join(f"{name} {max(added[name]):.0f} MiB" for name in order)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--many", action="store_true", help="triage_stream over dicts")
    parser.add_argument("--rounds", type=int, default=5, help="--many: alternating rounds")
    parser.add_argument("--repeat", type=int, default=5, help="warm repeats of triage_frame")
    parser.add_argument("--seed", type=int, default=20251124)
    args = parser.parse_args()
    pinned = pin_to_one_core()
    if args.many:
        bench_many(args.rows, args.rounds)
        return

    import numpy as np
    import pandas as pd
    import pyarrow as pa

    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)

    import hf_triage
    from hf_triage import triage_frame

    offers = ["CTI", "ICM"]
    frame = make_frame(args.rows, args.seed)
    rules = hf_triage.default_rules()
    clear_caches(rules)

    t0 = time.perf_counter()
    out = triage_frame(frame, municipality={"offers": offers})
    cold = time.perf_counter() - t0
    warm = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        out = triage_frame(frame, municipality={"offers": offers})
        warm.append(time.perf_counter() - t0)

    as_object = frame.astype(object)
    t0 = time.perf_counter()
    triage_frame(as_object, municipality={"offers": offers})
    object_time = time.perf_counter() - t0

    t0 = time.perf_counter()
    expected = plain_loop(frame, frozenset(offers))
    loop = time.perf_counter() - t0

    # agreement, row for row, before any ratio
    methods = out["method"].astype(object).where(out["method"].notna(), None).tolist()
    codes = out["warning_codes"].astype(object).tolist()
    bad = [
        i
        for i, (m, c, (rm, rc)) in enumerate(zip(methods, codes, expected, strict=True))
        if m != rm or c != ";".join(rc)
    ]
    if bad:
        sys.exit(f"triage_frame and reference_triage disagree on {len(bad)} rows, e.g. {bad[:5]}")
    distinct = int(np.unique(out["reason_ids"].cat.codes).size)

    best = min(warm)
    print(f"$ python benchmarks/bench_batch.py --rows {args.rows}")
    print()
    print(
        f"Python {platform.python_version()}, {platform.machine()} {platform.system()}, "
        f"pandas {pd.__version__}, numpy {np.__version__}, pyarrow {pa.__version__}; "
        f"{pinned}; {args.rows:,} rows x {frame.shape[1]} string columns "
        f"({frame.memory_usage(deep=True).sum() / 1e6:.0f} MB); rows agree: all {len(out):,}"
    )
    print()
    print("| variant | seconds | rows/s | × plain loop |")
    print("|---|---:|---:|---:|")
    rows = [
        ("plain loop: cells -> dict -> reference_triage", loop),
        ("triage_frame, cold (first call, empty memo)", cold),
        (f"triage_frame, warm (median of {args.repeat})", statistics.median(warm)),
        (f"triage_frame, warm (best of {args.repeat})", best),
        ("triage_frame, object-dtype columns (pandas 2 style)", object_time),
    ]
    for label, seconds in rows:
        print(f"| {label} | {seconds:.3f} | {args.rows / seconds:,.0f} | {loop / seconds:.1f}× |")
    print()
    print(f"distinct reason_ids values: {distinct}; errors: {int(out['error'].notna().sum())}")


if __name__ == "__main__":
    main()
