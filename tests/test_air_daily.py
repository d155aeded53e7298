"""Hourly and daily AQI (HJ 633-2012/2026) and daily validity (GB 3095 Table 4, HJ 663 §6.1.2).

Every frame is built by hand; every expected number is worked out in a comment from
HJ 633 formula (1) (IAQI = (IAQI_hi - IAQI_lo)/(BP_hi - BP_lo) * (C - BP_lo) + IAQI_lo,
rounded up) and the breakpoints of HJ 633-2012 Table 1 / the HJ 633-2026 IAQI table.
"""

from __future__ import annotations

import warnings
from datetime import date, datetime, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from indicators import IndicatorInputError, IndicatorWarning, air

E12, E26 = "HJ 633-2012", "HJ 633-2026"
POLLUTANTS = ("SO2", "NO2", "PM10", "CO", "O3", "PM2.5")
#: A clean background: every IAQI small (2012 hourly: SO2 5*50/150 -> 2, NO2 10*50/100 = 5,
#: PM10 20*50/50 = 20, CO 0.2*50/5 = 2, O3 50*50/160 -> 16, PM2.5 10*50/35 -> 15).
CLEAN = {"SO2": 5.0, "NO2": 10.0, "PM10": 20.0, "CO": 0.2, "O3": 50.0, "PM2.5": 10.0}


def hours(station: str, first: datetime, n: int, **values) -> pl.DataFrame:
    """``n`` consecutive station-hours from ``first``; a value is a scalar or a list of n."""
    data: dict = {"station": [station] * n, "time": [first + timedelta(hours=i) for i in range(n)]}
    for p in POLLUTANTS:
        v = values.get(p, CLEAN[p])
        data[p] = list(v) if isinstance(v, list | tuple) else [v] * n
    return pl.DataFrame(data, schema_overrides={p: pl.Float64 for p in POLLUTANTS})


def day(station: str, d: date, **values) -> pl.DataFrame:
    """The natural day ``d``: the 24 hour-ending rows ``d 01:00 .. d+1 00:00`` (labels 1..24)."""
    return hours(station, datetime(d.year, d.month, d.day, 1), 24, **values)


def one_hour(t: datetime, station: str = "S1", **values) -> pl.DataFrame:
    return hours(station, t, 1, **values)


def o3_with(label_values: dict[int, float | None], base: float = 100.0) -> list[float | None]:
    """24 hourly O3 values of a day by label 1..24, ``base`` unless given."""
    return [label_values.get(k, base) for k in range(1, 25)]


D = date(2019, 7, 1)

# --- hourly AQI -------------------------------------------------------------------------------


def test_hourly_2012_reproduces_a_published_cnemc_hour() -> None:
    """CNEMC china_sites_20190101.csv, 1001A (万寿西宫), label 0: published AQI 73.

    2012 hourly as CNEMC publishes it: SO2, NO2, CO, O3 1-h values on the 1-h
    breakpoints, PM 1-h values on the 24-h breakpoints.
    SO2 15*50/150 = 5; NO2 75*50/100 = 37.5 -> 38; PM10 50+(76-50)*50/100 = 63;
    CO 1.2*50/5 = 12; O3 missing; PM2.5 50+(53-35)*50/40 = 72.5 -> 73.
    """
    h = one_hour(
        datetime(2019, 1, 1, 0), "1001A", SO2=15.0, NO2=75.0, PM10=76.0, CO=1.2, O3=None
    ).with_columns(pl.lit(53.0).alias("PM2.5"))
    out = air.hourly_aqi(h, edition=E12).row(0, named=True)
    assert [out[f"iaqi_{p}"] for p in POLLUTANTS] == [5, 38, 63, 12, None, 73]
    assert out["aqi"] == 73
    assert out["primary_pollutant"] == "PM2.5"
    assert (out["level"], out["category"], out["colour"]) == (2, "良", "#FFFF00")
    assert out["edition"] == E12
    # HJ 633-2026: PM2.5 50+(53-35)*50/25 = 86, PM10 50+(76-50)*50/70 = 68.6 -> 69; O3 is
    # missing and 86 <= 100, so §5.3.1: the AQI is NA, the IAQIs are still reported.
    out26 = air.hourly_aqi(h, edition=E26).row(0, named=True)
    assert [out26[f"iaqi_{p}"] for p in POLLUTANTS] == [5, 38, 69, 12, None, 86]
    assert out26["aqi"] is None
    assert out26["level"] is None
    assert out26["primary_pollutant"] is None


@pytest.mark.parametrize(
    ("edition", "pm10", "pm25"),
    [(E12, 150.0, 75.0), (E26, 120.0, 60.0)],  # both on their IAQI-100 breakpoint
)
def test_primary_pollutant_ties_list_both(edition, pm10, pm25) -> None:
    h = one_hour(datetime(2019, 1, 1, 5), PM10=pm10).with_columns(pl.lit(pm25).alias("PM2.5"))
    out = air.hourly_aqi(h, edition=edition).row(0, named=True)
    assert out["iaqi_PM10"] == out["iaqi_PM2.5"] == out["aqi"] == 100
    assert out["primary_pollutant"] == "PM10;PM2.5"


@pytest.mark.parametrize(
    ("pm25", "aqi", "primary", "level"),
    [
        (35.0, 50, None, 1),  # 35 = BP(50): AQI 50, no primary pollutant (AQI <= 50)
        (36.0, 52, "PM2.5", 2),  # 50 + 1*50/40 = 51.25 -> 52
    ],
)
def test_no_primary_pollutant_when_aqi_at_most_50(pm25, aqi, primary, level) -> None:
    h = one_hour(datetime(2019, 1, 1, 5)).with_columns(pl.lit(pm25).alias("PM2.5"))
    out = air.hourly_aqi(h, edition=E12).row(0, named=True)
    assert (out["aqi"], out["primary_pollutant"], out["level"]) == (aqi, primary, level)


