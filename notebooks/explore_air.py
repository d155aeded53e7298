# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: id,tags,-all
#     formats: py:percent
#     notebook_metadata_filter: kernelspec,-all
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] id="about"
# # Explore air data
#
# Load the station hours of a city (or one station) for a period, look at the series,
# the daily AQI, the monthly table, time averages and the diurnal, weekly and monthly
# profiles. Change the parameters and run again; everything below calls the `indicators`
# package. `jupyter nbconvert --to html` exports the run notebook with its charts, offline.

# %% tags=["parameters"] id="parameters"
city = "清河市"
station = ""  # a station code of the city; empty: all its stations
period = "2026Q1"  # "2026", "2026Q1", "2026-03" or "2026-01-01..2026-03-31"
pollutant = "PM2.5"  # SO2, NO2, PM10, CO, O3, PM2.5
edition = "auto"  # HJ 633 edition for the daily AQI
lang = "zh"
data = ""  # data folder; empty: the demo data

# %% tags=["report-hide"] id="setup"
from indicators import air, plot
from indicators.report import explore, parse_period

# papermill -p passes numeric text as a number (-p period 2026): the package takes text
period, station = str(period), str(station)
plot.notebook_renderer()  # plotly.js once, so that an HTML export draws the charts offline

# %% id="load"
hourly, stations = explore.load(city, period, station=station, data=data)
stations

# %% id="describe"
hourly.describe()

# %% id="series"
explore.timeseries(hourly, pollutant, names=stations, lang=lang)

# %% id="daily"
level = "station" if station else "city"
daily = air.daily_aqi(hourly, stations=stations, level=level, edition=edition)
daily.select("date", "aqi", "category", "primary_pollutant", "edition")

# %% id="calendar"
p = parse_period(period)
plot.calendar(daily, start=p.start, end=p.end, lang=lang)

# %% id="evaluation"
air.evaluate_period(daily, start=p.start, end=p.end)

# %% id="monthly"
# one row per month; the year-on-year change needs the year before in `daily`
air.evaluate_months(daily, p)

# %% id="time-average"
# openair timeAverage: weekly means of the station hours where 75 % of the hours are valid
air.time_average(hourly, "week", data_thresh=75)

# %% id="profiles"
plot.time_variation(hourly, pollutant, lang=lang)  # one line per station
