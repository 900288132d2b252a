"""Sphinx configuration for riskcore's documentation."""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))  # local extensions

project = "riskcore"
author = "The riskcore developers"
copyright = "2026, The riskcore developers"
release = importlib.metadata.version("riskcore")
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "plots",  # docs/_ext/plots.py: draws the images of notebooks.md at build time
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
exclude_patterns = ["_build", "_generated"]

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": False}
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False
nitpicky = False

# No intersphinx: the docs build offline (CI has no network but the registries).

html_theme = "furo"
html_title = f"riskcore {release}"
suppress_warnings = ["config.cache"]
html_static_path = ["_static"]
