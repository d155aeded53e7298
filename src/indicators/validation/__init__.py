"""The validation boundary: value checks every path into the package runs.

Readers (:mod:`indicators.io`), ingest, ``indicators check`` and the frame
functions of the domains call these checks, so that one rule decides what a
plausible value, a duplicate or a valid hour is.

- **Plausibility** (project plausibility bounds, table ``plausibility_bounds``):
  a hard lower and upper bound per quantity and unit, beyond which a value is
  an :class:`~indicators.errors.IndicatorInputError` naming the likely unit
  mistake (CO in µg/m³ instead of mg/m³, a missing-value code such as 99999),
  and a softer warning band that emits an
  :class:`~indicators.errors.IndicatorWarning`. The bounds are generous: real
  extreme episodes (dust storms, smelter plumes) pass.
- **Negative values** where the quantity cannot be negative (everything except
  ORP, water temperature, longitude and latitude).
- **Duplicate keys** (the keys of :data:`indicators.contract.TABLES`).
- **Hour grid**: station-hour times on the hour (hh:00:00).
- **Empty, header-only and truncated** CSV text, and **strict decoding**
  (UTF-8, UTF-8 with BOM or GB18030; never lossy).

Rows are rows of the input as given: 1-based, counted before any filtering,
or the file rows a reader passes as ``rows=``.

Examples
--------
>>> from datetime import datetime
>>> hours = pl.DataFrame({"station": ["1001A"], "time": [datetime(2019, 1, 1, 1)],
...     "SO2": [15.0], "NO2": [75.0], "PM10": [76.0], "CO": [1200.0], "O3": [30.0],
...     "PM2.5": [53.0]})
>>> validate_table("station_hours", hours, file="hours.parquet")
Traceback (most recent call last):
...
indicators.errors.IndicatorInputError: hours.parquet, row 1, column 'CO': value beyond the \
plausibility bound (expected CO <= 60 mg/m³ (likely: CO in µg/m³ (or ppb) instead of mg/m³ \
(×1000)?), found 1200.0)
"""

from __future__ import annotations

import csv
import gzip
import warnings
import zlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from .. import standards
from .._frames import Frame
from ..contract import TABLES, check_schema
from ..errors import IndicatorInputError, IndicatorWarning

__all__ = [
    "MISSING_CODES",
    "NEGATIVE_ALLOWED",
    "UNITS_PER_HOUR",
    "bound",
    "check_bounds",
    "check_bounds_by_row",
    "check_csv_text",
    "check_hour_grid",
    "check_long_bounds",
    "check_non_negative",
    "check_not_empty",
    "check_unique",
    "column_quantities",
    "columns_beyond",
    "decode_text",
    "guard_lazy",
    "plausibility_bounds",
    "read_bytes",
    "read_text",
    "soft_band",
    "strictly_increasing",
    "validate_table",
]

#: Values data providers write for "missing" (缺测代码); beyond a bound they are named
#: as such in the error instead of a unit mistake.
MISSING_CODES: tuple[float, ...] = (-9999.0, -999.0, -99.0, -1.0, 9999.0, 99999.0, 999999.0)

#: Quantities (or columns) that can legitimately be negative.
NEGATIVE_ALLOWED: frozenset[str] = frozenset({"ORP", "WaterTemp", "lon", "lat"})

#: Column name -> quantity of the ``plausibility_bounds`` table, where the name differs.
_ALIASES: dict[str, str] = {
    "leq_day": "Leq",
    "leq_night": "Leq",
    "leq": "Leq",
    "O3_8h": "O3",
    "O3_8h_24h": "O3",
    **{f"{p}_24h": p for p in ("SO2", "NO2", "PM10", "CO", "O3", "PM2.5")},
}
_TABLE = "plausibility_bounds"
_MISSING_CODE_TEXT = "a missing-value code (such as 99999 or -99) written as a value?"


@cache
def plausibility_bounds() -> pl.DataFrame:
    """The project plausibility bounds, table ``plausibility_bounds`` (one row per quantity).

    Columns ``quantity``, ``unit``, ``lower``, ``upper`` (hard bounds: beyond them
    a value is an error), ``warn_lower``, ``warn_upper`` (the softer band: a
    warning), ``likely_mistake`` and ``notes``.
    """
    return standards.table(_TABLE).with_columns(
        pl.col(c).cast(pl.Float64) for c in ("lower", "upper", "warn_lower", "warn_upper")
    )


@cache
def _bounds() -> dict[str, dict[str, Any]]:
    return {r["quantity"]: r for r in plausibility_bounds().iter_rows(named=True)}


def bound(quantity: str) -> dict[str, Any] | None:
    """The row of the project plausibility bounds (table ``plausibility_bounds``) for a quantity.

    Parameters
    ----------
    quantity : str
        Quantity of the table (``"PM2.5"``, ``"CO"``, ``"Leq"`` ...); None is
        returned for a quantity without bounds.

    Examples
    --------
    >>> bound("CO")["upper"], bound("CO")["unit"]
    (60.0, 'mg/m³')
    """
    return _bounds().get(quantity)


