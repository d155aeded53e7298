"""Helpers of the analysts' notebook ``notebooks/explore_air.ipynb``: load and filter.

The figures are :mod:`indicators.plot`; :func:`timeseries` labels the stations by name.

Examples
--------
>>> import polars as pl
>>> from datetime import datetime
>>> times = [datetime(2026, 1, 1, h) for h in (1, 2, 1)]
>>> h = pl.DataFrame({"station": ["A", "A", "B"], "time": times, "PM2.5": [30.0, None, 50.0]})
>>> fig = timeseries(h, "PM2.5")
>>> [t.name for t in fig.data]
['A', 'B']
"""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import polars as pl

from .. import plot
from ..errors import IndicatorInputError
from .data import ensure_demo_data, read_city_hours, read_city_stations
from .params import known_cities, parse_period

__all__ = ["load", "timeseries"]


def load(
    city: str, period: str, *, station: str = "", data: str | Path = ""
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Station hours and station list of a city (or one of its stations) for a period.

    Parameters
    ----------
    city : str
        A city of the data folder's station list.
    period : str
        ``2026``, ``2026Q1``, ``2026-03`` or ``2026-01-01..2026-03-31``.
    station : str
        A station code of the city; ``""`` for all its stations.
    data : str or Path
        Data folder; ``""`` for the demo data (generated when absent).

    Returns
    -------
    (hourly, stations) : tuple of polars.DataFrame
    """
    folder = ensure_demo_data() if data in ("", None) else Path(data)
    if city not in (cities := known_cities(folder)):
        raise IndicatorInputError(
            "unknown city", column="city", expected=f"one of {cities}", found=city
        )
    p = parse_period(period)
    stations = read_city_stations(folder, city)
    if station:
        codes = stations["station"].to_list()
        if station not in codes:
            raise IndicatorInputError(
                "unknown station of the city",
                column="station",
                expected=f"one of {codes}",
                found=station,
            )
        stations = stations.filter(pl.col("station") == station)
    return read_city_hours(folder, stations, p.start, p.end), stations


def timeseries(
    hourly: pl.DataFrame, pollutant: str, *, names: pl.DataFrame | None = None, lang: str = "zh"
) -> go.Figure:
    """Hourly series of one pollutant, one line per station (:func:`indicators.plot.timeseries`).

    Parameters
    ----------
    hourly : polars.DataFrame
        Tidy station-hours.
    pollutant : str
        Column to plot (``PM2.5``, ``O3``, ...).
    names : polars.DataFrame, optional
        Station list; its ``name`` column labels the lines (``name (code)``
        when two stations share a name).
    lang : str, default "zh"
        Label language.
    """
    if names is not None:
        lookup = dict(zip(names["station"], names["name"], strict=True))
        if len(set(lookup.values())) < len(lookup):
            lookup = {code: f"{name} ({code})" for code, name in lookup.items()}
        hourly = hourly.with_columns(pl.col("station").replace(lookup))
    return plot.timeseries(hourly, pollutant, by="station", lang=lang)
