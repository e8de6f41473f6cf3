"""The cohort report: what a visitation team and the municipality need to see about a cohort.

``cohort_report(results, municipality)`` counts the recommended methods, lists the undecided
cases and the answers they miss, sets the staff each method needs at the caseload parameters
against the staff the municipality has, names the methods needed but not offered, and — when
the methods actually assigned are known — tabulates recommended against assigned, warning when
citizens assessed to ICM or ACT are in CTI (000 «1 Indsatsvifte»; Praksiserfaring).

``diff_rules(cohort, old, new)`` shows what an edit of the rules does to a cohort: the rows that
change recommendation, and how the method distribution and the staffing need shift.

Both render as Danish or English text, as HTML (``_repr_html_`` in Jupyter, with the charts as
embedded PNG) and as JSON. Only counts are computed here; every recommendation comes from
``triage`` / ``triage_frame``. pandas and matplotlib are imported only where they are needed.
"""

from __future__ import annotations

import base64
import io
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._api import LANGS, MunicipalityError, load_rules
from ._batch import SEPARATOR, BatchResult, as_municipality, split_list, triage_frame
from ._compile import CompiledRules
from ._domain import FIELDS, METHODS, intensity
from ._exceptions import TriageError
from ._followup import CourseReview, FollowupSummary
from ._models import Municipality, Recommendation
from ._municipality import load_municipality

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "DEFAULT_CASELOAD",
    "CohortReport",
    "RulesDiff",
    "StaffingLine",
    "cohort_report",
    "diff_rules",
    "load_municipality",
]

_SINCE = "2023-10-01"  # servicelovens § 85 a in force (lov nr. 482, May 2023)

#: Caseload parameters used when a municipality profile gives none for a method. ICM's comes
#: from the seeds; CTI's and ACT's are figures from outside them (DOMAIN.md), to be confirmed
#: by policy staff. rules/municipality.example.yaml repeats them; a test keeps the two equal.
DEFAULT_CASELOAD: dict[str, Municipality.Caseload] = {
    "CTI": Municipality.Caseload(
        citizens_per_worker=20,
        since=date.fromisoformat(_SINCE),
        source="CTI fidelity self-assessment; criticaltime.org (figure from outside the seeds)",
        note="Contact falls phase by phase: weekly, fortnightly, monthly.",
    ),
    "ICM": Municipality.Caseload(
        citizens_per_worker=8,
        since=date.fromisoformat(_SINCE),
        source="003 §3.5 (ICM method manual, March 2021)",
        note="Lower when several citizens move in at the same time.",
    ),
    "ACT": Municipality.Caseload(
        citizens_per_worker=10,
        since=date.fromisoformat(_SINCE),
        source="Dartmouth ACT Scale (DACTS) item H1 (figure from outside the seeds)",
        note="10 or fewer citizens per staff member scores full fidelity.",
    ),
}

UNDECIDED = "undecided"
NOT_ASSIGNED = "not assigned"

