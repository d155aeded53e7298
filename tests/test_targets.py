"""Target tracking: targets file schema, year to date, what the rest must achieve, projection.

All figures are worked by hand in the comments. Targets are local policy figures
(invented for the demo cities), not standard values.
"""

from __future__ import annotations

import math
import warnings
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from indicators import IndicatorInputError, IndicatorWarning
from indicators import targets as tg


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "targets.toml"
    p.write_text(text, encoding="utf-8")
    return p


HEAD = 'schema = 1\n[[target]]\ncity = "甲市"\nyear = 2025\n'


def _targets(**values: float) -> pl.DataFrame:
    row = {"city": "甲市", "year": 2025}
    schema = {"city": pl.String, "year": pl.Int64}
    for k, meta in tg.TARGET_INDICATORS.items():
        row[k] = values.get(k)
        schema[k] = pl.Int64 if meta.kind == "count" else pl.Float64
    return pl.DataFrame([row], schema=schema)


# --------------------------------------------------------------------------- file


def test_demo_targets_file() -> None:
    t = tg.read_targets(tg.demo_targets_path())
    assert t.height == 6
    assert sorted(set(t["city"])) == sorted(["清河市", "临江市", "北原市"])
    assert sorted(set(t["year"])) == [2025, 2026]
    row = t.filter(city="临江市", year=2026).row(0, named=True)
    assert row["good_day_ratio"] == 86.0 and row["PM2.5"] == 29.0
    assert row["n_worse_V"] == 0 and row["composite_index"] == 3.8
    assert t.schema["n_worse_V"] == pl.Int64
    assert t.schema["PM2.5"] == pl.Float64


def test_the_contract_targets_table_has_the_columns_read_targets_returns() -> None:
    from indicators import contract

    spec = contract.TABLES["targets"]
    t = tg.read_targets(tg.demo_targets_path())
    assert [c.name for c in spec.columns] == t.columns
    assert [c.name for c in spec.columns][2:-1] == list(tg.TARGET_INDICATORS)
    assert {c.name: c.dtype for c in spec.columns} == {n: type(d) for n, d in t.schema.items()}
    units = {"percent": "%", "ug/m3": "µg/m³", "1": "", "count": ""}
    for key, meta in tg.TARGET_INDICATORS.items():
        column = spec.column(key)
        assert column is not None and column.unit == units[meta.unit]
        assert column.description.startswith(meta.zh)
        assert column.description.endswith(meta.direction.replace("_", " "))
    assert spec.keys == ("city", "year") and spec.required == ("city", "year")


def test_read_targets_minimal(tmp_path: Path) -> None:
    t = tg.read_targets(_write(tmp_path, HEAD + '"PM2.5" = 35\nnote = "省考"\n'))
    assert t.select("city", "year", "PM2.5", "good_day_ratio", "note").row(0) == (
        "甲市",
        2025,
        35.0,
        None,
        "省考",
    )


@pytest.mark.parametrize(
    ("body", "row", "column", "found"),
    [
        ("good_day_ratio = 100.1\n", 1, "good_day_ratio", 100.1),  # just beyond 100
        ("good_day_ratio = -0.1\n", 1, "good_day_ratio", -0.1),
        ('"PM2.5" = -1\n', 1, "PM2.5", -1),
        ('"PM2.5" = "35"\n', 1, "PM2.5", "35"),
        ('"PM2.5" = true\n', 1, "PM2.5", True),
        ("n_worse_V = 1.5\n", 1, "n_worse_V", 1.5),
        ("n_worse_V = -1\n", 1, "n_worse_V", -1),
        ("PM25 = 35\n", 1, "PM25", "PM25"),  # unknown key
        ('note = 3\n"PM2.5" = 35\n', 1, "note", 3),
        ("", 1, None, None),  # no indicator set
    ],
)
def test_read_targets_rejects(
    tmp_path: Path, body: str, row: int, column: str | None, found: object
) -> None:
    p = _write(tmp_path, HEAD + body)
    with pytest.raises(IndicatorInputError) as err:
        tg.read_targets(p)
    assert err.value.file == str(p)
    assert err.value.row == row
    assert err.value.column == column
    if found is not None:
        assert err.value.found == found


