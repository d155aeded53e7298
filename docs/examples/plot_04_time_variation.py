"""
Time variation by station
=========================

openair's ``timeVariation``: the weekday-by-hour, hour-of-day, weekday and month
profiles of a pollutant, one line per station (groups are never pooled), with the
95 % interval of the mean. Hours are hour-ending: hour 1 is 00:00–01:00.
:func:`indicators.plot.time_variation` draws from
:func:`indicators.trends.time_variation`.
"""

import tempfile
from datetime import date
from pathlib import Path

import polars as pl

from indicators import plot
from indicators.demo import CITIES, write_demo

tmp = tempfile.TemporaryDirectory()  # removed when the example ends
folder = Path(tmp.name)
paths = write_demo(folder, cities=CITIES[:1], start=date(2025, 1, 1), end=date(2025, 12, 31))
hourly = pl.read_parquet(paths["station_hours"])
two = hourly.filter(pl.col("station").is_in(hourly["station"].unique().sort()[:2].to_list()))
plot.time_variation(two, "NO2", by="station", lang="en")

# %%
# Shapes rather than levels: each profile divided by its own mean, and the difference
# of the two stations (with the Welch interval of the difference of means).
a, b = two["station"].unique().sort().to_list()
plot.time_variation(two, "NO2", by="station", normalise=True, lang="en")

# %%
plot.time_variation(two, "NO2", by="station", difference=(a, b), lang="en")
