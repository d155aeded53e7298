r"""Ingest (数据入库): real files in, one validated data folder out.

:func:`ingest` turns CNEMC archive files, a CNEMC station list, the UCI Beijing
files, tidy station-hour tables, the water, drinking-water, sea,
black-odorous, noise and sand-dust files of a bureau and a targets file
(考核目标, :mod:`indicators.targets`) into a data folder of the
data-folder contract (:mod:`indicators.contract`): one Parquet file per table
and a ``manifest.json`` recording, for each table, its schema version, its
sources (name, size, sha256), rows, time range, stations/cities/sites, data
basis (实况/审核), package version and ingest time.

How it works
------------
* **Detection.** Each file's format is decided from its content: the header
  line (decoded strictly as UTF-8, UTF-8 with BOM or GB18030; gzip is
  recognised by its magic bytes), a Parquet schema, the first sheet of an
  xlsx workbook or, for a targets file, TOML with ``schema`` and
  ``[[target]]`` tables. ``format=`` forces one (:data:`FORMATS`). A folder, a glob or
  a zip archive stands for the files in it. The file is then read by the
  reader of :mod:`indicators.io` for that format (parsing and value checks are
  the readers'); ingest only reshapes headers of tidy tables.
* **Incremental and idempotent.** New sources are merged with the tables
  already in the folder, deduplicated on the contract keys
  (:attr:`indicators.contract.Table.keys`). A source whose sha256 the manifest
  already lists is skipped. The same key with different values in two sources
  (or in a source and the folder) is an error naming both and the first
  differing key and column.
* **Atomic.** Every table is checked (:func:`indicators.contract.check_schema`,
  :func:`indicators.validation.validate_table`) before anything is written;
  each file is written to a temporary file in the folder and renamed.
* **Layout.** ``station_hours`` is written time-ordered (then by station) with
  row-group statistics, so that reading one month skips the other row groups.
* **Memory.** Station hours never sit in memory as a whole: each batch of
  daily files is written, sorted, to a temporary Parquet part as it is read;
  the table is then streamed from the parts (and the folder's table) into its
  file. Only the time range where two of them overlap is read into memory to
  be compared, a month at a time.

Examples
--------
>>> import tempfile, pathlib
>>> src = pathlib.Path(tempfile.mkdtemp())
>>> _ = (src / "stations.csv").write_text(
...     "监测点编码,监测点名称,城市,经度,纬度,对照点,省级行政区\n"
...     "1001A,万寿西宫,北京,116.366,39.8673,N,北京市\n", encoding="utf-8")
>>> detect_format(src / "stations.csv")
'station_list'
>>> done = ingest([src / "stations.csv"], src / "folder", progress=False)
>>> done["tables"]["stations"]["rows"]
1
"""

from __future__ import annotations

import csv
import glob
import gzip
import hashlib
import io as _stdio
import itertools
import json
import os
import re
import shutil
import sys
import tempfile
import tomllib
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

from . import contract, targets, validation
from . import io as readers
from .errors import IndicatorInputError
from .glossary import AIR_POLLUTANTS, TERMS
from .io.air import CNEMC_MOVING_MEANS, UCI_BEIJING_STATIONS
from .io.ledgers import HEADER_ALIASES
from .validation import validate_table

__all__ = ["BASES", "FORMATS", "detect_format", "ingest"]

#: Data bases (数据类型): 实况 (real-time, as published each hour) and 审核 (reviewed).
BASES: tuple[str, ...] = ("实况", "审核")

#: Formats :func:`ingest` reads, each with the contract table it fills and what it looks like.
FORMATS: dict[str, tuple[str, str]] = {
    "cnemc": (
        "station_hours",
        "CNEMC archive: header date,hour,type,<station codes> (china_sites_YYYYMMDD.csv[.gz], "
        "daily or concatenated)",
    ),
    "station_list": (
        "stations",
        "CNEMC station list: 监测点编码,监测点名称,城市,经度,纬度,对照点,省级行政区[,地级行政区] "
        "(or station,name,city,lon,lat,background,province)",
    ),
    "uci_beijing": (
        "station_hours",
        "UCI Beijing multi-site files PRSA_Data_*.csv: No,year,month,day,hour,PM2.5,...,station",
    ),
    "station_hours": (
        "station_hours",
        "tidy station-hours (CSV, Parquet, xlsx): station,time,SO2,NO2,PM10,CO,O3,PM2.5 "
        "(or 监测点编码,时间,二氧化硫,...)",
    ),
    "water_sections": ("water_sections", "section registry: site (断面编码), target_class, type"),
    "water_results": ("water_results", "results: site, date, item, value, unit (断面编码,...)"),
    "drinking_sources": ("drinking_sources", "drinking-water source registry: site, type"),
    "drinking_results": ("drinking_results", "drinking-source results (the results layout)"),
    "sea_points": ("sea_points", "sea point registry: site, name[, area]"),
    "sea_results": ("sea_results", "sea results (the results layout, with campaign 航次)"),
    "blackodorous_ledger": ("blackodorous_ledger", "black-odorous ledger: 编号, 城市, 名称 ..."),
    "blackodorous_status": ("blackodorous_status", "black-odorous status: 编号, 状态, 日期"),
    "blackodorous_monitoring": (
        "blackodorous_monitoring",
        "black-odorous monitoring: 编号, 点位, 日期, 透明度/溶解氧/氧化还原电位/氨氮",
    ),
    "blackodorous_surveys": ("blackodorous_surveys", "black-odorous surveys: 编号, 日期, 调查人数"),
    "noise_functional": ("noise_functional", "functional-area noise: 功能区类别, 季度, 昼间 ..."),
    "noise_regional": ("noise_regional", "regional noise: 城市, 年份, 点位, 昼间 ..."),
    "noise_traffic": ("noise_traffic", "road-traffic noise: 城市, 年份, 路段, 昼间 ..."),
    "dust": ("dust", "sand-dust flags: city, date[, kind, hours, source] (城市, 日期 ...)"),
    "targets": (
        "targets",
        "targets TOML (考核目标): schema = 1 and [[target]] tables with city, year and "
        "indicators (indicators.targets)",
    ),
}

#: Files in a folder with these endings are read; other files (README.md ...) are skipped.
DATA_SUFFIXES = (
    ".csv",
    ".csv.gz",
    ".gz",
    ".parquet",
    ".xlsx",
    ".xlsm",
    ".zip",
    ".txt",
    ".tsv",
    ".toml",
)

#: CNEMC daily files read in one pass (concatenated, as the archive layout allows).
CNEMC_BATCH_FILES = 31

#: Days of station hours compared in memory at a time where new data overlap the folder's.
OVERLAP_WINDOW_DAYS = 31

_REGISTRY_FORMATS = (
    "station_list",
    "water_sections",
    "drinking_sources",
    "sea_points",
    "blackodorous_ledger",
)
_ENTITY_LABELS = {
    "station": "stations",
    "city": "cities",
    "site": "sites",
    "water_body_id": "water_bodies",
}
_HEAD_BYTES = 1 << 20
#: Bytes read first: a header line fits (a national CNEMC header is about 10 kB).
_FIRST_BYTES = 1 << 16


# --------------------------------------------------------------------------- headers


def _norm(header: Any) -> str:
    h = str(header).strip().lstrip("\ufeff").replace("（", "(").replace("）", ")")
    return h.replace(" ", "").replace("\u3000", "").lower()


def _base(header: str) -> str:
    """A normalised header without a trailing unit in brackets (``pm2.5(µg/m³)`` -> ``pm2.5``)."""
    return re.sub(r"\(.*\)$", "", header) or header


_STATION_HOUR_ALIASES: dict[str, tuple[str, ...]] = {
    "station": (
        "station",
        "监测点编码",
        "监测点位编码",
        "站点编码",
        "站点代码",
        "点位编码",
        "站点",
    ),
    "time": ("time", "时间", "监测时间", "日期时间", "数据时间"),
    **{p: (p, TERMS[p].zh) for p in AIR_POLLUTANTS},
    **{m: (m,) for m in CNEMC_MOVING_MEANS},
    "aqi_published": ("aqi_published", "aqi", "空气质量指数"),
    "data_basis": ("data_basis", "数据类型", "数据基础"),
}
_DUST_ALIASES: dict[str, tuple[str, ...]] = {
    "city": ("city", "城市"),
    "date": ("date", "日期"),
    "kind": ("kind", "类型", "事件类型"),
    "hours": ("hours", "小时数", "沙尘小时数"),
    "source": ("source", "来源", "依据"),
}
# Detection only: the water readers own their full alias tables.
_WATER_HINTS: dict[str, tuple[str, ...]] = {
    "site": ("site", "code", "断面编码", "断面代码", "点位编码", "点位代码", "水源地编码"),
    "item": ("item", "项目", "监测项目", "指标", "监测指标", "因子"),
    "value": ("value", "监测值", "测定值", "浓度", "结果", "监测结果"),
    "date": ("date", "sampling_date", "采样日期", "监测日期", "采样时间", "日期"),
    "target_class": ("target_class", "target", "水质目标", "目标类别", "目标水质", "考核目标"),
    "type": ("type", "水体类型", "水源地类型", "类型"),
    "volume": ("volume", "供水量", "取水量"),
    "source_site": ("水源地编码", "水源地代码", "水源地名称"),
    "section_site": ("断面编码", "断面代码", "断面名称"),
    "campaign": ("campaign", "航次", "监测期次"),
    "area": ("area", "代表面积", "代表海域面积", "area_km2"),
}


