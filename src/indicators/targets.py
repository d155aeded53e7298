"""Target tracking (目标考核): the year to date against the target, and what the rest must achieve.

Targets live in a plain TOML file, one ``[[target]]`` table per city and year,
validated on load by :func:`read_targets`. The year-to-date figures come from
the daily frame of :func:`indicators.air.daily_aqi` (one row per city and day)
or a period summary of :func:`indicators.air.evaluate_period`.

Targets file schema (version 1)
-------------------------------
.. code-block:: toml

    schema = 1                      # required, the schema version

    [[target]]
    city = "清河市"                 # required, non-empty text
    year = 2025                     # required, integer calendar year
    good_day_ratio = 80.0           # 优良天数比例 [percent], at least; 0..100
    "PM2.5" = 38.0                  # PM2.5 annual mean [ug/m3], at most; >= 0
    O3_MDA8_P90 = 165.0             # O3 MDA8 90th percentile [ug/m3], at most; >= 0
    composite_index = 4.5           # 环境空气质量综合指数 [1], at most; >= 0
    share_I_III = 80.0              # 地表水 I～III 类断面比例 [percent], at least; 0..100
    n_worse_V = 0                   # 劣V类断面数 [sections], at most; integer >= 0
    drinking_compliance = 100.0     # 集中式饮用水水源地达标率 [percent], at least; 0..100
    blackodorous_elimination = 90.0 # 黑臭水体消除比例 [percent], at least; 0..100
    note = "free text"              # optional

Every target table needs ``city``, ``year`` and at least one indicator; an
indicator left out has no target (null). Keys are the package's column names
(:data:`TARGET_INDICATORS`, the glossary); each key says which column of a
domain summary it is compared with (``drinking_compliance`` with
``compliance_count`` of ``drinking.compliance_rate``,
``blackodorous_elimination`` with ``elimination_ratio``, the others with the
column of the same name). Unknown keys, wrong types, values out
of range and a (city, year) given twice are errors
(:class:`~indicators.errors.IndicatorInputError` naming the file, the 1-based
``[[target]]`` number as ``row``, the key as ``column``, what was expected and
what was found). The demo targets file (:func:`demo_targets_path`) has targets
for the three demo cities for 2025 and 2026. Targets are local policy figures,
not regulatory numbers of a standard.

Targets in a data folder
------------------------
``indicators ingest targets.toml --out FOLDER`` writes the targets as the
folder's ``targets`` table (:data:`indicators.contract.TABLES`: the columns
:func:`read_targets` returns, key ``(city, year)``); ``indicators check``
validates it with :func:`check_targets` (the checks of :func:`read_targets`:
types, ranges, a (city, year) given twice) and the report uses it when no
targets file is given. :func:`read_targets` reads that table too.

Examples
--------
>>> t = read_targets(demo_targets_path())
>>> t.filter(city="清河市", year=2025)["good_day_ratio"].item()
75.0
"""

from __future__ import annotations

import math
import tomllib
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import polars as pl

from . import standards
from ._frames import Frame, require_columns, require_dtype, to_lazy
from .errors import IndicatorInputError, IndicatorWarning
from .glossary import INDICATORS

__all__ = [
    "SCHEMA_VERSION",
    "TARGET_INDICATORS",
    "TargetIndicator",
    "check_targets",
    "demo_targets_path",
    "good_days_needed",
    "pm25_remaining_mean",
    "project_year_end",
    "read_targets",
    "target_progress",
]

#: Version of the targets file schema this module reads.
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class TargetIndicator:
    """An indicator a target can be set for, and the summary column it is compared with.

    Labels, unit and direction come from its :data:`indicators.glossary.INDICATORS` record.
    """

    key: str
    kind: Literal["percent", "count", "value"]
    column: str  # column of the domain summary that holds the figure

    @property
    def unit(self) -> str:
        """Glossary unit of the figure (``percent``, ``ug/m3``, ``count``, ``1``)."""
        return INDICATORS[self.key].unit

    @property
    def direction(self) -> Literal["at_most", "at_least"]:
        """``at_most`` when a lower value is better, else ``at_least``."""
        return "at_most" if INDICATORS[self.key].lower_is_better else "at_least"

    @property
    def zh(self) -> str:
        """Chinese label."""
        return INDICATORS[self.key].zh

    @property
    def en(self) -> str:
        """English label."""
        return INDICATORS[self.key].en


def _target(key: str, kind: Literal["percent", "count", "value"], column: str = ""):
    return key, TargetIndicator(key, kind, column or key)


