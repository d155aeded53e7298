"""IAQI and AQI categories (HJ 633-2012 and HJ 633-2026), checked against the standards.

Expected values come from an independent reference written here: the breakpoints are
transcribed from HJ 633-2012 Table 1 and the HJ 633-2026 IAQI limit table (§4.2;
only the IAQI-100 row of PM10/PM2.5 changed: 150 -> 120 and 75 -> 60 µg/m³, foreword
item 1), formula (1) is evaluated in exact arithmetic (``fractions.Fraction``) and
rounded up (``math.ceil``: 2012 §6.2 "全部进位取整数", 2026 §4.2.6), and HJ 633-2026
§4.2.2/§4.2.3 pre-rounding is GB/T 8170 half-to-even on the *decimal* value
(``decimal.ROUND_HALF_EVEN``). The package is never used to compute an expected value.
"""

from __future__ import annotations

import math
import warnings
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal, assert_series_equal

from indicators import IndicatorInputError, IndicatorWarning, air
from indicators.standards import table

E12, E26 = "HJ 633-2012", "HJ 633-2026"
EDITIONS = (E12, E26)

# --- the reference: HJ 633 Table 1 transcribed, formula (1) in exact arithmetic ------------

#: IAQI at each breakpoint (HJ 633-2012 Table 1 first column; the same in 2026).
IAQI_STEPS = (0, 50, 100, 150, 200, 300, 400, 500)

