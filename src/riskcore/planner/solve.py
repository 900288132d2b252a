"""The entry point over a :class:`~riskcore.planner.problem.PlanningProblem`: :func:`solve`."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from riskcore.errors import PlanError
from riskcore.planner.budget import _solve_budget
from riskcore.planner.compiled import Blocks, _compile, _Compiled
from riskcore.planner.exact import _FIRED, _NODES, NODES
from riskcore.planner.frontier import _path_from_trace, pareto_frontier
from riskcore.planner.heuristic import _greedy
from riskcore.planner.problem import (
    Method,
    Objective,
    PlanningProblem,
)
from riskcore.planner.result import Solution
from riskcore.planner.tolerance import _solve_tolerance


def solve(
    problem: PlanningProblem,
    *,
    budget: float | None = None,
    hours: float | None = None,
    tolerance: bool | float | Mapping[str, float] | None = None,
    objective: Objective | None = None,
    method: Method = "auto",
    frontier: int = 0,
    gap: float = 1e-4,
    time_limit: float = 30.0,
    explain: int = 5,
    nodes: int = NODES,
    _blocks: Blocks | None = None,
) -> Solution:
    """Choose a dependency-closed set of mitigations for *problem*.

    Parameters
    ----------
    problem : PlanningProblem
        Risks, candidate mitigations and responses as point values.
    budget, hours : float, optional
        Money and hours available; ``None`` is unlimited.
    tolerance : bool, float or mapping, optional
        Tolerance mode targets: ``True`` uses each risk's own
        ``tolerance``; a float applies to every risk; a mapping gives it per
        risk id. Implies ``objective="cost"``.
    objective : {"harm", "cost"}, optional
        ``"harm"``: minimise expected residual harm within the budget;
        ``"cost"``: reach the tolerances at minimum cost. Defaults to
        ``"cost"`` when *tolerance* is given, else ``"harm"``.
    method : {"auto", "exact", "heuristic"}
        ``"auto"`` is exact up to 60 mitigations in budget mode (falling
        back to the heuristic if the MILP finds no plan in time) and always in
        tolerance mode (where running out of time without a plan is reported
        ``"infeasible"``, *not proved impossible*).
    frontier : int
        Number of budgets at which to solve for the cost–residual Pareto
        frontier (0: the frontier is the greedy path, computed once).
    gap : float
        Relative optimality gap at which the exact method stops.
    time_limit : float
        Outer safety net, in seconds, for each exact solve (all rounds of one
        MILP with its cuts). Results are bounded by work budgets instead
        (rounds, *nodes*, local moves), so the same input gives the same plan
        on any machine; if the safety net fires, ``Solution.time_limited``
        says where.
    explain : int
        How many of the best rejected mitigations to explain.
    nodes : int
        Branch-and-bound nodes each exact MILP may use (default
        :data:`riskcore.planner.exact.NODES`, 5,000): the deterministic stop
        of the exact method and of the auto polish. More nodes can prove more
        plans optimal and take longer; the same *nodes* gives the same plan
        on any machine.

        .. versionadded:: 0.1

    Returns
    -------
    Solution

    Raises
    ------
    PlanError
        A negative budget, an unknown objective or method, a negative cost,
        an effectiveness outside [0, 1], a tolerance mode with no tolerances,
        an armed response that is not in the problem.
    GraphError
        A requirement cycle (printed whole), a self or dangling reference.

    Examples
    --------
    >>> from riskcore.planner import MitigationSpec, RiskEffect, RiskSpec
    >>> p = PlanningProblem(
    ...     risks=[RiskSpec(id="aggression", likelihood=0.2, impact=4.0, tolerance=0.3)],
    ...     mitigations=[
    ...         MitigationSpec(id="training", cost=10.0),
    ...         MitigationSpec(id="deescalation", cost=5.0, requires=["training"],
    ...             effects=[RiskEffect(risk="aggression", effectiveness=0.7)]),
    ...         MitigationSpec(id="alarm", cost=40.0,
    ...             effects=[RiskEffect(risk="aggression", effectiveness=0.5)]),
    ...     ],
    ... )
    >>> r = solve(p, budget=20.0)
    >>> r.selected, r.cost, round(r.residual, 3), r.status
    (('training', 'deescalation'), 15.0, 0.24, 'optimal')
    >>> [x.kind for x in r.reasons]
    ['required', 'marginal']
    >>> r.rejected[0].text
    'would reduce expected harm by 0.12 (3 per 1,000 spent) for 40 more, over the remaining budget of 5'
    >>> t = solve(p, tolerance=0.3)
    >>> t.mode, t.selected, t.cost
    ('tolerance', ('training', 'deescalation'), 15.0)
    >>> t = solve(p, tolerance=0.1)
    >>> t.status, t.selected, t.infeasible[0].risk
    ('infeasible', (), 'aggression')
    >>> t.infeasible[0].reason
    'best reachable residual 0.12 with every mitigation that reduces it (alarm, deescalation) is above tolerance 0.1'
    """
    t0 = time.perf_counter()
    for name, value in (("budget", budget), ("hours", hours)):
        if value is not None and not value >= 0.0:
            raise PlanError(f"{name} {value!r} is negative")
    if objective is None:
        objective = (
            "cost" if tolerance is not None and tolerance is not False else "harm"
        )
    if objective not in ("harm", "cost"):
        raise PlanError(f"objective {objective!r} is neither 'harm' nor 'cost'")
    if method not in ("auto", "exact", "heuristic"):
        raise PlanError(f"method {method!r} is not 'auto', 'exact' or 'heuristic'")
    nodes_ok: object = nodes
    if type(nodes_ok) is not int or nodes < 1:
        raise PlanError(f"nodes {nodes!r} is not a positive whole number")
    from riskcore.io import collector_paused

    fired: list[str] = []
    token = _FIRED.set(fired)
    nodes_token = _NODES.set(nodes)
    # a problem of many risks is many short-lived acyclic objects: the one
    # rule for bulk steps pauses the cyclic collector (nothing else changes)
    try:
        with collector_paused():
            c = _compile(problem, _blocks)
            result = _solve(
                c,
                problem,
                budget,
                hours,
                tolerance,
                objective,
                method,
                frontier,
                gap,
                time_limit,
                explain,
            )
    finally:
        _FIRED.reset(token)
        _NODES.reset(nodes_token)
    if fired:
        result = _evolve(result, time_limited=tuple(fired))
    return _evolve(result, seconds=time.perf_counter() - t0)


def _solve(
    c: _Compiled,
    problem: PlanningProblem,
    budget: float | None,
    hours: float | None,
    tolerance: bool | float | Mapping[str, float] | None,
    objective: Objective,
    method: Method,
    frontier: int,
    gap: float,
    time_limit: float,
    explain: int,
) -> Solution:
    trace: list[tuple[float, float, float, list[int]]] = []
    if objective == "cost":
        tol = _tolerances(c, problem, tolerance)
        result = _solve_tolerance(
            c, tol, budget, hours, method, gap, time_limit, explain
        )
    else:
        result = _solve_budget(
            c, budget, hours, method, gap, time_limit, explain, trace=trace
        )
    if result.status != "infeasible":
        if frontier > 0:
            front = pareto_frontier(
                problem, points=frontier, hours=hours, method=method, _c=c
            )
        else:
            if not trace:
                _greedy(c, result.cost, hours, trace=trace)
            front = _path_from_trace(c, trace, result)
        result = _evolve(result, frontier=front)
    return result


def _evolve(r: Solution, **kw: Any) -> Solution:
    import attrs

    return attrs.evolve(r, **kw)


def _tolerances(
    c: _Compiled,
    problem: PlanningProblem,
    tolerance: bool | float | Mapping[str, float] | None,
) -> list[float | None]:
    if tolerance is None or tolerance is True:
        tol = list(c.tolerance)
    elif isinstance(tolerance, Mapping):
        for k in tolerance:
            if k not in c.rindex:
                raise PlanError(f"tolerance given for {k!r}, which is not a risk")
        tol = [tolerance.get(r, c.tolerance[j]) for j, r in enumerate(c.risk_ids)]
    elif isinstance(tolerance, (int, float)):
        tol = [float(tolerance)] * len(c.risk_ids)
    else:
        raise PlanError(f"tolerance {tolerance!r} is not True, a number or a mapping")
    for j, t in enumerate(tol):
        if t is not None and not t >= 0.0:
            raise PlanError(f"risk {c.risk_ids[j]!r}: tolerance {t!r} is negative")
    if all(t is None for t in tol):
        raise PlanError("tolerance mode needs a tolerance: no risk has one")
    return tol