@pytest.mark.parametrize(("value", "ok"), [(100, True), (0, True), (100.0, True)])
def test_percent_edges_accepted(tmp_path: Path, value: float, ok: bool) -> None:
    t = tg.read_targets(_write(tmp_path, HEAD + f"good_day_ratio = {value}\n"))
    assert t["good_day_ratio"].item() == float(value)


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ('schema = 2\n[[target]]\ncity = "甲市"\nyear = 2025\n"PM2.5" = 1\n', "schema"),
        ('[[target]]\ncity = "甲市"\nyear = 2025\n"PM2.5" = 1\n', "schema"),
        ("schema = 1\n", "target"),
        ("schema = 1\nextra = 1\n", "extra"),
        ('schema = 1\n[[target]]\nyear = 2025\n"PM2.5" = 1\n', "city"),
        ('schema = 1\n[[target]]\ncity = "甲市"\nyear = "2025"\n"PM2.5" = 1\n', "year"),
        (
            'schema = 1\n[[target]]\ncity = "甲市"\nyear = 2025\n"PM2.5" = 1\n'
            '[[target]]\ncity = "甲市"\nyear = 2025\n"PM2.5" = 2\n',
            "city",
        ),
        ("schema = 1\n[[target\n", None),
    ],
)
def test_read_targets_file_errors(tmp_path: Path, text: str, column: str | None) -> None:
    with pytest.raises(IndicatorInputError) as err:
        tg.read_targets(_write(tmp_path, text))
    assert err.value.column == column


def test_duplicate_names_both_entries(tmp_path: Path) -> None:
    text = (
        HEAD + '"PM2.5" = 1\n[[target]]\ncity = "乙市"\nyear = 2025\n"PM2.5" = 2\n'
        '[[target]]\ncity = "甲市"\nyear = 2025\n"PM2.5" = 3\n'
    )
    with pytest.raises(IndicatorInputError) as err:
        tg.read_targets(_write(tmp_path, text))
    assert err.value.row == 3
    assert "target 1" in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IndicatorInputError) as err:
        tg.read_targets(tmp_path / "nope.toml")
    assert err.value.file.endswith("nope.toml")


# --------------------------------------------------------------------------- progress


@pytest.mark.parametrize(
    ("indicator", "value", "target", "meets"),
    [
        ("good_day_ratio", 80.0, 80.0, True),  # at least: closed at the target
        ("good_day_ratio", 79.9, 80.0, False),
        ("PM2.5", 35.0, 35.0, True),  # at most: closed at the target
        ("PM2.5", 36.0, 35.0, False),
        ("composite_index", 4.01, 4.0, False),
        ("n_worse_V", 0.0, 0.0, True),
    ],
)
def test_target_progress_edges(indicator: str, value: float, target: float, meets: bool) -> None:
    summary = pl.DataFrame({"city": ["甲市"], indicator: [value]})
    out = tg.target_progress(summary, _targets(**{indicator: target}), year=2025)
    row = out.row(0, named=True)
    assert row["meets"] is meets
    assert row["gap"] == pytest.approx(value - target)
    assert row["direction"] == tg.TARGET_INDICATORS[indicator].direction


def test_target_progress_demo_file_lazy_and_missing() -> None:
    summary = pl.DataFrame(
        {
            "city": ["清河市", "无目标市"],
            "good_day_ratio": [74.2, 90.0],
            "PM2.5": [38.0, None],
            "other": [1, 2],
        }
    )
    out = tg.target_progress(summary, tg.demo_targets_path(), year=2025)
    assert out.select("city", "indicator", "value", "target", "meets").rows() == [
        ("无目标市", "good_day_ratio", 90.0, None, None),
        ("无目标市", "PM2.5", None, None, None),
        ("清河市", "good_day_ratio", 74.2, 75.0, False),
        ("清河市", "PM2.5", 38.0, 40.0, True),
    ]
    lazy = tg.target_progress(summary.lazy(), tg.demo_targets_path(), year=2025)
    assert isinstance(lazy, pl.LazyFrame)
    assert_frame_equal(lazy.collect(), out)
    with pytest.raises(IndicatorInputError):
        tg.target_progress(summary, tg.demo_targets_path(), year=2025, indicators=["other"])
    none = tg.target_progress(summary.select("city"), tg.demo_targets_path(), year=2025)
    assert none.height == 0 and "meets" in none.columns


# --------------------------------------------------------------------------- year to date


def _ytd_daily(
    n_days: int = 181, n_invalid: int = 3, n_good: int = 130, pm: float = 42.0
) -> pl.DataFrame:
    """181 days (1 Jan .. 30 Jun 2025): the first n_good valid days good (level 2), the
    rest of the valid days level 3, the last n_invalid days invalid (null AQI)."""
    days = _days(date(2025, 1, 1), date(2025, 1, 1) + timedelta(days=n_days - 1))
    n_valid = n_days - n_invalid
    level = [2] * n_good + [3] * (n_valid - n_good) + [None] * n_invalid
    aqi = [80] * n_good + [120] * (n_valid - n_good) + [None] * n_invalid
    pm25 = [pm] * n_valid + [None] * n_invalid
    return pl.DataFrame(
        {"city": "甲市", "date": days, "aqi": aqi, "level": level, "PM2.5": pm25},
        schema_overrides={"aqi": pl.Int64, "level": pl.Int64},
    )


