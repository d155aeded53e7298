"""Excel workbooks of reports (``indicators report --xlsx``), from their embedded figures.

A report's workbook is written beside its HTML (same stem, ``.xlsx``) from the
figures the HTML embeds (:func:`indicators.report.read_report_figures`), so it
holds the values the report shows, unrounded (the cells' number formats show the
report's decimals). Headers are Chinese (indicator names from
:data:`indicators.glossary.INDICATORS`, column words from
:data:`indicators.glossary.TERMS` and the report labels), one sheet per table:

- ``报告信息``: city, periods, editions, data source, generator version;
- ``主要指标``: the headline cards (value, unit, comparison value, change and its
  kind, target, met, period valid);
- ``1—N月累计`` (e.g. ``1—3月累计``): the year to date of a monthly report, when present;
- ``排名``: the ranking table shown (value, rank, 并列 and cities ranked per figure);
- ``分组排名``: the city's rank in each official city set, when present;
- ``分组排名名单``: the MEE lists of those sets (best and worst 20 by the composite
  index and by its change rate), one row per listed city, when present;
- ``1—N月累计分组排名名单``: the same lists of the year to date, when present;
- ``水质指数``: the city water quality index line (CWQI, its change and ranks), when present;
- ``最好水平``: the record lines (where the period stands in the years the data hold),
  when the period sets one.

A batch also writes ``index.xlsx`` beside ``index.html``: sheet ``城市索引`` (every
published city, its figures and ranks, as the index shows them) and
``未生成的报告`` (the failures), when any. Written with openpyxl, atomically.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import contract
from ..figures.domains import CWQI_LIST_ROWS
from ..glossary import INDICATORS, TERMS
from .embedded import read_report_figures
from .labels import label, term

__all__ = ["SHEETS", "write_index_xlsx", "write_report_xlsx", "write_xlsx"]

#: Sheet names, by table.
SHEETS: dict[str, str] = {
    "about": "报告信息",
    "headline": "主要指标",
    "ranks": "排名",
    "sets": "分组排名",
    "set_lists": "分组排名名单",
    "cwqi": "水质指数",
    "record": "最好水平",
    "index": "城市索引",
    "failed": "未生成的报告",
}

#: Words of the kinds of change (``change_kind``).
_CHANGE_KIND = {"pp": "百分点", "pct": "%", "diff": "差值"}

_H = {
    "indicator": label("indicator", "zh"),  # 指标
    "key": "指标代码",
    "value": "数值",
    "unit": "单位",
    "previous": "比较期数值",
    "change": label("change", "zh"),  # 变化
    "change_kind": "变化单位",
    "target": TERMS["target"].zh,  # 目标值
    "met": TERMS["meets"].zh,  # 达到目标
    "valid": TERMS["period_valid"].zh,  # 时段数据有效
    "invalid_reason": "说明",
    "city": TERMS["city"].zh,  # 城市
    "rank": TERMS["rank"].zh,  # 排名
    "tied": TERMS["tied"].zh,  # 并列
    "n": "参与排名城市数",
    "item": "项目",
    "content": "内容",
}


def _name(key: str) -> str:
    """The Chinese name of a figure: the glossary's, else the report's label."""
    return INDICATORS[key].zh if key in INDICATORS else label(key, "zh")


def _with_unit(key: str) -> str:
    """The Chinese name and printed unit of a figure (a change in percent: ``[%]``)."""
    symbol = INDICATORS[key].symbol if key in INDICATORS else "%"
    return f"{_name(key)} [{symbol}]" if symbol else _name(key)


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _decimals(key: str) -> str | None:
    i = INDICATORS.get(key)
    if i is None:
        return "0.0"  # a change in percent
    return "0" if i.decimals == 0 else "0." + "0" * i.decimals


def _sheet(
    wb: Any,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    formats: Sequence[Sequence[str | None]] | None = None,
) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, row in enumerate(rows):
        ws.append([_cell(v) for v in row])
        for cell in ws[i + 2]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text from data is never a formula
        for j, fmt in enumerate(formats[i] if formats else ()):
            if fmt and isinstance(row[j], int | float) and not isinstance(row[j], bool):
                ws.cell(row=i + 2, column=j + 1).number_format = fmt
    ws.freeze_panes = "A2"
    for j, header in enumerate(headers, start=1):
        texts = [str(header), *(str(r[j - 1]) for r in rows if r[j - 1] is not None)]
        width = max(_width(t) for t in texts)
        ws.column_dimensions[get_column_letter(j)].width = min(60, width + 2)


def _width(text: str) -> int:
    """Display width: a CJK character counts two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _save(wb: Any, path: Path) -> Path:
    contract.write_atomic(path, wb.save)
    return path


