"""The follow-up file: loading it, and the checker proving it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hf_triage import RuleError, load_rules
from hf_triage._check import check_rules
from hf_triage._load import default_rules_dir

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


def test_checker_proves_the_shipped_followup_rules() -> None:
    report = check_rules(load_rules(RULES))
    assert report.ok
    assert not [f for f in report.findings if f.kind.startswith("signal")]


def test_checker_finds_contradicting_signals(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(
        rules / "followup.yaml",
        "        - not:\n"
        "            all:\n"
        "              - {field: admission, one_of: [hospital, treatment]}\n"
        "              - {field: days_admitted, at_least: {parameter: pause_stay_after_days}}\n",
        "",
    )
    findings = [f for f in check_rules(load_rules(rules)).findings if f.kind == "signal-conflict"]
    assert findings and findings[0].rule_ids == (
        "icm-continue-during-admission",
        "icm-pause-long-interruption",
    )
    assert findings[0].example is not None and findings[0].example["days_admitted"] >= 120


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
        "{field: prison_term_days, at_least: {parameter: long_prison_term_days}}\n    text",
        "{field: prison_term_days, is: 3}\n    text",
    )
    with pytest.raises(RuleError) as info:
        load_rules(rules, lang="en")
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


def test_checker_proves_pause_and_long_prison_term_exclude_each_other(tmp_path: Path) -> None:
    # issue 10 item 11: a long prison term ends ICM (003 §3.7); it must not also read "pause"
    rules = copy_rules(tmp_path)
    text = (rules / "followup.yaml").read_text(encoding="utf-8")
    start = text.index("  - code: icm-pause-long-interruption")
    block = text[start : text.index("    excludes: [icm-long-prison-term]", start)]
    guard = (
        "        - not:\n"
        "            all:\n"
        "              - {field: admission, is: prison}\n"
        "              - {field: prison_term_days, at_least: {parameter: long_prison_term_days}}\n"
    )
    assert guard in block
    (rules / "followup.yaml").write_text(
        text[:start] + block.replace(guard, "") + text[start + len(block) :], encoding="utf-8"
    )
    findings = [f for f in check_rules(load_rules(rules)).findings if f.kind == "signal-conflict"]
    assert [f.rule_ids for f in findings] == [
        ("icm-pause-long-interruption", "icm-long-prison-term")
    ]


def test_admission_signals_are_silent_on_an_ended_course() -> None:
    rules = load_rules(RULES)
    facts: dict[str, str | int | bool] = {
        "method": "ICM",
        "ended": True,
        "ending_reason": "prison_term",
        "admission": "prison",
        "days_admitted": 400,
        "prison_term_days": 800,
        "citizen_declined": False,
        "moved_out": False,
    }
    raised = [s.code for s in rules.signals if s.predicate(facts)]
    assert raised == []