_T: dict[str, dict[str, str]] = {
    "da": {
        "title": "Kohorterapport",
        "title_diff": "Regelændring: hvad den gør ved kohorten",
        "rules": "Regelsæt",
        "rows": "{rows} borgere: {triaged} vurderet, {errors} med fejl i data.",
        "methods": "Anbefalede metoder",
        "method": "Metode",
        "citizens": "Borgere",
        "share": "Andel",
        UNDECIDED: "Uafklaret",
        NOT_ASSIGNED: "Ikke tildelt",
        "undecided_h": "Uafklarede sager og de svar, der mangler",
        "missing": "Mangler svar på",
        "possible": "Mulige metoder",
        "none_undecided": "Ingen uafklarede sager.",
        "and_more": "… og {n} flere",
        "citizen": "Borger",
        "staffing": "Personale: behov ved caseload-parametrene og kommunens bemanding",
        "per_worker": "Borgere pr. medarbejder",
        "since": "fra",
        "source": "Kilde",
        "needed": "Behov (årsværk)",
        "needed_max": "hvis de uafklarede får metoden",
        "needed_extra": "+ uafklarede, der kan få metoden",
        "not_offered_short": "tilbydes ikke",
        "staff": "Har (årsværk)",
        "shortfall": "Mangler (årsværk)",
        "staff_unknown": "Kommunens bemanding er ikke oplyst.",
        "offered": "Tilbydes",
        "yes": "ja",
        "no": "nej",
        "not_offered": "Metoder der er brug for, men som kommunen ikke tilbyder",
        "not_offered_text": (
            "Et hul i indsatsviften, der skal lukkes, ikke en grund til at visitere til en "
            "mindre intensiv metode (000 «1 Indsatsvifte», tjekliste #1 og #4)."
        ),
        "not_offered_line": "{method}: {n} borgere (og op til {u} uafklarede)",
        "all_offered": "Kommunen tilbyder alle de metoder, kohorten har brug for.",
        "no_profile": "Ingen kommuneprofil: indsatsvifte og bemanding er ikke sammenholdt.",
        "assignments": "Anbefalet metode sammenholdt med tildelt metode (nuværende borgere)",
        "recommended": "Anbefalet",
        "assigned": "Tildelt",
        "mismatches": "{n} af {total} borgere med en tildelt metode er i en anden metode end "
        "den anbefalede ({below} i en mindre intensiv).",
        "cti_default": (
            "{n} borgere, der er vurderet til ICM eller ACT, er i CTI. Lad ikke alle begynde i "
            "CTI med tanke på at trappe op: det kan gå ud over motivation og progression og "
            "give dyre, forlængede forløb, når der skal skiftes spor undervejs (000 «1 "
            "Indsatsvifte»). Borgere, der ikke kan nå CTI's 9 måneder, er et tegn på behov for "
            "ICM eller ACT (000 Praksiserfaring)."
        ),
        "warnings": "Opmærksomhedspunkter",
        "code": "Kode",
        "errors": "Rækker med fejl i data (ikke vurderet)",
        "charts": "Diagrammer",
        "chart_methods": "Anbefalede metoder",
        "chart_staffing": "Personalebehov og bemanding (årsværk)",
        "decides": "Sagsbehandleren træffer afgørelsen; dette er anbefalinger.",
        "followup": "Opfølgning på igangværende forløb",
        "changed": "{n} af {rows} borgere skifter anbefaling.",
        "transitions": "Skift",
        "old": "Før",
        "new": "Efter",
        "change": "Ændring",
        "distribution": "Fordeling af metoder",
        "staffing_shift": "Personalebehov (årsværk)",
        "changed_rows": "Borgere, der skifter",
    },
    "en": {
        "title": "Cohort report",
        "title_diff": "Rule change: what it does to the cohort",
        "rules": "Rule set",
        "rows": "{rows} citizens: {triaged} assessed, {errors} with errors in the data.",
        "methods": "Recommended methods",
        "method": "Method",
        "citizens": "Citizens",
        "share": "Share",
        UNDECIDED: "Undecided",
        NOT_ASSIGNED: "Not assigned",
        "undecided_h": "Undecided cases and the answers they miss",
        "missing": "Answers missing",
        "possible": "Possible methods",
        "none_undecided": "No undecided cases.",
        "and_more": "… and {n} more",
        "citizen": "Citizen",
        "staffing": "Staff: the need at the caseload parameters and the municipality's staff",
        "per_worker": "Citizens per worker",
        "since": "since",
        "source": "Source",
        "needed": "Needed (FTE)",
        "needed_max": "if the undecided get the method",
        "needed_extra": "+ undecided who may need it",
        "not_offered_short": "not offered",
        "staff": "Has (FTE)",
        "shortfall": "Shortfall (FTE)",
        "staff_unknown": "The municipality's staff is not given.",
        "offered": "Offered",
        "yes": "yes",
        "no": "no",
        "not_offered": "Methods needed but not offered",
        "not_offered_text": (
            "A gap in the portfolio to close, not a reason to refer to a less intensive method "
            "(000 «1 Indsatsvifte», checklist #1 and #4)."
        ),
        "not_offered_line": "{method}: {n} citizens (and up to {u} undecided)",
        "all_offered": "The municipality offers every method the cohort needs.",
        "no_profile": "No municipality profile: portfolio and staff are not compared.",
        "assignments": "Recommended method against assigned method (current citizens)",
        "recommended": "Recommended",
        "assigned": "Assigned",
        "mismatches": "{n} of {total} citizens with an assigned method are in another method "
        "than the recommended one ({below} in a less intensive one).",
        "cti_default": (
            "{n} citizens assessed to ICM or ACT are in CTI. Do not start everyone in CTI "
            "intending to step up: it can hurt motivation and progress and lead to expensive, "
            "prolonged courses when the track must change midway (000 «1 Indsatsvifte»). "
            "Citizens who cannot keep CTI's 9 months are a sign of a need for ICM or ACT "
            "(000 Praksiserfaring)."
        ),
        "warnings": "Warnings",
        "code": "Code",
        "errors": "Rows with errors in the data (not assessed)",
        "charts": "Charts",
        "chart_methods": "Recommended methods",
        "chart_staffing": "Staff needed and staff available (FTE)",
        "decides": "The caseworker decides; these are recommendations.",
        "followup": "Follow-up of current courses",
        "changed": "{n} of {rows} citizens change recommendation.",
        "transitions": "Changes",
        "old": "Before",
        "new": "After",
        "change": "Change",
        "distribution": "Distribution of methods",
        "staffing_shift": "Staff needed (FTE)",
        "changed_rows": "Citizens who change",
    },
}

_COLOURS = {"CTI": "#7fb3d5", "ICM": "#2e86c1", "ACT": "#1b4f72", UNDECIDED: "#bfbfbf"}
_SHOWN = 12  # rows of a long list shown in text and HTML (JSON has them all)


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise TriageError(f"lang {lang!r} is not supported; allowed: {', '.join(LANGS)}")
    return lang


def _fte(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


# --- the municipality profile ----------------------------------------------------------------


# --- counting --------------------------------------------------------------------------------


@dataclass
class _Tally:
    """Counts over the rows: the only thing the report is computed from."""

    rows: int = 0
    methods: Counter[str] = field(default_factory=Counter)
    undecided: Counter[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=Counter)
    undecided_citizens: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=list
    )
    warnings: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    fingerprint: str | None = None


