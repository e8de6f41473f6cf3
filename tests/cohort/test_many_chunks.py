"""triage_many / triage_stream read chunks of dicts column by column: the same results as the
ordinary path (cohort-cell reading and triage()) for every record, whatever the chunk size,
the input's shape or the types of the cells in a column."""

from __future__ import annotations

import gc
import pickle
import random
import tracemalloc
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

import hf_triage
from hf_triage import Assessment, BatchResult, triage_many, triage_stream
from hf_triage._cohort import _many
from hf_triage._cohort._profile import as_municipality
from hf_triage._domain import FIELDS

OFFERS = {"offers": ["CTI", "ICM"]}
TEXTS = {True: ["true", "True", "TRUE"], False: ["false", "False", "FALSE"]}


class Str(str):
    """A str subclass: validation refuses it, so must every fast pass."""


class Record(Mapping[str, Any]):
    """A mapping that is not a dict."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


def cell(rng: random.Random, value: Any) -> Any:
    """``value`` as some input gives it: typed, as text, or in a look-alike type."""
    form = rng.random()
    if isinstance(value, bool):
        if form < 0.3:
            return rng.choice(TEXTS[value])
        if form < 0.33:
            return rng.choice([int(value), float(value)])  # 1 == True: refused
        return value
    if isinstance(value, int):
        if form < 0.3:
            return str(value)
        if form < 0.33:
            return rng.choice([float(value), bool(value % 2), Str(value)])
        return value
    if form < 0.03:
        return Str(value)
    return value


def records(n: int, seed: int) -> list[Any]:
    """Records in every shape: typed or text cells, flat or nested ratings, blanks, extra and
    misspelt keys, bad values, a rating given twice, look-alike types, unhashable cells,
    Mappings that are not dicts, Assessments, non-mappings."""
    rng = random.Random(seed)
    out: list[Any] = []
    for k in range(n):
        record: dict[Any, Any] = {"citizen_id": rng.choice([f"c{k}", k, "", None])}
        flat = rng.random() < 0.3
        for name, spec in FIELDS.items():
            roll = rng.random()
            if roll < 0.15:
                continue  # not given
            value: Any = rng.choice(spec.values)
            if roll < 0.2:
                value = rng.choice([None, ""])
            elif roll < 0.21:
                value = rng.choice(["nonsense", 7, [1]])
            else:
                value = cell(rng, value)
            if name.startswith("dimensions.") and not flat:
                record.setdefault("dimensions", {})[name[11:]] = value
            else:
                record[name] = value
        extra = rng.random()
        if extra < 0.03:
            record["note"] = "x"
        elif extra < 0.05:
            record["complexty"] = "mild"
        elif extra < 0.07:
            record["dimensions.mental_health"] = 2
            record.setdefault("dimensions", {})["mental_health"] = rng.choice([2, 4])
        elif extra < 0.08:
            record["dimensions"] = rng.choice(["", None, "bad", {"mood": 2}])
        elif extra < 0.09:
            record[3] = "a key that is no text"
        shape = rng.random()
        if shape < 0.03:
            out.append(Record(record))
        elif shape < 0.05:
            out.append(Assessment.model_validate({"complexity": "mild", "service_use": "partial"}))
        elif shape < 0.06:
            out.append(rng.choice([None, ["complexity"], "row"]))
        else:
            out.append(record)
    return out


def ordinary(index: int, record: Any, **kwargs: Any) -> BatchResult:
    """The ordinary path alone: cohort-cell reading and triage()."""
    rules = kwargs.get("rules") or hf_triage.default_rules()
    profile = as_municipality(kwargs.get("municipality"))
    citizen = _many._citizen_id(record, "citizen_id")
    return _many._ordinary(index, record, citizen, rules, profile, kwargs.get("lang", "da"))


def assert_same(results: list[BatchResult], rows: list[Any], **kwargs: Any) -> None:
    assert [r.index for r in results] == list(range(len(rows)))
    for k, (result, record) in enumerate(zip(results, rows, strict=True)):
        want = ordinary(k, record, **kwargs)
        assert result.error == want.error, record
        assert result.citizen_id == want.citizen_id, record
        assert result.method == want.method, record
        assert result.warning_codes == want.warning_codes, record
        if want.recommendation is None:
            assert result.recommendation is None, record
        else:
            assert result.recommendation is not None, record
            assert result.recommendation.model_dump() == want.recommendation.model_dump(), record
        assert result == want


@pytest.mark.parametrize("chunk", [1, 7, 256])
@pytest.mark.parametrize(
    "kwargs", [{}, {"municipality": OFFERS, "lang": "en"}, {"municipality": {"offers": []}}]
)
def test_every_chunk_size_answers_as_the_ordinary_path(
    chunk: int, kwargs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_many, "_CHUNK", chunk)
    rows = records(400, 20 + chunk)
    assert_same(triage_many(rows, **kwargs), rows, **kwargs)


def test_a_generator_answers_as_a_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_many, "_CHUNK", 16)
    rows = records(300, 31)
    assert_same(list(triage_stream(iter(rows), municipality=OFFERS)), rows, municipality=OFFERS)


def typed_records(n: int, seed: int, *, blank: float, flat_even: bool = False) -> list[Any]:
    """Records of typed cells (a field left out with probability ``blank``), an id, the
    ratings in a nested ``dimensions`` mapping (``flat_even``: even rows' as flat keys)."""
    rng = random.Random(seed)
    rows: list[Any] = []
    for k in range(n):
        record: dict[str, Any] = {"citizen_id": f"B{k}"}
        for name, spec in FIELDS.items():
            if rng.random() < blank:
                continue
            value = rng.choice(spec.values)
            if name.startswith("dimensions.") and not (flat_even and k % 2 == 0):
                record.setdefault("dimensions", {})[name[11:]] = value
            else:
                record[name] = value
        rows.append(record)
    return rows


def test_typed_records_in_big_chunks_answer_as_the_ordinary_path() -> None:
    """The shape the fast pass is built for: typed cells, nested ratings, an id."""
    rows = typed_records(1500, 5, blank=0.2)
    rows[700]["consent"] = 1  # one bad cell in the middle of a chunk
    rows[701]["dimensions"] = {"housing": True}
    results = triage_many(rows, municipality=OFFERS)
    assert results[700].error is not None and "'consent'" in results[700].error
    assert results[701].error is not None and "housing" in results[701].error
    assert_same(results, rows, municipality=OFFERS)


@pytest.mark.parametrize(
    ("name", "cells"),
    [
        ("consent", [True, 1, 1.0, "true", "1", False, 0, "FALSE", None, ""]),
        ("dimensions.network", [3, "3", 3.0, True, 1, False, 0, "03", None, ""]),
        ("complexity", ["mild", Str("mild"), "Mild", 1, None, ""]),
    ],
)
def test_mixed_types_in_one_column_keep_true_apart_from_one(name: str, cells: list[Any]) -> None:
    base = {"complexity": "severe", "service_use": "minimal"}
    rows = [{**base, name: value} for value in cells for _ in range(3)]
    results = triage_many(rows)
    assert_same(results, rows)
    errors = [r.error is not None for r in results[::3]]
    assert errors == [ordinary(0, {**base, name: value}).error is not None for value in cells]


def test_unknown_misspelt_and_odd_keys_per_row() -> None:
    rows: list[Any] = [
        {"complexity": "mild", "service_use": "partial", "note": "x"},
        {"complexity": "mild", "service_use": "partial", "complexty": "mild"},
        {"complexity": "mild", "service_use": "partial", ("a", 1): 2},
        {"complexity": "mild", "service_use": "partial", "dimensions": {"mood": 2}},
        {"complexity": "mild", "service_use": "partial", "dimensions.mood": 2},
        {"complexity": "mild", "service_use": "partial", "consent": [True]},
    ] * 3
    results = triage_many(rows)
    assert_same(results, rows)
    assert [r.error is None for r in results[:6]] == [True, False, True, False, False, False]


def test_mappings_assessments_and_other_rows_mixed_with_dicts() -> None:
    rows: list[Any] = [
        {"complexity": "mild", "service_use": "significant"},
        Record({"complexity": "mild", "service_use": "significant"}),
        Assessment.model_validate({"complexity": "severe", "service_use": "minimal"}),
        None,
        {"complexity": "moderate", "service_use": "partial", "citizen_id": 7},
    ]
    results = triage_many(rows)
    assert_same(results, rows)
    assert [r.method for r in results] == ["CTI", "CTI", "ACT", None, "ICM"]
    assert results[4].citizen_id == "7"


def test_a_generator_that_raises_gives_the_rows_before_then_its_error() -> None:
    def rows() -> Iterator[dict[str, Any]]:
        for k in range(40):
            yield {"complexity": "mild", "service_use": "significant", "citizen_id": k}
        raise ValueError("the source broke")

    got: list[BatchResult] = []
    with pytest.raises(ValueError, match="the source broke"):
        for result in triage_stream(rows()):
            got.append(result)
    assert [r.citizen_id for r in got] == [str(k) for k in range(40)]
    assert {r.method for r in got} == {"CTI"}


def test_a_live_feed_is_read_no_further_ahead_than_it_is_answered() -> None:
    consumed: list[int] = []

    def feed() -> Iterator[dict[str, Any]]:
        for k in range(5000):
            consumed.append(k)
            yield {"complexity": "moderate", "service_use": "partial", "citizen_id": k}

    stream = triage_stream(feed())
    for answered in range(1, 3000):
        next(stream)
        assert len(consumed) <= 2 * answered
    assert len(consumed) - 3000 < _many._CHUNK


def test_results_of_chunks_are_read_only_and_pickle_as_built() -> None:
    rows = records(200, 41)
    for result in triage_many(rows, municipality=OFFERS):
        with pytest.raises(AttributeError, match="read-only"):
            setattr(result, "error", "x")  # noqa: B010 - the write under test
        with pytest.raises(AttributeError, match="read-only"):
            delattr(result, "_data")
        again = pickle.loads(pickle.dumps(result))
        assert again == result
        assert (again.method, again.warning_codes) == (result.method, result.warning_codes)
        assert type(again) is BatchResult


def test_streams_with_other_portfolios_and_languages_share_no_answers() -> None:
    """The column maps are kept per rule set, portfolio and language."""
    rows = [r for r in records(300, 51) if type(r) is dict]
    for kwargs in (
        {"municipality": OFFERS},
        {"municipality": {"offers": ["ACT"]}, "lang": "en"},
        {},
        {"municipality": OFFERS, "lang": "en"},
    ):
        assert_same(triage_many(rows, **kwargs), rows, **kwargs)


def test_without_maps_of_cell_tuples_the_answers_are_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the bound on groupings of columns, the steps are looked up cell by cell."""
    monkeypatch.setattr(_many, "_GROUPINGS_LIMIT", 0)
    monkeypatch.setattr(_many, "_SHARED", type(_many._SHARED)())
    monkeypatch.setattr(_many, "_CHUNK", 16)
    rows = records(200, 61)
    assert_same(triage_many(rows, municipality=OFFERS), rows, municipality=OFFERS)


def test_a_list_that_grows_while_it_is_read_is_read_to_its_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_many, "_CHUNK", 4)
    rows: list[Any] = [{"complexity": "mild", "service_use": "partial"}] * 6
    seen = []
    for result in triage_stream(rows):
        seen.append(result.index)
        if len(rows) < 12:
            rows.append({"complexity": "severe", "service_use": "minimal"})
    assert seen == list(range(len(rows)))


HIGHEST_TEST = (
    "        # severe complexity, yet every dimension that was rated is 0-1 (at least one rated)\n"
    "        - all:\n"
    "            - {field: complexity, is: severe}\n"
    "            - {field: highest_dimension, at_most: 1}\n"
)


@pytest.mark.parametrize(
    "edit",
    [
        HIGHEST_TEST.replace("at_most: 1", "at_most: 2"),  # other classes of the highest rating
        "",  # no warning reads the highest rating
    ],
)
def test_edited_rules_answer_as_the_ordinary_path(rules_copy: Any, edit: str) -> None:
    path = rules_copy / "warnings.yaml"
    text = path.read_text(encoding="utf-8")
    assert HIGHEST_TEST in text
    path.write_text(text.replace(HIGHEST_TEST, edit), encoding="utf-8")
    rules = hf_triage.load_rules(rules_copy)
    rows = typed_records(300, 71, blank=0.3, flat_even=True) + records(200, 72)
    kwargs: dict[str, Any] = {"rules": rules, "municipality": OFFERS}
    assert_same(triage_many(rows, **kwargs), rows, **kwargs)


def test_a_kept_batch_is_one_tracked_object_per_row() -> None:
    """A batch kept in a list costs the cyclic collector one object per row, not two: each
    result's data holds only strings, numbers and tuples of them, so the collector stops
    tracking it (what builds the Recommendation sits in its own slot)."""
    results = triage_many(records(600, 43), municipality=OFFERS)
    assert any(r.error is None for r in results) and any(r.error for r in results)
    gc.collect()
    assert not any(gc.is_tracked(r._data) for r in results)
    for r in results[:50]:  # still answers as before
        assert r.method == (r.recommendation.method if r.recommendation else None)


def test_a_kept_result_keeps_only_its_own_row() -> None:
    """Keeping one result in 256 of a stream costs about one row each, not the chunk it came
    from (a result built from a chunk-wide store would keep all 256 rows' cells)."""
    rows = [
        {
            "citizen_id": f"c{k}",
            "complexity": "mild",
            "situation": "street",
            "dimensions": {"housing": k % 5, "network": 2, "finances": 1},
        }
        for k in range(7_680)
    ]
    list(triage_stream(rows[:2_000], municipality=OFFERS))  # the shared maps filled first
    gc.collect()
    tracemalloc.start()
    try:
        kept = [r for r in triage_stream(rows, municipality=OFFERS) if r.index % 256 == 0]
        gc.collect()
        per_result = tracemalloc.get_traced_memory()[0] / len(kept)
    finally:
        tracemalloc.stop()
    assert len(kept) == 30
    assert per_result < 12_000, per_result  # about 500 bytes; a chunk's cells: about 54,000
    assert all(r.method == r.recommendation.method for r in kept if r.recommendation)


def test_a_result_is_made_of_a_recommendation_or_none() -> None:
    with pytest.raises(TypeError, match="Recommendation or None, not str"):
        BatchResult(1, "CTI")  # type: ignore[arg-type]
