"""Every path the package uses, from one place.

The project root is found from the current working directory (the folder that
holds ``pyproject.toml``) so that ``data/`` and ``reports/`` resolve the same
way from the CLI, the tests and the notebooks. ``INDICATORS_HOME`` overrides it.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir", "demo_dir", "project_root", "reports_dir"]


def project_root() -> Path:
    """The project folder: ``$INDICATORS_HOME``, else the nearest parent with pyproject.toml."""
    env = os.environ.get("INDICATORS_HOME")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "src" / "indicators").is_dir():
            return folder
    return here


def data_dir() -> Path:
    """``<root>/data``."""
    return project_root() / "data"


def demo_dir() -> Path:
    """``<root>/data/demo``: where the demo data are written."""
    return data_dir() / "demo"


def is_demo_folder(folder: str | Path) -> bool:
    """True when ``folder`` is the generated demo data folder (:func:`demo_dir`)."""
    return Path(folder).resolve() == demo_dir().resolve()


def reports_dir() -> Path:
    """``<root>/reports``."""
    return project_root() / "reports"
