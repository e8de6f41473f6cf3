"""Property tests over the public ``triage()``: every guarantee in CONTRACT.md.

The input strategies are derived from the public ``hf_triage.Assessment`` model (its fields and
their ``Literal`` / ``bool`` types, nested models included), not from hand-listed values, so a
field added to the model is drawn here automatically. The order of ordered fields ("worse"
means a later value) comes from the domain table ``hf_triage._domain.FIELDS``; a test keeps the
two in step. Runs are derandomised and database-less so CI is deterministic.
"""

from __future__ import annotations

import functools
import itertools
import json
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, Union

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from hf_triage import (
    Assessment,
    AssessmentError,
    Recommendation,
    default_rules,
    load_rules,
    triage,
)
from hf_triage._domain import FIELDS

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# --- the domain, read from the public model ----------------------------------------------------

#: CONTRACT.md "Intensity order: CTI < ICM < ACT"
INTENSITY: dict[str | None, int] = {"CTI": 0, "ICM": 1, "ACT": 2}
#: CONTRACT.md "Guarantees": answers that never change the method
INVARIANT_FIELDS = ("urgency", "housing_ready", "consent", "proposed_method", "situation")
#: CONTRACT.md "Input": the answers whose absence is *unknown* (partial assessments)
CORE_FIELDS = ("complexity", "service_use")


