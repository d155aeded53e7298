"""The other domains' figures in the figures store (issue 11: compute once, then present).

Every city's surface-water, drinking-water, sea, black-odorous and noise figures are
computed by the figures stage, each domain's tables read once, and stored; a report
rebuilds its city's from the store without reading a domain table. Folders are written
under pytest's ``tmp_path``.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from indicators import figures
from indicators.demo import CITIES, write_demo
from indicators.errors import IndicatorInputError
from indicators.figures import domains
from indicators.report import sections as sec
from indicators.report.params import parse_period
from indicators.report.sections import open_report

NAMES = [c.name for c in CITIES[:3]]
INLAND = [c.name for c in CITIES[:3] if not c.coastal]


def assert_same(got: Any, want: Any, where: tuple = ()) -> None:
    """Frames equal (columns, types, row order, values), dicts and tuples alike, item by item."""
    assert type(got) is type(want), where
    if isinstance(want, pl.DataFrame):
        assert_frame_equal(got, want, check_exact=True)
    elif isinstance(want, dict):
        assert list(got) == list(want), where
        for key in want:
            assert_same(got[key], want[key], (*where, key))
    elif isinstance(want, tuple):
        assert len(got) == len(want), where
        for i, (a, b) in enumerate(zip(got, want, strict=True)):
            assert_same(a, b, (*where, i))
    else:
        assert got == want, where


def direct(data: Path, domain: str, city: str, per: Any) -> tuple[Any, list[str]]:
    """``<domain>_figures`` of one city, with the warnings it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = getattr(domains, f"{domain}_figures")(data, city, per.start, per.end)
    return got, [str(w.message) for w in caught]


def assert_store_equals_direct(
    data: Path, stored: dict[str, pl.DataFrame], p: Any, c: Any, cities: list[str]
) -> int:
    """Every domain, city and period: rebuilt from the store == computed directly."""
    n_none = 0
    for domain in domains.DOMAIN_TABLES:
        for city in cities:
            for previous, per in ((False, p), (True, c)):
                want, said = direct(data, domain, city, per)
                got = domains.city_figures(stored, domain, city, previous=previous)
                assert_same(got, want, (domain, city, previous))
                assert domains.city_warnings(stored, domain, city, previous=previous) == said
                n_none += want is None
    return n_none


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("domains")
    write_demo(data, cities=CITIES[:3])
    return data


@pytest.mark.parametrize(("period", "compare"), [("2026", "2025"), ("2026-03", "2025-03")])
def test_stored_figures_equal_each_citys_direct_figures(folder: Path, period, compare) -> None:
    p, c = parse_period(period), parse_period(compare)
    store = figures.city_evaluations(folder, p, c)
    n_none = assert_store_equals_direct(folder, store.domains, p, c, NAMES)
    assert n_none == 2 * len(INLAND)  # an inland city has no sea point
    for city in INLAND:
        assert domains.city_figures(store.domains, "sea", city) is None
    with pytest.raises(domains.NotStoredError):  # not a city of the station list
        domains.city_figures(store.domains, "water", "无此市")
    # the black-odorous ledger as a report shows it, in both languages
    bo = domains.city_figures(store.domains, "blackodorous", NAMES[0])
    assert set(bo["ledger_table"]) == {"zh", "en"} and bo["ledger_table"]["zh"].height > 0


def test_a_store_read_back_from_disk_gives_the_same_figures(folder: Path, monkeypatch) -> None:
    p, c = parse_period("2026"), parse_period("2025")
    computed = figures.city_evaluations(folder, p, c)
    entry = figures.figures_folder(folder, p, c, "auto")
    assert (entry / "domains" / "index.parquet").is_file()

    def fail(*args, **kwargs):
        raise AssertionError("recomputed although the data did not change")

    monkeypatch.setattr(figures, "compute_city_evaluations", fail)
    monkeypatch.setattr(figures, "_READ", {})  # not the copy this process keeps
    read = figures.city_evaluations(folder, p, c)
    assert read.domains is not computed.domains and set(read.domains) == set(computed.domains)
    for name, table in computed.domains.items():
        assert_frame_equal(read.domains[name], table, check_exact=True)
    assert_store_equals_direct(folder, read.domains, p, c, NAMES)