def _fields(columns: Iterable[str], aliases: dict[str, tuple[str, ...]]) -> set[str]:
    """The canonical fields ``columns`` name, by the aliases (full header or without unit)."""
    lookup = {_norm(a): canon for canon, names in aliases.items() for a in names}
    found = set()
    for c in columns:
        n = _norm(c)
        canon = lookup.get(n, lookup.get(_base(n)))
        if canon is not None:
            found.add(canon)
    return found


def _rename(df: pl.DataFrame, aliases: dict[str, tuple[str, ...]]) -> pl.DataFrame:
    lookup = {_norm(a): canon for canon, names in aliases.items() for a in names}
    mapping: dict[str, str] = {}
    for c in df.columns:
        n = _norm(c)
        canon = lookup.get(n, lookup.get(_base(n)))
        if canon is not None and canon not in mapping.values():
            mapping[c] = canon
    return df.rename(mapping)


def _classify(columns: Sequence[str]) -> str | None:
    """The format a header names, or None (see :data:`FORMATS`)."""
    if [_norm(c) for c in columns[:3]] == ["date", "hour", "type"]:
        return "cnemc"  # (before normalising 1,600 station codes)
    found = _air_format(columns)
    if found is not None:
        return found
    ledger = _fields(columns, HEADER_ALIASES)
    water = _fields(columns, _WATER_HINTS)
    return _noise_format(ledger) or _water_format(ledger, water) or _dust_format(columns)


def _air_format(columns: Sequence[str]) -> str | None:
    """UCI Beijing hours, a station list or station hours, by the header's names."""
    names = {_norm(c) for c in columns}
    if {"year", "month", "day", "hour", "station", "pm2.5"} <= names:
        return "uci_beijing"
    if {"监测点编码", "城市"} <= names or {"station", "city", "background"} <= names:
        return "station_list"
    hours = _fields(columns, _STATION_HOUR_ALIASES)
    if {"station", "time"} <= hours and hours & set(AIR_POLLUTANTS):
        return "station_hours"
    return None


def _noise_format(ledger: set[str]) -> str | None:
    """A noise ledger (functional, traffic or regional), by its ledger fields."""
    if "functional_class" in ledger and "quarter" in ledger:
        return "noise_functional"
    if {"leq_day", "leq_night"} & ledger:
        if "section" in ledger:
            return "noise_traffic"
        if "point" in ledger and "year" in ledger:
            return "noise_regional"
    return None


def _water_format(ledger: set[str], water: set[str]) -> str | None:
    """Water or sea results, a black-and-odorous table or a site registry."""
    sited = bool(water & {"site", "source_site", "section_site"})
    if {"item", "value", "date"} <= water and sited:
        return "sea_results" if "campaign" in water else "water_results"
    if "water_body_id" in ledger:
        found = _blackodorous_format(ledger, water)
        if found is not None:
            return found
    if sited:
        return _registry_format(water)
    return None


def _blackodorous_format(ledger: set[str], water: set[str]) -> str | None:
    """The black-and-odorous table a header with ``water_body_id`` names, or None."""
    if ledger & {"transparency", "DO", "ORP", "NH3-N"}:
        return "blackodorous_monitoring"
    if "respondents" in ledger or "satisfied_share" in ledger:
        return "blackodorous_surveys"
    if {"status", "date"} <= ledger and not ledger & {"city", "grade_identified"}:
        return "blackodorous_status"
    if "city" in ledger and not water & {"site", "target_class", "item"}:
        return "blackodorous_ledger"
    return None


def _registry_format(water: set[str]) -> str:
    """The registry of a header naming sites: sections, drinking sources or sea points."""
    if "target_class" in water:
        return "water_sections"
    if "type" in water or "volume" in water or "source_site" in water:
        return "drinking_sources"
    return "sea_points"


def _dust_format(columns: Sequence[str]) -> str | None:
    """``dust`` when every column is a dust-flag column, city and date among them."""
    dust = _fields(columns, _DUST_ALIASES)
    if {"city", "date"} <= dust and len(dust) == len(columns):
        return "dust"
    return None


# --------------------------------------------------------------------------- files


def _magic(path: Path) -> bytes:
    """The first two bytes of a file as stored (the magic bytes of gzip and zip)."""
    with path.open("rb") as f:
        return f.read(2)


def _is_gzip(path: Path) -> bool:
    return _magic(path) == b"\x1f\x8b"


def _head(path: Path, size: int = _HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of a file (gunzipped when it is gzip)."""
    try:
        if _is_gzip(path):
            with gzip.open(path, "rb") as f:
                return f.read(size)
        with path.open("rb") as f:
            return f.read(size)
    except (EOFError, OSError, zlib.error) as exc:
        raise IndicatorInputError(
            "truncated or corrupt file", file=str(path), expected="a readable file", found=str(exc)
        ) from None


def _gunzip(raw: bytes) -> bytes:
    """Gzip data decompressed (one zlib pass for the usual single member; else :mod:`gzip`)."""
    d = zlib.decompressobj(wbits=31)
    out = d.decompress(raw)
    if d.eof and not d.unused_data:
        return out
    return gzip.decompress(raw)  # several members, or truncated (EOFError)


def _maybe_toml(line: bytes) -> bool:
    """Whether a first line may begin a TOML file (``key = value``, a table, a comment)."""
    text = line.strip()
    return not text or text[:1] in (b"#", b"[") or b"=" in text


def _is_targets_toml(head: bytes) -> bool:
    """Whether a whole (small) file is a targets file: TOML with ``schema`` and ``[[target]]``.

    Detection only (:func:`indicators.targets.read_targets` checks the file,
    its schema version included): UTF-8 text that parses as TOML with a
    ``schema`` key and an array of ``target`` tables.
    """
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if "[[target]]" not in text.replace(" ", ""):
        return False
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    found = data.get("target")
    return (
        "schema" in data
        and isinstance(found, list)
        and bool(found)
        and all(isinstance(t, dict) for t in found)
    )


def _header_of(path: Path) -> tuple[str, list[str], bytes]:
    """``(kind, columns, header bytes)`` of a data file: kind is csv, parquet, xlsx, zip or toml."""
    head, whole = _first_bytes(path)
    if head[:4] == b"PAR1":
        return _parquet_header(path)
    if head[:2] == b"PK":
        return _zip_header(path)
    if whole and _maybe_toml(head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]):
        if _is_targets_toml(head):  # a targets file is small: read whole
            return "toml", [], b""
    return _csv_header(path, head)


def _first_bytes(path: Path) -> tuple[bytes, bool]:
    """The head of a file (up to 1 MiB for a long header line or TOML) and whether it is whole."""
    size = _FIRST_BYTES
    head = _head(path, size)
    binary = head[:4] == b"PAR1" or head[:2] == b"PK"
    if len(head) == size and not binary:
        if b"\n" not in head or _maybe_toml(head.split(b"\n", 1)[0]):
            size = _HEAD_BYTES  # a long header line, or a TOML file: read up to 1 MiB
            head = _head(path, size)
    return head, len(head) < size


def _parquet_header(path: Path) -> tuple[str, list[str], bytes]:
    """The columns of a Parquet file, from its schema."""
    try:
        return "parquet", list(pl.read_parquet_schema(path)), b""
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise IndicatorInputError(
            "not a readable Parquet file", file=str(path), found=str(exc).splitlines()[0]
        ) from None


def _zip_header(path: Path) -> tuple[str, list[str], bytes]:
    """A zip archive (no columns), or an xlsx workbook and its first sheet's header."""
    try:
        with zipfile.ZipFile(path) as z:
            is_xlsx = "xl/workbook.xml" in z.namelist()
    except zipfile.BadZipFile as exc:
        raise IndicatorInputError(
            "not a readable zip or xlsx file", file=str(path), found=str(exc)
        ) from None
    if not is_xlsx:
        return "zip", [], b""
    try:
        columns = pl.read_excel(path, sheet_id=1, infer_schema_length=0).columns
    except Exception as exc:  # fastexcel raises its own error types
        raise IndicatorInputError(
            "cannot read the workbook", file=str(path), found=str(exc).splitlines()[0]
        ) from None
    return "xlsx", columns, b""


def _csv_header(path: Path, head: bytes) -> tuple[str, list[str], bytes]:
    """The columns of a text file's first line, decoded strictly."""
    end = head.find(b"\n")
    line = head if end < 0 else head[:end]
    if not line.strip():
        raise IndicatorInputError(
            "empty file or no header line",
            file=str(path),
            expected="a header line naming the columns",
            found="an empty first line" if head.strip() else "0 bytes",
        )
    text = validation.decode_text(line.rstrip(b"\r"), file=str(path))
    return "csv", next(csv.reader([text]), []), line


def _expected_formats() -> str:
    return "; ".join(f"{k}: {v[1]}" for k, v in FORMATS.items())


def _format_of(kind: str, columns: Sequence[str]) -> str | None:
    """The format of a file of ``kind`` with these columns (:func:`_classify`), or None."""
    if kind == "toml":
        return "targets"
    return _classify(columns) if kind != "zip" else None


def detect_format(path: str | os.PathLike) -> str:
    """The format of a data file, from its content (the keys of :data:`FORMATS`).

    The header line (decoded strictly: UTF-8, UTF-8 with BOM or GB18030; gzip
    recognised by its magic bytes), the Parquet schema or the first sheet's
    header of an xlsx workbook decide (a targets file: TOML with ``schema``
    and ``[[target]]`` tables); the file name does not. Results files
    (site, date, item, value) are reported as ``water_results`` (``sea_results``
    with a campaign column); :func:`ingest` files them under drinking or sea
    results when their sites are drinking sources or sea points.

    Parameters
    ----------
    path : path
        The data file.

    Returns
    -------
    str
        A key of :data:`FORMATS`.

    Raises
    ------
    IndicatorInputError
        Naming the file and the formats expected, when no format fits.
    """
    p = Path(path)
    kind, columns, _ = _header_of(p)
    found = _format_of(kind, columns)
    if found is None:
        raise IndicatorInputError(
            "unrecognised file format",
            file=str(p),
            expected=f"one of the formats {_expected_formats()}",
            found="a zip archive (give the archive, not a member)"
            if kind == "zip"
            else f"{kind} with columns {columns[:12]}",
        )
    return found


@dataclass
class _Source:
    path: Path  # the file to read (a member of a zip is extracted)
    name: str  # how messages and the manifest name it
    size: int
    sha256: str
    explicit: bool = True  # named directly (an unrecognised file is an error, not skipped)
    fmt: str = ""
    kind: str = ""
    header: bytes = b""
    dates: tuple[str, ...] = ()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _data_file(name: str) -> bool:
    return name.lower().endswith(DATA_SUFFIXES) and not name.startswith((".", "~$"))


def _expand(sources: Iterable[str | os.PathLike], tmp: Path) -> list[_Source]:
    """Files named by paths, folders, globs and zip archives (members extracted to ``tmp``)."""
    items = [sources] if isinstance(sources, str | os.PathLike) else list(sources)
    if not items:
        raise IndicatorInputError(
            "no source given", expected="one or more files, folders, globs or zip archives"
        )
    files: list[tuple[Path, bool]] = []
    for item in items:
        text = os.fspath(item)
        p = Path(text)
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.is_file() and _data_file(q.name))
            if not found:
                raise IndicatorInputError(
                    "no data file in the folder",
                    file=text,
                    expected=f"files ending {list(DATA_SUFFIXES)}",
                    found="none",
                )
            files += [(q, False) for q in found]
        elif any(ch in text for ch in "*?[") and not p.exists():
            found = sorted(Path(q) for q in glob.glob(text) if Path(q).is_file())
            if not found:
                raise IndicatorInputError(
                    "no file matches the pattern", file=text, expected="at least one file"
                )
            files += [(q, True) for q in found]
        elif p.is_file():
            files.append((p, True))
        else:
            raise IndicatorInputError(
                "source not found", file=text, expected="an existing file, folder, glob or zip"
            )
    out: list[_Source] = []
    for path, explicit in files:
        if path.stat().st_size and _magic(path) == b"PK" and not _is_xlsx(path):
            out += _zip_members(path, tmp)
            continue
        out.append(_Source(path, str(path), path.stat().st_size, _sha256(path), explicit))
    return out


