"""Frames in, frames out: accept polars or pandas, keep lazy frames lazy."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

import polars as pl

from .errors import IndicatorInputError

Frame = pl.DataFrame | pl.LazyFrame


def to_lazy(data: Any, *, name: str = "data") -> tuple[pl.LazyFrame, bool]:
    """Return ``(lazy_frame, was_lazy)`` for a polars or pandas frame.

    Raises
    ------
    IndicatorInputError
        When ``data`` is not a frame.
    """
    if isinstance(data, pl.LazyFrame):
        return data, True
    if isinstance(data, pl.DataFrame):
        return data.lazy(), False
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        pd = None
    if pd is not None and isinstance(data, pd.DataFrame):
        return pl.from_pandas(data.reset_index(drop=data.index.name is None)).lazy(), False
    raise IndicatorInputError(
        "not a data frame",
        file=name,
        expected="a polars DataFrame/LazyFrame or a pandas DataFrame",
        found=type(data).__name__,
    )


def finish(lf: pl.LazyFrame, was_lazy: bool) -> Frame:
    """Collect ``lf`` unless the caller passed a lazy frame."""
    return lf if was_lazy else lf.collect()


def require_columns(schema: pl.Schema | dict, columns: list[str], *, name: str = "data") -> None:
    """Raise an :class:`IndicatorInputError` naming the first missing column."""
    missing = [c for c in columns if c not in schema]
    if missing:
        raise IndicatorInputError(
            "required column missing",
            file=name,
            column=missing[0],
            expected=f"columns {columns}",
            found=f"columns {list(schema)}",
        )


def require_dtype(
    schema: pl.Schema | dict,
    column: str,
    dtype: type[pl.DataType],
    *,
    name: str,
    message: str,
    expected: str,
) -> None:
    """Raise an :class:`IndicatorInputError` when ``column`` is not of ``dtype`` (a class)."""
    if not isinstance(schema[column], dtype):
        raise IndicatorInputError(
            message, file=name, column=column, expected=expected, found=str(schema[column])
        )


def first_bad_row(df: pl.DataFrame, mask: pl.Expr) -> int | None:
    """1-based data row of the first row where ``mask`` is true, else None."""
    hits = df.with_row_index("__i").filter(mask.fill_null(False))["__i"]
    return int(hits[0]) + 1 if hits.len() else None


def as_date(value: Any, *, column: str) -> date:
    """A date from a ``date``, a ``datetime`` or an ISO ``'YYYY-MM-DD'`` string.

    Raises
    ------
    IndicatorInputError
        Naming ``column`` when the value is not a date.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise IndicatorInputError(
            "not a date", column=column, expected="a date or 'YYYY-MM-DD'", found=value
        ) from None


def float_columns(
    df: pl.DataFrame, columns: Sequence[str], *, name: str, non_negative: Collection[str] = ()
) -> pl.DataFrame:
    """Cast the present ``columns`` to Float64 (NaN becomes null).

    Text that is not a number, and a negative value in a ``non_negative``
    column, raise an :class:`IndicatorInputError` naming file, row and column.
    """
    for c in columns:
        if c not in df.columns:
            continue
        if df.schema[c] == pl.String:
            reject_rows(
                df,
                pl.col(c).is_not_null() & pl.col(c).cast(pl.Float64, strict=False).is_null(),
                name=name,
                column=c,
                message="not a number",
                expected="a number",
            )
        df = df.with_columns(pl.col(c).cast(pl.Float64).fill_nan(None))
        if c in non_negative:
            reject_rows(
                df, pl.col(c) < 0, name=name, column=c, message="negative value", expected=">= 0"
            )
    return df


def reject_rows(
    df: pl.DataFrame, mask: pl.Expr, *, name: str, column: str, message: str, expected: str
) -> None:
    """Raise an :class:`IndicatorInputError` at the first row where ``mask`` is true.

    The error names ``name`` (the file), the 1-based row, ``column`` and the
    value found there.
    """
    bad = first_bad_row(df, mask)
    if bad is not None:
        raise IndicatorInputError(
            message,
            file=name,
            row=bad,
            column=column,
            expected=expected,
            found=df[column][bad - 1],
        )


def key_list(by: str | Sequence[str] | None) -> list[str]:
    """Grouping keys as a list: None -> [], a name -> [name], a sequence -> list."""
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def null_if_empty(expr: pl.Expr) -> pl.Expr:
    """``expr`` with empty strings as null (blank cells of a table)."""
    return pl.when(expr == "").then(None).otherwise(expr)
