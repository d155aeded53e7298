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
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import polars as pl

from .. import standards, validation
from .._frames import Frame, finish, require_columns, require_dtype, to_lazy
from ..errors import IndicatorInputError
from ..glossary import AIR_POLLUTANTS
from .aqi import (
    category_columns,
    concrete_edition,
    iaqi_expr,
    level_expr,
    special_rule,
)
from .evaluation import limit, round_reported, validity_threshold
from .methods import AirMethod
from .methods import method as air_method

__all__ = ["daily_aqi", "daily_concentrations", "hourly_aqi"]

_MISSING_POLICIES = ("standard", "available", "complete")
_DAILY_MEAN_POLLUTANTS = ("SO2", "NO2", "PM10", "CO", "PM2.5")
_SOURCED = (*_DAILY_MEAN_POLLUTANTS, "O3_MDA8")


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


def _day_and_label(time: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    shifted = time - pl.duration(hours=1)
    return shifted.dt.date().alias("date"), (shifted.dt.hour() + 1).cast(pl.Int8).alias("label")


def _aqi_columns(
    lf: pl.LazyFrame, edition: str, report: str, missing: str, prof: AirMethod | None
) -> pl.LazyFrame:
    """Add iaqi_*, aqi, level, category, colour, primary pollutant for one edition."""
    every = _indicators(edition, report)
    inds = every
    if prof is not None and not prof.o3_1h_in_daily_aqi and report == "daily":
        inds = tuple(row for row in every if not (row[1] == "O3" and row[3] == "1h"))
    schema = lf.collect_schema()
    iaqis = []
    undetermined: list[pl.Expr] = []
    for ind, pol, src, tab in inds:
        expr = iaqi_expr(pl.col(src), pol, tab, edition)
        rule = special_rule(edition, pol, tab)
        if rule is not None and rule["action"] == "use_24h":
            if f"{src}_24h" in schema:
                expr = (
                    pl.when(pl.col(src) > rule["above"])
                    .then(iaqi_expr(pl.col(f"{src}_24h"), pol, "24h", edition))
                    .otherwise(expr)
                )
            else:  # no 24-h value: the IAQI, hence the AQI, cannot be determined
                undetermined.append(pl.col(src) > rule["above"])
        elif rule is not None and rule["action"] == "use_1h":
            # 2012 note 3 scores MDA8 > 800 by the 1-h value, counted or not
            one_h = next((s for _, p, s, t in every if p == pol and t == "1h"), None)
            if one_h is not None:
                expr = (
                    pl.when(pl.col(src) > rule["above"])
                    .then(iaqi_expr(pl.col(one_h), pol, "1h", edition))
                    .otherwise(expr)
                )
        iaqis.append(expr.alias(f"iaqi_{ind}"))
    capped = pl.any_horizontal(
        [iaqi_expr(pl.col(src), pol, tab, edition, capped=True) for _, pol, src, tab in inds]
    )
    lf = lf.with_columns(*iaqis, aqi_capped=capped)
    cols = [pl.col(f"iaqi_{ind}") for ind, *_ in inds]
    raw = pl.max_horizontal(cols)
    n_valid = pl.sum_horizontal([c.is_not_null().cast(pl.Int8) for c in cols])
    n_all = len(inds)
    # pollutants (not indicators) missing: O3 counts once even with two indicators
    pollutant_cols: dict[str, list[pl.Expr]] = {}
    for ind, pol, *_ in inds:
        pollutant_cols.setdefault(pol, []).append(pl.col(f"iaqi_{ind}"))
    n_pol_missing = pl.sum_horizontal(
        [
            pl.all_horizontal([c.is_null() for c in cs]).cast(pl.Int8)
            for cs in pollutant_cols.values()
        ]
    )
    policy = _standard_missing_policy(edition, report) if missing == "standard" else missing
    if policy == "available":
        aqi = raw
    elif policy == "complete":
        aqi = pl.when(n_valid == n_all).then(raw)
    else:  # one_missing_over_100: HJ 633-2026 §5.3.1
        cut = int(
            standards.table("air_aqi_categories").filter(standard=edition, level=2)["aqi_hi"][0]
        )
        aqi = (
            pl.when(n_pol_missing == 0).then(raw).when((n_pol_missing == 1) & (raw > cut)).then(raw)
        )
    if undetermined:
        aqi = pl.when(pl.any_horizontal(undetermined).fill_null(False)).then(None).otherwise(aqi)
    aqi = aqi.cast(pl.Int64)
    lf = lf.with_columns(aqi=aqi, n_indicators=n_valid.cast(pl.Int8))
    lvl = level_expr(pl.col("aqi"), edition)
    lf = lf.with_columns(level=lvl).with_columns(*category_columns(pl.col("level"), edition))
    first_level = int(
        standards.table("air_aqi_categories").filter(standard=edition, level=1)["aqi_hi"][0]
    )
    names = [
        pl.when(
            pl.any_horizontal([c == pl.col("aqi") for c in cs]) & (pl.col("aqi") > first_level)
        ).then(pl.lit(pol))
        for pol, cs in pollutant_cols.items()
    ]
    return lf.with_columns(
        primary_pollutant=pl.concat_str(names, separator=";", ignore_nulls=True),
        edition=pl.lit(edition),
        **({"method": pl.lit(prof.name)} if prof is not None else {}),
    ).with_columns(
        primary_pollutant=pl.when(pl.col("primary_pollutant") != "").then(
            pl.col("primary_pollutant")
        )
    )


def _editions_present(lf: pl.LazyFrame, day: pl.Expr) -> list[str]:
    """HJ 633 editions in force on the days of ``lf`` (one pass over a date column)."""
    found = lf.select(standards.edition_expr("HJ 633", day).unique().alias("e")).collect()
    return found["e"].drop_nulls().to_list()


def _with_edition(
    lf: pl.LazyFrame,
    edition: str,
    report: str,
    missing: str,
    day: pl.Expr,
    prof: AirMethod | None = None,
    present: list[str] | None = None,
) -> pl.LazyFrame:
    """AQI columns under ``edition``; ``auto`` picks the edition in force per row.

    ``present`` (the editions in force on the rows' days, when known cheaply)
    lets ``auto`` skip the split by edition, concatenation and re-sort when the
    rows all fall under one edition.
    """
    standards.resolve_edition("HJ 633", edition)
    if missing not in _MISSING_POLICIES:
        raise IndicatorInputError(
            "unknown missing-pollutant policy",
            column="missing",
            expected=f"one of {list(_MISSING_POLICIES)}",
            found=missing,
        )
    if edition != "auto":
        return _aqi_columns(lf, concrete_edition(edition), report, missing, prof)
    if present is not None and len(present) == 1:
        return _aqi_columns(lf, present[0], report, missing, prof)
    lf = lf.with_row_index("_row")
    in_force = standards.edition_expr("HJ 633", day)
    parts = [
        _aqi_columns(lf.filter(in_force == name), name, report, missing, prof)
        for name in standards.edition_names("HJ 633")
    ]
    return pl.concat(parts, how="diagonal_relaxed").sort("_row").drop("_row")


def _check_hourly(
    lf: pl.LazyFrame, was_lazy: bool, name: str, *, unique: bool = False
) -> pl.LazyFrame:
    """Columns and types, then the validation boundary on the values.

    Eager frames are checked here (negative values, the plausibility bounds of
    table ``plausibility_bounds``, the hour grid); lazy frames get the same
    checks added to their plan (they raise when the result is collected), with
    the duplicate station-hour check too when ``unique``.
    """
    schema = lf.collect_schema()
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
    quantities = validation.column_quantities(list(schema))
    if was_lazy:
        keys = ("station", "time") if unique else ()
        return validation.guard_lazy(
            lf, file=name, quantities=quantities, keys=keys, hour_grid="time", what="station-hour"
        )
    df = lf.collect()
    validation.check_bounds(df, quantities, file=name)
    validation.check_hour_grid(df, "time", file=name)
    return lf


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
        null when AQI <= 50), ``edition`` and ``aqi_capped`` added.

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
    lf = _check_hourly(lf, was_lazy, "hourly")
    day = (pl.col("time") - pl.duration(hours=1)).dt.date()
    present = None if was_lazy or edition != "auto" else _editions_present(lf, day)
    return finish(_with_edition(lf, edition, "hourly", missing, day, present=present), was_lazy)


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
        .join(lf.select(*keys, "label"), on=[*keys, "label"], how="anti")
    )
    return pl.concat([lf, absent], how="diagonal_relaxed")


