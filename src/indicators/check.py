"""``indicators check FOLDER``: what a data folder holds, and its first problem.

Every table of the folder is checked against the contract
(:func:`indicators.contract.check_schema`), then its values
(:func:`indicators.validation.validate_table`; the targets table also by
:func:`indicators.targets.check_targets`), then against the other tables
(station hours of stations the station list lacks, a station listed twice).
Every command that opens a data folder runs :func:`require_valid_folder`
first, so a folder that fails produces no report.

Examples
--------
>>> ok = TableCheck("stations", "data/stations.parquet", rows=19)
>>> first_problem([ok]) is None
True
>>> print(check_folder("no/such/folder"))
Traceback (most recent call last):
...
indicators.errors.IndicatorInputError: no/such/folder: no such data folder (expected ...)
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from . import contract
from .errors import IndicatorInputError, IndicatorWarning
from .targets import check_targets
from .validation import validate_table

__all__ = [
    "TableCheck",
    "check_folder",
    "first_problem",
    "format_checks",
    "require_valid_folder",
    "warning_lines",
]

#: Plural labels of the entity columns in the listing.
_ENTITIES = {
    "station": ("station", "stations"),
    "city": ("city", "cities"),
    "site": ("site", "sites"),
    "water_body_id": ("water body", "water bodies"),
}
#: At most this many names in a warning that lists stations or cities.
_SHOWN = 8


@dataclass
class TableCheck:
    """What one table of a data folder holds and its first problem.

    Attributes
    ----------
    name : str
        Contract table name (for a file outside the contract, the file name).
    file : str
        Path of the file (or the file the folder lacks).
    known : bool
        False for a Parquet file that is not part of the contract.
    present : bool
        False for a required table the folder lacks.
    rows : int or None
        Number of rows.
    columns : tuple of str
        Column names, in file order.
    time_range : tuple or None
        First and last value of the table's time column.
    counts : dict
        Distinct values of the entity columns (``{"stations": 19, "cities": 10}``).
    data_basis : tuple of str
        Distinct ``data_basis`` values (实况, 审核), when the table has the column.
    manifest : dict or None
        The table's entry in ``manifest.json``, when there is one.
    error : IndicatorInputError or None
        The first problem; None when the table passed.
    warnings : list of str
        Things to look at that do not stop a report.
    """

    name: str
    file: str
    known: bool = True
    present: bool = True
    rows: int | None = None
    columns: tuple[str, ...] = ()
    time_range: tuple[Any, Any] | None = None
    counts: dict[str, int] = field(default_factory=dict)
    data_basis: tuple[str, ...] = ()
    manifest: dict[str, Any] | None = None
    error: IndicatorInputError | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the table has no problem (warnings allowed)."""
        return self.error is None


def _names(values: list[str]) -> str:
    shown = ", ".join(values[:_SHOWN])
    return shown + (f" … (+{len(values) - _SHOWN})" if len(values) > _SHOWN else "")


def _read_manifest(folder: Path) -> tuple[dict[str, Any] | None, TableCheck | None]:
    path = folder / contract.MANIFEST
    if not path.is_file():
        return None, None
    entry = TableCheck(contract.MANIFEST, str(path))
    try:
        manifest = contract.read_manifest(folder)
    except IndicatorInputError as exc:
        entry.error = exc
        return None, entry
    entry.manifest = {k: v for k, v in manifest.items() if k != "tables"}
    version = manifest.get("schema_version")
    if version is not None and version != contract.SCHEMA_VERSION:
        entry.warnings.append(
            f"written for contract version {version}; this package reads version "
            f"{contract.SCHEMA_VERSION}"
        )
    return manifest, entry


def _manifest_entry(manifest: dict[str, Any] | None, name: str) -> dict[str, Any] | None:
    if manifest is None:
        return None
    tables = manifest.get("tables", {})
    entry = tables.get(name) if isinstance(tables, dict) else None
    return entry if isinstance(entry, dict) else None


def _inspect(folder: Path, name: str, manifest: dict[str, Any] | None) -> TableCheck:
    """Rows, columns, time range and entities of one table, then its schema and values."""
    spec = contract.TABLES[name]
    path = contract.table_file(folder, name)
    check = TableCheck(name, str(path), manifest=_manifest_entry(manifest, name))
    scan = pl.scan_parquet(path)
    try:
        schema = scan.collect_schema()
    except (pl.exceptions.PolarsError, OSError) as exc:
        check.error = IndicatorInputError(
            "not a readable Parquet file",
            file=str(path),
            found=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
        )
        return check
    check.columns = tuple(schema)
    if not _summarise(check, scan, schema, spec):
        return check
    _compare_recorded_rows(check)
    _validate(check, name, scan, schema)
    return check


