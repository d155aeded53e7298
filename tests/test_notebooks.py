"""Notebooks: jupytext sources build the committed .ipynb; the analyst notebook runs and exports.

The sources are ``notebooks/<name>.py`` (jupytext percent format); the committed
``.ipynb`` files must be what ``notebooks/build_notebooks.py`` builds from them.
The analyst notebook is run with the papermill command line as a user runs it
(``-p period 2026`` arrives as a number) and exported with ``jupyter nbconvert
--to html``: the page must carry plotly.js once and every chart's data, and
draw the charts in a browser with the network off.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from indicators.demo import write_demo
from indicators.report import validate_params
from indicators.report.sections import SECTIONS

NOTEBOOKS = ROOT / "notebooks"
BIN = Path(sys.executable).parent


def _builder():
    spec = importlib.util.spec_from_file_location(
        "build_notebooks", NOTEBOOKS / "build_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def builder():
    return _builder()


@pytest.mark.parametrize("name", ["city_report", "explore_air"])
def test_build_gives_the_committed_notebook(builder, name):
    built = builder.build(name)
    committed = nbformat.read(builder.TARGETS[name] / f"{name}.ipynb", as_version=4)

    def cells(nb):
        return [(c.cell_type, c.id, c.source, dict(c.metadata)) for c in nb.cells]

    assert cells(built) == cells(committed), f"run python notebooks/build_notebooks.py ({name})"
    assert built.metadata == committed.metadata
    assert nbformat.writes(built) == nbformat.writes(committed)  # byte for byte
    for cell in committed.cells:  # committed without outputs
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def test_every_source_has_a_built_notebook(builder):
    sources = {p.stem for p in NOTEBOOKS.glob("*.py") if p.name != "build_notebooks.py"}
    assert sources == set(builder.TARGETS)


def test_report_notebook_has_one_cell_per_section(builder):
    nb = builder.build("city_report")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.id for c in code[:2]] == ["parameters", "setup"]
    assert [c.source for c in code[2:]] == [f"sections.{name}(ctx)" for name in SECTIONS]
    assert [c.id for c in code[2:]] == [name.replace("_", "-") for name in SECTIONS]
    assert "parameters" in code[0].metadata["tags"]


def test_a_cell_without_id_is_refused(builder, tmp_path, monkeypatch):
    (tmp_path / "x.py").write_text('# %% id="a"\n1\n\n# %%\n2\n', encoding="utf-8")
    monkeypatch.setattr(builder, "HERE", tmp_path)
    with pytest.raises(ValueError, match="cell 2 has no id"):
        builder.build("x")


def test_report_parameters_accept_what_papermill_passes(tmp_path):
    # papermill -p period 2026 -p compare 2025 gives the notebook the numbers 2026 and 2025
    folder = tmp_path / "data"
    write_demo(folder)
    p = validate_params("清河市", 2026, compare=2025, data=str(folder))
    assert (p.period.label, p.compare.label) == ("2026", "2025")
    assert p.notebook_parameters()["period"] == "2026"


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, str]:
    """The analyst notebook run by the papermill CLI on demo data and exported to HTML."""
    folder = tmp_path_factory.mktemp("explore")
    write_demo(folder / "data")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    run = [
        str(BIN / "papermill"),
        str(NOTEBOOKS / "explore_air.ipynb"),
        str(folder / "run.ipynb"),
        *("-p", "city", "清河市", "-p", "period", "2026", "-p", "data", str(folder / "data")),
        *("-k", "python3", "--no-progress-bar"),
    ]
    out = subprocess.run(run, capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    html = [str(BIN / "jupyter"), "nbconvert", "--to", "html", str(folder / "run.ipynb")]
    out = subprocess.run(html, capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    page = folder / "run.html"
    return page, page.read_text(encoding="utf-8")


@pytest.mark.slow
def test_analyst_notebook_runs_with_a_numeric_period(exported):
    nb = nbformat.read(exported[0].with_suffix(".ipynb"), as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "period = 2026\n" in injected.source  # papermill passed a number
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in errors if o.output_type == "error"]
    monthly = next(c for c in nb.cells if c.id == "monthly")
    assert "2026-12" in monthly.outputs[0]["data"]["text/plain"]  # twelve months


@pytest.mark.slow
def test_exported_html_carries_plotlyjs_once_and_the_chart_data(exported):
    from plotly.offline import get_plotlyjs

    _, page = exported
    assert page.count("plotly.js v") == 1
    assert get_plotlyjs() in page  # the installed plotly.js, inline (not a CDN)
    assert "notebook_connected" not in page and 'src="https://cdn.plot.ly' not in page
    # three charts (series, calendar, profiles), each drawn from its own data
    assert page.count('class="plotly-graph-div"') == page.count("Plotly.newPlot(") == 3
    ids = re.findall(r'Plotly\.newPlot\(\s*"([^"]+)",\s*\[\{', page)
    assert len(ids) == 3
    for div in ids:
        assert f'<div class="plotly-graph-div" id="{div}"' in page
    # the traces: the series and profiles (scatter) and the calendar (heatmap), with values
    assert page.count('"type":"scatter"') >= 2 and '"type":"heatmap"' in page


@pytest.mark.slow
@pytest.mark.browser
def test_exported_charts_draw_offline(exported, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is needed in CI")
        pytest.skip("needs chromium")
    page, _ = exported
    cmd = [
        chromium,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--proxy-server=127.0.0.1:9",  # the network is off: only the file itself loads
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=20000",
        "--dump-dom",
        page.as_uri(),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    # plotly marks each div it has drawn with the class js-plotly-plot
    assert out.stdout.count('class="plotly-graph-div js-plotly-plot"') == 3
