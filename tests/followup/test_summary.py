"""The follow-up summary over many courses, and its section of the cohort report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from hf_triage import load_rules
from hf_triage._followup import FollowupSummary, review_course, review_course_rows
from hf_triage._load import default_rules_dir

TODAY = dt.date(2026, 11, 24)
RULES = default_rules_dir()


def test_summary_counts_cti_courses_with_revisitation_signals() -> None:
    stuck = {"method": "CTI", "start_date": "2026-01-02", "need_beyond_nine_months": True}
    fine = {"method": "CTI", "start_date": "2026-07-02"}
    icm = {"method": "ICM", "start_date": "2025-06-01", "last_contact": "2026-10-01"}
    summary = FollowupSummary.from_reviews(
        [review_course(c, today=TODAY) for c in (stuck, fine, icm)]
    )
    assert summary.courses == {"CTI": 2, "ICM": 1}
    assert summary.revisit == {"CTI": 1}
    assert summary.cti_revisit_share == 0.5
    assert any("1 of 2" in line for line in summary.lines("en"))
    flagged = {s.code for s in load_rules(RULES).signals if s.revisitation}
    assert flagged == {"cti-not-tapering", "cti-need-beyond-nine-months", "cti-icm-target-group"}


def test_cohort_report_has_the_followup_section() -> None:
    pd = pytest.importorskip("pandas")
    from hf_triage import cohort_report, triage_frame

    frame = triage_frame(pd.DataFrame({"complexity": ["mild"], "service_use": ["significant"]}))
    _, reviews = review_course_rows(
        [{"method": "CTI", "start_date": "2026-01-02", "need_beyond_nine_months": "true"}],
        today=TODAY,
    )
    report = cohort_report(frame, reviews=reviews, lang="en")
    assert report.followup is not None and report.followup.revisit == {"CTI": 1}
    assert "Follow-up of current courses" in report.to_text()
    assert report.to_dict()["followup"]["cti_revisit_share"] == 1.0
    assert "Follow-up" in report.to_html(charts=False)
    assert cohort_report(frame).to_dict()["followup"] is None


def _flip_flags(rules: Path) -> None:
    """Edited follow-up rules: 'need beyond nine months' no longer counts as re-visitation,
    'plan the ending' does."""
    path = rules / "followup.yaml"
    text = path.read_text(encoding="utf-8")
    old = "  - code: cti-need-beyond-nine-months\n    revisitation: true\n"
    assert old in text
    text = text.replace(old, "  - code: cti-need-beyond-nine-months\n    revisitation: false\n")
    old = "  - code: cti-plan-ending\n"
    assert old in text
    text = text.replace(old, old + "    revisitation: true\n")
    path.write_text(text, encoding="utf-8")


def test_signals_carry_the_flags_of_the_rules_that_raised_them(rules_copy: Path) -> None:
    _flip_flags(rules_copy)
    edited = load_rules(rules_copy)
    beyond = {"method": "CTI", "start_date": "2026-01-02", "need_beyond_nine_months": True}
    ending = {"method": "CTI", "start_date": "2026-03-02"}
    shipped_review = review_course(beyond, today=TODAY)
    assert [s.revisitation for s in shipped_review.signals] == [True]
    assert [s.revisitation for s in review_course(beyond, today=TODAY, rules=edited).signals] == [
        False
    ]
    assert [s.revisitation for s in review_course(ending, today=TODAY, rules=edited).signals] == [
        True
    ]


def test_summary_counts_with_the_edited_rules_not_the_shipped_ones(rules_copy: Path) -> None:
    # regression: the summary read the 'revisitation' flags of default_rules(), so a
    # municipality's edited followup.yaml was counted with the shipped flags
    _flip_flags(rules_copy)
    edited = load_rules(rules_copy)
    courses: list[dict[str, Any]] = [
        {"method": "CTI", "start_date": "2026-01-02", "need_beyond_nine_months": True},
        {"method": "CTI", "start_date": "2026-03-02"},
        {"method": "CTI", "start_date": "2026-03-10"},
        {"method": "CTI", "start_date": "2026-07-02"},
    ]
    reviews = [review_course(c, today=TODAY, rules=edited) for c in courses]
    assert [r.signal_codes for r in reviews] == [
        ["cti-need-beyond-nine-months"],
        ["cti-plan-ending"],
        ["cti-plan-ending"],
        [],
    ]
    summary = FollowupSummary.from_reviews(reviews)
    assert summary.revisit == {"CTI": 2}  # the shipped flags would give 1
    assert summary.cti_revisit_share == 0.5
    # the rules that reviewed them give the same count (and here the same threshold)
    assert FollowupSummary.from_reviews(reviews, edited) == summary


def test_from_reviews_uses_the_given_rules_threshold(rules_copy: Path) -> None:
    # Regression (issue 9 item 6): from_reviews(rules=...) ignored its rules.
    path = rules_copy / "followup.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("percent: 20", "percent: 75"), encoding="utf-8"
    )
    edited = load_rules(rules_copy)
    courses: list[dict[str, Any]] = [
        {"method": "CTI", "start_date": "2026-01-02", "need_beyond_nine_months": True},
        {"method": "CTI", "start_date": "2026-07-02"},
    ]
    reviews = [review_course(c, today=TODAY, rules=edited) for c in courses]
    summary = FollowupSummary.from_reviews(reviews, edited)
    assert summary.many_cti_revisit_percent == 75
    assert summary.cti_revisit_share == 0.5
    assert not summary.warns_of_cti_as_default_start  # 50 % < 75 %
    assert not any(line.startswith("⚠") for line in summary.lines("en"))
    shipped = [review_course(c, today=TODAY) for c in courses]
    assert FollowupSummary.from_reviews(shipped).warns_of_cti_as_default_start  # 50 % >= 20 %


def test_reviews_of_other_rules_than_the_given_ones_are_refused(rules_copy: Path) -> None:
    from hf_triage import TriageError

    _flip_flags(rules_copy)
    edited = load_rules(rules_copy)
    course = {"method": "CTI", "start_date": "2026-01-02", "need_beyond_nine_months": True}
    reviews = [review_course(course, today=TODAY), review_course(course, today=TODAY, rules=edited)]
    with pytest.raises(TriageError, match=r"review 1 was made with the rule set sha256:"):
        FollowupSummary.from_reviews(reviews, edited)


def test_cohort_report_counts_with_the_edited_rules(rules_copy: Path) -> None:
    pd = pytest.importorskip("pandas")
    from hf_triage import cohort_report, triage_frame

    _flip_flags(rules_copy)
    edited = load_rules(rules_copy)
    frame = triage_frame(pd.DataFrame({"complexity": ["mild"], "service_use": ["significant"]}))
    _, reviews = review_course_rows(
        [
            {"method": "CTI", "start_date": "2026-01-02", "need_beyond_nine_months": "true"},
            {"method": "CTI", "start_date": "2026-03-02"},
            {"method": "CTI", "start_date": "2026-03-10"},
        ],
        today=TODAY,
        rules=edited,
    )
    report = cohort_report(frame, reviews=reviews, lang="en")
    assert report.followup is not None
    assert report.followup.revisit == {"CTI": 2}  # the shipped flags would give 1
    assert report.followup.signals == {"cti-need-beyond-nine-months": 1, "cti-plan-ending": 2}
    assert "2 of 3" in report.to_text()
