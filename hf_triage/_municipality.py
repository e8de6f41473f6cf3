"""Reading a municipality profile (kommuneprofil) from a YAML or JSON file."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ._api import MunicipalityError
from ._io import read_document
from ._models import Municipality
from ._yaml import parse_yaml

__all__ = ["load_municipality"]


def load_municipality(path: str | Path) -> Municipality:
    """Read and validate a municipality profile (strict YAML or JSON).

    Raises ``MunicipalityError`` naming the file, the line and the key of every problem.
    """
    try:
        data = read_document(path, "municipality profile", MunicipalityError)
    except MunicipalityError as exc:
        # read_document passes (message, problems); MunicipalityError keeps both in args
        raise MunicipalityError(str(exc.args[0])) from None
    try:
        return Municipality.model_validate(data)
    except ValidationError as exc:
        document = parse_yaml(Path(path).read_text(encoding="utf-8"))
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            where = ".".join(str(p) for p in loc) or "(top level)"
            line = document.line_of(loc[:-1] if error["type"] == "missing" else loc)
            message = str(error["msg"]).removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = "unknown key: check the spelling or remove it"
            problems.append(f"{path}:{line}: {where}: {message}")
        raise MunicipalityError("; ".join(problems)) from None