def column_quantities(columns: Sequence[str]) -> dict[str, str]:
    """Columns of a wide table that have project plausibility bounds -> their quantity.

    ``PM2.5_24h`` and ``O3_8h`` are bounded as ``PM2.5`` and ``O3``, ``leq_day``
    and ``leq_night`` as ``Leq`` (table ``plausibility_bounds``).

    Parameters
    ----------
    columns : sequence of str
        Column names of a wide table; columns without bounds are left out.

    Examples
    --------
    >>> column_quantities(["station", "CO", "O3_8h", "leq_day"])
    {'CO': 'CO', 'O3_8h': 'O3', 'leq_day': 'Leq'}
    """
    out = {}
    for c in columns:
        q = _ALIASES.get(c, c)
        if q in _bounds():
            out[c] = q
    return out


# --------------------------------------------------------------------------- row helpers


def _row_of(i: int, rows: pl.Series | Sequence[int] | None) -> int:
    """1-based row of position ``i`` (``rows`` maps positions to file rows)."""
    return int(rows[i]) if rows is not None else i + 1


def _first_cell(df: pl.DataFrame, masks: dict[str, pl.Expr]) -> tuple[int, str] | None:
    """Position and column of the first cell (row-major) where a mask holds; one pass."""
    if df.height == 0 or not masks:
        return None
    exprs = [m.fill_null(False) for m in masks.values()]
    i = df.select(pl.any_horizontal(exprs).arg_true().first()).item()
    if i is None:
        return None
    flags = df.slice(i, 1).select(e.alias(str(k)) for k, e in enumerate(exprs)).row(0)
    col = next(c for c, f in zip(masks, flags, strict=True) if f)
    return int(i), col


def _bound_error(
    quantity: str, value: float, *, file: str, row: int, column: str, prefix: str = ""
) -> IndicatorInputError:
    """The error for ``value`` of ``quantity`` beyond its bound (negative: its own wording)."""
    b = bound(quantity)
    low = value < b["lower"]
    negative = low and b["lower"] == 0
    return IndicatorInputError(
        _negative_text(b) if negative else "value beyond the plausibility bound",
        file=file,
        row=row,
        column=column,
        expected=">= 0"
        if negative and value not in MISSING_CODES
        else f"{prefix}{_limits_text(quantity, b, low)} (likely: {_mistake(value, quantity)})",
        found=value,
    )


def _negative_text(b: dict[str, Any]) -> str:
    if b["unit"] in ("µg/m³", "mg/m³", "mg/L"):
        return "negative value (a negative concentration is impossible)"
    return "negative value"


def _mistake(value: float, quantity: str) -> str:
    if value in MISSING_CODES:
        return _MISSING_CODE_TEXT
    return bound(quantity)["likely_mistake"] or "a unit mistake?"


def _limits_text(q: str, b: dict[str, Any], lower: bool) -> str:
    unit = "" if b["unit"] == "dimensionless" else f" {b['unit']}"
    if lower:
        return f"{q} >= {b['lower']:g}{unit}"
    return f"{q} <= {b['upper']:g}{unit}"


def _is_numeric(df: pl.DataFrame | pl.Schema, c: str) -> bool:
    schema = df.schema if isinstance(df, pl.DataFrame) else df
    return schema[c].is_numeric()


def _num(df: pl.DataFrame | pl.Schema, c: str) -> pl.Expr:
    """Column ``c`` with NaN as null (NaN is a missing value, not an implausible one)."""
    schema = df.schema if isinstance(df, pl.DataFrame) else df
    return pl.col(c).fill_nan(None) if schema[c].is_float() else pl.col(c)


# --------------------------------------------------------------------------- value checks


def check_non_negative(
    df: pl.DataFrame,
    columns: Sequence[str],
    *,
    file: str,
    rows: pl.Series | Sequence[int] | None = None,
) -> None:
    """Reject a negative value in any of ``columns`` (project plausibility bounds).

    A concentration, a level or a count cannot be negative (see
    :data:`NEGATIVE_ALLOWED` for the quantities that can).

    Parameters
    ----------
    df : polars.DataFrame
        The values; non-numeric columns are skipped.
    columns : sequence of str
        Columns that must not be negative (those absent are skipped).
    file : str
        The file (or argument) named in messages.
    rows : sequence of int, optional
        File row of each position (default: the 1-based position).

    Raises
    ------
    IndicatorInputError
        Naming ``file``, the row (``rows[i]`` or the 1-based position), the column
        and the value; -99 and the like are named as missing-value codes.
    """
    schema = df.schema
    cols = [c for c in columns if c in schema and _is_numeric(schema, c)]
    hit = _first_cell(df, {c: _num(schema, c) < 0 for c in cols})
    if hit is None:
        return
    i, col = hit
    value = df[col][i]
    raise IndicatorInputError(
        "negative value",
        file=file,
        row=_row_of(i, rows),
        column=col,
        expected=">= 0" + (f" (likely: {_MISSING_CODE_TEXT})" if value in MISSING_CODES else ""),
        found=value,
    )


