"""Reviewing a course: the signals raised, their texts, sources and flags, and errors."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from hf_triage import load_rules
from hf_triage._cases import load_cases
from hf_triage._followup import CourseError, review_course
from hf_triage._load import default_rules_dir

TODAY = dt.date(2026, 11, 24)
RULES = default_rules_dir()


def test_review_is_deterministic_and_carries_the_fingerprint() -> None:
    course = {"method": "ICM", "start_date": "2025-06-01", "last_contact": "2026-10-01"}
    first = review_course(course, today=TODAY)
    assert first == review_course(course, today=TODAY)
    assert first.signal_codes == ["keep-reaching-out"]
    assert first.ruleset_fingerprint == load_rules(RULES).fingerprint
    assert first.lang == "da"
    english = review_course(course, today=TODAY, lang="en")
    assert english.signals[0].text != first.signals[0].text
    assert json.loads(first.model_dump_json())["signals"][0]["code"] == "keep-reaching-out"


def test_threshold_is_the_local_parameter() -> None:
    base = {"method": "ICM", "start_date": "2025-06-01"}
    at = review_course({**base, "last_contact": "2026-11-10"}, today=TODAY)  # 14 days
    before = review_course({**base, "last_contact": "2026-11-11"}, today=TODAY)  # 13 days
    assert "keep-reaching-out" in at.signal_codes
    assert "keep-reaching-out" not in before.signal_codes


@pytest.mark.parametrize(
    ("course", "field"),
    [
        ({"method": "XYZ", "start_date": "2026-01-01"}, "method"),
        ({"method": "ICM", "start_date": "2026-13-01"}, "start_date"),
        ({"method": "ICM", "start_date": "2026-01-01", "colour": "red"}, "colour"),
        (
            {
                "method": "ICM",
                "start_date": "2026-01-01",
                "intensity": [{"month": "2026-01-01", "level": 7}],
            },
            "intensity.0.level",
        ),
    ],
)
def test_invalid_course_is_a_course_error_naming_the_field(
    course: dict[str, Any], field: str
) -> None:
    with pytest.raises(CourseError, match=field.replace(".", r"\.")):
        review_course(course, today=TODAY)


def test_review_before_the_start_is_an_error() -> None:
    with pytest.raises(CourseError, match="before the course started"):
        review_course({"method": "ICM", "start_date": "2027-01-01"}, today=TODAY)


def test_every_signal_has_a_policy_case() -> None:
    named = {
        code
        for c in load_cases(RULES / "tests")
        if c.case.expect.signals
        for code in c.case.expect.signals
    }
    assert {s.code for s in load_rules(RULES).signals} <= named


def test_review_courses_puts_an_invalid_record_s_error_in_its_place() -> None:
    from hf_triage import review_courses

    good = {"method": "ICM", "start_date": "2025-06-01", "last_contact": "2026-10-01"}
    bad = {"method": "XYZ", "start_date": "2025-06-01"}
    results = review_courses([good, bad, good], today=TODAY, lang="en")
    assert len(results) == 3
    first, error, last = results
    assert not isinstance(first, CourseError) and not isinstance(last, CourseError)
    assert first == last == review_course(good, today=TODAY, lang="en")
    assert isinstance(error, CourseError)
    assert "XYZ" in str(error)


COURSE = {"method": "ICM", "start_date": "2025-06-01"}


@pytest.mark.parametrize(
    ("course", "words"),
    [
        (["ICM"], "a course must be a mapping or an hf_triage.Course, not list"),
        (
            {**COURSE, "start_date": dt.datetime(2025, 6, 1, 10, 0)},
            "a date without a time is expected",
        ),
        (
            {**COURSE, "ending": {"date": "2025-01-01", "reason": "moved_out"}},
            "ending.date (2025-01-01) is before the start date (2025-06-01)",
        ),
    ],
)
def test_a_course_that_cannot_be_reviewed_is_a_course_error(course: Any, words: str) -> None:
    with pytest.raises(CourseError) as caught:
        review_course(course, today=TODAY)
    assert words in str(caught.value)


def test_an_unknown_engine_is_refused_with_the_allowed_ones() -> None:
    from hf_triage import TriageError

    with pytest.raises(TriageError, match="'nope' is not known; allowed: builtin, durable"):
        review_course(COURSE, today=TODAY, engine="nope")


def test_a_rule_set_without_followup_rules_cannot_review(tmp_path: Path) -> None:
    from hf_triage import RuleError

    copy = tmp_path / "rules"
    shutil.copytree(RULES, copy, ignore=shutil.ignore_patterns("tests"))
    (copy / "followup.yaml").unlink()
    with pytest.raises(RuleError, match=r"has no follow-up file \(followup\.yaml\)"):
        review_course(COURSE, today=TODAY, rules=load_rules(copy))
