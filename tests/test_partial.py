"""Partial assessments: undecided results say what is open and never fall back to CTI."""

from __future__ import annotations

import itertools

import pytest

from hf_triage import Assessment, triage

METHODS = ("CTI", "ICM", "ACT")
COMPLEXITY = ("mild", "moderate", "severe")
SERVICE_USE = ("significant", "partial", "minimal")
DURATION = (None, "unknown", "transitional", "long_term")


def answers_of(**given: object) -> dict[str, object]:
    return {k: v for k, v in given.items() if v is not None}


def completions(answers: dict[str, object]) -> set[str]:
    """Methods of every completion of the unknown core answers, computed by brute force."""
    result: set[str] = set()
    for c in COMPLEXITY if "complexity" not in answers else (answers["complexity"],):
        for s in SERVICE_USE if "service_use" not in answers else (answers["service_use"],):
            method = triage({**answers, "complexity": c, "service_use": s}).method
            assert method is not None
            result.add(method)
    return result


@pytest.mark.parametrize(
    ("answers", "possible", "missing"),
    [
        ({}, ["CTI", "ICM", "ACT"], ["complexity", "service_use"]),
        ({"complexity": "severe"}, ["ICM", "ACT"], ["service_use"]),
        ({"complexity": "mild"}, ["CTI", "ICM"], ["service_use"]),
        ({"complexity": "moderate"}, ["CTI", "ICM"], ["service_use"]),
        ({"service_use": "significant"}, ["CTI", "ICM"], ["complexity"]),
        ({"service_use": "minimal"}, ["ICM", "ACT"], ["complexity"]),
        (
            {"complexity": "severe", "support_duration": "long_term"},
            ["ICM", "ACT"],
            ["service_use"],
        ),
        (
            # rule set 1.2: a severe dimension alone no longer rules out CTI (issue 10 item 1)
            {"dimensions": {"mental_health": 3}},
            ["CTI", "ICM", "ACT"],
            ["complexity", "service_use"],
        ),
        (
            {"urgency": "acute", "consent": True},
            ["CTI", "ICM", "ACT"],
            ["complexity", "service_use"],
        ),
    ],
)
def test_undecided_result_lists_possible_methods_and_missing_answers(
    answers: dict[str, object], possible: list[str], missing: list[str]
) -> None:
    rec = triage(answers)
    assert rec.method is None
    assert rec.possible_methods == possible
    assert sorted(rec.missing) == missing
    assert rec.reasons == []


@pytest.mark.parametrize(
    ("answers", "method"),
    [
        ({"service_use": "partial"}, "ICM"),
        ({"service_use": "partial", "urgency": "acute"}, "ICM"),
        ({"service_use": "significant", "support_duration": "long_term"}, "ICM"),
        ({"complexity": "severe", "service_use": "significant"}, "ICM"),
        (
            {"service_use": "minimal", "dimensions": {"mental_health": 3, "substance_use": 4}},
            "ACT",
        ),
        (
            {"service_use": "significant", "support_duration": "long_term"},
            "ICM",
        ),
    ],
)
def test_decided_partial_assessments(answers: dict[str, object], method: str) -> None:
    rec = triage(answers)
    assert rec.method == method
    assert rec.possible_methods == [method]
    assert rec.missing == []
    assert rec.reasons, "a decided partial result still gives its reasons"


def test_service_use_partial_alone_gives_icm_with_its_reason() -> None:
    rec = triage({"service_use": "partial"})
    assert rec.method == "ICM"
    assert "icm-partial-service-use" in [r.rule_id for r in rec.reasons]


@pytest.mark.parametrize(
    ("complexity", "service_use", "duration"),
    list(itertools.product((None, *COMPLEXITY), (None, *SERVICE_USE), DURATION)),
)
def test_method_is_set_exactly_when_every_completion_agrees(
    complexity: str | None, service_use: str | None, duration: str | None
) -> None:
    for dims in ({}, {"mental_health": 3}, {"mental_health": 3, "substance_use": 3}):
        answers = answers_of(
            complexity=complexity, service_use=service_use, support_duration=duration
        )
        answers["dimensions"] = dims
        rec = triage(answers)
        outcomes = completions(answers)
        assert set(rec.possible_methods) == outcomes, answers
        assert rec.possible_methods == [m for m in METHODS if m in outcomes], "intensity order"
        if len(outcomes) == 1:
            assert rec.method == next(iter(outcomes)), answers
            assert rec.missing == []
        else:
            assert rec.method is None, answers
            assert rec.missing, answers
            assert set(rec.missing) <= {"complexity", "service_use"} - set(answers)


def test_never_falls_back_to_cti() -> None:
    for complexity, service_use in itertools.product((None, *COMPLEXITY), (None, *SERVICE_USE)):
        if complexity is not None and service_use is not None:
            continue
        answers = answers_of(complexity=complexity, service_use=service_use)
        rec = triage(answers)
        if "CTI" not in completions(answers):
            assert rec.method != "CTI"
            assert "CTI" not in rec.possible_methods
        if rec.method is None:
            assert rec.reasons == []


def test_empty_assessment_is_not_cti() -> None:
    rec = triage({})
    assert rec.method is None
    assert rec.method != "CTI"
    # only reminders (info): consent not recorded, and what to find out (rule set 1.2)
    assert [w.code for w in rec.warnings if w.level == "warning"] == []
    assert {"find-out-complexity", "find-out-service-use"} <= set(rec.warning_codes)


def test_undecided_result_has_no_method_dependent_warnings() -> None:
    rec = triage(
        {"complexity": "mild", "proposed_method": "CTI"},
        municipality={"offers": []},
    )
    assert rec.method is None
    codes = [w.code for w in rec.warnings]
    assert "cti-duration-unassessed" not in codes
    assert "method-not-offered" not in codes


def test_missing_names_only_the_deciding_answer() -> None:
    # complexity is known severe: only service_use decides between ICM and ACT
    rec = triage({"complexity": "severe", "support_duration": "transitional"})
    assert rec.missing == ["service_use"]


def test_partial_assessment_object_gives_the_same_result() -> None:
    for answers in ({}, {"complexity": "severe"}, {"service_use": "partial"}):
        as_object = triage(Assessment.model_validate(answers))
        assert as_object.model_dump() == triage(answers).model_dump()


def test_none_values_count_as_not_given() -> None:
    rec = triage({"complexity": None, "service_use": "partial", "urgency": None})
    assert rec.model_dump() == triage({"service_use": "partial"}).model_dump()


def test_completing_an_undecided_result_gives_one_of_its_possible_methods() -> None:
    for c, s in itertools.product(COMPLEXITY, SERVICE_USE):
        for known in ({"complexity": c}, {"service_use": s}):
            partial = triage(known)
            full = triage({"complexity": c, "service_use": s})
            assert full.method in partial.possible_methods