def test_2012_so2_1h_above_800_uses_the_24h_column() -> None:
    """HJ 633-2012 Table 1 note 2: SO2 1-h > 800 -> the SO2 IAQI of the 24-h mean."""
    t = datetime(2019, 1, 1, 5)
    h = pl.concat([one_hour(t, SO2=800.0), one_hour(t, "S2", SO2=801.0)])
    h = h.with_columns(SO2_24h=pl.lit(100.0))
    out = air.hourly_aqi(h, edition=E12)
    # 800 on the 1-h table = 200; 801 -> 24-h 100: 50 + 50*50/100 = 75
    assert out["iaqi_SO2"].to_list() == [200, 75]
    assert out["aqi"].to_list() == [200, 75]
    assert out["primary_pollutant"].to_list() == ["SO2", "SO2"]


def test_2012_so2_1h_above_800_without_24h_column_gives_no_aqi() -> None:
    """Without a 24-h value the SO2 IAQI cannot be determined: it must not read as 优.

    SO2 at 801 µg/m³ (above the 1-h class-2 limit of 500) with everything else clean:
    the other IAQIs give 20, which would publish '优' for a severe SO2 hour. The SO2 IAQI
    is null and so is the AQI (nothing guessed).
    """
    out = air.hourly_aqi(one_hour(datetime(2019, 1, 1, 5), SO2=801.0), edition=E12)
    row = out.row(0, named=True)
    assert row["iaqi_SO2"] is None
    assert row["aqi"] is None


def test_2026_so2_1h_above_800_counts_200() -> None:
    out = air.hourly_aqi(one_hour(datetime(2026, 5, 1, 5), SO2=900.0), edition=E26)
    assert out.select("iaqi_SO2", "aqi", "primary_pollutant").row(0) == (200, 200, "SO2")


@pytest.mark.parametrize(
    ("missing", "pm25", "aqi_2026", "aqi_2012"),
    [
        # 2026: 100 + (61-60)*50/55 = 100.9 -> 101 > 100: published (§5.3.1)
        # 2012: 50 + (61-35)*50/40 = 82.5 -> 83
        (["O3"], 61.0, 101, 83),
        # 2026: exactly 100 with one pollutant missing: NA; 2012: 50 + 25*50/40 -> 82
        (["O3"], 60.0, None, 82),
        # 2026: 10*50/35 -> 15 <= 100: NA; 2012: max(PM2.5 15, PM10 20*50/50 = 20) = 20
        (["O3"], 10.0, None, 20),
        # two missing: NA whatever the value; 2012: 200 + (200-150)*100/100 = 250
        (["O3", "CO"], 200.0, None, 250),
    ],
)
def test_2026_one_pollutant_missing_rule(missing, pm25, aqi_2026, aqi_2012) -> None:
    """HJ 633-2026 §5.3.1; HJ 633-2012 hourly: the available pollutants (CNEMC practice)."""
    h = one_hour(datetime(2026, 5, 1, 5), **dict.fromkeys(missing)).with_columns(
        pl.lit(pm25).alias("PM2.5")
    )
    out26 = air.hourly_aqi(h, edition=E26).row(0, named=True)
    assert out26["aqi"] == aqi_2026
    assert out26["iaqi_PM2.5"] is not None  # the single IAQIs are still published
    assert air.hourly_aqi(h, edition=E12)["aqi"].item() == aqi_2012


def test_hourly_missing_policies() -> None:
    h = one_hour(datetime(2026, 5, 1, 5), O3=None).with_columns(pl.lit(61.0).alias("PM2.5"))
    # 2026 PM2.5 61 -> 101; "complete": NA; "available": 101
    assert air.hourly_aqi(h, edition=E26, missing="complete")["aqi"].item() is None
    assert air.hourly_aqi(h, edition=E26, missing="available")["aqi"].item() == 101
    h10 = h.with_columns(pl.lit(10.0).alias("PM2.5"))
    assert air.hourly_aqi(h10, edition=E26, missing="available")["aqi"].item() == 20
    with pytest.raises(IndicatorInputError, match="policy") as exc:
        air.hourly_aqi(h, missing="drop")
    assert "'standard'" in str(exc.value)


def test_hourly_auto_edition_switches_by_natural_day() -> None:
    """The hour ending 2026-03-01 00:00 closes natural day 02-28: HJ 633-2012.

    PM2.5 70: 2012 50+(70-35)*50/40 = 93.75 -> 94; 2026 100+(70-60)*50/55 = 109.1 -> 110.
    """
    h = hours("S1", datetime(2026, 2, 28, 23), 3).with_columns(pl.lit(70.0).alias("PM2.5"))
    out = air.hourly_aqi(h)  # edition="auto"
    assert out["edition"].to_list() == [E12, E12, E26]
    assert out["aqi"].to_list() == [94, 94, 110]
    assert out["time"].to_list() == h["time"].to_list()  # row order kept


# --- the natural day and validity ---------------------------------------------------------------


