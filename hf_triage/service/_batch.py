"""``POST /v1/triage/batch``: every row answered in order, its recommendation or its problem.

Rows are answered one by one into chunks of ``CHUNK_ROWS`` that the response streams, so the
answer (about 1.7 KB a row) is never held whole; NDJSON bodies are also parsed a line at a
time. A bad row never stops the batch (nothing dropped).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

from hf_triage import CompiledRules, TriageError, triage

from ._models import FieldProblem
from ._parse import assessment_problems, cut, loads, pointer

__all__ = ["CHUNK_ROWS", "batch_answerer", "json_chunks", "ndjson_chunks", "ndjson_rows"]

LOG = logging.getLogger("hf_triage.service")
#: rows per chunk of a streamed batch answer (one thread hop per chunk)
CHUNK_ROWS = 512


def ndjson_rows(body: bytes) -> Iterator[tuple[Any, str | None]]:
    """Rows of an NDJSON body, parsed one by one; a line that is not JSON is its row's error."""
    number = 0
    for line in _lines(body):
        number += 1
        if not line.strip():
            continue
        try:
            yield loads(line), None
        except (ValueError, RecursionError) as exc:
            yield None, f"line {number} is not valid JSON: {str(exc)[:80]}"


def _lines(body: bytes) -> Iterator[bytes]:
    """The lines of a body one at a time (``split`` would copy the whole body at once)."""
    start, end = 0, len(body)
    while start < end:
        stop = body.find(b"\n", start)
        if stop == -1:
            stop = end
        yield body[start:stop]
        start = stop + 1


def batch_answerer(
    rules: CompiledRules, municipality: dict[str, Any] | None, lang: str
) -> Callable[[int, Any, str | None], bytes]:
    def answer(index: int, row: Any, error: str | None) -> bytes:
        citizen: Any = None
        if error is None and isinstance(row, dict):
            if "citizen_id" in row:
                row = dict(row)
                citizen = row.pop("citizen_id")
                if citizen is not None and (
                    isinstance(citizen, bool) or not isinstance(citizen, (str, int))
                ):
                    problem = FieldProblem(
                        pointer=pointer(index, "citizen_id"),
                        detail="field 'citizen_id': must be a text or a whole number",
                        value=cut(citizen),
                    )
                    return _row_problem(index, None, [problem])
            try:
                rec = triage(row, rules=rules, municipality=municipality, lang=lang)
            except TriageError:
                return _row_problem(index, citizen, assessment_problems(row, (index,)))
            return b'{"index":%d,"citizen_id":%s,"recommendation":%s,"problem":null}' % (
                index,
                _json_scalar(citizen),
                rec.model_dump_json().encode(),
            )
        if error is not None:
            return _row_problem(index, None, [FieldProblem(pointer=pointer(index), detail=error)])
        return _row_problem(index, None, assessment_problems(row, (index,)))

    return answer


def _json_scalar(value: Any) -> bytes:
    # ASCII with escapes: a lone surrogate in a citizen id stays a valid JSON escape
    return json.dumps(value).encode()


def _row_problem(index: int, citizen: Any, problems: list[FieldProblem]) -> bytes:
    detail = "invalid assessment: " + "; ".join(p.detail for p in problems)
    errors = b",".join(p.model_dump_json().encode() for p in problems)
    return (
        b'{"index":%d,"citizen_id":%s,"recommendation":null,"problem":{"detail":%s,"errors":[%s]}}'
        % (
            index,
            _json_scalar(citizen),
            _json_scalar(detail),
            errors,
        )
    )


def _answered(
    answer: Callable[[int, Any, str | None], bytes], index: int, row: Any, error: str | None
) -> bytes:
    """The row's answer; a fault answering it becomes that row's problem, because the
    response is already under way (status 200 sent) and must stay one whole document.
    Logged by its exception type only: never the row."""
    try:
        return answer(index, row, error)
    except Exception as exc:
        LOG.error("batch row %d could not be answered: %s", index, type(exc).__name__)
        problem = FieldProblem(pointer=pointer(index), detail="this row could not be answered")
        return _row_problem(index, None, [problem])


def json_chunks(
    rows: Iterator[tuple[Any, str | None]], answer: Callable[[int, Any, str | None], bytes]
) -> Iterator[bytes]:
    yield b"["
    chunk: list[bytes] = []
    separator = b""  # before every chunk but the first
    for index, (row, error) in enumerate(rows):
        chunk.append(_answered(answer, index, row, error))
        if len(chunk) == CHUNK_ROWS:
            yield separator + b",".join(chunk)
            chunk, separator = [], b","
    if chunk:
        yield separator + b",".join(chunk)
    yield b"]"


def ndjson_chunks(
    rows: Iterator[tuple[Any, str | None]], answer: Callable[[int, Any, str | None], bytes]
) -> Iterator[bytes]:
    chunk: list[bytes] = []
    for index, (row, error) in enumerate(rows):
        chunk.append(_answered(answer, index, row, error) + b"\n")
        if len(chunk) == CHUNK_ROWS:
            yield b"".join(chunk)
            chunk = []
    if chunk:
        yield b"".join(chunk)
