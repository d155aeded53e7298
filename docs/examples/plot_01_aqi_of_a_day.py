"""
The AQI of a day
================

The individual air quality index (IAQI) of each pollutant is the linear interpolation
between the two breakpoints around its concentration (HJ 633 formula (1)), rounded up;
the AQI is the largest IAQI and the primary pollutant the one that gives it (when the
AQI is above 50). :func:`indicators.air.daily_aqi` does this for every station- or
city-day of an hourly frame; :func:`indicators.air.iaqi` and
:func:`indicators.air.aqi_category` for single values.
"""

# %%
# Single values: a PM2.5 24-h mean of 35.4 µg/m³ is IAQI 50 under HJ 633-2026, which
# first rounds the concentration to an integer (§4.2.2: 35, the top of the 0-50 segment),
# and 51 under HJ 633-2012, which interpolates 35.4 and rounds the IAQI up.
from indicators import air

print("HJ 633-2026:", air.iaqi("PM2.5", "24h", 35.4, edition="HJ 633-2026"))
print("HJ 633-2012:", air.iaqi("PM2.5", "24h", 35.4, edition="HJ 633-2012"))
print(air.aqi_category(120, edition="HJ 633-2026"))

# %%
# A city's days from station hours: the demo data (one synthetic city, 2025), written
# to a temporary folder.
import tempfile
from datetime import date
from pathlib import Path

import polars as pl

from indicators.demo import CITIES, write_demo

tmp = tempfile.TemporaryDirectory()  # removed when the example ends
folder = Path(tmp.name)
paths = write_demo(folder, cities=CITIES[:1], start=date(2025, 1, 1), end=date(2025, 12, 31))
hourly = pl.read_parquet(paths["station_hours"])
stations = pl.read_parquet(paths["stations"])

daily = air.daily_aqi(hourly, stations=stations, level="city", edition="auto")
day = daily.filter(pl.col("date") == date(2025, 1, 15))
day.select("city", "date", "aqi", "category", "primary_pollutant", "edition")

# %%
# The IAQI of each pollutant behind that AQI, and the concentrations they come from
# (24-h means in µg/m³, CO in mg/m³; ``O3_MDA8`` the daily maximum 8-h mean).
day.select("PM2.5", "PM10", "SO2", "NO2", "CO", "O3_MDA8", pl.col("^iaqi_.*$"))
