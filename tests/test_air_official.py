"""The official method profile (how CNEMC forms the published figures) against the strict one.

Each test is a small hand-built case of one finding on the real 2019 archive; every expected
number is worked out in the docstring from HJ 633 formula (1) and the HJ 633-2012 Table 1
breakpoints. Both profiles, eager and lazy.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import pytest

from indicators import IndicatorInputError, air, standards

POLLUTANTS = ("SO2", "NO2", "PM10", "CO", "O3", "PM2.5")
CLEAN = {"SO2": 5.0, "NO2": 10.0, "PM10": 20.0, "CO": 0.2, "O3": 50.0, "PM2.5": 10.0}
D = date(2019, 7, 1)
E12 = "HJ 633-2012"
LAZY = pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])


def station_day(station: str, labels=range(1, 25), **values) -> pl.DataFrame:
    """Hours of natural day D at the given labels (label 24 = D+1 00:00).

    A value is a scalar, or a dict label -> value (CLEAN elsewhere; None = missing).
    """
    start = datetime(D.year, D.month, D.day)
    labels = list(labels)
    data: dict = {"station": station, "time": [start + timedelta(hours=k) for k in labels]}
    for p in POLLUTANTS:
        v = values.get(p, CLEAN[p])
        data[p] = [v.get(k, CLEAN[p]) for k in labels] if isinstance(v, dict) else v
    return pl.DataFrame(data, schema_overrides={p: pl.Float64 for p in POLLUTANTS})


STATIONS = pl.DataFrame(
    {"station": ["A", "B", "C"], "city": ["X", "X", "X"], "background": [False, False, True]}
)


def run(frame: pl.DataFrame, lazy: bool, **kwargs) -> dict:
    out = air.daily_aqi(frame.lazy() if lazy else frame, **kwargs)
    out = out.collect() if lazy else out
    assert out.height == 1, out
    return out.row(0, named=True)


# --- station daily values: CNEMC's published 24-h values ------------------------------------

PUBLISHED = {
    "SO2_24h": 10.0,
    "NO2_24h": 40.0,
    "PM10_24h": 80.0,
    "CO_24h": 1.0,
    "PM2.5_24h": 75.0,
    "O3_8h_24h": 120.0,
}


def few_hours_with_published() -> pl.DataFrame:
    """5 hours of D (labels 20..24): too few for a daily mean. The label-24 row (D+1 00:00,
    CNEMC's label 0) carries CNEMC's own 24-h means of D, as the archive does."""
    h = station_day("A", labels=range(20, 25))
    closing = pl.col("time") == datetime(2019, 7, 2)
    return h.with_columns(
        *[pl.when(closing).then(pl.lit(v)).alias(k) for k, v in PUBLISHED.items()]
    )


@LAZY
def test_official_uses_published_station_values_on_an_incomplete_day(lazy: bool) -> None:
    """Published: SO2 10 -> 10; NO2 40 -> 50; PM10 50+(80-50)*50/100 = 65; CO 1.0 -> 25;
    PM2.5 50+(75-35)*50/40 = 100; O3 8-h 50+(120-100)*50/60 = 66.7 -> 67. AQI 100 (PM2.5),
    a good day. From the 5 hours (strict): no valid daily value, no AQI."""
    h = few_hours_with_published()
    official = run(h, lazy, edition=E12)
    assert [official[p] for p in ("SO2", "NO2", "PM10", "CO", "PM2.5", "O3_MDA8")] == [
        10.0,
        40.0,
        80.0,
        1.0,
        75.0,
        120.0,
    ]
    assert {official[f"source_{p}"] for p in ("SO2", "NO2", "PM10", "CO", "PM2.5")} == {"published"}
    assert official["source_O3_MDA8"] == "published"
    assert (official["aqi"], official["primary_pollutant"], official["level"]) == (100, "PM2.5", 2)
    assert official["n_hours"] == 5
    strict = run(h, lazy, edition=E12, method="strict")
    assert strict["PM2.5"] is None and strict["aqi"] is None
    assert strict["source_PM2.5"] is None


@LAZY
def test_blanked_pm10_hours_keep_the_published_pm10(lazy: bool) -> None:
    """Before 2019-06-18 the archive blanked hours with PM10 < PM2.5, while PM10_24h still
    carries CNEMC's mean: every PM10 hour empty, PM10_24h 80 at label 24. Official: PM10 80,
    IAQI 65, AQI max(5, 13, 65, 5, 16, 15) = 65. Strict (2012 needs every indicator): NA."""
    h = station_day("A", PM10=None).with_columns(
        pl.when(pl.col("time") == datetime(2019, 7, 2)).then(80.0).alias("PM10_24h")
    )
    official = run(h, lazy, edition=E12)
    assert (official["PM10"], official["source_PM10"]) == (80.0, "published")
    assert official["source_PM2.5"] == "hours"  # no PM2.5_24h column: from the hours
    assert (official["aqi"], official["primary_pollutant"]) == (65, "PM10")
    strict = run(h, lazy, edition=E12, method="strict")
    assert (strict["PM10"], strict["aqi"]) == (None, None)


def test_published_values_are_used_only_by_the_official_method() -> None:
    """A complete day whose published PM2.5_24h (60) differs from the mean of its hours (10):
    official takes CNEMC's value, strict the hours'."""
    h = station_day("A").with_columns(
        pl.when(pl.col("time") == datetime(2019, 7, 2)).then(60.0).alias("PM2.5_24h")
    )
    assert air.daily_concentrations(h)["PM2.5"].item() == 60.0
    assert air.daily_concentrations(h, method="strict")["PM2.5"].item() == 10.0


# --- city means rounded to the reporting precision before the IAQI --------------------------


@LAZY
def test_city_mean_is_rounded_half_to_even_before_the_iaqi(lazy: bool) -> None:
    """Stations A, B: PM2.5 34 and 35 -> city mean 34.5; CO 0.8 and 0.9 -> 0.85.

    Official (GB/T 8170, half to even): PM2.5 34 -> 34*50/35 = 48.57 -> 49; CO 0.8.
    Strict: PM2.5 34.5 -> 49.29 -> 50; CO 0.85. (Half away from zero would give 35 -> 50.)
    C is a background station (对照点) with PM2.5 300: left out of the city mean.
    """
    h = pl.concat(
        [
            station_day("A", **{"PM2.5": 34.0, "CO": 0.8}),
            station_day("B", **{"PM2.5": 35.0, "CO": 0.9}),
            station_day("C", **{"PM2.5": 300.0}),
        ]
    )
    official = run(h, lazy, stations=STATIONS, level="city", edition=E12)
    assert (official["PM2.5"], official["CO"], official["iaqi_PM2.5"]) == (34.0, 0.8, 49)
    assert official["n_stations_PM2.5"] == 2
    strict = run(h, lazy, stations=STATIONS, level="city", edition=E12, method="strict")
    assert (strict["PM2.5"], strict["iaqi_PM2.5"]) == (34.5, 50)
    assert strict["CO"] == pytest.approx(0.85)


# --- O3 8-h: the 14-window exception on the city mean ---------------------------------------


def o3_gap_day(station: str, peak: float) -> pl.DataFrame:
    """O3 missing at labels 9-11 (windows ending 11..16 have 5 of 8 hours: invalid, 11 of 17
    windows left, fewer than 14), 50 elsewhere and ``peak`` at labels 17..24 (window ending
    24 = peak)."""
    o3 = {9: None, 10: None, 11: None} | dict.fromkeys(range(17, 25), peak)
    return station_day(station, O3=o3)


@pytest.mark.parametrize("method", ["official", "strict"])
@LAZY
def test_o3_exception_is_applied_to_the_city_mean(method: str, lazy: bool) -> None:
    """Peaks 200 and 140, both stations with 11 windows. Per station first (the old defect):
    A kept (200 > 160), B dropped -> city 200 -> AQI 100+(200-160)*50/55 = 136.4 -> 137.
    On the city mean: (200 + 140)/2 = 170 > 160 -> valid, 100+10*50/55 = 109.1 -> 110."""
    h = pl.concat([o3_gap_day("A", 200.0), o3_gap_day("B", 140.0)])
    station = air.daily_concentrations(h, method=method)
    assert station["n_O3_8h"].to_list() == [11, 11]
    assert station["O3_MDA8_partial"].to_list() == [True, True]
    assert station["O3_MDA8"].to_list() == [200.0, None]  # each station alone: HJ 663 §6.1.2
    city = run(h, lazy, stations=STATIONS, level="city", edition=E12, method=method)
    assert (city["O3_MDA8"], city["n_stations_O3_MDA8"]) == (170.0, 2)
    assert (city["iaqi_O3_8h"], city["aqi"], city["primary_pollutant"]) == (110, 110, "O3")


@LAZY
def test_o3_lower_bound_under_the_limit_is_no_value(lazy: bool) -> None:
    """Peaks 150 and 140: the partial mean 145 is a lower bound under 160, so the city has
    no O3 8-h value, and (HJ 633-2012, every indicator needed) no AQI."""
    h = pl.concat([o3_gap_day("A", 150.0), o3_gap_day("B", 140.0)])
    city = run(h, lazy, stations=STATIONS, level="city", edition=E12)
    assert (city["O3_MDA8"], city["n_stations_O3_MDA8"], city["aqi"]) == (None, 0, None)


@LAZY
def test_o3_city_mean_uses_the_complete_stations(lazy: bool) -> None:
    """A complete (MDA8 100: O3 100 all day) and B incomplete with a peak of 200: the city
    value is the mean over the stations with enough windows, 100, not (100 + 200)/2."""
    h = pl.concat([station_day("A", O3=100.0), o3_gap_day("B", 200.0)])
    city = run(h, lazy, stations=STATIONS, level="city", edition=E12)
    assert (city["O3_MDA8"], city["n_stations_O3_MDA8"]) == (100.0, 1)


# --- profiles ------------------------------------------------------------------------------


def test_method_is_carried_in_the_output_and_choices_can_be_changed() -> None:
    h = station_day("A")
    assert air.daily_aqi(h)["method"].item() == "official"
    assert air.daily_aqi(h, method="strict")["method"].item() == "strict"
    custom = air.method("strict", round_daily=True)
    assert custom.name == "strict (round_daily=True)"
    assert air.daily_aqi(h, method=custom)["method"].item() == "strict (round_daily=True)"
    with pytest.raises(IndicatorInputError, match="unknown method profile"):
        air.daily_aqi(h, method="cnemc")
    with pytest.raises(IndicatorInputError, match="unknown method choice"):
        air.method(round=True)


def test_data_basis_is_carried_from_hours_to_city_days() -> None:
    h = pl.concat([station_day("A"), station_day("B")]).with_columns(data_basis=pl.lit("实况"))
    city = air.daily_aqi(h, stations=STATIONS, level="city")
    assert city["data_basis"].to_list() == ["实况"]


# --- sand-dust deduction (环办监测〔2016〕120号) --------------------------------------------


def dust_month() -> pl.DataFrame:
    """City daily values of two cities over 10 days of March 2025 (HJ 633-2012 days).

    X: PM2.5 30 on 9 days and 120 on 2025-03-05, a dust day (AQI 158, level 4, PM10
    primary, with PM10 400); Y: PM2.5 39 every day. Other statistics equal in both.
    """
    days = [date(2025, 3, 1) + timedelta(days=i) for i in range(10)]
    dusty = date(2025, 3, 5)

    def city(name: str, pm25: list[float], pm10: list[float], aqi: list[int]) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "city": name,
                "date": days,
                "aqi": aqi,
                "level": [4 if a > 150 else 2 if a > 50 else 1 for a in aqi],
                "primary_pollutant": ["PM10" if a > 150 else None for a in aqi],
                "edition": E12,
                "SO2": 10.0,
                "NO2": 30.0,
                "PM10": pm10,
                "PM2.5": pm25,
                "CO": 1.0,
                "O3_MDA8": 100.0,
            }
        )

    x_pm25 = [120.0 if d == dusty else 30.0 for d in days]
    x_pm10 = [400.0 if d == dusty else 60.0 for d in days]
    x_aqi = [158 if d == dusty else 45 for d in days]
    return pl.concat(
        [city("X", x_pm25, x_pm10, x_aqi), city("Y", [39.0] * 10, [60.0] * 10, [55] * 10)]
    )


def test_dust_day_changes_pm_index_and_rank_not_the_good_day_ratio() -> None:
    """X undeducted: PM2.5 (9*30 + 120)/10 = 39, PM10 (9*60 + 400)/10 = 94.
    Composite index = 10/60 + 30/40 + PM10/70 + PM2.5/35 + 1.0/4 + 100/160 (P95 and P90
    of constant series are the constants): 0.1667 + 0.75 + 0.25 + 0.625 = 1.7917 plus the PM
    terms. With dust: 94/70 + 39/35 = 1.3429 + 1.1143 -> 4.2488 -> 4.25. Deducted (9 days):
    PM2.5 30, PM10 60: 0.8571 + 0.8571 -> 3.5060 -> 3.51. Y: 60/70 + 39/35 -> 3.7631 -> 3.76.
    So X ranks 2nd of 2 undeducted (4.25 > 3.76) and 1st deducted (3.51 < 3.76).
    The good-day ratio keeps the dust day: X 9/10 = 90.0 % either way; the dust day is an
    exceedance day with PM10 primary: 1 of 10 valid days = 10.0 %."""
    from indicators import ranking

    daily = dust_month()
    flags = pl.DataFrame({"city": ["X"], "date": [date(2025, 3, 5)], "source": ["CNEMC 审核"]})
    plain = air.evaluate_period(daily, start="2025-03-01", end="2025-03-10")
    deducted = air.evaluate_period(daily, start="2025-03-01", end="2025-03-10", dust=flags)
    x0, x1 = plain.row(0, named=True), deducted.row(0, named=True)
    assert (x0["PM2.5"], x0["PM10"], x0["composite_index"]) == (39.0, 94.0, 4.25)
    assert (x1["PM2.5"], x1["PM10"], x1["composite_index"]) == (30.0, 60.0, 3.51)
    assert (x1["PM2.5_with_dust"], x1["PM10_with_dust"], x1["composite_index_with_dust"]) == (
        39.0,
        94.0,
        4.25,
    )
    assert x0["good_day_ratio"] == x1["good_day_ratio"] == 90.0
    assert (x1["dust_days"], x1["dust_exceedance_days"], x1["dust_exceedance_ratio"]) == (
        1,
        1,
        10.0,
    )
    assert (x0["dust_treatment"], x1["dust_treatment"]) == ("含沙", "扣沙")
    assert deducted.row(1, named=True)["composite_index"] == 3.76  # Y: nothing flagged
    rank_plain = ranking.rank_cities(plain, "composite_index").filter(city="X")["rank"].item()
    rank_dust = ranking.rank_cities(deducted, "composite_index").filter(city="X")["rank"].item()
    assert (rank_plain, rank_dust) == (2, 1)


def test_dust_flags_need_dates_and_the_grouping_column() -> None:
    daily = dust_month()
    with pytest.raises(IndicatorInputError, match="column 'city'"):
        air.evaluate_period(
            daily, start="2025-03-01", end="2025-03-10", dust=pl.DataFrame({"date": [D]})
        )
    with pytest.raises(IndicatorInputError, match="dust dates must be dates"):
        air.evaluate_period(
            daily,
            start="2025-03-01",
            end="2025-03-10",
            dust=pl.DataFrame({"city": ["X"], "date": ["2025-03-05"]}),
        )


def test_exceptional_event_kinds_use_the_same_mechanism() -> None:
    """HJ 663-2026 exceptional events: a flag table with a ``kind`` column. A wildfire day
    named in ``deduct_kinds`` leaves the PM statistics like a dust day, but is not counted
    in MEE's dust share; a kind the caller did not name raises (nothing ignored)."""
    daily = dust_month()
    fire = pl.DataFrame({"city": ["X"], "date": [date(2025, 3, 5)], "kind": ["wildfire"]})
    with pytest.raises(IndicatorInputError, match="not told to deduct") as err:
        air.evaluate_period(daily, start="2025-03-01", end="2025-03-10", dust=fire)
    assert "wildfire" in str(err.value)
    row = air.evaluate_period(
        daily, start="2025-03-01", end="2025-03-10", dust=fire, deduct_kinds=("dust", "wildfire")
    ).row(0, named=True)
    assert (row["PM2.5"], row["composite_index"], row["composite_index_with_dust"]) == (
        30.0,
        3.51,
        4.25,
    )
    assert (row["dust_days"], row["dust_exceedance_days"], row["deducted_kinds"]) == (
        1,
        0,
        "wildfire",
    )
    both = fire.vstack(pl.DataFrame({"city": ["X"], "date": [date(2025, 3, 5)], "kind": ["dust"]}))
    row = air.evaluate_period(
        daily, start="2025-03-01", end="2025-03-10", dust=both, deduct_kinds=("dust", "wildfire")
    ).row(0, named=True)
    assert (row["dust_days"], row["dust_exceedance_days"], row["deducted_kinds"]) == (
        1,
        1,
        "dust;wildfire",
    )
    blank = pl.DataFrame({"city": ["X", "X"], "date": [D, D], "kind": ["dust", None]})
    with pytest.raises(IndicatorInputError, match="row 2"):
        air.evaluate_period(daily, start="2025-03-01", end="2025-03-10", dust=blank)


def test_evaluate_period_method_guard() -> None:
    h = station_day("A")
    daily = air.daily_aqi(h, method="strict")
    row = air.evaluate_period(daily, start=D, end=D, method="strict").row(0, named=True)
    assert row["method"] == "strict"
    with pytest.raises(IndicatorInputError, match="daily values of another method"):
        air.evaluate_period(daily, start=D, end=D, method="official")


@pytest.mark.parametrize("edition", ["HJ 633-2012", "HJ 633-2026"])
def test_scalar_pm_1h_iaqi_agrees_with_hourly_aqi(edition: str) -> None:
    """PM2.5 80 µg/m³ in one hour, 24-h breakpoints: 2012 100+(80-75)*50/40 = 106.25 -> 107;
    2026 (75-115 -> 100-150 in the 2026 table) as hourly_aqi gives it."""
    h = station_day("A", labels=[14], **{"PM2.5": 80.0})
    hourly = air.hourly_aqi(h, edition=edition)["iaqi_PM2.5"].item()
    assert air.iaqi("PM2.5", "1h", 80, edition=edition) == hourly
    assert (
        air.iaqi("PM10", "1h", [120.0], edition=edition)
        == air.hourly_aqi(station_day("A", labels=[14], PM10=120.0), edition=edition)[
            "iaqi_PM10"
        ].to_list()
    )
    if edition == "HJ 633-2012":
        assert hourly == 107


def test_three_year_means_need_three_consecutive_years() -> None:
    """PM2.5 40, 35, 33, 30 in 2023..2026: 2025 -> (40+35+33)/3 = 36; 2026 -> 32.67 -> 33.
    CO P95 1.2, 1.1, 1.1, 1.0: 2025 -> 1.1333 -> 1.1; 2026 -> 1.0667 -> 1.1. 2024 was
    invalid: 2025 and 2026 are not valid three-year values. A city with two years: no row."""
    annual = pl.DataFrame(
        {
            "city": ["X"] * 4 + ["Y"] * 2,
            "start": [date(y, 1, 1) for y in (2023, 2024, 2025, 2026, 2025, 2026)],
            "PM2.5": [40.0, 35.0, 33.0, 30.0, 20.0, 21.0],
            "CO_P95": [1.2, 1.1, 1.1, 1.0, 0.9, 0.9],
            "period_valid": [True, False, True, True, True, True],
        }
    )
    out = air.three_year_means(annual)
    assert out.select("city", "year", "first_year", "PM2.5", "CO_P95", "years_valid").rows() == [
        ("X", 2025, 2023, 36.0, 1.1, False),
        ("X", 2026, 2024, 33.0, 1.1, False),
    ]
    pdf = air.three_year_means(annual.to_pandas())
    assert pdf.shape[0] == 2


def test_auto_edition_equals_the_forced_edition_on_either_side_of_the_change() -> None:
    """edition="auto" takes the single-edition path when every row has one edition (issue 13)
    and still picks the edition per row across the change: same rows, same values."""
    change = air.EDITION_CHANGE
    start = datetime(change.year, change.month, change.day) - timedelta(days=2)
    times = [start + timedelta(hours=k) for k in range(1, 24 * 4 + 1)]
    h = pl.DataFrame(
        {
            "station": "A",
            "time": times,
            "SO2": 10.0,
            "NO2": 40.0,
            "PM10": 90.0,
            "CO": 1.0,
            "O3": [float(20 + (k % 24) * 8) for k in range(len(times))],
            "PM2.5": [float(30 + k % 50) for k in range(len(times))],
        }
    )
    names = standards.edition_names("HJ 633")
    before = h.filter(pl.col("time") <= datetime(change.year, change.month, change.day))
    assert air.hourly_aqi(before, edition="auto").equals(air.hourly_aqi(before, edition=names[-2]))
    auto = air.daily_aqi(h, edition="auto")
    for name in names[-2:]:
        got = auto.filter(pl.col("edition") == name)
        forced = air.daily_aqi(h, edition=name).filter(pl.col("date").is_in(got["date"].implode()))
        assert got.height == 2 and got.equals(forced)
