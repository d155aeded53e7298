"""Synthetic black-odorous water-body ledgers for the demo cities (fictional, never real data).

Each demo city gets a ledger of 8-15 water bodies (河流 and 湖塘) with a status
history, follow-up monitoring for the water bodies whose story happens inside the
demo period, and public surveys for the evaluations made in the period.

The three named cities follow fixed scenarios, so that their reports tell
different stories (dates are for the default period 2025-01-01..2026-12-31):

* 清河市: 10 water bodies. Two are evaluated in 2026 (one eliminated, one only
  基本消除 because its survey reached 88%); one is past its planned date
  (2025-12-31) and still under remediation, with a severe stretch of 3
  consecutive points. Elimination ratio 70.00% at the end of 2025 and exactly
  90.00% at the end of 2026 (target met on the edge).
* 临江市: 14 water bodies, one of them newly identified in 2025. One eliminated
  river returns to black-odorous (返黑返臭) in July 2026 (monitoring: severe, 4 of
  5 points). 13 of 14 = 92.86% at the end of 2025 (like Yiyang), 12 of 14 =
  85.71% at the end of 2026. A shallow pond (depth < 25 cm) was evaluated
  clear to the bottom.
* 北原市: 8 water bodies; one overdue since mid-2024; one finished its works in
  2026 and awaits evaluation; 62.50% at the end of 2025, 75.00% at the end of
  2026.

Numbered cities (:func:`indicators.demo.make_cities`) get a random mix of the
same scenarios. Every event after ``end`` is left out (a shorter period is a
slice of a longer one); the early history (identification from 2016) lies
before ``start``, as real ledgers do.

Randomness comes only from :class:`numpy.random.Generator` objects seeded from
``seed`` and the city code.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from . import DemoCity

__all__ = ["generate"]


@dataclass(frozen=True)
class _Scenario:
    """A water body's story: status events as (status, years after start.year, day of year)."""

    events: tuple[tuple[str, int, int], ...]
    plan: tuple[int, int, int]  # planned completion (years after start.year, month, day)
    monitoring: tuple[str, ...] = ()  # point grades of the follow-up monitoring
    # Monitoring ends 40 days after this: the index of an event, or (years, day of year).
    monitor_at: int | tuple[int, int] = -1
    survey: float | None = None  # satisfied share of the survey at the evaluation
    pond: bool | None = None  # force a lake/pond (True) or a river (False)
    shallow: bool = False


_LTC = _Scenario(
    (
        ("identified", -9, 60),
        ("under_remediation", -9, 250),
        ("remediation_completed", -8, 300),
        ("eliminated", -7, 120),
        ("long_term_clear", -5, 340),
    ),
    (-8, 12, 31),
)
_ELIM = _Scenario(
    (
        ("identified", -9, 60),
        ("under_remediation", -8, 100),
        ("remediation_completed", -7, 200),
        ("eliminated", -6, 150),
    ),
    (-7, 12, 31),
)
_BASIC = _Scenario(
    (
        ("identified", -8, 90),
        ("under_remediation", -7, 60),
        ("remediation_completed", -6, 180),
        ("basically_eliminated", -5, 200),
    ),
    (-6, 12, 31),
)
_ELIM_Y2 = _Scenario(
    (
        ("identified", -4, 100),
        ("under_remediation", -3, 120),
        ("remediation_completed", 0, 320),
        ("eliminated", 1, 140),
    ),
    (0, 12, 31),
    monitoring=("none", "none", "none", "none"),
    survey=94.0,
)
_BASIC_Y2 = _Scenario(
    (
        ("identified", -4, 100),
        ("under_remediation", -3, 150),
        ("remediation_completed", 1, 30),
        ("basically_eliminated", 1, 200),
    ),
    (0, 12, 31),
    monitoring=("none", "none", "none"),
    survey=88.0,
)
_ELIM_Y1_POND = _Scenario(
    (
        ("identified", -3, 80),
        ("under_remediation", -2, 90),
        ("remediation_completed", -1, 300),
        ("eliminated", 0, 170),
    ),
    (-1, 12, 31),
    monitoring=("none", "none", "none"),
    survey=96.5,
    pond=True,
    shallow=True,
)
_OVERDUE = _Scenario(
    (("identified", -3, 200), ("under_remediation", -2, 100)),
    (0, 12, 31),
    monitoring=("light", "severe", "severe", "severe", "light", "none"),
    monitor_at=(1, 150),
    pond=False,
)
_OVERDUE_EARLY = _Scenario(
    (("identified", -4, 50), ("under_remediation", -3, 200)),
    (-1, 6, 30),
    monitoring=("light", "light", "none", "light"),
    monitor_at=(0, 200),
    pond=False,
)
_RETURNED = _Scenario(
    (
        ("identified", -9, 60),
        ("under_remediation", -8, 120),
        ("remediation_completed", -7, 150),
        ("eliminated", -6, 100),
        ("returned", 1, 196),
        ("under_remediation", 1, 244),
    ),
    (2, 6, 30),
    monitoring=("severe", "severe", "severe", "light", "severe"),
    monitor_at=4,
    pond=False,
)
_NEW = _Scenario(
    (("identified", 0, 110), ("under_remediation", 0, 280)),
    (2, 6, 30),
    monitoring=("light", "severe", "light"),
    monitor_at=0,
)
_COMPLETED_Y2 = _Scenario(
    (("identified", -3, 70), ("under_remediation", -2, 60), ("remediation_completed", 1, 290)),
    (1, 12, 31),
    monitoring=("none", "light", "none"),
)

