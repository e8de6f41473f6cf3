"""Hypothesis fuzz over the public entry points (issue 16, item 5), bounded for CI; the
full-size rerun (10^5 assessments) is ``python tests/hostile/run_full.py``."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from .fuzz import assessments, check_assessment, check_course, courses, municipalities, todays

CI = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


@pytest.mark.slow  # hypothesis fuzzing; CI runs it
@CI
@given(assessments(), municipalities)
def test_any_assessment_gets_a_result_or_a_clean_error(data: Any, municipality: Any) -> None:
    check_assessment(data, municipality)


@pytest.mark.slow  # hypothesis fuzzing; CI runs it
@CI
@given(courses(), todays)
def test_any_course_gets_a_review_or_a_clean_error(course: Any, today: Any) -> None:
    check_course(course, today)
