"""Counterfactuals, borderline and next questions, checked against a brute-force oracle.

The oracle enumerates every assignment of the assessed decision-relevant answers through the
public ``triage()``, independently of ``_counterfactuals``' search by increasing size.
"""

from __future__ import annotations

from itertools import product
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hf_triage import Recommendation, next_questions, triage
from hf_triage._domain import FIELDS, INVARIANT_FIELDS, METHODS

#: the fields the shipped criteria read (besides the invariant ones, which never matter)
DECISION = (
    "complexity",
    "service_use",
    "support_duration",
    "dimensions.mental_health",
    "dimensions.substance_use",
)


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in flat.items():
        if value is None:
            continue
        if key.startswith("dimensions."):
            out.setdefault("dimensions", {})[key.split(".", 1)[1]] = value
        else:
            out[key] = value
    return out


def answers(name: str) -> tuple[Any, ...]:
    return tuple(v for v in FIELDS[name].values if v != "unknown")


flat_assessments = st.fixed_dictionaries(
    {
        "complexity": st.none() | st.sampled_from(answers("complexity")),
        "service_use": st.none() | st.sampled_from(answers("service_use")),
        "support_duration": st.none() | st.sampled_from(answers("support_duration")),
        "dimensions.mental_health": st.none() | st.integers(0, 4),
        "dimensions.substance_use": st.none() | st.integers(0, 4),
        "dimensions.network": st.none() | st.integers(0, 4),
        "urgency": st.none() | st.sampled_from(answers("urgency")),
        "consent": st.none() | st.booleans(),
        "proposed_method": st.none() | st.sampled_from(METHODS),
    }
)
decided_assessments = flat_assessments.filter(
    lambda f: f["complexity"] is not None and f["service_use"] is not None
)


def steps(name: str, old: Any, new: Any) -> int:
    spec = FIELDS[name]
    if spec.kind == "ordinal":
        return abs(spec.values.index(new) - spec.values.index(old))
    return 1


def oracle(flat: dict[str, Any]) -> dict[str, list[tuple[int, int, frozenset[tuple[str, Any]]]]]:
    """Every assignment of the assessed decision answers: per method, (changes, steps, set)."""
    given_names = [n for n in DECISION if flat[n] is not None]
    found: dict[str, list[tuple[int, int, frozenset[tuple[str, Any]]]]] = {m: [] for m in METHODS}
    for values in product(*(answers(n) for n in given_names)):
        changed = dict(zip(given_names, values, strict=True))
        diff = {n: v for n, v in changed.items() if v != flat[n]}
        method = triage(nest({**flat, **changed})).method
        if method is not None and diff:
            found[method].append(
                (
                    len(diff),
                    sum(steps(n, flat[n], v) for n, v in diff.items()),
                    frozenset(diff.items()),
                )
            )
    return found


def as_sets(rec: Recommendation, method: str) -> list[frozenset[tuple[str, Any]]]:
    cf = next(c for c in rec.counterfactuals if c.method == method)
    return [frozenset((c.field, c.to) for c in option) for option in cf.options]


@pytest.mark.slow  # hypothesis against an exhaustive oracle; CI runs it
@settings(max_examples=60, deadline=None)
@given(decided_assessments)
def test_counterfactuals_are_exact_and_smallest(flat: dict[str, Any]) -> None:
    rec = triage(nest(flat))
    assert rec.method is not None
    assert [c.method for c in rec.counterfactuals] == [m for m in METHODS if m != rec.method]
    truth = oracle(flat)
    for cf in rec.counterfactuals:
        candidates = truth[cf.method]
        if not candidates:
            assert cf.options == (), "no change gives it, so no option may be offered"
            assert "Ingen ændring" in cf.text
            continue
        fewest = min(n for n, _, _ in candidates)
        assert cf.options, f"{cf.method} is reachable by {fewest} change(s)"
        for option in cf.options:
            # applying it gives that method ...
            changed = {**flat, **{c.field: c.to for c in option}}
            assert triage(nest(changed)).method == cf.method
            assert all(flat[c.field] == c.from_ for c in option)
            assert all(c.field not in INVARIANT_FIELDS for c in option)
            # ... and no smaller change does
            assert len(option) == fewest
            fields = frozenset(c.field for c in option)
            same_fields = [s for n, s, d in candidates if frozenset(f for f, _ in d) == fields]
            assert sum(steps(c.field, c.from_, c.to) for c in option) == min(same_fields)
        # every smallest set (at its fewest steps per set of fields) is offered
        best: dict[frozenset[str], int] = {}
        for n, s, d in candidates:
            if n == fewest:
                key = frozenset(f for f, _ in d)
                best[key] = min(best.get(key, s), s)
        expected = {
            d for n, s, d in candidates if n == fewest and s == best[frozenset(f for f, _ in d)]
        }
        assert set(as_sets(rec, cf.method)) == expected
        total = [sum(steps(c.field, c.from_, c.to) for c in o) for o in cf.options]
        assert total == sorted(total), "fewest ordinal steps first"


