"""Tests of indicators.io.air: CNEMC archive, station list, UCI Beijing, own format.

Synthetic files are written to tmp_path with values small enough to check by hand.
Real-data tests read ../shared/realdata through the conftest fixtures.
"""

from __future__ import annotations

import gzip
import tempfile
import time as timer
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from indicators import io as iio
from indicators.errors import IndicatorInputError
from indicators.io import air
from indicators.io.air import CNEMC_TYPES

# ----------------------------------------------------------------------------- helpers

# The first hour of the real 2019 archive for 1001A (china_sites_2019_8cities.csv.gz,
# 20190101 label 0), in CNEMC_TYPES order: AQI, PM2.5, PM2.5_24h, PM10, PM10_24h, SO2,
# SO2_24h, NO2, NO2_24h, O3, O3_24h, O3_8h, O3_8h_24h, CO, CO_24h.
HOUR_1001A = [73, 53, 44, 76, 68, 15, 11, 75, 66, None, 26, None, 16, 1.2, 1.0]
# A second, made-up hour: every value distinct so a mix-up shows.
HOUR_B = [60, 40, 41, 70, 69, 10, 12, 50, 51, 30, 31, 32, 33, 0.8, 0.9]


def cell(v) -> str:
    return "" if v is None else str(v)


def cnemc_rows(day: str, hour: int, by_station: dict[str, list]) -> list[str]:
    """The 15 type rows of one hour; by_station maps code -> 15 values (CNEMC_TYPES order)."""
    codes = list(by_station)
    return [
        ",".join([day, str(hour), ty, *(cell(by_station[c][k]) for c in codes)])
        for k, ty in enumerate(CNEMC_TYPES)
    ]


def write(path: Path, header: str, rows: list[str], *, gz: bool = False) -> Path:
    text = "\n".join([header, *rows]) + "\n"
    if gz:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


EMPTY = [None] * 15


def two_hour_file(path: Path, *, gz: bool = False) -> Path:
    """1001A at 20190102 labels 0 and 1; 1002A empty at label 0, HOUR_B at label 1."""
    rows = cnemc_rows("20190102", 0, {"1001A": HOUR_1001A, "1002A": EMPTY})
    rows += cnemc_rows("20190102", 1, {"1001A": HOUR_B, "1002A": HOUR_B})
    return write(path, "date,hour,type,1001A,1002A", rows, gz=gz)


def raises(call, *fragments: str) -> IndicatorInputError:
    with pytest.raises(IndicatorInputError) as info:
        call()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return info.value


# ----------------------------------------------------------------------------- CNEMC


def test_cnemc_values_columns_and_types(tmp_path):
    hours = air.read_cnemc(two_hour_file(tmp_path / "china_sites_20190102.csv"))
    assert hours.columns == [
        "station", "time", "SO2", "NO2", "PM10", "CO", "O3", "PM2.5", "aqi_published",
        "PM2.5_24h", "PM10_24h", "SO2_24h", "NO2_24h", "O3_24h", "O3_8h", "O3_8h_24h", "CO_24h",
        "data_basis",
    ]  # fmt: skip
    assert hours["data_basis"].unique().to_list() == ["实况"]
    reviewed = air.read_cnemc(tmp_path / "china_sites_20190102.csv", basis="审核")
    assert reviewed["data_basis"].unique().to_list() == ["审核"]
    with pytest.raises(IndicatorInputError, match="unknown data basis"):
        air.read_cnemc(tmp_path / "china_sites_20190102.csv", basis="real-time")
    assert hours.schema["time"] == pl.Datetime("us")
    assert hours.schema["aqi_published"] == pl.Int64
    assert hours.schema["PM2.5"] == pl.Float64
    # 1002A has no value at label 0: that station-hour is absent, not invented.
    assert hours.select("station", "time").rows() == [
        ("1001A", datetime(2019, 1, 2, 0)),
        ("1001A", datetime(2019, 1, 2, 1)),
        ("1002A", datetime(2019, 1, 2, 1)),
    ]
    first = hours.row(0, named=True)
    # Straight from HOUR_1001A: PM2.5 53, AQI 73, CO 1.2 mg/m3, O3 empty -> null.
    assert (first["PM2.5"], first["aqi_published"], first["CO"], first["O3"]) == (53, 73, 1.2, None)
    assert (first["SO2"], first["NO2"], first["PM10"]) == (15, 75, 76)
    assert (first["PM2.5_24h"], first["O3_8h_24h"], first["CO_24h"]) == (44, 16, 1.0)
    b = hours.row(2, named=True)
    assert [b["aqi_published"], b["PM2.5"], b["O3"], b["O3_8h"], b["CO"]] == [60, 40, 30, 32, 0.8]


def test_cnemc_label_zero_closes_previous_natural_day(tmp_path):
    # Label 0 of 2019-01-02 is the hour 2019-01-01 23:00-24:00: time 2019-01-02 00:00,
    # which belongs to natural day 2019-01-01 (times in (D 00:00, D+1 00:00]).
    hours = air.read_cnemc(two_hour_file(tmp_path / "china_sites_20190102.csv"))
    natural_day = hours.select((pl.col("time") - timedelta(hours=1)).dt.date())
    assert natural_day.to_series().to_list() == [
        date(2019, 1, 1),
        date(2019, 1, 2),
        date(2019, 1, 2),
    ]


