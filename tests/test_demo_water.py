"""Synthetic water demo data: layout, determinism, and that it exercises the evaluation."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from indicators import drinking, sea, water
from indicators.demo import CITIES, DEMO_END, DEMO_SEED, DEMO_START, make_cities, station_list
from indicators.demo.water import generate
from indicators.io import water as wio


@pytest.fixture(scope="module")
def demo() -> dict[str, pl.DataFrame]:
    return generate(CITIES, station_list(), DEMO_START, DEMO_END, DEMO_SEED)


def test_tables_and_layouts(demo):
    assert set(demo) == {
        "water_sections",
        "water_results",
        "drinking_sources",
        "drinking_results",
        "sea_points",
        "sea_results",
    }
    assert demo["water_sections"].columns == list(wio.REGISTRY_COLUMNS["sections"])
    assert demo["drinking_sources"].columns == list(wio.REGISTRY_COLUMNS["drinking_sources"])
    assert demo["sea_points"].columns == list(wio.REGISTRY_COLUMNS["sea_points"])
    for name in ("water_results", "drinking_results"):
        assert demo[name].columns == list(wio.RESULT_COLUMNS)
    assert demo["sea_results"].columns == [*wio.RESULT_COLUMNS, "campaign"]


def test_registries_pass_the_readers_checks(demo):
    assert_frame_equal(wio.normalise_sections(demo["water_sections"]), demo["water_sections"])
    assert_frame_equal(
        wio.normalise_drinking_sources(demo["drinking_sources"]), demo["drinking_sources"]
    )
    assert_frame_equal(wio.normalise_sea_points(demo["sea_points"]), demo["sea_points"])
    for res, reg in (
        ("water_results", "water_sections"),
        ("drinking_results", "drinking_sources"),
        ("sea_results", "sea_points"),
    ):
        checked = wio.normalise_results(demo[res], registry=demo[reg])
        assert checked.height == demo[res].height


def test_sections_rivers_lake_and_targets(demo):
    sections = demo["water_sections"]
    assert 10 <= sections.height <= 25
    assert sections.group_by("city", maintain_order=True).len()["len"].to_list() == [7, 9, 4]
    assert set(sections["type"]) == {"river", "lake", "reservoir"}
    assert set(sections["target_class"]) <= {"I", "II", "III", "IV", "V"}
    assert sections["site"].is_unique().all()


def test_monthly_results_for_two_years(demo):
    res = demo["water_results"]
    per_site = res.group_by("site").agg(pl.col("date").n_unique().alias("n"))
    assert per_site["n"].to_list() == [24] * demo["water_sections"].height
    assert res["date"].min() >= DEMO_START
    assert res["date"].max() <= DEMO_END
    lake_sites = demo["water_sections"].filter(pl.col("type") != "river")["site"]
    lake_items = set(res.filter(pl.col("site").is_in(lake_sites.implode()))["item"])
    assert {"Chla", "SD", "TN"} <= lake_items
    assert set(water.EVALUATION_ITEMS) <= set(res["item"])
    # trace items are mostly below their detection limits, flagged and kept
    below = res.filter(pl.col("below_dl"))
    assert below.height > 0
    assert below["value"].is_null().all()
    assert below["detection_limit"].is_not_null().all()


def test_a_few_sections_fail_their_target(demo):
    sc = water.section_classes(demo["water_results"], demo["water_sections"], period="year")
    for year in (2025, 2026):
        failing = sc.filter((pl.col("period_start").dt.year() == year) & ~pl.col("meets_target"))
        assert 1 <= failing.height <= 5
    summary = water.summary(demo["water_results"], demo["water_sections"])
    assert set(summary["status_method"]) == {"share", "mean"}  # 北原市 has 4 sections


def test_drinking_sources_have_monthly_failures_and_volumes(demo):
    sources = demo["drinking_sources"]
    assert {"groundwater", "river", "reservoir"} <= set(sources["type"])
    assert sources["volume"].is_not_null().all()
    monthly = drinking.source_compliance(demo["drinking_results"], sources)
    assert monthly["n_items"].min() > 0
    rate = drinking.compliance_rate(monthly)
    assert 0 < (rate["compliance_count"] < 100).sum() < rate.height


def test_sea_points_only_in_the_coastal_city(demo):
    points = demo["sea_points"]
    coastal = [c.name for c in CITIES if c.coastal]
    assert points["city"].unique().to_list() == coastal
    assert points["area"].is_not_null().all()
    campaigns = demo["sea_results"]["campaign"].unique().sort().to_list()
    assert campaigns == [f"{y}-{s}" for y in (2025, 2026) for s in ("autumn", "spring", "summer")]
    shares = sea.class_shares(sea.point_classes(demo["sea_results"], points), by="city")
    assert shares.height == 6
    assert shares["share_I_II"].is_between(0, 100).all()
    assert shares["share_I_II_area"].is_not_null().all()


def test_deterministic_and_a_shorter_period_is_a_slice(demo):
    again = generate(CITIES, station_list(), DEMO_START, DEMO_END, DEMO_SEED)
    for name, frame in demo.items():
        assert_frame_equal(again[name], frame)
    march = generate(CITIES, station_list(), date(2025, 3, 1), date(2025, 3, 31), DEMO_SEED)
    sliced = demo["water_results"].filter(pl.col("date").dt.month_start() == date(2025, 3, 1))
    assert_frame_equal(march["water_results"], sliced)
    other = generate(CITIES, station_list(), DEMO_START, DEMO_END, DEMO_SEED + 1)
    assert not other["water_results"].equals(demo["water_results"])


def test_generic_cities():
    cities = make_cities(5)
    out = generate(cities, station_list(cities), date(2025, 1, 1), date(2025, 2, 28), 7)
    counts = out["water_sections"].group_by("city", maintain_order=True).len()["len"].to_list()
    assert counts[:3] == [7, 9, 4]
    assert all(4 <= n <= 7 for n in counts[3:])
    assert out["sea_points"]["city"].n_unique() == sum(c.coastal for c in cities)
    sc = water.section_classes(out["water_results"], out["water_sections"])
    assert sc["class"].is_not_null().all()
