"""``triage_frame`` against a numpy implementation of the same rules, with peak memory.

    python benchmarks/bench_frame.py                      # 1,000,000 and 10,000,000 rows
    python benchmarks/bench_frame.py --rows 1000000 --repeat 3
    python benchmarks/bench_frame.py --dtypes string      # only pandas' default str columns

Issue 15 item 4: ``triage_frame`` within 2x of a numpy implementation over the same decoded
columns, at 1,000,000 and 10,000,000 rows, with peak memory, for string, categorical and
object-dtype columns.

The input is what a CSV export gives (``bench_batch.py``'s frame): one column per assessment
field (21), blank cells (``""``) for unknown answers, about one answer in six blank, values
drawn with a fixed seed, plus an integer ``citizen_id`` column; a portfolio (CTI, ICM) given.
It is written once to a Parquet file in a temporary directory; every measurement is a fresh
subprocess that reads it, converts the columns to the dtype measured (``str``: pandas' default
string dtype; ``category``; ``object``: Python ``str`` objects, as ``read_csv(dtype=object)``
or a list of dicts gives), collects garbage, resets the peak resident memory
(``/proc/self/clear_refs``), after giving freed memory back to the system (Arrow's pool,
``malloc_trim``), and then times one call. *Peak* is ``VmHWM`` minus ``VmRSS`` before the
call: the memory the call itself needs on top of the frame. Each call is timed twice: wall
time and the process's CPU time (``time.process_time``; one thread: Arrow and numpy run on
one). On a machine shared with other work the wall time includes the minutes the process
waited for its core; the CPU time does not, so its ratio is the steadier one there.

The numpy implementation (``numpy_triage``) is the shipped rules written as array
expressions, as ``reference.py`` writes them as ``if`` statements: every field column decoded
to small integer codes with ``pandas.factorize`` (``cat.codes`` for a categorical) and a
lookup table over the distinct cells, invalid cells flagged (as ``triage_frame`` must), then
the method (partial assessments: min and max over the completions of the unknown core
answers) and the 22 warnings of rule set 1.2 as a bit mask (derived fields as the rules
derive them: the highest given dimension, whether a possible method is offered, which unknown
core answer would decide). It returns two arrays (method code, warning bits);
``triage_frame`` returns the frame with six categorical result columns (method,
possible_methods, missing, warning_codes, reason_ids, error). "kernel" is the array
expressions alone, on already decoded columns.

Before any ratio, a check subprocess runs both on the 1,000,000-row file (string columns) and
requires every row's method and warning codes to agree; the numpy implementation is also
checked against ``reference_triage`` on the first 20,000 rows, with the portfolio measured and
with three portfolios without ICM (only those reach ``possible-methods-not-offered``).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OFFERS = ("CTI", "ICM")
METHODS = ("CTI", "ICM", "ACT")
#: warning codes in rules/warnings.yaml order (reference.py's order); bit i = WARNINGS[i]
WARNINGS = (
    "start-support-now",
    "housing-readiness-not-a-criterion",
    "cti-duration-unassessed",
    "beyond-typical-cti",
    "below-assessed-need",
    "above-assessed-need",
    "method-not-offered",
    "possible-methods-not-offered",
    "consent-missing",
    "consent-not-recorded",
    "inconsistent-answers",
    "act-traits-present",
    "consider-section-85",
    "revisit-to-more-intensive",
    "step-down-when-stable",
    "housing-plan-missing",
    "earlier-eviction-not-exclusion",
    "offer-action-plan",
    "cti-transition-unclear",
    "find-out-service-use",
    "find-out-complexity",
    "find-out-nine-months",
)
#: the eight life dimensions (``highest_dimension`` is their maximum over the given ones)
DIMENSIONS = (
    "dimensions.housing",
    "dimensions.mental_health",
    "dimensions.physical_health",
    "dimensions.finances",
    "dimensions.daily_activities",
    "dimensions.network",
    "dimensions.substance_use",
    "dimensions.education_employment",
)


def _vm(field: str) -> float:
    """A /proc/self/status figure in MiB."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> None:
    """Reset VmHWM to the current RSS (Linux >= 4.0: write 5 to clear_refs)."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
        fh.write("5")


def _release_free_memory() -> None:
    """Give memory freed while loading back to the system (Arrow's pool, glibc's heap), so
    that the call measured cannot reuse it unseen: its peak then shows what it needs."""
    import ctypes
    import ctypes.util

    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    libc = ctypes.util.find_library("c")
    if libc:
        ctypes.CDLL(libc).malloc_trim(0)


# --- the data ---------------------------------------------------------------------------


def write_data(rows: int, seed: int, path: Path) -> None:
    """The cohort as Parquet: dictionary-encoded text columns, drawn like bench_batch.py's."""
    import numpy as np
    import pandas as pd

    from hf_triage._domain import FIELDS

    rng = np.random.default_rng(seed)
    data: dict[str, Any] = {"citizen_id": np.arange(rows, dtype=np.int64)}
    for name, spec in FIELDS.items():
        texts = ["true" if v is True else "false" if v is False else str(v) for v in spec.values]
        weights = np.array([5 / 6 / len(texts)] * len(texts) + [1 / 6])
        codes = rng.choice(len(texts) + 1, size=rows, p=weights).astype(np.int8)
        data[name] = pd.Categorical.from_codes(codes, categories=[*texts, ""])
    pd.DataFrame(data).to_parquet(path, index=False)


