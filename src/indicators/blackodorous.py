"""Urban black-odorous water bodies (城市黑臭水体): grading, ledger and elimination ratio.

Implements the grading of 《城市黑臭水体整治工作指南》 (2015; standards key
``城市黑臭水体整治工作指南-2015``) and the ledger figures city reports publish
(消除比例, status counts, overdue and returned water bodies). Every threshold is a
row of a standards table:

- ``blackodorous_grading``: per-indicator light/severe ranges with explicit
  closure columns;
- ``blackodorous_shallow_water``: the rule for water shallower than 25 cm;
- ``blackodorous_rules``: point, stretch and water-body percentages, sampling
  minima, the survey threshold (assumption) and the 90% elimination target;
- ``blackodorous_statuses`` and ``blackodorous_status_transitions``: the ledger
  status vocabulary and the allowed transitions.

Frames
------
Ledger (one row per water body): ``water_body_id``, ``city``, ``name``,
``type`` (``river`` or ``lake_pond``), ``identified_date`` (required), and
optionally ``district``, ``length_km``, ``area_km2``, ``grade_identified``
(``light``/``severe``), ``responsible_unit``, ``plan_date`` (planned date for
remediation completed, 计划完成整治时限).

Status history (long): ``water_body_id``, ``status``, ``date``. The history
of a water body starts with ``identified`` on the ledger's ``identified_date``
and then follows ``blackodorous_status_transitions``; ``returned`` (返黑返臭) is
the only way back.

Monitoring (one row per point and sampling): ``water_body_id``, ``point``,
``position_km`` (distance along the water body), ``transparency`` [cm],
``DO`` [mg/L], ``ORP`` [mV], ``NH3-N`` [mg/L], optional ``depth`` [cm] and
``date``.

Surveys: ``water_body_id``, ``respondents`` and ``satisfied_share`` [percent]
(or ``n_satisfied``), optional ``date``.

Decisions on UNVERIFIED items
-----------------------------
- Boundaries: the printed severe bounds are strict (< 10 cm, < 0.2 mg/L,
  < -200 mV, > 15 mg/L); the light ranges (25~10, 0.2~2.0, -200~50, 8.0~15) are
  closed at both ends, so 25 cm, 2.0 mg/L, 50 mV and 8.0 mg/L are light. This is
  the reading of ``black_odorous.md`` ("not black-odorous: > 25 cm, > 2.0, > 50,
  < 8.0"). To try another closure, pass ``thresholds=`` (a frame in the layout
  of :func:`grading_thresholds`) to the grading functions.
- Shallow water (depth < 25 cm): transparency < 0.4 x depth is severe,
  transparency >= depth (clear to the bottom) is not black-odorous, anything
  between is light.
- The public-satisfaction threshold (90%) is an assumption: parameter
  ``satisfaction_threshold``.
- 基本消除 and 长制久清 count as eliminated (Yiyang: 11 + 2 = 13 of 14 = 92.86%).

Examples
--------
>>> indicator_level("transparency", 9.9)
'severe'
>>> indicator_level("ORP", -250)
'severe'
>>> indicator_level("DO", 1.0)
'light'
>>> indicator_level("NH3-N", 5.0)
'none'
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Literal

import polars as pl

from ._frames import (
    Frame,
    as_date,
    finish,
    first_bad_row,
    float_columns,
    key_list,
    native,
    ordered_sum,
    require_columns,
    to_lazy,
)
from .errors import IndicatorInputError
from .standards import table
from .validation.blackodorous import (
    INDICATORS,
    NON_NEGATIVE,
    STATUSES,
    TYPES,
    validate_ledger,
    validate_monitoring,
    validate_status_history,
    validate_surveys,
)

__all__ = [
    "GUIDE",
    "INDICATORS",
    "LEDGER_LABELS",
    "LEVELS",
    "STATUSES",
    "elimination_ratio",
    "elimination_ratio_change",
    "grading_thresholds",
    "indicator_level",
    "indicator_level_expr",
    "ledger_table",
    "overdue_water_bodies",
    "point_grade",
    "remediation_evaluation",
    "returned_water_bodies",
    "sample_levels",
    "severe_stretches",
    "status_changes",
    "status_counts",
    "status_on",
    "survey_satisfaction",
    "validate_ledger",
    "validate_monitoring",
    "validate_status_history",
    "validate_surveys",
    "water_body_grade",
]

#: Standards key of the 2015 guide (the ``standard`` column of the grading tables).
GUIDE = "城市黑臭水体整治工作指南-2015"

#: Levels from best to worst, with their Chinese terms.
LEVELS: dict[str, str] = {"none": "不黑臭", "light": "轻度黑臭", "severe": "重度黑臭"}
_LEVELS_EN: dict[str, str] = {"none": "not black-odorous", "light": "light", "severe": "severe"}

#: Display labels of :func:`ledger_table`: column -> (中文, English).
LEDGER_LABELS: dict[str, tuple[str, str]] = {
    "city": ("城市", "City"),
    "district": ("区县", "District"),
    "water_body_id": ("编号", "ID"),
    "name": ("水体名称", "Water body"),
    "type": ("类型", "Type"),
    "length_km": ("长度（km）", "Length (km)"),
    "area_km2": ("面积（km²）", "Area (km²)"),
    "grade_identified": ("认定时黑臭级别", "Grade when identified"),
    "identified_date": ("认定日期", "Identified"),
    "responsible_unit": ("责任单位", "Responsible unit"),
    "plan_date": ("计划完成整治日期", "Planned completion"),
    "status": ("当前状态", "Status"),
    "status_date": ("状态日期", "Status date"),
    "overdue": ("是否逾期", "Overdue"),
    "returned": ("是否返黑返臭", "Returned"),
}

By = str | Sequence[str] | None
DateLike = date | datetime | str


# ----------------------------------------------------------------------------- helpers


def _rule(name: str) -> float:
    rows = table("blackodorous_rules").filter(pl.col("rule") == name)
    return float(rows["value"].item())


def _collect(data: Any, name: str) -> tuple[pl.DataFrame, bool]:
    lf, was_lazy = to_lazy(data, name=name)
    return lf.collect(), was_lazy


def _out(df: pl.DataFrame, was_lazy: bool) -> Frame:
    return finish(df.lazy(), was_lazy)


# ----------------------------------------------------------------------------- grading


def grading_thresholds(standard: str = GUIDE) -> pl.DataFrame:
    """Return the grading table of one edition (rows of ``blackodorous_grading``).

    Parameters
    ----------
    standard : str
        Edition key; the only one known is :data:`GUIDE`.

    Returns
    -------
    polars.DataFrame
        ``indicator``, ``unit``, ``level``, ``lower``, ``lower_closed``,
        ``upper``, ``upper_closed`` and the source columns.

    Notes
    -----
    城市黑臭水体整治工作指南 (2015), table 城市黑臭水体污染程度分级标准 (via B1, B2); closures
    are the documented
    UNVERIFIED choice.

    Examples
    --------
    >>> t = grading_thresholds()
    >>> t.filter(indicator="DO", level="severe").select("upper", "upper_closed").row(0)
    (0.2, False)
    """
    t = table("blackodorous_grading").filter(pl.col("standard") == standard)
    if t.is_empty():
        known = table("blackodorous_grading")["standard"].unique().to_list()
        raise IndicatorInputError(
            "unknown black-odorous grading edition",
            column="standard",
            expected=f"one of {known}",
            found=standard,
        )
    return t


def _check_thresholds(thresholds: Any) -> pl.DataFrame:
    """Check a replacement grading table (the layout of :func:`grading_thresholds`)."""
    if not isinstance(thresholds, pl.DataFrame):
        raise IndicatorInputError(
            "thresholds must be a polars DataFrame",
            column="thresholds",
            found=type(thresholds).__name__,
        )
    need = ["indicator", "level", "lower", "lower_closed", "upper", "upper_closed"]
    require_columns(thresholds.schema, need, name="thresholds")
    for ind in INDICATORS:
        for level in ("light", "severe"):
            n = thresholds.filter((pl.col("indicator") == ind) & (pl.col("level") == level)).height
            if n != 1:
                raise IndicatorInputError(
                    "thresholds need one row per indicator and level",
                    file="thresholds",
                    column="level",
                    expected=f"1 row for {ind}/{level}",
                    found=n,
                )
    return thresholds


def _indicator_name(indicator: str, standard: str) -> str:
    t = grading_thresholds(standard)
    for ind, zh in t.select("indicator", "indicator_zh").unique(maintain_order=True).rows():
        if indicator in (ind, zh):
            return ind
    raise IndicatorInputError(
        "unknown black-odorous indicator",
        column="indicator",
        expected=f"one of {list(INDICATORS)}",
        found=indicator,
    )


def _inside(v: pl.Expr, row: dict[str, Any]) -> pl.Expr:
    cond = pl.lit(True)
    if row["lower"] is not None:
        cond = cond & (v >= row["lower"] if row["lower_closed"] else v > row["lower"])
    if row["upper"] is not None:
        cond = cond & (v <= row["upper"] if row["upper_closed"] else v < row["upper"])
    return cond


def indicator_level_expr(
    indicator: str,
    value: str | pl.Expr,
    depth: str | pl.Expr | None = None,
    *,
    standard: str = GUIDE,
    thresholds: pl.DataFrame | None = None,
) -> pl.Expr:
    """Expression: the black-odorous level of one indicator value per row.

    城市黑臭水体整治工作指南 (2015), 污染程度分级标准 table, as :func:`indicator_level`.

    Parameters
    ----------
    indicator : {'transparency', 'DO', 'ORP', 'NH3-N'}
        Indicator (the Chinese names 透明度, 溶解氧, 氧化还原电位, 氨氮 are accepted).
    value : str or polars.Expr
        Column (or expression) with the values: transparency [cm], DO [mg/L],
        ORP [mV], NH3-N [mg/L].
    depth : str or polars.Expr, optional
        Water depth [cm] (transparency only). Where depth < 25 cm the
        shallow-water rule applies; where it is null the deep-water thresholds
        are used.
    standard : str
        Edition key of the tables.
    thresholds : polars.DataFrame, optional
        Replacement grading rows (layout of :func:`grading_thresholds`), e.g.
        to test another closure of the UNVERIFIED boundaries.

    Returns
    -------
    polars.Expr
        String ``'none'``, ``'light'`` or ``'severe'`` named ``level_<indicator>``.
        Null or NaN values give null. Negative transparency, DO or NH3-N give
        null here (the frame functions raise instead).

    Notes
    -----
    Guide table 城市黑臭水体污染程度分级标准 with the closures of
    ``blackodorous_grading`` (see the module notes) and
    ``blackodorous_shallow_water``.

    Examples
    --------
    >>> df = pl.DataFrame({"t": [30.0, 25.0, 10.0, 9.9, 8.0, 7.9, 20.0],
    ...                    "d": [None, 40, 40, 40, 20, 20, 20]})
    >>> df.select(indicator_level_expr("transparency", "t", "d"))["level_transparency"].to_list()
    ['none', 'light', 'light', 'severe', 'light', 'severe', 'none']
    """
    ind = _indicator_name(indicator, standard)
    v = (pl.col(value) if isinstance(value, str) else value).cast(pl.Float64).fill_nan(None)
    if ind in NON_NEGATIVE:
        v = pl.when(v >= 0).then(v)
    grading = grading_thresholds(standard) if thresholds is None else _check_thresholds(thresholds)
    rows = {r["level"]: r for r in grading.filter(pl.col("indicator") == ind).to_dicts()}
    deep = pl.when(v.is_null()).then(pl.lit(None, pl.String))
    for level in ("severe", "light"):
        deep = deep.when(_inside(v, rows[level])).then(pl.lit(level))
    deep = deep.otherwise(pl.lit("none"))
    out = deep
    if depth is not None:
        rule = table("blackodorous_shallow_water").filter(
            (pl.col("standard") == standard) & (pl.col("indicator") == ind)
        )
        if rule.height == 1:
            r = rule.row(0, named=True)
            d = (pl.col(depth) if isinstance(depth, str) else depth).cast(pl.Float64).fill_nan(None)
            d = pl.when(d >= 0).then(d)
            shallow = d <= r["depth_below"] if r["depth_below_closed"] else d < r["depth_below"]
            out = (
                pl.when(v.is_null())
                .then(pl.lit(None, pl.String))
                .when(shallow & (v >= d))
                .then(pl.lit(r["clear_to_bottom_level"]))
                .when(shallow & (v < r["depth_fraction"] * d))
                .then(pl.lit("severe"))
                .when(shallow)
                .then(pl.lit("light"))
                .otherwise(deep)
            )
    return out.alias(f"level_{ind}")


def indicator_level(
    indicator: str,
    value: float | Sequence[float] | pl.Series,
    depth: float | Sequence[float] | pl.Series | None = None,
    *,
    standard: str = GUIDE,
    thresholds: pl.DataFrame | None = None,
) -> str | list[str | None] | pl.Series | None:
    """Black-odorous level (不黑臭/轻度/重度) of one indicator value.

    城市黑臭水体整治工作指南 (2015), 城市黑臭水体污染程度分级标准 table; boundary
    closure as in the ``blackodorous_grading`` table (UNVERIFIED, documented).

    Parameters
    ----------
    indicator : {'transparency', 'DO', 'ORP', 'NH3-N'}
        Indicator name.
    value : float, sequence of float or polars.Series
        Transparency [cm], DO [mg/L], ORP [mV] or NH3-N [mg/L].
    depth : float, sequence or polars.Series, optional
        Water depth [cm], for the shallow-water transparency rule (depth < 25 cm:
        transparency < 40% of the depth is severe, transparency >= depth is not
        black-odorous, else light). ``None``: depth not given, the deep-water
        thresholds apply.
    standard : str
        Edition key (:data:`GUIDE`).
    thresholds : polars.DataFrame, optional
        Replacement grading rows, as in :func:`indicator_level_expr`.

    Returns
    -------
    str, list or polars.Series
        ``'none'``, ``'light'`` or ``'severe'``; ``None`` for a missing value.
        Same shape as ``value``.

    Raises
    ------
    IndicatorInputError
        Unknown indicator, negative transparency, DO, NH3-N or depth.

    Notes
    -----
    Guide table 城市黑臭水体污染程度分级标准 (2015). Severe: transparency < 10 cm,
    DO < 0.2 mg/L, ORP < -200 mV, NH3-N > 15 mg/L. Light (closed ranges, an
    UNVERIFIED choice): 10-25 cm, 0.2-2.0 mg/L, -200-50 mV, 8.0-15 mg/L.

    Examples
    --------
    >>> indicator_level("transparency", 9.9)
    'severe'
    >>> indicator_level("NH3-N", [8.0, 15.0, 15.1, None])
    ['light', 'light', 'severe', None]
    >>> indicator_level("transparency", 7.9, depth=20)   # 40% of 20 cm = 8 cm
    'severe'
    """
    ind = _indicator_name(indicator, standard)
    scalar = not isinstance(value, pl.Series | list | tuple)
    values = pl.Series("value", [value] if scalar else list(value), dtype=pl.Float64, strict=False)
    frame = pl.DataFrame({"value": values})
    if depth is not None:
        dscalar = not isinstance(depth, pl.Series | list | tuple)
        dvals = [depth] * values.len() if dscalar else list(depth)
        if len(dvals) != values.len():
            raise IndicatorInputError(
                "depth and value lengths differ",
                column="depth",
                expected=f"{values.len()} values",
                found=len(dvals),
            )
        frame = frame.with_columns(pl.Series("depth", dvals, dtype=pl.Float64, strict=False))
    frame = float_columns(
        frame.rename({"value": ind}), [ind, "depth"], name="value", non_negative=NON_NEGATIVE
    )
    out = frame.select(
        indicator_level_expr(
            ind,
            ind,
            "depth" if depth is not None else None,
            standard=standard,
            thresholds=thresholds,
        )
    ).to_series()
    if scalar:
        return out[0]
    return out if isinstance(value, pl.Series) else out.to_list()


def sample_levels(
    monitoring: Any, *, standard: str = GUIDE, thresholds: pl.DataFrame | None = None
) -> Frame:
    """Level of each indicator for each sample, and the sample's worst level.

    城市黑臭水体整治工作指南 (2015), 污染程度分级标准 with the shallow-water rule.

    Parameters
    ----------
    monitoring : DataFrame or LazyFrame
        One row per point and sampling; ``depth`` [cm] is optional.
    standard : str
        Edition key.
    thresholds : polars.DataFrame, optional
        Replacement grading rows, as in :func:`indicator_level_expr`.

    Returns
    -------
    DataFrame or LazyFrame
        The input plus ``level_transparency``, ``level_DO``, ``level_ORP``,
        ``level_NH3-N``, ``shallow`` (depth < 25 cm; null when the depth is
        missing, then the deep-water thresholds were used) and ``level`` (worst
        of the valid indicators; null when all four are missing).

    Notes
    -----
    Guide table 城市黑臭水体污染程度分级标准; closures as in :func:`indicator_level`.
    The input is collected once for validation; a LazyFrame gives a LazyFrame.

    Examples
    --------
    >>> m = pl.DataFrame({"water_body_id": ["W1"], "point": ["P1"], "position_km": [0.0],
    ...     "transparency": [30.0], "DO": [1.5], "ORP": [60.0], "NH3-N": [16.0]})
    >>> sample_levels(m).select("level_DO", "level_NH3-N", "level").row(0)
    ('light', 'severe', 'severe')
    """
    df, was_lazy = _collect(monitoring, "monitoring")
    df = validate_monitoring(df, need_position=False)
    has_depth = "depth" in df.columns
    shallow_rule = table("blackodorous_shallow_water").filter(pl.col("standard") == standard)
    exprs = [
        indicator_level_expr(
            ind,
            ind,
            "depth" if (has_depth and ind == "transparency") else None,
            standard=standard,
            thresholds=thresholds,
        )
        for ind in INDICATORS
    ]
    df = df.with_columns(exprs)
    if has_depth and shallow_rule.height:
        limit = shallow_rule["depth_below"][0]
        closed = shallow_rule["depth_below_closed"][0]
        df = df.with_columns(
            shallow=pl.col("depth") <= limit if closed else pl.col("depth") < limit
        )
    else:
        df = df.with_columns(shallow=pl.lit(None, pl.Boolean))
    rank = {"none": 0, "light": 1, "severe": 2}
    worst = pl.max_horizontal(
        [pl.col(f"level_{i}").replace_strict(rank, return_dtype=pl.Int8) for i in INDICATORS]
    )
    df = df.with_columns(
        level=worst.replace_strict({v: k for k, v in rank.items()}, return_dtype=pl.String)
    )
    return _out(df, was_lazy)


def point_grade(
    monitoring: Any,
    *,
    by: By = None,
    standard: str = GUIDE,
    thresholds: pl.DataFrame | None = None,
) -> Frame:
    """Grade of each monitoring point from its samples (点位黑臭级别).

    城市黑臭水体整治工作指南 (2015): a point is severe when >= 60 % of one indicator's
    samples, or >= 30 % of at least two indicators' samples, are at the severe level.

    Parameters
    ----------
    monitoring : DataFrame or LazyFrame
        One row per point and sampling, with ``position_km``.
    by : str or list of str, optional
        Extra grouping columns (e.g. a campaign or year); points are always
        grouped by ``water_body_id`` and ``point``.
    standard : str
        Edition key.
    thresholds : polars.DataFrame, optional
        Replacement grading rows, as in :func:`indicator_level_expr`.

    Returns
    -------
    DataFrame or LazyFrame
        One row per point: ``position_km``, ``n_samples`` (rows),
        ``n_<indicator>`` (valid values), ``n_severe_<indicator>``,
        ``severe_share_<indicator>`` [percent, unrounded; null without valid
        values], ``n_indicators_30``
        (indicators with a severe share >= 30%), ``grade``
        (``none``/``light``/``severe``; null when no valid value), ``grade_zh``,
        ``severe_rule`` (``one_indicator`` or ``two_indicators``) and
        ``sampling_ok`` (at least 3 samples).

    Notes
    -----
    Guide point rule (B3): severe when >= 60% of the valid samples of any one
    indicator, or >= 30% of the valid samples of at least two indicators, are at
    the severe level; otherwise light when any sample of any indicator is light or
    severe; otherwise none. The shares are compared exactly (``n_severe x 100 >=
    60 x n``), with no rounding; both bounds are inclusive ("or more").
    Percentages: table ``blackodorous_rules``.

    Examples
    --------
    >>> m = pl.DataFrame({"water_body_id": ["W1"] * 5, "point": ["P1"] * 5,
    ...     "position_km": [0.0] * 5, "transparency": [5.0, 5, 5, 30, 30],
    ...     "DO": [3.0] * 5, "ORP": [100.0] * 5, "NH3-N": [1.0] * 5})
    >>> point_grade(m).select("severe_share_transparency", "grade", "severe_rule").row(0)
    (60.0, 'severe', 'one_indicator')
    """
    keys = [*key_list(by), "water_body_id", "point"]
    df, was_lazy = _collect(monitoring, "monitoring")
    df = validate_monitoring(df)
    require_columns(df.schema, keys, name="monitoring")
    df = sample_levels(df, standard=standard, thresholds=thresholds)
    one = _rule("point_severe_one_indicator")
    two = _rule("point_severe_two_indicators")
    min_ind = _rule("point_severe_min_indicators")
    min_samples = _rule("min_samplings_per_point")
    aggs: list[pl.Expr] = [
        pl.col("position_km").first(),
        pl.len().cast(pl.Int64).alias("n_samples"),
    ]
    for i in INDICATORS:
        lev = pl.col(f"level_{i}")
        aggs += [
            lev.is_not_null().sum().cast(pl.Int64).alias(f"n_{i}"),
            (lev == "severe").sum().cast(pl.Int64).alias(f"n_severe_{i}"),
            lev.is_in(["light", "severe"]).any().alias(f"__black_{i}"),
        ]
    g = df.group_by(keys, maintain_order=True).agg(aggs)
    hit_one = pl.any_horizontal(
        [
            (pl.col(f"n_{i}") > 0) & (pl.col(f"n_severe_{i}") * 100 >= one * pl.col(f"n_{i}"))
            for i in INDICATORS
        ]
    )
    n30 = pl.sum_horizontal(
        [
            (
                (pl.col(f"n_{i}") > 0) & (pl.col(f"n_severe_{i}") * 100 >= two * pl.col(f"n_{i}"))
            ).cast(pl.Int32)
            for i in INDICATORS
        ]
    )
    valid = pl.sum_horizontal([pl.col(f"n_{i}") for i in INDICATORS]) > 0
    black = pl.any_horizontal([pl.col(f"__black_{i}") for i in INDICATORS])
    g = (
        g.with_columns(
            [
                pl.when(pl.col(f"n_{i}") > 0)
                .then(pl.col(f"n_severe_{i}") * 100 / pl.col(f"n_{i}"))
                .alias(f"severe_share_{i}")
                for i in INDICATORS
            ]
        )
        .with_columns(
            n_indicators_30=n30,
            severe_rule=pl.when(hit_one)
            .then(pl.lit("one_indicator"))
            .when(n30 >= min_ind)
            .then(pl.lit("two_indicators")),
        )
        .with_columns(
            grade=pl.when(~valid)
            .then(pl.lit(None, pl.String))
            .when(pl.col("severe_rule").is_not_null())
            .then(pl.lit("severe"))
            .when(black)
            .then(pl.lit("light"))
            .otherwise(pl.lit("none")),
            sampling_ok=pl.col("n_samples") >= min_samples,
        )
        .with_columns(grade_zh=pl.col("grade").replace_strict(LEVELS, default=None))
    )
    cols = [*keys, "position_km", "n_samples"]
    for i in INDICATORS:
        cols += [f"n_{i}", f"n_severe_{i}", f"severe_share_{i}"]
    cols += ["n_indicators_30", "grade", "grade_zh", "severe_rule", "sampling_ok"]
    return _out(g.select(cols), was_lazy)


def _points(points: Any, keys: list[str]) -> tuple[pl.DataFrame, bool]:
    df, was_lazy = _collect(points, "points")
    require_columns(df.schema, [*keys, "point", "position_km", "grade"], name="points")
    bad = first_bad_row(df, pl.col("position_km").is_null())
    if bad is not None:
        raise IndicatorInputError(
            "point has no position",
            file="points",
            row=bad,
            column="position_km",
            expected="distance along the water body [km]",
            found=df["point"][bad - 1],
        )
    bad = first_bad_row(df, ~pl.col("grade").is_in(list(LEVELS)) & pl.col("grade").is_not_null())
    if bad is not None:
        raise IndicatorInputError(
            "unknown grade",
            file="points",
            row=bad,
            column="grade",
            expected=f"one of {list(LEVELS)}",
            found=df["grade"][bad - 1],
        )
    return df.sort([*keys, "position_km", "point"], maintain_order=True), was_lazy


def severe_stretches(points: Any, *, by: By = None, standard: str = GUIDE) -> Frame:
    """Severe stretches: runs of 3 or more consecutive severe points (重度黑臭段).

    城市黑臭水体整治工作指南 (2015): 3 or more consecutive severe points make the
    stretch between them severe.

    Parameters
    ----------
    points : DataFrame or LazyFrame
        Point grades (output of :func:`point_grade`): ``water_body_id``,
        ``point``, ``position_km``, ``grade``.
    by : str or list of str, optional
        Extra grouping columns, as in :func:`point_grade`.
    standard : str
        Edition key (kept for symmetry; the count is in ``blackodorous_rules``).

    Returns
    -------
    DataFrame or LazyFrame
        One row per stretch: ``stretch`` (1-based within the water body),
        ``first_point``, ``last_point``, ``start_km``, ``end_km``, ``n_points``,
        ``length_km`` (end - start).

    Notes
    -----
    Guide (B3): 3 or more consecutive severe points make the stretch between them
    severe. Points are ordered by ``position_km``; a point with no grade (no valid
    data) breaks a run, since its severity is not known.

    Examples
    --------
    >>> p = pl.DataFrame({"water_body_id": ["W1"] * 5, "point": list("ABCDE"),
    ...     "position_km": [0.0, 0.4, 0.8, 1.2, 1.6],
    ...     "grade": ["light", "severe", "severe", "severe", "light"]})
    >>> s = severe_stretches(p)
    >>> s["first_point"].item(), s["last_point"].item(), round(s["length_km"].item(), 3)
    ('B', 'D', 0.8)
    """
    keys = [*key_list(by), "water_body_id"]
    df, was_lazy = _points(points, keys)
    min_run = _rule("consecutive_severe_points")
    severe = (pl.col("grade") == "severe").fill_null(False)
    runs = (
        df.with_columns(__sev=severe)
        .with_columns(__run=pl.col("__sev").rle_id().over(keys))
        .filter(pl.col("__sev"))
        .group_by([*keys, "__run"], maintain_order=True)
        .agg(
            first_point=pl.col("point").first(),
            last_point=pl.col("point").last(),
            start_km=pl.col("position_km").first(),
            end_km=pl.col("position_km").last(),
            n_points=pl.len(),
        )
        .filter(pl.col("n_points") >= min_run)
        .with_columns(
            stretch=pl.int_range(pl.len()).over(keys).cast(pl.Int64) + 1,
            length_km=pl.col("end_km") - pl.col("start_km"),
        )
    )
    cols = [
        *keys,
        "stretch",
        "first_point",
        "last_point",
        "start_km",
        "end_km",
        "n_points",
        "length_km",
    ]
    return _out(runs.select(cols).cast({"n_points": pl.Int64}), was_lazy)


def water_body_grade(points: Any, *, by: By = None, standard: str = GUIDE) -> Frame:
    """Grade of each water body from its point grades (水体黑臭级别).

    城市黑臭水体整治工作指南 (2015): 60 % or more severe points make the water body
    severe.

    Parameters
    ----------
    points : DataFrame or LazyFrame
        Output of :func:`point_grade`.
    by : str or list of str, optional
        Extra grouping columns, as in :func:`point_grade`.
    standard : str
        Edition key.

    Returns
    -------
    DataFrame or LazyFrame
        One row per water body: ``n_points``, ``n_graded_points`` (points with a
        grade), ``n_severe_points``, ``n_light_points``, ``severe_point_share``
        [percent of graded points], ``grade``, ``grade_zh``,
        ``n_severe_stretches``, ``severe_stretch_km`` and ``points_ok`` (at least
        3 points, guide sampling rule).

    Notes
    -----
    Guide (B3): 60% or more of the points severe (inclusive, exact comparison)
    makes the whole water body severe; otherwise it is light when any point is
    light or severe, none when all graded points are none, null when no point has
    a grade. Severe stretches (:func:`severe_stretches`) are reported beside it.

    Examples
    --------
    >>> p = pl.DataFrame({"water_body_id": ["W1"] * 5, "point": list("ABCDE"),
    ...     "position_km": [0.0, 0.4, 0.8, 1.2, 1.6],
    ...     "grade": ["severe", "light", "severe", "light", "severe"]})
    >>> water_body_grade(p).select("severe_point_share", "grade", "n_severe_stretches").row(0)
    (60.0, 'severe', 0)
    """
    keys = [*key_list(by), "water_body_id"]
    df, was_lazy = _points(points, keys)
    share = _rule("water_body_severe_points")
    min_points = _rule("min_points_per_water_body")
    g = df.group_by(keys, maintain_order=True).agg(
        n_points=pl.len(),
        n_graded_points=pl.col("grade").is_not_null().sum(),
        n_severe_points=(pl.col("grade") == "severe").sum(),
        n_light_points=(pl.col("grade") == "light").sum(),
    )
    stretches = severe_stretches(df, by=by, standard=standard)
    assert isinstance(stretches, pl.DataFrame)
    s = stretches.group_by(keys).agg(
        n_severe_stretches=pl.len(), severe_stretch_km=ordered_sum(pl.col("length_km"))
    )
    g = g.join(s, on=keys, how="left", maintain_order="left").with_columns(
        pl.col("n_severe_stretches").fill_null(0).cast(pl.Int64),
        pl.col("severe_stretch_km").fill_null(0.0),
    )
    g = g.with_columns(
        severe_point_share=pl.when(pl.col("n_graded_points") > 0).then(
            pl.col("n_severe_points") * 100 / pl.col("n_graded_points")
        ),
        grade=pl.when(pl.col("n_graded_points") == 0)
        .then(pl.lit(None, pl.String))
        .when(pl.col("n_severe_points") * 100 >= share * pl.col("n_graded_points"))
        .then(pl.lit("severe"))
        .when(pl.col("n_severe_points") + pl.col("n_light_points") > 0)
        .then(pl.lit("light"))
        .otherwise(pl.lit("none")),
        points_ok=pl.col("n_points") >= min_points,
    ).with_columns(grade_zh=pl.col("grade").replace_strict(LEVELS, default=None))
    cols = [
        *keys,
        "n_points",
        "n_graded_points",
        "n_severe_points",
        "n_light_points",
        "severe_point_share",
        "grade",
        "grade_zh",
        "n_severe_stretches",
        "severe_stretch_km",
        "points_ok",
    ]
    ints = {
        c: pl.Int64 for c in ("n_points", "n_graded_points", "n_severe_points", "n_light_points")
    }
    return _out(g.select(cols).cast(ints), was_lazy)


# ----------------------------------------------------------------------------- surveys


def survey_satisfaction(surveys: Any, *, satisfaction_threshold: float | None = None) -> Frame:
    """Whether each public survey (公众调查评议) reaches the satisfaction threshold.

    Parameters
    ----------
    surveys : DataFrame or LazyFrame
        See :func:`validate_surveys`.
    satisfaction_threshold : float, optional
        Threshold [percent]; default the ``survey_satisfaction`` row of
        ``blackodorous_rules`` (90%, an UNVERIFIED assumption: no source read
        states it).

    Returns
    -------
    DataFrame or LazyFrame
        The surveys plus ``satisfied_share`` [percent], ``satisfaction_threshold``
        and ``survey_ok`` (share >= threshold, inclusive; null when the share is
        missing).

    Notes
    -----
    Public survey of the effect evaluation (城市黑臭水体整治工作指南 (2015), 公众调查评议; B4).
    Missing share:
    null ``survey_ok``.

    Examples
    --------
    >>> s = pl.DataFrame({"water_body_id": ["W1", "W2"], "respondents": [100, 100],
    ...     "satisfied_share": [90.0, 89.9]})
    >>> survey_satisfaction(s)["survey_ok"].to_list()
    [True, False]
    """
    df, was_lazy = _collect(surveys, "surveys")
    df = validate_surveys(df)
    thr = _rule("survey_satisfaction") if satisfaction_threshold is None else satisfaction_threshold
    df = df.with_columns(
        satisfaction_threshold=pl.lit(float(thr)),
        survey_ok=pl.col("satisfied_share") >= thr,
    )
    return _out(df, was_lazy)


def remediation_evaluation(
    water_bodies: Any,
    surveys: Any,
    *,
    by: By = None,
    satisfaction_threshold: float | None = None,
) -> Frame:
    """Effect evaluation: follow-up monitoring grade plus public survey (整治效果评估).

    城市黑臭水体整治工作指南 (2015), 整治效果评估 (monitoring plus 公众调查评议); the
    satisfaction threshold is an assumption (default 90 %, UNVERIFIED).

    Parameters
    ----------
    water_bodies : DataFrame or LazyFrame
        Output of :func:`water_body_grade` (``water_body_id``, ``grade``).
    surveys : DataFrame or LazyFrame
        Survey results (:func:`validate_surveys`), at most one per water body
        (and ``by`` group).
    by : str or list of str, optional
        Extra join keys present in both frames (e.g. an evaluation round).
    satisfaction_threshold : float, optional
        [percent]; default 90 (assumption, see :func:`survey_satisfaction`).

    Returns
    -------
    DataFrame or LazyFrame
        One row per water body: ``grade``, ``water_quality_ok`` (grade is
        ``none``), ``respondents``, ``satisfied_share``, ``survey_ok`` and
        ``evaluation_ok`` (both true; false when either is false; null when one
        is missing and the other is not false: nothing is assumed).

    Notes
    -----
    The guide's evaluation combines monitoring with a public survey (B4); the
    exact criteria are UNVERIFIED. The reading here: the water body is no longer
    black-odorous on any point and the survey reaches the threshold.

    Examples
    --------
    >>> wb = pl.DataFrame({"water_body_id": ["W1", "W2"], "grade": ["none", "light"]})
    >>> s = pl.DataFrame({"water_body_id": ["W1", "W2"], "respondents": [120, 80],
    ...     "satisfied_share": [95.0, 97.5]})
    >>> remediation_evaluation(wb, s)["evaluation_ok"].to_list()
    [True, False]
    """
    keys = [*key_list(by), "water_body_id"]
    wb, was_lazy = _collect(water_bodies, "water_bodies")
    require_columns(wb.schema, [*keys, "grade"], name="water_bodies")
    sv = survey_satisfaction(
        validate_surveys(surveys), satisfaction_threshold=satisfaction_threshold
    )
    assert isinstance(sv, pl.DataFrame)
    require_columns(sv.schema, keys, name="surveys")
    dup = first_bad_row(sv, pl.len().over(keys) > 1)
    if dup is not None:
        raise IndicatorInputError(
            "more than one survey for a water body",
            file="surveys",
            row=dup,
            column="water_body_id",
            expected="one survey per water body (pass by= for rounds)",
            found=sv["water_body_id"][dup - 1],
        )
    out = (
        wb.select([*keys, "grade"])
        .join(
            sv.select(
                [*keys, "respondents", "satisfied_share", "satisfaction_threshold", "survey_ok"]
            ),
            on=keys,
            how="left",
            maintain_order="left",
        )
        .with_columns(water_quality_ok=pl.col("grade") == "none")
    )
    # Kleene logic: a failed part fails the evaluation; a missing part leaves it open.
    out = out.with_columns(evaluation_ok=pl.col("water_quality_ok") & pl.col("survey_ok"))
    return _out(out, was_lazy)


# ----------------------------------------------------------------------------- ledger


def _status_table() -> pl.DataFrame:
    return table("blackodorous_statuses").select(
        "status", "status_zh", "status_en", "stage", "counts_as_eliminated", "remediation_pending"
    )


def _state(ledger: Any, history: Any, on: DateLike) -> tuple[pl.DataFrame, bool]:
    """Ledger rows in scope on ``on`` (identified by then) with their status on ``on``."""
    lg, was_lazy = _collect(ledger, "ledger")
    lg = validate_ledger(lg)
    hist = validate_status_history(history, lg)
    day = as_date(on, column="on")
    last = (
        hist.filter(pl.col("date") <= day)
        .group_by("water_body_id", maintain_order=True)
        .agg(status=pl.col("status").last(), status_date=pl.col("date").last())
    )
    ret = (
        hist.filter((pl.col("date") <= day) & (pl.col("status") == "returned"))
        .group_by("water_body_id")
        .agg(n_returns=pl.len(), returned_date=pl.col("date").max())
    )
    out = (
        lg.filter(pl.col("identified_date") <= day)
        .join(last, on="water_body_id", how="left", maintain_order="left")
        .join(_status_table(), on="status", how="left", maintain_order="left")
        .join(ret, on="water_body_id", how="left", maintain_order="left")
        .with_columns(
            pl.col("n_returns").fill_null(0).cast(pl.Int64),
            on=pl.lit(day),
            overdue=pl.col("remediation_pending")
            & pl.col("plan_date").is_not_null()
            & (pl.col("plan_date") < pl.lit(day)),
        )
    )
    return out, was_lazy


def status_on(ledger: Any, history: Any, on: DateLike) -> Frame:
    """Status of each water body on a date (as the ledger would show it then).

    Parameters
    ----------
    ledger, history : DataFrame or LazyFrame
        Ledger and status history (validated together).
    on : date or 'YYYY-MM-DD'
        Reference date (inclusive: an event dated ``on`` counts).

    Returns
    -------
    DataFrame or LazyFrame
        Ledger rows of water bodies identified on or before ``on``, plus
        ``status``, ``status_date``, ``status_zh``, ``status_en``, ``stage``,
        ``counts_as_eliminated``, ``remediation_pending``, ``n_returns``,
        ``returned_date``, ``on`` and ``overdue`` (:func:`overdue_water_bodies`).

    Notes
    -----
    Statuses of table ``blackodorous_statuses`` (城市黑臭水体整治工作指南 (2015); 基本消除
    counted as
    eliminated per B8).

    Examples
    --------
    >>> lg = pl.DataFrame({"water_body_id": ["W1"], "city": ["A"], "name": ["x"],
    ...     "type": ["river"], "identified_date": ["2016-03-01"]})
    >>> h = pl.DataFrame({"water_body_id": ["W1", "W1"],
    ...     "status": ["identified", "under_remediation"], "date": ["2016-03-01", "2017-01-10"]})
    >>> status_on(lg, h, "2016-12-31")["status"].item()
    'identified'
    """
    out, was_lazy = _state(ledger, history, on)
    return _out(out, was_lazy)


def elimination_ratio(
    ledger: Any,
    history: Any,
    on: DateLike,
    *,
    by: By = "city",
    target: float | None = None,
) -> Frame:
    """Elimination ratio of black-odorous water bodies (黑臭水体消除比例), by count and length.

    Parameters
    ----------
    ledger, history : DataFrame or LazyFrame
        Ledger and status history.
    on : date or 'YYYY-MM-DD'
        Reference date (inclusive).
    by : str or list of str, optional
        Ledger columns to group by (default ``city``; ``None`` for one row).
    target : float, optional
        Target [percent]; default the ``elimination_target`` row of
        ``blackodorous_rules`` (90%, 建城〔2018〕104号).

    Returns
    -------
    DataFrame or LazyFrame
        One row per group: ``on``, ``n_water_bodies`` (identified by ``on``),
        ``n_eliminated``, ``elimination_ratio`` [percent, 2 decimals],
        ``length_km`` (water bodies with a length), ``length_km_eliminated``,
        ``elimination_ratio_length`` [percent, 2 decimals], ``n_no_length``,
        ``target``, ``target_met`` (count basis) and ``target_met_length``.

    Notes
    -----
    Ratio = eliminated / identified x 100, where eliminated means the status on
    ``on`` is ``eliminated``, ``basically_eliminated`` (基本消除, counted as B8
    does) or ``long_term_clear``; a returned water body is not eliminated. The
    count basis is the official one (Yiyang: 13 of 14 = 92.86% against >= 90%,
    B8). The length basis uses the water bodies with ``length_km`` (lakes and
    ponds usually have an area instead; ``n_no_length`` counts them). Ratios are
    rounded half to even to 2 decimals; the target (inclusive, "no lower than")
    is checked on the unrounded ratio. No water body in scope: null ratio and
    null flags.

    Examples
    --------
    >>> lg = pl.DataFrame({"water_body_id": [f"W{i}" for i in range(14)], "city": "益阳",
    ...     "name": "x", "type": "river", "identified_date": "2016-01-01"})
    >>> steps = ["identified", "under_remediation", "remediation_completed"]
    >>> ends = ["eliminated"] * 11 + ["basically_eliminated"] * 2 + [None]
    >>> h = pl.DataFrame([(f"W{i}", s, f"201{6 + k}-01-01") for i, e in enumerate(ends)
    ...     for k, s in enumerate(["identified", *steps[1:], *([e] if e else [])])],
    ...     schema=["water_body_id", "status", "date"], orient="row")
    >>> elimination_ratio(lg, h, "2020-12-31").select(
    ...     "n_eliminated", "elimination_ratio", "target_met").row(0)
    (13, 92.86, True)
    """
    state, was_lazy = _state(ledger, history, on)
    keys = key_list(by)
    require_columns(state.schema, keys, name="ledger")
    thr = _rule("elimination_target") if target is None else float(target)
    dec = int(_rule("elimination_ratio_decimals"))
    elim = pl.col("counts_as_eliminated").fill_null(False)
    aggs = [
        pl.len().alias("n_water_bodies"),
        elim.sum().alias("n_eliminated"),
        ordered_sum(pl.col("length_km")).alias("length_km"),
        ordered_sum(pl.col("length_km").filter(elim)).alias("length_km_eliminated"),
        pl.col("length_km").is_null().sum().alias("n_no_length"),
        pl.col("length_km").is_not_null().sum().alias("__n_len"),
    ]
    if keys:
        g = state.group_by(keys, maintain_order=True).agg(aggs)
    else:
        g = state.select(aggs)
    ratio = pl.when(pl.col("n_water_bodies") > 0).then(
        pl.col("n_eliminated") * 100 / pl.col("n_water_bodies")
    )
    ratio_len = pl.when(pl.col("length_km") > 0).then(
        pl.col("length_km_eliminated") * 100 / pl.col("length_km")
    )
    g = g.with_columns(
        on=pl.lit(as_date(on, column="on")),
        elimination_ratio=ratio.round(dec),
        elimination_ratio_length=ratio_len.round(dec),
        target=pl.lit(thr),
        target_met=ratio >= thr,
        target_met_length=ratio_len >= thr,
    ).with_columns(
        pl.when(pl.col("__n_len") > 0).then(pl.col("length_km")).alias("length_km"),
        pl.when(pl.col("__n_len") > 0)
        .then(pl.col("length_km_eliminated"))
        .alias("length_km_eliminated"),
    )
    cols = [
        *keys,
        "on",
        "n_water_bodies",
        "n_eliminated",
        "elimination_ratio",
        "length_km",
        "length_km_eliminated",
        "elimination_ratio_length",
        "n_no_length",
        "target",
        "target_met",
        "target_met_length",
    ]
    ints = {c: pl.Int64 for c in ("n_water_bodies", "n_eliminated", "n_no_length")}
    return _out(g.select(cols).cast(ints), was_lazy)


def elimination_ratio_change(
    ledger: Any,
    history: Any,
    on: DateLike,
    compare: DateLike,
    *,
    by: By = "city",
    target: float | None = None,
) -> Frame:
    """Change of the elimination ratio between a comparison date and ``on``.

    Parameters
    ----------
    ledger, history : DataFrame or LazyFrame
        Ledger and status history.
    on, compare : date or 'YYYY-MM-DD'
        Reference date and comparison date.
    by : str or list of str, optional
        Grouping (default ``city``).
    target : float, optional
        Target [percent], as in :func:`elimination_ratio`.

    Returns
    -------
    DataFrame or LazyFrame
        One row per group: the :func:`elimination_ratio` columns on ``on``, the
        same with suffix ``_compare`` for ``compare``, and ``change_pp`` and
        ``change_pp_length`` [percentage points; the difference of the unrounded
        ratios, rounded half to even to 2 decimals, so it may differ by 0.01 from
        the difference of the printed ratios: 92.86 -> 85.71 is -7.14].

    Notes
    -----
    Elimination ratio as in :func:`elimination_ratio` (城市黑臭水体整治工作指南 (2015); target
    建城〔2018〕104号).

    Examples
    --------
    >>> lg = pl.DataFrame({"water_body_id": ["W1", "W2"], "city": "A", "name": "x",
    ...     "type": "river", "identified_date": "2016-01-01"})
    >>> h = pl.DataFrame({"water_body_id": ["W1", "W1", "W1", "W1", "W2"],
    ...     "status": ["identified", "under_remediation", "remediation_completed",
    ...                "eliminated", "identified"],
    ...     "date": ["2016-01-01", "2016-05-01", "2017-05-01", "2018-01-01", "2016-01-01"]})
    >>> elimination_ratio_change(lg, h, "2018-12-31", "2017-12-31").select(
    ...     "elimination_ratio_compare", "elimination_ratio", "change_pp").row(0)
    (0.0, 50.0, 50.0)
    """
    keys = key_list(by)
    ledger, was_lazy = native(ledger, name="ledger")  # polars for the two inner calls
    history, _ = native(history, name="history")
    now = elimination_ratio(ledger, history, on, by=by, target=target)
    then = elimination_ratio(ledger, history, compare, by=by, target=target)
    now_df = now.collect() if isinstance(now, pl.LazyFrame) else now
    then_df = then.collect() if isinstance(then, pl.LazyFrame) else then
    then_df = then_df.rename({c: f"{c}_compare" for c in then_df.columns if c not in keys})
    dec = int(_rule("elimination_ratio_decimals"))
    if keys:
        out = now_df.join(then_df, on=keys, how="left", maintain_order="left")
    else:
        out = pl.concat([now_df, then_df], how="horizontal")
    count = pl.when(pl.col("n_water_bodies") > 0).then(
        pl.col("n_eliminated") * 100 / pl.col("n_water_bodies")
    )
    count_then = pl.when(pl.col("n_water_bodies_compare") > 0).then(
        pl.col("n_eliminated_compare") * 100 / pl.col("n_water_bodies_compare")
    )
    length = pl.col("length_km_eliminated") * 100 / pl.col("length_km")
    length_then = pl.col("length_km_eliminated_compare") * 100 / pl.col("length_km_compare")
    out = out.with_columns(
        change_pp=(count - count_then).round(dec),
        change_pp_length=(length - length_then).round(dec),
    )
    return _out(out, was_lazy)


def status_counts(ledger: Any, history: Any, on: DateLike, *, by: By = "city") -> Frame:
    """Count water bodies (and their length) in each status on a date.

    Parameters
    ----------
    ledger, history : DataFrame or LazyFrame
        Ledger and status history.
    on : date or 'YYYY-MM-DD'
        Reference date (inclusive).
    by : str or list of str, optional
        Grouping (default ``city``).

    Returns
    -------
    DataFrame or LazyFrame
        Long: one row per group and status (every status listed, zero included,
        in stage order): ``status``, ``status_zh``, ``status_en``, ``n``,
        ``length_km`` (sum over water bodies with a length; 0.0 when none).

    Notes
    -----
    Statuses of table ``blackodorous_statuses`` (城市黑臭水体整治工作指南 (2015) ledger vocabulary).

    Examples
    --------
    >>> lg = pl.DataFrame({"water_body_id": ["W1"], "city": ["A"], "name": ["x"],
    ...     "type": ["river"], "length_km": [2.5], "identified_date": ["2016-03-01"]})
    >>> h = pl.DataFrame({"water_body_id": ["W1"], "status": ["identified"],
    ...     "date": ["2016-03-01"]})
    >>> status_counts(lg, h, "2020-01-01").filter(n=1).select("status", "length_km").row(0)
    ('identified', 2.5)
    """
    state, was_lazy = _state(ledger, history, on)
    keys = key_list(by)
    require_columns(state.schema, keys, name="ledger")
    counts = state.group_by([*keys, "status"]).agg(
        n=pl.len(), length_km=ordered_sum(pl.col("length_km"))
    )
    st = _status_table().select("status", "status_zh", "status_en", "stage").with_row_index("__o")
    frame = st
    if keys:
        groups = state.select(keys).unique(maintain_order=True).with_row_index("__g")
        frame = groups.join(st, how="cross")
    out = (
        frame.join(counts, on=[*keys, "status"], how="left")
        .with_columns(pl.col("n").fill_null(0).cast(pl.Int64), pl.col("length_km").fill_null(0.0))
        .sort(["__g", "__o"] if keys else ["__o"])
        .select([*keys, "status", "status_zh", "status_en", "n", "length_km"])
    )
    return _out(out, was_lazy)


def overdue_water_bodies(ledger: Any, history: Any, on: DateLike) -> Frame:
    """Water bodies past their planned completion date and still not remediated (逾期).

    Parameters
    ----------
    ledger, history : DataFrame or LazyFrame
        Ledger (with ``plan_date``) and status history.
    on : date or 'YYYY-MM-DD'
        Reference date.

    Returns
    -------
    DataFrame or LazyFrame
        ``water_body_id``, ``city``, ``district``, ``name``, ``status``,
        ``status_zh``, ``plan_date``, ``days_overdue`` (``on`` - ``plan_date``),
        sorted by ``days_overdue`` descending.

    Notes
    -----
    Overdue: the status on ``on`` is one with ``remediation_pending`` in
    ``blackodorous_statuses`` (identified, under remediation, returned) and
    ``plan_date`` < ``on``. A water body with no ``plan_date`` is never listed.
    Plan dates come from the city's remediation plan (城市黑臭水体整治工作指南 (2015),
    remediation plans);
    the rule is the package's.

    Examples
    --------
    >>> lg = pl.DataFrame({"water_body_id": ["W1"], "city": ["A"], "name": ["x"],
    ...     "type": ["river"], "identified_date": ["2016-03-01"], "plan_date": ["2018-12-31"]})
    >>> h = pl.DataFrame({"water_body_id": ["W1", "W1"],
    ...     "status": ["identified", "under_remediation"], "date": ["2016-03-01", "2017-01-10"]})
    >>> overdue_water_bodies(lg, h, "2019-01-10")["days_overdue"].item()
    10
    """
    state, was_lazy = _state(ledger, history, on)
    out = (
        state.filter(pl.col("overdue"))
        .with_columns(days_overdue=(pl.col("on") - pl.col("plan_date")).dt.total_days())
        .sort("days_overdue", descending=True, maintain_order=True)
        .select(
            "water_body_id",
            "city",
            "district",
            "name",
            "status",
            "status_zh",
            "plan_date",
            "days_overdue",
        )
    )
    return _out(out, was_lazy)


def returned_water_bodies(ledger: Any, history: Any, on: DateLike) -> Frame:
    """Water bodies that returned to black-odorous (返黑返臭) on or before a date.

    Parameters
    ----------
    ledger, history : DataFrame or LazyFrame
        Ledger and status history.
    on : date or 'YYYY-MM-DD'
        Reference date (inclusive).

    Returns
    -------
    DataFrame or LazyFrame
        ``water_body_id``, ``city``, ``district``, ``name``, ``returned_date``
        (latest return), ``n_returns``, ``status`` and ``status_zh`` on ``on``.

    Notes
    -----
    返黑返臭 is the documented return of table ``blackodorous_status_transitions``
    (城市黑臭水体整治工作指南
    (2015) ledger vocabulary).

    Examples
    --------
    >>> lg = pl.DataFrame({"water_body_id": ["W1"], "city": ["A"], "name": ["x"],
    ...     "type": ["river"], "identified_date": ["2016-03-01"]})
    >>> h = pl.DataFrame({"water_body_id": ["W1"] * 5, "status": ["identified",
    ...     "under_remediation", "remediation_completed", "eliminated", "returned"],
    ...     "date": ["2016-03-01", "2016-09-01", "2017-06-01", "2018-01-05", "2021-07-20"]})
    >>> returned_water_bodies(lg, h, "2021-12-31").select("returned_date", "status").row(0)
    (datetime.date(2021, 7, 20), 'returned')
    """
    state, was_lazy = _state(ledger, history, on)
    out = state.filter(pl.col("n_returns") > 0).select(
        "water_body_id",
        "city",
        "district",
        "name",
        "returned_date",
        "n_returns",
        "status",
        "status_zh",
    )
    return _out(out, was_lazy)


def ledger_table(
    ledger: Any,
    history: Any,
    on: DateLike,
    *,
    labels: Literal["zh", "en", "both"] = "zh",
) -> pl.DataFrame:
    """Return the ledger as a report shows it (黑臭水体整治台账), with translated labels.

    Parameters
    ----------
    ledger, history : DataFrame or LazyFrame
        Ledger and status history.
    on : date or 'YYYY-MM-DD'
        Reference date for the status, overdue and returned columns.
    labels : {'zh', 'en', 'both'}
        Column labels and category values in Chinese, English, or Chinese
        values with ``'中文 / English'`` column labels.

    Returns
    -------
    polars.DataFrame
        Always eager (a display table). Columns in the order of
        :data:`LEDGER_LABELS`; one row per water body identified by ``on``,
        sorted by city, district and ``water_body_id``.

    Notes
    -----
    The ledger (清单/台账) that 城市黑臭水体整治工作指南 (2015) asks cities to publish; statuses
    from table
    ``blackodorous_statuses``.

    Examples
    --------
    >>> lg = pl.DataFrame({"water_body_id": ["W1"], "city": ["A"], "name": ["x"],
    ...     "type": ["river"], "identified_date": ["2016-03-01"]})
    >>> h = pl.DataFrame({"water_body_id": ["W1"], "status": ["identified"],
    ...     "date": ["2016-03-01"]})
    >>> t = ledger_table(lg, h, "2020-01-01", labels="both")
    >>> t.columns[3], t["当前状态 / Status"].item()
    ('水体名称 / Water body', '已认定（列入清单）')
    """
    if labels not in ("zh", "en", "both"):
        raise IndicatorInputError(
            "unknown label language", column="labels", expected="'zh', 'en' or 'both'", found=labels
        )
    state, _ = _state(ledger, history, on)
    en = labels == "en"
    yes_no = {True: "yes", False: "no"} if en else {True: "是", False: "否"}
    types = {k: v[1 if en else 0] for k, v in TYPES.items()}
    levels = _LEVELS_EN if en else LEVELS
    df = (
        state.sort(["city", "district", "water_body_id"], nulls_last=True)
        .with_columns(
            pl.col("type").replace_strict(types),
            pl.col("grade_identified").replace_strict(levels, default=None),
            pl.col("status_en" if en else "status_zh").alias("status"),
            pl.col("overdue").fill_null(False).replace_strict(yes_no, return_dtype=pl.String),
            (pl.col("n_returns") > 0)
            .replace_strict(yes_no, return_dtype=pl.String)
            .alias("returned"),
        )
        .select(list(LEDGER_LABELS))
    )
    i = 1 if en else 0
    names = {
        c: (f"{zh} / {e}" if labels == "both" else (zh, e)[i])
        for c, (zh, e) in LEDGER_LABELS.items()
    }
    return df.rename(names)


def status_changes(ledger: Any, history: Any, on: DateLike, compare: DateLike) -> Frame:
    """Status of each water body on a comparison date and on ``on``.

    Parameters
    ----------
    ledger, history : DataFrame or LazyFrame
        Ledger and status history.
    on, compare : date or 'YYYY-MM-DD'
        Reference date and comparison date.

    Returns
    -------
    DataFrame or LazyFrame
        One row per water body identified by ``on``: ``water_body_id``,
        ``city``, ``name``, ``status_compare`` (null when identified after
        ``compare``), ``status``, ``changed`` (status differs, or newly listed),
        ``status_zh_compare``, ``status_zh``.

    Notes
    -----
    Statuses as in :func:`status_on` (城市黑臭水体整治工作指南 (2015) ledger vocabulary).

    Examples
    --------
    >>> lg = pl.DataFrame({"water_body_id": ["W1"], "city": ["A"], "name": ["x"],
    ...     "type": ["river"], "identified_date": ["2016-03-01"]})
    >>> h = pl.DataFrame({"water_body_id": ["W1", "W1"],
    ...     "status": ["identified", "under_remediation"], "date": ["2016-03-01", "2017-01-10"]})
    >>> status_changes(lg, h, "2017-12-31", "2016-12-31").select(
    ...     "status_compare", "status", "changed").row(0)
    ('identified', 'under_remediation', True)
    """
    now, was_lazy = _state(ledger, history, on)
    then, _ = _state(ledger, history, compare)
    out = (
        now.select("water_body_id", "city", "name", "status", "status_zh")
        .join(
            then.select("water_body_id", status_compare="status", status_zh_compare="status_zh"),
            on="water_body_id",
            how="left",
            maintain_order="left",
        )
        .with_columns(changed=pl.col("status") != pl.col("status_compare").fill_null(""))
    )
    out = out.select(
        "water_body_id",
        "city",
        "name",
        "status_compare",
        "status",
        "changed",
        "status_zh_compare",
        "status_zh",
    )
    return _out(out, was_lazy)
