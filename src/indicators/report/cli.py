"""The ``indicators report`` command (registered by :func:`add_cli`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .. import standards
from ..errors import IndicatorInputError
from .labels import LANGS

if TYPE_CHECKING:
    from .batch import BatchResult

__all__ = ["add_cli", "run_report"]

_EPILOG = """examples:
  indicators report                       demo city report (demo data generated if absent)
  indicators report --city 清河市 --period 2026Q1 --lang en
  indicators report --city 清河市 --city 临江市 --period 2026   two cities and reports/index.html
  indicators report --all --period 2026   every city with station hours in 2026, in parallel
  indicators report --city 清河市 --period 2026-03 --xlsx   and its figures as an Excel workbook

A data folder (--data) holds one Parquet file per table of the contract (stations,
station_hours, ...: `indicators check --contract`); it is checked first (`indicators check
FOLDER` shows what it holds and its first problem), and a folder that fails produces no
report. README section "Bring your own data".
"""


def add_cli(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``report`` subcommand on an argparse ``subparsers`` object.

    The handler is stored as ``func`` (``args.func(args)`` returns the exit code).

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        What ``ArgumentParser.add_subparsers()`` returned.
    """
    p = subparsers.add_parser(
        "report",
        help="render city reports (one self-contained HTML file each)",
        description="Run the city report notebook for one or more cities and publish HTML "
        "files under reports/ (exit 0 when all were published).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--city",
        action="append",
        default=[],
        help="city, as in the station list (repeat --city for several cities; a name may "
        "contain commas); default: the first demo city",
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="every city of the data folder's station list with station hours in the period "
        "(the others are skipped and counted)",
    )
    p.add_argument(
        "--period",
        default="",
        help="2026 | 2026Q1 | 2026-03 | 2026-01-01..2026-06-30 "
        "(default for demo data: the last demo year)",
    )
    p.add_argument("--compare", default="", help="comparison period (default: a year earlier)")
    p.add_argument(
        "--edition",
        default="auto",
        help="HJ 633 edition: auto (in force each day) or one of "
        + ", ".join(repr(n) for n in standards.edition_names("HJ 633")),
    )
    p.add_argument("--lang", default="zh", choices=LANGS, help="report language")
    p.add_argument(
        "--data",
        default="",
        help="data folder (default: data/demo), checked first: see indicators check",
    )
    p.add_argument(
        "--targets",
        default="",
        help="targets file (TOML, see indicators.targets; default: the data folder's targets "
        "table, ingested with indicators ingest; the demo targets for demo data)",
    )
    p.add_argument("--workers", type=int, default=None, help="parallel workers for several cities")
    p.add_argument(
        "--scheduler",
        default=None,
        help="run the reports on a Dask cluster: 'local' (a LocalCluster of --workers "
        "processes) or a scheduler address tcp://HOST:8786 (workers need the package and "
        "the data folder and --out on the same paths); default a local process pool",
    )
    p.add_argument("--out", default=None, help="output folder (default: reports/)")
    p.add_argument(
        "--pdf",
        action="store_true",
        help="also print each report to PDF (A4, headless Chromium) beside its HTML",
    )
    p.add_argument(
        "--xlsx",
        action="store_true",
        help="also write each report's figures to an Excel workbook beside its HTML (same "
        "name, .xlsx; Chinese headers, one sheet per table) and, for several cities, "
        "index.xlsx beside index.html",
    )
    p.add_argument(
        "--keep-notebook", action="store_true", help="keep the executed notebook beside the HTML"
    )
    p.set_defaults(func=run_report)


def _cities(args: argparse.Namespace, data: str, period: str) -> list[str]:
    """The cities asked for: ``--all`` (those with station hours in ``period``) or ``--city``."""
    named = [c for c in args.city if c.strip()]
    if args.all:
        from .. import contract
        from ..config import demo_dir
        from .data import cities_with_data
        from .params import known_cities, parse_period

        per = parse_period(period)
        folder = Path(data) if data else demo_dir()
        cities = cities_with_data(folder, per.start, per.end)
        skipped = len(known_cities(folder)) - len(cities)
        if skipped:
            print(
                f"skipped {skipped} cities of the station list without station hours "
                f"in {per.label}",
                file=sys.stderr,
            )
        if not cities:
            raise IndicatorInputError(
                "no city has station hours in the period",
                file=str(contract.table_file(folder, "station_hours")),
                column="--period",
                found=per.label,
            )
        return cities
    if named:
        return named
    if not args.data:
        from ..demo import CITIES

        return [CITIES[0].name]
    raise IndicatorInputError("no city given", column="--city", expected="--city NAME or --all")


def run_report(args: argparse.Namespace) -> int:
    """Handle ``indicators report`` and return the exit code.

    0 when every report was published, 1 when one failed, 2 when the parameters
    are invalid or the data folder fails its checks (nothing was run).

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``indicators report`` arguments (``indicators report --help``).
    """
    from ..check import require_valid_folder, warning_lines
    from .batch import render_batch
    from .data import ensure_demo_data

    try:
        folder = ensure_demo_data() if not args.data else Path(args.data).expanduser()
        for line in warning_lines(require_valid_folder(folder)):
            print(f"warning: {line}", file=sys.stderr)
        period = _period(args)
        cities = _cities(args, args.data, period)
        common = {
            "compare": args.compare,
            "edition": args.edition,
            "lang": args.lang,
            "data": args.data,
            "targets": args.targets,
        }
        if len(cities) == 1 and not args.all:
            return _run_one(args, cities[0], period, common)
        batch = render_batch(
            cities,
            period,
            out_dir=args.out,
            workers=args.workers,
            check=False,
            scheduler=args.scheduler,
            xlsx=args.xlsx,
            **common,
        )
    except IndicatorInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return _print_batch(args, batch)


def _period(args: argparse.Namespace) -> str:
    """``--period``; for demo data, the last demo year by default."""
    if args.period:
        return args.period
    if args.data:
        raise IndicatorInputError(
            "no period given",
            column="--period",
            expected="--period 2026 (or 2026Q1, 2026-03, a..b)",
        )
    from ..demo import DEMO_END

    return str(DEMO_END.year)


def _run_one(args: argparse.Namespace, city: str, period: str, common: dict[str, str]) -> int:
    """Render one city's report (and its PDF or workbook), print the paths; the exit code."""
    from .params import validate_params
    from .render import ReportError, render_report, write_pdf
    from .xlsx import write_report_xlsx

    params = validate_params(city, period, **common)
    try:
        result = render_report(params, args.out, keep_notebook=args.keep_notebook)
        if args.pdf:
            print(write_pdf(result.path))
        if args.xlsx:
            print(write_report_xlsx(result.path))
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(result.path)
    return 0


def _print_batch(args: argparse.Namespace, batch: BatchResult) -> int:
    """Print a batch's reports (PDFs printed now), failures and index; the exit code."""
    from .render import ReportError, write_pdf

    for r in batch.results:
        print(r.path)
        if args.xlsx and r.params.city not in batch.failures:
            print(r.path.with_suffix(".xlsx"))
        if args.pdf:
            try:
                print(write_pdf(r.path))
            except ReportError as exc:
                batch.failures[r.params.city] = f"PDF: {exc}"
    for city, why in batch.failures.items():
        print(f"failed: {city}: {why}", file=sys.stderr)
    print(batch.index)
    return 0 if batch.ok else 1
