"""Where a report's tables come from: a folder of Parquet files named after the tables.

The demo folder (``data/demo``, written by :func:`indicators.demo.write_demo`)
and a user's folder have the same layout: ``stations.parquet``,
``station_hours.parquet`` and whatever tables the other domains write;
``dust.parquet``, when present, holds the sand-dust flags (扣沙) of the air
figures (:func:`read_dust_flags`).
"""

from __future__ import annotations

import importlib.util
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl

from ..errors import IndicatorInputError

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
    if not (out / "stations.parquet").is_file() or not (out / "station_hours.parquet").is_file():
        write_demo(out)
    return out


def table_path(data: Path, name: str) -> Path | None:
    """``<data>/<name>.parquet`` when it exists, else None."""
    path = Path(data) / f"{name}.parquet"
    return path if path.is_file() else None


#: Columns of ``dust.parquet``: required, then optional (环办监测〔2016〕120号 flags).
DUST_COLUMNS = {"city": pl.String, "date": pl.Date}
DUST_OPTIONAL = {"kind": pl.String, "hours": pl.Int64, "source": pl.String}


def read_dust_flags(data: Path, cities: list[str] | None = None) -> pl.DataFrame | None:
    """Sand-dust flags of the data folder (``dust.parquet``), or None without the file.

    One row per flagged city-day: ``city``, ``date``; optional ``kind``
    (``dust`` or an HJ 663-2026 exceptional event), ``hours``, ``source``.
    Given to :func:`indicators.air.evaluate_period` as ``dust``: PM10, PM2.5
    and the composite index are then 扣沙 figures.

    Raises
    ------
    IndicatorInputError
        Naming the file and column when a column is missing or of another type.
    """
    path = table_path(data, "dust")
    if path is None:
        return None
    flags = pl.read_parquet(path)
    for column, dtype in {**DUST_COLUMNS, **DUST_OPTIONAL}.items():
        if column not in flags.columns:
            if column in DUST_COLUMNS:
                raise IndicatorInputError(
                    "the dust flags lack a column", file=str(path), column=column, found=None
                )
            continue
        if flags.schema[column] != dtype and not (
            dtype == pl.Int64 and flags.schema[column].is_integer()
        ):
            raise IndicatorInputError(
                "a dust flag column of another type",
                file=str(path),
                column=column,
                expected=str(dtype),
                found=str(flags.schema[column]),
            )
    if cities is not None:
        flags = flags.filter(pl.col("city").is_in(cities))
    return flags


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
    """The station list of one city (all columns of ``stations.parquet``)."""
    stations = pl.read_parquet(Path(data) / "stations.parquet").filter(pl.col("city") == city)
    if stations.is_empty():
        raise IndicatorInputError("no stations for the city", file="stations.parquet", found=city)
    return stations


def hour_window(start: date, end: date) -> tuple[datetime, datetime]:
    """First and last hour-ending time of the natural days ``start`` .. ``end`` (both included).

    The natural day D is D 01:00 .. D+1 00:00.

    Examples
    --------
    >>> hour_window(date(2026, 1, 1), date(2026, 1, 31))
    (datetime.datetime(2026, 1, 1, 1, 0), datetime.datetime(2026, 2, 1, 0, 0))
    """
    first = datetime.combine(start, datetime.min.time()) + timedelta(hours=1)
    last = datetime.combine(end + timedelta(days=1), datetime.min.time())
    return first, last


def _station_hours_path(data: Path) -> Path:
    path = table_path(data, "station_hours")
    if path is None:
        raise IndicatorInputError(
            "no station hours in the data folder", file=str(Path(data) / "station_hours.parquet")
        )
    return path


def read_city_hours(data: Path, stations: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """Station hours of ``stations`` for the natural days ``start`` .. ``end``.

    Hour-ending times: the natural day D is D 01:00 .. D+1 00:00 (both included).

    Raises
    ------
    IndicatorInputError
        When the folder has no ``station_hours.parquet``.
    """
    path = _station_hours_path(data)
    first, last = hour_window(start, end)
    codes = stations["station"].to_list()
    return (
        pl.scan_parquet(path)
        .filter(pl.col("station").is_in(codes), pl.col("time").is_between(first, last))
        .collect()
    )


def cities_with_data(data: str | Path, start: date, end: date) -> list[str]:
    """Cities of the station list with at least one station hour in ``start`` .. ``end``.

    Only the ``station`` and ``time`` columns of ``station_hours.parquet`` are
    read (lazily); a station hour counts whatever its values (a row of nulls
    too), as for the report itself. The city report needs station hours (the
    air part is its core), so a city with only water, noise or other rows is
    not counted.

    Parameters
    ----------
    data : str or Path
        Data folder (``stations.parquet``, ``station_hours.parquet``).
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
    path = _station_hours_path(folder)
    first, last = hour_window(start, end)
    stations = pl.scan_parquet(folder / "stations.parquet").select("station", "city")
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
