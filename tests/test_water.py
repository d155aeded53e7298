"""Surface water: GB 3838-2002 Table 1 classes, the 2011 evaluation method, TLI, CWQI.

Expected values are transcribed here from GB 3838-2002 Table 1 (official scan, W1 in
../shared/standards/SOURCES.md) and worked by hand from the 2011 rules
(water_evaluation_rules.md), not read from the package tables.
"""

from __future__ import annotations

import math
import random
from datetime import date

import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from indicators import water
from indicators.errors import IndicatorInputError
from indicators.standards import table

CLASSES = ["I", "II", "III", "IV", "V"]

# GB 3838-2002 Table 1, classes I..V (mg/L; fecal coliform count/L). Upper limits.
UPPER = {
    "CODMn": [2, 4, 6, 10, 15],
    "COD": [15, 15, 20, 30, 40],
    "BOD5": [3, 3, 4, 6, 10],
    "NH3-N": [0.15, 0.5, 1.0, 1.5, 2.0],
    "Cu": [0.01, 1.0, 1.0, 1.0, 1.0],
    "Zn": [0.05, 1.0, 1.0, 2.0, 2.0],
    "F": [1.0, 1.0, 1.0, 1.5, 1.5],
    "Se": [0.01, 0.01, 0.01, 0.02, 0.02],
    "As": [0.05, 0.05, 0.05, 0.1, 0.1],
    "Hg": [0.00005, 0.00005, 0.0001, 0.001, 0.001],
    "Cd": [0.001, 0.005, 0.005, 0.005, 0.01],
    "Cr6": [0.01, 0.05, 0.05, 0.05, 0.1],
    "Pb": [0.01, 0.01, 0.05, 0.05, 0.1],
    "CN": [0.005, 0.05, 0.2, 0.2, 0.2],
    "VPhenol": [0.002, 0.002, 0.005, 0.01, 0.1],
    "Petroleum": [0.05, 0.05, 0.05, 0.5, 1.0],
    "LAS": [0.2, 0.2, 0.2, 0.3, 0.3],
    "Sulfide": [0.05, 0.1, 0.2, 0.5, 1.0],
    "FecalColiform": [200, 2000, 10000, 20000, 40000],
}
TP_RIVER = [0.02, 0.1, 0.2, 0.3, 0.4]
TP_LAKE = [0.01, 0.025, 0.05, 0.1, 0.2]
TN_LAKE = [0.2, 0.5, 1.0, 1.5, 2.0]
DO = [7.5, 6, 5, 3, 2]


def _best_upper(limits: list[float], value: float) -> str:
    """Best class whose upper limit holds (written out for the test, not imported)."""
    for cls, lim in zip(CLASSES, limits, strict=True):
        if value <= lim:
            return cls
    return "劣V"


def _cases_upper():
    for item, limits in [*UPPER.items(), ("TP", TP_RIVER)]:
        for k, lim in enumerate(limits):
            yield item, "river", lim, CLASSES[limits.index(lim)], k
    for item, limits in (("TP", TP_LAKE), ("TN", TN_LAKE)):
        for k, lim in enumerate(limits):
            yield item, "lake", lim, CLASSES[limits.index(lim)], k


@pytest.mark.parametrize(("item", "waterbody", "limit", "expected", "k"), list(_cases_upper()))
def test_every_item_at_each_limit_and_just_beyond(item, waterbody, limit, expected, k):
    limits = {"TP": TP_RIVER if waterbody == "river" else TP_LAKE, "TN": TN_LAKE}.get(
        item, UPPER.get(item)
    )
    # exactly at the limit: that class, or a better one when classes share the limit
    assert water.item_class(item, limit, waterbody=waterbody) == expected
    # just beyond (0.1 % above): the next class with a larger limit, or 劣V
    beyond = limit * 1.001
    assert water.item_class(item, beyond, waterbody=waterbody) == _best_upper(limits, beyond)


@pytest.mark.parametrize(("k", "limit"), list(enumerate(DO)))
def test_do_is_a_lower_limit(k, limit):
    assert water.item_class("DO", limit) == CLASSES[k]
    below = limit * 0.999
    expected = next((c for c, lim in zip(CLASSES, DO, strict=True) if below >= lim), "劣V")
    assert water.item_class("DO", below) == expected


