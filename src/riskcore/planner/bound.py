"""The LP relaxation of the outer approximation: the lower bound behind the
greedy plan's gap.
"""

from __future__ import annotations

from riskcore.planner.compiled import _Compiled
from riskcore.planner.outer import _Model


def _lp_bound(
    c: _Compiled,
    budget: float | None,
    hours: float | None,
    incumbent: set[int],
    time_limit: float,
) -> tuple[float, float]:
    """Lower bound: LP relaxation of the outer approximation, and its budget slope.

    The strict model with every variable continuous: each of its rows holds
    for the strict credit of any plan, so its value is a valid lower bound of
    the strict figure (tighter than crediting every layer). Tangents at 0, at
    half the deepest reachable log-survival, and at 0.7, 1 and 1.3 times the
    incumbent's strict log-survival of each risk.
    """
    model = _Model(
        c, range(len(c.h)), strict=True, epigraph=True, budget=budget, hours=hours
    )
    if not model.risks:
        return model.const_harm, 0.0
    for r, ym in enumerate(model.ymin):
        for y0 in (0.0, ym / 2):
            model.cuts.append((r, y0))
    y = model.y_true(incumbent)
    for scale in (1.0, 0.7, 1.3):
        model.add_tangents([v * scale for v in y])
    return model.lp(time_limit)
