"""The finite input domain: every assessment field, its values and their order.

This table is the single description of the input that the rule loader, the compiler, the
engine and the checker share. The pydantic ``Assessment`` model mirrors it (a test keeps the two
in step). Field names in rules are the assessment keys; life dimensions are written
``dimensions.<name>``. Derived fields exist only for warnings: ``method`` (the recommended
method, set when decided), ``least_possible_method`` (the least intensive of the possible
methods, set always: the method itself when decided), ``method_offered`` (set when decided
and a municipality portfolio was given), ``highest_dimension`` (the highest rating among the
life dimensions given, absent when none is), ``possible_method_offered`` (set when a portfolio was
given: whether any possible method is in it) and ``missing_complexity`` / ``missing_service_use``
(``true`` when that answer is among ``missing``: it would decide an open result).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from ._types import Scalar

__all__ = [
    "CORE_FIELDS",
    "COURSE_FIELDS",
    "DEFAULT_DOMAIN",
    "DERIVED_FIELDS",
    "DIMENSIONS",
    "FIELDS",
    "INVARIANT_FIELDS",
    "METHODS",
    "Domain",
    "FieldSpec",
    "Scalar",
    "intensity",
]

#: intensity order, least to most intensive (CONTRACT.md "Reference semantics")
METHODS: tuple[str, ...] = ("CTI", "ICM", "ACT")

DIMENSIONS: tuple[str, ...] = (
    "housing",
    "mental_health",
    "physical_health",
    "finances",
    "daily_activities",
    "network",
    "substance_use",
    "education_employment",
)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of the input domain.

    ``values`` lists the allowed values; for an ordered field they run from the least to the
    most severe, so that "worse" means a later value (the monotonicity guarantee). ``kind``
    says how rules may compare it: ``enum`` (is / one_of), ``ordinal`` (also at_least /
    at_most), ``bool``, or ``days`` (a whole number of days, 0 and up, compared with at_least /
    at_most against a number or a named parameter; ``values`` is empty).
    """

    name: str
    values: tuple[Scalar, ...]
    kind: Literal["enum", "ordinal", "bool", "days"]
    monotone: bool = False
    label_da: str = ""
    label_en: str = ""


_BOOL: tuple[Scalar, ...] = (False, True)
_SCORES: tuple[Scalar, ...] = (0, 1, 2, 3, 4)

_SPECS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "complexity",
        ("mild", "moderate", "severe"),
        "ordinal",
        monotone=True,
        label_da="problemernes kompleksitet",
        label_en="complexity of problems",
    ),
    FieldSpec(
        "service_use",
        ("significant", "partial", "minimal"),
        "ordinal",
        monotone=True,
        label_da="evne til at bruge eksisterende tilbud",
        label_en="ability to use existing services",
    ),
    FieldSpec(
        "urgency",
        ("routine", "soon", "acute"),
        "ordinal",
        label_da="hast",
        label_en="urgency",
    ),
    FieldSpec(
        "support_duration",
        # 'unknown' sits apart from the order: only transitional -> long_term is "worse".
        ("unknown", "transitional", "long_term"),
        "enum",
        label_da="forventet støttebehov",
        label_en="expected support need",
    ),
    FieldSpec(
        "situation",
        (
            "shelter_exit",
            "hospital_discharge",
            "treatment_discharge",
            "prison_release",
            "temporary_stay",
            "street",
            "eviction_risk",
            "other",
            # Version 1.1: a young person leaving a placement in care (003 §3.2)
            "leaving_care",
        ),
        "enum",
        label_da="boligsituation",
        label_en="housing situation",
    ),
    *(
        FieldSpec(
            f"dimensions.{name}",
            _SCORES,
            "ordinal",
            monotone=True,
            label_da=f"livsområde {name}",
            label_en=f"life dimension {name}",
        )
        for name in DIMENSIONS
    ),
    FieldSpec(
        "negative_service_experiences",
        _BOOL,
        "bool",
        label_da="negative erfaringer med hjælpesystemet",
        label_en="negative experiences with the help systems",
    ),
    FieldSpec(
        "housing_ready", _BOOL, "bool", label_da="boligparathed", label_en="housing readiness"
    ),
    FieldSpec("consent", _BOOL, "bool", label_da="samtykke", label_en="consent"),
    FieldSpec(
        "proposed_method",
        METHODS,
        "ordinal",
        label_da="foreslået metode",
        label_en="proposed method",
    ),
    # Version 1.1 (CONTRACT.md): answers that only add warnings, never change the method.
    FieldSpec(
        "current_method",
        METHODS,
        "ordinal",
        label_da="nuværende metode",
        label_en="current method",
    ),
    FieldSpec("housing_plan", _BOOL, "bool", label_da="boligplan", label_en="housing plan"),
    FieldSpec(
        "previous_evictions",
        _BOOL,
        "bool",
        label_da="tidligere udsættelser",
        label_en="previous evictions",
    ),
    FieldSpec(
        "action_plan_offered",
        _BOOL,
        "bool",
        label_da="§ 141-handleplan tilbudt",
        label_en="§ 141 action plan offered",
    ),
)

