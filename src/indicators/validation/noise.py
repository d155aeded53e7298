"""Noise frame contract (声环境): functional-area monitoring, regional grid, road traffic.

The validation boundary of :mod:`indicators.noise`: the readers of
:mod:`indicators.io.ledgers` and the noise evaluations call these checks. Classes are
those of GB 3096-2008 Table 1 (table ``noise_limits``); Leq values in dB(A) are checked
against the project plausibility bounds.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from .. import standards
from .._frames import first_bad_row, float_columns, reject_rows, require_columns, to_lazy
from ..errors import IndicatorInputError
from ..standards import table
from . import check_bounds, column_quantities

__all__ = [
    "functional_classes",
    "validate_functional_monitoring",
    "validate_regional",
    "validate_traffic",
]


def functional_classes(standard: str | None = None) -> list[str]:
    """The functional-area classes (声环境功能区类别) of a GB 3096 edition.

    Parameters
    ----------
    standard : str, optional
        Edition name (default: the newest GB 3096 edition).

    Returns
    -------
    list of str
        Class codes in the order of the standard's Table 1 (``0``, ``1``, ``2``,
        ``3``, ``4a``, ``4b`` ...).

    Raises
    ------
    IndicatorInputError
        Unknown edition.

    Examples
    --------
    >>> functional_classes()[:6]
    ['0', '1', '2', '3', '4a', '4b']
    """
    standard = standards.newest_edition("GB 3096") if standard is None else standard
    limits = table("noise_limits")
    rows = limits.filter(pl.col("standard") == standard)
    if rows.is_empty():
        raise IndicatorInputError(
            "unknown noise-limit edition",
            column="standard",
            expected=f"one of {limits['standard'].unique().to_list()}",
            found=standard,
        )
    return rows["functional_class"].unique(maintain_order=True).to_list()


def validate_functional_monitoring(
    monitoring: Any, *, name: str = "monitoring", standard: str | None = None
) -> pl.DataFrame:
    """Check functional-area monitoring and normalise ``functional_class`` to text.

    Parameters
    ----------
    monitoring : DataFrame or LazyFrame
        One row per point-time: ``point``, ``functional_class``, and ``leq_day``
        and/or ``leq_night`` [dB(A)].
    name : str
        File or argument name for error messages.
    standard : str, optional
        GB 3096 edition whose classes are accepted (default: the newest).

    Returns
    -------
    polars.DataFrame
        ``functional_class`` as lower-case text (``1`` -> ``'1'``, ``4A`` ->
        ``'4a'``), Leq columns as Float64 (NaN -> null); a missing Leq column is
        added as nulls.

    Raises
    ------
    IndicatorInputError
        Missing column, unknown or missing class, negative or non-numeric Leq.

    Notes
    -----
    Classes of GB 3096-2008 Table 1 (0, 1, 2, 3, 4a, 4b; railway_existing).

    Examples
    --------
    >>> m = pl.DataFrame({"point": ["N1"], "functional_class": ["5"], "leq_day": [50.0]})
    >>> validate_functional_monitoring(m)
    Traceback (most recent call last):
    ...
    indicators.errors.IndicatorInputError: monitoring, row 1, column 'functional_class':
    unknown functional-area class ...
    """
    lf, _ = to_lazy(monitoring, name=name)
    df = lf.collect()
    require_columns(df.schema, ["point", "functional_class"], name=name)
    if "leq_day" not in df.columns and "leq_night" not in df.columns:
        require_columns(df.schema, ["point", "functional_class", "leq_day"], name=name)
    for c in ("leq_day", "leq_night"):
        if c not in df.columns:
            df = df.with_columns(pl.lit(None, pl.Float64).alias(c))
    df = df.with_columns(
        pl.col("functional_class").cast(pl.String).str.strip_chars().str.to_lowercase()
    )
    known = functional_classes(standard)
    bad = first_bad_row(
        df, ~pl.col("functional_class").is_in(known) | pl.col("functional_class").is_null()
    )
    if bad is not None:
        raise IndicatorInputError(
            "unknown functional-area class",
            file=name,
            row=bad,
            column="functional_class",
            expected=f"one of {known}",
            found=df["functional_class"][bad - 1],
        )
    bad = first_bad_row(df, pl.col("point").is_null())
    if bad is not None:
        raise IndicatorInputError(
            "missing point", file=name, row=bad, column="point", expected="a point code"
        )
    df = float_columns(
        df, ["leq_day", "leq_night"], name=name, non_negative=["leq_day", "leq_night"]
    )
    check_bounds(df, column_quantities(df.columns), file=name)
    return df


def validate_regional(grid: Any, *, name: str = "grid") -> pl.DataFrame:
    """Check regional-noise grid data (``point``, ``leq_day`` and/or ``leq_night``).

    Parameters
    ----------
    grid : DataFrame or LazyFrame
        One row per grid point (and survey); Leq [dB(A)].
    name : str
        File or argument name for error messages.

    Returns
    -------
    polars.DataFrame
        Leq columns as Float64 (NaN -> null; an absent one added as nulls).

    Raises
    ------
    IndicatorInputError
        Missing column, negative or non-numeric Leq.

    Notes
    -----
    Grid-point survey of regional environmental noise (HJ 640-2012).

    Examples
    --------
    >>> validate_regional(pl.DataFrame({"point": ["G1"], "leq_day": ["x"]}))
    Traceback (most recent call last):
    ...
    indicators.errors.IndicatorInputError: grid, row 1, column 'leq_day': not a number ...
    """
    lf, _ = to_lazy(grid, name=name)
    df = lf.collect()
    require_columns(df.schema, ["point"], name=name)
    if "leq_day" not in df.columns and "leq_night" not in df.columns:
        require_columns(df.schema, ["point", "leq_day"], name=name)
    for c in ("leq_day", "leq_night"):
        if c not in df.columns:
            df = df.with_columns(pl.lit(None, pl.Float64).alias(c))
    df = float_columns(
        df, ["leq_day", "leq_night"], name=name, non_negative=["leq_day", "leq_night"]
    )
    check_bounds(df, column_quantities(df.columns), file=name)
    return df


def validate_traffic(sections: Any, *, name: str = "sections") -> pl.DataFrame:
    """Check road-traffic noise data (``section``, ``length_km``, ``leq_day``/``leq_night``).

    Parameters
    ----------
    sections : DataFrame or LazyFrame
        One row per road section (and survey): ``length_km`` [km], Leq [dB(A)].
    name : str
        File or argument name for error messages.

    Returns
    -------
    polars.DataFrame

    Raises
    ------
    IndicatorInputError
        Missing column, a length missing or not > 0, negative or non-numeric Leq.

    Notes
    -----
    Road-section survey of road traffic noise (HJ 640-2012).

    Examples
    --------
    >>> s = pl.DataFrame({"section": ["R1"], "length_km": [0.0], "leq_day": [66.0]})
    >>> validate_traffic(s)
    Traceback (most recent call last):
    ...
    indicators.errors.IndicatorInputError: sections, row 1, column 'length_km':
    road section length not positive ...
    """
    lf, _ = to_lazy(sections, name=name)
    df = lf.collect()
    require_columns(df.schema, ["section", "length_km"], name=name)
    if "leq_day" not in df.columns and "leq_night" not in df.columns:
        require_columns(df.schema, ["section", "length_km", "leq_day"], name=name)
    for c in ("leq_day", "leq_night"):
        if c not in df.columns:
            df = df.with_columns(pl.lit(None, pl.Float64).alias(c))
    df = float_columns(
        df,
        ["leq_day", "leq_night", "length_km"],
        name=name,
        non_negative=["leq_day", "leq_night", "length_km"],
    )
    reject_rows(
        df,
        (pl.col("length_km") <= 0) | pl.col("length_km").is_null(),
        name=name,
        column="length_km",
        message="road section length not positive",
        expected="> 0 km (the weight of the section)",
    )
    check_bounds(df, column_quantities(df.columns), file=name)
    return df
