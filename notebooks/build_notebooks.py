"""Build the ``.ipynb`` notebooks from their sources: ``python notebooks/build_notebooks.py``.

The sources are the jupytext percent-format scripts beside this file
(``notebooks/<name>.py``): edit those (in an editor, or in JupyterLab with
jupytext installed: *Open With → Notebook* on the ``.py``), then run this
script. The committed ``.ipynb`` files are what it writes (no outputs);
``tests/test_notebooks.py`` checks that they agree with the sources.

- ``city_report``, the notebook ``indicators report`` executes, is package data:
  it is written to ``src/indicators/report/notebooks/`` (shipped in the wheel,
  found with ``importlib.resources``). It has one cell ``sections.<name>(ctx)``
  per name of ``indicators.report.sections.SECTIONS``, in that order (a test
  checks): a new section is a new cell in ``city_report.py``.
- ``explore_air``, the analysts' notebook, stays here in ``notebooks/``.

Every cell has an ``id`` (the report names a failing cell by it) written in
its header line, ``# %% id="setup"``; the build moves it from the cell's
metadata to the cell id of nbformat 4.5.
"""

from __future__ import annotations

import copy
from pathlib import Path

import jupytext
import nbformat

HERE = Path(__file__).resolve().parent
#: Where each notebook is written: the report notebook is package data.
TARGETS = {
    "city_report": HERE.parent / "src" / "indicators" / "report" / "notebooks",
    "explore_air": HERE,
}

METADATA = {
    "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
    "language_info": {"name": "python"},
}


def build(name: str) -> nbformat.NotebookNode:
    """The notebook ``name`` built from ``notebooks/<name>.py`` (no outputs, checked).

    Raises
    ------
    ValueError
        When a cell has no ``id`` in its header line.
    """
    source = HERE / f"{name}.py"
    nb = jupytext.read(source, fmt="py:percent")
    for i, cell in enumerate(nb.cells):
        cell_id = cell.metadata.pop("id", None)
        if not cell_id:
            raise ValueError(f'{source}: cell {i + 1} has no id (# %% id="...")')
        cell.id = cell_id
    nb.metadata = copy.deepcopy(METADATA)
    nb.nbformat, nb.nbformat_minor = 4, 5
    nbformat.validate(nb)
    return nb


def main() -> None:
    """Write every notebook of :data:`TARGETS`."""
    for name, folder in TARGETS.items():
        path = folder / f"{name}.ipynb"
        nbformat.write(build(name), path)
        print(path)


if __name__ == "__main__":
    main()
