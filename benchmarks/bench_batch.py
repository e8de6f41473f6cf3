"""How fast is ``triage_frame`` on a million rows, against a plain loop over the rows?

    python benchmarks/bench_batch.py                 # 1,000,000 rows (about a minute)
    python benchmarks/bench_batch.py --rows 200000   # quicker
    python benchmarks/bench_batch.py --many          # triage_stream over 1,000,000 dicts

``--many``: 1,000,000 distinct assessment dicts (bench_triage's stream over the whole domain,
each with a ``citizen_id``, a portfolio given), already in a list; ``triage_stream`` consumed
row by row (method and warning codes kept, as the reference returns; then again with every
row's Recommendation built, which a row does on first access) against a plain loop
calling ``reference_triage`` on the same dicts, in one run; the peak resident memory the
stream adds (``VmHWM``) and the rows' agreement are checked first.

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


def bench_many(rows: int) -> None:
    """triage_stream over ``rows`` distinct dicts against a plain loop over reference_triage."""
    from bench_triage import distinct_assessments

    import hf_triage
    from hf_triage import triage_stream

    offers = ["CTI", "ICM"]
    records = []
    for k, (a, _) in enumerate(distinct_assessments(rows)):
        a["citizen_id"] = f"B{k:07d}"
        records.append(a)
    rules = hf_triage.default_rules()
    list(triage_stream(records[:20_000], rules=rules, municipality={"offers": offers}))

    reference_offers = frozenset(offers)
    t0 = time.perf_counter()
    expected = [reference_triage(a, reference_offers) for a in records]
    loop = time.perf_counter() - t0

    plain = [{k: v for k, v in a.items() if k != "citizen_id"} for a in records[: rows // 10]]
    t0 = time.perf_counter()
    for a in plain:
        hf_triage.triage(a, rules=rules, municipality={"offers": offers})
    single_plain = (time.perf_counter() - t0) * 10

    before = _vm("VmRSS")
    t0 = time.perf_counter()
    # what the reference returns: each row's method and warning codes (read from the table)
    got = [
        (r.method, tuple(r.warning_codes) if r.error is None else None)
        for r in triage_stream(records, rules=rules, municipality={"offers": offers})
    ]
    stream = time.perf_counter() - t0
    peak = _vm("VmHWM")

    # and every row's full Recommendation built (texts, reasons, decision support)
    t0 = time.perf_counter()
    built = [
        (r.method, tuple(rec.warning_codes) if (rec := r.recommendation) else None)
        for r in triage_stream(records, rules=rules, municipality={"offers": offers})
    ]
    full = time.perf_counter() - t0

    for name, rows_got in (("triage_stream", got), ("its recommendations", built)):
        bad = [i for i, (g, e) in enumerate(zip(rows_got, expected, strict=True)) if g != e]
        if bad:
            sys.exit(f"{name} and reference_triage disagree on {len(bad)} rows, e.g. {bad[:5]}")
    print(f"$ python benchmarks/bench_batch.py --many --rows {rows}")
    print()
    print(f"Python {platform.python_version()}; {rows:,} distinct dicts; rows agree: all")
    print()
    print("| variant | seconds | µs per row | × plain loop |")
    print("|---|---:|---:|---:|")
    for label, seconds in [
        ("plain loop: reference_triage(dict)", loop),
        ("loop of triage(dict), without citizen_id (first tenth, ×10)", single_plain),
        ("triage_stream: method and warning codes per row", stream),
        ("triage_stream: every row's Recommendation built", full),
    ]:
        print(f"| {label} | {seconds:.2f} | {seconds / rows * 1e6:.2f} | {seconds / loop:.2f}× |")
    print()
    print(
        f"RSS before the stream {before:.0f} MiB; peak during it {peak:.0f} MiB "
        f"(+{peak - before:.0f} MiB, including the list of {rows:,} result tuples)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--many", action="store_true", help="triage_stream over dicts")
    parser.add_argument("--repeat", type=int, default=5, help="warm repeats of triage_frame")
    parser.add_argument("--seed", type=int, default=20251124)
    args = parser.parse_args()
    pinned = pin_to_one_core()
    if args.many:
        bench_many(args.rows)
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
