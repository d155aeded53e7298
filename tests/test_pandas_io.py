"""pandas in, pandas out: every main public frame function, on demo data.

Each function is called on the demo frames as polars and as pandas
(``DataFrame.to_pandas()``: dates as ``datetime64`` midnights, nulls as NaN,
what a pandas user has); the pandas call must return a pandas frame holding
the same values as the polars call. The input boundary (``indicators._frames``)
converts pandas types and names bad columns.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from indicators import air, drinking, noise, ranking, sea, trends, water
from indicators import blackodorous as bo
from indicators.demo import CITIES, DEMO_END, DEMO_SEED, DEMO_START, station_list
from indicators.demo import air as demo_air
from indicators.demo import blackodorous as demo_bo
from indicators.demo import noise as demo_noise
from indicators.demo import water as demo_water
from indicators.errors import IndicatorInputError

START, END = date(2026, 1, 1), date(2026, 2, 28)


class Demo:
    """The demo frames the cases use (built once per module)."""

    def __init__(self) -> None:
        self.stations = station_list(CITIES)
        self.hours = demo_air.generate(CITIES, self.stations, START, END, DEMO_SEED)[
            "station_hours"
        ]
        self.daily = air.daily_aqi(self.hours, stations=self.stations, level="city")
        self.jan = air.evaluate_period(self.daily, start="2026-01-01", end="2026-01-31")
        self.feb = air.evaluate_period(self.daily, start="2026-02-01", end="2026-02-28")
        self.annual = pl.DataFrame(
            {
                "city": "X",
                "start": [date(y, 1, 1) for y in (2024, 2025, 2026)],
                "PM2.5": [40.0, 35.0, 33.0],
                "period_valid": True,
            }
        )
        self.monthly = pl.DataFrame(
            {
                "city": "X",
                "period_start": [date(2020 + m // 12, m % 12 + 1, 1) for m in range(36)],
                "PM2.5": [50.0 - 0.3 * m + (5.0 if m % 12 < 2 else 0.0) for m in range(36)],
            }
        )
        w = demo_water.generate(CITIES, self.stations, DEMO_START, DEMO_END, DEMO_SEED)
        self.water = w
        self.sea_classes = sea.point_classes(w["sea_results"], w["sea_points"])
        self.source_compliance = drinking.source_compliance(
            w["drinking_results"], w["drinking_sources"]
        )
        self.noise = demo_noise.generate(CITIES, None, DEMO_START, DEMO_END, DEMO_SEED)
        t0 = datetime(2025, 5, 1, 0)
        self.noise_hours = pl.DataFrame(
            {
                "point": "N1",
                "time": [t0 + timedelta(hours=h) for h in range(24)],
                "leq": [50.0 + (h % 7) for h in range(24)],
            }
        )
        self.bo = demo_bo.generate(CITIES, None, DEMO_START, DEMO_END, DEMO_SEED)
        self.points = bo.point_grade(self.bo["blackodorous_monitoring"])
        self.bodies = bo.water_body_grade(self.points)


@pytest.fixture(scope="module")
def demo() -> Demo:
    return Demo()


# Each case: (name, call(convert, demo)); convert is applied to every frame argument.
Case = Callable[[Callable[[pl.DataFrame], Any], Demo], Any]
W = "water_results", "water_sections"
CASES: dict[str, Case] = {
    # air
    "air.hourly_aqi": lambda c, d: air.hourly_aqi(c(d.hours)),
    "air.daily_concentrations": lambda c, d: air.daily_concentrations(c(d.hours)),
    "air.daily_aqi": lambda c, d: air.daily_aqi(c(d.hours), stations=c(d.stations), level="city"),
    "air.evaluate_period": lambda c, d: air.evaluate_period(
        c(d.daily), start="2026-01-01", end="2026-01-31"
    ),
    "air.compare_periods": lambda c, d: air.compare_periods(c(d.feb), c(d.jan)),
    "air.three_year_means": lambda c, d: air.three_year_means(c(d.annual)),
    "air.time_average": lambda c, d: air.time_average(c(d.hours), "month"),
    "air.time_average.daily": lambda c, d: air.time_average(
        c(d.daily), "week", data_thresh=75, statistic="p90"
    ),
    "air.evaluate_months": lambda c, d: air.evaluate_months(c(d.daily), "2026-01-01..2026-02-28"),
    "air.year_to_date": lambda c, d: air.year_to_date(c(d.daily), through="2026-02"),
    "air.data_capture": lambda c, d: air.data_capture(c(d.hours)),
    # surface, drinking and sea water
    "water.item_classes": lambda c, d: water.item_classes(*(c(d.water[k]) for k in W)),
    "water.section_classes": lambda c, d: water.section_classes(*(c(d.water[k]) for k in W)),
    "water.summary": lambda c, d: water.summary(*(c(d.water[k]) for k in W)),
    "water.cwqi": lambda c, d: water.cwqi(*(c(d.water[k]) for k in W)),
    "water.cwqi_items": lambda c, d: water.cwqi_items(*(c(d.water[k]) for k in W)),
    "water.cwqi_ranking": lambda c, d: water.cwqi_ranking(water.cwqi(*(c(d.water[k]) for k in W))),
    "water.trophic_state": lambda c, d: water.trophic_state(*(c(d.water[k]) for k in W)),
    "drinking.item_compliance": lambda c, d: drinking.item_compliance(
        c(d.water["drinking_results"]), c(d.water["drinking_sources"])
    ),
    "drinking.source_compliance": lambda c, d: drinking.source_compliance(
        c(d.water["drinking_results"]), c(d.water["drinking_sources"])
    ),
    "drinking.compliance_rate": lambda c, d: drinking.compliance_rate(c(d.source_compliance)),
    "sea.point_classes": lambda c, d: sea.point_classes(
        c(d.water["sea_results"]), c(d.water["sea_points"])
    ),
    "sea.class_shares": lambda c, d: sea.class_shares(c(d.sea_classes), by="city"),
    # noise
    "noise.compliance_rate": lambda c, d: noise.compliance_rate(
        c(d.noise["noise_functional"]), by=["city", "year"]
    ),
    "noise.functional_area_compliance": lambda c, d: noise.functional_area_compliance(
        c(d.noise["noise_functional"])
    ),
    "noise.regional_mean_leq": lambda c, d: noise.regional_mean_leq(
        c(d.noise["noise_regional"]), by=["city", "year"]
    ),
    "noise.traffic_mean_leq": lambda c, d: noise.traffic_mean_leq(
        c(d.noise["noise_traffic"]), by=["city", "year"]
    ),
    "noise.day_night_leq": lambda c, d: noise.day_night_leq(c(d.noise_hours)),
    # black-odorous water bodies
    "blackodorous.sample_levels": lambda c, d: bo.sample_levels(c(d.bo["blackodorous_monitoring"])),
    "blackodorous.point_grade": lambda c, d: bo.point_grade(c(d.bo["blackodorous_monitoring"])),
    "blackodorous.water_body_grade": lambda c, d: bo.water_body_grade(c(d.points)),
    "blackodorous.severe_stretches": lambda c, d: bo.severe_stretches(c(d.points)),
    "blackodorous.survey_satisfaction": lambda c, d: bo.survey_satisfaction(
        c(d.bo["blackodorous_surveys"])
    ),
    "blackodorous.remediation_evaluation": lambda c, d: bo.remediation_evaluation(
        c(d.bodies), c(d.bo["blackodorous_surveys"])
    ),
    "blackodorous.status_on": lambda c, d: bo.status_on(
        c(d.bo["blackodorous_ledger"]), c(d.bo["blackodorous_status"]), DEMO_END
    ),
    "blackodorous.status_counts": lambda c, d: bo.status_counts(
        c(d.bo["blackodorous_ledger"]), c(d.bo["blackodorous_status"]), DEMO_END
    ),
    "blackodorous.elimination_ratio": lambda c, d: bo.elimination_ratio(
        c(d.bo["blackodorous_ledger"]), c(d.bo["blackodorous_status"]), DEMO_END
    ),
    "blackodorous.elimination_ratio_change": lambda c, d: bo.elimination_ratio_change(
        c(d.bo["blackodorous_ledger"]), c(d.bo["blackodorous_status"]), DEMO_END, "2025-12-31"
    ),
    "blackodorous.status_changes": lambda c, d: bo.status_changes(
        c(d.bo["blackodorous_ledger"]), c(d.bo["blackodorous_status"]), DEMO_END, "2025-12-31"
    ),
    "blackodorous.overdue_water_bodies": lambda c, d: bo.overdue_water_bodies(
        c(d.bo["blackodorous_ledger"]), c(d.bo["blackodorous_status"]), DEMO_END
    ),
    "blackodorous.returned_water_bodies": lambda c, d: bo.returned_water_bodies(
        c(d.bo["blackodorous_ledger"]), c(d.bo["blackodorous_status"]), DEMO_END
    ),
    # trends
    "trends.period_statistic": lambda c, d: trends.period_statistic(c(d.daily), "PM2.5"),
    "trends.trend_test": lambda c, d: trends.trend_test(c(d.monthly), "PM2.5"),
    "trends.stl_decomposition": lambda c, d: trends.stl_decomposition(c(d.monthly), "PM2.5"),
    "trends.time_variation": lambda c, d: trends.time_variation(c(d.hours), ["PM2.5"]),
    # ranking
    "ranking.rank_cities": lambda c, d: ranking.rank_cities(c(d.jan), "composite_index"),
    "ranking.rank_change": lambda c, d: ranking.rank_change(c(d.feb), c(d.jan), "composite_index"),
    "ranking.best_and_worst": lambda c, d: ranking.best_and_worst(
        c(ranking.rank_cities(d.jan, "composite_index")), 2
    ),
    "ranking.compare_editions": lambda c, d: ranking.compare_editions(
        c(d.hours), c(d.stations), "2026-01-01", "2026-01-31"
    ),
}


def _same(got: pd.DataFrame, expected: pl.DataFrame) -> None:
    back = pl.from_pandas(got)
    assert back.columns == expected.columns
    # pandas has no date type: dates come back as datetime64 midnights
    assert_frame_equal(back.cast(dict(expected.schema)), expected)


@pytest.mark.parametrize("name", sorted(CASES))
def test_pandas_in_pandas_out(demo, name):
    call = CASES[name]
    expected = call(lambda df: df, demo)
    assert isinstance(expected, pl.DataFrame), name
    got = call(lambda df: df.to_pandas(), demo)
    assert isinstance(got, pd.DataFrame), f"{name} returned {type(got).__name__}"
    _same(got, expected)


def test_counts_and_flags_keep_their_type(demo):
    got = air.evaluate_period(demo.daily.to_pandas(), start="2026-01-01", end="2026-01-31")
    assert str(got["valid_days"].dtype) == "Int32"
    assert str(got["period_valid"].dtype) == "boolean"
    assert str(got["start"].dtype).startswith("datetime64")


# ------------------------------------------------------------------ the input boundary


def _one_day(**columns: Any) -> pd.DataFrame:
    t = pd.date_range("2026-01-01 01:00", periods=24, freq="h")
    base = {"station": "S1", "time": t, "SO2": 10.0, "NO2": 30.0, "PM10": 60.0}
    return pd.DataFrame({**base, "CO": 0.8, "O3": 80.0, "PM2.5": 35.0, **columns})


def test_background_yes_no_text_is_named():
    stations = pd.DataFrame({"station": ["S1"], "city": ["X"], "background": ["N"]})
    with pytest.raises(IndicatorInputError) as exc:
        air.daily_aqi(_one_day(), stations=stations, level="city")
    assert exc.value.column == "background"
    assert exc.value.file == "stations"
    assert "True/False" in str(exc.value) and "['N']" in str(exc.value)
    with pytest.raises(IndicatorInputError, match="background"):  # the same for polars
        air.daily_aqi(pl.from_pandas(_one_day()), stations=pl.from_pandas(stations), level="city")


def test_pandas_types_are_converted():
    h = _one_day(
        station=pd.Categorical(["S1"] * 24),
        SO2=pd.array([10] * 23 + [None], dtype="Int64"),
        NO2=pd.array([30.0] * 24, dtype="Float64"),
    )
    got = air.daily_concentrations(h)
    assert isinstance(got, pd.DataFrame)
    row = got.iloc[0]
    assert (row["station"], row["SO2"], row["n_SO2"]) == ("S1", 10.0, 23)
    assert row["date"] == pd.Timestamp("2026-01-01")
    # text times and object date columns
    text = _one_day(time=[t.strftime("%Y-%m-%d %H:%M") for t in _one_day()["time"]])
    assert air.daily_concentrations(text).iloc[0]["SO2"] == 10.0
    daily = pl.from_pandas(got).with_columns(pl.col("date").cast(pl.Date)).to_pandas()
    daily["date"] = [date(2026, 1, 1)]  # python dates in an object column
    ta = air.time_average(daily, "month", data_thresh=0)
    assert ta.iloc[0]["SO2"] == 10.0


def test_mixed_column_is_named():
    h = _one_day(PM10=[60.0] * 23 + ["n/a"])
    with pytest.raises(IndicatorInputError) as exc:
        air.hourly_aqi(h)
    assert exc.value.column == "PM10"
    assert "several types" in str(exc.value)


def test_named_index_becomes_a_column():
    h = _one_day().set_index("time")
    got = air.daily_concentrations(h)
    assert got.iloc[0]["SO2"] == 10.0


def test_lazy_and_polars_kinds_are_kept(demo):
    lazy = air.time_average(demo.hours.lazy(), "month")
    assert isinstance(lazy, pl.LazyFrame)
    assert_frame_equal(lazy.collect(), air.time_average(demo.hours, "month"))
