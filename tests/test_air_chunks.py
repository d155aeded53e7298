"""Station days worked on in runs (HJ 663 city daily values): runs change no value.

Station-hours in time order (as the package stores them) are read in runs of whole days
and their station days put in station order; city days are grouped in runs of whole
dates. Every expected number is worked out in a comment from the hand-made hours.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from indicators import air
from indicators.air import daily as daily_module

FIRST = date(2026, 2, 26)  # six days across the HJ 633 change on 2026-03-01
DAYS = 6
#: station -> (city, background); S4 is city A's background station, C has only one.
STATIONS = {
    "S1": ("A", False),
    "S2": ("A", False),
    "S3": ("A", False),
    "S4": ("A", True),
    "S5": ("B", False),
    "S6": ("C", True),
}


#: CO [mg/m³] of each station: city A's three members add up differently in other orders.
CO = {"S1": 0.1, "S2": 0.2, "S3": 0.8, "S4": 0.4, "S5": 0.5, "S6": 0.6}


def _pm25(station: int, day: int) -> float | None:
    """Station ``station``'s PM2.5 on day ``day``: 10 * station + day; S2 has none on day 3."""
    return None if (station, day) == (2, 3) else 10.0 * station + day


@pytest.fixture
def stored() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Hand-made station-hours in time then station order (as stored), and the station list."""
    rows = []
    for day in range(DAYS):
        for hour in range(1, 25):  # hour-ending 01:00 .. 24:00 of the natural day
            time = datetime.combine(FIRST + timedelta(days=day), datetime.min.time())
            for code in STATIONS:
                rows.append(
                    {
                        "station": code,
                        "time": time + timedelta(hours=hour),
                        "SO2": 5.0,
                        "NO2": 10.0,
                        "PM10": 20.0,
                        "CO": CO[code],
                        "O3": 50.0,
                        "PM2.5": _pm25(int(code[1]), day),
                    }
                )
    hours = pl.DataFrame(rows).sort("time", "station")
    stations = pl.DataFrame(
        {
            "station": list(STATIONS),
            "city": [c for c, _ in STATIONS.values()],
            "background": [b for _, b in STATIONS.values()],
        }
    )
    return hours, stations


def test_city_days_in_runs_of_dates(stored, monkeypatch) -> None:
    """City days grouped two dates at a time are those of one run, mean for mean."""
    hours, stations = stored
    whole = air.daily_aqi(hours, stations=stations, level="city")
    station_days = air.daily_aqi(hours)
    # 6 station days a date: runs of 12 station days are runs of two dates
    monkeypatch.setattr(daily_module, "CHUNK_ROWS", 12)
    for source in (hours, hours.lazy(), station_days, station_days.lazy()):
        got = air.daily_aqi(source, stations=stations, level="city")
        got = got.collect() if isinstance(got, pl.LazyFrame) else got
        assert_frame_equal(got, whole, check_exact=True)
    # city A: S1..S3 (S4 is background): (10 + d + 20 + d + 30 + d) / 3 = 20 + d, on day 3
    # without S2: (13 + 33) / 2 = 23; city B: S5 alone, 50 + d; city C (background only): none
    a = whole.filter(pl.col("city") == "A")
    assert a["PM2.5"].to_list() == [20.0, 21.0, 22.0, 23.0, 24.0, 25.0]
    assert a["n_stations_PM2.5"].to_list() == [3, 3, 3, 2, 3, 3]
    b = whole.filter(pl.col("city") == "B")
    assert b["PM2.5"].to_list() == [50.0, 51.0, 52.0, 53.0, 54.0, 55.0]
    assert whole["city"].unique().sort().to_list() == ["A", "B"]
    assert whole["date"].to_list() == [FIRST + timedelta(days=d) for d in range(DAYS)] * 2
    # the 2012 edition until 2026-02-28, the 2026 one from 2026-03-01 (3 + 3 days)
    assert a["edition"].to_list() == ["HJ 633-2012"] * 3 + ["HJ 633-2026"] * 3


def test_city_days_of_the_station_concentrations_are_those_of_the_hours(stored) -> None:
    """The figures stage reads each window's hours once, into station daily concentrations
    (unrounded), and makes its city days of them: the same city days as of the hours."""
    hours, stations = stored
    # CO rising through each day: station days of 0.1 * (1 + 12.5 / 100) = 0.1125 .. (not
    # at the reported precision, where a station daily AQI's rounded CO would be)
    hours = hours.with_columns(
        pl.col("CO") * (1 + ((pl.col("time") - pl.duration(hours=1)).dt.hour() + 1) / 100)
    )
    whole = air.daily_aqi(hours, stations=stations, level="city")
    days = air.daily_concentrations(hours)
    assert days.filter(pl.col("station") == "S1")["CO"][0] == pytest.approx(0.1125)
    for source in (days, days.lazy()):
        got = air.daily_aqi(source, stations=stations, level="city")
        got = got.collect() if isinstance(got, pl.LazyFrame) else got
        assert_frame_equal(got, whole, check_exact=True)
    # city A: (0.1 + 0.2 + 0.8) * 1.125 / 3 = 0.4125 mg/m³, reported 0.4
    assert whole.filter(pl.col("city") == "A")["CO"].to_list() == [0.4] * DAYS


def test_station_days_of_runs_of_days_in_station_order(stored, monkeypatch) -> None:
    """Read one day at a time, station days come in station then date order, as sorted."""
    hours, _ = stored
    whole = air.daily_concentrations(hours)  # one group of 864 hours
    monkeypatch.setattr(daily_module, "CHUNK_ROWS", 144)  # one day (6 stations x 24 hours)
    for source in (hours, hours.lazy()):
        got = air.daily_concentrations(source)
        got = got.collect() if isinstance(got, pl.LazyFrame) else got
        assert_frame_equal(got, whole, check_exact=True)
        assert got["station"].flags["SORTED_ASC"]
    assert whole["station"].to_list() == [c for c in STATIONS for _ in range(DAYS)]
    s2 = whole.filter(pl.col("station") == "S2")
    # S2: 20 + d, none on day 3 (0 valid hours of the 20 a daily mean needs)
    assert s2["PM2.5"].to_list() == [20.0, 21.0, 22.0, None, 24.0, 25.0]
    assert s2["n_PM2.5"].to_list() == [24, 24, 24, 0, 24, 24]


def test_runs_of_days_that_are_grids_and_runs_that_are_not(stored, monkeypatch) -> None:
    """A day with a station-hour absent is not a grid (its kernel orders its columns apart):
    runs of both kinds give the station days of the hours sorted by station."""
    hours, _ = stored
    gap = (pl.col("station") == "S3") & (pl.col("time") == datetime(2026, 2, 28, 7))
    hours = hours.filter(~gap)  # day 3 (2026-02-28): S3 without its 07:00 hour
    by_station = air.daily_concentrations(hours.sort("station", "time"))
    monkeypatch.setattr(daily_module, "CHUNK_ROWS", 144)  # one day (6 stations x 24 hours)
    for source in (hours, hours.lazy()):
        got = air.daily_concentrations(source)
        got = got.collect() if isinstance(got, pl.LazyFrame) else got
        assert_frame_equal(got, by_station, check_exact=True)
    s3 = by_station.filter(pl.col("station") == "S3")
    assert s3["n_hours"].to_list() == [24, 24, 23, 24, 24, 24]


def test_city_means_add_the_stations_in_code_order(stored, monkeypatch) -> None:
    """A city's mean is its stations' values added in code order over their number (HJ 663
    city daily concentration), the same float in every run and whatever the runs of dates."""
    hours, stations = stored
    station_days = air.daily_concentrations(hours, method="strict")
    a = station_days.filter(pl.col("station").is_in(["S1", "S2", "S3"]), pl.col("date") == FIRST)
    values = a.sort("station")["CO"].to_list()
    total = 0.0
    for value in values:  # S1, S2, S3
        total += value
    # the order matters for these floats: S3 + S2 + S1 is another number
    assert (values[2] + values[1]) + values[0] != total
    expected = total / 3
    runs = []
    for rows in (daily_module.CHUNK_ROWS, 12):
        monkeypatch.setattr(daily_module, "CHUNK_ROWS", rows)
        for days in (station_days, station_days.reverse()):  # whatever the rows' order
            city = air.daily_aqi(days, stations=stations, level="city", method="strict")
            runs.append(city.filter(pl.col("city") == "A", pl.col("date") == FIRST)["CO"][0])
    assert runs == [expected] * 4


@pytest.mark.parametrize("rows", [50, 144, 300])
@pytest.mark.parametrize("zone", [None, "Asia/Shanghai"])
@pytest.mark.parametrize("order", ["time", "station"])
def test_streamed_groups_are_whole_days_or_stations(stored, monkeypatch, rows, zone, order):
    """A lazy frame in time (or station) order is read once, in batches, and cut into
    groups of whole days (stations): batches that end inside a day, a day longer than a
    batch, naive or China Standard Time, change no station day."""
    hours, _ = stored
    hours = hours.with_columns(pl.col("time").dt.replace_time_zone(zone))
    if order == "station":
        hours = hours.sort("station", "time")
    whole = air.daily_aqi(hours)  # one group of 864 hours, eager
    monkeypatch.setattr(daily_module, "CHUNK_ROWS", rows)  # 144 rows: one day (6 x 24 hours)
    got = air.daily_aqi(hours.lazy()).collect()
    assert_frame_equal(got, whole, check_exact=True)
    # S2 on day 3 has no PM2.5: its day is there, without a daily mean
    s2 = got.filter(pl.col("station") == "S2")
    assert s2["PM2.5"].to_list() == [20.0, 21.0, 22.0, None, 24.0, 25.0]


def _by_hand(o3: list[float | None]) -> dict[str, float | int | None]:
    """One station-day of O3 and CO read by GB 3095 Table 4 / HJ 663 §6.1.2, in plain Python.

    Means are the valid hours added in hour order over their number; an 8-h window (ending
    at labels 8..24) needs 6 valid hours; MDA8 needs 14 valid windows (values here stay
    under the 8-h limit, so the exception never applies); the 1-h maximum 20 valid hours.
    """
    valid = [v for v in o3 if v is not None]
    windows = []
    for end in range(8, 25):
        hours = [v for v in o3[end - 8 : end] if v is not None]
        if len(hours) >= 6:
            total = 0.0
            for v in hours:
                total += v
            windows.append(total / len(hours))
    total = 0.0
    for v in valid:
        total += v / 10  # CO [mg/m³] is a tenth of O3 here
    return {
        "CO": total / len(valid) if len(valid) >= 20 else None,
        "n_CO": len(valid),
        "O3_1h_max": max(valid) if len(valid) >= 20 else None,
        "O3_MDA8": max(windows) if len(windows) >= 14 else None,
        "n_O3_8h": len(windows),
    }


@settings(max_examples=60, deadline=None)
@given(
    days=st.lists(
        st.lists(
            st.one_of(st.none(), st.floats(0, 150, allow_subnormal=False)), min_size=24, max_size=24
        ),
        min_size=1,
        max_size=4,
    ),
    n_stations=st.integers(1, 3),
    order=st.sampled_from(["station", "time", "shuffled"]),
    absent=st.booleans(),
)
def test_station_day_statistics_are_the_rules_read_by_hand(days, n_stations, order, absent) -> None:
    """Whatever the values (fractions too), gaps and row order: the kernel's numbers are exact.

    Station ``k`` has the hours of ``days`` turned by ``k`` places (other values in each
    window). Whole days in station order, or a whole grid in time order (as stored), take
    the fast paths; shuffled rows, or missing hours left out of the file instead of given
    as nulls (``absent``), take the completing path. Every path must give the numbers of
    :func:`_by_hand` to the last bit (no running sums, no reordering).
    """
    per_station = {f"S{k}": [values[k:] + values[:k] for values in days] for k in range(n_stations)}
    rows = []
    for code, station_days in per_station.items():
        for d, values in enumerate(station_days):
            for h, v in enumerate(values):
                if absent and v is None:
                    continue
                t = datetime(2025, 7, 1 + d, 1) + timedelta(hours=h)
                co = None if v is None else v / 10
                rows.append({"station": code, "time": t, "CO": co, "O3": v})
    assume(rows)
    hours = pl.DataFrame(
        rows,
        schema={
            "station": pl.String,
            "time": pl.Datetime("us"),
            "CO": pl.Float64,
            "O3": pl.Float64,
        },
    )
    hours = hours.with_columns(
        SO2=pl.lit(5.0), NO2=pl.lit(10.0), PM10=pl.lit(20.0), **{"PM2.5": pl.lit(8.0)}
    )
    if order == "time":
        hours = hours.sort("time", "station")
    elif order == "shuffled":
        hours = hours.sample(fraction=1.0, shuffle=True, seed=len(rows))
    out = air.daily_concentrations(hours, method="strict")
    seen = out.select("station", "date", "CO", "n_CO", "O3_1h_max", "O3_MDA8", "n_O3_8h")
    expected = []
    for code, station_days in per_station.items():
        given = {(r["time"] - timedelta(hours=1)).date() for r in rows if r["station"] == code}
        for d, values in enumerate(station_days):
            if date(2025, 7, 1 + d) in given:
                expected.append({"station": code, "date": date(2025, 7, 1 + d), **_by_hand(values)})
    assert seen.to_dicts() == expected