def test_cnemc_keeps_partial_station_hours(tmp_path):
    only_o3 = [None] * 9 + [42] + [None] * 5
    rows = cnemc_rows("20190102", 5, {"1001A": only_o3, "1002A": EMPTY})
    hours = air.read_cnemc(write(tmp_path / "f.csv", "date,hour,type,1001A,1002A", rows))
    assert hours.height == 1
    assert hours.row(0, named=True)["O3"] == 42
    assert hours.row(0, named=True)["PM2.5"] is None
    # Without moving means, presence is judged on the returned columns only.
    only_ma = [None] * 10 + [26] + [None] * 4
    rows = cnemc_rows("20190102", 5, {"1001A": only_ma})
    f = write(tmp_path / "g.csv", "date,hour,type,1001A", rows)
    assert air.read_cnemc(f).height == 1
    assert air.read_cnemc(f, moving_means=False).height == 0


def test_cnemc_moving_means_optional(tmp_path):
    hours = air.read_cnemc(two_hour_file(tmp_path / "f.csv"), moving_means=False)
    assert hours.columns == [
        "station",
        "time",
        "SO2",
        "NO2",
        "PM10",
        "CO",
        "O3",
        "PM2.5",
        "aqi_published",
        "data_basis",
    ]


def test_cnemc_gzip_folder_glob_list_agree(tmp_path):
    plain = air.read_cnemc(two_hour_file(tmp_path / "a.csv"))
    folder = tmp_path / "archive"
    folder.mkdir()
    two_hour_file(folder / "china_sites_20190102.csv.gz", gz=True)
    rows = cnemc_rows("20190103", 3, {"1001A": HOUR_B})
    write(folder / "china_sites_20190103.csv", "date,hour,type,1001A", rows)
    (folder / "notes.txt").write_text("not a data file")
    gz = air.read_cnemc(folder / "china_sites_20190102.csv.gz")
    assert_frame_equal(gz, plain)
    by_folder = air.read_cnemc(folder)
    by_glob = air.read_cnemc(str(folder / "china_sites_*.csv*"))
    by_list = air.read_cnemc(
        [folder / "china_sites_20190103.csv", folder / "china_sites_20190102.csv.gz"]
    )
    assert by_folder.height == 4  # 3 station-hours + 1001A at 2019-01-03 03:00
    assert_frame_equal(by_glob, by_folder)
    assert_frame_equal(by_list, by_folder)
    assert by_folder.row(1, named=True)["time"] == datetime(2019, 1, 2, 1)
    assert by_folder.row(2, named=True)["time"] == datetime(2019, 1, 3, 3)
    # a glob restricted to the gz file gives the plain result
    assert_frame_equal(air.read_cnemc(str(folder / "*.csv.gz")), plain)


def test_cnemc_overlapping_files_identical_kept_once(tmp_path):
    a = two_hour_file(tmp_path / "a.csv")
    b = tmp_path / "b.csv"  # label 1 only, same values
    write(b, "date,hour,type,1001A", cnemc_rows("20190102", 1, {"1001A": HOUR_B}))
    assert_frame_equal(air.read_cnemc([a, b]), air.read_cnemc(a))


def test_cnemc_overlapping_files_differing_is_an_error(tmp_path):
    a = two_hour_file(tmp_path / "a.csv")
    other = [*HOUR_B]
    other[1] = 41  # PM2.5 41 instead of 40
    b = write(
        tmp_path / "b.csv", "date,hour,type,1001A", cnemc_rows("20190102", 1, {"1001A": other})
    )
    # b.csv rows: AQI is data row 1, PM2.5 is data row 2.
    raises(
        lambda: air.read_cnemc([a, b]),
        "b.csv", "row 2", "column '1001A'", "differs between files", "PM2.5", "expected 40.0",
        "a.csv row 17", "found 41.0",
    )  # fmt: skip


def test_cnemc_row_order_does_not_matter(tmp_path):
    rows = cnemc_rows("20190102", 0, {"1001A": HOUR_1001A, "1002A": EMPTY})
    rows += cnemc_rows("20190102", 1, {"1001A": HOUR_B, "1002A": HOUR_B})
    shuffled = rows[::-1]
    a = air.read_cnemc(write(tmp_path / "a.csv", "date,hour,type,1001A,1002A", rows))
    b = air.read_cnemc(write(tmp_path / "b.csv", "date,hour,type,1001A,1002A", shuffled))
    assert_frame_equal(a, b)


