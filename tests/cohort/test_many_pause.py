"""``triage_many`` pauses Python's cyclic garbage collector over a list or tuple of records and
resumes it as it was (``hf_triage._cohort._pause``)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from hf_triage import triage, triage_many, triage_stream

from .test_many_chunks import OFFERS, records, typed_records

ANSWERS = {"complexity": "mild", "service_use": "partial"}


class Watching(Mapping[str, Any]):
    """A record that notes whether the collector is on whenever it is read."""

    def __init__(self, seen: list[bool]) -> None:
        self.seen, self.data = seen, dict(ANSWERS)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        self.seen.append(gc.isenabled())
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.parametrize("container", [list, tuple])
def test_a_list_or_tuple_is_triaged_with_the_collector_paused_then_resumed(
    container: type[Any],
) -> None:
    seen: list[bool] = []
    results = triage_many(container([Watching(seen), {"complexity": "mild"}, Watching(seen)]))
    method = triage(ANSWERS).method
    assert [r.method for r in results] == [method, None, method]
    assert seen == [False, False]
    assert gc.isenabled()


def test_an_iterator_is_triaged_with_the_collector_on() -> None:
    """Between chunks an iterator runs the caller's code: it is not paused for them."""
    seen: list[bool] = []
    triage_many(iter([Watching(seen), Watching(seen)]))
    list(triage_stream([Watching(seen)]))
    assert seen == [True, True, True]
    assert gc.isenabled()


def test_a_collector_switched_off_stays_off() -> None:
    gc.disable()
    triage_many(records(300, 5))
    assert not gc.isenabled()


class Raising(Mapping[str, Any]):
    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("the caller's own error")

    def __len__(self) -> int:
        return 1


def test_the_collector_is_resumed_when_a_record_raises() -> None:
    with pytest.raises(RuntimeError, match="the caller's own error"):
        triage_many([{"complexity": "mild"}, Raising()])
    assert gc.isenabled()


def test_batches_in_threads_resume_the_collector_when_the_last_one_ends() -> None:
    """Two batches at once: the first to end leaves the collector paused for the other, the
    last resumes it."""
    entered, release = threading.Event(), threading.Event()

    class Blocking(Watching):
        def __iter__(self) -> Iterator[str]:
            entered.set()
            assert release.wait(30)
            return super().__iter__()

    seen: list[bool] = []
    out: list[Any] = []
    worker = threading.Thread(target=lambda: out.extend(triage_many([Blocking(seen)])))
    worker.start()
    try:
        assert entered.wait(30)
        assert not gc.isenabled()  # paused by the worker's batch
        triage_many([Watching(seen)])  # starts and ends inside the worker's batch
        assert not gc.isenabled()
    finally:
        release.set()
        worker.join(30)
    assert not worker.is_alive()
    assert [r.method for r in out] == [triage(ANSWERS).method]
    assert seen == [False, False]
    assert gc.isenabled()


def test_a_batch_makes_no_reference_cycles() -> None:
    """Nothing a batch makes waits for the collector, so pausing it holds nothing back: every
    row shape (errors, Assessments, mappings that are not dicts, non-mappings, typed and text
    cells), results kept and read, then let go, leave no garbage for it to find."""
    rows = records(1_500, 91) + typed_records(1_500, 92, blank=0.3, flat_even=True)
    triage_many(rows[:100], municipality=OFFERS)  # the shared maps made first
    gc.collect()
    gc.disable()
    results = triage_many(rows, municipality=OFFERS, lang="en")
    assert not gc.isenabled()
    assert {r.error is None for r in results} == {True, False}
    for r in results:
        r.warning_codes, r.recommendation  # noqa: B018 - built on first access
    del results
    assert gc.collect() == 0
