"""CLI extras for a new user: ``hf-triage --version`` and ``hf-triage example``.

The example files (assessments, course records, a cohort, a municipality profile, the notebook)
ship inside the wheel as ``hf_triage/examples``; ``hf-triage example DIR`` copies them out, so
someone who installed the package from an index, without the repository, can follow the README.
"""

# No "from __future__ import annotations": typer reads these annotations at run time.
import shutil
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["examples_dir", "register"]

_SKIP = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc")


def examples_dir() -> Path:
    """The example files: inside the installed package, or the checkout's ``examples/``."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "examples", here.parent / "examples"):
        if candidate.is_dir():
            return candidate
    from .._exceptions import TriageError

    raise TriageError("the example files are missing from this installation; reinstall hf-triage")


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"hf-triage {__version__}")
        raise typer.Exit(0)


def register(app: typer.Typer) -> None:
    """Add ``--version`` and the ``example`` command to the ``hf-triage`` app."""
    from .._exceptions import TriageError
    from .._load import default_rules_dir
    from ._common import fail

    @app.callback()
    def _main(
        version: Annotated[
            bool,
            typer.Option(
                "--version", is_eager=True, callback=_version, help="Print the version and exit."
            ),
        ] = False,
    ) -> None:
        """Housing First triage: recommend CTI, ICM or ACT from assessment answers."""

    @app.command()
    def example(
        directory: Annotated[
            Path, typer.Argument(help="Where to write the example files (must not exist yet).")
        ] = Path("hf-triage-examples"),
    ) -> None:
        """Copy the example assessments, courses, cohort and municipality profile to DIR."""
        if directory.exists():
            fail(
                f"{directory} already exists; name a new directory, e.g. hf-triage example ny-mappe"
            )
        try:
            source = examples_dir()
            shutil.copytree(source, directory, ignore=_SKIP)
            shutil.copy(default_rules_dir() / "municipality.example.yaml", directory)
        except TriageError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"cannot write the example files to {directory}: {exc}")
        names = sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*.*"))
        typer.echo(f"{len(names)} filer skrevet til / files written to {directory}:")
        for name in names:
            typer.echo(f"  {name}")
        typer.echo(f"hf-triage assess {directory / 'hospital_discharge.yaml'}")
