"""Brute force for planner tests: every dependency-closed plan, strict figures.

An independent reading of the crediting rule for a
:class:`~riskcore.planner.PlanningProblem`: layers and their dependency keys
are built here from the problem (not from the planner's compiled form) and
every figure comes from :func:`riskcore.calculus.credit`, the rule the
register uses.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from riskcore.calculus import LayerInput, credit, dependency_keys
from riskcore.planner import PlanningProblem

Present = Callable[[np.ndarray], np.ndarray]


def closure_ids(p: PlanningProblem, roots: list[str]) -> set[str]:
    req = {m.id: m.requires for m in p.mitigations}
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        u = stack.pop()
        if u not in seen:
            seen.add(u)
            stack.extend(req[u])
    return seen


def forced_ids(p: PlanningProblem) -> set[str]:
    """What every plan contains: required mitigations and critical risks' needs."""
    resp = {r.id: r for r in p.responses}
    roots = list(p.required)
    for r in p.risks:
        if r.critical:
            for rid in r.responses:
                roots.extend(resp[rid].requires)
    return closure_ids(p, roots)


def layers(p: PlanningProblem) -> list[list[tuple[frozenset[str], LayerInput]]]:
    """Per risk: (mitigations that must all be chosen for it, layer)."""
    rid = {r.id: j for j, r in enumerate(p.risks)}
    out: list[list[tuple[frozenset[str], LayerInput]]] = [[] for _ in p.risks]
    for m in p.mitigations:
        deps = dependency_keys(m.id, closure_ids(p, [m.id]), m.resources)
        for e in m.effects:
            out[rid[e.risk]].append(
                (
                    frozenset([m.id]),
                    LayerInput(
                        id=m.id, on=e.on, effectiveness=e.effectiveness, depends_on=deps
                    ),
                )
            )
    resp = {r.id: r for r in p.responses}
    pairs: dict[tuple[str, str | None], bool] = {}
    for r in p.risks:
        if r.critical:
            for x in r.responses:
                pairs[(x, r.subject)] = True
    for x, subject in p.armed:
        pairs.setdefault((x, subject), False)
    for (x, subject), forced in pairs.items():
        spec = resp[x]
        deps = dependency_keys(x, closure_ids(p, list(spec.requires)), kind="response")
        need = frozenset() if forced else frozenset(spec.requires)
        for e in spec.effects:
            j = rid[e.risk]
            if p.risks[j].subject != subject:
                continue
            out[j].append(
                (
                    need,
                    LayerInput(
                        id=x,
                        on=e.on,
                        effectiveness=e.effectiveness,
                        depends_on=deps,
                        kind="response",
                    ),
                )
            )
    return out


def closed_subsets(
    p: PlanningProblem,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every dependency-closed plan containing what is forced (as bit rows),
    with its cost, hours and strict residual harm per risk."""
    n = len(p.mitigations)
    idx = {m.id: i for i, m in enumerate(p.mitigations)}
    masks = np.arange(1 << n, dtype=np.int64)
    bits = ((masks[:, None] >> np.arange(n)) & 1).astype(bool)
    ok = np.ones(len(masks), dtype=bool)
    for i, m in enumerate(p.mitigations):
        for r in m.requires:
            ok &= ~bits[:, i] | bits[:, idx[r]]
    for m in forced_ids(p):
        ok &= bits[:, idx[m]]
    bits = bits[ok]
    cost = bits @ np.array([m.cost for m in p.mitigations], dtype=float)
    hours = bits @ np.array([m.hours for m in p.mitigations], dtype=float)
    harm = np.zeros((len(bits), len(p.risks)))
    for j, (risk, lay) in enumerate(zip(p.risks, layers(p), strict=True)):
        owners = sorted({idx[m] for need, _ in lay for m in need})
        pattern = (
            bits[:, owners].astype(np.int64) @ (1 << np.arange(len(owners)))
            if owners
            else np.zeros(len(bits), dtype=np.int64)
        )
        table = np.empty(1 << len(owners))
        for code in range(1 << len(owners)):
            on = {p.mitigations[o].id for k, o in enumerate(owners) if code >> k & 1}
            present = [li for need, li in lay if need <= on]
            table[code] = credit(risk.likelihood, risk.impact, present).harm
        harm[:, j] = table[pattern]
    return bits, cost, hours, harm


def brute_budget(
    p: PlanningProblem, budget: float | None, hours: float | None
) -> float:
    """The least strict residual within the budgets."""
    _, cost, hrs, harm = closed_subsets(p)
    ok = np.ones(len(cost), dtype=bool)
    if budget is not None:
        ok &= cost <= budget + 1e-9
    if hours is not None:
        ok &= hrs <= hours + 1e-9
    return float(harm.sum(axis=1)[ok].min())


def brute_tolerance(p: PlanningProblem, budget: float | None = None) -> float | None:
    """The least cost of a plan meeting every tolerance by the strict figure."""
    _, cost, _, harm = closed_subsets(p)
    tol = np.array(
        [np.inf if r.tolerance is None else r.tolerance for r in p.risks], dtype=float
    )
    ok = (harm <= tol * (1 + 1e-9) + 1e-15).all(axis=1)
    if budget is not None:
        ok &= cost <= budget + 1e-9
    return float(cost[ok].min()) if ok.any() else None


def strict_by_risk(p: PlanningProblem, selected: list[str]) -> list[float]:
    """Strict residual of each risk with *selected*, its closure and what is forced."""
    on = closure_ids(p, list(selected)) | forced_ids(p)
    return [
        credit(
            risk.likelihood, risk.impact, [li for need, li in lay if need <= on]
        ).harm
        for risk, lay in zip(p.risks, layers(p), strict=True)
    ]
