"""Compute once, then present (issue 11): does a report's cost depend on the folder's size?

    .venv/bin/python benchmarks/batch_scaling.py                 # 20 vs 340 cities, 2026-03
    .venv/bin/python benchmarks/batch_scaling.py --large 100 --repeats 2
    .venv/bin/python benchmarks/batch_scaling.py --batch          # + the whole large batch
    .venv/bin/python benchmarks/batch_scaling.py --year 2026      # + a national year's stage

Two demo folders (``--small`` and ``--large`` cities, about 5-8 stations each; generated,
not timed). For each, in a child process (wall time and peak RSS of the child):

* ``figures``: the figures stage, ``indicators compute --period P`` (every city, once);
* ``report``: one city report of the period, its figures already stored, alternated between
  the two folders over ``--repeats`` runs (medians; the ratio large/small is the goal:
  <= 1.2);
* with ``--year Y``: the figures stage of the calendar year ``Y`` for the large folder (a
  national year against the year before, with every domain), alternated with the read
  floor (a child that reads the folder's station hours with polars, decoding every column,
  and nothing else): medians and their ratio;
* with ``--batch``: the whole batch of the large folder (``indicators report --all``) with
  ``--workers`` workers, on the local pool and on a Dask ``LocalCluster`` (goals: <= 10 min
  for 340 cities on 2 workers; Dask within 1.3x of the pool).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable


def _child(code: list[str]) -> tuple[float, float]:
    """Run ``python`` with ``code`` in a child; (wall seconds, its peak RSS in GiB).

    The peak is the child's own (``os.wait4``), not the maximum over every child so far;
    for a command that starts workers it is the largest of the process and its waited
    children as the kernel accounts them.
    """
    t = time.perf_counter()
    proc = subprocess.Popen([PYTHON, *code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(code)}")
    return wall, usage.ru_maxrss / 2**20  # KiB on Linux


def _cli(*args: str) -> list[str]:
    return ["-m", "indicators.cli", *args]


def _year_stage(folder: Path, year: int, repeats: int) -> None:
    """The figures stage of a calendar year against the read floor, alternated."""
    hours = folder / "station_hours.parquet"
    floor = ["-c", f"import polars as pl; pl.read_parquet({str(hours)!r})"]
    stage = _cli("compute", "--data", str(folder), "--period", str(year), "--recompute")
    runs: dict[str, list[tuple[float, float]]] = {"floor": [], "stage": []}
    for i in range(repeats):
        order = ("floor", "stage") if i % 2 == 0 else ("stage", "floor")
        for name in order:
            runs[name].append(_child(floor if name == "floor" else stage))
    med = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
    peak = {k: max(p for _, p in v) for k, v in runs.items()}
    for name, what in (("floor", "read floor (station hours, every column)"),
                       ("stage", f"figures stage, {year}")):  # fmt: skip
        walls = ", ".join(f"{w:.1f}" for w, _ in runs[name])
        print(f"{what}: median {med[name]:.1f} s ({walls}), peak {peak[name]:.2f} GiB")
    print(f"figures stage / read floor: {med['stage'] / med['floor']:.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", type=int, default=20)
    ap.add_argument("--large", type=int, default=340)
    ap.add_argument("--period", default="2026-03")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--batch", action="store_true", help="also the whole large batch")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--year", type=int, help="also the figures stage of this year (large)")
    args = ap.parse_args()
    py = platform.python_version()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {py}")
    with tempfile.TemporaryDirectory() as tmp:
        folders = {}
        for n in (args.small, args.large):
            folder = Path(tmp) / f"d{n}"
            t = time.perf_counter()
            subprocess.run(
                [PYTHON, *_cli("demo", "--cities", str(n), "--out", str(folder))],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            print(f"demo data, {n} cities: {time.perf_counter() - t:.1f} s (not counted)")
            folders[n] = folder
        for n, folder in folders.items():
            wall, peak = _child(_cli("compute", "--data", str(folder), "--period", args.period))
            print(f"figures stage, {n} cities, {args.period}: {wall:.1f} s, peak {peak:.2f} GiB")
        times: dict[int, list[float]] = {n: [] for n in folders}
        peaks: dict[int, float] = dict.fromkeys(folders, 0.0)
        for i in range(args.repeats):
            for n, folder in folders.items():
                out = Path(tmp) / f"out{n}-{i}"
                wall, peak = _child(
                    _cli("report", "--data", str(folder), "--city", "清河市",
                         "--period", args.period, "--out", str(out))
                )  # fmt: skip
                times[n].append(wall)
                peaks[n] = max(peaks[n], peak)
        med = {n: statistics.median(v) for n, v in times.items()}
        for n in folders:
            runs = ", ".join(f"{v:.1f}" for v in times[n])
            print(
                f"one report, {n} cities: median {med[n]:.1f} s ({runs}), peak {peaks[n]:.2f} GiB"
            )
        ratio = med[args.large] / med[args.small]
        print(f"ratio {args.large}/{args.small} cities: {ratio:.2f} (goal <= 1.2)")
        if args.year is not None:
            _year_stage(folders[args.large], args.year, args.repeats)
        if not args.batch:
            return
        walls = {}
        for engine in ("pool", "local"):
            out = Path(tmp) / f"batch-{engine}"
            extra = [] if engine == "pool" else ["--scheduler", "local"]
            wall, peak = _child(
                _cli("report", "--data", str(folders[args.large]), "--all", "--period",
                     args.period, "--workers", str(args.workers), "--out", str(out), *extra)
            )  # fmt: skip
            walls[engine] = wall
            print(
                f"batch, {args.large} cities, {args.workers} workers, {engine}: "
                f"{wall / 60:.1f} min, "
                f"{wall / args.large:.1f} s per report, peak (largest process) {peak:.2f} GiB"
            )
        print(f"Dask LocalCluster / local pool: {walls['local'] / walls['pool']:.2f} (goal <= 1.3)")


if __name__ == "__main__":
    main()
