"""Figures (plotly) for analysts and for the reports: the one public plotting module.

Every function takes a polars (eager or lazy) or pandas frame, dates as
``date`` or ``'YYYY-MM-DD'`` strings, and ``lang="zh"`` (default) or ``"en"``;
it returns a :class:`plotly.graph_objects.Figure`. Groups (cities, stations)
are never merged: each is its own trace or panel, and a frame holding several
groups where one is expected raises an :class:`~indicators.errors.IndicatorInputError`
naming them.

Functions
---------
- :func:`calendar`: daily AQI categories (HJ 633 colours) or any daily column.
- :func:`monthly_categories`: days per AQI category and month.
- :func:`time_variation`: hour-of-day, weekday and month profiles (openair
  ``timeVariation``).
- :func:`trend`: monthly series with its Theil–Sen line and Mann–Kendall p
  (openair ``TheilSen``).
- :func:`timeseries`: one or more sites overlaid or faceted.
- :func:`data_capture`: share of valid hours per month and site (openair
  ``summaryPlot``).
- :func:`compare`: two sites, scatter with an OLS line and both series.
- :func:`primary_pollutants`: primary pollutants of exceedance days.
- :func:`notebook_renderer`: figures in a notebook that its HTML export draws
  offline (plotly.js once).

Category colours and names come from the ``air_aqi_categories`` table (HJ 633
Appendix A); statistics from :mod:`indicators.trends`; column names and units
from :mod:`indicators.glossary`. The figure words of both languages are
:data:`LABELS` (the reports read them from here too). Every data-derived label
(station, city names) is HTML-escaped (:func:`escape`), because plotly.js reads
a few HTML tags in labels.

Examples
--------
>>> import polars as pl
>>> from datetime import date
>>> daily = pl.DataFrame({"date": [date(2026, 3, 1), date(2026, 3, 2)], "aqi": [40, 160],
...                       "level": [1, 4]})
>>> fig = calendar(daily, start="2026-03-01", end="2026-03-31", lang="en")
>>> fig.layout.title.text, list(fig.data[0].z[0][:3])
('Daily AQI calendar', [1, 4, 0])
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, Literal

import numpy as np
import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from . import air, standards, trends
from ._frames import as_date, require_columns, to_lazy
from .errors import IndicatorInputError
from .glossary import AIR_POLLUTANTS, TERMS

__all__ = [
    "FONT_STACK",
    "INVALID_COLOUR",
    "LABELS",
    "LANGS",
    "MAX_POINTS",
    "NOTEBOOK_RENDERER",
    "NO_PRIMARY_COLOUR",
    "POLLUTANT_COLOURS",
    "TEMPLATE",
    "calendar",
    "category_colours",
    "compare",
    "data_capture",
    "escape",
    "monthly_categories",
    "new_figure",
    "notebook_renderer",
    "primary_pollutants",
    "time_variation",
    "timeseries",
    "trend",
]

#: Figure languages.
LANGS: tuple[str, ...] = ("zh", "en")

#: Font stack with Chinese glyphs on common systems (no web font is downloaded).
FONT_STACK = (
    '-apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", '
    '"Source Han Sans SC", "WenQuanYi Micro Hei", "Segoe UI", Roboto, "Helvetica Neue", Arial, '
    "sans-serif"
)

#: Colour of days without a valid value (not an HJ 633 category: a neutral grey).
INVALID_COLOUR = "#D0D7DE"

#: Fixed colour of each pollutant, the same in every figure (Okabe–Ito palette, colour-blind
#: safe; a presentation choice, not a standard).
POLLUTANT_COLOURS: dict[str, str] = {
    "PM2.5": "#D55E00",
    "PM10": "#E69F00",
    "O3": "#0072B2",
    "NO2": "#CC79A7",
    "SO2": "#009E73",
    "CO": "#56B4E9",
}
#: Colour of the days without a primary pollutant (AQI ≤ 50).
NO_PRIMARY_COLOUR = "#B7BFC7"

#: Above this many points in one trace, hourly series are drawn as daily means.
MAX_POINTS = 20_000

#: Line colours of groups (sites), in the sorted order of the group names.
_PALETTE = ("#0969DA", "#CF222E", "#1A7F37", "#8250DF", "#BF8700", "#1B7C83", "#6E7781", "#953800")

#: The house plotly template (fonts with Chinese glyphs, light grid).
TEMPLATE = go.layout.Template(
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

#: key -> (中文, English): every word the figures show.
LABELS: dict[str, tuple[str, str]] = {
    "aqi_calendar": ("每日空气质量指数日历", "Daily AQI calendar"),
    "value_calendar": ("每日{what}日历", "Daily {what} calendar"),
    "monthly_categories": ("逐月空气质量级别天数", "Days per AQI category, by month"),
    "days": ("天数", "Days"),
    "no_valid_aqi": ("无有效 AQI", "No valid AQI"),
    "no_valid_value": ("无有效数据", "no valid value"),
    "primary": ("首要污染物", "primary"),
    "primary_shares": ("首要污染物天数占比", "Primary-pollutant days"),
    "no_primary": ("无首要污染物（AQI ≤ 50）", "no primary pollutant (AQI ≤ 50)"),
    "primary_exceedance": (
        "超标天首要污染物占比",
        "Primary pollutants of the exceedance days",
    ),
    "share_of_exceedance_days": ("占超标天数比例（%）", "Share of exceedance days (%)"),
    "exceedance_hover": (
        "{p}：{n} / {total} 个超标天",
        "{p}: {n} of {total} exceedance days",
    ),
    "no_exceedance": ("无超标天", "no exceedance day"),
    "hour": ("小时（小时结束时刻）", "Hour (hour ending)"),
    "weekday": ("星期", "Weekday"),
    "month": ("月份", "Month"),
    "weekday_hour": ("星期 × 小时", "Weekday × hour"),
    "weekday_names": ("一 二 三 四 五 六 日", "Mon Tue Wed Thu Fri Sat Sun"),
    "time_variation": ("{what} 日、周、月变化", "{what}: diurnal, weekly and monthly variation"),
    "band_mean": ("均值及其 {p}% 置信区间", "mean and its {p} % confidence interval"),
    "band_median": ("中位数及 25%～75% 分位数", "median and 25–75 % quantiles"),
    "normalised": ("归一化（÷ 均值）", "normalised (÷ mean)"),
    "trend": ("{what} 变化趋势（Theil-Sen）", "{what} trend (Theil-Sen)"),
    "sen_line": ("Sen 趋势线", "Sen line"),
    "sen_annotation": (
        "Sen 斜率 {slope}/年 {stars}<br>{level}% 置信区间 {low} ～ {high}；"
        "{p}（Mann-Kendall）；n = {n}{excluded}",
        "Sen slope {slope}/yr {stars}<br>{level} % CI {low} to {high}; "
        "{p} (Mann-Kendall); n = {n}{excluded}",
    ),
    "excluded": ("（剔除 {k} 个无效时段）", " ({k} invalid periods excluded)"),
    "no_trend": ("有效值不足，未计算趋势", "too few valid values for a trend"),
    "deseasonalised": ("去除季节成分（STL）", "deseasonalised (STL)"),
    "monthly_statistic": ("月{what}", "monthly {what}"),
    "daily_means": ("日均值（由小时值计算）", "daily means of the hourly values"),
    "monthly_means": ("月均值", "monthly means"),
    "valid_hours": ("有效小时 {n}", "{n} valid hours"),
    "valid_values": ("有效值 {n}", "{n} valid values"),
    "data_capture": ("数据获取率（有效小时占比，%）", "Data capture (share of valid hours, %)"),
    "capture_summary": (
        "获取率 {capture}%｜均值 {mean}｜中位数 {median}｜最大值 {max} {unit}",
        "capture {capture} % · mean {mean} · median {median} · max {max} {unit}",
    ),
    "capture_hover": (
        "{row}<br>{month}：{valid} / {expected} 小时 = {pct}%",
        "{row}<br>{month}: {valid} of {expected} hours = {pct} %",
    ),
    "compare_title": ("{a} 与 {b}：{what}", "{a} and {b}: {what}"),
    "ols": (
        "{b} = {slope} × {a} {sign} {intercept}<br>r² = {r2}，n = {n}",
        "{b} = {slope} × {a} {sign} {intercept}<br>r² = {r2}, n = {n}",
    ),
    "one_to_one": ("1:1", "1:1"),
    "ols_line": ("最小二乘拟合", "OLS fit"),
}

_UNITS = {"ug/m3": "µg/m³", "mg/m3": "mg/m³", "1": "", "count": "", "day": ""}


# --------------------------------------------------------------------------- helpers


def escape(value: Any) -> str:
    """A data-derived string as plotly label text (HTML-escaped; None is ``""``).

    plotly.js reads a few HTML tags (``<b>``, ``<br>``) in labels, so station,
    section and city names pass through here before they become label text.

    Parameters
    ----------
    value : Any
        A name or value from the data.

    Returns
    -------
    str
        ``str(value)`` with ``&``, ``<`` and ``>`` escaped.

    Examples
    --------
    >>> escape("<b>A & B</b>")
    '&lt;b&gt;A &amp; B&lt;/b&gt;'
    """
    return html.escape("" if value is None else str(value), quote=False)


def new_figure(title: str, *, height: int) -> go.Figure:
    """An empty figure in the house :data:`TEMPLATE` with an escaped ``title``.

    Parameters
    ----------
    title : str
        Figure title (escaped with :func:`escape`).
    height : int
        Height [px].

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> new_figure("<PM2.5>", height=300).layout.title.text
    '&lt;PM2.5&gt;'
    """
    return go.Figure(
        layout={"template": TEMPLATE, "title": {"text": escape(title)}, "height": height}
    )


#: The plotly renderer :func:`notebook_renderer` registers (HTML without plotly.js).
NOTEBOOK_RENDERER = "indicators_notebook"


def _offline_html(fig_dict: dict[str, Any]) -> dict[str, str]:
    """A figure as a plot ``div`` and the script drawing it with the page's plotly.js."""
    import plotly.io as pio

    return {
        "text/html": pio.to_html(
            fig_dict,
            include_plotlyjs=False,
            include_mathjax=False,  # plotly's notebook renderer would add a CDN MathJax
            full_html=False,
            default_width="100%",
            validate=False,
        )
    }