def columns_beyond(
    df: pl.DataFrame, quantities: Mapping[str, str], *, soft: bool = False
) -> list[str]:
    """Columns with a value beyond their plausibility bounds (table ``plausibility_bounds``).

    One pass of minima and maxima (NaN and nulls are missing values, not beyond).

    Parameters
    ----------
    df : polars.DataFrame
        The values, in the units of the table.
    quantities : mapping
        Column -> quantity of the table (columns absent or not numeric are skipped).
    soft : bool, default False
        The softer band (``warn_lower``/``warn_upper``) instead of the hard bounds.

    Returns
    -------
    list of str
        The columns, in the order of ``quantities``.
    """
    return _beyond(_column_ends(df, quantities), quantities, soft=soft)


def soft_band(df: pl.DataFrame, quantities: Mapping[str, str]) -> pl.Expr | None:
    """Rows with a value outside the soft band of ``plausibility_bounds`` (None: no such row).

    The rows :func:`check_bounds` warns about; the masks are built only for the columns
    whose minimum or maximum lies outside (:func:`columns_beyond`).

    Parameters
    ----------
    df : polars.DataFrame
        The values, in the units of the table.
    quantities : mapping
        Column -> quantity of the table.

    Returns
    -------
    polars.Expr or None
        True on the rows outside the band (nulls false); None when no row is.
    """
    masks = [
        _soft_mask(df.schema, c, quantities[c]) for c in columns_beyond(df, quantities, soft=True)
    ]
    masks = [m for m in masks if m is not None]
    return pl.any_horizontal(masks).fill_null(False) if masks else None


def _soft_mask(schema: pl.Schema, c: str, quantity: str) -> pl.Expr | None:
    """Column ``c`` outside the soft band of ``quantity`` (None: the band has no edge)."""
    b, x = bound(quantity), _num(schema, c)
    band = [
        x < b["warn_lower"] if b["warn_lower"] is not None else None,
        x > b["warn_upper"] if b["warn_upper"] is not None else None,
    ]
    band = [e for e in band if e is not None]
    return pl.any_horizontal(band) if band else None


def _beyond(
    ends: Mapping[str, tuple[Any, Any]], quantities: Mapping[str, str], *, soft: bool
) -> list[str]:
    """The columns whose minimum or maximum lies beyond their bounds (or the soft band)."""
    names = ("warn_lower", "warn_upper") if soft else ("lower", "upper")
    out = []
    for c, (lo, hi) in ends.items():
        b = bound(quantities[c])
        low, high = b[names[0]], b[names[1]]
        if (low is not None and lo is not None and lo < low) or (
            high is not None and hi is not None and hi > high
        ):
            out.append(c)
    return out


def _column_ends(df: pl.DataFrame, quantities: Mapping[str, str]) -> dict[str, tuple[Any, Any]]:
    """Minimum and maximum of each bounded numeric column (NaN and null ignored), one pass."""
    cols = [
        c
        for c, q in quantities.items()
        if c in df.schema and _is_numeric(df.schema, c) and bound(q) is not None
    ]
    if not cols or df.height == 0:
        return {}
    row = df.select(
        *[pl.col(c).min().alias(f"{i}_min") for i, c in enumerate(cols)],
        *[pl.col(c).max().alias(f"{i}_max") for i, c in enumerate(cols)],
    ).row(0, named=True)
    return {c: (row[f"{i}_min"], row[f"{i}_max"]) for i, c in enumerate(cols)}


