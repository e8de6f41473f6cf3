"""The municipality profile from a file: ``load_municipality(path | "-")``.

One path for every caller (``assess --municipality``, ``batch``, ``rules diff``, the API), so
the same bad profile is worded the same everywhere: ``file:line: key: message`` for every
problem, in one pass (see ``_documents``). ``rules/municipality.example.yaml`` shows the keys.
"""

from __future__ import annotations

from pathlib import Path

from ._documents import load_document
from ._exceptions import MunicipalityError
from ._models import Municipality

__all__ = ["load_municipality"]


def load_municipality(path: str | Path) -> Municipality:
    """Read and validate a municipality profile (strict YAML or JSON; ``-`` is stdin).

    Raises ``MunicipalityError`` naming the file, the line and the key of every problem.
    """
    return load_document(
        path,
        Municipality,
        what="municipality profile",
        error=MunicipalityError,
        example="offers: [CTI, ICM]",
    )