def notebook_renderer() -> Any:
    """Show figures in a notebook so that its HTML export draws them offline.

    Registers and selects a plotly renderer (:data:`NOTEBOOK_RENDERER`, with
    plotly's own mimetype for JupyterLab) whose outputs are a plot ``div`` and
    the script that draws it, and returns the one copy of plotly.js (the
    installed plotly's) for the notebook to show once, before any figure. An
    export with ``jupyter nbconvert --to html`` then draws every figure with
    no network (plotly's ``notebook_connected`` renderer loads plotly.js from
    a CDN; its ``notebook`` renderer adds a CDN MathJax to each figure).
    Presentation only: no standard applies.

    Returns
    -------
    IPython.display.HTML
        ``<script>`` with plotly.js: the last expression of a notebook cell.

    Examples
    --------
    >>> import plotly.io as pio
    >>> before = pio.renderers.default
    >>> js = notebook_renderer()
    >>> pio.renderers.default, js.data.count("plotly.js v")
    ('plotly_mimetype+indicators_notebook', 1)
    >>> pio.renderers.default = before
    """
    import plotly.io as pio
    from IPython.display import HTML
    from plotly.io.base_renderers import MimetypeRenderer
    from plotly.offline import get_plotlyjs

    class OfflineHtmlRenderer(MimetypeRenderer):
        def to_mimebundle(self, fig_dict: dict[str, Any]) -> dict[str, str]:
            return _offline_html(fig_dict)

    pio.renderers[NOTEBOOK_RENDERER] = OfflineHtmlRenderer()
    pio.renderers.default = f"plotly_mimetype+{NOTEBOOK_RENDERER}"
    return HTML(f'<script type="text/javascript">{get_plotlyjs()}</script>')


def _t(key: str, lang: str, **fields: Any) -> str:
    text = LABELS[key][LANGS.index(lang)]
    return text.format(**fields) if fields else text


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise IndicatorInputError(
            "unknown figure language", column="lang", expected=f"one of {LANGS}", found=lang
        )


def _unit(column: str) -> str:
    """Display unit of a column (µg/m³, mg/m³; "" when dimensionless or unknown)."""
    term = TERMS.get(column)
    if term is None:
        base = next((p for p in AIR_POLLUTANTS if column.startswith(f"{p}_")), None)
        term = TERMS.get(base) if base else None
    if term is None:
        return ""
    return _UNITS.get(term.unit, term.unit)


def _axis_title(column: str, lang: str, what: str | None = None) -> str:
    unit = _unit(column)
    name = escape(what if what is not None else column)
    if not unit:
        return name
    return f"{name}（{unit}）" if lang == "zh" else f"{name} ({unit})"


