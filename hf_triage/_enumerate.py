"""Enumerate the finite input domain, projected onto what a rule set actually reads.

Two answers that every test in the rules treats alike are interchangeable, so each field is cut
into classes of values (an absent answer is a value too) that pass exactly the same tests, and
one representative per class is enumerated. ``at_least: 3`` on a 0-4 score gives the classes
{absent, 0, 1, 2} and {3, 4}: two representatives instead of six. Fields no rule reads add no
combinations at all, so the work stays small as fields are added to the domain.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import product
from typing import Any

from ._compile import All, Any_, CompiledRules, Cond, Not, Test
from ._domain import CORE_FIELDS, FIELDS, Scalar

__all__ = ["enumerate_domain", "field_classes", "tests_by_field", "to_assessment"]


def _tests(cond: Cond) -> Iterator[Test]:
    if isinstance(cond, Test):
        yield cond
    elif isinstance(cond, Not):
        yield from _tests(cond.item)
    elif isinstance(cond, (All, Any_)):
        for c in cond.items:
            yield from _tests(c)


def tests_by_field(rules: CompiledRules) -> dict[str, list[Test]]:
    """Every field test in criteria and warnings, grouped by field."""
    result: dict[str, list[Test]] = {}
    conditions = [c.condition for c in rules.criteria] + [w.condition for w in rules.warnings]
    for cond in conditions:
        for test in _tests(cond):
            result.setdefault(test.field, []).append(test)
    return result


def _absent_allowed(name: str) -> bool:
    # support_duration has no absent state: absent is 'unknown', one of its values
    return name != "support_duration"


def field_classes(rules: CompiledRules, name: str) -> list[list[Scalar | None]]:
    """The values of ``name`` (``None`` = absent) grouped by the tests they pass."""
    tests = tests_by_field(rules).get(name, [])
    values: list[Scalar | None] = [None] if _absent_allowed(name) else []
    values += list(FIELDS[name].values)
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
    names = [f for f in FIELDS if f in (set(fields) if fields is not None else read)]
    choices = []
    for name in names:
        classes = field_classes(rules, name)
        choices.append(
            [c[0] for c in classes] if representatives_only else [v for c in classes for v in c]
        )
    for combo in product(*choices):
        yield to_assessment(dict(zip(names, combo, strict=True)))
