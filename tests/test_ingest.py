"""``indicators ingest``: format detection, the data folder it writes, increments and conflicts."""

from __future__ import annotations

import gzip
import hashlib
import importlib
import itertools
import json
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from indicators import check, cli, contract, io
from indicators.errors import IndicatorInputError
from indicators.ingest import FORMATS, detect_format, ingest
from indicators.io.air import CNEMC_TYPES
from indicators.targets import read_targets

STATIONS_ZH = (
    "监测点编码,监测点名称,城市,经度,纬度,对照点,省级行政区\n"
    "1001A,万寿西宫,北京,116.366,39.8673,N,北京市\n"
    "1002A,定陵(对照点),北京,116.2202,40.2915,Y,北京市\n"
)


def cnemc_day(path: Path, day: str, stations=("1001A", "1002A"), bump: float = 0.0) -> Path:
    """A CNEMC daily file (hours 0..2) with simple values; ``bump`` changes PM2.5."""
    lines = ["date,hour,type," + ",".join(stations)]
    for hour in range(3):
        for k, ty in enumerate(CNEMC_TYPES):
            value = 1.0 + 0.1 * hour if ty.startswith("CO") else float(10 + k + hour)
            if ty == "PM2.5":
                value += bump
            cells = ",".join(f"{value:g}" for _ in stations)
            lines.append(f"{day},{hour},{ty},{cells}")
    text = "\n".join(lines) + "\n"
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


SMALL_FILES = {
    "station_list": ("stations.csv", STATIONS_ZH),
    "station_hours": (
        "hours.csv",
        "station,time,SO2,NO2,PM10,CO,O3,PM2.5\n1001A,2019-01-01 01:00:00,15,75,76,1.2,,53\n",
    ),
    "uci_beijing": (
        "PRSA_Data_Dongsi_20130301-20170228.csv",
        '"No","year","month","day","hour","PM2.5","PM10","SO2","NO2","CO","O3",'
        '"TEMP","PRES","DEWP","RAIN","wd","WSPM","station"\n'
        '1,2013,3,1,0,9,9,3,17,300,89,-0.5,1024.5,-21.4,0,"NNW",5.7,"Dongsi"\n',
    ),
    "water_sections": (
        "sections.csv",
        "断面编码,断面名称,水体类型,城市,水质目标\nS1,大桥,河流,清河市,III\n",
    ),
    "water_results": (
        "results.csv",
        "断面编码,采样日期,项目,监测值,单位\nS1,2025-01-05,氨氮,0.52,mg/L\n",
    ),
    "drinking_sources": (
        "sources.csv",
        "水源地编码,水源地名称,水源地类型,城市,供水量\nD1,北井,地下水,清河市,5\n",
    ),
    "sea_points": ("points.csv", "点位编码,点位名称,城市,代表面积\nP1,湾口,清河市,3.5\n"),
    "sea_results": (
        "sea.csv",
        "点位编码,采样日期,项目,监测值,单位,航次\nP1,2025-05-05,pH,8.1,无量纲,春季\n",
    ),
    "blackodorous_ledger": (
        "ledger.csv",
        "编号,城市,水体名称,类型,长度（km）,认定日期\n001,清河市,东沟,河道,2.4,2016-03-01\n",
    ),
    "blackodorous_status": ("status.csv", "编号,状态,日期\n001,已认定,2016/3/1\n"),
    "blackodorous_monitoring": (
        "monitoring.csv",
        "编号,点位,位置(km),日期,透明度,溶解氧,氧化还原电位,氨氮\n001,A,0.5,2016-05-01,30,1.5,-50,9.1\n",
    ),
    "blackodorous_surveys": (
        "surveys.csv",
        "编号,调查日期,调查人数,满意率\n001,2017-06-01,120,0.92\n",
    ),
    "noise_functional": (
        "functional.csv",
        "城市,测点,功能区类别,年份,季度,昼间,夜间\n清河市,N1,4a类,2025,1,66.2,56.0\n",
    ),
    "noise_regional": ("regional.csv", "城市,年份,网格编号,昼间\n清河市,2025,G001,54.3\n"),
    "noise_traffic": (
        "traffic.csv",
        "城市,年份,路段名称,长度（km）,昼间\n清河市,2025,人民路,2.1,68.4\n",
    ),
    "dust": ("dust.csv", "城市,日期,小时数\n北京,2019-03-27,6\n"),
}


@pytest.mark.parametrize("fmt", sorted(SMALL_FILES))
def test_detects_each_small_format_from_content(tmp_path: Path, fmt: str) -> None:
    _, text = SMALL_FILES[fmt]
    path = tmp_path / "renamed.data.csv"  # the name says nothing
    path.write_text(text, encoding="utf-8")
    assert detect_format(path) == fmt
    assert fmt in FORMATS


