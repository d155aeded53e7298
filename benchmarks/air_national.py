"""Benchmark: a synthetic national year, hourly -> station daily -> city daily -> annual.

Run: ``.venv/bin/python benchmarks/air_national.py`` (``--stations 200`` for a quick run).

It writes a synthetic year (1,700 stations x 8,760 hours, 340 cities) to a
temporary Parquet file, then runs three variants, each in a fresh process so
that peak memory (max RSS) is measured per variant:

- ``indicators``: :func:`indicators.air.daily_aqi` at station and city level
  (editions auto, all validity rules) and :func:`indicators.air.evaluate_period`.
- ``pandas``: a straightforward pandas implementation of the same steps
  (daily means with hour counts, O3 8-h rolling means and MDA8, IAQI by
  ``np.interp`` with ceil, city means, annual statistics), written here.
- ``floor``: one polars pass that only reads every column (the I/O floor).

Goal on 2 cores: <= 10 s, <= 4 GiB, >= 20x faster than pandas, <= 5x the floor.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

POLLUTANTS = ("SO2", "NO2", "PM10", "CO", "O3", "PM2.5")


def make_data(path: Path, n_stations: int, hours: int = 8760, seed: int = 1) -> None:
    """Synthetic station-hours with ~2% missing values, written to Parquet."""
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
    df.write_parquet(path)
    stations = pl.DataFrame(
        {
            "station": [f"{1000 + i:04d}A" for i in range(n_stations)],
            "city": [f"city{i // 5:03d}" for i in range(n_stations)],
            "background": [i % 5 == 4 for i in range(n_stations)],
        }
    )
    stations.write_parquet(path.with_suffix(".stations.parquet"))


def run_indicators(path: Path) -> dict:
    from indicators import air

    hourly = pl.read_parquet(path)
    stations = pl.read_parquet(path.with_suffix(".stations.parquet"))
    station_daily = air.daily_aqi(hourly, edition="auto")
    city_daily = air.daily_aqi(station_daily, stations=stations, level="city", edition="auto")
    annual = air.evaluate_period(city_daily, start="2025-01-01", end="2025-12-31")
    return {
        "station_days": station_daily.height,
        "city_days": city_daily.height,
        "mean_good_day_ratio": round(float(annual["good_day_ratio"].mean()), 2),
    }


def run_floor(path: Path) -> dict:
    # sums and maxima force every value to be decoded (null counts could come from metadata)
    out = (
        pl.scan_parquet(path)
        .select(pl.col(POLLUTANTS).sum(), pl.col("time").max(), pl.col("station").max())
        .collect()
    )
    return {"columns": out.width}


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
    "O3_1h": [0, 160, 200, 300, 400, 800, 1000, 1200],
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
    daily["O3_1h"] = grouped["O3"].max().where(counts["O3"] >= 20)

    def day_aqi(frame: pd.DataFrame) -> pd.DataFrame:
        iaqis = []
        for p, bps in _BP.items():
            vals = frame[p].to_numpy()
            iaqi = np.ceil(np.interp(vals, bps, _IAQI[: len(bps)]))
            iaqi[np.isnan(vals)] = np.nan
            iaqis.append(iaqi)
        frame = frame.copy()
        stacked = np.vstack(iaqis)
        # HJ 633-2012 daily AQI needs every indicator (the package's default policy)
        frame["aqi"] = np.where(np.isnan(stacked).any(axis=0), np.nan, stacked.max(axis=0))
        return frame

    station_daily = day_aqi(daily.drop(columns=["O3"]))
    city = daily.reset_index().merge(stations, on="station")
    city = city[~city["background"]]
    city_daily = city.groupby(["city", "date"])[[*POLLUTANTS, "O3_8h", "O3_1h"]].mean()
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
        "mean_good_day_ratio": round(float(ratio), 2),
    }


VARIANTS = {"indicators": run_indicators, "pandas": run_pandas, "floor": run_floor}


def _child(variant: str, path: str) -> None:
    start = time.perf_counter()
    result = VARIANTS[variant](Path(path))
    seconds = time.perf_counter() - start
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(json.dumps({"variant": variant, "seconds": seconds, "peak_gib": peak_gib, **result}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=1700)
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("VARIANT", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--make", nargs=2, metavar=("STATIONS", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        make_data(Path(args.make[1]), int(args.make[0]))
        return
    if args.child:
        _child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "national.parquet"
        t = time.perf_counter()
        # in a child process too: Linux keeps the max RSS across exec, so the parent stays small
        subprocess.run(
            [sys.executable, __file__, "--make", str(args.stations), str(path)], check=True
        )
        print(
            f"synthetic year: {args.stations} stations x 8760 h "
            f"({path.stat().st_size / 1e6:.0f} MB Parquet) made in {time.perf_counter() - t:.1f} s"
        )
        results = {}
        for variant in ("floor", "indicators", *(() if args.skip_pandas else ("pandas",))):
            out = subprocess.run(
                [sys.executable, __file__, "--child", variant, str(path)],
                capture_output=True,
                text=True,
                check=True,
            )
            results[variant] = json.loads(out.stdout.strip().splitlines()[-1])
            r = results[variant]
            print(f"{variant:>10}: {r['seconds']:7.2f} s   peak {r['peak_gib']:.2f} GiB   {r}")
    ind = results["indicators"]
    print(
        f"\nindicators vs floor : {ind['seconds'] / results['floor']['seconds']:.1f}x the floor"
        " (goal <= 5x)"
    )
    if "pandas" in results:
        print(
            f"pandas vs indicators: {results['pandas']['seconds'] / ind['seconds']:.1f}x faster"
            " (goal >= 20x)"
        )
    print(
        f"indicators wall time: {ind['seconds']:.2f} s (goal <= 10 s), "
        f"peak {ind['peak_gib']:.2f} GiB (goal <= 4 GiB)"
    )


if __name__ == "__main__":
    main()
