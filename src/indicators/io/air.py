"""Air-quality readers and writers (空气质量数据读取): CNEMC archive, UCI Beijing, own format.

Every reader returns **tidy station-hours**: one row per station and hour, with
the columns ``station`` (CNEMC code such as ``1001A``), ``time`` and the six
HJ 633 pollutants ``SO2``, ``NO2``, ``PM10``, ``CO``, ``O3``, ``PM2.5``
(µg/m³, CO in mg/m³; Float64, null = missing). Some readers add
``aqi_published`` (Int64) and the CNEMC moving means (see :func:`read_cnemc`).

Time convention (read this once)
--------------------------------
``time`` is naive China Standard Time (UTC+8) and **hour-ending**: the row at
``2019-01-01 01:00`` is the mean over 00:00-01:00. The natural day D (自然日,
GB 3095-2026 §3.10, over which daily means are taken) is therefore the 24 rows
``D 01:00`` ... ``D+1 00:00``. The CNEMC archive labels hours the same way:
label ``h`` of date D is the hour ending at D h:00, so **label 0 of date D is the
last hour of day D-1** (it covers D-1 23:00-24:00).

Validation
----------
Each entry point checks its input once and raises
:class:`~indicators.errors.IndicatorInputError` naming the file, the 1-based data
row (header excluded), the column, what was expected and what was found. Nothing
is dropped or guessed silently: a missing value stays null; the only rows
removed are exact duplicates of other rows, as each docstring states.

Examples
--------
>>> from datetime import datetime
>>> import polars as pl
>>> hours = pl.DataFrame({"station": ["1001A"], "time": [datetime(2019, 1, 1, 1)],
...     "SO2": [15.0], "NO2": [75.0], "PM10": [76.0], "CO": [1.2], "O3": [None],
...     "PM2.5": [53.0]})
>>> validate_station_hours(hours).columns
['station', 'time', 'SO2', 'NO2', 'PM10', 'CO', 'O3', 'PM2.5']
"""

from __future__ import annotations

import csv
import glob
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import polars as pl

from .. import validation
from .._frames import require_columns, to_lazy
from ..errors import IndicatorInputError
from ..glossary import AIR_POLLUTANTS, STATION_HOUR_COLUMNS

__all__ = [
    "CNEMC_MOVING_MEANS",
    "CNEMC_TYPES",
    "CO_MG_M3_PLAUSIBLE_MAX",
    "STATION_CODE_PATTERN",
    "UCI_BEIJING_STATIONS",
    "read_cnemc",
    "read_station_hours",
    "read_station_list",
    "read_uci_beijing",
    "validate_station_hours",
    "write_station_hours",
]

#: The 15 ``type`` values of a CNEMC archive file, in the order the files list them.
CNEMC_TYPES: tuple[str, ...] = (
    "AQI",
    "PM2.5",
    "PM2.5_24h",
    "PM10",
    "PM10_24h",
    "SO2",
    "SO2_24h",
    "NO2",
    "NO2_24h",
    "O3",
    "O3_24h",
    "O3_8h",
    "O3_8h_24h",
    "CO",
    "CO_24h",
)

#: CNEMC moving means, kept as optional columns by :func:`read_cnemc`. ``X_24h`` is the
#: 24-h moving mean ending at the hour, ``O3_8h`` the 8-h moving mean ending at the hour,
#: ``O3_8h_24h`` the maximum of the 8-h means over the last 24 h (CNEMC definitions).
CNEMC_MOVING_MEANS: tuple[str, ...] = (
    "PM2.5_24h",
    "PM10_24h",
    "SO2_24h",
    "NO2_24h",
    "O3_24h",
    "O3_8h",
    "O3_8h_24h",
    "CO_24h",
)

#: CNEMC station codes: four digits and one capital letter (``1001A``, ``3136A``; the
#: demo data use ``9001D``). Every code in the 2019 archive and the 2020 station list
#: has this form.
STATION_CODE_PATTERN: str = r"^[0-9]{4}[A-Z]$"

#: Plausibility bound for CO in mg/m³ (not a regulatory value): the upper bound of CO in
#: the project plausibility bounds (table ``plausibility_bounds``). CNEMC 2019 hourly CO
#: never exceeds 15 mg/m³ at any of 1,605 stations, while CO written in µg/m³ is
#: typically 200-3000. A CO value above this bound is taken as a unit mix-up and the
#: reader asks for an explicit ``co_unit``.
CO_MG_M3_PLAUSIBLE_MAX: float = validation.bound("CO")["upper"]

#: UCI "Beijing Multi-Site Air-Quality" station names -> (CNEMC code, 中文名), checked
#: against the CNEMC station list (``station_list_cnemc.csv``). Dingling 定陵 is the
#: background station (对照点).
UCI_BEIJING_STATIONS: dict[str, tuple[str, str]] = {
    "Wanshouxigong": ("1001A", "万寿西宫"),
    "Dingling": ("1002A", "定陵"),
    "Dongsi": ("1003A", "东四"),
    "Tiantan": ("1004A", "天坛"),
    "Nongzhanguan": ("1005A", "农展馆"),
    "Guanyuan": ("1006A", "官园"),
    "Wanliu": ("1007A", "海淀万柳"),
    "Shunyi": ("1008A", "顺义新城"),
    "Huairou": ("1009A", "怀柔镇"),
    "Changping": ("1010A", "昌平镇"),
    "Aotizhongxin": ("1011A", "奥体中心"),
    "Gucheng": ("1012A", "古城"),
}

_CO_UNITS = {"mg/m3": 1.0, "ug/m3": 1e-3}
_CO_COLUMNS = ("CO", "CO_24h")
_STATION_RE = re.compile(STATION_CODE_PATTERN)
_OPTIONAL_HOURLY = ("aqi_published", *CNEMC_MOVING_MEANS)

_STATION_LIST_ZH = {
    "监测点编码": "station",
    "监测点名称": "name",
    "城市": "city",
    "经度": "lon",
    "纬度": "lat",
    "对照点": "background",
    "省级行政区": "province",
    "地级行政区": "prefecture",
}
_STATION_LIST_COLUMNS = ("station", "name", "city", "lon", "lat", "background", "province")
_BACKGROUND_VALUES = {
    "Y": True,
    "N": False,
    "y": True,
    "n": False,
    "是": True,
    "否": False,
    "true": True,
    "false": False,
    "True": True,
    "False": False,
    "1": True,
    "0": False,
}

_UCI_POLLUTANTS = ("PM2.5", "PM10", "SO2", "NO2", "CO", "O3")
_UCI_COLUMNS = ("year", "month", "day", "hour", *_UCI_POLLUTANTS, "station")


# --------------------------------------------------------------------------- helpers


_read_bytes = validation.read_bytes


def _csv_bytes(raw: bytes, file: str, *, final_newline: bool = True) -> bytes:
    """UTF-8 bytes of a CSV, strictly decoded and checked for empty, header-only or cut text."""
    text = validation.decode_text(raw, file=file)
    validation.check_csv_text(text, file=file, final_newline=final_newline)
    if text.isascii():
        return raw
    return text.encode("utf-8")


def _header(raw: bytes) -> list[str]:
    end = raw.find(b"\n")
    line = (raw if end < 0 else raw[:end]).decode("utf-8", errors="replace").rstrip("\r")
    return next(csv.reader([line]), [])


