"""The municipality profile as the cohort paths use it: validated once, and the caseload
parameters that apply when a profile gives none (read from the shipped
``rules/municipality.defaults.yaml``, never written in code)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from .._api import MunicipalityError, offers_of
from .._documents import load_document
from .._load import default_rules_dir
from .._models import Method, Municipality
from .._municipality import load_municipality

__all__ = ["DEFAULTS_FILE", "as_municipality", "default_caseload", "profile_of"]

#: the shipped caseload defaults: a municipality profile holding only ``caseload``
DEFAULTS_FILE = "municipality.defaults.yaml"


def as_municipality(
    municipality: Mapping[str, Any] | Municipality | None,
) -> Municipality | None:
    """Validate a municipality profile once (``MunicipalityError`` naming key and value)."""
    if municipality is None or isinstance(municipality, Municipality):
        return municipality
    offers = offers_of(municipality)  # the same checks and words as triage()
    assert offers is not None
    return Municipality.model_validate({**municipality, "offers": list(municipality["offers"])})


def profile_of(
    municipality: Mapping[str, Any] | Municipality | str | Path | None,
) -> Municipality | None:
    """A profile given as a file path, a mapping or a ``Municipality`` (or none)."""
    if isinstance(municipality, (str, Path)):
        return load_municipality(municipality)
    return as_municipality(municipality)


@cache  # the shipped file does not change while the process runs; read it once
def _shipped_defaults(path: Path) -> tuple[tuple[str, Municipality.Caseload], ...]:
    # the model is built here, not at import: a pydantic class costs milliseconds to create
    class _Defaults(BaseModel):
        model_config = ConfigDict(frozen=True, extra="forbid")
        caseload: dict[Method, Municipality.Caseload]

    # the one document loader, as for every other document: regular files only, strict YAML,
    # every problem as file:line: key: message in one pass
    defaults = load_document(
        path,
        _Defaults,
        what="default caseloads",
        error=MunicipalityError,
        example="caseload: {ICM: {citizens_per_worker: 8, since: '2023-10-01', source: ...}}",
    )
    missing = [m for m in ("CTI", "ICM", "ACT") if m not in defaults.caseload]
    if missing:
        raise MunicipalityError(f"{path}:1: caseload: no default for {', '.join(missing)}")
    return tuple(defaults.caseload.items())


def default_caseload() -> dict[str, Municipality.Caseload]:
    """The caseload parameter of each method when a profile gives none (a fresh dict)."""
    return dict(_shipped_defaults(default_rules_dir() / DEFAULTS_FILE))