def _summarise(
    check: TableCheck, scan: pl.LazyFrame, schema: pl.Schema, spec: contract.Table
) -> bool:
    """Fill rows, time range, entity counts and data bases; False (error set) if unreadable."""
    stats = [pl.len().alias("__rows")]
    time = spec.time_column
    if time in schema and schema[time].is_temporal():
        stats += [pl.col(time).min().alias("__first"), pl.col(time).max().alias("__last")]
    entities = [c for c in spec.entity_columns if c in schema]
    stats += [pl.col(c).n_unique().alias(f"__n_{c}") for c in entities]
    try:
        row = scan.select(stats).collect().row(0, named=True)
        if "data_basis" in schema:
            basis = scan.select(pl.col("data_basis").drop_nulls().unique().sort()).collect()
            check.data_basis = tuple(str(v) for v in basis.to_series())
    except (pl.exceptions.PolarsError, OSError) as exc:
        check.error = IndicatorInputError(
            "not a readable Parquet file", file=check.file, found=str(exc).splitlines()[0]
        )
        return False
    check.rows = row["__rows"]
    if "__first" in row and row["__first"] is not None:
        check.time_range = (row["__first"], row["__last"])
    check.counts = {_ENTITIES.get(c, (c, c))[1]: row[f"__n_{c}"] for c in entities}
    return True


def _compare_recorded_rows(check: TableCheck) -> None:
    """A warning when the manifest records another number of rows than the file holds."""
    if check.manifest is None:
        return
    recorded = check.manifest.get("rows")
    if isinstance(recorded, int) and recorded != check.rows:
        check.warnings.append(
            f"{contract.MANIFEST} records {recorded:,} rows, the file holds {check.rows:,} "
            "(changed after ingest?)"
        )


def _validate(check: TableCheck, name: str, scan: pl.LazyFrame, schema: pl.Schema) -> None:
    """Schema and values of the table: the first error, our warnings kept, others passed on."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", IndicatorWarning)
        try:
            contract.check_schema(name, schema, file=check.file)
            if name == "targets":  # the checks of the targets file (ranges, duplicates)
                check_targets(scan.collect(), file=check.file)
            validate_table(name, scan, file=check.file)
        except IndicatorInputError as exc:
            check.error = exc
    for w in caught:
        if issubclass(w.category, IndicatorWarning):
            check.warnings.append(str(w.message))
        else:  # not ours: passed on as it came
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _first_rows(path: str, column: str, values: list[str]) -> int:
    """1-based row of the file where one of ``values`` first appears in ``column``."""
    found = (
        pl.scan_parquet(path)
        .select(pl.col(column))
        .with_row_index("__row", offset=1)
        .filter(pl.col(column).is_in(values))
        .select(pl.col("__row").min())
        .collect()
        .item()
    )
    return int(found) if found is not None else 1


def _check_references(checks: dict[str, TableCheck]) -> None:
    """Values of a table's key columns that the table they refer to lacks."""
    for name, check in checks.items():
        for column, parent in contract.TABLES[name].references:
            other = checks.get(parent)
            if not check.ok or other is None or not other.ok:
                continue
            if column not in check.columns or column not in other.columns:
                continue
            mine = pl.scan_parquet(check.file).select(pl.col(column).drop_nulls().unique())
            known = pl.scan_parquet(other.file).select(pl.col(column).drop_nulls().unique())
            missing = mine.join(known, on=column, how="anti").collect()[column].sort()
            if missing.is_empty():
                continue
            total = mine.select(pl.len()).collect().item()
            codes = [str(v) for v in missing.to_list()]
            if len(codes) == total:
                check.error = IndicatorInputError(
                    f"no {column} of the {name} table is in the {parent} table",
                    file=check.file,
                    row=_first_rows(check.file, column, codes[:1]),
                    column=column,
                    expected=f"a {column} of {other.file}",
                    found=codes[0],
                )
            else:
                what = _ENTITIES.get(column, (column, column))[1]
                check.warnings.append(
                    f"{len(codes)} of {total} {what} are not in "
                    f"{Path(other.file).name}, their rows count for no city: {_names(codes)}"
                )


