"""examples/visitation.ipynb runs top to bottom, so that it cannot rot."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("pandas")
pytest.importorskip("matplotlib")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOTEBOOK = EXAMPLES / "visitation.ipynb"


def test_the_notebook_is_stored_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    assert all(not c.outputs and c.execution_count is None for c in code)


@pytest.mark.slow
def test_the_visitation_notebook_runs_top_to_bottom(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A kernel on this very interpreter (where hf_triage is installed), whatever other
    # "python3" kernels the machine has.
    spec = tmp_path / "kernels" / "hf-triage-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "hf-triage test",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=180,
        kernel_name="hf-triage-test",
        resources={"metadata": {"path": str(EXAMPLES)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, on any error

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    report = next(h for h in html if "hf-cohort" in h and "Kohorterapport" in h)
    assert report.count("data:image/png;base64,") == 2
    assert any("Regelændring" in h for h in html)
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 3  # the charts
    text = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    assert "citizens change recommendation" in text
    # section 6: follow-up signals for one course and the municipality's courses
    assert "[cti-not-tapering]" in text
    assert "CTI courses showing re-visitation signals" in text