def test_good_days_needed_worked_by_hand() -> None:
    # to 30 June 2025: 181 days, 178 valid, 130 good. 184 days remain (1 Jul..31 Dec).
    # expected valid days N = 178 + 184 = 362; 80 % of 362 = 289.6; 289.6 - 130 = 159.6
    # -> 160 good days still needed; 160 / 184 = 86.96 % of the remaining days.
    # check: (130 + 160) / 362 = 80.11 % >= 80; (130 + 159) / 362 = 79.83 % < 80.
    out = tg.good_days_needed(_ytd_daily(), _targets(good_day_ratio=80.0), year=2025)
    row = out.row(0, named=True)
    assert row["as_of"] == date(2025, 6, 30)
    assert (row["valid_days"], row["good_days"]) == (178, 130)
    assert row["good_day_ratio"] == pytest.approx(100 * 130 / 178)
    assert (row["days_remaining"], row["expected_valid_days"]) == (184, 362)
    assert row["good_days_needed"] == 160
    assert row["required_ratio_remaining"] == pytest.approx(100 * 160 / 184)
    assert round(row["required_ratio_remaining"], 2) == 86.96
    assert row["attainable"] is True


def test_good_days_needed_exact_arithmetic_at_year_end() -> None:
    # whole year, 365 valid days, 80 %: 0.8 * 365 = 292 exactly (in floats 292.00000000000006)
    full = _ytd_daily(n_days=365, n_invalid=0, n_good=292)
    row = tg.good_days_needed(full, _targets(good_day_ratio=80.0), year=2025).row(0, named=True)
    assert (row["days_remaining"], row["good_days_needed"], row["attainable"]) == (0, 0, True)
    assert row["required_ratio_remaining"] is None
    short = _ytd_daily(n_days=365, n_invalid=0, n_good=291)
    row = tg.good_days_needed(short, _targets(good_day_ratio=80.0), year=2025).row(0, named=True)
    assert (row["good_days_needed"], row["attainable"]) == (1, False)


def test_good_days_needed_attainable_edge() -> None:
    # 178 valid, 0 good, 184 remaining: target T needs ceil(T% * 362) good days.
    # T = 50.8: 0.508 * 362 = 183.896 -> 184 = every remaining day -> attainable
    # T = 50.9: 0.509 * 362 = 184.258 -> 185 > 184 -> not attainable
    d = _ytd_daily(n_good=0)
    yes = tg.good_days_needed(d, _targets(good_day_ratio=50.8), year=2025).row(0, named=True)
    no = tg.good_days_needed(d, _targets(good_day_ratio=50.9), year=2025).row(0, named=True)
    assert (yes["good_days_needed"], yes["attainable"]) == (184, True)
    assert yes["required_ratio_remaining"] == 100.0
    assert (no["good_days_needed"], no["attainable"]) == (185, False)


def test_good_days_needed_options_lazy_and_errors() -> None:
    d = _ytd_daily()
    # only 170 of the 184 remaining days expected valid: N = 348; 0.8 * 348 = 278.4 - 130
    # = 148.4 -> 149
    row = tg.good_days_needed(
        d, _targets(good_day_ratio=80.0), year=2025, remaining_valid_days=170
    ).row(0, named=True)
    assert (row["expected_valid_days"], row["good_days_needed"]) == (348, 149)
    # as_of earlier than the data end: 31 Jan: 31 valid, 31 good, 334 days remain
    # N = 365; 292 - 31 = 261
    row = tg.good_days_needed(
        d, _targets(good_day_ratio=80.0), year=2025, as_of=date(2025, 1, 31)
    ).row(0, named=True)
    assert (row["valid_days"], row["good_days"], row["good_days_needed"]) == (31, 31, 261)
    lazy = tg.good_days_needed(d.lazy(), _targets(good_day_ratio=80.0), year=2025)
    assert isinstance(lazy, pl.LazyFrame)
    no_target = tg.good_days_needed(d, _targets(**{"PM2.5": 30.0}), year=2025).row(0, named=True)
    assert no_target["target"] is None and no_target["good_days_needed"] is None
    with pytest.raises(IndicatorInputError) as err:
        tg.good_days_needed(d, _targets(good_day_ratio=80.0), year=2026)
    assert err.value.column == "date"
    with pytest.raises(IndicatorInputError) as err:
        tg.good_days_needed(d, _targets(good_day_ratio=80.0), year=2025, as_of=date(2024, 12, 31))
    assert err.value.column == "as_of"
    with pytest.raises(IndicatorInputError) as err:
        tg.good_days_needed(d, _targets(good_day_ratio=80.0), year=2025, remaining_valid_days=185)
    assert err.value.column == "remaining_valid_days"
    with pytest.raises(IndicatorInputError):
        tg.good_days_needed(d.drop("level"), _targets(good_day_ratio=80.0), year=2025)


