"""Target tracking (目标考核) of a city: its targets, progress and what the rest of the year needs.

Targets are local policy figures set per city and calendar year (a targets file or
the data folder's ``targets`` table, :func:`indicators.targets.read_targets`), so
they apply to a period that starts on 1 January and ends in the same year. The
figures are those of :mod:`indicators.targets`: progress of the published period
figures (:func:`~indicators.targets.target_progress`), the good days and the PM2.5
mean the rest of the year needs (:func:`~indicators.targets.good_days_needed`,
:func:`~indicators.targets.pm25_remaining_mean`; good day = 优/良 of HJ 633, valid
day as HJ 663) and the year-end projection
(:func:`~indicators.targets.project_year_end`, climatology of the earlier years).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from .. import contract, targets
from ..errors import IndicatorWarning

__all__ = [
    "city_tracking",
    "every_city_tracking",
    "has_target",
    "report_targets",
    "target_rows",
    "year_to_date_tracking",
]


def report_targets(
    data: str | Path, start: date, end: date, path: str | Path | None = None, *, demo: bool = False
) -> pl.DataFrame | None:
    """The targets a report of ``start`` .. ``end`` compares with, or None.

    ``path`` None (no targets file given) means the data folder's ``targets`` table
    when it has one, else the demo targets file (:func:`indicators.targets.demo_targets_path`)
    for the demo data, else no targets. Only a period that starts on 1 January and ends
    in the same year (the year, or the year to date) is compared with targets.

    Parameters
    ----------
    data : path
        Data folder (:mod:`indicators.contract`).
    start, end : datetime.date
        First and last day of the report period.
    path : path, optional
        Targets file (TOML) or table (Parquet) given for the report.
    demo : bool, default False
        True when ``data`` is the generated demo folder.

    Returns
    -------
    polars.DataFrame or None
        :func:`indicators.targets.read_targets` rows (every city and year of the file).

    Raises
    ------
    IndicatorInputError
        When the targets fail the checks of :func:`indicators.targets.read_targets`.
    """
    if path is None:
        path = contract.table_path(data, "targets")
    if path is None and demo:
        path = targets.demo_targets_path()
    if path is None or (start.month, start.day) != (1, 1) or end.year != start.year:
        return None
    return targets.read_targets(path)


def has_target(frame: pl.DataFrame | None, city: str, year: int) -> bool:
    """True when ``frame`` (:func:`report_targets`) sets a target for ``city`` in ``year``."""
    return frame is not None and bool(
        frame.filter(pl.col("city") == city, pl.col("year") == year).height
    )


def target_rows(
    city: str, year: int, values: dict[str, Any], frame: pl.DataFrame | None
) -> dict[str, dict[str, Any]]:
    """``{indicator: row}`` of :func:`indicators.targets.target_progress` for one city's figures.

    Parameters
    ----------
    city : str
        The city.
    year : int
        Target year.
    values : dict
        Figure key (:data:`indicators.targets.TARGET_INDICATORS`) -> the city's
        published value (None: no value, not compared).
    frame : polars.DataFrame or None
        Targets (:func:`report_targets`); None gives ``{}``.

    Returns
    -------
    dict
        Indicator -> ``target_progress`` row (``value``, ``target``, ``gap``,
        ``meets``: met when ``value <= target`` for at-most targets, ``value >=
        target`` for at-least ones); ``{}`` without targets or values.
    """
    if frame is None:
        return {}
    keys = [k for k in targets.TARGET_INDICATORS if values.get(k) is not None]
    if not keys:
        return {}
    summary = pl.DataFrame(
        [{"city": city, **{targets.TARGET_INDICATORS[k].column: float(values[k]) for k in keys}}]
    )
    progress = targets.target_progress(summary, frame, year=year, indicators=keys)
    return {r["indicator"]: r for r in progress.iter_rows(named=True)}


def year_to_date_tracking(
    daily: pl.DataFrame, history: pl.DataFrame, frame: pl.DataFrame, *, year: int, edition: str
) -> dict[str, Any]:
    """What the rest of ``year`` must achieve, and the year-end projections, for one city.

    Parameters
    ----------
    daily : polars.DataFrame
        The city's daily AQI of the report period (the editions in force each day,
        or the forced one): the year to date.
    history : polars.DataFrame
        The city's daily AQI series under one HJ 633 edition
        (:func:`indicators.figures.city_history`): the earlier years' rest of year.
    frame : polars.DataFrame
        Targets (:func:`report_targets`).
    year : int
        Target year.
    edition : str
        The report's HJ 633 edition; with ``"auto"`` the year to date mixes the
        editions across the 2026 revision on purpose, so the projection's warning
        about mixed editions is not raised.

    Returns
    -------
    dict
        ``year``, ``as_of`` (last day with data), ``good_days`` (the row of
        :func:`indicators.targets.good_days_needed`), ``PM2.5`` (of
        :func:`indicators.targets.pm25_remaining_mean`) and ``projection``
        (``{"good_day_ratio": row, "PM2.5": row}`` of
        :func:`indicators.targets.project_year_end`).
    """
    ytd = daily.filter(pl.col("date").dt.year() == year)
    as_of = ytd["date"].max()
    good = targets.good_days_needed(ytd, frame, year=year, as_of=as_of)
    pm = targets.pm25_remaining_mean(ytd, frame, year=year, as_of=as_of)
    cols = ["city", "date", "aqi", "level", "PM2.5", "edition"]
    past = history.filter(pl.col("date") < date(year, 1, 1)).select(cols)
    both = pl.concat([past, ytd.select(cols)], how="vertical_relaxed")
    projection = {}
    with warnings.catch_warnings():
        if edition == "auto":
            warnings.filterwarnings(
                "ignore", message="projection mixes editions", category=IndicatorWarning
            )
        for key in ("good_day_ratio", "PM2.5"):
            projection[key] = targets.project_year_end(
                both, year=year, indicator=key, as_of=as_of, targets=frame
            ).row(0, named=True)
    return {
        "year": year,
        "as_of": as_of,
        "good_days": good.row(0, named=True),
        "PM2.5": pm.row(0, named=True),
        "projection": projection,
    }


def every_city_tracking(
    summary: pl.DataFrame,
    daily: pl.DataFrame,
    history: pl.DataFrame | None,
    stored: Mapping[str, pl.DataFrame] | None,
    frame: pl.DataFrame,
    *,
    year: int,
    edition: str,
) -> pl.DataFrame | None:
    """:func:`year_to_date_tracking` and target progress of every city with a target in ``year``.

    The figures stage computes them once (the targets of the data folder, or the demo
    targets for the demo data); a report reads its city's row (:func:`city_tracking`).

    Parameters
    ----------
    summary : polars.DataFrame
        Every city's period evaluation (:func:`indicators.air.evaluate_period`).
    daily : polars.DataFrame
        Every city's daily AQI of the period.
    history : polars.DataFrame or None
        Every city's daily series under one edition (:func:`indicators.figures.city_history`).
    stored : mapping or None
        Every city's figures of the other domains
        (:func:`indicators.figures.domains.all_city_figures`), for their targets.
    frame : polars.DataFrame
        Targets (:func:`report_targets`).
    year : int
        Target year (the period's).
    edition : str
        The period's HJ 633 edition (``"auto"`` or a name).

    Returns
    -------
    polars.DataFrame or None
        One row per city with a target: ``city``, the keys of
        :func:`year_to_date_tracking` and ``progress`` (the
        :func:`target_rows` rows, a list); None when no city has one.
    """
    rows = []
    past = daily.clear() if history is None else history
    for row in summary.iter_rows(named=True):
        city = row["city"]
        if not has_target(frame, city, year):
            continue
        values = {k: row.get(k) for k in targets.TARGET_INDICATORS if k in row}
        values |= _domain_values(stored, city)
        got = year_to_date_tracking(
            daily.filter(pl.col("city") == city),
            past.filter(pl.col("city") == city),
            frame,
            year=year,
            edition=edition,
        )
        progress = list(target_rows(city, year, values, frame).values())
        rows.append({"city": city, **got, "progress": progress})
    return pl.DataFrame(rows, infer_schema_length=None) if rows else None


def _domain_values(stored: Mapping[str, pl.DataFrame] | None, city: str) -> dict[str, Any]:
    """The city's figures of the other domains that targets can be set for (stored ones)."""
    from . import domains

    out = {}
    for key, (domain, _, _) in domains.FIGURE_SOURCES.items():
        if key not in targets.TARGET_INDICATORS:
            continue
        try:
            out[key] = domains.figure_value(domains.city_figures(stored, domain, city), key)
        except domains.NotStoredError:
            continue
    return out


def city_tracking(table: pl.DataFrame | None, city: str) -> dict[str, Any] | None:
    """A city's row of :func:`every_city_tracking` as :func:`year_to_date_tracking` gives it.

    With ``progress`` as ``{indicator: row}``; None when the table has no row for it.
    """
    if table is None:
        return None
    got = table.filter(pl.col("city") == city)
    if not got.height:
        return None
    row = got.row(0, named=True)
    row.pop("city")
    row["progress"] = {r["indicator"]: r for r in row["progress"]}
    return row
