"""notebooks/explore.ipynb runs headless against a build of seeds/ and fails on any cell error."""
from __future__ import annotations

import os

import nbformat
from nbclient import NotebookClient

from .conftest import ROOT


def test_notebook_executes(seeds_build, monkeypatch):
    out, _ = seeds_build
    monkeypatch.setenv("GOVKG_OUT", str(out))
    notebook = nbformat.read(ROOT / "notebooks" / "explore.ipynb", as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if o.output_type == "display_data" and "image/png" in o.get("data", {})]
    assert len(images) == 4  # top regulations, heat map, per year, network
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "法治政府建设实施纲要(2015-2020年)" in text and os.environ["GOVKG_OUT"] in text
