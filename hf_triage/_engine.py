"""Deciding a method: the one matcher every engine shares, and the builtin engine.

Semantics (CONTRACT.md "Reference semantics"): every criterion whose condition holds votes for
its method; the most intensive voted method wins (CTI < ICM < ACT) — written once, in
``winner``. When ``complexity`` or ``service_use`` is unknown, every completion of the unknown
answers is evaluated (``decide``): the method is decided only if all completions agree,
otherwise ``method`` is ``None`` and ``possible_methods`` and ``missing`` say what is open.
Nothing ever falls back to CTI.

An engine (``_types.Matcher``) only says which rules hold for complete facts: the builtin
engine evaluates the compiled predicates, the durable backend asks durable_rules, and the
checker uses the builtin one. The builtin engine answers ``triage()`` from a decision table
over value classes (``_table``), which it owns: the compiled rule set stays immutable.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from itertools import product

from ._compile import CompiledRules
from ._domain import CORE_FIELDS, METHODS, intensity
from ._exceptions import RuleError
from ._explain import build, explain
from ._models import Recommendation
from ._rulemodels import fmt_value
from ._types import Decision, Facts, Kind, Matcher, Scalar

__all__ = [
    "BUILTIN",
    "BuiltinMatcher",
    "Decision",
    "decide",
    "evaluate_warnings",
    "outcome",
    "recommend",
    "recommend_direct",
    "warning_facts",
    "warning_facts_for",
    "winner",
]


class BuiltinMatcher:
    """The compiled predicates: the builtin answer to "which rules hold"."""

    name = "builtin"

    def holding(self, rules: CompiledRules, kind: Kind, facts: Facts) -> list[str]:
        if kind == "criteria":
            return [c.id for c in rules.criteria if c.predicate(facts)]
        if kind == "warnings":
            return [w.code for w in rules.warnings if w.predicate(facts)]
        return [s.code for s in rules.signals if s.predicate(facts)]


BUILTIN: Matcher = BuiltinMatcher()


def winner(rules: CompiledRules, held: Collection[str]) -> tuple[str | None, list[str]]:
    """The most intensive method among the criteria that hold, with those criteria (file order).

    The one place that says "the most intensive method wins" (CONTRACT.md).
    """
    for method in reversed(METHODS):
        ids = [c.id for c in rules.by_method[method] if c.id in held]
        if ids:
            return method, ids
    return None, []


def decide(rules: CompiledRules, facts: Facts, matcher: Matcher = BUILTIN) -> Decision:
    """Decide the method, trying every completion of unknown core answers."""
    unknown = [f for f in CORE_FIELDS if f not in facts]
    outcomes: dict[tuple[Scalar, ...], str] = {}
    id_sets: list[list[str]] = []
    fields = rules.domain.fields
    for combo in product(*(fields[f].values for f in unknown)):
        full = {**facts, **dict(zip(unknown, combo, strict=True))} if unknown else facts
        method, ids = winner(rules, set(matcher.holding(rules, "criteria", full)))
        if method is None:
            shown = ", ".join(f"{f}={fmt_value(full.get(f))}" for f in CORE_FIELDS)
            raise RuleError(
                f"{rules.directory}: no criterion gives a method for {shown}: the rule set has "
                "a gap; run 'hf-triage rules check' to see it"
            )
        outcomes[combo] = method
        id_sets.append(ids)
    possible = tuple(sorted(set(outcomes.values()), key=intensity))
    if len(possible) > 1:
        return Decision(None, possible, _deciding(unknown, outcomes), ())
    common = [i for i in id_sets[0] if all(i in s for s in id_sets[1:])]
    if not common:
        common = list(dict.fromkeys(i for s in id_sets for i in s))
    return Decision(possible[0], possible, (), tuple(common))


def _deciding(unknown: list[str], outcomes: dict[tuple[Scalar, ...], str]) -> tuple[str, ...]:
    """Unknown fields whose answer changes the method while the others stay fixed."""
    result = []
    for i, name in enumerate(unknown):
        by_rest: dict[tuple[Scalar, ...], set[str]] = {}
        for combo, method in outcomes.items():
            by_rest.setdefault(combo[:i] + combo[i + 1 :], set()).add(method)
        if any(len(ms) > 1 for ms in by_rest.values()):
            result.append(name)
    return tuple(result)


def warning_facts(
    facts: Facts,
    method: str | None,
    offers: frozenset[str] | None,
    least_possible: str | None = None,
    missing: Iterable[str] = (),
    possible: Iterable[str] = (),
) -> dict[str, Scalar]:
    """The facts warnings read: the answers plus the derived fields (see ``_domain``).

    Every engine evaluates warnings on exactly these facts.
    """
    full = dict(facts)
    least = least_possible if least_possible is not None else method
    if least is not None:
        full["least_possible_method"] = least
    if method is not None:
        full["method"] = method
        if offers is not None:
            full["method_offered"] = method in offers
    scores = [v for k, v in facts.items() if k.startswith("dimensions.")]
    if scores:
        full["highest_dimension"] = max(scores, key=int)
    for name in missing:
        full[f"missing_{name}"] = True
    possible = tuple(possible)
    if offers is not None and possible:
        full["possible_method_offered"] = any(m in offers for m in possible)
    return full


def warning_facts_for(facts: Facts, decision: Decision, offers: frozenset[str] | None) -> Facts:
    """``warning_facts`` for ``facts`` decided as ``decision`` under portfolio ``offers``."""
    return warning_facts(
        facts,
        decision.method,
        offers,
        decision.possible_methods[0],
        decision.missing,
        decision.possible_methods,
    )


def evaluate_warnings(
    rules: CompiledRules,
    facts: Facts,
    method: str | None,
    offers: frozenset[str] | None,
    least_possible: str | None = None,
    matcher: Matcher = BUILTIN,
    missing: Iterable[str] = (),
    possible: Iterable[str] = (),
) -> list[str]:
    """Codes of the warnings whose conditions hold, in file order (``missing``: the answers an
    undecided result still needs; ``possible``: its possible methods)."""
    full = warning_facts(facts, method, offers, least_possible, missing, possible)
    raised = set(matcher.holding(rules, "warnings", full))
    return [w.code for w in rules.warnings if w.code in raised]


def outcome(
    rules: CompiledRules,
    facts: Facts,
    offers: frozenset[str] | None,
    matcher: Matcher = BUILTIN,
) -> tuple[Decision, list[str]]:
    """The decision and the warning codes for validated ``facts``, matched by ``matcher``."""
    decision = decide(rules, facts, matcher)
    codes = evaluate_warnings(
        rules,
        facts,
        decision.method,
        offers,
        decision.possible_methods[0],
        matcher,
        decision.missing,
        decision.possible_methods,
    )
    return decision, codes


def clear_caches(rules: CompiledRules) -> None:
    """Forget everything computed for ``rules`` (its decision table and decision-support
    memos), so that the next call is cold: for benchmarks."""
    from ._counterfactuals import forget
    from ._table import TABLES

    TABLES.forget(rules)
    forget(rules)


def recommend_direct(
    rules: CompiledRules,
    facts: Facts,
    offers: frozenset[str] | None,
    lang: str,
    matcher: Matcher = BUILTIN,
) -> Recommendation:
    """Evaluate the condition trees for one assessment, with no table: the reference path."""
    decision, codes = outcome(rules, facts, offers, matcher)
    return build(rules, explain(rules, facts, decision, codes, lang, offers), matcher.name)


def recommend(
    rules: CompiledRules,
    facts: Facts,
    offers: frozenset[str] | None,
    lang: str,
) -> Recommendation:
    """The builtin engine's entry point: ``triage()`` answered from the decision table."""
    from ._table import TABLES

    return TABLES.recommend(rules, facts, offers, lang)
