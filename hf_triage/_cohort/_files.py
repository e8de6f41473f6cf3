"""Cohort files: read ``.csv``, ``.parquet`` and ``.jsonl`` cohorts, and triage one file into
another in chunks (``hf-triage batch``)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .._api import default_rules
from .._compile import CompiledRules
from .._exceptions import AssessmentError
from .._models import Municipality
from ._cells import RESULT_COLUMNS
from ._frame import triage_frame
from ._profile import as_municipality

__all__ = ["COHORT_SUFFIXES", "iter_cohort", "read_cohort", "triage_file"]

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
