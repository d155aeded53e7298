"""Rankings: direction, 并列 ties, best/worst N, groups, editions, change, cross-edition."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from indicators import IndicatorInputError, air, demo, ranking
from indicators.demo import air as demo_air
from indicators.ranking import best_and_worst, compare_editions, rank_change, rank_cities

# --------------------------------------------------------------------------- rank_cities


def test_composite_index_ties_on_published_precision() -> None:
    # composite index is published to 0.01 (air_reporting_precision): 3.104 and 3.096 both
    # read 3.10 and share 2nd place; the next city is 4th (competition ranking "1224")
    s = pl.DataFrame(
        {"city": ["甲", "乙", "丙", "丁"], "composite_index": [3.104, 3.096, 4.2, 2.9]}
    )
    out = rank_cities(s, "composite_index")
    assert out.select("city", "rank_value", "rank", "tied", "rank_label").rows() == [
        ("丁", 2.9, 1, False, "1"),
        ("乙", 3.1, 2, True, "2（并列）"),
        ("甲", 3.1, 2, True, "2（并列）"),
        ("丙", 4.2, 4, False, "4"),
    ]
    assert out["rank_from_worst"].to_list() == [4, 2, 2, 1]
    assert out["n_ranked"].to_list() == [4] * 4
    assert out["indicator"].unique().to_list() == ["composite_index"]
    # unrounded: no tie, 3.096 before 3.104
    raw = rank_cities(s, "composite_index", decimals=None)
    assert raw.select("city", "rank").rows()[1:3] == [("乙", 2), ("甲", 3)]


def test_rounding_is_half_to_even() -> None:
    # GB/T 8170: 80.25 -> 80.2 and 80.35 -> 80.4 at 0.1 (ratio precision); 80.15 -> 80.2
    s = pl.DataFrame({"city": list("ABC"), "good_day_ratio": [80.25, 80.35, 80.15]})
    out = rank_cities(s, "good_day_ratio", decimals=1)
    assert dict(out.select("city", "rank_value").rows()) == {"A": 80.2, "B": 80.4, "C": 80.2}
    assert dict(out.select("city", "rank_label").rows()) == {
        "B": "1",
        "A": "2（并列）",
        "C": "2（并列）",
    }


@pytest.mark.parametrize(
    ("indicator", "values", "first"),
    [
        ("good_day_ratio", [70.0, 90.0, 80.0], "B"),  # higher is better
        ("PM2.5", [30.0, 40.0, 20.0], "C"),  # lower is better
        ("composite_index", [4.0, 3.0, 5.0], "B"),
        ("cwqi", [5.1, 4.2, 3.3], "C"),
        ("O3_MDA8_P90", [150.0, 160.0, 140.0], "C"),
    ],
)
def test_direction_per_indicator(indicator: str, values: list[float], first: str) -> None:
    s = pl.DataFrame({"city": list("ABC"), indicator: values})
    out = rank_cities(s, indicator)
    assert out["city"][0] == first
    assert out["lower_is_better"][0] is ranking.LOWER_IS_BETTER[indicator]


def test_unknown_direction_and_override() -> None:
    s = pl.DataFrame({"city": list("AB"), "score": [1.0, 2.0]})
    with pytest.raises(IndicatorInputError) as err:
        rank_cities(s, "score")
    assert err.value.column == "score"
    assert rank_cities(s, "score", lower_is_better=False)["city"].to_list() == ["B", "A"]
    with pytest.raises(IndicatorInputError):
        rank_cities(s, "score", lower_is_better=True, decimals="published")


def test_nulls_unranked_and_last() -> None:
    s = pl.DataFrame({"city": list("ABCD"), "PM2.5": [None, 30.0, float("nan"), 25.0]})
    out = rank_cities(s, "PM2.5")
    assert out.select("city", "rank", "rank_label").rows() == [
        ("D", 1, "1"),
        ("B", 2, "2"),
        ("A", None, None),
        ("C", None, None),
    ]
    assert out["n_ranked"].to_list() == [2] * 4
    assert out["tied"].to_list() == [False] * 4


def test_empty_and_all_null() -> None:
    empty = pl.DataFrame(schema={"city": pl.String, "PM2.5": pl.Float64})
    assert rank_cities(empty, "PM2.5").height == 0
    nulls = pl.DataFrame(
        {"city": list("AB"), "PM2.5": [None, None]}, schema_overrides={"PM2.5": pl.Float64}
    )
    out = rank_cities(nulls, "PM2.5")
    assert out["rank"].to_list() == [None, None] and out["n_ranked"].to_list() == [0, 0]


def test_within_province_and_user_groups_lazy() -> None:
    s = pl.DataFrame(
        {
            "city": ["A", "B", "C", "D", "E"],
            "province": ["甲省", "甲省", "乙省", "乙省", "乙省"],
            "PM2.5": [40.0, 30.0, 50.0, 20.0, 20.0],
        }
    )
    out = rank_cities(s, "PM2.5", by="province")
    assert out.select("province", "city", "rank_label", "n_ranked").rows() == [
        ("乙省", "D", "1（并列）", 3),
        ("乙省", "E", "1（并列）", 3),
        ("乙省", "C", "3", 3),
        ("甲省", "B", "1", 2),
        ("甲省", "A", "2", 2),
    ]
    lazy = rank_cities(s.lazy(), "PM2.5", by="province")
    assert isinstance(lazy, pl.LazyFrame)
    assert_frame_equal(lazy.collect(), out)
    grouped = rank_cities(s, "PM2.5", groups={"A": "沿海", "C": "沿海", "D": "内陆"})
    assert grouped.select("group", "city", "rank").rows() == [
        ("内陆", "D", 1),
        ("沿海", "A", 1),
        ("沿海", "C", 2),
        (None, "E", 1),
        (None, "B", 2),
    ]


def test_duplicate_city_in_group() -> None:
    s = pl.DataFrame({"city": ["A", "A"], "PM2.5": [1.0, 2.0]})
    with pytest.raises(IndicatorInputError) as err:
        rank_cities(s, "PM2.5")
    assert err.value.column == "city"


def test_mixed_editions_refused_unless_allowed() -> None:
    s = pl.DataFrame(
        {
            "city": list("ABC"),
            "composite_index": [3.0, 4.0, 5.0],
            "limits_edition": ["GB 3095-2012", "GB 3095-2026 transitional", "GB 3095-2012"],
        }
    )
    with pytest.raises(IndicatorInputError) as err:
        rank_cities(s, "composite_index")
    assert err.value.column == "limits_edition"
    assert err.value.found == ["GB 3095-2012", "GB 3095-2026 transitional"]
    out = rank_cities(s, "composite_index", allow_mixed_editions=True)
    assert out["limits_edition"].to_list() == [
        "GB 3095-2012",
        "GB 3095-2026 transitional",
        "GB 3095-2012",
    ]
    # one edition per group is not mixing
    per_group = s.with_columns(province=pl.Series(["x", "y", "x"]))
    assert rank_cities(per_group, "composite_index", by="province").height == 3


# --------------------------------------------------------------------------- best and worst


def test_best_and_worst_twenty_with_ties_at_the_cut() -> None:
    # 30 cities with PM2.5 1..30 except that cities 20 and 21 both read 20: the best 20
    # holds 21 cities (two tied 20th); the worst 20 counts from 30 down to PM2.5 11
    values = [float(i) for i in range(1, 31)]
    values[20] = 20.0
    s = pl.DataFrame({"city": [f"C{i:02d}" for i in range(1, 31)], "PM2.5": values})
    bw = best_and_worst(rank_cities(s, "PM2.5"), n=20)
    best = bw.filter(end="best")
    worst = bw.filter(end="worst")
    assert best.height == 21
    assert best.filter(pl.col("rank") == 20)["city"].to_list() == ["C20", "C21"]
    assert best["rank_label"].to_list()[-2:] == ["20（并列）", "20（并列）"]
    assert worst.height == 20
    assert worst["city"][0] == "C30"
    # from the bottom: 30..22 are 1..9, C20 and C21 share 10, then 19..11 are 12..20
    assert worst["rank_from_worst"].to_list() == [*range(1, 11), 10, *range(12, 21)]
    assert worst.filter(pl.col("city").is_in(["C20", "C21"]))["rank_from_worst"].to_list() == [
        10,
        10,
    ]
    with pytest.raises(IndicatorInputError):
        best_and_worst(rank_cities(s, "PM2.5"), n=0)


def test_best_and_worst_small_group_overlaps() -> None:
    s = pl.DataFrame({"city": list("ABC"), "good_day_ratio": [90.0, 80.0, None]})
    bw = best_and_worst(rank_cities(s, "good_day_ratio"), n=2)
    assert bw.select("end", "city").rows() == [
        ("best", "A"),
        ("best", "B"),
        ("worst", "B"),
        ("worst", "A"),
    ]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=8), min_size=1, max_size=15))
def test_competition_rank_property(values: list[int]) -> None:
    # rank = 1 + number of strictly better cities; rank_from_worst = 1 + strictly worse
    s = pl.DataFrame(
        {"city": [f"c{i}" for i in range(len(values))], "PM2.5": [float(v) for v in values]}
    )
    out = rank_cities(s, "PM2.5")
    for v, r, rw, tied in out.select("PM2.5", "rank", "rank_from_worst", "tied").iter_rows():
        assert r == 1 + sum(x < v for x in values)
        assert rw == 1 + sum(x > v for x in values)
        assert tied == (values.count(int(v)) > 1)


# --------------------------------------------------------------------------- change


def test_rank_change_by_hand() -> None:
    # composite index change in % of the previous value, rounded to 0.1:
    # A 4.00 vs 5.00 -> -20.0 %; B 3.00 vs 3.30 -> -9.0909 -> -9.1 %; C 3.30 vs 3.00 -> +10.0 %
    # D has no previous value: unranked
    cur = pl.DataFrame({"city": list("ABCD"), "composite_index": [4.0, 3.0, 3.3, 2.0]})
    prev = pl.DataFrame({"city": list("ABC"), "composite_index": [5.0, 3.3, 3.0]})
    out = rank_change(cur, prev, "composite_index")
    assert out.select(
        "city", "composite_index_previous", "change", "change_unit", "rank"
    ).rows() == [
        ("A", 5.0, -20.0, "%", 1),
        ("B", 3.3, -9.1, "%", 2),
        ("C", 3.0, 10.0, "%", 3),
        ("D", None, None, "%", None),
    ]


def test_rank_change_good_day_ratio_in_points_with_ties() -> None:
    # good-day ratio change in percentage points, higher is better: +2.0, +2.0, -1.5
    cur = pl.DataFrame({"city": list("ABC"), "good_day_ratio": [82.0, 77.0, 70.0]})
    prev = pl.DataFrame({"city": list("ABC"), "good_day_ratio": [80.0, 75.0, 71.5]})
    out = rank_change(cur, prev, "good_day_ratio")
    assert out.select("city", "change", "change_unit", "rank_label").rows() == [
        ("A", 2.0, "difference", "1（并列）"),
        ("B", 2.0, "difference", "1（并列）"),
        ("C", -1.5, "difference", "3"),
    ]
    rel = rank_change(cur, prev, "good_day_ratio", relative=True, change_decimals=None)
    assert rel.filter(city="A")["change"].item() == pytest.approx(2.5)


def test_rank_change_zero_previous_and_lazy() -> None:
    cur = pl.DataFrame({"city": list("AB"), "PM2.5": [10.0, 20.0]})
    prev = pl.DataFrame({"city": list("AB"), "PM2.5": [0.0, 25.0]})
    out = rank_change(cur.lazy(), prev.lazy(), "PM2.5")
    assert isinstance(out, pl.LazyFrame)
    assert out.collect().select("city", "change", "rank").rows() == [
        ("B", -20.0, 1),
        ("A", None, None),
    ]


def test_rank_change_refuses_different_editions() -> None:
    cur = pl.DataFrame(
        {"city": ["A"], "composite_index": [4.0], "limits_edition": ["GB 3095-2026 transitional"]}
    )
    prev = pl.DataFrame(
        {"city": ["A"], "composite_index": [5.0], "limits_edition": ["GB 3095-2012"]}
    )
    with pytest.raises(IndicatorInputError) as err:
        rank_change(cur, prev, "composite_index")
    assert err.value.column == "limits_edition" and err.value.file == "previous"
    out = rank_change(cur, prev, "composite_index", allow_mixed_editions=True)
    assert out.select("limits_edition", "limits_edition_previous").row(0) == (
        "GB 3095-2026 transitional",
        "GB 3095-2012",
    )


# --------------------------------------------------------------------------- demo data


@pytest.fixture(scope="module")
def demo_hourly() -> tuple[pl.DataFrame, pl.DataFrame]:
    stations = demo.station_list()
    hourly = demo_air.generate(
        demo.CITIES, stations, date(2025, 3, 1), date(2026, 3, 31), demo.DEMO_SEED
    )["station_hours"]
    return hourly, stations


def test_compare_editions_on_demo(demo_hourly: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    hourly, stations = demo_hourly
    march = hourly.filter(pl.col("time") >= datetime(2026, 3, 1, 1))
    ce = compare_editions(march, stations, "2026-03-01", "2026-03-31")
    assert ce["city"].to_list() == sorted(c.name for c in demo.CITIES)
    assert (ce["aqi_edition_2012"] == "HJ 633-2012").all()
    assert (ce["aqi_edition_2026"] == "HJ 633-2026").all()
    assert (ce["limits_edition_2012"] == "GB 3095-2012").all()
    assert (ce["limits_edition_2026"] == "GB 3095-2026 transitional").all()
    # each side equals a direct evaluation under that edition
    for ed, tag, limits in (
        ("HJ 633-2012", "2012", "GB 3095-2012"),
        ("HJ 633-2026", "2026", "GB 3095-2026 transitional"),
    ):
        daily = air.daily_aqi(march, stations=stations, level="city", edition=ed)
        ref = air.evaluate_period(daily, start="2026-03-01", end="2026-03-31", limits=limits)
        assert ce[f"good_days_{tag}"].to_list() == ref["good_days"].to_list()
        assert ce[f"composite_index_{tag}"].to_list() == ref["composite_index"].to_list()
    # the difference is second minus first
    assert (
        ce["good_day_ratio_diff"] - (ce["good_day_ratio_2026"] - ce["good_day_ratio_2012"])
    ).abs().max() < 1e-9
    # concentrations do not depend on the AQI edition; only the index moves, by the tighter
    # PM annual limits: PM2.5 (1/30 - 1/35) + PM10 (1/60 - 1/70), within rounding (0.01)
    assert (ce["PM2.5_diff"] == 0).all() and (ce["PM10_diff"] == 0).all()
    expected = ce["PM2.5_2012"] * (1 / 30 - 1 / 35) + ce["PM10_2012"] * (1 / 60 - 1 / 70)
    assert ((ce["composite_index_diff"] - expected).abs() <= 0.011).all()
    assert (ce["composite_index_diff"] > 0).all()
    # without companion limits both sides use the limits in force on the end date
    same = compare_editions(march, stations, "2026-03-01", "2026-03-31", companion_limits=False)
    assert (same["limits_edition_2012"] == same["limits_edition_2026"]).all()
    assert (same["good_days_diff"] == ce["good_days_diff"]).all()


def test_compare_editions_lazy_and_errors(demo_hourly: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    hourly, stations = demo_hourly
    day = hourly.filter(pl.col("time").is_between(datetime(2026, 3, 2, 1), datetime(2026, 3, 3, 0)))
    lazy = compare_editions(day.lazy(), stations, "2026-03-02", "2026-03-02")
    assert isinstance(lazy, pl.LazyFrame)
    assert lazy.collect().height == 3
    with pytest.raises(IndicatorInputError):
        compare_editions(
            day, stations, "2026-03-02", "2026-03-02", editions=("HJ 633-2026", "HJ 633-2026")
        )
    with pytest.raises(IndicatorInputError):
        compare_editions(
            day, stations, "2026-03-02", "2026-03-02", editions=("auto", "HJ 633-2026")
        )


def test_demo_ranking_refuses_mixed_years_then_ranks_same_edition(
    demo_hourly: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    hourly, stations = demo_hourly
    auto = air.daily_aqi(hourly, stations=stations, level="city")
    cur = air.evaluate_period(auto, start="2026-03-01", end="2026-03-31")
    prev = air.evaluate_period(auto, start="2025-03-01", end="2025-03-31")
    with pytest.raises(IndicatorInputError):
        rank_change(cur, prev, "composite_index")  # 2026 rules against 2012 rules
    # same-basis comparison: recompute March 2025 under the 2026 edition and limits
    forced = air.daily_aqi(hourly, stations=stations, level="city", edition="HJ 633-2026")
    prev26 = air.evaluate_period(
        forced, start="2025-03-01", end="2025-03-31", limits="GB 3095-2026 transitional"
    )
    out = rank_change(cur, prev26, "composite_index")
    assert out["rank"].drop_nulls().len() == 3
    assert sorted(out["rank"].to_list()) == [1, 2, 3] or out["tied"].any()
    ranked = rank_cities(cur, "good_day_ratio")
    assert ranked["rank"][0] == 1
    assert ranked["good_day_ratio"][0] == cur["good_day_ratio"].max()


# ----------------------------------------------------------------- published ranking, city sets


def test_published_guangdong_ranking_is_reproduced(shared_standards) -> None:
    """Guangdong 2017-08 (21 cities, provincial bulletin): ranks from the 2-dp index, 并列 ties."""
    vectors = pl.read_csv(shared_standards / "air_ranking_test_vectors.csv").filter(
        pl.col("official_rank").is_not_null()
    )
    assert vectors.height == 21
    summary = vectors.select("city", composite_index=pl.col("comprehensive_index"))
    got = ranking.rank_cities(summary, "composite_index").join(
        vectors.select("city", "official_rank"), on="city"
    )
    assert got["rank"].to_list() == got["official_rank"].to_list()
    tied = got.filter(pl.col("tied")).sort("city")["city"].to_list()
    assert tied == sorted(["河源", "江门"])  # both 2.88, both 10th; 深圳 (2.93) is 12th
    assert got.filter(city="深圳")["rank"].item() == 12


def test_rank_in_sets_names_the_set_and_how_many_of_it_the_data_hold() -> None:
    sets = ranking.city_sets()
    assert sets.group_by("set").len().sort("set").rows() == [
        ("fenwei_11", 11),
        ("jjj_2p26", 28),
        ("key_168", 168),
        ("yrd_41", 41),
    ]
    # four 2+26 cities and 拉萨 (one of the 168 key cities only)
    summary = pl.DataFrame(
        {
            "city": ["北京", "天津", "石家庄", "唐山", "拉萨"],
            "composite_index": [4.204, 4.8, 5.6, 4.196, 2.1],
        }
    )
    provinces = {"北京": "北京", "天津": "天津", "石家庄": "河北", "唐山": "河北", "拉萨": "西藏"}
    got = ranking.rank_in_sets(summary, "唐山", provinces=provinces)
    rows = {r["set"]: r for r in got.iter_rows(named=True)}
    assert set(rows) == {"jjj_2p26", "key_168", "province"}
    # 北京 4.204 and 唐山 4.196 are both 4.20 at the published precision: 并列 first
    assert rows["jjj_2p26"]["rank_label"] == "1（并列）"
    assert (rows["jjj_2p26"]["n_ranked"], rows["jjj_2p26"]["set_size"]) == (4, 28)
    assert rows["jjj_2p26"]["complete"] is False
    assert rows["jjj_2p26"]["verification"] == "VERIFIED"
    assert rows["key_168"]["verification"].startswith("WEAK")  # the 168 list is marked
    assert rows["key_168"]["n_ranked"] == 5
    assert (rows["province"]["set_zh"], rows["province"]["rank"], rows["province"]["set_size"]) == (
        "河北（省内）",
        1,
        2,
    )
    lhasa = ranking.rank_in_sets(summary, "拉萨")  # no provinces given: no provincial row
    assert lhasa.select("set", "rank", "n_ranked").rows() == [("key_168", 1, 5)]
    assert ranking.rank_in_sets(summary, "无此市").is_empty()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from([2.1, 3.0, 3.004, 4.2, 4.196, 5.6, None]), min_size=8, max_size=8))
def test_ranks_in_sets_of_every_city_are_each_citys_rank_in_sets(values: list) -> None:
    # eight cities of four sets: 北京 .. 唐山 in 2+26, 西安 in 汾渭, 上海 and 南京 in
    # 长三角, 拉萨 in the 168 only
    cities = ["北京", "天津", "石家庄", "唐山", "西安", "上海", "南京", "拉萨"]
    names = ["北京", "天津", "河北", "河北", "陕西", "上海", "江苏", "西藏"]
    provinces = dict(zip(cities, names, strict=True))
    summary = pl.DataFrame({"city": cities, "composite_index": values})
    every = ranking.ranks_in_sets(summary, provinces=provinces)
    for city in cities:
        mine = ranking.rank_in_sets(summary, city, provinces=provinces)
        got = every.filter(pl.col("city") == city).drop("city")
        assert_frame_equal(got, mine)
    # 石家庄 and 唐山 share 河北: a provincial ranking of two cities
    assert every.filter(pl.col("set") == "province")["city"].sort().to_list() == ["唐山", "石家庄"]


# --------------------------------------------------------------------------- MEE set lists

#: Five 2+26 cities by hand: index (period), index a year earlier, all six pollutants at class 2.
_SET_CUR = {"北京": 3.00, "天津": 3.50, "石家庄": 3.504, "唐山": 5.00, "廊坊": 6.004}
_SET_PREV = {"北京": 4.00, "天津": 3.50, "石家庄": 3.00, "唐山": 4.00, "廊坊": 5.00}
_SET_ATTAINS = {"北京": False, "天津": False, "石家庄": False, "唐山": True, "廊坊": False}


def _set_frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    cur = pl.DataFrame(
        {
            "city": list(_SET_CUR),
            "composite_index": list(_SET_CUR.values()),
            "attains": list(_SET_ATTAINS.values()),
        }
    )
    prev = pl.DataFrame({"city": list(_SET_PREV), "composite_index": list(_SET_PREV.values())})
    return cur, prev


def test_rank_change_leaves_cities_at_class_2_out_of_the_worsening_ranking() -> None:
    cur, prev = _set_frames()
    # change [%]: 北京 -25.0, 天津 0.0, 石家庄 (3.50 vs 3.00) +16.7, 唐山 +25.0, 廊坊 +20.0
    plain = rank_change(cur, prev, "composite_index")
    assert plain.select("city", "change", "rank", "rank_from_worst").rows() == [
        ("北京", -25.0, 1, 5),
        ("天津", 0.0, 2, 4),
        ("石家庄", 16.7, 3, 3),
        ("廊坊", 20.0, 4, 2),
        ("唐山", 25.0, 5, 1),
    ]
    out = rank_change(cur, prev, "composite_index", exclude_from_worst="attains")
    rows = {r["city"]: r for r in out.iter_rows(named=True)}
    assert rows["唐山"]["rank"] == 5 and rows["唐山"]["rank_from_worst"] is None  # attains
    assert rows["唐山"]["worst_excluded"] is True
    assert [rows[c]["rank_from_worst"] for c in ("廊坊", "石家庄", "天津", "北京")] == [1, 2, 3, 4]
    assert {r["n_worst_ranked"] for r in rows.values()} == {4}
    assert {r["n_ranked"] for r in rows.values()} == {5}  # the improvement ranking keeps it


def test_set_lists_by_hand_ties_cut_and_class_2_exclusion() -> None:
    cur, prev = _set_frames()
    got = ranking.set_lists(cur, prev, n=2).filter(pl.col("set") == "jjj_2p26")
    assert set(got["set_size"]) == {28} and set(got["n_in_data"]) == {5}

    def rows(name: str) -> list[tuple]:
        part = got.filter(pl.col("list") == name)
        return part.select("rank", "tied", "city", "value", "n_ranked").rows()

    # 天津 3.50 and 石家庄 3.504 are both 3.50 (2 decimals): the best 2 end at 并列第2名, 3 cities
    assert rows("best") == [
        (1, False, "北京", 3.0, 5),
        (2, True, "天津", 3.5, 5),
        (2, True, "石家庄", 3.5, 5),
    ]
    assert rows("worst") == [(1, False, "廊坊", 6.0, 5), (2, False, "唐山", 5.0, 5)]
    assert rows("change_best") == [(1, False, "北京", -25.0, 5), (2, False, "天津", 0.0, 5)]
    # 唐山 worsened most (+25.0 %) but attains class 2: out of the worsening list
    assert rows("change_worst") == [(1, False, "廊坊", 20.0, 4), (2, False, "石家庄", 16.7, 4)]
    change = got.filter(pl.col("list") == "change_best", pl.col("city") == "北京").row(
        0, named=True
    )
    assert (change["current"], change["previous"]) == (3.0, 4.0)
    # no comparison: no change lists; no attains column: nobody excluded
    assert set(ranking.set_lists(cur)["list"]) == {"best", "worst"}
    kept = ranking.set_lists(cur.drop("attains"), prev, n=2).filter(
        pl.col("set") == "jjj_2p26", pl.col("list") == "change_worst"
    )
    assert kept["city"].to_list() == ["唐山", "廊坊"]


def test_set_lists_of_twenty_end_at_a_shared_nineteenth() -> None:
    """MEE's "从第1名至并列第19名": 20 cities, the last two sharing 19th place."""
    cities = ranking.city_sets().filter(pl.col("set") == "jjj_2p26")["city"].to_list()
    values = [3.0 + 0.1 * i for i in range(len(cities))]
    values[19] = values[18]  # the 19th and 20th best share a value
    summary = pl.DataFrame({"city": cities, "composite_index": values})
    got = ranking.set_lists(summary, provinces={c: "同省" for c in cities[:1]})
    best = got.filter(pl.col("set") == "jjj_2p26", pl.col("list") == "best")
    assert best.height == 20
    assert best["rank"].to_list()[-3:] == [18, 19, 19] and best["tied"].to_list()[-2:] == [
        True,
        True,
    ]
    worst = got.filter(pl.col("set") == "jjj_2p26", pl.col("list") == "worst")
    assert worst["city"].to_list()[:2] == [cities[27], cities[26]]
    assert worst.height == 20 and worst["rank"].to_list()[-1] == 20
    assert got.filter(pl.col("set") == "province").is_empty()  # a province of one city: no list