def test_natural_day_is_labels_1_to_24() -> None:
    """Hour-ending times D 01:00 .. D+1 00:00 form day D; D 00:00 closes day D-1."""
    so2 = [10.0] * 23 + [100.0]  # the hour ending D+1 00:00 is the 24th hour of D
    closing = one_hour(datetime(2019, 7, 1, 0), SO2=1000.0)  # label 0 of D closes D-1
    h = pl.concat([one_hour(datetime(2019, 6, 30, 23), SO2=5.0), closing, day("S1", D, SO2=so2)])
    for method in ("official", "strict"):
        d = air.daily_concentrations(h, method=method)
        assert d["date"].to_list() == [date(2019, 6, 30), D]
        assert d["n_hours"].to_list() == [2, 24]
        assert d["n_SO2"].to_list() == [2, 24]
        assert d["SO2"].to_list() == [None, (23 * 10 + 100) / 24]


@pytest.mark.parametrize("method", ["official", "strict"])
@pytest.mark.parametrize("lazy", [False, True])
def test_no_phantom_day_before_the_first_date(method: str, lazy: bool) -> None:
    """A CNEMC file of 1 January starts with label 0, the last hour of 31 December: that day
    is outside the data and is not a row, even where its closing hour carries CNEMC's
    published 24-h means (``X_24h``), which the official method would otherwise use."""
    first = datetime(2019, 1, 1, 0)
    h = hours("S1", first, 48).with_columns(
        **{f"{p}_24h": pl.lit(CLEAN[p]) for p in ("SO2", "NO2", "PM10", "CO", "PM2.5")},
        O3_8h_24h=pl.lit(50.0),
    )
    frame = h.lazy() if lazy else h
    d = air.daily_aqi(frame, method=method)
    d = d.collect() if lazy else d
    assert d["date"].to_list() == [date(2019, 1, 1), date(2019, 1, 2)]
    assert d["date"].min() == first.date()


@pytest.mark.parametrize("pollutant", ["SO2", "NO2", "PM10", "CO", "PM2.5"])
@pytest.mark.parametrize(("valid", "is_valid"), [(19, False), (20, True), (24, True)])
def test_daily_mean_needs_20_hours(pollutant, valid, is_valid) -> None:
    """GB 3095-2012/2026 Table 4: a daily mean needs at least 20 hourly values."""
    values = [8.0] * valid + [None] * (24 - valid)
    d = air.daily_concentrations(day("S1", D, **{pollutant: values})).row(0, named=True)
    assert d[f"n_{pollutant}"] == valid
    assert d[pollutant] == (8.0 if is_valid else None)


def test_absent_hour_rows_count_as_missing_for_daily_means() -> None:
    full = day("S1", D, PM10=[float(k) for k in range(1, 25)])
    d20 = air.daily_concentrations(full.head(20)).row(0, named=True)
    d19 = air.daily_concentrations(full.head(19)).row(0, named=True)
    assert (d20["n_PM10"], d20["PM10"], d20["n_hours"]) == (20, 10.5, 20)  # mean of 1..20
    assert (d19["n_PM10"], d19["PM10"], d19["n_hours"]) == (19, None, 19)


def test_o3_1h_max_needs_20_hours() -> None:
    o3 = o3_with({14: 250.0})
    ok = air.daily_concentrations(day("S1", D, O3=o3[:20] + [None] * 4)).row(0, named=True)
    short = air.daily_concentrations(day("S1", D, O3=o3[:19] + [None] * 5)).row(0, named=True)
    assert (ok["O3_1h_max"], ok["n_O3"]) == (250.0, 20)
    assert (short["O3_1h_max"], short["n_O3"]) == (None, 19)


def test_o3_8h_window_needs_6_of_8_hours() -> None:
    """GB 3095 Table 4: an 8-h mean needs 6 valid hours.

    Labels 1-2 missing, 3-8 = 200, the rest 100: the window ending 08:00 has 6 valid
    hours (mean 200), so MDA8 = 200 over 17 valid windows. One more missing hour
    (label 3): that window has 5 and is invalid; the best window is the one ending
    09:00, labels 2..9 with 4..9 valid: (5*200 + 100)/6 = 183.33, over 16 windows.
    """
    six = o3_with({1: None, 2: None, **{k: 200.0 for k in range(3, 9)}})
    five = o3_with({1: None, 2: None, 3: None, **{k: 200.0 for k in range(4, 9)}})
    d6 = air.daily_concentrations(day("S1", D, O3=six)).row(0, named=True)
    d5 = air.daily_concentrations(day("S1", D, O3=five)).row(0, named=True)
    assert (d6["O3_MDA8"], d6["n_O3_8h"]) == (200.0, 17)
    assert d5["n_O3_8h"] == 16
    assert d5["O3_MDA8"] == pytest.approx(1100 / 6)


def test_o3_three_missing_hours_remove_six_windows() -> None:
    """Labels 9-11 missing: windows ending 11..16 hold all three (5 valid): 17 - 6 = 11."""
    o3 = o3_with({9: None, 10: None, 11: None})
    assert air.daily_concentrations(day("S1", D, O3=o3))["n_O3_8h"].item() == 11
    o3 = o3_with({9: None, 10: None})  # every window keeps >= 6
    assert air.daily_concentrations(day("S1", D, O3=o3))["n_O3_8h"].item() == 17


@pytest.mark.parametrize(
    ("missing_from", "level", "mda8", "n_windows"),
    [
        # labels 20..24 missing: windows ending 8..21 keep >= 6 hours: 14 windows, valid
        (20, 100.0, 100.0, 14),
        # labels 19..24 missing: 13 windows: invalid ...
        (19, 100.0, None, 13),
        # ... unless the maximum is above the O3 8-h limit (160): over the limit anyway
        (19, 161.0, 161.0, 13),
        (19, 160.0, None, 13),  # exactly the limit is not above it
    ],
)
def test_mda8_needs_14_windows_unless_over_the_limit(missing_from, level, mda8, n_windows) -> None:
    """HJ 663 §6.1.2: MDA8 from the 17 windows ending 08:00..24:00, at least 14 valid."""
    o3 = [level] * (missing_from - 1) + [None] * (25 - missing_from)
    d = air.daily_concentrations(day("S1", D, O3=o3)).row(0, named=True)
    assert d["n_O3_8h"] == n_windows
    assert d["O3_MDA8"] == mda8


