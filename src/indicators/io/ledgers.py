r"""Readers for ledgers and monitoring files: black-odorous water bodies and noise.

Each reader takes a CSV or Excel (``.xlsx``) file, maps Chinese or English
headers to the package's column names, maps Chinese category values to the
package's codes, parses dates and numbers, validates with the domain module and
returns a polars DataFrame. Errors name the file, the 1-based data row and the
column.

Header aliases (full-width brackets, spaces and case are ignored): see
:data:`HEADER_ALIASES`. Dates may be written ``2016-03-01``, ``2016/3/1``,
``2016.03.01``, ``2016年3月1日`` or as Excel dates.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "history.csv"
>>> _ = p.write_text("编号,状态,日期\nW1,已认定,2016/3/1\nW1,整治中,2016年9月1日\n",
...                  encoding="utf-8")
>>> read_blackodorous_status(p).rows()
[('W1', 'identified', datetime.date(2016, 3, 1)),
 ('W1', 'under_remediation', datetime.date(2016, 9, 1))]
"""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from .. import validation
from ..errors import IndicatorInputError
from ..standards import table
from ..validation import blackodorous, noise

__all__ = [
    "HEADER_ALIASES",
    "read_blackodorous_ledger",
    "read_blackodorous_monitoring",
    "read_blackodorous_status",
    "read_blackodorous_surveys",
    "read_noise_functional",
    "read_noise_regional",
    "read_noise_traffic",
]

#: Accepted header spellings (after normalisation) for each column.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "water_body_id": ("water_body_id", "id", "编号", "水体编号"),
    "city": ("city", "城市", "所在城市", "地市"),
    "district": ("district", "区县", "所在区县", "区(县)"),
    "name": ("name", "名称", "水体名称"),
    "type": ("type", "类型", "水体类型"),
    "length_km": ("length_km", "长度", "长度(km)", "长度(公里)"),
    "area_km2": ("area_km2", "面积", "面积(km²)", "面积(km2)", "面积(平方公里)"),
    "grade_identified": ("grade_identified", "黑臭级别", "黑臭程度", "认定时黑臭级别"),
    "identified_date": ("identified_date", "认定日期", "列入清单日期"),
    "responsible_unit": ("responsible_unit", "责任单位"),
    "plan_date": ("plan_date", "计划完成日期", "计划完成整治日期", "整治完成时限"),
    "status": ("status", "状态", "整治状态"),
    "date": ("date", "日期", "状态日期", "采样日期", "监测日期", "调查日期"),
    "point": ("point", "点位", "测点", "点位编号", "网格", "网格编号"),
    "position_km": ("position_km", "位置(km)", "里程(km)", "点位位置(km)", "里程"),
    "depth": ("depth", "水深", "水深(cm)"),
    "transparency": ("transparency", "透明度", "透明度(cm)"),
    "DO": ("do", "溶解氧", "溶解氧(mg/l)"),
    "ORP": ("orp", "氧化还原电位", "氧化还原电位(mv)"),
    "NH3-N": ("nh3-n", "nh3n", "氨氮", "氨氮(mg/l)"),
    "respondents": ("respondents", "调查人数", "受访人数", "有效问卷数"),
    "n_satisfied": ("n_satisfied", "满意人数"),
    "satisfied_share": ("satisfied_share", "满意率", "满意率(%)", "满意度(%)"),
    "functional_class": ("functional_class", "功能区类别", "功能区", "声环境功能区类别"),
    "year": ("year", "年份", "年度"),
    "quarter": ("quarter", "季度"),
    "leq_day": ("leq_day", "昼间", "昼间leq", "昼间等效声级", "昼间leq(db(a))", "ld"),
    "leq_night": ("leq_night", "夜间", "夜间leq", "夜间等效声级", "夜间leq(db(a))", "ln"),
    "section": ("section", "路段", "路段名称", "路段编号"),
}