def _assigned_value(value: object, where: str) -> str | None:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    if value not in METHODS:
        raise MunicipalityError(
            f"{where}: {value!r} is not a method; allowed: {', '.join(METHODS)} (or blank)"
        )
    return str(value)


def _tally_records(
    results: Iterable[BatchResult | Recommendation],
    assigned: Mapping[str, Any] | None,
) -> _Tally:
    tally = _Tally()
    for i, item in enumerate(results):
        tally.rows += 1
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
            tally.errors[error or "?"] += 1
            continue
        tally.fingerprint = rec.ruleset_fingerprint
        label = rec.method or UNDECIDED
        tally.methods[label] += 1
        if rec.method is None:
            key = (tuple(rec.possible_methods), tuple(rec.missing))
            tally.undecided[key] += 1
            tally.undecided_citizens.append((citizen, *key))
        tally.warnings.update(rec.warning_codes)
        if assigned is not None:
            given = _assigned_value(assigned.get(citizen), f"assigned method of {citizen}")
            if given is not None:
                tally.pairs[(label, given)] += 1
    return tally


def _tally_frame(frame: Any, id_column: str, assigned: Any) -> _Tally:
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
    tally = _Tally(rows=n)
    tally.fingerprint = frame.attrs.get("hf_triage", {}).get("ruleset_fingerprint")
    counts = table.groupby(list(table.columns), dropna=False, sort=False).size()
    for (method, possible, missing, warnings, err, assigned_to), count in counts.items():
        if isinstance(err, str):
            tally.errors[err] += int(count)
            continue
        label = method if isinstance(method, str) else UNDECIDED
        tally.methods[label] += int(count)
        if label == UNDECIDED:
            key = (tuple(split_list(possible)), tuple(split_list(missing)))
            tally.undecided[key] += int(count)
        for code in split_list(warnings):
            tally.warnings[code] += int(count)
        value = _assigned_value(assigned_to, "assigned method")
        if value is not None:
            tally.pairs[(label, value)] += int(count)
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


# --- the report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffingLine:
    """One method's staffing: the need at its caseload parameter against the staff there is."""

    method: str
    #: citizens recommended this method
    citizens: int
    #: undecided citizens for whom this method is possible
    undecided: int
    caseload: Municipality.Caseload
    #: full-time workers needed: citizens / citizens per worker
    staff_needed: float
    #: ... if every undecided citizen for whom it is possible got this method
    staff_needed_max: float
    #: full-time workers the municipality has (None: not given)
    staff: float | None
    #: max(0, needed - staff) (None: staff not given)
    shortfall: float | None
    #: whether the municipality offers the method (None: no profile)
    offered: bool | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "citizens": self.citizens,
            "undecided": self.undecided,
            "caseload": self.caseload.model_dump(mode="json"),
            "staff_needed": round(self.staff_needed, 2),
            "staff_needed_max": round(self.staff_needed_max, 2),
            "staff": self.staff,
            "shortfall": None if self.shortfall is None else round(self.shortfall, 2),
            "offered": self.offered,
        }


