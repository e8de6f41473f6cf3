"""The public call ``triage`` and its result, as CONTRACT.md states them."""

from __future__ import annotations

import itertools
import json
import pickle
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

import hf_triage
from hf_triage import (
    Assessment,
    MunicipalityError,
    Recommendation,
    TriageError,
    default_rules,
    load_rules,
    triage,
)

METHODS = ("CTI", "ICM", "ACT")
RANK = {m: i for i, m in enumerate(METHODS)}
COMPLEXITY = ("mild", "moderate", "severe")
SERVICE_USE = ("significant", "partial", "minimal")
DURATION = (None, "unknown", "transitional", "long_term")  # None: the key is absent
DIMENSIONS = (
    "housing",
    "mental_health",
    "physical_health",
    "finances",
    "daily_activities",
    "network",
    "substance_use",
    "education_employment",
)

#: every input key of CONTRACT.md "Input" with every value it allows (dimensions apart)
ALLOWED = {
    "complexity": COMPLEXITY,
    "service_use": SERVICE_USE,
    "urgency": ("routine", "soon", "acute"),
    "support_duration": ("transitional", "long_term", "unknown"),
    "situation": (
        "shelter_exit",
        "hospital_discharge",
        "treatment_discharge",
        "prison_release",
        "temporary_stay",
        "street",
        "eviction_risk",
        "other",
    ),
    "negative_service_experiences": (True, False),
    "housing_ready": (True, False),
    "consent": (True, False),
    "proposed_method": METHODS,
}

FULL = {
    "complexity": "severe",
    "service_use": "minimal",
    "urgency": "acute",
    "support_duration": "long_term",
    "situation": "prison_release",
    "dimensions": {d: 3 for d in DIMENSIONS},
    "negative_service_experiences": True,
    "housing_ready": False,
    "consent": False,
    "proposed_method": "CTI",
}


def reference_method(complexity: str, service_use: str, duration: str | None) -> str:
    """CONTRACT.md "Reference semantics", with only the core answers known."""
    if service_use == "minimal" and complexity == "severe":
        return "ACT"
    if service_use in ("partial", "minimal"):
        return "ICM"
    if complexity == "severe" or duration == "long_term":
        return "ICM"
    return "CTI"


def core(complexity: str, service_use: str, duration: str | None = None) -> dict[str, object]:
    answers: dict[str, object] = {"complexity": complexity, "service_use": service_use}
    if duration is not None:
        answers["support_duration"] = duration
    return answers


# --- input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"), [(k, v) for k, values in ALLOWED.items() for v in values]
)
def test_every_allowed_value_is_accepted(key: str, value: object) -> None:
    rec = triage({"complexity": "moderate", "service_use": "partial", key: value})
    assert isinstance(rec, Recommendation)
    if key not in ("complexity", "service_use", "support_duration"):
        assert rec.method == "ICM"


@pytest.mark.parametrize("dimension", DIMENSIONS)
@pytest.mark.parametrize("score", [0, 1, 2, 3, 4])
def test_every_dimension_score_is_accepted(dimension: str, score: int) -> None:
    rec = triage(
        {"complexity": "moderate", "service_use": "partial", "dimensions": {dimension: score}}
    )
    assert rec.method == "ICM"


def test_every_field_is_optional() -> None:
    rec = triage({})
    assert rec.method is None
    assert rec.possible_methods == ["CTI", "ICM", "ACT"]
    assert sorted(rec.missing) == ["complexity", "service_use"]


@pytest.mark.parametrize("key", sorted(ALLOWED))
def test_each_field_alone_is_a_valid_assessment(key: str) -> None:
    rec = triage({key: ALLOWED[key][0]})
    assert set(rec.possible_methods) <= set(METHODS)
    assert rec.possible_methods


def test_empty_dimensions_mapping_is_accepted() -> None:
    assert triage({**core("mild", "significant"), "dimensions": {}}).method == "CTI"


def test_full_assessment_with_every_key_is_accepted() -> None:
    rec = triage(FULL)
    assert rec.method == "ACT"


def test_any_mapping_is_accepted_not_only_dict() -> None:
    rec = triage(MappingProxyType(core("severe", "minimal")))
    assert rec.method == "ACT"


