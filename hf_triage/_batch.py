"""Triage many assessments at once: an iterable of mappings, or a pandas / polars DataFrame.

Cohort cells
------------
A cohort is a table with one column per assessment field (the CONTRACT.md keys; life
dimensions as ``dimensions.<name>``), e.g. a CSV export. Both paths read a cell the same way:

* blank — empty text, ``None``, NaN or null — means *unknown*, as if the field were left out;
* text is read as the field's values: ``"3"`` for a score, ``"true"``/``"false"`` for yes/no;
* any other value outside the allowed ones is an error for that row.

Columns that are not assessment fields (a citizen id, the method currently assigned, ...) are
carried through untouched. A column that looks like a misspelt field (``complexty``,
``dimensions.mood``, ``mental_health``) is refused before anything is triaged: ignoring it
would silently change every result.

A bad row never stops the batch: its ``error`` names the field, the value given and the values
allowed (the words of ``AssessmentError``), and every other row is triaged.

The vectorised path
-------------------
A result depends only on the answers the rules read (``CompiledRules.memo_fields``) and on the
municipality's offers. ``triage_frame`` reads every field column as small integer codes
(vectorised: one ``factorize`` per column), combines the codes of those fields into one group
key, calls ``triage()`` once per distinct key (a few thousand at most) and broadcasts the
results back to the rows with numpy. The results *are* ``triage()``'s, so the two paths agree
by construction; the tests check it anyway, on the enumerated domain and on random cohorts.

Result columns
--------------
``RESULT_COLUMNS``: ``method`` (ordered categorical CTI < ICM < ACT, null when undecided or on
error), then ``possible_methods``, ``missing``, ``warning_codes`` and ``reason_ids``, each a
list joined with ``";"`` (``""`` for an empty list; null on error), then ``error`` (null when
the row was triaged). All are pandas categoricals (polars: Categorical), so a million rows
cost a million small integers, not a million Python lists. ``split_list`` turns a joined cell
back into a list.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._api import LANGS, default_rules, offers_of, triage
from ._compile import CompiledRules
from ._domain import CORE_FIELDS, DIMENSIONS, FIELDS, METHODS, Scalar
from ._enumerate import tests_by_field, to_assessment
from ._exceptions import AssessmentError, TriageError
from ._models import Assessment, Municipality, Recommendation, validate_mapping

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "COHORT_SUFFIXES",
    "RESULT_COLUMNS",
    "SEPARATOR",
    "BatchResult",
    "as_municipality",
    "column_problem",
    "iter_cohort",
    "read_cell",
    "read_cohort",
    "split_list",
    "triage_file",
    "triage_frame",
    "triage_many",
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
_VALUE_INDEX: dict[str, dict[tuple[type, Scalar], int]] = {
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


def _problem(name: str, value: object) -> str:
    """The AssessmentError wording for one bad value (from the validator itself)."""
    data: dict[str, Any] = (
        {"dimensions": {name.split(".", 1)[1]: value}}
        if name.startswith("dimensions.")
        else {name: value}
    )
    _, problems = validate_mapping(data)
    return problems[0]


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
    if name.startswith("dimensions."):
        return f"column {name!r} is not a life dimension; allowed: " + ", ".join(
            f"dimensions.{d}" for d in DIMENSIONS
        )
    norm = name.strip().lower().replace(" ", "_").replace("-", "_")
    if norm in DIMENSIONS:
        guess = f"dimensions.{norm}"
    elif norm in FIELDS:
        guess = norm
    else:
        close = difflib.get_close_matches(norm, list(FIELDS), n=1, cutoff=0.85)
        if not close:
            return None
        guess = close[0]
    return (
        f"column {name!r} is not an assessment field; did you mean {guess!r}? "
        "Rename the column, or drop it"
    )


def as_municipality(
    municipality: Mapping[str, Any] | Municipality | None,
) -> Municipality | None:
    """Validate a municipality profile once (``MunicipalityError`` naming key and value)."""
    if municipality is None or isinstance(municipality, Municipality):
        return municipality
    offers = offers_of(municipality)  # the same checks and words as triage()
    assert offers is not None
    return Municipality.model_validate({**municipality, "offers": list(municipality["offers"])})


# --- many mappings ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BatchResult:
    """One row of a batch: its recommendation, or the error that kept it from being triaged."""

    #: the row's position in the input, from 0
    index: int
    recommendation: Recommendation | None
    #: the AssessmentError problems (field, value, allowed values), joined with "; "
    error: str | None = None
    citizen_id: str | None = None

    @property
    def method(self) -> str | None:
        return self.recommendation.method if self.recommendation is not None else None


def _record_assessment(record: Mapping[Any, Any]) -> tuple[dict[str, Any], list[str]]:
    """A cohort record (flat ``dimensions.x`` keys or a nested ``dimensions`` mapping) as an
    assessment mapping in domain order, plus the problems found in its keys."""
    flat: dict[str, Any] = {}
    odd_dimensions: dict[object, object] = {}
    problems: list[str] = []
    for key, value in record.items():
        if key in FIELDS:
            if key in flat and flat[key] != read_cell(key, value):
                problems.append(f"field '{key}' is given twice with different values")
            flat[key] = read_cell(key, value)
        elif key == "dimensions":
            if _is_blank(value):
                continue
            if not isinstance(value, Mapping):
                flat["dimensions"] = value  # validation words it
                continue
            for dim, score in value.items():
                name = f"dimensions.{dim}"
                if name in FIELDS:
                    if name in flat and flat[name] != read_cell(name, score):
                        problems.append(f"field '{name}' is given twice with different values")
                    flat[name] = read_cell(name, score)
                else:
                    odd_dimensions[dim] = score
        else:
            problem = column_problem(key)
            if problem is not None:
                problems.append(problem.replace("column", "field", 1))
    assessment = to_assessment({name: flat.get(name) for name in FIELDS})  # domain order
    if "dimensions" in flat:
        assessment["dimensions"] = flat["dimensions"]
    elif odd_dimensions:
        assessment.setdefault("dimensions", {}).update(odd_dimensions)
    return assessment, problems


def _is_blank(value: object) -> bool:
    if value is None or value == "":
        return True
    if isinstance(value, float):
        return value != value  # NaN
    return type(value).__name__ in ("NAType", "NaTType")


def _citizen_id(record: object, id_field: str) -> str | None:
    if not isinstance(record, Mapping):
        return None
    value = record.get(id_field)
    return None if _is_blank(value) else str(value)


def triage_many(
    records: Iterable[Mapping[str, Any] | Assessment],
    *,
    rules: CompiledRules | None = None,
    municipality: Mapping[str, Any] | Municipality | None = None,
    lang: str = "da",
    id_field: str = "citizen_id",
) -> list[BatchResult]:
    """Triage every record; a bad record never stops the batch.

    Records are assessment mappings as ``triage()`` takes them, or cohort rows (``csv``
    ``DictReader`` rows, ``DataFrame.to_dict("records")``) read by the cohort-cell rules in
    this module's docstring. Each result holds the ``Recommendation``, or the ``error`` naming
    field, value and allowed values; ``citizen_id`` is the record's ``id_field``, if any.
    The municipality is validated once, before any row (``MunicipalityError``).
    """
    if lang not in LANGS:
        raise TriageError(f"lang {lang!r} is not supported; allowed: {', '.join(LANGS)}")
    compiled = rules if rules is not None else default_rules()
    profile = as_municipality(municipality)
    results: list[BatchResult] = []
    for index, record in enumerate(records):
        citizen = _citizen_id(record, id_field)
        if isinstance(record, Assessment):
            rec = triage(record, rules=compiled, municipality=profile, lang=lang)
            results.append(BatchResult(index, rec, None, citizen))
            continue
        if not isinstance(record, Mapping):
            error = f"row {index} is a {type(record).__name__}, not a mapping of field: value"
            results.append(BatchResult(index, None, error, citizen))
            continue
        assessment, problems = _record_assessment(record)
        try:
            rec = triage(assessment, rules=compiled, municipality=profile, lang=lang)
        except AssessmentError as exc:
            error = "; ".join([*exc.problems, *problems])
            results.append(BatchResult(index, None, error, citizen))
            continue
        if problems:
            results.append(BatchResult(index, None, "; ".join(problems), citizen))
        else:
            results.append(BatchResult(index, rec, None, citizen))
    return results


# --- the vectorised DataFrame path -----------------------------------------------------------


@dataclass(frozen=True)
class _Coded:
    """Result columns as integer codes into their categories (-1 = null), frame-agnostic."""

    codes: dict[str, np.ndarray]
    categories: dict[str, list[str]]


@dataclass(frozen=True)
class _Unhashable:
    """A cell value that cannot be hashed (a list, a mapping), made groupable by its repr."""

    text: str
    value: object = field(compare=False, hash=False)

    @staticmethod
    def wrap(value: object) -> object:
        try:
            hash(value)
        except TypeError:
            return _Unhashable(repr(value), value)
        return value


def _typed(value: Any) -> Any:
    """A factorize key that tells 0 from False: ``(type, value)``; missing stays missing."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    try:
        hash(value)
    except TypeError:
        return _Unhashable.wrap(value)
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    return (type(value), value)


