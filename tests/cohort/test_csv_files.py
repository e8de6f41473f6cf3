"""Cohort files as municipalities have them (issue 14 item 1, issue 16's cohort-CSV parts).

Separators and encodings are found, Danish and misspelt headers get the English name, every
row in is a row out in order, formula-like cells are neutralised, and every oddity has a
defined exit code and one line on standard error, with no partial output left behind.
"""

from __future__ import annotations

import csv
import io
import os
import random
from pathlib import Path

import pytest

pd = pytest.importorskip("pandas")

from typer.testing import CliRunner, Result  # noqa: E402

from hf_triage import AssessmentError, read_cohort  # noqa: E402
from hf_triage._cohort import triage_file  # noqa: E402
from hf_triage._cohort._cells import DANISH_COLUMNS, column_problem  # noqa: E402
from hf_triage._cohort._csvfile import LineReader, sniff_csv  # noqa: E402
from hf_triage._domain import FIELDS  # noqa: E402
from hf_triage.cli import app  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
HEADER = ["citizen_id", "complexity", "service_use", "proposed_method", "note"]


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _batch(*args: str) -> Result:
    return runner.invoke(app, ["batch", *args])


def _refused(tmp_path: Path, source: Path) -> str:
    """Run batch on ``source``: exit 2, one line on stderr, no output and no partial file."""
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["batch", str(source), "-o", str(out)])
    assert result.exit_code == 2, (result.stdout, result.stderr)
    # one message line (an old rich may add a blank line for the progress display)
    assert len([x for x in result.stderr.splitlines() if x.strip()]) == 1
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    return result.stderr


# --- separators and encodings ------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_separator_is_found(tmp_path: Path, delimiter: str) -> None:
    rows = [HEADER, ["A", "severe", "minimal", "", "x,y;z"], ["B", "moderate", "partial", "", ""]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    source = _write(tmp_path / "c.csv", buffer.getvalue())
    assert sniff_csv(source).delimiter == delimiter
    frame = read_cohort(source)
    assert list(frame.columns) == HEADER
    assert frame["note"].tolist()[0] == "x,y;z"
    result = _batch(str(source), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 0, result.stderr
    assert "ICM 1, ACT 1" in result.stdout
    if delimiter != ",":
        assert "separated by" in result.stderr


def test_a_semicolon_file_was_600_undecided_and_now_is_triaged(tmp_path: Path) -> None:
    # regression (issue 14): the Danish Excel default read as one column, "600 undecided"
    text = (ROOT / "examples" / "cohort.csv").read_text(encoding="utf-8").replace(",", ";")
    source = _write(tmp_path / "semi.csv", text)
    out = tmp_path / "o.csv"
    triage_file(source, out)
    expected = triage_file(ROOT / "examples" / "cohort.csv", tmp_path / "plain.csv")
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert got["method"].tolist() == [m if isinstance(m, str) else "" for m in expected["method"]]


def test_a_bom_and_windows_1252_are_read_with_a_note(tmp_path: Path) -> None:
    bom = _write(tmp_path / "bom.csv", "\ufeffcitizen_id;complexity;service_use\nA;mild;partial\n")
    assert list(read_cohort(bom).columns) == ["citizen_id", "complexity", "service_use"]
    assert sniff_csv(bom).notes == (f"{bom}: columns separated by ';'",)
    text = "citizen_id;complexity;service_use;note\nÆ1;severe;minimal;København\n"
    legacy = _write(tmp_path / "cp.csv", text, "cp1252")
    layout = sniff_csv(legacy)
    assert layout.encoding == "cp1252" and "Windows-1252" in layout.notes[0]
    assert read_cohort(legacy)["note"].tolist() == ["København"]
    result = _batch(str(legacy), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 0 and "not UTF-8" in result.stderr
    # a byte cp1252 leaves undefined reads as Latin-1, still with a note
    odd = tmp_path / "latin.csv"
    odd.write_bytes(b"citizen_id,complexity,service_use\n\x81,mild,partial\n")
    assert sniff_csv(odd).encoding == "latin-1"


def test_a_non_utf8_byte_on_the_last_line_is_found_before_reading(tmp_path: Path) -> None:
    lines = ["citizen_id,complexity,service_use\n"] + ["A,mild,partial\n"] * 100_000
    source = tmp_path / "late.csv"
    source.write_bytes("".join(lines).encode() + "Ø,mild,partial\n".encode("cp1252"))
    assert sniff_csv(source).encoding == "cp1252"
    assert read_cohort(source)["citizen_id"].iloc[-1] == "Ø"


# --- headers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "field"),
    [
        ("kompleksitet", "complexity"),
        ("Kompleksitet", "complexity"),
        ("brug_af_tilbud", "service_use"),
        ("serviceforbrug", "service_use"),
        ("Brug af tilbud", "service_use"),
        ("Økonomi", "dimensions.finances"),
        ("psykisk helbred", "dimensions.mental_health"),
        ("samtykke", "consent"),
        ("foreslået metode", "proposed_method"),
        ("kompleksitt", "complexity"),
        ("complexty", "complexity"),
        ("service-use", "service_use"),
        ("dimensions.økonomi", "dimensions.finances"),
    ],
)
def test_a_danish_or_misspelt_header_gets_the_english_name(column: str, field: str) -> None:
    problem = column_problem(column)
    assert problem is not None and f"did you mean {field!r}" in problem


def test_the_danish_table_names_only_fields() -> None:
    assert set(DANISH_COLUMNS.values()) <= set(FIELDS)
    for column in ("citizen_id", "borger_id", "assigned_method", "note", "kommune"):
        assert column_problem(column) is None


def test_a_semicolon_file_with_danish_headers_is_refused_with_the_fix(tmp_path: Path) -> None:
    source = _write(
        tmp_path / "da.csv", "borger_id;kompleksitet;brug_af_tilbud\nA;severe;minimal\n", "cp1252"
    )
    message = _refused(tmp_path, source)
    assert "'kompleksitet'" in message and "did you mean 'complexity'" in message
    assert "did you mean 'service_use'" in message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("\ufeff", "empty"),
        ("\n\n", "empty"),
        ("a,b\n1,2\n", "no assessment column"),
        ("citizen_id,urgency\n1,acute\n", "core columns complexity and service_use"),
        ("citizen_id,complexity,complexity\n1,mild,mild\n", "'complexity' appears twice"),
        ("id,note,note\n1,a,b\n", "'note' appears twice"),
        ("citizen_id,complexity,service_use\n1,mild,partial\n2,mild,partial,x\n", ":3: this row"),
    ],
)
def test_a_file_that_cannot_be_triaged_is_refused(tmp_path: Path, text: str, words: str) -> None:
    assert words in _refused(tmp_path, _write(tmp_path / "c.csv", text))


