"""Demo data for black-odorous water bodies and noise: determinism, validity, headline figures.

The headline figures are pinned because city reports print them; each is checked against
the scenario written in the generator's docstring (counts worked by hand below).
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from indicators import blackodorous as bo
from indicators import noise
from indicators.demo import CITIES, DEMO_END, DEMO_SEED, DEMO_START, make_cities
from indicators.demo import blackodorous as demo_bo
from indicators.demo import noise as demo_noise


@pytest.fixture(scope="module")
def bod():
    return demo_bo.generate(CITIES, None, DEMO_START, DEMO_END, DEMO_SEED)


@pytest.fixture(scope="module")
def nod():
    return demo_noise.generate(CITIES, None, DEMO_START, DEMO_END, DEMO_SEED)


def _tables(t):
    return (
        t["blackodorous_ledger"],
        t["blackodorous_status"],
        t["blackodorous_monitoring"],
        t["blackodorous_surveys"],
    )


def test_tables_and_determinism(bod, nod):
    assert sorted(bod) == [
        "blackodorous_ledger",
        "blackodorous_monitoring",
        "blackodorous_status",
        "blackodorous_surveys",
    ]
    assert sorted(nod) == ["noise_functional", "noise_regional", "noise_traffic"]
    again = demo_bo.generate(CITIES, None, DEMO_START, DEMO_END, DEMO_SEED)
    for k in bod:
        assert_frame_equal(bod[k], again[k])
    again = demo_noise.generate(CITIES, None, DEMO_START, DEMO_END, DEMO_SEED)
    for k in nod:
        assert_frame_equal(nod[k], again[k])
    other = demo_noise.generate(CITIES, None, DEMO_START, DEMO_END, DEMO_SEED + 1)
    assert not other["noise_regional"].equals(nod["noise_regional"])


def test_demo_tables_pass_validation(bod, nod):
    lg, h, m, s = _tables(bod)
    bo.validate_status_history(h, lg)
    bo.validate_monitoring(m)
    bo.validate_surveys(s)
    noise.validate_functional_monitoring(nod["noise_functional"])
    noise.validate_regional(nod["noise_regional"])
    noise.validate_traffic(nod["noise_traffic"])
    assert m["date"].is_between(DEMO_START, DEMO_END).all()
    assert s["date"].is_between(DEMO_START, DEMO_END).all()
    assert h["date"].max() <= DEMO_END


def test_ledger_sizes_and_mix(bod):
    lg, h, _, _ = _tables(bod)
    sizes = dict(lg.group_by("city").len().iter_rows())
    assert sizes == {"清河市": 10, "临江市": 14, "北原市": 8}
    assert set(lg["type"]) == {"river", "lake_pond"}
    statuses = bo.status_on(lg, h, DEMO_END)["status"].unique().to_list()
    assert len(statuses) >= 5  # mixed statuses


# Elimination ratio (count basis), hand-counted from the scenarios:
#   清河市 end-2025: 3 long-term clear + 3 eliminated + 1 basically = 7 / 10; 2026: + 2 = 9 / 10
#   临江市 end-2025: 13 / 14 (all but the 2025 newcomer); 2026: the returned river -> 12 / 14
#   北原市 end-2025: 5 / 8; 2026: one more eliminated -> 6 / 8
HEADLINE = {
    ("清河市", "2025-12-31"): (10, 7, 70.0, False),
    ("清河市", "2026-12-31"): (10, 9, 90.0, True),
    ("临江市", "2025-12-31"): (14, 13, 92.86, True),
    ("临江市", "2026-12-31"): (14, 12, 85.71, False),
    ("北原市", "2025-12-31"): (8, 5, 62.5, False),
    ("北原市", "2026-12-31"): (8, 6, 75.0, False),
}


@pytest.mark.parametrize(("city", "on"), list(HEADLINE))
def test_elimination_headline(bod, city, on):
    lg, h, _, _ = _tables(bod)
    r = bo.elimination_ratio(lg, h, on).filter(city=city).row(0, named=True)
    assert (r["n_water_bodies"], r["n_eliminated"], r["elimination_ratio"], r["target_met"]) == (
        HEADLINE[(city, on)]
    )


def test_change_overdue_returned(bod):
    lg, h, _, _ = _tables(bod)
    ch = bo.elimination_ratio_change(lg, h, "2026-12-31", "2025-12-31")
    assert ch.select("city", "change_pp").rows() == [
        ("清河市", 20.0),
        ("临江市", -7.14),
        ("北原市", 12.5),
    ]
    od = bo.overdue_water_bodies(lg, h, DEMO_END)
    assert od.select("water_body_id", "plan_date", "days_overdue").rows() == [
        ("BY-HC08", date(2024, 6, 30), 914),
        ("QH-HC10", date(2025, 12, 31), 365),
    ]
    ret = bo.returned_water_bodies(lg, h, DEMO_END)
    assert ret.select("water_body_id", "returned_date", "status").rows() == [
        ("LJ-HC13", date(2026, 7, 15), "under_remediation")
    ]
    assert bo.returned_water_bodies(lg, h, "2025-12-31").height == 0


def test_monitoring_grades_tell_the_story(bod):
    lg, h, m, s = _tables(bod)
    pts = bo.point_grade(m)
    wb = bo.water_body_grade(pts)
    grade = dict(wb.select("water_body_id", "grade").iter_rows())
    # overdue river: light body (3 of 6 points severe = 50%) with one severe stretch
    qh10 = wb.filter(water_body_id="QH-HC10").row(0, named=True)
    assert (qh10["grade"], qh10["n_severe_points"], qh10["n_severe_stretches"]) == ("light", 3, 1)
    # returned river: 4 of 5 points severe -> severe water body
    assert grade["LJ-HC13"] == "severe"
    # the shallow pond evaluated in 2025: clear to the bottom -> not black-odorous
    pond = bo.sample_levels(m.filter(water_body_id="LJ-HC12"))
    assert pond["shallow"].all() and (pond["level_transparency"] == "none").all()
    assert grade["LJ-HC12"] == "none"
    ev = bo.remediation_evaluation(wb, s)
    ok = dict(ev.select("water_body_id", "evaluation_ok").iter_rows())
    # 88% satisfied -> 基本消除 only (threshold 90%, an assumption)
    assert ok["QH-HC09"] is False
    assert ok["QH-HC08"] is True and ok["BY-HC06"] is True and ok["LJ-HC12"] is True
    assert bo.status_on(lg, h, DEMO_END).filter(water_body_id="QH-HC09")["status"].item() == (
        "basically_eliminated"
    )


# Noise headline figures (functional-area compliance, all classes; city means and grades).
NOISE = {
    ("清河市", 2025): (92.9, 74.1, 54.1, 2, None, 67.3, 1),
    ("清河市", 2026): (96.4, 70.4, 54.7, 2, 44.3, 67.4, 1),
    ("临江市", 2025): (90.0, 64.1, 56.8, 3, None, 69.1, 2),
    ("临江市", 2026): (87.5, 71.8, 56.3, 3, 46.4, 69.3, 2),
    ("北原市", 2025): (91.7, 73.9, 53.6, 2, None, 66.8, 1),
    ("北原市", 2026): (95.8, 73.9, 52.4, 2, 42.7, 66.9, 1),
}


def test_noise_headline(nod):
    comp = noise.compliance_rate(nod["noise_functional"], by=["city", "year"], per_class=False)
    reg = noise.regional_mean_leq(nod["noise_regional"], by=["city", "year"])
    tra = noise.traffic_mean_leq(nod["noise_traffic"], by=["city", "year"])
    got = {}
    for (city, year), *_ in comp.group_by(["city", "year"]):
        c = comp.filter(city=city, year=year).row(0, named=True)
        r = reg.filter(city=city, year=year).row(0, named=True)
        t = tra.filter(city=city, year=year).row(0, named=True)
        got[(city, year)] = (
            c["compliance_rate_day"],
            c["compliance_rate_night"],
            r["leq_day"],
            r["grade_day"],
            r["leq_night"],
            t["leq_day"],
            t["grade_day"],
        )
    assert got == NOISE


def test_noise_layout(nod):
    f = nod["noise_functional"]
    # 4 quarters x 2 years x points (7, 10, 6); night missing once per city and year
    assert dict(f.group_by("city").len().iter_rows()) == {"清河市": 56, "临江市": 80, "北原市": 48}
    assert f["leq_night"].null_count() == 6
    assert set(f["functional_class"]) == {"0", "1", "2", "3", "4a", "4b"}
    r = nod["noise_regional"]
    assert r.filter(year=2025)["leq_night"].null_count() == r.filter(year=2025).height
    assert r.filter(year=2026)["leq_night"].null_count() == 0


def test_shorter_period_is_a_slice(bod, nod):
    end = date(2025, 12, 31)
    short = demo_noise.generate(CITIES, None, DEMO_START, end, DEMO_SEED)
    for k in nod:
        assert_frame_equal(short[k], nod[k].filter(pl.col("date") <= end))
    short = demo_bo.generate(CITIES, None, DEMO_START, end, DEMO_SEED)
    assert_frame_equal(
        short["blackodorous_status"], bod["blackodorous_status"].filter(pl.col("date") <= end)
    )
    assert_frame_equal(
        short["blackodorous_monitoring"],
        bod["blackodorous_monitoring"].filter(pl.col("date") <= end),
    )


def test_numbered_cities():
    cities = make_cities(6)
    t = demo_bo.generate(cities, None, DEMO_START, DEMO_END, DEMO_SEED)
    sizes = t["blackodorous_ledger"].group_by("city").len()["len"]
    assert sizes.min() >= 8 and sizes.max() <= 15
    bo.validate_status_history(t["blackodorous_status"], t["blackodorous_ledger"])
    r = bo.elimination_ratio(t["blackodorous_ledger"], t["blackodorous_status"], DEMO_END)
    assert r.height == 6 and r["elimination_ratio"].is_between(0, 100).all()
    n = demo_noise.generate(cities, None, DEMO_START, DEMO_END, DEMO_SEED)
    assert noise.compliance_rate(n["noise_functional"], by="city", per_class=False).height == 6


def test_write_demo_includes_domains(tmp_path):
    # the generators plug into demo.write_demo by module name
    from indicators.demo import GENERATORS

    assert "blackodorous" in GENERATORS and "noise" in GENERATORS
    for module in (demo_bo, demo_noise):
        for name, frame in module.generate(
            CITIES[:1], None, DEMO_START, DEMO_END, DEMO_SEED
        ).items():
            frame.write_parquet(tmp_path / f"{name}.parquet")
            assert_frame_equal(pl.read_parquet(tmp_path / f"{name}.parquet"), frame)
