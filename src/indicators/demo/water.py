"""Synthetic water monitoring for the demo cities (fictional, never real data).

Six tables, in the layouts of :mod:`indicators.validation.water`:

* ``water_sections``: the section registry. The named cities have rivers and a lake or
  reservoir (清河市 7 sections, 临江市 9, 北原市 4, so one city is rated by the mean
  method); other cities get 4-7 generic sections.
* ``water_results``: one sampling per section and month (day 8-12), long form, with the
  21 GB 3838 evaluation items, TN, fecal coliform, water temperature, and chl-a and
  transparency at lake and reservoir points. Trace metals and other toxic items are
  mostly below their detection limits (``below_dl`` true, ``value`` null).
* ``drinking_sources`` and ``drinking_results``: surface and groundwater sources with
  the volume they supply; monthly results with the Table 1 and Table 2 items (surface)
  or the GB/T 14848 items (groundwater).
* ``sea_points`` and ``sea_results``: coastal cities only; 10 points with the sea area
  they represent, three campaigns a year (``campaign`` 2025-spring, -summer, -autumn).

The model: every section has a pollution load (1 = a typical class II-III urban river
reach). Organic and nutrient items scale with the load, ammonia rises in winter, DO
follows the saturation at the water temperature and falls with the load, lakes have
lower TP and higher chl-a in summer. A few reaches fail their target (北原市 北原河出境
both years, 清河市 沙河入清河口 in 2025), loads fall by a few percent a year in 清河市 and
临江市, so the demo has a change to report; the 北原市 groundwater source is over the
nitrate limit on average in 2025 and the 临江市 东郊 source over the manganese limit in
some summer months. Randomness comes only from
:class:`numpy.random.Generator` objects seeded from ``seed``, the site code and the
year, so a shorter period is a slice of a longer one.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from ..validation.water import RESULT_COLUMNS, canonical_unit
from . import DemoCity

__all__ = ["generate"]


def _key(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


@dataclass(frozen=True)
class _Section:
    name: str
    waterbody: str
    type: str
    level: str
    target: str
    load: float


# Named cities: sections (name, water body, type, level, target class, load).
_SECTIONS: dict[str, tuple[_Section, ...]] = {
    "QH": (
        _Section("清河上游", "清河", "river", "national", "II", 0.45),
        _Section("清河城区", "清河", "river", "national", "III", 0.95),
        _Section("清河出境", "清河", "river", "national", "III", 1.35),
        _Section("沙河中段", "沙河", "river", "provincial", "IV", 2.2),
        _Section("沙河入清河口", "沙河", "river", "provincial", "IV", 2.4),
        _Section("白马水库库心", "白马水库", "reservoir", "national", "II", 0.5),
        _Section("白马水库取水口", "白马水库", "reservoir", "provincial", "II", 0.55),
    ),
    "LJ": (
        _Section("临江上游", "临江", "river", "national", "II", 0.4),
        _Section("临江中段", "临江", "river", "national", "III", 0.8),
        _Section("临江入海口", "临江", "river", "national", "III", 1.1),
        _Section("南溪", "南溪", "river", "municipal", "III", 0.6),
        _Section("运河一桥", "运河", "river", "provincial", "IV", 1.7),
        _Section("运河二桥", "运河", "river", "provincial", "IV", 2.35),
        _Section("镜湖东", "镜湖", "lake", "national", "III", 0.95),
        _Section("镜湖西", "镜湖", "lake", "national", "III", 1.15),
        _Section("镜湖南", "镜湖", "lake", "provincial", "IV", 1.4),
    ),
    "BY": (
        _Section("北原河上游", "北原河", "river", "national", "II", 0.5),
        _Section("北原河城区", "北原河", "river", "national", "III", 1.15),
        _Section("北原河出境", "北原河", "river", "national", "IV", 3.0),
        _Section("红石水库", "红石水库", "reservoir", "national", "II", 0.5),
    ),
}
_BASIN = {"QH": "海河流域", "LJ": "长江流域", "BY": "黄河流域"}
# Yearly change of the load (fraction per year after the first demo year).
_TREND = {"QH": -0.06, "LJ": -0.05, "BY": 0.02}

# Drinking sources: (name, type, volume [10^4 t/a], load, special).
_SOURCES: dict[str, tuple[tuple[str, str, float, float, str], ...]] = {
    "QH": (
        ("白马水库水源地", "reservoir", 9000.0, 0.45, ""),
        ("清河水厂取水口", "river", 3000.0, 0.7, ""),
        ("城北地下水水源地", "groundwater", 1500.0, 0.5, ""),
    ),
    "LJ": (
        ("临江取水口", "river", 12000.0, 0.55, ""),
        ("南溪水库水源地", "reservoir", 6000.0, 0.45, ""),
        ("东郊水源地", "river", 2500.0, 0.7, "manganese"),
    ),
    "BY": (
        ("红石水库水源地", "reservoir", 5000.0, 0.45, ""),
        ("城西地下水水源地", "groundwater", 4000.0, 0.6, "nitrate"),
    ),
}

_TABLE1 = (
    "pH",
    "DO",
    "CODMn",
    "COD",
    "BOD5",
    "NH3-N",
    "TP",
    "Cu",
    "Zn",
    "F",
    "Se",
    "As",
    "Hg",
    "Cd",
    "Cr6",
    "Pb",
    "CN",
    "VPhenol",
    "Petroleum",
    "LAS",
    "Sulfide",
)
# Trace items: (typical value, log spread, detection limit) [mg/L]. Simulation constants.
_TRACE: dict[str, tuple[float, float, float]] = {
    "Cu": (0.003, 0.6, 0.001),
    "Zn": (0.02, 0.7, 0.05),
    "F": (0.35, 0.3, 0.05),
    "Se": (0.0002, 0.5, 0.0004),
    "As": (0.0012, 0.5, 0.0003),
    "Hg": (0.00002, 0.5, 0.00004),
    "Cd": (0.00005, 0.6, 0.0001),
    "Cr6": (0.002, 0.5, 0.004),
    "Pb": (0.0006, 0.7, 0.001),
    "CN": (0.001, 0.6, 0.004),
    "VPhenol": (0.0003, 0.6, 0.0003),
    "Petroleum": (0.012, 0.6, 0.01),
    "LAS": (0.03, 0.5, 0.05),
    "Sulfide": (0.003, 0.6, 0.005),
}
_DECIMALS = {
    "WaterTemp": 1,
    "pH": 2,
    "DO": 1,
    "CODMn": 1,
    "COD": 0,
    "BOD5": 1,
    "NH3-N": 3,
    "TP": 3,
    "TN": 2,
    "FecalColiform": -1,
    "Chla": 1,
    "SD": 2,
    "SO4": 1,
    "Cl": 1,
    "NO3-N": 2,
    "NO2-N": 3,
    "Fe": 3,
    "Mn": 3,
    "Hardness": 0,
    "TDS": 0,
    "TotalColiform": 0,
    "TotalBacteria": 0,
    "DIN": 3,
    "PO4-P": 4,
}
_SEA_ITEMS = ("pH", "DO", "COD", "BOD5", "DIN", "PO4-P", "Petroleum")
_CAMPAIGNS = (("spring", 5, 12), ("summer", 8, 14), ("autumn", 10, 16))


def _layout(city: DemoCity, index: int) -> tuple[_Section, ...]:
    if city.code in _SECTIONS:
        return _SECTIONS[city.code]
    n = 4 + index % 4
    river = f"{city.name.removesuffix('市')}河"
    out = []
    for k in range(n - 1):
        load = 0.5 + 0.45 * k + 0.1 * (index % 3)
        target = ("II", "III", "III", "IV", "IV", "IV")[k]
        out.append(_Section(f"{river}{k + 1}号断面", river, "river", "provincial", target, load))
    out.append(_Section(f"{river}水库", f"{river}水库", "reservoir", "provincial", "II", 0.5))
    return tuple(out)


def _months(start: date, end: date) -> list[tuple[int, int]]:
    months = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def _temperature(month: int, lat: float) -> float:
    """Monthly mean water temperature [°C] (warmer in the south)."""
    base = 16.0 + 0.45 * (35.0 - lat)
    return max(1.0, base + 11.0 * math.sin(2 * math.pi * (month - 4.3) / 12))


def _saturation(t: float) -> float:
    """DO saturation [mg/L] in fresh water at t °C (polynomial fit, simulation only)."""
    return 14.62 - 0.3898 * t + 0.006969 * t**2 - 0.00005897 * t**3


def _round(item: str, value: float) -> float:
    d = _DECIMALS.get(item)
    if d is None:  # trace items: 2 significant digits
        return float(f"{value:.2g}")
    return round(value, d) if d >= 0 else float(round(value, d))


def _row(site: str, day: date, item: str, value: float, dl: float | None = None) -> dict:
    below = dl is not None and value < dl
    return {
        "site": site,
        "date": day,
        "item": item,
        "value": None if below else _round(item, value),
        "unit": canonical_unit(item),
        "below_dl": below,
        "detection_limit": dl,
    }


def _surface_sample(
    rng: np.random.Generator, site: str, day: date, load: float, kind: str, lat: float
) -> list[dict]:
    """One sampling of the Table 1 items, TN, fecal coliform, temperature (+ lake items)."""
    month = day.month
    t = _temperature(month, lat) + rng.normal(0, 1.0)
    winter = 1.0 + 0.5 * (month in (12, 1, 2))
    lake = kind != "river"

    def ln(sigma: float) -> float:
        return float(np.exp(rng.normal(0.0, sigma)))

    codmn = 2.6 * load**0.9 * ln(0.2)
    cod = max(codmn * 3.9 * ln(0.15), 4.0)
    rows = [
        _row(site, day, "WaterTemp", t),
        _row(
            site,
            day,
            "pH",
            7.7 + 0.25 * rng.standard_normal() + (0.3 if lake and month in (6, 7, 8) else 0.0),
        ),
        _row(site, day, "DO", max(0.3, _saturation(t) * (1.02 - 0.2 * (load - 0.4)) * ln(0.08))),
        _row(site, day, "CODMn", codmn),
        _row(site, day, "COD", cod),
        _row(site, day, "BOD5", 0.2 * cod * ln(0.2)),
        _row(site, day, "NH3-N", 0.22 * load**1.9 * winter * ln(0.4)),
        _row(site, day, "TP", (0.032 * load if lake else 0.07 * load**1.3) * ln(0.3)),
        _row(site, day, "TN", (1.0 if lake else 1.6) * load**0.8 * ln(0.25)),
        _row(site, day, "FecalColiform", 900 * load**2 * ln(0.8)),
    ]
    for item in _TABLE1:
        if item in _TRACE:
            typical, spread, dl = _TRACE[item]
            rows.append(_row(site, day, item, typical * load**0.3 * ln(spread), dl))
    if lake:
        summer = 1.0 + 1.2 * math.exp(-(((month - 7.5) / 2.0) ** 2))
        rows.append(_row(site, day, "Chla", 5.5 * load**1.5 * summer * ln(0.35)))
        rows.append(_row(site, day, "SD", 1.3 / (load**0.7 * summer**0.5) * ln(0.15)))
    return rows


def _groundwater_sample(
    rng: np.random.Generator, site: str, day: date, load: float, special: str
) -> list[dict]:
    def ln(sigma: float) -> float:
        return float(np.exp(rng.normal(0.0, sigma)))

    # the nitrate source is over the class-III limit (20 mg/L) on average in 2025 only
    level = (20.8 if day.year <= 2025 else 17.0) if special == "nitrate" else 4.0
    nitrate = level * ln(0.12)
    rows = [
        _row(site, day, "pH", 7.3 + 0.15 * rng.standard_normal()),
        _row(site, day, "CODMn", 1.1 * load * ln(0.2)),
        _row(site, day, "NH3-N", 0.06 * load * ln(0.4)),
        _row(site, day, "NO3-N", nitrate),
        _row(site, day, "NO2-N", 0.004 * ln(0.5), 0.003),
        _row(site, day, "F", 0.45 * ln(0.2)),
        _row(site, day, "SO4", 85 * ln(0.15)),
        _row(site, day, "Cl", 60 * ln(0.15)),
        _row(site, day, "Fe", 0.06 * ln(0.4), 0.03),
        _row(site, day, "Mn", 0.02 * ln(0.4), 0.01),
        _row(site, day, "Hardness", 280 * ln(0.1)),
        _row(site, day, "TDS", 520 * ln(0.1)),
        _row(site, day, "TotalColiform", 10 * ln(0.6), 20.0),
        _row(site, day, "TotalBacteria", 18 * ln(0.5)),
    ]
    for item in ("As", "Hg", "Cd", "Cr6", "Pb", "CN", "VPhenol"):
        typical, spread, dl = _TRACE[item]
        rows.append(_row(site, day, item, typical * 0.5 * ln(spread), dl))
    return rows


def _drinking_surface_sample(
    rng: np.random.Generator,
    site: str,
    day: date,
    load: float,
    kind: str,
    lat: float,
    special: str,
) -> list[dict]:
    rows = _surface_sample(rng, site, day, load, kind, lat)
    rows = [r for r in rows if r["item"] not in ("Chla", "SD")]

    def ln(sigma: float) -> float:
        return float(np.exp(rng.normal(0.0, sigma)))

    summer = day.month in (7, 8, 9)
    mn = (0.13 if special == "manganese" and summer else 0.03) * ln(0.25)
    rows += [
        _row(site, day, "SO4", 45 * ln(0.2)),
        _row(site, day, "Cl", 30 * ln(0.2)),
        _row(site, day, "NO3-N", 1.2 * ln(0.3)),
        _row(site, day, "Fe", 0.08 * ln(0.4), 0.03),
        _row(site, day, "Mn", mn, 0.01),
    ]
    return rows


def _sample_day(rng: np.random.Generator, year: int, month: int) -> date:
    return date(year, month, int(rng.integers(8, 13)))


def _offset(code: str, k: int, n: int, radius: float) -> tuple[float, float]:
    angle = 2 * math.pi * (k + 0.5 * (_key(code) % 7) / 7) / max(n, 1)
    return radius * math.cos(angle), radius * math.sin(angle)


def generate(
    cities: Sequence[DemoCity],
    stations: pl.DataFrame,
    start: date,
    end: date,
    seed: int,
) -> dict[str, pl.DataFrame]:
    """Synthetic water registries and results for ``cities`` (fictional data).

    See the module docstring for the model. Nothing here is real data.

    Parameters
    ----------
    cities : sequence of DemoCity
        The cities (:data:`indicators.demo.CITIES` or :func:`indicators.demo.make_cities`).
    stations : polars.DataFrame
        The air station list (not used by the water tables; part of the common
        generator signature).
    start, end : datetime.date
        First and last day, inclusive: a result is made for every month the period
        touches, on its sampling day if that day is inside the period.
    seed : int
        Seed. Same arguments, identical frames.

    Returns
    -------
    dict of str to polars.DataFrame
        ``water_sections``, ``water_results``, ``drinking_sources``,
        ``drinking_results``, ``sea_points``, ``sea_results``.

    Examples
    --------
    >>> from indicators.demo import CITIES, station_list
    >>> out = generate(CITIES, station_list(), date(2025, 1, 1), date(2025, 3, 31), 1)
    >>> out["water_sections"].group_by("city", maintain_order=True).len()["len"].to_list()
    [7, 9, 4]
    >>> out["sea_points"]["city"].unique().to_list()
    ['临江市']
    """
    del stations  # common signature; the water tables do not use the air stations
    years = sorted({y for y, _ in _months(start, end)})
    sections, results = [], []
    sources, drinking = [], []
    points, sea = [], []
    for index, city in enumerate(cities):
        rows, samples = _sections_of(city, index, years, seed, start, end)
        sections += rows
        results += samples
        rows, samples = _sources_of(city, years, seed, start, end)
        sources += rows
        drinking += samples
        if city.coastal:
            rows, samples = _sea_points_of(city, years, seed, start, end)
            points += rows
            sea += samples
    results_schema = {
        "site": pl.String,
        "date": pl.Date,
        "item": pl.String,
        "value": pl.Float64,
        "unit": pl.String,
        "below_dl": pl.Boolean,
        "detection_limit": pl.Float64,
    }
    sea_schema = {**results_schema, "campaign": pl.String}
    return {
        "water_sections": pl.DataFrame(sections, schema=_registry_schema("sections")),
        "water_results": pl.DataFrame(results, schema=results_schema).select(RESULT_COLUMNS),
        "drinking_sources": pl.DataFrame(sources, schema=_registry_schema("drinking_sources")),
        "drinking_results": pl.DataFrame(drinking, schema=results_schema).select(RESULT_COLUMNS),
        "sea_points": pl.DataFrame(points, schema=_registry_schema("sea_points")),
        "sea_results": pl.DataFrame(sea, schema=sea_schema),
    }


def _sections_of(
    city: DemoCity, index: int, years: list[int], seed: int, start: date, end: date
) -> tuple[list[dict], list[dict]]:
    """The city's surface-water sections and their monthly results inside the period."""
    layout = _layout(city, index)
    basin = _BASIN.get(city.code, "示范流域")
    sections, results = [], []
    for k, sec in enumerate(layout):
        site = f"{city.code}W{k + 1:02d}"
        dx, dy = _offset(site, k, len(layout), 0.12)
        sections.append(
            {
                "site": site,
                "name": sec.name,
                "waterbody": sec.waterbody,
                "type": sec.type,
                "basin": basin,
                "city": city.name,
                "level": sec.level,
                "target_class": sec.target,
                "lon": round(city.lon + dx, 4),
                "lat": round(city.lat + dy, 4),
            }
        )
        for year in years:
            rng = np.random.default_rng([seed, _key(site), year])
            load = sec.load * (1 + _TREND.get(city.code, 0.0)) ** (year - 2025)
            for month in range(1, 13):
                day = _sample_day(rng, year, month)
                sample = _surface_sample(rng, site, day, load, sec.type, city.lat)
                if start <= day <= end:
                    results.extend(sample)
    return sections, results


