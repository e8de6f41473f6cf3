"""Cohort files' less common exits (issue 9 item 6: branches no test took before).

JSON lines and Parquet files are checked like CSV ones (bad lines and headers named with the
file), an empty JSON-lines file is an empty cohort with a header-only output, and an output that
would overwrite the input, or is a directory, is refused before anything is written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

from hf_triage import AssessmentError, read_cohort  # noqa: E402
from hf_triage._cohort import triage_file  # noqa: E402


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_line_that_is_not_json_is_named_with_its_number(tmp_path: Path) -> None:
    source = _write(tmp_path / "a.jsonl", '{"complexity": "mild"}\nnot json\n')
    with pytest.raises(AssessmentError, match=r"a\.jsonl:2: not a JSON line"):
        read_cohort(source)


def test_a_json_line_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    source = _write(tmp_path / "b.jsonl", '{"complexity": "mild"}\n[1, 2]\n')
    with pytest.raises(AssessmentError, match=r"b\.jsonl:2: each line must be a JSON object"):
        read_cohort(source)


def test_dimensions_that_are_not_a_mapping_are_refused_with_the_column_layout(
    tmp_path: Path,
) -> None:
    source = _write(tmp_path / "c.jsonl", '{"complexity": "mild", "dimensions": 3}\n')
    with pytest.raises(AssessmentError, match=r"dimensions\.<name>"):
        triage_file(source, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_a_danish_header_in_json_lines_or_parquet_gets_the_english_name(
    tmp_path: Path, suffix: str
) -> None:
    source = tmp_path / f"d{suffix}"
    if suffix == ".jsonl":
        _write(source, '{"kompleksitet": "mild"}\n')
    else:
        pd.DataFrame({"kompleksitet": ["mild"]}).to_parquet(source)
    with pytest.raises(AssessmentError, match=r"'kompleksitet'.*did you mean 'complexity'"):
        read_cohort(source)


def test_an_empty_json_lines_file_is_an_empty_cohort(tmp_path: Path) -> None:
    source = _write(tmp_path / "e.jsonl", "")
    assert read_cohort(source).empty
    target = tmp_path / "out.csv"
    result = triage_file(source, target)
    assert len(result) == 0
    assert "method" in result.columns
    assert target.read_text(encoding="utf-8").splitlines() == [
        "method,possible_methods,missing,warning_codes,reason_ids,error"
    ]


def test_ndjson_is_read_as_json_lines(tmp_path: Path) -> None:
    source = _write(tmp_path / "g.ndjson", '{"complexity": "mild", "service_use": "partial"}\n')
    frame = read_cohort(source)
    assert frame.to_dict("records") == [{"complexity": "mild", "service_use": "partial"}]


def test_another_suffix_is_refused_with_the_allowed_ones(tmp_path: Path) -> None:
    source = _write(tmp_path / "h.txt", "complexity\nmild\n")
    with pytest.raises(AssessmentError, match=r"must be \.csv, \.parquet, \.jsonl \(not \.txt\)"):
        read_cohort(source)


def test_a_row_with_too_many_cells_is_named_with_its_line(tmp_path: Path) -> None:
    source = _write(tmp_path / "i.csv", "complexity,service_use\nmild,partial\nmild,partial,x,y\n")
    with pytest.raises(AssessmentError, match=r"i\.csv:3: this row has 4 cells, the header 2"):
        read_cohort(source)


def test_a_file_that_is_not_parquet_is_refused_with_the_reason(tmp_path: Path) -> None:
    source = tmp_path / "j.parquet"
    source.write_bytes(b"PAR1 not a parquet file")
    with pytest.raises(AssessmentError, match=r"j\.parquet: cannot read the cohort"):
        read_cohort(source)


def test_an_output_over_the_input_or_a_directory_is_refused(tmp_path: Path) -> None:
    text = '{"complexity": "mild", "service_use": "partial"}\n'
    source = _write(tmp_path / "g.jsonl", text)
    with pytest.raises(AssessmentError, match="would overwrite the input"):
        triage_file(source, source)
    assert source.read_text(encoding="utf-8") == text
    (tmp_path / "out.csv").mkdir()
    with pytest.raises(AssessmentError, match="is a directory"):
        triage_file(source, tmp_path / "out.csv")


def test_a_csv_output_neutralises_formulas_in_mixed_json_columns_and_keeps_numbers(
    tmp_path: Path,
) -> None:
    source = _write(
        tmp_path / "m.jsonl",
        '{"citizen_id": "a", "complexity": "mild", "note": 5, "mixed": 1}\n'
        '{"citizen_id": "b", "complexity": "mild", "note": 6, "mixed": "=SUM(A1)"}\n',
    )
    target = tmp_path / "out.csv"
    triage_file(source, target, keep=("citizen_id", "note", "mixed"))
    rows = pd.read_csv(target, dtype=str).to_dict("records")
    assert [(r["note"], r["mixed"]) for r in rows] == [("5", "1"), ("6", "'=SUM(A1)")]
