"""Sphinx directives that generate pages of the site from the installed package.

- ``.. indicators-contract::`` the data-folder contract table, parsed from
  :func:`indicators.contract.contract_markdown` (the table the README and
  ``indicators check --contract`` print), so the page cannot drift from the code.
- ``.. indicators-standard::`` a standard's page body: its editions
  (:data:`indicators.standards.EDITIONS`), how its tables were verified (their
  ``verification`` columns), the module docstrings that document the choices made
  (UNVERIFIED items included), the functions whose docstrings state UNVERIFIED
  choices, and every row of its standards tables (``table(...)``, notes included).
  Options: ``:families:`` (registry families), ``:standards:`` (prefixes of the
  ``standard`` column that select a table's rows), ``:tables:``, ``:all-rows:``
  (tables shown whole) and ``:modules:`` (whose docstrings state the choices).
- ``.. indicators-table:: NAME`` one standards table (rows filtered by ``:standard:``).

Every standards table must be shown on some page: a table that none shows is a
build warning (an error with ``-W``), so a new table cannot be left undocumented.
The plotly.js of the installed plotly is written once into ``_static`` and loaded
by the pages that hold a figure (the gallery), so figures draw offline.
"""

from __future__ import annotations

import importlib
import inspect
import re
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

logger = logging.getLogger(__name__)

#: Modules of the API reference, the targets of cross-references (longest prefix wins).
PUBLIC_MODULES = (
    "indicators.air",
    "indicators.water",
    "indicators.drinking",
    "indicators.sea",
    "indicators.blackodorous",
    "indicators.noise",
    "indicators.trends",
    "indicators.ranking",
    "indicators.standards",
)
#: Columns that say how a table row was verified.
VERIFICATION_COLUMNS = ("verification", "colour_verification")
PLOTLY_JS = "plotly.min.js"


# --------------------------------------------------------------------------- helpers


def _escape(text: object) -> str:
    """Text as literal reStructuredText (every markup character escaped)."""
    return re.sub(r"([\\`*_|<>\[\]:])", r"\\\1", "" if text is None else str(text))


def _inline(text: str) -> list[nodes.Node]:
    """Markdown ``**bold**`` and ```code``` of the contract as docutils nodes."""
    out: list[nodes.Node] = []
    for part in re.split(r"(\*\*[^*]+\*\*|`[^`]+`)", text):
        if part.startswith("**") and part.endswith("**") and len(part) > 4:
            out.append(nodes.strong(text=part[2:-2]))
        elif part.startswith("`") and part.endswith("`") and len(part) > 2:
            out.append(nodes.literal(text=part[1:-1]))
        elif part:
            out.append(nodes.Text(part))
    return out


def _cell(value: object) -> nodes.entry:
    entry = nodes.entry()
    para = nodes.paragraph()
    if isinstance(value, list):
        para += value
    elif value is not None:
        para += nodes.Text(str(value))
    entry += para
    return entry


def build_table(header: list[str], rows: list[list[object]], classes=()) -> nodes.table:
    """A docutils table (header row, body rows of text or node lists)."""
    table = nodes.table(classes=["colwidths-auto", "indicators-table", *classes])
    group = nodes.tgroup(cols=len(header))
    table += group
    for _ in header:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for h in header:
        row += _cell(h)
    head += row
    body = nodes.tbody()
    group += body
    for values in rows:
        row = nodes.row()
        for v in values:
            row += _cell(v)
        body += row
    return table


def _rows(name: str, prefixes: list[str]):
    from indicators.standards import table

    t = table(name)
    if prefixes:
        t = t.filter(
            t["standard"].map_elements(
                lambda s: any(s.startswith(p) for p in prefixes), return_dtype=bool
            )
        )
    return t


def _prefixes(option: str | None) -> list[str]:
    return [p.strip() for p in (option or "").split(";") if p.strip()]


def _public_module(name: str) -> str:
    matches = [m for m in PUBLIC_MODULES if name == m or name.startswith(m + ".")]
    return max(matches, key=len) if matches else name


def _demote_headings(doc: str, char: str) -> str:
    """Section underlines of a numpydoc docstring rewritten with ``char``."""
    return re.sub(r"(?m)^(?P<u>[-=~^]{3,})$", lambda m: char * len(m["u"]), doc)


def _record(env, docname: str, name: str) -> None:
    if not hasattr(env, "indicators_tables"):
        env.indicators_tables = {}
    env.indicators_tables.setdefault(docname, set()).add(name)