def read_data(path: Path, dtype: str) -> Any:
    import pandas as pd

    frame = pd.read_parquet(path)  # text columns come back as categoricals
    names = [c for c in frame.columns if c != "citizen_id"]
    if dtype == "category":
        return frame
    if dtype == "string":
        return frame.astype(dict.fromkeys(names, "str"))
    if dtype == "object":
        return frame.astype(dict.fromkeys(names, object))
    raise SystemExit(f"unknown dtype {dtype!r}")


# --- the numpy implementation -------------------------------------------------------------


def _texts(name: str) -> dict[str, int]:
    from hf_triage._domain import FIELDS

    spec = FIELDS[name]
    out: dict[str, int] = {}
    for i, v in enumerate(spec.values):
        if v is True or v is False:
            for t in ("true", "True", "TRUE") if v else ("false", "False", "FALSE"):
                out[t] = i
        else:
            out[str(v)] = i
    return out


def decode(series: Any, name: str) -> tuple[Any, Any]:
    """A column as int8 codes (-1 unknown, i the i-th allowed value) and a bad-cell mask.

    Text cells only (what this benchmark feeds): the distinct cells are looked up once, the
    rows gathered through the codes.
    """
    import numpy as np
    import pandas as pd

    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        uniques = series.cat.categories
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    index = _texts(name)
    table = np.empty(len(uniques) + 1, dtype=np.int8)
    table[-1] = -1  # the NA sentinel
    for i, cell in enumerate(uniques.tolist() if hasattr(uniques, "tolist") else uniques):
        table[i] = -1 if cell == "" else index.get(cell, -2)
    decoded = table[codes]
    return decoded, decoded == -2