#: Scenarios of the three named demo cities, by city code.
_CITY_SCENARIOS: dict[str, tuple[_Scenario, ...]] = {
    "QH": (_LTC, _LTC, _LTC, _ELIM, _ELIM, _ELIM, _BASIC, _ELIM_Y2, _BASIC_Y2, _OVERDUE),
    "LJ": (
        _LTC,
        _LTC,
        _LTC,
        _LTC,
        _ELIM,
        _ELIM,
        _ELIM,
        _ELIM,
        _ELIM,
        _BASIC,
        _BASIC,
        _ELIM_Y1_POND,
        _RETURNED,
        _NEW,
    ),
    "BY": (_LTC, _LTC, _ELIM, _ELIM, _BASIC, _ELIM_Y2, _COMPLETED_Y2, _OVERDUE_EARLY),
}
_POOL = (
    _LTC,
    _ELIM,
    _ELIM,
    _BASIC,
    _ELIM_Y2,
    _BASIC_Y2,
    _OVERDUE,
    _RETURNED,
    _NEW,
    _COMPLETED_Y2,
    _ELIM_Y1_POND,
)

_NAME_HEADS = (
    "东",
    "西",
    "南",
    "北",
    "新",
    "青",
    "柳",
    "杨",
    "桃花",
    "沙",
    "石门",
    "清水",
    "黄泥",
    "白沙",
    "龙",
    "马家",
    "张家",
    "后",
    "前进",
    "红旗",
)
_RIVER_TAILS = ("沟", "河", "渠", "浜", "港")
_POND_TAILS = ("塘", "湖", "池")
_DISTRICTS = ("城东区", "城西区", "城南区", "开发区", "新城区")


def _rng(seed: int, *parts: str) -> np.random.Generator:
    key = zlib.crc32("|".join(parts).encode("utf-8"))
    return np.random.default_rng([seed, key])


def _day(start: date, years: int, doy: int) -> date:
    return date(start.year + years, 1, 1) + timedelta(days=doy - 1)


def _samples(
    rng: np.random.Generator, grade: str, n: int, depth: float, shallow: bool
) -> list[tuple[float, float, float, float, float]]:
    """(depth, transparency, DO, ORP, NH3-N) per sampling for a target point grade."""
    out = []
    for _ in range(n):
        d = (
            round(float(rng.uniform(18, 24)), 0)
            if shallow
            else round(depth * rng.uniform(0.9, 1.1))
        )
        if grade == "none":
            t = d if shallow else min(float(rng.uniform(30, 60)), d)
            row = (t, rng.uniform(2.6, 6.5), rng.uniform(70, 220), rng.uniform(0.4, 6.5))
        elif grade == "light":
            row = (
                rng.uniform(12, 24),
                rng.uniform(0.4, 1.8),
                rng.uniform(-150, 40),
                rng.uniform(8.5, 14.0),
            )
        else:
            row = (
                rng.uniform(4, 9.5),
                rng.uniform(0.05, 0.18),
                rng.uniform(-320, -210),
                rng.uniform(16, 24),
            )
        t, do, orp, nh3 = row
        out.append(
            (
                float(d),
                round(float(t), 0),
                round(float(do), 2),
                round(float(orp), 0),
                round(float(nh3), 2),
            )
        )
    return out


