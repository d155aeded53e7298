"""Time and size of city reports: one city-year, then a batch of 20 cities.

    .venv/bin/python benchmarks/reports.py [--cities 20] [--workers 1 2] [--period 2026]

Demo data for the cities are generated in a temporary folder (not timed with
the reports); reports are written to a temporary folder. Goals (issue 5): at
most 20 s and 5 MB per one-year city report, and a batch that scales with
the number of workers.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from indicators.demo import make_cities, write_demo
from indicators.report import render_batch, render_report, validate_params


def _mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cities", type=int, default=20)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--period", default="2026")
    args = ap.parse_args()

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        cities = make_cities(args.cities)
        t = time.perf_counter()
        write_demo(data, cities=cities)
        print(f"demo data, {args.cities} cities: {time.perf_counter() - t:.1f} s (not counted)")

        names = [c.name for c in cities]
        out = Path(tmp) / "one"
        for attempt in ("first (imports nbconvert, papermill)", "second"):
            params = validate_params(names[0], args.period, data=data)
            result = render_report(params, out)
            print(
                f"one city-year report, {attempt}: {result.seconds:.1f} s, "
                f"{_mb(result.size)} ({result.path.name})"
            )

        first: tuple[int, float] | None = None
        for n in args.workers:
            out = Path(tmp) / f"batch{n}"
            t = time.perf_counter()
            batch = render_batch(
                names, args.period, data=data, out_dir=out, workers=n, progress=False
            )
            wall = time.perf_counter() - t
            sizes = [r.size for r in batch.results]
            first = first or (n, wall)
            print(
                f"batch of {len(names)} cities, {n} worker(s): {wall:.1f} s wall, "
                f"{wall / len(names):.1f} s per report, speed-up {first[1] / wall:.2f}x "
                f"(vs {first[0]} worker(s)), sizes {_mb(min(sizes))}..{_mb(max(sizes))}, "
                f"failures {len(batch.failures)}"
            )


if __name__ == "__main__":
    main()