def test_each_domain_table_is_read_once_for_every_city(tmp_path: Path, monkeypatch) -> None:
    write_demo(tmp_path, cities=CITIES[:3])
    reads: Counter[str] = Counter()
    read = domains._read

    def counted(data: Path, name: str) -> pl.DataFrame:
        reads[name] += 1
        return read(data, name)

    monkeypatch.setattr(domains, "_read", counted)
    p, c = parse_period("2026"), parse_period("2025")
    figures.city_evaluations(tmp_path, p, c)
    tables = [t for _, names in domains.DOMAIN_TABLES.values() for t in names]
    tables += ["noise_regional", "noise_traffic"]
    # once for the three cities and both periods; the surface-water tables once more for CWQI
    assert reads == {t: 2 if t.startswith("water_") else 1 for t in tables}


def test_a_report_presents_the_stored_figures_without_reading_a_domain_table(
    folder: Path, monkeypatch
) -> None:
    city = next(c.name for c in CITIES[:3] if c.coastal)
    ctx = open_report(city, "2026", data=str(folder))
    store = ctx.cities  # the store the report reads, computed once for every city

    def fail(data: Path, name: str) -> pl.DataFrame:
        raise AssertionError(f"{name} read while presenting stored figures")

    monkeypatch.setattr(domains, "_read", fail)
    drawn = [
        fn(ctx)
        for fn in (sec.headline, sec.water_sections, sec.drinking, sec.sea, sec.blackodorous)
    ] + [sec.noise(ctx), sec.methods(ctx)]
    assert not any(s.metadata.get("missing") for s in drawn)
    p = ctx.params.period
    monkeypatch.undo()
    want, _ = direct(folder, "sea", city, p)
    assert_same(sec._figures(ctx, "sea"), want)
    assert store.domains is not None


def test_a_store_without_domain_figures_computes_them_in_the_report(folder: Path) -> None:
    ctx = open_report(NAMES[0], "2026", data=str(folder))
    stored = {d: sec._figures(ctx, d) for d in domains.DOMAIN_TABLES}
    bare = open_report(NAMES[0], "2026", data=str(folder))
    bare.__dict__["cities"] = dataclasses.replace(bare.cities, domains=None)
    for domain, want in stored.items():
        assert_same(sec._figures(bare, domain), want, (domain,))
    with pytest.raises(domains.NotStoredError):
        domains.city_figures(None, "water", NAMES[0])


def test_warnings_are_kept_for_the_city_that_raised_them(tmp_path: Path) -> None:
    write_demo(tmp_path, cities=CITIES[:3])
    city = NAMES[0]
    sites = pl.read_parquet(tmp_path / "water_sections.parquet").filter(city=city)["site"]
    path = tmp_path / "water_results.parquet"
    results = pl.read_parquet(path)
    first = (
        results.with_row_index("i")
        .filter(pl.col("site").is_in(sites.implode()), pl.col("date").dt.year() == 2026)
        .filter(item="pH")["i"][0]
    )
    results.with_columns(
        value=pl.when(pl.int_range(pl.len()) == first).then(3.0).otherwise("value")
    ).write_parquet(path)
    p, c = parse_period("2026"), parse_period("2025")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        store = figures.city_evaluations(tmp_path, p, c)
    said = domains.city_warnings(store.domains, "water", city)
    assert said and all("pH 3.0" in w for w in said)
    for other in NAMES[1:]:
        assert domains.city_warnings(store.domains, "water", other) == []
    assert_store_equals_direct(tmp_path, store.domains, p, c, NAMES)
    ctx = open_report(city, "2026", data=str(tmp_path))
    sec._figures(ctx, "water")
    assert [n for n in ctx.notes if n.startswith("water: ")] == [f"water: {w}" for w in said]


