"""Coastal sea water (近岸海域): GB 3097-1997 classes and the class I+II share.

- :func:`item_class`: class of one item (I ... IV, 劣IV) against GB 3097-1997 Table 1
  (table ``water_gb3097_seawater``; all rows from secondary sources, see its
  ``verification`` column).
- :func:`point_classes`: the class of each point per campaign or year, single factor
  (worst item).
- :func:`class_shares`: the share of points (and, where every point has an area, of sea
  area) in each class, and the 一、二类 (excellent or good) share.

Closure: upper limits ``<=``; DO strictly greater (``> 6`` for class I ...); pH inside the
range inclusive (7.8-8.5 for I-II, 6.8-8.8 for III-IV). The part of the pH rule about the
normal local range (within 0.2 / 0.5 pH) needs local data and is not evaluated. Items
whose classes II-IV are not known (metals, coliforms) cannot be classed and are left out
of the point class (they are listed in ``not_classed``).

Examples
--------
>>> item_class("DIN", 0.25), item_class("DO", 6.0), item_class("PO4-P", 0.03)
('II', 'II', 'II')
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, Literal

import polars as pl

from . import standards
from ._frames import (
    Frame,
    finish,
    key_list,
    null_if_empty,
    ordered_sum,
    to_lazy,
)
from .errors import IndicatorInputError
from .standards import table
from .validation.water import item_code, normalise_results, normalise_sea_points
from .water import BelowDL, class_expr, evaluation_parameter, period_means

__all__ = ["CLASSES", "DEFAULT_ITEMS", "class_shares", "item_class", "point_classes"]

_EDITION = standards.newest_edition("GB 3097")

#: Items of the point class by default: the issue's list (national practice: pH, DO,
#: COD, DIN, active phosphate, petroleum; BOD5 added). The national item list is
#: UNVERIFIED.
DEFAULT_ITEMS: tuple[str, ...] = ("pH", "DO", "COD", "BOD5", "DIN", "PO4-P", "Petroleum")


def _graded() -> tuple[str, ...]:
    order = ("I", "II", "III", "IV")
    found = set(table("water_gb3097_seawater")["class"].to_list())
    return tuple(c for c in order if c in found)


#: Sea-water classes in rank order; the last is worse than class IV.
CLASSES: tuple[str, ...] = (*_graded(), "劣" + _graded()[-1])
_WORST = CLASSES[-1]


@cache
def _limits(edition: str) -> pl.DataFrame:
    """Wide limits of the items that have all four classes (item, direction, lo_/hi_)."""
    t = table("water_gb3097_seawater").filter(pl.col("standard") == edition)
    if t.height == 0:
        raise IndicatorInputError(
            "unknown GB 3097 edition",
            column="edition",
            expected=f"one of {table('water_gb3097_seawater')['standard'].unique().to_list()}",
            found=edition,
        )
    rows = []
    for (item, direction), grp in t.group_by(["item", "direction"], maintain_order=True):
        if grp.height != len(CLASSES) - 1:
            continue
        row: dict[str, Any] = {"item": item, "direction": direction}
        for r in grp.iter_rows(named=True):
            row[f"lo_{r['class']}"] = None if r["limit_lo"] is None else float(r["limit_lo"])
            row[f"hi_{r['class']}"] = None if r["limit_hi"] is None else float(r["limit_hi"])
        rows.append(row)
    schema: dict[str, Any] = {"item": pl.String, "direction": pl.String}
    for c in CLASSES[:-1]:
        schema[f"lo_{c}"] = pl.Float64
        schema[f"hi_{c}"] = pl.Float64
    return pl.DataFrame(rows, schema=schema)


def _classify(lf: pl.LazyFrame, edition: str) -> pl.LazyFrame:
    ranks = {c: i + 1 for i, c in enumerate(CLASSES)}
    lf = lf.join(_limits(edition).lazy(), on="item", how="left", maintain_order="left")
    lf = lf.with_columns(
        cls=class_expr(pl.col("value"), CLASSES[:-1], _WORST, lo_open=pl.col("direction") == "gt")
    )
    return lf.with_columns(
        class_rank=pl.col("cls").replace_strict(ranks, default=None, return_dtype=pl.Int8)
    ).rename({"cls": "class"})


def item_class(item: str, value: float | None, *, edition: str = _EDITION) -> str | None:
    """Sea-water class of one item (海水水质类别), GB 3097-1997 Table 1.

    Parameters
    ----------
    item : str
        Item code or name: ``pH``, ``DO``, ``COD``, ``BOD5``, ``DIN``, ``PO4-P``,
        ``Petroleum``, ``NonionicNH3`` (the items with all four classes).
    value : float or None
        Value in mg/L (pH dimensionless). None gives None.
    edition : str
        Standard edition.

    Returns
    -------
    str or None
        ``"I"`` ... ``"IV"`` or ``"劣IV"``; equal limits give the better class
        (PO4-P 0.030 is class II).

    Raises
    ------
    IndicatorInputError
        Unknown item, an item whose classes II-IV are not known (Hg, Cd, Pb, Cr6, As, Cu,
        Zn, total chromium, coliforms: class I only in the sources), negative value.

    Examples
    --------
    >>> item_class("DO", 6.01), item_class("DO", 3.0), item_class("pH", 8.6), item_class("pH", 8.9)
    ('I', '劣IV', 'III', '劣IV')
    >>> item_class("Petroleum", 0.05), item_class("Petroleum", 0.051)
    ('I', 'III')
    """
    code = item_code(item)
    limits = _limits(edition)
    if code not in limits["item"].to_list():
        raise IndicatorInputError(
            "GB 3097 classes of this item are not all known (UNVERIFIED), it cannot be classed",
            column="item",
            expected=f"one of {limits['item'].to_list()}",
            found=item,
        )
    if value is not None and (value < 0 or (code == "pH" and value > 14)):
        raise IndicatorInputError(
            "value out of range", column=code, expected=">= 0 (pH 0-14)", found=value
        )
    frame = pl.LazyFrame(
        {"item": [code], "value": [value]}, schema={"item": pl.String, "value": pl.Float64}
    )
    return _classify(frame, edition).collect()["class"][0]


def point_classes(
    results: Any,
    points: Any = None,
    *,
    period: Literal["campaign", "sampling", "year"] = "campaign",
    items: Sequence[str] = DEFAULT_ITEMS,
    below_dl: BelowDL = "half",
    edition: str = _EDITION,
) -> Frame:
    """Class of each sea point per campaign or year (点位水质类别), GB 3097-1997 single factor.

    Parameters
    ----------
    results : polars or pandas frame
        Long-form results (:mod:`indicators.validation.water`); a ``campaign`` column (航次,
        e.g. ``2025-spring``) groups the samplings of one survey.
    points : frame, optional
        Point registry (:func:`indicators.validation.water.normalise_sea_points`): every result
        site must be in it; its ``name``, ``city`` and ``area`` are attached.
    period : {"campaign", "sampling", "year"}
        ``campaign``: per ``campaign`` value (each sampling date when the column is
        absent); ``year``: the annual mean of each item per point, then classified
        (UNVERIFIED: bulletins may instead average campaign shares); ``sampling``: per
        date.
    items : sequence of str
        Items of the point class (default :data:`DEFAULT_ITEMS`); they must have all
        four classes in ``water_gb3097_seawater``.
    below_dl : {"half", "limit", "zero"}
        Value of a result below the detection limit (default half the limit).
    edition : str
        GB 3097 edition.

    Returns
    -------
    polars.DataFrame or LazyFrame
        Per point and period: ``campaign`` (null for ``year``), ``period_start``,
        ``period_end``, ``class`` (worst item class), ``class_rank`` (1-5), ``n_items``,
        ``items_worse_than_II`` (items worse than class II, worst first), ``not_classed``
        (items present but not in ``items``); plus ``name``, ``city``, ``area`` when
        ``points`` is given.

    Examples
    --------
    >>> from datetime import date
    >>> res = pl.DataFrame({"site": ["P1"] * 3, "date": [date(2025, 5, 10)] * 3,
    ...     "item": ["DIN", "PO4-P", "DO"], "value": [0.45, 0.02, 6.5]})
    >>> point_classes(res).select("class", "n_items", "items_worse_than_II").row(0)
    ('IV', 3, 'DIN')
    """
    codes = [item_code(i) for i in items]
    limits = _limits(edition)
    for c in codes:
        if c not in limits["item"].to_list():
            raise IndicatorInputError(
                "item cannot be classed by GB 3097 (classes II-IV UNVERIFIED)",
                column="items",
                expected=f"items among {limits['item'].to_list()}",
                found=c,
            )
    reg = normalise_sea_points(points) if points is not None else None
    lf, was_lazy = to_lazy(results, name="results")
    schema = lf.collect_schema()
    lf = normalise_results(lf, registry=reg, name="results")
    if period == "campaign":
        key = pl.col("campaign") if "campaign" in schema else pl.col("date").cast(pl.String)
        lf = lf.with_columns(campaign=key.cast(pl.String))
        bounds = lf.group_by("campaign").agg(
            period_start=pl.col("date").min(), period_end=pl.col("date").max()
        )
        means = period_means(lf, ["site", "campaign"], "all", below_dl).drop(
            "period_start", "period_end"
        )
        means = means.join(bounds, on="campaign", how="left")
    elif period in ("sampling", "year"):
        means = period_means(lf, ["site"], period, below_dl).with_columns(
            campaign=pl.lit(None, dtype=pl.String)
        )
    else:
        raise IndicatorInputError(
            "unknown period",
            column="period",
            expected="'campaign', 'sampling' or 'year'",
            found=period,
        )
    classed = _classify(means.filter(pl.col("item").is_in(codes)), edition)
    good = CLASSES.index(evaluation_parameter("sea_good_classes_up_to")) + 1
    keys = ["site", "campaign", "period_start", "period_end"]
    agg = (
        classed.sort(["class_rank", "item"], descending=[True, False])
        .group_by(keys)
        .agg(
            class_rank=pl.col("class_rank").max(),
            n_items=pl.col("class").is_not_null().sum().cast(pl.Int32),
            items_worse_than_II=pl.col("item").filter(pl.col("class_rank") > good).str.join(";"),
        )
    )
    others = (
        means.filter(~pl.col("item").is_in(codes))
        .group_by(keys)
        .agg(not_classed=pl.col("item").sort().str.join(";"))
    )
    inv = {i + 1: c for i, c in enumerate(CLASSES)}
    out = (
        agg.join(others, on=keys, how="full", coalesce=True, nulls_equal=True)
        .with_columns(
            **{
                "class": pl.col("class_rank").replace_strict(
                    inv, default=None, return_dtype=pl.String
                )
            },
            n_items=pl.col("n_items").fill_null(0),
            items_worse_than_II=null_if_empty(pl.col("items_worse_than_II")),
        )
        .select(*keys, "class", "class_rank", "n_items", "items_worse_than_II", "not_classed")
    )
    if reg is not None:
        out = out.join(reg.lazy().select("site", "name", "city", "area"), on="site", how="left")
    return finish(out.sort("site", "period_start"), was_lazy)


def class_shares(
    point_classes: Any, *, points: Any = None, by: str | Sequence[str] | None = None
) -> Frame:
    """Share of sea points (and area) per class, and the class I+II share (优良比例).

    GB 3097-1997 classes; counted by point as in the 2014 national bulletin (W18); the
    area-based share of later bulletins is offered where every point has an area
    (its exact method, e.g. interpolation, is UNVERIFIED here).

    Parameters
    ----------
    point_classes : frame
        Output of :func:`point_classes`.
    points : frame, optional
        Point registry, used for ``area`` and the ``by`` columns when the frame lacks
        them.
    by : str, list of str or None
        Grouping columns (e.g. ``"city"``); None gives one group per campaign/period.

    Returns
    -------
    polars.DataFrame or LazyFrame
        Per group and campaign/period: ``n_points`` (points with a class), ``n_I`` ...
        ``n_IV``, ``n_worse_IV``, ``share_I`` ... ``share_worse_IV`` [percent],
        ``share_I_II`` (by point count, the 2014 bulletin method), ``n_points_with_area``,
        ``area_total`` and ``area_I_II`` [km²], ``share_I_II_area`` [percent; null
        unless every point has an area]. Percentages rounded to 1 decimal.

    Examples
    --------
    >>> pc = pl.DataFrame({"site": ["A", "B", "C", "D"], "campaign": ["2025-s"] * 4,
    ...     "period_start": [None] * 4, "period_end": [None] * 4,
    ...     "class": ["I", "II", "III", "劣IV"], "area": [10.0, 20.0, 30.0, 40.0]})
    >>> class_shares(pc).select("share_I_II", "share_I_II_area", "n_worse_IV").row(0)
    (50.0, 30.0, 1)
    """
    keys = key_list(by)
    lf, was_lazy = to_lazy(point_classes, name="point_classes")
    schema = lf.collect_schema()
    if points is not None:
        reg = normalise_sea_points(points)
        add = [c for c in ("area", *keys) if c not in schema and c in reg.columns]
        if add:
            lf = lf.join(reg.lazy().select("site", *add), on="site", how="left")
    if "area" not in lf.collect_schema():
        lf = lf.with_columns(area=pl.lit(None, dtype=pl.Float64))
    good = CLASSES.index(evaluation_parameter("sea_good_classes_up_to")) + 1
    good_classes = list(CLASSES[:good])

    def count_name(c: str) -> str:
        return "n_worse_IV" if c == _WORST else f"n_{c}"

    def share_name(c: str) -> str:
        return "share_worse_IV" if c == _WORST else f"share_{c}"

    per = ["campaign", "period_start", "period_end"]
    valid = pl.col("class").is_not_null()
    has_area = valid & pl.col("area").is_not_null()
    is_good = pl.col("class").is_in(good_classes)
    out = (
        lf.group_by([*keys, *per])
        .agg(
            *[(pl.col("class") == c).sum().cast(pl.Int32).alias(count_name(c)) for c in CLASSES],
            n_points=valid.sum().cast(pl.Int32),
            _n_good=(valid & is_good).sum(),
            n_points_with_area=has_area.sum().cast(pl.Int32),
            area_total=ordered_sum(pl.col("area").filter(has_area)),
            area_I_II=ordered_sum(pl.col("area").filter(has_area & is_good)),
        )
        .filter(pl.col("n_points") > 0)
        .with_columns(
            *[
                (100 * pl.col(count_name(c)) / pl.col("n_points")).round(1).alias(share_name(c))
                for c in CLASSES
            ],
            share_I_II=(100 * pl.col("_n_good") / pl.col("n_points")).round(1),
            share_I_II_area=pl.when(
                (pl.col("n_points_with_area") == pl.col("n_points")) & (pl.col("area_total") > 0)
            )
            .then((100 * pl.col("area_I_II") / pl.col("area_total")).round(1))
            .otherwise(None),
        )
        .select(
            *keys,
            *per,
            "n_points",
            *[count_name(c) for c in CLASSES],
            *[share_name(c) for c in CLASSES],
            "share_I_II",
            "n_points_with_area",
            "area_total",
            "area_I_II",
            "share_I_II_area",
        )
        .sort([*keys, "period_start", "campaign"], nulls_last=True)
    )
    return finish(out, was_lazy)
