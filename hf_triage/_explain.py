"""Texts for a decision: reasons, warnings and why not the other methods (Danish and English).

Every engine explains a decision here, from the compiled conditions. The "why not" texts quote
the answer given for each failing test (``mental health ≥ 3 (here: 2)``); everything else in
them depends only on which tests fail. So a text is kept as a *template*: fixed pieces and the
fields whose answers fill them (``WhyNot``). The decision table fills the template once per
table entry and language; ``explain`` fills it at once for one assessment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ._compile import All, CompiledCriterion, CompiledRules, Cond, Not, Test, holds
from ._domain import METHODS, Domain, intensity
from ._models import Alternative, Reason, Recommendation, TriageWarning, fast_model
from ._texts import field_label, text, value_label
from ._types import Decision, Facts, Lang, Scalar

__all__ = [
    "Parts",
    "WhyNot",
    "build",
    "describe",
    "explain",
    "reasons",
    "shown_value",
    "warning_texts",
    "why_not_templates",
]


def _label(domain: Domain, name: str, lang: Lang) -> str:
    spec = domain.fields.get(name) or domain.derived[name]
    return field_label(name, lang, spec.label_da if lang == "da" else spec.label_en)


@lru_cache(maxsize=4096)
def describe(cond: Cond, lang: Lang, domain: Domain) -> str:
    """A condition as a requirement in plain words."""
    if isinstance(cond, Test):
        label = _label(domain, cond.field, lang)
        if cond.op == "is":
            return f"{label} = {value_label(cond.field, cond.operand, lang)}"
        if cond.op == "one_of":
            sep = text("word.or", lang)
            return f"{label} = " + sep.join(value_label(cond.field, v, lang) for v in cond.operand)
        sign = "≥" if cond.op == "at_least" else "≤"
        return f"{label} {sign} {value_label(cond.field, cond.operand, lang)}"
    if isinstance(cond, Not):
        return text("word.not", lang) + f"({describe(cond.item, lang, domain)})"
    sep = text("word.and" if isinstance(cond, All) else "word.or", lang)
    return "(" + sep.join(describe(c, lang, domain) for c in cond.items) + ")"


def shown_value(value: Scalar | None, lang: Lang, field: str = "") -> str:
    """An answer as quoted in a "why not" text, in the caseworker's words (texts.yaml)."""
    return value_label(field, value, lang)


#: a text template: fixed pieces, each followed by the field whose answer comes next (or None)
Template = tuple[tuple[str, str | None], ...]


@dataclass(frozen=True, slots=True)
class WhyNot:
    """Why one other method was not recommended, with the answers still to fill in."""

    method: str
    rule_ids: tuple[str, ...]
    template: Template
    #: the fields the template quotes (empty: the text is fixed)
    fields: tuple[str, ...]

    def text(self, facts: Facts, lang: Lang) -> str:
        return "".join(
            piece if name is None else piece + shown_value(facts.get(name), lang, name)
            for piece, name in self.template
        )

    def alternative(self, facts: Facts, lang: Lang) -> Alternative:
        values = {"method": self.method, "text": self.text(facts, lang), "rule_ids": self.rule_ids}
        result: Alternative = fast_model(Alternative, values)
        return result


def _failures(cond: Cond, facts: Facts, lang: Lang, domain: Domain) -> list[Template]:
    """The parts of a false condition that made it false, each quoting the answer given."""
    if isinstance(cond, Test):
        word = text("word.here", lang)
        return [((f"{describe(cond, lang, domain)} ({word}: ", cond.field), (")", None))]
    if isinstance(cond, All):
        return [
            f for c in cond.items if not holds(c, facts) for f in _failures(c, facts, lang, domain)
        ]
    return [((describe(cond, lang, domain), None),)]


def _join(parts: Iterable[Template], sep: str) -> Template:
    out: list[tuple[str, str | None]] = []
    for i, part in enumerate(parts):
        if i:
            out.append((sep, None))
        out.extend(part)
    return tuple(out)


