"""Hostile values through the Python API (issue 16 items 1, 2 and 4): each gives the
project's own error with a short message, or the right answer."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from hf_triage import (
    Assessment,
    AssessmentError,
    Course,
    CourseError,
    MunicipalityError,
    RuleError,
    load_rules,
    review_course,
    triage,
)

from .fuzz import SECRET, HostileRepr, _deep

RULES = Path(__file__).resolve().parents[2] / "rules"

HOSTILE_ASSESSMENTS: list[tuple[str, Any]] = [
    ("int over 4,300 digits", {"complexity": 10**5000}),
    ("int key over 4,300 digits", {10**5000: 1}),
    ("deep nesting", {"complexity": _deep(100_000)}),
    ("deep nesting in dimensions", {"dimensions": {"mental_health": _deep(100_000)}}),
    ("repr raises", {"complexity": HostileRepr()}),
    ("key whose repr raises", {HostileRepr(): 1}),
    ("dimension key whose repr raises", {"dimensions": {HostileRepr(): 1}}),
    ("200,000-character value", {"complexity": "x" * 200_000}),
    ("200,000-character key", {"x" * 200_000: "moderate"}),
    ("unknown key with health data", {"complexity": "moderate", "diagnosis": SECRET}),
    ("dimensions as a list", {"dimensions": [SECRET]}),
]


@pytest.mark.parametrize(
    ("name", "data"), HOSTILE_ASSESSMENTS, ids=[n for n, _ in HOSTILE_ASSESSMENTS]
)
def test_hostile_assessment_gives_a_short_assessment_error(name: str, data: Any) -> None:
    for call in (lambda: triage(data), lambda: Assessment.model_validate(data)):
        with pytest.raises(AssessmentError) as info:
            call()
        assert len(str(info.value)) < 600
        assert SECRET not in str(info.value)


@pytest.mark.parametrize("obj", [5, None, "complexity: moderate", [("complexity", "moderate")]])
def test_model_validate_of_a_non_mapping_is_an_assessment_error(obj: Any) -> None:
    with pytest.raises(AssessmentError, match="must be a mapping"):
        Assessment.model_validate(obj)


@pytest.mark.parametrize(
    "offers", [[["CTI"]], [{"CTI": 1}], [HostileRepr()], [10**5000], "x" * 100_000]
)
def test_hostile_offers_give_a_municipality_error(offers: Any) -> None:
    with pytest.raises(MunicipalityError) as info:
        triage({"complexity": "moderate"}, municipality={"offers": offers})
    assert len(str(info.value)) < 300


def test_reprs_name_the_fields_given_not_their_values() -> None:
    assessment = Assessment(complexity="severe", service_use="significant")
    assert repr(assessment) == "Assessment(fields_given=['complexity', 'service_use'])"
    course = Course.model_validate(
        {"method": "ICM", "start_date": "2025-01-01", "last_contact": "2025-02-03"}
    )
    assert "2025" not in repr(course) and "ICM" not in repr(course)
    assert "last_contact" in repr(course)


PRISON = {
    "method": "ICM",
    "start_date": "2025-01-01",
    "admissions": [{"kind": "prison", "start": "2026-01-01", "planned_end": "9999-12-31"}],
}


def test_open_ended_prison_term_is_a_long_prison_term() -> None:
    # 9999-12-31 is ~2.9 million days away: it must pass every at_least test, not fail them all
    review = review_course(PRISON, today=dt.date(2026, 2, 1))
    assert "icm-long-prison-term" in review.signal_codes
    assert "icm-continue-during-admission" not in review.signal_codes


@pytest.mark.parametrize(
    "today",
    [
        dt.datetime(2026, 2, 1, 23, 30),
        dt.datetime(2026, 2, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-11))),
        dt.datetime(2026, 2, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=14))),
    ],
)
def test_today_as_datetime_is_its_own_calendar_date(today: dt.datetime) -> None:
    assert review_course(PRISON, today=today).today == dt.date(2026, 2, 1)


def test_today_as_pandas_timestamp() -> None:
    pd = pytest.importorskip("pandas")
    stamp = pd.Timestamp("2026-02-01T23:59", tz="Europe/Copenhagen")
    assert review_course(PRISON, today=stamp).today == dt.date(2026, 2, 1)
    with pytest.raises(CourseError, match="NaT"):
        review_course(PRISON, today=pd.NaT)


@pytest.mark.parametrize("today", ["2026-02-01", 20260201, None])
def test_today_of_another_type_is_a_course_error(today: Any) -> None:
    with pytest.raises(CourseError, match="today must be a date"):
        review_course(PRISON, today=today)


@pytest.mark.parametrize(
    "text", ["20250601", "2025-W23-1", "2025-W23", "2025-06-01T00:00", "2025-6-1"]
)
def test_only_the_documented_date_form_is_accepted(text: str) -> None:
    with pytest.raises(CourseError, match="YYYY-MM-DD"):
        review_course({"method": "ICM", "start_date": text}, today=dt.date(2026, 1, 1))


def test_a_rule_set_with_a_gap_loads_but_triage_on_the_gap_is_a_rule_error(tmp_path: Path) -> None:
    # decided (docs/reliability.md): loading stays parse + compile, the gap is found by
    # 'rules check'; triage() on an assessment that falls in it raises RuleError, never a result
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules, ignore=shutil.ignore_patterns("tests"))
    icm = rules / "icm.yaml"
    text = icm.read_text(encoding="utf-8")
    start = text.index("  - id: icm-partial-service-use")
    end = text.index("  - id: icm-minimal-service-use-not-massive")
    icm.write_text(text[:start] + text[end:], encoding="utf-8")
    compiled = load_rules(rules)
    with pytest.raises(RuleError, match="gap"):
        triage({"complexity": "moderate", "service_use": "partial"}, rules=compiled)
