"""air.time_average: openair timeAverage with the official rules or a data-capture percentage.

Expected values are worked by hand below (each test says how), and, for the
official rules, the package's official daily and period figures
(``daily_concentrations``, ``daily_aqi``, ``evaluate_period``) on the demo data.
Thresholds are read from the ``air_validity`` table (GB 3095 Table 4: a day
20 valid hours, a month 27 valid days, February 25, a year 324).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from indicators import air
from indicators.demo import CITIES, DEMO_SEED, station_list
from indicators.demo import air as demo_air
from indicators.errors import IndicatorInputError

DAY_HOURS = air.validity_threshold("daily_mean")  # 20
MONTH_DAYS = air.validity_threshold("monthly_mean")  # 27
FEB_DAYS = air.validity_threshold("monthly_mean_february")  # 25
YEAR_DAYS = air.validity_threshold("annual_mean")  # 324
P5 = ["SO2", "NO2", "PM10", "PM2.5", "CO"]


def hours(values: list[float | None], start: datetime = datetime(2026, 5, 1, 1), **extra):
    """One station's consecutive hours from ``start`` (hour-ending) with PM2.5 ``values``."""
    t = [start + timedelta(hours=h) for h in range(len(values))]
    return pl.DataFrame({"station": "S1", "time": t, "PM2.5": values, **extra})


def days(values: list[float | None], start: date, city: str = "X") -> pl.DataFrame:
    d = [start + timedelta(days=i) for i in range(len(values))]
    return pl.DataFrame(
        {"city": city, "date": d, "PM2.5": values}, schema_overrides={"PM2.5": pl.Float64}
    )


# ------------------------------------------------------------------ official rules, by hand


def test_thresholds_come_from_the_table():
    assert (DAY_HOURS, MONTH_DAYS, FEB_DAYS, YEAR_DAYS) == (20, 27, 25, 324)


def test_day_needs_20_valid_hours():
    # day 1: 24 hours of 10 -> 10; day 2: 19 values of 20 and 5 gaps -> 19 < 20, null;
    # day 3: 20 values (4 gaps): mean of 20 values 1..20 = 10.5
    vals = [10.0] * 24 + [20.0] * 19 + [None] * 5 + [float(v) for v in range(1, 21)] + [None] * 4
    got = air.time_average(hours(vals), "day")
    assert got.select("period_start", "PM2.5", "n_PM2.5", "n_expected", "n_required").rows() == [
        (date(2026, 5, 1), 10.0, 24, 24, DAY_HOURS),
        (date(2026, 5, 2), None, 19, 24, DAY_HOURS),
        (date(2026, 5, 3), 10.5, 20, 24, DAY_HOURS),
    ]


def test_hour_ending_natural_day():
    # labels D 01:00 .. D+1 00:00 are day D: the value at 2 May 00:00 closes 1 May.
    # The hour labelled 1 May 00:00 closes 30 April, a day the data do not hold: left out
    # (as daily_concentrations does).
    vals = [100.0] + [10.0] * 23 + [34.0]  # 1 May 00:00 .. 2 May 00:00
    got = air.time_average(hours(vals, start=datetime(2026, 5, 1, 0)), "day", data_thresh=0)
    # 1 May: 23 values of 10 and 34 -> (230 + 34) / 24 = 11
    assert got.select("period_start", "PM2.5", "n_PM2.5").rows() == [(date(2026, 5, 1), 11.0, 24)]
    # hourly periods start at the beginning of the hour the label ends
    h = air.time_average(hours([5.0, 6.0]), "hour")
    assert h.select("period_start", "PM2.5").rows() == [
        (datetime(2026, 5, 1, 0), 5.0),
        (datetime(2026, 5, 1, 1), 6.0),
    ]