@settings(max_examples=15, deadline=None)
@given(st.permutations(list(range(45))), st.booleans())
def test_cnemc_property_order_invariant(order, drop_some):
    """Any row order (and hours with missing type rows) gives the same station-hours."""
    rows = []
    for h, values in enumerate([HOUR_1001A, HOUR_B, HOUR_1001A]):
        rows += cnemc_rows(
            "20190105",
            h + 2,
            {"1001A": values, "1003A": [v if v is None else v + 1 for v in values]},
        )
    if drop_some:
        rows = [r for k, r in enumerate(rows) if k % 7]
    folder = Path(tempfile.mkdtemp())
    ref = air.read_cnemc(write(folder / "a.csv", "date,hour,type,1001A,1003A", rows))
    perm = [rows[k] for k in order if k < len(rows)]
    got = air.read_cnemc(write(folder / "b.csv", "date,hour,type,1003A,1001A", swap(perm)))
    assert_frame_equal(got, ref)
    assert ref.select(pl.struct("station", "time").is_duplicated().any()).item() is False


def swap(rows: list[str]) -> list[str]:
    """Swap the two station columns (the header is swapped by the caller)."""
    out = []
    for r in rows:
        d, h, t, a, b = r.split(",")
        out.append(",".join([d, h, t, b, a]))
    return out


def test_cnemc_exact_duplicate_rows_kept_once(tmp_path):
    rows = cnemc_rows("20190102", 1, {"1001A": HOUR_B})
    f = write(tmp_path / "f.csv", "date,hour,type,1001A", rows + rows[3:5])
    assert_frame_equal(
        air.read_cnemc(f), air.read_cnemc(write(tmp_path / "g.csv", "date,hour,type,1001A", rows))
    )


def test_cnemc_repeated_station_column_identical_kept_once(tmp_path):
    # The real archive file of 2019-07-15 lists 3207A twice with identical values.
    rows = [r + "," + r.split(",")[-1] for r in cnemc_rows("20190102", 1, {"3207A": HOUR_B})]
    hours = air.read_cnemc(write(tmp_path / "f.csv", "date,hour,type,3207A,3207A", rows))
    assert hours.height == 1
    assert hours.row(0, named=True)["PM2.5"] == 40
    rows[3] = rows[3][:-2] + "71"  # PM10 row: 70 in the first column, 71 in the second
    raises(
        lambda: air.read_cnemc(write(tmp_path / "g.csv", "date,hour,type,3207A,3207A", rows)),
        "g.csv", "row 4", "column '3207A'", "appears twice with different values",
        "expected the same value in both 3207A columns (70.0)", "found 71.0",
    )  # fmt: skip


# ----------------------------------------------------------------------------- CNEMC errors


def test_cnemc_unknown_type(tmp_path):
    rows = cnemc_rows("20190102", 1, {"1001A": HOUR_B})
    rows[4] = rows[4].replace("PM10_24h", "PM10_8h")
    raises(
        lambda: air.read_cnemc(write(tmp_path / "f.csv", "date,hour,type,1001A", rows)),
        "f.csv", "row 5", "column 'type'", "unknown type", "expected one of ['AQI'",
        "found 'PM10_8h'",
    )  # fmt: skip


@pytest.mark.parametrize("bad", ["Beijing", "1001", "1001a", "10011A", "PM2.5"])
def test_cnemc_station_column_not_a_code(tmp_path, bad):
    rows = [r + ",1" for r in cnemc_rows("20190102", 1, {"1001A": HOUR_B})]
    raises(
        lambda: air.read_cnemc(write(tmp_path / "f.csv", f"date,hour,type,1001A,{bad}", rows)),
        "f.csv", f"column {bad!r}", "not a station code", "like 1001A", f"found {bad!r}",
    )  # fmt: skip


def test_cnemc_header_must_start_date_hour_type(tmp_path):
    rows = cnemc_rows("20190102", 1, {"1001A": HOUR_B})
    raises(
        lambda: air.read_cnemc(write(tmp_path / "f.csv", "day,hour,type,1001A", rows)),
        "f.csv", "not the CNEMC archive layout", "date,hour,type", "found 'day,hour,type'",
    )  # fmt: skip


def test_cnemc_text_in_numeric_cell(tmp_path):
    rows = cnemc_rows("20190102", 1, {"1001A": HOUR_B, "1002A": HOUR_B})
    rows[7] = rows[7].rsplit(",", 1)[0] + ",—"  # NO2 row, 1002A
    raises(
        lambda: air.read_cnemc(write(tmp_path / "f.csv", "date,hour,type,1001A,1002A", rows)),
        "f.csv", "row 8", "column '1002A'", "text in a numeric cell", "a number or an empty cell",
        "found '—'",
    )  # fmt: skip


def test_cnemc_nan_text_is_not_a_number(tmp_path):
    rows = cnemc_rows("20190102", 1, {"1001A": HOUR_B})
    rows[9] = rows[9].rsplit(",", 1)[0] + ",NaN"  # O3
    raises(
        lambda: air.read_cnemc(write(tmp_path / "f.csv", "date,hour,type,1001A", rows)),
        "row 10",
        "column '1001A'",
        "not a finite number",
    )


def test_cnemc_negative_concentration(tmp_path):
    rows = cnemc_rows("20190102", 1, {"1001A": HOUR_B, "1002A": HOUR_B})
    rows[5] = rows[5].rsplit(",", 1)[0] + ",-3"  # SO2, 1002A
    raises(
        lambda: air.read_cnemc(write(tmp_path / "f.csv", "date,hour,type,1001A,1002A", rows)),
        "f.csv", "row 6", "column '1002A'", "negative value", "expected >= 0", "found -3.0",
    )  # fmt: skip


