"""The builtin engine: evaluate a compiled rule set for one assessment.

Semantics (CONTRACT.md "Reference semantics"): every criterion whose condition holds votes for
its method; the most intensive voted method wins (CTI < ICM < ACT). When ``complexity`` or
``service_use`` is unknown, every completion of the unknown answers is evaluated: the method is
decided only if all completions agree, otherwise ``method`` is ``None`` and ``possible_methods``
and ``missing`` say what is open. Nothing ever falls back to CTI.

Results are pure functions of the answers the rules read, so the explained outcome is memoised
per rule set on exactly that projection; each call still returns a fresh Recommendation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from typing import Any

from ._compile import All, CompiledCriterion, CompiledRules, Cond, Facts, Not, Test, evaluate
from ._domain import CORE_FIELDS, DERIVED_FIELDS, FIELDS, METHODS, Scalar, intensity
from ._exceptions import RuleError
from ._models import Alternative, Reason, Recommendation, TriageWarning, fast_model
from ._rulemodels import fmt_value

__all__ = ["Decision", "decide", "evaluate_warnings", "recommend", "warning_facts"]

_MEMO_LIMIT = 200_000


@dataclass(frozen=True, slots=True)
class Decision:
    """The method part of a result, before texts: what every backend must agree on."""

    method: str | None
    possible_methods: tuple[str, ...]
    missing: tuple[str, ...]
    #: ids of the winning method's criteria that hold (for every completion, if any do)
    reason_ids: tuple[str, ...]


def matched_method(rules: CompiledRules, facts: Facts) -> tuple[str | None, list[str]]:
    """Most intensive method whose criteria hold for complete ``facts``, with those criteria."""
    for method in reversed(METHODS):
        ids = [c.id for c in rules.by_method[method] if c.predicate(facts)]
        if ids:
            return method, ids
    return None, []


def decide(rules: CompiledRules, facts: Facts, matcher: Any = None) -> Decision:
    """Decide the method, trying every completion of unknown core answers.

    ``matcher(rules, facts) -> (method, ids)`` evaluates complete facts; backends pass their
    own, so partial-assessment logic lives here once.
    """
    match = matcher or matched_method
    unknown = [f for f in CORE_FIELDS if f not in facts]
    outcomes: dict[tuple[Scalar, ...], str] = {}
    id_sets: list[list[str]] = []
    for combo in product(*(FIELDS[f].values for f in unknown)):
        full = {**facts, **dict(zip(unknown, combo, strict=True))} if unknown else facts
        method, ids = match(rules, full)
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
    return full


def evaluate_warnings(
    rules: CompiledRules,
    facts: Facts,
    method: str | None,
    offers: frozenset[str] | None,
    least_possible: str | None = None,
) -> list[str]:
    """Codes of the warnings whose conditions hold, in file order."""
    full = warning_facts(facts, method, offers, least_possible)
    return [w.code for w in rules.warnings if w.predicate(full)]


# --- texts -------------------------------------------------------------------------------------


def _label(name: str, lang: str) -> str:
    spec = FIELDS.get(name) or DERIVED_FIELDS[name]
    return spec.label_da if lang == "da" else spec.label_en


@lru_cache(maxsize=4096)
def describe(cond: Cond, lang: str) -> str:
    """A condition as a requirement in plain words."""
    da = lang == "da"
    if isinstance(cond, Test):
        label = _label(cond.field, lang)
        if cond.op == "is":
            return f"{label} = {fmt_value(cond.operand)}"
        if cond.op == "one_of":
            sep = " eller " if da else " or "
            return f"{label} = " + sep.join(fmt_value(v) for v in cond.operand)
        sign = "≥" if cond.op == "at_least" else "≤"
        return f"{label} {sign} {fmt_value(cond.operand)}"
    if isinstance(cond, Not):
        return ("ikke " if da else "not ") + f"({describe(cond.item, lang)})"
    sep = (" og " if da else " and ") if isinstance(cond, All) else (" eller " if da else " or ")
    return "(" + sep.join(describe(c, lang) for c in cond.items) + ")"


def _failures(cond: Cond, facts: Facts, lang: str) -> list[str]:
    """The parts of a false condition that made it false, each with the answer given."""
    if isinstance(cond, Test):
        given = facts.get(cond.field)
        shown = (
            fmt_value(given)
            if given is not None
            else ("ikke oplyst" if lang == "da" else "not given")
        )
        word = "her" if lang == "da" else "here"
        return [f"{describe(cond, lang)} ({word}: {shown})"]
    if isinstance(cond, All):
        return [f for c in cond.items if not evaluate(c, facts) for f in _failures(c, facts, lang)]
    return [describe(cond, lang)]


def _why_not(
    rules: CompiledRules, facts: Facts, decision: Decision, lang: str
) -> list[Alternative]:
    chosen = decision.method
    assert chosen is not None
    da = lang == "da"
    result = []
    for method in METHODS:
        if method == chosen:
            continue
        criteria = rules.by_method[method]
        held = [c.id for c in criteria if c.predicate(facts)]
        if held and intensity(method) < intensity(chosen):
            text = (
                f"Kriterierne for {method} er også opfyldt, men {chosen} er mere intensiv og går "
                "forud: borgeren skal have den støtte, behovet kræver."
                if da
                else f"The criteria for {method} also hold, but {chosen} is more intensive and "
                "takes precedence: the citizen gets the support the need requires."
            )
            result.append(
                fast_model(Alternative, {"method": method, "text": text, "rule_ids": tuple(held)})
            )
            continue
        parts = [_criterion_failure(c, facts, lang) for c in criteria if not c.predicate(facts)]
        lead = f"{method} kræver" if da else f"{method} requires"
        text = f"{lead}: " + ("; ellers " if da else "; otherwise ").join(parts)
        result.append(
            fast_model(
                Alternative,
                {"method": method, "text": text, "rule_ids": tuple(c.id for c in criteria)},
            )
        )
    return result


def _criterion_failure(criterion: CompiledCriterion, facts: Facts, lang: str) -> str:
    return ", ".join(_failures(criterion.condition, facts, lang))


def _reasons(rules: CompiledRules, ids: Iterable[str], lang: str) -> list[Reason]:
    out = []
    for rule_id in ids:
        c = rules.criterion(rule_id)
        out.append(
            fast_model(Reason, {"rule_id": c.id, "text": c.reason.get(lang), "source": c.source})
        )
    return out


def _warnings(rules: CompiledRules, codes: list[str], lang: str) -> list[TriageWarning]:
    by_code = {w.code: w for w in rules.warnings}
    return [
        fast_model(
            TriageWarning,
            {"code": code, "text": by_code[code].text.get(lang), "source": by_code[code].source},
        )
        for code in codes
    ]


def recommend(
    rules: CompiledRules,
    facts: Facts,
    offers: frozenset[str] | None,
    lang: str,
    engine: str = "builtin",
) -> Recommendation:
    """Evaluate ``rules`` for validated ``facts``: the builtin engine's entry point."""
    key = (lang, offers, *map(facts.get, rules.memo_fields))
    parts = rules.memo.get(key)
    if parts is None:
        decision = decide(rules, facts)
        codes = evaluate_warnings(
            rules, facts, decision.method, offers, decision.possible_methods[0]
        )
        parts = explain(rules, facts, decision, codes, lang)
        if len(rules.memo) >= _MEMO_LIMIT:
            rules.memo.clear()
        rules.memo[key] = parts
    return build(rules, parts, engine)