def test_contract_values():
    # the public contract, exactly as written
    assert water.item_class("NH3-N", 1.2) == "IV"
    assert water.item_class("TP", 0.03, waterbody="lake") == "III"
    assert water.item_class("DO", 1.9) == "劣V"


def test_tp_forms_differ():
    # 0.03 mg/L: river class II (0.02 < 0.03 <= 0.1), lake/reservoir class III
    assert water.item_class("TP", 0.03) == "II"
    assert water.item_class("TP", 0.03, waterbody="reservoir") == "III"
    assert water.item_class("TP", 0.2, waterbody="lake") == "V"
    assert water.item_class("TP", 0.2) == "III"
    assert water.item_class("TP", 0.41) == "劣V"
    assert water.item_class("TP", 0.21, waterbody="lake") == "劣V"


def test_ph_range_edges():
    # 6-9 for every class: inside is class I, outside is worse than V
    assert [water.item_class("pH", v) for v in (6.0, 9.0, 7.0)] == ["I", "I", "I"]
    assert [water.item_class("pH", v) for v in (5.99, 9.01, 0.0, 14.0)] == ["劣V"] * 4


def test_equal_limits_resolve_to_the_better_class():
    assert water.item_class("COD", 15) == "I"  # I and II share 15
    assert water.item_class("BOD5", 3) == "I"
    assert water.item_class("Cu", 1.0) == "II"  # II-V share 1.0
    assert water.item_class("Cd", 0.005) == "II"  # II-IV share 0.005
    assert water.item_class("CN", 0.2) == "III"  # III-V share 0.2
    assert water.item_class("Petroleum", 0.05) == "I"  # I-III share 0.05
    assert water.item_class("Hg", 0.00005) == "I"
    assert water.item_class("Zn", 2.0) == "IV"


def test_items_without_table1_limits_have_no_class():
    assert water.item_class("TN", 5.0) is None  # rivers have no TN standard
    assert water.item_class("TN", 1.0, waterbody="lake") == "III"
    assert water.item_class("WaterTemp", 25.0) is None
    assert water.item_class("Chla", 10.0) is None
    assert water.item_class("NH3-N", None) is None


def test_item_class_accepts_names_and_sequences():
    assert water.item_class("氨氮", 1.2) == "IV"
    out = water.item_class("NH3-N", pl.Series([0.15, 0.151, None]))
    assert out.to_list() == ["I", "II", None]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("NH3-N", -0.1), {}),
        (("pH", 14.5), {}),
        (("XYZ", 1.0), {}),
        (("TP", 0.1), {"waterbody": "sea"}),
        (("TP", 0.1), {"edition": "GB 3838-1988"}),
    ],
)
def test_item_class_rejects_bad_input(args, kwargs):
    with pytest.raises(IndicatorInputError):
        water.item_class(*args, **kwargs)


def test_exceedance_multiple_against_class_iii():
    # (C - S_III) / S_III: NH3-N 1.5 against 1.0 -> 0.5; TP lake 0.1 against 0.05 -> 1.0
    assert water.exceedance_multiple("NH3-N", 1.5) == pytest.approx(0.5)
    assert water.exceedance_multiple("TP", 0.1, waterbody="lake") == pytest.approx(1.0)
    assert water.exceedance_multiple("NH3-N", 1.0) is None
    assert water.exceedance_multiple("DO", 1.0) is None  # no multiple for DO
    assert water.exceedance_multiple("COD", 24.0, against="II") == pytest.approx(0.6)