def _sources_of(
    city: DemoCity, years: list[int], seed: int, start: date, end: date
) -> tuple[list[dict], list[dict]]:
    """The city's drinking-water sources and their monthly results inside the period."""
    sources, drinking = [], []
    for k, (name, kind, volume, load, special) in enumerate(_SOURCES.get(city.code, ())):
        site = f"{city.code}D{k + 1:02d}"
        dx, dy = _offset(site, k, 3, 0.2)
        sources.append(
            {
                "site": site,
                "name": name,
                "type": kind,
                "city": city.name,
                "volume": volume,
                "lon": round(city.lon + dx, 4),
                "lat": round(city.lat + dy, 4),
            }
        )
        for year in years:
            rng = np.random.default_rng([seed, _key(site), year])
            trend = 0.7 if special == "manganese" and year > 2025 else 1.0
            for month in range(1, 13):
                day = _sample_day(rng, year, month)
                if kind == "groundwater":
                    sample = _groundwater_sample(rng, site, day, load, special)
                else:
                    sample = _drinking_surface_sample(
                        rng,
                        site,
                        day,
                        load,
                        kind,
                        city.lat,
                        special if trend == 1.0 or month % 2 else "",
                    )
                if start <= day <= end:
                    drinking.extend(sample)
    return sources, drinking


