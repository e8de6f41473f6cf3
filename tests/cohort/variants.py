"""Report variants whose visible text must not change when the HTML moves to templates.

``renderings()`` builds every variant through the public API only, so the same function ran on
main's f-string code (which wrote ``golden/renderings.json``, see ``make_golden.py``) and runs on
the jinja2 templates now. ``visible_text`` is what a reader sees of an HTML rendering.
"""

from __future__ import annotations

import csv
import datetime as dt
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE_PROFILE = ROOT / "rules" / "municipality.example.yaml"
EXAMPLE_COHORT = ROOT / "examples" / "cohort.csv"
EXAMPLE_COURSES = ROOT / "examples" / "courses.csv"
GOLDEN = Path(__file__).resolve().parent / "golden" / "renderings.json"

ACT = {"complexity": "severe", "service_use": "minimal"}
ICM = {"complexity": "moderate", "service_use": "partial"}
CTI = {"complexity": "mild", "service_use": "significant", "support_duration": "transitional"}
UNDECIDED = {"complexity": "severe"}

PROFILE: dict[str, Any] = {
    "name": "Testkommune <&> 'x'",
    "offers": ["CTI", "ICM"],
    "staff": {"CTI": 1, "ICM": 1},
    "caseload": {
        "ICM": {"citizens_per_worker": 8, "since": "2021-03-01", "source": "003 §3.5 <b>"},
    },
}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images = 0
        self.hidden = 0  # inside <style> or <script>: not shown

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images += 1
        if tag in {"style", "script"}:
            self.hidden += 1
        # block-level boundaries separate words the way a browser does
        if tag in {"p", "h3", "h4", "li", "td", "th", "tr", "summary", "div", "ul", "table"}:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"style", "script"}:
            self.hidden -= 1
        if tag in {"p", "h3", "h4", "li", "td", "th", "tr", "summary", "div", "ul", "table"}:
            self.parts.append(" ")


def visible_text(html: str) -> str:
    """The text a browser shows (whitespace collapsed), plus the number of images."""
    parser = _Text()
    parser.feed(html)
    text = " ".join("".join(parser.parts).split())
    return f"{text} [images: {parser.images}]"


def _cohort_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for kind, n, assigned in [
        (ICM, 9, "CTI"),
        (ACT, 3, "CTI"),
        (CTI, 2, "CTI"),
        (UNDECIDED, 14, ""),
        ({"complexity": "sever"}, 1, ""),
        ({"complexity": "<b>bad</b>"}, 1, ""),
    ]:
        for _ in range(n):
            rows.append({**kind, "citizen_id": f"c{len(rows)}", "assigned_method": assigned})
    rows[0]["assigned_method"] = "ICM"
    return rows


def _frame(rows: list[dict[str, Any]]) -> Any:
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    return pd.DataFrame(rows).fillna("").astype("str")


def _reviews() -> Any:
    from hf_triage import review_course_rows

    with EXAMPLE_COURSES.open(encoding="utf-8") as fh:
        _, reviews = review_course_rows(list(csv.DictReader(fh)), today=dt.date(2026, 11, 24))
    return reviews


def renderings(rules_dir: Path | None = None) -> dict[str, str]:
    """Every variant's text and the visible text of its HTML, by name."""
    from hf_triage import (
        cohort_report,
        diff_rules,
        load_municipality,
        load_rules,
        read_cohort,
        triage,
        triage_frame,
        triage_many,
    )

    rows = _cohort_rows()
    reports = {
        "frame_profile": cohort_report(triage_frame(_frame(rows)), PROFILE),
        "many_no_profile": cohort_report(triage_many(rows[:14])),
        "recs_only": cohort_report([triage(ICM), triage(ACT), triage(CTI)]),
        "example": cohort_report(
            triage_frame(read_cohort(EXAMPLE_COHORT)),
            load_municipality(EXAMPLE_PROFILE),
            reviews=_reviews(),
        ),
        "no_staff": cohort_report(triage_many(rows), {"name": "Uden personale", "offers": ["ICM"]}),
        "all_offered": cohort_report(
            triage_many(rows[:12]), {"offers": ["CTI", "ICM", "ACT"], "staff": {"ICM": 0.5}}
        ),
    }
    out: dict[str, str] = {}
    for name, report in reports.items():
        for lang in ("da", "en"):
            out[f"{name}.{lang}.text"] = report.to_text(lang)
            fragment = report.to_html(lang, charts=False, full_document=False)
            out[f"{name}.{lang}.html"] = visible_text(fragment)
            page = report.to_html(lang, charts=False)
            out[f"{name}.{lang}.page"] = visible_text(page) + " " + page[:60]
    out["example.da.charts"] = visible_text(reports["example"].to_html("da"))
    shipped = load_rules(ROOT / "rules")
    other = load_rules(rules_dir) if rules_dir is not None else shipped
    changing = [
        {"citizen_id": "a", "service_use": "minimal", "complexity": "moderate",
         "dimensions.mental_health": "2", "dimensions.substance_use": "3"},
        {"citizen_id": "b", "service_use": "minimal", "complexity": "moderate",
         "dimensions.mental_health": "1", "dimensions.substance_use": "3"},
        {"citizen_id": "c<i>", "service_use": "minimal",
         "dimensions.mental_health": "2", "dimensions.substance_use": "4"},
    ] * 5  # fmt: skip
    diff = diff_rules(_frame(rows + changing), shipped, other, municipality=PROFILE)
    for lang in ("da", "en"):
        out[f"diff.{lang}.text"] = diff.to_text(lang)
        out[f"diff.{lang}.html"] = visible_text(diff.to_html(lang))
    assessments: dict[str, dict[str, Any]] = {
        "act": ACT,
        "undecided": UNDECIDED,
        "warned": {**ACT, "dimensions": {"mental_health": 4}},
    }
    for name, assessment in assessments.items():
        for lang in ("da", "en"):
            rec = triage(assessment, lang=lang, municipality={"offers": ["CTI"]})
            out[f"rec.{name}.{lang}.html"] = visible_text(rec._repr_html_())
    return out


def edit_rules(rules_dir: Path) -> None:
    """Lower ACT's mental-health threshold: some rows change recommendation."""
    act = rules_dir / "act.yaml"
    act.write_text(
        act.read_text(encoding="utf-8").replace(
            "{field: dimensions.mental_health, at_least: 3}",
            "{field: dimensions.mental_health, at_least: 2}",
        ),
        encoding="utf-8",
    )
