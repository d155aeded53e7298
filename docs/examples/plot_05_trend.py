"""
A trend with its Theil-Sen slope
================================

openair's ``TheilSen``: monthly values with the Theil-Sen slope, its 95 % interval
(Sen 1968) and the Mann-Kendall p value. Daily values become monthly values by
:func:`indicators.trends.period_statistic`, with the GB 3095 Table 4 / HJ 663 valid-day
counts (a month failing them is a gap, counted in the annotation), not openair's 75 %
data capture.
"""

import tempfile
from pathlib import Path

import polars as pl

from indicators import air, plot, trends
from indicators.demo import CITIES, write_demo

tmp = tempfile.TemporaryDirectory()  # removed when the example ends
folder = Path(tmp.name)
paths = write_demo(folder, cities=CITIES[:1])  # 2025-2026, 24 months
daily = air.daily_aqi(
    pl.read_parquet(paths["station_hours"]),
    stations=pl.read_parquet(paths["stations"]),
    level="city",
)
plot.trend(daily, "PM2.5", lang="en")

# %%
# The same test as a table, on the deseasonalised monthly series (STL).
monthly = trends.period_statistic(daily, "PM2.5", freq="month")
trends.trend_test(monthly, "PM2.5", deseasonalise=True)
