"""The validation boundary: one test per malformed family, and acceptance of good data.

Every malformed input must end as a clear error naming the file, the row of the file and
the column (and, for unit mistakes, the likely mistake); good data, the demo folder and the
real CNEMC 2019 extremes must pass.
"""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators import air, demo, io, validation
from indicators.contract import TABLES, table_path
from indicators.errors import IndicatorInputError, IndicatorWarning

HOURS_HEAD = "station,time,SO2,NO2,PM10,CO,O3,PM2.5\n"


def hours_csv(path: Path, rows: list[str], *, newline: bool = True) -> Path:
    path.write_text(HOURS_HEAD + "\n".join(rows) + ("\n" if newline else ""), encoding="utf-8")
    return path


def good_rows(n: int = 3) -> list[str]:
    return [f"1001A,2019-01-01 {h + 1:02d}:00:00,15,75,76,1.2,50,45" for h in range(n)]


def day(station: str, **values: list[float]) -> pl.DataFrame:
    t = [datetime(2025, 7, 1, 1) + timedelta(hours=h) for h in range(24)]
    base = {"SO2": 10.0, "NO2": 30.0, "PM10": 60.0, "CO": 0.8, "O3": 80.0, "PM2.5": 35.0}
    return pl.DataFrame({"station": station, "time": t, **base, **values})


def error(call) -> IndicatorInputError:
    with pytest.raises(IndicatorInputError) as info:
        call()
    return info.value


# --------------------------------------------------------------------------- plausibility


def test_bounds_table_has_the_contract_columns():
    t = validation.plausibility_bounds()
    assert {"standard", "clause", "unit", "quantity", "lower", "upper"} <= set(t.columns)
    assert validation.bound("CO")["unit"] == "mg/m³"
    assert validation.bound("PM10")["upper"] >= 10000  # dust storms pass


def test_sentinel_99999_names_a_missing_value_code(tmp_path):
    rows = good_rows()
    rows[1] = "1001A,2019-01-01 02:00:00,15,75,76,1.2,50,99999"
    err = error(lambda: io.read_station_hours(hours_csv(tmp_path / "h.csv", rows)))
    assert (err.file, err.row, err.column) == (str(tmp_path / "h.csv"), 2, "PM2.5")
    assert "missing-value code" in str(err) and err.found == 99999.0


def test_co_times_1000_names_the_unit_mistake_in_frames_too():
    h = day("S1", CO=[800.0] * 24)
    err = error(lambda: air.daily_aqi(h))
    assert (err.row, err.column) == (1, "CO")
    assert "CO in µg/m³ (or ppb) instead of mg/m³ (×1000)?" in str(err)
    err = error(lambda: air.hourly_aqi(h.lazy()).collect())  # lazy: raised at collect
    assert (err.row, err.column) == (1, "CO")


def test_gas_in_ppb_times_1000_names_the_mistake():
    h = day("S1", NO2=[30.0] * 5 + [30000.0] + [30.0] * 18)
    err = error(lambda: air.hourly_aqi(h))
    assert (err.row, err.column, err.found) == (6, "NO2", 30000.0)
    assert "ppb or ng/m³ instead of µg/m³" in str(err)


def test_soft_band_warns_but_passes():
    h = day("S1", SO2=[10.0] * 23 + [4000.0])  # smelter plume: unusual, not impossible
    with pytest.warns(IndicatorWarning, match="row 24, column 'SO2'"):
        out = air.hourly_aqi(h)
    assert out.height == 24


