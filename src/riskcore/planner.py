"""The planner: choose mitigations that are closed under "requires".

Two modes over one model of expected residual harm:

* **budget** (``objective="harm"``): under a money and/or hours budget,
  minimise Σ_risks p_res × I_res;
* **tolerance** (``objective="cost"``): bring every risk's residual expected
  harm within its tolerance at minimum cost, or return an explicit
  ``"infeasible"`` result naming the risks that cannot be reached and why.

The residual is the register's **strict** figure, computed by
:func:`riskcore.calculus.credit`, the one crediting rule
(``docs/crediting.md``): on each side (likelihood, impact) of a risk, layers
that share a dependency (a mitigation both require, transitively, or a
shared ``resources`` entry) form a common-cause group and only the best layer
of each group is credited, ``p × Π(1 − e_best) × I × Π(1 − e_best)``. Groups
form among the layers present, so the figure is not monotone in the plan.
Responses act per (response, subject): forced for the subject of a critical
risk that requires them (with what they require), or armed by a trigger and
in force once what they require is in the plan. Every plan contains the
closure of what it chooses.

Methods (recorded in :attr:`PlanResult.method` with the optimality gap):

* ``"milp-oa"`` (exact, budget mode): outer approximation. ``harm_r =
  h_r × exp(y_r)`` with ``y_r = Σ log f_l · z_l`` is convex in *y*, so
  tangent cuts under-estimate it. ``z_l`` is the credit of a conflicted
  layer (``z ≤ x``, ``Σ z ≤ 1`` per shared dependency key, lazy cuts
  ``z_a + z_b ≤ 1 + Σ_{u on the path}(1 − x_u)`` for layers a chain links);
  unconflicted layers enter through ``x``. A MILP (``scipy.optimize.milp``,
  HiGHS) over the cuts, precedence and budgets gives a lower bound, its
  solution evaluated by :func:`~riskcore.calculus.credit` an upper bound;
  cuts are added until the two meet within ``gap``.
* ``"milp"`` (exact, tolerance mode): the tolerances are linear in log space,
  ``Σ log f_l · z_l ≤ log(tol_r / h_r)``: a covering MILP with precedence and
  the same credit rows, re-solved with new cuts until no group is credited
  twice.
* ``"greedy"`` (large instances): lazy greedy on the closure-aware ratio
  harm reduction / cost of (item + missing prerequisites), ranked by the
  all-safeguards gain and accepted only on a positive strict gain, the best
  single closure, then drop-add local improvement (strict); the gap is to the
  LP relaxation of the outer approximation crediting every owner's best layer
  (a valid lower bound of the strict figure).

Every plan is pruned of chosen leaves that lower no risk, and a tolerance
plan is re-checked with :func:`~riskcore.calculus.credit`: never
``"feasible"`` with a risk over tolerance.

numpy and scipy are imported inside the functions that need them.

.. versionadded:: 0.1
"""

# ruff: noqa: N806  (matrices and graphs keep their mathematical names)
from __future__ import annotations

import heapq
import itertools
import math
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from attrs import field, frozen

from riskcore import calculus
from riskcore.errors import FieldError, GraphError, PlanError
from riskcore.model.plan import ArmedResponse, Plan, PlanItem, armed_pairs

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


