"""``triage_many``: triage an iterable of mappings (or Assessments), one result per row.

Records are read by the cohort-cell rules of ``_cells``. A bad row never stops the batch: its
``error`` names the field, the value given and the values allowed (the words of
``AssessmentError``), and every other row is triaged.

``triage_stream`` is the same, lazily: it reads the records in chunks (``_CHUNK``; from an
iterator that is not a list or tuple the chunks grow from one record, so a live feed is
answered at once and never read further ahead than it has been answered), yields their
results and keeps nothing, so memory stays flat however long the input (``triage_many`` is
its list). A chunk of plain dicts is read column by column with C-level iteration
(``_Columns``): per field, the cells of every record (``map(dict.get, ...)``) go through a map
from the cell as given (typed value or its text: ``"3"``, ``"true"``, blank) to the step it adds
to the decision table's index (``_table``), kept as bit fields (decision part, each warning
group's digit, a count per life-dimension rating for the highest one), and the steps are
summed column by column; each row's method and warning codes are then looked up per chunk from
small per-stream maps keyed by those bit fields. A record that pass does not fully accept (a
bad value, a float, a key that is no field, a field given twice, a cell of an unexpected type,
a rule set over another domain) takes the one-record path (``_fast_index``) and, failing that,
the ordinary path (``_record_assessment`` and ``triage()``), which words every problem; so the
fast passes only decide *how quickly* a row is answered, never *what* it is answered.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from itertools import chain, islice, repeat
from operator import add, and_, or_
from typing import Any

from .._api import default_rules, offers_of, triage
from .._compile import CompiledRules
from .._domain import FIELDS
from .._enumerate import HIGHEST as _HIGHEST
from .._enumerate import to_assessment
from .._exceptions import AssessmentError
from .._models import Assessment, Municipality, Recommendation
from .._table import TABLES, DecisionTable, answer
from .._texts import check_lang
from .._types import Scalar
from ._cells import column_problem, is_blank, read_cell
from ._pause import collector_paused
from ._profile import as_municipality

__all__ = ["BatchResult", "triage_many", "triage_stream"]


class _Source:
    """What builds the Recommendation of a row a fast pass answered, from its cells."""

    __slots__ = ()

    def build(self, cells: Sequence[Any]) -> Recommendation:  # pragma: no cover - overridden
        raise NotImplementedError


#: a result's data: (index, citizen_id, error, method, warning codes, *cells). For a row a
#: fast pass answered, ``cells`` are the row's own cells as read (strings, numbers, None, and
#: tuples of them: a copy, so a record changed later does not change its answer), from which
#: the source's ``build(cells)`` builds the Recommendation; a result built at once has no
#: cells, its source is the Recommendation (or None) and its codes None (read from it). Only
#: strings, numbers and tuples of them: the collector stops tracking the tuple, so a batch of
#: a million rows kept in a list is one tracked object per row, and a kept result keeps no
#: more than its own row
_Data = tuple[Any, ...]


class BatchResult:
    """One row of a batch: its recommendation, or the error that kept it from being triaged.

    ``index`` is the row's position in the input (from 0), ``error`` the AssessmentError
    problems (field, value, allowed values) joined with "; ", ``citizen_id`` the row's id.
    Every row is validated at once, and a row answered by the decision table's fast pass knows
    its ``method`` and ``warning_codes`` at once too; it builds its ``recommendation`` (texts,
    reasons, decision support) on first access and keeps it: a tally over a million rows pays
    only for what it reads. The result is read-only and equal to one built at once.
    """

    # one tuple of data and what builds the Recommendation (each set once; a fast pass sets
    # them for a whole chunk with C-level iteration), the Recommendation built on first access
    __slots__ = ("_built", "_data", "_source")

    _data: _Data
    _source: Any
    _built: Recommendation

    def __init__(
        self,
        index: int,
        recommendation: Recommendation | None,
        error: str | None = None,
        citizen_id: str | None = None,
    ) -> None:
        if recommendation is not None and not isinstance(recommendation, Recommendation):
            raise TypeError(
                "BatchResult: recommendation must be a Recommendation or None, "
                f"not {type(recommendation).__name__}"
            )
        method = recommendation.method if recommendation is not None else None
        _SET_DATA(self, (index, citizen_id, error, method, None))
        _SET_SOURCE(self, recommendation)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"BatchResult is read-only: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"BatchResult is read-only: cannot delete {name!r}")

    def __reduce__(self) -> tuple[type[BatchResult], tuple[Any, ...]]:
        # pickled and copied as built (a process pool returns it; the table stays behind)
        return (BatchResult, (self.index, self.recommendation, self.error, self.citizen_id))

    @property
    def index(self) -> int:
        index: int = self._data[0]
        return index

    @property
    def citizen_id(self) -> str | None:
        citizen: str | None = self._data[1]
        return citizen

    @property
    def error(self) -> str | None:
        error: str | None = self._data[2]
        return error

    @property
    def method(self) -> str | None:
        method: str | None = self._data[3]
        return method

    @property
    def recommendation(self) -> Recommendation | None:
        data = self._data
        if len(data) == _EAGER:
            rec: Recommendation | None = self._source
            return rec
        try:
            return self._built
        except AttributeError:
            built: Recommendation = self._source.build(data[_EAGER:])
            _SET_BUILT(self, built)
            return built

    @property
    def warning_codes(self) -> list[str]:
        """The codes of the row's warnings, in file order (empty for a row in error)."""
        codes: tuple[str, ...] | None = self._data[4]
        if codes is not None:
            return list(codes)
        rec = self.recommendation
        return list(rec.warning_codes) if rec is not None else []

    def _key(self) -> tuple[int, Recommendation | None, str | None, str | None]:
        return (self.index, self.recommendation, self.error, self.citizen_id)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BatchResult):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.index, self.error, self.citizen_id))

    def __repr__(self) -> str:
        return (
            f"BatchResult(index={self.index!r}, recommendation={self.recommendation!r}, "
            f"error={self.error!r}, citizen_id={self.citizen_id!r})"
        )