def test_pm25_remaining_mean_worked_by_hand() -> None:
    # 178 valid days at 42.0 to 30 June; target 35; 184 days remain
    # (35 * 362 - 42 * 178) / 184 = (12670 - 7476) / 184 = 5194 / 184 = 28.2283 ug/m3
    row = tg.pm25_remaining_mean(_ytd_daily(), _targets(**{"PM2.5": 35.0}), year=2025).row(
        0, named=True
    )
    assert (row["n_days"], row["mean_to_date"]) == (178, 42.0)
    assert row["required_mean_remaining"] == pytest.approx(5194 / 184)
    assert row["attainable"] is True
    # target 20: (20 * 362 - 7476) / 184 = (7240 - 7476) / 184 < 0: not attainable
    row = tg.pm25_remaining_mean(_ytd_daily(), _targets(**{"PM2.5": 20.0}), year=2025).row(
        0, named=True
    )
    assert row["required_mean_remaining"] == pytest.approx(-236 / 184)
    assert row["attainable"] is False
    # edge: target such that the required mean is exactly 0: T * 362 = 7476 -> T = 20.651...
    t = 7476 / 362
    row = tg.pm25_remaining_mean(_ytd_daily(), _targets(**{"PM2.5": t}), year=2025).row(
        0, named=True
    )
    assert row["required_mean_remaining"] == pytest.approx(0.0, abs=1e-9)


def test_pm25_remaining_mean_all_null_days() -> None:
    d = _ytd_daily().with_columns(pl.lit(None, pl.Float64).alias("PM2.5"))
    row = tg.pm25_remaining_mean(d, _targets(**{"PM2.5": 35.0}), year=2025).row(0, named=True)
    # no valid day to date: the rest of the year carries the whole target
    assert (row["n_days"], row["mean_to_date"]) == (0, None)
    assert row["required_mean_remaining"] == pytest.approx(35.0)


# --------------------------------------------------------------------------- projection


def _history() -> pl.DataFrame:
    """2023 and 2024 complete, 2025 to 30 June. Rest-of-year (Jul-Dec, 184 days) good
    shares: 2023 all good (1.0), 2024 alternate days good (92/184 = 0.5). 2025 to date:
    181 valid days, 120 good. PM2.5 rest-of-year means: 2023 20, 2024 40; 2025 to date 50."""
    rows = []
    for d in _days(date(2023, 1, 1), date(2025, 6, 30)):
        second_half = d.month >= 7
        if d.year == 2023:
            good, pm = (True, 20.0) if second_half else (False, 60.0)
        elif d.year == 2024:
            good, pm = (
                ((d - date(2024, 7, 1)).days % 2 == 0, 40.0) if second_half else (False, 60.0)
            )
        else:
            good, pm = (d - date(2025, 1, 1)).days < 120, 50.0
        rows.append(
            {
                "city": "甲市",
                "date": d,
                "aqi": 60 if good else 130,
                "level": 2 if good else 3,
                "PM2.5": pm,
            }
        )
    return pl.DataFrame(rows)


def test_project_good_day_ratio_by_hand() -> None:
    # 2023: (120 + 1.0 * 184) / (181 + 184) = 304 / 365 = 83.288 %
    # 2024: (120 + 0.5 * 184) / 365 = 212 / 365 = 58.082 %
    # projection = mean = 70.685 %, interval [58.082, 83.288]
    out = tg.project_year_end(_history(), year=2025, targets=_targets(good_day_ratio=75.0))
    row = out.row(0, named=True)
    assert row["as_of"] == date(2025, 6, 30) and row["days_remaining"] == 184
    assert row["value_to_date"] == pytest.approx(100 * 120 / 181)
    assert row["projected"] == pytest.approx((304 / 365 + 212 / 365) / 2 * 100)
    assert row["projected_low"] == pytest.approx(100 * 212 / 365)
    assert row["projected_high"] == pytest.approx(100 * 304 / 365)
    assert row["n_years"] == 2
    assert row["projected_meets"] is False  # 70.7 < 75