def _read_csv(raw: bytes, *, file: str, expected: str, **kwargs: Any) -> pl.DataFrame:
    """``pl.read_csv`` whose parse failure is an error naming the file and the layout expected."""
    try:
        return pl.read_csv(raw, **kwargs)
    except pl.exceptions.PolarsError as exc:
        raise IndicatorInputError(
            "not a readable CSV file",
            file=file,
            expected=expected,
            found=str(exc).splitlines()[0],
        ) from None


@dataclass(frozen=True)
class _RowError:
    """Raises the error of a frame's ``i``-th row, named by its row in the file."""

    file: str
    rows: pl.Series | None = None  # the file's row of each frame row; None: ``i + 1``

    def fail(self, message: str, i: int, col: str, expected: str, found: Any) -> NoReturn:
        """Raise ``message`` naming the file, the row of frame row ``i`` and ``col``."""
        row = i + 1 if self.rows is None else int(self.rows[i])
        raise IndicatorInputError(
            message, file=self.file, row=row, column=col, expected=expected, found=found
        )


def _not_finite(expr: pl.Expr) -> pl.Expr:
    return expr.is_nan() | expr.is_infinite()


def _first_bad(
    df: pl.DataFrame, columns: Sequence[str], predicate: Callable[[pl.Expr], pl.Expr]
) -> tuple[int, str, Any] | None:
    """Position, column and value of the first cell (row-major) where ``predicate`` holds."""
    if df.height == 0 or not columns:
        return None
    mask = df.select(
        pl.any_horizontal([predicate(pl.col(c)).fill_null(False) for c in columns])
    ).to_series()
    hits = mask.arg_true()
    if hits.len() == 0:
        return None
    i = int(hits[0])
    row = df.slice(i, 1)
    flags = row.select([predicate(pl.col(c)).fill_null(False).alias(c) for c in columns]).row(0)
    col = next(c for c, f in zip(columns, flags, strict=True) if f)
    return i, col, row[col][0]


def _resolve_sources(source: Any, folder_patterns: Sequence[str], what: str) -> list[Path]:
    """Files named by one path, a folder, a glob or a list of those (sorted, de-duplicated)."""
    items = [source] if isinstance(source, str | os.PathLike) else list(source)
    if not items:
        raise IndicatorInputError(
            f"no {what} file given",
            file="source",
            expected="a file, folder, glob or list",
            found="an empty list",
        )
    files: list[Path] = []
    for item in items:
        if not isinstance(item, str | os.PathLike):
            raise IndicatorInputError(
                "not a path",
                file="source",
                expected="str or os.PathLike",
                found=type(item).__name__,
            )
        text = os.fspath(item)
        path = Path(text)
        if path.is_dir():
            found = sorted({p for pat in folder_patterns for p in path.glob(pat) if p.is_file()})
            if not found:
                raise IndicatorInputError(
                    f"no {what} file in folder",
                    file=text,
                    expected=f"files matching {list(folder_patterns)}",
                    found="none",
                )
            files.extend(found)
        elif any(ch in text for ch in "*?["):
            found = sorted(Path(p) for p in glob.glob(text) if Path(p).is_file())
            if not found:
                raise IndicatorInputError(
                    "no file matches the pattern",
                    file=text,
                    expected="at least one file",
                    found="none",
                )
            files.extend(found)
        else:
            if not path.is_file():
                raise IndicatorInputError(
                    "file not found",
                    file=text,
                    expected="an existing file, folder or glob",
                    found=text,
                )
            files.append(path)
    unique: dict[Path, Path] = {}
    for f in files:
        unique.setdefault(f.resolve(), f)
    return list(unique.values())


def _station_codes(stations: Any) -> set[str]:
    """Station codes from a station list (frame or path) or an iterable of codes."""
    if isinstance(stations, str | os.PathLike):
        return set(read_station_list(stations)["station"].to_list())
    if isinstance(stations, pl.LazyFrame):
        stations = stations.collect()
    if not isinstance(stations, pl.DataFrame) and hasattr(stations, "columns"):
        stations = to_lazy(stations, name="stations")[0].collect()
    if isinstance(stations, pl.DataFrame):
        if "station" not in stations.columns:
            raise IndicatorInputError(
                "station list has no 'station' column",
                file="stations",
                column="station",
                expected="a station list as returned by read_station_list",
                found=f"columns {stations.columns}",
            )
        return {str(s) for s in stations["station"].drop_nulls().to_list()}
    return {str(s) for s in stations}


# --------------------------------------------------------------------------- CNEMC


def _cnemc_text_cell(raw: bytes, file: str, stations: list[str], exc: Exception) -> NoReturn:
    """Slow path after a numeric parse failure: find and report the offending cell."""
    text = _read_csv(
        raw,
        new_columns=["date", "hour", "type", *stations],
        infer_schema=False,
        row_index_name="_row",
        row_index_offset=1,
        file=file,
        expected="CNEMC layout date,hour,type,<codes>",
    )
    bad = _first_bad(
        text,
        stations,
        lambda c: c.is_not_null() & c.str.strip_chars().cast(pl.Float64, strict=False).is_null(),
    )
    if bad is None:
        raise IndicatorInputError(
            "not a readable CSV file",
            file=file,
            expected="CNEMC layout date,hour,type,<codes>",
            found=str(exc).splitlines()[0],
        ) from None
    i, col, value = bad
    col = col.split("#")[0]
    raise IndicatorInputError(
        "text in a numeric cell",
        file=file,
        row=int(text["_row"][i]),
        column=col,
        expected="a number or an empty cell",
        found=value,
    )


def _cnemc_read_wide(
    path: Path, station_set: set[str] | None, co_scale: float, co_unit: str
) -> pl.DataFrame:
    """One CNEMC file as checked wide rows: _row, date (Date), hour (Int8), type, <codes>."""
    file = str(path)
    raw = _read_bytes(path)
    if not raw.strip():
        raise IndicatorInputError(
            "empty file",
            file=file,
            expected="a header date,hour,type,<station codes> and rows",
            found="0 bytes" if not raw else "only blank space",
        )
    raw = _csv_bytes(raw, file, final_newline=False)  # archive files end without a newline
    names = _cnemc_columns(_header(raw), file, station_set)
    df = _cnemc_values(raw, file, names)
    stations = [c for c in names if "#" not in c]
    df = df.with_columns(
        pl.col("date").str.strip_chars().str.to_date("%Y%m%d", strict=False).alias("_date"),
        pl.col("hour").str.strip_chars().cast(pl.Int8, strict=False).alias("_hour"),
    )
    _cnemc_check_labels(df, file)
    _cnemc_check_values(df, file, stations)
    df = _cnemc_unique(df, file, stations)
    if co_scale != 1.0:
        co_rows = pl.col("type").is_in(_CO_COLUMNS)
        df = df.with_columns(
            [pl.when(co_rows).then(pl.col(c) * co_scale).otherwise(pl.col(c)) for c in stations]
        )
    _cnemc_check_bounds(df, file, stations, co_unit)
    return df.drop("date", "hour").rename({"_date": "date", "_hour": "hour"})


