"""The one tally: counts over the triaged rows, the only thing the cohort report is computed
from. Both inputs — ``triage_many`` results (row by row) and ``triage_frame`` results (grouped
by identical results first, so a million rows are a few thousand additions) — feed the same
``Tally.add``; only how the rows are walked differs."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .._api import MunicipalityError
from .._domain import METHODS
from .._exceptions import TriageError
from .._models import Recommendation
from ._cells import RESULT_COLUMNS, is_blank, split_list
from ._many import BatchResult

__all__ = [
    "NOT_GIVEN",
    "UNDECIDED",
    "Decided",
    "Tally",
    "assigned_value",
    "decided_of",
    "tally_frame",
    "tally_records",
]

UNDECIDED = "undecided"
#: the group of a citizen whose grouping cell is blank
NOT_GIVEN = ""

UndecidedKey = tuple[tuple[str, ...], tuple[str, ...]]
#: (grouping column, its value, recommended label, decision state) -> citizens
GroupKey = tuple[str, str, str, str]


@dataclass(frozen=True)
class Decided:
    """What the cohort report counts of a DecisionRecord: no note, no assessment, no grounds."""

    #: the method the record answers, or "undecided"
    recommended: str
    decided: str
    deviates: bool
    reason: str | None
    flags: tuple[str, ...]
    #: the rule set the answered recommendation came from
    ruleset_fingerprint: str = ""

    @property
    def state(self) -> str:
        """'follows', 'deviates' or 'below' (deviates to a less intensive method than assessed)."""
        if not self.deviates:
            return "follows"
        return "below" if "below-assessed-need" in self.flags else "deviates"


def decided_of(value: object, where: str) -> Decided | None:
    """A decision as given: a DecisionRecord, its dict or JSON text (as ``hf-triage decide``
    prints it), or blank (no decision yet)."""
    from pydantic import ValidationError

    from .._decision import DecisionError, DecisionRecord

    if value is None or (not isinstance(value, (Mapping, DecisionRecord)) and is_blank(value)):
        return None
    record = value
    if not isinstance(record, DecisionRecord):
        try:
            if isinstance(record, str):
                record = json.loads(record)
            record = DecisionRecord.model_validate(record)
        except (ValueError, TypeError, ValidationError) as exc:
            # the record is about a citizen: name the place and the kind of value, not its text
            first = (
                str(exc.errors()[0].get("loc", ""))
                if isinstance(exc, ValidationError) and exc.errors()
                else ""
            )
            raise DecisionError(
                f"{where}: a {type(value).__name__} that is not a decision record"
                + (f" (field {first})" if first else "")
                + "; allowed: a DecisionRecord from hf_triage.record_decision, its JSON or dict, "
                "or blank"
            ) from None
    assert isinstance(record, DecisionRecord)
    return Decided(
        recommended=record.recommended_method or UNDECIDED,
        decided=str(record.decided_method),
        deviates=record.deviates,
        reason=record.reason,
        flags=tuple(record.flags),
        ruleset_fingerprint=record.ruleset_fingerprint,
    )


@dataclass
class Tally:
    """Counts over the rows."""

    rows: int = 0
    methods: Counter[str] = field(default_factory=Counter)
    undecided: Counter[UndecidedKey] = field(default_factory=Counter)
    undecided_citizens: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=list
    )
    warnings: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    fingerprint: str | None = None
    #: decisions by what the report counts of them; None when no decisions were given
    decisions: Counter[Decided] | None = None
    #: (column, value, recommended label, decision state or "none") -> citizens; None when no
    #: grouping columns were given
    grouped: Counter[GroupKey] | None = None

    def add(
        self,
        *,
        method: str | None,
        possible: Sequence[str],
        missing: Sequence[str],
        warnings: Iterable[str],
        error: str | None,
        assigned: str | None,
        count: int = 1,
        decision: Decided | None = None,
        groups: Sequence[tuple[str, str]] = (),
    ) -> UndecidedKey | None:
        """Count ``count`` rows with one result; returns the undecided key if undecided.

        ``decision`` is the caseworker's decision on the row (if any); ``groups`` the row's
        (grouping column, value) pairs. Rows with errors count in neither: not assessed.
        """
        self.rows += count
        if error is not None:
            self.errors[error] += count
            return None
        label = method if method is not None else UNDECIDED
        self.methods[label] += count
        if decision is not None and self.decisions is not None:
            self.decisions[decision] += count
        if self.grouped is not None:
            state = decision.state if decision is not None else "none"
            for column, value in groups:
                self.grouped[(column, value, label, state)] += count
        key = None
        if method is None:
            key = (tuple(possible), tuple(missing))
            self.undecided[key] += count
        for code in warnings:
            self.warnings[code] += count
        if assigned is not None:
            self.pairs[(label, assigned)] += count
        return key


def assigned_value(value: object, where: str) -> str | None:
    """An assigned method as given in a profile, a mapping or a column (blank: none)."""
    if is_blank(value):
        return None
    if value not in METHODS:
        raise MunicipalityError(
            f"{where}: {value!r} is not a method; allowed: {', '.join(METHODS)} (or blank)"
        )
    return str(value)


def _decisions_by_row(decisions: Any, rows: int | None) -> Any:
    """Decisions given as a mapping (citizen id -> record) or a sequence in row order."""
    if decisions is None or isinstance(decisions, Mapping):
        return decisions
    if isinstance(decisions, (str, bytes)) or not isinstance(decisions, Iterable):
        raise TriageError(
            f"decisions: a {type(decisions).__name__} is not allowed; allowed: a list of "
            "DecisionRecords (None where there is none) in the order of the rows, a mapping of "
            "citizen id to DecisionRecord, or the name of a column of them"
        )
    listed = list(decisions)
    if rows is not None and len(listed) != rows:
        raise TriageError(
            f"decisions: {len(listed)} given for {rows} rows; give one per row (None where "
            "there is no decision), or a mapping of citizen id to DecisionRecord"
        )
    return listed


def _decision_at(decisions: Any, position: int, citizen: str) -> Decided | None:
    if decisions is None:
        return None
    if isinstance(decisions, Mapping):
        return decided_of(decisions.get(citizen), f"decisions[{citizen!r}]")
    if position >= len(decisions):
        raise TriageError(
            f"decisions: {len(decisions)} given, fewer than the rows; give one per row (None "
            "where there is no decision)"
        )
    return decided_of(decisions[position], f"decisions[{position}]")


def tally_records(
    results: Iterable[BatchResult | Recommendation],
    assigned: Mapping[str, Any] | None,
    decisions: Any = None,
    groups: Sequence[str] = (),
) -> Tally:
    """The tally of ``triage_many`` results (or of Recommendations), row by row.

    ``decisions``: a sequence in row order or a mapping of citizen id to DecisionRecord.
    """
    if groups:
        raise TriageError(
            "groups are columns of the cohort: give cohort_report the frame from triage_frame "
            "(with the grouping columns), not triage_many results"
        )
    if isinstance(decisions, str):
        raise TriageError(
            "decisions as a column name needs a DataFrame; with triage_many results, give a "
            "list in row order or a mapping of citizen id to DecisionRecord"
        )
    if decisions is not None and not isinstance(decisions, Mapping):
        results = list(results)  # to check one decision a row before counting
    given_decisions = _decisions_by_row(
        decisions, len(results) if isinstance(results, list) else None
    )
    tally = Tally()
    if given_decisions is not None:
        tally.decisions = Counter()
    for i, item in enumerate(results):
        if isinstance(item, BatchResult):
            rec, error = item.recommendation, item.error
            citizen = item.citizen_id if item.citizen_id is not None else str(item.index)
        elif isinstance(item, Recommendation):
            rec, error, citizen = item, None, str(i)
        else:
            raise TypeError(
                f"cohort_report takes the results of triage_many or triage_frame; row {i} is "
                f"a {type(item).__name__}"
            )
        decision = _decision_at(given_decisions, i, citizen)
        if rec is None:
            tally.add(
                method=None,
                possible=(),
                missing=(),
                warnings=(),
                error=error or "?",
                assigned=None,
            )
            continue
        tally.fingerprint = rec.ruleset_fingerprint
        given = (
            assigned_value(assigned.get(citizen), f"assigned method of {citizen}")
            if assigned is not None
            else None
        )
        key = tally.add(
            method=rec.method,
            possible=rec.possible_methods,
            missing=rec.missing,
            warnings=rec.warning_codes,
            error=None,
            assigned=given,
            decision=decision,
        )
        if key is not None:
            tally.undecided_citizens.append((citizen, *key))
    return tally


def tally_frame(
    frame: Any,
    id_column: str,
    assigned: Any,
    decisions: Any = None,
    groups: Sequence[str] = (),
) -> Tally:
    """The tally of a ``triage_frame`` result: grouped by identical results, then added.

    ``decisions``: a column name, a sequence in row order or a mapping of citizen id to
    DecisionRecord; ``groups``: grouping columns of the frame."""
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    if type(frame).__module__.split(".")[0] == "polars":
        frame = frame.to_pandas()
    missing_columns = [c for c in ("method", "possible_methods", "missing") if c not in frame]
    if missing_columns:
        raise TypeError(
            f"the frame has no column {missing_columns[0]!r}: give cohort_report the result of "
            "triage_frame (or of triage_many)"
        )
    n = len(frame)
    # a citizen is named by id_column, or by the row's index label where it has no id
    ids = pd.Series(frame.index.astype(str), index=frame.index, dtype=object)
    if id_column in frame:
        ids = frame[id_column].astype(object).where(frame[id_column].notna(), ids)
    if isinstance(assigned, str):
        if assigned not in frame:
            raise TriageError(f"the frame has no column {assigned!r} of assigned methods")
        given = frame[assigned]
    elif assigned is not None:
        given = ids.map(lambda c: assigned.get(c))
    else:
        given = pd.Series([None] * n, index=frame.index, dtype=object)
    error = (
        frame["error"]
        if "error" in frame
        else pd.Series([None] * n, index=frame.index, dtype=object)
    )
    for column in groups:
        if column not in frame:
            raise TriageError(
                f"groups: the frame has no column {column!r}; its columns: "
                + ", ".join(str(c) for c in frame.columns if c not in RESULT_COLUMNS)
            )
    # each distinct decision becomes a small number, so the rows still group by identical values
    distinct: list[Decided | None] = [None]
    codes = [0] * n
    if decisions is not None:
        if isinstance(decisions, str):
            if decisions not in frame:
                raise TriageError(f"decisions: the frame has no column {decisions!r}")
            cells: list[Any] = frame[decisions].tolist()
            where = [f"column {decisions!r}, row {i + 1}" for i in range(n)]
        elif isinstance(decisions, Mapping):
            cells = [decisions.get(c) for c in ids.tolist()]
            where = [f"decisions[{c!r}]" for c in ids.tolist()]
        else:
            cells = _decisions_by_row(decisions, n)
            where = [f"decisions[{i}]" for i in range(n)]
        index: dict[Decided | None, int] = {None: 0}
        for i, cell in enumerate(cells):
            found = decided_of(cell, where[i])
            if found not in index:
                index[found] = len(distinct)
                distinct.append(found)
            codes[i] = index[found]
    group_cells = {
        f"group:{c}": frame[c].map(lambda v: NOT_GIVEN if is_blank(v) else str(v)).astype(object)
        for c in groups
    }
    table = pd.DataFrame(
        {
            "method": frame["method"].astype(object),
            "possible": frame["possible_methods"].astype(object),
            "missing": frame["missing"].astype(object),
            "warnings": frame["warning_codes"].astype(object) if "warning_codes" in frame else "",
            "error": error.astype(object),
            "assigned": given.astype(object),
            "decision": pd.Series(codes, index=frame.index, dtype="int64"),
            **group_cells,
        },
        index=frame.index,
    )
    tally = Tally()
    if decisions is not None:
        tally.decisions = Counter()
    if groups:
        tally.grouped = Counter()
    tally.fingerprint = frame.attrs.get("hf_triage", {}).get("ruleset_fingerprint")
    counts = table.groupby(list(table.columns), dropna=False, sort=False).size()
    for key, count in counts.items():
        method, possible, missing, warnings, err, assigned_to, code, *values = key
        failed = isinstance(err, str)
        tally.add(
            method=method if isinstance(method, str) else None,
            possible=split_list(possible),
            missing=split_list(missing),
            warnings=split_list(warnings),
            error=err if failed else None,
            assigned=None if failed else assigned_value(assigned_to, "assigned method"),
            count=int(count),
            decision=distinct[int(code)],
            groups=tuple(zip(groups, (str(v) for v in values), strict=True)),
        )
    undecided = table["method"].isna() & table["error"].isna()
    if undecided.any():
        rows = table.loc[undecided]
        tally.undecided_citizens = [
            (str(c), tuple(split_list(p)), tuple(split_list(m)))
            for c, p, m in zip(
                ids[undecided].tolist(),
                rows["possible"].tolist(),
                rows["missing"].tolist(),
                strict=True,
            )
        ]
    return tally
