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

__all__ = [
    "TREND_ALPHA",
    "TREND_INDICATORS",
    "city_trend_results",
    "city_trend_series",
    "good_levels",
    "results_of",
    "series_of",
    "trend_results",
    "trend_series",
]

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


def city_trend_series(history: pl.DataFrame, end: date) -> pl.DataFrame:
    """Monthly values of each of :data:`TREND_INDICATORS` of every city, from its first month.

    A city's series starts at the first month with a valid AQI day (a day outside the
    data or failing validity is not a month of data) and ends at ``end``'s month; a
    month failing the validity rules has a null value, a month without data a null
    row, so that row i of a city's indicator is month i of its series.

    Parameters
    ----------
    history : polars.DataFrame
        City daily AQI series (:func:`indicators.figures.city_history` rows), one or
        more cities.
    end : datetime.date
        The report period's last day (the series' last month).

    Returns
    -------
    polars.DataFrame
        One row per city, indicator and month: ``city``, ``indicator``,
        ``period_start``, ``value``, ``n_days`` (valid days), ``min_days``,
        ``period_valid``, ``statistic``, ``standard``; by city, indicator, month.
    """
    daily = history.filter(pl.col("date") <= end).with_columns(
        pl.when(pl.col("aqi").is_not_null())
        .then(pl.col("level").is_in(good_levels()).cast(pl.Float64) * 100)
        .alias("good_day_ratio")
    )
    first = daily.group_by("city").agg(
        pl.col("date").filter(pl.col("aqi").is_not_null()).min().fill_null(pl.col("date").min())
    )
    grid = first.select(
        "city",
        pl.date_ranges(pl.col("date").dt.month_start(), pl.lit(end.replace(day=1)), "1mo").alias(
            "period_start"
        ),
    ).explode("period_start")
    parts = []
    for key, column in TREND_INDICATORS:
        monthly = trends.period_statistic(daily.select("city", "date", column), column, by="city")
        parts.append(
            grid.join(monthly, on=["city", "period_start"], how="left")
            .rename({column: "value", f"n_{column}": "n_days"})
            .with_columns(
                pl.lit(key).alias("indicator"),
                pl.col("value").cast(pl.Float64),
                pl.col("n_days").fill_null(0),
                pl.col("period_valid").fill_null(False),
            )
        )
    columns = ["city", "indicator", "period_start", "value", "n_days", "min_days"]
    columns += ["period_valid", "statistic", "standard"]
    out = pl.concat([p.select(columns) for p in parts], how="vertical_relaxed")
    order = pl.col("indicator").replace_strict([k for k, _ in TREND_INDICATORS], range(3))
    return out.sort("city", order, "period_start")


def city_trend_results(series: pl.DataFrame, alpha: float = TREND_ALPHA) -> pl.DataFrame:
    """Theil–Sen slope and Mann–Kendall test of every city's series of :func:`city_trend_series`.

    :func:`indicators.trends.trend_test` (monthly, not deseasonalised, rank interval
    at ``alpha``) of each city and indicator; null statistics for a series with
    fewer than 3 valid months.

    Parameters
    ----------
    series : polars.DataFrame
        :func:`city_trend_series`.
    alpha : float, default :data:`TREND_ALPHA`
        Significance level.

    Returns
    -------
    polars.DataFrame
        One row per city and indicator: ``city``, ``indicator`` and the columns of
        :func:`indicators.trends.trend_test` (``n`` valid months, ``n_excluded``,
        ``slope_per_year`` [unit/yr], ``slope_pct_per_year`` [%/yr], ``p_value``...),
        plus ``ci_low_per_year``, ``ci_high_per_year`` [unit/yr] and ``significant``
        (p < ``alpha``).
    """
    got = trends.trend_test(
        series.select("city", "indicator", "period_start", "value"),
        "value",
        freq="month",
        by=["city", "indicator"],
        alpha=alpha,
    )
    order = pl.col("indicator").replace_strict([k for k, _ in TREND_INDICATORS], range(3))
    return got.sort("city", order).with_columns(
        (pl.col("ci_low") * 12).alias("ci_low_per_year"),
        (pl.col("ci_high") * 12).alias("ci_high_per_year"),
        (pl.col("p_value") < alpha).alias("significant"),
    )


def series_of(table: pl.DataFrame, city: str) -> dict[str, pl.DataFrame]:
    """One city's rows of :func:`city_trend_series`, as :func:`trend_series` gives them."""
    mine = table.filter(pl.col("city") == city)
    return {
        key: mine.filter(pl.col("indicator") == key).drop("city", "indicator")
        for key, _ in TREND_INDICATORS
    }


def results_of(table: pl.DataFrame, city: str) -> pl.DataFrame:
    """One city's rows of :func:`city_trend_results`, as :func:`trend_results` gives them."""
    return table.filter(pl.col("city") == city).drop("city")


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
    one = history.with_columns(pl.lit("").alias("city"))  # one city's series
    return series_of(city_trend_series(one, end), "")


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
    long = pl.concat(
        [
            frame.select(pl.lit("").alias("city"), pl.lit(key).alias("indicator"), pl.all())
            for key, frame in series.items()
        ],
        how="vertical_relaxed",
    )
    return results_of(city_trend_results(long, alpha), "")