def _field_codes(series: Any, name: str) -> tuple[np.ndarray, list[str]]:
    """One column as codes: -1 unknown, i >= 0 the i-th allowed value, -2 - j the j-th problem."""
    import numpy as np
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    if series.dtype == object:
        # factorize holds 0 == False and 1 == True as one value; triage() does not, so key
        # Python objects by (type, value): each distinct cell is validated on its own
        typed = pd.Series([_typed(v) for v in series.tolist()], dtype=object)
        codes, keys = pd.factorize(typed, use_na_sentinel=True)
        uniques = [k[1] if isinstance(k, tuple) else k for k in keys]
    else:
        try:
            codes, uniques = pd.factorize(series, use_na_sentinel=True)
        except TypeError:  # a list or a mapping in a cell: a bad value, not a reason to stop
            wrapped = pd.Series([_Unhashable.wrap(v) for v in series.tolist()], dtype=object)
            codes, uniques = pd.factorize(wrapped, use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=np.int16)
    table[-1] = -1  # factorize's NA sentinel indexes the last entry
    index = _VALUE_INDEX[name]
    problems: dict[str, int] = {}  # message -> code: 7 and "7" are one problem
    for i, raw in enumerate(uniques):
        value = read_cell(name, raw.value if isinstance(raw, _Unhashable) else raw)
        if value is None:
            table[i] = -1
            continue
        position = _position(index, value)
        if position is None:
            table[i] = problems.setdefault(_problem(name, value), -2 - len(problems))
        else:
            table[i] = position
    return table[codes], list(problems)


