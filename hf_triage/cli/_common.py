"""What every ``hf-triage`` command shares: the option types, loading the rules, failing.

Kept apart from ``__init__`` (which builds the app from the command modules) so that no
command module imports the package that imports it: the CLI has no import cycle.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional

import typer

from .._exceptions import TriageError

if TYPE_CHECKING:
    from .._compile import CompiledRules

__all__ = [
    "JsonOption",
    "Lang",
    "LangOption",
    "MunicipalityOption",
    "RulesOption",
    "fail",
    "fail_listing",
    "finish",
    "load_compiled",
]


class Lang(str, Enum):
    da = "da"
    en = "en"


RulesOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
    typer.Option("--rules", help="Rule directory (default: the shipped rules)."),
]
LangOption = Annotated[Lang, typer.Option("--lang", help="Language of the texts.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
MunicipalityOption = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--municipality", help="YAML file with the municipality's profile ('-' for stdin)."
    ),
]


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


def load_compiled(rules_dir: Path | None) -> CompiledRules:
    """The rule set of ``--rules``, or the shipped one."""
    from .._api import default_rules, load_rules

    return load_rules(rules_dir) if rules_dir is not None else default_rules()


def finish(report: Any, text: str, json_out: bool) -> NoReturn:
    """Print a check or case report (text or JSON); exit 0 when ok, 1 otherwise."""
    if json_out:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        typer.echo(text)
    raise typer.Exit(0 if report.ok else 1)
