"""The cohort report: what a visitation team and the municipality need to see about a cohort.

``cohort_report(results, municipality)`` counts the recommended methods, lists the undecided
cases and the answers they miss, sets the staff each method needs at the caseload parameters
against the staff the municipality has, names the methods needed but not offered, and — when
the methods actually assigned are known — tabulates recommended against assigned, warning when
citizens assessed to ICM or ACT are in CTI (000 «1 Indsatsvifte»; Praksiserfaring). Given the
caseworkers' decision records, it shows how often and why decisions differ from the
recommendations; given grouping columns, the distribution per group (``_deviations``).

Only counts are computed here (from the one ``Tally``); every recommendation comes from
``triage`` / ``triage_frame``. The renderings live beside it: ``_text``, ``_html``, ``_charts``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._compile import CompiledRules
from .._domain import METHODS, intensity
from .._exceptions import TriageError
from .._followup import CourseReview, FollowupSummary
from .._models import Municipality
from ._charts import has_matplotlib, plot_methods, plot_staffing
from ._deviations import DecisionSummary, GroupView
from ._profile import default_caseload, profile_of
from ._tally import UNDECIDED, Tally, tally_frame, tally_records
from ._text import check_lang, report_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["CohortReport", "StaffingLine", "cohort_report"]


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
    #: the caseworkers' decisions against the recommendations, when decisions were given
    decisions: DecisionSummary | None = None
    #: recommendations, undecided and deviations per group, when grouping columns were given
    groups: GroupView | None = None

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
            "decisions": None if self.decisions is None else self.decisions.to_dict(),
            "groups": None if self.groups is None else self.groups.to_dict(),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    # -- text --

    def __str__(self) -> str:
        return self.to_text()

    def to_text(self, lang: str | None = None) -> str:
        """The report as plain text, Danish (``da``) or English (``en``)."""
        return report_text(self, check_lang(lang or self.lang))

    def _method_rows(self) -> list[tuple[str, int]]:
        return [(label, self.methods.get(label, 0)) for label in (*METHODS, UNDECIDED)]

    # -- charts --

    def plot_methods(self, ax: Axes | None = None, lang: str | None = None) -> Figure:
        """A bar chart of the recommended methods (and the undecided). Returns the Figure."""
        return plot_methods(self, ax, check_lang(lang or self.lang))

    def plot_staffing(self, ax: Axes | None = None, lang: str | None = None) -> Figure:
        """Staff needed (with the undecided as a lighter extension) against staff available."""
        return plot_staffing(self, ax, check_lang(lang or self.lang))

    # -- HTML --

    def _repr_html_(self) -> str:
        # in a notebook without matplotlib, the tables alone rather than an error
        return self.to_html(full_document=False, charts=has_matplotlib())

    def to_html(
        self, lang: str | None = None, *, charts: bool = True, full_document: bool = True
    ) -> str:
        """The report as HTML, charts embedded as base64 PNG; a whole page by default."""
        from ._html import report_html

        return report_html(
            self, check_lang(lang or self.lang), charts=charts, full_document=full_document
        )


def _staffing(tally: Tally, profile: Municipality | None) -> tuple[StaffingLine, ...]:
    undecided_for: Counter[str] = Counter()
    for (possible, _), n in tally.undecided.items():
        for method in possible:
            undecided_for[method] += n
    caseloads: dict[str, Municipality.Caseload] = default_caseload()
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


def _build(
    tally: Tally, profile: Municipality | None, lang: str, groups: Sequence[str] = ()
) -> CohortReport:
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
        decisions=None
        if tally.decisions is None
        else DecisionSummary.from_counts(tally.decisions, tally.fingerprint),
        groups=None
        if tally.grouped is None
        else GroupView.from_counts(groups, tally.grouped, tally.decisions is not None),
    )


def cohort_report(
    results: Any,
    municipality: Mapping[str, Any] | Municipality | str | Path | None = None,
    *,
    lang: str = "da",
    id_column: str = "citizen_id",
    assigned: str | Mapping[str, str] | None = None,
    reviews: Iterable[CourseReview] | None = None,
    decisions: Any = None,
    groups: Sequence[str] | str = (),
    rules: CompiledRules | None = None,
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
    section: how many CTI courses show re-visitation signals, with the warning threshold of
    ``rules`` (the rule set that reviewed them; default: the shipped one).

    ``decisions`` (the caseworkers' ``DecisionRecord``s — or their JSON text or dicts, as
    ``hf-triage decide`` prints them) add a section on how often and why decisions differ from
    the recommendations: a list in the order of the rows (None where there is no decision), a
    mapping of citizen id to record, or the name of a frame column holding them.

    ``groups`` (names of grouping columns of the frame the municipality chooses, e.g.
    ``("age_band", "gender")``) add the fairness view: recommendations, undecided results and
    deviations per group; groups of fewer than 5 citizens are suppressed.
    """
    check_lang(lang)
    groups = _group_columns(groups)
    profile = profile_of(municipality)
    if assigned is None and profile is not None and profile.assigned:
        assigned = profile.assigned
    if hasattr(results, "columns") and hasattr(results, "shape"):
        if assigned is None and "assigned_method" in results.columns:
            assigned = "assigned_method"
        tally = tally_frame(results, id_column, assigned, decisions, groups)
    else:
        if isinstance(assigned, str):
            raise TriageError(
                "assigned as a column name needs a DataFrame; with triage_many results, give "
                "a mapping of citizen id to method"
            )
        tally = tally_records(results, assigned, decisions, groups)
    report = _build(tally, profile, lang, groups)
    if reviews is not None:
        report = replace(report, followup=FollowupSummary.from_reviews(reviews, rules))
    return report


def _group_columns(groups: Sequence[str] | str | None) -> tuple[str, ...]:
    if groups is None:
        return ()
    names = (groups,) if isinstance(groups, str) else tuple(groups)
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise TriageError(
                f"groups: {name!r} is not a column name; allowed: names of grouping columns of "
                "the cohort, e.g. ('age_band', 'gender')"
            )
    if len(set(names)) != len(names):
        raise TriageError(f"groups: a column is named twice in {', '.join(names)}")
    return names
