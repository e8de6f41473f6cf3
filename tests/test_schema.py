"""rules/schema.json: generated from the models, committed, checked by an independent validator."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from hf_triage._load import _NOT_RULES, default_rules_dir
from hf_triage._schema import rule_file_schema
from hf_triage._yaml import parse_yaml
from hf_triage.cli import app

RULES = default_rules_dir()
RULE_FILES = sorted(p for p in RULES.glob("*.yaml") if not p.name.startswith(_NOT_RULES))


def schema() -> dict:
    return json.loads((RULES / "schema.json").read_text(encoding="utf-8"))


def test_committed_schema_is_up_to_date() -> None:
    assert schema() == json.loads(json.dumps(rule_file_schema())), (
        "rules/schema.json is stale: run 'hf-triage rules schema -o rules/schema.json'"
    )


def test_cli_writes_the_schema(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    result = CliRunner().invoke(app, ["rules", "schema", "-o", str(out)])
    assert result.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == schema()


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_every_rule_file_validates_and_names_the_schema(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=schema.json")
    jsonschema.Draft202012Validator(schema()).validate(parse_yaml(text).data)


@pytest.mark.parametrize(
    ("mutate", "why"),
    [
        (lambda d: d["criteria"][0]["when"]["all"][0].update(field="servce_use"), "unknown field"),
        (lambda d: d["criteria"][0].update(reasn={"da": "x", "en": "y"}), "unknown key"),
        (lambda d: d["criteria"][0].pop("source"), "missing source"),
        (lambda d: d.update(method="XYZ"), "unknown method"),
        (lambda d: d["criteria"][0]["when"]["all"][0].update({"is": ["x"]}), "list as value"),
    ],
)
def test_schema_rejects_wrong_values(mutate, why: str) -> None:
    data = parse_yaml((RULES / "cti.yaml").read_text(encoding="utf-8")).data
    mutate(data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema()).validate(data)
