"""The figures store (issue 11): every city's evaluations computed once, reused, recomputed
when the data change. Folders are written under pytest's ``tmp_path``."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from indicators import air, figures, water
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


def test_bad_comparison_hours_of_one_city_leave_the_others_and_the_rules(folder: Path) -> None:
    p, c = parse_period("2026"), parse_period("2025")
    good = figures.compute_city_evaluations(folder, p, c)
    first, bad = good.summary["city"][0], good.summary["city"][-1]
    stations = pl.read_parquet(folder / "stations.parquet")
    code = stations.filter(pl.col("city") == bad)["station"][0]
    path = folder / "station_hours.parquet"
    hours = pl.read_parquet(path)
    hit = (pl.col("station") == code) & (pl.col("time") == datetime(2025, 6, 1, 12))
    hours.with_columns(pl.when(hit).then(1200.0).otherwise(pl.col("CO")).alias("CO")).write_parquet(
        path
    )  # CO 1200 mg/m³: µg/m³ given, beyond the plausibility bound
    got = figures.compute_city_evaluations(folder, p, c)
    assert set(got.failed) == {bad} and "2025" in got.failed[bad]
    assert got.rules == good.rules == ("HJ 633-2026", "GB 3095-2026 transitional")
    others = pl.col("city") != bad
    assert got.previous.filter(others).equals(good.previous.filter(others))
    assert got.summary.equals(good.summary) and first != bad


def test_store_holds_daily_changes_and_the_monthly_series(folder: Path) -> None:
    p, c = parse_period("2026Q2"), parse_period("2025Q2")
    got = figures.city_evaluations(folder, p, c)
    city = CITIES[0].name
    hours = pl.read_parquet(folder / "station_hours.parquet")
    stations = pl.read_parquet(folder / "stations.parquet").filter(city=city)
    daily = air.daily_aqi(
        hours.filter(pl.col("station").is_in(stations["station"].implode())),
        stations=stations,
        level="city",
    )
    mine = got.daily.filter(city=city).sort("date")
    assert mine["date"].min() == date(2026, 4, 1) and mine["date"].max() == date(2026, 6, 30)
    direct = daily.filter(pl.col("date").is_between(date(2026, 4, 1), date(2026, 6, 30)))
    cols = ["date", "aqi", "level", "primary_pollutant"]
    assert mine.select(cols).equals(direct.sort("date").select(cols))
    # the monthly series: one row per city and month, each the month's own evaluation
    assert got.monthly.filter(city=city)["month"].to_list() == ["2026-04", "2026-05", "2026-06"]
    may = air.evaluate_period(daily, start=date(2026, 5, 1), end=date(2026, 5, 31))
    row = got.monthly.filter(city=city, month="2026-05").row(0, named=True)
    assert row["good_day_ratio"] == may["good_day_ratio"].item()
    assert row["PM2.5"] == may["PM2.5"].item()
    # the change: like for like against the stored (recomputed) comparison
    change = got.city(city)["change"]
    prev = got.city(city)["previous"]
    cur = got.city(city)["summary"]
    assert change["good_day_ratio_change_pp"] == round(
        cur["good_day_ratio"] - prev["good_day_ratio"], 1
    )
    assert got.city("no such city") == {"summary": {}, "previous": {}, "change": {}}
    # read back from the store: the same tables
    again = figures.city_evaluations(folder, p, c)
    for name in ("daily", "changes", "monthly"):
        assert getattr(again, name).equals(getattr(got, name)), name


def test_compute_gives_a_month_and_its_year_to_date(folder: Path, capsys) -> None:
    from indicators import cli

    stored = figures.compute(folder, parse_period("2026-03"))
    assert list(stored) == ["period", "year_to_date"]
    per, cmp, got = stored["year_to_date"]
    assert (per.start, per.end, cmp.start, cmp.end) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
        date(2025, 1, 1),
        date(2025, 3, 31),
    )
    assert got.monthly["month"].unique().sort().to_list() == ["2026-01", "2026-02", "2026-03"]
    assert list(figures.compute(folder, parse_period("2026-01"))) == ["period"]
    assert list(figures.compute(folder, parse_period("2026"))) == ["period"]
    assert list(figures.compute(folder, parse_period("2026Q1"))) == ["period"]
    # a later quarter: 1 January to the quarter's end too (quarterly water reports, 1—6月)
    q2 = figures.compute(folder, parse_period("2026Q2"))
    per, cmp, _ = q2["year_to_date"]
    assert (per.label, cmp.label) == ("2026-01-01..2026-06-30", "2025-01-01..2025-06-30")
    # the command: checks the folder, computes (or reuses) and says where the figures are
    code = cli.main(["compute", "--data", str(folder), "--period", "2026-03"])
    out = " ".join(capsys.readouterr().err.split())  # the console writes to stderr
    assert code == 0
    assert "period 2026-03 vs 2025-03: 3 cities" in out
    assert "year_to_date 2026-01-01..2026-03-31 vs 2025-01-01..2025-03-31: 3 cities" in out
    assert str(figures.figures_folder(folder, parse_period("2026-03"), cmp, "auto").parent) in out
    assert cli.main(["compute", "--data", str(folder), "--period", "2026-13"]) == 2


def test_warnings_are_kept_with_the_figures(folder: Path) -> None:
    """A warning raised while computing is stored, so a report read from the store shows it."""
    path = folder / "station_hours.parquet"
    hours = pl.read_parquet(path)
    first = hours.filter(pl.col("time").dt.year() == 2026).row(0, named=True)
    hours.with_columns(
        pl.when((pl.col("station") == first["station"]) & (pl.col("time") == first["time"]))
        .then(1600.0)  # above the usual range (1500 µg/m³), below the bound
        .otherwise(pl.col("PM2.5"))
        .alias("PM2.5")
    ).write_parquet(path)
    p, c = parse_period("2026"), parse_period("2025")
    with pytest.warns(Warning):
        got = figures.city_evaluations(folder, p, c)
    assert got.warnings and "PM2.5" in " ".join(got.warnings)
    again = figures.city_evaluations(folder, p, c)
    assert again.warnings == got.warnings


def test_demo_command_writes_n_cities(tmp_path: Path) -> None:
    from indicators import cli

    assert cli.main(["demo", "--cities", "5", "--out", str(tmp_path / "d")]) == 0
    stations = pl.read_parquet(tmp_path / "d" / "stations.parquet")
    assert stations["city"].n_unique() == 5
    assert stations.group_by("city").len()["len"].min() >= 5
    with pytest.raises(SystemExit):
        cli.main(["demo", "--cities", "0", "--out", str(tmp_path / "e")])


def test_store_holds_every_citys_cwqi_and_its_ranks(folder: Path) -> None:
    p, c = parse_period("2026"), parse_period("2025")
    got = figures.city_evaluations(folder, p, c).cwqi
    registry = pl.read_parquet(folder / "water_sections.parquet")
    results = pl.read_parquet(folder / "water_results.parquet")

    def year(y: int) -> pl.DataFrame:
        rows = results.filter(pl.col("date").dt.year() == y)
        return water.cwqi(rows, registry, by="city", period="year")

    direct = water.cwqi_change(year(2026), year(2025)).sort("city")
    status = got.filter(ranking="status").sort("city")
    assert (
        status["city"].to_list() == direct["city"].to_list() == sorted(c.name for c in CITIES[:3])
    )
    assert status["cwqi"].to_list() == pytest.approx(direct["cwqi"].to_list(), rel=1e-12)
    change = got.filter(ranking="change").sort("city")
    assert change["cwqi_change"].to_list() == pytest.approx(direct["cwqi_change"].to_list())
    # smaller is better: rank 1 holds the smallest index of the folder's cities
    assert status.sort("rank")["cwqi"].is_sorted()
    assert status["n_ranked"].to_list() == [3, 3, 3]
    assert set(status["period_start"]) == {date(2026, 1, 1)}
    assert set(status["period_end"]) == {date(2026, 12, 31)}
    # stored and read back as computed
    again = figures.city_evaluations(folder, p, c).cwqi
    assert again.equals(got)


def test_a_folder_without_surface_water_has_no_cwqi(folder: Path) -> None:
    (folder / "water_results.parquet").unlink()
    got = figures.city_evaluations(folder, parse_period("2026"), parse_period("2025"))
    assert got.cwqi is None and got.summary.height == 3


def test_store_holds_every_citys_daily_history_under_one_edition(folder: Path) -> None:
    got = figures.city_evaluations(folder, parse_period("2026-03"), parse_period("2025-03"))
    hours = pl.read_parquet(folder / "station_hours.parquet").filter(
        pl.col("time") <= pl.datetime(2026, 4, 1)
    )
    stations = pl.read_parquet(folder / "stations.parquet")
    # from the first station hour to the period's end, under the edition in force at its end
    direct = air.daily_aqi(hours, stations=stations, level="city", edition="HJ 633-2026")
    assert got.history.select("city", "date", "aqi", "PM2.5").equals(
        direct.sort("city", "date").select("city", "date", "aqi", "PM2.5")
    )
    assert got.history["date"].min() == date(2025, 1, 1)
    assert got.history["date"].max() == date(2026, 3, 31)
    assert figures.history_edition("HJ 633-2012", date(2026, 3, 31)) == "HJ 633-2012"


def test_the_report_states_the_citys_cwqi_and_ranks(folder: Path) -> None:
    from indicators.report.sections import cwqi_line, open_report, water_sections

    city = CITIES[0].name
    ctx = open_report(city, "2026", data=str(folder))
    line = cwqi_line(ctx)
    got = ctx.cities.cwqi.filter(city=city)
    status = got.filter(ranking="status").row(0, named=True)
    assert line["cwqi"] == status["cwqi"] and line["rank"] == status["rank"]
    assert line["n_ranked"] == 3
    change = got.filter(ranking="change").row(0, named=True)
    assert line["cwqi_change"] == pytest.approx(change["cwqi_change"])
    assert f"{status['cwqi']:.4f}" in line["text"] and "个城市中排第" in line["text"]
    assert line["text"] in water_sections(ctx)._repr_html_()
    en = cwqi_line(open_report(city, "2026", data=str(folder), lang="en"))["text"]
    assert en.startswith("City water quality index (CWQI)") and "year on year" in en


def test_the_store_holds_every_citys_trends_and_three_year_means(folder: Path) -> None:
    """Trend series and tests for every city, equal to one city's own computation; the
    three-year means only for a calendar year (empty here: the data start in 2025)."""
    from polars.testing import assert_frame_equal

    from indicators.figures import monthly_trends as mt

    got = figures.city_evaluations(folder, parse_period("2026"), parse_period("2025"))
    cities = got.summary["city"].sort().to_list()
    assert got.trends["city"].unique().sort().to_list() == cities
    assert got.trends.height == 3 * len(cities)
    for city in cities:
        history = got.history.filter(pl.col("city") == city)
        series = mt.trend_series(history, date(2026, 12, 31))
        assert series["PM2.5"].height == 24  # January 2025 .. December 2026
        stored = mt.series_of(got.trend_series, city)
        for key, frame in series.items():
            assert_frame_equal(stored[key], frame)
        assert_frame_equal(mt.results_of(got.trends, city), mt.trend_results(series))
    assert got.three_year is not None and got.three_year.is_empty()
    month = figures.city_evaluations(folder, parse_period("2026-03"), parse_period("2025-03"))
    assert month.three_year is None
    assert mt.series_of(month.trend_series, cities[0])["PM2.5"].height == 15  # .. 2026-03
    again = figures.city_evaluations(folder, parse_period("2026"), parse_period("2025"))
    assert_frame_equal(again.trends, got.trends)  # read back from the store


def test_the_three_year_means_are_the_means_of_the_three_annual_evaluations(tmp_path) -> None:
    """HJ 663-2026 三年滑动平均 of 2026 from 2024-2026 data: the stored row of each city is
    the mean of its three annual values, each from the history's one edition."""
    write_demo(tmp_path, cities=CITIES[:2], start=date(2024, 1, 1), end=date(2026, 12, 31))
    got = figures.city_evaluations(tmp_path, parse_period("2026"), parse_period("2025"))
    means = got.three_year.sort("city")
    assert means["city"].to_list() == sorted(got.summary["city"].to_list())
    dust = figures.dust_flags(tmp_path)
    for row in means.iter_rows(named=True):
        series = got.history.filter(pl.col("city") == row["city"])
        annual = [
            air.evaluate_period(series, start=date(y, 1, 1), end=date(y, 12, 31), dust=dust)
            for y in (2024, 2025, 2026)
        ]
        pm25 = sum(a["PM2.5"][0] for a in annual) / 3
        assert row["first_year"] == 2024
        # rounded as the annual values are (GB/T 8170 half to even, µg/m³ to an integer)
        assert row["PM2.5"] == round(pm25)


