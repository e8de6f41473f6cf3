"""The rules check done symbolically, with binary decision diagrams (issue 15, item 3).

The region method (``_check._Checker``) enumerates the class tuples of the decision fields, so
its work doubles with every independent yes/no field. Here the same finite domain is encoded
instead: each decision field's enumeration points (``_Checker.reps``: its value classes, one
value per step of its "worse" order, ``None`` for an optional field left unanswered) are
numbered and the number is written in ``ceil(log2 n)`` BDD variables, most significant bit
first, fields in ``_Checker.names`` order, with a domain constraint (number < n). Each
criterion's condition tree becomes a BDD (a field test is the set of numbers whose value
passes it); the winner of each method is "its criteria hold and no more intensive method's
do" (``_engine.winner``, CONTRACT.md "the most intensive method wins"). Then:

* gap: the assessments where no criterion holds, grouped by (complexity, service_use);
* monotonicity: per field and "next worse" step, the assessments where the method at the
  worse value (a cofactor of the winner diagrams) is less intensive, grouped as today by
  culprit criterion, field and step;
* invariance: the assessments where two consecutive classes of an invariant field give two
  methods; unreachable, shadowed and overlap: emptiness of conjunctions;
* the warnings' reachable states: the possible methods and the deciding open answers of a
  partial assessment by quantifying the open core answers away.

The example of each finding is the lowest satisfying assignment in the variable order, which
is the first class tuple the region method meets, so both methods report the same findings,
counts and examples (``tests/test_check_symbolic.py`` compares them); the work grows with the
size of the diagrams, not with the product of the fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import combinations, pairwise, product
from typing import Any

from ._bdd import BDD, FALSE, TRUE
from ._check import Reachable, WarningState, _Checker
from ._compile import All, Any_, CompiledCriterion, CompiledRules, Cond, Not, Test, holds
from ._domain import CORE_FIELDS, METHODS, Scalar
from ._domain import intensity as rank
from ._enumerate import field_classes

__all__ = ["SymbolicChecker"]

Combo = tuple[Scalar | None, ...]
#: (method, least possible, missing, possible methods, open core answers, the tuples reaching it)
Part = tuple[str | None, str | None, tuple[str, ...], tuple[str, ...], tuple[int, ...], int]


class SymbolicChecker(_Checker):
    """``_Checker`` with the domain-wide checks done on BDDs; same findings, same order."""

    def __init__(self, rules: CompiledRules) -> None:
        super().__init__(rules, tabulate=False)
        self._bits: list[list[int]] = []
        nvars = 0
        for name in self.names:
            width = (len(self.reps[name]) - 1).bit_length()
            self._bits.append(list(range(nvars, nvars + width)))
            nvars += width
        self.bdd = BDD(nvars)
        self._index = {n: i for i, n in enumerate(self.names)}
        self._eq: dict[tuple[int, int], int] = {}
        self.dom = self.bdd.all_of(
            self.bdd.any_of(self.eq(i, k) for k in range(len(self.reps[n])))
            for i, n in enumerate(self.names)
        )
        self.criterion_holds = {
            c.id: self.bdd.and_(self._cond(c.condition), self.dom) for c in self.rules.criteria
        }
        # winner: the method's criteria hold and no more intensive method's do
        self.wins: dict[str, int] = {}
        above = FALSE
        for method in reversed(METHODS):
            own = self.bdd.any_of(self.criterion_holds[c.id] for c in self.rules.by_method[method])
            self.wins[method] = self.bdd.diff(own, above)
            above = self.bdd.or_(above, own)
        self.gaps = self.bdd.diff(self.dom, above)

    # -- encoding --------------------------------------------------------------------------
    def eq(self, field: int, k: int) -> int:
        """Field number ``field`` is at its ``k``-th enumeration point."""
        node = self._eq.get((field, k))
        if node is None:
            bits = self._bits[field]
            width = len(bits)
            node = self.bdd.all_of(
                self.bdd.var(v) if k >> (width - 1 - j) & 1 else self.bdd.not_(self.bdd.var(v))
                for j, v in enumerate(bits)
            )
            self._eq[(field, k)] = node
        return node

    def fix(self, field: int, k: int) -> dict[int, bool]:
        """The variable values that put field number ``field`` at point ``k``."""
        bits = self._bits[field]
        width = len(bits)
        return {v: bool(k >> (width - 1 - j) & 1) for j, v in enumerate(bits)}

    def _cond(self, cond: Cond) -> int:
        if isinstance(cond, Test):
            return self._test(cond)
        if isinstance(cond, Not):
            return self.bdd.not_(self._cond(cond.item))
        parts = [self._cond(c) for c in cond.items]
        if isinstance(cond, All):
            return self.bdd.all_of(parts)
        assert isinstance(cond, Any_)
        return self.bdd.any_of(parts)

    def _test(self, test: Test) -> int:
        # as the region method evaluates a criterion: the field's value if given, and an
        # unanswered support duration is 'unknown' (CONTRACT.md "Partial assessments")
        def passes(value: Scalar | None) -> bool:
            facts: dict[str, Scalar] = {} if value is None else {test.field: value}
            facts.setdefault("support_duration", "unknown")
            return holds(test, facts)

        i = self._index.get(test.field)
        if i is None:  # a field no decision reads (a derived one): the constant it gives
            return TRUE if passes(None) else FALSE
        reps = self.reps[test.field]
        return self.bdd.any_of(self.eq(i, k) for k, v in enumerate(reps) if passes(v))

    def decode(self, assignment: dict[int, bool]) -> tuple[int, ...]:
        """The enumeration point of each field in a full assignment."""
        result = []
        for bits in self._bits:
            k = 0
            for v in bits:
                k = k << 1 | assignment[v]
            result.append(k)
        return tuple(result)

    def combo(self, points: tuple[int, ...]) -> Combo:
        return tuple(self.reps[n][k] for n, k in zip(self.names, points, strict=True))

    def first(self, u: int) -> tuple[int, ...] | None:
        """The first class tuple (in the region method's order) in the set ``u``."""
        found = self.bdd.lowest(u)
        return None if found is None else self.decode(found)

    def method_at(self, points: tuple[int, ...]) -> str | None:
        for method, wins in self.wins.items():
            if self.bdd.restrict(wins, self._fix_all(points)) == TRUE:
                return method
        return None

    def _fix_all(self, points: tuple[int, ...]) -> dict[int, bool]:
        values: dict[int, bool] = {}
        for i, k in enumerate(points):
            values.update(self.fix(i, k))
        return values

    # -- the checks ------------------------------------------------------------------------
    def run(self) -> None:
        bdd = self.bdd
        # gaps and monotonicity pairs, each group with its first class tuple: the region
        # method reports them in the order it meets those tuples
        found: list[tuple[tuple[int, ...], Any]] = []
        core = [self._index[n] for n in CORE_FIELDS if n in self._index]
        for ks in product(*(range(len(self.reps[self.names[i]])) for i in core)):
            group = bdd.all_of([self.gaps, *(self.eq(i, k) for i, k in zip(core, ks, strict=True))])
            first = self.first(group)
            if first is not None:
                found.append((first, ("gap", bdd.count(group))))
        found += self._monotonicity_groups()
        for points, (kind, count) in sorted(found, key=lambda item: item[0]):
            combo = self.combo(points)
            before = len(self.findings)
            if kind == "gap":
                self.gap(combo)
            else:
                method = self.method_at(points)
                assert method is not None
                self.monotonicity(combo, method)
            # each group is a new finding of its own (its group key is new)
            assert len(self.findings) == before + 1
            self.findings[-1] = replace(self.findings[-1], count=count)
        # unreachable, shadowed
        for c in self.rules.criteria:
            if self.criterion_holds[c.id] == FALSE:
                self.unreachable(c)
            elif bdd.and_(self.criterion_holds[c.id], self.wins[c.method]) == FALSE:
                self.shadowed(c)
        # overlaps, in the order the region method meets them
        overlaps: list[tuple[tuple[int, ...], str, str]] = []
        for low in self.rules.criteria:
            for high in self.rules.criteria:
                if rank(low.method) < rank(high.method):
                    first = self.first(
                        bdd.and_(self.criterion_holds[low.id], self.criterion_holds[high.id])
                    )
                    if first is not None:
                        overlaps.append((first, low.id, high.id))
        for points, low_id, high_id in sorted(overlaps):
            self.overlap(
                self.rules.criterion(low_id), self.rules.criterion(high_id), self.combo(points)
            )
        self.invariance()
        self.warnings()
        self.followup()

    def _monotonicity_groups(self) -> list[tuple[tuple[int, ...], Any]]:
        """Per (culprit, field, value, worse value): the first tuple and how many there are.

        A tuple counts for the first field (in ``_next_worse`` order) whose step makes the
        method less intensive, as the region method stops at that field.
        """
        bdd = self.bdd
        less: dict[str, int] = {}  # a less intensive method than the key wins
        below = FALSE
        for method in METHODS:
            less[method] = below
            below = bdd.or_(below, self.wins[method])
        # the culprit of a tuple: the first criterion (by id) of the winning method that holds
        culprits: list[tuple[str, int]] = []
        for method in METHODS:
            before = FALSE
            for c in sorted(self.rules.by_method[method], key=lambda c: c.id):
                culprits.append(
                    (
                        c.id,
                        bdd.diff(bdd.and_(self.wins[method], self.criterion_holds[c.id]), before),
                    )
                )
                before = bdd.or_(before, self.criterion_holds[c.id])
        result: list[tuple[tuple[int, ...], Any]] = []
        earlier = FALSE  # tuples where an earlier field's step already breaks monotonicity
        for i, name, step in self._next_steps:
            reps = self.reps[name]
            per_value: list[tuple[int, int]] = []
            for value, worse in step.items():
                if value not in reps or worse not in reps:
                    continue
                k, w = reps.index(value), reps.index(worse)
                at_worse = self.fix(i, w)
                broken = bdd.any_of(
                    bdd.and_(self.wins[m], bdd.restrict(less[m], at_worse)) for m in METHODS
                )
                per_value.append((k, bdd.and_(broken, self.eq(i, k))))
            here = bdd.any_of(u for _, u in per_value)
            for _k, u in per_value:
                first_field = bdd.diff(u, earlier)
                for _cid, culprit in culprits:
                    group = bdd.and_(first_field, culprit)
                    first = self.first(group)
                    if first is not None:
                        result.append((first, ("monotonicity", bdd.count(group))))
            earlier = bdd.or_(earlier, here)
        return result

    def _changing_pair(
        self, criterion: CompiledCriterion, name: str
    ) -> tuple[dict[str, Scalar], dict[str, Scalar], str, str] | None:
        """The first tuple where two consecutive classes of ``name`` give two methods; its
        pair as the region method reports it."""
        if name not in self.fields:
            return None
        i = self._index.get(name)
        reps = self.reps.get(name, [])
        values = [v for c in field_classes(self.rules, name) for v in c[:1]]
        if i is None or any(v is not None and v not in reps for v in values):
            return super()._changing_pair(criterion, name)
        bdd = self.bdd

        def at(value: Scalar | None, method: str) -> int:
            wins = self.wins[method]
            if value is None:  # the region method keeps the tuple's own value then
                return wins
            return bdd.and_(bdd.restrict(wins, self.fix(i, reps.index(value))), self.dom)

        changing = FALSE
        for a, b in pairwise(values):
            for ma, mb in product(METHODS, METHODS):
                if ma != mb:
                    changing = bdd.or_(changing, bdd.and_(at(a, ma), at(b, mb)))
        first = self.first(changing)
        if first is None:
            return None
        base = self.facts(self.combo(first))
        results = []
        for value in values:
            facts = dict(base)
            if value is not None:
                facts[name] = value
            results.append((facts, self.outcome_of(facts)[0]))
        for (fa, ma_), (fb, mb_) in pairwise(results):
            if ma_ != mb_ and ma_ is not None and mb_ is not None:
                return fa, fb, ma_, mb_
        raise AssertionError("the symbolic and concrete outcomes disagree")  # pragma: no cover

    def _reachable(self, shared: list[int]) -> set[Reachable]:
        """As ``_Checker._reachable``, with the open core answers quantified away."""
        return {
            (method, least, missing, found, values)
            for method, least, missing, found, open_, part in self._reachable_parts()
            for values in self._project(part, shared, open_)
        }

    def _warning_states(
        self, shared: list[int]
    ) -> Callable[[list[int], set[str]], set[WarningState]]:
        """As ``_Checker._warning_states``, each warning's fields projected from the diagrams
        (never the product of every field a warning reads)."""
        parts = self._reachable_parts()

        def project(mine: list[int], reads: set[str]) -> set[WarningState]:
            missing_read = any(f.startswith("missing_") for f in reads)
            fields = [shared[k] for k in mine]
            return {
                (
                    method if reads & {"method", "method_offered"} else None,
                    least if "least_possible_method" in reads else None,
                    missing if missing_read else (),
                    found if "possible_method_offered" in reads else (),
                    values,
                    method is not None,
                )
                for method, least, missing, found, open_, part in parts
                for values in self._project(part, fields, open_)
            }

        return project

    def _reachable_parts(self) -> list[Part]:
        """(method, least possible, missing, possible methods, open core answers, the tuples
        that reach them): the reachable states as diagrams over the answered fields."""
        bdd = self.bdd
        parts: list[Part] = []
        core = [i for i, n in enumerate(self.names) if n in CORE_FIELDS]
        for size in range(len(core) + 1):
            for open_ in combinations(core, size):
                open_vars = [v for i in open_ for v in self._bits[i]]
                # some completion of the open answers gets m
                possible_at = {m: bdd.exists(self.wins[m], open_vars) for m in METHODS}
                deciding = {i: self._deciding_set(i, open_) for i in open_}
                answered = bdd.exists(self.dom, open_vars)
                for chosen in product((False, True), repeat=len(METHODS)):
                    found = tuple(m for m, on in zip(METHODS, chosen, strict=True) if on)
                    base = bdd.all_of(
                        [answered]
                        + [
                            possible_at[m] if on else bdd.not_(possible_at[m])
                            for m, on in zip(METHODS, chosen, strict=True)
                        ]
                    )
                    if base == FALSE:
                        continue
                    method = found[0] if len(found) == 1 else None
                    least = found[0] if found else None
                    if method is not None or not open_:
                        parts.append((method, least, (), found, open_, base))
                        continue
                    # undecided: the derived missing_<field> facts, the open answers that decide
                    for marks in product((False, True), repeat=len(open_)):
                        part = bdd.all_of(
                            [base]
                            + [
                                deciding[i] if on else bdd.not_(deciding[i])
                                for i, on in zip(open_, marks, strict=True)
                            ]
                        )
                        if part != FALSE:
                            missing = tuple(
                                self.names[i] for i, on in zip(open_, marks, strict=True) if on
                            )
                            parts.append((method, least, missing, found, open_, part))
        return parts

    def _deciding_set(self, field: int, open_: tuple[int, ...]) -> int:
        """The tuples (open answers aside) where ``field``'s answer changes the method while
        the other open answers stay fixed (``_engine._deciding``)."""
        bdd = self.bdd
        others = [v for i in open_ if i != field for v in self._bits[i]]
        changes = FALSE
        for a, b in combinations(range(len(self.reps[self.names[field]])), 2):
            fa, fb = self.fix(field, a), self.fix(field, b)
            for ma, mb in product(METHODS, METHODS):
                if ma != mb:
                    changes = bdd.or_(
                        changes,
                        bdd.and_(bdd.restrict(self.wins[ma], fa), bdd.restrict(self.wins[mb], fb)),
                    )
        return bdd.exists(changes, others)

    def _project(self, u: int, shared: list[int], open_: tuple[int, ...]) -> list[Combo]:
        """The values at ``shared`` of the tuples in ``u`` (``None`` for an open answer)."""
        keep = [i for i in shared if i not in open_]
        keep_vars = [v for i in keep for v in self._bits[i]]
        kept = set(keep_vars)
        drop = [v for v in range(self.bdd.nvars) if v not in kept]
        projected = self.bdd.exists(u, drop)
        result = []
        for assignment in self.bdd.assignments(projected, keep_vars):
            values: list[Scalar | None] = []
            for i in shared:
                if i in open_:
                    values.append(None)
                    continue
                k = 0
                for v in self._bits[i]:
                    k = k << 1 | assignment[v]
                values.append(self.reps[self.names[i]][k])
            result.append(tuple(values))
        return result
