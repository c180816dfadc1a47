"""notebooks/walkthrough.ipynb and corpus.ipynb: committed without outputs, and run top to bottom offline."""
from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the notebook test needs nbformat")
nbclient = pytest.importorskip("nbclient", reason="the notebook test needs nbclient")
pytest.importorskip("ipykernel", reason="the notebook test needs ipykernel")
pytest.importorskip("matplotlib", reason="the walkthrough plots with matplotlib")
pytest.importorskip("pandas", reason="the walkthrough uses pandas")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOK = NOTEBOOKS / "walkthrough.ipynb"
CORPUS_NOTEBOOK = NOTEBOOKS / "corpus.ipynb"


@pytest.mark.parametrize("path", [NOTEBOOK, CORPUS_NOTEBOOK], ids=lambda p: p.name)
def test_notebook_is_valid_and_stripped(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, cell.source[:80]


def execute(path: Path, out: Path, monkeypatch) -> list:
    """Run a notebook offline, its files written under ``out``; its outputs, none an error."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        monkeypatch.setenv(var, "1")
    monkeypatch.setenv("NOTICE_NLP_OUT", str(out))  # the notebook writes its HTML files here
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend, so plots become outputs
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    outputs = [output for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    return outputs


def test_notebook_runs_offline(tmp_path, monkeypatch):
    outputs = execute(NOTEBOOK, tmp_path / "out", monkeypatch)
    images = [out for out in outputs if "image/png" in out.get("data", {})]
    assert len(images) >= 3  # categories per notice, status shares, timeline
    text = "\n".join(out.get("text", "") for out in outputs if out.output_type == "stream")
    assert "macro_f1" in text and "test sentences" in text
    html = [out for out in outputs if "text/html" in out.get("data", {})]
    assert any('class="sentence' in out["data"]["text/html"] for out in html)  # the viewer, inline
    for name in ("seed000.html", "samples.html", "evaluation.html"):
        assert (tmp_path / "out" / name).stat().st_size > 1000


def test_corpus_notebook_runs_offline(tmp_path, monkeypatch):
    """Tags the samples into Parquet tables and queries them with DuckDB and pandas."""
    pytest.importorskip("pyarrow", reason="the corpus notebook needs the corpus extra")
    pytest.importorskip("duckdb", reason="the corpus notebook needs duckdb (the corpus-test extra)")
    outputs = execute(CORPUS_NOTEBOOK, tmp_path / "out", monkeypatch)
    text = "\n".join(out.get("text", "") for out in outputs if out.output_type == "stream")
    assert "4 documents," in text and "DuckDB and pandas agree" in text
    assert "3 overdue as of 2025-10-01" in text  # the samples' three 2025-06 deadlines not yet done
    tables = [out["data"]["text/html"] for out in outputs if "text/html" in out.get("data", {})]
    assert any("completion" in t and "医疗质量与服务" in t for t in tables)  # completion by category
    assert any("days_overdue" in t for t in tables)  # the overdue list
    assert (tmp_path / "out" / "corpus_report.html").stat().st_size > 10_000
