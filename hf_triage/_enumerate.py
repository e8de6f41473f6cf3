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

from ._compile import DAYS_LIMIT, All, Any_, CompiledRules, Cond, Not, Test, fields_of
from ._domain import CORE_FIELDS, Scalar

__all__ = [
    "HIGHEST",
    "course_field_classes",
    "course_states",
    "enumerate_domain",
    "field_classes",
    "tests_by_field",
    "tests_of",
    "to_assessment",
    "warning_groups",
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


def tests_by_field(rules: CompiledRules, *, spread: bool = True) -> dict[str, list[Test]]:
    """Every field test in criteria, warnings and their text variants, grouped by field.

    With ``spread`` a test on the derived ``highest_dimension`` also appears as tests on every
    life dimension (what enumerating the assessments needs); without it, it stays a test on
    ``highest_dimension`` alone (the decision table reads that column itself).
    """
    result: dict[str, list[Test]] = {}
    conditions = [c.condition for c in rules.criteria] + [w.condition for w in rules.warnings]
    conditions += [v.condition for w in rules.warnings for v in w.variants]
    for cond in conditions:
        for test in tests_of(cond):
            result.setdefault(test.field, []).append(test)
    if spread:
        for test in result.get("highest_dimension", []):
            _spread_highest(rules, test, result)
    return result


def _spread_highest(rules: CompiledRules, test: Test, result: dict[str, list[Test]]) -> None:
    """A test on the derived ``highest_dimension`` (the largest rating given) as tests on every
    life dimension: cut the ratings into runs where the test's answer is constant; the run
    holding the largest rating is the largest of the runs holding each rating, so the classes
    of these cuts decide the test exactly. Whether a dimension is given at all is a cut too:
    with no dimension given the highest rating is absent, which passes no test."""
    for name, spec in rules.domain.fields.items():
        if not name.startswith("dimensions."):
            continue
        ordered = sorted(spec.values, key=int)
        result.setdefault(name, []).append(Test(name, "given", None, frozenset(ordered), test.line))
        for before, value in pairwise(ordered):
            if (before in test.accepted) != (value in test.accepted):
                cut = frozenset(v for v in ordered if int(v) >= int(value))
                result.setdefault(name, []).append(Test(name, "at_least", value, cut, test.line))


#: the derived field read as a column of its own (the largest life-dimension rating given)
HIGHEST = "highest_dimension"
#: warning groups are merged while their joint number of class tuples stays this small
_GROUP_LIMIT = 32


def _warning_fields(rules: CompiledRules) -> list[tuple[str, set[str]]]:
    """Each warning's code and the input fields it reads outside the decision fields."""
    decision = set(rules.decision_fields)
    result = []
    for w in rules.warnings:
        read = fields_of(w.condition).union(*(fields_of(v.condition) for v in w.variants))
        own = {f for f in read if f in rules.domain.fields or f == HIGHEST} - decision
        result.append((w.code, own))
    return result


def warning_groups(
    rules: CompiledRules, classes: dict[str, int]
) -> list[tuple[frozenset[str], tuple[str, ...]]]:
    """The warnings partitioned into groups that share no input field outside the decision
    fields (then small groups merged while their product of ``classes`` stays small).

    Returns each group's warning codes and its own fields (in domain order). No warning of one
    group reads a field of another, so each group's warnings depend only on the decision, the
    portfolio and the group's own fields: what lets the decision table and the enumerated
    domain treat the groups one by one instead of multiplying them.
    """
    groups: list[tuple[set[str], set[str]]] = []  # (codes, fields)
    for code, own in _warning_fields(rules):
        own = {f for f in own if classes.get(f, 1) > 1}
        joined = [g for g in groups if g[1] & own]
        codes, fields = {code}, set(own)
        for g in joined:
            codes |= g[0]
            fields |= g[1]
            groups.remove(g)
        groups.append((codes, fields))

    def size(fields: set[str]) -> int:
        n = 1
        for f in fields:
            n *= classes.get(f, 1)
        return n

    # fewer groups, fewer lookups per call: merge the smallest while the product stays small
    groups.sort(key=lambda g: size(g[1]))
    merged: list[tuple[set[str], set[str]]] = []
    for codes, fields in groups:
        # highest_dimension stays in a group of its own: verifying it enumerates every
        # dimension's cuts, which should not multiply with other fields
        alone = HIGHEST in fields or (merged and HIGHEST in merged[-1][1])
        if merged and not alone and size(merged[-1][1] | fields) <= _GROUP_LIMIT:
            merged[-1][0].update(codes)
            merged[-1][1].update(fields)
        else:
            merged.append((set(codes), set(fields)))
    order = {f: i for i, f in enumerate([*rules.domain.fields, HIGHEST])}
    return [
        (frozenset(codes), tuple(sorted(fields, key=order.__getitem__))) for codes, fields in merged
    ]


def _absent_allowed(name: str) -> bool:
    # support_duration has no absent state: absent is 'unknown', one of its values
    return name != "support_duration"


def field_classes(
    rules: CompiledRules, name: str, *, spread: bool = True
) -> list[list[Scalar | None]]:
    """The values of ``name`` (``None`` = absent) grouped by the tests they pass
    (``spread``: see ``tests_by_field``)."""
    tests = tests_by_field(rules, spread=spread).get(name, [])
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

    With ``fields`` the product of those fields' classes (other fields absent). Without, the
    domain the rules can tell apart: for each warning group (``warning_groups``), the product
    of the decision fields' and the group's own fields' classes, every other field absent. No
    warning of one group reads another group's fields, so these products together meet every
    decision with every combination each warning can see, without multiplying independent
    answers (consent, housing plan, evictions, ...) with each other. The group reading
    ``highest_dimension`` gets the life dimensions cut where the highest rating changes class,
    plus one more dimension. Each assessment is yielded once. With
    ``representatives_only=False`` every value is enumerated, not one per class.
    """
    if fields is not None:
        names = [f for f in rules.domain.fields if f in set(fields)]
        yield from _product(rules, names, names, representatives_only, set())
        return
    decision = [f for f in rules.domain.fields if f in {*rules.decision_fields, *CORE_FIELDS}]
    seen: set[frozenset[tuple[str, Any]]] = set()
    classes = {n: len(field_classes(rules, n, spread=False)) for n in rules.result_fields}
    if "highest_dimension" in rules.warning_fields:
        classes[HIGHEST] = 2
    groups = warning_groups(rules, classes) or [(frozenset[str](), ())]
    for _, own in groups:
        names = decision + [f for f in own if f != HIGHEST]
        spread: set[str] = set()
        if HIGHEST in own:
            dims = [f for f in rules.domain.fields if f.startswith("dimensions.")]
            names += [f for f in dims if f not in names][:1]
            spread = set(dims)
        names = [f for f in rules.domain.fields if f in set(names)]
        yield from _product(rules, names, spread, representatives_only, seen)


def _product(
    rules: CompiledRules,
    names: list[str],
    spread: Iterable[str],
    representatives_only: bool,
    seen: set[frozenset[tuple[str, Any]]],
) -> Iterator[dict[str, Any]]:
    """Assessments over the product of ``names``' classes, each not in ``seen`` (then added)."""
    spread = set(spread)
    choices = []
    for name in names:
        classes = field_classes(rules, name, spread=name in spread)
        choices.append(
            [c[0] for c in classes] if representatives_only else [v for c in classes for v in c]
        )
    for combo in product(*choices):
        key = frozenset((n, v) for n, v in zip(names, combo, strict=True) if v is not None)
        if key in seen:
            continue
        seen.add(key)
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
