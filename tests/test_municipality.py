"""``load_municipality``: one loader for every caller, ``-`` is standard input."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from hf_triage import MunicipalityError, load_municipality

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PROFILE = ROOT / "rules" / "municipality.example.yaml"


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8")
    )


def test_dash_reads_the_profile_from_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    # regression: load_municipality("-") read stdin once, then re-read "-" as a file path on a
    # schema problem and leaked a bare FileNotFoundError
    _stdin(monkeypatch, EXAMPLE_PROFILE.read_text(encoding="utf-8"))
    assert load_municipality("-") == load_municipality(EXAMPLE_PROFILE)


def test_a_bad_profile_on_standard_input_is_a_municipality_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _stdin(monkeypatch, "offers: [CTI, FACT]\nstaff: {CTI: -1}\n")
    with pytest.raises(MunicipalityError) as raised:
        load_municipality("-")
    assert raised.value.problems == (
        "<stdin>:1: offers.1: 'FACT' is not allowed; allowed: CTI, ICM or ACT",
    )
    assert not isinstance(raised.value, FileNotFoundError)


def test_every_problem_of_a_profile_in_one_pass(tmp_path: Path) -> None:
    path = tmp_path / "municipality.yaml"
    path.write_text(
        "name: no\noffers: [ICM]\nstaff: {ICM: 2}\ncaseload:\n  ICM: {citizens_per_worker: 0}\n",
        encoding="utf-8",
    )
    with pytest.raises(MunicipalityError) as raised:
        load_municipality(path)
    problems = raised.value.problems
    assert problems[0].startswith(f"{path}:1: 'no' is ambiguous")
    assert problems[1:] == (
        f"{path}:5: caseload.ICM.citizens_per_worker: 0: Input should be greater than 0",
        f"{path}:5: caseload.ICM.since: Field required",
        f"{path}:5: caseload.ICM.source: Field required",
    )
    assert str(raised.value) == "; ".join(problems)


def test_negative_staff_is_refused(tmp_path: Path) -> None:
    profile = tmp_path / "m.yaml"
    profile.write_text("offers: [CTI]\nstaff: {CTI: -1}\n", encoding="utf-8")
    with pytest.raises(MunicipalityError, match=r"staff CTI: -1(\.0)? is negative"):
        load_municipality(profile)


@pytest.mark.parametrize("since", ["2024-02-30", "20240101"])
def test_a_caseload_date_must_be_a_real_yyyy_mm_dd(tmp_path: Path, since: str) -> None:
    profile = tmp_path / "m.yaml"
    profile.write_text(
        "offers: [CTI]\ncaseload:\n  CTI:\n    citizens_per_worker: 20\n"
        f'    since: "{since}"\n    source: "local"\n',
        encoding="utf-8",
    )
    with pytest.raises(MunicipalityError, match="is not a date; write it quoted as 'YYYY-MM-DD'"):
        load_municipality(profile)
