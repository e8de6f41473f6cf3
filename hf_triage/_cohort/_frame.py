"""``triage_frame``: the vectorised path for a pandas or polars DataFrame.

A result depends only on the answers the rules read (``CompiledRules.result_fields``) and on
the municipality's offers. ``triage_frame`` reads every field column as small integer codes
over its distinct cells (one ``factorize`` per column; a categorical's own codes), reads and
validates each distinct cell once, gathers each row's value class into one group key (mixed
radix over the classes the rules distinguish: 6,144 for the shipped rules), answers each
distinct key once with the engine's ``outcome`` (the decision and warning codes the decision
table holds and ``triage()`` returns) and gathers the answers back to the rows with numpy. No
Python object is made per cell, so string, categorical and object columns cost about the same
as a numpy implementation of the rules over the decoded columns (``benchmarks/bench_frame.py``).
The tests check the two paths agree row for row, on the enumerated domain and random cohorts.

The result columns (``_cells.RESULT_COLUMNS``) are pandas categoricals (polars: Categorical),
so a million rows cost a million small integers, not a million Python lists.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._api import default_rules, offers_of
from .._compile import CompiledRules, Cond, fields_of
from .._domain import CORE_FIELDS, FIELDS, METHODS, Scalar
from .._engine import BUILTIN, outcome
from .._enumerate import tests_by_field
from .._exceptions import AssessmentError
from .._models import Municipality, validate_mapping
from .._types import Facts, Kind
from ._cells import RESULT_COLUMNS, SEPARATOR, VALUE_INDEX, column_problem, problem_of, read_cell
from ._profile import as_municipality

if TYPE_CHECKING:
    import numpy as np

__all__ = ["triage_frame"]


@dataclass(frozen=True)
class _Coded:
    """Result columns as integer codes into their categories (-1 = null), frame-agnostic."""

    codes: dict[str, np.ndarray]
    categories: dict[str, list[str]]


@dataclass(frozen=True)
class _Unhashable:
    """A cell value that cannot be hashed (a list, a mapping), made groupable by its repr."""

    text: str
    value: object = field(compare=False, hash=False)

    @staticmethod
    def wrap(value: object) -> object:
        try:
            hash(value)
        except TypeError:
            return _Unhashable(repr(value), value)
        return value


def _typed(value: Any) -> Any:
    """A factorize key that tells 0 from False: ``(type, value)``; missing stays missing."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    try:
        hash(value)
    except TypeError:
        return _Unhashable(repr(value), value)
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    return (type(value), value)


def _factorized(series: Any) -> tuple[np.ndarray, list[Any]]:
    """A column as codes (-1 = blank/NA) and one raw value per code, without a key per cell."""
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    if isinstance(series.dtype, pd.CategoricalDtype):
        # the categories are the values: no hashing of the rows at all
        return series.cat.codes.to_numpy(), list(series.cat.categories)
    if series.dtype == object:
        return _object_codes(series)
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    except TypeError:  # a list or a mapping in a cell: a bad value, not a reason to stop
        wrapped = pd.Series([_Unhashable.wrap(v) for v in series.tolist()], dtype=object)
        codes, uniques = pd.factorize(wrapped, use_na_sentinel=True)
    return codes, list(uniques)


def _positions(name: str, uniques: list[Any]) -> tuple[np.ndarray, list[str]]:
    """Per distinct cell (and a last entry for blank): -1 unknown, i >= 0 the i-th allowed
    value, -2 - j the j-th problem; and the problems' messages."""
    import numpy as np

    table = np.empty(len(uniques) + 1, dtype=np.int16)
    table[-1] = -1  # the NA sentinel (-1) indexes the last entry
    index = VALUE_INDEX[name]
    problems: dict[str, int] = {}  # message -> code: 7 and "7" are one problem
    for i, raw in enumerate(uniques):
        value = read_cell(name, raw.value if isinstance(raw, _Unhashable) else raw)
        if value is None:
            table[i] = -1
            continue
        position = _position(index, value)
        if position is None:
            table[i] = problems.setdefault(problem_of(name, value), -2 - len(problems))
        else:
            table[i] = position
    return table, list(problems)


#: ``infer_dtype`` kinds whose values cannot equal a value of another type that reads otherwise
#: (Python and numpy integers read alike, so "integer" is one kind)
_ONE_KIND = frozenset({"string", "integer", "boolean", "floating", "empty"})


