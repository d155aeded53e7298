"""Centralized drinking-water sources (集中式生活饮用水水源地): compliance and its rates.

Surface sources are judged against GB 3838-2002 class III: the 21 Table 1 items by the
2011 method (class III or better), the Table 2 supplementary items and the Table 3 items
present against their single limit (§5.3). Groundwater sources are judged single-factor
against GB/T 14848-2017 Table 1 class III. A source meets the standard when every
evaluated item does (D2-D5); the compliance rate is counted by sources and weighted by
the volume they supply (D2, D5).

UNVERIFIED choices, all parameters:

- reference items (water temperature, TN of lakes/reservoirs, fecal coliform) are listed
  separately and do not affect compliance unless ``count_reference=True``
  (bulletins list them as 单独评价指标, D5; whether they count is not stated);
- Table 2 and Table 3 items count by default (``count_supplementary=True``);
- a value below the detection limit counts as half the limit (``below_dl="half"``).

Examples
--------
>>> item_meets("Mn", 0.1), item_meets("Mn", 0.11)
(True, False)
>>> item_meets("NH3-N", 0.6, source_type="groundwater")
False
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, Literal

import polars as pl

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
from .validation.water import item_code, normalise_drinking_sources, normalise_results, unit_factor
from .water import (
    CLASSES,
    GB3838,
    BelowDL,
    class_rank,
    classify_period_means,
    evaluation_parameter,
    exceedance_label,
    period_means,
)

__all__ = ["compliance_rate", "item_compliance", "item_meets", "source_compliance"]

Period = Literal["sampling", "month", "quarter", "year", "all"]
SourceType = Literal["river", "lake", "reservoir", "groundwater"]


@cache
def _single_limits() -> pl.DataFrame:
    """Tables 2 and 3 of GB 3838 and GB/T 14848 class III, limits in canonical units."""
    rows = []
    t23 = table("water_gb3838_tables2_3")
    for r in t23.iter_rows(named=True):
        rows.append(("surface", r["item"], f"GB 3838 Table {r['table']}", *_lims(r)))
    for r in (
        table("water_gb14848_groundwater")
        .filter(pl.col("direction") != "text")
        .iter_rows(named=True)
    ):
        rows.append(("groundwater", r["item"], "GB/T 14848 Table 1", *_lims(r)))
    return pl.DataFrame(
        rows,
        schema=["_kind", "item", "basis", "direction", "lim_lo", "lim_hi"],
        orient="row",
    )


def _lims(r: dict[str, Any]) -> tuple[str, float | None, float | None]:
    factor = unit_factor(r["item"], r["unit"])
    lo = None if r["limit_lo"] is None else float(r["limit_lo"]) * factor
    hi = None if r["limit_hi"] is None else float(r["limit_hi"]) * factor
    return r["direction"], lo, hi


def item_meets(
    item: str, value: float, *, source_type: SourceType = "river", edition: str = GB3838
) -> bool | None:
    """Whether one value meets the drinking-source limit of its item.

    Parameters
    ----------
    item : str
        Item code or name.
    value : float
        Value in the item's canonical unit (mg/L ...).
    source_type : {"river", "lake", "reservoir", "groundwater"}
        Surface sources: GB 3838 Table 1 class III or better (TP by water-body form;
        TN and fecal coliform as reference items, class III), Table 2/3 single limits.
        Groundwater: GB/T 14848-2017 class III.
    edition : str
        GB 3838 edition.

    Returns
    -------
    bool or None
        None when the item has no limit for that source type (e.g. water temperature).

    Examples
    --------
    >>> item_meets("TP", 0.05, source_type="lake"), item_meets("TP", 0.051, source_type="lake")
    (True, False)
    >>> item_meets("pH", 8.6, source_type="groundwater"), item_meets("pH", 8.6)
    (False, True)
    """
    from .water import item_class

    code = item_code(item)
    if value is None:
        return None
    if source_type == "groundwater":
        lim = _single_limits().filter((pl.col("_kind") == "groundwater") & (pl.col("item") == code))
    else:
        cls = item_class(code, value, waterbody=source_type, edition=edition)
        if cls is not None:
            return class_rank(cls) <= class_rank(evaluation_parameter("drinking_source_class"))
        lim = _single_limits().filter((pl.col("_kind") == "surface") & (pl.col("item") == code))
    if lim.height == 0:
        return None
    if value is None or value < 0:
        raise IndicatorInputError(
            "value must be a non-negative number", column=code, expected=">= 0", found=value
        )
    r = lim.row(0, named=True)
    return (r["lim_lo"] is None or value >= r["lim_lo"]) and (
        r["lim_hi"] is None or value <= r["lim_hi"]
    )


def _items_lazy(
    lf: pl.LazyFrame, reg: pl.DataFrame, *, period: str, below_dl: str, edition: str
) -> pl.LazyFrame:
    """Per source, period and item: value, basis, fails, multiple."""
    iii = class_rank(evaluation_parameter("drinking_source_class"))
    surface_reg = reg.filter(pl.col("type") != "groundwater").with_columns(
        target_class=pl.lit(CLASSES[iii - 1])
    )
    surface_sites = surface_reg["site"].implode()
    ic = classify_period_means(
        lf.filter(pl.col("site").is_in(surface_sites)),
        surface_reg,
        period=period,
        below_dl=below_dl,
        edition=edition,
    ).select(
        "site",
        "period_start",
        "period_end",
        "item",
        "item_zh",
        "value",
        "n",
        "n_below_dl",
        "role",
        "item_order",
        "class",
        "class_rank",
        "exceedance_III",
        _kind=pl.lit("surface"),
    )
    ground = period_means(
        lf.filter(~pl.col("site").is_in(surface_sites)), ["site"], period, below_dl
    ).with_columns(
        _kind=pl.lit("groundwater"),
        role=pl.lit(None, dtype=pl.String),
        **{"class": pl.lit(None, dtype=pl.String)},
        class_rank=pl.lit(None, dtype=pl.Int8),
        exceedance_III=pl.lit(None, dtype=pl.Float64),
    )
    info = (
        table("water_items")
        .lazy()
        .select("item", "item_zh", item_order=pl.int_range(pl.len(), dtype=pl.Int32))
    )
    ground = ground.join(info, on="item", how="left").select(ic.collect_schema().names())
    both = pl.concat([ic, ground])
    single = _single_limits().lazy()
    both = both.join(single, on=["_kind", "item"], how="left")
    v = pl.col("value")
    is_t1 = (pl.col("role") == "class") & pl.col("class").is_not_null()
    is_ref = (pl.col("role") == "reference") & pl.col("class").is_not_null()
    has_lim = pl.col("direction").is_not_null()
    single_fails = (pl.col("lim_lo").is_not_null() & (v < pl.col("lim_lo"))) | (
        pl.col("lim_hi").is_not_null() & (v > pl.col("lim_hi"))
    )
    single_mult = (
        pl.when((pl.col("direction") == "le") & (v > pl.col("lim_hi")))
        .then((v - pl.col("lim_hi")) / pl.col("lim_hi"))
        .otherwise(None)
    )
    return both.with_columns(
        basis=pl.when(is_t1)
        .then(pl.lit("GB 3838 Table 1"))
        .when(is_ref)
        .then(pl.lit("reference"))
        .when(has_lim)
        .then(pl.col("basis"))
        .otherwise(pl.lit(None, dtype=pl.String)),
        fails=pl.when(v.is_null())
        .then(None)
        .when(is_t1 | is_ref)
        .then(pl.col("class_rank") > iii)
        .when(has_lim)
        .then(single_fails)
        .otherwise(None),
        multiple=pl.when(is_t1 | is_ref)
        .then(pl.col("exceedance_III"))
        .otherwise(single_mult)
        .round(10),
    ).select(
        "site",
        "period_start",
        "period_end",
        "item",
        "item_zh",
        "item_order",
        "value",
        "n",
        "n_below_dl",
        "basis",
        "class",
        "fails",
        "multiple",
    )


def item_compliance(
    results: Any,
    sources: Any,
    *,
    period: Period = "month",
    below_dl: BelowDL = "half",
    edition: str = GB3838,
) -> Frame:
    """Every item of every source and period against its drinking-source limit.

    GB 3838-2002 Table 1 (class III by the 2011 method), Tables 2 and 3 (single limits),
    GB/T 14848-2017 Table 1 class III for groundwater.

    Parameters
    ----------
    results : polars or pandas frame
        Long-form results (:mod:`indicators.validation.water`).
    sources : frame
        Source registry (:func:`indicators.validation.water.normalise_drinking_sources`).
    period : {"sampling", "month", "quarter", "year", "all"}
        Averaging period (arithmetic mean of each item, as for sections).
    below_dl : {"half", "limit", "zero"}
        Value of a result below the detection limit (default half the limit).
    edition : str
        GB 3838 edition.

    Returns
    -------
    polars.DataFrame or LazyFrame
        Per source, period and item: ``value`` (period mean), ``n``, ``n_below_dl``,
        ``basis`` (``GB 3838 Table 1``, ``GB 3838 Table 2``, ``GB 3838 Table 3``,
        ``reference``, ``GB/T 14848 Table 1``; null for items without a limit),
        ``class`` (Table 1 and reference items), ``fails`` and ``multiple`` ((C − S)/S
        for upper limits; null when met or for pH/DO).

    Examples
    --------
    >>> from datetime import date
    >>> reg = pl.DataFrame({"site": ["D1"], "name": ["北库"], "type": ["reservoir"]})
    >>> res = pl.DataFrame({"site": ["D1"] * 2, "date": [date(2025, 3, 3)] * 2,
    ...     "item": ["Mn", "TP"], "value": [0.15, 0.04]})
    >>> item_compliance(res, reg).select("item", "basis", "fails", "multiple").rows()
    [('TP', 'GB 3838 Table 1', False, None), ('Mn', 'GB 3838 Table 2', True, 0.5)]
    """
    reg = normalise_drinking_sources(sources)
    lf, was_lazy = to_lazy(results, name="results")
    lf = normalise_results(lf, registry=reg, name="results")
    out = _items_lazy(lf, reg, period=period, below_dl=below_dl, edition=edition)
    return finish(out.sort("site", "period_start", "item_order").drop("item_order"), was_lazy)


def source_compliance(
    results: Any,
    sources: Any,
    *,
    period: Period = "month",
    below_dl: BelowDL = "half",
    count_reference: bool = False,
    count_supplementary: bool = True,
    edition: str = GB3838,
) -> Frame:
    """Compliance of each drinking-water source per period (水源地达标情况).

    GB 3838-2002 §5.3 and class III for surface sources, GB/T 14848-2017 class III for
    groundwater sources (see the module docstring for the UNVERIFIED choices).

    Parameters
    ----------
    results, sources, period, below_dl, edition
        As :func:`item_compliance`.
    count_reference : bool
        Whether a reference item (TN of lakes/reservoirs, fecal coliform) worse than
        class III makes the source non-compliant (default False, UNVERIFIED).
    count_supplementary : bool
        Whether GB 3838 Table 2/3 items count (default True, D2-D5).

    Returns
    -------
    polars.DataFrame or LazyFrame
        Per source and period: registry columns (``site``, ``name``, ``type``,
        ``city``, ``volume``), ``period_start``, ``period_end``, ``n_items`` (evaluated
        items with a value), ``compliant`` (null when no item was evaluated),
        ``class`` (surface: GB 3838 class of the 21 Table 1 items), ``exceeding_items``
        (``ITEM(multiple)`` ';'-joined, the counted failures), ``reference_exceedances``
        (reference items worse than class III, always listed) and ``not_evaluated``
        (items present without a limit for that source type).

    Examples
    --------
    >>> from datetime import date
    >>> reg = pl.DataFrame({"site": ["D1", "G1"], "name": ["北库", "东井"],
    ...     "type": ["reservoir", "groundwater"], "volume": [800.0, 200.0]})
    >>> res = pl.DataFrame({"site": ["D1", "D1", "G1"], "date": [date(2025, 3, 3)] * 3,
    ...     "item": ["Mn", "FecalColiform", "NH3-N"], "value": [0.05, 12000.0, 0.6]})
    >>> source_compliance(res, reg).select("site", "compliant", "exceeding_items",
    ...     "reference_exceedances").rows()
    [('D1', True, None, 'FecalColiform(0.2)'), ('G1', False, 'NH3-N(0.2)', None)]
    """
    reg = normalise_drinking_sources(sources)
    lf, was_lazy = to_lazy(results, name="results")
    lf = normalise_results(lf, registry=reg, name="results")
    items = _items_lazy(lf, reg, period=period, below_dl=below_dl, edition=edition).sort(
        "site", "period_start", "item_order"
    )
    counted_bases = ["GB 3838 Table 1", "GB/T 14848 Table 1"]
    if count_supplementary:
        counted_bases += ["GB 3838 Table 2", "GB 3838 Table 3"]
    if count_reference:
        counted_bases.append("reference")
    counted = pl.col("basis").is_in(counted_bases) & pl.col("fails").is_not_null()
    ranks = {c: i + 1 for i, c in enumerate(CLASSES)}
    items = items.with_columns(
        _lab=exceedance_label("multiple"),
        class_rank=pl.col("class").replace_strict(ranks, default=None, return_dtype=pl.Int8),
    )
    agg = items.group_by(["site", "period_start", "period_end"]).agg(
        n_items=counted.sum().cast(pl.Int32),
        _any_fail=(counted & pl.col("fails")).any(),
        _class_rank=pl.col("class_rank").filter(pl.col("basis") == "GB 3838 Table 1").max(),
        exceeding_items=pl.col("_lab").filter(counted & pl.col("fails")).str.join(";"),
        reference_exceedances=pl.col("_lab")
        .filter((pl.col("basis") == "reference") & pl.col("fails").fill_null(False))
        .str.join(";"),
        not_evaluated=pl.col("item").filter(pl.col("basis").is_null()).str.join(";"),
    )
    inv = {i + 1: c for i, c in enumerate(CLASSES)}
    out = (
        agg.with_columns(
            compliant=pl.when(pl.col("n_items") == 0).then(None).otherwise(~pl.col("_any_fail")),
            **{
                "class": pl.col("_class_rank").replace_strict(
                    inv, default=None, return_dtype=pl.String
                )
            },
            exceeding_items=null_if_empty(pl.col("exceeding_items")),
            reference_exceedances=null_if_empty(pl.col("reference_exceedances")),
            not_evaluated=null_if_empty(pl.col("not_evaluated")),
        )
        .join(reg.lazy().select("site", "name", "type", "city", "volume"), on="site", how="left")
        .select(
            "site",
            "name",
            "type",
            "city",
            "volume",
            "period_start",
            "period_end",
            "n_items",
            "compliant",
            "class",
            "exceeding_items",
            "reference_exceedances",
            "not_evaluated",
        )
        .sort("site", "period_start")
    )
    return finish(out, was_lazy)


def compliance_rate(source_compliance: Any, *, by: str | Sequence[str] | None = "city") -> Frame:
    """Drinking-water source compliance rate by count and by volume (水源地达标率).

    Parameters
    ----------
    source_compliance : frame
        Output of :func:`source_compliance` (columns ``compliant``, ``volume``,
        ``period_start``, ``period_end`` and the ``by`` columns).
    by : str, list of str or None
        Grouping columns (default ``"city"``); None gives one group per period.

    Returns
    -------
    polars.DataFrame or LazyFrame
        Per group and period: ``n_sources`` (sources with an evaluated item),
        ``n_compliant``, ``compliance_count`` = n_compliant / n_sources × 100 [percent],
        ``n_with_volume``, ``volume_total``, ``volume_compliant`` [10⁴ t/a],
        ``compliance_volume`` = volume_compliant / volume_total × 100 [percent, over the
        sources with a volume], ``failing_sources`` (codes). Percentages rounded to 1
        decimal; sources with no evaluated item are left out and not counted.

    Notes
    -----
    GB 3838-2002 §5.3 (surface) and GB/T 14848-2017 (groundwater) define what a source
    must meet; the rates follow the bulletins. VERIFIED rule (D2-D5): rate by count =
    compliant sources / sources monitored; by volume = water from compliant sources /
    all water withdrawn (Quzhou 2016-06: 1057.3 of 1057.3 10⁴ t = 100%). The registry
    volume is used as the weight for any period.

    Examples
    --------
    >>> sc = pl.DataFrame({"city": ["X"] * 3, "site": ["A", "B", "C"],
    ...     "period_start": [None] * 3, "period_end": [None] * 3,
    ...     "compliant": [True, True, False], "volume": [600.0, 300.0, 100.0]})
    >>> compliance_rate(sc).select("compliance_count", "compliance_volume").row(0)
    (66.7, 90.0)
    """
    keys = key_list(by)
    lf, was_lazy = to_lazy(source_compliance, name="source_compliance")
    per = ["period_start", "period_end"]
    valid = pl.col("compliant").is_not_null()
    has_v = valid & pl.col("volume").is_not_null()
    out = (
        lf.group_by([*keys, *per])
        .agg(
            n_sources=valid.sum().cast(pl.Int32),
            n_compliant=pl.col("compliant").fill_null(False).sum().cast(pl.Int32),
            n_with_volume=has_v.sum().cast(pl.Int32),
            volume_total=ordered_sum(pl.col("volume").filter(has_v)),
            volume_compliant=ordered_sum(pl.col("volume").filter(has_v & pl.col("compliant"))),
            failing_sources=pl.col("site")
            .filter(valid & ~pl.col("compliant"))
            .sort()
            .str.join(";"),
        )
        .filter(pl.col("n_sources") > 0)
        .with_columns(
            compliance_count=(100 * pl.col("n_compliant") / pl.col("n_sources")).round(1),
            compliance_volume=pl.when(pl.col("volume_total") > 0)
            .then((100 * pl.col("volume_compliant") / pl.col("volume_total")).round(1))
            .otherwise(None),
            failing_sources=null_if_empty(pl.col("failing_sources")),
        )
        .select(
            *keys,
            *per,
            "n_sources",
            "n_compliant",
            "compliance_count",
            "n_with_volume",
            "volume_total",
            "volume_compliant",
            "compliance_volume",
            "failing_sources",
        )
        .sort([*keys, *per], nulls_last=True)
    )
    return finish(out, was_lazy)
