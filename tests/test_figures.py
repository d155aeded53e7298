"""The figures store (issue 11): every city's evaluations computed once, reused, recomputed
when the data change. Folders are written under pytest's ``tmp_path``."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from indicators import air, figures
from indicators.demo import CITIES, write_demo
from indicators.report.params import parse_period


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    write_demo(tmp_path, cities=CITIES[:3])
    return tmp_path


def test_store_equals_a_direct_evaluation_and_is_reused(folder: Path, monkeypatch) -> None:
    p, c = parse_period("2026"), parse_period("2025")
    got = figures.city_evaluations(folder, p, c)
    hours = pl.read_parquet(folder / "station_hours.parquet")
    stations = pl.read_parquet(folder / "stations.parquet")
    daily = air.daily_aqi(hours, stations=stations, level="city")
    direct = air.evaluate_period(daily, start=date(2026, 1, 1), end=date(2026, 12, 31))
    mine = got.summary.sort("city").select("city", "good_day_ratio", "PM2.5", "composite_index")
    assert mine.equals(direct.sort("city").select(mine.columns))
    # 2025 is HJ 633-2012: recomputed like for like under the period's edition and limits
    assert got.rules == ("HJ 633-2026", "GB 3095-2026 transitional")
    assert set(got.previous["aqi_edition"]) == {"HJ 633-2026"}
    store = figures.figures_folder(folder, p, c, "auto")
    assert (store / "summary.parquet").is_file() and (store / "previous.parquet").is_file()

    def fail(*args, **kwargs):
        raise AssertionError("recomputed although the data did not change")

    monkeypatch.setattr(figures, "compute_city_evaluations", fail)
    again = figures.city_evaluations(folder, p, c)
    assert again.summary.equals(got.summary) and again.rules == got.rules


def test_changed_data_are_recomputed(folder: Path) -> None:
    p, c = parse_period("2026-03"), parse_period("2025-03")
    before = figures.city_evaluations(folder, p, c)
    path = folder / "station_hours.parquet"
    hours = pl.read_parquet(path)
    city = CITIES[0].name
    codes = pl.read_parquet(folder / "stations.parquet").filter(city=city)["station"]
    hours.with_columns(
        pl.when(pl.col("station").is_in(codes.implode()))
        .then(pl.col("PM2.5") * 2)
        .otherwise(pl.col("PM2.5"))
        .alias("PM2.5")
    ).write_parquet(path)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    after = figures.city_evaluations(folder, p, c)
    pm = {r["city"]: r["PM2.5"] for r in before.summary.iter_rows(named=True)}
    pm2 = {r["city"]: r["PM2.5"] for r in after.summary.iter_rows(named=True)}
    assert pm2[city] > pm[city] * 1.8
    assert all(pm2[k] == pm[k] for k in pm if k != city)


def test_a_city_without_hours_is_named_with_no_reason_text(folder: Path) -> None:
    stations = pl.read_parquet(folder / "stations.parquet")
    extra = stations.head(1).with_columns(station=pl.lit("9999X"), city=pl.lit("无数据市"))
    pl.concat([stations, extra]).write_parquet(folder / "stations.parquet")
    got = figures.city_evaluations(folder, parse_period("2026"), parse_period("2025"))
    assert got.failed == {"无数据市": ""}
