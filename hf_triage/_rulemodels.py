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

from collections import ChainMap
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    model_validator,
)

from ._domain import COURSE_FIELDS, DERIVED_FIELDS, FIELDS, METHODS, FieldSpec, Scalar

__all__ = [
    "AllOf",
    "AnyOf",
    "Condition",
    "Criterion",
    "FieldTest",
    "FollowupFile",
    "MethodFile",
    "NotOf",
    "Parameter",
    "ParameterRef",
    "Signal",
    "Text",
    "TextVariant",
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


class ParameterRef(BaseModel):
    """A named number from the file's ``parameters`` (follow-up rules: local choices)."""

    model_config = _STRICT
    parameter: str = Field(pattern=r"^[a-z][a-z0-9_]*$")


def _domain(info: ValidationInfo) -> Mapping[str, FieldSpec]:
    """The fields a condition may read: assessment fields by default, course facts in the
    follow-up file (the loader passes ``context={"domain": "course"}``)."""
    if info.context and info.context.get("domain") == "course":
        return COURSE_FIELDS
    if info.context and info.context.get("fields") is not None:
        # a rule set compiled against its own domain (``_domain.Domain``)
        return ChainMap(info.context["fields"], DERIVED_FIELDS)
    return _ASSESSMENT_DOMAIN


_ASSESSMENT_DOMAIN: Mapping[str, FieldSpec] = ChainMap(FIELDS, DERIVED_FIELDS)


def _check_days(value: object, key: str, name: str) -> None:
    if isinstance(value, ParameterRef):
        return
    if type(value) is not int or value < 0:
        raise ValueError(
            f"'{key}: {fmt_value(value)}' is not a number of days for field '{name}'; "
            "write a whole number (0 or more) or {parameter: NAME}"
        )


class FieldTest(BaseModel):
    """Compare one field with a value: ``is``, ``one_of``, ``at_least`` or ``at_most``."""

    model_config = _STRICT
    field: str = Field(
        description="An assessment field (e.g. service_use, dimensions.mental_health) or, in "
        "followup.yaml, a course fact (e.g. cti_phase, days_without_contact)",
        json_schema_extra={
            "enum": list[Any](dict.fromkeys([*FIELDS, *DERIVED_FIELDS, *COURSE_FIELDS]))
        },
    )
    is_: Scalar | None = Field(default=None, alias="is")
    one_of: list[Scalar] | None = Field(default=None, min_length=1)
    at_least: Scalar | ParameterRef | None = None
    at_most: Scalar | ParameterRef | None = None

    @model_validator(mode="before")
    @classmethod
    def _values_of_the_field(cls, data: Any, info: ValidationInfo) -> Any:
        # Name the field and its allowed values for any wrong value (3.0, a list, ...),
        # instead of one pydantic line per member of the value type.
        if isinstance(data, dict):
            name = data.get("field")
            spec = _domain(info).get(name) if isinstance(name, str) else None
            if spec is not None and spec.kind != "days":
                for key in ("is", "at_least", "at_most"):
                    if data.get(key) is not None:
                        _check_value(spec, data[key], key)
                one_of = data.get("one_of")
                if isinstance(one_of, list):
                    for value in one_of:
                        _check_value(spec, value, "one_of")
        return data

    @model_validator(mode="after")
    def _known_field_and_values(self, info: ValidationInfo) -> FieldTest:
        domain = _domain(info)
        spec = domain.get(self.field)
        if spec is None:
            raise ValueError(f"unknown field '{self.field}'; known fields: " + ", ".join(domain))
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
        if spec.kind == "days":
            if op not in ("at_least", "at_most"):
                raise ValueError(
                    f"'{self.field}' is a number of days: compare it with at_least or at_most"
                )
            _check_days(getattr(self, _ATTR[op]), op, self.field)
            return self
        if op in ("at_least", "at_most") and spec.kind != "ordinal":
            raise ValueError(
                f"'{op}' needs an ordered field; '{self.field}' is not ordered: use is or one_of"
            )
        values = self.one_of if self.one_of is not None else [getattr(self, _ATTR[op])]
        for value in values:
            if isinstance(value, ParameterRef):
                raise ValueError(
                    f"'{op}: {{parameter: ...}}' is only for numbers of days; "
                    f"'{self.field}' takes: {_allowed(spec)}"
                )
            _check_value(spec, value, op)
        return self

    @property
    def op(self) -> str:
        # the model validator above leaves exactly one operator set, so one is always found
        return next(
            key
            for key in ("is", "one_of", "at_least", "at_most")
            if getattr(self, _ATTR[key]) is not None
        )

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


_KINDS: dict[type, str] = {}  # filled below, once the condition models exist


def _tag(value: Any) -> str | None:
    """Which kind of condition ``value`` is, so pydantic reports errors of that kind only."""
    if isinstance(value, BaseModel):
        kind = _KINDS.get(type(value))
        return None if kind is None else TAG_PREFIX + kind
    if isinstance(value, dict):
        for key in ("field", "all", "any", "not"):
            if key in value:
                return TAG_PREFIX + key
    return None


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
_KINDS.update({FieldTest: "field", AllOf: "all", AnyOf: "any", NotOf: "not"})

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


class TextVariant(BaseModel):
    """A text of a warning for some cases: the first variant whose ``when`` holds replaces the
    warning's ``text`` (the code stays the same; CONTRACT.md "Version 1.1")."""

    model_config = _STRICT
    when: Condition
    text: Text
    source: str | None = Field(
        default=None, min_length=3, description="The passage this text cites, if not the warning's"
    )


class WarningRule(BaseModel):
    """One warning: when its condition holds, the recommendation carries it."""

    model_config = _STRICT
    code: str = Field(pattern=_ID)
    level: Literal["warning", "info"] = Field(
        default="warning",
        description="warning: the caseworker should act; info: a reminder",
    )
    when: Condition
    text: Text
    source: str = Field(min_length=3)
    variants: list[TextVariant] = Field(
        default_factory=list,
        description="Texts for particular cases; the first whose 'when' holds is used",
    )


class WarningsFile(BaseModel):
    """The warnings file."""

    model_config = _STRICT
    warnings: list[WarningRule] = Field(min_length=1)


class Parameter(BaseModel):
    """A number the sources leave open: a local choice, with its reason."""

    model_config = _STRICT
    days: int = Field(ge=0, description="A number of days")
    note: Text = Field(description="Why this value: say that it is a local choice")


class Signal(BaseModel):
    """One follow-up signal: when its condition holds for a course, it is raised."""

    model_config = _STRICT
    code: str = Field(pattern=_ID)
    when: Condition
    text: Text
    source: str = Field(min_length=3)
    #: codes that must never be raised together with this one (the checker proves it)
    excludes: list[str] = Field(default_factory=list)
    revisitation: bool = Field(
        default=False,
        description="true: the signal means the citizen should be re-referred (counted in the "
        "cohort report as a sign of 'CTI as default start')",
    )


class Share(BaseModel):
    """A share the sources leave open: a local choice, with its reason."""

    model_config = _STRICT
    percent: int = Field(ge=1, le=100, description="A share, in per cent")
    note: Text = Field(description="Why this value: say that it is a local choice")


class FollowupSummaryParameters(BaseModel):
    """How the cohort report sums up the follow-up signals of many courses."""

    model_config = _STRICT
    many_cti_revisit: Share = Field(
        description="From this share of CTI courses with a revisitation signal, the report "
        "warns of 'CTI as default start' (000 «1 Indsatsvifte»)"
    )


class FollowupFile(BaseModel):
    """The follow-up file: signals during a course, and the local parameters they use."""

    model_config = _STRICT
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    signals: list[Signal] = Field(min_length=1)
    summary: FollowupSummaryParameters | None = None

    @model_validator(mode="after")
    def _known_parameters_and_codes(self) -> FollowupFile:
        codes = {s.code for s in self.signals}
        for signal in self.signals:
            for name in _parameters_of(signal.when):
                if name not in self.parameters:
                    raise ValueError(
                        f"signal '{signal.code}' uses parameter '{name}', which is not defined "
                        f"under parameters (defined: {', '.join(self.parameters) or 'none'})"
                    )
            for code in signal.excludes:
                if code not in codes:
                    raise ValueError(
                        f"signal '{signal.code}' excludes '{code}', which is not a signal code"
                    )
        return self


def _parameters_of(cond: Any) -> list[str]:
    if isinstance(cond, FieldTest):
        return [v.parameter for v in (cond.at_least, cond.at_most) if isinstance(v, ParameterRef)]
    if isinstance(cond, NotOf):
        return _parameters_of(cond.not_)
    items = cond.all if isinstance(cond, AllOf) else cond.any
    return [name for c in items for name in _parameters_of(c)]


assert set(METHODS) == {"CTI", "ICM", "ACT"}