def _sorted_and_complete(base: pl.LazyFrame) -> bool:
    """Whether rows are sorted by station and time with every station-day complete (24 rows)."""
    same = pl.col("station") == pl.col("station").shift(1)
    last = pl.col("station") != pl.col("station").shift(-1)
    # a new station run must sort after the previous one, or a station could come back
    # later with a repeated day (which would count twice)
    step_ok = (
        pl.when(same)
        .then((pl.col("time") - pl.col("time").shift(1)) == pl.duration(hours=1))
        .otherwise(
            (pl.col("label") == 1)
            & (pl.col("station") > pl.col("station").shift(1)).fill_null(True)
        )
    )
    end_ok = pl.when(last).then(pl.col("label") == 24).otherwise(True)
    return bool(
        base.select((step_ok.fill_null(False) & end_ok.fill_null(True)).all()).collect().item()
    )


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


def _o3_windows(
    base: pl.LazyFrame, keys: list[str], fast: bool, min_hours_o3_8h: int, published: bool
) -> pl.LazyFrame:
    """O3 8-h windows ending at labels 8..24 of each station-day (``o3_8h``)."""
    rolling = pl.col("O3").rolling_mean(8, min_samples=min_hours_o3_8h)
    if published:  # CNEMC's own 8-h means where published, the hours' otherwise
        rolling = pl.coalesce(pl.col("O3_8h"), rolling)
    cols = [*keys, "label", "O3", *(["O3_8h"] if published else [])]
    if fast:  # rows already contiguous per station-day, labels 1..24 in order
        o3 = base.select(*keys, "label", rolling.alias("o3_8h"))
    else:
        o3 = (
            _complete_station_days(base.select(cols), keys)
            .sort(*keys, "label")
            .select(*keys, "label", rolling.alias("o3_8h"))
        )
    # windows ending at labels 8..24 lie inside the day, so positional rolling is exact
    return o3.filter(pl.col("label") >= 8)