#: Breakpoints per (pollutant, averaging), HJ 633-2012 Table 1 [µg/m³; CO mg/m³].
#: SO2 1-h and O3 8-h stop at 800 (Table 1 notes 2 and 3).
BP_2012: dict[tuple[str, str], tuple[float, ...]] = {
    ("SO2", "24h"): (0, 50, 150, 475, 800, 1600, 2100, 2620),
    ("SO2", "1h"): (0, 150, 500, 650, 800),
    ("NO2", "24h"): (0, 40, 80, 180, 280, 565, 750, 940),
    ("NO2", "1h"): (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    ("PM10", "24h"): (0, 50, 150, 250, 350, 420, 500, 600),
    ("CO", "24h"): (0, 2, 4, 14, 24, 36, 48, 60),
    ("CO", "1h"): (0, 5, 10, 35, 60, 90, 120, 150),
    ("O3", "1h"): (0, 160, 200, 300, 400, 800, 1000, 1200),
    ("O3", "8h"): (0, 100, 160, 215, 265, 800),
    ("PM2.5", "24h"): (0, 35, 75, 115, 150, 250, 350, 500),
}
#: HJ 633-2026: only the IAQI-100 breakpoints of PM10 (120) and PM2.5 (60) differ.
BP_2026 = {
    **BP_2012,
    ("PM10", "24h"): (0, 50, 120, 250, 350, 420, 500, 600),
    ("PM2.5", "24h"): (0, 35, 60, 115, 150, 250, 350, 500),
}
BP = {E12: BP_2012, E26: BP_2026}
PAIRS = list(BP_2012)


def unit_of(pollutant: str) -> Decimal:
    """One reporting unit: 1 µg/m³, CO 0.1 mg/m³ (the HJ 633-2026 pre-rounding steps)."""
    return Decimal("0.1") if pollutant == "CO" else Decimal("1")


def ref_iaqi(conc: str, pollutant: str, averaging: str, edition: str) -> int | None:
    """Reference IAQI of a decimal concentration string (exact arithmetic)."""
    c = Decimal(conc)
    if edition == E26:  # §4.2.2/§4.2.3: GB/T 8170 half to even, µg/m³ to 1, CO to 0.1
        c = c.quantize(unit_of(pollutant), rounding=ROUND_HALF_EVEN)
    if (pollutant, averaging) in (("SO2", "1h"), ("O3", "8h")) and c > 800:
        # 2012 Table 1 notes 2/3: no IAQI from this value; 2026 notes b/c: 200 / 300
        if edition == E12:
            return None
        return 200 if pollutant == "SO2" else 300
    bps = BP[edition][(pollutant, averaging)]
    if c > bps[-1]:
        return 500
    x = Fraction(c)
    for i in range(len(bps) - 1):
        lo, hi = Fraction(bps[i]), Fraction(bps[i + 1])
        if x <= hi:
            i_lo, i_hi = IAQI_STEPS[i], IAQI_STEPS[i + 1]
            return math.ceil(Fraction(i_hi - i_lo) / (hi - lo) * (x - lo) + i_lo)
    raise AssertionError("unreachable")


def test_reference_table_is_the_package_table() -> None:
    """Every row of ``air_iaqi_breakpoints`` is a row of the transcription, and back."""
    t = table("air_iaqi_breakpoints")
    got = {
        (r["standard"], r["pollutant"], r["averaging"], r["iaqi_lo"], r["iaqi_hi"]): (
            r["bp_lo"],
            r["bp_hi"],
        )
        for r in t.iter_rows(named=True)
    }
    want = {}
    for ed in EDITIONS:
        for (pol, avg), bps in BP[ed].items():
            for i in range(len(bps) - 1):
                key = (ed, pol, avg, IAQI_STEPS[i], IAQI_STEPS[i + 1])
                want[key] = (float(bps[i]), float(bps[i + 1]))
    assert got == want


# --- every breakpoint edge and one unit either side, both editions ---------------------------


def _edge_cases() -> list:
    cases = []
    for ed in EDITIONS:
        for (pol, avg), bps in BP[ed].items():
            u = unit_of(pol)
            for i, bp in enumerate(bps):
                b = Decimal(str(bp))
                points = [(b, "edge")]
                if i > 0:
                    points.append((b - u, "below"))
                if i < len(bps) - 1:  # above the table top: tested separately below
                    points.append((b + u, "above"))
                for conc, where in points:
                    cases.append(
                        pytest.param(
                            ed, pol, avg, str(conc), i, where, id=f"{ed[-4:]}-{pol}-{avg}-{conc}"
                        )
                    )
    return cases


@pytest.mark.parametrize(("edition", "pollutant", "averaging", "conc", "i", "where"), _edge_cases())
def test_iaqi_at_and_around_every_breakpoint(edition, pollutant, averaging, conc, i, where) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing here is above the table: no warning
        got = air.iaqi(pollutant, averaging, float(conc), edition=edition)
    if where == "edge":
        # exactly on BP_i the IAQI is IAQI_i (both neighbouring segments agree)
        assert got == IAQI_STEPS[i]
        assert type(got) is int
    assert got == ref_iaqi(conc, pollutant, averaging, edition)


# --- hand-worked literals ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pollutant", "averaging", "conc", "edition", "expected"),
    [
        # the public contract
        ("PM2.5", "24h", 35.4, E26, 50),  # 35.4 -> 35 (GB/T 8170) = BP 35 -> 50
        ("PM2.5", "24h", 35.4, E12, 51),  # 50 + (35.4-35)*50/40 = 50.5 -> 51
        # other tools' bugs we must not have (issue 2)
        ("CO", "24h", 1.5, E12, 38),  # 1.5*50/2 = 37.5 -> 38 (not 25)
        ("CO", "24h", 1.5, E26, 38),
        ("SO2", "24h", 100, E12, 75),  # 50 + (100-50)*50/100 = 75 (not 34)
        ("SO2", "24h", 100, E26, 75),
        ("SO2", "24h", 200, E12, 108),  # 100 + (200-150)*50/325 = 107.69 -> 108
        ("NO2", "24h", 85, E12, 103),  # 100 + (85-80)*50/100 = 102.5 -> 103
        ("PM10", "24h", 76, E12, 63),  # 50 + (76-50)*50/100 = 63 exactly
        ("O3", "8h", 170, E12, 110),  # 100 + (170-160)*50/55 = 109.09 -> 110
        ("O3", "1h", 300, E26, 150),  # a breakpoint: 150 exactly
        ("CO", "1h", 1.2, E12, 12),  # 1.2*50/5 = 12 exactly
        # the 2026 PM rows
        ("PM10", "24h", 130, E12, 90),  # 50 + (130-50)*50/100 = 90
        ("PM10", "24h", 130, E26, 104),  # 100 + (130-120)*50/130 = 103.85 -> 104
        ("PM2.5", "24h", 70, E12, 94),  # 50 + (70-35)*50/40 = 93.75 -> 94
        ("PM2.5", "24h", 70, E26, 110),  # 100 + (70-60)*50/55 = 109.09 -> 110
        # 2026 pre-rounding, GB/T 8170 half to even
        ("PM2.5", "24h", 35.5, E26, 52),  # 35.5 -> 36: 50 + 1*50/25 = 52
        ("PM2.5", "24h", 35.5, E12, 51),  # no pre-rounding: 50 + 0.5*50/40 = 50.625 -> 51
        ("PM2.5", "24h", 34.5, E26, 49),  # 34.5 -> 34: 34*50/35 = 48.57 -> 49
        ("PM2.5", "24h", 34.5, E12, 50),  # 34.5*50/35 = 49.29 -> 50
        ("PM2.5", "24h", 36.5, E26, 52),  # 36.5 -> 36 (even): 52
        ("CO", "24h", 0.25, E26, 5),  # 0.25 -> 0.2: 0.2*25 = 5
        ("CO", "24h", 0.25, E12, 7),  # 0.25*25 = 6.25 -> 7
        ("CO", "24h", 0.35, E26, 10),  # decimal 0.35 -> 0.4 (binary 0.3499..): 10
        ("CO", "24h", 0.45, E26, 10),  # 0.45 -> 0.4 (even): 10
        ("CO", "24h", 2.05, E26, 50),  # 2.05 -> 2.0 (binary 2.0499..): 50
        ("CO", "24h", 2.15, E26, 55),  # 2.15 -> 2.2 (binary 2.1499..): 50 + 0.2*25 = 55
        ("CO", "24h", 0.04, E26, 0),  # 0.04 -> 0.0: 0
    ],
)
def test_iaqi_worked_values(pollutant, averaging, conc, edition, expected) -> None:
    assert air.iaqi(pollutant, averaging, conc, edition=edition) == expected