def _num(x: float | None) -> str:
    """Three significant digits without an exponent; "—" for a missing value."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    if abs(x) >= 1000:
        return f"{x:.0f}"
    text = f"{x:.3g}"
    return f"{x:.6f}".rstrip("0").rstrip(".") if "e" in text else text


def _frame(data: Any, name: str) -> pl.DataFrame:
    lf, _ = to_lazy(data, name=name)
    return lf.collect()


def _numeric(df: pl.DataFrame, column: str, name: str) -> pl.DataFrame:
    """``column`` as Float64 (NaN -> null); a non-numeric column raises."""
    require_columns(df.schema, [column], name=name)
    dtype = df.schema[column]
    if not (dtype.is_numeric() or dtype == pl.Null):
        raise IndicatorInputError(
            "not a numeric column", file=name, column=column, expected="numbers", found=str(dtype)
        )
    return df.with_columns(pl.col(column).cast(pl.Float64).fill_nan(None))


def _as_date_column(df: pl.DataFrame, column: str, name: str) -> pl.DataFrame:
    dtype = df.schema[column]
    if dtype == pl.Date:
        return df
    if isinstance(dtype, pl.Datetime):
        return df.with_columns(pl.col(column).dt.date())
    if dtype == pl.String:
        parsed = pl.col(column).str.to_date("%Y-%m-%d", strict=False)
        bad = df.filter(pl.col(column).is_not_null() & parsed.is_null())
        if bad.height:
            raise IndicatorInputError(
                "not a date",
                file=name,
                column=column,
                expected="'YYYY-MM-DD'",
                found=bad[column][0],
            )
        return df.with_columns(parsed)
    raise IndicatorInputError(
        "not a date column", file=name, column=column, expected="dates", found=str(dtype)
    )


def _as_datetime_column(df: pl.DataFrame, column: str, name: str) -> pl.DataFrame:
    dtype = df.schema[column]
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is not None:  # keep the wall-clock time of its zone
            return df.with_columns(pl.col(column).dt.replace_time_zone(None))
        return df
    raise IndicatorInputError(
        "not a datetime column",
        file=name,
        column=column,
        expected="datetimes (hour-ending, China Standard Time)",
        found=str(df.schema[column]),
    )


def _group_column(
    df: pl.DataFrame, by: str | None, defaults: Sequence[str], name: str
) -> str | None:
    """The grouping column: ``by`` (checked) or the first of ``defaults`` present."""
    if by is not None:
        if not isinstance(by, str):
            raise IndicatorInputError(
                "group by one column", column="by", expected="a column name", found=by
            )
        require_columns(df.schema, [by], name=name)
        col: str | None = by
    else:
        col = next((c for c in defaults if c in df.columns), None)
    if col is not None and df[col].null_count():
        raise IndicatorInputError(
            "missing group name", file=name, column=col, expected="a name in every row", found=None
        )
    return col


def _groups(df: pl.DataFrame, col: str | None) -> list[Any]:
    return [None] if col is None else df[col].unique().sort().to_list()


def _part(df: pl.DataFrame, col: str | None, group: Any) -> pl.DataFrame:
    return df if col is None else df.filter(pl.col(col) == group)


def _single_group(df: pl.DataFrame, col: str | None, by: str | None, name: str) -> None:
    """Raise when ``by`` was not given and ``col`` holds several groups."""
    if by is None and col is not None and df[col].n_unique() > 1:
        groups = df[col].unique().sort().to_list()
        raise IndicatorInputError(
            f"the frame holds several groups in '{col}'; pass by={col!r} for one panel each, "
            "or filter one",
            file=name,
            column=col,
            expected="one group, or by=",
            found=groups,
        )


def _unique_rows(df: pl.DataFrame, keys: list[str], name: str) -> None:
    """Raise at the first duplicated key (two rows would be merged into one point)."""
    dup = df.filter(pl.struct(keys).is_duplicated())
    if dup.height:
        raise IndicatorInputError(
            "several rows for one time and group (pass by= to keep the groups apart)",
            file=name,
            column=keys[-1],
            expected=f"one row per {keys}",
            found={k: dup[k][0] for k in keys},
        )


def _period(df: pl.DataFrame, column: str, start: Any, end: Any) -> tuple[date, date]:
    s = as_date(start, column="start") if start is not None else df[column].min()
    e = as_date(end, column="end") if end is not None else df[column].max()
    if s is None or e is None:
        raise IndicatorInputError("no rows to plot", column=column, expected="rows", found=0)
    if e < s:
        raise IndicatorInputError(
            "period ends before it starts", column="end", expected=f">= {s}", found=str(e)
        )
    return s, e


def _months(start: date, end: date) -> list[tuple[int, int]]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _month_label(y: int, m: int, lang: str) -> str:
    return f"{y}年{m}月" if lang == "zh" else f"{y}-{m:02d}"


def _facets(n: int, titles: list[str], **kwargs: Any) -> go.Figure:
    fig = make_subplots(rows=n, cols=1, subplot_titles=titles, **kwargs)
    fig.update_layout(template=TEMPLATE)
    return fig


def _colour(i: int) -> str:
    return _PALETTE[i % len(_PALETTE)]


# --------------------------------------------------------------------------- categories


def category_colours(edition: str, lang: str) -> list[dict[str, Any]]:
    """Level, name and colour of the six AQI categories of an HJ 633 edition (Appendix A).

    Parameters
    ----------
    edition : str
        ``"HJ 633-2012"`` or ``"HJ 633-2026"`` (table ``air_aqi_categories``).
    lang : str
        ``"zh"`` (category names 优, 良, ...) or ``"en"``.

    Returns
    -------
    list of dict
        ``{"level", "name", "hex"}`` in level order.

    Examples
    --------
    >>> [c["hex"] for c in category_colours("HJ 633-2026", "zh")][:2]
    ['#00E400', '#FFFF00']
    """
    _check_lang(lang)
    rows = standards.table("air_aqi_categories").filter(standard=edition).sort("level")
    if rows.is_empty():
        raise IndicatorInputError(
            "unknown HJ 633 edition",
            column="edition",
            expected=f"one of {[e.name for e in standards.EDITIONS['HJ 633']]}",
            found=edition,
        )
    name = "category_zh" if lang == "zh" else "category_en"
    return [
        {"level": r["level"], "name": r[name], "hex": r["hex"]} for r in rows.iter_rows(named=True)
    ]


def _latest_edition(daily: pl.DataFrame) -> str:
    """The HJ 633 edition of the last day in ``daily`` (its colours label the legend)."""
    if "edition" in daily.columns:
        editions = daily.drop_nulls("edition").sort("date")["edition"]
        if len(editions):
            return editions[-1]
    return standards.EDITIONS["HJ 633"][-1].name


def _daily_frame(
    daily: Any, columns: list[str], by: str | None, name: str
) -> tuple[pl.DataFrame, str | None]:
    df = _frame(daily, name)
    require_columns(df.schema, ["date", *columns], name=name)
    df = _as_date_column(df, "date", name)
    col = _group_column(df, by, ("city", "station"), name)
    _single_group(df, col, by, name)
    _unique_rows(df, [*([col] if col else []), "date"], name)
    return df, col


def _level_column(df: pl.DataFrame, name: str) -> pl.DataFrame:
    """``level`` as Int64; a value that is no level of the HJ 633 category table raises."""
    df = _numeric(df, "level", name)
    levels = sorted(standards.table("air_aqi_categories")["level"].unique().to_list())
    level = pl.col("level")
    bad = df.filter((level.round() != level) | ~level.cast(pl.Int64, strict=False).is_in(levels))
    if bad.height:
        raise IndicatorInputError(
            "not an AQI level",
            file=name,
            column="level",
            expected=f"one of {levels} (HJ 633 Table 2)",
            found=bad["level"][0],
        )
    return df.with_columns(pl.col("level").cast(pl.Int64))


def _aqi_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _calendar_trace(
    df: pl.DataFrame,
    start: date,
    end: date,
    *,
    pollutant: str | None,
    cats: list[dict[str, Any]],
    lang: str,
    values: bool,
    zrange: tuple[float, float] | None,
    showscale: bool,
) -> tuple[list[go.Heatmap], int]:
    """The heat map of one group (and its grey underlay for a value column)."""
    by_day = {r["date"]: r for r in df.iter_rows(named=True)}
    months = _months(start, end)
    cat_col = "category" if lang == "zh" else "category_en"
    names = {c["level"]: c["name"] for c in cats}
    z, hover, cells, grey = [], [], [], []
    for y, m in months:
        zr, hr, cr, gr = [], [], [], []
        for d in range(1, 32):
            try:
                day: date | None = date(y, m, d)
            except ValueError:
                day = None
            if day is None or not start <= day <= end:
                zr.append(None)
                hr.append("")
                cr.append("")
                gr.append(None)
                continue
            row = by_day.get(day)
            gr.append(0)
            if pollutant is None:
                if row is None or row["aqi"] is None or row["level"] is None:
                    zr.append(0)
                    hr.append(f"{day}<br>{escape(_t('no_valid_aqi', lang))}")
                    cr.append("")
                    continue
                zr.append(row["level"])
                primary = row.get("primary_pollutant") or "—"
                category = row[cat_col] if cat_col in row else names.get(row["level"])
                hr.append(
                    f"{day}<br>AQI {_aqi_text(row['aqi'])} {escape(category)}<br>"
                    f"{escape(TERMS['primary_pollutant'].zh if lang == 'zh' else 'primary')}: "
                    f"{escape(primary)}<br>{escape(row.get('edition'))}"
                )
                cr.append(_aqi_text(row["aqi"]))
            else:
                value = None if row is None else row[pollutant]
                zr.append(value)
                if value is None:
                    hr.append(f"{day}<br>{escape(_t('no_valid_value', lang))}")
                    cr.append("")
                else:
                    hr.append(f"{day}<br>{escape(pollutant)}: {_num(value)} {_unit(pollutant)}")
                    cr.append(_num(value) if abs(value) < 10 else f"{value:.0f}")
        z.append(zr)
        hover.append(hr)
        cells.append(cr)
        grey.append(gr)
    ylabels = [_month_label(y, m, lang) for y, m in months]
    common: dict[str, Any] = {"x": list(range(1, 32)), "y": ylabels, "xgap": 2, "ygap": 2}
    text: dict[str, Any] = (
        {
            "text": cells,
            "texttemplate": "%{text}",
            "textfont": {"size": 9},
            "customdata": hover,
            "hovertemplate": "%{customdata}<extra></extra>",
        }
        if values
        else {"text": hover, "hoverinfo": "text"}
    )
    if pollutant is None:
        n = len(cats)
        scale: list[list[Any]] = []
        colours = [INVALID_COLOUR, *[c["hex"] for c in cats]]
        for k, colour in enumerate(colours):
            scale += [[k / (n + 1), colour], [(k + 1) / (n + 1), colour]]
        trace = go.Heatmap(
            z=z,
            **common,
            **text,
            colorscale=scale,
            zmin=-0.5,
            zmax=n + 0.5,
            showscale=showscale,
            colorbar={
                "tickvals": list(range(n + 1)),
                "ticktext": [escape(_t("no_valid_aqi", lang)), *[escape(c["name"]) for c in cats]],
                "thickness": 12,
            },
        )
        return [trace], len(months)
    underlay = go.Heatmap(
        z=grey,
        **common,
        colorscale=[[0, INVALID_COLOUR], [1, INVALID_COLOUR]],
        showscale=False,
        hoverinfo="skip",
    )
    lo, hi = zrange if zrange is not None else (None, None)
    trace = go.Heatmap(
        z=z,
        **common,
        **text,
        colorscale="YlOrRd",
        zmin=lo,
        zmax=hi,
        hoverongaps=False,
        showscale=showscale,
        colorbar={"title": {"text": _axis_title(pollutant, lang)}, "thickness": 12},
    )
    return [underlay, trace], len(months)


def calendar(
    daily: Any,
    *,
    pollutant: str | None = None,
    start: str | date | None = None,
    end: str | date | None = None,
    lang: str = "zh",
    values: bool = False,
    by: str | None = None,
) -> go.Figure:
    """Calendar heat map of daily values: one row per month, one column per day of the month.

    Parameters
    ----------
    daily : polars or pandas DataFrame
        Daily rows, e.g. :func:`indicators.air.daily_aqi`: ``date`` and, for the
        AQI categories, ``aqi`` and ``level`` (optional ``category`` /
        ``category_en``, ``primary_pollutant``, ``edition`` for the hover);
        else the ``pollutant`` column [its unit].
    pollutant : str, optional
        None (default): each day in the colour of its AQI category (HJ 633
        Table 2, colours of Appendix A of the edition of the last day in the
        data). A column (``"PM2.5"`` [µg/m³], ``"O3_MDA8"``, ``"aqi"``, ...): a
        continuous colour scale labelled with the column's unit.
    start, end : date or 'YYYY-MM-DD', optional
        The period (both included); default the first and last date in the data.
    lang : {"zh", "en"}, default "zh"
        Label language.
    values : bool, default False
        Write the value (the AQI, or the column's value) in each cell.
    by : str, optional
        Group column: one panel per group. Without it the frame must hold one
        group of its ``city`` (or else ``station``) column.

    Returns
    -------
    plotly.graph_objects.Figure
        One heat map per group (plus a grey underlay for a value column). Days
        of the period without a valid value (null, e.g. a day failing the GB
        3095 Table 4 hour counts in :func:`indicators.air.daily_aqi`, or no
        row) are grey (:data:`INVALID_COLOUR`); cells outside the period, or
        dates that do not exist, are blank.

    Raises
    ------
    IndicatorInputError
        A missing column; several groups without ``by``; two rows for one date
        of a group.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import date
    >>> d = pl.DataFrame({"city": ["A", "B"], "date": [date(2026, 1, 1)] * 2,
    ...                   "PM2.5": [30.0, 80.0]})
    >>> fig = calendar(d, pollutant="PM2.5", by="city", values=True)
    >>> [t.z[0][0] for t in fig.data if t.hoverinfo != "skip"]  # one panel per city
    [30.0, 80.0]
    """
    _check_lang(lang)
    name = "daily"
    needed = ["aqi", "level"] if pollutant is None else [pollutant]
    df, col = _daily_frame(daily, needed, by, name)
    if pollutant is None:
        df = _level_column(df, name)
    else:
        df = _numeric(df, pollutant, name)
    s, e = _period(df, "date", start, end)
    groups = _groups(df, col)  # a group without a day in the period is a grey panel
    df = df.filter(pl.col("date").is_between(s, e))
    cats = category_colours(_latest_edition(df), lang)
    zrange = None
    if pollutant is not None and df[pollutant].drop_nulls().len():
        zrange = (float(df[pollutant].min()), float(df[pollutant].max()))
    title = (
        _t("aqi_calendar", lang)
        if pollutant is None
        else _t("value_calendar", lang, what=pollutant)
    )
    if len(groups) == 1:
        traces, n_months = _calendar_trace(
            _part(df, col, groups[0]),
            s,
            e,
            pollutant=pollutant,
            cats=cats,
            lang=lang,
            values=values,
            zrange=zrange,
            showscale=True,
        )
        fig = new_figure(title, height=max(230, 90 + 28 * n_months))
        for trace in traces:
            fig.add_trace(trace)
        fig.update_yaxes(autorange="reversed", showgrid=False, type="category", automargin=True)
        fig.update_xaxes(dtick=1, showgrid=False, side="top")
        fig.update_layout(margin={"t": 80, "b": 10})
        return fig
    n_months = len(_months(s, e))
    fig = _facets(len(groups), [escape(g) for g in groups], vertical_spacing=0.4 / len(groups))
    for i, g in enumerate(groups, start=1):
        traces, _ = _calendar_trace(
            _part(df, col, g),
            s,
            e,
            pollutant=pollutant,
            cats=cats,
            lang=lang,
            values=values,
            zrange=zrange,
            showscale=i == 1,
        )
        for trace in traces:
            fig.add_trace(trace, row=i, col=1)
    fig.update_yaxes(autorange="reversed", showgrid=False, type="category", automargin=True)
    fig.update_xaxes(dtick=1, showgrid=False)
    fig.update_layout(title={"text": escape(title)}, height=80 + len(groups) * (70 + 28 * n_months))
    return fig


def monthly_categories(
    daily: Any,
    *,
    start: str | date | None = None,
    end: str | date | None = None,
    lang: str = "zh",
    by: str | None = None,
) -> go.Figure:
    """Stacked bars: days of each AQI category per month, in the HJ 633 colours.

    Parameters
    ----------
    daily : polars or pandas DataFrame
        :func:`indicators.air.daily_aqi` rows: ``date``, ``aqi``, ``level``
        (HJ 633 Table 2 levels 1..6), optional ``edition``.
    start, end : date or 'YYYY-MM-DD', optional
        The period (both included); default the first and last date in the data.
    lang : {"zh", "en"}, default "zh"
        Label language.
    by : str, optional
        Group column: one panel per group (else one group, as :func:`calendar`).

    Returns
    -------
    plotly.graph_objects.Figure
        Six bar traces per group (one per category, colours of HJ 633
        Appendix A) and a grey bar of the days of the period without a valid
        AQI, so every calendar day is counted [day].

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import date
    >>> d = pl.DataFrame({"date": [date(2026, 2, 1), date(2026, 2, 2)], "aqi": [40, 120],
    ...                   "level": [1, 3]})
    >>> fig = monthly_categories(d, start="2026-02-01", end="2026-02-28", lang="en")
    >>> [t.y[0] for t in fig.data]
    [1, 0, 1, 0, 0, 0, 26]
    """
    _check_lang(lang)
    name = "daily"
    df, col = _daily_frame(daily, ["aqi", "level"], by, name)
    df = _level_column(df, name)
    s, e = _period(df, "date", start, end)
    groups = _groups(df, col)
    df = df.filter(pl.col("date").is_between(s, e))
    cats = category_colours(_latest_edition(df), lang)
    months = _months(s, e)
    x = [_month_label(y, m, lang) for y, m in months]
    if len(groups) == 1:
        fig = new_figure(_t("monthly_categories", lang), height=380)
    else:
        fig = _facets(len(groups), [escape(g) for g in groups], shared_xaxes=True)
        fig.update_layout(
            title={"text": escape(_t("monthly_categories", lang))}, height=120 + 260 * len(groups)
        )
    for i, g in enumerate(groups, start=1):
        d = (
            _part(df, col, g)
            .filter(pl.col("aqi").is_not_null())
            .with_columns(ym=pl.col("date").dt.year() * 100 + pl.col("date").dt.month())
        )
        counts = {
            (r["ym"], r["level"]): r["len"]
            for r in d.group_by("ym", "level").len().iter_rows(named=True)
        }
        where = {} if len(groups) == 1 else {"row": i, "col": 1}
        for c in cats:
            fig.add_trace(
                go.Bar(
                    x=x,
                    y=[counts.get((y * 100 + m, c["level"]), 0) for y, m in months],
                    name=escape(c["name"]),
                    legendgroup=str(c["level"]),
                    showlegend=i == 1,
                    marker_color=c["hex"],
                    marker_line={"color": "#8c959f", "width": 0.5},
                ),
                **where,
            )
        invalid = []
        for y, m in months:
            first = max(date(y, m, 1), s)
            last = min((date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)), e)
            valid = sum(counts.get((y * 100 + m, c["level"]), 0) for c in cats)
            invalid.append((last - first).days + 1 - valid)
        fig.add_trace(
            go.Bar(
                x=x,
                y=invalid,
                name=escape(_t("no_valid_aqi", lang)),
                legendgroup="invalid",
                showlegend=i == 1,
                marker_color=INVALID_COLOUR,
            ),
            **where,
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_yaxes(title_text=escape(_t("days", lang)))
    fig.update_xaxes(type="category")  # "2026-03" is a month's name, not a date to place
    return fig


# --------------------------------------------------------------------------- time variation

_PANELS = {"weekday_hour": (1, 1), "hour": (2, 1), "weekday": (2, 2), "month": (2, 3)}


def _welch(a: dict[str, Any], b: dict[str, Any], level: float) -> tuple[Any, Any, Any]:
    """A − B of two means with the Welch t interval at ``level`` (None where undefined)."""
    if a["mean"] is None or b["mean"] is None:
        return None, None, None
    diff = a["mean"] - b["mean"]
    if a["n"] < 2 or b["n"] < 2 or a["sd"] is None or b["sd"] is None:
        return diff, None, None
    va, vb = a["sd"] ** 2 / a["n"], b["sd"] ** 2 / b["n"]
    se = math.sqrt(va + vb)
    if se == 0:
        return diff, diff, diff
    df = (va + vb) ** 2 / (va**2 / (a["n"] - 1) + vb**2 / (b["n"] - 1))
    from scipy import stats  # imported here: scipy.stats costs ~1 s at import

    half = float(stats.t.ppf((1 + level) / 2, df)) * se
    return diff, diff - half, diff + half


def _difference(
    profiles: pl.DataFrame,
    col: str,
    a: str,
    b: str,
    names: tuple[str, str, str],
    level: float | None,
) -> pl.DataFrame:
    """Profile of A − B; with ``level``, the Welch interval of the difference of means."""
    centre, low, high = names
    joined = profiles.filter(pl.col(col) == a).join(
        profiles.filter(pl.col(col) == b), on=["pollutant", "profile", "key"], suffix="_b"
    )
    rows = []
    for r in joined.iter_rows(named=True):
        if level is not None:
            d, lo, hi = _welch(
                {"mean": r["mean"], "sd": r["sd"], "n": r["n"]},
                {"mean": r["mean_b"], "sd": r["sd_b"], "n": r["n_b"]},
                level,
            )
        else:
            d, lo, hi = r[centre] - r[f"{centre}_b"], None, None
        rows.append({"profile": r["profile"], "key": r["key"], centre: d, low: lo, high: hi})
    schema = {"profile": pl.String, "key": pl.Int64, centre: pl.Float64}
    return pl.DataFrame(rows, schema={**schema, low: pl.Float64, high: pl.Float64})


def time_variation(
    hourly: Any,
    pollutant: str | Sequence[str],
    *,
    by: str | None = None,
    statistic: Literal["mean", "median"] = "mean",
    interval: float = 0.95,
    normalise: bool = False,
    difference: tuple[str, str] | None = None,
    lang: str = "zh",
    title: str | None = None,
) -> go.Figure:
    """Diurnal, weekday and monthly profiles, one line per group (openair ``timeVariation``).

    Parameters
    ----------
    hourly : polars or pandas DataFrame
        Station-hours: ``time`` (datetime, HOUR-ENDING, China Standard Time),
        the pollutant column(s) [µg/m³; CO mg/m³] (null = missing).
    pollutant : str or list of str
        Column(s) to profile; several pollutants give one line each per group.
    by : str, optional
        Group column; default ``station`` if present, else ``city``. Each group
        is its own line: groups are never pooled (pass ``by=`` a coarser
        column to pool on purpose).
    statistic : {"mean", "median"}, default "mean"
        ``"mean"``: mean and its Student-t interval at level ``interval``;
        ``"median"``: median and the 25–75 % quantile band (``interval`` is
        not used).
    interval : float, default 0.95
        Level of the interval of the mean.
    normalise : bool, default False
        Divide each profile (and band) by the mean of that profile, per group
        and pollutant [1], to compare shapes.
    difference : (str, str), optional
        Two group names A, B: also draw A − B (Welch t interval of the
        difference of means at ``interval``; for the median or normalised
        profiles, the difference without a band). One pollutant only.
    lang : {"zh", "en"}, default "zh"
        Label language.
    title : str, optional
        Figure title (default: the pollutant and the statistic).

    Returns
    -------
    plotly.graph_objects.Figure
        Panels weekday × hour (top, x 1..168), hour (1..24), weekday (1..7,
        Monday first), month (1..12). Per group and pollutant a line per
        panel (one legend entry, ``legendgroup`` = the line's name) and a
        filled band trace named ``"<name> band"``.

    Notes
    -----
    Profiles from :func:`indicators.trends.time_variation`: hours are labelled
    by the hour-ending time (hour 1 = 00:00–01:00, 24 = 23:00–24:00, the
    natural day of GB 3095-2026 §3.10); no data-capture threshold (every
    valid hour counts; the hover shows ``n``).

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timedelta
    >>> t = [datetime(2025, 1, 1, 1) + timedelta(hours=i) for i in range(48)]
    >>> h = pl.DataFrame({"station": ["A"] * 48 + ["B"] * 48, "time": t * 2,
    ...                   "NO2": [float(i % 24) for i in range(96)]})
    >>> fig = time_variation(h, "NO2", lang="en")
    >>> sorted({t.name for t in fig.data if t.showlegend})
    ['A', 'B']
    """
    _check_lang(lang)
    name = "hourly"
    df = _frame(hourly, name)
    require_columns(df.schema, ["time"], name=name)
    df = _as_datetime_column(df, "time", name)
    pols = [pollutant] if isinstance(pollutant, str) else list(pollutant)
    if not pols:
        raise IndicatorInputError(
            "no pollutant", column="pollutant", expected="a column name", found=pollutant
        )
    for p in pols:
        df = _numeric(df, p, name)
    _check_profile_options(statistic, interval)
    col = _group_column(df, by, ("station", "city"), name)
    if by is None:  # an explicit coarser by= pools on purpose
        _unique_rows(df, [*([col] if col else []), "time"], name)
    groups = _groups(df, col)
    if difference is not None:
        _check_difference(difference, col, groups, pols)
    profiles = trends.time_variation(df, pols, by=col, confidence=interval, statistic=statistic)
    columns = ("mean", "ci_low", "ci_high") if statistic == "mean" else ("median", "q25", "q75")
    if normalise:
        keys = [*([col] if col else []), "pollutant", "profile"]
        scale = pl.col(columns[0]).mean().over(keys)
        profiles = profiles.with_columns((pl.col(c) / scale).alias(c) for c in columns)
    series = _profile_series(
        profiles, col, groups if difference is None else list(difference), pols
    )
    if difference is not None:
        a, b = difference
        band = statistic == "mean" and not normalise
        diff = _difference(profiles, col, a, b, columns, interval if band else None)
        series.append((f"{a} − {b}", diff))
    fig = make_subplots(
        rows=2,
        cols=3,
        specs=[[{"colspan": 3}, None, None], [{}, {}, {}]],
        subplot_titles=[escape(_t(k, lang)) for k in ("weekday_hour", "hour", "weekday", "month")],
        vertical_spacing=0.14,
    )
    for i, (label, part) in enumerate(series):
        colour = "#1f2328" if difference is not None and i == len(series) - 1 else _colour(i)
        _add_profile_lines(fig, label, part, colour, columns)
    _time_variation_axes(fig, _t("weekday_names", lang).split())
    ytitle = (
        escape(_t("normalised", lang))
        if normalise
        else ", ".join(_axis_title(p, lang) for p in pols)
    )
    fig.update_yaxes(title_text=ytitle, row=1, col=1)
    fig.update_yaxes(title_text=ytitle, row=2, col=1)
    default = _time_variation_title(", ".join(pols), statistic, interval, lang)
    fig.update_layout(
        template=TEMPLATE,
        title={"text": escape(title) if title is not None else escape(default)},
        height=700,
        margin={"t": 90},
        legend={"y": -0.1},
    )
    return fig


def _check_profile_options(statistic: str, interval: float) -> None:
    """A known statistic and an interval level strictly between 0 and 1."""
    if statistic not in ("mean", "median"):
        raise IndicatorInputError(
            "unknown statistic", column="statistic", expected="'mean' or 'median'", found=statistic
        )
    if not 0 < interval < 1:
        raise IndicatorInputError(
            "interval level out of range",
            column="interval",
            expected="0 < level < 1",
            found=interval,
        )


def _check_difference(
    difference: tuple[str, str], col: str | None, groups: list[Any], pols: list[str]
) -> None:
    """``difference`` names two groups of the by column, for one pollutant."""
    if len(difference) != 2 or col is None or len(pols) != 1:
        raise IndicatorInputError(
            "difference needs two group names of the by column and one pollutant",
            column="difference",
            expected="(A, B) of " + (f"{groups}" if col else "a group column"),
            found=difference,
        )
    missing = [g for g in difference if g not in groups]
    if missing:
        raise IndicatorInputError(
            "unknown group", column=col, expected=f"one of {groups}", found=missing[0]
        )


def _profile_series(
    profiles: pl.DataFrame, col: str | None, groups: list[Any], pols: list[str]
) -> list[tuple[str, pl.DataFrame]]:
    """The profiles of each group and pollutant, with the line's label."""
    series: list[tuple[str, pl.DataFrame]] = []
    for g in groups:
        for p in pols:
            part = profiles.filter(pl.col("pollutant") == p)
            if col is not None:
                part = part.filter(pl.col(col) == g)
            words = [] if g is None else [str(g)]
            if len(pols) > 1 or g is None:
                words.append(p)
            series.append((" ".join(words), part))
    return series


def _add_profile_lines(
    fig: go.Figure, label: str, part: pl.DataFrame, colour: str, columns: tuple[str, str, str]
) -> None:
    """One line's profile in each panel, with its band when it has one."""
    centre, low, high = columns
    for profile, (r, c) in _PANELS.items():
        sub = part.filter(pl.col("profile") == profile).sort("key")
        if sub.height == 0:
            continue
        x = sub["key"].to_list()
        n = sub["n"].to_list() if "n" in sub.columns else [None] * sub.height
        fig.add_scatter(
            x=x,
            y=sub[centre].to_list(),
            name=escape(label),
            legendgroup=escape(label),
            showlegend=profile == "weekday_hour",
            mode="lines",
            line={"color": colour},
            customdata=n,
            hovertemplate="%{x}: %{y:.3g}"
            + (" (n = %{customdata})" if n[0] else "")
            + f"<extra>{escape(label)}</extra>",
            row=r,
            col=c,
        )
        lo, hi = sub[low].to_list(), sub[high].to_list()
        if all(v is None for v in lo):
            continue
        fig.add_scatter(
            x=x + x[::-1],
            y=hi + lo[::-1],
            name=f"{escape(label)} band",
            legendgroup=escape(label),
            showlegend=False,
            fill="toself",
            opacity=0.2,
            mode="none",
            fillcolor=colour,
            hoverinfo="skip",
            row=r,
            col=c,
        )


def _time_variation_axes(fig: go.Figure, weekdays: list[str]) -> None:
    """Weekday ticks on the weekday-hour and weekday panels, hour and month steps."""
    fig.update_xaxes(
        tickmode="array",
        tickvals=[1 + 24 * d for d in range(7)],
        ticktext=weekdays,
        row=1,
        col=1,
    )
    fig.update_xaxes(tickmode="array", tickvals=list(range(1, 8)), ticktext=weekdays, row=2, col=2)
    fig.update_xaxes(dtick=6, tick0=0, row=2, col=1)
    fig.update_xaxes(dtick=1, row=2, col=3)


def _time_variation_title(what: str, statistic: str, interval: float, lang: str) -> str:
    """The default title: the pollutants and what the band shows."""
    band = (
        _t("band_mean", lang, p=_num(100 * interval))
        if statistic == "mean"
        else _t("band_median", lang)
    )
    if lang == "en":
        return f"{_t('time_variation', lang, what=what)} ({band})"
    return f"{_t('time_variation', lang, what=what)}（{band}）"


# --------------------------------------------------------------------------- trend


#: Significance level of the slope interval drawn by :func:`trend` (a 95 % interval).
_TREND_ALPHA = 0.05


def _period_grid(first: date, last: date, freq: str) -> list[date]:
    every = "1mo" if freq == "month" else "1y"
    return pl.date_range(first, last, every, eager=True).to_list()


def _stars(p: float | None) -> str:
    """Significance marks of openair: *** p < 0.001, ** < 0.01, * < 0.05, + < 0.1."""
    if p is None:
        return ""
    for cut, mark in ((0.001, "***"), (0.01, "**"), (0.05, "*"), (0.1, "+")):
        if p < cut:
            return mark
    return ""


def trend(
    series: Any,
    pollutant: str,
    *,
    deseasonalise: bool = False,
    freq: Literal["month", "year"] = "month",
    by: str | None = None,
    lang: str = "zh",
    title: str | None = None,
) -> go.Figure:
    """Monthly values with their Theil–Sen line, slope, interval and p (openair ``TheilSen``).

    Parameters
    ----------
    series : polars or pandas DataFrame
        Either monthly values (``period_start``, the first day of each period,
        and ``pollutant``; e.g. :func:`indicators.trends.period_statistic`) or
        daily values (``date`` and ``pollutant``, e.g.
        :func:`indicators.air.daily_aqi`), which become monthly values by
        :func:`indicators.trends.period_statistic` (the GB 3095 Table 4 / HJ
        663 statistic and valid-day counts: invalid months are null, shown as
        gaps and counted).
    pollutant : str
        Value column [its unit; e.g. µg/m³].
    deseasonalise : bool, default False
        Remove the STL seasonal component before the test (monthly values;
        the plotted points are then the deseasonalised values the test used,
        :func:`indicators.trends.deseasonalise`).
    freq : {"month", "year"}, default "month"
        Spacing of the periods.
    by : str, optional
        Group column; default ``city`` if present, else ``station``: one panel
        per group, each with its own line and annotation.
    lang : {"zh", "en"}, default "zh"
        Label language.
    title : str, optional
        Figure title; the annotations stay.

    Returns
    -------
    plotly.graph_objects.Figure
        Per group a values trace (gaps where invalid) and a ``Sen line``
        trace ``intercept + slope · i`` (i = periods since the first), and an
        annotation: slope [unit/yr] with openair's significance marks, its
        95 % interval (Sen 1968), the two-sided Mann–Kendall p, n and the
        periods excluded.

    Notes
    -----
    All statistics are :func:`indicators.trends.trend_test` (Theil–Sen slope,
    Mann–Kendall test); nothing is recomputed here.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import date
    >>> s = pl.DataFrame({"period_start": [date(2024, m, 1) for m in range(1, 13)],
    ...                   "PM2.5": [40.0 - m for m in range(12)]})
    >>> fig = trend(s, "PM2.5", lang="en")
    >>> fig.layout.annotations[-1].text.split("<br>")[0]
    'Sen slope -12 µg/m³/yr ***'
    """
    _check_lang(lang)
    name = "series"
    df = _frame(series, name)
    time = "period_start" if "period_start" in df.columns else "date"
    require_columns(df.schema, [time], name=name)
    df = _numeric(_as_date_column(df, time, name), pollutant, name)
    col = _group_column(df, by, ("city", "station"), name)
    keys = [col] if col else []
    if df.is_empty():
        raise IndicatorInputError("no rows to plot", file=name, expected="rows", found=0)
    _unique_rows(df, [*keys, time], name)
    statistic = "mean"
    if time == "date":
        df = trends.period_statistic(df, pollutant, freq=freq, by=keys)
        statistic = df["statistic"][0]
    result = trends.trend_test(
        df, pollutant, freq=freq, by=keys, deseasonalise=deseasonalise, alpha=_TREND_ALPHA
    )
    groups = _groups(df, col)
    height = 150 + 340 * len(groups)
    fig = make_subplots(
        rows=len(groups),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=100 / height,
        subplot_titles=[escape(g) for g in groups] if col else None,
    )
    unit = _unit(pollutant)
    ppy = 12.0 if freq == "month" else 1.0
    annotations = []
    for i, g in enumerate(groups, start=1):
        part = _part(df, col, g).sort("period_start")
        res = _part(result, col, g).row(0, named=True)
        grid = _period_grid(part["period_start"].min(), part["period_start"].max(), freq)
        full = pl.DataFrame({"period_start": grid}).join(
            part.select("period_start", pollutant), on="period_start", how="left"
        )
        y = full[pollutant].to_list()
        if deseasonalise and freq == "month" and res["slope"] is not None:
            arr = trends.deseasonalise(full[pollutant].fill_null(float("nan")).to_numpy())
            y = [None if not math.isfinite(v) else float(v) for v in arr]
        colour = _colour(i - 1)
        fig.add_scatter(
            x=grid,
            y=y,
            mode="lines+markers",
            name=escape(g) if col else escape(pollutant),
            line={"color": colour},
            connectgaps=False,
            row=i,
            col=1,
        )
        if res["slope"] is None:
            text = _t("no_trend", lang)
        else:
            fig.add_scatter(
                x=grid,
                y=[res["intercept"] + res["slope"] * k for k in range(len(grid))],
                mode="lines",
                name=escape(_t("sen_line", lang)),
                line={"color": "#cf222e", "dash": "dash"},
                row=i,
                col=1,
            )
            p = res["p_value"]
            slope = _num(res["slope_per_year"])
            text = _t(
                "sen_annotation",
                lang,
                slope=f"{slope} {unit}" if unit else slope,
                stars=_stars(p),
                level=_num(100 * (1 - _TREND_ALPHA)),
                low=_num(res["ci_low"] * ppy),
                high=_num(res["ci_high"] * ppy),
                p="p < 0.001" if p < 0.001 else f"p = {p:.3f}",
                n=res["n"],
                excluded=_t("excluded", lang, k=res["n_excluded"]) if res["n_excluded"] else "",
            )
        axis = "" if i == 1 else str(i)
        annotations.append(
            {
                "text": text,
                "xref": f"x{axis} domain",
                "yref": f"y{axis} domain",
                "x": 0,
                "y": 1,
                "xanchor": "left",
                "yanchor": "bottom",
                "yshift": 4,
                "showarrow": False,
                "align": "left",
                "font": {"size": 12},
            }
        )
    what = pollutant if statistic == "mean" else f"{pollutant} {statistic}"
    ytitle = _axis_title(pollutant, lang, what=what)
    if deseasonalise:
        ytitle = (
            f"{ytitle}，{_t('deseasonalised', lang)}"
            if lang == "zh"
            else (f"{ytitle}, {_t('deseasonalised', lang)}")
        )
    fig.update_yaxes(title_text=ytitle)
    for a in annotations:
        fig.add_annotation(**a)
    fig.update_layout(
        template=TEMPLATE,
        title={"text": escape(title if title is not None else _t("trend", lang, what=what))},
        height=height,
        showlegend=False,
        margin={"t": 110},
    )
    return fig


# --------------------------------------------------------------------------- time series


def _time_column(df: pl.DataFrame, name: str) -> str:
    for c in ("time", "date", "period_start"):
        if c in df.columns:
            return c
    raise IndicatorInputError(
        "no time column",
        file=name,
        expected="a column 'time' (hourly), 'date' (daily) or 'period_start' (monthly)",
        found=df.columns,
    )


def _resampled(
    df: pl.DataFrame, time: str, pollutants: list[str], keys: list[str], resample: str | None
) -> tuple[pl.DataFrame, str, str | None]:
    """Series on a full grid (gaps are nulls); daily or monthly means when asked or too long.

    Returns ``(frame, time column, note key)``; the frame has ``n_<pollutant>``
    (valid values behind each point) when it was aggregated.
    """
    if resample not in (None, "none", "day", "month"):
        raise IndicatorInputError(
            "unknown resampling",
            column="resample",
            expected="None (automatic), 'none', 'day' or 'month'",
            found=resample,
        )
    if resample is None:
        longest = df.group_by(keys).len()["len"].max() if keys else df.height
        resample = "day" if time == "time" and (longest or 0) > MAX_POINTS else "none"
    if resample == "none":
        every = {"time": "1h", "date": "1d", "period_start": "1mo"}[time]
        if time == "time":  # hourly values on the full hour
            off_grid = (pl.col(time).dt.minute() != 0) | (pl.col(time).dt.second() != 0)
        elif time == "period_start":  # first days of months
            off_grid = pl.col(time).dt.day() != 1
        else:
            off_grid = pl.lit(False)
        on_grid = df.filter(off_grid).is_empty()
        if df.is_empty() or not on_grid:
            return df.sort([*keys, time]), time, None
        ranges = pl.datetime_range if time == "time" else pl.date_range
        span = df.group_by(keys or pl.lit(0)).agg(
            ranges(pl.col(time).min(), pl.col(time).max(), every).alias(time)
        )
        grid = span.explode(time).select(*keys, pl.col(time).cast(df.schema[time]))
        out = grid.join(df.select(*keys, time, *pollutants), on=[*keys, time], how="left")
        return out.sort([*keys, time]), time, None
    day = (
        (pl.col("time") - pl.duration(hours=1)).dt.date()
        if time == "time"
        else pl.col(time).cast(pl.Date)
    )
    step = day if resample == "day" else day.dt.truncate("1mo")
    agg = df.group_by([*keys, step.alias("period")]).agg(
        *[pl.col(p).mean() for p in pollutants],
        *[pl.col(p).count().alias(f"n_{p}") for p in pollutants],
    )
    every = "1d" if resample == "day" else "1mo"
    span = agg.group_by(keys or pl.lit(0)).agg(
        pl.date_range(pl.col("period").min(), pl.col("period").max(), every).alias("period")
    )
    grid = span.explode("period").select(*keys, "period")
    out = grid.join(agg, on=[*keys, "period"], how="left")
    note = "daily_means" if resample == "day" else "monthly_means"
    return out.sort([*keys, "period"]), "period", note


def timeseries(
    frame: Any,
    pollutant: str,
    *,
    by: str | None = None,
    facet: bool = False,
    resample: Literal["none", "day", "month"] | None = None,
    lang: str = "zh",
    title: str | None = None,
) -> go.Figure:
    """Series of one pollutant, one trace per site, overlaid or one panel each.

    Parameters
    ----------
    frame : polars or pandas DataFrame
        ``time`` (hourly, hour-ending), ``date`` (daily) or ``period_start``
        (monthly), the ``pollutant`` column [its unit] and the group column.
    pollutant : str
        Column to plot.
    by : str, optional
        Group column; default ``station`` if present, else ``city``. One
        trace per group, never pooled.
    facet : bool, default False
        One panel per group (shared time axis) instead of overlaid traces.
    resample : {None, "none", "day", "month"}, default None
        None: hourly series longer than :data:`MAX_POINTS` points per trace
        are drawn as daily means (the axis says so); ``"none"``: every value;
        ``"day"`` / ``"month"``: means over natural days (hour-ending labels:
        D 01:00 .. D+1 00:00, GB 3095-2026 §3.10) or calendar months.
    lang : {"zh", "en"}, default "zh"
        Label language.
    title : str, optional
        Figure title (default the pollutant).

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per group named after it. Missing values (and missing hours,
        days or months of a regular series) are gaps. Means are of the valid
        values, with no validity threshold (a display aid, not the GB 3095
        daily value); the hover gives the count of valid values behind each.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime
    >>> times = [datetime(2026, 1, 1, h) for h in (1, 2, 1)]
    >>> h = pl.DataFrame({"station": ["A", "A", "B"], "time": times, "PM2.5": [30.0, None, 50.0]})
    >>> [t.name for t in timeseries(h, "PM2.5").data]
    ['A', 'B']
    """
    _check_lang(lang)
    name = "frame"
    df = _frame(frame, name)
    time = _time_column(df, name)
    df = _as_datetime_column(df, time, name) if time == "time" else _as_date_column(df, time, name)
    df = _numeric(df, pollutant, name)
    col = _group_column(df, by, ("station", "city"), name)
    keys = [col] if col else []
    _unique_rows(df, [*keys, time], name)
    data, x, note = _resampled(df, time, [pollutant], keys, resample)
    groups = _groups(df, col)
    ytitle = _axis_title(pollutant, lang)
    if note is not None:
        ytitle = f"{ytitle}<br>{escape(_t(note, lang))}"
    heading = title if title is not None else pollutant
    if facet and len(groups) > 1:
        fig = _facets(
            len(groups), [escape(g) for g in groups], shared_xaxes=True, vertical_spacing=0.06
        )
        fig.update_layout(title={"text": escape(heading)}, height=120 + 220 * len(groups))
    else:
        fig = new_figure(heading, height=420)
    counted = f"n_{pollutant}" in data.columns
    for i, g in enumerate(groups):
        part = _part(data, col, g)
        where = {"row": i + 1, "col": 1} if facet and len(groups) > 1 else {}
        hover = None
        if counted:
            hover = [
                escape(_t("valid_hours" if time == "time" else "valid_values", lang, n=n or 0))
                for n in part[f"n_{pollutant}"].to_list()
            ]
        fig.add_trace(
            go.Scatter(
                x=part[x].to_numpy(),
                y=part[pollutant].to_numpy(),
                mode="lines",
                name=escape(g) if g is not None else escape(pollutant),
                line={"color": _colour(i)},
                connectgaps=False,
                text=hover,
                hovertemplate=None if hover is None else "%{x}: %{y:.3g} (%{text})",
            ),
            **where,
        )
    fig.update_yaxes(title_text=ytitle)
    fig.update_layout(hovermode="x unified", legend={"y": -0.2}, showlegend=len(groups) > 1)
    return fig


# --------------------------------------------------------------------------- data capture


def data_capture(
    hourly: Any,
    *,
    by: str | None = "station",
    pollutants: Sequence[str] | None = None,
    start: str | date | None = None,
    end: str | date | None = None,
    lang: str = "zh",
    title: str | None = None,
) -> go.Figure:
    """Share of valid hours per site, pollutant and month (openair ``summaryPlot``).

    Parameters
    ----------
    hourly : polars or pandas DataFrame
        Station-hours: ``time`` (datetime, hour-ending), the group column and
        the pollutant columns (null = missing or invalid).
    by : str or None, default "station"
        Group column (one heat-map row per group and pollutant); None: the
        frame is one site.
    pollutants : list of str, optional
        Columns; default the HJ 633 pollutants present.
    start, end : date or 'YYYY-MM-DD', optional
        First and last natural day of the period; default those of the data.
    lang : {"zh", "en"}, default "zh"
        Label language.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        A heat map, x = months, y = "group · pollutant", z = valid hours /
        hours of the month in the period × 100 [%] (0 when a site has no row
        at all in a month), each cell's percentage written in it and the
        counts in the hover; right of each row the whole period's capture
        [%], mean, median and maximum of the valid hours [unit].

    Notes
    -----
    The numbers are the table of :func:`indicators.air.data_capture` (per
    month, and for the whole period), so the chart and the table agree. A
    valid hour is a non-null value. Hours belong to the natural day of their
    hour-ending label (D 01:00 .. D+1 00:00, GB 3095-2026 §3.10), so a month
    has 24 × its days in the period hours. No validity threshold is applied
    (GB 3095 Table 4's daily and monthly counts are in :mod:`indicators.air`
    and :func:`indicators.trends.period_statistic`).

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timedelta
    >>> t = [datetime(2026, 1, 1, 1) + timedelta(hours=i) for i in range(24)]
    >>> h = pl.DataFrame({"station": "A", "time": t, "NO2": [1.0] * 12 + [None] * 12})
    >>> fig = data_capture(h, start="2026-01-01", end="2026-01-01")
    >>> fig.data[0].z[0][0]
    50.0
    """
    _check_lang(lang)
    name = "hourly"
    df = _frame(hourly, name)
    require_columns(df.schema, ["time"], name=name)
    df = _as_datetime_column(df, "time", name)
    pols = (
        list(pollutants)
        if pollutants is not None
        else [p for p in AIR_POLLUTANTS if p in df.columns]
    )
    if not pols:
        raise IndicatorInputError(
            "no pollutant column",
            file=name,
            expected=f"any of {list(AIR_POLLUTANTS)}",
            found=df.columns,
        )
    for p in pols:
        df = _numeric(df, p, name)
    col = None
    if by is not None:
        col = _group_column(df, by, (), name)
    keys = [col] if col else []
    _unique_rows(df, [*keys, "time"], name)
    days = df.select((pl.col("time") - pl.duration(hours=1)).dt.date().alias("_day"))
    s, e = _period(days, "_day", start, end)
    groups = _groups(df, col)  # a site without an hour in the period is a row of 0 %
    # the numbers are air.data_capture's table (per month, and the whole period)
    args = {"by": col, "pollutants": pols, "start": s, "end": e}
    monthly = air.data_capture(df.select(*keys, "time", *pols), freq="month", **args)
    whole = air.data_capture(df.select(*keys, "time", *pols), freq=None, **args)
    cell = {
        (
            r[col] if col else None,
            r["period_start"].year,
            r["period_start"].month,
            r["pollutant"],
        ): r
        for r in monthly.iter_rows(named=True)
    }
    overall = {(r[col] if col else None, r["pollutant"]): r for r in whole.iter_rows(named=True)}
    months = _months(s, e)
    xs = [_month_label(y, m, lang) for y, m in months]
    z, cells, hover, ylabels, summaries = [], [], [], [], []
    for g in groups:
        for p in pols:
            row_label = f"{g} · {p}" if col else p
            ylabels.append(escape(row_label))
            zr, cr, hr = [], [], []
            for y, m in months:
                row = cell[(g, y, m, p)]
                valid, exp = row["n_valid"], row["n_expected"]
                pct = round(row["capture_pct"], 1)
                zr.append(pct)
                cr.append(f"{pct:.0f}")
                hr.append(
                    _t(
                        "capture_hover",
                        lang,
                        row=escape(row_label),
                        month=_month_label(y, m, lang),
                        valid=valid,
                        expected=exp,
                        pct=_num(pct),
                    )
                )
            z.append(zr)
            cells.append(cr)
            hover.append(hr)
            total = overall[(g, p)]
            summaries.append(
                _t(
                    "capture_summary",
                    lang,
                    capture=_num(total["capture_pct"]),
                    mean=_num(total["mean"]),
                    median=_num(total["median"]),
                    max=_num(total["max"]),
                    unit=_unit(p),
                ).rstrip()
            )
    fig = new_figure(
        title if title is not None else _t("data_capture", lang),
        height=max(260, 120 + 26 * len(ylabels)),
    )
    fig.add_trace(
        go.Heatmap(
            z=z,
            x=xs,
            y=ylabels,
            text=cells,
            texttemplate="%{text}",
            textfont={"size": 10},
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale="RdYlGn",
            zmin=0,
            zmax=100,
            xgap=1,
            ygap=1,
            colorbar={
                "title": {"text": "%"},
                "thickness": 10,
                "orientation": "h",
                "x": 0.5,
                "xanchor": "center",
                "y": 0,
                "yanchor": "top",
                "len": 0.6,
            },
        )
    )
    for label, summary in zip(ylabels, summaries, strict=True):
        fig.add_annotation(
            text=escape(summary),
            x=1.0,
            xref="x domain",
            xanchor="left",
            xshift=8,
            y=label,
            yref="y",
            showarrow=False,
            font={"size": 11},
        )
    fig.update_yaxes(autorange="reversed", type="category", showgrid=False, automargin=True)
    fig.update_xaxes(type="category", showgrid=False, side="top")
    fig.update_layout(margin={"t": 90, "r": 380, "b": 60})
    return fig


# --------------------------------------------------------------------------- compare


def compare(
    frame: Any,
    pollutant: str,
    *,
    a: str,
    b: str,
    by: str | None = None,
    lang: str = "zh",
    title: str | None = None,
) -> go.Figure:
    """Two sites side by side: scatter of B against A with an OLS line, and both series.

    Parameters
    ----------
    frame : polars or pandas DataFrame
        Long frame: the group column, ``time`` (hourly), ``date`` or
        ``period_start``, and ``pollutant`` [its unit].
    pollutant : str
        Column to compare.
    a, b : str
        The two groups (x and y of the scatter).
    by : str, optional
        Group column; default ``station`` if present, else ``city``.
    lang : {"zh", "en"}, default "zh"
        Label language.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Left: the pairs (times where both have a valid value), the 1:1 line
        and the ordinary least-squares line ``B = slope · A + intercept``
        with slope, intercept, r² and n in an annotation. Right: both series
        (daily means when longer than :data:`MAX_POINTS`, as :func:`timeseries`).

    Raises
    ------
    IndicatorInputError
        Unknown group; fewer than 3 pairs; two rows for one time and group.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import date
    >>> days = [date(2026, 1, d) for d in (1, 2, 3)]
    >>> f = pl.DataFrame({"city": ["A"] * 3 + ["B"] * 3, "date": days * 2,
    ...                   "PM2.5": [10.0, 20.0, 30.0, 12.0, 22.0, 32.0]})
    >>> fig = compare(f, "PM2.5", a="A", b="B", lang="en")
    >>> fig.layout.annotations[-1].text
    'B = 1 × A + 2<br>r² = 1, n = 3'
    """
    _check_lang(lang)
    name = "frame"
    df = _frame(frame, name)
    time = _time_column(df, name)
    df = _as_datetime_column(df, time, name) if time == "time" else _as_date_column(df, time, name)
    df = _numeric(df, pollutant, name)
    col = _group_column(df, by, ("station", "city"), name)
    if col is None:
        raise IndicatorInputError(
            "no group column",
            file=name,
            expected="a 'station' or 'city' column, or by=",
            found=df.columns,
        )
    groups = _groups(df, col)
    for g in (a, b):
        if g not in groups:
            raise IndicatorInputError(
                "unknown group", file=name, column=col, expected=f"one of {groups}", found=g
            )
    if a == b:
        raise IndicatorInputError(
            "compare two different groups", column="b", expected=f"not {a!r}", found=b
        )
    df = df.filter(pl.col(col).is_in([a, b]))
    _unique_rows(df, [col, time], name)
    pairs = (
        df.filter(pl.col(col) == a)
        .select(time, pl.col(pollutant).alias("_a"))
        .join(df.filter(pl.col(col) == b).select(time, pl.col(pollutant).alias("_b")), on=time)
        .drop_nulls(["_a", "_b"])
        .sort(time)
    )
    if pairs.height < 3:
        raise IndicatorInputError(
            "too few paired values for a fit",
            file=name,
            column=pollutant,
            expected=">= 3 times with a valid value at both",
            found=pairs.height,
        )
    x, y = pairs["_a"].to_numpy(), pairs["_b"].to_numpy()
    slope, intercept = (float(v) for v in np.polyfit(x, y, 1))
    r2 = float(np.corrcoef(x, y)[0, 1] ** 2) if np.std(x) > 0 and np.std(y) > 0 else math.nan
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.4, 0.6],
        horizontal_spacing=0.1,
    )
    scatter = go.Scattergl if pairs.height > MAX_POINTS else go.Scatter
    fig.add_trace(
        scatter(
            x=x,
            y=y,
            mode="markers",
            marker={"size": 4, "opacity": 0.4, "color": "#57606a"},
            showlegend=False,
            hoverinfo="skip" if pairs.height > MAX_POINTS else None,
        ),
        row=1,
        col=1,
    )
    lo, hi = float(min(x.min(), y.min())), float(max(x.max(), y.max()))
    fig.add_scatter(
        x=[lo, hi],
        y=[lo, hi],
        mode="lines",
        name=_t("one_to_one", lang),
        line={"color": "#8c959f", "dash": "dot"},
        showlegend=False,
        row=1,
        col=1,
    )
    fig.add_scatter(
        x=[float(x.min()), float(x.max())],
        y=[slope * float(x.min()) + intercept, slope * float(x.max()) + intercept],
        mode="lines",
        name=escape(_t("ols_line", lang)),
        line={"color": "#cf222e"},
        showlegend=False,
        row=1,
        col=1,
    )
    data, xt, note = _resampled(df, time, [pollutant], [col], None)
    for i, g in enumerate((a, b)):
        part = data.filter(pl.col(col) == g)
        fig.add_scatter(
            x=part[xt].to_numpy(),
            y=part[pollutant].to_numpy(),
            mode="lines",
            name=escape(g),
            line={"color": _colour(i)},
            connectgaps=False,
            row=1,
            col=2,
        )
    unit_title = _axis_title(pollutant, lang)
    fig.update_xaxes(title_text=f"{escape(a)} {unit_title}", row=1, col=1)
    fig.update_yaxes(title_text=f"{escape(b)} {unit_title}", row=1, col=1)
    series_title = unit_title if note is None else f"{unit_title}<br>{escape(_t(note, lang))}"
    fig.update_yaxes(title_text=series_title, row=1, col=2)
    fig.add_annotation(
        text=_t(
            "ols",
            lang,
            a=escape(a),
            b=escape(b),
            slope=_num(slope),
            sign="-" if intercept < 0 else "+",
            intercept=_num(abs(intercept)),
            r2=_num(r2),
            n=pairs.height,
        ),
        xref="x domain",
        yref="y domain",
        x=0.02,
        y=0.98,
        xanchor="left",
        yanchor="top",
        align="left",
        showarrow=False,
        bgcolor="rgba(255,255,255,0.8)",
    )
    heading = title if title is not None else _t("compare_title", lang, a=a, b=b, what=pollutant)
    fig.update_layout(
        template=TEMPLATE,
        title={"text": escape(heading)},
        height=460,
        legend={"y": -0.2},
        hovermode="closest",
    )
    return fig


