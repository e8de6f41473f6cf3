"""What an edit of the rules does to a cohort: ``diff_rules`` triages it with both rule sets
and ``RulesDiff`` holds the rows that change recommendation, and how the method distribution
and the staffing need shift."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._api import load_rules
from .._compile import CompiledRules
from .._domain import METHODS
from .._models import Municipality
from ._cells import SEPARATOR
from ._charts import plot_diff
from ._frame import triage_frame
from ._profile import profile_of
from ._report import CohortReport, cohort_report
from ._tally import UNDECIDED
from ._text import LABELS, check_lang, diff_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["RulesDiff", "diff_rules"]


def _labels(triaged: Any, undecided: str) -> Any:
    """Each row's recommendation as one label: the method, undecided (possible), or error."""
    possible = (
        triaged["possible_methods"]
        .cat.rename_categories(lambda c: f"{undecided} ({c.replace(SEPARATOR, '/')})")
        .astype(object)
    )
    method = triaged["method"].astype(object)
    label = method.where(method.notna(), possible)
    return label.where(triaged["error"].isna(), "error").reset_index(drop=True)


@dataclass(frozen=True, repr=False)
class RulesDiff:
    """What a rule change does to a cohort: changed rows, distribution, staffing need."""

    old: CohortReport
    new: CohortReport
    old_fingerprint: str
    new_fingerprint: str
    #: (old label, new label) -> rows; a label is a method, or "undecided (ICM/ACT)"
    transitions: dict[tuple[str, str], int]
    #: (citizen id, old label, new label) for every row that changes
    changed: tuple[tuple[str, str, str], ...]
    lang: str = "da"

    def __repr__(self) -> str:
        return f"<RulesDiff {self.changed_count} of {self.old.rows} rows change recommendation>"

    @property
    def changed_count(self) -> int:
        return len(self.changed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "old_ruleset_fingerprint": self.old_fingerprint,
            "new_ruleset_fingerprint": self.new_fingerprint,
            "rows": self.old.rows,
            "changed": self.changed_count,
            "transitions": [
                {"old": o, "new": n, "rows": c} for (o, n), c in sorted(self.transitions.items())
            ],
            "methods": {"old": self.old.methods, "new": self.new.methods},
            "staff_needed": {
                line_old.method: {
                    "old": round(line_old.staff_needed, 2),
                    "new": round(line_new.staff_needed, 2),
                }
                for line_old, line_new in zip(self.old.staffing, self.new.staffing, strict=True)
            },
            "changed_rows": [{"id": c, "old": o, "new": n} for c, o, n in self.changed],
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def __str__(self) -> str:
        return self.to_text()

    def _distribution(self, t: Mapping[str, str]) -> list[tuple[str, int, int]]:
        return [
            (t.get(k, k), self.old.methods.get(k, 0), self.new.methods.get(k, 0))
            for k in (*METHODS, UNDECIDED)
        ]

    def _staff(self) -> list[tuple[str, float, float]]:
        return [
            (a.method, a.staff_needed, b.staff_needed)
            for a, b in zip(self.old.staffing, self.new.staffing, strict=True)
        ]

    def to_text(self, lang: str | None = None) -> str:
        return diff_text(self, check_lang(lang or self.lang))

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self, lang: str | None = None) -> str:
        from ._html import diff_html

        return diff_html(self, check_lang(lang or self.lang))

    def plot(self, ax: Axes | None = None, lang: str | None = None) -> Figure:
        """Old and new method distribution side by side."""
        return plot_diff(self, ax, check_lang(lang or self.lang))


def _rules(value: CompiledRules | str | Path) -> CompiledRules:
    return value if isinstance(value, CompiledRules) else load_rules(value)


def diff_rules(
    cohort: Any,
    old: CompiledRules | str | Path,
    new: CompiledRules | str | Path,
    *,
    municipality: Mapping[str, Any] | Municipality | str | Path | None = None,
    lang: str = "da",
    id_column: str = "citizen_id",
) -> RulesDiff:
    """Triage ``cohort`` (a DataFrame or a cohort file) with two rule sets and compare.

    ``old`` and ``new`` are compiled rule sets or rule directories. A row *changes* when its
    recommendation differs: another method, or another set of possible methods when undecided.
    Rows with errors in the data are left out of the comparison.
    """
    from ._files import read_cohort

    check_lang(lang)
    frame = read_cohort(cohort) if isinstance(cohort, (str, Path)) else cohort
    if type(frame).__module__.split(".")[0] == "polars":
        frame = frame.to_pandas()
    old_rules, new_rules = _rules(old), _rules(new)
    profile = profile_of(municipality)
    before = triage_frame(frame, rules=old_rules, municipality=profile)
    after = triage_frame(frame, rules=new_rules, municipality=profile)
    word = LABELS[lang][UNDECIDED].lower()
    old_label, new_label = _labels(before, word), _labels(after, word)
    mask = ((old_label != new_label) & (old_label != "error")).to_numpy()
    ids = (
        frame[id_column].astype(str).tolist()
        if id_column in frame
        else [str(i) for i in frame.index]
    )
    changed = tuple(
        (ids[i], old_label.iat[i], new_label.iat[i]) for i in mask.nonzero()[0].tolist()
    )
    transitions = Counter((o, n) for _, o, n in changed)
    return RulesDiff(
        old=cohort_report(before, profile, lang=lang, id_column=id_column),
        new=cohort_report(after, profile, lang=lang, id_column=id_column),
        old_fingerprint=old_rules.fingerprint,
        new_fingerprint=new_rules.fingerprint,
        transitions=dict(transitions),
        changed=changed,
        lang=lang,
    )