def test_month_needs_27_valid_days_february_25():
    march = days([30.0] * 27 + [None] * 4, date(2026, 3, 1))
    april = days([30.0] * 26 + [None] * 4, date(2026, 4, 1))
    feb = days([40.0] * 25 + [None] * 3, date(2026, 2, 1))
    got = air.time_average(pl.concat([feb, march, april]), "month")
    assert got.select("period_start", "PM2.5", "n_PM2.5", "n_expected", "n_required").rows() == [
        (date(2026, 2, 1), 40.0, 25, 28, FEB_DAYS),
        (date(2026, 3, 1), 30.0, 27, 31, MONTH_DAYS),
        (date(2026, 4, 1), None, 26, 30, MONTH_DAYS),
    ]


def test_year_needs_324_valid_days_and_other_spans_the_documented_rule():
    year = days([20.0] * 324 + [None] * 41, date(2025, 1, 1))
    got = air.time_average(year, "year")
    assert got.select("PM2.5", "n_PM2.5", "n_required").row(0) == (20.0, 324, YEAR_DAYS)
    short = days([20.0] * 323 + [None] * 42, date(2025, 1, 1))
    assert air.time_average(short, "year")["PM2.5"].item() is None
    # a week has no rule of its own: ceil(7 × 324 / 365) = 7 (air.required_days)
    week = air.time_average(days([1.0] * 14, date(2026, 3, 2)), "week")
    assert week["n_required"].to_list() == [7, 7]
    assert air.required_days(date(2026, 3, 2), date(2026, 3, 8)) == 7


def test_official_month_from_hours_is_two_stage():
    # 28 days of February 2026; day k has 24 hours of value k, except day 1 with 19 hours
    # (invalid). Valid days 2..28 = 27 >= 25: mean (2 + ... + 28) / 27 = 15
    vals: list[float | None] = []
    for k in range(1, 29):
        vals += [float(k)] * (19 if k == 1 else 24) + ([None] * 5 if k == 1 else [])
    got = air.time_average(hours(vals, start=datetime(2026, 2, 1, 1)), "month")
    assert got.select("period_start", "PM2.5", "n_PM2.5", "n_expected").row(0) == (
        date(2026, 2, 1),
        15.0,
        27,
        28,
    )
    # with a percentage: one stage over the hours, 19 + 27 × 24 = 667 of 672 hours (99.3 %)
    one = air.time_average(hours(vals, start=datetime(2026, 2, 1, 1)), "month", data_thresh=99)
    assert one.select("n_PM2.5", "n_expected", "n_required").row(0) == (667, 672, 666)
    assert one["PM2.5"].item() == pytest.approx((19 * 1 + sum(24 * k for k in range(2, 29))) / 667)


# ------------------------------------------------------------------ data_thresh (openair)


@pytest.mark.parametrize(
    ("thresh", "n_valid", "valid"),
    [(75, 18, True), (75, 17, False), (0, 1, True), (100, 24, True), (100, 23, False)],
)
def test_percentage_threshold_is_closed(thresh, n_valid, valid):
    # 75 % of 24 hours = 18 hours: 18 valid passes, 17 fails
    got = air.time_average(hours([5.0] * n_valid + [None] * (24 - n_valid)), "day", thresh)
    assert (got["PM2.5"].item() == 5.0) is valid
    assert got["n_PM2.5"].item() == n_valid


def test_absent_records_count_as_missing():
    # 12 hours present of a 24-hour day: 50 % capture, whatever the frame holds
    got = air.time_average(hours([5.0] * 12), "day", data_thresh=50)
    assert got.select("PM2.5", "n_PM2.5", "n_expected").row(0) == (5.0, 12, 24)
    assert air.time_average(hours([5.0] * 12), "day", data_thresh=51)["PM2.5"].item() is None


def test_sub_daily_custom_periods():
    vals = [1.0, 2.0, 3.0, 4.0, None, 6.0]
    with pytest.raises(IndicatorInputError, match="no official validity rule"):
        air.time_average(hours(vals), "3h")
    got = air.time_average(hours(vals), "3H", data_thresh=100)
    # windows 00:00-03:00 (labels 01..03) and 03:00-06:00 (labels 04..06)
    assert got.select("period_start", "PM2.5", "n_PM2.5", "n_expected").rows() == [
        (datetime(2026, 5, 1, 0), 2.0, 3, 3),
        (datetime(2026, 5, 1, 3), None, 2, 3),
    ]