def kernel(cols: dict[str, Any], offers: tuple[str, ...]) -> tuple[Any, Any]:
    """Method codes (-1 undecided) and warning bits, over decoded columns (reference.py).

    ``reference._method`` per known service use, with its least (``lo``) and most (``hi``)
    intensive outcome over the completions of an unknown complexity; an unknown service use
    takes the least of ``significant`` (always <= ICM) and the most of ``minimal`` (always
    >= ICM). The methods still possible are every method from ``lo`` to ``hi`` (an unknown
    service use keeps ICM through ``partial``), so the portfolio test is a range test.
    """
    import numpy as np

    cx = cols["complexity"]
    su = cols["service_use"]
    dur = cols["support_duration"]  # 0 = unknown (absent reads as unknown too)
    mh3 = cols["dimensions.mental_health"] >= 3
    sub3 = cols["dimensions.substance_use"] >= 3
    long_term = dur == 2
    severe = cx == 2
    cx_unknown = cx == -1
    may_be_severe = severe | cx_unknown
    su_unknown = su == -1
    both = mh3 & sub3
    either = mh3 | sub3
    one, two = np.int8(1), np.int8(2)
    # significant: ICM when severe or long-term, else CTI (1.2: a severe dimension only warns)
    significant_lo = (severe | long_term).view(np.int8)
    significant_hi = (may_be_severe | long_term).view(np.int8)
    # minimal: ACT when severe or both mental health and substance use at 3-4, else ICM
    minimal_lo = np.where(severe | both, two, one)
    minimal_hi = np.where(may_be_severe | both, two, one)
    lo = np.where(su == 2, minimal_lo, np.where(su == 1, one, significant_lo))
    hi = np.where((su == 2) | su_unknown, minimal_hi, np.where(su == 1, one, significant_hi))
    method = np.where(lo == hi, lo, np.int8(-1))
    decided = lo == hi
    undecided = ~decided
    is_cti = method == 0
    is_icm = method == 1
    prop = cols["proposed_method"]
    current = cols["current_method"]
    offered = np.zeros(4, dtype=bool)  # index method + 1; undecided (-1) is never flagged
    for m in offers:
        offered[METHODS.index(m) + 1] = True
    # no method from lo to hi offered, per (lo, hi): 3 x 3 lookup
    none_offered = np.array(
        [[not offered[1 + a : 2 + b].any() for b in range(3)] for a in range(3)], dtype=bool
    ).ravel()
    # highest given dimension rating (-1: none given), for inconsistent-answers
    highest = cols[DIMENSIONS[0]]
    for name in DIMENSIONS[1:]:
        highest = np.maximum(highest, cols[name])
    # which unknown core answer would decide (reference.py's ``missing``): complexity varies
    # the method under significant unless long-term, under minimal unless both dimensions
    # are 3-4; service use varies it unless complexity is known and not severe, long-term,
    # and not both dimensions 3-4
    cx_varies = np.where(
        su_unknown,
        ~long_term | ~both,
        np.where(su == 0, ~long_term, (su == 2) & ~both),
    )
    su_varies = cx_unknown | severe | ~long_term | both
    situation = cols["situation"]
    # 5 street, 6 eviction_risk, 7 other, -1 not given: no critical transition named
    no_transition = (situation == -1) | ((situation >= 5) & (situation <= 7))
    conditions = (
        cols["urgency"] == 2,  # start-support-now
        cols["housing_ready"] != -1,  # housing-readiness-not-a-criterion
        is_cti & (dur <= 0),  # cti-duration-unassessed
        (lo == 0) & either,  # beyond-typical-cti
        (prop != -1) & (prop < lo),  # below-assessed-need
        ((prop == 1) & is_cti & (dur > 0)) | ((prop == 2) & decided & (method <= 1)),
        decided & ~offered[method + 1],  # method-not-offered
        undecided & none_offered[lo * 3 + hi],  # possible-methods-not-offered
        cols["consent"] == 0,  # consent-missing
        cols["consent"] == -1,  # consent-not-recorded
        (severe & (su == 0))  # inconsistent-answers
        | ((cx == 0) & (su == 2))
        | ((cx == 0) & either)
        | (severe & (highest >= 0) & (highest <= 1)),
        is_icm  # act-traits-present
        & (su == 2)
        & ((cx == 0) | (cx == 1))
        & ((cols["negative_service_experiences"] == 1) | (cols["dimensions.network"] >= 3)),
        is_icm & (cx == 0) & (su == 0) & long_term,  # consider-section-85
        (current != -1) & (current < lo),  # revisit-to-more-intensive
        (current != -1) & decided & (current > method),  # step-down-when-stable
        cols["housing_plan"] == 0,  # housing-plan-missing
        cols["previous_evictions"] == 1,  # earlier-eviction-not-exclusion
        cols["action_plan_offered"] == 0,  # offer-action-plan
        is_cti & no_transition,  # cti-transition-unclear
        undecided & su_unknown & su_varies,  # find-out-service-use
        undecided & cx_unknown & cx_varies,  # find-out-complexity
        undecided & (lo == 0) & (dur <= 0),  # find-out-nine-months
    )
    assert len(conditions) == len(WARNINGS)
    bits = np.zeros(cx.shape, dtype=np.uint32)
    for i, cond in enumerate(conditions):
        bits |= cond.view(np.uint8).astype(np.uint32) << np.uint32(i)
    return method, bits


def numpy_triage(frame: Any, offers: tuple[str, ...]) -> tuple[Any, Any, Any]:
    """Decode every field column, flag bad cells, run the kernel: (method, bits, bad rows)."""
    import numpy as np

    from hf_triage._domain import FIELDS

    cols: dict[str, Any] = {}
    bad = np.zeros(len(frame), dtype=bool)
    for name in FIELDS:
        if name in frame.columns:
            cols[name], wrong = decode(frame[name], name)
            bad |= wrong
        else:
            cols[name] = np.full(len(frame), -1, dtype=np.int8)
    method, bits = kernel(cols, offers)
    method[bad] = -1
    return method, bits, bad


# --- workers (one subprocess per measurement) -------------------------------------------


