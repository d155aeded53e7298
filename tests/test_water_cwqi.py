"""City water quality index CWQI (城市水质指数), its change ΔCWQI and the city rankings.

Expected values come from ../shared/standards/water_cwqi_test_vectors.csv (worked by hand
in water_cwqi.md from 城市地表水环境质量排名技术规定（试行）, 环境保护部办公厅 2017-06-12,
clause 四(二)1-3 and 四(四), with the class-III limits of GB 3838-2002 Table 1), read
here from the shared folder (the tests skip when it is absent), not from the package
tables. Every input is built as a results frame and a section registry, through the
public API.
"""

from __future__ import annotations

import csv
import inspect
from datetime import date

import pandas as pd
import polars as pl
import pytest
from conftest import SHARED
from polars.testing import assert_frame_equal

from indicators import ranking, water
from indicators.errors import IndicatorInputError
from indicators.glossary import indicator
from indicators.standards import table

VECTORS = SHARED / "standards" / "water_cwqi_test_vectors.csv"
ITEMS_CSV = SHARED / "standards" / "water_cwqi_items.csv"
#: The vector files' item codes that differ from the package's.
CODE = {"NH3N": "NH3-N", "VP": "VPhenol", "Petro": "Petroleum", "S": "Sulfide"}
DAY = date(2025, 6, 1)
NOT_PRESENT = pytest.mark.skipif(not VECTORS.exists(), reason=f"needs {VECTORS}")


def _vectors() -> list[dict[str, str]]:
    if not VECTORS.exists():
        return []
    with VECTORS.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


ROWS = _vectors()


def _items(vector_id: str) -> list[dict[str, str]]:
    return [r for r in ROWS if r["vector_id"] == vector_id and r["item"] not in ("TOTAL",)]


def _expected(vector_id: str, item: str = "TOTAL") -> float:
    (row,) = [r for r in ROWS if r["vector_id"] == vector_id and r["item"] == item]
    return float(row["item_cwqi"])


def _section(vector_id: str, site: str) -> list[tuple]:
    """One sampling of every item of a one-section vector (W1, W2, W3l)."""
    return [
        (site, DAY, CODE.get(r["item"], r["item"]), float(r["concentration"]))
        for r in _items(vector_id)
    ]


def _res(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"site": pl.String, "date": pl.Date, "item": pl.String, "value": pl.Float64},
        orient="row",
    )


def _reg(sites: dict[str, tuple[str, str]], target: str | dict[str, str] = "III") -> pl.DataFrame:
    """Registry from ``{site: (type, city)}``."""
    names = list(sites)
    targets = [target if isinstance(target, str) else target[s] for s in names]
    return pl.DataFrame(
        {
            "site": names,
            "name": [f"断面{s}" for s in names],
            "type": [sites[s][0] for s in names],
            "city": [sites[s][1] for s in names],
            "target_class": targets,
        }
    )


# W3: a city with the two river sections W1 and W2 and the lake point W3l
W3_REG = {"R1": ("river", "甲"), "R2": ("river", "甲"), "L1": ("lake", "甲")}


def _w3_results() -> pl.DataFrame:
    return _res(_section("W1", "R1") + _section("W2", "R2") + _section("W3l", "L1"))


# --------------------------------------------------------------------------- items


def test_cwqi_items_are_the_21_of_the_rule():
    # 四(二): GB 3838 Table 1 without water temperature, TN and fecal coliform
    assert len(water.CWQI_ITEMS) == 21
    assert water.CWQI_ITEMS == water.EVALUATION_ITEMS
    assert not {"TN", "FecalColiform", "WaterTemp"} & set(water.CWQI_ITEMS)


@NOT_PRESENT
def test_cwqi_items_match_the_checked_item_table():
    with ITEMS_CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    numbered = [r for r in rows if r["item_no"].isdigit()]
    assert [CODE.get(r["item"], r["item"]) for r in numbered] == list(water.CWQI_ITEMS)
    excluded = {r["item"] for r in rows if r["formula"] == "not in CWQI"}
    assert excluded == {"WT", "TN", "FC"}


@pytest.mark.parametrize("item", ["TN", "总氮", "FecalColiform", "WaterTemp"])
def test_tn_fecal_coliform_and_temperature_are_refused(item):
    with pytest.raises(IndicatorInputError, match="not a CWQI item"):
        water.cwqi_index(item, 1.0)


