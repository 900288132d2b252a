"""Tolerance mode: bring every risk within its tolerance at minimum cost."""

from __future__ import annotations

import math
from typing import Any

from riskcore.planner.assemble import _finish, _forced_fits, _infeasible_result
from riskcore.planner.compiled import _Compiled
from riskcore.planner.exact import _tol_milp, _unreachable
from riskcore.planner.explain import _fmt
from riskcore.planner.problem import Method
from riskcore.planner.result import Infeasibility, Solution


def _solve_tolerance(
    c: _Compiled,
    tol: list[float | None],
    budget: float | None,
    hours: float | None,
    method: Method,
    gap: float,
    time_limit: float,
    explain: int,
) -> Solution:
    bad = _forced_fits(c, budget, hours, "tolerance")
    if bad is not None:
        return bad
    kw: dict[str, Any] = {
        "mode": "tolerance",
        "budget": budget,
        "hours": hours,
        "tol": tol,
        "explain": explain,
    }
    # a risk whose inherent harm is within tolerance stays within it: no
    # credit, strict or not, raises a residual above the inherent figure
    targets = [
        j for j, t in enumerate(tol) if t is not None and c.h[j] > t * (1 + 1e-12)
    ]
    # 1. risks no plan can bring within tolerance: crediting every candidate
    # layer's owner is a lower bound on the strict figure of any plan
    items: list[Infeasibility] = []
    for j in targets:
        low = c.h[j] * math.prod(1.0 - e for _, _, e, _, _ in c.cl[j])
        if low > (tol[j] or 0.0) * (1 + 1e-9):
            items.append(_unreachable(c, j, tol[j] or 0.0, time_limit))
    if items:
        return _infeasible_result(c, "tolerance", "bounds", items, budget, hours)
    if not targets:
        return _finish(
            c,
            set(c.forced),
            method="none-needed",
            status="optimal",
            bound=c.totals(c.forced)[0],
            **kw,
        )
    status, sel, lb, proved = _tol_milp(c, targets, tol, budget, hours, time_limit, gap)
    if status == "ok":
        return _finish(
            c,
            sel,
            method="milp",
            status="optimal" if proved else "feasible",
            bound=min(lb, c.totals(sel)[0]),
            **kw,
        )
    if status == "unknown":
        harm = dict(zip(targets, c.harms_for(targets, sel.__contains__), strict=True))
        over = [j for j in targets if harm[j] > (tol[j] or 0.0) * (1 + 1e-9)]
        for j in over or targets:
            items.append(
                Infeasibility(
                    risk=c.risk_ids[j],
                    tolerance=tol[j] or 0.0,
                    best_residual=harm[j],
                    reason="no plan found within the time limit brings it within "
                    "tolerance by the strict figure (one layer per common-cause "
                    "group, docs/crediting.md); not proved impossible",
                )
            )
        return _infeasible_result(c, "tolerance", "milp", items, budget, hours)
    # 2. no plan meets them all: name the risks that cannot be reached alone
    for j in targets:
        t = tol[j] or 0.0
        st1, sel1, lb1, proved1 = _tol_milp(c, [j], tol, None, None, time_limit, gap)
        if st1 == "infeasible":
            items.append(_unreachable(c, j, t, time_limit))
            continue
        if st1 != "ok":  # pragma: no cover - a one-risk MILP within the time limit
            continue
        need = c.totals(sel1)[0] if proved1 else lb1
        h1 = c.totals(sel1)[1]
        over_ = []
        if budget is not None and need > budget * (1 + 1e-9):
            over_.append(f"costs at least {_fmt(need)} > budget {_fmt(budget)}")
        if hours is not None and h1 > hours * (1 + 1e-9):
            over_.append(f"its cheapest plan takes {_fmt(h1)} hours > {_fmt(hours)}")
        if over_:
            items.append(
                Infeasibility(
                    risk=c.risk_ids[j],
                    tolerance=t,
                    best_residual=c.h[j],
                    reason="reaching its tolerance " + " and ".join(over_),
                    needed_budget=need
                    if budget is not None and need > budget * (1 + 1e-9)
                    else None,
                )
            )
    if not items:
        why = (
            "each tolerance is reachable alone, but not all within the budget together"
            if budget is not None or hours is not None
            else "each tolerance is reachable alone, but not all together: a plan "
            "that reaches one links layers of another into one common-cause group, "
            "which is credited once (docs/crediting.md)"
        )
        for j in targets:
            items.append(
                Infeasibility(
                    risk=c.risk_ids[j],
                    tolerance=tol[j] or 0.0,
                    best_residual=c.h[j],
                    reason=why,
                )
            )
    return _infeasible_result(c, "tolerance", "milp", items, budget, hours)
