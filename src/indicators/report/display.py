"""What a report section shows: escaped HTML fragments and plotly figures.

The markup is in Jinja2 templates (``report/templates/sections/``: one file per
section and the shared pieces of ``_macros.html.j2``), rendered by
:func:`render_fragment`, :func:`render_parts` and :func:`render_macro` with
autoescaping: every value a template prints goes through :func:`esc` unless it
is :class:`Markup` already. A figure is shown as an empty ``div`` and
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

import functools
import html
import itertools
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2
import polars as pl
from jinja2.ext import Extension

from ..plot import FONT_STACK  # the figures' font stack is the pages' too

__all__ = [
    "FIGURE_MIMETYPE",
    "FIGURE",
    "FONT_STACK",
    "MACROS",
    "METADATA_KEY",
    "PART",
    "Markup",
    "Section",
    "cell_style",
    "environment",
    "esc",
    "figure_bundle",
    "figure_html",
    "figure_json",
    "html_table",
    "render_fragment",
    "render_macro",
    "render_parts",
    "script_json",
    "show",
]

#: Mimetype JupyterLab's plotly renderer draws.
FIGURE_MIMETYPE = "application/vnd.plotly.v1+json"
#: Key of the output metadata that carries machine-readable figures (e.g. the headline).
METADATA_KEY = "indicators"


class Markup(str):
    """HTML that is safe to emit: built only from escaped data and fixed markup.

    A template prints it as it is (``__html__``, the protocol of Jinja2 and MarkupSafe).
    """

    __slots__ = ()

    def __html__(self) -> str:
        return self


def esc(value: Any) -> Markup:
    """``value`` as HTML text: ``& < > " '`` escaped; None becomes an empty string."""
    return Markup("" if value is None else html.escape(str(value), quote=True))


# --------------------------------------------------------------------------- templates

#: Where a section template cuts its HTML into outputs (one notebook output each).
PART = "<!--ind-part-->"
#: Where a section template puts its next figure (an output of its own).
FIGURE = "<!--ind-figure-->"
#: The shared pieces of the section templates (table, notes, lists, headings, figures).
MACROS = "sections/_macros.html.j2"

#: A Jinja tag (kept whole), or a line break with the spaces and tabs around it.
_LAYOUT = re.compile(r"(\{[{%#].*?[}%#]\})|[ \t]*\n[ \t]*", re.DOTALL)


class _LineBreaks(Extension):
    """The line breaks of a template's source (and the indentation around them) are layout.

    They are left out of the output, so that a template can put one element on a
    line and still give the HTML the sections always had (no whitespace between
    tags: between inline elements it would show as a space). A space that is to
    be shown is written inside a line.
    """

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return _LAYOUT.sub(lambda m: m[1] or "", source)


def _finalize(value: Any) -> Any:
    """What a template prints of ``value``: :class:`Markup` as it is, else :func:`esc`."""
    return value if hasattr(value, "__html__") else esc(value)


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the section templates, built once.

    Templates come from the package (``indicators.report``, folder ``templates``:
    an installed wheel has them), autoescaped (values as :func:`esc` gives them,
    None as an empty string), strict about undefined names. ``PART`` and
    ``FIGURE`` are globals (see :func:`render_parts`).
    """
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("indicators.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
        extensions=[_LineBreaks],
        auto_reload=False,
    )
    env.globals.update(PART=Markup(PART), FIGURE=Markup(PART + FIGURE + PART))
    return env


def render_fragment(template_name: str, **view: Any) -> Markup:
    """A template (e.g. ``sections/title.html.j2``) rendered with ``view`` as HTML.

    Parameters
    ----------
    template_name : str
        Its name under ``report/templates/``.
    **view
        What the template shows (texts, numbers, rows, :class:`Markup` fragments).

    Examples
    --------
    >>> out = render_fragment("sections/air_concentrations.html.j2", label="<b>", edition="x")
    >>> out.split(PART)[-1]
    '<p class="ind-note">&lt;b&gt;: x</p>'
    """
    return Markup(environment().get_template(template_name).render(**view))


def render_macro(template_name: str, macro: str, /, **args: Any) -> Markup:
    """One macro of a template (e.g. ``table`` of :data:`MACROS`) called with ``args``.

    Parameters
    ----------
    template_name : str
        The template that defines the macro.
    macro : str
        The macro's name.
    **args
        Its arguments, by name.

    Examples
    --------
    >>> render_macro(MACROS, "note", text="<script>")
    '<p class="ind-note">&lt;script&gt;</p>'
    """
    module = environment().get_template(template_name).module
    return Markup(str(getattr(module, macro)(**args)))


def render_parts(template_name: str, figures: Sequence[Any] = (), **view: Any) -> list[Any]:
    """A section template as the section's outputs: HTML fragments and figures, in order.

    The template marks where one output ends (``{{ PART }}``) and where the next of
    ``figures`` goes (``{{ FIGURE }}``; a figure None leaves its place empty); empty
    fragments are left out.

    Parameters
    ----------
    template_name : str
        The section's template, e.g. ``sections/trends.html.j2``.
    figures : sequence
        Plotly figures (or None), in the order of their places.
    **view
        What the template shows.

    Returns
    -------
    list
        :class:`Markup` fragments and figures: a :class:`Section`'s parts.

    Raises
    ------
    ValueError
        When the template has not one place for each of ``figures``.
    """
    pieces = render_fragment(template_name, **view).split(PART)
    if pieces.count(FIGURE) != len(figures):
        raise ValueError(
            f"{template_name}: {pieces.count(FIGURE)} figure places for {len(figures)} figures"
        )
    todo = iter(figures)
    parts = [next(todo) if piece == FIGURE else Markup(piece) for piece in pieces if piece]
    return [part for part in parts if part is not None]


def cell_style(name: str) -> str:
    """An inline style of table cells, by name, as the templates define it (``cell_styles``).

    Parameters
    ----------
    name : str
        ``highlight`` (the report city's row), ``met`` or ``missed`` (a target).

    Examples
    --------
    >>> cell_style("highlight")
    'background:#fff8c5;font-weight:600'
    """
    return environment().get_template(MACROS).module.cell_styles[name]


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
    data = Markup(script_json(figure_json(fig)))  # JSON that cannot end its script element
    return render_macro(MACROS, "figure", div_id=div_id, height=int(height), data=data)


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
    rows = [
        [_cell(row, col, formats, styles, links) for col in columns]
        for row in frame.iter_rows(named=True)
    ]
    return render_macro(
        MACROS, "table", css_class=css_class, headers=list(columns.values()), rows=rows
    )


def _cell(
    row: dict[str, Any],
    col: str,
    formats: dict[str, Callable[[Any], str]],
    styles: Callable[[dict[str, Any], str], str | None] | None,
    links: dict[str, Callable[[dict[str, Any]], str]],
) -> dict[str, Any]:
    """One cell of :func:`html_table`: its text, whether it is a number, its style and link."""
    value = row[col]
    return {
        "text": "—" if value is None else formats.get(col, str)(value),
        "numeric": isinstance(value, int | float) and not isinstance(value, bool),
        "style": (styles(row, col) if styles else None) or None,
        "href": links[col](row) if col in links else None,
    }


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
        return render_macro(MACROS, "heading", level=self.level, key=self.key, title=self.title)

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
