"""Benchmark: a synthetic national network, hourly -> station daily -> city daily -> annual.

Run: ``.venv/bin/python benchmarks/air_national.py`` (``--stations 200`` for a quick run,
``--years 1 3`` for one- and three-year archives, ``--repeats 3`` rounds). Ten national
years (149 M station-hours) do not fit the eager variants in memory: ``--years 1 10
--stored-only --variants floor-stored lazy-stored`` writes only the archive as stored, a year at
a time, and runs the lazy path on it.

For each number of years it writes a synthetic archive (1,700 stations x 8,760
hours a year, 340 cities) to a temporary Parquet file, then runs the variants,
each in a fresh process so that peak memory (max RSS) is measured per variant,
alternating their order in every round (a shared machine's noise hits every
variant alike), and prints medians and ratios against the baseline ``floor``:

- ``floor``: a process that reads the same Parquet file with polars, decoding
  every column, and nothing else (the read floor): the station-ordered file (a user's own,
  written by polars), which the eager and lazy variants read.
- ``floor-stored``: the same of the archive as the package stores it (``contract.write_table``
  and ingest: by pyarrow, values dictionary-encoded, which decodes 2-3x faster), which
  ``lazy-stored`` reads.
- ``read``: a process that reads the file into an eager frame (``pl.read_parquet``) and
  nothing else: the eager variants' own input, whose peak memory they cannot go below.
- ``indicators``: :func:`indicators.air.daily_aqi` at station and city level
  (``edition="auto"``, all validity rules) and
  :func:`indicators.air.evaluate_period` for each year, eager frames.
- ``lazy``: the same from ``pl.scan_parquet`` (LazyFrame in; the input, in station
  order, is read once in streamed batches cut at whole stations, so its peak memory does
  not grow with years).
- ``lazy-stored``: the same lazy call on the archive as the package stores station-hours
  (time-ordered, row groups of ``contract.ROW_GROUP_ROWS`` with statistics: read once in
  streamed batches cut at whole days).
- ``forced``: the same with the newest HJ 633 edition forced (auto vs forced).
- ``pandas``: a straightforward vectorised pandas implementation of the same
  steps, written here (``--skip-pandas`` to leave it out).
- ``hourly``: :func:`indicators.air.hourly_aqi` on every station-hour (eager),
  reported per million records too.
- ``python-aqi`` and ``aqi-hub``: the per-record peers a user would otherwise pick
  (``aqi.to_aqi(..., algo=aqi.ALGO_MEP)``, HJ 633-2012 real-time AQI;
  ``aqi_hub.aqi_cn.aqi.cal_aqi_cn(..., data_type="hourly")``, HJ 633-2026) on the
  first ``--peer-sample`` station-hours, each in its own environment under
  ``--peer-venv`` (made with ``pip install`` when missing; skipped when it cannot be
  installed or with ``--skip-peers``), reported per million records.

Goals (issue 13, 2 cores): indicators <= 2x the floor as whole processes, <= 1 GiB
peak for a year; lazy within 1.2x of eager; auto within 1.1x of forced; >= 5x pandas;
time linear in years.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

import numpy as np
import polars as pl

POLLUTANTS = ("SO2", "NO2", "PM10", "CO", "O3", "PM2.5")


def make_data(
    path: Path, n_stations: int, years: int = 1, seed: int = 1, stored_only: bool = False
) -> None:
    """Synthetic station-hours from 2025 on with ~2% missing values, written to Parquet."""
    hours = 8760 * years
    rng = np.random.default_rng(seed)
    times = np.datetime64("2025-01-01T01:00", "us") + np.arange(hours) * np.timedelta64(1, "h")
    n = n_stations * hours
    hod = np.tile(np.arange(hours) % 24, n_stations)
    doy = np.tile(np.arange(hours) // 24, n_stations)
    season = 1 + 0.5 * np.cos(2 * np.pi * doy / 365)
    cols = {
        "station": np.repeat([f"{1000 + i:04d}A" for i in range(n_stations)], hours),
        "time": np.tile(times, n_stations),
        "SO2": rng.gamma(2, 5, n),
        "NO2": rng.gamma(4, 8, n) * season,
        "PM10": rng.gamma(3, 22, n) * season,
        "CO": np.round(rng.gamma(4, 0.2, n) * season, 1),
        "O3": rng.gamma(3, 20, n) * (1.5 - 0.5 * np.cos(2 * np.pi * (hod - 3) / 24)) / season,
        "PM2.5": rng.gamma(3, 11, n) * season,
    }
    df = pl.DataFrame(cols)
    missing = pl.Series(rng.random(n) < 0.02)
    df = df.with_columns(
        [
            pl.when(missing).then(None).otherwise(pl.col(p).round(0 if p != "CO" else 1)).alias(p)
            for p in POLLUTANTS
        ]
    )
    if not stored_only:
        df.write_parquet(path)
    from indicators import contract

    # as contract.write_table and ingest store station hours (pyarrow: dictionary-encoded)
    df.sort("time", "station").write_parquet(
        stored_path(path),
        row_group_size=contract.ROW_GROUP_ROWS,
        statistics=True,
        compression="zstd",
        use_pyarrow=True,
    )
    del df
    stations = pl.DataFrame(
        {
            "station": [f"{1000 + i:04d}A" for i in range(n_stations)],
            "city": [f"city{i // 5:03d}" for i in range(n_stations)],
            "background": [i % 5 == 4 for i in range(n_stations)],
        }
    )
    stations.write_parquet(path.with_suffix(".stations.parquet"))


def make_stored(path: Path, n_stations: int, years: int = 1, seed: int = 1) -> None:
    """Only the archive as stored (zstd, as ``contract.write_table``), a year at a time."""
    import pyarrow.parquet as pq

    from indicators import contract

    writer = None
    for k in range(years):
        one = path.with_suffix(f".y{k}.parquet")
        make_data(one, n_stations, 1, seed + k, stored_only=True)
        frame = pl.read_parquet(stored_path(one)).with_columns(pl.col("time").dt.offset_by(f"{k}y"))
        stored_path(one).unlink()
        table = frame.to_arrow()
        if writer is None:
            writer = pq.ParquetWriter(stored_path(path), table.schema, compression="zstd")
        writer.write_table(table, row_group_size=contract.ROW_GROUP_ROWS)
        del frame, table
    writer.close()
    for name in ("stations",):
        path.with_suffix(f".y0.{name}.parquet").rename(path.with_suffix(f".{name}.parquet"))


def stored_path(path: Path) -> Path:
    """The archive as the package stores station-hours (time, then station order)."""
    return path.with_suffix(".stored.parquet")


def _archive_mb(path: Path) -> float:
    """Size of the archive written (station-ordered, else the stored one) [MB]."""
    return (path if path.exists() else stored_path(path)).stat().st_size / 1e6


def _years(path: Path) -> list[int]:
    return json.loads(path.with_suffix(".years.json").read_text())


def run_indicators(
    path: Path, *, lazy: bool = False, edition: str = "auto", stored: bool = False
) -> dict:
    from indicators import air, standards

    if edition == "newest":
        edition = standards.newest_edition("HJ 633")
    stations = pl.read_parquet(path.with_suffix(".stations.parquet"))
    source = stored_path(path) if stored else path
    if lazy:  # lazy in, lazy out: the station days are collected once, as a user would
        station_daily = air.daily_aqi(pl.scan_parquet(source), edition=edition).collect()
        city_daily = air.daily_aqi(
            station_daily.lazy(), stations=stations, level="city", edition=edition
        ).collect()
    else:
        station_daily = air.daily_aqi(pl.read_parquet(path), edition=edition)
        city_daily = air.daily_aqi(station_daily, stations=stations, level="city", edition=edition)
    ratios = []
    for year in _years(path):
        annual = air.evaluate_period(city_daily, start=f"{year}-01-01", end=f"{year}-12-31")
        ratios.append(round(float(annual["good_day_ratio"].mean()), 2))
    return {
        "station_days": station_daily.height,
        "city_days": city_daily.height,
        "mean_good_day_ratio": ratios,
    }


def run_lazy(path: Path) -> dict:
    return run_indicators(path, lazy=True)


def run_lazy_stored(path: Path) -> dict:
    return run_indicators(path, lazy=True, stored=True)


def run_forced(path: Path) -> dict:
    return run_indicators(path, edition="newest")


def run_hourly(path: Path) -> dict:
    from indicators import air

    out = air.hourly_aqi(pl.read_parquet(path))
    return {"records": out.height, "mean_aqi": round(float(out["aqi"].mean()), 2)}


def run_read(path: Path) -> dict:
    return {"rows": pl.read_parquet(path).height}


def run_floor(path: Path, stored: bool = False) -> dict:
    # sums and maxima force every value to be decoded (null counts could come from metadata)
    source = stored_path(path) if stored or not path.exists() else path
    out = (
        pl.scan_parquet(source)
        .select(pl.col(POLLUTANTS).sum(), pl.col("time").max(), pl.col("station").max())
        .collect()
    )
    return {"columns": out.width}


def run_floor_stored(path: Path) -> dict:
    return run_floor(path, stored=True)


# --- the pandas baseline ---------------------------------------------------------------
# HJ 633-2012 daily breakpoints (the same numbers as the package's table; duplicated here on
# purpose: the baseline must not use the package).
_BP = {
    "SO2": [0, 50, 150, 475, 800, 1600, 2100, 2620],
    "NO2": [0, 40, 80, 180, 280, 565, 750, 940],
    "PM10": [0, 50, 150, 250, 350, 420, 500, 600],
    "CO": [0, 2, 4, 14, 24, 36, 48, 60],
    "PM2.5": [0, 35, 75, 115, 150, 250, 350, 500],
    "O3_8h": [0, 100, 160, 215, 265, 800],
}
_IAQI = [0, 50, 100, 150, 200, 300, 400, 500]


def run_pandas(path: Path) -> dict:
    import pandas as pd

    hourly = pd.read_parquet(path)
    stations = pd.read_parquet(path.with_suffix(".stations.parquet"))
    shifted = hourly["time"] - pd.Timedelta(hours=1)
    hourly["date"] = shifted.dt.normalize()
    hourly = hourly.sort_values(["station", "time"])
    hourly["O3_8h"] = (
        hourly.groupby("station")["O3"]
        .rolling(8, min_periods=6)
        .mean()
        .reset_index(level=0, drop=True)
    )
    hourly["label"] = shifted.dt.hour + 1
    grouped = hourly.groupby(["station", "date"])
    daily = grouped[list(POLLUTANTS)].mean()
    counts = grouped[list(POLLUTANTS)].count()
    for p in POLLUTANTS:
        daily.loc[counts[p] < 20, p] = np.nan
    win = hourly[hourly["label"] >= 8].groupby(["station", "date"])["O3_8h"]
    daily["O3_8h"] = win.max().where(win.count() >= 14)

    def day_aqi(frame: pd.DataFrame) -> pd.DataFrame:
        iaqis = []
        for p, bps in _BP.items():
            vals = frame[p].to_numpy()
            iaqi = np.ceil(np.interp(vals, bps, _IAQI[: len(bps)]))
            iaqi[np.isnan(vals)] = np.nan
            iaqis.append(iaqi)
        frame = frame.copy()
        stacked = np.vstack(iaqis)
        # HJ 633-2012 daily AQI needs every indicator (the package's default policy); O3 is
        # the MDA8 only, as CNEMC's daily values (the package's official method) take it
        frame["aqi"] = np.where(np.isnan(stacked).any(axis=0), np.nan, stacked.max(axis=0))
        return frame

    station_daily = day_aqi(daily.drop(columns=["O3"]))
    city = daily.reset_index().merge(stations, on="station")
    city = city[~city["background"]]
    city_daily = city.groupby(["city", "date"])[[*POLLUTANTS, "O3_8h"]].mean()
    city_daily = day_aqi(city_daily.drop(columns=["O3"]))
    annual = (
        city_daily.reset_index()
        .groupby("city")
        .agg(
            valid_days=("aqi", "count"),
            good_days=("aqi", lambda s: (s <= 100).sum()),
            PM25=("PM2.5", "mean"),
            CO_P95=("CO", lambda s: s.quantile(0.95)),
            O3_P90=("O3_8h", lambda s: s.quantile(0.90)),
        )
    )
    ratio = (annual["good_days"] / annual["valid_days"] * 100).mean()
    return {
        "station_days": len(station_daily),
        "city_days": len(city_daily),
        "mean_good_day_ratio": [round(float(ratio), 2)],
    }


VARIANTS = {
    "floor": run_floor,
    "floor-stored": run_floor_stored,
    "read": run_read,
    "indicators": run_indicators,
    "lazy": run_lazy,
    "lazy-stored": run_lazy_stored,
    "forced": run_forced,
    "pandas": run_pandas,
    "hourly": run_hourly,
}

# --- the per-record peers, each run by its own interpreter ----------------------------------
#: Run with a peer's python: reads the sample (CSV), times the peer per station-hour.
PEER_HEAD = """
import csv, json, resource, sys, time
with open(sys.argv[1], newline="") as f:
    rows = list(csv.DictReader(f))
