"""What would change a result, and what to ask next: exact over the finite input domain.

Counterfactuals (CONTRACT.md 1.1): for a decided result, for each other method, the smallest
sets of changes of the *assessed* answers that give it — fewest changes first, then fewest
ordinal steps — or none. Found by trying every set of one changed answer, then two, ... with the
existing matcher (``_engine.decide``), so they are exact for any rule set, not only the shipped
one. Only the answers the criteria read can change a method; the invariant fields never do
(CONTRACT.md "Guarantees"), so they are never varied. ``unknown`` support duration is no answer:
it is never a target and, like an absent field, it is a question to ask rather than a change.

Next questions: the answers not given that the criteria read, each with the outcome for every
possible answer (other open answers left open), ranked by how many of the now-possible methods
an answer rules out on average; ties in the order of the domain (``_domain.FIELDS``).

The work depends only on the decision-relevant projection of the facts, so it is memoised per
rule set on that projection (in the rule set's own bounded memo, beside the engine's); warm
``triage()`` calls never recompute it.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations, product
from typing import TYPE_CHECKING, Any

from ._compile import CompiledRules, fields_of
from ._domain import CORE_FIELDS, FIELDS, INVARIANT_FIELDS, METHODS, Scalar
from ._engine import Decision, decide
from ._exceptions import RuleError
from ._supportmodels import Change, Counterfactual, NextQuestion, QuestionOutcome
from ._texts import field_label, text, value_label

if TYPE_CHECKING:
    from ._models import Assessment

__all__ = [
    "SupportParts",
    "counterfactuals",
    "decision_support",
    "next_questions",
    "next_questions_for",
    "relevant_fields",
    "render_counterfactual",
    "render_question",
]

#: a value that stands for "not given" in a projection (``None`` cannot be a dict value here)
_UNKNOWN = "unknown"
#: bound on memoised projections per rule set (the shipped rules have 1 728)
_MEMO_LIMIT = 50_000

ChangeSet = tuple[tuple[str, Scalar, Scalar], ...]

#: per live rule set, its memos (dropped with the rule set: the compiled rules stay immutable)
_MEMOS: weakref.WeakKeyDictionary[CompiledRules, dict[str, dict[Any, Any]]] = (
    weakref.WeakKeyDictionary()
)
_MEMOS_LOCK = threading.Lock()


def _memo(rules: CompiledRules, name: str) -> dict[Any, Any]:
    """The memo ``name`` of ``rules`` (bounded by its users at ``_MEMO_LIMIT``)."""
    memos = _MEMOS.get(rules)
    if memos is None:
        with _MEMOS_LOCK:
            memos = _MEMOS.setdefault(rules, {})
    return memos.setdefault(name, {})


def forget(rules: CompiledRules) -> None:
    """Drop ``rules``' decision-support memos (benchmarks measure cold calls after it)."""
    with _MEMOS_LOCK:
        _MEMOS.pop(rules, None)


def _read(rules: CompiledRules) -> tuple[str, ...]:
    """The input fields the criteria read, in rule-set order (the projection's key)."""
    found: tuple[str, ...] | None = _memo(rules, "read").get(None)
    if found is None:
        found = tuple(f for f in rules.decision_fields if f in FIELDS)
        _memo(rules, "read")[None] = found
    return found


@dataclass(frozen=True, slots=True)
class _Raw:
    """Decision support before texts: what every language shares."""

    #: per other method, in METHODS order: its smallest change sets (possibly none)
    options: tuple[tuple[str, tuple[ChangeSet, ...]], ...]
    borderline: bool
    #: (field, rules_out, ((value, method, possible_methods), ...)), best first
    questions: tuple[
        tuple[str, Fraction, tuple[tuple[Scalar, str | None, tuple[str, ...]], ...]], ...
    ]


SupportParts = tuple[
    tuple[Counterfactual, ...], bool, tuple[NextQuestion, ...], tuple[tuple[str, Scalar], ...]
]


def relevant_fields(rules: CompiledRules) -> tuple[str, ...]:
    """The input fields that can change a method under ``rules``, in domain order."""
    return tuple(f for f in rules.decision_fields if f in FIELDS and f not in INVARIANT_FIELDS)


def _answers(name: str) -> tuple[Scalar, ...]:
    """The values an answer can take ('unknown' is the absence of an answer, not one)."""
    return tuple(v for v in FIELDS[name].values if v != _UNKNOWN)


def _given(facts: Mapping[str, Scalar], name: str) -> bool:
    value = facts.get(name)
    return value is not None and value != _UNKNOWN


def _steps(name: str, old: Scalar, new: Scalar) -> int:
    spec = FIELDS[name]
    if spec.kind == "ordinal":
        return abs(spec.values.index(new) - spec.values.index(old))
    return 1


