"""The city report, one function per section, in the order a leadership reader wants it.

:func:`open_report` checks the parameters and computes what every section
needs (:class:`ReportContext`); each section function takes the context and
returns a :class:`~indicators.report.display.Section` (a notebook cell shows
it by returning it). Sections of domains whose module or data are not there
yet show one line saying so, never an error. A section function computes what
it shows, in words and formatted; its markup is its Jinja2 template
``report/templates/sections/<name>.html.j2`` (shared pieces in ``_macros.html.j2``).

To add a section: write ``def my_section(ctx) -> Section`` here (decorated
with :func:`section`) and its template ``my_section.html.j2`` (rendered by
``_parts("my_section", figures, **view)``), add its name to :data:`SECTIONS`, add a cell
``sections.my_section(ctx)`` to the notebook source ``notebooks/city_report.py``
(jupytext percent format) and run ``python notebooks/build_notebooks.py``.
A new domain computes its figures for every city in :mod:`indicators.figures.domains`
(its module docstring says how; the figures stage stores them and the report
rebuilds its city's); a headline card is a :data:`CARDS` row and, for another domain, a
:data:`DOMAIN_CARDS` row saying where its value is.

Examples
--------
>>> SECTIONS[:3]
('title', 'headline', 'air_calendar')
"""

from __future__ import annotations

import dataclasses
import functools
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import polars as pl

from .. import contract, figures, standards
from ..config import is_demo_folder
from ..errors import IndicatorInputError
from ..figures import comparison_rules, domains, monthly_trends, tracking
from ..figures import completeness as completeness_figures
from ..figures.monthly_trends import TREND_ALPHA, TREND_INDICATORS
from ..glossary import AIR_POLLUTANTS, INDICATORS, Indicator
from . import charts
from .data import (
    available,
    ensure_demo_data,
    read_city_stations,
)
from .display import MACROS, Markup, Section, cell_style, html_table, render_macro, render_parts
from .labels import LABELS, TERMS, label, term
from .params import ReportParams, validate_params

__all__ = [
    "CARDS",
    "MIN_TREND_MONTHS",
    "SECTIONS",
    "TREND_INDICATORS",
    "CityFigures",
    "ReportContext",
    "air_calendar",
    "air_concentrations",
    "air_evaluation",
    "air_monthly",
    "air_primary",
    "blackodorous",
    "comparison_rules",
    "completeness",
    "drinking",
    "headline",
    "headline_cards",
    "load_context",
    "methods",
    "noise",
    "open_report",
    "ranking",
    "ranking_table",
    "sea",
    "target_figures",
    "target_tracking",
    "title",
    "trend_results",
    "trend_series",
    "trend_verdict",
    "trends",
    "water_lakes",
    "water_sections",
    "year_to_date_figures",
]

#: Section functions, in report order (the notebook has one cell per name).
SECTIONS: tuple[str, ...] = (
    "title",
    "headline",
    "air_calendar",
    "air_monthly",
    "air_concentrations",
    "air_primary",
    "air_evaluation",
    "target_tracking",
    "ranking",
    "trends",
    "water_sections",
    "water_lakes",
    "drinking",
    "sea",
    "blackodorous",
    "noise",
    "completeness",
    "methods",
)


@dataclass
class ReportContext:
    """Everything the sections of one city report need, computed once.

    Attributes
    ----------
    params : ReportParams
        The checked parameters.
    stations : polars.DataFrame
        The city's station list.
    daily : polars.DataFrame
        City daily AQI (:func:`indicators.air.daily_aqi`) of the period.
    summary, previous : dict
        :func:`indicators.air.evaluate_period` of the period and of the comparison
        period (``previous`` is empty when the comparison period has no data).
    change : dict
        :func:`indicators.air.compare_periods` of the two; against ``recomputed``
        when that is set (like for like, as the ranking's change).
    recomputed : dict or None
        The comparison period under the period's last HJ 633 edition and its
        GB 3095 limits, when the two periods were computed under different editions
        or limits (:func:`comparison_rules`).
    hourly : polars.DataFrame or None
        Station hours of the period, read only when the figures store has not the
        city's station completeness (for the completeness appendix).
    targets : polars.DataFrame or None
        The targets file's rows (see :func:`load_targets`).
    notes : list of str
        Warnings raised while computing, shown in the appendix.
    cited : dict
        Standards cited by the sections shown (for the methods note).
    cache : dict
        Figures of the other domains, computed once (see :func:`_figures`).
    """

    params: ReportParams
    stations: pl.DataFrame
    daily: pl.DataFrame
    summary: dict[str, Any]
    previous: dict[str, Any]
    change: dict[str, Any]
    recomputed: dict[str, Any] | None
    hourly: pl.DataFrame | None
    targets: pl.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    cited: dict[str, str] = field(default_factory=dict)
    cache: dict[Any, Any] = field(default_factory=dict)

    @property
    def lang(self) -> str:
        """Report language."""
        return self.params.lang

    def t(self, key: str, **fields: object) -> str:
        """Label ``key`` in the report language."""
        return label(key, self.params.lang, **fields)

    @property
    def has_city_air(self) -> bool:
        """False when the period has no city air value (a city with only background stations)."""
        return bool(self.summary)

    @property
    def no_city_air(self) -> str:
        """Why the period has no city air value, in the report language."""
        only = "background" in self.stations.columns and self.stations["background"].all()
        return self.t("background_only" if only else "no_city_air")

    @property
    def is_demo(self) -> bool:
        """True when the data are the generated demo data."""
        return is_demo_folder(self.params.data)

    @property
    def history_edition(self) -> str:
        """HJ 633 edition of :attr:`history`: the forced edition, else the one in force at the end.

        A series across the 2026 revision is computed under one edition, so that
        the revision does not show as a trend (the good-day ratio depends on it).
        """
        return figures.history_edition(self.params.edition, self.params.period.end)

    @functools.cached_property
    def history(self) -> pl.DataFrame:
        """City daily AQI from the first station hour in the data to the period's last day.

        Computed once, on first use, under :attr:`history_edition` for every day
        (for the trends and the year-end projection).
        """
        return _record_warnings(self.notes, "history", lambda: _city_history(self))

    @functools.cached_property
    def cities(self) -> CityFigures:
        """Air figures of every city of the data folder (for the ranking), computed once."""
        return _record_warnings(self.notes, "ranking", lambda: _all_cities(self))


def _record_warnings(notes: list[str], where: str, fn: Callable[[], Any]) -> Any:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    notes.extend(f"{where}: {w.message}" for w in caught)
    return result


def section(fn: Callable[[ReportContext], Section]) -> Callable[[ReportContext], Section]:
    """Mark a section function: warnings it raises go to the appendix, not the page."""

    @functools.wraps(fn)
    def wrapper(ctx: ReportContext) -> Section:
        return _record_warnings(ctx.notes, fn.__name__, lambda: fn(ctx))

    return wrapper


def _city_air_only(
    key: str | None,
) -> Callable[[Callable[[ReportContext], Section]], Callable[[ReportContext], Section]]:
    """Mark a section that needs city air values.

    Without them (a city with only background stations) the section is one line
    under the label ``key`` saying so, or nothing when ``key`` is None.
    """

    def decorate(fn: Callable[[ReportContext], Section]) -> Callable[[ReportContext], Section]:
        @functools.wraps(fn)
        def wrapper(ctx: ReportContext) -> Section:
            if ctx.has_city_air:
                return fn(ctx)
            if key is None:
                return Section(fn.__name__, "", level=0)
            return _missing_line(ctx, key, ctx.no_city_air)

        return wrapper

    return decorate


# --------------------------------------------------------------------------- context


def load_targets(params: ReportParams) -> pl.DataFrame | None:
    """The targets of the report (:func:`indicators.figures.tracking.report_targets`), or None.

    ``targets=""`` (no targets file given) means the data folder's ``targets``
    table (``indicators ingest targets.toml --out FOLDER``) when it has one,
    else the demo targets file for the demo data, else no targets. Targets are
    set per city and calendar year, so only a period that starts on 1 January
    and ends in the same year (the year, or the year to date: ``2026Q1``,
    ``2026-01``, ``2026-01-01..2026-08-31``) is compared with them; other
    periods show no target.
    """
    per = params.period
    demo = params.targets is None and is_demo_folder(params.data)
    return tracking.report_targets(params.data, per.start, per.end, params.targets, demo=demo)


def load_context(params: ReportParams) -> ReportContext:
    """The air figures of the period and of the comparison period, from the figures store.

    The city's rows of :func:`indicators.figures.city_evaluations` (computed once
    for every city of the folder, like for like across editions) give the
    summary, the comparison and the change, so the cards, the evaluation table and
    the ranking show one value of each figure. The comparison period as it was
    evaluated under its own editions is computed for the evaluation table only.
    A comparison period without data leaves ``previous`` empty (a note says so).
    A city whose stations are all background stations has no city daily AQI:
    ``daily`` is empty and ``summary`` is ``{}`` (the air sections say so).

    Parameters
    ----------
    params : ReportParams
        Checked parameters (:func:`indicators.report.validate_params`): city,
        period, comparison period, edition, language, data folder, targets.

    Raises
    ------
    IndicatorInputError
        When the data folder has no station hours for the city in the period, or
        the city's station hours fail their checks.
    """
    notes: list[str] = []
    stations = read_city_stations(params.data, params.city)
    p, c = params.period, params.compare

    def no_hours() -> IndicatorInputError:
        return IndicatorInputError(
            "no station hours for the city in the period",
            file=str(contract.table_file(params.data, "station_hours")),
            found=f"{params.city} {p.label}",
        )

    def compute() -> ReportContext:
        with warnings.catch_warnings():  # kept with the figures: noted below, once
            warnings.simplefilter("ignore")
            store = figures.city_evaluations(params.data, p, c, params.edition)
        mine = store.city(params.city) if store is not None else {}
        if not mine.get("summary"):
            # not in the store: this city's own evaluation names its error, or gives
            # the empty figures of a city without a city value (background stations)
            current = figures.evaluate_air(params.data, stations, p.start, p.end, params.edition)
            if current is None:
                raise no_hours()
            daily, frame, hourly = current
            summary = frame.row(0, named=True) if frame.height else {}
            notes.append(label("note_no_city_value", params.lang, period=p.display(params.lang)))
            return ReportContext(
                params,
                stations,
                daily,
                summary,
                {},
                {},
                None,
                hourly,
                targets=load_targets(params),
                notes=notes,
            )
        notes.extend(f"figures: {w}" for w in store.warnings)
        daily = store.daily.filter(pl.col("city") == params.city)
        hourly = None
        if store.completeness is None:  # the stage could not compute it: the report does
            hourly = figures.city_hours(params.data, stations, p.start, p.end)
        summary, previous, change, recomputed = mine["summary"], mine["previous"], {}, None
        if not previous:
            before = figures.evaluate_air(params.data, stations, c.start, c.end, params.edition)
            if before is None:
                notes.append(
                    label("note_no_compare_hours", params.lang, compare=c.display(params.lang))
                )
            else:
                notes.append(
                    label("note_no_city_value", params.lang, period=c.display(params.lang))
                )
        else:
            change = mine["change"]
            if store.rules is not None:  # the comparison as evaluated under its own rules
                recomputed = previous
                previous = _own_rules_previous(params, stations, store)
        return ReportContext(
            params,
            stations,
            daily,
            summary,
            previous,
            change,
            recomputed,
            hourly,
            targets=load_targets(params),
            notes=notes,
        )

    return _record_warnings(notes, "air", compute)


def _own_rules_previous(
    params: ReportParams, stations: pl.DataFrame, store: figures.CityEvaluations
) -> dict[str, Any]:
    """The city's comparison period as evaluated under its own rules (the store's row)."""
    own = store.previous_own
    if own is not None:
        got = own.filter(pl.col("city") == params.city)
        return got.row(0, named=True) if got.height else {}
    c = params.compare  # a store entry without it: this city's, computed here
    before = figures.evaluate_air(params.data, stations, c.start, c.end, params.edition)
    return before[1].row(0, named=True) if before and before[1].height else {}


def _city_history(ctx: ReportContext) -> pl.DataFrame:
    """The city's daily AQI series from the figures store (computed once for every city)."""
    history = ctx.cities.history  # the store :attr:`ReportContext.cities` has read
    if history is None:  # pragma: no cover - load_context found hours
        return pl.DataFrame(schema={"city": pl.String, "date": pl.Date})
    return history.filter(pl.col("city") == ctx.params.city)


#: Air figures of every city of the data folder (the figures store's record).
CityFigures = figures.CityEvaluations


def _all_cities(ctx: ReportContext) -> CityFigures:
    """Every city's evaluations from the figures store (computed once per period)."""
    p = ctx.params.period
    got = figures.city_evaluations(ctx.params.data, p, ctx.params.compare, ctx.params.edition)
    if got is None:  # pragma: no cover - load_context found hours of the report city
        return CityFigures(pl.DataFrame([ctx.summary]), None, None, {})
    failed = {city: _failed_reason(ctx, why) for city, why in got.failed.items()}
    return dataclasses.replace(got, failed=failed)