# ------------------------------------------------------------------ statistics


def test_statistics_by_hand():
    # HJ 663 worked example: [3, 4, 8, 2, 5, 4], P90: k = 1 + 5 × 0.9 = 5.5 -> 5 + 0.5 × 3 = 6.5
    d = days([3.0, 4.0, 8.0, 2.0, 5.0, 4.0], date(2026, 3, 2))  # a Monday .. Saturday
    expected = {
        "mean": 26 / 6,
        "median": 4.0,
        "max": 8.0,
        "min": 2.0,
        "sum": 26.0,
        "p90": 6.5,
        "p50": 4.0,
    }
    for stat, value in expected.items():
        got = air.time_average(d, "week", data_thresh=0, statistic=stat)
        assert got["PM2.5"].item() == pytest.approx(value), stat
    count = air.time_average(d, "week", data_thresh=100, statistic="count")
    assert count["PM2.5"].to_list() == [6]  # a count is never null
    assert air.time_average(d, "week", data_thresh=100)["PM2.5"].item() is None  # 6 of 7


@pytest.mark.parametrize("bad", ["p", "p101", "average", "P-5", 95])
def test_unknown_statistic(bad):
    with pytest.raises(IndicatorInputError, match="statistic"):
        air.time_average(days([1.0], date(2026, 1, 1)), "month", statistic=bad)


# ------------------------------------------------------------------ periods


def test_seasons_december_opens_winter():
    d = pl.concat([days([1.0] * 31, date(2025, 12, 1)), days([2.0] * 59, date(2026, 1, 1))]).vstack(
        days([3.0] * 31, date(2026, 3, 1))
    )
    got = air.time_average(d, "season", data_thresh=0)
    assert got.select("period_start", "season", "n_PM2.5", "n_expected").rows() == [
        (date(2025, 12, 1), "DJF", 90, 90),
        (date(2026, 3, 1), "MAM", 31, 92),
    ]
    assert got["PM2.5"][0] == pytest.approx((31 * 1 + 59 * 2) / 90)
    # DJF 2025/26 has 90 days: ceil(90 × 324 / 365) = 80 valid days needed
    assert air.time_average(d, "season")["n_required"].to_list() == [80, 82]


@pytest.mark.parametrize(
    ("period", "starts"),
    [
        ("week", [date(2026, 3, 30), date(2026, 4, 6)]),  # ISO weeks start on Monday
        ("1w", [date(2026, 3, 30), date(2026, 4, 6)]),
        ("month", [date(2026, 4, 1)]),
        ("MS", [date(2026, 4, 1)]),
        ("1mo", [date(2026, 4, 1)]),
        ("quarter", [date(2026, 4, 1)]),
        ("QS", [date(2026, 4, 1)]),
        ("year", [date(2026, 1, 1)]),
        ("YS", [date(2026, 1, 1)]),
        ("D", [date(2026, 4, 1) + timedelta(days=i) for i in range(7)]),
        # 2 days counted from 1970-01-01: 2026-04-01 is day 20544 (even)
        ("48h", [date(2026, 4, 1) + timedelta(days=2 * i) for i in range(4)]),
    ],
)
def test_period_spellings(period, starts):
    d = days([1.0] * 7, date(2026, 4, 1))  # Wednesday 1 April .. Tuesday 7 April
    got = air.time_average(d, period, data_thresh=0)
    assert got["period_start"].to_list() == starts


@pytest.mark.parametrize("bad", ["m", "M", "fortnight", "0d", "5min", 3])
def test_unknown_period(bad):
    with pytest.raises(IndicatorInputError, match="period"):
        air.time_average(days([1.0], date(2026, 1, 1)), bad)


def test_daily_values_cannot_make_hours():
    with pytest.raises(IndicatorInputError, match="hours"):
        air.time_average(days([1.0], date(2026, 1, 1)), "hour")


# ------------------------------------------------------------------ input checks


@pytest.mark.parametrize("bad", [-1, 101, float("nan"), "75", True])
def test_threshold_must_be_a_percentage(bad):
    with pytest.raises(IndicatorInputError, match="data_thresh"):
        air.time_average(days([1.0], date(2026, 1, 1)), "month", data_thresh=bad)