#: Indicators a targets file may set, by key. ``column`` names the figure in the
#: domain summaries: ``air.evaluate_period`` (air), ``water.summary`` (share_I_III,
#: n_worse_V), ``drinking.compliance_rate`` (compliance_count) and
#: ``blackodorous.elimination_ratio`` (elimination_ratio).
TARGET_INDICATORS: dict[str, TargetIndicator] = dict(
    (
        _target("good_day_ratio", "percent"),
        _target("PM2.5", "value"),
        _target("O3_MDA8_P90", "value"),
        _target("composite_index", "value"),
        _target("share_I_III", "percent"),
        _target("n_worse_V", "count"),
        _target("drinking_compliance", "percent", "compliance_count"),
        _target("blackodorous_elimination", "percent", "elimination_ratio"),
    )
)

_META_KEYS = ("city", "year", "note")


def demo_targets_path() -> Path:
    """Return the path of the demo targets file (package data ``data/demo_targets.toml``).

    Invented targets for the fictional demo cities; no standard clause (targets
    are policy figures, the indicators are those of HJ 663 and GB 3838).

    Examples
    --------
    >>> demo_targets_path().name
    'demo_targets.toml'
    """
    return Path(str(resources.files("indicators").joinpath("data", "demo_targets.toml")))


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _check_entry(entry: Any, i: int, file: str, *, other_keys: bool = False) -> dict[str, Any]:
    """One target (a ``[[target]]`` table or a table row) checked; ``None`` means no target.

    ``other_keys`` allows keys that are not targets (extra columns of a table).
    """
    if not isinstance(entry, dict):
        raise IndicatorInputError(
            "a target must be a table",
            file=file,
            row=i,
            expected="[[target]] table",
            found=type(entry).__name__,
        )
    unknown = [] if other_keys else [k for k in entry if k not in (*TARGET_INDICATORS, *_META_KEYS)]
    if unknown:
        raise IndicatorInputError(
            "unknown key in target",
            file=file,
            row=i,
            column=unknown[0],
            expected=f"one of {[*_META_KEYS, *TARGET_INDICATORS]}",
            found=unknown[0],
        )
    row: dict[str, Any] = _entry_meta(entry, i, file)
    for key, meta in TARGET_INDICATORS.items():
        v = entry.get(key)
        if v is not None:
            _check_value(v, key, meta, i, file)
        row[key] = v
    if all(row[key] is None for key in TARGET_INDICATORS):
        raise IndicatorInputError(
            "target sets no indicator",
            file=file,
            row=i,
            expected=f"at least one of {list(TARGET_INDICATORS)}",
            found=sorted(k for k, v in entry.items() if v is not None),
        )
    return row


def _entry_meta(entry: dict[str, Any], i: int, file: str) -> dict[str, Any]:
    """The city (non-empty text), year (an integer) and note (text or None) of a target."""
    city = entry.get("city")
    if not isinstance(city, str) or not city.strip():
        raise IndicatorInputError(
            "target without a city",
            file=file,
            row=i,
            column="city",
            expected="non-empty text",
            found=city,
        )
    year = entry.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise IndicatorInputError(
            "target year must be an integer",
            file=file,
            row=i,
            column="year",
            expected="an integer year, e.g. 2025",
            found=year,
        )
    note = entry.get("note")
    if note is not None and not isinstance(note, str):
        raise IndicatorInputError(
            "note must be text", file=file, row=i, column="note", expected="text", found=note
        )
    return {"city": city, "year": year, "note": note}


def _check_value(v: Any, key: str, meta: TargetIndicator, i: int, file: str) -> None:
    """A target value of the indicator's kind: a count, a percentage or a value >= 0."""
    if meta.kind == "count":
        ok = isinstance(v, int) and not isinstance(v, bool) and v >= 0
        expected = "an integer >= 0"
    elif meta.kind == "percent":
        ok = _is_number(v) and 0 <= v <= 100
        expected = "a number in 0..100 [percent]"
    else:
        ok = _is_number(v) and v >= 0
        expected = f"a number >= 0 [{meta.unit}]"
    if not ok:
        raise IndicatorInputError(
            "target value out of range or of the wrong type",
            file=file,
            row=i,
            column=key,
            expected=expected,
            found=v,
        )


def _check_rows(entries: Iterable[Any], file: str, *, other_keys: bool = False) -> list[dict]:
    """Every target checked (:func:`_check_entry`), then one per (city, year); the rows."""
    rows = []
    seen: dict[tuple[str, int], int] = {}
    for i, entry in enumerate(entries, start=1):
        row = _check_entry(entry, i, file, other_keys=other_keys)
        key = (row["city"], row["year"])
        if key in seen:
            raise IndicatorInputError(
                f"target for this city and year already given in target {seen[key]}",
                file=file,
                row=i,
                column="city",
                expected="one target per city and year",
                found=f"{key[0]} {key[1]}",
            )
        seen[key] = i
        rows.append(row)
    return rows


