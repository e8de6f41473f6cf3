"""``--municipality``: assess, batch and rules diff read and word a profile the same way."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hf_triage.cli import app

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE_COHORT = ROOT / "examples" / "cohort.csv"
RULES = ROOT / "rules"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    assessment = tmp_path / "citizen.yaml"
    assessment.write_text("complexity: severe\nservice_use: minimal\n", encoding="utf-8")
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("complexity,service_use\nsevere,minimal\n", encoding="utf-8")
    return {"assessment": assessment, "cohort": cohort, "out": tmp_path / "out.csv"}


def _stderr(args: list[str], stdin: str | None = None) -> str:
    result = CliRunner().invoke(app, args, input=stdin)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    return result.stderr


@pytest.mark.parametrize(
    "profile",
    [
        "offers: [CTI, FACT]\n",
        "offers: [ICM]\nstaff: {ACT: 2}\n",
        "offers: [ICM]\ncolour: red\n",
        "offers: [ICM]\nname: no\n",
    ],
)
def test_assess_batch_and_diff_word_a_bad_profile_the_same(
    tmp_path: Path, files: dict[str, Path], profile: str
) -> None:
    # regression: assess validated the profile inside triage() (no file, no line) while batch
    # went through load_municipality (file and line): the same profile, two wordings
    path = tmp_path / "municipality.yaml"
    path.write_text(profile, encoding="utf-8")
    m = ["--municipality", str(path)]
    assess = _stderr(["assess", str(files["assessment"]), *m])
    batch = _stderr(["batch", str(files["cohort"]), "-o", str(files["out"]), *m])
    diff = _stderr(["rules", "diff", str(RULES), str(RULES), "--cohort", str(files["cohort"]), *m])
    decide = _stderr(["decide", str(files["assessment"]), "--method", "ACT", *m])
    assert assess == batch == diff == decide  # assess and decide: one shared preamble
    assert assess.startswith(f"hf-triage: {path}:")
    assert not files["out"].exists()


def test_the_profile_can_come_from_standard_input(files: dict[str, Path]) -> None:
    result = CliRunner().invoke(
        app,
        ["assess", str(files["assessment"]), "--json", "--municipality", "-"],
        input="offers: [CTI, ICM]\n",
    )
    assert result.exit_code == 0, result.stderr
    assert '"method-not-offered"' in result.stdout
    bad = _stderr(["assess", str(files["assessment"]), "--municipality", "-"], "offers: [X]\n")
    assert bad.startswith("hf-triage: <stdin>:1: offers.0: 'X' is not allowed")


@pytest.mark.parametrize(
    ("assessment", "rules"),
    [("complexity: huge\n", None), ("complexity: mild\n", "missing-rules")],
)
def test_assess_and_decide_word_a_bad_assessment_or_rule_set_the_same(
    tmp_path: Path, assessment: str, rules: str | None
) -> None:
    path = tmp_path / "citizen.yaml"
    path.write_text(assessment, encoding="utf-8")
    r = [] if rules is None else ["--rules", str(tmp_path / rules)]
    assess = _stderr(["assess", str(path), *r])
    decide = _stderr(["decide", str(path), "--method", "ICM", "--reason", "citizen-wish", *r])
    assert assess == decide
    assert ("huge" if rules is None else rules) in assess
