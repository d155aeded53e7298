"""The data-folder contract: the tables a data folder holds, their columns, types, units and keys.

A data folder is one Parquet file per table (``<table>.parquet``) and a
``manifest.json`` written by ``indicators ingest`` (sources, rows, time range,
data basis, schema version). The demo folder, an ingested folder and a folder
a user writes by hand follow the same contract; ``indicators check FOLDER``
checks any of them, and every command that opens a folder checks it first.

This module is the only place that names a table file. Readers
(:mod:`indicators.io`), ingest, check, the demo, the reports and the CLI ask it
for paths and column specifications.

Units are those the package computes in: air concentrations in µg/m³, CO in
mg/m³ (GB 3095 Table 1); water results carry their unit per row; noise levels
in dB(A) (GB 3096-2008).

Examples
--------
>>> TABLES["station_hours"].keys
('station', 'time')
>>> TABLES["stations"].required
('station', 'city', 'background')
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from .errors import IndicatorInputError
from .glossary import INDICATORS

__all__ = [
    "MANIFEST",
    "SCHEMA_VERSION",
    "REQUIRED_TABLES",
    "ROW_GROUP_ROWS",
    "TABLES",
    "Column",
    "Table",
    "check_schema",
    "contract_markdown",
    "existing_tables",
    "read_manifest",
    "require_table",
    "table_file",
    "table_of_file",
    "table_path",
    "write_atomic",
    "write_table",
]

#: Version of this contract; written into ``manifest.json``. Raise it when a table's
#: columns, types or units change incompatibly.
SCHEMA_VERSION = 1
#: The file that records what a folder holds and where it came from.
MANIFEST = "manifest.json"

#: Rows per Parquet row group of a table file (about a month of an 8-city archive, two
#: days of a national year): with rows in :attr:`Table.storage_order` and row-group
#: statistics, a one-month read skips the other row groups.
ROW_GROUP_ROWS = 65_536


@dataclass(frozen=True)
class Column:
    """One column of a table: name, polars type, unit (``""`` for none), required or not."""

    name: str
    dtype: type[pl.DataType]
    unit: str = ""
    required: bool = True
    description: str = ""


@dataclass(frozen=True)
class Table:
    """One table of a data folder."""

    name: str
    domain: str
    description: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...]
    time_column: str | None = None
    entity_columns: tuple[str, ...] = field(default=())
    #: ``(column, table)`` pairs: the values of ``column`` are keys of ``table``
    #: (``station_hours.station`` -> ``stations``).
    references: tuple[tuple[str, str], ...] = field(default=())

    @property
    def file(self) -> str:
        """File name inside the folder."""
        return f"{self.name}.parquet"

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the required columns."""
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column | None:
        """The specification of column ``name``, or None when the contract has none."""
        return next((c for c in self.columns if c.name == name), None)

    @property
    def storage_order(self) -> tuple[str, ...]:
        """The order the table's rows are stored in: its time column, then its keys.

        Station hours are stored time-ordered (time, then station), so each Parquet row
        group spans a short time range and a one-month read skips the others by their
        statistics.
        """
        order = (self.time_column,) if self.time_column else ()
        return order + tuple(k for k in self.keys if k not in order)


def _c(name: str, dtype: type[pl.DataType], unit: str = "", required: bool = True, d: str = ""):
    return Column(name, dtype, unit, required, d)