def _values(annotation: Any) -> tuple[Any, ...] | type[BaseModel]:
    """The allowed values of a field type (``Literal``, ``bool``, optional), or a nested model."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        assert len(args) == 1, f"unsupported field type {annotation}"
        return _values(args[0])
    if origin is Literal:
        return typing.get_args(annotation)
    if annotation is bool:
        return (False, True)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    raise AssertionError(f"unsupported field type {annotation}: teach test_properties.py")


def _flat_domain(model: type[BaseModel], prefix: str = "") -> dict[str, tuple[Any, ...]]:
    """Every leaf field of ``model`` (``dimensions.x`` for nested ones) with its values."""
    domain: dict[str, tuple[Any, ...]] = {}
    for name, info in model.model_fields.items():
        values = _values(info.annotation)
        if isinstance(values, tuple):
            domain[prefix + name] = values
        else:
            domain.update(_flat_domain(values, f"{prefix}{name}."))
    return domain


DOMAIN = _flat_domain(Assessment)
NESTED = sorted({name.split(".", 1)[0] for name in DOMAIN if "." in name})
METHODS = DOMAIN["proposed_method"]
DIMENSION_FIELDS = tuple(name for name in DOMAIN if name.startswith("dimensions."))
#: ordered fields whose worse value must never give a less intensive method
MONOTONE_FIELDS = tuple(name for name, spec in FIELDS.items() if spec.monotone)


def ordered(name: str) -> tuple[Any, ...]:
    """The values of ``name`` from the least to the most severe (the domain table's order)."""
    return FIELDS[name].values


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Flat answers (``dimensions.x`` keys; ``None`` = absent) as an assessment mapping."""
    assessment: dict[str, Any] = {}
    for key, value in flat.items():
        if value is None:
            continue
        if "." in key:
            group, leaf = key.split(".", 1)
            assessment.setdefault(group, {})[leaf] = value
        else:
            assessment[key] = value
    return assessment


def flat_answers(
    *, absent: bool = True, known: tuple[str, ...] = ()
) -> st.SearchStrategy[dict[str, Any]]:
    """Flat answers over every model field; ``None`` = absent unless the field is in ``known``."""
    fields = {
        name: (
            st.sampled_from(values)
            if name in known or not absent
            else st.none() | st.sampled_from(values)
        )
        for name, values in DOMAIN.items()
    }
    return st.fixed_dictionaries(fields)


def assessments(**kw: Any) -> st.SearchStrategy[dict[str, Any]]:
    return flat_answers(**kw).map(nest)


complete_answers = flat_answers(known=CORE_FIELDS)
municipalities = st.none() | st.builds(
    lambda offers: {"offers": offers}, st.lists(st.sampled_from(METHODS), unique=True)
)


def run(flat: Mapping[str, Any], **kw: Any) -> Recommendation:
    return triage(nest(flat), **kw)


def outcome(rec: Recommendation) -> tuple[Any, ...]:
    """The method part of a result: what invariant answers must leave alone."""
    return rec.method, rec.possible_methods, rec.missing


def completions(flat: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every completion of the unknown core answers of ``flat``."""
    result = [dict(flat)]
    for name in CORE_FIELDS:
        if flat.get(name) is None:
            result = [{**f, name: v} for f in result for v in DOMAIN[name]]
    return result


def _span(rec: Recommendation) -> tuple[int, int]:
    ranks = [INTENSITY[m] for m in rec.possible_methods]
    return min(ranks), max(ranks)


# --- the strategies cover the domain -----------------------------------------------------------


def test_strategies_cover_every_domain_field() -> None:
    """The model-derived strategies draw exactly the fields and values of the domain table."""
    assert set(DOMAIN) == set(FIELDS)
    for name, values in DOMAIN.items():
        assert set(values) == set(FIELDS[name].values), name
    assert set(CORE_FIELDS) | set(INVARIANT_FIELDS) <= set(DOMAIN)
    assert {"complexity", "service_use"} <= set(MONOTONE_FIELDS)
    assert set(DIMENSION_FIELDS) <= set(MONOTONE_FIELDS)


# --- completeness and output shape ---------------------------------------------------------------


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(complete_answers, municipalities)
def test_complete_assessment_always_decided(flat: dict[str, Any], municipality: Any) -> None:
    rec = run(flat, municipality=municipality)
    assert rec.method in METHODS
    assert rec.possible_methods == [rec.method]
    assert rec.missing == []
    assert rec.reasons, "a decided method cites the criteria that led to it"


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers(), municipalities, st.sampled_from(["da", "en"]))
def test_output_is_well_formed(flat: dict[str, Any], municipality: Any, lang: str) -> None:
    rec = run(flat, municipality=municipality, lang=lang)
    ranks = [INTENSITY[m] for m in rec.possible_methods]
    assert ranks == sorted(set(ranks)) and ranks, "possible_methods: distinct, in intensity order"
    assert set(rec.missing) <= set(CORE_FIELDS)
    assert [f for f in CORE_FIELDS if f in rec.missing] == rec.missing
    if rec.method is None:
        assert len(rec.possible_methods) > 1 and rec.missing
    else:
        assert rec.possible_methods == [rec.method] and rec.missing == []
    for reason in rec.reasons:
        assert reason.rule_id and reason.text
    for warning in rec.warnings:
        assert warning.code and warning.text
    assert len(rec.warning_codes) == len(set(rec.warning_codes))
    assert isinstance(rec.ruleset_fingerprint, str) and rec.ruleset_fingerprint


# --- answers that never change the method ------------------------------------------------------


def _check_invariant(name: str, flat: dict[str, Any], municipality: Any) -> None:
    """Every value of ``name``, and its absence, gives the same method part."""
    base = outcome(run({**flat, name: None}, municipality=municipality))
    for value in DOMAIN[name]:
        got = outcome(run({**flat, name: value}, municipality=municipality))
        assert got == base, f"{name}={value!r} changes {base} to {got}"


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers(), municipalities)
def test_urgency_never_changes_method(flat: dict[str, Any], m: Any) -> None:
    _check_invariant("urgency", flat, m)


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers(), municipalities)
def test_housing_ready_never_changes_method(flat: dict[str, Any], m: Any) -> None:
    _check_invariant("housing_ready", flat, m)


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers(), municipalities)
def test_consent_never_changes_method(flat: dict[str, Any], m: Any) -> None:
    _check_invariant("consent", flat, m)


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers(), municipalities)
def test_proposed_method_never_changes_method(flat: dict[str, Any], m: Any) -> None:
    _check_invariant("proposed_method", flat, m)


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers(), municipalities)
def test_situation_never_changes_method(flat: dict[str, Any], m: Any) -> None:
    _check_invariant("situation", flat, m)