@pytest.mark.slow  # hypothesis against an exhaustive oracle; CI runs it
@settings(max_examples=60, deadline=None)
@given(decided_assessments)
def test_borderline_means_one_step_on_one_ordinal_answer_changes_the_method(
    flat: dict[str, Any],
) -> None:
    rec = triage(nest(flat))
    expected = False
    for name in DECISION:
        spec = FIELDS[name]
        if flat[name] is None or spec.kind != "ordinal":
            continue
        i = spec.values.index(flat[name])
        for j in (i - 1, i + 1):
            if 0 <= j < len(spec.values):
                other = triage(nest({**flat, name: spec.values[j]}))
                expected = expected or other.method != rec.method
    assert rec.borderline is expected


@pytest.mark.slow  # hypothesis against an exhaustive oracle; CI runs it
@settings(max_examples=60, deadline=None)
@given(flat_assessments)
def test_next_questions_give_each_answers_outcome_ranked(flat: dict[str, Any]) -> None:
    assessment = nest(flat)
    rec = triage(assessment)
    assert next_questions(assessment) == rec.next_questions
    now = set(rec.possible_methods)
    open_fields = [n for n in DECISION if flat[n] is None]
    scores = []
    for q in rec.next_questions:
        assert q.field in open_fields and q.field not in INVARIANT_FIELDS
        assert [o.value for o in q.outcomes] == list(answers(q.field))
        ruled_out = 0
        for o in q.outcomes:
            got = triage(nest({**flat, q.field: o.value}))
            assert (o.method, list(o.possible_methods)) == (got.method, got.possible_methods)
            ruled_out += len(now - set(got.possible_methods))
        assert q.rules_out == pytest.approx(ruled_out / len(q.outcomes))
        scores.append(q.rules_out)
    assert scores == sorted(scores, reverse=True)
    # a field left out cannot change the result
    for name in open_fields:
        if name in {q.field for q in rec.next_questions}:
            continue
        for value in answers(name):
            got = triage(nest({**flat, name: value}))
            assert set(got.possible_methods) == now


def test_undecided_results_have_no_counterfactuals_but_questions() -> None:
    rec = triage({"service_use": "significant"})
    assert rec.method is None and rec.counterfactuals == [] and not rec.borderline
    assert rec.next_questions[0].field == "complexity"
    assert rec.next_questions[0].rules_out == 1.0


def test_invariant_answers_share_the_memoised_support() -> None:
    base = {"complexity": "moderate", "service_use": "partial"}
    plain = triage(base)
    for extra in ({"urgency": "acute"}, {"consent": False}, {"proposed_method": "CTI"}):
        other = triage({**base, **extra})
        assert other.counterfactuals == plain.counterfactuals
        assert other.next_questions == plain.next_questions
        assert other.borderline == plain.borderline


def test_texts_in_danish_and_english() -> None:
    base = {"complexity": "mild", "service_use": "significant", "support_duration": "transitional"}
    da = triage(base)
    en = triage(base, lang="en")
    icm_da = next(c for c in da.counterfactuals if c.method == "ICM")
    icm_en = next(c for c in en.counterfactuals if c.method == "ICM")
    assert icm_da.text.startswith("ICM, hvis ")
    # value labels from seeds/000 (målgrupper), via texts.yaml
    assert "«kun i nogen grad» i stedet for «i betydeligt omfang»" in icm_da.text
    assert icm_en.text.startswith("ICM if ")
    assert "«only to some extent» instead of «to a significant extent»" in icm_en.text
    assert icm_da.options == icm_en.options