def test_absent_hour_rows_count_as_missing_for_o3_windows() -> None:
    """Rows absent from the frame are missing hours: windows stay inside the day.

    The day before is at 300 all day. On day D the rows of labels 1..3 are absent and
    4..24 are 100: the window ending 08:00 has 5 valid hours (invalid) and must not
    borrow hours of the day before; the result equals the one with null rows.
    """
    before = day("S1", D - timedelta(days=1), O3=300.0)
    with_nulls = day("S1", D, O3=o3_with({1: None, 2: None, 3: None}))
    absent = with_nulls.filter(pl.col("time") > datetime(2019, 7, 1, 3))
    other = day("S2", D, O3=o3_with({9: None, 10: None, 11: None}))
    other_absent = other.filter(pl.col("O3").is_not_null())
    a = air.daily_concentrations(pl.concat([before, absent, other_absent]))
    b = air.daily_concentrations(pl.concat([before, with_nulls, other]))
    o3_columns = ["station", "date", "O3_1h_max", "O3_MDA8", "n_O3", "n_O3_8h"]
    assert_frame_equal(a.select(o3_columns), b.select(o3_columns))
    row = a.filter(station="S1", date=D).row(0, named=True)
    assert (row["O3_MDA8"], row["n_O3_8h"]) == (100.0, 16)
    assert a.filter(station="S2")["n_O3_8h"].item() == 11


# --- daily AQI ------------------------------------------------------------------------------------


def test_2012_daily_aqi_includes_the_o3_1h_max_and_2026_does_not() -> None:
    """O3 50 all day with one hour at 300.

    O3_1h_max = 300: 2012 1-h IAQI 150 (a breakpoint). MDA8 = (300 + 7*50)/8 = 81.25:
    2012 8-h IAQI 81.25*50/100 = 40.6 -> 41; 2026 pre-rounds to 81: 40.5 -> 41.
    Others (24-h table): SO2 5 -> 5, NO2 10 -> 12.5 -> 13, PM10 20 -> 20,
    CO 0.2 -> 5, PM2.5 10 -> 14.3 -> 15.
    """
    h = day("S1", D, O3=o3_with({14: 300.0}, base=50.0))
    d12 = air.daily_aqi(h, edition=E12, method="strict").row(0, named=True)
    d26 = air.daily_aqi(h, edition=E26, method="strict").row(0, named=True)
    assert (d12["O3_1h_max"], d12["O3_MDA8"]) == (300.0, 81.25)
    assert [d12[f"iaqi_{i}"] for i in ("SO2", "NO2", "PM10", "CO", "O3_1h", "O3_8h", "PM2.5")] == [
        5,
        13,
        20,
        5,
        150,
        41,
        15,
    ]
    assert (d12["aqi"], d12["primary_pollutant"], d12["level"]) == (150, "O3", 3)
    assert "iaqi_O3_1h" not in d26
    assert (d26["iaqi_O3_8h"], d26["aqi"], d26["primary_pollutant"], d26["level"]) == (
        41,
        41,
        None,
        1,
    )


def test_2012_daily_o3_8h_above_800_uses_the_1h_value() -> None:
    """HJ 633-2012 Table 1 note 3: MDA8 > 800 -> the O3 IAQI is that of the 1-h maximum.

    O3 900 all day: 1-h IAQI 300 + (900-800)*100/200 = 350; the AQI is 350 (O3),
    not missing. HJ 633-2026 note c: MDA8 > 800 counts 300.
    """
    h = day("S1", D, O3=900.0)
    d12 = air.daily_aqi(h, edition=E12, method="strict").row(0, named=True)
    assert d12["iaqi_O3_1h"] == 350
    assert (d12["aqi"], d12["primary_pollutant"]) == (350, "O3")
    d26 = air.daily_aqi(h, edition=E26).row(0, named=True)
    assert (d26["iaqi_O3_8h"], d26["aqi"], d26["primary_pollutant"]) == (300, 300, "O3")


def test_daily_aqi_validity_at_19_and_20_hours() -> None:
    """PM2.5 61 µg/m³ (2026: 101), CO with 19 or 20 valid hours.

    20 hours: every indicator valid. 19 hours: CO invalid -> 2012 (every indicator
    needed, documented choice): NA; 2026 §5.3.1 one missing and 101 > 100: published.
    With PM2.5 60 (2026: exactly 100) and CO invalid: NA.
    """
    co20 = [0.4] * 20 + [None] * 4
    co19 = [0.4] * 19 + [None] * 5
    ok = air.daily_aqi(day("S1", D, CO=co20, **{"PM2.5": 61.0}), edition=E26).row(0, named=True)
    assert (ok["CO"], ok["iaqi_CO"], ok["aqi"]) == (0.4, 10, 101)
    short = day("S1", D, CO=co19, **{"PM2.5": 61.0})
    d26 = air.daily_aqi(short, edition=E26).row(0, named=True)
    assert (d26["CO"], d26["iaqi_CO"], d26["aqi"], d26["primary_pollutant"]) == (
        None,
        None,
        101,
        "PM2.5",
    )
    assert air.daily_aqi(short, edition=E12)["aqi"].item() is None
    at100 = day("S1", D, CO=co19, **{"PM2.5": 60.0})
    assert air.daily_aqi(at100, edition=E26)["aqi"].item() is None


