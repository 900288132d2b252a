"""The planner: choose mitigations that are closed under "requires".

Two modes over one model of expected residual harm:

* **budget** (``objective="harm"``): under a money and/or hours budget,
  minimise Σ_risks p_res × I_res;
* **tolerance** (``objective="cost"``): bring every risk's residual expected
  harm within its tolerance at minimum cost, or return an explicit
  ``"infeasible"`` result naming the risks that cannot be reached and why.

The residual of a risk with inherent likelihood *p* and impact *I*, under the
chosen set *S*, is ``p × Π(1 − a_m) × I × Π(1 − b_m)`` over the mitigations
*m* in *S* (``a`` on likelihood, ``b`` on impact), and the armed responses of
critical risks. Every plan contains the closure of what it chooses, and a
critical risk always gets its required responses (with what they require).

Methods (recorded in :attr:`PlanResult.method` with the optimality gap):

* ``"milp-oa"`` (exact, budget mode): outer approximation. ``harm_r =
  h_r × exp(y_r)`` with ``y_r = Σ x_m log f_mr`` is convex in *y*, so tangent
  cuts under-estimate it; a MILP (``scipy.optimize.milp``, HiGHS) over the
  cuts and the precedence and budget constraints gives a lower bound, its
  solution an upper bound, and cuts are added at the solution until the two
  meet within ``gap``.
* ``"milp"`` (exact, tolerance mode): the tolerances are linear in log space,
  ``Σ x_m log f_mr ≤ log(tol_r / h_r)``: a set-cover MILP with precedence.
* ``"greedy"`` (large instances): lazy greedy on the closure-aware ratio
  harm reduction / cost of (item + missing prerequisites), the best single
  closure, then drop-add local improvement; the gap is to the LP relaxation
  of the outer approximation (a valid lower bound).

numpy and scipy are imported inside the functions that need them.

.. versionadded:: 0.1
"""

# ruff: noqa: N806  (matrices and graphs keep their mathematical names)
from __future__ import annotations

import heapq
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from attrs import field, frozen

from riskcore.errors import GraphError, PlanError
from riskcore.model.plan import ArmedResponse, Plan, PlanItem

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes

    from riskcore.model.catalog import Catalog

__all__ = [
    "FrontierPoint",
    "Infeasibility",
    "MitigationSpec",
    "PlanResult",
    "PlanningProblem",
    "Reason",
    "ResponseSpec",
    "RiskEffect",
    "RiskSpec",
    "pareto_frontier",
    "plan",
    "problem_from_catalog",
    "solve",
]

Objective = Literal["harm", "cost"]


def _strs(v: Iterable[str]) -> tuple[str, ...]:
    return tuple(v)


def _effs(v: Iterable[RiskEffect]) -> tuple[RiskEffect, ...]:
    return tuple(v)


def _risks(v: Iterable[RiskSpec]) -> tuple[RiskSpec, ...]:
    return tuple(v)


def _mits(v: Iterable[MitigationSpec]) -> tuple[MitigationSpec, ...]:
    return tuple(v)


def _resps(v: Iterable[ResponseSpec]) -> tuple[ResponseSpec, ...]:
    return tuple(v)


Method = Literal["auto", "exact", "heuristic"]

_EXACT_MAX = 60
"""``method="auto"`` uses the exact MILP up to this many mitigations."""

_LOG_FLOOR = -30.0


# ----------------------------------------------------------------- problem


@frozen(kw_only=True)
class RiskEffect:
    """A fraction removed from one risk's likelihood or impact."""

    risk: str = field()
    effectiveness: float = field()
    on: Literal["likelihood", "impact"] = field(default="likelihood")


@frozen(kw_only=True)
class RiskSpec:
    """One risk to plan for, as point values.

    ``tolerance`` bounds the residual expected harm (likelihood × impact);
    ``responses`` are the responses a *critical* risk must get.
    """

    id: str = field()
    likelihood: float = field()
    impact: float = field()
    tolerance: float | None = field(default=None)
    critical: bool = field(default=False)
    responses: tuple[str, ...] = field(default=(), converter=_strs)


@frozen(kw_only=True)
class MitigationSpec:
    """One candidate mitigation, with what it costs, requires and reduces."""

    id: str = field()
    cost: float = field(default=0.0)
    hours: float = field(default=0.0)
    duration_days: float = field(default=0.0)
    requires: tuple[str, ...] = field(default=(), converter=_strs)
    effects: tuple[RiskEffect, ...] = field(default=(), converter=_effs)


@frozen(kw_only=True)
class ResponseSpec:
    """A response: what it requires and how it reduces risks once armed."""

    id: str = field()
    requires: tuple[str, ...] = field(default=(), converter=_strs)
    effects: tuple[RiskEffect, ...] = field(default=(), converter=_effs)
    owner: str = field(default="clinician")
    time_to_act_hours: float = field(default=24.0)


@frozen(kw_only=True)
class PlanningProblem:
    """Everything the optimiser needs, as plain numbers.

    Independent of the risk calculus and the catalog classes: build it with
    :func:`problem_from_catalog` (or by hand), then :func:`solve` it.
    ``required`` lists mitigations that must be in every plan.

    Examples
    --------
    >>> p = PlanningProblem(
    ...     risks=[RiskSpec(id="burnout", likelihood=0.4, impact=3.0)],
    ...     mitigations=[
    ...         MitigationSpec(id="supervision", cost=100.0,
    ...                        effects=[RiskEffect(risk="burnout", effectiveness=0.5)]),
    ...     ],
    ... )
    >>> round(p.residual(["supervision"]), 6)
    0.6
    """

    risks: tuple[RiskSpec, ...] = field(converter=_risks)
    mitigations: tuple[MitigationSpec, ...] = field(converter=_mits)
    responses: tuple[ResponseSpec, ...] = field(default=(), converter=_resps)
    required: tuple[str, ...] = field(default=(), converter=_strs)

    def residual(self, selected: Iterable[str]) -> float:
        """Expected residual harm with *selected* (closed under requires) in place."""
        c = _compile(self)
        idx = c.closure_of([c.index[m] for m in selected])
        return c.harm(idx | c.forced)

    def closure(self, selected: Iterable[str]) -> tuple[str, ...]:
        """*selected* with everything they require, in dependency order."""
        c = _compile(self)
        idx = c.closure_of([c.index[m] for m in selected])
        return tuple(c.ids[i] for i in c.order if i in idx)


