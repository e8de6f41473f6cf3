"""What a cohort cell means, shared by every cohort path.

A cohort is a table with one column per assessment field (the CONTRACT.md keys; life
dimensions as ``dimensions.<name>``), e.g. a CSV export. Every path reads a cell the same way:

* blank — empty text, ``None``, NaN or null — means *unknown*, as if the field were left out;
* text is read as the field's values: ``"3"`` for a score, ``"true"``/``"false"`` for yes/no;
* any other value outside the allowed ones is an error for that row.

Columns that are not assessment fields (a citizen id, the method currently assigned, ...) are
carried through untouched. A column that looks like a misspelt field (``complexty``,
``dimensions.mood``, ``mental_health``) is refused before anything is triaged: ignoring it
would silently change every result.

Result columns
--------------
``RESULT_COLUMNS``: ``method`` (ordered categorical CTI < ICM < ACT, null when undecided or on
error), then ``possible_methods``, ``missing``, ``warning_codes`` and ``reason_ids``, each a
list joined with ``";"`` (``""`` for an empty list; null on error), then ``error`` (null when
the row was triaged). ``split_list`` turns a joined cell back into a list.
"""

from __future__ import annotations

import difflib
from typing import Any

from .._domain import DIMENSIONS, FIELDS, Scalar
from .._models import validate_mapping

__all__ = [
    "DANISH_COLUMNS",
    "RESULT_COLUMNS",
    "SEPARATOR",
    "VALUE_INDEX",
    "column_problem",
    "is_blank",
    "problem_of",
    "read_cell",
    "split_list",
]

#: the columns ``triage_frame`` adds, in order
RESULT_COLUMNS: tuple[str, ...] = (
    "method",
    "possible_methods",
    "missing",
    "warning_codes",
    "reason_ids",
    "error",
)
#: joins the items of a list-valued result cell
SEPARATOR = ";"

# the same spellings the strict YAML reader accepts (hf_triage._yaml)
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})

#: per field: (type, value) -> position in FIELDS[name].values; the type keeps True apart from 1
VALUE_INDEX: dict[str, dict[tuple[type, Scalar], int]] = {
    name: {(type(v), v): i for i, v in enumerate(spec.values)} for name, spec in FIELDS.items()
}


def split_list(cell: object) -> list[str]:
    """A joined result cell (``"ICM;ACT"``) as a list; blank or null gives ``[]``."""
    if not isinstance(cell, str) or not cell:
        return []
    return cell.split(SEPARATOR)


def read_cell(name: str, value: object) -> object:
    """A cohort cell of field ``name`` as an assessment value; ``None`` means unknown.

    Text is read as the field's values (``"3"`` -> 3, ``"true"`` -> True); a float with an
    integer value is a score from a numeric column with blanks (pandas stores those as floats).
    A value that cannot be read is returned unchanged, so that validation words its error.
    """
    if value is None:
        return None
    if isinstance(value, str):
        if value == "":
            return None
        spec = FIELDS[name]
        if spec.kind == "bool":
            return True if value in _TRUE else False if value in _FALSE else value
        if isinstance(spec.values[0], int) and value.isascii() and value.isdecimal():
            return int(value)
        return value
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        integral = value.is_integer() and isinstance(FIELDS[name].values[0], int)
        return int(value) if integral and FIELDS[name].kind != "bool" else value
    kind = type(value)
    if kind.__module__ == "numpy" and hasattr(value, "item"):
        return read_cell(name, value.item())
    if kind.__name__ in ("NAType", "NaTType"):  # pandas' missing-value markers
        return None
    return value


def problem_of(name: str, value: object) -> str:
    """The AssessmentError wording for one bad value (from the validator itself)."""
    data: dict[str, Any] = (
        {"dimensions": {name.split(".", 1)[1]: value}}
        if name.startswith("dimensions.")
        else {name: value}
    )
    _, problems = validate_mapping(data)
    return problems[0]


