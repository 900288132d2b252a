"""The built-in catalog plugin: contributes ``default.yaml``.

Registered by riskcore before any entry point (see
:data:`riskcore.plugins.BUILTIN_PLUGINS`). The file ships inside the package and
is read once per process.

>>> cat = riskcore_catalog()
>>> [s.title for s in cat.responses[2].steps][:2]  # collaborative-safety-plan
['Warning signs', 'Internal coping strategies']

.. versionadded:: 0.1
"""

from __future__ import annotations

import functools
from importlib.resources import as_file, files

from riskcore.hookspecs import hookimpl
from riskcore.io import load_catalog
from riskcore.model import Catalog

__all__ = ["DATA_FILE", "riskcore_catalog"]

DATA_FILE = "default.yaml"
"""Name of the data file inside the :mod:`riskcore.catalog` package."""


@functools.cache
def _load() -> Catalog:
    with as_file(files("riskcore.catalog").joinpath(DATA_FILE)) as path:
        return load_catalog(path)


@hookimpl
def riskcore_catalog() -> Catalog:
    """Return riskcore's default catalog (threats, mitigations, responses)."""
    return _load()