def test_tn_and_fecal_coliform_in_results_are_not_in_the_index():
    reg = _reg({"R1": ("river", "甲")})
    base = [("R1", DAY, "NH3-N", 0.5), ("R1", DAY, "COD", 10.0)]
    extra = [("R1", DAY, "TN", 3.0), ("R1", DAY, "FecalColiform", 5000.0)]
    with_extra = water.cwqi(_res(base + extra), reg)
    assert_frame_equal(with_extra, water.cwqi(_res(base), reg))
    assert with_extra["cwqi"].item() == pytest.approx(0.5 + 0.5)
    assert with_extra["n_items_river"].item() == 2


# --------------------------------------------------------------------------- vectors


def _item_cases():
    for vid in ("W1", "W2", "W3l"):
        for r in _items(vid):
            yield pytest.param(vid, r, id=f"{vid}-{r['item']}")


@NOT_PRESENT
@pytest.mark.parametrize(("vid", "row"), list(_item_cases()))
def test_item_index_of_one_section_vectors(vid, row):
    waterbody = "lake" if row["water_type"] == "lake" else "river"
    got = water.cwqi_index(
        CODE.get(row["item"], row["item"]), float(row["concentration"]), waterbody=waterbody
    )
    assert got == pytest.approx(float(row["item_cwqi"]), abs=1e-6)


@NOT_PRESENT
@pytest.mark.parametrize(("vid", "row"), list(_item_cases()))
def test_item_index_of_one_section_vectors_through_frames(vid, row):
    site = {"W1": "R1", "W2": "R2", "W3l": "L1"}[vid]
    items = water.cwqi_items(_res(_section(vid, site)), _reg({site: W3_REG[site]}))
    got = items.filter(item=CODE.get(row["item"], row["item"])).row(0, named=True)
    assert got["part"] == ("lake" if vid == "W3l" else "river")
    assert got["cwqi_item"] == pytest.approx(float(row["item_cwqi"]), abs=1e-6)


@NOT_PRESENT
@pytest.mark.parametrize("row", _items("W3r"), ids=lambda r: r["item"])
def test_w3r_items_are_the_section_means_then_the_ratio(row):
    # the two river sections W1 and W2 averaged item by item (pH arithmetic: 7.05), then indexed
    reg = _reg({"R1": W3_REG["R1"], "R2": W3_REG["R2"]})
    items = water.cwqi_items(_res(_section("W1", "R1") + _section("W2", "R2")), reg)
    got = items.filter(item=CODE.get(row["item"], row["item"])).row(0, named=True)
    assert got["value"] == pytest.approx(float(row["concentration"]), abs=1e-9)
    assert got["n_sections"] == 2
    assert got["cwqi_item"] == pytest.approx(float(row["item_cwqi"]), abs=1e-6)


@NOT_PRESENT
@pytest.mark.parametrize(
    ("vid", "sites", "expected"),
    [
        ("W1", ["R1"], 4.4600),
        ("W2", ["R2"], 12.3733),
        ("W3r", ["R1", "R2"], 7.9375),
        ("W3l", ["L1"], 5.4910),
        ("W3c", ["R1", "R2", "L1"], 7.1220),
    ],
)
def test_totals(vid, sites, expected):
    reg = _reg({s: W3_REG[s] for s in sites})
    res = _w3_results().filter(pl.col("site").is_in(sites))
    got = water.cwqi(res, reg).row(0, named=True)
    item = "CITY" if vid == "W3c" else "TOTAL"
    assert got["cwqi"] == pytest.approx(_expected(vid, item), abs=1e-6)
    assert round(got["cwqi"], 4) == pytest.approx(expected)  # shown with 4 decimals


@NOT_PRESENT
def test_w3c_parts_and_weights():
    # (CWQI_river × 2 + CWQI_lake × 1) / 3, weighting by the section counts (UNVERIFIED)
    got = water.cwqi(_w3_results(), _reg(W3_REG)).row(0, named=True)
    assert got["cwqi_river"] == pytest.approx(_expected("W3r"), abs=1e-6)
    assert got["cwqi_lake"] == pytest.approx(_expected("W3l"), abs=1e-6)
    assert (got["n_river_sections"], got["n_lake_sections"]) == (2, 1)
    assert (got["n_items_river"], got["n_items_lake"]) == (21, 21)
    assert got["cwqi"] == pytest.approx((2 * got["cwqi_river"] + got["cwqi_lake"]) / 3)


