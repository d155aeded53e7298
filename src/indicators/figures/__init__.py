"""Compute once: the air evaluations of every city of a data folder, kept in a figures store.

A report's ranking needs the period evaluation of every city of the folder and
the comparison period's under the same rules. Computed inside each report, a
batch of N cities does N² city-periods of work; here they are computed once per
(period, comparison, edition, method) and written as Parquet into
``<data>/figures/<key>/``, with the fingerprint of the data they came from.
Reports read them; they are recomputed when the data change.

Figures are those of :func:`indicators.air.daily_aqi` (city level) and
:func:`indicators.air.evaluate_period` (HJ 663, GB 3095, HJ 633), with the
folder's sand-dust flags (环办监测〔2016〕120号) when it has a ``dust`` table,
and every city's figures of the other domains (surface water, drinking water,
sea, black-odorous water bodies, noise: :mod:`indicators.figures.domains`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import tempfile
import warnings
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from .. import air, contract, standards
from ..contract import data_fingerprint
from ..errors import IndicatorInputError
from . import monthly_trends, three_year, tracking
from .completeness import station_completeness
from .domains import DATA_ERRORS, all_city_figures, cwqi_figures
from .ranks import (
    CHANGE_RANK,
    RANK_EDITIONS,
    RANK_INDICATORS,
    city_ranks,
    set_ranks,
    set_ranks_of_every_city,
    set_tables,
)
from .record import city_records, same_window

__all__ = [
    "CHANGE_RANK",
    "FIGURES_VERSION",
    "RANK_EDITIONS",
    "RANK_INDICATORS",
    "CityEvaluations",
    "city_evaluations",
    "city_history",
    "city_hours",
    "city_ranks",
    "comparison_rules",
    "compute",
    "compute_city_evaluations",
    "data_fingerprint",
    "dust_flags",
    "evaluate_air",
    "figures_folder",
    "history_edition",
    "hour_window",
    "monthly_evaluations",
    "set_ranks",
    "set_tables",
]

#: Version of the figures store layout and values; a store of another version is recomputed.
FIGURES_VERSION = 14


class Span(Protocol):
    """A period: first and last day (inclusive) and a label (e.g. ``2026`` or ``2026-03``)."""

    start: date
    end: date
    label: str


@dataclass
class CityEvaluations:
    """Air evaluations of every city of a folder for a period and its comparison period.

    Attributes
    ----------
    summary : polars.DataFrame
        :func:`indicators.air.evaluate_period` of the period, one row per city.
    previous : polars.DataFrame or None
        The same for the comparison period, under ``rules`` when they are set;
        None when no city has data in it.
    rules : tuple of str or None
        ``(HJ 633 edition, GB 3095 limits)`` the comparison was recomputed
        under (:func:`comparison_rules`), None when it shares the period's.
    failed : dict
        City -> why it is missing from ``summary`` or ``previous``; ``""`` for a
        city without station hours in the period (the report words it).
    daily : polars.DataFrame or None
        City daily AQI (:func:`indicators.air.daily_aqi`, ``level="city"``) of
        every city in the period.
    changes : polars.DataFrame or None
        :func:`indicators.air.compare_periods` of ``summary`` against
        ``previous`` (like for like), one row per city.
    monthly : polars.DataFrame or None
        :func:`indicators.air.evaluate_period` of each calendar month of the
        period (cut to the period), one row per city and month, with ``month``
        (the month's period label) first after ``city``.
    warnings : list of str
        Warnings raised while computing (values outside their usual range, IAQI
        capped at 500), kept with the figures so that a report read from the
        store still shows them.
    ranks : polars.DataFrame or None
        :func:`indicators.figures.ranks.city_ranks` of ``summary`` against
        ``previous``: every city's rank by each ranked figure and by the change.
    rank_refused : dict
        Ranked figure -> why it is not ranked (editions differ between cities).
    cwqi : polars.DataFrame or None
        :func:`indicators.figures.domains.cwqi_figures`: every city's CWQI, ΔCWQI and
        ranks (status and change); None without surface-water samples in the period.
    history : polars.DataFrame or None
        :func:`city_history`: every city's daily AQI from the first station hour of
        the data to the period's last day, under one HJ 633 edition (the trends, the
        year-end projection and the three-year means read it).
    record : polars.DataFrame or None
        :func:`indicators.figures.record.city_records`: where each city's period stands
        among the same window of every year the data hold (like for like); None when
        the period lies across New Year.
    set_lists : polars.DataFrame or None
        :func:`indicators.figures.ranks.set_tables`: the best and worst 20 of every
        official city set and province by the composite index and by its change.
    trend_series, trends : polars.DataFrame or None
        :func:`indicators.figures.monthly_trends.city_trend_series` of ``history`` to the
        period's last day and :func:`~indicators.figures.monthly_trends.city_trend_results`
        of it: every city's monthly series and their trend tests.
    three_year : polars.DataFrame or None
        :func:`indicators.figures.three_year.three_year_means` of a calendar-year period
        (every city whose series reaches back to 1 January of Y-2); None otherwise.
    set_ranks : polars.DataFrame or None
        :func:`indicators.figures.ranks.set_ranks_of_every_city`: every city's
        composite-index rank in each official set and its province.
    previous_own : polars.DataFrame or None
        The comparison period as evaluated under its own rules (editions in force
        then), when ``rules`` are set: the evaluation table shows it beside
        ``previous``; None otherwise.
    completeness : polars.DataFrame or None
        :func:`indicators.figures.completeness.station_completeness` of every station
        in the period, with its ``city`` first; None when the station hours fail their
        checks (each report then computes its city's).
    tracking : polars.DataFrame or None
        :func:`indicators.figures.tracking.every_city_tracking` under the data folder's
        targets (the demo targets for the demo data), for a period from 1 January;
        None without targets (a report given its own targets file computes its city's).
    domains : dict or None
        :func:`indicators.figures.domains.all_city_figures`: every city's figures of the
        other domains (surface water, drinking water, sea, black-odorous water bodies,
        noise) for the period and the comparison period, as tables (name -> frame,
        stored under :data:`indicators.contract.FIGURES_DOMAINS_DIR`);
        :func:`indicators.figures.domains.city_figures` rebuilds a city's. None when
        not computed (the reports then compute their city's).
    """

    summary: pl.DataFrame
    previous: pl.DataFrame | None
    rules: tuple[str, str] | None
    failed: dict[str, str] = field(default_factory=dict)
    daily: pl.DataFrame | None = None
    changes: pl.DataFrame | None = None
    monthly: pl.DataFrame | None = None
    warnings: list[str] = field(default_factory=list)
    ranks: pl.DataFrame | None = None
    rank_refused: dict[str, str] = field(default_factory=dict)
    cwqi: pl.DataFrame | None = None
    record: pl.DataFrame | None = None
    history: pl.DataFrame | None = None
    set_lists: pl.DataFrame | None = None
    trend_series: pl.DataFrame | None = None
    trends: pl.DataFrame | None = None
    three_year: pl.DataFrame | None = None
    set_ranks: pl.DataFrame | None = None
    previous_own: pl.DataFrame | None = None
    completeness: pl.DataFrame | None = None
    tracking: pl.DataFrame | None = None
    domains: dict[str, pl.DataFrame] | None = None

    def city(self, name: str) -> dict[str, Any]:
        """One city's figures: ``summary``, ``previous`` and ``change`` rows (``{}`` if none).

        The report's cards, tables and ranking read these rows, so a figure shown
        twice is one value.
        """

        def row(frame: pl.DataFrame | None) -> dict[str, Any]:
            if frame is None:
                return {}
            got = frame.filter(pl.col("city") == name)
            return got.row(0, named=True) if got.height else {}

        return {
            "summary": row(self.summary),
            "previous": row(self.previous),
            "change": row(self.changes),
        }


def hour_window(start: date, end: date) -> tuple[datetime, datetime]:
    """First and last hour-ending time of the natural days ``start`` .. ``end``.

    HJ 663 / GB 3095 natural day: hours labelled 01:00 .. 24:00 (00:00 of the next day).

    Parameters
    ----------
    start, end : datetime.date
        First and last natural day (both included).

    Examples
    --------
    >>> hour_window(date(2026, 1, 1), date(2026, 1, 31))
    (datetime.datetime(2026, 1, 1, 1, 0), datetime.datetime(2026, 2, 1, 0, 0))
    """
    first = datetime(start.year, start.month, start.day, 1)
    last = datetime(end.year, end.month, end.day) + timedelta(days=1)
    return first, last


def city_hours(
    data: str | Path, stations: pl.DataFrame, start: date, end: date, *, by_station: bool = True
) -> pl.DataFrame:
    """Station hours of ``stations`` for the natural days ``start`` .. ``end``, by station and time.

    Parameters
    ----------
    data : path
        Data folder (:mod:`indicators.contract`).
    stations : polars.DataFrame
        Station list; only its ``station`` column is used.
    start, end : datetime.date
        First and last natural day (both included; :func:`hour_window`).
    by_station : bool, default True
        Rows by station and time; False keeps the stored order (time, then station),
        which the daily values take a run of whole days at a time: the figures stage
        reads so, as sorting a national year by station costs twice the daily values.

    Raises
    ------
    IndicatorInputError
        When the folder has no ``station_hours`` table.
    """
    hours = _hours_scan(data, stations, start, end).collect()
    return hours.sort("station", "time") if by_station else hours


def _hours_scan(data: str | Path, stations: pl.DataFrame, start: date, end: date) -> pl.LazyFrame:
    """:func:`city_hours` in the stored order, lazy (the period's row groups only)."""
    path = contract.require_table(data, "station_hours")
    first, last = hour_window(start, end)
    # stored time-ordered (contract.Table.storage_order: the period's row groups only)
    return pl.scan_parquet(path).filter(
        pl.col("station").is_in(stations["station"].implode()),
        pl.col("time").is_between(first, last),
    )


def dust_flags(data: str | Path, cities: list[str] | None = None) -> pl.DataFrame | None:
    """Sand-dust flags of the folder's ``dust`` table (checked against the contract), or None.

    Parameters
    ----------
    data : path
        Data folder (:mod:`indicators.contract`).
    cities : list of str, optional
        Keep only the flags of these cities; default every city.
    """
    path = contract.table_path(data, "dust")
    if path is None:
        return None
    flags = pl.read_parquet(path)
    contract.check_schema("dust", flags.schema, file=str(path))
    if cities is not None:
        flags = flags.filter(pl.col("city").is_in(cities))
    return flags


def evaluate_air(
    data: str | Path,
    stations: pl.DataFrame,
    start: date,
    end: date,
    edition: str,
    limits: str = "auto",
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame] | None:
    """City daily AQI, period evaluation (one row per city of ``stations``) and station hours.

    HJ 633 daily AQI at city level (official method), HJ 663 evaluation with the
    folder's dust flags. None without any station hour.

    Parameters
    ----------
    data : path
        Data folder (:mod:`indicators.contract`).
    stations : polars.DataFrame
        Station list (``station``, ``city``, ``background``) of the cities to evaluate.
    start, end : datetime.date
        First and last day of the period (both included).
    edition : str
        HJ 633 edition of the daily AQI (``"auto"``: the edition in force each day).
    limits : str, default "auto"
        GB 3095 limits the evaluation compares with (see
        :func:`indicators.air.evaluate_period`).
    """
    hourly = city_hours(data, stations, start, end, by_station=False)
    if hourly.is_empty():
        return None
    days = air.daily_concentrations(hourly)
    return (*_evaluation(data, stations, days, start, end, edition, limits), hourly)


def _evaluation(
    data: str | Path,
    stations: pl.DataFrame,
    days: pl.DataFrame,
    start: date,
    end: date,
    edition: str,
    limits: str,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``(daily, summary)`` of :func:`evaluate_air` from the station daily concentrations.

    The city daily AQI of the stations' daily concentrations is that of their hours
    (the same means of the same unrounded station values).
    """
    daily = air.daily_aqi(days, stations=stations, level="city", edition=edition)
    dust = dust_flags(data, stations["city"].unique().to_list())
    summary = air.evaluate_period(daily, start=start, end=end, limits=limits, dust=dust)
    return daily, summary


@dataclass
class _KeptDays:
    """The station daily concentrations of a figures stage's last windows, every station's."""

    codes: frozenset[str]  # the stage's stations
    days: OrderedDict[tuple[date, date], pl.DataFrame | None] = field(default_factory=OrderedDict)


#: The station days kept in the figures stage running (None outside one).
_KEPT_DAYS: ContextVar[_KeptDays | None] = ContextVar("kept_station_days", default=None)

#: Windows whose station days a figures stage keeps (a national year's: about 0.6 M rows,
#: 130 MB): the period's, the comparison's and one more.
_KEPT_WINDOWS = 3


@contextmanager
def _keeping_station_days(stations: pl.DataFrame) -> Iterator[None]:
    """Within: :func:`_window_days` of every station of ``stations`` are kept and reused."""
    token = _KEPT_DAYS.set(_KeptDays(frozenset(stations["station"].to_list())))
    try:
        yield
    finally:
        _KEPT_DAYS.reset(token)


def _window_days(
    data: str | Path, stations: pl.DataFrame, start: date, end: date
) -> pl.DataFrame | None:
    """Station daily concentrations of ``stations`` for ``start`` .. ``end``; None without hours.

    :func:`indicators.air.daily_concentrations` of :func:`city_hours`. In a figures
    stage, those of every station of the folder are kept for the last
    :data:`_KEPT_WINDOWS` windows: the period's feed its evaluation, its completeness
    and its year of the daily series; the comparison's its evaluations under two rules.
    """
    kept = _KEPT_DAYS.get()
    every = kept is not None and kept.codes == frozenset(stations["station"].to_list())
    key = (start, end)
    if every and key in kept.days:
        kept.days.move_to_end(key)
        return kept.days[key]
    # (lazy: read once, in batches of whole days, without holding the period's hours)
    days = air.daily_concentrations(_hours_scan(data, stations, start, end)).collect()
    days = None if days.is_empty() else days
    if every:
        kept.days[key] = days
        while len(kept.days) > _KEPT_WINDOWS:
            kept.days.popitem(last=False)
    return days


def comparison_rules(summary: dict[str, Any], previous: dict[str, Any]) -> tuple[str, str] | None:
    """The rules to recompute the comparison period under, or None when it already shares them.

    A comparison period evaluated under another HJ 633 edition or other GB 3095
    limits than the period is recomputed under the period's last HJ 633 edition
    and its GB 3095 limits (like for like across the 2026 revision;
    :func:`indicators.ranking.rank_change` refuses mixed editions).

    Parameters
    ----------
    summary : dict
        The period's evaluation row of a city (``aqi_edition``, ``limits_edition``).
    previous : dict
        The comparison period's row of the same city, evaluated under its own rules
        (``{}`` when it has none).

    Examples
    --------
    >>> comparison_rules({"aqi_edition": "HJ 633-2012+HJ 633-2026",
    ...                   "limits_edition": "GB 3095-2026 transitional"},
    ...                  {"aqi_edition": "HJ 633-2012", "limits_edition": "GB 3095-2012"})
    ('HJ 633-2026', 'GB 3095-2026 transitional')
    >>> comparison_rules({"aqi_edition": "HJ 633-2026", "limits_edition": "GB 3095-2026 final"},
    ...                  {"aqi_edition": "HJ 633-2026", "limits_edition": "GB 3095-2026 final"})
    """
    edition = summary.get("aqi_edition") or ""
    if not edition or not previous:
        return None
    if (previous.get("aqi_edition"), previous.get("limits_edition")) == (
        edition,
        summary.get("limits_edition"),
    ):
        return None
    return edition.split("+")[-1], summary["limits_edition"]


def _evaluate_cities(
    data: str | Path,
    stations: pl.DataFrame,
    per: Span,
    edition: str,
    limits: str,
    failed: dict[str, str],
) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """``(summary, daily)`` of every city at once; when that fails, city by city.

    City by city, a city whose data fail is named in ``failed`` and the others
    are still evaluated.
    """
    try:
        days = _window_days(data, stations, per.start, per.end)
        if days is None:
            return None
        daily, summary = _evaluation(data, stations, days, per.start, per.end, edition, limits)
        return None if summary.is_empty() else (summary, daily)
    except IndicatorInputError:
        pass
    parts, days = [], []
    for city in stations["city"].unique(maintain_order=True).to_list():
        try:
            got = evaluate_air(
                data, stations.filter(pl.col("city") == city), per.start, per.end, edition, limits
            )
        except IndicatorInputError as err:
            failed.setdefault(city, f"{per.label}: {err}")
            continue
        if got is not None and not got[1].is_empty():
            parts.append(got[1])
            days.append(got[0])
    if not parts:
        return None
    return pl.concat(parts, how="diagonal_relaxed"), pl.concat(days, how="diagonal_relaxed")


def monthly_evaluations(
    daily: pl.DataFrame, period: Span, dust: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Evaluation of each calendar month of a period, every city (the monthly series).

    HJ 663 period evaluation (:func:`indicators.air.evaluate_period`) of each
    month the period touches, cut to the period (:func:`indicators.periods.months`),
    from the city daily AQI, with the folder's dust flags.

    Parameters
    ----------
    daily : polars.DataFrame
        City daily AQI covering the period.
    period : period
        Object with ``start`` and ``end`` (dates).
    dust : polars.DataFrame, optional
        Sand-dust flags (the ``dust`` table).

    Returns
    -------
    polars.DataFrame
        One row per city and month: ``city``, ``month`` (period label, e.g.
        ``2026-03``), then the columns of :func:`indicators.air.evaluate_period`.
    """
    from ..periods import months, parse_period

    whole = parse_period(f"{period.start.isoformat()}..{period.end.isoformat()}")
    parts = []
    for month in months(whole):
        days = daily.filter(pl.col("date").is_between(month.start, month.end))
        if days.is_empty():
            continue
        got = air.evaluate_period(days, start=month.start, end=month.end, dust=dust)
        parts.append(got.select("city", pl.lit(month.label).alias("month"), pl.exclude("city")))
    if not parts:
        return pl.DataFrame(schema={"city": pl.String, "month": pl.String})
    return pl.concat(parts, how="diagonal_relaxed")


def _first_city_rules(
    data: str | Path, stations: pl.DataFrame, summary: pl.DataFrame, compare: Span, edition: str
) -> tuple[bool, tuple[str, str] | None]:
    """``(known, rules)``: :func:`comparison_rules` told by the first city's comparison.

    One city's comparison evaluation tells the rules, so that every city's
    comparison is evaluated once, under them; ``known`` is False when that city
    has no comparison value (then the rules come from all cities' values).
    """
    first = summary.row(0, named=True)
    mine = stations.filter(pl.col("city") == first["city"])
    try:
        try:  # (of every station's days, which the comparison's evaluation reads next)
            every = _window_days(data, stations, compare.start, compare.end)
            codes = mine["station"].implode()
            days = None if every is None else every.filter(pl.col("station").is_in(codes))
        except IndicatorInputError:  # another city's data are bad: this city's own
            days = _window_days(data, mine, compare.start, compare.end)
        if days is None or days.is_empty():
            return False, None
        got = _evaluation(data, mine, days, compare.start, compare.end, edition, "auto")[1]
    except IndicatorInputError:
        return False, None  # its comparison data are bad: _evaluate_cities names it
    if got.is_empty():
        return False, None
    return True, comparison_rules(first, got.row(0, named=True))


def compute_city_evaluations(
    data: str | Path, period: Span, compare: Span, edition: str = "auto"
) -> CityEvaluations | None:
    """Evaluate every city of the folder in ``period`` and ``compare`` (no cache).

    The comparison is recomputed under the period's rules (:func:`comparison_rules`
    of the first city with data in both). Also the city daily AQI of the period,
    the changes (:func:`indicators.air.compare_periods`, like for like) and the
    monthly series (:func:`monthly_evaluations`). None when no city has data in
    the period.

    Parameters
    ----------
    data : path
        Data folder (checked by the caller).
    period, compare : Period
        The period and its comparison period (objects with ``start``, ``end`` and
        ``label``, e.g. :func:`indicators.periods.parse_period`).
    edition : str, default "auto"
        HJ 633 edition of the daily AQI (``"auto"``: the edition in force each day).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figures = _compute_city_evaluations(data, period, compare, edition)
    for w in caught:  # the caller sees them too
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if figures is not None:
        figures.warnings = list(dict.fromkeys(str(w.message) for w in caught))
    return figures


def _compute_city_evaluations(
    data: str | Path, period: Span, compare: Span, edition: str
) -> CityEvaluations | None:
    stations = pl.read_parquet(contract.table_file(data, "stations"))
    with _keeping_station_days(stations):  # each window's hours read once
        return _evaluate_stage(data, stations, period, compare, edition)


def _evaluate_stage(
    data: str | Path, stations: pl.DataFrame, period: Span, compare: Span, edition: str
) -> CityEvaluations | None:
    failed: dict[str, str] = {}
    got = _evaluate_cities(data, stations, period, edition, "auto", failed)
    if got is None:
        return None
    completeness = _station_completeness(data, stations, period, edition)
    summary, daily = got
    previous, rules, own = _comparison(data, stations, summary, compare, edition, failed)
    have = set(summary["city"].to_list())
    for city in _cities(stations):
        if city not in have and city not in failed:
            failed[city] = ""
    changes = None if previous is None else air.compare_periods(summary, previous)
    dust = dust_flags(data, sorted(have))
    ranks, refused = city_ranks(summary, previous)
    history = city_history(data, stations, period.end, history_edition(edition, period.end))
    series, tests, means = _history_figures(history, period, dust)
    spans = {"period": (period.start, period.end), "compare": (compare.start, compare.end)}
    others = all_city_figures(data, _cities(stations), spans)
    return CityEvaluations(
        summary,
        previous,
        rules,
        failed,
        daily,
        changes,
        monthly_evaluations(daily, period, dust),
        ranks=ranks,
        rank_refused=refused,
        cwqi=cwqi_figures(data, period.start, period.end, compare.start, compare.end),
        record=_record(data, stations, period, compare, summary, previous),
        history=history,
        set_lists=set_tables(stations, summary, previous),
        set_ranks=set_ranks_of_every_city(stations, summary),
        previous_own=own,
        completeness=completeness,
        trend_series=series,
        trends=tests,
        three_year=means,
        domains=others,
        tracking=_tracking(data, period, summary, daily, history, others, edition),
    )


def _tracking(
    data: str | Path,
    period: Span,
    summary: pl.DataFrame,
    daily: pl.DataFrame,
    history: pl.DataFrame | None,
    others: dict[str, pl.DataFrame] | None,
    edition: str,
) -> pl.DataFrame | None:
    """Every city's target tracking under the folder's own targets (or the demo targets).

    None when the period is not compared with targets, the folder has none, or they fail
    their checks (each report then reads them and says why).
    """
    from ..config import is_demo_folder

    try:
        frame = tracking.report_targets(data, period.start, period.end, demo=is_demo_folder(data))
        if frame is None:
            return None
        return tracking.every_city_tracking(
            summary, daily, history, others, frame, year=period.start.year, edition=edition
        )
    except DATA_ERRORS:
        return None


def _cities(stations: pl.DataFrame) -> list[str]:
    return stations["city"].unique(maintain_order=True).to_list()


def _comparison(
    data: str | Path,
    stations: pl.DataFrame,
    summary: pl.DataFrame,
    compare: Span,
    edition: str,
    failed: dict[str, str],
) -> tuple[pl.DataFrame | None, tuple[str, str] | None, pl.DataFrame | None]:
    """``(previous, rules, own)``: every city's comparison period, evaluated twice when needed.

    ``previous`` under the period's rules when they differ (``rules``, the
    :func:`comparison_rules` of the first city with data in both), ``own`` under its
    own rules (None when the rules are the same).
    """
    known, rules = _first_city_rules(data, stations, summary, compare, edition)
    if known:  # evaluated once, under the period's rules when they differ
        edition_c, limits_c = rules or (edition, "auto")
        before = _evaluate_cities(data, stations, compare, edition_c, limits_c, failed)
        own = None
        if rules is not None:
            own = _evaluate_cities(data, stations, compare, edition, "auto", failed)
    else:
        before = own = _evaluate_cities(data, stations, compare, edition, "auto", failed)
        if before is not None:
            both = summary.join(before[0].select("city"), on="city", how="semi")
            if both.height:
                first = both.row(0, named=True)
                prev = before[0].filter(pl.col("city") == first["city"]).row(0, named=True)
                rules = comparison_rules(first, prev)
            if rules is not None:
                before = _evaluate_cities(data, stations, compare, rules[0], rules[1], failed)
    previous = None if before is None else before[0]
    return previous, rules, None if own is None or rules is None else own[0]


def _station_completeness(
    data: str | Path, stations: pl.DataFrame, period: Span, edition: str
) -> pl.DataFrame | None:
    """Every station's valid hours and days in the period, with its ``city``.

    None on a data error: each report then computes its city's and says why.
    """
    try:
        days = _window_days(data, stations, period.start, period.end)
        if days is None:  # (every station's zero hours)
            days = city_hours(data, stations, period.start, period.end, by_station=False)
        got = station_completeness(days, stations, period.start, period.end, edition)
    except DATA_ERRORS:
        return None
    cities = stations.select("station", "city")
    return got.join(cities, on="station", how="left", maintain_order="left").select(
        "city", *got.columns
    )


def _history_figures(
    history: pl.DataFrame | None, period: Span, dust: pl.DataFrame | None
) -> tuple[pl.DataFrame | None, pl.DataFrame | None, pl.DataFrame | None]:
    """Every city's monthly trend series, their tests and a calendar year's three-year means."""
    if history is None:
        return None, None, None
    series = monthly_trends.city_trend_series(history, period.end)
    tests = monthly_trends.city_trend_results(series)
    year = period.start.year
    means = None
    if (period.start, period.end) == (date(year, 1, 1), date(year, 12, 31)):
        means = three_year.three_year_means(history, year, dust)
    return series, tests, means


def _first_hour(data: str | Path) -> datetime | None:
    """The first station hour of the folder (from the Parquet statistics), None when empty."""
    scan = pl.scan_parquet(contract.table_file(data, "station_hours"))
    return scan.select(pl.col("time").min()).collect().item()


def history_edition(edition: str, end: date) -> str:
    """HJ 633 edition of a city's daily series: ``edition``, or the one in force on ``end``.

    For ``"auto"``: a series across the 2026 revision is under one edition, so that the
    revision does not show as a trend.

    Parameters
    ----------
    edition : str
        ``"auto"`` or an HJ 633 edition name.
    end : datetime.date
        The series' last day.

    Examples
    --------
    >>> history_edition("auto", date(2026, 12, 31)), history_edition("auto", date(2025, 12, 31))
    ('HJ 633-2026', 'HJ 633-2012')
    """
    if edition != "auto":
        return edition
    return standards.edition_in_force("HJ 633", end)


def city_history(
    data: str | Path, stations: pl.DataFrame, end: date, edition: str
) -> pl.DataFrame | None:
    """Every city's daily AQI from the first station hour of the data to ``end`` (HJ 633).

    :func:`indicators.air.daily_aqi` at city level under one ``edition``, computed a
    calendar year at a time (a natural day never crosses a year), so that memory
    follows one year of station hours; the last series is kept in the process (a month
    and its year to date end on the same day). A year whose data fail for the folder as a
    whole is computed city by city, leaving out the cities whose data fail (the
    period's evaluation names them).

    Parameters
    ----------
    data : path
        Data folder.
    stations : polars.DataFrame
        Station list (``station``, ``city``, ``background``).
    end : datetime.date
        Last natural day.
    edition : str
        HJ 633 edition (a name, not ``"auto"``).

    Returns
    -------
    polars.DataFrame or None
        One row per city and day, by city and date; None without station hours.
    """
    key = (str(Path(data).resolve()), data_fingerprint(data), end, edition)
    key += (hashlib.sha256(stations.write_ipc(None).getvalue()).hexdigest(),)
    if key not in _HISTORY:
        _HISTORY.clear()  # the last one only: a month and its year to date share it
        _HISTORY[key] = _compute_history(data, stations, end, edition)
    return _HISTORY[key]


#: The last :func:`city_history` of this process (its key: folder, data, end, edition,
#: stations).
_HISTORY: dict[tuple, pl.DataFrame | None] = {}


def _compute_history(
    data: str | Path, stations: pl.DataFrame, end: date, edition: str
) -> pl.DataFrame | None:
    first = _first_hour(data)
    if first is None:
        return None
    start = (first - timedelta(hours=1)).date()  # hour-ending: 00:00 closes the day before
    parts = []
    for year in range(end.year, start.year - 1, -1):  # (the period's year first: kept days)
        a, b = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
        parts += _city_groups(stations, data, a, b, edition)
    if not parts:
        return None
    return pl.concat(parts, how="diagonal_relaxed").sort("city", "date")


def _city_groups(
    stations: pl.DataFrame, data: str | Path, start: date, end: date, edition: str
) -> list[pl.DataFrame]:
    """City daily AQI of ``start`` .. ``end``: every city at once, else city by city."""

    def daily(st: pl.DataFrame) -> pl.DataFrame | None:
        days = _window_days(data, st, start, end)
        if days is None:
            return None
        return air.daily_aqi(days, stations=st, level="city", edition=edition)

    try:
        got = daily(stations)
        return [] if got is None else [got]
    except IndicatorInputError:
        pass
    parts = []
    for city in stations["city"].unique(maintain_order=True).to_list():
        try:
            got = daily(stations.filter(pl.col("city") == city))
        except IndicatorInputError:
            continue
        if got is not None:
            parts.append(got)
    return parts


def _record(
    data: str | Path,
    stations: pl.DataFrame,
    period: Span,
    compare: Span,
    summary: pl.DataFrame,
    previous: pl.DataFrame | None,
) -> pl.DataFrame | None:
    """:func:`~indicators.figures.record.city_records` of the period's window in every year.

    Each earlier year is evaluated under the period's rules (its last HJ 633 edition and
    its GB 3095 limits); the comparison period is reused when it is that year's window.
    """
    from ..periods import parse_period

    if same_window(period.start, period.end, period.start.year) is None:
        return None
    first = _first_hour(data)
    edition = summary["aqi_edition"][0].split("+")[-1]
    limits = summary["limits_edition"][0]
    years = [summary.with_columns(year=pl.lit(period.start.year))]
    for year in range((first - timedelta(hours=1)).year, period.start.year):
        start, end = same_window(period.start, period.end, year)
        if previous is not None and (compare.start, compare.end) == (start, end):
            years.append(previous.with_columns(year=pl.lit(year)))
            continue
        got = _evaluate_cities(data, stations, parse_period(f"{start}..{end}"), edition, limits, {})
        if got is not None:
            years.append(got[0].with_columns(year=pl.lit(year)))
    return city_records(pl.concat(years, how="diagonal_relaxed"), period.start.year)


def figures_folder(data: str | Path, period: Span, compare: Span, edition: str) -> Path:
    """``<data>/figures/<key>``: where the figures of a period, comparison and edition live.

    Parameters
    ----------
    data : path
        Data folder.
    period, compare : Period
        The period and its comparison period (their ``label`` makes the key).
    edition : str
        HJ 633 edition of the figures (``"auto"`` or an edition name).
    """
    key = f"{period.label}__{compare.label}__{edition}__official"
    safe = re.sub(r"[^0-9A-Za-z._-]+", "_", key)
    digest = hashlib.sha256(key.encode()).hexdigest()[:8]
    return Path(data) / contract.FIGURES_DIR / f"{safe}-{digest}"


def _read_store(folder: Path, fingerprint: str) -> CityEvaluations | None:
    meta_path = folder / "figures.json"
    if not meta_path.is_file():
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("version") != FIGURES_VERSION or meta.get("data") != fingerprint:
        return None
    files = {name: contract.figures_table_file(folder, name) for name in contract.FIGURES_TABLES}
    frames = {name: pl.read_parquet(f) if f.is_file() else None for name, f in files.items()}
    return CityEvaluations(
        rules=tuple(meta["rules"]) if meta.get("rules") else None,
        failed=dict(meta.get("failed", {})),
        warnings=list(meta.get("warnings", [])),
        rank_refused=dict(meta.get("rank_refused", {})),
        domains=_read_domains(folder, meta),
        **frames,
    )


def _read_domains(folder: Path, meta: dict[str, Any]) -> dict[str, pl.DataFrame] | None:
    """The other domains' tables of a store entry, in the order written (None without)."""
    sub = f"{contract.FIGURES_DOMAINS_DIR}/"
    names = [name for name in meta.get("rows", {}) if name.startswith(sub)]
    if not names:
        return None
    tables = [name.removeprefix(sub) for name in names]
    return {name: pl.read_parquet(contract.figures_domain_file(folder, name)) for name in tables}


def _write_store(
    folder: Path, figures: CityEvaluations, fingerprint: str, about: dict[str, Any]
) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".tmp-"))
    try:
        rows = {}
        for name in contract.FIGURES_TABLES:
            frame = getattr(figures, name)
            if frame is not None:
                frame.write_parquet(contract.figures_table_file(tmp, name))
                rows[name] = frame.height
        rows |= _write_domains(tmp, figures.domains)
        meta = {
            "version": FIGURES_VERSION,
            "data": fingerprint,
            **about,
            "rules": list(figures.rules) if figures.rules else None,
            "failed": figures.failed,
            "warnings": figures.warnings,
            "rank_refused": figures.rank_refused,
            "rows": rows,
        }
        text = json.dumps(meta, ensure_ascii=False, indent=1)
        (tmp / "figures.json").write_text(text, encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        try:
            os.replace(tmp, folder)
        except OSError:  # another process wrote the same figures first: theirs are as good
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _write_domains(folder: Path, tables: dict[str, pl.DataFrame] | None) -> dict[str, int]:
    """Write the other domains' tables under :data:`~indicators.contract.FIGURES_DOMAINS_DIR`."""
    if tables is None:
        return {}
    (folder / contract.FIGURES_DOMAINS_DIR).mkdir()
    rows = {}
    for name, frame in tables.items():
        frame.write_parquet(contract.figures_domain_file(folder, name))
        rows[f"{contract.FIGURES_DOMAINS_DIR}/{name}"] = frame.height
    return rows


def _about(data: str | Path, period: Span, compare: Span, edition: str) -> dict[str, Any]:
    """What a store was computed from: the key and the data manifest's table hashes."""
    sources = {
        name: sorted(s.get("sha256", "") for s in entry.get("sources", []))
        for name, entry in contract.read_manifest(data).get("tables", {}).items()
    }
    return {
        "period": period.label,
        "compare": compare.label,
        "edition": edition,
        "method": "official",
        "manifest_sources": sources,
    }


def city_evaluations(
    data: str | Path,
    period: Span,
    compare: Span,
    edition: str = "auto",
    *,
    recompute: bool = False,
) -> CityEvaluations | None:
    """Every city's evaluations from the figures store, computed and stored when missing or stale.

    Parameters
    ----------
    data : path
        Data folder (the contract of :mod:`indicators.contract`).
    period, compare : period
        Objects with ``start``, ``end`` (dates) and ``label``.
    edition : str
        HJ 633 edition (``auto`` or a name) of the city daily AQI.
    recompute : bool
        Ignore a stored result.

    Returns
    -------
    CityEvaluations or None
        None when no city has data in the period.
    """
    fingerprint = data_fingerprint(data)
    folder = figures_folder(data, period, compare, edition)
    key = (str(folder.resolve()), fingerprint)
    if not recompute:
        stored = _READ.get(key) or _read_store(folder, fingerprint)
        if stored is not None:
            _remember(key, stored)
            return dataclasses.replace(stored)  # callers may set attributes of their copy
    figures = compute_city_evaluations(data, period, compare, edition)
    if figures is not None:
        _write_store(folder, figures, fingerprint, _about(data, period, compare, edition))
    return figures


#: Stores read in this process, by (folder, data fingerprint): a batch worker that
#: renders many reports of one period reads the store once. Polars frames are immutable,
#: so the copies :func:`city_evaluations` hands out share them safely.
_READ: dict[tuple[str, str], CityEvaluations] = {}

#: Stores kept in :data:`_READ` (the most recently read).
_READ_KEEP = 4


def _remember(key: tuple[str, str], store: CityEvaluations) -> None:
    _READ.pop(key, None)
    _READ[key] = store
    while len(_READ) > _READ_KEEP:
        _READ.pop(next(iter(_READ)))


def compute(
    data: str | Path,
    period: Span,
    compare: Span | None = None,
    edition: str = "auto",
    *,
    recompute: bool = False,
) -> dict[str, tuple[Span, Span, CityEvaluations | None]]:
    """The figures stage: every figure the reports of a period need, for every city, stored.

    Runs :func:`city_evaluations` for the period against its comparison period
    (default: the same period a year earlier) and, for a month or quarter after the
    first, for the year to date against the year to date a year earlier (1—N月累计
    of the monthly bulletins, 1—N季度 of the quarterly water reports). Figures
    already stored for the same data are reused.

    Parameters
    ----------
    data : path
        Data folder (checked by the caller: :func:`indicators.check.require_valid_folder`).
    period : Period
        The period (:func:`indicators.periods.parse_period`).
    compare : Period, optional
        Comparison period (default :func:`indicators.periods.year_earlier`).
    edition : str
        HJ 633 edition of the daily AQI (``auto``: the edition in force each day).
    recompute : bool
        Recompute even when stored figures are current.

    Returns
    -------
    dict
        ``{"period": (period, compare, figures), "year_to_date": ...}``, figures
        a :class:`CityEvaluations` or None when no city has data (the second key
        only when :func:`indicators.periods.has_year_to_date`).
    """
    from ..periods import has_year_to_date, year_earlier, year_to_date

    wanted = {"period": (period, year_earlier(period) if compare is None else compare)}
    if has_year_to_date(period):
        ytd = year_to_date(period)
        wanted["year_to_date"] = (ytd, year_earlier(ytd))
    return {
        key: (per, cmp, city_evaluations(data, per, cmp, edition, recompute=recompute))
        for key, (per, cmp) in wanted.items()
    }
