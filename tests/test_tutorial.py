"""The tutorial notebook (docs/tutorial.ipynb) runs from top to bottom, and is kept in the repository without
outputs."""

import json
from pathlib import Path

import pytest
from conftest import under_ci

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "tutorial.ipynb"


def test_the_committed_notebook_holds_no_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [cell for cell in nb["cells"] if cell["cell_type"] == "code"]
    assert len(code) >= 6
    dirty = [i for i, cell in enumerate(code) if cell.get("outputs") or cell.get("execution_count") is not None]
    assert not dirty, f"code cells with outputs or execution counts: {dirty} (clear them before a commit)"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_the_docs_link_to_the_notebook():
    page = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
    assert "{download}`tutorial.ipynb <tutorial.ipynb>`" in page
    assert "tutorial <tutorial>" in (ROOT / "docs" / "index.md").read_text(encoding="utf-8")


def test_the_tutorial_runs_from_top_to_bottom():
    try:
        import nbformat
        from nbclient import NotebookClient
    except ModuleNotFoundError:
        if under_ci():
            raise
        pytest.skip("nbclient is not installed: pip install -e '.[docs]' (make setup installs it)")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # Run in the checkout's folder: its `sim`, also for the experiments the notebook starts with `python -m sim`.
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    errors = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
              if out.output_type == "error"]
    assert not errors
    shown = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    assert sum("image/png" in out.get("data", {}) for out in shown) >= 2            # the time series and the map
    text = "".join(out.get("text", "") for out in shown)
    assert "pemekaran" in text                                                       # PRIM's sentence
    widgets = [out for out in shown if "application/vnd.jupyter.widget-view+json" in out.get("data", {})]
    assert widgets                                                                   # Mesa's SolaraViz page