# --- output --------------------------------------------------------------------------------


def test_output_attributes_have_contract_types() -> None:
    rec = triage({**core("moderate", "partial"), "urgency": "acute", "consent": True})
    assert rec.method == "ICM"
    assert rec.possible_methods == ["ICM"]
    assert rec.missing == []
    assert rec.reasons, "a decided method comes with reasons"
    for reason in rec.reasons:
        assert isinstance(reason.rule_id, str) and reason.rule_id
        assert isinstance(reason.text, str) and len(reason.text) > 20
    assert [w.code for w in rec.warnings] == ["start-support-now"]
    for warning in rec.warnings:
        assert isinstance(warning.text, str) and len(warning.text) > 20
    assert isinstance(rec.ruleset_fingerprint, str) and len(rec.ruleset_fingerprint) >= 16


def test_reasons_are_criteria_of_the_recommended_method() -> None:
    rules = default_rules()
    for c, s, d in itertools.product(COMPLEXITY, SERVICE_USE, DURATION):
        rec = triage(core(c, s, d))
        assert rec.reasons, (c, s, d)
        for reason in rec.reasons:
            assert rules.criterion(reason.rule_id).method == rec.method, (c, s, d, reason)


def test_fingerprint_is_the_rule_sets() -> None:
    rec = triage(core("mild", "significant"))
    assert rec.ruleset_fingerprint == default_rules().fingerprint


def test_model_dump_json_has_every_contract_key_and_is_json() -> None:
    rec = triage({**core("severe", "minimal"), "urgency": "acute", "consent": True})
    data = rec.model_dump(mode="json")
    assert {
        "method",
        "possible_methods",
        "missing",
        "reasons",
        "warnings",
        "ruleset_fingerprint",
    } <= set(data)
    assert data["method"] == "ACT"
    assert data["possible_methods"] == ["ACT"]
    assert data["missing"] == []
    assert all({"rule_id", "text"} <= set(r) for r in data["reasons"])
    assert [w["code"] for w in data["warnings"]] == ["start-support-now"]
    assert json.loads(json.dumps(data)) == data


ROUND_TRIP_CASES: list[dict[str, Any]] = [
    {},
    {"complexity": "severe"},
    core("mild", "significant"),
    {**core("severe", "minimal"), "urgency": "acute", "housing_ready": True},
    {**core("moderate", "partial"), "proposed_method": "CTI", "consent": False},
]


@pytest.mark.parametrize("answers", ROUND_TRIP_CASES)
def test_json_text_round_trips(answers: dict[str, object]) -> None:
    rec = triage(answers, municipality={"offers": ["CTI"]})
    assert Recommendation.model_validate_json(rec.model_dump_json()) == rec


@pytest.mark.parametrize("lang", ["da", "en"])
def test_model_dump_json_mode_round_trips_via_model_validate(lang: str) -> None:
    for answers in ROUND_TRIP_CASES:
        rec = triage(answers, lang=lang, municipality={"offers": ["CTI"]})
        data = rec.model_dump(mode="json")
        again = Recommendation.model_validate(data)
        assert again == rec
        assert again.model_dump(mode="json") == data


def test_undecided_result_round_trips_via_model_validate() -> None:
    rec = triage({"complexity": "severe", "urgency": "acute"})
    assert Recommendation.model_validate(rec.model_dump(mode="json")) == rec


# --- municipality --------------------------------------------------------------------------


def test_municipality_offering_the_method_adds_no_warning() -> None:
    # consent and a critical transition given: no reminder (info) either (rule set 1.1)
    answers = {
        **core("mild", "significant", "transitional"),
        "consent": True,
        "situation": "shelter_exit",
    }
    rec = triage(answers, municipality={"offers": ["CTI"]})
    assert rec.method == "CTI"
    assert rec.warnings == []


def test_municipality_lacking_the_method_warns_but_keeps_the_method() -> None:
    rec = triage(core("severe", "minimal"), municipality={"offers": ["CTI", "ICM"]})
    assert rec.method == "ACT"
    assert "method-not-offered" in [w.code for w in rec.warnings]


