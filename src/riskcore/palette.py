"""The colours every face of riskcore uses: reports, notebook tables and plots.

One palette, owned here, so that a risk level has the same colour in the HTML
report, a notebook's ``_repr_html_`` table and a matplotlib figure. It imports
nothing from riskcore: the pipeline never needs it, and every face can.

Colours are ordered from the lowest risk level to the highest, then two
neutral roles: :data:`ACCENT` (highlights) and :data:`MUTED` (incomplete or
unknown values, reference lines).

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["ACCENT", "MUTED", "PALETTE", "level_colours"]

PALETTE: tuple[str, ...] = (
    "#2e7d32",  # green: the lowest level, "optimal", reliably improved
    "#f9a825",  # amber: warnings, "feasible"
    "#ef6c00",  # orange
    "#c62828",  # red: critical, "infeasible", reliably worse
    "#6a1b9a",  # purple: accent
    "#37474f",  # slate: muted
)
"""Level colours, lowest to highest, followed by the accent and muted roles."""

ACCENT = PALETTE[4]
"""Highlights (e.g. the edge of a selected point in a plot)."""

MUTED = PALETTE[5]
"""Incomplete or unknown values and reference lines."""


def level_colours(levels: Sequence[str]) -> dict[str, str]:
    """A colour for each risk level, lowest first; levels past the palette share its last.

    Parameters
    ----------
    levels
        Level names from the lowest to the highest (a risk matrix's levels).

    Returns
    -------
    dict of str to str
        Each level's hex colour.

    Examples
    --------
    >>> level_colours(["low", "medium", "high"])
    {'low': '#2e7d32', 'medium': '#f9a825', 'high': '#ef6c00'}
    >>> len(set(level_colours([str(i) for i in range(9)]).values()))
    6
    """
    return {name: PALETTE[min(i, len(PALETTE) - 1)] for i, name in enumerate(levels)}
