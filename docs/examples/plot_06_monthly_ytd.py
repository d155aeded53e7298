"""
Monthly and year-to-date tables
===============================

The tables of the monthly bulletins: each month of a period with its year-on-year
change (:func:`indicators.air.evaluate_months`) and the cumulative 1—N月累计 windows
(:func:`indicators.air.year_to_date`). Changes are in the bulletins' units: percentage
points for the good-day ratio, percent for concentrations and the composite index.
Both take pandas too, and give pandas back; :func:`indicators.air.time_average` gives
averages over any period with openair's data-capture threshold.
"""

import tempfile
from pathlib import Path

import polars as pl

from indicators import air
from indicators.demo import CITIES, write_demo

tmp = tempfile.TemporaryDirectory()  # removed when the example ends
folder = Path(tmp.name)
paths = write_demo(folder, cities=CITIES[:1])  # 2025-2026
hourly = pl.read_parquet(paths["station_hours"])
daily = air.daily_aqi(hourly, stations=pl.read_parquet(paths["stations"]), level="city")

months = air.evaluate_months(daily, "2026Q1")
months.select(
    "city", "month", "good_day_ratio", "good_day_ratio_change_pp", "PM2.5", "PM2.5_change_pct"
)

# %%
# Year to date through June 2026 (January to N), against the same window of 2025.
ytd = air.year_to_date(daily, through="2026-06")
ytd.select("month", "period", "good_day_ratio", "PM2.5", "PM2.5_change_pct")

# %%
# Weekly means of one station from pandas, with openair's data-capture threshold: a
# week needs 75 % of its hours, and ``n_PM2.5`` says how many were valid.
one = hourly.filter(pl.col("station") == hourly["station"].min()).to_pandas()
weekly = air.time_average(one[["station", "time", "PM2.5"]], "week", data_thresh=75)
weekly.head()
