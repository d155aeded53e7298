"""
A calendar of daily AQI
=======================

openair's ``calendarPlot``: one cell per day in the colour of its AQI category
(HJ 633 Table 2 and the colours of its Appendix A), with the AQI written in each cell.
Days failing the GB 3095 Table 4 validity rule (fewer than 20 valid hours) are grey.
Any daily column can be drawn instead (``pollutant="PM2.5"``), on a continuous scale
labelled with its unit.
"""

import tempfile
from datetime import date
from pathlib import Path

import polars as pl

from indicators import air, plot
from indicators.demo import CITIES, write_demo

tmp = tempfile.TemporaryDirectory()  # removed when the example ends
folder = Path(tmp.name)
paths = write_demo(folder, cities=CITIES[:1], start=date(2025, 1, 1), end=date(2025, 12, 31))
daily = air.daily_aqi(
    pl.read_parquet(paths["station_hours"]),
    stations=pl.read_parquet(paths["stations"]),
    level="city",
)
plot.calendar(daily, start="2025-01-01", end="2025-06-30", values=True, lang="en")

# %%
# The same half-year as PM2.5 concentrations [µg/m³], in Chinese.
plot.calendar(daily, pollutant="PM2.5", start="2025-01-01", end="2025-06-30")
