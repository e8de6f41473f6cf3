"""Rule-file load errors for policy officers (issue 14 item 7): items named by their id, "did
you mean" for fields, values and keys, Danish by default with English on request, and derived
fields refused in criteria when the rules are loaded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hf_triage import RuleError, load_rules
from hf_triage.cli import app


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in ``path`` by ``new``; return the 1-based line where it starts."""
    text = path.read_text(encoding="utf-8")
    index = text.index(old)
    path.write_text(text[:index] + new + text[index + len(old) :], encoding="utf-8")
    return text.count("\n", 0, index) + 1


def problems(rules_dir: Path, lang: str | None = None) -> tuple[str, ...]:
    with pytest.raises(RuleError) as info:
        if lang is None:
            load_rules(rules_dir)
        else:
            load_rules(rules_dir, lang=lang)
    assert info.value.problems, str(info.value)
    return info.value.problems


def at(found: tuple[str, ...], path: Path, line: int) -> str:
    """Every problem at ``path:line``, joined."""
    here = [p for p in found if p.startswith(f"{path}:{line}: ")]
    assert here, (path, line, found)
    return "\n".join(here)


def only(found: tuple[str, ...], path: Path, line: int) -> str:
    at = [p for p in found if p.startswith(f"{path}:{line}: ")]
    assert len(at) == 1, (path, line, found)
    return at[0]


# --- Danish by default, English on request -------------------------------------------------


def test_load_errors_are_danish_by_default_and_english_on_request(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    old = "  - id: icm-long-term-need\n"
    line = edit(path, old, old + "    weight: 3\n") + 1
    danish = only(problems(rules_copy), path, line)
    assert "ukendt nøgle 'weight'" in danish
    assert only(problems(rules_copy, "da"), path, line) == danish
    english = only(problems(rules_copy, "en"), path, line)
    assert "unknown key 'weight'" in english


def test_the_summary_line_is_in_the_chosen_language(rules_copy: Path) -> None:
    (rules_copy / "act.yaml").unlink()
    with pytest.raises(RuleError) as info:
        load_rules(rules_copy)
    assert "problem(er) i reglerne" in str(info.value)
    assert "ingen regelfil for metoden ACT" in str(info.value)
    with pytest.raises(RuleError) as info:
        load_rules(rules_copy, lang="en")
    assert "no rule file for method ACT" in str(info.value)


@pytest.mark.parametrize(
    ("old", "new", "danish", "english"),
    [
        ("method: ICM", "method: ICN", "ikke tilladt", "not allowed"),
        (
            "{field: complexity, is: severe}",
            "{field: complexity, is: svær}",
            "ikke en værdi",
            "not a value",
        ),
        (
            "{field: service_use, is: partial}",
            "{field: service_usage, is: partial}",
            "ukendt felt",
            "unknown field",
        ),
        (
            "{field: service_use, is: partial}",
            "{field: situation, at_least: street}",
            "rækkefølge",
            "order",
        ),
        (
            "{field: service_use, is: partial}",
            "{field: service_use}",
            "skriv præcis én af",
            "write exactly one of",
        ),
        (
            "{field: service_use, is: partial}",
            "{feld: service_use, is: partial}",
            "en betingelse skal have",
            "a condition needs",
        ),
        (
            "id: icm-long-term-need",
            "id: ICM Long Term",
            "har ikke den rette form",
            "has the wrong form",
        ),
    ],
)
def test_each_kind_of_problem_has_a_danish_text(
    rules_copy: Path, old: str, new: str, danish: str, english: str
) -> None:
    path = rules_copy / "icm.yaml"
    line = edit(path, old, new)
    assert danish in only(problems(rules_copy), path, line)
    assert english in only(problems(rules_copy, "en"), path, line)


def test_an_unknown_language_is_refused(rules_copy: Path) -> None:
    with pytest.raises(ValueError, match="da, en"):
        load_rules(rules_copy, lang="de")


# --- items named by their id -------------------------------------------------------------


def test_a_criterion_is_named_by_its_id_not_by_an_index_path(rules_copy: Path) -> None:
    path = rules_copy / "act.yaml"
    old = "{field: dimensions.mental_health, at_least: 3}"
    line = edit(path, old, "{field: dimensions.mental_health, at_least: 9}")
    danish = only(problems(rules_copy), path, line)
    english = only(problems(rules_copy, "en"), path, line)
    assert "kriterium act-severe-mental-illness-and-substance-use" in danish
    assert "criterion act-severe-mental-illness-and-substance-use" in english
    for text in (danish, english):
        assert "criteria." not in text and ".when." not in text, text


def test_an_unknown_key_names_the_criterion(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    old = "  - id: icm-long-term-need\n"
    line = edit(path, old, old + "    weight: 3\n") + 1
    english = only(problems(rules_copy, "en"), path, line)
    assert "in criterion icm-long-term-need" in english
    assert "criteria." not in english


def test_a_warning_is_named_by_its_code(rules_copy: Path) -> None:
    path = rules_copy / "warnings.yaml"
    line = edit(
        path, "    when: {field: consent, is: false}\n", "    when: {field: consent, is: maybe}\n"
    )
    assert "advarsel consent-missing" in only(problems(rules_copy), path, line)
    english = only(problems(rules_copy, "en"), path, line)
    assert "warning consent-missing" in english
    assert not re.search(r"warnings\.\d", english), english


def test_a_signal_is_named_by_its_code_with_a_hint_for_the_parameter(rules_copy: Path) -> None:
    path = rules_copy / "followup.yaml"
    edit(
        path,
        "{field: days_admitted, at_least: {parameter: pause_stay_after_days}}",
        "{field: days_admitted, at_least: {parameter: pause_stay_after_day}}",
    )
    danish = " ".join(problems(rules_copy))
    assert "signal icm-continue-during-admission" in danish
    assert "mente du 'pause_stay_after_days'" in danish
    english = " ".join(problems(rules_copy, "en"))
    assert "did you mean 'pause_stay_after_days'" in english


def test_an_item_without_a_usable_id_is_named_by_its_number(rules_copy: Path) -> None:
    path = rules_copy / "cti.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: ")
    end = text.index("\n", start)
    path.write_text(text[:start] + "  - iid: x" + text[end:], encoding="utf-8")
    found = " ".join(problems(rules_copy, "en"))
    assert "criterion no. 1" in found
    assert "did you mean 'id'" in found


# --- did you mean --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "old", "new", "meant"),
    [
        (
            "icm.yaml",
            "{field: service_use, is: partial}",
            "{field: service_usage, is: partial}",
            "service_use",
        ),
        (
            "icm.yaml",
            "{field: service_use, is: partial}",
            "{field: service_use, is: partiel}",
            "partial",
        ),
        (
            "icm.yaml",
            "{field: service_use, is: partial}",
            "{field: service_use, is: Partial}",
            "partial",
        ),
        (
            "icm.yaml",
            "{field: service_use, is: partial}",
            "{field: service_use, one_of: [partial, minimall]}",
            "minimal",
        ),
        (
            "icm.yaml",
            "    when: {field: service_use, is: partial}",
            "    wehn: {field: service_use, is: partial}",
            "when",
        ),
        (
            "icm.yaml",
            "{field: service_use, is: partial}",
            "{feld: service_use, is: partial}",
            "field",
        ),
        (
            "icm.yaml",
            "{field: service_use, is: partial}",
            "{field: service_use, iss: partial}",
            "is",
        ),
        ("icm.yaml", "method: ICM", "method: ICN", "ICM"),
        ("act.yaml", "title:\n", "titel:\n", "title"),
        ("warnings.yaml", "code: consent-missing", "kode: consent-missing", "code"),
    ],
)
def test_did_you_mean(rules_copy: Path, file: str, old: str, new: str, meant: str) -> None:
    path = rules_copy / file
    line = edit(path, old, new)
    assert f"mente du '{meant}'?" in at(problems(rules_copy), path, line)
    assert f"did you mean '{meant}'?" in at(problems(rules_copy, "en"), path, line)


