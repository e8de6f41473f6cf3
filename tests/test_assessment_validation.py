"""Bad assessments: AssessmentError naming the field, the value given and the values allowed."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hf_triage import Assessment, AssessmentError, TriageError, triage

CORE = {"complexity": "moderate", "service_use": "partial"}
SCORES = "0, 1, 2, 3, 4"


def error_for(answers: object) -> AssessmentError:
    with pytest.raises(AssessmentError) as info:
        triage(answers)  # type: ignore[arg-type]
    return info.value


def problem_about(error: AssessmentError, field: str) -> str:
    """The one problem line that names ``field``."""
    lines = [p for p in error.problems if f"'{field}'" in p]
    assert len(lines) == 1, (field, error.problems)
    return lines[0]


def test_assessment_error_is_a_value_error_and_a_triage_error() -> None:
    error = error_for({"complexity": "huge"})
    assert isinstance(error, ValueError)
    assert isinstance(error, TriageError)


@pytest.mark.parametrize(
    ("field", "value", "shown", "allowed"),
    [
        ("complexity", "huge", "huge", ["mild", "moderate", "severe"]),
        ("service_use", "some", "some", ["significant", "partial", "minimal"]),
        ("urgency", "now", "now", ["routine", "soon", "acute"]),
        ("support_duration", "forever", "forever", ["transitional", "long_term", "unknown"]),
        ("situation", "hotel", "hotel", ["shelter_exit", "street", "eviction_risk", "other"]),
        ("proposed_method", "cti", "cti", ["CTI", "ICM", "ACT"]),
        ("proposed_method", "M-ACT", "M-ACT", ["CTI", "ICM", "ACT"]),
        ("consent", "yes", "yes", ["true", "false"]),
        ("housing_ready", "no", "no", ["true", "false"]),
        ("negative_service_experiences", "true", "true", ["true", "false"]),
    ],
)
def test_value_outside_the_allowed_ones(
    field: str, value: object, shown: str, allowed: list[str]
) -> None:
    error = error_for({**CORE, field: value})
    message = str(error)
    line = problem_about(error, field)
    assert line in message
    assert f"'{shown}'" in line, "the value given, quoted as text"
    for allowed_value in allowed:
        assert allowed_value in line


@pytest.mark.parametrize("value", [True, False])
def test_bool_for_a_dimension_score_is_refused(value: bool) -> None:
    error = error_for({**CORE, "dimensions": {"mental_health": value}})
    line = problem_about(error, "dimensions.mental_health")
    assert str(value).lower() in line.lower()
    assert SCORES in line


def test_string_score_is_refused_and_shown_as_text() -> None:
    error = error_for({**CORE, "dimensions": {"substance_use": "3"}})
    line = problem_about(error, "dimensions.substance_use")
    assert "'3'" in line, "the string '3' must be shown quoted, unlike the number 3"
    assert SCORES in line


@pytest.mark.parametrize("score", [5, -1, 10, 3.0, 2.5, "high"])
def test_out_of_range_or_non_integer_score_is_refused(score: object) -> None:
    error = error_for({**CORE, "dimensions": {"network": score}})
    line = problem_about(error, "dimensions.network")
    assert SCORES in line


@pytest.mark.parametrize("value", [1, 0, "yes", "true", "True", "ja"])
def test_consent_must_be_a_boolean(value: object) -> None:
    error = error_for({**CORE, "consent": value})
    line = problem_about(error, "consent")
    assert str(value) in line
    assert "true" in line and "false" in line


def test_number_one_for_consent_is_not_true() -> None:
    error = error_for({**CORE, "consent": 1})
    line = problem_about(error, "consent")
    assert "1" in line


@pytest.mark.parametrize("value", [1, 3, ["mild"], {"level": "mild"}])
def test_wrong_type_for_a_text_field(value: object) -> None:
    error = error_for({**CORE, "urgency": value})
    line = problem_about(error, "urgency")
    assert "routine" in line and "acute" in line


def test_unknown_key_is_named_with_the_allowed_keys() -> None:
    error = error_for({**CORE, "age": 42})
    line = next(p for p in error.problems if "age" in p)
    assert "unknown" in line
    for key in ("complexity", "service_use", "urgency", "dimensions", "consent"):
        assert key in line


@pytest.mark.parametrize("key", ["Complexity", "service-use", "dimensions.mental_health", 1])
def test_misspelt_or_flattened_keys_are_unknown(key: object) -> None:
    error = error_for({**CORE, key: "mild"})  # type: ignore[misc]
    assert str(key) in str(error)
    assert "unknown" in str(error)


def test_unknown_dimension_is_named_with_the_allowed_dimensions() -> None:
    error = error_for({**CORE, "dimensions": {"mental": 3}})
    line = next(p for p in error.problems if "mental" in p)
    assert "'mental'" in line
    for dimension in ("housing", "mental_health", "substance_use", "education_employment"):
        assert dimension in line


@pytest.mark.parametrize("value", [3, "mental_health", [3, 4], True])
def test_dimensions_must_be_a_mapping(value: object) -> None:
    error = error_for({**CORE, "dimensions": value})
    assert "dimensions" in str(error)
    assert "mapping" in str(error)


def test_several_problems_are_reported_at_once() -> None:
    error = error_for(
        {
            "complexity": "huge",
            "service_use": "partial",
            "consent": "yes",
            "dimensions": {"mental_health": True, "foo": 1},
            "bar": 1,
        }
    )
    assert len(error.problems) == 5
    message = str(error)
    for part in ("complexity", "huge", "consent", "yes", "mental_health", "foo", "bar"):
        assert part in message
    for problem in error.problems:
        assert problem in message


@pytest.mark.parametrize("assessment", [None, ["complexity", "mild"], "complexity: mild", 3])
def test_assessment_must_be_a_mapping(assessment: object) -> None:
    error = error_for(assessment)
    assert "mapping" in str(error)


def test_error_message_shows_only_the_offending_value() -> None:
    error = error_for(
        {
            "complexity": "huge",
            "service_use": "minimal",
            "situation": "prison_release",
            "dimensions": {"substance_use": 4},
        }
    )
    message = str(error)
    assert "huge" in message
    assert "prison_release" not in message
    assert "minimal" not in message


def test_long_bad_value_is_shortened_in_the_message() -> None:
    error = error_for({**CORE, "situation": "x" * 5000})
    assert len(str(error)) < 1000


def test_valid_assessment_object_needs_no_revalidation() -> None:
    assessment = Assessment(complexity="severe", service_use="minimal", consent=False)
    assert triage(assessment).method == "ACT"


def test_assessment_model_refuses_bad_values() -> None:
    with pytest.raises(ValueError, match="huge"):
        Assessment(complexity="huge")
    with pytest.raises(ValueError, match="consent"):
        Assessment(consent=1)
    with pytest.raises(ValueError, match="age"):
        Assessment.model_validate({"age": 3})


def test_assessment_model_is_frozen() -> None:
    assessment = Assessment(complexity="mild")
    with pytest.raises(ValidationError):
        assessment.complexity = "severe"


def test_assessment_model_error_is_an_assessment_error() -> None:
    with pytest.raises(AssessmentError):
        Assessment(complexity="huge")


def test_assessment_model_error_does_not_show_the_other_answers() -> None:
    with pytest.raises(ValueError) as info:
        Assessment(complexity="huge", service_use="minimal")
    assert "huge" in str(info.value)
    assert "minimal" not in str(info.value)


def test_model_validate_json_raises_assessment_error() -> None:
    with pytest.raises(AssessmentError, match="complexity"):
        Assessment.model_validate_json('{"complexity": "hard"}')
    with pytest.raises(AssessmentError, match="JSON object"):
        Assessment.model_validate_json("[1, 2]")
    assert Assessment.model_validate_json('{"complexity": "mild"}').complexity == "mild"


def test_support_duration_none_is_not_given_for_triage_and_the_model_alike() -> None:
    # Regression (issue 9): triage() read support_duration None as "not given" ('unknown'),
    # Assessment.model_validate refused it; now both take it the same way.
    answers = {**CORE, "support_duration": None}
    model = Assessment.model_validate(answers)
    assert model.support_duration == "unknown"
    assert Assessment(**answers) == model
    assert Assessment.model_validate_json('{"support_duration": null}').support_duration == (
        "unknown"
    )
    assert model.to_facts() == Assessment.model_validate(CORE).to_facts()
    assert triage(model) == triage(answers) == triage(CORE)
    assert triage({**CORE, "support_duration": "unknown"}) == triage(CORE)
    with pytest.raises(AssessmentError, match="support_duration"):  # any other value: refused
        Assessment.model_validate({**CORE, "support_duration": "forever"})


def test_a_dimensions_repr_names_the_rated_dimensions_not_their_scores() -> None:
    assessment = Assessment(dimensions={"housing": 3, "network": 0})
    assert repr(assessment.dimensions) == "Dimensions(rated=['housing', 'network'])"


def test_model_validate_refuses_what_is_not_a_mapping() -> None:
    with pytest.raises(AssessmentError, match=r"must be a mapping of field: value .* not list"):
        Assessment.model_validate(["complexity"])


@pytest.mark.parametrize(
    ("document", "words"),
    [
        ("{", "the assessment is not valid JSON"),
        ("[1]", "must be a JSON object of field: value, not list"),
        ('{"complexity": "x"}', "field 'complexity': 'x' is not allowed; allowed: mild,"),
    ],
)
def test_model_validate_json_refuses_in_the_project_s_words(document: str, words: str) -> None:
    with pytest.raises(AssessmentError, match=words):
        Assessment.model_validate_json(document)
