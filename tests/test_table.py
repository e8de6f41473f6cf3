"""The decision table gives exactly what the condition trees give, and memory stays flat.

The builtin engine answers ``triage()`` from a table over value classes (``_table``). These
tests compare it with ``_engine.recommend_direct`` — the condition trees evaluated afresh, with
the texts rendered for the very assessment — over the whole enumerated domain (every tuple of
classes), for the shipped rules and for generated rule sets. Each table entry is filled by one
member of its class and then asked with another, so a wrong grouping of values shows.
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rulegen import domain_with, generate, generate_small

from hf_triage import Assessment, load_rules, triage
from hf_triage._api import _facts
from hf_triage._compile import CompiledRules, to_predicate
from hf_triage._domain import DEFAULT_DOMAIN, FieldSpec
from hf_triage._engine import decide, recommend_direct
from hf_triage._enumerate import HIGHEST, field_classes, to_assessment
from hf_triage._enumerate import tests_of as conditions_tests
from hf_triage._exceptions import RuleError
from hf_triage._load import default_rules_dir
from hf_triage._table import TABLES, DecisionTable, Group, value_classes

OFFERS: tuple[frozenset[str] | None, ...] = (
    None,
    frozenset({"CTI", "ICM", "ACT"}),
    frozenset(),
    frozenset({"CTI"}),
)


def _pick(classes: list[list[Any]], pick: int) -> list[Any]:
    return [c[pick] for c in classes]


def group_tuples(rules: CompiledRules, group: Group, pick: int) -> list[dict[str, Any]]:
    """One flat assessment per tuple of classes of the decision fields and ``group``'s fields.

    ``pick`` chooses the member of each class (0 first, -1 last). Every other field stays
    absent: no other group's warnings read this group's fields, so the tuples cover every
    entry of the group. ``highest_dimension`` is no answer: its classes are reached through
    the dimensions the decision reads and one more dimension, each cut where the highest
    rating changes class (``_enumerate``'s spread tests).
    """
    table = TABLES.table(rules)
    names = [n for n, _ in table.decision_columns]
    names += [f for f in group.fields if f != HIGHEST]
    choices = [_pick(value_classes(rules, n), pick) for n in names]
    if HIGHEST in group.fields:
        dims = [f for f in rules.domain.fields if f.startswith("dimensions.")]
        spare = [f for f in dims if f not in names][:1]
        for k, name in enumerate(names):
            if name.startswith("dimensions."):
                choices[k] = _pick(field_classes(rules, name), pick)
        names += spare
        choices += [_pick(field_classes(rules, f), pick) for f in spare]
    result = []
    for combo in itertools.product(*choices):
        flat = dict(zip(names, combo, strict=True))
        if flat.get("support_duration") is None:
            flat["support_duration"] = "unknown"  # what validation fills in
        result.append({k: v for k, v in flat.items() if v is not None})
    return result


def assert_table_equals_trees(rules: CompiledRules, langs: tuple[str, ...] = ("da",)) -> int:
    """Per warning group: fill the table with the last member of each class, then compare
    with the condition trees on the first members, for every portfolio state and language."""
    table = TABLES.table(rules)
    compared = 0
    for group in table.groups or (Group(frozenset(), (), table.parts_size, 1, (), [], {}, {}),):
        fill = group_tuples(rules, group, -1)
        ask = group_tuples(rules, group, 0)
        assert len(fill) == len(ask)
        for facts in fill:
            for offers in OFFERS:
                for lang in langs:
                    try:
                        TABLES.recommend(rules, facts, offers, lang)
                    except RuleError:
                        continue
        for facts in ask:
            for offers in OFFERS:
                for lang in langs:
                    try:
                        expected = recommend_direct(rules, facts, offers, lang)
                    except RuleError as exc:
                        with pytest.raises(RuleError) as got:
                            TABLES.recommend(rules, facts, offers, lang)
                        assert str(got.value) == str(exc)
                        continue
                    got_rec = TABLES.recommend(rules, facts, offers, lang)
                    assert got_rec == expected, facts
                    compared += 1
    assert len(table.parts) <= table.parts_size
    for group in table.groups:
        assert len(group.entries) <= table.parts_size * 5 * group.size * len(langs)
    return compared


@pytest.mark.slow  # exhaustive or hypothesis-driven: the full run (CI) has it
def test_shipped_table_equals_condition_trees_over_whole_domain() -> None:
    rules = load_rules(default_rules_dir())
    compared = assert_table_equals_trees(rules, ("da", "en"))
    table = TABLES.table(rules)
    assert compared >= len(OFFERS) * 2 * table.parts_size * sum(g.size for g in table.groups)


def test_shipped_table_has_the_documented_number_of_classes() -> None:
    # rule set 1.2: 192 decision parts; its warnings fall in groups that share no field, so
    # the table holds at most 192 x 5 portfolio states x (the groups' sizes) warning entries
    # per language, not one per tuple of classes (4,718,592 of them)
    table = TABLES.table(load_rules(default_rules_dir()))
    assert table.parts_size == 192
    assert table.size == 4_718_592
    assert sum(g.size for g in table.groups) <= 64
    codes = [c for g in table.groups for c in g.codes]
    assert sorted(codes) == sorted(w.code for w in _SHIPPED.warnings)


GENERATED_FIELDS = [
    "complexity",
    "service_use",
    "support_duration",
    "dimensions.housing",
    "extra_1",
    "extra_2",
]


@pytest.mark.slow  # exhaustive or hypothesis-driven: the full run (CI) has it
@pytest.mark.parametrize("seed", range(12))
def test_generated_table_equals_condition_trees(tmp_path: Path, seed: int) -> None:
    domain = domain_with(2, levels=3)
    directory = generate_small(tmp_path / "rules", seed, domain, GENERATED_FIELDS)
    rules = load_rules(directory, domain=domain)
    assert assert_table_equals_trees(rules, ("da", "en")) > 0


@pytest.mark.slow  # exhaustive or hypothesis-driven: the full run (CI) has it
@settings(max_examples=300, deadline=None)
@given(st.data())
def test_every_value_gives_what_the_trees_give(data: st.DataObject) -> None:
    """Raw values (not class representatives), partial assessments, both languages."""
    rules = _SHIPPED
    flat: dict[str, Any] = {}
    for name, spec in DEFAULT_DOMAIN.fields.items():
        value = data.draw(st.sampled_from([None, *spec.values]), label=name)
        if value is not None:
            flat[name] = value
    offers = data.draw(st.sampled_from(OFFERS), label="offers")
    lang = data.draw(st.sampled_from(["da", "en"]), label="lang")
    facts = _facts(to_assessment(flat))
    municipality = None if offers is None else {"offers": sorted(offers)}
    got = triage(to_assessment(flat), rules=rules, municipality=municipality, lang=lang)
    assert got == recommend_direct(rules, facts, offers, lang)


_SHIPPED = load_rules(default_rules_dir())


def test_table_memory_is_bounded_by_the_classes_not_the_citizens() -> None:
    rules = load_rules(default_rules_dir())
    table = TABLES.table(rules)
    names = list(DEFAULT_DOMAIN.fields)
    # far more distinct assessments than table entries: every value of 7 fields
    grid = itertools.product(
        *(DEFAULT_DOMAIN.fields[n].values for n in names[:4]),
        range(5),
        range(5),
        range(5),
    )
    count = 0
    for combo in grid:
        a = to_assessment(dict(zip([*names[:4], *names[5:8]], combo, strict=True)))
        triage(a, rules=rules)
        count += 1
    assert count > table.entries
    assert len(table.parts) <= table.parts_size
    # the "why not" texts quote answers: at most a bounded number per entry and language
    for part in table.parts.values():
        for texts in part.texts.values():
            assert len(texts.by_answers) <= 64


def test_compiled_rules_are_immutable_and_hold_no_memo() -> None:
    rules = load_rules(default_rules_dir())
    assert not hasattr(rules, "memo")
    triage({"complexity": "mild", "service_use": "significant"}, rules=rules)
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.fingerprint = "x"  # type: ignore[misc]
    assert all(not isinstance(getattr(rules, f.name), dict) for f in dataclasses.fields(rules))


def test_table_lives_with_its_rule_set() -> None:
    import gc

    rules = load_rules(default_rules_dir())
    triage({"complexity": "mild", "service_use": "significant"}, rules=rules)
    load_rules(default_rules_dir())  # another rule set becomes "last used"
    triage({"complexity": "mild", "service_use": "significant"}, rules=_SHIPPED)
    before = len(TABLES._tables)
    del rules
    gc.collect()
    assert len(TABLES._tables) == before - 1


def test_domain_is_part_of_rules_and_fingerprint() -> None:
    shipped = load_rules(default_rules_dir())
    wider = DEFAULT_DOMAIN.with_fields(FieldSpec("extra_1", (0, 1), "ordinal"))
    other = load_rules(default_rules_dir(), domain=wider)
    assert shipped.domain is DEFAULT_DOMAIN
    assert other.domain is wider
    assert other.fingerprint != shipped.fingerprint
    assert load_rules(default_rules_dir()).fingerprint == shipped.fingerprint
    # building a domain never changes the shipped one
    assert "extra_1" not in DEFAULT_DOMAIN.fields


def test_rules_reading_a_field_of_another_domain_are_refused(tmp_path: Path) -> None:
    directory = generate(tmp_path / "rules", 1, domain_with(1), fields=["extra_1"], criteria=1)
    with pytest.raises(RuleError, match="extra_1"):
        load_rules(directory)
    assert load_rules(directory, domain=domain_with(1)).domain.fields["extra_1"]


def test_one_condition_interpreter() -> None:
    """``_compile.evaluate`` is gone: ``to_predicate`` is the only interpreter."""
    import hf_triage._compile as compile_module

    assert not hasattr(compile_module, "evaluate")
    rules = _SHIPPED
    for c in rules.criteria:
        assert all(to_predicate(t)({}) is False for t in conditions_tests(c.condition))


def test_decide_keeps_its_meaning() -> None:
    """``_engine.decide(rules, facts)``: the method part the counterfactuals build on."""
    decision = decide(_SHIPPED, {"complexity": "severe", "support_duration": "unknown"})
    assert decision.method is None
    assert decision.possible_methods == ("ICM", "ACT")
    assert decision.missing == ("service_use",)
    full = decide(_SHIPPED, _facts({"complexity": "mild", "service_use": "significant"}))
    assert full.method == "CTI" and full.reason_ids


def test_assessment_model_uses_the_table_too() -> None:
    a = {"complexity": "moderate", "service_use": "minimal", "dimensions": {"housing": 2}}
    assert triage(Assessment.model_validate(a)) == triage(a)
    table: DecisionTable = TABLES.table(_SHIPPED)
    assert table.index(_facts(a)) == table.index(_facts({**a, "dimensions": {"housing": 3}}))


_ODD_VALUES: st.SearchStrategy[object] = st.sampled_from(
    [None, True, False, 0, 1, 3, 4, 7, 1.0, "1", "mild", "x", [], {}]
)


@pytest.mark.slow  # exhaustive or hypothesis-driven: the full run (CI) has it
@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [n for n in DEFAULT_DOMAIN.fields if "." not in n] + ["dimensions", "other"]
        ),
        _ODD_VALUES
        | st.sampled_from([v for s in DEFAULT_DOMAIN.fields.values() for v in s.values])
        | st.dictionaries(st.sampled_from(["mental_health", "housing", "mood"]), _ODD_VALUES),
    )
)
def test_one_pass_validation_accepts_exactly_what_validation_accepts(data: dict[str, Any]) -> None:
    """``Tables.index_mapping`` (validation and table index in one pass) never accepts what
    ``validate_mapping`` refuses, and gives the same facts and index when it accepts."""
    from hf_triage._models import validate_mapping

    found = TABLES.index_mapping(_SHIPPED, data)
    facts, problems = validate_mapping(data)
    if found is None:
        return
    table, index, flat = found
    assert not problems
    assert flat == facts
    assert index == table.index(facts)
