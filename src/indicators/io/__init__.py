"""Readers and writers (数据读取): real-world files in, tidy frames out.

Every reader validates its input once and raises
:class:`~indicators.errors.IndicatorInputError` naming file, row, column,
expected and found. Air readers return tidy station-hours (hour-ending time,
China Standard Time; see :mod:`indicators.io.air`).
"""

from __future__ import annotations

# --- air (indicators.io.air) -------------------------------------------------
from .air import (
    read_cnemc,
    read_station_hours,
    read_station_list,
    read_uci_beijing,
    validate_station_hours,
    write_station_hours,
)

# --- black-odorous water and noise ledgers (indicators.io.ledgers) ----------
from .ledgers import (
    read_blackodorous_ledger,
    read_blackodorous_monitoring,
    read_blackodorous_status,
    read_blackodorous_surveys,
    read_noise_functional,
    read_noise_regional,
    read_noise_traffic,
)

# --- water (indicators.io.water) ---------------------------------------------
from .water import (
    canonical_unit,
    item_code,
    normalise_drinking_sources,
    normalise_results,
    normalise_sea_points,
    normalise_sections,
    parse_measurement,
    read_drinking_sources,
    read_sea_points,
    read_water_results,
    read_water_sections,
    unit_factor,
)

__all__ = [
    # air
    "read_cnemc",
    "read_station_hours",
    "read_station_list",
    "read_uci_beijing",
    "validate_station_hours",
    "write_station_hours",
    # ledgers
    "read_blackodorous_ledger",
    "read_blackodorous_monitoring",
    "read_blackodorous_status",
    "read_blackodorous_surveys",
    "read_noise_functional",
    "read_noise_regional",
    "read_noise_traffic",
    # water
    "canonical_unit",
    "item_code",
    "normalise_drinking_sources",
    "normalise_results",
    "normalise_sea_points",
    "normalise_sections",
    "parse_measurement",
    "read_drinking_sources",
    "read_sea_points",
    "read_water_results",
    "read_water_sections",
    "unit_factor",
]
