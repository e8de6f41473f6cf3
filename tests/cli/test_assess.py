"""The ``hf-triage assess`` command: a thin shell around ``triage``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from hf_triage import default_rules, triage
from hf_triage.cli import app

ACT_YAML = "complexity: severe\nservice_use: minimal\nurgency: acute\n"
ACT_ANSWERS = {"complexity": "severe", "service_use": "minimal", "urgency": "acute"}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def act_file(tmp_path: Path) -> Path:
    path = tmp_path / "citizen.yaml"
    path.write_text(ACT_YAML, encoding="utf-8")
    return path


def assert_one_line_error(result: Result, *words: str) -> str:
    """Exit 2, nothing on stdout, exactly one line on stderr, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    stderr = result.stderr
    assert result.stdout == ""
    assert stderr.endswith("\n")
    assert stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    for word in words:
        assert word in stderr, (word, stderr)
    return stderr


# --- success -------------------------------------------------------------------------------


def test_assess_file_prints_the_method(runner: CliRunner, act_file: Path) -> None:
    result = runner.invoke(app, ["assess", str(act_file)])
    assert result.exit_code == 0, result.stderr
    assert "ACT" in result.stdout
    assert "start-support-now" in result.stdout
    assert "Anbefalet" in result.stdout  # Danish by default
    assert result.stderr == ""


