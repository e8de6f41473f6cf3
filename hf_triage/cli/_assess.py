"""``hf-triage assess``: one assessment file (or stdin) -> a recommendation."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from .._exceptions import TriageError
from ._common import (
    Lang,
    LangOption,
    MunicipalityOption,
    RulesOption,
    echo,
    fail,
    safe_tree,
    triage_assessment,
)

__all__ = ["assess"]


def assess(
    file: Annotated[str, typer.Argument(help="YAML or JSON assessment file, '-' for stdin.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    lang: LangOption = Lang.da,
    rules: RulesOption = None,
    municipality: MunicipalityOption = None,
    engine: Annotated[str, typer.Option("--engine", help="builtin or durable.")] = "builtin",
) -> None:
    """Recommend a support method for one assessment."""
    try:
        _, _, rec = triage_assessment(file, rules, municipality, lang.value, engine)
    except TriageError as exc:
        fail(str(exc))
    if json_out:
        echo(json.dumps(rec.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    from rich.console import Console

    from .._render import recommendation_rich

    # rule-file texts reach the terminal through rich, which passes escape sequences on as
    # they are: the recommendation is rendered from a copy with every text escaped
    shown = type(rec).model_validate(safe_tree(rec.model_dump(mode="json")))
    Console().print(recommendation_rich(shown))