def _value_classes(compiled: CompiledRules, name: str) -> tuple[np.ndarray, list[Scalar | None]]:
    """Values of ``name`` that every test of the rules treats alike, as classes.

    Returns ``class_of`` (indexed by code + 1, code -1 being unknown) and one representative
    value per class (``None`` = unknown). Two values in one class pass exactly the same tests,
    so the engine cannot tell them apart: this is what keeps the number of ``triage()`` calls
    small on any cohort. An unknown core answer is never merged with a known one (the engine
    completes unknown core answers).
    """
    import numpy as np

    tests = tests_by_field(compiled).get(name, [])
    values: list[Scalar | None] = [None, *FIELDS[name].values]
    signatures: dict[tuple[bool, ...], int] = {}
    representatives: list[Scalar | None] = []
    class_of = np.empty(len(values), dtype=np.int64)
    for i, value in enumerate(values):
        if name == "support_duration" and value is None:
            value = "unknown"  # CONTRACT.md: an absent support_duration is unknown
        signature = (
            value is None and name in CORE_FIELDS,
            *(value is not None and value in t.accepted for t in tests),
        )
        if signature not in signatures:
            signatures[signature] = len(representatives)
            representatives.append(values[i])
        class_of[i] = signatures[signature]
    return class_of, representatives


def _position(index: dict[tuple[type, Scalar], int], value: object) -> int | None:
    try:
        return index.get((type(value), value))  # type: ignore[arg-type]
    except TypeError:  # unhashable
        return None