class _Compiled:
    """Index-based form of a problem, with validation."""

    def __init__(self, p: PlanningProblem) -> None:
        self.ids = [m.id for m in p.mitigations]
        self.index: dict[str, int] = {}
        for i, m in enumerate(p.mitigations):
            if m.id in self.index:
                raise PlanError(f"mitigation {m.id!r} is defined more than once")
            self.index[m.id] = i
        self.risk_ids = [r.id for r in p.risks]
        rindex: dict[str, int] = {}
        for j, r in enumerate(p.risks):
            if r.id in rindex:
                raise PlanError(f"risk {r.id!r} is defined more than once")
            rindex[r.id] = j
            if not 0.0 <= r.likelihood <= 1.0:
                raise PlanError(
                    f"risk {r.id!r}: likelihood {r.likelihood!r} is not in [0, 1]"
                )
            if not r.impact >= 0.0:
                raise PlanError(f"risk {r.id!r}: impact {r.impact!r} is negative")
            if r.tolerance is not None and not r.tolerance >= 0.0:
                raise PlanError(f"risk {r.id!r}: tolerance {r.tolerance!r} is negative")
        self.rindex = rindex
        n = len(self.ids)
        self.cost = [0.0] * n
        self.hours = [0.0] * n
        self.duration = [0.0] * n
        self.req: list[list[int]] = [[] for _ in range(n)]
        self.eff: list[dict[int, float]] = [{} for _ in range(n)]
        for i, m in enumerate(p.mitigations):
            for attr in ("cost", "hours", "duration_days"):
                v = getattr(m, attr)
                if not (isinstance(v, (int, float)) and v >= 0.0 and math.isfinite(v)):
                    raise PlanError(
                        f"mitigation {m.id!r}: {attr} {v!r} is negative or not finite"
                    )
            self.cost[i], self.hours[i], self.duration[i] = (
                float(m.cost),
                float(m.hours),
                float(m.duration_days),
            )
            for req in m.requires:
                if req == m.id:
                    raise GraphError(f"{m.id!r} requires itself (self reference)")
                if req not in self.index:
                    raise GraphError(
                        f"{m.id!r} requires {req!r}, which is not a mitigation (dangling reference)"
                    )
                self.req[i].append(self.index[req])
            self.eff[i] = self._effects(f"mitigation {m.id!r}", m.effects)
        self.eff_list = [sorted(e.items()) for e in self.eff]
        self.order = self._toposort()
        # responses: critical risks arm theirs; their prerequisites are forced
        responses = {r.id: r for r in p.responses}
        self.armed: dict[str, list[str]] = {}
        forced_roots: list[int] = []
        self.forced_why: dict[int, str] = {}
        for r in p.risks:
            if not r.critical:
                continue
            for rid in r.responses:
                if rid not in responses:
                    raise PlanError(
                        f"risk {r.id!r} requires response {rid!r}, which is not in the problem"
                    )
                self.armed.setdefault(rid, []).append(r.id)
        self.response_specs = {rid: responses[rid] for rid in self.armed}
        base_factor = [1.0] * len(p.risks)
        for rid, resp in self.response_specs.items():
            for req in resp.requires:
                if req not in self.index:
                    raise GraphError(
                        f"response {rid!r} requires {req!r}, which is not a mitigation (dangling reference)"
                    )
                k = self.index[req]
                forced_roots.append(k)
                self.forced_why.setdefault(
                    k,
                    f"required by response {rid!r} for critical risk {self.armed[rid][0]!r}",
                )
            for j, f in self._effects(f"response {rid!r}", resp.effects).items():
                base_factor[j] *= f
        for mid in p.required:
            if mid not in self.index:
                raise PlanError(f"required mitigation {mid!r} is not in the problem")
            forced_roots.append(self.index[mid])
            self.forced_why.setdefault(self.index[mid], "required by the request")
        self.h = [
            r.likelihood * r.impact * base_factor[j] for j, r in enumerate(p.risks)
        ]
        self.inherent = sum(r.likelihood * r.impact for r in p.risks)
        self.tolerance = [r.tolerance for r in p.risks]
        self.forced = self.closure_of(forced_roots)
        for k in self.forced:
            if k not in self.forced_why:
                dep = next(
                    i
                    for i in sorted(self.forced)
                    if k in self.closure_of([i]) and i in self.forced_why
                )
                self.forced_why[k] = (
                    f"required by {self.ids[dep]!r} ({self.forced_why[dep]})"
                )
        self.dependents: list[list[int]] = [[] for _ in range(n)]
        for i in range(n):
            for j in self.req[i]:
                self.dependents[j].append(i)
        self._all_closures: list[frozenset[int]] | None = None
        self._rdeps: list[list[int]] | None = None

    def _effects(self, who: str, effects: Sequence[RiskEffect]) -> dict[int, float]:
        out: dict[int, float] = {}
        for e in effects:
            if e.risk not in self.rindex:
                raise GraphError(
                    f"{who} reduces {e.risk!r}, which is not a risk (dangling reference)"
                )
            if not 0.0 <= e.effectiveness <= 1.0:
                raise PlanError(
                    f"{who}: effectiveness {e.effectiveness!r} on {e.risk!r} is not in [0, 1]"
                )
            if e.on not in ("likelihood", "impact"):
                raise PlanError(
                    f"{who}: effect on {e.on!r} is neither 'likelihood' nor 'impact'"
                )
            j = self.rindex[e.risk]
            out[j] = out.get(j, 1.0) * (1.0 - e.effectiveness)
        return {j: f for j, f in out.items() if f < 1.0}

    def _toposort(self) -> list[int]:
        n = len(self.ids)
        indeg = [len(r) for r in self.req]
        deps: list[list[int]] = [[] for _ in range(n)]
        for i in range(n):
            for j in self.req[i]:
                deps[j].append(i)
        # Kahn's algorithm, smallest catalog index first: a stable order
        ready = [i for i in range(n) if indeg[i] == 0]
        heapq.heapify(ready)
        order: list[int] = []
        while ready:
            j = heapq.heappop(ready)
            order.append(j)
            for i in deps[j]:
                indeg[i] -= 1
                if indeg[i] == 0:
                    heapq.heappush(ready, i)
        if len(order) < n:
            import networkx as nx

            from riskcore.graph import validate_graph

            G = nx.DiGraph()
            G.add_nodes_from(self.ids, kind="mitigation")
            G.add_edges_from(
                ((self.ids[i], self.ids[j]) for i in range(n) for j in self.req[i]),
                relation="requires",
            )
            validate_graph(G)
        return order

    def closures(self) -> list[frozenset[int]]:
        """The closure of every mitigation, built in dependency order."""
        if self._all_closures is None:
            out: list[frozenset[int]] = [frozenset()] * len(self.ids)
            for i in self.order:
                out[i] = frozenset([i]).union(*(out[j] for j in self.req[i]))
            self._all_closures = out
        return self._all_closures

    def rdeps(self) -> list[list[int]]:
        """For each mitigation, every mitigation whose closure contains it."""
        if self._rdeps is None:
            out: list[list[int]] = [[] for _ in self.ids]
            for i, cl in enumerate(self.closures()):
                for k in cl:
                    if k != i:
                        out[k].append(i)
            self._rdeps = out
        return self._rdeps

    def closure_one(self, i: int) -> frozenset[int]:
        return self.closures()[i]

    def closure_of(self, roots: Iterable[int]) -> set[int]:
        seen = set(roots)
        stack = list(seen)
        while stack:
            u = stack.pop()
            for v in self.req[u]:
                if v not in seen:
                    seen.add(v)
                    stack.append(v)
        return seen

    def surv(self, chosen: Iterable[int]) -> list[float]:
        s = [1.0] * len(self.h)
        for i in chosen:
            for j, f in self.eff_list[i]:
                s[j] *= f
        return s

    def harm(self, chosen: Iterable[int]) -> float:
        s = self.surv(chosen)
        return sum(h * v for h, v in zip(self.h, s, strict=True))

    def totals(self, chosen: Iterable[int]) -> tuple[float, float]:
        ch = list(chosen)
        return float(sum(self.cost[i] for i in ch)), float(
            sum(self.hours[i] for i in ch)
        )


