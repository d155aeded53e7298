"""Water readers (水质数据读取): registries and long-form monitoring results, CSV or xlsx.

Three registries and one results layout cover surface-water sections, drinking-water
sources and coastal sea points. The layouts, the item and unit vocabulary and the
checks are those of :mod:`indicators.validation.water` (the validation boundary
the water evaluations call too); the readers add file access (strict decoding of CSV,
xlsx sheets), dates in the forms laboratories write them, and values such as
``ND``, ``<0.01`` and ``0.01L``, and report errors by the row of the file.

Examples
--------
>>> item_code("总磷(以P计)"), item_code("ammonia nitrogen"), item_code("铬(六价)")
('TP', 'NH3-N', 'Cr6')
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from .. import validation
from ..errors import IndicatorInputError
from ..validation.water import (
    REGISTRY_COLUMNS,
    RESULT_COLUMNS,
    canonical_unit,
    item_code,
    lookup_item,
    normalise_drinking_sources,
    normalise_results,
    normalise_sea_points,
    normalise_sections,
    parse_measurement,
    rename_headers,
    unit_factor,
)

__all__ = [
    "REGISTRY_COLUMNS",
    "RESULT_COLUMNS",
    "canonical_unit",
    "item_code",
    "unit_factor",
    "normalise_drinking_sources",
    "normalise_results",
    "normalise_sea_points",
    "normalise_sections",
    "parse_measurement",
    "read_drinking_sources",
    "read_sea_points",
    "read_water_results",
    "read_water_sections",
]

# --------------------------------------------------------------------------- file access


def _read_raw(path: str | Path, sheet: str | int | None) -> pl.DataFrame:
    """Every cell of a CSV or xlsx file as a string, header kept, no row dropped."""
    p = Path(path)
    if p.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        if not p.is_file():
            raise IndicatorInputError("file not found", file=str(p), expected="an existing file")
        kwargs: dict[str, Any] = {"sheet_id": 1} if sheet is None else {}
        if isinstance(sheet, int):
            kwargs = {"sheet_id": sheet}
        elif isinstance(sheet, str):
            kwargs = {"sheet_name": sheet}
        try:
            df = pl.read_excel(p, infer_schema_length=0, drop_empty_rows=False, **kwargs)
        except Exception as exc:  # fastexcel raises its own error types
            raise IndicatorInputError(
                "cannot read the workbook",
                file=str(p),
                expected=f"an .xlsx workbook with sheet {sheet!r}",
                found=str(exc).splitlines()[0],
            ) from None
        return df.with_columns(pl.all().cast(pl.String))
    text = validation.read_text(p)  # strict decoding; empty, header-only and cut files raise
    return pl.read_csv(io.StringIO(text), infer_schema=False)


def read_water_sections(path: str | Path, *, sheet: str | int | None = None) -> pl.DataFrame:
    r"""Read a section registry from CSV (UTF-8 or GB18030) or an xlsx sheet.

    Parameters
    ----------
    path : path
        ``.csv`` or ``.xlsx`` file.
    sheet : str or int, optional
        Sheet name or 1-based sheet index of a workbook (default: the first sheet).

    Returns
    -------
    polars.DataFrame
        As :func:`normalise_sections`.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "s.csv")
    >>> _ = open(p, "w", encoding="utf-8").write("site,name,type,target_class\nS1,桥,river,II\n")
    >>> read_water_sections(p)["target_class"].to_list()
    ['II']
    """
    return normalise_sections(_read_raw(path, sheet), name=str(path))


def read_drinking_sources(path: str | Path, *, sheet: str | int | None = None) -> pl.DataFrame:
    r"""Read a drinking-water source registry (CSV or xlsx).

    See :func:`normalise_drinking_sources` for the layout and the checks.

    Parameters
    ----------
    path : path
        ``.csv`` (UTF-8 or GB18030) or ``.xlsx`` file.
    sheet : str or int, optional
        Sheet name or 1-based sheet index of a workbook (default: the first sheet).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> _ = open(p, "w", encoding="utf-8").write("site,name,type,volume\nD1,北井,groundwater,5\n")
    >>> read_drinking_sources(p)["volume"].to_list()
    [5.0]
    """
    return normalise_drinking_sources(_read_raw(path, sheet), name=str(path))


def read_sea_points(path: str | Path, *, sheet: str | int | None = None) -> pl.DataFrame:
    r"""Read a coastal sea point registry (CSV or xlsx).

    See :func:`normalise_sea_points` for the layout and the checks.

    Parameters
    ----------
    path : path
        ``.csv`` (UTF-8 or GB18030) or ``.xlsx`` file.
    sheet : str or int, optional
        Sheet name or 1-based sheet index of a workbook (default: the first sheet).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "p.csv")
    >>> _ = open(p, "w", encoding="utf-8").write("site,name,area\nP1,湾口,3.5\n")
    >>> read_sea_points(p)["area"].to_list()
    [3.5]
    """
    return normalise_sea_points(_read_raw(path, sheet), name=str(path))


# --------------------------------------------------------------------------- results


def _parse_dates(raw: pl.Series) -> pl.Series:
    """Dates as 2025-01-05, 2025/1/5, 2025.1.5, 2025年1月5日, 20250105 or an Excel serial."""
    head = pl.col("s").str.strip_chars().str.split(" ").list.first().str.split("T").list.first()
    formats = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
    serial = head.cast(pl.Int64, strict=False)
    excel = pl.when(serial.is_between(20000, 80000)).then(
        pl.date(1899, 12, 30) + pl.duration(days=serial)
    )
    parsed = [head.str.strptime(pl.Date, fmt, strict=False) for fmt in formats]
    frame = pl.DataFrame({"s": raw.cast(pl.String)})
    return frame.select(pl.coalesce([*parsed, excel.cast(pl.Date)])).to_series()


def read_water_results(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    registry: Any = None,
    detection_limits: Mapping[str, float] | None = None,
    assume_canonical_units: bool = False,
) -> pl.DataFrame:
    r"""Read long-form monitoring results (监测结果) from CSV or an xlsx sheet.

    Parameters
    ----------
    path : path
        ``.csv`` or ``.xlsx`` with one row per site, sampling date and item: site code,
        date, item (code or Chinese/English name), value (number or ``ND``, ``<DL``,
        ``DL`` + ``L``) and unit; optionally ``detection_limit`` and ``campaign``.
    sheet : str or int, optional
        Sheet name or 1-based index of a workbook.
    registry : frame, optional
        A registry (sections, sources or sea points): every result site must be in it.
    detection_limits : mapping, optional
        Item (code or name) -> detection limit in the item's canonical unit, for bare
        ``ND`` values without a ``detection_limit`` column entry.
    assume_canonical_units : bool
        A file without a unit column is refused unless this is true, in which case
        every value is taken to be in its item's canonical unit (:func:`canonical_unit`).

    Returns
    -------
    polars.DataFrame
        Columns :data:`RESULT_COLUMNS` (plus ``campaign`` when present), values in
        canonical units, in file order.

    Raises
    ------
    IndicatorInputError
        Unknown item, unit not fitting the item, unparseable or negative value, pH
        outside 0-14, bad date, ``ND`` without a detection limit, site not in the
        registry; the message names file, 1-based data row and column.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "r.csv")
    >>> _ = open(p, "w", encoding="utf-8").write(
    ...     "断面编码,采样日期,项目,监测值,单位\nS1,2025-01-05,汞,0.04L,µg/L\n"
    ...     "S1,2025/1/5,氨氮,0.52,mg/L\n")
    >>> read_water_results(p).select("item", "value", "below_dl", "detection_limit").rows()
    [('Hg', None, True, 4e-05), ('NH3-N', 0.52, False, None)]
    """
    file = str(path)
    df = rename_headers(_read_raw(path, sheet), file)
    wanted = ["site", "date", "item", "value"] + ([] if assume_canonical_units else ["unit"])
    for col in wanted:
        if col not in df.columns:
            raise IndicatorInputError(
                "required column missing",
                file=file,
                column=col,
                expected=f"columns {wanted} (English or Chinese headers)"
                + ("" if col != "unit" else "; or pass assume_canonical_units=True"),
                found=f"columns {df.columns}",
            )
    blank_row = pl.all_horizontal(
        [pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in df.columns]
    )
    keep = ~df.select(blank_row).to_series()

    dates = _parse_dates(df["date"])
    bad_date = dates.is_null() & keep
    if bad_date.any():
        row = int(bad_date.arg_true()[0]) + 1
        raise IndicatorInputError(
            "unreadable sampling date",
            file=file,
            row=row,
            column="date",
            expected="a date such as 2025-01-05, 2025/1/5 or 20250105",
            found=df["date"][row - 1],
        )
    parsed: list[tuple[float | None, bool, float | None]] = []
    for i, text in enumerate(df["value"].to_list()):
        try:
            parsed.append(parse_measurement(text))
        except IndicatorInputError as exc:
            raise IndicatorInputError(
                "value is not a number",
                file=file,
                row=i + 1,
                column="value",
                expected=exc.expected,
                found=text,
            ) from None
    value = pl.Series("value", [p[0] for p in parsed], dtype=pl.Float64)
    below = pl.Series("below_dl", [p[1] for p in parsed], dtype=pl.Boolean)
    dl_text = pl.Series("dl", [p[2] for p in parsed], dtype=pl.Float64)
    dl_col = (
        df["detection_limit"].str.strip_chars().cast(pl.Float64, strict=False)
        if "detection_limit" in df.columns
        else pl.Series([None] * df.height, dtype=pl.Float64)
    )
    detection_limit = dl_text.fill_null(dl_col)
    out = pl.DataFrame(
        {
            "site": df["site"].str.strip_chars(),
            "date": dates,
            "item": df["item"].str.strip_chars(),
            "value": value,
            "below_dl": below,
            "detection_limit": detection_limit,
        }
    )
    if "unit" in df.columns:
        out = out.with_columns(unit=df["unit"].str.strip_chars().fill_null(""))
    if "campaign" in df.columns:
        out = out.with_columns(campaign=df["campaign"].str.strip_chars())
    if detection_limits:
        dl_map = {item_code(k): float(v) for k, v in detection_limits.items()}
        codes = out["item"].map_elements(lookup_item, return_dtype=pl.String)
        filler = codes.replace_strict(dl_map, default=None, return_dtype=pl.Float64)
        # the mapping is in canonical units: mark those rows so no unit factor applies
        out = out.with_columns(
            _dl_canonical=pl.col("detection_limit").is_null() & pl.col("below_dl"),
            detection_limit=pl.col("detection_limit").fill_null(
                pl.when(pl.col("below_dl")).then(filler)
            ),
        )
    out = out.filter(keep)
    rows = pl.Series("_row", range(1, df.height + 1)).filter(keep)
    return normalise_results(out, registry=registry, name=file, rows=rows)