start = time.perf_counter()
total = 0
"""
PEER_TAIL = """
seconds = time.perf_counter() - start
print(json.dumps({"variant": sys.argv[2], "seconds": seconds, "records": len(rows),
    "peak_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2,
    "mean_aqi": round(total / max(len(rows), 1), 2)}))
"""
#: Peer -> (pip requirement, module to import, the loop over ``rows``).
PEERS: dict[str, tuple[str, str, str]] = {
    # HJ 633-2012 real-time AQI (aqi.ALGO_MEP)
    "python-aqi": (
        "python-aqi",
        "aqi",
        """
import aqi
from aqi.constants import (POLLUTANT_CO_1H, POLLUTANT_NO2_1H, POLLUTANT_O3_1H,
    POLLUTANT_PM10, POLLUTANT_PM25, POLLUTANT_SO2_1H)
names = {"SO2": POLLUTANT_SO2_1H, "NO2": POLLUTANT_NO2_1H, "PM10": POLLUTANT_PM10,
    "CO": POLLUTANT_CO_1H, "O3": POLLUTANT_O3_1H, "PM2.5": POLLUTANT_PM25}
for row in rows:
    pairs = [(names[p], row[p]) for p in names if row[p]]
    total += int(aqi.to_aqi(pairs, algo=aqi.ALGO_MEP)) if pairs else 0