def _compile(p: PlanningProblem) -> _Compiled:
    return _Compiled(p)


# ----------------------------------------------------------------- results


@frozen(kw_only=True)
class Reason:
    """Why a mitigation is in a plan, or why it is not.

    ``kind`` is ``"forced"`` (a critical risk's response or the request needs
    it), ``"required"`` (another chosen mitigation requires it),
    ``"marginal"`` (chosen for its own reduction) or ``"rejected"``.
    ``reduction`` is the expected harm it removes (for a rejected one: with its
    missing prerequisites, added to the plan), ``cost`` the cost that takes
    and ``ratio`` their quotient.
    """

    mitigation: str = field()
    kind: str = field()
    text: str = field()
    reduction: float = field(default=0.0)
    cost: float = field(default=0.0)
    ratio: float = field(default=0.0)
    required_by: tuple[str, ...] = field(default=())
    hours: float = field(default=0.0)


@frozen(kw_only=True)
class Infeasibility:
    """A risk whose tolerance cannot be reached, and why."""

    risk: str = field()
    tolerance: float = field()
    best_residual: float = field()
    reason: str = field()


@frozen(kw_only=True)
class FrontierPoint:
    """One point of the cost–residual Pareto frontier.

    ``gap`` bounds the point's distance from the optimum at its ``budget``;
    ``None`` for points of the greedy path, which carry no bound.
    """

    cost: float = field()
    hours: float = field()
    residual: float = field()
    selected: tuple[str, ...] = field()
    budget: float | None = field(default=None)
    gap: float | None = field(default=None)


@frozen(kw_only=True)
class PlanResult:
    """The outcome of planning.

    ``status`` is ``"optimal"`` (proved within ``gap``), ``"feasible"`` (a
    heuristic plan; ``gap`` bounds how far from optimal) or ``"infeasible"``
    (nothing selected; ``infeasible`` names the risks and why). ``bound`` is
    the best known lower bound on the objective (residual harm in budget mode,
    cost in tolerance mode). ``selected`` is in dependency order.
    """

    status: Literal["optimal", "feasible", "infeasible"] = field()
    mode: Literal["budget", "tolerance"] = field()
    method: str = field()
    selected: tuple[str, ...] = field(default=())
    cost: float = field(default=0.0)
    hours: float = field(default=0.0)
    inherent: float = field(default=0.0)
    residual: float = field(default=0.0)
    bound: float = field(default=0.0)
    gap: float = field(default=0.0)
    residual_by_risk: Mapping[str, float] = field(factory=dict)
    responses: Mapping[str, tuple[str, ...]] = field(factory=dict)
    reasons: tuple[Reason, ...] = field(default=())
    rejected: tuple[Reason, ...] = field(default=())
    infeasible: tuple[Infeasibility, ...] = field(default=())
    frontier: tuple[FrontierPoint, ...] = field(default=())
    phases: tuple[tuple[str, ...], ...] = field(default=())
    start_day: Mapping[str, float] = field(factory=dict)
    budget: float | None = field(default=None)
    hours_budget: float | None = field(default=None)
    seconds: float = field(default=0.0)

    @property
    def feasible(self) -> bool:
        """False if the request could not be met."""
        return self.status != "infeasible"

    def raise_if_infeasible(self) -> PlanResult:
        """Return self, or raise :class:`PlanError` naming the unreachable risks."""
        if self.feasible:
            return self
        names = "; ".join(f"{i.risk}: {i.reason}" for i in self.infeasible)
        raise PlanError(f"no plan meets the request: {names}")

    def to_plan(self, case_id: str, *, seed: int | None = None) -> Plan:
        """The :class:`~riskcore.model.plan.Plan` of this result.

        Raises
        ------
        PlanError
            If the result is infeasible: a partial plan is never returned.
        """
        self.raise_if_infeasible()
        why = {r.mitigation: r.text for r in self.reasons}
        phase_of = {m: k for k, ph in enumerate(self.phases) for m in ph}
        costs = {r.mitigation: r for r in self.reasons}
        items = tuple(
            PlanItem(
                mitigation=m,
                phase=phase_of.get(m, 0),
                start_day=self.start_day.get(m, 0.0),
                cost=costs[m].cost if m in costs else 0.0,
                hours=costs[m].hours if m in costs else 0.0,
                reason=why.get(m, "")[:1000],
            )
            for m in self.selected
        )
        responses = tuple(
            ArmedResponse(
                response=rid,
                reason=f"required for critical risk(s) {', '.join(risks)}"[:1000],
            )
            for rid, risks in sorted(self.responses.items())
        )
        notes = (
            f"{self.mode} mode, {self.method}: status {self.status}, gap {self.gap:.2%}",
            f"expected harm {self.inherent:.4g} -> {self.residual:.4g}",
        )
        fields: dict[str, Any] = {
            "case_id": case_id,
            "items": items,
            "responses": responses,
            "total_cost": self.cost,
            "total_hours": self.hours,
            "method_version": f"riskcore.planner/{self.method}",
            "seed": seed,
            "notes": notes,
            "expected_inherent": self.inherent,
            "expected_residual": self.residual,
            "optimality_gap": self.gap,
        }
        return Plan(**fields)

    # -- notebook views (riskcore.display, riskcore.frames, riskcore.plot) --

    def __repr__(self) -> str:
        from riskcore.display import plan_result_text

        return plan_result_text(self)

    def _repr_html_(self) -> str | None:
        from riskcore.display import plan_result_html

        return plan_result_html(self)

    def to_pandas(self) -> pd.DataFrame:
        """One row per item; columns and dtypes in :data:`riskcore.frames.PLAN_COLUMNS`.

        Needs pandas (``pip install "riskcore[pandas]"``).

        .. versionadded:: 0.1
        """
        from riskcore.frames import plan_frame

        return plan_frame(self)

    def plot_frontier(self, *, ax: Axes | None = None) -> Axes:
        """The cost–residual Pareto frontier (:func:`riskcore.plot.frontier`); returns the Axes.

        Needs matplotlib (``pip install "riskcore[plot]"``).

        .. versionadded:: 0.1
        """
        from riskcore.plot import frontier

        return frontier(self, ax=ax)


# ----------------------------------------------------------------- solving


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
) -> PlanResult:
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
        ``"auto"`` is exact up to 60 mitigations in budget mode and always in
        tolerance mode (falling back to the heuristic if the MILP times out).
    frontier : int
        Number of budgets at which to solve for the cost–residual Pareto
        frontier (0: the frontier is the greedy path, computed once).
    gap : float
        Relative optimality gap at which the exact method stops.
    time_limit : float
        Seconds for each MILP.
    explain : int
        How many of the best rejected mitigations to explain.

    Returns
    -------
    PlanResult

    Raises
    ------
    PlanError
        A negative budget, an unknown objective or method, a negative cost,
        an effectiveness outside [0, 1], a tolerance mode with no tolerances.
    GraphError
        A requirement cycle (printed whole), a self or dangling reference.

    Examples
    --------
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
    'would reduce expected harm by 0.12 (0.003 per unit cost) for 40 more, over the remaining budget of 5'
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
    c = _compile(problem)
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
    return _evolve(result, seconds=time.perf_counter() - t0)


