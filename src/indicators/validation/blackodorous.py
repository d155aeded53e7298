"""Black-odorous water-body frame contract (黑臭水体): ledger, status history, monitoring, surveys.

The validation boundary of :mod:`indicators.blackodorous`: the ledger readers of
:mod:`indicators.io.ledgers` and the domain functions call these checks, so a file
and a frame built in memory are checked alike. The vocabulary (grading indicators,
water-body types, ledger statuses) is that of 《城市黑臭水体整治工作指南》 (2015) and
the ``blackodorous_statuses`` / ``blackodorous_status_transitions`` standards tables.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from .._frames import first_bad_row, float_columns, reject_rows, require_columns, to_lazy
from ..errors import IndicatorInputError
from ..standards import table
from . import check_bounds, column_quantities

__all__ = [
    "INDICATORS",
    "NON_NEGATIVE",
    "STATUSES",
    "TYPES",
    "validate_ledger",
    "validate_monitoring",
    "validate_status_history",
    "validate_surveys",
]

#: The four grading indicators, in the order of the guide's table.
INDICATORS: tuple[str, ...] = ("transparency", "DO", "ORP", "NH3-N")

#: Water-body types of the ledger.
TYPES: dict[str, tuple[str, str]] = {"river": ("河流", "river"), "lake_pond": ("湖塘", "lake/pond")}

#: Ledger status codes, in stage order (see table ``blackodorous_statuses``).
STATUSES: tuple[str, ...] = tuple(table("blackodorous_statuses")["status"].to_list())

#: Physically non-negative quantities (a negative value is an input error, not a
#: regulatory number).
NON_NEGATIVE = ("transparency", "DO", "NH3-N", "depth", "position_km")

_LEDGER_REQUIRED = ["water_body_id", "city", "name", "type", "identified_date"]
_LEDGER_OPTIONAL: dict[str, pl.DataType] = {
    "district": pl.String(),
    "length_km": pl.Float64(),
    "area_km2": pl.Float64(),
    "grade_identified": pl.String(),
    "responsible_unit": pl.String(),
    "plan_date": pl.Date(),
}


def _date_column(df: pl.DataFrame, column: str, *, name: str) -> pl.DataFrame:
    """Cast ``column`` to pl.Date; strings must be ISO dates."""
    dtype = df.schema[column]
    if dtype == pl.Date:
        return df
    if isinstance(dtype, pl.Datetime):
        return df.with_columns(pl.col(column).dt.date())
    if dtype in (pl.String, pl.Null):
        parsed = pl.col(column).str.strptime(pl.Date, "%Y-%m-%d", strict=False)
        reject_rows(
            df,
            pl.col(column).is_not_null() & parsed.is_null(),
            name=name,
            column=column,
            message="not a date",
            expected="YYYY-MM-DD",
        )
        return df.with_columns(parsed)
    raise IndicatorInputError(
        "not a date column", file=name, column=column, expected="Date", found=str(dtype)
    )


def validate_monitoring(
    monitoring: Any, *, name: str = "monitoring", need_position: bool = True
) -> pl.DataFrame:
    """Check a monitoring frame and return it eagerly with Float64 indicator columns.

    Parameters
    ----------
    monitoring : DataFrame or LazyFrame
        One row per point and sampling (see the module notes).
    name : str
        File or argument name for error messages.
    need_position : bool
        Require ``position_km`` on every row (needed for the consecutive-points rule).

    Returns
    -------
    polars.DataFrame

    Raises
    ------
    IndicatorInputError
        Missing column, a point with no position, two positions for one point,
        negative values, text where a number is expected.

    Notes
    -----
    Indicators of 城市黑臭水体整治工作指南 (2015) table 城市黑臭水体污染程度分级标准; points
    along the water body (every
    200-600 m).

    Examples
    --------
    >>> m = pl.DataFrame({"water_body_id": ["W1"], "point": ["P1"], "position_km": [None],
    ...     "transparency": [20.0], "DO": [1.0], "ORP": [10.0], "NH3-N": [9.0]})
    >>> validate_monitoring(m)
    Traceback (most recent call last):
    ...
    indicators.errors.IndicatorInputError: monitoring, row 1, ...: point has no position ...
    """
    df = to_lazy(monitoring, name=name)[0].collect()
    need = ["water_body_id", "point", *INDICATORS] + (["position_km"] if need_position else [])
    require_columns(df.schema, need, name=name)
    df = float_columns(
        df, [*INDICATORS, "depth", "position_km"], name=name, non_negative=NON_NEGATIVE
    )
    if "date" in df.columns:
        df = _date_column(df, "date", name=name)
    for c in ("water_body_id", "point"):
        bad = first_bad_row(df, pl.col(c).is_null())
        if bad is not None:
            raise IndicatorInputError(
                "missing identifier", file=name, row=bad, column=c, expected="a value"
            )
    if need_position:
        bad = first_bad_row(df, pl.col("position_km").is_null())
        if bad is not None:
            raise IndicatorInputError(
                "point has no position",
                file=name,
                row=bad,
                column="position_km",
                expected="distance along the water body [km]",
                found=df["point"][bad - 1],
            )
        n_pos = pl.col("position_km").n_unique().over("water_body_id", "point")
        reject_rows(
            df,
            n_pos > 1,
            name=name,
            column="position_km",
            message="one point with two positions",
            expected="one position per point",
        )
    # DO, NH3-N, ORP, transparency against the project plausibility bounds
    check_bounds(df, column_quantities(df.columns), file=name)
    return df


def validate_surveys(surveys: Any, *, name: str = "surveys") -> pl.DataFrame:
    """Check a public-survey frame; add ``satisfied_share`` from ``n_satisfied`` if needed.

    Parameters
    ----------
    surveys : DataFrame or LazyFrame
        ``water_body_id``, ``respondents`` and ``satisfied_share`` [percent] or
        ``n_satisfied``; optional ``date``.
    name : str
        File or argument name for error messages.

    Returns
    -------
    polars.DataFrame

    Raises
    ------
    IndicatorInputError
        Missing columns, respondents not a positive whole number, a share outside
        0-100, more satisfied than respondents.

    Notes
    -----
    Public survey of the effect evaluation, 城市黑臭水体整治工作指南 (2015) (公众调查评议).

    Examples
    --------
    >>> s = pl.DataFrame({"water_body_id": ["W1"], "respondents": [200], "n_satisfied": [183]})
    >>> validate_surveys(s)["satisfied_share"].item()
    91.5
    """
    df = to_lazy(surveys, name=name)[0].collect()
    require_columns(df.schema, ["water_body_id", "respondents"], name=name)
    if "satisfied_share" not in df.columns and "n_satisfied" not in df.columns:
        require_columns(df.schema, ["water_body_id", "respondents", "satisfied_share"], name=name)
    if "date" in df.columns:
        df = _date_column(df, "date", name=name)
    df = float_columns(
        df,
        [c for c in ("respondents", "satisfied_share", "n_satisfied") if c in df.columns],
        name=name,
        non_negative=NON_NEGATIVE,
    )
    checks = [
        (
            "respondents",
            (pl.col("respondents") <= 0)
            | (pl.col("respondents") % 1 != 0)
            | pl.col("respondents").is_null(),
            "a whole number > 0",
        ),
    ]
    if "n_satisfied" in df.columns:
        checks.append(
            (
                "n_satisfied",
                (pl.col("n_satisfied") < 0)
                | (pl.col("n_satisfied") % 1 != 0)
                | (pl.col("n_satisfied") > pl.col("respondents")),
                "0 <= n_satisfied <= respondents",
            )
        )
    if "satisfied_share" in df.columns:
        checks.append(
            (
                "satisfied_share",
                (pl.col("satisfied_share") < 0) | (pl.col("satisfied_share") > 100),
                "a percentage 0-100",
            )
        )
    for column, mask, expected in checks:
        reject_rows(
            df,
            mask,
            name=name,
            column=column,
            message="invalid survey value",
            expected=expected,
        )
    if "satisfied_share" not in df.columns:
        df = df.with_columns(satisfied_share=pl.col("n_satisfied") * 100 / pl.col("respondents"))
    return df.with_columns(pl.col("respondents").cast(pl.Int64))


def validate_ledger(ledger: Any, *, name: str = "ledger") -> pl.DataFrame:
    """Check a water-body ledger (黑臭水体清单/台账) and return it with typed columns.

    Parameters
    ----------
    ledger : DataFrame or LazyFrame
        One row per water body (see the module notes). Optional columns that are
        absent are added as nulls.
    name : str
        File or argument name for error messages.

    Returns
    -------
    polars.DataFrame

    Raises
    ------
    IndicatorInputError
        Missing column or identifier, duplicate ``water_body_id``, unknown type or
        grade, negative length or area, missing identification date, a plan date
        before identification.

    Notes
    -----
    Ledger fields of the 城市黑臭水体整治工作指南 (2015) lists (清单): name, place, type, length
    or area,
    grade.

    Examples
    --------
    >>> lg = pl.DataFrame({"water_body_id": ["W1"], "city": ["A"], "name": ["x"],
    ...     "type": ["canal"], "identified_date": ["2016-03-01"]})
    >>> validate_ledger(lg)
    Traceback (most recent call last):
    ...
    indicators.errors.IndicatorInputError: ledger, row 1, column 'type': unknown water-body type
    ...found 'canal')
    """
    df = to_lazy(ledger, name=name)[0].collect()
    require_columns(df.schema, _LEDGER_REQUIRED, name=name)
    for c, dtype in _LEDGER_OPTIONAL.items():
        if c not in df.columns:
            df = df.with_columns(pl.lit(None, dtype).alias(c))
    df = df.with_columns(pl.col("water_body_id").cast(pl.String))
    for c in ("water_body_id", "city", "name", "identified_date"):
        bad = first_bad_row(df, pl.col(c).is_null())
        if bad is not None:
            raise IndicatorInputError(
                "missing value", file=name, row=bad, column=c, expected="a value"
            )
    reject_rows(
        df,
        pl.col("water_body_id").is_duplicated(),
        name=name,
        column="water_body_id",
        message="duplicate water body",
        expected="one row per water body",
    )
    for c, allowed, what, nullable in (
        ("type", list(TYPES), "water-body type", False),
        ("grade_identified", ["light", "severe"], "grade", True),
    ):
        invalid = ~pl.col(c).is_in(allowed)
        bad = first_bad_row(
            df, invalid & pl.col(c).is_not_null() if nullable else invalid | pl.col(c).is_null()
        )
        if bad is not None:
            raise IndicatorInputError(
                f"unknown {what}",
                file=name,
                row=bad,
                column=c,
                expected=f"one of {allowed}",
                found=df[c][bad - 1],
            )
    for c in ("length_km", "area_km2"):
        df = float_columns(df, [c], name=name, non_negative=NON_NEGATIVE)
        reject_rows(
            df,
            pl.col(c) < 0,
            name=name,
            column=c,
            message="negative value",
            expected=">= 0",
        )
    df = _date_column(df, "identified_date", name=name)
    df = _date_column(df, "plan_date", name=name)
    bad = first_bad_row(df, pl.col("plan_date") < pl.col("identified_date"))
    if bad is not None:
        raise IndicatorInputError(
            "plan date before identification",
            file=name,
            row=bad,
            column="plan_date",
            expected=f">= identified_date {df['identified_date'][bad - 1]}",
            found=df["plan_date"][bad - 1],
        )
    return df


def validate_status_history(
    history: Any, ledger: Any | None = None, *, name: str = "status_history"
) -> pl.DataFrame:
    """Check a status history against the allowed transitions; return it sorted.

    Parameters
    ----------
    history : DataFrame or LazyFrame
        Long frame ``water_body_id``, ``status``, ``date``.
    ledger : DataFrame or LazyFrame, optional
        When given: every history water body must be in the ledger, every ledger
        water body must have a history, and the ``identified`` date must equal the
        ledger's ``identified_date``.
    name : str
        File or argument name for error messages.

    Returns
    -------
    polars.DataFrame
        ``water_body_id``, ``status``, ``date``, ``row`` (1-based input row),
        sorted by water body and date (input order kept for equal dates).

    Raises
    ------
    IndicatorInputError
        Unknown status, missing date, a status date before identification, a
        history not starting with ``identified``, or a transition not in table
        ``blackodorous_status_transitions`` (a skip, a reverse step that is not a
        documented return, a repeated status).

    Notes
    -----
    Allowed: identified -> under_remediation -> remediation_completed ->
    eliminated or basically_eliminated (-> eliminated) -> long_term_clear; from
    remediation_completed or any eliminated status -> returned (返黑返臭) ->
    under_remediation.
    Ledger vocabulary of 城市黑臭水体整治工作指南 (2015) and 建城〔2018〕104号 (长制久清).

    Examples
    --------
    >>> h = pl.DataFrame({"water_body_id": ["W1"] * 3,
    ...     "status": ["identified", "under_remediation", "eliminated"],
    ...     "date": ["2016-03-01", "2017-01-10", "2018-06-30"]})
    >>> validate_status_history(h)
    Traceback (most recent call last):
    ...
    indicators.errors.IndicatorInputError: status_history, row 3, column 'status':
    transition not allowed
    (expected one of ['remediation_completed'] after 'under_remediation', found 'eliminated')
    """
    df = to_lazy(history, name=name)[0].collect()
    require_columns(df.schema, ["water_body_id", "status", "date"], name=name)
    df = df.select("water_body_id", "status", "date").with_columns(
        pl.col("water_body_id").cast(pl.String), pl.col("status").cast(pl.String)
    )
    df = df.with_row_index("row", offset=1).with_columns(pl.col("row").cast(pl.Int64))
    for c in ("water_body_id", "status", "date"):
        bad = first_bad_row(df, pl.col(c).is_null())
        if bad is not None:
            raise IndicatorInputError(
                "missing value", file=name, row=bad, column=c, expected="a value"
            )
    reject_rows(
        df,
        ~pl.col("status").is_in(list(STATUSES)),
        name=name,
        column="status",
        message="unknown status",
        expected=f"one of {list(STATUSES)}",
    )
    df = _date_column(df, "date", name=name)
    ident = (
        df.filter(pl.col("status") == "identified")
        .group_by("water_body_id")
        .agg(__ident=pl.col("date").min())
    )
    if ledger is not None:
        ident = _ledger_identification(df, validate_ledger(ledger), name)
    before = df.join(ident, on="water_body_id", how="left").filter(
        pl.col("date") < pl.col("__ident")
    )
    if before.height:
        r = before.sort("row").row(0, named=True)
        raise IndicatorInputError(
            "status date before identification",
            file=name,
            row=r["row"],
            column="date",
            expected=f">= identification date {r['__ident']}",
            found=r["date"],
        )
    df = df.sort(["water_body_id", "date", "row"])
    _check_transitions(df, name)
    return df.select("water_body_id", "status", "date", "row")


def _ledger_identification(df: pl.DataFrame, lg: pl.DataFrame, name: str) -> pl.DataFrame:
    """The ledger's identification dates, each water body in both, identified on that date."""
    missing = df.join(lg.select("water_body_id"), on="water_body_id", how="anti")
    if missing.height:
        r = missing.row(0, named=True)
        raise IndicatorInputError(
            "water body not in the ledger",
            file=name,
            row=r["row"],
            column="water_body_id",
            expected="a ledger water_body_id",
            found=r["water_body_id"],
        )
    no_hist = lg.join(df.select("water_body_id").unique(), on="water_body_id", how="anti")
    if no_hist.height:
        raise IndicatorInputError(
            "water body has no status history",
            file=name,
            column="water_body_id",
            expected="an 'identified' row per ledger water body",
            found=no_hist["water_body_id"][0],
        )
    ident = lg.select("water_body_id", __ident=pl.col("identified_date"))
    mism = (
        df.filter(pl.col("status") == "identified")
        .join(ident, on="water_body_id")
        .filter(pl.col("date") != pl.col("__ident"))
    )
    if mism.height:
        r = mism.row(0, named=True)
        raise IndicatorInputError(
            "identification date differs from the ledger",
            file=name,
            row=r["row"],
            column="date",
            expected=f"ledger identified_date {r['__ident']}",
            found=r["date"],
        )
    return ident


def _check_transitions(df: pl.DataFrame, name: str) -> None:
    """Each water body's statuses, in date order, follow the allowed transitions."""
    trans = table("blackodorous_status_transitions").with_columns(
        pl.col("from_status").fill_null("")
    )
    allowed: dict[str, list[str]] = {}
    for f, t in trans.select("from_status", "to_status").rows():
        allowed.setdefault(f, []).append(t)
    prev_id, prev = None, ""
    for wid, status, row in df.select("water_body_id", "status", "row").rows():
        if wid != prev_id:
            prev_id, prev = wid, ""
        if status not in allowed.get(prev, []):
            raise IndicatorInputError(
                "transition not allowed",
                file=name,
                row=row,
                column="status",
                expected=f"one of {allowed.get(prev, [])} after {prev or 'the start'!r}",
                found=status,
            )
        prev = status
