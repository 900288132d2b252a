"""The cost–residual Pareto frontier."""

from __future__ import annotations

import math

from riskcore.errors import PlanError
from riskcore.planner.assemble import _rel_gap
from riskcore.planner.bound import _lp_bound
from riskcore.planner.budget import _solve_budget
from riskcore.planner.compiled import _compile, _Compiled
from riskcore.planner.problem import (
    Method,
    PlanningProblem,
)
from riskcore.planner.result import FrontierPoint, Solution


def _path_from_trace(
    c: _Compiled,
    trace: list[tuple[float, float, float, list[int]]],
    result: Solution,
    max_points: int = 50,
) -> tuple[FrontierPoint, ...]:
    """The greedy path up to the plan (at most *max_points* + 2 points).

    Each greedy step is a dependency-closed plan; their (cost, residual) pairs
    (strict figures) form an approximate frontier, which ends with the plan.
    """
    cost, hrs = c.totals(c.forced)
    points = [
        FrontierPoint(
            cost=cost,
            hours=hrs,
            residual=c.harm(c.forced),
            selected=tuple(c.ids[i] for i in c.order if i in c.forced),
        )
    ]
    chosen = set(c.forced)
    step = max(1, len(trace) // max_points)
    for k, (cost, hrs, res, missing) in enumerate(trace):
        chosen.update(missing)
        if res < points[-1].residual and k % step == step - 1:
            points.append(
                FrontierPoint(
                    cost=cost,
                    hours=hrs,
                    residual=res,
                    selected=tuple(c.ids[i] for i in c.order if i in chosen),
                )
            )
    while (
        points
        and points[-1].cost >= result.cost
        and points[-1].residual >= result.residual
    ):
        points.pop()
    if result.residual < (points[-1].residual if points else math.inf):
        points.append(
            FrontierPoint(
                cost=result.cost,
                hours=result.hours,
                residual=result.residual,
                selected=result.selected,
                budget=result.budget,
                gap=result.gap if result.mode == "budget" else None,
            )
        )
    return tuple(points)


def pareto_frontier(
    problem: PlanningProblem,
    *,
    points: int = 20,
    hours: float | None = None,
    method: Method = "auto",
    gap: float = 1e-4,
    time_limit: float = 30.0,
    _c: _Compiled | None = None,
) -> tuple[FrontierPoint, ...]:
    """The cost–residual Pareto frontier, solved at *points* budgets.

    Parameters
    ----------
    problem : PlanningProblem
    points : int
        Budgets evenly spaced from the cost of what is forced to the cost of
        every mitigation that reduces something (with closures).
    hours : float, optional
        An hours budget held at every point.
    method, gap, time_limit
        As for :func:`solve`.

    Returns
    -------
    tuple of FrontierPoint
        Non-dominated points, cost increasing and residual decreasing, each
        with its gap to a lower bound.

    Notes
    -----
    Exact points carry the MILP's gap. Heuristic points are warm-started
    from the previous budget's plan (so residual never rises with budget) and
    bounded by LP relaxations solved at every second budget: the LP value is
    convex in the budget, so each LP's value and the dual price of its budget
    row give a supporting line that bounds the optimum at every budget.

    Examples
    --------
    >>> from riskcore.planner import MitigationSpec, RiskEffect, RiskSpec
    >>> p = PlanningProblem(
    ...     risks=[RiskSpec(id="r", likelihood=1.0, impact=1.0)],
    ...     mitigations=[MitigationSpec(id=f"m{k}", cost=float(k),
    ...         effects=[RiskEffect(risk="r", effectiveness=0.5)]) for k in (1, 2)],
    ... )
    >>> [(f.cost, f.residual) for f in pareto_frontier(p, points=4)]
    [(0.0, 1.0), (1.0, 0.5), (3.0, 0.25)]
    """
    if points < 2:
        raise PlanError(f"points {points!r}: a frontier needs at least 2")
    c = _c if _c is not None else _compile(problem)
    useful = [i for i in range(len(c.ids)) if c.eff_list[i]]
    lo = c.totals(c.forced)[0]
    hi = c.totals(c.closure_of(useful) | c.forced)[0]
    solved: list[tuple[float, Solution]] = []
    prev: set[int] | None = None
    for k in range(points):
        b = lo + (hi - lo) * k / (points - 1)
        r = _solve_budget(
            c,
            b,
            hours,
            method,
            gap,
            time_limit,
            explain=0,
            start=prev,
            local_moves=0,
            bound=False,
            detail=False,
        )
        if r.status == "infeasible":
            continue
        if r.method == "greedy":
            # each budget starts from the last plan: the heuristic frontier is monotone
            prev = {c.index[m] for m in r.selected}
        solved.append((b, r))
    # Bounds of heuristic points: LPs at every second budget; the LP value is
    # convex in the budget, so each LP's value and budget dual give a line
    # below the optimum at every budget.
    greedy = [(b, r) for b, r in solved if r.method == "greedy"]
    lines: list[tuple[float, float, float]] = []
    for k, (b, r) in enumerate(greedy):
        if k % 2 == 0 or k == len(greedy) - 1:
            sel = {c.index[m] for m in r.selected}
            value, slope = _lp_bound(c, b, hours, sel, time_limit)
            lines.append((b, value, slope))
    out: list[FrontierPoint] = []
    for b, r in solved:
        if r.method == "greedy":
            lb = max(0.0, *(v + sl * (b - bk) for bk, v, sl in lines))
            g = _rel_gap(r.residual, min(lb, r.residual))
        else:
            g = r.gap
        pt = FrontierPoint(
            cost=r.cost,
            hours=r.hours,
            residual=r.residual,
            selected=r.selected,
            budget=b,
            gap=g,
        )
        while (
            out
            and out[-1].residual <= pt.residual * (1 + 1e-12)
            and out[-1].cost >= pt.cost
        ):
            out.pop()  # pragma: no cover - dominated by a cheaper, better point
        if not out or pt.residual < out[-1].residual * (1 - 1e-12):
            out.append(pt)
    return tuple(out)