def _is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            return "xl/workbook.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def _zip_members(path: Path, tmp: Path) -> list[_Source]:
    out = []
    try:
        with zipfile.ZipFile(path) as z:
            for info in sorted(z.infolist(), key=lambda i: i.filename):
                base = info.filename.rsplit("/", 1)[-1]
                if info.is_dir() or not _data_file(base) or info.filename.startswith("__MACOSX"):
                    continue
                target = tmp / uuid.uuid4().hex / base
                target.parent.mkdir(parents=True)
                target.write_bytes(z.read(info))
                name = f"{path}:{info.filename}"
                out.append(_Source(target, name, info.file_size, _sha256(target), False))
    except (zipfile.BadZipFile, OSError, zlib.error) as exc:
        raise IndicatorInputError(
            "not a readable zip archive", file=str(path), found=str(exc)
        ) from None
    if not out:
        raise IndicatorInputError(
            "no data file in the zip archive",
            file=str(path),
            expected=f"members ending {list(DATA_SUFFIXES)}",
            found="none",
        )
    return out


# --------------------------------------------------------------------------- reading


def _read_text_frame(source: _Source) -> pl.DataFrame:
    """Every cell of a CSV (strictly decoded), xlsx or Parquet file, as strings for text files."""
    if source.kind == "parquet":
        return pl.read_parquet(source.path)
    if source.kind == "xlsx":
        return pl.read_excel(source.path, sheet_id=1, infer_schema_length=0)
    text = validation.decode_text(validation.read_bytes(source.path), file=source.name)
    try:
        return pl.read_csv(_stdio.StringIO(text), infer_schema=False)
    except pl.exceptions.PolarsError as exc:
        raise IndicatorInputError(
            "not a readable CSV file", file=source.name, found=str(exc).splitlines()[0]
        ) from None


def _read_station_hours(source: _Source) -> pl.DataFrame:
    """Tidy station-hours: the reader for English CSV/Parquet, else headers mapped first."""
    if source.kind in ("csv", "parquet"):
        df = pl.read_parquet_schema(source.path) if source.kind == "parquet" else None
        line = validation.decode_text(source.header, file=source.name) if df is None else ""
        columns = list(df) if df is not None else next(csv.reader([line]), [])
        if all(_norm(c) == c.lower() and c in _STATION_HOUR_ALIASES for c in columns):
            return readers.read_station_hours(source.path)
    frame = _rename(_read_text_frame(source), _STATION_HOUR_ALIASES)
    if frame.height == 0:
        raise IndicatorInputError(
            "empty file", file=source.name, expected="station-hour rows", found="header only"
        )
    return readers.validate_station_hours(frame, name=source.name)


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def _read_dust(source: _Source) -> pl.DataFrame:
    """Sand-dust flags (``city``, ``date``; ``kind``, ``hours``, ``source`` optional)."""
    df = _rename(_read_text_frame(source), _DUST_ALIASES)
    if df.height == 0:
        raise IndicatorInputError(
            "empty file", file=source.name, expected="one row per flagged city-day"
        )
    df = df.with_row_index("_row", offset=1)
    if df.schema["date"] != pl.Date:
        text = pl.col("date").cast(pl.String).str.strip_chars().str.split(" ").list.first()
        parsed = pl.coalesce([text.str.strptime(pl.Date, f, strict=False) for f in _DATE_FORMATS])
        bad = df.filter(parsed.is_null())
        if bad.height:
            raise IndicatorInputError(
                "not a date",
                file=source.name,
                row=int(bad["_row"][0]),
                column="date",
                expected="a date such as 2019-03-27",
                found=bad["date"][0],
            )
        df = df.with_columns(parsed.alias("date"))
    if "hours" in df.columns and df.schema["hours"] == pl.String:
        num = pl.col("hours").str.strip_chars().cast(pl.Int64, strict=False)
        bad = df.filter(pl.col("hours").is_not_null() & num.is_null())
        if bad.height:
            raise IndicatorInputError(
                "not a whole number",
                file=source.name,
                row=int(bad["_row"][0]),
                column="hours",
                expected="hours 0..24",
                found=bad["hours"][0],
            )
        df = df.with_columns(num.alias("hours"))
    return df.drop("_row").with_columns(pl.col("city").cast(pl.String).str.strip_chars())


_READERS: dict[str, Callable[[_Source], pl.DataFrame]] = {
    "station_list": lambda s: readers.read_station_list(s.path),
    "uci_beijing": lambda s: readers.read_uci_beijing(s.path),
    "station_hours": _read_station_hours,
    "water_sections": lambda s: readers.read_water_sections(s.path),
    "water_results": lambda s: readers.read_water_results(s.path),
    "drinking_sources": lambda s: readers.read_drinking_sources(s.path),
    "drinking_results": lambda s: readers.read_water_results(s.path),
    "sea_points": lambda s: readers.read_sea_points(s.path),
    "sea_results": lambda s: readers.read_water_results(s.path),
    "blackodorous_ledger": lambda s: readers.read_blackodorous_ledger(s.path),
    "blackodorous_status": lambda s: readers.read_blackodorous_status(s.path),
    "blackodorous_monitoring": lambda s: readers.read_blackodorous_monitoring(s.path),
    "blackodorous_surveys": lambda s: readers.read_blackodorous_surveys(s.path),
    "noise_functional": lambda s: readers.read_noise_functional(s.path),
    "noise_regional": lambda s: readers.read_noise_regional(s.path),
    "noise_traffic": lambda s: readers.read_noise_traffic(s.path),
    "dust": _read_dust,
    "targets": lambda s: targets.read_targets(s.path),
}


