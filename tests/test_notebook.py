"""notebooks/walkthrough.ipynb: committed without outputs, and runs top to bottom offline."""
from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the notebook test needs nbformat")
nbclient = pytest.importorskip("nbclient", reason="the notebook test needs nbclient")
pytest.importorskip("ipykernel", reason="the notebook test needs ipykernel")
pytest.importorskip("matplotlib", reason="the walkthrough plots with matplotlib")
pytest.importorskip("pandas", reason="the walkthrough uses pandas")

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "walkthrough.ipynb"


def test_notebook_is_valid_and_stripped():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, cell.source[:80]


def test_notebook_runs_offline(tmp_path, monkeypatch):
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        monkeypatch.setenv(var, "1")
    monkeypatch.setenv("NOTICE_NLP_OUT", str(tmp_path / "out"))  # the notebook writes its HTML files here
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend, so plots become outputs
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()

    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    images = [out for out in outputs if "image/png" in out.get("data", {})]
    assert len(images) >= 3  # categories per notice, status shares, timeline
    text = "\n".join(out.get("text", "") for out in outputs if out.output_type == "stream")
    assert "macro_f1" in text and "test sentences" in text
    html = [out for out in outputs if "text/html" in out.get("data", {})]
    assert any('class="sentence' in out["data"]["text/html"] for out in html)  # the viewer, inline
    for name in ("seed000.html", "samples.html", "evaluation.html"):
        assert (tmp_path / "out" / name).stat().st_size > 1000
