"""Exhaustive verification of a compiled rule set (``hf-triage rules check``).

The input domain is finite. Each field the rules read is cut into classes of values that pass
the same tests (``_enumerate.field_classes``); one representative per class stands for all, so
the check is exhaustive over the real domain while the work grows with the number of
*distinctions the rules make*, not with the number of fields. The work is done on regions, not
assessments: each criterion is tabulated on the classes of the fields it reads (an outcome is a
bit mask of the criteria that hold), and each warning is tried only on the fields it reads.
Outcomes come from the shared matcher (``_engine.BUILTIN``, ``_engine.winner``). Findings:

* ``gap``            (error) an assessment with complexity and service_use known gets no method
* ``monotonicity``   (error) a worse answer gives a less intensive method (a pair is shown)
* ``invariance``     (error) urgency, housing_ready, consent, proposed_method, situation,
                     current_method, housing_plan, previous_evictions, action_plan_offered or
                     the municipality changes the method
* ``unreachable``    (error) a criterion whose condition can never hold
* ``shadowed``       (error) a criterion that holds only where a more intensive method wins,
                     so it can never decide anything
* ``warning-never``  (error) a warning whose condition can never hold
* ``missing-warning``(error) a warning code of the public contract is missing
* ``signal-never``   (error) a follow-up signal that no course state can raise
* ``signal-conflict``(error) two signals declared to exclude each other are raised together
* ``overlap``        (info)  criteria of two methods hold together; the intensity order decides

Every finding names the rule file and line and gives a concrete example assessment.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from itertools import pairwise, product
from operator import itemgetter
from typing import Any, Literal

from ._compile import CompiledCriterion, CompiledRules, fields_of, holds
from ._domain import CORE_FIELDS, DERIVED_FIELDS, INVARIANT_FIELDS, METHODS, Domain, Scalar
from ._domain import intensity as rank
from ._engine import BUILTIN, _deciding, warning_facts, winner
from ._enumerate import course_states, field_classes, tests_of, to_assessment
from ._manifest import manifest_findings
from ._rulemodels import fmt_value

__all__ = [
    "CHECK_METHODS",
    "CONTRACT_WARNING_CODES",
    "CheckMethod",
    "CheckReport",
    "Finding",
    "check_rules",
    "render_report",
]

#: warning codes other systems key on (CONTRACT.md "Warning codes")
CONTRACT_WARNING_CODES = (
    "start-support-now",
    "housing-readiness-not-a-criterion",
    "cti-duration-unassessed",
    "below-assessed-need",
    "method-not-offered",
    "consent-missing",
    "inconsistent-answers",
)

#: the ways ``check_rules`` can search the domain (``hf-triage rules check --method``)
CheckMethod = Literal["symbolic", "regions"]
CHECK_METHODS: tuple[CheckMethod, ...] = ("symbolic", "regions")

Kind = Literal[
    "gap",
    "monotonicity",
    "invariance",
    "unreachable",
    "shadowed",
    "warning-never",
    "missing-warning",
    "signal-never",
    "signal-conflict",
    "overlap",
    "manifest",
]


def _worse_orders(domain: Domain) -> dict[str, tuple[Scalar, ...]]:
    """The order in which each field gets "worse" (CONTRACT.md "Guarantees").

    'unknown' support duration is no step: only transitional -> long_term is worse.
    """
    orders = {name: spec.values for name, spec in domain.fields.items() if spec.monotone}
    orders["support_duration"] = ("transitional", "long_term")
    return orders


#: what the warnings can see of one decided (or undecided) assessment: method, least possible
#: method, the open answers that would decide, the possible methods, the shared field values
Reachable = tuple[
    str | None, str | None, tuple[str, ...], tuple[str, ...], tuple[Scalar | None, ...]
]

#: a reachable state as one warning sees it: the parts of ``Reachable`` it reads, the values of
#: its own decision fields, and whether a method was decided
WarningState = tuple[
    str | None, str | None, tuple[str, ...], tuple[str, ...], tuple[Scalar | None, ...], bool
]

_MUNICIPALITIES: tuple[tuple[str, ...] | None, ...] = (None, METHODS, ())


@dataclass(frozen=True)
class Finding:
    """One problem (or, for ``overlap``, one observation) in a rule set."""

    kind: Kind
    severity: Literal["error", "info"]
    file: str
    line: int
    rule_ids: tuple[str, ...]
    text_da: str
    text_en: str
    example: dict[str, Any] | None = None
    other_example: dict[str, Any] | None = None
    #: how many assessments (or pairs) show the same problem; the example is the first
    count: int = 1

    def text(self, lang: str = "da") -> str:
        text = self.text_da if lang == "da" else self.text_en
        if self.count > 1:
            more = self.count - 1
            text += f" (+{more} lignende)" if lang == "da" else f" (+{more} similar)"
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "rule_ids": list(self.rule_ids),
            "text_da": self.text_da,
            "text_en": self.text_en,
            "example": self.example,
            "other_example": self.other_example,
            "count": self.count,
        }


@dataclass(frozen=True)
class CheckReport:
    """All findings for a rule set; ``ok`` when none is an error."""

    fingerprint: str
    directory: str
    findings: tuple[Finding, ...]
    assessments_examined: int
    seconds: float
    #: how the domain-wide checks ran: "symbolic" (BDDs, ``_symbolic``) or "regions" (the
    #: class tuples enumerated); both give the same findings
    method: CheckMethod = "regions"

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "fingerprint": self.fingerprint,
            "directory": self.directory,
            "assessments_examined": self.assessments_examined,
            "seconds": round(self.seconds, 4),
            "method": self.method,
            "findings": [f.to_json() for f in self.findings],
        }


def _show(facts: dict[str, Any]) -> str:
    shown = {k: v for k, v in facts.items() if v is not None}
    return "{" + ", ".join(f"{k}: {fmt_value(v)}" for k, v in shown.items()) + "}"


class _Checker:
    def __init__(self, rules: CompiledRules, tabulate: bool = True) -> None:
        self.rules = rules
        self.findings: list[Finding] = []
        self._seen: dict[tuple[Any, ...], int] = {}
        self.worse = _worse_orders(rules.domain)
        self.fields = rules.domain.fields
        self.examined = 0
        # decision fields: what the criteria read, plus the core answers
        self.names = [f for f in rules.decision_fields if f in self.fields]
        self.reps: dict[str, list[Scalar | None]] = {}
        for name in self.names:
            classes = field_classes(rules, name)
            if name in CORE_FIELDS:
                classes = [[v for v in c if v is not None] for c in classes]
                classes = [c for c in classes if c]
            self.reps[name] = self._steps(name, classes)
        self._cache: dict[tuple[Scalar | None, ...], tuple[str | None, frozenset[str]]] = {}
        self._by_id = {c.id: c for c in rules.criteria}
        self._next_steps = self._next_worse()
        if tabulate:
            self._tabulate()

    def _tabulate(self) -> None:
        """The outcome of every class tuple at once, from each criterion's own small table.

        A criterion reads a few fields: its truth is tabulated once per tuple of *those*
        fields' classes, and an outcome is a bit mask of the criteria that hold, so the
        predicates run per criterion region, not per assessment. Equal to ``outcome`` one
        assessment at a time (the tests compare the two on generated rule sets).
        """
        index = {n: i for i, n in enumerate(self.names)}
        regions: list[tuple[int, Callable[[Any], Any] | None, dict[Any, bool], Any]] = []
        for bit, c in enumerate(self.rules.criteria):
            read = [n for n in self.names if n in fields_of(c.condition)]
            getter: Callable[[Any], Any] | None = (
                itemgetter(*(index[n] for n in read)) if read else None
            )
            regions.append((1 << bit, getter, {}, (c, read)))
        outcomes: dict[int, tuple[str | None, frozenset[str]]] = {}
        criteria = self.rules.criteria
        for combo in self.domain():
            mask = 0
            for bit, getter, truth, (c, read) in regions:
                key = getter(combo) if getter is not None else ()
                held = truth.get(key)
                if held is None:
                    values = key if len(read) != 1 else (key,)
                    facts = {n: v for n, v in zip(read, values, strict=True) if v is not None}
                    facts.setdefault("support_duration", "unknown")
                    held = truth[key] = c.predicate(facts)
                if held:
                    mask |= bit
            found = outcomes.get(mask)
            if found is None:
                ids = frozenset(c.id for k, c in enumerate(criteria) if mask >> k & 1)
                found = outcomes[mask] = (winner(self.rules, ids)[0], ids)
            self._cache[combo] = found
            self.examined += 1

    def _steps(self, name: str, classes: list[list[Scalar | None]]) -> list[Scalar | None]:
        """Representatives; for an ordered field, enough values to see every step worse."""
        reps = [c[0] for c in classes]
        order = self.worse.get(name)
        if order is None:
            return reps
        # one value per maximal run of the order that stays in one class
        by_value = {v: i for i, c in enumerate(classes) for v in c}
        # a value outside the order (absent) is kept only if no value of the order shares
        # its class: otherwise that value stands for it, and each such field halves the work
        stepped: list[Scalar | None] = [
            v for v, c in zip(reps, classes, strict=True) if not any(x in order for x in c)
        ]
        previous = None
        for value in order:
            if by_value[value] != previous:
                stepped.append(value)
                previous = by_value[value]
        return stepped

    # -- evaluation ------------------------------------------------------------------------
    def facts(self, combo: tuple[Scalar | None, ...]) -> dict[str, Scalar]:
        return {n: v for n, v in zip(self.names, combo, strict=True) if v is not None}

    def outcome(self, combo: tuple[Scalar | None, ...]) -> tuple[str | None, frozenset[str]]:
        """(winning method, ids of every criterion that holds) for a complete assessment."""
        cached = self._cache.get(combo)
        if cached is None:
            facts = self.facts(combo)
            facts.setdefault("support_duration", "unknown")
            held = frozenset(BUILTIN.holding(self.rules, "criteria", facts))
            cached = (winner(self.rules, held)[0], held)
            self._cache[combo] = cached
            self.examined += 1
        return cached

    def domain(self) -> Iterator[tuple[Scalar | None, ...]]:
        return product(*(self.reps[n] for n in self.names))

    def add(self, kind: Kind, at: CompiledCriterion | None, da: str, en: str, **kw: Any) -> None:
        group = kw.pop("group", None)
        if group is not None:
            key = (kind, *group)
            if key in self._seen:
                index = self._seen[key]
                old = self.findings[index]
                self.findings[index] = replace(old, count=old.count + 1)
                return
            self._seen[key] = len(self.findings)
        severity: Literal["error", "info"] = "info" if kind == "overlap" else "error"
        file = at.file if at else str(self.rules.directory)
        line = at.line if at else 1
        ids = kw.pop("rule_ids", (at.id,) if at else ())
        self.findings.append(Finding(kind, severity, file, line, tuple(ids), da, en, **kw))

    # -- the checks ------------------------------------------------------------------------
    def run(self) -> None:
        held_anywhere: set[str] = set()
        decided_by: set[str] = set()
        overlaps: dict[tuple[str, str], tuple[Scalar | None, ...]] = {}
        seen: set[frozenset[str]] = set()
        for combo in self.domain():
            method, held = self.outcome(combo)
            if method is None:
                held_anywhere |= held
                self.gap(combo)
                continue
            if held not in seen:  # a set of criteria seen before adds nothing new here
                seen.add(held)
                held_anywhere |= held
                criteria = [self._by_id[i] for i in sorted(held)]
                decided_by |= {c.id for c in criteria if c.method == method}
                for low in criteria:
                    for high in criteria:
                        if rank(low.method) < rank(high.method):
                            overlaps.setdefault((low.id, high.id), combo)
            self.monotonicity(combo, method)
        for c in self.rules.criteria:
            if c.id not in held_anywhere:
                self.unreachable(c)
            elif c.id not in decided_by:
                self.shadowed(c)
        for (low_id, high_id), combo in overlaps.items():
            self.overlap(self.rules.criterion(low_id), self.rules.criterion(high_id), combo)
        self.invariance()
        self.warnings()
        self.followup()

    def unreachable(self, c: CompiledCriterion) -> None:
        self.add(
            "unreachable",
            c,
            f"Kriteriet '{c.id}' kan aldrig være opfyldt: betingelsen modsiger sig selv "
            "eller kræver værdier, der ikke findes. Ret eller fjern det.",
            f"Criterion '{c.id}' can never hold: its condition contradicts itself or "
            "needs values that do not exist. Fix or remove it.",
        )

    def shadowed(self, c: CompiledCriterion) -> None:
        self.add(
            "shadowed",
            c,
            f"Kriteriet '{c.id}' ({c.method}) er skygget: hver gang det er opfyldt, vinder "
            "en mere intensiv metode, så det afgør aldrig noget. Ret eller fjern det.",
            f"Criterion '{c.id}' ({c.method}) is always shadowed: wherever it holds a more "
            "intensive method wins, so it never decides anything. Fix or remove it.",
        )

    def overlap(
        self, low: CompiledCriterion, high: CompiledCriterion, combo: tuple[Scalar | None, ...]
    ) -> None:
        ex = self.facts(combo)
        self.add(
            "overlap",
            low,
            f"Overlap (til orientering): '{low.id}' ({low.method}) og '{high.id}' "
            f"({high.method}, {high.file}:{high.line}) er begge opfyldt, fx for {_show(ex)}; "
            f"{high.method} vinder efter intensitetsordenen.",
            f"Overlap (informational): '{low.id}' ({low.method}) and '{high.id}' "
            f"({high.method}, {high.file}:{high.line}) both hold, e.g. for {_show(ex)}; "
            f"{high.method} wins by the intensity order.",
            rule_ids=(low.id, high.id),
            example=to_assessment(dict(ex)),
        )

    def gap(self, combo: tuple[Scalar | None, ...]) -> None:
        facts = self.facts(combo)
        facts.setdefault("support_duration", "unknown")
        # the criterion that comes closest: fewest failing field tests
        nearest = min(self.rules.criteria, key=lambda c: _failing_tests(c, facts))
        self.add(
            "gap",
            nearest,
            f"Hul fundet: ingen metode for {_show(facts)}. Nærmeste kriterium er '{nearest.id}' "
            f"({nearest.method}). Tilføj et kriterium, der dækker tilfældet.",
            f"Gap detected: no method for {_show(facts)}. The nearest criterion is "
            f"'{nearest.id}' ({nearest.method}). Add a criterion that covers the case.",
            example=to_assessment(dict(facts)),
            group=(facts.get("complexity"), facts.get("service_use")),
        )

    def _next_worse(self) -> list[tuple[int, str, dict[Scalar | None, Scalar | None]]]:
        """Per ordered field: each value's next worse representative (steps chain)."""
        result = []
        for i, name in enumerate(self.names):
            order = self.worse.get(name)
            if order is None:
                continue
            step: dict[Scalar | None, Scalar | None] = {}
            for value in order:
                later = [
                    w for w in self.reps[name] if w in order and order.index(w) > order.index(value)
                ]
                if later:
                    step[value] = later[0]
            result.append((i, name, step))
        return result

    def monotonicity(self, combo: tuple[Scalar | None, ...], method: str) -> None:
        for i, name, step in self._next_steps:
            value = combo[i]
            worse = step.get(value)
            if worse is None:
                continue
            other = (*combo[:i], worse, *combo[i + 1 :])
            worse_method, _ = self.outcome(other)
            if worse_method is not None and rank(worse_method) < rank(method):
                culprit = self._culprit(combo, method)
                a, b = self.facts(combo), self.facts(other)
                self.add(
                    "monotonicity",
                    culprit,
                    f"Monotoni brudt: en værre værdi af '{name}' ({fmt_value(worse)} i stedet "
                    f"for {fmt_value(value)}) giver den mindre intensive {worse_method} i "
                    f"stedet for {method}: {_show(a)} -> {method}, {_show(b)} -> "
                    f"{worse_method}. Tjek '{culprit.id}'.",
                    f"Monotonicity violated: a worse '{name}' ({fmt_value(worse)} instead of "
                    f"{fmt_value(value)}) gives the less intensive {worse_method} instead of "
                    f"{method}: {_show(a)} -> {method}, {_show(b)} -> {worse_method}. "
                    f"Check '{culprit.id}'.",
                    example=to_assessment(dict(a)),
                    other_example=to_assessment(dict(b)),
                    group=(culprit.id, name, value, worse),
                )
                return

    def followup(self) -> None:
        if self.rules.signals:
            _followup_checks(self)

    def _culprit(self, combo: tuple[Scalar | None, ...], method: str) -> CompiledCriterion:
        _, held = self.outcome(combo)
        ids = [i for i in sorted(held) if self.rules.criterion(i).method == method]
        return self.rules.criterion(ids[0])

    def invariance(self) -> None:
        forbidden = set(INVARIANT_FIELDS) | set(DERIVED_FIELDS)
        for c in self.rules.criteria:
            read = _fields(c)
            for name in sorted(read & forbidden):
                example = self._changing_pair(c, name)
                what, what_en = {
                    "method_offered": ("kommunens indsatsvifte", "the municipality's portfolio"),
                    "method": ("sit eget resultat ('method')", "its own outcome ('method')"),
                    "least_possible_method": (
                        "sit eget resultat ('least_possible_method')",
                        "its own outcome ('least_possible_method')",
                    ),
                }.get(name, (f"'{name}'", f"'{name}'"))
                detail_da = detail_en = ""
                kw: dict[str, Any] = {}
                if example is not None:
                    a, b, ma, mb = example
                    detail_da = f" Fx {_show(a)} -> {ma}, men {_show(b)} -> {mb}."
                    detail_en = f" E.g. {_show(a)} -> {ma}, but {_show(b)} -> {mb}."
                    kw = {"example": to_assessment(a), "other_example": to_assessment(b)}
                self.add(
                    "invariance",
                    c,
                    f"Kriteriet '{c.id}' læser {what}, som aldrig må ændre metoden (kun give "
                    f"advarsler).{detail_da} Flyt betingelsen til warnings.yaml.",
                    f"Criterion '{c.id}' reads {what_en}, which must never change the method "
                    f"(only add warnings).{detail_en} Move the condition to warnings.yaml.",
                    **kw,
                )

    def _changing_pair(
        self, criterion: CompiledCriterion, name: str
    ) -> tuple[dict[str, Scalar], dict[str, Scalar], str, str] | None:
        if name not in self.fields:
            return None
        values = [v for c in field_classes(self.rules, name) for v in c[:1]]
        for combo in self.domain():
            base = self.facts(combo)
            results = []
            for value in values:
                facts = dict(base)
                if value is not None:
                    facts[name] = value
                method, _ = self.outcome_of(facts)
                results.append((facts, method))
            for (fa, ma), (fb, mb) in pairwise(results):
                if ma != mb and ma is not None and mb is not None:
                    return fa, fb, ma, mb
        return None

    def outcome_of(self, facts: dict[str, Scalar]) -> tuple[str | None, list[str]]:
        full = dict(facts)
        full.setdefault("support_duration", "unknown")
        held = list(BUILTIN.holding(self.rules, "criteria", full))
        self.examined += 1
        return winner(self.rules, set(held))[0], held

    def _reachable(self, shared: list[int]) -> set[Reachable]:
        """Every (method, least possible method, missing answers, possible methods, values of
        the decision fields at ``shared``) that some assessment, complete or with core
        answers open, reaches; by enumerating the class tuples (each core answer also absent).
        """
        reachable: set[Reachable] = set()
        core = [i for i, n in enumerate(self.names) if n in CORE_FIELDS]
        for combo in product(
            *([None, *self.reps[n]] if n in CORE_FIELDS else self.reps[n] for n in self.names)
        ):
            open_ = [i for i in core if combo[i] is None]
            if not open_:  # complete: its own outcome
                method = least = self.outcome(combo)[0]
                done = (method,) if method is not None else ()
                reachable.add((method, least, (), done, tuple(combo[i] for i in shared)))
                continue
            outcomes: dict[tuple[Scalar, ...], str] = {}
            for fill in product(*(self.reps[self.names[i]] for i in open_)):
                full = list(combo)
                for i, v in zip(open_, fill, strict=True):
                    full[i] = v
                found_method = self.outcome(tuple(full))[0]
                if found_method is not None:
                    outcomes[tuple(v for v in fill if v is not None)] = found_method
            methods = set(outcomes.values())
            found = sorted(methods, key=rank)
            method = found[0] if len(methods) == 1 else None
            least = found[0] if found else None
            # the derived missing_<field> facts: the open answers that would decide
            missing = _deciding([self.names[i] for i in open_], outcomes) if method is None else ()
            possible = tuple(found)
            reachable.add((method, least, missing, possible, tuple(combo[i] for i in shared)))
        return reachable

    def _warning_states(
        self, shared: list[int]
    ) -> Callable[[list[int], set[str]], set[WarningState]]:
        """A function from a warning's fields (positions in ``shared``) and everything it reads
        to the reachable states as that warning sees them (``Reachable`` projected, plus
        whether a method was decided)."""
        reachable = self._reachable(shared)

        def project(mine: list[int], reads: set[str]) -> set[WarningState]:
            missing_read = any(f.startswith("missing_") for f in reads)
            return {
                (
                    method if reads & {"method", "method_offered"} else None,
                    least if "least_possible_method" in reads else None,
                    missing if missing_read else (),
                    possible if "possible_method_offered" in reads else (),
                    tuple(values[k] for k in mine),
                    method is not None,
                )
                for method, least, missing, possible, values in reachable
            }

        return project

    def warnings(self) -> None:
        codes = {w.code for w in self.rules.warnings}
        for code in CONTRACT_WARNING_CODES:
            if code not in codes:
                self.add(
                    "missing-warning",
                    None,
                    f"Advarslen '{code}' mangler i warnings.yaml; andre systemer er afhængige af "
                    "den (CONTRACT.md). Tilføj den igen.",
                    f"Warning '{code}' is missing from warnings.yaml; other systems key on it "
                    "(CONTRACT.md). Add it back.",
                    rule_ids=(code,),
                )
        # Warnings read the recommended method plus a few answers: every reachable
        # (method, those answers) once, then the warning-only answers and portfolios on it.
        read = set(self.rules.warning_fields)
        shared = [i for i, n in enumerate(self.names) if n in read]
        warning_only = [
            f for f in self.rules.warning_fields if f in self.fields and f not in self.names
        ]
        project = self._warning_states(shared)
        # Each warning is tried on its own region: the reachable states projected onto the
        # fields it reads, times the classes of the answers only warnings read, and the
        # portfolios only if it reads a portfolio fact (a warning depends on nothing else).
        seen: set[str] = set()
        extra = {f: [c[0] for c in field_classes(self.rules, f)] for f in warning_only}
        for w in self.rules.warnings:
            reads = set(fields_of(w.condition))
            for variant in w.variants:
                reads |= fields_of(variant.condition)
            if "highest_dimension" in reads:
                # derived from the life dimensions: try the ratings the rules distinguish
                reads |= {f for f in self.fields if f.startswith("dimensions.")}
            mine = [k for k, i in enumerate(shared) if self.names[i] in reads]
            projected = project(mine, reads)
            more_fields = [f for f in warning_only if f in reads]
            portfolios = (
                _MUNICIPALITIES
                if reads & {"method_offered", "possible_method_offered"}
                else (None,)
            )
            # in a fixed order: the search stops at the first case that raises the warning,
            # so the number of cases examined must not depend on the hash seed
            for method, least, missing, possible, values, decided in sorted(projected, key=repr):
                base: dict[str, Scalar] = {"support_duration": "unknown"}
                base.update(
                    {
                        self.names[shared[k]]: v
                        for k, v in zip(mine, values, strict=True)
                        if v is not None
                    }
                )
                for more in product(*(extra[f] for f in more_fields)):
                    facts = dict(base)
                    facts.update(
                        {k: v for k, v in zip(more_fields, more, strict=True) if v is not None}
                    )
                    for offers in portfolios:
                        offered = None if offers is None else frozenset(offers)
                        self.examined += 1
                        derived = warning_facts(
                            facts, method if decided else None, offered, least, missing, possible
                        )
                        if w.predicate(derived):
                            seen.add(w.code)
                            break
                    if w.code in seen:
                        break
                if w.code in seen:
                    break
        for w in self.rules.warnings:
            if w.code not in seen:
                self.findings.append(
                    Finding(
                        "warning-never",
                        "error",
                        w.file,
                        w.line,
                        (w.code,),
                        f"Advarslen '{w.code}' kan aldrig udløses: ingen vurdering opfylder "
                        "betingelsen. Ret betingelsen.",
                        f"Warning '{w.code}' can never be raised: no assessment meets its "
                        "condition. Fix the condition.",
                    )
                )


