"""Reading assessment and municipality files (YAML or JSON) strictly, errors with file:line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ._exceptions import AssessmentError, TriageError
from ._yaml import parse_yaml

__all__ = ["read_document"]


def read_document(
    source: str | Path, what: str, error: type[TriageError] = AssessmentError
) -> dict[str, Any]:
    """Read one YAML/JSON mapping from a file path, or from standard input for ``-``."""
    name = "<stdin>" if str(source) == "-" else str(source)
    try:
        text = sys.stdin.read() if name == "<stdin>" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{name}: cannot read the {what}: {exc}") from None
    document = parse_yaml(text)
    if document.problems:
        problems = tuple(f"{name}:{p.line}: {p.message}" for p in document.problems)
        raise error("; ".join(problems), problems)
    if not isinstance(document.data, dict):
        raise error(
            f"{name}:1: the {what} must be a mapping of field: value, "
            f"e.g. 'complexity: moderate' on its own line"
        )
    return document.data