Parts = tuple[
    str | None,
    tuple[str, ...],
    tuple[str, ...],
    tuple[Reason, ...],
    tuple[TriageWarning, ...],
    tuple[Alternative, ...],
    str,
    Any,  # _counterfactuals.SupportParts: counterfactuals, borderline, next questions, facts
]


def explain(
    rules: CompiledRules, facts: Facts, decision: Decision, codes: list[str], lang: str
) -> Parts:
    """The texts for a decision: reasons, warnings and why not the other methods."""
    from ._counterfactuals import decision_support

    why_not = _why_not(rules, facts, decision, lang) if decision.method else []
    return (
        decision.method,
        decision.possible_methods,
        decision.missing,
        tuple(_reasons(rules, decision.reason_ids, lang)),
        tuple(_warnings(rules, codes, lang)),
        tuple(why_not),
        lang,
        decision_support(rules, facts, decision, lang),
    )


_ALL_FIELDS = frozenset(Recommendation.model_fields)
_new = object.__new__
_set = object.__setattr__


def build(rules: CompiledRules, parts: Parts, engine: str) -> Recommendation:
    """A fresh Recommendation from cached parts (the hot path: see ``fast_model``)."""
    method, possible, missing, reasons, warnings, why_not, lang, support = parts
    counterfactuals, borderline, questions, relied_on = support
    rec: Recommendation = _new(Recommendation)
    values = {
        "method": method,
        "possible_methods": list(possible),
        "missing": list(missing),
        "reasons": list(reasons),
        "warnings": list(warnings),
        "ruleset_fingerprint": rules.fingerprint,
        "why_not": list(why_not),
        "lang": lang,
        "engine": engine,
        "counterfactuals": list(counterfactuals),
        "borderline": borderline,
        "next_questions": list(questions),
        "ruleset_version": rules.version,
        "facts_relied_on": dict(relied_on),
    }
    _set(rec, "__dict__", values)
    _set(rec, "__pydantic_fields_set__", set(_ALL_FIELDS))
    _set(rec, "__pydantic_extra__", None)
    _set(rec, "__pydantic_private__", None)
    return rec