def test_no_guess_when_nothing_is_near(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    old = "  - id: icm-long-term-need\n"
    line = edit(path, old, old + "    weight: 3\n") + 1
    assert "did you mean" not in only(problems(rules_copy, "en"), path, line)


# --- derived fields ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("method", "ICM"), ("least_possible_method", "CTI"), ("method_offered", "false")],
)
def test_a_criterion_may_not_read_a_derived_field(rules_copy: Path, field: str, value: str) -> None:
    path = rules_copy / "icm.yaml"
    line = edit(
        path,
        "when: {field: service_use, is: partial}",
        "when:\n      any:\n        - {field: service_use, is: partial}\n"
        f"        - not: {{field: {field}, is: {value}}}",
    )
    danish = only(problems(rules_copy), path, line + 3)
    assert f"kriterium icm-partial-service-use læser '{field}'" in danish
    assert "kun advarsler" in danish
    english = only(problems(rules_copy, "en"), path, line + 3)
    assert f"criterion icm-partial-service-use reads '{field}'" in english


def test_derived_fields_in_criteria_are_reported_with_other_problems(rules_copy: Path) -> None:
    icm = rules_copy / "icm.yaml"
    a = edit(icm, "{field: service_use, is: partial}", "{field: method_offered, is: true}")
    cti = rules_copy / "cti.yaml"
    b = edit(cti, "one_of: [mild, moderate]", "one_of: [mild, medium]")
    found = problems(rules_copy, "en")
    assert "method_offered" in only(found, icm, a)
    assert "medium" in only(found, cti, b)


def test_warnings_still_read_derived_fields(rules_copy: Path) -> None:
    # the shipped warnings read method, least_possible_method and method_offered
    text = (rules_copy / "warnings.yaml").read_text(encoding="utf-8")
    for field in ("method", "least_possible_method", "method_offered"):
        assert f"field: {field}," in text
    assert load_rules(rules_copy).warnings


# --- the command line ----------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "test"])
def test_rules_commands_print_load_errors_in_danish_or_english(
    rules_copy: Path, command: str
) -> None:
    edit(
        rules_copy / "icm.yaml",
        "{field: service_use, is: partial}",
        "{field: service_use, is: partiel}",
    )
    danish = CliRunner().invoke(app, ["rules", command, str(rules_copy)])
    assert danish.exit_code == 2
    assert "mente du 'partial'?" in danish.output
    assert "kriterium icm-partial-service-use" in danish.output
    english = CliRunner().invoke(app, ["rules", command, str(rules_copy), "--lang", "en"])
    assert english.exit_code == 2
    assert "did you mean 'partial'?" in english.output
    assert "criterion icm-partial-service-use" in english.output


def test_the_condition_tags_are_the_models_tags() -> None:
    # _ruleerrors drops the condition union's tags from error locations by their prefix
    from hf_triage import _ruleerrors, _rulemodels

    assert _ruleerrors._TAG_PREFIX == _rulemodels.TAG_PREFIX
