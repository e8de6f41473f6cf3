"""CLI commands for cohorts (``batch``, ``rules diff``): registered on the main app."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer, rules_app: typer.Typer) -> None:
    """Add the cohort commands to the ``hf-triage`` app."""
