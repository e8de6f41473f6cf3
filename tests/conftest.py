"""Shared fixtures: a private copy of the shipped rule files that a test may edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SHIPPED_RULES = Path(__file__).resolve().parent.parent / "rules"


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A fresh directory holding a copy of every shipped ``rules/*.yaml`` file."""
    target = tmp_path / "rules"
    target.mkdir()
    for path in SHIPPED_RULES.glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target