def _cnemc_columns(header: list[str], file: str, station_set: set[str] | None) -> list[str]:
    """The value columns of a CNEMC header: station codes, a repeated one as ``<code>#<k>``."""
    if header[:3] != ["date", "hour", "type"]:
        raise IndicatorInputError(
            "not the CNEMC archive layout",
            file=file,
            column=",".join(header[:3]),
            expected="the header to start with date,hour,type",
            found=",".join(header[:3]),
        )
    stations = header[3:]
    if not stations:
        raise IndicatorInputError(
            "no station columns",
            file=file,
            expected="station code columns after date,hour,type",
            found="none",
        )
    names: list[str] = []  # unique column names: a repeated code is read as "<code>#<k>"
    repeats: dict[str, int] = {}
    for code in stations:
        if not _STATION_RE.match(code):
            raise IndicatorInputError(
                "column is not a station code",
                file=file,
                column=code,
                expected=f"a CNEMC station code like 1001A (pattern {STATION_CODE_PATTERN})",
                found=code,
            )
        if station_set is not None and code not in station_set:
            raise IndicatorInputError(
                "station code missing from the station list",
                file=file,
                column=code,
                expected="a station of the list given as stations=",
                found=code,
            )
        k = repeats.get(code, 0)
        repeats[code] = k + 1
        names.append(code if k == 0 else f"{code}#{k}")
    return names


