"""Follow-up during a course: raise the signals of ``rules/followup.yaml`` for a course record.

``review_course(course, today=...)`` is stateless and deterministic: the course record (see
``_course``) is turned into facts as of ``today`` and every signal whose condition holds is
returned, in file order, with its Danish or English text, its source and its own flags (so a
summary counts what the rules that raised it say, not what the shipped rules say).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from .._compile import CompiledRules
from .._domain import Scalar
from .._exceptions import CourseError, TriageError
from .._values import given_value, shown_value
from ._course import Course, as_today, course_facts

__all__ = ["CourseReview", "CourseSignal", "review_course", "review_courses", "signal_codes"]


class CourseSignal(BaseModel):
    """A signal for the course: what to do, in plain words, with its source."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str
    text: str
    source: str = ""
    #: the signal is marked ``revisitation: true`` in the follow-up file that raised it: a sign
    #: the citizen may need a more intensive method (000 «1 Indsatsvifte», Praksiserfaring)
    revisitation: bool = False


class CourseReview(BaseModel):
    """The signals raised for one course on one day."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    today: dt.date
    method: Literal["CTI", "ICM", "ACT"]
    signals: list[CourseSignal]
    #: the facts the signals were evaluated on (derived from the record; the caller's data)
    facts: dict[str, Scalar]
    ruleset_fingerprint: str
    lang: Literal["da", "en"] = "da"
    engine: str = "builtin"

    @property
    def signal_codes(self) -> list[str]:
        return [s.code for s in self.signals]


def _course(course: Course | Mapping[str, Any]) -> Course:
    if isinstance(course, Course):
        return course
    if not isinstance(course, Mapping):
        raise CourseError(
            f"a course must be a mapping or an hf_triage.Course, not {type(course).__name__}"
        )
    try:
        return Course.model_validate(course)
    except ValidationError as exc:
        problems = [_problem(e) for e in exc.errors()]
        raise CourseError("invalid course: " + "; ".join(problems)) from None


def _problem(error: Any) -> str:
    """One problem of a course record: the field (cut short), what is wrong and the offending
    value cut short; an unknown key is named, its value never shown (issue 16)."""
    parts = [p if isinstance(p, int) else (shown_value(str(p)) or "?")[1:-1] for p in error["loc"]]
    where = ".".join(str(p) for p in parts) or "(course)"
    if error["type"] == "extra_forbidden":
        return f"unknown field '{where}': check the spelling or remove it"
    shown = shown_value(error.get("input")) if error["type"] != "value_error" else None
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"field '{where}': " + (f"{shown}: " if shown else "") + message


def signal_codes(rules: CompiledRules, facts: Mapping[str, Scalar]) -> list[str]:
    """Codes of the signals whose conditions hold, in file order (the builtin engine)."""
    return [s.code for s in rules.signals if s.predicate(facts)]


def review_course(
    course: Course | Mapping[str, Any],
    *,
    today: dt.date,
    rules: CompiledRules | None = None,
    lang: str = "da",
    engine: str = "builtin",
) -> CourseReview:
    """The follow-up signals for ``course`` as of ``today``.

    Raises ``CourseError`` for an invalid record and ``RuleError`` when the rule set has no
    follow-up file.
    """
    from .._api import default_rules
    from .._exceptions import RuleError
    from .._texts import check_lang

    check_lang(lang)
    try:
        today = as_today(today)
    except ValueError as exc:
        raise CourseError(str(exc)) from None
    compiled = rules if rules is not None else default_rules()
    if not compiled.signals:
        raise RuleError(f"{compiled.directory}: the rule set has no follow-up file (followup.yaml)")
    record = _course(course)
    try:
        facts = course_facts(record, today)
    except ValueError as exc:
        raise CourseError(str(exc)) from None
    if engine == "builtin":
        codes = signal_codes(compiled, facts)
    elif engine == "durable":
        from .._durable import signal_codes_durable

        codes = signal_codes_durable(compiled, facts)
    else:
        raise TriageError(f"engine {given_value(engine)} is not known; allowed: builtin, durable")
    by_code = {s.code: s for s in compiled.signals}
    signals = [
        CourseSignal(
            code=c,
            text=by_code[c].text.get(lang),
            source=by_code[c].source,
            revisitation=by_code[c].revisitation,
        )
        for c in codes
    ]
    return CourseReview(
        today=today,
        method=record.method,
        signals=signals,
        facts=facts,
        ruleset_fingerprint=compiled.fingerprint,
        lang=lang,
        engine=engine,
    )


def review_courses(
    courses: Iterable[Course | Mapping[str, Any]],
    *,
    today: dt.date,
    rules: CompiledRules | None = None,
    lang: str = "da",
) -> list[CourseReview | CourseError]:
    """Review many courses; an invalid record gives its ``CourseError`` in its place."""
    results: list[CourseReview | CourseError] = []
    for course in courses:
        try:
            results.append(review_course(course, today=today, rules=rules, lang=lang))
        except CourseError as exc:
            results.append(exc)
    return results
