"""Time averages over any period with a data-capture rule (openair ``timeAverage``).

:func:`time_average` averages station or city hours (or daily values) over
hours, days, weeks, months, seasons, quarters, years or any polars/pandas-style
frequency (``"3h"``, ``"2d"``, ``"1mo"``), by group, with the count of valid
values behind each statistic and null where the period fails its rule.

Time convention (as :func:`indicators.air.daily_aqi`): ``time`` is
hour-ending China Standard Time; the hour labelled ``t`` is the mean over
``t - 1h .. t`` and belongs to the period holding ``t - 1h``. The natural day
D is the hours labelled D 01:00 .. D+1 00:00, so a period is always a set of
whole hours, and a day or longer a set of whole natural days.

Rules (``data_thresh``):

- ``None``, the official rules (table ``air_validity``; GB 3095-2012/2026
  Table 4, HJ 663 §6.1.2). A day needs 20 valid hours
  (``daily_mean``; the same count for every hourly column, O3 included: a
  documented choice, as :func:`~indicators.air.daily_concentrations` does for
  the O3 1-h maximum). With hourly O3 the day also gets ``O3_MDA8``, the
  daily maximum 8-h mean by :func:`~indicators.air.daily_concentrations`
  (8-h means need 6 valid hours of 8, the day 14 valid windows ending
  08:00..24:00, or fewer when the maximum is over the limit). Periods longer
  than a day are computed from the valid daily values (two stages, as the
  bulletins do): a calendar month needs 27 valid days (25 in February), a
  calendar year 324, by :func:`~indicators.air.required_days`. Weeks,
  seasons, quarters and custom day/month/year frequencies have no rule of
  their own in GB 3095 or HJ 663: they take the package's documented rule for
  any other span (``ceil(days × 324 / 365)`` valid days, the rule
  :func:`~indicators.air.evaluate_period` applies to a date range).
  Sub-daily custom frequencies (``"3h"``) have no official rule at all and
  need ``data_thresh``. An hour is valid when it has a value.
- a number 0..100: openair's ``data.thresh``, the percentage of the period's
  records (hours for hourly input, days for daily input; the whole calendar
  period, so records absent from the frame count as missing) that must be
  valid, in one stage over the records. ``0`` keeps every period with at
  least one value; ``100`` needs every record. A period is valid when
  ``n × 100 >= data_thresh × n_expected`` (closed at the threshold).

Invalid statistics are null; ``n_<column>`` says how many valid values were
behind each one, ``n_expected`` how many records the period holds and
``n_required`` how many valid values it needs, so nothing is hidden. Values
are not rounded (``round_reported`` rounds them as bulletins do).

:func:`data_capture` is the table behind :func:`indicators.plot.data_capture`
(openair ``summaryPlot``): valid hours against the hours of each period, per
group and pollutant, with no validity rule applied.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

import polars as pl

from .. import validation
from .._frames import (
    Frame,
    as_date,
    finish,
    key_list,
    require_columns,
    require_dtype,
    to_lazy,
)
from ..errors import IndicatorInputError
from ..glossary import AIR_POLLUTANTS, TERMS
from .daily import daily_concentrations
from .evaluation import percentile_expr, required_days, validity_threshold

__all__ = ["SEASONS", "data_capture", "time_average"]

#: Meteorological seasons: label by the first month of each (December starts winter).
SEASONS: dict[int, str] = {12: "DJF", 3: "MAM", 6: "JJA", 9: "SON"}

_NAMED = {
    "hour": "1h",
    "day": "1d",
    "week": "1w",
    "month": "1mo",
    "quarter": "3mo",
    "year": "1y",
}
# unit spellings of polars and pandas frequencies -> polars unit
_UNITS = {
    "h": "h",
    "hour": "h",
    "hours": "h",
    "d": "d",
    "day": "d",
    "days": "d",
    "w": "w",
    "week": "w",
    "weeks": "w",
    "mo": "mo",
    "month": "mo",
    "months": "mo",
    "ms": "mo",
    "me": "mo",
    "q": "q",
    "qs": "q",
    "qe": "q",
    "quarter": "q",
    "y": "y",
    "ys": "y",
    "ye": "y",
    "a": "y",
    "as": "y",
    "year": "y",
    "years": "y",
}
_FREQ = re.compile(r"(\d*)\s*([A-Za-z]+)")
_PERCENTILE = re.compile(r"[pP](\d{1,2}(?:\.\d+)?|100)")
_STATISTICS = ("mean", "median", "max", "min", "sum", "count")
_PERIOD_FORMS = (
    "'hour', 'day', 'week', 'month', 'season', 'quarter', 'year' or a frequency "
    "such as '3h', '2d', '1w', '1mo', '1y' (pandas spellings '3H', 'D', 'MS', 'YS' too)"
)


@dataclass(frozen=True)
class _Period:
    every: str  # polars duration of one period ("1h", "1d", "1mo", ...), "season" for seasons
    unit: str  # "h", "d", "w", "mo" or "y"
    n: int
    label: str  # as given, for messages

    @property
    def sub_daily(self) -> bool:
        return self.unit == "h" and not (self.n % 24 == 0)

    @property
    def hourly(self) -> bool:
        return self.unit == "h"


def _parse_period(period: str) -> _Period:
    if not isinstance(period, str):
        raise IndicatorInputError(
            "not a period", column="period", expected=_PERIOD_FORMS, found=period
        )
    text = period.strip()
    if text.lower() == "season":
        return _Period("season", "mo", 3, period)
    text = _NAMED.get(text.lower(), text)
    m = _FREQ.fullmatch(text)
    unit = None
    if m:
        raw = m[2]
        # polars "m" is a minute, pandas "M" a month end: both are refused as ambiguous
        unit = None if raw in ("m", "M", "min", "T", "s", "S") else _UNITS.get(raw.lower())
    n = int(m[1]) if m and m[1] else 1
    if unit is None or n < 1:
        hint = " ('m' is ambiguous: use '1mo' for months)" if m and m[2] in ("m", "M") else ""
        raise IndicatorInputError(
            f"unknown period{hint}", column="period", expected=_PERIOD_FORMS, found=period
        )
    if unit == "q":
        unit, n = "mo", 3 * n
    if unit == "h" and n % 24 == 0:
        unit, n = "d", n // 24
    return _Period(f"{n}{unit}", unit, n, period)


def _parse_statistic(statistic: str) -> tuple[str, float | None]:
    if isinstance(statistic, str):
        if statistic in _STATISTICS:
            return statistic, None
        m = _PERCENTILE.fullmatch(statistic)
        if m and float(m[1]) <= 100:
            return "percentile", float(m[1])
    raise IndicatorInputError(
        "unknown statistic",
        column="statistic",
        expected=f"one of {list(_STATISTICS)} or a percentile such as 'p95'",
        found=statistic,
    )


def _aggregate(col: str, kind: str, pct: float | None) -> pl.Expr:
    c = pl.col(col)
    if kind == "percentile":
        # HJ 663 percentile: k = 1 + (n - 1) p / 100, linear between neighbours
        return percentile_expr(c, pct)
    return {
        "mean": c.mean(),
        "median": c.median(),
        "max": c.max(),
        "min": c.min(),
        "sum": c.sum(),
        "count": c.count(),
    }[kind]


def _period_start(t: pl.Expr, spec: _Period) -> pl.Expr:
    """First instant (sub-daily) or first day of the period holding ``t``."""
    if spec.every == "season":
        month = t.dt.truncate("1mo")
        return month.dt.offset_by("1mo").dt.truncate("3mo").dt.offset_by("-1mo")
    return t.dt.truncate(spec.every)


@cache
def _required_days_of(start: date, end: date) -> int:
    return required_days(start, end)


def _required_days_expr(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """:func:`required_days` of each period (one source for the rule)."""

    def apply(s: pl.Series) -> pl.Series:
        rows = s.struct.unnest()
        return pl.Series(
            [_required_days_of(a, b) for a, b in zip(rows["s"], rows["e"], strict=True)],
            dtype=pl.Int64,
        )

    return pl.struct(start.alias("s"), end.alias("e")).map_batches(apply, return_dtype=pl.Int64)


def _default_columns(schema: pl.Schema, keys: list[str]) -> list[str]:
    """The concentrations present (glossary units µg/m³ and mg/m³), in frame order."""
    units = {"ug/m3", "mg/m3"}
    return [
        c
        for c, dtype in schema.items()
        if c not in keys
        and c in TERMS
        and TERMS[c].unit in units
        and (dtype.is_numeric() or dtype == pl.Null)
    ]


def _default_by(schema: pl.Schema, by: str | Sequence[str] | None) -> list[str]:
    if by is not None:
        return [by] if isinstance(by, str) else list(by)
    for key in ("station", "city"):
        if key in schema:
            return [key]
    return []


def _check_thresh(data_thresh: float | None) -> float | None:
    if data_thresh is None:
        return None
    ok = isinstance(data_thresh, int | float) and not isinstance(data_thresh, bool)
    if not ok or not 0 <= data_thresh <= 100 or math.isnan(data_thresh):
        raise IndicatorInputError(
            "data_thresh must be a percentage",
            column="data_thresh",
            expected="None (the official rules) or a number 0..100",
            found=data_thresh,
        )
    return float(data_thresh)


def _daily_mda8(lf: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    """O3_MDA8 and n_O3_8h per group and date, by :func:`daily_concentrations`."""
    # deterministic numbering: the plan evaluates it twice (hours in, days back)
    groups = lf.select(keys).unique().sort(keys).with_row_index("_g")
    groups = groups.with_columns(pl.col("_g").cast(pl.String))
    hours = lf.join(groups, on=keys, how="left", nulls_equal=True) if keys else lf
    hours = hours.select(
        (pl.col("_g") if keys else pl.lit("all")).alias("station"),
        "time",
        *[
            (pl.col(p) if p == "O3" else pl.lit(None, pl.Float64)).cast(pl.Float64).alias(p)
            for p in AIR_POLLUTANTS
        ],
    )
    daily = daily_concentrations(hours, method="strict")
    daily = daily.lazy() if isinstance(daily, pl.DataFrame) else daily
    out = daily.select(pl.col("station").alias("_g"), "date", "O3_MDA8", "n_O3_8h")
    if not keys:
        return out.drop("_g")
    return out.join(groups, on="_g").select(*keys, "date", "O3_MDA8", "n_O3_8h")


def time_average(
    frame: Frame,
    period: str,
    data_thresh: float | None = None,
    statistic: str = "mean",
    by: str | Sequence[str] | None = None,
    *,
    columns: Sequence[str] | None = None,
) -> Frame:
    """Average (or another statistic) of hours or days over any period, with data capture.

    openair's ``timeAverage`` with the official validity rules of GB 3095
    Table 4 and HJ 663 §6.1.2 (table ``air_validity``) when ``data_thresh`` is
    None, or openair's ``data.thresh`` percentage otherwise. See the module
    docstring for the rules, the periods without an official rule and the
    hour-ending time convention.

    Parameters
    ----------
    frame : polars or pandas frame
        Hourly values (``time``: hour-ending Datetime, China Standard Time,
        one row per group and hour) or daily values (``date``: pl.Date, one row
        per group and day, e.g. :func:`~indicators.air.daily_aqi` output),
        grouped by ``by``. Concentrations in µg/m³ (CO mg/m³); null or NaN is
        a missing value.
    period : str
        ``"hour"``, ``"day"``, ``"week"`` (from Monday), ``"month"``,
        ``"season"`` (DJF, MAM, JJA, SON; December counts with the next
        January and February), ``"quarter"``, ``"year"``, or a frequency
        ``"3h"``, ``"2d"``, ``"1w"``, ``"1mo"``, ``"1y"`` (pandas spellings
        ``"3H"``, ``"D"``, ``"MS"``, ``"QS"``, ``"YS"`` too). Multiples are
        aligned as polars' ``dt.truncate`` aligns them (days from 1970-01-01,
        months from January 1970).
    data_thresh : float, optional
        None: the official rules. A number 0..100: the percentage of the
        period's records that must be valid [%].
    statistic : str, default "mean"
        ``"mean"``, ``"median"``, ``"max"``, ``"min"``, ``"sum"``, ``"count"``
        (the number of valid values, never null) or a percentile ``"p95"``
        (HJ 663 §A percentile: k = 1 + (n − 1)·p/100, linear). Under the
        official rules a period longer than a day applies it to the valid
        daily means.
    by : str or list of str, optional
        Grouping columns; default ``station`` when present, else ``city``;
        ``[]`` for one series.
    columns : list of str, optional
        Columns to average; default the concentrations present (the columns
        the glossary gives in µg/m³ or mg/m³).

    Returns
    -------
    Frame
        The input's kind (polars, lazy or pandas). One row per group and
        period: ``by``, ``period_start`` (Datetime, the start of the window, for
        sub-daily periods; pl.Date, the first day, otherwise), ``season``
        (``"DJF"``...) for seasons, the statistic of each column (null when
        the period fails its rule), ``n_<column>`` (valid hours or days behind
        it), ``n_expected`` (records the period holds) and ``n_required``
        (valid values it needs). Official days from hours add ``O3_MDA8`` and
        ``n_O3_8h`` when ``O3`` is averaged.

    Raises
    ------
    IndicatorInputError
        Naming the argument or column: an unknown period or statistic, a
        threshold outside 0..100, a sub-daily custom period without
        ``data_thresh``, a column missing or not numeric, a group with two
        rows for one hour or day.

    Examples
    --------
    >>> from datetime import datetime, timedelta
    >>> t = [datetime(2026, 5, 1, 1) + timedelta(hours=h) for h in range(48)]
    >>> h = pl.DataFrame({"station": "S1", "time": t,
    ...     "PM2.5": [10.0] * 24 + [20.0] * 19 + [None] * 5})
    >>> d = time_average(h, "day")  # GB 3095 Table 4: a day needs 20 valid hours
    >>> d.select("period_start", "PM2.5", "n_PM2.5", "n_required").rows()
    [(datetime.date(2026, 5, 1), 10.0, 24, 20), (datetime.date(2026, 5, 2), None, 19, 20)]
    >>> time_average(h, "day", data_thresh=75)["PM2.5"].to_list()  # openair: 18 of 24 hours
    [10.0, 20.0]
    >>> time_average(h, "6h", data_thresh=100, statistic="max")["PM2.5"].to_list()
    [10.0, 10.0, 10.0, 10.0, 20.0, 20.0, 20.0, None]
    """
    lf, origin = to_lazy(frame, name="frame")
    spec = _parse_period(period)
    kind, pct = _parse_statistic(statistic)
    thresh = _check_thresh(data_thresh)
    schema = lf.collect_schema()
    keys = _default_by(schema, by)
    hourly = "time" in schema
    tcol = "time" if hourly else "date"
    require_columns(schema, [*keys, tcol], name="frame")
    _check_time_column(schema, hourly, spec, period)
    cols = list(columns) if columns is not None else _default_columns(schema, [*keys, tcol])
    require_columns(schema, [*keys, tcol, *cols], name="frame")
    _check_value_columns(schema, cols)
    if thresh is None and spec.sub_daily and spec.n != 1:
        raise IndicatorInputError(
            "no official validity rule for this period: give data_thresh",
            column="data_thresh",
            expected=f"a percentage 0..100 for period {period!r}",
            found=None,
        )
    values = [pl.col(c).cast(pl.Float64).fill_nan(None).alias(c) for c in cols]
    lf = _checked_rows(
        lf.select(*keys, tcol, *values), keys, tcol, hourly=hourly, lazy=bool(origin)
    )
    out = _averaged(lf, keys, cols, spec, kind, pct, thresh, hourly=hourly)
    return finish(out.sort([*keys, "period_start"]), origin)


def _check_time_column(schema: pl.Schema, hourly: bool, spec: _Period, period: str) -> None:
    """Hourly ``time`` hour-ending, or daily ``date`` a Date over a period of a day or more."""
    if hourly:
        _require_hour_ending_time(schema)
        return
    require_dtype(
        schema,
        "date",
        pl.Date,
        name="frame",
        message="date must be a date (natural day)",
        expected="polars Date",
    )
    if spec.hourly:
        raise IndicatorInputError(
            "daily values cannot be averaged over hours",
            column="period",
            expected="a period of a day or longer for daily values",
            found=period,
        )


def _check_value_columns(schema: pl.Schema, cols: list[str]) -> None:
    """The columns to average: at least one, each numeric (or all null)."""
    for c in cols:
        if not (schema[c].is_numeric() or schema[c] == pl.Null):
            raise IndicatorInputError(
                "not a numeric column",
                file="frame",
                column=c,
                expected="numbers",
                found=str(schema[c]),
            )
    if not cols:
        raise IndicatorInputError(
            "nothing to average",
            file="frame",
            column="columns",
            expected="concentration columns (SO2, NO2, PM10, CO, O3, PM2.5, ...) or columns=[...]",
            found=f"columns {list(schema)}",
        )


def _checked_rows(
    lf: pl.LazyFrame, keys: list[str], tcol: str, *, hourly: bool, lazy: bool
) -> pl.LazyFrame:
    """Rows unique per group and time (hours on the grid): checked now, or on collect if lazy."""
    what = f"{'/'.join([*keys, tcol])} row"
    if lazy:  # lazy: checks run when collected
        return validation.guard_lazy(
            lf,
            file="frame",
            keys=[*keys, tcol],
            quantities={},
            hour_grid="time" if hourly else None,
            what=what,
        )
    df = lf.collect()
    if hourly:
        validation.check_hour_grid(df, "time", file="frame")
    validation.check_unique(df, [*keys, tcol], file="frame", what=what)
    return df.lazy()


def _averaged(
    lf: pl.LazyFrame,
    keys: list[str],
    cols: list[str],
    spec: _Period,
    kind: str,
    pct: float | None,
    thresh: float | None,
    *,
    hourly: bool,
) -> pl.LazyFrame:
    """The statistic per group and period: official periods of a day or more via natural days."""
    if not hourly:
        return _one_stage(lf, keys, "date", cols, spec, kind, pct, thresh, hourly=False)
    if spec.hourly or thresh is not None:
        return _one_stage(lf, keys, "time", cols, spec, kind, pct, thresh, hourly=True)
    # official rules, a day or longer: natural days first
    daily = _days_from_hours(lf, keys, cols, kind if spec.every == "1d" else "mean", pct)
    if spec.every == "1d":
        return daily
    day_cols = [c for c in daily.collect_schema() if c in (*cols, "O3_MDA8")]
    return _one_stage(
        daily.select(*keys, pl.col("period_start").alias("date"), *day_cols),
        keys,
        "date",
        day_cols,
        spec,
        kind,
        pct,
        None,
        hourly=False,
    )


def _require_hour_ending_time(schema: pl.Schema) -> None:
    """``time`` is a naive or Asia/Shanghai Datetime (hour-ending China Standard Time)."""
    require_dtype(
        schema,
        "time",
        pl.Datetime,
        name="frame",
        message="time must be a datetime (hour-ending, China Standard Time)",
        expected="polars Datetime",
    )
    if schema["time"].time_zone not in (None, "Asia/Shanghai"):
        raise IndicatorInputError(
            "time must be China Standard Time (naive or Asia/Shanghai)",
            file="frame",
            column="time",
            expected="naive Datetime or time zone Asia/Shanghai",
            found=str(schema["time"]),
        )


def _days_from_hours(
    lf: pl.LazyFrame, keys: list[str], cols: list[str], kind: str, pct: float | None
) -> pl.LazyFrame:
    """Natural-day statistics of hourly columns, valid with the daily_mean hours (GB 3095)."""
    min_hours = validity_threshold("daily_mean")
    day = (pl.col("time") - pl.duration(hours=1)).dt.date().alias("period_start")
    base = lf.with_columns(day)
    # the hour labelled 0 of the data's first date closes the day before it, whose other
    # hours were not read: not a day of the data (as daily_concentrations does)
    base = base.filter(pl.col("period_start") >= pl.col("time").min().dt.date())
    out = base.group_by([*keys, "period_start"]).agg(
        *[_aggregate(c, kind, pct).alias(f"_{c}") for c in cols],
        *[pl.col(c).count().cast(pl.Int32).alias(f"n_{c}") for c in cols],
    )
    valid = [
        (
            pl.col(f"n_{c}")
            if kind == "count"
            else pl.when(pl.col(f"n_{c}") >= min_hours).then(pl.col(f"_{c}"))
        ).alias(c)
        for c in cols
    ]
    out = out.with_columns(
        *valid,
        n_expected=pl.lit(24, pl.Int32),
        n_required=pl.lit(min_hours, pl.Int32),
    )
    mda8 = []
    if "O3" in cols:
        o3 = _daily_mda8(lf.select(*keys, "time", "O3"), keys).rename({"date": "period_start"})
        out = out.join(o3, on=[*keys, "period_start"], how="left", nulls_equal=True)
        out = out.with_columns(pl.col("n_O3_8h").fill_null(0).cast(pl.Int32))
        mda8 = ["O3_MDA8"]
    n_cols = [f"n_{c}" for c in cols] + (["n_O3_8h"] if mda8 else [])
    return out.select(*keys, "period_start", *cols, *mda8, *n_cols, "n_expected", "n_required")


def _one_stage(
    lf: pl.LazyFrame,
    keys: list[str],
    tcol: str,
    cols: list[str],
    spec: _Period,
    kind: str,
    pct: float | None,
    thresh: float | None,
    *,
    hourly: bool,
) -> pl.LazyFrame:
    """The statistic of the records of each period, valid by ``thresh`` (or the official rule)."""
    t = pl.col(tcol) - pl.duration(hours=1) if hourly else pl.col(tcol)
    start = _period_start(t, spec)
    if hourly and not spec.hourly:
        start = start.dt.date()
    base = lf.with_columns(start.alias("period_start"))
    if hourly and not spec.hourly:
        base = base.filter(pl.col("period_start") >= pl.col(tcol).min().dt.date())
    out = base.group_by([*keys, "period_start"]).agg(
        *[_aggregate(c, kind, pct).alias(f"_{c}") for c in cols],
        *[pl.col(c).count().cast(pl.Int32).alias(f"n_{c}") for c in cols],
    )
    ps = pl.col("period_start")
    if spec.hourly:
        expected = pl.lit(spec.n, pl.Int32)
        end = None
    else:
        step = "3mo" if spec.every == "season" else spec.every
        end = ps.dt.offset_by(step) - pl.duration(days=1)
        days = ((end - ps).dt.total_days() + 1).cast(pl.Int32)
        expected = days * 24 if hourly else days
    out = out.with_columns(n_expected=expected.cast(pl.Int32))
    if thresh is not None:
        # valid when n / expected >= thresh %: compared in integers and exact halves
        required = (pl.col("n_expected").cast(pl.Float64) * thresh / 100).round(9).ceil()
    elif spec.hourly:
        required = pl.lit(1)  # an hour is valid when it has a value
    else:
        required = _required_days_expr(ps, end)
    out = out.with_columns(n_required=required.cast(pl.Int32))
    valid = [
        (
            pl.col(f"n_{c}")
            if kind == "count"
            else pl.when((pl.col(f"n_{c}") >= pl.col("n_required")) & (pl.col(f"n_{c}") > 0)).then(
                pl.col(f"_{c}")
            )
        ).alias(c)
        for c in cols
    ]
    season = (
        [ps.dt.month().replace_strict(SEASONS, return_dtype=pl.String).alias("season")]
        if spec.every == "season"
        else []
    )
    return out.with_columns(*valid).select(
        *keys,
        "period_start",
        *season,
        *cols,
        *[f"n_{c}" for c in cols],
        "n_expected",
        "n_required",
    )


def data_capture(
    frame: Frame,
    *,
    by: str | Sequence[str] | None = "station",
    freq: str | None = "month",
    pollutants: Sequence[str] | None = None,
    start: str | date | None = None,
    end: str | date | None = None,
) -> Frame:
    """Data capture of hourly values: valid hours against the hours of each period.

    The numbers of openair's ``summaryPlot`` (and of
    :func:`indicators.plot.data_capture`, which draws this table): per group,
    period and pollutant, the valid hours, the hours the period holds and their
    ratio in percent, with the mean, median and maximum of the valid hours.
    Capture is openair's definition, a plain share of hours: no validity rule
    is applied. For context, the official validity notions are counts of
    valid values, not a share: GB 3095-2012/2026 Table 4 (a day needs 20 valid
    hours, a month 27 valid days, February 25, a year 324) and HJ 663 §6.1.2;
    :func:`time_average` with ``data_thresh=None`` and
    :func:`~indicators.air.evaluate_period` apply them.

    Parameters
    ----------
    frame : polars or pandas frame
        Hourly values: ``time`` (hour-ending Datetime, China Standard Time,
        naive or Asia/Shanghai; one row per group and hour), the ``by``
        columns and the pollutant columns (µg/m³, CO mg/m³; null or NaN is a
        missing or invalid hour). An hour absent from the frame counts as
        missing.
    by : str or list of str or None, default "station"
        Grouping columns (one row per group); None or ``[]``: the frame is one
        series. Every group of the frame has its rows, a group without a valid
        hour in the period included (0 %).
    freq : str or None, default "month"
        The periods: ``"day"``, ``"week"`` (from Monday), ``"month"``,
        ``"season"`` (DJF, MAM, JJA, SON), ``"quarter"``, ``"year"`` or a
        frequency of a day or longer as :func:`time_average` takes it
        (``"2d"``, ``"1mo"``, ``"MS"``, ...); None: the whole period from
        ``start`` to ``end`` as one row.
    pollutants : list of str, optional
        Columns to count; default the HJ 633 pollutants present (SO2, NO2,
        PM10, CO, O3, PM2.5, in that order).
    start, end : date or 'YYYY-MM-DD', optional
        First and last natural day counted; default the first and last day of
        the data. Periods are cut to these days.

    Returns
    -------
    Frame
        The input's kind (polars, lazy or pandas). One row per group, period
        and pollutant, ordered by group, period and the order of
        ``pollutants``: the ``by`` columns, ``period_start`` and
        ``period_end`` (pl.Date: the first and last natural day of the period
        counted, within ``start`` .. ``end``), ``season`` (``"DJF"``...) for
        seasons, ``pollutant``, ``n_valid``
        (hours with a value), ``n_expected`` (24 × the days counted),
        ``capture_pct`` (``n_valid`` / ``n_expected`` × 100 [%], unrounded),
        ``mean``, ``median`` and ``max`` of the valid hours [the pollutant's
        unit; null without a valid hour].

    Raises
    ------
    IndicatorInputError
        Naming the argument or column: ``time`` missing or not a datetime, a
        time not on the hour, a pollutant column missing or not numeric, no
        pollutant column, a missing group name, two rows for one group and
        hour, an unknown or sub-daily ``freq``, ``end`` before ``start``, no
        rows.

    Notes
    -----
    The hour labelled ``t`` belongs to the natural day holding ``t − 1h``
    (D 01:00 .. D+1 00:00, GB 3095-2026 §3.10), so a day holds 24 hours and
    January 744. A lazy frame is collected (a summary of the whole frame),
    the result given back lazy.

    Examples
    --------
    >>> from datetime import datetime, timedelta
    >>> t = [datetime(2026, 1, 1, 1) + timedelta(hours=h) for h in range(744)]
    >>> h = pl.DataFrame({"station": "S1", "time": t,
    ...                   "PM2.5": [30.0] * 700 + [None] * 44})
    >>> c = data_capture(h)  # January: 700 valid of 31 x 24 = 744 hours
    >>> c.select("station", "period_start", "n_valid", "n_expected").row(0)
    ('S1', datetime.date(2026, 1, 1), 700, 744)
    >>> round(c["capture_pct"][0], 2), c["mean"][0]
    (94.09, 30.0)
    """
    lf, origin = to_lazy(frame, name="frame")
    keys = key_list(by)
    spec = None if freq is None else _parse_period(freq)
    if spec is not None and spec.hourly:
        raise IndicatorInputError(
            "data capture is counted over periods of a day or longer",
            column="freq",
            expected="'day', 'week', 'month', 'season', 'quarter', 'year', '2d', ... or None",
            found=freq,
        )
    schema = lf.collect_schema()
    require_columns(schema, [*keys, "time"], name="frame")
    _require_hour_ending_time(schema)
    pols = (
        list(pollutants)
        if pollutants is not None
        else [p for p in AIR_POLLUTANTS if p in schema and p not in keys]
    )
    if not pols:
        raise IndicatorInputError(
            "no pollutant column",
            file="frame",
            column="pollutants",
            expected=f"any of {list(AIR_POLLUTANTS)} or pollutants=[...]",
            found=f"columns {list(schema)}",
        )
    require_columns(schema, pols, name="frame")
    for p in pols:
        if not (schema[p].is_numeric() or schema[p] == pl.Null):
            raise IndicatorInputError(
                "not a numeric column",
                file="frame",
                column=p,
                expected="numbers",
                found=str(schema[p]),
            )
    s_arg = as_date(start, column="start") if start is not None else None
    e_arg = as_date(end, column="end") if end is not None else None
    df = lf.select(
        *keys,
        pl.col("time").dt.replace_time_zone(None),
        *[pl.col(p).cast(pl.Float64).fill_nan(None) for p in pols],
    ).collect()
    for k in keys:
        if df[k].null_count():
            raise IndicatorInputError(
                "missing group name",
                file="frame",
                column=k,
                expected="a name in every row",
                found=None,
            )
    validation.check_hour_grid(df, "time", file="frame")
    validation.check_unique(
        df, [*keys, "time"], file="frame", what=f"{'/'.join([*keys, 'time'])} row"
    )
    day = (pl.col("time") - pl.duration(hours=1)).dt.date()
    df = df.with_columns(day.alias("_day"))
    s = s_arg if s_arg is not None else df["_day"].min()
    e = e_arg if e_arg is not None else df["_day"].max()
    if s is None or e is None:
        raise IndicatorInputError("no rows", file="frame", column="time", expected="hours", found=0)
    if e < s:
        raise IndicatorInputError(
            "period ends before it starts", column="end", expected=f">= {s}", found=str(e)
        )
    period = pl.lit(s) if spec is None else _period_start(pl.col("_day"), spec)
    periods = (
        pl.DataFrame({"_day": pl.date_range(s, e, "1d", eager=True)})
        .group_by(period.alias("_p"))
        .agg(
            period_start=pl.col("_day").min(),
            period_end=pl.col("_day").max(),
            n_expected=(pl.len() * 24).cast(pl.Int32),
        )
    )
    stats = (
        df.filter(pl.col("_day").is_between(s, e))
        .with_columns(period.alias("_p"))
        .unpivot(index=[*keys, "_p"], on=pols, variable_name="pollutant", value_name="_v")
        .group_by([*keys, "_p", "pollutant"])
        .agg(
            n_valid=pl.col("_v").count().cast(pl.Int32),
            mean=pl.col("_v").mean(),
            median=pl.col("_v").median(),
            max=pl.col("_v").max(),
        )
    )
    grid = periods.join(pl.DataFrame({"pollutant": pols}).with_row_index("_o"), how="cross")
    if keys:
        grid = df.select(keys).unique().join(grid, how="cross")
    out = grid.join(stats, on=[*keys, "_p", "pollutant"], how="left")
    out = out.with_columns(pl.col("n_valid").fill_null(0)).with_columns(
        capture_pct=(100 * pl.col("n_valid")) / pl.col("n_expected"),
    )
    season = (
        [pl.col("_p").dt.month().replace_strict(SEASONS, return_dtype=pl.String).alias("season")]
        if spec is not None and spec.every == "season"
        else []
    )
    out = out.sort([*keys, "period_start", "_o"]).select(
        *keys,
        "period_start",
        "period_end",
        *season,
        "pollutant",
        "n_valid",
        "n_expected",
        "capture_pct",
        pl.col("mean", "median", "max").cast(pl.Float64),
    )
    return finish(out, origin)
