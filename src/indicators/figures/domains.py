"""Every city's figures of the other domains for a report period, and one city's.

Surface water, drinking-water sources, sea water, black-odorous water bodies
and noise.

The figures stage (:func:`indicators.figures.compute`) reads each domain's tables
once and computes every city's figures for the period and the comparison period at
once (:func:`all_city_figures`); they are stored with the air figures as tables
(:func:`store_tables`, the :data:`indicators.contract.FIGURES_DOMAINS_DIR` sub-folder
of a store entry) and a report rebuilds its city's (:func:`city_figures`), reading no
domain table. ``<domain>_figures(data, city, start, end)`` computes one city's figures
by the same function on that city's rows. They return None when the city has no site
of that domain (an inland city has no sea points), and never guess: the domain modules
raise on bad data.

The standard each one applies is the domain function's own default edition,
read from its signature (:func:`standard_of`), so the methods note cites what
was used.

A new domain: its module and tables in :data:`DOMAIN_TABLES`, the parts of its
figures in :data:`FIGURE_PARTS`, the function of every city's parts in ``_DOMAINS``
and ``<domain>_figures``.
"""

from __future__ import annotations

import importlib.util
import inspect
import warnings
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import polars as pl

from .. import contract
from ..errors import IndicatorInputError

#: Length of the published CWQI lists: best and worst 30 cities by the index and by its
#: change (城市地表水环境质量排名技术规定, 2017); ``in_best``/``in_worst`` of the ranking.
CWQI_LIST_ROWS = 30

#: Where each headline figure of the other domains is in a city's figures: figure key
#: (:data:`indicators.glossary.INDICATORS`) -> (domain, part, column).
FIGURE_SOURCES: dict[str, tuple[str, str, str]] = {
    "section_compliance": ("water", "summary", "compliance"),
    "share_I_III": ("water", "summary", "share_I_III"),
    "n_worse_V": ("water", "summary", "n_worse_V"),
    "drinking_compliance": ("drinking", "rate", "compliance_count"),
    "blackodorous_elimination": ("blackodorous", "ratio", "elimination_ratio"),
    "sea_share_I_II": ("sea", "shares", "share_I_II"),
    "noise_compliance_day": ("noise", "total", "compliance_rate_day"),
}


def figure_value(figures: Mapping[str, Any] | None, key: str) -> Any:
    """The value of the figure ``key`` (:data:`FIGURE_SOURCES`) in a city's domain figures.

    ``figures`` as ``<domain>_figures`` or :func:`city_figures` give them; None when
    there is no value.
    """
    _, part, column = FIGURE_SOURCES[key]
    return ((figures or {}).get(part) or {}).get(column)


#: What bad data raise (the boundary's errors, polars' on a table it cannot read or cast):
#: the stage leaves those cities to their reports; anything else is a defect and raises.
DATA_ERRORS = (IndicatorInputError, pl.exceptions.PolarsError, OSError)

__all__ = [
    "CITY_KEY",
    "CWQI_LIST_ROWS",
    "DATA_ERRORS",
    "DOMAIN_TABLES",
    "FIGURE_PARTS",
    "FIGURE_SOURCES",
    "INDEX",
    "NotStoredError",
    "PERIOD_KEY",
    "all_city_figures",
    "blackodorous_figures",
    "city_figures",
    "city_warnings",
    "cwqi_figures",
    "drinking_figures",
    "figure_value",
    "noise_figures",
    "sea_figures",
    "standard_of",
    "store_tables",
    "water_figures",
]

#: Domain -> (module under ``indicators``, the contract tables it needs in the data
#: folder, :data:`indicators.contract.TABLES`, its registry first); each domain has a
#: function ``<domain>_figures(data, city, start, end)`` here.
DOMAIN_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "water": ("water", ("water_sections", "water_results")),
    "drinking": ("drinking", ("drinking_sources", "drinking_results")),
    "sea": ("sea", ("sea_points", "sea_results")),
    "blackodorous": ("blackodorous", ("blackodorous_ledger", "blackodorous_status")),
    "noise": ("noise", ("noise_functional",)),
}

#: Tables a domain reads when the folder has them (noise surveys are optional).
_OPTIONAL: dict[str, tuple[str, ...]] = {"noise": ("noise_regional", "noise_traffic")}