def test_public_contract_exactly() -> None:
    assert air.iaqi("PM2.5", "24h", 35.4, edition="HJ 633-2026") == 50
    out = air.iaqi("SO2", "24h", pl.Series([100.0, 200.0]), edition="HJ 633-2012")
    assert isinstance(out, pl.Series)
    assert out.dtype == pl.Int64
    assert out.to_list() == [75, 108]
    assert air.iaqi("SO2", "24h", [100.0, 200.0, None], edition=E12) == [75, 108, None]


@pytest.mark.parametrize(
    ("pollutant", "averaging"),
    [("CO", "24h"), ("CO", "1h"), ("SO2", "24h"), ("SO2", "1h"), ("PM2.5", "24h"), ("O3", "8h")],
)
def test_2026_prerounding_is_decimal_half_to_even_on_every_half_step(pollutant, averaging) -> None:
    """Every x.x5 (CO) / x.5 value in the table's range, compared with Decimal semantics."""
    top = int(BP_2026[(pollutant, averaging)][-1])
    if pollutant == "CO":
        concs = [f"{k // 10}.{k % 10}5" for k in range(top * 10)]
    else:
        concs = [f"{k}.5" for k in range(top)]
    got = air.iaqi(pollutant, averaging, pl.Series([float(c) for c in concs]), edition=E26)
    want = [ref_iaqi(c, pollutant, averaging, E26) for c in concs]
    bad = [(c, g, w) for c, g, w in zip(concs, got.to_list(), want, strict=True) if g != w]
    assert not bad, bad[:10]


