"""Schemathesis over every operation of the OpenAPI document, against the real server:
no server error, and every response matches its documented status, media type and schema."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytest.importorskip("schemathesis")
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
)

import hf_triage
from hf_triage.service import create_app

NDJSON = "application/x-ndjson"
UNTIL_WIRED = {"/v1/next-questions": "next_questions", "/v1/decisions": "record_decision"}
schema = schemathesis.openapi.from_dict(create_app().openapi())
# Bounded so that the whole service test set stays well under two minutes on a loaded
# two-core machine: the examples and fuzzing phases, not the (slow) coverage phase, which
# `schemathesis run` gives on demand (docs/service.md)
schema.config.phases.coverage.enabled = False


@schemathesis.serializer(NDJSON)
def _ndjson(ctx: object, value: object) -> bytes:
    """The rows of the documented array, one JSON text per line."""
    rows = value if isinstance(value, list) else [value]
    return b"".join(json.dumps(row).encode() + b"\n" for row in rows)


@pytest.mark.slow  # schemathesis over every operation; CI runs it
@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_keeps_its_contract(case: schemathesis.Case[Any], server: str) -> None:
    # Rules beyond JSON Schema (an admission's end after its start, staff only for offered
    # methods, integers given as integers) are answered 422 with every problem: documented,
    # and not a fault, so schema-valid bodies are not required to be accepted
    excluded: list[CheckFunction] = [positive_data_acceptance]
    if case.path == "/v1/triage/batch":
        # by design a batch answers a bad row in its place, with its problem, and goes on
        # (nothing dropped); and any JSON value is a one-line NDJSON body. So a body that
        # breaks the row schema is rightly answered 200: the rows' problems are checked in
        # test_api.py instead
        excluded.append(negative_data_rejection)
    if case.path in UNTIL_WIRED and not hasattr(hf_triage, UNTIL_WIRED[case.path]):
        # the library function arrives with the decision-support issue: 501 until then
        excluded.append(not_a_server_error)
    response = case.call(base_url=server)
    if not_a_server_error in excluded:
        assert response.status_code < 500 or response.status_code == 501, response.text
    case.validate_response(response, excluded_checks=excluded)
