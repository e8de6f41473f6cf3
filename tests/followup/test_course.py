"""A course record and the facts follow-up rules read from it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from hf_triage._followup import (
    Course,
    CourseError,
    course_facts,
    load_course,
    months_between,
    review_course,
)

TODAY = dt.date(2026, 11, 24)


@pytest.mark.parametrize(
    ("start", "today", "months"),
    [
        ("2026-03-02", "2026-03-02", 0),
        ("2026-03-02", "2026-06-01", 2),
        ("2026-03-02", "2026-06-02", 3),
        ("2026-01-31", "2026-02-28", 1),
        ("2026-01-31", "2026-02-27", 0),
        ("2026-05-31", "2027-02-28", 9),
        ("2025-12-15", "2026-12-15", 12),
    ],
)
def test_months_between(start: str, today: str, months: int) -> None:
    assert months_between(dt.date.fromisoformat(start), dt.date.fromisoformat(today)) == months


@pytest.mark.parametrize(
    ("today", "phase"),
    [
        ("2026-04-01", "phase_1"),
        ("2026-06-02", "phase_2"),
        ("2026-09-02", "phase_3"),
        ("2026-12-02", "beyond_nine_months"),
    ],
)
def test_cti_phase_is_three_months_each(today: str, phase: str) -> None:
    course = Course(method="CTI", start_date=dt.date(2026, 3, 2))
    assert course_facts(course, dt.date.fromisoformat(today))["cti_phase"] == phase


def test_trend_compares_the_current_phase_with_the_previous() -> None:
    levels = {"2026-03-01": 3, "2026-04-01": 3, "2026-06-01": 2, "2026-07-01": 2}
    course = Course.model_validate(
        {
            "method": "CTI",
            "start_date": "2026-03-02",
            "intensity": [{"month": m, "level": v} for m, v in levels.items()],
        }
    )
    assert course_facts(course, dt.date(2026, 7, 15))["intensity_trend"] == "tapering"
    flat = course.model_copy(
        update={
            "intensity": [
                *course.intensity[:2],
                *[c.model_copy(update={"level": 3}) for c in course.intensity[2:]],
            ]
        }
    )
    assert course_facts(flat, dt.date(2026, 7, 15))["intensity_trend"] == "not_tapering"
    assert course_facts(course, dt.date(2026, 4, 15))["intensity_trend"] == "unknown"


def test_facts_of_an_icm_course_with_a_current_prison_term() -> None:
    course = Course.model_validate(
        {
            "method": "ICM",
            "start_date": "2025-06-01",
            "last_contact": "2026-11-10",
            "admissions": [{"kind": "prison", "start": "2026-11-01", "planned_end": "2027-11-01"}],
        }
    )
    facts = course_facts(course, TODAY)
    assert facts["admission"] == "prison"
    assert facts["days_admitted"] == 23
    assert facts["prison_term_days"] == 365
    assert facts["days_without_contact"] == 14
    assert "cti_phase" not in facts


@pytest.mark.parametrize(
    ("course", "named"),
    [
        ({"citizen_declined": "yes"}, "citizen_declined"),
        ({"citizen_declined": 1}, "citizen_declined"),
        ({"start_date": 1767225600}, "start_date"),
        ({"start_date": "2026/01/01"}, "start_date"),
        (
            {
                "admissions": [
                    {"kind": "prison", "start": "2026-01-01", "planned_end": "2025-12-01"}
                ]
            },
            "planned_end",
        ),
        (
            {"admissions": [{"kind": "hospital", "start": "2024-05-01", "end": "2024-04-01"}]},
            "ends",
        ),
        (
            {"ending": {"date": "2026-01-01", "reason": "stable", "stable_since": "2026-02-01"}},
            "stable_since",
        ),
    ],
)
def test_course_values_are_never_guessed(course: dict[str, Any], named: str) -> None:
    record = {"method": "ICM", "start_date": "2025-01-01", **course}
    with pytest.raises(CourseError, match=named):
        review_course(record, today=TODAY)


def test_last_contact_after_today_is_an_error() -> None:
    with pytest.raises(CourseError, match="last_contact"):
        review_course(
            {"method": "ICM", "start_date": "2025-01-01", "last_contact": "2026-12-24"}, today=TODAY
        )


def test_a_course_file_names_the_line_of_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "course.yaml"
    path.write_text(
        'method: XYZ\nstart_date: "2026/01/01"\nadmissions:\n'
        '  - {kind: prison, start: "2026-01-01", planned_end: "2025-12-01"}\nnote: private\n',
        encoding="utf-8",
    )
    with pytest.raises(CourseError) as raised:
        load_course(path)
    assert raised.value.problems == (
        f"{path}:1: method: 'XYZ' is not allowed; allowed: CTI, ICM or ACT",
        f"{path}:2: start_date: '2026/01/01' is not a date; write YYYY-MM-DD, e.g. 2026-11-24",
        f"{path}:5: note: unknown key: check the spelling or remove it",
    )
    assert "private" not in str(raised.value)


def test_a_cross_field_problem_names_the_line_of_its_field(tmp_path: Path) -> None:
    path = tmp_path / "course.yaml"
    path.write_text(
        'method: ICM\nstart_date: "2026-01-01"\nadmissions:\n'
        '  - {kind: prison, start: "2026-01-01", planned_end: "2025-12-01"}\n',
        encoding="utf-8",
    )
    with pytest.raises(CourseError) as raised:
        load_course(path)
    assert raised.value.problems == (
        f"{path}:4: admissions.0: planned_end (2025-12-01) is before it starts (2026-01-01)",
    )


def test_a_course_file_is_a_course(tmp_path: Path) -> None:
    path = tmp_path / "course.yaml"
    path.write_text('method: ICM\nstart_date: "2025-06-01"\n', encoding="utf-8")
    assert load_course(path) == Course(method="ICM", start_date=dt.date(2025, 6, 1))
