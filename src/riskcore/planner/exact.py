"""The exact methods: the outer-approximation MILP (budget mode) and the covering
MILP (tolerance mode).
"""

from __future__ import annotations

import contextvars
import math
import time
from typing import Any

from riskcore.planner.assemble import _prune
from riskcore.planner.compiled import _Compiled
from riskcore.planner.explain import _fmt
from riskcore.planner.outer import _Model
from riskcore.planner.result import Infeasibility

NODES = 5_000
"""Default branch-and-bound nodes each exact MILP may use: the deterministic stop.

:func:`riskcore.planner.solve` takes it as its ``nodes`` argument. With the
round limits of each method this bounds the work; the wall-clock
``time_limit`` of :func:`riskcore.planner.solve` is only an outer safety net,
and a result it cut short says so (``Solution.time_limited``)."""

_NODES: contextvars.ContextVar[int] = contextvars.ContextVar(
    "riskcore_planner_nodes", default=NODES
)
"""The node budget of the current :func:`riskcore.planner.solve` call."""

_FIRED: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "riskcore_planner_time_limited", default=None
)


def _time_left(deadline: float, where: str) -> float:
    """Seconds to *deadline*; records that the safety net fired if none are left."""
    left = deadline - time.perf_counter()
    if left <= 0:
        _fired(where)
    return left


def _fired(where: str) -> None:
    log = _FIRED.get()
    if log is not None and where not in log:
        log.append(where)


def _solve_milp(
    model: _Model, obj: object, deadline: float, gap: float, where: str
) -> object:
    """One MILP under the node budget; notes when the time safety net stopped it."""
    res = model.milp(obj, deadline - time.perf_counter(), gap, _NODES.get())
    if getattr(res, "status", None) == 1 and time.perf_counter() >= deadline:
        _fired(where)
    return res


def _oa_milp(
    c: _Compiled,
    budget: float | None,
    hours: float | None,
    gap: float,
    time_limit: float,
    incumbent: set[int],
    max_rounds: int = 40,
) -> tuple[set[int], float, bool] | None:
    """Outer approximation of the strict figure, with lazy common-cause cuts.

    Each round's MILP is a relaxation (tangents under-estimate ``h·exp(y)``,
    and the common-cause cuts found so far are only some of the rule's), so
    its bound is a valid lower bound; its plan, evaluated with
    :func:`riskcore.calculus.credit`, an upper bound. Tangents at the model's
    and at the true ``y`` and cuts for the layers it credited together are
    added until the two meet within *gap*.
    """
    model = _Model(
        c, range(len(c.h)), strict=True, epigraph=True, budget=budget, hours=hours
    )
    for r, ym in enumerate(model.ymin):
        for y0 in {0.0, ym, ym / 2, ym / 4, -0.05, -0.2, -0.7, -2.0}:
            if y0 >= ym:
                model.cuts.append((r, y0))
    best, best_val = set(incumbent), c.harm(incumbent)
    model.add_tangents(model.y_true(best))
    if not model.risks:
        return best, best_val, True
    obj = model.objective("harm")
    lb = 0.0
    deadline = time.perf_counter() + time_limit
    for _ in range(max_rounds):
        if _time_left(deadline, "exact budget solve") <= 0:
            break
        res: Any = _solve_milp(model, obj, deadline, gap / 4, "exact budget solve")
        if res.x is None:
            return None if not best else (best, lb, False)
        lb = max(
            lb,
            float(res.mip_dual_bound if res.mip_dual_bound is not None else res.fun)
            + model.const_harm,
        )
        sel = model.selection(res.x)
        val = c.harm(sel)
        if val < best_val:
            best, best_val = sel, val
        if best_val - lb <= gap * max(best_val, 1e-12):
            return best, min(lb, best_val), True
        model.separate(res.x)
        model.add_tangents(model.y_of(res.x))
        model.add_tangents(model.y_true(sel))
    return best, lb, False