def test_cnemc_zero_is_a_valid_value(tmp_path):
    zero = [0] * 15
    hours = air.read_cnemc(
        write(
            tmp_path / "f.csv", "date,hour,type,1001A", cnemc_rows("20190102", 1, {"1001A": zero})
        )
    )
    assert hours.row(0, named=True)["SO2"] == 0.0


def test_cnemc_co_in_ug_m3_asks_for_unit(tmp_path):
    # The plausibility bound is CO_MG_M3_PLAUSIBLE_MAX = 60 mg/m3 (table plausibility_bounds):
    # 60 passes, 100.1 fails.
    assert air.CO_MG_M3_PLAUSIBLE_MAX == 60.0
    edge = [*HOUR_B]
    edge[13] = 60
    ok = write(
        tmp_path / "ok.csv", "date,hour,type,1001A", cnemc_rows("20190102", 1, {"1001A": edge})
    )
    assert air.read_cnemc(ok).row(0, named=True)["CO"] == 60.0
    ug = [*HOUR_B]
    ug[13], ug[14] = 100.1, 900
    f = write(tmp_path / "ug.csv", "date,hour,type,1001A", cnemc_rows("20190102", 1, {"1001A": ug}))
    raises(
        lambda: air.read_cnemc(f),
        "ug.csv", "row 14", "column '1001A'", "co_unit='ug/m3'", "found 100.1",
    )  # fmt: skip
    hours = air.read_cnemc(f, co_unit="ug/m3")
    row = hours.row(0, named=True)
    assert row["CO"] == pytest.approx(0.1001)  # 100.1 ug/m3 / 1000
    assert row["CO_24h"] == pytest.approx(0.9)  # 900 ug/m3 / 1000
    assert row["PM2.5"] == 40  # other pollutants untouched
    raises(lambda: air.read_cnemc(f, co_unit="ppm"), "unknown CO unit", "found 'ppm'")


def test_cnemc_same_hour_twice_with_different_values(tmp_path):
    rows = cnemc_rows("20190102", 1, {"1001A": HOUR_B})
    rows.append("20190102,1,PM2.5,45")
    raises(
        lambda: air.read_cnemc(write(tmp_path / "f.csv", "date,hour,type,1001A", rows)),
        "f.csv", "row 16", "column '1001A'", "appear twice with different values",
        "expected the value of row 2 (40.0)", "found 45.0",
    )  # fmt: skip


def test_cnemc_station_missing_from_station_list(tmp_path):
    f = two_hour_file(tmp_path / "f.csv")
    stations = pl.DataFrame({"station": ["1001A"], "city": ["北京"]})
    raises(
        lambda: air.read_cnemc(f, stations=stations),
        "f.csv", "column '1002A'", "missing from the station list", "found '1002A'",
    )  # fmt: skip
    # codes, a pandas list and a path are accepted too; a complete list passes
    assert air.read_cnemc(f, stations=["1001A", "1002A"]).height == 3
    assert air.read_cnemc(f, stations=pd.DataFrame({"station": ["1001A", "1002A"]})).height == 3
    lst = tmp_path / "stations.csv"
    lst.write_text(
        "station,name,city,lon,lat,background,province\n"
        "1001A,a,X,116,39,N,P\n1002A,b,X,116,40,Y,P\n"
    )
    assert air.read_cnemc(f, stations=lst).height == 3


