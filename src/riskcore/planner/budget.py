"""Budget mode: minimise the strict residual under a money and/or hours budget."""

from __future__ import annotations

import math
from typing import Any

from riskcore.planner.assemble import _finish, _forced_fits
from riskcore.planner.bound import _lp_bound
from riskcore.planner.compiled import _Compiled
from riskcore.planner.exact import _FIRED, _fired, _oa_milp
from riskcore.planner.heuristic import _greedy, _local_improve
from riskcore.planner.problem import Method
from riskcore.planner.result import Solution

_EXACT_MAX = 60
"""``method="auto"`` uses the exact MILP up to this many mitigations."""

LOCAL_MOVES = 12
"""Greedy refills the heuristic's local improvement may try (an iteration budget)."""

POLISH_GAP = 0.01
"""Above this gap to the LP bound, ``method="auto"`` polishes with the exact MILP."""

POLISH_ROUNDS = 3
"""Outer-approximation rounds of the exact polish."""

POLISH_MAX = 250
"""Most mitigations for which ``method="auto"`` polishes (the MILP's root
alone takes tens of seconds on 2,000 mitigations; use ``method="exact"``)."""


def _solve_budget(
    c: _Compiled,
    budget: float | None,
    hours: float | None,
    method: Method,
    gap: float,
    time_limit: float,
    explain: int,
    start: set[int] | None = None,
    local_moves: int = LOCAL_MOVES,
    trace: list[tuple[float, float, float, list[int]]] | None = None,
    bound: bool = True,
    detail: bool = True,
) -> Solution:
    """Budget mode; large instances: greedy, local moves, LP bound, exact polish.

    With ``method="auto"`` above :data:`_EXACT_MAX` mitigations, the
    heuristic's plan records its gap to the LP bound; when that gap is over
    :data:`POLISH_GAP` (and there are at most :data:`POLISH_MAX`
    mitigations), the exact OA-MILP starts from the heuristic's plan under
    a fixed work budget (:data:`POLISH_ROUNDS` rounds of
    :data:`riskcore.planner.exact.NODES` nodes) and its plan is kept if
    better. If the time safety net cuts the polish short, the heuristic's plan
    is kept (so the plan does not depend on machine speed) and the result says
    the time limit fired.
    """
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
        incumbent = greedy_set
        if len(c.ids) > _EXACT_MAX and local_moves > 0:
            # start where the heuristic would end: exact is never worse than it
            incumbent = _local_improve(c, greedy_set, budget, hours, local_moves)
        sol = _oa_milp(c, budget, hours, gap, time_limit, incumbent=incumbent)
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
    if local_moves > 0:
        greedy_set = _local_improve(c, greedy_set, budget, hours, local_moves)
    lb = _lp_bound(c, budget, hours, greedy_set, time_limit)[0] if bound else 0.0
    h = c.harm(greedy_set)
    if (
        method == "auto"
        and bound
        and len(c.ids) <= POLISH_MAX
        and h - lb > POLISH_GAP * h
    ):
        log: list[str] = []
        token = _FIRED.set(log)
        try:
            sol = _oa_milp(
                c,
                budget,
                hours,
                gap,
                time_limit,
                incumbent=greedy_set,
                max_rounds=POLISH_ROUNDS,
            )
        finally:
            _FIRED.reset(token)
        if log:  # cut short by the clock: keep the reproducible heuristic plan
            for where in log:
                _fired(f"{where} (exact polish; heuristic plan kept)")
        elif sol is not None:
            chosen, lb2, proved = sol
            lb = max(lb, min(lb2, c.harm(chosen)))
            if c.harm(chosen) < h * (1 - 1e-12):
                return _finish(
                    c,
                    chosen,
                    method="greedy+milp-oa",
                    status="optimal" if proved else "feasible",
                    bound=lb,
                    **kw,
                )
    return _finish(c, greedy_set, method="greedy", status="feasible", bound=lb, **kw)