def check_bounds(
    df: pl.DataFrame,
    quantities: Mapping[str, str] | None = None,
    *,
    file: str,
    rows: pl.Series | Sequence[int] | None = None,
    warn: bool = True,
    messages: list[str] | None = None,
) -> pl.Expr | None:
    """Check wide columns against the project plausibility bounds, table ``plausibility_bounds``.

    Parameters
    ----------
    df : polars.DataFrame
        The values, in the units of the table (µg/m³, CO mg/m³, dB(A) ...).
    quantities : mapping, optional
        Column -> quantity of the table; default :func:`column_quantities`.
    file : str
        The file (or argument) named in messages.
    rows : sequence of int, optional
        File row of each position (default: the 1-based position).
    warn : bool, default True
        Whether to warn of cells outside the softer band (False: the caller does, e.g.
        once for a frame checked in parts; :func:`soft_band`).
    messages : list of str, optional
        Where to put the warning's text instead of warning (e.g. from a thread: the
        caller warns).

    Returns
    -------
    polars.Expr or None
        With ``warn=False``: :func:`soft_band` of ``df`` (from the same one pass over
        the columns' ends), for the caller to warn of; None otherwise.

    Raises
    ------
    IndicatorInputError
        At the first cell beyond a hard bound, naming file, row, column, the bound
        and the likely mistake. A cell inside the bounds but outside the softer
        band emits one :class:`~indicators.errors.IndicatorWarning` per call.
    """
    if quantities is None:
        quantities = column_quantities(df.columns)
    schema = df.schema
    cols = {c: q for c, q in quantities.items() if c in schema and _is_numeric(schema, c)}
    if not cols or df.height == 0:
        return None
    hard: dict[str, pl.Expr] = {}
    soft: dict[str, pl.Expr] = {}
    ends = _column_ends(df, cols)
    # masks only of the columns whose ends lie beyond (a mask costs five times the ends)
    beyond_hard = _beyond(ends, cols, soft=False)
    beyond_soft = _beyond(ends, cols, soft=True)
    for c, q in cols.items():
        if c in beyond_hard:
            b, x = bound(q), _num(schema, c)
            hard[c] = (x < b["lower"]) | (x > b["upper"])
        band = _soft_mask(schema, c, q) if c in beyond_soft else None
        if band is not None:
            soft[c] = band
    hit = _first_cell(df, hard)
    if hit is not None:
        i, col = hit
        raise _bound_error(cols[col], df[col][i], file=file, row=_row_of(i, rows), column=col)
    if not warn:
        return pl.any_horizontal(soft.values()).fill_null(False) if soft else None
    hit = _first_cell(df, soft)
    if hit is not None:
        i, col = hit
        q, b = cols[col], bound(cols[col])
        n = df.select(soft[col].fill_null(False).sum()).item()
        lo = b["warn_lower"] if b["warn_lower"] is not None else b["lower"]
        hi = b["warn_upper"] if b["warn_upper"] is not None else b["upper"]
        message = (
            f"{file}, row {_row_of(i, rows)}, column {col!r}: {df[col][i]!r} is outside the "
            f"usual range of {q} ({lo:g}-{hi:g} {b['unit']}; {n} value(s)); "
            f"check it ({b['likely_mistake']})"
        )
        if messages is not None:
            messages.append(message)
        else:
            warnings.warn(message, IndicatorWarning, stacklevel=3)


def check_bounds_by_row(
    df: pl.DataFrame,
    columns: Sequence[str],
    quantity: str,
    *,
    file: str,
    rows: pl.Series | Sequence[int] | None = None,
) -> None:
    """Check wide columns whose quantity varies by row (the CNEMC archive's ``type`` rows).

    Project plausibility bounds, table ``plausibility_bounds``: the quantity of
    each row is the value of column ``quantity`` (``PM2.5_24h`` is bounded as
    ``PM2.5``); rows of a quantity without bounds (``AQI``) must not be negative.
    One pass over the frame.

    Parameters
    ----------
    df : polars.DataFrame
        The wide frame, one quantity per row.
    columns : sequence of str
        Value columns to check (those absent or not numeric are skipped).
    quantity : str
        Column naming each row's quantity (e.g. the CNEMC ``type``).
    file : str
        The file (or argument) named in messages.
    rows : sequence of int, optional
        File row of each position (default: the 1-based position).

    Raises
    ------
    IndicatorInputError
        At the first cell (row-major) beyond its row's bound, naming file, row,
        column, the bound and the likely mistake.
    """
    schema = df.schema  # built once: a CNEMC daily frame has ~1,600 columns
    cols = [c for c in columns if c in schema and _is_numeric(schema, c)]
    if not cols or df.height == 0:
        return
    kinds = df[quantity].unique().drop_nulls().to_list()
    lookup = {k: column_quantities([k]).get(k) for k in kinds}
    q = pl.col(quantity).replace_strict(lookup, default=None, return_dtype=pl.String)
    tab = {r["quantity"]: r for r in plausibility_bounds().iter_rows(named=True)}

    def per_row(field: str, default: float | None) -> pl.Expr:
        values = {k: (tab[v][field] if v else None) for k, v in lookup.items()}
        values = {k: (default if x is None else x) for k, x in values.items()}
        return pl.col(quantity).replace_strict(values, default=default, return_dtype=pl.Float64)

    lo, hi = per_row("lower", 0.0), per_row("upper", float("inf"))
    frame = df.select(*cols, _q=q, _lo=lo, _hi=hi)
    masks = {c: (_num(schema, c) < pl.col("_lo")) | (_num(schema, c) > pl.col("_hi")) for c in cols}
    hit = _first_cell(frame, masks)
    if hit is None:
        return
    i, col = hit
    name, value = frame["_q"][i], frame[col][i]
    if name is None:
        raise IndicatorInputError(
            "negative value",
            file=file,
            row=_row_of(i, rows),
            column=col,
            expected=">= 0",
            found=value,
        )
    raise _bound_error(
        name, value, file=file, row=_row_of(i, rows), column=col, prefix=f"{df[quantity][i]}: "
    )