#: the length of a result's data without cells (a result built at once)
_EAGER = 5
_SET_DATA = vars(BatchResult)["_data"].__set__
_SET_SOURCE = vars(BatchResult)["_source"].__set__
_SET_BUILT = vars(BatchResult)["_built"].__set__


def _results(
    indices: Iterable[int],
    citizens: Iterable[str | None],
    methods: Iterable[str | None],
    codes: Iterable[tuple[str, ...]],
    cells: Sequence[Iterable[Any]],
    source: _Source,
    n: int,
) -> list[BatchResult]:
    """``n`` BatchResults answered by a fast pass, each with its row's ``cells`` (one iterable
    per column) for ``source`` to build from, built with C-level iteration: ``object.__new__``
    and the slots' setters mapped over the chunk."""
    out: list[BatchResult] = list(map(object.__new__, repeat(BatchResult, n)))
    data = zip(indices, citizens, repeat(None), methods, codes, *cells)
    deque(map(_SET_DATA, out, data), 0)
    deque(map(_SET_SOURCE, out, repeat(source)), 0)
    return out


def _record_assessment(record: Mapping[Any, Any]) -> tuple[dict[str, Any], list[str]]:
    """A cohort record (flat ``dimensions.x`` keys or a nested ``dimensions`` mapping) as an
    assessment mapping in domain order, plus the problems found in its keys."""
    flat: dict[str, Any] = {}
    odd_dimensions: dict[object, object] = {}
    problems: list[str] = []
    for key, value in record.items():
        if key in FIELDS:
            if key in flat and flat[key] != read_cell(key, value):
                problems.append(f"field '{key}' is given twice with different values")
            flat[key] = read_cell(key, value)
        elif key == "dimensions":
            if is_blank(value):
                continue
            if not isinstance(value, Mapping):
                flat["dimensions"] = value  # validation words it
                continue
            for dim, score in value.items():
                name = f"dimensions.{dim}"
                if name in FIELDS:
                    if name in flat and flat[name] != read_cell(name, score):
                        problems.append(f"field '{name}' is given twice with different values")
                    flat[name] = read_cell(name, score)
                else:
                    odd_dimensions[dim] = score
        else:
            problem = column_problem(key)
            if problem is not None:
                problems.append(problem.replace("column", "field", 1))
    assessment = to_assessment({name: flat.get(name) for name in FIELDS})  # domain order
    if "dimensions" in flat:
        assessment["dimensions"] = flat["dimensions"]
    elif odd_dimensions:
        assessment.setdefault("dimensions", {}).update(odd_dimensions)
    return assessment, problems


def _citizen_id(record: object, id_field: str) -> str | None:
    if not isinstance(record, Mapping):
        return None
    value = record.get(id_field)
    return None if is_blank(value) else str(value)


#: per key (a field; a dimension as ``dimensions.x``): field, exact type, value -> step,
#: text -> (step, value)
_Cells = dict[str, tuple[str, type[Any], dict[Scalar, int], dict[str, tuple[int, Scalar]]]]
#: non-field keys remembered per batch as harmless (an id, a note); bounded: keys are data
_KEYS_LIMIT = 256


def _texts(kind: type[Any], steps: dict[Scalar, int]) -> dict[str, tuple[int, Scalar]]:
    """The texts a cell may hold for each value, as ``_cells.read_cell`` reads them."""
    out: dict[str, tuple[int, Scalar]] = {}
    for value, step in steps.items():
        if kind is bool:
            for text in ("true", "True", "TRUE") if value else ("false", "False", "FALSE"):
                out[text] = (step, value)
        else:
            out[str(value)] = (step, value)
    return out


def _cell_steps(table: DecisionTable) -> tuple[_Cells, _Cells, int, tuple[Any, ...]] | None:
    """The table's validation-and-index pass (``Tables.index_mapping``) widened to cells."""
    if table.fast is None:
        return None
    top, dims, base, defaults = table.fast
    cells: _Cells = {}
    nested: _Cells = {}
    for key, (kind, steps) in top.items():
        cells[key] = (key, kind, steps, _texts(kind, steps))
    for dim, (name, steps) in dims.items():
        cells[name] = nested[dim] = (name, int, steps, _texts(int, steps))
    return cells, nested, base, defaults


