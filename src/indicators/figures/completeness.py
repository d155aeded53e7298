"""Data completeness of a city's stations over a period: valid hours and valid AQI days.

Valid hours are the hours each pollutant's daily values count as valid (GB 3095
Table 4: given, not NaN); a valid day is a day with a station daily AQI
(:func:`indicators.air.daily_aqi`, ``level="station"``), so it follows the data
validity rules of GB 3095 Table 4 and HJ 633's daily AQI. Both are read from the
station daily concentrations (:func:`indicators.air.daily_concentrations`).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from .. import air
from ..glossary import AIR_POLLUTANTS

__all__ = ["station_completeness"]


def station_completeness(
    hourly: pl.DataFrame, stations: pl.DataFrame, start: date, end: date, edition: str
) -> pl.DataFrame:
    """Valid hours per pollutant and valid AQI days per station in ``start`` .. ``end``.

    Parameters
    ----------
    hourly : polars.DataFrame
        Station hours of the period (:func:`indicators.figures.city_hours`), or their
        station daily concentrations (:func:`indicators.air.daily_concentrations`).
    stations : polars.DataFrame
        The city's station list (``station``, ``name``, ``background``).
    start, end : datetime.date
        First and last natural day of the period (both included).
    edition : str
        HJ 633 edition of the station daily AQI (``"auto"``: the edition in force
        each day).

    Returns
    -------
    polars.DataFrame
        One row per station, background stations last: ``station``, ``name``,
        ``background``, ``h_<pollutant>`` (valid hours of each of
        :data:`indicators.glossary.AIR_POLLUTANTS`), ``days_valid`` (days with a
        station daily AQI) and ``hours_expected`` (24 per day of the period).
    """
    days = hourly if "date" in hourly.columns else air.daily_concentrations(hourly)
    days = days.filter(pl.col("date").is_between(start, end))
    hours = days.group_by("station").agg(
        *[pl.col(f"n_{c}").sum().cast(pl.UInt32).alias(f"h_{c}") for c in AIR_POLLUTANTS]
    )
    daily = air.daily_aqi(days, edition=edition)
    valid = daily.group_by("station").agg(pl.col("aqi").count().alias("days_valid"))
    n_days = (end - start).days + 1
    return (
        stations.select("station", "name", "background")
        .join(hours, on="station", how="left")
        .join(valid, on="station", how="left")
        .with_columns(
            pl.lit(n_days * 24).alias("hours_expected"), pl.col("^h_.*$", "days_valid").fill_null(0)
        )
        .sort("background", "station")
    )
