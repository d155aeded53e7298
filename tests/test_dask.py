"""Report batches on a real Dask distributed cluster (issue 11): a ``dask scheduler`` and two
``dask worker`` processes on 127.0.0.1, and ``--scheduler local`` (a LocalCluster).

The batch must give what the local pool gives: every city published from the same figures,
a failing city isolated and named, the index written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from indicators import cli
from indicators.demo import write_demo
from indicators.errors import IndicatorInputError
from indicators.report.batch import render_batch

pytestmark = pytest.mark.slow
DASK = Path(sys.executable).with_name("dask")
BROKEN = "北原市"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo data with 北原市's PM2.5 negative (its report fails; the others must not)."""
    folder = tmp_path_factory.mktemp("dask-data")
    write_demo(folder)
    stations = pl.read_parquet(folder / "stations.parquet")
    broken = stations.filter(city=BROKEN)["station"].implode()
    hours = pl.read_parquet(folder / "station_hours.parquet")
    hours.with_columns(
        pl.when(pl.col("station").is_in(broken)).then(-pl.col("PM2.5")).otherwise("PM2.5")
    ).write_parquet(folder / "station_hours.parquet")
    return folder


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory):
    """A scheduler and two single-threaded workers, as separate processes."""
    tmp = tmp_path_factory.mktemp("dask")
    file = tmp / "scheduler.json"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs = [
        subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0",
             "--dashboard-address", ":0", "--scheduler-file", str(file)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=tmp,
        )
    ]  # fmt: skip
    try:
        for _ in range(300):
            if file.is_file() and file.stat().st_size:
                break
            time.sleep(0.1)
        address = json.loads(file.read_text())["address"]
        for i in range(2):
            procs.append(
                subprocess.Popen(
                    [str(DASK), "worker", address, "--nthreads", "1", "--nworkers", "1",
                     "--no-dashboard", "--local-directory", str(tmp / f"w{i}")],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=tmp,
                )
            )  # fmt: skip
        from distributed import Client

        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def test_batch_on_a_dask_cluster_isolates_failures(data: Path, cluster: str, tmp_path: Path):
    out = tmp_path / "reports"
    result = render_batch(
        ["清河市", "临江市", BROKEN],
        "2026-03",
        data=str(data),
        out_dir=out,
        workers=2,
        scheduler=cluster,
        progress=False,
        check=False,  # the folder check would refuse the broken city's data as a whole
    )
    assert [r.params.city for r in result.results] == ["清河市", "临江市"]
    assert set(result.failures) == {BROKEN}
    assert "negative" in result.failures[BROKEN]
    for r in result.results:
        page = r.path.read_text(encoding="utf-8")
        assert r.params.city in page and "jp-OutputArea-error" not in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "清河市" in index and BROKEN in index
    # the figures the workers read are those the local pool reads: same headline values
    local = render_batch(
        ["清河市"], "2026-03", data=str(data), out_dir=tmp_path / "local", progress=False,
        check=False,
    )  # fmt: skip
    assert local.results[0].headline == result.results[0].headline


def test_local_cluster_from_the_command_line(data: Path, tmp_path: Path, capsys):
    folder = tmp_path / "ok"
    write_demo(folder)
    out = tmp_path / "reports"
    argv = ["report", "--data", str(folder), "--city", "清河市", "--city", "临江市"]
    argv += ["--period", "2026-02", "--scheduler", "local", "--workers", "2", "--out", str(out)]
    assert cli.main(argv) == 0
    assert sorted(p.name for p in out.glob("*.html")) == [
        "index.html",
        "临江市-2026-02.html",
        "清河市-2026-02.html",
    ]


def test_a_bad_scheduler_is_a_clear_error(data: Path, tmp_path: Path):
    with pytest.raises(IndicatorInputError, match="unknown scheduler"):
        render_batch(["清河市"], "2026", data=str(data), scheduler="nowhere", check=False)
    with pytest.raises(IndicatorInputError, match="cannot reach the Dask scheduler"):
        render_batch(
            ["清河市"], "2026-01", data=str(data), out_dir=tmp_path, progress=False,
            scheduler="tcp://127.0.0.1:9", check=False,
        )  # fmt: skip
