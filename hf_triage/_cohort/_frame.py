"""``triage_frame``: the vectorised path for a pandas or polars DataFrame.

A result depends only on the answers the rules read (``CompiledRules.result_fields``) and on
the municipality's offers. ``triage_frame`` reads every field column once, as small integer
codes over its distinct cells (one ``factorize`` per column; a categorical's own codes), and
validates each distinct cell once. The decision is one key per row over the classes of the
fields the criteria read, each distinct key decided once by the engine's matcher; the
warnings, as in the decision table (``_table``), group by group
(``_enumerate.warning_groups``: no group reads another group's fields), one key per row over
the group's own fields and its context of the decision, each distinct key matched once; each
row's warnings are one number over the groups' lists, spelled once per distinct combination.
So the work per key stays small however many answers the warnings read (rule set 1.2:
4,718,592 class tuples, but a few hundred keys per group).

The passes over the rows are few and narrow: a column's codes go through one lookup table
straight into the key that reads the column (each field feeds one key), keys are int16 where
they fit (int32 beyond), a key's distinct values are found by counting and its answers
indexed by the key itself (no sort, no int64 key), and only a bad flag and the highest
rating live per row beside the keys. No Python object is made per cell, so string,
categorical and object columns cost about what a numpy implementation of the rules over the
decoded columns does, in a fraction of its memory (``benchmarks/bench_frame.py``). The tests
check the two paths agree row for row, on the enumerated domain, random cohorts and
generated rule sets.

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
        # the categories are the values: no hashing of the rows at all (nor a copy of the
        # codes: ``.array.codes`` is the categorical's own array, read-only)
        return series.array.codes, list(series.cat.categories)
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

    # int32: a column may hold more than 32,766 distinct bad values (a free-text column)
    table = np.empty(len(uniques) + 1, dtype=np.int32)
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
    uniques = list(value_uniques)
    # only text among the distinct values: no value of another type equals a text, so none
    # was merged with one (what read_csv(dtype=object) gives; no pass over the rows)
    if all(type(u) is str for u in uniques):
        return value_codes, uniques
    # one kind of value (blanks aside): nothing of another type can have been merged
    if pd.api.types.infer_dtype(values, skipna=True) in _ONE_KIND:
        return value_codes, uniques
    type_codes, types = pd.factorize(np.frompyfunc(type, 1, 1)(values))
    if len(types) <= 1:
        return value_codes, uniques
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
    slots: list[int],
    full_of: Callable[[int], Facts],
) -> tuple[dict[int, int], list[int]]:
    """Per decision slot: the number of its context for a warning group, and per context one
    decision slot that has it.

    A context is what the group's warnings read besides the group's own fields: decision
    answers (a representative of their class passes the same tests) and derived facts.
    """
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
    of: dict[int, int] = {}
    for slot in slots:
        full = full_of(slot)
        number = numbers.setdefault(tuple(map(full.get, names)), len(numbers))
        if number == len(first):
            first.append(slot)
        of[slot] = number
    return of, first


#: A key of at most this many values indexes lookup tables directly (linear time, no sort)
#: while the tables are not much larger than the frame; a wider key's values are sorted.
_TABLE_LIMIT = 1 << 24
#: Answer every value of a narrow key instead of finding the values present (a pass over the
#: rows) when the frame has this many rows per value: answering one value (a few warning
#: predicates in Python) costs about what a pass over a few thousand rows does.
_ROWS_PER_KEY = 4096


def _key_dtype(span: int) -> Any:
    """The narrowest integer type holding 0 .. span - 1: every pass over a narrow key moves
    fewer bytes. (The spans over FIELDS' classes stay far below 2**63.)"""
    import numpy as np

    return np.int16 if span <= 1 << 15 else np.int32 if span <= 1 << 31 else np.int64


def _code_dtype(n_categories: int) -> Any:
    """The smallest integer type pandas keeps as codes for that many categories (no copy)."""
    import numpy as np

    return np.int8 if n_categories < 127 else np.int16 if n_categories < 32_767 else np.int32


@dataclass(frozen=True)
class _Slots:
    """The values of a per-row key to answer, and each row's slot in the tables over them.

    While the key is narrow a slot is the key itself (``rows`` is the key: no pass over the
    rows); a wider key's distinct values are sorted and numbered 0, 1, ...
    """

    keys: list[int]  # the key values to answer, ascending
    slots: list[int]  # the table slot of each
    rows: np.ndarray  # each row's slot
    count: int  # the size of a table over the slots


def _slots(key: np.ndarray, span: int, *, every: bool = False) -> _Slots:
    """``key``'s values (below ``span``) as slots; ``every``: every value below ``span``,
    present or not (cheaper than a pass to find the present ones, and as exact)."""
    import numpy as np

    if span <= _TABLE_LIMIT and span <= 4 * len(key) + 65_536:
        if every:
            keys = list(range(span))
        else:
            keys = np.flatnonzero(np.bincount(key, minlength=span)).tolist()
        return _Slots(keys, keys, key, span)
    unique, inverse = np.unique(key, return_inverse=True)
    count = len(unique)
    rows = inverse.reshape(-1).astype(_key_dtype(count))
    return _Slots(unique.tolist(), list(range(count)), rows, count)


def _dense(key: np.ndarray, span: int) -> tuple[list[int], np.ndarray]:
    """The distinct values of ``key`` (ascending) and each row's position among them."""
    import numpy as np

    found = _slots(key, span)
    if found.rows is not key:
        return found.keys, found.rows
    lookup = np.zeros(span, dtype=_key_dtype(len(found.keys)))
    lookup[found.keys] = np.arange(len(found.keys))
    return found.keys, lookup[key]


def _radices(
    names: Iterable[str], found_classes: Mapping[str, tuple[np.ndarray, list[Scalar | None]]]
) -> tuple[list[tuple[str, int, int]], int]:
    """A mixed-radix key's digits over ``names``' classes: (field, stride, radix) for each
    field of more than one class, and the key's span."""
    radices = []
    stride = 1
    for name in names:
        radix = len(found_classes[name][1])
        if radix > 1:
            radices.append((name, stride, radix))
            stride *= radix
    return radices, stride


class _Columns:
    """The frame's field columns, each read once.

    Reading a column factorizes it, validates each distinct cell once, flags the rows of bad
    cells, raises each row's highest life-dimension rating, and hands the column's value
    classes to the one key that reads it: the decision's or one warning group's (they read
    disjoint fields, ``warning_groups``). So a string column's codes (8 bytes a row) live only
    while their key is built; per row there stay a bad flag and the highest rating.
    """

    def __init__(
        self,
        n: int,
        columns: Mapping[str, Any],
        found_classes: Mapping[str, tuple[np.ndarray, list[Scalar | None]]],
        reads_highest: bool,
    ) -> None:
        import numpy as np

        self._columns = columns
        self._classes = found_classes
        self._unread = [name for name in FIELDS if name in columns]
        self.bad = np.zeros(n, dtype=bool)
        self.problems: dict[str, list[str]] = {}
        #: per field with bad cells, per row: -1 (valid or blank) or -2 - its problem number
        self.problem_rows: dict[str, np.ndarray] = {}
        #: per row the highest rating given + 1 (0: none), when the warnings read it
        self.top = np.zeros(n, dtype=np.int8) if reads_highest else None

    def read(self, name: str) -> tuple[np.ndarray, Any] | None:
        """Read column ``name``: its value class per distinct cell (the last entry: blank)
        and each row's cell code, for a field the rules read; else ``None``."""
        import numpy as np

        if name not in self._unread:
            return None  # no such column (a field feeds one key: never read twice)
        self._unread.remove(name)
        codes, uniques = _factorized(self._columns[name])
        positions, found = _positions(name, uniques)
        if found:
            self.problems[name] = found
            kind = np.int16 if len(found) < 32_000 else np.int32
            rows = np.minimum(positions, -1).astype(kind)[codes]
            self.bad |= rows <= -2
            self.problem_rows[name] = rows
        at = np.maximum(positions, -1) + 1  # unknown (-1) and bad (-2..: masked) read as absent
        if self.top is not None and name.startswith("dimensions."):
            ratings = np.array([0, *(int(v) + 1 for v in FIELDS[name].values)], dtype=np.int8)
            np.maximum(self.top, ratings[at][codes], out=self.top)
        if name not in self._classes:
            return None
        return self._classes[name][0][at], codes

    def key(self, radices: list[tuple[str, int, int]], dtype: Any) -> tuple[np.ndarray | None, int]:
        """One mixed-radix key per row over ``radices`` (``None``: no column of them in the
        frame), and the constant part the absent columns (read as unknown) add."""
        key = None
        offset = 0
        for name, stride, _ in radices:
            read = self.read(name)
            if read is None:
                offset += int(self._classes[name][0][0]) * stride
                continue
            classes, codes = read
            term = (classes * stride).astype(dtype)[codes]  # one gather, in the key's width
            if key is None:
                key = term
            else:
                key += term
        return key, offset

    def finish(self) -> None:
        """Read (validate) the columns no key has read."""
        for name in list(self._unread):
            self.read(name)


class _Combinations:
    """Each row's warnings as one number over the warning groups' lists (mixed radix),
    spelled once per combination present; renumbered over the combinations present when the
    next group would make the number too wide for a table.

    A list is held as a bit mask over the rule set's warnings in file order (the groups'
    warnings are disjoint, so a combination's mask is the sum of its lists' masks), spelled
    eight warnings at a time.
    """

    def __init__(self, n: int, codes: list[str]) -> None:
        self._n = n
        self._codes = codes  # the rule set's warning codes, in file order
        self.rows: np.ndarray | None = None
        self._span = 1
        self._prefix: list[int] = [0]  # the masks before the stages (after a renumbering)
        self._stages: list[tuple[list[int], int, int]] = []  # (a group's masks, stride, width)

    def add(self, lists: list[tuple[str, ...]], numbers: np.ndarray, slots: np.ndarray) -> None:
        """A group's distinct lists, the list number per key slot, each row's key slot."""
        bit = {code: 1 << i for i, code in enumerate(self._codes)}
        masks = [sum(bit[code] for code in codes) for codes in lists] or [0]
        width = len(masks)
        if width > 1:
            if self._span * width > _TABLE_LIMIT and self.rows is not None:
                keys, self.rows = _dense(self.rows, self._span)
                self._prefix = [self._mask(k) for k in keys]
                self._stages = []
                self._span = len(keys)
            dtype = _key_dtype(self._span * width)
            term = (numbers * self._span).astype(dtype)[slots]
            if self.rows is None:
                self.rows = term
            else:
                self.rows = self.rows.astype(dtype, copy=False)
                self.rows += term
        self._stages.append((masks, self._span, width))
        self._span *= width

    def _mask(self, k: int) -> int:
        mask = self._prefix[k % len(self._prefix)]
        for masks, stride, width in self._stages:
            mask += masks[(k // stride) % width]
        return mask

    def slots(self) -> tuple[_Slots, list[str]]:
        """Each row's combination as a slot, and each slot's warning codes (joined)."""
        import numpy as np

        rows = self.rows if self.rows is not None else np.zeros(self._n, dtype=np.int8)
        self.rows = None
        found = _slots(rows, self._span)
        # the masks of the combinations present, vectorised (Python ints past 64 warnings)
        kind = np.uint64 if len(self._codes) <= 64 else object
        keys = np.array(found.keys, dtype=np.int64)
        mask = np.array(self._prefix, dtype=kind)[keys % len(self._prefix)]
        for masks, stride, width in self._stages:
            mask += np.array(masks, dtype=kind)[(keys // stride) % width]
        parts = []
        for start in range(0, len(self._codes), 8):
            codes = self._codes[start : start + 8]
            spelled = np.array(
                [SEPARATOR.join(c for i, c in enumerate(codes) if b >> i & 1) for b in range(256)],
                dtype=object,
            )
            byte = np.bitwise_and(np.right_shift(mask, start), 0xFF).astype(np.intp)
            parts.append(spelled[byte].tolist())
        if not parts:  # a rule set without warnings
            return found, [""] * len(found.keys)
        return found, [SEPARATOR.join(filter(None, part)) for part in zip(*parts, strict=True)]


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


def _coded_results(
    n: int,
    columns: Mapping[str, Any],
    compiled: CompiledRules,
    profile: Municipality | None,
) -> _Coded:
    """Triage ``n`` rows given as field name -> column; the heart of ``triage_frame``.

    See the module docstring. Memory: a few bytes per row, never a Python object per cell.
    """
    import numpy as np

    found_classes = {name: _value_classes(compiled, name) for name in compiled.result_fields}
    reads_highest = HIGHEST in compiled.warning_fields
    table = _Columns(n, columns, found_classes, reads_highest)

    def answers(
        k: int, radices: list[tuple[str, int, int]], facts: dict[str, Scalar]
    ) -> dict[str, Scalar]:
        """``facts`` with the representative answers of key ``k`` added."""
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
    d_radices, d_span = _radices(decision_names, found_classes)
    d_key, offset = table.key(d_radices, _key_dtype(d_span))
    if d_key is None:
        d_key = np.full(n, offset, dtype=_key_dtype(d_span))
    elif offset:
        d_key += offset
    d = _slots(d_key, d_span)
    del d_key
    d_facts = {
        s: answers(k, d_radices, dict(defaults)) for k, s in zip(d.keys, d.slots, strict=True)
    }
    decisions = {s: decide(compiled, dict(d_facts[s]), matcher) for s in d.slots}
    full_facts: dict[int, Facts] = {}

    def full_of(slot: int) -> Facts:
        """The facts a decision's warnings read (answers and derived facts), once per slot."""
        found = full_facts.get(slot)
        if found is None:
            found = full_facts[slot] = warning_facts_for(d_facts[slot], decisions[slot], offers)
        return found

    # The warnings, group by group (``warning_groups``: no group reads another's fields): one
    # key per row over the group's own fields (low digits) and its context of the decision,
    # each key answered once; the group with the highest rating last (it needs every
    # dimension read, and keeps the whole decision key: its dimensions are cut where the
    # highest rating changes).
    highest = _highest_classes(compiled) if reads_highest else None
    counts = {f: len(found_classes[f][1]) for f in found_classes}
    if highest is not None:
        counts[HIGHEST] = len(highest[1])
    groups = warning_groups(compiled, counts) or [(frozenset[str](), ())]
    groups.sort(key=lambda group: HIGHEST in group[1])
    combinations = _Combinations(n, [w.code for w in compiled.warnings])
    for codes_in, own in groups:
        g_radices, own_span = _radices([f for f in own if f != HIGHEST], found_classes)
        with_highest = HIGHEST in own and highest is not None
        first: list[int] | None = None
        if with_highest:
            base_span, high_span = d.count, len(highest[1]) if highest is not None else 1
        else:
            context, first = _contexts(compiled, codes_in, own, d.slots, full_of)
            base_span, high_span = len(first), 1
        span = own_span * base_span * high_span
        dtype = _key_dtype(span)
        g_key, offset = table.key(g_radices, dtype)
        # per decision slot its base digit, shifted past the own digits
        base = np.zeros(d.count, dtype=dtype)
        if with_highest:
            base[:] = np.arange(d.count, dtype=np.int64) * own_span + offset
        elif d.slots:
            base[d.slots] = [context[s] * own_span + offset for s in d.slots]
        if g_key is None:
            g_key = base[d.rows]
        else:
            g_key += base[d.rows]
        if with_highest and highest is not None and table.top is not None:
            table.finish()  # every dimension read: each row's highest rating is complete
            g_key += (highest[0] * (own_span * base_span)).astype(dtype)[table.top]
        g = _slots(g_key, span, every=span * _ROWS_PER_KEY <= n)
        del g_key
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
        group_warnings = [w for w in compiled.warnings if w.code in codes_in]
        lists: dict[tuple[str, ...], int] = {}
        numbers = np.zeros(g.count, dtype=np.int64)
        for k, slot in zip(g.keys, g.slots, strict=True):
            rest, own_part = divmod(k, own_span)
            high, b = divmod(rest, base_span)
            d_slot = b if first is None else first[b]
            if d_slot not in decisions:
                continue  # a decision key no row has (answering every key): no row reads it
            facts = answers(own_part, g_radices, dict(d_facts[d_slot]))
            if with_highest and highest is not None and spare is not None:
                value = highest[1][high]
                if value is not None:
                    facts[spare] = value
            full = warning_facts_for(facts, decisions[d_slot], offers)
            raised = tuple(w.code for w in group_warnings if w.predicate(full))
            numbers[slot] = lists.setdefault(raised, len(lists))
        combinations.add(list(lists), numbers, g.rows)
        del g
    table.finish()

    # Each row's warnings: the groups' lists, merged into file order once per combination.
    c, spelled = combinations.slots()
    strings: dict[str, tuple[_Slots, list[str | None]]] = {
        "method": (d, [decisions[s].method for s in d.slots]),
        "possible_methods": (d, [SEPARATOR.join(decisions[s].possible_methods) for s in d.slots]),
        "missing": (d, [SEPARATOR.join(decisions[s].missing) for s in d.slots]),
        "warning_codes": (c, list[str | None](spelled)),
        "reason_ids": (d, [SEPARATOR.join(decisions[s].reason_ids) for s in d.slots]),
    }
    out_codes: dict[str, np.ndarray] = {}
    categories: dict[str, list[str]] = {}
    bad = table.bad
    has_bad = bool(bad.any())
    for column, (slots, values) in strings.items():
        cats = list(METHODS) if column == "method" else sorted({v for v in values if v is not None})
        position = {cat: i for i, cat in enumerate(cats)}
        per_slot = np.full(slots.count, -1, dtype=_code_dtype(len(cats)))
        per_slot[slots.slots] = [-1 if v is None else position[v] for v in values]
        row_codes = per_slot[slots.rows]
        if has_bad:
            row_codes[bad] = -1
        out_codes[column] = row_codes
        categories[column] = cats

    # The error column: one message per distinct combination of bad values.
    messages: list[str] = []
    which = None
    if has_bad:
        rows = np.flatnonzero(bad)
        names = [f for f in FIELDS if f in table.problems]  # columns are read out of order
        # valid and unknown cells (-1) all read alike: only the problems matter
        matrix = np.stack([table.problem_rows[name][rows] for name in names], axis=1)
        combos, which = np.unique(matrix, axis=0, return_inverse=True)
        for combo in combos.tolist():
            messages.append(
                "; ".join(
                    table.problems[name][-2 - code]
                    for name, code in zip(names, combo, strict=True)
                    if code <= -2
                )
            )
    error_codes = np.full(n, -1, dtype=_code_dtype(len(messages)))
    if which is not None:
        error_codes[np.flatnonzero(bad)] = which.reshape(-1)
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
    levels = int(getattr(frame.columns, "nlevels", 1))
    if levels > 1:
        problem = (
            f"the columns have {levels} levels of names (a MultiIndex); give one level, one "
            "column per assessment field (e.g. frame.columns = frame.columns.get_level_values(0))"
        )
        raise AssessmentError("invalid cohort: " + problem, (problem,))
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