#: every portfolio: no portfolio, and each subset of the methods
PORTFOLIOS = [None] + [
    {"offers": [m for i, m in enumerate(METHODS) if bits >> i & 1]}
    for bits in range(2 ** len(METHODS))
]


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers())
def test_municipality_never_changes_method(flat: dict[str, Any]) -> None:
    base = outcome(run(flat))
    for municipality in PORTFOLIOS:
        assert outcome(run(flat, municipality=municipality)) == base, municipality


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers(), municipalities)
def test_language_never_changes_method_or_warnings(flat: dict[str, Any], m: Any) -> None:
    da, en = run(flat, municipality=m, lang="da"), run(flat, municipality=m, lang="en")
    assert outcome(da) == outcome(en)
    assert da.warning_codes == en.warning_codes
    assert da.reason_ids == en.reason_ids


# --- monotonicity ------------------------------------------------------------------------------


def _check_monotone(flat: dict[str, Any], name: str, values: tuple[Any, ...]) -> None:
    """Each step to a worse value of ``name`` never gives a less intensive method.

    ``values`` run from the least to the most severe; adjacent steps suffice (the order is
    transitive). For a partial assessment every completion is monotone, so the least and the
    most intensive possible methods are too; for a complete one that is the method itself.
    """
    results = [run({**flat, name: value}) for value in values]
    for (lower, low), (higher, high) in itertools.pairwise(zip(values, results, strict=True)):
        lo_min, lo_max = _span(low)
        hi_min, hi_max = _span(high)
        assert hi_min >= lo_min and hi_max >= lo_max, (
            f"{name} {lower!r} -> {higher!r}: {low.possible_methods} -> {high.possible_methods}"
        )


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers())
def test_worse_service_use_never_less_intensive(flat: dict[str, Any]) -> None:
    _check_monotone(flat, "service_use", ordered("service_use"))


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers())
def test_worse_complexity_never_less_intensive(flat: dict[str, Any]) -> None:
    _check_monotone(flat, "complexity", ordered("complexity"))


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers())
def test_higher_dimension_score_never_less_intensive(flat: dict[str, Any]) -> None:
    # CONTRACT.md: dimension scores may only raise intensity; "Nothing lowers it below the
    # core answers", so a score given is never below the same dimension not assessed.
    for name in DIMENSION_FIELDS:
        _check_monotone(flat, name, (None, *ordered(name)))


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers())
def test_every_monotone_field_never_less_intensive(flat: dict[str, Any]) -> None:
    for name in MONOTONE_FIELDS:
        _check_monotone(flat, name, ordered(name))


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers())
def test_long_term_never_less_intensive_than_transitional(flat: dict[str, Any]) -> None:
    _check_monotone(flat, "support_duration", ("transitional", "long_term"))


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(complete_answers)
def test_dimensions_never_lower_below_core_answers(flat: dict[str, Any]) -> None:
    without = {**flat, **dict.fromkeys(DIMENSION_FIELDS)}
    assert INTENSITY[run(flat).method] >= INTENSITY[run(without).method]


# --- partial assessments -----------------------------------------------------------------------

partial_answers = flat_answers().filter(lambda f: any(f[c] is None for c in CORE_FIELDS))