@dataclass(frozen=True, repr=False)
class CohortReport:
    """The cohort report. ``str()`` / ``to_text()``, ``to_html()``, ``to_json()``, charts.

    Build it with ``cohort_report``. Every count is over the rows given; JSON holds every
    undecided citizen, the text and HTML renderings the first few.
    """

    rows: int
    methods: dict[str, int]
    undecided: tuple[tuple[tuple[str, ...], tuple[str, ...], int], ...]
    undecided_citizens: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]
    warnings: dict[str, int]
    errors: tuple[tuple[str, int], ...]
    staffing: tuple[StaffingLine, ...]
    #: (method, citizens recommended it, undecided for whom it is possible), not offered
    not_offered: tuple[tuple[str, int, int], ...]
    #: (recommended or "undecided", assigned) -> citizens; None when no assignments are known
    assignments: dict[tuple[str, str], int] | None
    municipality: str | None
    has_profile: bool
    ruleset_fingerprint: str | None
    lang: str = "da"
    #: follow-up signals over the municipality's courses, when reviews were given
    followup: FollowupSummary | None = None

    def __repr__(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in self.methods.items())
        return f"<CohortReport {self.rows} rows: {counts}; {self.error_count} errors>"

    # -- derived counts --

    @property
    def triaged(self) -> int:
        return self.rows - self.error_count

    @property
    def error_count(self) -> int:
        return sum(n for _, n in self.errors)

    @property
    def mismatches(self) -> int:
        """Citizens with an assigned method other than the (decided) recommended one."""
        return sum(
            n
            for (rec, got), n in (self.assignments or {}).items()
            if rec != UNDECIDED and rec != got
        )

    @property
    def below_need(self) -> int:
        """Citizens assigned a less intensive method than the recommended one."""
        return sum(
            n
            for (rec, got), n in (self.assignments or {}).items()
            if rec != UNDECIDED and intensity(got) < intensity(rec)
        )

    @property
    def cti_default_start(self) -> int:
        """Citizens recommended ICM or ACT who are in CTI (000 «1 Indsatsvifte»)."""
        return sum(
            n
            for (rec, got), n in (self.assignments or {}).items()
            if rec in ("ICM", "ACT") and got == "CTI"
        )

    # -- JSON --

    def to_dict(self) -> dict[str, Any]:
        """Everything in the report as JSON-ready data."""
        return {
            "municipality": self.municipality,
            "ruleset_fingerprint": self.ruleset_fingerprint,
            "rows": self.rows,
            "triaged": self.triaged,
            "methods": self.methods,
            "undecided": {
                "count": self.methods.get(UNDECIDED, 0),
                "by_missing": [
                    {"missing": list(m), "possible_methods": list(p), "citizens": n}
                    for p, m, n in self.undecided
                ],
                "citizens": [
                    {"id": c, "possible_methods": list(p), "missing": list(m)}
                    for c, p, m in self.undecided_citizens
                ],
            },
            "staffing": [line.to_dict() for line in self.staffing],
            "not_offered": [
                {"method": m, "citizens": n, "undecided": u} for m, n, u in self.not_offered
            ],
            "assignments": None
            if self.assignments is None
            else {
                "table": [
                    {"recommended": r, "assigned": a, "citizens": n}
                    for (r, a), n in sorted(self.assignments.items())
                ],
                "mismatches": self.mismatches,
                "below_need": self.below_need,
                "cti_default_start": self.cti_default_start,
            },
            "warnings": self.warnings,
            "errors": [{"error": e, "rows": n} for e, n in self.errors],
            "followup": None if self.followup is None else self.followup.to_dict(),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    # -- text --

    def __str__(self) -> str:
        return self.to_text()

    def to_text(self, lang: str | None = None) -> str:
        """The report as plain text, Danish (``da``) or English (``en``)."""
        t = _T[_check_lang(lang or self.lang)]
        out: list[str] = []
        title = t["title"] + (f" — {self.municipality}" if self.municipality else "")
        out += [title, "=" * len(title)]
        if self.ruleset_fingerprint:
            out.append(f"{t['rules']}: {self.ruleset_fingerprint[:19]}…")
        out.append(t["rows"].format(rows=self.rows, triaged=self.triaged, errors=self.error_count))
        out += ["", t["methods"]]
        for label, n in self._method_rows():
            share = f"{100 * n / self.triaged:.0f} %" if self.triaged else "–"
            out.append(f"  {t.get(label, label):<10} {n:>7}  {share:>5}")

        out += ["", t["undecided_h"]]
        if not self.undecided:
            out.append("  " + t["none_undecided"])
        for possible, missing, n in self.undecided:
            out.append(
                f"  {n:>7}  {t['missing']}: {_fields(missing, t)}; "
                f"{t['possible'].lower()}: {', '.join(possible)}"
            )
        for citizen, _, missing in self.undecided_citizens[:_SHOWN]:
            out.append(f"           {t['citizen']} {citizen}: {', '.join(missing)}")
        if len(self.undecided_citizens) > _SHOWN:
            out.append(
                "           " + t["and_more"].format(n=len(self.undecided_citizens) - _SHOWN)
            )

        out += ["", t["staffing"]]
        out.append(
            f"  {t['method']:<6} {t['citizens']:>8} {t['per_worker']:>24} {t['needed']:>16} "
            f"{t['staff']:>14} {t['shortfall']:>18}"
        )
        for line in self.staffing:
            needed = f"{_fte(line.staff_needed)} (≤{_fte(line.staff_needed_max)})"
            out.append(
                f"  {line.method:<6} {line.citizens:>8} {line.caseload.citizens_per_worker:>24} "
                f"{needed:>16} {_fte(line.staff):>14} {_fte(line.shortfall):>18}"
            )
        out.append(f"  (≤: {t['needed_max']})")
        for line in self.staffing:
            c = line.caseload
            out.append(
                f"  {line.method}: {c.citizens_per_worker} — {t['since']} {c.since.isoformat()}; "
                f"{c.source}" + (f". {c.note}" if c.note else "")
            )
        if self.has_profile and all(line.staff is None for line in self.staffing):
            out.append("  " + t["staff_unknown"])

        out += ["", t["not_offered"]]
        if not self.has_profile:
            out.append("  " + t["no_profile"])
        elif not self.not_offered:
            out.append("  " + t["all_offered"])
        else:
            for method, n, u in self.not_offered:
                out.append("  " + t["not_offered_line"].format(method=method, n=n, u=u))
            out.append("  " + t["not_offered_text"])

        if self.assignments is not None:
            out += ["", t["assignments"]]
            out += ["  " + row for row in _crosstab_lines(self.assignments, t)]
            total = sum(self.assignments.values())
            out.append(
                "  " + t["mismatches"].format(n=self.mismatches, total=total, below=self.below_need)
            )
            if self.cti_default_start:
                out.append("  ⚠ " + t["cti_default"].format(n=self.cti_default_start))

        if self.warnings:
            out += ["", t["warnings"]]
            for code, n in sorted(self.warnings.items(), key=lambda kv: -kv[1]):
                out.append(f"  {n:>7}  {code}")
        if self.errors:
            out += ["", t["errors"]]
            for message, n in self.errors[:_SHOWN]:
                out.append(f"  {n:>7}  {message}")
            if len(self.errors) > _SHOWN:
                out.append("  " + t["and_more"].format(n=len(self.errors) - _SHOWN))
        if self.followup is not None:
            out += ["", t["followup"]]
            out += ["  " + line for line in self.followup.lines(lang or self.lang)]
        out += ["", t["decides"]]
        return "\n".join(out)

    def _method_rows(self) -> list[tuple[str, int]]:
        return [(label, self.methods.get(label, 0)) for label in (*METHODS, UNDECIDED)]

    # -- charts --

    def plot_methods(self, ax: Axes | None = None, lang: str | None = None) -> Figure:
        """A bar chart of the recommended methods (and the undecided). Returns the Figure."""
        t = _T[_check_lang(lang or self.lang)]
        fig, ax = _axes(ax)
        rows = self._method_rows()
        labels = [t.get(label, label) for label, _ in rows]
        bars = ax.bar(labels, [n for _, n in rows], color=[_COLOURS[label] for label, _ in rows])
        ax.bar_label(bars)
        ax.set_title(t["chart_methods"])
        ax.set_ylabel(t["citizens"])
        ax.spines[["top", "right"]].set_visible(False)
        return fig

    def plot_staffing(self, ax: Axes | None = None, lang: str | None = None) -> Figure:
        """Staff needed (with the undecided as a lighter extension) against staff available."""
        t = _T[_check_lang(lang or self.lang)]
        fig, ax = _axes(ax)
        methods = [line.method for line in self.staffing]
        x = list(range(len(methods)))
        width = 0.38
        needed = [line.staff_needed for line in self.staffing]
        extra = [line.staff_needed_max - line.staff_needed for line in self.staffing]
        ax.bar([i - width / 2 for i in x], needed, width, color="#2e86c1", label=t["needed"])
        ax.bar(
            [i - width / 2 for i in x],
            extra,
            width,
            bottom=needed,
            color="#aed6f1",
            label=t["needed_extra"],
        )
        if any(line.staff is not None for line in self.staffing):
            staff = [line.staff or 0.0 for line in self.staffing]
            bars = ax.bar([i + width / 2 for i in x], staff, width, color="#7f8c8d")
            bars.set_label(t["staff"])
        for i, line in enumerate(self.staffing):
            if line.offered is False:
                ax.annotate(
                    t["not_offered_short"],
                    (i + width / 2, 0),
                    xytext=(0, 3),
                    textcoords="offset points",
                    ha="center",
                    rotation=90,
                    va="bottom",
                    fontsize="small",
                    color="#c0392b",
                )
        ax.set_xticks(x, methods)
        ax.set_title(t["chart_staffing"])
        ax.legend(frameon=False, fontsize="small", loc="upper left")
        ax.spines[["top", "right"]].set_visible(False)
        return fig

    # -- HTML --

    def _repr_html_(self) -> str:
        # in a notebook without matplotlib, the tables alone rather than an error
        return self.to_html(full_document=False, charts=_has_matplotlib())

    def to_html(
        self, lang: str | None = None, *, charts: bool = True, full_document: bool = True
    ) -> str:
        """The report as HTML, charts embedded as base64 PNG; a whole page by default."""
        lang = _check_lang(lang or self.lang)
        t = _T[lang]
        h: list[str] = ["<div class='hf-cohort'>"]
        title = t["title"] + (f" — {self.municipality}" if self.municipality else "")
        h.append(f"<h3>{escape(title)}</h3>")
        h.append(
            "<p>"
            + escape(
                t["rows"].format(rows=self.rows, triaged=self.triaged, errors=self.error_count)
            )
            + (
                f" {t['rules']}: <code>{escape(self.ruleset_fingerprint[:19])}…</code>"
                if self.ruleset_fingerprint
                else ""
            )
            + "</p>"
        )
        if charts:
            h.append(
                "<div style='display:flex;flex-wrap:wrap;gap:1em'>"
                + _img(self.plot_methods(lang=lang))
                + _img(self.plot_staffing(lang=lang))
                + "</div>"
            )
        h.append(f"<h4>{t['methods']}</h4>")
        h.append(
            _table(
                [t["method"], t["citizens"], t["share"]],
                [
                    [
                        t.get(label, label),
                        n,
                        f"{100 * n / self.triaged:.0f} %" if self.triaged else "–",
                    ]
                    for label, n in self._method_rows()
                ],
            )
        )
        h.append(f"<h4>{t['undecided_h']}</h4>")
        if self.undecided:
            h.append(
                _table(
                    [t["citizens"], t["missing"], t["possible"]],
                    [[n, _fields(m, t), ", ".join(p)] for p, m, n in self.undecided],
                )
            )
            shown = self.undecided_citizens[:_SHOWN]
            more = len(self.undecided_citizens) - len(shown)
            h.append(
                f"<details><summary>{t['citizen']} ({len(self.undecided_citizens)})</summary>"
                + _table(
                    [t["citizen"], t["missing"], t["possible"]],
                    [[c, ", ".join(m), ", ".join(p)] for c, p, m in shown],
                )
                + (f"<p>{escape(t['and_more'].format(n=more))}</p>" if more > 0 else "")
                + "</details>"
            )
        else:
            h.append(f"<p>{t['none_undecided']}</p>")
        h.append(f"<h4>{t['staffing']}</h4>")
        h.append(
            _table(
                [
                    t["method"],
                    t["citizens"],
                    t["per_worker"],
                    t["source"],
                    t["needed"],
                    t["needed_max"],
                    t["staff"],
                    t["shortfall"],
                ],
                [
                    [
                        line.method,
                        line.citizens,
                        line.caseload.citizens_per_worker,
                        f"{line.caseload.source} ({t['since']} {line.caseload.since.isoformat()})"
                        + (f". {line.caseload.note}" if line.caseload.note else ""),
                        _fte(line.staff_needed),
                        _fte(line.staff_needed_max),
                        _fte(line.staff),
                        _fte(line.shortfall),
                    ]
                    for line in self.staffing
                ],
                highlight={
                    i: 7 for i, line in enumerate(self.staffing) if (line.shortfall or 0) > 0
                },
            )
        )
        h.append(f"<h4>{t['not_offered']}</h4>")
        if not self.has_profile:
            h.append(f"<p>{t['no_profile']}</p>")
        elif not self.not_offered:
            h.append(f"<p>{t['all_offered']}</p>")
        else:
            h.append("<ul>")
            h += [
                f"<li><b>{escape(t['not_offered_line'].format(method=m, n=n, u=u))}</b></li>"
                for m, n, u in self.not_offered
            ]
            h.append(f"</ul><p>{escape(t['not_offered_text'])}</p>")
        if self.assignments is not None:
            h.append(f"<h4>{t['assignments']}</h4>")
            h.append(_crosstab_html(self.assignments, t))
            total = sum(self.assignments.values())
            h.append(
                "<p>"
                + escape(
                    t["mismatches"].format(n=self.mismatches, total=total, below=self.below_need)
                )
                + "</p>"
            )
            if self.cti_default_start:
                h.append(
                    "<p style='border-left:4px solid #c0392b;padding-left:.5em'>⚠ "
                    + escape(t["cti_default"].format(n=self.cti_default_start))
                    + "</p>"
                )
        if self.warnings:
            h.append(f"<h4>{t['warnings']}</h4>")
            h.append(
                _table(
                    [t["code"], t["citizens"]],
                    [[c, n] for c, n in sorted(self.warnings.items(), key=lambda kv: -kv[1])],
                )
            )
        if self.errors:
            h.append(f"<h4>{t['errors']}</h4>")
            h.append(_table(["", t["citizens"]], [[e, n] for e, n in self.errors[:_SHOWN]]))
        if self.followup is not None:
            h.append(f"<h4>{t['followup']}</h4><ul>")
            h += [f"<li>{escape(line.strip())}</li>" for line in self.followup.lines(lang)]
            h.append("</ul>")
        h.append(f"<p style='font-size:smaller'>{t['decides']}</p></div>")
        body = "".join(h)
        if not full_document:
            return body
        return (
            f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
            f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>{body}</body></html>"
        )

    def save_html(self, path: str | Path, lang: str | None = None) -> None:
        Path(path).write_text(self.to_html(lang), encoding="utf-8")


_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "td,th{border-bottom:1px solid #ddd;padding:.2em .6em;text-align:left}"
    "td.num{text-align:right}"
)


