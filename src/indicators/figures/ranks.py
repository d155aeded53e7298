"""City rankings of a period, computed once with the period's evaluations.

Every city of the data folder is ranked by each of :data:`RANK_INDICATORS` with
:func:`indicators.ranking.rank_cities` (values rounded to their published
precision, 并列 ties share the best rank, directions from
:data:`indicators.glossary.INDICATORS`) and by the change of the composite index
with :func:`indicators.ranking.rank_change` (《城市环境空气质量排名技术规定》 and
《城市环境空气质量变化程度排名方案》, 环办监测函〔2017〕197号; the rules as
:mod:`indicators.ranking` documents them). The ranks are stored with the evaluations
(:class:`indicators.figures.CityEvaluations`), so a report, the batch index and
an export show one rank per city and figure.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .. import contract
from ..errors import IndicatorInputError
from ..ranking import (
    SET_LIST_SIZE,
    rank_change,
    rank_cities,
    rank_in_sets,
    ranks_in_sets,
    set_lists,
)

__all__ = [
    "CHANGE_RANK",
    "RANK_EDITIONS",
    "RANK_INDICATORS",
    "city_ranks",
    "provinces",
    "set_ranks",
    "set_tables",
    "set_ranks_of_every_city",
]

#: Figures cities are ranked by.
RANK_INDICATORS: tuple[str, ...] = ("composite_index", "good_day_ratio", "PM2.5")

#: The ranked change: the composite index against the comparison period, in percent.
CHANGE_RANK = "composite_index_change"

#: The edition columns that define each ranked figure, passed to the ranking's edition
#: guard: the composite index is concentrations over GB 3095 limits (it does not depend on
#: the HJ 633 edition), the good-day ratio follows the HJ 633 categories, a mean
#: concentration depends on neither.
RANK_EDITIONS: dict[str, tuple[str, ...]] = {
    "composite_index": ("limits_edition",),
    "good_day_ratio": ("aqi_edition",),
    "PM2.5": (),
}


def _rank_columns(ranked: pl.DataFrame, name: str, value: str) -> pl.DataFrame:
    return ranked.select(
        "city",
        pl.col(value).cast(pl.Float64).alias(name),
        pl.col("rank").cast(pl.Int64).alias(f"{name}_rank"),
        pl.col("tied").alias(f"{name}_tied"),
        pl.col("n_ranked").cast(pl.Int64).alias(f"{name}_n"),
        pl.col("rank_from_worst").cast(pl.Int64).alias(f"{name}_from_worst"),
    )


def _null_rank_columns(cities: pl.DataFrame, name: str) -> pl.DataFrame:
    return cities.select(
        "city",
        pl.lit(None, pl.Float64).alias(name),
        pl.lit(None, pl.Int64).alias(f"{name}_rank"),
        pl.lit(None, pl.Boolean).alias(f"{name}_tied"),
        pl.lit(None, pl.Int64).alias(f"{name}_n"),
        pl.lit(None, pl.Int64).alias(f"{name}_from_worst"),
    )


def city_ranks(
    summary: pl.DataFrame, previous: pl.DataFrame | None
) -> tuple[pl.DataFrame, dict[str, str]]:
    """Every city ranked by each of :data:`RANK_INDICATORS` and by the composite index's change.

    Parameters
    ----------
    summary : polars.DataFrame
        :func:`indicators.air.evaluate_period` of every city of the folder.
    previous : polars.DataFrame or None
        The comparison period, under the period's rules (like for like).

    Returns
    -------
    ranks : polars.DataFrame
        One row per city, by composite-index rank: ``city`` and, for each figure
        ``<f>`` (``composite_index``, ``good_day_ratio``, ``PM2.5``,
        ``composite_index_change`` [%]): ``<f>`` (the value ranked), ``<f>_rank``,
        ``<f>_tied``, ``<f>_n`` (cities ranked), ``<f>_from_worst``.
    refused : dict
        Figure -> why it is not ranked (editions differ between cities); its
        columns are null.
    """
    cities = summary.select("city")
    refused: dict[str, str] = {}
    table = cities
    for name in RANK_INDICATORS:
        frame = summary.select("city", name, *RANK_EDITIONS[name])
        try:
            part = _rank_columns(rank_cities(frame, name), name, "rank_value")
        except IndicatorInputError as err:
            refused[name] = str(err)
            part = _null_rank_columns(cities, name)
        table = table.join(part, on="city", how="left")
    part = _null_rank_columns(cities, CHANGE_RANK)
    if previous is not None:
        keep = ["city", "composite_index", *RANK_EDITIONS["composite_index"]]
        try:
            ranked = rank_change(summary.select(keep), previous.select(keep), "composite_index")
            part = _rank_columns(ranked, CHANGE_RANK, "change")
        except IndicatorInputError as err:
            refused[CHANGE_RANK] = str(err)
    table = table.join(part, on="city", how="left").sort(
        "composite_index_rank", "city", nulls_last=True
    )
    return table, refused


def set_ranks(data: str | Path, summary: pl.DataFrame, city: str) -> pl.DataFrame:
    """The city's composite-index rank in each official city set and in its province.

    :func:`indicators.ranking.rank_in_sets` on the period evaluation of every city
    of the folder, provinces from the folder's station list.

    Parameters
    ----------
    data : path
        Data folder (its ``stations`` table gives each city's province).
    summary : polars.DataFrame
        :func:`indicators.air.evaluate_period` of every city of the folder.
    city : str
        The city.

    Returns
    -------
    polars.DataFrame
        The rows of :func:`indicators.ranking.rank_in_sets`; empty when the
        composite index cannot be ranked (editions differ: :func:`city_ranks`
        says why).
    """
    stations = pl.read_parquet(contract.table_file(data, "stations"))
    frame = summary.select("city", "composite_index", *RANK_EDITIONS["composite_index"])
    try:
        return rank_in_sets(frame, city, provinces=provinces(stations))
    except IndicatorInputError:
        return pl.DataFrame()


def set_ranks_of_every_city(stations: pl.DataFrame, summary: pl.DataFrame) -> pl.DataFrame:
    """Every city's composite-index rank in each official city set and in its province.

    :func:`indicators.ranking.ranks_in_sets` of the period evaluation of every city
    (each set ranked once); a city's rows are :func:`set_ranks` of that city.

    Parameters
    ----------
    stations : polars.DataFrame
        The folder's station list (``city``, optional ``province``).
    summary : polars.DataFrame
        :func:`indicators.air.evaluate_period` of every city of the folder.

    Returns
    -------
    polars.DataFrame
        ``city`` and the columns of :func:`set_ranks`; no row when the composite
        index cannot be ranked (editions differ: :func:`city_ranks` says why).
    """
    frame = summary.select("city", "composite_index", *RANK_EDITIONS["composite_index"])
    try:
        return ranks_in_sets(frame, provinces=provinces(stations))
    except IndicatorInputError:
        return ranks_in_sets(frame.clear())


def provinces(stations: pl.DataFrame) -> dict[str, str] | None:
    """``{city: province}`` from a station list; None without a ``province`` column."""
    if "province" not in stations.columns:
        return None
    pairs = stations.select("city", "province").drop_nulls().unique()
    return dict(pairs.iter_rows())


def set_tables(
    stations: pl.DataFrame, summary: pl.DataFrame, previous: pl.DataFrame | None
) -> pl.DataFrame:
    """The MEE lists of every official set and province: best/worst 20 by index and by change.

    :func:`indicators.ranking.set_lists` of the period evaluation of every city
    (composite index, 2 decimals, competition ranks with 并列) and of its change
    rate against the comparison period (like for like, 1 decimal), the cities
    whose pollutants all meet class 2 in the period (``attains``) left out of the
    worsening list (环办监测函〔2017〕197号); provinces from the station list.
    Computed once per period with the evaluations and kept in the figures store.

    Parameters
    ----------
    stations : polars.DataFrame
        The folder's station list (``city``, optional ``province``).
    summary, previous : polars.DataFrame
        :func:`indicators.air.evaluate_period` of every city in the period and
        in the comparison period (None: no change lists).

    Returns
    -------
    polars.DataFrame
        The rows of :func:`indicators.ranking.set_lists` (:data:`SET_LIST_SIZE` at
        each end); empty when the index cannot be ranked (editions differ:
        :func:`city_ranks` says why).
    """
    keep = ["city", "composite_index", *RANK_EDITIONS["composite_index"]]
    frame = summary.select(*keep, *(["attains"] if "attains" in summary.columns else []))
    before = None if previous is None else previous.select(keep)
    try:
        return set_lists(frame, before, provinces=provinces(stations), n=SET_LIST_SIZE)
    except IndicatorInputError:
        return set_lists(frame.clear(), None)
