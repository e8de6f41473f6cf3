"""Many courses as a CSV that a case system can export: one row a course, every cell text.

A row is parsed by a pydantic model (``CourseRow``) that reports every bad cell with its
column at once, so a caseworker fixes a row in one go. A blank cell is "not recorded". The
CSV file itself is read here too (not in the CLI): ``-`` is standard input, and a FIFO, device
or directory is refused before reading (see ``_documents``).
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from .._compile import CompiledRules
from .._documents import Unreadable, open_text, source_name
from .._exceptions import CourseError
from ._course import parse_iso_date
from ._review import CourseReview, review_course

__all__ = [
    "COURSE_COLUMNS",
    "RESULT_COLUMNS",
    "CourseRow",
    "course_from_row",
    "read_course_file",
    "review_course_rows",
    "write_course_results",
]

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
#: the columns of the results written for a course CSV
RESULT_COLUMNS = ("citizen_id", "method", "signals", "error")

_BOOLS = {"true": True, "false": False}
_DATES = (
    "start_date",
    "last_contact",
    "admission_start",
    "admission_end",
    "admission_planned_end",
    "ending_date",
    "ending_stable_since",
)
_FLAGS = (
    "need_beyond_nine_months",
    "support_person_changes",
    "person_change_suitable",
    "citizen_declined",
    "moved_out",
    "ending_handover_plan",
)
_SHOWN = 40  # characters of a bad cell shown in a message


def _shown(text: str) -> str:
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "…")


class CourseRow(BaseModel):
    """One CSV row, each cell checked on its own; ``course()`` gives the course record."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)
    citizen_id: str | None = None
    method: Literal["CTI", "ICM", "ACT"] | None = None
    start_date: str | None = None
    last_contact: str | None = None
    intensity: tuple[tuple[str, int], ...] = ()
    admission_kind: Literal["hospital", "treatment", "prison"] | None = None
    admission_start: str | None = None
    admission_end: str | None = None
    admission_planned_end: str | None = None
    need_beyond_nine_months: bool | None = None
    next_step: Literal["none", "section_85", "other"] | None = None
    support_person_changes: bool | None = None
    person_change_suitable: bool | None = None
    citizen_declined: bool | None = None
    moved_out: bool | None = None
    ending_date: str | None = None
    ending_reason: Literal["moved_out", "citizen_no", "stable", "lost_contact", "other"] | None = (
        None
    )
    ending_stable_since: str | None = None
    ending_handover_plan: bool | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _cell(cls, value: object, info: ValidationInfo) -> object:
        """Every cell is text; a blank one is "not recorded"; flags and months are parsed."""
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError(f"a cell is text, not {type(value).__name__}")
        text = value.strip()
        if not text:
            return () if info.field_name == "intensity" else None
        if info.field_name in _DATES:
            try:
                parse_iso_date(text)
            except ValueError:
                raise ValueError(
                    f"{_shown(text)} is not a date; write YYYY-MM-DD, e.g. 2026-11-24"
                ) from None
        if info.field_name in _FLAGS:
            if text.lower() not in _BOOLS:
                raise ValueError(f"{_shown(text)} is not allowed; allowed: true, false")
            return _BOOLS[text.lower()]
        if info.field_name == "intensity":
            return _months(text)
        return text

    def course(self) -> dict[str, Any]:
        """The course record this row holds (validated as a ``Course`` by ``review_course``)."""
        course: dict[str, Any] = {}
        for name in ("method", "start_date", "last_contact", "next_step"):
            if getattr(self, name) is not None:
                course[name] = getattr(self, name)
        for name in _FLAGS[:-1]:
            if getattr(self, name) is not None:
                course[name] = getattr(self, name)
        if self.intensity:
            course["intensity"] = [
                {"month": f"{month}-01", "level": level} for month, level in self.intensity
            ]
        if self.admission_kind is not None:
            admission: dict[str, Any] = {"kind": self.admission_kind, "start": self.admission_start}
            if self.admission_end is not None:
                admission["end"] = self.admission_end
            if self.admission_planned_end is not None:
                admission["planned_end"] = self.admission_planned_end
            course["admissions"] = [admission]
        if self.ending_date is not None:
            ending: dict[str, Any] = {"date": self.ending_date, "reason": self.ending_reason}
            if self.ending_stable_since is not None:
                ending["stable_since"] = self.ending_stable_since
            if self.ending_handover_plan is not None:
                ending["handover_plan"] = self.ending_handover_plan
            course["ending"] = ending
        return course


