"""Hourly (real-time) and daily AQI for stations, cities or any grouping.

Time convention: ``time`` is hour-ending China Standard Time. The value at
01:00 is the mean over 00:00-01:00; the natural day D (自然日) is the 24 values
labelled D 01:00 .. D+1 00:00 (CNEMC labels 1..24; label 0 of D+1 closes D).

Validity (GB 3095-2012/2026 Table 4, HJ 663 §6.1.2; table ``air_validity``):
a daily mean needs at least 20 valid hours; an O3 8-h moving mean at least 6
valid hours of its 8; the O3 daily maximum 8-h mean (MDA8) uses the windows
ending 08:00..24:00 of the day (all inside the day) and needs at least 14 valid
windows, unless fewer windows already give a maximum above the GB 3095 O3 8-h
limit (then the day is over the limit whatever the missing windows held).
The O3 daily maximum 1-h value needs the same 20 valid hours as a daily mean
(a documented choice: GB 3095 states no separate rule; ``min_hours_o3_1h``).
Invalid statistics are null; the ``n_*`` columns say how many hours or windows
were valid, so nothing is hidden.

Missing pollutants (``missing=``):

- ``"standard"`` (default): hourly HJ 633-2012 uses the pollutants available
  (what CNEMC published: reproduces 99.4 % of the published hours with a
  missing pollutant); daily HJ 633-2012 needs every indicator (a documented
  choice: the 2012 text has no rule); HJ 633-2026 §5.3.1, hourly and daily:
  with one pollutant missing the AQI of the others is published only when it
  is above 100, otherwise it is NA; with two or more missing it is NA.
- ``"available"``: the maximum over whatever is available.
- ``"complete"``: every indicator of the edition must be valid.

Editions (``edition="auto"``): each row is scored under the HJ 633 edition in
force on its natural day, with the breakpoints, rules and texts of that edition
chosen per row; rows are never split by edition and put back together.

Frames, memory and lazy input: the work is done on eager frames, station-hours
in groups of whole stations (about :data:`CHUNK_ROWS` rows; a station-day never
crosses a group; two groups are worked on at once, in threads), so the memory
beyond the input does not grow with the number of years. Hours in time order that
form a grid (every hour the same stations, in code order: as the package stores
them) are read as an array (day, hour, station) by the same arithmetic, instead of
being sorted by station; station days read in runs of whole days are put in station
order a few columns at a time, and group (city) days are averaged over runs of
whole dates of about :data:`CHUNK_ROWS` station days, so neither does the memory
beyond the station days. A LazyFrame gives a LazyFrame whose rows are computed when it is
collected: the input is then read group by group (slices of rows when each
station's rows are together in code order, as the package writes station-hours;
a filter on ``station`` per group otherwise, for which a Parquet scan skips the
row groups of other stations) and each group is checked as an eager frame would
be, with the rows numbered as in the whole frame, so a lazy input takes the same
path, gives the same rows and raises the same errors (when collected) as the
eager one. Its columns are those of an eager frame that spans both editions
(``iaqi_O3_1h`` of the ``strict`` method is there, null from 2026-03-01, even
when no row is before).

Row order: the statistics do not depend on the order of the rows given (hours
absent or out of order are completed and sorted by station-day first), and a
city's mean is taken over its stations in code order, so the same data give the
same floating-point values every run.
"""

from __future__ import annotations

import warnings
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from functools import cache, partial
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
from polars.io.plugins import register_io_source

from .. import standards, validation
from .._frames import Frame, finish, require_columns, require_dtype, to_lazy
from ..errors import IndicatorInputError, IndicatorWarning
from ..glossary import AIR_POLLUTANTS
from .aqi import (
    category_columns,
    concentration_expr,
    concrete_edition,
    iaqi_expr,
    level_expr,
    prerounding,
    special_rule,
)
from .evaluation import limit, round_reported, validity_threshold
from .methods import AirMethod
from .methods import method as air_method

__all__ = ["CHUNK_ROWS", "daily_aqi", "daily_concentrations", "hourly_aqi"]

#: Station-hours worked on at once (whole stations per group; tests set it lower), and
#: station days averaged to groups at once (whole dates).
CHUNK_ROWS = 1_000_000

#: Groups of station-hours worked on at once (threads).
_WORKERS = 2

_FAMILY = "HJ 633"
_MISSING_POLICIES = ("standard", "available", "complete")
_DAILY_MEAN_POLLUTANTS = ("SO2", "NO2", "PM10", "CO", "PM2.5")
_SOURCED = (*_DAILY_MEAN_POLLUTANTS, "O3_MDA8")
_DAILY_STATS = (*_DAILY_MEAN_POLLUTANTS, "O3_1h_max", "O3_MDA8")
_ED = "__edition"  # per-row index into standards.EDITIONS["HJ 633"]
_ROW = "__row"  # 0-based row of a lazy input, for messages
_MEMBER = "__member"  # True: the station day counts in its group (a non-background station)


@cache
def _standard_missing_policy(edition: str, report: str) -> str:
    """The missing-pollutant policy of ``edition`` (table ``air_aqi_missing_rules``)."""
    rows = standards.table("air_aqi_missing_rules").filter(standard=edition, report=report)
    if rows.height != 1:
        raise IndicatorInputError(
            "no missing-pollutant rule in the standards table",
            file="air_aqi_missing_rules",
            column="standard",
            expected=f"one row for {edition} {report}",
            found=rows.height,
        )
    return str(rows["policy"][0])


@cache
def _indicators(edition: str, report: str) -> tuple[tuple[str, str, str, str], ...]:
    """``(indicator, pollutant, source column, breakpoint table)`` rows of an edition."""
    rows = standards.table("air_aqi_indicators").filter(standard=edition, report=report)
    return tuple(rows.select("indicator", "pollutant", "source", "table").iter_rows())


def _day_and_label(time: pl.Expr, dtype: pl.DataType | None = None) -> tuple[pl.Expr, pl.Expr]:
    """The natural day of an hour-ending time and its CNEMC label 1..24.

    For a naive ``dtype`` the label is integer arithmetic on the time since its
    day began (the same numbers as ``dt.hour() + 1``, at half the cost).
    """
    shifted = time - pl.duration(hours=1)
    day = shifted.dt.date()
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is None:
        hour = validation.UNITS_PER_HOUR[dtype.time_unit]
        since = shifted.cast(pl.Int64) - day.cast(pl.Int64) * (24 * hour)
        label = since // hour + 1
    else:
        label = shifted.dt.hour() + 1
    return day.alias("date"), label.cast(pl.Int8).alias("label")


def _hour_day() -> pl.Expr:
    """The natural day of an hour-ending ``time``."""
    return (pl.col("time") - pl.duration(hours=1)).dt.date()


# --------------------------------------------------------------------------- AQI columns


@dataclass(frozen=True)
class _AqiExprs:
    """The AQI columns of one edition, as expressions (each stage reads the earlier ones)."""

    edition: str
    prepared: dict[str, pl.Expr]  # temporary column -> concentration the IAQIs read
    iaqi: dict[str, pl.Expr]  # column -> expression, in the edition's order
    capped: pl.Expr
    aqi: pl.Expr
    n_indicators: pl.Expr
    level: pl.Expr
    categories: list[pl.Expr]
    primary: pl.Expr


def _edition_exprs(
    edition: str, report: str, missing: str, prof: AirMethod | None, schema: pl.Schema
) -> _AqiExprs:
    """The expressions of the iaqi_*, aqi, level, category and primary pollutant columns."""
    with_24h = frozenset(c for c in schema if c.endswith("_24h"))
    return _edition_exprs_of(edition, report, missing, prof, with_24h)


@cache
def _edition_exprs_of(
    edition: str, report: str, missing: str, prof: AirMethod | None, schema: frozenset[str]
) -> _AqiExprs:
    every = _indicators(edition, report)
    inds = every
    if prof is not None and not prof.o3_1h_in_daily_aqi and report == "daily":
        inds = tuple(row for row in every if not (row[1] == "O3" and row[3] == "1h"))
    prepared: dict[str, pl.Expr] = {}

    def iaqi(src: str, pol: str, tab: str, capped: bool = False) -> pl.Expr:
        # each concentration is prepared once, as a column (the formula reads it many times)
        name = f"__c_{src}_{prerounding(edition, pol)}"
        prepared[name] = concentration_expr(pl.col(src), pol, edition)
        return iaqi_expr(pl.col(name), pol, tab, edition, capped=capped, prepared=True)

    iaqis: dict[str, pl.Expr] = {}
    undetermined: list[pl.Expr] = []
    for ind, pol, src, tab in inds:
        expr, unknown = _special_iaqi(iaqi, edition, every, schema, (pol, src, tab))
        iaqis[f"iaqi_{ind}"] = expr
        undetermined += unknown
    capped = pl.any_horizontal([iaqi(src, pol, tab, capped=True) for _, pol, src, tab in inds])
    # pollutants (not indicators) missing: O3 counts once even with two indicators
    pollutant_cols: dict[str, list[pl.Expr]] = {}
    for ind, pol, *_ in inds:
        pollutant_cols.setdefault(pol, []).append(pl.col(f"iaqi_{ind}"))
    policy = _standard_missing_policy(edition, report) if missing == "standard" else missing
    aqi = _policy_aqi(policy, pollutant_cols, edition)
    if undetermined:
        aqi = pl.when(pl.any_horizontal(undetermined).fill_null(False)).then(None).otherwise(aqi)
    cols = [c for cs in pollutant_cols.values() for c in cs]
    return _AqiExprs(
        edition=edition,
        prepared=prepared,
        iaqi=iaqis,
        capped=capped,
        aqi=aqi.cast(pl.Int64),
        n_indicators=pl.sum_horizontal([c.is_not_null().cast(pl.Int8) for c in cols]).cast(pl.Int8),
        level=level_expr(pl.col("aqi"), edition),
        categories=category_columns(pl.col("level"), edition),
        primary=_primary_expr(pollutant_cols, edition),
    )


def _special_iaqi(
    iaqi: Callable[..., pl.Expr],
    edition: str,
    every: tuple[tuple[str, str, str, str], ...],
    schema: frozenset[str],
    indicator: tuple[str, str, str],
) -> tuple[pl.Expr, list[pl.Expr]]:
    """An indicator's IAQI with its edition's special rule; the rows it leaves undetermined."""
    pol, src, tab = indicator
    expr = iaqi(src, pol, tab)
    rule = special_rule(edition, pol, tab)
    if rule is None:
        return expr, []
    above = pl.col(src) > rule["above"]
    if rule["action"] == "use_24h":
        if f"{src}_24h" not in schema:  # no 24-h value: the IAQI, hence the AQI, is unknown
            return expr, [above]
        return pl.when(above).then(iaqi(f"{src}_24h", pol, "24h")).otherwise(expr), []
    if rule["action"] == "use_1h":
        # 2012 note 3 scores MDA8 > 800 by the 1-h value, counted or not
        one_h = next((s for _, p, s, t in every if p == pol and t == "1h"), None)
        if one_h is not None:
            return pl.when(above).then(iaqi(one_h, pol, "1h")).otherwise(expr), []
    return expr, []


