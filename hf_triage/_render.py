"""Render a Recommendation for people: HTML for notebooks, rich text for the terminal.

Rendering only shows what the Recommendation holds; no logic lives here.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ._models import Recommendation

__all__ = ["LABELS", "recommendation_html", "recommendation_rich"]

LABELS = {
    "da": {
        "title": "Anbefalet støttemetode",
        "undecided": "Ikke afgjort endnu",
        "possible": "Mulige metoder",
        "missing": "Mangler svar på",
        "reasons": "Begrundelse",
        "warnings": "Opmærksomhedspunkter",
        "why_not": "Hvorfor ikke de andre metoder",
        "counterfactuals": "Hvad der ville give en anden metode",
        "borderline": "Grænsetilfælde: ét trin på ét svar ændrer metoden.",
        "next_questions": "Spørg næst om (svar → resultat)",
        "source": "Kilde",
        "fingerprint": "Regelsæt",
        "version": "version",
        "decides": "Caseworkeren træffer afgørelsen; dette er en anbefaling.",
    },
    "en": {
        "title": "Recommended support method",
        "undecided": "Not decided yet",
        "possible": "Possible methods",
        "missing": "Answers still missing",
        "reasons": "Reasons",
        "warnings": "Warnings",
        "why_not": "Why not the other methods",
        "counterfactuals": "What would give another method",
        "borderline": "Borderline: one step on one answer changes the method.",
        "next_questions": "Ask next (answer → result)",
        "source": "Source",
        "fingerprint": "Rule set",
        "version": "version",
        "decides": "The caseworker decides; this is a recommendation.",
    },
}
LABELS["da"]["decides"] = "Sagsbehandleren træffer afgørelsen; dette er en anbefaling."


def _version(rec: Recommendation, t: dict[str, str]) -> str:
    return f" ({t['version']} {rec.ruleset_version})" if rec.ruleset_version else ""


def recommendation_html(rec: Recommendation) -> str:
    t = LABELS[rec.lang]
    head = (
        f"<strong>{escape(rec.method)}</strong>"
        if rec.method
        else f"<strong>{t['undecided']}</strong> — {t['possible']}: "
        + escape(", ".join(rec.possible_methods))
        + f"; {t['missing']}: "
        + escape(", ".join(rec.missing))
    )
    parts = [f"<div class='hf-triage'><h4>{t['title']}: {head}</h4>"]
    if rec.warnings:
        parts.append(f"<p><b>{t['warnings']}</b></p><ul>")
        parts += [
            f"<li><code>{escape(w.code)}</code> {escape(w.text)} <i>({escape(w.source)})</i></li>"
            for w in rec.warnings
        ]
        parts.append("</ul>")
    if rec.reasons:
        parts.append(f"<p><b>{t['reasons']}</b></p><ul>")
        parts += [
            f"<li>{escape(r.text)} <i>({escape(r.source)}; {escape(r.rule_id)})</i></li>"
            for r in rec.reasons
        ]
        parts.append("</ul>")
    if rec.next_questions:
        parts.append(f"<p><b>{t['next_questions']}</b></p><ul>")
        parts += [f"<li>{escape(q.text)}</li>" for q in rec.next_questions]
        parts.append("</ul>")
    if rec.counterfactuals:
        parts.append(f"<details><summary>{t['counterfactuals']}</summary><ul>")
        if rec.borderline:
            parts.append(f"<li><i>{t['borderline']}</i></li>")
        parts += [f"<li>{escape(c.text)}</li>" for c in rec.counterfactuals]
        parts.append("</ul></details>")
    parts.append(
        f"<p style='font-size:smaller'>{t['decides']} {t['fingerprint']}: "
        f"<code>{escape(rec.ruleset_fingerprint[:19])}</code>{_version(rec, t)}</p></div>"
    )
    return "".join(parts)


def recommendation_rich(rec: Recommendation) -> RenderableType:
    """A rich renderable for the terminal: method first, then warnings, reasons, what to ask
    next and what would give another method (the counterfactuals replace the why-not lists)."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    t = LABELS[rec.lang]
    lines: list[Text] = []
    if rec.method:
        title = Text.assemble((f"{t['title']}: ", "bold"), (rec.method, "bold green"))
    else:
        title = Text.assemble((f"{t['title']}: ", "bold"), (t["undecided"], "bold yellow"))
        lines.append(Text(f"{t['possible']}: {', '.join(rec.possible_methods)}"))
        lines.append(Text(f"{t['missing']}: {', '.join(rec.missing)}", style="yellow"))
    if rec.warnings:
        lines.append(Text(f"\n{t['warnings']}", style="bold red"))
        for w in rec.warnings:
            lines.append(Text(f"  ! [{w.code}] {w.text} ({w.source})", style="red"))
    if rec.reasons:
        lines.append(Text(f"\n{t['reasons']}", style="bold"))
        for r in rec.reasons:
            lines.append(Text(f"  • {r.text}"))
            lines.append(Text(f"    {t['source']}: {r.source} [{r.rule_id}]", style="dim"))
    if rec.next_questions:
        lines.append(Text(f"\n{t['next_questions']}", style="bold"))
        for q in rec.next_questions:
            lines.append(Text(f"  ? {q.text}", style="yellow"))
    if rec.counterfactuals:
        lines.append(Text(f"\n{t['counterfactuals']}", style="bold"))
        if rec.borderline:
            lines.append(Text(f"  {t['borderline']}", style="yellow"))
        for c in rec.counterfactuals:
            lines.append(Text(f"  – {c.text}", style="dim"))
    footer = f"\n{t['decides']} {t['fingerprint']}: {rec.ruleset_fingerprint[:19]}"
    lines.append(Text(footer + _version(rec, t), style="dim"))
    return Panel(Group(*lines), title=title, title_align="left")
