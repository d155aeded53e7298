"""Synthetic noise monitoring for the demo cities (fictional, never real data).

Three tables, in the layouts of :mod:`indicators.noise`:

* ``noise_functional``: functional-area points (功能区), one measurement day per
  quarter, day and night Leq. Each class has its own typical margin below its
  GB 3096-2008 limit (read from the standards table, so the data follow the
  limits): small by day, smaller by night, negative at night for class 4a
  (roadside nights are often over the limit, as in real bulletins). Each point has
  a fixed offset; one night value per city and year is missing.
* ``noise_regional``: a fixed grid per city, surveyed once a year by day; the
  night survey is made only in the second year ("where measured").
* ``noise_traffic``: fixed road sections with lengths, surveyed once a year by day
  and night.

The city levels are chosen so the demo cities fall in different HJ 640-2012
grades. Randomness comes only from :class:`numpy.random.Generator` objects
seeded from ``seed``, the city code, the table and the year, so a shorter period
is a slice of a longer one.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import date

import numpy as np
import polars as pl

from .. import standards
from ..standards import table
from . import DemoCity

__all__ = ["generate"]

# Functional-area points of the named cities (classes, in point order).
_CLASSES: dict[str, tuple[str, ...]] = {
    "QH": ("1", "1", "2", "2", "3", "4a", "4a"),
    "LJ": ("0", "1", "1", "2", "2", "2", "3", "4a", "4a", "4b"),
    "BY": ("1", "2", "2", "3", "4a", "4a"),
}
_POOL = ("1", "1", "2", "2", "2", "3", "4a", "4a")
# Mean margin below the class limit [dB(A)], day and night (simulation constants).
_MARGIN = {
    "0": (4.0, 2.0),
    "1": (3.5, 1.5),
    "2": (4.0, 2.2),
    "3": (5.0, 3.0),
    "4a": (2.5, -0.5),
    "4b": (4.0, 2.0),
}
_SPREAD = 2.2
# City levels: regional day mean, road traffic day mean, grid points, road sections.
_LEVELS = {"QH": (54.6, 67.6, 80, 24), "LJ": (56.0, 68.9, 110, 36), "BY": (53.1, 66.8, 64, 18)}
_ROADS = (
    "人民路",
    "解放路",
    "建设路",
    "中山路",
    "新华路",
    "胜利路",
    "滨江路",
    "朝阳路",
    "和平路",
    "文化路",
    "工业大道",
    "环城路",
)


def _rng(seed: int, *parts: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32("|".join(parts).encode("utf-8"))])


def _levels(city: DemoCity) -> tuple[float, float, int, int]:
    if city.code in _LEVELS:
        return _LEVELS[city.code]
    r = _rng(0, "noise-levels", city.code)
    return (
        round(float(r.uniform(52, 58)), 1),
        round(float(r.uniform(66, 71)), 1),
        int(r.integers(50, 120)),
        int(r.integers(15, 40)),
    )


def _functional(city: DemoCity, years: list[int], start: date, end: date, seed: int) -> list[dict]:
    limits = {
        (c, p): float(v)
        for c, p, v in table("noise_limits")
        .filter(pl.col("standard") == standards.newest_edition("GB 3096"))
        .select("functional_class", "period", "limit")
        .iter_rows()
    }
    classes = _CLASSES.get(city.code)
    base = _rng(seed, "noise-points", city.code)
    if classes is None:
        classes = tuple(
            _POOL[int(i)] for i in base.integers(0, len(_POOL), int(base.integers(5, 11)))
        )
    offsets = base.normal(0.0, 1.0, len(classes))
    rows = []
    for year in years:
        rng = _rng(seed, "noise-functional", city.code, str(year))
        day_noise = rng.normal(0.0, _SPREAD, (4, len(classes)))
        night_noise = rng.normal(0.0, _SPREAD, (4, len(classes)))
        missing = (int(rng.integers(0, 4)), int(rng.integers(0, len(classes))))
        for q in range(4):
            when = date(year, 3 * q + 2, 15)
            if not start <= when <= end:
                continue
            for k, cls in enumerate(classes):
                md, mn = _MARGIN[cls]
                ld = limits[(cls, "day")] - md + offsets[k] + day_noise[q, k]
                ln = limits[(cls, "night")] - mn + offsets[k] + night_noise[q, k]
                rows.append(
                    {
                        "city": city.name,
                        "point": f"{city.code}-N{k + 1:02d}",
                        "functional_class": cls,
                        "year": year,
                        "quarter": q + 1,
                        "date": when,
                        "leq_day": round(float(ld), 1),
                        "leq_night": None if (q, k) == missing else round(float(ln), 1),
                    }
                )
    return rows


def _regional(city: DemoCity, years: list[int], start: date, end: date, seed: int) -> list[dict]:
    mu, _, n_grid, _ = _levels(city)
    rows = []
    for year in years:
        rng = _rng(seed, "noise-regional", city.code, str(year))
        day = np.clip(rng.normal(mu + rng.normal(0.0, 0.4), 3.5, n_grid), 40, 75)
        night = day - 10 + rng.normal(0.0, 2.5, n_grid)
        when = date(year, 5, 20)
        if not start <= when <= end:
            continue
        for g in range(n_grid):
            rows.append(
                {
                    "city": city.name,
                    "year": year,
                    "date": when,
                    "point": f"{city.code}-G{g + 1:03d}",
                    "leq_day": round(float(day[g]), 1),
                    "leq_night": round(float(night[g]), 1) if year % 2 == 0 else None,
                }
            )
    return rows


def _traffic(city: DemoCity, years: list[int], start: date, end: date, seed: int) -> list[dict]:
    _, mu, _, n_sec = _levels(city)
    base = _rng(seed, "noise-sections", city.code)
    lengths = np.round(base.uniform(0.4, 4.5, n_sec), 2)
    offsets = base.normal(0.0, 1.5, n_sec)
    rows = []
    for year in years:
        rng = _rng(seed, "noise-traffic", city.code, str(year))
        day = mu + offsets + rng.normal(0.0, 1.0, n_sec)
        night = day - 8.5 + rng.normal(0.0, 1.5, n_sec)
        when = date(year, 9, 16)
        if not start <= when <= end:
            continue
        for s in range(n_sec):
            road = _ROADS[s % len(_ROADS)]
            rows.append(
                {
                    "city": city.name,
                    "year": year,
                    "date": when,
                    "section": f"{road}{s // len(_ROADS) + 1}段",
                    "length_km": float(lengths[s]),
                    "leq_day": round(float(day[s]), 1),
                    "leq_night": round(float(night[s]), 1),
                }
            )
    return rows


_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "noise_functional": {
        "city": pl.String(),
        "point": pl.String(),
        "functional_class": pl.String(),
        "year": pl.Int64(),
        "quarter": pl.Int64(),
        "date": pl.Date(),
        "leq_day": pl.Float64(),
        "leq_night": pl.Float64(),
    },
    "noise_regional": {
        "city": pl.String(),
        "year": pl.Int64(),
        "date": pl.Date(),
        "point": pl.String(),
        "leq_day": pl.Float64(),
        "leq_night": pl.Float64(),
    },
    "noise_traffic": {
        "city": pl.String(),
        "year": pl.Int64(),
        "date": pl.Date(),
        "section": pl.String(),
        "length_km": pl.Float64(),
        "leq_day": pl.Float64(),
        "leq_night": pl.Float64(),
    },
}


def generate(
    cities: Sequence[DemoCity],
    stations: pl.DataFrame | None,
    start: date,
    end: date,
    seed: int,
) -> dict[str, pl.DataFrame]:
    """Generate the noise demo tables.

    Parameters
    ----------
    cities : sequence of DemoCity
        Demo cities.
    stations : polars.DataFrame or None
        Air station list (not used; part of the common generator signature).
    start, end : date
        Demo period (inclusive): quarters and surveys dated inside it.
    seed : int
        Random seed.

    Returns
    -------
    dict of str to polars.DataFrame
        ``noise_functional`` (city, point, functional_class, year, quarter, date,
        leq_day, leq_night), ``noise_regional`` (city, year, date, point, leq_day,
        leq_night) and ``noise_traffic`` (city, year, date, section, length_km,
        leq_day, leq_night); Leq in dB(A) to 0.1.

    Examples
    --------
    >>> from indicators.demo import CITIES, DEMO_START, DEMO_END, DEMO_SEED
    >>> t = generate(CITIES, None, DEMO_START, DEMO_END, DEMO_SEED)
    >>> t["noise_functional"].group_by("city", maintain_order=True).len()["len"].to_list()
    [56, 80, 48]
    """
    del stations
    years = list(range(start.year, end.year + 1))
    parts: dict[str, list[dict]] = {k: [] for k in _SCHEMAS}
    for city in cities:
        parts["noise_functional"] += _functional(city, years, start, end, seed)
        parts["noise_regional"] += _regional(city, years, start, end, seed)
        parts["noise_traffic"] += _traffic(city, years, start, end, seed)
    return {k: pl.DataFrame(rows, schema=_SCHEMAS[k]) for k, rows in parts.items()}