def _followup_checks(checker: _Checker) -> None:
    """Follow-up signals: each can be raised by some course state; declared exclusions hold."""
    rules = checker.rules
    by_code = {s.code: s for s in rules.signals}
    for signal in rules.signals:
        states = course_states(rules, fields_of(signal.condition))
        if not any(signal.predicate(state) for state in states):
            checker.findings.append(
                Finding(
                    "signal-never",
                    "error",
                    signal.file,
                    signal.line,
                    (signal.code,),
                    f"Signalet '{signal.code}' kan aldrig udløses: intet forløb opfylder "
                    "betingelsen. Ret betingelsen.",
                    f"Signal '{signal.code}' can never be raised: no course meets its "
                    "condition. Fix the condition.",
                )
            )
        for other_code in signal.excludes:
            other = by_code[other_code]
            fields = fields_of(signal.condition) | fields_of(other.condition)
            for state in course_states(rules, fields):
                checker.examined += 1
                if signal.predicate(state) and other.predicate(state):
                    shown = _show(dict(state))
                    checker.findings.append(
                        Finding(
                            "signal-conflict",
                            "error",
                            signal.file,
                            signal.line,
                            (signal.code, other_code),
                            f"Modstridende signaler: '{signal.code}' og '{other_code}' udløses "
                            f"begge, fx for {shown}. Gør betingelserne gensidigt udelukkende.",
                            f"Contradicting signals: '{signal.code}' and '{other_code}' are both "
                            f"raised, e.g. for {shown}. Make the conditions exclude each other.",
                            example=dict(state),
                        )
                    )
                    break