""",
    ),
    # HJ 633-2026 hourly AQI since aqi-hub 0.3.0 (cal_aqi_cn, data_type="hourly")
    "aqi-hub": (
        "aqi-hub",
        "aqi_hub",
        """
from aqi_hub.aqi_cn.aqi import cal_aqi_cn
args = {"PM2.5": "pm25", "PM10": "pm10", "SO2": "so2", "NO2": "no2", "CO": "co", "O3": "o3"}
for row in rows:
    if all(row[p] for p in args):
        value, _ = cal_aqi_cn(**{a: float(row[p]) for p, a in args.items()}, data_type="hourly")
        total += int(value or 0)
""",
    ),
}


def peer_python(folder: Path, name: str) -> Path | None:
    """Peer ``name``'s own python (a venv made with ``pip install`` when missing)."""
    requirement, module, _ = PEERS[name]
    python = folder / name / "bin" / "python"
    ok = [str(python), "-c", f"import {module}"]
    if python.exists() and subprocess.run(ok, capture_output=True).returncode == 0:
        return python
    try:
        venv.create(folder / name, with_pip=True, clear=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", requirement],
            check=True,
            capture_output=True,
            timeout=300,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"{name}: not installable here ({type(exc).__name__}), skipped")
        return None
    return python if subprocess.run(ok, capture_output=True).returncode == 0 else None


