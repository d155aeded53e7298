"""The report's air figures with the folder's sand-dust flags (``dust.parquet``) and the
HJ 663-2026 three-year rolling mean line of a calendar-year report (issue 9).

Every file is written under pytest's ``tmp_path`` (never into the repository).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from indicators import air, figures
from indicators.demo import CITIES, write_demo
from indicators.errors import IndicatorInputError
from indicators.report import open_report
from indicators.report import sections as sec
from indicators.report.data import read_dust_flags
from indicators.report.labels import label

CITY = CITIES[0].name


@pytest.fixture(scope="module")
def three_years(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo data of two cities for 2024-2026, the report city flagged on its three days of
    highest PM10 in 2026."""
    folder = tmp_path_factory.mktemp("dust")
    write_demo(folder, cities=CITIES[:2], start=date(2024, 1, 1), end=date(2026, 12, 31))
    ctx = open_report(CITY, "2026", data=str(folder))
    worst = ctx.daily.sort("PM10", descending=True).head(3)
    worst.select("city", "date", kind=pl.lit("dust"), source=pl.lit("test")).write_parquet(
        folder / "dust.parquet"
    )
    return folder


def test_flags_are_read_and_deducted_in_the_report(three_years: Path) -> None:
    ctx = open_report(CITY, "2026", data=str(three_years))
    s = ctx.summary
    assert s["dust_treatment"] == "扣沙" and s["dust_days"] == 3
    assert s["PM10"] < s["PM10_with_dust"]
    assert s["composite_index"] < s["composite_index_with_dust"]
    expected = air.evaluate_period(
        ctx.daily, start="2026-01-01", end="2026-12-31", dust=read_dust_flags(three_years)
    ).row(0, named=True)
    assert (s["PM10"], s["good_day_ratio"]) == (expected["PM10"], expected["good_day_ratio"])
    line = sec.method_line(ctx)
    assert label("dust_扣沙", "zh") in line
    assert f"PM10 {s['PM10_with_dust']:g} µg/m³" in line


def test_three_year_line_is_the_mean_of_three_annual_values(three_years: Path) -> None:
    ctx = open_report(CITY, "2026", data=str(three_years), lang="en")
    history = ctx.history
    dust = read_dust_flags(three_years, [CITY])
    annual = [
        air.evaluate_period(history, start=date(y, 1, 1), end=date(y, 12, 31), dust=dust)
        for y in (2024, 2025, 2026)
    ]
    pm25 = [a["PM2.5"].item() for a in annual]
    mean = pl.select(air.round_reported(pl.lit(sum(pm25) / 3), "PM2.5")).item()
    line = sec.three_year_line(ctx)
    assert line is not None and "2024–2026" in line
    assert f"PM2.5 mean [µg/m³] {mean:g}" in line
    assert 'data-figure="three_year"' in sec.air_evaluation(ctx)._repr_html_()
    # a month, or a year without the two years before it, has no such line
    assert sec.three_year_line(open_report(CITY, "2026-03", data=str(three_years))) is None
    assert sec.three_year_line(open_report(CITY, "2025", data=str(three_years))) is None


def test_three_year_means_of_every_city_are_each_citys_own(three_years: Path) -> None:
    """figures.three_year over the whole history: one row per city, as city by city."""
    from indicators.figures.three_year import three_year_means

    ctx = open_report(CITY, "2026", data=str(three_years))
    store = figures.city_evaluations(three_years, ctx.params.period, ctx.params.compare)
    dust = read_dust_flags(three_years)
    every = three_year_means(store.history, 2026, dust)
    assert sorted(every["city"].to_list()) == sorted(c.name for c in CITIES[:2])
    for city in every["city"].to_list():
        alone = three_year_means(store.history.filter(pl.col("city") == city), 2026, dust)
        assert every.filter(pl.col("city") == city).equals(alone)
    # a series that starts after 1 January of Y-2 has no three-year mean
    assert three_year_means(store.history, 2025, dust).is_empty()


def test_a_dust_table_of_another_type_names_the_file_and_column(tmp_path: Path) -> None:
    pl.DataFrame({"city": ["X"], "date": ["2026-03-05"]}).write_parquet(tmp_path / "dust.parquet")
    with pytest.raises(IndicatorInputError) as err:
        read_dust_flags(tmp_path)
    assert "dust.parquet" in str(err.value) and "'date'" in str(err.value)
    pl.DataFrame({"date": [date(2026, 3, 5)]}).write_parquet(tmp_path / "dust.parquet")
    with pytest.raises(IndicatorInputError, match="city"):
        read_dust_flags(tmp_path)
    assert read_dust_flags(tmp_path / "nothing") is None


def test_air_summary_reads_the_dust_flags(three_years: Path) -> None:
    from indicators.summary import air_summary

    row = air_summary(three_years, year=2026).filter(city=CITY).row(0, named=True)
    report = open_report(CITY, "2026", data=str(three_years)).summary
    assert row["dust_treatment"] == "扣沙"
    assert (row["PM10"], row["composite_index"]) == (report["PM10"], report["composite_index"])