def _object_codes(series: Any) -> tuple[np.ndarray, list[Any]]:
    """An object column as codes and one raw value per code, ``0`` apart from ``False``.

    ``factorize`` holds 0 == False, 1 == 1.0 == True as one value; triage() does not. So the
    values are factorized as they are, their types too (``type`` over the array in one C
    loop), and the two codes combined: each distinct (type, value) is validated on its own,
    without building a Python key per cell (that cost about 6 s per million rows).
    """
    import numpy as np
    import pandas as pd

    values = series.to_numpy(dtype=object)
    try:
        value_codes, value_uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # a list or a mapping in a cell: a bad value, not a reason to stop
        typed = pd.Series([_typed(v) for v in values.tolist()], dtype=object)
        codes, keys = pd.factorize(typed, use_na_sentinel=True)
        return codes, [k[1] if isinstance(k, tuple) else k for k in keys]
    # one kind of value (blanks aside): nothing of another type can have been merged
    if pd.api.types.infer_dtype(values, skipna=True) in _ONE_KIND:
        return value_codes, list(value_uniques)
    type_codes, types = pd.factorize(np.frompyfunc(type, 1, 1)(values))
    if len(types) <= 1:
        return value_codes, list(value_uniques)
    # blanks (code -1) become one more code whose value reads as unknown
    key = np.where(value_codes < 0, -1, value_codes.astype(np.int64) * len(types) + type_codes)
    codes, _ = pd.factorize(key)
    first = np.empty(int(codes.max()) + 1 if len(codes) else 0, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the first cell of each code
    return codes, values[first].tolist()


def _value_classes(compiled: CompiledRules, name: str) -> tuple[np.ndarray, list[Scalar | None]]:
    """Values of ``name`` that every test of the rules treats alike, as classes.

    Returns ``class_of`` (indexed by code + 1, code -1 being unknown) and one representative
    value per class (``None`` = unknown). Two values in one class pass exactly the same tests,
    so the engine cannot tell them apart: this is what keeps the number of ``triage()`` calls
    small on any cohort. An unknown core answer is never merged with a known one (the engine
    completes unknown core answers).
    """
    import numpy as np

    tests = tests_by_field(compiled).get(name, [])
    values: list[Scalar | None] = [None, *FIELDS[name].values]
    signatures: dict[tuple[bool, ...], int] = {}
    representatives: list[Scalar | None] = []
    class_of = np.empty(len(values), dtype=np.int64)
    for i, value in enumerate(values):
        if name == "support_duration" and value is None:
            value = "unknown"  # CONTRACT.md: an absent support_duration is unknown
        signature = (
            value is None and name in CORE_FIELDS,
            *(value is not None and value in t.accepted for t in tests),
        )
        if signature not in signatures:
            signatures[signature] = len(representatives)
            representatives.append(values[i])
        class_of[i] = signatures[signature]
    return class_of, representatives


def _position(index: dict[tuple[type, Scalar], int], value: object) -> int | None:
    try:
        return index.get((type(value), value))  # type: ignore[arg-type]
    except TypeError:  # unhashable
        return None


class _MatchMemo:
    """The builtin matcher, remembering what holds per projection of the facts.

    A criterion or a warning reads only the fields of its condition (``fields_of``), so the
    names that hold are a function of the facts projected onto the fields that kind reads:
    ``outcome`` then matches each projection once per call (the shipped rules: 192 decision
    projections and 1,536 warning ones against 6,144 class tuples). Lives for one call only.
    """

    name = "builtin"

    def __init__(self, rules: CompiledRules) -> None:
        self._reads: dict[str, tuple[str, ...]] = {
            "criteria": _read_by(c.condition for c in rules.criteria),
            "warnings": _read_by(w.condition for w in rules.warnings),
        }
        self._memo: dict[tuple[str, tuple[Scalar | None, ...]], Collection[str]] = {}

    def holding(self, rules: CompiledRules, kind: Kind, facts: Facts) -> Collection[str]:
        reads = self._reads.get(kind)
        if reads is None:
            return BUILTIN.holding(rules, kind, facts)
        key = (kind, tuple(map(facts.get, reads)))
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = BUILTIN.holding(rules, kind, facts)
        return found


def _read_by(conditions: Iterable[Cond]) -> tuple[str, ...]:
    return tuple(sorted(set().union(*(fields_of(c) for c in conditions))))


def _small_codes(values: list[int], n_categories: int) -> np.ndarray:
    """Codes in the smallest integer type pandas keeps for that many categories (no copy)."""
    import numpy as np

    dtype = np.int8 if n_categories < 127 else np.int16 if n_categories < 32_767 else np.int32
    return np.array(values, dtype=dtype)


def _coded_results(
    n: int,
    columns: Mapping[str, Any],
    compiled: CompiledRules,
    profile: Municipality | None,
) -> _Coded:
    """Triage ``n`` rows given as field name -> column; the heart of ``triage_frame``.

    Per column: codes over its distinct cells (``factorize``; a categorical's own codes), each
    distinct cell read and validated once, then one gather of its class weight into the group
    key (mixed radix over the value classes of ``result_fields``). Each distinct key is
    answered once by the engine's ``outcome`` (what the decision table holds); the results go
    back to the rows by one gather per result column. Memory: a few bytes per row and column,
    never a Python object per cell.
    """
    import numpy as np

    radices: list[tuple[str, int, int, list[Scalar | None]]] = []
    class_tables: dict[str, tuple[np.ndarray, int]] = {}
    stride = 1
    for name in compiled.memo_fields:
        class_of, representatives = _value_classes(compiled, name)
        radix = len(representatives)
        radices.append((name, stride, radix, representatives))
        if radix > 1:
            class_tables[name] = (class_of, stride)
        stride *= radix
    key_type = np.int32 if stride < 1 << 31 else np.int64
    key = np.zeros(n, dtype=key_type)
    base = 0
    problems: dict[str, list[str]] = {}
    problem_cells: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # name -> (codes, positions)
    bad = np.zeros(n, dtype=bool)
    for name in FIELDS:
        if name not in columns:
            if name in class_tables:
                class_of, step = class_tables[name]
                base += int(class_of[0]) * step
            continue
        codes, uniques = _factorized(columns[name])
        positions, found = _positions(name, uniques)
        if found:
            problems[name] = found
            problem_cells[name] = (codes, positions)
            bad |= (positions <= -2)[codes]
        if name in class_tables:
            class_of, step = class_tables[name]
            # unknown (-1) and bad (-2..: masked below) both take the absent class
            weights = (class_of[np.maximum(positions, -1) + 1] * step).astype(key_type)
            np.add(key, weights[codes], out=key)
        del codes
    if base:
        np.add(key, base, out=key)
    inverse: np.ndarray
    if stride <= 1 << 24:  # a lookup table: linear time, no sort
        seen = np.zeros(stride, dtype=bool)
        seen[key] = True
        keys = np.flatnonzero(seen)
        lookup = np.empty(stride, dtype=np.int32)
        lookup[keys] = np.arange(len(keys), dtype=np.int32)
        inverse = lookup[key]
    else:
        keys, inverse = np.unique(key, return_inverse=True)
    del key

    # Each distinct key answered once, by the engine's outcome on one representative
    # assessment: the decision and warning codes triage() gives (the table holds the same).
    offers = offers_of(profile)
    matcher = _MatchMemo(compiled)
    # validated facts are the given answers (flat names) plus the defaults of absent ones
    defaults, _ = validate_mapping({})
    strings: dict[str, list[str | None]] = {c: [] for c in RESULT_COLUMNS[:-1]}
    for k in keys.tolist():
        facts = dict(defaults)
        for name, step, radix, representatives in radices:
            value = representatives[(k // step) % radix]
            if value is not None:
                facts[name] = value
        decision, codes_raised = outcome(compiled, facts, offers, matcher)
        strings["method"].append(decision.method)
        strings["possible_methods"].append(SEPARATOR.join(decision.possible_methods))
        strings["missing"].append(SEPARATOR.join(decision.missing))
        strings["warning_codes"].append(SEPARATOR.join(codes_raised))
        strings["reason_ids"].append(SEPARATOR.join(decision.reason_ids))

    out_codes: dict[str, np.ndarray] = {}
    categories: dict[str, list[str]] = {}
    has_bad = bool(bad.any())
    for column, values in strings.items():
        cats = list(METHODS) if column == "method" else sorted({v for v in values if v is not None})
        position = {c: i for i, c in enumerate(cats)}
        per_key = _small_codes([-1 if v is None else position[v] for v in values], len(cats))
        row_codes = per_key[inverse]
        if has_bad:
            row_codes[bad] = -1
        out_codes[column] = row_codes
        categories[column] = cats

    # The error column: one message per distinct combination of bad values.
    error_codes = np.full(n, -1, dtype=np.int32)
    messages: list[str] = []
    if has_bad:
        rows = np.flatnonzero(bad)
        names = list(problems)
        # valid and unknown cells (positions >= -1) all read as -1: only the problems matter
        matrix = np.stack(
            [
                np.minimum(positions[codes[rows]], -1)
                for codes, positions in (problem_cells[name] for name in names)
            ],
            axis=1,
        )
        combos, which = np.unique(matrix, axis=0, return_inverse=True)
        for combo in combos.tolist():
            messages.append(
                "; ".join(
                    problems[name][-2 - code]
                    for name, code in zip(names, combo, strict=True)
                    if code <= -2
                )
            )
        error_codes[rows] = which.reshape(-1)
    out_codes["error"] = error_codes
    categories["error"] = messages
    return _Coded(out_codes, categories)


def _check_columns(columns: list[Any]) -> None:
    problems = [p for p in (column_problem(c) for c in columns) if p is not None]
    seen: set[Any] = set()
    for c in columns:
        if c in FIELDS and c in seen:
            problems.append(f"column {c!r} appears twice; keep one")
        seen.add(c)
    if problems:
        raise AssessmentError("invalid cohort: " + "; ".join(problems), tuple(problems))


def triage_frame(
    frame: Any,
    *,
    rules: CompiledRules | None = None,
    municipality: Mapping[str, Any] | Municipality | None = None,
) -> Any:
    """Triage every row of a pandas or polars DataFrame; return it with the result columns.

    One column per assessment field, read by the cohort-cell rules (blank = unknown, ``"3"``,
    ``"true"``); other columns are carried through. Adds ``RESULT_COLUMNS`` (replacing columns
    of those names): see this module's docstring. A bad row never stops the batch: its
    ``error`` names field, value and allowed values, and its result columns are null.
    Identical, row for row, to ``triage()``. A pandas result records the rule set's
    fingerprint and the offers in ``.attrs["hf_triage"]``.
    """
    compiled = rules if rules is not None else default_rules()
    profile = as_municipality(municipality)
    library = type(frame).__module__.split(".")[0]
    if library == "pandas" and hasattr(frame, "columns"):
        return _triage_pandas(frame, compiled, profile)
    if library == "polars" and hasattr(frame, "columns"):
        return _triage_polars(frame, compiled, profile)
    raise TypeError(
        f"triage_frame needs a pandas or polars DataFrame, not {type(frame).__name__}; "
        "use triage_many for an iterable of mappings"
    )


def _categoricals(coded: _Coded) -> dict[str, Any]:
    import pandas as pd

    return {
        column: pd.Categorical.from_codes(
            coded.codes[column],
            categories=pd.Index(coded.categories[column], dtype=object),
            ordered=column == "method",
        )
        for column in RESULT_COLUMNS
    }


def _triage_pandas(frame: Any, compiled: CompiledRules, profile: Municipality | None) -> Any:
    _check_columns(list(frame.columns))
    columns = {name: frame[name] for name in FIELDS if name in frame.columns}
    coded = _coded_results(len(frame), columns, compiled, profile)
    out = frame.assign(**_categoricals(coded))
    out.attrs["hf_triage"] = {
        "ruleset_fingerprint": compiled.fingerprint,
        "offers": sorted(profile.offers) if profile is not None else None,
    }
    return out


def _triage_polars(frame: Any, compiled: CompiledRules, profile: Municipality | None) -> Any:
    import pandas as pd
    import polars as pl  # type: ignore[import-not-found,unused-ignore]

    _check_columns(list(frame.columns))
    columns = {
        name: frame.get_column(name).to_pandas(use_pyarrow_extension_array=True)
        for name in FIELDS
        if name in frame.columns
    }
    coded = _coded_results(frame.height, columns, compiled, profile)
    added = [
        pl.from_pandas(pd.Series(values, name=column)).cast(pl.Categorical)
        for column, values in _categoricals(coded).items()
    ]
    return frame.with_columns(added)
