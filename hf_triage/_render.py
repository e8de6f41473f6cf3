"""Render a Recommendation for people: HTML for notebooks (a jinja2 template, autoescaped),
rich text for the terminal.

Rendering only shows what the Recommendation holds; no logic lives here.
"""

from __future__ import annotations

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
        "source": "Kilde",
        "fingerprint": "Regelsæt",
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
        "source": "Source",
        "fingerprint": "Rule set",
        "decides": "The caseworker decides; this is a recommendation.",
    },
}
LABELS["da"]["decides"] = "Sagsbehandleren træffer afgørelsen; dette er en anbefaling."


def recommendation_html(rec: Recommendation) -> str:
    """The recommendation as HTML for a notebook (templates/recommendation.html.j2)."""
    from ._templates import render

    return render("recommendation.html.j2", rec=rec, t=LABELS[rec.lang])


def recommendation_rich(rec: Recommendation) -> RenderableType:
    """A rich renderable for the terminal: method first, then warnings, reasons, why not."""
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
    if rec.why_not:
        lines.append(Text(f"\n{t['why_not']}", style="bold"))
        for a in rec.why_not:
            lines.append(Text(f"  – {a.text}", style="dim"))
    lines.append(
        Text(f"\n{t['decides']} {t['fingerprint']}: {rec.ruleset_fingerprint[:19]}", style="dim")
    )
    return Panel(Group(*lines), title=title, title_align="left")