def test_project_pm25_by_hand_and_lazy() -> None:
    # to date: 181 days at 50 -> sum 9050. 2023: (9050 + 20 * 184) / 365 = 12730 / 365 = 34.877
    # 2024: (9050 + 40 * 184) / 365 = 16410 / 365 = 44.959; mean 39.918
    out = tg.project_year_end(
        _history().lazy(), year=2025, indicator="PM2.5", targets=_targets(**{"PM2.5": 40.0})
    )
    assert isinstance(out, pl.LazyFrame)
    row = out.collect().row(0, named=True)
    assert row["projected"] == pytest.approx((12730 / 365 + 16410 / 365) / 2)
    assert row["projected_low"] == pytest.approx(12730 / 365)
    assert row["projected_high"] == pytest.approx(16410 / 365)
    assert row["projected_meets"] is True  # 39.9 <= 40


def test_project_without_history_and_at_year_end() -> None:
    only = _history().filter(pl.col("date").dt.year() == 2025)
    row = tg.project_year_end(only, year=2025).row(0, named=True)
    assert (row["n_years"], row["projected"]) == (0, None)
    full = _history().filter(pl.col("date").dt.year() == 2024)
    row = tg.project_year_end(full, year=2024).row(0, named=True)
    # as_of 31 December: nothing to project, the projection is the figure itself
    assert row["days_remaining"] == 0
    assert row["projected"] == pytest.approx(100 * 92 / 366)
    with pytest.raises(IndicatorInputError):
        tg.project_year_end(full, year=2024, indicator="O3_MDA8_P90")


def test_project_warns_when_editions_differ() -> None:
    h = _history().with_columns(
        pl.when(pl.col("date") >= date(2025, 3, 1))
        .then(pl.lit("HJ 633-2026"))
        .otherwise(pl.lit("HJ 633-2012"))
        .alias("edition")
    )
    with pytest.warns(IndicatorWarning, match="mixes editions"):
        tg.project_year_end(h, year=2025)
    same = _history().with_columns(pl.lit("HJ 633-2026").alias("edition"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tg.project_year_end(same, year=2025)


# --------------------------------------------------------------------------- demo data


def test_demo_year_to_date_agrees_with_evaluate_period() -> None:
    from indicators import air, demo
    from indicators.demo import air as demo_air

    st = demo.station_list()
    hourly = demo_air.generate(
        demo.CITIES, st, date(2025, 1, 1), date(2026, 6, 30), demo.DEMO_SEED
    )["station_hours"]
    daily = air.daily_aqi(hourly, stations=st, level="city", edition="HJ 633-2026")
    ytd = air.evaluate_period(daily, start="2026-01-01", end="2026-06-30")
    need = tg.good_days_needed(daily, tg.demo_targets_path(), year=2026)
    joined = need.join(
        ytd.select("city", pl.col("good_days").alias("g"), pl.col("valid_days").alias("v")),
        on="city",
    )
    assert (joined["good_days"] == joined["g"]).all()
    assert (joined["valid_days"] == joined["v"]).all()
    for row in need.iter_rows(named=True):
        n = row["valid_days"] + 184
        exact = Fraction(str(row["target"])) / 100 * n - row["good_days"]
        assert row["good_days_needed"] == max(0, math.ceil(exact))
    proj = tg.project_year_end(daily, year=2026, targets=tg.demo_targets_path())
    assert proj["n_years"].to_list() == [1, 1, 1]  # 2025 is the only past year
    assert (proj["projected_low"] == proj["projected_high"]).all()
    progress = tg.target_progress(ytd, tg.demo_targets_path(), year=2026)
    assert set(progress["indicator"]) == {
        "good_day_ratio",
        "PM2.5",
        "O3_MDA8_P90",
        "composite_index",
    }


def test_target_keys_map_to_domain_summary_columns() -> None:
    # drinking_compliance is compared with drinking.compliance_rate's compliance_count,
    # blackodorous_elimination with elimination_ratio, water targets with water.summary
    summary = pl.DataFrame(
        {
            "city": ["甲市"],
            "compliance_count": [96.0],
            "elimination_ratio": [92.86],
            "share_I_III": [70.0],
            "n_worse_V": [1],
        }
    )
    t = _targets(
        drinking_compliance=100.0, blackodorous_elimination=90.0, share_I_III=70.0, n_worse_V=0
    )
    out = tg.target_progress(summary, t, year=2025)
    assert out.select("indicator", "value", "meets").rows() == [
        ("share_I_III", 70.0, True),
        ("n_worse_V", 1.0, False),
        ("drinking_compliance", 96.0, False),
        ("blackodorous_elimination", 92.86, True),
    ]
