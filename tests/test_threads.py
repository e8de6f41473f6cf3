"""triage is safe to call from many threads: results equal the sequential ones."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from hf_triage import load_rules, triage
from hf_triage._load import default_rules_dir


def assessments() -> list[dict[str, Any]]:
    result = []
    grid = itertools.product(
        (None, "mild", "moderate", "severe"),
        (None, "significant", "partial", "minimal"),
        (None, "transitional", "long_term"),
        (None, 1, 3),
        (None, 3),
        (None, "acute"),
        (None, "CTI", "ICM"),
        (None, False),
    )
    for c, s, d, mental, substance, urgency, proposed, consent in grid:
        given = {
            "complexity": c,
            "service_use": s,
            "support_duration": d,
            "urgency": urgency,
            "proposed_method": proposed,
            "consent": consent,
        }
        answers: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
        dims = {k: v for k, v in (("mental_health", mental), ("substance_use", substance)) if v}
        if dims:
            answers["dimensions"] = dims
        result.append(answers)
    return result


def run(answers: dict[str, Any], rules: Any, index: int) -> dict[str, Any]:
    lang = "en" if index % 2 else "da"
    municipality = {"offers": ["CTI", "ICM"]} if index % 3 == 0 else None
    rec = triage(answers, rules=rules, lang=lang, municipality=municipality)
    return rec.model_dump()


@pytest.mark.slow  # many threads over many assessments; CI runs it
def test_concurrent_triage_equals_sequential() -> None:
    cases = assessments()
    assert len(cases) > 3000
    # separate, freshly loaded rule sets: the threaded run starts from an empty memo too
    sequential_rules = load_rules(default_rules_dir())
    threaded_rules = load_rules(default_rules_dir())
    expected = [run(a, sequential_rules, i) for i, a in enumerate(cases)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(run, cases, itertools.repeat(threaded_rules), range(len(cases))))
    assert len(got) == len(expected)
    for i, (g, e) in enumerate(zip(got, expected, strict=True)):
        assert g == e, cases[i]


def test_concurrent_triage_with_the_default_rules_equals_sequential() -> None:
    cases = assessments()[::7]
    expected = [triage(a, lang="en").model_dump() for a in cases]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda a: triage(a, lang="en").model_dump(), cases * 3))
    assert got == expected * 3


def test_concurrent_invalid_assessments_raise_independently() -> None:
    def attempt(i: int) -> str:
        bad = {"complexity": f"bad-{i}"}
        try:
            triage(bad)
        except ValueError as exc:
            return str(exc)
        return "no error"

    with ThreadPoolExecutor(max_workers=8) as pool:
        messages = list(pool.map(attempt, range(200)))
    for i, message in enumerate(messages):
        assert f"'bad-{i}'" in message