def _evolve(r: PlanResult, **kw: Any) -> PlanResult:
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


# --- shared result assembly


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
) -> PlanResult:
    chosen = c.closure_of(chosen) | c.forced
    order = [i for i in c.order if i in chosen]
    cost, hrs = c.totals(chosen)
    surv = c.surv(chosen)
    residual = sum(h * v for h, v in zip(c.h, surv, strict=True))
    objective_value = residual if mode == "budget" else cost
    g = _rel_gap(objective_value, bound)
    reasons = _reasons(c, chosen, order, surv)
    rejected = _rejected(c, chosen, surv, budget, hours, tol, explain)
    ph, start = _phases(c, chosen)
    return PlanResult(
        status=status if g > 0.0 or status == "optimal" else "optimal",
        mode=mode,
        method=method,
        selected=tuple(c.ids[i] for i in order),
        cost=cost,
        hours=hrs,
        inherent=c.inherent,
        residual=residual,
        bound=bound,
        gap=g,
        residual_by_risk={r: c.h[j] * surv[j] for j, r in enumerate(c.risk_ids)},
        responses={rid: tuple(v) for rid, v in c.armed.items()},
        reasons=reasons,
        rejected=rejected,
        phases=ph,
        start_day=start,
        budget=budget,
        hours_budget=hours,
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


def _fmt(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 1e4 else f"{x:,.0f}"


def _reasons(
    c: _Compiled, chosen: set[int], order: list[int], surv: list[float]
) -> tuple[Reason, ...]:
    out: list[Reason] = []
    for i in order:
        by = tuple(sorted(c.ids[k] for k in c.dependents[i] if k in chosen))
        own = sum(
            c.h[j] * surv[j] * (1.0 / f - 1.0) if f > 0 else math.nan
            for j, f in c.eff_list[i]
        )
        if any(f == 0.0 for _, f in c.eff_list[i]):
            # removing a perfect layer: recompute that risk without it
            own = 0.0
            for j, f in c.eff_list[i]:
                rest = math.prod(c.eff[k].get(j, 1.0) for k in chosen if k != i)
                own += c.h[j] * rest * (1.0 - f)
        ratio = own / c.cost[i] if c.cost[i] > 0 else math.inf if own > 0 else 0.0
        marginal = f"reduces expected harm by {_fmt(own)}" + (
            f" ({_fmt(ratio)} per unit cost)" if c.cost[i] > 0 else " at no cost"
        )
        if i in c.forced:
            text = c.forced_why[i] + (f"; {marginal}" if own > 0 else "")
            kind = "forced"
        elif by:
            text = "required by " + ", ".join(by) + (f"; {marginal}" if own > 0 else "")
            kind = "required"
        else:
            text = marginal
            kind = "marginal"
        out.append(
            Reason(
                mitigation=c.ids[i],
                kind=kind,
                text=text,
                reduction=own,
                cost=c.cost[i],
                ratio=ratio,
                required_by=by,
                hours=c.hours[i],
            )
        )
    return tuple(out)


def _add_gain(
    c: _Compiled, chosen: set[int] | frozenset[int], surv: list[float], i: int
) -> tuple[float, float, float, list[int]]:
    missing = [k for k in c.closure_one(i) if k not in chosen]
    prod: dict[int, float] = {}
    dc = dh = 0.0
    for k in missing:
        dc += c.cost[k]
        dh += c.hours[k]
        for j, f in c.eff_list[k]:
            prod[j] = prod.get(j, 1.0) * f
    gain = sum(c.h[j] * surv[j] * (1.0 - p) for j, p in prod.items())
    return gain, dc, dh, missing


def _rejected(
    c: _Compiled,
    chosen: set[int],
    surv: list[float],
    budget: float | None,
    hours: float | None,
    tol: list[float | None] | None,
    explain: int,
) -> tuple[Reason, ...]:
    if explain <= 0:
        return ()
    cost, hrs = c.totals(chosen)
    cands: list[tuple[float, float, int, float, float, float, list[int]]] = []
    for i in range(len(c.ids)):
        if i in chosen or not c.eff_list[i]:
            continue
        gain, dc, dh, missing = _add_gain(c, chosen, surv, i)
        if gain <= 0.0:
            continue
        ratio = gain / dc if dc > 0 else math.inf
        cands.append((-ratio, -gain, i, gain, dc, dh, missing))
    cands.sort()
    out: list[Reason] = []
    for neg_ratio, _, i, gain, dc, dh, missing in cands[:explain]:
        ratio = -neg_ratio
        pre = sorted(c.ids[k] for k in missing if k != i)
        with_pre = f" with {', '.join(pre)}" if pre else ""
        head = f"would reduce expected harm by {_fmt(gain)}{with_pre}"
        rate = f" ({_fmt(ratio)} per unit cost)" if dc > 0 else ""
        if tol is not None:
            touched = [j for j, _ in c.eff_list[i] if tol[j] is not None]
            if all(c.h[j] * surv[j] <= (tol[j] or 0.0) * (1 + 1e-9) for j in touched):
                why = "not needed: every risk it reduces is already within tolerance"
            else:
                why = f"{head}{rate} for {_fmt(dc)} more: a cheaper set reaches the tolerances"
        elif budget is not None and cost + dc > budget * (1 + 1e-12):
            why = f"{head}{rate} for {_fmt(dc)} more, over the remaining budget of {_fmt(budget - cost)}"
        elif hours is not None and hrs + dh > hours * (1 + 1e-12):
            why = f"{head}{rate} for {_fmt(dh)} more hours, over the remaining {_fmt(hours - hrs)} hours"
        else:  # pragma: no cover - a fitting improvement is taken by every method
            why = f"{head}{rate}: not found by the heuristic"
        out.append(
            Reason(
                mitigation=c.ids[i],
                kind="rejected",
                text=why,
                reduction=gain,
                cost=dc,
                ratio=ratio,
                hours=dh,
            )
        )
    return tuple(out)


def _infeasible_result(
    c: _Compiled,
    mode: Literal["budget", "tolerance"],
    method: str,
    items: list[Infeasibility],
    budget: float | None,
    hours: float | None,
) -> PlanResult:
    return PlanResult(
        status="infeasible",
        mode=mode,
        method=method,
        inherent=c.inherent,
        residual=c.inherent,
        infeasible=tuple(items),
        responses={rid: tuple(v) for rid, v in c.armed.items()},
        budget=budget,
        hours_budget=hours,
    )


def _forced_fits(
    c: _Compiled,
    budget: float | None,
    hours: float | None,
    mode: Literal["budget", "tolerance"],
) -> PlanResult | None:
    fc, fh = c.totals(c.forced)
    over = []
    if budget is not None and fc > budget * (1 + 1e-12):
        over.append(f"costs {_fmt(fc)} > budget {_fmt(budget)}")
    if hours is not None and fh > hours * (1 + 1e-12):
        over.append(f"takes {_fmt(fh)} hours > {_fmt(hours)} available")
    if not over:
        return None
    items = []
    for rid, risks in sorted(c.armed.items()):
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
                )
            )
    if not items:
        items.append(
            Infeasibility(
                risk="*",
                tolerance=math.inf,
                best_residual=c.inherent,
                reason="the required mitigations " + " and ".join(over),
            )
        )
    return _infeasible_result(c, mode, "none", items, budget, hours)


