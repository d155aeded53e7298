"""One vocabulary: every label, unit, direction, decimals and change kind of a reported figure
comes from its ``glossary.INDICATORS`` record, wherever it is shown."""

import polars as pl
import pytest

from indicators import air, contract, ranking, targets
from indicators.errors import IndicatorInputError
from indicators.glossary import INDICATORS, indicator
from indicators.report.labels import label
from indicators.report.sections import CARDS


def test_record_fields():
    pm = indicator("PM2.5")
    assert (pm.zh, pm.en, pm.unit, pm.symbol) == ("PM2.5 浓度", "PM2.5", "ug/m3", "µg/m³")
    assert (pm.lower_is_better, pm.decimals, pm.change) == (True, 0, "pct")
    gdr = indicator("good_day_ratio")
    assert (gdr.symbol, gdr.lower_is_better, gdr.decimals, gdr.change) == ("%", False, 1, "pp")
    assert indicator("composite_index").decimals == 2
    assert indicator("n_worse_V").change == "diff"
    with pytest.raises(IndicatorInputError, match="not a reported indicator"):
        indicator("PM25")


@pytest.mark.parametrize("key", list(INDICATORS))
def test_report_labels_are_the_records(key):
    i = INDICATORS[key]
    assert (label(key, "zh"), label(key, "en")) == (i.zh, i.en)


def test_cards_rankings_and_targets_read_the_records():
    assert all(card is INDICATORS[card.key] for card in CARDS)
    for key, i in INDICATORS.items():
        assert ranking.LOWER_IS_BETTER[key] is i.lower_is_better
    for key, t in targets.TARGET_INDICATORS.items():
        i = INDICATORS[key]
        assert (t.zh, t.en, t.unit) == (i.zh, i.en, i.unit)
        assert t.direction == ("at_most" if i.lower_is_better else "at_least")
        column = next(c for c in contract.TABLES["targets"].columns if c.name == key)
        assert column.unit == i.symbol


def test_target_progress_labels_from_the_record():
    t = pl.DataFrame({"city": ["A"], "year": [2025], "PM2.5": [30.0], "good_day_ratio": [80.0]})
    summary = pl.DataFrame({"city": ["A"], "PM2.5": [33.0], "good_day_ratio": [82.5]})
    out = targets.target_progress(summary, t, year=2025).sort("indicator")
    assert out.select("indicator", "zh", "direction", "meets").rows() == [
        ("PM2.5", "PM2.5 浓度", "at_most", False),
        ("good_day_ratio", "优良天数比例", "at_least", True),
    ]


def test_change_columns_follow_the_change_kind():
    row = {"city": ["A"], "good_day_ratio": [80.0], "PM2.5": [40.0], "good_days": [292]}
    cur = pl.DataFrame(row)
    prev = pl.DataFrame(
        {"city": ["A"], "good_day_ratio": [75.5], "PM2.5": [50.0], "good_days": [275]}
    )
    out = air.compare_periods(cur, prev)
    assert out.select("good_day_ratio_change_pp", "PM2.5_change_pct", "good_days_change").row(
        0
    ) == (
        4.5,
        -20.0,
        17,
    )
    kinds = {k: i.change for k, i in INDICATORS.items() if i.domain == "air"}
    assert {c.rsplit("_change", 1)[0] for c in out.columns if c.endswith("_change_pp")} == {
        k for k, v in kinds.items() if v == "pp" and k in row
    }
