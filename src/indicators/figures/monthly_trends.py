"""Monthly trends of a city's air: the monthly series and their Theil–Sen / Mann–Kendall tests.

The series are monthly statistics (:func:`indicators.trends.period_statistic`) of a
city's daily AQI series (:func:`indicators.figures.city_history`, one HJ 633 edition
throughout, so that the 2026 revision does not show as a trend): the PM2.5 mean and
the good-day ratio over valid AQI days (GB 3095 Table 4 day counts), the O3 MDA8 90th
percentile (HJ 663). The tests are :func:`indicators.trends.trend_test` on each.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from .. import standards, trends

__all__ = ["TREND_ALPHA", "TREND_INDICATORS", "good_levels", "trend_results", "trend_series"]

#: Trend indicators: (key, column of the city daily AQI). Keys are glossary / card keys;
#: ``good_day_ratio`` is a daily 0/100 column made from the AQI level, so that its
#: monthly mean is the month's good-day ratio [%].
TREND_INDICATORS: tuple[tuple[str, str], ...] = (
    ("PM2.5", "PM2.5"),
    ("O3_MDA8_P90", "O3_MDA8"),
    ("good_day_ratio", "good_day_ratio"),
)

#: Significance level of the trend verdicts and of the slope intervals (a statistical
#: choice of the report, not a regulatory number).
TREND_ALPHA = 0.05


def good_levels() -> list[int]:
    """AQI levels of 优 and 良 (good days), from the HJ 633 category table.

    >>> good_levels()
    [1, 2]
    """
    cats = standards.table("air_aqi_categories").filter(pl.col("category_zh").is_in(["优", "良"]))
    return sorted(set(cats["level"].to_list()))


def trend_series(history: pl.DataFrame, end: date) -> dict[str, pl.DataFrame]:
    """Monthly values of each of :data:`TREND_INDICATORS`, from the first month of data.

    A month failing the validity rules has a null value; months with no data at all
    are added as null rows, so that row i is month i of the series.

    Parameters
    ----------
    history : polars.DataFrame
        One city's daily AQI series (:func:`indicators.figures.city_history` rows).
    end : datetime.date
        The report period's last day (the series' last month).

    Returns
    -------
    dict
        Key -> frame ``period_start``, ``value``, ``n_days`` (valid days),
        ``min_days``, ``period_valid``, ``statistic``, ``standard``.
    """
    daily = history.filter(pl.col("date") <= end).with_columns(
        pl.when(pl.col("aqi").is_not_null())
        .then(pl.col("level").is_in(good_levels()).cast(pl.Float64) * 100)
        .alias("good_day_ratio")
    )
    # the series starts at the first month with a valid day: a day outside the data's range
    # or failing validity is not a month of data
    first = daily.filter(pl.col("aqi").is_not_null())["date"].min() or daily["date"].min()
    grid = pl.DataFrame(
        {"period_start": pl.date_range(first.replace(day=1), end.replace(day=1), "1mo", eager=True)}
    )
    out = {}
    for key, column in TREND_INDICATORS:
        monthly = trends.period_statistic(daily.select("date", column), column, by=[])
        out[key] = (
            grid.join(monthly, on="period_start", how="left")
            .rename({column: "value", f"n_{column}": "n_days"})
            .with_columns(pl.col("n_days").fill_null(0), pl.col("period_valid").fill_null(False))
        )
    return out


def trend_results(series: dict[str, pl.DataFrame], alpha: float = TREND_ALPHA) -> pl.DataFrame:
    """Theil–Sen slope and Mann–Kendall test of each monthly series of :func:`trend_series`.

    :func:`indicators.trends.trend_test` (monthly, not deseasonalised, rank interval
    at ``alpha``); null statistics for a series with fewer than 3 valid months.

    Parameters
    ----------
    series : dict
        :func:`trend_series`.
    alpha : float, default :data:`TREND_ALPHA`
        Significance level.

    Returns
    -------
    polars.DataFrame
        One row per indicator: ``indicator`` and the columns of
        :func:`indicators.trends.trend_test` (``n`` valid months, ``n_excluded``,
        ``slope_per_year`` [unit/yr], ``slope_pct_per_year`` [%/yr], ``p_value``...),
        plus ``ci_low_per_year``, ``ci_high_per_year`` [unit/yr] and ``significant``
        (p < ``alpha``).
    """
    rows = []
    for key, frame in series.items():
        res = trends.trend_test(
            frame.select("period_start", "value"), "value", freq="month", by=[], alpha=alpha
        )
        rows.append(res.select(pl.lit(key).alias("indicator"), pl.all()))
    return pl.concat(rows).with_columns(
        (pl.col("ci_low") * 12).alias("ci_low_per_year"),
        (pl.col("ci_high") * 12).alias("ci_high_per_year"),
        (pl.col("p_value") < alpha).alias("significant"),
    )
