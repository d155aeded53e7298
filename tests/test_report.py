"""City reports: parameters, figures, escaping, rendering with papermill, batches.

The rendering tests run the real notebooks with papermill on demo data written
to a temporary folder (never into the repository's data/ or reports/).
"""

from __future__ import annotations

import ast
import base64
import gzip
import html
import math
import re
import warnings
from datetime import date
from fractions import Fraction
from pathlib import Path
from urllib.parse import quote

import nbformat
import polars as pl
import pytest
from papermill.translators import PythonTranslator

from indicators import air, cli, figures, ranking, standards, targets, trends
from indicators.demo import write_demo
from indicators.errors import IndicatorInputError, IndicatorWarning
from indicators.glossary import INDICATORS
from indicators.report import (
    charts,
    parse_period,
    read_report_figures,
    render_report,
    validate_params,
    write_xlsx,
    year_earlier,
)
from indicators.report import sections as sec
from indicators.report.batch import render_batch
from indicators.report.display import Section, esc, figure_html, html_table
from indicators.report.embedded import figures_script, parse_report_figures, report_figures
from indicators.report.labels import label
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
    """A batch in English for three cities of one year, one of them broken.

    :func:`indicators.report.batch.render_batch` itself, as ``indicators report`` runs it
    once the folder passed its checks (the command refuses a folder whose values fail
    :mod:`indicators.validation` as a whole: tests/test_contract.py); a city that fails
    inside the batch must not stop the others.
    """
    out = tmp_path_factory.mktemp("reports")
    result = render_batch(
        ["清河市", "临江市", BROKEN],
        "2026",
        lang="en",
        data=str(data),
        out_dir=out,
        workers=2,
        targets=str(targets.demo_targets_path()),
        progress=False,
        check=False,  # the folder check would refuse the broken city's data as a whole
        xlsx=True,
    )
    return {"code": 0 if result.ok else 1, "out": out}


