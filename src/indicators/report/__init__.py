"""City reports: notebooks run with papermill, published as one self-contained HTML file.

- :mod:`~indicators.report.params`: parameters checked before anything runs.
- :mod:`~indicators.report.sections`: one function per report section
  (the notebook ``indicators/report/notebooks/city_report.ipynb``, package data,
  has one cell per section).
- :mod:`~indicators.report.charts`: the figures (plotly, official colours, no map tiles).
- :mod:`~indicators.report.render`: papermill under the project's own kernel,
  nbconvert with no code, plotly.js once, atomic writes.
- :mod:`~indicators.report.batch`: many cities in parallel and ``reports/index.html``.
- :mod:`~indicators.report.embedded`: the figures every report embeds as one JSON
  object (its schema), read back with :func:`read_report_figures`.
- :mod:`~indicators.report.xlsx`: Excel workbooks of reports (``--xlsx``).
- :func:`add_cli`: the ``indicators report`` command.

Examples
--------
>>> from indicators.report import validate_params
>>> validate_params("清河市", "2026Q5")
Traceback (most recent call last):
...
indicators.errors.IndicatorInputError: column 'period': malformed period (expected ...)
"""

from .batch import BatchResult, render_batch, write_index
from .cli import add_cli, run_report
from .display import Section, show
from .embedded import read_report_figures
from .params import Period, ReportParams, parse_period, validate_params, year_earlier
from .render import KERNEL_NAME, ReportError, ReportResult, render_city_report, render_report
from .sections import ReportContext, load_context, open_report
from .xlsx import write_report_xlsx, write_xlsx

__all__ = [
    "KERNEL_NAME",
    "BatchResult",
    "Period",
    "ReportContext",
    "ReportError",
    "ReportParams",
    "ReportResult",
    "Section",
    "add_cli",
    "load_context",
    "open_report",
    "parse_period",
    "read_report_figures",
    "render_batch",
    "render_city_report",
    "render_report",
    "run_report",
    "show",
    "validate_params",
    "write_index",
    "write_report_xlsx",
    "write_xlsx",
    "year_earlier",
]
