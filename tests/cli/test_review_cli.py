"""``hf-triage review``: one course record, or a CSV of courses."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from hf_triage.cli import app


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


def test_cli_review_csv_warns_from_the_threshold_of_its_rules(rules_copy: Path) -> None:
    # Regression (issue 9): the "many CTI courses" share was a constant in code, not the
    # summary.many_cti_revisit.percent of the --rules followup.yaml
    courses = Path(__file__).resolve().parents[2] / "examples" / "courses.csv"
    args = ["review", str(courses), "--today", "2026-11-24", "--lang", "en"]
    shipped = CliRunner().invoke(app, [*args, "--json"])
    assert shipped.exit_code == 0, shipped.output
    assert json.loads(shipped.output)["summary"]["many_cti_revisit_percent"] == 20
    followup = rules_copy / "followup.yaml"
    text = followup.read_text(encoding="utf-8")
    followup.write_text(text.replace("percent: 20", "percent: 100"), encoding="utf-8")
    edited = CliRunner().invoke(app, [*args, "--rules", str(rules_copy)])
    assert edited.exit_code == 0, edited.output
    assert "CTI courses showing re-visitation signals" in edited.output
    assert "⚠" not in edited.output
    assert "⚠" in CliRunner().invoke(app, args).output  # the shipped 20 %