def test_json_round_trip_writes_from() -> None:
    rec = triage({"complexity": "severe", "service_use": "minimal"})
    data = rec.model_dump(mode="json")
    change = data["counterfactuals"][0]["options"][0][0]
    assert set(change) == {"field", "from", "to"}
    assert Recommendation.model_validate(data) == rec
    assert Recommendation.model_validate_json(rec.model_dump_json()) == rec


def test_durable_engine_gives_the_same_support() -> None:
    pytest.importorskip("durable")
    base = {"complexity": "moderate", "service_use": "minimal"}
    a = triage(base)
    b = triage(base, engine="durable")
    assert (a.counterfactuals, a.next_questions, a.borderline) == (
        b.counterfactuals,
        b.next_questions,
        b.borderline,
    )


def test_next_questions_rejects_bad_input_like_triage() -> None:
    from hf_triage import AssessmentError

    with pytest.raises(AssessmentError, match="complexity"):
        next_questions({"complexity": "extreme"})


def test_case_runner_reports_wrong_support_expectations(tmp_path: Path) -> None:
    from hf_triage import default_rules
    from hf_triage._cases import render_case_report, run_cases

    (tmp_path / "cf.yaml").write_text(
        """cases:
  - name: wrong counterfactual
    source: "000 «1 Målgruppen for CTI»"
    assessment: {complexity: mild, service_use: significant, support_duration: transitional}
    expect:
      method: CTI
      warnings: [consent-not-recorded, cti-transition-unclear]
      borderline: false
      counterfactuals:
        ICM: [[service_use=partial]]
        ACT: []
      next_questions: [dimensions.substance_use, dimensions.mental_health]
""",
        encoding="utf-8",
    )
    report = run_cases(default_rules(), tmp_path)
    kinds = [d.what for d in report.failures[0].differences]
    assert kinds == ["counterfactuals", "counterfactuals", "borderline", "next_questions"]
    text = render_case_report(report, "en")
    assert "ICM: service_use=partial" in text and "ACT: complexity=minimal" not in text


def test_case_file_refuses_counterfactuals_for_an_undecided_result(tmp_path: Path) -> None:
    from hf_triage import RuleError
    from hf_triage._cases import load_cases

    (tmp_path / "cf.yaml").write_text(
        """cases:
  - name: undecided with counterfactuals
    source: "000 «1 Målgruppen for CTI»"
    assessment: {service_use: significant}
    expect:
      method: undecided
      possible_methods: [CTI, ICM]
      warnings: []
      counterfactuals: {ICM: [[complexity=severe]]}
""",
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match="counterfactuals are given for a decided result"):
        load_cases(tmp_path)


def test_the_search_step_agrees_with_the_matcher_on_the_whole_projection() -> None:
    from hf_triage import default_rules
    from hf_triage._counterfactuals import _method, relevant_fields
    from hf_triage._engine import decide

    rules = default_rules()
    names = relevant_fields(rules)
    for values in product(*((None, *answers(n)) for n in names)):
        facts = {n: v for n, v in zip(names, values, strict=True) if v is not None}
        assert _method(rules, facts) == decide(rules, facts).method, facts


def test_a_counterfactual_is_reachable_exactly_when_it_has_options() -> None:
    rec = triage({"complexity": "moderate", "service_use": "partial"})
    assert rec.counterfactuals
    for cf in rec.counterfactuals:
        assert cf.reachable == bool(cf.options)


def test_clearing_the_caches_gives_the_same_answers_cold() -> None:
    from hf_triage import default_rules
    from hf_triage._engine import clear_caches

    answers = {"complexity": "severe", "service_use": "minimal", "urgency": "acute"}
    warm = triage(answers)
    clear_caches(default_rules())
    assert triage(answers) == warm
    assert next_questions({"complexity": "severe"}) == next_questions({"complexity": "severe"})
