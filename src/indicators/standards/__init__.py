"""Standards as data: checked tables keyed by standard and edition.

Every regulatory number the package uses is a row of a CSV table in
``indicators/standards/data/``. Each table has a ``standard`` column (the
edition, e.g. ``HJ 633-2012``), a ``clause`` column and a ``unit`` column. A new
edition of a standard is new rows (or a new table), never an edit of old rows.

Editions and their dates of force are listed in :data:`EDITIONS`. Where a
calculation accepts ``edition="auto"``, the edition in force on the date of each
value is used; any edition can be forced.

Examples
--------
>>> from datetime import date
>>> edition_in_force("HJ 633", date(2026, 2, 28))
'HJ 633-2012'
>>> edition_in_force("HJ 633", date(2026, 3, 1))
'HJ 633-2026'
>>> edition_in_force("GB 3095", date(2031, 1, 1))
'GB 3095-2026 final'
>>> table("air_iaqi_breakpoints").filter(standard="HJ 633-2026", pollutant="PM2.5",
...     iaqi_hi=100)["bp_hi"].item()
60.0
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import polars as pl

from ..errors import IndicatorInputError

__all__ = [
    "COMPANIONS",
    "EDITIONS",
    "Edition",
    "by_edition",
    "companion",
    "edition_change",
    "edition_expr",
    "edition_in_force",
    "edition_info",
    "edition_names",
    "edition_rows",
    "list_tables",
    "newest_edition",
    "resolve_edition",
    "table",
]


@dataclass(frozen=True)
class Edition:
    """One edition of a standard and the dates it is in force (inclusive)."""

    family: str
    name: str
    valid_from: date
    valid_to: date | None
    title: str
    title_en: str = ""  # the English title, for English reports


#: Every edition the package knows, by family. Dates are inclusive.
EDITIONS: dict[str, tuple[Edition, ...]] = {
    "HJ 633": (
        Edition(
            "HJ 633",
            "HJ 633-2012",
            date(2016, 1, 1),
            date(2026, 2, 28),
            "环境空气质量指数（AQI）技术规定（试行）",
            "Technical Regulation on Ambient Air Quality Index (on trial)",
        ),
        Edition(
            "HJ 633",
            "HJ 633-2026",
            date(2026, 3, 1),
            None,
            "环境空气质量指数（AQI）技术规定",
            "Technical Regulation on Ambient Air Quality Index",
        ),
    ),
    "GB 3095": (
        Edition(
            "GB 3095",
            "GB 3095-2012",
            date(2016, 1, 1),
            date(2026, 2, 28),
            "环境空气质量标准",
            "Ambient Air Quality Standards",
        ),
        Edition(
            "GB 3095",
            "GB 3095-2026 transitional",
            date(2026, 3, 1),
            date(2030, 12, 31),
            "环境空气质量标准（过渡阶段）",
            "Ambient Air Quality Standards (transitional limits)",
        ),
        Edition(
            "GB 3095",
            "GB 3095-2026 final",
            date(2031, 1, 1),
            None,
            "环境空气质量标准",
            "Ambient Air Quality Standards",
        ),
    ),
    "HJ 663": (
        Edition(
            "HJ 663",
            "HJ 663-2013",
            date(2013, 10, 1),
            date(2026, 2, 28),
            "环境空气质量评价技术规范（试行）",
            "Technical Regulation for Ambient Air Quality Assessment (on trial)",
        ),
        Edition(
            "HJ 663",
            "HJ 663-2026",
            date(2026, 3, 1),
            None,
            "环境空气质量评价技术规范",
            "Technical Regulation for Ambient Air Quality Assessment",
        ),
    ),
    "GB 3838": (
        Edition(
            "GB 3838",
            "GB 3838-2002",
            date(2002, 6, 1),
            None,
            "地表水环境质量标准",
            "Environmental Quality Standards for Surface Water",
        ),
    ),
    "GB 3097": (
        Edition(
            "GB 3097",
            "GB 3097-1997",
            date(1998, 7, 1),
            None,
            "海水水质标准",
            "Sea Water Quality Standard",
        ),
    ),
    "GB/T 14848": (
        Edition(
            "GB/T 14848",
            "GB/T 14848-2017",
            date(2018, 5, 1),
            None,
            "地下水质量标准",
            "Standard for Groundwater Quality",
        ),
    ),
    "GB 3096": (
        Edition(
            "GB 3096",
            "GB 3096-2008",
            date(2008, 10, 1),
            None,
            "声环境质量标准",
            "Environmental Quality Standard for Noise",
        ),
    ),
    "HJ 640": (
        Edition(
            "HJ 640",
            "HJ 640-2012",
            date(2013, 1, 1),
            None,
            "环境噪声监测技术规范 城市声环境常规监测",
            "Technical Specifications for Environmental Noise Monitoring: Routine Monitoring "
            "for Urban Environmental Noise",
        ),
    ),
}

#: The GB 3095 and HJ 663 editions that go with each HJ 633 edition.
COMPANIONS: dict[str, dict[str, str]] = {
    "HJ 633-2012": {"GB 3095": "GB 3095-2012", "HJ 663": "HJ 663-2013"},
    "HJ 633-2026": {"GB 3095": "GB 3095-2026 transitional", "HJ 663": "HJ 663-2026"},
}


def _known(family: str) -> tuple[Edition, ...]:
    try:
        return EDITIONS[family]
    except KeyError:
        raise IndicatorInputError(
            "unknown standard family", expected=f"one of {sorted(EDITIONS)}", found=family
        ) from None


def edition_in_force(family: str, on: date) -> str:
    """Name of the edition of ``family`` in force on ``on``.

    Dates before the first listed edition get the first edition (the earliest
    rules the package has); this is stated, not hidden: see :data:`EDITIONS`.

    Parameters
    ----------
    family : str
        Standard family, a key of :data:`EDITIONS` (``"HJ 633"``, ``"GB 3095"`` ...).
    on : datetime.date
        The date.
    """
    editions = _known(family)
    for ed in editions:
        if ed.valid_from <= on and (ed.valid_to is None or on <= ed.valid_to):
            return ed.name
    return editions[0].name


def edition_expr(family: str, on: pl.Expr) -> pl.Expr:
    """Expression: the name of the edition of ``family`` in force on each date of ``on``.

    The per-row counterpart of :func:`edition_in_force` (same rule for dates
    before the first edition), built from :data:`EDITIONS` so that no edition
    name or date of change is written anywhere else.

    Parameters
    ----------
    family : str
        Standard family, a key of :data:`EDITIONS`.
    on : polars.Expr
        Expression of dates (``pl.Date``).

    Examples
    --------
    >>> from datetime import date
    >>> df = pl.DataFrame({"d": [date(2026, 2, 28), date(2026, 3, 1)]})
    >>> df.select(edition_expr("HJ 633", pl.col("d")).alias("e"))["e"].to_list()
    ['HJ 633-2012', 'HJ 633-2026']
    """
    editions = _known(family)
    expr = pl.when(on < pl.lit(editions[0].valid_from)).then(pl.lit(editions[0].name))
    for ed in editions[:-1]:
        expr = expr.when(on <= pl.lit(ed.valid_to)).then(pl.lit(ed.name))
    return expr.otherwise(pl.lit(editions[-1].name))


def by_edition(family: str, on: pl.Expr, values: dict[str, object]) -> pl.Expr:
    """Expression: ``values[edition in force on each date of on]``.

    ``values`` maps every edition name of ``family`` to a literal; a single
    distinct value gives a plain literal (no per-row lookup).

    Parameters
    ----------
    family : str
        Standard family, a key of :data:`EDITIONS`.
    on : polars.Expr
        Expression of dates (``pl.Date``).
    values : dict
        Edition name -> literal, one entry for every edition of ``family``.
    """
    names = [ed.name for ed in _known(family)]
    missing = [n for n in names if n not in values]
    if missing:
        raise IndicatorInputError(
            f"no value for {missing[0]}", expected=f"values for {names}", found=sorted(values)
        )
    distinct = {values[n] for n in names}
    if len(distinct) == 1:
        return pl.lit(distinct.pop())
    return edition_expr(family, on).replace_strict({n: values[n] for n in names})


def edition_names(family: str) -> list[str]:
    """Names of the editions of ``family``, oldest first.

    Parameters
    ----------
    family : str
        Standard family, a key of :data:`EDITIONS`.

    Examples
    --------
    >>> edition_names("HJ 633")
    ['HJ 633-2012', 'HJ 633-2026']
    """
    return [ed.name for ed in _known(family)]


def newest_edition(family: str) -> str:
    """Name of the newest edition of ``family`` (the default of scalar functions).

    Parameters
    ----------
    family : str
        Standard family, a key of :data:`EDITIONS`.

    Examples
    --------
    >>> newest_edition("HJ 663")
    'HJ 663-2026'
    """
    return _known(family)[-1].name


def edition_rows(name: str, edition: str) -> pl.DataFrame:
    """Rows of table ``name`` that belong to the registry edition ``edition``.

    Tables whose documents cover several registry editions (GB 3095-2026 with
    its transitional and final stages) carry an ``edition`` column; the others
    are keyed by ``standard``, which is then the registry name.

    Parameters
    ----------
    name : str
        Standards table name (:func:`list_tables`).
    edition : str
        Registry edition name (``"GB 3095-2026 final"``; :data:`EDITIONS`).

    Examples
    --------
    >>> edition_rows("air_validity", "GB 3095-2026 final").filter(
    ...     statistic="annual_mean")["min_count"].item()
    324
    """
    t = table(name)
    return t.filter(pl.col("edition" if "edition" in t.columns else "standard") == edition)


def edition_change(family: str) -> date:
    """First day of the newest edition of ``family`` (e.g. 2026-03-01 for HJ 633).

    Parameters
    ----------
    family : str
        Standard family, a key of :data:`EDITIONS`.
    """
    return _known(family)[-1].valid_from


def companion(edition: str, family: str) -> str:
    """The edition of ``family`` that goes with the HJ 633 ``edition`` (:data:`COMPANIONS`).

    Parameters
    ----------
    edition : str
        HJ 633 edition name (a key of :data:`COMPANIONS`).
    family : str
        The companion family: ``"GB 3095"`` or ``"HJ 663"``.

    Examples
    --------
    >>> companion("HJ 633-2012", "GB 3095")
    'GB 3095-2012'
    """
    try:
        return COMPANIONS[edition][family]
    except KeyError:
        raise IndicatorInputError(
            f"no {family} edition listed for {edition}",
            column="edition",
            expected=f"one of {sorted(COMPANIONS)}",
            found=edition,
        ) from None


def resolve_edition(family: str, edition: str) -> str:
    """Check that ``edition`` is ``"auto"`` or a known edition of ``family``.

    Parameters
    ----------
    family : str
        Standard family, a key of :data:`EDITIONS`.
    edition : str
        ``"auto"`` or an edition name of ``family``.

    Raises
    ------
    IndicatorInputError
        Naming the known editions.
    """
    names = [ed.name for ed in _known(family)]
    if edition == "auto" or edition in names:
        return edition
    raise IndicatorInputError(
        f"unknown {family} edition",
        column="edition",
        expected=f"'auto' or one of {names}",
        found=edition,
    )


def edition_info(name: str) -> Edition:
    """The :class:`Edition` record of an edition name.

    Parameters
    ----------
    name : str
        Edition name (``"HJ 633-2026"``), as listed in :data:`EDITIONS`.
    """
    for eds in EDITIONS.values():
        for ed in eds:
            if ed.name == name:
                return ed
    raise IndicatorInputError("unknown edition", expected="a name listed in EDITIONS", found=name)


def list_tables() -> list[str]:
    """Names of the package's standards tables."""
    files = resources.files(__package__).joinpath("data").iterdir()
    return sorted(f.name.removesuffix(".csv") for f in files if f.name.endswith(".csv"))


@cache
def table(name: str) -> pl.DataFrame:
    """Load a standards table by name (cached; do not mutate the result).

    Parameters
    ----------
    name : str
        Table name, e.g. ``"air_iaqi_breakpoints"`` (see :func:`list_tables`).
    """
    path = resources.files(__package__).joinpath("data", f"{name}.csv")
    if not path.is_file():
        raise IndicatorInputError(
            "unknown standards table", expected=f"one of {list_tables()}", found=name
        )
    with path.open("rb") as fh:
        return pl.read_csv(fh.read(), infer_schema_length=10_000)
