"""The OpenAPI documents: 3.1 from the live app, the committed 3.0 copy equal to what the app
gives, both valid by openapi-spec-validator, and a typed client generated from the 3.0 copy
that calls the running server."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from hf_triage import default_rules, triage
from hf_triage.service import to_openapi_30

validator = pytest.importorskip("openapi_spec_validator")

DOCS = Path(__file__).resolve().parents[2] / "docs"
REGENERATE = "python -m hf_triage.service._openapi docs/openapi-3.0.json docs/openapi-3.1.json"


def test_live_document_is_valid_openapi_31(client: httpx.Client) -> None:
    live = client.get("/openapi.json").json()
    assert live["openapi"].startswith("3.1")
    validator.validate(live)
    paths = set(live["paths"])
    assert {
        "/v1/triage",
        "/v1/triage/batch",
        "/v1/next-questions",
        "/v1/decisions",
        "/v1/reviews",
        "/v1/ruleset",
        "/v1/schemas/{name}",
        "/healthz",
        "/readyz",
        "/version",
    } <= paths
    for path, item in live["paths"].items():
        for operation in item.values():
            for status, response in operation["responses"].items():
                if status[0] in "45":
                    assert list(response["content"]) == ["application/problem+json"], path


def test_committed_copies_equal_the_live_app(client: httpx.Client) -> None:
    live = client.get("/openapi.json").json()
    committed_31 = json.loads((DOCS / "openapi-3.1.json").read_text(encoding="utf-8"))
    committed_30 = json.loads((DOCS / "openapi-3.0.json").read_text(encoding="utf-8"))
    assert committed_31 == live, f"docs/openapi-3.1.json is stale: run {REGENERATE}"
    assert committed_30 == to_openapi_30(live), f"docs/openapi-3.0.json is stale: {REGENERATE}"
    assert client.get("/openapi-3.0.json").json() == committed_30


def test_committed_30_copy_is_valid_openapi_30() -> None:
    document = json.loads((DOCS / "openapi-3.0.json").read_text(encoding="utf-8"))
    assert document["openapi"] == "3.0.3"
    validator.validate(document)
    text = json.dumps(document)
    # no 3.1-only constructs left for NSwag/openapi-generator to trip over
    assert '{"type": "null"}' not in text
    assert '"const"' not in text
    assert '"propertyNames"' not in text


@pytest.mark.slow  # generates a client in a fresh process; CI runs it
def test_a_generated_client_calls_the_server(server: str, tmp_path: Path) -> None:
    generator = shutil.which("openapi-python-client") or str(
        Path(sys.executable).parent / "openapi-python-client"
    )
    if not Path(generator).exists():
        pytest.skip("openapi-python-client is not installed (dev extra)")
    config = tmp_path / "config.yaml"
    config.write_text("post_hooks: []\npackage_name_override: hf_triage_client\n")
    out = tmp_path / "hf_triage_client"
    subprocess.run(
        [
            generator,
            "generate",
            "--path",
            str(DOCS / "openapi-3.0.json"),
            "--output-path",
            str(out),
            "--meta",
            "none",
            "--config",
            str(config),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    sys.path.insert(0, str(tmp_path))
    try:
        package = importlib.import_module("hf_triage_client")
        api_triage = importlib.import_module("hf_triage_client.api.triage.triage")
        api_version = importlib.import_module("hf_triage_client.api.operations.get_version")
        models = importlib.import_module("hf_triage_client.models")

        client = package.Client(base_url=server)
        request = models.TriageRequest.from_dict(
            {"assessment": {"complexity": "severe", "service_use": "minimal"}, "lang": "en"}
        )
        recommendation = api_triage.sync(client=client, body=request)
        assert isinstance(recommendation, models.Recommendation)
        expected = triage({"complexity": "severe", "service_use": "minimal"}, lang="en")
        assert recommendation.method == expected.method == "ACT"
        assert recommendation.to_dict() == expected.model_dump(mode="json")

        undecided = api_triage.sync(
            client=client,
            body=models.TriageRequest.from_dict({"assessment": {"urgency": "soon"}}),
        )
        assert isinstance(undecided, models.Recommendation) and undecided.method is None

        # valid by the schema, refused by the library's rule: a typed Problem comes back
        refused = {"assessment": {}, "municipality": {"offers": ["CTI"], "staff": {"ACT": 2.0}}}
        problem = api_triage.sync(client=client, body=models.TriageRequest.from_dict(refused))
        assert isinstance(problem, models.Problem)
        assert problem.status == 422 and problem.errors[0].pointer == "/municipality"

        version = api_version.sync(client=client)
        assert version.ruleset_fingerprint == default_rules().fingerprint
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.startswith("hf_triage_client")]:
            del sys.modules[name]
