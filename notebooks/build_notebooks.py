"""Write the notebooks from code: ``python notebooks/build_notebooks.py``.

The committed ``.ipynb`` files are what this writes (no outputs). Cells only
call the package; add a report section by adding its name to
``indicators.report.sections.SECTIONS``, then run this script.

- ``city_report.ipynb``, the notebook ``indicators report`` executes, is package
  data: it is written to ``src/indicators/report/notebooks/`` (shipped in the wheel,
  found with ``importlib.resources``).
- ``explore_air.ipynb``, the analysts' notebook, stays here in ``notebooks/``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from indicators.report.sections import SECTIONS

HERE = Path(__file__).resolve().parent
#: Where each notebook is written: the report notebook is package data.
TARGETS = {
    "city_report": HERE.parent / "src" / "indicators" / "report" / "notebooks",
    "explore_air": HERE,
}

METADATA = {
    "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
    "language_info": {"name": "python"},
}


def _cell_id(name: str) -> str:
    return name.replace("_", "-")


def city_report() -> nbformat.NotebookNode:
    intro = new_markdown_cell(
        "# City report\n\n"
        "Run all cells to see the report of the city and period set in the next cell, on the\n"
        "demo data by default. `indicators report --city … --period …` runs this notebook with\n"
        "papermill and publishes it as one HTML file without code. Every figure is computed by\n"
        "the `indicators` package; the cells below only call it, one cell per section.",
        id="about",
    )
    intro.metadata["tags"] = ["report-hide"]
    params = new_code_cell(
        'city = "清河市"  # a city of the data folder\'s station list\n'
        'period = "2026"  # "2026", "2026Q1", "2026-03" or "2026-01-01..2026-06-30"\n'
        'compare = ""  # comparison period; empty: the same period a year earlier\n'
        'edition = "auto"  # HJ 633 edition: "auto" (in force each day), "HJ 633-2012", "HJ 633-2026"\n'
        'lang = "zh"  # "zh" or "en"\n'
        'data = ""  # data folder; empty: the demo data (data/demo, generated when absent)\n'
        'targets = ""  # targets file (TOML, indicators.targets); empty: demo targets for demo data',
        id="parameters",
    )
    params.metadata["tags"] = ["parameters"]
    setup = new_code_cell(
        "from indicators.report import open_report, sections\n\n"
        "ctx = open_report(\n"
        "    city, period, compare=compare, edition=edition, lang=lang, data=data, targets=targets\n"
        ")",
        id="setup",
    )
    cells = [intro, params, setup]
    cells += [new_code_cell(f"sections.{name}(ctx)", id=_cell_id(name)) for name in SECTIONS]
    return new_notebook(cells=cells, metadata=METADATA)


def explore_air() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell(
            "# Explore air data\n\n"
            "Load the station hours of a city (or one station) for a period, look at the series,\n"
            "the daily AQI and the diurnal, weekly and monthly profiles. Change the parameters and\n"
            "run again; everything below calls the `indicators` package.",
            id="about",
        ),
        new_code_cell(
            'city = "清河市"\n'
            'station = ""  # a station code of the city; empty: all its stations\n'
            'period = "2026Q1"  # "2026", "2026Q1", "2026-03" or "2026-01-01..2026-03-31"\n'
            'pollutant = "PM2.5"  # SO2, NO2, PM10, CO, O3, PM2.5\n'
            'edition = "auto"  # HJ 633 edition for the daily AQI\n'
            'lang = "zh"\n'
            'data = ""  # data folder; empty: the demo data',
            id="parameters",
        ),
        new_code_cell(
            "from indicators import air, plot\n"
            "from indicators.report import explore, parse_period, show\n\n"
            "hourly, stations = explore.load(city, period, station=station, data=data)\n"
            "stations",
            id="load",
        ),
        new_code_cell("hourly.describe()", id="describe"),
        new_code_cell(
            "show(explore.timeseries(hourly, pollutant, names=stations, lang=lang))", id="series"
        ),
        new_code_cell(
            'level = "station" if station else "city"\n'
            "daily = air.daily_aqi(hourly, stations=stations, level=level, edition=edition)\n"
            'daily.select("date", "aqi", "category", "primary_pollutant", "edition")',
            id="daily",
        ),
        new_code_cell(
            "p = parse_period(period)\n"
            "show(plot.calendar(daily, start=p.start, end=p.end, lang=lang))",
            id="calendar",
        ),
        new_code_cell(
            "air.evaluate_period(daily, start=p.start, end=p.end)",
            id="evaluation",
        ),
        new_code_cell(
            "show(plot.time_variation(hourly, pollutant, lang=lang))  # one line per station",
            id="profiles",
        ),
    ]
    for cell in cells:
        if cell.cell_type == "code" and cell.id == "parameters":
            cell.metadata["tags"] = ["parameters"]
    return new_notebook(cells=cells, metadata=METADATA)


def main() -> None:
    for name, build in (("city_report", city_report), ("explore_air", explore_air)):
        nb = build()
        nbformat.validate(nb)
        path = TARGETS[name] / f"{name}.ipynb"
        nbformat.write(nb, path)
        print(path)


if __name__ == "__main__":
    main()
