"""City reports: parameters, figures, escaping, rendering with papermill, batches.

The rendering tests run the real notebooks with papermill on demo data written
to a temporary folder (never into the repository's data/ or reports/).
"""

from __future__ import annotations

import ast
import base64
import gzip
import html
import re
from datetime import date
from pathlib import Path
from urllib.parse import quote

import nbformat
import polars as pl
import pytest
from papermill.translators import PythonTranslator

from indicators import air, cli
from indicators.demo import write_demo
from indicators.errors import IndicatorInputError
from indicators.report import charts, parse_period, render_report, validate_params, year_earlier
from indicators.report.display import Section, esc, figure_html, html_table
from indicators.report.render import ReportError, export_html, notebook_path
from indicators.report.sections import (
    CARDS,
    SECTIONS,
    completeness,
    headline_values,
    open_report,
)

XSS = "<script>alert(1)</script>"
BROKEN = "北原市"  # its PM2.5 hours are made negative: its report must fail


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo data with a station named like a script and one city with broken data."""
    folder = tmp_path_factory.mktemp("data")
    write_demo(folder)
    stations = pl.read_parquet(folder / "stations.parquet")
    first = stations.filter(city="清河市")["station"][0]
    stations.with_columns(
        name=pl.when(pl.col("station") == first).then(pl.lit(XSS)).otherwise("name")
    ).write_parquet(folder / "stations.parquet")
    broken = stations.filter(city=BROKEN)["station"].implode()
    hours = pl.read_parquet(folder / "station_hours.parquet")
    hours.with_columns(
        pl.when(pl.col("station").is_in(broken))
        .then(-pl.col("PM2.5"))
        .otherwise("PM2.5")
        .alias("PM2.5")
    ).write_parquet(folder / "station_hours.parquet")
    return folder


@pytest.fixture(scope="module")
def batch(data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """``indicators report`` in English for three cities of one year, one of them broken."""
    out = tmp_path_factory.mktemp("reports")
    code = cli.main(
        [
            "report",
            "--city",
            f"清河市,临江市,{BROKEN}",
            "--period",
            "2026",
            "--lang",
            "en",
            "--data",
            str(data),
            "--out",
            str(out),
            "--workers",
            "2",
        ]
    )
    return {"code": code, "out": out}


# --------------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    ("text", "start", "end", "label", "kind"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "2026", "year"),
        ("2026Q1", date(2026, 1, 1), date(2026, 3, 31), "2026Q1", "quarter"),
        ("2026q4", date(2026, 10, 1), date(2026, 12, 31), "2026Q4", "quarter"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "2024-02", "month"),  # leap year
        ("2025-02", date(2025, 2, 1), date(2025, 2, 28), "2025-02", "month"),
        (
            "2026-01-01..2026-06-30",
            date(2026, 1, 1),
            date(2026, 6, 30),
            "2026-01-01..2026-06-30",
            "range",
        ),
        (
            "2026-03-01..2026-03-01",
            date(2026, 3, 1),
            date(2026, 3, 1),
            "2026-03-01..2026-03-01",
            "range",
        ),  # one day, both ends included
    ],
)
def test_parse_period_forms(text, start, end, label, kind):
    p = parse_period(text)
    assert (p.start, p.end, p.label, p.kind) == (start, end, label, kind)


@pytest.mark.parametrize(
    "text",
    [
        "2026Q5",
        "2026Q0",
        "2026-13",
        "2026-00",
        "2026-3",
        "26",
        "２０２６",
        "2026-02-30..2026-03-01",
        "2026-03-02..2026-03-01",
        " 2026",
        "2026 ",
        "2026\n",
        "1979",
        "2101",
        "2026; import os",
        "",
        "2026-01-01...2026-02-01",
        "2026-01-01..",
        None,
        2026,
    ],
)
def test_parse_period_rejects(text):
    with pytest.raises(IndicatorInputError) as err:
        parse_period(text)
    assert err.value.column == "period"
    assert "2026Q1" in str(err.value) or "1980" in str(err.value) or "before" in str(err.value)


@pytest.mark.parametrize(
    ("text", "earlier"),
    [
        ("2026", "2025"),
        ("2026Q2", "2025Q2"),
        ("2026-03", "2025-03"),
        ("2025-03-01..2025-08-31", "2024-03-01..2024-08-31"),
        ("2024-01-01..2024-02-29", "2023-01-01..2023-02-28"),  # 29 Feb -> 28 Feb
        ("2025-01-01..2025-02-28", "2024-01-01..2024-02-29"),  # month end stays month end
        ("2024-02-29..2024-03-10", "2023-02-28..2023-03-10"),
    ],
)
def test_year_earlier(text, earlier):
    assert year_earlier(parse_period(text)).label == earlier


def test_unknown_city_lists_the_known_ones(data):
    with pytest.raises(IndicatorInputError) as err:
        validate_params("清河", "2026", data=data)
    assert err.value.column == "city"
    for city in ("清河市", "临江市", "北原市"):
        assert city in str(err.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("city", '清河市"; import os; os.system("touch /tmp/pwned") #'),
        ("city", "清河市\nimport os"),
        ("city", "清河市\\"),
        ("period", '2026"; import os #'),
        ("period", "__import__('os').system('id')"),
        ("compare", "2025\nimport os"),
        ("edition", "auto'; import os #"),
        ("lang", 'zh"; import os #'),
        ("data", "/tmp\nimport os"),
        ("targets", "/nonexistent/targets.toml"),
    ],
)
def test_injection_attempts_are_rejected(data, field, value):
    kwargs = {"city": "清河市", "period": "2026", "data": str(data), field: value}
    with pytest.raises(IndicatorInputError):
        validate_params(**kwargs)


def test_notebook_parameters_are_plain_strings_that_survive_injection(data):
    params = validate_params("清河市", "2026Q1", compare="2024Q1", lang="en", data=data)
    nb_params = params.notebook_parameters()
    assert nb_params == {
        "city": "清河市",
        "period": "2026Q1",
        "compare": "2024Q1",
        "edition": "auto",
        "lang": "en",
        "data": str(data.resolve()),
        "targets": "",
    }
    for value in nb_params.values():
        assert ast.literal_eval(PythonTranslator.translate(value)) == value
    assert params.file_stem == "清河市-2026Q1-en"
    assert validate_params("清河市", "2026-01-01..2026-06-30", data=data).file_stem == (
        "清河市-2026-01-01_2026-06-30"
    )


# --------------------------------------------------------------------------- figures


def test_category_colours_are_hj633_appendix_a():
    # HJ 633-2012 Appendix A Table A.1 / HJ 633-2026 Appendix A: RGB (0,228,0) green,
    # (255,255,0) yellow, (255,126,0) orange, (255,0,0) red, (153,0,76) purple,
    # (126,0,35) maroon.
    official = ["#00E400", "#FFFF00", "#FF7E00", "#FF0000", "#99004C", "#7E0023"]
    for edition in ("HJ 633-2012", "HJ 633-2026"):
        assert [c["hex"] for c in charts.category_colours(edition, "zh")] == official
    assert [c["name"] for c in charts.category_colours("HJ 633-2026", "zh")] == [
        "优",
        "良",
        "轻度污染",
        "中度污染",
        "重度污染",
        "严重污染",
    ]


def _daily(levels: dict[date, int | None]) -> pl.DataFrame:
    rows = [
        {
            "date": d,
            "aqi": None if lv is None else 25 + 50 * (lv - 1),
            "level": lv,
            "category": None,
            "category_en": None,
            "primary_pollutant": "PM2.5",
            "edition": "HJ 633-2026",
        }
        for d, lv in levels.items()
    ]
    return pl.DataFrame(
        rows,
        schema={
            "date": pl.Date,
            "aqi": pl.Int64,
            "level": pl.Int64,
            "category": pl.String,
            "category_en": pl.String,
            "primary_pollutant": pl.String,
            "edition": pl.String,
        },
    )


def test_calendar_cells_and_colourscale():
    daily = _daily({date(2026, 3, 1): 1, date(2026, 3, 2): 6, date(2026, 3, 3): None})
    fig = charts.aqi_calendar(daily, start=date(2026, 3, 1), end=date(2026, 3, 5), lang="en")
    z = tuple(fig.data[0].z[0])
    assert z[:5] == (1, 6, 0, 0, 0)  # level 1, level 6, invalid, absent days = invalid (grey)
    assert z[5:] == (None,) * 26  # outside the period: blank
    scale = [c for _, c in fig.data[0].colorscale]
    assert scale[0] == charts.INVALID_COLOUR
    assert scale[2:] == [
        "#00E400",
        "#00E400",
        "#FFFF00",
        "#FFFF00",
        "#FF7E00",
        "#FF7E00",
        "#FF0000",
        "#FF0000",
        "#99004C",
        "#99004C",
        "#7E0023",
        "#7E0023",
    ]
    # level k sits in the middle of its colour band: zmin -0.5, zmax 6.5, 7 bands
    assert (fig.data[0].zmin, fig.data[0].zmax) == (-0.5, 6.5)


def test_monthly_bars_count_every_day_of_the_period():
    daily = _daily({date(2026, 2, d): (d % 6) + 1 for d in range(1, 27)})  # 26 of 28 days valid
    fig = charts.monthly_categories(daily, start=date(2026, 2, 1), end=date(2026, 2, 28), lang="zh")
    totals = [t.y[0] for t in fig.data]
    assert totals[-1] == 2  # 27 and 28 February: no valid AQI
    assert sum(totals) == 28
    assert [t.marker.color for t in fig.data[:6]] == [
        "#00E400",
        "#FFFF00",
        "#FF7E00",
        "#FF0000",
        "#99004C",
        "#7E0023",
    ]


def test_concentration_limits_follow_the_edition():
    # GB 3095-2012 Table 1 class 2: PM2.5 annual 35 ug/m3; GB 3095-2026 transitional: 30;
    # O3 daily max 8-h 160 in both; CO 24-h 4 mg/m3.
    summary = {"PM2.5": 30.0, "O3_MDA8_P90": 160.0, "CO_P95": 1.2}
    old = charts.concentration_statistics(
        summary, hj663="HJ 663-2013", limits_edition="GB 3095-2012"
    )
    new = charts.concentration_statistics(
        summary, hj663="HJ 663-2026", limits_edition="GB 3095-2026 transitional"
    )
    pick = {r["column"]: (r["limit"], r["ratio"]) for r in old}
    assert pick["PM2.5"] == (35.0, 30 / 35)
    assert pick["O3_MDA8_P90"] == (160.0, 1.0)
    assert pick["CO_P95"] == (4.0, 0.3)
    assert {r["column"]: r["limit"] for r in new}["PM2.5"] == 30.0
    assert {r["column"]: r["value"] for r in new}["SO2"] is None


# --------------------------------------------------------------------------- escaping


def test_html_building_blocks_escape_data():
    assert esc(XSS) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    table = html_table(
        pl.DataFrame({"name": [XSS], "href": ['x" onclick="y']}),
        {"name": XSS},
        links={"name": lambda row: row["href"]},
    )
    assert "<script>" not in table and 'onclick="y"' not in table
    assert "&lt;script&gt;" in table and "&quot; onclick=&quot;y" in table
    with pytest.raises(TypeError):
        Section("x", "x").add(XSS)  # a plain string must be escaped first


def test_figure_json_cannot_close_its_script_element():
    fig = charts.scatter_map(
        pl.DataFrame(
            {"lon": [116.0], "lat": [39.0], "name": [f"</script>{XSS}"], "colour": ["#00E400"]}
        ),
        title=XSS,
    )
    out = figure_html(fig, "fig-1")
    inside = out[out.index('type="application/json"') : out.rindex("</script>")]
    assert "</script" not in inside.lower() and "<script" not in inside.lower()
    assert "&lt;script&gt;" in fig.data[0].text[0]  # plotly shows the name as text


# --------------------------------------------------------------------------- sections


def test_sections_escape_station_names_and_match_the_package(data):
    ctx = open_report("清河市", "2026-03", data=str(data), lang="en")
    page = completeness(ctx)._repr_html_()
    assert XSS not in page
    assert esc(XSS) in page
    # headline = air.evaluate_period on city daily AQI, computed here independently
    stations = pl.read_parquet(data / "stations.parquet").filter(city="清河市")
    hours = pl.read_parquet(data / "station_hours.parquet").filter(
        pl.col("station").is_in(stations["station"].implode())
    )
    daily = air.daily_aqi(hours, stations=stations, level="city", edition="auto")
    cur = air.evaluate_period(daily, start="2026-03-01", end="2026-03-31")
    prev = air.evaluate_period(daily, start="2025-03-01", end="2025-03-31")
    values = headline_values(ctx)
    for key in ("good_day_ratio", "PM2.5", "O3_MDA8_P90", "composite_index"):
        assert values[key]["value"] == cur[key].item()
        assert values[key]["previous"] == prev[key].item()
    change = air.compare_periods(cur, prev)
    assert values["good_day_ratio"]["change"] == change["good_day_ratio_change_pp"].item()
    assert values["PM2.5"]["change"] == change["PM2.5_change_pct"].item()
    assert list(values) == [c.key for c in CARDS]
    # March 2026 is under HJ 633-2026, March 2025 under HJ 633-2012: the comparison
    # period is also given recomputed under HJ 633-2026 and its GB 3095 limits
    assert ctx.summary["aqi_edition"] == "HJ 633-2026"
    assert ctx.previous["aqi_edition"] == "HJ 633-2012"
    forced = air.evaluate_period(
        air.daily_aqi(hours, stations=stations, level="city", edition="HJ 633-2026"),
        start="2025-03-01",
        end="2025-03-31",
        limits=ctx.summary["limits_edition"],
    )
    assert ctx.recomputed["good_day_ratio"] == forced["good_day_ratio"].item()


def test_targets_are_met_on_the_edge(data, tmp_path):
    # targets are annual: the year to date (2026Q1 starts on 1 January) is compared with them
    ctx = open_report("清河市", "2026Q1", data=str(data))
    gdr = ctx.summary["good_day_ratio"]
    pm = ctx.summary["PM2.5"]
    path = tmp_path / "t.toml"
    for target_gdr, target_pm, met_gdr, met_pm in (
        (gdr, pm, True, True),  # exactly on the target: met (closed at the target)
        (gdr + 0.1, pm - 1, False, False),  # just beyond: not met
    ):
        path.write_text(
            f'schema = 1\n[[target]]\ncity = "清河市"\nyear = 2026\n'
            f'good_day_ratio = {target_gdr}\n"PM2.5" = {target_pm}\n',
            encoding="utf-8",
        )
        values = headline_values(open_report("清河市", "2026Q1", data=str(data), targets=str(path)))
        assert (values["good_day_ratio"]["target"], values["good_day_ratio"]["met"]) == (
            target_gdr,
            met_gdr,
        )
        assert (values["PM2.5"]["target"], values["PM2.5"]["met"]) == (target_pm, met_pm)
        assert values["O3_MDA8_P90"]["target"] is None  # no O3 target in the file
    # a period that does not start on 1 January is not compared with annual targets
    march = headline_values(open_report("清河市", "2026-03", data=str(data), targets=str(path)))
    assert march["good_day_ratio"]["target"] is None and march["good_day_ratio"]["met"] is None


def test_every_section_has_a_notebook_cell():
    nb = nbformat.read(notebook_path("city_report"), as_version=4)
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    assert [s for s in sources if s.startswith("sections.")] == [
        f"sections.{name}(ctx)" for name in SECTIONS
    ]
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


# --------------------------------------------------------------------------- rendering


def _figures(page: str) -> int:
    return page.count('class="plotly-graph-div"')


def _check_page(page: str) -> None:
    """No code, no prompts, no errors, plotly.js once, nothing from the network."""
    from plotly.offline import get_plotlyjs

    assert "jp-InputArea" not in page and "In&nbsp;[" not in page and "Out[" not in page
    assert "from indicators" not in page and "open_report(" not in page
    assert "jp-OutputArea-error" not in page and "Traceback" not in page
    assert page.count('id="ind-plotlyjs"') == 1
    bundle = re.search(r'<script id="ind-plotlyjs"[^>]*>([^<]*)</script>', page)
    assert gzip.decompress(base64.b64decode(bundle[1])).decode() == get_plotlyjs()
    assert "plotly.js v" not in page  # no uncompressed copy anywhere else
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert "cdn." not in page.lower()
    assert _figures(page) == page.count('class="ind-figure-data"') > 0


def _card_values(page: str) -> dict[str, float]:
    return {
        m[1]: float(m[2])
        for m in re.finditer(r'data-indicator="([^"]+)" data-value="([^"]+)"', page)
    }


@pytest.mark.slow
def test_batch_publishes_good_cities_and_isolates_the_broken_one(batch, data):
    out = batch["out"]
    assert batch["code"] == 1  # one city failed
    for city in ("清河市", "临江市"):
        path = out / f"{city}-2026-en.html"
        page = path.read_text(encoding="utf-8")
        _check_page(page)
        assert path.stat().st_size <= 5_000_000  # a one-year city report
        assert not (out / f"{city}-2026-en.executed.ipynb").exists()
        assert '<html data-charts="pending" lang="en">' in page
        assert "Good-day ratio" in page and "Daily AQI calendar" in page
        # 2025 (HJ 633-2012) is also shown recomputed under HJ 633-2026
        assert html.escape("2025 (HJ 633-2026)") in page
        ctx = open_report(city, "2026", data=str(data), lang="en")
        expected = {
            k: float(v["value"]) for k, v in headline_values(ctx).items() if v["value"] is not None
        }
        assert _card_values(page) == expected
    assert esc(XSS) in (out / "清河市-2026-en.html").read_text(encoding="utf-8")
    # the broken city: no HTML, the executed notebook kept, the error names the cell
    assert not (out / f"{BROKEN}-2026-en.html").exists()
    executed = nbformat.read(out / f"{BROKEN}-2026-en.executed.ipynb", as_version=4)
    failed = [
        c
        for c in executed.cells
        if any(o.get("output_type") == "error" for o in c.get("outputs", []))
    ]
    assert [c.id for c in failed] == ["setup"]
    assert "negative concentration" in failed[0].outputs[-1]["evalue"]
    assert not list(out.glob(".*.tmp"))  # no temporary file left behind
    index = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">', index)
    assert sorted(links) == sorted(quote(f"{c}-2026-en.html") for c in ("清河市", "临江市"))
    assert BROKEN in index and "negative concentration" in index
    # ranked by composite index: the lower index first
    ci = {
        c: _card_values((out / f"{c}-2026-en.html").read_text(encoding="utf-8"))["composite_index"]
        for c in ("清河市", "临江市")
    }
    assert links[0] == quote(f"{min(ci, key=ci.get)}-2026-en.html")


def test_failing_cell_publishes_nothing(data, tmp_path):
    target = tmp_path / f"{BROKEN}-2026-03.html"
    target.write_text("previous report", encoding="utf-8")
    params = validate_params(BROKEN, "2026-03", data=data)
    with pytest.raises(ReportError) as err:
        render_report(params, tmp_path)
    assert err.value.cell_id == "setup" and err.value.ename == "IndicatorInputError"
    assert "cell" in str(err.value) and "setup" in str(err.value)
    assert err.value.notebook == tmp_path / f"{BROKEN}-2026-03.executed.ipynb"
    assert err.value.notebook.is_file()
    assert target.read_text(encoding="utf-8") == "previous report"  # left as it was


def test_cli_rejects_bad_parameters_before_running(data, tmp_path, capsys):
    code = cli.main(
        [
            "report",
            "--city",
            "清河",
            "--period",
            "2026",
            "--data",
            str(data),
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 2
    assert "清河市" in capsys.readouterr().err
    code = cli.main(
        [
            "report",
            "--city",
            "清河市",
            "--period",
            "2026-13",
            "--data",
            str(data),
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 2
    assert list(tmp_path.iterdir()) == []


def test_export_refuses_network_references():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "x",
                outputs=[
                    nbformat.v4.new_output(
                        "display_data",
                        data={"text/html": '<img src="https://cdn.example.com/x.png">'},
                    )
                ],
            )
        ]
    )
    with pytest.raises(ReportError):
        export_html(nb, lang="zh", title="t")


@pytest.mark.slow
def test_explore_notebook_runs(data, tmp_path):
    import papermill

    from indicators.report.render import KERNEL_NAME, _kernel_classes

    nb = papermill.execute_notebook(
        str(notebook_path("explore_air")),
        str(tmp_path / "explore.ipynb"),
        parameters={"city": "清河市", "period": "2026-01", "data": str(data)},
        kernel_name=KERNEL_NAME,
        progress_bar=False,
        kernel_manager_class=_kernel_classes()[1],
    )
    page = export_html(nb, lang="zh", title="explore")
    assert "jp-OutputArea-error" not in page
    assert _figures(page) == 3  # series, calendar, profiles
