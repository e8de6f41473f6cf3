"""A course of support (forløb) as data, and the facts follow-up rules read from it.

Pure data in, facts out: ``course_facts(course, today)`` is stateless and deterministic, so
municipal systems keep their own records and ask again whenever they like.

Monthly support intensity is recorded on this ordinal scale (our definition; the sources
describe CTI's contact falling phase by phase, weekly -> fortnightly -> monthly):

    0  no contact that month
    1  low: about one contact a month
    2  moderate: about one contact a fortnight
    3  high: about one contact a week
    4  very high: several contacts a week

``intensity_trend`` compares the mean level of the current CTI phase with the previous one:
``tapering`` when it fell, ``not_tapering`` when it did not, ``unknown`` in phase 1 or when a
phase has no records. CTI phases are 3 months each from the start date (000 «1 Målgruppen for
CTI»: nine months in three phases of three months).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from .._compile import DAYS_LIMIT
from .._domain import Scalar
from .._values import shown_value

__all__ = [
    "Admission",
    "Course",
    "Ending",
    "MonthlyIntensity",
    "as_today",
    "course_facts",
    "load_course",
    "months_between",
    "parse_iso_date",
]

_MODEL = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True, strict=True)


#: the one documented date form: ``YYYY-MM-DD``. ``date.fromisoformat`` alone would also take
#: ``20250601`` and week dates (``2025-W23-1``), which a case system never means to send.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_iso_date(text: str) -> dt.date:
    """A date written ``YYYY-MM-DD`` (the one documented form); ``ValueError`` otherwise."""
    if _ISO_DATE.fullmatch(text) is None:
        raise ValueError(f"{shown_value(text)} is not a date; write YYYY-MM-DD, e.g. 2026-11-24")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{shown_value(text)} is not a date; write YYYY-MM-DD, e.g. 2026-11-24"
        ) from None


def _iso_date(value: Any) -> Any:
    """Dates come as ``datetime.date`` or ISO text ``YYYY-MM-DD``; nothing else is guessed
    (not a number, not ``"yes"``, not ``20250601`` or a week date). Applied before strict
    validation."""
    if isinstance(value, str):
        return parse_iso_date(value)
    if isinstance(value, dt.datetime):
        raise ValueError("a date without a time is expected, e.g. 2026-11-24")
    return value


def as_today(value: object) -> dt.date:
    """The day a review is made for: a ``date``; or a ``datetime`` (a pandas ``Timestamp`` is
    one) as its own calendar date.

    Time zones: the date part is taken as the value shows it, in its own zone (an aware
    ``2026-11-24T23:30+01:00`` is 24 November), never converted to UTC or to this machine's
    zone, so the same value gives the same review everywhere. Anything else (text, a number,
    ``NaT``) is refused with ``ValueError``.
    """
    if isinstance(value, dt.datetime):
        try:
            return dt.date(value.year, value.month, value.day)
        except (TypeError, ValueError):  # pandas NaT is a datetime without a date
            raise ValueError(
                "today is not a date (NaT); give e.g. datetime.date(2026, 11, 24)"
            ) from None
    if isinstance(value, dt.date):
        return value
    raise ValueError(
        "today must be a date, a datetime or a pandas Timestamp, e.g. "
        f"datetime.date(2026, 11, 24), not {type(value).__name__}"
    )


def _days(delta: dt.timedelta) -> int:
    """A number of days for the rules, saturated just below ``DAYS_LIMIT``: an at_least test
    accepts days below that limit only, and an open-ended date such as ``9999-12-31`` (about
    2.9 million days away) must pass every at_least test, not fail them all."""
    return min(delta.days, DAYS_LIMIT - 1)


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


class _Record(BaseModel):
    """A part of a citizen's record: its ``repr`` names the fields given, never their values
    (reprs end up in logs, tracebacks and notebooks; issue 16)."""

    def __repr_args__(self) -> Any:
        return [("fields_given", sorted(self.model_fields_set))]


class MonthlyIntensity(_Record):
    """The support given in one calendar month, 0-4 (see the module docstring)."""

    model_config = _MODEL
    month: IsoDate = Field(description="Any day in the month, e.g. 2026-03-01")
    level: Literal[0, 1, 2, 3, 4]


class Admission(_Record):
    """A stay in hospital or treatment, or a prison term."""

    model_config = _MODEL
    kind: Literal["hospital", "treatment", "prison"]
    start: IsoDate
    end: IsoDate | None = Field(default=None, description="Actual end; empty while it lasts")
    planned_end: IsoDate | None = Field(default=None, description="For a prison term: its end")


class Ending(_Record):
    """How and why the course ended."""

    model_config = _MODEL
    date: IsoDate
    reason: Literal["moved_out", "citizen_no", "stable", "lost_contact", "prison_term", "other"]
    stable_since: IsoDate | None = Field(
        default=None, description="Since when the citizen has been stable (reason 'stable')"
    )
    handover_plan: bool = Field(default=False, description="A hand-over plan exists (003 §4.2.10)")


class Course(_Record):
    """A citizen's course of support, as the case system holds it."""

    model_config = _MODEL
    method: Literal["CTI", "ICM", "ACT"]
    start_date: IsoDate
    intensity: list[MonthlyIntensity] = Field(default_factory=list)
    last_contact: IsoDate | None = None
    admissions: list[Admission] = Field(default_factory=list)
    need_beyond_nine_months: bool | None = Field(
        default=None, description="The CTI worker judges the need goes beyond nine months"
    )
    next_step: Literal["none", "section_85", "other"] | None = Field(
        default=None, description="Planned next step at the end of CTI"
    )
    support_person_changes: bool | None = Field(
        default=None, description="The support person changes at the move to the next step"
    )
    person_change_suitable: bool | None = Field(
        default=None, description="A change of support person is right for the citizen"
    )
    citizen_declined: bool = Field(default=False, description="The citizen has explicitly said no")
    moved_out: bool = Field(default=False, description="The citizen moved out of the municipality")
    ending: Ending | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Course:
        for i, admission in enumerate(self.admissions):
            if admission.end is not None and admission.end < admission.start:
                raise ValueError(
                    f"admissions.{i}: ends ({admission.end}) before it starts ({admission.start})"
                )
            if admission.planned_end is not None and admission.planned_end < admission.start:
                raise ValueError(
                    f"admissions.{i}: planned_end ({admission.planned_end}) is before it starts "
                    f"({admission.start})"
                )
        ending = self.ending
        if ending is not None:
            if ending.date < self.start_date:
                raise ValueError(
                    f"ending.date ({ending.date}) is before the start date ({self.start_date})"
                )
            if ending.stable_since is not None and ending.stable_since > ending.date:
                raise ValueError(
                    f"ending.stable_since ({ending.stable_since}) is after the ending date "
                    f"({ending.date})"
                )
        return self


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    last = calendar.monthrange(day.year + year, month + 1)[1]
    return dt.date(day.year + year, month + 1, min(day.day, last))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (0 in the first month).

    A month is complete on the same day of a later month, or on that month's last day when it
    is shorter (31 May + 9 months = the end of February).
    """
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if _add_months(start, months) > end else months


def _phase(months: int) -> str:
    if months < 3:
        return "phase_1"
    if months < 6:
        return "phase_2"
    if months < 9:
        return "phase_3"
    return "beyond_nine_months"


def _trend(course: Course, months: int) -> str:
    phase = months // 3
    if phase < 1:
        return "unknown"
    by_phase: dict[int, list[int]] = {}
    for record in course.intensity:
        offset = months_between(course.start_date.replace(day=1), record.month.replace(day=1))
        by_phase.setdefault(offset // 3, []).append(record.level)
    current, previous = by_phase.get(min(phase, 3)), by_phase.get(min(phase, 3) - 1)
    if not current or not previous:
        return "unknown"
    return (
        "tapering"
        if sum(current) / len(current) < sum(previous) / len(previous)
        else ("not_tapering")
    )


def course_facts(course: Course, today: dt.date) -> dict[str, Scalar]:
    """The facts follow-up rules read, derived from ``course`` as of ``today``.

    A fact that the record does not hold is left out (rules then simply do not match on it).
    """
    today = as_today(today)
    if today < course.start_date:
        raise ValueError(f"today ({today}) is before the course started ({course.start_date})")
    months = months_between(course.start_date, today)
    facts: dict[str, Scalar] = {"method": course.method}
    if course.method == "CTI":
        facts["cti_phase"] = _phase(months)
        facts["intensity_trend"] = _trend(course, months)
    for name in (
        "need_beyond_nine_months",
        "next_step",
        "support_person_changes",
        "person_change_suitable",
    ):
        value = getattr(course, name)
        if value is not None:
            facts[name] = value
    facts["citizen_declined"] = course.citizen_declined
    facts["moved_out"] = course.moved_out
    current = [
        a for a in course.admissions if a.start <= today and (a.end is None or a.end >= today)
    ]
    if current:
        admission = max(current, key=lambda a: a.start)
        facts["admission"] = admission.kind
        facts["days_admitted"] = _days(today - admission.start)
        if admission.kind == "prison" and admission.planned_end is not None:
            facts["prison_term_days"] = _days(admission.planned_end - admission.start)
    else:
        facts["admission"] = "none"
    if course.last_contact is not None:
        if course.last_contact > today:
            raise ValueError(f"last_contact ({course.last_contact}) is after today ({today})")
        facts["days_without_contact"] = _days(today - course.last_contact)
    ending = course.ending
    facts["ended"] = ending is not None and ending.date <= today
    if ending is not None and ending.date <= today:
        facts["ending_reason"] = ending.reason
        facts["handover_plan"] = ending.handover_plan
        if ending.stable_since is not None:
            facts["stable_days"] = _days(ending.date - ending.stable_since)
    return facts


def load_course(source: str | Path) -> Course:
    """Read one course record (strict YAML or JSON; ``-`` is stdin) and validate it.

    Raises ``CourseError`` listing every problem, each as ``file:line: field: message``.
    """
    from .._documents import load_document
    from .._exceptions import CourseError

    return load_document(
        source, Course, what="course record", error=CourseError, example="method: ICM"
    )