# --- special rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pollutant", "averaging", "conc", "edition", "expected"),
    [
        ("SO2", "1h", 800, E12, 200),  # top of the 1-h column: 200
        ("SO2", "1h", 801, E12, None),  # Table 1 note 2: no IAQI from the 1-h value
        ("SO2", "1h", 800.4, E12, None),  # 2012 has no pre-rounding: above 800
        ("SO2", "1h", 800, E26, 200),
        ("SO2", "1h", 801, E26, 200),  # note b: counted as 200
        ("SO2", "1h", 5000, E26, 200),
        ("SO2", "1h", 800.4, E26, 200),  # pre-rounded to 800 -> 200 from the table
        ("O3", "8h", 800, E12, 300),
        ("O3", "8h", 801, E12, None),  # Table 1 note 3: the 1-h value is used instead
        ("O3", "8h", 800, E26, 300),
        ("O3", "8h", 801, E26, 300),  # note c: counted as 300
    ],
)
def test_special_rules_above_800(pollutant, averaging, conc, edition, expected) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a special rule is not "above the table top"
        assert air.iaqi(pollutant, averaging, conc, edition=edition) == expected


@pytest.mark.parametrize(
    ("pollutant", "averaging", "conc", "edition"),
    [
        ("PM2.5", "24h", 501, E12),
        ("PM2.5", "24h", 501, E26),
        ("PM10", "24h", 601, E26),
        ("CO", "1h", 150.1, E12),
        ("CO", "1h", 150.1, E26),
        ("CO", "24h", 60.01, E12),  # 2012: no pre-rounding, above 60
        ("O3", "1h", 1201, E12),
        ("SO2", "24h", 2621, E26),
        ("NO2", "1h", 3841, E12),
    ],
)
def test_above_table_top_is_500_with_warning(pollutant, averaging, conc, edition) -> None:
    with pytest.warns(IndicatorWarning, match="capped at 500"):
        assert air.iaqi(pollutant, averaging, conc, edition=edition) == 500
    with pytest.warns(IndicatorWarning, match="capped at 500"):
        s = air.iaqi(pollutant, averaging, pl.Series([float(conc), 1.0]), edition=edition)
    assert s.to_list()[0] == 500


def test_top_after_prerounding_is_not_above_the_table() -> None:
    # 2026: CO 60.04 is reported as 60.0, the top breakpoint: 500 without a warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert air.iaqi("CO", "24h", 60.04, edition=E26) == 500
        assert air.iaqi("PM2.5", "24h", 500.4, edition=E26) == 500


# --- missing and bad input --------------------------------------------------------------------


def test_missing_values_give_none() -> None:
    assert air.iaqi("PM2.5", "24h", None, edition=E12) is None
    assert air.iaqi("PM2.5", "24h", float("nan"), edition=E12) is None
    assert air.iaqi("PM2.5", "24h", [None, float("nan"), 35.0], edition=E26) == [None, None, 50]