_UG = "µg/m³"
_AIR = tuple(
    _c(p, pl.Float64, "mg/m³" if p == "CO" else _UG, d=f"hourly mean {p}")
    for p in ("SO2", "NO2", "PM10", "CO", "O3", "PM2.5")
)
_PUBLISHED = (
    *(
        _c(f"{p}_24h", pl.Float64, "mg/m³" if p == "CO" else _UG, False, f"CNEMC 24-h {p}")
        for p in ("SO2", "NO2", "PM10", "CO", "O3", "PM2.5")
    ),
    _c("O3_8h", pl.Float64, _UG, False, "CNEMC O3 8-h moving mean ending at the hour"),
    _c("O3_8h_24h", pl.Float64, _UG, False, "CNEMC O3 MDA8 (at label 0 of D+1)"),
    _c("aqi_published", pl.Int64, "", False, "AQI CNEMC published for the hour"),
    _c("data_basis", pl.String, "", False, "实况 (real-time) or 审核 (reviewed)"),
)
_RESULTS = (
    _c("site", pl.String),
    _c("date", pl.Date),
    _c("item", pl.String, d="item code (pH, DO, CODMn, NH3-N, TP ...)"),
    _c("value", pl.Float64, "per row", d="measured value in the row's unit"),
    _c("unit", pl.String),
    _c("below_dl", pl.Boolean, required=False, d="below the detection limit"),
    _c("detection_limit", pl.Float64, "per row", False),
)
_PLACE = (_c("lon", pl.Float64, "°", False), _c("lat", pl.Float64, "°", False))
#: Columns of the targets table: those :func:`indicators.targets.read_targets` returns, one per
#: :data:`indicators.targets.TARGET_INDICATORS` key (tests/test_targets.py keeps them equal).


def _target_column(key: str, dtype: type[pl.DataType] = pl.Float64) -> Column:
    """A targets-table column described by its :data:`indicators.glossary.INDICATORS` record."""
    i = INDICATORS[key]
    return _c(
        key, dtype, i.symbol, False, f"{i.zh}, {'at most' if i.lower_is_better else 'at least'}"
    )


_TARGETS = (
    _c("city", pl.String),
    _c("year", pl.Int64, d="calendar year of the target"),
    *(_target_column(k) for k in ("good_day_ratio", "PM2.5", "O3_MDA8_P90", "composite_index")),
    _target_column("share_I_III"),
    _target_column("n_worse_V", pl.Int64),
    _target_column("drinking_compliance"),
    _target_column("blackodorous_elimination"),
    _c("note", pl.String, required=False),
)

