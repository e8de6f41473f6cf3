"""JSON Schemas: generated from the models, committed, checked by an independent validator.

Each committed schema accepts every shipped file of its kind and refuses the mistakes a policy
officer makes: a misspelt field or key, a misspelt value (``is: partiel``), a score off the
0–4 scale (``at_least: 7``), a method that does not exist.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped,unused-ignore]
import pytest
from typer.testing import CliRunner

from hf_triage import Course, Recommendation, triage
from hf_triage._load import _NOT_RULES, default_rules_dir
from hf_triage._schema import SCHEMA_FILES, SCHEMA_KINDS, rule_file_schema, schema_for
from hf_triage._yaml import parse_yaml
from hf_triage.cli import app

RULES = default_rules_dir()
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
RULE_FILES = sorted(p for p in RULES.glob("*.yaml") if not p.name.startswith(_NOT_RULES))
CASE_FILES = sorted((RULES / "tests").glob("*.yaml"))
PROFILES = [RULES / "municipality.example.yaml", *sorted((EXAMPLES / "municipalities").glob("*"))]
COURSES = sorted((EXAMPLES / "courses").glob("*.yaml"))


def committed(kind: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RULES / SCHEMA_FILES[kind]).read_text(encoding="utf-8"))
    return data


@functools.cache
def validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = committed(kind) if kind in SCHEMA_FILES else schema_for(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def load(path: Path) -> Any:
    return parse_yaml(path.read_text(encoding="utf-8")).data


def test_rule_file_schema_is_the_rules_kind() -> None:
    assert rule_file_schema() == schema_for("rules")


@pytest.mark.parametrize("kind", sorted(SCHEMA_FILES))
def test_committed_schema_is_up_to_date(kind: str) -> None:
    assert committed(kind) == json.loads(json.dumps(schema_for(kind))), (
        f"rules/{SCHEMA_FILES[kind]} is stale: run "
        f"'hf-triage rules schema {kind} -o rules/{SCHEMA_FILES[kind]}'"
    )


def test_cli_writes_the_schema(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    result = CliRunner().invoke(app, ["rules", "schema", "-o", str(out)])
    assert result.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == committed("rules")


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_cli_prints_every_kind(kind: str) -> None:
    result = CliRunner().invoke(app, ["rules", "schema", kind])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["title"].startswith("hf_triage")
    assert kind in schema["description"]


def test_cli_refuses_an_unknown_kind() -> None:
    result = CliRunner().invoke(app, ["rules", "schema", "asessment"])
    assert result.exit_code == 2
    assert "unknown schema kind 'asessment'" in result.stderr
    assert "assessment" in result.stderr.split("known:")[1]


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_every_rule_file_validates_and_names_the_schema(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=schema.json")
    validator("rules").validate(parse_yaml(text).data)


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.name)
def test_every_case_file_validates_and_names_the_schema(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=cases.schema.json")
    validator("cases").validate(parse_yaml(text).data)


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.name)
def test_every_municipality_profile_validates_and_names_the_schema(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    assert "municipality.schema.json" in text.splitlines()[0]
    validator("municipality").validate(parse_yaml(text).data)


@pytest.mark.parametrize("path", COURSES, ids=lambda p: p.name)
def test_every_example_course_validates(path: Path) -> None:
    validator("course").validate(load(path))


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_assessment_validates(path: Path) -> None:
    validator("assessment").validate(load(path))


def test_recommendation_json_validates() -> None:
    rec = triage(load(EXAMPLES / "street_severe.yaml"), municipality={"offers": ["CTI"]})
    validator("recommendation").validate(rec.model_dump(mode="json"))
    undecided = triage({"service_use": "minimal"})
    validator("recommendation").validate(undecided.model_dump(mode="json"))
    assert Recommendation.model_validate(rec.model_dump(mode="json")) == rec


def test_review_json_validates() -> None:
    import datetime as dt

    from hf_triage import review_course

    review = review_course(load(COURSES[0]), today=dt.date(2026, 11, 24))
    validator("review").validate(review.model_dump(mode="json"))
    assert Course.model_validate(load(COURSES[0]))


def _first_test(data: dict[str, Any]) -> dict[str, Any]:
    """The first {field: ..} condition of the first criterion."""
    cond = data["criteria"][0]["when"]
    while "field" not in cond:
        cond = next(iter(v for k, v in cond.items() if k in ("all", "any", "not")))
        cond = cond[0] if isinstance(cond, list) else cond
    return cond  # type: ignore[no-any-return]


def _set(**kw: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(d: dict[str, Any]) -> None:
        test = _first_test(d)
        for op in ("is", "one_of", "at_least", "at_most"):
            test.pop(op, None)
        test.update(kw)

    return mutate


@pytest.mark.parametrize(
    ("mutate", "why"),
    [
        (lambda d: _first_test(d).update(field="servce_use"), "unknown field"),
        (lambda d: d["criteria"][0].update(reasn={"da": "x", "en": "y"}), "unknown key"),
        (lambda d: d["criteria"][0].pop("source"), "missing source"),
        (lambda d: d.update(method="XYZ"), "unknown method"),
        (_set(field="service_use", **{"is": ["x"]}), "list as value"),
        (_set(field="service_use", **{"is": "partiel"}), "misspelt value"),
        (_set(field="complexity", one_of=["mild", "sever"]), "misspelt value in one_of"),
        (_set(field="dimensions.mental_health", at_least=7), "score off the scale"),
        (_set(field="dimensions.mental_health", at_most=-1), "negative score"),
        (_set(field="dimensions.mental_health", at_least="3"), "score as text"),
        (_set(field="situation", at_least="street"), "at_least on an unordered field"),
        (_set(field="consent", **{"is": "yes"}), "text for a boolean"),
        (_set(field="service_use", **{"is": "partial"}, one_of=["minimal"]), "two operators"),
        (_set(field="service_use"), "no operator"),
    ],
)
def test_rule_schema_rejects_wrong_values(mutate: Callable[[Any], None], why: str) -> None:
    data = load(RULES / "icm.yaml")
    mutate(data)
    with pytest.raises(jsonschema.ValidationError):
        validator("rules").validate(data)


@pytest.mark.parametrize(
    "good",
    [
        {"field": "service_use", "is": "partial"},
        {"field": "dimensions.mental_health", "at_least": 4},
        {"field": "complexity", "one_of": ["mild", "moderate"]},
        {"field": "method_offered", "is": False},
    ],
)
def test_rule_schema_accepts_right_values(good: dict[str, Any]) -> None:
    data = load(RULES / "icm.yaml")
    data["criteria"][0]["when"] = good
    validator("rules").validate(data)


def test_rule_schema_checks_course_facts_in_followup() -> None:
    data = load(RULES / "followup.yaml")
    validator("rules").validate(data)
    bad = copy.deepcopy(data)
    bad["signals"][0]["when"] = {"field": "days_without_contact", "is": 3}
    with pytest.raises(jsonschema.ValidationError):
        validator("rules").validate(bad)
    bad["signals"][0]["when"] = {"field": "days_without_contact", "at_least": -3}
    with pytest.raises(jsonschema.ValidationError):
        validator("rules").validate(bad)


@pytest.mark.parametrize(
    ("mutate", "why"),
    [
        (lambda d: d.update(offers=["CTI", "IMC"]), "misspelt method"),
        (lambda d: d.update(ofers=["CTI"]), "misspelt key"),
        (lambda d: d["caseload"]["ICM"].update(citizens_per_worker=0), "zero caseload"),
        (lambda d: d["caseload"]["ICM"].pop("source"), "caseload without source"),
    ],
)
def test_municipality_schema_refuses(mutate: Callable[[Any], None], why: str) -> None:
    data = load(RULES / "municipality.example.yaml")
    mutate(data)
    with pytest.raises(jsonschema.ValidationError):
        validator("municipality").validate(data)


@pytest.mark.parametrize(
    ("mutate", "why"),
    [
        (lambda d: d["cases"][0]["assessment"].update(complexity="sever"), "bad answer"),
        (lambda d: d["cases"][0]["assessment"].update(dimensions={"network": 7}), "bad score"),
        (lambda d: d["cases"][0]["expect"].update(method="ICN"), "bad method"),
        (lambda d: d["cases"][0].update(expected={}), "misspelt key"),
        (lambda d: d["cases"][0].pop("source"), "no source"),
    ],
)
def test_case_schema_refuses(mutate: Callable[[Any], None], why: str) -> None:
    data = load(RULES / "tests" / "icm.yaml")
    mutate(data)
    with pytest.raises(jsonschema.ValidationError):
        validator("cases").validate(data)


@pytest.mark.parametrize(
    ("mutate", "why"),
    [
        (lambda d: d.update(method="ICN"), "bad method"),
        (lambda d: d.update(admissions=[{"kind": "jail", "start": "2026-01-01"}]), "bad kind"),
        (lambda d: d.pop("start_date"), "no start"),
        (lambda d: d.update(startdate="2026-01-01"), "misspelt key"),
    ],
)
def test_course_schema_refuses(mutate: Callable[[Any], None], why: str) -> None:
    data = load(COURSES[0])
    mutate(data)
    with pytest.raises(jsonschema.ValidationError):
        validator("course").validate(data)


def test_assessment_schema_refuses() -> None:
    for bad in ({"complexity": "sever"}, {"dimensions": {"network": 5}}, {"complexty": "mild"}):
        with pytest.raises(jsonschema.ValidationError):
            validator("assessment").validate(bad)