_TYPE_VALUES = {
    "河流": "river",
    "河道": "river",
    "河": "river",
    "沟渠": "river",
    "湖塘": "lake_pond",
    "湖泊": "lake_pond",
    "湖": "lake_pond",
    "塘": "lake_pond",
    "坑塘": "lake_pond",
    "lake": "lake_pond",
    "pond": "lake_pond",
}
_GRADE_VALUES = {"轻度": "light", "轻度黑臭": "light", "重度": "severe", "重度黑臭": "severe"}
_STATUS_EXTRA = {
    "已认定": "identified",
    "认定": "identified",
    "列入清单": "identified",
    "治理中": "under_remediation",
    "整治中": "under_remediation",
    "完成治理": "remediation_completed",
    "完成整治": "remediation_completed",
    "已消除": "eliminated",
    "消除": "eliminated",
    "返黑": "returned",
    "返臭": "returned",
}
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y年%m月%d日",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
)


def _norm(header: str) -> str:
    h = str(header).strip().replace("（", "(").replace("）", ")").replace(" ", "")
    return h.lower()


def _read(path: str | Path, sheet: str | int | None) -> tuple[pl.DataFrame, str]:
    p = Path(path)
    name = str(path)
    if not p.is_file():
        raise IndicatorInputError("file not found", file=name, expected="an existing file")
    suffix = p.suffix.lower()
    if suffix == ".csv":
        # strict decoding (UTF-8, UTF-8 with BOM or GB18030, never lossy); empty,
        # header-only and cut files raise
        text = validation.read_text(p)
        df = pl.read_csv(io.StringIO(text), infer_schema=False)
    elif suffix in (".xlsx", ".xlsm"):
        kw: dict = {"sheet_name": sheet} if isinstance(sheet, str) else {"sheet_id": sheet or 1}
        df = pl.read_excel(p, infer_schema_length=0, **kw)
    else:
        raise IndicatorInputError(
            "unsupported file type", file=name, expected=".csv or .xlsx", found=p.suffix
        )
    lookup = {_norm(a): col for col, aliases in HEADER_ALIASES.items() for a in aliases}
    rename: dict[str, str] = {}
    for c in df.columns:
        target = lookup.get(_norm(c))
        if target is not None:
            if target in rename.values():
                raise IndicatorInputError(
                    "two columns for one field",
                    file=name,
                    column=c,
                    expected=f"one column for {target!r}",
                    found=c,
                )
            rename[c] = target
    df = df.rename(rename)
    return df.with_columns(pl.col(pl.String).str.strip_chars().replace("", None)), name


def _dates(df: pl.DataFrame, columns: tuple[str, ...], name: str) -> pl.DataFrame:
    for c in columns:
        if c not in df.columns:
            continue
        parsed = pl.coalesce(
            [
                pl.col(c).str.strptime(pl.Date, f, strict=False)
                if "%H" not in f
                else pl.col(c).str.strptime(pl.Datetime, f, strict=False).dt.date()
                for f in _DATE_FORMATS
            ]
        )
        bad = df.with_row_index("__i").filter(pl.col(c).is_not_null() & parsed.is_null())
        if bad.height:
            raise IndicatorInputError(
                "not a date",
                file=name,
                row=int(bad["__i"][0]) + 1,
                column=c,
                expected="a date such as 2016-03-01",
                found=bad[c][0],
            )
        df = df.with_columns(parsed.alias(c))
    return df


def _values(df: pl.DataFrame, column: str, mapping: dict[str, str]) -> pl.DataFrame:
    if column not in df.columns:
        return df
    return df.with_columns(pl.col(column).replace(mapping))


def _ints(df: pl.DataFrame, columns: tuple[str, ...], name: str) -> pl.DataFrame:
    for c in columns:
        if c not in df.columns:
            continue
        cast = pl.col(c).cast(pl.Float64, strict=False)
        bad = df.with_row_index("__i").filter(
            pl.col(c).is_not_null() & (cast.is_null() | (cast % 1 != 0))
        )
        if bad.height:
            raise IndicatorInputError(
                "not a whole number",
                file=name,
                row=int(bad["__i"][0]) + 1,
                column=c,
                expected="a whole number",
                found=bad[c][0],
            )
        df = df.with_columns(cast.cast(pl.Int64).alias(c))
    return df


