"""The course CSV: one row a course, every bad cell named by its column."""

from __future__ import annotations

import datetime as dt

import pytest

from hf_triage._followup import Course, CourseError, course_from_row, review_course_rows

TODAY = dt.date(2026, 11, 24)


def test_course_from_row_reads_every_column() -> None:
    row = {
        "citizen_id": "F1",
        "method": "CTI",
        "start_date": "2026-03-02",
        "intensity": "2026-03:3;2026-04:2",
        "admission_kind": "hospital",
        "admission_start": "2026-11-20",
        "need_beyond_nine_months": "TRUE",
        "ending_date": "",
    }
    course = Course.model_validate(course_from_row(row))
    assert [m.level for m in course.intensity] == [3, 2]
    assert course.admissions[0].kind == "hospital"
    assert course.need_beyond_nine_months is True
    assert course.ending is None


@pytest.mark.parametrize(
    ("row", "named"),
    [
        ({"method": "ICM", "start_date": "2026-01-01", "colour": "red"}, "colour"),
        ({"method": "ICM", "start_date": "2026-01-01", "moved_out": "ja"}, "moved_out"),
        ({"method": "ICM", "start_date": "2026-01-01", "intensity": "2026-03=3"}, "intensity"),
    ],
)
def test_bad_course_row_names_the_column(row: dict, named: str) -> None:
    with pytest.raises(CourseError, match=named):
        course_from_row(row)


def test_a_bad_row_never_stops_the_course_batch() -> None:
    rows = [
        {
            "citizen_id": "A",
            "method": "ICM",
            "start_date": "2025-06-01",
            "last_contact": "2026-10-01",
        },
        {"citizen_id": "B", "method": "XYZ", "start_date": "2025-06-01"},
        {"citizen_id": "C", "method": "CTI", "start_date": "2026-03-02"},
    ]
    results, reviews = review_course_rows(rows, today=TODAY)
    assert [r["citizen_id"] for r in results] == ["A", "B", "C"]
    assert results[0]["signals"] == "keep-reaching-out"
    assert "method" in results[1]["error"] and results[1]["signals"] == ""
    assert results[2]["signals"] == "cti-plan-ending"
    assert len(reviews) == 2
