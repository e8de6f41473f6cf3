"""load_rules: rule files validated against the domain, every problem with ``path:LINE:``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hf_triage import CompiledRules, RuleError, TriageError, default_rules, load_rules
from hf_triage._load import default_rules_dir

SHIPPED = Path(__file__).resolve().parent.parent / "rules"


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in ``path`` by ``new``; return the 1-based line where it starts."""
    text = path.read_text(encoding="utf-8")
    index = text.index(old)
    path.write_text(text[:index] + new + text[index + len(old) :], encoding="utf-8")
    return text.count("\n", 0, index) + 1


def line_of(path: Path, fragment: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text.count("\n", 0, text.index(fragment)) + 1


def load_error(rules_dir: Path, lang: str = "en") -> RuleError:
    """The load error, in English unless asked (the tests below read the English texts)."""
    with pytest.raises(RuleError) as info:
        load_rules(rules_dir, lang=lang)
    return info.value


def assert_problem_at(error: RuleError, path: Path, line: int, *words: str) -> str:
    where = f"{path}:{line}: "
    assert where in str(error), (where, str(error))
    matching = [p for p in error.problems if p.startswith(where) and all(w in p for w in words)]
    assert matching, (where, words, error.problems)
    return matching[0]


# --- the shipped rules ---------------------------------------------------------------------


def test_shipped_rules_load() -> None:
    rules = load_rules(SHIPPED)
    assert isinstance(rules, CompiledRules)
    assert {c.method for c in rules.criteria} == {"CTI", "ICM", "ACT"}
    assert {
        "start-support-now",
        "housing-readiness-not-a-criterion",
        "cti-duration-unassessed",
        "below-assessed-need",
        "method-not-offered",
        "consent-missing",
        "inconsistent-answers",
    } <= {w.code for w in rules.warnings}
    assert rules.fingerprint == default_rules().fingerprint


def test_load_rules_accepts_a_string_path(rules_copy: Path) -> None:
    assert load_rules(str(rules_copy)).fingerprint == default_rules().fingerprint


def test_other_files_in_the_directory_are_ignored(rules_copy: Path) -> None:
    (rules_copy / "README.md").write_text("# notes\nno: yaml here: [\n", encoding="utf-8")
    (rules_copy / "schema.json").write_text("{}", encoding="utf-8")
    (rules_copy / "tests").mkdir()
    (rules_copy / "tests" / "cases.yaml").write_text("- name: x\n", encoding="utf-8")
    assert load_rules(rules_copy).fingerprint == default_rules().fingerprint


def test_rule_error_is_a_triage_error_and_a_value_error(rules_copy: Path) -> None:
    (rules_copy / "act.yaml").unlink()
    error = load_error(rules_copy)
    assert isinstance(error, TriageError)
    assert isinstance(error, ValueError)


def test_not_a_directory(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="not a rule directory"):
        load_rules(tmp_path / "nowhere", lang="en")
    with pytest.raises(RuleError, match="ikke en regelmappe"):
        load_rules(tmp_path / "nowhere")


# --- conditions ----------------------------------------------------------------------------


def test_unknown_field_name_in_a_condition(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    old = "{field: service_use, is: partial}"
    line = edit(path, old, "{field: service_usage, is: partial}")
    problem = assert_problem_at(load_error(rules_copy), path, line, "'service_usage'")
    assert "service_use" in problem, "the known fields are listed"


def test_unknown_field_name_in_a_nested_condition(rules_copy: Path) -> None:
    path = rules_copy / "act.yaml"
    old = "{field: dimensions.mental_health, at_least: 3}"
    line = edit(path, old, "{field: dimensions.mental, at_least: 3}")
    assert_problem_at(load_error(rules_copy), path, line, "'dimensions.mental'")


def test_unknown_value_of_a_known_field(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    line = edit(path, "{field: service_use, is: partial}", "{field: service_use, is: some}")
    problem = assert_problem_at(load_error(rules_copy), path, line, "some", "service_use")
    for allowed in ("significant", "partial", "minimal"):
        assert allowed in problem


def test_unknown_value_in_a_list(rules_copy: Path) -> None:
    path = rules_copy / "cti.yaml"
    old = "{field: complexity, one_of: [mild, moderate]}"
    line = edit(path, old, "{field: complexity, one_of: [mild, medium]}")
    assert_problem_at(load_error(rules_copy), path, line, "medium", "complexity")


@pytest.mark.parametrize("operand", ['"3"', "5", "true", "-1"])
def test_wrong_type_or_range_for_a_score(rules_copy: Path, operand: str) -> None:
    path = rules_copy / "act.yaml"
    old = "{field: dimensions.mental_health, at_least: 3}"
    line = edit(path, old, f"{{field: dimensions.mental_health, at_least: {operand}}}")
    assert_problem_at(load_error(rules_copy), path, line, "dimensions.mental_health")


def test_float_score_gives_one_problem_naming_field_and_values(rules_copy: Path) -> None:
    path = rules_copy / "act.yaml"
    old = "{field: dimensions.mental_health, at_least: 3}"
    line = edit(path, old, "{field: dimensions.mental_health, at_least: 3.0}")
    error = load_error(rules_copy)
    assert len(error.problems) == 1, error.problems
    assert_problem_at(error, path, line, "dimensions.mental_health", "0, 1, 2, 3, 4")


def test_bool_field_needs_a_bool(rules_copy: Path) -> None:
    path = rules_copy / "warnings.yaml"
    line = edit(path, "{field: consent, is: false}", '{field: consent, is: "false"}')
    assert_problem_at(load_error(rules_copy), path, line, "consent")


@pytest.mark.parametrize(
    ("replacement", "field"),
    [
        ("{field: situation, at_least: street}", "situation"),
        ("{field: consent, at_most: false}", "consent"),
        ("{field: support_duration, at_least: transitional}", "support_duration"),
    ],
)
def test_at_least_or_at_most_on_a_field_without_order(
    rules_copy: Path, replacement: str, field: str
) -> None:
    path = rules_copy / "icm.yaml"
    line = edit(path, "{field: service_use, is: partial}", replacement)
    assert_problem_at(load_error(rules_copy), path, line, field, "order")


def test_two_operators_in_one_test(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    old = "{field: service_use, is: partial}"
    line = edit(path, old, "{field: service_use, is: partial, one_of: [minimal]}")
    assert_problem_at(load_error(rules_copy), path, line, "is", "one_of")


def test_no_operator_in_a_test(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    line = edit(path, "{field: service_use, is: partial}", "{field: service_use}")
    assert_problem_at(load_error(rules_copy), path, line, "service_use")


def test_condition_without_a_known_kind(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    line = edit(path, "{field: service_use, is: partial}", "{feld: service_use, is: partial}")
    assert_problem_at(load_error(rules_copy), path, line, "field")


def test_unknown_key_in_a_condition(rules_copy: Path) -> None:
    path = rules_copy / "act.yaml"
    old = "{field: dimensions.mental_health, at_least: 3}"
    line = edit(path, old, "{field: dimensions.mental_health, at_least: 3, weight: 2}")
    assert_problem_at(load_error(rules_copy), path, line, "'weight'")


# --- criteria and files --------------------------------------------------------------------


def test_unknown_key_in_a_criterion(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    old = "  - id: icm-partial-service-use\n"
    line = edit(path, old, old + "    weight: 3\n") + 1
    assert_problem_at(load_error(rules_copy), path, line, "unknown key", "'weight'")


def test_misspelt_key_in_a_criterion(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    old = "    when: {field: service_use, is: partial}\n"
    line = edit(path, old, "    wehn: {field: service_use, is: partial}\n")
    error = load_error(rules_copy)
    assert_problem_at(error, path, line, "'wehn'")
    assert_problem_at(error, path, line_of(path, "  - id: icm-partial-service-use"), "'when'")


def test_missing_key_in_a_criterion(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    criterion = line_of(path, "  - id: icm-partial-service-use")
    text = path.read_text(encoding="utf-8")
    start = text.index("    source: ", text.index("  - id: icm-partial-service-use"))
    end = text.index("\n", start) + 1
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    assert_problem_at(load_error(rules_copy), path, criterion, "missing key", "'source'")


def test_missing_top_level_key(rules_copy: Path) -> None:
    path = rules_copy / "cti.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("title:\n")
    end = text.index("criteria:\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    line = line_of(path, "method: CTI")
    assert_problem_at(load_error(rules_copy), path, line, "missing key", "'title'")


def test_unknown_method(rules_copy: Path) -> None:
    path = rules_copy / "cti.yaml"
    line = edit(path, "method: CTI", "method: FACT")
    assert_problem_at(load_error(rules_copy), path, line, "method", "CTI", "ICM", "ACT")


def test_bad_criterion_id(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    line = edit(path, "id: icm-long-term-need", "id: ICM Long Term")
    assert_problem_at(load_error(rules_copy), path, line, "id")


def test_duplicate_criterion_id_in_one_file(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    first = line_of(path, "id: icm-partial-service-use")
    line = edit(path, "id: icm-long-term-need", "id: icm-partial-service-use")
    problem = assert_problem_at(load_error(rules_copy), path, line, "icm-partial-service-use")
    assert f"{path}:{first}" in problem, "the first use is named too"


def test_duplicate_criterion_id_across_files(rules_copy: Path) -> None:
    cti = rules_copy / "cti.yaml"
    act = rules_copy / "act.yaml"
    first = line_of(act, "id: act-minimal-service-use-massive-problems")
    line = edit(
        cti,
        "id: cti-significant-service-use-mild-moderate",
        "id: act-minimal-service-use-massive-problems",
    )
    error = load_error(rules_copy)
    assert len(error.problems) == 1, error.problems
    problem = error.problems[0]
    assert "act-minimal-service-use-massive-problems" in problem
    # one location is the problem's own, the other is named as the first use
    assert f"{cti}:{line}" in problem
    assert f"{act}:{first}" in problem


def test_duplicate_warning_code(rules_copy: Path) -> None:
    path = rules_copy / "warnings.yaml"
    line = edit(path, "code: consent-missing", "code: start-support-now")
    assert_problem_at(load_error(rules_copy), path, line, "start-support-now")


def test_two_files_for_one_method(rules_copy: Path) -> None:
    shutil.copy(rules_copy / "cti.yaml", rules_copy / "cti_copy.yaml")
    second = rules_copy / "cti_copy.yaml"
    error = load_error(rules_copy)
    problem = assert_problem_at(error, second, line_of(second, "method: CTI"), "CTI")
    assert "cti.yaml" in problem


@pytest.mark.parametrize("method", ["CTI", "ICM", "ACT"])
def test_missing_method_file(rules_copy: Path, method: str) -> None:
    (rules_copy / f"{method.lower()}.yaml").unlink()
    error = load_error(rules_copy)
    assert_problem_at(error, rules_copy, 1, method)


def test_missing_warnings_file(rules_copy: Path) -> None:
    (rules_copy / "warnings.yaml").unlink()
    error = load_error(rules_copy)
    assert_problem_at(error, rules_copy, 1, "warnings")


def test_two_warnings_files(rules_copy: Path) -> None:
    shutil.copy(rules_copy / "warnings.yaml", rules_copy / "warnings2.yaml")
    error = load_error(rules_copy)
    assert "warnings2.yaml" in str(error)


@pytest.mark.parametrize(
    "text", ["hello: world\n", "- method: CTI\n", "just text\n", "", "# only a comment\n"]
)
def test_non_rule_file(rules_copy: Path, text: str) -> None:
    path = rules_copy / "notes.yaml"
    path.write_text(text, encoding="utf-8")
    error = load_error(rules_copy)
    assert_problem_at(error, path, 1, "not a rule file")


def test_unreadable_file_is_a_rule_error(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    path.write_bytes(b"method: ICM\n\xff\xfe bad bytes\n")
    error = load_error(rules_copy)
    assert_problem_at(error, path, 1)


def test_deeply_nested_rule_file_is_a_rule_error(rules_copy: Path) -> None:
    path = rules_copy / "notes.yaml"
    path.write_text("warnings: " + "[" * 1000 + "]" * 1000 + "\n", encoding="utf-8")
    assert_problem_at(load_error(rules_copy), path, 1)


# --- all problems at once ------------------------------------------------------------------


def test_all_problems_in_a_file_are_reported_in_one_error(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    a = edit(path, "{field: service_use, is: partial}", "{field: service_usage, is: partial}")
    b = edit(path, "{field: complexity, is: severe}", "{field: complexity, is: massive}")
    old = "  - id: icm-long-term-need\n"
    c = edit(path, old, old + "    weight: 3\n") + 1
    error = load_error(rules_copy)
    assert isinstance(error.problems, tuple)
    assert len(error.problems) == 3, error.problems
    assert_problem_at(error, path, a, "service_usage")
    assert_problem_at(error, path, b, "massive")
    assert_problem_at(error, path, c, "weight")
    for problem in error.problems:
        assert problem in str(error)


def test_problems_in_several_files_are_reported_together(rules_copy: Path) -> None:
    cti = rules_copy / "cti.yaml"
    warnings = rules_copy / "warnings.yaml"
    a = edit(cti, "one_of: [mild, moderate]", "one_of: [mild, medium]")
    b = edit(warnings, "{field: consent, is: false}", "{field: consent, is: maybe}")
    error = load_error(rules_copy)
    assert len(error.problems) == 2
    assert_problem_at(error, cti, a, "medium")
    assert_problem_at(error, warnings, b, "maybe")


def test_unknown_key_with_a_block_value_is_reported_at_the_key(rules_copy: Path) -> None:
    path = rules_copy / "act.yaml"
    line = edit(path, "title:\n", "titel:\n")
    assert_problem_at(load_error(rules_copy), path, line, "unknown key", "'titel'")


def test_yaml_and_schema_problems_in_one_file_are_reported_together(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    a = edit(path, "{field: complexity, is: severe}", "{field: complexity, is: off}")
    b = edit(
        path, "{field: support_duration, is: long_term}", "{field: support_duration, is: lasting}"
    )
    error = load_error(rules_copy)
    assert_problem_at(error, path, a, "off")
    assert_problem_at(error, path, b, "lasting")


def test_every_load_problem_of_a_directory_in_one_pass(rules_copy: Path) -> None:
    (rules_copy / "act.yaml").unlink()
    (rules_copy / "extra.yml").write_text("method: CTI\n", encoding="utf-8")
    text = (rules_copy / "icm.yaml").read_text(encoding="utf-8")
    (rules_copy / "icm.yaml").write_text(text.replace("method: ICM", "method: ICM\nmethod: ICM"))
    with pytest.raises(RuleError) as info:
        load_rules(rules_copy, lang="en")
    message = str(info.value)
    assert "extra.yml:1:" in message and "rename it to extra.yaml" in message
    assert "icm.yaml:" in message and "duplicate key 'method'" in message
    assert "no rule file for method ACT" in message
    assert "no rule file for method ICM" not in message  # it exists, it just has a problem


def test_compiled_rules_are_hashable_by_identity() -> None:
    rules = load_rules(default_rules_dir())
    assert {rules: 1}[rules] == 1
    assert load_rules(default_rules_dir()).fingerprint == rules.fingerprint
