"""Sums and means that are the same float whatever the rows' order and polars' engine.

polars adds a group's values in the order its engine reaches them, which changes from run
to run; the package adds them in ascending order. The figures
built on it (CWQI, black-odorous lengths, noise means, sea areas, source volumes) are then
the same in every run of a report.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from indicators import sea, water
from indicators.demo import CITIES, write_demo

areas = st.lists(st.floats(0.001, 1e4, allow_subnormal=False), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(areas=areas, seed=st.integers(0, 1000))
def test_sea_areas_are_the_sorted_areas_added_one_by_one(areas, seed) -> None:
    """GB 3097-1997 class shares by area: the total is the points' areas added in
    ascending order, whatever the order of the points."""
    n = len(areas)
    classes = pl.DataFrame(
        {
            "site": [f"P{i:02d}" for i in range(n)],
            "campaign": ["2025-s"] * n,
            "period_start": [None] * n,
            "period_end": [None] * n,
            "class": [("I", "II", "III", "劣IV")[i % 4] for i in range(n)],
            "area": areas,
        }
    )
    total = good = 0.0
    for i in sorted(range(n), key=lambda i: areas[i]):
        total += areas[i]
    for a in sorted(areas[i] for i in range(n) if i % 4 < 2):
        good += a
    for frame in (classes, classes.sample(fraction=1.0, shuffle=True, seed=seed)):
        got = sea.class_shares(frame)
        assert got["area_total"][0] == total
        assert got["area_I_II"][0] == good


def test_cwqi_is_the_same_whatever_the_order_of_the_samples(tmp_path) -> None:
    """The demo cities' CWQI from their samples as read and shuffled: equal to the last
    bit (with polars' own means, one city in three differed in about half the shuffles)."""
    write_demo(tmp_path, cities=CITIES[:5])
    sections = pl.read_parquet(tmp_path / "water_sections.parquet")
    results = pl.read_parquet(tmp_path / "water_results.parquet").filter(
        pl.col("date").is_between(date(2026, 1, 1), date(2026, 12, 31))
    )
    first = water.cwqi(results, sections, by="city", period="all")
    for seed in range(10):
        shuffled = results.sample(fraction=1.0, shuffle=True, seed=seed)
        again = water.cwqi(shuffled, sections, by="city", period="all")
        assert_frame_equal(again, first, check_exact=True)
    assert first.height == 3 and first["cwqi"].is_not_null().all()  # 3 of them have rivers
