"""The builtin engine's decision table: a rule set compiled to a lookup over value classes.

Two answers that every test of the rules treats alike can never lead to different results, so
each field the rules read (``CompiledRules.result_fields``) is cut into classes of values that
pass exactly the same tests; an absent answer is a value too, and an unknown core answer is its
own class (the engine completes it). A tuple of classes is one integer (mixed radix), the
table index; the decision fields come first, so ``index % parts_size`` is the decision part.

The decision part holds the decision, its reasons and "why not" templates; its texts are
filled once per language, on first use. Warnings are not tabled per tuple of classes: rule set
1.2's warnings read a dozen independent answers (consent, housing plan, earlier evictions, ...),
and their product is millions of tuples. Instead the warnings are split into groups that share
no input field (``Group``); each group is a small table of its own over the decision part, the
portfolio state (not given; the method offered or not; undecided with some or no possible method
offered) and its own fields' classes, so the
entries number the sum of the groups' sizes, not their product. ``highest_dimension`` (the
largest life-dimension rating given) is a column too, added per call as a maximum; its group
stays apart. Counterfactuals and next questions are kept per decision-field projection.

Entries are filled lazily by the first assessment that falls in them; however many distinct
citizens pass, the table never holds more than parts x 5 portfolio states x the groups' sizes x
languages warning entries and one decision support per projection: memory stays flat.

The table is owned by the builtin engine (``TABLES``), kept per rule set while the rule set
lives; the compiled rule set itself stays immutable. Filling is idempotent (an entry is a pure
function of its key), so concurrent threads may at worst fill one entry twice.
``tests/test_table.py`` proves the table equal to the condition trees (``recommend_direct``)
over the whole enumerated domain, group by group, for the shipped rules and generated rule
sets, and on random raw assessments.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

from ._compile import CompiledRules, fields_of
from ._counterfactuals import SupportParts, decision_support
from ._domain import CORE_FIELDS, DEFAULT_DOMAIN
from ._engine import decide, warning_facts_for
from ._enumerate import HIGHEST, tests_by_field, warning_groups
from ._explain import WhyNot, build, reasons, warning_texts, why_not_templates
from ._models import Alternative, Reason, Recommendation, TriageWarning, validate_mapping
from ._types import Decision, Facts, Lang, Scalar

__all__ = ["TABLES", "DecisionTable", "Tables", "answer", "value_classes"]

#: answers cached per "why not" template and language (the answers it quotes, per entry)
_QUOTED_LIMIT = 64
#: decision supports kept per table (one per projection of the decision fields and language; the
#: shipped rules have 3,456: beyond the limit they are computed anew)
_SUPPORT_LIMIT = 50_000
#: portfolio states (``DecisionTable.group_warnings``)
STATES = 5
#: merged warning lists kept (combinations of the groups' distinct lists; beyond: merged anew)
_MERGED_LIMIT = 65_536


def value_classes(rules: CompiledRules, name: str) -> list[list[Scalar | None]]:
    """The values of ``name`` (``None`` = absent) grouped by the tests they pass.

    An unknown core answer is never grouped with a known one. ``name`` may be the derived
    ``highest_dimension``, which the table reads as a column of its own.
    """
    tests = tests_by_field(rules, spread=False).get(name, [])
    spec = rules.domain.fields.get(name) or rules.domain.derived[name]
    groups: dict[tuple[bool, ...], list[Scalar | None]] = {}
    for value in [None, *spec.values]:
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
    """The decision for one tuple of classes of the decision fields."""

    decision: Decision
    texts: dict[Lang, _Texts] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Group:
    """Warnings whose input fields no other group reads, with the classes of those fields.

    A group's warnings depend only on the decision (its part), the portfolio state and the
    classes of ``fields``; so a group is a small table of its own, and the whole table's
    size is the sum, not the product, of the groups' sizes.
    """

    #: the warning codes, in file order
    codes: frozenset[str]
    #: the input fields only this group's warnings read (``highest_dimension`` may be one)
    fields: tuple[str, ...]
    #: the group's digit in the index is ``(index // stride) % size``
    stride: int
    size: int
    #: the other facts its warnings read: decision fields (by class) and derived fields
    context_fields: tuple[str, ...]
    #: per decision part and portfolio state (``part * STATES + state``): its context number,
    #: -1 until seen; contexts are the distinct values of ``context_fields``
    contexts: list[int]
    context_ids: dict[tuple[Any, ...], int]
    #: the group's entries: (context, digit, lang) -> its warnings
    entries: dict[tuple[int, int, Lang], tuple[TriageWarning, ...]]


class DecisionTable:
    """The decision table of one rule set (see the module docstring)."""

    def __init__(self, rules: CompiledRules) -> None:
        # no reference to ``rules`` is kept: the table lives exactly as long as its rule set
        names = [*rules.result_fields]
        if HIGHEST in rules.warning_fields:
            names.append(HIGHEST)
        found = {name: value_classes(rules, name) for name in names}
        classes = {name: len(groups) for name, groups in found.items()}
        columns: list[tuple[str, dict[Scalar | None, int]]] = []
        stride = 1

        def add(name: str) -> None:
            nonlocal stride
            groups = found[name]
            if len(groups) > 1:  # else the rules cannot tell its values apart
                weights = {v: k * stride for k, group in enumerate(groups) for v in group}
                columns.append((name, weights))
                stride *= len(groups)

        for name in rules.decision_fields:
            if name in found:
                add(name)
        #: the decision part of an index is ``index % parts_size``
        self.parts_size = stride
        self.decision_columns = tuple(columns)
        groups: list[Group] = []
        parts = stride
        # the highest_dimension column comes last: it is added to the index per call
        for codes, fields in sorted(warning_groups(rules, classes), key=lambda g: HIGHEST in g[1]):
            start = stride
            for name in fields:
                add(name)
            read = set().union(
                *(
                    fields_of(w.condition).union(*(fields_of(v.condition) for v in w.variants))
                    for w in rules.warnings
                    if w.code in codes
                )
            )
            context = tuple(sorted(read - set(fields)))
            groups.append(
                Group(
                    codes, fields, start, stride // start, context, [-1] * (parts * STATES), {}, {}
                )
            )
        self.groups = tuple(groups)
        #: the column of ``highest_dimension`` (added per call: a maximum is not a sum)
        self.highest: dict[Scalar | None, int] | None = None
        if columns and columns[-1][0] == HIGHEST:
            self.highest = columns.pop()[1]
        #: every column the index sums, decision columns first
        self.columns = tuple(columns)
        #: the decision fields' classes (a field with one class is absent: class 0)
        self.decision_weights = dict(self.decision_columns)
        self.dimensions = tuple(f for f in rules.domain.fields if f.startswith("dimensions."))
        #: the number of class tuples (the groups make the stored entries far fewer)
        self.size = stride
        self.fast = _fast_path(rules, columns)
        self.parts: dict[int, _Part] = {}
        self.warnings: dict[tuple[tuple[str, ...], Lang], tuple[TriageWarning, ...]] = {}
        #: file order of the warning codes (the groups' warnings are merged in it)
        self.rank = {w.code: k for k, w in enumerate(rules.warnings)}
        #: one tuple per distinct list of warnings (codes and texts), and merged combinations
        self.interned: dict[tuple[tuple[str, str, str, str], ...], tuple[TriageWarning, ...]] = {}
        self.merged: dict[tuple[int, ...], tuple[TriageWarning, ...]] = {}
        #: some warning reads possible_method_offered (undecided cases with a portfolio)
        self.reads_possible_offered = "possible_method_offered" in rules.warning_fields
        #: the decision fields that counterfactuals and next questions read, and their memo
        self.read = tuple(f for f in rules.decision_fields if f in rules.domain.fields)
        self.support: dict[tuple[Any, ...], SupportParts] = {}
        self._numbering = threading.Lock()

    @property
    def entries(self) -> int:
        """How many entries are filled (decision parts and group entries)."""
        return len(self.parts) + sum(len(g.entries) for g in self.groups)

    def index(self, facts: Facts) -> int:
        """The table index of validated ``facts`` (``highest_dimension`` included)."""
        get = facts.get
        i = 0
        for name, weights in self.columns:
            i += weights[get(name)]
        if self.highest is not None:
            i += self.highest_step(facts)
        return i

    def highest_step(self, facts: Facts) -> int:
        """The ``highest_dimension`` column's share of the index (0 without that column)."""
        weights = self.highest
        if weights is None:
            return 0
        get = facts.get
        top: Any = None
        for name in self.dimensions:
            value = get(name)
            if value is not None and (top is None or value > top):
                top = value
        return weights[top]

    def part(self, rules: CompiledRules, index: int, facts: Facts) -> _Part:
        """The decision part at ``index`` (``index % parts_size``), filled from ``facts``."""
        key = index % self.parts_size
        found = self.parts.get(key)
        if found is None:
            decision = decide(rules, facts)
            found = self.parts.setdefault(key, _Part(decision))
        return found

    def texts(self, rules: CompiledRules, part: _Part, facts: Facts, lang: Lang) -> _Texts:
        """``part``'s texts in ``lang``, filled once."""
        decision = part.decision
        why_not = why_not_templates(rules, facts, decision.method, lang) if decision.method else ()
        quoted = tuple(dict.fromkeys(f for w in why_not for f in w.fields))
        fixed = None if quoted else tuple(w.alternative(facts, lang) for w in why_not)
        texts = _Texts(reasons(rules, decision.reason_ids, lang), why_not, quoted, fixed)
        part.texts[lang] = texts
        return texts

    def group_warnings(
        self,
        rules: CompiledRules,
        index: int,
        facts: Facts,
        decision: Decision,
        offers: frozenset[str] | None,
        lang: Lang,
    ) -> tuple[TriageWarning, ...]:
        """The warnings at ``index`` (``highest_step`` included), group by group, in file order."""
        method = decision.method
        # the portfolio as the warnings see it: not given (0); the method offered (1) or not
        # (2); undecided, and some possible method offered (3) or none (4)
        if offers is None:
            state = 0
        elif method is not None:
            state = 1 if method in offers else 2
        elif self.reads_possible_offered:
            state = 3 if any(m in offers for m in decision.possible_methods) else 4
        else:
            state = 0  # no warning reads the portfolio of an undecided result
        slot = (index % self.parts_size) * STATES + state
        found: list[tuple[TriageWarning, ...]] = []
        for group in self.groups:
            context = group.contexts[slot]
            if context < 0:
                context = self._context(group, slot, facts, decision, offers)
            key = (context, (index // group.stride) % group.size, lang)
            kept = group.entries.get(key)
            if kept is None:
                kept = self._fill(rules, group, facts, decision, offers, lang)
                group.entries[key] = kept
            if kept:
                found.append(kept)
        if len(found) < 2:
            return found[0] if found else ()
        # the groups' tuples are interned (``_fill``), so their identities name their contents
        # as long as the table lives: the merge into file order is done once per combination
        ids = tuple(map(id, found))
        merged = self.merged.get(ids)
        if merged is None:
            merged = tuple(sorted((w for ws in found for w in ws), key=self._rank))
            if len(self.merged) < _MERGED_LIMIT:
                self.merged[ids] = merged
        return merged

    def _context(
        self,
        group: Group,
        slot: int,
        facts: Facts,
        decision: Decision,
        offers: frozenset[str] | None,
    ) -> int:
        """The number of the group's context in ``slot``: what its warnings read besides the
        group's own fields, the decision fields by their class (so every assessment of one
        decision part agrees)."""
        full = warning_facts_for(facts, decision, offers)
        weights = self.decision_weights
        values = tuple(
            weights[f].get(full.get(f), 0) if f in weights else full.get(f)
            for f in group.context_fields
        )
        with self._numbering:  # one number per context, whichever thread sees it first
            number = group.context_ids.setdefault(values, len(group.context_ids))
        group.contexts[slot] = number
        return number

    def _rank(self, warning: TriageWarning) -> int:
        return self.rank[warning.code]

    def _fill(
        self,
        rules: CompiledRules,
        group: Group,
        facts: Facts,
        decision: Decision,
        offers: frozenset[str] | None,
        lang: Lang,
    ) -> tuple[TriageWarning, ...]:
        # the warnings read the portfolio only through its state (``group_warnings``)
        full = warning_facts_for(facts, decision, offers)
        codes = [w.code for w in rules.warnings if w.code in group.codes and w.predicate(full)]
        fresh = warning_texts(rules, codes, lang, full)
        key = tuple((w.code, w.text, w.source, w.level) for w in fresh)
        return self.interned.setdefault(key, fresh)


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
        if table.highest is not None:
            i += table.highest_step(facts)
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
        highest = table.highest
        peak = -1  # the highest life-dimension rating given
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
                        if score > peak:
                            peak = score
                        continue
                if score is not None:
                    return None
        if highest is not None:
            i += highest[peak] if peak >= 0 else highest[None]
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
    """The Recommendation at table index ``i`` (``DecisionTable.index``: the columns' weights
    summed, and the ``highest_dimension`` column's, a maximum); ``facts`` fill entries and
    quoted answers."""
    part = table.parts.get(i % table.parts_size)
    if part is None:
        part = table.part(rules, i, facts)
    texts = part.texts.get(lang)
    if texts is None:
        texts = table.texts(rules, part, facts, lang)
    decision = part.decision
    method = decision.method
    warnings = table.group_warnings(rules, i, facts, decision, offers, lang)
    why_not = texts.fixed if texts.fixed is not None else _why_not(texts, facts, lang)
    key = (lang, *map(facts.get, table.read))
    support = table.support.get(key)
    if support is None:
        support = decision_support(rules, facts, decision, lang)
        if len(table.support) < _SUPPORT_LIMIT:  # rules whose criteria read many answers
            table.support[key] = support
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
