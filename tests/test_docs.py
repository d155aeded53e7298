"""The documentation site builds offline with warnings as errors, and shows what it must.

The build runs on a copy of ``docs/`` under pytest's tmp_path: autosummary and
sphinx-gallery write their generated pages into the source folder, and tests never
write into the repository (checked below).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

from indicators import contract
from indicators.standards import list_tables

DOCS = ROOT / "docs"
#: What a build in the repository generates (ignored by git); never copied.
GENERATED = ("_build", "api", "gallery", "sg_execution_times.rst", "__pycache__")


def _snapshot(folder):
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site built from a copy of docs/: (html folder, sphinx output)."""
    tmp = tmp_path_factory.mktemp("docs")
    src, out = tmp / "docs", tmp / "html"
    shutil.copytree(DOCS, src, ignore=shutil.ignore_patterns(*GENERATED))
    before = _snapshot(ROOT / "docs")
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", src, out],
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-6000:]
    assert _snapshot(ROOT / "docs") == before, "the docs build wrote into the repository"
    return out, done.stdout + done.stderr


@pytest.mark.slow
def test_api_page_of_daily_aqi_shows_its_parameters(site):
    out, _ = site
    page = (out / "api" / "indicators.air.daily_aqi.html").read_text(encoding="utf-8")
    assert "Parameters" in page and "Returns" in page
    # numpydoc renders each parameter name in bold, with its type
    for name in ("hourly", "stations", "level", "edition", "method", "missing"):
        assert f"<strong>{name}</strong>" in page, name
    assert "HJ 633" in page  # the standard it implements
    # every public module has its page, linked from the API index
    api = (out / "api.html").read_text(encoding="utf-8")
    for module in ("air", "water", "plot", "contract", "validation", "report", "standards"):
        assert f'href="api/indicators.{module}.html"' in api, module


def _table(page: str, css_class: str) -> str:
    """The HTML of the first table of ``page`` with class ``css_class``."""
    m = re.search(rf'<table class="[^"]*\b{css_class}\b[^"]*">.*?</table>', page, re.S)
    assert m, f"no table of class {css_class}"
    return m.group(0)


@pytest.mark.slow
def test_data_page_has_the_contract_table(site):
    out, _ = site
    table = _table((out / "data.html").read_text(encoding="utf-8"), "contract")
    # generated from contract_markdown(): one row per table, its file, required columns in bold
    assert table.count("<tr") == len(contract.TABLES) + 1
    for spec in contract.TABLES.values():
        assert f'<span class="pre">{spec.file}</span>' in table, spec.file
        for column in spec.required:
            assert f"<strong>{column}</strong>" in table, (spec.name, column)
    assert "µg/m³" in table and "mg/m³" in table  # units


@pytest.mark.slow
def test_gallery_page_contains_a_plotly_figure_drawn_offline(site):
    out, _ = site
    page = (out / "gallery" / "plot_03_calendar.html").read_text(encoding="utf-8")
    assert page.count('class="plotly-graph-div"') == 2  # AQI categories, then PM2.5
    assert "Plotly.newPlot" in page
    # one plotly.js for the site, loaded before the figures; no CDN
    assert 'src="../_static/plotly.min.js"' in page
    assert page.index("plotly.min.js") < page.index("Plotly.newPlot")
    assert "cdn.plot.ly" not in page and "cdn.jsdelivr" not in page
    assert (out / "_static" / "plotly.min.js").stat().st_size > 1_000_000
    # every example ran, and the pages without a figure do not load plotly.js
    gallery = sorted((out / "gallery").glob("plot_*.html"))
    assert len(gallery) == len(list((DOCS / "examples").glob("plot_*.py"))) >= 4
    first = (out / "gallery" / "plot_01_aqi_of_a_day.html").read_text(encoding="utf-8")
    assert "plotly.min.js" not in first


@pytest.mark.slow
def test_standards_pages_show_every_table_and_the_unverified_choices(site):
    out, _ = site
    pages = {p.stem: p.read_text(encoding="utf-8") for p in (out / "standards").glob("*.html")}
    every = "".join(pages.values()) + (out / "data.html").read_text(encoding="utf-8")
    for name in list_tables():  # the build also fails on a table no page shows
        assert f'<span class="pre">{name}</span>' in every, name
    hj633 = pages["hj633"]
    assert "HJ 633-2026" in hj633 and "2026-03-01" in hj633  # editions from EDITIONS
    assert "air_iaqi_breakpoints" in hj633
    # the evaluation module's UNVERIFIED choices and the table rows' verification
    assert "UNVERIFIED" in pages["hj663"] and "unverified: 10" in pages["hj663"]
    assert "UNVERIFIED" in pages["gb3838"] and "CWQI" in pages["gb3838"]


def test_every_public_function_has_a_parameters_section():
    """numpydoc Parameters for every public function of the API reference (issue: 81 had none)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "missing_parameters", DOCS / "missing_parameters.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    missing = {name: names for name, (_, names) in module.missing_parameters().items() if names}
    assert missing == {}