def test_one_series_per_group():
    two = pl.concat([hours([1.0] * 3), hours([2.0] * 3).with_columns(station=pl.lit("S2"))])
    with pytest.raises(IndicatorInputError, match="appears twice"):
        air.time_average(two, "day", data_thresh=0, by=[])  # two stations merged: refused
    got = air.time_average(two, "day", data_thresh=0)  # default: by station
    assert got.select("station", "PM2.5").rows() == [("S1", 1.0), ("S2", 2.0)]


def test_bad_columns_are_named():
    with pytest.raises(IndicatorInputError) as exc:
        air.time_average(hours([1.0], note=["x"]), "day", columns=["note"])
    assert exc.value.column == "note"
    with pytest.raises(IndicatorInputError, match="time must be a datetime"):
        air.time_average(hours([1.0]).with_columns(pl.col("time").cast(pl.String)), "day")
    with pytest.raises(IndicatorInputError, match="China Standard Time"):
        air.time_average(
            hours([1.0]).with_columns(pl.col("time").dt.replace_time_zone("UTC")), "day"
        )
    with pytest.raises(IndicatorInputError, match="not on the hour"):
        air.time_average(hours([1.0]).with_columns(pl.col("time") + pl.duration(minutes=30)), "day")


def test_lazy_empty_all_null_and_order():
    h = hours([float(v % 7) for v in range(72)])
    eager = air.time_average(h, "day")
    lazy = air.time_average(h.lazy(), "day")
    assert isinstance(lazy, pl.LazyFrame)
    assert_frame_equal(lazy.collect(), eager)
    assert_frame_equal(air.time_average(h.sample(fraction=1.0, shuffle=True, seed=1), "day"), eager)
    assert air.time_average(h.clear(), "month").height == 0
    nulls = air.time_average(h.with_columns(pl.lit(None, pl.Float64).alias("PM2.5")), "day")
    assert nulls["PM2.5"].null_count() == 3 and nulls["n_PM2.5"].to_list() == [0, 0, 0]


# ------------------------------------------------------------------ against the official figures


@pytest.fixture(scope="module")
def demo_hours() -> pl.DataFrame:
    stations = station_list(CITIES[:1])
    return demo_air.generate(CITIES[:1], stations, date(2026, 1, 1), date(2026, 3, 31), DEMO_SEED)[
        "station_hours"
    ]


def test_days_equal_daily_concentrations(demo_hours):
    """time_average(hours, "day") = daily_concentrations (GB 3095 Table 4, HJ 663 §6.1.2)."""
    ta = air.time_average(demo_hours, "day")
    dc = air.daily_concentrations(demo_hours, method="strict")
    cols = [*P5, "O3_MDA8", *[f"n_{p}" for p in P5], "n_O3_8h"]
    assert_frame_equal(
        ta.select("station", pl.col("period_start").alias("date"), *cols),
        dc.select("station", "date", *cols),
    )
    assert ta.select(pl.col(P5).null_count()).sum_horizontal().item() > 0  # gaps exercised
    # and daily_aqi's official (rounded, GB/T 8170) station daily concentrations
    da = air.daily_aqi(demo_hours)
    rounded = ta.select(
        "station",
        pl.col("period_start").alias("date"),
        *[air.round_reported(pl.col(p), p).alias(p) for p in [*P5, "O3_MDA8"]],
    )
    assert_frame_equal(rounded, da.select("station", "date", *P5, "O3_MDA8"))


