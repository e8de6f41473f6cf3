"""``triage_many``: triage an iterable of mappings (or Assessments), one row at a time.

Records are read by the cohort-cell rules of ``_cells``. A bad row never stops the batch: its
``error`` names the field, the value given and the values allowed (the words of
``AssessmentError``), and every other row is triaged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .._api import default_rules, triage
from .._compile import CompiledRules
from .._domain import FIELDS
from .._enumerate import to_assessment
from .._exceptions import AssessmentError
from .._models import Assessment, Municipality, Recommendation
from .._texts import check_lang
from ._cells import column_problem, is_blank, read_cell
from ._profile import as_municipality

__all__ = ["BatchResult", "triage_many"]


@dataclass(frozen=True, slots=True)
class BatchResult:
    """One row of a batch: its recommendation, or the error that kept it from being triaged."""

    #: the row's position in the input, from 0
    index: int
    recommendation: Recommendation | None
    #: the AssessmentError problems (field, value, allowed values), joined with "; "
    error: str | None = None
    citizen_id: str | None = None

    @property
    def method(self) -> str | None:
        return self.recommendation.method if self.recommendation is not None else None


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
    The municipality is validated once, before any row (``MunicipalityError``).
    """
    check_lang(lang)
    compiled = rules if rules is not None else default_rules()
    profile = as_municipality(municipality)
    results: list[BatchResult] = []
    for index, record in enumerate(records):
        citizen = _citizen_id(record, id_field)
        if isinstance(record, Assessment):
            rec = triage(record, rules=compiled, municipality=profile, lang=lang)
            results.append(BatchResult(index, rec, None, citizen))
            continue
        if not isinstance(record, Mapping):
            error = f"row {index} is a {type(record).__name__}, not a mapping of field: value"
            results.append(BatchResult(index, None, error, citizen))
            continue
        assessment, problems = _record_assessment(record)
        try:
            rec = triage(assessment, rules=compiled, municipality=profile, lang=lang)
        except AssessmentError as exc:
            error = "; ".join([*exc.problems, *problems])
            results.append(BatchResult(index, None, error, citizen))
            continue
        if problems:
            results.append(BatchResult(index, None, "; ".join(problems), citizen))
        else:
            results.append(BatchResult(index, rec, None, citizen))
    return results