def _cnemc_dates(path: Path) -> tuple[str, ...]:
    """The ``date`` values (YYYYMMDD) of a CNEMC file's data lines."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = _gunzip(raw)
        except (EOFError, OSError, zlib.error):
            return ()  # the reader reports the broken file
    lines = raw.splitlines()[1:]
    return tuple(sorted({line[:8].decode("ascii", "replace") for line in lines if line.strip()}))


def _cnemc_batches(group: list[_Source]) -> list[list[_Source]]:
    """Daily files with the same header and distinct dates, in date order, by batches."""
    batches: list[list[_Source]] = []
    current: list[_Source] = []
    seen: set[str] = set()
    for s in sorted(group, key=lambda s: (s.dates[:1], s.name)):
        fits = (
            current
            and len(s.dates) == 1  # daily files; a concatenated file is read on its own
            and len(current[0].dates) == 1
            and len(current) < CNEMC_BATCH_FILES
            and s.header == current[0].header
            and not seen & set(s.dates)
        )
        if not fits and current:
            batches.append(current)
            current, seen = [], set()
        current.append(s)
        seen |= set(s.dates)
    if current:
        batches.append(current)
    return batches


def _join_batch(batch: list[_Source], tmp: Path) -> Path:
    """The daily files of a batch concatenated into one CSV file in ``tmp`` (one header).

    The CNEMC archive layout allows concatenated days (one header, then the
    rows of each day): files with one header and distinct dates read as one
    file give the rows reading them one by one gives. A single file is itself.
    """
    if len(batch) == 1:
        return batch[0].path
    joined = tmp / f"cnemc_{uuid.uuid4().hex}.csv"
    with joined.open("wb") as out:
        for k, s in enumerate(batch):
            raw = s.path.read_bytes()
            if raw[:2] == b"\x1f\x8b":
                raw = _gunzip(raw)
            raw = raw.removeprefix(b"\xef\xbb\xbf")
            if k:
                raw = raw[raw.find(b"\n") + 1 :]
            out.write(raw if raw.endswith(b"\n") else raw + b"\n")
    return joined


def _read_cnemc_batch(batch: list[_Source], basis: str, joined: Path) -> pl.DataFrame:
    """One pass of :func:`indicators.io.read_cnemc` over a batch joined (:func:`_join_batch`).

    An error is re-raised from the file it is in.
    """
    if len(batch) == 1:
        return readers.read_cnemc(batch[0].path, basis=basis)
    try:
        return readers.read_cnemc(joined, basis=basis)
    except IndicatorInputError:
        for s in batch:  # name the file (and its row) the problem is in
            readers.read_cnemc(s.path, basis=basis)
        raise
    finally:
        joined.unlink(missing_ok=True)


# --------------------------------------------------------------------------- progress


class _Progress:
    """A bar on a terminal (tqdm when installed), plain lines otherwise; or a callback."""

    def __init__(self, total: int, mode: Any) -> None:
        self.total, self.done, self.bar, self.callback = total, 0, None, None
        self.quiet = mode is False
        if callable(mode):
            self.callback = mode
        elif not self.quiet and sys.stderr.isatty():
            try:
                from tqdm.auto import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self.bar = tqdm(total=total, unit="file", desc="ingest", file=sys.stderr)

    def step(self, n: int, text: str) -> None:
        self.done += n
        if self.callback is not None:
            self.callback(self.done, self.total, text)
        elif self.bar is not None:
            self.bar.set_postfix_str(text[-60:], refresh=False)
            self.bar.update(n)
        elif not self.quiet:
            print(f"ingest [{self.done}/{self.total}] {text}", file=sys.stderr, flush=True)

    def shrink(self) -> None:
        self.total -= 1
        if self.bar is not None:
            self.bar.total = self.total
            self.bar.refresh()

    def note(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)
        elif self.callback is None and not self.quiet:
            print(f"ingest: {text}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# --------------------------------------------------------------------------- tables


@dataclass
class _Part:
    """Rows of one table from some sources (indices into the ingest's source list).

    Station hours are spilled to a Parquet file (``path``, sorted by time then
    station; ``frame`` is None) as they are read, with what the manifest needs
    (``height``, ``schema``, the time range ``span``, per source ``spans``);
    the other tables stay in memory (``frame``).
    """

    frame: pl.DataFrame | None
    sources: list[int]
    rows_of: dict[int, int] = field(default_factory=dict)
    path: Path | None = None
    height: int = 0
    schema: dict[str, pl.DataType] = field(default_factory=dict)
    span: tuple[Any, Any] | None = None
    spans: dict[int, tuple[Any, Any] | None] | None = None
    #: ``path`` is written as the table file is (zstd, row groups, statistics)
    final: bool = False

    def __post_init__(self) -> None:
        if self.frame is not None:
            self.height, self.schema = self.frame.height, dict(self.frame.schema)

    def lazy(self) -> pl.LazyFrame:
        """The rows, lazily (a scan of the spilled file, or the frame)."""
        return pl.scan_parquet(self.path) if self.frame is None else self.frame.lazy()


def _sorted(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Rows sorted as the table is written (:func:`_sort_keys`; station hours: time, station).

    Station hours in station order (as the CNEMC reader returns them) need
    only a stable sort by time, twice as fast as sorting on both columns.
    """
    station = frame["station"] if name == "station_hours" else None
    if station is not None and station.null_count() == 0 and station.is_sorted():
        return frame.sort("time", maintain_order=True, nulls_last=True)
    return frame.sort(_sort_keys(name, frame.columns), nulls_last=True)


def _spill(
    name: str,
    frame: pl.DataFrame,
    ids: list[int],
    rows_of: dict[int, int],
    spans: dict[int, tuple[Any, Any] | None],
    tmp: Path,
) -> _Part:
    """A part written to a temporary Parquet file in ``tmp``, sorted as the table is written."""
    frame = _sorted(name, frame)
    path = tmp / f"{name}_{uuid.uuid4().hex}.pq"
    frame.write_parquet(path, compression="lz4", statistics=True)
    span = _range(frame, contract.TABLES[name].time_column)
    return _Part(None, ids, rows_of, path, frame.height, dict(frame.schema), span, spans)


class _HoursFile:
    """Batches of station hours appended, sorted, to a Parquet file written as the table is.

    A batch that starts after the file's last hour (with the same columns)
    is appended to the file; another starts a new file. Each file is one part
    (:class:`_Part`, ``final``): when it is all the table holds, it becomes the
    table's file without another pass over the rows (the national year in
    daily files is one such file, written a batch at a time). A batch is
    sorted and written in a background thread while the next one is read (at
    most one batch waits to be written).
    """

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.writer: pq.ParquetWriter | None = None
        self.part: _Part | None = None
        self.pool: ThreadPoolExecutor | None = None
        self.pending: Future[None] | None = None

    def add(
        self,
        frame: pl.DataFrame,
        ids: list[int],
        rows_of: dict[int, int],
        spans: dict[int, tuple[Any, Any] | None],
    ) -> _Part | None:
        """Write a batch; the new part when the batch starts one, else None."""
        span = _range(frame, "time")
        part, started = self.part, None
        if (
            part is None
            or dict(frame.schema) != part.schema
            or span is None
            or part.span is None
            or not part.span[1] < span[0]
        ):
            self.close()
            path = self.tmp / f"station_hours_{uuid.uuid4().hex}.pq"
            part = started = self.part = _Part(
                None, [], {}, path, 0, dict(frame.schema), span, {}, final=True
            )
        self.wait()
        if self.pool is None:
            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-write")
        self.pending = self.pool.submit(self._write, frame, part.path)
        part.sources += ids
        part.rows_of.update(rows_of)
        if part.spans is None:
            part.spans = {}
        part.spans.update(spans)
        part.height += frame.height
        if part.span is not None and span is not None:
            part.span = (part.span[0], span[1])
        return started

    def _write(self, frame: pl.DataFrame, path: Path) -> None:
        table = _sorted("station_hours", frame).to_arrow()
        if self.writer is None:
            self.writer = pq.ParquetWriter(
                path, table.schema, compression="zstd", write_statistics=True
            )
        self.writer.write_table(table, row_group_size=contract.ROW_GROUP_ROWS)

    def wait(self) -> None:
        """Wait for the batch being written (its error, if any, is raised here)."""
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        """Finish the file being written."""
        try:
            self.wait()
        finally:
            if self.writer is not None:
                self.writer.close()
                self.writer = None

    def shutdown(self) -> None:
        """Finish the file and stop the writing thread."""
        try:
            self.close()
        finally:
            if self.pool is not None:
                self.pool.shutdown()
                self.pool = None


def _conform(name: str, df: pl.DataFrame, file: str) -> pl.DataFrame:
    """Check the schema, cast to the contract's types, contract columns first."""
    contract.check_schema(name, df.schema, file=file)
    spec = contract.TABLES[name]
    casts = []
    for col in spec.columns:
        if col.name not in df.columns:
            continue
        want = pl.Datetime("us") if col.dtype is pl.Datetime else col.dtype
        if df.schema[col.name] != want:
            casts.append(pl.col(col.name).cast(want))
    if casts:
        df = df.with_columns(casts)
    front = [c.name for c in spec.columns if c.name in df.columns]
    return df.select(*front, *(c for c in df.columns if c not in front))


def _sort_keys(name: str, columns: Sequence[str]) -> list[str]:
    return [c for c in contract.TABLES[name].storage_order if c in columns]


def _key_text(row: dict[str, Any], keys: Sequence[str]) -> str:
    def show(v: Any) -> str:
        if isinstance(v, datetime):
            return f"{v:%Y-%m-%d %H:%M}"
        return str(v)

    return ", ".join(f"{k}={show(row[k])}" for k in keys)


def _range(frame: pl.DataFrame, column: str | None) -> tuple[Any, Any] | None:
    if column is None or column not in frame.columns or frame.height == 0:
        return None
    lo, hi = frame.select(pl.col(column).min().alias("lo"), pl.col(column).max().alias("hi")).row(0)
    return None if lo is None else (lo, hi)


def _combine(
    segments: list[tuple[pl.DataFrame, int]], keys: list[str], values: list[str]
) -> tuple[pl.DataFrame, tuple[dict[str, Any], dict[str, Any]] | None, int]:
    """Aligned frames (with their source index) concatenated and deduplicated on ``keys``.

    Returns the rows (the first of each key kept, in input order; the source
    index in ``_src``), the first clash (the two rows, sorted by key then
    source, of a key with different values) or None, and the rows removed.
    """
    tagged = [f.with_columns(pl.lit(i, dtype=pl.Int32).alias("_src")) for f, i in segments]
    both = pl.concat(tagged, how="vertical")
    dup = both.select(pl.struct(keys).is_duplicated()).to_series()
    if not dup.any():
        return both, None, 0
    repeated = both.filter(dup)
    distinct = repeated.unique(subset=[*keys, *values], keep="first", maintain_order=True)
    clash = distinct.filter(pl.struct(keys).is_duplicated()).sort([*keys, "_src"])
    first = (clash.row(0, named=True), clash.row(1, named=True)) if clash.height else None
    before = both.height
    both = both.unique(subset=keys, keep="first", maintain_order=True)
    return both, first, before - both.height


def _clash_error(
    name: str,
    keys: list[str],
    values: list[str],
    clash: tuple[dict[str, Any], dict[str, Any]],
    source_name: Callable[[int, dict[str, Any]], str],
) -> IndicatorInputError:
    """The error for two rows with the same key and different values, naming both sources."""
    a, b = clash
    col = next(c for c in values if a[c] != b[c])
    file_a, file_b = source_name(a["_src"], a), source_name(b["_src"], b)
    who = f"{file_a} and {file_b} hold" if file_a != file_b else f"{file_a} holds"
    return IndicatorInputError(
        f"{name}: {who} different values for the same row "
        f"({_key_text(b, keys)}), first in column {col!r}",
        file=file_b,
        column=col,
        expected=f"{a[col]!r} as in {file_a}",
        found=b[col],
    )


def _merge(
    name: str,
    existing: pl.DataFrame | None,
    parts: list[_Part],
    source_name: Callable[[int, dict[str, Any]], str],
) -> tuple[list[pl.DataFrame], int]:
    """The table's rows: existing and new, deduplicated on the keys, sorted; rows added.

    For the tables held in memory (every table but ``station_hours``, see
    :func:`_merge_hours`); every key is checked.

    Raises
    ------
    IndicatorInputError
        The same key with different values in two sources, naming both, the
        key and the first differing column.
    """
    spec = contract.TABLES[name]
    segments = [(existing, -1)] if existing is not None else []
    segments += [(p.frame, i) for i, p in enumerate(parts) if p.frame is not None]
    columns, schema = _union([dict(f.schema) for f, _ in segments])
    keys = [k for k in spec.keys if k in columns]
    values = [c for c in columns if c not in keys]
    both, clash, removed = _combine(
        [(_align(f.lazy(), columns, schema).collect(), i) for f, i in segments], keys, values
    )
    if clash is not None:
        raise _clash_error(name, keys, values, clash, source_name)
    new_rows = sum(p.height for p in parts) - removed
    return [both.drop("_src").sort(_sort_keys(name, columns), nulls_last=True)], new_rows


def _union(schemas: list[dict[str, pl.DataType]]) -> tuple[list[str], dict[str, pl.DataType]]:
    """Every column of the schemas, in order of appearance, with its first type."""
    columns: list[str] = []
    types: dict[str, pl.DataType] = {}
    for schema in schemas:
        for c, t in schema.items():
            if c not in types:
                columns.append(c)
                types[c] = t
    return columns, types


def _align(lf: pl.LazyFrame, columns: list[str], types: dict[str, pl.DataType]) -> pl.LazyFrame:
    """``columns`` of ``lf`` in order, cast to ``types``; null columns for those it lacks."""
    have = lf.collect_schema()
    exprs = []
    for c in columns:
        if c not in have:
            exprs.append(pl.lit(None, dtype=types[c]).alias(c))
        elif have[c] != types[c]:
            exprs.append(pl.col(c).cast(types[c]))
        else:
            exprs.append(pl.col(c))
    return lf.select(exprs)


@dataclass
class _Segment:
    """Station hours of one origin: the folder's table (``src`` -1) or a new part."""

    lf: pl.LazyFrame  # sorted by time, then station
    src: int
    lo: Any
    hi: Any


def _existing_hours(path: Path, order: list[str], tmp: Path) -> tuple[pl.LazyFrame, Any, Any]:
    """The folder's station hours as a sorted scan, and their time range (None when empty).

    A table written by ingest is sorted already (checked a batch of rows at a
    time, without reading the table into memory); another is sorted once, in
    memory, into ``tmp``.

    Raises
    ------
    IndicatorInputError
        When the table lacks a key column or has a row without a station or a time.
    """
    name, file = "station_hours", str(path)
    scan = pl.scan_parquet(path)
    contract.check_schema(name, scan.collect_schema(), file=file)
    ordered, lo, hi = _key_order(path, order)
    if not ordered:
        sorted_path = tmp / f"{name}_existing_{uuid.uuid4().hex}.pq"
        scan.collect().sort(order).write_parquet(sorted_path, compression="lz4")
        scan = pl.scan_parquet(sorted_path)
    return scan, lo, hi


def _key_order(path: Path, order: list[str]) -> tuple[bool, Any, Any]:
    """Whether a Parquet file's rows strictly increase on ``order``, and its first column's range.

    Read a batch of the key columns at a time.

    Raises
    ------
    IndicatorInputError
        Naming the file and the first row without a value in a key column.
    """
    ordered, lo, hi = True, None, None
    last: tuple[Any, ...] | None = None
    a, b = (pl.col(c) for c in order)
    offset = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=1 << 20, columns=order):
        df = pl.from_arrow(batch)
        if df.height == 0:
            continue
        missing = df.select(pl.any_horizontal(a.is_null(), b.is_null()).arg_true().first()).item()
        if missing is not None:
            row = df.row(missing, named=True)
            raise IndicatorInputError(
                "a station-hour of the folder's table has no key",
                file=str(path),
                row=offset + missing + 1,
                column=next(c for c in order if row[c] is None),
                expected="a station and a time on every row",
                found=None,
            )
        offset += df.height
        low, high = df.select(a.min().alias("lo"), a.max().alias("hi")).row(0)
        lo, hi = (low, high) if lo is None else (min(lo, low), max(hi, high))
        if ordered:
            ordered = validation.strictly_increasing(df, order, last)
            last = df.row(-1)
    return ordered, lo, hi


