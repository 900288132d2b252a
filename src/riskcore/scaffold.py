"""``riskcore new-plugin``: scaffold an assessor plugin distribution.

:func:`new_plugin` writes a complete, installable distribution: a pyproject with
the ``riskcore`` entry point (hatchling, src layout), ``py.typed``, a sample
instrument spec, an assessor with factors, tests that use the conformance kit
(:mod:`riskcore.testing`), a README, a CHANGELOG and an MIT LICENSE. The result
installs with ``pip install -e .`` and passes its tests unchanged; the author
then replaces the sample instrument and factors with their own.

Templates are package data in ``riskcore/scaffold_templates`` (``string.Template``
syntax, ``$$name``).

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import re
import string
from importlib import resources
from pathlib import Path

from riskcore.errors import ScaffoldError

__all__ = ["FILES", "ScaffoldError", "new_plugin", "plugin_names"]

_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

FILES: tuple[tuple[str, str], ...] = (
    ("pyproject.toml.tmpl", "pyproject.toml"),
    ("README.md.tmpl", "README.md"),
    ("CHANGELOG.md.tmpl", "CHANGELOG.md"),
    ("LICENSE.tmpl", "LICENSE"),
    ("package_init.py.tmpl", "src/{package}/__init__.py"),
    ("instruments.py.tmpl", "src/{package}/instruments.py"),
    ("hooks.py.tmpl", "src/{package}/hooks.py"),
    ("", "src/{package}/py.typed"),
    ("test_conformance.py.tmpl", "tests/test_conformance.py"),
    ("test_plugin.py.tmpl", "tests/test_{package}.py"),
)
"""(template, output path) pairs; an empty template writes an empty file."""


def plugin_names(name: str) -> dict[str, str]:
    """The names derived from a plugin name.

    ``name`` is the entry-point name: lower case letters, digits and single
    hyphens (a leading ``riskcore-`` is dropped).

    >>> n = plugin_names("riskcore-home-visit")
    >>> n["name"], n["dist"], n["package"], n["instrument"], n["title"]
    ('home-visit', 'riskcore-home-visit', 'riskcore_home_visit', 'home-visit-checklist', 'Home visit')
    >>> plugin_names("Home Visit")
    Traceback (most recent call last):
    ...
    riskcore.errors.ScaffoldError: plugin name 'Home Visit' is not lower case letters, digits and single hyphens (e.g. 'home-visit')
    """
    short = name.removeprefix("riskcore-")
    if not _NAME_RE.match(short):
        msg = (
            f"plugin name {name!r} is not lower case letters, digits and single "
            "hyphens (e.g. 'home-visit')"
        )
        raise ScaffoldError(msg)
    return {
        "name": short,
        "dist": f"riskcore-{short}",
        "package": "riskcore_" + short.replace("-", "_"),
        "instrument": f"{short}-checklist",
        "title": short.replace("-", " ").capitalize(),
    }


def _riskcore_version() -> str:
    from riskcore._version import __version__

    return __version__


def new_plugin(name: str, directory: str | Path = ".") -> Path:
    """Write the distribution ``riskcore-<name>`` into *directory*.

    Parameters
    ----------
    name:
        The plugin (entry-point) name, e.g. ``"home-visit"``.
    directory:
        The parent directory; the distribution is written to
        ``directory/riskcore-<name>``.

    Returns
    -------
    Path
        The distribution's root directory.

    Raises
    ------
    ScaffoldError
        If the name is not valid or the target directory already exists (it is
        never overwritten).

    Examples
    --------
    >>> import tempfile
    >>> root = new_plugin("home-visit", tempfile.mkdtemp())
    >>> sorted(p.name for p in root.iterdir())
    ['CHANGELOG.md', 'LICENSE', 'README.md', 'pyproject.toml', 'src', 'tests']
    >>> new_plugin("home-visit", root.parent)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    riskcore.errors.ScaffoldError: .../riskcore-home-visit already exists: choose another --dir, or remove it first
    >>> import shutil; shutil.rmtree(root.parent)
    """
    names = plugin_names(name)
    root = Path(directory) / names["dist"]
    if root.exists():
        msg = f"{root} already exists: choose another --dir, or remove it first"
        raise ScaffoldError(msg)
    values = {
        **names,
        "year": str(dt.datetime.now(dt.UTC).year),
        "riskcore_version": _riskcore_version(),
    }
    templates = resources.files("riskcore") / "scaffold_templates"
    rendered = []
    for template, target in FILES:
        text = ""
        if template:
            source = (templates / template).read_text(encoding="utf-8")
            text = string.Template(source).substitute(values)
        rendered.append((root / target.format(**names), text))
    for path, text in rendered:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
