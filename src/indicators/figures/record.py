"""Where a period stands in its series: "the best since …", as the bulletins say it.

Bulletins place a figure in its record: the 2017 大连 bulletin's 300 good days
"创下2013年新监测标准实施以来的最好纪录" (the best since the current monitoring
standard took effect). Here the period is compared with the same calendar window of
every earlier year the data hold, each evaluated under the period's rules (HJ 633
edition and GB 3095 limits: like for like across the 2026 revision), by the value and
by the city's rank among the folder's cities (composite index, 城市环境空气质量排名技术规定).

Only statistically valid evaluations take part (HJ 663-2026 clause 4.1 through
:func:`indicators.air.evaluate_period`'s ``period_valid``): a year with a few weeks
of data sets no record.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from .._frames import competition_ranks
from ..glossary import INDICATORS

__all__ = ["RECORD_INDICATORS", "city_records", "same_window"]

#: Figures placed in their record (their direction: :data:`indicators.glossary.INDICATORS`).
#: Values are compared as :func:`indicators.air.evaluate_period` reports them (rounded as
#: published), so equal published figures tie.
RECORD_INDICATORS: tuple[str, ...] = ("good_day_ratio", "composite_index", "PM2.5", "O3_MDA8_P90")

#: The ranked figure whose rank is placed in its record (smaller index = better).
RANK_INDICATOR = "composite_index"


def same_window(start: date, end: date, year: int) -> tuple[date, date] | None:
    """The window ``start`` .. ``end`` moved to begin in ``year`` (29 February -> 28).

    None when the window does not lie within one calendar year (a custom range over
    New Year has no like-for-like window in other years here).

    Examples
    --------
    >>> same_window(date(2024, 1, 1), date(2024, 2, 29), 2023)
    (datetime.date(2023, 1, 1), datetime.date(2023, 2, 28))
    """
    if start.year != end.year:
        return None

    def moved(d: date) -> date:
        try:
            return d.replace(year=year)
        except ValueError:  # 29 February
            return d.replace(year=year, day=28)

    return moved(start), moved(end)


def _with_year_ranks(series: pl.DataFrame) -> pl.DataFrame:
    """``series`` with each city's rank by :data:`RANK_INDICATOR` among the year's cities."""
    ranked = series.filter(pl.col("period_valid") & pl.col(RANK_INDICATOR).is_not_null())
    ranks = competition_ranks(ranked.lazy(), RANK_INDICATOR, ["year"]).collect()
    return series.join(
        ranks.select("year", "city", pl.col("rank").alias("year_rank")),
        on=["year", "city"],
        how="left",
    )


def _record_of(values: pl.DataFrame, value: str, higher_better: bool) -> pl.DataFrame:
    """Per city: the current year's place among its years by ``value`` (1 = best)."""
    kept = values.filter(pl.col(value).is_not_null()).sort("city", "year")
    sign = -1.0 if higher_better else 1.0
    current = pl.col("is_current")
    score = pl.col(value).cast(pl.Float64) * sign  # smaller score = better
    now = score.filter(current).first().over("city")
    better = pl.col("year").filter(~current & (score < now)).max().over("city")
    return (
        kept.with_columns(
            n_years=pl.len().over("city").cast(pl.Int64),
            first_year=pl.col("year").min().over("city"),
            position=(score < now).sum().over("city").cast(pl.Int64) + 1,
            last_better=better,
        )
        .filter(current)
        .select(
            "city",
            pl.col(value).cast(pl.Float64).alias("value"),
            "n_years",
            "first_year",
            "position",
            # best since: the year after the last better one, or the start of the series
            pl.coalesce(pl.col("last_better") + 1, pl.col("first_year")).alias("best_since"),
            "last_better",
        )
    )


def city_records(series: pl.DataFrame, year: int) -> pl.DataFrame:
    """Every city's place in its record, by each of :data:`RECORD_INDICATORS` and by rank.

    Parameters
    ----------
    series : polars.DataFrame
        :func:`indicators.air.evaluate_period` rows of the same window in each year,
        every city, with a ``year`` column (Int), all under one set of rules.
    year : int
        The report period's year (its rows are the current ones).

    Returns
    -------
    polars.DataFrame
        One row per city and figure (``indicator``: a figure key, or ``"rank"`` for the
        city's rank by the composite index among the folder's cities): ``value``,
        ``n_years`` (valid years with a value, the current one included),
        ``first_year``, ``position`` (1 = the best of the series; ties share it),
        ``best_since`` (the year after the last strictly better year, or the first
        year: the period is the best since then) and ``last_better`` (null when no
        year was better). Cities without a valid current evaluation are left out.
    """
    valid = series.filter(pl.col("period_valid").fill_null(False))
    valid = _with_year_ranks(valid).with_columns(is_current=pl.col("year") == year)
    parts = []
    directions = {k: not INDICATORS[k].lower_is_better for k in RECORD_INDICATORS}
    for key, higher in {**directions, "year_rank": False}.items():
        if key not in valid.columns:
            continue
        got = _record_of(valid, key, higher)
        name = "rank" if key == "year_rank" else key
        parts.append(got.select("city", pl.lit(name).alias("indicator"), pl.exclude("city")))
    if not parts:
        return pl.DataFrame(schema={"city": pl.String, "indicator": pl.String})
    return pl.concat(parts).sort("city", "indicator")
