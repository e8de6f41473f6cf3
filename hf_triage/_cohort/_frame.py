"""``triage_frame``: the vectorised path for a pandas or polars DataFrame.

A result depends only on the answers the rules read (``CompiledRules.result_fields``) and on
the municipality's offers. ``triage_frame`` reads every field column as small integer codes
over its distinct cells (one ``factorize`` per column; a categorical's own codes), reads and
validates each distinct cell once, and gathers each row's value class per field. The decision
is one key per row over the classes of the fields the criteria read, each distinct key decided
once by the engine's matcher; the warnings, as in the decision table (``_table``), group by
group (``_enumerate.warning_groups``: no group reads another group's fields), one key per row
over the decision and the group's own fields, each distinct key matched once; each row's
warnings are the groups' lists merged into file order once per distinct combination. So the
work per key stays small however many answers the warnings read (rule set 1.2: 4,718,592
class tuples, but a few hundred keys per group). No Python object is made per cell, so string,
categorical and object columns cost about the same as a numpy implementation of the rules
over the decoded columns (``benchmarks/bench_frame.py``). The tests check the two paths agree
row for row, on the enumerated domain and random cohorts.

The result columns (``_cells.RESULT_COLUMNS``) are pandas categoricals (polars: Categorical),
so a million rows cost a million small integers, not a million Python lists.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._api import default_rules, offers_of
from .._compile import CompiledRules, Cond, fields_of
from .._domain import CORE_FIELDS, FIELDS, METHODS, Scalar
from .._engine import BUILTIN, decide, warning_facts_for
from .._enumerate import HIGHEST, tests_by_field, warning_groups
from .._exceptions import AssessmentError
from .._models import Municipality, validate_mapping
from .._types import Decision, Facts, Kind
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
    """The builtin matcher, remembering which criteria hold per projection of the facts.

    A criterion reads only the fields of its condition (``fields_of``), so the criteria that
    hold are a function of the facts projected onto the fields the criteria read: ``decide``
    then matches each projection once per call, however many unknown answers it completes.
    Lives for one call only.
    """

    name = "builtin"

    def __init__(self, rules: CompiledRules) -> None:
        self._reads: dict[str, tuple[str, ...]] = {
            "criteria": _read_by(c.condition for c in rules.criteria),
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


def _contexts(
    compiled: CompiledRules,
    codes: frozenset[str],
    own: tuple[str, ...],
    d_keys: np.ndarray,
    decisions: Mapping[int, Decision],
    facts_of_d: Callable[[int], dict[str, Scalar]],
    offers: frozenset[str] | None,
) -> tuple[np.ndarray, list[int]]:
    """Per distinct decision key (in ``d_keys`` order): the number of its context for a
    warning group, and per context one decision key that has it.

    A context is what the group's warnings read besides the group's own fields: decision
    answers (a representative of their class passes the same tests) and derived facts.
    """
    import numpy as np

    reads = set[str]().union(
        *(
            fields_of(w.condition).union(*(fields_of(v.condition) for v in w.variants))
            for w in compiled.warnings
            if w.code in codes
        )
    )
    names = sorted(reads - set(own))
    numbers: dict[tuple[Scalar | None, ...], int] = {}
    first: list[int] = []
    of = np.empty(len(d_keys), dtype=np.int64)
    for j, k in enumerate(d_keys.tolist()):
        full = warning_facts_for(facts_of_d(k), decisions[k], offers)
        number = numbers.setdefault(tuple(full.get(f) for f in names), len(numbers))
        if number == len(first):
            first.append(k)
        of[j] = number
    return of, first


def _distinct(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys (sorted) and each row's position among them."""
    import numpy as np

    top = int(key.max()) + 1 if len(key) else 0
    if top <= 1 << 24:  # a lookup table: linear time, no sort
        seen = np.zeros(top, dtype=bool)
        seen[key] = True
        keys = np.flatnonzero(seen)
        lookup = np.empty(top, dtype=np.int32)
        lookup[keys] = np.arange(len(keys), dtype=np.int32)
        return keys, lookup[key]
    keys, inverse = np.unique(key, return_inverse=True)
    return keys, inverse.reshape(-1)