def test_a_city_whose_figures_fail_is_left_to_its_report(tmp_path: Path) -> None:
    write_demo(tmp_path, cities=CITIES[:3])
    broken = NAMES[2]
    sites = pl.read_parquet(tmp_path / "drinking_sources.parquet").filter(city=broken)["site"]
    path = tmp_path / "drinking_results.parquet"
    pl.read_parquet(path).with_columns(
        value=pl.when(pl.col("site").is_in(sites.implode())).then(-1.0).otherwise("value")
    ).write_parquet(path)
    p, c = parse_period("2026"), parse_period("2025")
    store = figures.city_evaluations(tmp_path, p, c)
    with pytest.raises(domains.NotStoredError):
        domains.city_figures(store.domains, "drinking", broken)
    with pytest.raises(IndicatorInputError):
        domains.drinking_figures(tmp_path, broken, p.start, p.end)
    assert_store_equals_direct(tmp_path, store.domains, p, c, NAMES[:2])
    ctx = open_report(broken, "2026", data=str(tmp_path))
    with pytest.raises(IndicatorInputError):  # as before the store had them
        sec._figures(ctx, "drinking")


def test_a_city_whose_figures_have_another_layout_is_not_stored(tmp_path: Path, monkeypatch):
    write_demo(tmp_path, cities=CITIES[:3])
    every = domains._DOMAINS["noise"]
    order = pl.read_parquet(tmp_path / "noise_functional.parquet")["city"].unique(
        maintain_order=True
    )
    odd = order[-1]  # the table's layout is the first city's

    def other_layout(*args):
        got = every(*args)
        if got.get(odd, {}).get("compliance") is not None:
            got[odd]["compliance"] = got[odd]["compliance"].cast({"n_monitored_day": pl.Int32})
        return got

    monkeypatch.setitem(domains._DOMAINS, "noise", other_layout)
    p, c = parse_period("2026"), parse_period("2025")
    store = figures.compute_city_evaluations(tmp_path, p, c)
    monkeypatch.undo()
    with pytest.raises(domains.NotStoredError):
        domains.city_figures(store.domains, "noise", odd)
    assert_store_equals_direct(tmp_path, store.domains, p, c, [n for n in NAMES if n != odd])


def test_a_missing_domain_is_said_as_before(tmp_path: Path) -> None:
    write_demo(tmp_path, cities=CITIES[:3])
    (tmp_path / "sea_points.parquet").unlink()
    p, c = parse_period("2026"), parse_period("2025")
    store = figures.city_evaluations(tmp_path, p, c)
    assert not store.domains["index"].filter(domain="sea").height
    assert not any(name.startswith("sea.") for name in store.domains)
    city = next(c.name for c in CITIES[:3] if c.coastal)
    ctx = open_report(city, "2026", data=str(tmp_path))
    assert sec._figures(ctx, "sea") is None
    assert dict(sec.missing_domains(ctx)) == {"sea": ctx.t("no_table", table="sea_points")}


def test_a_city_without_a_lake_has_no_trophic_state(tmp_path: Path) -> None:
    write_demo(tmp_path, cities=CITIES[:3])
    city = NAMES[2]
    path = tmp_path / "water_sections.parquet"
    rivers = pl.when(pl.col("city") == city).then(pl.lit("river")).otherwise("type")
    pl.read_parquet(path).with_columns(type=rivers).write_parquet(path)
    p, c = parse_period("2026"), parse_period("2025")
    spans = {"period": (p.start, p.end), "compare": (c.start, c.end)}
    stored = domains.all_city_figures(tmp_path, NAMES, spans)
    assert_store_equals_direct(tmp_path, stored, p, c, NAMES)
    assert domains.city_figures(stored, "water", city)["trophic"].height == 0
    assert domains.city_figures(stored, "water", NAMES[0])["trophic"].height > 0
