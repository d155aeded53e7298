"""Black-odorous water bodies: grading (城市黑臭水体整治工作指南 2015), ledger, elimination ratio.

Sources of the pinned values: the guide's grading table 城市黑臭水体污染程度分级标准 and
the point/stretch/water-body rules as quoted by B1-B3 in ../shared/standards/black_odorous.md;
Yiyang (B8): 11 eliminated + 2 基本消除 = 13 of 14 = 92.86% against >= 90%.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from indicators import blackodorous as bo
from indicators.errors import IndicatorInputError
from indicators.io import ledgers
from indicators.standards import table

# ----------------------------------------------------------------------------- contract


def test_public_contract():
    assert bo.indicator_level("transparency", 9.9) == "severe"
    assert bo.indicator_level("ORP", -250) == "severe"
    assert bo.indicator_level("DO", 1.0) == "light"
    assert bo.indicator_level("NH3-N", 5.0) == "none"


# ----------------------------------------------------------------------------- thresholds

# Each edge exactly and just beyond. Severe bounds as printed (< 10, < 0.2, < -200, > 15);
# light ranges closed at both ends (the documented choice for the UNVERIFIED closure).
EDGES = [
    ("transparency", 25.01, "none"),
    ("transparency", 25.0, "light"),
    ("transparency", 10.0, "light"),
    ("transparency", 9.99, "severe"),
    ("transparency", 0.0, "severe"),
    ("DO", 2.01, "none"),
    ("DO", 2.0, "light"),
    ("DO", 0.2, "light"),
    ("DO", 0.19, "severe"),
    ("DO", 0.0, "severe"),
    ("ORP", 50.1, "none"),
    ("ORP", 50.0, "light"),
    ("ORP", -200.0, "light"),
    ("ORP", -200.1, "severe"),
    ("NH3-N", 7.99, "none"),
    ("NH3-N", 8.0, "light"),
    ("NH3-N", 15.0, "light"),
    ("NH3-N", 15.01, "severe"),
]


@pytest.mark.parametrize(("indicator", "value", "level"), EDGES)
def test_indicator_edges(indicator, value, level):
    assert bo.indicator_level(indicator, value) == level


@pytest.mark.parametrize(("indicator", "value", "level"), EDGES)
def test_indicator_edges_expr_lazy(indicator, value, level):
    lf = pl.LazyFrame({"v": [value]})
    out = lf.select(bo.indicator_level_expr(indicator, "v")).collect()
    assert out[f"level_{indicator}"].item() == level


def test_closure_is_data():
    t = bo.grading_thresholds()
    assert t.height == 8
    light = t.filter(level="light")
    assert light["lower_closed"].all() and light["upper_closed"].all()
    severe = t.filter(level="severe")
    assert severe.filter(indicator="NH3-N").row(0, named=True)["lower"] == 15
    assert not severe.filter(indicator="NH3-N")["lower_closed"].item()


def test_chinese_names_vectors_and_missing():
    assert bo.indicator_level("氨氮", 16.0) == "severe"
    assert bo.indicator_level("DO", [2.5, None, float("nan"), 0.1]) == [
        "none",
        None,
        None,
        "severe",
    ]
    s = bo.indicator_level("ORP", pl.Series([60.0, -201.0]))
    assert isinstance(s, pl.Series) and s.to_list() == ["none", "severe"]
    assert bo.indicator_level("DO", None) is None


@pytest.mark.parametrize(
    ("call", "column"),
    [
        (lambda: bo.indicator_level("DO", -0.1), "DO"),
        (lambda: bo.indicator_level("NH3-N", [1.0, -1.0]), "NH3-N"),
        (lambda: bo.indicator_level("transparency", -3), "transparency"),
        (lambda: bo.indicator_level("transparency", 10, depth=-5), "depth"),
        (lambda: bo.indicator_level("COD", 10), "indicator"),
        (lambda: bo.indicator_level("DO", 1.0, standard="CJJ 2099"), "standard"),
    ],
)
def test_indicator_bad_input(call, column):
    with pytest.raises(IndicatorInputError) as err:
        call()
    assert err.value.column == column


def test_negative_orp_is_valid():
    assert bo.indicator_level("ORP", -199.0) == "light"


# ----------------------------------------------------------------------------- shallow water


@pytest.mark.parametrize(
    ("transparency", "depth", "level"),
    [
        # depth 20 cm < 25: threshold 40% x 20 = 8 cm; < 8 severe, clear to bottom (>= 20) none
        (8.0, 20.0, "light"),
        (7.99, 20.0, "severe"),
        (19.9, 20.0, "light"),
        (20.0, 20.0, "none"),
        # depth exactly 25 is not shallow ("不足25cm" = < 25): deep thresholds
        (9.99, 25.0, "severe"),
        (10.0, 25.0, "light"),
        (25.0, 25.0, "light"),
        # depth 24 cm: 40% = 9.6 cm; 9.7 cm is light here although < 10
        (9.7, 24.0, "light"),
        (9.5, 24.0, "severe"),
        # depth missing: deep thresholds
        (9.7, None, "severe"),
        (30.0, 80.0, "none"),
    ],
)
def test_shallow_water_rule(transparency, depth, level):
    assert bo.indicator_level("transparency", transparency, depth=depth) == level


def test_shallow_rule_only_for_transparency():
    # DO grading ignores depth; the shallow table has one row, for transparency
    assert table("blackodorous_shallow_water")["indicator"].to_list() == ["transparency"]
    m = _samples("W1", "P1", 0.0, [dict(transparency=9.0, depth=20.0, DO=0.1)])
    row = bo.sample_levels(m).row(0, named=True)
    assert row["level_transparency"] == "light" and row["shallow"] is True
    assert row["level_DO"] == "severe" and row["level"] == "severe"


# ----------------------------------------------------------------------------- points

CLEAN = {"transparency": 40.0, "DO": 5.0, "ORP": 100.0, "NH3-N": 1.0, "depth": 100.0}


def _samples(wid, point, pos, overrides):
    rows = []
    for k, o in enumerate(overrides):
        rows.append(
            {
                "water_body_id": wid,
                "point": point,
                "position_km": pos,
                "date": date(2026, 5, 1 + 3 * k),
                **{**CLEAN, **o},
            }
        )
    return pl.DataFrame(rows)


def _point(overrides):
    return bo.point_grade(_samples("W1", "P1", 0.0, overrides)).row(0, named=True)


def test_point_one_indicator_exactly_60_percent():
    # 3 of 5 transparency samples severe = 60% -> severe (>= 60%, inclusive)
    p = _point([{"transparency": 5.0}] * 3 + [{}] * 2)
    assert p["severe_share_transparency"] == 60.0
    assert (p["grade"], p["severe_rule"]) == ("severe", "one_indicator")


def test_point_one_indicator_below_60_percent():
    # 4 of 7 = 57.1% -> not severe by one indicator; the samples are black -> light
    p = _point([{"DO": 0.1}] * 4 + [{}] * 3)
    assert p["n_severe_DO"] == 4 and p["n_DO"] == 7
    assert (p["grade"], p["severe_rule"]) == ("light", None)


def test_point_two_indicators_exactly_30_percent():
    # 10 samples: DO severe in 3 (30%), NH3-N severe in 3 other samples (30%) -> severe
    p = _point([{"DO": 0.1}] * 3 + [{"NH3-N": 20.0}] * 3 + [{}] * 4)
    assert p["severe_share_DO"] == 30.0 and p["severe_share_NH3-N"] == 30.0
    assert p["n_indicators_30"] == 2
    assert (p["grade"], p["severe_rule"]) == ("severe", "two_indicators")


def test_point_two_indicators_one_below_30_percent():
    # DO 3/10 = 30%, NH3-N 2/10 = 20% -> only one indicator at 30% -> light
    p = _point([{"DO": 0.1}] * 3 + [{"NH3-N": 20.0}] * 2 + [{}] * 5)
    assert p["n_indicators_30"] == 1
    assert p["grade"] == "light"


def test_point_share_uses_valid_samples_only():
    # transparency missing in 2 of 5 samples: 2 severe of 3 valid = 66.7% -> severe
    p = _point([{"transparency": 5.0}] * 2 + [{"transparency": None}] * 2 + [{}])
    assert p["n_transparency"] == 3 and p["n_samples"] == 5
    assert p["grade"] == "severe"


def test_point_light_none_and_all_null():
    assert _point([{"ORP": 0.0}, {}, {}])["grade"] == "light"
    assert _point([{}, {}, {}])["grade"] == "none"
    null = dict.fromkeys(["transparency", "DO", "ORP", "NH3-N"])
    p = _point([null, null, null])
    assert p["grade"] is None and p["n_DO"] == 0


def test_point_sampling_flag():
    assert _point([{}, {}])["sampling_ok"] is False
    assert _point([{}, {}, {}])["sampling_ok"] is True


def test_point_grade_lazy_and_pandas_match_eager():
    m = pl.concat(
        [_samples("W1", f"P{i}", 0.3 * i, [{"DO": 0.1}] * i + [{}] * 3) for i in range(4)]
    )
    eager = bo.point_grade(m)
    lazy = bo.point_grade(m.lazy())
    assert isinstance(lazy, pl.LazyFrame)
    assert_frame_equal(eager, lazy.collect())
    # pandas in, pandas out (same values; dates come back as datetime64)
    assert_frame_equal(eager, pl.from_pandas(bo.point_grade(m.to_pandas())).cast(eager.schema))


def test_point_grade_by_campaign():
    a = _samples("W1", "P1", 0.0, [{"DO": 0.1}] * 3).with_columns(campaign=pl.lit("2025"))
    b = _samples("W1", "P1", 0.0, [{}] * 3).with_columns(campaign=pl.lit("2026"))
    out = bo.point_grade(pl.concat([a, b]), by="campaign")
    assert out.select("campaign", "grade").rows() == [("2025", "severe"), ("2026", "none")]


def test_monitoring_point_without_position():
    m = _samples("W1", "P1", 0.0, [{}, {}]).with_columns(position_km=pl.Series([0.0, None]))
    with pytest.raises(IndicatorInputError) as err:
        bo.point_grade(m)
    assert (err.value.row, err.value.column) == (2, "position_km")


def test_monitoring_point_with_two_positions():
    m = _samples("W1", "P1", 0.0, [{}, {}]).with_columns(position_km=pl.Series([0.0, 0.5]))
    with pytest.raises(IndicatorInputError, match="two positions"):
        bo.point_grade(m)


def test_monitoring_negative_value_names_row():
    m = _samples("W1", "P1", 0.0, [{}, {}, {"NH3-N": -0.5}])
    with pytest.raises(IndicatorInputError) as err:
        bo.sample_levels(m)
    assert (err.value.row, err.value.column, err.value.found) == (3, "NH3-N", -0.5)


def test_monitoring_missing_column():
    m = _samples("W1", "P1", 0.0, [{}]).drop("ORP")
    with pytest.raises(IndicatorInputError) as err:
        bo.point_grade(m)
    assert err.value.column == "ORP"


# ----------------------------------------------------------------------------- stretches, bodies


def _points(grades, positions=None, wid="W1"):
    positions = positions or [0.4 * i for i in range(len(grades))]
    return pl.DataFrame(
        {
            "water_body_id": wid,
            "point": [f"P{i + 1}" for i in range(len(grades))],
            "position_km": positions,
            "grade": grades,
        },
        schema_overrides={"grade": pl.String},
    )


@pytest.mark.parametrize(
    ("grades", "n_stretches"),
    [
        (["severe"] * 3, 1),
        (["severe", "severe", "light", "severe"], 0),
        (["severe", "severe", None, "severe"], 0),  # an ungraded point breaks the run
        (["severe"] * 3 + ["light"] + ["severe"] * 4, 2),
        (["light", "severe", "severe"], 0),
    ],
)
def test_consecutive_points_rule(grades, n_stretches):
    assert bo.severe_stretches(_points(grades)).height == n_stretches


def test_stretch_uses_position_order_and_length():
    # rows given out of order; sorted by position: A(0.0) B(0.5) C(0.9) D(1.6) -> B..D severe
    p = pl.DataFrame(
        {
            "water_body_id": "W1",
            "point": ["D", "A", "C", "B"],
            "position_km": [1.6, 0.0, 0.9, 0.5],
            "grade": ["severe", "light", "severe", "severe"],
        }
    )
    s = bo.severe_stretches(p).row(0, named=True)
    assert (s["first_point"], s["last_point"], s["n_points"]) == ("B", "D", 3)
    assert s["length_km"] == pytest.approx(1.1)


@pytest.mark.parametrize(
    ("grades", "grade", "share"),
    [
        (["severe", "light", "severe", "light", "severe"], "severe", 60.0),  # exactly 60%
        (["severe", "light", "severe", "light", "light"], "light", 40.0),
        (["severe", "severe", "severe", "light", None], "severe", 75.0),  # 3 of 4 graded
        (["severe", "severe", "light", "light", None], "light", 50.0),
        (["none", "none", "none"], "none", 0.0),
        ([None, None, None], None, None),
    ],
)
def test_water_body_60_percent_rule(grades, grade, share):
    w = bo.water_body_grade(_points(grades)).row(0, named=True)
    assert w["grade"] == grade
    assert w["severe_point_share"] == share


def test_water_body_with_severe_stretch_but_below_60_percent():
    # 3 consecutive severe of 6 points: 50% -> light body with one severe stretch of 0.8 km
    w = bo.water_body_grade(_points(["light", "severe", "severe", "severe", "light", "none"])).row(
        0, named=True
    )
    assert (w["grade"], w["n_severe_stretches"]) == ("light", 1)
    assert w["severe_stretch_km"] == pytest.approx(0.8)
    assert w["points_ok"] is True


def test_water_body_lazy_and_min_points():
    lf = _points(["severe", "severe"]).lazy()
    out = bo.water_body_grade(lf)
    assert isinstance(out, pl.LazyFrame)
    assert out.collect()["points_ok"].item() is False


def test_points_unknown_grade():
    with pytest.raises(IndicatorInputError, match="unknown grade"):
        bo.water_body_grade(_points(["severe", "bad", "light"]))


# ----------------------------------------------------------------------------- surveys


def test_survey_threshold_default_is_90_assumption():
    rule = table("blackodorous_rules").filter(rule="survey_satisfaction").row(0, named=True)
    assert (rule["value"], rule["verification"]) == (90, "assumption")
    s = pl.DataFrame(
        {
            "water_body_id": ["A", "B", "C"],
            "respondents": [100, 200, 50],
            "satisfied_share": [90.0, 89.99, 100.0],
        }
    )
    assert bo.survey_satisfaction(s)["survey_ok"].to_list() == [True, False, True]
    out = bo.survey_satisfaction(s, satisfaction_threshold=95)
    assert out["survey_ok"].to_list() == [False, False, True]
    assert out["satisfaction_threshold"].unique().to_list() == [95.0]


def test_survey_from_counts_and_bad_values():
    s = pl.DataFrame({"water_body_id": ["A"], "respondents": [160], "n_satisfied": [144]})
    assert bo.validate_surveys(s)["satisfied_share"].item() == 90.0  # 144/160
    for bad, column in (
        ({"respondents": [0], "satisfied_share": [95.0]}, "respondents"),
        ({"respondents": [10.5], "satisfied_share": [95.0]}, "respondents"),
        ({"respondents": [100], "satisfied_share": [101.0]}, "satisfied_share"),
        ({"respondents": [100], "n_satisfied": [101]}, "n_satisfied"),
    ):
        with pytest.raises(IndicatorInputError) as err:
            bo.validate_surveys(pl.DataFrame({"water_body_id": ["A"], **bad}))
        assert err.value.column == column


def test_remediation_evaluation_needs_both():
    wb = pl.DataFrame({"water_body_id": ["A", "B", "C"], "grade": ["none", "none", "light"]})
    s = pl.DataFrame(
        {
            "water_body_id": ["A", "B", "C"],
            "respondents": [100] * 3,
            "satisfied_share": [92.0, 88.0, 99.0],
        }
    )
    out = bo.remediation_evaluation(wb, s)
    assert out["evaluation_ok"].to_list() == [True, False, False]
    out = bo.remediation_evaluation(wb, s.head(1))
    assert out["evaluation_ok"].to_list() == [True, None, False]
    with pytest.raises(IndicatorInputError, match="more than one survey"):
        bo.remediation_evaluation(wb, pl.concat([s, s.head(1)]))


# ----------------------------------------------------------------------------- ledger


def _ledger(n, city="益阳市", length=None, **extra):
    return pl.DataFrame(
        {
            "water_body_id": [f"W{i:02d}" for i in range(n)],
            "city": city,
            "district": "资阳区",
            "name": [f"水体{i}" for i in range(n)],
            "type": "river",
            "length_km": length if length is not None else [1.0] * n,
            "identified_date": date(2016, 1, 1),
            **extra,
        }
    )


PATH = {
    "identified": ["identified"],
    "under_remediation": ["identified", "under_remediation"],
    "remediation_completed": ["identified", "under_remediation", "remediation_completed"],
    "eliminated": ["identified", "under_remediation", "remediation_completed", "eliminated"],
    "basically_eliminated": [
        "identified",
        "under_remediation",
        "remediation_completed",
        "basically_eliminated",
    ],
    "long_term_clear": [
        "identified",
        "under_remediation",
        "remediation_completed",
        "eliminated",
        "long_term_clear",
    ],
}


def _history(ends, ids=None):
    ids = ids or [f"W{i:02d}" for i in range(len(ends))]
    rows = [
        (wid, s, date(2016 + k, 1, 1))
        for wid, end in zip(ids, ends, strict=True)
        for k, s in enumerate(PATH[end])
    ]
    return pl.DataFrame(rows, schema=["water_body_id", "status", "date"], orient="row")


def test_yiyang_13_of_14():
    # B8: 11 eliminated + 2 基本消除 of 14 identified = 92.86% >= 90%
    ends = ["eliminated"] * 11 + ["basically_eliminated"] * 2 + ["under_remediation"]
    r = bo.elimination_ratio(_ledger(14), _history(ends), "2020-12-31").row(0, named=True)
    assert (r["n_water_bodies"], r["n_eliminated"]) == (14, 13)
    assert r["elimination_ratio"] == 92.86  # 13 / 14 x 100 = 92.857...
    assert r["target"] == 90.0 and r["target_met"] is True


@pytest.mark.parametrize(
    ("n_elim", "n", "ratio", "met"),
    [(9, 10, 90.0, True), (8, 9, 88.89, False), (10, 10, 100.0, True)],
)
def test_target_edge(n_elim, n, ratio, met):
    ends = ["long_term_clear"] * n_elim + ["identified"] * (n - n_elim)
    r = bo.elimination_ratio(_ledger(n), _history(ends), "2021-01-01").row(0, named=True)
    assert (r["elimination_ratio"], r["target_met"]) == (ratio, met)


def test_target_parameter():
    ends = ["eliminated"] * 9 + ["identified"]
    r = bo.elimination_ratio(_ledger(10), _history(ends), "2021-01-01", target=95).row(
        0, named=True
    )
    assert (r["target"], r["target_met"]) == (95.0, False)


def test_ratio_by_length():
    # lengths 1, 2, 3, 4 km and a pond (no length); eliminated: the 1 and 4 km rivers and the pond
    lg = _ledger(5, length=[1.0, 2.0, 3.0, 4.0, None]).with_columns(
        type=pl.Series(["river"] * 4 + ["lake_pond"]), area_km2=pl.Series([None] * 4 + [0.1])
    )
    h = _history(
        ["eliminated", "under_remediation", "identified", "long_term_clear", "basically_eliminated"]
    )
    r = bo.elimination_ratio(lg, h, "2021-01-01").row(0, named=True)
    assert (r["n_eliminated"], r["elimination_ratio"]) == (3, 60.0)  # 3 / 5
    assert (r["length_km"], r["length_km_eliminated"]) == (10.0, 5.0)
    assert r["elimination_ratio_length"] == 50.0  # (1 + 4) / 10
    assert r["n_no_length"] == 1
    assert (r["target_met"], r["target_met_length"]) == (False, False)


def test_ratio_scope_and_dates():
    # on 2018-06-30 the eliminated event (2019-01-01) has not happened; a water body identified
    # after the reference date is out of scope
    lg = _ledger(3).with_columns(
        identified_date=pl.Series([date(2016, 1, 1), date(2016, 1, 1), date(2020, 5, 1)])
    )
    h = pl.concat(
        [
            _history(["eliminated", "identified"]),
            pl.DataFrame(
                {"water_body_id": ["W02"], "status": ["identified"], "date": [date(2020, 5, 1)]}
            ),
        ]
    )
    assert bo.elimination_ratio(lg, h, "2018-06-30")["n_eliminated"].item() == 0
    r = bo.elimination_ratio(lg, h, date(2019, 1, 1)).row(0, named=True)
    assert (r["n_water_bodies"], r["n_eliminated"], r["elimination_ratio"]) == (2, 1, 50.0)
    assert bo.elimination_ratio(lg, h, "2020-05-01")["n_water_bodies"].item() == 3


def test_ratio_by_city_lazy_and_none():
    lg = pl.concat(
        [
            _ledger(2, city="甲市"),
            _ledger(2, city="乙市").with_columns(pl.col("water_body_id") + "b"),
        ]
    )
    h = pl.concat(
        [
            _history(["eliminated", "identified"]),
            _history(["eliminated", "eliminated"], ids=["W00b", "W01b"]),
        ]
    )
    out = bo.elimination_ratio(lg.lazy(), h, "2021-01-01")
    assert isinstance(out, pl.LazyFrame)
    assert out.collect().select("city", "elimination_ratio").rows() == [
        ("甲市", 50.0),
        ("乙市", 100.0),
    ]
    total = bo.elimination_ratio(lg, h, "2021-01-01", by=None)
    assert total.select("n_water_bodies", "elimination_ratio").row(0) == (4, 75.0)


def test_ratio_empty_scope():
    out = bo.elimination_ratio(
        _ledger(2), _history(["identified", "identified"]), "2015-01-01", by=None
    ).row(0, named=True)
    assert out["n_water_bodies"] == 0
    assert out["elimination_ratio"] is None and out["target_met"] is None
    assert bo.elimination_ratio(_ledger(2), _history(["identified"] * 2), "2015-01-01").height == 0


def test_returned_is_not_eliminated_and_change():
    h = pl.concat(
        [
            _history(["eliminated"]),
            pl.DataFrame(
                {
                    "water_body_id": ["W00", "W00"],
                    "status": ["returned", "under_remediation"],
                    "date": [date(2021, 7, 15), date(2021, 9, 1)],
                }
            ),
        ]
    )
    lg = _ledger(1)
    assert bo.elimination_ratio(lg, h, "2021-07-14")["n_eliminated"].item() == 1
    assert bo.elimination_ratio(lg, h, "2021-07-15")["n_eliminated"].item() == 0
    ret = bo.returned_water_bodies(lg, h, "2021-12-31").row(0, named=True)
    assert (ret["returned_date"], ret["n_returns"], ret["status"]) == (
        date(2021, 7, 15),
        1,
        "under_remediation",
    )
    assert bo.returned_water_bodies(lg, h, "2021-07-14").height == 0
    ch = bo.elimination_ratio_change(lg, h, "2021-12-31", "2020-12-31").row(0, named=True)
    assert (ch["elimination_ratio_compare"], ch["elimination_ratio"], ch["change_pp"]) == (
        100.0,
        0.0,
        -100.0,
    )


def test_change_uses_unrounded_ratios():
    # 13/14 -> 12/14: -7.142857 pp -> -7.14 (the printed ratios 92.86 and 85.71 differ by 7.15)
    ends = ["eliminated"] * 13 + ["identified"]
    h = pl.concat(
        [
            _history(ends),
            pl.DataFrame(
                {"water_body_id": ["W00"], "status": ["returned"], "date": [date(2022, 3, 1)]}
            ),
        ]
    )
    ch = bo.elimination_ratio_change(_ledger(14), h, "2022-12-31", "2021-12-31")
    assert ch.select("elimination_ratio_compare", "elimination_ratio", "change_pp").row(0) == (
        92.86,
        85.71,
        -7.14,
    )


def test_overdue():
    lg = _ledger(3, plan_date=[date(2020, 12, 31), date(2020, 12, 31), None])
    h = _history(["under_remediation", "eliminated", "identified"])
    od = bo.overdue_water_bodies(lg, h, "2021-01-10")
    assert od.select("water_body_id", "days_overdue").rows() == [("W00", 10)]
    assert bo.overdue_water_bodies(lg, h, "2020-12-31").height == 0  # not yet past the plan date


def test_status_counts_list_every_status():
    lg = _ledger(3, length=[1.5, 2.0, 4.0])
    h = _history(["eliminated", "eliminated", "identified"])
    c = bo.status_counts(lg, h, "2021-01-01")
    assert c["status"].to_list() == list(bo.STATUSES)
    counts = dict(zip(c["status"], c["n"], strict=True))
    assert counts["eliminated"] == 2 and counts["identified"] == 1 and counts["returned"] == 0
    assert c.filter(status="eliminated")["length_km"].item() == 3.5


def test_status_on_and_changes():
    lg, h = _ledger(2), _history(["eliminated", "under_remediation"])
    s = bo.status_on(lg, h, "2017-06-01")
    assert s["status"].to_list() == ["under_remediation", "under_remediation"]
    ch = bo.status_changes(lg, h, "2019-06-01", "2017-06-01")
    assert ch.filter("changed")["water_body_id"].to_list() == ["W00"]


@pytest.mark.parametrize("labels", ["zh", "en", "both"])
def test_ledger_table_labels(labels):
    lg = _ledger(2, plan_date=[date(2018, 1, 1), None])
    h = _history(["under_remediation", "long_term_clear"])
    t = bo.ledger_table(lg, h, "2021-01-01", labels=labels)
    assert t.height == 2 and t.width == len(bo.LEDGER_LABELS)
    status_col = {"zh": "当前状态", "en": "Status", "both": "当前状态 / Status"}[labels]
    overdue_col = {"zh": "是否逾期", "en": "Overdue", "both": "是否逾期 / Overdue"}[labels]
    if labels == "en":
        assert t[status_col].to_list() == ["under remediation", "long-term clear"]
        assert t[overdue_col].to_list() == ["yes", "no"]
    else:
        assert t[status_col].to_list() == ["整治中", "长制久清"]
        assert t[overdue_col].to_list() == ["是", "否"]


# ----------------------------------------------------------------------------- validation


def _err(call):
    with pytest.raises(IndicatorInputError) as err:
        call()
    return err.value


def test_history_unknown_status():
    h = _history(["identified"]).with_columns(status=pl.lit("cleaned"))
    e = _err(lambda: bo.validate_status_history(h))
    assert (e.row, e.column, e.found) == (1, "status", "cleaned")


def test_history_date_before_identification():
    h = pl.DataFrame(
        {
            "water_body_id": ["W00", "W00"],
            "status": ["identified", "under_remediation"],
            "date": [date(2016, 1, 1), date(2015, 12, 31)],
        }
    )
    e = _err(lambda: bo.validate_status_history(h))
    assert "before identification" in str(e) and e.row == 2


@pytest.mark.parametrize(
    ("statuses", "bad_row"),
    [
        (["identified", "remediation_completed"], 2),  # skips under_remediation
        (
            [
                "identified",
                "under_remediation",
                "remediation_completed",
                "eliminated",
                "under_remediation",
            ],
            5,
        ),  # reverses without a documented return
        (["identified", "under_remediation", "under_remediation"], 3),  # repeated
        (["under_remediation"], 1),  # does not start with identification
        (["identified", "under_remediation", "returned"], 3),  # return before remediation
        (["identified", "identified"], 2),
    ],
)
def test_history_transitions_not_allowed(statuses, bad_row):
    h = pl.DataFrame(
        {
            "water_body_id": "W00",
            "status": statuses,
            "date": [date(2016 + k, 1, 1) for k in range(len(statuses))],
        }
    )
    e = _err(lambda: bo.validate_status_history(h))
    assert "transition not allowed" in str(e) and e.row == bad_row


def test_history_documented_return_is_allowed_and_sorted():
    statuses = [
        "identified",
        "under_remediation",
        "remediation_completed",
        "eliminated",
        "long_term_clear",
        "returned",
        "under_remediation",
        "remediation_completed",
        "basically_eliminated",
        "eliminated",
    ]
    dates = [date(2016 + k, 1, 1) for k in range(len(statuses))]
    h = pl.DataFrame({"water_body_id": "W00", "status": statuses, "date": dates})
    shuffled = h.sample(fraction=1.0, shuffle=True, seed=3)
    out = bo.validate_status_history(shuffled)
    assert out["status"].to_list() == statuses


def test_history_against_ledger():
    lg = _ledger(2)
    e = _err(lambda: bo.validate_status_history(_history(["identified"]), lg))
    assert "no status history" in str(e) and e.found == "W01"
    h = _history(["identified", "identified"], ids=["W00", "X99"])
    assert _err(lambda: bo.validate_status_history(h, lg)).found == "X99"
    h = _history(["identified", "identified"]).with_columns(
        date=pl.Series([date(2016, 1, 1), date(2016, 2, 1)])
    )
    e = _err(lambda: bo.validate_status_history(h, lg))
    assert "differs from the ledger" in str(e) and e.row == 2


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"water_body_id": ["W00", "W00"]}, "water_body_id"),
        ({"length_km": [1.0, -0.1]}, "length_km"),
        ({"type": ["river", "canal"]}, "type"),
        ({"grade_identified": ["light", "medium"]}, "grade_identified"),
        ({"identified_date": [date(2016, 1, 1), None]}, "identified_date"),
        ({"plan_date": [date(2015, 12, 31), None]}, "plan_date"),
    ],
)
def test_ledger_validation(change, column):
    lg = _ledger(2).with_columns(**{k: pl.Series(v) for k, v in change.items()})
    assert _err(lambda: bo.validate_ledger(lg)).column == column


def test_ledger_missing_column_and_not_a_frame():
    assert _err(lambda: bo.validate_ledger(_ledger(1).drop("type"))).column == "type"
    assert "not a data frame" in str(_err(lambda: bo.elimination_ratio([1], [2], "2020-01-01")))


def test_bad_reference_date():
    e = _err(lambda: bo.elimination_ratio(_ledger(1), _history(["identified"]), "31/12/2020"))
    assert e.column == "on"


# ----------------------------------------------------------------------------- properties


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(list(PATH)), min_size=1, max_size=12), st.randoms())
def test_ratio_bounds_and_order_invariance(ends, rnd):
    n = len(ends)
    lg, h = _ledger(n), _history(ends)
    r = bo.elimination_ratio(lg, h, "2030-01-01").row(0, named=True)
    expected = sum(e in ("eliminated", "basically_eliminated", "long_term_clear") for e in ends)
    assert r["n_eliminated"] == expected
    assert 0.0 <= r["elimination_ratio"] <= 100.0
    order = list(range(n))
    rnd.shuffle(order)
    r2 = bo.elimination_ratio(
        lg[order], h.sample(fraction=1.0, shuffle=True, seed=1), "2030-01-01"
    ).row(0, named=True)
    assert r2 == r


RANK = {"none": 0, "light": 1, "severe": 2}


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(list(bo.INDICATORS)),
    st.lists(st.floats(0, 400, allow_nan=False), min_size=2, max_size=20),
)
def test_level_is_monotone(indicator, values):
    values = sorted(values)
    if indicator == "ORP":
        values = [v - 300 for v in values]
    ranks = [RANK[x] for x in bo.indicator_level(indicator, values)]
    # NH3-N: worse as it rises; the others: worse as they fall
    expected = sorted(ranks) if indicator == "NH3-N" else sorted(ranks, reverse=True)
    assert ranks == expected


# ----------------------------------------------------------------------------- readers


def test_read_ledger_csv_and_xlsx(tmp_path):
    lg = pd.DataFrame(
        {
            "编号": ["001", "002"],
            "城市": ["清河市"] * 2,
            "区县": ["城东区"] * 2,
            "水体名称": ["东沟", "南塘"],
            "类型": ["河道", "坑塘"],
            "长度（km）": [2.4, None],
            "面积（km²）": [None, 0.05],
            "黑臭级别": ["重度", "轻度"],
            "认定日期": ["2016/3/1", "2016年3月1日"],
            "责任单位": ["城东区政府"] * 2,
            "计划完成日期": ["2017-12-31", None],
        }
    )
    lg.to_csv(tmp_path / "ledger.csv", index=False)
    lg.to_excel(tmp_path / "ledger.xlsx", index=False)
    a = ledgers.read_blackodorous_ledger(tmp_path / "ledger.csv")
    b = ledgers.read_blackodorous_ledger(tmp_path / "ledger.xlsx")
    assert_frame_equal(a, b)
    assert a.select("water_body_id", "type", "grade_identified", "area_km2").rows() == [
        ("001", "river", "severe", None),
        ("002", "lake_pond", "light", 0.05),
    ]
    assert a["identified_date"].to_list() == [date(2016, 3, 1)] * 2


def test_read_status_and_errors_name_the_file(tmp_path):
    p = tmp_path / "status.csv"
    p.write_text("编号,状态,日期\nW1,已认定,2016-03-01\nW1,完成整治,2017-03-01\n", encoding="utf-8")
    with pytest.raises(IndicatorInputError) as err:
        ledgers.read_blackodorous_status(p)
    assert (err.value.file, err.value.row) == (str(p), 2)
    p.write_text("编号,状态,日期\nW1,已认定,2016-03-01\nW1,返黑返臭,2017-03-01\n", encoding="utf-8")
    with pytest.raises(IndicatorInputError, match="transition not allowed"):
        ledgers.read_blackodorous_status(p)
    p.write_text("编号,状态,日期\nW1,已认定,2016-13-01\n", encoding="utf-8")
    with pytest.raises(IndicatorInputError, match="not a date"):
        ledgers.read_blackodorous_status(p)


def test_read_monitoring_and_surveys(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text(
        "编号,点位,里程,水深（cm）,透明度,溶解氧,氧化还原电位,氨氮,采样日期\n"
        "W1,P1,0,20,7.9,3,100,1,2026-05-01\n"
        "W1,P2,,40,30,3,100,1,2026-05-01\n",
        encoding="utf-8",
    )
    with pytest.raises(IndicatorInputError) as err:
        ledgers.read_blackodorous_monitoring(p)
    assert (err.value.row, err.value.column) == (2, "position_km")
    p.write_text(
        "编号,点位,里程,水深（cm）,透明度,溶解氧,氧化还原电位,氨氮\nW1,P1,0,20,7.9,3,100,1\n",
        encoding="utf-8",
    )
    m = ledgers.read_blackodorous_monitoring(p)
    assert bo.sample_levels(m)["level_transparency"].item() == "severe"  # 7.9 < 0.4 x 20
    q = tmp_path / "s.xlsx"
    pd.DataFrame({"编号": ["W1"], "调查人数": [150], "满意率": ["93.3%"]}).to_excel(q, index=False)
    assert ledgers.read_blackodorous_surveys(q)["satisfied_share"].item() == 93.3


def test_reader_bad_file(tmp_path):
    with pytest.raises(IndicatorInputError, match="file not found"):
        ledgers.read_blackodorous_ledger(tmp_path / "missing.csv")
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(IndicatorInputError, match="unsupported"):
        ledgers.read_blackodorous_ledger(tmp_path / "x.json")


# ----------------------------------------------------------------------------- tables


@pytest.mark.parametrize(
    "name",
    [
        "blackodorous_grading",
        "blackodorous_rules",
        "blackodorous_shallow_water",
        "blackodorous_statuses",
        "blackodorous_status_transitions",
    ],
)
def test_tables_have_source_columns(name):
    t = table(name)
    assert {"standard", "clause", "unit"} <= set(t.columns)
    assert t["standard"].null_count() == 0 and t["clause"].null_count() == 0


def test_rule_values_pinned():
    rules = dict(table("blackodorous_rules").select("rule", "value").iter_rows())
    assert rules["point_severe_one_indicator"] == 60
    assert rules["point_severe_two_indicators"] == 30
    assert rules["consecutive_severe_points"] == 3
    assert rules["water_body_severe_points"] == 60
    assert rules["elimination_target"] == 90


def test_transitions_reference_known_statuses():
    t = table("blackodorous_status_transitions")
    known = set(bo.STATUSES)
    assert set(t["to_status"]) <= known
    assert set(t["from_status"].drop_nulls()) <= known


def test_change_with_empty_comparison_scope():
    # nothing identified on the comparison date: the compare ratio and the change are null
    ch = bo.elimination_ratio_change(
        _ledger(2), _history(["eliminated", "identified"]), "2021-01-01", "2015-01-01", by=None
    ).row(0, named=True)
    assert (ch["n_water_bodies_compare"], ch["elimination_ratio_compare"]) == (0, None)
    assert ch["elimination_ratio"] == 50.0 and ch["change_pp"] is None


def test_other_closure_via_thresholds():
    # another closure (the C# code cited in black_odorous.md puts 25 cm and 2.0 mg/L in "none")
    alt = bo.grading_thresholds().with_columns(
        upper_closed=pl.when(pl.col("level") == "light")
        .then(pl.col("indicator").is_in(["NH3-N", "ORP"]))
        .otherwise(pl.col("upper_closed"))
    )
    assert bo.indicator_level("transparency", 25.0, thresholds=alt) == "none"
    assert bo.indicator_level("DO", 2.0, thresholds=alt) == "none"
    assert bo.indicator_level("NH3-N", 15.0, thresholds=alt) == "light"
    m = _samples("W1", "P1", 0.0, [{"DO": 2.0}] * 3)
    assert bo.point_grade(m)["grade"].item() == "light"
    assert bo.point_grade(m, thresholds=alt)["grade"].item() == "none"
    with pytest.raises(IndicatorInputError, match="one row per indicator"):
        bo.indicator_level("DO", 1.0, thresholds=alt.head(3))