def _check_stations(check: TableCheck) -> None:
    """A city of background stations only: a warning.

    A station listed twice is a duplicate key of the ``stations`` table, an
    error of :func:`indicators.validation.validate_table`.
    """
    if not check.ok:
        return
    stations = pl.read_parquet(check.file, columns=["city", "background"])
    background = (
        stations.group_by("city", maintain_order=True)
        .agg(pl.col("background").fill_null(False).all())
        .filter(pl.col("background"))["city"]
        .to_list()
    )
    if background:
        check.warnings.append(
            f"{len(background)} {'city has' if len(background) == 1 else 'cities have'} only "
            f"background stations (对照点), no city air value: {_names(background)}"
        )


def _count_cities(checks: dict[str, TableCheck]) -> None:
    """Cities of the station hours' stations (by the station list), in the listing."""
    hours, stations = checks.get("station_hours"), checks.get("stations")
    if hours is None or stations is None or not (hours.ok and stations.ok and hours.present):
        return
    cities = (
        pl.scan_parquet(hours.file)
        .select(pl.col("station").unique())
        .join(pl.scan_parquet(stations.file).select("station", "city"), on="station")
        .select(pl.col("city").n_unique())
        .collect()
        .item()
    )
    hours.counts["cities"] = int(cities)


def check_folder(folder: str | Path) -> list[TableCheck]:
    """Check every table of a data folder; one :class:`TableCheck` per table.

    In contract order: the tables present (and ``stations`` and ``station_hours``
    when absent, as failed), then ``manifest.json`` when it is there, then the
    Parquet files outside the contract (a warning each).

    Parameters
    ----------
    folder : str or Path
        A data folder (``indicators ingest``, ``indicators demo`` or by hand).

    Returns
    -------
    list of TableCheck

    Raises
    ------
    IndicatorInputError
        When ``folder`` is not a folder.
    """
    root = Path(folder)
    if not root.is_dir():
        raise IndicatorInputError(
            "no such data folder",
            file=str(root),
            expected="a folder of contract tables (indicators ingest, or see `indicators check`)",
        )
    manifest, manifest_check = _read_manifest(root)
    checks: dict[str, TableCheck] = {}
    for name in contract.TABLES:
        if contract.table_path(root, name) is not None:
            checks[name] = _inspect(root, name, manifest)
        elif name in contract.REQUIRED_TABLES:
            checks[name] = TableCheck(
                name,
                str(contract.table_file(root, name)),
                present=False,
                error=IndicatorInputError(
                    f"the data folder has no {name} table",
                    file=str(contract.table_file(root, name)),
                    expected=f"{contract.TABLES[name].description} "
                    "(indicators ingest SOURCE... --out FOLDER)",
                ),
            )
    if "stations" in checks and checks["stations"].present:
        _check_stations(checks["stations"])
    _check_references(checks)
    _count_cities(checks)
    result = list(checks.values())
    if manifest_check is not None:
        result.append(manifest_check)
    for path in sorted(root.glob("*.parquet")):
        if contract.table_of_file(path.name) is None:
            result.append(
                TableCheck(
                    path.stem,
                    str(path),
                    known=False,
                    warnings=["not part of the contract: ignored by every command"],
                )
            )
    return result


def first_problem(checks: list[TableCheck]) -> IndicatorInputError | None:
    """The error of the first table that failed, or None when every table passed.

    Parameters
    ----------
    checks : list of TableCheck
        The result of :func:`check_folder`.

    Returns
    -------
    IndicatorInputError or None
        The first table's error.
    """
    return next((c.error for c in checks if c.error is not None), None)


#: File of the figures store that records the last passing check of the folder.
_CHECKED = "checked.json"