def _cnemc_values(raw: bytes, file: str, names: list[str]) -> pl.DataFrame:
    """The rows read with numeric station columns; a repeated column must repeat its values."""
    dtypes = [pl.String] * 3 + [pl.Float64] * len(names)
    try:
        df = pl.read_csv(
            raw,
            new_columns=["date", "hour", "type", *names],
            schema_overrides=dtypes,
            row_index_name="_row",
            row_index_offset=1,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as exc:
        _cnemc_text_cell(raw, file, names, exc)
        raise  # pragma: no cover - _cnemc_text_cell always raises
    for extra in (c for c in names if "#" in c):
        code = extra.split("#")[0]
        differs = df[code].ne_missing(df[extra]).arg_true()
        if differs.len():
            i = int(differs[0])
            raise IndicatorInputError(
                "station column appears twice with different values",
                file=file,
                row=int(df["_row"][i]),
                column=code,
                expected=f"the same value in both {code} columns ({df[code][i]})",
                found=df[extra][i],
            )
    df = df.drop(c for c in names if "#" in c)
    if df.height == 0:
        raise IndicatorInputError(
            "empty file", file=file, expected="data rows after the header", found="header only"
        )
    return df


def _cnemc_check_labels(df: pl.DataFrame, file: str) -> None:
    """Each row's date, hour label and type: the first bad one raises."""
    checks: list[tuple[str, str, pl.Expr, str]] = [
        ("date", "not a date", pl.col("_date").is_null(), "YYYYMMDD"),
        (
            "hour",
            "hour label out of range",
            pl.col("_hour").is_null() | ~pl.col("_hour").is_between(0, 23),
            "an integer 0..23 (label h = hour ending at h:00)",
        ),
        (
            "type",
            "unknown type",
            ~pl.col("type").is_in(CNEMC_TYPES).fill_null(False),
            f"one of {list(CNEMC_TYPES)}",
        ),
    ]
    for col, message, bad_expr, expected in checks:
        hits = df.select(bad_expr).to_series().arg_true()
        if hits.len():
            i = int(hits[0])
            raise IndicatorInputError(
                message,
                file=file,
                row=int(df["_row"][i]),
                column=col,
                expected=expected,
                found=df[col][i],
            )


def _cnemc_check_values(df: pl.DataFrame, file: str, stations: list[str]) -> None:
    """Station values finite, published AQI integers: the first bad cell raises."""
    value_checks: list[tuple[pl.Expr | None, Callable[[pl.Expr], pl.Expr], str, str]] = [
        (None, _not_finite, "not a finite number", "a finite number or an empty cell"),
        (
            pl.col("type") == "AQI",
            lambda c: c != c.round(0),
            "published AQI is not an integer",
            "an integer AQI",
        ),
    ]
    for where, predicate, message, expected in value_checks:
        part = df if where is None else df.filter(where)
        bad = _first_bad(part, stations, predicate)
        if bad is not None:
            i, col, value = bad
            raise IndicatorInputError(
                message,
                file=file,
                row=int(part["_row"][i]),
                column=col,
                expected=expected,
                found=value,
            )


def _cnemc_unique(df: pl.DataFrame, file: str, stations: list[str]) -> pl.DataFrame:
    """One row per date, hour and type: exact repeats dropped, differing ones raise."""
    keys = ["_date", "_hour", "type"]
    if not df.select(pl.struct(keys).is_duplicated().any()).item():
        return df
    distinct = df.unique(subset=[*keys, *stations], keep="first", maintain_order=True)
    clash = distinct.filter(pl.struct(keys).is_duplicated())
    if clash.height:
        first = clash.head(1)
        second = clash.filter(
            (pl.col("_date") == first["_date"][0])
            & (pl.col("_hour") == first["_hour"][0])
            & (pl.col("type") == first["type"][0])
        ).slice(1, 1)
        col = next(c for c in stations if not first[c].equals(second[c]))
        raise IndicatorInputError(
            f"the same date, hour and type ({first['date'][0]}, {first['hour'][0]}, "
            f"{first['type'][0]}) appear twice with different values",
            file=file,
            row=int(second["_row"][0]),
            column=col,
            expected=f"the value of row {int(first['_row'][0])} ({first[col][0]})",
            found=second[col][0],
        )
    return distinct


def _cnemc_check_bounds(df: pl.DataFrame, file: str, stations: list[str], co_unit: str) -> None:
    """Negative values and the plausibility bounds per type row; CO in µg/m³ named as such."""
    try:
        validation.check_bounds_by_row(df, stations, "type", file=file, rows=df["_row"])
    except IndicatorInputError as exc:
        if co_unit == "mg/m3" and str(exc.expected).startswith("CO"):
            raise IndicatorInputError(
                "CO looks like µg/m³, not mg/m³: pass co_unit='ug/m3' if the file is in µg/m³",
                file=file,
                row=exc.row,
                column=exc.column,
                expected=f"{exc.expected} with co_unit='mg/m3'",
                found=exc.found,
            ) from None
        raise


def _cnemc_tidy(wide: pl.DataFrame, types: Sequence[str]) -> pl.DataFrame:
    """Reshape checked wide rows into station-hours (station-major, time-sorted)."""
    stations = sorted(c for c in wide.columns if c not in ("_row", "date", "hour", "type"))
    keys = wide.select("date", "hour").unique().sort("date", "hour")
    n, s = keys.height, len(stations)
    values: dict[str, np.ndarray] = {}
    for ty in types:
        block = wide.filter(pl.col("type") == ty)
        if block.height == n:  # every hour present once: sorting aligns it with keys
            block = block.sort("date", "hour")
        else:
            block = keys.join(block, on=["date", "hour"], how="left", maintain_order="left")
        values[ty] = block.select(stations).to_numpy().T.ravel()
    times = keys.select(pl.col("date").cast(pl.Datetime("us")) + pl.duration(hours=pl.col("hour")))
    out = pl.DataFrame(
        {
            "station": pl.Series(stations, dtype=pl.String).gather(
                np.repeat(np.arange(s, dtype=np.uint32), n)
            ),
            "time": pl.concat([times.to_series()] * s) if s else pl.Series([], dtype=pl.Datetime),
            **values,
        },
        nan_to_null=True,  # NaN was rejected above, so NaN here is an empty cell
    )
    return out.filter(pl.any_horizontal(pl.col(list(types)).is_not_null()))


#: Data bases (数据类型): 实况 (real-time, as published each hour) and 审核 (reviewed).
DATA_BASES = ("实况", "审核")


def _cnemc_finish(out: pl.DataFrame, moving_means: bool, basis: str) -> pl.DataFrame:
    out = out.rename({"AQI": "aqi_published"}).with_columns(
        pl.col("aqi_published").cast(pl.Int64), data_basis=pl.lit(basis)
    )
    columns = [*STATION_HOUR_COLUMNS, "aqi_published"]
    if moving_means:
        columns += list(CNEMC_MOVING_MEANS)
    return out.select(*columns, "data_basis")


def read_cnemc(
    source: str | os.PathLike | Iterable[str | os.PathLike],
    *,
    stations: Any = None,
    co_unit: str = "mg/m3",
    moving_means: bool = True,
    basis: str = "实况",
) -> pl.DataFrame:
    r"""Read CNEMC archive files (``china_sites_YYYYMMDD.csv``) into tidy station-hours.

    The archive layout (全国空气质量站点小时数据, quotsoft.net/air) has the
    columns ``date`` (YYYYMMDD), ``hour`` (label 0..23), ``type`` and one column
    per station code; each hour has 15 ``type`` rows (:data:`CNEMC_TYPES`). Plain
    and gzipped files are read alike (gzip is recognised by its content), as
    are daily files, concatenated multi-day files and files with any subset of
    station columns.

    Parameters
    ----------
    source : path, glob, folder or list of them
        One file; a folder (every ``china_sites_*.csv`` and ``china_sites_*.csv.gz``
        in it); a glob such as ``"folder/china_sites_2019*.csv.gz"``; or a list.
    stations : station list, path or iterable of codes, optional
        When given, every station column of every file must be in this list
        (a frame with a ``station`` column as from :func:`read_station_list`,
        a path to such a list, or codes). It checks, it does not select:
        filter the result to keep some stations.
    co_unit : {"mg/m3", "ug/m3"}
        Unit of the CO rows in the file. CNEMC publishes mg/m³; with
        ``"ug/m3"`` CO and CO_24h are divided by 1000.
    moving_means : bool
        Keep the CNEMC moving means (:data:`CNEMC_MOVING_MEANS`) as columns.
    basis : {"实况", "审核"}, default "实况"
        Data basis (:data:`DATA_BASES`): the archive holds the real-time data
        CNEMC publishes each hour (实况); reviewed data (审核) give other
        figures. Carried as ``data_basis`` to every daily value and evaluation.

    Returns
    -------
    polars.DataFrame
        One row per station-hour, sorted by station and time: ``station``,
        ``time`` (Datetime[us], hour-ending, China Standard Time), ``SO2``,
        ``NO2``, ``PM10``, ``O3``, ``PM2.5`` [µg/m³], ``CO`` [mg/m³] (Float64),
        ``aqi_published`` (Int64: the hourly station AQI CNEMC published, HJ
        633-2012) and, with ``moving_means``, ``PM2.5_24h``, ``PM10_24h``,
        ``SO2_24h``, ``NO2_24h``, ``O3_24h``, ``O3_8h``, ``O3_8h_24h`` [µg/m³]
        and ``CO_24h`` [mg/m³]; ``data_basis``.

    Raises
    ------
    IndicatorInputError
        Naming file, 1-based data row, column, expected and found, for: an
        empty or truncated (gzip) file; a header not starting ``date,hour,type``;
        a station column that is not a code (:data:`STATION_CODE_PATTERN`) or not
        in ``stations``; a station column repeated with different values; a
        bad date or hour label; an unknown ``type``; text, NaN or infinity in
        a value cell; a negative value; a non-integer AQI;
        CO above :data:`CO_MG_M3_PLAUSIBLE_MAX` with ``co_unit="mg/m3"``; the
        same date, hour and type twice with different values within a file, or
        the same station-hour with different values in two files.

    Notes
    -----
    **Time.** CNEMC label ``h`` of date D is the mean over (h-1):00-h:00, so
    ``time = D + h hours`` (hour-ending). Label 0 of D is ``D 00:00``: the last
    hour of the *previous* natural day. The natural day D (GB 3095-2026 §3.10)
    is labels 1..23 of D plus label 0 of D+1, i.e. ``time`` in
    ``(D 00:00, D+1 00:00]``.

    **Missing data.** Empty cells are null. The archive writes every station
    column for every hour; a station-hour whose cells are all empty (over the
    columns returned) has no data in the source and is not a row of the
    result; no row is invented. A station-hour with any value is kept, with
    nulls where the other cells are empty. Hours missing from the archive are
    simply absent (no gap filling).

    **Duplicates.** Rows repeated exactly (same date, hour, type and values),
    station columns repeated with identical values (the archive file of
    2019-07-15 lists 3207A twice) and station-hours present identically in
    several files (overlapping downloads) are kept once. Differing repeats
    are an error. Out-of-order rows are fine.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> rows = ["date,hour,type,1001A"] + [
    ...     f"20190101,0,{t},{v}" for t, v in zip(CNEMC_TYPES, [73, 53, 44, 76, 68, 15, 11,
    ...         75, 66, None, 26, None, 16, 1.2, 1.0])]
    >>> _ = (folder / "china_sites_20190101.csv").write_text(
    ...     "\n".join(r.replace("None", "") for r in rows) + "\n")
    >>> hours = read_cnemc(folder)
    >>> hours.select("station", "time", "PM2.5", "CO", "O3", "aqi_published").row(0)
    ('1001A', datetime.datetime(2019, 1, 1, 0, 0), 53.0, 1.2, None, 73)
    """
    if basis not in DATA_BASES:
        raise IndicatorInputError(
            "unknown data basis", column="basis", expected=f"one of {list(DATA_BASES)}", found=basis
        )
    if co_unit not in _CO_UNITS:
        raise IndicatorInputError(
            "unknown CO unit",
            column="co_unit",
            expected=f"one of {list(_CO_UNITS)}",
            found=co_unit,
        )
    files = _resolve_sources(
        source, ("china_sites_*.csv", "china_sites_*.csv.gz"), "CNEMC china_sites_*.csv"
    )
    station_set = _station_codes(stations) if stations is not None else None
    types = [t for t in CNEMC_TYPES if moving_means or t not in CNEMC_MOVING_MEANS]
    parts: list[pl.DataFrame] = []
    rows_of: list[pl.DataFrame] = []
    for k, path in enumerate(files):
        wide = _cnemc_read_wide(path, station_set, _CO_UNITS[co_unit], co_unit)
        tidy = _cnemc_tidy(wide, types)
        if len(files) > 1:
            tidy = tidy.with_columns(pl.lit(k, dtype=pl.UInt32).alias("_file"))
            rows_of.append(wide.select("date", "hour", "type", "_row"))
        parts.append(tidy)
    out = pl.concat(parts, how="vertical") if len(parts) > 1 else parts[0]
    if len(files) > 1:
        out = _cnemc_merge_files(out, files, rows_of, types).sort("station", "time")
    return _cnemc_finish(out, moving_means, basis)


def _cnemc_merge_files(
    out: pl.DataFrame, files: list[Path], rows_of: list[pl.DataFrame], types: Sequence[str]
) -> pl.DataFrame:
    """Keep station-hours found identically in several files once; report differing ones."""
    keys = ["station", "time"]
    if not out.select(pl.struct(keys).is_duplicated().any()).item():
        return out.drop("_file")
    distinct = out.unique(subset=[*keys, *types], keep="first", maintain_order=True)
    clash = distinct.filter(pl.struct(keys).is_duplicated()).sort([*keys, "_file"])
    if clash.height:
        a, b = clash.row(0, named=True), clash.row(1, named=True)
        ty = next(t for t in types if a[t] != b[t])
        t = b["time"]
        where = (pl.col("date") == t.date()) & (pl.col("hour") == t.hour) & (pl.col("type") == ty)
        row_b = rows_of[b["_file"]].filter(where)["_row"]
        row_a = rows_of[a["_file"]].filter(where)["_row"]
        raise IndicatorInputError(
            f"station-hour {b['station']} {t:%Y-%m-%d %H:%M} ({ty}) differs between files",
            file=str(files[b["_file"]]),
            row=int(row_b[0]) if row_b.len() else None,
            column=b["station"],
            expected=f"{a[ty]} as in {files[a['_file']]}"
            + (f" row {int(row_a[0])}" if row_a.len() else ""),
            found=b[ty],
        )
    return distinct.drop("_file")


# --------------------------------------------------------------------------- station list


def read_station_list(path: str | os.PathLike) -> pl.DataFrame:
    r"""Read a station list (监测点位列表): CNEMC CSV (UTF-8 or GB18030) or Parquet.

    Parameters
    ----------
    path : path
        A CSV with the CNEMC columns 监测点编码, 监测点名称, 城市, 经度, 纬度,
        对照点, 省级行政区 (and optionally 地级行政区), or with the English names
        ``station, name, city, lon, lat, background, province``; or a Parquet
        file with the English names (as :mod:`indicators.demo` writes). CSV text
        may be UTF-8 (with or without BOM) or GB18030; plain or gzipped.

    Returns
    -------
    polars.DataFrame
        ``station`` (str), ``name`` (str), ``city`` (str), ``lon``, ``lat``
        [degree, Float64, null when the list leaves them empty], ``background``
        (bool: 对照点 = Y), ``province`` (str), and ``prefecture`` (地级行政区)
        when the list has it. Other columns are not returned.

    Raises
    ------
    IndicatorInputError
        A required column missing; an empty, duplicated or malformed station
        code; an empty city; a non-numeric or out-of-range lon/lat; a
        background flag other than Y/N (also 是/否, true/false, 1/0).

    Notes
    -----
    In CNEMC lists 对照点 = Y marks the background (control) station, which
    HJ 663 leaves out of city means; CNEMC also flags some stopped stations Y
    (their names carry "(停运YYMMDD)"). The flag is read as it is.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "stations.csv"
    >>> _ = p.write_bytes("监测点编码,监测点名称,城市,经度,纬度,对照点,省级行政区\n"
    ...     "1002A,定陵(对照点),北京,116.2202,40.2915,Y,北京市\n".encode("gb18030"))
    >>> read_station_list(p).row(0)
    ('1002A', '定陵(对照点)', '北京', 116.2202, 40.2915, True, '北京市')
    """
    path = Path(path)
    file = str(path)
    df = _station_list_frame(path, file)
    df = df.rename(
        {c: _STATION_LIST_ZH[c.strip()] for c in df.columns if c.strip() in _STATION_LIST_ZH}
    )
    for col in _STATION_LIST_COLUMNS:
        if col not in df.columns:
            zh = next(k for k, v in _STATION_LIST_ZH.items() if v == col)
            raise IndicatorInputError(
                "station list column missing",
                file=file,
                column=col,
                expected=f"columns {list(_STATION_LIST_COLUMNS)} (or 中文 {zh})",
                found=f"columns {df.columns}",
            )
    validation.check_not_empty(df, file=file)
    keep = [*_STATION_LIST_COLUMNS, *(["prefecture"] if "prefecture" in df.columns else [])]
    df = df.select(keep).with_row_index("_row", offset=1)
    df = df.with_columns(
        pl.col(c).cast(pl.String).str.strip_chars()
        for c in keep
        if c not in ("lon", "lat", "background")
    )
    err = _RowError(file, df["_row"])
    _check_station_list_codes(df, err)
    for col, lo, hi in (("lon", -180.0, 180.0), ("lat", -90.0, 90.0)):
        df = df.with_columns(_coordinate(df[col], col, lo, hi, err).alias(col))
    # swapped coordinates; outside China warns (project plausibility bounds)
    validation.check_bounds(df, {"lon": "lon", "lat": "lat"}, file=file, rows=df["_row"])
    df = df.with_columns(_background_flags(df["background"], err).alias("background"))
    return df.drop("_row")


def _station_list_frame(path: Path, file: str) -> pl.DataFrame:
    """A station list file read as it is: Parquet, or CSV text with every column a string."""
    raw = _read_bytes(path)
    if raw[:4] == b"PAR1" or path.suffix == ".parquet":
        try:
            return pl.read_parquet(raw)
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise IndicatorInputError(
                "not a readable Parquet file",
                file=file,
                expected="a Parquet station list",
                found=str(exc).splitlines()[0],
            ) from None
    # strict decoding (a bad byte in UTF-8 text is an error, never re-read as GB18030);
    # empty, header-only and cut files raise
    return _read_csv(
        _csv_bytes(raw, file), infer_schema=False, file=file, expected="a station list CSV"
    )


def _check_station_list_codes(df: pl.DataFrame, err: _RowError) -> None:
    """Station codes present, well formed and unique; cities present."""
    code = pl.col("station")
    for message, bad, expected in (
        ("empty station code", code.is_null() | (code == ""), "a station code"),
        (
            "not a station code",
            ~code.str.contains(STATION_CODE_PATTERN).fill_null(True),
            f"a CNEMC station code like 1001A (pattern {STATION_CODE_PATTERN})",
        ),
    ):
        hits = df.select(bad).to_series().arg_true()
        if hits.len():
            err.fail(message, int(hits[0]), "station", expected, df["station"][int(hits[0])])
    validation.check_unique(df, ["station"], file=err.file, rows=err.rows, what="station code")
    hits = df.select(pl.col("city").is_null() | (pl.col("city") == "")).to_series().arg_true()
    if hits.len():
        err.fail("empty city", int(hits[0]), "city", "a city name", df["city"][int(hits[0])])


def _coordinate(src: pl.Series, col: str, lo: float, hi: float, err: _RowError) -> pl.Series:
    """A longitude or latitude column as Float64 degrees within ``lo..hi`` (null kept)."""
    if src.dtype == pl.String:
        src = src.str.strip_chars().replace("", None)
        num = src.cast(pl.Float64, strict=False)
        hits = (src.is_not_null() & num.is_null()).arg_true()
        if hits.len():
            err.fail("not a number", int(hits[0]), col, f"{col} in degrees", src[int(hits[0])])
    elif src.dtype.is_numeric():
        num = src.cast(pl.Float64)
    else:
        err.fail("not a number", 0, col, f"{col} in degrees", str(src.dtype))
    hits = ((num < lo) | (num > hi) | num.is_nan()).fill_null(False).arg_true()
    if hits.len():
        err.fail("coordinate out of range", int(hits[0]), col, f"{lo:g}..{hi:g}", num[int(hits[0])])
    return num


def _background_flags(bg: pl.Series, err: _RowError) -> pl.Series:
    """The background flags as booleans (Y/N, 是/否, true/false, 1/0); none empty."""
    if bg.dtype == pl.Boolean:
        if bg.null_count():
            err.fail(
                "empty background flag",
                int(bg.is_null().arg_true()[0]),
                "background",
                "Y or N",
                None,
            )
        return bg
    text = bg.cast(pl.String).str.strip_chars()
    flag = text.replace_strict(_BACKGROUND_VALUES, default=None, return_dtype=pl.Boolean)
    hits = flag.is_null().arg_true()
    if hits.len():
        err.fail(
            "unknown background flag", int(hits[0]), "background", "Y or N", text[int(hits[0])]
        )
    return flag


# --------------------------------------------------------------------------- UCI Beijing


#: UCI CO unit detection (``co_unit="auto"``): the median CO of a file at or below
#: this is taken as mg/m³ ...
_UCI_CO_MG_MAX_MEDIAN = 20.0
#: ... and at or above this as µg/m³ (UCI PRSA publishes µg/m³: medians 700-1000).
_UCI_CO_UG_MIN_MEDIAN = 60.0


def _uci_co_factor(co: pl.Series, co_unit: str, file: str) -> float:
    """Factor taking the file's CO to mg/m³ (``co_unit`` "auto": from the median)."""
    if co_unit != "auto":
        return _CO_UNITS[co_unit]
    median = co.median()
    if median is None or median >= _UCI_CO_UG_MIN_MEDIAN:
        return _CO_UNITS["ug/m3"]
    if median <= _UCI_CO_MG_MAX_MEDIAN:
        return _CO_UNITS["mg/m3"]
    raise IndicatorInputError(
        "cannot tell the CO unit from the values: pass co_unit='ug/m3' or 'mg/m3'",
        file=file,
        column="CO",
        expected=f"a median CO <= {_UCI_CO_MG_MAX_MEDIAN:g} (mg/m³) or "
        f">= {_UCI_CO_UG_MIN_MEDIAN:g} (µg/m³)",
        found=median,
    )


def _uci_file(path: Path, co_unit: str = "auto") -> pl.DataFrame:
    """One UCI PRSA file as checked station-hours (with ``_row`` for messages)."""
    file = str(path)
    raw = _read_bytes(path)
    if not raw.strip():
        raise IndicatorInputError(
            "empty file", file=file, expected="the UCI PRSA columns", found="0 bytes"
        )
    df = _read_csv(
        _csv_bytes(raw, file),
        infer_schema=False,
        null_values="NA",
        row_index_name="_row",
        row_index_offset=1,
        file=file,
        expected="the UCI PRSA layout",
    )
    for col in _UCI_COLUMNS:
        if col not in df.columns:
            raise IndicatorInputError(
                "UCI column missing",
                file=file,
                column=col,
                expected=f"columns {list(_UCI_COLUMNS)}",
                found=f"columns {df.columns}",
            )
    validation.check_not_empty(df, file=file)
    err = _RowError(file, df["_row"])
    names = df["station"].str.strip_chars()
    hits = (~names.is_in(list(UCI_BEIJING_STATIONS)).fill_null(False)).arg_true()
    if hits.len():
        i = int(hits[0])
        err.fail(
            "unknown UCI station",
            i,
            "station",
            f"one of {list(UCI_BEIJING_STATIONS)}",
            names[i],
        )
    ints, dates = _uci_times(df, err)
    values = _uci_values(df, err)
    values = values.with_columns(pl.col("CO") * _uci_co_factor(values["CO"], co_unit, file))
    # negative values and the project plausibility bounds (CO now in mg/m³)
    validation.check_bounds(values, file=file, rows=df["_row"])
    code = names.replace_strict({k: v[0] for k, v in UCI_BEIJING_STATIONS.items()})
    part = (
        pl.DataFrame({"station": code, "_date": dates, "_hour": ints["hour"], "_row": df["_row"]})
        .select(
            "station",
            (pl.col("_date").cast(pl.Datetime("us")) + pl.duration(hours="_hour")).alias("time"),
            "_row",
        )
        .hstack(values)
    )
    validation.check_unique(
        part, ["station", "time"], file=file, rows=part["_row"], what="station-hour"
    )
    return part


def _uci_times(df: pl.DataFrame, err: _RowError) -> tuple[pl.DataFrame, pl.Series]:
    """The year, month, day and hour as integers, and the dates they make; bad ones raise."""
    ints = df.select(
        pl.col(c).str.strip_chars().cast(pl.Int32, strict=False) for c in _UCI_COLUMNS[:4]
    )
    for c in _UCI_COLUMNS[:4]:
        hits = ints[c].is_null().arg_true()
        if hits.len():
            err.fail("not an integer", int(hits[0]), c, "an integer", df[c][int(hits[0])])
    text = pl.format("{}-{}-{}", "year", "month", "day")
    dates = ints.select(text.str.to_date("%Y-%m-%d", strict=False)).to_series()
    hits = dates.is_null().arg_true()
    if hits.len():
        i = int(hits[0])
        err.fail("not a date", i, "day", "a valid year-month-day", ints.select(text)[i, 0])
    hits = (~ints["hour"].is_between(0, 23)).arg_true()
    if hits.len():
        i = int(hits[0])
        err.fail("hour out of range", i, "hour", "an integer 0..23", ints["hour"][i])
    return ints, dates


def _uci_values(df: pl.DataFrame, err: _RowError) -> pl.DataFrame:
    """The pollutant columns as finite numbers (``NA`` null); text in one raises."""
    values = df.select(
        pl.col(c).str.strip_chars().cast(pl.Float64, strict=False) for c in _UCI_POLLUTANTS
    )
    for c in _UCI_POLLUTANTS:
        bad = df[c].is_not_null() & (values[c].is_null() | _not_finite_s(values[c]))
        hits = bad.arg_true()
        if hits.len():
            i = int(hits[0])
            err.fail("text in a numeric cell", i, c, "a number or NA", df[c][i])
    return values


def read_uci_beijing(
    folder: str | os.PathLike | Iterable[str | os.PathLike], *, co_unit: str = "auto"
) -> pl.DataFrame:
    r"""Read the UCI "Beijing Multi-Site Air-Quality" files into tidy station-hours.

    The UCI data set 501 (Zhang et al. 2017, Proc. R. Soc. A 473:20170457; data
    from the Beijing Municipal Environmental Monitoring Center) has one file per
    national station, ``PRSA_Data_<Station>_20130301-20170228.csv``, with
    ``year, month, day, hour`` and the pollutants in µg/m³ (CO too).

    Parameters
    ----------
    folder : path, glob or list
        The folder with the ``PRSA_Data_*.csv`` (or ``.csv.gz``) files, or the
        files themselves.
    co_unit : {"auto", "ug/m3", "mg/m3"}, default "auto"
        Unit of CO in the files. UCI publishes µg/m³ (CO divided by 1000 here);
        a re-exported copy may already hold mg/m³. ``"auto"`` decides per file
        from the median CO: <= 20 is mg/m³ (kept), >= 60 µg/m³ (divided by
        1000), in between an error asking for ``co_unit``.

    Returns
    -------
    polars.DataFrame
        ``station`` (CNEMC code, :data:`UCI_BEIJING_STATIONS`: Dingling ->
        ``1002A``, the background station), ``time`` (hour-ending, see Notes),
        ``SO2``, ``NO2``, ``PM10``, ``O3``, ``PM2.5`` [µg/m³], ``CO`` [mg/m³:
        file value / 1000 for µg/m³ files], sorted by station and time. Every row of the files
        is a row here (the files hold the full hourly grid, ``NA`` = null); the
        weather columns (TEMP, PRES, DEWP, RAIN, wd, WSPM) are not returned.

    Raises
    ------
    IndicatorInputError
        Naming file, row, column: a missing column; an unknown station name; a
        bad date or an hour outside 0..23; text in a pollutant cell; a negative
        value or one beyond the project plausibility bounds (table
        ``plausibility_bounds``); an unknown or undecidable CO unit; a header
        only, cut or undecodable file; the same station-hour twice.

    Notes
    -----
    **Time.** The files number hours 0..23 and do not say whether hour ``h`` is
    the hour beginning or ending at h:00. The data come from the Beijing
    monitoring centre, which labels hours as CNEMC does (label h = the hour
    ending at h:00), so hour h of day D is read as ``time = D h:00``
    (hour-ending): hour 0 of D closes natural day D-1 (GB 3095-2026 §3.10:
    the natural day D is ``time`` in ``(D 00:00, D+1 00:00]``). The data agree: the mean
    diurnal O3 cycle of the 12 stations (June-August 2013-2016) peaks at hour
    16 and bottoms at hour 7, exactly as the CNEMC 2019 hourly data of the same
    12 stations do (labels 16 and 7), and the normalised cycles match best
    with no shift (mean squared difference 0.007, against 0.07 and 0.10 for a
    one-hour shift either way; winter likewise). Consequence: the first natural
    day of the files (2013-02-28) has one hour and the last (2017-02-28) 23.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "PRSA_Data_Dongsi_20130301-20170228.csv").write_text(
    ...     '"No","year","month","day","hour","PM2.5","PM10","SO2","NO2","CO","O3",'
    ...     '"TEMP","PRES","DEWP","RAIN","wd","WSPM","station"\n'
    ...     '1,2013,3,1,0,9,9,3,17,300,89,-0.5,1024.5,-21.4,0,"NNW",5.7,"Dongsi"\n')
    >>> read_uci_beijing(folder).row(0)
    ('1003A', datetime.datetime(2013, 3, 1, 0, 0), 3.0, 17.0, 9.0, 0.3, 89.0, 9.0)
    """
    if co_unit != "auto" and co_unit not in _CO_UNITS:
        raise IndicatorInputError(
            "unknown CO unit",
            column="co_unit",
            expected=f"'auto' or one of {list(_CO_UNITS)}",
            found=co_unit,
        )
    files = _resolve_sources(folder, ("PRSA_Data_*.csv", "PRSA_Data_*.csv.gz"), "UCI PRSA_Data_*")
    parts = [
        _uci_file(path, co_unit).with_columns(pl.lit(str(path)).alias("_file")) for path in files
    ]
    out = pl.concat(parts)
    dup = out.select(pl.struct("station", "time").is_duplicated()).to_series().arg_true()
    if dup.len():
        clash = out.filter(pl.struct("station", "time").is_duplicated()).sort("station", "time")
        raise IndicatorInputError(
            "station-hour appears in two files",
            file=clash["_file"][1],
            row=int(clash["_row"][1]),
            column="station",
            expected=f"each station-hour once (also in {clash['_file'][0]})",
            found=f"{clash['station'][1]} {clash['time'][1]:%Y-%m-%d %H:%M}",
        )
    return out.sort("station", "time").select(STATION_HOUR_COLUMNS)


def _not_finite_s(s: pl.Series) -> pl.Series:
    return s.is_nan() | s.is_infinite()


# --------------------------------------------------------------------------- own format


_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M")


def validate_station_hours(data: Any, *, name: str = "data") -> pl.DataFrame:
    """Check a tidy station-hour frame and return it with the contract's types.

    Parameters
    ----------
    data : polars or pandas DataFrame, or polars LazyFrame (collected)
        Columns ``station``, ``time`` and the six pollutants ``SO2``, ``NO2``,
        ``PM10``, ``CO``, ``O3``, ``PM2.5`` (a pollutant may be all null);
        optionally ``aqi_published`` and the CNEMC moving means.
    name : str
        How the frame is named in error messages (the file it came from).

    Returns
    -------
    polars.DataFrame
        ``station`` (String), ``time`` (Datetime[us], naive China Standard Time,
        hour-ending: the natural day D of GB 3095-2026 §3.10 is ``time`` in
        ``(D 00:00, D+1 00:00]``), pollutants Float64 [µg/m³; CO mg/m³], ``aqi_published``
        Int64; the contract's columns first, then any other columns unchanged.
        Rows keep their order. A time zone-aware ``time`` is converted to
        Asia/Shanghai and made naive; a time given as text is parsed
        (``YYYY-MM-DD HH:MM[:SS]``, with a space or ``T``).

    Raises
    ------
    IndicatorInputError
        Naming the row (1-based) and column: a missing column; a null or
        malformed station code; a null, unparseable or off-the-hour time;
        text, NaN or infinity in a value column; a negative value; CO above
        :data:`CO_MG_M3_PLAUSIBLE_MAX` (µg/m³ written as mg/m³); a non-integer
        ``aqi_published``; the same station-hour twice (even identical).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"station": ["1001A"], "time": ["2019-01-01 01:00"],
    ...     "SO2": [15], "NO2": [75], "PM10": [76], "CO": [1.2], "O3": [None],
    ...     "PM2.5": [53]})
    >>> validate_station_hours(frame)["time"].dtype
    Datetime(time_unit='us', time_zone=None)
    """
    lf, _ = to_lazy(data, name=name)
    df = lf.collect()
    require_columns(df.schema, list(STATION_HOUR_COLUMNS), name=name)
    err = _RowError(name)
    station = _hour_station_codes(df["station"], err)
    time = _hour_times(df["time"], err)
    validation.check_hour_grid(time.to_frame("time"), "time", file=name)
    value_cols = [*AIR_POLLUTANTS, *(c for c in CNEMC_MOVING_MEANS if c in df.columns)]
    if "aqi_published" in df.columns:
        value_cols.append("aqi_published")
    casts = {col: _hour_values(df[col], col, err) for col in value_cols}
    out = df.with_columns(
        station.alias("station"), time.alias("time"), *(s.alias(c) for c, s in casts.items())
    )
    # negative values and the project plausibility bounds (µg/m³, CO mg/m³), then keys
    validation.check_bounds(out, file=name)
    validation.check_unique(out, ["station", "time"], file=name, what="station-hour")
    front = [*STATION_HOUR_COLUMNS, *(c for c in _OPTIONAL_HOURLY if c in out.columns)]
    return out.select(front, *(c for c in out.columns if c not in front))


def _hour_station_codes(station: pl.Series, err: _RowError) -> pl.Series:
    """The station codes as text, each a CNEMC code."""
    if station.dtype != pl.String:
        if station.dtype in (pl.Categorical, pl.Enum) or station.dtype == pl.Null:
            station = station.cast(pl.String)
        else:
            err.fail(
                "station code is not text",
                0,
                "station",
                "String codes like 1001A",
                str(station.dtype),
            )
    hits = (~station.str.contains(STATION_CODE_PATTERN)).fill_null(True).arg_true()
    if hits.len():
        i = int(hits[0])
        err.fail("not a station code", i, "station", "a CNEMC station code like 1001A", station[i])
    return station


def _hour_times(time: pl.Series, err: _RowError) -> pl.Series:
    """The times as naive Datetime[us] China Standard Time, parsed from text; none missing."""
    if time.dtype == pl.String:
        text = time.str.strip_chars()
        parsed = pl.select(
            pl.coalesce(
                text.str.to_datetime(f, time_unit="us", strict=False) for f in _TIME_FORMATS
            )
        ).to_series()
        hits = parsed.is_null().arg_true()
        if hits.len():
            i = int(hits[0])
            err.fail(
                "not a date-time", i, "time", "YYYY-MM-DD HH:MM[:SS] (hour-ending, CST)", time[i]
            )
        time = parsed
    elif isinstance(time.dtype, pl.Datetime):
        if time.dtype.time_zone is not None:
            time = time.dt.convert_time_zone("Asia/Shanghai").dt.replace_time_zone(None)
        time = time.cast(pl.Datetime("us"))
    else:
        err.fail(
            "time is not a date-time", 0, "time", "Datetime (hour-ending, CST)", str(time.dtype)
        )
    hits = time.is_null().arg_true()
    if hits.len():
        err.fail("missing time", int(hits[0]), "time", "a date-time", None)
    return time


def _hour_values(src: pl.Series, col: str, err: _RowError) -> pl.Series:
    """A value column as finite Float64 (text parsed); ``aqi_published`` as Int64."""
    if src.dtype == pl.String:
        text = src.str.strip_chars().replace("", None)
        num = text.cast(pl.Float64, strict=False)
        hits = (text.is_not_null() & num.is_null()).arg_true()
        if hits.len():
            i = int(hits[0])
            err.fail("text in a numeric cell", i, col, "a number or empty", src[i])
    elif src.dtype.is_numeric() or src.dtype == pl.Null:
        num = src.cast(pl.Float64)
    else:
        err.fail("not a numeric column", 0, col, "numbers", str(src.dtype))
    hits = _not_finite_s(num).fill_null(False).arg_true()
    if hits.len():
        err.fail("not a finite number", int(hits[0]), col, "a finite number", num[int(hits[0])])
    return _published_aqi(num, err) if col == "aqi_published" else num


def _published_aqi(num: pl.Series, err: _RowError) -> pl.Series:
    """Published AQI values as Int64: none negative, each an integer."""
    col = "aqi_published"
    hits = (num < 0).fill_null(False).arg_true()
    if hits.len():
        err.fail("negative value", int(hits[0]), col, ">= 0", num[int(hits[0])])
    hits = (num != num.round(0)).fill_null(False).arg_true()
    if hits.len():
        err.fail(
            "published AQI is not an integer",
            int(hits[0]),
            col,
            "an integer",
            num[int(hits[0])],
        )
    return num.cast(pl.Int64)


def read_station_hours(path: str | os.PathLike) -> pl.DataFrame:
    r"""Read the project's own tidy station-hour file (Parquet or CSV) and check it.

    Parameters
    ----------
    path : path
        A Parquet file, or a CSV (plain or gzipped) with the columns of
        :func:`validate_station_hours`; ``time`` in CSV as
        ``YYYY-MM-DD HH:MM[:SS]`` (hour-ending, China Standard Time).

    Returns
    -------
    polars.DataFrame
        The checked frame (see :func:`validate_station_hours`): ``station``,
        ``time`` (hour-ending; natural day D of GB 3095-2026 §3.10 =
        ``(D 00:00, D+1 00:00]``),
        ``SO2``, ``NO2``, ``PM10``, ``O3``, ``PM2.5`` [µg/m³], ``CO``
        [mg/m³], optional columns after them. Empty cells are null.

    Raises
    ------
    IndicatorInputError
        As :func:`validate_station_hours`, with the file named; an unreadable,
        empty or truncated file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "hours.csv"
    >>> _ = p.write_text("station,time,SO2,NO2,PM10,CO,O3,PM2.5\n"
    ...     "1001A,2019-01-01 01:00:00,15,75,76,1.2,,53\n")
    >>> read_station_hours(p).row(0)
    ('1001A', datetime.datetime(2019, 1, 1, 1, 0), 15.0, 75.0, 76.0, 1.2, None, 53.0)
    """
    path = Path(path)
    file = str(path)
    raw = _read_bytes(path)
    if not raw.strip():
        raise IndicatorInputError(
            "empty file", file=file, expected="station-hour columns and rows", found="0 bytes"
        )
    try:
        if raw[:4] == b"PAR1":
            df = pl.read_parquet(raw)
        else:
            df = pl.read_csv(_csv_bytes(raw, file), infer_schema=False)
    except pl.exceptions.PolarsError as exc:
        raise IndicatorInputError(
            "not a readable station-hour file",
            file=file,
            expected="Parquet or CSV",
            found=str(exc).splitlines()[0],
        ) from None
    validation.check_not_empty(df, file=file)
    return validate_station_hours(df, name=file)


def write_station_hours(data: Any, path: str | os.PathLike) -> Path:
    """Check tidy station-hours and write them as Parquet or CSV.

    Parameters
    ----------
    data : polars or pandas DataFrame, or polars LazyFrame
        Station-hours (see :func:`validate_station_hours`).
    path : path
        ``*.parquet``, ``*.csv`` or ``*.csv.gz``. CSV writes ``time`` as
        ``YYYY-MM-DD HH:MM:SS`` (hour-ending, China Standard Time; natural day
        per GB 3095-2026 §3.10 as in :func:`read_station_hours`) and empty
        cells for nulls. Missing values stay missing (no filling).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    IndicatorInputError
        As :func:`validate_station_hours`; an unknown file suffix.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from datetime import datetime
    >>> hours = pl.DataFrame({"station": ["1001A"], "time": [datetime(2019, 1, 1, 1)],
    ...     "SO2": [15.0], "NO2": [75.0], "PM10": [76.0], "CO": [1.2], "O3": [None],
    ...     "PM2.5": [53.0]})
    >>> p = write_station_hours(hours, pathlib.Path(tempfile.mkdtemp()) / "h.parquet")
    >>> read_station_hours(p).equals(hours)
    True
    """
    path = Path(path)
    name = path.name.lower()
    if not name.endswith((".parquet", ".csv", ".csv.gz")):
        raise IndicatorInputError(
            "unknown file type",
            file=str(path),
            expected="*.parquet, *.csv or *.csv.gz",
            found=path.suffix or path.name,
        )
    df = validate_station_hours(data, name="data")
    if name.endswith(".parquet"):
        df.write_parquet(path)
    else:
        df.write_csv(
            path,
            datetime_format="%Y-%m-%d %H:%M:%S",
            compression="gzip" if name.endswith(".gz") else "uncompressed",
        )
    return path
