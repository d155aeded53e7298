"""House rules as tests: standards tables, docstring citations, and the checked reference tables.

1. Every CSV in ``indicators/standards/data`` has ``standard``, ``clause`` and ``unit``
   columns, and no row leaves ``standard`` or ``clause`` empty.
2. Every public function of a domain module cites the standard (or official guide or
   document) it implements in its docstring.
3. The package's air tables hold the same numbers as the checked tables in
   ``../shared/standards`` (breakpoints, GB 3095 limits, validity, categories, the
   composite-index divisors).
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
from importlib import resources
from pathlib import Path

import polars as pl
import pytest

from indicators import standards

# --- 1. every table has standard, clause, unit ---------------------------------------------------

TABLE_NAMES = standards.list_tables()
REQUIRED_COLUMNS = ("standard", "clause", "unit")


def _read_raw(name: str) -> pl.DataFrame:
    """The CSV as stored (not the cached :func:`standards.table`), every cell as text."""
    path = resources.files("indicators.standards").joinpath("data", f"{name}.csv")
    return pl.read_csv(path.read_bytes(), infer_schema=False)


def test_there_are_air_tables() -> None:
    air = [n for n in TABLE_NAMES if n.startswith("air_")]
    assert {"air_iaqi_breakpoints", "air_gb3095_limits", "air_validity"} <= set(air)


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_table_has_standard_clause_unit(name: str) -> None:
    raw = _read_raw(name)
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    assert not missing, f"{name}.csv lacks {missing}"
    assert raw.height > 0, f"{name}.csv has no rows"
    for col in ("standard", "clause"):
        empty = raw.with_row_index("row", offset=1).filter(
            pl.col(col).is_null() | (pl.col(col).str.strip_chars() == "")
        )
        assert empty.is_empty(), f"{name}.csv: empty {col} in data rows {empty['row'].to_list()}"


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_table_loads_through_the_package(name: str) -> None:
    t = standards.table(name)
    assert t.height == _read_raw(name).height


# --- 2. every public function cites its standard -----------------------------------------------

#: Domain modules: the ones that compute quantities a standard defines. Modules that
#: do not exist yet are skipped; io, demo, report, config, glossary, trends and targets
#: are infrastructure or statistics, not standards.
DOMAIN_MODULES = (
    "indicators.air",
    "indicators.water",
    "indicators.sea",
    "indicators.drinking",
    "indicators.noise",
    "indicators.blackodorous",
    "indicators.ranking",
)

#: A citation: an HJ or GB (GB/T) number, a 指南 (the black-odorous water guide), or an
#: official document number such as 环办〔2014〕64号 or 建城〔2018〕104号.
CITATION = re.compile(r"\b(?:HJ|GB(?:/T)?) ?\d|指南|〔\d{4}〕\d+号")

#: Public functions that need no citation, and why.
ALLOWED_WITHOUT_CITATION = {
    # the polars form of air.percentile, whose docstring cites HJ 663; a pure utility
    "indicators.air.percentile_expr",
    # differences of two evaluation summaries (同比/环比 arithmetic): no standard defines it
    "indicators.air.compare_periods",
}


def _public_functions(module_name: str) -> list[tuple[str, object]]:
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None)
    assert names is not None, f"{module_name} has no __all__"
    return [(n, getattr(module, n)) for n in names if inspect.isfunction(getattr(module, n))]


@pytest.mark.parametrize("module_name", DOMAIN_MODULES)
def test_public_functions_cite_a_standard(module_name: str) -> None:
    if importlib.util.find_spec(module_name) is None:
        pytest.skip(f"{module_name} does not exist yet")
    functions = _public_functions(module_name)
    assert functions, f"{module_name} exports no function"
    uncited = [
        name
        for name, fn in functions
        if f"{module_name}.{name}" not in ALLOWED_WITHOUT_CITATION
        and not CITATION.search(inspect.getdoc(fn) or "")
    ]
    assert not uncited, (
        f"{module_name}: these public functions cite no standard (HJ/GB number, 指南 or "
        f"document number) in their docstring: {uncited}"
    )


def test_air_functions_are_all_checked() -> None:
    """The allow-list names real functions (a renamed function must not slip through)."""
    air = dict(_public_functions("indicators.air"))
    for full in ALLOWED_WITHOUT_CITATION:
        module, name = full.rsplit(".", 1)
        assert module == "indicators.air" and name in air, full
    assert {"iaqi", "hourly_aqi", "daily_aqi", "evaluate_period", "percentile"} <= set(air)


def test_the_citation_pattern() -> None:
    assert CITATION.search("HJ 633-2012 Table 1")
    assert CITATION.search("GB/T 8170")
    assert CITATION.search("GB 3095-2026")
    assert CITATION.search("《城市黑臭水体整治工作指南》")
    assert CITATION.search("环办〔2014〕64号")
    assert not CITATION.search("see the standard")
    assert not CITATION.search("HJX 1")


# --- 3. the package tables equal the checked tables --------------------------------------------


def test_breakpoints_equal_the_checked_table(shared_standards: Path) -> None:
    """air_hj633_breakpoints.csv (wide, one column pair per pollutant and averaging)."""
    wide = pl.read_csv(shared_standards / "air_hj633_breakpoints.csv", infer_schema_length=0)
    pairs = sorted({c.rsplit("_", 1)[0] for c in wide.columns if c.endswith(("_lo", "_hi"))})
    pairs.remove("iaqi")
    want = set()
    for row in wide.iter_rows(named=True):
        for pair in pairs:
            lo, hi = row[f"{pair}_lo"], row[f"{pair}_hi"]
            if lo is None or lo == "":
                continue
            pollutant, averaging = pair.rsplit("_", 1)
            want.add(
                (
                    row["standard"],
                    row["valid_from"],
                    row["valid_to"] or None,
                    pollutant,
                    averaging,
                    int(row["iaqi_lo"]),
                    int(row["iaqi_hi"]),
                    float(lo),
                    float(hi),
                )
            )
    got_table = standards.table("air_iaqi_breakpoints")
    got = {
        (
            r["standard"],
            str(r["valid_from"]),
            str(r["valid_to"]) if r["valid_to"] not in (None, "") else None,
            r["pollutant"],
            r["averaging"],
            int(r["iaqi_lo"]),
            int(r["iaqi_hi"]),
            float(r["bp_lo"]),
            float(r["bp_hi"]),
        )
        for r in got_table.iter_rows(named=True)
    }
    assert len(want) == 130
    assert got == want


def test_gb3095_limits_equal_the_checked_table(shared_standards: Path) -> None:
    checked = pl.read_csv(shared_standards / "air_gb3095_limits.csv", infer_schema_length=0)
    clause = {"basic": "Table 1", "other": "Table 2"}
    want = {
        (
            r["standard"] + (f" {r['phase']}" if r["phase"] else ""),
            r["valid_from"],
            r["valid_to"] or None,
            clause[r["table"]],
            r["pollutant"],
            r["averaging_time"],
            float(r["class1"]),
            float(r["class2"]),
            r["unit"],
        )
        for r in checked.iter_rows(named=True)
    }
    got = {
        (
            r["edition"],
            str(r["valid_from"]),
            str(r["valid_to"]) if r["valid_to"] is not None else None,
            r["clause"],
            r["pollutant"],
            r["averaging_time"],
            float(r["class1"]),
            float(r["class2"]),
            r["unit"],
        )
        for r in standards.table("air_gb3095_limits").iter_rows(named=True)
    }
    assert got == want
    assert all(e.startswith("GB 3095") for e, *_ in got)


def test_validity_equals_the_checked_table(shared_standards: Path) -> None:
    """Minimum counts in air_gb3095_validity.csv (text) against the package's air_validity."""
    checked = pl.read_csv(shared_standards / "air_gb3095_validity.csv", infer_schema_length=0)

    def numbers(statistic: str) -> list[int]:
        rows = checked.filter(
            pl.col("statistic") == statistic, pl.col("pollutants").str.contains("O3|PM2.5")
        )
        return [int(n) for n in re.findall(r">=(\d+)", rows["minimum_requirement"].item())]

    assert numbers("daily (24-h) mean") == [20, 20]  # 20 hourly means (or 20 h sampling)
    assert numbers("8-h mean") == [6]
    assert numbers("annual mean") == [324, 27, 25]
    assert numbers("daily max 8-h mean (MDA8)") == [14]
    v = standards.table("air_validity")

    def count(edition: str, statistic: str) -> int:
        return int(v.filter(edition=edition, statistic=statistic)["min_count"].item())

    for gb in (ed.name for ed in standards.EDITIONS["GB 3095"]):
        assert count(gb, "daily_mean") == numbers("daily (24-h) mean")[0]
        assert count(gb, "o3_8h_mean") == numbers("8-h mean")[0]
        assert [
            count(gb, s) for s in ("annual_mean", "monthly_mean", "monthly_mean_february")
        ] == numbers("annual mean")
    for hj in (ed.name for ed in standards.EDITIONS["HJ 663"]):
        assert count(hj, "o3_mda8") == numbers("daily max 8-h mean (MDA8)")[0]


