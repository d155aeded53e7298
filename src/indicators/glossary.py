"""One vocabulary of column names and units (术语表), written down once.

Every frame the package reads or returns uses these names. The Chinese term is
the one used in the standards and bulletins.

Examples
--------
>>> TERMS["PM2.5"].unit
'ug/m3'
>>> TERMS["good_day_ratio"].zh
'优良天数比例'
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from .errors import IndicatorInputError

__all__ = [
    "AIR_POLLUTANTS",
    "INDICATORS",
    "STATION_HOUR_COLUMNS",
    "TERMS",
    "Indicator",
    "Term",
    "describe",
    "indicator",
]


class Term(NamedTuple):
    """A column name with its unit and Chinese and English terms."""

    unit: str
    zh: str
    en: str


#: The six pollutants of HJ 633, in the order the standards list them.
AIR_POLLUTANTS: tuple[str, ...] = ("SO2", "NO2", "PM10", "CO", "O3", "PM2.5")

#: Columns of the tidy station-hour frame (io readers return these).
STATION_HOUR_COLUMNS: tuple[str, ...] = ("station", "time", *AIR_POLLUTANTS)

TERMS: dict[str, Term] = {
    # identifiers
    "station": Term("", "监测点位编码", "station code (CNEMC, e.g. 1001A)"),
    "name": Term("", "监测点位名称", "station name"),
    "city": Term("", "城市", "city"),
    "province": Term("", "省级行政区", "province"),
    "lon": Term("degree", "经度", "longitude (WGS84)"),
    "lat": Term("degree", "纬度", "latitude (WGS84)"),
    "background": Term("bool", "对照点", "background (control) station, left out of city means"),
    "time": Term(
        "datetime",
        "时间（小时结束时刻，北京时间）",
        "hour-ending time, China Standard Time (UTC+8): 01:00 is the mean of 00:00-01:00",
    ),
    "date": Term("date", "日期（自然日）", "natural day: hour-ending labels 01:00..24:00"),
    # pollutants
    "SO2": Term("ug/m3", "二氧化硫", "sulphur dioxide"),
    "NO2": Term("ug/m3", "二氧化氮", "nitrogen dioxide"),
    "PM10": Term("ug/m3", "可吸入颗粒物", "particulate matter <= 10 um"),
    "PM2.5": Term("ug/m3", "细颗粒物", "particulate matter <= 2.5 um"),
    "O3": Term("ug/m3", "臭氧", "ozone (1-h mean)"),
    "CO": Term("mg/m3", "一氧化碳", "carbon monoxide"),
    "O3_8h": Term("ug/m3", "臭氧8小时滑动平均", "O3 8-h moving mean ending at the hour"),
    "PM2.5_24h": Term("ug/m3", "24小时滑动平均", "24-h moving mean ending at the hour (CNEMC)"),
    "PM10_24h": Term("ug/m3", "24小时滑动平均", "24-h moving mean ending at the hour (CNEMC)"),
    "SO2_24h": Term("ug/m3", "24小时滑动平均", "24-h moving mean ending at the hour (CNEMC)"),
    "NO2_24h": Term("ug/m3", "24小时滑动平均", "24-h moving mean ending at the hour (CNEMC)"),
    "O3_24h": Term("ug/m3", "24小时滑动平均", "24-h moving mean ending at the hour (CNEMC)"),
    "CO_24h": Term("mg/m3", "24小时滑动平均", "24-h moving mean ending at the hour (CNEMC)"),
    "O3_8h_24h": Term(
        "ug/m3",
        "臭氧8小时滑动平均的24小时最大值",
        "max of the 8-h moving means over the last 24 h (CNEMC)",
    ),
    "prefecture": Term("", "地级行政区", "prefecture-level division"),
    "O3_1h_max": Term("ug/m3", "臭氧日最大1小时平均", "O3 daily maximum 1-h mean"),
    "O3_MDA8": Term("ug/m3", "臭氧日最大8小时滑动平均", "O3 daily maximum 8-h moving mean"),
    # AQI
    "aqi": Term("1", "空气质量指数", "air quality index (HJ 633)"),
    "aqi_published": Term("1", "发布的AQI", "AQI as officially published (CNEMC)"),
    "iaqi_<pollutant>": Term("1", "空气质量分指数", "individual AQI of one pollutant"),
    "level": Term("1", "空气质量指数级别", "AQI level 1..6"),
    "category": Term("", "空气质量指数类别", "AQI category (Chinese)"),
    "category_en": Term("", "空气质量指数类别（英文）", "AQI category (English)"),
    "colour": Term("hex", "表示颜色", "official category colour (HJ 633 Appendix A)"),
    "primary_pollutant": Term("", "首要污染物", "primary pollutant(s), ';'-joined, AQI > 50 only"),
    "edition": Term("", "标准版本", "standard edition used for the row"),
    "n_<pollutant>": Term(
        "count", "有效小时数", "valid hours (or windows, days) behind a statistic"
    ),
    # period evaluation
    "valid_days": Term("day", "有效监测天数", "days with a valid daily AQI"),
    "total_days": Term("day", "日历天数", "calendar days in the period"),
    "good_days": Term("day", "优良天数", "days with AQI <= 100"),
    "excellent_days": Term("day", "优天数", "days with AQI <= 50"),
    "heavy_days": Term("day", "重度及以上污染天数", "days with AQI > 200"),
    "exceedance_days": Term("day", "超标天数", "days with AQI > 100 (HJ 633 level 3 and above)"),
    "primary_days_<pollutant>": Term(
        "day", "首要污染物天数", "days with the pollutant among the primary pollutants"
    ),
    "primary_exceedance_days_<pollutant>": Term(
        "day", "超标天中首要污染物天数", "exceedance days with the pollutant primary"
    ),
    "good_day_ratio": Term("percent", "优良天数比例", "good days / valid days x 100"),
    "CO_P95": Term("mg/m3", "一氧化碳日均值第95百分位数", "95th percentile of CO daily means"),
    "O3_MDA8_P90": Term("ug/m3", "臭氧日最大8小时平均第90百分位数", "90th percentile of O3 MDA8"),
    "composite_index": Term("1", "环境空气质量综合指数", "sum of C_i / S_i over six pollutants"),
    # trends, targets, rankings
    "period_start": Term("date", "统计时段起始日", "first day of the month or year"),
    "period_valid": Term("bool", "时段数据有效", "period meets the valid-day count"),
    "slope": Term("unit/step", "Sen斜率", "Theil-Sen slope"),
    "intercept": Term("unit", "截距", "Sen line at the first period"),
    "ci_low": Term("as slope", "斜率置信区间下限", "slope confidence interval, low"),
    "ci_high": Term("as slope", "斜率置信区间上限", "slope confidence interval, high"),
    "p_value": Term("1", "显著性水平p", "two-sided p-value (Mann-Kendall)"),
    "n_excluded": Term("count", "剔除数", "periods excluded (failed validity)"),
    "slope_pct_per_year": Term("%/yr", "年变化率", "change per year relative to the start"),
    "rank": Term("1", "排名", "rank (1 = best), ties share a rank (并列)"),
    "tied": Term("bool", "并列", "tied with another city"),
    "target": Term("unit", "目标值", "target"),
    "meets": Term("bool", "达到目标", "target met"),
    "good_days_needed": Term("day", "还需优良天数", "good days still needed this year"),
    "required_ratio_remaining": Term(
        "percent", "剩余时段所需优良率", "good-day ratio needed over the remaining days"
    ),
    "required_mean_remaining": Term(
        "ug/m3", "剩余时段浓度上限", "PM2.5 mean the rest of the year must stay under"
    ),
    "projected": Term("unit", "年末预估", "year-end projection"),
    # black-odorous water (城市黑臭水体整治工作指南, 2015)
    "water_body_id": Term("", "水体编号", "ledger ID of a water body"),
    "length_km": Term("km", "水体长度", "length of the water body"),
    "status": Term("", "整治状态", "ledger status (identified .. long-term clear, returned)"),
    "plan_date": Term("date", "计划完成整治日期", "planned completion date"),
    "transparency": Term("cm", "透明度", "transparency"),
    "ORP": Term("mV", "氧化还原电位", "oxidation-reduction potential"),
    "grade": Term("", "黑臭级别", "black-odorous level: none, light, severe"),
    "elimination_ratio": Term("percent", "黑臭水体消除比例", "eliminated / identified (count)"),
    "elimination_ratio_length": Term(
        "percent", "按长度计消除比例", "eliminated / identified (length)"
    ),
    "days_overdue": Term("day", "逾期天数", "days past the planned completion date"),
    # noise (GB 3096-2008, HJ 640-2012)
    "functional_class": Term("", "声环境功能区类别", "functional-area class 0, 1, 2, 3, 4a, 4b"),
    "leq_day": Term("dB(A)", "昼间等效声级", "day equivalent sound level"),
    "leq_night": Term("dB(A)", "夜间等效声级", "night equivalent sound level"),
    "compliance_rate_day": Term("percent", "昼间达标率", "compliant / monitored point-times, day"),
    "compliance_rate_night": Term(
        "percent", "夜间达标率", "compliant / monitored point-times, night"
    ),
    "grade_day": Term("1", "声环境质量等级", "HJ 640 grade 1 (好) .. 5 (差), day"),
    # surface water, drinking water, sea (GB 3838-2002, GB/T 14848-2017, GB 3097-1997)
    "site": Term("", "点位编码", "site code (section, source or sea point)"),
    "target_class": Term("", "水质目标", "target class I-V"),
    "item": Term("", "监测项目", "item code (pH, DO, CODMn, NH3-N, TP ...)"),
    "value": Term("item unit", "监测值", "value in the item's canonical unit"),
    "below_dl": Term("bool", "低于检出限", "reported below the detection limit"),
    "class": Term("", "水质类别", "class I..V, 劣V (sea I..IV, 劣IV)"),
    "meets_target": Term("bool", "达到水质目标", "meets the target class"),
    "exceedance_III": Term("1", "超标倍数", "(C - S_III) / S_III"),
    "main_pollutants": Term("", "主要污染指标", "main pollutants (2011 method)"),
    "n_sections": Term("count", "断面数", "sections evaluated"),
    "compliance": Term("percent", "断面达标率", "sections meeting target / sections"),
    "share_I_III": Term("percent", "I～III类断面比例", "share of sections in class I-III"),
    "n_worse_V": Term("count", "劣V类断面数", "sections worse than class V"),
    "share_worse_V": Term("percent", "劣V类断面比例", "share of sections worse than class V"),
    "tli": Term("1", "综合营养状态指数", "trophic state index TLI(Σ)"),
    "trophic_state": Term("", "营养状态", "trophic class (贫 .. 重度富营养)"),
    "cwqi": Term(
        "1", "城市水质指数", "city water quality index, sum of 21 item indices vs class III"
    ),
    "compliance_count": Term("percent", "水源地达标率", "compliant sources / sources"),
    "compliance_volume": Term("percent", "水量达标率", "volume from compliant sources / volume"),
    "share_I_II": Term("percent", "一、二类海水比例", "class I+II sea points / points"),
    "share_I_II_area": Term("percent", "一、二类海水面积比例", "class I+II sea area / area"),
}


class Indicator(NamedTuple):
    """A reported figure, as every card, table, ranking, target and index shows it.

    ``unit`` is the glossary unit (``percent``, ``ug/m3``, ``count``, ``1``),
    ``symbol`` the unit as printed (``%``, ``µg/m³``, empty for an index or a
    count). ``change`` is how its year-on-year change is given in the bulletins:
    ``pp`` percentage points (ratios), ``pct`` percent (concentrations and
    indices) or ``diff`` a difference (counts).
    """

    key: str
    domain: Literal["air", "water", "drinking", "blackodorous", "sea", "noise"]
    zh: str
    en: str
    unit: str
    symbol: str
    lower_is_better: bool
    decimals: int
    change: Literal["pp", "pct", "diff"]


def _i(key, domain, zh, en, unit, symbol, lower, decimals, change) -> tuple[str, Indicator]:
    return key, Indicator(key, domain, zh, en, unit, symbol, lower, decimals, change)


_UG, _MG = "µg/m³", "mg/m³"

#: Every reported figure, by key (the column name of the domain summaries, the targets
#: file and the figures store). The one place a label, unit, direction, number of
#: decimals or kind of change is written: reports, rankings, targets, the batch index and
#: :func:`indicators.air.compare_periods` read it. Decimals are those shown (HJ 663 §5
#: reporting precision for air: concentrations 0, CO 1, the composite index 2, ratios 1).
INDICATORS: dict[str, Indicator] = dict(
    (
        _i(
            "good_day_ratio",
            "air",
            "优良天数比例",
            "Good-day ratio",
            "percent",
            "%",
            False,
            1,
            "pp",
        ),
        _i("SO2", "air", "SO2 浓度", "SO2", "ug/m3", _UG, True, 0, "pct"),
        _i("NO2", "air", "NO2 浓度", "NO2", "ug/m3", _UG, True, 0, "pct"),
        _i("PM10", "air", "PM10 浓度", "PM10", "ug/m3", _UG, True, 0, "pct"),
        _i("PM2.5", "air", "PM2.5 浓度", "PM2.5", "ug/m3", _UG, True, 0, "pct"),
        _i("CO_P95", "air", "CO 日均值第95百分位", "CO P95", "mg/m3", _MG, True, 1, "pct"),
        _i(
            "O3_MDA8_P90",
            "air",
            "O3 日最大8小时第90百分位",
            "O3 MDA8 P90",
            "ug/m3",
            _UG,
            True,
            0,
            "pct",
        ),
        _i("PM10_P95", "air", "PM10 日均值第95百分位", "PM10 P95", "ug/m3", _UG, True, 0, "pct"),
        _i("PM2.5_P95", "air", "PM2.5 日均值第95百分位", "PM2.5 P95", "ug/m3", _UG, True, 0, "pct"),
        _i(
            "composite_index",
            "air",
            "环境空气质量综合指数",
            "Composite index",
            "1",
            "",
            True,
            2,
            "pct",
        ),
        _i("valid_days", "air", "有效监测天数", "Valid days", "day", "", False, 0, "diff"),
        _i("good_days", "air", "优良天数", "Good days (AQI ≤ 100)", "day", "", False, 0, "diff"),
        _i(
            "excellent_days",
            "air",
            "优天数",
            "Excellent days (AQI ≤ 50)",
            "day",
            "",
            False,
            0,
            "diff",
        ),
        _i(
            "heavy_days",
            "air",
            "重度及以上污染天数",
            "Heavily polluted days (AQI > 200)",
            "day",
            "",
            True,
            0,
            "diff",
        ),
        _i(
            "section_compliance",
            "water",
            "地表水断面达标率",
            "Section compliance",
            "percent",
            "%",
            False,
            1,
            "pp",
        ),
        _i(
            "share_I_III",
            "water",
            "I～III 类水质断面比例",
            "Class I–III share",
            "percent",
            "%",
            False,
            1,
            "pp",
        ),
        _i(
            "n_worse_V",
            "water",
            "劣V类断面",
            "Sections worse than class V",
            "count",
            "",
            True,
            0,
            "diff",
        ),
        _i("cwqi", "water", "城市水质指数", "City water quality index", "1", "", True, 4, "pct"),
        _i(
            "drinking_compliance",
            "drinking",
            "集中式饮用水水源达标率",
            "Drinking-water source compliance",
            "percent",
            "%",
            False,
            1,
            "pp",
        ),
        _i(
            "blackodorous_elimination",
            "blackodorous",
            "黑臭水体消除比例",
            "Black-odorous water eliminated",
            "percent",
            "%",
            False,
            2,
            "pp",
        ),
        _i(
            "sea_share_I_II",
            "sea",
            "近岸海域优良（一、二类）水质比例",
            "Sea water class I+II",
            "percent",
            "%",
            False,
            1,
            "pp",
        ),
        _i(
            "noise_compliance_day",
            "noise",
            "功能区声环境质量昼间达标率",
            "Noise compliance (day)",
            "percent",
            "%",
            False,
            1,
            "pp",
        ),
    )
)


def indicator(key: str) -> Indicator:
    """The :class:`Indicator` record of a reported figure.

    Parameters
    ----------
    key : str
        A key of :data:`INDICATORS` (``"good_day_ratio"``, ``"PM2.5"``, ``"cwqi"`` ...).

    Returns
    -------
    Indicator
        Its labels, units, direction, decimals and kind of change.

    Raises
    ------
    IndicatorInputError
        ``key`` is not a reported figure.

    Examples
    --------
    >>> indicator("PM2.5").symbol, indicator("good_day_ratio").change
    ('µg/m³', 'pp')
    """
    try:
        return INDICATORS[key]
    except KeyError:
        raise IndicatorInputError(
            "not a reported indicator",
            column="indicator",
            expected=f"one of {list(INDICATORS)}",
            found=key,
        ) from None


def describe(column: str) -> str:
    """One line describing a column: ``name [unit] 中文 - English``.

    Parameters
    ----------
    column : str
        A key of :data:`TERMS`.

    Returns
    -------
    str
        The description line.

    Examples
    --------
    >>> describe("PM2.5")
    'PM2.5 [ug/m3] 细颗粒物 - particulate matter <= 2.5 um'
    """
    t = TERMS[column]
    unit = f" [{t.unit}]" if t.unit else ""
    return f"{column}{unit} {t.zh} - {t.en}"