def _o3_limit(day: pl.Expr) -> pl.Expr:
    """GB 3095 O3 8-h limit of the edition in force on each day [µg/m³]."""
    values = {ed.name: limit(ed.name, "O3", "daily_max_8h") for ed in standards.EDITIONS["GB 3095"]}
    return standards.by_edition("GB 3095", day, values)


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
        (CNEMC label 0), is not a row.

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
    lf = _check_hourly(lf, was_lazy, "hourly", unique=True)
    min_hours = min_hours if min_hours is not None else validity_threshold("daily_mean")
    min_hours_o3_1h = min_hours if min_hours_o3_1h is None else min_hours_o3_1h
    min_hours_o3_8h = (
        min_hours_o3_8h if min_hours_o3_8h is not None else validity_threshold("o3_8h_mean")
    )
    min_windows_mda8 = (
        min_windows_mda8 if min_windows_mda8 is not None else validity_threshold("o3_mda8")
    )
    schema = lf.collect_schema()
    published = _published(schema, prof.published_station_values)
    windows_published = prof.published_station_values and "O3_8h" in schema
    extra = [*published.values(), *(["O3_8h"] if windows_published else [])]
    basis = ["data_basis"] if "data_basis" in schema else []
    date_e, label_e = _day_and_label(pl.col("time"))
    keys = ["station", "date"]
    base = lf.select(
        "station",
        "time",
        *[_non_negative(c) for c in (*AIR_POLLUTANTS, *extra)],
        *basis,
        date_e,
        label_e,
    )
    # The hour labelled 0 of the data's first date closes the day before it: that day
    # lies outside the data (its other hours were not read), so it is not a day of them.
    base = base.filter(pl.col("date") >= pl.col("time").min().dt.date())
    fast = not was_lazy and _sorted_and_complete(base)
    if not was_lazy and not fast:
        # Sorted complete hours cannot repeat: within a station run time rises by exactly
        # one hour and each new run's station sorts after the previous one, so a
        # station-hour repeated anywhere (even after another station's rows) breaks the
        # fast path and is caught here. Lazy inputs are checked in their plan
        # (_check_hourly with unique=True).
        validation.check_unique(
            lf.collect(), ["station", "time"], file="hourly", what="station-hour"
        )
    mda8 = (
        _o3_windows(base, keys, fast, min_hours_o3_8h, windows_published)
        .group_by(keys)
        .agg(
            _O3_8h_max=pl.col("o3_8h").max(),
            n_O3_8h=pl.col("o3_8h").count().cast(pl.Int32),
        )
    )
    closing = pl.col("label") == 24  # label 0 of D+1: CNEMC's daily value of D
    means = base.group_by(keys).agg(
        *[pl.col(p).mean().alias(f"_{p}") for p in _DAILY_MEAN_POLLUTANTS],
        *[pl.col(p).count().cast(pl.Int32).alias(f"n_{p}") for p in _DAILY_MEAN_POLLUTANTS],
        *[pl.col(col).filter(closing).first().alias(f"_pub_{s}") for s, col in published.items()],
        *[pl.col(c).drop_nulls().first() for c in basis],
        _O3_1h_max=pl.col("O3").max(),
        n_O3=pl.col("O3").count().cast(pl.Int32),
        n_hours=pl.len().cast(pl.Int32),
    )
    o3_limit = _o3_limit(pl.col("date"))

    def from_hours(stat: str) -> pl.Expr:
        return pl.when(pl.col(f"n_{stat}") >= min_hours).then(pl.col(f"_{stat}"))

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

    partial = pl.col("n_O3_8h") < min_windows_mda8
    mda8_hours = pl.when(~partial | (pl.col("_O3_8h_max") > o3_limit)).then(pl.col("_O3_8h_max"))
    out = (
        means.join(mda8, on=keys, how="left")
        .with_columns(n_O3_8h=pl.col("n_O3_8h").fill_null(0))
        .with_columns(
            *[value(p, from_hours(p)) for p in _DAILY_MEAN_POLLUTANTS],
            *[source(p, from_hours(p)) for p in _DAILY_MEAN_POLLUTANTS],
            O3_1h_max=pl.when(pl.col("n_O3") >= min_hours_o3_1h).then(pl.col("_O3_1h_max")),
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
        .sort(keys)
    )
    return finish(out, was_lazy)


_DAILY_STATS = (*_DAILY_MEAN_POLLUTANTS, "O3_1h_max", "O3_MDA8")


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


def _group_mda8(schema: pl.Schema, round_daily: bool) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """Group O3 MDA8 and its station count, with the 14-window exception on the group mean.

    Returns the aggregations and the expressions that finish them. HJ 663 §6.1.2
    lets a day with fewer than 14 valid 8-h windows count when its maximum is
    over the limit: missing windows can only raise a maximum. Applied to each
    station before averaging it keeps the high incomplete stations and drops
    the low ones, which biases the mean upwards. Here the mean is over the
    stations with enough windows; only when no station has enough is the mean
    of the partial maxima (a lower bound of the group value) used, and only
    when that lower bound is itself over the limit.
    """
    if "O3_8h_max" not in schema or "O3_MDA8_partial" not in schema:  # older station tables
        return [
            pl.col("O3_MDA8").mean(),
            pl.col("O3_MDA8").count().cast(pl.Int32).alias("n_stations_O3_MDA8"),
        ], []
    full = pl.col("O3_8h_max").filter(~pl.col("O3_MDA8_partial"))
    aggs = [
        full.mean().alias("_mda8_full"),
        full.count().alias("_n_full"),
        pl.col("O3_8h_max").mean().alias("_mda8_lower"),
        pl.col("O3_8h_max").count().alias("_n_lower"),
    ]
    lower = pl.col("_mda8_lower")
    shown = round_reported(lower, "O3") if round_daily else lower
    has_full = pl.col("_n_full") > 0
    over = shown > _o3_limit(pl.col("date"))
    finish_exprs = [
        pl.when(has_full).then(pl.col("_mda8_full")).when(over).then(lower).alias("O3_MDA8"),
        pl.when(has_full)
        .then(pl.col("_n_full"))
        .when(over)
        .then(pl.col("_n_lower"))
        .otherwise(0)
        .cast(pl.Int32)
        .alias("n_stations_O3_MDA8"),
    ]
    return aggs, finish_exprs


def _aggregate_stations(
    day_stats: pl.LazyFrame,
    members: pl.LazyFrame,
    group: list[str],
    prof: AirMethod,
    min_stations: int,
) -> pl.LazyFrame:
    """Group daily values: the mean over the member stations that have a value (HJ 663)."""
    keys = [*group, "date"]
    joined = day_stats.join(members, on="station", how="inner")
    schema = joined.collect_schema()
    mda8_aggs, mda8_finish = _group_mda8(schema, prof.round_daily)
    plain = [s for s in _DAILY_STATS if s != "O3_MDA8"]
    sources = [f"source_{s}" for s in _SOURCED if f"source_{s}" in schema]
    basis = ["data_basis"] if "data_basis" in schema else []
    return (
        joined.group_by(keys)
        .agg(
            *[pl.col(s).mean() for s in plain],
            *[pl.col(s).count().cast(pl.Int32).alias(f"n_stations_{s}") for s in plain],
            *mda8_aggs,
            *[pl.col(c).drop_nulls().unique().sort().str.join("+").alias(c) for c in sources],
            *[pl.col(c).drop_nulls().unique().sort().str.join("+").alias(c) for c in basis],
        )
        .with_columns(mda8_finish)
        .drop("_mda8_full", "_n_full", "_mda8_lower", "_n_lower", strict=False)
        .with_columns(
            *[
                pl.when(pl.col(f"n_stations_{s}") >= min_stations).then(pl.col(s)).alias(s)
                for s in _DAILY_STATS
            ],
            *[pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in (*sources, *basis)],
        )
        .sort(keys)
    )


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
        has no rows (it has no city value).

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
    if level not in ("station", "city"):
        raise IndicatorInputError(
            "unknown level", column="level", expected="'station' or 'city'", found=level
        )
    prof = air_method(method)
    lf, was_lazy = to_lazy(hourly, name="hourly")
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
    schema = lf.collect_schema()
    if "time" not in schema and "date" in schema:
        # station daily statistics already computed (daily_concentrations or daily_aqi output)
        require_columns(schema, ["station", "date", *_DAILY_STATS], name="hourly")
        day_stats = lf
    else:
        day_stats = daily_concentrations(lf if was_lazy else lf.collect(), method=prof)
        day_stats = day_stats.lazy() if isinstance(day_stats, pl.DataFrame) else day_stats
    # the days' editions, read from eager-backed daily values (cheap; the groups' days are a subset)
    present = (
        None if was_lazy or edition != "auto" else _editions_present(day_stats, pl.col("date"))
    )
    if group:
        st, _ = to_lazy(stations, name="stations")
        st = st.collect()
        require_columns(st.schema, ["station", "background", *group], name="stations")
        # a station listed twice would count in two groups (or twice in one)
        validation.check_unique(st, ["station"], file="stations", what="station code")
        _check_stations(lf, st)
        members = st.lazy().filter(~pl.col("background")).select("station", *group)
        day_stats = _aggregate_stations(day_stats, members, group, prof, min_stations)
    if prof.round_daily:
        stats_schema = day_stats.collect_schema()
        day_stats = day_stats.with_columns(
            round_reported(pl.col(s), s).alias(s) for s in _DAILY_STATS if s in stats_schema
        )
    out = _with_edition(day_stats, edition, "daily", missing, pl.col("date"), prof, present)
    return finish(out, was_lazy)
