"""The builtin engine's decision table: a rule set compiled to a lookup over value classes.

Two answers that every test of the rules treats alike can never lead to different results, so
each field the rules read (``CompiledRules.result_fields``) is cut into classes of values that
pass exactly the same tests; an absent answer is a value too, and an unknown core answer is its
own class (the engine completes it). A tuple of classes is one integer (mixed radix), and that
integer indexes the table. The shipped rules distinguish 6,144 class tuples, against about
3·10¹¹ valid assessments.

An entry holds the decision, the reason ids and the warning codes (for "no portfolio given",
"method offered" and "method not offered"); its texts are filled once per language, on first
use. The "why not" texts quote the answers given, so they are kept as templates
(``_explain.WhyNot``) and filled per call, with a small bounded cache per entry. Entries are
filled lazily by the first assessment that falls in them; the table never holds more entries
than there are class tuples, however many distinct citizens pass: memory stays flat.

The table is owned by the builtin engine (``TABLES``), kept per rule set while the rule set
lives; the compiled rule set itself stays immutable. Filling is idempotent (an entry is a pure
function of its index), so concurrent threads may at worst fill one entry twice.
``tests/test_table.py`` proves the table equal to the condition trees (``recommend_direct``)
over the whole enumerated domain, for the shipped rules and generated rule sets.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

from ._compile import CompiledRules
from ._counterfactuals import decision_support
from ._domain import CORE_FIELDS, DEFAULT_DOMAIN
from ._engine import evaluate_warnings, outcome, warning_facts
from ._enumerate import tests_by_field
from ._explain import WhyNot, build, reasons, warning_texts, why_not_templates
from ._models import Alternative, Reason, Recommendation, TriageWarning, validate_mapping
from ._types import Decision, Facts, Lang, Scalar

__all__ = ["TABLES", "DecisionTable", "Tables", "answer", "value_classes"]

#: answers cached per "why not" template and language (the answers it quotes, per entry)
_QUOTED_LIMIT = 64


def value_classes(rules: CompiledRules, name: str) -> list[list[Scalar | None]]:
    """The values of ``name`` (``None`` = absent) grouped by the tests they pass.

    An unknown core answer is never grouped with a known one.
    """
    tests = tests_by_field(rules).get(name, [])
    groups: dict[tuple[bool, ...], list[Scalar | None]] = {}
    for value in [None, *rules.domain.fields[name].values]:
        signature = (
            value is None and name in CORE_FIELDS,
            *(value is not None and value in t.accepted for t in tests),
        )
        groups.setdefault(signature, []).append(value)
    return list(groups.values())


@dataclass(slots=True)
class _Texts:
    """One decision's texts in one language."""

    reasons: tuple[Reason, ...]
    why_not: tuple[WhyNot, ...]
    #: the fields the "why not" texts quote; empty: ``fixed`` holds the texts
    quoted: tuple[str, ...]
    fixed: tuple[Alternative, ...] | None
    by_answers: dict[tuple[Scalar | None, ...], tuple[Alternative, ...]] = field(
        default_factory=dict
    )


@dataclass(slots=True)
class _Part:
    """The decision for one tuple of classes of the fields the criteria read."""

    decision: Decision
    texts: dict[Lang, _Texts] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Entry:
    part: _Part
    #: warning codes: no portfolio given / method offered / method not offered
    codes: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]


