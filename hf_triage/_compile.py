"""Compile loaded rule files into one immutable rule set.

Every later stage consumes a ``CompiledRules``: the builtin engine, the checker, the durable
backend and the cohort path. Nothing after this module reads YAML or re-implements matching.

Conditions become a small tree of frozen dataclasses (``Test``, ``All``, ``Any``, ``Not``); a
``Test`` holds the *set of domain values* that satisfy it, so ``at_least: 3`` on a 0-4 score is
``{3, 4}``. The same tree is turned into plain Python closures (``to_predicate``): the one
interpreter of conditions that every engine and the checker use.

The input domain the rules were compiled against is part of the rule set (``domain``) and of
its fingerprint, so a rule set compiled against a wider domain never passes for the shipped one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Union

from ._domain import DEFAULT_DOMAIN, METHODS, Domain
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
from ._types import Facts, Predicate, Scalar

__all__ = [
    "All",
    "Any_",
    "CompiledCriterion",
    "CompiledRules",
    "CompiledVariant",
    "CompiledWarning",
    "Cond",
    "Facts",
    "Not",
    "Test",
    "compile_rules",
    "fields_of",
    "holds",
    "to_predicate",
]


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
                # only a whole number can be a number of days (True is not 1 day)
                value = facts.get(name)
                return type(value) is int and low <= value < high

            return days
        # an absent answer (None) is in no accepted set: it never passes a test
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


@lru_cache(maxsize=4096)
def _predicate(cond: Cond) -> Predicate:
    return to_predicate(cond)


def holds(cond: Cond, facts: Facts) -> bool:
    """Whether ``cond`` holds for ``facts`` (for explanations and checks, off the hot path)."""
    return _predicate(cond)(facts)


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
class CompiledVariant:
    """A case-dependent text of a warning (``variants`` in warnings.yaml)."""

    condition: Cond
    text: Text
    source: str
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
    level: str = "warning"
    variants: tuple[CompiledVariant, ...] = ()

    def text_for(self, facts: Facts) -> tuple[Text, str]:
        """The text and source for the warning facts of one case: the first variant that
        holds, else the warning's own text."""
        for variant in self.variants:
            if variant.predicate(facts):
                return variant.text, variant.source
        return self.text, self.source


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
    #: every input field a result depends on, in domain order: the decision table's key
    result_fields: tuple[str, ...]
    #: criteria by method, in file order
    by_method: Mapping[str, tuple[CompiledCriterion, ...]] = field(repr=False)
    #: follow-up signals for courses (empty when the rule set has no follow-up file)
    signals: tuple[CompiledSignal, ...] = ()
    #: the follow-up file's local parameters, in days
    parameters: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    #: the follow-up file's summary thresholds (``summary:`` in followup.yaml), in per cent
    summary_percent: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    #: the version from the rule set's manifest (rules/ruleset.yaml); None without one
    version: str | None = None
    #: the input domain the rules were compiled against (part of the fingerprint)
    domain: Domain = field(default=DEFAULT_DOMAIN, repr=False)

    @property
    def memo_fields(self) -> tuple[str, ...]:
        """The former name of ``result_fields`` (the batch path groups rows on them)."""
        return self.result_fields

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


def _accepted(test: FieldTest, operand: Any, domain: Domain) -> frozenset[Scalar] | range:
    spec = domain.spec(test.field)
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
    domain: Domain,
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
            _accepted(cond, operand, domain),
            loaded.line_of(*path),
            parameter,
        )
    if isinstance(cond, AllOf):
        items = enumerate(cond.all)
        return All(
            tuple(_build(c, loaded, (*path, "all", i), domain, parameters) for i, c in items)
        )
    if isinstance(cond, AnyOf):
        items = enumerate(cond.any)
        return Any_(
            tuple(_build(c, loaded, (*path, "any", i), domain, parameters) for i, c in items)
        )
    assert isinstance(cond, NotOf)
    return Not(_build(cond.not_, loaded, (*path, "not"), domain, parameters))


def _fingerprint(models: list[dict[str, Any]]) -> str:
    canonical = json.dumps(models, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def compile_rules(loaded: LoadedRules, domain: Domain = DEFAULT_DOMAIN) -> CompiledRules:
    """Compile loaded rule files against ``domain`` (load them with the same domain's fields)."""
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
            cond = _build(c.when, lf, ("criteria", i, "when"), domain)
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
        cond = _build(w.when, wf, ("warnings", i, "when"), domain)
        variants = []
        for j, v in enumerate(w.variants):
            vcond = _build(v.when, wf, ("warnings", i, "variants", j, "when"), domain)
            variants.append(
                CompiledVariant(vcond, v.text, v.source or w.source, to_predicate(vcond))
            )
        warnings.append(
            CompiledWarning(
                w.code,
                cond,
                w.text,
                w.source,
                wf.path.name,
                wf.line_of("warnings", i, "code"),
                to_predicate(cond),
                w.level,
                tuple(variants),
            )
        )
    signals: list[CompiledSignal] = []
    parameters: dict[str, int] = {}
    summary_percent: dict[str, int] = {}
    if loaded.followup is not None:
        ff = loaded.followup
        assert isinstance(ff.model, FollowupFile)
        dumps.append(ff.model.model_dump(mode="json", by_alias=True, exclude_none=True))
        parameters = {name: p.days for name, p in ff.model.parameters.items()}
        if ff.model.summary is not None:
            summary_percent = {name: share.percent for name, share in ff.model.summary}
        for i, s in enumerate(ff.model.signals):
            cond = _build(s.when, ff, ("signals", i, "when"), domain, parameters)
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
    warning_read = set().union(
        *(fields_of(w.condition) for w in warnings),
        *(fields_of(v.condition) for w in warnings for v in w.variants),
    )
    if "highest_dimension" in warning_read:
        # derived from every life dimension: each one is part of the memo key
        warning_read |= {f for f in domain.fields if f.startswith("dimensions.")}
    order = [*domain.fields, *domain.derived]
    # the same rules over another domain are other rules (an at_least covers other values)
    dumps.append({"domain": domain.describe()})
    return CompiledRules(
        directory=loaded.directory,
        titles=MappingProxyType(titles),
        criteria=tuple(criteria),
        warnings=tuple(warnings),
        fingerprint=_fingerprint(dumps),
        decision_fields=tuple(f for f in order if f in read),
        warning_fields=tuple(f for f in order if f in warning_read),
        result_fields=tuple(f for f in domain.fields if f in read | warning_read),
        by_method=MappingProxyType(
            {m: tuple(c for c in criteria if c.method == m) for m in METHODS}
        ),
        signals=tuple(signals),
        parameters=MappingProxyType(parameters),
        summary_percent=MappingProxyType(summary_percent),
        domain=domain,
    )