# --------------------------------------------------------------------------- primary pollutants


def primary_pollutants(
    evaluation: Any,
    *,
    days: Literal["exceedance", "valid"] = "exceedance",
    by: str | None = None,
    lang: str = "zh",
    title: str | None = None,
) -> go.Figure:
    """Primary pollutants of a period, one panel per city, in fixed pollutant colours.

    Parameters
    ----------
    evaluation : polars or pandas DataFrame
        :func:`indicators.air.evaluate_period` output, one row per group:
        ``exceedance_days`` and ``primary_exceedance_days_<p>`` (for
        ``days="exceedance"``), ``primary_days_<p>`` and ``excellent_days``
        (for ``days="valid"``).
    days : {"exceedance", "valid"}, default "exceedance"
        ``"exceedance"``: bars of the share of the exceedance days (AQI > 100,
        HJ 633 Table 2 level 3 and above) on which each pollutant was primary
        [%], as bulletins give it (以 PM2.5 为首要污染物的天数占超标天数的比例);
        a day with two primary pollutants counts for both, so the shares can
        add up to more than 100 %. ``"valid"``: a donut of the days each
        pollutant was primary (AQI > 50, HJ 633 §5.2) and the days without a
        primary pollutant (AQI ≤ 50).
    by : str, optional
        Group column; default ``city`` if present, else ``station``. Several
        rows need one.
    lang : {"zh", "en"}, default "zh"
        Label language.
    title : str, optional
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        Per group one bar trace (x = pollutants with at least one day, y =
        share [%]) or one pie; colours from :data:`POLLUTANT_COLOURS`.

    Examples
    --------
    >>> import polars as pl
    >>> counts = {"SO2": 0, "NO2": 0, "PM10": 1, "CO": 0, "O3": 2, "PM2.5": 6}
    >>> e = pl.DataFrame({"city": ["A"], "exceedance_days": [8],
    ...     **{f"primary_exceedance_days_{p}": [n] for p, n in counts.items()}})
    >>> bars = primary_pollutants(e, lang="en").data[0]
    >>> list(bars.x), list(bars.y)
    (['PM10', 'O3', 'PM2.5'], [12.5, 25.0, 75.0])
    """
    _check_lang(lang)
    name = "evaluation"
    df = _frame(evaluation, name)
    total_col, prefix = _day_basis_columns(days)
    count_cols = [f"{prefix}{p}" for p in AIR_POLLUTANTS]
    require_columns(df.schema, [total_col, *count_cols], name=name)
    for c in [total_col, *count_cols]:
        df = _numeric(df, c, name)
    col = _group_column(df, by, ("city", "station"), name)
    if col is None and df.height > 1:
        raise IndicatorInputError(
            "several evaluation rows and no group column",
            file=name,
            expected="one row, or a 'city'/'station' column (by=)",
            found=f"{df.height} rows",
        )
    if col is not None:
        _unique_rows(df, [col], name)
    groups = _groups(df, col)
    heading = (
        title
        if title is not None
        else _t("primary_exceedance" if days == "exceedance" else "primary_shares", lang)
    )
    n = len(groups)
    ncols = min(n, 3)
    fig = _primary_figure(groups, ncols, heading, days)
    # bars: the pollutants primary on an exceedance day of any group
    present = [p for p in AIR_POLLUTANTS if (df[f"{prefix}{p}"].fill_null(0) > 0).any()]
    for i, g in enumerate(groups):
        row = df.row(i, named=True) if col is None else _part(df, col, g).row(0, named=True)
        where = {} if n == 1 else {"row": i // ncols + 1, "col": i % ncols + 1}
        # exceedance days: the same pollutants in every panel
        names = (
            present if days == "exceedance" else [p for p in AIR_POLLUTANTS if row[f"{prefix}{p}"]]
        )
        counts = [int(row[f"{prefix}{p}"] or 0) for p in names]
        total = int(row[total_col] or 0)
        name = escape(g) if n > 1 else None
        if days == "valid":
            fig.add_trace(_primary_pie(names, counts, total, name, lang), **where)
            continue
        fig.add_trace(_primary_bars(names, counts, total, name, lang), **where)
        if not total:
            fig.add_annotation(
                text=escape(_t("no_exceedance", lang)),
                xref="x domain" if n == 1 else f"x{i + 1 if i else ''} domain",
                yref="y domain" if n == 1 else f"y{i + 1 if i else ''} domain",
                x=0.5,
                y=0.5,
                showarrow=False,
            )
    if days == "exceedance":
        fig.update_yaxes(range=[0, 110], ticksuffix="%")
        where = {} if n == 1 else {"col": 1}
        fig.update_yaxes(title_text=escape(_t("share_of_exceedance_days", lang)), **where)
    fig.update_layout(showlegend=False)
    return fig


def _day_basis_columns(days: str) -> tuple[str, str]:
    """The total column and the count prefix of a day basis (exceedance or valid days)."""
    if days not in ("exceedance", "valid"):
        raise IndicatorInputError(
            "unknown day basis", column="days", expected="'exceedance' or 'valid'", found=days
        )
    if days == "exceedance":
        return "exceedance_days", "primary_exceedance_days_"
    return "excellent_days", "primary_days_"


def _primary_figure(groups: list[Any], ncols: int, heading: str, days: str) -> go.Figure:
    """One figure, or a grid of ``ncols`` panels (pies for valid days) with the groups' titles."""
    n = len(groups)
    if n == 1:
        return new_figure(heading, height=360)
    nrows = math.ceil(n / ncols)
    fig = make_subplots(
        rows=nrows,
        cols=ncols,
        subplot_titles=[escape(g) for g in groups],
        specs=[[{"type": "domain" if days == "valid" else "xy"}] * ncols] * nrows,
        shared_yaxes=True,
    )
    fig.update_layout(template=TEMPLATE, title={"text": escape(heading)}, height=80 + 320 * nrows)
    return fig


def _primary_pie(
    names: list[str], counts: list[int], total: int, name: str | None, lang: str
) -> go.Pie:
    """The valid days by primary pollutant, and the days without one."""
    labels, colours = list(names), [POLLUTANT_COLOURS[p] for p in names]
    if total:
        labels.append(escape(_t("no_primary", lang)))
        counts = [*counts, total]
        colours.append(NO_PRIMARY_COLOUR)
    return go.Pie(
        labels=labels,
        values=counts,
        hole=0.45,
        sort=False,
        textinfo="label+percent",
        direction="clockwise",
        marker={"colors": colours},
        name=name,
    )


def _primary_bars(
    names: list[str], counts: list[int], total: int, name: str | None, lang: str
) -> go.Bar:
    """Each pollutant's share of the exceedance days [%]; none without exceedance days."""
    if not total:
        # no exceedance day: no share (not 0 %); the panel's annotation says so
        none = escape(_t("no_exceedance", lang))
        shares, text, hover = [None] * len(names), [""] * len(names), [none] * len(names)
    else:
        shares = [round(100 * k / total, 1) for k in counts]
        text = [f"{s:g}%" for s in shares]
        hover = [
            escape(_t("exceedance_hover", lang, p=p, n=k, total=total))
            for p, k in zip(names, counts, strict=True)
        ]
    return go.Bar(
        x=names,
        y=shares,
        marker_color=[POLLUTANT_COLOURS[p] for p in names],
        text=text,
        textposition="outside",
        hovertext=hover,
        hoverinfo="text",
        name=name,
    )
