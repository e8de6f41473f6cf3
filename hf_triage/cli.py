"""The ``hf-triage`` command: a thin shell that parses, calls the library and renders.

Exit codes: 0 success (a recommendation, decided or not; clean rules), 1 rule findings or
failing cases, 2 invalid input or rules that do not load (one line on standard error).
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional

import typer

from ._exceptions import TriageError

app = typer.Typer(
    name="hf-triage",
    help="Housing First triage: recommend CTI, ICM or ACT from assessment answers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="Check, test and describe rule sets.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


class Lang(str, Enum):
    da = "da"
    en = "en"


RulesOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
    typer.Option("--rules", help="Rule directory (default: the shipped rules)."),
]
LangOption = Annotated[Lang, typer.Option("--lang", help="Language of the texts.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


def fail(message: str, code: int = 2) -> NoReturn:
    """One line on standard error, no traceback."""
    sys.stderr.write("hf-triage: " + " ".join(message.split("\n")) + "\n")
    raise typer.Exit(code)


def fail_listing(exc: TriageError) -> NoReturn:
    """For policy staff: every problem of a rule or case file on its own line, then exit 2."""
    problems = getattr(exc, "problems", ()) or (str(exc),)
    if len(problems) > 1:
        sys.stderr.write(f"hf-triage: {len(problems)} problem(s):\n")
    for problem in problems:
        sys.stderr.write(("  " if len(problems) > 1 else "hf-triage: ") + problem + "\n")
    raise typer.Exit(2)


def _load(rules_dir: Path | None):  # type: ignore[no-untyped-def]
    from ._api import default_rules, load_rules

    return load_rules(rules_dir) if rules_dir is not None else default_rules()


@app.command()
def assess(
    file: Annotated[str, typer.Argument(help="YAML or JSON assessment file, '-' for stdin.")],
    json_out: JsonOption = False,
    lang: LangOption = Lang.da,
    rules: RulesOption = None,
    municipality: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--municipality", help="YAML file with the municipality's portfolio."),
    ] = None,
    engine: Annotated[str, typer.Option("--engine", help="builtin or durable.")] = "builtin",
) -> None:
    """Recommend a support method for one assessment."""
    from ._api import MunicipalityError, triage
    from ._io import read_document

    try:
        data = read_document(file, "assessment")
        profile = (
            read_document(municipality, "municipality profile", MunicipalityError)
            if municipality
            else None
        )
        rec = triage(data, rules=_load(rules), municipality=profile, lang=lang.value, engine=engine)
    except TriageError as exc:
        fail(str(exc))
    if json_out:
        typer.echo(json.dumps(rec.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    from rich.console import Console

    from ._render import recommendation_rich

    Console().print(recommendation_rich(rec))


@app.command()
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
    import datetime as dt

    from ._followup import CourseError, review_course
    from ._io import read_document

    try:
        day = dt.date.fromisoformat(today) if today else dt.date.today()
    except ValueError:
        fail(f"--today {today!r} is not a date; write YYYY-MM-DD, e.g. 2026-11-24")
    if file.endswith(".csv"):
        _review_csv(Path(file), day, rules, lang.value, output, json_out)
        return
    try:
        data = read_document(file, "course record", CourseError)
        result = review_course(data, today=day, rules=_load(rules), lang=lang.value)
    except TriageError as exc:
        fail(str(exc))
    if json_out:
        typer.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    da = lang.value == "da"
    head = f"{'Opfølgning' if da else 'Follow-up'}: {result.method}, {result.today.isoformat()}"
    typer.echo(head)
    if not result.signals:
        typer.echo("  " + ("Ingen signaler." if da else "No signals."))
    for signal in result.signals:
        typer.echo(f"  ! [{signal.code}] {signal.text} ({signal.source})")


def _review_csv(
    path: Path, day: object, rules_dir: Path | None, lang: str, output: Path | None, as_json: bool
) -> None:
    import csv
    import datetime as dt

    from ._followup import FollowupSummary, review_course_rows

    assert isinstance(day, dt.date)
    try:
        compiled = _load(rules_dir)
        with path.open(encoding="utf-8", newline="") as fh:
            rows, reviews = review_course_rows(
                csv.DictReader(fh), today=day, rules=compiled, lang=lang
            )
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read the courses: {exc}")
    except TriageError as exc:
        fail(f"{path}: {exc}")
    summary = FollowupSummary.from_reviews(reviews, compiled)
    if output is not None:
        with output.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=["citizen_id", "method", "signals", "error"])
            writer.writeheader()
            writer.writerows(rows)
    if as_json:
        typer.echo(json.dumps({"summary": summary.to_dict(), "rows": rows}, ensure_ascii=False))
        return
    errors = sum(1 for r in rows if r["error"])
    typer.echo(
        f"{len(rows)} {'forløb' if lang == 'da' else 'courses'}, "
        f"{errors} {'med fejl' if lang == 'da' else 'with errors'}"
    )
    for line in summary.lines(lang):
        typer.echo("  " + line)


DirArgument = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Argument(help="Rule directory (default: the shipped rules)."),
]


@rules_app.command("check")
def rules_check(
    rules_dir: DirArgument = None, json_out: JsonOption = False, lang: LangOption = Lang.da
) -> None:
    """Verify a rule set exhaustively: gaps, monotonicity, invariance, dead criteria.

    Exit 0 when clean, 1 with findings, 2 when the rules do not load.
    """
    from ._check import check_rules, render_report

    try:
        compiled = _load(rules_dir)
    except TriageError as exc:
        fail_listing(exc)
    report = check_rules(compiled)
    _finish(report, render_report(report, lang.value), json_out)


def _finish(report: Any, text: str, json_out: bool) -> NoReturn:
    """Print a check or case report (text or JSON); exit 0 when ok, 1 otherwise."""
    if json_out:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        typer.echo(text)
    raise typer.Exit(0 if report.ok else 1)


@rules_app.command("test")
def rules_test(
    rules_dir: DirArgument = None, json_out: JsonOption = False, lang: LangOption = Lang.da
) -> None:
    """Run the policy test cases in DIR/tests: each an assessment and its expected outcome.

    Exit 0 when every case passes, 1 when some fail, 2 when the rules or cases do not load.
    """
    from ._cases import render_case_report, run_cases

    try:
        report = run_cases(_load(rules_dir))
    except TriageError as exc:
        fail_listing(exc)
    _finish(report, render_case_report(report, lang.value), json_out)


@rules_app.command("schema")
def rules_schema(
    kind: Annotated[
        str,
        typer.Argument(
            help="rules, municipality, cases, course, assessment, recommendation or review."
        ),
    ] = "rules",
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--output", "-o", help="Write to this file instead of standard output."),
    ] = None,
) -> None:
    """Write a JSON Schema: of rule files (default), profiles, case files or the JSON formats."""
    from ._schema import schema_for

    try:
        schema = schema_for(kind)
    except TriageError as exc:
        fail(str(exc))
    text = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


from ._cli_cohort import register as _register_cohort  # noqa: E402 - needs app defined

_register_cohort(app, rules_app)


from ._cli_extras import register as _register_extras  # noqa: E402 - needs app defined

_register_extras(app)


def main() -> None:
    """Entry point of the ``hf-triage`` script."""
    from ._streams import use_utf8_streams

    use_utf8_streams()
    app()


if __name__ == "__main__":
    main()