def _sea_points_of(
    city: DemoCity, years: list[int], seed: int, start: date, end: date
) -> tuple[list[dict], list[dict]]:
    """A coastal city's ten sea points and their campaign results inside the period."""
    points, sea = [], []
    for k in range(10):
        site = f"{city.code}S{k + 1:02d}"
        near = k < 4  # the estuary and harbour points
        points.append(
            {
                "site": site,
                "name": f"{city.name.removesuffix('市')}近岸{k + 1}号",
                "city": city.name,
                "area": float(25 + 15 * ((k * 7) % 9)),
                "lon": round(city.lon + 0.35 + 0.06 * k, 4),
                "lat": round(city.lat - 0.1 + 0.03 * (k % 5), 4),
            }
        )
        for year in years:
            rng = np.random.default_rng([seed, _key(site), year])
            for label, month, day_of_month in _CAMPAIGNS:
                day = date(year, month, day_of_month + int(rng.integers(0, 4)))
                sample = _sea_sample(rng, site, day, near, k)
                for r in sample:
                    r["campaign"] = f"{year}-{label}"
                if start <= day <= end:
                    sea.extend(sample)
    return points, sea


def _registry_schema(kind: str) -> dict[str, pl.DataType]:
    from ..validation.water import REGISTRY_COLUMNS

    floats = {"lon", "lat", "volume", "area"}
    return {c: (pl.Float64 if c in floats else pl.String) for c in REGISTRY_COLUMNS[kind]}


def _sea_sample(rng: np.random.Generator, site: str, day: date, near: bool, k: int) -> list[dict]:
    def ln(sigma: float) -> float:
        return float(np.exp(rng.normal(0.0, sigma)))

    din_level = (0.34 + 0.06 * k) if near else 0.14 + 0.01 * k
    summer = day.month == 8
    return [
        _row(site, day, "pH", 8.12 + 0.08 * rng.standard_normal() - (0.1 if near else 0.0)),
        _row(site, day, "DO", (6.2 if summer else 7.6) * ln(0.07) - (0.4 if near else 0.0)),
        _row(site, day, "COD", (1.6 if near else 0.9) * ln(0.25)),
        _row(site, day, "BOD5", (1.2 if near else 0.6) * ln(0.3)),
        _row(site, day, "DIN", din_level * ln(0.2)),
        _row(site, day, "PO4-P", (0.022 if near else 0.009) * ln(0.3)),
        _row(site, day, "Petroleum", (0.03 if near else 0.015) * ln(0.4), 0.0035),
        _row(site, day, "Hg", 0.00003 * ln(0.4), 0.000007),
    ]