def test_package_table1_matches_the_checked_specification(shared_standards):
    # every number of ../shared/standards/water_gb3838.csv (the checked transcription of
    # the official scan) must be in the package table, item by item and class by class
    spec = pl.read_csv(shared_standards / "water_gb3838.csv", infer_schema=False)
    codes = dict(
        zip(
            [
                "2",
                "3",
                "4",
                "5",
                "6",
                "7",
                "8",
                "8L",
                "9",
                "10",
                "11",
                "12",
                "13",
                "14",
                "15",
                "16",
                "17",
                "18",
                "19",
                "20",
                "21",
                "22",
                "23",
                "24",
            ],
            [
                "pH",
                "DO",
                "CODMn",
                "COD",
                "BOD5",
                "NH3-N",
                "TP",
                "TP",
                "TN",
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
                "FecalColiform",
            ],
            strict=True,
        )
    )
    ours = table("water_gb3838_table1")
    checked = 0
    for row in spec.filter(pl.col("item_no") != "1").iter_rows(named=True):
        wb = {"8": "river", "8L": "lake", "9": "lake"}.get(row["item_no"], "all")
        mine = ours.filter(item=codes[row["item_no"]], waterbody=wb)
        for cls in CLASSES:
            got = mine.filter(pl.col("class") == cls).row(0, named=True)
            want = row[f"class_{cls}"]
            if row["direction"] == "range":
                assert f"{got['limit_lo']:g}-{got['limit_hi']:g}" == want
            elif row["direction"] == ">=":
                assert got["limit_lo"] == float(want)
            else:
                assert got["limit_hi"] == float(want)
            checked += 1
    assert checked == 24 * 5  # items 2-24 with the two TP forms


# --------------------------------------------------------------------------- frames

REG = pl.DataFrame(
    {
        "site": ["R1", "R2", "L1"],
        "name": ["一桥", "二桥", "湖心"],
        "waterbody": ["清河", "清河", "镜湖"],
        "type": ["river", "river", "lake"],
        "city": ["甲市", "甲市", "甲市"],
        "target_class": ["III", "II", "III"],
    }
)


def _res(rows):
    return pl.DataFrame(
        rows,
        schema={"site": pl.String, "date": pl.Date, "item": pl.String, "value": pl.Float64},
        orient="row",
    )


def test_period_means_then_classify():
    # two samplings in one month: 0.9 (III) and 1.3 (IV); the monthly mean 1.1 is IV
    res = _res([("R1", date(2025, 1, 5), "NH3-N", 0.9), ("R1", date(2025, 1, 20), "NH3-N", 1.3)])
    per_sampling = water.item_classes(res, REG, period="sampling")
    assert per_sampling["class"].to_list() == ["III", "IV"]
    monthly = water.item_classes(res, REG, period="month")
    assert monthly.select("value", "n", "class", "period_start", "period_end").row(0) == (
        pytest.approx(1.1),
        2,
        "IV",
        date(2025, 1, 1),
        date(2025, 1, 31),
    )


def test_results_checked_once_per_frame_and_registry(monkeypatch):
    # R1 NH3-N 0.9 and 1.3 in January: monthly mean 1.1 (IV); checked once for the three
    # evaluations of the frame, again for another frame or another registry
    import indicators.water as water_module

    res = _res([("R1", date(2025, 1, 5), "NH3-N", 0.9), ("R1", date(2025, 1, 20), "NH3-N", 1.3)])
    expected = water.item_classes(res, REG, period="month")
    checks = []
    normalise = water_module.normalise_results

    def counted(*args, **kwargs):
        checks.append(args[0])
        return normalise(*args, **kwargs)

    monkeypatch.setattr(water_module, "normalise_results", counted)
    with water.results_checked_once():
        for _ in range(3):
            assert_frame_equal(water.item_classes(res, REG, period="month"), expected)
        assert water.section_classes(res, REG, period="month")["class"].to_list() == ["IV"]
        assert len(checks) == 1
        water.item_classes(res.clone(), REG, period="month")  # another frame
        water.item_classes(res, REG.with_columns(target_class=pl.lit("IV")), period="month")
        assert len(checks) == 3
    water.item_classes(res, REG, period="month")  # outside: checked each time
    assert len(checks) == 4
    bad = _res([("R9", date(2025, 1, 5), "NH3-N", 0.9)])  # a site not in the registry
    with water.results_checked_once(), pytest.raises(IndicatorInputError):
        water.item_classes(bad, REG, period="month")


def test_mean_exactly_at_a_limit_is_not_pushed_over_by_float_noise():
    # (0.1 + 0.2 + 0.3) / 3 is 0.20000000000000004 in binary floating point; it is the
    # class III limit of river TP and must stay class III
    res = _res([("R1", date(2025, 3, d), "TP", v) for d, v in ((1, 0.1), (2, 0.2), (3, 0.3))])
    assert water.item_classes(res, REG, period="month")["class"].to_list() == ["III"]


