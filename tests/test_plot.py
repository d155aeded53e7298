"""indicators.plot: every figure on polars and pandas input, groups kept apart, values by hand."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl
import pytest
from scipy import stats

from indicators import IndicatorInputError, air, plot

TO_INPUT = {
    "polars": lambda df: df,
    "lazy": lambda df: df.lazy(),
    "pandas": lambda df: df.to_pandas(),
}
KINDS = pytest.mark.parametrize("kind", ["polars", "pandas"])
ALL_KINDS = pytest.mark.parametrize("kind", ["polars", "lazy", "pandas"])


def _daily(city: str, levels: dict[date, int | None], pm25: float = 35.0) -> pl.DataFrame:
    """Hand-made daily AQI rows of one city: AQI 25 + 50 (level - 1), PM2.5 primary."""
    rows = [
        {
            "city": city,
            "date": d,
            "aqi": None if lv is None else 25 + 50 * (lv - 1),
            "level": lv,
            "primary_pollutant": None if lv in (None, 1) else "PM2.5",
            "edition": "HJ 633-2026",
            "PM2.5": pm25 + i,
        }
        for i, (d, lv) in enumerate(levels.items())
    ]
    schema = {
        "city": pl.String,
        "date": pl.Date,
        "aqi": pl.Int64,
        "level": pl.Int64,
        "primary_pollutant": pl.String,
        "edition": pl.String,
        "PM2.5": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema)


def _hourly(stations: dict[str, float], days: int = 14, start: datetime | None = None):
    """Hour-ending station-hours: value = base + hour of day label (1..24)."""
    start = start or datetime(2025, 3, 3, 1)  # Monday 01:00
    times = [start + timedelta(hours=i) for i in range(24 * days)]
    frames = []
    for code, base in stations.items():
        hour = [((t - timedelta(hours=1)).hour + 1) for t in times]
        frames.append(
            pl.DataFrame(
                {
                    "station": code,
                    "time": times,
                    "NO2": [base + h for h in hour],
                    "PM2.5": [base * 2 + h for h in hour],
                }
            )
        )
    return pl.concat(frames)


# --------------------------------------------------------------------------- calendar


@ALL_KINDS
def test_calendar_categories_with_string_start(kind):
    daily = _daily("甲市", {date(2026, 3, 1): 1, date(2026, 3, 2): 6, date(2026, 3, 3): None})
    fig = plot.calendar(TO_INPUT[kind](daily), start="2026-03-01", end="2026-03-05", lang="en")
    z = tuple(fig.data[0].z[0])
    assert z[:5] == (1, 6, 0, 0, 0)  # levels 1 and 6, then days without a valid AQI (grey)
    assert z[5:] == (None,) * 26  # outside the period: blank
    scale = [c for _, c in fig.data[0].colorscale]
    # HJ 633 Appendix A colours, after the grey of invalid days
    assert scale[0] == plot.INVALID_COLOUR
    assert scale[2::2] == ["#00E400", "#FFFF00", "#FF7E00", "#FF0000", "#99004C", "#7E0023"]
    assert fig.layout.title.text == "Daily AQI calendar"
    assert "AQI 25" in fig.data[0].text[0][0] and "PM2.5" in fig.data[0].text[0][1]


def test_calendar_default_period_is_the_data_and_zh_default():
    daily = _daily("甲市", {date(2026, 2, 27): 2, date(2026, 3, 2): 3})
    fig = plot.calendar(daily)
    assert list(fig.data[0].y) == ["2026年2月", "2026年3月"]
    assert fig.layout.title.text == "每日空气质量指数日历"
    assert fig.data[0].z[0][25] is None and fig.data[0].z[0][26] == 2  # from 27 February
    assert list(fig.data[0].z[1][:3]) == [0, 3, None]  # 1 March no row: grey; after 2 March: blank


def test_calendar_two_cities_error_or_one_panel_each():
    daily = pl.concat(
        [_daily("甲市", {date(2026, 3, 1): 1}), _daily("乙市", {date(2026, 3, 1): 5})]
    )
    with pytest.raises(IndicatorInputError, match="several groups") as err:
        plot.calendar(daily)
    assert err.value.column == "city" and err.value.found == ["乙市", "甲市"]
    fig = plot.calendar(daily, by="city")
    assert [t.z[0][0] for t in fig.data] == [5, 1]  # one panel per city, sorted names
    assert [a.text for a in fig.layout.annotations] == ["乙市", "甲市"]
    assert [t.showscale for t in fig.data] == [True, False]


def test_calendar_refuses_two_rows_for_one_day():
    # two stations of one city: by city they would be merged into one cell
    a = _daily("甲市", {date(2026, 3, 1): 1}).with_columns(station=pl.lit("A"))
    b = _daily("甲市", {date(2026, 3, 1): 4}).with_columns(station=pl.lit("B"))
    with pytest.raises(IndicatorInputError, match="several rows"):
        plot.calendar(pl.concat([a, b]))
    fig = plot.calendar(pl.concat([a, b]), by="station")
    assert [t.z[0][0] for t in fig.data] == [1, 4]


@KINDS
def test_calendar_of_a_pollutant_with_values(kind):
    daily = _daily("甲市", {date(2026, 3, 1): 1, date(2026, 3, 2): 2, date(2026, 3, 3): 2})
    daily = daily.with_columns(pl.when(pl.col("date") != date(2026, 3, 2)).then(pl.col("PM2.5")))
    fig = plot.calendar(TO_INPUT[kind](daily), pollutant="PM2.5", values=True, lang="en")
    grey, values = fig.data
    assert grey.hoverinfo == "skip" and list(grey.z[0][:3]) == [0, 0, 0]  # the whole period
    assert list(values.z[0][:3]) == [35.0, None, 37.0]  # 2 March has no value: grey below
    assert list(values.text[0][:3]) == ["35", "", "37"]
    assert values.colorbar.title.text == "PM2.5 (µg/m³)"
    assert fig.layout.title.text == "Daily PM2.5 calendar"


# --------------------------------------------------------------------------- monthly categories


@KINDS
def test_monthly_categories_count_every_day(kind):
    daily = _daily("甲市", {date(2026, 2, d): (d % 6) + 1 for d in range(1, 27)})  # 26 of 28
    fig = plot.monthly_categories(
        TO_INPUT[kind](daily), start="2026-02-01", end=date(2026, 2, 28), lang="zh"
    )
    totals = [t.y[0] for t in fig.data]
    assert totals[-1] == 2  # 27 and 28 February: no valid AQI
    assert sum(totals) == 28
    two = pl.concat([daily, daily.with_columns(city=pl.lit("乙市"))])
    with pytest.raises(IndicatorInputError, match="several groups"):
        plot.monthly_categories(two)
    assert len(plot.monthly_categories(two, by="city").data) == 14  # 7 bars per city
    # an English month ("2026-02") names a bar: a category axis, not a date placed in time
    en = plot.monthly_categories(daily, start="2026-02-01", end="2026-02-28", lang="en")
    assert en.data[0].x == ("2026-02",) and en.layout.xaxis.type == "category"


# --------------------------------------------------------------------------- time variation


@KINDS
def test_time_variation_one_line_per_station(kind):
    h = _hourly({"A": 10.0, "B": 50.0})
    fig = plot.time_variation(TO_INPUT[kind](h), "NO2", lang="en")
    legend = [t.name for t in fig.data if t.showlegend]
    assert legend == ["A", "B"]  # never pooled
    hour = next(t for t in fig.data if t.name == "A" and t.xaxis == "x2")
    assert list(hour.x) == list(range(1, 25))
    assert list(hour.y) == [10.0 + k for k in range(1, 25)]  # base + hour label, by hand
    weekday = next(t for t in fig.data if t.name == "B" and t.xaxis == "x3")
    assert list(weekday.y) == [50.0 + 12.5] * 7  # mean of 1..24 = 12.5 every weekday
    assert fig.layout.title.text.startswith("NO2: diurnal")


def test_time_variation_median_band_and_normalise():
    # four Mondays at 01:00: 10, 20, 30, 40 -> median 25, quantiles 17.5 and 32.5 (linear)
    t = [datetime(2025, 3, 3, 1) + timedelta(days=7 * k) for k in range(4)]
    h = pl.DataFrame({"station": "A", "time": t, "O3": [10.0, 20.0, 30.0, 40.0]})
    fig = plot.time_variation(h, "O3", statistic="median")
    line, band = [t for t in fig.data if t.xaxis == "x2"]
    assert list(line.y) == [25.0]
    assert list(band.y) == [32.5, 17.5]  # upper then lower, closing the band
    norm = plot.time_variation(_hourly({"A": 10.0}), "NO2", normalise=True)
    hour = next(t for t in norm.data if t.xaxis == "x2" and t.fill is None)
    assert np.mean(hour.y) == pytest.approx(1.0)  # each profile / its mean


def test_time_variation_difference_has_the_welch_interval():
    # Monday 01:00 only: A = 10, 20 (mean 15, sd² 50); B = 1, 2, 3 (mean 2, sd² 1)
    t = [datetime(2025, 3, 3, 1) + timedelta(days=7 * k) for k in range(3)]
    h = pl.DataFrame(
        {"station": ["A", "A", "B", "B", "B"], "time": t[:2] + t, "NO2": [10.0, 20, 1, 2, 3]}
    )
    fig = plot.time_variation(h, "NO2", difference=("A", "B"), interval=0.9)
    line, band = (t for t in fig.data if t.legendgroup == "A − B" and t.xaxis == "x2")
    va, vb = 50 / 2, 1 / 3
    dof = (va + vb) ** 2 / (va**2 / 1 + vb**2 / 2)
    half = stats.t.ppf(0.95, dof) * math.sqrt(va + vb)
    assert list(line.y) == [13.0]
    assert band.y[0] == pytest.approx(13 + half) and band.y[1] == pytest.approx(13 - half)
    with pytest.raises(IndicatorInputError, match="unknown group"):
        plot.time_variation(h, "NO2", difference=("A", "C"))


def test_time_variation_refuses_pooling_by_default():
    h = _hourly({"A": 10.0}).with_columns(city=pl.lit("X")).drop("station")
    twice = pl.concat([h, h])
    with pytest.raises(IndicatorInputError, match="several rows"):
        plot.time_variation(twice, "NO2")


# --------------------------------------------------------------------------- trend


def _months(n: int, start: date = date(2023, 1, 1)) -> list[date]:
    return pl.date_range(start, start + timedelta(days=31 * n), "1mo", eager=True)[:n].to_list()


@KINDS
def test_trend_annotation_has_the_slope_computed_independently(kind):
    y = [35, 41, 38, 30, 33, 29, 31, 27, 26, 28, 25, 24]
    series = pl.DataFrame({"period_start": _months(12), "PM2.5": [float(v) for v in y]})
    fig = plot.trend(TO_INPUT[kind](series), "PM2.5", lang="en", title="My title")
    ts = stats.theilslopes(y, np.arange(12), alpha=0.95)  # scipy, per month
    # Mann-Kendall by hand: S = -52, var(S) = 12 * 11 * 29 / 18 = 212.67, z = (S + 1) / sd
    z = (-52 + 1) / math.sqrt(12 * 11 * 29 / 18)
    p = 2 * stats.norm.sf(abs(z))
    text = fig.layout.annotations[-1].text
    assert f"Sen slope {ts.slope * 12:.3g} µg/m³/yr" in text  # -13.6 per year
    assert f"CI {ts.low_slope * 12:.3g} to {ts.high_slope * 12:.3g}" in text
    assert p < 0.001 and "; p < 0.001 (Mann-Kendall); n = 12" in text and "***" in text
    assert fig.layout.title.text == "My title"  # a custom title keeps the annotation
    line = fig.data[1]
    assert line.y[0] == pytest.approx(ts.intercept) and line.y[11] == pytest.approx(
        ts.intercept + 11 * ts.slope
    )


def test_trend_one_panel_per_city_from_daily_values():
    days = pl.date_range(date(2024, 1, 1), date(2025, 12, 31), "1d", eager=True)
    rows = [
        {"city": c, "date": d, "PM2.5": base + step * i / 30.0}
        for c, base, step in (("甲市", 60.0, -0.5), ("乙市", 30.0, 0.25))
        for i, d in enumerate(days)
    ]
    daily = pl.DataFrame(rows)
    fig = plot.trend(daily, "PM2.5", lang="en")
    notes = [a.text for a in fig.layout.annotations if "Sen slope" in a.text]
    assert len(notes) == 2 and [a.text for a in fig.layout.annotations[:2]] == ["乙市", "甲市"]
    # monthly means of a line rising 0.25 per 30 days: about +3.04 per year (365.25 / 30 * 0.25)
    assert notes[0].startswith("Sen slope 3.0") and notes[1].startswith("Sen slope -6.0")
    pandas = plot.trend(daily.to_pandas(), "PM2.5", lang="en")
    assert [a.text for a in pandas.layout.annotations] == [a.text for a in fig.layout.annotations]


def test_trend_too_short_to_deseasonalise_says_so():
    series = pl.DataFrame({"period_start": _months(12), "O3": [float(v) for v in range(12)]})
    fig = plot.trend(series, "O3", deseasonalise=True)
    assert fig.layout.annotations[-1].text == "有效值不足，未计算趋势"
    assert len(fig.data) == 1  # the values, no line


# --------------------------------------------------------------------------- time series


@KINDS
def test_timeseries_two_sites_overlaid_or_faceted(kind):
    h = _hourly({"A": 10.0, "B": 50.0}, days=2)
    fig = plot.timeseries(TO_INPUT[kind](h), "NO2", lang="en")
    assert [t.name for t in fig.data] == ["A", "B"]
    assert fig.data[1].y[0] == 51.0
    faceted = plot.timeseries(TO_INPUT[kind](h), "NO2", facet=True)
    assert [t.yaxis for t in faceted.data] == ["y", "y2"]
    assert [a.text for a in faceted.layout.annotations] == ["A", "B"]


def test_timeseries_shows_missing_hours_as_gaps():
    h = _hourly({"A": 10.0}, days=1).filter(pl.col("time") != datetime(2025, 3, 3, 3))
    fig = plot.timeseries(h, "NO2")
    assert len(fig.data[0].y) == 24 and math.isnan(fig.data[0].y[2])


def test_timeseries_long_hourly_series_become_daily_means(monkeypatch):
    monkeypatch.setattr(plot, "MAX_POINTS", 30)  # instead of 20 000 hours, to stay small
    h = _hourly({"A": 10.0, "B": 20.0}, days=3)
    fig = plot.timeseries(h, "NO2", lang="en")
    assert "daily means of the hourly values" in fig.layout.yaxis.title.text
    # natural day 3 March = hours 01:00 .. 24:00 = labels 1..24: mean 10 + 12.5
    assert list(fig.data[0].y) == [22.5, 22.5, 22.5]
    assert fig.data[0].text[0] == "24 valid hours"
    raw = plot.timeseries(h, "NO2", resample="none")
    assert len(raw.data[0].y) == 72


# --------------------------------------------------------------------------- data capture


@KINDS
def test_data_capture_by_hand(kind):
    # station A: 1 January, 12 of 24 hours valid; station B: 24 valid hours on 1 February
    t_jan = [datetime(2026, 1, 1, 1) + timedelta(hours=i) for i in range(24)]
    t_feb = [datetime(2026, 2, 1, 1) + timedelta(hours=i) for i in range(24)]
    h = pl.concat(
        [
            pl.DataFrame({"station": "A", "time": t_jan, "NO2": [10.0] * 12 + [None] * 12}),
            pl.DataFrame({"station": "B", "time": t_feb, "NO2": [float(i) for i in range(24)]}),
        ]
    )
    fig = plot.data_capture(
        TO_INPUT[kind](h), pollutants=["NO2"], start="2026-01-01", end="2026-02-28", lang="en"
    )
    heat = fig.data[0]
    assert list(heat.y) == ["A · NO2", "B · NO2"]
    assert list(heat.x) == ["2026-01", "2026-02"]
    # January: 31 days x 24 h = 744 hours; February 672
    assert list(heat.z[0]) == [round(100 * 12 / 744, 1), 0.0]
    assert list(heat.z[1]) == [0.0, round(100 * 24 / 672, 1)]
    summary = [a.text for a in fig.layout.annotations]
    total = 744 + 672
    assert summary[0].startswith(f"capture {100 * 12 / total:.3g} % · mean 10 · median 10")
    assert summary[1] == (
        f"capture {100 * 24 / total:.3g} % · mean 11.5 · median 11.5 · max 23 µg/m³"
    )


# --------------------------------------------------------------------------- compare


@KINDS
def test_compare_ols_by_hand(kind):
    days = [date(2026, 1, d) for d in range(1, 6)]
    a = [10.0, 20.0, 30.0, 40.0, 50.0]
    b = [14.0, 21.0, 35.0, 41.0, 52.0]
    frame = pl.DataFrame({"city": ["甲市"] * 5 + ["乙市"] * 5, "date": days * 2, "PM2.5": a + b})
    fig = plot.compare(TO_INPUT[kind](frame), "PM2.5", a="甲市", b="乙市", lang="en")
    # OLS by hand: slope = cov(a, b) / var(a), intercept = mean(b) - slope * mean(a)
    ma, mb = sum(a) / 5, sum(b) / 5
    slope = sum((x - ma) * (y - mb) for x, y in zip(a, b, strict=True)) / sum(
        (x - ma) ** 2 for x in a
    )
    intercept = mb - slope * ma
    r = np.corrcoef(a, b)[0, 1]
    text = fig.layout.annotations[-1].text
    assert text == f"乙市 = {slope:.3g} × 甲市 + {intercept:.3g}<br>r² = {r**2:.3g}, n = 5"
    series = [t for t in fig.data if t.xaxis == "x2"]
    assert [t.name for t in series] == ["甲市", "乙市"]
    with pytest.raises(IndicatorInputError, match="unknown group") as err:
        plot.compare(frame, "PM2.5", a="甲市", b="丙市")
    assert err.value.column == "city"


# --------------------------------------------------------------------------- primary pollutants


def _evaluation(city: str, primaries: list[tuple[int, str | None]]) -> pl.DataFrame:
    """evaluate_period of a hand-made city: one day per (level, primary pollutant)."""
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(len(primaries))]
    daily = pl.DataFrame(
        {
            "city": city,
            "date": days,
            "aqi": [25 + 50 * (lv - 1) for lv, _ in primaries],
            "level": [lv for lv, _ in primaries],
            "primary_pollutant": [p for _, p in primaries],
            "edition": "HJ 633-2026",
        }
    )
    return air.evaluate_period(daily, start=days[0], end=days[-1])


#: 甲市: exceedance days (level >= 3): PM2.5, PM2.5, O3, "PM10;PM2.5" -> 4 days;
#: the level-2 O3 day and the level-1 day are not exceedance days.
JIA = [(3, "PM2.5"), (4, "PM2.5"), (3, "O3"), (5, "PM10;PM2.5"), (2, "O3"), (1, None)]
#: 乙市: exceedance days O3, O3 -> 2 days.
YI = [(3, "O3"), (3, "O3"), (2, "PM2.5")]


@KINDS
def test_primary_pollutant_shares_of_exceedance_days_by_hand(kind):
    ev = pl.concat([_evaluation("甲市", JIA), _evaluation("乙市", YI)])
    fig = plot.primary_pollutants(TO_INPUT[kind](ev), lang="en")
    assert [a.text for a in fig.layout.annotations] == ["乙市", "甲市"]
    yi, jia = fig.data
    # the pollutants primary on an exceedance day of any city, in the same order in each panel
    assert list(jia.x) == list(yi.x) == ["PM10", "O3", "PM2.5"]
    # 甲市: PM10 1/4, O3 1/4, PM2.5 3/4 (the PM10;PM2.5 day counts for both); 乙市: O3 2/2
    assert list(jia.y) == [25.0, 25.0, 75.0]
    assert list(yi.y) == [0.0, 100.0, 0.0]
    assert list(jia.marker.color) == [plot.POLLUTANT_COLOURS[p] for p in ("PM10", "O3", "PM2.5")]


@KINDS
def test_primary_pollutant_group_without_exceedance_days_has_no_share(kind):
    # 乙市: an O3 day at level 2 and a level-1 day: no exceedance day, so no share (not 0 %)
    ev = pl.concat([_evaluation("甲市", JIA), _evaluation("乙市", [(2, "O3"), (1, None)])])
    assert ev["exceedance_days"].to_list() == [4, 0]
    fig = plot.primary_pollutants(TO_INPUT[kind](ev), lang="en")
    yi, jia = fig.data
    assert (yi.name, jia.name) == ("乙市", "甲市")
    assert list(jia.x) == list(yi.x) == ["PM10", "O3", "PM2.5"]
    assert list(jia.y) == [25.0, 25.0, 75.0]
    assert list(jia.text) == ["25%", "25%", "75%"]
    assert list(jia.hovertext) == [
        "PM10: 1 of 4 exceedance days",
        "O3: 1 of 4 exceedance days",
        "PM2.5: 3 of 4 exceedance days",
    ]
    assert list(yi.y) == [None, None, None]
    assert list(yi.text) == ["", "", ""]
    assert list(yi.hovertext) == ["no exceedance day"] * 3
    # the 乙市 panel (the first, axes x/y) says why it is empty
    notes = [a for a in fig.layout.annotations if a.text == "no exceedance day"]
    assert [(a.xref, a.yref) for a in notes] == [("x domain", "y domain")]


def test_primary_pollutant_colours_are_fixed_across_inputs():
    one = plot.primary_pollutants(_evaluation("甲市", JIA))
    other = plot.primary_pollutants(_evaluation("乙市", [(3, "PM2.5"), (4, "NO2")]))
    colour = {
        p: c
        for fig in (one, other)
        for p, c in zip(fig.data[0].x, fig.data[0].marker.color, strict=True)
    }
    first = dict(zip(one.data[0].x, one.data[0].marker.color, strict=True))
    second = dict(zip(other.data[0].x, other.data[0].marker.color, strict=True))
    assert first["PM2.5"] == second["PM2.5"] == plot.POLLUTANT_COLOURS["PM2.5"] == colour["PM2.5"]
    assert list(other.data[0].x) == ["NO2", "PM2.5"]  # a different set, the same PM2.5 colour


def test_primary_pollutant_donut_of_valid_days():
    fig = plot.primary_pollutants(_evaluation("甲市", JIA), days="valid", lang="en")
    pie = fig.data[0]
    # primary days (AQI > 50): PM10 1, O3 2, PM2.5 3; no primary (AQI <= 50): 1
    assert list(pie.labels) == ["PM10", "O3", "PM2.5", "no primary pollutant (AQI ≤ 50)"]
    assert list(pie.values) == [1, 2, 3, 1]
    assert pie.marker.colors[-1] == plot.NO_PRIMARY_COLOUR


def test_primary_pollutants_several_rows_need_a_group():
    ev = pl.concat([_evaluation("甲市", JIA), _evaluation("乙市", YI)]).drop("city")
    with pytest.raises(IndicatorInputError, match="several evaluation rows"):
        plot.primary_pollutants(ev)


# --------------------------------------------------------------------------- boundary


@pytest.mark.parametrize(
    ("call", "column"),
    [
        (lambda: plot.calendar(pl.DataFrame({"date": [date(2026, 1, 1)]})), "aqi"),
        (
            lambda: plot.calendar(
                pl.DataFrame({"date": [date(2026, 1, 1)], "PM2.5": ["x"]}), pollutant="PM2.5"
            ),
            "PM2.5",
        ),
        (lambda: plot.time_variation(_hourly({"A": 1.0}), "CO"), "CO"),
        (lambda: plot.timeseries(pl.DataFrame({"x": [1.0]}), "x"), None),
        (lambda: plot.data_capture(_hourly({"A": 1.0}), by="city"), "city"),
        (
            lambda: plot.trend(pl.DataFrame({"period_start": ["2026-13-01"], "v": [1.0]}), "v"),
            "period_start",
        ),
        (lambda: plot.primary_pollutants(pl.DataFrame({"city": ["A"]})), "exceedance_days"),
        (lambda: plot.calendar(_daily("甲市", {date(2026, 1, 1): 1}), lang="fr"), "lang"),
    ],
)
def test_bad_input_names_the_column(call, column):
    with pytest.raises(IndicatorInputError) as err:
        call()
    assert err.value.column == column


def test_report_figures_are_the_plot_figures():
    """The report's calendar and donut are plot's (the report's look is unchanged)."""
    from indicators.report import charts
    from indicators.report.labels import label

    daily = _daily("甲市", {date(2026, 3, 1): 1, date(2026, 3, 2): 6})
    mine = charts.aqi_calendar(daily, start=date(2026, 3, 1), end=date(2026, 3, 31), lang="zh")
    theirs = plot.calendar(daily, start="2026-03-01", end="2026-03-31", lang="zh")
    assert mine.to_plotly_json() == theirs.to_plotly_json()
    summary = _evaluation("甲市", JIA).row(0, named=True)
    donut = charts.primary_pollutant_shares(summary, lang="zh").data[0]
    assert list(donut.values) == [1, 2, 3, 1]
    assert donut.labels[-1] == label("no_primary", "zh")  # plot's words are the report's
    assert label("aqi_calendar", "en") == plot.LABELS["aqi_calendar"][1]
