"""Cohort CSV files as municipalities have them: the encoding, the separator, the header, the
line breaks, and the cells a spreadsheet would run as a formula.

Danish Excel writes ``;``-separated files in Windows-1252 (or UTF-8 with a BOM, "CSV UTF-8");
other systems write ``,`` or tab and UTF-8. ``sniff_csv`` finds out which, once, before any row
is read, and says so in ``notes`` when it is not plain UTF-8 with ``,`` (issue 14, item 1).

Rows end at ``\\n`` or ``\\r\\n`` only: a bare CR inside a cell stays in the cell (a note typed
on an old Mac, a pasted value) instead of starting a phantom row (issue 16, "Wrong advice,
silently"). A file whose only line breaks are bare CRs (classic Mac) is read with CR as the
line break.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._domain import CORE_FIELDS, FIELDS
from .._exceptions import AssessmentError
from ._cells import column_problem

__all__ = ["CsvLayout", "LineReader", "header_problems", "neutralise", "sniff_csv"]

_BOM = codecs.BOM_UTF8
#: the separators tried, in the order a tie is broken
_DELIMITERS = (",", ";", "\t")
_HEAD_BYTES = 1 << 20
_BLOCK = 1 << 20
#: a cell a spreadsheet runs as a formula: =, +, -, @ first, also after whitespace (OWASP
#: "CSV injection"); a plain number such as -3 or +4.5 is data and stays as it is
_FORMULA = re.compile(r"^\s*[=+\-@]")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


@dataclass(frozen=True)
class CsvLayout:
    """How a cohort CSV is written: read once by ``sniff_csv``."""

    #: the Python codec: ``utf-8``, ``utf-8-sig`` (with a BOM), ``cp1252`` or ``latin-1``
    encoding: str
    delimiter: str
    #: the column names, as written
    header: tuple[str, ...]
    #: ``\n`` (also for ``\r\n`` files) or ``\r`` (classic Mac)
    line_break: str
    #: what the reader did that the user should know (another encoding, another separator)
    notes: tuple[str, ...]


def _shown(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _encoding(path: Path, name: str) -> tuple[str, tuple[str, ...]]:
    """UTF-8 (with or without a BOM) when the whole file decodes as UTF-8; else Windows-1252,
    else Latin-1, each with a note. The whole file is checked, a block at a time, so a
    non-UTF-8 byte on the last line is found before any row is read."""
    with path.open("rb") as fh:
        first = fh.read(_BLOCK)
        bom = first.startswith(_BOM)
        decoder = codecs.getincrementaldecoder("utf-8")()
        block = first
        try:
            while block:
                decoder.decode(block, final=False)
                block = fh.read(_BLOCK)
            decoder.decode(b"", final=True)
            return ("utf-8-sig" if bom else "utf-8"), ()
        except UnicodeDecodeError:
            pass
        fh.seek(0)
        codec = "cp1252"
        for block in iter(lambda: fh.read(_BLOCK), b""):
            try:
                block.decode("cp1252")
            except UnicodeDecodeError:
                codec = "latin-1"  # every byte is a Latin-1 character
                break
    label = "Windows-1252 (cp1252)" if codec == "cp1252" else "Latin-1 (ISO-8859-1)"
    return codec, (
        f"{name}: not UTF-8; read as {label}, as Danish Excel saves it. "
        "Check that æ, ø and å read right; save as 'CSV UTF-8' to be sure",
    )


def _header_score(header: list[str]) -> tuple[int, int]:
    """How much a header looks like a cohort's: columns recognised (fields, Danish or misspelt
    field names), then columns in all."""
    known = sum(1 for c in header if c in FIELDS or column_problem(c) is not None)
    return known, len(header)


def sniff_csv(path: str | Path) -> CsvLayout:
    """Read how a cohort CSV is written: its encoding, separator, line breaks and header.

    Raises ``AssessmentError`` for an empty file (also one holding only a BOM), and for a header
    that names a column twice.
    """
    source = Path(path)
    name = str(source)
    encoding, notes = _encoding(source, name)
    with source.open("rb") as fh:
        head = fh.read(_HEAD_BYTES)
    if head.startswith(_BOM):
        head = head[len(_BOM) :]
    text = head.decode(encoding if encoding != "utf-8-sig" else "utf-8", errors="replace")
    if not text.strip():
        raise AssessmentError(
            f"{name}: the cohort file is empty: no header row. The first line names the columns "
            "(complexity, service_use, ...)"
        )
    line_break = "\r" if "\n" not in text and "\r" in text else "\n"
    lines = text.replace("\r\n", "\n") if line_break == "\n" else text.replace("\r", "\n")
    best: tuple[tuple[int, int], str, list[str]] | None = None
    for delimiter in _DELIMITERS:
        reader = csv.reader(io.StringIO(lines, newline=""), delimiter=delimiter)
        try:
            header = next(reader, [])
        except csv.Error:
            continue
        score = _header_score(header)
        if best is None or score > best[0]:
            best = (score, delimiter, header)
    if best is None:  # pragma: no cover - csv.reader refuses no header for every separator
        raise AssessmentError(f"{name}: the header row cannot be read")
    _, delimiter, header = best
    if delimiter != ",":
        shown = "tab" if delimiter == "\t" else repr(delimiter)
        notes = (*notes, f"{name}: columns separated by {shown}")
    seen: dict[str, int] = {}
    twice = []
    for number, column in enumerate(header, start=1):
        if column in seen:
            twice.append(
                f"column {_shown(column)} appears twice (columns {seen[column]} and {number})"
            )
        seen.setdefault(column, number)
    if twice:
        raise AssessmentError(
            f"{name}: " + "; ".join(twice) + "; every column needs its own name: keep one",
            tuple(twice),
        )
    return CsvLayout(encoding, delimiter, tuple(header), line_break, notes)


def header_problems(columns: list[Any], name: str) -> list[str]:
    """Why a cohort's columns cannot be triaged: misspelt or Danish names (with the English
    name to use), no assessment column at all, or none of the core columns."""
    problems = [p for p in (column_problem(c) for c in columns) if p is not None]
    if problems:
        return problems
    fields = [c for c in columns if c in FIELDS]
    if not fields:
        found = ", ".join(_shown(str(c), 30) for c in columns[:8])
        more = f" (+{len(columns) - 8} more)" if len(columns) > 8 else ""
        return [
            f"{name}: no assessment column; found {found}{more}. Name the columns by the "
            f"fields: {', '.join(FIELDS)}"
        ]
    if not any(c in CORE_FIELDS for c in columns):
        return [
            f"{name}: the core columns {' and '.join(CORE_FIELDS)} are both missing; without "
            "them no row can be decided. Add them (blank cells mean unknown)"
        ]
    return []


class LineReader(io.RawIOBase):
    """A binary file whose rows end at ``\\n`` only, for pandas' ``lineterminator="\\n"``:
    ``\\r\\n`` becomes ``\\n`` (a CR that ends one block is held until the next is read), a bare
    CR stays in its cell; with ``line_break="\\r"`` every CR is a line break. ``consumed`` is
    the number of bytes read from the file, for progress."""

    def __init__(self, raw: Any, line_break: str = "\n") -> None:
        super().__init__()
        self._raw = raw
        self._mac = line_break == "\r"
        self._held = b""
        self._out = b""
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def _fill(self) -> bool:
        block = self._raw.read(_BLOCK)
        self.consumed += len(block)
        if not block:
            self._out += self._held
            self._held = b""
            return False
        block = self._held + block
        self._held = b""
        if self._mac:
            self._out += block.replace(b"\r", b"\n")
            return True
        if block.endswith(b"\r"):
            block, self._held = block[:-1], b"\r"
        self._out += block.replace(b"\r\n", b"\n")
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._out and self._fill():
            pass
        size = min(len(buffer), len(self._out))
        buffer[:size] = self._out[:size]
        self._out = self._out[size:]
        return size


def neutralise(frame: Any, columns: list[str]) -> Any:
    """``frame`` with every text cell of ``columns`` that a spreadsheet would run as a formula
    prefixed with ``'`` (shown as text, not run); numbers such as ``-3`` stay as they are."""
    from pandas.api.types import is_string_dtype  # type: ignore[import-untyped,unused-ignore]

    changed = {}
    for column in columns:
        series = frame[column]
        if str(series.dtype) == "category":
            cats = [str(c) for c in series.cat.categories]
            if any(_risky(c) for c in cats):
                changed[column] = series.cat.rename_categories(
                    ["'" + c if _risky(c) else c for c in cats]
                )
            continue
        if series.dtype != object and not is_string_dtype(series.dtype):
            continue
        candidates = _starts_like_formula(series)
        if candidates is None:  # no text in this column (numbers read from JSON lines)
            continue
        if not bool(candidates.any()):
            continue
        risky = candidates & ~series.str.strip().str.fullmatch(_NUMBER.pattern, na=False)
        if bool(risky.any()):
            changed[column] = series.where(~risky, "'" + series.astype(str))
    return frame.assign(**changed) if changed else frame


def _starts_like_formula(series: Any) -> Any:
    """A boolean mask of the text cells matching ``_FORMULA``; ``None`` for a column without
    text. pyarrow's regex kernel when it can take the column (far faster than pandas' per-cell
    fallback on a million rows), else pandas'."""
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    try:
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
        import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

        array = pa.array(series, from_pandas=True)
        if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
            found = pc.fill_null(pc.match_substring_regex(array, _FORMULA.pattern), False)
            return pd.Series(found.to_numpy(zero_copy_only=False), index=series.index)
    except (ImportError, TypeError, ValueError):  # pyarrow's errors subclass these
        pass
    try:
        return series.str.match(_FORMULA.pattern, na=False)
    except AttributeError:
        return None


def _risky(value: str) -> bool:
    return bool(_FORMULA.match(value)) and not _NUMBER.match(value.strip())
