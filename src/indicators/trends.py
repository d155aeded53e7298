"""Trends (变化趋势): whether a figure is getting better, and how sure that is.

The statistics analysts run in openair [Carslaw2012]_ (``TheilSen``,
``timeVariation``; an STL decomposition where openair offers ``smoothTrend``), with China's own
validity rules instead of openair's defaults (openair keeps a period with 75 %
data capture; here a month counts only with the day counts of GB 3095 Table 4
and HJ 663, read from the standards table ``air_validity``).

Functions
---------
- :func:`theil_sen`: Theil–Sen slope [Sen1968]_ with the Mann–Kendall test
  [Mann1945]_ [Kendall1975]_ on one series, its interval by ranks [Gilbert1987]_ or a
  moving-block bootstrap [Kunsch1989]_.
- :func:`seasonal_kendall`: the seasonal Kendall test and slope for monthly data
  [Hirsch1982]_.
- :func:`deseasonalise`: a series without its STL seasonal component [Cleveland1990]_.
- :func:`period_statistic`: monthly or annual values from daily values, with the
  validity rule of the standards (invalid periods become null, counted).
- :func:`trend_test`: :func:`theil_sen` or :func:`seasonal_kendall` per group of
  a frame of monthly or annual values, one row per group.
- :func:`stl_decomposition` and :func:`stl_figure`: STL decomposition.
- :func:`time_variation`: diurnal, weekday and monthly profiles with confidence
  intervals, from hourly data.
- :func:`time_variation_figure` and :func:`trend_figure` are deprecated (a
  ``FutureWarning``): :func:`indicators.plot.time_variation` and
  :func:`indicators.plot.trend` draw them with labels and units in either language.

Figures for analysts and reports are in :mod:`indicators.plot` (``plot.trend``,
``plot.time_variation``), which draws from these functions.

Conventions
-----------
- Time axis. Without explicit times the i-th value (0-based) sits at x = i, so
  the intercept is the Sen line at the first value of the series (missing
  values keep their place). This is the convention of
  :func:`scipy.stats.theilslopes` (intercept = median(y) − slope · median(x)):
  for the oracle series ``[10, 12, ..., 20]`` it gives slope 1.0 and intercept
  10.0; with x = 1..n it would give 9.0.
- Slopes are per step of the series; ``slope_per_year`` multiplies by
  ``periods_per_year`` (12 for monthly series) and ``slope_pct_per_year``
  divides that by the level of the Sen line at the first time (the intercept),
  times 100, as openair's ``slope.percent`` relative to the start of the series.
- Missing values (NaN/None/null, and months failing the validity rules) are
  excluded from the statistics and counted in ``n_excluded``.
- The O3 8-h values behind O3_MDA8 are trailing windows (ending at the hour, HJ
  633), computed by :mod:`indicators.air`, not openair's centred windows.

References
----------
.. [Mann1945] Mann, H. B. (1945). Nonparametric tests against trend.
   *Econometrica* 13, 245–259.
.. [Kendall1975] Kendall, M. G. (1975). *Rank Correlation Methods*, 4th ed. Griffin.
.. [Sen1968] Sen, P. K. (1968). Estimates of the regression coefficient based on
   Kendall's tau. *JASA* 63, 1379–1389 (eq. 2.6: the confidence interval).
.. [Gilbert1987] Gilbert, R. O. (1987). *Statistical Methods for Environmental
   Pollution Monitoring*. Van Nostrand Reinhold, §16.4–16.5 and §17.
.. [Hirsch1982] Hirsch, R. M., Slack, J. R., Smith, R. A. (1982). Techniques of
   trend analysis for monthly water quality data. *Water Resour. Res.* 18, 107–121.
.. [Cleveland1990] Cleveland, R. B. et al. (1990). STL: a seasonal-trend
   decomposition procedure based on loess. *J. Official Statistics* 6, 3–73.
.. [Kunsch1989] Künsch, H. R. (1989). The jackknife and the bootstrap for general
   stationary observations. *Ann. Statist.* 17, 1217–1241.
.. [Carslaw2012] Carslaw, D. C., Ropkins, K. (2012). openair — an R package for
   air quality data analysis. *Environ. Modell. Softw.* 27–28, 52–61.

Examples
--------
>>> res = theil_sen([10, 12, 11, 14, 13, 15, 17, 16, 18, 20])
>>> res.slope, res.intercept, res.s, res.var_s
(1.0, 10.0, 39, 125.0)
>>> round(res.p_value, 6), res.ci_low, round(res.ci_high, 3)
(0.000677, 0.75, 1.333)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from . import standards
from ._frames import Frame, finish, require_columns, require_dtype, to_lazy
from .errors import IndicatorInputError
from .glossary import AIR_POLLUTANTS

__all__ = [
    "TrendResult",
    "deseasonalise",
    "period_statistic",
    "seasonal_kendall",
    "stl_decomposition",
    "stl_figure",
    "theil_sen",
    "time_variation",
    "time_variation_figure",
    "trend_figure",
    "trend_test",
]

#: Fewest valid values a trend is computed from (below it, S has no useful
#: distribution and the confidence interval is undefined). A statistical
#: choice of this package, not a regulatory number.
MIN_VALUES = 3

#: STL seasonal smoother window used when deseasonalising (openair's
#: ``s.window = 35``: a nearly fixed seasonal cycle).
STL_SEASONAL_WINDOW = 35

#: Daily column -> (pollutant, statistic family in the standards tables).
#: Means follow GB 3095 Table 4 day counts; percentiles follow HJ 663.
_DAILY_STATISTIC: dict[str, str] = {
    "SO2": "SO2",
    "NO2": "NO2",
    "PM10": "PM10",
    "PM2.5": "PM2.5",
    "CO": "CO",
    "O3_MDA8": "O3",
}


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class TrendResult:
    """Result of :func:`theil_sen` or :func:`seasonal_kendall`.

    Attributes
    ----------
    slope : float
        Sen slope [unit of the values per step; per year for
        :func:`seasonal_kendall`].
    intercept : float
        Sen line at the first time of the series (x = 0) [unit of the values].
    ci_low, ci_high : float
        Confidence interval of the slope at level ``1 - alpha`` [as slope].
    s : int
        Mann–Kendall statistic S (sum over seasons for the seasonal test).
    var_s : float
        Variance of S under no trend, corrected for ties.
    z : float
        Normal score with continuity correction.
    p_value : float
        Two-sided p-value of the normal approximation.
    n : int
        Valid values used.
    n_excluded : int
        Values excluded (missing or failing the validity rules).
    periods_per_year : float
        Steps per year (12 monthly, 1 annual).
    slope_per_year : float
        ``slope * periods_per_year`` [unit per year].
    slope_pct_per_year : float
        ``100 * slope_per_year / intercept`` [percent per year]; NaN when the
        intercept is not positive.
    alpha : float
        Significance level of the interval.
    ci_method : str
        ``"rank"`` (Sen 1968) or ``"block_bootstrap"``.
    deseasonalised : bool
        Whether an STL seasonal component was removed first.
    method : str
        ``"theil_sen"`` or ``"seasonal_kendall"``.
    """

    slope: float
    intercept: float
    ci_low: float
    ci_high: float
    s: int
    var_s: float
    z: float
    p_value: float
    n: int
    n_excluded: int
    periods_per_year: float
    slope_per_year: float
    slope_pct_per_year: float
    alpha: float
    ci_method: str
    deseasonalised: bool
    method: str

    def as_dict(self) -> dict[str, Any]:
        """Return the fields as a plain dict (one row of :func:`trend_test`)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


# --------------------------------------------------------------------------- core maths


