"""City names and city lists of ``indicators report``: safe file names, ``--city``, ``--all``,
``--out``, and a city with only background stations.

Every file is written under pytest's ``tmp_path`` (never into the repository).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from indicators import cli
from indicators.demo import write_demo
from indicators.report import open_report, validate_params
from indicators.report import sections as sec
from indicators.report.data import cities_with_data
from indicators.report.labels import label
from indicators.report.params import safe_file_name

DOTS = "../../x"  # 清河市 renamed: a name that climbs out of the output folder
COMMA = "a,b"  # 北原市 renamed, and without any station hour in 2026
BACKGROUND = "临江市"  # every station of it made a background station


def _digest(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


@pytest.fixture(scope="module")
def odd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo data with a city named ``../../x``, a background-only city and a city ``a,b``
    whose station hours stop at the end of 2025; every station also has the hour
    2025-01-01 00:00 (closing 31 December 2024), as a CNEMC file of a year starts."""
    folder = tmp_path_factory.mktemp("odd")
    write_demo(folder)
    stations = pl.read_parquet(folder / "stations.parquet")
    comma = stations.filter(city="北原市")["station"].implode()
    stations.with_columns(
        city=pl.col("city").replace({"清河市": DOTS, "北原市": COMMA}),
        background=pl.col("background") | (pl.col("city") == BACKGROUND),
    ).write_parquet(folder / "stations.parquet")
    hours = pl.read_parquet(folder / "station_hours.parquet")
    first = hours.filter(pl.col("time") == pl.datetime(2025, 1, 1, 1))
    hours = pl.concat([first.with_columns(time=pl.datetime(2025, 1, 1)), hours])
    hours.filter(
        ~(pl.col("station").is_in(comma) & (pl.col("time") > pl.datetime(2026, 1, 1)))
    ).write_parquet(folder / "station_hours.parquet")
    return folder


# --------------------------------------------------------------------------- file names


@pytest.mark.parametrize(
    ("name", "readable"),
    [
        ("../../x", "____x"),  # ".." -> "_", "/" -> "_"
        ("a/b", "a_b"),
        ("a\\b", "a_b"),
        ("..", "_"),
        (".", "_"),
        (".hidden", "_hidden"),
        ("CON", "CON"),  # a Windows device name: kept readable, made unique
        ("nul.txt", "nul.txt"),
        ("a,b", "a_b"),
        ("a\x00b\nc", "a_b_c"),
        ("New York", "New_York"),
        ("", ""),
    ],
)
def test_unsafe_names_are_cleaned_and_hashed(name, readable):
    safe = safe_file_name(name)
    assert safe == f"{readable}~{_digest(name)}"
    assert "/" not in safe and "\\" not in safe and ".." not in safe
    assert not safe.startswith(".")
    assert not any(unicodedata.category(ch) == "Cc" for ch in safe)


@pytest.mark.parametrize("name", ["清河市", "伊犁哈萨克自治州", "a_b", "Beijing-2", "北京市.v2"])
def test_safe_names_are_kept_as_they_are(name):
    assert safe_file_name(name) == name


def test_names_that_clean_to_the_same_text_do_not_collide():
    names = ["a/b", "a\\b", "a,b", "a b", "a_b", "a:b", "a*b", "a?b"]
    safe = [safe_file_name(n) for n in names]
    assert len(set(safe)) == len(names)
    assert {s.split("~")[0] for s in safe} == {"a_b"}


def test_long_names_are_cut_and_hashed():
    name = "长" * 100
    safe = safe_file_name(name)
    assert safe == "长" * 60 + f"~{_digest(name)}"
    assert len(f"{safe}-2026-01-01_2026-06-30-en.executed.ipynb".encode()) < 255


def test_file_stem_of_an_unsafe_city_stays_in_the_output_folder(odd, tmp_path):
    params = validate_params(DOTS, "2026", data=odd, lang="en")
    assert params.file_stem == f"____x~{_digest(DOTS)}-2026-en"
    out = tmp_path / "out"
    target = (out / f"{params.file_stem}.html").resolve()
    assert target.parent == out.resolve()
    params = validate_params(COMMA, "2025", data=odd)
    assert params.file_stem == f"a_b~{_digest(COMMA)}-2025"


# --------------------------------------------------------------------------- city lists


def test_cities_with_data_are_those_with_station_hours_in_the_period(odd):
    assert cities_with_data(odd, date(2026, 1, 1), date(2026, 12, 31)) == [DOTS, BACKGROUND]
    # a,b's last station hour is 2026-01-01 00:00: the close of 31 December 2025
    assert cities_with_data(odd, date(2025, 12, 31), date(2025, 12, 31)) == [
        DOTS,
        BACKGROUND,
        COMMA,
    ]
    assert cities_with_data(odd, date(2026, 1, 1), date(2026, 1, 1)) == [DOTS, BACKGROUND]
    assert cities_with_data(odd, date(2000, 1, 1), date(2000, 12, 31)) == []