def test_detection_limit_policies():
    # TP "0.02L" and 0.03 in one month (river): half -> (0.01 + 0.03)/2 = 0.02 (I);
    # limit -> (0.02 + 0.03)/2 = 0.025 (II); zero -> 0.015 (I)
    res = pl.DataFrame(
        {
            "site": ["R1", "R1"],
            "date": [date(2025, 4, 2), date(2025, 4, 16)],
            "item": ["TP", "TP"],
            "value": [None, 0.03],
            "below_dl": [True, False],
            "detection_limit": [0.02, None],
        }
    )
    got = {
        policy: water.item_classes(res, REG, period="month", below_dl=policy).row(0, named=True)
        for policy in ("half", "limit", "zero")
    }
    assert got["half"]["value"] == pytest.approx(0.02)
    assert got["half"]["class"] == "I"
    assert got["limit"]["value"] == pytest.approx(0.025)
    assert got["limit"]["class"] == "II"
    assert got["zero"]["value"] == pytest.approx(0.015)
    assert got["half"]["n"] == 2
    assert got["half"]["n_below_dl"] == 1
    with pytest.raises(IndicatorInputError):
        water.item_classes(res, REG, below_dl="third")


def test_section_class_compliance_and_failing_items():
    # R2 target II: NH3-N 0.6 is class III -> fails its target with multiple
    # (0.6 - 0.5)/0.5 = 0.2; not worse than III, so no main pollutants
    res = _res([("R2", date(2025, 5, 1), "NH3-N", 0.6), ("R2", date(2025, 5, 1), "DO", 8.0)])
    row = water.section_classes(res, REG, period="month").row(0, named=True)
    assert row["class"] == "III"
    assert row["status"] == "良好"
    assert row["meets_target"] is False
    assert row["items_over_target"] == "NH3-N(0.2)"
    assert row["items_over_III"] is None
    assert row["main_pollutants"] is None
    assert row["n_items"] == 2


def test_main_pollutants_2011_order():
    # all class V except Cd: Cd 0.006 (V, toxic, multiple 0.2) is listed first;
    # then by multiple: TP 0.38 (0.9), NH3-N 1.8 (0.8), COD 35 (0.75); DO 2.5 (V, no multiple)
    day = date(2025, 6, 1)
    res = _res(
        [
            ("R1", day, "NH3-N", 1.8),
            ("R1", day, "TP", 0.38),
            ("R1", day, "COD", 35.0),
            ("R1", day, "Cd", 0.006),
            ("R1", day, "DO", 2.5),
        ]
    )
    row = water.section_classes(res, REG).row(0, named=True)
    assert row["class"] == "V"
    assert row["main_pollutants"] == "Cd;TP;NH3-N"
    assert row["main_pollutants_text"] == "镉(0.2)、总磷(0.9)、氨氮(0.8)"
    assert row["items_over_III"] == "Cd(0.2);TP(0.9);NH3-N(0.8);COD(0.75);DO"


def test_reference_items_do_not_change_the_class():
    day = date(2025, 7, 1)
    res = _res(
        [
            ("L1", day, "NH3-N", 0.1),
            ("L1", day, "TN", 2.5),  # 劣V for a lake
            ("L1", day, "FecalColiform", 50000.0),  # 劣V
            ("R1", day, "TN", 9.0),  # rivers: no TN standard
            ("R1", day, "NH3-N", 0.1),
        ]
    )
    out = water.section_classes(res, REG).sort("site")
    assert out.select("site", "class", "TN_class", "FecalColiform_class").rows() == [
        ("L1", "I", "劣V", "劣V"),
        ("R1", "I", None, None),
    ]


def _sections(n: int, city: str = "甲市") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "site": [f"S{i:02d}" for i in range(n)],
            "name": [f"断面{i}" for i in range(n)],
            "type": ["river"] * n,
            "target_class": ["III"] * n,
            "city": [city] * n,
        }
    )


def _nh3(values: list[float]) -> pl.DataFrame:
    return _res([(f"S{i:02d}", date(2025, 6, 1), "NH3-N", v) for i, v in enumerate(values)])


