"""The endpoints over HTTP against a real server: answers equal the library's, errors are
problem+json with every problem at once, batches answer every row in order."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import httpx
import pytest

import hf_triage
from hf_triage import AssessmentError, default_rules, review_course, triage, triage_many

PROBLEM = "application/problem+json"
RULES = Path(__file__).resolve().parents[2] / "rules"
NDJSON = "application/x-ndjson"


def test_triage_answers_as_the_library(client: httpx.Client) -> None:
    assessment = {"complexity": "severe", "service_use": "minimal", "urgency": "acute"}
    response = client.post("/v1/triage", json={"assessment": assessment, "lang": "en"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == triage(assessment, lang="en").model_dump(mode="json")
    assert response.json()["method"] == "ACT"


def test_triage_with_a_municipality_portfolio(client: httpx.Client) -> None:
    body = {
        "assessment": {"complexity": "severe", "service_use": "minimal"},
        "municipality": {"offers": ["CTI", "ICM"]},
    }
    data = client.post("/v1/triage", json=body).json()
    assert "method-not-offered" in [w["code"] for w in data["warnings"]]
    assert data["method"] == "ACT"  # a missing method is a gap, never a reason to step down


def test_undecided_is_answered_and_never_cti(client: httpx.Client) -> None:
    data = client.post("/v1/triage", json={"assessment": {"complexity": "mild"}}).json()
    assert data["method"] is None
    assert data["missing"] == ["service_use"]


def test_every_problem_at_once_with_pointer_value_and_allowed(client: httpx.Client) -> None:
    body = {
        "assessment": {
            "complexity": "hard",
            "service_use": True,
            "dimensions": {"mental_health": 9, "mood": 2},
            "colour": "blue",
        },
        "lang": "fr",
        "municipality": {"offers": ["CTI", "XYZ"]},
        "extra": 1,
    }
    response = client.post("/v1/triage", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 422 and problem["title"] and problem["instance"] == "/v1/triage"
    by_pointer = {e["pointer"]: e for e in problem["errors"]}
    assert set(by_pointer) == {
        "/extra",
        "/lang",
        "/assessment/complexity",
        "/assessment/service_use",
        "/assessment/dimensions/mental_health",
        "/assessment/dimensions/mood",
        "/assessment/colour",
        "/municipality/offers/1",
    }
    complexity = by_pointer["/assessment/complexity"]
    assert complexity["value"] == "hard"
    assert complexity["allowed"] == ["mild", "moderate", "severe"]
    # the same words as AssessmentError
    with pytest.raises(AssessmentError) as info:
        triage({"complexity": "hard"})
    assert complexity["detail"] == info.value.problems[0]
    assert by_pointer["/assessment/service_use"]["value"] is True
    assert by_pointer["/assessment/dimensions/mental_health"]["allowed"] == [0, 1, 2, 3, 4]
    assert "mental_health" in by_pointer["/assessment/dimensions/mood"]["allowed"]
    assert "complexity" in by_pointer["/assessment/colour"]["allowed"]
    assert by_pointer["/lang"]["allowed"] == ["da", "en"]
    assert by_pointer["/municipality/offers/1"]["allowed"] == ["CTI", "ICM", "ACT"]


def test_a_long_value_is_cut_short_and_nothing_else_is_echoed(client: httpx.Client) -> None:
    secret = "Jens Jensen, CPR 010203-1234, lives at " + "x" * 200
    body = {"assessment": {"complexity": secret, "service_use": "partial", "urgency": "soon"}}
    response = client.post("/v1/triage", json=body)
    assert response.status_code == 422
    text = response.text
    assert secret not in text
    assert "x" * 50 not in text
    (error,) = response.json()["errors"]
    assert len(error["value"]) <= 40
    assert "partial" not in text and "soon" not in text  # the valid answers are not echoed


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (b"{not json", 400),
        (b"[1, 2]", 422),
        (b'{"assessment": {}, "lang": NaN}', 400),
        (b"\xff\xfe", 400),
        (b"", 400),
    ],
)
def test_malformed_bodies_are_problems_not_500(
    client: httpx.Client, content: bytes, status: int
) -> None:
    response = client.post(
        "/v1/triage", content=content, headers={"content-type": "application/json"}
    )
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    assert "Traceback" not in response.text


def test_missing_assessment_is_named(client: httpx.Client) -> None:
    problem = client.post("/v1/triage", json={"lang": "da"}).json()
    assert [e["pointer"] for e in problem["errors"]] == ["/assessment"]


def test_batch_json_answers_every_row_in_order(client: httpx.Client) -> None:
    rows = [
        {"complexity": "mild", "service_use": "significant", "citizen_id": "p-1"},
        {"complexity": "loud"},
        "not an object",
        {"complexity": "severe", "service_use": "minimal", "citizen_id": 17},
        {},
    ]
    response = client.post("/v1/triage/batch", json=rows, params={"lang": "en"})
    assert response.status_code == 200
    results = response.json()
    assert [r["index"] for r in results] == [0, 1, 2, 3, 4]
    assert results[0]["citizen_id"] == "p-1"
    assert results[0]["recommendation"] == triage(
        {"complexity": "mild", "service_use": "significant"}, lang="en"
    ).model_dump(mode="json")
    assert results[1]["recommendation"] is None
    assert results[1]["problem"]["errors"][0]["pointer"] == "/1/complexity"
    assert results[1]["problem"]["errors"][0]["allowed"] == ["mild", "moderate", "severe"]
    assert results[2]["problem"]["errors"][0]["pointer"] == "/2"
    assert results[3]["citizen_id"] == 17 and results[3]["recommendation"]["method"] == "ACT"
    assert results[4]["recommendation"]["method"] is None
    # the same methods as the library's own batch
    library = triage_many(
        [{"complexity": "mild", "service_use": "significant"}, {}], lang="en", id_field="-"
    )
    assert [results[0]["recommendation"]["method"], results[4]["recommendation"]["method"]] == [
        r.method for r in library
    ]


def test_batch_ndjson_streams_one_line_per_row(client: httpx.Client) -> None:
    lines = [
        json.dumps({"complexity": "moderate", "service_use": "partial"}),
        "",
        "{broken",
        json.dumps({"service_use": "minimal", "complexity": "severe"}),
    ]
    response = client.post(
        "/v1/triage/batch",
        content="\n".join(lines).encode(),
        headers={"content-type": NDJSON},
        params={"offers": "CTI,ICM"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(NDJSON)
    results = [json.loads(line) for line in response.text.splitlines()]
    assert [r["index"] for r in results] == [0, 1, 2]  # the blank line is not a row
    assert results[0]["recommendation"]["method"] == "ICM"
    assert "not valid JSON" in results[1]["problem"]["detail"]
    assert "method-not-offered" in [w["code"] for w in results[2]["recommendation"]["warnings"]]


def test_batch_of_more_rows_than_a_chunk(client: httpx.Client) -> None:
    rows = [{"complexity": "mild", "service_use": "partial"}] * 1300 + [{"bad": 1}]
    results = client.post("/v1/triage/batch", json=rows).json()
    assert len(results) == 1301
    assert [r["index"] for r in results] == list(range(1301))
    assert results[-1]["problem"] is not None


def test_batch_query_problems(client: httpx.Client) -> None:
    response = client.post("/v1/triage/batch", json=[], params={"lang": "xx", "offers": "CTI,X"})
    assert response.status_code == 422
    details = [e["detail"] for e in response.json()["errors"]]
    assert any("lang 'xx'" in d for d in details) and any("'X'" in d for d in details)


def test_batch_other_media_type_is_415(client: httpx.Client) -> None:
    response = client.post("/v1/triage/batch", content=b"a,b", headers={"content-type": "text/csv"})
    assert response.status_code == 415
    assert response.headers["content-type"] == PROBLEM


def test_reviews(client: httpx.Client) -> None:
    course = {"method": "CTI", "start_date": "2026-01-05", "last_contact": "2026-07-01"}
    response = client.post("/v1/reviews", json={"course": course, "today": "2026-08-01"})
    assert response.status_code == 200
    import datetime as dt

    expected = review_course(course, today=dt.date(2026, 8, 1)).model_dump(mode="json")
    assert response.json() == expected


def test_review_problems_point_into_the_course(client: httpx.Client) -> None:
    body = {
        "course": {"method": "XYZ", "start_date": "2026-01-05", "intensity": [{"month": 1}]},
        "today": "yesterday",
    }
    problem = client.post("/v1/reviews", json=body).json()
    pointers = {e["pointer"] for e in problem["errors"]}
    assert {"/today", "/course/method"} <= pointers
    assert any(p.startswith("/course/intensity/0") for p in pointers)
    method = next(e for e in problem["errors"] if e["pointer"] == "/course/method")
    assert method["allowed"] == ["CTI", "ICM", "ACT"] and method["value"] == "XYZ"


def test_ruleset_version_and_health(client: httpx.Client) -> None:
    ruleset = client.get("/v1/ruleset").json()
    assert ruleset["fingerprint"] == default_rules().fingerprint
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ready"
    version = client.get("/version").json()
    assert version["hf_triage"] == hf_triage.__version__ and version["api"] == "1"


def test_every_response_carries_the_rule_set(client: httpx.Client) -> None:
    fingerprint = default_rules().fingerprint
    for response in (
        client.get("/healthz"),
        client.get("/no/such/path"),
        client.post("/v1/triage", json={"assessment": {"x": 1}}),
        client.post("/v1/triage", json={"assessment": {}}),
    ):
        assert response.headers["x-ruleset-fingerprint"] == fingerprint
        assert response.headers["x-ruleset-version"]
        assert response.headers["cache-control"] == "no-store"


def test_schemas(client: httpx.Client) -> None:
    from hf_triage.service import SCHEMAS

    for name in SCHEMAS:
        response = client.get(f"/v1/schemas/{name}")
        assert response.status_code == 200, name
        assert response.json()["$schema"].startswith("https://json-schema.org/")
    unknown = client.get("/v1/schemas/citizen")
    assert unknown.status_code == 404
    assert "assessment" in unknown.json()["detail"]


def test_assessment_schema_accepts_what_the_library_accepts(client: httpx.Client) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = client.get("/v1/schemas/assessment").json()
    for good in ({"complexity": "mild", "support_duration": None}, {"dimensions": {"housing": 4}}):
        jsonschema.validate(good, schema)
        triage(good)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"complexity": "hard"}, schema)


def test_not_found_and_wrong_method_are_problems(client: httpx.Client) -> None:
    missing = client.get("/v2/triage")
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM
    wrong = client.get("/v1/triage")
    assert wrong.status_code == 405 and wrong.headers["content-type"] == PROBLEM
    assert "POST" in wrong.headers["allow"]


@pytest.mark.parametrize(
    ("path", "function"),
    [("/v1/next-questions", "next_questions"), ("/v1/decisions", "record_decision")],
)
def test_decision_support_endpoints(client: httpx.Client, path: str, function: str) -> None:
    body: dict[str, object] = {"assessment": {"complexity": "mild"}}
    if path == "/v1/decisions":
        body.update(decided_method="ICM", reason="other")
    response = client.post(path, json=body)
    if hasattr(hf_triage, function):
        assert response.status_code in (200, 422)
    else:
        assert response.status_code == 501
        assert response.headers["content-type"] == PROBLEM
        assert function in response.json()["detail"]
    # a bad body is a problem either way
    bad = client.post(path, json={"assessment": {"complexity": 5}, "decided_method": "X"})
    assert bad.status_code == 422
    # both problems at once (for next-questions, decided_method is an unknown field)
    assert {e["pointer"] for e in bad.json()["errors"]} == {
        "/assessment/complexity",
        "/decided_method",
    }


def test_readyz_is_503_while_the_rules_fail_their_check(tmp_path: Path) -> None:
    """Rules that load but break a guarantee: the service answers, /readyz says why not."""
    from hf_triage import load_rules
    from hf_triage.service import create_app

    from .conftest import start_server, stop_server

    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    cti = rules / "cti.yaml"
    text = cti.read_text(encoding="utf-8")
    narrowed = text.replace("one_of: [mild, moderate]}", "one_of: [mild]}", 1)
    assert narrowed != text
    cti.write_text(narrowed, encoding="utf-8")
    uv, info = start_server(create_app(load_rules(rules)), wait_ready=False)
    try:
        for _ in range(600):  # the check runs in the background after start-up
            response = httpx.get(info.url + "/readyz")
            if "being checked" not in response.text:
                break
            time.sleep(0.05)
        assert response.status_code == 503
        assert response.headers["content-type"] == PROBLEM
        errors = response.json()["errors"]
        assert errors and all(".yaml:" in e["detail"] for e in errors)  # file:line of each
        assert httpx.get(info.url + "/healthz").status_code == 200
    finally:
        stop_server(uv, info)


def test_decision_support_endpoints_call_the_library_when_it_has_them(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wiring for hf_triage.next_questions / record_decision (the decision-support
    issue), exercised with stand-ins of the signatures in CONTRACT.md."""
    from hf_triage.service._models import DecisionRecordOut

    def next_questions(assessment: object, *, rules: object = None) -> list[dict[str, object]]:
        assert isinstance(assessment, dict) and rules is not None
        return [{"field": "service_use", "outcomes": [{"value": "partial", "method": "ICM"}]}]

    def record_decision(
        recommendation: hf_triage.Recommendation,
        decided_method: str,
        *,
        reason: str | None = None,
        note: str | None = None,
        decided_at: object = None,
        assessment: object = None,
        rules: object = None,
    ) -> DecisionRecordOut:
        if decided_method != recommendation.method and reason is None:
            raise hf_triage.TriageError("a reason is required when the decision differs")
        return DecisionRecordOut(
            recommendation=recommendation,
            decided_method=decided_method,
            reason=reason,
            note=note,
            ruleset_fingerprint=recommendation.ruleset_fingerprint,
        )

    monkeypatch.setattr(hf_triage, "next_questions", next_questions, raising=False)
    monkeypatch.setattr(hf_triage, "record_decision", record_decision, raising=False)
    questions = client.post("/v1/next-questions", json={"assessment": {"complexity": "mild"}})
    assert questions.status_code == 200
    assert questions.json()["questions"][0]["field"] == "service_use"
    assert questions.json()["ruleset_fingerprint"] == default_rules().fingerprint

    body = {
        "assessment": {"complexity": "severe", "service_use": "minimal"},
        "decided_method": "ACT",
        "decided_at": "2026-11-24T10:30:00+01:00",
    }
    record = client.post("/v1/decisions", json=body)
    assert record.status_code == 200
    assert record.json()["recommendation"]["method"] == "ACT"
    differs = client.post("/v1/decisions", json={**body, "decided_method": "ICM"})
    assert differs.status_code == 422
    assert differs.json()["errors"][0]["pointer"] == "/reason"