def test_cnemc_empty_file(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    raises(lambda: air.read_cnemc(empty), "empty.csv", "empty file", "found '0 bytes'")
    header_only = write(tmp_path / "header.csv", "date,hour,type,1001A", [])
    raises(lambda: air.read_cnemc(header_only), "header.csv", "empty file", "header only")
    empty_gz = tmp_path / "empty.csv.gz"
    empty_gz.write_bytes(gzip.compress(b""))
    raises(lambda: air.read_cnemc(empty_gz), "empty.csv.gz", "empty file")


def test_cnemc_truncated_gzip(tmp_path):
    good = two_hour_file(tmp_path / "good.csv.gz", gz=True)
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(good.read_bytes()[:-30])
    raises(
        lambda: air.read_cnemc(cut),
        "cut.csv.gz", "truncated or corrupt gzip file", "a complete gzip stream",
    )  # fmt: skip


def test_cnemc_bad_hour_and_date(tmp_path):
    rows = cnemc_rows("20190102", 24, {"1001A": HOUR_B})
    raises(
        lambda: air.read_cnemc(write(tmp_path / "h.csv", "date,hour,type,1001A", rows)),
        "h.csv", "row 1", "column 'hour'", "0..23", "found '24'",
    )  # fmt: skip
    rows = cnemc_rows("20190102", 1, {"1001A": HOUR_B}) + cnemc_rows(
        "20190230", 1, {"1001A": HOUR_B}
    )
    raises(
        lambda: air.read_cnemc(write(tmp_path / "d.csv", "date,hour,type,1001A", rows)),
        "d.csv", "row 16", "column 'date'", "YYYYMMDD", "found '20190230'",
    )  # fmt: skip


def test_cnemc_aqi_must_be_integer(tmp_path):
    rows = cnemc_rows("20190102", 1, {"1001A": HOUR_B})
    rows[0] = rows[0].replace(",60", ",60.5")
    raises(
        lambda: air.read_cnemc(write(tmp_path / "f.csv", "date,hour,type,1001A", rows)),
        "row 1", "column '1001A'", "AQI is not an integer", "found 60.5",
    )  # fmt: skip


def test_cnemc_missing_sources(tmp_path):
    raises(lambda: air.read_cnemc(tmp_path / "nope.csv"), "nope.csv", "file not found")
    raises(lambda: air.read_cnemc(str(tmp_path / "*.csv")), "no file matches the pattern")
    raises(lambda: air.read_cnemc(tmp_path), "no CNEMC", "china_sites_*.csv")
    raises(lambda: air.read_cnemc([]), "empty list")


def test_io_package_reexports():
    assert iio.read_cnemc is air.read_cnemc
    # every public air reader is re-exported from indicators.io
    assert set(iio.__all__) >= set(air.__all__) - {n for n in air.__all__ if n.isupper()}


# ----------------------------------------------------------------------------- station list

STATION_CSV = (
    "监测点编码,监测点名称,城市,经度,纬度,对照点,省级行政区,地级行政区\n"
    "1001A,万寿西宫,北京,116.3621,39.8784,N,北京市,北京市\n"
    "1002A,定陵(对照点),北京,116.2202,40.2915,Y,北京市,北京市\n"
    "1959A,监测站,寿光,118.746,36.881,N,山东省,潍坊市\n"
    "1045A,市政府,秦皇岛,,,N,河北省,秦皇岛市\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_station_list_encodings(tmp_path, encoding):
    p = tmp_path / "list.csv"
    p.write_bytes(STATION_CSV.encode(encoding))
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            p.read_bytes().decode("utf-8")  # the test file really is not UTF-8
    st_ = air.read_station_list(p)
    assert st_.columns == [
        "station",
        "name",
        "city",
        "lon",
        "lat",
        "background",
        "province",
        "prefecture",
    ]
    assert st_.schema["background"] == pl.Boolean
    assert st_.row(1) == (
        "1002A",
        "定陵(对照点)",
        "北京",
        116.2202,
        40.2915,
        True,
        "北京市",
        "北京市",
    )
    assert st_["background"].to_list() == [False, True, False, False]
    assert st_.row(2, named=True)["prefecture"] == "潍坊市"  # 寿光 is a county-level city
    assert st_.row(3, named=True)["lon"] is None  # empty coordinates stay null


def test_station_list_english_and_parquet(tmp_path):
    from indicators.demo import station_list

    demo = station_list()
    pq = tmp_path / "stations.parquet"
    demo.write_parquet(pq)
    assert_frame_equal(air.read_station_list(pq), demo)
    csv_path = tmp_path / "stations.csv"
    demo.with_columns(pl.col("background").replace_strict({True: "Y", False: "N"})).write_csv(
        csv_path
    )
    assert_frame_equal(air.read_station_list(csv_path), demo)


def test_station_list_errors(tmp_path):
    def bad(text: str) -> Path:
        p = tmp_path / "bad.csv"
        p.write_text(text)
        return p

    head = "station,name,city,lon,lat,background,province\n"
    raises(
        lambda: air.read_station_list(bad(head + "1001A,a,X,116,39,maybe,P\n")),
        "bad.csv", "row 1", "column 'background'", "unknown background flag", "found 'maybe'",
    )  # fmt: skip
    raises(
        lambda: air.read_station_list(bad(head + "1001A,a,X,116,39,N,P\n1001A,b,X,116,39,N,P\n")),
        "row 2", "column 'station'", "appears twice (rows 1 and 2)", "found '1001A'",
    )  # fmt: skip
    raises(
        lambda: air.read_station_list(bad(head + "1001A,a,X,east,39,N,P\n")),
        "row 1", "column 'lon'", "not a number", "found 'east'",
    )  # fmt: skip
    raises(
        lambda: air.read_station_list(bad(head + "1001A,a,X,116,91,N,P\n")),
        "row 1", "column 'lat'", "out of range", "-90..90", "found 91.0",
    )  # fmt: skip
    raises(
        lambda: air.read_station_list(bad(head + "B-01,a,X,116,39,N,P\n")),
        "row 1", "column 'station'", "not a station code", "found 'B-01'",
    )  # fmt: skip
    raises(
        lambda: air.read_station_list(bad("station,name,city,lon,lat,province\n1001A,a,X,1,2,P\n")),
        "bad.csv", "column 'background'", "column missing", "对照点",
    )  # fmt: skip


# ----------------------------------------------------------------------------- UCI (synthetic)

UCI_HEADER = (
    '"No","year","month","day","hour","PM2.5","PM10","SO2","NO2","CO","O3",'
    '"TEMP","PRES","DEWP","RAIN","wd","WSPM","station"'
)


def uci_row(no, y, m, d, h, pm25, pm10, so2, no2, co, o3, station="Dingling"):
    return f'{no},{y},{m},{d},{h},{pm25},{pm10},{so2},{no2},{co},{o3},1,1000,-5,0,"N",2,"{station}"'


def test_uci_synthetic_values_time_and_co(tmp_path):
    rows = [
        uci_row(1, 2013, 3, 1, 0, 4, 4, 3, "NA", 200, 82),
        uci_row(2, 2013, 3, 1, 23, 10, 12, 5, 20, 1500, 30),
    ]
    write(tmp_path / "PRSA_Data_Dingling_20130301-20170228.csv.gz", UCI_HEADER, rows, gz=True)
    hours = air.read_uci_beijing(tmp_path)
    assert hours.columns == ["station", "time", "SO2", "NO2", "PM10", "CO", "O3", "PM2.5"]
    # Dingling -> 1002A; hour 0 of 2013-03-01 -> time 2013-03-01 00:00 (closes 2013-02-28);
    # CO 200 ug/m3 -> 0.2 mg/m3, 1500 -> 1.5; NA -> null.
    assert hours.rows() == [
        ("1002A", datetime(2013, 3, 1, 0), 3.0, None, 4.0, 0.2, 82.0, 4.0),
        ("1002A", datetime(2013, 3, 1, 23), 5.0, 20.0, 12.0, 1.5, 30.0, 10.0),
    ]


def test_uci_errors(tmp_path):
    def one(row: str) -> Path:
        folder = Path(tempfile.mkdtemp(dir=tmp_path))
        write(folder / "PRSA_Data_X_20130301-20170228.csv", UCI_HEADER, [row])
        return folder

    raises(
        lambda: air.read_uci_beijing(one(uci_row(1, 2013, 3, 1, 0, 4, 4, 3, 5, 200, 8, "Haidian"))),
        "PRSA_Data_X", "row 1", "column 'station'", "unknown UCI station", "found 'Haidian'",
    )  # fmt: skip
    raises(
        lambda: air.read_uci_beijing(one(uci_row(1, 2013, 3, 1, 0, 4, -4, 3, 5, 200, 8))),
        "row 1", "column 'PM10'", "negative value", "found -4.0",
    )  # fmt: skip
    raises(
        lambda: air.read_uci_beijing(one(uci_row(1, 2013, 3, 1, 0, 4, 4, "n/a", 5, 200, 8))),
        "row 1", "column 'SO2'", "text in a numeric cell", "found 'n/a'",
    )  # fmt: skip
    raises(
        lambda: air.read_uci_beijing(one(uci_row(1, 2013, 2, 30, 0, 4, 4, 3, 5, 200, 8))),
        "row 1", "column 'day'", "not a date", "found '2013-2-30'",
    )  # fmt: skip
    raises(
        lambda: air.read_uci_beijing(one(uci_row(1, 2013, 3, 1, 24, 4, 4, 3, 5, 200, 8))),
        "row 1", "column 'hour'", "0..23", "found 24",
    )  # fmt: skip


def test_uci_station_names_match_station_list_names():
    # Names in the CNEMC station list (station_list_cnemc.csv), copied here by hand.
    listed = {
        "1001A": "万寿西宫", "1002A": "定陵(对照点)", "1003A": "东四", "1004A": "天坛",
        "1005A": "农展馆", "1006A": "官园", "1007A": "海淀万柳", "1008A": "顺义新城",
        "1009A": "怀柔镇", "1010A": "昌平镇", "1011A": "奥体中心", "1012A": "古城",
    }  # fmt: skip
    mapped = {code: zh for code, zh in air.UCI_BEIJING_STATIONS.values()}
    assert mapped == {k: v.removesuffix("(对照点)") for k, v in listed.items()}


# ----------------------------------------------------------------------------- own format


def hours_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "station": ["1001A", "1001A", "1002A"],
            "time": [datetime(2019, 1, 1, 1), datetime(2019, 1, 1, 2), datetime(2019, 1, 1, 1)],
            "SO2": [15.0, 14.0, None],
            "NO2": [75.0, 74.0, 30.0],
            "PM10": [76.0, 75.0, 20.0],
            "CO": [1.2, 1.2, 0.4],
            "O3": [None, 3.0, 50.0],
            "PM2.5": [53.0, 53.0, 12.0],
            "aqi_published": [73, 73, 25],
        }
    )


