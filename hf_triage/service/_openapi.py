"""The OpenAPI documents: 3.1 from the app, and a 3.0 copy for client generators.

.NET and Java generators (NSwag, openapi-generator) handle 3.1 poorly, so ``to_openapi_30``
rewrites the few 3.1 constructs pydantic emits (``anyOf`` with ``null``, ``const``,
``examples``, numeric ``exclusiveMinimum``, ``propertyNames``...) into their 3.0 forms. The
copy is committed as ``docs/openapi-3.0.json`` and a test keeps it equal to the live app's.

Regenerate: ``python -m hf_triage.service._openapi docs/openapi-3.0.json docs/openapi-3.1.json``.
"""

from __future__ import annotations

import copy
import json
import sys
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

__all__ = ["build_openapi", "null_means_not_given", "to_openapi_30"]

#: request objects whose every answer may be null: "null means not given" (README), which the
#: library accepts for every field, also for those whose Python default is not None
NULLABLE_ANSWERS = ("Assessment", "BatchRow", "Dimensions")

REF = "#/components/schemas/{model}"
PROBLEM_JSON = "application/problem+json"


def build_openapi(app: Any, request_models: dict[str, type[BaseModel]]) -> dict[str, Any]:
    """FastAPI's 3.1 document, with the hand-read request bodies' schemas added and every
    error answer typed ``application/problem+json``."""
    from fastapi.openapi.utils import get_openapi

    doc: dict[str, Any] = get_openapi(
        title=app.title,
        version=app.version,
        openapi_version=app.openapi_version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    _, defs = models_json_schema(
        [(model, "validation") for model in request_models.values()], ref_template=REF
    )
    for name, schema in defs.get("$defs", {}).items():
        schemas.setdefault(name, schema)
    for name in NULLABLE_ANSWERS:
        if name in schemas:
            schemas[name] = null_means_not_given(schemas[name])
    for path in doc.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[0] in "45" and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
    for unused in ("HTTPValidationError", "ValidationError"):  # FastAPI's, if nothing uses them
        if unused in schemas:
            rest = {**doc, "components": {"schemas": {**schemas, unused: None}}}
            if f'"#/components/schemas/{unused}"' not in json.dumps(rest):
                del schemas[unused]
    doc["components"]["schemas"] = dict(sorted(schemas.items()))
    return doc


def null_means_not_given(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with ``null`` allowed for every property that does not allow it yet."""
    out = copy.deepcopy(schema)
    for name, prop in out.get("properties", {}).items():
        options = prop.get("anyOf", [])
        if {"type": "null"} in options or prop.get("type") == "null":
            continue
        keep = {k: prop[k] for k in ("title", "description", "default") if k in prop}
        body = {k: v for k, v in prop.items() if k not in keep}
        out["properties"][name] = {"anyOf": [body, {"type": "null"}], **keep}
    return out


def to_openapi_30(document: dict[str, Any]) -> dict[str, Any]:
    """A 3.0.3 copy of a 3.1 document (schemas rewritten; everything else kept)."""
    doc = copy.deepcopy(document)
    doc["openapi"] = "3.0.3"
    doc.get("info", {}).pop("summary", None)
    doc.pop("webhooks", None)
    doc.pop("jsonSchemaDialect", None)
    _walk_document(doc)
    return doc


def _walk_document(node: Any) -> None:
    """Rewrite every schema object found under ``schema``/``schemas`` keys."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "schema" and isinstance(value, dict):
                node[key] = _schema(value)
            elif key == "schemas" and isinstance(value, dict):
                node[key] = {k: _schema(v) for k, v in value.items()}
            else:
                _walk_document(value)
    elif isinstance(node, list):
        for item in node:
            _walk_document(item)


_DROP = ("$schema", "$id", "$comment", "contentMediaType", "contentEncoding", "propertyNames")


def _schema(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DROP:
            continue
        if key in ("properties", "patternProperties", "$defs", "definitions"):
            out[key] = {k: _schema(v) for k, v in value.items()}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            out[key] = _schema(value)
        elif key in ("anyOf", "oneOf", "allOf"):
            out[key] = [_schema(v) for v in value]
        elif key == "prefixItems":
            out.setdefault("items", {"anyOf": [_schema(v) for v in value]} if value else {})
        elif key == "const":
            out["enum"] = [value]
        elif key == "examples":
            if isinstance(value, list) and value:
                out["example"] = value[0]
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and not isinstance(value, bool):
            out["minimum" if key == "exclusiveMinimum" else "maximum"] = value
            out[key] = True
        elif key == "type" and isinstance(value, list):
            kinds = [t for t in value if t != "null"]
            if len(kinds) == 1:
                out["type"] = kinds[0]
            else:
                out["anyOf"] = [{"type": t} for t in kinds]
            if "null" in value:
                out["nullable"] = True
        else:
            out[key] = value
    for key in ("anyOf", "oneOf"):
        options = out.get(key)
        if isinstance(options, list) and {"type": "null"} in options:
            rest = [o for o in options if o != {"type": "null"}]
            del out[key]
            if len(rest) == 1 and "$ref" not in rest[0]:
                merged = {**rest[0], **out}
                out = merged
            elif len(rest) == 1:
                out["allOf"] = rest
            elif rest:
                out[key] = rest
            out["nullable"] = True
    if out.get("nullable") and isinstance(out.get("enum"), list) and None not in out["enum"]:
        # 3.0.3: nullable does not extend an enum; null must be listed to be allowed
        out["enum"] = [*out["enum"], None]
    if "$ref" in out and len(out) > 1:
        # 3.0 ignores siblings of $ref: wrap it so that description/default survive
        out = {k: v for k, v in out.items() if k != "$ref"} | {"allOf": [{"$ref": out["$ref"]}]}
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the 3.0 copy (and, given a second path, the 3.1 document) of the default app."""
    from ._app import create_app

    args = sys.argv[1:] if argv is None else argv
    if not args:
        sys.stderr.write(
            "usage: python -m hf_triage.service._openapi OUT-3.0.json [OUT-3.1.json]\n"
        )
        return 2
    document = create_app().openapi()
    outputs = [(args[0], to_openapi_30(document))]
    if len(args) > 1:
        outputs.append((args[1], document))
    for path, doc in outputs:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(doc, handle, indent=2, ensure_ascii=False, sort_keys=False)
            handle.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
