"""Synthetic air demo data (indicators.demo.air): determinism, layout, and realism targets.

The realism targets come from issue 2 section 2 (annual means, P95/P90 statistics,
episodes, missing data). The daily good-day check is a small approximation written
here (``approx_city_daily`` / ``approx_good_day``), to be replaced by
``indicators.air.daily_aqi`` / ``evaluate_period``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from indicators.demo import CITIES, DEMO_END, DEMO_SEED, DEMO_START, make_cities, station_list
from indicators.demo.air import generate
from indicators.errors import IndicatorInputError
from indicators.glossary import STATION_HOUR_COLUMNS
from indicators.standards import table

POLLUTANTS = ["SO2", "NO2", "PM10", "CO", "O3", "PM2.5"]
DAILY_MEANS = ["SO2", "NO2", "PM10", "CO", "PM2.5"]
INLAND = [c.name for c in CITIES if not c.coastal]  # 清河市, 北原市
COASTAL = [c.name for c in CITIES if c.coastal]  # 临江市


def hours_of(cities, start, end, seed=DEMO_SEED) -> pl.DataFrame:
    return generate(cities, station_list(cities), start, end, seed)["station_hours"]


# --- approximation of the daily AQI <= 100 test (stand-in for indicators.air) ----------


def approx_city_daily(hours: pl.DataFrame, stations: pl.DataFrame) -> pl.DataFrame:
    """City daily values, roughly as HJ 663 builds them (non-background stations only).

    Station daily means need 20 valid hours (GB 3095 Table 4); the city value is the
    mean of the valid station values. O3: city hourly mean over stations, 8-h moving
    means with at least 6 hours, the maximum of the windows ending 08:00 .. 24:00
    (MDA8), and the 1-h maximum.
    """
    urban = hours.join(stations.select("station", "city", "background"), on="station").filter(
        ~pl.col("background")
    )
    urban = urban.with_columns(date=(pl.col("time") - pl.duration(hours=1)).dt.date())
    station_daily = urban.group_by("city", "station", "date").agg(
        [pl.when(pl.col(p).count() >= 20).then(pl.col(p).mean()).alias(p) for p in DAILY_MEANS]
    )
    city_daily = station_daily.group_by("city", "date").agg(pl.col(DAILY_MEANS).mean())
    o3 = (
        urban.group_by("city", "time", "date")
        .agg(pl.col("O3").mean())
        .sort("city", "time")
        .with_columns(
            o3_8h=pl.col("O3").rolling_mean(8, min_samples=6).over("city"),
            window_end=pl.col("time").dt.hour(),
        )
        .with_columns(
            o3_8h=pl.when((pl.col("window_end") >= 8) | (pl.col("window_end") == 0)).then("o3_8h")
        )
        .group_by("city", "date")
        .agg(O3_MDA8=pl.col("o3_8h").max(), O3_1h_max=pl.col("O3").max())
    )
    return (
        city_daily.join(o3, on=["city", "date"])
        .with_columns(year=pl.col("date").dt.year())
        .sort("city", "date")
    )


def iaqi100(edition: str, pollutant: str, averaging: str) -> float:
    """Concentration at IAQI = 100 (HJ 633-2012 Table 1; HJ 633-2026 §4.2 limit table)."""
    return (
        table("air_iaqi_breakpoints")
        .filter(standard=edition, pollutant=pollutant, averaging=averaging, iaqi_hi=100)["bp_hi"]
        .item()
    )


def approx_good_day(edition: str) -> pl.Expr:
    """Daily AQI <= 100, approximated: every daily value at or below its IAQI-100 breakpoint.

    24-h means of SO2, NO2, PM10, CO, PM2.5 and the O3 MDA8; under HJ 633-2012 also the
    O3 1-h maximum (the 2012 daily report has it, the 2026 one dropped it). Days with a
    missing value count as not valid (null).
    """
    checks = [pl.col(p) <= iaqi100(edition, p, "24h") for p in DAILY_MEANS]
    checks.append(pl.col("O3_MDA8") <= iaqi100(edition, "O3", "8h"))
    if edition == "HJ 633-2012":
        checks.append(pl.col("O3_1h_max") <= iaqi100(edition, "O3", "1h"))
    return pl.all_horizontal(checks)


def test_approx_good_day_edges():
    # HJ 633-2012 Table 1: PM2.5 24-h 75 -> IAQI 100; HJ 633-2026: 60 (PM10 150 -> 120).
    base = {"SO2": 5.0, "NO2": 20.0, "PM10": 50.0, "CO": 0.5, "PM2.5": 20.0}
    rows = pl.DataFrame(
        [
            {**base, "PM2.5": 75.0, "O3_MDA8": 100.0, "O3_1h_max": 150.0},
            {**base, "PM2.5": 76.0, "O3_MDA8": 100.0, "O3_1h_max": 150.0},
            {**base, "PM2.5": 60.0, "O3_MDA8": 100.0, "O3_1h_max": 150.0},
            {**base, "PM2.5": 61.0, "O3_MDA8": 100.0, "O3_1h_max": 150.0},
            {**base, "PM10": 120.0, "O3_MDA8": 160.0, "O3_1h_max": 200.0},
            {**base, "PM10": 121.0, "O3_MDA8": 160.0, "O3_1h_max": 200.0},
            {**base, "O3_MDA8": 161.0, "O3_1h_max": 150.0},
            {**base, "O3_MDA8": 100.0, "O3_1h_max": 201.0},
        ]
    )
    got = rows.select(g12=approx_good_day("HJ 633-2012"), g26=approx_good_day("HJ 633-2026"))
    assert got["g12"].to_list() == [True, False, True, True, True, True, False, False]
    assert got["g26"].to_list() == [False, False, True, False, True, False, False, True]


# --- fixtures: one full demo generation, shared ----------------------------------------


@pytest.fixture(scope="module")
def stations() -> pl.DataFrame:
    return station_list(CITIES)


@pytest.fixture(scope="module")
def full(stations) -> pl.DataFrame:
    return generate(CITIES, stations, DEMO_START, DEMO_END, DEMO_SEED)["station_hours"]


@pytest.fixture(scope="module")
def tagged(full, stations) -> pl.DataFrame:
    return full.join(stations.select("station", "city", "background"), on="station").with_columns(
        date=(pl.col("time") - pl.duration(hours=1)).dt.date()
    )


@pytest.fixture(scope="module")
def daily(full, stations) -> pl.DataFrame:
    return approx_city_daily(full, stations)


# --- determinism -----------------------------------------------------------------------


def test_same_arguments_identical_frame():
    one = CITIES[:1]
    a = hours_of(one, date(2025, 3, 1), date(2025, 3, 10), seed=7)
    b = hours_of(one, date(2025, 3, 1), date(2025, 3, 10), seed=7)
    assert_frame_equal(a, b)


def test_other_seed_other_values():
    one = CITIES[:1]
    a = hours_of(one, date(2025, 3, 1), date(2025, 3, 10), seed=7)
    b = hours_of(one, date(2025, 3, 1), date(2025, 3, 10), seed=8)
    assert a.select("station", "time").equals(b.select("station", "time"))
    same = (a["PM2.5"] == b["PM2.5"]).mean()
    assert same < 0.2  # integer values coincide now and then, not systematically


def test_shorter_period_is_a_slice_of_the_full_one(full, stations):
    # across the new year, and one city alone: its data do not depend on the other cities
    own = stations.filter(city=CITIES[1].name)
    part = generate(CITIES[1:2], own, date(2025, 12, 30), date(2026, 1, 2), DEMO_SEED)
    part = part["station_hours"]
    expected = full.filter(
        pl.col("station").is_in(own["station"].implode()),
        pl.col("time").is_between(datetime(2025, 12, 30, 1), datetime(2026, 1, 3, 0)),
    )
    assert part.height == 8 * 4 * 24
    assert_frame_equal(part, expected)


@settings(max_examples=15, deadline=None)
@given(
    city=st.sampled_from(CITIES),
    first=st.dates(date(2025, 1, 1), date(2028, 12, 25)),
    days=st.integers(1, 6),
)
def test_any_period_is_a_slice_of_its_years(city, first, days):
    last = first + timedelta(days=days - 1)
    part = hours_of((city,), first, last, seed=3)
    whole = hours_of((city,), date(first.year, 1, 1), date(last.year, 12, 31), seed=3)
    expected = whole.filter(
        pl.col("time").is_between(
            datetime.combine(first, datetime.min.time()) + timedelta(hours=1),
            datetime.combine(last + timedelta(days=1), datetime.min.time()),
        )
    )
    assert_frame_equal(part, expected)


# --- layout ----------------------------------------------------------------------------


def test_schema_follows_air_contract(full):
    assert tuple(full.columns) == STATION_HOUR_COLUMNS
    assert full.schema["station"] == pl.String
    assert full.schema["time"] == pl.Datetime("us")
    assert full.schema["time"].time_zone is None
    for p in POLLUTANTS:
        assert full.schema[p] == pl.Float64


def test_hour_ending_grid_without_duplicates(full, stations):
    # 2025 and 2026: 365 + 365 = 730 natural days x 24 h = 17,520 hours; 19 stations.
    assert full.height == 17_520 * 19
    assert full["station"].unique().sort().to_list() == sorted(stations["station"].to_list())
    assert full.select("station", "time").is_duplicated().sum() == 0
    per_station = full.group_by("station").agg(
        n=pl.len(),
        first=pl.col("time").min(),
        last=pl.col("time").max(),
        steps=pl.col("time").diff().drop_nulls().unique(),
    )
    assert per_station["n"].unique().to_list() == [17_520]
    assert per_station["first"].unique().to_list() == [datetime(2025, 1, 1, 1)]
    assert per_station["last"].unique().to_list() == [datetime(2027, 1, 1, 0)]
    assert per_station["steps"].explode().unique().to_list() == [timedelta(hours=1)]


def test_two_days_of_one_city():
    one = CITIES[:1]
    h = hours_of(one, date(2025, 1, 1), date(2025, 1, 2))
    assert h.height == 6 * 48
    assert h["time"].min() == datetime(2025, 1, 1, 1)
    assert h["time"].max() == datetime(2025, 1, 3, 0)


def test_leap_day_is_generated():
    h = hours_of(CITIES[2:3], date(2028, 2, 28), date(2028, 3, 1))
    assert h.height == 5 * 3 * 24
    assert h.filter(pl.col("time") == datetime(2028, 2, 29, 12)).height == 5


def test_values_rounded_as_published_and_plausible(full):
    ug = ["SO2", "NO2", "PM10", "O3", "PM2.5"]
    assert full.select((pl.col(ug) == pl.col(ug).round(0)).all()).row(0) == (True,) * 5
    assert full.select((pl.col("CO") == pl.col("CO").round(1)).all()).item()
    assert full.select(pl.min_horizontal(pl.col(ug).min())).item() >= 1
    assert full["CO"].min() >= 0.1
    top = full.select(pl.col(POLLUTANTS).max()).row(0, named=True)
    assert top["PM10"] < 2000 and top["PM2.5"] < 600 and top["O3"] < 500
    assert top["NO2"] < 300 and top["SO2"] < 200 and top["CO"] < 10
    assert (full["PM2.5"] > full["PM10"]).mean() < 0.01


def test_empty_city_list_gives_empty_frame():
    h = hours_of((), date(2025, 1, 1), date(2025, 1, 2))
    assert h.height == 0
    assert tuple(h.columns) == STATION_HOUR_COLUMNS
    assert h.schema["time"] == pl.Datetime("us")


def test_many_cities():
    cities = make_cities(20)
    h = hours_of(cities, date(2026, 7, 1), date(2026, 7, 3))
    n_stations = sum(c.n_stations for c in cities)
    assert h.height == n_stations * 72
    assert h["station"].n_unique() == n_stations


@pytest.mark.parametrize(
    ("change", "column"),
    [
        (lambda s: s.drop("background"), "background"),
        (lambda s: s.drop("city"), "city"),
    ],
)
def test_station_list_without_required_column(change, column):
    with pytest.raises(IndicatorInputError) as err:
        generate(CITIES, change(station_list()), date(2025, 1, 1), date(2025, 1, 1), 1)
    assert err.value.column == column


def test_station_list_with_text_background_flag():
    stations = station_list().with_columns(pl.col("background").cast(pl.String))
    with pytest.raises(IndicatorInputError) as err:
        generate(CITIES, stations, date(2025, 1, 1), date(2025, 1, 1), 1)
    assert err.value.column == "background"


def test_station_list_with_missing_background_flag():
    stations = station_list().with_columns(
        background=pl.when(pl.int_range(pl.len()) == 4).then(None).otherwise("background")
    )
    with pytest.raises(IndicatorInputError) as err:
        generate(CITIES, stations, date(2025, 1, 1), date(2025, 1, 1), 1)
    assert (err.value.row, err.value.column) == (5, "background")


def test_duplicate_station_code():
    stations = station_list()
    stations = pl.concat([stations, stations.slice(2, 1)])
    with pytest.raises(IndicatorInputError) as err:
        generate(CITIES, stations, date(2025, 1, 1), date(2025, 1, 1), 1)
    assert (err.value.row, err.value.found) == (3, stations["station"][2])


def test_station_list_lazy_or_pandas_gives_same_frame():
    one = CITIES[:1]
    eager = hours_of(one, date(2025, 5, 1), date(2025, 5, 1))
    for stations in (station_list(one).lazy(), station_list(one).to_pandas()):
        got = generate(one, stations, date(2025, 5, 1), date(2025, 5, 1), DEMO_SEED)
        assert_frame_equal(got["station_hours"], eager)


def test_not_a_frame():
    with pytest.raises(IndicatorInputError, match="not a data frame"):
        generate(CITIES, [1, 2], date(2025, 1, 1), date(2025, 1, 1), 1)


def test_datetime_instead_of_date():
    with pytest.raises(IndicatorInputError, match="not a calendar date"):
        generate(CITIES, station_list(), datetime(2025, 1, 1, 12), date(2025, 1, 2), 1)


def test_end_before_start():
    with pytest.raises(IndicatorInputError, match="end is before start"):
        generate(CITIES, station_list(), date(2025, 1, 2), date(2025, 1, 1), 1)


@pytest.mark.parametrize("seed", [-1, 1.5, True])
def test_bad_seed(seed):
    with pytest.raises(IndicatorInputError, match="seed"):
        generate(CITIES, station_list(), date(2025, 1, 1), date(2025, 1, 1), seed)


# --- missing data ----------------------------------------------------------------------


def test_missing_data_rates_whole_days_and_outage(tagged):
    day = tagged.group_by("station", "date").agg(
        empty=pl.all_horizontal(pl.col(POLLUTANTS).is_null()).all(),
        year=pl.col("date").first().dt.year(),
    )
    # every station has at least two whole empty natural days every year
    per_year = day.group_by("station", "year").agg(pl.col("empty").sum())
    assert per_year["empty"].min() >= 2
    # runs of empty days: one outage of 14-21 days per city and year, nothing longer
    runs = (
        day.sort("station", "date")
        .with_columns(run=pl.col("empty").rle_id().over("station"))
        .filter("empty")
        .group_by("station", "run")
        .agg(days=pl.len(), year=pl.col("year").first())
    )
    long = runs.filter(pl.col("days") >= 14)
    assert long.height == len(CITIES) * 2
    assert long["days"].max() <= 21 + 4  # an outage may touch a whole empty day
    # scattered hours, outside empty days: about 1 % (all pollutants) + 0.5 % each
    scattered = tagged.join(day.filter(~pl.col("empty")), on=["station", "date"], how="semi")
    rate = scattered.select(pl.col(POLLUTANTS).is_null().mean()).row(0)
    assert all(0.01 <= r <= 0.02 for r in rate), rate


# --- realism targets (issue 2 §2) ------------------------------------------------------


def annual(daily: pl.DataFrame) -> pl.DataFrame:
    return daily.group_by("city", "year").agg(
        pl.col("PM2.5", "PM10", "NO2", "SO2").mean(),
        CO_P95=pl.col("CO").quantile(0.95, interpolation="linear"),
        O3_MDA8_P90=pl.col("O3_MDA8").quantile(0.90, interpolation="linear"),
    )


def test_annual_means_in_target_ranges(daily):
    a = annual(daily)
    assert a.height == 6
    for row in a.iter_rows(named=True):
        assert 30 <= row["PM2.5"] <= 55, row
        assert 55 <= row["PM10"] <= 90, row
        assert 25 <= row["NO2"] <= 40, row
        assert 5 <= row["SO2"] <= 15, row
        assert 1.0 <= row["CO_P95"] <= 1.8, row
        assert 150 <= row["O3_MDA8_P90"] <= 190, row


def test_inland_cities_dirtier_than_coastal(daily):
    a = annual(daily)
    for year in (2025, 2026):
        pm = dict(a.filter(year=year).select("city", "PM2.5").iter_rows())
        assert min(pm[c] for c in INLAND) > max(pm[c] for c in COASTAL)


def test_winter_pm_above_summer_and_summer_o3_above_winter(daily):
    season = daily.with_columns(month=pl.col("date").dt.month()).with_columns(
        season=pl.when(pl.col("month").is_in([12, 1, 2]))
        .then(pl.lit("winter"))
        .when(pl.col("month").is_in([6, 7, 8]))
        .then(pl.lit("summer"))
    )
    m = season.group_by("city", "year", "season").agg(pl.col("PM2.5", "O3_MDA8").mean())
    for (city, year), g in m.group_by("city", "year"):
        v = {r["season"]: r for r in g.iter_rows(named=True)}
        assert v["winter"]["PM2.5"] > 1.2 * v["summer"]["PM2.5"], (city, year)
        assert v["summer"]["O3_MDA8"] > 2 * v["winter"]["O3_MDA8"], (city, year)


def test_winter_stagnation_episodes_in_inland_cities(daily):
    heating = daily.filter(pl.col("date").dt.month().is_in([11, 12, 1, 2, 3]))
    for city in INLAND:
        for year in (2025, 2026):
            d = heating.filter(city=city, year=year).sort("date")
            high = d["PM2.5"] >= 100
            # at least one run of >= 2 consecutive days at or above 100 ug/m3
            longest = (
                d.with_columns(high=high, run=high.rle_id())
                .filter("high")
                .group_by("run")
                .len()["len"]
                .max()
            )
            assert longest is not None and longest >= 2, (city, year)
            assert 100 <= d["PM2.5"].max() < 350, (city, year)
    # the ventilated coastal city has fewer such days than the inland cities on average
    days = heating.filter(pl.col("PM2.5") >= 100).group_by("city", "year").len()
    for year in (2025, 2026):
        n = dict(days.filter(year=year).select("city", "len").iter_rows())
        inland_mean = sum(n[c] for c in INLAND) / len(INLAND)
        assert max(n.get(c, 0) for c in COASTAL) < inland_mean, (year, n)


def test_summer_ozone_in_inland_cities(daily):
    june_july = daily.filter(pl.col("date").dt.month().is_in([6, 7]), pl.col("city").is_in(INLAND))
    for (city, year), g in june_july.group_by("city", "year"):
        share = (g["O3_MDA8"] > 160).mean()
        assert share >= 0.2, (city, year, share)
        assert g["O3_MDA8"].max() < 300, (city, year)


def test_spring_dust_episode(daily):
    dust = daily.filter(pl.col("PM10") > 300, pl.col("PM2.5") / pl.col("PM10") < 0.35)
    assert dust["date"].dt.month().is_in([3, 4]).all()
    counts = dust.group_by("city", "year").len()
    inland = counts.filter(pl.col("city").is_in(INLAND))
    assert inland.height == len(INLAND) * 2  # every inland city, every year
    assert inland["len"].is_between(1, 3).all()


def test_background_station_cleaner_with_more_ozone(tagged):
    m = tagged.group_by("city", "background").agg(pl.col("PM2.5", "NO2", "O3").mean())
    for city in [c.name for c in CITIES]:
        urban = m.filter(city=city, background=False).row(0, named=True)
        bg = m.filter(city=city, background=True).row(0, named=True)
        assert bg["PM2.5"] < 0.9 * urban["PM2.5"]
        assert bg["NO2"] < 0.7 * urban["NO2"]
        assert bg["O3"] > urban["O3"]


def test_pollutants_correlated_and_night_o3_against_no2(tagged):
    city_hours = (
        tagged.filter(~pl.col("background"))
        .group_by("city", "time")
        .agg(pl.col("PM2.5", "NO2", "CO", "SO2").mean())
    )
    c = city_hours.group_by("city").agg(
        pm_no2=pl.corr("PM2.5", "NO2"), pm_co=pl.corr("PM2.5", "CO"), pm_so2=pl.corr("PM2.5", "SO2")
    )
    assert c.select(pl.min_horizontal("pm_no2", "pm_co", "pm_so2").min()).item() > 0.4
    night = tagged.filter(pl.col("time").dt.hour().is_in([22, 23, 0, 1, 2, 3, 4]))
    r = night.group_by("station").agg(r=pl.corr("O3", "NO2"))["r"]
    assert r.max() < -0.3


def test_good_day_ratios_between_60_and_95_percent(daily):
    # 2025 under HJ 633-2012; 2026 under HJ 633-2026 (stricter PM limits) and under the
    # edition in force on each day (2012 rules until 2026-02-28).
    d = daily.with_columns(
        g12=approx_good_day("HJ 633-2012"),
        g26=approx_good_day("HJ 633-2026"),
    ).with_columns(in_force=pl.when(pl.col("date") < date(2026, 3, 1)).then("g12").otherwise("g26"))
    r = d.group_by("city", "year").agg(pl.col("g12", "g26", "in_force").drop_nulls().mean() * 100)
    r2025 = r.filter(year=2025)["g12"]
    r2026 = pl.concat([r.filter(year=2026)["g26"], r.filter(year=2026)["in_force"]])
    assert r2025.is_between(60, 95).all(), r
    assert r2026.is_between(60, 95).all(), r
    # the cities differ: each pair at least 1 percentage point apart in 2025, and the
    # coastal city has the most good days in both years
    values = np.sort(r2025.to_numpy())
    assert np.diff(values).min() >= 1, values
    for year, column in ((2025, "g12"), (2026, "in_force")):
        ratio = dict(r.filter(year=year).select("city", column).iter_rows())
        assert min(ratio[c] for c in COASTAL) > max(ratio[c] for c in INLAND), (year, ratio)


def test_good_day_ratios_with_the_air_module(full, stations):
    # the same check with the package's own HJ 633 / HJ 663 implementation, editions in force
    from indicators import air

    daily = air.daily_aqi(full, stations=stations, level="city", edition="auto")
    for year in (2025, 2026):
        s = air.evaluate_period(daily, start=date(year, 1, 1), end=date(year, 12, 31))
        assert s.height == 3
        assert s["good_day_ratio"].is_between(60, 95).all(), s
        assert s["period_valid"].all(), s
