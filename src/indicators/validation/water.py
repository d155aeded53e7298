"""Water frame contract (水质数据): item and unit vocabulary, registry and results checks.

The validation boundary of the water domains: the readers of :mod:`indicators.io.water`
and the evaluations of :mod:`indicators.water`, :mod:`indicators.drinking` and
:mod:`indicators.sea` all call these functions, so a file and a frame built in memory
get the same checks.

Three registries and one results layout cover surface-water sections, drinking-water
sources and coastal sea points.

Registries (one row per site; ``site`` is the code used in the results):

- sections (断面): ``site``, ``name``, ``waterbody`` (water-body name), ``type``
  (``river``, ``lake``, ``reservoir``), ``basin``, ``city``, ``level`` (``national``,
  ``provincial``, ``municipal``), ``target_class`` (``I`` ... ``V``), ``lon``, ``lat``;
- drinking-water sources (饮用水水源地): ``site``, ``name``, ``type`` (``river``,
  ``lake``, ``reservoir`` for surface sources, ``groundwater``), ``city``, ``volume``
  (water supplied, 10⁴ t/a), ``lon``, ``lat``;
- sea points (近岸海域点位): ``site``, ``name``, ``city``, ``area`` (sea area the point
  represents, km², optional), ``lon``, ``lat``.

Results (long form, one row per site, sampling date and item): ``site``, ``date``
(:class:`polars.Date`), ``item`` (an item code of the ``water_items`` table: ``pH``,
``DO``, ``CODMn``, ``COD``, ``BOD5``, ``NH3-N``, ``TP``, ``TN``, ``Cu`` ... ``Chla``,
``SD``, ``WaterTemp``, sea ``DIN``, ``PO4-P``, drinking ``SO4``, ``Cl``, ``NO3-N``,
``Fe``, ``Mn`` ...), ``value`` (Float64, in the item's canonical unit, null when below
the detection limit or missing), ``unit`` (the canonical unit), ``below_dl`` (bool)
and ``detection_limit`` (Float64, canonical unit).

Chinese laboratory convention for values below the detection limit (未检出): ``ND``
(with the limit given in a ``detection_limit`` column or the ``detection_limits=``
mapping), ``<0.01`` and ``0.01L`` all give ``value`` null, ``below_dl`` true and the
detection limit kept. The evaluation functions count such a value as half the
detection limit by default (``below_dl="half"``; see
:func:`indicators.water.item_classes`).

Validation
----------
Headers may be English or Chinese (``断面编码``, ``采样日期``, ``项目``, ``监测值``,
``单位`` ...), item names Chinese or English (``氨氮``, ``总磷(以P计)``, ``ammonia
nitrogen``): all are mapped to one set of item codes. Units are converted to the
item's canonical unit only when given (``µg/L`` to ``mg/L``, ``cm`` to ``m``,
``MPN/100mL`` to ``count/L``); a unit that does not fit the item is an error. Each
entry point raises :class:`~indicators.errors.IndicatorInputError` naming file,
1-based data row, column, expected and found, for: an unknown item name, a unit that
does not fit, a negative value, a pH outside 0-14, an ``ND`` without a detection
limit, a site missing from the registry, a target class that is not I-V. Nothing is
dropped: a blank value stays a null row.

Examples
--------
>>> item_code("总磷(以P计)"), item_code("ammonia nitrogen"), item_code("铬(六价)")
('TP', 'NH3-N', 'Cr6')
>>> parse_measurement("0.01L"), parse_measurement("<0.05"), parse_measurement("1.2")
((None, True, 0.01), (None, True, 0.05), (1.2, False, None))
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

import polars as pl

from .._frames import Frame, finish, to_lazy
from ..errors import IndicatorInputError
from ..standards import table
from . import check_long_bounds, check_unique

__all__ = [
    "REGISTRY_COLUMNS",
    "RESULT_COLUMNS",
    "canonical_unit",
    "item_code",
    "lookup_item",
    "rename_headers",
    "unit_factor",
    "normalise_drinking_sources",
    "normalise_results",
    "normalise_sea_points",
    "normalise_sections",
    "parse_measurement",
]

#: Columns of the tidy long-form results every water function reads.
RESULT_COLUMNS: tuple[str, ...] = (
    "site",
    "date",
    "item",
    "value",
    "unit",
    "below_dl",
    "detection_limit",
)

#: Columns of each registry, as the readers return them.
REGISTRY_COLUMNS: dict[str, tuple[str, ...]] = {
    "sections": (
        "site",
        "name",
        "waterbody",
        "type",
        "basin",
        "city",
        "level",
        "target_class",
        "lon",
        "lat",
    ),
    "drinking_sources": ("site", "name", "type", "city", "volume", "lon", "lat"),
    "sea_points": ("site", "name", "city", "area", "lon", "lat"),
}

_REQUIRED: dict[str, tuple[str, ...]] = {
    "sections": ("site", "name", "type", "target_class"),
    "drinking_sources": ("site", "name", "type"),
    "sea_points": ("site", "name"),
}

#: Header aliases (compared case-insensitively, spaces removed).
_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "site": (
        "site",
        "code",
        "section",
        "source",
        "point",
        "断面编码",
        "断面代码",
        "点位编码",
        "点位代码",
        "水源地编码",
        "水源地代码",
        "站点编码",
        "编码",
    ),
    "name": ("name", "断面名称", "点位名称", "水源地名称", "名称"),
    "waterbody": ("waterbody", "water_body", "所属水体", "水体名称", "河流名称", "河流", "水体"),
    "type": ("type", "水体类型", "水源地类型", "类型"),
    "basin": ("basin", "流域", "所属流域"),
    "city": ("city", "城市", "所属城市", "地市"),
    "level": ("level", "断面级别", "断面属性", "级别"),
    "target_class": ("target_class", "target", "水质目标", "目标类别", "目标水质", "考核目标"),
    "volume": ("volume", "供水量", "取水量", "供水量(万吨)", "取水量(万吨)"),
    "area": ("area", "代表面积", "面积", "代表海域面积", "area_km2"),
    "lon": ("lon", "longitude", "经度"),
    "lat": ("lat", "latitude", "纬度"),
    "date": ("date", "sampling_date", "采样日期", "监测日期", "采样时间", "日期"),
    "item": ("item", "项目", "监测项目", "指标", "监测指标", "因子"),
    "value": ("value", "监测值", "测定值", "浓度", "结果", "监测结果"),
    "unit": ("unit", "单位"),
    "detection_limit": ("detection_limit", "检出限", "dl"),
    "campaign": ("campaign", "航次", "监测期次"),
}

_TYPES: dict[str, dict[str, str]] = {
    "sections": {
        "river": "river",
        "河流": "river",
        "河": "river",
        "lake": "lake",
        "湖泊": "lake",
        "湖": "lake",
        "reservoir": "reservoir",
        "水库": "reservoir",
        "库": "reservoir",
    },
    "drinking_sources": {
        "river": "river",
        "河流": "river",
        "河流型": "river",
        "lake": "lake",
        "湖泊": "lake",
        "湖泊型": "lake",
        "湖库型": "lake",
        "reservoir": "reservoir",
        "水库": "reservoir",
        "水库型": "reservoir",
        "groundwater": "groundwater",
        "地下水": "groundwater",
        "地下水型": "groundwater",
    },
}

_LEVELS = {
    "national": "national",
    "国控": "national",
    "国家": "national",
    "国考": "national",
    "provincial": "provincial",
    "省控": "provincial",
    "省级": "provincial",
    "省考": "provincial",
    "municipal": "municipal",
    "市控": "municipal",
    "市级": "municipal",
}

_ROMAN = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V"}
_TARGETS = {"I": "I", "II": "II", "III": "III", "IV": "IV", "V": "V"}
_TARGETS.update({"1": "I", "2": "II", "3": "III", "4": "IV", "5": "V"})

#: Unit aliases per canonical unit: normalised alias -> factor to the canonical unit.
_UNITS: dict[str, dict[str, float]] = {
    "mg/L": {
        "mg/l": 1.0,
        "毫克/升": 1.0,
        "mg/dm3": 1.0,
        "µg/l": 1e-3,
        "微克/升": 1e-3,
        "ng/l": 1e-6,
    },
    "ug/L": {"µg/l": 1.0, "微克/升": 1.0, "mg/m3": 1.0, "mg/l": 1e3, "毫克/升": 1e3},
    "dimensionless": {"": 1.0, "无量纲": 1.0, "dimensionless": 1.0, "ph": 1.0, "-": 1.0, "1": 1.0},
    "°C": {"°c": 1.0, "℃": 1.0, "c": 1.0, "degc": 1.0, "摄氏度": 1.0},
    "m": {"m": 1.0, "米": 1.0, "cm": 1e-2, "厘米": 1e-2},
    "count/L": {
        "count/l": 1.0,
        "个/l": 1.0,
        "个/升": 1.0,
        "cfu/l": 1.0,
        "mpn/l": 1.0,
        "mpn/100ml": 10.0,
        "cfu/100ml": 10.0,
        "个/100ml": 10.0,
    },
    "CFU/mL": {"cfu/ml": 1.0, "个/ml": 1.0},
    "NTU": {"ntu": 1.0},
    "PCU": {"pcu": 1.0, "度": 1.0, "铂钴色度单位": 1.0},
    "Bq/L": {"bq/l": 1.0},
}

_ND_WORDS = ("ND", "N.D.", "N.D", "未检出")
_NUMBER = r"[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?"
_LT_RE = re.compile(rf"^[<＜]\s*({_NUMBER})$")
_L_RE = re.compile(rf"^({_NUMBER})\s*[lL]$")


# --------------------------------------------------------------------------- vocabulary


def _norm_name(name: str) -> str:
    text = str(name).strip().replace("（", "(").replace("）", ")").replace("，", ",")
    return re.sub(r"\s+", "", text).lower()


def _norm_unit(unit: str | None) -> str:
    if unit is None:
        return ""
    text = str(unit).strip().replace("μ", "µ").replace("³", "3").replace(" ", "").lower()
    return "µ" + text[1:] if text.startswith("ug/") else text


@cache
def _alias_map() -> dict[str, str]:
    out: dict[str, str] = {}
    for row in table("water_items").iter_rows(named=True):
        for alias in [row["item"], *str(row["aliases"]).split(";")]:
            key = _norm_name(alias)
            if key and out.setdefault(key, row["item"]) != row["item"]:
                raise AssertionError(f"alias {alias!r} maps to two items")  # pragma: no cover
    return out


@cache
def _unit_table() -> pl.DataFrame:
    """(item, unit key, canonical unit, factor) for every accepted item/unit pair."""
    rows = []
    for row in table("water_items").iter_rows(named=True):
        for key, factor in _UNITS[row["unit"]].items():
            rows.append((row["item"], key, row["unit"], factor))
        rows.append((row["item"], _norm_unit(row["unit"]), row["unit"], 1.0))
    return pl.DataFrame(
        rows, schema=["item", "_unit_key", "_canonical", "_factor"], orient="row"
    ).unique(["item", "_unit_key"], keep="first")


def item_code(name: str) -> str:
    """The item code of a Chinese or English item name (监测项目名称 -> 项目代码).

    Parameters
    ----------
    name : str
        An item code (``NH3-N``), a Chinese name (``氨氮``, ``总磷(以P计)``) or an English
        name (``ammonia nitrogen``). Case, spaces and full-width brackets are ignored;
        a trailing bracket (``(以P计)``) is dropped when the full name is not known.

    Returns
    -------
    str
        The code used in every water frame (the ``item`` column of ``water_items``).

    Raises
    ------
    IndicatorInputError
        When the name is not a known item.

    Examples
    --------
    >>> item_code("高锰酸盐指数"), item_code("粪大肠菌群"), item_code("透明度")
    ('CODMn', 'FecalColiform', 'SD')
    """
    code = lookup_item(name)
    if code is None:
        raise IndicatorInputError(
            "unknown item name",
            column="item",
            expected="an item code or name of the water_items table",
            found=name,
        )
    return code


def lookup_item(name: Any) -> str | None:
    """The item code of a Chinese or English item name or code, or None when unknown.

    Parameters
    ----------
    name : str or None
        Item name as written in a results file (``氨氮``, ``总磷(以P计)``, ``TP``).

    Returns
    -------
    str or None
        Code of the ``water_items`` table; None for an unknown name (see
        :func:`item_code`, which raises instead).

    Examples
    --------
    >>> lookup_item("氨氮"), lookup_item("no such item")
    ('NH3-N', None)
    """
    if name is None:
        return None
    aliases = _alias_map()
    key = _norm_name(name)
    if key in aliases:
        return aliases[key]
    stripped = re.sub(r"\([^()]*\)$", "", key)
    return aliases.get(stripped) if stripped else None


def canonical_unit(item: str) -> str:
    """The canonical unit of an item code (``mg/L``, ``ug/L`` for chl-a, ``m`` for SD ...).

    Parameters
    ----------
    item : str
        Item code or alias (``"NH3-N"``, ``"氨氮"``; table ``water_items``).

    Examples
    --------
    >>> canonical_unit("NH3-N"), canonical_unit("Chla"), canonical_unit("FecalColiform")
    ('mg/L', 'ug/L', 'count/L')
    """
    return _canonical_units()[item_code(item)]


@cache
def _canonical_units() -> dict[str, str]:
    return dict(table("water_items").select("item", "unit").iter_rows())


def unit_factor(item: str, unit: str) -> float:
    """Factor that converts a value of ``item`` written in ``unit`` to the canonical unit.

    Parameters
    ----------
    item : str
        Item code or name.
    unit : str
        Unit as written (``µg/L``, ``ug/L``, ``mg/m3``, ``cm``, ``MPN/100mL`` ...).

    Raises
    ------
    IndicatorInputError
        When the unit does not fit the item.

    Examples
    --------
    >>> unit_factor("Hg", "µg/L"), unit_factor("Chla", "mg/m3"), unit_factor("SD", "cm")
    (0.001, 1.0, 0.01)
    """
    code = item_code(item)
    found = _unit_table().filter(
        (pl.col("item") == code) & (pl.col("_unit_key") == _norm_unit(unit))
    )
    if found.height == 0:
        raise IndicatorInputError(
            "unit does not fit the item",
            column="unit",
            expected=f"{canonical_unit(code)} or a convertible unit",
            found=unit,
        )
    return float(found["_factor"][0])


def parse_measurement(text: Any) -> tuple[float | None, bool, float | None]:
    """Parse one reported value with the Chinese below-detection-limit convention.

    Parameters
    ----------
    text : str or number
        ``"1.2"``, ``1.2``, ``"0.01L"`` (below the detection limit 0.01), ``"<0.01"``,
        ``"ND"`` or ``"未检出"`` (below an unstated limit), blank (missing).

    Returns
    -------
    tuple
        ``(value, below_dl, detection_limit)``: ``value`` is None when below the limit
        or missing; ``detection_limit`` is None unless written in the text.

    Raises
    ------
    IndicatorInputError
        When the text is none of these forms.

    Examples
    --------
    >>> parse_measurement("ND"), parse_measurement(""), parse_measurement(0.5)
    ((None, True, None), (None, False, None), (0.5, False, None))
    """
    if text is None:
        return None, False, None
    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text), False, None
    s = str(text).strip()
    if not s:
        return None, False, None
    if s.upper() in _ND_WORDS:
        return None, True, None
    for pattern in (_LT_RE, _L_RE):
        m = pattern.match(s)
        if m:
            return None, True, float(m.group(1))
    try:
        return float(s), False, None
    except ValueError:
        raise IndicatorInputError(
            "value is not a number",
            column="value",
            expected="a number, 'ND', '<DL' or 'DL' followed by L",
            found=text,
        ) from None


def rename_headers(
    df: pl.DataFrame, file: str, wanted: tuple[str, ...] | None = None
) -> pl.DataFrame:
    """Rename Chinese or English water headers (``断面编码``, ``采样日期`` ...) to field names.

    Parameters
    ----------
    df : polars.DataFrame
        A registry or results table as read.
    file : str
        File name for error messages.
    wanted : tuple of str, optional
        Field names to look for (default: every field of the water tables).

    Returns
    -------
    polars.DataFrame
        ``df`` with the recognised headers renamed; other columns unchanged.

    Raises
    ------
    IndicatorInputError
        Two columns mapping to one field.
    """
    wanted = tuple(_HEADER_ALIASES) if wanted is None else wanted
    mapping: dict[str, str] = {}
    for col in df.columns:
        key = _norm_name(col)
        for canon in wanted:
            if key in {_norm_name(a) for a in _HEADER_ALIASES.get(canon, (canon,))}:
                if canon in mapping.values():
                    raise IndicatorInputError(
                        "two columns map to the same field",
                        file=file,
                        column=col,
                        expected=f"one column for {canon!r}",
                        found=[c for c, v in mapping.items() if v == canon] + [col],
                    )
                mapping[col] = canon
                break
    return df.rename(mapping)


def _first_bad(df: pl.DataFrame, mask: pl.Series) -> int:
    return int(mask.arg_true()[0]) + 1


# --------------------------------------------------------------------------- registries


def _to_float(df: pl.DataFrame, col: str, file: str, lo: float, hi: float) -> pl.Series:
    raw = df[col]
    values = raw.cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
    bad = (raw.is_not_null() & (raw.cast(pl.String).str.strip_chars() != "")) & (
        values.is_null() | (values < lo) | (values > hi)
    )
    if bad.any():
        row = _first_bad(df, bad)
        raise IndicatorInputError(
            "value out of range or not a number",
            file=file,
            row=row,
            column=col,
            expected=f"a number in [{lo}, {hi}]",
            found=raw[row - 1],
        )
    return values


def _map_values(
    df: pl.DataFrame, col: str, mapping: Mapping[str, str], file: str, *, required: bool
) -> pl.Series:
    raw = df[col].cast(pl.String).str.strip_chars()
    keys = raw.map_elements(_norm_name, return_dtype=pl.String)
    norm = {_norm_name(k): v for k, v in mapping.items()}
    mapped = keys.replace_strict(norm, default=None, return_dtype=pl.String)
    blank = raw.is_null() | (raw == "")
    bad = mapped.is_null() & (~blank | required)
    if bad.any():
        row = _first_bad(df, bad)
        raise IndicatorInputError(
            f"invalid {col}",
            file=file,
            row=row,
            column=col,
            expected=f"one of {sorted(set(mapping.values()))}",
            found=raw[row - 1],
        )
    return mapped


def _target(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip().removesuffix("类").removesuffix("类水").strip()
    for roman, ascii_ in _ROMAN.items():
        text = text.replace(roman, ascii_)
    return _TARGETS.get(text.upper())


def _normalise_registry(data: Any, kind: str, name: str) -> pl.DataFrame:
    lf, _ = to_lazy(data, name=name)
    df = rename_headers(lf.collect(), name, REGISTRY_COLUMNS[kind])
    for col in _REQUIRED[kind]:
        if col not in df.columns:
            raise IndicatorInputError(
                "required column missing",
                file=name,
                column=col,
                expected=f"columns {list(_REQUIRED[kind])} (English or Chinese headers)",
                found=f"columns {df.columns}",
            )
    for col in REGISTRY_COLUMNS[kind]:
        if col not in df.columns:
            df = df.with_columns(pl.lit(None, dtype=pl.String).alias(col))
    for col in ("site", "name"):
        blank = df[col].is_null() | (df[col].cast(pl.String).str.strip_chars() == "")
        if blank.any():
            row = _first_bad(df, blank)
            raise IndicatorInputError(
                "blank value in a required column",
                file=name,
                row=row,
                column=col,
                expected="a non-empty code/name",
                found=df[col][row - 1],
            )
    result = pl.DataFrame(
        {col: _registry_column(df, col, kind, name) for col in REGISTRY_COLUMNS[kind]}
    )
    dup = ~result["site"].is_first_distinct()
    if dup.any():
        row = _first_bad(result, dup)
        raise IndicatorInputError(
            "duplicate site code",
            file=name,
            row=row,
            column="site",
            expected="each code once",
            found=result["site"][row - 1],
        )
    return result


#: Numeric registry columns and their allowed range (lon/lat in degrees, volume, area >= 0).
_NUMERIC_RANGES = {
    "lon": (-180.0, 180.0),
    "lat": (-90.0, 90.0),
    "volume": (0.0, float("inf")),
    "area": (0.0, float("inf")),
}


def _registry_column(df: pl.DataFrame, col: str, kind: str, name: str) -> pl.Series:
    """One registry column normalised: numbers, mapped codes or stripped text."""
    if col in _NUMERIC_RANGES:
        return _to_float(df, col, name, *_NUMERIC_RANGES[col])
    if col == "type":
        return _map_values(df, col, _TYPES[kind], name, required=True)
    if col == "level":
        return _map_values(df, col, _LEVELS, name, required=False)
    if col == "target_class":
        return _target_classes(df, name)
    return df[col].cast(pl.String).str.strip_chars()


def _target_classes(df: pl.DataFrame, name: str) -> pl.Series:
    """The target classes as I-V; one that is not raises."""
    col = "target_class"
    raw = df[col]
    mapped = raw.map_elements(_target, return_dtype=pl.String, skip_nulls=False)
    if mapped.is_null().any():
        row = _first_bad(df, mapped.is_null())
        raise IndicatorInputError(
            "target class is not I-V",
            file=name,
            row=row,
            column=col,
            expected="I, II, III, IV or V (Ⅰ-Ⅴ, 1-5 and a trailing 类 accepted)",
            found=raw[row - 1],
        )
    return mapped


def normalise_sections(data: Any, *, name: str = "sections") -> pl.DataFrame:
    """Check a section registry (断面名录) and return it in the canonical layout.

    Parameters
    ----------
    data : polars or pandas frame
        One row per section with at least ``site``, ``name``, ``type`` and
        ``target_class`` (English or Chinese headers, see the module docstring).
    name : str
        Name used in error messages.

    Returns
    -------
    polars.DataFrame
        Columns :data:`REGISTRY_COLUMNS` ``["sections"]``; missing optional columns are
        null. ``type`` is ``river``/``lake``/``reservoir``; ``target_class`` ``I``-``V``.

    Raises
    ------
    IndicatorInputError
        Missing required column, blank code, unknown type or level, target class not
        I-V, coordinates out of range, duplicate code.

    Examples
    --------
    >>> reg = normalise_sections(pl.DataFrame({"断面编码": ["S1"], "断面名称": ["桥"],
    ...     "水体类型": ["河流"], "水质目标": ["Ⅲ类"]}))
    >>> reg.select("site", "type", "target_class").row(0)
    ('S1', 'river', 'III')
    """
    return _normalise_registry(data, "sections", name)


def normalise_drinking_sources(data: Any, *, name: str = "drinking_sources") -> pl.DataFrame:
    """Check a drinking-water source registry (饮用水水源地名录).

    Parameters
    ----------
    data : polars or pandas frame
        One row per source with at least ``site``, ``name`` and ``type`` (``river``,
        ``lake``, ``reservoir``, ``groundwater``; 河流型, 湖库型, 水库型, 地下水型
        accepted). ``volume`` is the water supplied [10⁴ t/a], the weight of the
        volume-based compliance rate.
    name : str
        Name used in error messages.

    Returns
    -------
    polars.DataFrame
        Columns :data:`REGISTRY_COLUMNS` ``["drinking_sources"]``.

    Raises
    ------
    IndicatorInputError
        As :func:`normalise_sections`; a bare "surface" type is refused because the TP
        limit depends on river versus lake/reservoir.

    Examples
    --------
    >>> normalise_drinking_sources(pl.DataFrame({"site": ["D1"], "name": ["北井"],
    ...     "type": ["地下水型"], "volume": ["1200"]})).row(0)
    ('D1', '北井', 'groundwater', None, 1200.0, None, None)
    """
    return _normalise_registry(data, "drinking_sources", name)


def normalise_sea_points(data: Any, *, name: str = "sea_points") -> pl.DataFrame:
    """Check a coastal sea point registry (近岸海域监测点位).

    Parameters
    ----------
    data : polars or pandas frame
        One row per point with at least ``site`` and ``name``; ``area`` [km²] is the sea
        area the point represents (optional; used for area-based shares).
    name : str
        Name used in error messages.

    Returns
    -------
    polars.DataFrame
        Columns :data:`REGISTRY_COLUMNS` ``["sea_points"]``.

    Examples
    --------
    >>> normalise_sea_points(pl.DataFrame({"site": ["P1"], "name": ["湾口"],
    ...     "area": [12.5]})).row(0)
    ('P1', '湾口', None, 12.5, None, None)
    """
    return _normalise_registry(data, "sea_points", name)


# --------------------------------------------------------------------------- results


def normalise_results(
    data: Any, *, registry: Any = None, name: str = "results", rows: pl.Series | None = None
) -> Frame:
    """Check long-form results and bring items and units to the canonical codes.

    Every water evaluation calls this on its input, so frames built in memory get the
    same checks as files read with :func:`read_water_results`.

    Parameters
    ----------
    data : polars DataFrame/LazyFrame or pandas DataFrame
        Columns ``site``, ``date`` (Date or Datetime), ``item`` (code or name),
        ``value`` (number; null for missing or below the detection limit); optional
        ``unit`` (converted when given; without the column the values are taken to be
        in canonical units), ``below_dl`` (bool, default false), ``detection_limit``.
    registry : frame, optional
        Registry whose ``site`` column must contain every result site.
    name : str
        Name used in error messages.
    rows : polars.Series, optional
        The file row number of each input row, for messages (default: 1, 2, ...).

    Returns
    -------
    polars.DataFrame or LazyFrame
        Columns :data:`RESULT_COLUMNS` plus any other input columns; lazy in, lazy out
        (the checks collect the input once).

    Raises
    ------
    IndicatorInputError
        Unknown item, unit not fitting the item, negative value, pH outside 0-14, a
        value flagged below the detection limit without a limit, a site missing from
        the registry, a date that is not a date.

    Examples
    --------
    >>> from datetime import date
    >>> r = pl.DataFrame({"site": ["S1"], "date": [date(2025, 1, 5)], "item": ["总磷"],
    ...     "value": [50.0], "unit": ["ug/L"]})
    >>> normalise_results(r).select("item", "value", "unit").row(0)
    ('TP', 0.05, 'mg/L')
    """
    lf, was_lazy = to_lazy(data, name=name)
    schema = lf.collect_schema()
    for col in ("site", "date", "item", "value"):
        if col not in schema:
            raise IndicatorInputError(
                "required column missing",
                file=name,
                column=col,
                expected=f"columns {list(RESULT_COLUMNS[:4])}",
                found=f"columns {list(schema)}",
            )
    lf = _result_dates(lf, schema, name)
    if rows is not None:
        lf = lf.with_columns(_row=pl.lit(rows))
    else:
        lf = lf.with_row_index("_row", offset=1)
    lf = lf.with_columns(
        _item_raw=pl.col("item").cast(pl.String),
        item=_item_code(),
        value=pl.col("value").cast(pl.Float64),
    )
    if "below_dl" not in schema:
        lf = lf.with_columns(below_dl=pl.lit(False))
    if "detection_limit" not in schema:
        lf = lf.with_columns(detection_limit=pl.lit(None, dtype=pl.Float64))
    lf = lf.with_columns(
        below_dl=pl.col("below_dl").cast(pl.Boolean).fill_null(False),
        detection_limit=pl.col("detection_limit").cast(pl.Float64),
    )
    lf = _in_canonical_units(lf, schema)
    _raise_first_bad(lf, _result_checks(registry), name)
    # the validation boundary: project plausibility bounds by item (canonical units) and
    # one value per site, date and item (two would be averaged silently)
    keys = ["site", "date", "item", *(["campaign"] if "campaign" in schema else [])]
    values = lf.select(*keys, "value", "unit", "detection_limit", "_row").sort("_row").collect()
    check_long_bounds(values, file=name, rows=values["_row"])
    check_unique(
        values, keys, file=name, rows=values["_row"], what="/".join(keys).replace("/", ", ")
    )
    extra = [c for c in schema if c not in RESULT_COLUMNS and not c.startswith("_") and c != "unit"]
    lf = lf.select(*RESULT_COLUMNS, *extra)
    return finish(lf, was_lazy)


def _result_dates(lf: pl.LazyFrame, schema: pl.Schema, name: str) -> pl.LazyFrame:
    """``date`` as a Date (a Datetime's day); another type raises."""
    if schema["date"] == pl.Datetime or isinstance(schema["date"], pl.Datetime):
        return lf.with_columns(pl.col("date").dt.date())
    if schema["date"] != pl.Date:
        raise IndicatorInputError(
            "date column is not a date",
            file=name,
            column="date",
            expected="polars Date or Datetime",
            found=str(schema["date"]),
        )
    return lf


def _item_code() -> pl.Expr:
    """The item code of ``item`` (a code or a name, a trailing bracket tried without)."""
    aliases = _alias_map()
    item_key = pl.col("item").cast(pl.String).str.strip_chars().str.to_lowercase()
    item_key = item_key.str.replace_all("（", "(").str.replace_all("）", ")")
    item_key = item_key.str.replace_all(r"\s+", "")
    code = item_key.replace_strict(aliases, default=None, return_dtype=pl.String)
    return code.fill_null(
        item_key.str.replace(r"\([^()]*\)$", "").replace_strict(
            aliases, default=None, return_dtype=pl.String
        )
    )


def _in_canonical_units(lf: pl.LazyFrame, schema: pl.Schema) -> pl.LazyFrame:
    """Values and detection limits converted to the item's canonical unit (``_factor``)."""
    units = _unit_table().lazy()
    if "unit" in schema:
        unit_raw = pl.col("unit").cast(pl.String).fill_null("")
        unit_key = (
            unit_raw.str.strip_chars()
            .str.replace_all("μ", "µ")
            .str.replace_all("³", "3")
            .str.replace_all(" ", "")
            .str.to_lowercase()
        )
        unit_key = (
            pl.when(unit_key.str.starts_with("ug/"))
            .then(pl.lit("µ") + unit_key.str.slice(1))
            .otherwise(unit_key)
        )
        lf = lf.with_columns(_unit_raw=unit_raw, _unit_key=unit_key).join(
            units, on=["item", "_unit_key"], how="left", maintain_order="left"
        )
    else:
        canon = units.filter(pl.col("_factor") == 1.0).unique("item").select("item", "_canonical")
        lf = lf.with_columns(_unit_raw=pl.lit(None, dtype=pl.String)).join(
            canon, on="item", how="left", maintain_order="left"
        )
        lf = lf.with_columns(_factor=pl.lit(1.0))
    dl_factor = pl.col("_factor")
    if "_dl_canonical" in schema:
        dl_factor = pl.when(pl.col("_dl_canonical")).then(1.0).otherwise(pl.col("_factor"))
    return lf.with_columns(
        value=pl.col("value") * pl.col("_factor"),
        detection_limit=pl.col("detection_limit") * dl_factor,
        unit=pl.col("_canonical"),
    )


def _result_checks(registry: Any) -> list[tuple[pl.Expr, str, str, str, str]]:
    """The row checks of results: ``(bad, message, column, expected, found column)``."""
    checks: list[tuple[pl.Expr, str, str, str, str]] = [
        (
            pl.col("item").is_null(),
            "unknown item name",
            "item",
            "an item code or name of the water_items table",
            "_item_raw",
        ),
        (
            pl.col("_factor").is_null(),
            "unit does not fit the item",
            "unit",
            "the item's unit or a convertible one (see canonical_unit)",
            "_unit_raw",
        ),
        (pl.col("value") < 0, "negative value", "value", ">= 0", "value"),
        (
            (pl.col("item") == "pH") & ((pl.col("value") > 14) | (pl.col("value") < 0)),
            "pH outside 0-14",
            "value",
            "0 <= pH <= 14",
            "value",
        ),
        (
            pl.col("detection_limit") < 0,
            "negative detection limit",
            "detection_limit",
            ">= 0",
            "detection_limit",
        ),
        (
            pl.col("below_dl") & pl.col("detection_limit").is_null(),
            "value below the detection limit without a detection limit",
            "detection_limit",
            "a detection_limit value or the detection_limits= mapping",
            "detection_limit",
        ),
        (pl.col("site").is_null(), "blank site code", "site", "a site code", "site"),
        (pl.col("date").is_null(), "missing sampling date", "date", "a date", "date"),
    ]
    if registry is not None:
        reg, _ = to_lazy(registry, name="registry")
        sites = reg.select(pl.col("site").cast(pl.String)).collect()["site"]
        checks.append(
            (
                ~pl.col("site").cast(pl.String).is_in(sites.implode()),
                "site missing from the registry",
                "site",
                "a site code of the registry",
                "site",
            )
        )
    return checks


def _raise_first_bad(
    lf: pl.LazyFrame, checks: list[tuple[pl.Expr, str, str, str, str]], name: str
) -> None:
    """Raise for the first row (by ``_row``) that fails a check, naming its first check."""
    flags = [c[0].fill_null(False).alias(f"_bad{i}") for i, c in enumerate(checks)]
    bad = (
        lf.with_columns(flags)
        .filter(pl.any_horizontal(pl.col(f"_bad{i}") for i in range(len(checks))))
        .sort("_row")
        .head(1)
        .collect()
    )
    if not bad.height:
        return
    first = bad.row(0, named=True)
    for i, (_, message, column, expected, found_col) in enumerate(checks):
        if first[f"_bad{i}"]:
            raise IndicatorInputError(
                message,
                file=name,
                row=int(first["_row"]),
                column=column,
                expected=expected,
                found=first[found_col],
            )
