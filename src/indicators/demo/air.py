"""Synthetic hourly air-quality data for the demo cities (fictional, never real data).

Every number made here is invented. The model is simple on purpose, but the
series have the features an analyst looks for in real CNEMC station data, so
that the indicators computed from them look familiar.

The model, per city and calendar year (all hours hour-ending, China Standard Time):

* **Meteorology.** One city-wide dispersion factor ``M`` (log scale): a daily
  AR(1) process (synoptic weather, a few days of memory; wider in winter and
  narrower on the ventilated coast) plus an hourly AR(1) process. High ``M``
  means stagnant air. It drives PM, NO2, CO and SO2 together, which makes
  them correlated.
* **Primary pollutants.** ``C = base * exp(season + k * M + episodes +
  diurnal + station noise)``, each pollutant with its own weights. Winter is
  higher (heating; stronger in the inland cities, which also burn more coal,
  hence SO2 and CO). NO2 and CO have rush-hour peaks; PM peaks at night (shallow
  mixing layer); SO2 peaks late morning (fumigation of elevated plumes).
* **Winter stagnation episodes.** A regional schedule of 3-6 day events in
  Jan-Feb and Nov-Dec: the log concentration builds up linearly and a cold
  front clears it in a few hours. Daily PM2.5 reaches about 100-250 ug/m3 in
  the inland cities, less in coastal ones (the build-up of ``M`` plus the
  episode saturates, standing for deposition). The PM2.5/PM10 ratio rises
  (secondary aerosol).
* **Spring dust.** One regional event each year in March-April, 1-3 days:
  coarse dust is added to PM10 (hourly peaks of 500-1000 ug/m3 inland, about
  half on the coast) with a small fine fraction, and the strong wind dilutes
  the local pollution, so PM2.5/PM10 falls well below 0.35.
* **Ozone.** A regional background that peaks in spring-summer, titrated by
  each station's own NO2 (strongly at night, so O3 and NO2 are
  anti-correlated at night), plus a photochemical term that peaks mid-afternoon
  and in June (May on the coast), scaled by ``DemoCity.o3_factor`` and a daily
  "sunshine" process.
* **Stations.** Each station has fixed offsets (centred over the city's urban
  stations, so the city level comes from the model) and its own hourly noise.
  The background station (对照点, the city's last) sees less PM, much less
  NO2, hence more O3.
* **Missing data.** Scattered single hours (about 1 % for all pollutants at
  once plus 0.5 % per pollutant), two to four whole natural days per station
  and year, and one outage of 14-21 days at one station per city and year.
  Every station-hour of the period is a row; a missing value is null.

Values are rounded as CNEMC publishes them: ug/m3 to integers, CO [mg/m3] to
0.1 (round half to even), and are never below 1 ug/m3 (0.1 mg/m3 for CO).

Randomness comes only from :class:`numpy.random.Generator` objects seeded from
``seed``, the calendar year and the city and station codes, so the output does
not depend on the order of the cities, and a shorter period is exactly a slice
of a longer one.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
from scipy.signal import lfilter

from .._frames import require_columns, to_lazy
from ..errors import IndicatorInputError
from ..glossary import AIR_POLLUTANTS, STATION_HOUR_COLUMNS
from . import DemoCity

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["generate"]

# Order of the last axis of the value arrays.
_POLLUTANTS: tuple[str, ...] = AIR_POLLUTANTS
_IDX = {p: i for i, p in enumerate(_POLLUTANTS)}

#: Decimals of the published hourly values (CNEMC real-time release format:
#: ug/m3 as integers, CO in mg/m3 to one decimal). Simulation format, not a limit.
_DECIMALS: dict[str, int] = {"SO2": 0, "NO2": 0, "PM10": 0, "CO": 1, "O3": 0, "PM2.5": 0}

# Model constants (medians before the seasonal, weather and episode terms).
_BASE = {"PM2.5": 33.0, "NO2": 17.0, "CO": 0.58, "SO2": 5.6}
_BACKGROUND = {"PM2.5": 0.72, "NO2": 0.45, "CO": 0.8, "SO2": 0.85, "O3": 1.08, "dust": 0.95}


def _key(text: str) -> int:
    """Return a stable 32-bit key for a code (independent of Python's hash seed)."""
    return zlib.crc32(text.encode("utf-8"))


def _ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> np.ndarray:
    """Stationary AR(1) series of length ``n`` with marginal standard deviation ``sd``."""
    e = rng.standard_normal(n)
    e[1:] *= np.sqrt(1.0 - phi * phi)
    return sd * lfilter([1.0], [1.0, -phi], e)


def _bump(x: np.ndarray, centre: float, width: float, period: float | None = None) -> np.ndarray:
    """Gaussian bump; with ``period`` the distance wraps (hours of the day)."""
    dist = x - centre
    if period is not None:
        dist = (dist + period / 2) % period - period / 2
    return np.exp(-((dist / width) ** 2))


@dataclass(frozen=True)
class _Regional:
    """Events shared by all cities in one year (a regional weather pattern)."""

    episodes: tuple[tuple[int, int, float], ...]  # start hour, length [h], log amplitude
    dust_start: int
    dust_hours: int
    dust_peak: float  # ug/m3, hourly plateau inland


def _regional(year: int, n_days: int, seed: int) -> _Regional:
    rng = np.random.default_rng([seed, year, 0xA1])
    episodes = []
    for first, last in ((0, 59), (304, n_days)):  # Jan-Feb, Nov-Dec
        day = first + int(rng.integers(2, 10))
        while True:
            length = int(rng.integers(3, 7))
            if day + length > last:
                break
            start = 24 * day + int(rng.integers(0, 24))
            episodes.append((start, 24 * length, float(rng.uniform(0.9, 1.3))))
            day += length + int(rng.integers(6, 16))
    dust_day = 59 + int(rng.integers(0, 55))  # March 1 .. late April
    return _Regional(
        episodes=tuple(episodes),
        dust_start=24 * dust_day + int(rng.integers(0, 24)),
        dust_hours=int(rng.integers(30, 61)),
        dust_peak=float(rng.uniform(550.0, 1000.0)),
    )


def _city_year(
    city: DemoCity,
    codes: Sequence[str],
    background: np.ndarray,
    year: int,
    seed: int,
    reg: _Regional,
) -> np.ndarray:
    """Values of one city's stations for the natural days of ``year``: (stations, hours, 6)."""
    n_days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    n_hours = 24 * n_days
    t = np.arange(n_hours)
    hod = t % 24 + 0.5  # centre of the hour, local time
    frac = (t + 0.5) / n_hours  # fraction of the year
    doy = frac * n_days
    rng = np.random.default_rng([seed, year, _key(city.code)])
    inland = not city.coastal

    # Seasonal terms: w = +1 in mid-January, -1 in mid-July; heating season (inland).
    w = np.cos(2 * np.pi * (frac - 20 / 365))
    heat = np.clip((w - 0.35) / 0.5, 0.0, 1.0) if inland else np.zeros(n_hours)
    spring = _bump(doy, 100.0, 25.0)

    # City-wide meteorology (log scale): synoptic (daily) + hourly.
    centres = 24 * np.arange(n_days) + 11.5
    w_day = np.cos(2 * np.pi * ((np.arange(n_days) + 0.5) / n_days - 20 / 365))
    m_sd = 0.42 if inland else 0.34  # a sea breeze ventilates the coast
    m_day = _ar1(rng, n_days, 0.7, m_sd) * (1.0 + 0.15 * w_day)  # more stagnation in winter
    met = np.interp(t, centres, m_day) + _ar1(rng, n_hours, 0.92, 0.13)

    # Winter stagnation episodes (regional timing, city amplitude and lag).
    episode = np.zeros(n_hours)
    scale = (0.85 + 0.15 * city.pm_factor) * (1.0 if inland else 0.45)
    for start, length, amp in reg.episodes:
        s = start + int(rng.integers(0, 10))
        x = (t - s) / length
        shape = np.where((x >= 0) & (x < 1), x, 0.0)
        after = t - (s + length)
        shape += np.where((after >= 0) & (after < 24), np.exp(-np.clip(after, 0, None) / 3.0), 0.0)
        episode += amp * scale * shape

    # Spring dust (regional timing; coastal cities get about half).
    lag = int(rng.integers(0, 13))
    ds = reg.dust_start + lag
    rise = np.clip((t - ds) / 3.0, 0.0, 1.0)
    decay = np.exp(-np.clip(t - (ds + reg.dust_hours), 0, None) / 5.0)
    dust_shape = np.where(t >= ds, rise * decay, 0.0)
    dust = reg.dust_peak * (rng.uniform(0.9, 1.1) if inland else 0.45) * dust_shape

    # Diurnal shapes (log scale).
    d_pm = 0.13 * np.cos(2 * np.pi * (hod - 23.5) / 24) - 0.06 * _bump(hod, 15.0, 2.5)
    d_no2 = (
        0.30 * _bump(hod, 8.0, 1.6, 24.0)
        + 0.40 * _bump(hod, 20.5, 2.8, 24.0)
        - 0.40 * _bump(hod, 14.0, 2.8)
    )
    d_so2 = 0.18 * _bump(hod, 11.0, 3.0) - 0.05
    sun = np.clip(np.sin(np.pi * (hod - 5.5) / 14.0), 0.0, 1.0)

    # Ozone drivers.
    peak = (168 if inland else 145) / 365
    season_o3 = 0.5 + 0.5 * np.cos(2 * np.pi * (frac - peak))
    sunny = np.repeat(np.clip(_ar1(rng, n_days, 0.5, 0.20) + 0.2 * m_day, -0.6, 0.4), 24)
    photo = (
        (150.0 if inland else 118.0)
        * city.o3_factor**2
        * (0.08 + 0.92 * season_o3**1.5)
        * np.exp(sunny - 0.4 * episode)
        * _bump(hod, 14.5, 3.6)
    )
    o3_regional = 42.0 + 30.0 * season_o3
    titration_scale = 40.0 + 160.0 * sun

    # City-level log means.
    pm_factor = city.pm_factor
    stagnation = met + episode
    stagnation = np.where(stagnation > 0, 2.4 * np.tanh(stagnation / 2.4), stagnation)
    log_pm = (
        np.log(_BASE["PM2.5"] * pm_factor**0.8 * (1.0 if inland else 1.18))
        + 0.36 * w
        + stagnation  # saturates: deposition and chemistry cap the build-up
        + d_pm
    )
    log_no2 = (
        np.log(_BASE["NO2"] + 1.5 * city.n_stations)
        + 0.18 * w
        + 0.75 * met
        + 0.45 * episode
        + d_no2
    )
    log_co = (
        np.log(_BASE["CO"] * (0.8 + 0.2 * pm_factor) * (1.0 if inland else 1.25))
        + 0.20 * w
        + 0.25 * heat
        + 0.70 * met
        + 0.65 * episode
        + 0.6 * d_no2
    )
    log_so2 = (
        np.log(_BASE["SO2"] * (0.7 + 0.3 * pm_factor))
        + (0.15 * w + 0.55 * heat if inland else 0.15 * w)
        + 0.50 * met
        + 0.40 * episode
        + d_so2
    )
    ratio_city = np.clip(
        0.58 + 0.08 * w + 0.12 * episode - 0.07 * spring - (0.0 if inland else 0.04),
        0.3,
        0.85,
    )
    wind = 1.0 - 0.5 * dust_shape  # dust storms blow local pollution away

    # Fixed station offsets (the same every year), centred over the urban stations so
    # that the city level comes from the model above, not from the luck of the draw.
    offsets = np.array(
        [
            np.random.default_rng([seed, _key(city.code), _key(code)]).normal(
                0.0, 0.07, size=len(_POLLUTANTS)
            )
            for code in codes
        ]
    )
    urban = ~np.asarray(background, dtype=bool)
    if urban.any():
        offsets -= offsets[urban].mean(axis=0)

    out = np.empty((len(codes), n_hours, len(_POLLUTANTS)))
    for k, code in enumerate(codes):
        bg = bool(background[k])
        offset = np.exp(offsets[k])
        srng = np.random.default_rng([seed, year, _key(city.code), _key(code)])

        def noise(phi: float, sd: float, srng: np.random.Generator = srng) -> np.ndarray:
            return np.exp(_ar1(srng, n_hours, phi, sd))

        f = _BACKGROUND if bg else dict.fromkeys(_BACKGROUND, 1.0)
        pm25_local = np.exp(log_pm) * noise(0.7, 0.14) * wind * f["PM2.5"]
        ratio = np.clip(ratio_city * noise(0.8, 0.06), 0.25, 0.92)
        pm25 = pm25_local + 0.10 * dust * f["dust"]
        pm10 = pm25_local / ratio + dust * f["dust"]
        no2 = np.exp(log_no2) * noise(0.7, 0.20) * wind * f["NO2"]
        co = np.exp(log_co) * noise(0.7, 0.12) * f["CO"]
        so2 = np.exp(log_so2) * noise(0.7, 0.20) * f["SO2"]
        o3 = (o3_regional * np.exp(-no2 / titration_scale) + photo) * noise(0.8, 0.10) * f["O3"]
        values = {"SO2": so2, "NO2": no2, "PM10": pm10, "CO": co, "O3": o3, "PM2.5": pm25}
        for p, i in _IDX.items():
            out[k, :, i] = values[p] * offset[i]
        out[k] = _missing(out[k], srng, n_days)

    # One long outage (14-21 whole days) at one station of the city per year.
    k = int(rng.integers(0, len(codes)))
    days = int(rng.integers(14, 22))
    first = 24 * int(rng.integers(0, n_days - days + 1))
    out[k, first : first + 24 * days, :] = np.nan
    return out


def _missing(values: np.ndarray, rng: np.random.Generator, n_days: int) -> np.ndarray:
    """Blank scattered hours, per-pollutant hours and a few whole days (NaN = missing)."""
    n_hours = values.shape[0]
    values[rng.random(n_hours) < 0.010, :] = np.nan
    values[rng.random(values.shape) < 0.005] = np.nan
    days = rng.choice(n_days, size=int(rng.integers(2, 5)), replace=False)
    hours = (24 * days[:, None] + np.arange(24)).ravel()
    values[hours, :] = np.nan
    return values


def _publish(values: np.ndarray, pollutant: str) -> np.ndarray:
    """Round as published and keep at least one unit of the last decimal."""
    decimals = _DECIMALS[pollutant]
    floor = 10.0**-decimals
    return np.round(np.maximum(values, floor), decimals)


def _check(
    cities: Sequence[DemoCity], stations: Any, start: date, end: date, seed: int
) -> pl.DataFrame:
    """Validate the arguments of :func:`generate`; return the station list as polars."""
    lf, _ = to_lazy(stations, name="stations")
    frame = lf.collect()
    if cities:
        require_columns(frame.schema, ["station", "city", "background"], name="stations")
        if frame.schema["background"] != pl.Boolean:
            raise IndicatorInputError(
                "background flag is not boolean",
                file="stations",
                column="background",
                expected="Boolean",
                found=str(frame.schema["background"]),
            )
        if frame["background"].null_count():
            row = int(frame["background"].is_null().arg_true()[0]) + 1
            raise IndicatorInputError(
                "background flag missing",
                file="stations",
                row=row,
                column="background",
                expected="True or False",
                found=None,
            )
        duplicated = frame["station"].is_duplicated()
        if duplicated.any():
            row = int(duplicated.arg_true()[0]) + 1
            raise IndicatorInputError(
                "duplicate station code",
                file="stations",
                row=row,
                column="station",
                expected="one row per station",
                found=frame["station"][row - 1],
            )
    for name, day in (("start", start), ("end", end)):
        if isinstance(day, datetime) or not isinstance(day, date):
            raise IndicatorInputError(
                "not a calendar date", column=name, expected="datetime.date", found=day
            )
    if end < start:
        raise IndicatorInputError(
            "end is before start", column="end", expected=f">= {start}", found=end
        )
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise IndicatorInputError(
            "seed must be a non-negative integer", column="seed", expected="int >= 0", found=seed
        )
    return frame


def generate(
    cities: Sequence[DemoCity],
    stations: pl.DataFrame | pl.LazyFrame | pd.DataFrame,
    start: date,
    end: date,
    seed: int,
) -> dict[str, pl.DataFrame]:
    """Synthetic hourly concentrations at every station of ``cities`` (fictional data).

    See the module docstring for the model. Nothing here is real data.

    Parameters
    ----------
    cities : sequence of DemoCity
        The cities to simulate (:data:`indicators.demo.CITIES` or
        :func:`indicators.demo.make_cities`).
    stations : polars.DataFrame or LazyFrame, or pandas.DataFrame
        Station list with at least ``station`` (unique), ``city`` (the city's
        ``name``) and ``background`` (Boolean), as
        :func:`indicators.demo.station_list` returns. Only the stations of
        ``cities`` are simulated, in the frame's order; stations of other
        cities are not part of the request and are left out.
    start, end : datetime.date
        First and last natural day, inclusive. Day ``D`` is the 24 hour-ending
        times ``D 01:00`` .. ``D+1 00:00``.
    seed : int
        Seed. Same arguments, identical frame. The city and station codes and
        the calendar year are mixed into the seed, so a city's data do not
        depend on which other cities are generated, and a shorter period is a
        slice of a longer one.

    Returns
    -------
    dict of str to polars.DataFrame
        ``{"station_hours": frame}``: the tidy station-hours, columns
        ``station`` (String), ``time`` (Datetime[us], hour-ending, China
        Standard Time), ``SO2``, ``NO2``, ``PM10``, ``CO``, ``O3``, ``PM2.5``
        (Float64; ug/m3, CO mg/m3; null = missing), one row per station and
        hour: cities in the order given, their stations in the order of
        ``stations``, then time. Values are rounded as published:
        integers, CO to 0.1 mg/m3.

    Raises
    ------
    IndicatorInputError
        When ``stations`` is not a frame, lacks a required column, has a
        non-Boolean or missing ``background`` or a duplicate station code; when ``start``
        or ``end`` is not a date or ``end`` is before ``start``; when ``seed`` is
        not a non-negative integer.

    Notes
    -----
    Missing data: about 1.5 % of hours per pollutant scattered, 2-4 whole
    natural days per station and year, and one 14-21 day outage at one station
    per city and year. These are simulated on purpose, so that validity rules
    (GB 3095 Table 4, HJ 663) have something to do.

    Examples
    --------
    >>> from datetime import date
    >>> from indicators.demo import CITIES, station_list
    >>> one = CITIES[:1]
    >>> hours = generate(one, station_list(one), date(2025, 1, 1), date(2025, 1, 2), seed=1)
    >>> hours = hours["station_hours"]
    >>> hours.height  # 6 stations x 2 days x 24 hours
    288
    >>> hours["time"].min(), hours["time"].max()
    (datetime.datetime(2025, 1, 1, 1, 0), datetime.datetime(2025, 1, 3, 0, 0))
    >>> hours.columns
    ['station', 'time', 'SO2', 'NO2', 'PM10', 'CO', 'O3', 'PM2.5']
    >>> bool((hours["PM10"] >= 1).all() and (hours["CO"] == hours["CO"].round(1)).all())
    True
    """
    stations = _check(cities, stations, start, end, seed)
    first = np.datetime64(start, "h") + np.timedelta64(1, "h")
    times = np.arange(first, np.datetime64(end + timedelta(days=1), "h") + 1).astype(
        "datetime64[us]"
    )
    years = range(start.year, end.year + 1)
    offset = 24 * (start - date(start.year, 1, 1)).days

    regional = {y: _regional(y, (date(y + 1, 1, 1) - date(y, 1, 1)).days, seed) for y in years}
    codes: list[str] = []
    blocks: list[np.ndarray] = []
    for city in cities:
        own = stations.filter(pl.col("city") == city.name)
        if own.height == 0:
            continue
        city_codes = own["station"].cast(pl.String).to_list()
        background = own["background"].to_numpy().astype(bool)
        parts = [
            _city_year(city, city_codes, background, year, seed, regional[year]) for year in years
        ]
        block = np.concatenate(parts, axis=1)[:, offset : offset + len(times), :]
        codes.extend(city_codes)
        blocks.append(block)

    n_times = len(times)
    if blocks:
        values = np.concatenate(blocks, axis=0).reshape(-1, len(_POLLUTANTS))
    else:
        values = np.empty((0, len(_POLLUTANTS)))
    index = np.repeat(np.arange(len(codes)), n_times)
    columns: dict[str, pl.Series] = {
        "station": pl.Series("station", codes, dtype=pl.String).gather(index),
        "time": pl.Series("time", np.tile(times, len(codes))).cast(pl.Datetime("us")),
    }
    for p in _POLLUTANTS:
        columns[p] = pl.Series(p, _publish(values[:, _IDX[p]], p), nan_to_null=True).cast(
            pl.Float64
        )
    frame = pl.DataFrame(columns).select(STATION_HOUR_COLUMNS)
    return {"station_hours": frame}
