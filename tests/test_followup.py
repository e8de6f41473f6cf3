"""Follow-up during a course: facts, signals, errors, the checker and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hf_triage import RuleError, load_rules
from hf_triage._cases import load_cases
from hf_triage._check import check_rules
from hf_triage._course import Course, course_facts, months_between
from hf_triage._followup import CourseError, review_course
from hf_triage._load import default_rules_dir
from hf_triage.cli import app

TODAY = dt.date(2026, 11, 24)
RULES = default_rules_dir()


def copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


def edit(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    index = text.index(old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text.count("\n", 0, index) + 1


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
def test_invalid_course_is_a_course_error_naming_the_field(course: dict, field: str) -> None:
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


def test_checker_proves_the_shipped_followup_rules() -> None:
    report = check_rules(load_rules(RULES))
    assert report.ok
    assert not [f for f in report.findings if f.kind.startswith("signal")]


def test_checker_finds_contradicting_signals(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(
        rules / "followup.yaml",
        "        - not: {field: days_admitted, at_least: {parameter: pause_after_days}}\n",
        "",
    )
    findings = [f for f in check_rules(load_rules(rules)).findings if f.kind == "signal-conflict"]
    assert findings and findings[0].rule_ids == (
        "icm-continue-during-admission",
        "icm-pause-long-interruption",
    )
    assert findings[0].example is not None and findings[0].example["days_admitted"] >= 60


def test_checker_finds_a_signal_that_can_never_be_raised(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(
        rules / "followup.yaml",
        "        - {field: cti_phase, is: phase_3}\n",
        "        - {field: cti_phase, is: phase_3}\n        - {field: method, is: ICM}\n",
    )
    findings = [f for f in check_rules(load_rules(rules)).findings if f.kind == "signal-never"]
    assert [f.rule_ids for f in findings] == [("cti-plan-ending",)]


def test_unknown_parameter_is_a_rule_error_with_line(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    line = edit(
        rules / "followup.yaml", "{parameter: stable_for_days}", "{parameter: stable_days_x}"
    )
    with pytest.raises(RuleError) as info:
        load_rules(rules)
    assert "stable_days_x" in str(info.value)
    assert "followup.yaml:" in str(info.value)
    assert line > 0


def test_days_field_needs_at_least_or_at_most(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    line = edit(
        rules / "followup.yaml",
        "{field: days_admitted, at_least: {parameter: pause_after_days}}\n    text",
        "{field: days_admitted, is: 3}\n    text",
    )
    with pytest.raises(RuleError) as info:
        load_rules(rules)
    assert f"followup.yaml:{line}:" in str(info.value)
    assert "number of days" in str(info.value)


def test_course_field_in_a_method_file_is_unknown(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    line = edit(
        rules / "icm.yaml",
        "when: {field: service_use, is: partial}",
        "when: {field: days_admitted, at_least: 3}",
    )
    with pytest.raises(RuleError) as info:
        load_rules(rules)
    assert f"icm.yaml:{line}:" in str(info.value) and "days_admitted" in str(info.value)


def test_cli_review(tmp_path: Path) -> None:
    runner = CliRunner()
    course = tmp_path / "course.yaml"
    course.write_text('method: ICM\nstart_date: "2025-06-01"\nlast_contact: "2026-10-01"\n')
    result = runner.invoke(app, ["review", str(course), "--today", "2026-11-24", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["signals"][0]["code"] == "keep-reaching-out"
    text = runner.invoke(app, ["review", str(course), "--today", "2026-11-24", "--lang", "en"])
    assert "keep-reaching-out" in text.output
    bad = runner.invoke(app, ["review", str(course), "--today", "24/11/2026"])
    assert bad.exit_code == 2
    course.write_text("method: ICM\nstart_date: 2025-06-01\n")  # unquoted date: ambiguous
    unquoted = runner.invoke(app, ["review", str(course), "--today", "2026-11-24"])
    assert unquoted.exit_code == 2


# --- many courses: CSV rows, the CLI batch form, the cohort report ---------------------------


def test_course_from_row_reads_every_column() -> None:
    from hf_triage._followup import course_from_row

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
    from hf_triage._followup import course_from_row

    with pytest.raises(CourseError, match=named):
        course_from_row(row)


def test_a_bad_row_never_stops_the_course_batch() -> None:
    from hf_triage._followup import review_course_rows

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


def test_summary_counts_cti_courses_with_revisitation_signals() -> None:
    from hf_triage._followup import FollowupSummary

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


def test_cli_review_csv(tmp_path: Path) -> None:
    source = tmp_path / "courses.csv"
    source.write_text(
        "citizen_id,method,start_date,last_contact\n"
        "A,ICM,2025-06-01,2026-10-01\n"
        "B,XYZ,2025-06-01,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        app, ["review", str(source), "--today", "2026-11-24", "-o", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "2 courses, 1 with errors" in result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "citizen_id,method,signals,error"
    assert lines[1] == "A,ICM,keep-reaching-out,"


def test_cohort_report_has_the_followup_section() -> None:
    pd = pytest.importorskip("pandas")
    from hf_triage import cohort_report, triage_frame
    from hf_triage._followup import review_course_rows

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
def test_course_values_are_never_guessed(course: dict, named: str) -> None:
    record = {"method": "ICM", "start_date": "2025-01-01", **course}
    with pytest.raises(CourseError, match=named):
        review_course(record, today=TODAY)


def test_last_contact_after_today_is_an_error() -> None:
    with pytest.raises(CourseError, match="last_contact"):
        review_course(
            {"method": "ICM", "start_date": "2025-01-01", "last_contact": "2026-12-24"}, today=TODAY
        )