def _schema() -> dict[str, Any]:
    """Columns and types of the targets frame (:func:`read_targets`)."""
    schema: dict[str, Any] = {"city": pl.String, "year": pl.Int64}
    for key, meta in TARGET_INDICATORS.items():
        schema[key] = pl.Int64 if meta.kind == "count" else pl.Float64
    schema["note"] = pl.String
    return schema


def _frame(rows: list[dict]) -> pl.DataFrame:
    schema = _schema()
    return pl.DataFrame([{k: r[k] for k in schema} for r in rows], schema=schema, orient="row")


def check_targets(targets: pl.DataFrame, *, file: str) -> None:
    """Check a targets table (a data folder's ``targets`` table) as :func:`read_targets` does.

    Each row is one target: ``city`` non-empty text, ``year`` an integer, at
    least one indicator of :data:`TARGET_INDICATORS` set (null = no target),
    each in its range (percent 0..100, counts integers >= 0, values >= 0),
    ``note`` text; a (city, year) at most once. Columns that are not targets
    are allowed (the data-folder contract keeps them).

    Parameters
    ----------
    targets : polars.DataFrame
        The table (``city``, ``year``, indicator columns, ``note``).
    file : str
        The file named in messages.

    Raises
    ------
    IndicatorInputError
        Naming ``file``, the 1-based row, the column, what was expected and
        what was found.

    Examples
    --------
    >>> t = pl.DataFrame({"city": ["甲市"], "year": [2025], "share_I_III": [120.0]})
    >>> try:
    ...     check_targets(t, file="targets.parquet")
    ... except IndicatorInputError as err:
    ...     print(err.row, err.column, err.found)
    1 share_I_III 120.0
    """
    _check_rows(targets.iter_rows(named=True), file, other_keys=True)


def read_targets(path: str | Path) -> pl.DataFrame:
    r"""Read and validate a targets file (目标文件, TOML; schema in the module docstring).

    Parameters
    ----------
    path : str or Path
        The TOML file, or a data folder's ``targets`` table (a Parquet file,
        recognised by its content; checked by :func:`check_targets`).

    Returns
    -------
    DataFrame
        One row per ``[[target]]`` in file order (per table row for a Parquet
        file): ``city``, ``year`` (Int64), one column per
        :data:`TARGET_INDICATORS` entry (Float64; Int64 for ``n_worse_V``;
        null = no target), ``note``.

    Raises
    ------
    IndicatorInputError
        File missing or not TOML, wrong schema version, unknown key, wrong
        type or range, duplicate (city, year); the message names the file,
        the 1-based target number (``row``; the table row of a Parquet file)
        and the key (``column``).

    Notes
    -----
    Targets are local policy figures (考核目标), not numbers of a standard; the
    indicators they apply to are defined by HJ 633/HJ 663 (air), GB 3838 and
    the 2011 surface-water method (water), and the black-odorous guideline.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.toml"
    >>> _ = p.write_text('schema = 1\n[[target]]\ncity = "甲市"\nyear = 2025\n'
    ...                  '"PM2.5" = 35.0\n', encoding="utf-8")
    >>> read_targets(p).select("city", "year", "PM2.5", "good_day_ratio").row(0)
    ('甲市', 2025, 35.0, None)
    >>> _ = p.write_text('schema = 1\n[[target]]\ncity = "甲市"\nyear = 2025\n'
    ...                  'good_day_ratio = 101\n', encoding="utf-8")
    >>> try:
    ...     read_targets(p)
    ... except IndicatorInputError as err:
    ...     print(err.row, err.column, err.found)
    1 good_day_ratio 101
    """
    file = str(path)
    p = Path(path)
    if not p.is_file():
        raise IndicatorInputError("targets file not found", file=file, expected="a TOML file")
    with p.open("rb") as f:
        if f.read(4) == b"PAR1":
            return _read_table(p)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise IndicatorInputError(
            "targets file is not valid TOML", file=file, expected="TOML (UTF-8)", found=str(exc)
        ) from None
    for key in data:
        if key not in ("schema", "target"):
            raise IndicatorInputError(
                "unknown top-level key",
                file=file,
                column=key,
                expected="'schema' and [[target]] tables",
                found=key,
            )
    if data.get("schema") != SCHEMA_VERSION:
        raise IndicatorInputError(
            "unsupported targets schema",
            file=file,
            column="schema",
            expected=f"schema = {SCHEMA_VERSION}",
            found=data.get("schema"),
        )
    entries = data.get("target", [])
    if not isinstance(entries, list) or not entries:
        raise IndicatorInputError(
            "no targets in file",
            file=file,
            column="target",
            expected="one or more [[target]] tables",
            found=entries or None,
        )
    return _frame(_check_rows(entries, file))