DEEP = b"[" * 5000 + b"]" * 5000


@pytest.mark.parametrize(
    ("path", "content", "ctype"),
    [
        ("/v1/triage", DEEP, "application/json"),
        ("/v1/triage", b'{"assessment": {"\\ud800": 1}}', "application/json"),
        ("/v1/triage", b'{"assessment": {"complexity": "\\ud800"}}', "application/json"),
        ("/v1/triage", b'{"\\ud800": 1, "assessment": {"complexity": 1e400}}', "application/json"),
        ("/v1/triage/batch", DEEP, "application/json"),
        ("/v1/triage/batch", b'[{"x\\ud800": 1}, {"citizen_id": "\\ud800"}]', "application/json"),
        ("/v1/triage/batch", DEEP + b"\n{}", NDJSON),
        ("/v1/reviews", b'{"course": {"method": "\\ud800"}, "today": "2026-01-01"}', "x/json"),
    ],
)
def test_odd_json_is_never_a_server_error(
    client: httpx.Client, path: str, content: bytes, ctype: str
) -> None:
    """Lone surrogates (valid JSON escapes, not UTF-8), deep nesting, overflowing numbers."""
    response = client.post(path, content=content, headers={"content-type": ctype})
    assert response.status_code in (200, 400, 422), response.text
    data = (
        json.loads(response.text)
        if "ndjson" not in response.headers["content-type"]
        else [json.loads(line) for line in response.text.splitlines()]
    )
    assert data