def _failed_reason(ctx: ReportContext, why: str) -> str:
    """Why a city is not ranked, in the report language.

    No station hours, or its data failing the checks: the checks' message (which
    names file, row and column, in English) in an English report; in a Chinese
    one, where the message is to be found (``indicators check``).
    """
    label_ = ctx.params.period.label
    if not why:
        return f"{label_}: {ctx.t('no_hours')}"
    return why if ctx.lang == "en" else f"{label_}: {ctx.t('data_failed_checks')}"


def open_report(
    city: str,
    period: str,
    *,
    compare: str = "",
    edition: str = "auto",
    lang: str = "zh",
    data: str = "",
    targets: str = "",
) -> ReportContext:
    """Check the parameters and compute the report's figures (the notebook's first call).

    With ``data=""`` the demo data are used, and generated first when absent.

    Parameters
    ----------
    city, period, compare, edition, lang, data, targets
        As :func:`indicators.report.validate_params` (``period`` a string or a
        year; ``compare=""``: a year earlier; ``edition="auto"``: the HJ 633
        edition in force each day; ``data=""``: the demo folder).
    """
    if data in ("", None):
        ensure_demo_data()
    params = validate_params(city, period, compare, edition, lang, data, targets)
    return load_context(params)


# --------------------------------------------------------------------------- helpers


def _parts(key: str, figures: Sequence[Any] = (), **view: Any) -> list[Any]:
    """A section's outputs: its template ``sections/<key>.html.j2`` rendered with ``view``.

    ``view`` holds what the section shows, already in words and formatted; the
    template has the markup. ``figures`` go where the template puts them, in order
    (:func:`indicators.report.display.render_parts`).
    """
    return render_parts(f"sections/{key}.html.j2", figures, **view)


def _fmt(value: Any, decimals: int | None = None) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float) and decimals is not None:
        return f"{value:.{decimals}f}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# --------------------------------------------------------------------------- title, headline


def _period_json(per: Any, lang: str) -> dict[str, str]:
    """A period as the embedded figures give it: label, first and last day, kind, words."""
    return {
        "label": per.label,
        "start": per.start.isoformat(),
        "end": per.end.isoformat(),
        "kind": per.kind,
        "display": per.display(lang),
    }


@section
def title(ctx: ReportContext) -> Section:
    """Title block: city, period, comparison period, edition, data source.

    Its metadata (what the block shows, as JSON values) opens the report's embedded
    figures (:mod:`indicators.report.embedded`).
    """
    p = ctx.params
    edition = ctx.summary.get("aqi_edition") or p.edition
    source = data_source(ctx)
    generated = datetime.now().strftime("%Y-%m-%d %H:%M")
    meta = [
        (ctx.t("period"), _span_text(ctx.lang, p.period.display(ctx.lang), p.period)),
        (ctx.t("compare"), _span_text(ctx.lang, p.compare.display(ctx.lang), p.compare)),
        (ctx.t("edition"), edition),
        (ctx.t("data_source"), source),
        (ctx.t("generated"), generated),
    ]
    figures_ = {
        "city": p.city,
        "lang": ctx.lang,
        "period": _period_json(p.period, ctx.lang),
        "compare": _period_json(p.compare, ctx.lang),
        "edition": {
            "shown": edition,
            "requested": p.edition,
            "aqi": ctx.summary.get("aqi_edition"),
            "limits": ctx.summary.get("limits_edition"),
        },
        "data_source": source,
        "generated": generated,
    }
    parts = _parts(
        "title",
        meta=meta,
        demo_notice=ctx.t("demo_notice") if ctx.is_demo else None,
        no_city_air=None if ctx.has_city_air else ctx.no_city_air,
    )
    return Section("title", ctx.t("report_title", city=p.city), parts, figures_, level=1)


#: The headline cards, in display order: :data:`indicators.glossary.INDICATORS` records
#: (label, printed unit, direction, decimals, kind of change), keyed like the targets file.
CARDS: tuple[Indicator, ...] = tuple(
    INDICATORS[k]
    for k in (
        "good_day_ratio",
        "PM2.5",
        "O3_MDA8_P90",
        "composite_index",
        "section_compliance",
        "share_I_III",
        "n_worse_V",
        "drinking_compliance",
        "blackodorous_elimination",
        "sea_share_I_II",
        "noise_compliance_day",
    )
)


#: Cards whose figure is the period's air evaluation (marked when the period is not valid).
_AIR_CARDS = ("good_day_ratio", "PM2.5", "O3_MDA8_P90", "composite_index")