def test_months_equal_evaluate_period(demo_hours):
    """Monthly means and percentiles of the official daily values = evaluate_period (HJ 663)."""
    daily = air.daily_aqi(demo_hours)
    means = air.time_average(daily, "month", columns=["SO2", "NO2", "PM10", "PM2.5"])
    co = air.time_average(daily, "month", statistic="p95", columns=["CO"])
    o3 = air.time_average(daily, "month", statistic="p90", columns=["O3_MDA8"])
    for month in (1, 2, 3):
        start = date(2026, month, 1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        ev = air.evaluate_period(daily, start=start, end=end, by="station").sort("station")
        m = means.filter(period_start=start).sort("station")
        for p in ("SO2", "NO2", "PM10", "PM2.5"):
            got = m.select(air.round_reported(pl.col(p), p))[p]
            assert got.to_list() == ev[p].to_list(), (month, p)
            assert m[f"n_{p}"].to_list() == ev[f"n_days_{p}"].to_list()
        c = co.filter(period_start=start).sort("station")
        assert (
            c.select(air.round_reported(pl.col("CO"), "CO"))["CO"].to_list()
            == ev["CO_P95"].to_list()
        )
        o = o3.filter(period_start=start).sort("station")
        got = o.select(air.round_reported(pl.col("O3_MDA8"), "O3"))["O3_MDA8"].to_list()
        assert got == ev["O3_MDA8_P90"].to_list()
        assert m["n_required"].to_list() == ev["required_days"].to_list()


def test_city_hours(demo_hours):
    """City hours (one series per city) average like station hours, grouped by city."""
    stations = station_list(CITIES[:1])
    city = (
        demo_hours.join(stations.select("station", "city"), on="station")
        .group_by("city", "time")
        .agg(pl.col("PM2.5").mean())
    )
    got = air.time_average(city, "month", data_thresh=75)
    assert got.columns[:2] == ["city", "period_start"]
    assert got.height == 3 and got["PM2.5"].null_count() == 0


# ------------------------------------------------------------------ monthly and year-to-date tables


@pytest.fixture(scope="module")
def two_years() -> pl.DataFrame:
    """City daily AQI of two demo cities, 2025-01-01 .. 2026-03-31 (for the 同比 a year earlier)."""
    cities = CITIES[:2]
    stations = station_list(cities)
    h = demo_air.generate(cities, stations, date(2025, 1, 1), date(2026, 3, 31), DEMO_SEED)
    return air.daily_aqi(h["station_hours"], stations=stations, level="city")


def _direct(daily: pl.DataFrame, start: str, end: str, earlier: tuple[str, str]) -> pl.DataFrame:
    cur = air.evaluate_period(daily, start=start, end=end)
    prev = air.evaluate_period(daily, start=earlier[0], end=earlier[1])
    return air.compare_periods(cur, prev)


def test_evaluate_months_equals_direct_evaluations(two_years):
    got = air.evaluate_months(two_years, "2026Q1")
    assert got.select("city", "month").rows() == [
        (c, m) for c in ("临江市", "清河市") for m in ("2026-01", "2026-02", "2026-03")
    ]
    months = {
        "2026-01": ("2026-01-01", "2026-01-31", ("2025-01-01", "2025-01-31")),
        "2026-02": ("2026-02-01", "2026-02-28", ("2025-02-01", "2025-02-28")),
        "2026-03": ("2026-03-01", "2026-03-31", ("2025-03-01", "2025-03-31")),
    }
    for month, (start, end, earlier) in months.items():
        expected = _direct(two_years, start, end, earlier).sort("city")
        rows = got.filter(month=month).sort("city")
        assert rows["period"].unique().to_list() == [month]
        assert rows["compare_period"].unique().to_list() == [earlier[0][:7]]
        assert_frame_equal(rows.select(expected.columns), expected)
    # the change in the bulletins' units, by hand for one row
    r = got.filter(city="清河市", month="2026-03").row(0, named=True)
    assert r["good_day_ratio_change_pp"] == round(
        r["good_day_ratio"] - r["good_day_ratio_previous"], 1
    )
    pct = (r["PM2.5"] - r["PM2.5_previous"]) / r["PM2.5_previous"] * 100
    assert r["PM2.5_change_pct"] == round(pct, 1)
    ci = (r["composite_index"] - r["composite_index_previous"]) / r["composite_index_previous"]
    assert r["composite_index_change_pct"] == round(ci * 100, 1)


def test_evaluate_months_of_a_year_number_and_cut_months(two_years):
    whole = air.evaluate_months(two_years, 2026)  # papermill -p period 2026 gives a number
    assert whole["month"].unique().sort().to_list() == ["2026-01", "2026-02", "2026-03"]
    cut = air.evaluate_months(two_years, "2026-01-15..2026-02-10", by="city")
    assert cut.select("city", "month", "period").rows()[:2] == [
        ("临江市", "2026-01", "2026-01-15..2026-01-31"),
        ("临江市", "2026-02", "2026-02-01..2026-02-10"),
    ]
    expected = _direct(two_years, "2026-01-15", "2026-01-31", ("2025-01-15", "2025-01-31"))
    assert_frame_equal(
        cut.filter(month="2026-01").select(expected.columns).sort("city"), expected.sort("city")
    )


def test_year_to_date_equals_direct_evaluations(two_years):
    got = air.year_to_date(two_years, through="2026-03")
    assert got.filter(city="清河市").select("month", "period", "compare_period").rows() == [
        ("2026-01", "2026-01-01..2026-01-31", "2025-01-01..2025-01-31"),
        ("2026-02", "2026-01-01..2026-02-28", "2025-01-01..2025-02-28"),
        ("2026-03", "2026-01-01..2026-03-31", "2025-01-01..2025-03-31"),
    ]
    for month, end, earlier_end in (
        ("2026-01", "2026-01-31", "2025-01-31"),
        ("2026-02", "2026-02-28", "2025-02-28"),
        ("2026-03", "2026-03-31", "2025-03-31"),
    ):
        expected = _direct(two_years, "2026-01-01", end, ("2025-01-01", earlier_end)).sort("city")
        assert_frame_equal(got.filter(month=month).select(expected.columns).sort("city"), expected)
    # a date in the month, and the lazy kind, give the same table
    assert_frame_equal(air.year_to_date(two_years, through=date(2026, 3, 5)), got)
    lazy = air.year_to_date(two_years.lazy(), through="2026-03")
    assert isinstance(lazy, pl.LazyFrame)
    assert_frame_equal(lazy.collect(), got)


def test_year_to_date_needs_a_month():
    with pytest.raises(IndicatorInputError, match="not a month"):
        air.year_to_date(days([1.0], date(2026, 1, 1)), through="2026Q1")


# ------------------------------------------------------------------ data capture (openair)


def _capture_hours() -> pl.DataFrame:
    """Station A: January 2026 with 700 valid hours of 744 (40 null, 4 absent), values
    1..700; station B: the 672 hours of February, all valid, value 5 (CO: none valid)."""
    jan = [datetime(2026, 1, 1, 1) + timedelta(hours=h) for h in range(744)]
    a = pl.DataFrame(
        {"station": "A", "time": jan[:740], "NO2": [float(v) for v in range(1, 701)] + [None] * 40}
    )
    feb = [datetime(2026, 2, 1, 1) + timedelta(hours=h) for h in range(672)]
    b = pl.DataFrame({"station": "B", "time": feb, "NO2": 5.0})
    both = pl.concat([a, b], how="diagonal")
    return both.with_columns(pl.lit(None, pl.Float64).alias("CO"))


def test_data_capture_by_hand():
    got = air.data_capture(_capture_hours())
    cols = ["station", "period_start", "period_end", "pollutant", "n_valid", "n_expected"]
    # 31 x 24 = 744 January hours, 28 x 24 = 672 in February; pollutants in HJ 633 order
    assert got.select(cols).rows() == [
        ("A", date(2026, 1, 1), date(2026, 1, 31), "NO2", 700, 744),
        ("A", date(2026, 1, 1), date(2026, 1, 31), "CO", 0, 744),
        ("A", date(2026, 2, 1), date(2026, 2, 28), "NO2", 0, 672),
        ("A", date(2026, 2, 1), date(2026, 2, 28), "CO", 0, 672),
        ("B", date(2026, 1, 1), date(2026, 1, 31), "NO2", 0, 744),
        ("B", date(2026, 1, 1), date(2026, 1, 31), "CO", 0, 744),
        ("B", date(2026, 2, 1), date(2026, 2, 28), "NO2", 672, 672),
        ("B", date(2026, 2, 1), date(2026, 2, 28), "CO", 0, 672),
    ]
    a_jan = got.row(0, named=True)
    assert round(a_jan["capture_pct"], 2) == 94.09  # 700 / 744 x 100 = 94.086
    assert a_jan["capture_pct"] == 100 * 700 / 744
    # mean and median of 1..700 = 350.5, max 700
    assert (a_jan["mean"], a_jan["median"], a_jan["max"]) == (350.5, 350.5, 700.0)
    assert got["capture_pct"].to_list()[1:] == [0.0, 0.0, 0.0, 0.0, 0.0, 100.0, 0.0]
    empty = got.filter(n_valid=0)  # no valid hour: no statistic
    assert empty.height == 6
    assert empty.select("mean", "median", "max").null_count().row(0) == (6, 6, 6)


def test_data_capture_whole_period_cut_and_hour_ending():
    h = _capture_hours()
    # start/end cut the periods: 15 Jan .. 10 Feb = 27 days = 648 hours; A holds 1..700 from
    # 1 Jan 01:00, so its hours of 15 Jan .. 30 Jan 04:00 (values 337..700) are in
    whole = air.data_capture(h, freq=None, pollutants=["NO2"], start="2026-01-15", end="2026-02-10")
    assert whole.select(
        "station", "period_start", "period_end", "n_valid", "n_expected"
    ).rows() == [
        ("A", date(2026, 1, 15), date(2026, 2, 10), 700 - 336, 648),
        ("B", date(2026, 1, 15), date(2026, 2, 10), 240, 648),  # 1..10 Feb, 24 h each
    ]
    assert whole["max"].to_list() == [700.0, 5.0]
    # hour-ending: the hour labelled 1 Feb 00:00 closes 31 January (GB 3095-2026 §3.10)
    t = [datetime(2026, 1, 31, 1) + timedelta(hours=h) for h in range(24)]
    day = air.data_capture(pl.DataFrame({"time": t, "O3": 1.0}), by=None, freq="day")
    assert day.select("period_start", "n_valid", "n_expected").rows() == [
        (date(2026, 1, 31), 24, 24)
    ]
    # weeks from Monday, cut to the data's days: Thu 1 .. Sun 4 January, then Mon 5 ..
    weeks = air.data_capture(h.filter(station="A"), freq="week", pollutants=["NO2"])
    assert weeks.select("period_start", "n_expected").rows()[:2] == [
        (date(2026, 1, 1), 96),
        (date(2026, 1, 5), 168),
    ]


def test_data_capture_kinds_and_the_chart_agree():
    from indicators import plot

    h = _capture_hours()
    expected = air.data_capture(h)
    got = air.data_capture(h.to_pandas())  # pandas in, pandas out
    assert isinstance(got, pd.DataFrame)
    back = pl.from_pandas(got)
    assert back.columns == expected.columns
    assert_frame_equal(back.cast(dict(expected.schema)), expected)
    lazy = air.data_capture(h.lazy())
    assert isinstance(lazy, pl.LazyFrame)
    assert_frame_equal(lazy.collect(), expected)
    # plot.data_capture draws this table: cell = capture rounded to 0.1 %
    heat = plot.data_capture(h, pollutants=["NO2"], lang="en").data[0]
    no2 = expected.filter(pollutant="NO2")
    assert [list(r) for r in heat.z] == [
        [round(v, 1) for v in no2.filter(station=s)["capture_pct"]] for s in ("A", "B")
    ]


@pytest.mark.parametrize(
    ("kwargs", "column"),
    [
        ({"freq": "hour"}, "freq"),
        ({"freq": "3h"}, "freq"),
        ({"freq": "fortnight"}, "period"),
        ({"pollutants": ["PM2.5"]}, "PM2.5"),
        ({"by": "city"}, "city"),
        ({"start": "2026-02-01", "end": "2026-01-01"}, "end"),
    ],
)
def test_data_capture_bad_arguments_are_named(kwargs, column):
    with pytest.raises(IndicatorInputError) as exc:
        air.data_capture(_capture_hours(), **kwargs)
    assert exc.value.column == column
