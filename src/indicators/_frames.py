"""Frames in, frames out: accept polars or pandas, keep lazy frames lazy."""

from __future__ import annotations

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