def _air_figures(
    summary: dict[str, Any], previous: dict[str, Any], change: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """``{key: {value, previous, change}}`` of the air cards from evaluation rows.

    The change in points for the ratio, in percent for the others
    (:func:`indicators.air.compare_periods`).
    """
    return {
        key: {
            "value": summary.get(key),
            "previous": previous.get(key),
            "change": change.get(f"{key}_change_pp", change.get(f"{key}_change_pct")),
        }
        for key in _AIR_CARDS
    }


def _air_headline(ctx: ReportContext) -> dict[str, dict[str, Any]]:
    # the comparison value the change is taken against (like for like across editions)
    previous = ctx.recomputed if ctx.recomputed is not None else ctx.previous
    return _air_figures(ctx.summary, previous, ctx.change)


def _target_rows(ctx: ReportContext, values: dict[str, dict[str, Any]]) -> dict[str, dict]:
    """``{key: {target, meets}}`` from :func:`indicators.figures.tracking.target_rows`."""
    figures_ = {key: v.get("value") for key, v in values.items()}
    return tracking.target_rows(
        ctx.params.city, ctx.params.period.start.year, figures_, ctx.targets
    )


def headline_values(ctx: ReportContext) -> dict[str, dict[str, Any]]:
    """The headline figures: ``{key: {value, previous, change, target, met}}`` for every card.

    Air figures are those of :func:`indicators.air.evaluate_period`, their
    changes those of :func:`indicators.air.compare_periods`; targets and whether
    they are met come from :func:`indicators.targets.target_progress` (met when
    ``value <= target`` for at-most targets, ``value >= target`` for at-least
    ones). A card of a domain without data has ``value`` None.
    """
    values = _air_headline(ctx)
    for key in DOMAIN_CARDS:
        values[key] = {
            "value": _domain_value(ctx, key),
            "previous": _domain_value(ctx, key, previous=True),
            "change": None,
        }
    stored = _stored_tracking(ctx)
    targets = _target_rows(ctx, values) if stored is None else stored["progress"]
    out = {}
    for card in CARDS:
        v = _with_change(card, values.get(card.key, {"value": None, "previous": None}))
        t = targets.get(card.key, {})
        out[card.key] = {**v, "target": t.get("target"), "met": t.get("meets")}
    return out


def _with_change(card: Indicator, v: dict[str, Any]) -> dict[str, Any]:
    """``v`` (``value``, ``previous``, ``change``) with its change filled in when missing.

    Given both values: percent for ``pct`` figures, else the difference (points, count).
    """
    v = {"change": None, **v}
    if v["change"] is None and v["value"] is not None and v["previous"] is not None:
        if card.change == "pct":
            v["change"] = (
                round((v["value"] - v["previous"]) / v["previous"] * 100, 1)
                if v["previous"]
                else None
            )
        else:
            v["change"] = round(v["value"] - v["previous"], card.decimals)
    return v


def _change_text(ctx: ReportContext, card: Indicator, change: float) -> tuple[str, str]:
    if change == 0:
        return ctx.t("unchanged"), "same"
    better = (change < 0) == card.lower_is_better
    sign = "+" if change > 0 else "−"
    mag = abs(change)
    if card.change == "pp":
        text = f"{sign}{mag:.{card.decimals}f}{ctx.t('pp')}"
    elif card.change == "pct":
        text = f"{sign}{mag:.1f}%"
    else:
        text = f"{sign}{mag:g}"
    return f"{text} ({ctx.t('better' if better else 'worse')})", "better" if better else "worse"


def headline_cards(ctx: ReportContext) -> list[dict[str, Any]]:
    """The headline cards as figures, in display order: what :func:`headline` draws.

    One dict per :data:`CARDS` row, from :func:`headline_values` (the figures
    store's rows for air): ``key``, ``label`` (report language), ``value``,
    ``unit`` (as printed), ``previous`` (the comparison value the change is
    taken against), ``change``, ``change_kind`` (``pp`` points, ``pct`` percent,
    ``diff`` a difference), ``target``, ``met``, ``valid`` (for the air cards
    whether the period's evaluation is valid, None for the other domains),
    ``invalid_reason`` (the card's words when ``valid`` is False, else None) and
    ``shown`` (False for a domain card without data, folded into one line). The
    report embeds these rows as its ``headline`` figures
    (:mod:`indicators.report.embedded`), so the cards and the JSON are one value.
    """
    values = headline_values(ctx)
    rows = []
    for card in CARDS:
        v = values[card.key]
        valid = ctx.summary.get("period_valid") if card.key in _AIR_CARDS else None
        reason = None
        if valid is False:
            reason = ctx.t(
                "invalid_period",
                valid=ctx.summary.get("valid_days"),
                required=ctx.summary.get("required_days"),
            )
        rows.append(
            {
                "key": card.key,
                "label": ctx.t(card.key),
                "value": v["value"],
                "unit": card.symbol,
                "previous": v["previous"],
                "change": v["change"],
                "change_kind": card.change,
                "target": v["target"],
                "met": v["met"],
                "valid": valid,
                "invalid_reason": reason,
                "shown": not (v["value"] is None and card.key in DOMAIN_CARDS),
            }
        )
    return rows


@section
def headline(ctx: ReportContext) -> Section:
    """Headline cards: value, target (met or not) and change against the comparison period.

    Drawn from :func:`headline_cards`; its metadata carries those rows
    (``cards``), :func:`headline_values` (``values``) and the year to date
    (``year_to_date``, :func:`year_to_date_figures`), as JSON values.
    """
    rows = headline_cards(ctx)
    by_key = {c.key: c for c in CARDS}
    folded = [v["label"] for v in rows if not v["shown"]]  # no data: one line, not a card each
    records = record_figures(ctx)
    ytd = year_to_date_values(ctx)
    parts = _parts(
        "headline",
        cards=[_card_view(ctx, by_key[v["key"]], v) for v in rows if v["shown"]],
        no_value=ctx.t("no_value"),
        no_target=ctx.t("no_target"),
        target_label=ctx.t("target"),
        vs_compare=ctx.t("vs_compare", compare=ctx.params.compare.display(ctx.lang)),
        vs_none=ctx.t("vs_compare_none", compare=ctx.params.compare.display(ctx.lang)),
        vs_no_change=ctx.t("vs_compare_no_change", compare=ctx.params.compare.display(ctx.lang)),
        folded=_folded_cards(ctx, folded),
        records=[r["text"] for r in records],
        year_to_date=None if ytd is None else _year_to_date_view(ctx, ytd),
        note=ctx.t("methods_change"),
    )
    meta: dict[str, Any] = {
        "values": {r["key"]: {k: r[k] for k in _VALUE_KEYS} for r in rows},
        "cards": rows,
        "year_to_date": year_to_date_figures(ctx),
        "record": records,
    }
    return Section("headline", ctx.t("headline"), parts, meta)


def _card_number(card: Indicator, value: Any) -> str:
    """A figure as its card prints it: the indicator's decimals (a count as it is)."""
    return _fmt(value) if card.change == "diff" else _fmt(float(value), card.decimals)


def _card_view(ctx: ReportContext, card: Indicator, v: dict[str, Any]) -> dict[str, Any]:
    """A row of :func:`headline_cards` as its card shows it: texts, target, change.

    ``value`` None: the card says there is no value. ``raw`` is the unformatted value,
    ``invalid`` why the period is not valid (or None), ``target`` None when there is
    none, ``change`` None when there is no comparison value.
    """
    view: dict[str, Any] = {"key": card.key, "name": v["label"], "value": None}
    if v["value"] is None:
        return view
    target = None
    if v["target"] is not None:
        target = {
            "op": "≤" if card.lower_is_better else "≥",
            "value": _fmt(v["target"]),
            "met": v["met"],
            "text": ctx.t("target_met" if v["met"] else "target_missed"),
        }
    change, change_class = None, "same"
    if v["change"] is not None:
        change, change_class = _change_text(ctx, card, v["change"])
    return {
        **view,
        "value": _card_number(card, v["value"]),
        "raw": v["value"],
        "unit": card.symbol,
        "invalid": v["invalid_reason"] if v["valid"] is False else None,
        "target": target,
        "change": change,
        "change_class": change_class,
        "no_previous": v["previous"] is None,
    }


def _folded_cards(ctx: ReportContext, names: list[str]) -> dict[str, Any] | None:
    """The one line naming the cards without data (``n`` of them), or None."""
    if not names:
        return None
    sep = "、" if ctx.lang == "zh" else ", "
    return {"n": len(names), "line": ctx.t("no_data_cards", names=sep.join(names))}


#: A record line needs a series of at least this many years (the period's included), and
#: the period must be better than at least the two years before it.
RECORD_MIN_YEARS = 3


def record_figures(ctx: ReportContext) -> list[dict[str, Any]]:
    """Where the city's period stands in its record, as the bulletins say it.

    The city's rows of the figures store's ``record`` table
    (:func:`indicators.figures.record.city_records`: the same window of every year of
    the data, like for like) that set a record: the best since a year at least two
    years back ("为2015年以来最好水平"), or the best of a series of at least
    :data:`RECORD_MIN_YEARS` years.

    Returns
    -------
    list of dict
        ``indicator``, ``value``, ``best_since``, ``first_year``, ``n_years`` and
        ``text`` (the line in the report language), in headline order.
    """
    record = ctx.cities.record
    if record is None:
        return []
    year = ctx.params.period.start.year
    same = ctx.t("record_same_period") if ctx.params.period.kind != "year" else ""
    rows = record.filter(
        pl.col("city") == ctx.params.city,
        pl.col("n_years") >= RECORD_MIN_YEARS,
        pl.col("best_since") <= year - 2,
    )
    order = {k: i for i, k in enumerate([*RECORD_ORDER, "rank"])}
    out = []
    for r in sorted(rows.iter_rows(named=True), key=lambda r: order.get(r["indicator"], 99)):
        name = ctx.t("record_rank") if r["indicator"] == "rank" else label(r["indicator"], ctx.lang)
        text = ctx.t("record_best", label=name, since=r["best_since"], same=same)
        keep = ("indicator", "value", "best_since", "first_year", "n_years")
        out.append({**{k: r[k] for k in keep}, "text": text})
    return out


#: Headline order of the record lines.
RECORD_ORDER = ("good_day_ratio", "composite_index", "PM2.5", "O3_MDA8_P90")


#: The keys of :func:`headline_values` (the ``values`` of the headline's metadata).
_VALUE_KEYS = ("value", "previous", "change", "target", "met")


def year_to_date_values(ctx: ReportContext) -> dict[str, Any] | None:
    """1—N月累计 of a monthly or quarterly report: the air figures of 1 January to its end.

    The city's rows of the figures store for the year to date against the same
    window a year earlier (:func:`indicators.figures.compute`; like for like across
    editions, as the period's own figures). None for a period that is not a month
    after January or a quarter after the first
    (:func:`indicators.periods.has_year_to_date`), or when the city has no value in
    the window.

    Returns
    -------
    dict or None
        ``period`` and ``compare`` (the two windows) and, for each air headline
        figure, ``{value, previous, change}`` (change in points for the ratio, in
        percent for concentrations and the index).
    """
    from ..periods import has_year_to_date, year_earlier, year_to_date

    p = ctx.params.period
    if not has_year_to_date(p):
        return None
    if "year_to_date" not in ctx.cache:
        ytd = year_to_date(p)
        before = year_earlier(ytd)
        with warnings.catch_warnings():  # kept with the figures: the air notes have them
            warnings.simplefilter("ignore")
            store = figures.city_evaluations(ctx.params.data, ytd, before, ctx.params.edition)
        ctx.cache["year_to_date_store"] = store
        mine = store.city(ctx.params.city) if store is not None else {}
        out = None
        if mine.get("summary"):
            figures_ = _air_figures(mine["summary"], mine["previous"], mine["change"])
            out = {"period": ytd, "compare": before, **figures_}
            out |= _year_to_date_water(ctx, store, ytd, before)
        ctx.cache["year_to_date"] = out
    return ctx.cache["year_to_date"]


#: The surface-water figures a monthly or quarterly report gives for the year to date too
#: (1—N月, and 1—N季度 of the quarterly water reports since 2022), with the CWQI.
YEAR_TO_DATE_WATER = ("section_compliance", "share_I_III", "n_worse_V", "cwqi")


def _year_to_date_water(
    ctx: ReportContext, store: CityFigures, ytd: Any, before: Any
) -> dict[str, dict[str, Any]]:
    """``{key: {value, previous, change}}`` of :data:`YEAR_TO_DATE_WATER` the city has.

    From the year-to-date entry of the figures store (the surface-water summary of
    the 2011 method and the CWQI of the ranking rules, computed for every city once).
    """
    if available(ctx.params.data, *domains.DOMAIN_TABLES["water"]) is not None:
        return {}
    now, then = (
        _stored_figures(ctx, store.domains, "water", per, previous)
        for per, previous in ((ytd, False), (before, True))
    )
    out = {}
    for key in YEAR_TO_DATE_WATER[:-1]:
        v = {"value": domains.figure_value(now, key), "previous": domains.figure_value(then, key)}
        if v["value"] is not None:
            out[key] = _with_change(INDICATORS[key], v)
    cwqi = None if store.cwqi is None else store.cwqi.filter(city=ctx.params.city, ranking="status")
    if cwqi is not None and cwqi.height and cwqi["cwqi"][0] is not None:
        row = cwqi.row(0, named=True)
        out["cwqi"] = {
            "value": row["cwqi"],
            "previous": row["cwqi_previous"],
            "change": row["cwqi_change"],
        }
    return out


def _year_to_date_keys(ytd: dict[str, Any]) -> list[str]:
    """The figures of a year to date, in table order: air, then the water ones it has."""
    return [k for k in (*_AIR_CARDS, *YEAR_TO_DATE_WATER) if k in ytd]


def year_to_date_figures(ctx: ReportContext) -> dict[str, Any] | None:
    """:func:`year_to_date_values` as JSON values, as the report embeds them (or None).

    ``period`` and ``compare`` (label, first and last day, kind, words) and
    ``figures``: per air headline figure ``key``, ``label``, ``value``, ``unit``,
    ``previous``, ``change`` and ``change_kind``, the values of the table shown.
    """
    ytd = year_to_date_values(ctx)
    if ytd is None:
        return None
    return {
        "period": _period_json(ytd["period"], ctx.lang),
        "compare": _period_json(ytd["compare"], ctx.lang),
        "figures": [
            {
                "key": key,
                "label": ctx.t(key),
                "value": ytd[key]["value"],
                "unit": INDICATORS[key].symbol,
                "previous": ytd[key]["previous"],
                "change": ytd[key]["change"],
                "change_kind": INDICATORS[key].change,
            }
            for key in _year_to_date_keys(ytd)
        ],
    }


def _year_to_date_view(ctx: ReportContext, ytd: dict[str, Any]) -> dict[str, Any]:
    """The year-to-date table of a monthly report's headline: its title and the table."""
    lang = ctx.lang
    rows = []
    for key in _year_to_date_keys(ytd):
        v, card = ytd[key], INDICATORS[key]
        unit = f" {card.symbol}" if card.symbol and card.symbol != "%" else card.symbol
        value, before = (
            None if x is None else f"{_card_number(card, x)}{unit}"
            for x in (v["value"], v["previous"])
        )
        rows.append(
            {
                "indicator": ctx.t(key),
                "value": value or "—",
                "previous": before or ctx.t("no_value"),
                "change": "—" if v["change"] is None else _change_text(ctx, card, v["change"])[0],
            }
        )
    columns = {
        "indicator": ctx.t("indicator"),
        "value": ytd["period"].display(lang),
        "previous": ytd["compare"].display(lang),
        "change": ctx.t("change"),
    }
    return {
        "title": ctx.t("ytd_title", period=ytd["period"].display(lang)),
        "table": html_table(pl.DataFrame(rows), columns, css_class="ind-table ind-ytd"),
    }


# --------------------------------------------------------------------------- air


@section
@_city_air_only("air")
def air_calendar(ctx: ReportContext) -> Section:
    """AQI calendar heat map in the HJ 633 category colours."""
    p = ctx.params.period
    fig = charts.aqi_calendar(ctx.daily, start=p.start, end=p.end, lang=ctx.lang)
    return Section("air", ctx.t("air"), _parts("air_calendar", [fig]))


@section
@_city_air_only(None)
def air_monthly(ctx: ReportContext) -> Section:
    """Days per AQI category, by month (stacked, official colours)."""
    p = ctx.params.period
    fig = charts.monthly_categories(ctx.daily, start=p.start, end=p.end, lang=ctx.lang)
    parts = _parts("air_monthly", [fig])
    return Section("air_monthly", ctx.t("monthly_categories"), parts, level=0)


def _statistics(ctx: ReportContext, summary: dict[str, Any]) -> list[dict[str, Any]]:
    hj663 = standards.edition_in_force("HJ 663", summary["end"])
    return charts.concentration_statistics(
        summary, hj663=hj663, limits_edition=ctx.summary["limits_edition"]
    )


@section
@_city_air_only(None)
def air_concentrations(ctx: ReportContext) -> Section:
    """The HJ 663 statistic of each pollutant in percent of its GB 3095 class-2 limit."""
    names = (ctx.params.period.display(ctx.lang), ctx.params.compare.display(ctx.lang))
    previous = _statistics(ctx, ctx.previous) if ctx.previous else None
    fig = charts.concentrations_vs_limits(
        _statistics(ctx, ctx.summary), previous, lang=ctx.lang, names=names
    )
    parts = _parts(
        "air_concentrations",
        [fig],
        label=ctx.t("limits_edition"),
        edition=term(ctx.summary["limits_edition"], ctx.lang),
    )
    return Section("air_concentrations", ctx.t("concentrations"), parts, level=0)


@section
@_city_air_only(None)
def air_primary(ctx: ReportContext) -> Section:
    """Shares of the days on which each pollutant was primary."""
    fig = charts.primary_pollutant_shares(ctx.summary, lang=ctx.lang)
    return Section("air_primary", ctx.t("primary_shares"), _parts("air_primary", [fig]), level=0)


#: Rows of the period evaluation table: (summary column, label key or None for the column name).
_EVALUATION_ROWS: tuple[str, ...] = (
    "total_days",
    "valid_days",
    "good_days",
    "excellent_days",
    "heavy_days",
    "good_day_ratio",
    *[f"days_level{k}" for k in range(1, 7)],
    "SO2",
    "NO2",
    "PM10",
    "PM2.5",
    "CO_P95",
    "O3_MDA8_P90",
    "PM10_P95",
    "PM2.5_P95",
    "composite_index",
    "attains",
    "required_days",
    "period_valid",
    "aqi_edition",
    "limits_edition",
)


def _row_label(ctx: ReportContext, column: str) -> str:
    if column.startswith("days_level"):
        cats = charts.category_colours(standards.EDITIONS["HJ 633"][-1].name, ctx.lang)
        level = int(column.removeprefix("days_level"))
        name = next(c["name"] for c in cats if c["level"] == level)
        return f"{ctx.t('days')}: {name}"
    if column in AIR_POLLUTANTS:
        return f"{column} {ctx.t('stat_mean')} [µg/m³]"
    if "_P" in column:
        pol, p = column.rsplit("_P", 1)
        unit = "mg/m³" if pol == "CO" else "µg/m³"
        name = ctx.t("o3_mda8") if pol == "O3_MDA8" else pol.replace("_", " ")
        return f"{name} {ctx.t('stat_percentile', p=p)} [{unit}]"
    if column == "good_day_ratio":
        return f"{ctx.t(column)} [%]"
    return ctx.t(column)


@section
@_city_air_only(None)
def air_evaluation(ctx: ReportContext) -> Section:
    """Period evaluation table, the edition used, and the comparison under the same edition."""
    lang = ctx.lang
    columns = {
        "row": ctx.t("statistic"),
        "current": ctx.params.period.display(lang),
        "previous": ctx.params.compare.display(lang),
        "change": ctx.t("change"),
    }
    rows = [_evaluation_row(ctx, col) for col in _EVALUATION_ROWS if col in ctx.summary]
    rules = comparison_rules(ctx.summary, ctx.previous) if ctx.recomputed is not None else None
    if rules is not None:  # the change column follows the values it is taken against
        change_header = columns.pop("change")
        columns["recomputed"] = ctx.t(
            "recomputed", compare=ctx.params.compare.display(lang), edition=rules[0]
        )
        columns["change"] = change_header
    table = html_table(pl.DataFrame(rows), columns, css_class="ind-table ind-eval")
    mode = ctx.t("mode_auto" if ctx.params.edition == "auto" else "mode_forced")
    same = None if rules is None else ctx.t("same_edition", edition=rules[0], limits=rules[1])
    parts = _parts(
        "air_evaluation",
        editions=ctx.t("editions_used", editions=ctx.summary["aqi_edition"], mode=mode),
        same_edition=same,
        table=table,
        three_year=three_year_line(ctx),
    )
    return Section("air_evaluation", ctx.t("evaluation"), parts, level=3)


def _evaluation_row(ctx: ReportContext, col: str) -> dict[str, str]:
    """A row of the evaluation table: the statistic in the period, the comparison, the change."""
    change = ctx.change.get(
        f"{col}_change_pp", ctx.change.get(f"{col}_change_pct", ctx.change.get(f"{col}_change"))
    )
    unit = (
        ""
        if change is None
        else (
            ctx.t("pp")
            if f"{col}_change_pp" in ctx.change
            else "%"
            if f"{col}_change_pct" in ctx.change
            else ""
        )
    )
    # a figure of the glossary is printed with its decimals, as the cards print it
    d = INDICATORS[col].decimals if col in INDICATORS else None
    row = {
        "row": _row_label(ctx, col),
        "current": _fmt(term(ctx.summary[col], ctx.lang), d),
        # a comparison period without data says so, once per row, rather than "—"
        "previous": _fmt(term(ctx.previous.get(col), ctx.lang), d)
        if ctx.previous
        else ctx.t("no_value"),
        "change": "—" if change is None else f"{change:+g}{unit}",
    }
    if ctx.recomputed is not None:
        row["recomputed"] = _fmt(term(ctx.recomputed.get(col), ctx.lang), d)
    return row


# --------------------------------------------------------------------------- targets


def _stored_tracking(ctx: ReportContext) -> dict[str, Any] | None:
    """The city's target tracking from the figures store (its row of ``tracking``), or None.

    The store's are computed under the data folder's (or the demo) targets: a report
    given a targets file of its own computes its city's.
    """
    if ctx.params.targets is not None:
        return None
    return tracking.city_tracking(ctx.cities.tracking, ctx.params.city)


def _no_target_reason(ctx: ReportContext) -> str:
    p = ctx.params
    per = p.period
    if (per.start.month, per.start.day) != (1, 1) or per.end.year != per.start.year:
        return ctx.t("targets_not_ytd")
    if ctx.targets is None:
        return ctx.t("no_targets_file")
    return ctx.t("no_city_target", city=p.city, year=per.start.year)


def target_figures(ctx: ReportContext) -> dict[str, Any] | None:
    """The year to date against the targets, what the rest of the year must achieve, projections.

    Returns
    -------
    dict or None
        None when the report has no target for the city and year (see
        :func:`load_targets`); else ``year``, ``as_of`` (last day with data),
        ``good_days`` (the row of :func:`indicators.targets.good_days_needed`),
        ``PM2.5`` (of :func:`indicators.targets.pm25_remaining_mean`),
        ``projection`` (``{"good_day_ratio": row, "PM2.5": row}`` of
        :func:`indicators.targets.project_year_end`) and ``progress``
        (``{indicator: row}`` of :func:`indicators.targets.target_progress` on
        the published period figures, as the headline).

    Notes
    -----
    The year to date is the report period's city daily AQI (the editions in
    force each day, or the forced one). The year-end projection takes the rest
    of the year from the same days of earlier years in :attr:`ReportContext.history`,
    recomputed under :attr:`ReportContext.history_edition`: the edition the rest
    of the year is computed under. In 2026 the year to date mixes HJ 633-2012
    (January, February) and HJ 633-2026 days on purpose, so the projection's
    warning about mixed editions is not raised for that combination.
    """
    if "targets" not in ctx.cache:
        year = ctx.params.period.start.year
        result = _stored_tracking(ctx)
        if result is not None:  # the air targets, as the section shows them
            air_ = {k: r for k, r in result["progress"].items() if INDICATORS[k].domain == "air"}
            result = {**result, "progress": air_}
        elif tracking.has_target(ctx.targets, ctx.params.city, year):
            result = {
                **tracking.year_to_date_tracking(
                    ctx.daily, ctx.history, ctx.targets, year=year, edition=ctx.params.edition
                ),
                "progress": _target_rows(ctx, _air_headline(ctx)),
            }
        ctx.cache["targets"] = result
    return ctx.cache["targets"]


def _remaining_text(ctx: ReportContext, key: str, f: dict[str, Any]) -> str:
    if key == "good_day_ratio":
        g = f["good_days"]
        if g["days_remaining"] == 0:
            return ctx.t("year_complete")
        if g["good_days_needed"] == 0:
            return ctx.t("good_days_secured")
        if not g["attainable"]:
            return ctx.t(
                "good_days_out_of_reach", need=g["good_days_needed"], days=g["days_remaining"]
            )
        return ctx.t(
            "good_days_needed",
            need=g["good_days_needed"],
            days=g["days_remaining"],
            ratio=f"{g['required_ratio_remaining']:.1f}",
        )
    if key == "PM2.5":
        m = f["PM2.5"]
        if m["days_remaining"] == 0:
            return ctx.t("year_complete")
        if m["required_mean_remaining"] is None:
            return "—"
        if not m["attainable"]:
            return ctx.t("pm25_out_of_reach")
        return ctx.t(
            "pm25_remaining", value=f"{m['required_mean_remaining']:.1f}", days=m["days_remaining"]
        )
    return "—"


def _projection_text(ctx: ReportContext, key: str, f: dict[str, Any]) -> str:
    proj = f["projection"].get(key)
    if proj is None or proj["days_remaining"] == 0:
        return "—"
    if proj["projected"] is None:
        return ctx.t("no_projection")
    unit = "%" if key == "good_day_ratio" else " µg/m³"
    value = f"{proj['projected']:.1f}{unit}"
    low, high = f"{proj['projected_low']:.1f}", f"{proj['projected_high']:.1f}"
    if proj["n_years"] == 1:
        text = ctx.t("projection_one", value=value)
    else:
        text = ctx.t("projection", value=value, low=low, high=high, n=proj["n_years"])
    if proj["projected_meets"] is not None:
        text += ctx.t("projected_met" if proj["projected_meets"] else "projected_missed")
    return text


@section
@_city_air_only("target_tracking")
def target_tracking(ctx: ReportContext) -> Section:
    """Target tracking: the year to date against the targets and what the rest of the year needs.

    Only for a period from 1 January with targets for the city and year
    (:func:`target_figures`); otherwise one line saying why.
    """
    f = target_figures(ctx)
    if f is None:
        return _missing_line(ctx, "target_tracking", _no_target_reason(ctx))
    ctx.cited["targets"] = ctx.t("cite_targets")
    g = f["good_days"]
    if g["days_remaining"] == 0:
        as_of = ctx.t("as_of_complete", date=f["as_of"], year=f["year"])
    else:
        elapsed = (f["as_of"] - date(f["year"], 1, 1)).days + 1
        as_of = ctx.t("as_of", date=f["as_of"], elapsed=elapsed, days=g["days_remaining"])
    rows = []
    for card in CARDS:
        prog = f["progress"].get(card.key)
        if prog is None or prog["target"] is None:
            continue
        unit = card.symbol if card.symbol in ("", "%") else f" {card.symbol}"
        value = _fmt(float(prog["value"]), card.decimals) + unit
        if card.key == "good_day_ratio":
            value += ctx.t("good_of_valid", good=g["good_days"], valid=g["valid_days"])
        op = "≤" if card.lower_is_better else "≥"
        rows.append(
            {
                "indicator": ctx.t(card.key),
                "value": value,
                "target": f"{op} {_fmt(prog['target'])}{unit}",
                "met": ctx.t("target_met" if prog["meets"] else "target_missed"),
                "remaining": _remaining_text(ctx, card.key, f),
                "projection": _projection_text(ctx, card.key, f),
            }
        )
    table = html_table(
        pl.DataFrame(rows),
        {
            "indicator": ctx.t("indicator"),
            "value": ctx.t("year_to_date"),
            "target": ctx.t("target"),
            "met": ctx.t("status_to_date"),
            "remaining": ctx.t("rest_of_year"),
            "projection": ctx.t("year_end_projection"),
        },
        styles=lambda row, col: (
            cell_style("met" if row["met"] == ctx.t("target_met") else "missed")
            if col == "met"
            else None
        ),
    )
    method = None  # how the year end is projected, while days remain
    if g["days_remaining"]:
        method = ctx.t("projection_method", edition=ctx.history_edition)
    parts = _parts("target_tracking", as_of=as_of, table=table, method=method)
    return Section("target_tracking", ctx.t("target_tracking"), parts)


# --------------------------------------------------------------------------- ranking

#: Most cities the ranking table lists in full; beyond, the best and worst half of this
#: number by composite index and the report city (a presentation choice).
RANK_TABLE_ROWS = 20


def _rankings(ctx: ReportContext) -> tuple[pl.DataFrame, dict[str, str]]:
    """The figures store's ranks of every city (:func:`indicators.figures.city_ranks`)."""
    f = ctx.cities
    if f.ranks is None:  # a store written before ranks were kept
        f.ranks, f.rank_refused = figures.city_ranks(f.summary, f.previous)
    return f.ranks, f.rank_refused


def set_ranks(ctx: ReportContext) -> pl.DataFrame:
    """The city's composite-index rank in each official set and its province.

    :func:`indicators.figures.set_ranks` on the period evaluation of every city of
    the folder (:attr:`ReportContext.cities`).
    """
    if "set_ranks" not in ctx.cache:
        ctx.cache["set_ranks"] = _city_set_ranks(ctx, ctx.cities)
    return ctx.cache["set_ranks"]


def _city_set_ranks(ctx: ReportContext, store: CityFigures) -> pl.DataFrame:
    """The report city's rows of a store's ``set_ranks`` (computed here without them)."""
    if store.set_ranks is None:
        return figures.set_ranks(ctx.params.data, store.summary, ctx.params.city)
    return store.set_ranks.filter(pl.col("city") == ctx.params.city).drop("city")


def set_lists(ctx: ReportContext) -> pl.DataFrame:
    """The MEE lists of each official set the city is ranked in (and of its province).

    The figures store's ``set_lists`` (:func:`indicators.figures.set_tables`: best and
    worst 20 by the composite index and by its change), cut to the sets of
    :func:`set_ranks`.
    """
    if "set_lists" not in ctx.cache:
        ctx.cache["set_lists"] = _city_set_lists(ctx, ctx.cities, set_ranks(ctx))
    return ctx.cache["set_lists"]


def _city_set_lists(ctx: ReportContext, store: CityFigures, mine: pl.DataFrame) -> pl.DataFrame:
    """A store's ``set_lists`` cut to the sets of the city's set ranks ``mine``."""
    lists = store.set_lists
    if lists is None:  # figures computed without a store
        stations = pl.read_parquet(contract.table_file(ctx.params.data, "stations"))
        lists = figures.set_tables(stations, store.summary, store.previous)
    if mine.is_empty() or lists.is_empty():
        return lists.clear()
    keys = mine.select("set", "set_zh")
    return lists.join(keys, on=["set", "set_zh"], how="semi", maintain_order="left")


def _list_title(ctx: ReportContext, name: str, rows: pl.DataFrame, whole: bool) -> str:
    """The list's span, ending at its last rank ("第1名至第20名", "倒数第1名至并列倒数第19名")."""
    last = rows.row(rows.height - 1, named=True)
    tie = ctx.t("list_tie") if last["tied"] else ""
    key = f"list_{name}_all" if whole else f"list_{name}"
    return ctx.t(key, last=last["rank"], tie=tie, n=last["n_ranked"])


def _list_table(ctx: ReportContext, name: str, rows: pl.DataFrame, whole: bool) -> dict[str, Any]:
    """One MEE list of a set: its title (its span of ranks) and its table."""
    change = name.startswith("change")
    worst = name.endswith("worst") and not whole
    columns = {
        "rank": ctx.t("rank_from_worst" if worst else "rank"),
        "city": ctx.t("city"),
        "current": ctx.t("composite_index"),
    }
    if change:
        columns["value"] = ctx.t("change_rate")
    shown = rows.with_columns(
        rank=pl.col("rank").cast(pl.String)
        + pl.when("tied").then(pl.lit(ctx.t("tied"))).otherwise(pl.lit("")),
    )
    table = html_table(
        shown,
        columns,
        formats={
            "current": lambda v: f"{v:.2f}",
            "value": lambda v: _rank_value(figures.CHANGE_RANK, v),
        },
        styles=lambda row, col: _HIGHLIGHT if row["city"] == ctx.params.city else None,
        css_class="ind-table ind-set-list",
    )
    return {"title": _list_title(ctx, name, rows, whole), "table": table}


def _set_list_views(ctx: ReportContext, year_to_date: bool = False) -> list[dict[str, Any]]:
    """Per set: its size and data coverage (``head``), its lists by index and change, a note.

    Of the period, or of its year to date (1—N月累计: every list shown, as there is no
    table of every city's year to date).
    """
    if year_to_date:
        ranks = _year_to_date_sets(ctx)
        lists = _year_to_date_set_lists(ctx)
    else:
        ranks, lists = set_ranks(ctx), set_lists(ctx)
    views = []
    shown: dict[tuple, str] = {}  # the lists shown, as (list, rank, city) rows -> their set
    for r in ranks.iter_rows(named=True):
        mine = lists.filter(pl.col("set") == r["set"], pl.col("set_zh") == r["set_zh"])
        if mine.is_empty():
            continue
        notes = [_set_note(ctx, mine)]
        rows = tuple(mine.select("list", "rank", "city").rows())
        if not year_to_date and _same_as_ranking(ctx, mine):  # it would repeat the table
            tables = []
            notes.insert(0, ctx.t("set_same_as_ranking", n=mine["n_ranked"].max()))
        elif rows in shown:  # the data hold the same cities of both sets: the same lists
            tables = []
            notes.insert(0, ctx.t("set_same_as_set", set=shown[rows]))
        else:
            tables = _set_tables(ctx, mine)
            shown[rows] = r["set_zh"] if ctx.lang == "zh" else r["set_en"]
        views.append({"head": _set_head(ctx, r), "lists": tables, "notes": [n for n in notes if n]})
    return views


def _same_as_ranking(ctx: ReportContext, mine: pl.DataFrame) -> bool:
    """Whether a set's lists hold exactly the cities of the ranking table (every city shown)."""
    table = ranking_table(ctx)
    if table.height > RANK_TABLE_ROWS:  # the table is cut: the lists show what it does not
        return False
    ranked = set(table.filter(pl.col("composite_index_rank").is_not_null())["city"])
    best = mine.filter(pl.col("list") == "best")
    whole = best.height > 0 and best.height == best["n_ranked"].max()
    return whole and set(best["city"]) == ranked


def _set_head(ctx: ReportContext, r: dict[str, Any]) -> str:
    """A set's name and size, how many of its cities the data have, whether it is verified."""
    name = r["set_zh"] if ctx.lang == "zh" else r["set_en"]
    head = ctx.t("set_list_head", set=name, size=r["set_size"])
    if r["n_in_data"] < r["set_size"]:
        head = ctx.t("set_list_head_partial", set=name, size=r["set_size"], n=r["n_in_data"])
    if not r["verification"].startswith("VERIFIED"):
        head += ctx.t("set_list_unverified")
    return head


def _set_tables(ctx: ReportContext, mine: pl.DataFrame) -> list[dict[str, Any]]:
    """A set's best and worst lists by the index, then by its change (:func:`_list_table`)."""
    tables = []
    for best, worst in (("best", "worst"), ("change_best", "change_worst")):
        top = mine.filter(pl.col("list") == best)
        bottom = mine.filter(pl.col("list") == worst)
        # a worst list of the very cities of the best list (a small set) is not repeated
        whole = top.height == top["n_ranked"].max() and set(top["city"]) == set(bottom["city"])
        if top.height:
            tables.append(_list_table(ctx, best, top, whole))
        if bottom.height and not whole:
            tables.append(_list_table(ctx, worst, bottom, False))
    return tables


def _set_note(ctx: ReportContext, mine: pl.DataFrame) -> str | None:
    """How many attaining cities the worst list by change leaves out, or None."""
    out = mine.filter(pl.col("list") == "change_best")["n_ranked"].max()
    kept = mine.filter(pl.col("list") == "change_worst")["n_ranked"].max()
    if out is not None and (kept or 0) < out:
        return ctx.t("list_attaining_out", k=out - (kept or 0))
    return None


def _set_rank_lines(ctx: ReportContext) -> list[str]:
    return [_set_rank_line(ctx, r) for r in set_ranks(ctx).iter_rows(named=True)]


def _set_rank_line(ctx: ReportContext, r: dict[str, Any]) -> str:
    """The city's rank in one set, with its coverage and verification notes."""
    name = r["set_zh"] if ctx.lang == "zh" else r["set_en"]
    rank = _rank_text(ctx, r["rank"], r["tied"])
    text = ctx.t("set_rank_line", set=name, rank=rank, n=r["n_ranked"])
    notes = []
    if not r["complete"]:
        notes.append(ctx.t("set_incomplete", n=r["n_ranked"], size=r["set_size"]))
    if not r["verification"].startswith("VERIFIED"):
        notes.append(ctx.t("set_unverified"))
    if notes:
        text += ctx.t("set_rank_notes", notes=("；" if ctx.lang == "zh" else "; ").join(notes))
    return text


def ranking_table(ctx: ReportContext) -> pl.DataFrame:
    """Every city of the data folder ranked by each ranked figure and by the change.

    The ``ranks`` table of the figures store (:func:`indicators.figures.city_ranks`:
    :func:`indicators.ranking.rank_cities` and :func:`indicators.ranking.rank_change`
    on the period evaluation of every city, like for like).
    """
    return _rankings(ctx)[0]


def _rank_text(ctx: ReportContext, rank: int | None, tied: bool | None) -> str:
    if rank is None:
        return "—"
    return f"{rank}{ctx.t('tied') if tied else ''}"


def _rank_value(name: str, value: float | None) -> str:
    """A ranked value as printed: the indicator's decimals and unit; a change in percent."""
    if value is None:
        return "—"
    if name == figures.CHANGE_RANK:
        sign = "+" if value > 0 else ""
        return f"{sign}{value:.1f}%".replace("-", "−")
    i = INDICATORS[name]
    unit = i.symbol if i.symbol in ("", "%") else f" {i.symbol}"
    return f"{value:.{i.decimals}f}{unit}".replace("-", "−")


@section
@_city_air_only("ranking")
def ranking(ctx: ReportContext) -> Section:
    """The city's rank among the data folder's cities: composite index, good days, PM2.5, change."""
    table, refused = _rankings(ctx)
    ctx.cited["ranking"] = ctx.t("cite_ranking")
    names = [*figures.RANK_INDICATORS, figures.CHANGE_RANK]
    shown = _ranking_shown(ctx, table)
    parts = _parts(
        "ranking",
        lines=_rank_lines(ctx, table, names),
        set_ranks=ctx.t("set_ranks"),
        set_lines=_set_rank_lines(ctx),
        ytd=_year_to_date_ranks(ctx, names),
        sets=_set_list_views(ctx),
        ytd_sets=_set_list_views(ctx, year_to_date=True) if _year_to_date_store(ctx) else [],
        ytd_sets_title=_year_to_date_lists_title(ctx),
        table=_ranking_table_html(ctx, shown, names),
        notes=_ranking_notes(ctx, refused, shown.height, table.height),
    )
    meta = {"ranks": _ranks_json(ctx, names, shown, table.height)}
    meta["ranks"]["year_to_date"] = _year_to_date_ranks_json(ctx, names)
    return Section("ranking", ctx.t("ranking"), parts, meta)


def _year_to_date_store(ctx: ReportContext) -> CityFigures | None:
    """The figures store of the year to date (1—N月累计), when the report has one."""
    if year_to_date_values(ctx) is None:
        return None
    return ctx.cache.get("year_to_date_store")


def _year_to_date_ranks(ctx: ReportContext, names: list[str]) -> dict[str, Any] | None:
    """1—N月累计 ranks, as the monthly bulletins give them: among the folder's cities, per set."""
    store = _year_to_date_store(ctx)
    if store is None or store.ranks is None:
        return None
    lines = _rank_lines(ctx, store.ranks, names)
    lines += [_set_rank_line(ctx, r) for r in _year_to_date_sets(ctx).iter_rows(named=True)]
    if not lines:
        return None
    period = year_to_date_values(ctx)["period"].display(ctx.lang)
    return {"title": ctx.t("ytd_ranks", period=period), "lines": lines}


def _year_to_date_ranks_json(ctx: ReportContext, names: list[str]) -> dict[str, Any] | None:
    """The year-to-date ranks as JSON values: the city's row of the ranks and its set ranks."""
    store = _year_to_date_store(ctx)
    if store is None or store.ranks is None:
        return None
    mine = store.ranks.filter(pl.col("city") == ctx.params.city)
    return {
        "period": _period_json(year_to_date_values(ctx)["period"], ctx.lang),
        "rows": mine.select(_rank_columns(names)).to_dicts(),
        "sets": _sets_json(_year_to_date_sets(ctx)),
        "set_lists": _year_to_date_set_lists(ctx).to_dicts(),
    }


def _year_to_date_lists_title(ctx: ReportContext) -> str | None:
    ytd = year_to_date_values(ctx)
    return None if ytd is None else ctx.t("ytd_set_lists", period=ytd["period"].display(ctx.lang))


def _year_to_date_set_lists(ctx: ReportContext) -> pl.DataFrame:
    """The MEE lists of the year to date, of the sets the city is ranked in, once."""
    if "year_to_date_set_lists" not in ctx.cache:
        store = _year_to_date_store(ctx)
        lists = _city_set_lists(ctx, store, _year_to_date_sets(ctx))
        ctx.cache["year_to_date_set_lists"] = lists
    return ctx.cache["year_to_date_set_lists"]


def _year_to_date_sets(ctx: ReportContext) -> pl.DataFrame:
    """The city's set ranks of the year to date (:func:`set_ranks` of that store), once."""
    if "year_to_date_sets" not in ctx.cache:
        ctx.cache["year_to_date_sets"] = _city_set_ranks(ctx, _year_to_date_store(ctx))
    return ctx.cache["year_to_date_sets"]


def _rank_lines(ctx: ReportContext, table: pl.DataFrame, names: list[str]) -> list[str]:
    """The city's rank by each ranked figure, one line each (none when it is not ranked)."""
    mine = table.filter(pl.col("city") == ctx.params.city)
    if not mine.height:
        return []
    row = mine.row(0, named=True)
    return [
        ctx.t(
            "rank_line",
            indicator=ctx.t(name),
            value=_rank_value(name, row[name]),
            rank=_rank_text(ctx, row[f"{name}_rank"], row[f"{name}_tied"]),
            n=row[f"{name}_n"],
        )
        for name in names
        if row[f"{name}_rank"] is not None
    ]


def _ranking_shown(ctx: ReportContext, table: pl.DataFrame) -> pl.DataFrame:
    """The cities the ranking table lists: all, or beyond :data:`RANK_TABLE_ROWS` the ends."""
    if table.height <= RANK_TABLE_ROWS:
        return table
    half = RANK_TABLE_ROWS // 2  # best and worst N, every city tied at the cut included
    ends = table.filter(
        (pl.col("composite_index_rank") <= half) | (pl.col("composite_index_from_worst") <= half)
    )
    keep = {*ends["city"].to_list(), ctx.params.city}
    return table.filter(pl.col("city").is_in(sorted(keep)))


def _ranking_table_html(ctx: ReportContext, shown: pl.DataFrame, names: list[str]) -> Markup:
    """The ranking table: per city each ranked value and its rank, the report city marked."""
    columns = {"city": ctx.t("city")}
    for name in names:
        columns[f"{name}_text"] = ctx.t(name)
        columns[f"{name}_label"] = ctx.t("rank")
    rows = []
    for r in shown.iter_rows(named=True):
        row = {"city": r["city"]}
        for name in names:
            row[f"{name}_text"] = _rank_value(name, r[name])
            row[f"{name}_label"] = _rank_text(ctx, r[f"{name}_rank"], r[f"{name}_tied"])
        rows.append(row)
    return html_table(
        pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String)),
        columns,
        styles=lambda row, col: _HIGHLIGHT if row["city"] == ctx.params.city else None,
        css_class="ind-table ind-ranking",
    )