def _workbook() -> Any:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    return wb


def _period_text(p: Mapping[str, Any] | None) -> str | None:
    if not p:
        return None
    return f"{p['label']}（{p['start']} 至 {p['end']}）"


#: Columns of a sheet of figures after the indicator's name (headline, year to date).
_FIGURE_COLUMNS = ("key", "value", "unit", "previous", "change", "change_kind")


def _figures_sheet(
    wb: Any,
    title: str,
    items: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    headers: Mapping[str, str] | None = None,
) -> None:
    """One row per figure: its Chinese name, then ``keys`` of the figures object."""
    names = {**_H, **(headers or {})}
    rows = [
        [
            _name(f["key"]),
            *(_CHANGE_KIND.get(f[k], f[k]) if k == "change_kind" else f[k] for k in keys),
        ]
        for f in items
    ]
    decimals = {"value", "previous"}
    formats = [
        [None, *(_decimals(f["key"]) if k in decimals else None for k in keys)] for f in items
    ]
    _sheet(wb, title, [names["indicator"], *(names[k] for k in keys)], rows, formats)


def write_xlsx(figures: Mapping[str, Any], path: str | Path) -> Path:
    """Write a report's figures object as an Excel workbook (module docstring: the sheets).

    Parameters
    ----------
    figures : mapping
        The figures a report embeds (:func:`indicators.report.read_report_figures`).
    path : path
        The workbook to write (replaced atomically).

    Returns
    -------
    Path
        The workbook.
    """
    path = Path(path)
    wb = _workbook()
    edition = figures.get("edition") or {}
    generator = figures.get("generator") or {}
    about = [
        (_H["city"], figures.get("city")),
        (label("period", "zh"), _period_text(figures.get("period"))),
        (label("compare", "zh"), _period_text(figures.get("compare"))),
        (label("edition", "zh"), term(edition.get("shown"), "zh")),
        ("GB 3095 限值", term(edition.get("limits"), "zh")),
        (label("data_source", "zh"), figures.get("data_source")),
        (label("generated", "zh"), figures.get("generated")),
        ("报告语言", {"zh": "中文", "en": "英文"}.get(figures.get("lang"), figures.get("lang"))),
        ("生成程序", f"{generator.get('package', 'indicators')} {generator.get('version', '')}"),
    ]
    _sheet(wb, SHEETS["about"], [_H["item"], _H["content"]], about)

    cards = list(figures.get("headline") or [])
    keys = (*_FIGURE_COLUMNS, "target", "met", "valid", "invalid_reason")
    _figures_sheet(wb, SHEETS["headline"], cards, keys)

    ytd = figures.get("year_to_date")
    if ytd:
        headers = {
            "value": f"{_H['value']}（{ytd['period']['display']}）",
            "previous": f"{_H['previous']}（{ytd['compare']['display']}）",
        }
        _figures_sheet(wb, year_to_date_sheet(ytd), ytd["figures"], _FIGURE_COLUMNS, headers)

    if figures.get("ranks"):
        _ranks_sheets(wb, figures["ranks"])
    if figures.get("cwqi"):
        _cwqi_sheet(wb, figures["cwqi"])
    if figures.get("record"):
        rows = [[r["text"], r["first_year"], r["n_years"]] for r in figures["record"]]
        _sheet(wb, SHEETS["record"], ["说明", "数据起始年份", "数据年数"], rows)
    return _save(wb, path)