def test_municipality_model_is_accepted_like_the_mapping() -> None:
    answers = core("severe", "minimal")
    as_model = triage(answers, municipality=hf_triage.Municipality(offers=["CTI"]))
    as_mapping = triage(answers, municipality={"offers": ["CTI"]})
    assert as_model.model_dump() == as_mapping.model_dump()


@pytest.mark.parametrize(
    ("municipality", "shown"),
    [
        ({"offers": ["CTI", "XYZ"]}, "XYZ"),
        ({"offers": ["cti"]}, "cti"),
        ({"offers": "CTI"}, "CTI"),
        ({"offers": [1]}, "1"),
    ],
)
def test_bad_municipality_raises_municipality_error_naming_the_value(
    municipality: dict[str, object], shown: str
) -> None:
    with pytest.raises(MunicipalityError) as info:
        triage(core("mild", "significant"), municipality=municipality)
    assert isinstance(info.value, TriageError)
    assert isinstance(info.value, ValueError)
    assert shown in str(info.value)
    assert "offers" in str(info.value)


def test_municipality_without_offers_is_an_error() -> None:
    with pytest.raises(MunicipalityError, match="offers"):
        triage(core("mild", "significant"), municipality={"name": "Aarhus"})


def test_municipality_with_unknown_key_is_an_error() -> None:
    with pytest.raises(MunicipalityError, match="colour"):
        triage(core("mild", "significant"), municipality={"offers": ["CTI"], "colour": "red"})


def test_municipality_that_is_not_a_mapping_is_an_error() -> None:
    with pytest.raises(MunicipalityError):
        triage(core("mild", "significant"), municipality=["CTI"])  # type: ignore[arg-type]


# --- rules= --------------------------------------------------------------------------------


def test_rules_from_a_copied_directory_give_the_same_results(rules_copy: Path) -> None:
    rules = load_rules(rules_copy)
    for c, s, d in itertools.product(COMPLEXITY, SERVICE_USE, DURATION):
        answers = core(c, s, d)
        assert triage(answers, rules=rules).model_dump() == triage(answers).model_dump()


def test_edited_rules_are_used(rules_copy: Path) -> None:
    icm = rules_copy / "icm.yaml"
    text = icm.read_text(encoding="utf-8")
    old = "other services: the ICM target group."
    assert old in text
    icm.write_text(text.replace(old, "other services: EDITED REASON TEXT."), encoding="utf-8")
    rules = load_rules(rules_copy)
    rec = triage(core("moderate", "partial"), rules=rules, lang="en")
    assert rec.method == "ICM"
    assert any(r.text.endswith("EDITED REASON TEXT.") for r in rec.reasons)
    assert rec.ruleset_fingerprint == rules.fingerprint != default_rules().fingerprint


def test_edited_criterion_changes_the_method(rules_copy: Path) -> None:
    # Policy staff widen the ICM criterion to significant service use: the edited rules decide.
    icm = rules_copy / "icm.yaml"
    text = icm.read_text(encoding="utf-8")
    old = "when: {field: service_use, is: partial}"
    assert old in text
    icm.write_text(
        text.replace(old, "when: {field: service_use, one_of: [partial, significant]}"), "utf-8"
    )
    answers = core("mild", "significant", "transitional")
    assert triage(answers).method == "CTI"
    rec = triage(answers, rules=load_rules(rules_copy))
    assert rec.method == "ICM"
    assert [r.rule_id for r in rec.reasons] == ["icm-partial-service-use"]


# --- lang ----------------------------------------------------------------------------------


def test_default_language_is_danish() -> None:
    answers = {**core("severe", "minimal"), "urgency": "acute"}
    assert triage(answers).model_dump() == triage(answers, lang="da").model_dump()