# --------------------------------------------------------------------------- directives


class ContractDirective(SphinxDirective):
    """The data-folder contract, parsed from ``contract_markdown()`` at build time."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """The table node."""
        from indicators.contract import contract_markdown

        lines = [ln.strip() for ln in contract_markdown().splitlines() if ln.strip()]
        split = [[c.strip() for c in ln.strip("|").split(" | ")] for ln in lines]
        header, body = split[0], [r for r in split[1:] if not set("".join(r)) <= set("- ")]
        return [build_table(header, [[_inline(c) for c in r] for r in body], ["contract"])]


class TableDirective(SphinxDirective):
    """One standards table, every column, rows of the standards named by ``:standard:``."""

    required_arguments = 1
    option_spec: ClassVar[dict] = {"standard": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        """The table node."""
        name = self.arguments[0]
        t = _rows(name, _prefixes(self.options.get("standard")))
        _record(self.env, self.env.docname, name)
        rows = [["" if v is None else str(v) for v in r] for r in t.iter_rows()]
        return [build_table(list(t.columns), rows, ["standards"])]


class StandardDirective(SphinxDirective):
    """The generated body of a standard's page (see the module docstring)."""

    option_spec: ClassVar[dict] = {
        "families": directives.unchanged,
        "standards": directives.unchanged_required,
        "tables": directives.unchanged_required,
        "modules": directives.unchanged,
        "all-rows": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        """The page body, generated as reST and parsed in place."""
        node = nodes.section()
        node.document = self.state.document
        lines = StringList(self._body(), source=self.env.docname)
        nested_parse_with_titles(self.state, lines, node)
        return node.children

    def _body(self) -> list[str]:
        """The page body as reST lines: editions, verification, choices, tables."""
        families = _prefixes(self.options.get("families"))
        prefixes = _prefixes(self.options["standards"])
        page = self.env.docname.replace("/", "-")
        whole = (self.options.get("all-rows") or "").split()
        # (table, prefixes of the rows shown): the ``:all-rows:`` tables whole
        tables = [
            (name, [] if name in whole else prefixes)
            for name in self.options["tables"].split() + whole
        ]
        modules = (self.options.get("modules") or "").split()
        out: list[str] = []
        if families:
            out += _editions_rst(families)
        out += _verification_rst(tables, page)
        if modules:
            out += _choices_rst(modules)
        out += _tables_rst(tables, page)
        return out


def _section(title: str, char: str) -> list[str]:
    """A reST section heading underlined with ``char``, blank lines around."""
    return ["", title, char * max(len(title), 3), ""]


def _editions_rst(families: list[str]) -> list[str]:
    """The "Editions" section: the registry's editions of ``families``."""
    from indicators.standards import EDITIONS

    out = _section("Editions", "-")
    out += [".. list-table::", "   :header-rows: 1", ""]
    out += ["   * - edition", "     - title", "     - in force from", "     - to"]
    for fam in families:
        for ed in EDITIONS[fam]:
            to = ed.valid_to.isoformat() if ed.valid_to else "(in force)"
            out += [f"   * - {_escape(ed.name)}", f"     - {_escape(ed.title)}"]
            out += [f"     - {ed.valid_from.isoformat()}", f"     - {_escape(to)}"]
    out += [
        "",
        "Registry: :data:`indicators.standards.EDITIONS` (dates inclusive). "
        'With ``edition="auto"`` each value is computed under the edition in '
        "force on its date; any edition can be forced.",
    ]
    return out


def _verification_rst(tables: list[tuple[str, list[str]]], page: str) -> list[str]:
    """The "How the tables were verified" section: rows per table and verification value."""
    out = _section("How the tables were verified", "-")
    out += [
        "Each row of a standards table says where its value comes from in its "
        "``verification`` column: *official* (read in the published text), *secondary* "
        "(from secondary sources), *UNVERIFIED* or *assumption* (a documented choice). "
        "Rows per table and value:",
        "",
        ".. list-table::",
        "   :header-rows: 1",
        "",
        "   * - table",
        "     - rows",
        "     - verification",
    ]
    for name, prefixes in tables:
        t = _rows(name, prefixes)
        text = _verification_counts(t)
        out += [f"   * - :ref:`{name} <{page}-{name}>`", f"     - {t.height}", f"     - {text}"]
    return out


def _verification_counts(t) -> str:
    """``value: n`` per value of a table's verification columns, as escaped reST."""
    counts = []
    for col in VERIFICATION_COLUMNS:
        if col in t.columns:
            vc = t[col].fill_null("(empty)").value_counts(sort=True)
            label = "" if col == "verification" else f"{col} "
            counts += [f"{label}{v}: {n}" for v, n in vc.iter_rows()]
    return _escape("; ".join(counts)) if counts else "(no verification column)"


def _choices_rst(modules: list[str]) -> list[str]:
    """The "Choices documented in the code" section: each module's docstring."""
    out = _section("Choices documented in the code", "-")
    out.append(
        "The module docstrings below state how the package reads the standard and "
        "every choice it makes where the text is silent or could not be read "
        "(marked UNVERIFIED); the functions' own docstrings give the details."
    )
    for mod_name in modules:
        out += _module_rst(mod_name)
    out += ["", ".. currentmodule:: None"]
    return out


def _module_rst(mod_name: str) -> list[str]:
    """One module's docstring, then its functions whose docstrings state UNVERIFIED choices."""
    module = importlib.import_module(mod_name)
    public = _public_module(mod_name)
    out = _section(f"``{mod_name}``", "~")
    out += [f".. currentmodule:: {public}", ""]
    out += _demote_headings(inspect.getdoc(module) or "", "^").splitlines()
    unverified = _unverified(module, public)
    if unverified:
        rubric = "Functions whose docstrings state UNVERIFIED choices"
        out += ["", f".. rubric:: {rubric}", ""]
        out += [f"- :func:`{public}.{n}`: {_escape(s)}" for n, s in unverified]
    return out


def _unverified(module, public: str) -> list[tuple[str, str]]:
    """(name, summary) of the functions of ``module``, exported by ``public``, with UNVERIFIED."""
    pub = importlib.import_module(public)
    found = []
    for n in getattr(pub, "__all__", ()):
        obj = getattr(pub, n)
        if not inspect.isfunction(obj) or obj.__module__ != module.__name__:
            continue
        doc = inspect.getdoc(obj) or ""
        if "UNVERIFIED" in doc:
            found.append((n, doc.split("\n\n", 1)[0].replace("\n", " ")))
    return found


def _tables_rst(tables: list[tuple[str, list[str]]], page: str) -> list[str]:
    """The "Tables" section: a target, a heading and an ``indicators-table`` per table."""
    out = _section("Tables", "-")
    out.append(
        "Every row, as the package reads it (``indicators.standards.table(name)``); "
        "the ``clause`` and ``unit`` columns give the source and unit of each value, "
        "``verification`` and ``notes`` the evidence."
    )
    for name, prefixes in tables:
        out += ["", f".. _{page}-{name}:"]
        out += _section(f"``{name}``", "~")
        out += [f".. indicators-table:: {name}"]
        if prefixes:
            out.append(f"   :standard: {'; '.join(prefixes)}")
    return out


# --------------------------------------------------------------------------- events


def _purge(app, env, docname):
    getattr(env, "indicators_tables", {}).pop(docname, None)


def _merge(app, env, docnames, other):
    if not hasattr(env, "indicators_tables"):
        env.indicators_tables = {}
    env.indicators_tables.update(getattr(other, "indicators_tables", {}))


def _check_tables(app, env):
    from indicators.standards import list_tables

    shown = set().union(*getattr(env, "indicators_tables", {}).values())
    for name in sorted(set(list_tables()) - shown):
        logger.warning("standards table %r is shown on no page (add it to a standard's page)", name)


def _page_plotly(app, pagename, templatename, context, doctree):
    if "plotly-graph-div" in context.get("body", ""):
        app.add_js_file(PLOTLY_JS, priority=200)


def _write_plotly(app, exception):
    if exception is None and app.builder.format == "html":
        from plotly.offline import get_plotlyjs

        static = app.outdir / "_static"
        static.mkdir(parents=True, exist_ok=True)
        (static / PLOTLY_JS).write_text(get_plotlyjs(), encoding="utf-8")


def setup(app):
    """Register the directives and events."""
    app.add_directive("indicators-contract", ContractDirective)
    app.add_directive("indicators-table", TableDirective)
    app.add_directive("indicators-standard", StandardDirective)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-check-consistency", _check_tables)
    app.connect("html-page-context", _page_plotly)
    app.connect("build-finished", _write_plotly)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