def _ranks_sheets(wb: Any, ranks: Mapping[str, Any]) -> None:
    """The ranking table, the set ranks and the MEE lists (of the period, of the year to date)."""
    names = ranks["indicators"]
    headers = [_H["city"]]
    for name in names:
        headers += [_with_unit(name), f"{_name(name)}{_H['rank']}", _H["tied"], _H["n"]]
    rows, formats = [], []
    for r in ranks["rows"]:
        row: list[Any] = [r["city"]]
        fmt: list[str | None] = [None]
        for name in names:
            row += [r[name], r[f"{name}_rank"], r[f"{name}_tied"], r[f"{name}_n"]]
            fmt += [_decimals(name), None, None, None]
        rows.append(row)
        formats.append(fmt)
    _sheet(wb, SHEETS["ranks"], headers, rows, formats)
    if ranks.get("sets"):
        headers = [
            "城市范围",
            "范围城市数",
            _H["n"],
            _H["rank"],
            _H["tied"],
            "范围内城市均有数据",
            "名单核实情况",
        ]
        rows = [
            [
                s["set_zh"],
                s["set_size"],
                s["n_ranked"],
                s["rank"],
                s["tied"],
                s["complete"],
                _verified(s["verification"]),
            ]
            for s in ranks["sets"]
        ]
        _sheet(wb, SHEETS["sets"], headers, rows)
    if ranks.get("set_lists"):
        _set_lists_sheet(wb, ranks["set_lists"], SHEETS["set_lists"])
    ytd_ranks = ranks.get("year_to_date") or {}
    if ytd_ranks.get("set_lists"):
        name = f"{year_to_date_sheet(ytd_ranks)}{SHEETS['set_lists']}"
        _set_lists_sheet(wb, ytd_ranks["set_lists"], name)


#: The MEE list of a set's list code (``ranking.set_lists``).
_LISTS = {
    "best": "综合指数相对较好",
    "worst": "综合指数相对较差",
    "change_best": "综合指数变化率改善幅度相对较大",
    "change_worst": "综合指数变化率改善幅度相对较小",
}


def _verified(verification: Any) -> str:
    return "已核实" if str(verification).startswith("VERIFIED") else "未核实"


def _set_lists_sheet(wb: Any, lists: Sequence[Mapping[str, Any]], name: str) -> None:
    """One row per set, list and listed city, in list order (sheet ``name``)."""
    headers = [
        "城市范围",
        "名单",
        _H["rank"],
        _H["tied"],
        _H["city"],
        "排名依据数值",
        "本期综合指数",
        "比较期综合指数",
        _H["n"],
        "范围城市数",
        "数据中城市数",
        "名单核实情况",
    ]
    rows, formats = [], []
    for r in lists:
        change = str(r["list"]).startswith("change")
        value_format = "0.0" if change else _decimals("composite_index")
        rows.append(
            [
                r["set_zh"],
                _LISTS.get(r["list"], r["list"]),
                r["rank"],
                r["tied"],
                r["city"],
                r["value"],
                r["current"],
                r["previous"],
                r["n_ranked"],
                r["set_size"],
                r["n_in_data"],
                _verified(r["verification"]),
            ]
        )
        index = _decimals("composite_index")
        formats.append([None] * 5 + [value_format, index, index] + [None] * 4)
    _sheet(wb, name, headers, rows, formats)