#: Domain -> the parts of its figures (the dict ``<domain>_figures`` returns), in order:
#: key -> kind. ``frame``: a frame (one store table, every city's rows); ``row``: one
#: row as a dict (a one-row frame per city in its table); ``frames``: language -> frame
#: (a table per language); ``text``, ``date``: a value and ``texts``: a tuple of texts
#: (columns of the :data:`INDEX` table).
FIGURE_PARTS: dict[str, dict[str, str]] = {
    "water": {
        "registry": "frame",
        "classes": "frame",
        "summary": "row",
        "trophic": "frame",
        "samples": "frame",
        "standard": "text",
    },
    "drinking": {"sources": "frame", "rate": "row", "standard": "text"},
    "sea": {"registry": "frame", "points": "frame", "shares": "row", "standard": "text"},
    "blackodorous": {
        "ratio": "row",
        "counts": "frame",
        "ledger": "frame",
        "history": "frame",
        "ledger_table": "frames",
        "on": "date",
        "standard": "text",
    },
    "noise": {
        "compliance": "frame",
        "total": "row",
        "regional": "row",
        "traffic": "row",
        "standards": "texts",
    },
}

#: The index table of the stored figures: one row per domain, period and city.
INDEX = "index"

#: Key columns of the part tables (a part's own frame may have a ``city`` column).
CITY_KEY, PERIOD_KEY = "figures_city", "figures_period"

#: Periods of a store entry, as :func:`all_city_figures` names them.
_PERIODS = {False: "period", True: "compare"}

_VALUE_TYPES = {"text": pl.String, "date": pl.Date, "texts": pl.List(pl.String)}

#: Columns of :data:`INDEX`: ``status`` is ``figures``, ``none`` (no site of the domain)
#: or ``not_stored`` (its computation failed: a report computes it again and says why);
#: ``warnings`` raised computing them; ``none_parts``: parts that are None; then the
#: values of :data:`FIGURE_PARTS`.
_INDEX_SCHEMA: dict[str, Any] = {
    "domain": pl.String,
    "period": pl.String,
    "city": pl.String,
    "status": pl.String,
    "warnings": pl.List(pl.String),
    "none_parts": pl.List(pl.String),
    **{
        key: _VALUE_TYPES[kind]
        for parts in FIGURE_PARTS.values()
        for key, kind in parts.items()
        if kind in _VALUE_TYPES
    },
}

#: Column a city's name is added under while cutting tables into cities' rows.
_CUT = "__figures_city"


def standard_of(fn: Callable[..., Any], parameter: str = "edition") -> str:
    """The default edition a domain function applies (its ``edition``/``standard`` argument).

    >>> from indicators import water
    >>> standard_of(water.section_classes)
    'GB 3838-2002'
    """
    return str(inspect.signature(fn).parameters[parameter].default)


