"""HJ 663-2026 three-year rolling means (三年滑动平均) of a calendar year, from the daily history.

The annual evaluations of Y-2, Y-1 and Y (:func:`indicators.air.evaluate_period`,
HJ 663 with the folder's sand-dust flags) of each city's daily AQI series
(:func:`indicators.figures.city_history`, one HJ 633 edition throughout) and their
means (:func:`indicators.air.three_year_means`; the definition is UNVERIFIED until
the standard's text is available).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from .. import air

__all__ = ["three_year_means"]


def three_year_means(
    history: pl.DataFrame, year: int, dust: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Three-year rolling means of ``year`` for each city whose series reaches back to Y-2.

    Parameters
    ----------
    history : polars.DataFrame
        City daily AQI series (:func:`indicators.figures.city_history`), one or more
        cities.
    year : int
        The calendar year Y.
    dust : polars.DataFrame, optional
        Sand-dust flags (the ``dust`` table, 环办监测〔2016〕120号).

    Returns
    -------
    polars.DataFrame
        :func:`indicators.air.three_year_means` rows of ``year``: one per city whose
        series starts on or before 1 January of Y-2 (``first_year``, the means under
        the statistics' names, ``years_valid``); empty when no city's does.
    """
    first = date(year - 2, 1, 1)
    cities = (
        history.group_by("city")
        .agg(pl.col("date").min())
        .filter(pl.col("date") <= first)["city"]
        .sort()
        .to_list()
    )
    if not cities:
        return pl.DataFrame(schema={"city": pl.String, "year": pl.Int32})
    series = history.filter(pl.col("city").is_in(cities))
    annual = pl.concat(
        [
            air.evaluate_period(series, start=date(y, 1, 1), end=date(y, 12, 31), dust=dust)
            for y in (year - 2, year - 1, year)
        ],
        how="diagonal_relaxed",
    )
    return air.three_year_means(annual).filter(pl.col("year") == year)