@pytest.mark.parametrize("name", ["h.parquet", "h.csv", "h.csv.gz"])
def test_station_hours_round_trip(tmp_path, name):
    df = hours_frame()
    path = air.write_station_hours(df, tmp_path / name)
    assert_frame_equal(air.read_station_hours(path), df)
    if name == "h.csv":
        assert (
            path.read_text().splitlines()[1]
            == "1001A,2019-01-01 01:00:00,15.0,75.0,76.0,1.2,,53.0,73"
        )


def test_station_hours_pandas_lazy_and_time_zone(tmp_path):
    df = hours_frame()
    assert_frame_equal(air.validate_station_hours(df.to_pandas()), df)
    p = air.write_station_hours(df.lazy(), tmp_path / "lazy.parquet")
    assert_frame_equal(air.read_station_hours(p), df)
    utc = df.with_columns(
        pl.col("time").dt.replace_time_zone("Asia/Shanghai").dt.convert_time_zone("UTC")
    )
    assert_frame_equal(air.validate_station_hours(utc), df)  # back to naive CST


def test_station_hours_errors(tmp_path):
    df = hours_frame()
    raises(
        lambda: air.validate_station_hours(df.drop("O3"), name="mine.parquet"),
        "mine.parquet", "column 'O3'", "required column missing",
    )  # fmt: skip
    dup = pl.concat([df, df.slice(1, 1)])
    raises(
        lambda: air.validate_station_hours(dup),
        "row 4", "column 'time'", "appears twice", "also row 2",
        "found '1001A 2019-01-01 02:00:00'",
    )  # fmt: skip
    raises(
        lambda: air.validate_station_hours(df.with_columns(pl.col("NO2") - 40)),
        "row 3", "column 'NO2'", "negative value", "found -10.0",
    )  # fmt: skip
    raises(
        lambda: air.validate_station_hours(df.with_columns(pl.col("CO") * 1000)),
        "row 1", "column 'CO'", "mg/m", "found 1200.0",
    )  # fmt: skip
    off = df.with_columns(pl.col("time") + timedelta(minutes=30))
    raises(lambda: air.validate_station_hours(off), "row 1", "not on the hour")
    raises(
        lambda: air.validate_station_hours(df.with_columns(station=pl.lit("Dongsi"))),
        "row 1", "column 'station'", "not a station code", "found 'Dongsi'",
    )  # fmt: skip
    p = tmp_path / "text.csv"
    p.write_text("station,time,SO2,NO2,PM10,CO,O3,PM2.5\n1001A,2019-01-01 01:00,1,2,3,0.4,x,6\n")
    raises(
        lambda: air.read_station_hours(p),
        "text.csv", "row 1", "column 'O3'", "text in a numeric cell", "found 'x'",
    )  # fmt: skip
    p.write_text("station,time,SO2,NO2,PM10,CO,O3,PM2.5\n1001A,01/01/2019 1:00,1,2,3,0.4,5,6\n")
    raises(lambda: air.read_station_hours(p), "row 1", "column 'time'", "not a date-time")
    raises(
        lambda: air.write_station_hours(df, tmp_path / "h.xlsx"),
        "h.xlsx", "unknown file type",
    )  # fmt: skip