def _fields(names: Iterable[str], t: dict[str, str]) -> str:
    da = t is _T["da"]
    return ", ".join(
        f"{n} ({FIELDS[n].label_da if da else FIELDS[n].label_en})" if n in FIELDS else n
        for n in names
    )


def _table(head: list[str], rows: list[list[Any]], highlight: dict[int, int] | None = None) -> str:
    marks = highlight or {}
    cells = "".join(f"<th>{escape(str(c))}</th>" for c in head)
    body = []
    for i, row in enumerate(rows):
        tds = []
        for j, value in enumerate(row):
            style = " style='color:#c0392b;font-weight:bold'" if marks.get(i) == j else ""
            cls = " class='num'" if isinstance(value, (int, float)) else ""
            tds.append(f"<td{cls}{style}>{escape(str(value))}</td>")
        body.append("<tr>" + "".join(tds) + "</tr>")
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _crosstab_lines(pairs: Mapping[tuple[str, str], int], t: dict[str, str]) -> list[str]:
    recommended = [m for m in (*METHODS, UNDECIDED) if any(r == m for r, _ in pairs)]
    corner = f"{t['recommended']} / {t['assigned']}"
    head = f"{corner:<24}" + "".join(f"{m:>7}" for m in METHODS)
    lines = [head]
    for r in recommended:
        lines.append(f"{t.get(r, r):<24}" + "".join(f"{pairs.get((r, a), 0):>7}" for a in METHODS))
    return lines


