"""Noise: GB 3096-2008 limits, functional-area compliance, HJ 640-2012 grades.

Sources of the pinned values: ../shared/standards/noise_gb3096.csv (GB 3096-2008 Table 1 via
N1 and N2; HJ 640-2012 grades via N2 and N3) and noise_notes.md (Hunan 2020-Q4 report N4:
131 of 143 day point-times = 91.6%, 112 of 143 night = 78.3%).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from indicators import noise
from indicators.errors import IndicatorInputError
from indicators.io import ledgers
from indicators.standards import table

# ----------------------------------------------------------------------------- contract


def test_public_contract():
    assert noise.limit("4a", "night") == 55
    assert noise.grade("regional", "day", 56.3) == 3
    assert noise.grade_label(3) == "一般"


# ----------------------------------------------------------------------------- limits

GB3096_TABLE1 = {  # class: (day, night) [dB(A)]
    "0": (50, 40),
    "1": (55, 45),
    "2": (60, 50),
    "3": (65, 55),
    "4a": (70, 55),
    "4b": (70, 60),
    "railway_existing": (70, 55),
}


@pytest.mark.parametrize("cls", list(GB3096_TABLE1))
def test_limits(cls):
    assert (noise.limit(cls, "day"), noise.limit(cls, "night")) == GB3096_TABLE1[cls]


def test_limit_input_forms_and_errors():
    assert noise.limit(1, "day") == 55
    assert noise.limit(" 4B ", "night") == 60
    with pytest.raises(IndicatorInputError) as err:
        noise.limit("4", "night")  # GB 3096-93 class 4 no longer exists
    assert err.value.column == "functional_class"
    with pytest.raises(IndicatorInputError, match="unknown period"):
        noise.limit("1", "evening")
    with pytest.raises(IndicatorInputError, match="edition"):
        noise.limit("1", "day", standard="GB 3096-93")


# ----------------------------------------------------------------------------- grades

GRADE_UPPERS = {  # (kind, period): upper bounds of grades 1-4 [dB(A)], inclusive
    ("regional", "day"): (50.0, 55.0, 60.0, 65.0),
    ("regional", "night"): (40.0, 45.0, 50.0, 55.0),
    ("traffic", "day"): (68.0, 70.0, 72.0, 74.0),
    ("traffic", "night"): (58.0, 60.0, 62.0, 64.0),
}
GRADE_EDGES = [
    (kind, period, upper, g)
    for (kind, period), uppers in GRADE_UPPERS.items()
    for g, upper in enumerate(uppers, start=1)
]


@pytest.mark.parametrize(("kind", "period", "upper", "g"), GRADE_EDGES)
def test_grade_edges(kind, period, upper, g):
    assert noise.grade(kind, period, upper) == g  # at the bound: this grade
    assert noise.grade(kind, period, upper + 0.1) == g + 1  # just beyond: the next


@pytest.mark.parametrize(("kind", "period", "upper", "g"), GRADE_EDGES)
def test_grade_edges_lazy_expr(kind, period, upper, g):
    lf = pl.LazyFrame({"L": [upper, upper + 0.1]})
    out = lf.select(noise.grade_expr(kind, period, "L")).collect()["grade"].to_list()
    assert out == [g, g + 1]


def test_grade_vectors_missing_and_labels():
    assert noise.grade("traffic", "day", [60.0, None, float("nan"), 80.0]) == [1, None, None, 5]
    s = noise.grade("regional", "night", pl.Series([39.9, 55.1]))
    assert isinstance(s, pl.Series) and s.to_list() == [1, 5]
    labels = [noise.grade_label(g) for g in range(1, 6)]
    assert labels == ["好", "较好", "一般", "较差", "差"]
    assert noise.grade_label(2, lang="en") == "fairly good"
    assert noise.grade_label(None) is None
    with pytest.raises(IndicatorInputError):
        noise.grade_label(6)
    with pytest.raises(IndicatorInputError):
        noise.grade("rail", "day", 60.0)
    with pytest.raises(IndicatorInputError):
        noise.grade("regional", "day", -1.0)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(list(GRADE_UPPERS)),
    st.lists(st.floats(20, 100, allow_nan=False), min_size=2, max_size=30),
)
def test_grade_is_monotone(key, values):
    values = sorted(values)
    grades = noise.grade(*key, values)
    assert grades == sorted(grades)
    assert set(grades) <= {1, 2, 3, 4, 5}


# ----------------------------------------------------------------------------- compliance


@pytest.mark.parametrize("cls", ["0", "1", "2", "3", "4a", "4b"])
def test_compliance_at_limit_and_beyond(cls):
    day, night = GB3096_TABLE1[cls]
    m = pl.DataFrame(
        {
            "point": ["P1", "P2"],
            "functional_class": [cls, cls],
            "leq_day": [float(day), day + 0.1],
            "leq_night": [float(night), night + 0.1],
        }
    )
    out = noise.functional_area_compliance(m)
    assert out["compliant_day"].to_list() == [True, False]
    assert out["compliant_night"].to_list() == [True, False]
    assert out["limit_night"].to_list() == [float(night)] * 2


def _hunan():
    # 143 point-times (N4, Hunan 2020-Q4): 131 compliant by day, 112 by night.
    n = 143
    day = [59.0] * 131 + [61.0] * 12  # class 2: limit 60 by day
    night = [49.0] * 112 + [52.0] * 31  # and 50 by night
    return pl.DataFrame(
        {
            "point": [f"P{i:03d}" for i in range(n)],
            "functional_class": "2",
            "leq_day": day,
            "leq_night": night,
        }
    )


def test_hunan_2020_q4_rates():
    out = noise.compliance_rate(_hunan(), per_class=False).row(0, named=True)
    assert (out["n_monitored_day"], out["n_compliant_day"]) == (143, 131)
    assert out["compliance_rate_day"] == 91.6  # 131 / 143 = 91.608...
    assert (out["n_monitored_night"], out["n_compliant_night"]) == (143, 112)
    assert out["compliance_rate_night"] == 78.3  # 112 / 143 = 78.32...


def test_compliance_rate_by_class_and_group():
    m = pl.DataFrame(
        {
            "city": ["A"] * 5 + ["B"] * 2,
            "point": ["P1", "P2", "P3", "P4", "P5", "Q1", "Q2"],
            "functional_class": ["1", "1", "4a", "4a", "4a", "2", "2"],
            "leq_day": [54.0, 56.0, 69.0, 70.0, 71.0, 58.0, None],
            "leq_night": [44.0, 46.0, 56.0, 55.0, None, 50.5, 49.0],
        }
    )
    out = noise.compliance_rate(m, by="city")
    assert out.select("city", "functional_class").rows() == [
        ("A", "1"),
        ("A", "4a"),
        ("A", "all"),
        ("B", "2"),
        ("B", "all"),
    ]
    a_all = out.filter(city="A", functional_class="all").row(0, named=True)
    assert (a_all["n_monitored_day"], a_all["n_compliant_day"]) == (5, 3)
    assert a_all["compliance_rate_day"] == 60.0
    # the missing night value is not a monitored point-time: 2 of 4
    assert (a_all["n_monitored_night"], a_all["n_compliant_night"]) == (4, 2)
    b_all = out.filter(city="B", functional_class="all").row(0, named=True)
    assert (b_all["n_monitored_day"], b_all["compliance_rate_day"]) == (1, 100.0)
    assert b_all["compliance_rate_night"] == 50.0


def test_compliance_rate_lazy_pandas_empty_and_all_null():
    m = _hunan()
    eager = noise.compliance_rate(m)
    lazy = noise.compliance_rate(m.lazy())
    assert isinstance(lazy, pl.LazyFrame)
    assert_frame_equal(eager, lazy.collect())
    from_pandas = noise.compliance_rate(m.to_pandas())  # pandas in, pandas out
    assert_frame_equal(eager, pl.from_pandas(from_pandas).cast(eager.schema))
    empty = noise.compliance_rate(m.clear(), per_class=False).row(0, named=True)
    assert empty["n_monitored_day"] == 0 and empty["compliance_rate_day"] is None
    nulls = m.with_columns(leq_night=pl.lit(None, pl.Float64))
    out = noise.compliance_rate(nulls, per_class=False).row(0, named=True)
    assert out["n_monitored_night"] == 0 and out["compliance_rate_night"] is None
    assert out["compliance_rate_day"] == 91.6


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"functional_class": ["9"]}, "functional_class"),
        ({"functional_class": [None]}, "functional_class"),
        ({"leq_day": [-3.0]}, "leq_day"),
        ({"leq_night": ["abc"]}, "leq_night"),
    ],
)
def test_functional_bad_input(change, column):
    base = {"point": ["P1"], "functional_class": ["1"], "leq_day": [50.0], "leq_night": [40.0]}
    base.update(change)
    with pytest.raises(IndicatorInputError) as err:
        noise.compliance_rate(pl.DataFrame(base))
    assert (err.value.row, err.value.column) == (1, column)


def test_functional_class_normalised():
    m = pl.DataFrame({"point": ["P1", "P2"], "functional_class": [4, 1], "leq_day": [1.0, 2.0]})
    with pytest.raises(IndicatorInputError):
        noise.functional_area_compliance(m)  # integer 4 is not a GB 3096-2008 class
    m = pl.DataFrame({"point": ["P1"], "functional_class": ["4A"], "leq_day": [70.0]})
    assert noise.functional_area_compliance(m)["functional_class"].item() == "4a"


# ----------------------------------------------------------------------------- regional, traffic


def test_regional_mean_and_grade():
    g = pl.DataFrame(
        {
            "city": ["A"] * 4 + ["B"] * 2,
            "point": ["G1", "G2", "G3", "G4", "H1", "H2"],
            "leq_day": [52.0, 54.0, 56.0, 59.2, 49.0, 51.0],
            "leq_night": [44.0, 46.0, None, 47.0, None, None],
        }
    )
    out = noise.regional_mean_leq(g)
    a = out.row(0, named=True)
    # day: (52 + 54 + 56 + 59.2) / 4 = 55.3 -> grade 3 一般; night: (44 + 46 + 47) / 3 = 45.67
    assert (a["n_points_day"], a["leq_day"], a["grade_day"], a["grade_label_day"]) == (
        4,
        55.3,
        3,
        "一般",
    )
    assert (a["n_points_night"], a["leq_night"], a["grade_night"]) == (3, 45.7, 3)
    b = out.row(1, named=True)
    assert (b["leq_day"], b["grade_day"], b["grade_label_en_day"]) == (50.0, 1, "good")
    assert (b["n_points_night"], b["leq_night"], b["grade_night"]) == (0, None, None)


def test_regional_graded_on_rounded_mean():
    # mean 55.04 -> 55.0 (0.1 dB) -> grade 2 (<= 55.0); unrounded it would be grade 3
    g = pl.DataFrame({"city": "A", "point": ["G1", "G2"], "leq_day": [55.0, 55.08]})
    r = noise.regional_mean_leq(g).row(0, named=True)
    assert (r["leq_day"], r["grade_day"]) == (55.0, 2)


def test_traffic_length_weighted():
    s = pl.DataFrame(
        {
            "city": "A",
            "section": ["R1", "R2", "R3"],
            "length_km": [0.5, 1.5, 2.0],
            "leq_day": [72.0, 68.0, 70.0],
            "leq_night": [63.0, None, 61.0],
        }
    )
    r = noise.traffic_mean_leq(s).row(0, named=True)
    # day: (0.5*72 + 1.5*68 + 2*70) / 4 = 278 / 4 = 69.5 -> grade 2 较好
    assert (r["length_km_day"], r["leq_day"], r["grade_day"], r["grade_label_day"]) == (
        4.0,
        69.5,
        2,
        "较好",
    )
    # night: only sections with a value: (0.5*63 + 2*61) / 2.5 = 61.4 -> grade 3
    assert (r["n_sections_night"], r["length_km_night"]) == (2, 2.5)
    assert (r["leq_night"], r["grade_night"]) == (61.4, 3)
    # arithmetic mean would be 70.0; the weighting matters
    assert noise.traffic_mean_leq(s.with_columns(length_km=pl.lit(1.0)))["leq_day"].item() == 70.0


def test_traffic_bad_length_and_lazy():
    s = pl.DataFrame({"section": ["R1", "R2"], "length_km": [1.0, None], "leq_day": [66.0, 67.0]})
    with pytest.raises(IndicatorInputError) as err:
        noise.traffic_mean_leq(s, by=None)
    assert (err.value.row, err.value.column) == (2, "length_km")
    ok = s.with_columns(length_km=pl.Series([1.0, 3.0]))
    lazy = noise.traffic_mean_leq(ok.lazy(), by=None)
    assert isinstance(lazy, pl.LazyFrame)
    assert lazy.collect()["leq_day"].item() == 66.8  # (66 + 3*67) / 4 = 66.75 -> 66.8


def test_regional_missing_column_and_empty():
    with pytest.raises(IndicatorInputError) as err:
        noise.regional_mean_leq(pl.DataFrame({"point": ["G1"], "leq_day": [50.0]}))
    assert err.value.column == "city"
    empty = pl.DataFrame(schema={"point": pl.String, "leq_day": pl.Float64})
    r = noise.regional_mean_leq(empty, by=None).row(0, named=True)
    assert (r["n_points_day"], r["leq_day"], r["grade_day"]) == (0, None, None)


# ----------------------------------------------------------------------------- day / night


def _hours(values, t0=datetime(2025, 5, 1, 0)):
    return pl.DataFrame(
        {
            "point": "N1",
            "time": [t0 + timedelta(hours=k) for k in range(len(values))],
            "leq": values,
        }
    )


def test_day_night_energy_mean():
    # day hours of 2025-05-01: 06..21; half at 60, half at 70 dB(A)
    values = [40.0] * 6 + [60.0] * 8 + [70.0] * 8 + [50.0] * 8
    r = noise.day_night_leq(_hours(values)).filter(pl.col("date") == pl.date(2025, 5, 1))
    r = r.row(0, named=True)
    expected = 10 * math.log10((10**6 + 10**7) / 2)  # 67.40 dB(A)
    assert r["leq_day"] == pytest.approx(expected)
    assert r["n_hours_day"] == 16
    assert r["leq_night"] == pytest.approx(50.0) and r["n_hours_night"] == 8
    # the small hours 00..05 of 05-01 belong to the night of 04-30
    prev = noise.day_night_leq(_hours(values)).row(0, named=True)
    assert (prev["date"].isoformat(), prev["n_hours_night"], prev["n_hours_day"]) == (
        "2025-04-30",
        6,
        0,
    )
    assert prev["leq_day"] is None


def test_day_night_local_hours_and_hour_ending_labels():
    values = [50.0] * 24
    values[6] = 80.0  # 06:00-07:00
    h = _hours(values)
    std = noise.day_night_leq(h).filter(pl.col("date") == pl.date(2025, 5, 1)).row(0, named=True)
    assert std["n_hours_day"] == 16
    local = noise.day_night_leq(h, day_start=7, night_start=23)
    local = local.filter(pl.col("date") == pl.date(2025, 5, 1)).row(0, named=True)
    assert local["n_hours_day"] == 16 and local["leq_day"] == pytest.approx(50.0)
    # hour-ending labels: the 80 dB value labelled 06:00 is the hour 05:00-06:00, which is
    # night (of 04-30), so the day of 05-01 is all 50 dB
    assert std["leq_day"] > 60
    ending = noise.day_night_leq(h, label="end")
    day1 = ending.filter(pl.col("date") == pl.date(2025, 5, 1)).row(0, named=True)
    assert day1["leq_day"] == pytest.approx(50.0) and day1["n_hours_day"] == 16
    night0 = ending.filter(pl.col("date") == pl.date(2025, 4, 30)).row(0, named=True)
    assert night0["leq_night"] > 60
    with pytest.raises(IndicatorInputError):
        noise.day_night_leq(h, day_start=22, night_start=6)


# ----------------------------------------------------------------------------- readers


def test_read_noise_files(tmp_path):
    f = pd.DataFrame(
        {
            "城市": ["A", "A"],
            "测点": ["N1", "N2"],
            "功能区类别": ["1类", "4a类"],
            "年份": [2025, 2025],
            "季度": [1, 1],
            "昼间": [54.0, 71.0],
            "夜间": [46.0, 55.0],
        }
    )
    f.to_csv(tmp_path / "f.csv", index=False)
    f.to_excel(tmp_path / "f.xlsx", index=False)
    a = ledgers.read_noise_functional(tmp_path / "f.csv")
    assert_frame_equal(a, ledgers.read_noise_functional(tmp_path / "f.xlsx"))
    out = noise.functional_area_compliance(a)
    assert out.select("compliant_day", "compliant_night").rows() == [(True, False), (False, True)]
    (tmp_path / "g.csv").write_text("城市,网格编号,昼间\nA,G1,54\nA,G2,56.6\n", encoding="utf-8")
    assert (
        noise.regional_mean_leq(ledgers.read_noise_regional(tmp_path / "g.csv"))["leq_day"].item()
        == 55.3
    )
    (tmp_path / "t.csv").write_text("路段名称,长度（km）,昼间\nR1,-1,68\n", encoding="utf-8")
    with pytest.raises(IndicatorInputError) as err:
        ledgers.read_noise_traffic(tmp_path / "t.csv")
    assert (err.value.file, err.value.row, err.value.column) == (
        str(tmp_path / "t.csv"),
        1,
        "length_km",
    )
    (tmp_path / "q.csv").write_text("测点,功能区类别,季度,昼间\nN1,1,一,50\n", encoding="utf-8")
    with pytest.raises(IndicatorInputError, match="whole number"):
        ledgers.read_noise_functional(tmp_path / "q.csv")


# ----------------------------------------------------------------------------- tables


@pytest.mark.parametrize("name", ["noise_limits", "noise_grades", "noise_rules"])
def test_tables_have_source_columns(name):
    t = table(name)
    assert {"standard", "clause", "unit"} <= set(t.columns)
    assert t["clause"].null_count() == 0


def test_tables_match_shared_spec(shared_standards):
    spec = pl.read_csv(shared_standards / "noise_gb3096.csv", infer_schema_length=0)
    lim = spec.filter(table="functional_area_limit")
    for cls, period, value in lim.select(
        "category", "period", "limit_or_upper_bound_dBA"
    ).iter_rows():
        assert noise.limit(cls, period) == int(value)
    grades = table("noise_grades")
    for tbl, kind in (("regional_grade", "regional"), ("traffic_grade", "traffic")):
        rows = spec.filter(table=tbl)
        for period, upper, g, label in rows.select(
            "period", "limit_or_upper_bound_dBA", "grade", "grade_label"
        ).iter_rows():
            mine = grades.filter(kind=kind, period=period, grade=int(g)).row(0, named=True)
            assert mine["label_zh"] == label
            assert mine["upper"] == (float(upper) if upper else None)
