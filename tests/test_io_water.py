"""Water readers: registries and long-form results from CSV (UTF-8, GB18030) and xlsx."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import polars as pl
import pytest

from indicators.errors import IndicatorInputError
from indicators.io import water as wio

SECTIONS_CSV = (
    "断面编码,断面名称,所属水体,水体类型,流域,城市,断面级别,水质目标,经度,纬度\n"
    "S1,一桥,清河,河流,海河流域,甲市,国控,Ⅲ类,116.5,39.1\n"
    "S2,湖心,镜湖,湖泊,海河流域,甲市,省控,II,116.6,39.2\n"
    "S3,库心,白马水库,水库,海河流域,甲市,市控,2,,\n"
)


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_read_sections_with_chinese_headers_and_gb18030(tmp_path):
    path = _write(tmp_path, "sections.csv", SECTIONS_CSV, encoding="gb18030")
    reg = wio.read_water_sections(path)
    assert reg.columns == list(wio.REGISTRY_COLUMNS["sections"])
    assert reg.select("site", "type", "level", "target_class").rows() == [
        ("S1", "river", "national", "III"),
        ("S2", "lake", "provincial", "II"),
        ("S3", "reservoir", "municipal", "II"),
    ]
    assert reg["lon"].to_list() == [116.5, 116.6, None]


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("S4,四桥,清河,河流,海河流域,甲市,国控,VI,,", "target_class", "target class"),
        ("S4,四桥,清河,海洋,海河流域,甲市,国控,III,,", "type", "type"),
        ("S4,四桥,清河,河流,海河流域,甲市,区控,III,,", "level", "level"),
        ("S4,四桥,清河,河流,海河流域,甲市,国控,III,200,", "lon", "out of range"),
        ("S1,重复,清河,河流,海河流域,甲市,国控,III,,", "site", "duplicate"),
        (",无码,清河,河流,海河流域,甲市,国控,III,,", "site", "blank"),
    ],
)
def test_bad_registry_rows_name_file_row_and_column(tmp_path, line, column, message):
    path = _write(tmp_path, "sections.csv", SECTIONS_CSV + line + "\n")
    with pytest.raises(IndicatorInputError, match=message) as err:
        wio.read_water_sections(path)
    assert err.value.row == 4
    assert err.value.column == column
    assert str(path) in str(err.value)


def test_registry_missing_required_column(tmp_path):
    path = _write(tmp_path, "s.csv", "site,name,type\nS1,a,river\n")
    with pytest.raises(IndicatorInputError, match="required column") as err:
        wio.read_water_sections(path)
    assert err.value.column == "target_class"


def test_drinking_and_sea_registries(tmp_path):
    d = _write(
        tmp_path,
        "d.csv",
        "水源地编码,水源地名称,水源地类型,城市,供水量\nD1,北库,湖库型,甲市,800\nD2,西井,地下水型,甲市,\n",
    )
    reg = wio.read_drinking_sources(d)
    assert reg.select("type", "volume").rows() == [("lake", 800.0), ("groundwater", None)]
    bad = _write(tmp_path, "bad.csv", "site,name,type\nD1,北库,surface\n")
    with pytest.raises(IndicatorInputError, match="type"):
        wio.read_drinking_sources(bad)
    p = _write(tmp_path, "p.csv", "点位编码,点位名称,代表面积\nP1,湾口,12.5\nP2,外海,\n")
    assert wio.read_sea_points(p)["area"].to_list() == [12.5, None]
    neg = _write(tmp_path, "neg.csv", "site,name,area\nP1,湾口,-1\n")
    with pytest.raises(IndicatorInputError, match="out of range"):
        wio.read_sea_points(neg)


RESULTS_CSV = (
    "断面编码,采样日期,项目,监测值,单位,检出限\n"
    "S1,2025-01-05,氨氮,0.52,mg/L,\n"
    "S1,2025/1/5,总磷(以P计),50,μg/L,\n"
    "S1,20250105,汞,0.04L,µg/L,\n"
    "S1,2025-01-05,六价铬,<0.004,mg/L,\n"
    "S1,2025-01-05,挥发酚,ND,mg/L,0.0003\n"
    "S1,2025-01-05,pH值,7.8,无量纲,\n"
    "S1,2025-01-05,透明度,85,cm,\n"
    "S1,2025-01-05,粪大肠菌群,230,MPN/100mL,\n"
    "S1,2025-01-05,叶绿素a,0.012,mg/L,\n"
    "S1,2025-01-05,水温,,℃,\n"
)


def test_read_results_units_codes_and_detection_limits(tmp_path):
    path = _write(tmp_path, "r.csv", RESULTS_CSV)
    out = wio.read_water_results(path)
    assert out.columns == list(wio.RESULT_COLUMNS)
    assert out["date"].to_list() == [date(2025, 1, 5)] * 10
    rows = {
        r[0]: r[1:]
        for r in out.select("item", "value", "unit", "below_dl", "detection_limit").rows()
    }
    assert rows["NH3-N"] == (0.52, "mg/L", False, None)
    assert rows["TP"] == (pytest.approx(0.05), "mg/L", False, None)  # 50 µg/L
    assert rows["Hg"][0] is None and rows["Hg"][2] is True
    assert rows["Hg"][3] == pytest.approx(0.00004)  # 0.04L µg/L
    assert rows["Cr6"] == (None, "mg/L", True, 0.004)
    assert rows["VPhenol"] == (None, "mg/L", True, 0.0003)
    assert rows["pH"] == (7.8, "dimensionless", False, None)
    assert rows["SD"][0] == pytest.approx(0.85)  # 85 cm
    assert rows["FecalColiform"][0] == pytest.approx(2300.0)  # per 100 mL -> per litre
    assert rows["Chla"][0] == pytest.approx(12.0)  # mg/L -> µg/L
    assert rows["WaterTemp"] == (None, "°C", False, None)  # blank value stays a null row


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("S1,2025-01-06,未知物,1,mg/L,", "item", "unknown item"),
        ("S1,2025-01-06,氨氮,0.5,m,", "unit", "unit does not fit"),
        ("S1,2025-01-06,氨氮,0.5,,", "unit", "unit does not fit"),
        ("S1,2025-01-06,氨氮,-0.5,mg/L,", "value", "negative"),
        ("S1,2025-01-06,pH,15,,", "value", "pH outside"),
        ("S1,2025-01-06,氨氮,abc,mg/L,", "value", "not a number"),
        ("S1,2025-13-45,氨氮,0.5,mg/L,", "date", "date"),
        ("S1,2025-01-06,氨氮,ND,mg/L,", "detection_limit", "detection limit"),
    ],
)
def test_bad_result_rows_name_file_row_and_column(tmp_path, line, column, message):
    path = _write(tmp_path, "r.csv", RESULTS_CSV + line + "\n")
    with pytest.raises(IndicatorInputError, match=message) as err:
        wio.read_water_results(path)
    assert (err.value.row, err.value.column) == (11, column)
    assert str(path) in str(err.value)


def test_detection_limits_mapping_and_registry_check(tmp_path):
    path = _write(tmp_path, "r.csv", "site,date,item,value,unit\nS1,2025-01-06,氨氮,ND,mg/L\n")
    out = wio.read_water_results(path, detection_limits={"NH3-N": 0.025})
    assert out.select("below_dl", "detection_limit").row(0) == (True, 0.025)
    reg = pl.DataFrame({"site": ["S2"], "name": ["x"], "type": ["river"], "target_class": ["III"]})
    with pytest.raises(IndicatorInputError, match="registry") as err:
        wio.read_water_results(path, registry=reg, detection_limits={"NH3-N": 0.025})
    assert (err.value.row, err.value.column) == (1, "site")


def test_unit_column_required_unless_canonical(tmp_path):
    path = _write(tmp_path, "r.csv", "site,date,item,value\nS1,2025-01-06,TP,0.1\n")
    with pytest.raises(IndicatorInputError, match="unit"):
        wio.read_water_results(path)
    out = wio.read_water_results(path, assume_canonical_units=True)
    assert out.select("item", "value", "unit").row(0) == ("TP", 0.1, "mg/L")


def test_read_xlsx_workbook(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append(["本表为示例"])
    data = wb.create_sheet("监测结果")
    data.append(["断面编码", "采样日期", "监测项目", "监测值", "单位"])
    data.append(["S1", datetime(2025, 3, 4), "溶解氧", 7.6, "mg/L"])
    data.append(["S1", date(2025, 3, 4), "Cd", "0.0001L", "mg/L"])
    data.append([None, None, None, None, None])  # a blank row is skipped, not an error
    data.append(["S1", 45719, "TP", 0.12, "mg/L"])  # an Excel serial date (2025-03-03)
    path = tmp_path / "results.xlsx"
    wb.save(path)
    out = wio.read_water_results(path, sheet="监测结果")
    assert out.select("date", "item", "value", "below_dl").rows() == [
        (date(2025, 3, 4), "DO", 7.6, False),
        (date(2025, 3, 4), "Cd", None, True),
        (date(2025, 3, 3), "TP", 0.12, False),
    ]
    reg = wb.create_sheet("断面")
    reg.append(["site", "name", "type", "target_class"])
    reg.append(["S1", "一桥", "river", "Ⅱ"])
    wb.save(path)
    assert wio.read_water_sections(path, sheet="断面")["target_class"].to_list() == ["II"]
    with pytest.raises(IndicatorInputError, match="workbook"):
        wio.read_water_results(path, sheet="没有这张表")


def test_bad_value_in_xlsx_names_the_row(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["site", "date", "item", "value", "unit"])
    ws.append(["S1", date(2025, 3, 4), "NH3-N", 0.5, "mg/L"])
    ws.append(["S1", date(2025, 3, 4), "NH3-N", -0.5, "mg/L"])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    with pytest.raises(IndicatorInputError, match="row 2"):
        wio.read_water_results(path)


def test_item_code_and_parse_measurement():
    assert wio.item_code("总磷(以P计)") == "TP"
    assert wio.item_code("总磷（以P计）") == "TP"  # full-width brackets
    assert wio.item_code(" Ammonia Nitrogen ") == "NH3-N"
    assert wio.item_code("耗氧量") == "CODMn"
    assert wio.item_code("活性磷酸盐(以P计)") == "PO4-P"
    with pytest.raises(IndicatorInputError):
        wio.item_code("铬")  # not Cr(VI), not total chromium: ambiguous, refused
    assert wio.parse_measurement("0.01l") == (None, True, 0.01)
    assert wio.parse_measurement("＜0.5") == (None, True, 0.5)
    assert wio.parse_measurement("未检出") == (None, True, None)
    assert wio.parse_measurement("1e-3") == (0.001, False, None)
    with pytest.raises(IndicatorInputError):
        wio.parse_measurement("约0.5")


def test_normalise_results_in_memory_lazy():
    frame = pl.LazyFrame(
        {
            "site": ["S1", "S1"],
            "date": [datetime(2025, 1, 1, 9), datetime(2025, 1, 2, 9)],
            "item": ["氨氮", "TP"],
            "value": [0.5, 80.0],
            "unit": ["mg/L", "ug/L"],
            "campaign": ["x", "y"],
        }
    )
    out = wio.normalise_results(frame)
    assert isinstance(out, pl.LazyFrame)
    got = out.collect()
    assert got.columns == [*wio.RESULT_COLUMNS, "campaign"]
    assert got["value"].to_list() == [0.5, pytest.approx(0.08)]
    assert got["date"].to_list() == [date(2025, 1, 1), date(2025, 1, 2)]
    with pytest.raises(IndicatorInputError, match="date"):
        wio.normalise_results(
            pl.DataFrame({"site": ["a"], "date": ["2025-01-01"], "item": ["TP"], "value": [0.1]})
        )
    assert wio.unit_factor("FecalColiform", "个/100mL") == 10.0
