"""The walk-through notebook runs top to bottom (so it never rots) and shows what it promises."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "walkthrough.ipynb"


def _text(nb) -> str:  # type: ignore[no-untyped-def]
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                out.append(o.get("text", ""))
    return "".join(out)


def test_walkthrough_notebook_executes_and_shows_plots_and_reanalysis() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:  # run from a clean slate, not the committed outputs
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent.parent)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    text = _text(nb)
    figures = sum("image/png" in o.get("data", {}) for c in nb.cells
                  for o in c.get("outputs", []))
    assert figures >= 2
    assert "re-analysed in" in text and "-> fault" in text, "the stricter threshold changes verdicts"
    assert "engine agrees with the ground truth on" in text