def _windows(lo: Any, hi: Any) -> list[pl.Expr]:
    """Filters on ``time`` that cut [lo, hi] into :data:`OVERLAP_WINDOW_DAYS` windows."""
    t = pl.col("time")
    out = []
    start = lo
    step = timedelta(days=OVERLAP_WINDOW_DAYS)
    while start + step <= hi:
        out.append((t >= start) & (t < start + step))
        start += step
    out.append((t >= start) & (t <= hi))
    return out


def _merge_hours(
    existing: Path | None,
    parts: list[_Part],
    source_name: Callable[[int, dict[str, Any]], str],
    tmp: Path,
) -> tuple[list[pl.LazyFrame], int, Path | None]:
    """Station hours: the folder's and the new, deduplicated on the keys; rows added.

    Returns lazy, time-ordered, non-overlapping pieces, written one after the
    other into the table's file, the rows added and, when the table is one
    part written as the table's file is (a new folder, CNEMC files in time
    order), that file (the pieces are its scan). Segments (the folder's table, each part)
    whose time ranges overlap no other are passed through as they are (the
    readers reject repeated station-hours, so no key can repeat); where they
    overlap, only the rows of the time range that two of them share are read
    and compared, :data:`OVERLAP_WINDOW_DAYS` days at a time, as :func:`_merge`
    compares them, and spilled to ``tmp``.

    Raises
    ------
    IndicatorInputError
        The same key with different values in two sources, naming both, the
        key and the first differing column (the first by key over every window).
    """
    name = "station_hours"
    spec = contract.TABLES[name]
    if existing is None and len(parts) == 1 and parts[0].final and parts[0].path is not None:
        return [pl.scan_parquet(parts[0].path)], parts[0].height, parts[0].path
    segments: list[_Segment] = []
    schemas = [p.schema for p in parts]
    if existing is not None:
        order = _sort_keys(name, spec.keys)
        scan, lo, hi = _existing_hours(existing, order, tmp)
        segments.append(_Segment(scan, -1, lo, hi))
        schemas.insert(0, dict(scan.collect_schema()))
    segments += [_Segment(p.lazy(), i, *(p.span or (None, None))) for i, p in enumerate(parts)]
    columns, _ = _union(schemas)
    _, types = _union([p.schema for p in parts] + schemas)  # the new parts' (contract) types
    keys = [k for k in spec.keys if k in columns]
    merge = _HourMerge(
        columns=columns,
        types=types,
        keys=keys,
        values=[c for c in columns if c not in keys],
        order=_sort_keys(name, columns),
        tmp=tmp,
    )
    pieces: list[pl.LazyFrame] = []
    for cluster in _clusters(segments):
        pieces += merge.cluster(cluster)
    if merge.clash is not None:
        raise _clash_error(name, merge.keys, merge.values, merge.clash, source_name)
    if not pieces:  # only an empty table in the folder
        pieces = [_align(segments[0].lf, columns, types)]
    return pieces, sum(p.height for p in parts) - merge.removed, None


