"""The rule-set checker: clean on the shipped rules, and each kind of finding on broken copies."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hf_triage import Finding, RuleError, load_rules
from hf_triage._check import CONTRACT_WARNING_CODES, check_rules, render_report
from hf_triage._load import default_rules_dir
from hf_triage.cli import app

RULES = default_rules_dir()


def copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    target.mkdir()
    for path in RULES.glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def kinds(directory: Path) -> dict[str, list[Finding]]:
    report = check_rules(load_rules(directory))
    result: dict[str, list[Finding]] = {}
    for finding in report.findings:
        result.setdefault(finding.kind, []).append(finding)
    return result


def test_shipped_rules_are_clean() -> None:
    report = check_rules(load_rules(RULES))
    assert report.ok, render_report(report, "en")
    assert {f.kind for f in report.findings} <= {"overlap"}
    assert report.assessments_examined > 1000


def test_deleting_a_criterion_shows_a_gap_with_file_line_and_example(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    # icm-partial-service-use becomes impossible: service_use partial AND significant
    edit(
        rules / "icm.yaml",
        "when: {field: service_use, is: partial}",
        "when: {all: [{field: service_use, is: partial}, {field: complexity, is: severe}]}",
    )
    found = kinds(rules)
    gaps = found["gap"]
    assert gaps and all(g.severity == "error" for g in gaps)
    example = gaps[0].example
    assert example is not None and example["service_use"] == "partial"
    assert example["complexity"] in ("mild", "moderate")
    assert gaps[0].file == "icm.yaml" and gaps[0].line > 0


def test_swapped_outcome_shows_monotonicity_violation_with_a_pair(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    # ACT for moderate instead of severe complexity: severe now gets the *less* intensive ICM
    edit(
        rules / "act.yaml",
        "- {field: complexity, is: severe}",
        "- {field: complexity, is: moderate}",
    )
    found = kinds(rules)
    violation = found["monotonicity"][0]
    assert violation.example is not None and violation.other_example is not None
    assert violation.example["complexity"] == "moderate"
    assert violation.other_example["complexity"] == "severe"
    assert violation.file == "act.yaml"
    assert "complexity" in violation.text("en")


def test_urgency_deciding_shows_invariance_violation(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(
        rules / "icm.yaml",
        "when: {field: service_use, is: partial}",
        "when: {any: [{field: service_use, is: partial}, {field: urgency, is: acute}]}",
    )
    found = kinds(rules)
    finding = found["invariance"][0]
    assert finding.rule_ids == ("icm-partial-service-use",)
    assert finding.example is not None and finding.other_example is not None
    assert "urgency" in finding.text("en")
    assert finding.file == "icm.yaml" and finding.line == 10


@pytest.mark.parametrize("field", ["housing_ready", "consent", "proposed_method", "situation"])
def test_each_invariant_field_is_caught(tmp_path: Path, field: str) -> None:
    value = {
        "housing_ready": "false",
        "consent": "false",
        "proposed_method": "ACT",
        "situation": "street",
    }[field]
    rules = copy_rules(tmp_path)
    edit(
        rules / "icm.yaml",
        "when: {field: service_use, is: partial}",
        f"when: {{any: [{{field: service_use, is: partial}}, {{field: {field}, is: {value}}}]}}",
    )
    assert any(field in f.text("en") for f in kinds(rules)["invariance"])


def test_criterion_reading_the_portfolio_is_refused_when_loading(tmp_path: Path) -> None:
    # a derived field in a criterion is refused by the loader (issue 14 item 7), before the
    # checker would report it as an invariance violation
    rules = copy_rules(tmp_path)
    edit(
        rules / "icm.yaml",
        "when: {field: service_use, is: partial}",
        "when: {any: [{field: service_use, is: partial}, {field: method_offered, is: false}]}",
    )
    with pytest.raises(RuleError, match="method_offered"):
        load_rules(rules)


def test_impossible_criterion_is_unreachable(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(
        rules / "icm.yaml",
        "when: {field: support_duration, is: long_term}",
        "when: {all: [{field: support_duration, is: long_term}, "
        "{field: support_duration, is: transitional}]}",
    )
    found = kinds(rules)
    assert [f.rule_ids for f in found["unreachable"]] == [("icm-long-term-need",)]


def test_criterion_always_beaten_by_a_more_intensive_one_is_shadowed(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    # an ICM criterion that only holds where ACT already wins
    edit(
        rules / "icm.yaml",
        "when: {field: support_duration, is: long_term}",
        "when: {all: [{field: service_use, is: minimal}, {field: complexity, is: severe}]}",
    )
    found = kinds(rules)
    assert [f.rule_ids for f in found["shadowed"]] == [("icm-long-term-need",)]


def test_warning_that_can_never_hold_is_reported(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(
        rules / "warnings.yaml",
        "code: consent-missing\n    level: warning\n    when: {field: consent, is: false}",
        "code: consent-missing\n    level: warning\n"
        "    when: {all: [{field: consent, is: false}, {field: consent, is: true}]}",
    )
    found = kinds(rules)
    assert [f.rule_ids for f in found["warning-never"]] == [("consent-missing",)]
    assert found["warning-never"][0].file == "warnings.yaml"


def test_missing_contract_warning_is_reported(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    edit(rules / "warnings.yaml", "code: consent-missing", "code: consent-not-given")
    found = kinds(rules)
    assert ("consent-missing",) in [f.rule_ids for f in found["missing-warning"]]
    assert "consent-missing" in CONTRACT_WARNING_CODES


def test_overlaps_are_informational() -> None:
    report = check_rules(load_rules(RULES))
    overlaps = [f for f in report.findings if f.kind == "overlap"]
    assert overlaps and all(f.severity == "info" for f in overlaps)
    # rule set 1.2 dropped icm-severe-mental-illness-or-substance-use (issue 10 item 1)
    pair = ("icm-long-term-need", "act-minimal-service-use-massive-problems")
    assert pair in [f.rule_ids for f in overlaps]


def test_cli_exit_codes_and_json(tmp_path: Path) -> None:
    runner = CliRunner()
    clean = runner.invoke(app, ["rules", "check", str(RULES)])
    assert clean.exit_code == 0, clean.output
    assert "i orden" in clean.output

    broken = copy_rules(tmp_path)
    edit(
        broken / "act.yaml",
        "- {field: complexity, is: severe}",
        "- {field: complexity, is: moderate}",
    )
    result = runner.invoke(app, ["rules", "check", str(broken), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["ok"] is False
    assert any(f["kind"] == "monotonicity" and f["file"] == "act.yaml" for f in data["findings"])

    english = runner.invoke(app, ["rules", "check", str(broken), "--lang", "en"])
    assert english.exit_code == 1 and "Monotonicity violated" in english.output

    (broken / "cti.yaml").write_text("method: CTI\ncriteria: [\n", encoding="utf-8")
    unloadable = runner.invoke(app, ["rules", "check", str(broken)])
    assert unloadable.exit_code == 2


def test_deleting_a_criterion_block_shows_a_gap(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    icm = rules / "icm.yaml"
    text = icm.read_text(encoding="utf-8")
    start = text.index("  - id: icm-partial-service-use")
    end = text.index("  - id: icm-minimal-service-use-not-massive")
    icm.write_text(text[:start] + text[end:], encoding="utf-8")
    report = check_rules(load_rules(rules))
    assert not report.ok
    gaps = [f for f in report.findings if f.kind == "gap"]
    assert gaps and all(f.example and f.example["service_use"] == "partial" for f in gaps)
    assert "Gap detected" in render_report(report, "en")


@pytest.mark.slow  # two fresh processes
def test_the_report_is_the_same_whatever_the_hash_seed() -> None:
    """Deterministic results: the cases examined (shown by `rules check`) and the findings do
    not depend on the order Python iterates a set in."""
    import subprocess
    import sys

    script = (
        "from hf_triage import default_rules\n"
        "from hf_triage._check import check_rules\n"
        "r = check_rules(default_rules())\n"
        "print(r.assessments_examined, sorted(f.text('en') for f in r.findings))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1, outputs