def test_categories_equal_the_checked_notes(shared_standards: Path) -> None:
    """The category table of air_hj633_rules.md (Appendix A RGB and hex) for both editions."""
    text = (shared_standards / "air_hj633_rules.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| [^|]+ \| (\S+)级 \| (\S+) [A-Za-z ]+\| [^|]+ \| (\d+,\d+,\d+) \| (#[0-9A-F]{6}) \|",
        text,
        flags=re.MULTILINE,
    )
    assert len(rows) == 6
    want = [(zh, rgb, hex_) for _, zh, rgb, hex_ in rows]
    cats = standards.table("air_aqi_categories")
    for edition in ("HJ 633-2012", "HJ 633-2026"):
        got = cats.filter(standard=edition).sort("level").select("category_zh", "rgb", "hex")
        assert got.rows() == want, edition


def test_composite_index_divisors_equal_the_checked_notes(shared_standards: Path) -> None:
    """air_hj663_evaluation.md: S = SO2 60, NO2 40, PM10 70, PM2.5 35 (annual), CO 4 (24-h),
    O3 160 (MDA8), GB 3095-2012 class 2; the package derives them from its tables."""
    text = (shared_standards / "air_hj663_evaluation.md").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip().startswith("- S_i is the class-2")]
    want = {
        p: float(v)
        for ln in lines
        for p, v in re.findall(r"(SO2|NO2|PM10|PM2\.5|CO|O3) \((\d+)", ln)
    }
    assert set(want) == {"SO2", "NO2", "PM10", "PM2.5", "CO", "O3"}
    stats = standards.table("air_hj663_statistics").filter(standard="HJ 663-2013")
    limits = standards.table("air_gb3095_limits").filter(edition="GB 3095-2012")
    got = {
        r["pollutant"]: float(
            limits.filter(pollutant=r["pollutant"], averaging_time=r["index_averaging"])[
                "class2"
            ].item()
        )
        for r in stats.iter_rows(named=True)
    }
    assert got == want


