"""CLI commands for cohorts (``batch``, ``rules diff``): registered on the main app.

A thin shell like the rest of the CLI: the work is done by ``triage_file``, ``cohort_report``
and ``diff_rules``. Invalid input (an unreadable file, a misspelt column, a bad municipality
profile, rules that do not load) exits 2 with one line on standard error; rows with errors in
the data do not: they are reported in the output's ``error`` column.
"""

# No "from __future__ import annotations": typer reads these annotations at run time, and the
# option types are local to register().
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

__all__ = ["register"]

#: input files larger than this get a progress bar
PROGRESS_BYTES = 5_000_000


def _municipality(path: Path | None) -> Any:
    from ._municipality import load_municipality

    return load_municipality(path) if path is not None else None


def register(app: typer.Typer, rules_app: typer.Typer) -> None:
    """Add the cohort commands to the ``hf-triage`` app."""
    from .cli import Lang, LangOption, RulesOption, _load, fail

    MunicipalityOption = Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--municipality", help="YAML file with the municipality's profile."),
    ]

    @app.command()
    def batch(
        source: Annotated[
            Path, typer.Argument(help="Cohort file: .csv, .parquet or .jsonl (one row a citizen).")
        ],
        output: Annotated[
            Path,
            typer.Option("-o", "--output", help="Output file (.csv, .parquet or .jsonl)."),
        ],
        municipality: MunicipalityOption = None,
        report: Annotated[
            Optional[Path],  # noqa: UP045
            typer.Option("--report", help="Also write the cohort report as HTML to this file."),
        ] = None,
        rules: RulesOption = None,
        lang: LangOption = Lang.da,
    ) -> None:
        """Triage every citizen of a cohort file; blank cells mean unknown.

        OUT gets the input columns plus method, possible_methods, missing, warning_codes,
        reason_ids (lists joined with ';') and error (a row that could not be triaged).
        """
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

        from ._cohort import cohort_report, triage_file
        from ._exceptions import TriageError

        lang_value = lang.value
        try:
            profile = _municipality(municipality)
            compiled = _load(rules)
            large = source.is_file() and source.stat().st_size > PROGRESS_BYTES
            console = Console(stderr=True)
            with Progress(
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[rows]:,} rows"),
                console=console,
                transient=True,
                disable=not large,
            ) as progress:
                task = progress.add_task(f"triage {source.name}", total=1.0, rows=0)

                def on_progress(share: float, rows: int) -> None:
                    progress.update(task, completed=share, rows=rows)

                results = triage_file(
                    source,
                    output,
                    rules=compiled,
                    municipality=profile,
                    on_progress=on_progress,
                )
            summary = cohort_report(results, profile, lang=lang_value)
            if report is not None:
                report.write_text(summary.to_html(), encoding="utf-8")
        except (TriageError, OSError, ImportError) as exc:
            fail(str(exc))
        counts = ", ".join(f"{k} {v}" for k, v in summary.methods.items())
        typer.echo(
            f"{summary.rows} rows -> {output}: {counts}, errors {summary.error_count}"
            + (f"; report: {report}" if report is not None else "")
        )

    @rules_app.command("diff")
    def diff(
        old: Annotated[Path, typer.Argument(help="The rule directory before the change.")],
        new: Annotated[Path, typer.Argument(help="The rule directory after the change.")],
        cohort: Annotated[
            Path, typer.Option("--cohort", help="Cohort file (.csv, .parquet or .jsonl).")
        ],
        municipality: MunicipalityOption = None,
        json_out: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
        html: Annotated[
            Optional[Path],  # noqa: UP045
            typer.Option("--html", help="Also write the comparison as HTML to this file."),
        ] = None,
        lang: LangOption = Lang.da,
    ) -> None:
        """Which citizens change recommendation between two rule versions, and how the method
        distribution and the staffing need shift."""
        from ._cohort import diff_rules
        from ._exceptions import TriageError

        try:
            result = diff_rules(
                cohort,
                _load(old),
                _load(new),
                municipality=_municipality(municipality),
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
        typer.echo(result.to_json() if json_out else result.to_text())
