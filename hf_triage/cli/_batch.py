"""``hf-triage batch``: triage every citizen of a cohort file, write the results and a report.

A thin shell: the work is done by ``triage_file`` and ``cohort_report``. Invalid input (an
unreadable file, a misspelt column, a bad municipality profile, rules that do not load) exits 2
with one line on standard error; rows with errors in the data do not: they are reported in the
output's ``error`` column.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .._exceptions import TriageError
from ._common import Lang, LangOption, MunicipalityOption, RulesOption, fail, load_compiled

__all__ = ["PROGRESS_BYTES", "batch"]

#: input files larger than this get a progress bar
PROGRESS_BYTES = 5_000_000


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename: no partial file."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


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
    decisions: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--decisions",
            help="Decision records (JSON lines: citizen_id and decision, the record 'hf-triage "
            "decide --json' prints, on one line): the report shows how often and why "
            "decisions differ.",
        ),
    ] = None,
    groups: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--groups",
            help="Grouping columns of the cohort, comma-separated (e.g. age_band,gender): the "
            "report shows recommendations and deviations per group (groups under 5 suppressed).",
        ),
    ] = None,
    excel: Annotated[
        bool,
        typer.Option(
            "--excel",
            help="Write the CSV output for Excel: ';' between cells and a UTF-8 BOM.",
        ),
    ] = False,
) -> None:
    """Triage every citizen of a cohort file; blank cells mean unknown.

    OUT gets the input columns plus method, possible_methods, missing, warning_codes,
    reason_ids (lists joined with ';') and error (a row that could not be triaged).
    The CSV input may be separated by ',', ';' or tab, in UTF-8 (with or without a BOM) or
    Windows-1252; what was found is noted on standard error. The output is written to a
    temporary file and renamed, so a failure leaves none.
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    from .._cohort import cohort_report, triage_file
    from .._cohort._deviations import read_decisions
    from .._documents import require_regular
    from .._exceptions import AssessmentError
    from .._municipality import load_municipality

    try:
        # a FIFO or a device would hang or exhaust the reader: refused before it opens
        require_regular(source, what="cohort", error=AssessmentError)
        if report is not None and report.is_dir():
            raise AssessmentError(f"{report}: the report is a directory; give a file name")
        profile = load_municipality(municipality) if municipality is not None else None
        group_columns = tuple(c.strip() for c in groups.split(",")) if groups else ()
        decided = read_decisions(decisions) if decisions is not None else None
        compiled = load_compiled(rules)
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
                keep=("citizen_id", "assigned_method", *group_columns),
                excel=excel,
            )
        for note in results.attrs.get("hf_triage", {}).get("notes", []):
            sys.stderr.write(f"hf-triage: note: {note}\n")
        summary = cohort_report(
            results, profile, lang=lang.value, decisions=decided, groups=group_columns
        )
        if report is not None:
            _write_atomically(report, summary.to_html())
    except (TriageError, OSError, ImportError) as exc:
        fail(str(exc))
    counts = ", ".join(f"{k} {v}" for k, v in summary.methods.items())
    typer.echo(
        f"{summary.rows} rows -> {output}: {counts}, errors {summary.error_count}"
        + (f"; report: {report}" if report is not None else "")
    )