def check_long_bounds(
    df: pl.DataFrame,
    *,
    file: str,
    rows: pl.Series | Sequence[int] | None = None,
) -> None:
    """Check long-form results (``item``, ``value``, ``unit``) against the bounds.

    Project plausibility bounds, table ``plausibility_bounds``: each row whose
    ``item`` is a quantity of the table, in the table's unit (the canonical unit
    of the item), is checked; ``value`` and ``detection_limit`` must not be
    negative.

    Parameters
    ----------
    df : polars.DataFrame
        Long-form results: ``item``, ``value``, ``unit`` and optionally
        ``detection_limit``.
    file : str
        The file (or argument) named in messages.
    rows : sequence of int, optional
        File row of each position (default: the 1-based position).

    Raises
    ------
    IndicatorInputError
        Naming file, row, column ``value``, the item, the bound and the likely mistake.
    """
    check_non_negative(df, ["value", "detection_limit"], file=file, rows=rows)
    if df.height == 0 or "item" not in df.columns or "value" not in df.columns:
        return
    tab = plausibility_bounds().select(
        pl.col("quantity").alias("item"),
        pl.col("unit").alias("_bunit"),
        "lower",
        "upper",
        "warn_lower",
        "warn_upper",
    )
    j = df.select(
        pl.col("item").cast(pl.String),
        pl.col("value").cast(pl.Float64).fill_nan(None),
        *(["unit"] * ("unit" in df.columns)),
    ).join(tab, on="item", how="left", maintain_order="left")
    same_unit = pl.col("_bunit").is_not_null()
    if "unit" in df.columns:
        same_unit = same_unit & (pl.col("unit").is_null() | (pl.col("unit") == pl.col("_bunit")))
    v = pl.col("value")
    hard = same_unit & ((v < pl.col("lower")) | (v > pl.col("upper")))
    i = j.select(hard.fill_null(False).arg_true().first()).item()
    if i is not None:
        r = j.row(i, named=True)
        q, value = r["item"], r["value"]
        b = bound(q)
        raise IndicatorInputError(
            f"{q} value beyond the plausibility bound",
            file=file,
            row=_row_of(i, rows),
            column="value",
            expected=f"{_limits_text(q, b, value < b['lower'])} (likely: {_mistake(value, q)})",
            found=value,
        )
    soft = same_unit & ((v < pl.col("warn_lower")) | (v > pl.col("warn_upper")))
    i = j.select(soft.fill_null(False).arg_true().first()).item()
    if i is not None:
        r = j.row(i, named=True)
        warnings.warn(
            f"{file}, row {_row_of(i, rows)}, column 'value': {r['item']} {r['value']!r} is "
            f"outside its usual range; check it ({bound(r['item'])['likely_mistake']})",
            IndicatorWarning,
            stacklevel=3,
        )


def check_unique(
    df: pl.DataFrame,
    keys: Sequence[str],
    *,
    file: str,
    rows: pl.Series | Sequence[int] | None = None,
    what: str | None = None,
) -> None:
    """Reject a key present twice (the keys of :data:`indicators.contract.TABLES`).

    Parameters
    ----------
    df : polars.DataFrame
        The table.
    keys : sequence of str
        Key columns (those absent are skipped).
    file : str
        The file (or argument) named in messages.
    rows : sequence of int, optional
        File row of each position (default: the 1-based position).
    what : str, optional
        What the key is called in the message (default: the key columns).

    Raises
    ------
    IndicatorInputError
        Naming the file, the row of the second occurrence, the key columns, the
        key value and the row of the first occurrence.
    """
    keys = [k for k in keys if k in df.columns]
    if not keys or df.height < 2:
        return
    key = pl.struct(keys) if len(keys) > 1 else pl.col(keys[0])
    i = df.select((~key.is_first_distinct()).arg_true().first()).item()
    if i is None:
        return
    value = df.row(i, named=True)
    same = pl.all_horizontal(
        pl.col(k).eq_missing(pl.lit(value[k], dtype=df.schema[k])) for k in keys
    )
    first = int(df.select(same.arg_true().first()).item())
    found = " ".join(str(value[k]) for k in keys)
    raise IndicatorInputError(
        f"{what or ', '.join(keys)} appears twice (rows {_row_of(first, rows)} and "
        f"{_row_of(i, rows)})",
        file=file,
        row=_row_of(i, rows),
        column=keys[-1] if len(keys) > 1 else keys[0],
        expected=f"each {'/'.join(keys)} once (also row {_row_of(first, rows)})",
        found=found,
    )


#: Time zones whose offset from UTC is a whole number of hours from the start of the
#: year given on (tzdata: Asia/Shanghai kept local mean time, +08:05:43, until 1901;
#: CST +8 and its summer times +9 since).
_WHOLE_HOUR_ZONES = {"UTC": 1, "Asia/Shanghai": 1901}

#: An hour in each polars Datetime time unit.
UNITS_PER_HOUR = {"ns": 3_600_000_000_000, "us": 3_600_000_000, "ms": 3_600_000}


