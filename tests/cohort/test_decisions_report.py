"""cohort_report with the caseworkers' decisions and grouping columns (issue 11 item 5).

The expected counts are computed here from the DecisionRecords themselves, in plain Python,
and compared with what the report says in JSON, text and HTML."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

pd = pytest.importorskip("pandas")
pytest.importorskip("matplotlib")

from typer.testing import CliRunner  # noqa: E402

from hf_triage import TriageError, cohort_report, record_decision, triage_frame  # noqa: E402
from hf_triage._cohort import triage_many  # noqa: E402
from hf_triage._decision import DecisionError, DecisionRecord  # noqa: E402
from hf_triage.cli import app  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_COHORT = ROOT / "examples" / "cohort.csv"
REASONS = ("citizen-wish", "new-information", "other")
ROWS = 150


@pytest.fixture(scope="module")
def cohort() -> Any:
    frame = pd.read_csv(EXAMPLE_COHORT, dtype=str, keep_default_na=False).head(ROWS).copy()
    # band: A (70), B (60), C (14), D and E (3 each: too small, but 6 together)
    frame["band"] = ["A"] * 70 + ["B"] * 60 + ["C"] * 14 + ["D"] * 3 + ["E"] * 3
    # sex: three blanks ("not given": too small, and alone under 5, so the next-smallest, f,
    # is hidden too: else m's count and the total would give the blanks away)
    frame["sex"] = ["f" if i % 4 == 0 else "m" for i in range(ROWS)]
    frame.loc[frame.index[:3], "sex"] = ""
    return frame


@pytest.fixture(scope="module")
def decided(cohort: Any) -> tuple[Any, list[DecisionRecord | None]]:
    """The triaged frame, and a decision (or None) for each row, deterministic."""
    results = triage_frame(cohort)
    many = triage_many(cohort.to_dict("records"))
    decisions: list[DecisionRecord | None] = []
    for i, item in enumerate(many):
        rec = item.recommendation
        if rec is None or i % 3 == 0:
            decisions.append(None)
        elif i % 3 == 1 and rec.method is not None:
            decisions.append(record_decision(rec, rec.method))
        else:
            to = "CTI" if rec.method != "CTI" else "ICM"
            reason = "method-not-available" if rec.method == "ACT" else REASONS[i % len(REASONS)]
            decisions.append(record_decision(rec, to, reason=reason))
    return results, decisions


def _expected(decisions: list[DecisionRecord | None]) -> dict[str, Any]:
    given = [d for d in decisions if d is not None]
    return {
        "decisions": len(given),
        "deviating": sum(d.deviates for d in given),
        "below": sum("below-assessed-need" in d.flags for d in given),
        "not_offered": sum(d.reason == "method-not-available" for d in given),
        "reasons": Counter(d.reason for d in given if d.reason),
        "pairs": Counter((d.recommended_method or "undecided", d.decided_method) for d in given),
    }


def test_the_report_counts_decisions_against_recommendations_per_method_and_reason(
    decided: tuple[Any, list[DecisionRecord | None]],
) -> None:
    results, decisions = decided
    data = cohort_report(results, decisions=decisions).to_dict()["decisions"]
    want = _expected(decisions)
    assert data["decisions"] == want["decisions"] > 0
    assert data["deviating"] == want["deviating"] > 0
    assert data["below_need"] == want["below"] > 0
    assert data["not_offered"] == want["not_offered"] > 0
    assert {r["code"]: r["decisions"] for r in data["reasons"]} == dict(want["reasons"])
    assert {(r["recommended"], r["decided"]): r["decisions"] for r in data["table"]} == dict(
        want["pairs"]
    )
    # per method: deviations where the decided method differs (or nothing was recommended)
    for line in data["by_method"]:
        mine = [
            d
            for d in decisions
            if d is not None and (d.recommended_method or "undecided") == line["recommended"]
        ]
        assert line["decisions"] == len(mine)
        assert line["deviating"] == sum(d.deviates for d in mine)
    per_reason = Counter(
        ((d.recommended_method or "undecided"), d.reason)
        for d in decisions
        if d is not None and d.deviates
    )
    assert {
        (r["recommended"], r["reason"]): r["deviating"] for r in data["by_method_and_reason"]
    } == (dict(per_reason))
    # every reason carries its text and source from rules/decision_reasons.yaml
    assert all(r["da"] and r["en"] and r["source"] for r in data["reasons"])


def test_decisions_as_a_list_a_mapping_a_column_or_with_triage_many_give_one_summary(
    cohort: Any, decided: tuple[Any, list[DecisionRecord | None]]
) -> None:
    results, decisions = decided
    base = cohort_report(results, decisions=decisions).decisions
    ids = results["citizen_id"].tolist()
    by_id = {c: d for c, d in zip(ids, decisions, strict=True) if d is not None}
    assert cohort_report(results, decisions=by_id).decisions == base
    as_json = results.copy()
    as_json["decision"] = [d.model_dump_json() if d else "" for d in decisions]
    assert cohort_report(as_json, decisions="decision").decisions == base
    as_dicts = [d.model_dump(mode="json") if d else None for d in decisions]
    assert cohort_report(results, decisions=as_dicts).decisions == base
    many = triage_many(cohort.to_dict("records"))
    assert cohort_report(many, decisions=decisions).decisions == base
    assert cohort_report(many, decisions=by_id).decisions == base


def test_groups_show_recommendations_undecided_and_deviations_and_suppress_small_groups(
    decided: tuple[Any, list[DecisionRecord | None]],
) -> None:
    results, decisions = decided
    report = cohort_report(results, decisions=decisions, groups=("band", "sex"))
    view = report.to_dict()["groups"]
    assert view["min_group"] == 5
    shown = {(g["column"], g["value"]) for g in view["groups"]}
    assert shown == {("band", "A"), ("band", "B"), ("band", "C"), ("sex", "m")}
    assert view["suppressed"] == {"band": 2, "sex": 2}
    assessed = results["error"].isna()
    for g in view["groups"]:
        rows = (results[g["column"]] == g["value"]) & assessed
        assert g["citizens"] == int(rows.sum())
        methods = results.loc[rows, "method"].astype(object).fillna("undecided")
        assert g["methods"] == {m: int((methods == m).sum()) for m in g["methods"]}
        mine = [d for d, keep in zip(decisions, rows.tolist(), strict=True) if keep and d]
        assert g["decisions"] == len(mine)
        assert g["deviating"] == sum(d.deviates for d in mine)
        assert g["below_need"] == sum("below-assessed-need" in d.flags for d in mine)
    # a suppressed group is neither counted nor named in any rendering
    for lang in ("da", "en"):
        text = report.to_text(lang)
        html = report.to_html(lang, charts=False)
        for rendering in (text, html):
            assert "band" in rendering
            for hidden in ("D", "E", "f"):
                assert f"\n  {hidden} " not in rendering and f"<td>{hidden}</td>" not in html
        assert "5" in text
    assert "Grupper med færre end 5 borgere" in report.to_text("da")
    assert "Groups with fewer than 5 citizens" in report.to_text("en")
    assert '"D"' not in report.to_json() and '"f"' not in report.to_json()


@pytest.mark.parametrize(
    ("sizes", "hidden"),
    [
        ({"a": 10, "b": 20}, set()),
        ({"a": 10, "b": 20, "c": 4}, {"c", "a"}),
        ({"a": 10, "b": 20, "c": 3, "d": 2}, {"c", "d"}),
        ({"a": 3, "b": 1}, {"a", "b"}),
        ({"a": 5, "b": 5}, set()),
    ],
)
def test_small_groups_and_what_would_give_them_away_are_hidden(
    sizes: dict[str, int], hidden: set[str]
) -> None:
    from hf_triage._cohort._deviations import _hidden

    got = _hidden(sizes)
    assert got == hidden
    assert not got or sum(sizes[v] for v in got) >= 5 or got == set(sizes)


def test_a_blank_group_value_is_a_group_of_its_own_shown_last() -> None:
    frame = pd.DataFrame(
        {
            "citizen_id": [f"c{i}" for i in range(12)],
            "complexity": ["severe"] * 12,
            "service_use": ["minimal"] * 12,
            "sex": ["m"] * 6 + [""] * 6,
        },
        dtype="str",
    )
    report = cohort_report(triage_frame(frame), groups="sex")
    values = [g.value for g in report.groups.lines] if report.groups else []
    assert values == ["m", ""]
    assert "(ikke oplyst)" in report.to_text("da")
    assert "(not given)" in report.to_text("en")
    # no decisions: the view says so, and has no deviation columns
    assert report.decisions is None
    assert "No decisions given" in report.to_text("en")


def test_the_sections_are_rendered_in_danish_and_english(
    decided: tuple[Any, list[DecisionRecord | None]],
) -> None:
    results, decisions = decided
    report = cohort_report(results, decisions=decisions, groups=("band",))
    da, en = report.to_text("da"), report.to_text("en")
    assert "Afgørelser sammenholdt med anbefalingerne" in da
    assert "Decisions against the recommendations" in en
    assert "skøn under regel" in da
    assert "method-not-available" in da and "000 «1 Indsatsvifte»" in da
    html = report.to_html("en", charts=False)
    assert "Decisions against the recommendations" in html
    assert "Distribution by group: band" in html
    json.loads(report.to_json())
    # without decisions or groups, the report is as before
    plain = cohort_report(results).to_dict()
    assert plain["decisions"] is None and plain["groups"] is None
    assert "Afgørelser sammenholdt" not in cohort_report(results).to_text("da")


def test_bad_decisions_and_groups_are_refused_with_the_place_and_what_is_allowed(
    cohort: Any, decided: tuple[Any, list[DecisionRecord | None]]
) -> None:
    results, decisions = decided
    secret = "borgeren har fortalt noget fortroligt"
    bad: list[dict[str, str] | None] = [None] * len(results)
    bad[7] = {"decided_method": "CTI", "note": secret}
    with pytest.raises(DecisionError, match=r"decisions\[7\].*allowed") as caught:
        cohort_report(results, decisions=bad)
    assert secret not in str(caught.value)
    with pytest.raises(TriageError, match="2 given for 150 rows"):
        cohort_report(results, decisions=decisions[:2])
    with pytest.raises(TriageError, match="2 given for 150 rows"):
        cohort_report(triage_many(cohort.to_dict("records")), decisions=decisions[:2])
    with pytest.raises(TriageError, match="no column 'nope'"):
        cohort_report(results, decisions="nope")
    with pytest.raises(TriageError, match=r"groups: the frame has no column 'age'.*band"):
        cohort_report(results, groups=("age",))
    with pytest.raises(TriageError, match="groups are columns"):
        cohort_report(triage_many(cohort.head(3).to_dict("records")), groups=("band",))
    with pytest.raises(TriageError, match="named twice"):
        cohort_report(results, groups=("band", "band"))
    with pytest.raises(TriageError, match="decisions: a int"):
        cohort_report(results, decisions=3)


def test_batch_takes_decisions_and_groups(
    tmp_path: Path, cohort: Any, decided: tuple[Any, list[DecisionRecord | None]]
) -> None:
    results, decisions = decided
    source = tmp_path / "cohort.csv"
    cohort.to_csv(source, index=False)
    lines = [
        json.dumps({"citizen_id": c, "decision": d.model_dump(mode="json")})
        for c, d in zip(results["citizen_id"], decisions, strict=True)
        if d is not None
    ]
    decided_file = tmp_path / "decisions.jsonl"
    decided_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = tmp_path / "report.html"
    runner = CliRunner()
    args = ["batch", str(source), "-o", str(tmp_path / "out.csv"), "--report", str(report)]
    args += ["--decisions", str(decided_file), "--groups", "band,sex", "--lang", "en"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    html = report.read_text(encoding="utf-8")
    want = _expected(decisions)
    assert f"{want['decisions']} decisions recorded: {want['deviating']} differ" in html
    assert "Distribution by group: band, sex" in html

    broken = tmp_path / "broken.jsonl"
    broken.write_text(lines[0] + "\n" + '{"citizen_id": "x"}\n', encoding="utf-8")
    args[args.index(str(decided_file))] = str(broken)
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "broken.jsonl:2" in result.output and "citizen_id" in result.output
    args[args.index(str(broken))] = str(decided_file)
    args[args.index("band,sex")] = "band,age"
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "age" in result.output


def test_decisions_on_another_rule_set_are_counted_and_said(
    decided: tuple[Any, list[DecisionRecord | None]],
) -> None:
    results, decisions = decided
    moved = [
        d.model_copy(update={"ruleset_fingerprint": "sha256:" + "0" * 64})
        if d is not None and i < 30
        else d
        for i, d in enumerate(decisions)
    ]
    report = cohort_report(results, decisions=moved)
    n = sum(d is not None for d in moved[:30])
    assert report.decisions is not None and report.decisions.other_ruleset == n > 0
    assert f"{n} decisions answer a recommendation of another rule set" in report.to_text("en")
    assert f"{n} afgørelser svarer på en anbefaling fra et andet regelsæt" in report.to_text("da")
    assert cohort_report(results, decisions=decisions).to_dict()["decisions"]["other_ruleset"] == 0


def test_a_polars_frame_with_a_column_of_json_records_and_groups() -> None:
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(
        {
            "citizen_id": [f"c{i}" for i in range(6)],
            "complexity": ["severe"] * 6,
            "service_use": ["minimal"] * 6,
            "sex": ["m"] * 6,
        }
    )
    results = triage_frame(frame)
    rec = triage_many([{"complexity": "severe", "service_use": "minimal"}])[0].recommendation
    assert rec is not None and rec.method == "ACT"
    record = record_decision(rec, "ICM", reason="citizen-wish")
    results = results.with_columns(
        pl.Series("decision", [record.model_dump_json()] * 2 + [None] * 4)
    )
    report = cohort_report(results, decisions="decision", groups=["sex"])
    assert report.decisions is not None and report.decisions.deviating == 2
    assert report.groups is not None
    (line,) = report.groups.lines
    assert (line.citizens, line.decisions, line.deviating) == (6, 2, 2)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("not json\n", "d.jsonl:1: not a JSON object; allowed: one object a line"),
        ('\n{"citizen_id": true, "decision": {}}\n', "d.jsonl:2: citizen_id True is not allowed"),
    ],
)
def test_a_decisions_file_line_that_cannot_be_read_is_named(
    tmp_path: Path, text: str, words: str
) -> None:
    from hf_triage._cohort._deviations import read_decisions

    source = tmp_path / "d.jsonl"
    source.write_text(text, encoding="utf-8")
    with pytest.raises(DecisionError) as caught:
        read_decisions(source)
    assert words in str(caught.value)


def test_a_missing_decisions_file_is_a_decision_error(tmp_path: Path) -> None:
    from hf_triage._cohort._deviations import read_decisions

    with pytest.raises(
        DecisionError, match=r"nope\.jsonl: cannot read the decisions: no such file"
    ):
        read_decisions(tmp_path / "nope.jsonl")