@NOT_PRESENT
def test_averaging_section_totals_is_not_the_rule():
    # W22: the concentrations are averaged first; the mean of the section totals
    # (4.4600 + 12.3733) / 2 = 8.4167 is the wrong method
    wrong = (_expected("W1") + _expected("W2")) / 2
    assert wrong == pytest.approx(8.416667, abs=1e-6)
    reg = _reg({"R1": W3_REG["R1"], "R2": W3_REG["R2"]})
    got = water.cwqi(_res(_section("W1", "R1") + _section("W2", "R2")), reg)["cwqi"].item()
    assert got != pytest.approx(wrong, abs=1e-3)
    assert got == pytest.approx(7.9375, abs=1e-6)


def test_do_is_averaged_before_the_reciprocal():
    # water_cwqi.md §3: DO 8 and 4 mg/L average to 6 -> 5/6 = 0.8333, not (0.625 + 1.25)/2
    reg = _reg({"R1": ("river", "甲"), "R2": ("river", "甲")})
    res = _res([("R1", DAY, "DO", 8.0), ("R2", DAY, "DO", 4.0)])
    assert water.cwqi(res, reg)["cwqi"].item() == pytest.approx(5 / 6)
    assert water.cwqi(res, reg)["cwqi"].item() != pytest.approx(0.9375)


@NOT_PRESENT
def test_ph_averaged_through_hydrogen_ions():
    # W3r-alt: pH 7.6 and 6.5 -> -log10(mean [H+]) = 6.7678, index 0.232166, total 8.144666
    reg = _reg({"R1": W3_REG["R1"], "R2": W3_REG["R2"]})
    res = _res(_section("W1", "R1") + _section("W2", "R2"))
    items = water.cwqi_items(res, reg, ph_mean="hydrogen").filter(item="pH").row(0, named=True)
    assert items["value"] == pytest.approx(float(_items("W3r-alt")[0]["concentration"]), abs=1e-4)
    assert items["cwqi_item"] == pytest.approx(_expected("W3r-alt", "pH"), abs=1e-6)
    total = water.cwqi(res, reg, ph_mean="hydrogen")["cwqi"].item()
    assert total == pytest.approx(8.144666, abs=1e-6)
    assert round(total, 4) == pytest.approx(8.1447)
    assert water.cwqi(res, reg)["cwqi"].item() == pytest.approx(7.9375, abs=1e-6)


@NOT_PRESENT
def test_ph_discriminating_vector():
    # PH1: pH 6.5 and 7.5 -> 0 (arithmetic mean 7.0) or 0.240363 ([H+] mean, pH 6.7596)
    (row,) = [r for r in ROWS if r["vector_id"] == "PH1"]
    arith, hydro = (float(x.split()[0]) for x in row["item_cwqi"].split("/"))
    reg = _reg({"R1": ("river", "甲")})
    res = _res([("R1", date(2025, 3, 1), "pH", 6.5), ("R1", date(2025, 9, 1), "pH", 7.5)])
    assert water.cwqi(res, reg)["cwqi"].item() == pytest.approx(arith, abs=1e-6)
    assert water.cwqi(res, reg, ph_mean="hydrogen")["cwqi"].item() == pytest.approx(hydro, abs=1e-6)


def test_bad_ph_mean_is_refused():
    reg = _reg({"R1": ("river", "甲")})
    with pytest.raises(IndicatorInputError, match="pH averaging") as err:
        water.cwqi(_res([("R1", DAY, "pH", 7.0)]), reg, ph_mean="geometric")
    assert err.value.column == "ph_mean"


def test_scalar_forms_at_the_class_iii_limits():
    # every item at its class-III limit scores 1 (GB 3838 Table 1): pH 6 and 9, DO 5, TP lake 0.05
    assert water.cwqi_index("pH", 6.0) == pytest.approx(1.0)
    assert water.cwqi_index("pH", 9.0) == pytest.approx(1.0)
    assert water.cwqi_index("pH", 7.0) == 0.0
    assert water.cwqi_index("DO", 5.0) == pytest.approx(1.0)
    assert water.cwqi_index("TP", 0.05, waterbody="lake") == pytest.approx(1.0)
    assert water.cwqi_index("TP", 0.05, waterbody="reservoir") == pytest.approx(1.0)
    assert water.cwqi_index("TP", 0.2) == pytest.approx(1.0)
    assert water.cwqi_index("NH3-N", None) is None