def test_nan_in_a_series_is_missing_not_500() -> None:
    """A NaN is a missing value (docstring: "None/NaN gives None"), never 'above the table'."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = air.iaqi("PM2.5", "24h", pl.Series([35.0, None, float("nan")]), edition=E12)
    assert out.to_list() == [50, None, None]


def test_empty_input() -> None:
    assert air.iaqi("PM2.5", "24h", [], edition=E12) == []
    out = air.iaqi("PM2.5", "24h", pl.Series("PM2.5", [], dtype=pl.Float64), edition=E12)
    assert out.len() == 0
    assert out.dtype == pl.Int64


def test_all_null_series() -> None:
    out = air.iaqi("CO", "24h", pl.Series([None, None], dtype=pl.Float64), edition=E26)
    assert out.to_list() == [None, None]


def test_untyped_all_null_series() -> None:
    """``pl.Series([None, None])`` has dtype Null: still all-null input, so nulls out."""
    out = air.iaqi("CO", "24h", pl.Series([None, None]), edition=E26)
    assert out.to_list() == [None, None]
    assert air.iaqi("CO", "24h", pl.Series([]), edition=E26).len() == 0


def test_negative_concentration_is_an_error() -> None:
    with pytest.raises(IndicatorInputError, match="negative") as exc:
        air.iaqi("SO2", "24h", -1.0, edition=E12)
    assert exc.value.column == "SO2"
    assert exc.value.found == -1.0
    with pytest.raises(IndicatorInputError, match="negative") as exc:
        air.iaqi("SO2", "24h", pl.Series("so2", [1.0, None, -0.5]), edition=E26)
    assert exc.value.row == 3  # 1-based
    assert exc.value.column == "so2"
    with pytest.raises(IndicatorInputError):
        air.iaqi("SO2", "24h", [1.0, -2.0], edition=E26)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("PM25", "24h", 10.0, E12), ["'PM2.5'", "'SO2'", "'CO'"]),
        (("PM2.5", "2h", 10.0, E12), ["'1h'", "'24h'", "'8h'"]),
        (("PM2.5", "24h", 10.0, "HJ 633-2020"), ["HJ 633-2012", "HJ 633-2026"]),
        (("PM2.5", "24h", 10.0, "auto"), ["HJ 633-2012", "HJ 633-2026"]),
        (("SO2", "8h", 10.0, E26), ["SO2 8h"]),
    ],
)
def test_unknown_codes_name_the_expected_values(args, named) -> None:
    pollutant, averaging, conc, edition = args
    with pytest.raises(IndicatorInputError) as exc:
        air.iaqi(pollutant, averaging, conc, edition=edition)
    text = str(exc.value)
    for name in named:
        assert name in text


# --- the expression builder: eager and lazy ----------------------------------------------------


def test_iaqi_expr_eager_and_lazy() -> None:
    df = pl.DataFrame({"PM2.5": [0.0, 35.0, 35.5, 75.0, 76.0, None, 600.0]})
    expr = air.iaqi_expr("PM2.5", "PM2.5", "24h", E26)
    eager = df.select(expr)
    lazy = df.lazy().select(expr).collect()
    assert_frame_equal(eager, lazy)
    # 0; 50; 35.5->36: 52; 75: 100+15*50/55=113.6->114; 76: 100+16*50/55=114.5->115; null; top
    assert eager["PM2.5"].to_list() == [0, 50, 52, 114, 115, None, 500]
    capped = df.select(air.iaqi_expr("PM2.5", "PM2.5", "24h", E26, capped=True))
    assert capped["PM2.5"].to_list() == [False] * 6 + [True]


def test_a_prepared_concentration_gives_the_same_iaqi() -> None:
    """concentration_expr once as a column, then iaqi_expr(prepared=True): the same IAQIs
    (NaN missing, negative null, 2026 pre-rounding half to even, special rules, the cap)."""
    from indicators.air.aqi import concentration_expr, prerounding

    values = [0.0, 0.35, 35.5, 36.5, 74.999999999, 150.0, 801.0, 1e6, -1.0, None, float("nan")]
    df = pl.DataFrame({"c": values})
    for edition in (E12, E26):
        for pollutant, averaging in (("PM2.5", "24h"), ("CO", "24h"), ("SO2", "1h"), ("O3", "8h")):
            direct = df.select(
                air.iaqi_expr("c", pollutant, averaging, edition).alias("i"),
                air.iaqi_expr("c", pollutant, averaging, edition, capped=True).alias("k"),
            )
            ready = df.with_columns(p=concentration_expr("c", pollutant, edition)).select(
                air.iaqi_expr("p", pollutant, averaging, edition, prepared=True).alias("i"),
                air.iaqi_expr("p", pollutant, averaging, edition, capped=True, prepared=True).alias(
                    "k"
                ),
            )
            assert_frame_equal(ready, direct)
    assert prerounding(E26, "CO") == 1 and prerounding(E12, "CO") is None


def test_category_texts_by_level() -> None:
    """Level k is row k of the categories table; no level (or an unknown one) has no text."""
    from indicators.air.aqi import category_columns

    levels = pl.DataFrame({"level": pl.Series([1, 2, 6, None, 0, 7], dtype=pl.Int8)})
    out = levels.select(category_columns(pl.col("level"), E26))
    assert out["category"].to_list() == ["优", "良", "严重污染", None, None, None]
    assert out["colour"].to_list()[:3] == ["#00E400", "#FFFF00", "#7E0023"]
    assert out.schema["category_en"] == pl.String


# --- properties -------------------------------------------------------------------------------


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize(("pollutant", "averaging"), PAIRS)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_iaqi_is_monotone_and_bounded(edition, pollutant, averaging, data) -> None:
    top = BP[edition][(pollutant, averaging)][-1]
    values = data.draw(
        st.lists(
            st.floats(min_value=0, max_value=top * 1.2, allow_nan=False), min_size=1, max_size=40
        )
    )
    values = sorted(values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IndicatorWarning)
        out = air.iaqi(pollutant, averaging, pl.Series(values), edition=edition).to_list()
    # only the 2012 "no IAQI from this value" rule gives None, and only above 800
    for v, o in zip(values, out, strict=True):
        if o is None:
            assert edition == E12 and (pollutant, averaging) in (("SO2", "1h"), ("O3", "8h"))
            assert v > 800
    defined = [o for o in out if o is not None]
    assert all(0 <= o <= 500 for o in defined)
    assert defined == sorted(defined)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(EDITIONS),
    st.sampled_from(PAIRS),
    st.lists(
        st.decimals(min_value=0, max_value=1300, places=3, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=30,
    ),
)
def test_iaqi_equals_the_exact_reference(edition, pair, decimals) -> None:
    pollutant, averaging = pair
    top = BP[edition][pair][-1]
    concs = [str(d) for d in decimals if d <= Decimal(str(top)) * Decimal("1.1")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IndicatorWarning)
        got = air.iaqi(
            pollutant,
            averaging,
            pl.Series([float(c) for c in concs], dtype=pl.Float64),
            edition=edition,
        )
    want = [ref_iaqi(c, pollutant, averaging, edition) for c in concs]
    assert_series_equal(got, pl.Series(got.name, want, dtype=pl.Int64))


# --- categories and colours (HJ 633-2012 Table 2 / 2026 Table 1, Appendix A) -------------------

# English names: MEE's own (its English bulletins), not the US EPA's "Good"/"Moderate"
CATEGORIES = {
    1: ("优", "Excellent", "#00E400"),
    2: ("良", "Good", "#FFFF00"),
    3: ("轻度污染", "Lightly Polluted", "#FF7E00"),
    4: ("中度污染", "Moderately Polluted", "#FF0000"),
    5: ("重度污染", "Heavily Polluted", "#99004C"),
    6: ("严重污染", "Severely Polluted", "#7E0023"),
}


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize(
    ("aqi", "level"),
    [
        (1, 1),
        (50, 1),
        (51, 2),
        (100, 2),
        (101, 3),
        (150, 3),
        (151, 4),
        (200, 4),
        (201, 5),
        (300, 5),
        (301, 6),
        (500, 6),
    ],
)
def test_aqi_category_edges(edition, aqi, level) -> None:
    got = air.aqi_category(aqi, edition=edition)
    zh, en, colour = CATEGORIES[level]
    assert got == {"level": level, "category": zh, "category_en": en, "colour": colour}


def test_aqi_category_zero_in_2012_and_bad_values() -> None:
    assert air.aqi_category(0, edition=E12)["level"] == 1  # 2012 Table 2: 0-50
    with pytest.raises(IndicatorInputError):
        air.aqi_category(-1)
    with pytest.raises(IndicatorInputError):
        air.aqi_category(50, edition="HJ 633-1999")