_DERIVED: tuple[FieldSpec, ...] = (
    FieldSpec("method", METHODS, "ordinal", label_da="anbefalet metode", label_en="method"),
    FieldSpec(
        "least_possible_method",
        METHODS,
        "ordinal",
        label_da="mindst intensive mulige metode",
        label_en="least intensive possible method",
    ),
    FieldSpec(
        "method_offered",
        _BOOL,
        "bool",
        label_da="metoden tilbydes i kommunen",
        label_en="method offered by the municipality",
    ),
    # the highest rating over the life dimensions given (absent when none is rated): lets a
    # warning say "every dimension rated is 0-1" without listing eight alternatives
    FieldSpec(
        "highest_dimension",
        _SCORES,
        "ordinal",
        label_da="højeste vurdering på livsområderne",
        label_en="highest life dimension rating",
    ),
    # set when a portfolio was given: whether any of ``possible_methods`` is offered
    FieldSpec(
        "possible_method_offered",
        _BOOL,
        "bool",
        label_da="en mulig metode tilbydes i kommunen",
        label_en="a possible method is offered by the municipality",
    ),
    # set (true) only when the answer is one of ``missing``: it would decide an open result
    FieldSpec(
        "missing_complexity",
        _BOOL,
        "bool",
        label_da="mangler svar på problemernes kompleksitet",
        label_en="complexity of problems is missing",
    ),
    FieldSpec(
        "missing_service_use",
        _BOOL,
        "bool",
        label_da="mangler svar på evne til at bruge eksisterende tilbud",
        label_en="ability to use existing services is missing",
    ),
)

#: every assessment field, keyed by the name rules use
FIELDS: dict[str, FieldSpec] = {spec.name: spec for spec in _SPECS}
#: fields that exist only while warnings are evaluated
DERIVED_FIELDS: dict[str, FieldSpec] = {spec.name: spec for spec in _DERIVED}
#: the answers that decide a method; unknown ones make a result partial
CORE_FIELDS: tuple[str, ...] = ("complexity", "service_use")
#: answers that must never change the method (CONTRACT.md "Guarantees")
INVARIANT_FIELDS: tuple[str, ...] = (
    "urgency",
    "housing_ready",
    "consent",
    "proposed_method",
    "situation",
    # Version 1.1 (CONTRACT.md): "the invariance guarantee extends to them"
    "current_method",
    "housing_plan",
    "previous_evictions",
    "action_plan_offered",
)

