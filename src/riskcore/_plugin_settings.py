"""The plugin manager's settings: built-in names, environment switches, timeout.

Internal to :mod:`riskcore.plugins`, which re-exports the public names
(:data:`~riskcore.plugins.BUILTIN_DISTRIBUTIONS`,
:data:`~riskcore.plugins.DEFAULT_TIMEOUT`): the one list of built-in plugin
names and how an entry point is told to be the genuine one, and how the
``RISKCORE_*`` switches and the timeout are read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from importlib.metadata import EntryPoint
from types import MappingProxyType

from riskcore.errors import PluginError

BUILTIN_DISTRIBUTIONS: Mapping[str, str] = MappingProxyType(
    {
        "colorado": "riskcore-colorado",
        "cultural": "riskcore-cultural",
        "ei": "riskcore-ei",
        "safety": "riskcore-safety",
        "trauma": "riskcore-trauma",
        "wellbeing": "riskcore-wellbeing",
    }
)
"""The built-in plugins shipped with riskcore (the distributions under
``plugins/``): entry-point name -> distribution name. The one list of
"built-in" names: an entry point with one of these names from any other
distribution is refused (recorded as failed, never loaded) unless the user
names it in ``override=`` / ``RISKCORE_OVERRIDE_PLUGINS``."""

DEFAULT_TIMEOUT = 30.0
"""Seconds one plugin's hook call may take before it is recorded as timed out
(``timeout=`` / ``RISKCORE_PLUGIN_TIMEOUT``). Generous on purpose: a working
plugin takes milliseconds; the limit only turns a *hung* plugin into a recorded
failure, which makes the result incomplete, never a different figure."""


def _csv_env(name: str) -> list[str]:
    return [n.strip() for n in os.environ.get(name, "").split(",") if n.strip()]


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in {"", "0", "false", "no"}


def _normal(dist: str) -> str:
    return re.sub(r"[-_.]+", "-", dist).lower()


def _dist_name(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return dist.name if dist is not None else "?"


def _is_genuine(ep: EntryPoint) -> bool:
    """False only for an entry point named like a built-in
    (:data:`BUILTIN_DISTRIBUTIONS`) that another distribution provides."""
    owner = BUILTIN_DISTRIBUTIONS.get(ep.name)
    if owner is None:
        return True
    dist = getattr(ep, "dist", None)
    return dist is not None and _normal(dist.name) == owner


def _timeout(value: float | None) -> float:
    """The plugin timeout: *value*, else ``RISKCORE_PLUGIN_TIMEOUT``, else
    :data:`DEFAULT_TIMEOUT`; a positive number of seconds (``inf`` allowed).

    >>> _timeout(0.5), _timeout(float("inf"))
    (0.5, inf)
    >>> _timeout(0)
    Traceback (most recent call last):
    ...
    riskcore.errors.PluginError: the plugin timeout must be a positive number of seconds, not 0
    """
    source = "the plugin timeout"
    if value is None:
        env = os.environ.get("RISKCORE_PLUGIN_TIMEOUT", "").strip()
        if not env:
            return DEFAULT_TIMEOUT
        source = "RISKCORE_PLUGIN_TIMEOUT"
        try:
            value = float(env)
        except ValueError:
            raise PluginError(
                "RISKCORE_PLUGIN_TIMEOUT must be a positive number of seconds"
            ) from None
    if isinstance(value, bool) or not value > 0:  # also NaN
        raise PluginError(
            f"{source} must be a positive number of seconds, not {value!r}"
        )
    return float(value)


def _in_order(
    eps: Iterable[EntryPoint],
) -> tuple[list[EntryPoint], dict[str, list[str]]]:
    """*eps* sorted by name, a built-in's own distribution first for its name
    (wherever it is on ``sys.path``, so that a look-alike is the one refused);
    and, per name, the distributions that genuinely claim it."""
    ordered = sorted(eps, key=lambda e: e.name)
    ordered.sort(key=lambda e: (e.name, not _is_genuine(e)))
    claimants: dict[str, list[str]] = {}
    for ep in ordered:
        if _is_genuine(ep):
            claimants.setdefault(ep.name, []).append(_dist_name(ep))
    return ordered, claimants