# --- budget mode


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
    }
    useful = [i for i in range(len(c.ids)) if c.eff_list[i]]
    if (budget is None and hours is None) or not useful:
        everything = c.closure_of(useful) | c.forced
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


def _norm(
    c: _Compiled, budget: float | None, hours: float | None
) -> tuple[float, float]:
    # weights of money and hours in the greedy ratio
    wc = 1.0 / budget if budget else (0.0 if budget is None else 1e12)
    wh = 1.0 / hours if hours else (0.0 if hours is None else 1e12)
    return wc, wh


def _greedy(
    c: _Compiled,
    budget: float | None,
    hours: float | None,
    start: set[int] | None = None,
    trace: list[tuple[float, float, float, list[int]]] | None = None,
) -> set[int]:
    """Lazy greedy on harm reduction per (normalised) closure cost.

    Heap entries are upper bounds on an item's ratio: its gain only falls as
    the plan grows, and its missing cost is kept exact incrementally (buying a
    prerequisite lowers it for every dependent, which is re-pushed). An entry
    is accepted only once re-evaluated at the current step.
    """
    n = len(c.ids)
    chosen = set(c.forced if start is None else start)
    in_s = bytearray(n)
    for i in chosen:
        in_s[i] = 1
    surv = c.surv(chosen)
    harm = sum(h * v for h, v in zip(c.h, surv, strict=True))
    cost, hrs = c.totals(chosen)
    wc, wh = _norm(c, budget, hours)
    if wc == 0.0 and wh == 0.0:
        wc = 1.0
    inf_b = math.inf if budget is None else budget * (1 + 1e-12)
    inf_h = math.inf if hours is None else hours * (1 + 1e-12)
    closures = c.closures()
    rdeps = c.rdeps()
    ccost, chours, effs, hvec = c.cost, c.hours, c.eff_list, c.h
    dcost = [0.0] * n
    dhrs = [0.0] * n
    gain_ub = [0.0] * n
    version = [0] * n
    epoch = 0
    heap: list[tuple[float, int, int, int]] = []

    def exact(i: int) -> tuple[float, list[int]]:
        missing = [k for k in closures[i] if not in_s[k]]
        prod: dict[int, float] = {}
        for k in missing:
            for j, f in effs[k]:
                prod[j] = prod.get(j, 1.0) * f
        g = sum(hvec[j] * surv[j] * (1.0 - p) for j, p in prod.items())
        return g, missing

    def push(i: int, g: float, ep: int) -> None:
        version[i] += 1
        gain_ub[i] = g
        if g <= 0.0 or cost + dcost[i] > inf_b or hrs + dhrs[i] > inf_h:
            return
        w = wc * dcost[i] + wh * dhrs[i]
        heapq.heappush(heap, (-(g / w) if w > 0 else -math.inf, i, version[i], ep))

    for i in range(n):
        if not in_s[i] and effs[i]:
            for k in closures[i]:
                if not in_s[k]:
                    dcost[i] += ccost[k]
                    dhrs[i] += chours[k]
            push(i, exact(i)[0], epoch)
    while heap:
        _, i, ver, ep = heapq.heappop(heap)
        if in_s[i] or ver != version[i]:
            continue
        if ep != epoch:
            push(i, exact(i)[0], epoch)  # stale: re-evaluate, let the heap decide
            continue
        if cost + dcost[i] > inf_b or hrs + dhrs[i] > inf_h:  # pragma: no cover
            continue
        g, missing = exact(i)
        for k in missing:
            in_s[k] = 1
            for j, f in effs[k]:
                surv[j] *= f
        chosen.update(missing)
        cost += dcost[i]
        hrs += dhrs[i]
        harm -= g
        epoch += 1
        if trace is not None:
            trace.append((cost, hrs, harm, missing))
        # prerequisites just bought make their dependents cheaper: re-rate now
        changed: set[int] = set()
        for k in missing:
            ck, hk = ccost[k], chours[k]
            for d in rdeps[k]:
                if not in_s[d]:
                    dcost[d] -= ck
                    dhrs[d] -= hk
                    changed.add(d)
        for d in changed:
            if effs[d]:
                push(d, gain_ub[d], -1)
    return chosen


def _local_improve(
    c: _Compiled,
    chosen: set[int],
    budget: float | None,
    hours: float | None,
    seconds: float = 0.3,
) -> set[int]:
    """Best single closure, then drop-add moves, each followed by a greedy refill."""
    deadline = time.perf_counter() + seconds
    best = set(chosen)
    best_harm = c.harm(best)
    inf_b = math.inf if budget is None else budget * (1 + 1e-12)
    inf_h = math.inf if hours is None else hours * (1 + 1e-12)
    forced = set(c.forced)
    surv0 = c.surv(forced)
    base = sum(h * v for h, v in zip(c.h, surv0, strict=True))
    fc, fh = c.totals(forced)
    best_single, single_harm = -1, best_harm
    for i in range(len(c.ids)):
        if not c.eff_list[i]:
            continue
        gain, dc, dh, _ = _add_gain(c, forced, surv0, i)
        if fc + dc <= inf_b and fh + dh <= inf_h and base - gain < single_harm - 1e-15:
            best_single, single_harm = i, base - gain
    if best_single >= 0:
        best = _greedy(c, budget, hours, start=forced | c.closure_one(best_single))
        best_harm = c.harm(best)
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        surv = c.surv(best)
        # leaves: chosen, not forced, nothing chosen requires them
        leaves = [
            i
            for i in best
            if i not in c.forced and not any(d in best for d in c.dependents[i])
        ]
        losses = []
        for i in leaves:
            loss = 0.0
            for j, f in c.eff_list[i]:
                loss += c.h[j] * surv[j] * (1.0 / f - 1.0) if f > 0 else math.inf
            w = c.cost[i] + c.hours[i]
            losses.append((loss / w if w > 0 else math.inf, i))
        losses.sort()
        for _, i in losses[:20]:
            if time.perf_counter() > deadline:
                break
            trial = _greedy(c, budget, hours, start=best - {i})
            h = c.harm(trial)
            if h < best_harm * (1 - 1e-12):
                best, best_harm, improved = trial, h, True
                break
    return best