def write_peer_sample(path: Path, n: int) -> Path:
    """The first ``n`` station-hours as CSV (text values, as a per-record user has them)."""
    out = path.with_suffix(".peer.csv")
    sample = pl.read_parquet(path, n_rows=n).select(POLLUTANTS)
    sample.with_columns(pl.col(POLLUTANTS).cast(pl.String)).write_csv(out)
    return out


def _child(variant: str, path: str) -> None:
    start = time.perf_counter()
    result = VARIANTS[variant](Path(path))
    seconds = time.perf_counter() - start
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(json.dumps({"variant": variant, "seconds": seconds, "peak_gib": peak_gib, **result}))


def _median(values: list[float]) -> float:
    return float(np.median(values))


def _run(command: list[str]) -> dict:
    t = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    r["process_seconds"] = time.perf_counter() - t
    return r


def _measure(args: argparse.Namespace, years: int, peers: dict[str, Path]) -> dict[str, dict]:
    """Median seconds, process seconds and peak GiB per variant on a ``years`` archive."""
    chosen = args.variants or list(VARIANTS)
    variants = [v for v in VARIANTS if v in chosen and not (args.skip_pandas and v == "pandas")]
    variants += list(peers)
    runs: dict[str, list[dict]] = {v: [] for v in variants}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "national.parquet"
        t = time.perf_counter()
        # in a child process too: Linux keeps the max RSS across exec, so the parent stays small
        subprocess.run(
            [sys.executable, __file__, "--make", str(args.stations), str(years), str(path)]
            + (["--stored-only"] if args.stored_only else []),
            check=True,
        )
        rows = args.stations * 8760 * years
        print(
            f"\nsynthetic archive: {args.stations} stations x {years} year(s) ="
            f" {rows / 1e6:.1f} M station-hours ({_archive_mb(path):.0f} MB Parquet),"
            f" made in {time.perf_counter() - t:.1f} s"
        )
        sample = write_peer_sample(path, args.peer_sample) if peers else None
        for k in range(args.repeats):
            order = variants[k % len(variants) :] + variants[: k % len(variants)]
            for variant in order:
                if variant in peers:
                    code = PEER_HEAD + PEERS[variant][2] + PEER_TAIL
                    command = [str(peers[variant]), "-c", code, str(sample), variant]
                    runs[variant].append(_run(command))
                else:
                    command = [sys.executable, __file__, "--child", variant, str(path)]
                    runs[variant].append(_run(command))
    keys = ("seconds", "process_seconds", "peak_gib")
    med = {v: {key: _median([r[key] for r in rs]) for key in keys} for v, rs in runs.items()}
    for v, rs in runs.items():
        med[v]["result"] = {k: x for k, x in rs[-1].items() if k not in (*keys, "variant")}
    med["_rows"] = {"rows": rows}
    return med


