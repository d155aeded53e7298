"""Benchmark of ``indicators ingest``: time and peak memory (issue 10, "Measure").

Variants, each run in a child process (peak memory = the child's max RSS from
``resource.getrusage(RUSAGE_CHILDREN)``, and its CPU seconds, user + system: on a
machine shared with other jobs the wall time varies, the CPU time less),
alternated over ``--repeats``:

* ``archive``: the 8-city CNEMC 2019 archive plus the station list
  (``../shared/realdata/cnemc_sites_2019``), skipped when absent;
* ``national``: a synthetic national year in the daily-file layout, as CNEMC
  publishes it (``china_sites_YYYYMMDD.csv.gz``: ``date,hour,type,<1,605
  station codes>``, 15 types × 24 hours per file; the codes are those of the
  real ``china_sites_20190101.csv.gz`` when available), ``--days`` files
  (365 = the year), plus the station list;
* ``+1 d`` (with ``--increment``): one more daily file ingested into a copy of
  the national folder (the incremental path: the folder's table is streamed,
  not loaded).

Goal (issue 10): the national year in <= 2 minutes and <= 4 GiB on 2 cores.

    .venv/bin/python benchmarks/ingest.py                # --days 365 --repeats 3
    .venv/bin/python benchmarks/ingest.py --days 30 --repeats 2 --increment
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
REAL = Path(os.environ.get("INDICATORS_SHARED", ROOT.parent / "shared")) / "realdata"
CNEMC = REAL / "cnemc_sites_2019"
TYPES = (
    "AQI PM2.5 PM2.5_24h PM10 PM10_24h SO2 SO2_24h NO2 NO2_24h O3 O3_24h O3_8h O3_8h_24h CO CO_24h"
).split()


def station_codes(n: int = 1605) -> list[str]:
    daily = CNEMC / "china_sites_20190101.csv.gz"
    if daily.is_file():
        with gzip.open(daily, "rt", encoding="utf-8") as f:
            codes = f.readline().strip().split(",")[3:]
        return list(dict.fromkeys(codes))[:n]
    return [f"{1001 + i:04d}A" for i in range(n)]


def write_station_list(codes: list[str], path: Path) -> None:
    rows = ["监测点编码,监测点名称,城市,经度,纬度,对照点,省级行政区"]
    rows += [f"{c},站{c},城市{i // 5},116.0,40.0,N,省{i // 100}" for i, c in enumerate(codes)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def generate(folder: Path, days: int, codes: list[str], first: int = 0) -> None:
    """Synthetic daily files: integer concentrations, CO with one decimal, 3 % empty cells.

    Days ``first`` .. ``first + days - 1`` after 2019-01-01.
    """
    rng = np.random.default_rng(2019 + first)
    folder.mkdir(parents=True, exist_ok=True)
    header = "date,hour,type," + ",".join(codes)
    n = len(codes)
    for k in range(first, first + days):
        day = date(2019, 1, 1) + timedelta(days=k)
        lines = [header]
        for hour in range(24):
            ints = rng.integers(1, 150, size=(len(TYPES), n))
            co = np.round(rng.uniform(0.2, 2.5, size=(2, n)), 1)
            empty = rng.random((len(TYPES), n)) < 0.03
            for t, ty in enumerate(TYPES):
                cells = co[t - 13].astype(str) if ty.startswith("CO") else ints[t].astype(str)
                cells[empty[t]] = ""
                lines.append(f"{day:%Y%m%d},{hour},{ty}," + ",".join(cells))
        data = ("\n".join(lines) + "\n").encode()
        (folder / f"china_sites_{day:%Y%m%d}.csv.gz").write_bytes(gzip.compress(data, 1))


CHILD = """
import sys, time
from indicators.ingest import ingest
t = time.perf_counter()
done = ingest(sys.argv[2:], sys.argv[1], progress=False)
print(time.perf_counter() - t, done["tables"]["station_hours"]["rows"])
"""
# A fresh parent per run, so that RUSAGE_CHILDREN's max RSS is that one run's child.
WRAPPER = """
import resource, subprocess, sys
proc = subprocess.run([sys.executable, "-c", sys.argv[1], *sys.argv[2:]], capture_output=True,
                      text=True, check=False)