# rule set 1.2 decides fewer partial assessments (no severe dimension decides alone), so
# more drawn cases are filtered out by assume(); the decided ones are still checked
@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@settings(SETTINGS, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(partial_answers, municipalities)
def test_partial_decided_equals_every_completion(flat: dict[str, Any], m: Any) -> None:
    rec = run(flat, municipality=m)
    assume(rec.method is not None)
    for full in completions(flat):
        done = run(full, municipality=m)
        assert done.method == rec.method, f"completion {nest(full)} gives {done.method}"
    assert rec.possible_methods == [rec.method] and rec.missing == []


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(partial_answers, municipalities)
def test_undecided_lists_exactly_completion_methods(flat: dict[str, Any], m: Any) -> None:
    rec = run(flat, municipality=m)
    methods = {run(full, municipality=m).method for full in completions(flat)}
    assert (rec.method is None) == (len(methods) > 1), "decided exactly when completions agree"
    assert set(rec.possible_methods) == methods
    if rec.method is None:
        unknown = [c for c in CORE_FIELDS if flat[c] is None]
        assert rec.missing and set(rec.missing) <= set(unknown)


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(partial_answers, municipalities)
def test_never_falls_back_to_cti(flat: dict[str, Any], m: Any) -> None:
    rec = run(flat, municipality=m)
    methods = {run(full, municipality=m).method for full in completions(flat)}
    if methods != {"CTI"}:
        assert rec.method != "CTI"
    if len(methods) > 1:
        assert rec.method is None


def test_nothing_known_is_undecided() -> None:
    rec = triage({})
    assert rec.method is None
    assert rec.possible_methods == list(METHODS)
    assert set(rec.missing) == set(CORE_FIELDS)


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers(), st.sampled_from([n for n in DOMAIN if n not in CORE_FIELDS]))
def test_other_absent_fields_never_make_result_undecided(flat: dict[str, Any], name: str) -> None:
    known = {**flat, **{c: flat[c] or DOMAIN[c][0] for c in CORE_FIELDS}}
    assert run({**known, name: None}).method is not None


# --- warnings (CONTRACT.md "Warning codes") ------------------------------------------------------


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers(), municipalities)
def test_warnings_exactly_as_contract_table(flat: dict[str, Any], m: Any) -> None:
    rec = run(flat, municipality=m)
    codes = set(rec.warning_codes)
    method = rec.method
    duration = flat["support_duration"] or "unknown"
    proposed = flat["proposed_method"]
    expected = {
        "start-support-now": flat["urgency"] == "acute",
        "housing-readiness-not-a-criterion": flat["housing_ready"] is not None,
        "cti-duration-unassessed": method == "CTI" and duration == "unknown",
        # the contract's case (below the recommended method), and while undecided below
        # every method still possible: the least possible method is the method when decided
        "below-assessed-need": proposed is not None
        and INTENSITY[proposed] < INTENSITY[rec.possible_methods[0]],
        # added to the contract's codes: a proposal above the need (000 «1 Indsatsvifte»)
        # rule set 1.2 (issue 10): not while the duration is unassessed and ICM would follow
        # from a long-term need (cti-duration-unassessed says so on the same screen)
        "above-assessed-need": method is not None
        and proposed is not None
        and INTENSITY[proposed] > INTENSITY[method]
        and not (proposed == "ICM" and method == "CTI" and duration == "unknown"),
        "method-not-offered": m is not None and method is not None and method not in m["offers"],
        "consent-missing": flat["consent"] is False,
        # CONTRACT.md 1.1 "Warnings": consent-not-recorded when consent is absent; an
        # undecided result says per missing answer what to find out
        "consent-not-recorded": flat["consent"] is None,
        "find-out-service-use": "service_use" in rec.missing,
        "find-out-complexity": "complexity" in rec.missing,
        "find-out-nine-months": method is None
        and rec.possible_methods[0] == "CTI"
        and duration == "unknown",
    }
    for code, when in expected.items():
        assert (code in codes) == when, code
    inconsistent = (flat["complexity"], flat["service_use"]) in {
        ("severe", "significant"),
        ("mild", "minimal"),
    }
    if inconsistent:  # the contract's examples; the rules may name more
        assert "inconsistent-answers" in codes
    # the other codes of CONTRACT.md 1.1 read answers this table does not model: each has
    # its YAML cases in rules/tests/warnings.yaml
    assert codes <= {*expected, "inconsistent-answers", *CONTRACT_1_1_CODES}


CONTRACT_1_1_CODES = {
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
}


# --- determinism, input forms, JSON -------------------------------------------------------------


