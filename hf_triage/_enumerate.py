"""Enumerate the finite input domain, projected onto what a rule set actually reads.

Two answers that every test in the rules treats alike are interchangeable, so each field is cut
into classes of values (an absent answer is a value too) that pass exactly the same tests, and
one representative per class is enumerated. ``at_least: 3`` on a 0-4 score gives the classes
{absent, 0, 1, 2} and {3, 4}: two representatives instead of six. Fields no rule reads add no
combinations at all, so the work stays small as fields are added to the domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import pairwise, product
from typing import Any

from ._compile import DAYS_LIMIT, All, Any_, CompiledRules, Cond, Not, Test
from ._domain import CORE_FIELDS, Scalar

__all__ = [
    "course_field_classes",
    "course_states",
    "enumerate_domain",
    "field_classes",
    "tests_by_field",
    "tests_of",
    "to_assessment",
]


def tests_of(cond: Cond) -> Iterator[Test]:
    """Every field test in a condition."""
    if isinstance(cond, Test):
        yield cond
    elif isinstance(cond, Not):
        yield from tests_of(cond.item)
    elif isinstance(cond, (All, Any_)):
        for c in cond.items:
            yield from tests_of(c)


def tests_by_field(rules: CompiledRules) -> dict[str, list[Test]]:
    """Every field test in criteria and warnings, grouped by field."""
    result: dict[str, list[Test]] = {}
    conditions = [c.condition for c in rules.criteria] + [w.condition for w in rules.warnings]
    conditions += [v.condition for w in rules.warnings for v in w.variants]
    for cond in conditions:
        for test in tests_of(cond):
            result.setdefault(test.field, []).append(test)
    for test in result.get("highest_dimension", []):
        _spread_highest(rules, test, result)
    return result


def _spread_highest(rules: CompiledRules, test: Test, result: dict[str, list[Test]]) -> None:
    """A test on the derived ``highest_dimension`` (the largest rating given) as tests on every
    life dimension: cut the ratings into runs where the test's answer is constant; the run
    holding the largest rating is the largest of the runs holding each rating, so the classes
    of these cuts decide the test exactly."""
    for name, spec in rules.domain.fields.items():
        if not name.startswith("dimensions."):
            continue
        ordered = sorted(spec.values, key=int)
        for before, value in pairwise(ordered):
            if (before in test.accepted) != (value in test.accepted):
                cut = frozenset(v for v in ordered if int(v) >= int(value))
                result.setdefault(name, []).append(Test(name, "at_least", value, cut, test.line))


def _absent_allowed(name: str) -> bool:
    # support_duration has no absent state: absent is 'unknown', one of its values
    return name != "support_duration"


def field_classes(rules: CompiledRules, name: str) -> list[list[Scalar | None]]:
    """The values of ``name`` (``None`` = absent) grouped by the tests they pass."""
    tests = tests_by_field(rules).get(name, [])
    values: list[Scalar | None] = [None] if _absent_allowed(name) else []
    values += list(rules.domain.fields[name].values)
    return _group(values, tests)


def _group(values: list[Scalar | None], tests: list[Test]) -> list[list[Scalar | None]]:
    """``values`` grouped by which of ``tests`` they pass (absent passes none)."""
    groups: dict[tuple[bool, ...], list[Scalar | None]] = {}
    for value in values:
        signature = tuple(value is not None and value in t.accepted for t in tests)
        groups.setdefault(signature, []).append(value)
    return list(groups.values())


def to_assessment(facts: Mapping[str, Scalar | None]) -> dict[str, Any]:
    """Flat facts (``dimensions.x`` keys, ``None`` = absent) as an assessment mapping."""
    assessment: dict[str, Any] = {}
    for key, value in facts.items():
        if value is None:
            continue
        if key.startswith("dimensions."):
            assessment.setdefault("dimensions", {})[key.split(".", 1)[1]] = value
        else:
            assessment[key] = value
    return assessment


def enumerate_domain(
    rules: CompiledRules,
    fields: Iterable[str] | None = None,
    *,
    representatives_only: bool = True,
) -> Iterator[dict[str, Any]]:
    """Yield assessment mappings covering every class of every field the rules read.

    ``fields`` (default: every assessment field a criterion or warning reads, plus the core
    answers) chooses the projection; other fields stay absent. With
    ``representatives_only=False`` every value is enumerated, not one per class.
    """
    read = set(tests_by_field(rules)) | set(CORE_FIELDS)
    names = [f for f in rules.domain.fields if f in (set(fields) if fields is not None else read)]
    choices = []
    for name in names:
        classes = field_classes(rules, name)
        choices.append(
            [c[0] for c in classes] if representatives_only else [v for c in classes for v in c]
        )
    for combo in product(*choices):
        yield to_assessment(dict(zip(names, combo, strict=True)))


# --- course states (follow-up rules) ------------------------------------------------------


def _signal_tests(rules: CompiledRules) -> dict[str, list[Test]]:
    result: dict[str, list[Test]] = {}
    for signal in rules.signals:
        for test in tests_of(signal.condition):
            result.setdefault(test.field, []).append(test)
    return result


def course_field_classes(
    rules: CompiledRules, name: str, tests: list[Test] | None = None
) -> list[list[Scalar | None]]:
    """Values of a course fact (``None`` = absent) grouped by the signal tests they pass.

    A number of days has no fixed values: the candidates are 0 and each threshold and the
    day before it, which is every distinction an ``at_least``/``at_most`` test can make.
    """
    tests = tests if tests is not None else _signal_tests(rules).get(name, [])
    spec = rules.domain.course[name]
    values: list[Scalar | None] = [None]
    if spec.kind == "days":
        cuts = {0}
        for t in tests:
            assert isinstance(t.accepted, range)
            for edge in (t.accepted.start, t.accepted.stop):
                cuts.update(v for v in (edge - 1, edge) if 0 <= v < DAYS_LIMIT)
        values += sorted(cuts)
    else:
        values += list(spec.values)
    return _group(values, tests)


def _consistent(state: Mapping[str, Scalar | None]) -> bool:
    """Facts ``course_facts`` can actually produce together (only among the given fields)."""

    def has(name: str) -> bool:
        return state.get(name) is not None

    method = state.get("method")
    if method is not None and method != "CTI" and (has("cti_phase") or has("intensity_trend")):
        return False
    if method == "CTI" and "cti_phase" in state and not has("cti_phase"):
        return False
    admission = state.get("admission")
    if admission in (None, "none") and (has("days_admitted") or has("prison_term_days")):
        return False
    if admission in ("hospital", "treatment", "prison") and "days_admitted" in state:
        return has("days_admitted") and _rest_consistent(state, has)
    return _rest_consistent(state, has)


def _rest_consistent(state: Mapping[str, Scalar | None], has: Callable[[str], bool]) -> bool:
    admission = state.get("admission")
    if admission in ("hospital", "treatment") and has("prison_term_days"):
        return False
    for always in ("admission", "ended", "citizen_declined", "moved_out", "method"):
        if always in state and not has(always):
            return False
    ended = state.get("ended")
    if ended is False and any(has(n) for n in ("ending_reason", "stable_days", "handover_plan")):
        return False
    if ended is True and "ending_reason" in state and not has("ending_reason"):
        return False
    return not (ended is True and "handover_plan" in state and not has("handover_plan"))


def course_states(rules: CompiledRules, fields: Iterable[str]) -> Iterator[dict[str, Scalar]]:
    """Every consistent course state over ``fields``, one representative per class."""
    names = [f for f in rules.domain.course if f in set(fields)]
    tests = _signal_tests(rules)
    choices = []
    for name in names:
        # absent and present may differ in consistency: keep one of each per class
        reps: list[Scalar | None] = []
        for cls in course_field_classes(rules, name, tests.get(name, [])):
            present = [v for v in cls if v is not None]
            if None in cls:
                reps.append(None)
            reps += present[:1]
        choices.append(reps)

    # depth first, dropping a partial state as soon as it is inconsistent
    def extend(i: int, state: dict[str, Scalar | None]) -> Iterator[dict[str, Scalar]]:
        if i == len(names):
            yield {k: v for k, v in state.items() if v is not None}
            return
        for value in choices[i]:
            state[names[i]] = value
            if _consistent(state):
                yield from extend(i + 1, state)
        del state[names[i]]

    yield from extend(0, {})