# NH3-N values that give classes: II 0.4, IV 1.2, 劣V 2.5
@pytest.mark.parametrize(
    ("n_good", "n_iv", "n_worse", "status"),
    [
        (18, 2, 0, "优"),  # I-III exactly 90 %
        (17, 3, 0, "良好"),  # 85 %
        (15, 5, 0, "良好"),  # exactly 75 %
        (14, 3, 3, "轻度污染"),  # 70 %, 劣V 15 %
        (14, 2, 4, "中度污染"),  # 劣V exactly 20 %
        (12, 1, 7, "中度污染"),  # 劣V 35 %
        (12, 0, 8, "重度污染"),  # 劣V exactly 40 %
    ],
)
def test_status_share_thresholds_with_20_sections(n_good, n_iv, n_worse, status):
    values = [0.4] * n_good + [1.2] * n_iv + [2.5] * n_worse
    out = water.summary(_nh3(values), _sections(20)).row(0, named=True)
    assert out["n_sections"] == 20
    assert out["share_I_III"] == pytest.approx(100 * n_good / 20)
    assert out["share_worse_V"] == pytest.approx(100 * n_worse / 20)
    assert out["status"] == status
    assert out["status_method"] == "share"


@pytest.mark.parametrize(
    ("good", "worse", "status"),
    [
        (90.0, 0.0, "优"),
        (89.99, 0.0, "良好"),
        (75.0, 25.0, "良好"),
        (74.99, 19.99, "轻度污染"),
        (74.99, 20.0, "中度污染"),
        (50.0, 39.99, "中度污染"),
        (50.0, 40.0, "重度污染"),
    ],
)
def test_status_by_shares_edges(good, worse, status):
    assert water.status_by_shares(good, worse) == status


def test_four_five_section_switch():
    # 5 sections: shares -> I-III 80 % -> 良好. 4 sections: mean method ->
    # NH3-N mean (0.1*3 + 10)/4 = 2.575 (劣V) -> 重度污染
    five = water.summary(_nh3([0.1, 0.1, 0.1, 0.1, 10.0]), _sections(5)).row(0, named=True)
    assert (five["status"], five["status_method"]) == ("良好", "share")
    four = water.summary(_nh3([0.1, 0.1, 0.1, 10.0]), _sections(4)).row(0, named=True)
    assert (four["status"], four["status_method"], four["mean_class"]) == (
        "重度污染",
        "mean",
        "劣V",
    )
    assert four["main_pollutants"] == "NH3-N"
    assert four["main_pollutants_text"] == "氨氮(1.58)"  # (2.575 - 1) / 1 = 1.575
    # the switch is a parameter: with min_sections=4 the 4 sections use shares (75 %)
    forced = water.summary(_nh3([0.1, 0.1, 0.1, 10.0]), _sections(4), min_sections=4)
    assert forced["status"].to_list() == ["良好"]


def test_summary_headline_columns_and_main_pollutants_by_rate():
    # 5 sections: NH3-N worse than III at 2 (rate 40 %), TP at 1 (20 %)
    day = date(2025, 8, 1)
    rows = [(f"S{i:02d}", day, "NH3-N", v) for i, v in enumerate([0.2, 0.3, 0.4, 1.2, 1.8])]
    rows += [(f"S{i:02d}", day, "TP", v) for i, v in enumerate([0.05, 0.05, 0.25, 0.05, 0.05])]
    out = water.summary(_res(rows), _sections(5)).row(0, named=True)
    assert out["n_sections"] == 5
    assert out["n_meeting_target"] == 2  # S00, S01 (S02 has TP IV)
    assert out["compliance"] == 40.0
    assert (out["n_II"], out["n_IV"], out["n_V"], out["n_worse_V"]) == (2, 2, 1, 0)
    assert out["share_I_III"] == 40.0
    assert out["status"] == "轻度污染"
    assert out["main_pollutants"] == "NH3-N;TP"
    assert out["main_pollutants_text"] == "氨氮(40.0%)、总磷(20.0%)"


def test_change_wording_thresholds():
    assert water.change_by_shares(10.0, 0.0) == "无明显变化"
    assert water.change_by_shares(10.1, 0.0) == "有所好转"
    assert water.change_by_shares(20.0, 0.0) == "有所好转"
    assert water.change_by_shares(20.1, 0.0) == "明显好转"
    assert water.change_by_shares(0.0, 20.1) == "明显变差"
    assert water.change_by_shares(-5.0, 10.0) == "有所变差"
    assert water.change_by_grades("良好", "良好") == "无明显变化"
    assert water.change_by_grades("良好", "轻度污染") == "有所变差"
    assert water.change_by_grades("重度污染", "良好") == "明显好转"