def _fields(criterion: CompiledCriterion) -> set[str]:
    return fields_of(criterion.condition)


def _failing_tests(criterion: CompiledCriterion, facts: dict[str, Scalar]) -> int:
    return sum(1 for t in tests_of(criterion.condition) if not holds(t, facts))


def check_rules(rules: CompiledRules, method: CheckMethod = "symbolic") -> CheckReport:
    """Verify a compiled rule set exhaustively; see the module docstring for the findings.

    ``method`` "symbolic" (the default) does the domain-wide checks on binary decision
    diagrams, whose size does not double with every independent field; "regions" enumerates
    the class tuples (the earlier method, kept as a cross-check). Same findings either way.
    """
    if method not in CHECK_METHODS:
        raise ValueError(f"method must be one of {', '.join(CHECK_METHODS)}, not {method!r:.40}")
    start = time.perf_counter()
    checker: _Checker
    if method == "symbolic":
        from ._symbolic import SymbolicChecker  # the diagrams load only for a check

        checker = SymbolicChecker(rules)
    else:
        checker = _Checker(rules)
    checker.run()
    checker.findings += manifest_findings(rules)  # the manifest (rules/ruleset.yaml)
    order = {"error": 0, "info": 1}
    findings = sorted(checker.findings, key=lambda f: (order[f.severity], f.file, f.line))
    return CheckReport(
        rules.fingerprint,
        str(rules.directory),
        tuple(findings),
        checker.examined,
        time.perf_counter() - start,
        method,
    )


