"""Shared fixtures: a private copy of the shipped rule files that a test may edit, and one click
command per typer app for the CLI tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.testing

SHIPPED_RULES = Path(__file__).resolve().parent.parent / "rules"


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A fresh directory holding a copy of every shipped ``rules/*.yaml`` file."""
    target = tmp_path / "rules"
    target.mkdir()
    for path in SHIPPED_RULES.glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


def _built_once(build: Callable[[Any], Any]) -> Callable[[Any], Any]:
    built: dict[int, tuple[Any, Any]] = {}

    def command_of(app: Any) -> Any:
        # keyed by identity, holding the app so that its id cannot be reused by another one
        if id(app) not in built:
            built[id(app)] = (app, build(app))
        return built[id(app)][1]

    return command_of


@pytest.fixture(autouse=True, scope="session")
def _one_click_command_per_app() -> Iterator[None]:
    """typer's ``CliRunner.invoke`` builds the click command from the app on every call (about
    20 ms: it evaluates every option's annotation), about 130 times in the edit loop. The
    ``hf-triage`` script builds it once per process; the tests, once per session. The apps are
    built at import and never changed by a test, so the command is the same each time."""
    build = getattr(typer.testing, "_get_command", None)
    if build is None:  # another typer: build per call, as typer does
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", _built_once(build))
        yield
