"""Python's cyclic garbage collector paused while ``triage_many`` builds its list.

A kept ``BatchResult`` is an instance of a Python class, which the collector tracks. A list of
a million of them, beside the caller's million records, makes the collector run full
collections over both while the list grows: three over a million rows, about a quarter of the
batch's time (docs/benchmarks.md). Paused, it meets the results once, after the batch.

The collector is process-wide state, so it is confined to this module and guarded: batches
running at once (threads) pause it together, the last one to end resumes it, and only if it
was on when the first one began; a caller who switched it off keeps it off. A batch makes no
reference cycles (tests/cohort/test_many_pause.py), so the pause holds nothing back of its own;
what the rest of the process makes meanwhile is collected when the collector resumes.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pauses:
    """How many batches are pausing the collector, and whether it was on before the first."""

    __slots__ = ("lock", "resume", "running")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.resume = False


_PAUSES = _Pauses()


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the ``with`` block (see the module docstring)."""
    pauses = _PAUSES
    with pauses.lock:
        if not pauses.running:
            pauses.resume = gc.isenabled()
            gc.disable()
        pauses.running += 1
    try:
        yield
    finally:
        with pauses.lock:
            pauses.running -= 1
            if not pauses.running and pauses.resume:
                gc.enable()