#: Every table a data folder may hold, by name.
TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "stations",
            "air",
            "air monitoring stations: code, city, background (对照点) flag",
            (
                _c("station", pl.String, d="station code (监测点编码)"),
                _c("city", pl.String),
                _c("background", pl.Boolean, d="background station (对照点): not in city means"),
                _c("name", pl.String, required=False),
                _c("province", pl.String, required=False),
                _c("prefecture", pl.String, required=False),
                *_PLACE,
            ),
            ("station",),
            entity_columns=("station", "city"),
        ),
        Table(
            "station_hours",
            "air",
            "hourly concentrations, hour-ending China Standard Time",
            (
                _c("station", pl.String),
                _c("time", pl.Datetime, d="hour ending, CST, on the hour"),
                *_AIR,
                *_PUBLISHED,
            ),
            ("station", "time"),
            time_column="time",
            entity_columns=("station",),
            references=(("station", "stations"),),
        ),
        Table(
            "dust",
            "air",
            "sand-dust and exceptional-event flags (扣沙, 环办监测〔2016〕120号)",
            (
                _c("city", pl.String),
                _c("date", pl.Date),
                _c("kind", pl.String, required=False, d="dust, or an exceptional event"),
                _c("hours", pl.Int64, "h", False),
                _c("source", pl.String, required=False),
            ),
            ("city", "date", "kind"),
            time_column="date",
            entity_columns=("city",),
        ),
        Table(
            "water_sections",
            "water",
            "surface-water sections (断面) with target class",
            (
                _c("site", pl.String),
                _c("name", pl.String, required=False),
                _c("waterbody", pl.String, required=False),
                _c("type", pl.String, d="river, lake or reservoir"),
                _c("basin", pl.String, required=False),
                _c("city", pl.String),
                _c("level", pl.String, required=False, d="national, provincial ..."),
                _c("target_class", pl.String, required=False, d="I-V"),
                *_PLACE,
            ),
            ("site",),
            entity_columns=("site", "city"),
        ),
        Table(
            "water_results",
            "water",
            "surface-water results, one row per site, date and item",
            _RESULTS,
            ("site", "date", "item"),
            time_column="date",
            entity_columns=("site",),
            references=(("site", "water_sections"),),
        ),
        Table(
            "drinking_sources",
            "drinking",
            "drinking-water sources (surface or groundwater)",
            (
                _c("site", pl.String),
                _c("name", pl.String, required=False),
                _c("type", pl.String, d="surface or groundwater"),
                _c("city", pl.String),
                _c("volume", pl.Float64, "10⁴ m³", False),
                *_PLACE,
            ),
            ("site",),
            entity_columns=("site", "city"),
        ),
        Table(
            "drinking_results",
            "drinking",
            "drinking-source results",
            _RESULTS,
            ("site", "date", "item"),
            time_column="date",
            entity_columns=("site",),
            references=(("site", "drinking_sources"),),
        ),
        Table(
            "sea_points",
            "sea",
            "coastal sea monitoring points",
            (
                _c("site", pl.String),
                _c("name", pl.String, required=False),
                _c("city", pl.String),
                _c("area", pl.Float64, "km²", False),
                *_PLACE,
            ),
            ("site",),
            entity_columns=("site", "city"),
        ),
        Table(
            "sea_results",
            "sea",
            "sea results, one row per point, date, item and campaign",
            (*_RESULTS, _c("campaign", pl.String, required=False)),
            ("site", "date", "item", "campaign"),
            time_column="date",
            entity_columns=("site",),
            references=(("site", "sea_points"),),
        ),
        Table(
            "blackodorous_ledger",
            "blackodorous",
            "black-odorous water bodies identified (黑臭水体清单)",
            (
                _c("water_body_id", pl.String),
                _c("city", pl.String),
                _c("district", pl.String, required=False),
                _c("name", pl.String, required=False),
                _c("type", pl.String, required=False),
                _c("length_km", pl.Float64, "km", False),
                _c("area_km2", pl.Float64, "km²", False),
                _c("grade_identified", pl.String, required=False),
                _c("identified_date", pl.Date, required=False),
                _c("responsible_unit", pl.String, required=False),
                _c("plan_date", pl.Date, required=False),
            ),
            ("water_body_id",),
            entity_columns=("water_body_id", "city"),
        ),
        Table(
            "blackodorous_status",
            "blackodorous",
            "remediation status changes of the ledger's water bodies",
            (_c("water_body_id", pl.String), _c("status", pl.String), _c("date", pl.Date)),
            ("water_body_id", "date"),
            time_column="date",
            entity_columns=("water_body_id",),
            references=(("water_body_id", "blackodorous_ledger"),),
        ),
        Table(
            "blackodorous_monitoring",
            "blackodorous",
            "black-odorous monitoring (transparency, DO, ORP, NH3-N)",
            (
                _c("water_body_id", pl.String),
                _c("point", pl.String),
                _c("position_km", pl.Float64, "km", False),
                _c("date", pl.Date),
                _c("depth", pl.Float64, "m", False),
                _c("transparency", pl.Float64, "cm", False),
                _c("DO", pl.Float64, "mg/L", False),
                _c("ORP", pl.Float64, "mV", False),
                _c("NH3-N", pl.Float64, "mg/L", False),
            ),
            ("water_body_id", "point", "date"),
            time_column="date",
            entity_columns=("water_body_id",),
            references=(("water_body_id", "blackodorous_ledger"),),
        ),
        Table(
            "blackodorous_surveys",
            "blackodorous",
            "public satisfaction surveys",
            (
                _c("water_body_id", pl.String),
                _c("date", pl.Date),
                _c("respondents", pl.Int64),
                _c("satisfied_share", pl.Float64, "%"),
            ),
            ("water_body_id", "date"),
            time_column="date",
            entity_columns=("water_body_id",),
            references=(("water_body_id", "blackodorous_ledger"),),
        ),
        Table(
            "noise_functional",
            "noise",
            "functional-area noise (功能区声环境), quarterly point measurements",
            (
                _c("city", pl.String),
                _c("point", pl.String),
                _c("functional_class", pl.String, d="0, 1, 2, 3, 4a, 4b"),
                _c("year", pl.Int64),
                _c("quarter", pl.Int64, d="1-4"),
                _c("date", pl.Date, required=False),
                _c("leq_day", pl.Float64, "dB(A)", False),
                _c("leq_night", pl.Float64, "dB(A)", False),
            ),
            ("city", "point", "year", "quarter"),
            time_column="date",
            entity_columns=("city",),
        ),
        Table(
            "noise_regional",
            "noise",
            "regional (区域) noise grid points",
            (
                _c("city", pl.String),
                _c("year", pl.Int64),
                _c("date", pl.Date, required=False),
                _c("point", pl.String),
                _c("leq_day", pl.Float64, "dB(A)", False),
                _c("leq_night", pl.Float64, "dB(A)", False),
            ),
            ("city", "year", "point"),
            time_column="date",
            entity_columns=("city",),
        ),
        Table(
            "noise_traffic",
            "noise",
            "road-traffic (道路交通) noise sections",
            (
                _c("city", pl.String),
                _c("year", pl.Int64),
                _c("date", pl.Date, required=False),
                _c("section", pl.String),
                _c("length_km", pl.Float64, "km", False),
                _c("leq_day", pl.Float64, "dB(A)", False),
                _c("leq_night", pl.Float64, "dB(A)", False),
            ),
            ("city", "year", "section"),
            time_column="date",
            entity_columns=("city",),
        ),
        Table(
            "targets",
            "targets",
            "targets (考核目标) per city and year (indicators.targets; null = no target)",
            _TARGETS,
            ("city", "year"),
            entity_columns=("city",),
        ),
    )
}


