"""A period read of a national folder decodes only the row groups of its period (issue 13).

    .venv/bin/python benchmarks/period_read.py                  # 340 cities, 2026-03
    .venv/bin/python benchmarks/period_read.py --cities 60 --repeats 3

One demo folder of ``--cities`` cities (generated, not timed): its ``station_hours`` as the
package stores it (contract ``storage_order``: time, then station, row groups of
``ROW_GROUP_ROWS`` rows with statistics) and the same rows station-ordered (the layout of
demo folders before; the baseline). Alternated over ``--repeats`` runs, each in a child
process (wall time and peak RSS of the child): the one-month read every report and the
figures stage make (:func:`indicators.figures.city_hours`, every station) from each layout,
and the whole file read with polars (the read floor). Printed: medians, ratios against the
baseline, and the row groups whose statistics overlap the month (what a read decodes).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

PYTHON = sys.executable

READ_MONTH = """
import sys, polars as pl
from datetime import date
from indicators import figures
folder, y, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
stations = pl.read_parquet(folder + "/stations.parquet")
end = (date(y + m // 12, m % 12 + 1, 1) - date.resolution)
print(figures.city_hours(folder, stations, date(y, m, 1), end).height)
"""

READ_ALL = """
import sys, polars as pl
print(pl.read_parquet(sys.argv[1] + "/station_hours.parquet").height)
"""


STATION_ORDERED = """
import sys, polars as pl
hours = pl.read_parquet(sys.argv[1] + "/station_hours.parquet").sort("station", "time")
hours.write_parquet(sys.argv[2] + "/station_hours.parquet", statistics=True, row_group_size=65_536)
"""


def _child(code: str, *args: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (GiB) of ``python -c code args`` in a child."""
    t = time.perf_counter()
    proc = subprocess.Popen([PYTHON, "-c", code, *args], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"child failed: {code.strip().splitlines()[-1]} {args}")
    return wall, usage.ru_maxrss / 2**20


def row_groups_touched(path: Path, first: datetime, last: datetime) -> tuple[int, int]:
    """(row groups whose ``time`` statistics overlap [first, last], all row groups)."""
    meta = pq.ParquetFile(path).metadata
    col = meta.schema.names.index("time")
    touched = 0
    for i in range(meta.num_row_groups):
        stats = meta.row_group(i).column(col).statistics
        lo, hi = stats.min, stats.max
        touched += not (hi < first or lo > last)
    return touched, meta.num_row_groups


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cities", type=int, default=340)
    ap.add_argument("--period", default="2026-03", help="the month read, YYYY-MM")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    y, m = (int(p) for p in args.period.split("-"))
    py = platform.python_version()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {py}")
    with tempfile.TemporaryDirectory() as tmp:
        stored = Path(tmp) / "stored"
        t = time.perf_counter()
        subprocess.run(
            [PYTHON, "-m", "indicators.cli", "demo", "--cities", str(args.cities),
             "--out", str(stored)],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        baseline = Path(tmp) / "station-ordered"
        shutil.copytree(stored, baseline)
        # in a child: a child's peak RSS starts from its parent's (fork), so the parent
        # never holds the data
        _child(STATION_ORDERED, str(stored), str(baseline))
        rows = pq.ParquetFile(stored / "station_hours.parquet").metadata.num_rows
        print(f"demo folder, {args.cities} cities, {rows:,} station-hours: "
              f"{time.perf_counter() - t:.0f} s (not counted)")  # fmt: skip
        first = datetime(y, m, 1, 1)
        last = datetime(y + m // 12, m % 12 + 1, 1)
        variants = {
            "month, station-ordered (baseline)": (READ_MONTH, str(baseline), str(y), str(m)),
            "month, stored order": (READ_MONTH, str(stored), str(y), str(m)),
            "whole file, polars read (floor)": (READ_ALL, str(stored)),
        }
        walls: dict[str, list[float]] = {k: [] for k in variants}
        peaks = dict.fromkeys(variants, 0.0)
        for _ in range(args.repeats):
            for name, (code, *rest) in variants.items():
                wall, peak = _child(code, *rest)
                walls[name].append(wall)
                peaks[name] = max(peaks[name], peak)
        base = statistics.median(walls["month, station-ordered (baseline)"])
        for name, runs in walls.items():
            med = statistics.median(runs)
            print(f"{name}: median {med:.2f} s, peak {peaks[name]:.2f} GiB, "
                  f"ratio to baseline {med / base:.2f}")  # fmt: skip
        for label, folder in (("station-ordered", baseline), ("stored order", stored)):
            touched, total = row_groups_touched(folder / "station_hours.parquet", first, last)
            print(f"row groups overlapping {args.period}, {label}: {touched} of {total}")
        print(f"(the folder spans about {_span_months(stored):.0f} months; "
              "goal: the month's row groups only)")  # fmt: skip


def _span_months(folder: Path) -> float:
    """Months between the first and last station-hour of ``folder``."""
    lo, hi = (
        pl.scan_parquet(folder / "station_hours.parquet")
        .select(pl.col("time").min(), pl.col("time").max().alias("hi"))
        .collect()
        .row(0)
    )
    return (hi - lo).days / 30.44


if __name__ == "__main__":
    main()
