"""The municipality profile, the cohort report, rules diff and the cohort CLI commands."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

pd = pytest.importorskip("pandas")
pytest.importorskip("matplotlib")

from typer.testing import CliRunner  # noqa: E402

from hf_triage import (  # noqa: E402
    MunicipalityError,
    cohort_report,
    diff_rules,
    load_municipality,
    load_rules,
    triage,
    triage_frame,
    triage_many,
)
from hf_triage._cohort import DEFAULT_CASELOAD  # noqa: E402
from hf_triage.cli import app  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_PROFILE = ROOT / "rules" / "municipality.example.yaml"
EXAMPLE_COHORT = ROOT / "examples" / "cohort.csv"

ACT = {"complexity": "severe", "service_use": "minimal"}
ICM = {"complexity": "moderate", "service_use": "partial"}
CTI = {"complexity": "mild", "service_use": "significant", "support_duration": "transitional"}
UNDECIDED = {"complexity": "severe"}  # service_use missing: ICM or ACT

PROFILE: dict[str, Any] = {
    "name": "Testkommune",
    "offers": ["CTI", "ICM"],
    "staff": {"CTI": 1, "ICM": 1},
    "caseload": {
        "ICM": {"citizens_per_worker": 8, "since": "2021-03-01", "source": "003 §3.5"},
    },
}


def cohort() -> list[dict[str, Any]]:
    """9 ICM, 3 ACT, 2 CTI, 2 undecided and 1 bad row, with ids and assignments."""
    rows: list[dict[str, Any]] = []
    for kind, n, assigned in [
        (ICM, 9, "CTI"),
        (ACT, 3, "CTI"),
        (CTI, 2, "CTI"),
        (UNDECIDED, 2, ""),
        ({"complexity": "sever"}, 1, ""),
    ]:
        for _ in range(n):
            rows.append({**kind, "citizen_id": f"c{len(rows)}", "assigned_method": assigned})
    rows[0]["assigned_method"] = "ICM"
    return rows


def frame(rows: list[dict[str, Any]]) -> Any:
    return pd.DataFrame(rows).fillna("").astype("str")


# --- the municipality profile -----------------------------------------------------------------


def test_the_example_profile_loads_with_dated_sourced_caseloads() -> None:
    profile = load_municipality(EXAMPLE_PROFILE)
    assert "ACT" not in profile.offers
    assert profile.caseload["ICM"].citizens_per_worker == 8
    assert "003 §3.5" in profile.caseload["ICM"].source
    assert profile.caseload["ICM"].since.isoformat() == "2023-10-01"
    # the defaults repeat the example's figures: policy staff edit one, a test keeps both
    assert {m: c for m, c in profile.caseload.items()} == DEFAULT_CASELOAD


def test_a_full_profile_is_accepted_by_triage_and_offers_alone_still_is() -> None:
    full = load_municipality(EXAMPLE_PROFILE).model_dump(mode="json")
    rec = triage(ACT, municipality=full)
    assert "method-not-offered" in rec.warning_codes
    assert triage({**ACT, "consent": True}, municipality={"offers": ["ACT"]}).warning_codes == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("offers: [CTI]\nstafff: {CTI: 1}\n", ":2: stafff: unknown key"),
        ("offers: [CTI]\nstaff: {ACT: 2}\n", "ACT is not in offers"),
        (
            "offers: [ICM]\ncaseload:\n  ICM:\n    citizens_per_worker: 0\n"
            "    since: '2024-01-01'\n    source: x\n",
            ":4: caseload.ICM.citizens_per_worker",
        ),
        (
            "offers: [ICM]\ncaseload:\n  ICM:\n    citizens_per_worker: 8\n"
            "    since: '2024-31-01'\n    source: x\n",
            "write it quoted as 'YYYY-MM-DD'",
        ),
        (
            "offers: [ICM]\ncaseload:\n  ICM: {citizens_per_worker: 8, since: 2024-01-01}\n",
            "municipality.yaml:3: '2024-01-01' is ambiguous",
        ),
        ("offers: [CTI]\nassigned: {c1: CIT}\n", "assigned.c1"),
    ],
)
def test_profile_errors_name_the_file_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "municipality.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MunicipalityError, match=r"municipality\.yaml") as raised:
        load_municipality(path)
    assert message in str(raised.value)


# --- the report -------------------------------------------------------------------------------


def test_report_counts_methods_undecided_and_errors() -> None:
    report = cohort_report(triage_frame(frame(cohort())), PROFILE)
    assert report.rows == 17
    assert report.error_count == 1
    assert report.methods == {"CTI": 2, "ICM": 9, "ACT": 3, "undecided": 2}
    assert report.undecided == ((("ICM", "ACT"), ("service_use",), 2),)
    assert [c for c, _, _ in report.undecided_citizens] == ["c14", "c15"]
    assert report.errors[0][1] == 1 and "'complexity'" in report.errors[0][0]


def test_staffing_need_at_the_caseload_parameters_against_the_staff() -> None:
    report = cohort_report(triage_frame(frame(cohort())), PROFILE)
    lines = {line.method: line for line in report.staffing}
    assert math.isclose(lines["ICM"].staff_needed, 9 / 8)
    assert math.isclose(lines["ICM"].staff_needed_max, 11 / 8)  # + the 2 undecided
    assert math.isclose(lines["ICM"].shortfall or 0, 9 / 8 - 1)
    assert lines["ICM"].caseload.source == "003 §3.5"
    assert lines["CTI"].shortfall == 0.0
    # ACT: not offered, no staff; the default caseload (DACTS) sets the need
    assert math.isclose(lines["ACT"].staff_needed, 3 / 10)
    assert lines["ACT"].staff == 0.0 and lines["ACT"].offered is False
    assert report.not_offered == (("ACT", 3, 2),)


def test_without_a_profile_the_defaults_set_the_need_and_capacity_is_not_compared() -> None:
    report = cohort_report(triage_frame(frame(cohort())))
    assert all(line.staff is None and line.shortfall is None for line in report.staffing)
    assert report.not_offered == ()
    assert report.staffing[1].caseload == DEFAULT_CASELOAD["ICM"]
    assert "Ingen kommuneprofil" in report.to_text()


def test_the_mismatch_table_warns_about_cti_as_default_start() -> None:
    report = cohort_report(triage_frame(frame(cohort())), PROFILE)
    assert report.assignments is not None
    assert report.assignments[("ICM", "CTI")] == 8
    assert report.assignments[("ICM", "ICM")] == 1
    assert report.assignments[("ACT", "CTI")] == 3
    assert report.cti_default_start == 11
    assert report.mismatches == 11
    da, en = report.to_text("da"), report.to_text("en")
    assert "11 borgere, der er vurderet til ICM eller ACT, er i CTI" in da
    assert "000 «1 Indsatsvifte»" in da
    assert "11 citizens assessed to ICM or ACT are in CTI" in en
    assert "Do not start everyone in CTI" in report.to_html("en")


def test_assignments_from_the_profile_by_citizen_id() -> None:
    rows = [{k: v for k, v in r.items() if k != "assigned_method"} for r in cohort()]
    profile = {**PROFILE, "assigned": {"c0": "CTI", "c9": "ICM", "c14": "ICM"}}
    report = cohort_report(triage_frame(frame(rows)), profile)
    assert report.assignments == {("ICM", "CTI"): 1, ("ACT", "ICM"): 1, ("undecided", "ICM"): 1}
    assert report.below_need == 2
    assert report.cti_default_start == 1
    many = cohort_report(triage_many(rows), profile)
    assert many.assignments == report.assignments


def test_no_assignments_no_table() -> None:
    rows = [{k: v for k, v in r.items() if k != "assigned_method"} for r in cohort()]
    report = cohort_report(triage_frame(frame(rows)), PROFILE)
    assert report.assignments is None
    assert report.to_dict()["assignments"] is None


def test_an_assigned_value_that_is_not_a_method_is_named() -> None:
    rows = cohort()
    rows[3]["assigned_method"] = "CIT"
    with pytest.raises(MunicipalityError, match="'CIT' is not a method"):
        cohort_report(triage_frame(frame(rows)), PROFILE)


def test_triage_many_and_triage_frame_give_the_same_report() -> None:
    rows = cohort()
    from_frame = cohort_report(triage_frame(frame(rows)), PROFILE, assigned="assigned_method")
    assigned = {r["citizen_id"]: r["assigned_method"] for r in rows if r["assigned_method"]}
    from_many = cohort_report(triage_many(rows), PROFILE, assigned=assigned)
    assert from_many.to_dict() == from_frame.to_dict()


def test_a_polars_frame_gives_the_same_report() -> None:
    pl = pytest.importorskip("polars")
    data = frame(cohort())
    from_pandas = cohort_report(triage_frame(data), PROFILE)
    from_polars = cohort_report(triage_frame(pl.from_pandas(data)), PROFILE)
    # a polars frame has no place for the rule set's fingerprint (pandas: .attrs)
    assert from_polars.to_dict() == {**from_pandas.to_dict(), "ruleset_fingerprint": None}


def test_renderings_json_html_and_charts() -> None:
    report = cohort_report(triage_frame(frame(cohort())), PROFILE, lang="en")
    data = json.loads(report.to_json())
    assert data["methods"]["ICM"] == 9
    assert data["staffing"][1]["caseload"]["since"] == "2021-03-01"
    assert data["undecided"]["citizens"][0] == {
        "id": "c14",
        "possible_methods": ["ICM", "ACT"],
        "missing": ["service_use"],
    }
    html = report._repr_html_()
    assert html.count("data:image/png;base64,") == 2
    assert not html.startswith("<!DOCTYPE")
    assert report.to_html().startswith("<!DOCTYPE html><html lang='en'>")
    assert "Methods needed but not offered" in html
    assert "&#39;complexity&#39;" in html  # the error message, escaped (autoescape)
    assert repr(report).startswith("<CohortReport 17 rows")
    assert str(report) == report.to_text("en")
    for figure in (report.plot_methods(), report.plot_staffing(lang="da")):
        assert len(figure.axes) == 1
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    assert report.plot_methods(ax=ax) is ax.figure


def test_report_over_recommendations() -> None:
    recs = [triage(ICM), triage(ACT), triage(UNDECIDED)]
    report = cohort_report(recs)
    assert report.methods == {"CTI": 0, "ICM": 1, "ACT": 1, "undecided": 1}
    assert report.ruleset_fingerprint == recs[0].ruleset_fingerprint


def test_a_frame_without_result_columns_is_refused() -> None:
    with pytest.raises(TypeError, match="triage_frame"):
        cohort_report(frame(cohort()))


# --- rules diff -------------------------------------------------------------------------------


def lower_act_threshold(rules_dir: Path) -> None:
    act = rules_dir / "act.yaml"
    act.write_text(
        act.read_text(encoding="utf-8").replace(
            "{field: dimensions.mental_health, at_least: 3}",
            "{field: dimensions.mental_health, at_least: 2}",
        ),
        encoding="utf-8",
    )


def test_diff_rules_lists_the_rows_that_change_and_the_shift(rules_copy: Path) -> None:
    lower_act_threshold(rules_copy)
    rows = [
        {"citizen_id": "a", "service_use": "minimal", "complexity": "moderate",
         "dimensions.mental_health": "2", "dimensions.substance_use": "3"},
        {"citizen_id": "b", "service_use": "minimal", "complexity": "moderate",
         "dimensions.mental_health": "1", "dimensions.substance_use": "3"},
        {"citizen_id": "c", "service_use": "minimal",
         "dimensions.mental_health": "2", "dimensions.substance_use": "4"},
    ]  # fmt: skip
    diff = diff_rules(frame(rows), ROOT / "rules", rules_copy, lang="en")
    assert diff.changed == (("a", "ICM", "ACT"), ("c", "undecided (ICM/ACT)", "ACT"))
    assert diff.transitions == {("ICM", "ACT"): 1, ("undecided (ICM/ACT)", "ACT"): 1}
    assert diff.old.methods["ACT"] == 0 and diff.new.methods["ACT"] == 2
    assert diff.new.staffing[2].staff_needed > diff.old.staffing[2].staff_needed
    assert diff.old_fingerprint != diff.new_fingerprint
    assert "2 of 3 citizens change recommendation" in diff.to_text()
    assert json.loads(diff.to_json())["changed"] == 2
    assert "<table>" in diff._repr_html_()
    assert len(diff.plot().axes) == 1


def test_diff_of_a_rule_set_with_itself_changes_nothing() -> None:
    rules = load_rules(ROOT / "rules")
    diff = diff_rules(EXAMPLE_COHORT, rules, rules)
    assert diff.changed == ()
    assert diff.old.methods == diff.new.methods


# --- the command line -------------------------------------------------------------------------


runner = CliRunner()


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_batch_writes_results_and_the_report(tmp_path: Path, suffix: str) -> None:
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    out = tmp_path / f"out{suffix}"
    html = tmp_path / "report.html"
    result = runner.invoke(
        app,
        [
            "batch",
            str(EXAMPLE_COHORT),
            "-o",
            str(out),
            "--municipality",
            str(EXAMPLE_PROFILE),
            "--report",
            str(html),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "600 rows" in result.output
    if suffix == ".csv":
        written = pd.read_csv(out, dtype=str, keep_default_na=False)
    elif suffix == ".parquet":
        written = pd.read_parquet(out)
    else:
        written = pd.read_json(out, lines=True, dtype=False)
    assert len(written) == 600
    expected = triage_frame(pd.read_csv(EXAMPLE_COHORT, dtype=str, keep_default_na=False))
    got = [m if isinstance(m, str) and m else None for m in written["method"].tolist()]
    assert got == [m if isinstance(m, str) else None for m in expected["method"].tolist()]
    page = html.read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 2
    assert "Kohorterapport" in page


def test_batch_round_trips_its_own_jsonl_output(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"citizen_id": "x", "complexity": "severe", "service_use": "minimal"})
        + "\n"
        + json.dumps({"citizen_id": "y", "service_use": "partial", "dimensions": {"network": 2}})
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["batch", str(source), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in (tmp_path / "o.jsonl").read_text().splitlines()]
    assert [x["method"] for x in lines] == ["ACT", "ICM"]
    assert lines[1]["dimensions.network"] == 2


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "cannot read the cohort"),
        ("suffix", "a cohort file must be"),
        ("column", "did you mean 'complexity'"),
        ("municipality", "unknown key"),
        ("jsonl", ":2: not a JSON line"),
    ],
)
def test_batch_bad_input_exits_2_with_one_line(tmp_path: Path, setup: str, message: str) -> None:
    source = tmp_path / "in.csv"
    source.write_text("citizen_id,complexity\na,mild\n", encoding="utf-8")
    args = ["batch", str(source), "-o", str(tmp_path / "out.csv")]
    if setup == "missing":
        args[1] = str(tmp_path / "nope.csv")
    elif setup == "suffix":
        args[3] = str(tmp_path / "out.xlsx")
    elif setup == "column":
        source.write_text("citizen_id,complexty\na,mild\n", encoding="utf-8")
    elif setup == "municipality":
        profile = tmp_path / "m.yaml"
        profile.write_text("offers: [CTI]\noffer: [ICM]\n", encoding="utf-8")
        args += ["--municipality", str(profile)]
    else:
        source = tmp_path / "in.jsonl"
        source.write_text('{"complexity": "mild"}\n{nope\n', encoding="utf-8")
        args[1] = str(source)
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_rules_diff_command(rules_copy: Path) -> None:
    lower_act_threshold(rules_copy)
    args = ["rules", "diff", str(ROOT / "rules"), str(rules_copy), "--cohort", str(EXAMPLE_COHORT)]
    result = runner.invoke(app, [*args, "--lang", "en", "--municipality", str(EXAMPLE_PROFILE)])
    assert result.exit_code == 0, result.output
    assert "citizens change recommendation" in result.output
    assert "Staff needed (FTE)" in result.output
    data = json.loads(runner.invoke(app, [*args, "--json"]).output)
    assert data["changed"] == len(data["changed_rows"]) > 0
    bad = runner.invoke(app, ["rules", "diff", str(ROOT / "rules"), str(rules_copy)])
    assert bad.exit_code == 2


def test_batch_shows_a_progress_bar_on_large_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hf_triage.cli._batch as cli_cohort

    monkeypatch.setattr(cli_cohort, "PROGRESS_BYTES", 0)
    result = runner.invoke(app, ["batch", str(EXAMPLE_COHORT), "-o", str(tmp_path / "o.csv")])
    assert result.exit_code == 0, result.output
    assert "600 rows" in result.stdout


TWO_ROWS = [
    {"citizen_id": "a", "complexity": "mild", "service_use": "significant"},
    {"citizen_id": "b", "complexity": "severe", "service_use": "minimal"},
]


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"assigned": "assigned_method"}, "assigned as a column name needs a DataFrame"),
        ({"groups": [""]}, "groups: '' is not a column name"),
        ({"groups": [3]}, "groups: 3 is not a column name"),
    ],
)
def test_a_report_over_triage_many_results_refuses_what_needs_a_frame(
    options: dict[str, Any], words: str
) -> None:
    from hf_triage import TriageError

    with pytest.raises(TriageError, match=words):
        cohort_report(triage_many(TWO_ROWS), **options)


def test_a_rules_diff_reads_a_polars_cohort_and_prints_as_its_text() -> None:
    from hf_triage import default_rules

    pl = pytest.importorskip("polars")
    diff = diff_rules(pl.DataFrame(TWO_ROWS), default_rules(), default_rules())
    assert diff.changed_count == 0
    assert str(diff) == diff.to_text()
    assert (
        diff.to_dict()
        == diff_rules(pd.DataFrame(TWO_ROWS), default_rules(), default_rules()).to_dict()
    )
