"""Where a report's tables come from: a data folder of the contract (:mod:`indicators.contract`).

The demo folder (``data/demo``, written by :func:`indicators.demo.write_demo`),
an ingested folder and a user's folder have the same layout: the ``stations``
and ``station_hours`` tables and whatever tables the other domains write; the
``dust`` table, when present, holds the sand-dust flags (扣沙) of the air
figures (:func:`read_dust_flags`).
"""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import polars as pl

from .. import contract
from ..errors import IndicatorInputError
from ..figures import city_hours as read_city_hours
from ..figures import dust_flags as read_dust_flags
from ..figures import hour_window

__all__ = [
    "available",
    "cities_with_data",
    "ensure_demo_data",
    "hour_window",
    "read_city_hours",
    "read_city_stations",
    "read_dust_flags",
    "table_path",
]


def ensure_demo_data(folder: str | Path | None = None) -> Path:
    """The demo data folder, generated first when it has no station hours yet.

    Parameters
    ----------
    folder : path, optional
        Default ``data/demo`` under the project root.
    """
    from ..config import demo_dir
    from ..demo import write_demo

    out = Path(folder) if folder is not None else demo_dir()
    if any(contract.table_path(out, name) is None for name in contract.REQUIRED_TABLES):
        write_demo(out)
    return out


def table_path(data: Path, name: str) -> Path | None:
    """Path of contract table ``name`` in ``data`` when it exists, else None.

    The same as :func:`indicators.contract.table_path`.
    """
    return contract.table_path(data, name)


def available(data: Path, module: str, tables: tuple[str, ...]) -> tuple[str, str] | None:
    """Why a domain's section cannot be shown, or None when it can.

    A section is shown when its module ``indicators.<module>`` can be imported
    and every table it needs is in the data folder.

    Returns
    -------
    tuple or None
        ``("module", "indicators.<module>")`` or ``("table", "<name>")``: what is missing.

    Examples
    --------
    >>> available(Path("/nonexistent"), "air", ("station_hours",))
    ('table', 'station_hours')
    >>> available(Path("/nonexistent"), "no_such_domain", ())
    ('module', 'indicators.no_such_domain')
    """
    if importlib.util.find_spec(f"indicators.{module}") is None:
        return "module", f"indicators.{module}"
    for name in tables:
        if table_path(data, name) is None:
            return "table", name
    return None


def read_city_stations(data: Path, city: str) -> pl.DataFrame:
    """The station list of one city (all columns of the folder's ``stations`` table)."""
    path = contract.require_table(data, "stations")
    stations = pl.read_parquet(path).filter(pl.col("city") == city)
    if stations.is_empty():
        raise IndicatorInputError("no stations for the city", file=str(path), found=city)
    return stations


def cities_with_data(data: str | Path, start: date, end: date) -> list[str]:
    """Cities of the station list with at least one station hour in ``start`` .. ``end``.

    Only the ``station`` and ``time`` columns of the ``station_hours`` table are
    read (lazily); a station hour counts whatever its values (a row of nulls
    too), as for the report itself. The city report needs station hours (the
    air part is its core), so a city with only water, noise or other rows is
    not counted.

    Parameters
    ----------
    data : str or Path
        Data folder (``stations`` and ``station_hours`` tables).
    start, end : datetime.date
        First and last natural day (hour-ending times, see :func:`hour_window`).

    Returns
    -------
    list of str
        In the order of :func:`indicators.report.params.known_cities`.

    Raises
    ------
    IndicatorInputError
        When the folder has no station list or no station hours.
    """
    from .params import known_cities

    folder = Path(data)
    cities = known_cities(folder)
    path = contract.require_table(folder, "station_hours")
    first, last = hour_window(start, end)
    stations = pl.scan_parquet(contract.require_table(folder, "stations")).select("station", "city")
    found = (
        pl.scan_parquet(path)
        .select("station", "time")
        .filter(pl.col("time").is_between(first, last))
        .select("station")
        .unique()
        .join(stations, on="station")
        .select("city")
        .unique()
        .collect()
    )
    having = set(found["city"].to_list())
    return [c for c in cities if c in having]
