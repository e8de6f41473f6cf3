"""The cohort report and the rules diff as plain text, Danish or English, and the labels every
rendering (text, HTML, charts) shares.

Only wording lives here: what to say is computed in ``_report`` and ``_diff``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from .._domain import METHODS
from .._texts import check_lang, field_label
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

LABELS: dict[str, dict[str, str]] = {
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
        "decisions_h": "Afgørelser sammenholdt med anbefalingerne",
        "decisions_line": (
            "{n} afgørelser registreret: {dev} afviger fra anbefalingen eller afgør en uafklaret "
            "sag ({below} til en mindre intensiv metode end det vurderede behov, {above} til en "
            "mere intensiv)."
        ),
        "decisions_not_offered": (
            "{n} afgørelser afviger, fordi den anbefalede metode ikke tilbydes: et hul i "
            "indsatsviften, der skal lukkes (000 «1 Indsatsvifte»)."
        ),
        "other_ruleset": (
            "{n} afgørelser svarer på en anbefaling fra et andet regelsæt end kohortens; de "
            "tælles mod den anbefaling, de svarer på."
        ),
        "decided": "Afgjort",
        "decisions": "Afgørelser",
        "deviating": "Afviger",
        "reasons_h": "Begrundelser",
        "reason": "Begrundelse",
        "by_method_reason": "Afvigelser efter anbefalet metode og begrundelse",
        "no_reason": "(ingen)",
        "skoen": (
            "Sagsbehandleren træffer afgørelsen, og en afvigelse er ikke en fejl (skøn under "
            "regel); et mønster af afvigelser er værd at se på."
        ),
        "groups_h": "Fordeling efter gruppe: {columns}",
        "group": "Gruppe",
        "not_given": "(ikke oplyst)",
        "below_need": "Under behov",
        "suppressed": (
            "Grupper med færre end {k} borgere vises ikke og nævnes ikke, så en lille gruppe "
            "ikke peger en person ud; giver de skjulte grupper tilsammen færre end {k}, skjules "
            "også den næstmindste, så de ikke kan regnes ud af totalen (skjult her: {n})."
        ),
        "groups_note": (
            "Forskelle mellem grupper er et spørgsmål at undersøge, ikke et bevis på "
            "forskelsbehandling. Andele af de vurderede borgere i gruppen; afvigelser af "
            "gruppens afgørelser."
        ),
        "groups_no_decisions": "Ingen afgørelser givet: afvigelser pr. gruppe vises ikke.",
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
        "decisions_h": "Decisions against the recommendations",
        "decisions_line": (
            "{n} decisions recorded: {dev} differ from the recommendation or decide an undecided "
            "case ({below} to a less intensive method than the assessed need, {above} to a more "
            "intensive one)."
        ),
        "decisions_not_offered": (
            "{n} decisions differ because the recommended method is not offered: a gap in the "
            "portfolio to close (000 «1 Indsatsvifte»)."
        ),
        "other_ruleset": (
            "{n} decisions answer a recommendation of another rule set than the cohort's; they "
            "are counted against the recommendation they answer."
        ),
        "decided": "Decided",
        "decisions": "Decisions",
        "deviating": "Differ",
        "reasons_h": "Reasons",
        "reason": "Reason",
        "by_method_reason": "Deviations by recommended method and reason",
        "no_reason": "(none)",
        "skoen": (
            "The caseworker decides, and a deviation is not an error (discretion under the "
            "rule); a pattern of deviations is worth a look."
        ),
        "groups_h": "Distribution by group: {columns}",
        "group": "Group",
        "not_given": "(not given)",
        "below_need": "Below need",
        "suppressed": (
            "Groups with fewer than {k} citizens are neither shown nor named, so that a small "
            "group does not point out a person; when the hidden groups add up to fewer than "
            "{k}, the next-smallest is hidden too, so that they cannot be worked out from the "
            "total (hidden here: {n})."
        ),
        "groups_note": (
            "Differences between groups are a question to examine, not proof of unequal "
            "treatment. Shares of the group's assessed citizens; deviations of the group's "
            "decisions."
        ),
        "groups_no_decisions": "No decisions given: deviations per group are not shown.",
    },
}

SHOWN = 12  # rows of a long list shown in text and HTML (JSON has them all)


def fte(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def fields(names: Iterable[str], t: dict[str, str]) -> str:
    """The fields by their names on screen (texts.yaml ``field.*``): a Danish report names
    no English field code (issue 10 item 14)."""
    lang = "da" if t is LABELS["da"] else "en"
    return ", ".join(field_label(n, lang, n) for n in names)


def recommended_labels(pairs: Mapping[tuple[str, str], int]) -> list[str]:
    """The rows of the recommended-against-assigned table: the labels that occur, in order."""
    return [m for m in (*METHODS, UNDECIDED) if any(r == m for r, _ in pairs)]


def crosstab_lines(pairs: Mapping[tuple[str, str], int], t: dict[str, str]) -> list[str]:
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
            f"  {n:>7}  {t['missing']}: {fields(missing, t)}; "
            f"{t['possible'].lower()}: {', '.join(possible)}"
        )
    for citizen, _, missing in report.undecided_citizens[:SHOWN]:
        out.append(f"           {t['citizen']} {citizen}: {fields(missing, t)}")
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


def decisions_text(summary: DecisionSummary, t: dict[str, str], lang: str) -> list[str]:
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


def group_value(value: str, t: dict[str, str]) -> str:
    return value if value else t["not_given"]


def groups_text(view: GroupView, t: dict[str, str]) -> list[str]:
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