def _off_the_hour(df: pl.DataFrame, column: str) -> pl.Expr:
    """Whether each time of ``column`` (a Datetime) is not on the hour of its clock.

    A naive time counts time units from midnight of its clock, a zoned one from
    midnight UTC: where the zone's offset is whole hours, both are on the hour
    together, and the remainder of an hour says it (one integer pass; truncating to
    the hour in a time zone costs fifty times more). Other zones and dates are
    truncated to the hour.
    """
    dtype = df.schema[column]
    time = pl.col(column)
    zone = dtype.time_zone
    if zone is not None and zone in _WHOLE_HOUR_ZONES:
        first = df.select(time.min()).item()
        since = datetime(_WHOLE_HOUR_ZONES[zone], 1, 1, tzinfo=ZoneInfo(zone))
        zone = None if first is None or first >= since else zone
    if zone is None:
        return (time.to_physical() % UNITS_PER_HOUR[dtype.time_unit]) != 0
    return time != time.dt.truncate("1h")


def check_hour_grid(
    df: pl.DataFrame,
    column: str = "time",
    *,
    file: str,
    rows: pl.Series | Sequence[int] | None = None,
) -> None:
    """Reject a time that is not on the hour (hour-ending hh:00:00, GB 3095-2026 §3.10 hours).

    Parameters
    ----------
    df : polars.DataFrame
        The table.
    column : str, default "time"
        Datetime column to check (skipped when absent or not a Datetime).
    file : str
        The file (or argument) named in messages.
    rows : sequence of int, optional
        File row of each position (default: the 1-based position).

    Raises
    ------
    IndicatorInputError
        Naming the file, the row, ``column`` and the time found (e.g. 10:30).
    """
    if column not in df.columns or not isinstance(df.schema[column], pl.Datetime):
        return
    i = df.select(_off_the_hour(df, column).fill_null(False).arg_true().first()).item()
    if i is not None:
        raise IndicatorInputError(
            "time is not on the hour",
            file=file,
            row=_row_of(i, rows),
            column=column,
            expected="hh:00:00 (hour-ending, China Standard Time)",
            found=str(df[column][i]),
        )


def check_not_empty(df: pl.DataFrame | pl.Schema, *, file: str, height: int | None = None) -> None:
    """Reject a table without data rows (header only).

    Parameters
    ----------
    df : polars.DataFrame or polars.Schema
        The table (a schema needs ``height``).
    file : str
        The file (or argument) named in messages.
    height : int, optional
        Number of rows, when ``df`` is a schema or the count is already known.

    Raises
    ------
    IndicatorInputError
        Naming the file: "header only / no data rows".
    """
    n = height if height is not None else df.height
    if n == 0:
        raise IndicatorInputError(
            "empty table: header only, no data rows",
            file=file,
            expected="at least one data row",
            found="0 rows",
        )


# --------------------------------------------------------------------------- lazy frames


def guard_lazy(
    lf: pl.LazyFrame,
    *,
    file: str,
    keys: Sequence[str] = (),
    quantities: Mapping[str, str] | None = None,
    non_negative: Sequence[str] = (),
    hour_grid: str | None = None,
    what: str | None = None,
) -> pl.LazyFrame:
    """Add the boundary's checks to a lazy plan: they raise when the frame is collected.

    The checks (negative values, the project plausibility bounds of table
    ``plausibility_bounds``, duplicate ``keys``, times on the hour in column
    ``hour_grid``) run on the whole frame when it
    is collected, with rows numbered as the lazy frame was given (before any
    later filter). Eager inputs are checked directly with :func:`check_bounds`
    and :func:`check_unique` instead.

    Parameters
    ----------
    lf : polars.LazyFrame
        The plan to guard.
    file : str
        The file (or argument) named in messages.
    keys : sequence of str, optional
        Key columns that must be unique.
    quantities : mapping, optional
        Column -> quantity of the bounds table; default :func:`column_quantities`.
    non_negative : sequence of str, optional
        Further columns that must not be negative.
    hour_grid : str, optional
        Datetime column whose times must be on the hour.
    what : str, optional
        What the key is called in messages (default: the key columns).

    Returns
    -------
    polars.LazyFrame
        ``lf`` with the same schema; collecting it raises
        :class:`~indicators.errors.IndicatorInputError` on bad data.
    """
    schema = lf.collect_schema()
    q = quantities if quantities is not None else column_quantities(list(schema))
    q = {c: v for c, v in q.items() if c in schema and schema[c].is_numeric()}
    neg = [c for c in non_negative if c in schema and schema[c].is_numeric() and c not in q]
    keys = [k for k in keys if k in schema]
    grid = [hour_grid] if hour_grid is not None and hour_grid in schema else []
    cols = list(dict.fromkeys([*q, *neg, *grid, *keys]))
    if not cols:
        return lf

    def check(s: pl.Series) -> pl.Series:
        frame = s.struct.unnest()
        check_bounds(frame, q, file=file)
        check_non_negative(frame, neg, file=file)
        if grid:
            check_hour_grid(frame, grid[0], file=file)
        check_unique(frame, keys, file=file, what=what)
        return pl.repeat(True, len(s), dtype=pl.Boolean, eager=True)

    ok = pl.struct(cols).map_batches(check, return_dtype=pl.Boolean)
    # cached: a plan that uses the frame in several branches runs the checks once
    return lf.filter(ok).cache()


# --------------------------------------------------------------------------- text files