def _decide(rules: CompiledRules, facts: Mapping[str, Scalar]) -> Decision | None:
    """The decision, or ``None`` where a rule set has a gap (``rules check`` reports it).

    Memoised per rule set on the facts (always a projection here): searches for different
    assessments visit the same assignments, so a cohort pays for each one once.
    """
    memo = _memo(rules, "decision-support-decide")
    key = tuple(sorted(facts.items()))
    if key in memo:
        found: Decision | None = memo[key]
        return found
    try:
        found = decide(rules, facts)
    except RuleError:
        found = None
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[key] = found
    return found


def _method(rules: CompiledRules, facts: Mapping[str, Scalar]) -> str | None:
    """Just the method (``None`` when undecided or at a gap): the search's inner step.

    With both core answers known this is the matcher's single completion, stopping at the
    first criterion that holds (the same answer as ``decide``, which a test checks); otherwise
    ``decide`` tries the completions.
    """
    if all(f in facts for f in CORE_FIELDS):
        for method in reversed(METHODS):
            if any(c.predicate(facts) for c in rules.by_method[method]):
                return method
        return None
    decision = _decide(rules, facts)
    return decision.method if decision is not None else None


def counterfactuals(
    rules: CompiledRules, facts: Mapping[str, Scalar], method: str
) -> tuple[tuple[tuple[str, tuple[ChangeSet, ...]], ...], bool]:
    """Per other method its smallest change sets, and whether the result is borderline.

    Exact: sets of 1, 2, ... changed answers are tried in turn until every other method is
    found or every assessed answer has been varied. Per set of fields only the assignments with
    the fewest ordinal steps are kept (``service_use`` significant -> partial, not -> minimal,
    when both give ICM); the options are ordered by steps, then by domain order.
    """
    changeable = tuple(f for f in relevant_fields(rules) if _given(facts, f))
    #: per field, every other answer with its number of steps from the given one
    alternatives = {
        n: [(v, _steps(n, facts[n], v)) for v in _answers(n) if v != facts[n]] for n in changeable
    }
    pending = {m for m in METHODS if m != method}
    found: dict[str, dict[tuple[str, ...], tuple[int, list[ChangeSet]]]] = {m: {} for m in pending}
    borderline = False
    changed = dict(facts)
    for k in range(1, len(changeable) + 1):
        for names in combinations(changeable, k):
            for picks in product(*(alternatives[n] for n in names)):
                for n, (v, _) in zip(names, picks, strict=True):
                    changed[n] = v
                got = _method(rules, changed)
                for n in names:
                    changed[n] = facts[n]
                steps = sum(st for _, st in picks)
                if k == 1 and got != method and steps == 1 and FIELDS[names[0]].kind == "ordinal":
                    borderline = True
                if got not in pending:
                    continue
                changes = tuple((n, facts[n], v) for n, (v, _) in zip(names, picks, strict=True))
                best = found[got].get(names)
                if best is None or steps < best[0]:
                    found[got][names] = (steps, [changes])
                elif steps == best[0]:
                    best[1].append(changes)
        pending -= {m for m in pending if found[m]}
        if not pending:
            break
    order = {name: i for i, name in enumerate(FIELDS)}

    def key(item: tuple[int, ChangeSet]) -> tuple[object, ...]:
        steps, changes = item
        return (
            steps,
            [order[n] for n, _, _ in changes],
            [FIELDS[n].values.index(new) for n, _, new in changes],
        )

    result = []
    for other in METHODS:
        if other == method:
            continue
        sets = [(s, c) for s, cs in found[other].values() for c in cs]
        result.append((other, tuple(c for _, c in sorted(sets, key=key))))
    return tuple(result), borderline


def next_questions_for(
    rules: CompiledRules, facts: Mapping[str, Scalar], decision: Decision
) -> tuple[tuple[str, Fraction, tuple[tuple[Scalar, str | None, tuple[str, ...]], ...]], ...]:
    """The open answers that would change the result, best first (see the module docstring)."""
    now = set(decision.possible_methods)
    ranked = []
    for index, name in enumerate(relevant_fields(rules)):
        if _given(facts, name):
            continue
        outcomes = []
        ruled_out = 0
        changes = False
        for value in _answers(name):
            got = _decide(rules, {**facts, name: value})
            if got is None:
                continue
            outcomes.append((value, got.method, got.possible_methods))
            ruled_out += len(now - set(got.possible_methods))
            changes = changes or set(got.possible_methods) != now
        if changes and outcomes:
            ranked.append((Fraction(ruled_out, len(outcomes)), index, name, tuple(outcomes)))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    return tuple((name, score, outcomes) for score, _, name, outcomes in ranked)


def _raw(rules: CompiledRules, facts: Mapping[str, Scalar], decision: Decision) -> _Raw:
    # every field the criteria read (an invariant one too, should a rule set read it) is in
    # the key; only the relevant ones are ever varied
    read = _read(rules)
    projection = {f: facts[f] for f in read if facts.get(f) is not None}
    key = tuple(projection.get(f) for f in read)
    # a sub-memo in the rule set's memo: cleared with it, bounded on its own
    memo = _memo(rules, "decision-support")
    raw = memo.get(key)
    if raw is None:
        options: tuple[tuple[str, tuple[ChangeSet, ...]], ...] = ()
        borderline = False
        if decision.method is not None:
            options, borderline = counterfactuals(rules, projection, decision.method)
        raw = _Raw(options, borderline, next_questions_for(rules, projection, decision))
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[key] = raw
    assert isinstance(raw, _Raw)
    return raw


