"""A small reduced ordered binary decision diagram (ROBDD) for the symbolic rules check.

The checker (``_symbolic``) needs few operations: and, or, not, cofactors (fix some variables),
existential quantification, counting, and the lowest satisfying assignment in the variable
order (a deterministic example). That is this module: a unique table, memoised apply and a
node list, in pure Python, typed, with no dependency. Why not the ``dd`` package: its
pure-Python backend is the same algorithm, but dd 0.6 needs Python 3.11 (3.10 gets 0.5.7, a
different release), imports networkx, ply, astutils and psutil (0.2-0.3 s) and has no type
stubs; the checker uses a tenth of its interface (issue 15, item 3).

A node is an ``int``: 0 is false, 1 is true, others index ``_var/_low/_high``. Variables are
``0 .. nvars-1``, tested in that order from the root. One ``BDD`` serves one check and is
dropped with it (no global state).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

__all__ = ["BDD", "FALSE", "TRUE"]

FALSE = 0
TRUE = 1


class BDD:
    """Nodes over the variables ``0 .. nvars-1`` (variable order = index order)."""

    def __init__(self, nvars: int) -> None:
        self.nvars = nvars
        # terminals sit below every variable: their level is nvars
        self._var: list[int] = [nvars, nvars]
        self._low: list[int] = [FALSE, TRUE]
        self._high: list[int] = [FALSE, TRUE]
        self._unique: dict[tuple[int, int, int], int] = {}
        self._and: dict[tuple[int, int], int] = {}
        self._or: dict[tuple[int, int], int] = {}
        self._not: dict[int, int] = {}

    def __len__(self) -> int:
        """Nodes made so far (terminals included)."""
        return len(self._var)

    def _mk(self, var: int, low: int, high: int) -> int:
        if low == high:
            return low
        key = (var, low, high)
        node = self._unique.get(key)
        if node is None:
            node = self._unique[key] = len(self._var)
            self._var.append(var)
            self._low.append(low)
            self._high.append(high)
        return node

    def var(self, index: int) -> int:
        """The function "variable ``index`` is true"."""
        return self._mk(index, FALSE, TRUE)

    def level(self, node: int) -> int:
        return self._var[node]

    # -- boolean operations ----------------------------------------------------------------
    def not_(self, u: int) -> int:
        if u <= TRUE:
            return 1 - u
        found = self._not.get(u)
        if found is None:
            found = self._mk(self._var[u], self.not_(self._low[u]), self.not_(self._high[u]))
            self._not[u] = found
        return found

    def and_(self, u: int, v: int) -> int:
        if u == FALSE or v == FALSE:
            return FALSE
        if u in (TRUE, v):
            return v
        if v == TRUE:
            return u
        key = (u, v) if u < v else (v, u)
        found = self._and.get(key)
        if found is None:
            found = self._and[key] = self._apply(self.and_, u, v)
        return found

    def or_(self, u: int, v: int) -> int:
        if u == TRUE or v == TRUE:
            return TRUE
        if u in (FALSE, v):
            return v
        if v == FALSE:
            return u
        key = (u, v) if u < v else (v, u)
        found = self._or.get(key)
        if found is None:
            found = self._or[key] = self._apply(self.or_, u, v)
        return found

    def _apply(self, op: Callable[[int, int], int], u: int, v: int) -> int:
        vu, vv = self._var[u], self._var[v]
        top = min(vu, vv)
        u0, u1 = (self._low[u], self._high[u]) if vu == top else (u, u)
        v0, v1 = (self._low[v], self._high[v]) if vv == top else (v, v)
        return self._mk(top, op(u0, v0), op(u1, v1))

    def all_of(self, nodes: Iterable[int]) -> int:
        result = TRUE
        for node in nodes:
            result = self.and_(result, node)
        return result

    def any_of(self, nodes: Iterable[int]) -> int:
        result = FALSE
        for node in nodes:
            result = self.or_(result, node)
        return result

    def diff(self, u: int, v: int) -> int:
        """``u`` and not ``v``."""
        return self.and_(u, self.not_(v))

    # -- cofactors and quantifiers ---------------------------------------------------------
    def restrict(self, u: int, values: Mapping[int, bool]) -> int:
        """``u`` with the variables of ``values`` fixed (a cofactor)."""
        if not values:
            return u
        memo: dict[int, int] = {}
        last = max(values)

        def go(node: int) -> int:
            var = self._var[node]
            if var > last:
                return node
            found = memo.get(node)
            if found is None:
                if var in values:
                    found = go(self._high[node] if values[var] else self._low[node])
                else:
                    found = self._mk(var, go(self._low[node]), go(self._high[node]))
                memo[node] = found
            return found

        return go(u)

    def exists(self, u: int, variables: Iterable[int]) -> int:
        """``u`` with ``variables`` quantified away (true if some value of them makes it true)."""
        quantified = frozenset(variables)
        if not quantified:
            return u
        last = max(quantified)
        memo: dict[int, int] = {}

        def go(node: int) -> int:
            var = self._var[node]
            if var > last:
                return node
            found = memo.get(node)
            if found is None:
                low, high = go(self._low[node]), go(self._high[node])
                found = self.or_(low, high) if var in quantified else self._mk(var, low, high)
                memo[node] = found
            return found

        return go(u)

    # -- reading results -------------------------------------------------------------------
    def count(self, u: int) -> int:
        """How many assignments of all ``nvars`` variables make ``u`` true."""
        memo: dict[int, int] = {FALSE: 0, TRUE: 1}

        def go(node: int) -> int:
            # assignments of the variables from this node's level down
            found = memo.get(node)
            if found is None:
                var = self._var[node]
                low, high = self._low[node], self._high[node]
                found = go(low) << (self._var[low] - var - 1)
                found += go(high) << (self._var[high] - var - 1)
                memo[node] = found
            return found

        return go(u) << self._var[u]

    def lowest(self, u: int) -> dict[int, bool] | None:
        """The smallest satisfying assignment in the variable order (false before true), every
        variable set; ``None`` when ``u`` is false."""
        if u == FALSE:
            return None
        chosen: dict[int, bool] = {}
        node = u
        while node != TRUE:
            # in a reduced diagram every node other than FALSE can be satisfied
            take_high = self._low[node] == FALSE
            chosen[self._var[node]] = take_high
            node = self._high[node] if take_high else self._low[node]
        return {i: chosen.get(i, False) for i in range(self.nvars)}

    def assignments(self, u: int, variables: list[int]) -> Iterator[dict[int, bool]]:
        """Every assignment of ``variables`` (which ``u`` must depend on alone) that makes ``u``
        true, in increasing order."""
        order = sorted(variables)

        def go(node: int, k: int, acc: dict[int, bool]) -> Iterator[dict[int, bool]]:
            if node == FALSE:
                return
            if k == len(order):
                yield dict(acc)
                return
            var = order[k]
            for value in (False, True):
                nxt = node
                if self._var[node] == var:
                    nxt = self._high[node] if value else self._low[node]
                acc[var] = value
                yield from go(nxt, k + 1, acc)
            del acc[var]

        yield from go(u, 0, {})