def _read_table(path: Path) -> pl.DataFrame:
    """A targets table (Parquet) checked and with the columns of :func:`read_targets`."""
    try:
        table = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise IndicatorInputError(
            "not a readable Parquet file", file=str(path), found=str(exc).splitlines()[0]
        ) from None
    check_targets(table, file=str(path))
    return table.select(
        pl.col(c).cast(t) if c in table.columns else pl.lit(None, dtype=t).alias(c)
        for c, t in _schema().items()
    )


def _targets_frame(targets: Frame | str | Path | Any) -> pl.DataFrame:
    if isinstance(targets, str | Path):
        return read_targets(targets)
    lf, _ = to_lazy(targets, name="targets")
    return lf.collect()


def target_progress(
    summary: Frame | Any,
    targets: Frame | str | Path | Any,
    *,
    year: int,
    indicators: Sequence[str] | None = None,
    entity: str = "city",
) -> Frame:
    """Compare period figures with their targets (目标完成情况), one row per city and indicator.

    Parameters
    ----------
    summary : DataFrame or LazyFrame
        One row per city with indicator columns (e.g. ``air.evaluate_period``
        for 1 January .. the last day with data: the year to date).
    targets : DataFrame or path
        :func:`read_targets` output, or the path of a targets file.
    year : int
        Target year.
    indicators : list of str, optional
        Target keys to compare; default every target indicator whose summary
        column (:attr:`TargetIndicator.column`) is in ``summary``.
    entity : str, default "city"
        The column that names the city in ``summary``.

    Returns
    -------
    DataFrame or LazyFrame
        ``city``, ``year``, ``indicator``, ``zh``, ``unit``, ``direction``
        (``at_most``/``at_least``), ``value``, ``target``, ``gap`` (value −
        target, in the indicator's unit: positive means above the target),
        ``meets`` (bool; null when the value or the target is null). Cities in
        ``summary`` without a target row get null targets.

    Notes
    -----
    ``meets`` is ``value <= target`` for at-most targets and ``value >= target``
    for at-least targets (closed at the target), on the values as given (the
    summary's published rounding, HJ 663 / GB/T 8170 in
    ``air.evaluate_period``). A year-to-date figure meeting the target does
    not mean the year will: see :func:`good_days_needed`,
    :func:`pm25_remaining_mean` and :func:`project_year_end`.

    Examples
    --------
    >>> s = pl.DataFrame({"city": ["清河市"], "good_day_ratio": [74.2], "PM2.5": [38.0]})
    >>> tp = target_progress(s, demo_targets_path(), year=2025)
    >>> tp.select("indicator", "value", "target", "meets").rows()
    [('good_day_ratio', 74.2, 75.0, False), ('PM2.5', 38.0, 40.0, True)]
    """
    lf, was_lazy = to_lazy(summary, name="summary")
    df = lf.collect()
    require_columns(df.schema, [entity], name="summary")
    t = _targets_frame(targets).filter(pl.col("year") == year)
    names = (
        list(indicators)
        if indicators is not None
        else [k for k, m in TARGET_INDICATORS.items() if m.column in df.columns]
    )
    for name in names:
        if name not in TARGET_INDICATORS:
            raise IndicatorInputError(
                "not a target indicator",
                column=name,
                expected=f"one of {list(TARGET_INDICATORS)}",
                found=name,
            )
    require_columns(df.schema, [TARGET_INDICATORS[n].column for n in names], name="summary")
    parts = []
    for name in names:
        meta = TARGET_INDICATORS[name]
        part = (
            df.select(
                pl.col(entity).alias("city"), pl.col(meta.column).cast(pl.Float64).alias("value")
            )
            .join(
                t.select("city", pl.col(name).cast(pl.Float64).alias("target")),
                on="city",
                how="left",
            )
            .with_columns(
                pl.lit(year, dtype=pl.Int64).alias("year"),
                pl.lit(name).alias("indicator"),
                pl.lit(meta.zh).alias("zh"),
                pl.lit(meta.unit).alias("unit"),
                pl.lit(meta.direction).alias("direction"),
                (pl.col("value") - pl.col("target")).alias("gap"),
                (
                    pl.col("value") <= pl.col("target")
                    if meta.direction == "at_most"
                    else pl.col("value") >= pl.col("target")
                ).alias("meets"),
            )
        )
        parts.append(part)
    cols = [
        "city",
        "year",
        "indicator",
        "zh",
        "unit",
        "direction",
        "value",
        "target",
        "gap",
        "meets",
    ]
    if not parts:
        empty = pl.DataFrame(
            schema={
                "city": pl.String,
                "year": pl.Int64,
                "indicator": pl.String,
                "zh": pl.String,
                "unit": pl.String,
                "direction": pl.String,
                "value": pl.Float64,
                "target": pl.Float64,
                "gap": pl.Float64,
                "meets": pl.Boolean,
            }
        )
        return empty.lazy() if was_lazy else empty
    order = {n: i for i, n in enumerate(names)}
    out = (
        pl.concat([p.select(cols) for p in parts])
        .with_columns(pl.col("indicator").replace_strict(order, return_dtype=pl.Int64).alias("_o"))
        .sort("city", "_o")
        .drop("_o")
    )
    return out.lazy() if was_lazy else out


