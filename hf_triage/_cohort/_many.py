"""``triage_many``: triage an iterable of mappings (or Assessments), one row at a time.

Records are read by the cohort-cell rules of ``_cells``. A bad row never stops the batch: its
``error`` names the field, the value given and the values allowed (the words of
``AssessmentError``), and every other row is triaged.

``triage_stream`` is the same, lazily: it reads one record, yields its result and keeps
nothing, so memory stays flat however long the input (``triage_many`` is its list). Each
record is read in one pass straight into the decision table's index (``_table``): per key a
map from the cell as given (typed value or its text: ``"3"``, ``"true"``, blank) to the step it
adds to the index. A record that pass does not fully accept (a bad value, a float, a key that
is no field, a field given twice, a rule set over another domain) takes the ordinary path
(``_record_assessment`` and ``triage()``), which words every problem; so the fast pass only
decides *how quickly* a row is answered, never *what* it is answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .._api import default_rules, offers_of, triage
from .._compile import CompiledRules
from .._domain import FIELDS
from .._enumerate import to_assessment
from .._exceptions import AssessmentError
from .._models import Assessment, Municipality, Recommendation
from .._table import TABLES, DecisionTable, answer
from .._texts import check_lang
from .._types import Scalar
from ._cells import column_problem, is_blank, read_cell
from ._profile import as_municipality

__all__ = ["BatchResult", "triage_many", "triage_stream"]


#: what a row answered by the table's fast pass needs to build its Recommendation later
_Pending = tuple[CompiledRules, DecisionTable, int, dict[str, Scalar], frozenset[str] | None, Any]


class BatchResult:
    """One row of a batch: its recommendation, or the error that kept it from being triaged.

    ``index`` is the row's position in the input (from 0), ``error`` the AssessmentError
    problems (field, value, allowed values) joined with "; ", ``citizen_id`` the row's id.
    Every row is validated at once; a row answered by the decision table's fast pass builds its
    ``recommendation`` (texts, reasons, decision support) on first access and keeps it, while
    ``method`` and ``warning_codes`` read the table without building it: a tally over a
    million rows pays only for what it reads. The result is read-only and equal to one built
    at once.
    """

    __slots__ = ("_pending", "_recommendation", "citizen_id", "error", "index")

    index: int
    error: str | None
    citizen_id: str | None
    _recommendation: Recommendation | None
    _pending: _Pending | None

    def __init__(
        self,
        index: int,
        recommendation: Recommendation | None,
        error: str | None = None,
        citizen_id: str | None = None,
    ) -> None:
        put = object.__setattr__
        put(self, "index", index)
        put(self, "_recommendation", recommendation)
        put(self, "error", error)
        put(self, "citizen_id", citizen_id)
        put(self, "_pending", None)

    @classmethod
    def _later(cls, index: int, citizen_id: str | None, pending: _Pending) -> BatchResult:
        result = cls(index, None, None, citizen_id)
        object.__setattr__(result, "_pending", pending)
        return result

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"BatchResult is read-only: cannot set {name!r}")

    def __reduce__(self) -> tuple[type[BatchResult], tuple[Any, ...]]:
        # pickled and copied as built (a process pool returns it; the table stays behind)
        return (BatchResult, (self.index, self.recommendation, self.error, self.citizen_id))

    @property
    def recommendation(self) -> Recommendation | None:
        pending = self._pending
        if pending is not None:
            object.__setattr__(self, "_recommendation", answer(*pending))
            object.__setattr__(self, "_pending", None)
        return self._recommendation

    @property
    def method(self) -> str | None:
        pending = self._pending
        if pending is not None:
            rules, table, i, facts, _, _ = pending
            return table.part(rules, i, facts).decision.method
        rec = self.recommendation
        return rec.method if rec is not None else None

    @property
    def warning_codes(self) -> list[str]:
        """The codes of the row's warnings, in file order (empty for a row in error)."""
        pending = self._pending
        if pending is not None:
            rules, table, i, facts, offers, lang = pending
            decision = table.part(rules, i, facts).decision
            return [w.code for w in table.group_warnings(rules, i, facts, decision, offers, lang)]
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

    Nothing is kept between rows, so memory stays flat for any number of records (a file
    read row by row, an NDJSON body). ``lang`` and the municipality are checked at once,
    before any row (``TriageError``, ``MunicipalityError``).
    """
    check_lang(lang)
    compiled = rules if rules is not None else default_rules()
    profile = as_municipality(municipality)
    return _stream(records, compiled, profile, lang, id_field)


def _stream(
    records: Iterable[Mapping[str, Any] | Assessment],
    compiled: CompiledRules,
    profile: Municipality | None,
    lang: Any,
    id_field: str,
) -> Iterator[BatchResult]:
    offers = offers_of(profile)
    table = TABLES.table(compiled) if type(compiled) is CompiledRules else None
    fast = _cell_steps(table) if table is not None else None
    harmless: dict[Any, bool] = {}
    for index, record in enumerate(records):
        citizen = _citizen_id(record, id_field)
        if fast is not None and type(record) is dict:
            found = _fast_index(record, *fast, harmless)
            if found is not None:
                assert table is not None
                i, facts = found
                if table.highest is not None:
                    i += table.highest_step(facts)  # a maximum, not a sum of cells
                yield BatchResult._later(index, citizen, (compiled, table, i, facts, offers, lang))
                continue
        yield _ordinary(index, record, citizen, compiled, profile, lang)


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
    ``triage_stream``: use that to keep memory flat over a long input.
    """
    return list(
        triage_stream(records, rules=rules, municipality=municipality, lang=lang, id_field=id_field)
    )
