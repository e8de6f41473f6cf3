"""The CLI package: one module per command group, no import cycle, the entry point intact."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import hf_triage.cli
from hf_triage.cli import app, main

PACKAGE = Path(hf_triage.cli.__file__).resolve().parent


def _imports(path: Path) -> set[str]:
    """The hf_triage.cli modules ``path`` imports (relative imports resolved)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                found.add("hf_triage.cli" + (f".{node.module}" if node.module else ""))
            elif node.level == 0 and (node.module or "").startswith("hf_triage.cli"):
                found.add(str(node.module))
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("hf_triage.cli")}
    return found


@pytest.mark.parametrize(
    "module",
    sorted(p.stem for p in PACKAGE.glob("_*.py") if p.stem not in ("__init__", "__main__")),
)
def test_command_modules_never_import_the_package(module: str) -> None:
    imported = _imports(PACKAGE / f"{module}.py")
    assert "hf_triage.cli" not in imported, imported  # the package imports them: no cycle
    assert imported <= {"hf_triage.cli._common"}, imported


def test_every_command_is_registered() -> None:
    names = {c.name or c.callback.__name__ for c in app.registered_commands if c.callback}
    assert names == {"assess", "review", "batch", "decide", "serve", "example"}
    (group,) = app.registered_groups
    assert group.typer_instance is not None
    assert {c.name for c in group.typer_instance.registered_commands} == {
        "check",
        "test",
        "schema",
        "diff",
    }


@pytest.mark.slow  # a fresh process; CI runs it
def test_the_entry_point_is_main() -> None:
    assert callable(main)
    result = subprocess.run(
        [sys.executable, "-c", "from hf_triage.cli import main; main()", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for command in ("assess", "review", "batch", "rules"):
        assert command in result.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.parametrize("suffix", [".yaml", ".csv"])
def test_review_and_batch_refuse_a_fifo(tmp_path: Path, suffix: str) -> None:
    fifo = tmp_path / f"input{suffix}"
    os.mkfifo(fifo)  # no writer: reading it would hang
    runner = CliRunner()
    commands = [["review", str(fifo), "--today", "2026-11-24"]]
    if suffix == ".csv":
        commands.append(["batch", str(fifo), "-o", str(tmp_path / "out.csv")])
    else:
        commands.append(["assess", str(fifo)])
    for args in commands:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "FIFO" in result.stderr and result.stderr.count("\n") == 1
        assert not (tmp_path / "out.csv").exists()