def test_detects_cnemc_gzip_gb18030_parquet_xlsx_and_chinese_headers(tmp_path: Path) -> None:
    assert detect_format(cnemc_day(tmp_path / "a.csv.gz", "20190101")) == "cnemc"
    assert detect_format(cnemc_day(tmp_path / "b.txt", "20190101")) == "cnemc"
    gb = tmp_path / "gb.csv"
    gb.write_bytes(STATIONS_ZH.encode("gb18030"))
    assert detect_format(gb) == "station_list"
    zh = tmp_path / "zh.csv"
    zh.write_text(
        "监测点编码,时间,二氧化硫,二氧化氮,可吸入颗粒物,一氧化碳,臭氧,细颗粒物(μg/m³)\n"
        "1001A,2019-01-01 01:00,15,75,76,1.2,,53\n",
        encoding="utf-8",
    )
    assert detect_format(zh) == "station_hours"
    frame = io.read_station_hours(_write(tmp_path / "h.csv", SMALL_FILES["station_hours"][1]))
    frame.write_parquet(tmp_path / "h.parquet")
    assert detect_format(tmp_path / "h.parquet") == "station_hours"
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "监测点编码",
            "时间",
            "二氧化硫",
            "二氧化氮",
            "可吸入颗粒物",
            "一氧化碳",
            "臭氧",
            "细颗粒物",
        ]
    )
    sheet.append(["1001A", "2019-01-01 02:00", 15, 75, 76, 1.2, None, 60])
    book.save(tmp_path / "h.xlsx")
    assert detect_format(tmp_path / "h.xlsx") == "station_hours"
    done = ingest([tmp_path / "h.xlsx", zh, gb], tmp_path / "out", progress=False)
    hours = pl.read_parquet(contract.table_file(tmp_path / "out", "station_hours"))
    assert hours.select("station", "time", "PM2.5", "CO").rows() == [
        ("1001A", datetime(2019, 1, 1, 1), 53.0, 1.2),
        ("1001A", datetime(2019, 1, 1, 2), 60.0, 1.2),
    ]
    assert done["tables"]["stations"]["rows"] == 2


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_ingests_every_small_format_into_its_contract_table(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for fmt, (name, text) in SMALL_FILES.items():
        if fmt != "uci_beijing":  # UCI codes are 1001A..: the station list has 1001A, 1002A
            _write(src / name, text)
    (src / "README.md").write_text("notes", encoding="utf-8")
    done = ingest(src, tmp_path / "out", progress=False)
    assert {s["name"] for s in done["skipped"]} == set()  # README.md is not a data file
    tables = done["tables"]
    wanted = {FORMATS[f][0] for f in SMALL_FILES if f != "uci_beijing"}
    assert set(tables) == wanted
    assert {n for n, t in tables.items() if t["rows"] != 1} == {"stations"}
    manifest = json.loads((tmp_path / "out" / contract.MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["tables"]) == wanted
    by_format = {s["format"] for e in manifest["tables"].values() for s in e["sources"]}
    assert by_format == {f for f in SMALL_FILES if f != "uci_beijing"}
    sea = pl.read_parquet(contract.table_file(tmp_path / "out", "sea_results"))
    assert sea.select("site", "item", "value", "campaign").row(0) == ("P1", "pH", 8.1, "春季")
    for name in tables:
        path = contract.table_file(tmp_path / "out", name)
        contract.check_schema(name, pl.read_parquet_schema(path), file=str(path))


def test_results_go_to_drinking_results_when_their_sites_are_sources(tmp_path: Path) -> None:
    src = _write(tmp_path / "sources.csv", SMALL_FILES["drinking_sources"][1])
    res = _write(
        tmp_path / "r.csv", "水源地编码,采样日期,项目,监测值,单位\nD1,2025-01-05,氨氮,0.1,mg/L\n"
    )
    done = ingest([res, src], tmp_path / "out", progress=False)
    assert set(done["tables"]) == {"drinking_sources", "drinking_results"}


def test_unknown_format_is_an_error_naming_the_file_and_the_formats(tmp_path: Path) -> None:
    odd = _write(tmp_path / "odd.csv", "foo,bar\n1,2\n")
    with pytest.raises(IndicatorInputError, match="unrecognised file format") as err:
        ingest([odd], tmp_path / "out", progress=False)
    assert str(odd) in str(err.value)
    assert "cnemc" in str(err.value) and "station_list" in str(err.value)
    assert not (tmp_path / "out" / contract.MANIFEST).exists()
    with pytest.raises(IndicatorInputError, match="UTF-8, UTF-8 with BOM or GB18030"):
        detect_format(_write_bytes(tmp_path / "bad.csv", b"\xff\xfe\x00a,b\n"))


def test_a_mostly_utf8_file_with_a_bad_byte_is_an_error_not_gb18030(tmp_path: Path) -> None:
    """The same strict decoding as the readers (validation.decode_text): 北京 must not become
    鍖椾含 because one byte of a UTF-8 dust file is bad."""
    raw = "城市,日期,小时数\n北京,2019-03-27,6\n".encode() + b"\xff\n"
    bad = _write_bytes(tmp_path / "dust.csv", raw)
    with pytest.raises(IndicatorInputError, match="not valid UTF-8") as err:
        ingest([bad], tmp_path / "out", progress=False)
    assert f"offset {len(raw) - 2}" in str(err.value)


def _write_bytes(path: Path, raw: bytes) -> Path:
    path.write_bytes(raw)
    return path


def test_station_hours_without_a_station_list_is_an_error(tmp_path: Path) -> None:
    day = cnemc_day(tmp_path / "china_sites_20190101.csv", "20190101")
    with pytest.raises(IndicatorInputError, match="need a station list"):
        ingest([day], tmp_path / "out", progress=False)
    assert not (tmp_path / "out" / "station_hours.parquet").exists()
    stations = _write(tmp_path / "stations.csv", STATIONS_ZH)
    ingest([stations], tmp_path / "out", progress=False)
    done = ingest([day], tmp_path / "out", progress=False)  # the folder has the stations now
    assert done["tables"]["station_hours"]["rows"] == 6


def test_zip_glob_and_folder_sources(tmp_path: Path) -> None:
    days = tmp_path / "days"
    days.mkdir()
    for d in ("20190101", "20190102", "20190103"):
        cnemc_day(days / f"china_sites_{d}.csv.gz", d)
    stations = _write(tmp_path / "stations.csv", STATIONS_ZH)
    with zipfile.ZipFile(tmp_path / "days.zip", "w") as z:
        for p in sorted(days.iterdir()):
            z.write(p, p.name)
    by_zip = ingest([tmp_path / "days.zip", stations], tmp_path / "a", progress=False)
    by_glob = ingest([str(days / "china_sites_*.csv.gz"), stations], tmp_path / "b", progress=False)
    by_dir = ingest([days, stations], tmp_path / "c", progress=False)
    assert {r["tables"]["station_hours"]["rows"] for r in (by_zip, by_glob, by_dir)} == {18}
    hours = [pl.read_parquet(tmp_path / x / "station_hours.parquet") for x in "abc"]
    assert hours[0].equals(hours[1]) and hours[1].equals(hours[2])
    assert hours[0].equals(io.read_cnemc(days).sort("time", "station").select(hours[0].columns))


def test_conflicting_overlap_names_both_files_and_the_first_differing_row(tmp_path: Path) -> None:
    stations = _write(tmp_path / "stations.csv", STATIONS_ZH)
    a = cnemc_day(tmp_path / "china_sites_20190101.csv", "20190101")
    (tmp_path / "other").mkdir()
    b = cnemc_day(tmp_path / "other" / "china_sites_20190101.csv", "20190101", bump=5)
    with pytest.raises(IndicatorInputError, match="different values") as err:
        ingest([stations, a, b], tmp_path / "one", progress=False)
    text = str(err.value)
    assert str(a) in text and str(b) in text
    assert "station=1001A, time=2019-01-01 00:00" in text and "'PM2.5'" in text
    # the same against a folder that already holds the first file
    ingest([stations, a], tmp_path / "two", progress=False)
    before = (tmp_path / "two" / "station_hours.parquet").read_bytes()
    with pytest.raises(IndicatorInputError, match="different values") as err:
        ingest([b], tmp_path / "two", progress=False)
    assert "china_sites_20190101.csv (in " in str(err.value) and str(b) in str(err.value)
    assert "found 16.0" in str(err.value) and "11.0" in str(err.value)
    assert (tmp_path / "two" / "station_hours.parquet").read_bytes() == before


def test_basis_is_carried_and_recorded(tmp_path: Path) -> None:
    stations = _write(tmp_path / "stations.csv", STATIONS_ZH)
    day = cnemc_day(tmp_path / "china_sites_20190101.csv", "20190101")
    ingest([stations, day], tmp_path / "out", basis="审核", progress=False)
    hours = pl.read_parquet(tmp_path / "out" / "station_hours.parquet")
    assert hours["data_basis"].unique().to_list() == ["审核"]
    manifest = json.loads((tmp_path / "out" / contract.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["tables"]["station_hours"]["data_basis"] == "审核"
    with pytest.raises(IndicatorInputError, match="unknown data basis"):
        ingest([day], tmp_path / "x", basis="reviewed", progress=False)


def test_progress_lines_when_not_a_terminal(tmp_path: Path, capsys) -> None:
    stations = _write(tmp_path / "stations.csv", STATIONS_ZH)
    days = [cnemc_day(tmp_path / f"china_sites_2019010{d}.csv", f"2019010{d}") for d in (1, 2)]
    seen = []
    ingest([stations, *days], tmp_path / "cb", progress=lambda i, n, t: seen.append((i, n)))
    assert seen == [(1, 3), (3, 3)]  # the station list, then both days in one pass
    ingest([stations, *days], tmp_path / "lines")
    err = capsys.readouterr().err
    assert "ingest [1/3] stations.csv: stations 2 rows" in err and "ingest [3/3]" in err


# --------------------------------------------------------------------------- real data


def test_detects_the_real_files(cnemc_dir: Path, uci_dir: Path) -> None:
    assert detect_format(cnemc_dir / "china_sites_2019_8cities.csv.gz") == "cnemc"
    assert detect_format(cnemc_dir / "china_sites_20190101.csv.gz") == "cnemc"
    assert detect_format(cnemc_dir / "station_list_cnemc.csv") == "station_list"
    uci = next(uci_dir.glob("PRSA_Data_*.csv.gz"))
    assert detect_format(uci) == "uci_beijing"
    with pytest.raises(IndicatorInputError, match="unrecognised file format"):
        detect_format(cnemc_dir / "README.md")


def test_the_documented_form_gives_the_beijing_2019_figures(
    cnemc_dir: Path, tmp_path: Path, capsys
) -> None:
    archive = cnemc_dir / "china_sites_2019_8cities.csv.gz"
    stations = cnemc_dir / "station_list_cnemc.csv"
    folder = tmp_path / "somefolder"
    assert cli.main(["ingest", str(archive), str(stations), "--out", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "station_hours" in out and "623,345 rows" in out
    codes = io.read_station_list(stations).filter(pl.col("city") == "北京")["station"]
    hours = pl.scan_parquet(contract.table_file(folder, "station_hours"))
    beijing = hours.filter(
        pl.col("station").is_in(codes.implode()) & (pl.col("time").dt.year() == 2019)
    )
    n = beijing.select(pl.len()).collect().item()
    expected = io.read_cnemc(archive).filter(pl.col("station").is_in(codes.implode())).height
    assert n == expected == 99_814
    from indicators.report import open_report

    summary = open_report("北京", "2019", data=str(folder)).summary
    assert summary["good_day_ratio"] == pytest.approx(66.2)
    # written time-ordered with row-group statistics: a one-month read skips row groups
    meta = pq.ParquetFile(contract.table_file(folder, "station_hours")).metadata
    spans = [
        (meta.row_group(i).column(1).statistics.min, meta.row_group(i).column(1).statistics.max)
        for i in range(meta.num_row_groups)
    ]
    assert meta.num_row_groups >= 8
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    june = [s for s in spans if s[1] >= datetime(2019, 6, 1) and s[0] <= datetime(2019, 7, 1)]
    assert len(june) <= 3


def test_manifest_records_sources_rows_and_ranges(cnemc_dir: Path, tmp_path: Path) -> None:
    day = cnemc_dir / "china_sites_20190101.csv.gz"
    stations = cnemc_dir / "station_list_cnemc.csv"
    ingest([day, stations], tmp_path / "out", progress=False)
    manifest = json.loads((tmp_path / "out" / contract.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["schema_version"] == contract.SCHEMA_VERSION
    from importlib.metadata import version

    assert manifest["package_version"] == version("indicators")
    when = datetime.fromisoformat(manifest["ingested"])
    assert when.utcoffset() is not None and when.utcoffset().total_seconds() == 0
    hours = manifest["tables"]["station_hours"]
    (source,) = hours["sources"]
    assert source["name"] == "china_sites_20190101.csv.gz"
    assert source["sha256"] == hashlib.sha256(day.read_bytes()).hexdigest()
    assert source["size"] == day.stat().st_size
    read = io.read_cnemc(day)
    assert hours["rows"] == source["rows"] == read.height == 32_872
    assert hours["time_range"] == ["2019-01-01T00:00", "2019-01-01T23:00"]
    assert hours["stations"] == read["station"].n_unique() == 1_468
    assert hours["data_basis"] == "实况"
    listing = io.read_station_list(stations)
    codes = read.select("station").unique()
    assert hours["cities"] == codes.join(listing, on="station")["city"].n_unique() == 365
    listed = manifest["tables"]["stations"]
    assert listed["rows"] == 2_026 and listed["cities"] == 375
    assert listed["sources"][0]["sha256"] == hashlib.sha256(stations.read_bytes()).hexdigest()


def test_same_file_twice_changes_nothing(cnemc_dir: Path, tmp_path: Path) -> None:
    day = cnemc_dir / "china_sites_20190101.csv.gz"
    stations = cnemc_dir / "station_list_cnemc.csv"
    folder = tmp_path / "out"
    ingest([day, stations], folder, progress=False)
    files = {p.name: p.read_bytes() for p in folder.iterdir()}
    copy = tmp_path / "copy_of_day.csv.gz"  # the same bytes under another name
    shutil.copy(day, copy)
    again = ingest([day, copy], folder, progress=False)
    assert again["tables"] == {}
    assert [s["name"] for s in again["skipped"]] == [str(day), str(copy)]
    assert "already ingested as china_sites_20190101.csv.gz" in again["skipped"][0]["reason"]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == files


def test_two_daily_files_append(cnemc_dir: Path, tmp_path: Path) -> None:
    jan = cnemc_dir / "china_sites_20190101.csv.gz"
    jul = cnemc_dir / "china_sites_20190715.csv.gz"
    folder = tmp_path / "out"
    first = ingest([jan, cnemc_dir / "station_list_cnemc.csv"], folder, progress=False)
    second = ingest([jul], folder, progress=False)
    both = io.read_cnemc([jan, jul])
    n_jan = both.filter(pl.col("time") < datetime(2019, 1, 2)).height
    n_jul = both.height - n_jan
    assert first["tables"]["station_hours"]["rows"] == n_jan == 32_872
    assert second["tables"]["station_hours"] == {
        "rows": n_jan + n_jul,
        "added": n_jul,
        "file": str(contract.table_file(folder, "station_hours")),
    }
    assert "stations" not in second["tables"]
    hours = pl.read_parquet(contract.table_file(folder, "station_hours"))
    assert hours.equals(both.sort("time", "station").select(hours.columns))
    manifest = json.loads((folder / contract.MANIFEST).read_text(encoding="utf-8"))
    entry = manifest["tables"]["station_hours"]
    assert [s["name"] for s in entry["sources"]] == [jan.name, jul.name]
    assert entry["time_range"] == ["2019-01-01T00:00", "2019-07-15T23:00"]
    assert entry["sources"][1]["time_range"] == ["2019-07-15T00:00", "2019-07-15T23:00"]
    # the archive overlaps both days with the same values: merged, not an error
    third = ingest([cnemc_dir / "china_sites_2019_8cities.csv.gz"], folder, progress=False)
    archive = io.read_cnemc(cnemc_dir / "china_sites_2019_8cities.csv.gz")
    overlap = archive.filter(
        pl.col("time").dt.date().cast(pl.String).is_in(["2019-01-01", "2019-07-15"])
    )
    assert third["tables"]["station_hours"]["added"] == archive.height - overlap.height


# --------------------------------------------------------------------------- batches, memory bound

INGEST = importlib.import_module("indicators.ingest")


def cnemc_days(path: Path, bumps: dict[str, dict[str, float]]) -> Path:
    """A CNEMC file (hours 0..2 of each day of ``bumps``, 1001A and 1002A); PM2.5 = 11 + hour,
    plus ``bumps[day][station]``."""
    stations = ("1001A", "1002A")
    lines = ["date,hour,type," + ",".join(stations)]
    for day, bump in bumps.items():
        for hour in range(3):
            for k, ty in enumerate(CNEMC_TYPES):
                cells = []
                for station in stations:
                    value = 1.0 + 0.1 * hour if ty.startswith("CO") else float(10 + k + hour)
                    if ty == "PM2.5":
                        value += bump.get(station, 0.0)
                    cells.append(f"{value:g}")
                lines.append(f"{day},{hour},{ty},{','.join(cells)}")
    text = "\n".join(lines) + "\n"
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _six_days(folder: Path) -> list[Path]:
    """Daily files 2019-01-01 .. 06; PM2.5 of day k is 11 + hour + k (1001A), + 10 k (1002A)."""
    folder.mkdir(exist_ok=True)
    return [
        cnemc_days(
            folder / f"china_sites_2019010{k}.csv",
            {f"2019010{k}": {"1001A": float(k), "1002A": 10.0 * k}},
        )
        for k in range(1, 7)
    ]


def _hours(folder: Path) -> pl.DataFrame:
    return pl.read_parquet(contract.table_file(folder, "station_hours"))


def test_an_ingest_in_several_batches_gives_the_table_of_one_ingest(
    tmp_path: Path, monkeypatch
) -> None:
    stations = _write(tmp_path / "stations.csv", STATIONS_ZH)
    days = _six_days(tmp_path / "days")
    one = ingest([stations, *days], tmp_path / "one", progress=False)
    expected = _hours(tmp_path / "one")
    assert one["tables"]["station_hours"]["rows"] == expected.height == 6 * 3 * 2
    assert expected.select("station", "time", "PM2.5").rows()[:3] == [
        ("1001A", datetime(2019, 1, 1, 0), 12.0),
        ("1002A", datetime(2019, 1, 1, 0), 21.0),
        ("1001A", datetime(2019, 1, 1, 1), 13.0),
    ]
    assert expected.select("station", "time", "PM2.5").row(-1) == (
        "1002A",
        datetime(2019, 1, 6, 2),
        73.0,
    )
    # three passes of two daily files in one ingest
    monkeypatch.setattr(INGEST, "CNEMC_BATCH_FILES", 2)
    batched = ingest([stations, *days], tmp_path / "batched", progress=False)
    assert _hours(tmp_path / "batched").equals(expected)
    assert batched["tables"]["station_hours"]["rows"] == 36
    # four ingests, out of order
    steps = tmp_path / "steps"
    added = [
        ingest(files, steps, progress=False)["tables"]["station_hours"]["added"]
        for files in ([stations, days[2], days[3]], [days[0]], [days[5], days[4]], [days[1]])
    ]
    assert added == [12, 6, 12, 6]
    assert _hours(steps).equals(expected)
    # days 2..4 again in one concatenated file (the same values): compared a day at a time
    monkeypatch.setattr(INGEST, "OVERLAP_WINDOW_DAYS", 1)
    again = cnemc_days(
        tmp_path / "china_sites_20190102-04.csv.gz",
        {f"2019010{k}": {"1001A": float(k), "1002A": 10.0 * k} for k in (2, 3, 4)},
    )
    done = ingest([again], steps, progress=False)
    assert done["tables"]["station_hours"] == {
        "rows": 36,
        "added": 0,
        "file": str(contract.table_file(steps, "station_hours")),
    }
    assert _hours(steps).equals(expected)
    manifests = [
        json.loads((f / contract.MANIFEST).read_text(encoding="utf-8"))["tables"]["station_hours"]
        for f in (tmp_path / "one", tmp_path / "batched", steps)
    ]
    assert {m["time_range"][0] for m in manifests} == {"2019-01-01T00:00"}
    assert {m["time_range"][1] for m in manifests} == {"2019-01-06T02:00"}
    for m in manifests[:2]:
        assert [(s["name"], s["rows"]) for s in m["sources"]] == [(d.name, 6) for d in days]
        assert m["sources"][3]["time_range"] == ["2019-01-04T00:00", "2019-01-04T02:00"]
    assert [s["rows"] for s in manifests[2]["sources"]] == [6, 6, 6, 6, 6, 6, 18]
    assert manifests[2]["stations"] == 2 and manifests[2]["cities"] == 1


def test_an_increment_compares_only_the_overlapping_hours(tmp_path: Path, monkeypatch) -> None:
    stations = _write(tmp_path / "stations.csv", STATIONS_ZH)
    days = _six_days(tmp_path / "days")
    folder = tmp_path / "out"
    ingest([stations, *days], folder, progress=False)
    expected = _hours(folder)
    compared = []

    def spy(segments, keys, values):
        compared.append([(i, f.height, f["time"].min(), f["time"].max()) for f, i in segments])
        return combine(segments, keys, values)

    combine = INGEST._combine
    monkeypatch.setattr(INGEST, "_combine", spy)
    # day 4 again, gzipped (other bytes, the same rows): only day 4 of the folder is read
    day4 = cnemc_days(
        tmp_path / "china_sites_20190104.csv.gz", {"20190104": {"1001A": 4.0, "1002A": 40.0}}
    )
    done = ingest([day4], folder, progress=False)
    day = (datetime(2019, 1, 4, 0), datetime(2019, 1, 4, 2))
    assert compared == [[(-1, 6, *day), (0, 6, *day)]]
    assert done["tables"]["station_hours"]["added"] == 0
    assert _hours(folder).equals(expected)
    # a new day after the folder's: nothing compared, appended
    compared.clear()
    day7 = cnemc_days(
        tmp_path / "china_sites_20190107.csv", {"20190107": {"1001A": 7.0, "1002A": 70.0}}
    )
    done = ingest([day7], folder, progress=False)
    assert compared == [] and done["tables"]["station_hours"]["added"] == 6
    hours = _hours(folder)
    assert hours.head(36).equals(expected)
    assert hours.tail(6)["PM2.5"].to_list() == [18.0, 81.0, 19.0, 82.0, 20.0, 83.0]


def test_the_first_clash_over_the_windows_is_the_first_by_key(tmp_path: Path, monkeypatch) -> None:
    stations = _write(tmp_path / "stations.csv", STATIONS_ZH)
    days = _six_days(tmp_path / "days")
    # day 2 of 1002A and day 3 of 1001A differ: by key (station, time) 1001A comes first
    clash = cnemc_days(
        tmp_path / "china_sites_20190102-03.csv",
        {"20190102": {"1001A": 2.0, "1002A": 25.0}, "20190103": {"1001A": 3.5, "1002A": 30.0}},
    )
    messages = []
    for window in (31, 1):
        monkeypatch.setattr(INGEST, "OVERLAP_WINDOW_DAYS", window)
        folder = tmp_path / f"w{window}"
        ingest([stations, *days], folder, progress=False)
        before = contract.table_file(folder, "station_hours").read_bytes()
        with pytest.raises(IndicatorInputError, match="different values") as err:
            ingest([clash], folder, progress=False)
        messages.append(str(err.value).replace(str(folder), "FOLDER"))
        assert contract.table_file(folder, "station_hours").read_bytes() == before
    assert messages[0] == messages[1]
    assert "station=1001A, time=2019-01-03 00:00" in messages[0] and "'PM2.5'" in messages[0]
    assert "china_sites_20190103.csv (in FOLDER" in messages[0] and str(clash) in messages[0]
    assert "expected 14.0" in messages[0] and "found 14.5" in messages[0]


def test_a_hand_written_folder_table_out_of_order_is_merged_in_order(tmp_path: Path) -> None:
    stations = _write(tmp_path / "stations.csv", STATIONS_ZH)
    days = _six_days(tmp_path / "days")
    ingest([stations, *days[:5]], tmp_path / "ingested", progress=False)
    ingest([days[5]], tmp_path / "ingested", progress=False)
    expected = _hours(tmp_path / "ingested")
    by_hand = tmp_path / "by_hand"
    ingest([stations, *days[:5]], by_hand, progress=False)
    (by_hand / contract.MANIFEST).unlink()
    hours = _hours(by_hand)
    hours.reverse().write_parquet(contract.table_file(by_hand, "station_hours"))
    done = ingest([days[5]], by_hand, progress=False)
    assert done["tables"]["station_hours"]["added"] == 6
    assert _hours(by_hand).equals(expected)
    # a station-hour without a time is an error naming the folder's file and row
    hours.with_columns(
        pl.when(pl.int_range(pl.len()) == 4).then(None).otherwise(pl.col("time")).alias("time")
    ).write_parquet(contract.table_file(by_hand, "station_hours"))
    with pytest.raises(IndicatorInputError, match="has no key") as err:
        ingest([_six_days(tmp_path / "more")[0].rename(tmp_path / "x.csv")], by_hand)
    assert (err.value.file, err.value.row, err.value.column) == (
        str(contract.table_file(by_hand, "station_hours")),
        5,
        "time",
    )


# --------------------------------------------------------------------------- targets

TARGETS_TOML = (
    "schema = 1\n\n"
    '[[target]]\ncity = "北京"\nyear = 2019\ngood_day_ratio = 65.0\n"PM2.5" = 42.0\n'
    'note = "市考核"\n\n'
    '[[target]]\ncity = "北京"\nyear = 2020\ngood_day_ratio = 70.5\nn_worse_V = 0\n'
)


def test_a_targets_file_is_detected_ingested_and_read_back(tmp_path: Path, capsys) -> None:
    path = _write(tmp_path / "goals.txt", TARGETS_TOML)  # the name says nothing
    assert detect_format(path) == "targets"
    folder = tmp_path / "out"
    assert cli.main(["ingest", str(path), "--out", str(folder)]) == 0
    assert "targets" in capsys.readouterr().out
    table = pl.read_parquet(contract.table_file(folder, "targets"))
    assert table.select("city", "year", "good_day_ratio", "PM2.5", "n_worse_V", "note").rows() == [
        ("北京", 2019, 65.0, 42.0, None, "市考核"),
        ("北京", 2020, 70.5, None, 0, None),
    ]
    assert table.columns == list(contract.TABLES["targets"].required) + [
        c.name for c in contract.TABLES["targets"].columns if not c.required
    ]
    assert read_targets(contract.table_file(folder, "targets")).equals(read_targets(path))
    entry = json.loads((folder / contract.MANIFEST).read_text(encoding="utf-8"))["tables"][
        "targets"
    ]
    assert (entry["rows"], entry["cities"], entry["time_range"]) == (2, 1, None)
    (source,) = entry["sources"]
    assert (source["name"], source["format"], source["rows"]) == ("goals.txt", "targets", 2)
    assert source["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    (listed,) = [c for c in check.check_folder(folder) if c.name == "targets"]
    assert listed.ok and listed.rows == 2 and listed.counts == {"cities": 1}
    # the same target with another value: an error naming both files, nothing written
    other = _write(
        tmp_path / "other.toml",
        'schema = 1\n[[target]]\ncity = "北京"\nyear = 2019\ngood_day_ratio = 66.0\n'
        '"PM2.5" = 42.0\nnote = "市考核"\n',
    )
    before = contract.table_file(folder, "targets").read_bytes()
    with pytest.raises(IndicatorInputError, match="different values") as err:
        ingest([other], folder, progress=False)
    assert "goals.txt (in " in str(err.value) and str(other) in str(err.value)
    assert (err.value.column, err.value.found) == ("good_day_ratio", 66.0)
    assert contract.table_file(folder, "targets").read_bytes() == before
    # another city: merged; the first file again: skipped
    more = _write(
        tmp_path / "more.toml",
        'schema = 1\n[[target]]\ncity = "上海"\nyear = 2019\n"PM2.5" = 30.0\n',
    )
    done = ingest([more, path], folder, progress=False)
    assert [s["name"] for s in done["skipped"]] == [str(path)]
    assert done["tables"]["targets"]["rows"] == 3 and done["tables"]["targets"]["added"] == 1
    merged = read_targets(contract.table_file(folder, "targets"))
    assert merged.select("city", "year", "PM2.5").rows() == [
        ("上海", 2019, 30.0),
        ("北京", 2019, 42.0),
        ("北京", 2020, None),
    ]


def test_a_bad_targets_file_is_an_error_naming_file_row_and_column(tmp_path: Path) -> None:
    bad = _write(tmp_path / "targets.toml", TARGETS_TOML.replace("70.5", "101.0"))
    with pytest.raises(IndicatorInputError, match="out of range") as err:
        ingest([bad], tmp_path / "out", progress=False)
    assert (err.value.file, err.value.row, err.value.column, err.value.found) == (
        str(bad),
        2,
        "good_day_ratio",
        101.0,
    )
    assert not (tmp_path / "out" / contract.MANIFEST).exists()
    newer = _write(tmp_path / "v2.toml", TARGETS_TOML.replace("schema = 1", "schema = 2"))
    assert detect_format(newer) == "targets"  # recognised, then refused for its version
    with pytest.raises(IndicatorInputError, match="unsupported targets schema") as err:
        ingest([newer], tmp_path / "out", progress=False)
    assert (err.value.column, err.value.found) == ("schema", 2)
    stations = _write(tmp_path / "stations.csv", STATIONS_ZH)  # --format targets forces it
    with pytest.raises(IndicatorInputError, match="not valid TOML"):
        ingest([stations], tmp_path / "out", format="targets", progress=False)


def test_check_rejects_a_bad_target_value_at_its_row(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "out"
    ingest([_write(tmp_path / "t.toml", TARGETS_TOML)], folder, progress=False)
    path = contract.table_file(folder, "targets")
    table = pl.read_parquet(path)
    table.with_columns(
        share_I_III=pl.when(pl.col("year") == 2020).then(120.0).otherwise(pl.col("share_I_III"))
    ).write_parquet(path)
    (listed,) = [c for c in check.check_folder(folder) if c.name == "targets"]
    err = listed.error
    assert err is not None
    assert (err.file, err.row, err.column, err.found) == (str(path), 2, "share_I_III", 120.0)
    assert err.expected == "a number in 0..100 [percent]"
    assert cli.main(["check", str(folder)]) == 1
    assert f"error: {path}, row 2, column 'share_I_III'" in capsys.readouterr().out
    pl.concat([table, table.head(1)]).write_parquet(path)  # (北京, 2019) twice
    (listed,) = [c for c in check.check_folder(folder) if c.name == "targets"]
    assert (listed.error.row, listed.error.column) == (3, "city")
    assert "already given in target 1" in str(listed.error)


def test_a_bad_file_in_a_later_batch_is_named_and_nothing_is_written(
    tmp_path: Path, monkeypatch
) -> None:
    stations = _write(tmp_path / "stations.csv", STATIONS_ZH)
    days = _six_days(tmp_path / "days")
    bad = days[4]
    bad.write_text(bad.read_text(encoding="utf-8").replace(",16,", ",-16,", 1), encoding="utf-8")
    monkeypatch.setattr(INGEST, "CNEMC_BATCH_FILES", 2)  # the third batch: 05 and 06
    with pytest.raises(IndicatorInputError) as err:
        ingest([stations, *days], tmp_path / "out", progress=False)
    assert err.value.file == str(bad) and err.value.found == -16.0
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
