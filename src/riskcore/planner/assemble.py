"""Turning a chosen set into a :class:`~riskcore.planner.result.Solution`.

Pruning, forced responses, phases, the gap and the infeasible result:
shared by every method and both modes.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from riskcore.model.plan import ArmedResponse
from riskcore.planner.compiled import _Compiled
from riskcore.planner.explain import _fmt, _reasons, _rejected
from riskcore.planner.result import Infeasibility, Solution


def _prune(c: _Compiled, chosen: set[int]) -> set[int]:
    """Drop chosen leaves whose removal raises no risk's strict residual.

    The strict figure is not monotone: a mitigation can link two layers into
    one common-cause group and so *raise* a risk's residual, and one whose
    layers are all outranked in their groups removes nothing. Dropping such a
    leaf (not forced, required by nothing chosen) never raises a residual or a
    cost, so every method's plan is pruned before it is reported.
    """
    chosen = set(chosen)
    cur = c.per_risk(chosen.__contains__)
    changed = True
    while changed:
        changed = False
        for i in reversed(c.order):
            if i not in chosen or i in c.forced:
                continue
            if any(d in chosen for d in c.dependents[i]):
                continue
            if c.vector:
                solid = bool((cur[c.solid_a[i]] > 0.0).any())
            else:
                solid = any(cur[j] > 0.0 for j in c.solid[i])
            if solid:
                continue  # an unconflicted layer is always credited: needed
            without = chosen - {i}
            after = c.change([i], without.__contains__)
            if after.no_rise(cur):
                chosen = without
                after.apply(cur)
                changed = True
    return chosen


def _finish(
    c: _Compiled,
    chosen: set[int],
    *,
    mode: Literal["budget", "tolerance"],
    method: str,
    status: Literal["optimal", "feasible"],
    bound: float,
    budget: float | None,
    hours: float | None,
    tol: list[float | None] | None,
    explain: int,
    detail: bool = True,
) -> Solution:
    chosen = _prune(c, c.closure_of(chosen) | c.forced)
    order = [i for i in c.order if i in chosen]
    cost, hrs = c.totals(chosen)
    per_h = c.per_risk(chosen.__contains__)
    per = c.as_list(per_h)
    residual = sum(per)
    if tol is not None:
        over = [
            j
            for j, t in enumerate(tol)
            if t is not None and per[j] > t * (1 + 1e-9) + 1e-15
        ]
        if over:  # never "feasible" next to an over-tolerance register
            items = [
                Infeasibility(
                    risk=c.risk_ids[j],
                    tolerance=tol[j] or 0.0,
                    best_residual=per[j],
                    reason=f"the best plan found ({method}) leaves it at {_fmt(per[j])} "
                    f"> tolerance {_fmt(tol[j] or 0.0)} by the strict figure "
                    "(one layer per common-cause group, docs/crediting.md)",
                )
                for j in over
            ]
            return _infeasible_result(c, mode, method, items, budget, hours)
    objective_value = residual if mode == "budget" else cost
    bound = min(bound, objective_value)
    g = _rel_gap(objective_value, bound)
    common: dict[str, Any] = {
        "status": status if g > 0.0 or status == "optimal" else "optimal",
        "mode": mode,
        "method": method,
        "selected": tuple(c.ids[i] for i in order),
        "cost": cost,
        "hours": hrs,
        "inherent": c.inherent,
        "residual": residual,
        "bound": bound,
        "gap": g,
        "budget": budget,
        "hours_budget": hours,
    }
    if not detail:  # a frontier point: its cost, residual and selection only
        return Solution(**common)
    ph, start = _phases(c, chosen)
    responses, armed = _responses(c, chosen)
    return Solution(
        **common,
        residual_by_risk=dict(zip(c.risk_ids, per, strict=True)),
        responses=responses,
        armed=armed,
        reasons=_reasons(c, chosen, order, per_h),
        rejected=_rejected(c, chosen, per, per_h, budget, hours, tol, explain),
        phases=ph,
        start_day=start,
    )


def _responses(
    c: _Compiled, chosen: set[int] | None
) -> tuple[dict[str, tuple[str, ...]], tuple[ArmedResponse, ...]]:
    """Risk ids each response is required for or in force on, and the armed pairs.

    With *chosen* ``None`` (no plan), only what critical risks require.
    """
    on: dict[str, set[int]] = {}
    armed: list[ArmedResponse] = []
    has = (lambda _i: False) if chosen is None else chosen.__contains__
    # whether an armed instance is in force, and what it misses, depend only
    # on what it requires (one list per response): worked out once per list
    state: dict[int, tuple[bool, str]] = {}
    names = c.risk_ids.__getitem__
    build = ArmedResponse.fast
    for k, inst in enumerate(c.insts):
        spec = c.specs[inst.rid]
        req = {c.rindex[r] for r in inst.required_by}
        got = state.get(id(inst.req)) if not inst.const else None
        if got is None:
            present = chosen is not None and c.present(~k, has)
            missing = ""
            if not present and chosen is not None:  # (forced or not: one entry)
                missing = ", ".join(
                    sorted(c.ids[i] for i in inst.req if i not in chosen)
                )
            got = (present, missing)
            if not inst.const:
                state[id(inst.req)] = got
        acts = inst.risks if got[0] else []
        if req or acts:
            on.setdefault(inst.rid, set()).update(req, acts)
        if inst.forced:
            why = f"required for critical risk(s) {', '.join(inst.required_by)}"
        else:
            why = "armed by a trigger"
        if acts:
            why += f"; acts on {', '.join(map(names, acts))}"
        elif not inst.forced and chosen is not None:
            why += (
                f"; not credited: it requires {got[1]}, not in the plan"
                if got[1]
                else "; it reduces no planned risk"
            )
        if chosen is None and not inst.forced:
            continue
        # checked as ArmedResponse(...) checks it (positional, generated)
        armed.append(
            build(
                inst.rid,
                inst.subject,
                spec.owner,
                spec.time_to_act_hours,
                why[:1000],
            )
        )
    return (
        {rid: tuple(c.risk_ids[j] for j in sorted(v)) for rid, v in sorted(on.items())},
        tuple(armed),
    )


def _rel_gap(value: float, bound: float) -> float:
    if value <= 0.0:
        return 0.0
    return max(0.0, (value - bound) / value)


def _phases(
    c: _Compiled, chosen: set[int]
) -> tuple[tuple[tuple[str, ...], ...], dict[str, float]]:
    level: dict[int, int] = {}
    start: dict[int, float] = {}
    for i in c.order:
        if i not in chosen:
            continue
        level[i] = 1 + max((level[j] for j in c.req[i]), default=-1)
        start[i] = max((start[j] + c.duration[j] for j in c.req[i]), default=0.0)
    groups: dict[int, list[str]] = {}
    for i, k in level.items():
        groups.setdefault(k, []).append(c.ids[i])
    ph = tuple(tuple(sorted(groups[k])) for k in sorted(groups))
    return ph, {c.ids[i]: s for i, s in start.items()}


def _infeasible_result(
    c: _Compiled,
    mode: Literal["budget", "tolerance"],
    method: str,
    items: list[Infeasibility],
    budget: float | None,
    hours: float | None,
) -> Solution:
    responses, armed = _responses(c, None)
    return Solution(
        status="infeasible",
        mode=mode,
        method=method,
        inherent=c.inherent,
        residual=c.inherent,
        infeasible=tuple(items),
        responses=responses,
        armed=armed,
        budget=budget,
        hours_budget=hours,
    )


def _forced_fits(
    c: _Compiled,
    budget: float | None,
    hours: float | None,
    mode: Literal["budget", "tolerance"],
) -> Solution | None:
    fc, fh = c.totals(c.forced)
    over = []
    if budget is not None and fc > budget * (1 + 1e-12):
        over.append(f"costs {_fmt(fc)} > budget {_fmt(budget)}")
    if hours is not None and fh > hours * (1 + 1e-12):
        over.append(f"takes {_fmt(fh)} hours > {_fmt(hours)} available")
    if not over:
        return None
    needed = fc if budget is not None and fc > budget * (1 + 1e-12) else None
    items = []
    for rid, risks in sorted(c.required_resp.items()):
        for r in risks:
            j = c.rindex[r]
            tj = c.tolerance[j]
            items.append(
                Infeasibility(
                    risk=r,
                    tolerance=math.inf if tj is None else tj,
                    best_residual=c.h[j],
                    reason=f"critical: its response {rid!r} with what it requires "
                    + " and ".join(over),
                    needed_budget=needed,
                )
            )
    if not items:
        items.append(
            Infeasibility(
                risk="*",
                tolerance=math.inf,
                best_residual=c.inherent,
                reason="the required mitigations " + " and ".join(over),
                needed_budget=needed,
            )
        )
    return _infeasible_result(c, mode, "none", items, budget, hours)
