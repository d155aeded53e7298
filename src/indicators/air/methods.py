"""Method profiles: how daily values are formed where the standards leave room.

Two named profiles, each choice documented with its clause or its evidence:

``"official"`` (the default everywhere)
    How CNEMC computes the figures it publishes. Checked on the real 2019
    archive of 8 cities (75 stations): it reproduces the published good-day
    ratios of 北京 and 上海 (year) and 广州 (June) to 0.3 points.
``"strict"``
    The letter of GB 3095 Table 4, HJ 663 §6.1.2 and HJ 633 §5.1.2 as read
    today: every daily value from the hours, the O3 1-h maximum in the
    HJ 633-2012 daily AQI, no rounding before the IAQI under HJ 633-2012.

Any single choice can be changed: ``method("official", o3_1h_in_daily_aqi=True)``
returns a profile whose ``name`` lists the change, and that name is carried in
every output (``method`` column) and in the report's methods note.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from ..errors import IndicatorInputError

__all__ = ["METHODS", "AirMethod", "method"]


@dataclass(frozen=True)
class AirMethod:
    """One method profile (see :mod:`indicators.air.methods`).

    Attributes
    ----------
    name : str
        ``official``, ``strict``, or a base name followed by the changed choices.
    published_station_values : bool
        Use the station daily values CNEMC publishes when the data carry them:
        ``X_24h`` at the hour labelled 0 of D+1 (CNEMC's 24-h mean of the
        natural day D) and ``O3_8h_24h`` there (CNEMC's daily maximum 8-h mean;
        its 8-h windows ``O3_8h`` otherwise); daily values from the hours where
        the data carry none. Evidence: on complete station-days the published
        values equal the means of the hours (100 %; O3 8-h 100 % of 20,353
        days); on incomplete days CNEMC's values come from its full database,
        and the 2019 archive lacks hours on 183 city-days CNEMC published.
    round_daily : bool
        Round daily concentrations (station means, city means) to the reporting
        precision (µg/m³ to integers, CO to 0.1 mg/m³; GB/T 8170 half to even)
        before the IAQI, as HJ 633-2026 §4.2.2 says and CNEMC publishes under
        HJ 633-2012 too. Evidence: the largest single cause of city-day AQI
        differences against the published figures (about 500 city-days).
    o3_1h_in_daily_aqi : bool
        Count the O3 daily maximum 1-h value in the HJ 633-2012 daily AQI
        (§5.1.2 lists it). The published good-day counts behave as if it is
        not counted: 广州 June 2019, published 93.3 %; 93.1 % without it,
        89.7 % with it. HJ 633-2026 dropped it (§4.2.2), so it matters only
        before 2026-03-01.
    """

    name: str
    published_station_values: bool
    round_daily: bool
    o3_1h_in_daily_aqi: bool


#: The two named profiles.
METHODS: dict[str, AirMethod] = {
    "official": AirMethod(
        "official", published_station_values=True, round_daily=True, o3_1h_in_daily_aqi=False
    ),
    "strict": AirMethod(
        "strict", published_station_values=False, round_daily=False, o3_1h_in_daily_aqi=True
    ),
}


def method(profile: str | AirMethod = "official", **changes: bool) -> AirMethod:
    """The :class:`AirMethod` of a profile name, with single choices changed.

    The choices are those GB 3095 Table 4, HJ 663 §6.1.2 and HJ 633-2012 §5.1.2
    leave open or that CNEMC's published figures settle (see :class:`AirMethod`).

    Parameters
    ----------
    profile : str or AirMethod, default "official"
        ``"official"`` or ``"strict"`` (or a profile already built).
    **changes : bool
        Choices to change (the fields of :class:`AirMethod` other than ``name``).

    Examples
    --------
    >>> method().o3_1h_in_daily_aqi
    False
    >>> method("official", o3_1h_in_daily_aqi=True).name
    'official (o3_1h_in_daily_aqi=True)'
    """
    if isinstance(profile, AirMethod):
        base = profile
    elif profile in METHODS:
        base = METHODS[profile]
    else:
        raise IndicatorInputError(
            "unknown method profile",
            column="method",
            expected=f"one of {sorted(METHODS)} or an AirMethod",
            found=profile,
        )
    choices = [f.name for f in fields(AirMethod) if f.name != "name"]
    for key, value in changes.items():
        if key not in choices:
            raise IndicatorInputError(
                "unknown method choice", column=key, expected=f"one of {choices}", found=key
            )
        if not isinstance(value, bool):
            raise IndicatorInputError(
                "a method choice is True or False", column=key, expected="bool", found=value
            )
    changed = {k: v for k, v in changes.items() if getattr(base, k) != v}
    if not changed:
        return base
    note = ", ".join(f"{k}={v}" for k, v in changed.items())
    return replace(base, name=f"{base.name} ({note})", **changed)
