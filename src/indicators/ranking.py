"""City rankings (城市排名): by an indicator, by its change, best and worst N, 并列 ties.

National and provincial reports rank cities by the comprehensive air quality
index and by its change against a comparison period, and also by good-day
ratio, PM2.5 and (for water) CWQI. This module ranks any summary frame with one
row per city (``air.evaluate_period`` output, or a water summary), within
groups (province, or any user-defined grouping), and keeps the standard edition
visible.

Ranking rules (documented choices)
----------------------------------
- Direction: :data:`LOWER_IS_BETTER` says, for each indicator, whether a lower
  value ranks first (composite index, concentrations, CWQI) or a higher one
  (good-day ratio). Pass ``lower_is_better=`` for any other column.
- Ties: values are first rounded to the precision they are published with
  (table ``air_reporting_precision``: composite index 0.01, ratios 0.1
  percentage point, concentrations 1 ug/m3, CO 0.1 mg/m3; GB/T 8170 round half
  to even), then ranked by *competition ranking* ("1224"): tied cities share the
  best rank of their block and the next rank skips (two cities tied 2nd are both
  "2（并列）", the next is 4th). This is how the rankings in the bulletins read;
  the ``method`` text of 《城市环境空气质量排名技术规定》 was not available
  (UNVERIFIED; see ``air_hj663_evaluation.md`` in the standards notes), so
  ``decimals=None`` ranks the unrounded values.
- Missing values are not ranked: their ``rank`` is null, they stay in the
  result (last), and ``n_ranked`` counts the ranked cities of the group.
- Best/worst N include every city tied at the cut (a "top 20" can hold 21).
- Editions: a ranking never mixes editions silently. When the frame has an
  ``edition``, ``limits_edition`` or ``aqi_edition`` column with more than one
  value within a group, :class:`~indicators.errors.IndicatorInputError` is raised unless
  ``allow_mixed_editions=True``; the edition columns stay in the result.

Examples
--------
>>> s = pl.DataFrame({"city": ["甲", "乙", "丙", "丁"],
...                   "composite_index": [3.104, 3.096, 4.2, 2.9]})
>>> rank_cities(s, "composite_index").select("city", "rank", "rank_label").rows()
[('丁', 1, '1'), ('乙', 2, '2（并列）'), ('甲', 2, '2（并列）'), ('丙', 4, '4')]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal

import polars as pl

from . import standards
from ._frames import TIE_MARK, Frame, competition_ranks, finish, native, require_columns, to_lazy
from .errors import IndicatorInputError
from .glossary import INDICATORS

__all__ = [
    "COMPARED_INDICATORS",
    "EDITION_COLUMNS",
    "LOWER_IS_BETTER",
    "SET_LISTS",
    "SET_LIST_SIZE",
    "TIE_MARK",
    "best_and_worst",
    "city_sets",
    "compare_editions",
    "rank_change",
    "rank_cities",
    "rank_in_sets",
    "ranks_in_sets",
    "set_lists",
]

#: The default pair of :func:`compare_editions`: the two newest HJ 633 editions.
_LAST_TWO_EDITIONS: tuple[str, str] = tuple(standards.edition_names("HJ 633")[-2:])  # type: ignore[assignment]

#: Indicator -> True when a lower value is better (ranks first), from
#: :data:`indicators.glossary.INDICATORS`.
LOWER_IS_BETTER: dict[str, bool] = {k: i.lower_is_better for k, i in INDICATORS.items()}

#: Reporting precision quantity (table ``air_reporting_precision``) of each indicator.
_PRECISION_QUANTITY: dict[str, str] = {
    "composite_index": "composite_index",
    "good_day_ratio": "ratio",
    "PM2.5": "concentration",
    "PM10": "concentration",
    "SO2": "concentration",
    "NO2": "concentration",
    "O3_MDA8_P90": "concentration",
    "CO_P95": "CO concentration",
}

#: Indicators whose change is a difference in percentage points, not a relative change.
_POINT_CHANGE: frozenset[str] = frozenset(k for k, i in INDICATORS.items() if i.change == "pp")

#: Columns that name the standard edition of a row.
EDITION_COLUMNS: tuple[str, ...] = ("edition", "limits_edition", "aqi_edition")


def _keys(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def _direction(indicator: str, lower_is_better: bool | None) -> bool:
    if lower_is_better is not None:
        return lower_is_better
    if indicator not in LOWER_IS_BETTER:
        raise IndicatorInputError(
            "ranking direction unknown for this indicator; pass lower_is_better=",
            column=indicator,
            expected=f"one of {sorted(LOWER_IS_BETTER)} or lower_is_better=True/False",
            found=indicator,
        )
    return LOWER_IS_BETTER[indicator]


def _reporting_decimals(indicator: str, decimals: int | str | None) -> int | None:
    if decimals is None or isinstance(decimals, int):
        return decimals
    if decimals != "reporting":
        raise IndicatorInputError(
            "unknown decimals setting",
            column="decimals",
            expected="'reporting', an int or None",
            found=decimals,
        )
    quantity = _PRECISION_QUANTITY.get(indicator)
    if quantity is None:
        return None
    found = (
        standards.table("air_reporting_precision")
        .filter(quantity=quantity)["decimals"]
        .unique()
        .to_list()
    )
    if len(found) != 1:
        raise IndicatorInputError(
            "editions disagree on the reporting precision; pass decimals=",
            file="air_reporting_precision",
            column="decimals",
            expected="one value across editions",
            found=found,
        )
    return int(found[0])


def _check_editions(
    lf: pl.LazyFrame, keys: list[str], allow: bool, *, name: str = "summary"
) -> None:
    cols = [c for c in EDITION_COLUMNS if c in lf.collect_schema()]
    if allow or not cols:
        return
    counts = (
        lf.group_by(keys or pl.lit(0))
        .agg(pl.col(c).drop_nulls().n_unique().alias(c) for c in cols)
        .collect()
    )
    for c in cols:
        bad = counts.filter(pl.col(c) > 1)
        if bad.height:
            found = lf.select(pl.col(c).drop_nulls().unique().sort()).collect()[c].to_list()
            raise IndicatorInputError(
                "the frame mixes standard editions; recompute under one edition "
                "(see compare_editions) or pass allow_mixed_editions=True",
                file=name,
                column=c,
                expected="one edition per ranking group",
                found=found,
            )


def _group_expr(groups: Mapping[str, str] | None, entity: str) -> list[pl.Expr]:
    if groups is None:
        return []
    return [pl.col(entity).replace_strict(dict(groups), default=None).alias("group")]


def _rank_block(
    lf: pl.LazyFrame, value: str, keys: list[str], lower: bool, entity: str
) -> pl.LazyFrame:
    """Competition ranks of ``value`` (both directions) within ``keys``; nulls unranked."""
    return competition_ranks(lf, value, keys, lower=lower).sort(
        [*keys, "rank", entity], nulls_last=True
    )


def rank_cities(
    summary: Frame | Any,
    indicator: str,
    *,
    by: str | Sequence[str] | None = None,
    groups: Mapping[str, str] | None = None,
    entity: str = "city",
    lower_is_better: bool | None = None,
    decimals: int | Literal["reporting"] | None = "reporting",
    allow_mixed_editions: bool = False,
) -> Frame:
    """Rank cities by one indicator (城市排名), ties sharing a rank (并列).

    Parameters
    ----------
    summary : DataFrame or LazyFrame
        One row per city (per group): e.g. ``air.evaluate_period`` output.
    indicator : str
        Column to rank: ``composite_index`` [1], ``good_day_ratio`` [%],
        ``PM2.5`` [ug/m3], ``cwqi`` [1], or any column with ``lower_is_better``.
    by : str or list of str, optional
        Rank within each value of these columns (e.g. ``"province"``).
    groups : mapping, optional
        User-defined groups, ``{city: group name}``: adds a ``group`` column
        and ranks within it; cities not in the mapping get a null group (a
        group of their own). Combine with ``by`` if needed.
    entity : str, default "city"
        The column naming what is ranked.
    lower_is_better : bool, optional
        Direction; default from :data:`LOWER_IS_BETTER`.
    decimals : int, None or "reporting", default "reporting"
        Round (GB/T 8170 half to even) before ranking: ``"reporting"`` uses the
        published precision of ``air_reporting_precision`` (none for columns
        without a row there), an int forces it, None ranks unrounded values.
    allow_mixed_editions : bool, default False
        Accept a group whose ``edition``/``limits_edition`` has several values.

    Returns
    -------
    DataFrame or LazyFrame
        The input rows plus ``indicator`` (name), ``rank_value`` (the value
        ranked), ``rank`` (1 = best; null when the value is null),
        ``rank_from_worst`` (1 = worst), ``tied`` (bool), ``rank_label``
        ("2" or "2（并列）"), ``n_ranked``, ``lower_is_better``; sorted by group and
        rank, unranked rows last.

    Raises
    ------
    IndicatorInputError
        Missing columns, unknown direction, mixed editions, duplicate cities
        within a group.

    Examples
    --------
    >>> s = pl.DataFrame({"city": ["甲", "乙", "丙"], "good_day_ratio": [80.04, 79.96, None]})
    >>> rank_cities(s, "good_day_ratio").select("city", "rank_value", "rank_label").rows()
    [('乙', 80.0, '1（并列）'), ('甲', 80.0, '1（并列）'), ('丙', None, None)]
    """
    lf, was_lazy = to_lazy(summary, name="summary")
    lf = lf.with_columns(_group_expr(groups, entity))
    schema = lf.collect_schema()
    keys = _keys(by) + (["group"] if groups is not None else [])
    require_columns(schema, [entity, indicator, *keys], name="summary")
    lower = _direction(indicator, lower_is_better)
    dec = _reporting_decimals(indicator, decimals)
    _check_editions(lf, keys, allow_mixed_editions)
    _check_unique(lf, [*keys, entity])
    value = pl.col(indicator).cast(pl.Float64).fill_nan(None)
    if dec is not None:
        value = value.round(dec, mode="half_to_even")
    lf = lf.with_columns(
        pl.lit(indicator).alias("indicator"),
        value.alias("rank_value"),
        pl.lit(lower).alias("lower_is_better"),
    )
    return finish(_rank_block(lf, "rank_value", keys, lower, entity), was_lazy)


def _check_unique(lf: pl.LazyFrame, cols: list[str], *, name: str = "summary") -> None:
    dup = lf.group_by(cols).len().filter(pl.col("len") > 1).collect()
    if dup.height:
        raise IndicatorInputError(
            "more than one row per city in a ranking group",
            file=name,
            column=cols[-1],
            expected="one row per city and group",
            found=dup.row(0, named=True),
        )


def rank_change(
    current: Frame | Any,
    previous: Frame | Any,
    indicator: str,
    *,
    by: str | Sequence[str] | None = None,
    groups: Mapping[str, str] | None = None,
    entity: str = "city",
    lower_is_better: bool | None = None,
    relative: bool | None = None,
    decimals: int | Literal["reporting"] | None = "reporting",
    change_decimals: int | None = 1,
    allow_mixed_editions: bool = False,
    exclude_from_worst: str | None = None,
) -> Frame:
    """Rank cities by the change of an indicator against a comparison period (变化排名).

    Parameters
    ----------
    current, previous : DataFrame or LazyFrame
        One row per city for the period and its comparison period (e.g. the
        same months a year before).
    indicator : str
        Column compared, e.g. ``"composite_index"``.
    by, groups, entity, lower_is_better, allow_mixed_editions
        As :func:`rank_cities`; ``by`` columns are taken from ``current``.
    relative : bool, optional
        True: change in percent of the previous value, (cur − prev)/prev × 100
        [%]; False: difference cur − prev [unit of the indicator, percentage
        points for ratios]. Default: difference for ``good_day_ratio``,
        relative otherwise (the 变化幅度 of the composite index in the rankings).
    decimals : int, None or "reporting"
        Rounding of both period values before the change (the change is
        computed from the published figures, HJ 663 precision and GB/T 8170
        half to even), as in :func:`rank_cities`.
    change_decimals : int or None, default 1
        Rounding of the change before ranking (a presentation choice, not a
        regulatory number); None ranks the unrounded change.
    exclude_from_worst : str, optional
        A boolean column of ``current`` (e.g. ``"attains"``): its true rows keep
        their ``rank`` but have no ``rank_from_worst``, and the others are ranked
        from the worst among themselves (``n_worst_ranked``). 《城市环境空气质量变化程度
        排名方案》 (环办监测函〔2017〕197号) leaves cities whose pollutants all meet
        class 2 in the period out of the worsening ranking. Default: none excluded.

    Returns
    -------
    DataFrame or LazyFrame
        ``by``/``group``, ``entity``, ``<indicator>`` (current, rounded),
        ``<indicator>_previous``, ``change``, ``change_unit`` (``"%"`` or
        ``"difference"``), the edition columns of both periods, and the rank
        columns of :func:`rank_cities` computed on ``change``: a larger
        improvement ranks first (more negative change when lower is better).
        Cities missing from either period, or with a previous value of 0 for
        a relative change, are unranked.
        With ``exclude_from_worst``: ``worst_excluded`` (bool) and
        ``n_worst_ranked`` (the cities ranked from the worst).

    Raises
    ------
    IndicatorInputError
        Different editions between or within the periods (unless allowed).

    Examples
    --------
    >>> cur = pl.DataFrame({"city": ["甲", "乙"], "composite_index": [4.00, 3.00]})
    >>> prev = pl.DataFrame({"city": ["甲", "乙"], "composite_index": [5.00, 3.30]})
    >>> rank_change(cur, prev, "composite_index").select("city", "change", "rank").rows()
    [('甲', -20.0, 1), ('乙', -9.1, 2)]
    """
    cur, was_lazy = to_lazy(current, name="current")
    prev, _ = to_lazy(previous, name="previous")
    cur = cur.with_columns(_group_expr(groups, entity))
    keys = _keys(by) + (["group"] if groups is not None else [])
    require_columns(cur.collect_schema(), [entity, indicator, *keys], name="current")
    prev_schema = prev.collect_schema()
    require_columns(prev_schema, [entity, indicator], name="previous")
    lower = _direction(indicator, lower_is_better)
    dec = _reporting_decimals(indicator, decimals)
    rel = (indicator not in _POINT_CHANGE) if relative is None else relative
    _check_editions(cur, keys, allow_mixed_editions, name="current")
    _check_editions(prev, [], allow_mixed_editions, name="previous")
    _check_unique(cur, [*keys, entity], name="current")
    _check_unique(prev, [entity], name="previous")
    cur_schema = cur.collect_schema()
    ed_cols = [c for c in EDITION_COLUMNS if c in cur_schema and c in prev_schema]
    if not allow_mixed_editions:
        for c in ed_cols:
            a = cur.select(pl.col(c).drop_nulls().unique()).collect()[c].to_list()
            b = prev.select(pl.col(c).drop_nulls().unique()).collect()[c].to_list()
            if set(a) != set(b):
                raise IndicatorInputError(
                    "the two periods were evaluated under different editions; recompute the "
                    "comparison period under the same edition (see compare_editions) or pass "
                    "allow_mixed_editions=True",
                    file="previous",
                    column=c,
                    expected=f"{sorted(a)} (the current period's)",
                    found=sorted(b),
                )

    def _value(col: str) -> pl.Expr:
        v = pl.col(col).cast(pl.Float64).fill_nan(None)
        return v.round(dec, mode="half_to_even") if dec is not None else v

    prev_sel = prev.select(
        pl.col(entity),
        _value(indicator).alias(f"{indicator}_previous"),
        *[pl.col(c).alias(f"{c}_previous") for c in ed_cols],
    )
    if exclude_from_worst is not None:
        require_columns(cur_schema, [exclude_from_worst], name="current")
    excluded = (
        [pl.col(exclude_from_worst).fill_null(False).alias("worst_excluded")]
        if exclude_from_worst is not None
        else []
    )
    joined = cur.select(
        *keys,
        pl.col(entity),
        _value(indicator).alias(indicator),
        *[c for c in EDITION_COLUMNS if c in cur_schema],
        *excluded,
    ).join(prev_sel, on=entity, how="left")
    p = pl.col(f"{indicator}_previous")
    diff = pl.col(indicator) - p
    change = pl.when(p != 0).then(diff / p * 100.0).otherwise(None) if rel else diff
    if change_decimals is not None:
        change = change.round(change_decimals, mode="half_to_even")
    joined = joined.with_columns(
        change.alias("change"),
        pl.lit("%" if rel else "difference").alias("change_unit"),
        pl.lit(indicator).alias("indicator"),
        pl.lit(lower).alias("lower_is_better"),
    ).with_columns(pl.col("change").alias("rank_value"))
    ranked = _rank_block(joined, "rank_value", keys, lower, entity)
    if exclude_from_worst is not None:
        ranked = _exclude_from_worst(ranked, keys, lower, entity)
    return finish(ranked, was_lazy)


def _exclude_from_worst(
    ranked: pl.LazyFrame, keys: list[str], lower: bool, entity: str
) -> pl.LazyFrame:
    """``rank_from_worst`` among the rows not flagged ``worst_excluded`` (the others: null)."""
    v = pl.when(~pl.col("worst_excluded")).then(pl.col("rank_value"))

    def within(expr: pl.Expr) -> pl.Expr:
        return expr.over(keys) if keys else expr

    return ranked.with_columns(
        rank_from_worst=within(v.rank(method="min", descending=lower)).cast(pl.Int64),
        n_worst_ranked=within(v.count()).cast(pl.Int64),
    ).sort([*keys, "rank", entity], nulls_last=True)


def best_and_worst(ranked: Frame | Any, n: int = 20) -> Frame:
    """Select the best and the worst ``n`` of a ranking (前N名 / 后N名), ties at the cut included.

    Parameters
    ----------
    ranked : DataFrame or LazyFrame
        Output of :func:`rank_cities` or :func:`rank_change`.
    n : int, default 20
        How many from each end.

    Returns
    -------
    DataFrame or LazyFrame
        The rows with ``rank <= n`` (``end = "best"``, by rank) followed by
        the rows with ``rank_from_worst <= n`` (``end = "worst"``, worst
        first). Competition ranking puts every city tied at the cut inside it,
        so a list can be longer than ``n``; a city can be in both lists when
        fewer than 2n cities are ranked. Unranked cities are in neither.

    Notes
    -----
    Standard: the ranking rules (《城市环境空气质量排名技术规定》, which cites HJ
    633 and HJ 663) rank by the composite index; the 并列 rule and the cut
    with ties are the documented choices of this module (UNVERIFIED text).

    Examples
    --------
    >>> s = pl.DataFrame({"city": list("ABCDE"), "PM2.5": [30.0, 31, 31, 40, 45]})
    >>> bw = best_and_worst(rank_cities(s, "PM2.5"), n=2)
    >>> bw.select("end", "city", "rank_label").rows()  # doctest: +NORMALIZE_WHITESPACE
    [('best', 'A', '1'), ('best', 'B', '2（并列）'), ('best', 'C', '2（并列）'),
     ('worst', 'E', '5'), ('worst', 'D', '4')]
    """
    if n < 1:
        raise IndicatorInputError("n must be positive", column="n", expected=">= 1", found=n)
    lf, was_lazy = to_lazy(ranked, name="ranked")
    require_columns(lf.collect_schema(), ["rank", "rank_from_worst"], name="ranked")
    best = lf.filter(pl.col("rank") <= n).with_columns(pl.lit("best").alias("end"))
    worst = (
        lf.filter(pl.col("rank_from_worst") <= n)
        .sort("rank_from_worst", maintain_order=True)
        .with_columns(pl.lit("worst").alias("end"))
    )
    out = pl.concat([best, worst]).select("end", pl.all().exclude("end"))
    return finish(out, was_lazy)


#: Figures :func:`compare_editions` puts side by side (those present in the summary).
COMPARED_INDICATORS: tuple[str, ...] = (
    "valid_days",
    "good_days",
    "excellent_days",
    "heavy_days",
    "good_day_ratio",
    "SO2",
    "NO2",
    "PM10",
    "PM2.5",
    "CO_P95",
    "O3_MDA8_P90",
    "composite_index",
    "attains",
)


def _edition_tag(edition: str) -> str:
    return edition.rsplit("-", 1)[-1]


def compare_editions(
    hourly: Frame | Any,
    stations: Frame | Any,
    start: str | date,
    end: str | date,
    *,
    level: Literal["city", "station"] = "city",
    editions: tuple[str, str] = _LAST_TWO_EDITIONS,
    companion_limits: bool = True,
    entity: str | None = None,
) -> Frame:
    """Evaluate one period under two HJ 633 editions, side by side (标准修订影响对比).

    Lives here, beside the ranking functions, because rankings refuse to mix
    editions: this is the sanctioned way to put two editions next to each
    other, so that the change caused by the 2026 revision (breakpoints, the
    O3 1-h maximum leaving the daily AQI, pre-rounding, tighter PM limits) is
    separated from real change in air quality.

    Parameters
    ----------
    hourly : DataFrame or LazyFrame
        Tidy station-hours (see :mod:`indicators.glossary`).
    stations : DataFrame or LazyFrame
        Station list (``station``, ``city``, ``background``).
    start, end : str or date
        First and last natural day of the period (inclusive).
    level : {"city", "station"}, default "city"
        Daily AQI level (``air.daily_aqi``).
    editions : tuple of two str, default ("HJ 633-2012", "HJ 633-2026")
        The daily AQI is computed under each, forced for every day
        (``air.daily_aqi(..., edition=...)``).
    companion_limits : bool, default True
        Evaluate each edition against its companion GB 3095 edition
        (:data:`indicators.standards.COMPANIONS`: GB 3095-2012 with HJ 633-2012,
        GB 3095-2026 transitional with HJ 633-2026), so the comparison shows
        the whole 2026 revision; False uses the GB 3095 edition in force on
        ``end`` for both (isolates the AQI change).
    entity : str, optional
        Key column; default ``city`` (``station`` for station level).

    Returns
    -------
    DataFrame or LazyFrame
        One row per city: ``city``, ``start``, ``end``, and for each figure of
        :data:`COMPARED_INDICATORS` ``<figure>_<tag>`` for both editions
        (``tag`` = the edition year, e.g. ``good_day_ratio_2012`` and
        ``good_day_ratio_2026``) and ``<figure>_diff`` (second − first; not
        for ``attains``), plus ``aqi_edition_<tag>`` and
        ``limits_edition_<tag>``. Figures are those of ``air.evaluate_period``
        (rounded as published; the difference is of the published figures).

    Examples
    --------
    >>> from datetime import datetime, timedelta
    >>> t = [datetime(2025, 7, 1, 1) + timedelta(hours=h) for h in range(24)]
    >>> h = pl.DataFrame({"station": "S1", "time": t, "SO2": 10.0, "NO2": 30.0,
    ...     "PM10": 60.0, "CO": 0.8, "O3": 80.0, "PM2.5": 40.0})
    >>> st = pl.DataFrame({"station": ["S1"], "city": ["X"], "background": [False]})
    >>> ce = compare_editions(h, st, "2025-07-01", "2025-07-01")
    >>> ce.select("composite_index_2012", "composite_index_2026", "composite_index_diff").row(0)
    (3.62, 3.95, 0.33)

    The same air, ranked 0.33 worse: under GB 3095-2026 the PM2.5 and PM10
    annual limits fall from 35 and 70 to 30 and 60 ug/m3 (40/30 + 60/60 against
    40/35 + 60/70).
    """
    from . import air

    if len(editions) != 2 or editions[0] == editions[1]:
        raise IndicatorInputError(
            "two different editions are needed",
            column="editions",
            expected="two HJ 633 editions",
            found=editions,
        )
    for ed in editions:
        if standards.resolve_edition("HJ 633", ed) == "auto":
            raise IndicatorInputError(
                "editions must be named, not 'auto'",
                column="editions",
                expected=f"one of {standards.edition_names('HJ 633')}",
                found=ed,
            )
    key = entity or ("city" if level == "city" else "station")
    hourly, origin = native(hourly, name="hourly")
    stations, _ = native(stations, name="stations")
    tags = [_edition_tag(ed) for ed in editions]
    if tags[0] == tags[1]:
        tags = list(editions)
    parts = []
    for ed, tag in zip(editions, tags, strict=True):
        daily = air.daily_aqi(hourly, stations=stations, level=level, edition=ed)
        limits = standards.COMPANIONS[ed]["GB 3095"] if companion_limits else "auto"
        summary = air.evaluate_period(daily, start=start, end=end, by=key, limits=limits)
        summary = summary.collect() if isinstance(summary, pl.LazyFrame) else summary
        keep = [c for c in COMPARED_INDICATORS if c in summary.columns]
        parts.append(
            summary.select(
                key,
                "start",
                "end",
                *[pl.col(c).alias(f"{c}_{tag}") for c in keep],
                *[
                    pl.col(c).alias(f"{c}_{tag}")
                    for c in ("aqi_edition", "limits_edition")
                    if c in summary.columns
                ],
            )
        )
    first, second = parts
    out = first.join(second.drop("start", "end"), on=key, how="full", coalesce=True)
    shared = [
        c
        for c in COMPARED_INDICATORS
        if f"{c}_{tags[0]}" in out.columns and f"{c}_{tags[1]}" in out.columns
    ]
    diffs = [
        (pl.col(f"{c}_{tags[1]}") - pl.col(f"{c}_{tags[0]}")).round(9).alias(f"{c}_diff")
        for c in shared
        if c != "attains"
    ]
    ordered = [key, "start", "end"]
    for c in shared:
        ordered += [f"{c}_{tags[0]}", f"{c}_{tags[1]}"] + ([f"{c}_diff"] if c != "attains" else [])
    out = out.with_columns(diffs)
    rest = [c for c in out.columns if c not in ordered]
    out = out.select(*ordered, *rest).sort(key)
    return finish(out, origin)


def city_sets() -> pl.DataFrame:
    """The official city sets cities are ranked among (table ``ranking_city_sets``).

    The 168 key cities of MEE's monthly ranking, 京津冀及周边 "2+26", 长三角 41 and
    汾渭平原 11, one row per set and city with ``set`` (code), ``set_zh``,
    ``set_en``, ``set_size`` (the official number of cities), ``province``,
    ``city``, the document and clause that define the set, and ``verification``
    (how well the membership is verified: the 168 list is WEAK, the 长三角 list
    INFERRED, part of 汾渭平原 UNVERIFIED; the reports mark such sets).
    Sets of 《城市环境空气质量排名技术规定》 (环办〔2014〕64号) as MEE applies it, and
    the key regions of 国发〔2018〕22号.

    Returns
    -------
    polars.DataFrame

    Examples
    --------
    >>> sets = city_sets()
    >>> sets.group_by("set").len().sort("set").rows()
    [('fenwei_11', 11), ('jjj_2p26', 28), ('key_168', 168), ('yrd_41', 41)]
    """
    return standards.table("ranking_city_sets")


def rank_in_sets(
    summary: Frame | Any,
    city: str,
    indicator: str = "composite_index",
    *,
    provinces: Mapping[str, str] | None = None,
    lower_is_better: bool | None = None,
    allow_mixed_editions: bool = False,
) -> Frame:
    """The rank of one city within each official city set it belongs to (and its province).

    Each set of :func:`city_sets` that lists ``city`` is ranked with
    :func:`rank_cities` (same rounding, 并列 ties and direction) among the set's
    cities that ``summary`` holds. A rank among fewer cities than the set has
    is a rank among those in the data, and the result says so (``n_ranked``
    against ``set_size``).

    Parameters
    ----------
    summary : DataFrame or LazyFrame
        One row per city (``city`` and ``indicator`` columns), e.g.
        :func:`indicators.air.evaluate_period` of every city of a folder.
    city : str
        The city whose ranks are wanted.
    indicator : str, default "composite_index"
        Column to rank (see :func:`rank_cities`).
    provinces : mapping, optional
        ``{city: province}`` for the provincial ranking (the cities of the
        city's province in ``summary``); no provincial row without it, nor for a
        province of one city (a municipality such as 北京).
    lower_is_better : bool, optional
        Direction (default :data:`LOWER_IS_BETTER`).
    allow_mixed_editions : bool
        As :func:`rank_cities`.

    Returns
    -------
    DataFrame or LazyFrame
        One row per set containing ``city``: ``set``, ``set_zh``, ``set_en``,
        ``set_size`` (official number of cities; for the province the number in
        ``provinces``), ``n_in_data`` (cities of the set in ``summary``),
        ``n_ranked`` (those with a value), ``rank``, ``rank_from_worst``,
        ``tied``, ``rank_label``, ``rank_value``, ``complete`` (every city of
        the set ranked) and ``verification`` (the weakest membership
        verification of the set's rows).

    Notes
    -----
    Ranking by the comprehensive index among the 168 key cities and the key
    regions: 《城市环境空气质量排名技术规定》 (环办〔2014〕64号; revised 2018,
    number UNVERIFIED), MEE monthly releases; set lists in ``ranking_city_sets``.

    Examples
    --------
    >>> s = pl.DataFrame({"city": ["北京", "天津", "石家庄"], "composite_index": [4.2, 4.8, 5.6]})
    >>> r = rank_in_sets(s, "天津")
    >>> r.select("set", "rank", "n_ranked", "set_size", "complete").rows()
    [('jjj_2p26', 2, 3, 28, False), ('key_168', 2, 3, 168, False)]
    """
    lf, was_lazy = to_lazy(summary, name="summary")
    df = lf.collect()
    require_columns(df.schema, ["city", indicator], name="summary")
    mine = _set_rank_rows(df, indicator, provinces, lower_is_better, allow_mixed_editions, city)
    return finish(mine.drop("city").lazy(), was_lazy)


def ranks_in_sets(
    summary: Frame | Any,
    indicator: str = "composite_index",
    *,
    provinces: Mapping[str, str] | None = None,
    lower_is_better: bool | None = None,
    allow_mixed_editions: bool = False,
) -> Frame:
    """Every city's rank within each official city set it belongs to (and its province).

    :func:`rank_in_sets` of every city of ``summary`` at once: each set is ranked
    once (环办〔2014〕64号 ranking rules, ``ranking_city_sets``).

    Parameters
    ----------
    summary, indicator, provinces, lower_is_better, allow_mixed_editions
        As :func:`rank_in_sets`.

    Returns
    -------
    DataFrame or LazyFrame
        ``city`` then the columns of :func:`rank_in_sets`, one row per city and set
        that lists it (cities of ``summary`` only), by set then rank.

    Examples
    --------
    >>> s = pl.DataFrame({"city": ["北京", "天津", "石家庄"], "composite_index": [4.2, 4.8, 5.6]})
    >>> r = ranks_in_sets(s).filter(pl.col("set") == "jjj_2p26")
    >>> r.select("city", "rank").rows()
    [('北京', 1), ('天津', 2), ('石家庄', 3)]
    """
    lf, was_lazy = to_lazy(summary, name="summary")
    df = lf.collect()
    require_columns(df.schema, ["city", indicator], name="summary")
    rows = _set_rank_rows(df, indicator, provinces, lower_is_better, allow_mixed_editions)
    return finish(rows.lazy(), was_lazy)


_SET_RANK_SCHEMA: dict[str, Any] = {
    "city": pl.String, "set": pl.String, "set_zh": pl.String, "set_en": pl.String,
    "set_size": pl.Int64, "n_in_data": pl.Int64, "n_ranked": pl.Int64, "rank": pl.Int64,
    "rank_from_worst": pl.Int64, "tied": pl.Boolean, "rank_label": pl.String,
    "rank_value": pl.Float64, "complete": pl.Boolean, "verification": pl.String,
}  # fmt: skip


def _set_rank_rows(
    df: pl.DataFrame,
    indicator: str,
    provinces: Mapping[str, str] | None,
    lower_is_better: bool | None,
    allow_mixed_editions: bool,
    only: str | None = None,
) -> pl.DataFrame:
    """The rows of :func:`ranks_in_sets` (of the sets listing ``only`` when given)."""
    out = []
    for code, _, meta, cities, weakest in _set_groups(provinces):
        if only is not None and only not in cities:
            continue
        part = df.filter(pl.col("city").is_in(cities))
        if part.is_empty():
            continue
        ranked = rank_cities(
            part,
            indicator,
            lower_is_better=lower_is_better,
            allow_mixed_editions=allow_mixed_editions,
        )
        if only is not None:
            ranked = ranked.filter(pl.col("city") == only)
        size = int(meta["set_size"])
        out.append(
            ranked.sort("rank", "city", nulls_last=True).select(
                "city",
                set=pl.lit(code),
                set_zh=pl.lit(meta["set_zh"]),
                set_en=pl.lit(meta["set_en"]),
                set_size=pl.lit(size, pl.Int64),
                n_in_data=pl.lit(part.height, pl.Int64),
                n_ranked="n_ranked",
                rank="rank",
                rank_from_worst="rank_from_worst",
                tied="tied",
                rank_label="rank_label",
                rank_value="rank_value",
                complete=pl.col("n_ranked") == size,
                verification=pl.lit(weakest),
            )
        )
    if not out:
        return pl.DataFrame(schema=_SET_RANK_SCHEMA)
    return pl.concat([o.cast(_SET_RANK_SCHEMA) for o in out])


#: The lists of :func:`set_lists`, in the order MEE publishes them: best and worst by the
#: index, best and worst by its change.
SET_LISTS: tuple[str, ...] = ("best", "worst", "change_best", "change_worst")

#: Cities at each end of an official list ("第1名至第20名", "倒数第1名至倒数第20名").
SET_LIST_SIZE = 20

_SET_LIST_SCHEMA: dict[str, Any] = {
    "set": pl.String, "province": pl.String, "set_zh": pl.String, "set_en": pl.String,
    "set_size": pl.Int64, "n_in_data": pl.Int64, "verification": pl.String,
    "list": pl.String, "n_ranked": pl.Int64, "rank": pl.Int64, "tied": pl.Boolean,
    "city": pl.String, "value": pl.Float64, "current": pl.Float64, "previous": pl.Float64,
}  # fmt: skip


def _set_groups(
    provinces: Mapping[str, str] | None,
) -> list[tuple[str, str | None, dict[str, Any], list[str], str]]:
    """(code, province, meta, cities, weakest verification) of every official set and province."""
    sets = city_sets()
    groups = []
    for code in sorted(sets["set"].unique().to_list()):
        table = sets.filter(pl.col("set") == code)
        found = table["verification"].to_list()
        weakest = next((v for v in found if not v.startswith("VERIFIED")), found[0])
        groups.append((code, None, table.row(0, named=True), table["city"].to_list(), weakest))
    for own in sorted(set((provinces or {}).values())):
        cities = [c for c, p in (provinces or {}).items() if p == own]
        if len(cities) < 2:  # a municipality (北京, 上海 ...): no ranking of one city
            continue
        meta = {"set_zh": f"{own}（省内）", "set_en": f"{own} (province)", "set_size": len(cities)}
        groups.append(("province", own, meta, cities, "VERIFIED"))
    return groups


def set_lists(
    summary: Frame | Any,
    previous: Frame | Any | None = None,
    indicator: str = "composite_index",
    *,
    provinces: Mapping[str, str] | None = None,
    n: int = SET_LIST_SIZE,
    exclude_from_worst: str | None = "attains",
    allow_mixed_editions: bool = False,
) -> pl.DataFrame:
    """The best and worst ``n`` of every official city set and province, by index and by change.

    For each set of :func:`city_sets` (and each province of ``provinces``) with a
    city in ``summary``: the best ``n`` (``list = "best"``, "第1名至第20名") and the
    worst ``n`` (``"worst"``, "倒数第1名至倒数第20名") by ``indicator``
    (:func:`rank_cities`: published precision, competition ranks, 并列), and with
    ``previous`` the same by its change rate (``"change_best"``,
    ``"change_worst"``; :func:`rank_change`, 1 decimal), the cities of
    ``exclude_from_worst`` left out of the worsening list. Cities are ranked
    among those of the set that ``summary`` holds. A list ends at a rank, so
    every city tied at the cut is in it: a list of ``n`` can end at a shared
    rank below ``n`` ("并列第19名") or hold more than ``n`` cities.

    Parameters
    ----------
    summary : DataFrame or LazyFrame
        One row per city (``city``, ``indicator``, and ``exclude_from_worst`` when
        it is used and present).
    previous : DataFrame or LazyFrame, optional
        The comparison period (``city``, ``indicator``); no change lists without it.
    indicator : str, default "composite_index"
        Figure ranked.
    provinces : mapping, optional
        ``{city: province}``: one more set per province of two or more cities.
    n : int, default 20
        Cities at each end.
    exclude_from_worst : str or None, default "attains"
        Boolean column of ``summary``: true rows are left out of the worsening
        list (《城市环境空气质量变化程度排名方案》: cities whose pollutants all meet
        class 2); ignored when ``summary`` lacks it.
    allow_mixed_editions : bool
        As :func:`rank_cities`.

    Returns
    -------
    polars.DataFrame
        One row per set, list and listed city, in list order: ``set``,
        ``province`` (null for an official set), ``set_zh``, ``set_en``,
        ``set_size``, ``n_in_data``, ``verification``, ``list``, ``n_ranked``
        (cities ranked in that list; the worsening list without the excluded),
        ``rank`` (from the best, or from the worst for the worst lists),
        ``tied``, ``city``, ``value`` (the ranked value: the index, or the change
        [%]), ``current`` and ``previous`` (the index of both periods; null
        ``previous`` in the index lists).

    Notes
    -----
    Lists as MEE's monthly releases lay them out under 《城市环境空气质量排名技术规定》
    (环办〔2014〕64号) and 《城市环境空气质量变化程度排名方案》 (环办监测函〔2017〕197号);
    set lists in ``ranking_city_sets``.

    Examples
    --------
    >>> s = pl.DataFrame({"city": ["北京", "天津", "石家庄"], "composite_index": [4.2, 4.8, 4.8]})
    >>> got = set_lists(s, n=1).filter(pl.col("set") == "jjj_2p26")
    >>> got.select("list", "rank", "tied", "city").rows()
    [('best', 1, False, '北京'), ('worst', 1, True, '天津'), ('worst', 1, True, '石家庄')]
    """
    if n < 1:
        raise IndicatorInputError("n must be positive", column="n", expected=">= 1", found=n)
    df = to_lazy(summary, name="summary")[0].collect()
    require_columns(df.schema, ["city", indicator], name="summary")
    prev = None if previous is None else to_lazy(previous, name="previous")[0].collect()
    exclude = exclude_from_worst if exclude_from_worst in df.columns else None
    out = []
    for code, province, meta, cities, weakest in _set_groups(provinces):
        part = df.filter(pl.col("city").is_in(cities))
        if part.is_empty():
            continue
        head = {
            "set": code, "province": province, "set_zh": meta["set_zh"],
            "set_en": meta["set_en"], "set_size": int(meta["set_size"]),
            "n_in_data": part.height, "verification": weakest,
        }  # fmt: skip
        ranked = rank_cities(
            part.drop(exclude) if exclude else part,
            indicator,
            allow_mixed_editions=allow_mixed_editions,
        )
        lists = {
            "best": (ranked, "rank", "n_ranked"),
            "worst": (ranked, "rank_from_worst", "n_ranked"),
        }
        if prev is not None:
            change = rank_change(
                part,
                prev,
                indicator,
                allow_mixed_editions=allow_mixed_editions,
                exclude_from_worst=exclude,
            )
            worst_n = "n_worst_ranked" if exclude else "n_ranked"
            lists["change_best"] = (change, "rank", "n_ranked")
            lists["change_worst"] = (change, "rank_from_worst", worst_n)
        for name, (frame, rank, count) in lists.items():
            chosen = frame.filter(pl.col(rank) <= n).sort(rank, "city")
            is_change = name.startswith("change")
            for r in chosen.iter_rows(named=True):
                out.append(
                    {
                        **head,
                        "list": name,
                        "n_ranked": r[count],
                        "rank": r[rank],
                        "city": r["city"],
                        "value": r["rank_value"],
                        "current": r[indicator] if is_change else r["rank_value"],
                        "previous": r[f"{indicator}_previous"] if is_change else None,
                    }
                )
    result = pl.DataFrame(out, schema={k: v for k, v in _SET_LIST_SCHEMA.items() if k != "tied"})
    result = result.with_columns(tied=pl.len().over("set", "province", "list", "rank") > 1).select(
        list(_SET_LIST_SCHEMA)
    )
    return result