def test_the_api_refuses_the_same(tmp_path: Path) -> None:
    with pytest.raises(AssessmentError, match="no assessment column"):
        read_cohort(_write(tmp_path / "c.csv", "a;b\n1;2\n"))
    jsonl = _write(tmp_path / "c.jsonl", '{"kompleksitet": "severe"}\n')
    with pytest.raises(AssessmentError, match="did you mean 'complexity'"):
        read_cohort(jsonl)


def test_a_short_row_reads_its_missing_cells_as_blank(tmp_path: Path) -> None:
    source = _write(tmp_path / "c.csv", "citizen_id,complexity,service_use\n1,severe\n")
    out = triage_file(source, tmp_path / "o.csv")
    assert len(out) == 1 and out["missing"].tolist() == ["service_use"]


# --- rows in, rows out -------------------------------------------------------------------------


def test_a_bare_cr_stays_in_its_cell_and_makes_no_phantom_row(tmp_path: Path) -> None:
    # regression (issue 16): 5,000 rows in gave 5,104 out, results in phantom rows
    rng = random.Random(16)
    methods = ["", "CTI", "ICM", "ACT", "\r=1+1"]
    lines = ["citizen_id,complexity,service_use,proposed_method,note"]
    for i in range(5000):
        note = rng.choice(["", "a\rb", "\r", "x\r\ry", "plain"])
        lines.append(
            f"C{i},{rng.choice(['mild', 'moderate', 'severe'])},"
            f"{rng.choice(['significant', 'partial', 'minimal'])},{rng.choice(methods)},{note}"
        )
    source = _write(tmp_path / "c.csv", "\r\n".join(lines) + "\r\n")
    out = tmp_path / "o.csv"
    results = triage_file(source, out, chunk_rows=777)
    assert results["citizen_id"].tolist() == [f"C{i}" for i in range(5000)]
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["citizen_id"] for r in rows] == [f"C{i}" for i in range(5000)]
    bad = [r for r in rows if r["proposed_method"] == "'\r=1+1"]
    assert bad and all("proposed_method" in r["error"] and r["method"] == "" for r in bad)
    assert {r["note"] for r in rows} <= {"", "a\rb", "\r", "x\r\ry", "plain"}


def test_a_classic_mac_file_breaks_lines_at_cr(tmp_path: Path) -> None:
    source = _write(tmp_path / "mac.csv", "citizen_id,complexity,service_use\r1,mild,partial\r")
    assert read_cohort(source)["citizen_id"].tolist() == ["1"]