_COURSE: tuple[FieldSpec, ...] = (
    FieldSpec("method", METHODS, "ordinal", label_da="metode", label_en="method"),
    FieldSpec(
        "cti_phase",
        ("phase_1", "phase_2", "phase_3", "beyond_nine_months"),
        "ordinal",
        label_da="CTI-fase",
        label_en="CTI phase",
    ),
    FieldSpec(
        "intensity_trend",
        ("unknown", "tapering", "not_tapering"),
        "enum",
        label_da="støttens udvikling",
        label_en="support intensity trend",
    ),
    FieldSpec(
        "need_beyond_nine_months",
        _BOOL,
        "bool",
        label_da="behov ud over ni måneder",
        label_en="need beyond nine months",
    ),
    FieldSpec(
        "next_step",
        ("none", "section_85", "other"),
        "enum",
        label_da="planlagt næste skridt",
        label_en="planned next step",
    ),
    FieldSpec(
        "support_person_changes",
        _BOOL,
        "bool",
        label_da="skift af støtteperson",
        label_en="support person changes",
    ),
    FieldSpec(
        "person_change_suitable",
        _BOOL,
        "bool",
        label_da="skiftet er hensigtsmæssigt",
        label_en="change of person suits the citizen",
    ),
    FieldSpec(
        "admission",
        ("none", "hospital", "treatment", "prison"),
        "enum",
        label_da="indlæggelse eller afsoning",
        label_en="admission or prison term",
    ),
    FieldSpec(
        "days_admitted", (), "days", label_da="dage indlagt/indsat", label_en="days admitted"
    ),
    FieldSpec(
        "prison_term_days", (), "days", label_da="fængselsstraffens længde", label_en="prison term"
    ),
    FieldSpec(
        "days_without_contact",
        (),
        "days",
        label_da="dage uden kontakt",
        label_en="days without contact",
    ),
    FieldSpec("ended", _BOOL, "bool", label_da="forløbet er afsluttet", label_en="course ended"),
    FieldSpec(
        "ending_reason",
        ("moved_out", "citizen_no", "stable", "lost_contact", "prison_term", "other"),
        "enum",
        label_da="årsag til afslutning",
        label_en="reason for ending",
    ),
    FieldSpec("stable_days", (), "days", label_da="dage i stabil periode", label_en="days stable"),
    FieldSpec(
        "handover_plan", _BOOL, "bool", label_da="overdragelsesplan", label_en="hand-over plan"
    ),
    FieldSpec(
        "citizen_declined",
        _BOOL,
        "bool",
        label_da="borgeren har sagt nej",
        label_en="citizen said no",
    ),
    FieldSpec("moved_out", _BOOL, "bool", label_da="fraflyttet kommunen", label_en="moved out"),
)

#: the facts ``review_course`` derives from a course record: what follow-up rules read
COURSE_FIELDS: dict[str, FieldSpec] = {spec.name: spec for spec in _COURSE}

_RANK = {m: i for i, m in enumerate(METHODS)}


def intensity(method: str) -> int:
    """Rank of a method in the intensity order CTI < ICM < ACT."""
    return _RANK[method]


@dataclass(frozen=True, eq=False)
class Domain:
    """The input domain a rule set is compiled against: part of the rule set and its fingerprint.

    ``DEFAULT_DOMAIN`` is the assessment of CONTRACT.md; a benchmark or a test that needs more
    fields builds its own with ``with_fields`` instead of changing the module tables.
    """

    #: assessment fields, in domain order
    fields: Mapping[str, FieldSpec]
    #: fields that exist only while warnings are evaluated
    derived: Mapping[str, FieldSpec]
    #: course facts (follow-up rules)
    course: Mapping[str, FieldSpec]

    def spec(self, name: str) -> FieldSpec:
        """The spec of an assessment, derived or course field (in that order of precedence)."""
        return self.fields.get(name) or self.derived.get(name) or self.course[name]

    def with_fields(self, *specs: FieldSpec) -> Domain:
        """A new domain with ``specs`` added to (or replacing) the assessment fields."""
        fields = {**self.fields, **{s.name: s for s in specs}}
        return Domain(MappingProxyType(fields), self.derived, self.course)

    def describe(self) -> list[dict[str, Any]]:
        """Canonical data for the fingerprint: every field, its values, kind and order."""
        return [
            {
                "group": group,
                "name": s.name,
                "values": list(s.values),
                "kind": s.kind,
                "monotone": s.monotone,
            }
            for group, table in (
                ("assessment", self.fields),
                ("derived", self.derived),
                ("course", self.course),
            )
            for s in table.values()
        ]


#: the assessment domain of CONTRACT.md (the tables above, frozen)
DEFAULT_DOMAIN = Domain(
    MappingProxyType(dict(FIELDS)),
    MappingProxyType(dict(DERIVED_FIELDS)),
    MappingProxyType(dict(COURSE_FIELDS)),
)
