"""Compile loaded rule files into one immutable rule set.

Every later stage consumes a ``CompiledRules``: the builtin engine, the checker, the durable
backend and the cohort path. Nothing after this module reads YAML or re-implements matching.

Conditions become a small tree of frozen dataclasses (``Test``, ``All``, ``Any``, ``Not``); a
``Test`` holds the *set of domain values* that satisfy it, so ``at_least: 3`` on a 0-4 score is
``{3, 4}``. The same tree is also turned into plain Python closures for fast evaluation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from ._domain import COURSE_FIELDS, DERIVED_FIELDS, FIELDS, METHODS, Scalar
from ._load import LoadedFile, LoadedRules
from ._rulemodels import (
    AllOf,
    AnyOf,
    Condition,
    FieldTest,
    FollowupFile,
    MethodFile,
    NotOf,
    ParameterRef,
    Text,
    WarningsFile,
)

__all__ = [
    "All",
    "Any_",
    "CompiledCriterion",
    "CompiledRules",
    "CompiledWarning",
    "Cond",
    "Facts",
    "Not",
    "Test",
    "compile_rules",
    "fields_of",
]

Facts = Mapping[str, Scalar]
Predicate = Callable[[Facts], bool]


#: a number of days above any real course: the upper end of an ``at_least`` range
DAYS_LIMIT = 1_000_000


@dataclass(frozen=True, slots=True)
class Test:
    """``field`` has one of ``accepted`` (an absent field never passes).

    For a number-of-days field ``accepted`` is a ``range`` and ``operand`` the resolved number
    (a ``{parameter: ...}`` is looked up at compile time; ``parameter`` keeps its name).
    """

    field: str
    op: str
    operand: Any
    accepted: frozenset[Scalar] | range
    line: int
    parameter: str | None = None


@dataclass(frozen=True, slots=True)
class All:
    items: tuple[Cond, ...]


@dataclass(frozen=True, slots=True)
class Any_:
    items: tuple[Cond, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Cond


Cond = Union[Test, All, Any_, Not]


def evaluate(cond: Cond, facts: Facts) -> bool:
    """Reference interpretation of a condition (the closures below must agree with it)."""
    if isinstance(cond, Test):
        value = facts.get(cond.field)
        if isinstance(cond.accepted, range):
            # only a whole number can be a number of days (True is not 1 day, None not scanned)
            return type(value) is int and value in cond.accepted
        return value is not None and value in cond.accepted
    if isinstance(cond, All):
        return all(evaluate(c, facts) for c in cond.items)
    if isinstance(cond, Any_):
        return any(evaluate(c, facts) for c in cond.items)
    return not evaluate(cond.item, facts)


def fields_of(cond: Cond) -> set[str]:
    """The fields a condition reads."""
    if isinstance(cond, Test):
        return {cond.field}
    if isinstance(cond, Not):
        return fields_of(cond.item)
    return set().union(*(fields_of(c) for c in cond.items))


def to_predicate(cond: Cond) -> Predicate:
    """A closure evaluating ``cond``; built once per rule set, never per call."""
    if isinstance(cond, Test):
        name, accepted = cond.field, cond.accepted
        if isinstance(accepted, range):
            low, high = accepted.start, accepted.stop

            def days(facts: Facts) -> bool:
                value = facts.get(name)
                return type(value) is int and low <= value < high

            return days
        return lambda facts: facts.get(name) in accepted
    if isinstance(cond, Not):
        inner = to_predicate(cond.item)
        return lambda facts: not inner(facts)
    parts = tuple(to_predicate(c) for c in cond.items)
    if isinstance(cond, All):
        if len(parts) == 2:
            a, b = parts
            return lambda facts: a(facts) and b(facts)
        return lambda facts: all(p(facts) for p in parts)
    return lambda facts: any(p(facts) for p in parts)


@dataclass(frozen=True, slots=True)
class CompiledCriterion:
    id: str
    method: str
    condition: Cond
    reason: Text
    source: str
    file: str
    line: int
    predicate: Predicate = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class CompiledWarning:
    code: str
    condition: Cond
    text: Text
    source: str
    file: str
    line: int
    predicate: Predicate = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class CompiledSignal:
    code: str
    condition: Cond
    text: Text
    source: str
    excludes: tuple[str, ...]
    file: str
    line: int
    predicate: Predicate = field(compare=False, repr=False)
    revisitation: bool = False


@dataclass(frozen=True, eq=False)
class CompiledRules:
    """An immutable, compiled rule set. Build it with ``hf_triage.load_rules``.

    Compared and hashed by identity; ``fingerprint`` says whether two hold the same rules.
    """

    directory: Path
    titles: Mapping[str, Text]
    criteria: tuple[CompiledCriterion, ...]
    warnings: tuple[CompiledWarning, ...]
    fingerprint: str
    #: fields the criteria read, in domain order: the projection the engine caches on
    decision_fields: tuple[str, ...]
    #: fields the warnings read (derived fields included)
    warning_fields: tuple[str, ...]
    #: every input field a result depends on: the engine's memo key
    memo_fields: tuple[str, ...]
    #: criteria by method, in file order
    by_method: Mapping[str, tuple[CompiledCriterion, ...]] = field(repr=False)
    #: follow-up signals for courses (empty when the rule set has no follow-up file)
    signals: tuple[CompiledSignal, ...] = ()
    #: the follow-up file's local parameters, in days
    parameters: Mapping[str, int] = field(default_factory=dict)
    #: the version from the rule set's manifest (rules/ruleset.yaml); None without one
    version: str | None = None
    #: evaluation memo owned by the builtin engine (results are pure functions of the key)
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def __repr__(self) -> str:
        return (
            f"<CompiledRules {self.directory} criteria={len(self.criteria)} "
            f"warnings={len(self.warnings)} fingerprint={self.fingerprint[:19]}...>"
        )

    def criterion(self, rule_id: str) -> CompiledCriterion:
        for c in self.criteria:
            if c.id == rule_id:
                return c
        raise KeyError(rule_id)


def _accepted(test: FieldTest, operand: Any) -> frozenset[Scalar] | range:
    spec = FIELDS.get(test.field) or DERIVED_FIELDS.get(test.field) or COURSE_FIELDS[test.field]
    values = spec.values
    op = test.op
    if spec.kind == "days":
        return range(operand, DAYS_LIMIT) if op == "at_least" else range(0, operand + 1)
    if op == "is":
        return frozenset([operand])
    if op == "one_of":
        return frozenset(operand)
    index = values.index(operand)
    return frozenset(values[index:] if op == "at_least" else values[: index + 1])


def _build(
    cond: Condition,
    loaded: LoadedFile,
    path: tuple[str | int, ...],
    parameters: Mapping[str, int] | None = None,
) -> Cond:
    if isinstance(cond, FieldTest):
        operand = tuple(cond.operand) if isinstance(cond.operand, list) else cond.operand
        parameter = None
        if isinstance(operand, ParameterRef):
            parameter = operand.parameter
            operand = (parameters or {})[parameter]
        return Test(
            cond.field,
            cond.op,
            operand,
            _accepted(cond, operand),
            loaded.line_of(*path),
            parameter,
        )
    if isinstance(cond, AllOf):
        items = enumerate(cond.all)
        return All(tuple(_build(c, loaded, (*path, "all", i), parameters) for i, c in items))
    if isinstance(cond, AnyOf):
        items = enumerate(cond.any)
        return Any_(tuple(_build(c, loaded, (*path, "any", i), parameters) for i, c in items))
    assert isinstance(cond, NotOf)
    return Not(_build(cond.not_, loaded, (*path, "not"), parameters))


def _fingerprint(models: list[dict[str, Any]]) -> str:
    canonical = json.dumps(models, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def compile_rules(loaded: LoadedRules) -> CompiledRules:
    criteria: list[CompiledCriterion] = []
    titles: dict[str, Text] = {}
    dumps: list[dict[str, Any]] = []
    for method in METHODS:
        lf = loaded.methods[method]
        model = lf.model
        assert isinstance(model, MethodFile)
        titles[method] = model.title
        dumps.append(model.model_dump(mode="json", by_alias=True, exclude_none=True))
        for i, c in enumerate(model.criteria):
            cond = _build(c.when, lf, ("criteria", i, "when"))
            criteria.append(
                CompiledCriterion(
                    c.id,
                    method,
                    cond,
                    c.reason,
                    c.source,
                    lf.path.name,
                    lf.line_of("criteria", i, "id"),
                    to_predicate(cond),
                )
            )
    wf = loaded.warnings
    assert isinstance(wf.model, WarningsFile)
    dumps.append(wf.model.model_dump(mode="json", by_alias=True, exclude_none=True))
    warnings = []
    for i, w in enumerate(wf.model.warnings):
        cond = _build(w.when, wf, ("warnings", i, "when"))
        warnings.append(
            CompiledWarning(
                w.code,
                cond,
                w.text,
                w.source,
                wf.path.name,
                wf.line_of("warnings", i, "code"),
                to_predicate(cond),
            )
        )
    signals: list[CompiledSignal] = []
    parameters: dict[str, int] = {}
    if loaded.followup is not None:
        ff = loaded.followup
        assert isinstance(ff.model, FollowupFile)
        dumps.append(ff.model.model_dump(mode="json", by_alias=True, exclude_none=True))
        parameters = {name: p.days for name, p in ff.model.parameters.items()}
        for i, s in enumerate(ff.model.signals):
            cond = _build(s.when, ff, ("signals", i, "when"), parameters)
            signals.append(
                CompiledSignal(
                    s.code,
                    cond,
                    s.text,
                    s.source,
                    tuple(s.excludes),
                    ff.path.name,
                    ff.line_of("signals", i, "code"),
                    to_predicate(cond),
                    s.revisitation,
                )
            )
    read = set().union(*(fields_of(c.condition) for c in criteria))
    read |= {"complexity", "service_use"}
    warning_read = set().union(*(fields_of(w.condition) for w in warnings))
    order = [*FIELDS, *DERIVED_FIELDS]
    return CompiledRules(
        directory=loaded.directory,
        titles=titles,
        criteria=tuple(criteria),
        warnings=tuple(warnings),
        fingerprint=_fingerprint(dumps),
        decision_fields=tuple(f for f in order if f in read),
        warning_fields=tuple(f for f in order if f in warning_read),
        memo_fields=tuple(f for f in FIELDS if f in read | warning_read),
        by_method={m: tuple(c for c in criteria if c.method == m) for m in METHODS},
        signals=tuple(signals),
        parameters=parameters,
    )
