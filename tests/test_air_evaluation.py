"""Period evaluation (HJ 663, GB 3095): days, ratios, statistics, attainment, composite index.

The daily frame is built by hand; every expected figure is worked out in a comment.
Limits (class 2): GB 3095-2012 Table 1 (annual SO2 60, NO2 40, PM10 70, PM2.5 35;
CO 24-h 4 mg/m³; O3 MDA8 160) and the GB 3095-2026 transitional values (PM10 60,
PM2.5 30, the rest unchanged).
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from indicators import IndicatorInputError, air

T26 = "GB 3095-2026 transitional"

# --- percentile (HJ 663; k = 1 + (n - 1) p / 100) -----------------------------------------------


def test_percentile_worked_example() -> None:
    """{3,4,8,2,5,4}, p = 90: sorted 2,3,4,4,5,8; k = 1 + 5*0.9 = 5.5; 5 + (8-5)*0.5 = 6.5."""
    assert air.percentile([3, 4, 8, 2, 5, 4], 90) == 6.5
    frame = pl.DataFrame({"x": [3.0, 4.0, 8.0, 2.0, 5.0, 4.0]})
    assert frame.select(air.percentile_expr("x", 90)).item() == 6.5


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([1, 2, 3, 4], 50, 2.5),  # k = 2.5
        ([10], 95, 10.0),  # n = 1
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95, 9.55),  # k = 9.55
        ([5, None, 1], 100, 5.0),  # nulls ignored; p = 100 is the maximum
        ([5, 1, 3], 0, 1.0),  # p = 0 is the minimum
        ([], 90, None),
        ([None, float("nan")], 90, None),
    ],
)
def test_percentile_values(values, p, expected) -> None:
    got = air.percentile(values, p)
    assert got == (pytest.approx(expected) if expected is not None else None)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(min_value=0, max_value=1000, allow_nan=False), min_size=1, max_size=60),
    st.sampled_from([90, 95, 98, 50, 0, 100]),
)
def test_percentile_expr_equals_the_python_formula(values, p) -> None:
    expr = pl.DataFrame({"x": values}).select(air.percentile_expr("x", p)).item()
    ref = air.percentile(values, p)
    assert expr == pytest.approx(ref, rel=1e-12, abs=1e-9)
    assert ref == pytest.approx(float(np.percentile(values, p)), rel=1e-12, abs=1e-9)


# --- required days ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "n"),
    [
        (date(2025, 1, 1), date(2025, 12, 31), 324),  # GB 3095 Table 4: a year, 324
        (date(2024, 1, 1), date(2024, 12, 31), 324),  # leap year: still 324
        (date(2025, 3, 1), date(2025, 3, 31), 27),  # a month, 27
        (date(2025, 4, 1), date(2025, 4, 30), 27),
        (date(2025, 2, 1), date(2025, 2, 28), 25),  # February, 25
        (date(2024, 2, 1), date(2024, 2, 29), 25),
        (date(2025, 1, 1), date(2025, 1, 10), 9),  # custom: ceil(10 * 324/365) = ceil(8.88)
        (date(2025, 1, 1), date(2025, 3, 31), 80),  # 90 days: ceil(79.89) = 80
        (date(2025, 7, 1), date(2026, 6, 30), 324),  # 365 days, not a calendar year
        (date(2025, 3, 2), date(2025, 3, 31), 27),  # 30 days: ceil(26.63) = 27
    ],
)
def test_required_days(start, end, n) -> None:
    assert air.required_days(start, end) == n


# --- evaluate_period on a hand-built daily frame ---------------------------------------

DAYS = [date(2025, 1, 1) + timedelta(days=i) for i in range(10)]


def daily_frame(**overrides) -> pl.DataFrame:
    """Ten days of one city, 2025-01-01..10.

    AQI 40 60 90 101 160 210 45 – 80 310 (one invalid day), levels 1 2 2 3 4 5 1 – 2 6.
    PM2.5 sums to 297 over 9 valid days: mean 33. CO 0.5..1.4, O3 MDA8 60..150.
    """
    data = {
        "city": "甲市",
        "date": DAYS,
        "aqi": [40, 60, 90, 101, 160, 210, 45, None, 80, 310],
        "level": [1, 2, 2, 3, 4, 5, 1, None, 2, 6],
        "primary_pollutant": [
            None,
            "PM2.5",
            "PM10;PM2.5",
            "PM2.5",
            "PM2.5",
            "PM2.5",
            None,
            None,
            "O3",
            "PM2.5",
        ],
        "edition": "HJ 633-2012",
        "SO2": [10.0] * 10,
        "NO2": [40.0] * 10,
        "PM10": [70.0] * 10,
        "PM2.5": [20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 30.0, 35.0, 37.0, None],
        "CO": [0.5 + 0.1 * i for i in range(10)],
        "O3_MDA8": [60.0 + 10 * i for i in range(10)],
    }
    data.update(overrides)
    return pl.DataFrame(data, schema_overrides={"level": pl.Int8, "aqi": pl.Int64})


def test_day_counts_and_ratio() -> None:
    s = air.evaluate_period(daily_frame(), start="2025-01-01", end="2025-01-10").row(0, named=True)
    assert (s["city"], s["start"], s["end"]) == ("甲市", DAYS[0], DAYS[-1])
    assert (s["total_days"], s["valid_days"], s["invalid_days"]) == (10, 9, 1)
    # good: AQI <= 100 (40, 60, 90, 45, 80); excellent: <= 50 (40, 45); heavy: > 200 (210, 310)
    assert (s["good_days"], s["excellent_days"], s["heavy_days"]) == (5, 2, 2)
    assert s["good_day_ratio"] == 55.6  # 5/9 = 55.56 % -> 0.1
    assert [s[f"days_level{k}"] for k in range(1, 7)] == [2, 3, 1, 1, 1, 1]
    # 'PM10;PM2.5' counts for both pollutants
    assert [s[f"primary_days_{p}"] for p in ("SO2", "NO2", "PM10", "CO", "O3", "PM2.5")] == [
        0,
        0,
        1,
        0,
        1,
        6,
    ]
    # exceedance days (AQI > 100, level >= 3): 101, 160, 210, 310, all with PM2.5 primary; the
    # PM10;PM2.5 day (AQI 90) and the O3 day (AQI 80) are not exceedance days
    assert s["exceedance_days"] == 4
    assert [s[f"primary_exceedance_days_{p}"] for p in ("PM10", "O3", "PM2.5")] == [0, 0, 4]
    assert s["aqi_edition"] == "HJ 633-2012"


def test_statistics_and_attainment_under_gb3095_2012() -> None:
    """Means: SO2 10, NO2 40, PM10 70, PM2.5 297/9 = 33.

    CO P95 (n=10): k = 1 + 9*0.95 = 9.55: 1.3 + 0.55*0.1 = 1.355 -> 1.4 mg/m³.
    O3 P90 (n=10): k = 1 + 9*0.9 = 9.1: 140 + 0.1*10 = 141.
    PM2.5 P95 (n=9): sorted 20 25 30 30 35 35 37 40 45, k = 1 + 8*0.95 = 8.6: 40 + 0.6*5 = 43.
    Every statistic is at or under its 2012 limit (NO2 40 = 40 and PM10 70 = 70 attain).
    Composite: 10/60 + 40/40 + 70/70 + 33/35 + 1.4/4 + 141/160
             = 0.1667 + 1 + 1 + 0.9429 + 0.35 + 0.8813 = 4.3408 -> 4.34.
    """
    s = air.evaluate_period(daily_frame(), start="2025-01-01", end="2025-01-10").row(0, named=True)
    assert [s[p] for p in ("SO2", "NO2", "PM10", "PM2.5")] == [10.0, 40.0, 70.0, 33.0]
    assert (s["CO_P95"], s["O3_MDA8_P90"], s["PM2.5_P95"], s["PM10_P95"]) == (
        1.4,
        141.0,
        43.0,
        70.0,
    )
    assert s["n_days_PM2.5"] == 9
    assert s["n_days_CO"] == 10
    assert s["limits_edition"] == "GB 3095-2012"
    assert s["attains"] is True
    assert all(
        s[f"{c}_exceedance"] is None
        for c in ("SO2", "NO2", "PM10", "PM2.5", "CO_P95", "O3_MDA8_P90")
    )
    want = 10 / 60 + 40 / 40 + 70 / 70 + 33 / 35 + 1.4 / 4 + 141 / 160
    assert round(want, 2) == 4.34
    assert s["composite_index"] == 4.34
    assert (s["required_days"], s["period_valid"]) == (9, True)


def test_attainment_under_gb3095_2026_transitional() -> None:
    """PM2.5 33 > 30: exceedance (33-30)/30 = 0.1; PM10 70 > 60: (70-60)/60 = 0.1667 -> 0.17.

    Composite: 10/60 + 1 + 70/60 + 33/30 + 0.35 + 141/160 = 4.6646 -> 4.66.
    """
    s = air.evaluate_period(daily_frame(), start="2025-01-01", end="2025-01-10", limits=T26).row(
        0, named=True
    )
    assert s["limits_edition"] == T26
    assert s["attains"] is False
    assert s["PM2.5_exceedance"] == 0.1
    assert s["PM10_exceedance"] == 0.17
    assert s["NO2_exceedance"] is None  # 40 = 40: not exceeded
    assert s["composite_index"] == 4.66


def test_limits_follow_the_end_of_the_period() -> None:
    d = daily_frame(date=[date(2026, 3, 1) + timedelta(days=i) for i in range(10)])
    s = air.evaluate_period(d, start="2026-03-01", end="2026-03-10").row(0, named=True)
    assert s["limits_edition"] == T26
    assert s["PM2.5_exceedance"] == 0.1


def test_o3_exceedance_and_composite() -> None:
    """O3 MDA8 100..190: P90 = 180 + 0.1*10 = 181 > 160: (181-160)/160 = 0.13125 -> 0.13."""
    d = daily_frame(O3_MDA8=[100.0 + 10 * i for i in range(10)])
    s = air.evaluate_period(d, start="2025-01-01", end="2025-01-10").row(0, named=True)
    assert s["O3_MDA8_P90"] == 181.0
    assert s["O3_MDA8_P90_exceedance"] == 0.13
    assert s["attains"] is False
    # 10/60 + 1 + 1 + 33/35 + 0.35 + 181/160 = 4.5908 -> 4.59
    assert s["composite_index"] == 4.59


def test_statistics_are_rounded_half_to_even_as_reported() -> None:
    """GB/T 8170: 32.5 -> 32, 33.5 -> 34 (µg/m³ to integers); round_results=False keeps 32.5."""
    two = [date(2025, 1, 1), date(2025, 1, 2)]
    base = {"city": "甲市", "date": two, "aqi": [50, 50], "level": [1, 1]}
    base["primary_pollutant"] = pl.Series([None, None], dtype=pl.String)
    d1 = pl.DataFrame({**base, "PM2.5": [32.0, 33.0]})
    d2 = pl.DataFrame({**base, "PM2.5": [33.0, 34.0]})
    assert air.evaluate_period(d1, start=two[0], end=two[1])["PM2.5"].item() == 32.0
    assert air.evaluate_period(d2, start=two[0], end=two[1])["PM2.5"].item() == 34.0
    raw = air.evaluate_period(d1, start=two[0], end=two[1], round_results=False)
    assert raw["PM2.5"].item() == 32.5


def test_period_invalid_when_a_pollutant_has_too_few_days() -> None:
    """Required 9 days of 10; PM10 with 8 valid days makes the period invalid (figures kept)."""
    pm10 = [70.0] * 8 + [None, None]
    s = air.evaluate_period(daily_frame(PM10=pm10), start="2025-01-01", end="2025-01-10")
    row = s.row(0, named=True)
    assert (row["n_days_PM10"], row["PM10"], row["period_valid"]) == (8, 70.0, False)
    # the AQI days themselves: 9 valid >= 9
    assert row["valid_days"] == 9


def test_only_the_period_is_evaluated() -> None:
    s = air.evaluate_period(daily_frame(), start="2025-01-02", end="2025-01-04").row(0, named=True)
    # days 2..4: AQI 60, 90, 101; PM2.5 25, 30, 35: mean 30
    assert (s["total_days"], s["valid_days"], s["good_days"], s["PM2.5"]) == (3, 3, 2, 30.0)
    assert s["good_day_ratio"] == 66.7  # 2/3
    assert s["required_days"] == 3  # ceil(3 * 324/365) = ceil(2.66)


def test_groups() -> None:
    two = pl.concat(
        [daily_frame(), daily_frame(city="乙市", aqi=[30] * 10, level=[1] * 10)],
        how="vertical_relaxed",
    )
    s = air.evaluate_period(two, start="2025-01-01", end="2025-01-10")
    assert s["city"].to_list() == ["乙市", "甲市"]
    assert s["good_day_ratio"].to_list() == [100.0, 55.6]
    by_station = daily_frame().rename({"city": "station"})
    assert air.evaluate_period(by_station, start=DAYS[0], end=DAYS[-1])["station"].item() == "甲市"


def test_missing_statistic_gives_no_composite_index() -> None:
    """A composite index needs all six single indices: without O3 it is null, not a
    smaller sum that would rank the city better than it is."""
    d = daily_frame(O3_MDA8=pl.Series([None] * 10, dtype=pl.Float64))
    s = air.evaluate_period(d, start="2025-01-01", end="2025-01-10").row(0, named=True)
    assert s["O3_MDA8_P90"] is None
    assert s["composite_index"] is None
    assert s["attains"] is None  # unknown, not True
    assert s["period_valid"] is False


def test_eager_lazy_and_pandas() -> None:
    d = daily_frame()
    eager = air.evaluate_period(d, start="2025-01-01", end="2025-01-10")
    lazy = air.evaluate_period(d.lazy(), start="2025-01-01", end="2025-01-10")
    assert isinstance(lazy, pl.LazyFrame)
    assert_frame_equal(eager, lazy.collect())
    from_pandas = air.evaluate_period(d.to_pandas(), start="2025-01-01", end="2025-01-10")
    assert_frame_equal(eager, pl.from_pandas(from_pandas).cast(eager.schema))
    assert from_pandas["good_day_ratio"].item() == 55.6  # a pandas frame: pandas in, pandas out


def test_empty_and_all_null() -> None:
    empty = air.evaluate_period(daily_frame().clear(), start="2025-01-01", end="2025-01-10")
    assert empty.height == 0
    nulls = daily_frame(
        aqi=pl.Series([None] * 10, dtype=pl.Int64),
        level=pl.Series([None] * 10, dtype=pl.Int8),
        primary_pollutant=pl.Series([None] * 10, dtype=pl.String),
        **{
            p: pl.Series([None] * 10, dtype=pl.Float64)
            for p in ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3_MDA8")
        },
    )
    s = air.evaluate_period(nulls, start="2025-01-01", end="2025-01-10").row(0, named=True)
    assert (s["valid_days"], s["good_days"], s["good_day_ratio"]) == (0, 0, None)
    assert s["PM2.5"] is None
    assert s["period_valid"] is False
    assert s["composite_index"] is None  # no statistic at all: no index (not 0.0)


def test_bad_periods() -> None:
    with pytest.raises(IndicatorInputError, match="ends before"):
        air.evaluate_period(daily_frame(), start="2025-01-10", end="2025-01-01")
    with pytest.raises(IndicatorInputError, match="date"):
        air.evaluate_period(daily_frame(), start="2025-13-01", end="2025-12-31")
    with pytest.raises(IndicatorInputError) as exc:
        air.evaluate_period(daily_frame(), start="2025-01-01", end="2025-01-10", limits="GB 1")
    assert "GB 3095-2012" in str(exc.value)
    with pytest.raises(IndicatorInputError) as exc:
        air.evaluate_period(daily_frame().drop("level"), start="2025-01-01", end="2025-01-10")
    assert exc.value.column == "level"


# --- compare_periods ---------------------------------------------------------------------------


def test_compare_periods() -> None:
    """Ratios in percentage points, concentrations in percent, day counts as differences."""
    cur = air.evaluate_period(daily_frame(), start="2025-01-01", end="2025-01-10")
    prev_frame = daily_frame(
        aqi=[40, 60, 90, 101, 160, 210, 45, None, 120, 310],
        level=[1, 2, 2, 3, 4, 5, 1, None, 3, 6],
        **{"PM2.5": [30.0] * 10},
    )
    prev = air.evaluate_period(prev_frame, start="2025-01-01", end="2025-01-10")
    out = air.compare_periods(cur, prev).row(0, named=True)
    # good-day ratio 55.6 (5/9) against 44.4 (4/9): +11.2 pp (difference of reported values)
    assert out["good_day_ratio_previous"] == 44.4
    assert out["good_day_ratio_change_pp"] == 11.2
    # PM2.5 33 against 30: +10.0 %
    assert out["PM2.5_change_pct"] == 10.0
    assert out["SO2_change_pct"] == 0.0
    assert out["good_days_change"] == 1
    # composite 4.34 against 10/60 + 1 + 1 + 30/35 + 0.35 + 141/160 = 4.2551 -> 4.26
    want = round((4.34 - 4.26) / 4.26 * 100, 1)
    assert out["composite_index_change_pct"] == want
    lazy = air.compare_periods(cur.lazy(), prev.lazy())
    assert_frame_equal(lazy.collect(), air.compare_periods(cur, prev))


def test_compare_periods_zero_and_missing_previous() -> None:
    cur = pl.DataFrame(
        {"city": ["甲市", "乙市"], "good_day_ratio": [80.0, 70.0], "SO2": [5.0, 4.0]}
    )
    prev = pl.DataFrame({"city": ["甲市"], "good_day_ratio": [75.5], "SO2": [0.0]})
    out = air.compare_periods(cur, prev)
    assert out["good_day_ratio_change_pp"].to_list() == [4.5, None]
    assert out["SO2_change_pct"].to_list() == [None, None]  # no change in % of zero
    assert math.isclose(out["good_day_ratio"][0], 80.0)
