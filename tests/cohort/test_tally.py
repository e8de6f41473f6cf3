"""The one tally: both result shapes are counted by ``Tally.add``, and agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from hf_triage import TriageError, cohort_report, triage_many
from hf_triage._cohort._tally import Tally, tally_frame, tally_records

pd = pytest.importorskip("pandas")

PROFILE = Path(__file__).resolve().parents[2] / "rules" / "municipality.example.yaml"
ROWS = [
    {"citizen_id": "a", "complexity": "severe", "service_use": "minimal", "assigned_method": "CTI"},
    {"citizen_id": "b", "complexity": "severe", "assigned_method": "ICM"},
    {"citizen_id": "c", "complexity": "sever"},
    {"citizen_id": "d", "complexity": "severe", "service_use": "minimal"},
]


def test_add_counts_rows_by_result() -> None:
    tally = Tally()
    tally.add(method="ICM", possible=["ICM"], missing=[], warnings=["w"], error=None,
              assigned="CTI", count=3)  # fmt: skip
    key = tally.add(method=None, possible=["ICM", "ACT"], missing=["service_use"], warnings=[],
                    error=None, assigned=None)  # fmt: skip
    tally.add(method=None, possible=[], missing=[], warnings=[], error="bad", assigned="ACT")
    assert tally.rows == 5
    assert tally.methods == {"ICM": 3, "undecided": 1}
    assert key == (("ICM", "ACT"), ("service_use",))
    assert tally.undecided == {key: 1}
    assert tally.warnings == {"w": 3}
    assert tally.errors == {"bad": 1}
    assert tally.pairs == {("ICM", "CTI"): 3}  # a row with an error is not paired


def test_records_and_frame_give_the_same_tally() -> None:
    from hf_triage import triage_frame

    assigned = {r["citizen_id"]: r["assigned_method"] for r in ROWS if "assigned_method" in r}
    many = tally_records(triage_many(ROWS), assigned)
    frame = pd.DataFrame(ROWS).fillna("").astype(str)
    grouped = tally_frame(triage_frame(frame), "citizen_id", "assigned_method")
    for name in ("rows", "methods", "undecided", "undecided_citizens", "warnings", "errors"):
        assert getattr(many, name) == getattr(grouped, name), name
    assert many.pairs == grouped.pairs == {("ACT", "CTI"): 1, ("undecided", "ICM"): 1}


def test_a_profile_given_as_a_path_is_read() -> None:
    report = cohort_report(triage_many(ROWS), str(PROFILE))
    assert report.municipality == "Eksempel Kommune"
    assert report.has_profile


def test_an_unknown_language_is_refused_with_the_allowed_ones() -> None:
    with pytest.raises(TriageError, match="lang 'de' is not supported; allowed: da, en"):
        cohort_report(triage_many(ROWS), lang="de")
    report = cohort_report(triage_many(ROWS))
    with pytest.raises(TriageError, match="allowed: da, en"):
        report.to_html("fr")