def read_blackodorous_ledger(path: str | Path, *, sheet: str | int | None = None) -> pl.DataFrame:
    r"""Read a black-odorous water-body ledger (黑臭水体清单) from CSV or xlsx.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (UTF-8) or ``.xlsx`` file, one row per water body.
    sheet : str or int, optional
        Sheet name or 1-based index (xlsx only; default the first sheet).

    Returns
    -------
    polars.DataFrame
        The ledger as :func:`indicators.validation.blackodorous.validate_ledger` returns it.
        Type values 河流/河道 -> ``river``, 湖塘/湖泊/坑塘 -> ``lake_pond``; grades
        轻度/重度 -> ``light``/``severe``.

    Raises
    ------
    IndicatorInputError
        File missing or of another type, or any ledger error (file, row, column).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "ledger.csv"
    >>> _ = p.write_text("编号,城市,水体名称,类型,长度（km）,认定日期\n"
    ...                  "001,清河市,东沟,河道,2.4,2016-03-01\n", encoding="utf-8")
    >>> read_blackodorous_ledger(p).select("water_body_id", "type", "length_km").row(0)
    ('001', 'river', 2.4)
    """
    df, name = _read(path, sheet)
    df = _values(df, "type", _TYPE_VALUES)
    df = _values(df, "grade_identified", _GRADE_VALUES)
    df = _dates(df, ("identified_date", "plan_date"), name)
    return blackodorous.validate_ledger(df, name=name)


def read_blackodorous_status(path: str | Path, *, sheet: str | int | None = None) -> pl.DataFrame:
    """Read a status history (``water_body_id``, ``status``, ``date``) from CSV or xlsx.

    Parameters
    ----------
    path : str or Path
        ``.csv`` or ``.xlsx`` file, one row per status change.
    sheet : str or int, optional
        Sheet (xlsx only).

    Returns
    -------
    polars.DataFrame
        ``water_body_id``, ``status`` (codes of table ``blackodorous_statuses``;
        the Chinese terms of that table and 已认定, 整治中, 完成整治, 已消除, 返黑返臭
        are accepted) and ``date``, in file order, after
        :func:`indicators.validation.blackodorous.validate_status_history` (without a ledger;
        the ledger checks run when both are used together).

    Raises
    ------
    IndicatorInputError
        Unknown status, bad date, or a transition that is not allowed.

    Examples
    --------
    See the module example.
    """
    df, name = _read(path, sheet)
    zh = dict(table("blackodorous_statuses").select("status_zh", "status").iter_rows())
    df = _values(df, "status", {**zh, **_STATUS_EXTRA})
    df = _dates(df, ("date",), name)
    blackodorous.validate_status_history(df, name=name)
    return df.select("water_body_id", "status", "date")


def read_blackodorous_monitoring(
    path: str | Path, *, sheet: str | int | None = None
) -> pl.DataFrame:
    r"""Read black-odorous monitoring (one row per point and sampling) from CSV or xlsx.

    Parameters
    ----------
    path : str or Path
        File with ``water_body_id``, ``point``, ``position_km``,
        ``transparency`` [cm], ``DO`` [mg/L], ``ORP`` [mV], ``NH3-N`` [mg/L] and
        optional ``depth`` [cm] and ``date``.
    sheet : str or int, optional
        Sheet (xlsx only).

    Returns
    -------
    polars.DataFrame
        As :func:`indicators.validation.blackodorous.validate_monitoring` returns it.

    Raises
    ------
    IndicatorInputError
        A point with no position, negative or non-numeric values, bad dates.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.csv"
    >>> _ = p.write_text("编号,点位,里程,透明度,溶解氧,氧化还原电位,氨氮\n"
    ...                  "W1,P1,0.0,9.5,1.2,-210,16.2\n", encoding="utf-8")
    >>> read_blackodorous_monitoring(p).select("transparency", "NH3-N").row(0)
    (9.5, 16.2)
    """
    df, name = _read(path, sheet)
    df = _dates(df, ("date",), name)
    return blackodorous.validate_monitoring(df, name=name)