def _coded_results(
    n: int,
    columns: Mapping[str, Any],
    compiled: CompiledRules,
    profile: Municipality | None,
) -> _Coded:
    """Triage ``n`` rows given as field name -> column; the heart of ``triage_frame``."""
    import numpy as np

    field_codes: dict[str, np.ndarray] = {}
    problems: dict[str, list[str]] = {}
    bad = np.zeros(n, dtype=bool)
    for name in FIELDS:
        if name in columns:
            codes, found = _field_codes(columns[name], name)
            field_codes[name] = codes
            if found:
                problems[name] = found
                bad |= codes <= -2

    # One group key over the fields a result depends on: mixed radix over value classes.
    key = np.zeros(n, dtype=np.int64)
    radices: list[tuple[str, int, int, list[Scalar | None]]] = []
    stride = 1
    for name in compiled.memo_fields:
        class_of, representatives = _value_classes(compiled, name)
        radix = len(representatives)
        radices.append((name, stride, radix, representatives))
        if name in field_codes and radix > 1:
            # code -1 (unknown) and -2.. (bad: masked later) both index the absent class
            digits = class_of[np.maximum(field_codes[name], -1) + 1].astype(np.int64)
            key += digits * stride if stride > 1 else digits
        elif radix > 1:
            key += int(class_of[0]) * stride
        stride *= radix
    inverse: np.ndarray
    if stride <= 1 << 24:  # a lookup table: linear time, no sort
        seen = np.zeros(stride, dtype=bool)
        seen[key] = True
        keys = np.flatnonzero(seen)
        lookup = np.empty(stride, dtype=np.int32)
        lookup[keys] = np.arange(len(keys), dtype=np.int32)
        inverse = lookup[key]
    else:
        keys, inverse = np.unique(key, return_inverse=True)

    # triage() once per distinct key; its results are the results.
    strings: dict[str, list[str | None]] = {c: [] for c in RESULT_COLUMNS[:-1]}
    for k in keys.tolist():
        facts: dict[str, Scalar | None] = {}
        for name, step, radix, representatives in radices:
            facts[name] = representatives[(k // step) % radix]
        rec = triage(to_assessment(facts), rules=compiled, municipality=profile)
        strings["method"].append(rec.method)
        strings["possible_methods"].append(SEPARATOR.join(rec.possible_methods))
        strings["missing"].append(SEPARATOR.join(rec.missing))
        strings["warning_codes"].append(SEPARATOR.join(rec.warning_codes))
        strings["reason_ids"].append(SEPARATOR.join(rec.reason_ids))

    out_codes: dict[str, np.ndarray] = {}
    categories: dict[str, list[str]] = {}
    has_bad = bool(bad.any())
    for column, values in strings.items():
        cats = list(METHODS) if column == "method" else sorted({v for v in values if v is not None})
        position = {c: i for i, c in enumerate(cats)}
        per_key = np.array([-1 if v is None else position[v] for v in values], dtype=np.int32)
        row_codes = per_key[inverse]
        if has_bad:
            row_codes[bad] = -1
        out_codes[column] = row_codes
        categories[column] = cats

    # The error column: one message per distinct combination of bad values.
    error_codes = np.full(n, -1, dtype=np.int32)
    messages: list[str] = []
    if has_bad:
        rows = np.flatnonzero(bad)
        names = list(problems)
        # valid and unknown cells (codes >= -1) all read as -1: only the problems matter
        matrix = np.stack([np.minimum(field_codes[name][rows], -1) for name in names], axis=1)
        combos, which = np.unique(matrix, axis=0, return_inverse=True)
        for combo in combos.tolist():
            messages.append(
                "; ".join(
                    problems[name][-2 - code]
                    for name, code in zip(names, combo, strict=True)
                    if code <= -2
                )
            )
        error_codes[rows] = which.reshape(-1)
    out_codes["error"] = error_codes
    categories["error"] = messages
    return _Coded(out_codes, categories)


def _check_columns(columns: list[Any]) -> None:
    problems = [p for p in (column_problem(c) for c in columns) if p is not None]
    seen: set[Any] = set()
    for c in columns:
        if c in FIELDS and c in seen:
            problems.append(f"column {c!r} appears twice; keep one")
        seen.add(c)
    if problems:
        raise AssessmentError("invalid cohort: " + "; ".join(problems), tuple(problems))


def triage_frame(
    frame: Any,
    *,
    rules: CompiledRules | None = None,
    municipality: Mapping[str, Any] | Municipality | None = None,
) -> Any:
    """Triage every row of a pandas or polars DataFrame; return it with the result columns.

    One column per assessment field, read by the cohort-cell rules (blank = unknown, ``"3"``,
    ``"true"``); other columns are carried through. Adds ``RESULT_COLUMNS`` (replacing columns
    of those names): see this module's docstring. A bad row never stops the batch: its
    ``error`` names field, value and allowed values, and its result columns are null.
    Identical, row for row, to ``triage()``. A pandas result records the rule set's
    fingerprint and the offers in ``.attrs["hf_triage"]``.
    """
    compiled = rules if rules is not None else default_rules()
    profile = as_municipality(municipality)
    library = type(frame).__module__.split(".")[0]
    if library == "pandas" and hasattr(frame, "columns"):
        return _triage_pandas(frame, compiled, profile)
    if library == "polars" and hasattr(frame, "columns"):
        return _triage_polars(frame, compiled, profile)
    raise TypeError(
        f"triage_frame needs a pandas or polars DataFrame, not {type(frame).__name__}; "
        "use triage_many for an iterable of mappings"
    )


def _categoricals(coded: _Coded) -> dict[str, Any]:
    import pandas as pd

    return {
        column: pd.Categorical.from_codes(
            coded.codes[column],
            categories=pd.Index(coded.categories[column], dtype=object),
            ordered=column == "method",
        )
        for column in RESULT_COLUMNS
    }


def _triage_pandas(frame: Any, compiled: CompiledRules, profile: Municipality | None) -> Any:
    _check_columns(list(frame.columns))
    columns = {name: frame[name] for name in FIELDS if name in frame.columns}
    coded = _coded_results(len(frame), columns, compiled, profile)
    out = frame.assign(**_categoricals(coded))
    out.attrs["hf_triage"] = {
        "ruleset_fingerprint": compiled.fingerprint,
        "offers": sorted(profile.offers) if profile is not None else None,
    }
    return out


def _triage_polars(frame: Any, compiled: CompiledRules, profile: Municipality | None) -> Any:
    import pandas as pd
    import polars as pl  # type: ignore[import-not-found,unused-ignore]

    _check_columns(list(frame.columns))
    columns = {
        name: frame.get_column(name).to_pandas(use_pyarrow_extension_array=True)
        for name in FIELDS
        if name in frame.columns
    }
    coded = _coded_results(frame.height, columns, compiled, profile)
    added = [
        pl.from_pandas(pd.Series(values, name=column)).cast(pl.Categorical)
        for column, values in _categoricals(coded).items()
    ]
    return frame.with_columns(added)


# --- reading cohort files --------------------------------------------------------------------

#: the cohort file formats, by suffix
COHORT_SUFFIXES = (".csv", ".parquet", ".jsonl")


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".ndjson":
        return ".jsonl"
    if suffix not in COHORT_SUFFIXES:
        raise AssessmentError(
            f"{path}: a cohort file must be {', '.join(COHORT_SUFFIXES)} (not {suffix or 'none'})"
        )
    return suffix


def _flat_record(record: Mapping[str, Any]) -> dict[str, Any]:
    row = {k: v for k, v in record.items() if k != "dimensions"}
    dims = record.get("dimensions")
    if isinstance(dims, Mapping):
        row.update({f"dimensions.{d}": s for d, s in dims.items()})
    elif dims is not None:
        row["dimensions"] = dims  # refused, with its reason, by triage_frame
    return row


def _jsonl_frame(lines: Iterable[str], name: str, first_line: int) -> Any:
    import json

    import pandas as pd

    records = []
    for number, line in enumerate(lines, start=first_line):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise AssessmentError(f"{name}:{number}: not a JSON line: {exc}") from None
        if not isinstance(record, dict):
            raise AssessmentError(f"{name}:{number}: each line must be a JSON object")
        records.append(_flat_record(record))
    # object columns keep each value as written: 2 stays 2, not 2.0 beside a null
    return pd.DataFrame(records, dtype=object) if records else pd.DataFrame()


def iter_cohort(path: str | Path, chunk_rows: int = 250_000) -> Iterator[tuple[Any, float]]:
    """Read a cohort file in pandas chunks, each with the share of the file read so far.

    CSV is read as text with only blank cells unknown (``"NA"`` stays a value, and an error
    for an assessment field); JSON lines may nest ``dimensions`` (flattened here). Raises
    ``AssessmentError`` naming the file for a file that cannot be read.
    """
    try:
        import pandas as pd
    except ImportError:
        raise ImportError(
            "reading a cohort file needs pandas: pip install 'hf-triage[cohort]'"
        ) from None

    source = Path(path)
    suffix = _suffix(source)
    try:
        size = max(source.stat().st_size, 1)
        if suffix == ".csv":
            with source.open("rb") as fh:
                reader = pd.read_csv(
                    fh,
                    dtype=str,
                    keep_default_na=False,
                    na_values=[""],
                    chunksize=chunk_rows,
                    encoding="utf-8-sig",
                )
                for chunk in reader:
                    yield chunk, min(fh.tell() / size, 1.0)
        elif suffix == ".parquet":
            import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

            parquet = pq.ParquetFile(source)
            total = max(parquet.metadata.num_rows, 1)
            done = 0
            for batch in parquet.iter_batches(batch_size=chunk_rows):
                done += batch.num_rows
                yield batch.to_pandas(), done / total
        else:
            with source.open(encoding="utf-8") as fh:
                first = 1
                while True:
                    lines = list(itertools.islice(fh, chunk_rows))
                    if not lines:
                        break
                    yield _jsonl_frame(lines, str(source), first), min(fh.tell() / size, 1.0)
                    first += len(lines)
    except AssessmentError:
        raise
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise AssessmentError(f"{source}: cannot read the cohort: {exc}") from None
    except Exception as exc:  # pyarrow's and pandas' parser errors have no common base
        if type(exc).__module__.split(".")[0] in ("pyarrow", "pandas"):
            raise AssessmentError(f"{source}: cannot read the cohort: {exc}") from None
        raise


def read_cohort(path: str | Path) -> Any:
    """Read a cohort file (``.csv``, ``.parquet``, ``.jsonl``) as one pandas DataFrame.

    The input for ``triage_frame``: see ``iter_cohort`` for how cells are read.
    """
    import pandas as pd

    chunks = [chunk for chunk, _ in iter_cohort(path)]
    if not chunks:
        return pd.DataFrame()
    return chunks[0] if len(chunks) == 1 else pd.concat(chunks, ignore_index=True)


def _write_chunk(frame: Any, target: Path, suffix: str, state: dict[str, Any]) -> None:
    """Append one triaged chunk to ``target`` (the first chunk creates it)."""
    first = not state
    state["written"] = True
    if suffix == ".csv":
        frame.to_csv(target, mode="w" if first else "a", header=first, index=False)
    elif suffix == ".jsonl":
        with target.open("w" if first else "a", encoding="utf-8") as fh:
            text = frame.to_json(orient="records", lines=True, force_ascii=False)
            fh.write(text if not text or text.endswith("\n") else text + "\n")
    else:
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
        import pyarrow.parquet as pq

        plain = frame.assign(**{c: frame[c].astype(object) for c in RESULT_COLUMNS})
        table = pa.Table.from_pandas(plain, preserve_index=False)
        if first:
            state["writer"] = pq.ParquetWriter(target, table.schema)
            state["schema"] = table.schema
        else:
            table = table.cast(state["schema"])
        state["writer"].write_table(table)


def triage_file(
    source: str | Path,
    target: str | Path,
    *,
    rules: CompiledRules | None = None,
    municipality: Mapping[str, Any] | Municipality | None = None,
    keep: Iterable[str] = ("citizen_id", "assigned_method"),
    on_progress: Any = None,
    chunk_rows: int = 250_000,
) -> Any:
    """Triage a cohort file into ``target`` (``.csv``, ``.parquet`` or ``.jsonl``), in chunks.

    ``target`` gets every input column plus ``RESULT_COLUMNS``. Returns a pandas frame of the
    ``keep`` columns present plus the result columns (for ``cohort_report``), without the
    rest. ``on_progress(share_done, rows_done)`` is called after each chunk. JSON lines are
    read in one piece (their columns may differ from line to line).
    """
    import pandas as pd

    compiled = rules if rules is not None else default_rules()
    profile = as_municipality(municipality)
    source, target = Path(source), Path(target)
    out_suffix = _suffix(target)
    if source.resolve() == target.resolve():
        raise AssessmentError(f"{target}: the output would overwrite the input; choose another")
    rows = 0
    kept: list[Any] = []
    state: dict[str, Any] = {}
    size = 1 << 62 if _suffix(source) == ".jsonl" else chunk_rows
    try:
        for chunk, share in iter_cohort(source, size):
            triaged = triage_frame(chunk, rules=compiled, municipality=profile)
            _write_chunk(triaged, target, out_suffix, state)
            columns = [c for c in keep if c in triaged.columns and c not in RESULT_COLUMNS]
            kept.append(triaged[[*columns, *RESULT_COLUMNS]])
            rows += len(triaged)
            if on_progress is not None:
                on_progress(share, rows)
        if not state:  # an empty input still gives a (header-only) output
            _write_chunk(triage_frame(pd.DataFrame(), rules=compiled), target, out_suffix, state)
    finally:
        if "writer" in state:
            state["writer"].close()
    result = pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0] if kept else None
    if result is None:
        result = triage_frame(pd.DataFrame(), rules=compiled)
    result.attrs["hf_triage"] = {
        "ruleset_fingerprint": compiled.fingerprint,
        "offers": sorted(profile.offers) if profile is not None else None,
    }
    return result
