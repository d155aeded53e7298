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

# %% [markdown] id="about" tags=["report-hide"]
# # City report
#
# Run all cells to see the report of the city and period set in the next cell, on the
# demo data by default. `indicators report --city … --period …` runs this notebook with
# papermill and publishes it as one HTML file without code. Every figure is computed by
# the `indicators` package; the cells below only call it, one cell per section.

# %% tags=["parameters"] id="parameters"
city = "清河市"  # a city of the data folder's station list
period = "2026"  # "2026", "2026Q1", "2026-03" or "2026-01-01..2026-06-30"
compare = ""  # comparison period; empty: the same period a year earlier
edition = "auto"  # HJ 633 edition: "auto" (in force each day), "HJ 633-2012", "HJ 633-2026"
lang = "zh"  # "zh" or "en"
data = ""  # data folder; empty: the demo data (data/demo, generated when absent)
targets = ""  # targets file (TOML, indicators.targets); empty: demo targets for demo data

# %% id="setup"
from indicators.report import open_report, sections

ctx = open_report(
    city, period, compare=compare, edition=edition, lang=lang, data=data, targets=targets
)

# %% id="title"
sections.title(ctx)

# %% id="headline"
sections.headline(ctx)

# %% id="air-calendar"
sections.air_calendar(ctx)

# %% id="air-monthly"
sections.air_monthly(ctx)

# %% id="air-concentrations"
sections.air_concentrations(ctx)

# %% id="air-primary"
sections.air_primary(ctx)

# %% id="air-evaluation"
sections.air_evaluation(ctx)

# %% id="target-tracking"
sections.target_tracking(ctx)

# %% id="ranking"
sections.ranking(ctx)

# %% id="trends"
sections.trends(ctx)

# %% id="water-sections"
sections.water_sections(ctx)

# %% id="water-lakes"
sections.water_lakes(ctx)

# %% id="drinking"
sections.drinking(ctx)

# %% id="sea"
sections.sea(ctx)

# %% id="blackodorous"
sections.blackodorous(ctx)

# %% id="noise"
sections.noise(ctx)

# %% id="completeness"
sections.completeness(ctx)

# %% id="methods"
sections.methods(ctx)
