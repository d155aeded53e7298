r"""The figures a report carries: one JSON object embedded in its HTML, and its reader.

Every city report embeds the figures it shows as **one** JSON object in a
non-executable element at the end of the page::

    <script type="application/json" id="indicators-figures">{...}</script>

(the HTML writer may put the attributes in another order). ``<``, ``>`` and ``&`` inside
it are written as ``\u003c``, ``\u003e``, ``\u0026``
(still plain JSON), so no value can close the element. Programs read it back with
:func:`read_report_figures`; the batch index (:func:`indicators.report.write_index`)
and the Excel export (``indicators report --xlsx``, :mod:`indicators.report.xlsx`)
read it, so they show what the report shows.

The object is assembled from what the report's sections put in their notebook
output metadata while they draw (:class:`indicators.report.display.Section`): the
title block, the headline cards (:func:`indicators.report.sections.headline_cards`,
the rows the cards are drawn from), the year to date and the ranking. Nothing is
recomputed here: the values are the figures store's rows the page shows, unrounded.

Schema (``schema_version`` 1; a key is never removed or changed in meaning
within a version, keys may be added):

``schema`` : str
    ``"indicators-report-figures"``.
``schema_version`` : int
    ``1``.
``generator`` : object
    ``package`` (``"indicators"``) and ``version``: the package that rendered the report.
``city`` : str
    The city, as in the station list.
``lang`` : str
    Report language, ``"zh"`` or ``"en"``.
``period``, ``compare`` : object
    The period and the comparison period: ``label`` (``2026``, ``2026Q1``,
    ``2026-03``, ``2026-01-01..2026-06-30``), ``start`` and ``end`` (ISO dates,
    both included), ``kind`` (``year``, ``quarter``, ``month``, ``range``) and
    ``display`` (the words the report uses).
``edition`` : object
    ``shown`` (the edition the title block names), ``requested`` (``auto`` or a
    forced HJ 633 edition), ``aqi`` (HJ 633 edition(s) of the period's evaluation)
    and ``limits`` (its GB 3095 limits; both null when the city has no city air value).
``data_source`` : str
    Where the data came from, as the title block says.
``generated`` : str
    When the report was rendered (``YYYY-MM-DD HH:MM``, local time).
``headline`` : list of object
    The headline cards in display order, one object per card:

    - ``key``: indicator key (:data:`indicators.glossary.INDICATORS`);
    - ``label``: its name in the report language;
    - ``value``: the figure (null: no data), in ``unit``;
    - ``unit``: the unit as printed (``%``, ``µg/m³``; empty for an index or a count);
    - ``previous``: the comparison period's value the change is taken against;
    - ``change``: the change against it (null: none), in ``change_kind``;
    - ``change_kind``: ``pp`` percentage points (ratios), ``pct`` percent
      (concentrations, indices) or ``diff`` a difference (counts);
    - ``target`` and ``met``: the target and whether it is met (null: no target);
    - ``valid``: for the air cards whether the period's evaluation is valid
      (enough valid days, HJ 663), null for the other domains;
    - ``invalid_reason``: the reason the card shows when ``valid`` is false;
    - ``shown``: false for a card without data folded into the "no data" line.
``year_to_date`` : object or null
    1—N月累计 of a monthly report, 1—N季度 of a quarterly one (null otherwise):
    ``period`` and ``compare`` (as above) and ``figures``, one object per air
    headline figure and, when the city has surface-water sections, per
    surface-water figure (``section_compliance``, ``share_I_III``, ``n_worse_V``,
    ``cwqi``), with ``key``, ``label``, ``value``, ``unit``, ``previous``,
    ``change`` and ``change_kind``.
``ranks`` : object or null
    The ranking section (null when the report has none): ``indicators`` (the
    ranked figures: ``composite_index``, ``good_day_ratio``, ``PM2.5``,
    ``composite_index_change`` [%]), ``cities`` (cities in the ranking), ``rows``
    (the rows of the ranking table shown, in its order: ``city`` and, per
    ranked figure ``f``, ``f`` the value ranked, ``f_rank``, ``f_tied`` (并列) and
    ``f_n`` the cities ranked by it) and ``sets`` (the city's rank in each
    official city set: ``set``, ``set_zh``, ``set_en``, ``set_size``,
    ``n_ranked``, ``rank``, ``tied``, ``complete``, ``verification``) and
    ``set_lists`` (the MEE lists of those sets, one object per listed city:
    ``set``, ``province``, ``set_zh``, ``set_en``, ``set_size``, ``n_in_data``,
    ``verification``, ``list`` (``best``, ``worst``, ``change_best``,
    ``change_worst``), ``n_ranked``, ``rank``, ``tied``, ``city``, ``value``,
    ``current``, ``previous``: :func:`indicators.ranking.set_lists`) and
    ``year_to_date`` (null unless the report has a year to date: its ``period`` (as
    above), ``rows`` (the city's row of the year to date's ranks, keys as ``rows``)
    and ``sets`` (its set ranks, keys as ``sets``)).
``record`` : list of object
    The record lines of the headline (:func:`indicators.report.sections.record_figures`):
    ``indicator`` (a figure key, or ``rank``), ``value``, ``best_since``,
    ``first_year``, ``n_years`` and ``text``; empty when the period sets no record.
``cwqi`` : object or null
    The city water quality index line (:func:`indicators.report.sections.cwqi_line`):
    ``cwqi``, ``cwqi_change`` [%], ``rank``, ``n_ranked``, ``in_best``, ``in_worst``,
    ``change_rank``, ``change_n`` and ``text``; null without surface-water data.

Examples
--------
>>> figures = {"schema": SCHEMA, "city": "<甲市>", "headline": []}
>>> element = figures_script(figures)
>>> "<甲市>" in element, parse_report_figures(element)["city"]
(False, '<甲市>')
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import IndicatorInputError
from .display import METADATA_KEY, script_json

__all__ = [
    "SCHEMA",
    "SCHEMA_VERSION",
    "SCRIPT_ID",
    "figures_script",
    "headline_by_key",
    "parse_report_figures",
    "read_report_figures",
    "report_figures",
    "section_metadata",
]

#: ``id`` of the script element that holds the figures.
SCRIPT_ID = "indicators-figures"
#: Name and version of the schema (module docstring).
SCHEMA = "indicators-report-figures"
SCHEMA_VERSION = 1

_ELEMENT = re.compile(
    rf'<script\b[^>]*\bid="{SCRIPT_ID}"[^>]*>(.*?)</script\s*>', re.DOTALL | re.IGNORECASE
)


def section_metadata(nb: Any) -> dict[str, dict[str, Any]]:
    """Section key -> the metadata its outputs carry, from an executed report notebook.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook.

    Returns
    -------
    dict
        ``{section key: metadata}`` (:class:`indicators.report.display.Section`).
    """
    found: dict[str, dict[str, Any]] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get(METADATA_KEY)
            if meta and meta.get("section"):
                found.setdefault(meta["section"], dict(meta))
    return found


def _plain(value: Any) -> Any:
    """``value`` as JSON values: NaN and infinities null, dates as ISO text."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def report_figures(
    sections: Mapping[str, Mapping[str, Any]], *, version: str | None = None
) -> dict[str, Any] | None:
    """The report's figures object (module docstring) from its sections' metadata.

    Parameters
    ----------
    sections : mapping
        ``{section key: metadata}``: :func:`section_metadata` of an executed
        notebook, or ``{s.key: s.metadata}`` of sections drawn in Python.
    version : str, optional
        Version of the package that rendered the report (default: this one).

    Returns
    -------
    dict or None
        The object; None when there is no title section (not a city report).
    """
    if version is None:
        from .. import __version__ as version
    title = sections.get("title")
    if not title or "city" not in title:
        return None
    head = sections.get("headline", {})
    ranking = sections.get("ranking", {})
    figures = {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "generator": {"package": "indicators", "version": version},
        **{
            k: title.get(k)
            for k in ("city", "lang", "period", "compare", "edition", "data_source", "generated")
        },
        "headline": list(head.get("cards", [])),
        "year_to_date": head.get("year_to_date"),
        "ranks": ranking.get("ranks"),
        "record": list(head.get("record") or []),
        "cwqi": sections.get("water_sections", {}).get("cwqi"),
    }
    return _plain(figures)


