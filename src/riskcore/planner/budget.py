"""Budget mode: minimise the strict residual under a money and/or hours budget."""

from __future__ import annotations

import math
from typing import Any

from riskcore.planner.assemble import _finish, _forced_fits
from riskcore.planner.bound import _lp_bound
from riskcore.planner.compiled import _Compiled
from riskcore.planner.exact import _oa_milp
from riskcore.planner.heuristic import _greedy, _local_improve
from riskcore.planner.problem import Method
from riskcore.planner.result import PlanResult

_EXACT_MAX = 60
"""``method="auto"`` uses the exact MILP up to this many mitigations."""


def _solve_budget(
    c: _Compiled,
    budget: float | None,
    hours: float | None,
    method: Method,
    gap: float,
    time_limit: float,
    explain: int,
    start: set[int] | None = None,
    local_seconds: float = 0.05,
    trace: list[tuple[float, float, float, list[int]]] | None = None,
    bound: bool = True,
    detail: bool = True,
) -> PlanResult:
    bad = _forced_fits(c, budget, hours, "budget")
    if bad is not None:
        return bad
    kw: dict[str, Any] = {
        "mode": "budget",
        "budget": budget,
        "hours": hours,
        "tol": None,
        "explain": explain,
        "detail": detail,
    }
    cands = c.candidates()
    if not cands or (budget is None and hours is None and not c.conflicts):
        # no common-cause conflict: the strict figure is the product over
        # every layer in force, which only falls as the plan grows
        everything = c.closure_of(k for cl, _ in cands for k in cl) | c.forced
        return _finish(
            c,
            everything,
            method="all-useful",
            status="optimal",
            bound=c.harm(everything),
            **kw,
        )
    exact = method == "exact" or (method == "auto" and len(c.ids) <= _EXACT_MAX)
    if start is not None and not (
        c.totals(start)[0] <= (math.inf if budget is None else budget)
        and c.totals(start)[1] <= (math.inf if hours is None else hours)
    ):
        start = None  # pragma: no cover - the frontier only warm-starts feasibly
    greedy_set = _greedy(c, budget, hours, start=start, trace=trace)
    if exact:
        sol = _oa_milp(c, budget, hours, gap, time_limit, incumbent=greedy_set)
        if sol is not None:
            chosen, lb, proved = sol
            return _finish(
                c,
                chosen,
                method="milp-oa",
                status="optimal" if proved else "feasible",
                bound=lb,
                **kw,
            )
    if local_seconds > 0:
        greedy_set = _local_improve(c, greedy_set, budget, hours, local_seconds)
    lb = _lp_bound(c, budget, hours, greedy_set, time_limit)[0] if bound else 0.0
    return _finish(c, greedy_set, method="greedy", status="feasible", bound=lb, **kw)
