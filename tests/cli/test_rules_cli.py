"""`hf-triage rules test`: the policy cases through the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from hf_triage._load import default_rules_dir
from hf_triage.cli import app


def test_rules_test_passes_on_the_shipped_rules() -> None:
    result = CliRunner().invoke(app, ["rules", "test"])
    assert result.exit_code == 0, result.output
    data = json.loads(CliRunner().invoke(app, ["rules", "test", "--json"]).output)
    assert data["ok"] is True


def test_rules_test_fails_when_a_rule_is_broken(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    icm = rules / "icm.yaml"
    # ICM for partial service use becomes CTI's business: cases expecting ICM must fail
    icm.write_text(
        icm.read_text(encoding="utf-8").replace(
            "when: {field: service_use, is: partial}",
            "when: {all: [{field: service_use, is: partial}, {field: complexity, is: severe}]}",
        ),
        encoding="utf-8",
    )
    cti = rules / "cti.yaml"
    cti.write_text(
        cti.read_text(encoding="utf-8").replace(
            "- {field: service_use, is: significant}",
            "- {field: service_use, one_of: [significant, partial]}",
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["rules", "test", str(rules), "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert "FAIL" in result.output.upper()


def test_rules_test_exit_2_when_cases_do_not_load(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    (rules / "tests" / "broken.yaml").write_text("cases:\n  - name: x\n    bogus: 1\n")
    result = CliRunner().invoke(app, ["rules", "test", str(rules)])
    assert result.exit_code == 2