def _tol_milp(
    c: _Compiled,
    targets: list[int],
    tol: list[float | None],
    budget: float | None,
    hours: float | None,
    time_limit: float,
    gap: float,
    max_rounds: int = 50,
) -> tuple[str, set[int], float, bool]:
    """Cheapest plan that brings *targets* within tolerance by the strict figure.

    A set-cover MILP in log space, ``y_r ≤ log(tol_r / h_r)``, with the
    credit variables and common-cause cuts of :class:`_Model`. Each MILP is a
    relaxation, so "infeasible" is proved; a plan whose credited layers break
    no common-cause group meets every tolerance (the strict rule credits the
    best layer of each group, at least what the MILP credited), so it is
    optimal. Returns ``(status, plan, bound, proved)`` with status
    ``"ok"``, ``"infeasible"`` or ``"unknown"`` (rounds or time ran out).
    """
    model = _Model(c, targets, strict=True, epigraph=False, budget=budget, hours=hours)
    model.add_tolerances(tol)
    obj = model.objective("cost")
    deadline = time.perf_counter() + time_limit
    last: set[int] = set()
    for _ in range(max_rounds):
        if _time_left(deadline, "tolerance solve") <= 0:
            break
        res: Any = _solve_milp(model, obj, deadline, gap, "tolerance solve")
        if res.x is None:
            if res.status == 2:
                return "infeasible", set(), math.inf, True
            break  # time limit without a plan
        last = model.selection(res.x)
        if model.separate(res.x):
            continue
        harms = c.harms_for(targets, last.__contains__)
        if all(
            v <= (tol[j] or 0.0) * (1 + 1e-9) + 1e-15
            for j, v in zip(targets, harms, strict=True)
        ):
            lb = (
                float(res.mip_dual_bound)
                if res.mip_dual_bound is not None
                else float(res.fun)
            )
            return "ok", last, lb, res.status == 0
        break  # pragma: no cover - numerically at odds with the strict figure
    return "unknown", last, 0.0, False


def _best_reachable(
    c: _Compiled, j: int, time_limit: float, max_rounds: int = 50
) -> tuple[float, set[int]]:
    """The lowest strict residual risk *j* can reach at any cost, and a plan."""
    model = _Model(c, [j], strict=True, epigraph=False, budget=None, hours=None)
    if not model.risks:
        return c.risk_harm(j, c.forced.__contains__), set(c.forced)
    obj = model.objective("y", 0)
    best, plan_ = c.risk_harm(j, c.forced.__contains__), set(c.forced)
    deadline = time.perf_counter() + time_limit
    for _ in range(max_rounds):
        if _time_left(deadline, "best reachable residual") <= 0:
            break
        res: Any = _solve_milp(model, obj, deadline, 1e-9, "best reachable residual")
        if res.x is None:  # pragma: no cover - the forced plan is feasible
            break
        sel = model.selection(res.x)
        val = c.risk_harm(j, sel.__contains__)
        if val < best:
            best, plan_ = val, sel
        if not model.separate(res.x):
            break
    plan_ = _prune(c, c.closure_of(plan_) | c.forced)
    return c.risk_harm(j, plan_.__contains__), plan_


def _unreachable(c: _Compiled, j: int, t: float, time_limit: float) -> Infeasibility:
    """Why risk *j* cannot reach tolerance *t* whatever the plan costs."""
    best, sel = _best_reachable(c, j, time_limit)
    reducers = sorted({c.ids[o] for o, _, e, _, _ in c.cl[j] if o >= 0 and e > 0.0})
    used = sorted(c.ids[i] for i in sel if c.ids[i] in reducers)
    if not reducers:
        why = f"no mitigation reduces it (residual {_fmt(best)} > tolerance {_fmt(t)})"
    elif used == reducers:
        why = (
            f"best reachable residual {_fmt(best)} with every mitigation that reduces it "
            f"({', '.join(reducers)}) is above tolerance {_fmt(t)}"
        )
    else:
        why = (
            f"best reachable residual {_fmt(best)} (with {', '.join(used) or 'none'}; "
            "layers that share a dependency are credited once, docs/crediting.md) "
            f"is above tolerance {_fmt(t)}"
        )
    return Infeasibility(
        risk=c.risk_ids[j], tolerance=t, best_residual=best, reason=why
    )
