"""Command line: ``indicators run | demo | air-summary | report``.

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

from .errors import IndicatorInputError

console = Console(stderr=True)


def _ensure_demo(data: Path | None) -> Path:
    from . import demo
    from .config import demo_dir

    folder = data or demo_dir()
    if not (folder / "station_hours.parquet").is_file():
        if data is not None:
            raise IndicatorInputError(
                "no station_hours.parquet in the data folder",
                file=str(folder),
                expected="a folder written by `indicators demo` or with the same tables",
            )
        with console.status(f"Generating demo data in {folder} ..."):
            written = demo.write_demo(folder)
        console.print(f"demo data: {len(written)} tables in {folder}")
    return folder


def cmd_demo(args: argparse.Namespace) -> int:
    """``indicators demo``: write the demo data."""
    from . import demo

    with console.status("Generating demo data ..."):
        written = demo.write_demo(args.out)
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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="indicators",
        description="Environmental outcome indicators for Chinese cities (national standards).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="main job: demo data -> city report (or air summary)")
    p.add_argument("--city", default="清河市", help="city for the report (default 清河市)")
    p.add_argument("--year", type=int, default=2026)
    p.add_argument("--edition", default="auto")
    p.add_argument("--data", type=Path, default=None, help="data folder (default data/demo)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default reports/)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("demo", help="write the synthetic demo data (Parquet)")
    p.add_argument("--out", type=Path, default=None, help="folder (default data/demo)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("air-summary", help="annual air-quality evaluation of every city")
    p.add_argument("--year", type=int, default=2026)
    p.add_argument("--edition", default="auto")
    p.add_argument("--data", type=Path, default=None)
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
        console.print(f"[red]error:[/red] {exc}")
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