def test_do_zero_has_no_index_and_the_city_is_not_ranked():
    # CWQI(DO) = 5 / C is undefined at C = 0 (W24 does not guard it): null, never a better score
    assert water.cwqi_index("DO", 0.0) is None
    reg = _reg({"R1": ("river", "甲"), "R2": ("river", "乙")})
    res = _res([("R1", DAY, "DO", 0.0), ("R1", DAY, "NH3-N", 0.5), ("R2", DAY, "NH3-N", 0.5)])
    out = water.cwqi(res, reg)
    jia = out.filter(city="甲").row(0, named=True)
    assert (jia["cwqi_river"], jia["cwqi"]) == (None, None)
    assert jia["n_items_river"] == 1  # NH3-N has an index, DO has none
    st = water.cwqi_ranking(out).filter(ranking="status")
    assert st.filter(city="甲").select("rank", "unranked_reason").row(0) == (None, "no CWQI")
    assert st.filter(city="乙")["rank"].item() == 1


# --------------------------------------------------------------------------- change


@NOT_PRESENT
def test_d1_change_percent():
    # D1: CWQI 4.0 last year, 3.2 now -> ΔCWQI = (3.2 - 4.0) / 4.0 × 100 = -20.0 % (better)
    expected = _expected("D1", "CHANGE")
    flags = {"all_sections_II_or_better": [False], "all_sections_meet_target": [True]}
    cur = pl.DataFrame({"city": ["甲"], "cwqi": [3.2], **flags})
    base = pl.DataFrame({"city": ["甲"], "cwqi": [4.0], **flags})
    out = water.cwqi_change(cur, base).row(0, named=True)
    assert out["cwqi_change"] == pytest.approx(expected)
    assert round(out["cwqi_change"], 1) == -20.0  # shown with 1 decimal
    assert out["change_ranked"] is True and out["change_unranked_reason"] is None


def _two_years(current_extra=(), sections=None, target="III"):
    """cwqi() of 2024 and 2025 for three cities built from class-II data.

    甲 (R1) and 乙 (R2): NH3-N 0.25, TP 0.08, DO 8 (class II, GB 3838 Table 1);
    丙 (R3): NH3-N 0.8 (class III) in both years.
    """
    sections = sections or {"R1": ("river", "甲"), "R2": ("river", "乙"), "R3": ("river", "丙")}
    reg = _reg(sections, target)

    def rows(day, nh3):
        out = []
        for site in sections:
            n = 0.8 if site == "R3" else nh3.get(site, 0.25)
            out += [(site, day, "NH3-N", n), (site, day, "TP", 0.08), (site, day, "DO", 8.0)]
        return out

    prev = water.cwqi(_res(rows(date(2024, 6, 1), {})), reg)
    cur = water.cwqi(_res(rows(date(2025, 6, 1), dict(current_extra))), reg)
    return cur, prev


def test_class_ii_city_in_both_years_is_not_ranked_for_change():
    cur, prev = _two_years(current_extra={"R2": 0.6})  # 乙: NH3-N 0.6 -> class III now
    out = water.cwqi_change(cur, prev)
    jia, yi, bing = (out.filter(city=c).row(0, named=True) for c in ("甲", "乙", "丙"))
    # 甲: class II in both years and meeting its class-III target -> excluded (四(四))
    assert jia["all_sections_II_or_better"] and jia["all_sections_II_or_better_previous"]
    assert jia["change_ranked"] is False
    assert "class II or better" in jia["change_unranked_reason"]
    assert jia["cwqi_change"] == pytest.approx(0.0)  # still shown
    # 乙: one section class III in the current year -> ranked
    assert yi["all_sections_II_or_better"] is False and yi["change_ranked"] is True
    # ΔCWQI: NH3-N 0.25 -> 0.6; CWQI 0.25 + 0.4 + 0.625 = 1.275 -> 1.625: +27.45 %
    assert yi["cwqi_previous"] == pytest.approx(1.275)
    assert yi["cwqi_change"] == pytest.approx((1.625 - 1.275) / 1.275 * 100)
    # 丙: class III in both years -> ranked
    assert bing["change_ranked"] is True
    ranked = water.cwqi_ranking(out).filter(ranking="change")
    assert ranked.filter(city="甲").select("rank", "in_best").row(0) == (None, False)
    assert ranked["n_ranked"].unique().to_list() == [2]
    # change ranked ascending: 丙 (0 %) before 乙 (+27 %)
    assert ranked.filter(pl.col("rank").is_not_null())["city"].to_list() == ["丙", "乙"]