def worker(path: Path, dtype: str, impl: str) -> dict[str, float]:
    import numpy as np
    import pyarrow as pa

    import hf_triage
    from hf_triage import triage_frame
    from hf_triage._domain import FIELDS

    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    frame = read_data(path, dtype)
    rules = hf_triage.default_rules()
    municipality = {"offers": list(OFFERS)}
    if impl == "kernel":
        cols = {name: decode(frame[name], name)[0] for name in FIELDS}
        del frame
    gc.collect()
    _release_free_memory()
    before = _vm("VmRSS")
    _reset_peak()
    start = time.perf_counter()
    cpu_start = time.process_time()
    if impl == "frame":
        out = triage_frame(frame, rules=rules, municipality=municipality)
    elif impl == "numpy":
        out = numpy_triage(frame, OFFERS)
    elif impl == "kernel":
        out = kernel(cols, OFFERS)
    else:
        raise SystemExit(f"unknown impl {impl!r}")
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    peak = _vm("VmHWM")
    del out
    _ = np  # numpy imported before the reset, so its import is not counted
    return {"seconds": seconds, "cpu": cpu, "before": before, "peak": peak - before}


def _spell(bits: int) -> str:
    """A warning bit mask as triage_frame's ``warning_codes`` cell (codes joined by ``;``)."""
    return ";".join(w for i, w in enumerate(WARNINGS) if bits >> i & 1)


def check(path: Path) -> str:
    """Both implementations agree row for row; numpy agrees with reference_triage."""
    import numpy as np
    from reference import reference_triage

    from hf_triage import triage_frame
    from hf_triage._domain import FIELDS

    frame = read_data(path, "string")
    method, bits, bad = numpy_triage(frame, OFFERS)
    out = triage_frame(frame, municipality={"offers": list(OFFERS)})
    if bool(bad.any()) or bool(out["error"].notna().any()):
        return "the generated cohort has bad cells"
    names = np.array([None, *METHODS], dtype=object)
    got_method = out["method"].astype(object).where(out["method"].notna(), None).to_numpy()
    if not (got_method == names[method.astype(np.int64) + 1]).all():
        r = int(np.flatnonzero(got_method != names[method.astype(np.int64) + 1])[0])
        return f"method differs on row {r}: {got_method[r]} != {names[method[r] + 1]}"
    # the bit masks that occur, each spelled once as triage_frame spells its codes
    masks, inverse = np.unique(bits, return_inverse=True)
    spelled = np.array([_spell(int(b)) for b in masks], dtype=object)
    got_codes = out["warning_codes"].astype(object).to_numpy()
    want_codes = spelled[inverse.ravel()]
    if not (got_codes == want_codes).all():
        r = int(np.flatnonzero(got_codes != want_codes)[0])
        return f"warning codes differ on row {r}: {got_codes[r]!r} != {want_codes[r]!r}"
    # numpy against the hand-written rules, also for portfolios without ICM (ICM is always
    # possible while undecided, so only these reach possible-methods-not-offered)
    rows = frame.head(20_000)
    assessments: list[dict[str, Any]] = []
    for row in rows[list(FIELDS)].itertuples(index=False):
        a: dict[str, Any] = {}
        dims: dict[str, int] = {}
        for name, cell in zip(FIELDS, row, strict=True):
            if cell == "":
                continue
            if name.startswith("dimensions."):
                dims[name[11:]] = int(cell)
            elif FIELDS[name].kind == "bool":
                a[name] = cell == "true"
            else:
                a[name] = cell
        if dims:
            a["dimensions"] = dims
        assessments.append(a)
    for offers in (OFFERS, ("CTI",), ("ACT",), ("CTI", "ACT")):
        method, bits, _ = numpy_triage(rows, offers)
        for r, a in enumerate(assessments):
            want_method, want_codes = reference_triage(a, frozenset(offers))
            got = (names[method[r] + 1], _spell(int(bits[r])))
            want = (want_method, ";".join(want_codes))
            if got != want:
                return f"numpy and reference_triage differ on row {r} ({offers}): {got} != {want}"
    return "ok"


