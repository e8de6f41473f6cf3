"""Follow-up during a course: raise the signals of ``rules/followup.yaml`` for a course record.

``review_course(course, today=...)`` is stateless and deterministic: the course record (see
``_course``) is turned into facts as of ``today`` and every signal whose condition holds is
returned, in file order, with its Danish or English text and its source.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ._compile import CompiledRules
from ._course import Course, course_facts
from ._domain import Scalar
from ._exceptions import CourseError, TriageError

__all__ = [
    "COURSE_COLUMNS",
    "CourseError",
    "CourseReview",
    "CourseSignal",
    "FollowupSummary",
    "course_from_row",
    "review_course",
    "review_course_rows",
    "review_courses",
]


class CourseSignal(BaseModel):
    """A signal for the course: what to do, in plain words, with its source."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str
    text: str
    source: str = ""


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
        raise CourseError(f"a course must be a mapping or an hf_triage.Course, not {type(course)}")
    try:
        return Course.model_validate(course)
    except ValidationError as exc:
        problems = [
            f"field '{'.'.join(str(p) for p in e['loc']) or '(course)'}': "
            + (f"{e['input']!r}: " if isinstance(e.get("input"), (str, int, float, bool)) else "")
            + str(e["msg"]).removeprefix("Value error, ")
            for e in exc.errors()
        ]
        raise CourseError("invalid course: " + "; ".join(problems)) from None


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
    from ._api import LANGS, default_rules
    from ._exceptions import RuleError

    if lang not in LANGS:
        raise TriageError(f"lang {lang!r} is not supported; allowed: {', '.join(LANGS)}")
    if not isinstance(today, dt.date):
        raise CourseError(f"today must be a date, e.g. datetime.date(2026, 11, 24), not {today!r}")
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
        from ._durable import signal_codes_durable

        codes = signal_codes_durable(compiled, facts)
    else:
        raise TriageError(f"engine {engine!r} is not known; allowed: builtin, durable")
    by_code = {s.code: s for s in compiled.signals}
    signals = [
        CourseSignal(code=c, text=by_code[c].text.get(lang), source=by_code[c].source)
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


# --- many courses: a CSV a case system can export, and a summary for the cohort report -----

#: the columns of a course CSV (one row a course; a blank cell is "not recorded")
COURSE_COLUMNS = (
    "citizen_id",
    "method",
    "start_date",
    "last_contact",
    "intensity",
    "admission_kind",
    "admission_start",
    "admission_end",
    "admission_planned_end",
    "need_beyond_nine_months",
    "next_step",
    "support_person_changes",
    "person_change_suitable",
    "citizen_declined",
    "moved_out",
    "ending_date",
    "ending_reason",
    "ending_stable_since",
    "ending_handover_plan",
)
_BOOLS = {"true": True, "false": False}


def course_from_row(row: Mapping[str, str]) -> dict[str, Any]:
    """A course record from one CSV row (all cells text; see ``COURSE_COLUMNS``).

    ``intensity`` is ``YYYY-MM:level`` pairs separated by ``;``, e.g. ``2026-03:3;2026-04:2``;
    one admission (the current or latest) and one ending fit in a row. Raises ``CourseError``
    naming the column, the value and what is allowed.
    """
    unknown = [c for c in row if c not in COURSE_COLUMNS]
    if unknown:
        raise CourseError(f"unknown column {unknown[0]!r}; allowed: {', '.join(COURSE_COLUMNS)}")
    cells = {k: (v or "").strip() for k, v in row.items()}
    course: dict[str, Any] = {}
    for name in ("method", "start_date", "last_contact", "next_step"):
        if cells.get(name):
            course[name] = cells[name]
    for name in (
        "need_beyond_nine_months",
        "support_person_changes",
        "person_change_suitable",
        "citizen_declined",
        "moved_out",
    ):
        if cells.get(name):
            course[name] = _boolean(name, cells[name])
    if cells.get("intensity"):
        course["intensity"] = [_month(part) for part in cells["intensity"].split(";") if part]
    if cells.get("admission_kind"):
        admission = {"kind": cells["admission_kind"], "start": cells.get("admission_start")}
        for key in ("end", "planned_end"):
            if cells.get(f"admission_{key}"):
                admission[key] = cells[f"admission_{key}"]
        course["admissions"] = [admission]
    if cells.get("ending_date"):
        ending: dict[str, Any] = {
            "date": cells["ending_date"],
            "reason": cells.get("ending_reason"),
        }
        if cells.get("ending_stable_since"):
            ending["stable_since"] = cells["ending_stable_since"]
        if cells.get("ending_handover_plan"):
            ending["handover_plan"] = _boolean(
                "ending_handover_plan", cells["ending_handover_plan"]
            )
        course["ending"] = ending
    return course


def _boolean(column: str, text: str) -> bool:
    if text.lower() not in _BOOLS:
        raise CourseError(f"column '{column}': {text!r} is not allowed; allowed: true, false")
    return _BOOLS[text.lower()]


def _month(part: str) -> dict[str, Any]:
    month, sep, level = part.strip().partition(":")
    if not sep or not level.strip().isdigit():
        raise CourseError(
            f"column 'intensity': {part!r} is not 'YYYY-MM:level' (level 0-4), "
            "e.g. 2026-03:3;2026-04:2"
        )
    return {"month": f"{month.strip()}-01", "level": int(level)}


def review_course_rows(
    rows: Iterable[Mapping[str, str]],
    *,
    today: dt.date,
    rules: CompiledRules | None = None,
    lang: str = "da",
) -> tuple[list[dict[str, Any]], list[CourseReview]]:
    """Review every course row: result rows (``citizen_id``, ``method``, ``signals`` as codes
    joined with ``;``, and ``error`` naming the column of a row that could not be reviewed)
    and the reviews themselves (for ``FollowupSummary``). A bad row never stops the batch."""
    out = []
    reviews = []
    for row in rows:
        result: dict[str, Any] = {
            "citizen_id": row.get("citizen_id", ""),
            "method": "",
            "signals": "",
            "error": "",
        }
        try:
            review = review_course(course_from_row(row), today=today, rules=rules, lang=lang)
        except CourseError as exc:
            result["error"] = str(exc)
        else:
            reviews.append(review)
            result["method"] = review.method
            result["signals"] = ";".join(review.signal_codes)
        out.append(result)
    return out, reviews


@dataclass(frozen=True)
class FollowupSummary:
    """Follow-up signals over many courses, for the cohort report.

    ``revisit`` counts, per method, the courses with at least one signal marked
    ``revisitation: true`` in followup.yaml. Many CTI courses with such signals is the
    municipality-level sign of "CTI as default start" (000 «1 Indsatsvifte», Praksiserfaring).
    """

    courses: dict[str, int]
    revisit: dict[str, int]
    signals: dict[str, int]

    @classmethod
    def from_reviews(
        cls, reviews: Iterable[CourseReview], rules: CompiledRules | None = None
    ) -> FollowupSummary:
        from ._api import default_rules

        compiled = rules if rules is not None else default_rules()
        flagged = {s.code for s in compiled.signals if s.revisitation}
        courses: Counter[str] = Counter()
        revisit: Counter[str] = Counter()
        signals: Counter[str] = Counter()
        for review in reviews:
            courses[review.method] += 1
            signals.update(review.signal_codes)
            if flagged & set(review.signal_codes):
                revisit[review.method] += 1
        return cls(dict(courses), dict(revisit), dict(signals))

    @property
    def cti_revisit_share(self) -> float | None:
        total = self.courses.get("CTI", 0)
        return self.revisit.get("CTI", 0) / total if total else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "courses": self.courses,
            "revisit": self.revisit,
            "signals": self.signals,
            "cti_revisit_share": self.cti_revisit_share,
        }

    def lines(self, lang: str = "da") -> list[str]:
        da = lang == "da"
        out = [
            ("Forløb: " if da else "Courses: ")
            + ", ".join(f"{m} {n}" for m, n in sorted(self.courses.items()))
        ]
        cti, flagged = self.courses.get("CTI", 0), self.revisit.get("CTI", 0)
        if cti:
            out.append(
                f"CTI-forløb med tegn på revisitation: {flagged} af {cti} "
                f"({100 * flagged / cti:.0f} %)"
                if da
                else f"CTI courses showing re-visitation signals: {flagged} of {cti} "
                f"({100 * flagged / cti:.0f} %)"
            )
            if flagged and flagged / cti >= 0.2:
                out.append(
                    "⚠ Mange CTI-forløb peger mod ICM eller ACT: tegn på «CTI som standardstart» "
                    "(000 «1 Indsatsvifte»)."
                    if da
                    else "⚠ Many CTI courses point to ICM or ACT: a sign of 'CTI as default "
                    "start' (000 «1 Indsatsvifte»)."
                )
        for code, n in sorted(self.signals.items(), key=lambda kv: -kv[1]):
            out.append(f"{n:>7}  {code}")
        return out
