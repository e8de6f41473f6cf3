"""The durable_rules backend: the compiled rule set run on durable_rules' Rete engine.

Optional: ``pip install "hf-triage[durable]"``. durable-rules 2.0.28 is its last release, an
sdist with a C extension that calls ``PyEval_CallObject`` (removed in CPython 3.13), so it works
on Python 3.12 and older only. Nothing imports it until ``triage(..., engine="durable")`` runs.

How a rule set becomes durable rulesets (``durable_definitions``, pure JSON data):

- one ruleset per kind of rule, ``hf_triage-<kind>-<fingerprint>``: ``criteria`` (one durable
  rule per criterion, named by its id), ``warnings`` (one per warning code) and, when the rule
  set has a follow-up file, ``signals``. Naming by fingerprint keeps two different rule sets in
  one process apart; equal fingerprints mean equal rules, so they share rulesets.
- a condition tree becomes a durable expression in negation normal form, because durable has
  no "not" for an expression: ``Test`` is an ``$or`` of equalities over its accepted values (a
  number-of-days range is ``$gte``/``$lte``); ``Not(Test)`` is "absent (``$nex``) or unequal to
  every accepted value (``$neq``)"; De Morgan for ``All``/``Any_``. Booleans are sent as the
  strings ``"true"``/``"false"`` (durable compares ``true == 1``), ``dimensions.x`` as
  ``dimensions__x``.
- every expression also requires the marker ``hf_triage == 1``: durable matches rules against
  its own session state object too, and an unmarked ``$nex`` rule fired on it forever.

One evaluation asserts the facts as one durable fact, collects the names of the rules whose
actions ran (results come back only through action side effects), then retracts the fact, so
working memory is empty between calls and memory stays flat. A fact no rule accepts raises
``MessageNotHandledException``: that simply means no rule holds. The method, partial
assessments, reasons and texts are resolved by the shared ``_engine.decide`` (with the durable
matcher, ``_types.Matcher``) and ``_explain.explain``, so the result is the builtin one except
``engine == "durable"``. The "why not the other methods" texts are rendered by ``explain`` from
the compiled predicates.

Thread safety: durable_rules is not thread-safe here (rule actions report through shared
lists; its host and C engine keep per-ruleset state without locks), so every use of durable in
this module holds one module lock: concurrent triages are serialised, giving the same answers
as sequential calls, not parallel speed. The durable host is our own instance, created once
under the lock (not ``durable.lang``'s process-global host, so rulesets of other durable users
in the process cannot clash with ours); its background dispatch timers (for timers and queued
actions, which these rulesets never use) are not started, so no other thread touches the
engine. durable cannot unregister a ruleset: each distinct rule set used with this engine stays
registered for the life of the process (a few kilobytes each).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._compile import All, CompiledRules, Cond, Not, Test
from ._engine import outcome
from ._exceptions import TriageError
from ._explain import build, explain
from ._models import Recommendation
from ._types import Decision, Facts, Kind, Scalar

__all__ = [
    "INSTALL_HINT",
    "decide_durable",
    "durable_definitions",
    "recommend_durable",
    "ruleset_names",
    "signal_codes_durable",
]

INSTALL_HINT = 'pip install "hf-triage[durable]"'

#: marks our facts; see the module docstring
MARKER = "hf_triage"
#: one fixed session: each evaluation's fact is retracted before the next is asserted
_SID = "hf_triage"
_FACT_ID = "assessment"

Expr = dict[str, Any]

_NEVER: Expr = {MARKER: 0}


# --- rule set -> durable ruleset definitions (pure data) ---------------------------------------


def _key(name: str) -> str:
    return name.replace(".", "__")


def _encode(value: Scalar) -> str | int:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _either(terms: list[Expr]) -> Expr:
    if not terms:
        return _NEVER
    return terms[0] if len(terms) == 1 else {"$or": terms}


def _both(terms: list[Expr]) -> Expr:
    return terms[0] if len(terms) == 1 else {"$and": terms}


def _expression(cond: Cond, negate: bool = False) -> Expr:
    """``cond`` (or its negation) as a durable expression in negation normal form."""
    if isinstance(cond, Test):
        key = _key(cond.field)
        if isinstance(cond.accepted, range):  # a number of days: an interval
            low, high = cond.accepted.start, cond.accepted.stop - 1
            if not negate:
                return {"$and": [{"$gte": {key: low}}, {"$lte": {key: high}}]}
            return {"$or": [{"$nex": {key: 1}}, {"$lt": {key: low}}, {"$gt": {key: high}}]}
        values = sorted(cond.accepted, key=lambda v: (type(v).__name__, v))
        if not negate:
            return _either([{key: _encode(v)} for v in values])
        # an absent answer never passes a test, so it passes the negation
        if not values:
            return {MARKER: 1}
        others = _both([{"$neq": {key: _encode(v)}} for v in values])
        return {"$or": [{"$nex": {key: 1}}, others]}
    if isinstance(cond, Not):
        return _expression(cond.item, not negate)
    parts = [_expression(c, negate) for c in cond.items]
    conjunction = isinstance(cond, All) != negate
    return _both(parts) if conjunction else _either(parts)


def _rule(cond: Cond) -> Expr:
    return {"all": [{"m": {"$and": [{MARKER: 1}, _expression(cond)]}}]}


def _named(rules: CompiledRules) -> dict[str, dict[str, Cond]]:
    """The conditions of ``rules`` by kind, each by rule name (criterion id, warning code...)."""
    return {
        "criteria": {c.id: c.condition for c in rules.criteria},
        "warnings": {w.code: w.condition for w in rules.warnings},
        # follow-up signals for courses; a rule set without a follow-up file has none
        "signals": {s.code: s.condition for s in rules.signals},
    }


def ruleset_names(rules: CompiledRules) -> dict[str, str]:
    """The durable ruleset name of each kind of rule in ``rules``, by fingerprint."""
    digest = rules.fingerprint.split(":", 1)[-1]
    return {kind: f"hf_triage-{kind}-{digest}" for kind in _named(rules)}


def durable_definitions(rules: CompiledRules) -> dict[str, dict[str, Expr]]:
    """The durable_rules JSON ruleset definitions of ``rules``, without actions.

    Rule names are the criterion ids, warning codes and signal codes; a kind with no rules
    gives no ruleset.
    """
    names = ruleset_names(rules)
    return {
        names[kind]: {name: _rule(cond) for name, cond in conditions.items()}
        for kind, conditions in _named(rules).items()
        if conditions
    }


def _fact(facts: Facts) -> dict[str, Any]:
    fact: dict[str, Any] = {_key(k): _encode(v) for k, v in facts.items() if v is not None}
    fact.update({MARKER: 1, "sid": _SID, "id": _FACT_ID})
    return fact


# --- the durable host, confined to this module -------------------------------------------------

_LOCK = threading.Lock()


@dataclass
class _Runtime:
    host: Any
    not_handled: type[Exception]
    programs: dict[str, _Program] = field(default_factory=dict)


@dataclass
class _Program:
    """The registered durable rulesets of one rule set (by fingerprint)."""

    #: durable ruleset name by kind of rule (``ruleset_names``)
    names: dict[str, str]
    #: the kinds that have a registered ruleset (a kind with no rules has none)
    registered: frozenset[str]
    #: names of the rules whose actions ran for the fact being evaluated
    fired: list[str] = field(default_factory=list)

    def holding(self, runtime: _Runtime, kind: str, facts: Facts) -> set[str]:
        """Names of the rules of ``kind`` that hold for ``facts`` (call under ``_LOCK``)."""
        if kind not in self.registered:
            return set()
        ruleset, fact = self.names[kind], _fact(facts)
        self.fired.clear()
        try:
            runtime.host.assert_fact(ruleset, fact)
        except runtime.not_handled:
            return set()  # no rule accepted the fact, so it was not stored either
        finally:
            # the working memory is empty between evaluations: memory stays flat
            runtime.host.retract_fact(ruleset, fact)
        return set(self.fired)


@dataclass
class _DurableMatcher:
    """The engine protocol (``_types.Matcher``) over durable_rules (call under ``_LOCK``)."""

    runtime: _Runtime
    program: _Program
    name: str = "durable"

    def holding(self, rules: CompiledRules, kind: Kind, facts: Facts) -> set[str]:
        return self.program.holding(self.runtime, kind, facts)


_runtime: _Runtime | None = None


def _start() -> _Runtime:
    """The durable host, created once, up front, under ``_LOCK``."""
    global _runtime
    if _runtime is not None:
        return _runtime
    try:
        engine: Any = importlib.import_module("durable.engine")
    except ImportError as exc:
        raise TriageError(
            f"engine 'durable' needs the optional durable_rules package, which is not "
            f"installed or does not load here ({exc}); install it with: {INSTALL_HINT} "
            "(durable-rules 2.0.28 needs Python 3.12 or older and a C compiler), "
            "or use engine='builtin'"
        ) from None

    class QuietHost(engine.Host):  # type: ignore[misc]
        """A host without the background dispatch timers (see the module docstring)."""

        def _run(self) -> None:
            return None

    _runtime = _Runtime(QuietHost(), engine.MessageNotHandledException)
    return _runtime


def _program(rules: CompiledRules) -> tuple[_Runtime, _Program]:
    """The durable host and the rulesets of ``rules``, registered once (call under ``_LOCK``)."""
    runtime = _start()
    program = runtime.programs.get(rules.fingerprint)
    if program is None:
        definitions = durable_definitions(rules)
        names = ruleset_names(rules)
        program = _Program(names, frozenset(k for k, n in names.items() if n in definitions))
        for ruleset in definitions.values():
            for name, rule in ruleset.items():
                rule["run"] = _action(program.fired, name)
        runtime.host.register_rulesets(definitions)
        runtime.programs[rules.fingerprint] = program
    return runtime, program


def _action(fired: list[str], name: str) -> Callable[[Any], None]:
    def run(c: Any) -> None:
        fired.append(name)

    return run


# --- evaluation --------------------------------------------------------------------------------


def recommend_durable(
    rules: CompiledRules, facts: Facts, offers: frozenset[str] | None, lang: str
) -> Recommendation:
    """Evaluate ``rules`` for validated ``facts`` on durable_rules (see the module docstring)."""
    decision, codes = decide_durable(rules, facts, offers)
    return build(rules, explain(rules, facts, decision, codes, lang, offers), "durable")


def decide_durable(
    rules: CompiledRules, facts: Facts, offers: frozenset[str] | None
) -> tuple[Decision, list[str]]:
    """The decision and the warning codes, matched by durable: ``_engine.outcome`` with the
    durable matcher."""
    with _LOCK:
        return outcome(rules, facts, offers, _matcher(rules))


def _matcher(rules: CompiledRules) -> _DurableMatcher:
    """The durable matcher for ``rules`` (call under ``_LOCK``)."""
    return _DurableMatcher(*_program(rules))


def signal_codes_durable(rules: CompiledRules, facts: Facts) -> list[str]:
    """Codes of the follow-up signals that hold for course ``facts``, in file order."""
    with _LOCK:
        runtime, program = _program(rules)
        raised = program.holding(runtime, "signals", facts)
    return [s.code for s in rules.signals if s.code in raised]