def test_compare_periods_uses_shares_or_grades():
    prev = water.summary(_nh3([0.4] * 14 + [2.5] * 6), _sections(20))  # 70 %, 劣V 30 %
    cur = water.summary(_nh3([0.4] * 17 + [1.2] * 3), _sections(20))  # 85 %, 劣V 0 %
    out = water.compare_periods(cur, prev).row(0, named=True)
    # ΔG = 15, ΔD = -30, ΔG - ΔD = 45 > 20
    assert out["delta_g_minus_d"] == pytest.approx(45.0)
    assert (out["change"], out["change_method"]) == ("明显好转", "shares")
    assert (out["status_previous"], out["status"]) == ("中度污染", "良好")
    graded = water.compare_periods(cur, prev, method="grades").row(0, named=True)
    assert graded["change"] == "明显好转"  # 中度污染 -> 良好 is two grades


def test_class_colours_table():
    colours = water.class_colours()
    assert colours["class"].to_list() == ["I", "II", "III", "IV", "V", "劣V"]
    assert colours.filter(pl.col("class") == "劣V")["colour_zh"].item() == "红色"
    assert set(colours.filter(pl.col("class") != "劣V")["colour_verification"]) == {"UNVERIFIED"}


# --------------------------------------------------------------------------- TLI


def _tli_by_hand(chla=None, tp=None, tn=None, sd=None, codmn=None):
    # 总站生字〔2001〕090号 (W12, W13), written out independently of the package table
    parts = {
        "chla": (1.0, None if chla is None else 10 * (2.5 + 1.086 * math.log(chla))),
        "tp": (0.84, None if tp is None else 10 * (9.436 + 1.624 * math.log(tp))),
        "tn": (0.82, None if tn is None else 10 * (5.453 + 1.694 * math.log(tn))),
        "sd": (-0.83, None if sd is None else 10 * (5.118 - 1.94 * math.log(sd))),
        "codmn": (0.83, None if codmn is None else 10 * (0.109 + 2.661 * math.log(codmn))),
    }
    used = [(r * r, t) for r, t in parts.values() if t is not None]
    return sum(w * t for w, t in used) / sum(w for w, _ in used)


def test_tli_worked_by_hand():
    # TLI(chl-a) = 10(2.5 + 1.086 ln 10) = 50.006; TLI(TP) = 10(9.436 + 1.624 ln 0.05) = 45.709;
    # TLI(TN) = 54.53; TLI(SD) = 51.18; TLI(CODMn) = 10(0.109 + 2.661 ln 4) = 37.979
    # weights r^2 / 3.7558: 0.2663, 0.1879, 0.1790, 0.1834, 0.1834 -> TLI = 48.02
    hand = (
        1.0 * 50.00607 + 0.7056 * 45.70931 + 0.6724 * 54.53 + 0.6889 * 51.18 + 0.6889 * 37.97929
    ) / 3.7558
    got = water.tli(chla=10.0, tp=0.05, tn=1.0, sd=1.0, codmn=4.0)
    assert got == pytest.approx(hand, abs=1e-4)
    assert got == pytest.approx(_tli_by_hand(10.0, 0.05, 1.0, 1.0, 4.0), rel=1e-12)
    assert round(got, 1) == 48.0
    assert water.tli_class(got) == "中营养"


def test_tli_renormalises_missing_items():
    # chl-a and TP only: (1 * 50.006 + 0.7056 * 45.709) / 1.7056
    got = water.tli(chla=10.0, tp=0.05)
    assert got == pytest.approx((50.00607 + 0.7056 * 45.70931) / 1.7056, abs=1e-4)
    assert water.tli(sd=1.0) == pytest.approx(51.18)
    with pytest.raises(IndicatorInputError):
        water.tli()
    with pytest.raises(IndicatorInputError):
        water.tli(chla=0.0)


@pytest.mark.parametrize(
    ("value", "upper", "lower"),
    [
        (29.99, "贫营养", "贫营养"),
        (30.0, "中营养", "中营养"),
        (50.0, "中营养", "轻度富营养"),
        (50.01, "轻度富营养", "轻度富营养"),
        (60.0, "轻度富营养", "中度富营养"),
        (70.0, "中度富营养", "重度富营养"),
        (70.01, "重度富营养", "重度富营养"),
    ],
)
def test_tli_class_boundaries_both_closures(value, upper, lower):
    assert water.tli_class(value) == upper
    assert water.tli_class(value, closure="lower") == lower