# --------------------------------------------------------------------------- year to date


def _good_levels() -> list[int]:
    """AQI levels of 优 and 良 (good days, HJ 633 table ``air_aqi_categories``)."""
    cats = standards.table("air_aqi_categories").filter(pl.col("category_zh").is_in(["优", "良"]))
    levels = sorted(set(cats["level"].to_list()))
    per_edition = cats.group_by("standard").agg(pl.col("level").sort())["level"].to_list()
    if any(sorted(lv) != levels for lv in per_edition):
        raise IndicatorInputError(  # pragma: no cover - guards a future table edit
            "HJ 633 editions disagree on the good-day levels",
            file="air_aqi_categories",
            column="level",
            expected="the same levels",
            found=per_edition,
        )
    return levels


def _daily(daily: Frame | Any, columns: list[str], entity: str) -> tuple[pl.DataFrame, bool]:
    lf, was_lazy = to_lazy(daily, name="daily")
    schema = lf.collect_schema()
    require_columns(schema, ["date", entity, *columns], name="daily")
    require_dtype(
        schema, "date", pl.Date, name="daily", message="date must be a pl.Date", expected="pl.Date"
    )
    extra = ["edition"] if "edition" in schema else []
    return lf.select("date", entity, *columns, *extra).collect(), was_lazy


def _as_of(df: pl.DataFrame, year: int, as_of: date | None) -> date:
    if as_of is None:
        in_year = df.filter(pl.col("date").dt.year() == year)
        if in_year.height == 0:
            raise IndicatorInputError(
                "no daily rows in the target year",
                file="daily",
                column="date",
                expected=f"dates in {year}",
                found=None,
            )
        return in_year["date"].max()  # type: ignore[return-value]
    if as_of.year != year:
        raise IndicatorInputError(
            "as_of outside the target year",
            column="as_of",
            expected=f"a date in {year}",
            found=as_of,
        )
    return as_of


def _ytd(df: pl.DataFrame, year: int, as_of: date) -> pl.DataFrame:
    return df.filter((pl.col("date") >= date(year, 1, 1)) & (pl.col("date") <= as_of))


def _target_of(t: pl.DataFrame, city: str, name: str) -> float | None:
    row = t.filter(city=city)
    if row.height == 0:
        return None
    v = row[name].item()
    return None if v is None else float(v)


def _remaining(as_of: date, remaining_valid_days: int | None) -> tuple[int, int]:
    days_left = (date(as_of.year, 12, 31) - as_of).days
    r = days_left if remaining_valid_days is None else remaining_valid_days
    if not 0 <= r <= days_left:
        raise IndicatorInputError(
            "remaining valid days out of range",
            column="remaining_valid_days",
            expected=f"0..{days_left}",
            found=remaining_valid_days,
        )
    return days_left, r