def require_valid_folder(folder: str | Path) -> list[TableCheck]:
    """:func:`check_folder`, raising the first problem; a passing check is remembered.

    A folder that passed is recorded (``<folder>/figures/checked.json``, with
    :func:`indicators.contract.data_fingerprint` and the warnings), so the next
    command on the same data does not check its tables again; any change of a
    table or of the manifest checks it afresh. A failing folder is never recorded.

    Parameters
    ----------
    folder : path
        The data folder.

    Returns
    -------
    list of TableCheck
        The checks (from the record: one per table with warnings, warnings only).

    Raises
    ------
    IndicatorInputError
        The first problem of the folder (one line: file, row, column, expected).
    """
    root = Path(folder)
    record = root / contract.FIGURES_DIR / _CHECKED
    fingerprint = contract.data_fingerprint(root) if root.is_dir() else None
    if fingerprint is not None and record.is_file():
        try:
            saved = json.loads(record.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            saved = {}
        if saved.get("data") == fingerprint and saved.get("schema") == contract.SCHEMA_VERSION:
            return [TableCheck(n, f, warnings=list(w)) for n, f, w in saved.get("warnings", [])]
    checks = check_folder(folder)
    problem = first_problem(checks)
    if problem is not None:
        raise problem
    if fingerprint is not None:
        kept = [[c.name, c.file, c.warnings] for c in checks if c.warnings]
        meta = {"data": fingerprint, "schema": contract.SCHEMA_VERSION, "warnings": kept}
        try:
            record.parent.mkdir(exist_ok=True)
            text = json.dumps(meta, ensure_ascii=False)
            contract.write_atomic(record, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        except OSError:  # a read-only folder: checked again next time
            pass
    return checks


def warning_lines(checks: list[TableCheck]) -> list[str]:
    """Every warning of the checks, one line each, prefixed with the file name.

    Parameters
    ----------
    checks : list of TableCheck
        The result of :func:`check_folder`.

    Returns
    -------
    list of str
        ``<file>: <warning>`` lines.
    """
    return [f"{Path(c.file).name}: {w}" for c in checks for w in c.warnings]


def _when(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _holds(check: TableCheck) -> str:
    if not check.known:
        return "not part of the contract"
    if not check.present:
        return "absent"
    if check.name == contract.MANIFEST:
        line = _manifest_line(check.manifest or {}, top=True)
        return "ingest record" + (f": {line}" if line else "")
    if check.rows is None:
        return "unreadable"
    parts = [f"{check.rows:,} rows", f"{len(check.columns)} columns"]
    if check.time_range is not None:
        parts.append(f"{_when(check.time_range[0])} .. {_when(check.time_range[1])}")
    singular = {plural: one for one, plural in _ENTITIES.values()}
    parts += [f"{n:,} {singular.get(lb, lb) if n == 1 else lb}" for lb, n in check.counts.items()]
    if check.data_basis:
        parts.append("basis " + "/".join(check.data_basis))
    return ", ".join(parts)


def _manifest_line(entry: dict[str, Any], *, top: bool = False) -> str | None:
    parts = []
    sources = entry.get("sources")
    if isinstance(sources, list) and sources:
        names = [str(s.get("name", s)) if isinstance(s, dict) else str(s) for s in sources]
        parts.append(f"{len(names)} source{'s' if len(names) > 1 else ''}: {_names(names)}")
    if entry.get("schema_version") not in (None, contract.SCHEMA_VERSION):
        parts.append(f"schema version {entry['schema_version']}")
    labels = {"ingested": "ingested", "package_version": "indicators"} if top else {}
    labels |= {"basis": "basis", "data_basis": "basis"}
    for key, lb in labels.items():
        if entry.get(key) not in (None, ""):
            parts.append(f"{lb} {entry[key]}")
    return ", ".join(parts) or None


def format_checks(folder: str | Path, checks: list[TableCheck]) -> str:
    """The readable per-table listing that ``indicators check`` prints.

    One line per entry (file, ``ok``/``error``/``warning``/``ignored``, what it
    holds), then its manifest record, its error and its warnings, indented;
    a last line with the verdict.

    Parameters
    ----------
    folder : path
        The data folder checked.
    checks : list of TableCheck
        The result of :func:`check_folder` for ``folder``.

    Returns
    -------
    str
        The listing, lines joined by newlines.
    """
    lines = [f"data folder {Path(folder)}"]
    width = max((len(Path(c.file).name) for c in checks), default=0)
    pad = " " * (width + 4)
    for c in checks:
        status = (
            "error"
            if c.error is not None
            else "ignored"
            if not c.known
            else "warning"
            if c.warnings
            else "ok"
        )
        lines.append(f"  {Path(c.file).name:<{width}}  {status:<7}  {_holds(c)}")
        line = _manifest_line(c.manifest) if c.manifest and c.name != contract.MANIFEST else None
        if line:
            lines.append(f"{pad}manifest: {line}")
        if c.error is not None:
            lines.append(f"{pad}error: {c.error}")
        lines += [f"{pad}warning: {w}" for w in c.warnings]
    failed = [c for c in checks if c.error is not None]
    tables = sum(1 for c in checks if c.known and c.present and c.name != contract.MANIFEST)
    if failed:
        lines.append(
            f"failed: {len(failed)} of {len(checks)} entries; first problem: {failed[0].error}"
        )
    else:
        lines.append(f"ok: {tables} tables pass the contract checks")
    return "\n".join(lines)
