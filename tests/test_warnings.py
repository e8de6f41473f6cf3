"""Every warning code of CONTRACT.md: present when it should be, absent when it should not.

The baselines record consent and, for CTI, a critical transition, so that the reminders
'consent-not-recorded' and 'cti-transition-unclear' (info level, rule set 1.2) stay out of the
way of the codes under test.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import pytest

from hf_triage import triage

METHODS = ("CTI", "ICM", "ACT")
RANK = {m: i for i, m in enumerate(METHODS)}
COMPLEXITY = ("mild", "moderate", "severe")
SERVICE_USE = ("significant", "partial", "minimal")
CONTRACT_CODES = {
    "start-support-now",
    "housing-readiness-not-a-criterion",
    "cti-duration-unassessed",
    "below-assessed-need",
    "method-not-offered",
    "consent-missing",
    "inconsistent-answers",
}

#: core answers giving each method without any inconsistency or duration warning
FOR_METHOD = {
    "CTI": {
        "complexity": "moderate",
        "service_use": "significant",
        "support_duration": "transitional",
        "situation": "shelter_exit",
        "consent": True,
    },
    "ICM": {"complexity": "moderate", "service_use": "partial", "consent": True},
    "ACT": {"complexity": "severe", "service_use": "minimal", "consent": True},
}


def codes(answers: Mapping[str, object], **kwargs: object) -> list[str]:
    return [w.code for w in triage(answers, **kwargs).warnings]  # type: ignore[arg-type]


def acting(answers: dict[str, object], **kwargs: object) -> list[str]:
    """The codes of level 'warning' (what the caseworker should act on), without reminders."""
    rec = triage(answers, **kwargs)  # type: ignore[arg-type]
    return [w.code for w in rec.warnings if w.level == "warning"]


def test_baseline_cases_carry_no_warning() -> None:
    for method, answers in FOR_METHOD.items():
        rec = triage(answers)
        assert rec.method == method
        assert rec.warnings == []


def test_every_warning_has_a_code_and_a_text_in_both_languages() -> None:
    answers = {
        "complexity": "mild",
        "service_use": "minimal",
        "urgency": "acute",
        "housing_ready": False,
        "consent": False,
        "proposed_method": "CTI",
    }
    da = triage(answers, municipality={"offers": ["CTI"]}, lang="da")
    en = triage(answers, municipality={"offers": ["CTI"]}, lang="en")
    assert da.method == "ICM"
    assert {w.code for w in da.warnings} == CONTRACT_CODES - {"cti-duration-unassessed"}
    for d, e in zip(da.warnings, en.warnings, strict=True):
        assert d.code == e.code
        assert d.text and e.text and d.text != e.text


# --- start-support-now ---------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_acute_urgency_warns_start_support_now(method: str) -> None:
    assert codes({**FOR_METHOD[method], "urgency": "acute"}) == ["start-support-now"]


@pytest.mark.parametrize("urgency", [None, "routine", "soon"])
def test_non_acute_urgency_does_not_warn(urgency: str | None) -> None:
    answers = (
        {**FOR_METHOD["ICM"]} if urgency is None else {**FOR_METHOD["ICM"], "urgency": urgency}
    )
    assert "start-support-now" not in codes(answers)


def test_acute_urgency_warns_even_when_undecided() -> None:
    rec = triage({"urgency": "acute"})
    assert rec.method is None
    assert acting({"urgency": "acute"}) == ["start-support-now"]


# --- housing-readiness-not-a-criterion -----------------------------------------------------


@pytest.mark.parametrize("ready", [True, False])
@pytest.mark.parametrize("method", METHODS)
def test_housing_readiness_given_warns_and_never_changes_the_method(
    ready: bool, method: str
) -> None:
    rec = triage({**FOR_METHOD[method], "housing_ready": ready})
    assert rec.method == method
    assert [w.code for w in rec.warnings] == ["housing-readiness-not-a-criterion"]


@pytest.mark.parametrize("ready", [True, False])
def test_housing_readiness_warns_when_undecided(ready: bool) -> None:
    rec = triage({"complexity": "severe", "housing_ready": ready})
    assert rec.method is None
    assert rec.possible_methods == triage({"complexity": "severe"}).possible_methods
    assert "housing-readiness-not-a-criterion" in [w.code for w in rec.warnings]


def test_housing_readiness_absent_does_not_warn() -> None:
    for answers in FOR_METHOD.values():
        assert "housing-readiness-not-a-criterion" not in codes(answers)


# --- cti-duration-unassessed ---------------------------------------------------------------


@pytest.mark.parametrize("complexity", ["mild", "moderate"])
@pytest.mark.parametrize("duration", [None, "unknown"])
def test_cti_with_unknown_duration_warns(complexity: str, duration: str | None) -> None:
    answers: dict[str, object] = {
        "complexity": complexity,
        "service_use": "significant",
        "situation": "shelter_exit",
        "consent": True,
    }
    if duration is not None:
        answers["support_duration"] = duration
    rec = triage(answers)
    assert rec.method == "CTI"
    assert [w.code for w in rec.warnings] == ["cti-duration-unassessed"]


def test_cti_with_transitional_duration_does_not_warn() -> None:
    rec = triage(
        {"complexity": "mild", "service_use": "significant", "support_duration": "transitional"}
    )
    assert rec.method == "CTI"
    assert "cti-duration-unassessed" not in [w.code for w in rec.warnings]


def test_duration_warning_only_for_cti() -> None:
    for c, s in itertools.product(COMPLEXITY, SERVICE_USE):
        rec = triage({"complexity": c, "service_use": s})
        assert ("cti-duration-unassessed" in [w.code for w in rec.warnings]) == (
            rec.method == "CTI"
        ), (c, s)


def test_duration_warning_not_given_when_undecided() -> None:
    rec = triage({"service_use": "significant"})
    assert rec.method is None
    assert "CTI" in rec.possible_methods
    assert "cti-duration-unassessed" not in [w.code for w in rec.warnings]


# --- below-assessed-need -------------------------------------------------------------------


@pytest.mark.parametrize(("proposed", "method"), list(itertools.product(METHODS, METHODS)))
def test_below_assessed_need_exactly_when_proposal_is_less_intensive(
    proposed: str, method: str
) -> None:
    rec = triage({**FOR_METHOD[method], "proposed_method": proposed})
    assert rec.method == method, "a proposal never changes the method"
    warned = "below-assessed-need" in [w.code for w in rec.warnings]
    assert warned == (RANK[proposed] < RANK[method])
    above = "above-assessed-need" in [w.code for w in rec.warnings]
    assert above == (RANK[proposed] > RANK[method])
    others = {"below-assessed-need", "above-assessed-need"}
    assert [w.code for w in rec.warnings if w.code not in others] == []


def test_below_assessed_need_while_undecided_when_every_possible_method_is_above() -> None:
    # 000 «1 Indsatsvifte»: don't start everyone in CTI, even before complexity is known
    rec = triage({"service_use": "minimal", "proposed_method": "CTI"})
    assert rec.method is None and rec.possible_methods == ["ICM", "ACT"]
    assert "below-assessed-need" in rec.warning_codes
    open_to_cti = triage({"service_use": "significant", "proposed_method": "CTI"})
    assert open_to_cti.method is None and "below-assessed-need" not in open_to_cti.warning_codes


def test_cti_proposal_for_icm_citizen_warns_dont_start_everyone_in_cti() -> None:
    rec = triage(
        {"complexity": "moderate", "service_use": "partial", "proposed_method": "CTI"}, lang="en"
    )
    warning = next(w for w in rec.warnings if w.code == "below-assessed-need")
    assert "CTI" in warning.text


def test_icm_proposal_for_act_citizen_warns() -> None:
    assert codes({**FOR_METHOD["ACT"], "proposed_method": "ICM"}) == ["below-assessed-need"]


def test_no_proposal_no_below_need_warning() -> None:
    for answers in FOR_METHOD.values():
        assert "below-assessed-need" not in codes(answers)


# --- method-not-offered --------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "offers", [[], ["CTI"], ["ICM"], ["ACT"], ["CTI", "ICM"], ["ICM", "ACT"], list(METHODS)]
)
def test_method_not_offered_exactly_when_portfolio_lacks_it(method: str, offers: list[str]) -> None:
    rec = triage(FOR_METHOD[method], municipality={"offers": offers})
    assert rec.method == method, "the portfolio never changes the method"
    assert ("method-not-offered" in [w.code for w in rec.warnings]) == (method not in offers)


def test_no_portfolio_no_method_not_offered_warning() -> None:
    for answers in FOR_METHOD.values():
        assert "method-not-offered" not in codes(answers)


def test_portfolio_never_lowers_the_method() -> None:
    rec = triage(FOR_METHOD["ACT"], municipality={"offers": ["CTI"]})
    assert rec.method == "ACT"
    assert rec.possible_methods == ["ACT"]


# --- consent-missing -----------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_consent_false_warns(method: str) -> None:
    rec = triage({**FOR_METHOD[method], "consent": False})
    assert rec.method == method
    assert [w.code for w in rec.warnings] == ["consent-missing"]


@pytest.mark.parametrize("consent", [None, True])
def test_consent_true_or_absent_does_not_warn(consent: bool | None) -> None:
    answers: dict[str, object] = dict(FOR_METHOD["ICM"])
    if consent is not None:
        answers["consent"] = consent
    assert "consent-missing" not in codes(answers)


def test_consent_false_warns_when_undecided() -> None:
    assert acting({"consent": False}) == ["consent-missing"]


# --- inconsistent-answers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("complexity", "service_use"), list(itertools.product(COMPLEXITY, SERVICE_USE))
)
def test_inconsistent_answers_exactly_for_the_opposite_pairs(
    complexity: str, service_use: str
) -> None:
    rec = triage(
        {"complexity": complexity, "service_use": service_use, "support_duration": "transitional"}
    )
    expected = (complexity, service_use) in {("severe", "significant"), ("mild", "minimal")}
    assert ("inconsistent-answers" in [w.code for w in rec.warnings]) == expected


def test_severe_complexity_with_significant_service_use_warns_and_gives_icm() -> None:
    rec = triage({"complexity": "severe", "service_use": "significant", "consent": True})
    assert rec.method == "ICM"
    assert [w.code for w in rec.warnings] == ["inconsistent-answers"]


def test_mild_complexity_with_minimal_service_use_warns_and_gives_icm() -> None:
    rec = triage({"complexity": "mild", "service_use": "minimal", "consent": True})
    assert rec.method == "ICM"
    assert [w.code for w in rec.warnings] == ["inconsistent-answers"]


def test_partial_answers_are_not_called_inconsistent() -> None:
    for answers in (
        {"complexity": "severe"},
        {"service_use": "significant"},
        {"complexity": "mild"},
    ):
        assert "inconsistent-answers" not in codes(answers)


# --- warnings never change the method ------------------------------------------------------

EXTRAS: dict[str, list[object]] = {
    "urgency": ["routine", "soon", "acute"],
    "housing_ready": [True, False],
    "consent": [True, False],
    "proposed_method": list(METHODS),
    "situation": ["shelter_exit", "street", "prison_release", "other", "leaving_care"],
    # Version 1.1 inputs (CONTRACT.md): the invariance guarantee extends to them
    "current_method": list(METHODS),
    "housing_plan": [True, False],
    "previous_evictions": [True, False],
    "action_plan_offered": [True, False],
}


@pytest.mark.parametrize("key", sorted(EXTRAS))
def test_warning_answers_never_change_method_or_possible_methods(key: str) -> None:
    grid = itertools.product((None, *COMPLEXITY), (None, *SERVICE_USE))
    for c, s in grid:
        base = {k: v for k, v in (("complexity", c), ("service_use", s)) if v is not None}
        plain = triage(base)
        for value in EXTRAS[key]:
            rec = triage({**base, key: value}, municipality={"offers": ["CTI"]})
            assert rec.method == plain.method, (base, key, value)
            assert rec.possible_methods == plain.possible_methods, (base, key, value)
            assert rec.missing == plain.missing, (base, key, value)


def test_all_warnings_together() -> None:
    rec = triage(
        {
            "complexity": "mild",
            "service_use": "significant",
            "urgency": "acute",
            "housing_ready": True,
            "consent": False,
            "proposed_method": "CTI",
            "situation": "shelter_exit",
        },
        municipality={"offers": ["ICM"]},
    )
    assert rec.method == "CTI"
    assert {w.code for w in rec.warnings} == {
        "start-support-now",
        "housing-readiness-not-a-criterion",
        "cti-duration-unassessed",
        "method-not-offered",
        "consent-missing",
    }
    assert len(rec.warnings) == len({w.code for w in rec.warnings}), "no code twice"


# --- rule set 1.2 (issue 10): level, case-dependent texts, new codes ------------------------

NEW_CODES = {
    "possible-methods-not-offered",
    "act-traits-present",
    "beyond-typical-cti",
    "consider-section-85",
    "revisit-to-more-intensive",
    "step-down-when-stable",
    "housing-plan-missing",
    "earlier-eviction-not-exclusion",
    "offer-action-plan",
    "cti-transition-unclear",
    "consent-not-recorded",
    "above-assessed-need",
}


def text(answers: dict[str, object], code: str, lang: str = "da", **kwargs: object) -> str:
    rec = triage(answers, lang=lang, **kwargs)  # type: ignore[arg-type]
    return next(w.text for w in rec.warnings if w.code == code)


def test_the_contract_codes_of_version_1_1_are_all_shipped() -> None:
    from hf_triage import default_rules

    assert {w.code for w in default_rules().warnings} >= NEW_CODES | CONTRACT_CODES


def test_every_shipped_warning_states_its_level_in_the_yaml() -> None:
    import yaml

    from hf_triage._load import default_rules_dir

    raw = yaml.safe_load((default_rules_dir() / "warnings.yaml").read_text(encoding="utf-8"))
    levels = {w["code"]: w.get("level") for w in raw["warnings"]}
    assert set(levels.values()) == {"warning", "info"}, levels


def test_every_warning_carries_its_level_into_the_result_and_json() -> None:
    rec = triage({"complexity": "mild", "service_use": "minimal", "urgency": "acute"})
    levels = {w.code: w.level for w in rec.warnings}
    assert levels == {
        "start-support-now": "warning",
        "consent-not-recorded": "info",
        "inconsistent-answers": "warning",
    }
    dumped = rec.model_dump(mode="json")["warnings"]
    assert {w["code"]: w["level"] for w in dumped} == levels


def test_a_severe_dimension_no_longer_overrides_cti_it_warns() -> None:
    # issue 10 item 1: 000 «1 Målgruppen for CTI» "typisk", 003 §3.2 service use decides
    for dim in ("mental_health", "substance_use"):
        rec = triage({**FOR_METHOD["CTI"], "dimensions": {dim: 3}})
        assert rec.method == "CTI"
        assert rec.warning_codes == ["beyond-typical-cti"]
    assert codes({**FOR_METHOD["CTI"], "dimensions": {"mental_health": 2}}) == []


def test_act_raise_by_both_severe_dimensions_stays() -> None:
    rec = triage(
        {
            **FOR_METHOD["ICM"],
            "service_use": "minimal",
            "dimensions": {"mental_health": 3, "substance_use": 3},
        }
    )
    assert rec.method == "ACT"


def test_minimal_service_use_reason_names_both_sources_and_does_not_deny_act() -> None:
    rec = triage({"complexity": "moderate", "service_use": "minimal"}, lang="da")
    (reason,) = rec.reasons
    assert "003 §3.2" in reason.text and "ACT" in reason.text
    assert "ikke for ACT" not in reason.text


def test_below_assessed_need_text_depends_on_the_proposal() -> None:
    for_cti = text({**FOR_METHOD["ICM"], "proposed_method": "CTI"}, "below-assessed-need")
    for_icm = text({**FOR_METHOD["ACT"], "proposed_method": "ICM"}, "below-assessed-need")
    assert "Lad ikke alle begynde i CTI" in for_cti
    assert "CTI" not in for_icm and "utilstrækkelig" in for_icm


def test_above_assessed_need_cites_needlessly_intensive_and_does_not_ration() -> None:
    da = text({**FOR_METHOD["CTI"], "proposed_method": "ICM"}, "above-assessed-need")
    assert "unødigt intensiv" in da and "kapacitet" not in da


def test_above_assessed_need_not_while_duration_unassessed_and_icm_proposed() -> None:
    # issue 10 item 6: it contradicted 'cti-duration-unassessed' on the same screen
    for c, s, d in itertools.product(
        COMPLEXITY, SERVICE_USE, ("unknown", "transitional", "long_term")
    ):
        got = codes(
            {"complexity": c, "service_use": s, "support_duration": d, "proposed_method": "ICM"}
        )
        assert not {"above-assessed-need", "cti-duration-unassessed"} <= set(got), (c, s, d)


def test_method_not_offered_text_depends_on_the_missing_method() -> None:
    no_cti = text(FOR_METHOD["CTI"], "method-not-offered", municipality={"offers": ["ICM"]})
    no_act = text(FOR_METHOD["ACT"], "method-not-offered", municipality={"offers": ["CTI"]})
    no_icm = text(FOR_METHOD["ICM"], "method-not-offered", municipality={"offers": ["CTI"]})
    assert "unødigt intensiv" in no_cti and "mindre intensiv metode" not in no_cti
    assert "modificeret ACT" in no_act
    assert "mindre intensiv metode" in no_icm


def test_possible_methods_not_offered_while_undecided() -> None:
    answers = {"complexity": "severe", "consent": True}
    assert "possible-methods-not-offered" in codes(answers, municipality={"offers": ["CTI"]})
    assert "possible-methods-not-offered" not in codes(answers, municipality={"offers": ["ACT"]})
    assert "possible-methods-not-offered" not in codes(answers)


def test_start_now_never_reads_as_starting_without_a_yes() -> None:
    # 003 §4.1: the support starts "hvis borgeren siger ja"
    answers = {**FOR_METHOD["ICM"], "urgency": "acute", "consent": False}
    da = text(answers, "start-support-now")
    en = text(answers, "start-support-now", lang="en")
    assert "bliv ved med at tilbyde" in da and "start støtten" not in da
    assert "keep offering" in en
    assert "Borgeren skal" not in text(answers, "consent-missing")


def test_consent_not_recorded_only_when_consent_is_absent() -> None:
    base = {"complexity": "moderate", "service_use": "partial"}
    assert codes(base) == ["consent-not-recorded"]
    assert "consent-not-recorded" not in codes({**base, "consent": True})
    assert "consent-not-recorded" not in codes({**base, "consent": False})
    rec = triage(base)
    assert rec.warnings[0].level == "info"


def test_revisit_and_step_down_follow_the_current_method_and_never_meet() -> None:
    for method, answers in FOR_METHOD.items():
        for current in METHODS:
            got = codes({**answers, "current_method": current})
            assert ("revisit-to-more-intensive" in got) == (RANK[current] < RANK[method])
            assert ("step-down-when-stable" in got) == (RANK[current] > RANK[method])


def test_undecided_results_say_what_to_find_out() -> None:
    rec = triage({"complexity": "mild", "consent": True})
    assert rec.missing == ["service_use"]
    assert rec.warning_codes == ["find-out-service-use", "find-out-nine-months"]
    assert all(w.level == "info" for w in rec.warnings)
    rec = triage({"service_use": "partial", "consent": True})
    assert rec.method == "ICM" and not any(c.startswith("find-out") for c in rec.warning_codes)


def test_find_out_follows_missing_exactly() -> None:
    # both answers open, but only service use decides (dimensions and long_term fix the rest)
    rec = triage(
        {
            "support_duration": "long_term",
            "dimensions": {"mental_health": 3, "substance_use": 3},
            "consent": True,
        }
    )
    assert rec.missing == ["service_use"]
    assert "find-out-service-use" in rec.warning_codes
    assert "find-out-complexity" not in rec.warning_codes


def test_durable_and_builtin_agree_on_texts_and_levels() -> None:
    pytest.importorskip("durable")
    answers = {**FOR_METHOD["ACT"], "proposed_method": "ICM", "urgency": "acute", "consent": False}
    builtin = triage(answers, municipality={"offers": ["CTI"]})
    durable = triage(answers, municipality={"offers": ["CTI"]}, engine="durable")
    assert [(w.code, w.text, w.level) for w in durable.warnings] == [
        (w.code, w.text, w.level) for w in builtin.warnings
    ]
