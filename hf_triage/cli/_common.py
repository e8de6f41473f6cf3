"""What every ``hf-triage`` command shares: the option types, loading the rules, failing.

Kept apart from ``__init__`` (which builds the app from the command modules) so that no
command module imports the package that imports it: the CLI has no import cycle.
"""

from __future__ import annotations

import json
import re
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional

import typer

from .._exceptions import TriageError

if TYPE_CHECKING:
    from .._compile import CompiledRules
    from .._models import Recommendation

__all__ = [
    "JsonOption",
    "Lang",
    "LangOption",
    "MunicipalityOption",
    "RulesOption",
    "echo",
    "fail",
    "fail_listing",
    "finish",
    "load_compiled",
    "safe",
    "safe_tree",
    "triage_assessment",
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


#: control characters (C0 but tab and newline, DEL, C1) and bidirectional overrides: written
#: raw to a terminal they run as escape sequences (a rule value or a citizen id could clear the
#: screen or retitle the window), so the CLI writes them as ``\\u001b`` (valid in JSON, too)
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """``text`` with every control character written as an escape, never raw."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def safe_tree(value: Any) -> Any:
    """JSON-like data with every text escaped by ``safe`` (for a renderer that prints it)."""
    if isinstance(value, str):
        return safe(value)
    if isinstance(value, list):
        return [safe_tree(v) for v in value]
    if isinstance(value, dict):
        return {k: safe_tree(v) for k, v in value.items()}
    return value


def echo(text: str, *, nl: bool = True) -> None:
    """``typer.echo`` of text that may hold rule-file values or course data: escaped."""
    typer.echo(safe(text), nl=nl)


def fail(message: str, code: int = 2) -> NoReturn:
    """One line on standard error, no traceback."""
    _write_err("hf-triage: " + " ".join(safe(message).split("\n")) + "\n")
    raise typer.Exit(code)


def _write_err(text: str) -> None:
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # no or closed standard error: exit anyway
        pass


def fail_listing(exc: TriageError) -> NoReturn:
    """For policy staff: every problem of a rule or case file on its own line, then exit 2."""
    problems = getattr(exc, "problems", ()) or (str(exc),)
    if len(problems) > 1:
        _write_err(f"hf-triage: {len(problems)} problem(s):\n")
    for problem in problems:
        line = " ".join(safe(problem).split("\n"))
        _write_err(("  " if len(problems) > 1 else "hf-triage: ") + line + "\n")
    raise typer.Exit(2)


def load_compiled(rules_dir: Path | None) -> CompiledRules:
    """The rule set of ``--rules``, or the shipped one."""
    from .._api import default_rules, load_rules

    return load_rules(rules_dir) if rules_dir is not None else default_rules()


def triage_assessment(
    file: str,
    rules_dir: Path | None,
    municipality: Path | None,
    lang: str,
    engine: str = "builtin",
) -> tuple[Any, CompiledRules, Recommendation]:
    """What ``assess`` and ``decide`` share: read the assessment (``-`` for stdin), the profile
    of ``--municipality`` and the rules of ``--rules``, and triage. Returns the assessment data,
    the rule set and the recommendation; raises ``TriageError``. The profile is read by the
    same loader as in ``batch`` and ``rules diff``: the same bad profile is worded the same."""
    from .._api import triage
    from .._assessments import load_assessment
    from .._municipality import load_municipality

    data = load_assessment(file)
    profile = load_municipality(municipality) if municipality is not None else None
    compiled = load_compiled(rules_dir)
    rec = triage(data, rules=compiled, municipality=profile, lang=lang, engine=engine)
    return data, compiled, rec


def finish(report: Any, text: str, json_out: bool) -> NoReturn:
    """Print a check or case report (text or JSON); exit 0 when ok, 1 otherwise."""
    if json_out:
        echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        echo(text)
    raise typer.Exit(0 if report.ok else 1)