def test_station_hours_empty_frame():
    empty = hours_frame().clear()
    out = air.validate_station_hours(empty)
    assert out.height == 0
    assert out.schema == hours_frame().schema


def test_station_hours_all_null_pollutant():
    df = hours_frame().with_columns(pl.lit(None).alias("SO2"))
    out = air.validate_station_hours(df)
    assert out.schema["SO2"] == pl.Float64
    assert out["SO2"].null_count() == 3


# ----------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def eight_cities(cnemc_dir):
    t0 = timer.perf_counter()
    hours = air.read_cnemc(cnemc_dir / "china_sites_2019_8cities.csv.gz")
    return hours, timer.perf_counter() - t0


@pytest.mark.realdata
def test_real_8cities_head_and_count(eight_cities, cnemc_dir):
    hours, seconds = eight_cities
    # Head of the file: 20190101,0,AQI,73,...; 20190101,0,PM2.5,53,...; CO 1.2.
    row = hours.filter(station="1001A", time=datetime(2019, 1, 1, 0)).row(0, named=True)
    assert (row["PM2.5"], row["aqi_published"], row["CO"], row["NO2"], row["O3"]) == (
        53, 73, 1.2, 75, None,
    )  # fmt: skip
    assert hours["station"].n_unique() == 75
    # Independent count: cells with a value, unpivoted, distinct (date, hour, station).
    path = cnemc_dir / "china_sites_2019_8cities.csv.gz"
    codes = pl.read_csv(path, n_rows=0).columns[3:]
    raw = pl.read_csv(path, schema_overrides=dict.fromkeys(codes, pl.Float64))
    long = raw.unpivot(index=["date", "hour"], on=codes, variable_name="station").drop_nulls()
    expected = long.select(pl.struct("date", "hour", "station").n_unique()).item()
    assert hours.height == expected == 623_345
    # "well under 2 s": measured 0.6-1 s idle, ~3 s with the 2 cores under load 5;
    # a loose bound that still catches a slow (row-loop or string unpivot) regression.
    assert seconds < 10


@pytest.mark.realdata
def test_real_8cities_with_station_list(cnemc_dir, eight_cities, tmp_path):
    stations = air.read_station_list(cnemc_dir / "station_list_cnemc.csv")
    assert stations.height == 2026
    assert stations.filter(station="1002A").row(0, named=True)["background"] is True
    assert stations.filter(station="1001A").row(0) == (
        "1001A", "万寿西宫", "北京", 116.3621, 39.8784, False, "北京市", "北京市",
    )  # fmt: skip
    assert stations["lon"].null_count() == 10  # ten stations without coordinates
    # all 75 station columns of the 8-city file are in the list (checked on one day)
    with gzip.open(cnemc_dir / "china_sites_2019_8cities.csv.gz", "rt") as fh:
        head = "".join(fh.readline() for _ in range(16))
    one_hour = tmp_path / "china_sites_20190101_h0.csv"
    one_hour.write_text(head)
    hours, _ = eight_cities
    assert_frame_equal(
        air.read_cnemc(one_hour, stations=stations), hours.filter(time=datetime(2019, 1, 1, 0))
    )


