"""Every hostile file and CLI probe of issue 16, table-driven: each ends within the timeout
with a clean exit code, no traceback, a bounded and escaped message (see ``probes``)."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from .probes import Outcome, Probe, make_files, probes, run

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/* are POSIX"),
    pytest.mark.slow,  # 108 fresh processes: minutes; the default Python runs it in CI
]


TABLE = probes()


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every probe run once, two at a time (each is a fresh process)."""
    d = tmp_path_factory.mktemp("hostile")
    make_files(d)
    with ThreadPoolExecutor(2) as pool:
        return {o.probe.name: o for o in pool.map(lambda p: run(p, d), TABLE)}


@pytest.mark.parametrize("probe", TABLE, ids=lambda p: p.name)
def test_probe_has_a_clean_outcome(probe: Probe, outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes[probe.name]
    assert outcome.problems == [], f"{probe.name}: {outcome.problems}: {outcome.stderr[:300]!r}"
