"""Period evaluation of daily AQI and concentrations (HJ 663, GB 3095).

What bulletins publish for a month, quarter, year or any date range: valid and
good days, the good-day ratio, days per category and per primary pollutant,
period means, the CO 95th and O3 MDA8 90th percentiles, attainment against the
GB 3095 edition in force, exceedance multiples and the composite index.

UNVERIFIED items (the official HJ 663 text could not be read; see
``air_hj663_evaluation.md`` in the standards notes) are documented choices:

- Good-day ratio = good days / valid days × 100 (valid days = days with a
  valid daily AQI), rounded to 0.1.
- Statistics are rounded as reported (GB/T 8170 half to even: µg/m³ to
  integers, CO to 0.1 mg/m³) before they are compared with limits and summed
  into the composite index (``round_results=False`` keeps full precision).
- The composite index is unweighted: Σ Cᵢ/Sᵢ over SO2, NO2, PM10, PM2.5 (period
  means against the annual limits), CO (P95 against the 24-h limit) and O3
  (MDA8 P90 against the 8-h limit); rounded to 0.01.
- Period validity: a calendar year needs 324 valid days, a calendar month 27
  (25 in February), any other span ``ceil(days × 324 / 365)``; the result says
  whether the period is valid, it never hides the figures.
- A period that spans 2026-03-01 is evaluated against the GB 3095 edition in
  force on its last day (``limits=`` to choose).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

import polars as pl

from .. import standards
from .._frames import Frame, as_date, finish, require_columns, require_dtype, to_lazy
from ..errors import IndicatorInputError
from ..glossary import AIR_POLLUTANTS, INDICATORS
from ..periods import Period, months, parse_period, year_earlier
from ..periods import year_to_date as periods_year_to_date
from .methods import AirMethod
from .methods import method as air_method

__all__ = [
    "DUST_KIND",
    "compare_periods",
    "evaluate_months",
    "evaluate_period",
    "evaluation_statistics",
    "limit",
    "percentile",
    "percentile_expr",
    "required_days",
    "round_reported",
    "three_year_means",
    "validity_threshold",
    "year_to_date",
]

_MEAN_POLLUTANTS = ("SO2", "NO2", "PM10", "PM2.5")


def percentile(values: Sequence[float], p: float) -> float | None:
    """Percentile by HJ 663: k = 1 + (n − 1)·p/100, linear between neighbours.

    Sort the n valid values ascending X(1) ≤ … ≤ X(n); s = integer part of k;
    m = X(s) + (X(s+1) − X(s))·(k − s). Equal to numpy's ``linear`` method and
    Excel PERCENTILE.INC. Nulls are ignored; None when no value is valid.

    Parameters
    ----------
    values : sequence of float
        Valid daily values (any unit; nulls ignored).
    p : float
        Percentile in percent (HJ 663 §5.3: 90 for O3 MDA8, 95 for CO, 98 ...).

    Returns
    -------
    float or None
        The percentile, in the unit of ``values``.

    Examples
    --------
    >>> percentile([3, 4, 8, 2, 5, 4], 90)   # worked example: k = 5.5
    6.5
    """
    xs = sorted(float(v) for v in values if v is not None and not math.isnan(v))
    if not xs:
        return None
    k = 1 + (len(xs) - 1) * p / 100
    s = int(k)
    if s >= len(xs):
        return xs[-1]
    return xs[s - 1] + (xs[s] - xs[s - 1]) * (k - s)


def percentile_expr(col: str | pl.Expr, p: float) -> pl.Expr:
    """:func:`percentile` as a polars aggregation (``quantile(..., "linear")``).

    Parameters
    ----------
    col : str or polars.Expr
        Column of valid daily values.
    p : float
        Percentile in percent (HJ 663 §5.3).

    Returns
    -------
    polars.Expr
        The aggregation, in the unit of ``col``.
    """
    c = pl.col(col) if isinstance(col, str) else col
    return c.quantile(p / 100, interpolation="linear")


@cache
def limit(edition: str, pollutant: str, averaging: str) -> float:
    """GB 3095 class-2 limit of a pollutant and averaging time in one edition.

    GB 3095-2012 Table 1; GB 3095-2026 Table 1 (transitional and final stages).
    ``averaging`` is ``annual``, ``24h``, ``1h`` or ``daily_max_8h``. Units as in
    the table (µg/m³; CO mg/m³).

    >>> limit("GB 3095-2012", "PM2.5", "annual")
    35.0
    >>> limit("GB 3095-2026 transitional", "PM2.5", "annual")
    30.0
    """
    rows = standards.table("air_gb3095_limits").filter(
        edition=edition, pollutant=pollutant, averaging_time=averaging
    )
    if rows.is_empty():
        raise IndicatorInputError(
            f"{edition} has no {pollutant} {averaging} limit",
            column="limits",
            expected="an edition of air_gb3095_limits",
            found=edition,
        )
    return float(rows["class2"][0])


@cache
def evaluation_statistics(hj663: str) -> tuple[tuple[str, str, float | None, str, str], ...]:
    """HJ 663 statistic per pollutant: ``(pollutant, statistic, percentile, limit, index)``.

    HJ 663-2013 (secondary sources) and HJ 663-2026 (assumed unchanged, UNVERIFIED):
    table ``air_hj663_statistics``; ``limit`` and ``index`` name the GB 3095 averaging
    time compared with and used in the composite index.

    >>> evaluation_statistics("HJ 663-2013")[4]
    ('CO', 'percentile', 95, '24h', '24h')
    """
    rows = standards.table("air_hj663_statistics").filter(standard=hj663)
    return tuple(
        rows.select(
            "pollutant", "statistic", "percentile", "limit_averaging", "index_averaging"
        ).iter_rows()
    )


@cache
def _decimals(hj663: str | None, quantity: str) -> int:
    """Reporting decimals of ``quantity``; with ``hj663`` None, the one all editions share."""
    rows = standards.table("air_reporting_precision").filter(quantity=quantity)
    if hj663 is not None:
        rows = rows.filter(standard=hj663)
    values = set(rows["decimals"].to_list())
    if len(values) != 1:  # pragma: no cover - a new edition with new precision needs a date rule
        raise IndicatorInputError(
            "reporting precision differs between editions", column=quantity, found=sorted(values)
        )
    return int(values.pop())


def round_reported(expr: pl.Expr, pollutant: str, hj663: str | None = None) -> pl.Expr:
    """A concentration at its reporting precision (GB/T 8170 half to even).

    µg/m³ pollutants to integers, CO to 0.1 mg/m³ (table
    ``air_reporting_precision``, HJ 663; HJ 633-2026 §4.2.2). ``hj663`` None
    uses the precision every edition shares. The value is first rounded to
    9 decimals so that binary noise does not decide a half-way case.

    Parameters
    ----------
    expr : polars.Expr
        Concentration [µg/m³; CO mg/m³].
    pollutant : str
        Pollutant code (``PM2.5``, ``CO`` ...).
    hj663 : str, optional
        HJ 663 edition whose precision applies.

    Returns
    -------
    polars.Expr
        The rounded concentration.

    Examples
    --------
    >>> pl.select(round_reported(pl.lit(34.5), "PM2.5")).item()
    34.0
    """
    quantity = "CO concentration" if pollutant.startswith("CO") else "concentration"
    return expr.round(9).round(_decimals(hj663, quantity), mode="half_to_even")


@cache
def validity_threshold(statistic: str) -> int:
    """Fewest hours, windows or days for a valid ``statistic`` (table ``air_validity``).

    GB 3095-2012 and GB 3095-2026 Table 4 (``daily_mean``: hours of a day,
    ``o3_8h_mean``: hours of a window, ``annual_mean``/``monthly_mean``/
    ``monthly_mean_february``: days); HJ 663 §6.1.2 (``o3_mda8``: windows).
    Every edition the registry lists sets the same number today; should a
    revision change one, this raises and the caller must name the threshold.

    >>> validity_threshold("daily_mean"), validity_threshold("o3_mda8")
    (20, 14)
    """
    counts = standards.table("air_validity").filter(statistic=statistic)["min_count"].unique()
    if counts.len() != 1:
        raise IndicatorInputError(
            "the editions set different validity thresholds" if counts.len() else "no rule",
            file="air_validity",
            column="statistic",
            expected=f"one threshold for {statistic!r} in every edition",
            found=counts.to_list(),
        )
    return int(counts[0])


def required_days(start: date, end: date) -> int:
    """Fewest valid days for a valid period (GB 3095 Table 4; documented rule otherwise).

    Parameters
    ----------
    start, end : datetime.date
        First and last day of the period (inclusive).

    Returns
    -------
    int
        Valid days needed: 324 for a calendar year, 27 for a month (25 in
        February) per GB 3095 Table 4; for any other span ⌈days × 324 / 365⌉
        (a documented choice, not a clause of the standard).

    Examples
    --------
    >>> required_days(date(2025, 1, 1), date(2025, 12, 31)), required_days(
    ...     date(2025, 2, 1), date(2025, 2, 28)), required_days(date(2025, 3, 1), date(2025, 3, 31))
    (324, 25, 27)
    """
    next_day = end + timedelta(days=1)
    if (
        start.month == 1
        and start.day == 1
        and end.month == 12
        and end.day == 31
        and (start.year == end.year)
    ):
        return validity_threshold("annual_mean")
    if start.day == 1 and next_day.day == 1 and (start.year, start.month) == (end.year, end.month):
        return validity_threshold("monthly_mean_february" if start.month == 2 else "monthly_mean")
    days = (end - start).days + 1
    return math.ceil(days * validity_threshold("annual_mean") / 365)


_DUST_POLLUTANTS = ("PM10", "PM2.5")
#: The ``kind`` of a sand-dust flag (环办监测〔2016〕120号); other kinds are HJ 663-2026
#: exceptional events, deducted by the same mechanism when named in ``deduct_kinds``.
DUST_KIND = "dust"


def _check_method(lf: pl.LazyFrame, schema: pl.Schema, name: str) -> None:
    if "method" not in schema:
        raise IndicatorInputError(
            "the daily values do not say which method formed them",
            file="daily",
            column="method",
            expected=f"daily_aqi(..., method={name!r}) output",
            found=None,
        )
    found = lf.select(pl.col("method").unique()).collect()["method"].to_list()
    if found != [name]:
        raise IndicatorInputError(
            "daily values of another method",
            file="daily",
            column="method",
            expected=name,
            found=found,
        )


def _with_dust_flags(
    lf: pl.LazyFrame, dust: Frame | None, group: list[str], deduct_kinds: Sequence[str]
) -> tuple[pl.LazyFrame, list[str] | None]:
    """Add ``_dust`` (a flag of a deducted kind) and ``_sand`` (a sand-dust flag).

    Returns the frame and the sorted kinds the table flags (None without a table).
    """
    if dust is None:
        return lf, None
    flags, _ = to_lazy(dust, name="dust")
    fschema = flags.collect_schema()
    require_columns(fschema, [*group, "date"], name="dust")
    require_dtype(
        fschema,
        "date",
        pl.Date,
        name="dust",
        message="dust dates must be dates",
        expected="polars Date",
    )
    if "kind" in fschema:
        require_dtype(
            fschema,
            "kind",
            pl.String,
            name="dust",
            message="kinds must be text",
            expected="polars String",
        )
        kind = pl.col("kind")
    else:
        kind = pl.lit(DUST_KIND)
    flags = flags.select(*group, "date", kind.alias("kind")).with_row_index("_row", offset=1)
    blank = flags.filter(pl.col("kind").is_null() | (pl.col("kind").str.strip_chars() == ""))
    first_blank = blank.select("_row").head(1).collect()
    if first_blank.height:
        raise IndicatorInputError(
            "a flag without a kind",
            file="dust",
            row=int(first_blank["_row"][0]),
            column="kind",
            expected=f"{DUST_KIND!r} or another exceptional-event kind",
            found=None,
        )
    kinds = sorted(flags.select(pl.col("kind").unique()).collect()["kind"].to_list())
    undecided = [k for k in kinds if k not in deduct_kinds]
    if undecided:
        raise IndicatorInputError(
            "the flag table holds kinds the evaluation is not told to deduct",
            file="dust",
            column="kind",
            expected=f"kinds in deduct_kinds={list(deduct_kinds)} (pass the others to deduct them)",
            found=undecided,
        )
    days = flags.group_by(*group, "date").agg(
        _dust=pl.lit(True), _sand=(pl.col("kind") == DUST_KIND).any()
    )
    out = lf.join(days, on=[*group, "date"], how="left").with_columns(
        pl.col("_dust").fill_null(False), pl.col("_sand").fill_null(False)
    )
    return out, kinds


def evaluate_period(
    daily: Frame,
    *,
    start: str | date,
    end: str | date,
    by: str | Sequence[str] | None = None,
    limits: str = "auto",
    round_results: bool = True,
    dust: Frame | None = None,
    deduct_kinds: Sequence[str] = (DUST_KIND,),
    method: str | AirMethod | None = None,
) -> Frame:
    """Evaluate a period: good-day ratio, statistics, attainment, composite index.

    HJ 663-2013/2026 (statistics per pollutant: period means of SO2, NO2, PM10,
    PM2.5; the CO 24-h 95th percentile; the O3 MDA8 90th percentile; PM 24-h
    95th percentiles), GB 3095 class-2 limits of the edition in force, HJ 633
    categories. Percentiles by k = 1 + (n − 1)·p/100 (:func:`percentile`).
    UNVERIFIED choices are listed in the module docstring.

    Parameters
    ----------
    daily : frame
        Output of :func:`indicators.air.daily_aqi` (station, city or any level).
    start, end : str or date
        First and last natural day of the period (inclusive).
    by : str or list of str, optional
        Grouping columns; default ``city`` if present, else ``station``.
    limits : str, default "auto"
        GB 3095 edition: ``auto`` (in force on ``end``), ``GB 3095-2012``,
        ``GB 3095-2026 transitional`` or ``GB 3095-2026 final``.
    round_results : bool, default True
        Round statistics as reported before comparing and summing.
    dust : frame, optional
        Sand-dust flags (扣沙, 环办监测〔2016〕120号): one row per flagged day with
        the grouping columns (``city``) and ``date``; optional ``hours``,
        ``source`` and ``kind`` (``dust``, or another HJ 663-2026 exceptional
        event: the same mechanism). A flagged day's PM10 and PM2.5 leave the
        PM means, PM percentiles and the composite index (so the rankings built
        on it); the good-day and heavy-pollution ratios keep it, as CNEMC's
        monthly reports say (保留沙尘). The undeducted values stand beside them
        as ``<column>_with_dust``; attainment and exceedance multiples use the
        undeducted values (GB 3095-2026 §6.4: every valid value enters the
        evaluation; whether assessment deducts is UNVERIFIED). A flag with
        hours removes the whole day's PM (the rule's hour criteria are
        UNVERIFIED).
    deduct_kinds : sequence of str, default ("dust",)
        The flag kinds to deduct. A flag of another kind raises rather than
        being ignored: which HJ 663-2026 exceptional events qualify is
        UNVERIFIED, so deducting one is the caller's explicit choice.
    method : {"official", "strict"} or AirMethod, optional
        When given, the method of the daily values (their ``method`` column)
        must be this one: a guard against mixing profiles.

    Returns
    -------
    Frame
        One row per group: ``start``, ``end``, ``total_days``, ``valid_days``,
        ``invalid_days``, ``good_days``, ``excellent_days``, ``heavy_days``,
        ``good_day_ratio`` [%], ``days_level1``..``days_level6``,
        ``primary_days_<p>`` (days with ``p`` among the primary pollutants, AQI >
        50), ``exceedance_days`` (AQI > 100, HJ 633 level 3 and above),
        ``primary_exceedance_days_<p>`` (exceedance days with ``p`` primary: the
        bulletins' "以 PM2.5 为首要污染物的天数占超标天数的比例" is this over
        ``exceedance_days``; a day with two primary pollutants counts for
        both), ``SO2``, ``NO2``, ``PM10``, ``PM2.5`` [µg/m³],
        ``CO_P95`` [mg/m³], ``O3_MDA8_P90``, ``PM10_P95``, ``PM2.5_P95`` [µg/m³],
        ``n_days_<p>`` (valid days behind each), ``<p>_exceedance`` ((C − S)/S,
        null when not exceeded), ``attains``, ``composite_index``,
        ``required_days``, ``period_valid``, ``limits_edition``, ``aqi_edition``,
        ``method``, ``data_basis`` (when the daily values carry them) and
        ``dust_treatment`` (``扣沙`` with a dust table, else ``含沙``). With
        ``dust``: ``dust_days`` (flagged days with a valid AQI),
        ``dust_exceedance_days`` (sand-dust flagged days over AQI 100 with PM10
        or PM2.5 primary), ``deducted_kinds`` (the kinds the table flags, ``;``
        separated) and ``dust_exceedance_ratio`` (their share of valid days [%],
        as MEE reports "由沙尘天气导致的超标天数比例"; UNVERIFIED definition),
        and the ``*_with_dust`` columns.

    Examples
    --------
    >>> from datetime import date, timedelta
    >>> days = [date(2025, 1, 1) + timedelta(days=i) for i in range(10)]
    >>> d = pl.DataFrame({"city": "X", "date": days, "aqi": [40, 60, 90, 101, 160, 210, 45,
    ...     None, 80, 99], "level": [1, 2, 2, 3, 4, 5, 1, None, 2, 2],
    ...     "primary_pollutant": [None, "PM2.5", "PM2.5", "PM2.5", "PM2.5", "PM2.5", None,
    ...     None, "O3", "PM10"], "edition": "HJ 633-2012", "SO2": 10.0, "NO2": 40.0,
    ...     "PM10": 80.0, "PM2.5": 50.0, "CO": 1.0, "O3_MDA8": 100.0})
    >>> s = evaluate_period(d, start="2025-01-01", end="2025-01-10")
    >>> s.select("valid_days", "good_days", "good_day_ratio", "heavy_days").row(0)
    (9, 6, 66.7, 1)
    """
    start_d, end_d = as_date(start, column="start"), as_date(end, column="end")
    if end_d < start_d:
        raise IndicatorInputError(
            "period ends before it starts", column="end", expected=f">= {start_d}", found=str(end_d)
        )
    lf, was_lazy = to_lazy(daily, name="daily")
    schema = lf.collect_schema()
    group = [by] if isinstance(by, str) else list(by or [])
    if not group:
        group = ["city"] if "city" in schema else ["station"]
    require_columns(schema, [*group, "date", "aqi", "level", "primary_pollutant"], name="daily")
    if method is not None:
        _check_method(lf, schema, air_method(method).name)
    limits_edition = (
        standards.edition_in_force("GB 3095", end_d)
        if limits == "auto"
        else standards.resolve_edition("GB 3095", limits)
    )
    hj663 = standards.edition_in_force("HJ 663", end_d)
    lf = lf.filter(pl.col("date").is_between(pl.lit(start_d), pl.lit(end_d)))
    ratio_dec = _decimals(hj663, "ratio")
    idx_dec = _decimals(hj663, "composite_index")
    lf, kinds = _with_dust_flags(lf, dust, group, deduct_kinds)
    deducted = kinds is not None
    terms = _PeriodStatistics(hj663, round_results=round_results, deducted=deducted)
    terms.add_all(schema, limits_edition)
    n_required = required_days(start_d, end_d)
    total_days = (end_d - start_d).days + 1
    edition_expr = _joined("edition") if "edition" in schema else pl.lit(None, pl.String)
    agg = lf.group_by(group).agg(
        *_day_counts(),
        edition_expr.alias("aqi_edition"),
        *[_joined(c) for c in ("method", "data_basis") if c in schema],
        *(_dust_day_counts() if deducted else []),
        *_primary_counts(),
        *terms.stats,
    )
    n_cols = [
        f"n_days_{p}"
        for p in ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3")
        if (("O3_MDA8" if p == "O3" else p) in schema)
    ]
    six = len(terms.index) == 6
    extra: dict[str, pl.Expr] = {"dust_treatment": pl.lit("扣沙" if deducted else "含沙")}
    if deducted:
        extra |= _dust_columns(
            _composite(terms.undeducted, six=six, decimals=idx_dec), kinds, ratio_dec
        )
    out = agg.with_columns(
        start=pl.lit(start_d),
        end=pl.lit(end_d),
        total_days=pl.lit(total_days, pl.Int32),
        invalid_days=(pl.lit(total_days) - pl.col("valid_days")).cast(pl.Int32),
        good_day_ratio=pl.when(pl.col("valid_days") > 0).then(
            (pl.col("good_days") / pl.col("valid_days") * 100).round(9).round(ratio_dec)
        ),
        attains=pl.all_horizontal(terms.attain) if terms.attain else pl.lit(None, pl.Boolean),
        composite_index=_composite(terms.index, six=six, decimals=idx_dec),
        required_days=pl.lit(n_required, pl.Int32),
        period_valid=pl.all_horizontal(
            [pl.col("valid_days") >= n_required, *[pl.col(c) >= n_required for c in n_cols]]
        ),
        limits_edition=pl.lit(limits_edition),
        **extra,
    ).with_columns(terms.exceed)
    first = [
        *group,
        "start",
        "end",
        "total_days",
        "valid_days",
        "invalid_days",
        "good_days",
        "excellent_days",
        "heavy_days",
        "good_day_ratio",
    ]
    rest = [c for c in out.collect_schema() if c not in first]
    return finish(out.select(*first, *rest).sort(group), was_lazy)


@dataclass
class _PeriodStatistics:
    """The statistics :func:`evaluate_period` aggregates and the terms built on them."""

    hj663: str
    round_results: bool
    deducted: bool
    stats: list[pl.Expr] = field(default_factory=list)
    index: list[pl.Expr] = field(default_factory=list)
    undeducted: list[pl.Expr] = field(default_factory=list)
    attain: list[pl.Expr] = field(default_factory=list)
    exceed: list[pl.Expr] = field(default_factory=list)

    def add_all(self, schema: pl.Schema, limits_edition: str) -> None:
        """Add the HJ 663 statistics of the pollutants present, then the PM 95th percentiles."""
        exc_dec = _decimals(self.hj663, "exceedance_multiple")
        for pol, statistic, pct, limit_avg, index_avg in evaluation_statistics(self.hj663):
            src = "O3_MDA8" if pol == "O3" else pol
            if src not in schema:
                continue
            name = pol if statistic == "mean" else f"{src}_P{int(pct)}"
            undeducted = self.add(pol, name, statistic, pct)
            self.stats.append(pl.col(src).count().cast(pl.Int32).alias(f"n_days_{pol}"))
            lim = limit(limits_edition, pol, limit_avg)
            self.attain.append(pl.col(undeducted) <= lim)
            self.exceed.append(
                pl.when(pl.col(undeducted) > lim)
                .then(((pl.col(undeducted) - lim) / lim).round(exc_dec))
                .alias(f"{name}_exceedance")
            )
            index_lim = limit(limits_edition, pol, index_avg)
            self.index.append(pl.col(name) / index_lim)
            self.undeducted.append(pl.col(undeducted) / index_lim)
        for pol in _DUST_POLLUTANTS:
            if pol in schema:
                self.add(pol, f"{pol}_P95", "percentile", 95)

    def add(self, pol: str, name: str, statistic: str, pct: float | None) -> str:
        """Add the statistic (deducted when flagged) and its undeducted twin; its basis name."""
        src = pl.col("O3_MDA8" if pol == "O3" else pol)
        if pol in _DUST_POLLUTANTS and self.deducted:
            kept = pl.when(~pl.col("_dust")).then(src)
            self.stats.append(self._rounded(_statistic_of(kept, statistic, pct), pol).alias(name))
            self.stats.append(
                self._rounded(_statistic_of(src, statistic, pct), pol).alias(f"{name}_with_dust")
            )
            return f"{name}_with_dust"
        self.stats.append(self._rounded(_statistic_of(src, statistic, pct), pol).alias(name))
        return name

    def _rounded(self, expr: pl.Expr, pollutant: str) -> pl.Expr:
        """``expr`` rounded as reported, when results are rounded."""
        return round_reported(expr, pollutant, self.hj663) if self.round_results else expr


def _statistic_of(col: pl.Expr, statistic: str, pct: float | None) -> pl.Expr:
    """The mean, or the HJ 663 percentile ``pct``, of ``col``."""
    return col.mean() if statistic == "mean" else percentile_expr(col, pct)


def _joined(column: str) -> pl.Expr:
    """The distinct values of ``column``, sorted and joined with ``+``."""
    return pl.col(column).drop_nulls().unique().sort().str.join("+")


def _day_counts() -> list[pl.Expr]:
    """Valid, good, excellent and heavy days and the days of each HJ 633 level."""
    return [
        pl.col("aqi").count().cast(pl.Int32).alias("valid_days"),
        (pl.col("level") <= 2).sum().cast(pl.Int32).alias("good_days"),
        (pl.col("level") == 1).sum().cast(pl.Int32).alias("excellent_days"),
        (pl.col("level") >= 5).sum().cast(pl.Int32).alias("heavy_days"),
        *[(pl.col("level") == k).sum().cast(pl.Int32).alias(f"days_level{k}") for k in range(1, 7)],
    ]


def _primary_counts() -> list[pl.Expr]:
    """Days with each primary pollutant, exceedance days and exceedance days by primary."""
    primary = [
        pl.col("primary_pollutant")
        .str.split(";")
        .list.contains(p)
        .sum()
        .cast(pl.Int32)
        .alias(f"primary_days_{p}")
        for p in AIR_POLLUTANTS
    ]
    # exceedance day (超标天): AQI > 100, HJ 633 Table 2 level 3 (轻度污染) and above
    exceedance_day = pl.col("level") >= 3
    return [
        *primary,
        exceedance_day.sum().cast(pl.Int32).alias("exceedance_days"),
        *[
            (exceedance_day & pl.col("primary_pollutant").str.split(";").list.contains(p))
            .sum()
            .cast(pl.Int32)
            .alias(f"primary_exceedance_days_{p}")
            for p in AIR_POLLUTANTS
        ],
    ]


def _dust_day_counts() -> list[pl.Expr]:
    """Flagged days with a valid AQI and sand-dust exceedance days with PM primary."""
    exceed = (pl.col("level") >= 3) & pl.col("primary_pollutant").str.contains("PM")
    return [
        (pl.col("_dust") & pl.col("aqi").is_not_null()).sum().cast(pl.Int32).alias("dust_days"),
        (pl.col("_sand") & exceed).sum().cast(pl.Int32).alias("dust_exceedance_days"),
    ]


def _composite(terms: list[pl.Expr], *, six: bool, decimals: int) -> pl.Expr:
    """The composite index (the sum of the six terms, reported decimals); null without six."""
    if not six:
        return pl.lit(None, pl.Float64)
    return pl.sum_horizontal(terms, ignore_nulls=False).round(9).round(decimals)


def _dust_columns(
    composite_with_dust: pl.Expr, kinds: list[str] | None, ratio_dec: int
) -> dict[str, pl.Expr]:
    """The columns a dust table adds: undeducted index, deducted kinds, dust exceedance ratio."""
    return {
        "composite_index_with_dust": composite_with_dust,
        "deducted_kinds": pl.lit(";".join(kinds) if kinds else None, pl.String),
        "dust_exceedance_ratio": pl.when(pl.col("valid_days") > 0).then(
            (pl.col("dust_exceedance_days") / pl.col("valid_days") * 100).round(9).round(ratio_dec)
        ),
    }


#: Statistics averaged by :func:`three_year_means`.
_THREE_YEAR_COLUMNS = ("SO2", "NO2", "PM10", "PM2.5", "CO_P95", "O3_MDA8_P90")


def three_year_means(annual: Frame, *, by: str | Sequence[str] | None = None) -> Frame:
    """Three-year rolling means of annual statistics (HJ 663-2026 三年滑动平均).

    HJ 663-2026 introduces a three-year rolling evaluation (MEE release, 2026-02);
    its text was not available. Documented default (UNVERIFIED): the value of
    year Y is the arithmetic mean of the annual values of Y-2, Y-1 and Y (the
    definition Beijing's 2019 plan uses for PM2.5), for each statistic of
    :data:`_THREE_YEAR_COLUMNS` present, rounded as the annual values are
    (µg/m³ to integers, CO to 0.1 mg/m³, GB/T 8170 half to even). A year
    gets a row only when the two years before it are present; ``years_valid``
    says whether all three annual periods were statistically valid.

    Parameters
    ----------
    annual : frame
        :func:`evaluate_period` rows of calendar years (``start`` on 1 January),
        several years per group.
    by : str or list of str, optional
        Grouping columns; default ``city`` if present, else ``station``.

    Returns
    -------
    Frame
        One row per group and year with ``year``, ``first_year`` (Y-2), the
        three-year means under the statistics' names and ``years_valid``.

    Examples
    --------
    >>> a = pl.DataFrame({"city": "X", "start": [date(y, 1, 1) for y in (2024, 2025, 2026)],
    ...     "PM2.5": [40.0, 35.0, 33.0], "period_valid": True})
    >>> three_year_means(a).select("year", "PM2.5", "years_valid").row(0)
    (2026, 36.0, True)
    """
    lf, was_lazy = to_lazy(annual, name="annual")
    schema = lf.collect_schema()
    group = [by] if isinstance(by, str) else list(by or [])
    if not group:
        group = ["city"] if "city" in schema else ["station"]
    require_columns(schema, [*group, "start", "period_valid"], name="annual")
    stats = [c for c in _THREE_YEAR_COLUMNS if c in schema]
    years = lf.with_columns(year=pl.col("start").dt.year().cast(pl.Int32))
    shifted = [
        years.select(
            *group,
            (pl.col("year") + k).alias("year"),
            *[pl.col(c).alias(f"{c}_{k}") for c in stats],
            pl.col("period_valid").alias(f"valid_{k}"),
        )
        for k in (1, 2)
    ]
    out = years.select(*group, "year", *stats, pl.col("period_valid").alias("valid_0"))
    for frame in shifted:
        out = out.join(frame, on=[*group, "year"], how="inner")
    means = [
        round_reported((pl.col(c) + pl.col(f"{c}_1") + pl.col(f"{c}_2")) / 3, c).alias(c)
        for c in stats
    ]
    out = out.select(
        *group,
        "year",
        (pl.col("year") - 2).alias("first_year"),
        *means,
        pl.all_horizontal("valid_0", "valid_1", "valid_2").alias("years_valid"),
    ).sort(*group, "year")
    return finish(out, was_lazy)


#: Period figures by kind of change (:attr:`indicators.glossary.Indicator.change`).
_PP_COLUMNS, _PCT_COLUMNS, _DIFF_COLUMNS = (
    tuple(k for k, i in INDICATORS.items() if i.domain == "air" and i.change == kind)
    for kind in ("pp", "pct", "diff")
)


def compare_periods(
    current: Frame, previous: Frame, *, by: str | Sequence[str] | None = None
) -> Frame:
    """Change of period figures against a comparison period (同比/环比).

    Ratios change in percentage points (``<col>_change_pp``), concentrations
    and the composite index in percent of the comparison value
    (``<col>_change_pct``, 1 decimal), day counts as differences
    (``<col>_change``). A negative change of a concentration is an improvement.

    Parameters
    ----------
    current, previous : DataFrame or LazyFrame
        Period evaluations (:func:`evaluate_period`), one row per group.
    by : str or list of str, optional
        Group columns (default ``city``, else ``station``).

    Returns
    -------
    DataFrame or LazyFrame
        ``current`` with ``<col>_previous`` and the change columns; the kind of
        change of each figure is :attr:`indicators.glossary.Indicator.change`.

    Examples
    --------
    >>> cur = pl.DataFrame({"city": ["X"], "good_day_ratio": [82.2], "PM2.5": [40.0]})
    >>> prev = pl.DataFrame({"city": ["X"], "good_day_ratio": [80.0], "PM2.5": [50.0]})
    >>> compare_periods(cur, prev).select("good_day_ratio_change_pp", "PM2.5_change_pct").row(0)
    (2.2, -20.0)
    """
    cur, was_lazy = to_lazy(current, name="current")
    prev, _ = to_lazy(previous, name="previous")
    cs, ps = cur.collect_schema(), prev.collect_schema()
    group = [by] if isinstance(by, str) else list(by or [])
    if not group:
        group = ["city"] if "city" in cs else ["station"]
    require_columns(cs, group, name="current")
    require_columns(ps, group, name="previous")
    shared = [c for c in (*_PP_COLUMNS, *_PCT_COLUMNS, *_DIFF_COLUMNS) if c in cs and c in ps]
    joined = cur.join(
        prev.select(*group, *[pl.col(c).alias(f"{c}_previous") for c in shared]),
        on=group,
        how="left",
        maintain_order="left",  # the current period's rows stay in their order
    )
    changes = []
    for c in shared:
        p = pl.col(f"{c}_previous")
        if c in _PP_COLUMNS:
            changes.append((pl.col(c) - p).round(9).round(1).alias(f"{c}_change_pp"))
        elif c in _PCT_COLUMNS:
            changes.append(
                pl.when(p != 0)
                .then(((pl.col(c) - p) / p * 100).round(9).round(1))
                .alias(f"{c}_change_pct")
            )
        else:
            changes.append((pl.col(c) - p).alias(f"{c}_change"))
    return finish(joined.with_columns(changes), was_lazy)


def _as_period(value: object, column: str) -> Period:
    """A :class:`~indicators.periods.Period` from a Period, a year number or period text."""
    if isinstance(value, Period):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # a year given as a number (papermill -p period 2026)
    return parse_period(value, column=column)


def _month_of(value: object, column: str) -> Period:
    """The calendar month ``value`` names or holds (``"2026-08"``, a date, a month Period)."""
    if isinstance(value, date):
        return parse_period(f"{value.year}-{value.month:02d}", column=column)
    p = _as_period(value, column)
    if p.kind == "year":  # a whole year: through December
        return parse_period(f"{p.start.year}-12", column=column)
    if p.kind != "month":
        raise IndicatorInputError(
            "not a month",
            column=column,
            expected="a month '2026-08', a date or a year '2026' (through December)",
            found=p.label,
        )
    return p


def _evaluate_windows(
    daily: Frame,
    windows: Sequence[tuple[str, Period]],
    *,
    by: str | Sequence[str] | None,
    limits: str,
    round_results: bool,
    dust: Frame | None,
    deduct_kinds: Sequence[str],
    method: str | AirMethod | None,
) -> Frame:
    """evaluate_period of each window and of the same window a year earlier, compared."""
    lf, origin = to_lazy(daily, name="daily")
    schema = lf.collect_schema()
    group = [by] if isinstance(by, str) else list(by or [])
    if not group:
        group = ["city"] if "city" in schema else ["station"]
    flags = None if dust is None else to_lazy(dust, name="dust")[0].collect()

    def evaluate(p: Period) -> pl.LazyFrame:
        return evaluate_period(
            lf,
            start=p.start,
            end=p.end,
            by=group,
            limits=limits,
            round_results=round_results,
            dust=flags,
            deduct_kinds=deduct_kinds,
            method=method,
        )

    parts = []
    for month, window in windows:
        earlier = year_earlier(window)
        changes = compare_periods(evaluate(window), evaluate(earlier), by=group)
        parts.append(
            changes.with_columns(
                month=pl.lit(month),
                period=pl.lit(window.label),
                compare_period=pl.lit(earlier.label),
            )
        )
    out = pl.concat(parts, how="diagonal_relaxed")
    first = [*group, "month", "period", "compare_period"]
    out = out.select(*first, pl.exclude(first)).sort([*group, "end"], maintain_order=True)
    return finish(out, origin)


def evaluate_months(
    daily: Frame,
    period: str | int | Period,
    *,
    by: str | Sequence[str] | None = None,
    limits: str = "auto",
    round_results: bool = True,
    dust: Frame | None = None,
    deduct_kinds: Sequence[str] = (DUST_KIND,),
    method: str | AirMethod | None = None,
) -> Frame:
    """Monthly table: each month of a period evaluated, with its year-on-year change (同比).

    Each calendar month the period touches (cut to the period,
    :func:`indicators.periods.months`) is evaluated by :func:`evaluate_period`
    (HJ 663, GB 3095 Table 4 validity: 27 valid days, 25 in February), and so
    is the same month a year earlier (:func:`indicators.periods.year_earlier`);
    :func:`compare_periods` gives the change in the bulletins' units:
    percentage points for the good-day ratio, percent for concentrations and
    the composite index, differences for day counts.

    Parameters
    ----------
    daily : frame
        :func:`indicators.air.daily_aqi` output covering the period and, for
        the changes, the year before it (a month without earlier data has
        null changes).
    period : str, int or Period
        A year (``2026`` or ``"2026"``), a quarter ``"2026Q1"``, a month or a
        date range (:func:`indicators.periods.parse_period`).
    by : str or list of str, optional
        Grouping columns; default ``city`` if present, else ``station``.
    limits, round_results, dust, deduct_kinds, method
        As :func:`evaluate_period`.

    Returns
    -------
    Frame
        The input's kind. One row per group and month with data: ``by``,
        ``month`` (``"2026-03"``), ``period`` (the month's label, cut to
        ``period``), ``compare_period`` (a year earlier), the columns of
        :func:`evaluate_period`, and those of :func:`compare_periods`
        (``<col>_previous``, ``good_day_ratio_change_pp`` [percentage points],
        ``PM2.5_change_pct`` ... [%], ``good_days_change`` ... [days]).

    Examples
    --------
    >>> from datetime import date, timedelta
    >>> days = [date(2025, 1, 1) + timedelta(days=i) for i in range(424)]  # to 2026-02-28
    >>> d = pl.DataFrame({"city": "X", "date": days, "aqi": 60, "level": 2,
    ...     "primary_pollutant": "PM2.5", "edition": "HJ 633-2012", "SO2": 10.0, "NO2": 40.0,
    ...     "PM10": 80.0, "PM2.5": [50.0] * 365 + [40.0] * 59, "CO": 1.0, "O3_MDA8": 100.0})
    >>> m = evaluate_months(d, "2026-01-01..2026-02-28")
    >>> m.select("month", "PM2.5", "PM2.5_previous", "PM2.5_change_pct").rows()
    [('2026-01', 40.0, 50.0, -20.0), ('2026-02', 40.0, 50.0, -20.0)]
    """
    whole = _as_period(period, "period")
    windows = [(f"{m.start.year}-{m.start.month:02d}", m) for m in months(whole)]
    return _evaluate_windows(
        daily,
        windows,
        by=by,
        limits=limits,
        round_results=round_results,
        dust=dust,
        deduct_kinds=deduct_kinds,
        method=method,
    )


def year_to_date(
    daily: Frame,
    through: str | int | date | Period,
    *,
    by: str | Sequence[str] | None = None,
    limits: str = "auto",
    round_results: bool = True,
    dust: Frame | None = None,
    deduct_kinds: Sequence[str] = (DUST_KIND,),
    method: str | AirMethod | None = None,
) -> Frame:
    """Year-to-date table (1—N月累计): 1 January to the end of each month N, with 同比.

    For each month N from January to ``through``, the window 1 January ..
    last day of N (:func:`indicators.periods.year_to_date`) is evaluated by
    :func:`evaluate_period` and compared with the same window a year earlier
    (29 February ↔ 28 February, :func:`indicators.periods.year_earlier`) by
    :func:`compare_periods`: points for the good-day ratio, percent for
    concentrations and the composite index. A window is valid with
    ``ceil(days × 324 / 365)`` valid days (the documented rule for spans other
    than a calendar month or year, :func:`required_days`); December's window
    is the calendar year (324, GB 3095 Table 4).

    Parameters
    ----------
    daily : frame
        :func:`indicators.air.daily_aqi` output covering the year and, for the
        changes, the year before.
    through : str, int, date or Period
        The last month N: ``"2026-08"``, a date in it, or a year (through
        December).
    by : str or list of str, optional
        Grouping columns; default ``city`` if present, else ``station``.
    limits, round_results, dust, deduct_kinds, method
        As :func:`evaluate_period`.

    Returns
    -------
    Frame
        The input's kind. One row per group and month N: ``by``, ``month``
        (N, ``"2026-03"``), ``period`` (``"2026-01-01..2026-03-31"``; ``"2026"``
        for December), ``compare_period``, the columns of
        :func:`evaluate_period` and of :func:`compare_periods`.

    Examples
    --------
    >>> from datetime import date, timedelta
    >>> days = [date(2025, 1, 1) + timedelta(days=i) for i in range(424)]  # to 2026-02-28
    >>> d = pl.DataFrame({"city": "X", "date": days, "aqi": 60, "level": 2,
    ...     "primary_pollutant": "PM2.5", "edition": "HJ 633-2012", "SO2": 10.0, "NO2": 40.0,
    ...     "PM10": 80.0, "PM2.5": [50.0] * 365 + [40.0] * 59, "CO": 1.0, "O3_MDA8": 100.0})
    >>> y = year_to_date(d, through="2026-02")
    >>> y.select("month", "period", "valid_days", "PM2.5_change_pct").rows()
    [('2026-01', '2026-01-01..2026-01-31', 31, -20.0),
     ('2026-02', '2026-01-01..2026-02-28', 59, -20.0)]
    """
    last = _month_of(through, "through")
    windows = []
    for n in range(1, last.start.month + 1):
        month = parse_period(f"{last.start.year}-{n:02d}", column="through")
        windows.append((month.label, periods_year_to_date(month)))
    return _evaluate_windows(
        daily,
        windows,
        by=by,
        limits=limits,
        round_results=round_results,
        dust=dust,
        deduct_kinds=deduct_kinds,
        method=method,
    )