def _read(data: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(contract.require_table(data, name))


def _tables(data: Path, domain: str, city: str | None = None) -> dict[str, Any] | None:
    """A domain's tables, each read once (optional ones None when absent).

    With ``city``: None, the other tables not read, when the registry (the first
    table) has no row of that city.
    """
    names = DOMAIN_TABLES[domain][1]
    registry = _read(data, names[0])
    if city is not None and registry.filter(pl.col("city") == city).is_empty():
        return None
    tables: dict[str, Any] = {names[0]: registry, **{n: _read(data, n) for n in names[1:]}}
    for name in _OPTIONAL.get(domain, ()):
        tables[name] = None if contract.table_path(data, name) is None else _read(data, name)
    return tables


def _by_city(frame: pl.DataFrame, key: str = "city") -> dict[str, pl.DataFrame]:
    """A frame's rows by city, in their order (without ``key`` when it is :data:`_CUT`)."""
    parts = frame.partition_by(key, maintain_order=True, include_key=key != _CUT, as_dict=True)
    return {k[0]: part for k, part in parts.items() if k[0] is not None}


def _rows_of(frame: pl.DataFrame, key: str = "city") -> Callable[[str], pl.DataFrame]:
    """City -> its rows of ``frame`` (no row: an empty frame of the same columns)."""
    parts = _by_city(frame, key)
    return lambda city: parts.get(city, frame.clear().drop(_CUT, strict=False))


def _of_cities(frame: pl.DataFrame, cities: Sequence[str] | None) -> pl.DataFrame:
    return frame if cities is None else frame.filter(pl.col("city").is_in(list(cities)))


def _period(frame: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """Label rows with the report period (``period="all"`` spans the first to the last sample)."""
    return frame.with_columns(period_start=pl.lit(start), period_end=pl.lit(end))


def _first_row(frame: pl.DataFrame | None) -> pl.DataFrame | None:
    """A frame's first row, None when it has none (a ``row`` part before :func:`_present`)."""
    return None if frame is None or not frame.height else frame.head(1)


class _Sites(NamedTuple):
    """The sites of some cities and their results in a period (both in table order)."""

    registry: pl.DataFrame
    results: pl.DataFrame
    #: city -> (its sites, their results)
    cut: dict[str, tuple[pl.DataFrame, pl.DataFrame]]
    #: ``site`` -> its city (:data:`_CUT`)
    city_of: pl.DataFrame


def _sites(
    tables: Mapping[str, Any],
    names: tuple[str, str],
    start: date,
    end: date,
    cities: Sequence[str] | None,
) -> _Sites:
    """A registry of sites (``site`` its key) and its results of ``start`` .. ``end``, by city."""
    reg = _of_cities(tables[names[0]], cities)
    res = tables[names[1]].filter(
        pl.col("site").is_in(reg["site"].implode()), pl.col("date").is_between(start, end)
    )
    city_of = reg.select("site", pl.col("city").alias(_CUT))
    mine = _by_city(res.join(city_of, on="site", how="inner", maintain_order="left"), _CUT)
    empty = res.clear()
    cut = {city: (rows, mine.get(city, empty)) for city, rows in _by_city(reg).items()}
    return _Sites(reg, res, cut, city_of)


def _own_spans(frame: pl.DataFrame, spans: pl.DataFrame, on: str) -> pl.DataFrame:
    """``frame`` with each city's ``period_start``/``period_end`` from ``spans`` (joined ``on``).

    ``period="all"`` spans the first to the last sample of the frame given: of one city's
    samples when computed for that city, of every city's when for all at once.
    """
    old = frame.drop("period_start", "period_end")
    return old.join(spans, on=on, how="left", maintain_order="left").select(frame.columns)


def _water_summary(water: Any, s: _Sites) -> Callable[[str], pl.DataFrame]:
    """City -> its :func:`indicators.water.summary` row (2011 method), its own sampling span."""
    got = water.summary(s.results, s.registry, by="city", period="all")
    days = s.results.join(s.city_of, on="site").group_by(_CUT)
    spans = days.agg(period_start=pl.col("date").min(), period_end=pl.col("date").max())
    return _rows_of(_own_spans(got, spans.rename({_CUT: "city"}), "city"))


def _water_trophic(water: Any, s: _Sites) -> Callable[[str], pl.DataFrame]:
    """City -> :func:`indicators.water.trophic_state` of its lake and reservoir sites (TLI).

    总站生字〔2001〕090号 formulas, 2011 method, every city at once; each city's span is
    that of its own lake and reservoir samples, as when computed for that city alone.
    """
    every = water.trophic_state(s.results, s.registry, period="all").join(s.city_of, on="site")
    sampled = water.trophic_state(s.results, s.registry, period="sampling")
    spans = (
        sampled.join(s.city_of, on="site")
        .group_by(_CUT)
        .agg(period_start=pl.col("period_start").min(), period_end=pl.col("period_end").max())
    )
    return _rows_of(_own_spans(every, spans, _CUT), _CUT)


def _water(
    tables: Mapping[str, Any], start: date, end: date, cities: Sequence[str] | None
) -> dict[str, dict[str, Any]]:
    """Surface-water parts of every city of ``cities`` (all: None) over a period (GB 3838-2002).

    :func:`indicators.water.section_classes`, :func:`~indicators.water.summary` and
    :func:`~indicators.water.trophic_state` of every city at once (环办〔2011〕22号
    method), then each city's rows.
    """
    from .. import water

    s = _sites(tables, ("water_sections", "water_results"), start, end, cities)
    standard = standard_of(water.section_classes)
    if s.results.is_empty():
        return {city: _water_parts(reg, res, None, standard) for city, (reg, res) in s.cut.items()}
    with water.results_checked_once():  # (four evaluations of one frame: checked once)
        classes = water.section_classes(s.results, s.registry, period="all")
        every = (_rows_of(_period(classes, start, end)), _water_summary(water, s))
        every += (_water_trophic(water, s),)
    return {city: _water_parts(reg, res, every, standard) for city, (reg, res) in s.cut.items()}


def _water_parts(
    reg: pl.DataFrame, res: pl.DataFrame, every: tuple | None, standard: str
) -> dict[str, Any]:
    """One city's surface-water parts from its sections, their results and every city's figures."""
    months = res.group_by("site").agg(pl.col("date").dt.truncate("1mo").n_unique().alias("months"))
    samples = (
        reg.select("site", "name")
        .join(months, on="site", how="left")
        .with_columns(pl.col("months").fill_null(0))
    )
    if res.is_empty() or every is None:
        return {
            "registry": reg,
            "classes": None,
            "summary": None,
            "trophic": None,
            "samples": samples,
            "standard": standard,
        }
    city = reg["city"][0]
    classes, summary, trophic = (rows(city) for rows in every)
    return {
        "registry": reg,
        "classes": classes,
        "summary": _first_row(summary),
        "trophic": trophic.join(reg.select("site", "name", "waterbody"), on="site", how="left"),
        "samples": samples,
        "standard": standard,
    }


def _drinking(
    tables: Mapping[str, Any], start: date, end: date, cities: Sequence[str] | None
) -> dict[str, dict[str, Any]]:
    """Drinking-water source parts of every city of ``cities`` (all: None) over a period.

    :func:`indicators.drinking.source_compliance` (GB 3838-2002 §5.3 class III for surface
    sources, GB/T 14848-2017 class III for groundwater) and
    :func:`~indicators.drinking.compliance_rate` of every city at once.
    """
    from .. import drinking

    s = _sites(tables, ("drinking_sources", "drinking_results"), start, end, cities)
    sources = _period(drinking.source_compliance(s.results, s.registry, period="all"), start, end)
    rate = _rows_of(drinking.compliance_rate(sources, by="city"))
    of_city = _rows_of(sources)
    return {
        city: {
            "sources": of_city(city),
            "rate": _first_row(rate(city)),
            "standard": standard_of(drinking.source_compliance),
        }
        for city in s.cut
    }


def _sea(
    tables: Mapping[str, Any], start: date, end: date, cities: Sequence[str] | None
) -> dict[str, dict[str, Any]]:
    """Sea-point parts of every city of ``cities`` (all: None) over a period.

    :func:`indicators.sea.point_classes` (GB 3097-1997, annual mean per point) and
    :func:`~indicators.sea.class_shares` of every city at once.
    """
    from .. import sea

    s = _sites(tables, ("sea_points", "sea_results"), start, end, cities)
    standard = standard_of(sea.point_classes)
    none = {"points": None, "shares": None, "standard": standard}
    if s.results.is_empty():
        return {city: {"registry": reg, **none} for city, (reg, _) in s.cut.items()}
    points = _period(sea.point_classes(s.results, s.registry, period="year"), start, end)
    shares = _rows_of(sea.class_shares(points, points=s.registry, by="city"))
    of_city = _rows_of(points)
    return {
        city: {"registry": reg, **none}
        if res.is_empty()
        else {
            "registry": reg,
            "points": of_city(city),
            "shares": _first_row(shares(city)),
            "standard": standard,
        }
        for city, (reg, res) in s.cut.items()
    }


def _blackodorous(
    tables: Mapping[str, Any], start: date, end: date, cities: Sequence[str] | None
) -> dict[str, dict[str, Any]]:
    """Black-odorous parts of every city of ``cities`` (all: None) on ``end``.

    :func:`indicators.blackodorous.elimination_ratio`,
    :func:`~indicators.blackodorous.status_counts` and
    :func:`~indicators.blackodorous.ledger_table` (the 台账 of 城市黑臭水体整治工作指南, 2015)
    of every city at once; each city's ledger and status history.
    """
    from .. import blackodorous as bo

    ledger = _of_cities(tables["blackodorous_ledger"], cities)
    ids = ledger.select("water_body_id", pl.col("city").alias(_CUT))
    history = tables["blackodorous_status"].filter(
        pl.col("water_body_id").is_in(ledger["water_body_id"].implode())
    )
    mine = _by_city(history.join(ids, on="water_body_id", how="inner", maintain_order="left"), _CUT)
    ratio = _rows_of(bo.elimination_ratio(ledger, history, end))
    counts = _rows_of(bo.status_counts(ledger, history, end))
    shown = {
        lang: _rows_of(
            bo.ledger_table(ledger, history, end, labels=lang), bo.LEDGER_LABELS["city"][i]
        )
        for i, lang in enumerate(("zh", "en"))
    }
    return {
        city: {
            "ratio": _first_row(ratio(city)),
            "counts": counts(city),
            "ledger": rows,
            "history": mine.get(city, history.clear()),
            "ledger_table": {lang: table(city) for lang, table in shown.items()},
            "on": end,
            "standard": standard_of(bo.point_grade, "standard"),
        }
        for city, rows in _by_city(ledger).items()
    }


def _noise(
    tables: Mapping[str, Any], start: date, end: date, cities: Sequence[str] | None
) -> dict[str, dict[str, Any]]:
    """Noise parts of every city of ``cities`` (all: None) with a functional-area point.

    :func:`indicators.noise.compliance_rate` (GB 3096-2008),
    :func:`~indicators.noise.regional_mean_leq` and :func:`~indicators.noise.traffic_mean_leq`
    (HJ 640-2012 grades) of every city's measurements in the period at once; the figures of
    a city not measured in the period are None.
    """
    from .. import noise

    standards = (
        standard_of(noise.compliance_rate, "standard"),
        standard_of(noise.regional_mean_leq, "standard"),
    )
    got = {
        name: _of_cities(frame, cities).filter(pl.col("date").is_between(start, end))
        for name, frame in tables.items()
        if frame is not None
    }
    measured = got["noise_functional"]
    every = None
    if measured.height:
        compliance = noise.compliance_rate(measured, by="city")
        every = (
            _rows_of(compliance),
            _rows_of(compliance.filter(pl.col("functional_class") == "all")),
            _city_means(noise.regional_mean_leq, got.get("noise_regional")),
            _city_means(noise.traffic_mean_leq, got.get("noise_traffic")),
        )
    mine = set(measured["city"].to_list())
    names = _of_cities(tables["noise_functional"], cities)["city"].drop_nulls()
    return {
        city: _noise_parts(city, every if city in mine else None, standards)
        for city in names.unique(maintain_order=True)
    }


def _city_means(
    fn: Callable[..., pl.DataFrame], rows: pl.DataFrame | None
) -> Callable[[str], pl.DataFrame | None]:
    """City -> its row of ``fn(rows, by="city")`` (a mean Leq, HJ 640-2012), None without one."""
    if rows is None or not rows.height:
        return lambda city: None
    of_city = _rows_of(fn(rows, by="city"))
    return lambda city: _first_row(of_city(city))


def _noise_parts(city: str, every: tuple | None, standards: tuple[str, str]) -> dict[str, Any]:
    """One city's noise parts from every city's figures (None: not measured in the period)."""
    if every is None:
        return {
            "compliance": None,
            "total": None,
            "regional": None,
            "traffic": None,
            "standards": standards,
        }
    compliance, total, regional, traffic = every
    return {
        "compliance": compliance(city),
        "total": _first_row(total(city)),
        "regional": regional(city),
        "traffic": traffic(city),
        "standards": standards,
    }


#: Domain -> its figures' parts of some cities (all: None) over a period, from its tables:
#: ``fn(tables, start, end, cities) -> {city: parts}``, every city of its registry.
_DOMAINS: dict[str, Callable[..., dict[str, dict[str, Any]]]] = {
    "water": _water,
    "drinking": _drinking,
    "sea": _sea,
    "blackodorous": _blackodorous,
    "noise": _noise,
}


def _present(domain: str, parts: dict[str, Any]) -> dict[str, Any]:
    """A domain's figures as ``<domain>_figures`` gives them: ``row`` parts as dicts."""
    kinds = FIGURE_PARTS[domain]
    return {
        key: value.row(0, named=True) if kinds[key] == "row" and value is not None else value
        for key, value in parts.items()
    }


def _one_city(data: str | Path, domain: str, city: str, start: date, end: date) -> dict | None:
    """One city's figures: the every-city function of the domain on that city's rows."""
    tables = _tables(Path(data), domain, city)
    if tables is None:
        return None
    got = _DOMAINS[domain](tables, start, end, [city]).get(city)
    return None if got is None else _present(domain, got)


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
    return _one_city(data, "water", city, start, end)


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
    return water.cwqi_ranking(frame, n=CWQI_LIST_ROWS)


def drinking_figures(data: Path, city: str, start: date, end: date) -> dict[str, Any] | None:
    """Centralised drinking-water sources of a city over a period.

    GB 3838-2002 §5.3 (class III) for surface sources, GB/T 14848-2017 class III for
    groundwater sources.

    Returns
    -------
    dict or None
        ``sources`` (:func:`indicators.drinking.source_compliance`, one row per source),
        ``rate`` (one row of :func:`indicators.drinking.compliance_rate` as a dict) and
        ``standard``; None when the city has no source.
    """
    return _one_city(data, "drinking", city, start, end)


def sea_figures(data: Path, city: str, start: date, end: date) -> dict[str, Any] | None:
    """Coastal sea points of a city over a period (GB 3097-1997, annual mean per point).

    Returns
    -------
    dict or None
        ``points`` (:func:`indicators.sea.point_classes` with ``period="year"``),
        ``shares`` (one row of :func:`indicators.sea.class_shares` as a dict),
        ``registry`` and ``standard``; None when the city has no sea point.
    """
    return _one_city(data, "sea", city, start, end)


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
    return _one_city(data, "blackodorous", city, start, end)


def noise_figures(data: Path, city: str, start: date, end: date) -> dict[str, Any] | None:
    """Noise of a city over a period: functional-area compliance, regional and road means.

    GB 3096-2008 limits; HJ 640-2012 grades of the regional and road means.

    Returns
    -------
    dict or None
        ``compliance`` (:func:`indicators.noise.compliance_rate` per class and ``all``),
        ``total`` (the ``all`` row as a dict), ``regional`` and ``traffic`` (one row
        each, or None without that table or survey) and ``standards``; None when the
        city has no functional-area point at all, the figures None when it has no
        measurement in the period (functional areas are measured once a quarter).
    """
    return _one_city(data, "noise", city, start, end)


# --------------------------------------------------------------------------- every city


class NotStoredError(LookupError):
    """A city's figures of a domain that the figures store does not hold (compute them)."""


class _Computed(NamedTuple):
    """One city's figures of a domain and period, as the figures stage computed them."""

    domain: str
    period: str
    city: str
    status: str  # "figures", "none" or "not_stored"
    parts: dict[str, Any] | None = None  # before :func:`_present`
    warnings: tuple[str, ...] = ()


def _missing(data: Path, domain: str) -> bool:
    """True when the domain's module or one of its tables is not there (no figures)."""
    module, tables = DOMAIN_TABLES[domain]
    if importlib.util.find_spec(f"indicators.{module}") is None:
        return True
    return any(contract.table_path(data, name) is None for name in tables)


def _at_once(
    domain: str, tables: Mapping[str, Any], span: tuple[date, date], group: list[str]
) -> tuple[dict[str, dict[str, Any]] | None, tuple[str, ...]]:
    """The parts of every city of ``group`` at once (None when that fails) and the warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            got = _DOMAINS[domain](tables, *span, group)
        except DATA_ERRORS:  # the city's own computation says why (see _in_halves)
            got = None
    return got, tuple(str(w.message) for w in caught)


def _in_halves(
    domain: str, tables: Mapping[str, Any], span: tuple[date, date], group: list[str]
) -> dict[str, tuple[str, dict[str, Any] | None, tuple[str, ...]]]:
    """City -> (status, parts, warnings) of every city of ``group``, computed together.

    A group whose computation warns or fails is computed in halves, down to single
    cities, so that a city's warnings (their rows counted in its own samples) and its
    failure are its own, as ``<domain>_figures`` gives them; a city that fails is left
    to its report, which computes it and says why.
    """
    got, said = _at_once(domain, tables, span, group)
    if len(group) == 1:
        parts = None if got is None else got.get(group[0])
        status = "not_stored" if got is None else "figures" if parts is not None else "none"
        return {group[0]: (status, parts, said)}
    if got is not None and not said:
        return {city: ("figures", parts, ()) for city, parts in got.items()}
    half = len(group) // 2
    return _in_halves(domain, tables, span, group[:half]) | _in_halves(
        domain, tables, span, group[half:]
    )


def _domain_cities(
    data: Path, domain: str, cities: Sequence[str], spans: Mapping[str, tuple[date, date]]
) -> list[_Computed]:
    """Every city's figures of one domain in each period; its tables read once."""
    if _missing(data, domain):
        return []
    try:
        tables = _tables(data, domain)
    except DATA_ERRORS:  # unreadable: the reports read them again and say why
        return []
    registry = tables[DOMAIN_TABLES[domain][1][0]]
    mine = registry["city"].drop_nulls().unique(maintain_order=True).to_list()
    out = []
    for period, span in spans.items():
        got = _in_halves(domain, tables, span, mine) if mine else {}
        for city in dict.fromkeys([*mine, *cities]):
            status, parts, said = got.get(city, ("none", None, ()))
            out.append(_Computed(domain, period, city, status, parts, said))
    return out


def all_city_figures(
    data: str | Path, cities: Sequence[str], spans: Mapping[str, tuple[date, date]]
) -> dict[str, pl.DataFrame]:
    """Every city's figures of every domain, for each period: the figures stage's tables.

    Each domain's tables are read once and its figures computed for every city at once
    (GB 3838-2002 and the 2011 method for surface water, GB 3838-2002 §5.3 and GB/T
    14848-2017 for drinking-water sources, GB 3097-1997 for sea water, 城市黑臭水体整治
    工作指南 (2015) for black-odorous water bodies, GB 3096-2008 and HJ 640-2012 for
    noise); each city's are those ``<domain>_figures`` gives (the same function on that
    city's rows), with the warnings computing them raised. A computation that warns or
    fails is made again in halves of the cities, down to single cities, so that a city's
    warnings and its failure are its own. A domain whose module or tables are missing
    has none; a city whose figures fail is left to its report (which computes them and
    says why).

    Parameters
    ----------
    data : path
        Data folder (:mod:`indicators.contract`).
    cities : sequence of str
        Cities to say about (the station list's): a city without a site of a domain
        has None.
    spans : mapping
        Period name (``"period"``, ``"compare"``) -> (first day, last day).

    Returns
    -------
    dict
        Table name -> frame (:func:`store_tables`); :func:`city_figures` rebuilds a city's.
    """
    done: list[_Computed] = []
    for domain in DOMAIN_TABLES:
        done += _domain_cities(Path(data), domain, cities, spans)
    return store_tables(done)


def _part_frames(item: _Computed) -> dict[str, pl.DataFrame]:
    """The store's frames of one city's parts: table name -> the part's frame (no keys)."""
    out = {}
    for key, kind in FIGURE_PARTS[item.domain].items():
        value = (item.parts or {}).get(key)
        if value is None or kind in _VALUE_TYPES:
            continue
        named = value.items() if kind == "frames" else [(None, value)]
        for lang, frame in named:
            out[f"{item.domain}.{key}" + ("" if lang is None else f".{lang}")] = frame
    return out


def _one_schema(
    done: list[_Computed],
) -> tuple[list[_Computed], dict[str, list[tuple[_Computed, pl.DataFrame]]]]:
    """The parts by table; a city whose part has another layout than the table's is not stored."""
    tables: dict[str, list[tuple[_Computed, pl.DataFrame]]] = {}
    layouts: dict[str, pl.Schema] = {}  # each table's, from its first part
    kept = []
    for item in done:
        frames = _part_frames(item)
        schemas = {name: f.schema for name, f in frames.items()}
        if any(layouts.get(name, s) != s for name, s in schemas.items()):
            kept.append(item._replace(status="not_stored", parts=None, warnings=()))
            continue
        for name, frame in frames.items():
            layouts.setdefault(name, schemas[name])
            tables.setdefault(name, []).append((item, frame))
        kept.append(item)
    return kept, tables


def _keyed(parts: list[tuple[_Computed, pl.DataFrame]]) -> pl.DataFrame:
    """The parts' frames one after the other, each row under its city's and period's keys.

    The keys are put on once, on the whole table (a column a frame cost about as
    much as the frames themselves at 340 cities).
    """
    frames = [frame for _, frame in parts]
    owners = pl.DataFrame(
        {
            CITY_KEY: [item.city for item, _ in parts],
            PERIOD_KEY: [item.period for item, _ in parts],
        },
        schema={CITY_KEY: pl.String, PERIOD_KEY: pl.String},
    )
    rows = np.repeat(np.arange(len(frames)), [f.height for f in frames])
    return pl.concat([owners[rows], pl.concat(frames)], how="horizontal")


def _index_row(item: _Computed) -> dict[str, Any]:
    parts = item.parts or {}
    kinds = FIGURE_PARTS[item.domain]
    values = {k: parts.get(k) for k, kind in kinds.items() if kind in _VALUE_TYPES}
    return {
        "domain": item.domain,
        "period": item.period,
        "city": item.city,
        "status": item.status,
        "warnings": list(item.warnings),
        "none_parts": [k for k in kinds if item.status == "figures" and parts.get(k) is None],
        **{k: list(v) if isinstance(v, tuple) else v for k, v in values.items()},
    }


def store_tables(done: Sequence[_Computed]) -> dict[str, pl.DataFrame]:
    """The figures stage's tables of the other domains (``<entry>/domains/<name>.parquet``).

    Parameters
    ----------
    done : sequence
        Each city's computed figures (:func:`all_city_figures`).

    Returns
    -------
    dict
        :data:`INDEX` (one row per domain, period and city: ``status``, ``warnings``,
        ``none_parts`` and the values: ``standard``, ``standards``, ``on``) and one table
        per part of :data:`FIGURE_PARTS` (``<domain>.<part>``, a ``frames`` part one per
        language, ``<domain>.<part>.<language>``): every city's frame (or one row) under
        the key columns :data:`CITY_KEY` and :data:`PERIOD_KEY`, in city order.
    """
    kept, parts = _one_schema(list(done))
    index = pl.DataFrame([_index_row(i) for i in kept], schema=_INDEX_SCHEMA, orient="row")
    return {INDEX: index, **{name: _keyed(frames) for name, frames in parts.items()}}


# --------------------------------------------------------------------------- one city, stored


def _stored_row(
    stored: Mapping[str, pl.DataFrame] | None, domain: str, city: str, previous: bool
) -> dict[str, Any]:
    index = None if stored is None else stored.get(INDEX)
    if index is None:
        raise NotStoredError(f"no stored figures of the other domains ({domain}, {city})")
    got = index.filter(
        pl.col("domain") == domain, pl.col("period") == _PERIODS[previous], pl.col("city") == city
    )
    if got.is_empty() or got["status"][0] not in ("figures", "none"):
        raise NotStoredError(f"{domain} figures of {city} not stored")
    return got.row(0, named=True)


def _stored_part(
    stored: Mapping[str, pl.DataFrame], name: str, city: str, period: str
) -> pl.DataFrame:
    table = stored[name]
    mine = table.filter(pl.col(CITY_KEY) == city, pl.col(PERIOD_KEY) == period)
    return mine.drop(CITY_KEY, PERIOD_KEY)


def _stored_value(
    stored: Mapping[str, pl.DataFrame], row: dict[str, Any], domain: str, key: str, kind: str
) -> Any:
    """One part of a city's stored figures (before :func:`_present`)."""
    period, city, name = row["period"], row["city"], f"{domain}.{key}"
    if key in row["none_parts"]:
        return None
    if kind == "frames":
        return {
            table.removeprefix(f"{name}."): _stored_part(stored, table, city, period)
            for table in stored
            if table.startswith(f"{name}.")
        }
    if kind in _VALUE_TYPES:
        return tuple(row[key]) if kind == "texts" else row[key]
    return _stored_part(stored, name, city, period)


def city_figures(
    stored: Mapping[str, pl.DataFrame] | None, domain: str, city: str, *, previous: bool = False
) -> dict[str, Any] | None:
    """One city's figures of a domain rebuilt from the figures store (no table read).

    Equal to ``<domain>_figures(data, city, start, end)`` of the store's period (or
    comparison period): the same frames (columns, types, row order), rows as dicts and
    values.

    Parameters
    ----------
    stored : mapping or None
        The store's tables (:attr:`indicators.figures.CityEvaluations.domains`).
    domain : str
        A key of :data:`DOMAIN_TABLES`.
    city : str
        The city.
    previous : bool, default False
        The comparison period's figures.

    Returns
    -------
    dict or None
        None when the city has no site of the domain.

    Raises
    ------
    NotStoredError
        When the store does not hold them (not computed, or their computation failed:
        compute them with ``<domain>_figures``).
    """
    row = _stored_row(stored, domain, city, previous)
    if row["status"] == "none":
        return None
    assert stored is not None
    parts = {
        key: _stored_value(stored, row, domain, key, kind)
        for key, kind in FIGURE_PARTS[domain].items()
    }
    return _present(domain, parts)


def city_warnings(
    stored: Mapping[str, pl.DataFrame] | None, domain: str, city: str, *, previous: bool = False
) -> list[str]:
    """The warnings computing a city's stored figures raised (a report notes them).

    Raises
    ------
    NotStoredError
        As :func:`city_figures`.
    """
    return list(_stored_row(stored, domain, city, previous)["warnings"])