def test_trophic_state_frame_averages_points_then_computes():
    # two points of one lake in one year: means chl-a 10, TP 0.05, TN 1, SD 1, CODMn 4
    reg = pl.DataFrame(
        {
            "site": ["L1", "L2"],
            "name": ["东", "西"],
            "type": ["lake", "lake"],
            "target_class": ["III", "III"],
            "waterbody": ["镜湖", "镜湖"],
        }
    )
    rows = []
    for site, chla, tp in (("L1", 8.0, 0.04), ("L2", 12.0, 0.06)):
        for item, v in (("Chla", chla), ("TP", tp), ("TN", 1.0), ("SD", 1.0), ("CODMn", 4.0)):
            rows.append((site, date(2025, 7, 1), item, v))
    out = water.trophic_state(_res(rows), reg, by="waterbody").row(0, named=True)
    assert out["Chla"] == pytest.approx(10.0)
    assert out["tli"] == pytest.approx(_tli_by_hand(10.0, 0.05, 1.0, 1.0, 4.0), rel=1e-9)
    assert out["n_tli_items"] == 5
    assert out["trophic_state"] == "中营养"
    per_site = water.trophic_state(_res(rows), reg)
    assert per_site["site"].to_list() == ["L1", "L2"]


# --------------------------------------------------------------------------- CWQI


def test_cwqi_index_forms():
    # C/S_III; S_III(DO)/C; (7 - pH)/(7 - 6) and (pH - 7)/(9 - 7)
    assert water.cwqi_index("NH3-N", 0.5) == pytest.approx(0.5)
    assert water.cwqi_index("CODMn", 9.0) == pytest.approx(1.5)
    assert water.cwqi_index("DO", 5.0) == pytest.approx(1.0)
    assert water.cwqi_index("DO", 10.0) == pytest.approx(0.5)
    assert water.cwqi_index("pH", 7.0) == pytest.approx(0.0)
    assert water.cwqi_index("pH", 6.0) == pytest.approx(1.0)
    assert water.cwqi_index("pH", 9.0) == pytest.approx(1.0)
    assert water.cwqi_index("TP", 0.05, waterbody="lake") == pytest.approx(1.0)
    assert water.cwqi_index("TP", 0.05) == pytest.approx(0.25)
    with pytest.raises(IndicatorInputError):
        water.cwqi_index("TN", 1.0)


def test_cwqi_aggregation_is_a_parameter():
    day = date(2025, 5, 1)
    res = _res(
        [
            ("R1", day, "NH3-N", 0.5),  # 0.5
            ("R1", day, "CODMn", 9.0),  # 1.5
            ("R2", day, "NH3-N", 1.5),  # river mean NH3-N 1.0 -> 1.0
            ("L1", day, "TP", 0.1),  # 2.0
        ]
    )
    total = water.cwqi(res, REG).row(0, named=True)
    # river: NH3-N mean 1.0 -> 1.0, CODMn 9.0 -> 1.5; sum 2.5. lake 2.0. city (2.5*2 + 2*1)/3
    assert total["cwqi_river"] == pytest.approx(2.5)
    assert total["cwqi_lake"] == pytest.approx(2.0)
    assert total["cwqi"] == pytest.approx(7.0 / 3)
    assert (total["n_river_sections"], total["n_lake_sections"]) == (2, 1)
    assert water.cwqi(res, REG, aggregation="mean")["cwqi_river"].item() == pytest.approx(1.25)
    assert water.cwqi(res, REG, aggregation="max")["cwqi_river"].item() == pytest.approx(1.5)


# --------------------------------------------------------------------------- frame contract


def _frame():
    day = date(2025, 9, 3)
    return _res(
        [
            ("R1", day, "NH3-N", 1.2),
            ("R1", day, "TP", 0.12),
            ("R2", day, "NH3-N", 0.3),
            ("L1", day, "TP", 0.04),
        ]
    )


