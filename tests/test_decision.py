"""record_decision: the caseworker's decision, its reason rules, the drafted grounds, JSON."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import jsonschema  # type: ignore[import-untyped,unused-ignore]
import pytest
from typer.testing import CliRunner

from hf_triage import (
    DecisionError,
    DecisionRecord,
    RuleError,
    TriageError,
    decision_reasons,
    load_rules,
    record_decision,
    triage,
)
from hf_triage.cli import app

ICM = {"complexity": "moderate", "service_use": "partial"}
UNDECIDED = {"service_use": "significant"}
SECRET = "Borgeren bor hos sin søster på Nørregade 7"
WHEN = dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.timezone.utc)


def test_reason_codes_are_sourced_in_danish_and_english() -> None:
    codes = {r.code: r for r in decision_reasons()}
    assert set(codes) >= {
        "citizen-wish",
        "citizen-declines",
        "other-support-covers-need",
        "new-information",
        "method-not-available",
        "other",
    }
    for reason in codes.values():
        assert reason.da and reason.en and reason.source[:3].isdigit()
    assert codes["method-not-available"].flags == ["method-not-offered"]


def test_following_the_recommendation_needs_no_reason() -> None:
    rec = triage(ICM)
    record = record_decision(rec, "ICM", decided_at=WHEN)
    assert not record.deviates and record.reason is None and record.flags == []
    assert record.recommendation == rec
    assert record.ruleset_fingerprint == rec.ruleset_fingerprint
    assert record.ruleset_version == rec.ruleset_version == "1.2.0"
    assert record.decided_at == WHEN


@pytest.mark.parametrize(
    ("assessment", "method", "why"),
    [(ICM, "CTI", "differs from the recommendation (ICM)"), (UNDECIDED, "ICM", "undecided")],
)
def test_a_reason_is_required_when_deviating_or_undecided(
    assessment: dict[str, str], method: str, why: str
) -> None:
    rec = triage(assessment)
    with pytest.raises(DecisionError, match="reason: required") as info:
        record_decision(rec, method, note=SECRET)
    message = str(info.value)
    assert why in message and "citizen-wish" in message
    assert SECRET not in message
    record = record_decision(rec, method, reason="new-information", note=SECRET)
    assert record.deviates and record.reason == "new-information"


def test_bad_arguments_name_the_argument_and_allowed_values_never_the_note() -> None:
    rec = triage(ICM)
    with pytest.raises(DecisionError, match=r"decided_method: 'XYZ'.*CTI, ICM, ACT"):
        record_decision(rec, "XYZ", note=SECRET)
    with pytest.raises(DecisionError, match=r"reason: 'wish'.*citizen-wish") as info:
        record_decision(rec, "CTI", reason="wish", note=SECRET)
    assert SECRET not in str(info.value)
    with pytest.raises(DecisionError, match="note must be text") as info:
        record_decision(rec, "ICM", note=12345)  # type: ignore[arg-type]
    assert "12345" not in str(info.value)
    with pytest.raises(DecisionError, match="Recommendation"):
        record_decision({"method": "ICM"}, "ICM")  # type: ignore[arg-type]
    with pytest.raises(DecisionError, match="decided_at"):
        record_decision(rec, "ICM", decided_at="today")  # type: ignore[arg-type]
    assert issubclass(DecisionError, TriageError) and issubclass(DecisionError, ValueError)


def test_method_not_available_always_flags_the_gap() -> None:
    rec = triage(ICM)
    record = record_decision(rec, "CTI", reason="method-not-available", decided_at=WHEN)
    assert record.flags == ["method-not-offered", "below-assessed-need"]
    above = record_decision(rec, "ACT", reason="method-not-available", decided_at=WHEN)
    assert above.flags == ["method-not-offered", "above-assessed-need"]
    assert "000 «1 Indsatsvifte»" in record.justification.da
    with pytest.raises(DecisionError, match="not available"):
        record_decision(rec, "ICM", reason="method-not-available")


def test_justification_drafts_the_grounds_in_danish_and_english() -> None:
    rec = triage(ICM)
    record = record_decision(rec, "CTI", reason="citizen-wish", note=SECRET, decided_at=WHEN)
    da, en = record.justification.da, record.justification.en
    assert "servicelovens § 85 a" in da and "servicelovens § 85 a" in en
    assert "evne til at bruge eksisterende tilbud: kun i nogen grad" in da  # texts.yaml
    assert "ability to use existing services: only to some extent" in en
    assert "icm-partial-service-use" in da and "000 «2 Målgruppen for ICM»" in da
    assert "Afvigelse fra anbefalingen: CTI i stedet for ICM" in da
    assert "Borgerens eget ønske" in da and "003 §4.1" in da
    assert "Deviation from the recommendation: CTI instead of ICM" in en
    assert "The citizen's own wish" in en
    assert "forvaltningslovens § 24" in da
    # the reasons appear in both languages, whatever language the recommendation was in
    assert "The citizen can use existing services only to some extent" in en or "ICM" in en
    assert SECRET in da  # the caseworker's own note belongs in the draft


def test_undecided_grounds_say_so() -> None:
    record = record_decision(triage(UNDECIDED), "CTI", reason="new-information")
    assert "Anbefalingen var ikke afgjort (CTI/ICM)" in record.justification.da


def test_json_round_trip_and_schema() -> None:
    rec = triage({**ICM, "urgency": "acute"}, lang="en")
    record = record_decision(
        rec, "ACT", reason="other", note=SECRET, decided_at=WHEN, assessment={**ICM}
    )
    data = record.model_dump(mode="json")
    assert DecisionRecord.model_validate(data) == record
    assert DecisionRecord.model_validate_json(record.model_dump_json()) == record
    jsonschema.validate(data, DecisionRecord.model_json_schema(mode="serialization"))
    assert data["assessment"] == ICM
    assert json.loads(json.dumps(data))["justification"]["da"] == record.justification.da


def test_record_repr_and_logs_keep_the_note_out(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        record = record_decision(triage(ICM), "CTI", reason="other", note=SECRET)
    assert SECRET not in repr(record)
    assert caplog.records == []


def test_a_date_is_midnight_utc() -> None:
    record = record_decision(triage(ICM), "ICM", decided_at=dt.date(2026, 12, 1))
    assert record.decided_at == dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)


def test_cli_decide(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("complexity: moderate\nservice_use: partial\n", encoding="utf-8")
    runner = CliRunner()
    grounds = runner.invoke(app, ["decide", str(path), "--method", "ICM"])
    assert grounds.exit_code == 0, grounds.output
    assert grounds.output.startswith("Afgørelse: Borgeren visiteres til ICM")
    missing = runner.invoke(app, ["decide", str(path), "--method", "CTI", "--note", SECRET])
    assert missing.exit_code == 2 and "reason: required" in missing.output
    assert SECRET not in missing.output
    as_json = runner.invoke(
        app,
        ["decide", str(path), "--method", "CTI", "--reason", "citizen-wish", "--json"],
    )
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    assert data["decided_method"] == "CTI" and data["recommended_method"] == "ICM"
    english = runner.invoke(app, ["decide", str(path), "--method", "ICM", "--lang", "en"])
    assert english.output.startswith("Decision: the citizen is referred to ICM")


def test_cli_assess_shows_counterfactuals_and_questions(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("complexity: mild\nservice_use: significant\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["assess", str(path), "--lang", "en"])
    assert result.exit_code == 0
    out = " ".join(result.output.replace("│", " ").split())
    assert "What would give another method" in out
    assert "Ask next" in out and "expected support need" in out
    assert "Why not" not in out


def test_a_broken_reasons_file_names_file_and_line_in_danish_or_english(rules_copy: Path) -> None:
    # policy staff edit rules/decision_reasons.yaml: its problems are worded like the rule files'
    path = rules_copy / "decision_reasons.yaml"
    text = path.read_text(encoding="utf-8")
    first = text.index("  - code: citizen-declines")
    broken = (
        text[:first]
        + "  - code: citizen-wish\n    da: x\n    en: x\n    source: '003'\n    flags: [nope]\n"
        + "    colour: red\n"
        + text[first:]
    )
    path.write_text(broken, encoding="utf-8")
    rules = load_rules(rules_copy)
    with pytest.raises(RuleError) as danish:
        decision_reasons(rules)
    assert "problem(er) i begrundelseskoderne" in str(danish.value)
    (unknown,) = danish.value.problems
    assert unknown.startswith(f"{path}:")
    assert "ukendt nøgle 'colour'" in unknown
    assert "red" not in unknown  # an unknown key's value is never echoed
    path.write_text(broken.replace("    colour: red\n", ""), encoding="utf-8")
    with pytest.raises(RuleError) as twice:
        decision_reasons(rules)
    assert [p.split(": ", 1)[1] for p in twice.value.problems] == [
        "begrundelseskoden 'citizen-wish' bruges to gange",
        "flaget 'nope' kendes ikke; mulige: " + twice.value.problems[1].split("mulige: ")[1],
    ]
    with pytest.raises(RuleError) as english:
        decision_reasons(rules, lang="en")
    assert "problem(s) in the decision reasons" in str(english.value)
    assert "reason code 'citizen-wish' is used twice" in english.value.problems[0]
    assert "flag 'nope' is not known; allowed: " in english.value.problems[1]