def _clusters(segments: list[_Segment]) -> list[list[_Segment]]:
    """The segments with rows, by start, in groups whose time ranges chain into one another."""
    live = sorted((s for s in segments if s.lo is not None), key=lambda s: (s.lo, s.src))
    clusters: list[list[_Segment]] = []
    end: Any = None
    for s in live:
        if clusters and s.lo <= end:
            clusters[-1].append(s)
            end = max(end, s.hi)
        else:
            clusters.append([s])
            end = s.hi
    return clusters


@dataclass
class _HourMerge:
    """One station-hours merge: its columns and keys, the rows it removed, its first clash."""

    columns: list[str]
    types: dict[str, pl.DataType]
    keys: list[str]
    values: list[str]
    order: list[str]
    tmp: Path
    removed: int = 0
    clash: tuple[dict[str, Any], dict[str, Any]] | None = None

    def cluster(self, cluster: list[_Segment]) -> list[pl.LazyFrame]:
        """The pieces of a cluster: a lone segment as it is, else the overlap merged."""
        aligned = [(s, _align(s.lf, self.columns, self.types)) for s in cluster]
        if len(cluster) == 1:
            return [aligned[0][1]]
        t = pl.col(contract.TABLES["station_hours"].time_column)
        shared = [
            (max(x.lo, y.lo), min(x.hi, y.hi))
            for x, y in itertools.combinations(cluster, 2)
            if max(x.lo, y.lo) <= min(x.hi, y.hi)
        ]
        lo, hi = min(a for a, _ in shared), max(b for _, b in shared)
        pieces = [lf.filter(t < lo) for s, lf in aligned if s.lo < lo]
        inside = [(s, lf) for s, lf in aligned if s.lo <= hi and s.hi >= lo]
        pieces += self._overlap(inside, lo, hi)
        pieces += [lf.filter(t > hi) for s, lf in aligned if s.hi > hi]
        return pieces

    def _overlap(
        self, inside: list[tuple[_Segment, pl.LazyFrame]], lo: Any, hi: Any
    ) -> list[pl.LazyFrame]:
        """The shared range [lo, hi] compared window by window, spilled to ``tmp``."""
        pieces = []
        for window in _windows(lo, hi):
            frames = [(lf.filter(window).collect(), s.src) for s, lf in inside]
            frames = [(f, i) for f, i in frames if f.height]
            if not frames:
                continue
            both, found, dropped = _combine(frames, self.keys, self.values)
            if found is not None and (
                self.clash is None or _clash_key(found) < _clash_key(self.clash)
            ):
                self.clash = found
            if self.clash is not None:
                continue  # nothing is written: only the first clash is looked for
            self.removed += dropped
            path = self.tmp / f"station_hours_overlap_{uuid.uuid4().hex}.pq"
            both.drop("_src").sort(self.order, nulls_last=True).write_parquet(
                path, compression="lz4"
            )
            pieces.append(pl.scan_parquet(path))
        return pieces


def _clash_key(clash: tuple[dict[str, Any], dict[str, Any]]) -> tuple:
    """The sort key of a clash (its first row's key, then source), as :func:`_combine` sorts."""
    row = clash[0]
    return (*(row[k] for k in contract.TABLES["station_hours"].keys), row["_src"])


# --------------------------------------------------------------------------- manifest


def _iso(v: Any) -> Any:
    return v.isoformat(timespec="minutes") if isinstance(v, datetime) else str(v)


def _package_version() -> str:
    try:
        return metadata.version("indicators")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _table_entry(
    name: str,
    table: pl.LazyFrame,
    stations: pl.DataFrame | None,
    basis: str | None,
    codes: pl.DataFrame | None = None,
) -> dict[str, Any]:
    """The manifest entry of a written table (a scan of its file): rows, time range, entities.

    One pass over the file; ``codes`` (the distinct stations of station hours,
    when known) give the cities.
    """
    spec = contract.TABLES[name]
    schema = table.collect_schema()
    stats = [pl.len().alias("__rows")]
    time = spec.time_column if spec.time_column in schema else None
    if time is not None:
        stats += [pl.col(time).min().alias("__lo"), pl.col(time).max().alias("__hi")]
    entities = [c for c in spec.entity_columns if c in schema]
    stats += [pl.col(c).n_unique().alias(f"__n_{c}") for c in entities]
    if "data_basis" in schema:
        stats.append(pl.col("data_basis").unique().implode().alias("__basis"))
    if name == "station_hours" and stations is not None and codes is None:
        stats.append(pl.col("station").unique().implode().alias("__codes"))
    row = table.select(stats).collect().row(0, named=True)
    entry: dict[str, Any] = {"schema_version": contract.SCHEMA_VERSION, "rows": row["__rows"]}
    span = (row["__lo"], row["__hi"]) if time is not None and row["__lo"] is not None else None
    entry["time_range"] = [_iso(span[0]), _iso(span[1])] if span else None
    for col in entities:
        entry[_ENTITY_LABELS.get(col, col)] = row[f"__n_{col}"]
    if name == "station_hours" and stations is not None:
        if codes is None:
            codes = pl.DataFrame({"station": row["__codes"]}, schema={"station": pl.String})
        entry["cities"] = codes.join(stations.select("station", "city"), on="station")[
            "city"
        ].n_unique()
    if "data_basis" in schema:
        found = sorted(v for v in row["__basis"] if v is not None)
        entry["data_basis"] = "/".join(found) if found else basis
    elif spec.domain == "air" and name == "station_hours":
        entry["data_basis"] = basis
    return entry


# --------------------------------------------------------------------------- ingest


def _check_basis(basis: str | None) -> None:
    if basis is not None and basis not in BASES:
        raise IndicatorInputError(
            "unknown data basis", column="basis", expected=f"one of {list(BASES)}", found=basis
        )


def _with_basis(frame: pl.DataFrame, basis: str | None, file: str) -> pl.DataFrame:
    """Station-hours with ``data_basis`` set from ``basis`` (which must agree with the file's)."""
    if basis is None:
        return frame
    if "data_basis" in frame.columns:
        other = frame.filter(pl.col("data_basis").is_not_null() & (pl.col("data_basis") != basis))
        if other.height:
            raise IndicatorInputError(
                "the file's data basis differs from --basis",
                file=file,
                column="data_basis",
                expected=basis,
                found=other["data_basis"][0],
            )
    return frame.with_columns(data_basis=pl.lit(basis, dtype=pl.String))


def _uci_stations() -> pl.DataFrame:
    """The 12 UCI Beijing stations as a station list (定陵 1002A is the background station)."""
    codes = [v[0] for v in UCI_BEIJING_STATIONS.values()]
    return pl.DataFrame(
        {
            "station": codes,
            "city": ["北京"] * len(codes),
            "background": [c == "1002A" for c in codes],
            "name": [v[1] for v in UCI_BEIJING_STATIONS.values()],
            "province": ["北京市"] * len(codes),
        }
    )


