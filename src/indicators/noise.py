"""Environmental noise (声环境质量): GB 3096-2008 limits and HJ 640-2012 evaluation.

Three kinds of routine monitoring, each a frame in and a frame out:

- functional-area monitoring (功能区声环境监测): one row per point-time with
  ``point``, ``functional_class`` (``0``, ``1``, ``2``, ``3``, ``4a``, ``4b``),
  ``leq_day`` and ``leq_night`` [dB(A)] and any time or place columns (``city``,
  ``year``, ``quarter``); :func:`functional_area_compliance` and
  :func:`compliance_rate`;
- regional environmental noise (区域声环境): one row per grid point with
  ``leq_day`` (and ``leq_night`` where measured); :func:`regional_mean_leq`;
- road traffic noise (道路交通声环境): one row per road section with
  ``length_km``, ``leq_day`` (and ``leq_night``); :func:`traffic_mean_leq`.

Hourly Leq can be combined into day and night Leq with :func:`day_night_leq`
(day 06:00-22:00, night 22:00-06:00 unless local hours are given).

Tables: ``noise_limits`` (GB 3096-2008 Table 1), ``noise_grades`` (HJ 640-2012
grades 1-5, 好 ... 差, with closure columns) and ``noise_rules`` (day/night
hours, reporting precision).

Decisions on UNVERIFIED items
-----------------------------
- A point-time complies when its Leq <= the class limit (provincial reports N4,
  N5; the HJ 640 wording is UNVERIFIED).
- Grades: upper bounds inclusive (``Leq <= 50.0`` is grade 1, ``50.0 < Leq <=
  55.0`` grade 2, ...), as in the two code sources (N2, N3).
- The city regional mean is the equal-weight mean of the grid points; the road
  traffic mean is weighted by section length (both UNVERIFIED). Means are
  rounded to 0.1 dB(A) and graded on the rounded value.

Examples
--------
>>> limit("4a", "night")
55
>>> grade("regional", "day", 56.3)
3
>>> grade_label(3)
'一般'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import polars as pl

from . import standards
from ._frames import (
    Frame,
    finish,
    first_bad_row,
    float_columns,
    key_list,
    ordered_mean,
    ordered_sum,
    require_columns,
    to_lazy,
)
from .errors import IndicatorInputError
from .standards import table
from .validation.noise import (
    validate_functional_monitoring,
    validate_regional,
    validate_traffic,
)

__all__ = [
    "CLASSES",
    "GB3096",
    "HJ640",
    "compliance_rate",
    "day_night_leq",
    "functional_area_compliance",
    "grade",
    "grade_expr",
    "grade_label",
    "limit",
    "regional_mean_leq",
    "traffic_mean_leq",
    "validate_functional_monitoring",
    "validate_regional",
    "validate_traffic",
]

#: Standards keys.
GB3096 = standards.newest_edition("GB 3096")
HJ640 = standards.newest_edition("HJ 640")

#: Functional-area classes of GB 3096-2008, in the order of its Table 1.
CLASSES: tuple[str, ...] = ("0", "1", "2", "3", "4a", "4b")

_PERIODS = ("day", "night")
_KINDS = ("regional", "traffic")

By = str | Sequence[str] | None


def _rule(name: str) -> float:
    return float(table("noise_rules").filter(pl.col("rule") == name)["value"].item())


def _check_period(period: str) -> str:
    if period not in _PERIODS:
        raise IndicatorInputError(
            "unknown period", column="period", expected="'day' or 'night'", found=period
        )
    return period


def _limits(standard: str) -> pl.DataFrame:
    t = table("noise_limits").filter(pl.col("standard") == standard)
    if t.is_empty():
        raise IndicatorInputError(
            "unknown noise-limit edition",
            column="standard",
            expected=f"one of {table('noise_limits')['standard'].unique().to_list()}",
            found=standard,
        )
    return t


def _grades(kind: str, period: str, standard: str) -> pl.DataFrame:
    if kind not in _KINDS:
        raise IndicatorInputError(
            "unknown noise kind", column="kind", expected=f"one of {list(_KINDS)}", found=kind
        )
    _check_period(period)
    t = table("noise_grades").filter(
        (pl.col("standard") == standard) & (pl.col("kind") == kind) & (pl.col("period") == period)
    )
    if t.is_empty():
        raise IndicatorInputError(
            "unknown noise-grade edition",
            column="standard",
            expected=f"one of {table('noise_grades')['standard'].unique().to_list()}",
            found=standard,
        )
    return t.sort("grade")


def limit(functional_class: str | int, period: str, *, standard: str = GB3096) -> int:
    """Environmental noise limit of a functional-area class (环境噪声限值).

    Parameters
    ----------
    functional_class : str or int
        ``0``, ``1``, ``2``, ``3``, ``4a``, ``4b`` (or ``railway_existing``, the
        background limit beside existing railway trunk lines).
    period : {'day', 'night'}
        昼间 06:00-22:00 or 夜间 22:00-06:00.
    standard : str
        Edition key, ``GB 3096-2008``.

    Returns
    -------
    int
        Limit of the equivalent continuous A-weighted sound level [dB(A)].

    Notes
    -----
    GB 3096-2008 Table 1: 0 50/40, 1 55/45, 2 60/50, 3 65/55, 4a 70/55,
    4b 70/60 (day/night). A Leq equal to the limit complies.

    Examples
    --------
    >>> limit("4a", "night")
    55
    >>> limit(2, "day")
    60
    """
    _check_period(period)
    cls = str(functional_class).strip().lower()
    rows = _limits(standard).filter(
        (pl.col("functional_class") == cls) & (pl.col("period") == period)
    )
    if rows.height != 1:
        known = _limits(standard)["functional_class"].unique(maintain_order=True).to_list()
        raise IndicatorInputError(
            "unknown functional-area class",
            column="functional_class",
            expected=f"one of {known}",
            found=functional_class,
        )
    return int(rows["limit"].item())


def grade_expr(
    kind: Literal["regional", "traffic"],
    period: Literal["day", "night"],
    leq: str | pl.Expr,
    *,
    standard: str = HJ640,
) -> pl.Expr:
    """Expression: HJ 640-2012 grade (1 好 ... 5 差) of a mean Leq per row.

    Parameters
    ----------
    kind : {'regional', 'traffic'}
        Regional environmental noise or road traffic noise.
    period : {'day', 'night'}
        Day or night.
    leq : str or polars.Expr
        Column (or expression) of mean Leq [dB(A)].
    standard : str
        Edition key, ``HJ 640-2012``.

    Returns
    -------
    polars.Expr
        Int64 grade 1-5 named ``grade``; null where the Leq is null or NaN.

    Notes
    -----
    Upper bounds inclusive (table ``noise_grades``, column ``upper_closed``).
    The value is graded as given: round it first if the report grades a rounded
    mean (the frame functions here do).

    Examples
    --------
    >>> df = pl.DataFrame({"L": [68.0, 68.1, 74.0, 74.1, None]})
    >>> df.select(grade_expr("traffic", "day", "L"))["grade"].to_list()
    [1, 2, 4, 5, None]
    """
    rows = _grades(kind, period, standard).to_dicts()
    v = (pl.col(leq) if isinstance(leq, str) else leq).cast(pl.Float64).fill_nan(None)
    out = pl.when(v.is_null()).then(pl.lit(None, pl.Int64))
    for r in rows:
        if r["upper"] is None:
            out = out.when(pl.lit(True)).then(pl.lit(r["grade"], pl.Int64))
        else:
            cond = v <= r["upper"] if r["upper_closed"] else v < r["upper"]
            out = out.when(cond).then(pl.lit(r["grade"], pl.Int64))
    return out.otherwise(pl.lit(None, pl.Int64)).alias("grade")


def grade(
    kind: Literal["regional", "traffic"],
    period: Literal["day", "night"],
    leq: float | Sequence[float] | pl.Series,
    *,
    standard: str = HJ640,
) -> int | list[int | None] | pl.Series | None:
    """HJ 640-2012 grade (一级 好 ... 五级 差) of a regional or road-traffic mean Leq.

    Parameters
    ----------
    kind : {'regional', 'traffic'}
        Regional environmental noise (区域) or road traffic noise (道路交通).
    period : {'day', 'night'}
        Day or night.
    leq : float, sequence of float or polars.Series
        Mean Leq [dB(A)].
    standard : str
        Edition key, ``HJ 640-2012``.

    Returns
    -------
    int, list or polars.Series
        Grade 1-5; ``None`` for a missing value. Same shape as ``leq``.

    Notes
    -----
    Regional day: <= 50.0, <= 55.0, <= 60.0, <= 65.0, > 65.0; night: 40, 45,
    50, 55. Traffic day: 68, 70, 72, 74; night: 58, 60, 62, 64. Upper bounds
    inclusive.

    Examples
    --------
    >>> grade("regional", "day", 56.3)
    3
    >>> grade("regional", "night", [40.0, 40.1, 55.0, 55.1])
    [1, 2, 4, 5]
    """
    scalar = not isinstance(leq, pl.Series | list | tuple)
    values = pl.Series("leq", [leq] if scalar else list(leq), dtype=pl.Float64, strict=False)
    frame = pl.DataFrame({"leq": values})
    bad = first_bad_row(frame, pl.col("leq") < 0)
    if bad is not None:
        raise IndicatorInputError(
            "negative sound level", row=bad, column="leq", expected=">= 0", found=values[bad - 1]
        )
    out = frame.select(grade_expr(kind, period, "leq", standard=standard)).to_series()
    if scalar:
        return out[0]
    return out if isinstance(leq, pl.Series) else out.to_list()


def grade_label(
    grade: int | None, *, lang: Literal["zh", "en"] = "zh", standard: str = HJ640
) -> str | None:
    """Label of an HJ 640-2012 grade: 1 好, 2 较好, 3 一般, 4 较差, 5 差.

    Parameters
    ----------
    grade : int or None
        Grade 1-5.
    lang : {'zh', 'en'}
        Chinese label or English (good, fairly good, fair, fairly poor, poor).
    standard : str
        Edition key.

    Returns
    -------
    str or None
        ``None`` for a missing grade.

    Examples
    --------
    >>> grade_label(3), grade_label(5, lang="en")
    ('一般', 'poor')
    """
    if grade is None:
        return None
    labels = _grade_labels(lang, standard)
    if grade not in labels:
        raise IndicatorInputError(
            "unknown grade", column="grade", expected=f"one of {sorted(labels)}", found=grade
        )
    return labels[grade]


def _grade_labels(lang: str, standard: str) -> dict[int, str]:
    if lang not in ("zh", "en"):
        raise IndicatorInputError(
            "unknown language", column="lang", expected="'zh' or 'en'", found=lang
        )
    t = _grades("regional", "day", standard)
    return dict(zip(t["grade"].to_list(), t[f"label_{lang}"].to_list(), strict=True))


def functional_area_compliance(monitoring: Any, *, standard: str = GB3096) -> Frame:
    """Compliance of each point-time with its class limit (功能区达标情况).

    Parameters
    ----------
    monitoring : DataFrame or LazyFrame
        One row per point-time (see :func:`validate_functional_monitoring`).
    standard : str
        Edition of the limits, ``GB 3096-2008``.

    Returns
    -------
    DataFrame or LazyFrame
        The input plus ``limit_day``, ``limit_night`` [dB(A)], ``compliant_day``
        and ``compliant_night`` (Leq <= limit; null where the Leq is missing, so
        that point-time is not counted as monitored).

    Notes
    -----
    GB 3096-2008 Table 1 limits; compliance Leq <= limit (inclusive), as in the
    provincial reports that cite GB 3096-2008 and HJ 640-2012 (N4, N5). Leq is
    compared as given, without rounding.

    Examples
    --------
    >>> m = pl.DataFrame({"point": ["N1", "N2"], "functional_class": ["4a", "1"],
    ...     "leq_day": [70.0, 55.1], "leq_night": [55.1, None]})
    >>> functional_area_compliance(m).select("compliant_day", "compliant_night").rows()
    [(True, False), (False, None)]
    """
    lf, was_lazy = to_lazy(monitoring, name="monitoring")
    df = validate_functional_monitoring(lf.collect(), standard=standard)
    lim = (
        _limits(standard)
        .pivot("period", index="functional_class", values="limit")
        .select(
            "functional_class",
            pl.col("day").cast(pl.Float64).alias("limit_day"),
            pl.col("night").cast(pl.Float64).alias("limit_night"),
        )
    )
    out = df.join(lim, on="functional_class", how="left", maintain_order="left").with_columns(
        compliant_day=pl.col("leq_day") <= pl.col("limit_day"),
        compliant_night=pl.col("leq_night") <= pl.col("limit_night"),
    )
    return finish(out.lazy(), was_lazy)


def compliance_rate(
    monitoring: Any, *, by: By = None, per_class: bool = True, standard: str = GB3096
) -> Frame:
    """Functional-area compliance rate, day and night (功能区声环境质量达标率).

    Parameters
    ----------
    monitoring : DataFrame or LazyFrame
        One row per point-time (``point``, ``functional_class``, ``leq_day``,
        ``leq_night``).
    by : str or list of str, optional
        Grouping columns (e.g. ``["city", "year"]``).
    per_class : bool
        One row per class (in GB 3096 order) and a total row with
        ``functional_class = 'all'``; ``False``: the total row only.
    standard : str
        Edition of the limits.

    Returns
    -------
    DataFrame or LazyFrame
        ``n_monitored_day``, ``n_compliant_day``, ``compliance_rate_day``
        [percent, 0.1], and the same for night. Null rate where nothing was
        monitored.

    Notes
    -----
    Rate = compliant point-times (达标点次) / monitored point-times (监测点次) x 100,
    separately for day and night (noise_notes.md; Hunan 2020-Q4: 131 of 143 day
    point-times = 91.6%, 112 of 143 night = 78.3%). A point-time with a missing
    Leq is not monitored for that period. Rounded half to even to 0.1.

    Examples
    --------
    >>> m = pl.DataFrame({"point": ["N1", "N2", "N3", "N4"],
    ...     "functional_class": ["1", "1", "2", "2"],
    ...     "leq_day": [54.0, 56.0, 58.0, 59.0], "leq_night": [44.0, 46.0, 51.0, 49.0]})
    >>> compliance_rate(m).select("functional_class", "compliance_rate_day",
    ...     "compliance_rate_night").rows()
    [('1', 50.0, 50.0), ('2', 100.0, 50.0), ('all', 75.0, 50.0)]
    """
    keys = key_list(by)
    lf, was_lazy = to_lazy(monitoring, name="monitoring")
    flagged = functional_area_compliance(lf.collect(), standard=standard)
    assert isinstance(flagged, pl.DataFrame)
    require_columns(flagged.schema, keys, name="monitoring")
    dec = int(_rule("compliance_rate_decimals"))
    aggs = []
    for p in _PERIODS:
        aggs += [
            pl.col(f"compliant_{p}").is_not_null().sum().cast(pl.Int64).alias(f"n_monitored_{p}"),
            pl.col(f"compliant_{p}").sum().cast(pl.Int64).alias(f"n_compliant_{p}"),
        ]
    total = (
        flagged.group_by(keys, maintain_order=True).agg(aggs) if keys else flagged.select(aggs)
    ).with_columns(functional_class=pl.lit("all"))
    parts = [total]
    if per_class:
        order = {
            c: i
            for i, c in enumerate(
                _limits(standard)["functional_class"].unique(maintain_order=True).to_list()
            )
        }
        per = flagged.group_by([*keys, "functional_class"]).agg(aggs)
        parts.insert(0, per)
        out = pl.concat(
            [
                p.select([*keys, "functional_class", *[a.meta.output_name() for a in aggs]])
                for p in parts
            ]
        )
        out = out.with_columns(
            __o=pl.col("functional_class").replace_strict(
                order, default=len(order), return_dtype=pl.Int64
            )
        )
        if keys:
            grp = flagged.select(keys).unique(maintain_order=True).with_row_index("__g")
            out = out.join(grp, on=keys, how="left").sort(["__g", "__o"]).drop("__g")
        else:
            out = out.sort("__o")
        out = out.drop("__o")
    else:
        out = total.select([*keys, "functional_class", *[a.meta.output_name() for a in aggs]])
    out = out.with_columns(
        [
            pl.when(pl.col(f"n_monitored_{p}") > 0)
            .then(pl.col(f"n_compliant_{p}") * 100 / pl.col(f"n_monitored_{p}"))
            .round(dec)
            .alias(f"compliance_rate_{p}")
            for p in _PERIODS
        ]
    ).select(
        [*keys, "functional_class"]
        + [f"{s}_{p}" for p in _PERIODS for s in ("n_monitored", "n_compliant", "compliance_rate")]
    )
    return finish(out.lazy(), was_lazy)


def _graded_means(
    df: pl.DataFrame,
    keys: list[str],
    kind: str,
    weight: str | None,
    count_name: str,
    standard: str,
) -> pl.DataFrame:
    dec = int(_rule("mean_leq_decimals"))
    aggs: list[pl.Expr] = []
    for p in _PERIODS:
        v = pl.col(f"leq_{p}")
        aggs.append(v.is_not_null().sum().cast(pl.Int64).alias(f"{count_name}_{p}"))
        if weight is None:
            aggs.append(ordered_mean(v).alias(f"leq_{p}"))
        else:
            w = pl.col(weight).filter(v.is_not_null())
            aggs.append(ordered_sum(w).alias(f"length_km_{p}"))
            aggs.append((ordered_sum(v * pl.col(weight)) / ordered_sum(w)).alias(f"leq_{p}"))
    g = df.group_by(keys, maintain_order=True).agg(aggs) if keys else df.select(aggs)
    labels_zh = _grade_labels("zh", standard)
    labels_en = _grade_labels("en", standard)
    cols = list(keys)
    for p in _PERIODS:
        n = pl.col(f"{count_name}_{p}")
        g = g.with_columns(pl.when(n > 0).then(pl.col(f"leq_{p}")).round(dec).alias(f"leq_{p}"))
        if weight is not None:
            g = g.with_columns(
                pl.when(n > 0).then(pl.col(f"length_km_{p}")).alias(f"length_km_{p}")
            )
        g = g.with_columns(
            grade_expr(kind, p, f"leq_{p}", standard=standard).alias(f"grade_{p}")
        ).with_columns(
            pl.col(f"grade_{p}")
            .replace_strict(labels_zh, default=None, return_dtype=pl.String)
            .alias(f"grade_label_{p}"),
            pl.col(f"grade_{p}")
            .replace_strict(labels_en, default=None, return_dtype=pl.String)
            .alias(f"grade_label_en_{p}"),
        )
        cols += [f"{count_name}_{p}"] + ([f"length_km_{p}"] if weight else [])
        cols += [f"leq_{p}", f"grade_{p}", f"grade_label_{p}", f"grade_label_en_{p}"]
    return g.select(cols)


def regional_mean_leq(grid: Any, *, by: By = "city", standard: str = HJ640) -> Frame:
    """City mean of regional environmental noise and its grade (区域声环境质量).

    Parameters
    ----------
    grid : DataFrame or LazyFrame
        One row per grid point: ``point``, ``leq_day`` and/or ``leq_night``
        [dB(A)], plus the ``by`` columns.
    by : str or list of str, optional
        Grouping (default ``city``; add e.g. ``year``).
    standard : str
        Edition of the grades, ``HJ 640-2012``.

    Returns
    -------
    DataFrame or LazyFrame
        Per group and period (``day``, ``night``): ``n_points_<p>`` (grid points
        with a Leq), ``leq_<p>`` (mean [dB(A)], 0.1), ``grade_<p>`` (1-5),
        ``grade_label_<p>`` (好 ... 差) and ``grade_label_en_<p>``. Night columns
        are null where the night was not measured.

    Notes
    -----
    Mean = arithmetic mean of the grid-point Leq (equal grid cells; the HJ 640
    aggregation is UNVERIFIED). Rounded half to even to 0.1 dB(A), then graded
    (regional thresholds, upper bounds inclusive).

    Examples
    --------
    >>> g = pl.DataFrame({"city": "A", "point": ["G1", "G2", "G3"],
    ...     "leq_day": [54.2, 56.1, 58.6]})
    >>> regional_mean_leq(g).select("leq_day", "grade_day", "grade_label_day").row(0)
    (56.3, 3, '一般')
    """
    keys = key_list(by)
    lf, was_lazy = to_lazy(grid, name="grid")
    df = validate_regional(lf.collect())
    require_columns(df.schema, keys, name="grid")
    out = _graded_means(df, keys, "regional", None, "n_points", standard)
    return finish(out.lazy(), was_lazy)


def traffic_mean_leq(sections: Any, *, by: By = "city", standard: str = HJ640) -> Frame:
    """Length-weighted mean of road traffic noise and its grade (道路交通声环境质量).

    Parameters
    ----------
    sections : DataFrame or LazyFrame
        One row per road section: ``section``, ``length_km`` [km], ``leq_day``
        and/or ``leq_night`` [dB(A)], plus the ``by`` columns.
    by : str or list of str, optional
        Grouping (default ``city``).
    standard : str
        Edition of the grades, ``HJ 640-2012``.

    Returns
    -------
    DataFrame or LazyFrame
        Per group and period: ``n_sections_<p>``, ``length_km_<p>`` (length of
        the sections with a Leq), ``leq_<p>`` [dB(A), 0.1], ``grade_<p>``,
        ``grade_label_<p>``, ``grade_label_en_<p>``.

    Notes
    -----
    L = sum(l_i x L_i) / sum(l_i) over sections with a Leq (weighting by road
    length UNVERIFIED, noise_notes.md). Rounded half to even to 0.1 dB(A), then
    graded (traffic thresholds 68/70/72/74 day, 58/60/62/64 night).

    Examples
    --------
    >>> s = pl.DataFrame({"city": "A", "section": ["R1", "R2"], "length_km": [1.0, 3.0],
    ...     "leq_day": [66.0, 70.0]})
    >>> traffic_mean_leq(s).select("length_km_day", "leq_day", "grade_day").row(0)
    (4.0, 69.0, 2)
    """
    keys = key_list(by)
    lf, was_lazy = to_lazy(sections, name="sections")
    df = validate_traffic(lf.collect())
    require_columns(df.schema, keys, name="sections")
    out = _graded_means(df, keys, "traffic", "length_km", "n_sections", standard)
    return finish(out.lazy(), was_lazy)


def day_night_leq(
    hourly: Any,
    *,
    by: By = "point",
    day_start: int | None = None,
    night_start: int | None = None,
    label: Literal["start", "end"] = "start",
) -> Frame:
    """Day and night Leq from hourly Leq (昼间/夜间等效声级).

    Parameters
    ----------
    hourly : DataFrame or LazyFrame
        ``time`` (datetime) and ``leq`` [dB(A)], one row per hour, plus ``by``.
    by : str or list of str, optional
        Grouping (default ``point``).
    day_start, night_start : int, optional
        Local hours [0-23]; default 6 and 22 (table ``noise_rules``): day
        06:00-22:00, night 22:00-06:00.
    label : {'start', 'end'}
        Whether ``time`` labels the start of the hour (06:00 = 06:00-07:00) or
        its end (as the air data do).

    Returns
    -------
    DataFrame or LazyFrame
        One row per group and ``date``: ``leq_day``, ``n_hours_day``,
        ``leq_night``, ``n_hours_night``. The night starting at 22:00 on date D
        belongs to D. No minimum number of hours is applied (UNVERIFIED): the
        counts show what each value is made of; a period with no hour is null.

    Notes
    -----
    Energy mean: L = 10 log10(mean(10^(0.1 L_h))). Not rounded.
    Day 06:00-22:00 and night 22:00-06:00 (GB 3096-2008 definitions, clause text UNVERIFIED;
    table ``noise_rules``).

    Examples
    --------
    >>> from datetime import datetime, timedelta
    >>> t0 = datetime(2025, 5, 1, 0)
    >>> h = pl.DataFrame({"point": "N1", "time": [t0 + timedelta(hours=k) for k in range(30)],
    ...     "leq": [45.0] * 6 + [60.0] * 16 + [50.0] * 8})
    >>> r = day_night_leq(h).filter(pl.col("date") == pl.date(2025, 5, 1)).row(0, named=True)
    >>> round(r["leq_day"], 6), r["n_hours_day"], round(r["leq_night"], 6), r["n_hours_night"]
    (60.0, 16, 50.0, 8)
    """
    keys = key_list(by)
    ds = int(_rule("day_start")) if day_start is None else int(day_start)
    ns = int(_rule("night_start")) if night_start is None else int(night_start)
    if not (0 <= ds < ns <= 24):
        raise IndicatorInputError(
            "day must start before night within one day",
            column="day_start",
            expected="0 <= day_start < night_start <= 24",
            found=(ds, ns),
        )
    if label not in ("start", "end"):
        raise IndicatorInputError(
            "unknown time label", column="label", expected="'start' or 'end'", found=label
        )
    lf, was_lazy = to_lazy(hourly, name="hourly")
    df = lf.collect()
    require_columns(df.schema, [*keys, "time", "leq"], name="hourly")
    df = float_columns(df, ["leq"], name="hourly", non_negative=["leq"])
    t = pl.col("time") - pl.duration(hours=1) if label == "end" else pl.col("time")
    df = df.with_columns(__t=t).with_columns(__h=pl.col("__t").dt.hour())
    day = (pl.col("__h") >= ds) & (pl.col("__h") < ns)
    df = df.with_columns(
        __period=pl.when(day).then(pl.lit("day")).otherwise(pl.lit("night")),
        date=pl.when(pl.col("__h") < ds)
        .then(pl.col("__t").dt.date() - pl.duration(days=1))
        .otherwise(pl.col("__t").dt.date()),
    )
    energy = 10 * ordered_mean(pl.lit(10.0).pow(pl.col("leq") / 10)).log10()
    g = df.group_by([*keys, "date", "__period"]).agg(
        leq=energy,
        n=pl.col("leq").is_not_null().sum().cast(pl.Int64),
    )
    wide = []
    for p in _PERIODS:
        part = g.filter(pl.col("__period") == p).select(
            [*keys, "date", pl.col("leq").alias(f"leq_{p}"), pl.col("n").alias(f"n_hours_{p}")]
        )
        wide.append(part)
    out = (
        wide[0]
        .join(wide[1], on=[*keys, "date"], how="full", coalesce=True)
        .with_columns(pl.col("n_hours_day").fill_null(0), pl.col("n_hours_night").fill_null(0))
        .sort([*keys, "date"])
    )
    out = out.select([*keys, "date", "leq_day", "n_hours_day", "leq_night", "n_hours_night"])
    return finish(out.lazy(), was_lazy)
