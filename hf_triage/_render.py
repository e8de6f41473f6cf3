"""Render a Recommendation for people: HTML for notebooks (a jinja2 template, autoescaped),
rich text for the terminal.

Rendering only shows what the Recommendation holds; no logic lives here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ._texts import Labels, field_label

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ._models import Recommendation

__all__ = ["LABELS", "missing_labels", "recommendation_html", "recommendation_rich"]

#: the recommendation's screen texts (texts.yaml ``render.*``), per language
LABELS: Mapping[str, Mapping[str, str]] = Labels("render")


def missing_labels(rec: Recommendation) -> list[str]:
    """The missing answers by their names on screen ("evne til at bruge eksisterende tilbud")."""
    return [field_label(name, rec.lang) for name in rec.missing]


def _version(rec: Recommendation, t: Mapping[str, str]) -> str:
    return f" ({t['version']} {rec.ruleset_version})" if rec.ruleset_version else ""


def recommendation_html(rec: Recommendation) -> str:
    """The recommendation as HTML for a notebook (templates/recommendation.html.j2)."""
    from ._templates import render

    return render(
        "recommendation.html.j2", rec=rec, t=LABELS[rec.lang], missing=missing_labels(rec)
    )


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
        lines.append(Text(f"{t['missing']}: {', '.join(missing_labels(rec))}", style="yellow"))
    # warnings to act on first, then the reminders (level "info"), each in file order
    for level, heading, mark, style in (
        ("warning", t["warnings"], "!", "red"),
        ("info", t["info"], "i", "cyan"),
    ):
        shown = [w for w in rec.warnings if w.level == level]
        if shown:
            lines.append(Text(f"\n{heading}", style=f"bold {style}"))
            for w in shown:
                lines.append(Text(f"  {mark} [{w.code}] {w.text} ({w.source})", style=style))
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