def test_class_ii_city_failing_its_target_is_ranked():
    # 甲's section is class II but its target is class I: it does not meet its target
    sections = {"R1": ("river", "甲")}
    cur, prev = _two_years(sections=sections, target="I")
    assert cur["all_sections_II_or_better"].item() is True
    assert cur["all_sections_meet_target"].item() is False
    assert water.cwqi_change(cur, prev)["change_ranked"].item() is True


def test_change_of_cities_missing_a_period():
    cur, prev = _two_years()
    out = water.cwqi_change(
        cur.filter(city="甲").vstack(cur.filter(city="丙")), prev.filter(city="丙")
    )
    jia = out.filter(city="甲").row(0, named=True)
    assert (jia["cwqi_change"], jia["change_ranked"]) == (None, False)
    assert jia["change_unranked_reason"] == "no CWQI in the base period"
    assert out["city"].to_list() == ["丙", "甲"]


def test_change_needs_one_period_per_frame():
    cur, prev = _two_years()
    with pytest.raises(IndicatorInputError, match="one period per frame"):
        water.cwqi_change(cur.vstack(prev), prev)
    with pytest.raises(IndicatorInputError, match="all_sections_II_or_better"):
        water.cwqi_change(cur.drop("all_sections_II_or_better"), prev)


# --------------------------------------------------------------------------- ranking


def _status(values: dict[str, float | None]) -> pl.DataFrame:
    return pl.DataFrame({"city": list(values), "cwqi": list(values.values())})


def test_status_ranking_ascending_with_ties_sharing_the_best_rank():
    # equal CWQI: 并列 at the best rank of the block, the next rank skips (UNVERIFIED for water)
    out = water.cwqi_ranking(_status({"A": 5.0, "B": 4.0, "C": 4.0, "D": 6.0, "E": None}), n=2)
    assert out["ranking"].unique().to_list() == ["status"]
    assert out.select("city", "rank", "rank_label", "in_best", "in_worst").rows() == [
        ("B", 1, "1（并列）", True, False),
        ("C", 1, "1（并列）", True, False),
        ("A", 3, "3", False, True),
        ("D", 4, "4", False, True),
        ("E", None, None, False, False),
    ]
    assert out["n_ranked"].unique().to_list() == [4]
    assert out.filter(city="E")["unranked_reason"].item() == "no CWQI"
    assert (
        water.cwqi_ranking(_status({"A": 1.0, "B": 1.0}))
        .filter(city="A")["rank_label"]
        .item()
        .endswith(ranking.TIE_MARK)
    )


def test_best_list_holds_every_city_tied_at_the_cut():
    out = water.cwqi_ranking(_status({"A": 1.0, "B": 2.0, "C": 2.0, "D": 3.0}), n=2)
    assert out.filter("in_best")["city"].to_list() == ["A", "B", "C"]
    assert out.filter("in_worst")["city"].to_list() == ["B", "C", "D"]


def test_ties_of_equal_indices_computed_from_data():
    # two cities with the same data tie exactly; floating-point noise does not split them
    reg = _reg({"R1": ("river", "甲"), "R2": ("river", "乙"), "R3": ("river", "丙")})
    rows = [(s, DAY, "NH3-N", 0.3) for s in ("R1", "R2")] + [
        (s, DAY, "TP", 0.07) for s in ("R1", "R2")
    ]
    rows += [("R3", DAY, "NH3-N", 0.1), ("R3", DAY, "TP", 0.07)]
    out = water.cwqi_ranking(water.cwqi(_res(rows), reg))
    assert out.select("city", "rank", "tied").rows() == [
        ("丙", 1, False),
        ("乙", 2, True),
        ("甲", 2, True),
    ]


