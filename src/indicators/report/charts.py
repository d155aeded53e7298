"""The report's figures (plotly), drawn from package results and the standards tables.

Figures with a counterpart in :mod:`indicators.plot` (the AQI calendar, the
category bars, the primary pollutants) call it, with its template and helpers.
Category colours and names come from the ``air_aqi_categories`` table (HJ 633
Appendix A), limits from ``air_gb3095_limits`` through the HJ 663 statistics
of ``air_hj663_statistics``; nothing regulatory is written here. Every
data-derived label (station, section, city names) is HTML-escaped, because
plotly.js reads a few HTML tags in labels. Maps are plain lon/lat scatters
with no tiles, so a report works offline.

Examples
--------
>>> [c["hex"] for c in category_colours("HJ 633-2026", "zh")][:2]
['#00E400', '#FFFF00']
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import plotly.graph_objects as go
import polars as pl

from .. import plot, standards
from ..errors import IndicatorInputError
from ..glossary import TERMS
from ..plot import INVALID_COLOUR, TEMPLATE, category_colours, escape, new_figure
from .labels import label

__all__ = [
    "INVALID_COLOUR",
    "aqi_calendar",
    "category_colours",
    "concentration_statistics",
    "concentrations_vs_limits",
    "monthly_categories",
    "primary_pollutant_shares",
    "scatter_map",
    "status_progress",
    "trend_panels",
]

_CURRENT, _PREVIOUS = "#0969DA", "#8C959F"


def aqi_calendar(daily: pl.DataFrame, *, start: date, end: date, lang: str) -> go.Figure:
    """Calendar heat map of the daily AQI category (:func:`indicators.plot.calendar`).

    Each day is coloured with its HJ 633 category colour (Appendix A); days
    of the period without a valid AQI are grey; cells outside the period (or
    dates that do not exist) are blank.

    Parameters
    ----------
    daily : polars.DataFrame
        One city's :func:`indicators.air.daily_aqi` rows.
    start, end : date
        The period (both included).
    lang : str
        Label language.
    """
    return plot.calendar(daily, start=start, end=end, lang=lang)


def monthly_categories(daily: pl.DataFrame, *, start: date, end: date, lang: str) -> go.Figure:
    """Days of each AQI category per month, stacked (:func:`indicators.plot.monthly_categories`).

    Days of the period without a valid AQI are a grey bar on top.
    """
    return plot.monthly_categories(daily, start=start, end=end, lang=lang)


def concentration_statistics(
    summary: dict[str, Any], *, hj663: str, limits_edition: str
) -> list[dict[str, Any]]:
    """The statistic compared with a GB 3095 class-2 limit for each pollutant (HJ 663).

    Table lookups only, the ones :func:`indicators.air.evaluation_statistics` (HJ 663
    statistic per pollutant, ``air_hj663_statistics``) and :func:`indicators.air.limit`
    (GB 3095 Table 1 class 2, ``air_gb3095_limits``) make.

    Parameters
    ----------
    summary : dict
        One row of :func:`indicators.air.evaluate_period`.
    hj663 : str
        HJ 663 edition (which statistic per pollutant: table ``air_hj663_statistics``).
    limits_edition : str
        GB 3095 edition of the limits (table ``air_gb3095_limits``, class 2).

    Returns
    -------
    list of dict
        ``pollutant``, ``column`` (summary column), ``statistic``, ``percentile``,
        ``value``, ``limit``, ``averaging``, ``unit``, ``ratio`` (value / limit, or None).

    Raises
    ------
    IndicatorInputError
        When ``limits_edition`` has no limit for a pollutant's averaging time.

    Examples
    --------
    >>> rows = concentration_statistics({"PM2.5": 35.0, "O3_MDA8_P90": 160.0},
    ...     hj663="HJ 663-2013", limits_edition="GB 3095-2012")
    >>> [(r["column"], r["limit"], r["ratio"]) for r in rows if r["value"] is not None]
    [('PM2.5', 35.0, 1.0), ('O3_MDA8_P90', 160.0, 1.0)]
    """
    limits = {
        (pol, avg): float(v)
        for pol, avg, v in standards.table("air_gb3095_limits")
        .filter(edition=limits_edition)
        .select("pollutant", "averaging_time", "class2")
        .iter_rows()
    }
    statistics = (
        standards.table("air_hj663_statistics")
        .filter(standard=hj663)
        .select("pollutant", "statistic", "percentile", "limit_averaging")
    )
    out = []
    for pol, statistic, pct, limit_avg in statistics.iter_rows():
        column = pol if statistic == "mean" else f"{'O3_MDA8' if pol == 'O3' else pol}_P{int(pct)}"
        value = summary.get(column)
        limit = limits.get((pol, limit_avg))
        if limit is None:
            raise IndicatorInputError(
                f"{limits_edition} has no {pol} {limit_avg} limit",
                column="limits",
                expected="an edition of air_gb3095_limits",
                found=limits_edition,
            )
        out.append(
            {
                "pollutant": pol,
                "column": column,
                "statistic": statistic,
                "percentile": pct,
                "value": value,
                "limit": limit,
                "averaging": limit_avg,
                "unit": TERMS[pol].unit,
                "ratio": None if value is None else value / limit,
            }
        )
    return out


def _stat_label(row: dict[str, Any], lang: str) -> str:
    if row["statistic"] == "mean":
        return f"{row['pollutant']} {label('stat_mean', lang)}"
    what = label("stat_mda8", lang) if row["pollutant"] == "O3" else ""
    return f"{row['pollutant']} {what}{label('stat_percentile', lang, p=int(row['percentile']))}"


def _value(row: dict[str, Any]) -> str:
    return "—" if row["value"] is None else f"{row['value']:g}"


def concentrations_vs_limits(
    current: list[dict[str, Any]],
    previous: list[dict[str, Any]] | None,
    *,
    lang: str,
    names: tuple[str, str],
) -> go.Figure:
    """Bars of each statistic in percent of its GB 3095 class-2 limit, this period and the last.

    Parameters
    ----------
    current, previous : list of dict
        :func:`concentration_statistics` of the period and of the comparison period.
    lang : str
        Label language.
    names : tuple of str
        Legend names of the two periods.
    """
    fig = new_figure(label("concentrations", lang), height=400)
    x = [_stat_label(r, lang) for r in current]
    for rows, name, colour in ((current, names[0], _CURRENT), (previous, names[1], _PREVIOUS)):
        if rows is None:
            continue
        fig.add_trace(
            go.Bar(
                x=x,
                y=[None if r["ratio"] is None else round(100 * r["ratio"], 1) for r in rows],
                name=escape(name),
                marker_color=colour,
                text=[_value(r) for r in rows],
                textposition="outside",
                hovertext=[
                    f"{escape(name)}<br>{_stat_label(r, lang)}: {_value(r)} {r['unit']}"
                    f"<br>{label('limit', lang)}: {r['limit']:g} {r['unit']}"
                    for r in rows
                ],
                hoverinfo="text",
            )
        )
    fig.add_hline(
        y=100,
        line_dash="dash",
        line_color="#cf222e",
        annotation_text=f"100% = {label('limit', lang)}",
        annotation_position="top left",
    )
    fig.update_layout(barmode="group", yaxis_title_text=escape(label("ratio_to_limit", lang)))
    return fig


def primary_pollutant_shares(summary: dict[str, Any], *, lang: str) -> go.Figure:
    """Donut of the days on which each pollutant was primary (a day may count for several).

    Days without a primary pollutant (AQI ≤ 50) are the remaining slice;
    :func:`indicators.plot.primary_pollutants` with ``days="valid"``, in the
    fixed pollutant colours.
    """
    return plot.primary_pollutants(pl.DataFrame([summary]), days="valid", lang=lang)


def status_progress(
    counts: pl.DataFrame, previous: pl.DataFrame | None, *, lang: str, names: tuple[str, str]
) -> go.Figure:
    """Water bodies per ledger status on two dates (:func:`indicators.blackodorous.status_counts`).

    Parameters
    ----------
    counts, previous : polars.DataFrame
        ``status_zh``/``status_en`` and ``n`` per status, in stage order.
    lang : str
        Label language.
    names : tuple of str
        Legend names of the two dates.
    """
    col = "status_zh" if lang == "zh" else "status_en"
    fig = new_figure(label("status_progress", lang), height=340)
    for frame, name, colour in ((counts, names[0], _CURRENT), (previous, names[1], _PREVIOUS)):
        if frame is None:
            continue
        fig.add_trace(
            go.Bar(
                x=[escape(v) for v in frame[col].to_list()],
                y=frame["n"].to_list(),
                name=escape(name),
                marker_color=colour,
                text=frame["n"].to_list(),
                textposition="outside",
            )
        )
    fig.update_layout(barmode="group", yaxis_title_text=escape(label("n_water_bodies", lang)))
    return fig


def _axis_word(key: str, lang: str) -> str:
    """经度/纬度 or Longitude/Latitude (the glossary's term, without its datum note)."""
    term = TERMS[key]
    return term.zh if lang == "zh" else term.en.split(" (")[0].capitalize()


def scatter_map(
    points: pl.DataFrame,
    *,
    title: str,
    name: str = "name",
    colour: str = "colour",
    group: str | None = None,
    hover: dict[str, str] | None = None,
    lang: str = "zh",
) -> go.Figure:
    """Points on a plain lon/lat plane (no map tiles): the offline 'map' of sections or stations.

    The x:y aspect is corrected by cos(latitude) so that distances look right.

    Parameters
    ----------
    points : polars.DataFrame
        ``lon``, ``lat`` [degree], a name column and a colour column (#hex).
    title : str
        Figure title.
    name, colour : str
        Columns with the point name (escaped) and colour.
    group : str, optional
        Column whose values become legend entries (one trace each).
    hover : dict, optional
        Extra columns shown on hover: column -> the label shown before its value
        (both escaped).
    lang : {"zh", "en"}
        Language of the axis titles (经度/纬度, Longitude/Latitude).
    """
    fig = new_figure(title, height=460)
    groups = [None] if group is None else points[group].unique(maintain_order=True).to_list()
    for g in groups:
        sub = points if g is None else points.filter(pl.col(group) == g)
        text = []
        for r in sub.iter_rows(named=True):
            extra = "".join(f"<br>{escape(t)}: {escape(r[c])}" for c, t in (hover or {}).items())
            text.append(f"{escape(r[name])}{extra}")
        fig.add_trace(
            go.Scatter(
                x=sub["lon"].to_list(),
                y=sub["lat"].to_list(),
                mode="markers+text",
                text=[escape(v) for v in sub[name].to_list()],
                textposition="top center",
                hovertext=text,
                hoverinfo="text",
                name=escape(g) if g is not None else "",
                marker={
                    "size": 12,
                    "color": sub[colour].to_list(),
                    "line": {"width": 1, "color": "#57606a"},
                },
                showlegend=g is not None,
            )
        )
    lat = points["lat"].mean() if points.height else 0.0
    fig.update_yaxes(
        scaleanchor="x",
        scaleratio=1 / max(math.cos(math.radians(lat or 0.0)), 0.1),
        title_text=_axis_word("lat", lang),
        ticksuffix="°",
    )
    fig.update_xaxes(title_text=_axis_word("lon", lang), ticksuffix="°")
    return fig


def trend_panels(panels: list[dict[str, Any]], *, lang: str) -> go.Figure:
    """Monthly series with their Sen lines, one panel per indicator on a shared time axis.

    Parameters
    ----------
    panels : list of dict
        One per indicator: ``title`` (escaped), ``months`` (first days, one per
        month, in order), ``values`` (None where the month is invalid: a gap),
        ``slope`` [unit per month] and ``intercept`` (the Sen line at the first
        month, as :func:`indicators.trends.trend_test` gives them; None: no line).
    lang : str
        Label language.

    Returns
    -------
    plotly.graph_objects.Figure
        Two traces per panel: the values (lines and markers) and the Sen line
        ``intercept + slope * i`` at month ``i`` (0 = the first month).

    Examples
    --------
    >>> from datetime import date
    >>> fig = trend_panels([{"title": "PM2.5", "months": [date(2025, m, 1) for m in (1, 2, 3)],
    ...     "values": [40.0, None, 36.0], "slope": -2.0, "intercept": 40.0}], lang="en")
    >>> fig.data[1].y
    (40.0, 38.0, 36.0)
    """
    from plotly.subplots import make_subplots

    n = max(len(panels), 1)
    fig = make_subplots(
        rows=n,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        subplot_titles=[escape(p["title"]) for p in panels],
    )
    fig.update_layout(
        template=TEMPLATE,
        title={"text": escape(label("trend_chart", lang))},
        height=120 + 220 * n,
        showlegend=False,
        margin={"t": 90},
    )
    for row, p in enumerate(panels, start=1):
        months = list(p["months"])
        fig.add_trace(
            go.Scatter(
                x=months,
                y=list(p["values"]),
                mode="lines+markers",
                name=escape(p["title"]),
                line={"color": _CURRENT},
                connectgaps=False,
            ),
            row=row,
            col=1,
        )
        if p.get("slope") is not None and p.get("intercept") is not None:
            fig.add_trace(
                go.Scatter(
                    x=months,
                    y=[p["intercept"] + p["slope"] * i for i in range(len(months))],
                    mode="lines",
                    name="Sen",
                    line={"color": "#cf222e", "dash": "dash"},
                ),
                row=row,
                col=1,
            )
    return fig
