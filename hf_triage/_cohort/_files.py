"""Cohort files: read ``.csv``, ``.parquet`` and ``.jsonl`` cohorts, and triage one file into
another in chunks (``hf-triage batch``)."""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .._api import default_rules
from .._compile import CompiledRules
from .._domain import METHODS
from .._exceptions import AssessmentError
from .._models import Municipality
from ._cells import RESULT_COLUMNS
from ._csvfile import CsvLayout, LineReader, header_problems, neutralise, sniff_csv
from ._frame import triage_frame
from ._profile import as_municipality

__all__ = ["COHORT_SUFFIXES", "iter_cohort", "read_cohort", "triage_file"]

#: the cohort file formats, by suffix
COHORT_SUFFIXES = (".csv", ".parquet", ".jsonl")
_READ_BUFFER = 1 << 20


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

    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

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


#: placeholder columns past the header: a row with more cells than the header fills them, and
#: is refused here. pandas < 3 reading in chunks drops such extra cells silently (pandas 3
#: raises), so the check cannot be left to pandas.
_EXTRA = tuple(f"\x00extra{i}" for i in range(8))


def _csv_chunks(source: Path, chunk_rows: int, layout: CsvLayout) -> Iterator[tuple[Any, float]]:
    import pandas as pd

    size = max(source.stat().st_size, 1)
    header = list(layout.header)
    with source.open("rb") as raw:
        lines = LineReader(raw, layout.line_break)
        reader = pd.read_csv(
            io.BufferedReader(lines, _READ_BUFFER),
            sep=layout.delimiter,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            chunksize=chunk_rows,
            encoding=layout.encoding,
            lineterminator="\n",
            header=None,
            skiprows=1,  # the header, read by sniff_csv
            names=[*header, *_EXTRA],
        )
        for chunk in reader:
            extra = chunk[list(_EXTRA)].notna().any(axis=1)
            if extra.any():
                row = int(extra.to_numpy().argmax())
                cells = len(header) + int(chunk[list(_EXTRA)].iloc[row].notna().sum())
                line = int(chunk.index[row]) + 2  # the header is line 1
                raise AssessmentError(
                    f"{source}:{line}: this row has {cells} cells, the header {len(header)}; "
                    "every row needs one cell per column (a separator inside a cell must be "
                    "quoted)"
                )
            yield chunk.drop(columns=list(_EXTRA)), min(lines.consumed / size, 1.0)


_RAGGED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _read_error(source: Path, exc: Exception) -> AssessmentError:
    ragged = _RAGGED.search(str(exc))
    if ragged:
        expected, line, saw = ragged.groups()
        return AssessmentError(
            f"{source}:{line}: this row has {saw} cells, the header {expected}; every row needs "
            "one cell per column (a separator inside a cell must be quoted)"
        )
    return AssessmentError(f"{source}: cannot read the cohort: {_cut(str(exc))}")


