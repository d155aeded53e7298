"""Command line: ``indicators run | demo | ingest | check | air-summary | report``.

``indicators run`` is the main job: it writes the demo data if they are not
there yet and produces the demo city report (or, without the report
machinery, the air-quality summary) in ``reports/``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from .errors import IndicatorInputError

console = Console(stderr=True)

#: What a data folder is, for the ``--help`` texts.
DATA_FOLDER_HELP = (
    "A data folder holds one Parquet file per table of the contract (stations, station_hours, "
    "water_results, ...: `indicators check --contract`) and a manifest.json. Make one with "
    "`indicators ingest SOURCE... --out FOLDER` (or by hand), test it with `indicators check "
    'FOLDER`; README section "Bring your own data".'
)


def _ensure_demo(data: Path | None) -> Path:
    """The data folder (the demo folder, generated when absent), checked first.

    Raises
    ------
    IndicatorInputError
        The folder's first problem (:func:`indicators.check.require_valid_folder`).
    """
    from . import contract, demo
    from .config import demo_dir

    folder = data or demo_dir()
    if data is None and any(
        contract.table_path(folder, t) is None for t in contract.REQUIRED_TABLES
    ):
        with console.status(f"Generating demo data in {folder} ..."):
            written = demo.write_demo(folder)
        console.print(f"demo data: {len(written)} tables in {folder}")
    open_folder(folder)
    return folder


def open_folder(folder: Path) -> None:
    """Check a data folder before a command uses it; print its warnings (to stderr).

    Raises
    ------
    IndicatorInputError
        The folder's first problem: the command then produces nothing.
    """
    from .check import require_valid_folder, warning_lines

    for line in warning_lines(require_valid_folder(folder)):
        console.print(f"[yellow]warning:[/yellow] {escape(line)}", soft_wrap=True)


def cmd_check(args: argparse.Namespace) -> int:
    """``indicators check``: what a data folder holds and its first problem (exit 1 on one)."""
    from . import contract
    from .check import check_folder, first_problem, format_checks

    if args.contract:
        print(contract.contract_markdown())
        return 0
    if args.folder is None:
        raise IndicatorInputError(
            "no data folder given", column="FOLDER", expected="indicators check FOLDER"
        )
    checks = check_folder(args.folder)
    print(format_checks(args.folder, checks))
    return 0 if first_problem(checks) is None else 1


def cmd_ingest(args: argparse.Namespace) -> int:
    """``indicators ingest``: files in, a data folder of the contract out (:mod:`.ingest`)."""
    from .ingest import ingest

    done = ingest(args.sources, args.out, format=args.format, basis=args.basis)
    for warning in done["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {warning}")
    for name, table in done["tables"].items():
        print(f"  {name:<22} {table['rows']:>12,} rows (+{table['added']:,})  {table['file']}")
    if not done["tables"]:
        print(f"nothing new: {done['out']} unchanged")
    else:
        print(f"data folder: {done['out']} (manifest.json; `indicators check {done['out']}`)")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """``indicators demo``: write the demo data."""
    from . import demo

    cities = demo.make_cities(args.cities) if args.cities else demo.CITIES
    with console.status(f"Generating demo data for {len(cities)} cities ..."):
        written = demo.write_demo(args.out, cities=cities)
    for name, path in written.items():
        console.print(f"  {name:<22} {path}")
    return 0


def cmd_air_summary(args: argparse.Namespace) -> int:
    """``indicators air-summary``: annual air evaluation of every city."""
    from .summary import (
        air_summary,
        other_headlines,
        print_headlines,
        print_other_headlines,
        write_summary,
    )

    folder = _ensure_demo(args.data)
    with console.status(f"Evaluating air quality {args.year} ..."):
        table = air_summary(folder, year=args.year, edition=args.edition)
    path = write_summary(table, args.out, year=args.year)
    print_headlines(table)
    print_other_headlines(other_headlines(folder, year=args.year))
    print(f"air-quality summary: {path}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """``indicators run``: the main job."""
    folder = _ensure_demo(args.data)
    try:
        from .report import render_city_report
    except ImportError:
        render_city_report = None
    if render_city_report is None:
        args.data = folder
        return cmd_air_summary(args)
    from .summary import air_summary, other_headlines, print_headlines, print_other_headlines

    print_headlines(air_summary(folder, year=args.year, edition=args.edition))
    print_other_headlines(other_headlines(folder, year=args.year))
    with console.status(f"Rendering the {args.city} {args.year} city report ..."):
        path = render_city_report(args.city, str(args.year), data=folder, out_dir=args.out)
    print(f"city report: {path}")
    return 0


def cmd_compute(args: argparse.Namespace) -> int:
    """``indicators compute``: the figures stage for every city of a data folder."""
    import time

    from . import contract, figures
    from .periods import parse_period

    folder = _ensure_demo(args.data)
    period = parse_period(args.period)
    compare = parse_period(args.compare, column="compare") if args.compare else None
    start = time.perf_counter()
    with console.status(f"Computing the figures of {period.label} ..."):
        stored = figures.compute(folder, period, compare, args.edition, recompute=args.recompute)
    for key, (per, cmp, got) in stored.items():
        if got is None:
            console.print(f"{key} {per.label}: no city has station hours in the period")
            continue
        where = figures.figures_folder(folder, per, cmp, args.edition)
        rows = ", ".join(
            f"{name} {getattr(got, name).height}"
            for name in contract.FIGURES_TABLES
            if getattr(got, name) is not None
        )
        console.print(
            f"{key} {per.label} vs {cmp.label}: {got.summary.height} cities ({rows})",
            soft_wrap=True,
        )
        failed = {c: why for c, why in got.failed.items() if why}
        if failed:
            city, why = next(iter(failed.items()))
            first = f"{escape(city)}: {escape(why)}"
            console.print(f"  not evaluated: {len(failed)} cities, e.g. {first}")
        console.print(f"  figures store: {escape(str(where))}", soft_wrap=True)
    console.print(f"computed in {time.perf_counter() - start:.1f} s")
    return 0


def _positive_int(text: str) -> int:
    """An argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, found {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="indicators",
        description="Environmental outcome indicators for Chinese cities (national standards).",
        epilog=DATA_FOLDER_HELP,
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="main job: demo data -> city report (or air summary)")
    p.add_argument("--city", default="清河市", help="city for the report (default 清河市)")
    p.add_argument("--year", type=int, default=2026)
    p.add_argument("--edition", default="auto")
    p.add_argument(
        "--data",
        type=Path,
        default=None,
        help="data folder (default data/demo), checked first (indicators check)",
    )
    p.add_argument("--out", type=Path, default=None, help="output folder (default reports/)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("demo", help="write the synthetic demo data (Parquet)")
    p.add_argument("--out", type=Path, default=None, help="folder (default data/demo)")
    p.add_argument(
        "--cities",
        type=_positive_int,
        default=None,
        help="number of cities (default the 3 named demo cities; more are numbered variants "
        "with about 5-8 stations each, for national-size benchmarks)",
    )
    p.set_defaults(func=cmd_demo)

    from .ingest import BASES, FORMATS

    p = sub.add_parser(
        "ingest",
        help="read CNEMC, station-list, UCI, water, noise, targets ... files into a data folder",
        description="Read files (formats detected from their content) into a data folder: one "
        "Parquet file per table and manifest.json. Incremental: new files are merged with the "
        "folder's tables, files already ingested (same sha256) are skipped, overlapping data "
        "with different values is an error. Formats: " + ", ".join(FORMATS) + ".",
        epilog=DATA_FOLDER_HELP,
    )
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="file, folder, glob or zip archive")
    p.add_argument("--out", type=Path, required=True, help="the data folder (created if absent)")
    p.add_argument(
        "--format",
        default="auto",
        choices=["auto", *FORMATS],
        help="force one format for every SOURCE (default: detect from the content)",
    )
    p.add_argument(
        "--basis", choices=list(BASES), default=None, help="data basis of the air data (实况|审核)"
    )
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser(
        "check",
        help="check a data folder: what each table holds and the first problem",
        description="Check every table of a data folder against the contract (columns, "
        "types, values, the other tables) and list what each holds. Exit 0 when no table "
        "has a problem, 1 when one has.",
        epilog=DATA_FOLDER_HELP,
    )
    p.add_argument("folder", type=Path, nargs="?", default=None, help="the data folder")
    p.add_argument(
        "--contract", action="store_true", help="print the contract (Markdown table) and exit"
    )
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "compute",
        help="compute every city's figures of a period once, into the folder's figures store",
        description="The figures stage: every city's air evaluation of the period and of its "
        "comparison period (like for like across editions), city daily AQI, changes and the "
        "monthly series (for a month also the year to date), written as Parquet under "
        "FOLDER/figures/ and reused by every report until the data change.",
        epilog=DATA_FOLDER_HELP,
    )
    p.add_argument("--data", type=Path, default=None, help="data folder (default data/demo)")
    p.add_argument("--period", required=True, help="2026, 2026Q1, 2026-03 or a..b date range")
    p.add_argument("--compare", default="", help="comparison period (default a year earlier)")
    p.add_argument("--edition", default="auto", help="HJ 633 edition (default auto)")
    p.add_argument("--recompute", action="store_true", help="ignore stored figures")
    p.set_defaults(func=cmd_compute)

    p = sub.add_parser("air-summary", help="annual air-quality evaluation of every city")
    p.add_argument("--year", type=int, default=2026)
    p.add_argument("--edition", default="auto")
    p.add_argument(
        "--data",
        type=Path,
        default=None,
        help="data folder (default data/demo), checked first (indicators check)",
    )
    p.add_argument("--out", type=Path, default=None)
    p.set_defaults(func=cmd_air_summary)

    try:
        from .report import add_cli
    except ImportError:
        add_cli = None
    if add_cli is not None:
        add_cli(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``indicators`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except IndicatorInputError as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
