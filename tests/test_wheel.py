"""The package as a wheel: its data files are there and ``indicators run`` works installed.

The wheel is built from a copy of the source tree in ``tmp_path`` (setuptools writes
``build/`` and ``*.egg-info`` beside the sources: never into the repository) and
installed without dependencies into a fresh virtual environment; the dependencies
come from this test's own environment through a ``.pth`` file (and their Jupyter
data files through ``JUPYTER_PATH``), so no network install
is needed and what is checked is the wheel's own content (notebooks, tables, entry
point).
"""

from __future__ import annotations

import glob
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "src" / "indicators"


def _package_data() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["setuptools"]["package-data"]["indicators"]


def _source_files(pattern: str) -> list[str]:
    return sorted(
        Path(p).relative_to(PACKAGE).as_posix() for p in glob.glob(str(PACKAGE / pattern))
    )


def test_package_data_lists_only_what_exists():
    patterns = _package_data()
    assert "report/notebooks/*.ipynb" in patterns
    for pattern in patterns:
        assert _source_files(pattern), f"package-data pattern {pattern!r} matches no file"


def test_report_notebook_is_package_data_and_has_one_copy():
    from indicators.report.render import notebook_path

    path = notebook_path("city_report")
    assert path == PACKAGE / "report" / "notebooks" / "city_report.ipynb"
    copies = [p for p in ROOT.rglob("city_report.ipynb") if ".venv" not in p.parts]
    assert copies == [path]
    # the analysts' notebook stays in the top-level notebooks/ folder
    assert notebook_path("explore_air") == ROOT / "notebooks" / "explore_air.ipynb"


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kwargs)
    assert out.returncode == 0, f"{cmd}\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


@pytest.mark.slow
def test_wheel_installs_and_runs_the_main_job(tmp_path):
    # 1. build the wheel from a copy of the sources
    src = tmp_path / "src"
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(PACKAGE, src / "src" / "indicators", ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(src)])
    (wheel,) = dist.glob("indicators-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for pattern in _package_data():
        files = _source_files(pattern)
        assert {f"indicators/{f}" for f in files} <= names, pattern
    assert "indicators/report/notebooks/city_report.ipynb" in names
    assert not [n for n in names if n.endswith("explore_air.ipynb") or "/tests/" in n]

    # 2. a fresh environment with the wheel alone; the dependencies of this one via a .pth
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    _run([*pip, "install", "-q", "--no-deps", str(wheel)])
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
        ).stdout.strip()
    )
    deps = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (site / "_test_dependencies.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")

    # 3. run it in an empty folder: nothing may come from the source tree
    work = tmp_path / "work"
    work.mkdir()
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "LANG": "C.UTF-8",
        # the dependencies' data files (nbconvert's templates) are under this environment's
        # prefix, where a normal install would have put them under the new one's
        "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter"),
    }
    where = _run(
        [
            str(python),
            "-c",
            "import indicators, indicators.report.render as r, indicators.targets as t; "
            "print(indicators.__file__); print(r.notebook_path()); print(t.demo_targets_path())",
        ],
        cwd=work,
        env=env,
    ).stdout.split()
    assert len(where) == 3
    for path in where:
        assert Path(path).is_relative_to(site), where
        assert Path(path).is_file()
    run = _run([str(venv / "bin" / "indicators"), "run"], cwd=work, env=env)
    report = work / "reports" / "清河市-2026.html"
    assert f"city report: {report}" in run.stdout
    page = report.read_text(encoding="utf-8")
    assert "清河市生态环境质量报告" in page
    assert "Traceback" not in page and "jp-OutputArea-error" not in page
    assert (work / "data" / "demo" / "station_hours.parquet").is_file()
    assert sorted(p.name for p in work.iterdir()) == ["data", "reports"]
