"""The caseworkers' decisions over a cohort, and the fairness view by group.

``DecisionSummary``: how often, and why, the decisions differ from the recommendations — per
recommended method, per reason code (rules/decision_reasons.yaml), and how many go to a less
intensive method than the assessed need (``below-assessed-need``) or away from a method the
municipality does not offer (``method-not-offered``: a gap to close, 000 «1 Indsatsvifte»).
The caseworker decides (skøn under regel); a deviation is not an error, but a pattern of them
is something to look at.

``GroupView``: for grouping columns the municipality chooses (age band, gender, ...), the
distribution of recommendations, undecided results and deviations per group. Groups of fewer
than ``MIN_GROUP`` citizens are suppressed — neither shown nor named — so that a small group
does not point out a person; when the suppressed groups of a column add up to fewer than
``MIN_GROUP``, the next-smallest group is suppressed too, since the total minus the shown
groups would otherwise give them away. Differences between groups are a question to examine,
not proof of unequal treatment; they are worth watching from the start, since the audits of
VI-SPDAT (a North American triage tool; outside the seeds) found differences by group only
after years of use.

Only counts: everything comes from the one ``Tally``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._domain import METHODS
from .._values import shown_value
from ._tally import NOT_GIVEN, UNDECIDED, Decided, GroupKey, decided_of

__all__ = [
    "MIN_GROUP",
    "DecisionSummary",
    "GroupLine",
    "GroupView",
    "ReasonLine",
    "read_decisions",
]

#: groups with fewer citizens than this are suppressed
MIN_GROUP = 5
_LABELS = (*METHODS, UNDECIDED)


@dataclass(frozen=True)
class ReasonLine:
    """One reason code: how many decisions give it, and its texts and source."""

    code: str
    decisions: int
    #: of them, decisions that differ from the recommendation (or answer an undecided one)
    deviating: int
    da: str
    en: str
    source: str

    def text(self, lang: str) -> str:
        return self.da if lang == "da" else self.en

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "decisions": self.decisions,
            "deviating": self.deviating,
            "da": self.da,
            "en": self.en,
            "source": self.source,
        }


@dataclass(frozen=True)
class DecisionSummary:
    """The decisions against the recommendations they answer."""

    #: decisions recorded
    decisions: int
    #: decisions that differ from the recommendation or answer an undecided one
    deviating: int
    #: decided methods less intensive than every possible method (below-assessed-need)
    below_need: int
    #: decided methods more intensive than every possible method
    above_need: int
    #: decisions whose reason is that the recommended method is not offered
    not_offered: int
    #: (recommended label, decided method) -> decisions
    pairs: dict[tuple[str, str], int]
    #: (recommended label, reason code) -> deviating decisions
    method_reasons: dict[tuple[str, str], int]
    reasons: tuple[ReasonLine, ...]
    #: decisions answering a recommendation of another rule set than the cohort's (each is
    #: counted against the recommendation it answers); 0 when the cohort's is not known
    other_ruleset: int = 0

    def by_method(self) -> list[tuple[str, int, int]]:
        """(recommended label, decisions, deviating) for each label with decisions, in order."""
        out = []
        for label in _LABELS:
            total = sum(n for (r, _), n in self.pairs.items() if r == label)
            if total:
                deviating = sum(
                    n
                    for (r, d), n in self.pairs.items()
                    if r == label and (r != d or r == UNDECIDED)
                )
                out.append((label, total, deviating))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "decisions": self.decisions,
            "deviating": self.deviating,
            "below_need": self.below_need,
            "above_need": self.above_need,
            "not_offered": self.not_offered,
            "other_ruleset": self.other_ruleset,
            "by_method": [
                {"recommended": r, "decisions": n, "deviating": d} for r, n, d in self.by_method()
            ],
            "table": [
                {"recommended": r, "decided": d, "decisions": n}
                for (r, d), n in sorted(self.pairs.items())
            ],
            "by_method_and_reason": [
                {"recommended": r, "reason": c, "deviating": n}
                for (r, c), n in sorted(self.method_reasons.items())
            ],
            "reasons": [line.to_dict() for line in self.reasons],
        }

    @classmethod
    def from_counts(
        cls, counts: Counter[Decided], fingerprint: str | None = None
    ) -> DecisionSummary:
        from .._decision import decision_reasons

        known = {r.code: r for r in decision_reasons()}
        pairs: Counter[tuple[str, str]] = Counter()
        method_reasons: Counter[tuple[str, str]] = Counter()
        by_reason: Counter[str] = Counter()
        deviating_by_reason: Counter[str] = Counter()
        for d, n in counts.items():
            pairs[(d.recommended, d.decided)] += n
            if d.reason is not None:
                by_reason[d.reason] += n
            if d.deviates:
                deviating_by_reason[d.reason or ""] += n
                method_reasons[(d.recommended, d.reason or "")] += n
        reasons = []
        for code, n in sorted(by_reason.items(), key=lambda kv: (-kv[1], kv[0])):
            reason = known.get(code)
            reasons.append(
                ReasonLine(
                    code=code,
                    decisions=n,
                    deviating=deviating_by_reason[code],
                    # a record made with another rule directory's reasons: its code stands alone
                    da=reason.da if reason else code,
                    en=reason.en if reason else code,
                    source=reason.source if reason else "",
                )
            )
        return cls(
            decisions=sum(counts.values()),
            deviating=sum(n for d, n in counts.items() if d.deviates),
            below_need=sum(n for d, n in counts.items() if "below-assessed-need" in d.flags),
            above_need=sum(n for d, n in counts.items() if "above-assessed-need" in d.flags),
            not_offered=sum(n for d, n in counts.items() if "method-not-offered" in d.flags),
            pairs=dict(pairs),
            method_reasons=dict(method_reasons),
            reasons=tuple(reasons),
            other_ruleset=0
            if not fingerprint
            else sum(n for d, n in counts.items() if d.ruleset_fingerprint != fingerprint),
        )


@dataclass(frozen=True)
class GroupLine:
    """One group of one grouping column (at least ``MIN_GROUP`` citizens)."""

    column: str
    #: the group's value ("" where the cell was blank)
    value: str
    citizens: int
    #: recommended label (CTI, ICM, ACT, undecided) -> citizens
    methods: dict[str, int]
    #: citizens with a decision recorded
    decisions: int
    #: ... that differs from the recommendation (or answers an undecided one)
    deviating: int
    #: ... to a less intensive method than the assessed need
    below_need: int

    def share(self, label: str) -> float:
        return self.methods.get(label, 0) / self.citizens if self.citizens else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "value": self.value,
            "citizens": self.citizens,
            "methods": self.methods,
            "decisions": self.decisions,
            "deviating": self.deviating,
            "below_need": self.below_need,
        }


def _hidden(sizes: dict[str, int]) -> set[str]:
    """The groups not shown: those under MIN_GROUP citizens and — when these add up to fewer
    than MIN_GROUP, so that the total minus the shown groups would give a small group away —
    the next-smallest groups too, until the hidden ones together hold at least MIN_GROUP
    (secondary suppression)."""
    hidden = {v for v, n in sizes.items() if n < MIN_GROUP}
    if not hidden:
        return hidden
    rest = sorted((n, v) for v, n in sizes.items() if v not in hidden)
    while sum(sizes[v] for v in hidden) < MIN_GROUP and rest:
        hidden.add(rest.pop(0)[1])
    return hidden


@dataclass(frozen=True)
class GroupView:
    """Recommendations, undecided results and deviations per group, small groups suppressed."""

    columns: tuple[str, ...]
    lines: tuple[GroupLine, ...]
    #: column -> groups suppressed (fewer than MIN_GROUP citizens, and the next-smallest when
    #: the suppressed ones add up to fewer than MIN_GROUP); neither named nor counted
    suppressed: dict[str, int]
    #: whether decisions were given (else the deviation columns are empty)
    has_decisions: bool
    min_group: int = MIN_GROUP

    def of(self, column: str) -> list[GroupLine]:
        return [line for line in self.lines if line.column == column]

    def to_dict(self) -> dict[str, Any]:
        return {
            "columns": list(self.columns),
            "min_group": self.min_group,
            "groups": [line.to_dict() for line in self.lines],
            "suppressed": self.suppressed,
            "has_decisions": self.has_decisions,
        }

    @classmethod
    def from_counts(
        cls, columns: Sequence[str], counts: Counter[GroupKey], has_decisions: bool
    ) -> GroupView:
        cells: dict[tuple[str, str], Counter[tuple[str, str]]] = {}
        for (column, value, label, state), n in counts.items():
            cells.setdefault((column, value), Counter())[(label, state)] += n
        lines = []
        suppressed: Counter[str] = Counter()
        for column in columns:
            # groups in the order of their values, the blank ("not given") last
            values = sorted((v for c, v in cells if c == column), key=lambda v: (v == NOT_GIVEN, v))
            sizes = {v: sum(cells[(column, v)].values()) for v in values}
            hidden = _hidden(sizes)
            suppressed[column] = len(hidden)
            for value in values:
                counted = cells[(column, value)]
                citizens = sizes[value]
                if value in hidden:
                    continue
                methods = {
                    label: sum(n for (lab, _), n in counted.items() if lab == label)
                    for label in _LABELS
                }
                lines.append(
                    GroupLine(
                        column=column,
                        value=value,
                        citizens=citizens,
                        methods=methods,
                        decisions=sum(n for (_, s), n in counted.items() if s != "none"),
                        deviating=sum(
                            n for (_, s), n in counted.items() if s in ("deviates", "below")
                        ),
                        below_need=sum(n for (_, s), n in counted.items() if s == "below"),
                    )
                )
        return cls(
            columns=tuple(columns),
            lines=tuple(lines),
            suppressed={c: suppressed[c] for c in columns},
            has_decisions=has_decisions,
        )


def read_decisions(source: str | Path) -> dict[str, Any]:
    """Decision records from a JSON lines file, by citizen id (for ``cohort_report``).

    One line a decision: ``{"citizen_id": "B0001", "decision": {...}}``, the record as
    ``hf-triage decide --json`` prints it, on one line. Raises ``DecisionError`` naming the
    file and line (never the record's content: it is about a citizen).
    """
    from .._decision import DecisionError
    from .._documents import Unreadable, open_text, source_name

    name = source_name(source)
    try:
        stream = open_text(source)
    except Unreadable as exc:
        raise DecisionError(f"{name}: cannot read the decisions: {exc}") from None
    found: dict[str, Any] = {}
    with stream:
        for number, text in enumerate(stream, start=1):
            if not text.strip():
                continue
            where = f"{name}:{number}"
            try:
                line = json.loads(text)
            except ValueError:
                raise DecisionError(
                    f"{where}: not a JSON object; allowed: one object a line, "
                    '{"citizen_id": ..., "decision": {...}}'
                ) from None
            if not isinstance(line, dict) or set(line) != {"citizen_id", "decision"}:
                keys = sorted(line) if isinstance(line, dict) else type(line).__name__
                raise DecisionError(
                    f"{where}: {shown_value(keys)} is not allowed; allowed: an object with "
                    'exactly the keys "citizen_id" and "decision"'
                )
            citizen = line["citizen_id"]
            if not isinstance(citizen, (str, int)) or isinstance(citizen, bool):
                raise DecisionError(
                    f"{where}: citizen_id {shown_value(citizen)} is not allowed; allowed: text"
                )
            citizen = str(citizen)
            if citizen in found:
                raise DecisionError(f"{where}: citizen_id {citizen!r} has a decision already")
            decided_of(line["decision"], where)  # checked here, to name the line
            found[citizen] = line["decision"]
    return found