def _cut(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def iter_cohort(
    path: str | Path, chunk_rows: int = 100_000, notes: list[str] | None = None
) -> Iterator[tuple[Any, float]]:
    """Read a cohort file in pandas chunks, each with the share of the file read so far.

    CSV is read as text with only blank cells unknown (``"NA"`` stays a value, and an error
    for an assessment field); its encoding (UTF-8 with or without a BOM, else Windows-1252 /
    Latin-1) and separator (``,``, ``;`` or tab) are found by ``sniff_csv``, and what was found
    is appended to ``notes`` when given. JSON lines may nest ``dimensions`` (flattened here).
    Raises ``AssessmentError`` naming the file for a file that cannot be read (also a FIFO or
    a device), an empty one, and columns that cannot be triaged: misspelt or Danish names (with
    the English name), no assessment column, none of the core columns, a name given twice.
    """
    try:
        import pandas as pd  # noqa: F401
    except ImportError:
        raise ImportError(
            "reading a cohort file needs pandas: pip install 'hf-triage[cohort]'"
        ) from None
    from .._documents import require_regular

    source = Path(path)
    suffix = _suffix(source)
    # a FIFO or a device would hang or exhaust the reader: refused before it opens
    require_regular(source, what="cohort", error=AssessmentError)
    try:
        if suffix == ".csv":
            layout = sniff_csv(source)
            problems = header_problems(list(layout.header), str(source))
            if problems:
                raise AssessmentError("invalid cohort: " + "; ".join(problems), tuple(problems))
            if notes is not None:
                notes.extend(layout.notes)
            yield from _csv_chunks(source, chunk_rows, layout)
        elif suffix == ".parquet":
            import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

            parquet = pq.ParquetFile(source)
            problems = header_problems(list(parquet.schema_arrow.names), str(source))
            if problems:
                raise AssessmentError("invalid cohort: " + "; ".join(problems), tuple(problems))
            total = max(parquet.metadata.num_rows, 1)
            done = 0
            for batch in parquet.iter_batches(batch_size=chunk_rows):
                done += batch.num_rows
                yield batch.to_pandas(), done / total
        else:
            size = max(source.stat().st_size, 1)
            with source.open(encoding="utf-8-sig") as fh:
                first = 1
                while True:
                    lines = list(itertools.islice(fh, chunk_rows))
                    if not lines:
                        break
                    frame = _jsonl_frame(lines, str(source), first)
                    if first == 1 and len(frame.columns):
                        problems = header_problems(list(frame.columns), str(source))
                        if problems:
                            raise AssessmentError(
                                "invalid cohort: " + "; ".join(problems), tuple(problems)
                            )
                    yield frame, min(fh.tell() / size, 1.0)
                    first += len(lines)
    except AssessmentError:
        raise
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise _read_error(source, exc) from None
    except Exception as exc:  # pyarrow's and pandas' parser errors have no common base
        if type(exc).__module__.split(".")[0] in ("pyarrow", "pandas"):
            raise _read_error(source, exc) from None
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


def _write_chunk(
    frame: Any, handle: Any, suffix: str, state: dict[str, Any], excel: bool = False
) -> None:
    """Append one triaged chunk to the open output ``handle`` (the first chunk writes the
    header). CSV cells a spreadsheet would run as a formula are neutralised; every cell with a
    line break, CR included, is quoted, so a row stays a row (``\r\n`` ends each row)."""
    first = not state
    state["written"] = True
    if suffix == ".csv":
        safe = neutralise(frame, [str(c) for c in frame.columns])
        safe.to_csv(
            handle,
            header=first,
            index=False,
            sep=";" if excel else ",",
            lineterminator="\r\n",
        )
    elif suffix == ".jsonl":
        text = frame.to_json(orient="records", lines=True, force_ascii=False)
        handle.write(text if not text or text.endswith("\n") else text + "\n")
    else:
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
        import pyarrow.parquet as pq

        plain = frame.assign(**{c: frame[c].astype(object) for c in RESULT_COLUMNS})
        table = pa.Table.from_pandas(plain, preserve_index=False)
        if first:
            state["writer"] = pq.ParquetWriter(handle, table.schema)
            state["schema"] = table.schema
        else:
            table = table.cast(state["schema"])
        state["writer"].write_table(table)


def _check_assigned(chunk: Any, source: Path, first_row: int) -> None:
    """Refuse a cohort whose ``assigned_method`` column holds something that is not a method,
    before its chunk is written: the report counts that column, and a bad cell found there
    after the output is written would leave results without a report (issue 16)."""
    if "assigned_method" not in chunk.columns:
        return
    column = chunk["assigned_method"]
    bad = column.notna() & (column.astype(str).str.strip() != "") & ~column.isin(METHODS)
    if not bool(bad.any()):
        return
    position = int(bad.to_numpy().nonzero()[0][0])
    where = f"{source}: row {first_row + position + 1}"
    value = str(column.iloc[position])
    shown = repr(value if len(value) <= 40 else value[:39] + "…")
    raise AssessmentError(
        f"{where}: assigned_method {shown} is not a method; allowed: {', '.join(METHODS)} "
        f"(or blank); {int(bad.sum())} such cell(s) in this part of the file. Fix them, or "
        "rename the column to carry it through without a report comparison"
    )


def _temporary(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.partial")


def triage_file(
    source: str | Path,
    target: str | Path,
    *,
    rules: CompiledRules | None = None,
    municipality: Mapping[str, Any] | Municipality | None = None,
    keep: Iterable[str] = ("citizen_id", "assigned_method"),
    on_progress: Any = None,
    chunk_rows: int = 100_000,
    excel: bool = False,
) -> Any:
    """Triage a cohort file into ``target`` (``.csv``, ``.parquet`` or ``.jsonl``), in chunks.

    ``target`` gets every input column plus ``RESULT_COLUMNS``, one row per input row, in the
    input's order. It is written to a temporary file beside it and renamed at the end, so a
    failure leaves no partial output (and an existing ``target`` untouched). A CSV ``target``
    has its formula-like cells neutralised (``'=1+1``); ``excel=True`` writes it with ``;``
    and a UTF-8 BOM, as Danish Excel opens it. Returns a pandas frame of the ``keep`` columns
    present plus the result columns (for ``cohort_report``), without the rest; its
    ``.attrs["hf_triage"]["notes"]`` says how the input was read (another encoding or
    separator). ``on_progress(share_done, rows_done)`` is called after each chunk. JSON lines
    are read in one piece (their columns may differ from line to line). An ``assigned_method``
    cell that is not a method is refused (``AssessmentError``) before anything is written.
    """
    import pandas as pd

    compiled = rules if rules is not None else default_rules()
    profile = as_municipality(municipality)
    source, target = Path(source), Path(target)
    out_suffix = _suffix(target)
    in_suffix = _suffix(source)
    if source.resolve() == target.resolve():
        raise AssessmentError(f"{target}: the output would overwrite the input; choose another")
    if target.is_dir():
        raise AssessmentError(f"{target}: the output is a directory; give a file name")
    rows = 0
    kept: list[Any] = []
    state: dict[str, Any] = {}
    notes: list[str] = []
    size = 1 << 62 if in_suffix == ".jsonl" else chunk_rows
    partial = _temporary(target)
    binary = out_suffix == ".parquet"
    try:
        with (
            partial.open("wb")
            if binary
            else partial.open("w", encoding="utf-8-sig" if excel else "utf-8", newline="")
        ) as handle:
            for chunk, share in iter_cohort(source, size, notes):
                _check_assigned(chunk, source, rows)
                triaged = triage_frame(chunk, rules=compiled, municipality=profile)
                _write_chunk(triaged, handle, out_suffix, state, excel)
                columns = [c for c in keep if c in triaged.columns and c not in RESULT_COLUMNS]
                # a copy: a selection would keep the whole chunk alive (copy-on-write views)
                kept.append(triaged[[*columns, *RESULT_COLUMNS]].copy(deep=True))
                rows += len(triaged)
                if on_progress is not None:
                    on_progress(share, rows)
            if not state:  # an empty input still gives a (header-only) output
                empty = triage_frame(pd.DataFrame(), rules=compiled)
                _write_chunk(empty, handle, out_suffix, state, excel)
            if "writer" in state:
                state.pop("writer").close()
        os.replace(partial, target)
    except BaseException:
        if "writer" in state:
            with contextlib.suppress(Exception):  # the first error is the one to report
                state["writer"].close()
        partial.unlink(missing_ok=True)
        raise
    result = pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0] if kept else None
    if result is None:
        result = triage_frame(pd.DataFrame(), rules=compiled)
    result.attrs["hf_triage"] = {
        "ruleset_fingerprint": compiled.fingerprint,
        "offers": sorted(profile.offers) if profile is not None else None,
        "notes": notes,
    }
    return result