def test_city_names_with_commas_are_not_split(odd, tmp_path, capsys):
    args = cli.build_parser().parse_args(["report", "--city", COMMA, "--city", BACKGROUND])
    assert args.city == [COMMA, BACKGROUND]
    # a,b passes the check as one name; the unknown city after it is the one refused
    code = cli.main(
        [
            *("report", "--city", COMMA, "--city", "无此市", "--period", "2025"),
            *("--data", str(odd), "--out", str(tmp_path)),
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "found '无此市'" in err and "found 'a'" not in err
    assert list(tmp_path.iterdir()) == []


def test_all_without_any_city_with_data_is_an_error(odd, tmp_path, capsys):
    code = cli.main(
        ["report", "--all", "--period", "2000", "--data", str(odd), "--out", str(tmp_path)]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "skipped 3 cities" in err and "no city has station hours in the period" in err
    assert list(tmp_path.iterdir()) == []


def test_out_naming_an_existing_file_is_a_one_line_error(odd, tmp_path, capsys):
    existing = tmp_path / "report.html"
    existing.write_text("not a folder", encoding="utf-8")
    for cities in ([BACKGROUND], [BACKGROUND, DOTS]):  # one report, and a batch
        argv = ["report", "--period", "2026", "--data", str(odd), "--out", str(existing)]
        code = cli.main([*argv, *(a for c in cities for a in ("--city", c))])
        assert code == 2
        lines = capsys.readouterr().err.splitlines()
        # the folder check's warning (临江市 has only background stations), then the error
        assert lines[0] == (
            "warning: stations.parquet: 1 city has only background stations (对照点), "
            f"no city air value: {BACKGROUND}"
        )
        assert len(lines) == 2 and "Traceback" not in lines[1]
        assert lines[1].startswith(f"error: {existing}, column 'out': not a folder")
    assert existing.read_text(encoding="utf-8") == "not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_comparison_period_with_only_the_closing_hour_has_no_city_value(odd):
    # 2024-12 has one station hour per station (2025-01-01 00:00): no valid city day
    ctx = open_report(DOTS, "2025-01", compare="2024-12", data=str(odd))
    assert ctx.has_city_air and ctx.summary["valid_days"] == 31
    assert ctx.previous == {} and ctx.change == {}
    assert "2024年12月无城市空气质量数值" in ctx.notes  # in the report's language
    # the evaluation table says the comparison has no data, with no change
    rows = re.findall(r"<tr>(.*?)</tr>", sec.air_evaluation(ctx)._repr_html_(), re.S)
    cells = [re.findall(r"<td[^>]*>([^<]*)</td>", r) for r in rows]
    cells = [c for c in cells if c]
    assert cells and all(c[2] == label("no_value", "zh") and c[-1] == "—" for c in cells)
    # so do the headline cards: 无数据, no change
    page = sec.headline(ctx)._repr_html_()
    assert page.count(label("vs_compare_none", "zh", compare="2024年12月")) >= 4
    assert "较2024年12月 +" not in page and "较2024年12月 −" not in page
    # the ranking evaluates every city in both periods: 2024-12 counts as no data
    assert ctx.cities.previous is None
    assert sorted(sec.ranking_table(ctx)["city"]) == sorted([DOTS, COMMA])
    assert set(ctx.cities.failed) == {BACKGROUND}  # no city value: not ranked, and named
    # as the report period: station hours, but no city day, and not for want of stations
    ctx = open_report(DOTS, "2024-12-31..2024-12-31", data=str(odd))
    assert not ctx.has_city_air and ctx.hourly.height == ctx.stations.height
    assert label("no_city_air", "zh") in sec.title(ctx)._repr_html_()
    assert label("background_only", "zh") not in sec.air_calendar(ctx)._repr_html_()
    assert "jp-OutputArea-error" not in sec.ranking(ctx)._repr_html_()


# --------------------------------------------------------------------------- background only


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_background_only_city_has_a_report_without_city_air_values(odd, lang):
    ctx = open_report(BACKGROUND, "2026", data=str(odd), lang=lang)
    assert not ctx.has_city_air
    assert ctx.daily.is_empty() and ctx.summary == {} and ctx.previous == {}
    assert ctx.stations["background"].all() and ctx.hourly.height > 0
    message = label("background_only", lang)
    pages = {name: getattr(sec, name)(ctx)._repr_html_() for name in sec.SECTIONS}
    assert message in pages["title"]
    assert f'data-missing="air">{label("air", lang)}: ' in pages["air_calendar"]
    assert message in pages["air_calendar"]
    for name in ("air_monthly", "air_concentrations", "air_primary", "air_evaluation"):
        assert pages[name] == ""  # said once, under the air heading
    for name in ("target_tracking", "ranking", "trends"):
        assert message in pages[name]
    values = sec.headline_values(ctx)
    assert [values[k]["value"] for k in ("good_day_ratio", "PM2.5", "composite_index")] == [
        None,
        None,
        None,
    ]
    assert values["sea_share_I_II"]["value"] is not None  # the city's other domains are there
    # the appendix still counts the background stations' hours
    table = sec.station_completeness(ctx)
    assert table["h_PM2.5"].sum() == ctx.hourly["PM2.5"].count()


@pytest.mark.slow
def test_all_reports_every_city_with_data_and_nothing_outside_out(odd, tmp_path, capsys):
    out = tmp_path / "a" / "b" / "out"
    code = cli.main(
        [
            *("report", "--all", "--period", "2026", "--data", str(odd)),
            *("--out", str(out), "--workers", "2"),
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "skipped 1 cities of the station list without station hours in 2026" in captured.err
    dots = f"____x~{_digest(DOTS)}-2026.html"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [dots, f"{BACKGROUND}-2026.html", "index.html"]
    )
    assert [p for p in tmp_path.rglob("*") if p.is_file() and out not in p.parents] == []
    page = (out / dots).read_text(encoding="utf-8")
    assert "Traceback" not in page and "jp-OutputArea-error" not in page
    assert "../../x生态环境质量报告" in page  # the title keeps the city's name
    background = (out / f"{BACKGROUND}-2026.html").read_text(encoding="utf-8")
    assert "本市仅有对照点，无城市空气质量数值" in background
    assert "Traceback" not in background and "jp-OutputArea-error" not in background
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "a,b" not in index  # skipped, not failed