def _armed(v: Iterable[Any]) -> tuple[tuple[str, str | None], ...]:
    """:func:`riskcore.model.plan.armed_pairs`, failing with a :class:`PlanError`.

    >>> _armed([("safety-plan", "c-01"), ("safety-plan", "c-01"), ("debrief", None)])
    (('safety-plan', 'c-01'), ('debrief', None))
    """
    try:
        return armed_pairs(v, field="armed")
    except FieldError as exc:
        raise PlanError(str(exc)) from None


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
    ``responses`` are the responses a *critical* risk must get; ``subject``
    is whose risk it is (``None``: the practice's). A response acts only on
    risks of the subject it is required or armed for.
    """

    id: str = field()
    likelihood: float = field()
    impact: float = field()
    tolerance: float | None = field(default=None)
    critical: bool = field(default=False)
    responses: tuple[str, ...] = field(default=(), converter=_strs)
    subject: str | None = field(default=None)


@frozen(kw_only=True)
class MitigationSpec:
    """One candidate mitigation, with what it costs, requires and reduces.

    ``resources`` names shared things it relies on (a supervisor, an alarm
    service): layers that share one, or a required mitigation, form a
    common-cause group (:func:`riskcore.calculus.credit`).
    """

    id: str = field()
    cost: float = field(default=0.0)
    hours: float = field(default=0.0)
    duration_days: float = field(default=0.0)
    requires: tuple[str, ...] = field(default=(), converter=_strs)
    effects: tuple[RiskEffect, ...] = field(default=(), converter=_effs)
    resources: tuple[str, ...] = field(default=(), converter=_strs)


@frozen(kw_only=True)
class ResponseSpec:
    """A response: what it requires and how it reduces risks once armed.

    Its effects act on the likelihood or the impact (``RiskEffect.on``) of the
    risks of the subject it is required or armed for, once what it requires
    is in the plan.
    """

    id: str = field()
    requires: tuple[str, ...] = field(default=(), converter=_strs)
    effects: tuple[RiskEffect, ...] = field(default=(), converter=_effs)
    owner: str = field(default="clinician")
    time_to_act_hours: float = field(default=24.0)


@frozen(kw_only=True)
class PlanningProblem:
    """Everything the optimiser needs, as plain numbers.

    Independent of the catalog classes: build it with
    :func:`problem_from_catalog` (or by hand), then :func:`solve` it.
    ``required`` lists mitigations that must be in every plan; ``armed`` the
    ``(response, subject)`` pairs that triggers armed (pairs, or objects with
    ``.response`` and ``.subject`` such as
    :class:`~riskcore.model.plan.ArmedResponse`). Residuals are the strict
    figure of :func:`riskcore.calculus.credit` (``docs/crediting.md``).

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
    armed: tuple[tuple[str, str | None], ...] = field(default=(), converter=_armed)

    def residual(self, selected: Iterable[str]) -> float:
        """Strict expected residual harm with *selected* (and its closure) in place."""
        return sum(self.residual_by_risk(selected).values())

    def residual_by_risk(self, selected: Iterable[str]) -> dict[str, float]:
        """Strict residual expected harm of each risk with *selected* in place.

        Each figure is :func:`riskcore.calculus.credit`'s, with the layers in
        force: the closure of *selected*, what is forced, and the responses
        required or armed for the risk's subject whose requirements are met.
        """
        c = _compile(self)
        idx = c.closure_of([c.index[m] for m in selected]) | c.forced
        return dict(zip(c.risk_ids, c.harm_by_risk(idx), strict=True))

    def closure(self, selected: Iterable[str]) -> tuple[str, ...]:
        """*selected* with everything they require, in dependency order."""
        c = _compile(self)
        idx = c.closure_of([c.index[m] for m in selected])
        return tuple(c.ids[i] for i in c.order if i in idx)


class _Instance:
    """One response for one subject: forced by a critical risk, or armed."""

    __slots__ = (
        "const",
        "forced",
        "keys",
        "req",
        "required_by",
        "rid",
        "risks",
        "subject",
    )

    def __init__(
        self,
        rid: str,
        subject: str | None,
        *,
        forced: bool,
        required_by: tuple[str, ...],
        req: list[int],
        keys: frozenset[str],
    ) -> None:
        self.rid = rid
        self.subject = subject
        self.forced = forced
        self.required_by = required_by
        self.req = req
        # forced: its requirements are forced too; none: nothing to wait for
        self.const = forced or not req
        self.keys = keys
        self.risks: list[int] = []


class _Compiled:
    """Index-based form of a problem, with validation.

    Layers: every effect of a mitigation, or of a response for one subject
    (an *instance*), on one risk, as the :class:`riskcore.calculus.LayerInput`
    that :func:`riskcore.calculus.credit` takes. An instance is in force if it
    is forced by a critical risk of its subject, or armed and every mitigation
    it requires is in the plan. *Owners* are mitigation indices (``>= 0``) or
    ``~k`` for instance *k*.
    """

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
        self.subject = [r.subject for r in p.risks]
        self.lik = [float(r.likelihood) for r in p.risks]
        self.imp = [float(r.impact) for r in p.risks]
        self.h = [a * b for a, b in zip(self.lik, self.imp, strict=True)]
        """Inherent expected harm of each risk (no layer credited)."""
        self.inherent = sum(self.h)
        self.tolerance = [r.tolerance for r in p.risks]
        n = len(self.ids)
        self.cost = [0.0] * n
        self.hours = [0.0] * n
        self.duration = [0.0] * n
        self.req: list[list[int]] = [[] for _ in range(n)]
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
        checked = [
            [self._check(f"mitigation {m.id!r}", e) for e in m.effects]
            for m in p.mitigations
        ]
        self.order = self._toposort()
        self._all_closures: list[frozenset[int]] | None = None
        self._memo: dict[tuple[int, int], calculus.Credit] = {}
        self.skeletons: dict[tuple[tuple[int, ...], bool], _Skeleton] = {}
        closures = self.closures()
        # responses, per (response, subject): a critical risk forces its
        # subject's, with what they require; triggers arm the others
        responses = {r.id: r for r in p.responses}
        forced_of: dict[tuple[str, str | None], list[str]] = {}
        self.required_resp: dict[str, list[str]] = {}
        for r in p.risks:
            if not r.critical:
                continue
            for rid in r.responses:
                if rid not in responses:
                    raise PlanError(
                        f"risk {r.id!r} requires response {rid!r}, which is not in the problem"
                    )
                forced_of.setdefault((rid, r.subject), []).append(r.id)
                self.required_resp.setdefault(rid, []).append(r.id)
        armed: list[tuple[str, str | None]] = []
        for rid, subject in p.armed:
            if rid not in responses:
                raise PlanError(f"armed response {rid!r} is not in the problem")
            if (rid, subject) not in forced_of and (rid, subject) not in armed:
                armed.append((rid, subject))
        req_of: dict[str, list[int]] = {}
        keys_of: dict[str, frozenset[str]] = {}
        for rid in dict.fromkeys([k[0] for k in forced_of] + [k[0] for k in armed]):
            req_of[rid] = []
            for req in responses[rid].requires:
                if req not in self.index:
                    raise GraphError(
                        f"response {rid!r} requires {req!r}, which is not a mitigation (dangling reference)"
                    )
                req_of[rid].append(self.index[req])
            need = frozenset().union(*(closures[k] for k in req_of[rid]))
            keys_of[rid] = calculus.dependency_keys(
                rid, [self.ids[k] for k in sorted(need)], kind="response"
            )
        self.insts = [
            _Instance(
                rid,
                subject,
                forced=True,
                required_by=tuple(crit),
                req=req_of[rid],
                keys=keys_of[rid],
            )
            for (rid, subject), crit in forced_of.items()
        ] + [
            _Instance(
                rid,
                subject,
                forced=False,
                required_by=(),
                req=req_of[rid],
                keys=keys_of[rid],
            )
            for rid, subject in armed
        ]
        self.specs = responses
        self.dyn = [k for k, inst in enumerate(self.insts) if not inst.const]
        """Instances whose presence depends on the plan (armed, with requirements)."""
        self.inst_of: list[list[int]] = [[] for _ in range(n)]
        for k in self.dyn:
            for i in self.insts[k].req:
                self.inst_of[i].append(k)
        # layers, per risk: (owner, LayerInput), in a stable order
        self.layers: list[list[tuple[int, calculus.LayerInput]]] = [[] for _ in p.risks]
        for i, m in enumerate(p.mitigations):
            deps = calculus.dependency_keys(
                m.id, [self.ids[k] for k in sorted(closures[i])], m.resources
            )
            for e, j in zip(m.effects, checked[i], strict=True):
                self.layers[j].append(
                    (
                        i,
                        calculus.LayerInput(
                            id=m.id,
                            on=e.on,
                            effectiveness=float(e.effectiveness),
                            depends_on=deps,
                        ),
                    )
                )
        for k, inst in enumerate(self.insts):
            resp = responses[inst.rid]
            for e in resp.effects:
                j = self._check(f"response {inst.rid!r}", e)
                if self.subject[j] != inst.subject:
                    continue  # a response acts only for the subject it is for
                self.layers[j].append(
                    (
                        ~k,
                        calculus.LayerInput(
                            id=inst.rid,
                            on=e.on,
                            effectiveness=float(e.effectiveness),
                            depends_on=inst.keys,
                            kind="response",
                        ),
                    )
                )
                inst.risks.append(j)
        for inst in self.insts:
            inst.risks = sorted(set(inst.risks))
        self._collapse()
        forced_roots: list[int] = []
        self.forced_why: dict[int, str] = {}
        for inst in self.insts:
            if not inst.forced:
                continue
            for k in inst.req:
                forced_roots.append(k)
                self.forced_why.setdefault(
                    k,
                    f"required by response {inst.rid!r} for critical risk "
                    f"{self.required_resp[inst.rid][0]!r}",
                )
        for mid in p.required:
            if mid not in self.index:
                raise PlanError(f"required mitigation {mid!r} is not in the problem")
            forced_roots.append(self.index[mid])
            self.forced_why.setdefault(self.index[mid], "required by the request")
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

    def _check(self, who: str, e: RiskEffect) -> int:
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
        return self.rindex[e.risk]

    def _collapse(self) -> None:
        """One layer per (owner, risk, side), for the optimisation models.

        Effects of one owner on one side of a risk are always one common-cause
        group (every layer depends on itself), so only the best counts: a
        layer with the owner's best effectiveness is exact. A layer is
        *conflicted* if it shares a dependency key with another candidate
        layer on the same side of the same risk; an unconflicted layer is
        credited whenever it is present.
        """
        # per risk: (owner, side, effectiveness, keys, conflicted)
        self.cl: list[list[tuple[int, str, float, frozenset[str], bool]]] = []
        self.conflicts = False
        touch: dict[int, set[int]] = {}
        for j, layers in enumerate(self.layers):
            best: dict[tuple[int, str], tuple[float, frozenset[str]]] = {}
            for o, li in layers:
                key = (o, li.on)
                keys = li.depends_on | {f"self:{li.id}"}
                e = float(li.effectiveness)
                if key not in best or e > best[key][0]:
                    best[key] = (e, keys)
                touch.setdefault(o, set()).add(j)
            count: dict[tuple[str, str], int] = {}
            for (_, side), (_, keys) in best.items():
                for k in keys:
                    count[(side, k)] = count.get((side, k), 0) + 1
            row = []
            for (o, side), (e, keys) in best.items():
                conf = any(count[(side, k)] > 1 for k in keys)
                self.conflicts |= conf
                row.append((o, side, e, keys, conf))
            self.cl.append(row)
        n = len(self.ids)
        self.touch = [sorted(touch.get(i, ())) for i in range(n)]
        """Risks on which each mitigation has a layer."""
        self.solid: list[list[int]] = [[] for _ in range(n)]
        """Risks on which a mitigation has an unconflicted layer that reduces it."""
        for j, row in enumerate(self.cl):
            for o, _, e, _, conf in row:
                if o >= 0 and e > 0.0 and not conf:
                    self.solid[o].append(j)
        # ranking factors (own best per side, every owner credited): the
        # all-safeguards figure, used only to rank candidates
        self.eff_list: list[list[tuple[int, float]]] = [[] for _ in range(n)]
        self.inst_eff: list[list[tuple[int, float]]] = [[] for _ in self.insts]
        for j, row in enumerate(self.cl):
            f: dict[int, float] = {}
            for o, _, e, _, _ in row:
                f[o] = f.get(o, 1.0) * (1.0 - e)
            for o, v in f.items():
                if v < 1.0:
                    (self.eff_list[o] if o >= 0 else self.inst_eff[~o]).append((j, v))

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

    # -- candidates: mitigations with a layer, and armed instances with one

    def candidates(self) -> list[tuple[frozenset[int], int]]:
        """(closure, owner) of everything the heuristics may add.

        A mitigation with a layer somewhere, or an armed instance with an
        effect (its closure is what it requires; it is in force once they are).
        """
        cl = self.closures()
        out = [(cl[i], i) for i in range(len(self.ids)) if self.touch[i]]
        for k in self.dyn:
            if self.insts[k].risks:
                out.append((frozenset().union(*(cl[i] for i in self.insts[k].req)), ~k))
        return out

    # -- the one evaluation path: riskcore.calculus.credit

    def present(self, owner: int, has: Callable[[int], bool]) -> bool:
        """Whether *owner*'s layers are in force when *has* says what is chosen."""
        if owner >= 0:
            return has(owner)
        inst = self.insts[~owner]
        return inst.const or all(has(k) for k in inst.req)

    def credit(self, j: int, has: Callable[[int], bool]) -> calculus.Credit:
        """:func:`riskcore.calculus.credit` of risk *j* with the layers in force.

        Memoised on the set of layers in force (the rule is a pure function
        of them), so the heuristics can ask again cheaply.
        """
        mask = 0
        layers = []
        for k, (o, li) in enumerate(self.layers[j]):
            if self.present(o, has):
                mask |= 1 << k
                layers.append(li)
        key = (j, mask)
        out = self._memo.get(key)
        if out is None:
            out = calculus.credit(
                self.lik[j], self.imp[j], layers, risk=self.risk_ids[j]
            )
            self._memo[key] = out
        return out

    def risk_harm(self, j: int, has: Callable[[int], bool]) -> float:
        """Strict residual expected harm of risk *j*."""
        return self.credit(j, has).harm

    def harm_by_risk(self, chosen: Collection[int]) -> list[float]:
        """Strict residual expected harm of every risk with *chosen* in place."""
        has = chosen.__contains__
        return [self.risk_harm(j, has) for j in range(len(self.h))]

    def harm(self, chosen: Collection[int]) -> float:
        """Strict residual expected harm, summed over the risks."""
        return sum(self.harm_by_risk(chosen))

    def surv(self, chosen: Collection[int]) -> list[float]:
        """All-safeguards survival of each risk: for ranking candidates only."""
        s = [1.0] * len(self.h)
        for i in chosen:
            for j, f in self.eff_list[i]:
                s[j] *= f
        has = chosen.__contains__
        for k in range(len(self.insts)):
            if self.present(~k, has):
                for j, f in self.inst_eff[k]:
                    s[j] *= f
        return s

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
    ``residual`` and ``residual_by_risk`` are the strict figure the register
    reports (:func:`riskcore.calculus.credit`, ``docs/crediting.md``).
    ``responses`` maps a response id to the risks it is required for or acts
    on; ``armed`` has one :class:`~riskcore.model.plan.ArmedResponse` per
    (response, subject) required by a critical risk or armed by a trigger.
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
    armed: tuple[ArmedResponse, ...] = field(default=())
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
        responses = self.armed or tuple(
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
        Seconds for each exact solve (all rounds of one MILP with its cuts).
    explain : int
        How many of the best rejected mitigations to explain.

    Returns
    -------
    PlanResult

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


def _prune(c: _Compiled, chosen: set[int]) -> set[int]:
    """Drop chosen leaves whose removal raises no risk's strict residual.

    The strict figure is not monotone: a mitigation can link two layers into
    one common-cause group and so *raise* a risk's residual, and one whose
    layers are all outranked in their groups removes nothing. Dropping such a
    leaf (not forced, required by nothing chosen) never raises a residual or a
    cost, so every method's plan is pruned before it is reported.
    """
    chosen = set(chosen)
    cur: dict[int, float] = {}
    changed = True
    while changed:
        changed = False
        for i in reversed(c.order):
            if i not in chosen or i in c.forced:
                continue
            if any(d in chosen for d in c.dependents[i]):
                continue
            touched = set(c.touch[i])
            for k in c.inst_of[i]:
                touched.update(c.insts[k].risks)
            has = chosen.__contains__
            for j in touched:
                if j not in cur:
                    cur[j] = c.risk_harm(j, has)
            if any(cur[j] > 0.0 for j in c.solid[i]):
                continue  # an unconflicted layer is always credited: needed
            without = chosen - {i}
            new = {j: c.risk_harm(j, without.__contains__) for j in touched}
            if all(new[j] <= cur[j] * (1 + 1e-12) + 1e-15 for j in touched):
                chosen = without
                cur.update(new)
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
) -> PlanResult:
    chosen = _prune(c, c.closure_of(chosen) | c.forced)
    order = [i for i in c.order if i in chosen]
    cost, hrs = c.totals(chosen)
    per = c.harm_by_risk(chosen)
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
    reasons = _reasons(c, chosen, order, per) if detail else ()
    rejected = _rejected(c, chosen, per, budget, hours, tol, explain) if detail else ()
    ph, start = _phases(c, chosen)
    responses, armed = _responses(c, chosen)
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
        residual_by_risk={r: per[j] for j, r in enumerate(c.risk_ids)},
        responses=responses,
        armed=armed,
        reasons=reasons,
        rejected=rejected,
        phases=ph,
        start_day=start,
        budget=budget,
        hours_budget=hours,
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
    for k, inst in enumerate(c.insts):
        spec = c.specs[inst.rid]
        req = {c.rindex[r] for r in inst.required_by}
        acts = inst.risks if chosen is not None and c.present(~k, has) else []
        if req or acts:
            on.setdefault(inst.rid, set()).update(req, acts)
        names = ", ".join(c.risk_ids[j] for j in acts)
        if inst.forced:
            why = f"required for critical risk(s) {', '.join(inst.required_by)}"
        else:
            why = "armed by a trigger"
        if acts:
            why += f"; acts on {names}"
        elif not inst.forced and chosen is not None:
            missing = sorted(c.ids[i] for i in inst.req if i not in chosen)
            why += (
                f"; not credited: it requires {', '.join(missing)}, not in the plan"
                if missing
                else "; it reduces no planned risk"
            )
        if chosen is None and not inst.forced:
            continue
        armed.append(
            ArmedResponse(
                response=inst.rid,
                subject=inst.subject,
                owner=spec.owner,
                time_to_act_hours=spec.time_to_act_hours,
                reason=why[:1000],
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


def _fmt(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 1e4 else f"{x:,.0f}"


def _affected(c: _Compiled, items: Iterable[int]) -> set[int]:
    """Risks whose strict figure can change when *items* come or go."""
    out: set[int] = set()
    for i in items:
        out.update(c.touch[i])
        for k in c.inst_of[i]:
            out.update(c.insts[k].risks)
    return out


def _reasons(
    c: _Compiled, chosen: set[int], order: list[int], per: list[float]
) -> tuple[Reason, ...]:
    out: list[Reason] = []
    for i in order:
        by = tuple(sorted(c.ids[k] for k in c.dependents[i] if k in chosen))
        # its own effect on the strict figure: the plan without it, minus the plan
        without = chosen - {i}
        own = sum(
            c.risk_harm(j, without.__contains__) - per[j] for j in _affected(c, [i])
        )
        if abs(own) <= 1e-15 + 1e-12 * c.inherent:
            own = 0.0
        ratio = own / c.cost[i] if c.cost[i] > 0 else math.inf if own > 0 else 0.0
        if own >= 0:
            marginal = f"reduces expected harm by {_fmt(own)}" + (
                f" ({_fmt(ratio)} per unit cost)" if c.cost[i] > 0 else " at no cost"
            )
        else:
            marginal = (
                f"raises expected harm by {_fmt(-own)}: it links layers into one "
                "common-cause group, which is credited once (docs/crediting.md)"
            )
        if i in c.forced:
            text = c.forced_why[i] + (f"; {marginal}" if own != 0 else "")
            kind = "forced"
        elif by:
            text = (
                "required by " + ", ".join(by) + (f"; {marginal}" if own != 0 else "")
            )
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


def _estimate(
    c: _Compiled,
    has: Callable[[int], bool],
    surv: list[float],
    closure: Iterable[int],
) -> tuple[float, list[int], list[int]]:
    """All-safeguards gain of adding *closure*: for ranking only.

    Returns the gain, the missing mitigations and the armed instances they
    bring into force.
    """
    missing = [k for k in closure if not has(k)]
    prod: dict[int, float] = {}
    for k in missing:
        for j, f in c.eff_list[k]:
            prod[j] = prod.get(j, 1.0) * f
    new = _newly(c, has, missing)
    for q in new:
        for j, f in c.inst_eff[q]:
            prod[j] = prod.get(j, 1.0) * f
    gain = sum(c.h[j] * surv[j] * (1.0 - p) for j, p in prod.items())
    return gain, missing, new


def _newly(c: _Compiled, has: Callable[[int], bool], missing: list[int]) -> list[int]:
    """Armed instances not yet in force that *missing* completes."""
    mset = set(missing)
    out: list[int] = []
    for k in missing:
        for q in c.inst_of[k]:
            if q in out or c.present(~q, has):
                continue
            if all(has(r) or r in mset for r in c.insts[q].req):
                out.append(q)
    return out


def _rejected(
    c: _Compiled,
    chosen: set[int],
    per: list[float],
    budget: float | None,
    hours: float | None,
    tol: list[float | None] | None,
    explain: int,
) -> tuple[Reason, ...]:
    if explain <= 0:
        return ()
    cost, hrs = c.totals(chosen)
    has = chosen.__contains__
    surv = c.surv(chosen)
    # rank by the all-safeguards estimate, then evaluate the best strictly
    ranked: list[tuple[float, int, list[int]]] = []
    for i in range(len(c.ids)):
        if i in chosen or not c.touch[i]:
            continue
        est, missing, _ = _estimate(c, has, surv, c.closure_one(i))
        if est <= 0.0:
            continue
        dc = sum(c.cost[k] for k in missing)
        ranked.append((-(est / dc) if dc > 0 else -math.inf, i, missing))
    ranked.sort(key=lambda t: (t[0], t[1]))
    cands: list[tuple[float, float, int, float, float, float, list[int]]] = []
    for _, i, missing in ranked[: 4 * explain + 20]:
        trial = chosen | set(missing)
        gain = sum(
            per[j] - c.risk_harm(j, trial.__contains__) for j in _affected(c, missing)
        )
        if gain <= 1e-15 + 1e-12 * c.inherent:
            continue
        dc = sum(c.cost[k] for k in missing)
        dh = sum(c.hours[k] for k in missing)
        ratio = gain / dc if dc > 0 else math.inf
        cands.append((-ratio, -gain, i, gain, dc, dh, missing))
    cands.sort(key=lambda t: t[:3])
    out: list[Reason] = []
    for neg_ratio, _, i, gain, dc, dh, missing in cands[:explain]:
        ratio = -neg_ratio
        pre = sorted(c.ids[k] for k in missing if k != i)
        with_pre = f" with {', '.join(pre)}" if pre else ""
        head = f"would reduce expected harm by {_fmt(gain)}{with_pre}"
        rate = f" ({_fmt(ratio)} per unit cost)" if dc > 0 else ""
        if tol is not None:
            touched = [j for j in c.touch[i] if tol[j] is not None]
            if all(per[j] <= (tol[j] or 0.0) * (1 + 1e-9) for j in touched):
                why = "not needed: every risk it reduces is already within tolerance"
            else:
                why = f"{head}{rate} for {_fmt(dc)} more: a cheaper set reaches the tolerances"
        elif budget is not None and cost + dc > budget * (1 + 1e-12):
            why = f"{head}{rate} for {_fmt(dc)} more, over the remaining budget of {_fmt(budget - cost)}"
        elif hours is not None and hrs + dh > hours * (1 + 1e-12):
            why = f"{head}{rate} for {_fmt(dh)} more hours, over the remaining {_fmt(hours - hrs)} hours"
        else:
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
    responses, armed = _responses(c, None)
    return PlanResult(
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

    Candidates are ranked by their all-safeguards gain (cheap, incremental);
    the one on top is then evaluated on the strict figure
    (:func:`riskcore.calculus.credit` on the risks it touches) and re-queued
    with that gain, and a step is taken only once its strict gain is on top
    and positive. The strict figure is not monotone (a step can link layers
    into one common-cause group), so a step that does not lower strict harm
    is never taken. Missing closure costs are kept exact incrementally
    (buying a prerequisite lowers them for every dependent, which is
    re-queued).
    """
    n = len(c.ids)
    chosen = set(c.forced if start is None else start)
    in_s = bytearray(n)
    for i in chosen:
        in_s[i] = 1

    def has(i: int) -> bool:
        return in_s[i] == 1

    cur = [c.risk_harm(j, has) for j in range(len(c.h))]
    harm = sum(cur)
    surv = c.surv(chosen)
    cost, hrs = c.totals(chosen)
    wc, wh = _norm(c, budget, hours)
    if wc == 0.0 and wh == 0.0:
        wc = 1.0
    inf_b = math.inf if budget is None else budget * (1 + 1e-12)
    inf_h = math.inf if hours is None else hours * (1 + 1e-12)
    cands = c.candidates()
    nc = len(cands)
    ccost, chours = c.cost, c.hours
    cand_of: list[list[int]] = [[] for _ in range(n)]
    for a, (cl, _) in enumerate(cands):
        for k in cl:
            cand_of[k].append(a)
    dcost = [0.0] * nc
    dhrs = [0.0] * nc
    gain_ub = [0.0] * nc
    version = [0] * nc
    pending: dict[int, tuple[list[int], list[int], dict[int, float]]] = {}
    epoch = 0
    heap: list[tuple[float, int, int, int, bool]] = []
    thresh = 1e-15 + 1e-12 * c.inherent

    def done(a: int) -> bool:
        owner = cands[a][1]
        return in_s[owner] == 1 if owner >= 0 else c.present(owner, has)

    effs, hvec, armed_any = c.eff_list, c.h, bool(c.dyn)

    def estimate(a: int) -> tuple[float, list[int], list[int]]:
        if armed_any:
            return _estimate(c, has, surv, cands[a][0])
        # the same, inlined for the common case without armed responses
        missing = [k for k in cands[a][0] if not in_s[k]]
        prod: dict[int, float] = {}
        for k in missing:
            for j, f in effs[k]:
                prod[j] = prod.get(j, 1.0) * f
        return sum(hvec[j] * surv[j] * (1.0 - q) for j, q in prod.items()), missing, []

    def push(a: int, g: float, ep: int, verified: bool) -> None:
        version[a] += 1
        if not verified:
            gain_ub[a] = g
        if g <= 0.0 or cost + dcost[a] > inf_b or hrs + dhrs[a] > inf_h:
            return
        w = wc * dcost[a] + wh * dhrs[a]
        key = -(g / w) if w > 0 else -math.inf
        heapq.heappush(heap, (key, a, version[a], ep, verified))

    for a, (cl, _) in enumerate(cands):
        if done(a):
            continue
        for k in cl:
            if not in_s[k]:
                dcost[a] += ccost[k]
                dhrs[a] += chours[k]
        push(a, estimate(a)[0], epoch, False)
    while heap:
        _, a, ver, ep, verified = heapq.heappop(heap)
        if done(a) or ver != version[a]:
            continue
        if ep != epoch:  # stale: re-estimate, let the heap decide
            push(a, estimate(a)[0], epoch, False)
            continue
        if cost + dcost[a] > inf_b or hrs + dhrs[a] > inf_h:  # pragma: no cover
            continue
        if not verified:
            _, missing, new = estimate(a)
            touched = _affected(c, missing)
            for k in missing:
                in_s[k] = 1
            after = {j: c.risk_harm(j, has) for j in touched}
            for k in missing:
                in_s[k] = 0
            g = sum(cur[j] - v for j, v in after.items())
            if g > thresh:
                pending[a] = (missing, new, after)
                push(a, g, epoch, True)
            continue
        missing, new, after = pending.pop(a)
        for k in missing:
            in_s[k] = 1
            for j, f in c.eff_list[k]:
                surv[j] *= f
        for q in new:
            for j, f in c.inst_eff[q]:
                surv[j] *= f
        for j, v in after.items():
            harm += v - cur[j]
            cur[j] = v
        chosen.update(missing)
        cost += dcost[a]
        hrs += dhrs[a]
        epoch += 1
        if trace is not None:
            trace.append((cost, hrs, harm, missing))
        # prerequisites just bought make their dependents cheaper: re-rate now
        changed: set[int] = set()
        for k in missing:
            ck, hk = ccost[k], chours[k]
            for d in cand_of[k]:
                if d != a and not done(d):
                    dcost[d] -= ck
                    dhrs[d] -= hk
                    changed.add(d)
        for d in changed:
            push(d, gain_ub[d], -1, False)
    return chosen


def _local_improve(
    c: _Compiled,
    chosen: set[int],
    budget: float | None,
    hours: float | None,
    seconds: float = 0.3,
) -> set[int]:
    """Best single closure, then drop-add moves, each followed by a greedy refill.

    Candidates are ranked by the all-safeguards estimate; every move is
    accepted only if it lowers the strict figure.
    """
    deadline = time.perf_counter() + seconds
    best = set(chosen)
    best_harm = c.harm(best)
    inf_b = math.inf if budget is None else budget * (1 + 1e-12)
    inf_h = math.inf if hours is None else hours * (1 + 1e-12)
    forced = set(c.forced)
    has0 = forced.__contains__
    surv0 = c.surv(forced)
    fc, fh = c.totals(forced)
    best_single, single_gain = None, 0.0
    for cl, _ in c.candidates():
        gain, missing, _ = _estimate(c, has0, surv0, cl)
        dc, dh = c.totals(missing)
        if fc + dc <= inf_b and fh + dh <= inf_h and gain > single_gain:
            best_single, single_gain = cl, gain
    if best_single is not None:
        trial = _greedy(c, budget, hours, start=forced | best_single)
        h = c.harm(trial)
        if h < best_harm * (1 - 1e-12):
            best, best_harm = trial, h
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


class _Skeleton:
    """The budget-free rows of a :class:`_Model`, shared by the models of one
    compiled problem (the frontier solves many budgets): precedence, armed
    instances, credit variables, static common-cause rows and the lazy cuts
    found so far, which hold at every budget."""

    def __init__(self, c: _Compiled, risks: tuple[int, ...], strict: bool) -> None:
        n = len(c.ids)
        self.wcol = {k: n + a for a, k in enumerate(c.dyn)}
        ncol = n + len(c.dyn)
        self.rows: list[tuple[dict[int, float], float, float]] = []
        rows = self.rows
        for i in range(n):
            for k in c.req[i]:
                rows.append(({i: 1.0, k: -1.0}, -math.inf, 0.0))
        for k, col in self.wcol.items():
            req = c.insts[k].req
            for i in req:
                rows.append(({col: 1.0, i: -1.0}, -math.inf, 0.0))
            rows.append(
                ({col: -1.0, **dict.fromkeys(req, 1.0)}, -math.inf, len(req) - 1.0)
            )
        self.risks: list[int] = []
        self.yrow: list[dict[int, float]] = []
        self.yconst: list[float] = []
        self.ypos: list[dict[int, bool]] = []  # perfect layers' columns
        self.const_perfect: list[bool] = []
        self.const_harm = 0.0
        self.groups: list[list[tuple[int | None, int | None, frozenset[str]]]] = []
        for j in risks:
            row: dict[int, float] = {}
            perfect: dict[int, bool] = {}
            const, cperf = 0.0, False
            side_layers: dict[
                str, list[tuple[int | None, int | None, frozenset[str]]]
            ] = {}
            for o, side, e, keys, conf in c.cl[j]:
                lit = self._lit(o)
                coef = math.log(1.0 - e) if e < 1.0 else _LOG_FLOOR
                coef = max(coef, _LOG_FLOOR)
                if strict and conf:
                    zc = None
                    if e > 0.0:
                        zc = ncol
                        ncol += 1
                        row[zc] = coef
                        if e >= 1.0:
                            perfect[zc] = True
                        if lit is not None:
                            rows.append(({zc: 1.0, lit: -1.0}, -math.inf, 0.0))
                    side_layers.setdefault(side, []).append((lit, zc, keys))
                elif e > 0.0:
                    if lit is None:
                        const += coef
                        cperf |= e >= 1.0
                    else:
                        row[lit] = row.get(lit, 0.0) + coef
                        if e >= 1.0:
                            perfect[lit] = True
            for ls in side_layers.values():
                self._static_cuts(ls)
                self.groups.append(ls)
            if c.h[j] <= 0.0:
                continue
            if not row:
                self.const_harm += 0.0 if cperf else c.h[j] * math.exp(const)
                continue
            self.risks.append(j)
            self.yrow.append(row)
            self.yconst.append(const)
            self.ypos.append(perfect)
            self.const_perfect.append(cperf)
        self.ncol = ncol
        self.ymin = [
            k + sum(min(v, 0.0) for v in r.values())
            for k, r in zip(self.yconst, self.yrow, strict=True)
        ]

    def _lit(self, owner: int) -> int | None:
        """The column of *owner*'s presence, or None if it is always present."""
        if owner >= 0:
            return owner
        return self.wcol.get(~owner)

    def _static_cuts(
        self, ls: list[tuple[int | None, int | None, frozenset[str]]]
    ) -> None:
        by_key: dict[str, list[int]] = {}
        for a, (_, _, keys) in enumerate(ls):
            for k in keys:
                by_key.setdefault(k, []).append(a)
        seen: set[tuple[int, ...]] = set()
        for members in by_key.values():
            zs = tuple(sorted({z for a in members if (z := ls[a][1]) is not None}))
            if len(zs) > 1 and zs not in seen:
                seen.add(zs)
                self.rows.append((dict.fromkeys(zs, 1.0), -math.inf, 1.0))
        if len(ls) > 40:
            return  # longer chains are left to the lazy cuts
        adj: list[set[int]] = [set() for _ in ls]
        for members in by_key.values():
            for a in members:
                adj[a].update(members)
        for a in range(len(ls)):
            adj[a].discard(a)
        for a, b in itertools.combinations(range(len(ls)), 2):
            za, zb = ls[a][1], ls[b][1]
            if za is None or zb is None or b in adj[a]:
                continue
            for u in sorted(adj[a] & adj[b]):
                lit = ls[u][0]
                row = {za: 1.0, zb: 1.0}
                if lit is None:
                    self.rows.append((row, -math.inf, 1.0))
                    break
                row[lit] = 1.0
                self.rows.append((row, -math.inf, 2.0))


class _Model:
    """The planning MILP: columns x (mitigations), w (armed instances), z, t.

    ``y_r = const_r + Σ coef · v`` is the log of the credited survival of
    risk *r* (``harm_r = h_r · exp(y_r)``). An unconflicted layer enters
    through its presence (``x_m``, ``w_k`` or a constant); with
    ``strict=True`` a conflicted layer enters through its credit variable
    ``z ≤ presence``, with ``Σ z ≤ 1`` over the layers that share a
    dependency key (static clique rows), ``z_a + z_b + x_u ≤ 2`` for layers
    linked through one other layer *u* (static), and lazily
    ``z_a + z_b ≤ 1 + Σ_{u on the path} (1 − presence_u)`` for longer chains
    found in a solution (:meth:`separate`). ``w_k = Π x`` over what armed
    instance *k* requires (linearised). With ``strict=False`` every owner's
    best layer is credited: a relaxation of the strict figure (a lower bound).
    With ``epigraph=True``, columns t bound each risk's harm from below by
    tangents of ``h·exp(y)`` (outer approximation).
    """

    def __init__(
        self,
        c: _Compiled,
        risks: Iterable[int],
        *,
        strict: bool,
        epigraph: bool,
        budget: float | None,
        hours: float | None,
    ) -> None:
        self.c = c
        n = len(c.ids)
        self.n = n
        key = (tuple(risks), strict)
        if key not in c.skeletons:
            c.skeletons[key] = _Skeleton(c, key[0], strict)
        sk = c.skeletons[key]
        self.wcol = sk.wcol
        self.base = sk.rows  # shared: common-cause cuts hold at every budget
        self.rows: list[tuple[dict[int, float], float, float]] = []
        self.risks = sk.risks
        self.yrow = sk.yrow
        self.yconst = sk.yconst
        self.ypos = sk.ypos
        self.const_perfect = sk.const_perfect
        self.const_harm = sk.const_harm
        self.groups = sk.groups
        ncol = sk.ncol
        self.nx = ncol
        self.nt = len(self.risks) if epigraph else 0
        self.nvar = ncol + self.nt
        self.ymin = sk.ymin
        self.cuts: list[tuple[int, float]] = []
        self.cost = [*c.cost, *([0.0] * (self.nvar - n))]
        self.hrs = [*c.hours, *([0.0] * (self.nvar - n))]
        self.budget_row = -1
        if budget is not None:
            self.budget_row = len(self.rows)
            self.rows.append(
                ({i: c.cost[i] for i in range(n) if c.cost[i]}, -math.inf, budget)
            )
        if hours is not None:
            self.rows.append(
                ({i: c.hours[i] for i in range(n) if c.hours[i]}, -math.inf, hours)
            )
        self.lo = [0.0] * self.nvar
        for i in c.forced:
            self.lo[i] = 1.0
        self.hi = [1.0] * ncol + [math.inf] * self.nt
        self.integrality = (
            [1] * n + [0] * len(c.dyn) + [1] * (ncol - n - len(c.dyn)) + [0] * self.nt
        )

    # -- vectors

    def vector(self, chosen: Collection[int]) -> list[float]:
        """x and w of a plan (z and t left at 0)."""
        v = [0.0] * self.nvar
        for i in chosen:
            v[i] = 1.0
        has = chosen.__contains__
        for k, col in self.wcol.items():
            v[col] = 1.0 if self.c.present(~k, has) else 0.0
        return v

    def y_of(self, v: Sequence[float]) -> list[float]:
        return [
            k + sum(coef * v[col] for col, coef in row.items())
            for k, row in zip(self.yconst, self.yrow, strict=True)
        ]

    def y_true(self, chosen: Collection[int]) -> list[float]:
        """Log of each risk's strict credited survival (clamped to the model's floor)."""
        has = chosen.__contains__
        out = []
        for r, j in enumerate(self.risks):
            harm = self.c.risk_harm(j, has)
            y = math.log(harm / self.c.h[j]) if harm > 0 else self.ymin[r]
            out.append(max(y, self.ymin[r]))
        return out

    def selection(self, v: Sequence[float]) -> set[int]:
        return {i for i in range(self.n) if v[i] > 0.5}

    # -- rows

    def add_tangents(self, y: Sequence[float]) -> None:
        for r, y0 in enumerate(y):
            self.cuts.append((r, max(float(y0), self.ymin[r])))

    def add_tolerances(self, tol: Sequence[float | None]) -> None:
        """``y_r ≤ log(tol_r / h_r)``; a tolerance of 0 needs a perfect layer."""
        for r, j in enumerate(self.risks):
            t = tol[j]
            if t is None or self.const_perfect[r] or self.c.h[j] <= t * (1 + 1e-12):
                continue
            if t <= 0.0:
                self.rows.append((dict.fromkeys(self.ypos[r], -1.0), -math.inf, -1.0))
                continue
            target = math.log(t / self.c.h[j]) - self.yconst[r]
            floor = min(_LOG_FLOOR, target - 1.0)
            row = {
                col: (floor if col in self.ypos[r] else coef)
                for col, coef in self.yrow[r].items()
            }
            self.rows.append((row, -math.inf, target - 1e-9))

    def separate(self, v: Sequence[float]) -> int:
        """Add a cut for each pair of credited layers the strict rule groups.

        Returns how many were added.
        """
        added = 0
        for ls in self.groups:
            present = [
                a for a, (lit, _, _) in enumerate(ls) if lit is None or v[lit] > 0.5
            ]
            cred = [a for a in present if (z := ls[a][1]) is not None and v[z] > 0.5]
            if len(cred) < 2:
                continue
            by_key: dict[str, list[int]] = {}
            for a in present:
                for k in ls[a][2]:
                    by_key.setdefault(k, []).append(a)
            adj: dict[int, set[int]] = {a: set() for a in present}
            for members in by_key.values():
                for a in members:
                    adj[a].update(members)
            for a in cred:
                parent = {a: a}
                queue = [a]
                for u in queue:
                    for w in sorted(adj[u]):
                        if w not in parent:
                            parent[w] = u
                            queue.append(w)
                for b in cred:
                    if b <= a or b not in parent:
                        continue
                    row: dict[int, float] = {}
                    rhs = 1.0
                    u = parent[b]
                    while u != a:
                        lit = ls[u][0]
                        if lit is not None:
                            row[lit] = 1.0
                            rhs += 1.0
                        u = parent[u]
                    za, zb = ls[a][1], ls[b][1]
                    if za is None or zb is None:  # pragma: no cover - credited
                        continue
                    row[za] = row.get(za, 0.0) + 1.0
                    row[zb] = row.get(zb, 0.0) + 1.0
                    self.base.append((row, -math.inf, rhs))
                    added += 1
        return added

    def _matrix(
        self, extra: list[tuple[dict[int, float], float, float]]
    ) -> tuple[Any, Any, Any]:
        import numpy as np
        from scipy import sparse

        all_rows = self.base + self.rows + extra
        ri: list[int] = []
        ci: list[int] = []
        vals: list[float] = []
        lo: list[float] = []
        hi: list[float] = []
        for r, (row, a, b) in enumerate(all_rows):
            for col, val in row.items():
                ri.append(r)
                ci.append(col)
                vals.append(val)
            lo.append(a)
            hi.append(b)
        A = sparse.csr_matrix(
            (
                np.array(vals, dtype=float),
                (np.array(ri, dtype=np.int64), np.array(ci, dtype=np.int64)),
            ),
            shape=(len(all_rows), self.nvar),
        )
        return A, np.array(lo), np.array(hi)

    def _tangent_rows(self) -> list[tuple[dict[int, float], float, float]]:
        """``t_r ≥ h e^{y0} (1 + y_r − y0)``, one row per tangent."""
        out = []
        for r, y0 in self.cuts:
            a = self.c.h[self.risks[r]] * math.exp(y0)
            row = {col: -a * coef for col, coef in self.yrow[r].items()}
            row[self.nx + r] = 1.0
            out.append((row, a * (1.0 - y0 + self.yconst[r]), math.inf))
        return out

    def objective(self, kind: str, r: int = 0) -> Any:
        import numpy as np

        obj = np.zeros(self.nvar)
        if kind == "harm":
            obj[self.nx :] = 1.0
        elif kind == "cost":
            # a tiny weight on hours breaks ties toward fewer hours
            obj += np.array(self.cost) + 1e-9 * np.array(self.hrs)
        else:  # "y": one risk's log-survival
            for col, coef in self.yrow[r].items():
                obj[col] = coef
        return obj

    def milp(self, obj: Any, time_limit: float, gap: float) -> Any:
        import numpy as np
        from scipy.optimize import Bounds, LinearConstraint, milp

        A, lo, hi = self._matrix(self._tangent_rows() if self.nt else [])
        cons = [LinearConstraint(A, lo, hi)] if A.shape[0] else []
        return milp(
            obj,
            integrality=np.array(self.integrality),
            bounds=Bounds(np.array(self.lo), np.array(self.hi)),
            constraints=cons,
            options={
                "time_limit": max(time_limit, 1e-3),
                "mip_rel_gap": gap,
                "presolve": True,
            },
        )

    def lp(self, time_limit: float) -> tuple[float, float]:
        """The LP relaxation's value and its slope in the money budget (<= 0).

        The slope is the budget row's dual: by convexity of the LP value in
        the budget, ``value + slope * (B - budget)`` is a lower bound at any
        other budget *B* (hours held fixed).
        """
        import numpy as np
        from scipy import sparse
        from scipy.optimize import linprog

        A, lo, hi = self._matrix(self._tangent_rows())
        # linprog takes A_ub x <= b_ub: split the two-sided rows
        up = np.isfinite(hi)
        down = np.isfinite(lo)

        A_ub = sparse.vstack([A[up], -A[down]]).tocsr()
        b_ub = np.concatenate([hi[up], -lo[down]])
        res = linprog(
            self.objective("harm"),
            A_ub=A_ub,
            b_ub=b_ub,
            bounds=np.column_stack([self.lo, self.hi]),
            method="highs",
            options={"time_limit": time_limit},
        )
        if res.status != 0:  # pragma: no cover - the LP always has the incumbent
            return 0.0, 0.0
        slope = 0.0
        if self.budget_row >= 0:  # its index among the A_ub rows
            k = int(np.count_nonzero(up[: len(self.base) + self.budget_row]))
            slope = float(res.ineqlin.marginals[k])
        return float(res.fun) + self.const_harm, min(slope, 0.0)


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
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        res = model.milp(obj, left, gap / 4)
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


# --- tolerance mode


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
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        res = model.milp(obj, left, gap)
        if res.x is None:
            if res.status == 2:
                return "infeasible", set(), math.inf, True
            break  # time limit without a plan
        last = model.selection(res.x)
        if model.separate(res.x):
            continue
        has = last.__contains__
        if all(
            c.risk_harm(j, has) <= (tol[j] or 0.0) * (1 + 1e-9) + 1e-15 for j in targets
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
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        res = model.milp(obj, left, 1e-9)
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
        has = sel.__contains__
        over = [
            j for j in targets if c.risk_harm(j, has) > (tol[j] or 0.0) * (1 + 1e-9)
        ]
        for j in over or targets:
            items.append(
                Infeasibility(
                    risk=c.risk_ids[j],
                    tolerance=tol[j] or 0.0,
                    best_residual=c.risk_harm(j, has),
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
    subject = getattr(r, "subject", None)
    return RiskSpec(
        id=str(r.id),
        likelihood=likelihood,
        impact=impact,
        tolerance=None if tol is None else float(tol),
        critical=critical,
        responses=responses,
        subject=None if subject is None else str(subject),
    )


def problem_from_catalog(
    catalog: Catalog,
    risks: Iterable[Any] | None = None,
    *,
    required: Iterable[str] = (),
    in_place: Iterable[str] = (),
    matrix: Any = None,
    armed: Iterable[Any] = (),
) -> PlanningProblem:
    """A :class:`PlanningProblem` from a catalog and (optionally) risks.

    Parameters
    ----------
    catalog : Catalog
        Mitigations (cost, hours, duration, requires, resources, effects) and
        responses.
    risks : iterable, optional
        The risks of a :class:`~riskcore.model.risk.RiskRegister` (their
        ``inherent`` likelihood and impact, ``subject``, ``critical`` or
        ``response_required``, ``required_responses``, ``target``), or any
        objects with ``id``, ``threat``, ``likelihood``, ``impact`` and
        optionally ``subject``, ``tolerance`` (on expected harm), ``critical``
        and ``responses``. Several risks may share a threat: each gets the
        threat's effects. Without *risks*, one risk per threat from its base
        likelihood and impact (means), for the practice (subject ``None``).
    required : iterable of str
        Mitigations every plan must contain.
    in_place : iterable of str
        Mitigations already in place: required, at no further cost or hours.
    matrix : RiskMatrix, optional
        Turns a register risk's ``target`` level into an expected-harm
        tolerance (see Notes).
    armed : iterable, optional
        ``(response, subject)`` pairs armed by triggers, or objects with
        ``.response`` and ``.subject`` (:class:`~riskcore.model.plan.ArmedResponse`).

    Returns
    -------
    PlanningProblem

    Notes
    -----
    The planner's tolerance is on expected harm ``p × I``. A target *level*
    becomes ``p_max × I``, where ``p_max`` is the upper edge of the highest
    likelihood band whose cell, in the risk's inherent impact band, is at or
    below the target. Responses act on the likelihood or the impact as their
    effects say, and only on risks of the subject they are required or armed
    for. The planner optimises and reports the register's strict figure
    (``residual``: one layer per common-cause group, ``docs/crediting.md``).

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

    def effects(effs: Iterable[Any]) -> list[RiskEffect]:
        return [
            RiskEffect(
                risk=rid,
                effectiveness=mean_of(e.effectiveness),
                on=e.on.value,
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
                resources=m.resources,
            )
            for m in catalog.mitigations
        ],
        responses=[
            ResponseSpec(
                id=r.id,
                requires=r.requires,
                effects=effects(r.recovers),
                owner=r.owner,
                time_to_act_hours=r.time_to_act_hours,
            )
            for r in catalog.responses
        ],
        required=(*required, *sorted(done)),
        armed=armed,
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
    armed: Iterable[Any] = (),
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
    armed : iterable, optional
        Responses armed by triggers, per subject: ``(response, subject)``
        pairs or objects with ``.response`` and ``.subject`` (such as
        :class:`~riskcore.model.plan.ArmedResponse`). Each acts only on its
        subject's risks, once what it requires is in the plan.

    Returns
    -------
    PlanResult

    Raises
    ------
    PlanError
        If a catalog is missing, an armed response is not in it or has no
        subject, or as for :func:`solve`.

    See Also
    --------
    solve, problem_from_catalog, riskcore.graph.build_graph
    """
    if isinstance(register, PlanningProblem):
        problem = register
        extra = _armed(armed)
        if extra:
            import attrs

            problem = attrs.evolve(problem, armed=(*problem.armed, *extra))
    else:
        if catalog is None:
            raise PlanError("plan() needs a catalog unless given a PlanningProblem")
        risks = getattr(register, "risks", register)
        problem = problem_from_catalog(
            catalog,
            risks,
            in_place=getattr(register, "mitigations", ()) or (),
            matrix=getattr(register, "matrix", None),
            armed=armed,
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
