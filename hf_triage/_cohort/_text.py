"""The cohort report and the rules diff as plain text, Danish or English, and the labels every
rendering (text, HTML, charts) shares.

Only wording lives here: what to say is computed in ``_report`` and ``_diff``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from .._domain import METHODS
from .._texts import Labels, check_lang, field_label
from ._tally import UNDECIDED

if TYPE_CHECKING:
    from ._deviations import DecisionSummary, GroupView
    from ._diff import RulesDiff
    from ._report import CohortReport

__all__ = [
    "LABELS",
    "SHOWN",
    "check_lang",
    "crosstab_lines",
    "decisions_text",
    "diff_text",
    "fields",
    "fte",
    "group_value",
    "groups_text",
    "percent",
    "recommended_labels",
    "report_text",
]

#: ``LABELS[lang][key]``: the texts.yaml keys ``cohort.<key>``, read on first use; a method's
#: row is labelled by the method name itself, the undecided by ``cohort.undecided``
LABELS: Mapping[str, Mapping[str, str]] = Labels("cohort")

SHOWN = 12  # rows of a long list shown in text and HTML (JSON has them all)


def fte(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def fields(names: Iterable[str], lang: str) -> str:
    """The fields by their names on screen (texts.yaml ``field.*``): a Danish report names
    no English field code (issue 10 item 14)."""
    return ", ".join(field_label(n, lang, n) for n in names)


def recommended_labels(pairs: Mapping[tuple[str, str], int]) -> list[str]:
    """The rows of the recommended-against-assigned table: the labels that occur, in order."""
    return [m for m in (*METHODS, UNDECIDED) if any(r == m for r, _ in pairs)]


def crosstab_lines(pairs: Mapping[tuple[str, str], int], t: Mapping[str, str]) -> list[str]:
    recommended = recommended_labels(pairs)
    corner = f"{t['recommended']} / {t['assigned']}"
    head = f"{corner:<24}" + "".join(f"{m:>7}" for m in METHODS)
    lines = [head]
    for r in recommended:
        lines.append(f"{t.get(r, r):<24}" + "".join(f"{pairs.get((r, a), 0):>7}" for a in METHODS))
    return lines


def report_text(report: CohortReport, lang: str) -> str:
    """The cohort report as plain text, Danish (``da``) or English (``en``)."""
    t = LABELS[check_lang(lang)]
    out: list[str] = []
    title = t["title"] + (f" — {report.municipality}" if report.municipality else "")
    out += [title, "=" * len(title)]
    if report.ruleset_fingerprint:
        out.append(f"{t['rules']}: {report.ruleset_fingerprint[:19]}…")
    out.append(
        t["rows"].format(rows=report.rows, triaged=report.triaged, errors=report.error_count)
    )
    out += ["", t["methods"]]
    for label, n in report._method_rows():
        share = f"{100 * n / report.triaged:.0f} %" if report.triaged else "–"
        out.append(f"  {t.get(label, label):<10} {n:>7}  {share:>5}")

    out += ["", t["undecided_h"]]
    if not report.undecided:
        out.append("  " + t["none_undecided"])
    for possible, missing, n in report.undecided:
        out.append(
            f"  {n:>7}  {t['missing']}: {fields(missing, lang)}; "
            f"{t['possible'].lower()}: {', '.join(possible)}"
        )
    for citizen, _, missing in report.undecided_citizens[:SHOWN]:
        out.append(f"           {t['citizen']} {citizen}: {fields(missing, lang)}")
    if len(report.undecided_citizens) > SHOWN:
        out.append("           " + t["and_more"].format(n=len(report.undecided_citizens) - SHOWN))

    out += ["", t["staffing"]]
    out.append(
        f"  {t['method']:<6} {t['citizens']:>8} {t['per_worker']:>24} {t['needed']:>16} "
        f"{t['staff']:>14} {t['shortfall']:>18}"
    )
    for line in report.staffing:
        needed = f"{fte(line.staff_needed)} (≤{fte(line.staff_needed_max)})"
        out.append(
            f"  {line.method:<6} {line.citizens:>8} {line.caseload.citizens_per_worker:>24} "
            f"{needed:>16} {fte(line.staff):>14} {fte(line.shortfall):>18}"
        )
    out.append(f"  (≤: {t['needed_max']})")
    for line in report.staffing:
        c = line.caseload
        out.append(
            f"  {line.method}: {c.citizens_per_worker} — {t['since']} {c.since.isoformat()}; "
            f"{c.source}" + (f". {c.note}" if c.note else "")
        )
    if report.has_profile and all(line.staff is None for line in report.staffing):
        out.append("  " + t["staff_unknown"])

    out += ["", t["not_offered"]]
    if not report.has_profile:
        out.append("  " + t["no_profile"])
    elif not report.not_offered:
        out.append("  " + t["all_offered"])
    else:
        for method, n, u in report.not_offered:
            out.append("  " + t["not_offered_line"].format(method=method, n=n, u=u))
        out.append("  " + t["not_offered_text"])

    if report.assignments is not None:
        out += ["", t["assignments"]]
        out += ["  " + row for row in crosstab_lines(report.assignments, t)]
        total = sum(report.assignments.values())
        out.append(
            "  " + t["mismatches"].format(n=report.mismatches, total=total, below=report.below_need)
        )
        if report.cti_default_start:
            out.append("  ⚠ " + t["cti_default"].format(n=report.cti_default_start))

    if report.warnings:
        out += ["", t["warnings"]]
        for code, n in sorted(report.warnings.items(), key=lambda kv: -kv[1]):
            out.append(f"  {n:>7}  {code}")
    if report.errors:
        out += ["", t["errors"]]
        for message, n in report.errors[:SHOWN]:
            out.append(f"  {n:>7}  {message}")
        if len(report.errors) > SHOWN:
            out.append("  " + t["and_more"].format(n=len(report.errors) - SHOWN))
    if report.followup is not None:
        out += ["", t["followup"]]
        out += ["  " + line for line in report.followup.lines(lang)]
    if report.decisions is not None:
        out += ["", *decisions_text(report.decisions, t, lang)]
    if report.groups is not None:
        out += ["", *groups_text(report.groups, t)]
    out += ["", t["decides"]]
    return "\n".join(out)


def percent(n: int, total: int) -> str:
    return f"{100 * n / total:.0f} %" if total else "–"


def decisions_text(summary: DecisionSummary, t: Mapping[str, str], lang: str) -> list[str]:
    """The decisions section: counts, recommended against decided, per method and reason."""
    out = [t["decisions_h"]]
    out.append(
        "  "
        + t["decisions_line"].format(
            n=summary.decisions,
            dev=summary.deviating,
            below=summary.below_need,
            above=summary.above_need,
        )
    )
    if summary.not_offered:
        out.append("  ⚠ " + t["decisions_not_offered"].format(n=summary.not_offered))
    if summary.other_ruleset:
        out.append("  " + t["other_ruleset"].format(n=summary.other_ruleset))
    if summary.pairs:
        out.append("")
        out.append(f"  {t['recommended']:<12} {t['decisions']:>11} {t['deviating']:>8}")
        for label, n, dev in summary.by_method():
            out.append(f"  {t.get(label, label):<12} {n:>11} {dev:>8}  {percent(dev, n):>5}")
        out.append("")
        table = crosstab_lines(summary.pairs, {**t, "assigned": t["decided"]})
        out += ["  " + row for row in table]
    if summary.reasons:
        out += ["", "  " + t["reasons_h"]]
        for line in summary.reasons:
            source = f" [{line.source}]" if line.source else ""
            out.append(
                f"  {line.decisions:>7}  {line.code}: {line.text(lang)}{source}"
                f" — {t['deviating'].lower()}: {line.deviating}"
            )
    if summary.method_reasons:
        out += ["", "  " + t["by_method_reason"]]
        for (label, code), n in sorted(
            summary.method_reasons.items(), key=lambda kv: (_order(kv[0][0]), -kv[1], kv[0][1])
        ):
            out.append(f"  {t.get(label, label):<12} {code or t['no_reason']:<28} {n:>7}")
    out.append("  " + t["skoen"])
    return out


def _order(label: str) -> int:
    labels = (*METHODS, UNDECIDED)
    return labels.index(label) if label in labels else len(labels)


def group_value(value: str, t: Mapping[str, str]) -> str:
    return value if value else t["not_given"]


def groups_text(view: GroupView, t: Mapping[str, str]) -> list[str]:
    """The fairness view: per grouping column, the groups of at least MIN_GROUP citizens."""
    out = [t["groups_h"].format(columns=", ".join(view.columns))]
    labels = (*METHODS, UNDECIDED)
    for column in view.columns:
        head = f"  {column:<16} {t['citizens']:>8}" + "".join(
            f" {t.get(m, m)[:9]:>9}" for m in labels
        )
        if view.has_decisions:
            head += f" {t['decisions'][:10]:>10} {t['deviating']:>8} {t['below_need'][:11]:>11}"
        out += ["", head]
        for line in view.of(column):
            row = f"  {group_value(line.value, t)[:16]:<16} {line.citizens:>8}" + "".join(
                f" {percent(line.methods.get(m, 0), line.citizens):>9}" for m in labels
            )
            if view.has_decisions:
                row += (
                    f" {line.decisions:>10} {percent(line.deviating, line.decisions):>8}"
                    f" {percent(line.below_need, line.decisions):>11}"
                )
            out.append(row)
    hidden = sum(view.suppressed.values())
    out.append("")
    out.append("  " + t["suppressed"].format(k=view.min_group, n=hidden))
    if not view.has_decisions:
        out.append("  " + t["groups_no_decisions"])
    out.append("  " + t["groups_note"])
    return out


def diff_text(diff: RulesDiff, lang: str) -> str:
    """The rules diff as plain text."""
    t = LABELS[check_lang(lang)]
    out = [t["title_diff"], "=" * len(t["title_diff"])]
    out.append(f"{t['rules']}: {diff.old_fingerprint[:19]}… → {diff.new_fingerprint[:19]}…")
    out.append(t["changed"].format(n=diff.changed_count, rows=diff.old.rows))
    if diff.transitions:
        out += ["", t["transitions"]]
        for (o, n), c in sorted(diff.transitions.items(), key=lambda kv: -kv[1]):
            out.append(f"  {o:>20} → {n:<20} {c:>7}")
    out += ["", t["distribution"], f"  {'':<10} {t['old']:>8} {t['new']:>8} {t['change']:>8}"]
    for label, a, b in diff._distribution(t):
        out.append(f"  {label:<10} {a:>8} {b:>8} {b - a:>+8}")
    out += ["", t["staffing_shift"], f"  {'':<10} {t['old']:>8} {t['new']:>8} {t['change']:>8}"]
    for method, a_fte, b_fte in diff._staff():
        out.append(f"  {method:<10} {a_fte:>8.1f} {b_fte:>8.1f} {b_fte - a_fte:>+8.1f}")
    if diff.changed:
        out += ["", t["changed_rows"]]
        for citizen, before, after in diff.changed[:SHOWN]:
            out.append(f"  {citizen}: {before} → {after}")
        if len(diff.changed) > SHOWN:
            out.append("  " + t["and_more"].format(n=len(diff.changed) - SHOWN))
    return "\n".join(out)
