"""Coastal sea: GB 3097-1997 classes and the class I+II share.

Limits transcribed here from ../shared/standards/water_gb3097_seawater.csv (secondary
sources S1-S8, SOURCES.md); shares worked by hand.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from indicators import sea
from indicators.errors import IndicatorInputError
from indicators.standards import table

CLS = ["I", "II", "III", "IV"]
UPPER = {
    "COD": [2, 3, 4, 5],
    "BOD5": [1, 3, 4, 5],
    "DIN": [0.20, 0.30, 0.40, 0.50],
    "PO4-P": [0.015, 0.030, 0.030, 0.045],
    "Petroleum": [0.05, 0.05, 0.30, 0.50],
    "NonionicNH3": [0.020, 0.020, 0.020, 0.020],
}
DO = [6, 5, 4, 3]  # strictly greater than


def _best(limits, value):
    for cls, lim in zip(CLS, limits, strict=True):
        if value <= lim:
            return cls
    return "劣IV"


@pytest.mark.parametrize(("item", "k"), [(item, k) for item in UPPER for k in range(4)])
def test_upper_limits_at_and_just_beyond(item, k):
    limits = UPPER[item]
    lim = limits[k]
    assert sea.item_class(item, lim) == CLS[limits.index(lim)]
    assert sea.item_class(item, lim * 1.001) == _best(limits, lim * 1.001)


@pytest.mark.parametrize(("k", "lim"), list(enumerate(DO)))
def test_do_is_strictly_greater(k, lim):
    # DO > 6 is class I, so exactly 6 is class II; exactly 3 is worse than IV
    assert sea.item_class("DO", lim + 0.001) == CLS[k]
    assert sea.item_class("DO", lim) == (CLS[k + 1] if k < 3 else "劣IV")


def test_ph_ranges():
    assert [sea.item_class("pH", v) for v in (7.8, 8.5, 8.0)] == ["I", "I", "I"]
    assert [sea.item_class("pH", v) for v in (7.79, 8.51, 6.8, 8.8)] == ["III"] * 4
    assert [sea.item_class("pH", v) for v in (6.79, 8.81)] == ["劣IV", "劣IV"]


def test_contract_and_equal_limits():
    assert sea.item_class("DIN", 0.25) == "II"
    assert sea.item_class("PO4-P", 0.030) == "II"  # II and III share 0.030
    assert sea.item_class("Petroleum", 0.05) == "I"  # I and II share 0.05
    assert sea.item_class("无机氮", 0.5) == "IV"
    assert sea.item_class("DIN", None) is None


def test_items_with_unknown_classes_cannot_be_classed():
    for item in ("Hg", "Cd", "Zn", "TotalColiform", "FecalColiform"):
        with pytest.raises(IndicatorInputError, match="UNVERIFIED"):
            sea.item_class(item, 0.0)
    with pytest.raises(IndicatorInputError):
        sea.item_class("DIN", -0.1)
    with pytest.raises(IndicatorInputError):
        sea.item_class("DIN", 0.1, edition="GB 3097-1982")


def test_package_table_matches_the_checked_specification(shared_standards):
    spec = pl.read_csv(shared_standards / "water_gb3097_seawater.csv", infer_schema=False)
    ours = table("water_gb3097_seawater")
    codes = {
        "DO": "DO",
        "COD": "COD",
        "BOD5": "BOD5",
        "DIN": "DIN",
        "PO4_P": "PO4-P",
        "petroleum": "Petroleum",
    }
    for row in spec.filter(pl.col("item").is_in(list(codes))).iter_rows(named=True):
        mine = ours.filter(item=codes[row["item"]])
        for cls in CLS:
            got = mine.filter(pl.col("class") == cls).row(0, named=True)
            value = got["limit_lo"] if row["item"] == "DO" else got["limit_hi"]
            assert value == pytest.approx(float(row[f"class_{cls}"]))


def _points():
    return pl.DataFrame(
        {
            "site": ["P1", "P2", "P3", "P4"],
            "name": ["湾口", "港区", "外海", "河口"],
            "city": ["乙市"] * 4,
            "area": [10.0, 20.0, 30.0, 40.0],
        }
    )


def _results():
    rows = []
    spring = (date(2025, 5, 10), "2025-spring")
    autumn = (date(2025, 10, 12), "2025-autumn")
    # P1: DIN 0.15 (I), PO4-P 0.01 (I) -> I | autumn DIN 0.35 -> III
    # P2: DIN 0.25 (II) -> II | autumn 0.25 -> II
    # P3: DO 3.5 (IV) -> IV | autumn DO 6.5 (I) -> I
    # P4: DIN 0.6 (劣IV) | autumn 0.45 (IV)
    spec = {
        "P1": ({"DIN": 0.15, "PO4-P": 0.01}, {"DIN": 0.35, "PO4-P": 0.01}),
        "P2": ({"DIN": 0.25, "PO4-P": 0.01}, {"DIN": 0.25, "PO4-P": 0.01}),
        "P3": ({"DO": 3.5, "DIN": 0.1}, {"DO": 6.5, "DIN": 0.1}),
        "P4": ({"DIN": 0.6, "Hg": 0.00002}, {"DIN": 0.45, "Hg": 0.00002}),
    }
    for site, (s_items, a_items) in spec.items():
        for (day, label), items in ((spring, s_items), (autumn, a_items)):
            for item, v in items.items():
                rows.append((site, day, item, v, label))
    return pl.DataFrame(rows, schema=["site", "date", "item", "value", "campaign"], orient="row")


def test_point_classes_per_campaign():
    pc = sea.point_classes(_results(), _points())
    spring = pc.filter(pl.col("campaign") == "2025-spring").sort("site")
    assert spring["class"].to_list() == ["I", "II", "IV", "劣IV"]
    assert spring["items_worse_than_II"].to_list() == [None, None, "DO", "DIN"]
    assert spring.filter(site="P4")["not_classed"].item() == "Hg"
    assert spring["period_start"].to_list() == [date(2025, 5, 10)] * 4
    autumn = pc.filter(pl.col("campaign") == "2025-autumn").sort("site")
    assert autumn["class"].to_list() == ["III", "II", "I", "IV"]


def test_point_classes_per_year_use_annual_means():
    # P1 DIN mean (0.15 + 0.35)/2 = 0.25 -> II; P3 DO mean 5.0 -> III (not > 5);
    # P4 DIN mean 0.525 -> 劣IV
    pc = sea.point_classes(_results(), _points(), period="year").sort("site")
    assert pc["class"].to_list() == ["II", "II", "III", "劣IV"]
    assert pc["campaign"].to_list() == [None] * 4


def test_class_shares_by_count_and_area():
    pc = sea.point_classes(_results(), _points())
    shares = sea.class_shares(pc, by="city").sort("period_start")
    spring = shares.row(0, named=True)
    # spring: I + II = P1, P2 -> 2/4 = 50 %; area (10 + 20)/100 = 30 %
    assert (spring["n_points"], spring["n_I"], spring["n_II"], spring["n_worse_IV"]) == (4, 1, 1, 1)
    assert spring["share_I_II"] == 50.0
    assert spring["share_I_II_area"] == 30.0
    autumn = shares.row(1, named=True)
    # autumn: II (P2) and I (P3) -> 50 %; area (20 + 30)/100 = 50 %
    assert (autumn["share_I_II"], autumn["share_I_II_area"]) == (50.0, 50.0)


def test_area_share_needs_every_area():
    points = _points().with_columns(area=pl.Series([10.0, None, 30.0, 40.0]))
    pc = sea.point_classes(_results(), points)
    out = sea.class_shares(pc).filter(pl.col("campaign") == "2025-spring").row(0, named=True)
    assert out["n_points_with_area"] == 3
    assert out["share_I_II_area"] is None
    assert out["share_I_II"] == 50.0


def test_campaign_defaults_to_sampling_date_and_bad_items():
    res = _results().drop("campaign")
    pc = sea.point_classes(res)
    assert sorted(pc["campaign"].unique().to_list()) == ["2025-05-10", "2025-10-12"]
    with pytest.raises(IndicatorInputError, match="UNVERIFIED"):
        sea.point_classes(res, items=["DIN", "Hg"])
    with pytest.raises(IndicatorInputError, match="period"):
        sea.point_classes(res, period="month")
    with pytest.raises(IndicatorInputError, match="registry"):
        sea.point_classes(res, _points().filter(pl.col("site") != "P4"))


def test_lazy_and_empty():
    eager = sea.point_classes(_results(), _points())
    lazy = sea.point_classes(_results().lazy(), _points())
    assert isinstance(lazy, pl.LazyFrame)
    assert_frame_equal(lazy.collect(), eager)
    assert_frame_equal(sea.class_shares(lazy).collect(), sea.class_shares(eager))
    empty = _results().clear()
    assert sea.point_classes(empty).height == 0
    assert sea.class_shares(sea.point_classes(empty)).height == 0


def test_below_detection_limit_in_sea_results():
    # petroleum "0.02L" counts as 0.01 (I); with below_dl="limit" as 0.02 (I) too,
    # DIN "0.5L" as 0.25 (II) or 0.5 (IV)
    res = pl.DataFrame(
        {
            "site": ["P1", "P1"],
            "date": [date(2025, 5, 1)] * 2,
            "item": ["Petroleum", "DIN"],
            "value": [None, None],
            "below_dl": [True, True],
            "detection_limit": [0.02, 0.5],
        }
    )
    assert sea.point_classes(res)["class"].item() == "II"
    assert sea.point_classes(res, below_dl="limit")["class"].item() == "IV"
