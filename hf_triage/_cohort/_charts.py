"""The cohort report's charts (matplotlib, imported only when a chart is drawn), and the PNG
that embeds one in HTML. Inline PNG rather than a JavaScript chart library: a saved report must
open without the network (DESIGN.md, "Keep as they are")."""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING

from ._tally import UNDECIDED
from ._text import LABELS, check_lang

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ._diff import RulesDiff
    from ._report import CohortReport

__all__ = ["has_matplotlib", "plot_diff", "plot_methods", "plot_staffing", "png_base64"]

_COLOURS = {"CTI": "#7fb3d5", "ICM": "#2e86c1", "ACT": "#1b4f72", UNDECIDED: "#bfbfbf"}


def has_matplotlib() -> bool:
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


def png_base64(fig: Figure) -> str:
    """The figure as a base64 PNG, for ``<img src='data:image/png;base64,...'>``."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def plot_methods(report: CohortReport, ax: Axes | None, lang: str) -> Figure:
    """A bar chart of the recommended methods (and the undecided)."""
    t = LABELS[check_lang(lang)]
    fig, ax = _axes(ax)
    rows = report._method_rows()
    labels = [t.get(label, label) for label, _ in rows]
    bars = ax.bar(labels, [n for _, n in rows], color=[_COLOURS[label] for label, _ in rows])
    ax.bar_label(bars)
    ax.set_title(t["chart_methods"])
    ax.set_ylabel(t["citizens"])
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_staffing(report: CohortReport, ax: Axes | None, lang: str) -> Figure:
    """Staff needed (with the undecided as a lighter extension) against staff available."""
    t = LABELS[check_lang(lang)]
    fig, ax = _axes(ax)
    methods = [line.method for line in report.staffing]
    x = list(range(len(methods)))
    width = 0.38
    needed = [line.staff_needed for line in report.staffing]
    extra = [line.staff_needed_max - line.staff_needed for line in report.staffing]
    ax.bar([i - width / 2 for i in x], needed, width, color="#2e86c1", label=t["needed"])
    ax.bar(
        [i - width / 2 for i in x],
        extra,
        width,
        bottom=needed,
        color="#aed6f1",
        label=t["needed_extra"],
    )
    if any(line.staff is not None for line in report.staffing):
        staff = [line.staff or 0.0 for line in report.staffing]
        bars = ax.bar([i + width / 2 for i in x], staff, width, color="#7f8c8d")
        bars.set_label(t["staff"])
    for i, line in enumerate(report.staffing):
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


def plot_diff(diff: RulesDiff, ax: Axes | None, lang: str) -> Figure:
    """Old and new method distribution side by side."""
    t = LABELS[check_lang(lang)]
    fig, ax = _axes(ax)
    rows = diff._distribution(t)
    x = list(range(len(rows)))
    ax.bar([i - 0.2 for i in x], [a for _, a, _ in rows], 0.4, color="#aed6f1")
    ax.bar([i + 0.2 for i in x], [b for _, _, b in rows], 0.4, color="#2e86c1")
    ax.set_xticks(x, [label for label, _, _ in rows])
    ax.legend([t["old"], t["new"]], frameon=False)
    ax.set_title(t["distribution"])
    ax.spines[["top", "right"]].set_visible(False)
    return fig