def _month(part: str) -> tuple[str, int]:
    month, sep, level = (p.strip() for p in part.partition(":"))
    if sep and len(level) == 1 and level in "01234":
        try:
            parse_iso_date(f"{month}-01")
        except ValueError:
            pass
        else:
            return month, int(level)
    raise ValueError(f"{_shown(part)} is not 'YYYY-MM:level' (level 0-4), e.g. 2026-03:3;2026-04:2")


def _months(text: str) -> tuple[tuple[str, int], ...]:
    return tuple(_month(part) for part in (p.strip() for p in text.split(";")) if part)


def _cell_problem(error: Any) -> str:
    column = str(error["loc"][0]) if error["loc"] else "?"
    if error["type"] == "extra_forbidden":
        return f"unknown column {column!r}; allowed: {', '.join(COURSE_COLUMNS)}"
    if error["type"] == "literal_error":
        allowed = str(error["msg"]).removeprefix("Input should be ")
        given = error.get("input")
        shown = _shown(given) + " is " if isinstance(given, str) else ""
        return f"column '{column}': {shown}not allowed; allowed: {allowed}"
    return f"column '{column}': " + str(error["msg"]).removeprefix("Value error, ")


def course_from_row(row: Mapping[str, str]) -> dict[str, Any]:
    """A course record from one CSV row (all cells text; see ``COURSE_COLUMNS``).

    ``intensity`` is ``YYYY-MM:level`` pairs separated by ``;``, e.g. ``2026-03:3;2026-04:2``;
    one admission (the current or latest) and one ending fit in a row. Raises ``CourseError``
    naming every bad cell's column, the value (cut short) and what is allowed.
    """
    if None in row:  # csv.DictReader puts the cells beyond the header under None
        raise CourseError("the row has more cells than the header has columns")
    try:
        return CourseRow.model_validate(dict(row)).course()
    except ValidationError as exc:
        problems = tuple(_cell_problem(e) for e in exc.errors())
        raise CourseError("; ".join(problems), problems) from None


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
            "citizen_id": row.get("citizen_id") or "",
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


def read_course_file(
    source: str | Path,
    *,
    today: dt.date,
    rules: CompiledRules | None = None,
    lang: str = "da",
) -> tuple[list[dict[str, Any]], list[CourseReview]]:
    """Review every row of a course CSV (``-`` for standard input): ``review_course_rows``.

    Raises ``CourseError`` naming the file when it cannot be read (missing, not UTF-8, a FIFO,
    a device or a directory); a bad row is reported in its result's ``error``.
    """
    name = source_name(source)
    try:
        stream = open_text(source)
    except Unreadable as exc:
        raise CourseError(f"{name}: cannot read the courses: {exc.reason}") from None
    try:
        return review_course_rows(csv.DictReader(stream), today=today, rules=rules, lang=lang)
    except UnicodeDecodeError as exc:
        raise CourseError(
            f"{name}: cannot read the courses: it is not UTF-8 text (byte {exc.start})"
        ) from None
    except (OSError, csv.Error) as exc:
        raise CourseError(f"{name}: cannot read the courses: {exc}") from None
    finally:
        if stream is not sys.stdin:
            stream.close()


def write_course_results(rows: Iterable[Mapping[str, Any]], target: str | Path) -> None:
    """Write result rows (``RESULT_COLUMNS``) as CSV."""
    with Path(target).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(RESULT_COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