def _as_float_array(values: Any, name: str) -> np.ndarray:
    if isinstance(values, pl.Series):
        values = values.cast(pl.Float64).to_numpy()
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise IndicatorInputError(
            "values are not numbers", column=name, expected="numbers or null", found=values
        ) from None
    if arr.ndim != 1:
        raise IndicatorInputError(
            "values must be one-dimensional", column=name, expected="1-D", found=arr.shape
        )
    return arr


def _tie_term(values: np.ndarray) -> float:
    _, counts = np.unique(values, return_counts=True)
    counts = counts[counts > 1].astype(float)
    return float(np.sum(counts * (counts - 1) * (2 * counts + 5)))


def _mk_s(y: np.ndarray) -> int:
    diff = y[np.newaxis, :] - y[:, np.newaxis]
    return int(np.sum(np.sign(diff[np.triu_indices(len(y), k=1)])))


def _mk_var(y: np.ndarray) -> float:
    n = len(y)
    return (n * (n - 1) * (2 * n + 5) - _tie_term(y)) / 18.0


def _z_and_p(s: int, var_s: float) -> tuple[float, float]:
    if var_s <= 0 or s == 0:
        return 0.0, 1.0
    z = (s - 1) / math.sqrt(var_s) if s > 0 else (s + 1) / math.sqrt(var_s)
    # scipy.stats.norm.sf(x) is ndtr(-x): the same number, without importing scipy.stats
    # (0.5 s) and its argument checks (a national batch tests a thousand series)
    from scipy.special import ndtr

    return z, float(2.0 * ndtr(-abs(z)))


def _pair_slopes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    i, j = np.triu_indices(len(y), k=1)
    dx = x[j] - x[i]
    keep = dx != 0
    return (y[j] - y[i])[keep] / dx[keep]


def _rank_ci(slopes: np.ndarray, var_s: float, alpha: float) -> tuple[float, float]:
    """Sen (1968) eq. 2.6 / Gilbert (1987) §16.5, ranks rounded to nearest as in scipy."""
    if slopes.size == 0:
        return math.nan, math.nan
    slopes = np.sort(slopes)
    from scipy.special import ndtri  # (scipy.stats.norm.ppf)

    c = ndtri(1 - alpha / 2) * math.sqrt(max(var_s, 0.0))
    n_slopes = slopes.size
    lower = max(int(np.round((n_slopes - c) / 2.0)) - 1, 0)
    upper = min(int(np.round((n_slopes + c) / 2.0)), n_slopes - 1)
    return float(slopes[lower]), float(slopes[upper])