def _crosstab_html(pairs: Mapping[tuple[str, str], int], t: dict[str, str]) -> str:
    recommended = [m for m in (*METHODS, UNDECIDED) if any(r == m for r, _ in pairs)]
    head = "".join(f"<th>{t['assigned']}: {m}</th>" for m in METHODS)
    rows = []
    for r in recommended:
        tds = []
        for a in METHODS:
            n = pairs.get((r, a), 0)
            below = r != UNDECIDED and intensity(a) < intensity(r) and n
            style = " style='background:#fadbd8;font-weight:bold'" if below else ""
            tds.append(f"<td class='num'{style}>{n}</td>")
        rows.append(f"<tr><th>{escape(t.get(r, r))}</th>{''.join(tds)}</tr>")
    return (
        f"<table><thead><tr><th>{t['recommended']}</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _has_matplotlib() -> bool:
    from importlib.util import find_spec

    try:
        return find_spec("matplotlib") is not None
    except ValueError:  # a stub module without a spec
        return False


def _axes(ax: Axes | None) -> tuple[Figure, Axes]:
    if ax is not None:
        figure = ax.get_figure()
        assert figure is not None
        return figure, ax  # type: ignore[return-value]
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("the charts need matplotlib: pip install 'hf-triage[cohort]'") from None

    fig = Figure(figsize=(5.5, 3.4), layout="constrained")
    return fig, fig.subplots()


def _img(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"<img alt='' src='data:image/png;base64,{data}'/>"


def _staffing(tally: _Tally, profile: Municipality | None) -> tuple[StaffingLine, ...]:
    undecided_for: Counter[str] = Counter()
    for (possible, _), n in tally.undecided.items():
        for method in possible:
            undecided_for[method] += n
    caseloads: dict[str, Municipality.Caseload] = dict(DEFAULT_CASELOAD)
    staffs: dict[str, float] | None = None
    if profile is not None:
        caseloads.update({str(m): c for m, c in profile.caseload.items()})
        if profile.staff:  # a profile without staff: not known, rather than none
            given = {str(m): fte for m, fte in profile.staff.items()}
            staffs = {m: given.get(m, 0.0) for m in METHODS}
    lines = []
    for method in METHODS:
        caseload = caseloads[method]
        citizens = tally.methods.get(method, 0)
        per = caseload.citizens_per_worker
        needed = citizens / per
        staff = None if staffs is None else staffs[method]
        lines.append(
            StaffingLine(
                method=method,
                citizens=citizens,
                undecided=undecided_for[method],
                caseload=caseload,
                staff_needed=needed,
                staff_needed_max=(citizens + undecided_for[method]) / per,
                staff=staff,
                shortfall=None if staff is None else max(0.0, needed - staff),
                offered=None if profile is None else method in profile.offers,
            )
        )
    return tuple(lines)


def _report(tally: _Tally, profile: Municipality | None, lang: str) -> CohortReport:
    staffing = _staffing(tally, profile)
    not_offered = tuple(
        (line.method, line.citizens, line.undecided)
        for line in staffing
        if line.offered is False and line.citizens > 0
    )
    undecided = tuple(
        (p, m, n) for (p, m), n in sorted(tally.undecided.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return CohortReport(
        rows=tally.rows,
        methods={label: tally.methods.get(label, 0) for label in (*METHODS, UNDECIDED)},
        undecided=undecided,
        undecided_citizens=tuple(tally.undecided_citizens),
        warnings=dict(tally.warnings),
        errors=tuple(sorted(tally.errors.items(), key=lambda kv: (-kv[1], kv[0]))),
        staffing=staffing,
        not_offered=not_offered,
        assignments=dict(tally.pairs) if tally.pairs else None,
        municipality=profile.name if profile else None,
        has_profile=profile is not None,
        ruleset_fingerprint=tally.fingerprint,
        lang=lang,
    )


def cohort_report(
    results: Any,
    municipality: Mapping[str, Any] | Municipality | str | Path | None = None,
    *,
    lang: str = "da",
    id_column: str = "citizen_id",
    assigned: str | Mapping[str, str] | None = None,
    reviews: Iterable[CourseReview] | None = None,
) -> CohortReport:
    """The report over a triaged cohort.

    ``results`` is what ``triage_frame`` returns (pandas or polars) or what ``triage_many``
    returns (or a list of Recommendations). ``municipality`` is a profile (a ``Municipality``,
    a mapping, or a path to a YAML file): its offers, staff and caseload parameters; without
    one, the default caseload parameters are used and no capacity is compared.

    The methods actually assigned come from ``assigned`` (a column name, or a mapping of
    citizen id to method), else from the profile's ``assigned`` (by ``id_column``), else from a
    column ``assigned_method`` when the frame has one.

    ``reviews`` (``review_course`` results for the municipality's courses) add a follow-up
    section: how many CTI courses show re-visitation signals.
    """
    _check_lang(lang)
    profile = (
        load_municipality(municipality)
        if isinstance(municipality, (str, Path))
        else as_municipality(municipality)
    )
    if assigned is None and profile is not None and profile.assigned:
        assigned = profile.assigned
    if hasattr(results, "columns") and hasattr(results, "shape"):
        if assigned is None and "assigned_method" in results.columns:
            assigned = "assigned_method"
        tally = _tally_frame(results, id_column, assigned)
    else:
        if isinstance(assigned, str):
            raise TriageError(
                "assigned as a column name needs a DataFrame; with triage_many results, give "
                "a mapping of citizen id to method"
            )
        tally = _tally_records(results, assigned)
    report = _report(tally, profile, lang)
    if reviews is not None:
        report = replace(report, followup=FollowupSummary.from_reviews(reviews))
    return report


# --- what an edit of the rules does ----------------------------------------------------------


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

    def _distribution(self, t: dict[str, str]) -> list[tuple[str, int, int]]:
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
        t = _T[_check_lang(lang or self.lang)]
        out = [t["title_diff"], "=" * len(t["title_diff"])]
        out.append(f"{t['rules']}: {self.old_fingerprint[:19]}… → {self.new_fingerprint[:19]}…")
        out.append(t["changed"].format(n=self.changed_count, rows=self.old.rows))
        if self.transitions:
            out += ["", t["transitions"]]
            for (o, n), c in sorted(self.transitions.items(), key=lambda kv: -kv[1]):
                out.append(f"  {o:>20} → {n:<20} {c:>7}")
        out += ["", t["distribution"], f"  {'':<10} {t['old']:>8} {t['new']:>8} {t['change']:>8}"]
        for label, a, b in self._distribution(t):
            out.append(f"  {label:<10} {a:>8} {b:>8} {b - a:>+8}")
        out += ["", t["staffing_shift"], f"  {'':<10} {t['old']:>8} {t['new']:>8} {t['change']:>8}"]
        for method, a_fte, b_fte in self._staff():
            out.append(f"  {method:<10} {a_fte:>8.1f} {b_fte:>8.1f} {b_fte - a_fte:>+8.1f}")
        if self.changed:
            out += ["", t["changed_rows"]]
            for citizen, before, after in self.changed[:_SHOWN]:
                out.append(f"  {citizen}: {before} → {after}")
            if len(self.changed) > _SHOWN:
                out.append("  " + t["and_more"].format(n=len(self.changed) - _SHOWN))
        return "\n".join(out)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self, lang: str | None = None) -> str:
        t = _T[_check_lang(lang or self.lang)]
        h = [f"<div class='hf-cohort'><h3>{t['title_diff']}</h3>"]
        h.append(
            f"<p>{escape(t['changed'].format(n=self.changed_count, rows=self.old.rows))} "
            f"{t['rules']}: <code>{escape(self.old_fingerprint[:19])}…</code> → "
            f"<code>{escape(self.new_fingerprint[:19])}…</code></p>"
        )
        if self.transitions:
            h.append(f"<h4>{t['transitions']}</h4>")
            h.append(
                _table(
                    [t["old"], t["new"], t["citizens"]],
                    [
                        [o, n, c]
                        for (o, n), c in sorted(self.transitions.items(), key=lambda kv: -kv[1])
                    ],
                )
            )
        h.append(f"<h4>{t['distribution']}</h4>")
        h.append(
            _table(
                ["", t["old"], t["new"], t["change"]],
                [[label, a, b, f"{b - a:+d}"] for label, a, b in self._distribution(t)],
            )
        )
        h.append(f"<h4>{t['staffing_shift']}</h4>")
        h.append(
            _table(
                ["", t["old"], t["new"], t["change"]],
                [[m, f"{a:.1f}", f"{b:.1f}", f"{b - a:+.1f}"] for m, a, b in self._staff()],
            )
        )
        if self.changed:
            shown = self.changed[:_SHOWN]
            h.append(
                f"<details><summary>{t['changed_rows']} ({len(self.changed)})</summary>"
                + _table([t["citizen"], t["old"], t["new"]], [list(row) for row in shown])
                + "</details>"
            )
        h.append("</div>")
        return "".join(h)

    def plot(self, ax: Axes | None = None, lang: str | None = None) -> Figure:
        """Old and new method distribution side by side."""
        t = _T[_check_lang(lang or self.lang)]
        fig, ax = _axes(ax)
        rows = self._distribution(t)
        x = list(range(len(rows)))
        ax.bar([i - 0.2 for i in x], [a for _, a, _ in rows], 0.4, color="#aed6f1")
        ax.bar([i + 0.2 for i in x], [b for _, _, b in rows], 0.4, color="#2e86c1")
        ax.set_xticks(x, [label for label, _, _ in rows])
        ax.legend([t["old"], t["new"]], frameon=False)
        ax.set_title(t["distribution"])
        ax.spines[["top", "right"]].set_visible(False)
        return fig


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
    from ._batch import read_cohort

    _check_lang(lang)
    frame = read_cohort(cohort) if isinstance(cohort, (str, Path)) else cohort
    if type(frame).__module__.split(".")[0] == "polars":
        frame = frame.to_pandas()
    old_rules, new_rules = _rules(old), _rules(new)
    profile = (
        load_municipality(municipality)
        if isinstance(municipality, (str, Path))
        else as_municipality(municipality)
    )
    before = triage_frame(frame, rules=old_rules, municipality=profile)
    after = triage_frame(frame, rules=new_rules, municipality=profile)
    word = _T[lang][UNDECIDED].lower()
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