def test_ranking_within_groups_and_periods():
    s = pl.DataFrame(
        {"province": ["P", "P", "Q"], "city": ["a", "b", "c"], "cwqi": [3.0, 2.0, 9.0]}
    )
    out = water.cwqi_ranking(s, by="province")
    assert out.select("province", "city", "rank", "n_ranked").rows() == [
        ("P", "b", 1, 2),
        ("P", "a", 2, 2),
        ("Q", "c", 1, 1),
    ]
    with pytest.raises(IndicatorInputError, match="more than one row"):
        water.cwqi_ranking(s.with_columns(city=pl.lit("a")))
    with pytest.raises(IndicatorInputError):
        water.cwqi_ranking(s, n=0)


def test_default_n_and_documented_choices_are_the_table_rows():
    rules = dict(table("water_cwqi_rules").select("parameter", "value").iter_rows())
    n_default = inspect.signature(water.cwqi_ranking).parameters["n"].default
    assert int(rules["published_best_worst_n"]) == n_default == 30
    ph_default = inspect.signature(water.cwqi).parameters["ph_mean"].default
    assert rules["ph_mean"] == ph_default == "arithmetic"
    assert rules["change_exclusion_class_up_to"] == "II"
    assert int(rules["display_decimals_cwqi"]) == indicator("cwqi").decimals == 4
    assert int(rules["display_decimals_change"]) == 1
    assert inspect.signature(water.cwqi).parameters["aggregation"].default == "sum"


# --------------------------------------------------------------------------- frames


def _frames():
    cur, prev = _two_years(current_extra={"R2": 0.6})
    return cur, prev


def test_lazy_in_lazy_out():
    reg = _reg({"R1": ("river", "甲"), "R2": ("river", "甲")})
    res = _res([("R1", DAY, "NH3-N", 0.5), ("R2", DAY, "pH", 7.5), ("R1", DAY, "DO", 6.0)])
    for func in (water.cwqi, water.cwqi_items):
        lazy = func(res.lazy(), reg)
        assert isinstance(lazy, pl.LazyFrame)
        assert_frame_equal(lazy.collect(), func(res, reg))
    cur, prev = _frames()
    change = water.cwqi_change(cur.lazy(), prev.lazy())
    assert isinstance(change, pl.LazyFrame)
    assert_frame_equal(change.collect(), water.cwqi_change(cur, prev))
    ranked = water.cwqi_ranking(change)
    assert isinstance(ranked, pl.LazyFrame)
    assert_frame_equal(ranked.collect(), water.cwqi_ranking(water.cwqi_change(cur, prev)))


def test_pandas_in_pandas_out():
    reg = _reg({"R1": ("river", "甲"), "L1": ("lake", "甲")})
    res = _res([("R1", DAY, "NH3-N", 0.5), ("L1", DAY, "TP", 0.04)])
    for func in (water.cwqi, water.cwqi_items):
        eager = func(res, reg)
        out = func(res.to_pandas(), reg.to_pandas())
        assert isinstance(out, pd.DataFrame)
        assert_frame_equal(pl.from_pandas(out).cast(eager.schema), eager)
    cur, prev = _frames()
    eager = water.cwqi_change(cur, prev)
    out = water.cwqi_change(cur.to_pandas(), prev.to_pandas())
    assert isinstance(out, pd.DataFrame)
    assert_frame_equal(pl.from_pandas(out).cast(eager.schema), eager)
    ranked = water.cwqi_ranking(out)
    assert isinstance(ranked, pd.DataFrame)
    expected = water.cwqi_ranking(eager)
    assert_frame_equal(pl.from_pandas(ranked).cast(expected.schema), expected)


def test_row_order_does_not_matter():
    res = _w3_results() if ROWS else _res([("R1", DAY, "NH3-N", 0.5), ("L1", DAY, "TP", 0.04)])
    reg = _reg(W3_REG)
    shuffled = res.sample(fraction=1.0, shuffle=True, seed=7)
    assert_frame_equal(water.cwqi(shuffled, reg), water.cwqi(res, reg))


def test_empty_input():
    reg = _reg({"R1": ("river", "甲")})
    assert water.cwqi(_res([]), reg).height == 0
    assert water.cwqi_items(_res([]), reg).height == 0
    assert water.cwqi_ranking(water.cwqi(_res([]), reg)).height == 0