def _compact(template: Template) -> Template:
    """Adjacent fixed pieces merged: fewer joins per call."""
    out: list[tuple[str, str | None]] = []
    for piece, name in template:
        if out and out[-1][1] is None:
            out[-1] = (out[-1][0] + piece, name)
        else:
            out.append((piece, name))
    return tuple(out)


def why_not_templates(
    rules: CompiledRules, facts: Facts, chosen: str, lang: Lang
) -> tuple[WhyNot, ...]:
    """For a decided method, why not each other method (templates over ``facts``' classes)."""
    result = []
    for method in METHODS:
        if method == chosen:
            continue
        criteria = rules.by_method[method]
        held = tuple(c.id for c in criteria if c.predicate(facts))
        if held and intensity(method) < intensity(chosen):
            fixed = text("why_not.precedence", lang, method=method, chosen=chosen)
            result.append(WhyNot(method, held, ((fixed, None),), ()))
            continue
        parts = [
            _join(_failures(c.condition, facts, lang, rules.domain), ", ")
            for c in criteria
            if not c.predicate(facts)
        ]
        lead = text("why_not.requires", lang, method=method)
        template = _compact(((lead, None), *_join(parts, text("why_not.otherwise", lang))))
        fields = tuple(dict.fromkeys(name for _, name in template if name is not None))
        result.append(WhyNot(method, tuple(c.id for c in criteria), template, fields))
    return tuple(result)


def reasons(rules: CompiledRules, ids: Iterable[str], lang: Lang) -> tuple[Reason, ...]:
    out = []
    for rule_id in ids:
        c: CompiledCriterion = rules.criterion(rule_id)
        out.append(
            fast_model(Reason, {"rule_id": c.id, "text": c.reason.get(lang), "source": c.source})
        )
    return tuple(out)


def warning_texts(
    rules: CompiledRules, codes: Iterable[str], lang: Lang, full: Facts | None = None
) -> tuple[TriageWarning, ...]:
    """The warnings' texts and levels; ``full`` (the warning facts of the case, derived fields
    too) selects each warning's case-dependent text variant, else its own text is given."""
    by_code = {w.code: w for w in rules.warnings}
    out = []
    for code in codes:
        rule = by_code[code]
        text, source = rule.text_for(full) if full is not None else (rule.text, rule.source)
        out.append(
            fast_model(
                TriageWarning,
                {"code": code, "text": text.get(lang), "source": source, "level": rule.level},
            )
        )
    return tuple(out)


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
    rules: CompiledRules,
    facts: Facts,
    decision: Decision,
    codes: Iterable[str],
    lang: Lang,
    offers: frozenset[str] | None = None,
) -> Parts:
    """The texts for a decision: reasons, warnings, why not the other methods, and the
    decision support (counterfactuals, next questions)."""
    from ._counterfactuals import decision_support
    from ._engine import warning_facts_for

    why_not = (
        tuple(
            w.alternative(facts, lang)
            for w in why_not_templates(rules, facts, decision.method, lang)
        )
        if decision.method
        else ()
    )
    return (
        decision.method,
        decision.possible_methods,
        decision.missing,
        reasons(rules, decision.reason_ids, lang),
        warning_texts(
            rules,
            codes,
            lang,
            warning_facts_for(facts, decision, offers),
        ),
        why_not,
        lang,
        decision_support(rules, facts, decision, lang),
    )


_ALL_FIELDS = frozenset(Recommendation.model_fields)
_new = object.__new__
_set = object.__setattr__


def build(rules: CompiledRules, parts: Parts, engine: str) -> Recommendation:
    """A fresh Recommendation from ready parts (the hot path: see ``fast_model``)."""
    method, possible, missing, reasons_, warnings, why_not, lang, support = parts
    counterfactuals, borderline, questions, relied_on = support
    rec: Recommendation = _new(Recommendation)
    values = {
        "method": method,
        "possible_methods": list(possible),
        "missing": list(missing),
        "reasons": list(reasons_),
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
