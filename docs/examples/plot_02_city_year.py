"""
A city-year evaluation
======================

What the annual bulletin publishes for a city: valid and good days, the good-day
ratio, the annual means, the CO 95th and O3 MDA8 90th percentiles, attainment of the
GB 3095 limits and the composite index, by :func:`indicators.air.evaluate_period`
(HJ 663; a calendar year needs 324 valid days). The shares of exceedance days by
primary pollutant are drawn by :func:`indicators.plot.primary_pollutants`.
"""

import tempfile
from datetime import date
from pathlib import Path

import polars as pl

from indicators import air, plot
from indicators.demo import CITIES, write_demo

tmp = tempfile.TemporaryDirectory()  # removed when the example ends
folder = Path(tmp.name)
paths = write_demo(folder, cities=CITIES, start=date(2025, 1, 1), end=date(2025, 12, 31))
daily = air.daily_aqi(
    pl.read_parquet(paths["station_hours"]),
    stations=pl.read_parquet(paths["stations"]),
    level="city",
)
year = air.evaluate_period(daily, start="2025-01-01", end="2025-12-31")
year.select(
    "city",
    "valid_days",
    "good_days",
    "good_day_ratio",
    "PM2.5",
    "PM10",
    "O3_MDA8_P90",
    "CO_P95",
    "composite_index",
    "period_valid",
)

# %%
# Primary pollutants of the exceedance days, one bar per city (English labels).
plot.primary_pollutants(year, lang="en")