def good_days_needed(
    daily: Frame | Any,
    targets: Frame | str | Path | Any,
    *,
    year: int,
    as_of: date | None = None,
    remaining_valid_days: int | None = None,
    entity: str = "city",
) -> Frame:
    """Good days still needed to reach the good-day ratio target (还需优良天数).

    Parameters
    ----------
    daily : DataFrame or LazyFrame
        Daily city values (``air.daily_aqi``): ``date`` (pl.Date), ``entity``,
        ``aqi`` (null = invalid day), ``level`` (AQI level 1..6).
    targets : DataFrame or path
        Targets (``good_day_ratio`` [percent]).
    year : int
        Target year.
    as_of : date, optional
        Last day counted (inclusive); default the last date of ``year`` in
        ``daily``.
    remaining_valid_days : int, optional
        Valid days expected after ``as_of``; default every remaining calendar
        day.
    entity : str, default "city"

    Returns
    -------
    DataFrame or LazyFrame
        One row per city of ``daily`` (cities of ``targets`` without daily rows
        do not appear): ``city``, ``year``, ``as_of``, ``valid_days``,
        ``good_days`` (year to date), ``good_day_ratio`` [percent, unrounded],
        ``target`` [percent], ``days_remaining`` (calendar days after
        ``as_of``), ``expected_valid_days``, ``good_days_needed``,
        ``required_ratio_remaining`` [percent of the remaining valid days;
        null when none remain], ``attainable`` (bool).

    Notes
    -----
    With G good and V valid days to date, R valid days expected to remain and
    target T [%]: N = V + R expected valid days in the year;
    ``good_days_needed = max(0, ceil(T/100 × N − G))``;
    ``required_ratio_remaining = good_days_needed / R × 100``;
    ``attainable = good_days_needed <= R``. The arithmetic is exact (rational
    numbers: 80 % of 365 days is 292 days, not 292.00000000000006 → 293).
    Good day = AQI level of 优 or 良 (HJ 633, table ``air_aqi_categories``);
    valid day = non-null ``aqi``; the ratio's denominator is valid days (HJ
    663, secondary sources). The target is met when the unrounded year-end
    ratio is ≥ T (a ratio that only rounds up to T does not count:
    conservative). Cities without a target get null target-dependent columns.

    Examples
    --------
    Worked by hand in ``tests/test_targets.py``: 178 valid and 130 good days to
    30 June, target 80 %, 184 days left: ceil(0.8 × 362 − 130) = ceil(159.6) = 160.
    """
    df, was_lazy = _daily(daily, ["aqi", "level"], entity)
    t = _targets_frame(targets).filter(pl.col("year") == year)
    day = _as_of(df, year, as_of)
    days_left, r = _remaining(day, remaining_valid_days)
    good = _good_levels()
    ytd = (
        _ytd(df, year, day)
        .group_by(entity)
        .agg(
            pl.col("aqi").is_not_null().sum().cast(pl.Int64).alias("valid_days"),
            (pl.col("aqi").is_not_null() & pl.col("level").is_in(good))
            .sum()
            .cast(pl.Int64)
            .alias("good_days"),
        )
        .sort(entity)
    )
    rows = []
    for city, v, g in ytd.iter_rows():
        target = _target_of(t, city, "good_day_ratio")
        row: dict[str, Any] = {
            "city": city,
            "year": year,
            "as_of": day,
            "valid_days": v,
            "good_days": g,
            "good_day_ratio": 100.0 * g / v if v else None,
            "target": target,
            "days_remaining": days_left,
            "expected_valid_days": v + r,
            "good_days_needed": None,
            "required_ratio_remaining": None,
            "attainable": None,
        }
        if target is not None:
            need = max(0, math.ceil(Fraction(str(target)) / 100 * (v + r) - g))
            row["good_days_needed"] = need
            row["required_ratio_remaining"] = 100.0 * need / r if r else None
            row["attainable"] = need <= r
        rows.append(row)
    out = pl.DataFrame(
        rows,
        schema={
            "city": pl.String,
            "year": pl.Int64,
            "as_of": pl.Date,
            "valid_days": pl.Int64,
            "good_days": pl.Int64,
            "good_day_ratio": pl.Float64,
            "target": pl.Float64,
            "days_remaining": pl.Int64,
            "expected_valid_days": pl.Int64,
            "good_days_needed": pl.Int64,
            "required_ratio_remaining": pl.Float64,
            "attainable": pl.Boolean,
        },
        orient="row",
    )
    return out.lazy() if was_lazy else out


