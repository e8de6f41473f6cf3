"""Batch triage: ``triage_many`` and the vectorised ``triage_frame`` agree with ``triage()``."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

import pytest

pd = pytest.importorskip("pandas")

from hf_triage import (  # noqa: E402 - after the importorskip
    Assessment,
    AssessmentError,
    BatchResult,
    MunicipalityError,
    load_rules,
    read_cohort,
    triage,
    triage_frame,
    triage_many,
)
from hf_triage._cohort import RESULT_COLUMNS, SEPARATOR, read_cell, split_list  # noqa: E402
from hf_triage._domain import FIELDS  # noqa: E402
from hf_triage._enumerate import enumerate_domain  # noqa: E402

OFFERS = {"offers": ["CTI", "ICM"]}


def flat(assessment: dict[str, Any]) -> dict[str, Any]:
    """An assessment mapping as a cohort row: ``dimensions.x`` keys."""
    row = {k: v for k, v in assessment.items() if k != "dimensions"}
    for dim, score in assessment.get("dimensions", {}).items():
        row[f"dimensions.{dim}"] = score
    return row


def as_text(value: Any) -> str:
    """A value as a CSV cell holds it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def text_frame(rows: list[dict[str, Any]]) -> Any:
    """Rows as a DataFrame of string columns, one per assessment field (blank = unknown)."""
    return pd.DataFrame(
        {name: [as_text(r.get(name)) for r in rows] for name in FIELDS}, dtype="str"
    )


