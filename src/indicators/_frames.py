"""Frames in, frames out: one boundary for polars and pandas, lazy frames stay lazy.

:func:`to_lazy` turns what a public function is given into a polars
``LazyFrame`` and an :class:`Origin` saying what it was; :func:`finish` gives
the result back in the same kind: a polars ``DataFrame`` for a ``DataFrame``, a
``LazyFrame`` for a ``LazyFrame``, a pandas ``DataFrame`` for a pandas one. The
origin is true only for a lazy input, so ``if was_lazy:`` at the call sites
keeps its meaning.

pandas input is converted here, once: named index levels become columns,
categorical columns become text, pandas nullable dtypes (``Int64``,
``boolean``, ``string``) and ``NaN`` become polars nulls, and the columns the
vocabulary (:mod:`indicators.glossary`) calls dates (``date``,
``period_start``, ``start``, ...) become ``pl.Date`` when they hold
``datetime64`` midnights or ISO ``YYYY-MM-DD`` text; ``time`` given as ISO
text becomes a ``Datetime``. A column that cannot be read as one type, and a
flag column (``background``, ``period_valid``, ...) that is not True/False,
raise :class:`~indicators.errors.IndicatorInputError` naming the column.

Examples
--------
>>> import pandas as pd
>>> lf, origin = to_lazy(pd.DataFrame({"city": ["X"], "date": pd.to_datetime(["2026-01-01"])}))
>>> lf.collect_schema()["date"], bool(origin), origin.name
(Date, False, 'PANDAS')
>>> type(finish(lf, origin)).__name__
'DataFrame'
>>> to_lazy(pd.DataFrame({"station": ["S1"], "background": ["N"]}), name="stations")
Traceback (most recent call last):
...
indicators.errors.IndicatorInputError: stations, column 'background': not a True/False flag (...)
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

import polars as pl

from .errors import IndicatorInputError
from .glossary import TERMS

Frame = pl.DataFrame | pl.LazyFrame

#: Columns read as dates (``pl.Date``) from pandas: the vocabulary's dates and period bounds.
DATE_COLUMNS: frozenset[str] = frozenset(
    {c for c, t in TERMS.items() if t.unit == "date"}
    | {"start", "end", "as_of", "identified_date", "period_end"}
)
#: Columns read as date-times from pandas text (hour-ending times).
DATETIME_COLUMNS: frozenset[str] = frozenset(c for c, t in TERMS.items() if t.unit == "datetime")
#: True/False flags that the package reads as they are (``below_dl`` is parsed by
#: :func:`indicators.io.normalise_results`, which accepts more spellings).
FLAG_COLUMNS: frozenset[str] = frozenset(
    c for c, t in TERMS.items() if t.unit == "bool" and c != "below_dl"
)


class Origin(enum.Enum):
    """What a public function was given: the kind :func:`finish` gives back.

    True only for ``LAZY``, so ``if was_lazy:`` works on it.
    """

    POLARS = "polars"
    LAZY = "lazy"
    PANDAS = "pandas"

    def __bool__(self) -> bool:
        return self is Origin.LAZY


def _is_pandas(data: Any) -> bool:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        return False
    return isinstance(data, pd.DataFrame)


def to_lazy(data: Any, *, name: str = "data") -> tuple[pl.LazyFrame, Origin]:
    """Return ``(lazy_frame, origin)`` for a polars or pandas frame.

    ``origin`` is an :class:`Origin`, true only when ``data`` was lazy.

    Raises
    ------
    IndicatorInputError
        When ``data`` is not a frame, a pandas column cannot be read as one
        type, or a flag column is not True/False.
    """
    if isinstance(data, pl.LazyFrame):
        lf, origin = data, Origin.LAZY
    elif isinstance(data, pl.DataFrame):
        lf, origin = data.lazy(), Origin.POLARS
    elif _is_pandas(data):
        lf, origin = from_pandas(data, name=name).lazy(), Origin.PANDAS
    else:
        raise IndicatorInputError(
            "not a data frame",
            file=name,
            expected="a polars DataFrame/LazyFrame or a pandas DataFrame",
            found=type(data).__name__,
        )
    check_flags(lf, name=name)
    return lf, origin


def native(data: Any, *, name: str = "data") -> tuple[pl.DataFrame | pl.LazyFrame, Origin]:
    """``data`` as a polars frame (lazy stays lazy, pandas is converted) and its origin.

    For functions that hand their input on to other public functions (which
    would give pandas back for pandas): convert once here, :func:`finish` at
    the end.
    """
    lf, origin = to_lazy(data, name=name)
    if origin is Origin.LAZY:
        return lf, origin
    return (data if isinstance(data, pl.DataFrame) else lf.collect()), origin


def finish(frame: pl.LazyFrame | pl.DataFrame, was_lazy: Origin | bool) -> Any:
    """``frame`` in the kind the caller gave: lazy, polars or pandas.

    ``was_lazy`` is the :class:`Origin` from :func:`to_lazy` (a plain bool
    means lazy or polars).
    """
    if was_lazy:
        return frame.lazy() if isinstance(frame, pl.DataFrame) else frame
    df = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    return to_pandas(df) if was_lazy is Origin.PANDAS else df


def to_pandas(df: pl.DataFrame) -> Any:
    """A polars frame as pandas: integers and flags keep their type with nulls.

    Integer columns become pandas ``Int64``-style nullable integers and
    Boolean columns ``boolean`` (so a count with a null stays a count),
    floats ``float64`` with ``NaN`` for null, dates and times ``datetime64``,
    text pandas' default string type.
    """
    import pandas as pd
    import pyarrow as pa

    mapping = {
        pa.int8(): pd.Int8Dtype(),
        pa.int16(): pd.Int16Dtype(),
        pa.int32(): pd.Int32Dtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.uint8(): pd.UInt8Dtype(),
        pa.uint16(): pd.UInt16Dtype(),
        pa.uint32(): pd.UInt32Dtype(),
        pa.uint64(): pd.UInt64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
    }
    return df.to_pandas(types_mapper=mapping.get)


def _pandas_column_error(data: Any, column: str, name: str) -> IndicatorInputError:
    kinds = sorted({type(v).__name__ for v in data[column].dropna().tolist()})
    return IndicatorInputError(
        "column holds values of several types",
        file=name,
        column=column,
        expected="one type per column (numbers, text, dates or True/False)",
        found=f"{data[column].dtype} column with {', '.join(kinds)} values",
    )


def from_pandas(data: Any, *, name: str = "data") -> pl.DataFrame:
    """A pandas frame as polars, converted as the module docstring says.

    Raises
    ------
    IndicatorInputError
        Naming the column: a column name that is not text or is repeated, a
        column of mixed types.
    """
    named = [n for n in data.index.names if n is not None]
    if named:
        clash = [n for n in named if n in data.columns]
        if clash:
            raise IndicatorInputError(
                "index level named like a column",
                file=name,
                column=str(clash[0]),
                expected="index names that are not also column names",
                found=list(data.index.names),
            )
        data = data.reset_index(level=named)
    data = data.reset_index(drop=True)
    bad = [c for c in data.columns if not isinstance(c, str)]
    if bad:
        raise IndicatorInputError(
            "column name is not text",
            file=name,
            column=str(bad[0]),
            expected="text column names",
            found=repr(bad[0]),
        )
    repeated = data.columns[data.columns.duplicated()].tolist()
    if repeated:
        raise IndicatorInputError(
            "column appears twice", file=name, column=repeated[0], expected="unique column names"
        )
    try:
        df = pl.from_pandas(data, nan_to_null=True)
    except Exception:  # pyarrow's or polars' errors: find the column and say which
        for c in data.columns:
            try:
                pl.from_pandas(data[[c]], nan_to_null=True)
            except Exception:
                raise _pandas_column_error(data, c, name) from None
        raise  # pragma: no cover - every column converts alone but not together
    return _typed_columns(df)


def _typed_columns(df: pl.DataFrame) -> pl.DataFrame:
    """Categoricals as text, vocabulary dates as ``pl.Date``, ISO text times as Datetime."""
    casts = []
    for c, dtype in df.schema.items():
        col = pl.col(c)
        if isinstance(dtype, pl.Categorical | pl.Enum):
            casts.append(col.cast(pl.String))
        elif c in DATE_COLUMNS and isinstance(dtype, pl.Datetime):
            midnight = df.select((col.dt.truncate("1d") == col).all()).item()
            if midnight:  # pandas keeps dates as datetime64 midnights
                casts.append(col.dt.date())
        elif c in DATE_COLUMNS and dtype == pl.String:
            parsed = col.str.to_date("%Y-%m-%d", strict=False)
            if df.select((parsed.is_null() == col.is_null()).all()).item():
                casts.append(parsed)
        elif c in DATETIME_COLUMNS and dtype == pl.String:
            text = col.str.replace("T", " ")
            parsed = pl.coalesce(
                text.str.to_datetime(f, strict=False, time_unit="us")
                for f in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")
            )
            if df.select((parsed.is_null() == col.is_null()).all()).item():
                casts.append(parsed)
    return df.with_columns(casts) if casts else df


def check_flags(lf: pl.LazyFrame | pl.DataFrame, *, name: str) -> None:
    """Reject a flag column (:data:`FLAG_COLUMNS`) that is not True/False.

    Raises
    ------
    IndicatorInputError
        Naming the column, the type and (up to five of) the values found,
        e.g. a ``background`` column of ``Y``/``N`` text.
    """
    schema = lf.collect_schema()
    for c in sorted(FLAG_COLUMNS & set(schema)):
        if schema[c] in (pl.Boolean, pl.Null):
            continue
        values = lf.lazy().select(pl.col(c).drop_nulls().unique().sort().head(5)).collect()
        raise IndicatorInputError(
            "not a True/False flag",
            file=name,
            column=c,
            expected=f"a Boolean column of True/False (convert Y/N text first, e.g. "
            f"frame[{c!r}] == 'Y')",
            found=f"{schema[c]} values {values[c].to_list()}",
        )


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


def ordered_sum(expr: pl.Expr) -> pl.Expr:
    """The sum of ``expr``'s values added in ascending order (nulls left out; 0 when none).

    The same float whatever the order of the rows and polars' engine. polars adds a
    group's values in the order its engine reaches them, which changes from run to run
    (and a ``sort`` before a plain sum is optimised away), so the last bits of a sum,
    a rounding on a boundary or a tie of two cities could change between two runs.
    """
    return expr.sort().cum_sum().last().fill_null(0)


def ordered_mean(expr: pl.Expr) -> pl.Expr:
    """The mean of ``expr``'s values, added as :func:`ordered_sum` (null when none)."""
    return expr.sort().cum_sum().last() / expr.count()