def read_blackodorous_surveys(path: str | Path, *, sheet: str | int | None = None) -> pl.DataFrame:
    r"""Read public-survey results (``water_body_id``, ``respondents``, share) from CSV or xlsx.

    Parameters
    ----------
    path : str or Path
        File with ``water_body_id``, ``respondents`` and ``satisfied_share``
        [percent; a trailing ``%`` is accepted] or ``n_satisfied``; optional ``date``.
    sheet : str or int, optional
        Sheet (xlsx only).

    Returns
    -------
    polars.DataFrame
        As :func:`indicators.validation.blackodorous.validate_surveys` returns it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = p.write_text("编号,调查人数,满意率\nW1,150,93.3%\n", encoding="utf-8")
    >>> read_blackodorous_surveys(p).select("respondents", "satisfied_share").row(0)
    (150, 93.3)
    """
    df, name = _read(path, sheet)
    if "satisfied_share" in df.columns:
        df = df.with_columns(pl.col("satisfied_share").str.strip_suffix("%"))
    df = _dates(df, ("date",), name)
    return blackodorous.validate_surveys(df, name=name)


def _noise_common(df: pl.DataFrame, name: str) -> pl.DataFrame:
    df = _dates(df, ("date",), name)
    return _ints(df, ("year", "quarter"), name)


def read_noise_functional(path: str | Path, *, sheet: str | int | None = None) -> pl.DataFrame:
    r"""Read functional-area noise monitoring (one row per point-time) from CSV or xlsx.

    Parameters
    ----------
    path : str or Path
        File with ``point``, ``functional_class`` (``1`` or ``1类``, ``4a`` ...),
        ``leq_day`` and/or ``leq_night`` [dB(A)]; optional ``city``, ``year``,
        ``quarter``, ``date``.
    sheet : str or int, optional
        Sheet (xlsx only).

    Returns
    -------
    polars.DataFrame
        As :func:`indicators.validation.noise.validate_functional_monitoring` returns it;
        ``year`` and ``quarter`` as Int64.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "f.csv"
    >>> _ = p.write_text("测点,功能区类别,年份,季度,昼间,夜间\nN1,4a类,2025,1,66.2,56.0\n",
    ...                  encoding="utf-8")
    >>> read_noise_functional(p).select("functional_class", "quarter", "leq_night").row(0)
    ('4a', 1, 56.0)
    """
    df, name = _read(path, sheet)
    if "functional_class" in df.columns:
        df = df.with_columns(pl.col("functional_class").str.strip_suffix("类"))
    return noise.validate_functional_monitoring(_noise_common(df, name), name=name)


def read_noise_regional(path: str | Path, *, sheet: str | int | None = None) -> pl.DataFrame:
    r"""Read regional-noise grid data (one row per grid point) from CSV or xlsx.

    Parameters
    ----------
    path : str or Path
        File with ``point``, ``leq_day`` and/or ``leq_night`` [dB(A)]; optional
        ``city``, ``year``, ``date``.
    sheet : str or int, optional
        Sheet (xlsx only).

    Returns
    -------
    polars.DataFrame
        As :func:`indicators.validation.noise.validate_regional` returns it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "g.csv"
    >>> _ = p.write_text("网格编号,昼间\nG001,54.3\n", encoding="utf-8")
    >>> read_noise_regional(p)["leq_day"].item()
    54.3
    """
    df, name = _read(path, sheet)
    return noise.validate_regional(_noise_common(df, name), name=name)


def read_noise_traffic(path: str | Path, *, sheet: str | int | None = None) -> pl.DataFrame:
    r"""Read road-traffic noise data (one row per road section) from CSV or xlsx.

    Parameters
    ----------
    path : str or Path
        File with ``section``, ``length_km`` [km], ``leq_day`` and/or
        ``leq_night`` [dB(A)]; optional ``city``, ``year``, ``date``.
    sheet : str or int, optional
        Sheet (xlsx only).

    Returns
    -------
    polars.DataFrame
        As :func:`indicators.validation.noise.validate_traffic` returns it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("路段名称,长度（km）,昼间\n人民路,2.1,68.4\n", encoding="utf-8")
    >>> read_noise_traffic(p).select("section", "length_km").row(0)
    ('人民路', 2.1)
    """
    df, name = _read(path, sheet)
    return noise.validate_traffic(_noise_common(df, name), name=name)