def run(args: list[str], pythonpath: str | None = None) -> dict[str, Any]:
    env = dict(os.environ)
    if pythonpath is not None:  # another hf_triage first on the path (--compare)
        env["PYTHONPATH"] = pythonpath
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if done.returncode != 0:
        raise SystemExit(f"worker {args} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="default: 1e6 and 1e7")
    parser.add_argument("--dtypes", nargs="+", default=["string", "category", "object"])
    parser.add_argument("--repeat", type=int, default=3, help="subprocesses per figure")
    parser.add_argument("--seed", type=int, default=20251124)
    parser.add_argument("--worker", nargs=3, metavar=("PATH", "DTYPE", "IMPL"), help="internal")
    parser.add_argument("--check", metavar="PATH", help="internal")
    parser.add_argument(
        "--compare",
        metavar="DIR",
        help="also time triage_frame of the hf_triage package found in DIR (e.g. an export of "
        "an earlier commit: git archive COMMIT hf_triage rules | tar -x -C DIR)",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    if hasattr(os, "sched_setaffinity"):  # one core, as the other cohort figures
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if args.worker:
        path, dtype, impl = args.worker
        print(json.dumps(worker(Path(path), dtype, impl)))
        return
    if args.check:
        print(json.dumps({"check": check(Path(args.check))}))
        return

    import numpy as np
    import pandas as pd

    sizes = args.rows or [1_000_000, 10_000_000]
    with tempfile.TemporaryDirectory(prefix="hf-bench-frame-") as tmp:
        paths = {}
        for rows in sizes:
            paths[rows] = Path(tmp) / f"cohort-{rows}.parquet"
            write_data(rows, args.seed, paths[rows])
        check_path = paths.get(1_000_000)
        if check_path is None:
            check_path = Path(tmp) / "check.parquet"
            write_data(1_000_000, args.seed, check_path)
        verdict = run(["--check", str(check_path)])["check"]
        if verdict != "ok":
            raise SystemExit(f"triage_frame and the numpy implementation disagree: {verdict}")

        command = "python benchmarks/bench_frame.py " + " ".join(sys.argv[1:])
        print(f"$ {command.strip()}")
        print()
        print(
            f"Python {platform.python_version()}, {platform.machine()} {platform.system()}, "
            f"pandas {pd.__version__}, numpy {np.__version__}; one core; median of "
            f"{args.repeat} fresh subprocesses per figure, interleaved; rows agree (1,000,000 "
            "rows, method and warning codes); load average at the start "
            + "/".join(f"{x:.2f}" for x in os.getloadavg())
        )
        print()
        print(
            "| rows | columns | numpy s | triage_frame s | × numpy | numpy CPU s "
            "| triage_frame CPU s | × numpy (CPU) | kernel alone s | RSS before MiB "
            "| numpy peak +MiB | triage_frame peak +MiB |"
        )
        print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for rows in sizes:
            for dtype in args.dtypes:
                got: dict[str, list[dict[str, float]]] = {
                    "numpy": [],
                    "frame": [],
                    "kernel": [],
                    "compare": [],
                }
                for _ in range(args.repeat):
                    for impl in ("numpy", "frame", "kernel"):
                        got[impl].append(run(["--worker", str(paths[rows]), dtype, impl]))
                    if args.compare:
                        worker_args = ["--worker", str(paths[rows]), dtype, "frame"]
                        got["compare"].append(run(worker_args, args.compare))

                def med(impl: str, key: str, got: dict[str, list[dict[str, float]]] = got) -> float:
                    return statistics.median(g[key] for g in got[impl])

                print(
                    f"| {rows:,} | {dtype} | {med('numpy', 'seconds'):.3f} "
                    f"| {med('frame', 'seconds'):.3f} "
                    f"| **{med('frame', 'seconds') / med('numpy', 'seconds'):.2f}×** "
                    f"| {med('numpy', 'cpu'):.3f} | {med('frame', 'cpu'):.3f} "
                    f"| **{med('frame', 'cpu') / med('numpy', 'cpu'):.2f}×** "
                    f"| {med('kernel', 'seconds'):.3f} | {med('frame', 'before'):,.0f} "
                    f"| {med('numpy', 'peak'):,.0f} | {med('frame', 'peak'):,.0f} |",
                    flush=True,
                )
                if args.compare:
                    print(
                        f"| {rows:,} | {dtype}, triage_frame from {args.compare} | "
                        f"| {med('compare', 'seconds'):.3f} "
                        f"| {med('compare', 'seconds') / med('numpy', 'seconds'):.2f}× "
                        f"| | {med('compare', 'cpu'):.3f} "
                        f"| {med('compare', 'cpu') / med('numpy', 'cpu'):.2f}× | | "
                        f"| | {med('compare', 'peak'):,.0f} |",
                        flush=True,
                    )
    print()
    print("load average at the end " + "/".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