def test_a_boolean_is_not_an_intensity_level(client: httpx.Client) -> None:
    course = {
        "method": "CTI",
        "start_date": "2026-01-05",
        "intensity": [{"month": "2026-01-01", "level": 2}, {"month": "2026-02-01", "level": False}],
    }
    response = client.post("/v1/reviews", json={"course": course, "today": "2026-03-01"})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["pointer"] == "/course/intensity/1/level"
    assert error["value"] is False and error["allowed"] == [0, 1, 2, 3, 4]


def test_decisions_endpoint_returns_the_librarys_record(client: httpx.Client) -> None:
    """The real record_decision: a deviation needs a reason; the record carries the assessment,
    the rule set and drafted Danish grounds; nothing of the note is echoed in a problem."""
    assessment = {"complexity": "severe", "service_use": "minimal"}
    refused = client.post(
        "/v1/decisions",
        json={"assessment": assessment, "decided_method": "CTI", "note": "privat note 123"},
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "privat note 123" not in refused.text
    record = client.post(
        "/v1/decisions",
        json={
            "assessment": assessment,
            "decided_method": "CTI",
            "reason": "citizen-wish",
            "note": "borgeren ønsker det",
        },
    )
    assert record.status_code == 200, record.text
    data = record.json()
    assert data["decided_method"] == "CTI"
    assert data["recommendation"]["method"] == "ACT"
    assert data["assessment"] == assessment
    assert "§ 85 a" in data["justification"]["da"]
    questions = client.post(
        "/v1/next-questions", json={"assessment": {"service_use": "significant"}}
    )
    assert questions.status_code == 200
    assert questions.json()["questions"][0]["field"] == "complexity"


def test_decision_support_routes_share_one_body_reader(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both routes read the body the same way: every problem at once, the route's own title,
    and a library without the function (501) only after the body is found valid."""
    http = client  # the server runs in this process: the monkeypatch below reaches it
    decision = {"assessment": {"complexity": "mild"}, "decided_method": "X"}
    bad = http.post("/v1/decisions", json=decision)
    assert bad.status_code == 422 and bad.json()["title"] == "Invalid decision"
    assert [e["pointer"] for e in bad.json()["errors"]] == ["/decided_method"]
    for path in ("/v1/next-questions", "/v1/decisions"):
        unknown = http.post(path, json={"assessment": {"complexity": "mild"}, "colour": 1})
        assert unknown.status_code == 422, path
        assert [e["pointer"] for e in unknown.json()["errors"]][:1] == ["/colour"], path
    for function in ("next_questions", "record_decision"):
        monkeypatch.delattr(hf_triage, function)
    for path, body in (
        ("/v1/next-questions", {"assessment": {"complexity": "mild"}}),
        ("/v1/decisions", {"assessment": {"complexity": "mild"}, "decided_method": "CTI"}),
    ):
        assert http.post(path, json={**body, "assessment": {"complexity": 5}}).status_code == 422
        missing = http.post(path, json=body)
        assert missing.status_code == 501 and missing.headers["content-type"] == PROBLEM
