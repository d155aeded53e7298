"""Drinking-water sources: GB 3838 class III + Tables 2/3, GB/T 14848-2017 class III.

Limits from GB 3838-2002 Tables 1-3 (official scan, W1) and GB/T 14848-2017 Table 1
(secondary); rates worked by hand as in the Quzhou 2016-06 report (D2: by count and by
water volume).
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from indicators import drinking
from indicators.errors import IndicatorInputError


@pytest.mark.parametrize(
    ("item", "ok", "bad", "source_type"),
    [
        # GB 3838 Table 2 (single limits)
        ("SO4", 250.0, 250.1, "river"),
        ("Cl", 250.0, 250.1, "river"),
        ("NO3-N", 10.0, 10.01, "river"),
        ("Fe", 0.3, 0.31, "river"),
        ("Mn", 0.1, 0.11, "reservoir"),
        # GB 3838 Table 3 examples read from the scan
        ("CHCl3", 0.06, 0.061, "river"),
        ("CCl4", 0.002, 0.0021, "lake"),
        # GB 3838 Table 1 by class III
        ("NH3-N", 1.0, 1.01, "river"),
        ("TP", 0.2, 0.21, "river"),
        ("TP", 0.05, 0.051, "reservoir"),
        ("CODMn", 6.0, 6.01, "river"),
        # GB/T 14848-2017 class III
        ("NH3-N", 0.5, 0.51, "groundwater"),
        ("NO3-N", 20.0, 20.1, "groundwater"),
        ("NO2-N", 1.0, 1.01, "groundwater"),
        ("CODMn", 3.0, 3.01, "groundwater"),
        ("Hardness", 450.0, 451.0, "groundwater"),
        ("TDS", 1000.0, 1001.0, "groundwater"),
        ("As", 0.01, 0.011, "groundwater"),
        ("CHCl3", 0.06, 0.0601, "groundwater"),  # 60 ug/L in the standard
        ("Benzene", 0.01, 0.0101, "groundwater"),  # 10.0 ug/L
        ("TotalColiform", 30.0, 31.0, "groundwater"),  # 3.0 MPN/100 mL = 30 per litre
    ],
)
def test_item_limits_at_and_just_beyond(item, ok, bad, source_type):
    assert drinking.item_meets(item, ok, source_type=source_type) is True
    assert drinking.item_meets(item, bad, source_type=source_type) is False


def test_ph_and_do_edges():
    assert drinking.item_meets("pH", 6.5, source_type="groundwater") is True
    assert drinking.item_meets("pH", 8.5, source_type="groundwater") is True
    assert drinking.item_meets("pH", 6.49, source_type="groundwater") is False
    assert drinking.item_meets("pH", 6.0) is True  # GB 3838: 6-9
    assert drinking.item_meets("DO", 5.0) is True
    assert drinking.item_meets("DO", 4.99) is False


def test_items_without_a_limit():
    assert drinking.item_meets("WaterTemp", 20.0) is None
    assert drinking.item_meets("TP", 0.1, source_type="groundwater") is None
    assert drinking.item_meets("Na", 100.0) is None  # GB/T 14848 only
    assert drinking.item_meets("TN", 5.0) is None  # rivers have no TN standard


SOURCES = pl.DataFrame(
    {
        "site": ["A", "B", "C", "D"],
        "name": ["江北取水口", "北库", "西井", "南溪取水口"],
        "type": ["river", "reservoir", "groundwater", "river"],
        "city": ["甲市"] * 4,
        "volume": [600.0, 300.0, 100.0, 57.3],
    }
)


def _res(rows):
    return pl.DataFrame(
        rows,
        schema={"site": pl.String, "date": pl.Date, "item": pl.String, "value": pl.Float64},
        orient="row",
    )


def _june():
    d = date(2025, 6, 5)
    return _res(
        [
            ("A", d, "NH3-N", 0.5),
            ("A", d, "TP", 0.1),
            ("A", d, "WaterTemp", 24.0),
            ("B", d, "TP", 0.06),  # lake/reservoir form: IV, (0.06 - 0.05)/0.05 = 0.2
            ("B", d, "Mn", 0.05),
            ("C", d, "NO3-N", 25.0),  # GB/T 14848 III 20: (25 - 20)/20 = 0.25
            ("C", d, "pH", 7.2),
            ("D", d, "NH3-N", 0.2),
            ("D", d, "FecalColiform", 12000.0),  # reference item, III 10000: 0.2
        ]
    )


def test_source_compliance_worked_example():
    sc = drinking.source_compliance(_june(), SOURCES).sort("site")
    assert sc["compliant"].to_list() == [True, False, False, True]
    assert sc["exceeding_items"].to_list() == [None, "TP(0.2)", "NO3-N(0.25)", None]
    assert sc["reference_exceedances"].to_list() == [None, None, None, "FecalColiform(0.2)"]
    assert sc["not_evaluated"].to_list() == ["WaterTemp", None, None, None]
    assert sc["class"].to_list() == ["II", "IV", None, "II"]
    assert sc["n_items"].to_list() == [2, 2, 2, 1]


def test_compliance_rate_by_count_and_volume():
    # count: A and D of 4 -> 50 %; volume (600 + 57.3) / 1057.3 = 62.17 %
    rate = drinking.compliance_rate(drinking.source_compliance(_june(), SOURCES)).row(0, named=True)
    assert (rate["n_sources"], rate["n_compliant"]) == (4, 2)
    assert rate["compliance_count"] == 50.0
    assert rate["volume_total"] == pytest.approx(1057.3)
    assert rate["compliance_volume"] == pytest.approx(62.2)
    assert rate["failing_sources"] == "B;C"


def test_quzhou_style_full_compliance():
    # D2: 1057.3 of 1057.3 10^4 t from compliant sources = 100 %
    good = _june().filter(pl.col("site").is_in(["A", "D"]))
    sources = SOURCES.filter(pl.col("site").is_in(["A", "D"])).with_columns(
        volume=pl.Series([1000.0, 57.3])
    )
    rate = drinking.compliance_rate(drinking.source_compliance(good, sources))
    assert rate.select("compliance_count", "volume_total", "compliance_volume").row(0) == (
        100.0,
        pytest.approx(1057.3),
        100.0,
    )


def test_reference_and_supplementary_switches():
    # counting reference items: D (fecal coliform) fails too -> 1 of 4, 600/1057.3 = 56.7 %
    strict = drinking.source_compliance(_june(), SOURCES, count_reference=True)
    rate = drinking.compliance_rate(strict).row(0, named=True)
    assert (rate["compliance_count"], rate["compliance_volume"]) == (25.0, 56.7)
    # a surface source failing only on Table 2 manganese
    mn = _res([("A", date(2025, 8, 1), "Mn", 0.15), ("A", date(2025, 8, 1), "NH3-N", 0.2)])
    assert drinking.source_compliance(mn, SOURCES)["compliant"].to_list() == [False]
    relaxed = drinking.source_compliance(mn, SOURCES, count_supplementary=False)
    assert relaxed["compliant"].to_list() == [True]


def test_month_versus_year():
    # Mn 0.15 in August, 0.03 in the other 11 months: August fails; the annual mean
    # (0.15 + 11 * 0.03) / 12 = 0.04 meets 0.1
    rows = [("A", date(2025, m, 10), "Mn", 0.15 if m == 8 else 0.03) for m in range(1, 13)]
    monthly = drinking.source_compliance(_res(rows), SOURCES)
    assert monthly.filter(~pl.col("compliant"))["period_start"].to_list() == [date(2025, 8, 1)]
    yearly = drinking.source_compliance(_res(rows), SOURCES, period="year")
    assert yearly["compliant"].to_list() == [True]
    rate = drinking.compliance_rate(monthly, by=None)
    assert rate.height == 12
    assert rate["compliance_count"].to_list().count(0.0) == 1


def test_below_detection_limit_counts_half():
    # Mn "0.2L" (a poor detection limit): half -> 0.1 meets, limit -> 0.2 fails
    res = pl.DataFrame(
        {
            "site": ["A"],
            "date": [date(2025, 1, 1)],
            "item": ["Mn"],
            "value": [None],
            "below_dl": [True],
            "detection_limit": [0.2],
        }
    )
    assert drinking.source_compliance(res, SOURCES)["compliant"].item() is True
    assert drinking.source_compliance(res, SOURCES, below_dl="limit")["compliant"].item() is False


def test_item_compliance_long_frame():
    out = drinking.item_compliance(_june(), SOURCES)
    b = out.filter(site="B").select("item", "basis", "fails", "multiple").rows()
    assert b == [
        ("TP", "GB 3838 Table 1", True, pytest.approx(0.2)),
        ("Mn", "GB 3838 Table 2", False, None),
    ]
    c = out.filter(site="C").select("item", "basis").rows()
    assert c == [("pH", "GB/T 14848 Table 1"), ("NO3-N", "GB/T 14848 Table 1")]


def test_lazy_pandas_and_empty():
    eager = drinking.source_compliance(_june(), SOURCES)
    lazy = drinking.source_compliance(_june().lazy(), SOURCES)
    assert isinstance(lazy, pl.LazyFrame)
    assert_frame_equal(lazy.collect(), eager)
    assert_frame_equal(drinking.compliance_rate(lazy).collect(), drinking.compliance_rate(eager))
    from_pandas = drinking.source_compliance(_june().to_pandas(), SOURCES)  # pandas out
    assert_frame_equal(pl.from_pandas(from_pandas).cast(eager.schema), eager)
    empty = drinking.source_compliance(_june().clear(), SOURCES)
    assert empty.height == 0
    assert drinking.compliance_rate(empty).height == 0
    nulls = _res([("A", date(2025, 1, 1), "NH3-N", None)])
    sc = drinking.source_compliance(nulls, SOURCES)
    assert (sc["n_items"].item(), sc["compliant"].item()) == (0, None)
    assert drinking.compliance_rate(sc).height == 0  # not counted


def test_bad_registry_and_results():
    with pytest.raises(IndicatorInputError, match="type"):
        drinking.source_compliance(_june(), SOURCES.with_columns(type=pl.lit("surface")))
    with pytest.raises(IndicatorInputError, match="registry"):
        drinking.source_compliance(_june(), SOURCES.filter(pl.col("site") != "C"))
    with pytest.raises(IndicatorInputError):
        drinking.item_meets("Mn", -1.0)
