"""Views of a :class:`~riskcore.simulate.SimulationResult`.

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from riskcore.display.options import _html_enabled
from riskcore.display.tables import (
    Cell,
    _box,
    _lines,
    _num,
    _section,
    _table,
)

if TYPE_CHECKING:
    from riskcore.simulate import SimulationResult

__all__ = ["simulation_html", "simulation_text"]


def _simulation_summary(sim: SimulationResult) -> str:
    pct = ", ".join(f"p{q:g} {v:.3g}" for q, v in sim.total.percentiles)
    return (
        f"{sim.n:,} trials ({sim.method}, {sim.credit}, seed {sim.seed}): total "
        f"mean {sim.total.mean:.3g} (sd {sim.total.std:.3g}; {pct})"
    )


def simulation_text(sim: SimulationResult) -> str:
    """Short text view: totals, then the parameters with the largest swing."""
    head = f"<SimulationResult {_simulation_summary(sim)}>"
    lines = [f"swing {s.swing:.3g}: {s.parameter}" for s in sim.sensitivity[:5]]
    return _lines(head, lines) if lines else head


def simulation_html(sim: SimulationResult, *, css: bool = True) -> str | None:
    """HTML view: the risks with the largest mean loss first, and the top swings."""
    if not _html_enabled(len(sim.risks)):
        return None
    qs = [q for q, _ in sim.total.percentiles]
    rows: list[list[Cell]] = [
        [r.risk, _num(r.mean), _num(r.std), *(_num(v) for _, v in r.percentiles)]
        for r in sorted(sim.risks, key=lambda r: (-r.mean, r.risk))
    ]
    parts = [_table(["risk", "mean", "sd", *(f"p{q:g}" for q in qs)], rows)]
    if sim.sensitivity:
        parts.append(_section("Sensitivity (largest swing first)"))
        parts.append(
            _table(
                ["parameter", "low", "high", "swing"],
                [
                    [s.parameter, _num(s.low), _num(s.high), _num(s.swing)]
                    for s in sim.sensitivity
                ],
            )
        )
    return _box("SimulationResult", _simulation_summary(sim), *parts, css=css)