def render_report(report: CheckReport, lang: str = "da") -> str:
    """The report as text for policy staff."""
    da = lang == "da"
    lines = []
    errors = report.errors
    infos = [f for f in report.findings if f.severity == "info"]
    how = {
        ("symbolic", True): "symbolsk kontrol",
        ("symbolic", False): "symbolic check",
        ("regions", True): "kontrol af værdiklasserne",
        ("regions", False): "check by value classes",
    }[(report.method, da)]
    for f in errors:
        lines.append(f"{f.file}:{f.line}: [{f.kind}] {f.text(lang)}")
    for f in infos:
        lines.append(f"{f.file}:{f.line}: [{f.kind}] {f.text(lang)}")
    if report.ok:
        head = (
            f"Regelsættet er i orden: komplet, monotont og uafhængigt af hast, boligparathed, "
            f"samtykke, foreslået metode, situation, nuværende metode, boligplan, tidligere "
            f"udsættelser, tilbudt handleplan og kommune; opfølgningssignalerne kan alle "
            f"udløses og modsiger ikke hinanden ({how}: {report.assessments_examined} "
            f"tilfælde undersøgt på {report.seconds:.2f} s)."
            if da
            else f"The rule set is sound: complete, monotone and independent of urgency, "
            f"housing readiness, consent, proposed method, situation, current method, housing "
            f"plan, previous evictions, action plan offered and municipality; every "
            f"follow-up signal can be raised and none contradicts another "
            f"({how}: {report.assessments_examined} cases examined in {report.seconds:.2f} s)."
        )
    else:
        head = (
            f"{len(errors)} fejl i regelsættet skal rettes før brug ({how}):"
            if da
            else f"{len(errors)} problem(s) in the rule set must be fixed before use ({how}):"
        )
    info = (
        f"{len(infos)} overlap til orientering (intensitetsordenen afgør dem)."
        if da
        else f"{len(infos)} informational overlap(s) (resolved by the intensity order)."
    )
    return "\n".join([head, *lines, info if infos else ""]).rstrip()