#: Danish column headers (normalised: lower case, ``_`` for spaces, æ/ø/å as ae/oe/aa) and
#: the field each means; the Danish words are the labels of _domain.FIELDS and of the
#: Danish sources (seeds/: "kompleksitet", "brug af eksisterende tilbud", livsområder)
DANISH_COLUMNS: dict[str, str] = {
    "kompleksitet": "complexity",
    "problemernes_kompleksitet": "complexity",
    "kompleksitetsgrad": "complexity",
    "brug_af_tilbud": "service_use",
    "brug_af_eksisterende_tilbud": "service_use",
    "evne_til_at_bruge_eksisterende_tilbud": "service_use",
    "serviceforbrug": "service_use",
    "tilbudsbrug": "service_use",
    "hast": "urgency",
    "hastegrad": "urgency",
    "haster": "urgency",
    "stoettebehov": "support_duration",
    "forventet_stoettebehov": "support_duration",
    "stoettens_varighed": "support_duration",
    "varighed": "support_duration",
    "boligsituation": "situation",
    "bosituation": "situation",
    "bolig": "dimensions.housing",
    "psykisk_helbred": "dimensions.mental_health",
    "psykisk_sundhed": "dimensions.mental_health",
    "mental_sundhed": "dimensions.mental_health",
    "fysisk_helbred": "dimensions.physical_health",
    "fysisk_sundhed": "dimensions.physical_health",
    "oekonomi": "dimensions.finances",
    "okonomi": "dimensions.finances",
    "daglige_aktiviteter": "dimensions.daily_activities",
    "dagligdag": "dimensions.daily_activities",
    "netvaerk": "dimensions.network",
    "socialt_netvaerk": "dimensions.network",
    "misbrug": "dimensions.substance_use",
    "rusmidler": "dimensions.substance_use",
    "rusmiddelbrug": "dimensions.substance_use",
    "uddannelse_og_beskaeftigelse": "dimensions.education_employment",
    "uddannelse_beskaeftigelse": "dimensions.education_employment",
    "beskaeftigelse": "dimensions.education_employment",
    "negative_erfaringer": "negative_service_experiences",
    "negative_erfaringer_med_hjaelpesystemet": "negative_service_experiences",
    "boligparat": "housing_ready",
    "boligparathed": "housing_ready",
    "samtykke": "consent",
    "foreslaaet_metode": "proposed_method",
    "forslag_til_metode": "proposed_method",
}


def _normalised(name: str) -> str:
    norm = name.strip().lower()
    for old, new in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), (" ", "_"), ("-", "_")):
        norm = norm.replace(old, new)
    return norm


def _guess(norm: str) -> str | None:
    """The field a normalised column name most likely means: English, Danish, or close to
    either (a misspelling)."""
    if norm in DIMENSIONS:
        return f"dimensions.{norm}"
    if norm in FIELDS:
        return norm
    if norm in DANISH_COLUMNS:
        return DANISH_COLUMNS[norm]
    for prefix in ("livsomraade.", "livsomraade_", "dimension.", "dimensions_"):
        if norm.startswith(prefix):
            return _guess(norm[len(prefix) :]) or _guess(f"dimensions.{norm[len(prefix) :]}")
    if norm.startswith("dimensions."):
        rest = norm.split(".", 1)[1]
        guess = _guess(rest)
        return guess if guess is not None and guess.startswith("dimensions.") else None
    close = difflib.get_close_matches(norm, [*FIELDS, *DANISH_COLUMNS], n=1, cutoff=0.85)
    if not close:
        return None
    return DANISH_COLUMNS.get(close[0], close[0])


def column_problem(name: object) -> str | None:
    """Why a column (or record key) that is not an assessment field looks like a misspelt one.

    ``None`` for an assessment field and for any other column (an id, a note, ...), which is
    carried through.
    """
    if not isinstance(name, str) or name in FIELDS:
        return None
    if name == "dimensions":
        return (
            "column 'dimensions' holds nested mappings; give one column per life dimension, "
            "named dimensions.<name> (hf_triage.read_cohort flattens JSON lines)"
        )
    guess = _guess(_normalised(name))
    if name.startswith("dimensions."):
        hint = f"did you mean {guess!r}? " if guess is not None else ""
        return f"column {name!r} is not a life dimension; {hint}allowed: " + ", ".join(
            f"dimensions.{d}" for d in DIMENSIONS
        )
    if guess is None:
        return None
    return (
        f"column {name!r} is not an assessment field; did you mean {guess!r}? "
        "Rename the column (columns are named by the English field names), or drop it"
    )


def is_blank(value: object) -> bool:
    if value is None or value == "":
        return True
    if isinstance(value, float):
        return value != value  # NaN
    return type(value).__name__ in ("NAType", "NaTType")
