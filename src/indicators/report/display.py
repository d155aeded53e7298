"""What a report section shows: escaped HTML fragments and plotly figures.

Every string that comes from data (station, section, city names) goes through
:func:`esc` before it becomes HTML. A figure is shown as an empty ``div`` and
its JSON in a non-executable ``<script type="application/json">`` block; the
exported page loads plotly.js once and draws every figure from those blocks
(see :mod:`indicators.report.render`). In JupyterLab the same figure is also
offered as plotly's own mimetype, which JupyterLab draws itself.

Examples
--------
>>> esc("<script>alert(1)</script>")
'&lt;script&gt;alert(1)&lt;/script&gt;'
>>> import polars as pl
>>> table = html_table(pl.DataFrame({"name": ["<b>"], "n": [3]}), {"name": "名称", "n": "n"})
>>> table[table.index("<tbody>"):]
'<tbody><tr><td>&lt;b&gt;</td><td class="num">3</td></tr></tbody></table>'
"""

from __future__ import annotations

import html
import itertools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from ..plot import FONT_STACK  # the figures' font stack is the pages' too

__all__ = [
    "FIGURE_MIMETYPE",
    "FONT_STACK",
    "METADATA_KEY",
    "Markup",
    "Section",
    "esc",
    "figure_bundle",
    "figure_html",
    "figure_json",
    "html_table",
    "script_json",
    "show",
]

#: Mimetype JupyterLab's plotly renderer draws.
FIGURE_MIMETYPE = "application/vnd.plotly.v1+json"
#: Key of the output metadata that carries machine-readable figures (e.g. the headline).
METADATA_KEY = "indicators"


class Markup(str):
    """HTML that is safe to emit: built only from escaped data and fixed markup."""

    __slots__ = ()


def esc(value: Any) -> Markup:
    """``value`` as HTML text: ``& < > " '`` escaped; None becomes an empty string."""
    return Markup("" if value is None else html.escape(str(value), quote=True))


def script_json(obj: Any) -> str:
    r"""JSON that cannot end a ``<script>`` element: ``<``, ``>`` and ``&`` as ``\u`` escapes."""
    text = obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def figure_json(fig: Any) -> str:
    """The plotly figure as JSON (numpy arrays, dates and NaN handled by plotly)."""
    import plotly.io as pio

    return pio.to_json(fig, validate=False, remove_uids=True)


def figure_html(fig: Any, div_id: str) -> Markup:
    """A figure as an empty plot ``div`` plus its JSON, drawn later by the page's one plotly.js.

    >>> import plotly.graph_objects as go
    >>> out = figure_html(go.Figure(go.Bar(x=["<b>"], y=[1])), "fig-1")
    >>> out.count('class="plotly-graph-div"'), "<b>" in out
    (1, False)
    """
    height = fig.layout.height or 420
    data = script_json(figure_json(fig))
    return Markup(
        f'<div class="ind-figure"><div id="{esc(div_id)}" class="plotly-graph-div" '
        f'style="height:{int(height)}px;width:100%"></div>'
        f'<script type="application/json" class="ind-figure-data" data-div="{esc(div_id)}">'
        f"{data}</script></div>"
    )


def figure_bundle(fig: Any, div_id: str) -> dict[str, Any]:
    """A figure as notebook output: HTML for the exported page, plotly's mimetype for JupyterLab."""
    return {
        "text/html": str(figure_html(fig, div_id)),
        FIGURE_MIMETYPE: json.loads(figure_json(fig)),
    }


_shown = itertools.count(1)


def show(fig: Any) -> None:
    """Show a plotly figure in a notebook without inlining plotly.js in the output.

    JupyterLab draws it from plotly's mimetype; an exported report draws it with
    the page's single copy of plotly.js.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The figure (e.g. from :mod:`indicators.plot`).
    """
    from IPython.display import display

    display(figure_bundle(fig, f"fig-show-{next(_shown)}"), raw=True)


def html_table(
    frame: pl.DataFrame,
    columns: dict[str, str],
    *,
    formats: dict[str, Callable[[Any], str]] | None = None,
    styles: Callable[[dict[str, Any], str], str | None] | None = None,
    links: dict[str, Callable[[dict[str, Any]], str]] | None = None,
    css_class: str = "ind-table",
) -> Markup:
    """An HTML table of ``frame``: every header and cell escaped.

    Parameters
    ----------
    frame : polars.DataFrame
        Rows to show.
    columns : dict
        Column name -> header text, in display order.
    formats : dict, optional
        Column name -> function turning a value into text (default ``str``; None -> "—").
    styles : callable, optional
        ``(row, column) -> CSS`` for a cell, e.g. a background colour; None for none.
        Its result is put in a ``style`` attribute (escaped).
    links : dict, optional
        Column name -> function giving the (relative) URL the cell links to (escaped).
    css_class : str
        Class of the ``table`` element.
    """
    formats, links = formats or {}, links or {}
    head = "".join(f"<th>{esc(h)}</th>" for h in columns.values())
    rows = []
    for row in frame.iter_rows(named=True):
        cells = []
        for col in columns:
            value = row[col]
            text = "—" if value is None else formats.get(col, str)(value)
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            attrs = ' class="num"' if numeric else ""
            style = styles(row, col) if styles else None
            if style:
                attrs += f' style="{esc(style)}"'
            content = esc(text)
            if col in links:
                content = f'<a href="{esc(links[col](row))}">{content}</a>'
            cells.append(f"<td{attrs}>{content}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return Markup(
        f'<table class="{esc(css_class)}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


@dataclass
class Section:
    """One report section: a title, then HTML fragments and figures in order.

    In a notebook, a cell whose last line returns a section shows it (one
    output per part). ``level`` is the heading level (0: no heading, for the
    one-line note of a section left out). ``metadata`` travels with the first
    output: the headline
    section puts its figures there, so that a rendered notebook can be read
    back by a program.
    """

    key: str
    title: str
    parts: list[Any] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    level: int = 2

    def add(self, *parts: Any) -> Section:
        """Append HTML fragments (:class:`Markup`) or plotly figures; return self."""
        for part in parts:
            if isinstance(part, str) and not isinstance(part, Markup):
                raise TypeError("plain strings must be escaped: pass esc(text) or Markup")
            self.parts.append(part)
        return self

    def heading(self) -> Markup:
        """The section heading, with an anchor id for the table of contents."""
        n = self.level
        return Markup(f'<h{n} id="sec-{esc(self.key)}" class="ind-h">{esc(self.title)}</h{n}>')

    def _outputs(self) -> Iterable[tuple[dict[str, Any], dict[str, Any]]]:
        """``(data, metadata)`` of each output, as a notebook stores them."""
        meta = {METADATA_KEY: {"section": self.key, **self.metadata}}
        parts = [self.heading(), *self.parts] if self.level else self.parts
        figures = 0
        for i, part in enumerate(parts):
            if isinstance(part, Markup):
                data = {"text/html": str(part)}
            else:
                figures += 1
                data = figure_bundle(part, f"fig-{self.key}-{figures}")
            yield data, meta if i == 0 else {}

    def _repr_html_(self) -> str:
        return "".join(data["text/html"] for data, _ in self._outputs())

    def _ipython_display_(self) -> None:
        from IPython.display import display

        for data, meta in self._outputs():
            display(data, raw=True, metadata=meta)
