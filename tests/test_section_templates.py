"""The report sections' markup lives in Jinja2 templates, not in Python.

``report/templates/sections/`` holds one template per section (``<key>.html.j2``, the
keys of :data:`indicators.report.sections.SECTIONS`) and the shared pieces
(``_macros.html.j2``); every one of them is used, :mod:`indicators.report.sections`
holds no HTML tag, and what a template prints of the data is escaped. The section
outputs are computed on demo data written to a temporary folder.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import tomllib
from pathlib import Path

import polars as pl
import pytest
from conftest import ROOT

from indicators import targets
from indicators.demo import write_demo
from indicators.report import display
from indicators.report import sections as sec
from indicators.report.display import (
    FIGURE,
    MACROS,
    PART,
    Markup,
    esc,
    html_table,
    render_fragment,
    render_macro,
    render_parts,
)

XSS = "<script>alert(1)</script>"
TEMPLATES = Path(display.__file__).parent / "templates"
#: An HTML tag or comment opening: ``<p``, ``</p``, ``<!--``.
TAG = re.compile(r"<\s*/?\s*[A-Za-z!]")


def _template_files() -> set[str]:
    return {f"sections/{p.name}" for p in (TEMPLATES / "sections").iterdir() if p.is_file()}


# --------------------------------------------------------------------------- no markup in Python


def _docstrings(tree: ast.Module) -> set[int]:
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, kinds)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def test_sections_module_has_no_html_tags():
    source = Path(sec.__file__).read_text(encoding="utf-8")
    for opener in ('"<', "'<"):  # also f"<, rf'<, ...
        lines = [line for line in source.splitlines() if opener in line]
        assert not lines, f"a string starting with a tag in sections.py: {lines}"
    tree = ast.parse(source)
    skip = _docstrings(tree)
    tagged = [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and TAG.search(node.value)
    ]
    assert not tagged, f"HTML in the string constants of sections.py: {tagged}"


# --------------------------------------------------------------------------- the template files


def test_one_template_per_section_and_the_macros():
    expected = {f"sections/{key}.html.j2" for key in sec.SECTIONS} | {MACROS}
    assert _template_files() == expected


def test_templates_are_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["indicators"]
    for name in _template_files():
        path = f"report/templates/{name}"
        assert any(fnmatch.fnmatch(path, p) for p in patterns), f"{path} not in the wheel"


def test_every_template_compiles_and_is_strict():
    env = display.environment()
    for name in sorted(_template_files()):
        env.get_template(name)  # a syntax error raises here
    with pytest.raises(Exception, match="undefined"):
        render_fragment("sections/trends.html.j2")


def test_line_breaks_of_a_template_are_layout_only():
    out = render_macro(
        MACROS,
        "table",
        css_class="t",
        headers=["a"],
        rows=[[{"text": "x", "numeric": False, "style": None, "href": None}]],
    )
    assert "\n" not in out and "  " not in out
    head = '<table class="t"><thead><tr><th>a</th></tr></thead>'
    assert out == head + "<tbody><tr><td>x</td></tr></tbody></table>"


# --------------------------------------------------------------------------- escaping


def test_a_rendered_fragment_escapes_a_script_in_a_city_name():
    out = render_fragment(
        "sections/title.html.j2",
        meta=[("城市", XSS), ("x", 'a" onclick="b')],
        demo_notice=None,
        no_city_air=f"{XSS} & 'q'",
    )
    assert "<script>" not in out and 'onclick="b"' not in out
    assert f"<span>城市: {esc(XSS)}</span>" in out
    # escaped as display.esc escapes (the escaping the sections always had)
    assert esc(f"{XSS} & 'q'") in out and "&#x27;q&#x27;" in out
    assert isinstance(out, Markup)


def test_markup_is_printed_as_it_is():
    out = render_macro(MACROS, "note", text=Markup("<b>kept</b>"))
    assert out == '<p class="ind-note"><b>kept</b></p>'
    assert render_macro(MACROS, "note", text=None) == '<p class="ind-note"></p>'


def test_html_table_cells():
    frame = pl.DataFrame(
        {"name": [XSS, None], "n": [3, None], "ok": [True, False], "x": [1.5, 2.25]}
    )
    out = html_table(
        frame,
        {"name": "<名称>", "n": "n", "ok": "ok", "x": "x"},
        formats={"x": lambda v: f"{v:.1f}"},
        styles=lambda row, col: "color:red" if col == "n" else None,
        links={"ok": lambda row: f"a.html?q={row['n']}&r=1"},
        css_class="ind-table t2",
    )
    assert out == (
        '<table class="ind-table t2"><thead><tr><th>&lt;名称&gt;</th><th>n</th><th>ok</th>'
        "<th>x</th></tr></thead><tbody>"
        '<tr><td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td class="num" style="color:red">3'
        '</td><td><a href="a.html?q=3&amp;r=1">True</a></td><td class="num">1.5</td></tr>'
        '<tr><td>—</td><td style="color:red">—</td><td><a href="a.html?q=None&amp;r=1">False'
        '</a></td><td class="num">2.2</td></tr></tbody></table>'
    )


def test_render_parts_places_the_figures():
    fig = object()
    parts = render_parts("sections/blackodorous.html.j2", [fig], summary=[("a", "1")], table="t")
    assert parts == ['<p class="ind-meta"><span>a: <b>1</b></span></p>', fig, "t"]
    assert all(PART not in p and FIGURE not in p for p in parts if p is not fig)
    # a figure None leaves its place empty; a figure without a place is an error
    assert render_parts("sections/air_primary.html.j2", [None]) == []
    with pytest.raises(ValueError, match="figure"):
        render_parts("sections/air_primary.html.j2", [])


# --------------------------------------------------------------------------- the sections


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo data with 北原市 renamed to a script."""
    folder = tmp_path_factory.mktemp("data")
    write_demo(folder)
    stations = pl.read_parquet(folder / "stations.parquet")
    stations.with_columns(
        city=pl.when(pl.col("city") == "北原市").then(pl.lit(XSS)).otherwise("city")
    ).write_parquet(folder / "stations.parquet")
    return folder


@pytest.mark.slow
def test_every_template_is_used_by_the_sections(data, monkeypatch):
    env = display.environment()
    used: set[str] = set()
    get_template = env.get_template

    def spy(name, *args, **kwargs):
        used.add(name)
        return get_template(name, *args, **kwargs)

    monkeypatch.setattr(env, "get_template", spy)  # imports of a template come here too
    demo_targets = str(targets.demo_targets_path())
    pages = {}
    for city in ("清河市", "临江市", XSS):  # 临江市 is the coastal one (sea)
        ctx = sec.open_report(city, "2026", data=str(data), targets=demo_targets)
        pages[city] = [getattr(sec, key)(ctx)._repr_html_() for key in sec.SECTIONS]
    assert used == _template_files()
    for city, outputs in pages.items():
        html = "".join(outputs)
        assert PART not in html and FIGURE not in html, city
        assert XSS not in html and esc(XSS) in html, city
    title, ranking = (pages[XSS][sec.SECTIONS.index(k)] for k in ("title", "ranking"))
    assert f'id="sec-title" class="ind-h">{esc(XSS)}' in title
    assert f'<td style="{esc(sec._HIGHLIGHT)}">{esc(XSS)}</td>' in ranking  # the city's row
    assert f"<td>{esc(XSS)}</td>" in "".join(pages["清河市"])  # another city's row
