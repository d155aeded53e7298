"""Air quality: AQI (HJ 633), data validity (GB 3095), period evaluation (HJ 663), time averages.

:func:`data_capture` counts the valid hours of each period (openair ``summaryPlot``).

Editions are data (:mod:`indicators.standards`): every function takes
``edition="auto"`` (the edition in force on the date of each value: HJ 633-2012
before 2026-03-01, HJ 633-2026 from then on) or a named edition.
"""

from .aqi import AVERAGINGS, EDITION_CHANGE, NEWEST_EDITION, aqi_category, iaqi, iaqi_expr
from .averaging import SEASONS, data_capture, time_average
from .daily import daily_aqi, daily_concentrations, hourly_aqi
from .evaluation import (
    DUST_KIND,
    compare_periods,
    evaluate_months,
    evaluate_period,
    evaluation_statistics,
    limit,
    percentile,
    percentile_expr,
    required_days,
    round_reported,
    three_year_means,
    validity_threshold,
    year_to_date,
)
from .methods import METHODS, AirMethod, method

__all__ = [
    "AVERAGINGS",
    "DUST_KIND",
    "METHODS",
    "SEASONS",
    "AirMethod",
    "EDITION_CHANGE",
    "NEWEST_EDITION",
    "aqi_category",
    "compare_periods",
    "daily_aqi",
    "daily_concentrations",
    "data_capture",
    "evaluate_months",
    "evaluate_period",
    "evaluation_statistics",
    "hourly_aqi",
    "iaqi",
    "iaqi_expr",
    "limit",
    "method",
    "percentile",
    "percentile_expr",
    "required_days",
    "round_reported",
    "three_year_means",
    "time_average",
    "validity_threshold",
    "year_to_date",
]