def pm25_remaining_mean(
    daily: Frame | Any,
    targets: Frame | str | Path | Any,
    *,
    year: int,
    as_of: date | None = None,
    remaining_valid_days: int | None = None,
    entity: str = "city",
) -> Frame:
    """The PM2.5 mean the rest of the year must stay under to meet the target (剩余时段浓度上限).

    Parameters
    ----------
    daily : DataFrame or LazyFrame
        Daily city values: ``date``, ``entity``, ``PM2.5`` (daily mean
        [ug/m3], null = invalid day).
    targets : DataFrame or path
        Targets (``PM2.5`` annual mean [ug/m3]).
    year, as_of, remaining_valid_days, entity
        As :func:`good_days_needed`.

    Returns
    -------
    DataFrame or LazyFrame
        One row per city of ``daily`` (cities of ``targets`` without daily rows
        do not appear): ``city``, ``year``, ``as_of``, ``n_days`` (valid
        PM2.5 days to date), ``mean_to_date`` [ug/m3], ``target`` [ug/m3],
        ``days_remaining``, ``expected_valid_days``, ``required_mean_remaining``
        [ug/m3; the remaining valid days must average at most this],
        ``attainable`` (bool: the required mean is ≥ 0).

    Notes
    -----
    Annual mean = mean of the valid daily means (HJ 663). With n valid days of
    mean m to date, R expected remaining valid days and target T:
    ``required_mean_remaining = (T × (n + R) − m × n) / R`` (null when R = 0).
    Unrounded: an annual mean that would only round down to T is not counted
    as meeting it (conservative).

    Examples
    --------
    Worked by hand in ``tests/test_targets.py``: 178 days at 42.0, target 35,
    184 days left: (35 × 362 − 42 × 178) / 184 = 5194 / 184 = 28.228... ug/m3.
    """
    df, was_lazy = _daily(daily, ["PM2.5"], entity)
    t = _targets_frame(targets).filter(pl.col("year") == year)
    day = _as_of(df, year, as_of)
    days_left, r = _remaining(day, remaining_valid_days)
    ytd = (
        _ytd(df, year, day)
        .group_by(entity)
        .agg(
            pl.col("PM2.5").count().cast(pl.Int64).alias("n_days"),
            pl.col("PM2.5").cast(pl.Float64).mean().alias("mean_to_date"),
            pl.col("PM2.5").cast(pl.Float64).sum().alias("_sum"),
        )
        .sort(entity)
    )
    rows = []
    for city, n, m, total in ytd.iter_rows():
        target = _target_of(t, city, "PM2.5")
        req = None
        if target is not None and r:
            req = (target * (n + r) - total) / r
        rows.append(
            {
                "city": city,
                "year": year,
                "as_of": day,
                "n_days": n,
                "mean_to_date": m,
                "target": target,
                "days_remaining": days_left,
                "expected_valid_days": n + r,
                "required_mean_remaining": req,
                "attainable": None if req is None else req >= 0,
            }
        )
    out = pl.DataFrame(
        rows,
        schema={
            "city": pl.String,
            "year": pl.Int64,
            "as_of": pl.Date,
            "n_days": pl.Int64,
            "mean_to_date": pl.Float64,
            "target": pl.Float64,
            "days_remaining": pl.Int64,
            "expected_valid_days": pl.Int64,
            "required_mean_remaining": pl.Float64,
            "attainable": pl.Boolean,
        },
        orient="row",
    )
    return out.lazy() if was_lazy else out