class DecisionTable:
    """The decision table of one rule set (see the module docstring)."""

    def __init__(self, rules: CompiledRules) -> None:
        # no reference to ``rules`` is kept: the table lives exactly as long as its rule set
        columns: list[tuple[str, dict[Scalar | None, int]]] = []
        decision_columns: list[tuple[str, dict[Scalar | None, int]]] = []
        stride = 1
        for name in rules.result_fields:
            groups = value_classes(rules, name)
            if len(groups) == 1:
                continue  # the rules cannot tell its values apart
            weights = {v: k * stride for k, group in enumerate(groups) for v in group}
            columns.append((name, weights))
            if name in rules.decision_fields:
                decision_columns.append((name, weights))
            stride *= len(groups)
        self.columns = tuple(columns)
        self.decision_columns = tuple(decision_columns)
        #: the number of class tuples: the most entries the table can hold
        self.size = stride
        self.entries: dict[int, _Entry] = {}
        self.fast = _fast_path(rules, columns)
        self.parts: dict[tuple[int, ...], _Part] = {}
        self.warnings: dict[tuple[tuple[str, ...], Lang], tuple[TriageWarning, ...]] = {}
        #: some warning has case-dependent texts: warning objects are kept per entry and state
        self.varied = any(w.variants for w in rules.warnings)
        self.entry_warnings: dict[tuple[int, int, Lang], tuple[TriageWarning, ...]] = {}
        #: some warning reads possible_method_offered (undecided cases with a portfolio)
        self.reads_possible_offered = "possible_method_offered" in rules.warning_fields

    def index(self, facts: Facts) -> int:
        get = facts.get
        i = 0
        for name, weights in self.columns:
            i += weights[get(name)]
        return i

    def fill(self, rules: CompiledRules, index: int, facts: Facts) -> _Entry:
        """The entry at ``index``, computed from ``facts`` (any assessment in it)."""
        key = tuple(weights[facts.get(name)] for name, weights in self.decision_columns)
        part = self.parts.get(key)
        decision, none = outcome(rules, facts, None)
        if part is None:
            part = self.parts.setdefault(key, _Part(decision))
        method, least = decision.method, decision.possible_methods[0]
        codes = [tuple(none), tuple(none), tuple(none)]
        if method is not None:
            # method_offered exists only for a decided method (``warning_facts``)
            for state, offers in ((1, frozenset([method])), (2, frozenset[str]())):
                codes[state] = tuple(
                    evaluate_warnings(
                        rules, facts, method, offers, least, possible=decision.possible_methods
                    )
                )
        entry = _Entry(part, (codes[0], codes[1], codes[2]))
        self.entries[index] = entry
        return entry

    def texts(self, rules: CompiledRules, part: _Part, facts: Facts, lang: Lang) -> _Texts:
        """``part``'s texts in ``lang``, filled once."""
        decision = part.decision
        why_not = why_not_templates(rules, facts, decision.method, lang) if decision.method else ()
        quoted = tuple(dict.fromkeys(f for w in why_not for f in w.fields))
        fixed = None if quoted else tuple(w.alternative(facts, lang) for w in why_not)
        texts = _Texts(reasons(rules, decision.reason_ids, lang), why_not, quoted, fixed)
        part.texts[lang] = texts
        return texts

    def warning_objects(
        self, rules: CompiledRules, codes: tuple[str, ...], lang: Lang
    ) -> tuple[TriageWarning, ...]:
        found = self.warnings.get((codes, lang))
        if found is None:
            found = self.warnings[(codes, lang)] = warning_texts(rules, codes, lang)
        return found


_ENTRY_WARNINGS_LIMIT = 100_000


def _full(facts: Facts, decision: Decision, offers: frozenset[str] | None) -> Facts:
    """The warning facts of one case (derived fields too): what text variants read."""
    return warning_facts(
        facts,
        decision.method,
        offers,
        decision.possible_methods[0],
        decision.missing,
        decision.possible_methods,
    )


def _why_not(texts: _Texts, facts: Facts, lang: Lang) -> tuple[Alternative, ...]:
    answers = tuple(map(facts.get, texts.quoted))
    found = texts.by_answers.get(answers)
    if found is None:
        found = tuple(w.alternative(facts, lang) for w in texts.why_not)
        if len(texts.by_answers) < _QUOTED_LIMIT:
            texts.by_answers[answers] = found
    return found


class Tables:
    """The builtin engine's tables, one per live rule set (dropped with the rule set)."""

    def __init__(self) -> None:
        self._tables: weakref.WeakKeyDictionary[CompiledRules, DecisionTable] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()
        # the last rule set used and its table: one identity check on the hot path
        self._last: tuple[CompiledRules | None, DecisionTable | None] = (None, None)

    def table(self, rules: CompiledRules) -> DecisionTable:
        last_rules, last_table = self._last
        if last_rules is rules and last_table is not None:
            return last_table
        with self._lock:
            table = self._tables.get(rules)
            if table is None:
                table = self._tables[rules] = DecisionTable(rules)
            self._last = (rules, table)
        return table

    def forget(self, rules: CompiledRules) -> None:
        """Drop ``rules``' table (benchmarks measure cold calls after it)."""
        with self._lock:
            self._tables.pop(rules, None)
            self._last = (None, None)

    def recommend(
        self,
        rules: CompiledRules,
        facts: Facts,
        offers: frozenset[str] | None,
        lang: Lang,
    ) -> Recommendation:
        """The Recommendation for validated ``facts``, from the table."""
        last_rules, table = self._last
        if last_rules is not rules or table is None:
            table = self.table(rules)
        get = facts.get
        i = 0
        for name, weights in table.columns:
            i += weights[get(name)]
        return answer(rules, table, i, facts, offers, lang)

    def index_mapping(
        self, rules: CompiledRules, data: dict[str, Any]
    ) -> tuple[DecisionTable, int, dict[str, Scalar]] | None:
        """Validate an assessment mapping and find its table index in one pass.

        Accepts exactly what ``_models.validate_mapping``'s fast loop accepts (a test holds
        the two together); anything else (an error, a rule set over another domain) gives
        ``None``, and the caller takes the ordinary path, which words every problem.
        """
        last_rules, table = self._last
        if last_rules is not rules or table is None:
            table = self.table(rules)
        fast = table.fast
        if fast is None:
            return None
        top, dims, base, defaults = fast
        i = base
        facts: dict[str, Scalar] = {}
        value: Any
        for key, value in data.items():
            spec = top.get(key)
            if spec is not None:
                # the type is checked exactly, as validation does (True is not 1)
                if type(value) is spec[0]:
                    step = spec[1].get(value)
                    if step is not None:
                        i += step
                        facts[key] = value
                        continue
                if value is None:
                    continue
                return None
            if key != "dimensions":
                return None
            if value is None:
                continue
            if type(value) is not dict:
                return None
            for dim, score in value.items():
                dspec = dims.get(dim)
                if dspec is None:
                    return None
                if type(score) is int:
                    step = dspec[1].get(score)
                    if step is not None:
                        i += step
                        facts[dspec[0]] = score
                        continue
                if score is not None:
                    return None
        for name, default in defaults:
            if name not in facts:
                facts[name] = default
        return table, i, facts