@pytest.fixture(scope="module")
def data2(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Air tables of ``data`` with 临江市 renamed to a script, 北原市 repaired, and 清河市
    missing PM2.5 on 1-5 July 2025 (26 valid days < 27: an invalid month) and every hour
    of August 2025 (a month without data)."""
    folder = tmp_path_factory.mktemp("data2")
    stations = pl.read_parquet(data / "stations.parquet")
    qinghe = stations.filter(city="清河市")["station"].implode()
    broken = stations.filter(city=BROKEN)["station"].implode()
    stations.with_columns(
        city=pl.when(pl.col("city") == "临江市").then(pl.lit(XSS)).otherwise("city")
    ).write_parquet(folder / "stations.parquet")
    day = (pl.col("time") - pl.duration(hours=1)).dt.date()  # hour-ending: natural day
    mine = pl.col("station").is_in(qinghe)
    (
        pl.read_parquet(data / "station_hours.parquet")
        .with_columns(
            pl.when(pl.col("station").is_in(broken))
            .then(-pl.col("PM2.5"))
            .otherwise("PM2.5")
            .alias("PM2.5")
        )
        .with_columns(
            pl.when(mine & day.is_between(date(2025, 7, 1), date(2025, 7, 5)))
            .then(None)
            .otherwise("PM2.5")
            .alias("PM2.5")
        )
        .filter(~(mine & day.is_between(date(2025, 8, 1), date(2025, 8, 31))))
        .write_parquet(folder / "station_hours.parquet")
    )
    return folder


def _city_hours(folder: Path, cities: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    stations = pl.read_parquet(folder / "stations.parquet").filter(pl.col("city").is_in(cities))
    hours = pl.read_parquet(folder / "station_hours.parquet").filter(
        pl.col("station").is_in(stations["station"].implode())
    )
    return hours, stations


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
    # March 2026 is under HJ 633-2026, March 2025 under HJ 633-2012: the comparison
    # period is also given recomputed under HJ 633-2026 and its GB 3095 limits, and
    # the cards' changes are against it (like for like)
    assert ctx.summary["aqi_edition"] == "HJ 633-2026"
    assert ctx.previous["aqi_edition"] == "HJ 633-2012"
    assert ctx.previous["good_day_ratio"] == prev["good_day_ratio"].item()
    forced = air.evaluate_period(
        air.daily_aqi(hours, stations=stations, level="city", edition="HJ 633-2026"),
        start="2025-03-01",
        end="2025-03-31",
        limits=ctx.summary["limits_edition"],
    )
    values = headline_values(ctx)
    for key in ("good_day_ratio", "PM2.5", "O3_MDA8_P90", "composite_index"):
        assert values[key]["value"] == cur[key].item()
        assert values[key]["previous"] == forced[key].item()
    change = air.compare_periods(cur, forced)
    assert values["good_day_ratio"]["change"] == change["good_day_ratio_change_pp"].item()
    assert values["PM2.5"]["change"] == change["PM2.5_change_pct"].item()
    assert list(values) == [c.key for c in CARDS]
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


def test_the_folder_targets_table_is_the_default_targets(data, tmp_path, monkeypatch):
    """``indicators ingest targets.toml`` into a folder: its report compares with those targets
    unless a targets file is given."""
    from indicators import contract
    from indicators.ingest import ingest

    folder = tmp_path / "folder"
    folder.mkdir()
    for name in ("stations", "station_hours"):
        contract.table_file(folder, name).write_bytes(contract.table_file(data, name).read_bytes())
    assert sec.load_targets(validate_params("清河市", "2026Q1", data=str(folder))) is None
    toml = tmp_path / "goals.toml"
    toml.write_text(
        'schema = 1\n[[target]]\ncity = "清河市"\nyear = 2026\ngood_day_ratio = 77.5\n'
        '"PM2.5" = 36.0\n',
        encoding="utf-8",
    )
    ingest([toml], folder, progress=False)
    loaded = sec.load_targets(validate_params("清河市", "2026Q1", data=str(folder)))
    assert loaded.select("city", "year", "good_day_ratio", "PM2.5", "n_worse_V").rows() == [
        ("清河市", 2026, 77.5, 36.0, None)
    ]
    ctx = open_report("清河市", "2026Q1", data=str(folder))
    values = headline_values(ctx)
    assert (values["good_day_ratio"]["target"], values["PM2.5"]["target"]) == (77.5, 36.0)
    assert values["O3_MDA8_P90"]["target"] is None
    # the folder's targets are data: the figures stage tracked them for every city
    stored = ctx.cities.tracking
    assert stored["city"].to_list() == ["清河市"]
    tracked = sec.target_figures(ctx)
    progress = tracked["progress"]
    assert tracked["good_days"]["target"] == 77.5
    assert {k for k, r in progress.items() if r["target"] is not None} == {
        "good_day_ratio",
        "PM2.5",
    }
    daily = ctx.daily.filter(pl.col("date").dt.year() == 2026)
    assert tracked["as_of"] == daily["date"].max()
    assert tracked["good_days"]["good_days"] == daily.filter(pl.col("level") <= 2).height
    from indicators.figures import tracking

    def fail(*args, **kwargs):
        raise AssertionError("targets tracked while presenting stored figures")

    for name in ("year_to_date_tracking", "target_rows"):
        monkeypatch.setattr(tracking, name, fail)
    again = open_report("清河市", "2026Q1", data=str(folder))
    assert sec.target_figures(again) == tracked and headline_values(again) == values
    monkeypatch.undo()
    given = str(targets.demo_targets_path())  # a targets file given wins over the folder's
    values = headline_values(open_report("清河市", "2026Q1", data=str(folder), targets=given))
    assert (values["good_day_ratio"]["target"], values["PM2.5"]["target"]) == (76.0, 38.0)


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
    # the figures travel as one non-executable JSON object
    tags = re.findall(r'<script\b[^>]*\bid="indicators-figures"[^>]*>', page)
    assert len(tags) == 1 and 'type="application/json"' in tags[0]


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
    assert "column 'PM2.5': negative" in failed[0].outputs[-1]["evalue"]
    assert not list(out.glob(".*.tmp"))  # no temporary file left behind
    index = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">', index)
    assert sorted(links) == sorted(quote(f"{c}-2026-en.html") for c in ("清河市", "临江市"))
    assert BROKEN in index and esc("column 'PM2.5': negative") in index
    # ranked by composite index: the lower index first
    ci = {
        c: _card_values((out / f"{c}-2026-en.html").read_text(encoding="utf-8"))["composite_index"]
        for c in ("清河市", "临江市")
    }
    assert links[0] == quote(f"{min(ci, key=ci.get)}-2026-en.html")
    # the index's ranks are the reports' ranks (one figure, one value): the figures store's
    rows = {}
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", index, flags=re.S):
        cells = [re.sub(r"<[^>]+>", "", td) for td in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
        if cells:
            rows[html.unescape(cells[1])] = cells
    for city in ("清河市", "临江市"):
        ctx = open_report(city, "2026", data=str(data), lang="en")
        mine = sec.ranking_table(ctx).filter(city=city).row(0, named=True)
        expected = (
            f"{mine['composite_index_rank']}{' (tied)' if mine['composite_index_tied'] else ''}"
        )
        assert rows[city][0] == expected
        gdr = f"{mine['good_day_ratio_rank']}{' (tied)' if mine['good_day_ratio_tied'] else ''}"
        assert gdr in rows[city]


def _index_rows(index: str) -> dict[str, list[str]]:
    rows = {}
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", index, flags=re.S):
        cells = [re.sub(r"<[^>]+>", "", td) for td in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
        if cells:
            rows[html.unescape(cells[1])] = [html.unescape(c) for c in cells]
    return rows


@pytest.mark.slow
def test_a_report_embeds_the_figures_its_cards_and_ranking_show(batch, data):
    """One JSON object: the cards' values, the figures store's rows, the ranks shown."""
    import indicators

    out = batch["out"]
    period = parse_period("2026")
    store = figures.city_evaluations(data, period, year_earlier(period), "auto")
    index = _index_rows((out / "index.html").read_text(encoding="utf-8"))
    for city in ("清河市", "临江市"):
        path = out / f"{city}-2026-en.html"
        got = read_report_figures(path)
        assert (got["schema"], got["schema_version"]) == ("indicators-report-figures", 1)
        assert got["generator"] == {"package": "indicators", "version": indicators.__version__}
        assert (got["city"], got["lang"]) == (city, "en")
        assert got["period"] == {"label": "2026", "start": "2026-01-01", "end": "2026-12-31",
                                 "kind": "year", "display": period.display("en")}  # fmt: skip
        assert (got["compare"]["label"], got["compare"]["end"]) == ("2025", "2025-12-31")
        assert got["edition"]["requested"] == "auto" and got["edition"]["limits"]
        assert got["year_to_date"] is None  # a year has none
        # the water section's CWQI line: the figures store's row
        mine = store.cwqi.filter(city=city, ranking="status").row(0, named=True)
        assert (got["cwqi"]["cwqi"], got["cwqi"]["rank"]) == (mine["cwqi"], mine["rank"])
        assert got["cwqi"]["text"] in path.read_text(encoding="utf-8")
        assert got["record"] == []  # two years of demo data set no record
        cards = {c["key"]: c for c in got["headline"]}
        assert list(cards) == [c.key for c in CARDS]
        # the visible cards' values, one for one
        page = path.read_text(encoding="utf-8")
        shown = {k: float(c["value"]) for k, c in cards.items() if c["value"] is not None}
        assert shown == _card_values(page)
        # ... which are the figures store's rows (no recomputation)
        mine = store.city(city)
        for key in ("good_day_ratio", "PM2.5", "O3_MDA8_P90", "composite_index"):
            card, change = cards[key], mine["change"]
            assert card["value"] == mine["summary"][key], key
            assert card["change"] == change.get(f"{key}_change_pp", change.get(f"{key}_change_pct"))
            assert card["change_kind"] == INDICATORS[key].change
            assert card["unit"] == INDICATORS[key].symbol
            assert card["valid"] is mine["summary"]["period_valid"] is True
        # the ranks shown are the store's ranks
        ranks = got["ranks"]
        columns = [
            "city",
            *(f"{n}{s}" for n in ranks["indicators"] for s in ("", "_rank", "_tied", "_n")),
        ]
        assert ranks["rows"] == store.ranks.select(columns).to_dicts()
        assert ranks["cities"] == store.ranks.height
        # the batch index reads the reports' figures
        assert float(index[city][2]) == cards["composite_index"]["value"]
        assert float(index[city][3]) == cards["good_day_ratio"]["value"]


@pytest.mark.slow
def test_the_batch_writes_workbooks_from_the_embedded_figures(batch):
    """--xlsx: one workbook per report, Chinese headers, the JSON's values; index.xlsx."""
    from openpyxl import load_workbook

    out = batch["out"]
    yes_no = {True: "是", False: "否", None: None}
    assert not (out / f"{BROKEN}-2026-en.xlsx").exists()
    for city in ("清河市", "临江市"):
        got = read_report_figures(out / f"{city}-2026-en.html")
        wb = load_workbook(out / f"{city}-2026-en.xlsx")
        assert wb.sheetnames == [  # no year to date, no record (one year of data)
            "报告信息", "主要指标", "排名", "分组排名", "分组排名名单", "水质指数"
        ]  # fmt: skip
        water = dict(wb["水质指数"].iter_rows(min_row=2, values_only=True))
        assert water["城市水质指数（CWQI）"] == got["cwqi"]["cwqi"]
        assert water["说明"] == got["cwqi"]["text"]
        about = dict(wb["报告信息"].iter_rows(min_row=2, values_only=True))
        assert about["城市"] == city and about["评价时段"].startswith("2026（2026-01-01")
        head = list(wb["主要指标"].iter_rows(values_only=True))
        assert head[0][:7] == ("指标", "指标代码", "数值", "单位", "比较期数值", "变化", "变化单位")
        for row, card in zip(head[1:], got["headline"], strict=True):
            assert row[0] == INDICATORS[card["key"]].zh and row[1] == card["key"]
            assert (row[2], row[4], row[5]) == (card["value"], card["previous"], card["change"])
            assert row[9] == yes_no[card["valid"]]
        ranks = list(wb["排名"].iter_rows(values_only=True))
        assert ranks[0][:4] == ("城市", "环境空气质量综合指数", "环境空气质量综合指数排名", "并列")
        for row, want in zip(ranks[1:], got["ranks"]["rows"], strict=True):
            tied = yes_no[want["composite_index_tied"]]
            assert row[:4] == (
                want["city"],
                want["composite_index"],
                want["composite_index_rank"],
                tied,
            )
        sets = list(wb["分组排名"].iter_rows(values_only=True))
        assert [r[3] for r in sets[1:]] == [s["rank"] for s in got["ranks"]["sets"]]
    wb = load_workbook(out / "index.xlsx")
    assert wb.sheetnames == ["城市索引", "未生成的报告"]
    rows = list(wb["城市索引"].iter_rows(values_only=True))
    assert rows[0][:4] == ("环境空气质量综合指数排名", "并列", "城市", "环境空气质量综合指数")
    for row in rows[1:]:
        cards = {c["key"]: c for c in read_report_figures(out / row[-1])["headline"]}
        assert row[3] == cards["composite_index"]["value"]
        assert row[4] == cards["good_day_ratio"]["value"]
    assert sorted(r[2] for r in rows[1:]) == sorted(["清河市", "临江市"])
    assert [r[0] for r in wb["未生成的报告"].iter_rows(min_row=2, values_only=True)] == [BROKEN]


def test_a_monthly_report_embeds_its_year_to_date_and_exports_it(data, tmp_path):
    """Sections drawn in Python: the figures object and its workbook, 1—3月累计 included."""
    from openpyxl import load_workbook

    ctx = open_report("清河市", "2026-03", data=str(data), lang="zh")
    drawn = [sec.title(ctx), sec.headline(ctx), sec.ranking(ctx)]
    got = report_figures({s.key: s.metadata for s in drawn})
    assert got["period"]["display"] == "2026年3月" and got["lang"] == "zh"
    assert parse_report_figures(figures_script(got)) == got  # the element round-trips
    page = drawn[1]._repr_html_()
    shown = {c["key"]: float(c["value"]) for c in got["headline"] if c["value"] is not None}
    assert shown == _card_values(page)
    ytd, want = got["year_to_date"], sec.year_to_date_values(ctx)
    assert (ytd["period"]["start"], ytd["period"]["end"]) == ("2026-01-01", "2026-03-31")
    assert ytd["compare"]["label"] == want["compare"].label
    for f in ytd["figures"]:
        assert (f["value"], f["previous"], f["change"]) == tuple(
            want[f["key"]][k] for k in ("value", "previous", "change")
        )
    path = write_xlsx(got, tmp_path / "r.xlsx")
    wb = load_workbook(path)
    sheets = ["报告信息", "主要指标", "1—3月累计", "排名", "分组排名", "分组排名名单"]
    assert wb.sheetnames == [*sheets, "1—3月累计分组排名名单"]
    lists = list(wb["分组排名名单"].iter_rows(min_row=2, values_only=True))
    assert [r[4] for r in lists] == [r["city"] for r in got["ranks"]["set_lists"]]
    lists = list(wb["1—3月累计分组排名名单"].iter_rows(min_row=2, values_only=True))
    ytd_lists = got["ranks"]["year_to_date"]["set_lists"]
    assert [(r[4], r[6]) for r in lists] == [(r["city"], r["current"]) for r in ytd_lists]
    rows = list(wb["1—3月累计"].iter_rows(values_only=True))
    assert rows[0][2] == "数值（2026年1—3月）" and rows[0][4] == "比较期数值（2025年1—3月）"
    assert [r[2] for r in rows[1:]] == [f["value"] for f in ytd["figures"]]
    # a name from the data is text in the workbook, never a formula
    write_xlsx({**got, "city": '=HYPERLINK("http://x")'}, tmp_path / "f.xlsx")
    cell = load_workbook(tmp_path / "f.xlsx")["报告信息"]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_cli_xlsx_writes_the_workbook_beside_the_report(batch, data, tmp_path, monkeypatch):
    """``indicators report --xlsx`` for one city: the workbook of the HTML, same stem."""
    import shutil

    from indicators import check
    from indicators.report import render

    html_file = tmp_path / "清河市-2026-en.html"
    shutil.copy(batch["out"] / html_file.name, html_file)

    def fake_render(params, out_dir, **kwargs):  # the batch's report stands in for a render
        return render.ReportResult(params, html_file)

    monkeypatch.setattr(check, "require_valid_folder", lambda folder: [])  # data has 北原市
    monkeypatch.setattr(render, "render_report", fake_render)
    code = cli.main(["report", "--city", "清河市", "--period", "2026", "--lang", "en",
                     "--data", str(data), "--out", str(tmp_path), "--xlsx"])  # fmt: skip
    assert code == 0
    from openpyxl import load_workbook

    wb = load_workbook(html_file.with_suffix(".xlsx"))
    cards = read_report_figures(html_file)["headline"]
    assert [r[2] for r in wb["主要指标"].iter_rows(min_row=2, values_only=True)] == [
        c["value"] for c in cards
    ]


def test_a_warm_kernel_renders_many_reports_and_is_dropped_after_a_failure(data, tmp_path):
    """Batch workers reuse one kernel (``reuse_kernel=True``): same reports as fresh kernels."""
    from indicators.report import render

    cold = render.render_report(validate_params("临江市", "2026-02", data=str(data)), tmp_path)
    first = render.render_report(
        validate_params("清河市", "2026-02", data=str(data)), tmp_path, reuse_kernel=True
    )
    (km,) = render._WARM_KERNELS.values()
    warm = render.render_report(
        validate_params("临江市", "2026-02", data=str(data)), tmp_path, reuse_kernel=True
    )
    assert list(render._WARM_KERNELS.values()) == [km]  # the same kernel, kept
    assert warm.headline == cold.headline and first.headline != warm.headline
    with pytest.raises(render.ReportError):  # 北原市's data fail inside the notebook
        render.render_report(
            validate_params(BROKEN, "2026-02", data=str(data)), tmp_path, reuse_kernel=True
        )
    assert render._WARM_KERNELS == {}  # dropped: the next report starts a fresh kernel


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


def test_cli_rejects_bad_parameters_before_running(data2, tmp_path, capsys):
    code = cli.main(
        [
            "report",
            "--city",
            "清河",
            "--period",
            "2026",
            "--data",
            str(data2),
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
            str(data2),
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

    from indicators.report.render import KERNEL_NAME, kernel_classes

    nb = papermill.execute_notebook(
        str(notebook_path("explore_air")),
        str(tmp_path / "explore.ipynb"),
        parameters={"city": "清河市", "period": "2026-01", "data": str(data)},
        kernel_name=KERNEL_NAME,
        progress_bar=False,
        kernel_manager_class=kernel_classes()[1],
    )
    page = export_html(nb, lang="zh", title="explore")
    assert "jp-OutputArea-error" not in page
    assert _figures(page) == 3  # series, calendar, profiles


# ------------------------------------------------------------------- trends, targets, ranking


def test_trend_section_is_trend_test_on_the_monthly_series(data2):
    ctx = open_report("清河市", "2026", data=str(data2))
    # the whole series under the edition in force on the period's last day, so that the
    # 2026 revision does not show as a trend
    assert ctx.history_edition == "HJ 633-2026"
    hours, stations = _city_hours(data2, ["清河市"])
    daily = air.daily_aqi(hours, stations=stations, level="city", edition="HJ 633-2026")
    # good day = AQI level 1 (优) or 2 (良), HJ 633 Table 1; the month's mean of 0/100 is its ratio
    daily = daily.with_columns(
        good_day_ratio=pl.when(pl.col("aqi").is_not_null()).then(
            pl.col("level").is_in([1, 2]).cast(pl.Float64) * 100
        )
    )
    results = {r["indicator"]: r for r in sec.trend_results(ctx).iter_rows(named=True)}
    series = sec.trend_series(ctx)
    for key, column, excluded in (
        ("PM2.5", "PM2.5", 2),  # July 2025 has 26 valid days (< 27, GB 3095 Table 4), no August
        ("O3_MDA8_P90", "O3_MDA8", 1),  # O3 is complete in July: only August is missing
        # HJ 633-2026 §5.3.1 keeps a day's AQI with one pollutant missing when it is above
        # 100: 1-3 July keep theirs, 4-5 July do not: July has 29 valid days, only August out
        ("good_day_ratio", "good_day_ratio", 1),
    ):
        monthly = trends.period_statistic(daily, column, by=[])
        expected = trends.trend_test(monthly, column, by=[]).row(0, named=True)
        got = results[key]
        # equal up to float summation order (polars sums in parallel): 1e-9 relative
        for field in ("slope", "intercept", "p_value", "slope_per_year", "slope_pct_per_year"):
            assert got[field] == pytest.approx(expected[field], rel=1e-9), (key, field)
        assert (got["n"], got["n_excluded"]) == (24 - excluded, excluded)
        assert (got["ci_low"], got["ci_high"]) == pytest.approx(
            (expected["ci_low"], expected["ci_high"]), rel=1e-9
        )
        assert got["ci_low_per_year"] == pytest.approx(expected["ci_low"] * 12, rel=1e-12)
        # row i of the series is month i: August 2025 is there, as a gap
        months = series[key]["period_start"].to_list()
        assert months[0] == date(2025, 1, 1) and len(months) == 24
        assert series[key].row(7, named=True)["n_days"] == 0
        assert series[key]["value"][7] is None
    # the section shows the figures computed here, and the chart leaves the invalid months out
    section = sec.trends(ctx)
    assert [r["slope"] for r in section.metadata["trends"]] == [
        results[k]["slope"] for k, _ in sec.TREND_INDICATORS
    ]
    fig = next(p for p in section.parts if not isinstance(p, str))
    assert fig.data[0].y[6] is None and fig.data[0].y[7] is None  # PM2.5, July and August
    first = results["PM2.5"]
    assert fig.data[1].y[23] == pytest.approx(first["intercept"] + 23 * first["slope"])
    page = section._repr_html_()
    assert esc(sec.trend_verdict(ctx, first)) in page
    assert '<td class="num">22</td><td class="num">2</td>' in page  # months used, left out


def test_trend_verdicts_in_plain_words(data2):
    ctx = open_report("清河市", "2026", data=str(data2))
    falling = {
        "indicator": "PM2.5",
        "slope": -0.2,
        "slope_per_year": -1.3,
        "slope_pct_per_year": -3.14,
        "p_value": 0.0123,
        "significant": True,
        "n": 24,
    }
    assert sec.trend_verdict(ctx, falling) == "PM2.5 浓度下降 3.1%/年，显著（p=0.01），改善"
    rising = {**falling, "indicator": "good_day_ratio", "slope_per_year": 2.45, "p_value": 0.0004}
    assert (
        sec.trend_verdict(ctx, rising) == "优良天数比例上升 2.5个百分点/年，显著（p<0.001），改善"
    )
    flat = {**falling, "p_value": 0.4321, "significant": False}
    assert sec.trend_verdict(ctx, flat) == "PM2.5 浓度无显著趋势（p=0.43）"
    at_edge = {**falling, "p_value": 0.05, "significant": 0.05 < sec.TREND_ALPHA}
    assert "无显著趋势" in sec.trend_verdict(ctx, at_edge)  # p = alpha is not significant


def test_trend_needs_two_years_of_months(data):
    ctx = open_report("清河市", "2026-03", data=str(data), lang="en")
    section = sec.trends(ctx)
    assert section.level == 0 and section.parts  # one line, no heading, no error
    assert section.metadata["missing"] == label(
        "trend_too_short", "en", months=15, need=24, span="2025-01–2026-03"
    )


def test_target_section_is_the_targets_module(data):
    path = targets.demo_targets_path()  # 清河市 2026: good days >= 76 %, PM2.5 <= 38 ug/m3
    ctx = open_report(
        "清河市", "2026-01-01..2026-08-31", data=str(data), targets=str(path), lang="en"
    )
    hours, stations = _city_hours(data, ["清河市"])
    daily = air.daily_aqi(hours, stations=stations, level="city")
    ytd = daily.filter(pl.col("date").is_between(date(2026, 1, 1), date(2026, 8, 31)))
    good = targets.good_days_needed(ytd, path, year=2026).row(0, named=True)
    pm = targets.pm25_remaining_mean(ytd, path, year=2026).row(0, named=True)
    f = sec.target_figures(ctx)
    assert f["as_of"] == date(2026, 8, 31)
    assert f["good_days"] == good and f["PM2.5"] == pm
    # by hand: 365 days in 2026, 122 left after 31 August; 76 % of 365 = 277.4 good days
    assert good["days_remaining"] == 122
    need = math.ceil(Fraction(76, 100) * 365 - good["good_days"])
    assert good["good_days_needed"] == need
    assert good["required_ratio_remaining"] == 100 * need / 122
    assert pm["required_mean_remaining"] == pytest.approx(
        (38 * (pm["n_days"] + 122) - pm["mean_to_date"] * pm["n_days"]) / 122
    )
    # the rest of the year from 2025's same days, recomputed under HJ 633-2026
    past = air.daily_aqi(hours, stations=stations, level="city", edition="HJ 633-2026")
    cols = ["city", "date", "aqi", "level", "PM2.5", "edition"]
    both = pl.concat(
        [past.filter(pl.col("date") < date(2026, 1, 1)).select(cols), ytd.select(cols)]
    )
    with pytest.warns(UserWarning, match="mixes editions"):  # 2026 to date mixes the editions
        proj = targets.project_year_end(both, year=2026, as_of=date(2026, 8, 31), targets=path)
    assert f["projection"]["good_day_ratio"] == proj.row(0, named=True)
    assert not [n for n in ctx.notes if "mixes editions" in n]
    page = sec.target_tracking(ctx)._repr_html_()
    text = label(
        "good_days_needed",
        "en",
        need=need,
        days=122,
        ratio=f"{good['required_ratio_remaining']:.1f}",
    )
    assert esc(text) in page
    assert esc(label("projection_one", "en", value=f"{proj['projected'][0]:.1f}%")) in page
    assert '<h2 id="sec-target_tracking" class="ind-h">Target tracking</h2>' in page


def test_target_section_for_a_complete_year_and_without_targets(data):
    path = str(targets.demo_targets_path())
    full = open_report("清河市", "2026", data=str(data), targets=path, lang="en")
    f = sec.target_figures(full)
    assert f["good_days"]["days_remaining"] == 0 and f["PM2.5"]["days_remaining"] == 0
    assert f["projection"]["PM2.5"]["projected"] == f["PM2.5"]["mean_to_date"]
    page = sec.target_tracking(full)._repr_html_()
    assert esc(label("year_complete", "en")) in page
    assert esc(label("as_of_complete", "en", date="2026-12-31", year=2026)) in page
    march = open_report("清河市", "2026-03", data=str(data), targets=path, lang="en")
    assert sec.target_figures(march) is None  # targets are annual: not from 1 January
    assert sec.target_tracking(march).metadata["missing"] == label("targets_not_ytd", "en")
    none = open_report("清河市", "2026Q1", data=str(data), lang="en")  # not the demo folder
    assert sec.target_tracking(none).metadata["missing"] == label("no_targets_file", "en")


def test_ranking_section_is_the_ranking_module(data):
    ctx = open_report("清河市", "2026", data=str(data), lang="en")
    # 北原市's data are broken: it is left out, named, and the others are still ranked
    assert list(ctx.cities.failed) == [BROKEN]
    assert "column 'PM2.5': negative" in ctx.cities.failed[BROKEN]
    hours, stations = _city_hours(data, ["清河市", "临江市"])
    daily = air.daily_aqi(hours, stations=stations, level="city")
    current = air.evaluate_period(daily, start="2026-01-01", end="2026-12-31")
    assert ctx.cities.summary.filter(city="清河市").row(0, named=True) == ctx.summary
    table = sec.ranking_table(ctx)
    mine = table.filter(city="清河市").row(0, named=True)
    for indicator in figures.RANK_INDICATORS:
        expected = ranking.rank_cities(current, indicator).filter(city="清河市").row(0, named=True)
        assert mine[f"{indicator}_rank"] == expected["rank"], indicator
        assert mine[indicator] == expected["rank_value"]
        assert mine[f"{indicator}_n"] == 2
    # 2025 was under HJ 633-2012 and GB 3095-2012: rank_change refuses it as it is ...
    keep = ["city", "composite_index", "limits_edition"]
    before = air.evaluate_period(daily, start="2025-01-01", end="2025-12-31")
    with pytest.raises(IndicatorInputError, match="different editions"):
        ranking.rank_change(current.select(keep), before.select(keep), "composite_index")
    # ... so it is recomputed under 2026's edition and limits, as the air evaluation table does
    assert ctx.cities.rules == ("HJ 633-2026", "GB 3095-2026 transitional")
    again = air.evaluate_period(
        air.daily_aqi(hours, stations=stations, level="city", edition="HJ 633-2026"),
        start="2025-01-01",
        end="2025-12-31",
        limits="GB 3095-2026 transitional",
    )
    assert ctx.recomputed == again.filter(city="清河市").row(0, named=True)
    change = ranking.rank_change(current.select(keep), again.select(keep), "composite_index")
    expected = change.filter(city="清河市").row(0, named=True)
    assert mine["composite_index_change"] == expected["change"]
    assert mine["composite_index_change_rank"] == expected["rank"]
    page = sec.ranking(ctx)._repr_html_()
    assert '<h2 id="sec-ranking" class="ind-h">Ranking</h2>' in page
    assert f'<td style="{esc(sec._HIGHLIGHT)}">清河市</td>' in page  # the city's row stands out
    assert '<td class="num"' not in page.split("清河市")[0].rsplit("<tr>", 1)[-1]
    assert f"{BROKEN} (2026: " in html.unescape(page)


def test_one_change_per_figure_across_the_report(data):
    """Headline card, evaluation table and ranking give one change of each figure.

    2026 (HJ 633-2026, GB 3095-2026 limits) against 2025 (2012 editions): every
    change is like for like, against 2025 recomputed under 2026's rules.
    """
    ctx = open_report("清河市", "2026", data=str(data), lang="en")
    assert ctx.recomputed is not None
    values = sec.headline_values(ctx)
    mine = sec.ranking_table(ctx).filter(city="清河市").row(0, named=True)
    ci = values["composite_index"]
    assert ci["change"] == mine["composite_index_change"]
    assert ci["previous"] == ctx.recomputed["composite_index"] != ctx.previous["composite_index"]
    expected = round((ci["value"] - ci["previous"]) / ci["previous"] * 100, 1)
    assert ci["change"] == expected
    good = values["good_day_ratio"]
    assert good["change"] == round(good["value"] - ctx.recomputed["good_day_ratio"], 1)
    # the evaluation table shows the same change, after the recomputed column
    page = html.unescape(sec.air_evaluation(ctx)._repr_html_())
    row = next(r for r in page.split("<tr>") if r.startswith("<td>Composite index"))
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    assert cells[-1] == f"{ci['change']:+g}%"
    assert cells[-2] == f"{ctx.recomputed['composite_index']:.2f}"  # 2 decimals, as published


def test_blackodorous_section_shows_the_card_target(data):
    """The card and the section give one target: the city's (95 %) when set, else the guide's."""
    with_targets = open_report(
        "清河市", "2026", data=str(data), lang="en", targets=str(targets.demo_targets_path())
    )
    card = sec.headline_values(with_targets)["blackodorous_elimination"]
    assert card["target"] == 95.0
    text = re.sub("<[^>]+>", "", html.unescape(sec.blackodorous(with_targets)._repr_html_()))
    assert "City target: ≥ 95%" in text and "National requirement" not in text
    bare = open_report("清河市", "2026", data=str(data), lang="en")
    bare.targets = None
    assert sec.headline_values(bare)["blackodorous_elimination"]["target"] is None
    text = re.sub("<[^>]+>", "", html.unescape(sec.blackodorous(bare)._repr_html_()))
    assert "National requirement: ≥ 90%" in text and "City target" not in text


def _jjj_folder(data: Path, tmp_path: Path) -> Path:
    """The module's folder with three cities named as three of the 2+26."""
    folder = tmp_path / "jjj"
    folder.mkdir()
    names = {"清河市": "北京", "临江市": "天津", "北原市": "石家庄"}
    stations = pl.read_parquet(data / "stations.parquet")
    stations.with_columns(pl.col("city").replace(names)).write_parquet(folder / "stations.parquet")
    hours = pl.read_parquet(data / "station_hours.parquet")
    broken = stations.filter(city=BROKEN)["station"].implode()
    hours.with_columns(  # repair 北原市's negative PM2.5 (the module fixture breaks it)
        pl.when(pl.col("station").is_in(broken)).then(pl.col("PM2.5").abs()).otherwise("PM2.5")
    ).write_parquet(folder / "station_hours.parquet")
    return folder


def test_ranking_gives_the_rank_in_each_official_set(data, tmp_path):
    """Cities named as three of the 2+26: ranks among them, labelled as 3 of 28 and 3 of 168."""
    folder = _jjj_folder(data, tmp_path)
    ctx = open_report("天津", "2026-03", data=str(folder), lang="zh")
    ranks = {r["set"]: r for r in sec.set_ranks(ctx).iter_rows(named=True)}
    assert set(ranks) == {"jjj_2p26", "key_168", "province"}
    mine = sec.ranking_table(ctx).filter(city="天津").row(0, named=True)
    assert ranks["jjj_2p26"]["rank"] == mine["composite_index_rank"]  # the same 3 cities
    assert (ranks["jjj_2p26"]["n_ranked"], ranks["jjj_2p26"]["set_size"]) == (3, 28)
    text = re.sub("<[^>]+>", "", html.unescape(sec.ranking(ctx)._repr_html_()))
    assert "京津冀及周边地区“2+26”城市：第" in text
    assert "数据中仅有该范围 28 个城市中的 3 个" in text
    assert "168个重点城市" in text and "城市名单未经核实" in text


def _set_list_tables(page: str) -> list[list[list[str]]]:
    """The rows (cell texts) of each MEE list table of a rendered ranking section."""
    tables = re.findall(r'<table class="ind-table ind-set-list">(.*?)</table>', page, re.S)
    return [
        [
            [
                html.unescape(re.sub("<[^>]+>", "", c))
                for c in re.findall(r"<td[^>]*>(.*?)</td>", tr)
            ]
            for tr in re.findall(r"<tr>(.*?)</tr>", t, re.S)
            if "<td" in tr
        ]
        for t in tables
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ranking_shows_the_mee_lists_of_each_set(data, tmp_path, lang, monkeypatch):
    """Best/worst by the index and by its change, ties, the class-2 exclusion, the city marked.

    The folder holds only the sets' 3 cities: the lists would repeat the ranking table,
    so the report says so instead of showing them; then the lists as a larger folder
    shows them."""
    folder = _jjj_folder(data, tmp_path)
    ctx = open_report("天津", "2026-03", data=str(folder), lang=lang)
    f = ctx.cities
    assert f.set_lists is not None and not f.set_lists.is_empty()  # kept in the figures store
    assert f.previous is not None
    # by hand: 北京 and 天津 share the best index; 石家庄 worsens most but attains class 2
    cur = {"北京": 4.004, "天津": 3.996, "石家庄": 5.00}
    prev = {"北京": 5.00, "天津": 4.00, "石家庄": 4.00}
    f.summary = f.summary.with_columns(
        composite_index=pl.col("city").replace_strict(cur, default=None),
        attains=pl.col("city") == "石家庄",
    )
    f.previous = f.previous.with_columns(
        composite_index=pl.col("city").replace_strict(prev, default=None)
    )
    f.set_lists, f.ranks, f.set_ranks = None, None, None
    ctx.cache.clear()
    # the period's lists: those before the year to date's (1—3月累计, shown in full)
    ytd = sec.year_to_date_values(ctx)["period"].display(lang)
    ytd_title = label("ytd_set_lists", lang, period=ytd)
    page, ytd_page = sec.ranking(ctx)._repr_html_().split(ytd_title)
    assert _set_list_tables(page) == []
    assert _set_list_tables(ytd_page)  # no table of every city's year to date: listed
    same = label("set_same_as_ranking", lang, n=3)
    assert html.unescape(re.sub("<[^>]+>", "", page)).count(same) == 3  # 2+26, 168, province
    assert "ind-ranking" in ytd_page  # the table of every city is there, after the lists
    monkeypatch.setattr(sec, "_same_as_ranking", lambda ctx, mine: False)
    page = sec.ranking(ctx)._repr_html_().split(ytd_title)[0]
    tables = _set_list_tables(page)
    # each set: one index table (the 3 cities: best and worst are the same
    # cities) and the change lists, best and worst (the worst without 石家庄)
    tie = label("tied", lang)
    index = [["1" + tie, "北京", "4.00"], ["1" + tie, "天津", "4.00"], ["3", "石家庄", "5.00"]]
    change_best = [
        ["1", "北京", "4.00", "−20.0%"],
        ["2", "天津", "4.00", "0.0%"],
        ["3", "石家庄", "5.00", "+25.0%"],
    ]
    change_worst = [["1", "天津", "4.00", "0.0%"], ["2", "北京", "4.00", "−20.0%"]]
    # 2+26 first; the 168 and the province hold the same 3 cities: not listed again
    assert tables == [index, change_best, change_worst]
    text = html.unescape(re.sub("<[^>]+>", "", page))
    first = sec.set_ranks(ctx).row(0, named=True)
    assert first["set"] == "jjj_2p26"
    again = label("set_same_as_set", lang, set=first["set_zh" if lang == "zh" else "set_en"])
    assert text.count(again) == 2
    if lang == "zh":
        assert "京津冀及周边地区“2+26”城市（共 28 个城市，数据中有其中 3 个" in text
        assert (
            "168个重点城市（共 168 个城市，数据中有其中 3 个，名次为其中的名次）"
            "（城市名单未经核实）" in text
        )
        assert "综合指数变化率排名：倒数第1名至倒数第2名" in text
        assert "各项污染物均达到二级标准的 1 个城市不参与变化率倒数排名" in text
    else:
        assert "(28 cities; the data hold 3 of 28: ranks among those)" in text
        assert "(membership not verified)" in text
        assert "Composite index change rate: ranks 1 to 2 from the bottom" in text
        assert "meet the class 2 limits are left out of the worsening list" in text
    marked = re.findall(r'<tr><td style="([^"]+)">[^<]*</td><td[^>]*>天津<', page)
    assert marked and all(m == esc(sec._HIGHLIGHT) for m in marked)
    assert len(sec.ranking(ctx).metadata["ranks"]["set_lists"]) == 3 * (3 + 3 + 3 + 2)


def test_a_monthly_report_gives_the_year_to_date(data):
    """1—N月累计: 1 January to the month's end against the same window a year earlier."""
    ctx = open_report("清河市", "2026-03", data=str(data), lang="zh")
    ytd = sec.year_to_date_values(ctx)
    assert (ytd["period"].start, ytd["period"].end) == (date(2026, 1, 1), date(2026, 3, 31))
    stations = pl.read_parquet(data / "stations.parquet").filter(city="清河市")
    hours = pl.read_parquet(data / "station_hours.parquet").filter(
        pl.col("station").is_in(stations["station"].implode())
    )
    daily = air.daily_aqi(hours, stations=stations, level="city")
    cur = air.evaluate_period(daily, start="2026-01-01", end="2026-03-31")
    # the 2025 window like for like: HJ 633-2026 and the period's GB 3095 limits
    forced = air.daily_aqi(hours, stations=stations, level="city", edition="HJ 633-2026")
    prev = air.evaluate_period(
        forced, start="2025-01-01", end="2025-03-31", limits=cur["limits_edition"].item()
    )
    change = air.compare_periods(cur, prev).row(0, named=True)
    for key in ("good_day_ratio", "PM2.5", "composite_index"):
        assert ytd[key]["value"] == cur[key].item(), key
        assert ytd[key]["previous"] == prev[key].item(), key
    assert ytd["good_day_ratio"]["change"] == change["good_day_ratio_change_pp"]
    assert ytd["PM2.5"]["change"] == change["PM2.5_change_pct"]
    text = re.sub("<[^>]+>", "", html.unescape(sec.headline(ctx)._repr_html_()))
    assert "2026年1—3月累计" in text and "2025年1—3月" in text
    assert sec.year_to_date_values(open_report("清河市", "2026-01", data=str(data))) is None
    assert sec.year_to_date_values(open_report("清河市", "2026", data=str(data))) is None


def _visible_text(ctx) -> str:
    page = "".join(getattr(sec, name)(ctx)._repr_html_() for name in sec.SECTIONS)
    page = re.sub(r"<script\b.*?</script>", " ", page, flags=re.DOTALL)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


_NAME_COLUMNS = ("name", "city", "province", "waterbody", "basin", "district",
                 "responsible_unit", "station", "site", "water_body_id", "point")  # fmt: skip


def _data_words(folder: Path) -> set[str]:
    """Names and codes the data hold (place, station, site, water-body names): shown as they are."""
    words: set[str] = set()
    for name in ("stations", "water_sections", "drinking_sources", "sea_points",
                 "blackodorous_ledger", "noise_functional"):  # fmt: skip
        path = folder / f"{name}.parquet"
        if path.is_file():
            frame = pl.read_parquet(path)
            for col in set(frame.columns) & set(_NAME_COLUMNS):
                words |= {v for v in frame[col].cast(pl.String).to_list() if v}
    return words


#: Latin words a Chinese report may hold: standard codes, units, pollutant and index symbols,
#: class numerals, the package's name and command.
ZH_ALLOWED = {
    "HJ", "GB", "T", "A", "AQI", "PM2", "PM10", "SO2", "NO2", "CO", "O3", "TLI", "CWQI",
    "I", "II", "III", "IV", "V", "m", "g", "mg", "km", "dB", "indicators", "check",
}  # fmt: skip


def test_a_chinese_report_has_no_english_and_an_english_one_no_chinese(data):
    """Wording: Chinese reports keep only codes, units and symbols; English ones place names."""
    names = _data_words(data)
    ctx = open_report("清河市", "2026-03", data=str(data), lang="zh")
    text = _visible_text(ctx)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9_]*", text))
    codes = {w for w in words if re.fullmatch(r"[A-Z]{1,3}\d*[A-Z]?|\d*[A-Z]", w)}
    assert words - ZH_ALLOWED - codes == set()
    assert "过渡阶段限值" in text and "省控" in text  # the words that replaced the codes
    ctx = open_report("清河市", "2026-03", data=str(data), lang="en")
    text = _visible_text(ctx)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    text = re.sub(r"[\u4e00-\u9fff]*〔\d{4}〕\d+号", " ", text)  # document numbers
    assert re.findall(r"[\u3400-\u9fff]+", text) == []
    # AQI categories by MEE's English names, read from the standards table
    names = standards.table("air_aqi_categories").filter(standard="HJ 633-2026")["category_en"]
    assert names.to_list()[:3] == ["Excellent", "Good", "Lightly Polluted"]
    assert all(f"Days: {name}" in text for name in names)


def test_an_invalid_period_is_marked_on_every_air_card(data2):
    """July 2025 of 清河市 in data2 has 26 valid days (< 27): each air card says so."""
    ctx = open_report("清河市", "2025-07", data=str(data2), lang="zh")
    assert ctx.summary["period_valid"] is False
    assert (ctx.summary["valid_days"], ctx.summary["required_days"]) == (26, 27)
    page = html.unescape(sec.headline(ctx)._repr_html_())
    marked = re.findall(r'data-indicator="([^"]+)"[^>]*>(?:(?!ind-card).)*?data-invalid', page)
    assert sorted(marked) == sorted(sec._AIR_CARDS)
    assert page.count("统计无效：有效天数 26，需 27（HJ 663）") == 4
    valid = open_report("清河市", "2025-06", data=str(data2), lang="zh")
    assert "data-invalid" not in sec.headline(valid)._repr_html_()


def test_an_air_only_city_folds_the_missing_domains_into_one_line(data, tmp_path):
    folder = tmp_path / "air-only"
    folder.mkdir()
    for name in ("stations", "station_hours"):
        (folder / f"{name}.parquet").write_bytes((data / f"{name}.parquet").read_bytes())
    ctx = open_report("清河市", "2026-03", data=str(folder), lang="zh")
    page = html.unescape(sec.headline(ctx)._repr_html_())
    cards = re.findall(r'class="ind-card[^"]*" data-indicator="([^"]+)"', page)
    assert cards == list(sec._AIR_CARDS)  # only the air figures as cards
    assert 'data-folded="7"' in page
    line = re.search(r"以下指标本期无数据：([^<]+)<", page)[1]
    assert line == "、".join(ctx.t(k) for k in sec.DOMAIN_CARDS)


def test_ranking_ties_and_escaped_city_names(data2, monkeypatch):
    ctx = open_report("清河市", "2026Q1", data=str(data2), lang="en")
    assert ctx.cities.failed == {}  # 北原市 repaired in data2
    # a tie by construction: 北原市 given 清河市's good-day ratio
    summary = ctx.cities.summary
    mine_ratio = summary.filter(city="清河市")["good_day_ratio"].item()
    assert summary.filter(city=BROKEN)["good_day_ratio"].item() != mine_ratio
    ctx.cities.summary = summary.with_columns(
        good_day_ratio=pl.when(pl.col("city") == BROKEN)
        .then(pl.lit(mine_ratio))
        .otherwise("good_day_ratio")
    )
    ctx.cities.ranks = None  # ranked again from the changed summary
    table = sec.ranking_table(ctx)
    expected = ranking.rank_cities(ctx.cities.summary, "good_day_ratio")
    tied = expected.filter(pl.col("tied"))
    assert sorted(tied["city"].to_list()) == sorted([BROKEN, "清河市"])
    mine = table.filter(city="清河市").row(0, named=True)
    assert (mine["good_day_ratio_rank"], mine["good_day_ratio_tied"]) == (2, True)
    assert label("tied", "zh") == ranking.TIE_MARK  # zh labels read as ranking's rank_label
    page = sec.ranking(ctx)._repr_html_()
    assert "<td>2 (tied)</td>" in page
    assert XSS not in page and esc(XSS) in page  # a city named like a script is text
    # a long ranking is cut to the best and worst by composite index, and the city
    monkeypatch.setattr(sec, "RANK_TABLE_ROWS", 2)
    order = table["city"].to_list()
    assert order[-1] == "清河市"  # worst of three by composite index in 2026Q1
    page = sec.ranking(ctx)._repr_html_()
    cut = page.split('class="ind-table ind-ranking"')[1].split("</table>")[0]
    assert esc(order[0]) in cut and f"<td>{esc(order[1])}</td>" not in cut
    assert esc(label("rank_rows_cut", "en", n=3, k=1)) in page


def test_comparison_rules_cover_limits_alone():
    # 2031 against 2030: the same HJ 633 edition, GB 3095-2026 final against its transitional
    # stage: recomputed (the composite index and the ranking by change depend on the limits)
    now = {"aqi_edition": "HJ 633-2026", "limits_edition": "GB 3095-2026 final"}
    before = {"aqi_edition": "HJ 633-2026", "limits_edition": "GB 3095-2026 transitional"}
    assert sec.comparison_rules(now, before) == ("HJ 633-2026", "GB 3095-2026 final")
    assert sec.comparison_rules(now, {}) is None  # no comparison data


@pytest.mark.slow
def test_rendered_report_has_target_ranking_and_trend_sections(batch):
    page = (batch["out"] / "清河市-2026-en.html").read_text(encoding="utf-8")
    titles = {"target_tracking": "Target tracking", "ranking": "Ranking", "trends": "Trends"}
    places = []
    for key, title in titles.items():
        assert re.search(rf'<h2 [^>]*id="sec-{key}"[^>]*>{title}</h2>', page)
        assert f'<a href="#sec-{key}">{title}</a>' in page  # in the table of contents
        places.append(page.index(f'id="sec-{key}"'))
    assert page.index('id="sec-air_evaluation"') < places[0] < places[1] < places[2]
    assert places[2] < page.index('id="sec-completeness"')
    assert 'id="fig-trends-1"' in page
    assert "the year is complete" in page
    assert html.escape(f"{BROKEN} (2026: ") in page  # left out of the ranking, and why


def test_methods_note_names_the_method_basis_and_dust_treatment(data):
    ctx = open_report("清河市", "2026", data=str(data), lang="en")
    assert ctx.summary["method"] == "official"
    page = html.unescape(sec.methods(ctx)._repr_html_())
    assert "Air figures: the method of the figures CNEMC publishes" in page
    assert "data basis: not stated in the data" in page  # the demo data carry no basis
    assert "dust not deducted" in page
    zh = open_report("清河市", "2026", data=str(data), lang="zh")
    assert "中国环境监测总站发布口径" in html.unescape(sec.methods(zh)._repr_html_())


def test_ranking_folds_cities_without_data_and_words_notes_officially(data, tmp_path):
    """Real-data edges: a station list of 360 cities, a municipality, no comparison hours."""
    folder = _jjj_folder(data, tmp_path)
    ctx = open_report("天津", "2026-03", data=str(folder), lang="zh")
    no_hours = sec._failed_reason(ctx, "")
    ctx.cities.failed = {"甲市": no_hours, "乙市": no_hours, "丙市": "2026-03: 数据未通过校验"}
    text = html.unescape(re.sub("<[^>]+>", "", sec.ranking(ctx)._repr_html_()))
    assert "站点名单中另有 2 个城市本时段无监测数据，未参与排名。" in text
    assert "甲市" not in text and "丙市（2026-03: 数据未通过校验）" in text
    assert "名（3 个城市参与排名）（数据中仅有该范围 168 个城市中的 3 个" in text  # 全角括号
    assert "名次为其中的名次；城市名单未经核实）" in text
    # no internal table names, and computation notes in the report's language
    assert "water_sections" not in label("no_table", "zh", table="water_sections")
    assert "water_sections" not in label("no_table", "en", table="water_sections")
    assert not re.search("[A-Za-z]", label("note_no_compare_hours", "zh", compare="2018年3月"))


def test_the_evaluation_table_prints_a_figure_as_its_card_does(data):
    """One figure, one printed value: the table's good-day ratio and PM2.5 read as the cards."""
    ctx = open_report("临江市", "2026-03", data=str(data))
    cards = {c["key"]: c for c in sec.headline_cards(ctx)}
    page = sec.air_evaluation(ctx)._repr_html_()
    ratio = cards["good_day_ratio"]["value"]
    assert f"<td>{ratio:.1f}</td>" in page
    assert f"<td>{cards['PM2.5']['value']:.0f}</td>" in page
    ctx.summary["good_day_ratio"] = 71.0  # a whole number keeps its decimal, as on the card
    assert "<td>71.0</td>" in sec.air_evaluation(ctx)._repr_html_()
    assert label("set_rank_line", "en", set="X", rank=1, n=1) == "X: rank 1 (1 city ranked)"
    assert label("set_rank_line", "en", set="X", rank=1, n=11) == "X: rank 1 (11 cities ranked)"


def test_stations_without_a_valid_hour_are_one_line(tmp_path):
    folder = tmp_path / "data"
    write_demo(folder)
    stations = pl.read_parquet(folder / "stations.parquet")
    extra = stations.filter(city="清河市").head(1).with_columns(station=pl.lit("9999Z"))
    pl.concat([stations, extra]).write_parquet(folder / "stations.parquet")
    for lang in ("zh", "en"):
        ctx = open_report("清河市", "2026-03", data=str(folder), lang=lang)
        page = sec.completeness(ctx)._repr_html_()
        line = label("stations_without_hours", lang, n=1, stations="9999Z")
        assert esc(line) in page and "<td>9999Z</td>" not in page
        assert "<td>" in page  # the stations with hours are still listed
    assert line == "Stations without a valid hour in the period (1): 9999Z"


def test_domains_without_data_are_one_line(tmp_path):
    folder = tmp_path / "data"
    write_demo(folder)
    for table in ("sea_points", "sea_results", "noise_functional", "drinking_sources"):
        (folder / f"{table}.parquet").unlink()
    (folder / "drinking_results.parquet").unlink()
    ctx = open_report("清河市", "2026-03", data=str(folder))
    assert [k for k, _ in sec.missing_domains(ctx)] == ["drinking", "sea", "noise"]
    first = sec.drinking(ctx)._repr_html_()
    names = "、".join(label(k, "zh") for k in ("drinking", "sea", "noise"))
    assert f"{names}（{label('no_table', 'zh')}）" in first and 'data-folded="3"' in first
    assert sec.sea(ctx)._repr_html_().strip() == sec.noise(ctx)._repr_html_().strip() == ""
    assert "ind-missing" not in sec.water_sections(ctx)._repr_html_()  # water has data
    en = open_report("清河市", "2026-03", data=str(folder), lang="en")
    assert "Drinking-water sources, Coastal sea water, Noise (" in sec.drinking(en)._repr_html_()


def test_the_workbook_carries_the_set_lists_cwqi_and_record(tmp_path):
    """分组排名名单, 水质指数 and 最好水平 sheets: the embedded rows, in their order."""
    from openpyxl import load_workbook

    listed = {"set": "key168", "set_zh": "168个重点城市", "set_size": 168, "n_in_data": 8,
              "verification": "VERIFIED 2024", "n_ranked": 8, "tied": False}  # fmt: skip
    lists = [
        {**listed, "list": "best", "rank": 1, "city": "清河市", "value": 3.21,
         "current": 3.21, "previous": 3.5},
        {**listed, "list": "change_worst", "rank": 1, "tied": True, "city": "临江市",
         "value": 4.25, "current": 4.9, "previous": 4.7, "verification": "UNVERIFIED"},
    ]  # fmt: skip
    cwqi = {"cwqi": 3.8125, "cwqi_change": -2.5, "rank": 2, "n_ranked": 12, "in_best": True,
            "in_worst": True, "change_rank": None, "change_n": 11,
            "text": "城市水质指数为3.8125"}  # fmt: skip
    record = [{"text": "优良天数比例为2019年以来同期最好水平", "first_year": 2019, "n_years": 8}]
    figures = {
        "city": "清河市",
        "headline": [],
        "ranks": {"indicators": [], "rows": [], "sets": [], "set_lists": lists},
        "cwqi": cwqi,
        "record": record,
    }
    wb = load_workbook(write_xlsx(figures, tmp_path / "r.xlsx"))
    assert wb.sheetnames == ["报告信息", "主要指标", "排名", "分组排名名单", "水质指数", "最好水平"]
    rows = list(wb["分组排名名单"].iter_rows(min_row=2, values_only=True))
    assert [r[:6] for r in rows] == [
        ("168个重点城市", "综合指数相对较好", 1, "否", "清河市", 3.21),
        ("168个重点城市", "综合指数变化率改善幅度相对较小", 1, "是", "临江市", 4.25),
    ]
    assert [r[-1] for r in rows] == ["已核实", "未核实"]
    items = dict(wb["水质指数"].iter_rows(min_row=2, values_only=True))
    assert items["城市水质指数（CWQI）"] == 3.8125 and items["同比变化率（%）"] == -2.5
    assert items["在水质相对较好的30个城市之列"] is None  # 12 cities: no best/worst 30 list
    assert items["变化率排名"] is None and items["参与变化率排名城市数"] == 11
    assert list(wb["最好水平"].iter_rows(min_row=2, values_only=True)) == [
        ("优良天数比例为2019年以来同期最好水平", 2019, 8)
    ]


@pytest.mark.parametrize(
    ("lang", "period", "compare"),
    [
        ("zh", "2026年3月（2026-03-01至2026-03-31）", "2025年3月（2025-03-01至2025-03-31）"),
        ("en", "2026-03 (2026-03-01 to 2026-03-31)", "2025-03 (2025-03-01 to 2025-03-31)"),
    ],
)
def test_the_title_block_gives_the_periods_days_in_the_reports_punctuation(
    data, lang, period, compare
):
    """Full-width brackets and 至 in Chinese, as the bulletins write a span of days."""
    ctx = open_report("清河市", "2026-03", data=str(data), lang=lang)
    text = html.unescape(re.sub("<[^>]+>", " ", sec.title(ctx)._repr_html_()))
    assert period in text and compare in text
    methods = html.unescape(re.sub("<[^>]+>", " ", sec.methods(ctx)._repr_html_()))
    if lang == "zh":
        assert "（2026-03-01至" in methods and " – " not in text + methods


def test_a_quarterly_report_gives_the_year_to_date_too(data):
    """1—6月 for a second quarter (quarterly water reports since 2022), none for Q1."""
    ctx = open_report("清河市", "2026Q2", data=str(data), lang="zh")
    ytd = sec.year_to_date_values(ctx)
    assert (ytd["period"].start, ytd["period"].end) == (date(2026, 1, 1), date(2026, 6, 30))
    month_ytd = sec.year_to_date_values(open_report("清河市", "2026-06", data=str(data)))
    for key in ("good_day_ratio", "PM2.5", "composite_index"):
        assert ytd[key] == month_ytd[key]  # the same window as June's 1—6月
    assert "2026年1—6月累计" in html.unescape(sec.headline(ctx)._repr_html_())
    assert sec.year_to_date_values(open_report("清河市", "2026Q1", data=str(data))) is None


def test_a_monthly_report_gives_the_water_figures_of_the_year_to_date(data):
    """1—3月 surface water as the monthly bulletins give it: the 2011 method's shares and the
    CWQI of the whole window against the same window a year earlier."""
    from indicators import water

    ctx = open_report("清河市", "2026-03", data=str(data), lang="zh")
    ytd = sec.year_to_date_values(ctx)
    reg = pl.read_parquet(data / "water_sections.parquet").filter(city="清河市")
    res = pl.read_parquet(data / "water_results.parquet").filter(
        pl.col("site").is_in(reg["site"].implode())
    )

    def window(first: date, last: date) -> dict:
        rows = res.filter(pl.col("date").is_between(first, last))
        return water.summary(rows, reg, by="city", period="all").row(0, named=True)

    now, then = (
        window(date(2026, 1, 1), date(2026, 3, 31)),
        window(date(2025, 1, 1), date(2025, 3, 31)),
    )
    assert ytd["share_I_III"]["value"] == now["share_I_III"]
    assert ytd["share_I_III"]["previous"] == then["share_I_III"]
    assert ytd["share_I_III"]["change"] == round(now["share_I_III"] - then["share_I_III"], 1)
    assert ytd["n_worse_V"] == {
        "value": now["n_worse_V"],
        "previous": then["n_worse_V"],
        "change": now["n_worse_V"] - then["n_worse_V"],
    }
    assert ytd["section_compliance"]["value"] == now["compliance"]
    # the window's CWQI against a year earlier (城市地表水环境质量排名技术规定)
    cwqi_now = water.cwqi(
        res.filter(pl.col("date").is_between(date(2026, 1, 1), date(2026, 3, 31))), reg, by="city"
    )
    assert ytd["cwqi"]["value"] == pytest.approx(cwqi_now["cwqi"].item(), abs=1e-12)
    assert ytd["cwqi"]["change"] == pytest.approx(
        (ytd["cwqi"]["value"] - ytd["cwqi"]["previous"]) / ytd["cwqi"]["previous"] * 100
    )
    keys = [f["key"] for f in sec.year_to_date_figures(ctx)["figures"]]
    assert keys[4:] == ["section_compliance", "share_I_III", "n_worse_V", "cwqi"]
    text = re.sub("<[^>]+>", " ", html.unescape(sec.headline(ctx)._repr_html_()))
    assert f"{ytd['cwqi']['value']:.4f}" in text and "城市水质指数" in text


def test_a_monthly_report_ranks_the_year_to_date_too(data):
    """1—N月累计排名: the city's ranks of the year-to-date store, in the page and the JSON."""
    from indicators import figures
    from indicators.periods import parse_period

    ctx = open_report("清河市", "2026-03", data=str(data), lang="zh")
    section = sec.ranking(ctx)
    store = figures.city_evaluations(
        str(data), parse_period("2026-01-01..2026-03-31"), parse_period("2025-01-01..2025-03-31")
    )
    want = store.ranks.filter(pl.col("city") == "清河市").row(0, named=True)
    got = section.metadata["ranks"]["year_to_date"]
    assert got["period"]["display"] == "2026年1—3月"
    (row,) = got["rows"]
    assert row["composite_index"] == want["composite_index"]
    assert row["composite_index_rank"] == want["composite_index_rank"]
    text = html.unescape(re.sub("<[^>]+>", " ", section._repr_html_()))
    assert "2026年1—3月累计排名" in text
    line = label("rank_line", "zh", indicator=label("composite_index", "zh"),
                 value=f"{want['composite_index']:.2f}", rank=want["composite_index_rank"],
                 n=want["composite_index_n"])  # fmt: skip
    assert line in text.split("2026年1—3月累计排名")[1]
    # the year to date's MEE lists: the store's, of the sets the city is ranked in
    stations = pl.read_parquet(data / "stations.parquet")
    lists = figures.set_tables(stations, store.summary, store.previous)
    sets = {(r["set"], r["set_zh"]) for r in got["sets"]}
    assert sets and got["set_lists"] == [
        r for r in lists.to_dicts() if (r["set"], r["set_zh"]) in sets
    ]
    after = text.split("2026年1—3月累计分组排名")[1]
    best = [r for r in got["set_lists"] if r["list"] == "best"]
    assert [c for c in after.split() if c in {r["city"] for r in best}][: len(best)] == [
        r["city"] for r in best
    ]
    year = sec.ranking(open_report("清河市", "2026", data=str(data)))
    assert year.metadata["ranks"]["year_to_date"] is None
    assert "累计分组排名" not in html.unescape(year._repr_html_())


@pytest.mark.parametrize(
    ("lang", "x", "y"), [("zh", "经度", "纬度"), ("en", "Longitude", "Latitude")]
)
def test_the_section_map_speaks_the_reports_language(data, lang, x, y):
    """Axis titles and hover labels in the report's words, never the column names."""
    ctx = open_report("清河市", "2026", data=str(data), lang=lang)
    figs = [p for p in sec.water_sections(ctx).parts if not isinstance(p, str)]
    (fig,) = figs
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == (x, y)
    hovers = [t for trace in fig.data for t in trace.hovertext]
    assert hovers and all(label("waterbody", lang) + ": " in t for t in hovers)
    assert not any("waterbody" in t or "target_class" in t for t in hovers)


def test_printing_chinese_without_a_chinese_font_warns(tmp_path, monkeypatch):
    """A PDF of Chinese text on a machine with no Chinese font would show boxes: say so."""
    from indicators.report import render

    page = tmp_path / "r.html"
    page.write_text("<p>清河市 2026</p>", encoding="utf-8")
    monkeypatch.setattr(render, "cjk_fonts", lambda: [])
    with pytest.warns(IndicatorWarning, match="fonts-noto-cjk"):
        render.warn_without_cjk_font(page)
    monkeypatch.setattr(render, "cjk_fonts", lambda: ["Noto Sans CJK SC"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        render.warn_without_cjk_font(page)  # a font: no warning
        monkeypatch.setattr(render, "cjk_fonts", lambda: [])
        page.write_text("<p>Qinghe 2026</p>", encoding="utf-8")
        render.warn_without_cjk_font(page)  # nothing Chinese to print
