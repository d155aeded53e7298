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

from . import air, contract, figures
from .glossary import INDICATORS

__all__ = ["air_summary", "other_headlines", "print_headlines", "write_summary"]


def _shown(key: str) -> tuple[str, str]:
    """(中文, English) heading of an indicator column: label and printed unit."""
    i = INDICATORS[key]
    unit = f" {i.symbol}" if i.symbol else ""
    return i.zh + unit, i.en + unit


def _change(key: str) -> tuple[str, str]:
    """Heading of an indicator's year-on-year change, in the unit the bulletins use."""
    i = INDICATORS[key]
    unit = ("百分点", "pp") if i.change == "pp" else ("%", "%")
    return f"{i.zh} 同比 ({unit[0]})", f"{i.en} vs last year ({unit[1]})"


#: Columns of the summary file, with their (中文, English) headings.
_SHOWN = {
    "city": ("城市", "City"),
    **{k: _shown(k) for k in ("valid_days", "good_days", "good_day_ratio")},
    "good_day_ratio_change_pp": _change("good_day_ratio"),
    "heavy_days": _shown("heavy_days"),
    "PM2.5": _shown("PM2.5"),
    "PM2.5_change_pct": _change("PM2.5"),
    **{k: _shown(k) for k in ("PM10", "NO2", "SO2", "CO_P95", "O3_MDA8_P90", "composite_index")},
    "period_valid": ("时段有效", "Period valid"),
    "limits_edition": ("限值标准", "Limits"),
    "aqi_edition": ("AQI 标准", "AQI edition"),
}


def air_summary(folder: str | Path, *, year: int, edition: str = "auto") -> pl.DataFrame:
    """Annual evaluation of every city in ``folder`` with the change on the year before.

    HJ 633 daily AQI (``edition``), HJ 663 period evaluation, GB 3095 limits.
    ``folder`` holds the ``station_hours`` and ``stations`` tables; with a
    ``dust`` table of sand-dust flags the PM and composite-index figures are
    扣沙 (环办监测〔2016〕120号, see :func:`indicators.air.evaluate_period`).
    """
    folder = Path(folder)
    hourly = pl.read_parquet(contract.require_table(folder, "station_hours"))
    stations = pl.read_parquet(contract.require_table(folder, "stations"))
    daily = air.daily_aqi(hourly, stations=stations, level="city", edition=edition)
    dust = figures.dust_flags(folder)  # the report's reader: the same 扣沙 figures
    current = air.evaluate_period(daily, start=date(year, 1, 1), end=date(year, 12, 31), dust=dust)
    first_day = daily["date"].min()
    if first_day is not None and first_day <= date(year - 1, 1, 1):
        previous = air.evaluate_period(
            daily, start=date(year - 1, 1, 1), end=date(year - 1, 12, 31), dust=dust
        )
        current = air.compare_periods(current, previous)
    return current


def _table(folder: Path, name: str) -> pl.DataFrame | None:
    path = contract.table_path(folder, name)
    return pl.read_parquet(path) if path is not None else None


def other_headlines(folder: str | Path, *, year: int) -> pl.DataFrame:
    """Water, drinking, sea, black-odorous and noise headline figures per city for a year.

    Surface water by GB 3838-2002 and the 2011 method (:func:`indicators.water.summary`),
    drinking sources (:func:`indicators.drinking.compliance_rate`), sea by GB 3097-1997
    (:func:`indicators.sea.class_shares`), black-odorous elimination on 31 December
    (城市黑臭水体整治工作指南, :func:`indicators.blackodorous.elimination_ratio`) and
    functional-area noise compliance (GB 3096-2008, :func:`indicators.noise.compliance_rate`).
    Domains whose tables are absent from ``folder`` are left out.
    """
    from . import blackodorous, drinking, noise, sea, water

    folder = Path(folder)
    first, last = date(year, 1, 1), date(year, 12, 31)
    parts: list[pl.DataFrame] = []
    sections, results = _table(folder, "water_sections"), _table(folder, "water_results")
    if sections is not None and results is not None:
        ws = water.summary(results, sections, by="city", period="year")
        parts.append(
            ws.filter(pl.col("period_start") == first).select(
                "city",
                "n_sections",
                "compliance",
                "share_I_III",
                "n_worse_V",
                pl.col("status").alias("water_status"),
            )
        )
    sources, dres = _table(folder, "drinking_sources"), _table(folder, "drinking_results")
    if sources is not None and dres is not None:
        rate = drinking.compliance_rate(
            drinking.source_compliance(dres, sources, period="year"), by="city"
        )
        parts.append(
            rate.filter(pl.col("period_start") == first).select(
                "city", "compliance_count", "compliance_volume"
            )
        )
    points, sres = _table(folder, "sea_points"), _table(folder, "sea_results")
    if points is not None and sres is not None:
        shares = sea.class_shares(
            sea.point_classes(sres, points, period="year"), points=points, by="city"
        )
        parts.append(shares.filter(pl.col("period_start") == first).select("city", "share_I_II"))
    ledger, history = _table(folder, "blackodorous_ledger"), _table(folder, "blackodorous_status")
    if ledger is not None and history is not None:
        bo = blackodorous.elimination_ratio(ledger, history, last, by="city")
        parts.append(bo.select("city", "n_water_bodies", "n_eliminated", "elimination_ratio"))
    functional = _table(folder, "noise_functional")
    if functional is not None:
        nz = noise.compliance_rate(
            functional.filter(pl.col("year") == year), by="city", per_class=False
        )
        parts.append(nz.select("city", "compliance_rate_day", "compliance_rate_night"))
    if not parts:
        return pl.DataFrame({"city": []}, schema={"city": pl.String})
    out = parts[0]
    for part in parts[1:]:
        out = out.join(part, on="city", how="full", coalesce=True)
    return out.sort("city")


def print_other_headlines(table: pl.DataFrame) -> None:
    """Print the water, black-odorous and noise figures, one line per city."""
    fmt = {
        "compliance": "sections meeting target {}%",
        "share_I_III": "class I-III {}%",
        "n_worse_V": "劣V sections {}",
        "compliance_count": "drinking sources compliant {}%",
        "share_I_II": "sea class I+II {}%",
        "elimination_ratio": "black-odorous eliminated {}%",
        "compliance_rate_day": "noise compliance day {}%",
        "compliance_rate_night": "night {}%",
    }
    for row in table.iter_rows(named=True):
        items = [text.format(row[c]) for c, text in fmt.items() if row.get(c) is not None]
        if items:
            print(f"{row['city']}: " + ", ".join(items))


def print_headlines(table: pl.DataFrame) -> None:
    """Print one line of headline figures per city, after a line saying how they were formed."""
    if table.height:
        first = table.row(0, named=True)
        print(
            f"air figures: method {first.get('method') or 'official'}, data basis "
            f"{first.get('data_basis') or 'not stated'}, particulates "
            f"{first.get('dust_treatment') or '含沙'} (含沙 = dust not deducted)"
        )
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