def _fast_index(
    record: Mapping[Any, Any],
    cells: _Cells,
    nested: _Cells,
    base: int,
    defaults: tuple[Any, ...],
    harmless: dict[Any, bool],
) -> tuple[int, dict[str, Scalar]] | None:
    """The record's table index and facts, or ``None``: take the ordinary path.

    One loop body reads the top-level cells, then (second round) the nested ``dimensions``
    mapping: the hot loop of ``triage_stream``, kept free of calls per cell.
    """
    i = base
    facts: dict[str, Scalar] = {}
    blank: set[str] = set()
    value: Any
    specs = cells
    items = record.items()
    dimensions: Any = None
    while True:
        for key, value in items:
            spec = specs.get(key)
            if spec is None:
                if specs is nested:
                    return None
                if key == "dimensions":
                    if value is None or (type(value) is str and not value):
                        continue
                    if type(value) is not dict or dimensions is not None:
                        return None
                    dimensions = value
                    continue
                known = harmless.get(key)
                if known is None:
                    known = column_problem(key) is None
                    if len(harmless) < _KEYS_LIMIT:
                        harmless[key] = known
                if not known:
                    return None
                continue
            name, kind, steps, texts = spec
            if name in facts or name in blank:
                return None  # given twice: the ordinary path compares the two
            if value is None or (type(value) is str and not value):
                blank.add(name)
                continue
            if type(value) is kind:
                step = steps.get(value)
                if step is None:
                    return None
                facts[name] = value
                i += step
                continue
            if type(value) is str:
                hit = texts.get(value)
                if hit is None:
                    return None
                facts[name] = hit[1]
                i += hit[0]
                continue
            return None
        if dimensions is None or specs is nested:
            break
        specs, items = nested, dimensions.items()
    for name, default in defaults:
        if name not in facts:
            facts[name] = default
    return i, facts


def triage_stream(
    records: Iterable[Mapping[str, Any] | Assessment],
    *,
    rules: CompiledRules | None = None,
    municipality: Mapping[str, Any] | Municipality | None = None,
    lang: str = "da",
    id_field: str = "citizen_id",
) -> Iterator[BatchResult]:
    """``triage_many`` as a stream: one result per record, in order, as the records come.

    Nothing is kept between chunks of records, so memory stays flat for any number of records
    (a file read row by row, an NDJSON body). A list or tuple is read in chunks of ``_CHUNK``
    records; any other iterable in chunks that grow from one record, so it is never read
    further ahead than it has been answered. If the iterable raises, the results of the
    records it gave before are yielded first, then its error. ``lang`` and the municipality
    are checked at once, before any row (``TriageError``, ``MunicipalityError``).
    """
    check_lang(lang)
    compiled = rules if rules is not None else default_rules()
    profile = as_municipality(municipality)
    return _stream(records, compiled, profile, lang, id_field)


#: records per chunk of the column-wise pass (constant memory per row; big enough that the
#: per-chunk work is small against the per-row work)
_CHUNK = 256


def _chunks(
    records: Iterable[Any],
) -> Iterator[tuple[list[Any], Exception | None]]:
    """The records in chunks, each with the error the iterable raised after it, if any."""
    if isinstance(records, (list, tuple)):
        start = 0
        while start < len(records):  # a list may grow while it is read
            yield list(records[start : start + _CHUNK]), None
            start += _CHUNK
        return
    it = iter(records)
    size = 1  # a live feed: the first record is answered before the next is read
    while True:
        chunk: list[Any] = []
        try:
            chunk.extend(islice(it, size))  # keeps what came before an error
        except Exception as exc:  # the caller's error, raised after the rows before it
            yield chunk, exc
            return
        if not chunk:
            return
        yield chunk, None
        size = min(size * 2, _CHUNK)


def _stream(
    records: Iterable[Mapping[str, Any] | Assessment],
    compiled: CompiledRules,
    profile: Municipality | None,
    lang: Any,
    id_field: str,
) -> Iterator[BatchResult]:
    for results in _answered(records, compiled, profile, lang, id_field):
        # handed over one by one and not kept here: a row's Recommendation, built by the
        # consumer, dies young (kept for the whole chunk, it would outlive the collector's
        # youngest generation and make full collections over a large input frequent)
        results.reverse()
        while results:
            yield results.pop()


def _answered(
    records: Iterable[Mapping[str, Any] | Assessment],
    compiled: CompiledRules,
    profile: Municipality | None,
    lang: Any,
    id_field: str,
) -> Iterator[list[BatchResult]]:
    """The results of the records, a chunk at a time; an error the iterable raised comes
    after the results of the records it gave before it."""
    offers = offers_of(profile)
    table = TABLES.table(compiled) if type(compiled) is CompiledRules else None
    fast = _cell_steps(table) if table is not None else None
    harmless: dict[Any, bool] = {}
    single = _OneRow(compiled, table, offers, lang) if table is not None else None

    def one(index: int, record: Any) -> BatchResult:
        """One record on its own: the one-record fast pass, else the ordinary path."""
        citizen = _citizen_id(record, id_field)
        if fast is not None and type(record) is dict:
            found = _fast_index(record, *fast, harmless)
            if found is not None:
                assert single is not None
                return single.result(index, citizen, *found)
        return _ordinary(index, record, citizen, compiled, profile, lang)

    columns = None
    if table is not None and fast is not None:
        columns = _shared_columns(compiled, table, offers, lang)
        if not columns.fits:
            columns = None
    seen = _Keys(id_field, harmless, columns)
    start = 0
    for chunk, error in _chunks(records):
        n = len(chunk)
        if columns is None:
            yield [one(k, record) for k, record in enumerate(chunk, start)]
        elif set(map(type, chunk)) == {dict}:
            yield columns.chunk(compiled, chunk, range(start, start + n), one, seen)
        else:
            yield _mixed(compiled, chunk, start, columns, one, seen)
        start += n
        if error is not None:
            raise error


