"""The cohort report and the rules diff as HTML (templates/report.html.j2, diff.html.j2).

This module prepares what the templates show — the same words as the text rendering
(``_text``), the numbers formatted — and the templates lay it out, autoescaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._domain import METHODS, intensity
from .._templates import render
from ._charts import plot_methods, plot_staffing, png_base64
from ._tally import UNDECIDED
from ._text import LABELS, SHOWN, fields, fte, group_value, percent, recommended_labels

if TYPE_CHECKING:
    from ._deviations import DecisionSummary, GroupView
    from ._diff import RulesDiff
    from ._report import CohortReport

__all__ = ["diff_html", "report_html"]

_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "td,th{border-bottom:1px solid #ddd;padding:.2em .6em;text-align:left}"
    "td.num{text-align:right}"
)


def _crosstab(
    pairs: dict[tuple[str, str], int], t: Mapping[str, str]
) -> list[tuple[str, list[tuple[int, bool]]]]:
    """Rows of recommended against assigned: (label, [(citizens, below the need), ...])."""
    return [
        (
            t.get(r, r),
            [
                (
                    pairs.get((r, a), 0),
                    bool(r != UNDECIDED and intensity(a) < intensity(r) and pairs.get((r, a), 0)),
                )
                for a in METHODS
            ],
        )
        for r in recommended_labels(pairs)
    ]


def report_html(report: CohortReport, lang: str, *, charts: bool, full_document: bool) -> str:
    """The cohort report as HTML; charts embedded as base64 PNG."""
    t = LABELS[lang]
    title = t["title"] + (f" — {report.municipality}" if report.municipality else "")
    shown = report.undecided_citizens[:SHOWN]
    more = len(report.undecided_citizens) - len(shown)
    staffing = report.staffing
    context: dict[str, Any] = {
        "t": t,
        "lang": lang,
        "css": _CSS,
        "full_document": full_document,
        "title": title,
        "rows_line": t["rows"].format(
            rows=report.rows, triaged=report.triaged, errors=report.error_count
        ),
        "fingerprint": (report.ruleset_fingerprint or "")[:19],
        "charts": [
            png_base64(plot_methods(report, None, lang)),
            png_base64(plot_staffing(report, None, lang)),
        ]
        if charts
        else [],
        "method_rows": [
            [t.get(label, label), n, f"{100 * n / report.triaged:.0f} %" if report.triaged else "–"]
            for label, n in report._method_rows()
        ],
        "undecided_rows": [[n, fields(m, lang), ", ".join(p)] for p, m, n in report.undecided],
        "undecided_total": len(report.undecided_citizens),
        "citizen_rows": [[c, fields(m, lang), ", ".join(p)] for c, p, m in shown],
        "more_citizens": t["and_more"].format(n=more) if more > 0 else "",
        "staffing_rows": [
            [
                line.method,
                line.citizens,
                line.caseload.citizens_per_worker,
                f"{line.caseload.source} ({t['since']} {line.caseload.since.isoformat()})"
                + (f". {line.caseload.note}" if line.caseload.note else ""),
                fte(line.staff_needed),
                fte(line.staff_needed_max),
                fte(line.staff),
                fte(line.shortfall),
            ]
            for line in staffing
        ],
        # the shortfall cell (column 7) of a method short of staff
        "shortfall": {i: 7 for i, line in enumerate(staffing) if (line.shortfall or 0) > 0},
        "has_profile": report.has_profile,
        "not_offered": [
            t["not_offered_line"].format(method=m, n=n, u=u) for m, n, u in report.not_offered
        ],
        "methods": METHODS,
        "assignments": None,
        "warnings": [[c, n] for c, n in sorted(report.warnings.items(), key=lambda kv: -kv[1])],
        "errors": [[e, n] for e, n in report.errors[:SHOWN]],
        "followup": [line.strip() for line in report.followup.lines(lang)]
        if report.followup is not None
        else None,
    }
    if report.assignments is not None:
        total = sum(report.assignments.values())
        context["assignments"] = _crosstab(report.assignments, t)
        context["mismatches"] = t["mismatches"].format(
            n=report.mismatches, total=total, below=report.below_need
        )
        context["cti_default"] = (
            t["cti_default"].format(n=report.cti_default_start) if report.cti_default_start else ""
        )
    context["decisions"] = (
        None if report.decisions is None else _decisions(report.decisions, t, lang)
    )
    context["groups"] = None if report.groups is None else _groups(report.groups, t)
    return render("report.html.j2", **context)


def _decisions(summary: DecisionSummary, t: Mapping[str, str], lang: str) -> dict[str, Any]:
    """What the decisions section shows: the same words as the text rendering."""
    return {
        "line": t["decisions_line"].format(
            n=summary.decisions,
            dev=summary.deviating,
            below=summary.below_need,
            above=summary.above_need,
        ),
        "not_offered": t["decisions_not_offered"].format(n=summary.not_offered)
        if summary.not_offered
        else "",
        "other_ruleset": t["other_ruleset"].format(n=summary.other_ruleset)
        if summary.other_ruleset
        else "",
        "by_method": [
            [t.get(label, label), n, dev, percent(dev, n)] for label, n, dev in summary.by_method()
        ],
        "crosstab": _crosstab(summary.pairs, t),
        "t_decided": {**t, "assigned": t["decided"]},
        "reasons": [
            [line.code, line.text(lang), line.source, line.decisions, line.deviating]
            for line in summary.reasons
        ],
        "method_reasons": [
            [t.get(label, label), code or t["no_reason"], n]
            for (label, code), n in sorted(
                summary.method_reasons.items(),
                key=lambda kv: ((*METHODS, UNDECIDED).index(kv[0][0]), -kv[1], kv[0][1]),
            )
        ],
    }


def _groups(view: GroupView, t: Mapping[str, str]) -> dict[str, Any]:
    """What the fairness view shows: one table per grouping column."""
    labels = (*METHODS, UNDECIDED)
    head = [t["group"], t["citizens"], *(t.get(m, m) for m in labels)]
    if view.has_decisions:
        head += [t["decisions"], t["deviating"], t["below_need"]]
    tables = []
    for column in view.columns:
        rows = []
        for line in view.of(column):
            row: list[Any] = [group_value(line.value, t), line.citizens]
            row += [percent(line.methods.get(m, 0), line.citizens) for m in labels]
            if view.has_decisions:
                row += [
                    line.decisions,
                    percent(line.deviating, line.decisions),
                    percent(line.below_need, line.decisions),
                ]
            rows.append(row)
        tables.append((column, rows))
    return {
        "title": t["groups_h"].format(columns=", ".join(view.columns)),
        "head": head,
        "tables": tables,
        "suppressed": t["suppressed"].format(k=view.min_group, n=sum(view.suppressed.values())),
        "no_decisions": "" if view.has_decisions else t["groups_no_decisions"],
        "note": t["groups_note"],
    }


def diff_html(diff: RulesDiff, lang: str) -> str:
    """The rules diff as HTML."""
    t = LABELS[lang]
    return render(
        "diff.html.j2",
        t=t,
        changed_line=t["changed"].format(n=diff.changed_count, rows=diff.old.rows),
        old_fingerprint=diff.old_fingerprint[:19],
        new_fingerprint=diff.new_fingerprint[:19],
        transitions=[
            [o, n, c] for (o, n), c in sorted(diff.transitions.items(), key=lambda kv: -kv[1])
        ],
        distribution=[[label, a, b, f"{b - a:+d}"] for label, a, b in diff._distribution(t)],
        staff=[[m, f"{a:.1f}", f"{b:.1f}", f"{b - a:+.1f}"] for m, a, b in diff._staff()],
        changed=[list(row) for row in diff.changed[:SHOWN]],
        changed_total=len(diff.changed),
    )
