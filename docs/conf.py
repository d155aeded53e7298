"""Sphinx configuration of the indicators documentation site.

Build (offline, warnings as errors)::

    .venv/bin/python -m sphinx -W --keep-going -b html docs docs/_build/html

The API reference (autosummary), the gallery (sphinx-gallery, examples executed on
demo data written to a temporary folder), the data-folder contract and the standards
pages are generated at build time from the installed package; nothing here reads
``../shared``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import plotly.io as pio

import indicators
from indicators import plot

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

project = "indicators"
author = "indicators developers"
copyright = "indicators developers"
version = release = indicators.__version__
language = "en"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "indicators_docs",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "examples/README.rst", "missing_parameters.py"]
root_doc = "index"

# -- API reference: autosummary pages from the numpydoc docstrings ------------------------
autosummary_generate = True
# the public API is each module's __all__ (re-exports of indicators.air included)
autosummary_ignore_module_all = False
autosummary_imported_members = True
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # the numpydoc Parameters sections give the types and units
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = False

# -- gallery: examples executed at build time on demo data --------------------------------
# Figures are shown with the package's offline renderer (a plot div and its script, no
# plotly.js, no CDN); the extension adds one plotly.js file to the gallery pages.
plot.notebook_renderer()
pio.renderers.default = plot.NOTEBOOK_RENDERER

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "gallery",
    "filename_pattern": r"/plot_",
    "image_scrapers": (),
    "capture_repr": ("_repr_html_", "__repr__"),
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "reset_modules": (),
    "show_memory": False,
    "abort_on_example_error": True,
}

# -- HTML ---------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"indicators {release}"
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_sidebars = {"index": []}
html_show_sourcelink = False
html_static_path = ["_static"]
html_css_files = ["custom.css"]