def _mixed(
    rules: CompiledRules,
    chunk: list[Any],
    start: int,
    columns: _Columns,
    one: Callable[[int, Any], BatchResult],
    seen: _Keys,
) -> list[BatchResult]:
    """A chunk of dicts and other records: the dicts column-wise, the rest one by one."""
    at = [k for k, record in enumerate(chunk) if type(record) is dict]
    rows = [chunk[k] for k in at]
    found = dict(
        zip(at, columns.chunk(rules, rows, [start + k for k in at], one, seen), strict=True)
    )
    return [found[k] if k in found else one(start + k, record) for k, record in enumerate(chunk)]


class _OneRow:
    """Answers a row the one-record fast pass read."""

    __slots__ = ("lang", "offers", "rules", "table")

    def __init__(
        self, rules: CompiledRules, table: DecisionTable, offers: frozenset[str] | None, lang: Any
    ) -> None:
        self.rules, self.table, self.offers, self.lang = rules, table, offers, lang

    def result(
        self, index: int, citizen: str | None, i: int, facts: dict[str, Scalar]
    ) -> BatchResult:
        table, rules = self.table, self.rules
        if table.highest is not None:
            i += table.highest_step(facts)  # a maximum, not a sum of cells
        decision = table.part(rules, i, facts).decision
        found = table.group_warnings(rules, i, facts, decision, self.offers, self.lang)
        codes = tuple(w.code for w in found)
        # one row, its own source: the facts stay there (a placeholder cell marks it lazy)
        source = _OneSource(self, i, facts)
        return _results((index,), (citizen,), (decision.method,), (codes,), [(None,)], source, 1)[0]


class _OneSource(_Source):
    """Builds the Recommendation of one row the one-record fast pass answered."""

    __slots__ = ("facts", "i", "one")

    def __init__(self, one: _OneRow, i: int, facts: dict[str, Scalar]) -> None:
        self.one, self.i, self.facts = one, i, facts

    def build(self, cells: Sequence[Any]) -> Recommendation:
        one = self.one
        return answer(one.rules, one.table, self.i, self.facts, one.offers, one.lang)


#: a step that marks a cell the column-wise pass does not take (far above every bit field)
_BAD = 1 << 62
_LIMIT = 1 << 61
_NONE = type(None)
#: per kind of field, the cell types that cannot hash equal to one of its keys by accident
#: (True == 1 == 1.0: a true/false column holding numbers is checked cell by cell; dicts and
#: lists raise TypeError, and such a chunk is read one record at a time)
_HARMLESS: dict[type[Any], frozenset[type[Any]]] = {
    str: frozenset({str, bool, int, float, _NONE, dict, list}),
    bool: frozenset({str, bool, _NONE, dict, list}),
    int: frozenset({str, int, _NONE, dict, list}),
}
#: columns whose steps are looked up together, as one tuple of cells
_WIDTH = 4
#: tuples of cells kept per group of columns (valid ones only: bounded by the fields' values
#: and texts; beyond, summed anew)
_COMBOS_LIMIT = 8_192
#: groupings of columns (which fields a chunk holds) with such a map (beyond: cell by cell)
_GROUPINGS_LIMIT = 16
#: entries kept per half of the warning groups (beyond: combined from the groups anew)
_HALF_LIMIT = 131_072
#: distinct lists of warning codes kept per stream (beyond: worded anew)
_CODES_LIMIT = 65_536
_EMPTY: dict[str, Any] = {}


