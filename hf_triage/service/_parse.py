"""Reading request bodies by hand, so that every problem is found and worded as the library
words it (``AssessmentError``), each with a JSON pointer, the value given and the values allowed.

The fast path hands the body straight to ``hf_triage.triage``; only when the library refuses
does ``assessment_problems`` take the assessment apart field by field to point at each problem.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from hf_triage import Assessment, AssessmentError, Course, Dimensions, TriageError, triage
from hf_triage._texts import LANGS, check_lang

from ._models import FieldProblem

__all__ = [
    "LANGS",
    "METHODS",
    "BodyError",
    "assessment_problems",
    "check_envelope",
    "course_problems",
    "cut",
    "decision_problems",
    "loads",
    "municipality_problems",
    "pointer",
]

METHODS = ("CTI", "ICM", "ACT")
_SCALARS = (str, int, float, bool)


class BodyError(Exception):
    """A request body with problems: every one of them, for a 422 (or 400) problem+json."""

    def __init__(self, title: str, problems: list[FieldProblem], status: int = 422) -> None:
        super().__init__(title)
        self.title = title
        self.problems = problems
        self.status = status


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def loads(body: bytes | str) -> Any:
    """Parse JSON strictly (no NaN or Infinity); ``ValueError`` says where it breaks."""
    return json.loads(body, parse_constant=_reject_constant)


def parse_json(body: bytes) -> Any:
    try:
        return loads(body)
    except RecursionError:
        raise BodyError(
            "Malformed request body",
            [FieldProblem(pointer="", detail="the body is nested too deeply to be read")],
            400,
        ) from None
    except UnicodeDecodeError:
        raise BodyError(
            "Malformed request body",
            [FieldProblem(pointer="", detail="the body is not UTF-8 text")],
            400,
        ) from None
    except ValueError as exc:
        raise BodyError(
            "Malformed request body",
            [
                FieldProblem(
                    pointer="", detail=f"the body is not valid JSON: {cut_text(str(exc), 100)}"
                )
            ],
            400,
        ) from None


def pointer(*parts: object) -> str:
    """A JSON pointer (RFC 6901) from its reference tokens."""
    return "".join("/" + printable(str(p)).replace("~", "~0").replace("/", "~1") for p in parts)


def printable(text: str) -> str:
    """Text that can be written as UTF-8: a lone surrogate (valid in a JSON string escape,
    not in UTF-8) is written as its escape."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def cut_text(text: str, limit: int = 40) -> str:
    text = printable(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def cut(value: object) -> Any:
    """The value given, cut short: text to 40 characters; a list or an object is not echoed."""
    if isinstance(value, str):
        return cut_text(value)
    if value is None or isinstance(value, _SCALARS):
        return value
    return None


def kind(value: object) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


@lru_cache(maxsize=1)
def _allowed() -> dict[str, list[Any]]:
    """Allowed values per assessment field (``dimensions/x`` for scores), from the model's
    schema, so that fields the library adds are covered without a change here."""
    schema = Assessment.model_json_schema()
    defs = schema.get("$defs", {})
    allowed: dict[str, list[Any]] = {}
    for name, prop in schema.get("properties", {}).items():
        values = _enum(prop, defs)
        if values is not None:
            allowed[name] = values
    for name, prop in Dimensions.model_json_schema().get("properties", {}).items():
        values = _enum(prop, defs)
        if values is not None:
            allowed[f"dimensions/{name}"] = values
    return allowed


def _enum(prop: Mapping[str, Any], defs: Mapping[str, Any]) -> list[Any] | None:
    if "$ref" in prop:
        return _enum(defs.get(str(prop["$ref"]).rsplit("/", 1)[-1], {}), defs)
    if "enum" in prop:
        return list(prop["enum"])
    if "const" in prop:
        return [prop["const"]]
    if prop.get("type") == "boolean":
        return [True, False]
    for part in prop.get("anyOf", ()):
        values = _enum(part, defs)
        if values is not None:
            return values
    return None


def _field_problems(probe: dict[str, Any]) -> list[str]:
    """The library's words for one field (``probe`` holds only that field)."""
    try:
        Assessment.model_validate(probe)
    except AssessmentError as exc:
        return list(exc.problems)
    except ValidationError as exc:  # a field the fast check passes but pydantic refuses
        return [str(e["msg"]) for e in exc.errors()]
    return []


def assessment_problems(data: object, at: tuple[object, ...]) -> list[FieldProblem]:
    """Every problem of an assessment, each pointing into the body below ``at``."""
    if not isinstance(data, dict):
        return [
            FieldProblem(
                pointer=pointer(*at),
                detail=f"an assessment must be a JSON object of field: value, not {kind(data)}",
                value=cut(data),
            )
        ]
    allowed = _allowed()
    problems: list[FieldProblem] = []
    for key, value in data.items():
        if key == "dimensions" and isinstance(value, dict):
            dim_names = list(Dimensions.model_fields)
            for dim, score in value.items():
                for text in _field_problems({"dimensions": {dim: score}}):
                    known = dim in dim_names
                    problems.append(
                        FieldProblem(
                            pointer=pointer(*at, "dimensions", dim),
                            detail=text,
                            value=cut(score) if known else cut(dim),
                            allowed=allowed.get(f"dimensions/{dim}") if known else dim_names,
                        )
                    )
            continue
        for text in _field_problems({key: value}):
            known = key in Assessment.model_fields
            problems.append(
                FieldProblem(
                    pointer=pointer(*at, key),
                    detail=text,
                    value=cut(value) if known else cut(key),
                    allowed=allowed.get(key) if known else list(Assessment.model_fields),
                )
            )
    if not problems:
        # every field is fine alone: a problem between fields, worded by the library
        try:
            Assessment.model_validate(data)
        except (AssessmentError, ValidationError) as exc:
            problems.append(FieldProblem(pointer=pointer(*at), detail=str(exc)))
    return problems


def municipality_problems(data: object, at: tuple[object, ...]) -> list[FieldProblem]:
    """Every problem of a municipality portfolio, in the library's words where it has them."""
    if data is None:
        return []
    if not isinstance(data, dict):
        return [
            FieldProblem(
                pointer=pointer(*at),
                detail="municipality must be an object such as {'offers': ['CTI', 'ICM']}, "
                f"not {kind(data)}",
                value=cut(data),
            )
        ]
    offers = data.get("offers")
    if not isinstance(offers, list):
        return [
            FieldProblem(
                pointer=pointer(*at, "offers"),
                detail=f"municipality 'offers': {cut(offers)!r} is not a list of methods; "
                f"write e.g. offers: [CTI, ICM] (allowed methods: {', '.join(METHODS)})",
                value=cut(offers),
                allowed=list(METHODS),
            )
        ]
    problems = [
        FieldProblem(
            pointer=pointer(*at, "offers", i),
            detail=f"municipality 'offers': {cut(m)!r} is not a method; "
            f"allowed: {', '.join(METHODS)}",
            value=cut(m),
            allowed=list(METHODS),
        )
        for i, m in enumerate(offers)
        if m not in METHODS or not isinstance(m, str)
    ]
    if problems:
        return problems
    try:
        triage({}, municipality=data)
    except TriageError as exc:
        texts = getattr(exc, "problems", ()) or (str(exc),)
        return [FieldProblem(pointer=pointer(*at), detail=str(t)) for t in texts]
    return []


def lang_problems(value: object, at: tuple[object, ...]) -> list[FieldProblem]:
    """The library's one language check (``_texts.check_lang``), as a problem with a pointer."""
    try:
        check_lang(value)
    except TriageError:
        pass
    else:
        return []
    return [
        FieldProblem(
            pointer=pointer(*at),
            detail=f"lang {cut(value)!r} is not supported; allowed: {', '.join(LANGS)}",
            value=cut(value),
            allowed=list(LANGS),
        )
    ]


def check_envelope(
    body: object, required: tuple[str, ...], optional: tuple[str, ...]
) -> list[FieldProblem]:
    """Problems with the top level of a request object: its type, unknown and missing keys."""
    if not isinstance(body, dict):
        return [
            FieldProblem(
                pointer="",
                detail=f"the body must be a JSON object with {', '.join(required)}, "
                f"not {kind(body)}",
                value=cut(body),
            )
        ]
    names = [*required, *optional]
    problems = [
        FieldProblem(
            pointer=pointer(key),
            detail=f"unknown field {cut(key)!r}; allowed: {', '.join(names)}",
            value=cut(key),
            allowed=names,
        )
        for key in body
        if key not in names
    ]
    problems += [
        FieldProblem(pointer=pointer(key), detail=f"field {key!r} is required")
        for key in required
        if key not in body
    ]
    return problems


def decision_problems(body: dict[str, Any]) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    method = body.get("decided_method")
    if method not in METHODS or not isinstance(method, str):
        problems.append(
            FieldProblem(
                pointer="/decided_method",
                detail=f"field 'decided_method': {cut(method)!r} is not a method; "
                f"allowed: {', '.join(METHODS)}",
                value=cut(method),
                allowed=list(METHODS),
            )
        )
    for key in ("reason", "note"):
        value = body.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(
                FieldProblem(
                    pointer=pointer(key),
                    detail=f"field {key!r}: {cut(value)!r} is not text",
                    value=cut(value),
                )
            )
    decided_at = body.get("decided_at")
    if decided_at is not None:
        ok = isinstance(decided_at, str)
        if ok:
            try:
                dt.datetime.fromisoformat(decided_at)
            except ValueError:
                ok = False
        if not ok:
            problems.append(
                FieldProblem(
                    pointer="/decided_at",
                    detail=f"field 'decided_at': {cut(decided_at)!r} is not a date and time; "
                    "write e.g. 2026-11-24T10:30:00+01:00",
                    value=cut(decided_at),
                )
            )
    return problems


def course_problems(course: object) -> list[FieldProblem]:
    """Every problem of a course record, each with its pointer, in the library's words."""
    try:
        Course.model_validate(course)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            loc = [p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
            value: Any = course
            for part in loc:
                try:
                    value = value[part]
                except (KeyError, IndexError, TypeError):
                    value = None
                    break
            expected = (e.get("ctx") or {}).get("expected")
            allowed = re.findall(r"'([^']*)'", expected) if isinstance(expected, str) else None
            problems.append(
                FieldProblem(
                    pointer=pointer("course", *loc),
                    detail=f"field '{'.'.join(str(p) for p in loc) or '(course)'}': "
                    + str(e["msg"]).removeprefix("Value error, "),
                    value=cut(value),
                    allowed=allowed or None,
                )
            )
        return problems
    return _boolean_levels(course)


def _boolean_levels(course: object) -> list[FieldProblem]:
    """``level: true`` is not a level, though pydantic's ``Literal[0, 1, ...]`` takes it as 1
    (``True == 1`` in Python): refused here, since nothing is coerced."""
    intensity = course.get("intensity") if isinstance(course, dict) else None
    if not isinstance(intensity, list):
        return []
    return [
        FieldProblem(
            pointer=pointer("course", "intensity", i, "level"),
            detail=f"field 'intensity.{i}.level': {str(month['level']).lower()} (true/false) "
            "is not allowed; allowed: 0, 1, 2, 3, 4",
            value=month["level"],
            allowed=[0, 1, 2, 3, 4],
        )
        for i, month in enumerate(intensity)
        if isinstance(month, dict) and isinstance(month.get("level"), bool)
    ]