def test_nh3n_99999_in_water_results(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text(
        "site,date,item,value,unit\nS1,2025-01-05,NH3-N,0.5,mg/L\nS1,2025-02-05,氨氮,99999,mg/L\n",
        encoding="utf-8",
    )
    err = error(lambda: io.read_water_results(p))
    assert (err.file, err.row, err.column) == (str(p), 2, "value")
    assert "NH3-N" in str(err) and "missing-value code" in str(err)


def test_noise_leq_250_and_quarter_5(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text("测点,功能区类别,年份,季度,昼间,夜间\nN1,1,2025,1,52,250\n", encoding="utf-8")
    err = error(lambda: io.read_noise_functional(p))
    assert (err.file, err.row, err.column, err.found) == (str(p), 1, "leq_night", 250.0)
    assert "dB(A)" in str(err)
    p.write_text("测点,功能区类别,年份,季度,昼间,夜间\nN1,1,2025,1,52,45\nN1,1,2025,5,52,45\n")
    err = error(lambda: io.read_noise_functional(p))
    assert (err.row, err.column, err.found) == (2, "quarter", 5)
    assert "month number" in str(err)


# --------------------------------------------------------------------------- negatives


def test_negative_values_raise_eager_and_lazy_alike():
    h = day("S1", PM10=[60.0] * 10 + [-5.0] + [60.0] * 13)
    for call in (
        lambda: air.daily_aqi(h),
        lambda: air.daily_aqi(h.lazy()).collect(),
        lambda: air.hourly_aqi(h.lazy()).collect(),
    ):
        err = error(call)
        assert (err.file, err.row, err.column, err.found) == ("hourly", 11, "PM10", -5.0)
        assert "negative" in str(err)


def test_orp_and_longitude_may_be_negative_but_do_may_not():
    m = pl.DataFrame(
        {"water_body_id": ["W1"], "point": ["P1"], "position_km": [0.0], "ORP": [-210.0]}
    )
    validation.check_bounds(m, file="m")  # no error
    err = error(lambda: validation.check_bounds(m.with_columns(DO=pl.lit(-1.0)), file="m"))
    assert (err.row, err.column) == (1, "DO")


# --------------------------------------------------------------------------- duplicates


def test_station_hour_repeated_after_another_station_raises_eager_and_lazy():
    h = pl.concat([day("S1"), day("S2"), day("S1").slice(3, 1)])
    for call in (lambda: air.daily_aqi(h), lambda: air.daily_aqi(h.lazy()).collect()):
        err = error(call)
        assert err.row == 49 and "appears twice" in str(err) and "rows 4 and 49" in str(err)


def test_station_listed_twice_in_station_frame():
    stations = pl.DataFrame(
        {"station": ["S1", "S2", "S1"], "city": ["A", "A", "B"], "background": [False] * 3}
    )
    err = error(lambda: air.daily_aqi(day("S1"), stations=stations, level="city"))
    assert (err.file, err.row, err.column) == ("stations", 3, "station")
    assert "rows 1 and 3" in str(err)


def test_water_result_twice_for_site_date_item(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text(
        "site,date,item,value,unit\nS1,2025-01-05,TP,0.1,mg/L\nS1,2025-01-06,TP,0.1,mg/L\n"
        "S1,2025-01-05,总磷,0.2,mg/L\n",
        encoding="utf-8",
    )
    err = error(lambda: io.read_water_results(p))
    assert (err.file, err.row) == (str(p), 3)
    assert "rows 1 and 3" in str(err) and "S1 2025-01-05 TP" in str(err)


def test_validate_table_duplicate_keys_names_both_rows():
    st = pl.DataFrame(
        {"station": ["1001A", "1002A", "1001A"], "city": ["X"] * 3, "background": [False] * 3}
    )
    err = error(lambda: validation.validate_table("stations", st, file="stations.parquet"))
    assert (err.file, err.row, err.column) == ("stations.parquet", 3, "station")
    assert "rows 1 and 3" in str(err)


# --------------------------------------------------------------------------- hour grid


def test_half_hour_time_rejected_in_file_and_frame(tmp_path):
    rows = good_rows()
    rows[2] = "1001A,2019-01-01 03:30:00,15,75,76,1.2,50,45"
    p = hours_csv(tmp_path / "h.csv", rows)
    err = error(lambda: io.read_station_hours(p))
    assert (err.file, err.row, err.column) == (str(p), 3, "time")
    assert "on the hour" in str(err)
    h = day("S1").with_columns(pl.col("time") + pl.duration(minutes=30))
    err = error(lambda: air.daily_aqi(h))
    assert (err.row, err.column) == (1, "time")


# --------------------------------------------------------------------------- encodings


def test_gb18030_ledger_decoded_not_lossy(tmp_path):
    p = tmp_path / "ledger.csv"
    p.write_bytes(
        "编号,城市,水体名称,类型,认定日期\n001,清河市,东沟,河道,2016-03-01\n".encode("gb18030")
    )
    out = io.read_blackodorous_ledger(p)
    assert out.row(0, named=True)["city"] == "清河市"
    assert out.row(0, named=True)["type"] == "river"


def test_utf8_station_list_with_one_bad_byte_names_the_offset(tmp_path):
    head = "监测点编码,监测点名称,城市,经度,纬度,对照点,省级行政区\n"
    good = head + "1001A,万寿西宫,北京,116.366,39.8673,N,北京市\n"
    raw = bytearray(good.encode("utf-8"))
    offset = len((head + "1001A,万寿西宫,").encode("utf-8"))  # the first byte of 北
    raw[offset] = 0xFF
    p = tmp_path / "stations.csv"
    p.write_bytes(bytes(raw))
    err = error(lambda: io.read_station_list(p))
    assert err.file == str(p)
    assert f"offset {offset}" in str(err) and "UTF-8" in str(err)
    # UTF-8 with BOM and GB18030 are accepted
    p.write_bytes(b"\xef\xbb\xbf" + good.encode("utf-8"))
    assert io.read_station_list(p)["city"].to_list() == ["北京"]
    p.write_bytes(good.encode("gb18030"))
    assert io.read_station_list(p)["city"].to_list() == ["北京"]


# --------------------------------------------------------------------------- empty and cut


def test_empty_csv_never_surfaces_nodataerror(tmp_path):
    for reader, name in (
        (io.read_station_hours, "h.csv"),
        (io.read_water_sections, "s.csv"),
        (io.read_noise_regional, "g.csv"),
    ):
        p = tmp_path / name
        p.write_bytes(b"")
        err = error(lambda p=p, reader=reader: reader(p))
        assert err.file == str(p) and "empty" in str(err)


def test_header_only_csv(tmp_path):
    p = hours_csv(tmp_path / "h.csv", [])
    err = error(lambda: io.read_station_hours(p))
    assert err.file == str(p) and "header only" in str(err)
    s = tmp_path / "sections.csv"
    s.write_text("site,name,type,target_class\n", encoding="utf-8")
    err = error(lambda: io.read_water_sections(s))
    assert err.file == str(s) and "header only" in str(err)


def test_csv_cut_mid_row(tmp_path):
    rows = good_rows()
    p = hours_csv(tmp_path / "h.csv", [*rows[:2], rows[2][:-1]], newline=False)  # …,50,4
    err = error(lambda: io.read_station_hours(p))
    assert (err.file, err.row) == (str(p), 3)
    assert "truncated" in str(err)
    p = hours_csv(
        tmp_path / "short.csv", [*rows[:2], "1001A,2019-01-01 03:00:00,15,7"], newline=False
    )
    err = error(lambda: io.read_station_hours(p))
    assert (err.row, err.column) == (3, "NO2") and "fewer fields" in str(err)


def test_validate_table_empty_frame():
    st = pl.DataFrame(schema={"station": pl.String, "city": pl.String, "background": pl.Boolean})
    err = error(lambda: validation.validate_table("stations", st, file="stations.parquet"))
    assert err.file == "stations.parquet" and "no data rows" in str(err)


# --------------------------------------------------------------------------- rows of the file


def test_rows_are_rows_of_the_file_with_blank_rows(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text(
        "site,date,item,value,unit\nS1,2025-01-05,TP,0.1,mg/L\n,,,,\nS1,2025-01-06,TP,250,mg/L\n",
        encoding="utf-8",
    )
    err = error(lambda: io.read_water_results(p))
    assert err.row == 3 and err.column == "value"  # row 3 of the file, not 2 of the frame


# --------------------------------------------------------------------------- UCI CO unit


def uci_file(folder: Path, co: list[float]) -> Path:
    head = (
        '"No","year","month","day","hour","PM2.5","PM10","SO2","NO2","CO","O3",'
        '"TEMP","PRES","DEWP","RAIN","wd","WSPM","station"\n'
    )
    rows = [
        f'{i + 1},2013,3,1,{i},9,9,3,17,{v},89,-0.5,1024.5,-21.4,0,"NNW",5.7,"Dongsi"\n'
        for i, v in enumerate(co)
    ]
    p = folder / "PRSA_Data_Dongsi_20130301-20170228.csv"
    p.write_text(head + "".join(rows), encoding="utf-8")
    return p


def test_uci_co_unit_detected_from_magnitudes(tmp_path):
    uci_file(tmp_path, [300.0, 900.0, 1200.0])  # µg/m³, as UCI publishes
    assert io.read_uci_beijing(tmp_path)["CO"].to_list() == pytest.approx([0.3, 0.9, 1.2])
    uci_file(tmp_path, [0.3, 0.9, 1.2])  # already mg/m³: not divided again
    assert io.read_uci_beijing(tmp_path)["CO"].to_list() == pytest.approx([0.3, 0.9, 1.2])
    assert io.read_uci_beijing(tmp_path, co_unit="mg/m3")["CO"].to_list() == [0.3, 0.9, 1.2]
    uci_file(tmp_path, [30.0, 40.0, 50.0])  # ambiguous: ask
    err = error(lambda: io.read_uci_beijing(tmp_path))
    assert err.column == "CO" and "co_unit" in str(err)


# --------------------------------------------------------------------------- good data


def test_demo_folder_tables_pass(tmp_path):
    demo.write_demo(tmp_path)
    checked = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", IndicatorWarning)
        for name in TABLES:
            path = table_path(tmp_path, name)
            if path is not None:
                validation.validate_table(name, pl.read_parquet(path), file=str(path))
                validation.validate_table(name, pl.scan_parquet(path), file=str(path))
                checked.append(name)
    assert {"stations", "station_hours", "water_results", "noise_functional"} <= set(checked)


def test_demo_station_hours_pass_the_air_core(tmp_path):
    demo.write_demo(tmp_path)
    h = pl.read_parquet(table_path(tmp_path, "station_hours"))
    lazy = air.daily_aqi(h.lazy()).collect()
    assert lazy.equals(air.daily_aqi(h))


@pytest.mark.realdata
def test_real_cnemc_2019_extremes_pass(cnemc_dir):
    hours = io.read_cnemc(cnemc_dir / "china_sites_2019_8cities.csv.gz")
    maxima = hours.select(pl.col(p).max() for p in ("PM10", "PM2.5", "SO2", "CO")).row(0)
    assert maxima[0] > 500  # real episodes are in the file
    validation.validate_table("station_hours", hours.drop("data_basis"), file="8cities")


# ------------------------------------------------------------------ a national table, in chunks


def _hours(n_stations: int, n_hours: int) -> pl.DataFrame:
    """Station hours stored as the contract says (time, then station), all values 10."""
    times = [datetime(2026, 1, 1, 1) + timedelta(hours=h) for h in range(n_hours)]
    frame = pl.DataFrame({"time": times}).join(
        pl.DataFrame({"station": [f"{1000 + s}A" for s in range(n_stations)]}), how="cross"
    )
    values = {p: pl.lit(10.0) for p in ("SO2", "NO2", "PM10", "CO", "O3", "PM2.5")}
    return frame.select("station", "time", **values).sort("time", "station")


@pytest.fixture
def chunked(monkeypatch, tmp_path: Path):
    """validate_table on a Parquet scan read 7 rows at a time."""
    monkeypatch.setattr(validation, "CHECK_CHUNK_ROWS", 7)

    def run(frame: pl.DataFrame) -> None:
        path = tmp_path / "station_hours.parquet"
        frame.write_parquet(path)
        validation.validate_table("station_hours", pl.scan_parquet(path), file=str(path))

    return run


def test_a_chunked_check_names_the_row_of_the_file(chunked):
    hours = _hours(3, 10)  # 30 rows: 5 chunks of 7
    chunked(hours)  # clean
    bad = hours.with_columns(
        pl.when(pl.int_range(pl.len()) == 22).then(-5.0).otherwise(pl.col("NO2")).alias("NO2")
    )
    err = error(lambda: chunked(bad))
    assert (err.row, err.column, err.found) == (23, "NO2", -5.0)  # row 2 of the 4th chunk
    off = hours.with_columns(
        pl.when(pl.int_range(pl.len()) == 29)
        .then(pl.col("time") + timedelta(minutes=30))
        .otherwise(pl.col("time"))
        .alias("time")
    )
    assert error(lambda: chunked(off)).row == 30


def test_a_chunked_check_finds_a_key_repeated_across_chunks(chunked):
    hours = _hours(3, 10)
    # the same station-hour at rows 7 and 8: the last row of a chunk and the first of the next
    twice = pl.concat([hours.head(7), hours.slice(6, 1), hours.slice(7)])
    err = error(lambda: chunked(twice))
    assert "appears twice" in str(err) and err.row == 8
    # out of storage order, a repeat far apart is found by the whole-key check
    shuffled = pl.concat([hours, hours.head(1)]).reverse()
    err = error(lambda: chunked(shuffled))
    assert "appears twice" in str(err) and (err.row, err.found) == (31, "1000A 2026-01-01 01:00:00")


def test_columns_beyond_names_the_columns_the_masks_would_hit() -> None:
    """Minima and maxima find the columns with a value beyond a hard bound or the soft band;
    NaN and null are missing values, never beyond."""
    nan = float("nan")
    df = pl.DataFrame(
        {
            "PM2.5": [10.0, nan, None, 1600.0],  # soft band only (warn above 1500)
            "O3": [3500.0, 20.0, nan, None],  # beyond the hard bound (3000)
            "NO2": [nan, None, 0.0, 40.0],  # neither
            "station": ["a", "b", "c", "d"],  # not a quantity
        }
    )
    quantities = validation.column_quantities(df.columns)
    assert validation.columns_beyond(df, quantities) == ["O3"]
    assert validation.columns_beyond(df, quantities, soft=True) == ["PM2.5", "O3"]
    assert validation.columns_beyond(df.head(0), quantities) == []
    # the rows check_bounds would warn about: PM2.5 1600 and O3 3500 (a NaN or null never)
    band = validation.soft_band(df, quantities)
    assert df.select(band).to_series().to_list() == [True, False, False, True]
    assert validation.soft_band(df.head(3).with_columns(O3=pl.lit(1.0)), quantities) is None
    with pytest.raises(IndicatorInputError) as err:
        validation.check_bounds(df, quantities, file="f.csv")
    assert (err.value.row, err.value.column) == (1, "O3")


def test_check_bounds_without_warning_gives_the_soft_band():
    # the rows a caller warns about itself (a frame checked in parts): soft_band's, from
    # the same pass; None when no value is outside the band, and nothing is warned of
    nan = float("nan")
    df = pl.DataFrame({"PM2.5": [10.0, 1600.0, None, nan], "O3": [20.0, 2000.0, 1.0, 1.0]})
    quantities = validation.column_quantities(df.columns)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        band = validation.check_bounds(df, quantities, file="f.csv", warn=False)
        calm = validation.check_bounds(df.head(1), quantities, file="f.csv", warn=False)
    assert df.select(band).to_series().to_list() == [False, True, False, False]
    assert df.select(validation.soft_band(df, quantities)).to_series().to_list() == [
        False,
        True,
        False,
        False,
    ]
    assert calm is None
    assert validation.check_bounds(df, quantities, file="f.csv", messages=[]) is None


@settings(max_examples=300, deadline=None)
@given(
    seconds=st.integers(-3_000_000_000, 4_000_000_000),  # 1874 .. 2096
    on_the_hour=st.booleans(),
    zone=st.sampled_from([None, "UTC", "Asia/Shanghai", "Asia/Kolkata"]),
    unit=st.sampled_from(["ns", "us", "ms"]),
)
def test_the_hour_grid_is_the_clock_hour_in_every_zone_and_unit(seconds, on_the_hour, zone, unit):
    # the integer remainder (naive, UTC, Shanghai since 1901) agrees with truncating to
    # the hour of the time's own clock, e.g. 1895 in Shanghai (local mean time +08:05:43)
    if on_the_hour:
        seconds -= seconds % 3600
    time = pl.Series("time", [seconds * 1_000_000], dtype=pl.Datetime("us"))
    time = time.dt.cast_time_unit(unit)
    if zone is not None:
        time = time.dt.convert_time_zone(zone)
    frame = time.to_frame()
    expected = frame.select(pl.col("time") != pl.col("time").dt.truncate("1h")).item()
    if expected:
        assert error(lambda: validation.check_hour_grid(frame, file="t.csv")).row == 1
    else:
        validation.check_hour_grid(frame, file="t.csv")


def test_a_time_off_the_hour_is_named_by_its_row():
    hours = pl.concat([day("1001A"), day("1002A")]).with_columns(
        pl.when(pl.int_range(pl.len()) == 30)
        .then(pl.col("time") + pl.duration(minutes=30))
        .otherwise(pl.col("time"))
        .alias("time")
    )
    for frame in (hours, hours.with_columns(pl.col("time").dt.replace_time_zone("Asia/Shanghai"))):
        e = error(lambda f=frame: validation.check_hour_grid(f, file="h.csv"))
        assert (e.row, e.column) == (31, "time")
        assert "07:30" in str(e)