#: Tables every command that opens a data folder needs (the air part is the reports' core).
REQUIRED_TABLES: tuple[str, ...] = ("stations", "station_hours")


def _spec(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise IndicatorInputError(
            "unknown table of a data folder", expected=f"one of {sorted(TABLES)}", found=name
        ) from None


def table_file(folder: str | Path, name: str) -> Path:
    """Path of table ``name`` in ``folder`` (whether it exists or not).

    Parameters
    ----------
    folder : path
        The data folder.
    name : str
        Contract table name (a key of :data:`TABLES`, e.g. ``"station_hours"``).
    """
    return Path(folder) / _spec(name).file


def write_atomic(path: str | Path, write: Callable[[Path], object]) -> None:
    """Write ``path`` whole or not at all (a reader never sees a half-written file).

    ``write`` fills a temporary file beside ``path``, which then replaces it.

    Parameters
    ----------
    path : path
        The file to write.
    write : callable
        Called with the temporary file's path; writes the content there.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_table(frame: pl.DataFrame, folder: str | Path, name: str) -> Path:
    """Write ``frame`` as table ``name`` of ``folder``, stored as the contract says.

    Rows are sorted by :attr:`Table.storage_order` (nulls last), written in row groups
    of :data:`ROW_GROUP_ROWS` rows with column statistics (zstd, values
    dictionary-encoded), so that a read of a period prunes the row groups outside it.

    Parameters
    ----------
    frame : polars.DataFrame
        The table's rows (checked against the contract's schema first).
    folder : path
        The data folder (created when missing).
    name : str
        Contract table name (a key of :data:`TABLES`).

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    IndicatorInputError
        When ``frame`` does not fit the table's schema.
    """
    spec = _spec(name)
    path = table_file(folder, name)
    check_schema(name, frame.schema, file=str(path))
    order = [c for c in spec.storage_order if c in frame.columns]
    path.parent.mkdir(parents=True, exist_ok=True)
    # (by pyarrow, as ingest writes station hours: values dictionary-encoded, which polars'
    # writer does not do for numbers; a national year reads in 0.17 s instead of 0.44 s)
    frame.sort(order, nulls_last=True).write_parquet(
        path, compression="zstd", statistics=True, row_group_size=ROW_GROUP_ROWS, use_pyarrow=True
    )
    return path


def table_path(folder: str | Path, name: str) -> Path | None:
    """Path of table ``name`` in ``folder`` when the file exists, else None.

    Parameters
    ----------
    folder : path
        The data folder.
    name : str
        Contract table name (a key of :data:`TABLES`, e.g. ``"station_hours"``).
    """
    path = table_file(folder, name)
    return path if path.is_file() else None


def require_table(folder: str | Path, name: str) -> Path:
    """Path of table ``name`` in ``folder``; an error naming the file when it is absent.

    Parameters
    ----------
    folder : path
        The data folder.
    name : str
        Contract table name (a key of :data:`TABLES`, e.g. ``"station_hours"``).

    Raises
    ------
    IndicatorInputError
        When ``folder`` has no such table.
    """
    path = table_path(folder, name)
    if path is None:
        raise IndicatorInputError(
            f"no {name} table in the data folder",
            file=str(table_file(folder, name)),
            expected=f"{_spec(name).description} (see `indicators check --contract`)",
        )
    return path


def read_manifest(folder: str | Path) -> dict:
    """The folder's ``manifest.json`` as a dict (``{}`` when the folder has none).

    Parameters
    ----------
    folder : path
        The data folder.

    Raises
    ------
    IndicatorInputError
        Naming the file when it is not a readable JSON object.
    """
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("not a JSON object")
    except (ValueError, UnicodeDecodeError) as exc:
        raise IndicatorInputError(
            "the manifest is not readable",
            file=str(path),
            expected="a JSON object, as indicators ingest writes it",
            found=str(exc),
        ) from None
    return manifest


def table_of_file(file_name: str) -> str | None:
    """The contract table stored in a file called ``file_name``, or None.

    Parameters
    ----------
    file_name : str
        A file name without folder (``"station_hours.parquet"``).

    Examples
    --------
    >>> table_of_file("station_hours.parquet"), table_of_file("extra.parquet")
    ('station_hours', None)
    """
    return next((t.name for t in TABLES.values() if t.file == file_name), None)


def existing_tables(folder: str | Path) -> list[str]:
    """Names of the contract's tables present in ``folder``, in contract order.

    Parameters
    ----------
    folder : path
        The data folder.
    """
    return [n for n in TABLES if table_path(folder, n) is not None]


def _dtype_ok(found: pl.DataType, wanted: type[pl.DataType]) -> bool:
    if wanted is pl.Float64:
        return found.is_numeric()
    if wanted is pl.Int64:
        return found.is_integer()
    if wanted is pl.String:
        return isinstance(found, pl.String | pl.Categorical | pl.Enum)
    return isinstance(found, wanted)


def check_schema(name: str, schema: pl.Schema | dict, *, file: str | None = None) -> None:
    """Check the columns and types of table ``name`` against the contract.

    Required columns must be present; every column the contract names must
    have its type (any numeric type for floats, any integer type for
    integers). Columns the contract does not name are allowed.

    Parameters
    ----------
    name : str
        Contract table name (a key of :data:`TABLES`).
    schema : polars.Schema or dict
        Column name -> polars data type of the table (``frame.schema``,
        ``lazy.collect_schema()`` or a Parquet file's schema).
    file : str, optional
        The file named in messages (default: the table's file name).

    Raises
    ------
    IndicatorInputError
        Naming the file, the column, the expected type and the type found.
    """
    spec = _spec(name)
    where = file or spec.file
    for col in spec.columns:
        if col.name not in schema:
            if col.required:
                raise IndicatorInputError(
                    f"the {name} table lacks a required column",
                    file=where,
                    column=col.name,
                    expected=f"columns {list(spec.required)}",
                    found=f"columns {list(schema)}",
                )
            continue
        if not _dtype_ok(schema[col.name], col.dtype):
            raise IndicatorInputError(
                f"a column of the {name} table has another type",
                file=where,
                column=col.name,
                expected=col.dtype.__name__ + (f" [{col.unit}]" if col.unit else ""),
                found=str(schema[col.name]),
            )


#: Short type names of the Markdown rendering.
_TYPE_NAMES = {
    pl.String: "str",
    pl.Float64: "float",
    pl.Int64: "int",
    pl.Boolean: "bool",
    pl.Date: "date",
    pl.Datetime: "datetime",
}


def contract_markdown() -> str:
    """The contract as a Markdown table (for the README and ``indicators check --contract``).

    One row per table: file and description, columns as ``name: type [unit]``
    (required ones in bold), keys.
    """
    lines = [
        "| table (file) | columns: type [unit], required in bold | keys |",
        "| --- | --- | --- |",
    ]
    for t in TABLES.values():
        cols = ", ".join(
            (f"**{c.name}**" if c.required else c.name)
            + f": {_TYPE_NAMES.get(c.dtype, c.dtype.__name__)}"
            + (f" [{c.unit}]" if c.unit else "")
            for c in t.columns
        )
        lines.append(f"| `{t.file}`: {t.description} | {cols} | {', '.join(t.keys)} |")
    return "\n".join(lines)


# --------------------------------------------------------------------------- figures store

#: Folder of the figures store inside a data folder (:mod:`indicators.figures`): computed
#: figures, not data; ``indicators check`` ignores it.
FIGURES_DIR = "figures"

#: Tables of one figures-store entry (``<data>/figures/<key>/<name>.parquet``).
FIGURES_TABLES = (
    "summary",
    "previous",
    "daily",
    "changes",
    "monthly",
    "ranks",
    "cwqi",
    "record",
    "history",
    "set_lists",
    "trend_series",
    "trends",
    "three_year",
    "set_ranks",
    "previous_own",
    "completeness",
    "tracking",
)


#: Sub-folder of a figures-store entry with every city's figures of the other domains
#: (:func:`indicators.figures.domains.store_tables`): ``index.parquet`` (one row per
#: domain, period and city) and one table per part of a domain's figures,
#: ``<domain>.<part>.parquet`` (``<domain>.<part>.<language>.parquet`` for a part per
#: language), every city's rows under the key columns ``figures_city`` and
#: ``figures_period``.
FIGURES_DOMAINS_DIR = "domains"


def figures_domain_file(store: str | Path, name: str) -> Path:
    """Path of table ``name`` (``index``, ``water.classes`` ...) of a store entry's domains.

    Under :data:`FIGURES_DOMAINS_DIR`, whether it exists or not.
    """
    return Path(store) / FIGURES_DOMAINS_DIR / f"{name}.parquet"


def figures_table_file(store: str | Path, name: str) -> Path:
    """Path of table ``name`` of a figures-store entry (whether it exists or not).

    Raises
    ------
    IndicatorInputError
        When ``name`` is not one of :data:`FIGURES_TABLES`.
    """
    if name not in FIGURES_TABLES:
        raise IndicatorInputError(
            "unknown figures table", expected=f"one of {list(FIGURES_TABLES)}", found=name
        )
    return Path(store) / f"{name}.parquet"


def data_fingerprint(data: str | Path) -> str:
    """A digest of the folder's contract tables (name, size, modification time) and manifest.

    Any rewrite of a table (ingest, a hand edit) changes it, so figures or a check
    result recorded for other data are never reused.

    Parameters
    ----------
    data : path
        The data folder.

    Returns
    -------
    str
        A SHA-256 hex digest.
    """
    import hashlib

    folder = Path(data)
    parts = []
    for name in TABLES:
        path = table_path(folder, name)
        if path is not None:
            st = path.stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    manifest = folder / MANIFEST
    if manifest.is_file():
        parts.append(hashlib.sha256(manifest.read_bytes()).hexdigest())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