def test_daily_auto_edition_switches_on_2026_03_01() -> None:
    """PM2.5 70 all day: 2012 94 (50+35*50/40 = 93.75), 2026 110 (100+10*50/55 = 109.1)."""
    h = pl.concat(
        [
            day("S1", date(2026, 2, 28), **{"PM2.5": 70.0}),
            day("S1", date(2026, 3, 1), **{"PM2.5": 70.0}),
        ]
    )
    out = air.daily_aqi(h)
    assert out["date"].to_list() == [date(2026, 2, 28), date(2026, 3, 1)]
    assert out["edition"].to_list() == [E12, E26]
    assert out["aqi"].to_list() == [94, 110]
    forced = air.daily_aqi(h, edition=E12)
    assert forced["aqi"].to_list() == [94, 94]


# --- city level -----------------------------------------------------------------------------


STATIONS = pl.DataFrame(
    {
        "station": ["A1", "A2", "A9", "B1"],
        "name": ["a1", "a2", "a9 (对照点)", "b1"],
        "city": ["甲市", "甲市", "甲市", "乙市"],
        "lon": [110.0, 110.1, 110.2, 111.0],
        "lat": [30.0, 30.1, 30.2, 31.0],
        "background": [False, False, True, False],
        "province": ["P", "P", "P", "P"],
    }
)


def city_hours() -> pl.DataFrame:
    return pl.concat(
        [
            day("A1", D, **{"PM2.5": 10.0}),
            # A2: SO2 only 19 valid hours -> its SO2 daily mean is invalid
            day("A2", D, SO2=[20.0] * 19 + [None] * 5, **{"PM2.5": 90.0}),
            day("A9", D, SO2=500.0, **{"PM2.5": 300.0}),  # background: left out
            day("B1", D, **{"PM2.5": 35.0}),
        ]
    )


def test_city_daily_is_the_mean_of_valid_non_background_stations() -> None:
    """HJ 663: city value = mean of the valid daily values of its non-background stations.

    甲市 PM2.5 = (10 + 90)/2 = 50 -> 2012 IAQI 50 + 15*50/40 = 68.75 -> 69 (computed on the
    city concentration, not the mean of station AQIs 15 and 119). SO2 from A1 only (A2
    has 19 hours): 5, n_stations_SO2 = 1.
    """
    out = air.daily_aqi(city_hours(), stations=STATIONS, level="city", edition=E12)
    assert out["city"].to_list() == ["乙市", "甲市"]  # sorted by city (code-point order)
    jia = out.filter(city="甲市").row(0, named=True)
    assert (jia["PM2.5"], jia["n_stations_PM2.5"]) == (50.0, 2)
    assert (jia["SO2"], jia["n_stations_SO2"]) == (5.0, 1)
    assert (jia["iaqi_PM2.5"], jia["aqi"], jia["primary_pollutant"]) == (69, 69, "PM2.5")
    yi = out.filter(city="乙市").row(0, named=True)
    assert (yi["PM2.5"], yi["aqi"], yi["primary_pollutant"]) == (35.0, 50, None)


def test_grouping_by_a_station_list_column() -> None:
    out = air.daily_aqi(city_hours(), stations=STATIONS, by="province", edition=E12)
    row = out.row(0, named=True)
    assert row["province"] == "P"
    assert row["PM2.5"] == pytest.approx((10 + 90 + 35) / 3)
    assert row["n_stations_PM2.5"] == 3


def test_station_not_in_the_station_list_is_an_error() -> None:
    h = pl.concat([city_hours(), day("ZZ9", D)])
    with pytest.raises(IndicatorInputError, match="station list") as exc:
        air.daily_aqi(h, stations=STATIONS, level="city")
    assert "ZZ9" in str(exc.value)
    with pytest.raises(IndicatorInputError, match="station list"):
        air.daily_aqi(city_hours(), level="city")  # no list at all
    with pytest.raises(IndicatorInputError, match="level"):
        air.daily_aqi(city_hours(), stations=STATIONS, level="country")


# --- eager / lazy / pandas / bad, empty and all-null input -------------------------------------


def test_eager_and_lazy_agree() -> None:
    h = pl.concat(
        [
            city_hours(),
            day("A1", date(2026, 3, 1), O3=o3_with({9: None}), **{"PM2.5": 61.0}),
        ]
    )
    # unsorted with gaps (general path) and sorted complete station-days (fast path)
    for frame in (h, h.sort("station", "time")):
        for fn, kwargs in (
            (air.hourly_aqi, {}),
            (air.daily_concentrations, {}),
            (air.daily_aqi, {}),
            (air.daily_aqi, {"stations": STATIONS, "level": "city"}),
        ):
            eager = fn(frame, **kwargs)
            lazy = fn(frame.lazy(), **kwargs)
            assert isinstance(lazy, pl.LazyFrame)
            assert isinstance(eager, pl.DataFrame)
            assert_frame_equal(eager, lazy.collect())


def test_sorted_and_unsorted_rows_agree() -> None:
    """Row order is not a meaning: shuffled rows give the same daily statistics."""
    h = pl.concat(
        [
            day("A1", D - timedelta(days=1), O3=300.0),
            day("A1", D, O3=o3_with({1: None, 2: None, 3: None})),
            day("A2", D, O3=o3_with({9: None, 10: None, 11: None})),
        ]
    )
    shuffled = h.sample(fraction=1.0, shuffle=True, seed=7)
    assert_frame_equal(air.daily_concentrations(h), air.daily_concentrations(shuffled))


