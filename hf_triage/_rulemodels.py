"""Pydantic models of the rule files: the one place their shape is defined.

A rule file is one of two kinds:

* a method file (``cti.yaml``, ``icm.yaml``, ``act.yaml``): ``method``, ``title`` and
  ``criteria``; each criterion has an ``id``, a condition ``when``, a ``reason`` in Danish and
  English and a ``source`` citing the seed document and section;
* the warnings file (``warnings.yaml``): ``warnings``, each with a ``code``, ``when``, ``text``
  and ``source``.

A condition is data, never code: ``{field: F, is: V}``, ``{field: F, one_of: [V, ...]}``,
``{field: F, at_least: V}``, ``{field: F, at_most: V}``, or ``{all: [...]}``,
``{any: [...]}``, ``{not: {...}}``. Field names and values are checked against the input domain
in ``_domain``; ``rules/schema.json`` is generated from these models.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from ._domain import DERIVED_FIELDS, FIELDS, METHODS, FieldSpec, Scalar

__all__ = [
    "AllOf",
    "AnyOf",
    "Condition",
    "Criterion",
    "FieldTest",
    "MethodFile",
    "NotOf",
    "Text",
    "WarningRule",
    "WarningsFile",
    "fmt_value",
]

_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

#: Tags of the condition union; they appear in pydantic error locations and are dropped there.
TAG_PREFIX = "condition:"


def fmt_value(value: object) -> str:
    """A value as a rule author or caseworker would write it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _allowed(spec: FieldSpec) -> str:
    return ", ".join(fmt_value(v) for v in spec.values)


def _check_value(spec: FieldSpec, value: object, key: str) -> None:
    ok = any(type(value) is type(v) and value == v for v in spec.values)
    if not ok:
        raise ValueError(
            f"'{key}: {fmt_value(value)}' is not a value of field '{spec.name}'; "
            f"allowed: {_allowed(spec)}"
        )


class Text(BaseModel):
    """A text in Danish (first) and English."""

    model_config = _STRICT
    da: str = Field(min_length=1, description="Dansk tekst")
    en: str = Field(min_length=1, description="English text")

    def get(self, lang: str) -> str:
        return self.da if lang == "da" else self.en


class FieldTest(BaseModel):
    """Compare one field with a value: ``is``, ``one_of``, ``at_least`` or ``at_most``."""

    model_config = _STRICT
    field: str = Field(
        description="An assessment field, e.g. service_use or dimensions.mental_health",
        json_schema_extra={"enum": list[Any]([*FIELDS, *DERIVED_FIELDS])},
    )
    is_: Scalar | None = Field(default=None, alias="is")
    one_of: list[Scalar] | None = Field(default=None, min_length=1)
    at_least: Scalar | None = None
    at_most: Scalar | None = None

    @model_validator(mode="before")
    @classmethod
    def _values_of_the_field(cls, data: Any) -> Any:
        # Name the field and its allowed values for any wrong value (3.0, a list, ...),
        # instead of one pydantic line per member of the value type.
        if isinstance(data, dict):
            name = data.get("field")
            spec = (FIELDS.get(name) or DERIVED_FIELDS.get(name)) if isinstance(name, str) else None
            if spec is not None:
                for key in ("is", "at_least", "at_most"):
                    if data.get(key) is not None:
                        _check_value(spec, data[key], key)
                one_of = data.get("one_of")
                if isinstance(one_of, list):
                    for value in one_of:
                        _check_value(spec, value, "one_of")
        return data

    @model_validator(mode="after")
    def _known_field_and_values(self) -> FieldTest:
        spec = FIELDS.get(self.field) or DERIVED_FIELDS.get(self.field)
        if spec is None:
            raise ValueError(
                f"unknown field '{self.field}'; known fields: "
                + ", ".join([*FIELDS, *DERIVED_FIELDS])
            )
        given = [
            k
            for k, v in (
                ("is", self.is_),
                ("one_of", self.one_of),
                ("at_least", self.at_least),
                ("at_most", self.at_most),
            )
            if v is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "write exactly one of is, one_of, at_least, at_most after "
                f"'field: {self.field}' (found: {', '.join(given) or 'none'})"
            )
        op = given[0]
        if op in ("at_least", "at_most") and spec.kind != "ordinal":
            raise ValueError(
                f"'{op}' needs an ordered field; '{self.field}' is not ordered: use is or one_of"
            )
        values = self.one_of if self.one_of is not None else [getattr(self, _ATTR[op])]
        for value in values:
            _check_value(spec, value, op)
        return self

    @property
    def op(self) -> str:
        for key in ("is", "one_of", "at_least", "at_most"):
            if getattr(self, _ATTR[key]) is not None:
                return key
        raise AssertionError("validated FieldTest has one operator")

    @property
    def operand(self) -> Any:
        return getattr(self, _ATTR[self.op])


_ATTR = {"is": "is_", "one_of": "one_of", "at_least": "at_least", "at_most": "at_most"}


class AllOf(BaseModel):
    """True when every condition in the list holds."""

    model_config = _STRICT
    all: list[Condition] = Field(min_length=1)


class AnyOf(BaseModel):
    """True when at least one condition in the list holds."""

    model_config = _STRICT
    any: list[Condition] = Field(min_length=1)


class NotOf(BaseModel):
    """True when the condition does not hold."""

    model_config = _STRICT
    not_: Condition = Field(alias="not")


def _condition_kind(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return {
            FieldTest: "field",
            AllOf: "all",
            AnyOf: "any",
            NotOf: "not",
        }.get(type(value))
    if isinstance(value, dict):
        for key in ("field", "all", "any", "not"):
            if key in value:
                return f"{TAG_PREFIX}{key}"
    return None


def _tag(value: Any) -> str | None:
    kind = _condition_kind(value)
    if kind is None or kind.startswith(TAG_PREFIX):
        return kind
    return TAG_PREFIX + kind


Condition = Annotated[
    Union[
        Annotated[FieldTest, Tag(TAG_PREFIX + "field")],
        Annotated[AllOf, Tag(TAG_PREFIX + "all")],
        Annotated[AnyOf, Tag(TAG_PREFIX + "any")],
        Annotated[NotOf, Tag(TAG_PREFIX + "not")],
    ],
    Discriminator(
        _tag,
        custom_error_type="condition",
        custom_error_message=(
            "a condition needs one of the keys field, all, any or not, "
            "e.g. {field: service_use, is: partial}"
        ),
    ),
]

AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()

_ID = r"^[a-z0-9][a-z0-9-]*$"


class Criterion(BaseModel):
    """One criterion: when its condition holds, its method fits the citizen."""

    model_config = _STRICT
    id: str = Field(pattern=_ID, description="Stable id, lower case with dashes")
    when: Condition
    reason: Text
    source: str = Field(
        min_length=3, description="Seed file and section, e.g. 000 '1 Indsatsvifte'"
    )


class MethodFile(BaseModel):
    """A method file: the criteria that make one method fit."""

    model_config = _STRICT
    method: Literal["CTI", "ICM", "ACT"]
    title: Text
    criteria: list[Criterion] = Field(min_length=1)


class WarningRule(BaseModel):
    """One warning: when its condition holds, the recommendation carries it."""

    model_config = _STRICT
    code: str = Field(pattern=_ID)
    when: Condition
    text: Text
    source: str = Field(min_length=3)


class WarningsFile(BaseModel):
    """The warnings file."""

    model_config = _STRICT
    warnings: list[WarningRule] = Field(min_length=1)


assert set(METHODS) == {"CTI", "ICM", "ACT"}