sys.stderr.write(proc.stderr)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(proc.returncode, usage.ru_maxrss, usage.ru_utime + usage.ru_stime, proc.stdout)
"""


def run(
    sources: list[str], out: Path, base: Path | None = None
) -> tuple[float, float, float, int, float]:
    """Wall seconds (child process), ingest seconds, peak RSS [GiB], station_hours rows, CPU s.

    ``out`` starts empty, or as a copy of the folder ``base``.
    """
    shutil.rmtree(out, ignore_errors=True)
    if base is not None:
        shutil.copytree(base, out)
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", WRAPPER, CHILD, str(out), *sources],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - t
    code, max_rss_kib, cpu, seconds, rows = proc.stdout.split()
    if proc.returncode or code != "0":
        raise SystemExit(proc.stderr[-3000:])
    return wall, float(seconds), int(max_rss_kib) / 2**20, int(rows), float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365, help="daily files (365 = a year)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="reuse/keep generated files here")
    parser.add_argument(
        "--increment", action="store_true", help="also ingest one more day into the national folder"
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    data = args.keep or tmp / "national"
    codes = station_codes()
    have = len(list(data.glob("china_sites_*.csv.gz"))) if data.is_dir() else 0
    if have != args.days:
        shutil.rmtree(data, ignore_errors=True)
        t = time.perf_counter()
        generate(data, args.days, codes)
        print(f"generated {args.days} daily files in {time.perf_counter() - t:.0f} s: {data}")
    write_station_list(codes, tmp / "stations.csv")
    variants: dict[str, list[str]] = {}
    if CNEMC.is_dir():
        variants["archive"] = [
            str(CNEMC / "china_sites_2019_8cities.csv.gz"),
            str(CNEMC / "station_list_cnemc.csv"),
        ]
    national = f"national {args.days} d"
    variants[national] = [str(data), str(tmp / "stations.csv")]
    if args.increment:
        generate(tmp / "extra", 1, codes, first=args.days)
        variants["+1 d"] = [str(next((tmp / "extra").iterdir()))]
    results: dict[str, list[tuple[float, float, float, int, float]]] = {k: [] for k in variants}
    print(f"{os.cpu_count()} cores; each variant in a child process, alternated")
    for r in range(args.repeats):
        for name, sources in variants.items():
            base = tmp / "year" if name == "+1 d" else None
            wall, seconds, gib, rows, cpu = run(sources, tmp / "out", base)
            if name == national and args.increment and not (tmp / "year").exists():
                shutil.copytree(tmp / "out", tmp / "year")
            results[name].append((wall, seconds, gib, rows, cpu))
            print(
                f"  repeat {r + 1} {name:<16} {wall:7.1f} s process, {seconds:7.1f} s ingest, "
                f"{cpu:7.1f} s CPU, {gib:5.2f} GiB, {rows:,} rows"
            )
    print("median:")
    for name, runs in results.items():
        wall = statistics.median(r[0] for r in runs)
        gib = statistics.median(r[2] for r in runs)
        cpu = statistics.median(r[4] for r in runs)
        line = (
            f"  {name:<16} {wall:7.1f} s  {cpu:7.1f} s CPU  {gib:5.2f} GiB peak RSS  "
            f"{runs[0][3]:,} rows"
        )
        if name.startswith("national") and args.days != 365:
            line += f"  (x 365/{args.days}: ~{wall * 365 / args.days:.0f} s for a year)"
        print(line)
    shutil.rmtree(tmp / "out", ignore_errors=True)
    shutil.rmtree(tmp / "year", ignore_errors=True)
    if args.keep is None:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