def expected(assessment: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """What triage() says, in the form of the result columns."""
    try:
        rec = triage(assessment, **kwargs)
    except AssessmentError as exc:
        return {"method": None, "error": "; ".join(exc.problems)}
    return {
        "method": rec.method,
        "possible_methods": rec.possible_methods,
        "missing": rec.missing,
        "warning_codes": rec.warning_codes,
        "reason_ids": rec.reason_ids,
        "error": None,
    }


def got(row: Any) -> dict[str, Any]:
    """One output row in the form of ``expected``."""
    error = row["error"]
    if isinstance(error, str):
        return {"method": None, "error": error}
    method = row["method"]
    return {
        "method": method if isinstance(method, str) else None,
        "possible_methods": split_list(row["possible_methods"]),
        "missing": split_list(row["missing"]),
        "warning_codes": split_list(row["warning_codes"]),
        "reason_ids": split_list(row["reason_ids"]),
        "error": None,
    }


def nested(row: dict[str, Any], text: bool = False) -> dict[str, Any]:
    """A flat row as the assessment mapping triage() takes; ``text``: as a CSV cell reads."""
    assessment: dict[str, Any] = {}
    for name in FIELDS:
        value = read_cell(name, as_text(row.get(name))) if text else row.get(name)
        if value is None:
            continue
        if name.startswith("dimensions."):
            assessment.setdefault("dimensions", {})[name.split(".", 1)[1]] = value
        else:
            assessment[name] = value
    return assessment


def random_rows(n: int, seed: int, bad: float = 0.0) -> list[dict[str, Any]]:
    """Typed random rows over every field; a share ``bad`` of cells hold invalid values."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        row: dict[str, Any] = {}
        for name, spec in FIELDS.items():
            if rng.random() < 0.25:
                continue
            if rng.random() < bad:
                row[name] = rng.choice(["sever", 7, "yes", "CTI ", -1])
            else:
                row[name] = rng.choice(spec.values)
        rows.append(row)
    return rows


@pytest.mark.slow  # the whole enumerated domain; CI runs it
def test_frame_is_identical_to_triage_on_the_enumerated_domain() -> None:
    rules = load_rules(Path(__file__).resolve().parents[2] / "rules")
    assessments = list(enumerate_domain(rules))
    out = triage_frame(text_frame([flat(a) for a in assessments]), municipality=OFFERS)
    assert len(out) == len(assessments)
    for assessment, (_, row) in zip(assessments, out.iterrows(), strict=True):
        assert got(row) == expected(assessment, municipality=OFFERS), assessment


@pytest.mark.slow  # random cohorts through both paths: tens of seconds; CI runs it
@pytest.mark.parametrize("seed", [1, 2])
def test_frame_is_identical_to_triage_on_random_cohorts(seed: int) -> None:
    rows = random_rows(3000, seed, bad=0.01)
    out = triage_frame(text_frame(rows))
    for row, (_, result) in zip(rows, out.iterrows(), strict=True):
        assert got(result) == expected(nested(row, text=True)), row


@pytest.mark.slow  # random cohorts through both paths; CI runs it
@pytest.mark.parametrize("offers", [[], ["ACT"], ["CTI", "ACT"]])
def test_frame_is_identical_to_triage_under_other_portfolios(offers: list[str]) -> None:
    """The warning groups' contexts hold the portfolio facts (method offered, a possible
    method offered): portfolios without ICM raise the warnings that read them."""
    municipality = {"offers": offers}
    rows = random_rows(1500, 3, bad=0.01)
    out = triage_frame(text_frame(rows), municipality=municipality)
    for row, (_, result) in zip(rows, out.iterrows(), strict=True):
        assert got(result) == expected(nested(row, text=True), municipality=municipality), row


def test_frame_with_typed_columns_is_identical_to_triage() -> None:
    rows = random_rows(2000, 3, bad=0.01)
    frame = pd.DataFrame({name: [r.get(name) for r in rows] for name in FIELDS}, dtype=object)
    out = triage_frame(frame, municipality={"offers": ["ICM"]})
    for row, (_, result) in zip(rows, out.iterrows(), strict=True):
        assert got(result) == expected(nested(row), municipality={"offers": ["ICM"]}), row


@pytest.mark.slow  # random cohorts, edited rules; CI runs it
def test_frame_is_identical_to_triage_with_edited_rules(rules_copy: Path) -> None:
    act = rules_copy / "act.yaml"
    act.write_text(
        act.read_text(encoding="utf-8").replace(
            "{field: dimensions.mental_health, at_least: 3}",
            "{field: dimensions.mental_health, at_least: 2}",
        ),
        encoding="utf-8",
    )
    rules = load_rules(rules_copy)
    rows = random_rows(2000, 4)
    out = triage_frame(text_frame(rows), rules=rules)
    for row, (_, result) in zip(rows, out.iterrows(), strict=True):
        assert got(result) == expected(nested(row), rules=rules), row


def test_triage_many_agrees_with_triage_frame() -> None:
    rows = random_rows(1500, 5, bad=0.02)
    text_rows = [{k: as_text(v) for k, v in r.items()} for r in rows]
    many = triage_many(text_rows)
    out = triage_frame(text_frame(rows))
    for result, (_, row) in zip(many, out.iterrows(), strict=True):
        if result.recommendation is None:
            assert result.error == row["error"]
        else:
            rec = result.recommendation
            assert got(row)["method"] == rec.method
            assert got(row)["warning_codes"] == rec.warning_codes
            assert got(row)["reason_ids"] == rec.reason_ids


def test_polars_frame_gives_the_same_columns() -> None:
    pl = pytest.importorskip("polars")
    rows = random_rows(500, 6, bad=0.02)
    frame = text_frame(rows)
    pandas_out = triage_frame(frame)
    polars_out = triage_frame(pl.from_pandas(frame))
    assert isinstance(polars_out, pl.DataFrame)
    for column in RESULT_COLUMNS:
        left = [v if isinstance(v, str) else None for v in pandas_out[column].tolist()]
        assert polars_out.get_column(column).to_list() == left


def test_a_bad_row_never_stops_the_batch_and_its_error_names_the_field() -> None:
    frame = pd.DataFrame(
        {
            "citizen_id": ["a", "b", "c"],
            "complexity": ["moderate", "sever", "severe"],
            "service_use": ["partial", "minimal", "minimal"],
            "dimensions.mental_health": ["2", "9", ""],
        },
        dtype="str",
    )
    out = triage_frame(frame)
    assert out["method"].tolist()[0] == "ICM"
    assert out["method"].tolist()[2] == "ACT"
    assert pd.isna(out["method"].iloc[1])
    # the words of AssessmentError, every problem of the row
    with pytest.raises(AssessmentError) as raised:
        triage({"complexity": "sever", "dimensions": {"mental_health": 9}})
    assert out["error"].iloc[1] == "; ".join(raised.value.problems)
    assert "'complexity'" in out["error"].iloc[1]
    assert "allowed: mild, moderate, severe" in out["error"].iloc[1]
    assert out["citizen_id"].tolist() == ["a", "b", "c"]
    assert list(out.columns) == [*frame.columns, *RESULT_COLUMNS]


def test_blank_csv_cells_mean_unknown(tmp_path: Path) -> None:
    path = tmp_path / "cohort.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["citizen_id", "complexity", "service_use", "support_duration"])
        writer.writerow(["x1", "", "significant", ""])
        writer.writerow(["x2", "NA", "partial", ""])
    out = triage_frame(read_cohort(path))
    assert out["missing"].iloc[0] == "complexity"
    assert pd.isna(out["method"].iloc[0])
    assert out["citizen_id"].iloc[0] == "x1"
    # only a blank cell is unknown: "NA" is a value, and not an allowed one
    assert out["error"].iloc[1].startswith("field 'complexity': 'NA' is not allowed")


def test_a_misspelt_column_is_refused_before_anything_is_triaged() -> None:
    for column, hint in [
        ("complexty", "did you mean 'complexity'"),
        ("Service use", "did you mean 'service_use'"),
        ("mental_health", "did you mean 'dimensions.mental_health'"),
        ("dimensions.mood", "is not a life dimension"),
    ]:
        with pytest.raises(AssessmentError, match=hint):
            triage_frame(pd.DataFrame({column: ["x"]}))


def test_other_columns_and_the_index_are_carried_through() -> None:
    frame = pd.DataFrame(
        {"note": ["n1", "n2"], "complexity": ["mild", "severe"], "service_use": ["minimal"] * 2},
        index=[10, 20],
    )
    out = triage_frame(frame)
    assert out.index.tolist() == [10, 20]
    assert out["note"].tolist() == ["n1", "n2"]
    assert out["method"].tolist() == ["ICM", "ACT"]
    assert out.attrs["hf_triage"]["ruleset_fingerprint"].startswith("sha256:")


def test_an_empty_frame_gets_empty_result_columns() -> None:
    out = triage_frame(pd.DataFrame({"complexity": pd.Series([], dtype="str")}))
    assert list(out.columns) == ["complexity", *RESULT_COLUMNS]
    assert len(out) == 0


def test_triage_frame_refuses_what_is_not_a_frame() -> None:
    with pytest.raises(TypeError, match="triage_many"):
        triage_frame([{"complexity": "mild"}])


def test_triage_many_reports_each_bad_record_and_triages_the_rest() -> None:
    records: list[Any] = [
        {"citizen_id": "a", "complexity": "severe", "service_use": "minimal"},
        {"citizen_id": "b", "complexity": "severe", "urgency": "now"},
        "not a mapping",
        Assessment(complexity="mild", service_use="significant"),
        {"complexity": "moderate", "service_use": "partial", "complexty": "mild"},
        {"complexity": "", "service_use": "partial", "dimensions": {"mental_health": "3"}},
    ]
    results = triage_many(records, lang="en")
    assert [r.method for r in results] == ["ACT", None, None, "CTI", None, "ICM"]
    assert [r.index for r in results] == list(range(6))
    assert results[0].citizen_id == "a"
    assert results[1].error is not None
    assert "'urgency'" in results[1].error
    assert "allowed: routine, soon, acute" in results[1].error
    assert results[2].error is not None and "not a mapping" in results[2].error
    assert results[4].error is not None and "did you mean 'complexity'" in results[4].error
    assert results[3].recommendation is not None
    assert results[3].recommendation.lang == "en"


def test_a_bad_municipality_stops_the_batch_before_any_row() -> None:
    with pytest.raises(MunicipalityError, match="offers"):
        triage_many([{"complexity": "mild"}], municipality={"offers": ["CTX"]})
    with pytest.raises(MunicipalityError):
        triage_frame(pd.DataFrame({"complexity": ["mild"]}), municipality={"offers": "ICM"})


@pytest.mark.parametrize(
    ("name", "cell", "value"),
    [
        ("consent", "true", True),
        ("consent", "FALSE", False),
        ("consent", "yes", "yes"),
        ("consent", 1, 1),
        ("dimensions.network", "3", 3),
        ("dimensions.network", 3.0, 3),
        ("dimensions.network", 3.5, 3.5),
        ("dimensions.network", True, True),
        ("complexity", "", None),
        ("complexity", float("nan"), None),
        ("complexity", None, None),
        ("complexity", "Mild", "Mild"),
    ],
)
def test_read_cell_reads_text_and_never_guesses(name: str, cell: Any, value: Any) -> None:
    result = read_cell(name, cell)
    assert result == value
    assert type(result) is type(value)


def test_split_list() -> None:
    assert split_list("ICM;ACT") == ["ICM", "ACT"]
    assert split_list("") == []
    assert split_list(None) == []


def test_a_list_or_mapping_in_a_cell_is_a_row_error() -> None:
    frame = pd.DataFrame(
        {
            "complexity": [["mild"], "mild", "severe"],
            "service_use": ["minimal", {"a": 1}, "minimal"],
        }
    )
    out = triage_frame(frame)
    assert "'complexity'" in out["error"].iloc[0]
    assert "'service_use'" in out["error"].iloc[1]
    assert out["method"].tolist()[2] == "ACT"


def test_polars_typed_columns_are_read_like_typed_values() -> None:
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(
        {
            "complexity": ["mild", None, "severe"],
            "service_use": ["minimal", "significant", None],
            "dimensions.mental_health": [3, None, 4],
            "dimensions.substance_use": [3, 4, None],
            "consent": [True, None, False],
        }
    )
    out = triage_frame(frame)
    rows: list[dict[str, Any]] = [
        {"complexity": "mild", "service_use": "minimal", "consent": True,
         "dimensions": {"mental_health": 3, "substance_use": 3}},
        {"service_use": "significant", "dimensions": {"substance_use": 4}},
        {"complexity": "severe", "consent": False, "dimensions": {"mental_health": 4}},
    ]  # fmt: skip
    for row, result in zip(rows, out.iter_rows(named=True), strict=True):
        assert result["method"] == triage(row).method
        assert split_list(result["warning_codes"]) == triage(row).warning_codes


def test_triage_file_works_in_chunks_and_reports_progress(tmp_path: Path) -> None:
    from hf_triage._cohort import triage_file

    cohort = Path(__file__).resolve().parents[2] / "examples" / "cohort.csv"
    calls: list[tuple[float, int]] = []
    kept = triage_file(
        cohort,
        tmp_path / "out.csv",
        chunk_rows=100,
        on_progress=lambda share, rows: calls.append((share, rows)),
    )
    assert [rows for _, rows in calls] == [100, 200, 300, 400, 500, 600]
    assert calls[-1][0] == 1.0
    assert list(kept.columns) == ["citizen_id", "assigned_method", *RESULT_COLUMNS]
    whole = triage_frame(read_cohort(cohort))
    written = read_cohort(tmp_path / "out.csv")
    assert (
        written["method"].fillna("").tolist() == whole["method"].astype(object).fillna("").tolist()
    )
    assert kept["error"].notna().sum() == whole["error"].notna().sum() == 3


@pytest.mark.parametrize("cells", [[False, 0], [0, False], [1, True], [True, 1]])
def test_zero_and_false_are_different_cells_whatever_the_order(cells: list[Any]) -> None:
    # pandas' factorize holds 0 == False; triage() refuses 0 for a true/false field
    frame = pd.DataFrame(
        {"complexity": ["mild"] * 2, "service_use": ["significant"] * 2, "consent": cells},
        dtype=object,
    )
    result = triage_frame(frame)
    for i, cell in enumerate(cells):
        if isinstance(cell, bool):
            assert result["method"].iloc[i] == "CTI" and pd.isna(result["error"].iloc[i])
        else:
            assert pd.isna(result["method"].iloc[i])
            assert "'consent'" in result["error"].iloc[i]


def test_a_dimension_given_twice_with_different_values_is_a_row_error() -> None:
    record = {
        "complexity": "mild",
        "service_use": "minimal",
        "dimensions.mental_health": 2,
        "dimensions": {"mental_health": 4},
    }
    (result,) = triage_many([record])
    assert result.recommendation is None
    assert result.error is not None and "dimensions.mental_health" in result.error


def cohort_records(n: int, seed: int) -> list[Any]:
    """Records in every shape triage_many meets: typed or text cells, flat or nested
    dimensions, blanks, extra keys, bad values, a field given twice, floats."""
    rng = random.Random(seed)
    records: list[Any] = []
    for k, row in enumerate(random_rows(n, seed, bad=0.02)):
        shape = rng.random()
        record: dict[Any, Any] = {"citizen_id": f"c{k}"}
        if shape < 0.3:
            record.update(nested(row))
        elif shape < 0.6:
            record.update({name: as_text(row.get(name)) for name in FIELDS})
        else:
            record.update(row)
        extra = rng.random()
        if extra < 0.05:
            record["note"] = "x"
        elif extra < 0.07:
            record["complexty"] = "mild"
        elif extra < 0.09:
            record["dimensions.mental_health"] = rng.choice([2, 3, "3", None, ""])
            record["dimensions"] = {"mental_health": rng.choice([3, "3", None])}
        elif extra < 0.11:
            record["dimensions.network"] = rng.choice([3.0, 2.5, True])
        elif extra < 0.12:
            record["dimensions"] = rng.choice(["", None, "bad", {"mood": 2}])
        records.append(record)
    return records


def slow(record: Any, **kwargs: Any) -> Any:
    """The ordinary path alone: cohort-cell reading and triage()."""
    from hf_triage._cohort._many import _ordinary
    from hf_triage._cohort._profile import as_municipality

    rules = kwargs.get("rules") or __import__("hf_triage").default_rules()
    profile = as_municipality(kwargs.get("municipality"))
    citizen = record.get("citizen_id") if isinstance(record, dict) else None
    return _ordinary(0, record, citizen, rules, profile, kwargs.get("lang", "da"))


@pytest.mark.slow  # large generated cohorts; CI runs it
@pytest.mark.parametrize(
    ("seed", "kwargs"),
    [(7, {}), (8, {"municipality": OFFERS, "lang": "en"}), (9, {"municipality": {"offers": []}})],
)
def test_triage_many_fast_pass_answers_as_the_ordinary_path(seed: int, kwargs: Any) -> None:
    records = cohort_records(1500, seed)
    results = triage_many(records, **kwargs)
    assert [r.index for r in results] == list(range(len(records)))
    for record, result in zip(records, results, strict=True):
        want = slow(record, **kwargs)
        assert result.error == want.error, record
        assert result.citizen_id == want.citizen_id
        if want.recommendation is None:
            assert result.recommendation is None
        else:
            assert result.recommendation is not None
            assert result.recommendation.model_dump() == want.recommendation.model_dump(), record


@pytest.mark.parametrize("kwargs", [{}, {"municipality": OFFERS, "lang": "en"}])
def test_batch_result_reads_method_and_warnings_before_building(kwargs: Any) -> None:
    """A fast-pass row's method and warning codes come from the table; its recommendation is
    built on first access, once, and equals the one built at once (and the ordinary path's)."""
    records = cohort_records(600, 11)
    for record, result in zip(records, triage_many(records, **kwargs), strict=True):
        want = slow(record, **kwargs)
        assert result.method == want.method
        assert result.warning_codes == want.warning_codes
        built = result.recommendation
        assert built is result.recommendation  # kept, not rebuilt
        assert result == BatchResult(result.index, want.recommendation, want.error, want.citizen_id)
        assert result.warning_codes == (built.warning_codes if built is not None else [])
    with pytest.raises(AttributeError, match="read-only"):
        setattr(result, "index", 3)  # noqa: B010 - the write under test


@pytest.mark.slow  # large generated cohorts; CI runs it
def test_triage_many_fast_pass_with_edited_rules(rules_copy: Path) -> None:
    rules = load_rules(rules_copy)
    for record, result in zip(
        records := cohort_records(300, 10), triage_many(records, rules=rules), strict=True
    ):
        want = slow(record, rules=rules)
        assert result.error == want.error
        assert (result.method, result.recommendation is None) == (
            want.method,
            want.recommendation is None,
        )


def test_triage_stream_is_lazy_and_checks_its_arguments_at_once() -> None:
    import itertools

    from hf_triage import triage_stream

    consumed: list[int] = []

    def endless() -> Any:
        for k in itertools.count():
            consumed.append(k)
            yield {"complexity": "mild", "service_use": "significant", "citizen_id": k}

    stream = triage_stream(endless())
    first = list(itertools.islice(stream, 3))
    assert [r.method for r in first] == ["CTI"] * 3
    assert [r.citizen_id for r in first] == ["0", "1", "2"]
    assert len(consumed) == 3  # one record read per result
    with pytest.raises(MunicipalityError):
        triage_stream(endless(), municipality={"offers": ["CTX"]})
    with pytest.raises(Exception, match="lang"):
        triage_stream([], lang="de")


def test_object_columns_with_mixed_cells_are_identical_to_triage() -> None:
    # what read_csv without dtype=str or a list of dicts gives: text, numbers, bools, NaN, None
    rng = random.Random(11)
    rows = random_rows(2000, 11, bad=0.02)
    cells: dict[str, list[Any]] = {name: [] for name in FIELDS}
    for row in rows:
        for name in FIELDS:
            value = row.get(name)
            form = rng.random()
            if value is None:
                cells[name].append(rng.choice([None, float("nan"), ""]))
            elif form < 0.4:
                cells[name].append(as_text(value))
            elif form < 0.5 and isinstance(value, int) and not isinstance(value, bool):
                cells[name].append(float(value))
            else:
                cells[name].append(value)
    cells["consent"][:4] = [0, False, 1, True]
    frame = pd.DataFrame(cells, dtype=object)
    out = triage_frame(frame)
    for k, (_, result) in enumerate(out.iterrows()):
        record = {name: cells[name][k] for name in FIELDS}
        (want,) = triage_many([record])
        if want.recommendation is None:
            assert result["error"] == want.error, record
        else:
            assert got(result) == expected(nested(want_row(record))), record


def want_row(record: dict[str, Any]) -> dict[str, Any]:
    return {name: read_cell(name, value) for name, value in record.items()}


def test_categorical_columns_are_identical_to_string_columns() -> None:
    rows = random_rows(2000, 12, bad=0.01)
    text = text_frame(rows)
    out_text = triage_frame(text)
    out_cat = triage_frame(text.astype("category"))
    for column in RESULT_COLUMNS:
        assert out_cat[column].astype(object).where(out_cat[column].notna(), None).tolist() == (
            out_text[column].astype(object).where(out_text[column].notna(), None).tolist()
        )


def test_typed_categorical_columns_are_read_by_their_categories() -> None:
    """A categorical's codes are read as they are: its categories are its values, blanks are
    code -1, and a bad category that no row uses raises no error."""
    rows = random_rows(1500, 21, bad=0.01)
    frame = pd.DataFrame(
        {
            name: pd.Categorical(
                [r.get(name) for r in rows],
                categories=[
                    *dict.fromkeys(v for v in [*FIELDS[name].values, *(r.get(name) for r in rows)]
                                   if v is not None),
                    "never-used",
                ],
            )
            for name in FIELDS
        }
    )  # fmt: skip
    out = triage_frame(frame, municipality=OFFERS)
    for row, (_, result) in zip(rows, out.iterrows(), strict=True):
        assert got(result) == expected(nested(row), municipality=OFFERS), row
    assert not out["error"].astype(object).fillna("").str.contains("never-used").any()


def test_frame_keeps_a_dimension_read_beside_the_highest_rating(rules_copy: Path) -> None:
    """A warning reading ``dimensions.housing`` and ``highest_dimension`` together: the frame
    reaches the highest rating's class through a dimension no warning of the group reads, so
    housing keeps the row's own value (it once set housing itself)."""
    path = rules_copy / "warnings.yaml"
    text = path.read_text(encoding="utf-8")
    old = (
        "        - all:\n"
        "            - {field: complexity, is: severe}\n"
        "            - {field: highest_dimension, at_most: 1}\n"
    )
    assert old in text
    path.write_text(
        text.replace(
            old,
            old
            + "        - all:\n"
            + "            - {field: complexity, is: moderate}\n"
            + "            - {field: dimensions.housing, is: 0}\n",
        ),
        encoding="utf-8",
    )
    rules = load_rules(rules_copy)
    rows = [
        {"complexity": "moderate", "service_use": "partial", "dimensions.housing": h, **more}
        for h in ("0", "1", "", "4")
        for more in ({}, {"dimensions.network": "3"}, {"dimensions.physical_health": "0"})
    ]
    out = triage_frame(pd.DataFrame(rows, dtype="str"), rules=rules)
    for row, (_, result) in zip(rows, out.iterrows(), strict=True):
        want = triage(nested(row, text=True), rules=rules)
        assert result["warning_codes"] == SEPARATOR.join(want.warning_codes), row


def test_batch_results_pickle_and_copy_as_built() -> None:
    """A process pool returns results by pickling them: a row still to be built pickles (and
    copies) as its built recommendation."""
    import copy
    import pickle

    records = cohort_records(40, 12)
    for result in triage_many(records, municipality=OFFERS):
        for again in (pickle.loads(pickle.dumps(result)), copy.copy(result), copy.deepcopy(result)):
            assert again == result
            assert again.method == result.method
            assert again.warning_codes == result.warning_codes
