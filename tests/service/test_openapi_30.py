"""The 3.1 → 3.0 conversion on schema shapes the app does not produce today (issue 9 item 6),
and the regeneration command that writes the committed documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from hf_triage.service._openapi import _schema, main

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"$schema": "x", "type": "string"}, {"type": "string"}),
        ({"not": {"const": 1}}, {"not": {"enum": [1]}}),
        ({"prefixItems": [{"type": "integer"}]}, {"items": {"anyOf": [{"type": "integer"}]}}),
        ({"prefixItems": []}, {"items": {}}),
        ({"examples": ["a", "b"]}, {"example": "a"}),
        ({"examples": []}, {}),
        ({"exclusiveMinimum": 0}, {"minimum": 0, "exclusiveMinimum": True}),
        ({"exclusiveMaximum": 9}, {"maximum": 9, "exclusiveMaximum": True}),
        ({"type": ["string", "null"]}, {"type": "string", "nullable": True}),
        ({"type": ["string", "integer"]}, {"anyOf": [{"type": "string"}, {"type": "integer"}]}),
        (
            {"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]},
            {"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": True},
        ),
        (
            {"anyOf": [{"$ref": "#/a"}, {"type": "null"}]},
            {"allOf": [{"$ref": "#/a"}], "nullable": True},
        ),
        ({"anyOf": [{"type": "null"}]}, {"nullable": True}),
        (
            {"const": "x", "type": ["string", "null"]},
            {"enum": ["x", None], "type": "string", "nullable": True},
        ),
        ({"$ref": "#/a", "description": "d"}, {"description": "d", "allOf": [{"$ref": "#/a"}]}),
        (True, True),
    ],
)
def test_a_31_schema_becomes_its_30_form(schema: Any, expected: Any) -> None:
    assert _schema(schema) == expected


def test_main_without_paths_prints_its_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: python -m hf_triage.service._openapi" in capsys.readouterr().err


def test_main_writes_the_committed_documents(tmp_path: Path) -> None:
    out_30, out_31 = tmp_path / "3.0.json", tmp_path / "3.1.json"
    assert main([str(out_30), str(out_31)]) == 0
    for written, committed in ((out_30, "openapi-3.0.json"), (out_31, "openapi-3.1.json")):
        assert json.loads(written.read_text(encoding="utf-8")) == json.loads(
            (DOCS / committed).read_text(encoding="utf-8")
        )