def ingest(
    sources: str | os.PathLike | Iterable[str | os.PathLike],
    out: str | os.PathLike,
    *,
    format: str = "auto",
    basis: str | None = None,
    progress: bool | Callable[[int, int, str], None] | None = None,
) -> dict[str, Any]:
    r"""Ingest files into a data folder of the data-folder contract (:mod:`indicators.contract`).

    Parameters
    ----------
    sources : path, folder, glob, zip or a list of them
        Files of the formats of :data:`FORMATS`: CNEMC archive files
        (``china_sites_YYYYMMDD.csv[.gz]``, daily or concatenated), the CNEMC
        station list (UTF-8 or GB18030), UCI Beijing ``PRSA_Data_*.csv``, tidy
        station-hours (CSV, Parquet, xlsx; English or Chinese headers), water
        sections and results, drinking sources, sea points, black-odorous
        ledger, status, monitoring and surveys, noise, sand-dust flags, targets
        (TOML, :func:`indicators.targets.read_targets`). In a folder or a zip,
        files not ending in :data:`DATA_SUFFIXES` are skipped.
    out : path
        The data folder (created when absent). Tables already in it are merged with.
        Temporary files (station hours by batches, zip members) go to a hidden
        folder in it (or in its parent while it does not exist), removed at the end.
    format : str, default "auto"
        ``"auto"`` detects each file's format from its content
        (:func:`detect_format`); a key of :data:`FORMATS` forces it for every file.
    basis : {"实况", "审核"}, optional
        Data basis of the air data (:data:`BASES`), carried as ``data_basis``
        (CNEMC archive files are 实况 when not given).
    progress : bool or callable, optional
        None (default) or True: a progress bar on a terminal, plain lines on
        stderr otherwise; False: silent; a callable gets ``(done, total, text)``.

    Returns
    -------
    dict
        ``out`` (the folder), ``tables`` (per table written: ``rows``, ``added``,
        ``file``), ``skipped`` (sources already ingested: ``name``, ``sha256``),
        ``sources`` (read: ``name``, ``format``, ``table``, ``rows``),
        ``warnings`` and ``manifest`` (as written, or unchanged).

    Raises
    ------
    IndicatorInputError
        An unrecognised file (naming it and the formats expected); a reader's
        error (file, row, column); overlapping data with different values
        (both files, the key and the column); station hours without a station
        list; a value check of :func:`indicators.validation.validate_table`.
        Nothing is written then.

    Notes
    -----
    Station hours need the ``stations`` table (the CNEMC hour files name no
    cities): give the station list with the first hour files. UCI Beijing
    files bring their 12 stations (city 北京) when no station list is known.
    Results files go to ``drinking_results`` or ``sea_results`` when their
    sites are drinking sources or sea points of this ingest or of the folder
    (``format=`` forces one).

    Memory: station hours are written to temporary Parquet files a batch of
    :data:`CNEMC_BATCH_FILES` daily files at a time and streamed into the
    table's file; where new hours overlap the folder's (or each other), the
    overlapping time range alone is read and compared,
    :data:`OVERLAP_WINDOW_DAYS` days at a time. A national year (365 daily
    files of 1,605 stations) peaks below 1 GiB (``benchmarks/ingest.py``).
    """
    if format != "auto" and format not in FORMATS:
        raise IndicatorInputError(
            "unknown format",
            column="format",
            expected=f"auto or one of {list(FORMATS)}",
            found=format,
        )
    _check_basis(basis)
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise IndicatorInputError(
            "the output is not a folder", file=str(folder), expected="a folder (or a new name)"
        )
    manifest = contract.read_manifest(folder)
    known: dict[str, str] = {}
    for entry in (manifest.get("tables") or {}).values():
        for s in entry.get("sources", []) if isinstance(entry, dict) else []:
            if isinstance(s, dict) and "sha256" in s:
                known.setdefault(s["sha256"], s.get("name", "?"))
    result: dict[str, Any] = {
        "out": str(folder),
        "tables": {},
        "skipped": [],
        "sources": [],
        "warnings": [],
        "manifest": manifest,
    }
    scratch = next(p for p in (folder, *folder.absolute().parents) if p.is_dir())
    with tempfile.TemporaryDirectory(prefix=".indicators-ingest-", dir=scratch) as tmp_name:
        tmp = Path(tmp_name)
        found = _expand(sources, tmp)
        todo: list[_Source] = []
        seen: set[str] = set()
        for s in found:
            if s.sha256 in known or s.sha256 in seen:
                why = f"already ingested as {known[s.sha256]}" if s.sha256 in known else "repeated"
                result["skipped"].append({"name": s.name, "sha256": s.sha256, "reason": why})
                continue
            seen.add(s.sha256)
            todo.append(s)
        bar = _Progress(len(todo), progress)
        for skip in result["skipped"]:
            bar.note(f"skipped {skip['name']} ({skip['reason']})")
        try:
            todo = _detect_all(todo, format, bar, result)
            parts = _read_all(todo, basis, tmp, bar, result)
        finally:
            bar.close()
        if not todo:
            return result
        return _finish(folder, manifest, todo, parts, basis, format, result, tmp)


def _detect_all(
    todo: list[_Source], format: str, bar: _Progress, result: dict[str, Any]
) -> list[_Source]:
    keep = []
    for s in todo:
        kind, columns, header = _header_of(s.path)
        s.kind, s.header = kind, header
        s.fmt = format if format != "auto" else (_format_of(kind, columns) or "")
        if not s.fmt:
            if not s.explicit:
                result["skipped"].append(
                    {"name": s.name, "sha256": s.sha256, "reason": "not a recognised format"}
                )
                bar.note(f"skipped {s.name} (not a recognised format)")
                bar.shrink()
                continue
            raise IndicatorInputError(
                "unrecognised file format",
                file=s.name,
                expected=f"one of the formats {_expected_formats()}",
                found=f"{kind} with columns {columns[:12]}",
            )
        keep.append(s)
    cnemc = [s for s in keep if s.fmt == "cnemc"]
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        # gunzipping releases the GIL: the files are read on every core
        found = list(pool.map(_cnemc_dates, [s.path for s in cnemc]))
    for s, dates in zip(cnemc, found, strict=True):
        s.dates = dates
    return keep


def _read_all(
    todo: list[_Source], basis: str | None, tmp: Path, bar: _Progress, result: dict[str, Any]
) -> dict[str, list[_Part]]:
    parts: dict[str, list[_Part]] = {}
    index = {id(s): i for i, s in enumerate(todo)}
    first = [s for s in todo if s.fmt in _REGISTRY_FORMATS]
    rest = [s for s in todo if s.fmt not in _REGISTRY_FORMATS and s.fmt != "cnemc"]
    cnemc = [s for s in todo if s.fmt == "cnemc"]
    for s in [*first, *rest]:
        table = FORMATS[s.fmt][0]
        frame = _READERS[s.fmt](s)
        if table == "station_hours":
            frame = _with_basis(frame, basis, s.name)
        frame = _conform(table, frame, s.name)
        validate_table(table, frame, file=s.name)
        i = index[id(s)]
        if table == "station_hours":
            span = _range(frame, "time")
            part = _spill(table, frame, [i], {i: frame.height}, {i: span}, tmp)
        else:
            part = _Part(frame, [i], {i: frame.height})
        parts.setdefault(table, []).append(part)
        result["sources"].append(
            {"name": s.name, "format": s.fmt, "table": table, "rows": frame.height}
        )
        bar.step(1, f"{Path(s.name).name}: {table} {frame.height:,} rows")
    hours = _HoursFile(tmp)
    try:
        _read_batches(cnemc, basis, tmp, hours, index, parts, bar, result)
    finally:
        hours.shutdown()
    return parts


def _read_batches(
    cnemc: list[_Source],
    basis: str | None,
    tmp: Path,
    hours: _HoursFile,
    index: dict[int, int],
    parts: dict[str, list[_Part]],
    bar: _Progress,
    result: dict[str, Any],
) -> None:
    """Read CNEMC files by batches (:func:`_cnemc_batches`) into ``hours``, checked.

    The next batch is joined (:func:`_join_batch`: gunzipped, concatenated)
    in a background thread while one is read.
    """
    batches = _cnemc_batches(cnemc)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-join") as pool:
        joins = [pool.submit(_join_batch, batches[0], tmp)] if batches else []
        try:
            for k, batch in enumerate(batches):
                joined = joins[k].result()
                if k + 1 < len(batches):
                    joins.append(pool.submit(_join_batch, batches[k + 1], tmp))
                _read_batch(batch, joined, basis, hours, index, parts, bar, result)
        finally:
            for job in joins:
                job.cancel()


def _read_batch(
    batch: list[_Source],
    joined: Path,
    basis: str | None,
    hours: _HoursFile,
    index: dict[int, int],
    parts: dict[str, list[_Part]],
    bar: _Progress,
    result: dict[str, Any],
) -> None:
    """One batch of CNEMC files (joined in ``joined``) read, checked and written to ``hours``."""
    frame = _read_cnemc_batch(batch, basis or BASES[0], joined)
    frame = _with_basis(frame, basis, batch[0].name)
    label = batch[0].name if len(batch) == 1 else f"{batch[0].name} … {batch[-1].name}"
    frame = _conform("station_hours", frame, label)
    validate_table("station_hours", frame, file=label)
    ids = [index[id(s)] for s in batch]
    if len(batch) == 1:
        rows_of, spans = {ids[0]: frame.height}, {ids[0]: _range(frame, "time")}
    else:
        by_day = {
            f"{d:%Y%m%d}": (n, lo, hi)
            for d, n, lo, hi in frame.group_by(pl.col("time").dt.date().alias("d"))
            .agg(pl.len(), pl.col("time").min().alias("lo"), pl.col("time").max().alias("hi"))
            .iter_rows()
            if d is not None
        }
        rows_of, spans = {}, {}
        for i, s in zip(ids, batch, strict=True):
            days = [by_day[d] for d in s.dates if d in by_day]
            rows_of[i] = sum(n for n, _, _ in days)
            spans[i] = (min(d[1] for d in days), max(d[2] for d in days)) if days else None
    height = frame.height
    started = hours.add(frame, ids, rows_of, spans)
    if started is not None:
        parts.setdefault("station_hours", []).append(started)
    del frame  # the batch goes to disk: the year is never held in memory
    for i, s in zip(ids, batch, strict=True):
        result["sources"].append(
            {"name": s.name, "format": "cnemc", "table": "station_hours", "rows": rows_of[i]}
        )
    bar.step(len(batch), f"{Path(label).name}: station_hours {height:,} rows")


def _existing(folder: Path, name: str) -> pl.DataFrame | None:
    path = contract.table_path(folder, name)
    return pl.read_parquet(path) if path is not None else None