def test_city_level_from_station_daily_input() -> None:
    """daily_aqi accepts station daily statistics and aggregates them without recomputing."""
    station_daily = air.daily_aqi(city_hours(), edition=E12)
    from_daily = air.daily_aqi(station_daily, stations=STATIONS, level="city", edition=E12)
    from_hours = air.daily_aqi(city_hours(), stations=STATIONS, level="city", edition=E12)
    assert_frame_equal(from_daily, from_hours)


def test_pandas_input() -> None:
    h = city_hours()
    pdf = h.to_pandas()
    # pandas in, pandas out: the same values (dates come back as datetime64)
    eager = air.hourly_aqi(h)
    assert_frame_equal(pl.from_pandas(air.hourly_aqi(pdf)).cast(eager.schema), eager)
    eager = air.daily_aqi(h, stations=STATIONS, level="city")
    got = air.daily_aqi(pdf, stations=STATIONS.to_pandas(), level="city")
    assert_frame_equal(pl.from_pandas(got).cast(eager.schema), eager)


def test_bad_input_is_named() -> None:
    h = day("S1", D, NO2=[10.0] * 5 + [-1.0] + [10.0] * 18)
    with pytest.raises(IndicatorInputError, match="negative") as exc:
        air.hourly_aqi(h)
    assert (exc.value.row, exc.value.column, exc.value.found) == (6, "NO2", -1.0)
    with pytest.raises(IndicatorInputError) as exc:
        air.hourly_aqi(day("S1", D).drop("CO"))
    assert exc.value.column == "CO"
    with pytest.raises(IndicatorInputError, match="datetime"):
        air.hourly_aqi(day("S1", D).with_columns(pl.col("time").dt.date()))
    with pytest.raises(IndicatorInputError):
        air.hourly_aqi([1, 2, 3])


def test_nan_hours_are_missing() -> None:
    """A NaN in a polars frame is a missing value: not 'above the table' (500), not a
    valid hour. PM2.5 40 with one NaN hour: 23 valid hours, mean 40;
    2012 IAQI 50 + 5*50/40 = 56.25 -> 57."""
    pm25 = [40.0] * 23 + [float("nan")]
    h = day("S1", D, **{"PM2.5": pm25})
    hourly = air.hourly_aqi(h, edition=E12)
    assert hourly["iaqi_PM2.5"].to_list() == [57] * 23 + [None]
    assert hourly["aqi"].max() == 57
    d = air.daily_aqi(h, edition=E12).row(0, named=True)
    assert (d["n_PM2.5"], d["PM2.5"], d["iaqi_PM2.5"]) == (23, 40.0, 57)


def test_lazy_negative_hours_raise_like_eager() -> None:
    """A negative hour is an error in eager and lazy input alike (the lazy check runs in the
    plan, when the result is collected), naming the row of the frame as given."""
    h = day("S1", D, SO2=[10.0] * 23 + [-1000.0])
    lazy = air.daily_concentrations(h.lazy())
    with pytest.raises(IndicatorInputError, match="negative") as exc:
        lazy.collect()
    assert (exc.value.row, exc.value.column) == (24, "SO2")
    with pytest.raises(IndicatorInputError, match="negative") as exc:
        air.daily_concentrations(h)
    assert (exc.value.row, exc.value.column) == (24, "SO2")


def test_duplicate_station_hours_are_an_error() -> None:
    """The same station-hour twice would count 25 hours in a day and shift the O3 windows."""
    h = pl.concat([day("S1", D), day("S1", D).slice(5, 1)])
    with pytest.raises(IndicatorInputError) as exc:
        air.daily_concentrations(h)
    assert exc.value.row == 25  # the repeated row (1-based)


def test_time_zone_other_than_china_standard_time_is_an_error() -> None:
    """``time`` is naive China Standard Time; a UTC clock would shift every natural day."""
    h = day("S1", D).with_columns(pl.col("time").dt.replace_time_zone("UTC"))
    with pytest.raises(IndicatorInputError) as exc:
        air.daily_concentrations(h)
    assert exc.value.column == "time"
    with pytest.raises(IndicatorInputError):
        air.hourly_aqi(h)


def test_empty_frames() -> None:
    empty = day("S1", D).clear()
    assert air.hourly_aqi(empty).height == 0
    assert air.daily_concentrations(empty).height == 0
    assert air.daily_aqi(empty).height == 0
    assert air.daily_aqi(empty, stations=STATIONS, level="city").height == 0
    assert air.hourly_aqi(empty.lazy()).collect().height == 0


def test_all_null_pollutants_give_null_results() -> None:
    h = day("S1", D, **dict.fromkeys(POLLUTANTS))
    hourly = air.hourly_aqi(h)
    assert hourly["aqi"].null_count() == 24
    d = air.daily_aqi(h).row(0, named=True)
    assert d["aqi"] is None
    assert d["level"] is None
    assert d["primary_pollutant"] is None
    assert d["O3_MDA8"] is None
    assert (d["n_SO2"], d["n_O3"], d["n_O3_8h"], d["n_hours"]) == (0, 0, 0, 24)


def test_all_null_untyped_columns() -> None:
    """Columns built from ``None`` only have dtype Null: still all-null input, nulls out."""
    t = [datetime(2019, 7, 1, 1) + timedelta(hours=k) for k in range(24)]
    h = pl.DataFrame({"station": "S1", "time": t, **{p: [None] * 24 for p in POLLUTANTS}})
    assert air.hourly_aqi(h)["aqi"].null_count() == 24
    d = air.daily_aqi(h).row(0, named=True)
    assert d["aqi"] is None
    assert d["n_hours"] == 24


