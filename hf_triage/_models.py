"""Value objects at the boundary: the assessment in, the recommendation out, the municipality.

All are frozen pydantic models. ``Recommendation`` is built by the engine from cached, already
validated parts (see ``_fast_model``); ``model_dump(mode="json")`` gives JSON-ready data and
``Recommendation.model_validate`` reads it back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ._domain import DIMENSIONS, FIELDS, Scalar
from ._exceptions import AssessmentError
from ._rulemodels import fmt_value
from ._supportmodels import Counterfactual, NextQuestion
from ._values import given_value

__all__ = [
    "Alternative",
    "Assessment",
    "Dimensions",
    "Method",
    "Municipality",
    "Reason",
    "Recommendation",
    "TriageWarning",
    "validate_mapping",
]

Method = Literal["CTI", "ICM", "ACT"]
Score = Literal[0, 1, 2, 3, 4]

_FROZEN = ConfigDict(frozen=True, extra="forbid", strict=True, hide_input_in_errors=True)
#: results are read back from JSON (lists for tuples), so they are not strict
_RESULT = ConfigDict(frozen=True, extra="forbid")
_ASSESSMENT_KEYS = (*(k for k in FIELDS if not k.startswith("dimensions.")), "dimensions")


def _given(value: object) -> str:
    """The value as given, with its kind when it is not text (True vs 'true' vs 1); cut short,
    and for a list, mapping or other object only its kind (never its content, never its repr:
    a huge, deeply nested or hostile value must not break or bloat the message)."""
    if isinstance(value, str):
        return given_value(value)
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (true/false)"
    if isinstance(value, (int, float)):
        return f"{given_value(value)} (a number)"
    return given_value(value)


#: per field: the one type its values have, and the set of allowed values (the hot path)
_ALLOWED: dict[str, tuple[type, frozenset[Scalar]]] = {
    name: (type(spec.values[0]), frozenset(spec.values)) for name, spec in FIELDS.items()
}


#: top-level keys (no dotted names) and life dimensions by their bare name: the fast path
_TOP: dict[str, tuple[type, frozenset[Scalar]]] = {
    k: v for k, v in _ALLOWED.items() if not k.startswith("dimensions.")
}
_DIMS: dict[str, tuple[str, frozenset[Scalar]]] = {
    d: (f"dimensions.{d}", _ALLOWED[f"dimensions.{d}"][1]) for d in DIMENSIONS
}


def validate_mapping(data: Mapping[str, Any]) -> tuple[dict[str, Scalar], list[str]]:
    """Check an assessment mapping against the domain.

    The loop below accepts valid input only; at the first doubt it hands over to
    ``_validate_in_full``, which words every problem.
    """
    facts: dict[str, Scalar] = {}
    for key, value in data.items():
        spec = _TOP.get(key)
        if spec is not None:
            if type(value) is spec[0] and value in spec[1]:
                facts[key] = value
                continue
            if value is None:
                continue
        elif key == "dimensions" and type(value) is dict:
            for dim, score in value.items():
                dspec = _DIMS.get(dim)
                if dspec is not None and type(score) is int and score in dspec[1]:
                    facts[dspec[0]] = score
                elif dspec is None or score is not None:
                    return _validate_in_full(data)
            continue
        elif key == "dimensions" and value is None:
            continue
        return _validate_in_full(data)
    if "support_duration" not in facts:
        facts["support_duration"] = "unknown"
    return facts, []


def _validate_in_full(data: Mapping[str, Any]) -> tuple[dict[str, Scalar], list[str]]:
    """Check an assessment mapping against the domain.

    Returns the flat facts (``dimensions.x`` keys; ``None`` values dropped as "not given";
    ``support_duration`` defaulting to ``unknown``) and one problem line per error, each naming
    the field, the value given and the values allowed. Never coerces a value.
    """
    facts: dict[str, Scalar] = {}
    problems: list[str] = []
    for key, value in data.items():
        if key == "dimensions":
            if value is None:
                continue
            if not isinstance(value, Mapping):
                problems.append(
                    f"field 'dimensions': {_given(value)} is not a mapping; write e.g. "
                    "{mental_health: 3, substance_use: 2} with scores 0-4"
                )
                continue
            for dim, score in value.items():
                name = f"dimensions.{dim}" if type(dim) is str else ""
                spec = FIELDS.get(name)
                if spec is None:
                    problems.append(
                        f"field 'dimensions': unknown life dimension {_given(dim)}; "
                        f"allowed: {', '.join(DIMENSIONS)}"
                    )
                elif score is None:
                    continue
                elif type(score) is int and score in _ALLOWED[name][1]:
                    facts[name] = score
                else:
                    problems.append(
                        f"field '{name}': {_given(score)} is not allowed; allowed: "
                        "0, 1, 2, 3, 4 (0 none, 1 mild, 2 moderate, 3 severe, 4 complete)"
                    )
            continue
        allowed = _ALLOWED.get(key) if isinstance(key, str) and "." not in key else None
        if allowed is not None and type(value) is allowed[0] and value in allowed[1]:
            facts[key] = value
        elif allowed is None:
            problems.append(f"unknown field {_given(key)}; allowed: {', '.join(_ASSESSMENT_KEYS)}")
        elif value is None:
            continue
        else:
            spec = FIELDS[key]
            problems.append(
                f"field '{key}': {_given(value)} is not allowed; allowed: "
                + ", ".join(fmt_value(v) for v in spec.values)
            )
    facts.setdefault("support_duration", "unknown")
    return facts, problems


class Dimensions(BaseModel):
    """VUM-style problem rating per life dimension, 0 none … 4 complete (003 ch. 5)."""

    model_config = _FROZEN
    housing: Score | None = None
    mental_health: Score | None = None
    physical_health: Score | None = None
    finances: Score | None = None
    daily_activities: Score | None = None
    network: Score | None = None
    substance_use: Score | None = None
    education_employment: Score | None = None

    def __repr_args__(self) -> Any:
        # scores are health data: show which dimensions were rated, not how
        return [("rated", sorted(k for k, v in self if v is not None))]


class Assessment(BaseModel):
    """A citizen's assessment answers. Every field is optional (CONTRACT.md "Input").

    ``repr`` shows only which fields were given, never their values: assessments are health
    and social data and reprs end up in logs and notebooks.
    """

    model_config = _FROZEN
    complexity: Literal["mild", "moderate", "severe"] | None = None
    service_use: Literal["significant", "partial", "minimal"] | None = None
    urgency: Literal["routine", "soon", "acute"] | None = None
    support_duration: Literal["transitional", "long_term", "unknown"] = "unknown"
    situation: (
        Literal[
            "shelter_exit",
            "hospital_discharge",
            "treatment_discharge",
            "prison_release",
            "temporary_stay",
            "street",
            "eviction_risk",
            "other",
            "leaving_care",
        ]
        | None
    ) = None
    dimensions: Dimensions | None = None
    negative_service_experiences: bool | None = None
    housing_ready: bool | None = None
    consent: bool | None = None
    proposed_method: Method | None = None
    # Version 1.1 (CONTRACT.md): warnings only, never the method
    current_method: Method | None = None
    housing_plan: bool | None = None
    previous_evictions: bool | None = None
    action_plan_offered: bool | None = None

    def __init__(self, **data: Any) -> None:
        _raise_problems(data)
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise _assessment_error(exc) from None

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Assessment:
        """Validate a mapping; raises ``AssessmentError`` naming every bad field."""
        if isinstance(obj, Mapping):
            _raise_problems(obj)
        elif not isinstance(obj, Assessment):
            raise AssessmentError(
                "an assessment must be a mapping of field: value or an hf_triage.Assessment, "
                f"not {type(obj).__name__}"
            )
        try:
            return super().model_validate(obj, **kwargs)
        except ValidationError as exc:
            raise _assessment_error(exc) from None

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> Assessment:
        """Validate a JSON document; raises ``AssessmentError`` naming every bad field."""
        import json

        try:
            data = json.loads(json_data)
        except ValueError as exc:
            raise AssessmentError(f"the assessment is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise AssessmentError(
                f"an assessment must be a JSON object of field: value, not {type(data).__name__}"
            )
        return cls.model_validate(data, **kwargs)

    @field_validator("support_duration", mode="before")
    @classmethod
    def _no_duration_is_unknown(cls, value: Any) -> Any:
        # null means "not given" for every answer (README, the service's schemas), and a
        # support_duration not given is 'unknown' (CONTRACT.md "Input"): triage() reads None
        # so, and the model must take what triage() takes
        return "unknown" if value is None else value

    @model_validator(mode="before")
    @classmethod
    def _domain_messages(cls, data: Any) -> Any:
        # Any other way in (model_validate_json, nested use) reports in the same words.
        if isinstance(data, Mapping):
            _, problems = validate_mapping(_plain(data))
            if problems:
                raise PydanticCustomError("assessment", "; ".join(problems))
        return data

    def to_facts(self) -> dict[str, Scalar]:
        """The flat facts the engine reads (``dimensions.x`` keys, absent fields left out).

        Computed from the fields on every call (never cached: ``model_copy(update=...)``
        must not carry stale answers).
        """
        facts: dict[str, Scalar] = {
            k: v for k, v in self.__dict__.items() if v is not None and k != "dimensions"
        }
        dims = self.__dict__.get("dimensions")
        if dims is not None:
            facts.update({_DIMS[d][0]: s for d, s in dims.__dict__.items() if s is not None})
        return facts

    def __repr_args__(self) -> Any:
        given = sorted(self.model_fields_set)
        return [("fields_given", given)]


def _plain(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """A mapping with a ``Dimensions`` object turned into its plain mapping."""
    dims = data.get("dimensions")
    if isinstance(dims, Dimensions):
        return {**data, "dimensions": dims.model_dump(exclude_none=True)}
    return data


def _assessment_error(exc: ValidationError) -> AssessmentError:
    """pydantic's error in the project's words: each field and what is wrong, never the value
    (the model hides input in errors; the domain check above already named bad values)."""
    problems = tuple(
        (f"field '{'.'.join(str(p) for p in e['loc'])}': " if e["loc"] else "")
        + str(e["msg"]).removeprefix("Value error, ").removeprefix("invalid assessment: ")
        for e in exc.errors(include_input=False, include_url=False)
    )
    return AssessmentError(f"invalid assessment: {'; '.join(problems)}", problems)


def _raise_problems(data: Mapping[str, Any]) -> None:
    _, problems = validate_mapping(_plain(data))
    if problems:
        raise AssessmentError(f"invalid assessment: {'; '.join(problems)}", tuple(problems))


class Reason(BaseModel):
    """A criterion that led to the method, in plain words, citing its source."""

    model_config = _RESULT
    rule_id: str
    text: str
    source: str = ""


class TriageWarning(BaseModel):
    """Something the caseworker must act on or look at again; never changes the method."""

    model_config = _RESULT
    code: str
    text: str
    source: str = ""
    #: ``warning``: the caseworker should act; ``info``: a reminder (CONTRACT.md "Version 1.1")
    level: Literal["warning", "info"] = "warning"


class Alternative(BaseModel):
    """Why another method was not recommended: the conditions that failed."""

    model_config = _RESULT
    method: Method
    text: str
    rule_ids: tuple[str, ...] = ()


class Recommendation(BaseModel):
    """The recommended support method, with reasons, warnings and what is still open.

    The caseworker decides; this supports the decision.
    """

    model_config = _RESULT
    method: Method | None
    possible_methods: list[Method]
    missing: list[str]
    reasons: list[Reason]
    warnings: list[TriageWarning]
    ruleset_fingerprint: str
    why_not: list[Alternative] = Field(default_factory=list)
    lang: Literal["da", "en"] = "da"
    engine: str = "builtin"
    #: per other method, the smallest changes of the assessed answers that give it (1.1)
    counterfactuals: list[Counterfactual] = Field(default_factory=list)
    #: one ordinal answer one step away changes the method (1.1)
    borderline: bool = False
    #: the missing answers that would decide or change the result, best first (1.1)
    next_questions: list[NextQuestion] = Field(default_factory=list)
    #: the rule set's version from its manifest (rules/ruleset.yaml); None without one (1.1)
    ruleset_version: str | None = None
    #: the facts relied on: the given answers the deciding criteria read
    facts_relied_on: dict[str, bool | int | str] = Field(default_factory=dict)

    @property
    def warning_codes(self) -> list[str]:
        return [w.code for w in self.warnings]

    @property
    def reason_ids(self) -> list[str]:
        return [r.rule_id for r in self.reasons]

    def _repr_html_(self) -> str:
        from ._render import recommendation_html

        html: str = recommendation_html(self)
        return html


class Municipality(BaseModel):
    """The municipality's profile: its portfolio (indsatsvifte) and, optionally, its capacity.

    ``triage()`` reads only ``offers``; the cohort report also reads the staff per method, the
    caseload parameters and the methods currently assigned. A missing method is a gap to fix,
    never a reason to refer to a less intensive one (000 «1 Indsatsvifte»). See
    ``rules/municipality.example.yaml``.
    """

    class Caseload(BaseModel):
        """A caseload parameter: citizens per full-time worker, with its date and its source."""

        model_config = ConfigDict(
            frozen=True, extra="forbid", strict=True, hide_input_in_errors=True
        )
        citizens_per_worker: int = Field(
            gt=0, description="At most this many citizens per full-time worker"
        )
        since: date = Field(description="The date the figure applies from (quoted: '2024-01-01')")
        source: str = Field(min_length=1, description="Where the figure comes from")
        note: str = ""

        @field_validator("since", mode="before")
        @classmethod
        def _iso_date(cls, value: object) -> object:
            # the strict YAML reader refuses bare dates, so a date arrives as quoted text
            if isinstance(value, str):
                # only YYYY-MM-DD: not 20240101, not a week date (issue 16)
                if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
                    try:
                        return date.fromisoformat(value)
                    except ValueError:
                        pass
                raise ValueError(
                    f"{given_value(value)} is not a date; write it quoted as 'YYYY-MM-DD'"
                )
            return value

    # hide_input_in_errors: an error must not echo the citizen ids in ``assigned``
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, hide_input_in_errors=True)
    name: str | None = None
    offers: list[Method] = Field(
        description="Methods the municipality offers; a missing method is a gap to fix "
        "(000 «1 Indsatsvifte»)"
    )
    staff: dict[Method, float] = Field(
        default_factory=dict,
        description="Full-time workers (FTE) per method, each working in that method only "
        "(002 «De økonomiske rammer»; 001)",
    )
    caseload: dict[Method, Caseload] = Field(
        default_factory=dict,
        description="Caseload parameters per method; a method left out uses the default "
        "figures (hf_triage._cohort.DEFAULT_CASELOAD)",
    )
    assigned: dict[str, Method] = Field(
        default_factory=dict,
        description="The method each current citizen is in, by pseudonymous citizen id "
        "(never a CPR number)",
    )

    @model_validator(mode="after")
    def _staff_in_offered_methods(self) -> Municipality:
        for method, fte in self.staff.items():
            if fte < 0:
                raise ValueError(f"staff {method}: {fte} is negative; give full-time workers >= 0")
            if fte > 0 and method not in self.offers:
                raise ValueError(
                    f"staff {method}: {fte} workers, but {method} is not in offers: "
                    f"add {method} to offers or set its staff to 0"
                )
        return self


def fast_model(cls: type[BaseModel], values: dict[str, Any]) -> Any:
    """Build a model from values that are already valid, without re-validating them.

    What ``model_construct`` does, without its per-field default handling: the engine only
    passes complete, validated values, and this is the hot path of every ``triage()`` call.
    A test checks the result equals a validated model.
    """
    obj = object.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj
