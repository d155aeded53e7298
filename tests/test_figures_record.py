"""Where a period stands in its record (issue 14): the same window of every year of the data,
evaluated like for like, by value and by rank. Folders are written under ``tmp_path``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from indicators import air, figures
from indicators.demo import CITIES, write_demo
from indicators.figures.record import city_records, same_window
from indicators.report.params import parse_period


def _series(rows: list[tuple[str, int, float, float]]) -> pl.DataFrame:
    city, year, ratio, index = zip(*rows, strict=True)
    return pl.DataFrame(
        {
            "city": city,
            "year": year,
            "good_day_ratio": ratio,
            "composite_index": index,
            "period_valid": [True] * len(rows),
        }
    )


def test_best_since_the_year_after_the_last_better_one():
    series = _series(
        [
            ("甲", 2015, 80.0, 4.0),
            ("甲", 2016, 85.0, 3.0),  # better than 2026
            ("甲", 2017, 70.0, 5.0),
            ("甲", 2018, 82.2, 3.5),  # equal: not better, the record stands since 2017
            ("甲", 2019, 82.2, 3.5),
            ("乙", 2015, 60.0, 6.0),
            ("乙", 2019, 90.0, 2.0),
        ]
    )
    got = city_records(series, 2019).filter(indicator="good_day_ratio").sort("city")
    b, a = got.rows(named=True)  # 乙 sorts before 甲
    assert (a["value"], a["n_years"], a["first_year"]) == (82.2, 5, 2015)
    assert (a["position"], a["last_better"], a["best_since"]) == (2, 2016, 2017)
    assert (b["position"], b["last_better"], b["best_since"]) == (1, None, 2015)
    # lower is better for the index; the rank among the year's cities has its record too
    index = city_records(series, 2019).filter(indicator="composite_index").sort("city")
    assert index["position"].to_list() == [1, 2] and index["best_since"].to_list() == [2015, 2017]
    rank = city_records(series, 2019).filter(indicator="rank").sort("city")
    assert rank["value"].to_list() == [1.0, 2.0]  # 2019: 乙 2.0 beats 甲 3.5
    assert rank["n_years"].to_list() == [2, 5] and rank["position"].to_list() == [1, 5]
    assert rank["best_since"].to_list() == [2015, 2019]  # 甲 ranked first until 2018


def test_an_invalid_year_sets_no_record():
    series = _series([("甲", 2024, 95.0, 2.0), ("甲", 2025, 80.0, 3.0)])
    series = series.with_columns(period_valid=pl.Series([False, True]))
    got = city_records(series, 2025).filter(indicator="good_day_ratio").row(0, named=True)
    assert (got["n_years"], got["position"], got["best_since"]) == (1, 1, 2025)


def test_same_window():
    assert same_window(date(2026, 3, 1), date(2026, 3, 31), 2013) == (
        date(2013, 3, 1),
        date(2013, 3, 31),
    )
    assert same_window(date(2025, 12, 1), date(2026, 2, 28), 2024) is None


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("record")
    write_demo(path, cities=CITIES[:3], start=date(2023, 1, 1), end=date(2026, 6, 30))
    return path


def test_the_store_places_each_city_in_its_record(folder: Path):
    p, c = parse_period("2026-03"), parse_period("2025-03")
    got = figures.city_evaluations(folder, p, c)
    record = got.record.filter(indicator="good_day_ratio").sort("city")
    # direct: March of each year under the period's rules (HJ 633-2026, like for like)
    hours = pl.read_parquet(folder / "station_hours.parquet")
    stations = pl.read_parquet(folder / "stations.parquet")
    daily = air.daily_aqi(hours, stations=stations, level="city", edition="HJ 633-2026")
    limits = got.summary["limits_edition"][0]
    years = []
    for y in (2023, 2024, 2025, 2026):
        one = air.evaluate_period(daily, start=date(y, 3, 1), end=date(y, 3, 31), limits=limits)
        years.append(one.select("city", "good_day_ratio", pl.lit(y).alias("year")))
    direct = pl.concat(years).sort("city", "year")
    for row in record.iter_rows(named=True):
        mine = direct.filter(city=row["city"])
        now = mine.filter(year=2026)["good_day_ratio"].item()
        assert row["value"] == now and row["n_years"] == 4 and row["first_year"] == 2023
        better = mine.filter(pl.col("good_day_ratio") > now)["year"]
        assert row["position"] == better.len() + 1
        assert row["last_better"] == (better.max() if better.len() else None)
    assert set(got.record["indicator"]) == {
        "good_day_ratio",
        "composite_index",
        "PM2.5",
        "O3_MDA8_P90",
        "rank",
    }
    assert figures.city_evaluations(folder, p, c).record.equals(got.record)  # stored


def test_the_report_says_where_the_period_stands(folder: Path):
    from indicators.report.sections import headline, open_report, record_figures

    ctx = open_report(CITIES[0].name, "2026-03", data=str(folder))
    record = ctx.cities.record.filter(city=CITIES[0].name)
    said = record_figures(ctx)
    assert said  # the demo's March 2026 sets records for this city
    # a line exactly for each figure better than at least the two years before March 2026
    expected = record.filter(pl.col("best_since") <= 2024)["indicator"].to_list()
    assert sorted(r["indicator"] for r in said) == sorted(expected)
    for r in said:
        assert r["text"].endswith(f"为{r['best_since']}年以来同期最好水平")
    page = headline(ctx)._repr_html_()
    assert all(r["text"] in page for r in said)
    en = record_figures(open_report(CITIES[0].name, "2026-03", data=str(folder), lang="en"))
    assert [r["text"].split(": ")[1] for r in en] == [
        f"the best for the period since {r['best_since']}" for r in said
    ]


def test_records_need_three_years(folder: Path, tmp_path: Path):
    from indicators.report.sections import open_report, record_figures

    short = tmp_path / "short"
    write_demo(short, cities=CITIES[:2], start=date(2025, 1, 1), end=date(2026, 6, 30))
    ctx = open_report(CITIES[0].name, "2026-03", data=str(short))
    assert ctx.cities.record["n_years"].max() == 2 and record_figures(ctx) == []