def null_if_empty(expr: pl.Expr) -> pl.Expr:
    """``expr`` with empty strings as null (blank cells of a table)."""
    return pl.when(expr == "").then(None).otherwise(expr)


#: Appended to a shared rank (并列 = tied), as the official rankings print it.
TIE_MARK = "（并列）"


def competition_ranks(
    lf: pl.LazyFrame, value: str, keys: Sequence[str], *, lower: bool = True
) -> pl.LazyFrame:
    """``lf`` with competition ranks of ``value`` within ``keys`` (nulls unranked).

    Equal values share the best rank of their group and the next rank skips ("1224"),
    as 《城市环境空气质量排名技术规定》 and the water ranking rule print 并列.

    Adds ``rank`` (1 = best: the smallest value when ``lower``), ``rank_from_worst``,
    ``tied``, ``n_ranked`` (non-null values of the group) and ``rank_label``
    (``"2"`` or ``"2（并列）"``).
    """
    keys = list(keys)
    v = pl.col(value)

    def within(expr: pl.Expr) -> pl.Expr:
        return expr.over(keys) if keys else expr

    return lf.with_columns(
        rank=within(v.rank(method="min", descending=not lower)).cast(pl.Int64),
        rank_from_worst=within(v.rank(method="min", descending=lower)).cast(pl.Int64),
        tied=v.is_not_null() & (pl.len().over([*keys, value]) > 1),
        n_ranked=within(v.count()).cast(pl.Int64),
    ).with_columns(
        rank_label=pl.when(pl.col("tied"))
        .then(pl.col("rank").cast(pl.String) + pl.lit(TIE_MARK))
        .otherwise(pl.col("rank").cast(pl.String))
    )