def _report(med: dict[str, dict], years: int, repeats: int) -> None:
    _print_variants(med, repeats)
    _print_results(med)
    print()
    for name, value, goal in _goal_lines(med):
        print(f"{name:>36}: {value:6.2f}   ({goal})")
    _print_hourly(_per_million(med))


def _print_variants(med: dict[str, dict], repeats: int) -> None:
    """The table of median seconds, process seconds and peak GiB, peers left out."""
    floor = "floor" if "floor" in med else "floor-stored"
    base = med[floor]
    print(f"medians of {repeats} alternated rounds (ratios against {floor}):")
    print(f"{'variant':>11} {'in-process s':>13} {'process s':>10} {'peak GiB':>9} {'x floor':>8}")
    for v, m in med.items():
        if v.startswith("_") or v in PEERS:
            continue
        print(
            f"{v:>11} {m['seconds']:13.2f} {m['process_seconds']:10.2f} {m['peak_gib']:9.2f}"
            f" {m['process_seconds'] / base['process_seconds']:8.2f}"
        )


def _print_results(med: dict[str, dict]) -> None:
    """Each computing variant's result, to see that they agree."""
    for v, m in med.items():
        if v not in ("floor", "floor-stored", "read", "_rows", "hourly", *PEERS):
            print(f"{v:>11} result: {m['result']}")


