"""Shared fixtures: where the read-only reference material lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("INDICATORS_SHARED", ROOT.parent / "shared"))
REALDATA = SHARED / "realdata"


def _need(path: Path) -> Path:
    if path.exists():
        return path
    msg = (
        f"real-data test needs {path} (the read-only ../shared/ folder beside the repo, "
        "or set INDICATORS_SHARED)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def realdata() -> Path:
    """``../shared/realdata``: skipped locally when absent, a failure in CI."""
    return _need(REALDATA)


@pytest.fixture(scope="session")
def cnemc_dir(realdata: Path) -> Path:
    return _need(realdata / "cnemc_sites_2019")


@pytest.fixture(scope="session")
def uci_dir(realdata: Path) -> Path:
    return _need(realdata / "uci_beijing_multisite_2013_2017")


@pytest.fixture(scope="session")
def shared_standards() -> Path:
    return _need(SHARED / "standards")