def test_english_texts_differ_from_danish() -> None:
    answers = {
        **core("mild", "significant"),
        "urgency": "acute",
        "housing_ready": True,
        "consent": False,
    }
    da = triage(answers, lang="da")
    en = triage(answers, lang="en")
    assert da.method == en.method == "CTI"
    assert [r.rule_id for r in da.reasons] == [r.rule_id for r in en.reasons]
    assert [w.code for w in da.warnings] == [w.code for w in en.warnings]
    assert len(da.warnings) == 5  # rule set 1.1 adds cti-transition-unclear (info)
    for d, e in zip(da.reasons, en.reasons, strict=True):
        assert d.text != e.text
    for w_da, w_en in zip(da.warnings, en.warnings, strict=True):
        assert w_da.text != w_en.text
    assert "target group" in en.reasons[0].text
    assert "målgruppen" in da.reasons[0].text


@pytest.mark.parametrize("lang", ["de", "DA", "", "english"])
def test_unknown_language_is_a_triage_error(lang: str) -> None:
    with pytest.raises(TriageError) as info:
        triage(core("mild", "significant"), lang=lang)
    assert repr(lang) in str(info.value) or lang in str(info.value)
    assert "da" in str(info.value) and "en" in str(info.value)


# --- Assessment objects --------------------------------------------------------------------


def test_assessment_object_gives_the_same_result_as_the_mapping() -> None:
    assert triage(Assessment(**FULL)).model_dump() == triage(FULL).model_dump()


def test_assessment_object_equals_mapping_over_the_core_grid() -> None:
    for c, s, d in itertools.product((None, *COMPLEXITY), (None, *SERVICE_USE), DURATION):
        answers: dict[str, Any] = {
            k: v
            for k, v in (("complexity", c), ("service_use", s), ("support_duration", d))
            if v is not None
        }
        answers["dimensions"] = {"mental_health": 3, "substance_use": 3}
        from_object = triage(Assessment.model_validate(answers), lang="en")
        assert from_object.model_dump() == triage(answers, lang="en").model_dump(), answers


def test_assessment_round_trips_through_model_dump() -> None:
    assessment = Assessment(**FULL)
    assert Assessment.model_validate(assessment.model_dump()) == assessment
    assert Assessment.model_validate_json(assessment.model_dump_json()) == assessment


def test_assessment_accepts_a_dimensions_object() -> None:
    assessment = Assessment(
        complexity="mild",
        service_use="minimal",
        dimensions=hf_triage.Dimensions(mental_health=3, substance_use=3),
    )
    assert triage(assessment).method == "ACT"


def test_results_and_assessments_pickle() -> None:
    # cohorts run in worker processes: results and assessments must travel between them
    rec = triage(FULL, municipality={"offers": ["CTI"]})
    assert pickle.loads(pickle.dumps(rec)) == rec
    assessment = Assessment(**FULL)
    assert pickle.loads(pickle.dumps(assessment)) == assessment


def test_repr_of_assessment_hides_the_answers() -> None:
    assessment = Assessment(
        complexity="severe",
        service_use="minimal",
        urgency="acute",
        situation="prison_release",
        support_duration="long_term",
        proposed_method="ACT",
        dimensions={"mental_health": 4, "substance_use": 4},
        consent=False,
    )
    for shown in (repr(assessment), str(assessment)):
        for value in ("severe", "minimal", "acute", "prison_release", "long_term", "ACT", "4"):
            assert value not in shown, (value, shown)
        assert "False" not in shown
    assert "complexity" in repr(assessment)  # which fields were given is fine to show


# --- reference semantics -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("complexity", "service_use", "duration"),
    list(itertools.product(COMPLEXITY, SERVICE_USE, DURATION)),
)
def test_reference_semantics_with_only_core_answers(
    complexity: str, service_use: str, duration: str | None
) -> None:
    rec = triage(core(complexity, service_use, duration))
    expected = reference_method(complexity, service_use, duration)
    assert rec.method == expected
    assert rec.possible_methods == [expected]
    assert rec.missing == []


@pytest.mark.parametrize("complexity", COMPLEXITY)
@pytest.mark.parametrize("duration", DURATION)
def test_severe_mental_illness_and_substance_use_with_minimal_service_use_gives_act(
    complexity: str, duration: str | None
) -> None:
    for mental, substance in itertools.product(range(5), range(5)):
        answers = {
            **core(complexity, "minimal", duration),
            "dimensions": {"mental_health": mental, "substance_use": substance},
        }
        rec = triage(answers)
        if mental >= 3 and substance >= 3:
            assert rec.method == "ACT", answers
        else:
            assert rec.method == reference_method(complexity, "minimal", duration), answers


