"""``hf-triage review``: follow-up signals for one course record, or for a CSV of courses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from .._exceptions import TriageError
from ._common import JsonOption, Lang, LangOption, RulesOption, echo, fail, load_compiled

__all__ = ["review"]


def review(
    file: Annotated[
        str,
        typer.Argument(help="YAML or JSON course record, '-' for stdin, or a CSV of courses."),
    ],
    today: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--today", help="The date to review on, YYYY-MM-DD (default: today)."),
    ] = None,
    json_out: JsonOption = False,
    lang: LangOption = Lang.da,
    rules: RulesOption = None,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--output", "-o", help="For a CSV of courses: write the results here."),
    ] = None,
) -> None:
    """Follow-up signals for a course of support (re-visitation, continuity, ending).

    Given a CSV of courses (one row a course), every row is reviewed: OUT gets citizen_id,
    method, signals (codes joined with ';') and error; a summary is printed.
    """
    from .._followup import load_course, review_course
    from .._followup._course import parse_iso_date

    try:
        day = parse_iso_date(today) if today else dt.date.today()
    except ValueError as exc:
        fail(f"--today: {exc}")
    if file.endswith(".csv"):
        _review_csv(file, day, rules, lang.value, output, json_out)
        return
    try:
        course = load_course(file)
        result = review_course(course, today=day, rules=load_compiled(rules), lang=lang.value)
    except TriageError as exc:
        fail(str(exc))
    if json_out:
        echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    from .._texts import text

    echo(text("cli.followup_head", lang.value, method=result.method, day=result.today.isoformat()))
    if not result.signals:
        echo("  " + text("cli.no_signals", lang.value))
    for signal in result.signals:
        echo(f"  ! [{signal.code}] {signal.text} ({signal.source})")


def _review_csv(
    source: str,
    day: dt.date,
    rules_dir: Path | None,
    lang: str,
    output: Path | None,
    as_json: bool,
) -> None:
    from .._followup import FollowupSummary, read_course_file, write_course_results

    try:
        compiled = load_compiled(rules_dir)
        rows, reviews = read_course_file(source, today=day, rules=compiled, lang=lang)
        if output is not None:
            write_course_results(rows, output)
    except TriageError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{output}: cannot write the results: {exc.strerror or type(exc).__name__}")
    summary = FollowupSummary.from_reviews(reviews, compiled)  # its threshold, too
    if as_json:
        echo(json.dumps({"summary": summary.to_dict(), "rows": rows}, ensure_ascii=False))
        return
    from .._texts import text

    errors = sum(1 for r in rows if r["error"])
    echo(text("cli.courses_errors", lang, n=len(rows), errors=errors))
    for line in summary.lines(lang):
        echo("  " + line)
