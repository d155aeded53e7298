"""The validation boundary: value checks every path into the package runs.

Readers (:mod:`indicators.io`), ingest, ``indicators check`` and the frame
functions of the domains call these checks, so that one rule decides what a
plausible value, a duplicate or a valid hour is.
"""

from __future__ import annotations

import polars as pl

__all__ = ["validate_table"]


def validate_table(name: str, data: pl.DataFrame | pl.LazyFrame, *, file: str) -> None:
    """Check the values of contract table ``name`` (plausibility, duplicate keys, hour grid).

    Raises
    ------
    IndicatorInputError
        Naming ``file``, the row of the file, the column and what was expected.
    """