def test_official_2012_daily_aqi_leaves_out_the_o3_1h_max() -> None:
    """The same day under the official method: the published good-day counts behave as if
    the O3 1-h maximum is not counted (广州 June 2019: 93.3 % published, 93.1 % without it,
    89.7 % with it). MDA8 81.25 is rounded to 81 before the IAQI (2012 8-h table: 0-100
    over IAQI 0-50): 81*50/100 = 40.5 -> 41. The AQI is the largest of the rest: 41 (O3),
    not 150 (the 1-h IAQI of 300)."""
    h = day("S1", D, O3=o3_with({14: 300.0}, base=50.0))
    d12 = air.daily_aqi(h, edition=E12).row(0, named=True)
    assert d12["method"] == "official"
    assert (d12["O3_1h_max"], d12["O3_MDA8"]) == (300.0, 81.0)
    assert "iaqi_O3_1h" not in d12
    assert (d12["aqi"], d12["level"]) == (41, 1)
    switched = air.daily_aqi(h, edition=E12, method=air.method(o3_1h_in_daily_aqi=True))
    assert switched.row(0, named=True)["aqi"] == 150


def test_official_2012_daily_o3_8h_above_800_still_uses_the_1h_value() -> None:
    """HJ 633-2012 note 3 scores an MDA8 above 800 by the 1-h value even when the 1-h
    maximum is not itself counted: O3 900 all day -> 350."""
    d12 = air.daily_aqi(day("S1", D, O3=900.0), edition=E12).row(0, named=True)
    assert (d12["iaqi_O3_8h"], d12["aqi"], d12["primary_pollutant"]) == (350, 350, "O3")


# --- national scale: lazy frames, editions per row, station groups -----------------------------