def _path_from_trace(
    c: _Compiled,
    trace: list[tuple[float, float, float, list[int]]],
    result: PlanResult,
    max_points: int = 50,
) -> tuple[FrontierPoint, ...]:
    """The greedy path up to the plan (at most *max_points* + 2 points).

    Each greedy step is a dependency-closed plan; their (cost, residual) pairs
    form an approximate frontier, which ends with the plan itself.
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


def _matrices(c: _Compiled) -> tuple[Any, list[int], list[float]]:
    """Sparse log-survival matrix (touched risks x mitigations) and y floors."""
    import numpy as np
    from scipy import sparse

    rows, cols, vals = [], [], []
    for i, effs in enumerate(c.eff_list):
        for j, f in effs:
            rows.append(j)
            cols.append(i)
            vals.append(max(math.log(f), _LOG_FLOOR) if f > 0 else _LOG_FLOOR)
    L = sparse.csr_matrix(
        (
            np.array(vals, dtype=float),
            (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)),
        ),
        shape=(len(c.h), len(c.ids)),
    )
    touched = sorted({j for j in rows if c.h[j] > 0})
    ymin = np.asarray(L.sum(axis=1)).ravel().tolist()
    return L, touched, ymin


def _precedence(c: _Compiled, nvar: int) -> tuple[Any, int]:
    import numpy as np
    from scipy import sparse

    rows, cols, vals = [], [], []
    k = 0
    for i in range(len(c.ids)):
        for j in c.req[i]:
            rows += [k, k]
            cols += [i, j]
            vals += [1.0, -1.0]
            k += 1
    A = sparse.csr_matrix(
        (
            np.array(vals, dtype=float),
            (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)),
        ),
        shape=(k, nvar),
    )
    return A, k


class _OAModel:
    """Outer-approximation model: x (mitigations) then t (touched risks)."""

    def __init__(
        self,
        c: _Compiled,
        budget: float | None,
        hours: float | None,
        dense: bool = True,
    ) -> None:
        import numpy as np

        self.c = c
        self.L, self.touched, self.ymin = _matrices(c)
        self.n = len(c.ids)
        self.nt = len(self.touched)
        self.nvar = self.n + self.nt
        self.Lt = self.L[self.touched, :]
        # risks no mitigation reduces are a constant; those with zero harm are 0
        self.const = sum(
            c.h[j] for j in range(len(c.h)) if self.L.indptr[j] == self.L.indptr[j + 1]
        )
        self.cuts: list[tuple[int, float]] = []
        self.obj = np.concatenate([np.zeros(self.n), np.ones(self.nt)])
        self.budget, self.hours = budget, hours
        lo = np.zeros(self.nvar)
        for i in c.forced:
            lo[i] = 1.0
        hi = np.concatenate([np.ones(self.n), np.full(self.nt, np.inf)])
        self.lo, self.hi = lo, hi
        for k, j in enumerate(self.touched):
            ym = self.ymin[j]
            grid = (
                {0.0, ym, ym / 2, ym / 4, -0.05, -0.2, -0.7, -2.0}
                if dense
                else {0.0, ym / 2}
            )
            for y0 in grid:
                if y0 >= ym:
                    self.cuts.append((k, y0))

    def add_cuts(self, y: Sequence[float]) -> None:
        for k, y0 in enumerate(y):
            self.cuts.append((k, float(y0)))

    def y_of(self, x: Any) -> Any:
        return self.Lt @ x[: self.n]

    def _cut_matrix(self) -> tuple[Any, Any]:
        """Rows ``t_k - h e^{y0} (L_k x) >= h e^{y0} (1 - y0)``, one per cut."""
        import numpy as np
        from scipy import sparse

        Lt = self.Lt.tocsr()
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        rhs: list[float] = []
        for r, (k, y0) in enumerate(self.cuts):
            a = self.c.h[self.touched[k]] * math.exp(y0)
            s, e = Lt.indptr[k], Lt.indptr[k + 1]
            rows.extend([r] * (e - s + 1))
            cols.extend(Lt.indices[s:e].tolist())
            vals.extend((-a * Lt.data[s:e]).tolist())
            cols.append(self.n + k)
            vals.append(1.0)
            rhs.append(a * (1.0 - y0))
        C = sparse.csr_matrix((vals, (rows, cols)), shape=(len(self.cuts), self.nvar))
        return C, np.array(rhs)

    def lp(self, time_limit: float) -> tuple[float, float]:
        """The LP relaxation's value and its slope in the money budget (<= 0).

        The slope is the budget row's dual: by convexity of the LP value in
        the budget, ``value + slope * (B - budget)`` is a lower bound at any
        other budget *B* (hours held fixed).
        """
        import numpy as np
        from scipy import sparse
        from scipy.optimize import linprog

        c = self.c
        C, rhs = self._cut_matrix()
        blocks = [-C]
        b = [-rhs]
        P, k = _precedence(c, self.nvar)
        if k:
            blocks.append(P)
            b.append(np.zeros(k))
        row = None
        for vec, lim in ((c.cost, self.budget), (c.hours, self.hours)):
            if lim is not None:
                if vec is c.cost:
                    row = sum(x.shape[0] for x in blocks)
                blocks.append(
                    sparse.csr_matrix(np.concatenate([vec, np.zeros(self.nt)])[None, :])
                )
                b.append(np.array([lim]))
        res = linprog(
            self.obj,
            A_ub=sparse.vstack(blocks).tocsr(),
            b_ub=np.concatenate(b),
            bounds=np.column_stack([self.lo, self.hi]),
            method="highs",
            options={"time_limit": time_limit},
        )
        if res.status != 0:  # pragma: no cover - the LP always has the incumbent
            return 0.0, 0.0
        slope = float(res.ineqlin.marginals[row]) if row is not None else 0.0
        return float(res.fun) + self.const, min(slope, 0.0)

    def solve(self, integral: bool, time_limit: float, gap: float) -> Any:
        import numpy as np
        from scipy.optimize import Bounds, LinearConstraint, milp

        c = self.c
        C, rhs = self._cut_matrix()
        cons = [LinearConstraint(C, rhs, np.inf)]
        P, k = _precedence(c, self.nvar)
        if k:
            cons.append(LinearConstraint(P, -np.inf, 0.0))
        if self.budget is not None:
            cons.append(
                LinearConstraint(
                    np.concatenate([c.cost, np.zeros(self.nt)])[None, :],
                    -np.inf,
                    self.budget,
                )
            )
        if self.hours is not None:
            cons.append(
                LinearConstraint(
                    np.concatenate([c.hours, np.zeros(self.nt)])[None, :],
                    -np.inf,
                    self.hours,
                )
            )
        integrality = np.concatenate(
            [np.full(self.n, 1 if integral else 0), np.zeros(self.nt)]
        )
        return milp(
            self.obj,
            integrality=integrality,
            bounds=Bounds(self.lo, self.hi),
            constraints=cons,
            options={
                "time_limit": time_limit,
                "mip_rel_gap": gap / 4,
                "presolve": True,
            },
        )


def _oa_milp(
    c: _Compiled,
    budget: float | None,
    hours: float | None,
    gap: float,
    time_limit: float,
    incumbent: set[int],
    max_rounds: int = 40,
) -> tuple[set[int], float, bool] | None:
    import numpy as np

    model = _OAModel(c, budget, hours)
    best, best_val = set(incumbent), c.harm(incumbent)
    x = np.zeros(model.nvar)
    x[list(best)] = 1.0
    model.add_cuts(model.y_of(x))
    lb = 0.0
    deadline = time.perf_counter() + time_limit
    for _ in range(max_rounds):
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        res = model.solve(True, left, gap)
        if res.x is None:
            return None if not best else (best, lb, False)
        lb = max(
            lb,
            float(res.mip_dual_bound if res.mip_dual_bound is not None else res.fun)
            + model.const,
        )
        xs = np.round(res.x[: model.n])
        sel = {int(i) for i in np.flatnonzero(xs > 0.5)}
        val = c.harm(sel)
        if val < best_val:
            best, best_val = sel, val
        if best_val - lb <= gap * max(best_val, 1e-12):
            return best, min(lb, best_val), True
        model.add_cuts(model.y_of(np.concatenate([xs, np.zeros(model.nt)])))
    return best, lb, False


def _lp_bound(
    c: _Compiled,
    budget: float | None,
    hours: float | None,
    incumbent: set[int],
    time_limit: float,
) -> tuple[float, float]:
    """Lower bound: LP relaxation of the outer approximation, and its budget slope.

    Tangents at 0, at half the deepest reachable log-survival, and at 0.7, 1
    and 1.3 times the incumbent's log-survival of each risk.
    """
    import numpy as np

    model = _OAModel(c, budget, hours, dense=False)
    x = np.zeros(model.nvar)
    x[list(incumbent)] = 1.0
    y = model.y_of(x)
    floor = np.array([model.ymin[j] for j in model.touched])
    for scale in (1.0, 0.7, 1.3):
        model.add_cuts(np.maximum(y * scale, floor))
    return model.lp(time_limit)


# --- tolerance mode


def _solve_tolerance(
    c: _Compiled,
    tol: list[float | None],
    budget: float | None,
    hours: float | None,
    method: Method,
    gap: float,
    time_limit: float,
    explain: int,
) -> PlanResult:
    import numpy as np
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

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
    n = len(c.ids)
    by_risk: list[list[int]] = [[] for _ in c.h]
    for i, effs in enumerate(c.eff_list):
        for j, _ in effs:
            by_risk[j].append(i)
    # 1. risks no plan can bring within tolerance, whatever it costs
    items: list[Infeasibility] = []
    targets: list[int] = []
    for j, t in enumerate(tol):
        if t is None or c.h[j] <= t * (1 + 1e-12):
            continue
        best = c.h[j] * math.prod(c.eff[i][j] for i in by_risk[j])
        if best > t * (1 + 1e-9):
            names = ", ".join(sorted(c.ids[i] for i in by_risk[j]))
            why = (
                f"no mitigation reduces it (residual {_fmt(c.h[j])} > tolerance {_fmt(t)})"
                if not by_risk[j]
                else f"best reachable residual {_fmt(best)} with every mitigation that reduces it "
                f"({names}) is above tolerance {_fmt(t)}"
            )
            items.append(
                Infeasibility(
                    risk=c.risk_ids[j], tolerance=t, best_residual=best, reason=why
                )
            )
        else:
            targets.append(j)
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

    def build(risks: list[int], with_budget: bool) -> tuple[Any, list[Any]]:
        rows, cols, vals, rhs = [], [], [], []
        for r, j in enumerate(risks):
            target = math.log(tol[j] / c.h[j]) if tol[j] else None  # type: ignore[operator]
            if target is None:
                # tolerance 0: some perfect layer must be chosen
                perfect = [i for i in by_risk[j] if c.eff[i][j] == 0.0]
                rows += [r] * len(perfect)
                cols += perfect
                vals += [-1.0] * len(perfect)
                rhs.append(-1.0)
                continue
            floor = min(_LOG_FLOOR, target - 1.0)
            for i in by_risk[j]:
                f = c.eff[i][j]
                rows.append(r)
                cols.append(i)
                vals.append(max(math.log(f), floor) if f > 0 else floor)
            rhs.append(target - 1e-9)
        A = sparse.csr_matrix((vals, (rows, cols)), shape=(len(risks), n))
        cons = [LinearConstraint(A, -np.inf, np.array(rhs))]
        P, k = _precedence(c, n)
        if k:
            cons.append(LinearConstraint(P, -np.inf, 0.0))
        if with_budget and budget is not None:
            cons.append(LinearConstraint(np.array(c.cost)[None, :], -np.inf, budget))
        if with_budget and hours is not None:
            cons.append(LinearConstraint(np.array(c.hours)[None, :], -np.inf, hours))
        return A, cons

    lo = np.zeros(n)
    lo[list(c.forced)] = 1.0
    # a tiny weight on hours and on harm breaks ties toward fewer hours
    obj = np.array(c.cost) + 1e-9 * np.array(c.hours)
    _, cons = build(targets, True)
    res = milp(
        obj,
        integrality=np.ones(n),
        bounds=Bounds(lo, 1.0),
        constraints=cons,
        options={"time_limit": time_limit, "mip_rel_gap": gap},
    )
    if res.x is not None:
        sel = {int(i) for i in np.flatnonzero(res.x > 0.5)}
        lb = (
            float(res.mip_dual_bound)
            if res.mip_dual_bound is not None
            else float(res.fun)
        )
        proved = res.status == 0
        return _finish(
            c,
            sel,
            method="milp",
            status="optimal" if proved else "feasible",
            bound=min(lb, c.totals(sel)[0]),
            **kw,
        )
    if res.status != 2:  # pragma: no cover - time limit without any solution
        raise PlanError(f"the tolerance MILP stopped without a plan: {res.message}")
    # 2. infeasible under the budget: name the risks that cannot be reached alone
    for j in targets:
        _, cons1 = build([j], False)
        r1 = milp(
            obj,
            integrality=np.ones(n),
            bounds=Bounds(lo, 1.0),
            constraints=cons1,
            options={"time_limit": time_limit},
        )
        need = float(r1.fun) if r1.x is not None else math.inf
        x1 = {int(i) for i in np.flatnonzero(r1.x > 0.5)} if r1.x is not None else set()
        h1 = sum(c.hours[i] for i in x1)
        over = []
        if budget is not None and need > budget * (1 + 1e-9):
            over.append(f"costs at least {_fmt(need)} > budget {_fmt(budget)}")
        if hours is not None and h1 > hours * (1 + 1e-9):
            over.append(f"its cheapest plan takes {_fmt(h1)} hours > {_fmt(hours)}")
        if over:
            items.append(
                Infeasibility(
                    risk=c.risk_ids[j],
                    tolerance=tol[j] or 0.0,
                    best_residual=c.h[j],
                    reason="reaching its tolerance " + " and ".join(over),
                )
            )
    if not items:
        for j in targets:
            items.append(
                Infeasibility(
                    risk=c.risk_ids[j],
                    tolerance=tol[j] or 0.0,
                    best_residual=c.h[j],
                    reason="each tolerance is reachable alone, but not all within the budget together",
                )
            )
    return _infeasible_result(c, "tolerance", "milp", items, budget, hours)


# ----------------------------------------------------------------- frontier


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
    solved: list[tuple[float, PlanResult]] = []
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
            local_seconds=0.0,
            bound=False,
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


# ----------------------------------------------------------------- adapters


def _tolerance_from_matrix(risk: Any, matrix: Any) -> float | None:
    """The largest expected harm at which *risk* is within its target level.

    With the inherent impact band fixed, the highest likelihood band whose cell
    is at or below the target level gives ``p_max``; the tolerance is
    ``p_max × impact``. Conservative when impact effects move the impact band.
    """
    target = getattr(risk, "target", None) or matrix.tolerance
    rank = matrix.rank(target)
    impact = float(risk.inherent.impact)
    j = matrix.impact_band(impact)
    p_max = 0.0
    for i, band in enumerate(matrix.likelihood_bands):
        if matrix.rank(matrix.grid[i][j]) <= rank:
            p_max = float(band.upper)
        else:
            break
    return min(p_max, 1.0) * impact


def _risk_spec(r: Any, matrix: Any) -> RiskSpec:
    from riskcore.model.distributions import mean_of

    point = getattr(r, "inherent", None)
    if point is not None and hasattr(point, "likelihood"):
        likelihood, impact = float(point.likelihood), float(point.impact)
    else:
        likelihood, impact = float(mean_of(r.likelihood)), float(mean_of(r.impact))
    tol = getattr(r, "tolerance", None)
    if not isinstance(tol, (int, float)) or isinstance(tol, bool):
        tol = (
            _tolerance_from_matrix(r, matrix)
            if matrix is not None and point is not None
            else None
        )
    responses = tuple(
        getattr(r, "required_responses", None) or getattr(r, "responses", ()) or ()
    )
    critical = bool(getattr(r, "critical", False)) or bool(
        getattr(r, "response_required", False)
    )
    return RiskSpec(
        id=str(r.id),
        likelihood=likelihood,
        impact=impact,
        tolerance=None if tol is None else float(tol),
        critical=critical,
        responses=responses,
    )


def problem_from_catalog(
    catalog: Catalog,
    risks: Iterable[Any] | None = None,
    *,
    required: Iterable[str] = (),
    in_place: Iterable[str] = (),
    matrix: Any = None,
) -> PlanningProblem:
    """A :class:`PlanningProblem` from a catalog and (optionally) risks.

    Parameters
    ----------
    catalog : Catalog
        Mitigations (cost, hours, duration, requires, effects) and responses.
    risks : iterable, optional
        The risks of a :class:`~riskcore.model.risk.RiskRegister` (their
        ``inherent`` likelihood and impact, ``critical`` or
        ``response_required``, ``required_responses``, ``target``), or any
        objects with ``id``, ``threat``, ``likelihood``, ``impact`` and
        optionally ``tolerance`` (on expected harm), ``critical`` and
        ``responses``. Several risks may share a threat: each gets the
        threat's effects. Without *risks*, one risk per threat from its base
        likelihood and impact (means).
    required : iterable of str
        Mitigations every plan must contain.
    in_place : iterable of str
        Mitigations already in place: required, at no further cost or hours.
    matrix : RiskMatrix, optional
        Turns a register risk's ``target`` level into an expected-harm
        tolerance (see Notes).

    Returns
    -------
    PlanningProblem

    Notes
    -----
    The planner's tolerance is on expected harm ``p × I``. A target *level*
    becomes ``p_max × I``, where ``p_max`` is the upper edge of the highest
    likelihood band whose cell, in the risk's inherent impact band, is at or
    below the target. Responses reduce impact, as in
    :func:`riskcore.identify.apply_controls`; the planner credits every layer
    (the register's ``residual_all``), not only the independent ones.

    Examples
    --------
    >>> from riskcore.model import Catalog, Mitigation, Threat, Effect, Severity
    >>> t = Threat(id="burnout", name="Burnout", category="wellbeing",
    ...            scope="professional", base_likelihood=0.4, impact=Severity(value=3))
    >>> m = Mitigation(id="supervision", name="Supervision", category="support", cost=100,
    ...                reduces=[Effect(threat="burnout", effectiveness=0.5)])
    >>> p = problem_from_catalog(Catalog(threats=[t], mitigations=[m]))
    >>> p.risks[0].likelihood, p.mitigations[0].effects[0].risk
    (0.4, 'burnout')
    """
    from riskcore.model.distributions import mean_of

    if risks is None:
        specs = [
            RiskSpec(
                id=t.id,
                likelihood=mean_of(t.base_likelihood),
                impact=mean_of(t.impact.value),
            )
            for t in catalog.threats
        ]
        of_threat = {t.id: [t.id] for t in catalog.threats}
    else:
        specs = []
        of_threat = {}
        for r in risks:
            specs.append(_risk_spec(r, matrix))
            of_threat.setdefault(str(r.threat), []).append(str(r.id))

    def effects(effs: Iterable[Any], force_impact: bool = False) -> list[RiskEffect]:
        return [
            RiskEffect(
                risk=rid,
                effectiveness=mean_of(e.effectiveness),
                on="impact" if force_impact else e.on.value,
            )
            for e in effs
            for rid in of_threat.get(e.threat, ())
        ]

    done = set(in_place)
    return PlanningProblem(
        risks=specs,
        mitigations=[
            MitigationSpec(
                id=m.id,
                cost=0.0 if m.id in done else m.cost,
                hours=0.0 if m.id in done else m.hours,
                duration_days=0.0 if m.id in done else m.duration_days,
                requires=m.requires,
                effects=effects(m.reduces),
            )
            for m in catalog.mitigations
        ],
        responses=[
            ResponseSpec(
                id=r.id,
                requires=r.requires,
                effects=effects(r.recovers, force_impact=True),
                owner=r.owner,
                time_to_act_hours=r.time_to_act_hours,
            )
            for r in catalog.responses
        ],
        required=(*required, *sorted(done)),
    )


def plan(
    register: Any,
    catalog: Catalog | None = None,
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
    armed: Any = (),  # TEMPORARY until the planner branch lands
) -> PlanResult:
    """Plan mitigations for a risk register (or a ready :class:`PlanningProblem`).

    Parameters
    ----------
    register : RiskRegister, iterable of risks, or PlanningProblem
        The risks to plan for; with a :class:`PlanningProblem`, *catalog* is
        not needed. Risks are read as in :func:`problem_from_catalog`; the
        register's ``mitigations`` are in place (free and kept) and its
        ``matrix`` turns each risk's target level into a tolerance, used
        with ``tolerance=True``.
    catalog : Catalog, optional
        Where mitigations and responses come from.
    budget, hours, tolerance, objective, method, frontier, gap, time_limit, explain
        As for :func:`solve`.

    Returns
    -------
    PlanResult

    Raises
    ------
    PlanError
        If a catalog is missing, or as for :func:`solve`.

    See Also
    --------
    solve, problem_from_catalog, riskcore.graph.build_graph
    """
    if isinstance(register, PlanningProblem):
        problem = register
    else:
        if catalog is None:
            raise PlanError("plan() needs a catalog unless given a PlanningProblem")
        risks = getattr(register, "risks", register)
        problem = problem_from_catalog(
            catalog,
            risks,
            in_place=getattr(register, "mitigations", ()) or (),
            matrix=getattr(register, "matrix", None),
        )
    return solve(
        problem,
        budget=budget,
        hours=hours,
        tolerance=tolerance,
        objective=objective,
        method=method,
        frontier=frontier,
        gap=gap,
        time_limit=time_limit,
        explain=explain,
    )