def _category_bound(edition: str, level: int) -> int:
    """The upper AQI of category ``level`` of an HJ 633 edition."""
    table = standards.table("air_aqi_categories")
    return int(table.filter(standard=edition, level=level)["aqi_hi"][0])


def _policy_aqi(policy: str, pollutant_cols: dict[str, list[pl.Expr]], edition: str) -> pl.Expr:
    """The AQI (maximum IAQI) under a missing-pollutant policy (module docstring)."""
    cols = [c for cs in pollutant_cols.values() for c in cs]
    raw = pl.max_horizontal(cols)
    if policy == "available":
        return raw
    if policy == "complete":
        n_valid = pl.sum_horizontal([c.is_not_null().cast(pl.Int8) for c in cols])
        return pl.when(n_valid == len(cols)).then(raw)
    # one_missing_over_100: HJ 633-2026 §5.3.1
    n_missing = pl.sum_horizontal(
        [
            pl.all_horizontal([c.is_null() for c in cs]).cast(pl.Int8)
            for cs in pollutant_cols.values()
        ]
    )
    cut = _category_bound(edition, 2)
    return pl.when(n_missing == 0).then(raw).when((n_missing == 1) & (raw > cut)).then(raw)


def _primary_expr(pollutant_cols: dict[str, list[pl.Expr]], edition: str) -> pl.Expr:
    """The pollutants whose IAQI is the AQI (above level 1), ';'-joined, or null.

    As bits: the names come from a table of every combination (a third of the cost of
    joining texts per row).
    """
    first_level = _category_bound(edition, 1)
    bits = pl.sum_horizontal(
        pl.when(pl.any_horizontal([c == pl.col("aqi") for c in cs]) & (pl.col("aqi") > first_level))
        .then(pl.lit(1 << k, dtype=pl.Int64))
        .otherwise(pl.lit(0, dtype=pl.Int64))
        for k, cs in enumerate(pollutant_cols.values())
    )
    pollutants = list(pollutant_cols)
    texts = [
        ";".join(p for k, p in enumerate(pollutants) if mask >> k & 1) or None
        for mask in range(1 << len(pollutants))
    ]
    return pl.lit(pl.Series(texts, dtype=pl.String)).gather(bits)


def _iaqi_names(edition: str, report: str, prof: AirMethod | None) -> list[str]:
    inds = _indicators(edition, report)
    if prof is not None and not prof.o3_1h_in_daily_aqi and report == "daily":
        inds = tuple(row for row in inds if not (row[1] == "O3" and row[3] == "1h"))
    return [f"iaqi_{ind}" for ind, *_ in inds]


def _aqi_names(edition: str, report: str, prof: AirMethod | None) -> list[str]:
    """The columns :func:`_add_aqi` adds for one edition, in order."""
    return [
        *_iaqi_names(edition, report, prof),
        "aqi_capped",
        "aqi",
        "n_indicators",
        "level",
        "category",
        "category_en",
        "colour",
        "primary_pollutant",
        "edition",
        *(["method"] if prof is not None else []),
    ]


def _by_row(exprs: dict[int, pl.Expr], n_editions: int) -> pl.Expr:
    """``exprs[edition index of the row]`` (null for a row of another edition).

    One expression when each of the ``n_editions`` editions of the rows has the
    same one (e.g. the category texts).
    """
    items = list(exprs.items())
    first = items[0][1]
    if len(items) == n_editions and all(e.meta.eq(first) for _, e in items[1:]):
        return first
    out = pl.when(pl.col(_ED) == items[0][0]).then(first)
    for i, e in items[1:]:
        out = out.when(pl.col(_ED) == i).then(e)
    return out


@cache
def _edition_list() -> tuple[str, ...]:
    return tuple(standards.edition_names(_FAMILY))


def _edition_index(day: pl.Expr) -> pl.Expr:
    """Int8 index (into the HJ 633 editions) of the edition in force on ``day``.

    The same rule as :func:`indicators.standards.edition_expr` (dates before the
    first edition get the first one; a null day gets the newest).
    """
    eds = standards.EDITIONS[_FAMILY]
    expr = pl.when(day < pl.lit(eds[0].valid_from)).then(pl.lit(0, dtype=pl.Int8))
    for i, ed in enumerate(eds[:-1]):
        expr = expr.when(day <= pl.lit(ed.valid_to)).then(pl.lit(i, dtype=pl.Int8))
    return expr.otherwise(pl.lit(len(eds) - 1, dtype=pl.Int8))


def _editions_in(frame: pl.DataFrame, day: pl.Expr) -> list[str]:
    """The HJ 633 editions in force on the rows of ``frame`` (a range: editions are periods)."""
    if frame.height == 0:
        return []
    index = frame.select(_edition_index(day).alias("i"))["i"]
    lo, hi = index.min(), index.max()
    return list(_edition_list()[lo : hi + 1])


def _aqi_columns(
    editions: Sequence[str], report: str, prof: AirMethod | None, schema: pl.Schema
) -> list[str]:
    """The AQI columns (after the input's) of rows scored under ``editions``.

    One edition: its columns. More (or none: an empty frame), every edition's, in
    edition order, as the rows of several editions put together would have.
    """
    names = list(editions) if len(editions) == 1 else list(_edition_list())
    out = [c for name in names for c in _aqi_names(name, report, prof)]
    return [c for c in dict.fromkeys(out) if c not in schema]


def _add_aqi(
    lf: pl.LazyFrame,
    editions: Sequence[str],
    report: str,
    missing: str,
    prof: AirMethod | None,
    day: pl.Expr,
) -> pl.LazyFrame:
    """Add iaqi_*, aqi, level, category, colour, primary pollutant under ``editions``.

    ``editions`` are the editions of the rows (one: every row under it; several:
    each row under the one in force on its ``day``, breakpoints and rules chosen
    per row).
    """
    schema = lf.collect_schema()
    exprs = {
        i: _edition_exprs(name, report, missing, prof, schema)
        for i, name in enumerate(_edition_list())
        if name in editions or len(editions) == 0
    }
    lf = lf.with_columns(
        x.alias(c) for c, x in {c: x for e in exprs.values() for c, x in e.prepared.items()}.items()
    )
    if len(exprs) == 1:
        (e,) = exprs.values()
        lf = (
            lf.with_columns(*[x.alias(c) for c, x in e.iaqi.items()], aqi_capped=e.capped)
            .with_columns(aqi=e.aqi, n_indicators=e.n_indicators)
            .with_columns(level=e.level)
            .with_columns(*e.categories)
            .with_columns(primary_pollutant=e.primary, edition=pl.lit(e.edition))
        )
    else:
        iaqi_cols = dict.fromkeys(c for e in exprs.values() for c in e.iaqi)
        n = len(exprs)
        lf = (
            lf.with_columns(_edition_index(day).alias(_ED))
            .with_columns(
                *[
                    _by_row({i: e.iaqi[c] for i, e in exprs.items() if c in e.iaqi}, n).alias(c)
                    for c in iaqi_cols
                ],
                aqi_capped=_by_row({i: e.capped for i, e in exprs.items()}, n),
            )
            .with_columns(
                aqi=_by_row({i: e.aqi for i, e in exprs.items()}, n),
                n_indicators=_by_row({i: e.n_indicators for i, e in exprs.items()}, n),
            )
            .with_columns(level=_by_row({i: e.level for i, e in exprs.items()}, n))
            .with_columns(
                _by_row({i: e.categories[k] for i, e in exprs.items()}, n).alias(name)
                for k, name in enumerate(("category", "category_en", "colour"))
            )
            .with_columns(
                primary_pollutant=_by_row({i: e.primary for i, e in exprs.items()}, n),
                edition=_by_row({i: pl.lit(e.edition) for i, e in exprs.items()}, n),
            )
            .drop(_ED)
        )
    if prof is not None:
        lf = lf.with_columns(method=pl.lit(prof.name))
    return lf.select(*schema, *_aqi_columns(editions, report, prof, schema))


def _check_policy(edition: str, missing: str) -> None:
    standards.resolve_edition(_FAMILY, edition)
    if missing not in _MISSING_POLICIES:
        raise IndicatorInputError(
            "unknown missing-pollutant policy",
            column="missing",
            expected=f"one of {list(_MISSING_POLICIES)}",
            found=missing,
        )


def _with_aqi(
    frame: pl.DataFrame,
    edition: str,
    report: str,
    missing: str,
    day: pl.Expr,
    prof: AirMethod | None = None,
) -> pl.DataFrame:
    """``frame`` with the AQI columns under ``edition`` (``auto``: the edition of each row)."""
    editions = [concrete_edition(edition)] if edition != "auto" else _editions_in(frame, day)
    return _add_aqi(frame.lazy(), editions, report, missing, prof, day).collect()


# --------------------------------------------------------------------------- input checks


def _check_hourly_schema(schema: pl.Schema, name: str) -> None:
    """Columns and types of tidy station-hours (raised at the call, lazy input too)."""
    require_columns(schema, ["station", "time", *AIR_POLLUTANTS], name=name)
    require_dtype(
        schema,
        "time",
        pl.Datetime,
        name=name,
        message="time must be a datetime (hour-ending, China Standard Time)",
        expected="polars Datetime",
    )
    if schema["time"].time_zone not in (None, "Asia/Shanghai"):
        raise IndicatorInputError(
            "time must be China Standard Time (naive or Asia/Shanghai)",
            file=name,
            column="time",
            expected="naive Datetime or time zone Asia/Shanghai",
            found=str(schema["time"]),
        )


def _check_hourly_values(
    df: pl.DataFrame,
    name: str,
    rows: pl.Series | Sequence[int] | None = None,
    warn: bool = True,
    messages: list[str] | None = None,
) -> pl.Expr | None:
    """The validation boundary on the values: negative values, plausibility bounds, hour grid.

    ``warn``: warn of values outside the soft band (False: the caller does, and gets
    their rows' mask); ``messages``: the warning's text put there instead
    (:func:`validation.check_bounds`).
    """
    quantities = validation.column_quantities(df.columns)
    band = validation.check_bounds(
        df, quantities, file=name, rows=rows, warn=warn, messages=messages
    )
    validation.check_hour_grid(df, "time", file=name, rows=rows)
    return band


