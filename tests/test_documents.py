"""The one document loader: what it refuses before reading, ``-`` as stdin, one-pass problems."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from hf_triage import MunicipalityError, RuleError, load_rules
from hf_triage._assessments import load_assessment
from hf_triage._cases import load_cases
from hf_triage._documents import (
    MAX_BYTES,
    SHOWN,
    Unreadable,
    load_document,
    parse_document,
    read_text,
    require_regular,
)
from hf_triage._exceptions import AssessmentError

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str
    size: int = 0


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_dash_reads_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b"name: Aarhus\n")
    assert read_text("-") == "name: Aarhus\n"
    _stdin(monkeypatch, b"name: Aarhus\nsize: 3\n")
    loaded = load_document("-", Profile, what="profile", error=AssessmentError, example="name: x")
    assert loaded == Profile(name="Aarhus", size=3)


def test_stdin_problems_are_named_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b"name: Aarhus\nsize: x\n")
    with pytest.raises(AssessmentError) as raised:
        load_document("-", Profile, what="profile", error=AssessmentError, example="name: x")
    assert raised.value.problems == ("<stdin>:2: size: 'x': Input should be a valid integer",)


def test_closed_or_missing_stdin_is_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    closed = io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8")
    closed.close()
    monkeypatch.setattr(sys, "stdin", closed)
    with pytest.raises(Unreadable, match="standard input"):
        read_text("-")
    monkeypatch.setattr(sys, "stdin", None)
    with pytest.raises(Unreadable, match="no standard input"):
        read_text("-")


def test_binary_stdin_is_not_utf8(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b"\xff\xfe\x00")
    with pytest.raises(Unreadable, match="not UTF-8"):
        read_text("-")


@needs_fifo
def test_a_fifo_is_refused_before_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "profile.yaml"
    os.mkfifo(fifo)  # no writer: opening it for reading in blocking mode would hang
    with pytest.raises(Unreadable, match="FIFO"):
        read_text(fifo)
    document = parse_document(fifo, "profile", "en")
    assert document.problems == (
        f"{fifo}:1: cannot read the profile: it is a FIFO (named pipe), not a regular file: "
        "give a file",
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_refused_before_reading(tmp_path: Path) -> None:
    with pytest.raises(Unreadable, match="device"):
        read_text("/dev/zero")
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")  # a symlink is followed, then refused: no 2.9 GiB read
    with pytest.raises(Unreadable, match="device"):
        read_text(link)


def test_a_directory_and_a_symlink_loop_are_refused(tmp_path: Path) -> None:
    with pytest.raises(Unreadable, match="directory"):
        read_text(tmp_path)
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    with pytest.raises(Unreadable):
        read_text(loop)
    with pytest.raises(Unreadable, match="no such file"):
        read_text(tmp_path / "missing.yaml")


def test_a_file_over_the_cap_is_refused_whole(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (MAX_BYTES + 1))
    with pytest.raises(Unreadable, match=str(MAX_BYTES)):
        read_text(path)
    path.write_bytes(b"#" * MAX_BYTES)
    assert len(read_text(path)) == MAX_BYTES


def test_require_regular_names_the_file(tmp_path: Path) -> None:
    require_regular("-", what="cohort", error=AssessmentError)
    (tmp_path / "c.csv").write_text("a\n", encoding="utf-8")
    require_regular(tmp_path / "c.csv", what="cohort", error=AssessmentError)
    with pytest.raises(AssessmentError, match=r"cannot read the cohort: it is a directory"):
        require_regular(tmp_path, what="cohort", error=AssessmentError)


def test_every_problem_in_one_pass_with_file_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    # a YAML problem (line 3), a wrong type (line 2) and an unknown key (line 4) together
    path.write_text("name: Aarhus\nsize: many\nname: again\ncolour: red\n", encoding="utf-8")
    with pytest.raises(AssessmentError) as raised:
        load_document(path, Profile, what="profile", error=AssessmentError, example="name: x")
    assert raised.value.problems == (
        f"{path}:3: duplicate key 'name' (first on line 1): remove one of them",
        f"{path}:2: size: 'many': Input should be a valid integer",
        f"{path}:4: colour: unknown key: check the spelling or remove it",
    )
    assert "red" not in str(raised.value)  # an unknown key's value is never echoed


def test_a_long_bad_value_is_cut_short(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text(f"name: Aarhus\nsize: {'x' * 5000}\n", encoding="utf-8")
    with pytest.raises(AssessmentError) as raised:
        load_document(path, Profile, what="profile", error=AssessmentError, example="name: x")
    assert len(str(raised.value)) < len(str(path)) + SHOWN + 80
    assert "…" in str(raised.value)


@pytest.mark.parametrize("text", ["[1, 2]\n", "just text\n", "42\n"])
def test_the_document_must_be_a_mapping(tmp_path: Path, text: str) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AssessmentError, match=r"a\.yaml:1: the assessment must be a mapping"):
        load_assessment(path)
    with pytest.raises(AssessmentError, match=r"a\.yaml:1: the profile must be a mapping"):
        load_document(path, Profile, what="profile", error=AssessmentError, example="name: x")


@needs_fifo
def test_a_fifo_among_the_rule_files_is_a_rule_error(rules_copy: Path) -> None:
    os.mkfifo(rules_copy / "extra.yaml")
    with pytest.raises(RuleError) as raised:
        load_rules(rules_copy, lang="en")
    assert f"{rules_copy / 'extra.yaml'}:1: cannot read the file: it is a FIFO" in str(raised.value)
    with pytest.raises(RuleError) as danish:
        load_rules(rules_copy)
    assert f"{rules_copy / 'extra.yaml'}:1: filen kan ikke læses: det er en FIFO" in str(
        danish.value
    )


@needs_fifo
def test_a_fifo_among_the_case_files_is_a_rule_error(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "cases.yaml")
    with pytest.raises(RuleError, match=r"cases\.yaml:1: cannot read the case file: it is a FIFO"):
        load_cases(tmp_path, lang="en")
    with pytest.raises(RuleError, match=r"cases\.yaml:1: testfilen kan ikke læses: det er en FIFO"):
        load_cases(tmp_path)


def test_municipality_error_is_raised_for_a_profile(tmp_path: Path) -> None:
    from hf_triage import load_municipality

    with pytest.raises(MunicipalityError, match="cannot read the municipality profile"):
        load_municipality(tmp_path)


def test_an_assessment_file_names_the_line_of_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "citizen.yaml"
    path.write_text(
        "complexity: huge\nconsent: no\ndimensions:\n  network: 7\ndiagnosis: secret\n",
        encoding="utf-8",
    )
    with pytest.raises(AssessmentError) as raised:
        load_assessment(path)
    problems = raised.value.problems
    assert [p.split(": ", 1)[0] for p in problems] == [
        f"{path}:2",  # the ambiguous 'no' (its value problem is not repeated)
        f"{path}:1",
        f"{path}:4",
        f"{path}:5",
    ]
    assert "'huge' is not allowed" in problems[1]
    assert "dimensions.network" in problems[2]
    assert "diagnosis" in problems[3] and "secret" not in str(raised.value)


def test_a_valid_assessment_file_is_returned_as_written(tmp_path: Path) -> None:
    path = tmp_path / "citizen.json"
    path.write_text('{"complexity": "mild", "dimensions": {"network": 2}}', encoding="utf-8")
    assert load_assessment(path) == {"complexity": "mild", "dimensions": {"network": 2}}


def test_undecodable_text_stdin_is_not_utf8(monkeypatch: pytest.MonkeyPatch) -> None:
    class TextOnly:
        """A text stream without a byte buffer (e.g. a notebook's replaced stdin)."""

        def read(self, size: int = -1) -> str:
            raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")

    monkeypatch.setattr(sys, "stdin", TextOnly())
    with pytest.raises(Unreadable, match="not UTF-8"):
        read_text("-")
