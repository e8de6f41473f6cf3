"""``triage_frame``'s column codes and keys: every way a column can be coded, and every path
a key can take (lookup tables, sorted keys, renumbered warning combinations), answer as
``triage()`` does."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

pd = pytest.importorskip("pandas")

from rulegen import condition, generate  # noqa: E402

from hf_triage import AssessmentError, load_rules, triage, triage_frame  # noqa: E402
from hf_triage._cohort import RESULT_COLUMNS, _frame, read_cell, split_list  # noqa: E402
from hf_triage._domain import DEFAULT_DOMAIN, FIELDS  # noqa: E402

OFFERS = {"offers": ["CTI", "ICM"]}


def random_rows(n: int, seed: int, bad: float = 0.0) -> list[dict[str, Any]]:
    """Typed random rows over every field (a quarter of the cells blank), a share ``bad`` of
    cells invalid."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        row: dict[str, Any] = {}
        for name, spec in FIELDS.items():
            if rng.random() < 0.25:
                continue
            row[name] = rng.choice(["sever", 7, "CTI "]) if rng.random() < bad else None
            if row[name] is None:
                row[name] = rng.choice(spec.values)
        rows.append(row)
    return rows


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def nested(cells: dict[str, Any]) -> dict[str, Any]:
    """A row's cells (any form a frame holds) as the assessment triage() takes, in field
    order (the order an error names bad fields in)."""
    assessment: dict[str, Any] = {}
    for name in FIELDS:
        value = read_cell(name, cells.get(name))
        if value is None:
            continue
        if name.startswith("dimensions."):
            assessment.setdefault("dimensions", {})[name.split(".", 1)[1]] = value
        else:
            assessment[name] = value
    return assessment


def assert_like_triage(frame: Any, **kwargs: Any) -> None:
    """Every row of ``triage_frame(frame)`` says what ``triage()`` says of the row."""
    out = triage_frame(frame, **kwargs)
    fields = [c for c in frame.columns if c in FIELDS]
    results = out[list(RESULT_COLUMNS)].astype(object)
    results = results.where(results.notna(), None).to_dict("records")
    for cells, row in zip(frame[fields].to_dict("records"), results, strict=True):
        try:
            rec = triage(nested(cells), **kwargs)
        except AssessmentError as exc:
            assert row["error"] == "; ".join(exc.problems), cells
            assert all(row[c] is None for c in RESULT_COLUMNS[:-1]), cells
            continue
        assert row["error"] is None, cells
        assert row["method"] == rec.method, cells
        assert split_list(row["possible_methods"]) == rec.possible_methods, cells
        assert split_list(row["missing"]) == rec.missing, cells
        assert split_list(row["warning_codes"]) == rec.warning_codes, cells
        assert split_list(row["reason_ids"]) == rec.reason_ids, cells


def results(out: Any) -> dict[str, Any]:
    """The result columns as plain lists and their categories (to compare two runs)."""
    return {
        c: (out[c].astype(object).where(out[c].notna(), None).tolist(), list(out[c].cat.categories))
        for c in RESULT_COLUMNS
    }


def test_categoricals_in_every_coding_answer_as_triage() -> None:
    """Categories in another order, unused categories, missing cells (code -1), a blank
    category, and the categories' own types: ints for scores, bools for yes/no, text."""
    rng = random.Random(5)
    rows = random_rows(600, 5, bad=0.01)
    columns: dict[str, Any] = {}
    for i, name in enumerate(FIELDS):
        cells: list[Any] = [r.get(name) for r in rows]
        if i % 3 == 0:  # text categories, a blank one among them
            cells = ["" if c is None and rng.random() < 0.5 else c for c in cells]
            cells = [None if c is None else as_text(c) for c in cells]
        categories = list(dict.fromkeys(c for c in cells if c is not None))
        categories += ["never-used"] if i % 2 else []
        rng.shuffle(categories)
        columns[name] = pd.Categorical(cells, categories=categories)
    frame = pd.DataFrame(columns)
    assert_like_triage(frame, municipality=OFFERS)
    out = triage_frame(frame, municipality=OFFERS)
    assert not out["error"].astype(object).fillna("").str.contains("never-used").any()


def test_categoricals_with_many_categories_answer_as_triage() -> None:
    """More than 127 categories: pandas codes the column as int16, not int8."""
    rows = random_rows(300, 6)
    frame = pd.DataFrame({name: [as_text(r.get(name)) for r in rows] for name in FIELDS})
    extra = [f"free text {i}" for i in range(200)]
    frame["situation"] = pd.Categorical(
        [*frame["situation"].iloc[:-3], *extra[:3]],
        categories=[*extra, *dict.fromkeys(frame["situation"])],
    )
    assert frame["situation"].cat.codes.dtype.itemsize == 2
    assert_like_triage(frame)


def test_partial_frames_answer_as_triage() -> None:
    """Columns left out read as unknown: a decision field, a warning group's field, a life
    dimension (the highest rating) or all but one."""
    rows = random_rows(300, 7, bad=0.01)
    full = pd.DataFrame({name: [as_text(r.get(name)) for r in rows] for name in FIELDS})
    rng = random.Random(7)
    names = list(FIELDS)
    for kept in (
        [n for n in names if n != "complexity"],
        [n for n in names if n not in ("consent", "dimensions.network")],
        [n for n in names if not n.startswith("dimensions.")],
        ["service_use"],
        rng.sample(names, 8),
    ):
        assert_like_triage(full[kept], municipality=OFFERS)