def test_dimension_scores_never_lower_the_core_method() -> None:
    for c, s, d in itertools.product(COMPLEXITY, SERVICE_USE, DURATION):
        base = RANK[reference_method(c, s, d)]
        for dimension, score in itertools.product(DIMENSIONS, range(5)):
            rec = triage({**core(c, s, d), "dimensions": {dimension: score}})
            assert rec.method is not None
            assert RANK[rec.method] >= base, (c, s, d, dimension, score)


# --- determinism ---------------------------------------------------------------------------


def test_same_input_twice_gives_equal_results() -> None:
    first = triage(FULL, municipality={"offers": ["ICM"]}, lang="en")
    second = triage(dict(FULL), municipality={"offers": ["ICM"]}, lang="en")
    assert first.model_dump() == second.model_dump()
    assert first is not second


def test_fingerprint_is_stable_for_a_copied_rule_directory(rules_copy: Path) -> None:
    assert load_rules(rules_copy).fingerprint == default_rules().fingerprint
    assert load_rules(rules_copy).fingerprint == load_rules(rules_copy).fingerprint


def test_fingerprint_changes_when_a_reason_text_is_edited(rules_copy: Path) -> None:
    before = load_rules(rules_copy).fingerprint
    act = rules_copy / "act.yaml"
    text = act.read_text(encoding="utf-8")
    old = "which provides both social support and treatment."
    assert old in text
    act.write_text(text.replace(old, "which provides social support and treatment."), "utf-8")
    after = load_rules(rules_copy).fingerprint
    assert after != before
    assert (
        triage(core("severe", "minimal"), rules=load_rules(rules_copy)).ruleset_fingerprint == after
    )


def test_mutating_a_result_does_not_change_later_results() -> None:
    answers = {**core("severe", "minimal"), "urgency": "acute"}
    first = triage(answers)
    expected = first.model_dump()
    first.reasons.clear()
    first.warnings.clear()
    first.possible_methods.append("CTI")
    assert triage(answers).model_dump() == expected


def test_model_copy_with_update_is_triaged_on_the_new_answers() -> None:
    first = Assessment(complexity="mild", service_use="significant")
    assert triage(first).method == "CTI"
    copied = first.model_copy(update={"service_use": "minimal", "complexity": "severe"})
    assert triage(copied).method == "ACT"


def test_a_recommendation_says_decided_by_its_method_alone() -> None:
    # Issue 9: ``Recommendation.decided`` was dead code (named in no contract, used nowhere):
    # removed. Decided is ``method is not None`` with ``possible_methods == [method]``.
    decided = triage({"complexity": "mild", "service_use": "significant"})
    undecided = triage({})
    assert decided.method is not None and decided.possible_methods == [decided.method]
    assert undecided.method is None and len(undecided.possible_methods) > 1
    assert not hasattr(Recommendation, "decided")
    assert "decided" not in decided.model_dump()


ANSWERS = {"complexity": "mild", "service_use": "significant"}


def test_rules_that_are_not_a_compiled_rule_set_are_refused_with_the_fix() -> None:
    with pytest.raises(hf_triage.TriageError, match=r"not str: write rules=load_rules"):
        hf_triage.triage(ANSWERS, rules="rules/")  # type: ignore[arg-type]


def test_an_unknown_engine_is_refused_with_the_allowed_ones() -> None:
    with pytest.raises(hf_triage.TriageError, match=r"'nope' is not known; allowed: builtin"):
        hf_triage.triage(ANSWERS, engine="nope")


def test_a_bad_assigned_method_is_reported_without_the_citizen_id() -> None:
    profile = {"offers": ["CTI"], "assigned": {"cpr-0101": "XYZ"}}
    with pytest.raises(hf_triage.MunicipalityError) as caught:
        hf_triage.triage(ANSWERS, municipality=profile)
    assert "'assigned.<citizen>'" in str(caught.value)
    assert "cpr-0101" not in str(caught.value)