def _list_rows(page: str, title: str) -> list[list[str]]:
    """The rows (cell texts) of the list table whose title is ``title``."""
    import html
    import re

    part = page.split(html.escape(title), 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", part, re.S)
    return [
        [html.unescape(re.sub("<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", r)]
        for r in rows
        if "<td" in r
    ]


def test_the_water_section_lists_the_cwqi_rankings(folder: Path) -> None:
    """One table of all cities per ranking with 30 or fewer; best and worst 30 beyond."""
    from indicators.report import sections
    from indicators.report.labels import label

    city = CITIES[0].name
    ctx = sections.open_report(city, "2026", data=str(folder))
    page = sections.water_sections(ctx)._repr_html_()
    status = ctx.cities.cwqi.filter(ranking="status").sort("rank")
    rows = _list_rows(page, label("cwqi_list_status_all", "zh", n=3))
    assert [r[1] for r in rows] == status["city"].to_list()
    assert [r[2] for r in rows] == [f"{v:.4f}" for v in status["rank_value"]]
    assert label("cwqi_list_change_all", "zh", n=3) in page
    # 36 cities: the best 30 and the worst 30 by CWQI (4.0, 4.1 ... 7.5); 乙 and 丙 tie
    names = [city, *(f"城市{i:02d}" for i in range(1, 36))]
    values = [4.0 + 0.1 * i for i in range(36)]
    values[2] = values[1]
    ranked = water.cwqi_ranking(pl.DataFrame({"city": names, "cwqi": values}), n=30)
    ctx = sections.open_report(city, "2026", data=str(folder))
    ctx.cities.cwqi = ranked
    page = sections.water_sections(ctx)._repr_html_()
    best = _list_rows(page, label("cwqi_list_status_best", "zh", k=30, n=36))
    worst = _list_rows(page, label("cwqi_list_status_worst", "zh", k=30, n=36))
    assert len(best) == len(worst) == 30
    assert best[0] == ["1", city, "4.0000"] and best[1][0] == best[2][0] == "2（并列）"
    assert best[29] == ["30", "城市29", "6.9000"]
    assert worst[0] == ["1", "城市35", "7.5000"] and worst[-1][1] == "城市06"
    assert "cwqi_list_change" not in page and "变化率排名" not in page.split("ind-cwqi")[1]


def test_the_stage_reads_each_window_of_every_station_once(folder: Path, monkeypatch) -> None:
    # 2026 against 2025: the period's evaluation, completeness and year of the daily
    # series, and the comparison's rules (of its first city) and two evaluations (2025 is
    # HJ 633-2012) share one read
    reads: list[tuple[date, date, int]] = []
    scan = figures._hours_scan  # (every read of station hours: city_hours too)

    def counted(data, stations, start, end):
        reads.append((start, end, stations.height))
        return scan(data, stations, start, end)

    monkeypatch.setattr(figures, "_hours_scan", counted)
    got = figures.compute_city_evaluations(folder, parse_period("2026"), parse_period("2025"))
    assert got.rules is not None and got.completeness is not None
    every = pl.read_parquet(folder / "stations.parquet").height
    assert {n for *_, n in reads} == {every}  # the first city's comparison too: no own read
    windows = [(a, b) for a, b, _ in reads]
    assert len(windows) == len(set(windows))
    assert {(date(2026, 1, 1), date(2026, 12, 31)), (date(2025, 1, 1), date(2025, 12, 31))} <= set(
        windows
    )


def test_station_completeness_counts_the_valid_hours_of_the_daily_values() -> None:
    from datetime import datetime, timedelta

    from indicators.figures.completeness import station_completeness

    # one station, 2025-07-01 and 02: SO2 missing at 3 hours of the first day and NaN at
    # a fourth (NaN is a missing value), NO2 missing all the second day
    times = [datetime(2025, 7, 1, 1) + timedelta(hours=h) for h in range(48)]
    so2 = [None if h in (0, 1, 2) else float("nan") if h == 3 else 5.0 for h in range(48)]
    hours = pl.DataFrame(
        {
            "station": "S1",
            "time": times,
            "SO2": so2,
            "NO2": [30.0] * 24 + [None] * 24,
            "PM10": 60.0,
            "CO": 0.8,
            "O3": 80.0,
            "PM2.5": 35.0,
        }
    )
    stations = pl.DataFrame({"station": ["S1", "S2"], "name": ["a", "b"], "background": False})
    start, end = date(2025, 7, 1), date(2025, 7, 2)
    got = station_completeness(hours, stations, start, end, "auto")
    again = station_completeness(air.daily_concentrations(hours), stations, start, end, "auto")
    assert got.equals(again)
    s1, s2 = got.row(0, named=True), got.row(1, named=True)
    assert (s1["h_SO2"], s1["h_NO2"], s1["h_PM10"], s1["hours_expected"]) == (44, 24, 48, 48)
    # day 1: SO2 on 20 hours, the fewest a daily mean needs; day 2: no NO2 (HJ 633-2012
    # daily AQI needs every pollutant)
    assert s1["days_valid"] == 1
    assert (s2["h_SO2"], s2["days_valid"]) == (0, 0)  # a station without hours


def test_the_store_holds_each_citys_set_ranks_completeness_and_own_rules_comparison(
    folder: Path, monkeypatch
) -> None:
    from polars.testing import assert_frame_equal

    from indicators.figures.completeness import station_completeness

    p, c = parse_period("2026-03"), parse_period("2025-03")
    got = figures.city_evaluations(folder, p, c)
    assert got.rules is not None  # 2025-03 is HJ 633-2012: evaluated twice
    stations = pl.read_parquet(folder / "stations.parquet")
    for city in stations["city"].unique().to_list():
        mine = stations.filter(pl.col("city") == city)
        hours = figures.city_hours(folder, mine, p.start, p.end)
        direct = station_completeness(hours, mine, p.start, p.end, "auto")
        stored = got.completeness.filter(pl.col("city") == city).drop("city")
        assert_frame_equal(stored, direct)
        assert stored["hours_expected"].unique().to_list() == [31 * 24]
        ranks = got.set_ranks.filter(pl.col("city") == city).drop("city")
        assert_frame_equal(ranks, figures.set_ranks(folder, got.summary, city))
        own = figures.evaluate_air(folder, mine, c.start, c.end, "auto")[1]
        assert_frame_equal(
            got.previous_own.filter(pl.col("city") == city), own, check_column_order=False
        )
        assert own["aqi_edition"].to_list() == ["HJ 633-2012"]
    # a store read back from disk has the same tables
    monkeypatch.setattr(figures, "_READ", {})  # not the copy this process keeps
    again = figures.city_evaluations(folder, p, c)
    for name in ("completeness", "set_ranks", "previous_own"):
        assert_frame_equal(getattr(again, name), getattr(got, name))


def test_a_report_presents_stored_figures_without_reading_station_hours(
    folder: Path, monkeypatch
) -> None:
    from indicators.report import sections as sec
    from indicators.report.sections import open_report

    city = CITIES[0].name
    figures.compute(folder, parse_period("2026-03"))  # the stage, before the report

    def fail(*args, **kwargs):
        raise AssertionError("station hours read while presenting stored figures")

    monkeypatch.setattr(figures, "city_hours", fail)
    monkeypatch.setattr(figures, "evaluate_air", fail)
    ctx = open_report(city, "2026-03", data=str(folder))
    assert ctx.hourly is None and ctx.recomputed  # 2025-03 under its own rules too
    assert ctx.previous["aqi_edition"] == "HJ 633-2012"
    assert ctx.recomputed["aqi_edition"] == "HJ 633-2026"
    shown = [fn(ctx) for fn in (sec.air_evaluation, sec.ranking, sec.completeness)]
    assert all(s.parts for s in shown)
    assert set(sec.set_ranks(ctx)["set"]) <= {
        "key_168",
        "jjj_2p26",
        "yrd_41",
        "fenwei_11",
        "province",
    }