def _file_results(
    folder: Path, todo: list[_Source], parts: dict[str, list[_Part]], format: str
) -> None:
    """File results under drinking or sea results when their sites are in those registries."""
    if "water_results" not in parts:
        return
    registries = {}
    for table, results in (("drinking_sources", "drinking_results"), ("sea_points", "sea_results")):
        sites: set[str] = set()
        for p in parts.get(table, []):
            sites |= set(p.frame["site"].to_list())
        old = contract.table_path(folder, table)
        if old is not None:
            sites |= set(pl.read_parquet(old, columns=["site"])["site"].to_list())
        registries[results] = sites
    keep = []
    for part in parts["water_results"]:
        s = todo[part.sources[0]]
        sites = set(part.frame["site"].drop_nulls().to_list())
        target = next((r for r, reg in registries.items() if sites and sites <= reg), None)
        if target is None or s.fmt != "water_results" or format != "auto":
            keep.append(part)
            continue
        s.fmt = target
        parts.setdefault(target, []).append(part)
    parts["water_results"] = keep
    if not keep:
        del parts["water_results"]


def _finish(
    folder: Path,
    manifest: dict[str, Any],
    todo: list[_Source],
    parts: dict[str, list[_Part]],
    basis: str | None,
    format: str,
    result: dict[str, Any],
    tmp: Path,
) -> dict[str, Any]:
    _file_results(folder, todo, parts, format)
    for r in result["sources"]:
        r["table"] = FORMATS[next(s.fmt for s in todo if s.name == r["name"])][0]
    old_tables = manifest.get("tables") if isinstance(manifest.get("tables"), dict) else {}
    _station_list_of(folder, todo, parts, result)
    merged, ready = _merge_tables(folder, todo, parts, old_tables, tmp)
    stations = (
        pl.concat(merged["stations"][0]).collect()
        if "stations" in merged
        else _existing(folder, "stations")
    )
    codes = None
    if "station_hours" in merged and stations is not None:
        codes = _hour_stations(merged["station_hours"][0], stations, result)
    for name, (pieces, _) in merged.items():  # whole tables checked before anything is written
        schema = pieces[0].collect_schema()
        contract.check_schema(name, schema, file=str(contract.table_file(folder, name)))
    now = datetime.now(UTC).isoformat(timespec="seconds")
    version = _package_version()
    folder.mkdir(parents=True, exist_ok=True)
    tables = dict(old_tables)
    for name, (pieces, added) in merged.items():
        path = contract.table_file(folder, name)
        _write_table(path, pieces, ready.get(name))
        entry = _table_entry(
            name, pl.scan_parquet(path), stations, basis, codes if name == "station_hours" else None
        )
        old = tables.get(name) or {}
        sources = list(old.get("sources", []))
        time_column = contract.TABLES[name].time_column
        for part in parts[name]:
            sources += _part_sources(part, todo, time_column, now)
        entry.update(sources=sources, package_version=version, ingested=now)
        tables[name] = entry
        result["tables"][name] = {"rows": entry["rows"], "added": added, "file": str(path)}
    manifest = {
        "schema_version": contract.SCHEMA_VERSION,
        "package_version": version,
        "ingested": now,
        "tables": {n: tables[n] for n in contract.TABLES if n in tables},
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    contract.write_atomic(
        folder / contract.MANIFEST, lambda tmp: tmp.write_text(text, encoding="utf-8")
    )
    result["manifest"] = manifest
    return result


def _station_list_of(
    folder: Path, todo: list[_Source], parts: dict[str, list[_Part]], result: dict[str, Any]
) -> None:
    """Station hours without a station list: the UCI Beijing stations for UCI files, else raise."""
    has_stations = "stations" in parts or contract.table_path(folder, "stations") is not None
    if "station_hours" not in parts or has_stations:
        return
    if not all(todo[i].fmt == "uci_beijing" for p in parts["station_hours"] for i in p.sources):
        raise IndicatorInputError(
            "station hours need a station list: the CNEMC hour files name no cities",
            file=str(contract.table_file(folder, "stations")),
            expected="the CNEMC station list (e.g. station_list_cnemc.csv: 监测点编码,"
            "监测点名称,城市,经度,纬度,对照点,省级行政区) as another SOURCE of this ingest",
            found="no stations table in the folder and no station list among the sources",
        )
    uci = [i for p in parts["station_hours"] for i in p.sources]
    frame = _conform("stations", _uci_stations(), "UCI_BEIJING_STATIONS")
    parts["stations"] = [_Part(frame, uci, dict.fromkeys(uci, 0))]
    result["warnings"].append(
        "no station list given: the stations table holds the 12 UCI Beijing stations"
    )


def _merge_tables(
    folder: Path,
    todo: list[_Source],
    parts: dict[str, list[_Part]],
    old_tables: dict[str, Any],
    tmp: Path,
) -> tuple[dict[str, tuple[list[pl.LazyFrame], int]], dict[str, Path]]:
    """Each table's parts merged with the folder's: its pieces and rows added; files written."""
    merged: dict[str, tuple[list[pl.LazyFrame], int]] = {}
    ready: dict[str, Path] = {}  # tables written already, as a file to move into place
    for name in [t for t in contract.TABLES if t in parts]:
        table_parts = parts[name]
        old_sources = (old_tables.get(name) or {}).get("sources", [])
        source_name = _source_namer(folder, todo, name, table_parts, old_sources)
        if name == "station_hours":
            existing = contract.table_path(folder, name)
            pieces, added, done = _merge_hours(existing, table_parts, source_name, tmp)
            merged[name] = pieces, added
            if done is not None:
                ready[name] = done
        else:
            frames, added = _merge(name, _existing(folder, name), table_parts, source_name)
            merged[name] = [f.lazy() for f in frames], added
    return merged, ready


def _source_namer(
    folder: Path, todo: list[_Source], name: str, table_parts: list[_Part], old_sources: list[Any]
) -> Callable[[int, dict[str, Any]], str]:
    """How a clash names the source of a row: a part's file, or the folder's table."""

    def source_name(src: int, row: dict[str, Any]) -> str:
        if src >= 0:
            names = [todo[i].name for i in table_parts[src].sources]
            return names[0] if len(names) == 1 else _pick(names, row, todo, table_parts[src])
        return _old_source(folder, name, old_sources, row)

    return source_name


def _hour_stations(
    pieces: list[pl.LazyFrame], stations: pl.DataFrame, result: dict[str, Any]
) -> pl.DataFrame:
    """The station codes of the station hours; a warning for those the station list lacks."""
    codes = pl.concat([f.select(pl.col("station").unique()) for f in pieces]).unique().collect()
    missing = codes.join(stations.select("station"), on="station", how="anti")["station"]
    if missing.len():
        shown = ", ".join(sorted(missing.to_list())[:8])
        result["warnings"].append(
            f"{missing.len()} station code(s) of the station hours are not in the station "
            f"list ({shown}{' …' if missing.len() > 8 else ''}): they belong to no city"
        )
    return codes


def _write_table(path: Path, pieces: list[pl.LazyFrame], done: Path | None) -> None:
    """Write a table's file: move the file written already, or stream the pieces into it."""
    if done is not None:
        contract.write_atomic(path, lambda out: shutil.move(done, out))
        return
    whole = pl.concat(pieces, how="vertical") if len(pieces) > 1 else pieces[0]
    contract.write_atomic(  # streamed from the parts: the table is not collected in memory
        path,
        lambda out: whole.sink_parquet(
            out, statistics=True, row_group_size=contract.ROW_GROUP_ROWS, compression="zstd"
        ),
    )


def _part_sources(
    part: _Part, todo: list[_Source], time_column: str | None, now: str
) -> list[dict[str, Any]]:
    """The manifest's source entries of one part: file, checksum, format, rows, time range."""
    sources = []
    for i in part.sources:
        s = todo[i]
        if part.spans is not None:
            span = part.spans.get(i)
        else:
            span = _range(part.frame, time_column) if part.frame is not None else None
        sources.append(
            {
                "name": Path(s.name).name if ":" not in s.name else s.name,
                "path": str(Path(s.name).resolve()) if ":" not in s.name else s.name,
                "size": s.size,
                "sha256": s.sha256,
                "format": s.fmt,
                "rows": part.rows_of.get(i, part.height),
                "time_range": [_iso(span[0]), _iso(span[1])] if span else None,
                "ingested": now,
            }
        )
    return sources


def _pick(names: list[str], row: dict[str, Any], todo: list[_Source], part: _Part) -> str:
    """The file of a batch that holds the row (by its date)."""
    t = row.get("time")
    if isinstance(t, datetime):
        day = f"{t:%Y%m%d}"
        for i in part.sources:
            if day in todo[i].dates:
                return todo[i].name
    return " / ".join(names)


def _old_source(folder: Path, name: str, sources: list[Any], row: dict[str, Any]) -> str:
    """The manifest source of the folder's table that covers the row (by time), or the file."""
    spec = contract.TABLES[name]
    where = str(contract.table_file(folder, name))
    value = row.get(spec.time_column) if spec.time_column else None
    if isinstance(value, datetime | date) and sources:
        text = _iso(value)
        for s in sources:
            span = s.get("time_range") if isinstance(s, dict) else None
            if span and span[0] <= text <= span[1]:
                return f"{s.get('name')} (in {where})"
    if len(sources) == 1 and isinstance(sources[0], dict):
        return f"{sources[0].get('name')} (in {where})"
    return where