def _block_bootstrap_ci(
    x: np.ndarray,
    y: np.ndarray,
    slope: float,
    intercept: float,
    alpha: float,
    n_boot: int,
    block_length: int | None,
    seed: int,
) -> tuple[float, float]:
    """Moving-block bootstrap of the residuals about the Sen line (Künsch 1989)."""
    n = len(y)
    length = block_length if block_length is not None else max(1, math.ceil(n ** (1 / 3)))
    if not 1 <= length <= n:
        raise IndicatorInputError(
            "block length out of range",
            column="block_length",
            expected=f"1..{n}",
            found=length,
        )
    fitted = intercept + slope * x
    resid = y - fitted
    rng = np.random.default_rng(seed)
    n_blocks = math.ceil(n / length)
    starts = rng.integers(0, n - length + 1, size=(n_boot, n_blocks))
    idx = (starts[:, :, np.newaxis] + np.arange(length)).reshape(n_boot, -1)[:, :n]
    i, j = np.triu_indices(n, k=1)
    dx = x[j] - x[i]
    keep = dx != 0
    i, j, dx = i[keep], j[keep], dx[keep]
    # resample in batches so that a batch holds at most ~2 million pairwise slopes
    batch = max(1, 2_000_000 // max(dx.size, 1))
    boot_slopes = np.empty(n_boot)
    for lo in range(0, n_boot, batch):
        boot_y = fitted + resid[idx[lo : lo + batch]]
        boot_slopes[lo : lo + batch] = np.median((boot_y[:, j] - boot_y[:, i]) / dx, axis=1)
    low, high = np.quantile(boot_slopes, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise IndicatorInputError(
            "significance level out of range", column="alpha", expected="0 < alpha < 1", found=alpha
        )


def _deseasonalise(y: np.ndarray, period: int) -> np.ndarray:
    """Remove an STL seasonal component; gaps are interpolated for the fit only."""
    from statsmodels.tsa.seasonal import STL

    valid = np.isfinite(y)
    if period < 2:
        raise IndicatorInputError(
            "seasonal period too short", column="period", expected=">= 2", found=period
        )
    first, last = np.flatnonzero(valid)[[0, -1]]
    span = y[first : last + 1]
    if len(span) < 2 * period:
        raise IndicatorInputError(
            "too short to deseasonalise",
            column="values",
            expected=f"at least two seasonal cycles ({2 * period} steps) between the first "
            "and last valid value",
            found=f"{len(span)} steps",
        )
    pos = np.arange(len(span))
    ok = np.isfinite(span)
    filled = np.interp(pos, pos[ok], span[ok])
    seasonal = STL(filled, period=period, seasonal=STL_SEASONAL_WINDOW, robust=True).fit().seasonal
    out = y.copy()
    out[first : last + 1] = span - seasonal
    return out


def deseasonalise(
    values: Sequence[float | None] | np.ndarray | pl.Series, *, period: int = 12
) -> np.ndarray:
    """A regular series without its STL seasonal component (季节调整), as the trend tests see it.

    The values :func:`theil_sen` and :func:`trend_test` test with
    ``deseasonalise=True`` (robust STL, seasonal window 35 as openair's
    ``TheilSen(deseason = TRUE)``), for plotting them.

    Parameters
    ----------
    values : sequence of float
        Consecutive values of one series [any unit], one per step (e.g. month);
        NaN/None keep their place.
    period : int, default 12
        Seasonal period [steps].

    Returns
    -------
    numpy.ndarray
        ``values − seasonal`` [unit of the values]; NaN where the value is missing.

    Raises
    ------
    IndicatorInputError
        Fewer than two cycles between the first and last valid value.

    Notes
    -----
    Gaps are linearly interpolated for the STL fit only. Standard: a
    statistical method, no regulatory clause.

    Examples
    --------
    >>> y = [10.0 + 5 * (i % 12 == 0) + 0.1 * i for i in range(36)]
    >>> out = deseasonalise(y)
    >>> bool(abs(out[12] - out[11]) < abs(y[12] - y[11]))
    True
    """
    y = _as_float_array(values, "values")
    if not np.isfinite(y).any():
        raise IndicatorInputError(
            "no valid value to deseasonalise", column="values", expected="numbers", found="none"
        )
    return _deseasonalise(y, period)


def theil_sen(
    values: Sequence[float | None] | np.ndarray | pl.Series,
    times: Sequence[float] | np.ndarray | pl.Series | None = None,
    *,
    periods_per_year: float = 1.0,
    alpha: float = 0.05,
    deseasonalise: bool = False,
    period: int = 12,
    ci_method: Literal["rank", "block_bootstrap"] = "rank",
    n_boot: int = 1000,
    block_length: int | None = None,
    seed: int = 0,
) -> TrendResult:
    """Theil–Sen slope with the Mann–Kendall trend test (Theil-Sen 斜率与 Mann-Kendall 检验).

    Parameters
    ----------
    values : sequence of float
        The series [any unit], in time order. NaN/None are excluded and counted.
    times : sequence of float, optional
        Time of each value [steps]; default ``0, 1, ..., n-1``. Must be strictly
        increasing. The intercept is the Sen line at ``times[0]``.
    periods_per_year : float, default 1
        Steps per year: 12 for monthly values, 1 for annual values.
    alpha : float, default 0.05
        Significance level; the interval has level ``1 - alpha``.
    deseasonalise : bool, default False
        Remove the STL seasonal component (period ``period``, robust, seasonal
        window 35 as openair) before the test. Needs integer ``times`` and at
        least two full cycles; gaps are linearly interpolated for the STL fit
        only and stay excluded from the test.
    period : int, default 12
        Seasonal period [steps] for ``deseasonalise``.
    ci_method : {"rank", "block_bootstrap"}, default "rank"
        ``"rank"``: the Sen (1968) / Hollander–Wolfe interval from var(S) (as
        :func:`scipy.stats.theilslopes`, R ``zyp``). ``"block_bootstrap"``: a
        moving-block bootstrap of the residuals about the Sen line, robust to
        autocorrelation (percentile interval, ``n_boot`` resamples, block
        length ``ceil(n ** (1/3))`` unless given, generator seeded by ``seed``:
        the same call gives the same interval).
    n_boot, block_length, seed
        Bootstrap settings (ignored by ``"rank"``).

    Returns
    -------
    TrendResult
        Slope per step, intercept, interval, S, var(S), z, p, counts.

    Raises
    ------
    IndicatorInputError
        Fewer than 3 valid values, times not increasing, bad settings.

    Notes
    -----
    S = Σ_{i<j} sgn(y_j − y_i) over valid values [Mann1945]_;
    var(S) = [n(n−1)(2n+5) − Σ_t t(t−1)(2t+5)] / 18 over tie groups t
    [Kendall1975]_; z = (S − 1)/√var(S) for S > 0, (S + 1)/√var(S) for S < 0,
    0 for S = 0; p = 2(1 − Φ(abs(z))). Slope = median of (y_j − y_i)/(x_j − x_i);
    intercept = median(y) − slope · median(x) [Sen1968]_. Rank interval:
    C = z_{1−α/2} √var(S), N pairwise slopes sorted ascending, lower = slope of
    1-based rank round((N − C)/2), upper = slope of 1-based rank
    round((N + C)/2) + 1 [Gilbert1987]_ §16.5 (ranks clipped to 1..N).

    Standard: a statistical method, no regulatory clause. The validity of
    monthly or annual values (GB 3095 Table 4, HJ 663) is applied upstream by
    :func:`period_statistic`; missing values are excluded and counted.

    References
    ----------
    .. [Mann1945] Mann, H. B. (1945). Nonparametric tests against trend.
       *Econometrica* 13, 245–259.
    .. [Kendall1975] Kendall, M. G. (1975). *Rank Correlation Methods*, 4th ed. Griffin.
    .. [Sen1968] Sen, P. K. (1968). Estimates of the regression coefficient based on
       Kendall's tau. *JASA* 63, 1379–1389 (eq. 2.6: the confidence interval).
    .. [Gilbert1987] Gilbert, R. O. (1987). *Statistical Methods for Environmental
       Pollution Monitoring*. Van Nostrand Reinhold, §16.4–16.5 and §17.

    Examples
    --------
    >>> r = theil_sen([35, 41, 38, 30, 33, 29, 31, 27, 26, 28, 25, 24])
    >>> r.s, round(r.var_s, 2), round(r.z, 4), round(r.p_value, 6)
    (-52, 212.67, -3.4972, 0.00047)
    >>> round(r.slope, 5), round(r.intercept, 4), round(r.ci_low, 4), r.ci_high
    (-1.13393, 35.7366, -1.7778, -0.75)
    """
    _check_alpha(alpha)
    y_all = _as_float_array(values, "values")
    if times is None:
        x_all = np.arange(len(y_all), dtype=float)
    else:
        x_all = _as_float_array(times, "times")
        if len(x_all) != len(y_all):
            raise IndicatorInputError(
                "times and values differ in length",
                column="times",
                expected=f"{len(y_all)} times",
                found=len(x_all),
            )
        if not np.all(np.isfinite(x_all)) or np.any(np.diff(x_all) <= 0):
            raise IndicatorInputError(
                "times must be finite and strictly increasing",
                column="times",
                expected="strictly increasing numbers",
                found=x_all.tolist(),
            )
        x_all = x_all - x_all[0]
    _check_ci_method(ci_method, n_boot)
    valid = np.isfinite(y_all)
    n = int(valid.sum())
    if n < MIN_VALUES:
        raise IndicatorInputError(
            "too few valid values for a trend",
            column="values",
            expected=f">= {MIN_VALUES} valid values",
            found=n,
        )
    if deseasonalise:
        if not np.allclose(x_all, np.round(x_all)):
            raise IndicatorInputError(
                "deseasonalising needs integer step times",
                column="times",
                expected="integers (step numbers)",
                found=x_all.tolist(),
            )
        grid = np.full(round(x_all[-1]) + 1, np.nan)
        grid[np.round(x_all).astype(int)] = y_all
        y_all = _deseasonalise(grid, period)[np.round(x_all).astype(int)]
    x, y = x_all[valid], y_all[valid]
    s = _mk_s(y)
    var_s = _mk_var(y)
    z, p = _z_and_p(s, var_s)
    slopes = _pair_slopes(x, y)
    slope = float(np.median(slopes))
    intercept = float(np.median(y) - slope * np.median(x))
    if ci_method == "rank":
        low, high = _rank_ci(slopes, var_s, alpha)
    else:
        low, high = _block_bootstrap_ci(x, y, slope, intercept, alpha, n_boot, block_length, seed)
    per_year = slope * periods_per_year
    pct = 100.0 * per_year / intercept if intercept > 0 else math.nan
    return TrendResult(
        slope=slope,
        intercept=intercept,
        ci_low=low,
        ci_high=high,
        s=s,
        var_s=var_s,
        z=z,
        p_value=p,
        n=n,
        n_excluded=len(y_all) - n,
        periods_per_year=float(periods_per_year),
        slope_per_year=per_year,
        slope_pct_per_year=pct,
        alpha=alpha,
        ci_method=ci_method,
        deseasonalised=deseasonalise,
        method="theil_sen",
    )


def seasonal_kendall(
    values: Sequence[float | None] | np.ndarray | pl.Series,
    *,
    period: int = 12,
    alpha: float = 0.05,
) -> TrendResult:
    """Seasonal Kendall test and seasonal Sen slope (季节性 Kendall 检验).

    Parameters
    ----------
    values : sequence of float
        Consecutive values of a seasonal series [any unit], e.g. monthly
        values starting in any month: value ``i`` is season ``i % period`` of
        cycle ``i // period``. Missing values (NaN/None) keep their place and
        are excluded and counted.
    period : int, default 12
        Seasons per cycle (12 for monthly data: the slope is then per year).
    alpha : float, default 0.05
        Significance level of the slope interval.

    Returns
    -------
    TrendResult
        ``slope`` is per cycle (per year for monthly data), ``periods_per_year``
        is 1, ``method`` is ``"seasonal_kendall"``.

    Raises
    ------
    IndicatorInputError
        Fewer than 3 valid values or fewer than 2 cycles.

    Notes
    -----
    [Hirsch1982]_: S = Σ_g S_g and var(S) = Σ_g var(S_g), where S_g and
    var(S_g) are the Mann–Kendall statistic and its tie-corrected variance of
    season g over the cycles (no covariance term between seasons: serial
    dependence between seasons is not corrected, [Gilbert1987]_ §17.2). z and p
    as in :func:`theil_sen`. Standard: a statistical method, no regulatory
    clause; monthly values should pass the GB 3095 Table 4 / HJ 663 day counts
    (:func:`period_statistic`). Slope = median of all within-season slopes
    (y_j − y_i)/(cycle_j − cycle_i); intercept = median(y) − slope ·
    median(cycle) (the Sen line at cycle 0); interval by the Sen rank method
    with var(S) and the within-season slopes [Gilbert1987]_ §17.3.

    References
    ----------
    .. [Hirsch1982] Hirsch, R. M., Slack, J. R., Smith, R. A. (1982). Techniques of
       trend analysis for monthly water quality data. *Water Resour. Res.* 18, 107–121.
    .. [Gilbert1987] Gilbert, R. O. (1987). *Statistical Methods for Environmental
       Pollution Monitoring*. Van Nostrand Reinhold, §16.4–16.5 and §17.

    Examples
    --------
    Two seasons over three cycles, worked by hand in ``tests/test_trends.py``:

    >>> r = seasonal_kendall([1, 5, 2, 4, 3, 6], period=2)
    >>> r.s, round(r.var_s, 4), round(r.z, 4), r.slope
    (4, 7.3333, 1.1078, 1.0)
    """
    _check_alpha(alpha)
    y_all = _as_float_array(values, "values")
    if period < 1:
        raise IndicatorInputError(
            "period must be positive", column="period", expected=">= 1", found=period
        )
    valid = np.isfinite(y_all)
    n = int(valid.sum())
    if n < MIN_VALUES:
        raise IndicatorInputError(
            "too few valid values for a trend",
            column="values",
            expected=f">= {MIN_VALUES} valid values",
            found=n,
        )
    idx = np.arange(len(y_all))
    cycle = (idx // period).astype(float)
    season = idx % period
    if cycle[valid].max() - cycle[valid].min() < 1:
        raise IndicatorInputError(
            "seasonal Kendall needs at least two cycles",
            column="values",
            expected=f"values in at least two cycles of {period}",
            found=f"{len(y_all)} values",
        )
    s_total, var_total = 0, 0.0
    all_slopes = []
    for g in range(period):
        mask = valid & (season == g)
        yg, xg = y_all[mask], cycle[mask]
        if len(yg) < 2:
            continue
        s_total += _mk_s(yg)
        var_total += _mk_var(yg)
        all_slopes.append(_pair_slopes(xg, yg))
    slopes = np.concatenate(all_slopes) if all_slopes else np.array([])
    if slopes.size == 0:
        raise IndicatorInputError(
            "no season has two valid values",
            column="values",
            expected="at least one season with values in two cycles",
            found=f"{n} valid values",
        )
    z, p = _z_and_p(s_total, var_total)
    slope = float(np.median(slopes))
    intercept = float(np.median(y_all[valid]) - slope * np.median(cycle[valid]))
    low, high = _rank_ci(slopes, var_total, alpha)
    pct = 100.0 * slope / intercept if intercept > 0 else math.nan
    return TrendResult(
        slope=slope,
        intercept=intercept,
        ci_low=low,
        ci_high=high,
        s=s_total,
        var_s=var_total,
        z=z,
        p_value=p,
        n=n,
        n_excluded=len(y_all) - n,
        periods_per_year=1.0,
        slope_per_year=slope,
        slope_pct_per_year=pct,
        alpha=alpha,
        ci_method="rank",
        deseasonalised=False,
        method="seasonal_kendall",
    )


# --------------------------------------------------------------------------- frames


def _default_by(schema: pl.Schema, by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        for col in ("city", "station"):
            if col in schema:
                return [col]
        return []
    return [by] if isinstance(by, str) else list(by)


def _edition_expr(family: str, day: pl.Expr) -> pl.Expr:
    """Edition of ``family`` in force on ``day`` (first edition before the first date)."""
    eds = standards.EDITIONS[family]
    expr: Any = pl.lit(eds[0].name)
    for ed in eds:
        expr = pl.when(day >= pl.lit(ed.valid_from)).then(pl.lit(ed.name)).otherwise(expr)
    return expr


def _validity_rules(family: str, statistic: str) -> pl.DataFrame:
    """``edition, monthly, february, min_days`` for one statistic family of ``air_validity``.

    ``statistic`` is ``"mean"`` (GB 3095 Table 4: monthly_mean,
    monthly_mean_february, annual_mean) or ``"percentile"`` (HJ 663:
    monthly_percentile, monthly_percentile_february, annual_percentile).
    """
    rows = []
    for ed in standards.EDITIONS[family]:
        got = {
            r["statistic"]: r["min_count"]
            for r in standards.edition_rows("air_validity", ed.name).iter_rows(named=True)
        }
        for stat, monthly, february in (
            (f"annual_{statistic}", False, False),
            (f"monthly_{statistic}", True, False),
            (f"monthly_{statistic}_february", True, True),
        ):
            if stat not in got:
                raise IndicatorInputError(
                    "validity rule missing from the standards table",
                    file="air_validity",
                    column="statistic",
                    expected=f"a row {stat!r} for {ed.name}",
                    found=sorted(got),
                )
            rows.append(
                {
                    "edition": ed.name,
                    "monthly": monthly,
                    "february": february,
                    "min_days": got[stat],
                }
            )
    return pl.DataFrame(
        rows,
        schema={
            "edition": pl.String,
            "monthly": pl.Boolean,
            "february": pl.Boolean,
            "min_days": pl.Int64,
        },
    )


def _statistic_of(column: str, statistic: str) -> tuple[str, float | None]:
    """``(family kind, quantile)`` for a daily column: mean or HJ 663 percentile."""
    if statistic == "mean":
        return "mean", None
    if statistic != "auto":
        raise IndicatorInputError(
            "unknown statistic", column="statistic", expected="'auto' or 'mean'", found=statistic
        )
    pollutant = _DAILY_STATISTIC.get(column)
    if pollutant is None:
        return "mean", None
    table = standards.table("air_hj663_statistics").filter(pollutant=pollutant)
    kinds = table["statistic"].unique().to_list()
    percentiles = table["percentile"].unique().to_list()
    if len(kinds) != 1 or len(percentiles) != 1:
        raise IndicatorInputError(
            "HJ 663 editions disagree on the statistic; choose statistic='mean'",
            file="air_hj663_statistics",
            column="statistic",
            expected="one statistic across editions",
            found=kinds,
        )
    if kinds[0] == "mean":
        return "mean", None
    return "percentile", float(percentiles[0]) / 100.0


def period_statistic(
    daily: Frame | Any,
    column: str,
    *,
    freq: Literal["month", "year"] = "month",
    by: str | Sequence[str] | None = None,
    statistic: Literal["auto", "mean"] = "auto",
) -> Frame:
    """Monthly or annual statistic of daily values, null when the period is invalid.

    The value is the period mean of the daily values (SO2, NO2, PM10, PM2.5 and
    any other column), or for ``statistic="auto"`` the HJ 663 statistic of the
    pollutant: the 95th percentile of daily CO and the 90th percentile of
    O3_MDA8 (table ``air_hj663_statistics``), by the HJ 663 formula
    k = 1 + (n − 1)p (linear interpolation).

    Parameters
    ----------
    daily : DataFrame or LazyFrame
        Daily values as returned by ``air.daily_aqi``: a ``date`` column
        (pl.Date) and ``column`` (null = invalid day), grouped by ``by``.
    column : str
        Daily column, e.g. ``"PM2.5"`` [ug/m3], ``"CO"`` [mg/m3], ``"O3_MDA8"``.
    freq : {"month", "year"}, default "month"
        Calendar months or calendar years.
    by : str or list of str, optional
        Grouping; default ``city`` (or ``station``) when present; ``[]`` for none.
    statistic : {"auto", "mean"}, default "auto"
        ``"mean"`` forces the arithmetic mean for every column.

    Returns
    -------
    DataFrame or LazyFrame
        One row per group and period: ``by``, ``period_start`` (pl.Date, first
        day), ``column`` (the statistic, null when the period is invalid),
        ``n_<column>`` (valid days), ``min_days`` (required), ``period_valid``
        (bool), ``statistic`` (``"mean"``, ``"P95"``...), ``standard`` (edition
        whose rule was applied).

    Notes
    -----
    Validity (table ``air_validity``): means follow GB 3095 Table 4 (a month
    needs 27 valid daily values, February 25, a year 324); percentiles follow
    HJ 663 (same counts; UNVERIFIED rows of the table, see its ``notes``). The
    edition is the one in force on the first day of the period
    (:func:`indicators.standards.edition_in_force`). A period is valid when
    ``n_<column> >= min_days`` (closed at the minimum). Periods with no row
    at all in ``daily`` do not appear (:func:`trend_test` counts them as
    excluded). Only rows where ``column`` is not null count as valid days.

    Examples
    --------
    >>> from datetime import date, timedelta
    >>> days = [date(2025, 2, 1) + timedelta(d) for d in range(28)]
    >>> daily = pl.DataFrame({"date": days, "PM2.5": [40.0] * 25 + [None] * 3})
    >>> period_statistic(daily, "PM2.5").select("period_start", "PM2.5", "n_PM2.5",
    ...     "min_days", "period_valid").row(0)
    (datetime.date(2025, 2, 1), 40.0, 25, 25, True)
    """
    lf, was_lazy = to_lazy(daily, name="daily")
    schema = lf.collect_schema()
    require_columns(schema, ["date", column], name="daily")
    if freq not in ("month", "year"):
        raise IndicatorInputError(
            "unknown frequency", column="freq", expected="'month' or 'year'", found=freq
        )
    keys = _default_by(schema, by)
    require_columns(schema, keys, name="daily")
    kind, q = _statistic_of(column, statistic)
    family = "GB 3095" if kind == "mean" else "HJ 663"
    rules = _validity_rules(family, kind).lazy()
    every = "1mo" if freq == "month" else "1y"
    value = pl.col(column).cast(pl.Float64)
    agg = value.mean() if q is None else value.quantile(q, interpolation="linear")
    label = "mean" if q is None else f"P{round(q * 100)}"
    out = (
        lf.with_columns(pl.col("date").dt.truncate(every).alias("period_start"))
        .group_by([*keys, "period_start"])
        .agg(agg.alias(column), value.count().alias(f"n_{column}"))
        .with_columns(
            _edition_expr(family, pl.col("period_start")).alias("standard"),
            pl.lit(freq == "month").alias("monthly"),
            ((pl.col("period_start").dt.month() == 2) & pl.lit(freq == "month")).alias("february"),
        )
        .join(
            rules,
            left_on=["standard", "monthly", "february"],
            right_on=["edition", "monthly", "february"],
            how="left",
        )
        .with_columns(
            (pl.col(f"n_{column}") >= pl.col("min_days")).alias("period_valid"),
            pl.lit(label).alias("statistic"),
        )
        .with_columns(
            pl.when(pl.col("period_valid")).then(pl.col(column)).otherwise(None).alias(column),
            pl.col(f"n_{column}").cast(pl.Int64),
        )
        .select(
            *keys,
            "period_start",
            column,
            f"n_{column}",
            "min_days",
            "period_valid",
            "statistic",
            "standard",
        )
        .sort([*keys, "period_start"])
    )
    return finish(out, was_lazy)


def _step_index(period_start: pl.Series, freq: str) -> np.ndarray:
    years = period_start.dt.year().to_numpy().astype(int)
    if freq == "year":
        return years - years.min()
    months = years * 12 + period_start.dt.month().to_numpy().astype(int) - 1
    return months - months.min()


def trend_test(
    series: Frame | Any,
    column: str,
    *,
    freq: Literal["month", "year"] = "month",
    by: str | Sequence[str] | None = None,
    method: Literal["theil_sen", "seasonal_kendall"] = "theil_sen",
    deseasonalise: bool = False,
    alpha: float = 0.05,
    ci_method: Literal["rank", "block_bootstrap"] = "rank",
    n_boot: int = 1000,
    seed: int = 0,
) -> Frame:
    """Trend per group of a monthly or annual series (趋势检验), one row per group.

    Parameters
    ----------
    series : DataFrame or LazyFrame
        Output of :func:`period_statistic` (or any frame with ``period_start``
        (pl.Date, first day of each month or year) and ``column``; null values
        are excluded and counted).
    column : str
        The value column [its own unit].
    freq : {"month", "year"}, default "month"
        Spacing of ``period_start``.
    by : str or list of str, optional
        Grouping; default ``city`` (or ``station``) when present; ``[]`` for none.
    method : {"theil_sen", "seasonal_kendall"}, default "theil_sen"
        :func:`theil_sen` or, for monthly data, :func:`seasonal_kendall`
        (seasons = calendar months).
    deseasonalise : bool, default False
        STL-deseasonalise monthly values first (``theil_sen`` only).
    alpha, ci_method, n_boot, seed
        As :func:`theil_sen`.

    Returns
    -------
    DataFrame or LazyFrame
        One row per group: ``by``, ``start``, ``end`` (first and last period),
        ``n``, ``n_excluded`` (null values plus periods missing between
        ``start`` and ``end``), ``slope`` [unit per step], ``intercept``,
        ``ci_low``, ``ci_high``, ``s``, ``var_s``, ``z``, ``p_value``,
        ``slope_per_year`` [unit/yr], ``slope_pct_per_year`` [%/yr],
        ``method``, ``ci_method``, ``deseasonalised``. Groups with fewer than 3
        valid values (or too short to deseasonalise) get null statistics and
        their counts.

    Notes
    -----
    Time of a period = months (or years) since the group's first period, so the
    intercept is the Sen line at ``start``. Standard: no regulatory clause for
    the test itself; periods failing GB 3095 Table 4 / HJ 663 validity arrive
    as nulls from :func:`period_statistic` and are counted in ``n_excluded``.
    For ``seasonal_kendall`` the series is laid on a full month grid starting
    at the first period's calendar month.

    Examples
    --------
    >>> from datetime import date
    >>> s = pl.DataFrame({"period_start": [date(y, 1, 1) for y in range(2015, 2025)],
    ...                   "PM2.5": [50.0, 48, 49, 45, 44, 40, None, 38, 35, 33]})
    >>> row = trend_test(s, "PM2.5", freq="year").row(0, named=True)
    >>> row["n"], row["n_excluded"], row["slope_per_year"]
    (9, 1, -2.0)
    """
    lf, was_lazy = to_lazy(series, name="series")
    schema = lf.collect_schema()
    require_columns(schema, ["period_start", column], name="series")
    keys = _default_by(schema, by)
    require_columns(schema, keys, name="series")
    _check_trend_options(method, freq, alpha, ci_method, n_boot)
    df = lf.select(*keys, "period_start", pl.col(column).cast(pl.Float64)).collect()
    ppy = 12.0 if freq == "month" else 1.0
    rows = []
    groups = (
        df.sort([*keys, "period_start"]).partition_by(keys, as_dict=True, maintain_order=True)
        if keys
        else {(): df.sort("period_start")}
    )
    for key, part in groups.items():
        row: dict[str, Any] = dict(zip(keys, key, strict=True))
        grid = _group_grid(part, column, freq, row)
        row["start"] = part["period_start"].min()
        row["end"] = part["period_start"].max()
        try:
            if method == "seasonal_kendall":
                res = seasonal_kendall(grid, period=12, alpha=alpha)
            else:
                res = theil_sen(
                    grid,
                    periods_per_year=ppy,
                    alpha=alpha,
                    deseasonalise=deseasonalise,
                    ci_method=ci_method,
                    n_boot=n_boot,
                    seed=seed,
                )
        except IndicatorInputError:
            n_valid = int(np.isfinite(grid).sum())
            if n_valid >= MIN_VALUES and not deseasonalise and method == "theil_sen":
                raise
            row.update(
                n=n_valid,
                n_excluded=len(grid) - n_valid,
                method=method,
                ci_method=ci_method,
                deseasonalised=deseasonalise,
            )
        else:
            row.update(res.as_dict())
            row.pop("alpha")
            row.pop("periods_per_year")
        rows.append(row)
    key_schema = {k: df.schema[k] for k in keys}
    out_schema = {
        **key_schema,
        "start": pl.Date,
        "end": pl.Date,
        "n": pl.Int64,
        "n_excluded": pl.Int64,
        "slope": pl.Float64,
        "intercept": pl.Float64,
        "ci_low": pl.Float64,
        "ci_high": pl.Float64,
        "s": pl.Int64,
        "var_s": pl.Float64,
        "z": pl.Float64,
        "p_value": pl.Float64,
        "slope_per_year": pl.Float64,
        "slope_pct_per_year": pl.Float64,
        "method": pl.String,
        "ci_method": pl.String,
        "deseasonalised": pl.Boolean,
    }
    out = (
        pl.DataFrame(
            [{k: r.get(k) for k in out_schema} for r in rows], schema=out_schema, orient="row"
        )
        if rows
        else pl.DataFrame(schema=out_schema)
    )
    out = out.with_columns(
        pl.col(c).fill_nan(None) for c in out_schema if out_schema[c] == pl.Float64
    )
    return finish(out, was_lazy)


def _check_ci_method(ci_method: str, n_boot: int) -> None:
    """A known interval method; at least one resample for the block bootstrap."""
    if ci_method not in ("rank", "block_bootstrap"):
        raise IndicatorInputError(
            "unknown interval method",
            column="ci_method",
            expected="'rank' or 'block_bootstrap'",
            found=ci_method,
        )
    if ci_method == "block_bootstrap" and n_boot < 1:
        raise IndicatorInputError(
            "too few bootstrap resamples", column="n_boot", expected=">= 1", found=n_boot
        )


def _check_trend_options(method: str, freq: str, alpha: float, ci_method: str, n_boot: int) -> None:
    """The options of :func:`trend_test`: known method, frequency and interval method."""
    if method not in ("theil_sen", "seasonal_kendall"):
        raise IndicatorInputError(
            "unknown trend method",
            column="method",
            expected="'theil_sen' or 'seasonal_kendall'",
            found=method,
        )
    if freq not in ("month", "year"):
        raise IndicatorInputError(
            "unknown frequency", column="freq", expected="'month' or 'year'", found=freq
        )
    _check_alpha(alpha)
    _check_ci_method(ci_method, n_boot)
    if method == "seasonal_kendall" and freq != "month":
        raise IndicatorInputError(
            "the seasonal Kendall test needs monthly values",
            column="freq",
            expected="'month'",
            found=freq,
        )


def _group_grid(part: pl.DataFrame, column: str, freq: str, key: dict[str, Any]) -> np.ndarray:
    """A group's values on the regular grid of its periods (NaN where missing)."""
    step = _step_index(part["period_start"], freq)
    if np.any(np.diff(step) <= 0):
        raise IndicatorInputError(
            "duplicate period in a group",
            file="series",
            column="period_start",
            expected=f"one row per {freq} and group",
            found=dict(key) or "the whole frame",
        )
    if not len(step):
        return np.array([])
    grid = np.full(int(step[-1]) + 1, np.nan)
    grid[step] = part[column].fill_null(float("nan")).to_numpy()
    return grid


# --------------------------------------------------------------------------- STL


def stl_decomposition(
    series: Frame | Any,
    column: str,
    *,
    time: str = "period_start",
    period: int | None = None,
    robust: bool = True,
) -> Frame:
    """STL decomposition (季节-趋势分解) of one monthly or daily series.

    Parameters
    ----------
    series : DataFrame or LazyFrame
        One series: ``time`` (pl.Date, monthly first days or consecutive days)
        and ``column`` (null = missing). Group first; one series per call.
    column : str
        Value column [its unit].
    time : str, default "period_start"
        Time column; ``"date"`` for a daily frame.
    period : int, optional
        Seasonal period [steps]; default 12 for monthly data and 365 for daily
        data (the annual cycle; leap days are not special-cased).
    robust : bool, default True
        Robust (outlier-resistant) loess fitting.

    Returns
    -------
    DataFrame or LazyFrame
        ``time``, ``observed`` (the input, null kept), ``imputed`` (bool: the
        value was missing and was interpolated for the fit), ``trend``,
        ``seasonal``, ``resid`` (null where ``observed`` is null) [unit of
        ``column``].

    Raises
    ------
    IndicatorInputError
        Fewer than two periods between the first and last valid value,
        duplicate times, no valid value.

    Notes
    -----
    statsmodels ``STL`` [Cleveland1990]_ with its default seasonal window (7).
    Missing steps (nulls, or months/days with no row) are filled on a regular
    grid by linear interpolation between valid neighbours (held constant
    before the first and after the last valid value) for the fit only; they
    are flagged in ``imputed`` and their residual is null. The step is a month
    when every ``time`` is a first of month and a day otherwise. Standard: a
    statistical method, no regulatory clause (monthly values per GB 3095 Table 4
    from :func:`period_statistic`; daily values per HJ 633/GB 3095 from
    ``air.daily_aqi``).

    References
    ----------
    .. [Cleveland1990] Cleveland, R. B. et al. (1990). STL: a seasonal-trend
       decomposition procedure based on loess. *J. Official Statistics* 6, 3–73.

    Examples
    --------
    >>> from datetime import date
    >>> months = pl.date_range(date(2023, 1, 1), date(2024, 12, 1), "1mo", eager=True)
    >>> values = [10.0 + (m.month in (1, 2, 12)) * 5 + i * 0.1 for i, m in enumerate(months)]
    >>> out = stl_decomposition(pl.DataFrame({"period_start": months, "v": values}), "v")
    >>> out.columns
    ['period_start', 'observed', 'imputed', 'trend', 'seasonal', 'resid']
    >>> bool((out["trend"] + out["seasonal"] + out["resid"] - out["observed"]).abs().max() < 1e-9)
    True
    """
    from statsmodels.tsa.seasonal import STL

    lf, was_lazy = to_lazy(series, name="series")
    require_columns(lf.collect_schema(), [time, column], name="series")
    df = lf.select(time, pl.col(column).cast(pl.Float64)).collect().sort(time)
    if df[time].is_duplicated().any():
        raise IndicatorInputError(
            "duplicate times: one series per call",
            file="series",
            column=time,
            expected="unique times (filter or group first)",
            found=df.filter(pl.col(time).is_duplicated())[time][0],
        )
    valid = df.filter(pl.col(column).is_not_null() & pl.col(column).is_not_nan())
    if valid.height == 0:
        raise IndicatorInputError(
            "no valid value to decompose",
            file="series",
            column=column,
            expected="at least one number",
            found="all null",
        )
    monthly = bool((df[time].dt.day() == 1).all())
    every = "1mo" if monthly else "1d"
    step = period if period is not None else (12 if monthly else 365)
    grid = pl.DataFrame(
        {time: pl.date_range(df[time].min(), df[time].max(), every, eager=True)}
    ).join(df, on=time, how="left")
    y = grid[column].fill_nan(None).to_numpy().astype(float)
    ok = np.isfinite(y)
    if len(y) < 2 * step:
        raise IndicatorInputError(
            "series too short for STL",
            file="series",
            column=column,
            expected=f"at least two periods ({2 * step} steps)",
            found=f"{len(y)} steps",
        )
    pos = np.arange(len(y))
    filled = np.interp(pos, pos[ok], y[ok])
    fit = STL(filled, period=step, robust=robust).fit()
    resid = np.where(ok, fit.resid, np.nan)
    out = grid.select(
        pl.col(time),
        pl.col(column).fill_nan(None).alias("observed"),
        pl.Series("imputed", ~ok),
        pl.Series("trend", np.asarray(fit.trend, dtype=float)),
        pl.Series("seasonal", np.asarray(fit.seasonal, dtype=float)),
        pl.Series("resid", resid).fill_nan(None),
    )
    return finish(out, was_lazy)


def stl_figure(decomposition: Frame | Any, *, title: str = "") -> Any:
    """Plot an STL decomposition: four stacked panels (plotly).

    Parameters
    ----------
    decomposition : DataFrame or LazyFrame
        Output of :func:`stl_decomposition`.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces ``observed``, ``trend``, ``seasonal``, ``resid`` (in that order,
        one per panel, x = the time column).

    Notes
    -----
    Presentation only: no standard clause (values as computed by
    :func:`stl_decomposition`; missing values stay gaps, GB 3095 validity
    upstream).

    Examples
    --------
    >>> from datetime import date
    >>> months = pl.date_range(date(2023, 1, 1), date(2024, 12, 1), "1mo", eager=True)
    >>> dec = stl_decomposition(pl.DataFrame({"period_start": months,
    ...                                       "v": [float(i % 12) for i in range(24)]}), "v")
    >>> [t.name for t in stl_figure(dec).data]
    ['observed', 'trend', 'seasonal', 'resid']
    """
    from plotly.subplots import make_subplots

    lf, _ = to_lazy(decomposition, name="decomposition")
    df = lf.collect()
    require_columns(df.schema, ["observed", "trend", "seasonal", "resid"], name="decomposition")
    time = df.columns[0]
    parts = ["observed", "trend", "seasonal", "resid"]
    fig = make_subplots(
        rows=4, cols=1, shared_xaxes=True, subplot_titles=parts, vertical_spacing=0.04
    )
    for i, part in enumerate(parts, start=1):
        fig.add_scatter(
            x=df[time].to_list(),
            y=df[part].to_list(),
            name=part,
            mode="lines+markers" if part == "observed" else "lines",
            row=i,
            col=1,
        )
    fig.update_layout(title=title or None, showlegend=False, height=800)
    return fig


def trend_figure(
    series: Frame | Any,
    column: str,
    result: TrendResult,
    *,
    time: str = "period_start",
    title: str = "",
) -> Any:
    """Plot a series with its Sen line and interval lines (plotly).

    .. deprecated:: 0.1.0
       Use :func:`indicators.plot.trend`, the public plotting module the reports use too.

    Parameters
    ----------
    series : DataFrame or LazyFrame
        One series with ``time`` and ``column``, in step order, as passed to
        :func:`theil_sen` (the i-th row is step i).
    column : str
        Value column.
    result : TrendResult
        From :func:`theil_sen` on the same series (with default times).
    time : str, default "period_start"
        Time column (x axis).
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: ``column`` (the data), ``Sen slope``, ``lower``, ``upper``
        (lines through the median point with the interval slopes).

    Notes
    -----
    Presentation only: no standard clause (invalid periods under GB 3095
    Table 4 / HJ 663 show as gaps).

    Examples
    --------
    >>> s = pl.DataFrame({"period_start": [2019, 2020, 2021], "v": [3.0, 2.0, 1.0]})
    >>> fig = trend_figure(s, "v", theil_sen(s["v"]), time="period_start")
    >>> fig.data[1].y
    (3.0, 2.0, 1.0)
    """
    warnings.warn(
        "trends.trend_figure is deprecated and will be removed; use indicators.plot.trend "
        "(Chinese or English labels with units, polars or pandas input)",
        FutureWarning,
        stacklevel=2,
    )
    import plotly.graph_objects as go

    lf, _ = to_lazy(series, name="series")
    df = lf.collect()
    require_columns(df.schema, [time, column], name="series")
    x = np.arange(df.height, dtype=float)
    y = df[column].cast(pl.Float64).fill_nan(None).to_numpy().astype(float)
    ok = np.isfinite(y)
    xm, ym = float(np.median(x[ok])), float(np.median(y[ok]))
    times = df[time].to_list()
    fig = go.Figure()
    fig.add_scatter(x=times, y=df[column].to_list(), name=column, mode="lines+markers")
    fig.add_scatter(
        x=times, y=(result.intercept + result.slope * x).tolist(), name="Sen slope", mode="lines"
    )
    for name, b in (("lower", result.ci_low), ("upper", result.ci_high)):
        fig.add_scatter(
            x=times, y=(ym + b * (x - xm)).tolist(), name=name, mode="lines", line={"dash": "dash"}
        )
    sig = f"p = {result.p_value:.3g}"
    fig.update_layout(
        title=title or f"{column}: {result.slope_per_year:+.3g} per year ({sig})",
        xaxis_title=time,
        yaxis_title=column,
    )
    return fig


# --------------------------------------------------------------------------- time variation

#: Profiles of :func:`time_variation` and the key each uses.
PROFILES: tuple[str, ...] = ("weekday_hour", "hour", "weekday", "month")


def time_variation(
    hourly: Frame | Any,
    pollutants: Sequence[str] | None = None,
    *,
    by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    statistic: Literal["mean", "median"] = "mean",
) -> Frame:
    """Diurnal, weekday and monthly profiles with confidence intervals (openair ``timeVariation``).

    Parameters
    ----------
    hourly : DataFrame or LazyFrame
        Tidy station-hours: ``time`` (pl.Datetime, HOUR-ENDING, China Standard
        Time) and the pollutant columns [ug/m3; CO mg/m3]; null = missing.
    pollutants : list of str, optional
        Columns to profile; default the HJ 633 pollutants present.
    by : str or list of str, optional
        Grouping (e.g. ``"station"``); default none: all rows pooled.
    confidence : float, default 0.95
        Level of the interval of each mean (``statistic="mean"`` only).
    statistic : {"mean", "median"}, default "mean"
        ``"mean"``: mean with its Student-t interval; ``"median"``: median with
        the 25 % and 75 % quantiles (openair's ``statistic = "median"`` band).

    Returns
    -------
    DataFrame or LazyFrame
        Long frame: ``by``, ``pollutant``, ``profile`` (``"weekday_hour"``,
        ``"hour"``, ``"weekday"``, ``"month"``), ``key`` (Int: hour 1..24,
        ISO weekday 1 = Monday..7, month 1..12, weekday_hour = (weekday − 1) ×
        24 + hour, 1..168), then for ``"mean"``: ``mean``, ``sd``, ``n`` (valid
        hours), ``ci_low``, ``ci_high``; for ``"median"``: ``median``, ``q25``,
        ``q75``, ``n`` [unit of the pollutant].

    Notes
    -----
    Labels follow the hour-ending time stamps and the natural day of GB 3095-2026
    §3.10 (hours 01:00..24:00): a value stamped ``t`` covers ``t − 1 h .. t``;
    its hour is ``hour(t − 1 h) + 1`` (1..24, so hour 1 is 00:00–01:00 and hour
    24 is 23:00–24:00, stamped 00:00 of the next day) and its weekday and month
    are those of the date of ``t − 1 h``. Interval: mean ± t_{(1+c)/2, n−1} ·
    sd/√n (Student t; null for n < 2). openair uses a bootstrap by default;
    the t interval is deterministic and close for the large n of hourly
    profiles. Quantiles of ``"median"`` interpolate linearly between order
    statistics. No data-capture threshold is applied: every valid hour counts,
    and ``n`` says how many.

    Examples
    --------
    >>> from datetime import datetime
    >>> h = pl.DataFrame({"time": [datetime(2025, 1, 6, 1), datetime(2025, 1, 7, 1),
    ...                            datetime(2025, 1, 7, 0)],
    ...                   "NO2": [10.0, 20.0, 50.0]})
    >>> tv = time_variation(h).filter(profile="hour").sort("key")
    >>> tv.select("key", "mean", "n").rows()
    [(1, 15.0, 2), (24, 50.0, 1)]
    >>> med = time_variation(h, statistic="median").filter(profile="hour").sort("key")
    >>> med.select("key", "median", "q25", "q75").row(0)
    (1, 15.0, 12.5, 17.5)
    """
    lf, was_lazy = to_lazy(hourly, name="hourly")
    schema = lf.collect_schema()
    require_columns(schema, ["time"], name="hourly")
    require_dtype(
        schema,
        "time",
        pl.Datetime,
        name="hourly",
        message="time must be a datetime",
        expected="pl.Datetime (hour-ending)",
    )
    if not 0 < confidence < 1:
        raise IndicatorInputError(
            "confidence out of range", column="confidence", expected="0 < c < 1", found=confidence
        )
    if statistic not in ("mean", "median"):
        raise IndicatorInputError(
            "unknown statistic", column="statistic", expected="'mean' or 'median'", found=statistic
        )
    pols = (
        list(pollutants) if pollutants is not None else [p for p in AIR_POLLUTANTS if p in schema]
    )
    require_columns(schema, pols, name="hourly")
    if not pols:
        raise IndicatorInputError(
            "no pollutant column",
            file="hourly",
            expected=f"any of {list(AIR_POLLUTANTS)}",
            found=list(schema),
        )
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    require_columns(schema, keys, name="hourly")
    start = pl.col("time") - pl.duration(hours=1)
    long = (
        lf.select(
            *keys,
            (start.dt.hour().cast(pl.Int64) + 1).alias("hour"),
            start.dt.weekday().cast(pl.Int64).alias("weekday"),
            start.dt.month().cast(pl.Int64).alias("month"),
            *[pl.col(p).cast(pl.Float64) for p in pols],
        )
        .with_columns(((pl.col("weekday") - 1) * 24 + pl.col("hour")).alias("weekday_hour"))
        .unpivot(index=[*keys, *PROFILES], on=pols, variable_name="pollutant", value_name="value")
        .filter(pl.col("value").is_not_null() & pl.col("value").is_not_nan())
    )
    q = (1 + confidence) / 2

    def _tcrit(n: pl.Series) -> pl.Series:
        arr = n.to_numpy().astype(float)
        with np.errstate(invalid="ignore"):
            from scipy import stats

            out = np.where(arr >= 2, stats.t.ppf(q, np.maximum(arr - 1, 1)), np.nan)
        return pl.Series(out).fill_nan(None)

    if statistic == "median":
        aggs = [
            pl.col("value").median().alias("median"),
            pl.col("value").quantile(0.25, interpolation="linear").alias("q25"),
            pl.col("value").quantile(0.75, interpolation="linear").alias("q75"),
            pl.len().cast(pl.Int64).alias("n"),
        ]
        columns = ["median", "q25", "q75", "n"]
    else:
        aggs = [
            pl.col("value").mean().alias("mean"),
            pl.col("value").std().alias("sd"),
            pl.len().cast(pl.Int64).alias("n"),
        ]
        columns = ["mean", "sd", "n", "ci_low", "ci_high"]
    parts = [
        long.group_by([*keys, "pollutant", pl.col(profile).alias("key")])
        .agg(aggs)
        .with_columns(pl.lit(profile).alias("profile"))
        for profile in PROFILES
    ]
    half = (
        pl.col("n").map_batches(_tcrit, return_dtype=pl.Float64)
        * pl.col("sd")
        / pl.col("n").cast(pl.Float64).sqrt()
    )
    order = {p: i for i, p in enumerate(pols)}
    out = pl.concat(parts)
    if statistic == "mean":
        out = out.with_columns(
            (pl.col("mean") - half).alias("ci_low"), (pl.col("mean") + half).alias("ci_high")
        )
    out = (
        out.with_columns(
            pl.col("pollutant").replace_strict(order, return_dtype=pl.Int64).alias("_p"),
            pl.col("profile")
            .replace_strict({p: i for i, p in enumerate(PROFILES)}, return_dtype=pl.Int64)
            .alias("_q"),
        )
        .sort([*keys, "_p", "_q", "key"])
        .select(*keys, "pollutant", "profile", "key", *columns)
    )
    return finish(out, was_lazy)


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def time_variation_figure(profiles: Frame | Any, *, title: str = "") -> Any:
    """Plot :func:`time_variation`: four panels, a line and band per pollutant (plotly).

    .. deprecated:: 0.1.0
       Use :func:`indicators.plot.time_variation`, the public plotting module the reports use too.

    Parameters
    ----------
    profiles : DataFrame or LazyFrame
        Output of :func:`time_variation` without ``by`` (filter a group first).
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Top panel weekday_hour (x 1..168), bottom row hour (1..24), month
        (1..12), weekday (1..7). For each profile and pollutant a mean trace
        named ``"<pollutant>"`` (legend group per pollutant) and a filled
        interval trace named ``"<pollutant> CI"``.

    Notes
    -----
    Presentation only: no standard clause (hour labels 1..24 of the natural
    day, GB 3095-2026 §3.10, as in :func:`time_variation`).

    Examples
    --------
    >>> from datetime import datetime, timedelta
    >>> t = [datetime(2025, 1, 1, 1) + timedelta(hours=i) for i in range(48)]
    >>> h = pl.DataFrame({"time": t, "O3": [float(i % 24) for i in range(48)]})
    >>> fig = time_variation_figure(time_variation(h))
    >>> len(fig.data), fig.data[0].name
    (8, 'O3')
    """
    warnings.warn(
        "trends.time_variation_figure is deprecated and will be removed; use "
        "indicators.plot.time_variation (Chinese or English labels with units, polars or "
        "pandas input)",
        FutureWarning,
        stacklevel=2,
    )
    from plotly.subplots import make_subplots

    lf, _ = to_lazy(profiles, name="profiles")
    df = lf.collect()
    require_columns(
        df.schema, ["pollutant", "profile", "key", "mean", "ci_low", "ci_high"], name="profiles"
    )
    panels = {"weekday_hour": (1, 1), "hour": (2, 1), "month": (2, 2), "weekday": (2, 3)}
    fig = make_subplots(
        rows=2,
        cols=3,
        specs=[[{"colspan": 3}, None, None], [{}, {}, {}]],
        subplot_titles=("weekday × hour", "hour", "month", "weekday"),
        vertical_spacing=0.12,
    )
    pollutants = df["pollutant"].unique(maintain_order=True).to_list()
    palette = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
    for i, pol in enumerate(pollutants):
        colour = palette[i % len(palette)]
        for profile, (r, c) in panels.items():
            part = df.filter(pollutant=pol, profile=profile).sort("key")
            if part.height == 0:
                continue
            x = part["key"].to_list()
            fig.add_scatter(
                x=x,
                y=part["mean"].to_list(),
                name=pol,
                legendgroup=pol,
                showlegend=profile == "weekday_hour",
                mode="lines",
                line={"color": colour},
                row=r,
                col=c,
            )
            lo, hi = part["ci_low"].to_list(), part["ci_high"].to_list()
            fig.add_scatter(
                x=x + x[::-1],
                y=hi + lo[::-1],
                name=f"{pol} CI",
                legendgroup=pol,
                showlegend=False,
                fill="toself",
                opacity=0.25,
                mode="none",
                fillcolor=colour,
                row=r,
                col=c,
            )
    fig.update_xaxes(
        tickmode="array", tickvals=list(range(1, 8)), ticktext=list(_WEEKDAYS), row=2, col=3
    )
    fig.update_xaxes(
        tickmode="array",
        tickvals=[1 + 24 * d for d in range(7)],
        ticktext=list(_WEEKDAYS),
        row=1,
        col=1,
    )
    fig.update_layout(title=title or None, height=700)
    return fig