@functools.cache
def fresh_rules() -> Any:
    """A second, independently loaded copy of the shipped rules (its own decision table)."""
    return load_rules(default_rules().directory)


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers(), municipalities, st.randoms(use_true_random=False))
def test_deterministic(flat: dict[str, Any], m: Any, rnd: Any) -> None:
    first = run(flat, municipality=m)
    snapshot = first.model_dump()
    # a caller editing the lists of one result does not change the next result
    for name in ("possible_methods", "missing", "reasons", "warnings"):
        getattr(first, name).clear()
    again = run(flat, municipality=m)
    assert again.model_dump() == snapshot
    first = again
    # key order does not matter
    items = list(nest(flat).items())
    rnd.shuffle(items)
    assert triage(dict(items), municipality=m) == first
    # a freshly loaded rule set (empty table) gives the same result, same fingerprint
    assert triage(nest(flat), municipality=m, rules=fresh_rules()) == first


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers(), municipalities)
def test_assessment_model_and_mapping_agree(flat: dict[str, Any], m: Any) -> None:
    mapping = nest(flat)
    assert triage(Assessment.model_validate(mapping), municipality=m) == triage(
        mapping, municipality=m
    )


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers(), municipalities, st.sampled_from(["da", "en"]))
def test_json_round_trip(flat: dict[str, Any], m: Any, lang: str) -> None:
    rec = run(flat, municipality=m, lang=lang)
    data = rec.model_dump(mode="json")
    text = json.dumps(data)
    assert json.loads(text) == data, "model_dump(mode='json') is JSON-ready data"
    back = Recommendation.model_validate_json(text)
    assert back == rec
    assert back.model_dump(mode="json") == data
    for key in ("method", "possible_methods", "missing", "reasons", "warnings"):
        assert key in data
    assert data["ruleset_fingerprint"] == rec.ruleset_fingerprint


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(complete_answers, municipalities)
def test_json_data_round_trips_via_model_validate(flat: dict[str, Any], m: Any) -> None:
    rec = run(flat, municipality=m)
    assert Recommendation.model_validate(json.loads(json.dumps(rec.model_dump(mode="json")))) == rec


# --- errors (CONTRACT.md "Input") ---------------------------------------------------------------


def _bad_values(name: str) -> st.SearchStrategy[Any]:
    """Values not allowed for ``name``: other text, numbers, true/false of the wrong kind."""
    allowed = DOMAIN[name]

    def not_allowed(v: Any) -> bool:
        return not any(type(v) is type(a) and v == a for a in allowed)

    candidates = st.one_of(
        st.text(max_size=12),
        st.integers(-3, 9),
        st.booleans(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from([str(a).lower() for a in allowed]),
        st.lists(st.sampled_from(allowed), max_size=2),
    )
    return candidates.filter(not_allowed)


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers(), st.sampled_from(list(DOMAIN)), st.data())
def test_invalid_value_is_error_naming_field_value_and_allowed(
    flat: dict[str, Any], name: str, data: Any
) -> None:
    bad = data.draw(_bad_values(name), label="bad value")
    with pytest.raises(AssessmentError) as info:
        run({**flat, name: bad})
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert f"'{name}'" in message
    for value in DOMAIN[name]:
        shown = ("true" if value else "false") if isinstance(value, bool) else str(value)
        assert shown in message, f"allowed value {shown} not named"
    if isinstance(bad, str) and bad:
        assert repr(bad)[:20] in message or repr(bad[:37])[:20] in message


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers(), st.text(min_size=1, max_size=20))
def test_unknown_key_is_error_naming_it(flat: dict[str, Any], key: str) -> None:
    assume(key not in DOMAIN and key not in NESTED)
    with pytest.raises(AssessmentError) as info:
        triage({**nest(flat), key: "x"})
    assert repr(key)[:20] in str(info.value)


@pytest.mark.slow  # hypothesis, hundreds of examples; CI runs it
@SETTINGS
@given(flat_answers(), st.sampled_from(NESTED), st.text(min_size=1, max_size=20))
def test_unknown_nested_key_is_error_naming_it(flat: dict[str, Any], group: str, key: str) -> None:
    assume(f"{group}.{key}" not in DOMAIN)
    mapping = nest(flat)
    mapping[group] = {**mapping.get(group, {}), key: 1}
    with pytest.raises(AssessmentError) as info:
        triage(mapping)
    assert repr(key)[:20] in str(info.value)