def _cwqi_sheet(wb: Any, cwqi: Mapping[str, Any]) -> None:
    """The CWQI line: index, change, ranks and the report's sentence.

    The best/worst-30 rows are left empty when 30 or fewer cities are ranked (every city
    would be in both lists).
    """
    top = CWQI_LIST_ROWS
    listed = (cwqi.get("n_ranked") or 0) > top
    items = [
        ("城市水质指数（CWQI）", cwqi.get("cwqi")),
        ("同比变化率（%）", cwqi.get("cwqi_change")),
        (_H["rank"], cwqi.get("rank")),
        (_H["n"], cwqi.get("n_ranked")),
        (f"在水质相对较好的{top}个城市之列", cwqi.get("in_best") if listed else None),
        (f"在水质相对较差的{top}个城市之列", cwqi.get("in_worst") if listed else None),
        ("变化率排名", cwqi.get("change_rank")),
        ("参与变化率排名城市数", cwqi.get("change_n")),
        ("说明", cwqi.get("text")),
    ]
    _sheet(wb, SHEETS["cwqi"], [_H["item"], _H["content"]], items)


def year_to_date_sheet(ytd: Mapping[str, Any]) -> str:
    """Name of the year-to-date sheet: ``1—N月累计`` (N the last month of the window).

    Parameters
    ----------
    ytd : mapping
        The ``year_to_date`` object of a report's figures.

    Returns
    -------
    str
        E.g. ``1—3月累计``.
    """
    start, end = ytd["period"]["start"], ytd["period"]["end"]
    return f"{int(start[5:7])}—{int(end[5:7])}月累计"


def write_report_xlsx(html_path: str | Path, path: str | Path | None = None) -> Path:
    """Write the workbook of a rendered report, from the figures its HTML embeds.

    Parameters
    ----------
    html_path : path
        A report written by :func:`indicators.report.render_report`.
    path : path, optional
        The workbook (default: beside the HTML, same stem, ``.xlsx``).

    Returns
    -------
    Path
        The workbook.

    Raises
    ------
    IndicatorInputError
        When the HTML holds no embedded figures.
    """
    html_path = Path(html_path)
    target = Path(path) if path is not None else html_path.with_suffix(".xlsx")
    return write_xlsx(read_report_figures(html_path), target)


def write_index_xlsx(
    rows: Sequence[Mapping[str, Any]], failures: Mapping[str, str], path: str | Path
) -> Path:
    """Write a batch's index workbook: one row per published city, and the failures.

    Parameters
    ----------
    rows : sequence of mapping
        One mapping per city: ``city``, ``composite_index``, ``composite_index_rank``,
        ``composite_index_tied``, ``good_day_ratio``, ``good_day_ratio_rank``,
        ``good_day_ratio_tied``, ``PM2.5`` and ``file`` (the report's file name),
        in index order.
    failures : mapping
        City -> why its report was not published.
    path : path
        The workbook (replaced atomically).

    Returns
    -------
    Path
        The workbook.
    """
    wb = _workbook()
    rank = _H["rank"]
    columns = [  # (key, header, number format)
        ("composite_index_rank", f"{_name('composite_index')}{rank}", None),
        ("composite_index_tied", _H["tied"], None),
        ("city", _H["city"], None),
        ("composite_index", _with_unit("composite_index"), _decimals("composite_index")),
        ("good_day_ratio", _with_unit("good_day_ratio"), _decimals("good_day_ratio")),
        ("good_day_ratio_rank", f"{_name('good_day_ratio')}{rank}", None),
        ("good_day_ratio_tied", _H["tied"], None),
        ("PM2.5", _with_unit("PM2.5"), _decimals("PM2.5")),
        ("file", "报告文件", None),
    ]
    table = [[r.get(k) for k, _, _ in columns] for r in rows]
    formats = [[f for _, _, f in columns]] * len(rows)
    _sheet(wb, SHEETS["index"], [h for _, h, _ in columns], table, formats)
    if failures:
        _sheet(wb, SHEETS["failed"], [_H["city"], "原因"], list(failures.items()))
    return _save(wb, Path(path))