def test_bad_cells_in_columns_read_by_different_keys_keep_the_field_order() -> None:
    """A row's error names its bad fields in field order, whichever key reads them first."""
    frame = pd.DataFrame(
        {
            "complexity": ["mild", "sever", "mild"],
            "consent": ["maybe", "true", "yes"],
            "dimensions.network": ["9", "1", ""],
            "situation": ["street", "moon", "street"],
        },
        dtype="str",
    )
    assert_like_triage(frame)
    out = triage_frame(frame)
    assert out["error"].iloc[1].index("complexity") < out["error"].iloc[1].index("situation")


@pytest.mark.parametrize("dtype", ["str", "category", "object"])
def test_wide_keys_and_renumbered_combinations_give_the_same_columns(
    dtype: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the lookup tables limited to 16 values every key is sorted instead and the
    warning combinations are renumbered after each group; answering every value of each
    group's key, present or not (as on frames of many rows): the result columns stay the same,
    categories included."""
    rows = random_rows(800, 8, bad=0.01)
    frame = pd.DataFrame({name: [as_text(r.get(name)) for r in rows] for name in FIELDS})
    frame = frame.astype(dtype)
    want = results(triage_frame(frame, municipality=OFFERS))
    monkeypatch.setattr(_frame, "_TABLE_LIMIT", 16)
    assert results(triage_frame(frame, municipality=OFFERS)) == want
    monkeypatch.setattr(_frame, "_TABLE_LIMIT", 1 << 24)
    monkeypatch.setattr(_frame, "_ROWS_PER_KEY", 0)
    assert results(triage_frame(frame, municipality=OFFERS)) == want


def test_result_codes_are_narrow() -> None:
    """Result columns hold the narrowest codes for their categories (int8 up to 126), not a
    Python object per row."""
    rows = random_rows(300, 9, bad=0.05)
    frame = pd.DataFrame({name: [as_text(r.get(name)) for r in rows] for name in FIELDS})
    out = triage_frame(frame)
    for column in RESULT_COLUMNS:
        size = 1 if len(out[column].cat.categories) < 127 else 2
        assert out[column].cat.codes.dtype.itemsize == size, column


#: what generated criteria read (answers) and warnings read (answers and derived facts: the
#: highest rating's group keeps the whole decision key, the others a context of it)
GENERATED_ANSWERS = [
    "complexity",
    "service_use",
    "support_duration",
    "situation",
    "consent",
    "housing_plan",
    "proposed_method",
    "dimensions.housing",
    "dimensions.network",
    "dimensions.substance_use",
]
GENERATED_DERIVED = ["highest_dimension", "method", "least_possible_method"]


@pytest.mark.slow  # triage() of generated rules builds slow decision support; CI runs it
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_rule_sets_answer_as_triage(seed: int, tmp_path: Path) -> None:
    """Random criteria and warnings on top of the shipped rules: other warning groups, other
    contexts, the highest rating beside other answers."""
    directory = generate(tmp_path / "rules", seed, fields=GENERATED_ANSWERS, warnings=0)
    rnd = random.Random(seed)
    with (directory / "warnings.yaml").open("a", encoding="utf-8") as fh:
        for i in range(5):
            when = condition(rnd, DEFAULT_DOMAIN, [*GENERATED_ANSWERS, *GENERATED_DERIVED])
            fh.write(
                f"\n  - code: generated-{i}\n"
                f"    when: {json.dumps(when)}\n"
                '    text: {da: "Genereret.", en: "Generated."}\n'
                '    source: "generated for a test"\n'
            )
    rules = load_rules(directory)
    rows = random_rows(300, seed, bad=0.01)
    frame = pd.DataFrame({name: [as_text(r.get(name)) for r in rows] for name in FIELDS})
    assert_like_triage(frame.astype("category"), rules=rules, municipality=OFFERS)


def test_a_column_of_more_bad_values_than_int16_holds_is_one_error_per_row() -> None:
    # regression: a free-text column with 32,768 distinct bad values overflowed the int16
    # table of problem numbers and stopped the whole batch
    n = 32_770
    frame = pd.DataFrame(
        {
            "complexity": ["mild"] * n,
            "service_use": ["partial"] * n,
            "situation": [f"bad {i}" for i in range(n)],
        }
    )
    out = triage_frame(frame)
    assert out["error"].notna().all()
    assert out["error"].iloc[-1].startswith(f"field 'situation': 'bad {n - 1}' is not allowed")
    assert out["method"].isna().all()


def test_columns_of_two_levels_are_an_invalid_cohort_not_a_crash() -> None:
    frame = pd.DataFrame(
        [["mild", "partial"]],
        columns=pd.MultiIndex.from_tuples([("complexity", "a"), ("service_use", "b")]),
    )
    with pytest.raises(AssessmentError, match="invalid cohort: the columns have 2 levels"):
        triage_frame(frame)
