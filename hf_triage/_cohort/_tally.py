"""The one tally: counts over the triaged rows, the only thing the cohort report is computed
from. Both inputs — ``triage_many`` results (row by row) and ``triage_frame`` results (grouped
by identical results first, so a million rows are a few thousand additions) — feed the same
``Tally.add``; only how the rows are walked differs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .._api import MunicipalityError
from .._domain import METHODS
from .._exceptions import TriageError
from .._models import Recommendation
from ._cells import is_blank, split_list
from ._many import BatchResult

__all__ = ["UNDECIDED", "Tally", "assigned_value", "tally_frame", "tally_records"]

UNDECIDED = "undecided"

UndecidedKey = tuple[tuple[str, ...], tuple[str, ...]]


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
    ) -> UndecidedKey | None:
        """Count ``count`` rows with one result; returns the undecided key if undecided."""
        self.rows += count
        if error is not None:
            self.errors[error] += count
            return None
        label = method if method is not None else UNDECIDED
        self.methods[label] += count
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


def tally_records(
    results: Iterable[BatchResult | Recommendation],
    assigned: Mapping[str, Any] | None,
) -> Tally:
    """The tally of ``triage_many`` results (or of Recommendations), row by row."""
    tally = Tally()
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
        )
        if key is not None:
            tally.undecided_citizens.append((citizen, *key))
    return tally


def tally_frame(frame: Any, id_column: str, assigned: Any) -> Tally:
    """The tally of a ``triage_frame`` result: grouped by identical results, then added."""
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
    table = pd.DataFrame(
        {
            "method": frame["method"].astype(object),
            "possible": frame["possible_methods"].astype(object),
            "missing": frame["missing"].astype(object),
            "warnings": frame["warning_codes"].astype(object) if "warning_codes" in frame else "",
            "error": error.astype(object),
            "assigned": given.astype(object),
        },
        index=frame.index,
    )
    tally = Tally()
    tally.fingerprint = frame.attrs.get("hf_triage", {}).get("ruleset_fingerprint")
    counts = table.groupby(list(table.columns), dropna=False, sort=False).size()
    for (method, possible, missing, warnings, err, assigned_to), count in counts.items():
        failed = isinstance(err, str)
        tally.add(
            method=method if isinstance(method, str) else None,
            possible=split_list(possible),
            missing=split_list(missing),
            warnings=split_list(warnings),
            error=err if failed else None,
            assigned=None if failed else assigned_value(assigned_to, "assigned method"),
            count=int(count),
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
