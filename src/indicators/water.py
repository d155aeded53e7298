"""Surface water (地表水): GB 3838-2002 classes by the 2011 evaluation method, TLI, CWQI.

What the module computes, and from which rule:

- :func:`item_class`: single-factor class of one item (I ... V, 劣V) against GB 3838-2002
  Table 1 (DO a lower limit, pH a 6-9 range, TP with a river and a lake/reservoir form,
  TN for lakes and reservoirs only; equal limits resolve to the better class).
- :func:`item_classes`: the same for long-form results, per site and period (period
  means of each item, then classify: 环办〔2011〕22号), with exceedance multiples against
  class III and against the section's target class.
- :func:`section_classes`: the section class (worst of the 21 evaluation items),
  compliance with the target class, the failing items and the main pollutants.
- :func:`summary`: city, river or basin figures (class shares, I-III share, 劣V share,
  compliance, status wording by the section-share rules or the mean method, main
  pollutants by section exceedance rate); :func:`compare_periods` the change wording.
- :func:`tli`, :func:`tli_class`, :func:`trophic_state`: trophic state index TLI(Σ) of
  lakes and reservoirs (总站生字〔2001〕090号).
- :func:`cwqi_index`, :func:`cwqi_items`, :func:`cwqi`: city water quality index CWQI
  (城市地表水环境质量排名技术规定（试行）, 2017, 四(二)1-3: Σ of the 21 item indices against
  class III, concentrations averaged over the sections first, DO as reciprocal);
  :func:`cwqi_change` ΔCWQI [%] and the change-ranking exclusion (四(四)),
  :func:`cwqi_ranking` status and change rankings (四(三)-(四)). UNVERIFIED parts (pH
  mean, city weighting, ties, rounding) are listed in their docstrings.

Conventions
-----------
Classes are strings ``"I"``, ``"II"``, ``"III"``, ``"IV"``, ``"V"``, ``"劣V"`` (rank 1-6 in
``class_rank``); the limits, classes, wording, colours and thresholds are rows of the
``water_*`` standards tables. Results are long form (see :mod:`indicators.validation.water`);
values below the detection limit count as half the limit by default (``below_dl``).
Comparisons use the unrounded value (period means and exceedance multiples are rounded
to 10 decimal places only to remove binary floating-point noise; no GB/T 8170 reporting
rounding is applied):
``<=`` for upper limits, ``>=`` for DO, ``6 <= pH <= 9``.

Examples
--------
>>> item_class("NH3-N", 1.2), item_class("TP", 0.03, waterbody="lake"), item_class("DO", 1.9)
('IV', 'III', '劣V')
>>> round(tli(chla=10.0, tp=0.05, tn=1.0, sd=1.0, codmn=4.0), 1)
48.0
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any, Literal

import numpy as np
import polars as pl

from . import standards
from ._frames import (
    Frame,
    competition_ranks,
    finish,
    key_list,
    null_if_empty,
    ordered_mean,
    ordered_sum,
    require_columns,
    to_lazy,
)
from .errors import IndicatorInputError
from .standards import table
from .validation.water import item_code, normalise_results, normalise_sections

__all__ = [
    "CLASSES",
    "CWQI_ITEMS",
    "EVALUATION_ITEMS",
    "class_colours",
    "compare_periods",
    "cwqi",
    "cwqi_change",
    "cwqi_index",
    "cwqi_items",
    "cwqi_ranking",
    "change_by_grades",
    "change_by_shares",
    "exceedance_multiple",
    "item_class",
    "item_classes",
    "results_checked_once",
    "section_classes",
    "status_by_shares",
    "status_of_class",
    "summary",
    "tli",
    "tli_class",
    "trophic_state",
]

Period = Literal["sampling", "month", "quarter", "year", "all"]
BelowDL = Literal["half", "limit", "zero"]
Waterbody = Literal["river", "lake", "reservoir"]

GB3838 = standards.newest_edition("GB 3838")
_MEAN_DECIMALS = 10  # float-noise removal only; see the module docstring

#: The classes of GB 3838-2002 in rank order, from ``water_gb3838_classes``.
CLASSES: tuple[str, ...] = tuple(table("water_gb3838_classes").sort("rank")["class"].to_list())
_WORST = CLASSES[-1]
_GRADED = CLASSES[:-1]  # the classes with limits (I-V)

#: The 21 items of the 2011 class evaluation (GB 3838 Table 1 without water temperature,
#: TN and fecal coliform), in Table 1 order.
EVALUATION_ITEMS: tuple[str, ...] = tuple(
    table("water_items").filter(pl.col("role_2011") == "class")["item"].to_list()
)


# --------------------------------------------------------------------------- parameters


@cache
def evaluation_parameter(name: str) -> str:
    """A parameter of the 2011 evaluation method (table ``water_evaluation_parameters``).

    Parameters
    ----------
    name : str
        Parameter name, e.g. ``good_classes_up_to`` or ``drinking_source_class``.

    Returns
    -------
    str
        Its value as written in the table.

    Examples
    --------
    >>> evaluation_parameter("good_classes_up_to")
    'III'
    """
    found = table("water_evaluation_parameters").filter(pl.col("parameter") == name)
    return str(found["value"].item())


def _param_float(name: str) -> float:
    return float(evaluation_parameter(name))


def class_rank(cls: str) -> int:
    """Rank of a GB 3838-2002 class: 1 for I ... 6 for 劣V (table ``water_gb3838_classes``).

    Examples
    --------
    >>> class_rank("III")
    3
    """
    return CLASSES.index(cls) + 1


def _below_dl_factor(below_dl: str) -> float:
    try:
        return _param_float(f"below_dl_{below_dl}")
    except ValueError:
        raise IndicatorInputError(
            "unknown below-detection-limit policy",
            column="below_dl",
            expected="'half', 'limit' or 'zero'",
            found=below_dl,
        ) from None


def _check_edition(edition: str) -> None:
    known = table("water_gb3838_table1")["standard"].unique().to_list()
    if edition not in known:
        raise IndicatorInputError(
            "unknown GB 3838 edition", column="edition", expected=f"one of {known}", found=edition
        )


def _kind(waterbody: str) -> str:
    if waterbody == "river":
        return "river"
    if waterbody in ("lake", "reservoir"):
        return "lake"
    raise IndicatorInputError(
        "unknown water-body type",
        column="waterbody",
        expected="'river', 'lake' or 'reservoir'",
        found=waterbody,
    )


# --------------------------------------------------------------------------- limits


@cache
def _limits(edition: str) -> pl.DataFrame:
    """Wide Table 1 limits: item, kind (river/lake), direction, lo_<cls>, hi_<cls>."""
    t1 = table("water_gb3838_table1").filter(pl.col("standard") == edition)
    rows = []
    for (item, waterbody, direction), grp in t1.group_by(
        ["item", "waterbody", "direction"], maintain_order=True
    ):
        kinds = ["river", "lake"] if waterbody == "all" else [waterbody]
        for kind in kinds:
            row: dict[str, Any] = {"item": item, "kind": kind, "direction": direction}
            for rec in grp.iter_rows(named=True):
                row[f"lo_{rec['class']}"] = rec["limit_lo"]
                row[f"hi_{rec['class']}"] = rec["limit_hi"]
            rows.append(row)
    schema: dict[str, Any] = {"item": pl.String, "kind": pl.String, "direction": pl.String}
    for c in _GRADED:
        schema[f"lo_{c}"] = pl.Float64
        schema[f"hi_{c}"] = pl.Float64
    return pl.DataFrame(rows, schema=schema)


@cache
def _item_info() -> pl.DataFrame:
    items = table("water_items")
    return items.select(
        "item",
        "item_zh",
        role=pl.col("role_2011"),
        toxic=pl.col("toxic").cast(pl.Boolean),
        item_order=pl.int_range(pl.len(), dtype=pl.Int32),
    )


def class_expr(
    value: pl.Expr, classes: Sequence[str], worse: str, *, lo_open: pl.Expr | None = None
) -> pl.Expr:
    """First class whose limits hold (``lo_<c>``/``hi_<c>`` columns), else ``worse``.

    A null value or a row without limits gives null. Lower limits are inclusive unless
    ``lo_open`` is true for the row (GB 3097 DO: strictly greater).
    """
    has_any = pl.any_horizontal(
        [pl.col(f"lo_{c}").is_not_null() | pl.col(f"hi_{c}").is_not_null() for c in classes]
    )
    expr = pl.when(value.is_null() | ~has_any).then(pl.lit(None, dtype=pl.String))
    for c in classes:
        lo, hi = pl.col(f"lo_{c}"), pl.col(f"hi_{c}")
        above_lo = value >= lo
        if lo_open is not None:
            above_lo = pl.when(lo_open).then(value > lo).otherwise(value >= lo)
        ok = (lo.is_null() | above_lo) & (hi.is_null() | (value <= hi))
        expr = expr.when((lo.is_not_null() | hi.is_not_null()) & ok).then(pl.lit(c))
    return expr.otherwise(pl.lit(worse))


def _limit_of(cls: pl.Expr) -> pl.Expr:
    """Upper limit of the class named in ``cls`` (per row)."""
    expr = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.Float64))
    for c in _GRADED:
        expr = expr.when(cls == c).then(pl.col(f"hi_{c}"))
    return expr.otherwise(None)


def _multiple(value: pl.Expr, limit: pl.Expr) -> pl.Expr:
    """(C − S) / S for upper-limit items that exceed S, else null."""
    return (
        pl.when((pl.col("direction") == "le") & (value > limit))
        .then(((value - limit) / limit).round(_MEAN_DECIMALS))
        .otherwise(None)
    )


def _attach_classes(lf: pl.LazyFrame, edition: str) -> pl.LazyFrame:
    """Add class, class_rank, limit_III, exceedance_III (needs item, value, kind)."""
    iii = CLASSES[class_rank(evaluation_parameter("main_pollutant_above_class")) - 1]
    limits = _limits(edition).lazy()
    ranks = {c: i + 1 for i, c in enumerate(CLASSES)}
    lf = lf.join(limits, on=["item", "kind"], how="left", maintain_order="left")
    lf = lf.with_columns(cls=class_expr(pl.col("value"), _GRADED, _WORST))
    return lf.with_columns(
        class_rank=pl.col("cls").replace_strict(ranks, default=None, return_dtype=pl.Int8),
        limit_III=pl.when(pl.col("direction") == "ge")
        .then(pl.col(f"lo_{iii}"))
        .otherwise(pl.col(f"hi_{iii}")),
        exceedance_III=_multiple(pl.col("value"), pl.col(f"hi_{iii}")),
    ).rename({"cls": "class"})


def _scalar_frame(item: str, value: Any, kind: str) -> tuple[pl.LazyFrame, bool]:
    is_seq = isinstance(value, pl.Series | list | tuple)
    values = list(value) if is_seq else [value]
    code = item_code(item)
    for v in values:
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or math.isnan(v) or v < 0:
            raise IndicatorInputError(
                "value must be a non-negative number", column=code, expected=">= 0", found=v
            )
        if code == "pH" and v > 14:
            raise IndicatorInputError("pH outside 0-14", column="pH", expected="0-14", found=v)
    frame = pl.LazyFrame(
        {"item": [code] * len(values), "value": values, "kind": [kind] * len(values)},
        schema={"item": pl.String, "value": pl.Float64, "kind": pl.String},
    )
    return frame, is_seq


# --------------------------------------------------------------------------- scalar API


def item_class(
    item: str, value: Any, *, waterbody: Waterbody = "river", edition: str = GB3838
) -> Any:
    """Single-factor class of one item (单因子水质类别), GB 3838-2002 Table 1.

    Parameters
    ----------
    item : str
        Item code (``NH3-N``, ``TP``, ``DO``, ``pH`` ...) or Chinese/English name.
    value : float, list or polars.Series
        Concentration in the item's canonical unit (mg/L; fecal coliform count/L; pH
        dimensionless). None gives None.
    waterbody : {"river", "lake", "reservoir"}
        Selects the TP form (rivers 0.02/0.1/0.2/0.3/0.4, lakes and reservoirs
        0.01/0.025/0.05/0.1/0.2 mg/L); TN has limits for lakes and reservoirs only.
    edition : str
        Standard edition (rows of ``water_gb3838_table1``).

    Returns
    -------
    str or None (or a polars.Series for a list/Series input)
        ``"I"`` ... ``"V"`` or ``"劣V"``; None for items without Table 1 limits (water
        temperature, chl-a, SD, TN in rivers).

    Notes
    -----
    Closure: value ``<=`` the limit for upper limits, ``>=`` for DO, ``6 <= pH <= 9``;
    the first (best) class whose limit holds is returned, so equal limits (COD I/II 15)
    give the better class. A value beyond the class-V limit, or a pH outside 6-9, is 劣V.

    Examples
    --------
    >>> item_class("COD", 15.0), item_class("COD", 15.1), item_class("pH", 9.01)
    ('I', 'III', '劣V')
    >>> item_class("TP", [0.2, 0.21]).to_list()
    ['III', 'IV']
    """
    _check_edition(edition)
    frame, is_seq = _scalar_frame(item, value, _kind(waterbody))
    out = _attach_classes(frame, edition).collect()["class"]
    return out if is_seq else out[0]


def exceedance_multiple(
    item: str,
    value: float,
    *,
    against: str = "III",
    waterbody: Waterbody = "river",
    edition: str = GB3838,
) -> float | None:
    """Exceedance multiple (超标倍数) of one value against a class limit.

    Parameters
    ----------
    item : str
        Item code or name.
    value : float
        Concentration in the item's canonical unit.
    against : str
        Class whose upper limit S is used (default III, as in the 2011 method).
    waterbody : {"river", "lake", "reservoir"}
        TP form.
    edition : str
        Standard edition.

    Returns
    -------
    float or None
        (C − S) / S when C > S (rounded to 10 decimal places to remove floating-point
        noise); None when the value does not exceed S, and for items the 2011 method
        gives no multiple (pH, DO, water temperature: no upper limit).

    Notes
    -----
    环办〔2011〕22号 (W9): exceedance multiple = (C − S_III) / S_III; GB 3838-2002 §5.1
    asks for the multiples of the items that exceed the target class.

    Examples
    --------
    >>> round(exceedance_multiple("NH3-N", 1.5), 6), exceedance_multiple("NH3-N", 1.0)
    (0.5, None)
    >>> exceedance_multiple("DO", 1.0) is None
    True
    """
    _check_edition(edition)
    if against not in _GRADED:
        raise IndicatorInputError(
            "unknown class", column="against", expected=f"one of {list(_GRADED)}", found=against
        )
    frame, _ = _scalar_frame(item, value, _kind(waterbody))
    out = (
        frame.join(_limits(edition).lazy(), on=["item", "kind"], how="left")
        .select(_multiple(pl.col("value"), pl.col(f"hi_{against}")))
        .collect()
        .item()
    )
    return None if out is None else float(out)


def status_of_class(cls: str) -> str:
    """Qualitative status (水质状况) of a section class: I-II 优, III 良好 ... 劣V 重度污染.

    环办〔2011〕22号 (W9, W10); the words are rows of ``water_gb3838_classes``.

    Examples
    --------
    >>> [status_of_class(c) for c in CLASSES]
    ['优', '优', '良好', '轻度污染', '中度污染', '重度污染']
    """
    found = table("water_gb3838_classes").filter(pl.col("class") == cls)
    if found.height == 0:
        raise IndicatorInputError(
            "unknown class", column="class", expected=f"one of {list(CLASSES)}", found=cls
        )
    return found["status_zh"].item()


def class_colours() -> pl.DataFrame:
    """The GB 3838-2002 class table: class, rank, status, colour (``water_gb3838_classes``).

    劣V is red (2011-method quiz, W8); the colours of I-V are the usual map colours
    (I-II blue, III green, IV yellow, V orange) and are UNVERIFIED (see the table's
    ``colour_verification`` column).

    Examples
    --------
    >>> class_colours().filter(pl.col("class") == "劣V")["hex"].item()
    '#FF0000'
    """
    return table("water_gb3838_classes").select(
        "class", "rank", "status_zh", "status_en", "colour_zh", "hex", "colour_verification"
    )


def _status_rules() -> pl.DataFrame:
    return table("water_status_rules").sort("status_rank")


def _status_share_expr(good: pl.Expr, worse: pl.Expr) -> pl.Expr:
    """Status from the I-III share and the 劣V share (percent); min inclusive, max exclusive."""
    expr = pl.when(good.is_null() | worse.is_null()).then(pl.lit(None, dtype=pl.String))
    for rule in _status_rules().iter_rows(named=True):
        cond = pl.lit(True)
        if rule["share_I_III_min"] is not None:
            cond = cond & (good >= rule["share_I_III_min"])
        if rule["share_I_III_max"] is not None:
            cond = cond & (good < rule["share_I_III_max"])
        if rule["share_worse_V_min"] is not None:
            cond = cond & (worse >= rule["share_worse_V_min"])
        if rule["share_worse_V_max"] is not None:
            cond = cond & (worse < rule["share_worse_V_max"])
        expr = expr.when(cond).then(pl.lit(rule["status"]))
    return expr.otherwise(None)


def status_by_shares(share_I_III: float, share_worse_V: float) -> str:
    """River/basin status (水质状况) from section shares, 环办〔2011〕22号 (W11, W9).

    Parameters
    ----------
    share_I_III : float
        Share of sections at class I-III [percent].
    share_worse_V : float
        Share of sections worse than class V (劣V) [percent].

    Returns
    -------
    str
        优 (I-III >= 90), 良好 (75 <= I-III < 90), 轻度污染 (I-III < 75 and 劣V < 20),
        中度污染 (I-III < 75 and 20 <= 劣V < 40), 重度污染 (I-III < 75 and 劣V >= 40).
        The thresholds are rows of ``water_status_rules``; minimums are inclusive.

    Examples
    --------
    >>> status_by_shares(90.0, 0.0), status_by_shares(89.9, 0.0), status_by_shares(74.9, 20.0)
    ('优', '良好', '中度污染')
    """
    for v, col in ((share_I_III, "share_I_III"), (share_worse_V, "share_worse_V")):
        if not 0 <= v <= 100:
            raise IndicatorInputError("share out of range", column=col, expected="0-100", found=v)
    frame = pl.DataFrame({"g": [float(share_I_III)], "w": [float(share_worse_V)]})
    return frame.select(_status_share_expr(pl.col("g"), pl.col("w"))).item()


def _status_rank(status: str) -> int:
    found = _status_rules().filter(pl.col("status") == status)
    if found.height == 0:
        raise IndicatorInputError(
            "unknown status",
            column="status",
            expected=f"one of {_status_rules()['status'].to_list()}",
            found=status,
        )
    return int(found["status_rank"].item())


def _change_by_shares_expr(x: pl.Expr) -> pl.Expr:
    """Change wording from ΔG − ΔD (thresholds in ``water_evaluation_parameters``)."""
    return (
        pl.when(x.abs() <= _param_float("change_none_up_to"))
        .then(pl.lit("无明显变化"))
        .when(x.abs() > _param_float("change_clear_above"))
        .then(pl.when(x > 0).then(pl.lit("明显好转")).otherwise(pl.lit("明显变差")))
        .otherwise(pl.when(x > 0).then(pl.lit("有所好转")).otherwise(pl.lit("有所变差")))
    )


def _change_by_grades_expr(steps: pl.Expr) -> pl.Expr:
    """Change wording from the status grade difference (positive = better)."""
    return (
        pl.when(steps == 0)
        .then(pl.lit("无明显变化"))
        .when(steps.abs() >= _param_float("grade_change_clear_from"))
        .then(pl.when(steps > 0).then(pl.lit("明显好转")).otherwise(pl.lit("明显变差")))
        .otherwise(pl.when(steps > 0).then(pl.lit("有所好转")).otherwise(pl.lit("有所变差")))
    )


def change_by_grades(previous: str, current: str) -> str:
    """Change wording from two status grades, 环办〔2011〕22号 (W3).

    A change of 0 grades is 无明显变化, 1 grade 有所好转/变差, 2 or more 明显好转/变差
    (threshold in ``water_evaluation_parameters``).

    Parameters
    ----------
    previous, current : str
        Status words (优, 良好, 轻度污染, 中度污染, 重度污染).

    Returns
    -------
    str
        无明显变化, 有所好转, 有所变差, 明显好转 or 明显变差.

    Examples
    --------
    >>> change_by_grades("轻度污染", "良好"), change_by_grades("优", "轻度污染")
    ('有所好转', '明显变差')
    """
    steps = _status_rank(previous) - _status_rank(current)
    return pl.select(_change_by_grades_expr(pl.lit(steps))).item()


def change_by_shares(delta_good: float, delta_worse: float) -> str:
    """Change wording from ΔG − ΔD, the combined share method of 环办〔2011〕22号.

    Parameters
    ----------
    delta_good : float
        ΔG, change of the I-III share [percentage points], current minus previous.
    delta_worse : float
        ΔD, change of the 劣V share [percentage points], current minus previous.

    Returns
    -------
    str
        ΔG − ΔD > 0 is better, < 0 worse; abs(ΔG − ΔD) > 20 明显 (W8),
        10 < abs(ΔG − ΔD) <= 20 有所, <= 10 无明显变化. The 10-point threshold is UNVERIFIED (table
        ``water_evaluation_parameters``).

    Examples
    --------
    >>> change_by_shares(20.0, 0.0), change_by_shares(20.1, 0.0), change_by_shares(5.0, 20.0)
    ('有所好转', '明显好转', '有所变差')
    >>> change_by_shares(10.0, 0.0)
    '无明显变化'
    """
    x = float(delta_good) - float(delta_worse)
    return pl.select(_change_by_shares_expr(pl.lit(x))).item()


# --------------------------------------------------------------------------- frames


def _period_columns(period: str) -> tuple[pl.Expr, pl.Expr]:
    d = pl.col("date")
    if period == "sampling":
        return d, d
    if period == "month":
        return d.dt.month_start(), d.dt.month_end()
    if period == "quarter":
        start = d.dt.truncate("1q")
        return start, start.dt.offset_by("1q").dt.offset_by("-1d")
    if period == "year":
        start = d.dt.truncate("1y")
        return start, start.dt.offset_by("1y").dt.offset_by("-1d")
    if period == "all":
        return d.min(), d.max()
    raise IndicatorInputError(
        "unknown period",
        column="period",
        expected="'sampling', 'month', 'quarter', 'year' or 'all'",
        found=period,
    )


def _used_value(below_dl: str) -> pl.Expr:
    factor = _below_dl_factor(below_dl)
    return (
        pl.when(pl.col("below_dl"))
        .then(pl.col("detection_limit") * factor)
        .otherwise(pl.col("value"))
    )


def period_means(lf: pl.LazyFrame, keys: list[str], period: str, below_dl: str) -> pl.LazyFrame:
    """Arithmetic mean of each item per key and period (2011 method; nulls not counted).

    Parameters
    ----------
    lf : polars.LazyFrame
        Checked long-form results (:func:`indicators.validation.water.normalise_results`).
    keys : list of str
        Grouping columns besides period and item (e.g. ``["site"]``).
    period : {"sampling", "month", "quarter", "year", "all"}
        Averaging period.
    below_dl : {"half", "limit", "zero"}
        Value used for a result below the detection limit.

    Returns
    -------
    polars.LazyFrame
        One row per key, period and item: ``period_start``, ``period_end``, ``value``
        (canonical unit), ``n`` and ``n_below_dl``.
    """
    start, end = _period_columns(period)
    lf = lf.with_columns(period_start=start, period_end=end, _v=_used_value(below_dl))
    return lf.group_by([*keys, "period_start", "period_end", "item"]).agg(
        value=ordered_mean(pl.col("_v")).round(_MEAN_DECIMALS),
        n=pl.col("_v").count().cast(pl.Int32),
        n_below_dl=(pl.col("below_dl") & pl.col("_v").is_not_null()).sum().cast(pl.Int32),
    )


#: The results checked inside :func:`results_checked_once`: (results, registry, name,
#: checked) of each (None outside).
_CHECKED: ContextVar[list[tuple[Any, pl.DataFrame, str, Any]] | None] = ContextVar(
    "checked_results", default=None
)


@contextmanager
def results_checked_once() -> Iterator[None]:
    """Within: a results frame is checked and normalised once per registry.

    Every GB 3838-2002 evaluation checks its input (:func:`normalise_results`: item
    codes, units, negative values, detection limits, the registry's sites); those run
    on one frame within (the figures stage runs four on a period's results: classes,
    summary, trophic state twice) reuse its first check. The frames are held until the
    end, and must not be changed in place meanwhile.
    """
    token = _CHECKED.set([])
    try:
        yield
    finally:
        _CHECKED.reset(token)


def _prepare(results: Any, registry: pl.DataFrame, name: str) -> tuple[pl.LazyFrame, bool]:
    done = _CHECKED.get()
    for given, reg, named, checked in done or ():
        if given is results and named == name and reg.equals(registry):
            return checked
    lf, was_lazy = to_lazy(results, name=name)
    checked = (normalise_results(lf, registry=registry, name=name), was_lazy)
    if done is not None:
        done.append((results, registry, name, checked))
    return checked


def classify_period_means(
    lf: pl.LazyFrame,
    registry: pl.DataFrame,
    *,
    period: str,
    below_dl: str,
    edition: str,
) -> pl.LazyFrame:
    """Period means per site and item, their GB 3838-2002 classes and exceedance multiples.

    The body of :func:`item_classes` for results already checked; other domains
    (drinking-water sources) call it with their own registry.

    Parameters
    ----------
    lf : polars.LazyFrame
        Checked long-form results.
    registry : polars.DataFrame
        ``site``, ``type`` and ``target_class`` per site.
    period, below_dl, edition
        As :func:`item_classes`.

    Returns
    -------
    polars.LazyFrame
        The columns of :func:`item_classes` plus ``item_order``.
    """
    _check_edition(edition)
    means = period_means(lf, ["site"], period, below_dl)
    reg = registry.lazy().select("site", "type", "target_class")
    means = means.join(reg, on="site", how="left").with_columns(
        kind=pl.when(pl.col("type") == "river").then(pl.lit("river")).otherwise(pl.lit("lake"))
    )
    out = _attach_classes(means, edition)
    out = out.with_columns(
        limit_target=_limit_of(pl.col("target_class")),
    ).with_columns(
        exceedance_target=_multiple(pl.col("value"), pl.col("limit_target")),
        exceeds_target=pl.col("class_rank")
        > pl.col("target_class").replace_strict(
            {c: i + 1 for i, c in enumerate(CLASSES)}, default=None, return_dtype=pl.Int8
        ),
    )
    info = _item_info().lazy()
    out = out.join(info, on="item", how="left")
    return out.select(
        "site",
        "period_start",
        "period_end",
        "item",
        "item_zh",
        "value",
        "n",
        "n_below_dl",
        "type",
        "role",
        "toxic",
        "item_order",
        "class",
        "class_rank",
        "limit_III",
        "exceedance_III",
        "target_class",
        "limit_target",
        "exceedance_target",
        "exceeds_target",
    ).sort("site", "period_start", "item_order")


def item_classes(
    results: Any,
    sections: Any,
    *,
    period: Period = "sampling",
    below_dl: BelowDL = "half",
    edition: str = GB3838,
) -> Frame:
    """Class of every item per section and period (单因子评价), with exceedance multiples.

    Parameters
    ----------
    results : polars or pandas frame
        Long-form results (see :mod:`indicators.validation.water`): ``site``, ``date``, ``item``,
        ``value`` [canonical unit], optional ``unit``, ``below_dl``, ``detection_limit``.
    sections : frame
        Section registry (:func:`indicators.validation.water.normalise_sections` layout): gives
        each site's ``type`` (TP form, TN applicability) and ``target_class``.
    period : {"sampling", "month", "quarter", "year", "all"}
        Averaging period. Several samplings in a period: arithmetic mean of each item
        (2011 method; the W8 quiz). Quarterly and annual data rules are UNVERIFIED; the
        mean of all samplings in the period is used.
    below_dl : {"half", "limit", "zero"}
        Value used for a result below the detection limit: half the limit (default),
        the limit, or zero (factors in ``water_evaluation_parameters``; UNVERIFIED).
    edition : str
        GB 3838 edition.

    Returns
    -------
    polars.DataFrame or LazyFrame
        One row per site, period and item: ``value`` (period mean), ``n`` (valid
        values), ``n_below_dl``, ``role`` (``class`` for the 21 evaluation items,
        ``reference`` for water temperature, TN and fecal coliform, ``none`` otherwise),
        ``class``, ``class_rank`` (1-6), ``limit_III``, ``exceedance_III`` ((C − S)/S
        against class III, null when not exceeding or for pH/DO), ``target_class``,
        ``limit_target``, ``exceedance_target``, ``exceeds_target``. Items without Table 1
        limits (chl-a, SD, water temperature, TN in rivers) have a null class.

    Raises
    ------
    IndicatorInputError
        Bad results (see :func:`indicators.validation.water.normalise_results`) or registry,
        sites missing from the registry, unknown period or policy.

    Examples
    --------
    >>> from datetime import date
    >>> reg = pl.DataFrame({"site": ["S1"], "name": ["桥"], "type": ["river"],
    ...     "target_class": ["III"]})
    >>> res = pl.DataFrame({"site": ["S1", "S1"], "date": [date(2025, 1, 5)] * 2,
    ...     "item": ["NH3-N", "TP"], "value": [1.2, 0.1], "unit": ["mg/L", "mg/L"]})
    >>> item_classes(res, reg).select("item", "class", "exceedance_III").rows()
    [('NH3-N', 'IV', 0.2), ('TP', 'II', None)]
    """
    reg = normalise_sections(sections)
    lf, was_lazy = _prepare(results, reg, "results")
    out = classify_period_means(lf, reg, period=period, below_dl=below_dl, edition=edition)
    return finish(out.drop("item_order"), was_lazy)


def exceedance_label(value_col: str, name_col: str = "item") -> pl.Expr:
    """Label of an exceeding item as bulletins write it: ``NAME(multiple)`` or ``NAME``.

    Parameters
    ----------
    value_col : str
        Column of the exceedance multiple (rounded to 2 decimals in the label).
    name_col : str
        Column of the item name.

    Returns
    -------
    polars.Expr
    """
    m = pl.col(value_col).round(2).cast(pl.String)
    return (
        pl.when(pl.col(value_col).is_not_null())
        .then(pl.format("{}({})", pl.col(name_col), m))
        .otherwise(pl.col(name_col))
    )


def _pollutant_order() -> tuple[list[pl.Expr], list[bool]]:
    """2011 ordering: toxic items first, then worse class, then larger multiple."""
    keys = [
        pl.col("toxic"),
        pl.col("class_rank"),
        pl.col("exceedance_III").fill_null(-1.0),
        pl.col("item_order"),
    ]
    return keys, [True, True, True, False]


def _section_aggregate(ic: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    """Section class, failing items and main pollutants from item classes (per key set)."""
    iii = class_rank(evaluation_parameter("main_pollutant_above_class"))
    count = int(_param_float("main_pollutant_count"))
    evaluated = (pl.col("role") == "class") & pl.col("class").is_not_null()
    over_iii = evaluated & (pl.col("class_rank") > iii)
    over_target = evaluated & pl.col("exceeds_target").fill_null(False)
    order, desc = _pollutant_order()
    # group_by keeps the frame order within each group: sort once by the 2011 ordering
    ic = ic.with_columns(
        _lab3=exceedance_label("exceedance_III"),
        _labt=exceedance_label("exceedance_target"),
        _zh3=exceedance_label("exceedance_III", "item_zh"),
    ).sort(order, descending=desc)
    agg = ic.group_by(keys).agg(
        n_items=evaluated.sum().cast(pl.Int32),
        class_rank=pl.col("class_rank").filter(evaluated).max(),
        target_class=pl.col("target_class").first(),
        items_over_III=pl.col("_lab3").filter(over_iii).str.join(";"),
        items_over_target=pl.col("_labt").filter(over_target).str.join(";"),
        main_pollutants=pl.col("item").filter(over_iii).head(count).str.join(";"),
        main_pollutants_text=pl.col("_zh3").filter(over_iii).head(count).str.join("、"),
        TN_class=pl.col("class").filter(pl.col("item") == "TN").first(),
        FecalColiform_class=pl.col("class").filter(pl.col("item") == "FecalColiform").first(),
    )
    ranks = {i + 1: c for i, c in enumerate(CLASSES)}
    statuses = dict(table("water_gb3838_classes").select("class", "status_zh").iter_rows())
    target_rank = pl.col("target_class").replace_strict(
        {c: i + 1 for i, c in enumerate(CLASSES)}, default=None, return_dtype=pl.Int8
    )
    return agg.with_columns(
        **{
            "class": pl.col("class_rank").replace_strict(
                ranks, default=None, return_dtype=pl.String
            )
        },
    ).with_columns(
        status=pl.col("class").replace_strict(statuses, default=None, return_dtype=pl.String),
        meets_target=pl.when(pl.col("class_rank").is_null())
        .then(None)
        .otherwise(pl.col("class_rank") <= target_rank),
        items_over_III=null_if_empty(pl.col("items_over_III")),
        items_over_target=null_if_empty(pl.col("items_over_target")),
        main_pollutants=null_if_empty(pl.col("main_pollutants")),
        main_pollutants_text=null_if_empty(pl.col("main_pollutants_text")),
    )


_SECTION_OUT = (
    "class",
    "class_rank",
    "status",
    "target_class",
    "meets_target",
    "n_items",
    "items_over_III",
    "items_over_target",
    "main_pollutants",
    "main_pollutants_text",
    "TN_class",
    "FecalColiform_class",
)


def section_classes(
    results: Any,
    sections: Any,
    *,
    period: Period = "month",
    below_dl: BelowDL = "half",
    edition: str = GB3838,
) -> Frame:
    """Section class (断面水质类别), target compliance and main pollutants per period.

    GB 3838-2002 §5.1 single-factor evaluation, 环办〔2011〕22号 items and rules.

    Parameters
    ----------
    results, sections, period, below_dl, edition
        As :func:`item_classes`.

    Returns
    -------
    polars.DataFrame or LazyFrame
        One row per section and period: registry columns (``site``, ``name``,
        ``waterbody``, ``type``, ``basin``, ``city``, ``level``), ``period_start``,
        ``period_end``, ``class`` (worst class of the evaluation items present; null when
        none is present), ``class_rank``, ``status`` (优 ... 重度污染), ``target_class``,
        ``meets_target`` (class at least as good as the target), ``n_items`` (evaluation
        items with a value), ``items_over_III`` and ``items_over_target`` (``ITEM(multiple)``
        ';'-joined; the multiple is (C − S)/S rounded to 2 decimals, absent for pH and DO),
        ``main_pollutants`` (codes) and ``main_pollutants_text`` (``氨氮(0.2)、总磷(0.5)``),
        ``TN_class`` (lakes/reservoirs) and ``FecalColiform_class`` (reference items,
        not in the class).

    Notes
    -----
    2011 method (W9): the section class is the worst class among the 21 evaluation items.
    Main pollutants are reported only for sections worse than class III: items worse than
    III, toxic items (cyanide and heavy metals, ``toxic`` in ``water_items``) first, then
    worse class, then larger multiple; the first three. Membership of the toxic group
    beyond cyanide, Pb and Cr(VI) is UNVERIFIED (Cu, Zn, Se, As, Hg, Cd are included).
    No minimum number of items is required for a class (none found in the sources):
    check ``n_items``.

    Examples
    --------
    >>> from datetime import date
    >>> reg = pl.DataFrame({"site": ["S1"], "name": ["桥"], "type": ["river"],
    ...     "target_class": ["III"]})
    >>> res = pl.DataFrame({"site": ["S1"] * 3, "date": [date(2025, 1, 5)] * 3,
    ...     "item": ["NH3-N", "TP", "DO"], "value": [1.6, 0.35, 6.5]})
    >>> section_classes(res, reg).select("class", "meets_target", "main_pollutants_text").row(0)
    ('V', False, '总磷(0.75)、氨氮(0.6)')
    """
    reg = normalise_sections(sections)
    lf, was_lazy = _prepare(results, reg, "results")
    ic = classify_period_means(lf, reg, period=period, below_dl=below_dl, edition=edition)
    agg = _section_aggregate(ic, ["site", "period_start", "period_end"])
    info = reg.lazy().drop("target_class", "lon", "lat")
    out = (
        agg.join(info, on="site", how="left")
        .select(
            "site",
            "name",
            "waterbody",
            "type",
            "basin",
            "city",
            "level",
            "period_start",
            "period_end",
            *_SECTION_OUT,
        )
        .sort("site", "period_start")
    )
    return finish(out, was_lazy)


def summary(
    results: Any,
    sections: Any,
    *,
    by: str | Sequence[str] | None = "city",
    period: Period = "year",
    below_dl: BelowDL = "half",
    min_sections: int | None = None,
    mixed_tp: Waterbody = "river",
    edition: str = GB3838,
) -> Frame:
    """City, river or basin water-quality figures (水质状况) per period, 环办〔2011〕22号.

    Parameters
    ----------
    results, sections, period, below_dl, edition
        As :func:`item_classes` (default ``period="year"``).
    by : str, list of str or None
        Registry columns to group by: ``"city"`` (default), ``"waterbody"`` (a river or
        lake), ``"basin"``, ``"level"`` ...; None gives one group.
    min_sections : int, optional
        Groups with at least this many evaluated sections use the section-share rules,
        smaller groups the mean method. Default 5 (``water_evaluation_parameters``:
        "<5" means, ">5" shares in W11; exactly 5 is UNVERIFIED and goes to shares).
    mixed_tp : {"river", "lake"}
        Mean method only: TP form for a group that mixes rivers with lakes/reservoirs
        (the 2011 text does not cover it; default river, a documented choice).

    Returns
    -------
    polars.DataFrame or LazyFrame
        One row per group and period: ``n_sections`` (sections with a class),
        ``n_meeting_target``, ``compliance`` [percent], ``n_I`` ... ``n_V``,
        ``n_worse_V`` (劣V), ``share_I`` ... ``share_worse_V``, ``share_I_III``
        [percent, rounded to 1 decimal; the status uses the exact counts], ``status``
        (优, 良好, 轻度污染, 中度污染, 重度污染), ``status_method`` (``share`` or ``mean``),
        ``mean_class`` (class of the item means, mean method only), ``main_pollutants``
        and ``main_pollutants_text``.

    Notes
    -----
    Share method (W11, W9): I-III >= 90% 优; 75-90% 良好; below 75% with 劣V < 20%
    轻度污染, 20-40% 中度污染, >= 40% 重度污染 (table ``water_status_rules``). Main
    pollutants: the three items with the largest section exceedance rate (sections worse
    than III for the item over sections where it was measured), shown with the rate;
    ties keep the Table 1 order. They are listed whenever a section is worse than III,
    also for a group rated 优 or 良好 (whether such groups report none is UNVERIFIED).
    Mean method (fewer sections): each item is averaged over the sections' period means,
    classified single-factor, and the status and main pollutants follow the section rules.

    Examples
    --------
    >>> from datetime import date
    >>> reg = pl.DataFrame({"site": [f"S{i}" for i in range(5)], "name": list("abcde"),
    ...     "type": ["river"] * 5, "target_class": ["III"] * 5, "city": ["X"] * 5})
    >>> res = pl.DataFrame({"site": [f"S{i}" for i in range(5)],
    ...     "date": [date(2025, 6, 1)] * 5, "item": ["NH3-N"] * 5,
    ...     "value": [0.1, 0.4, 0.9, 1.2, 2.5]})
    >>> summary(res, reg).select("n_sections", "share_I_III", "n_worse_V", "status").row(0)
    (5, 60.0, 1, '中度污染')
    """
    reg = normalise_sections(sections)
    keys = key_list(by)
    for k in keys:
        if k not in reg.columns:
            raise IndicatorInputError(
                "unknown grouping column",
                column=k,
                expected=f"one of {list(reg.columns)}",
                found=k,
            )
    limit_n = (
        int(_param_float("share_method_min_sections")) if min_sections is None else min_sections
    )
    lf, was_lazy = _prepare(results, reg, "results")
    ic = classify_period_means(lf, reg, period=period, below_dl=below_dl, edition=edition)
    group_info = reg.lazy().select("site", *keys)
    ic = ic.join(group_info, on="site", how="left") if keys else ic
    per = ["period_start", "period_end"]
    sc = _section_aggregate(ic, ["site", *keys, *per]).filter(pl.col("class").is_not_null())

    iii = class_rank(evaluation_parameter("good_classes_up_to"))
    counts = [(pl.col("class") == c).sum().cast(pl.Int32).alias(_count_name(c)) for c in CLASSES]
    groups = sc.group_by([*keys, *per]).agg(
        *counts,
        n_sections=pl.len().cast(pl.Int32),
        n_meeting_target=pl.col("meets_target").sum().cast(pl.Int32),
        _n_good=(pl.col("class_rank") <= iii).sum(),
    )
    n = pl.col("n_sections")
    good_exact = 100 * pl.col("_n_good") / n
    worse_exact = 100 * pl.col(_count_name(_WORST)) / n
    groups = groups.with_columns(
        compliance=(100 * pl.col("n_meeting_target") / n).round(1),
        **{_share_name(c): (100 * pl.col(_count_name(c)) / n).round(1) for c in CLASSES},
        share_I_III=good_exact.round(1),
        _status_share=_status_share_expr(good_exact, worse_exact),
    )

    # section exceedance rates (share method main pollutants)
    count = int(_param_float("group_main_pollutant_count"))
    evaluated = (pl.col("role") == "class") & pl.col("class").is_not_null()
    rates = (
        ic.filter(evaluated)
        .group_by([*keys, *per, "item", "item_zh", "item_order"])
        .agg(_rate=100 * (pl.col("class_rank") > iii).sum() / pl.len())
        .filter(pl.col("_rate") > 0)
        .with_columns(
            _txt=pl.format("{}({}%)", pl.col("item_zh"), pl.col("_rate").round(1).cast(pl.String))
        )
        .group_by([*keys, *per])
        .agg(
            _mp_share=pl.col("item")
            .sort_by([pl.col("_rate"), pl.col("item_order")], descending=[True, False])
            .head(count)
            .str.join(";"),
            _mpt_share=pl.col("_txt")
            .sort_by([pl.col("_rate"), pl.col("item_order")], descending=[True, False])
            .head(count)
            .str.join("、"),
        )
    )

    # mean method: item means over the sections, then single-factor evaluation
    mixed_kind = _kind(mixed_tp)
    space = (
        ic.filter(pl.col("role") == "class")
        .with_columns(_lake=pl.col("type") != "river")
        .group_by([*keys, *per, "item"])
        .agg(
            value=ordered_mean(pl.col("value")).round(_MEAN_DECIMALS),
            _all_lake=pl.col("_lake").all(),
            _any_lake=pl.col("_lake").any(),
        )
        .with_columns(
            kind=pl.when(pl.col("_all_lake"))
            .then(pl.lit("lake"))
            .when(~pl.col("_any_lake"))
            .then(pl.lit("river"))
            .otherwise(pl.lit(mixed_kind)),
            target_class=pl.lit(CLASSES[iii - 1]),
        )
    )
    space = _attach_classes(space, edition).with_columns(
        limit_target=_limit_of(pl.col("target_class")),
        exceeds_target=pl.col("class_rank") > iii,
    )
    space = space.with_columns(
        exceedance_target=_multiple(pl.col("value"), pl.col("limit_target"))
    ).join(_item_info().lazy(), on="item", how="left")
    mean_eval = _section_aggregate(space, [*keys, *per]).select(
        *keys,
        *per,
        mean_class=pl.col("class"),
        _status_mean=pl.col("status"),
        _mp_mean=pl.col("main_pollutants"),
        _mpt_mean=pl.col("main_pollutants_text"),
    )

    use_share = n >= limit_n
    join_keys = [*keys, *per]
    out = (
        groups.join(rates, on=join_keys, how="left", nulls_equal=True)
        .join(mean_eval, on=join_keys, how="left", nulls_equal=True)
        .with_columns(
            status=pl.when(use_share)
            .then(pl.col("_status_share"))
            .otherwise(pl.col("_status_mean")),
            status_method=pl.when(use_share).then(pl.lit("share")).otherwise(pl.lit("mean")),
            mean_class=pl.when(use_share).then(None).otherwise(pl.col("mean_class")),
            main_pollutants=null_if_empty(
                pl.when(use_share).then(pl.col("_mp_share")).otherwise(pl.col("_mp_mean"))
            ),
            main_pollutants_text=null_if_empty(
                pl.when(use_share).then(pl.col("_mpt_share")).otherwise(pl.col("_mpt_mean"))
            ),
        )
        .select(
            *keys,
            *per,
            "n_sections",
            "n_meeting_target",
            "compliance",
            *[_count_name(c) for c in CLASSES],
            *[_share_name(c) for c in CLASSES],
            "share_I_III",
            "status",
            "status_method",
            "mean_class",
            "main_pollutants",
            "main_pollutants_text",
        )
        .sort([*keys, *per], nulls_last=True)
    )
    return finish(out, was_lazy)


def _count_name(cls: str) -> str:
    return "n_worse_V" if cls == _WORST else f"n_{cls}"


def _share_name(cls: str) -> str:
    return "share_worse_V" if cls == _WORST else f"share_{cls}"


def compare_periods(
    current: Any,
    previous: Any,
    *,
    by: str | Sequence[str] | None = "city",
    method: Literal["auto", "shares", "grades"] = "auto",
) -> Frame:
    """Change of water quality between two periods (变化趋势), 环办〔2011〕22号.

    Parameters
    ----------
    current, previous : frame
        Outputs of :func:`summary` for the two periods (same ``by``).
    by : str, list of str or None
        Columns that identify a group in both frames.
    method : {"auto", "shares", "grades"}
        ``shares``: ΔG − ΔD (change of the I-III share minus change of the 劣V share,
        percentage points) with :func:`change_by_shares`; ``grades``: status grade
        difference with :func:`change_by_grades`; ``auto`` uses shares when both periods
        were rated by the share method, else grades.

    Returns
    -------
    polars.DataFrame or LazyFrame
        Per group: ``status_previous``, ``status``, ``delta_share_I_III``,
        ``delta_share_worse_V`` [percentage points, from the exact counts],
        ``delta_g_minus_d``, ``change`` (无明显变化, 有所好转/变差, 明显好转/变差) and
        ``change_method``. Groups missing from either frame are left out (inner join).

    Examples
    --------
    >>> cur = pl.DataFrame({"city": ["X"], "n_sections": [10], "n_I": [2], "n_II": [5],
    ...     "n_III": [2], "n_worse_V": [0], "status": ["良好"], "status_method": ["share"]})
    >>> prev = cur.with_columns(n_II=pl.lit(3), n_worse_V=pl.lit(2), status=pl.lit("轻度污染"))
    >>> compare_periods(cur, prev).select("delta_g_minus_d", "change").row(0)
    (40.0, '明显好转')
    """
    keys = key_list(by)
    cur, was_lazy = to_lazy(current, name="current")
    prev, _ = to_lazy(previous, name="previous")
    iii = class_rank(evaluation_parameter("good_classes_up_to"))
    good_cols = [_count_name(c) for c in CLASSES[:iii]]

    def shares(lf: pl.LazyFrame) -> pl.LazyFrame:
        return lf.select(
            *keys,
            _g=100 * pl.sum_horizontal(good_cols) / pl.col("n_sections"),
            _d=100 * pl.col(_count_name(_WORST)) / pl.col("n_sections"),
            status=pl.col("status"),
            _m=pl.col("status_method"),
        )

    joined = (
        shares(cur).join(shares(prev), on=keys, how="inner", suffix="_previous", nulls_equal=True)
        if keys
        else shares(cur).join(shares(prev), how="cross", suffix="_previous")
    )
    rank_map = dict(_status_rules().select("status", "status_rank").iter_rows())
    steps = pl.col("status_previous").replace_strict(
        rank_map, default=None, return_dtype=pl.Int32
    ) - pl.col("status").replace_strict(rank_map, default=None, return_dtype=pl.Int32)
    by_shares = _change_by_shares_expr(pl.col("delta_g_minus_d"))
    by_grades = _change_by_grades_expr(steps)
    if method == "auto":
        use_shares = (pl.col("_m") == "share") & (pl.col("_m_previous") == "share")
    elif method in ("shares", "grades"):
        use_shares = pl.lit(method == "shares")
    else:
        raise IndicatorInputError(
            "unknown method",
            column="method",
            expected="'auto', 'shares' or 'grades'",
            found=method,
        )
    out = (
        joined.with_columns(
            delta_share_I_III=pl.col("_g") - pl.col("_g_previous"),
            delta_share_worse_V=pl.col("_d") - pl.col("_d_previous"),
        )
        .with_columns(
            delta_g_minus_d=pl.col("delta_share_I_III") - pl.col("delta_share_worse_V"),
        )
        .with_columns(
            change=pl.when(use_shares).then(by_shares).otherwise(by_grades),
            change_method=pl.when(use_shares).then(pl.lit("shares")).otherwise(pl.lit("grades")),
        )
        .select(
            *keys,
            "status_previous",
            "status",
            "delta_share_I_III",
            "delta_share_worse_V",
            "delta_g_minus_d",
            "change",
            "change_method",
        )
    )
    if keys:
        out = out.sort(keys, nulls_last=True)
    return finish(out, was_lazy)


# --------------------------------------------------------------------------- TLI


@cache
def _tli_table() -> pl.DataFrame:
    return table("water_tli")


_TLI_ARGS = {"chla": "Chla", "tp": "TP", "tn": "TN", "sd": "SD", "codmn": "CODMn"}


def _tli_expr(columns: dict[str, str]) -> tuple[list[pl.Expr], pl.Expr, pl.Expr]:
    """Per-item TLI expressions, the weighted TLI(Σ) and the count of items used.

    ``columns`` maps item code -> column name holding its concentration.
    """
    parts, weights = [], []
    for row in _tli_table().iter_rows(named=True):
        col = pl.col(columns[row["item"]])
        value = (
            pl.when(col > 0).then(row["scale"] * (row["a"] + row["b"] * col.log())).otherwise(None)
        )
        parts.append(value.alias(f"TLI_{row['item']}"))
        w = row["r_chla"] ** 2
        weights.append((value, w))
    num = pl.sum_horizontal([(v * w) for v, w in weights])
    den = pl.sum_horizontal([pl.when(v.is_not_null()).then(w).otherwise(0.0) for v, w in weights])
    n = pl.sum_horizontal([v.is_not_null().cast(pl.Int32) for v, _ in weights])
    total = _true_quotient(num, den)
    return parts, total, n


def _true_quotient(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    """``num / den`` rounded once (IEEE division), however many rows the frame has.

    Null where ``den`` is not above 0.

    Polars divides by a column it holds as one value (a constant weight sum) by
    multiplying with the reciprocal, which can differ in the last binary digit: a
    city's TLI(Σ) would then depend on the other rows computed with it.
    """
    return pl.struct(n=num, d=den).map_batches(_divide_fields, return_dtype=pl.Float64)


def _divide_fields(pairs: pl.Series) -> pl.Series:
    n = pairs.struct.field("n").cast(pl.Float64).to_numpy()
    d = pairs.struct.field("d").cast(pl.Float64).to_numpy()
    out = np.divide(n, d, out=np.full(len(n), np.nan), where=d > 0)
    return pl.Series(out, nan_to_null=True)


def tli(
    *,
    chla: float | None = None,
    tp: float | None = None,
    tn: float | None = None,
    sd: float | None = None,
    codmn: float | None = None,
) -> float:
    """Comprehensive trophic state index TLI(Σ) (综合营养状态指数) of a lake or reservoir.

    Parameters
    ----------
    chla : float, optional
        Chlorophyll a [mg/m³ = µg/L].
    tp, tn : float, optional
        Total phosphorus, total nitrogen [mg/L].
    sd : float, optional
        Transparency (Secchi depth) [m].
    codmn : float, optional
        Permanganate index [mg/L].

    Returns
    -------
    float
        TLI(Σ) = Σ W_j · TLI(j), W_j = r_j² / Σ r_j² with r the correlation of item j with
        chl-a (1, 0.84, 0.82, -0.83, 0.83), renormalised over the items given.

    Notes
    -----
    总站生字〔2001〕090号 (W12, W13; table ``water_tli``)::

        TLI(chl-a) = 10 (2.5 + 1.086 ln chl-a)
        TLI(TP)    = 10 (9.436 + 1.624 ln TP)
        TLI(TN)    = 10 (5.453 + 1.694 ln TN)
        TLI(SD)    = 10 (5.118 − 1.94 ln SD)
        TLI(CODMn) = 10 (0.109 + 2.661 ln CODMn)

    Missing items (None) are left out and the weights renormalised; no rounding.

    Raises
    ------
    IndicatorInputError
        No item given, or a value that is not positive (the logarithm needs C > 0).

    Examples
    --------
    >>> round(tli(chla=10.0, tp=0.05, tn=1.0, sd=1.0, codmn=4.0), 2)
    48.02
    >>> round(tli(chla=10.0), 3)
    50.006
    """
    given = {"chla": chla, "tp": tp, "tn": tn, "sd": sd, "codmn": codmn}
    if all(v is None for v in given.values()):
        raise IndicatorInputError(
            "no trophic item given", expected="at least one of chla, tp, tn, sd, codmn"
        )
    for k, v in given.items():
        if v is not None and not (isinstance(v, int | float) and v > 0):
            raise IndicatorInputError(
                "trophic item must be a positive number", column=k, expected="> 0", found=v
            )
    frame = pl.DataFrame(
        {_TLI_ARGS[k]: [None if v is None else float(v)] for k, v in given.items()},
        schema={code: pl.Float64 for code in _TLI_ARGS.values()},
    )
    _, total, _ = _tli_expr({c: c for c in _TLI_ARGS.values()})
    return float(frame.select(total).item())


def _tli_class_expr(value: pl.Expr, closure: str) -> pl.Expr:
    rows = table("water_tli_classes").filter(pl.col("closure") == closure)
    if rows.height == 0:
        raise IndicatorInputError(
            "unknown TLI boundary closure",
            column="closure",
            expected="'upper' (usual reading) or 'lower' (W14)",
            found=closure,
        )
    expr = pl.when(value.is_null()).then(pl.lit(None, dtype=pl.String))
    for r in rows.iter_rows(named=True):
        cond = pl.lit(True)
        if r["lo"] is not None:
            cond = cond & ((value >= r["lo"]) if r["lo_inclusive"] else (value > r["lo"]))
        if r["hi"] is not None:
            cond = cond & ((value <= r["hi"]) if r["hi_inclusive"] else (value < r["hi"]))
        expr = expr.when(cond).then(pl.lit(r["class"]))
    return expr.otherwise(None)


def tli_class(value: float, *, closure: Literal["upper", "lower"] = "upper") -> str:
    """Trophic class (营养状态分级) of a TLI(Σ) value, 总站生字〔2001〕090号.

    Parameters
    ----------
    value : float
        TLI(Σ) on the 0-100 scale.
    closure : {"upper", "lower"}
        Where the boundaries 50, 60 and 70 belong (UNVERIFIED, the sources disagree):
        ``upper`` (default, usual reading) 30 <= TLI <= 50 中营养, 50 < TLI <= 60 轻度,
        60 < TLI <= 70 中度, > 70 重度; ``lower`` (W14) 30 <= TLI < 50, 50 <= TLI < 60,
        60 <= TLI < 70, >= 70. Both put TLI < 30 in 贫营养 and 30 in 中营养.

    Returns
    -------
    str
        贫营养, 中营养, 轻度富营养, 中度富营养 or 重度富营养.

    Examples
    --------
    >>> tli_class(50.0), tli_class(50.0, closure="lower"), tli_class(29.99), tli_class(30.0)
    ('中营养', '轻度富营养', '贫营养', '中营养')
    """
    frame = pl.DataFrame({"v": [float(value)]})
    return frame.select(_tli_class_expr(pl.col("v"), closure)).item()


def trophic_state(
    results: Any,
    sections: Any,
    *,
    by: str | Sequence[str] | None = None,
    period: Period = "year",
    below_dl: BelowDL = "half",
    closure: Literal["upper", "lower"] = "upper",
) -> Frame:
    """TLI(Σ) and trophic class of lake and reservoir sites (湖库营养状态) per period.

    总站生字〔2001〕090号 formulas (see :func:`tli`), averaged as the 2011 method says.

    Parameters
    ----------
    results, sections, period, below_dl
        As :func:`item_classes`. Only sites of type ``lake`` or ``reservoir`` are used.
    by : str, list of str or None
        None (default): one row per site. A registry column (``"waterbody"``): the lake
        as a whole; each item is first averaged over time at each point, then over the
        points (2011 method, W9), then the TLI is computed.
    closure : {"upper", "lower"}
        Class boundary closure, see :func:`tli_class`.

    Returns
    -------
    polars.DataFrame or LazyFrame
        Per site (or group) and period: the mean ``Chla`` [µg/L], ``TP``, ``TN``,
        ``CODMn`` [mg/L], ``SD`` [m], ``TLI_<item>``, ``tli``, ``n_tli_items`` (items
        used; weights renormalised when some are missing) and ``trophic_state``.

    Examples
    --------
    >>> from datetime import date
    >>> reg = pl.DataFrame({"site": ["L1"], "name": ["湖心"], "type": ["lake"],
    ...     "target_class": ["III"], "waterbody": ["镜湖"]})
    >>> res = pl.DataFrame({"site": ["L1"] * 5, "date": [date(2025, 7, 1)] * 5,
    ...     "item": ["Chla", "TP", "TN", "SD", "CODMn"], "value": [10.0, 0.05, 1.0, 1.0, 4.0]})
    >>> trophic_state(res, reg).select(pl.col("tli").round(2), "trophic_state").row(0)
    (48.02, '中营养')
    """
    reg = normalise_sections(sections)
    keys = key_list(by) or ["site"]
    lf, was_lazy = _prepare(results, reg, "results")
    codes = list(_TLI_ARGS.values())
    lakes = reg.filter(pl.col("type").is_in(["lake", "reservoir"]))
    lf = lf.filter(pl.col("item").is_in(codes) & pl.col("site").is_in(lakes["site"].implode()))
    means = period_means(lf, ["site"], period, below_dl)
    means = means.join(lakes.lazy().select("site", *[k for k in keys if k != "site"]), on="site")
    per = ["period_start", "period_end"]
    wide = means.group_by([*keys, *per]).agg(
        ordered_mean(pl.col("value").filter(pl.col("item") == code)).alias(code) for code in codes
    )
    parts, total, n = _tli_expr({c: c for c in codes})
    out = (
        wide.with_columns(*parts)
        .with_columns(tli=total, n_tli_items=n.cast(pl.Int32))
        .with_columns(trophic_state=_tli_class_expr(pl.col("tli"), closure))
        .select(
            *keys, *per, *codes, *[f"TLI_{c}" for c in codes], "tli", "n_tli_items", "trophic_state"
        )
        .sort([*keys, *per])
    )
    return finish(out, was_lazy)


# --------------------------------------------------------------------------- CWQI

#: pH averaging of :func:`cwqi` and :func:`cwqi_items` (``ph_mean``).
PhMean = Literal["arithmetic", "hydrogen"]


@cache
def _cwqi_forms() -> dict[str, dict[str, Any]]:
    return {r["item"]: r for r in table("water_cwqi").iter_rows(named=True)}


@cache
def _cwqi_rule(name: str) -> str:
    """A parameter of table ``water_cwqi_rules``, as written there."""
    found = table("water_cwqi_rules").filter(pl.col("parameter") == name)
    return str(found["value"].item())


def _cwqi_item_list() -> tuple[str, ...]:
    """GB 3838-2002 Table 1 items less those ``water_cwqi`` marks ``excluded``."""
    excluded = {k for k, r in _cwqi_forms().items() if r["form"] == "excluded"}
    items = table("water_items").filter(
        (pl.col("standard") == GB3838) & pl.col("clause").str.starts_with("Table 1 ")
    )
    return tuple(i for i in items["item"].to_list() if i not in excluded)


#: The 21 CWQI items (城市地表水环境质量排名技术规定（试行）四(二)): GB 3838-2002 Table 1
#: without water temperature, total nitrogen and fecal coliform (the rows of
#: ``water_cwqi`` marked ``excluded``), in Table 1 order; the same 21 as
#: :data:`EVALUATION_ITEMS`.
CWQI_ITEMS: tuple[str, ...] = _cwqi_item_list()


def _cwqi_expr() -> pl.Expr:
    """Per-row CWQI(i) from columns item, value and the Table 1 limit columns."""
    forms = _cwqi_forms()
    v = pl.col("value")
    neutral = float(forms["pH"]["ph_neutral"])
    ph_ref, do_ref, ref = (forms[k]["reference_class"] for k in ("pH", "DO", "*"))
    ph = (
        pl.when(v <= neutral)
        .then((neutral - v) / (neutral - pl.col(f"lo_{ph_ref}")))
        .otherwise((v - neutral) / (pl.col(f"hi_{ph_ref}") - neutral))
    )
    inverse = pl.when(v > 0).then(pl.col(f"lo_{do_ref}") / v)
    return (
        pl.when(pl.col("item") == "pH")
        .then(ph)
        .when(pl.col("item") == "DO")
        .then(inverse)
        .otherwise(v / pl.col(f"hi_{ref}"))
        .alias("cwqi_item")
    )


def _check_cwqi_item(item: str) -> str:
    code = item_code(item)
    if code not in CWQI_ITEMS:
        raise IndicatorInputError(
            "not a CWQI item (water temperature, TN and fecal coliform are not in the index)",
            column="item",
            expected=f"one of {list(CWQI_ITEMS)}",
            found=item,
        )
    return code


def cwqi_index(item: str, value: float, *, waterbody: Waterbody = "river") -> float | None:
    """Single-item water quality index CWQI(i) (单项指标水质指数).

    城市地表水环境质量排名技术规定（试行）(环境保护部办公厅, 2017-06-12) clause 四(二)1-2,
    against the class-III limits of GB 3838-2002 Table 1 (table ``water_cwqi``).

    Parameters
    ----------
    item : str
        One of the 21 CWQI items (:data:`CWQI_ITEMS`; code or name). Water temperature,
        TN and fecal coliform are refused.
    value : float
        Concentration [canonical unit: mg/L; pH dimensionless], the period mean of the
        city's sections (see :func:`cwqi`).
    waterbody : {"river", "lake", "reservoir"}
        TP limit: river 0.2 mg/L, lake and reservoir 0.05 mg/L (class III).

    Returns
    -------
    float or None
        Unrounded. ``C / Cs`` for the 19 upper-limit items; ``Cs(DO) / C`` = 5 / C for DO
        (None when C = 0: no index, division by zero); ``(7.0 − pH) / (7.0 − 6.0)`` for
        pH <= 7 and ``(pH − 7.0) / (9.0 − 7.0)`` above. None gives None.

    Raises
    ------
    IndicatorInputError
        An item outside the 21, a negative value, pH outside 0-14.

    Notes
    -----
    Evidence (``../shared/standards/water_cwqi.md``; the rule text itself was read only as
    its notice and table of contents):

    - ratio to class III and the DO reciprocal: VERIFIED (Anhui bulletin notes, W22:
      "单项指标与该指标Ⅲ类标准限值的比值", "溶解氧为倒数"; one code implementation, W24);
    - the 21 items without water temperature, TN and fecal coliform: VERIFIED (W16, W22,
      W24);
    - the lake/reservoir TP limit 0.05 mg/L: VERIFIED for the limit (GB 3838 Table 1); its
      use in the lake index is SECONDARY (W24 and the rule's separate 湖库水质指数 clause);
    - the pH form: SECONDARY (W24 only; W22 says only "pH值另行公式计算").

    A value exactly at the class-III limit scores 1; pH 7 scores 0, pH 6 and 9 score 1.

    Examples
    --------
    >>> cwqi_index("NH3-N", 0.5), cwqi_index("DO", 10.0), cwqi_index("pH", 8.0)
    (0.5, 0.5, 0.5)
    >>> round(cwqi_index("TP", 0.04, waterbody="lake"), 4), cwqi_index("DO", 0.0)
    (0.8, None)
    """
    code = _check_cwqi_item(item)
    frame, _ = _scalar_frame(code, value, _kind(waterbody))
    out = (
        frame.join(_limits(GB3838).lazy(), on=["item", "kind"], how="left")
        .select(_cwqi_expr())
        .collect()
        .item()
    )
    return None if out is None else float(out)


def _check_ph_mean(ph_mean: str) -> None:
    if ph_mean not in ("arithmetic", "hydrogen"):
        raise IndicatorInputError(
            "unknown pH averaging",
            column="ph_mean",
            expected="'arithmetic' or 'hydrogen'",
            found=ph_mean,
        )


def _cwqi_site_means(lf: pl.LazyFrame, period: str, below_dl: str, hydrogen: bool) -> pl.LazyFrame:
    """Period mean of each CWQI item per site; pH as mean [H+] when ``hydrogen``."""
    start, end = _period_columns(period)
    is_ph = pl.col("item") == "pH"
    v = _used_value(below_dl)
    if hydrogen:
        v = pl.when(is_ph).then(pl.lit(10.0).pow(-v)).otherwise(v)
    lf = lf.with_columns(period_start=start, period_end=end, _v=v)
    out = lf.group_by(["site", "period_start", "period_end", "item"]).agg(
        _m=ordered_mean(pl.col("_v"))
    )
    # [H+] (about 1e-7 mol/L) is not rounded: 10 decimals would keep 3 digits of it
    exact = is_ph if hydrogen else pl.lit(False)
    return out.with_columns(
        value=pl.when(exact).then(pl.col("_m")).otherwise(pl.col("_m").round(_MEAN_DECIMALS))
    ).drop("_m")


def _cwqi_space(
    results: Any,
    sections: Any,
    by: str | Sequence[str] | None,
    period: str,
    below_dl: str,
    ph_mean: str,
) -> tuple[pl.LazyFrame, pl.LazyFrame, pl.LazyFrame, pl.DataFrame, list[str], Any]:
    """The common first steps of :func:`cwqi` and :func:`cwqi_items`.

    Returns the checked CWQI results, the item indices per group/period/kind, the site
    means, the registry, the group keys and the input's origin.
    """
    _check_ph_mean(ph_mean)
    hydrogen = ph_mean == "hydrogen"
    reg = normalise_sections(sections)
    keys = key_list(by)
    lf, was_lazy = _prepare(results, reg, "results")
    lf = lf.filter(pl.col("item").is_in(list(CWQI_ITEMS)))
    means = _cwqi_site_means(lf, period, below_dl, hydrogen)
    means = means.join(reg.lazy().select("site", "type", *keys), on="site").with_columns(
        kind=pl.when(pl.col("type") == "river").then(pl.lit("river")).otherwise(pl.lit("lake"))
    )
    per = ["period_start", "period_end"]
    space = means.group_by([*keys, *per, "kind", "item"]).agg(
        value=ordered_mean(pl.col("value")),
        n_sections=pl.col("site").filter(pl.col("value").is_not_null()).n_unique(),
    )
    if hydrogen:
        space = space.with_columns(
            value=pl.when(pl.col("item") == "pH")
            .then(-pl.col("value").log10())
            .otherwise(pl.col("value"))
        )
    space = space.join(_limits(GB3838).lazy(), on=["item", "kind"], how="left").with_columns(
        _cwqi_expr()
    )
    return lf, space, means, reg, keys, was_lazy


def cwqi_items(
    results: Any,
    sections: Any,
    *,
    by: str | Sequence[str] | None = "city",
    period: Period = "year",
    ph_mean: PhMean = "arithmetic",
    below_dl: BelowDL = "half",
) -> Frame:
    """Single-item indices CWQI(i) of each city's river and lake parts, per period.

    城市地表水环境质量排名技术规定（试行）(2017) clause 四(二)1-2 with GB 3838-2002
    Table 1 class III: the items behind :func:`cwqi` (which item drives a city's index).

    Parameters
    ----------
    results, sections, by, period, ph_mean, below_dl
        As :func:`cwqi`.

    Returns
    -------
    polars.DataFrame or LazyFrame
        One row per group, period, part and item: ``part`` (``"river"``; ``"lake"`` for
        lakes and reservoirs), ``item``, ``value`` (the mean over the part's sections of
        the sections' period means [canonical unit]; pH averaged as ``ph_mean`` says),
        ``n_sections`` (sections with a value of the item) and ``cwqi_item`` (unrounded;
        null for a DO mean of 0). Items in Table 1 order.

    Examples
    --------
    >>> from datetime import date
    >>> reg = pl.DataFrame({"site": ["S1", "S2"], "name": ["a", "b"],
    ...     "type": ["river", "river"], "target_class": ["III", "III"], "city": ["X", "X"]})
    >>> res = pl.DataFrame({"site": ["S1", "S2"], "date": [date(2025, 5, 1)] * 2,
    ...     "item": ["DO", "DO"], "value": [8.0, 4.0]})
    >>> cwqi_items(res, reg).select("item", "value", "cwqi_item").row(0)
    ('DO', 6.0, 0.8333333333333334)
    """
    _, space, _, _, keys, was_lazy = _cwqi_space(results, sections, by, period, below_dl, ph_mean)
    order = {c: i for i, c in enumerate(CWQI_ITEMS)}
    per = ["period_start", "period_end"]
    out = (
        space.with_columns(
            part=pl.col("kind"),
            n_sections=pl.col("n_sections").cast(pl.Int32),
            _o=pl.col("item").replace_strict(order, return_dtype=pl.Int32),
        )
        .sort([*keys, *per, "part", "_o"], nulls_last=True)
        .select(*keys, *per, "part", "item", "value", "n_sections", "cwqi_item")
    )
    return finish(out, was_lazy)


def cwqi(
    results: Any,
    sections: Any,
    *,
    by: str | Sequence[str] | None = "city",
    period: Period = "year",
    ph_mean: PhMean = "arithmetic",
    aggregation: Literal["sum", "mean", "max"] = "sum",
    below_dl: BelowDL = "half",
) -> Frame:
    """City water quality index CWQI (城市水质指数) per group and period.

    城市地表水环境质量排名技术规定（试行）(环境保护部办公厅, 2017-06-12) clause 四(二)1-3
    (河流水质指数, 湖库水质指数, 城市水质指数), item indices against the class-III limits of
    GB 3838-2002 Table 1 (:func:`cwqi_index`). Smaller is better.

    Parameters
    ----------
    results, sections, period, below_dl
        As :func:`item_classes` (long-form results with ``site``, ``date``, ``item``,
        ``value``; the section registry). Items other than the 21 :data:`CWQI_ITEMS`
        (TN, fecal coliform, water temperature, chl-a ...) are not used.
    by : str, list of str or None
        Registry columns to group by (default ``"city"``).
    ph_mean : {"arithmetic", "hydrogen"}
        How pH is averaged over samplings and sections: the arithmetic mean of pH
        (default), or −log10 of the mean hydrogen-ion activity [H+] = 10^−pH
        (环办监测函〔2020〕82号 as W24 implements it). UNVERIFIED which the ranking uses;
        the default is arithmetic because the 2017 rule predates the 2020 statistics rule
        and averages the other items arithmetically. pH 6.5 and 7.5 average to 7.00
        (index 0) or 6.76 (index 0.24).
    aggregation : {"sum", "mean", "max"}
        How the item indices form the river (or lake) index: the sum over the items
        (default and the rule: W22, W24), or, for exploration only, their mean or maximum.

    Returns
    -------
    polars.DataFrame or LazyFrame
        Per group and period (unrounded values; show CWQI with 4 decimals):

        - ``cwqi``: the city index, (CWQI_river·M + CWQI_lake·N) / (M + N);
        - ``cwqi_river``, ``cwqi_lake``: the river and lake/reservoir indices (null without
          such sections, or when an item of the part has no index, a DO mean of 0);
        - ``n_river_sections``, ``n_lake_sections`` (M, N: sections with a CWQI item in
          the period), ``n_items_river``, ``n_items_lake`` (items with an index);
        - ``n_sections_classified``, ``all_sections_II_or_better`` (every section of the
          group of class II or better in the period; the class of table
          ``water_cwqi_rules`` ``change_exclusion_class_up_to``), ``all_sections_meet_target``:
          the section classes of :func:`section_classes` (2011 method, arithmetic pH) for
          the change-ranking exclusion of :func:`cwqi_change`.

    Notes
    -----
    Method, with the evidence of ``../shared/standards/water_cwqi.md``:

    1. period mean of each item per section (arithmetic; pH per ``ph_mean``);
    2. mean of each item over the group's river sections, and separately over its lake
       and reservoir points: the concentrations are averaged first, the ratio taken after
       (VERIFIED, W22 "参与排名的所有断面平均后各单项指标水质指数…之和"; averaging the
       section indices instead is not the rule: DO 8 and 4 mg/L give 5/6 = 0.8333, not
       0.9375);
    3. :func:`cwqi_index` of each item mean (TP against 0.05 mg/L for lakes and
       reservoirs), summed over the items present: CWQI_river = Σ CWQI(i) (VERIFIED in
       substance, W22, W24); CWQI_lake likewise (formula SECONDARY, W24);
    4. city index weighted by the numbers of sections, M river sections and N lake
       points (UNVERIFIED: a recollection of the rule, no source read states the
       weights; a city with rivers only has CWQI = CWQI_river).

    UNVERIFIED, and what the package does: the pH mean (``ph_mean``); the city weighting
    (4); values below the detection limit (``below_dl``, half the limit by default);
    missing items (五(二)1 not read: the items present are summed, as W24 does, and
    ``n_items_*`` shows how many, so groups with different item sets are not comparable);
    whether the mean over sections is of the section means (used) or of all samplings
    (the same when every section has the same number of samplings); the rounding of
    五(三) (none applied). Not implemented: the deduction of upstream influence for a
    failing inflow section (its method is UNVERIFIED).

    Examples
    --------
    >>> from datetime import date
    >>> reg = pl.DataFrame({"site": ["S1", "L1"], "name": ["a", "b"],
    ...     "type": ["river", "lake"], "target_class": ["III", "III"], "city": ["X", "X"]})
    >>> res = pl.DataFrame({"site": ["S1", "S1", "L1"], "date": [date(2025, 5, 1)] * 3,
    ...     "item": ["NH3-N", "TP", "TP"], "value": [0.5, 0.1, 0.1]})
    >>> cwqi(res, reg).select("cwqi_river", "cwqi_lake", "cwqi").row(0)
    (1.0, 2.0, 1.5)
    """
    if aggregation not in ("sum", "mean", "max"):
        raise IndicatorInputError(
            "unknown aggregation",
            column="aggregation",
            expected="'sum', 'mean' or 'max'",
            found=aggregation,
        )
    lf, space, means, reg, keys, was_lazy = _cwqi_space(
        results, sections, by, period, below_dl, ph_mean
    )
    per = ["period_start", "period_end"]
    agg_expr = {
        "sum": ordered_sum(pl.col("cwqi_item")),
        "mean": ordered_mean(pl.col("cwqi_item")),
        "max": pl.col("cwqi_item").max(),
    }[aggregation]
    # an item with a value but no index (DO mean 0) makes the part's index undefined
    undefined = (pl.col("value").is_not_null() & pl.col("cwqi_item").is_null()).any()
    n_sites = (
        means.filter(pl.col("value").is_not_null())
        .group_by([*keys, *per, "kind"])
        .agg(_n=pl.col("site").n_unique())
    )
    by_kind = (
        space.group_by([*keys, *per, "kind"])
        .agg(
            _c=pl.when(undefined).then(None).otherwise(agg_expr),
            _ni=pl.col("cwqi_item").count().cast(pl.Int32),
        )
        .join(n_sites, on=[*keys, *per, "kind"], how="left", nulls_equal=True)
    )
    river = by_kind.filter(pl.col("kind") == "river").select(
        *keys, *per, cwqi_river="_c", n_items_river="_ni", n_river_sections="_n"
    )
    lake = by_kind.filter(pl.col("kind") == "lake").select(
        *keys, *per, cwqi_lake="_c", n_items_lake="_ni", n_lake_sections="_n"
    )
    # section classes of the same period, for the change-ranking exclusion (四(四))
    up_to = class_rank(_cwqi_rule("change_exclusion_class_up_to"))
    ic = classify_period_means(lf, reg, period=period, below_dl=below_dl, edition=GB3838)
    sec = _section_aggregate(ic, ["site", *per]).filter(pl.col("class_rank").is_not_null())
    flags = (
        sec.join(reg.lazy().select("site", *keys), on="site")
        .group_by([*keys, *per])
        .agg(
            n_sections_classified=pl.len().cast(pl.Int32),
            all_sections_II_or_better=(pl.col("class_rank") <= up_to).all(),
            all_sections_meet_target=pl.col("meets_target").all(),
        )
    )
    base = means.select(*keys, *per).unique()
    m = pl.col("n_river_sections").fill_null(0)
    nl = pl.col("n_lake_sections").fill_null(0)
    river_part = pl.when(m > 0).then(pl.col("cwqi_river") * m).otherwise(0.0)
    lake_part = pl.when(nl > 0).then(pl.col("cwqi_lake") * nl).otherwise(0.0)
    out = (
        base.join(river, on=[*keys, *per], how="left", nulls_equal=True)
        .join(lake, on=[*keys, *per], how="left", nulls_equal=True)
        .join(flags, on=[*keys, *per], how="left", nulls_equal=True)
        .with_columns(
            n_river_sections=m.cast(pl.Int32),
            n_lake_sections=nl.cast(pl.Int32),
            n_sections_classified=pl.col("n_sections_classified").fill_null(0),
            cwqi=(river_part + lake_part) / (m + nl),
        )
        .select(
            *keys,
            *per,
            "cwqi",
            "cwqi_river",
            "cwqi_lake",
            "n_river_sections",
            "n_lake_sections",
            "n_items_river",
            "n_items_lake",
            "n_sections_classified",
            "all_sections_II_or_better",
            "all_sections_meet_target",
        )
        .sort([*keys, *per], nulls_last=True)
    )
    return finish(out, was_lazy)


def _one_row_per_key(lf: pl.LazyFrame, keys: list[str], name: str) -> None:
    dup = lf.group_by(keys or pl.lit(0)).len().filter(pl.col("len") > 1).collect()
    if dup.height:
        raise IndicatorInputError(
            "more than one row per group: give one period per frame",
            file=name,
            column=keys[-1] if keys else None,
            expected="one row per group (filter cwqi() output to one period)",
            found=dup.row(0, named=True),
        )


_CHANGE_FLAGS = ("all_sections_II_or_better", "all_sections_meet_target")


def cwqi_change(current: Any, previous: Any, *, by: str | Sequence[str] | None = "city") -> Frame:
    """Change of the city water quality index ΔCWQI [%] (城市水质指数变化率) and who is ranked.

    城市地表水环境质量排名技术规定（试行）(2017) clause 四(四) 变化情况排名, with the
    section classes of GB 3838-2002 (2011 method) for the exclusion rule.

    Parameters
    ----------
    current, previous : polars or pandas frame
        :func:`cwqi` output for the ranking period and for the same period of the base
        year, one row per group (one period per frame); they carry the section-class
        columns the exclusion needs (``all_sections_II_or_better``,
        ``all_sections_meet_target``).
    by : str, list of str or None
        The group columns of both frames (default ``"city"``).

    Returns
    -------
    polars.DataFrame or LazyFrame
        One row per group of either frame: ``by``, ``period_start``/``period_end`` and
        ``period_start_previous``/``period_end_previous`` (when the inputs have them),
        ``cwqi``, ``cwqi_previous``, ``cwqi_change`` = (CWQI − CWQI_previous) /
        CWQI_previous × 100 [%] (unrounded; show 1 decimal; negative = better),
        the section-class flags of both periods (``*_previous``), ``change_ranked`` and
        ``change_unranked_reason`` (null when ranked).

    Notes
    -----
    ΔCWQI and its sign: VERIFIED in meaning (Ningxia W15/W23, Anhui W22, MEE W25:
    "负值表示地表水环境质量同比变好，正值表示同比变差"). A city is not ranked for change when
    all its sections are class II or better in both the base and the current period and
    meet their targets (VERIFIED, W19; table ``water_cwqi_rules``); the package reads
    "meet their targets" as in both periods (UNVERIFIED; it differs only for a class-I
    target). The change is still shown for such a city. Also unranked: a city without a
    CWQI in either period, or with a base CWQI of 0. A city whose section classes are
    unknown (no classified section) is not excluded. The rounding of the published ΔCWQI
    is UNVERIFIED (五(三) not read).

    Examples
    --------
    >>> cur = pl.DataFrame({"city": ["X"], "cwqi": [3.2], "all_sections_II_or_better": [False],
    ...     "all_sections_meet_target": [True]})
    >>> base = cur.with_columns(cwqi=pl.lit(4.0))
    >>> out = cwqi_change(cur, base)
    >>> round(out["cwqi_change"].item(), 1), out["change_ranked"].item()  # shown with 1 dp
    (-20.0, True)
    """
    cur, was_lazy = to_lazy(current, name="current")
    prev, _ = to_lazy(previous, name="previous")
    keys = key_list(by)
    need = [*keys, "cwqi", *_CHANGE_FLAGS]
    cur_schema, prev_schema = cur.collect_schema(), prev.collect_schema()
    require_columns(cur_schema, need, name="current")
    require_columns(prev_schema, need, name="previous")
    _one_row_per_key(cur, keys, "current")
    _one_row_per_key(prev, keys, "previous")
    per = [c for c in ("period_start", "period_end") if c in cur_schema]
    per_prev = [c for c in ("period_start", "period_end") if c in prev_schema]
    value = pl.col("cwqi").cast(pl.Float64).fill_nan(None)
    cur = cur.select(*keys, *per, value, *_CHANGE_FLAGS)
    prev = prev.select(
        *keys,
        *[pl.col(c).alias(f"{c}_previous") for c in per_prev],
        value.alias("cwqi_previous"),
        *[pl.col(c).alias(f"{c}_previous") for c in _CHANGE_FLAGS],
    )
    if keys:
        joined = cur.join(prev, on=keys, how="full", coalesce=True, nulls_equal=True)
    else:
        joined = cur.join(prev, how="cross")
    now, base = pl.col("cwqi"), pl.col("cwqi_previous")
    excluded = pl.all_horizontal(
        [pl.col(c).fill_null(False) for c in _CHANGE_FLAGS]
        + [pl.col(f"{c}_previous").fill_null(False) for c in _CHANGE_FLAGS]
    )
    up_to = _cwqi_rule("change_exclusion_class_up_to")
    reason = (
        pl.when(now.is_null())
        .then(pl.lit("no CWQI in the current period"))
        .when(base.is_null())
        .then(pl.lit("no CWQI in the base period"))
        .when(excluded)
        .then(
            pl.lit(
                f"all sections class {up_to} or better and meeting their targets in both "
                "periods (四(四))"
            )
        )
        .when(base == 0)
        .then(pl.lit("base CWQI is 0"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    flags = [*_CHANGE_FLAGS, *[f"{c}_previous" for c in _CHANGE_FLAGS]]
    out = (
        joined.with_columns(
            cwqi_change=pl.when(base != 0).then((now - base) / base * 100.0),
            change_unranked_reason=reason,
        )
        .with_columns(change_ranked=pl.col("change_unranked_reason").is_null())
        .select(
            *keys,
            *per,
            *[f"{c}_previous" for c in per_prev],
            "cwqi",
            "cwqi_previous",
            "cwqi_change",
            *flags,
            "change_ranked",
            "change_unranked_reason",
        )
        .sort(keys or "cwqi", nulls_last=True)
    )
    return finish(out, was_lazy)


def cwqi_ranking(
    frame: Any,
    *,
    n: int = 30,
    by: str | Sequence[str] | None = None,
    entity: str = "city",
) -> Frame:
    """City rankings by CWQI (状况排名) and by ΔCWQI (变化情况排名), best and worst ``n``.

    城市地表水环境质量排名技术规定（试行）(2017) clauses 四(三) and 四(四); GB 3838-2002
    Table 1 class III behind the index.

    Parameters
    ----------
    frame : polars or pandas frame
        One row per city: :func:`cwqi` output (status ranking only) or
        :func:`cwqi_change` output (status and change rankings).
    n : int, default 30
        Size of the best and worst lists: MEE publishes the best 30 and the worst 30
        since 2019 (W25; table ``water_cwqi_rules``).
    by : str, list of str or None
        Rank within each value of these columns (default: all cities together). The
        ``period_start``/``period_end`` columns, when present, are always group keys.
    entity : str, default "city"
        The column naming what is ranked.

    Returns
    -------
    polars.DataFrame or LazyFrame
        Two blocks of the input rows, ``ranking = "status"`` then ``"change"`` (the latter
        only when ``cwqi_change`` is present), each with ``rank_value`` (``cwqi``, or
        ``cwqi_change`` [%] of the cities ranked for change), ``rank`` (1 = best),
        ``rank_from_worst``, ``tied``, ``rank_label`` (``"2"`` or ``"2（并列）"``),
        ``n_ranked``, ``in_best`` (``rank <= n``), ``in_worst`` (``rank_from_worst <= n``)
        and ``unranked_reason``; sorted by group, ranking and rank, unranked rows last.

    Notes
    -----
    Status: ascending CWQI, smaller = better (VERIFIED, W19, W15, W22). Change: ascending
    ΔCWQI, the largest improvement (most negative) first, over the cities that
    :func:`cwqi_change` ranks (VERIFIED in meaning, W15/W23, W22, W25). Values are ranked
    unrounded (the published rounding is UNVERIFIED; CWQI is shown with 4 decimals,
    ΔCWQI with 1); ``rank_value`` is rounded to 10 decimals only to remove binary
    floating-point noise, so that equal values tie. Ties: UNVERIFIED for water; equal
    values share the best rank of their block and the next rank skips (并列, "1224"), as
    the air ranking rule does, and a list includes every city tied at its cut (a best 30
    can hold 31).

    Examples
    --------
    >>> s = pl.DataFrame({"city": ["甲", "乙", "丙", "丁"], "cwqi": [4.1, 3.5, 3.5, None]})
    >>> cwqi_ranking(s, n=2).select("city", "rank_label", "in_best").rows()
    [('丙', '1（并列）', True), ('乙', '1（并列）', True), ('甲', '3', False), ('丁', None, False)]
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise IndicatorInputError(
            "n must be a positive integer", column="n", expected=">= 1", found=n
        )
    lf, was_lazy = to_lazy(frame, name="frame")
    schema = lf.collect_schema()
    keys = key_list(by) + [c for c in ("period_start", "period_end") if c in schema]
    require_columns(schema, [*keys, entity, "cwqi"], name="frame")
    _one_row_per_key(lf, [*keys, entity], "frame")
    # ranked unrounded: the 10-decimal rounding only removes binary floating-point noise,
    # so that equal indices computed along different paths tie
    status = pl.col("cwqi").cast(pl.Float64).fill_nan(None).round(_MEAN_DECIMALS)
    blocks = [
        lf.with_columns(
            ranking=pl.lit("status"),
            rank_value=status,
            unranked_reason=pl.when(status.is_null()).then(pl.lit("no CWQI")),
        )
    ]
    if "cwqi_change" in schema:
        require_columns(schema, ["change_ranked"], name="frame")
        change = pl.col("cwqi_change").cast(pl.Float64).fill_nan(None).round(_MEAN_DECIMALS)
        ranked = pl.col("change_ranked").fill_null(False) & change.is_not_null()
        given = (
            pl.col("change_unranked_reason")
            if "change_unranked_reason" in schema
            else pl.lit(None, dtype=pl.String)
        )
        blocks.append(
            lf.with_columns(
                ranking=pl.lit("change"),
                rank_value=pl.when(ranked).then(change),
                unranked_reason=pl.when(ranked)
                .then(pl.lit(None, dtype=pl.String))
                .otherwise(pl.coalesce(given, pl.lit("no change"))),
            )
        )
    out = pl.concat(blocks, how="vertical_relaxed")
    out = (
        competition_ranks(out, "rank_value", [*keys, "ranking"])
        .with_columns(
            in_best=(pl.col("rank") <= n).fill_null(False),
            in_worst=(pl.col("rank_from_worst") <= n).fill_null(False),
        )
        .with_columns(_block=pl.col("ranking") == "change")
        .sort([*keys, "_block", "rank", entity], nulls_last=True)
        .drop("_block")
    )
    return finish(out, was_lazy)
