"""The follow-up summary over many courses, and its section of the cohort report."""

from __future__ import annotations

import datetime as dt

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
