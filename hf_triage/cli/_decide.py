"""``hf-triage decide``: record the caseworker's decision on an assessment.

It triages the assessment, calls ``record_decision`` and prints the record as JSON (``--json``)
or the drafted grounds (Danish by default). Invalid input exits 2 with one line on standard
error; the note is never repeated in an error.
"""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from .._exceptions import TriageError
from ._common import (
    JsonOption,
    Lang,
    LangOption,
    MunicipalityOption,
    RulesOption,
    echo,
    fail,
    triage_assessment,
)

__all__ = ["decide"]


def decide(
    file: Annotated[str, typer.Argument(help="YAML or JSON assessment file, '-' for stdin.")],
    method: Annotated[str, typer.Option("--method", help="The decided method: CTI, ICM or ACT.")],
    reason: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--reason", help="Reason code (rules/decision_reasons.yaml)."),
    ] = None,
    note: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--note", help="A free note, kept in the record."),
    ] = None,
    json_out: JsonOption = False,
    lang: LangOption = Lang.da,
    rules: RulesOption = None,
    municipality: MunicipalityOption = None,
) -> None:
    """Record the caseworker's decision: the record as JSON or its drafted grounds.

    A reason is required when the decision differs from the recommendation or the
    recommendation is undecided (codes: rules/decision_reasons.yaml).
    """
    from .._decision import record_decision, render_grounds

    try:
        data, compiled, rec = triage_assessment(file, rules, municipality, lang.value)
        record = record_decision(
            rec, method, reason=reason, note=note, assessment=data, rules=compiled
        )
    except TriageError as exc:
        fail(str(exc))
    if json_out:
        echo(json.dumps(record.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    echo(render_grounds(record, lang.value))