def relied_on(
    rules: CompiledRules, facts: Mapping[str, Scalar], decision: Decision
) -> tuple[tuple[str, Scalar], ...]:
    """The facts relied on: the given answers the deciding criteria read (all the relevant
    given answers when undecided), in domain order."""
    if decision.method is not None and decision.reason_ids:
        read: set[str] = set()
        for rule_id in decision.reason_ids:
            read |= fields_of(rules.criterion(rule_id).condition)
        names = [f for f in FIELDS if f in read]
    else:
        names = list(relevant_fields(rules))
    return tuple((f, facts[f]) for f in names if _given(facts, f))


# --- texts -------------------------------------------------------------------------------------


def _label(name: str, lang: str) -> str:
    spec = FIELDS[name]
    return field_label(name, lang, spec.label_da if lang == "da" else spec.label_en)


def _change_text(change: Change, lang: str) -> str:
    return text(
        "cf.change",
        lang,
        field=_label(change.field, lang),
        to=value_label(change.field, change.to, lang),
        from_=value_label(change.field, change.from_, lang),
    )


def render_counterfactual(cf: Counterfactual, lang: str = "da") -> str:
    """One counterfactual in plain words, e.g. 'ICM, hvis ... var «kun i nogen grad» i stedet
    for ...'."""
    if not cf.options:
        return text("cf.none", lang, method=cf.method)
    joiner = text("word.and", lang)
    parts = [joiner.join(_change_text(c, lang) for c in option) for option in cf.options]
    return text("cf.lead", lang, method=cf.method) + text("cf.or_if", lang).join(parts) + "."


def _outcome_text(outcome: QuestionOutcome, lang: str) -> str:
    if outcome.method is not None:
        return outcome.method
    return f"{text('word.undecided', lang)} ({'/'.join(outcome.possible_methods)})"


def render_question(question: NextQuestion, lang: str = "da") -> str:
    """One next question: the field, then each answer's outcome, answers with one outcome
    grouped: 'problemernes kompleksitet: lette, middelsvære → CTI; massive → ICM'."""
    groups: dict[str, list[str]] = {}
    for outcome in question.outcomes:
        groups.setdefault(_outcome_text(outcome, lang), []).append(
            value_label(question.field, outcome.value, lang)
        )
    parts = [f"{', '.join(values)} → {result}" for result, values in groups.items()]
    return f"{_label(question.field, lang)}: " + "; ".join(parts)


def _model_change(name: str, old: Scalar, new: Scalar) -> Change:
    return Change.model_validate({"field": name, "from": old, "to": new})


def decision_support(
    rules: CompiledRules, facts: Mapping[str, Scalar], decision: Decision, lang: str
) -> SupportParts:
    """Counterfactuals, borderline, next questions and the facts relied on, texts in ``lang``.

    Called once per cached result by the engine (``_engine.explain``); the language-free work
    is shared across languages and results through the projection memo.
    """
    key = (lang, *map(facts.get, _read(rules)))
    # rendered texts are memoised too: every triage() fills its result from them
    memo = _memo(rules, "decision-support-texts")
    found: SupportParts | None = memo.get(key)
    if found is None:
        cfs, borderline, questions = _render(_raw(rules, facts, decision), lang)
        found = (cfs, borderline, questions, relied_on(rules, facts, decision))
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[key] = found
    return found


def _render(
    raw: _Raw, lang: str
) -> tuple[tuple[Counterfactual, ...], bool, tuple[NextQuestion, ...]]:
    """The models and texts for language-free decision support."""
    cfs = []
    for method, sets in raw.options:
        options = [[_model_change(*c) for c in changes] for changes in sets]
        cf = Counterfactual.model_validate({"method": method, "options": options})
        cfs.append(cf.model_copy(update={"text": render_counterfactual(cf, lang)}))
    questions = []
    for name, score, outcomes in raw.questions:
        q = NextQuestion.model_validate(
            {
                "field": name,
                "rules_out": float(score),
                "outcomes": [
                    {"value": v, "method": m, "possible_methods": list(p)} for v, m, p in outcomes
                ],
            }
        )
        questions.append(q.model_copy(update={"text": render_question(q, lang)}))
    return tuple(cfs), raw.borderline, tuple(questions)


def next_questions(
    assessment: Mapping[str, Any] | Assessment,
    *,
    rules: CompiledRules | None = None,
    lang: str = "da",
) -> list[NextQuestion]:
    """The missing answers that would decide (or change) the result, best first.

    The same ranking as ``triage(assessment).next_questions``; raises ``AssessmentError`` for
    an invalid assessment, like ``triage``.
    """
    from ._api import triage

    return triage(assessment, rules=rules, lang=lang).next_questions
