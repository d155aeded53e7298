"""The report's figures (plotly), drawn from package results and the standards tables.

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

import html
import math
from datetime import date, timedelta
from typing import Any

import plotly.graph_objects as go
import polars as pl

from .. import standards
from ..glossary import AIR_POLLUTANTS, TERMS
from .display import FONT_STACK
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

#: Colour of days without a valid AQI (not an HJ 633 category: a neutral grey).
INVALID_COLOUR = "#D0D7DE"
_CURRENT, _PREVIOUS = "#0969DA", "#8C959F"

_TEMPLATE = go.layout.Template(
    layout={
        "font": {"family": FONT_STACK, "size": 13, "color": "#1f2328"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"l": 60, "r": 20, "t": 40, "b": 40},
        "xaxis": {"showline": True, "linecolor": "#d1d9e0", "gridcolor": "#eef1f4"},
        "yaxis": {"showline": True, "linecolor": "#d1d9e0", "gridcolor": "#eef1f4"},
        "legend": {"orientation": "h", "y": -0.15},
        "hoverlabel": {"font": {"family": FONT_STACK}},
    }
)


def _text(value: Any) -> str:
    """A data-derived string as plotly label text (HTML-escaped)."""
    return html.escape("" if value is None else str(value), quote=False)


def _figure(title: str, height: int) -> go.Figure:
    return go.Figure(
        layout={"template": _TEMPLATE, "title": {"text": _text(title)}, "height": height}
    )


def category_colours(edition: str, lang: str) -> list[dict[str, Any]]:
    """Level, name and colour of the six AQI categories of an HJ 633 edition (Appendix A).

    Parameters
    ----------
    edition : str
        ``"HJ 633-2012"`` or ``"HJ 633-2026"``.
    lang : str
        ``"zh"`` (category names 优, 良, ...) or ``"en"``.

    Returns
    -------
    list of dict
        ``{"level", "name", "hex"}`` in level order.
    """
    rows = standards.table("air_aqi_categories").filter(standard=edition).sort("level")
    name = "category_zh" if lang == "zh" else "category_en"
    return [
        {"level": r["level"], "name": r[name], "hex": r["hex"]} for r in rows.iter_rows(named=True)
    ]


def _latest_edition(daily: pl.DataFrame) -> str:
    """The HJ 633 edition of the last day in ``daily`` (its colours label the legend)."""
    editions = daily.drop_nulls("edition").sort("date")["edition"]
    return editions[-1] if len(editions) else standards.EDITIONS["HJ 633"][-1].name


def _months(start: date, end: date) -> list[tuple[int, int]]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _month_label(y: int, m: int, lang: str) -> str:
    return f"{y}年{m}月" if lang == "zh" else f"{y}-{m:02d}"


def aqi_calendar(daily: pl.DataFrame, *, start: date, end: date, lang: str) -> go.Figure:
    """Calendar heat map of the daily AQI category: one row per month, one column per day.

    Each day is coloured with its HJ 633 category colour (Appendix A); days
    of the period without a valid AQI are grey; cells outside the period (or
    dates that do not exist) are blank.

    Parameters
    ----------
    daily : polars.DataFrame
        One city's :func:`indicators.air.daily_aqi` rows (``date``, ``aqi``,
        ``level``, ``category``/``category_en``, ``primary_pollutant``, ``edition``).
    start, end : date
        The period (both included).
    lang : str
        Label language.
    """
    cats = category_colours(_latest_edition(daily), lang)
    by_day = {r["date"]: r for r in daily.iter_rows(named=True)}
    months = _months(start, end)
    z, hover = [], []
    cat_col = "category" if lang == "zh" else "category_en"
    for y, m in months:
        zr, hr = [], []
        for d in range(1, 32):
            try:
                day = date(y, m, d)
            except ValueError:
                day = None
            if day is None or not start <= day <= end:
                zr.append(None)
                hr.append("")
                continue
            row = by_day.get(day)
            if row is None or row["aqi"] is None:
                zr.append(0)
                hr.append(f"{day}<br>{_text(label('no_valid_aqi', lang))}")
                continue
            zr.append(row["level"])
            primary = row["primary_pollutant"] or "—"
            hr.append(
                f"{day}<br>AQI {row['aqi']} {_text(row[cat_col])}<br>"
                f"{_text(TERMS['primary_pollutant'].zh if lang == 'zh' else 'primary')}: "
                f"{_text(primary)}<br>{_text(row['edition'])}"
            )
        z.append(zr)
        hover.append(hr)
    n = len(cats)
    scale: list[list[Any]] = []
    colours = [INVALID_COLOUR, *[c["hex"] for c in cats]]
    for k, colour in enumerate(colours):
        scale += [[k / (n + 1), colour], [(k + 1) / (n + 1), colour]]
    fig = _figure(label("aqi_calendar", lang), max(230, 90 + 28 * len(months)))
    fig.add_trace(
        go.Heatmap(
            z=z,
            x=list(range(1, 32)),
            y=[_month_label(y, m, lang) for y, m in months],
            text=hover,
            hoverinfo="text",
            colorscale=scale,
            zmin=-0.5,
            zmax=n + 0.5,
            xgap=2,
            ygap=2,
            colorbar={
                "tickvals": list(range(n + 1)),
                "ticktext": [_text(label("no_valid_aqi", lang)), *[_text(c["name"]) for c in cats]],
                "thickness": 12,
            },
        )
    )
    fig.update_yaxes(autorange="reversed", showgrid=False, type="category", automargin=True)
    fig.update_xaxes(dtick=1, showgrid=False, side="top")
    fig.update_layout(margin={"t": 80, "b": 10})
    return fig


def monthly_categories(daily: pl.DataFrame, *, start: date, end: date, lang: str) -> go.Figure:
    """Stacked bars: days of each AQI category per month, in the official colours.

    Days of the period without a valid AQI are a grey bar on top.
    """
    cats = category_colours(_latest_edition(daily), lang)
    months = _months(start, end)
    d = daily.filter(pl.col("date").is_between(start, end)).with_columns(
        ym=pl.col("date").dt.year() * 100 + pl.col("date").dt.month()
    )
    counts = {
        (r["ym"], r["level"]): r["len"]
        for r in d.group_by("ym", "level").len().iter_rows(named=True)
    }
    x = [_month_label(y, m, lang) for y, m in months]
    fig = _figure(label("monthly_categories", lang), 380)
    for c in cats:
        fig.add_trace(
            go.Bar(
                x=x,
                y=[counts.get((y * 100 + m, c["level"]), 0) for y, m in months],
                name=_text(c["name"]),
                marker_color=c["hex"],
                marker_line={"color": "#8c959f", "width": 0.5},
            )
        )
    invalid = []
    for y, m in months:
        first = max(date(y, m, 1), start)
        last = min((date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)), end)
        days = (last - first).days + 1
        valid = sum(counts.get((y * 100 + m, c["level"]), 0) for c in cats)
        invalid.append(days - valid)
    fig.add_trace(
        go.Bar(x=x, y=invalid, name=_text(label("no_valid_aqi", lang)), marker_color=INVALID_COLOUR)
    )
    fig.update_layout(
        barmode="stack", yaxis_title_text=_text(label("days", lang)), legend_traceorder="normal"
    )
    return fig


def concentration_statistics(
    summary: dict[str, Any], *, hj663: str, limits_edition: str
) -> list[dict[str, Any]]:
    """The statistic compared with a GB 3095 class-2 limit for each pollutant (HJ 663).

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

    Examples
    --------
    >>> rows = concentration_statistics({"PM2.5": 35.0, "O3_MDA8_P90": 160.0},
    ...     hj663="HJ 663-2013", limits_edition="GB 3095-2012")
    >>> [(r["column"], r["limit"], r["ratio"]) for r in rows if r["value"] is not None]
    [('PM2.5', 35.0, 1.0), ('O3_MDA8_P90', 160.0, 1.0)]
    """
    from ..air import evaluation_statistics
    from ..air import limit as gb3095_limit

    out = []
    for pol, statistic, pct, limit_avg, _ in evaluation_statistics(hj663):
        column = pol if statistic == "mean" else f"{'O3_MDA8' if pol == 'O3' else pol}_P{int(pct)}"
        value = summary.get(column)
        limit = gb3095_limit(limits_edition, pol, limit_avg)
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
    what = "MDA8 " if row["pollutant"] == "O3" else ""
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
    fig = _figure(label("concentrations", lang), 400)
    x = [_stat_label(r, lang) for r in current]
    for rows, name, colour in ((current, names[0], _CURRENT), (previous, names[1], _PREVIOUS)):
        if rows is None:
            continue
        fig.add_trace(
            go.Bar(
                x=x,
                y=[None if r["ratio"] is None else round(100 * r["ratio"], 1) for r in rows],
                name=_text(name),
                marker_color=colour,
                text=[_value(r) for r in rows],
                textposition="outside",
                hovertext=[
                    f"{_text(name)}<br>{_stat_label(r, lang)}: {_value(r)} {r['unit']}"
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
    fig.update_layout(barmode="group", yaxis_title_text=_text(label("ratio_to_limit", lang)))
    return fig


def primary_pollutant_shares(summary: dict[str, Any], *, lang: str) -> go.Figure:
    """Donut of the days on which each pollutant was primary (a day may count for several).

    Days without a primary pollutant (AQI ≤ 50) are the remaining slice.
    """
    labels, values = [], []
    for p in AIR_POLLUTANTS:
        n = summary.get(f"primary_days_{p}") or 0
        if n:
            labels.append(p)
            values.append(n)
    none = summary.get("excellent_days") or 0
    if none:
        labels.append(_text(label("no_primary", lang)))
        values.append(none)
    fig = _figure(label("primary_shares", lang), 360)
    fig.add_trace(
        go.Pie(
            labels=labels,
            values=values,
            hole=0.45,
            sort=False,
            textinfo="label+percent",
            direction="clockwise",
        )
    )
    fig.update_layout(showlegend=False)
    return fig


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
    fig = _figure(label("status_progress", lang), 340)
    for frame, name, colour in ((counts, names[0], _CURRENT), (previous, names[1], _PREVIOUS)):
        if frame is None:
            continue
        fig.add_trace(
            go.Bar(
                x=[_text(v) for v in frame[col].to_list()],
                y=frame["n"].to_list(),
                name=_text(name),
                marker_color=colour,
                text=frame["n"].to_list(),
                textposition="outside",
            )
        )
    fig.update_layout(barmode="group", yaxis_title_text=_text(label("n_water_bodies", lang)))
    return fig


def scatter_map(
    points: pl.DataFrame,
    *,
    title: str,
    name: str = "name",
    colour: str = "colour",
    group: str | None = None,
    hover: list[str] | None = None,
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
    hover : list of str, optional
        Extra columns shown on hover (escaped).
    """
    fig = _figure(title, 460)
    groups = [None] if group is None else points[group].unique(maintain_order=True).to_list()
    for g in groups:
        sub = points if g is None else points.filter(pl.col(group) == g)
        text = []
        for r in sub.iter_rows(named=True):
            extra = "".join(f"<br>{_text(c)}: {_text(r[c])}" for c in hover or [])
            text.append(f"{_text(r[name])}{extra}")
        fig.add_trace(
            go.Scatter(
                x=sub["lon"].to_list(),
                y=sub["lat"].to_list(),
                mode="markers+text",
                text=[_text(v) for v in sub[name].to_list()],
                textposition="top center",
                hovertext=text,
                hoverinfo="text",
                name=_text(g) if g is not None else "",
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
        title_text="lat",
        ticksuffix="°",
    )
    fig.update_xaxes(title_text="lon", ticksuffix="°")
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
        subplot_titles=[_text(p["title"]) for p in panels],
    )
    fig.update_layout(
        template=_TEMPLATE,
        title={"text": _text(label("trend_chart", lang))},
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
                name=_text(p["title"]),
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