def test_the_line_reader_holds_a_cr_across_blocks() -> None:
    data = b"a\r\n" * 400_000 + b"b\rc\r\n"
    reader = LineReader(io.BytesIO(data))
    out = io.BufferedReader(reader).read()
    assert out == b"a\n" * 400_000 + b"b\rc\n" and reader.consumed == len(data)


@pytest.mark.parametrize("cell", ["=1+1", "+1+1", "-1+1", "@SUM(A1)", " =1", "\t=1", "\r=1"])
def test_formula_like_cells_are_neutralised(tmp_path: Path, cell: str) -> None:
    rows = [["citizen_id", "complexity", "service_use", "n"], [cell, "mild", "partial", "-3"]]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    out = tmp_path / "o.csv"
    triage_file(_write(tmp_path / "c.csv", buffer.getvalue()), out)
    with out.open(newline="", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert row["citizen_id"] == "'" + cell
    assert row["n"] == "-3"  # a number is data


def test_excel_output_has_semicolons_and_a_bom(tmp_path: Path) -> None:
    out = tmp_path / "o.csv"
    result = _batch(str(ROOT / "examples" / "cohort.csv"), "-o", str(out), "--excel")
    assert result.exit_code == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfcitizen_id;complexity;")
    assert data.count(b"\xef\xbb\xbf") == 1
    again = read_cohort(out)
    assert len(again) == 600 and again.columns[-1] == "error"


def test_a_bad_assigned_method_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    # regression (issue 16): batch aborted after the output was written, before the report
    lines = ["citizen_id,complexity,service_use,assigned_method"]
    lines += [f"{i},mild,partial,CTI" for i in range(300)] + ["300,mild,partial,cti"]
    out = tmp_path / "out.csv"
    out.write_text("old", encoding="utf-8")
    source = _write(tmp_path / "c.csv", "\n".join(lines) + "\n")
    result = runner.invoke(app, ["batch", str(source), "-o", str(out)])
    assert result.exit_code == 2
    assert len([x for x in result.stderr.splitlines() if x.strip()]) == 1
    assert "row 301: assigned_method 'cti' is not a method" in result.stderr
    assert out.read_text(encoding="utf-8") == "old"  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv", "out.csv"]
    with pytest.raises(AssessmentError):
        triage_file(source, tmp_path / "o2.csv", chunk_rows=100)
    assert not (tmp_path / "o2.csv").exists()


def test_a_failure_mid_file_leaves_no_partial_output(tmp_path: Path) -> None:
    lines = ["citizen_id,complexity,service_use"] + [f"{i},mild,partial" for i in range(500)]
    lines.append("500,mild,partial,extra")
    source = _write(tmp_path / "c.csv", "\n".join(lines) + "\n")
    for suffix in (".csv", ".jsonl"):
        with pytest.raises(AssessmentError, match=":502: this row has 4 cells"):
            triage_file(source, tmp_path / f"o{suffix}", chunk_rows=50)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv"]


def test_outputs_that_cannot_be_written_are_refused(tmp_path: Path) -> None:
    source = ROOT / "examples" / "cohort.csv"
    (tmp_path / "dir.csv").mkdir()
    result = _batch(str(source), "-o", str(tmp_path / "dir.csv"))
    assert result.exit_code == 2 and "directory" in result.stderr
    result = _batch(str(source), "-o", str(tmp_path / "o.csv"), "--report", str(tmp_path))
    assert result.exit_code == 2 and "directory" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_the_api_refuses_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "c.csv"
    os.mkfifo(fifo)
    with pytest.raises(AssessmentError, match="FIFO"):
        read_cohort(fifo)


def test_triage_many_names_a_danish_key_with_the_english_one() -> None:
    from hf_triage import triage_many

    (result,) = triage_many([{"kompleksitet": "severe", "service_use": "minimal"}])
    assert result.recommendation is None
    assert result.error is not None and "did you mean 'complexity'" in result.error


def test_numpy_scalars_and_pandas_missing_markers_are_read_as_plain_values() -> None:
    from hf_triage._cohort._cells import read_cell

    np = pytest.importorskip("numpy")
    assert read_cell("complexity", pd.NA) is None
    assert read_cell("complexity", pd.NaT) is None
    three = read_cell("dimensions.housing", np.int64(3))
    assert three == 3 and type(three) is int
    assert read_cell("consent", np.bool_(True)) is True


def test_a_danish_dimension_column_gets_the_english_name() -> None:
    problem = column_problem("livsomraade.bolig")
    assert problem is not None and "did you mean 'dimensions.housing'" in problem