@pytest.mark.parametrize(
    "func",
    [water.item_classes, water.section_classes, water.summary, water.cwqi],
)
def test_lazy_in_lazy_out_and_pandas(func):
    eager = func(_frame(), REG)
    lazy = func(_frame().lazy(), REG)
    assert isinstance(lazy, pl.LazyFrame)
    assert_frame_equal(lazy.collect(), eager)
    from_pandas = func(_frame().to_pandas(), REG.to_pandas())  # pandas in, pandas out
    assert_frame_equal(pl.from_pandas(from_pandas).cast(eager.schema), eager)


def test_trophic_state_lazy():
    res = _res([("L1", date(2025, 7, 1), "Chla", 5.0)])
    assert_frame_equal(
        water.trophic_state(res.lazy(), REG).collect(), water.trophic_state(res, REG)
    )


def test_empty_and_all_null_input():
    empty = _res([])
    assert water.section_classes(empty, REG).height == 0
    assert water.summary(empty, REG).height == 0
    nulls = _res([("R1", date(2025, 1, 1), "NH3-N", None), ("R1", date(2025, 1, 1), "TP", None)])
    ic = water.item_classes(nulls, REG)
    assert ic["class"].to_list() == [None, None]
    assert ic["n"].to_list() == [0, 0]
    sc = water.section_classes(nulls, REG).row(0, named=True)
    assert (sc["class"], sc["n_items"], sc["meets_target"]) == (None, 0, None)
    assert water.summary(nulls, REG).height == 0  # no section has a class


def test_bad_frames_are_refused_with_row_and_column():
    bad = _res([("R1", date(2025, 1, 1), "NH3-N", 0.5), ("R9", date(2025, 1, 1), "TP", 0.1)])
    with pytest.raises(IndicatorInputError, match="row 2") as err:
        water.section_classes(bad, REG)
    assert err.value.column == "site"
    bad_target = REG.with_columns(target_class=pl.lit("VI"))
    with pytest.raises(IndicatorInputError, match="target class"):
        water.section_classes(_frame(), bad_target)
    with pytest.raises(IndicatorInputError, match="period"):
        water.item_classes(_frame(), REG, period="week")
    with pytest.raises(IndicatorInputError):
        water.summary(_frame(), REG, by="province")
    neg = _res([("R1", date(2025, 1, 1), "COD", -3.0)])
    with pytest.raises(IndicatorInputError, match="negative"):
        water.item_classes(neg, REG)


# --------------------------------------------------------------------------- properties


@settings(max_examples=40, deadline=None)
@given(
    item=st.sampled_from(["NH3-N", "COD", "Hg", "Pb", "CN", "FecalColiform"]),
    a=st.floats(0, 1e5, allow_nan=False),
    b=st.floats(0, 1e5, allow_nan=False),
)
def test_item_class_is_monotone(item, a, b):
    lo, hi = sorted((a, b))
    rank = {c: i for i, c in enumerate([*CLASSES, "劣V"])}
    assert rank[water.item_class(item, lo)] <= rank[water.item_class(item, hi)]


@settings(max_examples=30, deadline=None)
@given(a=st.floats(0, 20, allow_nan=False), b=st.floats(0, 20, allow_nan=False))
def test_do_class_is_antitone(a, b):
    lo, hi = sorted((a, b))
    rank = {c: i for i, c in enumerate([*CLASSES, "劣V"])}
    assert rank[water.item_class("DO", hi)] <= rank[water.item_class("DO", lo)]


def test_section_classes_do_not_depend_on_row_order():
    day = date(2025, 6, 1)
    rows = [
        (s, day, i, v)
        for s in ("R1", "R2")
        for i, v in (("NH3-N", 1.7), ("TP", 0.35), ("COD", 21.0), ("DO", 4.0), ("Pb", 0.06))
    ]
    base = water.section_classes(_res(rows), REG)
    shuffled = rows[:]
    random.Random(4).shuffle(shuffled)
    assert_frame_equal(water.section_classes(_res(shuffled), REG), base)


def test_pandas_registry_with_chinese_headers():
    reg = pd.DataFrame(
        {"断面编码": ["R1"], "断面名称": ["一桥"], "水体类型": ["河流"], "水质目标": ["Ⅲ类"]}
    )
    res = _res([("R1", date(2025, 1, 1), "NH3-N", 0.9)])
    assert water.section_classes(res, reg)["meets_target"].to_list() == [True]
