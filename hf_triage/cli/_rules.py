"""``hf-triage rules ...``: check, test, describe and compare rule sets."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from .._exceptions import TriageError
from ._common import (
    JsonOption,
    Lang,
    LangOption,
    MunicipalityOption,
    echo,
    fail,
    fail_listing,
    finish,
    load_compiled,
)

if TYPE_CHECKING:
    from .._compile import CompiledRules

__all__ = ["rules_check", "rules_diff", "rules_schema", "rules_test"]


def _load_in(rules_dir: Path | None, lang: Lang) -> CompiledRules:
    """The rule set of DIR (its load errors in ``--lang``), or the shipped one."""
    if rules_dir is None:
        return load_compiled(None)
    from .._api import load_rules

    return load_rules(rules_dir, lang=lang.value)


DirArgument = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Argument(help="Rule directory (default: the shipped rules)."),
]


class CheckMethodChoice(str, Enum):
    symbolic = "symbolic"
    regions = "regions"


MethodOption = Annotated[
    CheckMethodChoice,
    typer.Option(
        "--method",
        help="symbolic: binary decision diagrams (default); regions: enumerate the value "
        "classes (the earlier method). Same findings; the report names the method.",
    ),
]


def rules_check(
    rules_dir: DirArgument = None,
    json_out: JsonOption = False,
    lang: LangOption = Lang.da,
    method: MethodOption = CheckMethodChoice.symbolic,
) -> None:
    """Verify a rule set exhaustively: gaps, monotonicity, invariance, dead criteria.

    Exit 0 when clean, 1 with findings, 2 when the rules do not load.
    """
    from .._check import check_rules, render_report

    try:
        compiled = _load_in(rules_dir, lang)
    except TriageError as exc:
        fail_listing(exc)
    report = check_rules(
        compiled, "symbolic" if method is CheckMethodChoice.symbolic else "regions"
    )
    finish(report, render_report(report, lang.value), json_out)


def rules_test(
    rules_dir: DirArgument = None, json_out: JsonOption = False, lang: LangOption = Lang.da
) -> None:
    """Run the policy test cases in DIR/tests: each an assessment and its expected outcome.

    Exit 0 when every case passes, 1 when some fail, 2 when the rules or cases do not load.
    """
    from .._cases import render_case_report, run_cases

    try:
        report = run_cases(_load_in(rules_dir, lang), lang=lang.value)
    except TriageError as exc:
        fail_listing(exc)
    finish(report, render_case_report(report, lang.value), json_out)


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
    from .._schema import schema_for

    try:
        schema = schema_for(kind)
    except TriageError as exc:
        fail(str(exc))
    text = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


def rules_diff(
    old: Annotated[Path, typer.Argument(help="The rule directory before the change.")],
    new: Annotated[Path, typer.Argument(help="The rule directory after the change.")],
    cohort: Annotated[
        Path, typer.Option("--cohort", help="Cohort file (.csv, .parquet or .jsonl).")
    ],
    municipality: MunicipalityOption = None,
    json_out: JsonOption = False,
    html: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--html", help="Also write the comparison as HTML to this file."),
    ] = None,
    lang: LangOption = Lang.da,
) -> None:
    """Which citizens change recommendation between two rule versions, and how the method
    distribution and the staffing need shift."""
    from .._cohort import diff_rules
    from .._municipality import load_municipality

    try:
        result = diff_rules(
            cohort,
            _load_in(old, lang),
            _load_in(new, lang),
            municipality=load_municipality(municipality) if municipality is not None else None,
            lang=lang.value,
        )
        if html is not None:
            html.write_text(
                "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
                + result.to_html()
                + "</body></html>",
                encoding="utf-8",
            )
    except (TriageError, OSError, ImportError) as exc:
        fail(str(exc))
    echo(result.to_json() if json_out else result.to_text())