@pytest.fixture(scope="module")
def across_the_change() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Demo station-hours of 2026-02-20 .. 2026-03-10 (the HJ 633 change on 03-01), gaps and all."""
    from indicators import demo
    from indicators.demo import air as demo_air

    stations = demo.station_list()
    h = demo_air.generate(
        demo.CITIES, stations, date(2026, 2, 20), date(2026, 3, 10), demo.DEMO_SEED
    )["station_hours"]
    return h, stations


LAZY_CASES = [
    (air.hourly_aqi, {}),
    (air.daily_concentrations, {}),
    (air.daily_aqi, {}),
    (air.daily_aqi, {"method": "strict"}),
    (air.daily_aqi, {"level": "city"}),
    (air.daily_aqi, {"by": "province", "method": "strict"}),
]


@pytest.mark.parametrize(("fn", "kwargs"), LAZY_CASES)
def test_lazy_and_eager_agree_on_demo_data(across_the_change, fn, kwargs) -> None:
    """A LazyFrame takes the eager path when collected: the same frame, column for column."""
    h, stations = across_the_change
    if "level" in kwargs or "by" in kwargs:
        kwargs = {**kwargs, "stations": stations}
    eager = fn(h, **kwargs)
    lazy = fn(h.lazy(), **kwargs)
    assert isinstance(lazy, pl.LazyFrame)
    assert lazy.collect_schema() == eager.schema
    assert_frame_equal(lazy.collect(), eager)
    # and from a Parquet scan, with a filter after it (applied to the rows computed)
    assert_frame_equal(
        lazy.filter(
            pl.col("station" if "station" in eager.columns else eager.columns[0]).is_not_null()
        ).collect(),
        eager,
    )


def test_lazy_result_is_computed_when_collected(tmp_path) -> None:
    """Nothing but the schema is read at the call: the rows are computed when collected."""
    path = tmp_path / "h.parquet"
    day("S1", D).write_parquet(path)
    lazy = air.daily_aqi(pl.scan_parquet(path))
    path.unlink()  # the call read no row
    with pytest.raises(FileNotFoundError):
        lazy.collect()
    # lazy station daily values: the station list is checked when they are computed
    station_days = air.daily_aqi(day("ZZ9", D)).lazy()
    city = air.daily_aqi(station_days, stations=STATIONS, level="city")
    with pytest.raises(IndicatorInputError, match="station list"):
        city.collect()


def test_lazy_duplicate_station_hour_raises_like_eager(across_the_change) -> None:
    h, _ = across_the_change
    bad = pl.concat([h, h.slice(1000, 1)])
    with pytest.raises(IndicatorInputError) as eager:
        air.daily_aqi(bad)
    lazy = air.daily_aqi(bad.lazy())  # no error at the call
    with pytest.raises(IndicatorInputError) as collected:
        lazy.collect()
    assert str(collected.value) == str(eager.value)
    assert eager.value.row == h.height + 1 and "station-hour" in str(eager.value)


def test_editions_per_row_equal_each_edition_on_its_own_days(across_the_change) -> None:
    """edition="auto" across 2026-03-01: each row as the edition in force that day scores it."""
    h, stations = across_the_change
    day_of = (pl.col("time") - pl.duration(hours=1)).dt.date()
    change = date(2026, 3, 1)
    for method in ("official", "strict"):
        hourly = air.hourly_aqi(h)
        h12, h26 = (air.hourly_aqi(h, edition=e) for e in (E12, E26))
        expected = pl.concat(
            [h12.filter(day_of < change), h26.filter(day_of >= change)], how="diagonal_relaxed"
        ).sort("station", "time")
        assert_frame_equal(hourly.sort("station", "time"), expected.select(hourly.columns))
        for kwargs in ({}, {"stations": stations, "level": "city"}):
            auto = air.daily_aqi(h, method=method, **kwargs)
            d12, d26 = (air.daily_aqi(h, method=method, edition=e, **kwargs) for e in (E12, E26))
            keys = [auto.columns[0], "date"]
            expected = pl.concat(
                [d12.filter(pl.col("date") < change), d26.filter(pl.col("date") >= change)],
                how="diagonal_relaxed",
            ).sort(keys)
            assert_frame_equal(auto, expected.select(auto.columns))
            assert auto["edition"].unique().sort().to_list() == [E12, E26]
    # strict 2012 counts the O3 1-h maximum; 2026 has no such indicator: null after the change
    strict = air.daily_aqi(h, method="strict")
    after = strict.filter(pl.col("date") >= change)
    assert after["iaqi_O3_1h"].null_count() == after.height
    before = strict.filter(pl.col("date") < change)
    assert before["iaqi_O3_1h"].null_count() < before.height / 10  # invalid days only


def test_one_edition_gives_that_editions_columns(across_the_change) -> None:
    """Rows all under HJ 633-2026: no iaqi_O3_1h column in the strict method (eager input)."""
    h, _ = across_the_change
    late = h.filter(pl.col("time") > datetime(2026, 3, 2))
    out = air.daily_aqi(late, method="strict")
    assert "iaqi_O3_1h" not in out.columns
    assert out["edition"].unique().to_list() == [E26]


@pytest.fixture
def small_groups(monkeypatch):
    """Station groups of at most 200 station-hours: every station a group of its own."""
    from indicators.air import daily as daily_module

    monkeypatch.setattr(daily_module, "CHUNK_ROWS", 200)


@pytest.mark.parametrize(("fn", "kwargs"), LAZY_CASES)
def test_station_groups_give_the_same_rows(across_the_change, small_groups, fn, kwargs) -> None:
    """Work in station groups (eager) and reading group by group (lazy) change nothing,
    sorted by station, by time (as the package stores station-hours: groups of whole
    days) or not at all."""
    h, stations = across_the_change
    if "level" in kwargs or "by" in kwargs:
        kwargs = {**kwargs, "stations": stations}
    from indicators.air import daily as daily_module

    whole = fn(h, **kwargs)
    shuffled = h.sample(fraction=1.0, shuffle=True, seed=11)
    for frame in (h, shuffled, h.sort("time", "station")):
        daily_module.CHUNK_ROWS = 200
        grouped = fn(frame, **kwargs)
        lazy = fn(frame.lazy(), **kwargs).collect()
        if fn is air.hourly_aqi and frame is not h:
            grouped, lazy = (f.sort("station", "time") for f in (grouped, lazy))
        assert_frame_equal(grouped, whole, check_exact=True)
        assert_frame_equal(lazy, whole, check_exact=True)


def test_station_groups_raise_the_whole_frames_error(across_the_change, small_groups) -> None:
    """Read group by group, a bad value or a repeated hour still names the first bad row of
    the whole frame, as an eager frame does."""
    h, _ = across_the_change
    neg = h.with_columns(
        NO2=pl.when(pl.int_range(pl.len()).is_in([5000, 700])).then(-3.0).otherwise(pl.col("NO2"))
    )
    rep = pl.concat([h.slice(0, 3000), h.slice(6000, 1), h.slice(3000)])
    by_time = h.sort("time", "station")
    rep_by_time = pl.concat([by_time.slice(0, 3001), by_time.slice(3000)])  # row 3001 twice
    cases = [(neg, air.hourly_aqi), (neg, air.daily_aqi), (rep, air.daily_aqi)]
    cases += [(neg.sort("time", "station"), air.daily_aqi), (rep_by_time, air.daily_aqi)]
    for bad, fn in cases:
        with pytest.raises(IndicatorInputError) as eager:
            fn(bad)
        with pytest.raises(IndicatorInputError) as lazy:
            fn(bad.lazy()).collect()
        assert str(lazy.value) == str(eager.value)
    assert eager.value.row == 3002  # the second occurrence, in the frame as given
    assert "station-hour" in str(eager.value)


def test_station_groups_warn_like_the_whole_frame(across_the_change, small_groups) -> None:
    """One soft-band warning for the whole frame (first row, count), not one per group."""
    h, _ = across_the_change
    odd = h.with_columns(
        O3=pl.when(pl.int_range(pl.len()) % 997 == 3).then(1200.0).otherwise(pl.col("O3"))
    )
    filters = list(warnings.filters)
    with pytest.warns(IndicatorWarning) as eager:
        air.daily_concentrations(odd)
    with pytest.warns(IndicatorWarning) as lazy:
        air.daily_concentrations(odd.lazy()).collect()
    assert [str(w.message) for w in lazy] == [str(w.message) for w in eager]
    assert len(eager) == 1
    # groups are checked in threads: the process's warning filters are left as they were
    assert warnings.filters == filters


def test_daily_means_do_not_depend_on_the_groups(across_the_change, monkeypatch) -> None:
    """A station-day's mean is the same float whether its frame holds one station, one day
    or every station-hour (the sum of its hours in hour order over their number)."""
    from indicators.air import daily as daily_module

    h, _ = across_the_change
    whole = air.daily_concentrations(h)  # one group
    monkeypatch.setattr(daily_module, "CHUNK_ROWS", 200)
    for frame in (h, h.sort("time", "station")):
        assert_frame_equal(air.daily_concentrations(frame), whole, check_exact=True)
    day = whole.filter(pl.col("station") == "9001D", pl.col("date") == date(2026, 2, 21))
    hours = h.filter(pl.col("station") == "9001D", _hour_day_of(pl.col("time")) == day["date"][0])
    total = 0.0
    for value in hours["CO"].drop_nulls():
        total += value
    assert day["CO"][0] == total / hours["CO"].drop_nulls().len()


def _hour_day_of(time: pl.Expr) -> pl.Expr:
    return (time - pl.duration(hours=1)).dt.date()