def _highest_classes(compiled: CompiledRules) -> tuple[np.ndarray, list[Scalar | None]]:
    """The classes of ``highest_dimension`` (indexed by rating + 1, -1 = none given) and per
    class its largest member (``None`` only for a class of no rating): set on one dimension
    besides those the decision reads, it gives a highest rating in the class whatever they
    hold (they hold no more than the class allows: their classes are cut where it changes)."""
    import numpy as np

    tests = tests_by_field(compiled, spread=False).get(HIGHEST, [])
    signatures: dict[tuple[bool, ...], int] = {}
    largest: list[Scalar | None] = []
    scale: list[Scalar | None] = [None, *FIELDS["dimensions.housing"].values]
    class_of = np.empty(len(scale), dtype=np.int64)
    for i, value in enumerate(scale):
        signature = tuple(value is not None and value in t.accepted for t in tests)
        number = signatures.setdefault(signature, len(largest))
        if number == len(largest):
            largest.append(value)
        elif value is not None:
            largest[number] = value  # the scale is in order: the last member is the largest
        class_of[i] = number
    return class_of, largest


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

    See the module docstring. Memory: a few bytes per row and field, never a Python object
    per cell.
    """
    import numpy as np

    # Per field the rules read: each row's value class (int16), from one gather per column.
    found_classes = {name: _value_classes(compiled, name) for name in compiled.result_fields}
    row_class: dict[str, np.ndarray] = {}
    ratings: dict[str, np.ndarray] = {}  # life dimensions: each row's rating, -1 = none
    problems: dict[str, list[str]] = {}
    problem_cells: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # name -> (codes, positions)
    bad = np.zeros(n, dtype=bool)
    reads_highest = HIGHEST in compiled.warning_fields
    for name in FIELDS:
        if name not in columns:
            continue
        codes, uniques = _factorized(columns[name])
        positions, found = _positions(name, uniques)
        if found:
            problems[name] = found
            problem_cells[name] = (codes, positions)
            bad |= (positions <= -2)[codes]
        at = np.maximum(positions, -1) + 1  # unknown (-1) and bad (-2..: masked) read as absent
        if name in found_classes:
            row_class[name] = found_classes[name][0].astype(np.int16)[at][codes]
        if reads_highest and name.startswith("dimensions."):
            scale = np.array([-1, *FIELDS[name].values], dtype=np.int8)
            ratings[name] = scale[at][codes]
        del codes

    def digits(names: list[str]) -> tuple[np.ndarray, list[tuple[str, int, int]]]:
        """One mixed-radix key per row over ``names``' classes, and its radices."""
        key = np.zeros(n, dtype=np.int64)
        radices = []
        stride = 1
        for name in names:
            class_of, representatives = found_classes[name]
            radix = len(representatives)
            if radix > 1:
                here = row_class.get(name)
                if here is None:
                    key += int(class_of[0]) * stride
                else:
                    key += here.astype(np.int64) * stride
                radices.append((name, stride, radix))
                stride *= radix
        return key, radices

    def facts_of(
        k: int, radices: list[tuple[str, int, int]], into: dict[str, Scalar] | None = None
    ) -> dict[str, Scalar]:
        """The representative answers of key ``k``, added to ``into`` (default: the
        validated defaults)."""
        facts = dict(defaults) if into is None else into
        for name, stride, radix in radices:
            value = found_classes[name][1][(k // stride) % radix]
            if value is not None:
                facts[name] = value
        return facts

    # validated facts are the given answers (flat names) plus the defaults of absent ones
    defaults, _ = validate_mapping({})
    offers = offers_of(profile)
    matcher = _MatchMemo(compiled)

    # The decision: one key per row over the classes of the fields the criteria read.
    decision_names = [f for f in compiled.result_fields if f in set(compiled.decision_fields)]
    d_key, d_radices = digits(decision_names)
    d_span = 1
    for _, _, radix in d_radices:
        d_span *= radix
    d_keys, d_inverse = _distinct(d_key)
    decisions = {k: decide(compiled, facts_of(k, d_radices), matcher) for k in d_keys.tolist()}

    def facts_of_d(k: int) -> dict[str, Scalar]:
        return facts_of(k, d_radices)

    strings: dict[str, list[str | None]] = {c: [] for c in RESULT_COLUMNS[:-1]}
    for k in d_keys.tolist():
        decision = decisions[k]
        strings["method"].append(decision.method)
        strings["possible_methods"].append(SEPARATOR.join(decision.possible_methods))
        strings["missing"].append(SEPARATOR.join(decision.missing))
        strings["reason_ids"].append(SEPARATOR.join(decision.reason_ids))

    # The warnings, group by group (``warning_groups``: no group reads another's fields): one
    # key per row over the decision and the group's own fields; each distinct key matched once.
    highest = _highest_classes(compiled) if reads_highest else None
    counts = {f: len(found_classes[f][1]) for f in found_classes}
    if highest is not None:
        counts[HIGHEST] = len(highest[1])
    rank = {w.code: i for i, w in enumerate(compiled.warnings)}
    entries: list[list[tuple[str, ...]]] = []  # per group: its distinct lists of codes
    entry_rows: list[np.ndarray] = []  # per group: each row's list number
    for codes_in, own in warning_groups(compiled, counts) or [(frozenset[str](), ())]:
        g_key, g_radices = digits([f for f in own if f != HIGHEST])
        g_span = 1
        for _, _, radix in g_radices:
            g_span *= radix
        if HIGHEST in own:
            # the highest rating is reached through the decision's own dimensions too: keep
            # the whole decision key (its dimensions are cut where the highest rating changes)
            base, base_span, base_rep = d_key, d_span, None
        else:
            # the group's context: what its warnings read besides its own fields (decision
            # answers and derived facts), so decisions that look alike to them share keys
            base_of, base_rep = _contexts(
                compiled, codes_in, own, d_keys, decisions, facts_of_d, offers
            )
            base, base_span = base_of[d_inverse], len(base_rep)
        key = base + base_span * g_key
        if HIGHEST in own and highest is not None:
            top = np.full(n, -1, dtype=np.int8)
            for rating in ratings.values():
                np.maximum(top, rating, out=top)
            key += base_span * g_span * highest[0][top.astype(np.int16) + 1]
        g_keys, g_inverse = _distinct(key)
        # the highest rating through one dimension neither the decision nor the group reads:
        # a dimension the group's warnings read keeps its own value
        spare = next(
            (
                f
                for f in FIELDS
                if f.startswith("dimensions.") and f not in decision_names and f not in own
            ),
            None,
        )
        lists: dict[tuple[str, ...], int] = {}
        numbers: list[int] = []
        for k in g_keys.tolist():
            d = k % base_span if base_rep is None else base_rep[k % base_span]
            facts = facts_of((k // base_span) % g_span, g_radices, facts_of_d(d))
            if HIGHEST in own and highest is not None and spare is not None:
                value = highest[1][k // (base_span * g_span)]
                if value is not None:
                    facts[spare] = value
            full = warning_facts_for(facts, decisions[d], offers)
            raised = tuple(
                w.code for w in compiled.warnings if w.code in codes_in and w.predicate(full)
            )
            numbers.append(lists.setdefault(raised, len(lists)))
        entries.append(list(lists))
        entry_rows.append(np.array(numbers, dtype=np.int32)[g_inverse])
        del key

    # Each row's warnings: the groups' lists, merged into file order once per combination.
    combo = np.zeros(n, dtype=np.int64)
    stride = 1
    for group_lists, rows in zip(entries, entry_rows, strict=True):
        combo += rows.astype(np.int64) * stride
        stride *= max(len(group_lists), 1)
    c_keys, c_inverse = _distinct(combo)
    warning_strings: list[str | None] = []
    for k in c_keys.tolist():
        merged: list[str] = []
        rest = k
        for group_lists in entries:
            width = max(len(group_lists), 1)
            if group_lists:
                merged += group_lists[rest % width]
            rest //= width
        warning_strings.append(SEPARATOR.join(sorted(merged, key=rank.__getitem__)))

    out_codes: dict[str, np.ndarray] = {}
    categories: dict[str, list[str]] = {}
    has_bad = bool(bad.any())
    strings["warning_codes"] = warning_strings
    for column, values in strings.items():
        cats = list(METHODS) if column == "method" else sorted({v for v in values if v is not None})
        position = {c: i for i, c in enumerate(cats)}
        per_key = _small_codes([-1 if v is None else position[v] for v in values], len(cats))
        row_codes = per_key[c_inverse if column == "warning_codes" else d_inverse]
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