def _ranking_notes(
    ctx: ReportContext, refused: dict[str, str], n_shown: int, n_cities: int
) -> list[str]:
    """The notes under the ranking table: rows left out, the comparison, ranks refused."""
    f = ctx.cities
    compare = ctx.params.compare.display(ctx.lang)
    notes = []
    if n_shown < n_cities:
        notes.append(ctx.t("rank_rows_cut", n=n_cities, k=RANK_TABLE_ROWS // 2))
    if f.previous is None:
        notes.append(ctx.t("rank_no_compare", compare=compare))
    elif f.rules is not None:
        notes.append(
            ctx.t("rank_change_recomputed", compare=compare, edition=f.rules[0], limits=f.rules[1])
        )
    notes += [ctx.t("rank_refused", indicator=ctx.t(n), why=why) for n, why in refused.items()]
    return notes + _not_ranked_notes(ctx)


def _not_ranked_notes(ctx: ReportContext) -> list[str]:
    """The cities not ranked: those whose data failed, by name and why; the others counted."""
    f = ctx.cities
    no_hours = _failed_reason(ctx, "")
    failed = {city: why for city, why in f.failed.items() if why != no_hours}
    notes = []
    if failed:
        sep, paren = ("；", "（{}）") if ctx.lang == "zh" else ("; ", " ({})")
        why = sep.join(city + paren.format(reason) for city, reason in failed.items())
        notes.append(ctx.t("not_ranked", cities=why))
    if len(failed) < len(f.failed):  # one count, not a list of every city of the station list
        notes.append(ctx.t("not_ranked_no_hours", n=len(f.failed) - len(failed)))
    return notes


def _ranks_json(
    ctx: ReportContext, names: list[str], shown: pl.DataFrame, n_cities: int
) -> dict[str, Any]:
    """The ranks the section shows, as JSON values (the figures store's rows, unformatted)."""
    return {
        "indicators": names,
        "cities": n_cities,
        "rows": shown.select(_rank_columns(names)).to_dicts(),
        "sets": _sets_json(set_ranks(ctx)),
        "set_lists": set_lists(ctx).to_dicts(),
    }


def _rank_columns(names: list[str]) -> list[str]:
    """Columns of the ranks table the report embeds: the city, per figure value and rank."""
    return ["city", *(f"{n}{s}" for n in names for s in ("", "_rank", "_tied", "_n"))]


_SET_KEYS = ("set", "set_zh", "set_en", "set_size", "n_ranked", "rank", "tied", "complete")


def _sets_json(sets: pl.DataFrame) -> list[dict[str, Any]]:
    """The city's set ranks (:func:`set_ranks` rows) as JSON values."""
    return [{k: r[k] for k in (*_SET_KEYS, "verification")} for r in sets.iter_rows(named=True)]


#: Class of the tables too wide for a portrait A4 page (printed on landscape pages).
WIDE_TABLE = "ind-table ind-wide"
#: Class of the tables of many narrow columns (printed in a smaller type).
COMPACT_TABLE = "ind-table ind-compact"

#: Style of the report city's row in the ranking tables (defined in the section templates).
_HIGHLIGHT = cell_style("highlight")


# --------------------------------------------------------------------------- trends

#: Fewest months from the first month of data to the period's last for a trend: two
#: annual cycles (a statistical choice of the report, not a regulatory number).
MIN_TREND_MONTHS = 24


def trend_series(ctx: ReportContext) -> dict[str, pl.DataFrame]:
    """Monthly values of each of :data:`TREND_INDICATORS`, from the first month of data.

    The figures store's rows of the city
    (:func:`indicators.figures.monthly_trends.city_trend_series` of the city daily AQI
    history up to the period's last day): PM2.5 mean and the
    good-day ratio (valid AQI days, GB 3095 Table 4 day counts), O3 MDA8 90th
    percentile (HJ 663 day counts); row i is month i of the series.

    Returns
    -------
    dict
        Key -> frame ``period_start``, ``value``, ``n_days`` (valid days),
        ``min_days``, ``period_valid``, ``statistic``, ``standard``.
    """
    if "trend_series" not in ctx.cache:
        stored = ctx.cities.trend_series
        if stored is None:  # pragma: no cover - a store without station hours
            got = monthly_trends.trend_series(ctx.history, ctx.params.period.end)
        else:
            got = monthly_trends.series_of(stored, ctx.params.city)
        ctx.cache["trend_series"] = got
    return ctx.cache["trend_series"]


def trend_results(ctx: ReportContext) -> pl.DataFrame:
    """Theil–Sen slope and Mann–Kendall test of each monthly series of :func:`trend_series`.

    The figures store's rows of the city
    (:func:`indicators.figures.monthly_trends.city_trend_results` at :data:`TREND_ALPHA`).

    Returns
    -------
    polars.DataFrame
        One row per indicator: ``indicator`` and the columns of
        :func:`indicators.trends.trend_test` (``n`` valid months,
        ``n_excluded``, ``slope_per_year`` [unit/yr], ``slope_pct_per_year``
        [%/yr], ``p_value``...), plus ``ci_low_per_year``, ``ci_high_per_year``
        [unit/yr] and ``significant`` (p < :data:`TREND_ALPHA`).
    """
    if "trend_results" not in ctx.cache:
        stored = ctx.cities.trends
        if stored is None:  # pragma: no cover - a store without station hours
            got = monthly_trends.trend_results(trend_series(ctx), TREND_ALPHA)
        else:
            got = monthly_trends.results_of(stored, ctx.params.city)
        ctx.cache["trend_results"] = got
    return ctx.cache["trend_results"]


#: Units of the trend indicators (per year: "%" of the good-day ratio is percentage points).
_TREND_UNITS: dict[str, str] = {"PM2.5": "µg/m³", "O3_MDA8_P90": "µg/m³", "good_day_ratio": "%"}


def _p_text(p: float) -> str:
    if p < 0.001:
        return "p<0.001"
    return f"p={p:.3f}" if p < 0.01 else f"p={p:.2f}"


def trend_verdict(ctx: ReportContext, row: dict[str, Any]) -> str:
    """One line in plain words for a row of :func:`trend_results`.

    A significant trend (p < :data:`TREND_ALPHA`) gives direction, size per
    year (percent of the starting level; percentage points for the good-day
    ratio) and whether it is an improvement; otherwise "no significant trend".
    """
    key = row["indicator"]
    name = ctx.t(key)
    if row["slope"] is None:
        return ctx.t("trend_too_few", indicator=name, n=row["n"])
    p = _p_text(row["p_value"])
    if not row["significant"]:
        return ctx.t("trend_none", indicator=name, p=p)
    up = row["slope_per_year"] > 0
    if key == "good_day_ratio":
        size = f"{abs(row['slope_per_year']):.1f}{ctx.t('pp')}"
    elif row["slope_pct_per_year"] is None:
        size = f"{abs(row['slope_per_year']):.1f} {_TREND_UNITS[key]}"
    else:
        size = f"{abs(row['slope_pct_per_year']):.1f}%"
    better = up != INDICATORS[key].lower_is_better
    return ctx.t(
        "trend_significant",
        indicator=name,
        direction=ctx.t("rises" if up else "falls"),
        size=size,
        p=p,
        judgement=ctx.t("better" if better else "worse"),
    )


def _month_text(ctx: ReportContext, d: date) -> str:
    return f"{d.year}年{d.month}月" if ctx.lang == "zh" else f"{d.year}-{d.month:02d}"


@section
@_city_air_only("trends")
def trends(ctx: ReportContext) -> Section:
    """Monthly trends of PM2.5, O3 MDA8 P90 and the good-day ratio: Sen slope, Mann–Kendall p."""
    series = trend_series(ctx)
    months = next(iter(series.values()))["period_start"]
    span = f"{_month_text(ctx, months[0])}–{_month_text(ctx, months[-1])}"
    if months.len() < MIN_TREND_MONTHS:
        why = ctx.t("trend_too_short", months=months.len(), need=MIN_TREND_MONTHS, span=span)
        return _missing_line(ctx, "trends", why)
    ctx.cited["trends"] = ctx.t("cite_trends")
    results = trend_results(ctx)
    verdicts = [trend_verdict(ctx, r) for r in results.iter_rows(named=True)]
    about = ctx.t("trend_span", span=span, months=months.len(), edition=ctx.history_edition)
    table = html_table(
        pl.DataFrame(_trend_rows(ctx, results)),
        {
            "indicator": ctx.t("indicator"),
            "n": ctx.t("months_used"),
            "n_excluded": ctx.t("months_excluded"),
            "slope": ctx.t("sen_slope"),
            "pct": ctx.t("pct_per_year"),
            "ci": ctx.t("slope_ci", level=round(100 * (1 - TREND_ALPHA))),
            "p": ctx.t("mk_p"),
        },
    )
    panels = [
        {
            "title": f"{ctx.t(r['indicator'])} [{_TREND_UNITS[r['indicator']]}]",
            "months": series[r["indicator"]]["period_start"].to_list(),
            "values": series[r["indicator"]]["value"].to_list(),
            "slope": r["slope"],
            "intercept": r["intercept"],
        }
        for r in results.iter_rows(named=True)
    ]
    parts = _parts(
        "trends",
        [charts.trend_panels(panels, lang=ctx.lang)],
        about=about,
        verdicts=verdicts,
        table=table,
        note=ctx.t("trend_method", alpha=TREND_ALPHA),
    )
    return Section("trends", ctx.t("trends"), parts, {"trends": _json_rows(results)})


def _trend_rows(ctx: ReportContext, results: pl.DataFrame) -> list[dict[str, Any]]:
    """The rows of the trends table: months used and left out, slope, its interval, p."""

    def num(v: float | None, fmt: str = "+.2f") -> str:
        return "—" if v is None else format(v, fmt).replace("-", "−")

    return [
        {
            "indicator": f"{ctx.t(r['indicator'])} [{_TREND_UNITS[r['indicator']]}]",
            "n": r["n"],
            "n_excluded": r["n_excluded"],
            "slope": num(r["slope_per_year"]),
            "pct": num(r["slope_pct_per_year"], "+.1f"),
            "ci": "—"
            if r["ci_low_per_year"] is None
            else f"{num(r['ci_low_per_year'])} … {num(r['ci_high_per_year'])}",
            "p": "—" if r["p_value"] is None else f"{r['p_value']:.3f}",
        }
        for r in results.iter_rows(named=True)
    ]


def _json_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (dates as ISO text), for a section's output metadata."""
    return [
        {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}
        for row in frame.iter_rows(named=True)
    ]


# --------------------------------------------------------------------------- other domains


def _figures(ctx: ReportContext, domain: str, *, previous: bool = False) -> dict[str, Any] | None:
    """A domain's figures for the period (or the comparison period), read once.

    Rebuilt from the figures store :attr:`ReportContext.cities` has read (every city's,
    computed once by the figures stage: :func:`indicators.figures.domains.city_figures`),
    the warnings computing them raised noted; computed here when the store does not hold
    them. None when the module, its tables or the city's sites are missing.
    """
    key = (domain, previous)
    if key not in ctx.cache:
        module, tables = domains.DOMAIN_TABLES[domain]
        if available(ctx.params.data, module, tables) is not None:
            ctx.cache[key] = None
            return None
        per = ctx.params.compare if previous else ctx.params.period
        ctx.cache[key] = _stored_figures(ctx, ctx.cities.domains, domain, per, previous)
    return ctx.cache[key]


def _stored_figures(
    ctx: ReportContext,
    stored: Mapping[str, pl.DataFrame] | None,
    domain: str,
    per: Any,
    previous: bool,
) -> dict[str, Any] | None:
    """The city's figures of a domain from a store entry's tables, computed when not there."""
    city = ctx.params.city
    try:
        got = domains.city_figures(stored, domain, city, previous=previous)
        said = domains.city_warnings(stored, domain, city, previous=previous)
        ctx.notes.extend(f"{domain}: {w}" for w in said)
    except domains.NotStoredError:
        compute = getattr(domains, f"{domain}_figures")
        got = _record_warnings(
            ctx.notes, domain, lambda: compute(ctx.params.data, city, per.start, per.end)
        )
    return got


def _missing_line(ctx: ReportContext, key: str, why: str) -> Section:
    """A section left out: one line with its name and why (no heading)."""
    line = render_macro(
        MACROS, "missing", key=key, name=ctx.t(key), text=ctx.t("not_available", why=why)
    )
    return Section(key, ctx.t(key), [line], {"missing": why}, level=0)


#: The sections of the other domains, in report order: (section key, domain).
DOMAIN_SECTIONS: tuple[tuple[str, str], ...] = (
    ("water_sections", "water"),
    ("water_lakes", "water"),
    ("drinking", "drinking"),
    ("sea", "sea"),
    ("blackodorous", "blackodorous"),
    ("noise", "noise"),
)


def _domain_reason(ctx: ReportContext, domain: str) -> str | None:
    """Why a domain has nothing to show for the city (no module, no table, no site), or None."""
    module, tables = domains.DOMAIN_TABLES[domain]
    why = available(ctx.params.data, module, tables)
    if why is not None:
        kind, what = why
        return (
            ctx.t("no_module", module=what) if kind == "module" else ctx.t("no_table", table=what)
        )
    if _figures(ctx, domain) is None:
        return ctx.t("no_sites", city=ctx.params.city)
    return None


def missing_domains(ctx: ReportContext) -> list[tuple[str, str]]:
    """``(section key, reason)`` of the domain sections with nothing to show, in report order."""
    if "missing_domains" not in ctx.cache:
        reasons = {d: _domain_reason(ctx, d) for d in dict(DOMAIN_SECTIONS).values()}
        ctx.cache["missing_domains"] = [(k, reasons[d]) for k, d in DOMAIN_SECTIONS if reasons[d]]
    return ctx.cache["missing_domains"]


def _domain_or_note(ctx: ReportContext, key: str, domain: str) -> dict[str, Any] | Section:
    """The domain's figures, or why there are none: one line for every such domain.

    The first domain section without data says, in one line, which domains have
    none and why; the later ones show nothing.
    """
    missing = missing_domains(ctx)
    why = dict(missing).get(key)
    if why is None:
        return _figures(ctx, domain)
    if key != missing[0][0]:
        return Section(key, ctx.t(key), [], {"missing": why, "folded": True}, level=0)
    by_reason: dict[str, list[str]] = {}
    for k, w in missing:  # the domains with one reason together, in report order
        by_reason.setdefault(w, []).append(ctx.t(k))
    zh = ctx.lang == "zh"
    text = ("；" if zh else "; ").join(
        f"{'、'.join(names)}（{w}）" if zh else f"{', '.join(names)} ({w})"
        for w, names in by_reason.items()
    )
    line = render_macro(
        MACROS, "folded", key=key, n=len(missing), text=ctx.t("domains_not_shown", list=text)
    )
    return Section(key, ctx.t(key), [line], {"missing": why}, level=0)


def _pairs(items: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    """A section's key figures as (name, value) texts, for the line above its table."""
    return [(name, _fmt(value)) for name, value in items]


def _colour_style(hex_colour: str | None) -> str | None:
    """Cell style with a class colour and a readable text colour (ITU-R BT.601 luma)."""
    if not hex_colour:
        return None
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    ink = "#000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#fff"
    return f"background:{hex_colour};color:{ink}"


@functools.cache
def _water_words_en() -> tuple[tuple[str, str], ...]:
    """Chinese water words of the domain outputs -> English, longest first.

    Status words (water_gb3838_classes, water_status_rules), trophic states
    (water_tli_classes) and item names (water_items), from the standards tables.
    """
    pairs: dict[str, str] = {}
    for name, zh, en in (
        ("water_gb3838_classes", "status_zh", "status_en"),
        ("water_status_rules", "status", "status_en"),
        ("water_tli_classes", "class", "class_en"),
        ("water_items", "item_zh", "item_en"),
    ):
        for a, b in standards.table(name).select(zh, en).unique().iter_rows():
            if a and b:
                pairs.setdefault(a, b)
    return tuple(sorted(pairs.items(), key=lambda p: -len(p[0])))


def _water_text(ctx: ReportContext, text: Any) -> Any:
    """A water status, trophic state or item list in the report language."""
    if ctx.lang == "zh" or not isinstance(text, str):
        return text
    for zh, en in _water_words_en():
        text = text.replace(zh, en)
    return text.replace("、", ", ")


def _water_column(ctx: ReportContext, column: str) -> pl.Expr:
    return pl.col(column).map_elements(
        lambda v: _water_text(ctx, v), return_dtype=pl.String, skip_nulls=True
    )


def _terms(ctx: ReportContext, column: str) -> pl.Expr:
    """A code column (level, water type) in the report language (:data:`labels.TERMS`)."""
    words = {code: pair[0 if ctx.lang == "zh" else 1] for code, pair in TERMS.items()}
    return pl.col(column).cast(pl.String).replace(words)


def data_source(ctx: ReportContext) -> str:
    """Where the air data came from, as the folder's ingest record (manifest.json) says.

    The formats of the station-hour sources (CNEMC release, UCI Beijing, tidy
    tables), how many files and the data basis (实况/审核); the demo data say so;
    a folder without a record says that, never its folder name.
    """
    if ctx.is_demo:
        return ctx.t("source_demo")
    entry = (contract.read_manifest(ctx.params.data).get("tables") or {}).get("station_hours")
    sources = (entry or {}).get("sources") or []
    if not sources:
        return ctx.t("source_unrecorded")
    formats = list(dict.fromkeys(s.get("format") or "station_hours" for s in sources))
    names = [ctx.t(f"source_{f}") if f"source_{f}" in LABELS else f for f in formats]
    what = ("、" if ctx.lang == "zh" else ", ").join(names)
    basis = entry.get("data_basis")
    if basis and f"basis_{basis}" in LABELS:
        basis = ctx.t(f"basis_{basis}")
    basis_text = ctx.t("source_basis", basis=basis) if basis else ""
    return ctx.t("source_files", what=what, n=len(sources), basis=basis_text)


def _yes_no(ctx: ReportContext, value: bool | None) -> str:
    return "—" if value is None else ctx.t("yes" if value else "no")


#: Headline cards of the other domains: card key -> (domain, part of its figures, column).
DOMAIN_CARDS: dict[str, tuple[str, str, str]] = domains.FIGURE_SOURCES


def _domain_value(ctx: ReportContext, card: str, *, previous: bool = False) -> Any:
    domain = DOMAIN_CARDS[card][0]
    return domains.figure_value(_figures(ctx, domain, previous=previous), card)


def cwqi_line(ctx: ReportContext) -> dict[str, Any] | None:
    """The city's CWQI, its change and ranks (城市地表水环境质量排名技术规定, 2017).

    The ``cwqi`` table of the figures store (:func:`indicators.figures.domains.cwqi_figures`):
    the index, ΔCWQI [%] against the comparison period, the status rank (1 = the
    smallest index among the folder's cities) and the change rank.

    Returns
    -------
    dict or None
        ``cwqi``, ``cwqi_change``, ``rank``, ``n_ranked``, ``in_best``, ``in_worst``,
        ``change_rank``, ``change_n`` and ``text``; None when the city has no index.
    """
    table = ctx.cities.cwqi
    if table is None:
        return None
    mine = table.filter(pl.col("city") == ctx.params.city)
    status = mine.filter(pl.col("ranking") == "status", pl.col("rank_value").is_not_null())
    if status.is_empty():
        return None
    s = status.row(0, named=True)
    change = mine.filter(ranking="change")
    c = change.row(0, named=True) if change.height else {}
    delta = c.get("cwqi_change")
    if delta is None:
        change_text = ctx.t("cwqi_no_change")
    else:
        sign = "+" if delta > 0 else ""
        change_text = ctx.t("cwqi_change", sign=sign, value=_fmt(delta, 1))
    n = s["n_ranked"]
    band = ""
    top = domains.CWQI_LIST_ROWS  # the published lists (best and worst 30, W25)
    if n > top and s["in_best"]:
        band = ctx.t("cwqi_best", n=top)
    elif n > top and s["in_worst"]:
        band = ctx.t("cwqi_worst", n=top)
    rank = _rank_text(ctx, s["rank"], s["tied"])
    value = _fmt(s["cwqi"], 4)
    text = ctx.t("cwqi_line", value=value, change=change_text, n=n, rank=rank, band=band)
    if c.get("rank") is not None:
        text += ("；" if ctx.lang == "zh" else "; ") + ctx.t(
            "cwqi_change_rank", n=c["n_ranked"], rank=_rank_text(ctx, c["rank"], c["tied"])
        )
    elif c and delta is not None:
        why = c.get("unranked_reason") or ""
        key = "cwqi_not_ranked_good" if why.startswith("all sections") else "cwqi_no_base"
        text += ("；" if ctx.lang == "zh" else "; ") + ctx.t("cwqi_change_unranked", why=ctx.t(key))
    return {
        "cwqi": s["cwqi"],
        "cwqi_change": delta,
        "rank": s["rank"],
        "n_ranked": n,
        "in_best": s["in_best"],
        "in_worst": s["in_worst"],
        "change_rank": c.get("rank"),
        "change_n": c.get("n_ranked"),
        "text": text,
    }


def _cwqi_lists(ctx: ReportContext) -> list[dict[str, Any]]:
    """The CWQI rankings as the published lists: best and worst 30 by CWQI and by ΔCWQI.

    Of 30 or fewer ranked cities one table of all of them per ranking. The rows of the
    figures store's ``cwqi`` table (ranked for every city once); the report city is
    highlighted.
    """
    table = ctx.cities.cwqi
    out = []
    for ranking in ("status", "change"):
        rows = table.filter(pl.col("ranking") == ranking, pl.col("rank").is_not_null())
        if rows.is_empty():
            continue
        n = rows["n_ranked"].max()
        if n <= domains.CWQI_LIST_ROWS:
            out.append(_cwqi_table(ctx, ranking, "all", rows.sort("rank"), n))
            continue
        best = rows.filter(pl.col("in_best")).sort("rank")
        worst = rows.filter(pl.col("in_worst")).sort("rank_from_worst")
        out.append(_cwqi_table(ctx, ranking, "best", best, n))
        out.append(_cwqi_table(ctx, ranking, "worst", worst, n))
    return out


def _cwqi_table(
    ctx: ReportContext, ranking: str, part: str, rows: pl.DataFrame, n: int
) -> dict[str, Any]:
    """One CWQI list: its title and its table (rank with 并列, city, CWQI or ΔCWQI)."""
    worst = part == "worst"
    shown = rows.with_columns(
        shown_rank=pl.col("rank_from_worst" if worst else "rank").cast(pl.String)
        + pl.when("tied").then(pl.lit(ctx.t("tied"))).otherwise(pl.lit("")),
    )
    value = ctx.t("cwqi_index") if ranking == "status" else ctx.t("cwqi_change_rate")
    columns = {
        "shown_rank": ctx.t("rank_from_worst" if worst else "rank"),
        "city": ctx.t("city"),
        "rank_value": value,
    }
    digits = 4 if ranking == "status" else 1
    html = html_table(
        shown,
        columns,
        formats={"rank_value": lambda v: f"{v:.{digits}f}"},
        styles=lambda row, col: _HIGHLIGHT if row["city"] == ctx.params.city else None,
        css_class="ind-table ind-set-list",
    )
    title = ctx.t(f"cwqi_list_{ranking}_{part}", k=domains.CWQI_LIST_ROWS, n=n)
    return {"title": title, "table": html}


@section
def water_sections(ctx: ReportContext) -> Section:
    """Surface-water sections: table coloured by class with target and failing items; map.

    Class colours from the GB 3838-2002 class table (``water_gb3838_classes``, as
    :func:`indicators.water.class_colours`).
    """
    f = _domain_or_note(ctx, "water_sections", "water")
    if isinstance(f, Section):
        return f
    ctx.cited["water"] = ctx.t("cite_water", standard=f["standard"])
    if f["classes"] is None:
        return _missing_line(ctx, "water_sections", ctx.t("no_samples"))
    s = f["summary"] or {}
    summary = _pairs(
        [
            (ctx.t("n_sections"), s.get("n_sections")),
            (ctx.t("share_I_III"), f"{_fmt(s.get('share_I_III'))}%"),
            (ctx.t("n_worse_V"), s.get("n_worse_V")),
            (ctx.t("section_compliance"), f"{_fmt(s.get('compliance'))}%"),
            (ctx.t("water_status"), _water_text(ctx, s.get("status"))),
            (ctx.t("main_pollutants"), _water_text(ctx, s.get("main_pollutants_text"))),
        ]
    )
    cwqi = cwqi_line(ctx)
    colours = dict(standards.table("water_gb3838_classes").select("class", "hex").iter_rows())
    classes = (
        f["classes"]
        .sort("class_rank", "site", nulls_last=True)
        .with_columns(
            pl.col("meets_target").replace_strict(
                {True: ctx.t("yes"), False: ctx.t("no")}, default=None, return_dtype=pl.String
            ),
            _terms(ctx, "level"),
            *[
                _water_column(ctx, c)
                for c in ("items_over_target", "main_pollutants_text")
                if c in f["classes"].columns
            ],
        )
    )
    table = html_table(
        classes,
        {
            "name": ctx.t("section_name"),
            "waterbody": ctx.t("waterbody"),
            "level": ctx.t("level"),
            "class": ctx.t("water_class"),
            "target_class": ctx.t("target_class"),
            "meets_target": ctx.t("meets_target"),
            "items_over_target": ctx.t("items_over_target"),
            "main_pollutants_text": ctx.t("main_pollutants"),
        },
        styles=lambda row, col: (
            _colour_style(colours.get(row["class"])) if col == "class" else None
        ),
    )
    points = (
        classes.join(f["registry"].select("site", "lon", "lat"), on="site", how="left")
        .filter(
            pl.col("lon").is_not_null(), pl.col("lat").is_not_null(), pl.col("class").is_not_null()
        )
        .with_columns(colour=pl.col("class").replace_strict(colours, default="#8c959f"))
    )
    section_map = None
    if points.height:
        section_map = charts.scatter_map(
            points,
            title=ctx.t("section_map"),
            group="class",
            hover={"waterbody": ctx.t("waterbody"), "target_class": ctx.t("target_class")},
            lang=ctx.lang,
        )
    parts = _parts(
        "water_sections",
        [section_map],
        summary=summary,
        cwqi=None if cwqi is None else cwqi["text"],
        cwqi_lists=_cwqi_lists(ctx) if cwqi is not None else [],
        table=table,
    )
    return Section("water_sections", ctx.t("water"), parts, {"cwqi": cwqi})


@section
def water_lakes(ctx: ReportContext) -> Section:
    """Lake and reservoir trophic state (TLI)."""
    f = _domain_or_note(ctx, "water_lakes", "water")
    if isinstance(f, Section):
        return f
    trophic = f["trophic"]
    if trophic is None or trophic.is_empty():
        return _missing_line(ctx, "water_lakes", ctx.t("no_lakes"))
    ctx.cited["lakes"] = ctx.t("cite_lakes")
    table = html_table(
        trophic.sort("site").with_columns(_water_column(ctx, "trophic_state")),
        {
            "name": ctx.t("section_name"),
            "waterbody": ctx.t("waterbody"),
            "tli": "TLI(Σ)",
            "trophic_state": ctx.t("trophic_state"),
            "n_tli_items": ctx.t("n_tli_items"),
        },
        formats={"tli": lambda v: f"{v:.1f}"},
    )
    return Section("water_lakes", ctx.t("water_lakes"), _parts("water_lakes", table=table), level=3)


@section
def drinking(ctx: ReportContext) -> Section:
    """Centralised drinking-water sources: compliance of each source and the rates."""
    f = _domain_or_note(ctx, "drinking", "drinking")
    if isinstance(f, Section):
        return f
    ctx.cited["drinking"] = ctx.t(
        "cite_drinking",
        standard=f["standard"],
        groundwater=standards.newest_edition("GB/T 14848"),
    )
    r = f["rate"] or {}
    summary = _pairs(
        [
            (ctx.t("n_sources"), r.get("n_sources")),
            (ctx.t("n_compliant"), r.get("n_compliant")),
            (ctx.t("drinking_compliance"), f"{_fmt(r.get('compliance_count'))}%"),
            (ctx.t("compliance_volume"), f"{_fmt(r.get('compliance_volume'))}%"),
        ]
    )
    sources = (
        f["sources"]
        .sort("site")
        .with_columns(
            pl.col("compliant").replace_strict(
                {True: ctx.t("yes"), False: ctx.t("no")}, default=None, return_dtype=pl.String
            ),
            _terms(ctx, "type"),
            *[
                _water_column(ctx, c)
                for c in ("exceeding_items", "reference_exceedances")
                if c in f["sources"].columns and f["sources"].schema[c] == pl.String
            ],
        )
    )
    table = html_table(
        sources,
        {
            "name": ctx.t("source_name"),
            "type": ctx.t("source_type"),
            "volume": ctx.t("volume"),
            "class": ctx.t("water_class"),
            "compliant": ctx.t("compliant"),
            "exceeding_items": ctx.t("exceeding_items"),
            "reference_exceedances": ctx.t("reference_exceedances"),
        },
    )
    parts = _parts("drinking", summary=summary, table=table)
    return Section("drinking", ctx.t("drinking"), parts)


@section
def sea(ctx: ReportContext) -> Section:
    """Coastal sea water: class of each point and the class I+II share."""
    f = _domain_or_note(ctx, "sea", "sea")
    if isinstance(f, Section):
        return f
    ctx.cited["sea"] = ctx.t("cite_sea", standard=f["standard"])
    if f["points"] is None:
        return _missing_line(ctx, "sea", ctx.t("no_samples"))
    s = f["shares"] or {}
    summary = _pairs(
        [
            (ctx.t("n_points"), s.get("n_points")),
            (ctx.t("sea_share_I_II"), f"{_fmt(s.get('share_I_II'))}%"),
            (ctx.t("share_by_area"), f"{_fmt(s.get('share_I_II_area'))}%"),
        ]
    )
    table = html_table(
        f["points"].sort("class_rank", "site"),
        {
            "name": ctx.t("point_name"),
            "class": ctx.t("sea_class"),
            "items_worse_than_II": ctx.t("items_worse_than_II"),
        },
    )
    return Section("sea", ctx.t("sea"), _parts("sea", summary=summary, table=table))


@section
def blackodorous(ctx: ReportContext) -> Section:
    """Black-odorous water bodies: elimination ratio, status counts (progress) and the ledger."""
    f = _domain_or_note(ctx, "blackodorous", "blackodorous")
    if isinstance(f, Section):
        return f
    ctx.cited["blackodorous"] = ctx.t("cite_blackodorous", standard=f["standard"])
    r = f["ratio"] or {}
    # one target per figure: the city's target of the headline card when it has one,
    # else the national requirement of the guide (the ratio's default target)
    card = headline_values(ctx)["blackodorous_elimination"]
    if card["target"] is not None:
        target, met, which = card["target"], card["met"], "target_city"
    else:
        target, met, which = r.get("target"), r.get("target_met"), "target_national"
    summary = _pairs(
        [
            (ctx.t("n_water_bodies"), r.get("n_water_bodies")),
            (ctx.t("n_eliminated"), r.get("n_eliminated")),
            (ctx.t("blackodorous_elimination"), f"{_fmt(r.get('elimination_ratio'))}%"),
            (ctx.t(which), f"≥ {_fmt(target)}%"),
            (ctx.t("target_met"), _yes_no(ctx, met)),
        ]
    )
    prev = _figures(ctx, "blackodorous", previous=True)
    progress = charts.status_progress(
        f["counts"],
        None if prev is None else prev["counts"],
        lang=ctx.lang,
        names=(str(ctx.params.period.end), str(ctx.params.compare.end)),
    )
    ledger = f["ledger_table"][ctx.lang]
    table = html_table(ledger, {c: c for c in ledger.columns}, css_class=WIDE_TABLE)
    parts = _parts("blackodorous", [progress], summary=summary, table=table)
    return Section("blackodorous", ctx.t("blackodorous"), parts)


@section
def noise(ctx: ReportContext) -> Section:
    """Noise: functional-area compliance by class, regional and road-traffic means."""
    f = _domain_or_note(ctx, "noise", "noise")
    if isinstance(f, Section):
        return f
    ctx.cited["noise"] = ctx.t("cite_noise", standard=f["standards"][0], hj640=f["standards"][1])
    if f["compliance"] is None:
        return _missing_line(ctx, "noise", ctx.t("no_samples"))
    t, reg, trf = f["total"] or {}, f["regional"] or {}, f["traffic"] or {}
    grade = "grade_label_day" if ctx.lang == "zh" else "grade_label_en_day"
    summary = _pairs(
        [
            (ctx.t("noise_day"), f"{_fmt(t.get('compliance_rate_day'))}%"),
            (ctx.t("noise_night"), f"{_fmt(t.get('compliance_rate_night'))}%"),
            (ctx.t("regional_leq"), f"{_fmt(reg.get('leq_day'))} dB(A) {reg.get(grade) or ''}"),
            (ctx.t("traffic_leq"), f"{_fmt(trf.get('leq_day'))} dB(A) {trf.get(grade) or ''}"),
        ]
    )
    table = html_table(
        f["compliance"],
        {
            "functional_class": ctx.t("functional_class"),
            "n_monitored_day": ctx.t("n_monitored_day"),
            "compliance_rate_day": ctx.t("noise_day"),
            "n_monitored_night": ctx.t("n_monitored_night"),
            "compliance_rate_night": ctx.t("noise_night"),
        },
    )
    return Section("noise", ctx.t("noise"), _parts("noise", summary=summary, table=table))


# --------------------------------------------------------------------------- appendix


def station_completeness(ctx: ReportContext) -> pl.DataFrame:
    """Valid hours per pollutant and valid AQI days per station in the period.

    :func:`indicators.figures.completeness.station_completeness` of the period's
    station hours under the report's edition (GB 3095 Table 4 validity rules): the
    figures store's rows of the city (computed for every station at once).
    """
    p = ctx.params.period
    hourly = ctx.hourly
    if hourly is None:  # the figures store has every station's
        stored = ctx.cities.completeness
        if stored is not None:
            return stored.filter(pl.col("city") == ctx.params.city).drop("city")
        hourly = figures.city_hours(ctx.params.data, ctx.stations, p.start, p.end)
    return completeness_figures.station_completeness(
        hourly, ctx.stations, p.start, p.end, ctx.params.edition
    )


@section
def completeness(ctx: ReportContext) -> Section:
    """Appendix: valid hours and days per station; notes raised while computing."""
    frame = station_completeness(ctx)
    columns = {
        "station": ctx.t("station"),
        "name": ctx.t("station_name"),
        "background": ctx.t("background"),
        "hours_expected": ctx.t("hours_expected"),
        **{f"h_{c}": ctx.t("hours_valid", p=c) for c in AIR_POLLUTANTS},
        "days_valid": ctx.t("days_valid"),
    }
    frame = frame.with_columns(
        pl.col("background").replace_strict(
            {True: ctx.t("yes"), False: ctx.t("no")}, return_dtype=pl.String
        )
    )
    # stations of the list without a single valid hour in the period (not yet or no longer
    # operating): one line naming them, not rows of zeros
    hours = [f"h_{c}" for c in AIR_POLLUTANTS if f"h_{c}" in frame.columns]
    silent = frame.filter(pl.sum_horizontal(pl.col(hours).fill_null(0)) == 0) if hours else None
    line = None
    if silent is not None and silent.height:
        frame = frame.join(silent.select("station"), on="station", how="anti")
        sep = "、" if ctx.lang == "zh" else ", "
        names = sep.join(silent["station"].to_list())
        line = {
            "n": silent.height,
            "text": ctx.t("stations_without_hours", n=silent.height, stations=names),
        }
    parts = _parts(
        "completeness",
        table=html_table(frame, columns, css_class=COMPACT_TABLE) if frame.height else None,
        silent=line,
        samples=_missing_samples(ctx),
        warnings_title=ctx.t("warnings"),
        warnings=list(dict.fromkeys(ctx.notes)),
    )
    return Section("completeness", ctx.t("completeness"), parts)


def _missing_samples(ctx: ReportContext) -> dict[str, Any] | None:
    """The water sections sampled in fewer months than the period has: title and table."""
    water = _figures(ctx, "water")
    if water is None:
        return None
    p = ctx.params.period
    months = (p.end.year - p.start.year) * 12 + p.end.month - p.start.month + 1
    short = (
        water["samples"]
        .filter(pl.col("months") < months)
        .with_columns(pl.lit(months).alias("expected"))
    )
    if not short.height:
        return None
    columns = {
        "site": ctx.t("station"),
        "name": ctx.t("section_name"),
        "months": ctx.t("months_sampled"),
        "expected": ctx.t("months_in_period"),
    }
    return {"title": ctx.t("missing_samples"), "table": html_table(short, columns)}


def _span_text(lang: str, what: str, span: Any) -> str:
    """``2019年3月（2019-03-01至2019-03-31）``, ``March 2019 (2019-03-01 to 2019-03-31)``.

    ``span`` has ``start`` and ``end`` (dates; ``end`` None: open-ended, "…").
    """
    end = span.end.isoformat() if span.end is not None else "…"
    return label("date_span", lang, what=what, start=span.start.isoformat(), end=end)


def _edition_line(name: str, lang: str) -> str:
    """``GB 3095-2026 环境空气质量标准（过渡阶段）（2026-03-01至2030-12-31）``, in ``lang``."""
    info = standards.edition_info(name)
    code = name.removesuffix(" transitional").removesuffix(" final")
    title = info.title if lang == "zh" or not info.title_en else info.title_en
    validity = _Span(info.valid_from, info.valid_to)
    return _span_text(lang, f"{code} {title}", validity)


@dataclass(frozen=True)
class _Span:
    start: date
    end: date | None


def method_line(ctx: ReportContext) -> str:
    """The method profile, data basis and dust treatment of the period's air figures."""
    name = ctx.summary.get("method") or "official"
    if name in ("official", "strict"):
        method = ctx.t(f"method_{name}")
    else:
        method = ctx.t("method_custom", name=name)
    basis = ctx.summary.get("data_basis")
    basis_text = ctx.t(f"basis_{basis}") if basis in ("实况", "审核") else ctx.t("basis_unknown")
    dust = ctx.t(f"dust_{ctx.summary.get('dust_treatment') or '含沙'}")
    line = ctx.t("methods_profile", method=method, basis=basis_text, dust=dust)
    s = ctx.summary
    if s.get("dust_treatment") == "扣沙":
        line += " " + ctx.t(
            "dust_undeducted",
            pm10=_fmt(s.get("PM10_with_dust")),
            pm25=_fmt(s.get("PM2.5_with_dust")),
            index=_fmt(s.get("composite_index_with_dust")),
            days=_fmt(s.get("dust_exceedance_days")),
            ratio=_fmt(s.get("dust_exceedance_ratio")),
        )
    return line


def three_year_line(ctx: ReportContext) -> str | None:
    """HJ 663-2026 three-year rolling means of a calendar-year report, or None.

    Shown when the period is a calendar year Y and the city's data reach back to
    1 January of Y-2: the figures store's row of the city
    (:func:`indicators.figures.three_year.three_year_means`); the three annual
    evaluations use the history's single edition (:attr:`ReportContext.history_edition`)
    and the folder's dust flags.
    """
    p = ctx.params.period
    year = p.start.year
    if (p.start, p.end) != (date(year, 1, 1), date(year, 12, 31)) or not ctx.has_city_air:
        return None
    stored = ctx.cities.three_year
    if stored is None:
        return None
    means = stored.filter(pl.col("city") == ctx.params.city)
    if means.is_empty():
        return None
    row = means.row(0, named=True)
    values = "; ".join(
        f"{_row_label(ctx, c)} {_fmt(row[c])}"
        for c in ("PM2.5", "PM10", "SO2", "NO2", "CO_P95", "O3_MDA8_P90")
        if c in row
    )
    line = ctx.t(
        "three_year",
        standard=standards.newest_edition("HJ 663"),
        first=row["first_year"],
        year=year,
        values=values,
    )
    return line if row["years_valid"] else f"{line} {ctx.t('three_year_invalid')}"


@section
def methods(ctx: ReportContext) -> Section:
    """Methods note: every standard and edition the figures come from."""
    editions = {e for e in (ctx.summary.get("aqi_edition") or "").split("+") if e}
    editions |= {e for e in (ctx.previous.get("aqi_edition") or "").split("+") if e}
    names = sorted(editions)
    names += sorted(
        {ctx.summary.get("limits_edition"), ctx.previous.get("limits_edition")} - {None}
    )
    names += sorted(
        {
            standards.edition_in_force("HJ 663", ctx.params.period.end),
            standards.edition_in_force("HJ 663", ctx.params.compare.end),
        }
    )
    items = [_edition_line(n, ctx.lang) for n in dict.fromkeys(names)] + list(ctx.cited.values())
    stats = standards.table("air_hj663_statistics")
    unverified = [
        n
        for n in dict.fromkeys(names)
        if n.startswith("HJ 663")
        and (stats.filter(standard=n)["verification"] == "unverified").any()
    ]
    parts = _parts(
        "methods",
        intro=ctx.t("methods_intro"),
        cited=items,
        air_days=ctx.t("methods_air_days"),
        method=method_line(ctx) if ctx.summary else None,
        unverified=[ctx.t("methods_unverified", edition=n) for n in unverified],
        change=ctx.t("methods_change"),
    )
    return Section("methods", ctx.t("methods"), parts)
