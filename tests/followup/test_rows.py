"""The course CSV: one row a course, every bad cell named by its column."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from hf_triage._followup import (
    COURSE_COLUMNS,
    Course,
    CourseError,
    course_from_row,
    read_course_file,
    review_course_rows,
    write_course_results,
)

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
def test_bad_course_row_names_the_column(row: dict[str, str], named: str) -> None:
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


def test_every_bad_cell_is_named_by_its_column_at_once() -> None:
    row = {
        "citizen_id": "A",
        "method": "CIT",
        "start_date": "24/11/2026",
        "moved_out": "ja",
        "intensity": "2026-03:3;2026-04:9",
        "admission_kind": "hotel",
        "colour": "red",
    }
    with pytest.raises(CourseError) as raised:
        course_from_row(row)
    assert raised.value.problems == (
        "column 'method': 'CIT' is not allowed; allowed: 'CTI', 'ICM' or 'ACT'",
        "column 'start_date': '24/11/2026' is not a date; write YYYY-MM-DD, e.g. 2026-11-24",
        "column 'intensity': '2026-04:9' is not 'YYYY-MM:level' (level 0-4), "
        "e.g. 2026-03:3;2026-04:2",
        "column 'admission_kind': 'hotel' is not allowed; "
        "allowed: 'hospital', 'treatment' or 'prison'",
        "column 'moved_out': 'ja' is not allowed; allowed: true, false",
        "unknown column 'colour'; allowed: " + ", ".join(COURSE_COLUMNS),
    )
    assert "red" not in str(raised.value)


@pytest.mark.parametrize("level", ["²", "10" + "0" * 5000, "-1", "3.5"])
def test_an_odd_intensity_level_is_a_course_error(level: str) -> None:
    row = {"method": "CTI", "start_date": "2026-01-01", "intensity": f"2026-03:{level}"}
    with pytest.raises(CourseError, match="column 'intensity'") as raised:
        course_from_row(row)
    assert len(str(raised.value)) < 200


def test_a_ragged_row_is_a_course_error() -> None:
    with pytest.raises(CourseError, match="more cells than the header"):
        course_from_row({"method": "CTI", None: ["extra"]})  # type: ignore[dict-item]


def test_a_course_csv_is_read_by_the_library(tmp_path: Path) -> None:
    source = tmp_path / "courses.csv"
    source.write_text(
        "citizen_id,method,start_date,last_contact\nA,ICM,2025-06-01,2026-10-01\nB,XYZ,,\n",
        encoding="utf-8",
    )
    rows, reviews = read_course_file(source, today=TODAY)
    assert [r["citizen_id"] for r in rows] == ["A", "B"]
    assert rows[0]["signals"] == "keep-reaching-out"
    assert rows[1]["error"].startswith("column 'method': 'XYZ' is not allowed")
    assert len(reviews) == 1
    out = tmp_path / "out.csv"
    write_course_results(rows, out)
    assert out.read_text(encoding="utf-8").splitlines()[0] == "citizen_id,method,signals,error"


def test_an_unreadable_course_csv_is_a_course_error(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match=r"cannot read the courses: it is a directory"):
        read_course_file(tmp_path, today=TODAY)
    binary = tmp_path / "courses.csv"
    binary.write_bytes(b"citizen_id,method\n\xff\xfe,CTI\n")
    with pytest.raises(
        CourseError, match=r"courses\.csv: cannot read the courses: it is not UTF-8"
    ):
        read_course_file(binary, today=TODAY)
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "fifo.csv"
        os.mkfifo(fifo)
        with pytest.raises(CourseError, match="FIFO"):
            read_course_file(fifo, today=TODAY)
