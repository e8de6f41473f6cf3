"""The app's safety nets (issue 9 item 6): a request FastAPI itself refuses and an unexpected
failure are answered as problem+json too. No route of the app takes a typed parameter that can
fail or lets an exception out today, so a test route added to the app takes them."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from hf_triage.service import create_app


def test_a_request_fastapi_refuses_is_a_problem_with_its_field() -> None:
    app = create_app()

    @app.get("/test/count")
    async def count(n: int) -> int:
        return n

    response = TestClient(app).get("/test/count", params={"n": "many"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 422 and problem["instance"] == "/test/count"
    assert [e["pointer"] for e in problem["errors"]] == ["/n"]
    assert "query.n" in problem["detail"]


def test_an_unexpected_failure_is_a_500_problem_without_the_request() -> None:
    app = create_app()

    @app.get("/test/fail")
    async def fail() -> None:
        raise RuntimeError("citizen 0101 secret")

    response = TestClient(app, raise_server_exceptions=False).get("/test/fail")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "secret" not in response.text
    assert "the service failed" in response.json()["detail"]