def test_assess_json_matches_the_library(runner: CliRunner, act_file: Path) -> None:
    result = runner.invoke(app, ["assess", str(act_file), "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["method"] == "ACT"
    assert data == triage(ACT_ANSWERS).model_dump(mode="json")


def test_assess_json_file_input(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "citizen.json"
    path.write_text(
        json.dumps({"complexity": "mild", "service_use": "significant", "consent": False}),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["assess", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["method"] == "CTI"
    assert [w["code"] for w in data["warnings"]] == [
        "cti-duration-unassessed",
        "consent-missing",
        "cti-transition-unclear",  # rule set 1.2: no critical transition named (info)
    ]
    assert [w["level"] for w in data["warnings"]] == ["warning", "warning", "info"]


def test_assess_stdin(runner: CliRunner) -> None:
    result = runner.invoke(app, ["assess", "-", "--json"], input=ACT_YAML)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["method"] == "ACT"


def test_assess_stdin_json(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["assess", "-", "--json"], input='{"service_use": "partial", "dimensions": {}}'
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["method"] == "ICM"


def test_assess_undecided_exits_zero(runner: CliRunner) -> None:
    result = runner.invoke(app, ["assess", "-", "--json"], input="complexity: severe\n")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["method"] is None
    assert data["possible_methods"] == ["ICM", "ACT"]
    assert data["missing"] == ["service_use"]


def test_assess_undecided_text_output(runner: CliRunner) -> None:
    result = runner.invoke(app, ["assess", "-", "--lang", "en"], input="complexity: severe\n")
    assert result.exit_code == 0, result.stderr
    assert "ability to use existing services" in result.stdout  # the field by name
    assert "ICM" in result.stdout and "ACT" in result.stdout


def test_lang_en(runner: CliRunner, act_file: Path) -> None:
    da = runner.invoke(app, ["assess", str(act_file), "--json"])
    en = runner.invoke(app, ["assess", str(act_file), "--json", "--lang", "en"])
    assert en.exit_code == 0, en.stderr
    da_data, en_data = json.loads(da.stdout), json.loads(en.stdout)
    assert en_data == triage(ACT_ANSWERS, lang="en").model_dump(mode="json")
    assert en_data["method"] == da_data["method"] == "ACT"
    assert en_data["warnings"][0]["text"] != da_data["warnings"][0]["text"]
    assert en_data["reasons"][0]["text"] != da_data["reasons"][0]["text"]


def test_lang_en_text_output(runner: CliRunner, act_file: Path) -> None:
    result = runner.invoke(app, ["assess", str(act_file), "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    assert "Recommended support method" in result.stdout
    assert "Anbefalet" not in result.stdout


def test_unknown_lang_is_a_usage_error(runner: CliRunner, act_file: Path) -> None:
    result = runner.invoke(app, ["assess", str(act_file), "--lang", "de"])
    assert result.exit_code == 2
    assert result.stdout == ""


def test_rules_option(runner: CliRunner, act_file: Path, rules_copy: Path) -> None:
    act = rules_copy / "act.yaml"
    text = act.read_text(encoding="utf-8")
    old = "has massive psychosocial difficulties"
    assert old in text
    act.write_text(text.replace(old, "has EDITED difficulties", 1), encoding="utf-8")
    result = runner.invoke(
        app, ["assess", str(act_file), "--json", "--lang", "en", "--rules", str(rules_copy)]
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["method"] == "ACT"
    assert "EDITED" in data["reasons"][0]["text"]
    assert data["ruleset_fingerprint"] != default_rules().fingerprint


def test_broken_rules_give_one_line(runner: CliRunner, act_file: Path, rules_copy: Path) -> None:
    icm = rules_copy / "icm.yaml"
    text = icm.read_text(encoding="utf-8")
    text = text.replace("{field: service_use, is: partial}", "{field: service_use, is: no}", 1)
    text = text.replace("{field: complexity, is: severe}", "{field: complexity, is: off}", 1)
    icm.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["assess", str(act_file), "--rules", str(rules_copy)])
    assert_one_line_error(result, "icm.yaml", "'no'", "'off'")


def test_missing_rules_directory(runner: CliRunner, act_file: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["assess", str(act_file), "--rules", str(tmp_path / "none")])
    assert_one_line_error(result, "none")


def test_municipality_option(runner: CliRunner, act_file: Path, tmp_path: Path) -> None:
    profile = tmp_path / "aarhus.yaml"
    profile.write_text("name: Aarhus\noffers: [CTI, ICM]\n", encoding="utf-8")
    result = runner.invoke(app, ["assess", str(act_file), "--json", "--municipality", str(profile)])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["method"] == "ACT"
    assert "method-not-offered" in [w["code"] for w in data["warnings"]]


def test_municipality_offering_the_method(
    runner: CliRunner, act_file: Path, tmp_path: Path
) -> None:
    profile = tmp_path / "full.yaml"
    profile.write_text("offers:\n  - CTI\n  - ICM\n  - ACT\n", encoding="utf-8")
    result = runner.invoke(app, ["assess", str(act_file), "--json", "--municipality", str(profile)])
    assert result.exit_code == 0, result.stderr
    assert "method-not-offered" not in [w["code"] for w in json.loads(result.stdout)["warnings"]]


def test_bad_municipality_file(runner: CliRunner, act_file: Path, tmp_path: Path) -> None:
    profile = tmp_path / "bad.yaml"
    profile.write_text("offers: [CTI, FACT]\n", encoding="utf-8")
    result = runner.invoke(app, ["assess", str(act_file), "--municipality", str(profile)])
    assert_one_line_error(result, "FACT")


def test_municipality_file_with_yaml_problem(
    runner: CliRunner, act_file: Path, tmp_path: Path
) -> None:
    profile = tmp_path / "bad.yaml"
    profile.write_text("name: Aarhus\noffers: [CTI]\nname: again\n", encoding="utf-8")
    result = runner.invoke(app, ["assess", str(act_file), "--municipality", str(profile)])
    assert_one_line_error(result, f"{profile}:3:", "duplicate")


# --- invalid input -------------------------------------------------------------------------


def test_invalid_value_exit_2_one_line(runner: CliRunner) -> None:
    result = runner.invoke(app, ["assess", "-"], input="complexity: huge\nservice_use: partial\n")
    assert_one_line_error(result, "complexity", "huge", "mild", "moderate", "severe")


def test_several_problems_on_one_line(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["assess", "-", "--json"], input="complexity: huge\nconsent: 1\nage: 3\n"
    )
    assert_one_line_error(result, "huge", "consent", "age")


def test_unknown_key(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("complexity: mild\ncomplexety: mild\n", encoding="utf-8")
    result = runner.invoke(app, ["assess", str(path)])
    assert_one_line_error(result, "complexety")


def test_ambiguous_yaml_names_the_line(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("complexity: mild\nservice_use: partial\nconsent: no\n", encoding="utf-8")
    result = runner.invoke(app, ["assess", str(path)])
    assert_one_line_error(result, f"{path}:3:", "'no'")


def test_invalid_yaml(runner: CliRunner) -> None:
    result = runner.invoke(app, ["assess", "-"], input="complexity: [mild\n")
    # English, as every other problem of an assessment: one message in one language
    assert_one_line_error(result, "<stdin>", "not valid YAML")


@pytest.mark.parametrize("text", ["- complexity: mild\n", "just text\n", "3\n"])
def test_assessment_must_be_a_mapping(runner: CliRunner, text: str) -> None:
    result = runner.invoke(app, ["assess", "-"], input=text)
    assert_one_line_error(result, "mapping")


def test_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["assess", str(tmp_path / "nobody.yaml")])
    assert_one_line_error(result, "nobody.yaml")


def test_undecodable_file(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("situation: \xe6ldre\n".encode("latin-1"))
    result = runner.invoke(app, ["assess", str(path)])
    assert_one_line_error(result, "latin1.yaml")


@pytest.mark.slow  # a fresh process; CI runs it
def test_deeply_nested_input_is_invalid_input(runner: CliRunner) -> None:
    result = runner.invoke(app, ["assess", "-"], input="a: " + "[" * 1000 + "]" * 1000 + "\n")
    assert_one_line_error(result)


def test_assess_without_file_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["assess"])
    assert result.exit_code == 2


# --- the installed script ------------------------------------------------------------------


def _script() -> str:
    candidates = [
        Path(sysconfig.get_path("scripts")) / "hf-triage",
        Path(sys.executable).parent / "hf-triage",
    ]
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    found = shutil.which("hf-triage")
    assert found, "the hf-triage script is not installed"
    return found


@pytest.mark.slow  # a fresh process; CI runs it
def test_installed_script_runs(act_file: Path) -> None:
    done = subprocess.run(
        [_script(), "assess", str(act_file), "--json", "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["method"] == "ACT"
    assert data == triage(ACT_ANSWERS, lang="en").model_dump(mode="json")


@pytest.mark.slow  # a fresh process; CI runs it
def test_installed_script_invalid_input_from_stdin() -> None:
    done = subprocess.run(
        [_script(), "assess", "-"],
        input="complexity: huge\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
    assert "huge" in done.stderr
