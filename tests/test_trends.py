"""Trends: Theil-Sen / Mann-Kendall oracles, seasonal Kendall, validity, STL, time variation.

Oracles (issue 6) were computed with two independent libraries; here they are
also re-derived by hand (S, var(S), z, p) and cross-checked against
scipy.stats.theilslopes (slope, intercept, Sen confidence interval) and
scipy.stats.kendalltau (S from tau for untied data).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import numpy as np
import plotly.graph_objects as go
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal
from scipy import stats

from indicators import IndicatorInputError, trends
from indicators.trends import seasonal_kendall, theil_sen

X = [10, 12, 11, 14, 13, 15, 17, 16, 18, 20]
Y = [35, 41, 38, 30, 33, 29, 31, 27, 26, 28, 25, 24]


# --------------------------------------------------------------------------- oracles


def test_oracle_x_all_fields() -> None:
    r = theil_sen(X)
    # hand: 45 pairs, 42 increasing, 3 decreasing (12>11, 14>13, 17>16) -> S = 39
    assert r.s == 39
    # var(S) = n(n-1)(2n+5)/18 = 10*9*25/18 = 125 (no ties)
    assert r.var_s == 125.0
    # z = (S - 1)/sqrt(var) = 38/sqrt(125)
    assert r.z == pytest.approx(38 / math.sqrt(125))
    assert round(r.z, 4) == 3.3988
    assert round(r.p_value, 6) == 0.000677
    assert r.slope == 1.0
    assert r.intercept == 10.0  # median(y) 14.5 - 1.0 * median(x = 0..9) 4.5
    assert r.ci_low == 0.75
    assert round(r.ci_high, 3) == 1.333
    assert (r.n, r.n_excluded) == (10, 0)
    assert r.method == "theil_sen" and r.ci_method == "rank" and not r.deseasonalised


def test_oracle_y_all_fields() -> None:
    r = theil_sen(Y)
    assert r.s == -52
    assert r.var_s == pytest.approx(12 * 11 * 29 / 18)  # 212.67
    assert round(r.var_s, 2) == 212.67
    assert r.z == pytest.approx(-51 / math.sqrt(12 * 11 * 29 / 18))  # (S + 1)/sqrt(var)
    assert round(r.z, 4) == -3.4972
    assert round(r.p_value, 6) == 0.000470
    assert round(r.slope, 5) == -1.13393
    assert round(r.intercept, 4) == 35.7366
    assert round(r.ci_low, 4) == -1.7778
    assert r.ci_high == -0.75


@pytest.mark.parametrize("series", [X, Y])
def test_oracles_match_scipy(series: list[int]) -> None:
    r = theil_sen(series)
    ref = stats.theilslopes(series, alpha=0.95)
    assert r.slope == pytest.approx(ref.slope)
    assert r.intercept == pytest.approx(ref.intercept)
    assert r.ci_low == pytest.approx(ref.low_slope)
    assert r.ci_high == pytest.approx(ref.high_slope)
    n = len(series)
    tau = stats.kendalltau(np.arange(n), series).statistic
    assert r.s == round(tau * n * (n - 1) / 2)


def test_intercept_convention_is_x_from_zero() -> None:
    # with times 1..n the intercept is still the Sen line at the first time
    assert theil_sen(X, times=range(1, 11)).intercept == 10.0
    assert theil_sen(X, times=range(2015, 2025)).intercept == 10.0
    # scipy with x = 1..n gives the line at x = 0, one step before the data
    assert stats.theilslopes(X, np.arange(1, 11)).intercept == 9.0


def test_percent_per_year() -> None:
    # monthly: 1.0 per month = 12 per year, relative to the start level 10 -> 120 %/yr
    r = theil_sen(X, periods_per_year=12)
    assert r.slope_per_year == 12.0
    assert r.slope_pct_per_year == pytest.approx(120.0)
    r = theil_sen(X)
    assert r.slope_pct_per_year == pytest.approx(10.0)
    # non-positive start level: percent undefined
    assert math.isnan(theil_sen([-3.0, -2.0, -1.0, 0.0]).slope_pct_per_year)


def test_ties_correct_the_variance() -> None:
    # [1, 2, 2, 3]: S = 5 (one tied pair); var = (4*3*13 - 2*1*9)/18 = 138/18
    r = theil_sen([1, 2, 2, 3])
    assert r.s == 5
    assert r.var_s == pytest.approx(138 / 18)
    assert r.z == pytest.approx(4 / math.sqrt(138 / 18))


def test_constant_series() -> None:
    r = theil_sen([5.0] * 6)
    assert (r.s, r.var_s, r.z, r.p_value, r.slope) == (0, 0.0, 0.0, 1.0, 0.0)


def test_missing_values_are_excluded_and_counted() -> None:
    values = [10, None, 11, float("nan"), 13, 15, 17, None, 18, 20]
    r = theil_sen(values)
    assert (r.n, r.n_excluded) == (7, 3)
    x = np.array([0, 2, 4, 5, 6, 8, 9], dtype=float)
    y = np.array([10, 11, 13, 15, 17, 18, 20], dtype=float)
    ref = stats.theilslopes(y, x)
    assert r.slope == pytest.approx(ref.slope)
    assert r.intercept == pytest.approx(ref.intercept)
    assert r.s == 21  # all 21 pairs increase


def test_polars_series_with_nulls() -> None:
    r = theil_sen(pl.Series([10.0, None, 12.0, 13.0]))
    assert (r.n, r.n_excluded, r.s) == (3, 1, 3)


def test_alpha_changes_interval_width() -> None:
    wide = theil_sen(Y, alpha=0.01)
    narrow = theil_sen(Y, alpha=0.2)
    assert wide.ci_low <= narrow.ci_low <= narrow.ci_high <= wide.ci_high
    assert stats.theilslopes(Y, alpha=0.99).low_slope == pytest.approx(wide.ci_low)


@pytest.mark.parametrize(
    ("kwargs", "column"),
    [
        ({"values": [1.0, 2.0]}, "values"),
        ({"values": [1.0, None, None, 2.0]}, "values"),
        ({"values": [], "alpha": 0.05}, "values"),
        ({"values": X, "alpha": 1.5}, "alpha"),
        ({"values": X, "times": [0, 1, 2, 3, 4, 5, 6, 7, 8, 8]}, "times"),
        ({"values": X, "times": [0, 1, 2]}, "times"),
        ({"values": X, "ci_method": "jackknife"}, "ci_method"),
        ({"values": X, "deseasonalise": True}, "values"),
        ({"values": X, "deseasonalise": True, "times": np.arange(10) * 0.5}, "times"),
    ],
)
def test_theil_sen_bad_input(kwargs: dict, column: str) -> None:
    values = kwargs.pop("values")
    with pytest.raises(IndicatorInputError) as err:
        theil_sen(values, **kwargs)
    assert err.value.column == column


# --------------------------------------------------------------------------- deseasonalised


def _seasonal_series(slope: float, n: int = 120, noise: float = 0.3) -> np.ndarray:
    t = np.arange(n)
    wiggle = noise * np.sin(2.3 * t + 0.7) * np.cos(0.9 * t)  # deterministic "noise"
    return 50.0 + slope * t + 12.0 * np.sin(2 * np.pi * t / 12) + wiggle


def test_deseasonalised_known_slope() -> None:
    # monthly, 10 years, slope -0.25 per month (-3.0 per year), seasonal amplitude 12
    y = _seasonal_series(-0.25)
    raw = theil_sen(y, periods_per_year=12)
    des = theil_sen(y, periods_per_year=12, deseasonalise=True)
    assert des.deseasonalised
    assert des.slope == pytest.approx(-0.25, abs=0.005)
    assert des.slope_per_year == pytest.approx(-3.0, abs=0.06)
    assert des.ci_low <= -0.25 <= des.ci_high
    # the seasonal cycle inflates the raw interval; removing it narrows it
    assert (des.ci_high - des.ci_low) < (raw.ci_high - raw.ci_low) / 3
    assert abs(des.z) > abs(raw.z)


def test_deseasonalised_with_gaps_keeps_them_excluded() -> None:
    y = _seasonal_series(0.1)
    y[[5, 30, 31, 77]] = np.nan
    r = theil_sen(y, periods_per_year=12, deseasonalise=True)
    assert (r.n, r.n_excluded) == (116, 4)
    assert r.slope == pytest.approx(0.1, abs=0.005)


def test_block_bootstrap_is_seeded_and_covers_slope() -> None:
    y = _seasonal_series(0.2)
    a = theil_sen(
        y, periods_per_year=12, deseasonalise=True, ci_method="block_bootstrap", n_boot=300, seed=7
    )
    b = theil_sen(
        y, periods_per_year=12, deseasonalise=True, ci_method="block_bootstrap", n_boot=300, seed=7
    )
    c = theil_sen(
        y, periods_per_year=12, deseasonalise=True, ci_method="block_bootstrap", n_boot=300, seed=8
    )
    assert (a.ci_low, a.ci_high) == (b.ci_low, b.ci_high)
    assert (a.ci_low, a.ci_high) != (c.ci_low, c.ci_high)
    assert a.ci_low < a.slope < a.ci_high
    assert a.ci_method == "block_bootstrap"
    # the point estimate and the test do not depend on the interval method
    rank = theil_sen(y, periods_per_year=12, deseasonalise=True)
    assert (a.slope, a.s, a.p_value) == (rank.slope, rank.s, rank.p_value)


def test_block_bootstrap_wider_under_autocorrelation() -> None:
    # AR(1) noise with phi = 0.8 around a small trend: the rank interval assumes
    # independence and is too narrow; the block bootstrap is wider
    rng = np.random.default_rng(3)
    e = np.zeros(120)
    for i in range(1, 120):
        e[i] = 0.8 * e[i - 1] + rng.normal()
    y = 0.02 * np.arange(120) + e
    rank = theil_sen(y)
    boot = theil_sen(y, ci_method="block_bootstrap", n_boot=400, block_length=12, seed=1)
    assert boot.ci_high - boot.ci_low > rank.ci_high - rank.ci_low


def test_block_length_out_of_range() -> None:
    with pytest.raises(IndicatorInputError) as err:
        theil_sen(X, ci_method="block_bootstrap", block_length=11)
    assert err.value.column == "block_length"


# --------------------------------------------------------------------------- seasonal Kendall


def test_seasonal_kendall_by_hand() -> None:
    # two seasons over three cycles: season 0 = 1, 2, 3 -> S = 3; season 1 = 5, 4, 6 -> S = 1
    # var per season = 3*2*11/18 = 11/3, total 22/3; z = (4 - 1)/sqrt(22/3)
    # within-season slopes per cycle: 1, 1, 1 and -1, 0.5, 2 -> median 1.0
    r = seasonal_kendall([1, 5, 2, 4, 3, 6], period=2)
    assert r.s == 4
    assert r.var_s == pytest.approx(22 / 3)
    assert r.z == pytest.approx(3 / math.sqrt(22 / 3))
    assert r.p_value == pytest.approx(2 * stats.norm.sf(3 / math.sqrt(22 / 3)))
    assert r.slope == 1.0
    # intercept = median(1..6) 3.5 - 1.0 * median(cycles 0,0,1,1,2,2) 1 = 2.5
    assert r.intercept == 2.5
    assert r.method == "seasonal_kendall" and r.periods_per_year == 1.0


def test_seasonal_kendall_is_sum_of_season_tests() -> None:
    y = _seasonal_series(-0.25, n=96)
    r = seasonal_kendall(y)
    per_season = [theil_sen(y[g::12]) for g in range(12)]
    assert r.s == sum(p.s for p in per_season)
    assert r.var_s == pytest.approx(sum(p.var_s for p in per_season))
    assert r.slope == pytest.approx(-3.0, abs=0.1)  # per year
    assert r.ci_low <= r.slope <= r.ci_high


def test_seasonal_kendall_missing_and_errors() -> None:
    y = list(_seasonal_series(0.5, n=36))
    y[3] = None
    r = seasonal_kendall(y)
    assert (r.n, r.n_excluded) == (35, 1)
    with pytest.raises(IndicatorInputError):
        seasonal_kendall([1.0, 2.0, 3.0], period=12)  # one cycle only
    with pytest.raises(IndicatorInputError):
        seasonal_kendall([1.0, 2.0])


# --------------------------------------------------------------------------- properties


finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None)
@given(st.lists(finite, min_size=3, max_size=25), finite)
def test_shift_invariance(values: list[float], shift: float) -> None:
    a = theil_sen(values)
    b = theil_sen([v + shift for v in values])
    assert a.slope == pytest.approx(b.slope, abs=1e-6)
    assert abs(a.s) <= len(values) * (len(values) - 1) // 2


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=20), min_size=3, max_size=25))
def test_reversal_flips_sign(values: list[int]) -> None:
    a = theil_sen(values)
    b = theil_sen(values[::-1])
    assert a.s == -b.s
    assert a.slope == pytest.approx(-b.slope)
    assert a.p_value == pytest.approx(b.p_value)
    assert a.ci_low <= a.slope <= a.ci_high


# --------------------------------------------------------------------------- period_statistic


def _days(start: date, n: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(n)]


@pytest.mark.parametrize(
    ("start", "n_days", "n_valid", "valid"),
    [
        (date(2025, 2, 1), 28, 25, True),  # February: 25 needed (GB 3095 Table 4)
        (date(2025, 2, 1), 28, 24, False),
        (date(2025, 1, 1), 31, 27, True),  # other months: 27
        (date(2025, 1, 1), 31, 26, False),
        (date(2026, 4, 1), 30, 27, True),  # GB 3095-2026 rows: same counts
        (date(2026, 4, 1), 30, 26, False),
    ],
)
def test_monthly_validity_edges(start: date, n_days: int, n_valid: int, valid: bool) -> None:
    values = [float(i) for i in range(n_valid)] + [None] * (n_days - n_valid)
    daily = pl.DataFrame({"date": _days(start, n_days), "PM2.5": values})
    out = trends.period_statistic(daily, "PM2.5")
    row = out.row(0, named=True)
    assert row["n_PM2.5"] == n_valid
    assert row["period_valid"] is valid
    assert row["PM2.5"] == (pytest.approx(np.mean(range(n_valid))) if valid else None)
    assert row["statistic"] == "mean"


def test_validity_edition_follows_the_date() -> None:
    daily = pl.DataFrame({"date": _days(date(2026, 1, 1), 90), "NO2": 30.0})
    out = trends.period_statistic(daily, "NO2")
    assert out["standard"].to_list() == [
        "GB 3095-2012",
        "GB 3095-2012",
        "GB 3095-2026 transitional",
    ]
    assert out["min_days"].to_list() == [27, 25, 27]


@pytest.mark.parametrize(("n_valid", "valid"), [(324, True), (323, False)])
def test_annual_validity_edges(n_valid: int, valid: bool) -> None:
    values = [10.0] * n_valid + [None] * (365 - n_valid)
    daily = pl.DataFrame({"city": "甲", "date": _days(date(2025, 1, 1), 365), "SO2": values})
    row = trends.period_statistic(daily, "SO2", freq="year").row(0, named=True)
    assert (row["min_days"], row["period_valid"]) == (324, valid)
    assert row["SO2"] == (10.0 if valid else None)


def test_percentile_statistics_by_hj663() -> None:
    # CO: 95th percentile of the daily means, k = 1 + (n - 1) * 0.95 (HJ 663)
    # 28 February days 1..28 -> k = 26.65, m = 26 + 0.65 * (27 - 26) = 26.65
    daily = pl.DataFrame(
        {
            "date": _days(date(2025, 2, 1), 28),
            "CO": [float(i) for i in range(1, 29)],
            "O3_MDA8": [float(i) for i in range(1, 29)],
        }
    )
    co = trends.period_statistic(daily, "CO").row(0, named=True)
    assert co["CO"] == pytest.approx(26.65)
    assert co["statistic"] == "P95" and co["standard"] == "HJ 663-2013"
    o3 = trends.period_statistic(daily, "O3_MDA8").row(0, named=True)
    assert o3["O3_MDA8"] == pytest.approx(1 + 27 * 0.9 + 0 * 1)  # k = 25.3 -> 25.3
    assert o3["statistic"] == "P90"
    forced = trends.period_statistic(daily, "CO", statistic="mean").row(0, named=True)
    assert forced["CO"] == 14.5 and forced["statistic"] == "mean"


def test_period_statistic_lazy_groups_empty_and_null() -> None:
    daily = pl.DataFrame(
        {
            "city": ["甲"] * 31 + ["乙"] * 31,
            "date": _days(date(2025, 3, 1), 31) * 2,
            "PM10": [50.0] * 31 + [None] * 31,
        }
    )
    eager = trends.period_statistic(daily, "PM10")
    lazy = trends.period_statistic(daily.lazy(), "PM10")
    assert isinstance(lazy, pl.LazyFrame)
    assert_frame_equal(eager, lazy.collect())
    assert eager.select("city", "PM10", "n_PM10", "period_valid").rows() == [
        ("乙", None, 0, False),
        ("甲", 50.0, 31, True),
    ]
    empty = trends.period_statistic(daily.clear(), "PM10")
    assert empty.height == 0 and "period_valid" in empty.columns
    with pytest.raises(IndicatorInputError) as err:
        trends.period_statistic(daily, "PM10", freq="week")
    assert err.value.column == "freq"
    with pytest.raises(IndicatorInputError) as err:
        trends.period_statistic(daily.drop("date"), "PM10")
    assert err.value.column == "date"


# --------------------------------------------------------------------------- trend_test


def _monthly_frame(
    values: list[float | None], start: date = date(2017, 1, 1), city: str = "甲"
) -> pl.DataFrame:
    months = pl.date_range(
        start, start + timedelta(days=31 * (len(values) - 1) + 1), "1mo", eager=True
    )[: len(values)]
    return pl.DataFrame(
        {"city": city, "period_start": months, "PM2.5": values},
        schema_overrides={"PM2.5": pl.Float64},
    )


def test_trend_test_groups_gaps_and_short_groups() -> None:
    y = [float(v) for v in _seasonal_series(-0.25, n=60)]
    y[10] = None  # invalid month (null)
    frame = _monthly_frame(y)
    frame = frame.filter(pl.col("period_start") != date(2018, 6, 1))  # missing row = gap
    short = _monthly_frame([40.0, None, 38.0], city="乙")
    out = trends.trend_test(pl.concat([frame, short]), "PM2.5", deseasonalise=True)
    assert out["city"].to_list() == ["乙", "甲"]
    yi, jia = out.row(0, named=True), out.row(1, named=True)
    assert (yi["n"], yi["n_excluded"], yi["slope"]) == (2, 1, None)
    assert (jia["n"], jia["n_excluded"]) == (58, 2)
    assert jia["slope_per_year"] == pytest.approx(-3.0, abs=0.1)
    assert jia["start"] == date(2017, 1, 1) and jia["end"] == date(2021, 12, 1)
    # same as calling theil_sen on the month grid with the gaps as missing
    grid = np.array(y, dtype=float)
    grid[17] = np.nan
    ref = theil_sen(grid, periods_per_year=12, deseasonalise=True)
    assert jia["slope"] == pytest.approx(ref.slope)
    assert jia["p_value"] == pytest.approx(ref.p_value)


def test_trend_test_annual_lazy_and_seasonal_kendall() -> None:
    years = pl.DataFrame(
        {"period_start": [date(y, 1, 1) for y in range(2015, 2025)], "v": [float(v) for v in X]}
    )
    lazy = trends.trend_test(years.lazy(), "v", freq="year")
    assert isinstance(lazy, pl.LazyFrame)
    row = lazy.collect().row(0, named=True)
    assert (row["s"], row["slope"], row["intercept"]) == (39, 1.0, 10.0)
    assert row["slope_per_year"] == 1.0
    sk = trends.trend_test(
        _monthly_frame(list(_seasonal_series(-0.25, n=48))), "PM2.5", method="seasonal_kendall"
    )
    ref = seasonal_kendall(_seasonal_series(-0.25, n=48))
    assert sk["s"].item() == ref.s and sk["method"].item() == "seasonal_kendall"
    with pytest.raises(IndicatorInputError):
        trends.trend_test(years, "v", freq="year", method="seasonal_kendall")
    dup = pl.concat([years, years.head(1)])
    with pytest.raises(IndicatorInputError) as err:
        trends.trend_test(dup, "v", freq="year")
    assert err.value.column == "period_start"


def test_trend_test_empty() -> None:
    empty = pl.DataFrame(schema={"city": pl.String, "period_start": pl.Date, "v": pl.Float64})
    out = trends.trend_test(empty, "v")
    assert out.height == 0 and "slope" in out.columns


def test_trend_pipeline_on_demo_daily() -> None:
    from indicators import air, demo
    from indicators.demo import air as demo_air

    st_list = demo.station_list().filter(pl.col("city") == "清河市")
    hourly = demo_air.generate(
        demo.CITIES[:1], st_list, date(2025, 1, 1), date(2026, 12, 31), demo.DEMO_SEED
    )["station_hours"]
    daily = air.daily_aqi(hourly, stations=st_list, level="city", edition="HJ 633-2026")
    monthly = trends.period_statistic(daily, "PM2.5")
    assert monthly.height == 24
    assert monthly["period_valid"].all()
    res = trends.trend_test(monthly, "PM2.5", method="seasonal_kendall")
    assert res["n"].item() == 24 and res["n_excluded"].item() == 0
    # two years only: the seasonal test has one pair per month
    assert res["var_s"].item() == pytest.approx(12 * (2 * 1 * 9 / 18))


# --------------------------------------------------------------------------- STL


def _months(n: int, start: date = date(2019, 1, 1)) -> list[date]:
    return [
        date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
        for i in range(n)
    ]


def test_stl_decomposition_monthly() -> None:
    y = _seasonal_series(0.1, n=48)
    frame = pl.DataFrame({"period_start": _months(48), "v": y})
    dec = trends.stl_decomposition(frame, "v")
    assert dec.columns == ["period_start", "observed", "imputed", "trend", "seasonal", "resid"]
    total = dec["trend"] + dec["seasonal"] + dec["resid"]
    assert np.allclose(total.to_numpy(), y)
    # the recovered seasonal amplitude is close to the true 12
    assert dec["seasonal"].max() == pytest.approx(12.0, abs=1.5)
    # trend rises about 0.1 per month
    trend = dec["trend"].to_numpy()
    assert (trend[-6] - trend[6]) / 36 == pytest.approx(0.1, abs=0.03)


def test_stl_gaps_are_imputed_and_flagged_lazy() -> None:
    y = list(_seasonal_series(0.1, n=36))
    frame = (
        pl.DataFrame({"period_start": _months(36), "v": y})
        .with_columns(
            pl.when(pl.int_range(pl.len()) == 7).then(None).otherwise(pl.col("v")).alias("v")
        )
        .filter(pl.col("period_start") != date(2020, 3, 1))
    )
    dec = trends.stl_decomposition(frame.lazy(), "v")
    assert isinstance(dec, pl.LazyFrame)
    dec = dec.collect()
    assert dec.height == 36
    assert dec.filter("imputed")["period_start"].to_list() == [date(2019, 8, 1), date(2020, 3, 1)]
    assert dec.filter("imputed")["resid"].to_list() == [None, None]
    assert dec.filter("imputed")["observed"].to_list() == [None, None]


def test_stl_daily_period_and_errors() -> None:
    days = _days(date(2025, 1, 1), 28)
    frame = pl.DataFrame({"date": days, "v": [float(i % 7) for i in range(28)]})
    dec = trends.stl_decomposition(frame, "v", time="date", period=7)
    assert dec.height == 28
    assert dec["seasonal"].to_numpy()[:7] == pytest.approx(
        dec["seasonal"].to_numpy()[7:14], abs=0.2
    )
    with pytest.raises(IndicatorInputError):
        trends.stl_decomposition(frame, "v", time="date")  # default period 365: too short
    with pytest.raises(IndicatorInputError):
        trends.stl_decomposition(frame.with_columns(v=None), "v", time="date", period=7)
    with pytest.raises(IndicatorInputError):
        trends.stl_decomposition(pl.concat([frame, frame.head(1)]), "v", time="date", period=7)


def test_stl_figure_traces() -> None:
    frame = pl.DataFrame({"period_start": _months(36), "v": _seasonal_series(0.1, n=36)})
    dec = trends.stl_decomposition(frame, "v")
    fig = trends.stl_figure(dec, title="PM2.5")
    assert isinstance(fig, go.Figure)
    assert [t.name for t in fig.data] == ["observed", "trend", "seasonal", "resid"]
    assert list(fig.data[1].y) == dec["trend"].to_list()
    assert fig.layout.title.text == "PM2.5"


def test_trend_figure_traces() -> None:
    frame = pl.DataFrame({"period_start": list(range(2015, 2025)), "v": [float(v) for v in X]})
    res = theil_sen(frame["v"])
    with pytest.warns(FutureWarning, match="use indicators.plot.trend"):
        fig = trends.trend_figure(frame, "v", res)
    assert [t.name for t in fig.data] == ["v", "Sen slope", "lower", "upper"]
    assert list(fig.data[1].y) == [10.0 + i for i in range(10)]
    # interval lines pass through the median point (4.5, 14.5)
    lower = np.array(fig.data[2].y)
    assert lower[0] == pytest.approx(14.5 - 0.75 * 4.5)


# --------------------------------------------------------------------------- time variation


def test_time_variation_hour_labels_follow_hour_ending_time() -> None:
    # 2025-01-06 is a Monday. Stamp 01:00 = hour 1 of Monday; stamp 00:00 on
    # Tuesday 7 January = hour 24 of Monday (the natural day ends at 24:00).
    h = pl.DataFrame(
        {
            "time": [datetime(2025, 1, 6, 1), datetime(2025, 1, 7, 0), datetime(2025, 1, 7, 1)],
            "NO2": [10.0, 40.0, 20.0],
        }
    )
    tv = trends.time_variation(h)
    hours = tv.filter(profile="hour").select("key", "mean", "n").rows()
    assert hours == [(1, 15.0, 2), (24, 40.0, 1)]
    weekdays = tv.filter(profile="weekday").select("key", "mean", "n").rows()
    assert weekdays == [(1, 25.0, 2), (2, 20.0, 1)]  # Monday holds hours 1 and 24
    wh = tv.filter(profile="weekday_hour").select("key", "n").rows()
    assert wh == [(1, 1), (24, 1), (25, 1)]
    # 31 December 24:00 is stamped 1 January 00:00 and belongs to December
    jan = pl.DataFrame({"time": [datetime(2026, 1, 1, 0)], "NO2": [5.0]})
    assert trends.time_variation(jan).filter(profile="month")["key"].to_list() == [12]


def test_time_variation_confidence_interval_by_hand() -> None:
    # two Monday 01:00 values 10 and 20: mean 15, sd = sqrt(50); t(0.975, 1) = 12.7062
    h = pl.DataFrame(
        {
            "time": [datetime(2025, 1, 6, 1), datetime(2025, 1, 13, 1)],
            "SO2": [10.0, 20.0],
            "station": ["A", "A"],
        }
    )
    row = trends.time_variation(h).filter(profile="hour").row(0, named=True)
    half = 12.706204736 * math.sqrt(50) / math.sqrt(2)
    assert row["ci_low"] == pytest.approx(15 - half)
    assert row["ci_high"] == pytest.approx(15 + half)
    assert row["ci_high"] == pytest.approx(78.53102, abs=1e-4)
    single = trends.time_variation(h.head(1)).filter(profile="hour").row(0, named=True)
    assert (single["n"], single["ci_low"], single["ci_high"]) == (1, None, None)


def test_time_variation_grouped_lazy_and_nulls() -> None:
    t = [datetime(2025, 3, 1, 1) + timedelta(hours=i) for i in range(48)]
    h = pl.DataFrame(
        {
            "station": ["A"] * 48 + ["B"] * 48,
            "time": t * 2,
            "O3": [float(i % 24) for i in range(48)] + [None] * 48,
            "CO": [1.0] * 96,
        }
    )
    eager = trends.time_variation(h, by="station")
    lazy = trends.time_variation(h.lazy(), by="station")
    assert isinstance(lazy, pl.LazyFrame)
    assert_frame_equal(eager, lazy.collect())
    assert eager["pollutant"].unique(maintain_order=True).to_list() == ["CO", "O3"]
    # station B has no valid O3: no O3 rows for it (n counts valid hours only)
    assert eager.filter(station="B", pollutant="O3").height == 0
    hour = eager.filter(station="A", pollutant="O3", profile="hour").sort("key")
    assert hour["mean"].to_list() == [float(k - 1) for k in range(1, 25)]
    assert hour["n"].to_list() == [2] * 24
    with pytest.raises(IndicatorInputError):
        trends.time_variation(h.with_columns(pl.col("time").dt.date()))
    with pytest.raises(IndicatorInputError):
        trends.time_variation(h, ["PM2.5"])


def test_time_variation_figure_traces() -> None:
    t = [datetime(2025, 3, 1, 1) + timedelta(hours=i) for i in range(24 * 14)]
    h = pl.DataFrame(
        {
            "time": t,
            "NO2": [float(i % 24) for i in range(len(t))],
            "O3": [float(24 - i % 24) for i in range(len(t))],
        }
    )
    tv = trends.time_variation(h)
    with pytest.warns(FutureWarning, match="use indicators.plot.time_variation"):
        fig = trends.time_variation_figure(tv, title="demo")
    assert isinstance(fig, go.Figure)
    names = [tr.name for tr in fig.data]
    assert names.count("NO2") == 4 and names.count("O3 CI") == 4
    hour_no2 = tv.filter(pollutant="NO2", profile="hour").sort("key")
    trace = next(tr for tr in fig.data if tr.name == "NO2" and tr.xaxis == "x2")
    assert list(trace.x) == hour_no2["key"].to_list()
    assert list(trace.y) == hour_no2["mean"].to_list()


@pytest.mark.parametrize(
    ("kwargs", "column"),
    [
        ({"alpha": 0.0}, "alpha"),
        ({"ci_method": "bca"}, "ci_method"),
        ({"ci_method": "block_bootstrap", "n_boot": 0, "deseasonalise": True}, "n_boot"),
        ({"method": "mk"}, "method"),
        ({"freq": "week"}, "freq"),
    ],
)
def test_trend_test_settings_checked_before_groups(kwargs: dict, column: str) -> None:
    # bad settings raise even for groups that would get null statistics (too short)
    short = _monthly_frame([40.0, 39.0, 38.0])
    with pytest.raises(IndicatorInputError) as err:
        trends.trend_test(short, "PM2.5", **kwargs)
    assert err.value.column == column


def test_deseasonalise_is_the_series_the_trend_test_sees() -> None:
    y = _seasonal_series(-0.25, n=48)
    y[[5, 17]] = np.nan  # gaps keep their place
    flat = trends.deseasonalise(y)
    assert np.isnan(flat[[5, 17]]).all()
    # Theil-Sen on the deseasonalised values = theil_sen(deseasonalise=True)
    assert theil_sen(flat).slope == pytest.approx(theil_sen(y, deseasonalise=True).slope)
    # the 12-month cycle of amplitude 12 is gone: what remains is the trend and the wiggle
    ok = ~np.isnan(flat)
    resid = flat[ok] - (50.0 - 0.25 * np.arange(48)[ok])
    assert np.abs(resid).max() < 1.5
    with pytest.raises(IndicatorInputError):
        trends.deseasonalise([np.nan] * 30)


def test_time_variation_median_and_quantiles_by_hand() -> None:
    # Monday 01:00 on five weeks: 10, 40, 20, 50, 30 -> sorted 10..50: median 30,
    # q25 = 20 and q75 = 40 (linear interpolation at ranks 2 and 4 of 5)
    t = [datetime(2025, 1, 6, 1) + timedelta(days=7 * k) for k in range(5)]
    h = pl.DataFrame({"time": t, "NO2": [10.0, 40.0, 20.0, 50.0, 30.0]})
    row = trends.time_variation(h, statistic="median").filter(profile="hour").row(0, named=True)
    assert (row["key"], row["median"], row["q25"], row["q75"], row["n"]) == (1, 30.0, 20.0, 40.0, 5)
    with pytest.raises(IndicatorInputError):
        trends.time_variation(h, statistic="mode")
