"""Individual and overall air quality index, HJ 633-2012 and HJ 633-2026.

The IAQI of a pollutant is the linear interpolation between the two table
limits around its concentration (HJ 633-2012 §4.3 formula (1); HJ 633-2026
§4.2, the same formula), on shared segment end-points (the segment for IAQI
50-100 runs from BP(50) to BP(100), not 51-100), rounded **up** to an integer
(2012 §6.2 "全部进位取整数"; 2026 §4.2.6). HJ 633-2026 §4.2.2/§4.2.3 first rounds
concentrations by GB/T 8170 (half to even): µg/m³ pollutants to integers, CO
(mg/m³) to 0.1. HJ 633-2012 has no such rule.

Closure: a concentration exactly on a limit gives the same IAQI from both
neighbouring segments, so closure never changes a result.

Special rules (table ``air_aqi_special_rules``):

- SO2 1-h above 800 µg/m³: 2012 (Table 1 note 2) computes no IAQI from the
  1-h value and reports the 24-h value's IAQI instead; 2026 (note b) counts 200.
- O3 8-h above 800 µg/m³: 2012 (note 3) computes no IAQI from the 8-h value and
  uses the 1-h value's; 2026 (note c) counts 300.

Above the table top (e.g. PM2.5 above 500 µg/m³): the IAQI is capped at 500
and flagged (``aqi_capped`` in frames, an :class:`~indicators.IndicatorWarning`
for scalars). The standard defines no value beyond 500; 500 is what national
platforms publish. A negative concentration is an error.

Category names (table ``air_aqi_categories``): ``category_zh`` is the standard's
text (优, 良, 轻度污染, ...); ``category_en`` is a translation, not part of the
standard: the names the Ministry of Ecology and Environment uses in its English
bulletins (Excellent, Good, Lightly Polluted, Moderately Polluted, Heavily
Polluted, Severely Polluted), the same for every edition. English reports and
figures read them from the table.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

import polars as pl

from .. import standards
from ..errors import IndicatorInputError, IndicatorWarning
from ..glossary import AIR_POLLUTANTS

__all__ = [
    "AVERAGINGS",
    "EDITION_CHANGE",
    "NEWEST_EDITION",
    "aqi_category",
    "concentration_expr",
    "special_rule",
    "iaqi",
    "iaqi_expr",
    "prerounded_expr",
    "prerounding",
]

AVERAGINGS = ("1h", "24h", "8h")
_FAMILY = "HJ 633"
#: The day the newest HJ 633 edition came into force (from the registry in ``standards``).
EDITION_CHANGE = standards.edition_change(_FAMILY)
#: The edition scalar functions use by default: the newest one.
NEWEST_EDITION = standards.newest_edition(_FAMILY)
# Round before ceil() so that 75.000000001 from float arithmetic stays 75.
_CEIL_GUARD_DECIMALS = 8


def check_pollutant(pollutant: str, averaging: str | None = None) -> None:
    """Raise :class:`IndicatorInputError` for an unknown pollutant or averaging code."""
    if pollutant not in AIR_POLLUTANTS:
        raise IndicatorInputError(
            "unknown pollutant",
            column="pollutant",
            expected=f"one of {list(AIR_POLLUTANTS)}",
            found=pollutant,
        )
    if averaging is not None and averaging not in AVERAGINGS:
        raise IndicatorInputError(
            "unknown averaging period",
            column="averaging",
            expected=f"one of {list(AVERAGINGS)}",
            found=averaging,
        )


def concrete_edition(edition: str) -> str:
    """Check an HJ 633 edition name that is not ``"auto"``."""
    standards.resolve_edition(_FAMILY, edition)
    if edition == "auto":
        raise IndicatorInputError(
            "edition='auto' chooses by the date of each value; a single value has no date",
            column="edition",
            expected=" or ".join(repr(n) for n in standards.edition_names(_FAMILY)),
            found=edition,
        )
    return edition


@cache
def _segments(edition: str, pollutant: str, averaging: str) -> tuple[tuple[float, ...], ...]:
    """``(iaqi_lo, iaqi_hi, bp_lo, bp_hi)`` rows of one breakpoint column, ascending."""
    rows = (
        standards.table("air_iaqi_breakpoints")
        .filter(standard=edition, pollutant=pollutant, averaging=averaging)
        .sort("iaqi_lo")
    )
    if rows.is_empty():
        raise IndicatorInputError(
            f"{edition} has no IAQI table for {pollutant} {averaging}",
            column="averaging",
            expected="a pollutant/averaging pair of HJ 633 Table 1",
            found=f"{pollutant} {averaging}",
        )
    return tuple(
        tuple(float(v) for v in r)
        for r in rows.select("iaqi_lo", "iaqi_hi", "bp_lo", "bp_hi").iter_rows()
    )


@cache
def _breakpoint_column(edition: str, pollutant: str, averaging: str) -> str:
    """The breakpoint column a value of ``averaging`` is scored on.

    A 1-h value without a 1-h column (PM10, PM2.5) is scored as the real-time
    AQI scores it (table ``air_aqi_indicators``, hourly rows): on the 24-h
    breakpoints (HJ 633-2012 Table 1 note; HJ 633-2026 §4.2.4).
    """
    has = standards.table("air_iaqi_breakpoints").filter(
        standard=edition, pollutant=pollutant, averaging=averaging
    )
    if has.height or averaging != "1h":
        return averaging
    hourly = standards.table("air_aqi_indicators").filter(
        standard=edition, report="hourly", pollutant=pollutant
    )
    return str(hourly["table"][0]) if hourly.height else averaging


@cache
def special_rule(edition: str, pollutant: str, averaging: str) -> dict[str, Any] | None:
    """The row of ``air_aqi_special_rules`` for a concentration above 800, or ``None``.

    HJ 633-2012 Table 1 notes 2 and 3; HJ 633-2026 IAQI limit table notes b and c.
    """
    rows = standards.table("air_aqi_special_rules").filter(
        standard=edition, pollutant=pollutant, averaging=averaging
    )
    return rows.row(0, named=True) if rows.height else None


@cache
def prerounding(edition: str, pollutant: str) -> int | None:
    """Decimals ``edition`` rounds a ``pollutant`` concentration to before the IAQI (or None).

    Table ``air_aqi_prerounding`` (HJ 633-2026 §4.2.2/§4.2.3; none in HJ 633-2012).
    """
    rows = standards.table("air_aqi_prerounding").filter(standard=edition, pollutant=pollutant)
    return int(rows["decimals"][0]) if rows.height else None


def prerounded_expr(conc: pl.Expr, pollutant: str, edition: str) -> pl.Expr:
    """Concentration as the edition rounds it before the IAQI (GB/T 8170 half to even).

    HJ 633-2026 §4.2.2/§4.2.3; identity for HJ 633-2012. The value is first
    rounded to 9 decimals so that binary noise (0.35 stored as 0.34999...) does
    not decide a half-way case.
    """
    decimals = prerounding(edition, pollutant)
    if decimals is None:
        return conc
    return conc.round(9).round(decimals, mode="half_to_even")


def concentration_expr(conc: pl.Expr | str, pollutant: str, edition: str) -> pl.Expr:
    """The concentration an IAQI is computed on: Float64, NaN missing, pre-rounded.

    What :func:`iaqi_expr` does to its input first (NaN is a missing value, not
    "above the table"; :func:`prerounded_expr`). Computed once as a column, it
    lets several IAQI expressions read it with ``prepared=True``.
    """
    c = pl.col(conc) if isinstance(conc, str) else conc
    return prerounded_expr(c.cast(pl.Float64).fill_nan(None), pollutant, concrete_edition(edition))


def iaqi_expr(
    conc: pl.Expr | str,
    pollutant: str,
    averaging: str,
    edition: str,
    *,
    capped: bool = False,
    prepared: bool = False,
) -> pl.Expr:
    """Expression for the IAQI of one pollutant under one edition (HJ 633 formula (1)).

    Parameters
    ----------
    conc : pl.Expr or str
        Concentration [µg/m³; CO mg/m³] (a column name or expression).
    pollutant : str
        ``SO2``, ``NO2``, ``PM10``, ``CO``, ``O3`` or ``PM2.5``.
    averaging : str
        ``1h``, ``24h`` or ``8h``: which breakpoint column of the table.
    edition : str
        ``HJ 633-2012`` or ``HJ 633-2026`` (choose per date with
        :func:`indicators.air.hourly_aqi` / :func:`indicators.air.daily_aqi`).
    capped : bool
        Return instead a boolean: was the concentration above the table top
        (IAQI capped at 500)?
    prepared : bool
        ``conc`` is already what :func:`concentration_expr` gives for this
        pollutant and edition (e.g. a column computed once): used as it is.
        The piecewise formula reads its input several times, so a prepared
        column is about three times faster than an expression.

    Returns
    -------
    pl.Expr
        Int64 IAQI; null for null or negative input and where a special rule
        says no IAQI is computed from this value (2012 SO2 1-h and O3 8-h > 800).

    Examples
    --------
    >>> df = pl.DataFrame({"SO2": [100.0, 200.0, None]})
    >>> df.select(iaqi_expr("SO2", "SO2", "24h", "HJ 633-2012"))["SO2"].to_list()
    [75, 108, None]
    """
    check_pollutant(pollutant, averaging)
    edition = concrete_edition(edition)
    segs = _segments(edition, pollutant, averaging)
    c = pl.col(conc) if isinstance(conc, str) else conc
    if not prepared:
        c = concentration_expr(c, pollutant, edition)
    top_bp = segs[-1][3]
    rule = special_rule(edition, pollutant, averaging)
    if capped:
        over = c > top_bp
        if rule is not None:
            over = over & ~(c > rule["above"])
        over = over.fill_null(False)
        return over.alias(conc) if isinstance(conc, str) else over
    expr = pl.when(c.is_null() | (c < 0)).then(None)
    if rule is not None:
        value = pl.lit(rule["fixed_iaqi"]) if rule["action"] == "fixed" else pl.lit(None)
        expr = expr.when(c > rule["above"]).then(value)
    for i_lo, i_hi, b_lo, b_hi in segs:
        slope = (i_hi - i_lo) / (b_hi - b_lo)
        expr = expr.when(c <= b_hi).then((c - b_lo) * slope + i_lo)
    expr = expr.otherwise(pl.lit(segs[-1][1]))
    out = expr.round(_CEIL_GUARD_DECIMALS).ceil().cast(pl.Int64)
    return out.alias(conc) if isinstance(conc, str) else out


def _scalar_iaqi(value: float | None, pollutant: str, averaging: str, edition: str) -> int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if value < 0:
        raise IndicatorInputError(
            "negative concentration", column=pollutant, expected=">= 0", found=value
        )
    out = pl.select(iaqi_expr(pl.lit(float(value)), pollutant, averaging, edition)).item()
    if pl.select(
        iaqi_expr(pl.lit(float(value)), pollutant, averaging, edition, capped=True)
    ).item():
        warnings.warn(
            f"{pollutant} {averaging} {value} is above the top of the {edition} table: "
            "IAQI capped at 500",
            IndicatorWarning,
            stacklevel=3,
        )
    return out


def iaqi(
    pollutant: str,
    averaging: str,
    concentration: float | Sequence[float] | pl.Series,
    *,
    edition: str = NEWEST_EDITION,
) -> int | list[int | None] | pl.Series | None:
    """Individual air quality index (IAQI, 空气质量分指数) of a concentration.

    HJ 633-2012 §4.3 formula (1) and Table 1; HJ 633-2026 §4.2 and its IAQI
    limit table. Rounded up to an integer (2012 §6.2, 2026 §4.2.6); 2026 first
    rounds the concentration by GB/T 8170 (integers; CO to 0.1 mg/m³).

    Parameters
    ----------
    pollutant : str
        ``SO2``, ``NO2``, ``PM10``, ``CO``, ``O3`` or ``PM2.5``.
    averaging : str
        ``1h``, ``24h`` or ``8h`` (the breakpoint column: 24-h, 1-h or 8-h means).
        A 1-h PM10 or PM2.5 value is scored on the 24-h breakpoints, as the
        real-time AQI scores it (HJ 633-2012 Table 1 note; HJ 633-2026 §4.2.4),
        so this agrees with :func:`indicators.air.hourly_aqi`.
    concentration : float, sequence of float or pl.Series
        µg/m³ (CO: mg/m³). None/NaN gives None.
    edition : str, default "HJ 633-2026"
        ``HJ 633-2012`` or ``HJ 633-2026``.

    Returns
    -------
    int, list or pl.Series
        Same shape as the input. None where no IAQI is defined (missing value;
        2012 SO2 1-h or O3 8-h above 800 µg/m³, whose IAQI comes from another
        averaging period). Above the table top: 500 with an
        :class:`~indicators.IndicatorWarning`.

    Raises
    ------
    IndicatorInputError
        Negative concentration, unknown pollutant, averaging or edition.

    Examples
    --------
    >>> iaqi("PM2.5", "24h", 35.4, edition="HJ 633-2026")
    50
    >>> iaqi("PM2.5", "24h", 35.4, edition="HJ 633-2012")
    51
    >>> iaqi("CO", "24h", 1.5, edition="HJ 633-2012")
    38
    >>> iaqi("SO2", "24h", pl.Series([100.0, 200.0]), edition="HJ 633-2012").to_list()
    [75, 108]
    >>> iaqi("SO2", "1h", 900, edition="HJ 633-2026")
    200
    >>> iaqi("PM2.5", "1h", 80, edition="HJ 633-2012")  # 24-h breakpoints: 100+5*50/40
    107
    """
    check_pollutant(pollutant, averaging)
    concrete_edition(edition)
    averaging = _breakpoint_column(edition, pollutant, averaging)
    if isinstance(concentration, pl.Series):
        concentration = concentration.cast(pl.Float64)  # an all-None Series has dtype Null
        if (concentration.drop_nulls() < 0).any():
            bad = next(i for i, v in enumerate(concentration) if v is not None and v < 0)
            raise IndicatorInputError(
                "negative concentration",
                row=bad + 1,
                column=concentration.name or pollutant,
                expected=">= 0",
                found=concentration[bad],
            )
        frame = pl.DataFrame({"c": concentration.cast(pl.Float64)})
        out = frame.select(
            iaqi_expr("c", pollutant, averaging, edition).alias(concentration.name or pollutant),
            iaqi_expr("c", pollutant, averaging, edition, capped=True).alias("capped"),
        )
        if out["capped"].any():
            warnings.warn(
                f"{int(out['capped'].sum())} {pollutant} {averaging} values above the top of "
                f"the {edition} table: IAQI capped at 500",
                IndicatorWarning,
                stacklevel=2,
            )
        return out.get_column(concentration.name or pollutant)
    if isinstance(concentration, Iterable) and not isinstance(concentration, str):
        return [_scalar_iaqi(v, pollutant, averaging, edition) for v in concentration]
    return _scalar_iaqi(concentration, pollutant, averaging, edition)


@cache
def _categories(edition: str) -> pl.DataFrame:
    return standards.table("air_aqi_categories").filter(standard=edition).sort("level")


def level_expr(aqi: pl.Expr, edition: str) -> pl.Expr:
    """AQI level 1..6 (HJ 633-2012 Table 2, HJ 633-2026 Table 1); null for null AQI."""
    cats = _categories(concrete_edition(edition))
    expr = pl.when(aqi.is_null()).then(None)
    for lvl, hi in cats.select("level", "aqi_hi").iter_rows():
        if hi is not None:
            expr = expr.when(aqi <= hi).then(pl.lit(lvl))
    return expr.otherwise(pl.lit(int(cats["level"].max()))).cast(pl.Int8)


def category_columns(level: pl.Expr, edition: str = NEWEST_EDITION) -> list[pl.Expr]:
    """``category``, ``category_en`` and ``colour`` from an AQI level expression.

    The texts are taken from the standards table by position (level k is row k),
    which costs a third of a per-row lookup; null for a null or unknown level.
    """
    cats = _categories(concrete_edition(edition))
    levels = cats["level"].to_list()
    names = (("category_zh", "category"), ("category_en", "category_en"), ("hex", "colour"))
    if levels != list(range(1, len(levels) + 1)):  # pragma: no cover - the tables number 1..6
        return [
            level.replace_strict(
                levels, cats[col].to_list(), default=None, return_dtype=pl.String
            ).alias(alias)
            for col, alias in names
        ]
    row = pl.when(level.is_between(1, len(levels))).then(level.cast(pl.Int64) - 1)
    return [
        pl.lit(pl.Series(cats[col].to_list(), dtype=pl.String)).gather(row).alias(alias)
        for col, alias in names
    ]


def aqi_category(aqi: int, *, edition: str = NEWEST_EDITION) -> dict[str, Any]:
    """Level, category and official colour of an AQI value.

    HJ 633-2012 Table 2 and Appendix A; HJ 633-2026 Table 1 and Appendix A.

    Parameters
    ----------
    aqi : int
        AQI value (0 or more, dimensionless).
    edition : str
        HJ 633 edition whose category table is used (default the newest).

    Returns
    -------
    dict
        ``level`` (1..6), ``category`` (Chinese), ``category_en``, ``colour`` (hex).

    Examples
    --------
    >>> aqi_category(101)["category"], aqi_category(101)["colour"]
    ('轻度污染', '#FF7E00')
    >>> aqi_category(60)["category_en"]  # MEE's English name of 良
    'Good'
    >>> aqi_category(50)["level"]
    1
    """
    if aqi is None or aqi < 0:
        raise IndicatorInputError(
            "AQI must be a non-negative integer", column="aqi", expected=">= 0", found=aqi
        )
    frame = pl.DataFrame({"aqi": [int(aqi)]})
    lvl = level_expr(pl.col("aqi"), edition)
    row = frame.select(lvl.alias("level"), *category_columns(lvl, edition)).row(0, named=True)
    return row