def figures_script(figures: Mapping[str, Any]) -> str:
    """The figures as the non-executable ``<script type="application/json">`` element.

    Parameters
    ----------
    figures : mapping
        The figures object (:func:`report_figures`).

    Returns
    -------
    str
        ``<script type="application/json" id="indicators-figures">...</script>``.
    """
    text = json.dumps(_plain(figures), ensure_ascii=False, allow_nan=False)
    return f'<script type="application/json" id="{SCRIPT_ID}">{script_json(text)}</script>'


def parse_report_figures(page: str, *, file: str | None = None) -> dict[str, Any]:
    """The figures object embedded in the HTML text ``page``.

    Parameters
    ----------
    page : str
        A report's HTML.
    file : str, optional
        Where the page came from (named in errors).

    Returns
    -------
    dict
        The figures object (module docstring).

    Raises
    ------
    IndicatorInputError
        When the page holds no figures element or its content is not the schema's.
    """
    found = _ELEMENT.findall(page)
    if len(found) != 1:
        raise IndicatorInputError(
            "no embedded report figures" if not found else "more than one figures element",
            file=file,
            column=SCRIPT_ID,
            expected=f'one <script type="application/json" id="{SCRIPT_ID}"> element '
            "(a city report rendered by indicators)",
            found=f"{len(found)} elements",
        )
    try:
        figures = json.loads(found[0])
    except json.JSONDecodeError as exc:
        raise IndicatorInputError(
            "embedded report figures are not JSON", file=file, column=SCRIPT_ID, found=str(exc)
        ) from None
    if not isinstance(figures, dict) or figures.get("schema") != SCHEMA:
        raise IndicatorInputError(
            "embedded report figures of another schema",
            file=file,
            column=SCRIPT_ID,
            expected=SCHEMA,
            found=str(figures.get("schema") if isinstance(figures, dict) else type(figures)),
        )
    return figures


def read_report_figures(html_path: str | Path) -> dict[str, Any]:
    """Read the figures a rendered city report embeds (module docstring: the schema).

    Parameters
    ----------
    html_path : path
        A report written by :func:`indicators.report.render_report` (or the CLI).

    Returns
    -------
    dict
        City, period, comparison period, edition, language, generator version,
        the headline cards, the year to date and the ranks shown.

    Raises
    ------
    IndicatorInputError
        When the file cannot be read or holds no embedded figures.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "r.html"
    ...     _ = path.write_text("<html></html>", encoding="utf-8")
    ...     read_report_figures(path)
    Traceback (most recent call last):
    ...
    indicators.errors.IndicatorInputError: ..., column 'indicators-figures': no embedded ...
    """
    path = Path(html_path)
    try:
        page = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise IndicatorInputError(
            "cannot read the report", file=str(path), found=exc.strerror or str(exc)
        ) from None
    return parse_report_figures(page, file=str(path))


def headline_by_key(figures: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The headline cards of a figures object by indicator key.

    Parameters
    ----------
    figures : mapping
        The figures object (:func:`read_report_figures`).

    Returns
    -------
    dict
        ``{key: card}`` in display order.
    """
    return {card["key"]: card for card in figures.get("headline") or []}