class _Columns:
    """A chunk of dict records read column by column (see the module docstring).

    The index is kept as bit fields: the decision part (``index % parts_size``) in the low
    bits, then each warning group's digit, then, if the rules read the highest life-dimension
    rating, a 4-bit count per rating (its highest set bit is the highest rating given). Per
    stream, the decision part gives the method and each group's bits (with the part) its
    warning codes as a bit mask; both are filled from the decision table on first sight.
    """

    def __init__(
        self,
        rules: CompiledRules,
        table: DecisionTable,
        offers: frozenset[str] | None,
        lang: Any,
    ) -> None:
        # no reference to ``rules`` is kept (``_SHARED`` holds this per live rule set)
        self.table, self.offers, self.lang = table, offers, lang
        assert table.fast is not None
        _, dims, _, default_items = table.fast
        self.defaults = default_items
        defaults = dict(default_items)
        pbits = (table.parts_size - 1).bit_length()
        self.part_mask = (1 << pbits) - 1
        #: per column field: (divisor, shift) turning its weight into its bits
        where: dict[str, tuple[int, int]] = {name: (1, 0) for name, _ in table.decision_columns}
        shift = pbits
        self.groups: list[tuple[frozenset[str], int, dict[int, int]]] = []
        for group in table.groups:
            width = (group.size - 1).bit_length()
            for name in group.fields:
                where[name] = (group.stride, shift)
            mask = self.part_mask | (((1 << width) - 1) << shift)
            self.groups.append((group.codes, mask, {}))
            shift += width
        #: the groups in two halves, each with a map from its bits (and the decision part's)
        #: to the codes of all its groups: two lookups per row instead of one per group
        sized = sorted(zip(table.groups, self.groups, strict=True), key=lambda g: -g[0].size)
        halves: list[list[tuple[int, dict[int, int]]]] = [[], []]
        spans = [1, 1]
        for group, (_, group_mask, group_cache) in sized:
            side = 0 if spans[0] <= spans[1] else 1
            halves[side].append((group_mask, group_cache))
            spans[side] *= group.size
        self.halves: list[tuple[int, list[tuple[int, dict[int, int]]], dict[int, int]]] = [
            (functools.reduce(or_, (m for m, _ in members)), members, {})
            for members in halves
            if members
        ]
        weights = dict(table.columns)

        def bits(name: str, value: Scalar | None) -> int:
            w = weights.get(name)
            if w is None:
                return 0
            divisor, at = where[name]
            return (w[value] // divisor) << at

        self.base = sum(bits(name, defaults.get(name)) for name, _ in table.columns)
        dim_names = {name: dim for dim, (name, _) in dims.items()}
        ratings = sorted({int(v) for n in dim_names for v in rules.domain.fields[n].values})
        #: per bit length of the rating counts: the highest rating's bits in its group
        self.highest: list[int] | None = None
        self.nib_mask = 0
        nib = shift
        if table.highest is not None:
            highest = table.highest
            divisor, at = where.get(_HIGHEST, (0, 0))
            if divisor and all(r in highest for r in ratings) and None in highest:
                self.nib_mask = ((1 << (4 * len(ratings))) - 1) << nib
                self.highest = [(highest[None] // divisor) << at] + [0] * nib
                for rating in ratings:
                    self.highest += [(highest[rating] // divisor) << at] * 4
            shift += 4 * len(ratings)
        #: the empty assessment's index bits, the highest rating (none given) included
        self.base_none = self.base + (self.highest[0] if self.highest is not None else 0)
        #: typed ratings: the highest rating's bits by the max of a ``dimensions`` mapping
        #: (``below``: none given); only the dimensions the index reads are read one by one
        self.ratings = frozenset(ratings)
        self.below = min(ratings) - 1
        self.by_max: dict[int, int] | None = None
        if self.highest is not None and table.highest is not None:
            divisor, at = where[_HIGHEST]
            self.by_max = {self.below: self.highest[0]}
            for rating in ratings:
                self.by_max[rating] = (table.highest[rating] // divisor) << at
            if not all(0 <= r < 256 for r in ratings):  # a row's ratings are kept as bytes
                self.by_max = None
        self.plain: dict[str, dict[Any, int]] = {}
        self.indexed: dict[str, str] = {}
        #: False: the bit fields do not fit below ``_LIMIT``; the stream reads record by record
        self.fits = shift < 60 and (table.highest is None or self.highest is not None)
        #: per key: the kind of its cells, cell -> step, cell -> value
        self.kind: dict[str, type[Any]] = {}
        self.steps: dict[str, dict[Any, int]] = {}
        self.values: dict[str, dict[Any, Scalar]] = {}
        for name, spec in rules.domain.fields.items():
            kind = type(spec.values[0])
            start = bits(name, defaults.get(name))
            steps: dict[Any, int] = {None: 0, "": 0}
            values: dict[Any, Scalar] = {}
            for v in spec.values:
                step = bits(name, v) - start
                if name in dim_names:
                    self.plain.setdefault(name, {None: 0})[v] = step
                    if step:
                        self.indexed[dim_names[name]] = name
                    if self.highest is not None:
                        step += 1 << (nib + 4 * ratings.index(int(v)))
                texts = (
                    ("true", "True", "TRUE")
                    if v is True
                    else ("false", "False", "FALSE")
                    if v is False
                    else (str(v),)
                )
                for cell in (v, *texts):
                    steps[cell] = step
                    values[cell] = v
            self.kind[name], self.steps[name], self.values[name] = kind, steps, values
        #: top-level keys in domain order (flat life dimensions too), nested dimension keys
        self.top = tuple(rules.domain.fields)
        self.flat = frozenset(dim_names)
        self.nested = {dim: name for name, dim in dim_names.items()}
        self.nested_keys = frozenset(self.nested)
        self.known = frozenset({*self.top, "dimensions"})
        #: per decision part seen: its method (and decision)
        self.methods: dict[int, str | None] = {}
        self.decisions: list[Any] = [None] * (self.part_mask + 1)
        self.codes_of: dict[int, tuple[str, ...]] = {}
        #: per group of step maps (by identity): tuple of cells -> their steps summed
        self.combos: dict[tuple[int, ...], dict[tuple[Any, ...], int]] = {}
        self.code_list = [w.code for w in rules.warnings]
        self.rank = table.rank

    def _odd_keys(
        self, rows: list[dict[Any, Any]], keys: set[Any], bad: set[int], seen: _Keys
    ) -> None:
        """Rows with a key that is no field and looks like a misspelt one go one by one."""
        harmful = set()
        for key in keys - seen.known:
            known = seen.harmless.get(key)
            if known is None:
                known = column_problem(key) is None
                if len(seen.harmless) < _KEYS_LIMIT:
                    seen.harmless[key] = known
                    if known:
                        seen.known.add(key)
            if not known:
                harmful.add(key)
        if harmful:
            bad.update(k for k, row in enumerate(rows) if not harmful.isdisjoint(row))

    def _columns(self, rows: list[dict[Any, Any]], keys: set[Any], bad: set[int]) -> _Read:
        """The chunk's cells, one list per field it holds, and the steps to sum (may raise
        TypeError: an unhashable cell)."""
        read = _Read()
        kinds, steps = self.kind, self.steps
        types = set(map(type, chain.from_iterable(map(dict.values, rows))))
        for name in self.top:
            if name in keys:
                column = list(map(dict.get, rows, repeat(name)))
                kind = kinds[name]
                if not types <= _HARMLESS[kind]:
                    _check(column, kind)
                read.names.append(name)
                read.columns.append(column)
                read.lookups.append((steps[name], column))
        flat = not self.flat.isdisjoint(keys)
        if "dimensions" not in keys:
            read.highest = "counts" if flat else "none"
            return read
        nested: list[Any] = list(map(dict.get, rows, repeat("dimensions")))
        if not set(map(type, nested)) <= {dict}:
            for k, value in enumerate(nested):
                if type(value) is not dict:
                    if not (value is None or (type(value) is str and not value)):
                        bad.add(k)
                    nested[k] = _EMPTY
        if flat:  # a flat and a nested dimension: one by one
            bad.update(
                k for k, row in enumerate(rows) if nested[k] and not self.flat.isdisjoint(row)
            )
        dims: set[Any] = set().union(*nested)
        if not dims <= self.nested_keys:
            odd = dims - self.nested_keys
            bad.update(k for k, d in enumerate(nested) if not odd.isdisjoint(d))
        ratings = list(chain.from_iterable(map(dict.values, nested)))
        types = set(map(type, ratings))
        if not flat and self.by_max is not None and types <= {int} and set(ratings) <= self.ratings:
            # typed ratings, all allowed (each a byte: checked when the maps are made): only
            # the dimensions the index reads need a column, and the highest rating is each
            # mapping's max
            for dim, name in self.indexed.items():
                if dim in dims:
                    cells = map(dict.get, nested, repeat(dim))
                    read.lookups.append((self.plain[name], cells))
            if all(nested):
                tops = map(max, map(dict.values, nested))
            else:  # ``below``: no rating given
                tops = map(max, map(chain, map(dict.values, nested), repeat((self.below,))))
            read.steps.append(map(self.by_max.__getitem__, tops))
            # each mapping's keys and ratings: the row's own copy, which the collector need not
            # track (a copied dict it would, with the result holding it); the keys as a tuple,
            # the ratings (0-4) as bytes, which the collector never tracks, at half a tuple's
            # size
            read.nested = [list(map(tuple, nested)), list(map(bytes, map(dict.values, nested)))]
            read.highest = "max"
            return read
        for dim, name in self.nested.items():
            if dim in dims:
                column = list(map(dict.get, nested, repeat(dim)))
                if not types <= _HARMLESS[int]:
                    _check(column, int)
                read.names.append(name)
                read.columns.append(column)
                read.lookups.append((steps[name], column))
        read.highest = "counts"
        return read

    def chunk(
        self,
        rules: CompiledRules,
        rows: list[dict[Any, Any]],
        indices: Sequence[int],
        one: Callable[[int, Any], BatchResult],
        seen: _Keys,
    ) -> list[BatchResult]:
        """The results of ``rows`` (plain dicts) at ``indices``, in order."""
        n = len(rows)
        if not n:
            return []
        bad: set[int] = set()
        keys: set[Any] = set().union(*rows)
        if not keys <= seen.known:
            self._odd_keys(rows, keys, bad, seen)
        try:
            read = self._columns(rows, keys, bad)
            start = self.base if read.highest != "none" else self.base_none
            summed = self._steps(read)
            totals = list(map(sum, zip(repeat(start, n), *summed, strict=False)))
        except TypeError:  # an unhashable cell: every record on its own
            return [one(i, row) for i, row in zip(indices, rows, strict=True)]
        columns, nested = read.columns, read.nested
        if max(totals) >= _LIMIT:
            bad.update(k for k, total in enumerate(totals) if total >= _LIMIT)
        empty = self.base if read.highest == "counts" else self.base_none
        for k in bad:  # answered one by one below; here an empty assessment stands in
            totals[k] = empty
            for column in columns:
                column[k] = None
            if nested is not None:
                nested[0][k] = nested[1][k] = ()
        if read.highest == "counts" and self.highest is not None:
            counts = map(int.bit_length, map(and_, totals, repeat(self.nib_mask)))
            totals = list(map(add, totals, map(self.highest.__getitem__, counts)))
        cells = _RowCells(self, rules, tuple(read.names), nested is not None)
        if nested is not None:
            columns = [*columns, *nested]
        methods = self._methods(totals, cells, columns)
        codes = self._codes(totals, cells, columns)
        ids: Iterable[Any] = repeat(None)
        if seen.id_field in keys:
            found = list(map(dict.get, rows, repeat(seen.id_field)))
            if set(map(type, found)) <= {str, _NONE} and "" not in found:
                ids = found
            else:
                ids = [None if is_blank(v) else str(v) for v in found]
        out = _results(indices, ids, methods, codes, columns, cells, n)
        for k in bad:
            out[k] = one(indices[k], rows[k])
        return out

    def _steps(self, read: _Read) -> list[Iterable[int]]:
        """The steps to sum: the columns' steps looked up four cells at a time (one lookup of
        the tuple of cells, filled on first sight), and the others."""
        steps = list(read.steps)
        lookups = read.lookups
        for at in range(0, len(lookups), _WIDTH):
            part = lookups[at : at + _WIDTH]
            if len(part) == 1:
                steps.append(map(part[0][0].get, part[0][1], repeat(_BAD)))
                continue
            maps = tuple(step_map for step_map, _ in part)
            cache = self.combos.get(tuple(map(id, maps)))
            if cache is None:
                if len(self.combos) >= _GROUPINGS_LIMIT:  # chunks of ever other fields
                    steps.extend(map(m.get, c, repeat(_BAD)) for m, c in part)
                    continue
                cache = self.combos.setdefault(tuple(map(id, maps)), {})
            columns = [c if isinstance(c, list) else list(c) for _, c in part]
            # each tuple of cells is looked up and let go (zip reuses it): none kept per row;
            # a tuple not seen yet raises, and the chunk is looked up again, filling the map
            try:
                steps.append(list(map(cache.__getitem__, zip(*columns, strict=True))))
                continue
            except KeyError:
                got = list(map(cache.get, zip(*columns, strict=True)))
            if None in got:
                for k, found in enumerate(got):
                    if found is None:
                        tup = tuple(column[k] for column in columns)
                        step = sum(m.get(c, _BAD) for m, c in zip(maps, tup, strict=True))
                        if step < _LIMIT and len(cache) < _COMBOS_LIMIT:
                            cache[tup] = step
                        got[k] = step
            steps.append(got)  # type: ignore[arg-type]  # no None left
        return steps

    def _methods(
        self, totals: list[int], cells: _RowCells, columns: list[list[Any]]
    ) -> list[str | None]:
        parts = list(map(and_, totals, repeat(self.part_mask)))
        try:  # a decision part not seen yet raises: filled below
            return list(map(self.methods.__getitem__, parts))
        except KeyError:
            pass
        for k, part in enumerate(parts):
            if part not in self.methods:
                facts = cells.facts([column[k] for column in columns])
                i = self.table.index(facts)
                decision = self.table.part(cells.rules, i, facts).decision
                self.decisions[part] = decision
                self.methods[part] = decision.method
        return list(map(self.methods.__getitem__, parts))

    def _codes(
        self, totals: list[int], cells: _RowCells, columns: list[list[Any]]
    ) -> list[tuple[str, ...]]:
        masks: Iterable[int] = repeat(0, len(totals))
        for half_mask, members, cache in self.halves:
            got: list[int | None]
            try:  # bits not seen yet raise: looked up again below, filling the map
                got = list(map(cache.__getitem__, map(and_, totals, repeat(half_mask))))
            except KeyError:
                got = list(map(cache.get, map(and_, totals, repeat(half_mask))))
            if None in got:
                for k, found in enumerate(got):
                    if found is None:
                        got[k] = self._half(totals[k], half_mask, members, cache, cells, columns, k)
            masks = map(add, masks, got)
        masks = list(masks)
        try:
            return list(map(self.codes_of.__getitem__, masks))
        except KeyError:
            codes = list(map(self.codes_of.get, masks))
        if None in codes:
            for k, known in enumerate(codes):
                if known is None:
                    codes[k] = self._codes_of(masks[k])
        return codes  # type: ignore[return-value]

    def _half(
        self,
        total: int,
        half_mask: int,
        members: list[tuple[int, dict[int, int]]],
        cache: dict[int, int],
        cells: _RowCells,
        columns: list[list[Any]],
        k: int,
    ) -> int:
        """One row's warning-code mask for the groups of one half, from the groups' own maps
        (filled from the decision table on first sight)."""
        mask = 0
        for group_mask, group_cache in members:
            key = total & group_mask
            if key not in group_cache:
                facts = cells.facts([column[k] for column in columns])
                self._fill(cells.rules, total, facts)
            mask += group_cache[key]
        if len(cache) < _HALF_LIMIT:
            cache[total & half_mask] = mask
        return mask

    def _fill(self, rules: CompiledRules, total: int, facts: dict[str, Scalar]) -> None:
        """Every group's warning codes for one row, from the decision table."""
        i = self.table.index(facts)
        decision = self.decisions[total & self.part_mask]
        found = self.table.group_warnings(rules, i, facts, decision, self.offers, self.lang)
        rank = self.rank
        for codes, mask, cache in self.groups:
            cache[total & mask] = sum(1 << rank[w.code] for w in found if w.code in codes)

    def _codes_of(self, mask: int) -> tuple[str, ...]:
        codes = tuple(code for bit, code in enumerate(self.code_list) if mask >> bit & 1)
        if len(self.codes_of) < _CODES_LIMIT:
            self.codes_of[mask] = codes
        return codes


class _Keys:
    """What one stream has learnt of the keys of its records (keys are data: bounded)."""

    __slots__ = ("harmless", "id_field", "known")

    def __init__(self, id_field: str, harmless: dict[Any, bool], columns: _Columns | None) -> None:
        self.id_field, self.harmless = id_field, harmless
        self.known: set[Any] = set(columns.known) if columns is not None else set()


#: the column-wise maps per live rule set, portfolio and language (a cache: every entry is a
#: pure function of its key, filled idempotently, bounded by the table's size), so that
#: short batches find the methods and warning codes already seen
_SHARED: weakref.WeakKeyDictionary[CompiledRules, dict[tuple[Any, ...], _Columns]] = (
    weakref.WeakKeyDictionary()
)
_SHARED_LOCK = threading.Lock()


def _shared_columns(
    rules: CompiledRules, table: DecisionTable, offers: frozenset[str] | None, lang: Any
) -> _Columns:
    with _SHARED_LOCK:
        per = _SHARED.setdefault(rules, {})
        key = (offers, lang)
        found = per.get(key)
        if found is None or found.table is not table:  # the engine's table was dropped
            found = per[key] = _Columns(rules, table, offers, lang)
    return found


def _check(column: list[Any], kind: type[Any]) -> None:
    """Put a marker the step maps do not hold in every cell of a type ``kind`` does not take."""
    allowed = (kind, str, _NONE)
    if not set(map(type, column)) <= set(allowed):
        for k, value in enumerate(column):
            if type(value) not in allowed:
                column[k] = _BAD


class _Read:
    """What ``_Columns._columns`` read of a chunk."""

    __slots__ = ("columns", "highest", "lookups", "names", "nested", "steps")

    def __init__(self) -> None:
        #: the cells of each field read, by name (top-level keys, flat or nested dimensions)
        self.names: list[str] = []
        self.columns: list[list[Any]] = []
        #: per column read: its step map and cells
        self.lookups: list[tuple[dict[Any, int], Iterable[Any]]] = []
        #: other steps to sum (the highest rating's)
        self.steps: list[Iterable[int]] = []
        #: each row's ``dimensions`` mapping, if read whole: its keys (tuples), its ratings
        #: (bytes)
        self.nested: list[list[Any]] | None = None
        #: how the highest rating is found: "none" given, "counts" in the sum, "max" summed
        self.highest = "none"


class _RowCells(_Source):
    """Builds the Recommendation of a row the column-wise pass answered, from its cells."""

    __slots__ = ("columns", "names", "nested", "rules")

    def __init__(
        self, columns: _Columns, rules: CompiledRules, names: tuple[str, ...], nested: bool
    ) -> None:
        self.columns, self.rules, self.names, self.nested = columns, rules, names, nested

    def facts(self, cells: Sequence[Any]) -> dict[str, Scalar]:
        """The validated facts of one row's cells (blank: left out; defaults filled)."""
        c = self.columns
        values = c.values
        names = self.names
        facts = {
            name: values[name][cell]
            for name, cell in zip(names, cells[: len(names)], strict=True)
            if cell is not None and cell != ""
        }
        if self.nested:  # the mapping's keys, then its ratings
            dims = c.nested
            at = len(names)
            for dim, rating in zip(cells[at], cells[at + 1], strict=True):
                facts[dims[dim]] = rating
        for name, default in c.defaults:
            if name not in facts:
                facts[name] = default
        return facts

    def build(self, cells: Sequence[Any]) -> Recommendation:
        c = self.columns
        facts = self.facts(cells)
        return answer(self.rules, c.table, c.table.index(facts), facts, c.offers, c.lang)


def _ordinary(
    index: int,
    record: object,
    citizen: str | None,
    compiled: CompiledRules,
    profile: Municipality | None,
    lang: str,
) -> BatchResult:
    """One record the long way: read by the cohort-cell rules, validated by ``triage()``."""
    if isinstance(record, Assessment):
        rec = triage(record, rules=compiled, municipality=profile, lang=lang)
        return BatchResult(index, rec, None, citizen)
    if not isinstance(record, Mapping):
        error = f"row {index} is a {type(record).__name__}, not a mapping of field: value"
        return BatchResult(index, None, error, citizen)
    assessment, problems = _record_assessment(record)
    try:
        rec = triage(assessment, rules=compiled, municipality=profile, lang=lang)
    except AssessmentError as exc:
        return BatchResult(index, None, "; ".join([*exc.problems, *problems]), citizen)
    if problems:
        return BatchResult(index, None, "; ".join(problems), citizen)
    return BatchResult(index, rec, None, citizen)


def triage_many(
    records: Iterable[Mapping[str, Any] | Assessment],
    *,
    rules: CompiledRules | None = None,
    municipality: Mapping[str, Any] | Municipality | None = None,
    lang: str = "da",
    id_field: str = "citizen_id",
) -> list[BatchResult]:
    """Triage every record; a bad record never stops the batch.

    Records are assessment mappings as ``triage()`` takes them, or cohort rows (``csv``
    ``DictReader`` rows, ``DataFrame.to_dict("records")``) read by the cohort-cell rules in
    this module's docstring. Each result holds the ``Recommendation``, or the ``error`` naming
    field, value and allowed values; ``citizen_id`` is the record's ``id_field``, if any.
    The municipality is validated once, before any row (``MunicipalityError``). The list of
    ``triage_stream``: use that to keep memory flat over a long input. Over a list or tuple,
    Python's cyclic garbage collector is paused while the list of results is built (and
    resumed as it was; see ``_pause``): a million kept results would otherwise make it trace
    the caller's records and the results over and over.
    """
    check_lang(lang)
    compiled = rules if rules is not None else default_rules()
    profile = as_municipality(municipality)
    # a list or tuple is already made: the collector is paused while the list of results
    # grows (see ``_pause``); an iterator's records are made by the caller's code (a file
    # reader, a generator) between chunks, whose garbage the collector keeps collecting
    sized = isinstance(records, (list, tuple))
    out: list[BatchResult] = []
    with collector_paused() if sized else nullcontext():
        for results in _answered(records, compiled, profile, lang, id_field):
            out.extend(results)
    return out
