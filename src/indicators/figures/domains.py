"""One city's figures of the other domains for a report period.

Surface water, drinking-water sources, sea water, black-odorous water bodies
and noise.

Each function reads the domain's tables from the data folder, keeps the
city's sites and the period's samples, and calls the domain module. They
return None when the city has no site of that domain (an inland city has no
sea points), and never guess: the domain modules raise on bad data.

The standard each one applies is the domain function's own default edition,
read from its signature (:func:`standard_of`), so the methods note cites what
was used.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from .. import contract

__all__ = [
    "DOMAIN_TABLES",
    "blackodorous_figures",
    "cwqi_figures",
    "drinking_figures",
    "noise_figures",
    "sea_figures",
    "standard_of",
    "water_figures",
]

#: Domain -> (module under ``indicators``, the contract tables it needs in the data
#: folder, :data:`indicators.contract.TABLES`); each domain has a function
#: ``<domain>_figures(data, city, start, end)`` here.
DOMAIN_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "water": ("water", ("water_sections", "water_results")),
    "drinking": ("drinking", ("drinking_sources", "drinking_results")),
    "sea": ("sea", ("sea_points", "sea_results")),
    "blackodorous": ("blackodorous", ("blackodorous_ledger", "blackodorous_status")),
    "noise": ("noise", ("noise_functional",)),
}


def standard_of(fn: Callable[..., Any], parameter: str = "edition") -> str:
    """The default edition a domain function applies (its ``edition``/``standard`` argument).

    >>> from indicators import water
    >>> standard_of(water.section_classes)
    'GB 3838-2002'
    """
    return str(inspect.signature(fn).parameters[parameter].default)


def _read(data: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(contract.require_table(data, name))


def _registry_and_results(
    data: Path, registry: str, results: str, city: str, start: date, end: date
) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    reg = _read(data, registry).filter(pl.col("city") == city)
    if reg.is_empty():
        return None
    res = _read(data, results).filter(
        pl.col("site").is_in(reg["site"].implode()), pl.col("date").is_between(start, end)
    )
    return reg, res


def _period(frame: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """Label rows with the report period (``period="all"`` starts at each site's first sample)."""
    return frame.with_columns(period_start=pl.lit(start), period_end=pl.lit(end))


def water_figures(data: Path, city: str, start: date, end: date) -> dict[str, Any] | None:
    """Surface-water sections of a city over a period (GB 3838-2002, 2011 method).

    Returns
    -------
    dict or None
        ``registry``, ``classes`` (:func:`indicators.water.section_classes`, one row per
        section, the period mean of each item), ``summary`` (one row of
        :func:`indicators.water.summary` as a dict, or None without samples),
        ``trophic`` (:func:`indicators.water.trophic_state` of the lake and reservoir
        sites), ``samples`` (sampling months per section) and ``standard``.
        None when the city has no section.
    """
    from .. import water

    got = _registry_and_results(data, "water_sections", "water_results", city, start, end)
    if got is None:
        return None
    reg, res = got
    months = res.group_by("site").agg(pl.col("date").dt.truncate("1mo").n_unique().alias("months"))
    samples = (
        reg.select("site", "name")
        .join(months, on="site", how="left")
        .with_columns(pl.col("months").fill_null(0))
    )
    if res.is_empty():
        return {
            "registry": reg,
            "classes": None,
            "summary": None,
            "trophic": None,
            "samples": samples,
            "standard": standard_of(water.section_classes),
        }
    classes = _period(water.section_classes(res, reg, period="all"), start, end)
    summary = water.summary(res, reg, by="city", period="all")
    trophic = water.trophic_state(res, reg, period="all")
    return {
        "registry": reg,
        "classes": classes,
        "summary": summary.row(0, named=True) if summary.height else None,
        "trophic": trophic.join(reg.select("site", "name", "waterbody"), on="site", how="left"),
        "samples": samples,
        "standard": standard_of(water.section_classes),
    }


def cwqi_figures(
    data: str | Path, start: date, end: date, compare_start: date, compare_end: date
) -> pl.DataFrame | None:
    """Every city's CWQI, its change and both rankings (城市地表水环境质量排名技术规定, 2017).

    :func:`indicators.water.cwqi` over the period's samples and over the comparison
    period's (clause 四(二)), :func:`indicators.water.cwqi_change` (四(四), with its
    exclusion rule) and :func:`indicators.water.cwqi_ranking` (四(三)-(四): best and worst
    30 among the folder's cities), computed once for every city of the folder.

    Parameters
    ----------
    data : path
        Data folder (:mod:`indicators.contract`).
    start, end, compare_start, compare_end : datetime.date
        The period and the comparison period (first and last day, both included).

    Returns
    -------
    polars.DataFrame or None
        :func:`indicators.water.cwqi_ranking` rows (``ranking`` ``"status"``, and
        ``"change"`` when the comparison period has samples), with ``period_start`` /
        ``period_end`` the report period (and ``*_previous`` the comparison). None when
        the folder has no surface-water table or no sample in the period.
    """
    from .. import water

    data = Path(data)
    if any(contract.table_path(data, t) is None for t in DOMAIN_TABLES["water"][1]):
        return None
    registry, results = _read(data, "water_sections"), _read(data, "water_results")

    def period_cwqi(first: date, last: date) -> pl.DataFrame | None:
        got = results.filter(pl.col("date").is_between(first, last))
        if got.is_empty():
            return None
        index = water.cwqi(got, registry, by="city", period="all")
        # the report's period, not the first and last sampling days
        return index.with_columns(period_start=pl.lit(first), period_end=pl.lit(last))

    current = period_cwqi(start, end)
    if current is None:
        return None
    previous = period_cwqi(compare_start, compare_end)
    frame = current if previous is None else water.cwqi_change(current, previous)
    return water.cwqi_ranking(frame)


def drinking_figures(data: Path, city: str, start: date, end: date) -> dict[str, Any] | None:
    """Centralised drinking-water sources of a city over a period.

    Returns
    -------
    dict or None
        ``sources`` (:func:`indicators.drinking.source_compliance`, one row per source),
        ``rate`` (one row of :func:`indicators.drinking.compliance_rate` as a dict) and
        ``standard``; None when the city has no source.
    """
    from .. import drinking

    got = _registry_and_results(data, "drinking_sources", "drinking_results", city, start, end)
    if got is None:
        return None
    reg, res = got
    sources = _period(drinking.source_compliance(res, reg, period="all"), start, end)
    rate = drinking.compliance_rate(sources, by="city")
    return {
        "sources": sources,
        "rate": rate.row(0, named=True) if rate.height else None,
        "standard": standard_of(drinking.source_compliance),
    }


def sea_figures(data: Path, city: str, start: date, end: date) -> dict[str, Any] | None:
    """Coastal sea points of a city over a period (GB 3097-1997, annual mean per point).

    Returns
    -------
    dict or None
        ``points`` (:func:`indicators.sea.point_classes` with ``period="year"``),
        ``shares`` (one row of :func:`indicators.sea.class_shares` as a dict),
        ``registry`` and ``standard``; None when the city has no sea point.
    """
    from .. import sea

    got = _registry_and_results(data, "sea_points", "sea_results", city, start, end)
    if got is None:
        return None
    reg, res = got
    if res.is_empty():
        return {
            "registry": reg,
            "points": None,
            "shares": None,
            "standard": standard_of(sea.point_classes),
        }
    points = _period(sea.point_classes(res, reg, period="year"), start, end)
    shares = sea.class_shares(points, points=reg, by="city")
    return {
        "registry": reg,
        "points": points,
        "shares": shares.row(0, named=True) if shares.height else None,
        "standard": standard_of(sea.point_classes),
    }


def blackodorous_figures(data: Path, city: str, start: date, end: date) -> dict[str, Any] | None:
    """Black-odorous water bodies of a city at the end of a period.

    Returns
    -------
    dict or None
        ``ratio`` (one row of :func:`indicators.blackodorous.elimination_ratio` on
        ``end``), ``counts`` (:func:`indicators.blackodorous.status_counts`), the city's
        ``ledger`` and status ``history``, ``ledger_table`` (language -> the ledger as a
        report shows it on ``end``, :func:`indicators.blackodorous.ledger_table`, the
        台账 of 城市黑臭水体整治工作指南 (2015), for ``"zh"`` and ``"en"``), ``on``
        (= ``end``) and ``standard``; None when the city has no water body in its ledger.
    """
    from .. import blackodorous as bo

    ledger = _read(data, "blackodorous_ledger").filter(pl.col("city") == city)
    if ledger.is_empty():
        return None
    history = _read(data, "blackodorous_status").filter(
        pl.col("water_body_id").is_in(ledger["water_body_id"].implode())
    )
    ratio = bo.elimination_ratio(ledger, history, end)
    return {
        "ratio": ratio.row(0, named=True) if ratio.height else None,
        "counts": bo.status_counts(ledger, history, end),
        "ledger": ledger,
        "history": history,
        "ledger_table": {
            lang: bo.ledger_table(ledger, history, end, labels=lang) for lang in ("zh", "en")
        },
        "on": end,
        "standard": standard_of(bo.point_grade, "standard"),
    }


def noise_figures(data: Path, city: str, start: date, end: date) -> dict[str, Any] | None:
    """Noise of a city over a period: functional-area compliance, regional and road means.

    Returns
    -------
    dict or None
        ``compliance`` (:func:`indicators.noise.compliance_rate` per class and ``all``),
        ``total`` (the ``all`` row as a dict), ``regional`` and ``traffic`` (one row
        each, or None without that table or survey) and ``standards``; None when the
        city has no functional-area point at all, the figures None when it has no
        measurement in the period (functional areas are measured once a quarter).
    """
    from .. import noise

    def rows(name: str) -> pl.DataFrame | None:
        if contract.table_path(data, name) is None:
            return None
        frame = _read(data, name).filter(
            pl.col("city") == city, pl.col("date").is_between(start, end)
        )
        return None if frame.is_empty() else frame

    standards = (
        standard_of(noise.compliance_rate, "standard"),
        standard_of(noise.regional_mean_leq, "standard"),
    )
    if _read(data, "noise_functional").filter(pl.col("city") == city).is_empty():
        return None
    functional = rows("noise_functional")
    if functional is None:
        return {
            "compliance": None,
            "total": None,
            "regional": None,
            "traffic": None,
            "standards": standards,
        }
    compliance = noise.compliance_rate(functional, by="city")
    total = compliance.filter(pl.col("functional_class") == "all")
    regional, traffic = rows("noise_regional"), rows("noise_traffic")
    reg = None if regional is None else noise.regional_mean_leq(regional, by="city")
    trf = None if traffic is None else noise.traffic_mean_leq(traffic, by="city")
    return {
        "compliance": compliance,
        "total": total.row(0, named=True) if total.height else None,
        "regional": None if reg is None or not reg.height else reg.row(0, named=True),
        "traffic": None if trf is None or not trf.height else trf.row(0, named=True),
        "standards": standards,
    }