def test_special_rules_equal_the_checked_notes(shared_standards: Path) -> None:
    """SO2 1-h and O3 8-h above 800: 2012 use another averaging, 2026 count 200 / 300."""
    text = (shared_standards / "air_hj633_rules.md").read_text(encoding="utf-8")
    assert "| SO2 1-h > 800 µg/m³ |" in text and "**counted as 200**" in text
    assert "| O3 8-h > 800 µg/m³ |" in text and "**counted as 300**" in text
    rules = standards.table("air_aqi_special_rules")
    got = {
        (r["standard"], r["pollutant"], r["averaging"]): (
            float(r["above"]),
            r["action"],
            r["fixed_iaqi"],
        )
        for r in rules.iter_rows(named=True)
    }
    assert got == {
        ("HJ 633-2012", "SO2", "1h"): (800.0, "use_24h", None),
        ("HJ 633-2012", "O3", "8h"): (800.0, "use_1h", None),
        ("HJ 633-2026", "SO2", "1h"): (800.0, "fixed", 200),
        ("HJ 633-2026", "O3", "8h"): (800.0, "fixed", 300),
    }


# --- 4. editions live in the registry only ----------------------------------------------


def _code_literals(path: Path) -> list[tuple[int, str]]:
    """String constants (not docstrings) and ``date(y, m, d)`` calls of a module, with lines."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                found.append((node.lineno, node.value))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "date":
            args = [getattr(a, "value", None) for a in node.args]
            if len(args) == 3 and all(isinstance(a, int) for a in args):
                found.append((node.lineno, "{:04d}-{:02d}-{:02d}".format(*args)))
    return found


def test_no_edition_name_or_change_date_in_code_outside_standards() -> None:
    """Issue 9: editions are chosen from ``standards.EDITIONS``; code never names one.

    Docstrings may cite editions (they are the specification); string literals
    and dates in code may not: an edition name or the first day of an edition
    written elsewhere would survive a revision of the registry unchanged.
    """
    package = Path(importlib.util.find_spec("indicators").origin).parent
    names = {ed.name for eds in standards.EDITIONS.values() for ed in eds}
    days = {ed.valid_from.isoformat() for eds in standards.EDITIONS.values() for ed in eds}
    pattern = re.compile("|".join(re.escape(t) for t in sorted(names | days, key=len)[::-1]))
    offenders = [
        f"{path.relative_to(package)}:{line}: {text[:60]!r}"
        for path in sorted(package.rglob("*.py"))
        if "standards" not in path.relative_to(package).parts
        for line, text in _code_literals(path)
        if pattern.search(text)
    ]
    assert not offenders, "\n".join(offenders)


def test_the_scan_finds_an_edition_name_and_a_change_date(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        '"""Cites HJ 633-2012 in a docstring."""\n'
        "from datetime import date\n"
        'E = "HJ 633-2026"\n'
        "D = date(2026, 3, 1)\n",
        encoding="utf-8",
    )
    assert _code_literals(module) == [(3, "HJ 633-2026"), (4, "2026-03-01")]


def test_table_keys_are_registry_names() -> None:
    """Every air table's edition key (``edition`` column, else ``standard``) is in the registry."""
    names = {ed.name for eds in standards.EDITIONS.values() for ed in eds}
    for name in (n for n in TABLE_NAMES if n.startswith("air_")):
        t = standards.table(name)
        keys = set(t["edition" if "edition" in t.columns else "standard"].to_list())
        assert keys <= names, f"{name}: {sorted(keys - names)} not in standards.EDITIONS"
