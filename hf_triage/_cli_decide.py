"""CLI command ``hf-triage decide``: record the caseworker's decision on an assessment.

A thin shell registered on the main app: it triages the assessment, calls
``record_decision`` and prints the record as JSON (``--json``) or the drafted grounds
(Danish by default). Invalid input exits 2 with one line on standard error; the note is never
repeated in an error.
"""

# No "from __future__ import annotations": typer reads these annotations at run time.
import json
from pathlib import Path
from typing import Annotated, Optional

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``decide`` to the ``hf-triage`` app."""
    from .cli import JsonOption, Lang, LangOption, RulesOption, _load, fail

    @app.command()
    def decide(
        file: Annotated[str, typer.Argument(help="YAML or JSON assessment file, '-' for stdin.")],
        method: Annotated[
            str, typer.Option("--method", help="The decided method: CTI, ICM or ACT.")
        ],
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
        municipality: Annotated[
            Optional[Path],  # noqa: UP045
            typer.Option("--municipality", help="YAML file with the municipality's portfolio."),
        ] = None,
    ) -> None:
        """Record the caseworker's decision: the record as JSON or its drafted grounds.

        A reason is required when the decision differs from the recommendation or the
        recommendation is undecided (codes: rules/decision_reasons.yaml).
        """
        from ._api import MunicipalityError, triage
        from ._decision import record_decision, render_grounds
        from ._exceptions import TriageError
        from ._io import read_document

        try:
            data = read_document(file, "assessment")
            profile = (
                read_document(municipality, "municipality profile", MunicipalityError)
                if municipality
                else None
            )
            compiled = _load(rules)
            rec = triage(data, rules=compiled, municipality=profile, lang=lang.value)
            record = record_decision(
                rec, method, reason=reason, note=note, assessment=data, rules=compiled
            )
        except TriageError as exc:
            fail(str(exc))
        if json_out:
            typer.echo(json.dumps(record.model_dump(mode="json"), ensure_ascii=False, indent=2))
            return
        typer.echo(render_grounds(record, lang.value))