class _Hours:
    """Station-hours read in groups of whole stations (or of rows), checked as one frame.

    Eager frames are checked once, whole, then cut. Lazy frames are read group by
    group and each group is checked with the rows numbered as in the whole frame;
    the soft-band warning is given once at the end for the whole frame, and on an
    error the whole frame is checked as an eager one would be, so that the error
    names the same (first) row.
    """

    def __init__(self, hourly: pl.DataFrame | pl.LazyFrame, name: str, columns: list[str]):
        self.name = name
        self.columns = columns
        self.lazy = isinstance(hourly, pl.LazyFrame)
        self.source = hourly
        self.height = 0
        self.first_time = None
        self.by_days = False  # groups of whole days (a frame sorted by time)
        self.checked_whole = False  # the whole frame checked (after an error in a group)
        self._whole_check: Future[None] | None = None  # an eager frame's check, running
        self._messages: list[str] = []  # its soft-band warning, given by warn()
        self._flagged: list[pl.DataFrame] = []

    # -- the whole frame, eager
    def whole(self) -> pl.DataFrame:
        if self.lazy:
            return self.source.select(self.columns).collect()
        return self.source.select(self.columns)

    def check_whole(self, unique: bool) -> None:
        """Raise the error of the first bad (or, ``unique``, repeated) row of the whole frame."""
        self.checked_whole = True
        df = self.whole()
        # an eager frame was checked whole, and warned of, first
        _check_hourly_values(df, self.name, warn=self.lazy)
        if unique:
            validation.check_unique(df, ["station", "time"], file=self.name, what="station-hour")

    def _eager(self, df: pl.DataFrame) -> pl.DataFrame:
        _check_hourly_values(df, self.name)
        self.height, self.first_time = df.height, df["time"].min()
        return df

    # -- groups
    def station_groups(self) -> Iterator[tuple[pl.DataFrame, Callable[[], pl.DataFrame]]]:
        """Groups of whole station-days: of whole stations, or of whole days.

        Eager frames and lazy frames sorted by station give groups of whole stations
        in station order (a missing station code first); a lazy frame sorted by time
        (as the package stores station-hours) gives groups of whole natural days
        (:attr:`by_days` is then True). Each group comes with the call that checks it
        (with the rows numbered as in the whole frame; an eager frame is checked whole
        first), to be made before its hours are used, in any thread; :meth:`warn` once
        every group is checked.
        """
        if not self.lazy:  # checked whole, beside the first groups' work (see :meth:`warn`)
            df = self.source.select(self.columns)
            self.height, self.first_time = df.height, df.get_column("time").min()
            checker = ThreadPoolExecutor(1)
            check = partial(_check_hourly_values, df, self.name, messages=self._messages)
            self._whole_check = checker.submit(check)
            checker.shutdown(wait=False)
            if df.height <= CHUNK_ROWS:
                groups: Iterator[pl.DataFrame] = iter([df])
            elif _time_sorted(df) and not df.get_column("station").is_sorted():
                self.by_days = True
                groups = _eager_day_groups(df)
            else:
                groups = _eager_station_groups(df)
            for group in groups:
                yield group, partial(_as_is, group)
            return
        n = self.source.select(pl.len()).collect().item()
        if n <= CHUNK_ROWS:
            df = self.source.select(self.columns).collect()
            self.height, self.first_time = df.height, df.get_column("time").min()
            yield df, partial(self._checked, df, 0)
            return
        info = self._layout()
        self.first_time, self.height = info["first"], n
        if info["time_order"] or info["station_order"]:
            self.by_days = info["time_order"]
            parts = self._streamed("time" if self.by_days else "station")
        else:  # a filter per group (a Parquet scan skips the row groups of other stations)
            numbered = self.source.select(self.columns).with_row_index(_ROW)
            runs = _runs(self.source, "station")
            picks = (_station_pick(group) for _, _, group in _chunk_runs(*runs))
            parts = ((numbered.filter(pick).collect(), None) for pick in picks)
        for part, offset in parts:
            yield part, partial(self._checked, part, offset)

    def _layout(self) -> dict[str, Any]:
        """How a lazy frame's rows lie: sorted by time or by station, and its first time.

        The time column is read first (integers: cheap); the station codes only when
        the rows are not in time order.
        """
        code, time = pl.col("station"), pl.col("time")
        layout = (
            self.source.select(
                ((time >= time.shift(1)).fill_null(True).all() & (time.null_count() == 0)).alias(
                    "time_order"
                ),
                time.min().alias("first"),
            )
            .collect()
            .row(0, named=True)
        )
        layout["station_order"] = False
        if not layout["time_order"]:
            in_order = (code >= code.shift(1)).fill_null(True).all() & (code.null_count() == 0)
            layout["station_order"] = self.source.select(in_order).collect().item()
        return layout

    def _streamed(self, key: str) -> Iterator[tuple[pl.DataFrame, int]]:
        """Groups of whole days (``key`` "time") or stations of a lazy frame sorted by it.

        The frame is read once, in batches of about :data:`CHUNK_ROWS` rows (polars'
        streaming engine decodes the next batches while the groups are worked on);
        each group is the rows read so far up to the first row of the last day or
        station among them, which may go on in the next batch. The groups' rows are
        contiguous in the frame, so they keep the numbers of the whole frame.
        """
        zone = self.source.collect_schema()["time"].time_zone
        zone = ZoneInfo(zone) if zone else None
        batches = self.source.select(self.columns).collect_batches(chunk_size=CHUNK_ROWS)
        held: pl.DataFrame | None = None
        start = 0
        for batch in batches:
            held = batch if held is None else pl.concat([held, batch], rechunk=False)
            column = held.get_column(key)
            last = column[-1]
            if key == "time":  # the first hour of the last row's natural day
                last = datetime.combine((last - timedelta(hours=1)).date(), dt_time(1), zone)
            cut = int(column.search_sorted(last, side="left"))
            if cut == 0 or (cut < CHUNK_ROWS // 2 and held.height < 2 * CHUNK_ROWS):
                continue  # mostly rows of the last key, which may go on: read on
            yield held.slice(0, cut), start
            held, start = held.slice(cut), start + cut
        if held is not None and held.height:
            yield held, start

    def row_slices(self) -> Iterator[pl.DataFrame]:
        """The rows in order, in slices (hourly AQI: each row on its own)."""
        if not self.lazy:
            yield self._eager(self.source)
            return
        n = self.source.select(pl.len()).collect().item()
        if n <= CHUNK_ROWS:
            yield self._eager(self.source.collect())
            return
        for offset in range(0, n, CHUNK_ROWS):
            yield self._checked(self.source.slice(offset, CHUNK_ROWS).collect(), offset)
        self.warn()

    def _checked(self, part: pl.DataFrame, offset: int | None = None) -> pl.DataFrame:
        """A group, checked with the rows numbered as in the whole frame (see :meth:`warn`)."""
        rows: pl.Series | range
        if offset is None:
            rows = part[_ROW] + 1
            part = part.drop(_ROW)
        else:  # (a range: the numbers are only looked up for a row named or flagged)
            rows = range(offset + 1, offset + part.height + 1)
        try:  # (no warnings.catch_warnings: groups are checked in threads)
            band = _check_hourly_values(part, self.name, rows, warn=False)
        except IndicatorInputError:
            self.check_whole(unique=False)
            raise
        if band is not None:  # (the few rows taken by their positions: a filter copies more)
            at = part.select(band.arg_true()).to_series()
            if len(at):
                numbers = (
                    rows.gather(at)
                    if isinstance(rows, pl.Series)
                    else at.cast(pl.Int64) + rows.start
                )
                self._flagged.append(part[at].with_columns(numbers.alias(_ROW)))
        return part

    def wait_check(self) -> None:
        """Wait for an eager frame's check: give its warning, raise its error, if any."""
        if self._whole_check is None:
            return
        check, self._whole_check = self._whole_check, None
        try:
            check.result()
        finally:  # the warning before the error, as a check in this thread gives them
            for message in self._messages:
                warnings.warn(message, IndicatorWarning, stacklevel=3)
            self._messages = []

    def warn(self) -> None:
        """The whole frame's soft-band warning, from the flagged rows of every group.

        An eager frame's: its check's, or its error (the check ran beside the groups'
        work; none of their results is given before this).
        """
        self.wait_check()
        if not self._flagged:
            return
        rows = pl.concat(self._flagged).sort(_ROW)
        self._flagged = []
        values = rows.drop(_ROW)
        quantities = validation.column_quantities(values.columns)
        validation.check_bounds(values, quantities, file=self.name, rows=rows[_ROW])


def _as_is(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (a group of a frame checked whole already)."""
    return frame


def _station_pick(codes: list[Any], column: str = "station") -> pl.Expr:
    """Rows of the stations ``codes`` (a run of the sorted codes; None: no code).

    The same for a run of the sorted values of another ``column`` (e.g. dates).
    """
    named = [c for c in codes if c is not None]
    pick = pl.col(column).is_null() if len(named) < len(codes) else pl.lit(False)
    if named:
        pick = pick | pl.col(column).is_between(pl.lit(named[0]), pl.lit(named[-1]))
    return pick


def _chunk_runs(
    codes: list[Any], sizes: list[int], most: int | None = None
) -> Iterator[tuple[int, int, list[Any]]]:
    """``(first row, rows, keys)`` of runs of consecutive keys of about ``most`` rows.

    ``codes`` are the keys in row order (station codes or days) and ``sizes`` their
    rows; a key is never split, so a run of one key may exceed ``most`` (default
    :data:`CHUNK_ROWS`).
    """
    most = CHUNK_ROWS if most is None else most
    start = k = 0
    while k < len(sizes):
        j, rows = k + 1, sizes[k]
        while j < len(sizes) and rows + sizes[j] <= most:
            rows += sizes[j]
            j += 1
        yield start, rows, codes[k:j]
        start, k = start + rows, j


def _eager_station_groups(df: pl.DataFrame) -> Iterator[pl.DataFrame]:
    """Groups of whole stations of an eager frame, in station order (no code first)."""
    # (a group_by on the codes would cost more memory than a group of hours)
    stations = df.get_column("station")
    if stations.null_count() == 0 and stations.is_sorted():
        # marked sorted, so that each group's own checks of the order are free
        yield from _sorted_station_slices(df.with_columns(stations.set_sorted()))
        return
    counts = stations.value_counts(name="n").sort("station", nulls_last=False)
    for _, _, group in _chunk_runs(counts["station"].to_list(), counts["n"].to_list()):
        yield df.filter(_station_pick(group))


def _sorted_station_slices(df: pl.DataFrame) -> Iterator[pl.DataFrame]:
    """Slices of whole stations of a frame sorted by station code, as :func:`_chunk_runs`.

    Each slice ends where the station of its row :data:`CHUNK_ROWS` on begins (one
    binary search: the codes are not read), or after its one station when that alone
    is longer.
    """
    stations = df.get_column("station")
    start = 0
    while start < df.height:
        end = start + CHUNK_ROWS
        if end < df.height:
            code = stations[end]
            end = int(stations.search_sorted(code, side="left"))
            if end <= start:  # one station of more than CHUNK_ROWS rows
                end = int(stations.search_sorted(code, side="right"))
        yield df.slice(start, end - start)
        start = end


def _time_sorted(df: pl.DataFrame) -> bool:
    """Whether the rows are in time order (as the package stores station-hours)."""
    time = df.get_column("time")
    return time.null_count() == 0 and time.is_sorted()


def _code_ranks(station: pl.Series) -> pl.Series:
    """Each row's station code as its rank in the sorted codes (null: no code).

    Sorting by these integers costs a half to a fifth of sorting by the texts.
    """
    codes = station.unique().drop_nulls().sort()
    return station.cast(pl.Enum(codes)).to_physical()


def _by_station(hours: pl.DataFrame) -> pl.DataFrame:
    """Hours in time order, put in station then time order (a missing code first).

    A stable sort on each code's rank (:func:`_code_ranks`): the rows of a station
    keep their time order.
    """
    index = _code_ranks(hours.get_column("station"))
    return hours.sort(index, maintain_order=True, nulls_last=False)


def _runs(frame: pl.DataFrame | pl.LazyFrame, key: str) -> tuple[list[Any], list[int]]:
    """Keys in order and their rows: ``"station"`` codes, or the natural ``"date"`` of hours.

    The runs of a frame sorted by the key (value_counts, sorted: polars' rle panics on a
    lazy frame of several chunks).
    """
    lf = frame.lazy()
    if key == "date":
        expr, _ = _day_and_label(pl.col("time"), lf.collect_schema()["time"])
    else:
        expr = pl.col(key)
    runs = lf.select(expr.value_counts(name="len")).collect().to_series().struct.unnest()
    runs = runs.sort(key, nulls_last=False)
    return runs[key].to_list(), runs["len"].to_list()


def _eager_day_groups(df: pl.DataFrame) -> Iterator[pl.DataFrame]:
    """Groups of whole natural days of an eager frame in time order."""
    for start, rows, _ in _chunk_runs(*_runs(df, "date")):
        yield df.slice(start, rows)


# --------------------------------------------------------------------------- lazy results


def _conform(frame: pl.DataFrame, schema: pl.Schema) -> pl.DataFrame:
    """``frame`` with exactly ``schema``'s columns (absent ones null), in its order."""
    if frame.schema == schema:
        return frame
    return frame.select(
        (pl.col(c).cast(t) if c in frame.columns else pl.lit(None, dtype=t)).alias(c)
        for c, t in schema.items()
    )


def _deferred(produce: Callable[[], Iterator[pl.DataFrame]], schema: pl.Schema) -> pl.LazyFrame:
    """A LazyFrame of ``schema`` whose rows ``produce`` computes when it is collected."""

    def source(
        with_columns: list[str] | None,
        predicate: pl.Expr | None,
        n_rows: int | None,
        _batch_size: int | None,
    ) -> Iterator[pl.DataFrame]:
        left = n_rows
        for part in produce():
            part = _conform(part, schema)
            if predicate is not None:
                part = part.filter(predicate)
            if with_columns is not None:
                part = part.select(with_columns)
            if left is not None:
                part = part.head(left)
                left -= part.height
            yield part
            if left is not None and left <= 0:
                return

    # pure: a plan that reads the result twice (e.g. collect_all of two queries on it)
    # computes it once
    return register_io_source(source, schema=schema, is_pure=True, explain_name="indicators.air")


def _empty(schema: pl.Schema) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


_SCHEMAS: dict[tuple, pl.Schema] = {}


def _result_schema(key: tuple, compute: Callable[[], pl.DataFrame]) -> pl.Schema:
    """The schema of a lazy result: ``compute()`` (the work on no rows), once per ``key``."""
    if key not in _SCHEMAS:
        if len(_SCHEMAS) > 256:
            _SCHEMAS.clear()
        _SCHEMAS[key] = compute().schema
    return _SCHEMAS[key]


# --------------------------------------------------------------------------- hourly AQI


def hourly_aqi(hourly: Frame, *, edition: str = "auto", missing: str = "standard") -> Frame:
    """Real-time (hourly) AQI of each row, as published.

    HJ 633-2012 §5.1.3 as CNEMC publishes it: the 1-h values of SO2, NO2, CO and
    O3 on the 1-h breakpoints and the 1-h PM10 and PM2.5 values on the 24-h
    breakpoints (reproduces the published hourly AQI of 2019 in 99.96 % of
    station-hours), SO2 1-h above 800 scored from a ``SO2_24h`` column when the
    frame has one (Table 1 note 2). HJ 633-2026 §4.2.3: the 1-h means of the six
    pollutants, PM against the daily breakpoints, after GB/T 8170 pre-rounding.

    Parameters
    ----------
    hourly : polars or pandas frame
        Tidy station-hours (``station``, ``time`` hour-ending, the six pollutants
        in µg/m³, CO in mg/m³). Any other columns are kept.
    edition : {"auto", "HJ 633-2012", "HJ 633-2026"}
        ``auto``: the edition in force on the natural day of each hour.
    missing : {"standard", "available", "complete"}
        Missing-pollutant policy (module docstring).

    Returns
    -------
    Frame
        The input with ``iaqi_<pollutant>``, ``aqi``, ``n_indicators``, ``level``,
        ``category``, ``category_en``, ``colour``, ``primary_pollutant`` (';'-joined,
        null when AQI <= 50), ``edition`` and ``aqi_capped`` added. A LazyFrame
        for a LazyFrame (computed, in slices of rows, when collected).

    Examples
    --------
    >>> from datetime import datetime
    >>> h = pl.DataFrame({"station": ["1001A"], "time": [datetime(2019, 1, 1, 0)],
    ...     "SO2": [15.0], "NO2": [75.0], "PM10": [76.0], "CO": [1.2], "O3": [None],
    ...     "PM2.5": [53.0]})
    >>> hourly_aqi(h, edition="HJ 633-2012").select("aqi", "primary_pollutant").row(0)
    (73, 'PM2.5')
    """
    lf, was_lazy = to_lazy(hourly, name="hourly")
    schema = lf.collect_schema()
    _check_hourly_schema(schema, "hourly")
    _check_policy(edition, missing)

    def score(frame: pl.DataFrame) -> pl.DataFrame:
        return _with_aqi(frame, edition, "hourly", missing, _hour_day())

    hours = _Hours(lf if was_lazy else lf.collect(), "hourly", list(schema))
    if not was_lazy:
        return finish(score(next(hours.row_slices())), was_lazy)
    key = ("hourly", tuple(schema.items()), edition, missing)
    out_schema = _result_schema(key, lambda: score(_empty(schema)))
    return _deferred(lambda: map(score, hours.row_slices()), out_schema)


# --------------------------------------------------------------------------- station days


def _complete_station_days(lf: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    """Add null rows for absent hour labels of station-days that have some data.

    The O3 8-h windows are positional after this, so an hour absent from the
    file counts as a missing hour, as the standard wants.
    """
    labels = pl.LazyFrame({"label": pl.Series(range(1, 25), dtype=pl.Int8)})
    sizes = lf.group_by(keys).agg(pl.len().alias("_n")).filter(pl.col("_n") < 24)
    absent = (
        sizes.drop("_n")
        .join(labels, how="cross")
        .join(lf.select(*keys, "label"), on=[*keys, "label"], how="anti", nulls_equal=True)
    )
    return pl.concat([lf, absent], how="diagonal_relaxed")


def _first_hours(times: pl.Series) -> bool:
    """Whether every time is the first hour of its natural day (label 1, 01:00)."""
    _, label = _day_and_label(pl.col("time"), times.dtype)
    return bool(times.alias("time").to_frame().select((label == 1).all()).item())


def _whole_days_in_order(hours: pl.DataFrame) -> bool:
    """Whether the rows are whole station-days in station and time order (24 rows a day).

    Blocks of 24 rows: each a station's hours labelled 1..24 of one natural day, in
    hour order; the stations sorted by code (a station's days contiguous), the days
    of a station rising. Such rows cannot repeat a station-hour, and the day
    statistics can read them positionally as they are. Integer arithmetic on the
    times (one pass), then the blocks' first and last rows only.
    """
    n = hours.height
    station, time = hours.get_column("station"), hours.get_column("time")
    if n == 0 or n % 24 or station.null_count() or time.null_count() or not station.is_sorted():
        return False
    unit = validation.UNITS_PER_HOUR[time.dtype.time_unit]
    stamps = time.to_physical().to_numpy().reshape(-1, 24)
    if not (stamps - stamps[:, :1] == np.arange(24) * unit).all():
        return False  # not 24 consecutive hours in order
    if not _first_hours(time.gather_every(24)):
        return False  # a block does not begin at the day's first hour
    codes, ends = station.gather_every(24), station.gather_every(24, offset=23)
    if not (codes == ends).all():
        return False  # a block of two stations
    same = (codes.slice(1) == codes.slice(0, len(codes) - 1)).to_numpy()
    rising = stamps[1:, 0] > stamps[:-1, 23]
    return bool((rising | ~same).all())


def _published(schema: pl.Schema, use: bool) -> dict[str, str]:
    """Statistic -> CNEMC published column present in ``schema`` (none unless ``use``)."""
    if not use:
        return {}
    wanted = {p: f"{p}_24h" for p in _DAILY_MEAN_POLLUTANTS} | {"O3_MDA8": "O3_8h_24h"}
    return {stat: col for stat, col in wanted.items() if col in schema}


def _non_negative(col: str) -> pl.Expr:
    # NaN is missing, not a valid value (negative values were rejected by the boundary)
    c = pl.col(col).cast(pl.Float64).fill_nan(None)
    return pl.when(c >= 0).then(c).alias(col)


def _o3_limit(day: pl.Expr) -> pl.Expr:
    """GB 3095 O3 8-h limit of the edition in force on each day [µg/m³]."""
    values = {ed.name: limit(ed.name, "O3", "daily_max_8h") for ed in standards.EDITIONS["GB 3095"]}
    return standards.by_edition("GB 3095", day, values)


@dataclass(frozen=True)
class _DayRules:
    """How station daily values are formed (the method and the validity thresholds)."""

    min_hours: int
    min_hours_o3_1h: int
    min_hours_o3_8h: int
    min_windows_mda8: int
    published: tuple[tuple[str, str], ...]  # statistic -> published column
    windows_published: bool
    basis: tuple[str, ...]

    @property
    def columns(self) -> list[str]:
        """Input columns the daily values read."""
        extra = [c for _, c in self.published] + (["O3_8h"] if self.windows_published else [])
        return ["station", "time", *AIR_POLLUTANTS, *extra, *self.basis]


def _day_rules(
    schema: pl.Schema,
    prof: AirMethod,
    min_hours: int | None,
    min_hours_o3_1h: int | None,
    min_hours_o3_8h: int | None,
    min_windows_mda8: int | None,
) -> _DayRules:
    min_hours = min_hours if min_hours is not None else validity_threshold("daily_mean")
    return _DayRules(
        min_hours=min_hours,
        min_hours_o3_1h=min_hours if min_hours_o3_1h is None else min_hours_o3_1h,
        min_hours_o3_8h=(
            min_hours_o3_8h if min_hours_o3_8h is not None else validity_threshold("o3_8h_mean")
        ),
        min_windows_mda8=(
            min_windows_mda8 if min_windows_mda8 is not None else validity_threshold("o3_mda8")
        ),
        published=tuple(_published(schema, prof.published_station_values).items()),
        windows_published=prof.published_station_values and "O3_8h" in schema,
        basis=("data_basis",) if "data_basis" in schema else (),
    )


def _in_data(hours: pl.DataFrame, first_date: date | None) -> pl.DataFrame:
    """The hours of the natural days from ``first_date`` on (the first date of the whole data).

    The hour labelled 0 of that date closes the day before it, which lies outside the
    data (its other hours were not read), so it is not a day of them.
    """
    if first_date is None:
        return hours.clear()
    zone = hours.schema["time"].time_zone
    start = datetime.combine(first_date, dt_time(1), ZoneInfo(zone) if zone else None)
    if hours.height and hours.get_column("time").min() < start:
        return hours.filter(pl.col("time") >= start)
    return hours


def _day_rows(hours: pl.DataFrame, rules: _DayRules) -> pl.DataFrame:
    """Station-hours as station-days of 24 rows in label order (absent hours null rows).

    Hours that are whole days in station and time order already (as the package
    stores a station's hours) are returned as they are; hours in time order are put
    in station order first; others are completed and sorted, with a ``date`` column.
    """
    if _time_sorted(hours) and not hours.get_column("station").is_sorted():
        hours = _by_station(hours)
    if _whole_days_in_order(hours):
        return hours
    # Whole days in order cannot repeat a station-hour (see _whole_days_in_order), so a
    # station-hour repeated anywhere (even after another station's rows) is caught here.
    validation.check_unique(hours, ["station", "time"], file="hourly", what="station-hour")
    date_e, label_e = _day_and_label(pl.col("time"), hours.schema["time"])
    keys = ["station", "date"]
    base = hours.lazy().select(*rules.columns, date_e, label_e)  # cleaned by _day_statistics
    # absent hours become null rows, so that every station-day is 24 rows in label order:
    # the O3 8-h windows are then positional, and the statistics do not depend on the
    # order of the rows given
    return _complete_station_days(base, keys).sort(*keys, "label").collect()


def _day_statistics(base: pl.DataFrame, rules: _DayRules) -> pl.DataFrame:
    """Per station-day: counts, means, maxima, closing-hour published values (one row a day).

    ``base``: station-days of 24 rows in label order (:func:`_day_rows`).
    """
    published = dict(rules.published)
    basis = list(rules.basis)
    extra = [*published.values(), *(["O3_8h"] if rules.windows_published else [])]
    hours = base.select(
        *[_non_negative(c) for c in (*AIR_POLLUTANTS, *extra)],
        pl.col("time").is_not_null().alias("_given"),
    ).rechunk()  # (each column is read into days of 24 several times: from one chunk)

    # rows contiguous per station-day, labels 1..24 in order: a day is 24 rows, so counts,
    # sums, maxima and the closing hour are read from the rows reshaped 24 to a day. A mean
    # is the sum of the day's valid hours in hour order over their number: the same value
    # whatever the frame around the day (a group_by's mean depends on the frame's size).
    # Invalid hours are zeros in the sums and -inf in the maxima, which change neither.
    def per_day(expr: pl.Expr) -> pl.Expr:
        return expr.reshape((-1, 24))

    def count(expr: pl.Expr) -> pl.Expr:
        return per_day(expr).arr.sum().cast(pl.Int32)

    counted = hours.select(
        *[count(pl.col(p).is_not_null()).alias(f"n_{p}") for p in _DAILY_MEAN_POLLUTANTS],
        *[
            per_day(pl.col(p).fill_null(0.0)).arr.sum().alias(f"_{p}")
            for p in _DAILY_MEAN_POLLUTANTS
        ],
        *[
            pl.col(col).gather_every(24, offset=23).alias(f"_pub_{stat}")
            for stat, col in published.items()
        ],
        per_day(pl.col("O3").fill_null(float("-inf"))).arr.max().alias("_O3_1h_max"),
        count(pl.col("O3").is_not_null()).alias("n_O3"),
        count(pl.col("_given")).alias("n_hours"),  # the hours given
    )

    def side_by_side(col: str) -> np.ndarray:
        # the station-days as the stations of one day (1, hour label, station-day): numpy's
        # passes then run along the station-days, not along a day's 24 hours
        return np.ascontiguousarray(_days_of(hours.get_column(col)).transpose(2, 1, 0))

    o3_8h_max, n_o3_8h = _o3_8h_windows(
        *_valid_hours(side_by_side("O3")),
        side_by_side("O3_8h") if rules.windows_published else None,
        rules.min_hours_o3_8h,
    )
    if "date" in base.schema:
        day = pl.col("date").gather_every(24)
    else:
        day, _ = _day_and_label(pl.col("time").gather_every(24), base.schema["time"])
    counted = pl.concat(
        [base.select(pl.col("station").gather_every(24), day.alias("date")), counted],
        how="horizontal",
    ).with_columns(
        *[(pl.col(f"_{p}") / pl.col(f"n_{p}")).alias(f"_{p}") for p in _DAILY_MEAN_POLLUTANTS],
        pl.when(pl.col("n_O3") > 0).then(pl.col("_O3_1h_max")).alias("_O3_1h_max"),
        _O3_8h_max=o3_8h_max,
        n_O3_8h=n_o3_8h,
    )
    if basis:  # the day's data basis: its first stated one
        firsts = (
            base.lazy()
            .with_columns((pl.int_range(pl.len()) // 24).alias("_day"))
            .group_by("_day", maintain_order=True)
            .agg(pl.col(c).drop_nulls().first() for c in basis)
            .drop("_day")
            .collect()
        )
        counted = pl.concat([counted, firsts], how="horizontal")
    return counted


def _days_of(column: pl.Series, stations: int = 1) -> np.ndarray:
    """Hours of whole days as an array (day, hour label 1..24, station); null is NaN.

    ``stations`` = 1: the hours of station-days one after the other (24 rows a day);
    more: a grid in time then station order, ``stations`` rows an hour.
    """
    # (nulls filled by polars first: to_numpy fills them, chunk by chunk, 3-4 times slower)
    values = column.cast(pl.Float64).fill_null(float("nan")).to_numpy()
    return values.reshape(-1, 24, stations)


def _valid_hours(hours: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The valid hours of :func:`_days_of` (not NaN, not negative) and their values, 0 if not.

    Zeros in the sums change none of them (a mean is the sum of the valid hours over
    their number), and none of the maxima of values that are not negative.
    """
    return np.fmax(hours, 0.0), hours >= 0


def _o3_8h_windows(
    values: np.ndarray, valid: np.ndarray, published: np.ndarray | None, min_hours: int
) -> tuple[pl.Series, pl.Series]:
    """Each station-day's highest O3 8-h mean and its number of valid windows.

    The windows ending at labels 8..24 (all inside the day: HJ 663 §6.1.2); a window's
    mean is the sum of its valid hours in hour order over their number, when at least
    ``min_hours`` of its 8 are valid (GB 3095 Table 4); CNEMC's own 8-h means
    (``published``: :func:`_days_of` them) where given. ``values`` and ``valid``:
    :func:`_valid_hours` of the O3 hours; the results are in station then day order.
    """
    flags = valid.view(np.uint8)
    total, n = values[:, :17].copy(), flags[:, :17].copy()
    for k in range(1, 8):  # the window ending at label 8 + j holds labels j + 1 .. j + 8
        total += values[:, k : k + 17]
        n += flags[:, k : k + 17]
    counted = n >= min_hours
    # the counted windows' means, -inf elsewhere (which no maximum takes)
    means = np.divide(total, n, out=np.full_like(total, -np.inf), where=counted)
    if published is not None:
        given = published[:, 7:]
        means = np.where(np.isnan(given), means, given)
        counted = means > -np.inf
    windows = _station_major(counted.sum(axis=1, dtype=np.int32))
    highest = _station_major(means.max(axis=1))
    highest = pl.Series(np.where(windows > 0, highest, np.nan)).fill_nan(None)
    return highest, pl.Series(windows)


def _station_major(days: np.ndarray) -> np.ndarray:
    """Values of shape (day, station) flattened in station then day order."""
    return days.T.ravel()


def _grid_stations(hours: pl.DataFrame) -> pl.Series | None:
    """The station codes of hours that are a whole grid in time order (None: they are not).

    A grid: every hour of whole natural days (labels 1..24, consecutive) holds the
    same stations in code order, one row each (as the package stores station-hours,
    time then station, when no station starts or stops inside the days). Such rows
    cannot repeat a station-hour.
    """
    n = hours.height
    station, time = hours.get_column("station"), hours.get_column("time")
    if n == 0 or station.null_count() or time.null_count():
        return None
    stamps = time.to_physical().to_numpy()
    width = int(np.searchsorted(stamps, stamps[0], side="right"))  # the rows of the first hour
    codes = station.head(width)
    if n % (24 * width) or not codes.is_sorted() or codes.n_unique() != width:
        return None
    grid = stamps.reshape(-1, width)
    hour = validation.UNITS_PER_HOUR[time.dtype.time_unit]
    hours_since = np.arange(grid.shape[0], dtype=np.int64) * hour
    if not (grid == (stamps[0] + hours_since)[:, None]).all():
        return None  # an hour missing, repeated or out of order
    if not _first_hours(time.head(1)):
        return None  # the first hour is not a day's first
    if not (station == pl.concat([codes] * (n // width), rechunk=True)).all():
        return None  # another station, or another order, in some hour
    return codes


def _grid_statistics(hours: pl.DataFrame, rules: _DayRules, codes: pl.Series) -> pl.DataFrame:
    """:func:`_day_statistics` of a grid of hours (:func:`_grid_stations`).

    The same numbers by the same arithmetic (sums of the valid hours in hour order,
    counts, maxima, the closing hour, the O3 8-h windows), in the same station and
    date order; the grid is read as an array (day, hour, station), so the hours are
    not put in station order (which costs more than the statistics).
    """
    published = dict(rules.published)
    width = codes.len()
    days = hours.height // (24 * width)

    def grid(col: str) -> np.ndarray:
        return _days_of(hours.select(_non_negative(col)).to_series(), width)

    columns: dict[str, Any] = {}
    for p in _DAILY_MEAN_POLLUTANTS:
        values, valid = _valid_hours(_days_of(hours.get_column(p), width))
        total = values[:, 0].copy()
        for label in range(1, 24):  # hour order, as a day's 24 rows are added
            total += values[:, label]
        columns[f"n_{p}"] = _station_major(valid.sum(axis=1, dtype=np.int32))
        columns[f"_{p}"] = _station_major(total)
    for stat, col in published.items():
        columns[f"_pub_{stat}"] = pl.Series(_station_major(grid(col)[:, 23])).fill_nan(None)
    values, valid = _valid_hours(_days_of(hours.get_column("O3"), width))
    columns["_O3_1h_max"] = _station_major(values.max(axis=1))  # (null where no valid hour)
    columns["n_O3"] = _station_major(valid.sum(axis=1, dtype=np.int32))
    columns["n_hours"] = np.full(days * width, 24, dtype=np.int32)
    windows = _o3_8h_windows(
        values, valid, grid("O3_8h") if rules.windows_published else None, rules.min_hours_o3_8h
    )
    first_hours = hours.get_column("time").gather_every(24 * width)
    day, _ = _day_and_label(pl.col("time"), first_hours.dtype)
    dates = first_hours.to_frame().select(day).to_series()
    return pl.DataFrame(
        {
            "station": codes.gather(np.repeat(np.arange(width), days)),
            "date": dates.gather(np.tile(np.arange(days), width)),
            **columns,
        }
    ).with_columns(
        *[(pl.col(f"_{p}") / pl.col(f"n_{p}")).alias(f"_{p}") for p in _DAILY_MEAN_POLLUTANTS],
        pl.when(pl.col("n_O3") > 0).then(pl.col("_O3_1h_max")).alias("_O3_1h_max"),
        _O3_8h_max=windows[0],
        n_O3_8h=windows[1],
    )


def _station_days(hours: pl.DataFrame, rules: _DayRules, first_date: date | None) -> pl.DataFrame:
    """Station daily statistics of whole stations' hours (one group of :class:`_Hours`).

    GB 3095 Table 4 and HJ 663 §6.1.2 validity; ``first_date`` as in :func:`_in_data`.
    """
    return _days_of_counts(_station_counts(hours, rules, first_date), rules)


def _station_counts(hours: pl.DataFrame, rules: _DayRules, first_date: date | None) -> pl.DataFrame:
    """Per station-day of whole stations' hours: the counts, means and maxima of the hours.

    Hours that are a whole grid in time order (:func:`_grid_stations`) are read as
    such; others as station-days (:func:`_day_rows`). In station and date order.
    """
    hours = _in_data(hours, first_date)
    codes = None if rules.basis else _grid_stations(hours)
    if codes is not None:
        return _grid_statistics(hours, rules, codes)
    return _day_statistics(_day_rows(hours, rules), rules)


def _days_of_counts(counted: pl.DataFrame, rules: _DayRules) -> pl.DataFrame:
    """Station daily statistics of :func:`_station_counts`: validity and sources, row by row.

    GB 3095 Table 4 (the fewest valid hours of a daily mean, of the O3 1-h maximum)
    and HJ 663 §6.1.2 (the O3 daily maximum 8-h mean of fewer than 14 valid windows
    kept when above the limit); CNEMC's published values where given.
    """
    published = dict(rules.published)
    basis = list(rules.basis)
    keys = ["station", "date"]
    means = counted.lazy()
    o3_limit = _o3_limit(pl.col("date"))

    def from_hours(stat: str) -> pl.Expr:
        return pl.when(pl.col(f"n_{stat}") >= rules.min_hours).then(pl.col(f"_{stat}"))

    def source(stat: str, hours: pl.Expr) -> pl.Expr:
        expr = pl.when(hours.is_not_null()).then(pl.lit("hours"))
        if stat in published:
            expr = (
                pl.when(pl.col(f"_pub_{stat}").is_not_null())
                .then(pl.lit("published"))
                .otherwise(expr)
            )
        return expr.alias(f"source_{stat}")

    def value(stat: str, hours: pl.Expr) -> pl.Expr:
        if stat in published:
            return pl.coalesce(pl.col(f"_pub_{stat}"), hours).alias(stat)
        return hours.alias(stat)

    partial = pl.col("n_O3_8h") < rules.min_windows_mda8
    mda8_hours = pl.when(~partial | (pl.col("_O3_8h_max") > o3_limit)).then(pl.col("_O3_8h_max"))
    return (
        means.with_columns(
            *[value(p, from_hours(p)) for p in _DAILY_MEAN_POLLUTANTS],
            *[source(p, from_hours(p)) for p in _DAILY_MEAN_POLLUTANTS],
            O3_1h_max=pl.when(pl.col("n_O3") >= rules.min_hours_o3_1h).then(pl.col("_O3_1h_max")),
            O3_MDA8=value("O3_MDA8", mda8_hours),
            O3_8h_max=value("O3_MDA8", pl.col("_O3_8h_max")),
            O3_MDA8_partial=(
                partial & pl.col("_pub_O3_MDA8").is_null() if "O3_MDA8" in published else partial
            ),
            source_O3_MDA8=source("O3_MDA8", mda8_hours),
        )
        .select(
            *keys,
            *_DAILY_MEAN_POLLUTANTS,
            "O3_1h_max",
            "O3_MDA8",
            "O3_8h_max",
            "O3_MDA8_partial",
            *[f"n_{p}" for p in _DAILY_MEAN_POLLUTANTS],
            "n_O3",
            "n_O3_8h",
            "n_hours",
            *[f"source_{s}" for s in _SOURCED],
            *basis,
        )
        .collect()
    )


def _station_day_groups(hours: _Hours, rules: _DayRules) -> Iterator[pl.DataFrame]:
    """Station daily statistics, group by group, in station and date order."""
    days = []
    for part in _worked_groups(hours, rules):
        if hours.by_days:
            days.append(part)
        else:
            yield part
    hours.warn()
    if days:  # groups of whole days: put the stations' days together, as the other groups
        yield _days_of_counts(_in_station_order(days), rules)


def _worked_groups(hours: _Hours, rules: _DayRules) -> Iterator[pl.DataFrame]:
    """Station daily statistics of each group of ``hours``, in the groups' order.

    Two groups are checked and worked on at once (polars releases the GIL; one
    group's kernels alone leave a core idle) while the next is read, so at most three
    groups' hours are held beyond the input.
    """
    pending: deque[tuple[int, Future[pl.DataFrame]]] = deque()

    def work(checked: Callable[[], pl.DataFrame], first: date | None) -> pl.DataFrame:
        counted = _station_counts(checked(), rules, first)
        # (groups of whole days: their counts are put in station order, then made days at once)
        return counted if hours.by_days else _days_of_counts(counted, rules)

    def done() -> pl.DataFrame:
        height, future = pending.popleft()
        try:
            return future.result()
        except Exception as error:
            hours.wait_check()  # an eager frame's check (of unchecked hours): its error first
            bad_input = isinstance(error, IndicatorInputError)
            if bad_input and height != hours.height and not hours.checked_whole:
                hours.check_whole(unique=True)  # the first bad or repeated row of the whole frame
            raise

    with ThreadPoolExecutor(_WORKERS) as pool:
        for group, checked in hours.station_groups():
            first = hours.first_time.date() if hours.first_time is not None else None
            pending.append((group.height, pool.submit(work, checked, first)))
            del group, checked
            if len(pending) >= _WORKERS:
                yield done()
        while pending:
            yield done()


def _in_station_order(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """Station-day rows of runs of whole days, together in station and date order.

    The same frame as the runs concatenated and sorted by ``station`` and ``date``
    (nulls first). Beyond :data:`CHUNK_ROWS` station days (a national year: 0.6 M) it is
    built a few columns at a time: the columns of the runs are let go once gathered
    (``parts`` is emptied), so the runs and their sorted copy are not held together,
    only a few columns of it.
    """
    names = parts[0].columns  # (the runs' columns by name: grid and other runs order them apart)
    held = [{c.name: c for c in p.get_columns()} for p in parts]
    parts.clear()
    order = _station_date_order(
        pl.concat([d["station"] for d in held]), pl.concat([d["date"] for d in held])
    )
    step = len(names) if len(order) <= CHUNK_ROWS else 4  # (gathered in parallel)
    columns: list[pl.Series] = []
    for start in range(0, len(names), step):
        taken = names[start : start + step]
        # (one chunk per column: a gather from many chunks costs twice as much)
        batch = pl.DataFrame([pl.concat([d.pop(n) for d in held], rechunk=True) for n in taken])
        columns += batch.select(pl.all().gather(order)).get_columns()
    columns[0] = columns[0].set_sorted()  # as a sort by station marks it
    return pl.DataFrame(columns)


def _station_date_order(station: pl.Series, day: pl.Series) -> pl.Series:
    """The rows' order by station code (no code first), then date: of unique pairs.

    One integer per row: the code's rank (:func:`_code_ranks`), then the day.
    """
    rank = _code_ranks(station).cast(pl.Int64).fill_null(-1) + 1
    return (rank * (1 << 32) + day.cast(pl.Int32).cast(pl.Int64)).arg_sort()


def _concat(parts: Iterator[pl.DataFrame]) -> pl.DataFrame:
    frames = list(parts)
    return frames[0] if len(frames) == 1 else pl.concat(frames, rechunk=False)


def daily_concentrations(
    hourly: Frame,
    *,
    method: str | AirMethod = "official",
    min_hours: int | None = None,
    min_hours_o3_1h: int | None = None,
    min_hours_o3_8h: int | None = None,
    min_windows_mda8: int | None = None,
) -> Frame:
    """Station daily statistics with GB 3095 / HJ 663 validity.

    GB 3095-2012/2026 Table 4 (daily means: >= 20 valid hours; O3 8-h: >= 6 of
    8 hours) and HJ 663 §6.1.2 (MDA8: >= 14 valid windows ending 08:00..24:00,
    or fewer when the maximum is above the O3 8-h limit of the GB 3095 edition
    in force that day). Thresholds default to the ``air_validity`` table.

    With the ``official`` method (:mod:`indicators.air.methods`) the station
    daily values CNEMC publishes are used where the data carry them: ``X_24h``
    at the hour labelled 0 of D+1 and ``O3_8h_24h`` there (as
    :func:`indicators.io.read_cnemc` returns them), the published 8-h windows
    ``O3_8h`` otherwise; the hours are used where no published value exists.

    Parameters
    ----------
    hourly : frame
        Tidy station-hours (``station``, ``time`` hour-ending, the six
        pollutants [µg/m³; CO mg/m³]), optionally with CNEMC's ``X_24h``,
        ``O3_8h`` and ``O3_8h_24h`` columns and a ``data_basis`` column.
    method : {"official", "strict"} or AirMethod
        Method profile (:func:`indicators.air.method`).
    min_hours, min_hours_o3_1h, min_hours_o3_8h, min_windows_mda8 : int, optional
        Validity thresholds (default: the ``air_validity`` table, 20, 20, 6, 14).

    Returns
    -------
    Frame
        One row per ``station``, ``date``: ``SO2``, ``NO2``, ``PM10``, ``CO``,
        ``PM2.5`` (daily means, null when invalid) and ``n_<p>`` (valid hours),
        ``O3_1h_max`` with ``n_O3``, ``O3_MDA8`` with ``n_O3_8h`` (valid windows),
        ``O3_8h_max`` (the largest 8-h mean available, whatever the number of
        windows) and ``O3_MDA8_partial`` (fewer windows than required: then
        ``O3_8h_max`` is only a lower bound), ``source_<statistic>``
        (``published`` or ``hours``: where each value came from), ``n_hours``
        (hour rows present), ``data_basis`` when the input has it. The day
        before the data's first date, known only from its closing hour
        (CNEMC label 0), is not a row. A LazyFrame for a LazyFrame (computed,
        station group by station group, when collected).

    Examples
    --------
    >>> from datetime import datetime, timedelta
    >>> t = [datetime(2026, 5, 1, 1) + timedelta(hours=h) for h in range(24)]
    >>> h = pl.DataFrame({"station": "S1", "time": t, "SO2": [10.0] * 20 + [None] * 4,
    ...     "NO2": 30.0, "PM10": 60.0, "CO": 0.8, "O3": [float(v) for v in range(24)],
    ...     "PM2.5": 35.0})
    >>> d = daily_concentrations(h)
    >>> d.select("date", "SO2", "n_SO2", "O3_1h_max", "O3_MDA8", "n_O3_8h").row(0)
    (datetime.date(2026, 5, 1), 10.0, 20, 23.0, 19.5, 17)
    """
    prof = air_method(method)
    lf, was_lazy = to_lazy(hourly, name="hourly")
    schema = lf.collect_schema()
    _check_hourly_schema(schema, "hourly")
    rules = _day_rules(schema, prof, min_hours, min_hours_o3_1h, min_hours_o3_8h, min_windows_mda8)
    columns = _checked_columns(schema, rules)
    if not was_lazy:
        days = _concat(_station_day_groups(_Hours(lf.collect(), "hourly", columns), rules))
        return finish(days, was_lazy)
    key = ("days", tuple(schema.items()), rules)
    out_schema = _result_schema(
        key, lambda: _station_days(_empty(schema).select(columns), rules, None)
    )
    return _deferred(lambda: _station_day_groups(_Hours(lf, "hourly", columns), rules), out_schema)


def _checked_columns(schema: pl.Schema, rules: _DayRules) -> list[str]:
    """The columns read from station-hours: those used and those the boundary checks."""
    checked = validation.column_quantities(list(schema))
    return [c for c in schema if c in rules.columns or c in checked]


# --------------------------------------------------------------------------- groups of stations


def _check_stations(lf: pl.LazyFrame, stations: pl.DataFrame, name: str = "hourly") -> None:
    present = lf.select(pl.col("station").unique()).collect()["station"]
    unknown = present.filter(~present.is_in(stations["station"].implode()))
    if unknown.len():
        raise IndicatorInputError(
            f"{unknown.len()} station(s) missing from the station list",
            file=name,
            column="station",
            expected="codes listed in stations",
            found=sorted(unknown.to_list())[:10],
        )


def _group_mda8(schema: pl.Schema, round_daily: bool) -> tuple[dict[str, pl.Expr], list[pl.Expr]]:
    """Group O3 MDA8 and its station count, with the 14-window exception on the group mean.

    Returns the values averaged (name -> station-day values, :func:`_group_days`) and
    the expressions that finish them. HJ 663 §6.1.2
    lets a day with fewer than 14 valid 8-h windows count when its maximum is
    over the limit: missing windows can only raise a maximum. Applied to each
    station before averaging it keeps the high incomplete stations and drops
    the low ones, which biases the mean upwards. Here the mean is over the
    stations with enough windows; only when no station has enough is the mean
    of the partial maxima (a lower bound of the group value) used, and only
    when that lower bound is itself over the limit.
    """
    if "O3_8h_max" not in schema or "O3_MDA8_partial" not in schema:  # older station tables
        return {"O3_MDA8": pl.col("O3_MDA8")}, [pl.col("n_stations_O3_MDA8").cast(pl.Int32)]
    values = {
        "_mda8_full": pl.when(~pl.col("O3_MDA8_partial")).then(pl.col("O3_8h_max")),
        "_mda8_lower": pl.col("O3_8h_max"),
    }
    lower = pl.col("_mda8_lower")
    shown = round_reported(lower, "O3") if round_daily else lower
    has_full = pl.col("n_stations__mda8_full") > 0
    over = shown > _o3_limit(pl.col("date"))
    finish_exprs = [
        pl.when(has_full).then(pl.col("_mda8_full")).when(over).then(lower).alias("O3_MDA8"),
        pl.when(has_full)
        .then(pl.col("n_stations__mda8_full"))
        .when(over)
        .then(pl.col("n_stations__mda8_lower"))
        .otherwise(0)
        .cast(pl.Int32)
        .alias("n_stations_O3_MDA8"),
    ]
    return values, finish_exprs


def _run_means(
    values: np.ndarray, starts: np.ndarray, lengths: np.ndarray
) -> tuple[pl.Series, np.ndarray]:
    """Mean and number of the valid values (not NaN) of each run of ``values``.

    A run's mean is the sum of its valid values in their order over their number (a
    group's stations in code order): the same float whatever the frame around the run
    (polars' group mean adds in an order that depends on the frame and the engine).
    Runs are added a position at a time, the longest first, so each pass is a slice.
    """
    by_length = np.argsort(-lengths, kind="stable")
    first, sizes = starts[by_length], lengths[by_length]
    total = np.zeros(len(first))
    count = np.zeros(len(first), dtype=np.int32)
    for k in range(int(sizes[0]) if len(sizes) else 0):
        live = int(np.searchsorted(-sizes, -k, side="left"))  # runs longer than k
        x = values[first[:live] + k]
        ok = ~np.isnan(x)
        total[:live] += np.where(ok, x, 0.0)
        count[:live] += ok
    mean, n = np.empty_like(total), np.empty_like(count)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean[by_length] = total / count
    n[by_length] = count
    return pl.Series(mean).fill_nan(None), n


def _run_texts(texts: pl.Series, order: pl.Series, starts: np.ndarray) -> pl.Series:
    """The distinct texts of each run (``texts`` taken in ``order``), sorted, '+'-joined.

    '' when a run has none. With few distinct texts in the whole column (``hours``,
    ``published``) one bit per text, or-ed over each run; otherwise a list per run.
    """
    given = texts.drop_nulls()
    if not len(given) or not len(starts):
        return pl.repeat("", len(starts), dtype=pl.String, eager=True)
    if (given == given[0]).all():  # one text (as a rule: "hours"): a run has it or none
        held = texts.is_not_null().gather(order).to_numpy()
        return (
            pl.Series(np.logical_or.reduceat(held, starts))
            .to_frame("t")
            .select(pl.when(pl.col("t")).then(pl.lit(given[0])).otherwise(pl.lit("")))
            .to_series()
        )
    distinct = given.unique().sort().to_list()
    if len(distinct) > 8:
        run = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(order))))
        return (
            pl.DataFrame({"run": run, "t": texts.gather(order)})
            .group_by("run", maintain_order=True)
            .agg(pl.col("t").drop_nulls().unique().sort().str.join("+"))
            .get_column("t")
        )
    flags = [
        (pl.col("t") == t).fill_null(False).cast(pl.Int32) * (1 << i)
        for i, t in enumerate(distinct)
    ]
    bits = texts.alias("t").to_frame().select(pl.sum_horizontal(flags))
    bits = bits.to_series().gather(order).to_numpy()
    masks = np.bitwise_or.reduceat(bits, starts)
    joined = {
        int(m): "+".join(t for i, t in enumerate(distinct) if int(m) >> i & 1)
        for m in np.unique(masks)
    }
    return pl.Series(masks).replace_strict(joined, return_dtype=pl.String)


def _with_groups(day_stats: pl.DataFrame, members: pl.DataFrame, group: list[str]) -> pl.DataFrame:
    """Station days with their group columns and :data:`_MEMBER` (null: not a member).

    Only the station codes are joined (left, in row order): the station days are not
    copied, where an inner join of the whole frame copied every column of it. A group
    column the station days already have is theirs, as in that join.
    """
    own = [g for g in group if g not in day_stats.columns]
    listed = members.select("station", *own).with_columns(pl.lit(True).alias(_MEMBER))
    groups = day_stats.select("station").join(
        listed, on="station", how="left", maintain_order="left"
    )
    return day_stats.hstack(groups.drop("station").get_columns())


def _date_picks(days: pl.DataFrame) -> list[pl.Expr | None]:
    """Filters of runs of whole dates of about :data:`CHUNK_ROWS` station days (None: all).

    At least :data:`_WORKERS` runs of :data:`CHUNK_ROWS` / 10 station days or more (a
    year of a national network: two runs, worked on at once); a share is taken 5 %
    larger, so that no run of a few dates is left over.
    """
    share = days.height * 105 // (100 * _WORKERS)
    rows = min(CHUNK_ROWS, max(CHUNK_ROWS // 10, share))
    if days.height <= rows:
        return [None]
    counts = days.get_column("date").value_counts(name="n").sort("date", nulls_last=False)
    runs = _chunk_runs(counts["date"].to_list(), counts["n"].to_list(), rows)
    return [_station_pick(run, "date") for _, _, run in runs]


def _aggregate_stations(
    day_stats: pl.DataFrame,
    members: pl.DataFrame,
    group: list[str],
    prof: AirMethod,
    min_stations: int,
) -> pl.DataFrame:
    """Group daily values: the mean over the member stations that have a value (HJ 663).

    In runs of whole dates (a group's day never crosses two), so that the work beyond
    the station days does not grow with the number of years. The days of stations that
    are not members (background stations) are left out by the order of the rows
    (filtering them out first would copy the station days).
    """
    keys = [*group, "date"]
    schema = day_stats.schema
    mda8_values, mda8_finish = _group_mda8(schema, prof.round_daily)
    plain = [s for s in _DAILY_STATS if s != "O3_MDA8"]
    sources = [f"source_{s}" for s in _SOURCED if f"source_{s}" in schema]
    basis = ["data_basis"] if "data_basis" in schema else []
    averaged = {s: pl.col(s) for s in plain} | mda8_values
    used = set(keys) | set(_DAILY_STATS) | {"station", "O3_8h_max", "O3_MDA8_partial"}
    days = day_stats.select(c for c in day_stats.columns if c in {*used, *sources, *basis})

    def run(pick: pl.Expr | None) -> pl.DataFrame:
        some = days if pick is None else days.filter(pick)
        return _group_days(some, members, group, averaged, [*sources, *basis])

    with ThreadPoolExecutor(_WORKERS) as pool:  # (polars and numpy release the GIL)
        parts = list(pool.map(run, _date_picks(days)))
    extra = [c for c in ("_mda8_full", "_mda8_lower") if c in mda8_values]
    return (
        pl.concat(parts)
        .lazy()
        .with_columns(*[pl.col(f"n_stations_{s}").cast(pl.Int32) for s in plain], *mda8_finish)
        .drop(*extra, *[f"n_stations_{c}" for c in extra])
        .with_columns(
            *[
                pl.when(pl.col(f"n_stations_{s}") >= min_stations).then(pl.col(s)).alias(s)
                for s in _DAILY_STATS
            ],
            *[pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in (*sources, *basis)],
        )
        .sort(keys)
        .collect()
    )


def _group_days(
    days: pl.DataFrame,
    members: pl.DataFrame,
    group: list[str],
    averaged: dict[str, pl.Expr],
    texts: list[str],
) -> pl.DataFrame:
    """Means of the member stations' days by group and date (HJ 663), one row a group-day.

    ``averaged``: name -> station-day values averaged over the stations that have one
    (``n_stations_<name>`` their number, :func:`_run_means`); ``texts``: columns whose distinct
    texts are joined (:func:`_run_texts`). The member days are put in group, date and
    station code order by one sort of integer keys, so a group's day is a run of rows.
    """
    joined = _with_groups(days, members, group)
    rank = pl.col(group[0]) if len(group) == 1 else pl.struct(group)
    day = (
        pl.when(pl.col(_MEMBER).is_not_null())
        .then(
            rank.rank("dense").fill_null(0).cast(pl.Int64) * (1 << 32)
            + pl.col("date").cast(pl.Int64)
        )
        .alias("day")
    )
    station = joined.get_column("station")
    if station.null_count() == 0 and station.is_sorted():  # a stable sort keeps code order
        keys = joined.select(day)
        order = keys.select(pl.arg_sort_by("day", nulls_last=True, maintain_order=True))
    else:
        keys = joined.select(day).with_columns(_code_ranks(station).alias("code"))
        order = keys.select(pl.arg_sort_by("day", "code", nulls_last=True))
    order = order.to_series()
    order = order.head(keys.get_column("day").count())  # the member days
    day_keys = keys.get_column("day").gather(order).to_numpy()
    starts = (
        np.flatnonzero(np.diff(day_keys, prepend=day_keys[:1] - 1))
        if len(order)
        else np.zeros(0, np.int64)
    )
    lengths = np.diff(np.append(starts, len(order)))
    first = order.gather(starts)
    out = joined.select(*group, "date").select(pl.all().gather(first))
    values = joined.select(**averaged)
    means, counts = {}, {}
    for name in averaged:
        column = values.get_column(name).cast(pl.Float64).gather(order).to_numpy()
        means[name], counts[f"n_stations_{name}"] = _run_means(column, starts, lengths)
    joined_texts = {name: _run_texts(joined.get_column(name), order, starts) for name in texts}
    return out.with_columns(**means, **counts, **joined_texts)


def _grouping(level: str, by: str | Sequence[str] | None, stations: Frame | None) -> list[str]:
    """The station-list columns stations are grouped by (none: station level)."""
    if level not in ("station", "city"):
        raise IndicatorInputError(
            "unknown level", column="level", expected="'station' or 'city'", found=level
        )
    group: list[str] = [by] if isinstance(by, str) else list(by or [])
    if not group and level == "city":
        group = ["city"]
    if group and stations is None:
        raise IndicatorInputError(
            "a station list is needed to group stations",
            column="stations",
            expected="stations=<frame with station, city, background>",
            found=None,
        )
    return group


def _station_list(stations: Frame, group: list[str]) -> pl.DataFrame:
    """The station list, checked: its columns, and each station listed once."""
    st = to_lazy(stations, name="stations")[0].collect()
    require_columns(st.schema, ["station", "background", *group], name="stations")
    # a station listed twice would count in two groups (or twice in one)
    validation.check_unique(st, ["station"], file="stations", what="station code")
    return st


@dataclass(eq=False)
class _DailyJob:
    """One :func:`daily_aqi` call: station days (from hours, or given), groups, then AQI."""

    rules: _DayRules | None  # None: station daily values are given
    columns: list[str] | None  # the hours' columns read
    stations: pl.DataFrame | None  # the checked station list (grouping only)
    group: list[str]
    prof: AirMethod
    edition: str
    missing: str
    min_stations: int

    @property
    def members(self) -> pl.DataFrame | None:
        """The non-background stations and their groups (None: station level)."""
        if self.stations is None:
            return None
        return self.stations.filter(~pl.col("background")).select("station", *self.group)

    def score(self, day_stats: pl.DataFrame) -> pl.DataFrame:
        """Group means (when grouping), reporting precision, then the AQI columns."""
        if self.stations is not None:
            day_stats = _aggregate_stations(
                day_stats, self.members, self.group, self.prof, self.min_stations
            )
        if self.prof.round_daily:
            day_stats = day_stats.with_columns(
                round_reported(pl.col(s), s).alias(s) for s in _DAILY_STATS if s in day_stats.schema
            )
        return _with_aqi(day_stats, self.edition, "daily", self.missing, pl.col("date"), self.prof)

    def days(self, source: pl.DataFrame | pl.LazyFrame) -> Iterator[pl.DataFrame]:
        """Station daily statistics: computed from the hours, or the given ones (checked)."""
        if self.rules is not None:
            yield from _station_day_groups(_Hours(source, "hourly", self.columns), self.rules)
            return
        if isinstance(source, pl.LazyFrame):
            source = source.collect()
            if self.stations is not None:
                _check_stations(source.lazy(), self.stations)
        yield source

    def run(self, source: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
        """The daily AQI of ``source``."""
        return self.score(_concat(self.days(source)))


def daily_aqi(
    hourly: Frame,
    *,
    stations: Frame | None = None,
    level: str = "station",
    by: str | Sequence[str] | None = None,
    edition: str = "auto",
    method: str | AirMethod = "official",
    missing: str = "standard",
    min_stations: int = 1,
) -> Frame:
    """Daily AQI of stations, cities or any grouping of stations.

    HJ 633-2012 §5.1.2 (24-h means of SO2, NO2, PM10, PM2.5, CO, the O3 daily
    maximum 8-h mean and, in the ``strict`` method, the O3 daily maximum 1-h
    mean) and HJ 633-2026 §4.2.2 (six: the O3 1-h maximum is no longer part of
    the daily AQI; concentrations rounded by GB/T 8170). Daily statistics and
    their validity come from :func:`daily_concentrations`; the method profile
    (:mod:`indicators.air.methods`) says how, and is carried in ``method``.

    City level (HJ 663): the city's daily concentration of each statistic is
    the arithmetic mean of the valid daily values of its non-background
    stations (对照点 excluded), rounded to the reporting precision in the
    ``official`` method; the city AQI is computed on those concentrations, not
    averaged from station AQIs. ``n_stations_<stat>`` says how many stations
    were behind each mean. The O3 14-window exception (HJ 663 §6.1.2) is
    applied to the city mean, not to each station before averaging.

    Parameters
    ----------
    hourly : frame
        Tidy station-hours (see :mod:`indicators.glossary`), or station daily
        statistics (``station``, ``date`` and the columns of
        :func:`daily_concentrations`, e.g. the output of ``daily_aqi`` at
        station level) to aggregate them to cities without recomputing.
    stations : frame, optional
        Station list (``station``, ``city``, ``background``); required for
        ``level="city"`` and ``by``. Every station of ``hourly`` must be listed.
    level : {"station", "city"}
        Aggregation level.
    by : str or list of str, optional
        Station-list columns to group non-background stations by instead
        (e.g. ``"province"``); overrides ``level``.
    edition : {"auto", "HJ 633-2012", "HJ 633-2026"}
        ``auto``: the edition in force on each date (2012 rules before
        2026-03-01). Forcing an edition recomputes any period under it.
    method : {"official", "strict"} or AirMethod, default "official"
        Method profile (:func:`indicators.air.method`).
    missing : {"standard", "available", "complete"}
        Missing-pollutant policy (see :mod:`indicators.air.daily`).
    min_stations : int, default 1
        Fewest valid stations behind a group mean (HJ 663 gives no number
        the package could verify; documented choice).

    Returns
    -------
    Frame
        One row per group and ``date`` with the daily statistics, ``n_*``
        counts, ``source_<stat>``, ``iaqi_<indicator>``, ``aqi`` (null when
        invalid), ``level``, ``category``, ``category_en``, ``colour``,
        ``primary_pollutant``, ``edition``, ``method`` and ``data_basis`` when
        the input has it. A group whose stations are all background stations
        has no rows (it has no city value). A LazyFrame for a LazyFrame
        (computed when collected; see the module docstring).

    Examples
    --------
    >>> from datetime import datetime, timedelta
    >>> t = [datetime(2025, 7, 1, 1) + timedelta(hours=h) for h in range(24)]
    >>> h = pl.DataFrame({"station": "S1", "time": t, "SO2": 10.0, "NO2": 30.0,
    ...     "PM10": 60.0, "CO": 0.8, "O3": 80.0, "PM2.5": 35.0})
    >>> daily_aqi(h).select("date", "aqi", "primary_pollutant", "edition").row(0)
    (datetime.date(2025, 7, 1), 55, 'PM10', 'HJ 633-2012')
    >>> daily_aqi(h, edition="HJ 633-2026").select("aqi", "primary_pollutant").row(0)
    (58, 'PM10')
    """
    prof = air_method(method)
    lf, was_lazy = to_lazy(hourly, name="hourly")
    group = _grouping(level, by, stations)
    schema = lf.collect_schema()
    from_days = "time" not in schema and "date" in schema
    rules = columns = None
    if from_days:
        # station daily statistics already computed (daily_concentrations or daily_aqi output)
        require_columns(schema, ["station", "date", *_DAILY_STATS], name="hourly")
    else:
        _check_hourly_schema(schema, "hourly")
        rules = _day_rules(schema, prof, None, None, None, None)
        columns = _checked_columns(schema, rules)
    _check_policy(edition, missing)
    st = None
    if group:
        st = _station_list(stations, group)
        if not (was_lazy and from_days):  # lazy daily values: checked when computed
            _check_stations(lf, st)
    job = _DailyJob(rules, columns, st, group, prof, edition, missing, min_stations)
    if not was_lazy:
        return finish(job.run(lf.collect()), was_lazy)
    empty = _empty(schema) if from_days else _empty(schema).select(columns)
    key = (
        "daily",
        tuple(schema.items()),
        None if job.members is None else tuple(job.members.schema.items()),
        tuple(group),
        edition,
        prof,
        missing,
        min_stations,
    )
    return _deferred(lambda: iter([job.run(lf)]), _result_schema(key, lambda: job.run(empty)))