@pytest.mark.realdata
def test_real_station_list_gb18030_copy(cnemc_dir, tmp_path):
    original = cnemc_dir / "station_list_cnemc.csv"
    copy = tmp_path / "station_list_gb18030.csv"
    copy.write_bytes(original.read_text(encoding="utf-8").encode("gb18030"))
    assert_frame_equal(air.read_station_list(copy), air.read_station_list(original))


@pytest.mark.realdata
def test_real_full_daily_file(cnemc_dir):
    path = cnemc_dir / "china_sites_20190101.csv.gz"
    header = gzip.open(path, "rt").readline().strip().split(",")
    assert len(header) - 3 == 1605
    hours = air.read_cnemc(path)
    assert hours["station"].n_unique() <= 1605
    assert hours["time"].min() == datetime(2019, 1, 1, 0)
    assert hours["time"].max() == datetime(2019, 1, 1, 23)
    assert (
        hours.filter(station="1001A", time=datetime(2019, 1, 1, 0)).row(0, named=True)[
            "aqi_published"
        ]
        == 73
    )
    # 1777A and 1946A are in the 2019 archive but not in the 2020 station list
    stations = air.read_station_list(cnemc_dir / "station_list_cnemc.csv")
    raises(
        lambda: air.read_cnemc(path, stations=stations),
        "china_sites_20190101.csv.gz", "column '1777A'", "missing from the station list",
    )  # fmt: skip


@pytest.mark.realdata
def test_real_overlapping_archive_files_agree(cnemc_dir, eight_cities, tmp_path):
    # The daily file of 2019-07-15 (3207A listed twice, identical) overlaps the 8-city
    # file. Read it with the 2019-07-15 rows of the 8-city file (written to tmp_path):
    # every shared station-hour must be identical, else read_cnemc raises.
    with gzip.open(cnemc_dir / "china_sites_2019_8cities.csv.gz", "rt") as fh:
        header = fh.readline()
        rows = [line for line in fh if line.startswith("20190715,")]
    subset = tmp_path / "china_sites_20190715_8cities.csv"
    subset.write_text(header + "".join(rows))
    daily = air.read_cnemc(cnemc_dir / "china_sites_20190715.csv.gz")
    both = air.read_cnemc([subset, cnemc_dir / "china_sites_20190715.csv.gz"])
    hours, _ = eight_cities
    day = hours.filter(pl.col("time").dt.date() == date(2019, 7, 15))
    assert_frame_equal(air.read_cnemc(subset), day)
    shared = daily.join(day.select("station", "time"), on=["station", "time"]).height
    assert shared == day.height  # all 8-city station-hours of the day are in the daily file
    assert both.height == daily.height
    assert_frame_equal(both, daily)
    assert daily.filter(station="3207A").height == 24


@pytest.fixture(scope="module")
def uci(uci_dir):
    return air.read_uci_beijing(uci_dir)


@pytest.mark.realdata
def test_real_uci(uci):
    counts = uci.group_by("station").len().sort("station")
    assert counts["station"].to_list() == [f"10{k:02d}A" for k in range(1, 13)]
    assert counts["len"].to_list() == [35_064] * 12  # 1,461 days x 24 h
    # Dongsi first row: 2013-03-01 hour 0, CO 300 ug/m3 -> 0.3 mg/m3, PM2.5 9, O3 89.
    first = uci.filter(station="1003A").row(0, named=True)
    assert first["time"] == datetime(2013, 3, 1, 0)
    assert (first["CO"], first["PM2.5"], first["O3"]) == (0.3, 9.0, 89.0)
    assert uci["time"].max() == datetime(2017, 2, 28, 23)
    assert uci.filter(station="1002A").height == 35_064  # Dingling


@pytest.mark.realdata
def test_real_uci_hour_convention_matches_cnemc(uci, eight_cities):
    # Mean summer (Jun-Aug) O3 by hour label: the photochemical peak and trough fall on
    # the same labels in UCI 2013-2016 and CNEMC 2019 for the same 12 Beijing stations,
    # which supports reading UCI hour h as hour-ending like CNEMC (see read_uci_beijing).
    hours, _ = eight_cities
    beijing = [f"10{k:02d}A" for k in range(1, 13)]

    def cycle(df: pl.DataFrame) -> pl.DataFrame:
        return (
            df.filter(pl.col("station").is_in(beijing), pl.col("time").dt.month().is_in([6, 7, 8]))
            .group_by(pl.col("time").dt.hour().alias("label"))
            .agg(pl.col("O3").mean())
            .sort("O3")
        )

    u, c = cycle(uci), cycle(hours)
    assert (u["label"][-1], c["label"][-1]) == (16, 16)  # peak
    assert (u["label"][0], c["label"][0]) == (7, 7)  # trough