#: Goals: (name, numerator variant, its key, denominator variant or None, its key, goal).
GOALS = (
    ("indicators / floor (whole process)", "indicators", "process_seconds", "floor",
     "process_seconds", "goal <= 2"),
    ("indicators peak GiB", "indicators", "peak_gib", None, "", "goal <= 1 per national year"),
    ("eager read alone peak GiB", "read", "peak_gib", None, "", "reference: the eager input"),
    ("lazy peak GiB", "lazy", "peak_gib", None, "", "goal flat in years"),
    ("lazy / eager", "lazy", "seconds", "indicators", "seconds", "goal <= 1.2"),
    ("lazy (as stored) / eager", "lazy-stored", "seconds", "indicators", "seconds", "goal <= 1.2"),
    ("lazy (as stored) peak GiB", "lazy-stored", "peak_gib", None, "", "goal <= 4, flat in years"),
    ("lazy (as stored) / its floor (process)", "lazy-stored", "process_seconds", "floor-stored",
     "process_seconds", "goal <= 2"),
    ("auto / forced edition", "indicators", "seconds", "forced", "seconds", "goal <= 1.1"),
    ("pandas / indicators", "pandas", "seconds", "indicators", "seconds", "goal >= 5"),
)  # fmt: skip


def _goal_lines(med: dict[str, dict]) -> list[tuple[str, float, str]]:
    """(name, measured value, goal) of each goal whose variants ran."""
    lines = []
    for name, top, top_key, bottom, bottom_key, goal in GOALS:
        if top not in med or (bottom is not None and bottom not in med):
            continue
        value = med[top][top_key] / (med[bottom][bottom_key] if bottom else 1.0)
        lines.append((name, value, goal))
    return lines


def _per_million(med: dict[str, dict]) -> dict[str, float]:
    """In-process seconds per million station-hours: hourly_aqi, then the peers that ran."""
    if "hourly" not in med:
        return {}
    per_million = {"hourly_aqi": med["hourly"]["seconds"] / med["_rows"]["rows"] * 1e6}
    for peer in PEERS:
        if peer in med:
            per_million[peer] = med[peer]["seconds"] / med[peer]["result"]["records"] * 1e6
    return per_million


def _print_hourly(per_million: dict[str, float]) -> None:
    """Seconds per million station-hours, and each peer against hourly_aqi."""
    if not per_million:
        return
    print("\nreal-time (hourly) AQI, seconds per million station-hours (in-process):")
    for name, value in per_million.items():
        print(f"{name:>36}: {value:8.2f}")
    for peer in PEERS:
        if peer in per_million:
            ratio = per_million[peer] / per_million["hourly_aqi"]
            print(f"{peer + ' / hourly_aqi':>36}: {ratio:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=1700)
    parser.add_argument("--years", type=int, nargs="+", default=[1])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--peer-venv", type=Path, default=Path("/tmp/air-national-peers"))
    parser.add_argument("--peer-sample", type=int, default=20_000)
    parser.add_argument(
        "--variants", nargs="+", choices=list(VARIANTS), help="run only these (default: all)"
    )
    parser.add_argument(
        "--stored-only",
        action="store_true",
        help="write only the archive as stored (year by year: for 10 years; with --variants "
        "floor-stored lazy-stored; no peers)",
    )
    parser.add_argument("--child", nargs=2, metavar=("VARIANT", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--make", nargs=3, metavar=("N", "Y", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        make = make_stored if args.stored_only else make_data
        make(Path(args.make[2]), int(args.make[0]), int(args.make[1]))
        Path(args.make[2]).with_suffix(".years.json").write_text(
            json.dumps([2025 + k for k in range(int(args.make[1]))])
        )
        return
    if args.child:
        _child(*args.child)
        return
    peers = {}
    # the peers' sample is of the station-ordered archive, which --stored-only does not write
    for name in [] if args.skip_peers or args.stored_only else PEERS:
        python = peer_python(args.peer_venv, name)
        if python is not None:
            peers[name] = python
    results = {}
    for years in args.years:
        results[years] = _measure(args, years, peers)
        _report(results[years], years, args.repeats)
    if len(results) > 1:
        first = min(results)
        print(f"\nagainst {first} year(s): time per year (x) and peak memory (GiB)")
        print(f"{'variant':>11} " + " ".join(f"{f'{y} y':>14}" for y in results))
        for v in results[first]:
            if v.startswith("_") or v in PEERS:
                continue
            cells = []
            for y, med in results.items():
                per_year = med[v]["seconds"] / y / (results[first][v]["seconds"] / first)
                cells.append(f"{per_year:6.2f}x {med[v]['peak_gib']:5.2f}G")
            print(f"{v:>11} " + " ".join(f"{c:>14}" for c in cells))


if __name__ == "__main__":
    main()