def answer(
    rules: CompiledRules,
    table: DecisionTable,
    i: int,
    facts: Facts,
    offers: frozenset[str] | None,
    lang: Lang,
) -> Recommendation:
    """The Recommendation at table index ``i`` (``facts`` fill the entry and quoted answers)."""
    entry = table.entries.get(i)
    if entry is None:
        entry = table.fill(rules, i, facts)
    part = entry.part
    texts = part.texts.get(lang)
    if texts is None:
        texts = table.texts(rules, part, facts, lang)
    decision = part.decision
    method = decision.method
    state = 0 if offers is None or method is None else 1 if method in offers else 2
    if method is None and offers is not None and table.reads_possible_offered:
        # an undecided case: possible_method_offered depends on which of the possible
        # methods the portfolio holds, which the three portfolio states do not tell apart
        codes = tuple(outcome(rules, facts, offers)[1])
        warnings = warning_texts(rules, codes, lang, _full(facts, decision, offers))
    elif table.varied:
        # case-dependent texts: the variants read only result fields and derived facts, which
        # are constant over one entry and portfolio state
        codes = entry.codes[state]
        key = (i, state, lang)
        kept = table.entry_warnings.get(key)
        if kept is None:
            kept = warning_texts(rules, codes, lang, _full(facts, decision, offers))
            if len(table.entry_warnings) < _ENTRY_WARNINGS_LIMIT:
                table.entry_warnings[key] = kept
        warnings = kept
    else:
        codes = entry.codes[state]
        found = table.warnings.get((codes, lang))
        warnings = found if found is not None else table.warning_objects(rules, codes, lang)
    why_not = texts.fixed if texts.fixed is not None else _why_not(texts, facts, lang)
    support = decision_support(rules, facts, decision, lang)
    return build(
        rules,
        (
            method,
            decision.possible_methods,
            decision.missing,
            texts.reasons,
            warnings,
            why_not,
            lang,
            support,
        ),
        "builtin",
    )


Fast = tuple[
    dict[str, tuple[type[Any], dict[Scalar, int]]],
    dict[str, tuple[str, dict[Scalar, int]]],
    int,
    tuple[tuple[str, Scalar], ...],
]


def _fast_path(
    rules: CompiledRules, columns: list[tuple[str, dict[Scalar | None, int]]]
) -> Fast | None:
    """Per accepted key and value, the step it adds to the index (see ``index_mapping``)."""
    if rules.domain is not DEFAULT_DOMAIN:
        return None  # validation knows the shipped domain only
    defaults, problems = validate_mapping({})
    assert not problems
    weights = dict(columns)
    base = sum(w[defaults.get(name)] for name, w in columns)
    top: dict[str, tuple[type[Any], dict[Scalar, int]]] = {}
    dims: dict[str, tuple[str, dict[Scalar, int]]] = {}
    for name, spec in rules.domain.fields.items():
        w = weights.get(name, {})
        start = w.get(defaults.get(name), 0)
        steps: dict[Scalar, int] = {v: w.get(v, 0) - start for v in spec.values}
        if name.startswith("dimensions."):
            dims[name.split(".", 1)[1]] = (name, steps)
        else:
            top[name] = (type(spec.values[0]), steps)
    return top, dims, base, tuple(defaults.items())


#: the builtin engine's tables (a cache: every entry is a pure function of its rule set)
TABLES = Tables()
