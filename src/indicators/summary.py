"""Headline figures of every city for one year, from a data folder.

The main job's text output and the air-quality summary file. The figures are
those of :func:`indicators.air.evaluate_period` on city daily AQI, with the
change against the previous year (:func:`indicators.air.compare_periods`).
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import polars as pl

from . import air

__all__ = ["air_summary", "print_headlines", "write_summary"]

_SHOWN = {
    "city": ("城市", "City"),
    "valid_days": ("有效天数", "Valid days"),
    "good_days": ("优良天数", "Good days"),
    "good_day_ratio": ("优良天数比例 %", "Good-day ratio %"),
    "good_day_ratio_change_pp": ("同比 (百分点)", "vs last year (pp)"),
    "heavy_days": ("重度及以上天数", "Heavy days"),
    "PM2.5": ("PM2.5 µg/m³", "PM2.5 µg/m³"),
    "PM2.5_change_pct": ("PM2.5 同比 %", "PM2.5 vs last year %"),
    "PM10": ("PM10 µg/m³", "PM10 µg/m³"),
    "NO2": ("NO2 µg/m³", "NO2 µg/m³"),
    "SO2": ("SO2 µg/m³", "SO2 µg/m³"),
    "CO_P95": ("CO-95per mg/m³", "CO P95 mg/m³"),
    "O3_MDA8_P90": ("O3-8h-90per µg/m³", "O3 MDA8 P90 µg/m³"),
    "composite_index": ("综合指数", "Composite index"),
    "period_valid": ("时段有效", "Period valid"),
    "limits_edition": ("限值标准", "Limits"),
    "aqi_edition": ("AQI 标准", "AQI edition"),
}


def air_summary(folder: str | Path, *, year: int, edition: str = "auto") -> pl.DataFrame:
    """Annual evaluation of every city in ``folder`` with the change on the year before.

    HJ 633 daily AQI (``edition``), HJ 663 period evaluation, GB 3095 limits.
    ``folder`` holds ``station_hours.parquet`` and ``stations.parquet``.
    """
    folder = Path(folder)
    hourly = pl.read_parquet(folder / "station_hours.parquet")
    stations = pl.read_parquet(folder / "stations.parquet")
    daily = air.daily_aqi(hourly, stations=stations, level="city", edition=edition)
    current = air.evaluate_period(daily, start=date(year, 1, 1), end=date(year, 12, 31))
    first_day = daily["date"].min()
    if first_day is not None and first_day <= date(year - 1, 1, 1):
        previous = air.evaluate_period(
            daily, start=date(year - 1, 1, 1), end=date(year - 1, 12, 31)
        )
        current = air.compare_periods(current, previous)
    return current


def print_headlines(table: pl.DataFrame) -> None:
    """Print one line of headline figures per city."""
    for row in table.iter_rows(named=True):
        change = row.get("good_day_ratio_change_pp")
        change_txt = f" ({change:+.1f} pp)" if change is not None else ""
        valid = "" if row["period_valid"] else "  [period not valid: too few valid days]"
        print(
            f"{row['city']} {row['start'].year}: good days {row['good_days']}/{row['valid_days']}"
            f" = {row['good_day_ratio']}%{change_txt}, PM2.5 {row['PM2.5']:.0f} µg/m³,"
            f" O3-8h P90 {row['O3_MDA8_P90']:.0f} µg/m³, composite index"
            f" {row['composite_index']}{valid}"
        )


def write_summary(table: pl.DataFrame, out: str | Path | None, *, year: int) -> Path:
    """Write the summary as a small self-contained HTML table (and CSV beside it)."""
    from .config import reports_dir

    folder = Path(out) if out is not None else reports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    cols = [c for c in _SHOWN if c in table.columns]
    head = "".join(
        f"<th>{html.escape(_SHOWN[c][0])}<br><small>{html.escape(_SHOWN[c][1])}</small></th>"
        for c in cols
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row)
        + "</tr>"
        for row in table.select(cols).iter_rows()
    )
    page = (
        "<!doctype html><html lang='zh'><meta charset='utf-8'>"
        f"<title>空气质量年度评价 {year}</title><style>body{{font-family:'PingFang SC',"
        "'Microsoft YaHei','Noto Sans CJK SC',sans-serif;margin:2em}table{border-collapse:"
        "collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}</style>"
        f"<h1>空气质量年度评价 Air quality {year}</h1>"
        "<p>HJ 633 (AQI), HJ 663 (evaluation), GB 3095 (limits).</p>"
        f"<table><tr>{head}</tr>{body}</table></html>"
    )
    path = folder / f"air-summary-{year}.html"
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    table.write_csv(folder / f"air-summary-{year}.csv")
    return path