def read_bytes(path: str | Path) -> bytes:
    """The bytes of a file, gunzipped when it is gzip (by its magic bytes).

    Parameters
    ----------
    path : path
        The file (plain or gzip).

    Raises
    ------
    IndicatorInputError
        A missing file, or a truncated or corrupt gzip stream.
    """
    path = Path(path)
    if not path.is_file():
        raise IndicatorInputError(
            "file not found", file=str(path), expected="an existing file", found=str(path)
        )
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise IndicatorInputError(
                "truncated or corrupt gzip file",
                file=str(path),
                expected="a complete gzip stream",
                found=str(exc),
            ) from None
    return raw


_BOM = b"\xef\xbb\xbf"


def decode_text(raw: bytes, *, file: str) -> str:
    r"""Decode CSV bytes strictly: UTF-8, UTF-8 with BOM, or GB18030; never lossy.

    A file that is mostly UTF-8 (more valid multi-byte UTF-8 characters than
    bad bytes) with a bad byte is an error naming the byte offset, not
    re-read as GB18030 (北京 would become 鍖椾含).

    Parameters
    ----------
    raw : bytes
        The file's bytes (already gunzipped, :func:`read_bytes`).
    file : str
        The file named in messages.

    Raises
    ------
    IndicatorInputError
        Naming the file and the 0-based byte offset of the first undecodable byte.

    Examples
    --------
    >>> decode_text("北京".encode("gb18030"), file="a.csv")
    '北京'
    >>> decode_text(b"\xe5\x8c\x97\xe4\xba\xac,\xff", file="a.csv")
    Traceback (most recent call last):
    ...
    indicators.errors.IndicatorInputError: a.csv: not valid UTF-8 ... 'byte 0xff at offset 7')
    """
    if raw.startswith(_BOM):
        try:
            return raw[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            _bad_byte(file, raw, exc.start + 3, "UTF-8 with BOM")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    loose = raw.decode("utf-8", errors="replace")
    n_bad = loose.count("\ufffd")
    n_multi = sum(1 for ch in loose if ord(ch) >= 0x80) - n_bad
    if n_multi >= n_bad:
        _bad_byte(file, raw, first_bad, "UTF-8")
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        _bad_byte(file, raw, exc.start, "GB18030")
    raise AssertionError  # pragma: no cover


def _bad_byte(file: str, raw: bytes, offset: int, encoding: str) -> None:
    raise IndicatorInputError(
        f"not valid {encoding} (a bad byte in {encoding} text)",
        file=file,
        expected="UTF-8, UTF-8 with BOM or GB18030 text",
        found=f"byte 0x{raw[offset]:02x} at offset {offset}",
    )


def check_csv_text(text: str, *, file: str, final_newline: bool = True) -> None:
    """Reject empty, header-only and truncated CSV text.

    A file cut mid-row is recognised by its last line. Without a final newline,
    a last row with fewer fields than the header is an error naming the row;
    so is, with ``final_newline`` (the default), any last row without one: a cut
    number such as ``…,50,4`` cannot be told from a complete one, and a
    complete file just needs its final newline. Layouts whose complete files
    lack the final newline (the CNEMC daily archive files) pass
    ``final_newline=False``: only a short last row is then detected.

    Parameters
    ----------
    text : str
        The decoded file text.
    file : str
        The file named in messages.
    final_newline : bool, default True
        Whether a complete file ends with a newline (False for layouts that do not,
        such as the CNEMC daily archive).

    Raises
    ------
    IndicatorInputError
        "empty file", "no data rows (header only)" or "truncated file", naming
        the file and, for a cut, the 1-based data row.
    """
    if not text.strip():
        raise IndicatorInputError(
            "empty file", file=file, expected="a header and data rows", found="no text"
        )
    body = text.rstrip("\r\n\t ")
    lines = [ln for ln in body.splitlines() if ln.strip()]
    if len(lines) < 2:
        raise IndicatorInputError(
            "empty file: header only, no data rows",
            file=file,
            expected="at least one data row after the header",
            found="0 rows",
        )
    if text.endswith(("\n", "\r")):
        return
    header = next(csv.reader([lines[0]]))
    try:
        last = next(csv.reader([lines[-1]]))
    except csv.Error:  # pragma: no cover - the csv module accepts any single line
        last = []
    row = len(lines) - 1
    short = len(last) < len(header)
    if not short and not final_newline:
        return
    raise IndicatorInputError(
        "truncated file: the last row "
        + ("has fewer fields than the header" if short else "does not end with a newline")
        + " (the file may be cut mid-row; if it is complete, end it with a newline)",
        file=file,
        row=row,
        column=header[len(last) - 1] if short and last else None,
        expected=f"{len(header)} fields and a final newline",
        found=lines[-1][-40:],
    )


def read_text(path: str | Path) -> str:
    """Text of a CSV file (plain or gzip), strictly decoded and checked for empty or cut files.

    See :func:`decode_text` and :func:`check_csv_text`.

    Parameters
    ----------
    path : path
        A ``.csv`` or ``.csv.gz`` file, UTF-8 (with or without BOM) or GB18030.

    Raises
    ------
    IndicatorInputError
        Naming the file (and the byte offset or row).
    """
    text = decode_text(read_bytes(path), file=str(path))
    check_csv_text(text, file=str(path))
    return text


# --------------------------------------------------------------------------- tables


def validate_table(name: str, data: Frame, *, file: str) -> None:
    """Check the values of contract table ``name`` (plausibility, duplicate keys, hour grid).

    Implements the project plausibility bounds (table ``plausibility_bounds``)
    and the data-folder contract (:mod:`indicators.contract`): the schema
    (:func:`indicators.contract.check_schema`), at least one row, no negative
    value where the quantity cannot be negative, every bounded column inside
    its bounds (long-form results by item), unique keys, station-hours on the
    hour grid. A lazy frame (a Parquet scan) is read :data:`CHECK_CHUNK_ROWS` rows
    at a time, so that checking a national archive does not hold it in memory; a
    value outside its usual band then warns once per chunk.

    Parameters
    ----------
    name : str
        Contract table name (:data:`indicators.contract.TABLES`).
    data : polars DataFrame or LazyFrame
        The table's rows.
    file : str
        The file named in messages.

    Raises
    ------
    IndicatorInputError
        Naming ``file``, the row of the file, the column and what was expected.
    """
    lf = data.lazy() if isinstance(data, pl.DataFrame) else data
    spec = TABLES.get(name)
    schema = lf.collect_schema()
    check_schema(name, schema, file=file)
    n = data.height if isinstance(data, pl.DataFrame) else lf.select(pl.len()).collect().item()
    check_not_empty(schema, file=file, height=n)
    keys = [k for k in spec.keys if k in schema]
    if n <= CHECK_CHUNK_ROWS:
        df = data if isinstance(data, pl.DataFrame) else lf.collect()
        _check_rows(name, df, file=file)
        check_unique(df, keys, file=file)
        return
    ordered = True  # strictly increasing on the storage order: the keys are unique
    order = [c for c in spec.storage_order if c in schema]
    last = None
    for offset in range(0, n, CHECK_CHUNK_ROWS):
        df = lf.slice(offset, CHECK_CHUNK_ROWS).collect()
        _check_rows(name, df, file=file, rows=range(offset + 1, offset + df.height + 1))
        if ordered and set(order) == set(keys):
            ordered = strictly_increasing(df, order, last)
            last = df.select(order).row(-1)
    if not ordered or set(order) != set(keys):  # the key columns only, as a whole
        check_unique(lf.select(keys).collect(), keys, file=file)


#: Rows of a lazy table checked at a time by :func:`validate_table`.
CHECK_CHUNK_ROWS = 4_000_000


def _check_rows(name: str, df: pl.DataFrame, *, file: str, rows: range | None = None) -> None:
    """The row-by-row checks of :func:`validate_table` (all but the duplicate keys)."""
    spec = TABLES.get(name)
    quantities = column_quantities(df.columns)
    signed = {c for c, q in quantities.items() if q in NEGATIVE_ALLOWED} | NEGATIVE_ALLOWED
    if "item" in df.columns and "value" in df.columns:
        check_long_bounds(df, file=file, rows=rows)
    units = {c.name: c.unit for c in spec.columns}
    schema = df.schema
    measured = [
        c for c in schema if c not in signed and c in units and units[c] and _is_numeric(schema, c)
    ]
    check_non_negative(df, measured, file=file, rows=rows)
    check_bounds(df, quantities, file=file, rows=rows)
    if name == "station_hours":
        check_hour_grid(df, "time", file=file, rows=rows)


def strictly_increasing(df: pl.DataFrame, order: Sequence[str], last: tuple | None = None) -> bool:
    """Whether the rows strictly increase on ``order`` (lexicographic), after the row ``last``.

    Rows so ordered have unique ``order`` values (the data-folder contract's storage
    order, :attr:`indicators.contract.Table.storage_order`). A null in ``order`` gives
    False.

    Parameters
    ----------
    df : polars.DataFrame
        The rows (a batch of a table).
    order : sequence of str
        The columns, most significant first.
    last : tuple, optional
        The ``order`` values of the row before ``df`` (the previous batch's last row).

    Examples
    --------
    >>> strictly_increasing(pl.DataFrame({"t": [1, 1, 2], "s": ["a", "b", "a"]}), ["t", "s"])
    True
    >>> strictly_increasing(pl.DataFrame({"t": [1, 1], "s": ["a", "a"]}), ["t", "s"])
    False
    """
    order = list(order)
    if df.select(pl.any_horizontal(pl.col(order).is_null().any())).item():
        return False
    if last is not None:
        head = df.select(order).row(0)
        if not head > last:
            return False
    rise = pl.lit(False)
    for c in reversed(order):  # lexicographic: c rises, or c equal and the rest rises
        prev = pl.col(c).shift(1)
        rise = (pl.col(c) > prev) | ((pl.col(c) == prev) & rise)
    return bool(df.select(rise.slice(1).all()).item()) if df.height > 1 else True