def project_year_end(
    daily: Frame | Any,
    *,
    year: int,
    indicator: Literal["good_day_ratio", "PM2.5"] = "good_day_ratio",
    as_of: date | None = None,
    targets: Frame | str | Path | Any | None = None,
    entity: str = "city",
) -> Frame:
    """Project the year-end figure from the year to date and past years' rest of year (年末预估).

    Parameters
    ----------
    daily : DataFrame or LazyFrame
        Daily city values covering ``year`` up to ``as_of`` and one or more
        earlier years: ``date``, ``entity``, ``aqi`` and ``level`` (for the
        good-day ratio) or ``PM2.5`` [ug/m3].
    year : int
        Year projected.
    indicator : {"good_day_ratio", "PM2.5"}
        Figure projected: good-day ratio [percent] or PM2.5 annual mean [ug/m3].
    as_of : date, optional
        Last day of data used (inclusive); default the last date of ``year``.
    targets : DataFrame or path, optional
        Adds ``target`` and ``projected_meets``.
    entity : str, default "city"

    Returns
    -------
    DataFrame or LazyFrame
        One row per city: ``city``, ``year``, ``as_of``, ``indicator``,
        ``value_to_date``, ``days_remaining``, ``projected`` (mean over past
        years), ``projected_low``, ``projected_high`` (lowest and highest over
        past years), ``n_years`` (past years used), ``target``,
        ``projected_meets`` (from ``projected``).

    Notes
    -----
    Climatology method. For each earlier year y in ``daily`` with at least one
    valid day in the same calendar window (the days after ``as_of``'s month
    and day, to 31 December), take that window's good-day share p_y (good /
    valid days) or PM2.5 mean m_y, and assume all R remaining days are valid:
    good-day ratio_y = (G + p_y × R) / (V + R) × 100, PM2.5_y = (S + m_y × R) /
    (n + R), with G good and V valid days, or S the sum of n valid daily PM2.5,
    to date. The projection is the mean of these, the interval their range
    (not a probability interval; with one past year it is a single value).
    The seasonal pattern is that of the past years; a trend between years is
    not extrapolated. Warns (IndicatorWarning) when the daily ``edition``
    differs between the current year and the past windows: a good-day share
    under HJ 633-2012 is not the same quantity as under HJ 633-2026; compute
    the daily frame with one forced edition to avoid mixing them.

    Examples
    --------
    >>> from datetime import timedelta
    >>> days = [date(2024, 1, 1) + timedelta(d) for d in range(731)]
    >>> d = pl.DataFrame({"city": "甲", "date": days, "PM2.5": [30.0] * 731})
    >>> p = project_year_end(d, year=2025, indicator="PM2.5", as_of=date(2025, 6, 30))
    >>> p.select("value_to_date", "projected", "n_years").row(0)
    (30.0, 30.0, 1)
    """
    if indicator not in ("good_day_ratio", "PM2.5"):
        raise IndicatorInputError(
            "cannot project this indicator",
            column="indicator",
            expected="'good_day_ratio' or 'PM2.5'",
            found=indicator,
        )
    cols = ["aqi", "level"] if indicator == "good_day_ratio" else ["PM2.5"]
    df, was_lazy = _daily(daily, cols, entity)
    day = _as_of(df, year, as_of)
    days_left = (date(year, 12, 31) - day).days
    good = _good_levels()
    md = pl.col("date").dt.month().cast(pl.Int32) * 100 + pl.col("date").dt.day().cast(pl.Int32)
    cut = day.month * 100 + day.day
    if indicator == "good_day_ratio":
        num = (pl.col("aqi").is_not_null() & pl.col("level").is_in(good)).sum().cast(pl.Float64)
        den = pl.col("aqi").is_not_null().sum().cast(pl.Float64)
    else:
        num = pl.col("PM2.5").cast(pl.Float64).sum()
        den = pl.col("PM2.5").count().cast(pl.Float64)
    ytd = _ytd(df, year, day).group_by(entity).agg(num.alias("num"), den.alias("den"))
    past = (
        df.filter((pl.col("date").dt.year() < year) & (md > cut))
        .with_columns(pl.col("date").dt.year().alias("y"))
        .group_by(entity, "y")
        .agg(num.alias("pnum"), den.alias("pden"))
        .filter(pl.col("pden") > 0)
    )
    if "edition" in df.columns:
        now_ed = set(_ytd(df, year, day)["edition"].drop_nulls().unique().to_list())
        if days_left:
            past_ed = set(
                df.filter((pl.col("date").dt.year() < year) & (md > cut))["edition"]
                .drop_nulls()
                .unique()
                .to_list()
            )
            if past_ed and past_ed != now_ed:
                warnings.warn(
                    f"projection mixes editions: {sorted(now_ed)} to date, {sorted(past_ed)} in "
                    "the past years' rest of year; force one edition in air.daily_aqi",
                    IndicatorWarning,
                    stacklevel=2,
                )
    t = _targets_frame(targets).filter(pl.col("year") == year) if targets is not None else None
    scale = 100.0 if indicator == "good_day_ratio" else 1.0
    rows = []
    for city, n_num, n_den in ytd.sort(entity).iter_rows():
        mine = past.filter(pl.col(entity) == city)
        projections = (
            [
                scale * (n_num + pn / pd * days_left) / (n_den + days_left)
                for pn, pd in zip(mine["pnum"].to_list(), mine["pden"].to_list(), strict=True)
            ]
            if n_den + days_left > 0
            else []
        )
        if days_left == 0 and n_den > 0:
            projections = [scale * n_num / n_den]
        proj = sum(projections) / len(projections) if projections else None
        target = _target_of(t, city, indicator) if t is not None else None
        meets = None
        if proj is not None and target is not None:
            meets = proj >= target if indicator == "good_day_ratio" else proj <= target
        rows.append(
            {
                "city": city,
                "year": year,
                "as_of": day,
                "indicator": indicator,
                "value_to_date": scale * n_num / n_den if n_den else None,
                "days_remaining": days_left,
                "projected": proj,
                "projected_low": min(projections) if projections else None,
                "projected_high": max(projections) if projections else None,
                "n_years": 0 if days_left == 0 else len(projections),
                "target": target,
                "projected_meets": meets,
            }
        )
    out = pl.DataFrame(
        rows,
        schema={
            "city": pl.String,
            "year": pl.Int64,
            "as_of": pl.Date,
            "indicator": pl.String,
            "value_to_date": pl.Float64,
            "days_remaining": pl.Int64,
            "projected": pl.Float64,
            "projected_low": pl.Float64,
            "projected_high": pl.Float64,
            "n_years": pl.Int64,
            "target": pl.Float64,
            "projected_meets": pl.Boolean,
        },
        orient="row",
    )
    return out.lazy() if was_lazy else out