def _city(
    city: DemoCity, scenarios: Sequence[_Scenario], start: date, end: date, seed: int
) -> dict[str, list[dict]]:
    rng = _rng(seed, "blackodorous", city.code)
    heads = rng.permutation(len(_NAME_HEADS))
    ledger, history, monitoring, surveys = [], [], [], []
    for k, sc in enumerate(scenarios):
        # Every random draw happens whatever the period, so that a shorter period
        # gives a slice of a longer one.
        wid = f"{city.code}-HC{k + 1:02d}"
        pond_draw, tail_i, district_i = rng.random(), int(rng.integers(0, 3)), rng.integers(0, 5)
        length, area, severe = rng.uniform(0.8, 6.0), rng.uniform(0.02, 0.4), rng.random()
        n_samp, depth = int(rng.integers(3, 6)), float(rng.uniform(40, 150))
        points = [
            (float(rng.uniform(0.2, 0.6)), _samples(rng, g, n_samp, depth, sc.shallow))
            for g in sc.monitoring
        ]
        respondents = int(rng.integers(10, 31)) * 10
        pond = bool(pond_draw < 0.2) if sc.pond is None else sc.pond
        district = _DISTRICTS[int(district_i)]
        events = [(s, _day(start, y, d)) for s, y, d in sc.events]
        if events[0][1] > end:
            continue
        ledger.append(
            {
                "water_body_id": wid,
                "city": city.name,
                "district": district,
                "name": _NAME_HEADS[int(heads[k % len(heads)])]
                + (_POND_TAILS if pond else _RIVER_TAILS)[tail_i],
                "type": "lake_pond" if pond else "river",
                "length_km": None if pond else round(float(length), 2),
                "area_km2": round(float(area), 3) if pond else None,
                "grade_identified": "severe" if severe < 0.3 else "light",
                "identified_date": events[0][1],
                "responsible_unit": f"{city.name}{district}人民政府",
                "plan_date": date(start.year + sc.plan[0], sc.plan[1], sc.plan[2]),
            }
        )
        history += [{"water_body_id": wid, "status": s, "date": d} for s, d in events if d <= end]
        if not sc.monitoring:
            continue
        anchor = (
            events[sc.monitor_at][1]
            if isinstance(sc.monitor_at, int)
            else _day(start, *sc.monitor_at)
        )
        first = anchor - timedelta(days=40)
        pos = 0.0
        for j, (step, samples) in enumerate(points):
            for s, (d, t, do, orp, nh3) in enumerate(samples):
                day = first + timedelta(days=3 * s)
                if start <= day <= end:
                    monitoring.append(
                        {
                            "water_body_id": wid,
                            "point": f"{wid}-P{j + 1}",
                            "position_km": round(pos, 2),
                            "date": day,
                            "depth": d,
                            "transparency": t,
                            "DO": do,
                            "ORP": orp,
                            "NH3-N": nh3,
                        }
                    )
            pos += step
        survey_day = anchor - timedelta(days=10)
        if sc.survey is not None and start <= survey_day <= end:
            surveys.append(
                {
                    "water_body_id": wid,
                    "date": survey_day,
                    "respondents": respondents,
                    "satisfied_share": sc.survey,
                }
            )
    return {"ledger": ledger, "history": history, "monitoring": monitoring, "surveys": surveys}


_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "ledger": {
        "water_body_id": pl.String(),
        "city": pl.String(),
        "district": pl.String(),
        "name": pl.String(),
        "type": pl.String(),
        "length_km": pl.Float64(),
        "area_km2": pl.Float64(),
        "grade_identified": pl.String(),
        "identified_date": pl.Date(),
        "responsible_unit": pl.String(),
        "plan_date": pl.Date(),
    },
    "history": {"water_body_id": pl.String(), "status": pl.String(), "date": pl.Date()},
    "monitoring": {
        "water_body_id": pl.String(),
        "point": pl.String(),
        "position_km": pl.Float64(),
        "date": pl.Date(),
        "depth": pl.Float64(),
        "transparency": pl.Float64(),
        "DO": pl.Float64(),
        "ORP": pl.Float64(),
        "NH3-N": pl.Float64(),
    },
    "surveys": {
        "water_body_id": pl.String(),
        "date": pl.Date(),
        "respondents": pl.Int64(),
        "satisfied_share": pl.Float64(),
    },
}
_NAMES = {
    "ledger": "blackodorous_ledger",
    "history": "blackodorous_status",
    "monitoring": "blackodorous_monitoring",
    "surveys": "blackodorous_surveys",
}


def generate(
    cities: Sequence[DemoCity],
    stations: pl.DataFrame | None,
    start: date,
    end: date,
    seed: int,
) -> dict[str, pl.DataFrame]:
    """Generate the black-odorous demo tables.

    Parameters
    ----------
    cities : sequence of DemoCity
        Demo cities (:data:`indicators.demo.CITIES` or :func:`make_cities`).
    stations : polars.DataFrame or None
        Air station list (not used; part of the common generator signature).
    start, end : date
        Demo period (inclusive). Status events and samples after ``end`` are
        left out.
    seed : int
        Random seed.

    Returns
    -------
    dict of str to polars.DataFrame
        ``blackodorous_ledger``, ``blackodorous_status`` (long status history),
        ``blackodorous_monitoring`` (per point and sampling) and
        ``blackodorous_surveys``, in the layouts of :mod:`indicators.blackodorous`.

    Examples
    --------
    >>> from indicators.demo import CITIES, DEMO_START, DEMO_END, DEMO_SEED
    >>> t = generate(CITIES, None, DEMO_START, DEMO_END, DEMO_SEED)
    >>> t["blackodorous_ledger"].group_by("city", maintain_order=True).len()["len"].to_list()
    [10, 14, 8]
    """
    del stations
    parts: dict[str, list[dict]] = {k: [] for k in _SCHEMAS}
    for city in cities:
        scen = _CITY_SCENARIOS.get(city.code)
        if scen is None:
            rng = _rng(seed, "blackodorous-mix", city.code)
            n = int(rng.integers(8, 16))
            scen = tuple(_POOL[int(i)] for i in rng.integers(0, len(_POOL), n))
        for key, rows in _city(city, scen, start, end, seed).items():
            parts[key] += rows
    return {_NAMES[k]: pl.DataFrame(rows, schema=_SCHEMAS[k]) for k, rows in parts.items()}
