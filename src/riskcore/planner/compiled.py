"""The compiled index of a problem: validation, closures, layers and classes.

Every residual the planner reports goes through the evaluation half,
:class:`riskcore.planner.figures._Figures`, which calls
:func:`riskcore.calculus.credit`'s rule, the one crediting rule.
"""

# ruff: noqa: N806  (matrices and graphs keep their mathematical names)
from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import TYPE_CHECKING, Literal

from attrs import frozen

from riskcore import calculus
from riskcore.errors import GraphError, PlanError
from riskcore.planner import figures
from riskcore.planner.figures import _Figures
from riskcore.planner.problem import PlanningProblem, ResponseSpec, RiskEffect, RiskSpec

if TYPE_CHECKING:  # pragma: no cover
    from riskcore.planner.outer import _Skeleton

_SIDES = ("likelihood", "impact")


Side = Literal["likelihood", "impact"]

Block = tuple[Sequence[str], float, Side]
"""One effect on several risks: their ids, the effectiveness and the side."""

_Resolved = tuple[list[int], float, Side]


@frozen(eq=False)
class Blocks:
    """The effects of a problem's mitigations and responses, as blocks.

    One block per catalog effect (a threat's effect on each of its risks)
    instead of one :class:`~riskcore.planner.problem.RiskEffect` per risk:
    what :func:`riskcore.planner.plan` compiles from a register, without a
    Python object per (effect, risk). :meth:`of` reads a problem's own
    effects as blocks of one risk each, so both are compiled by the same
    code (``tests/test_planner_blocks.py``).
    """

    mitigations: list[list[Block]]
    """The blocks of each mitigation, in the problem's order."""
    responses: list[list[Block]]
    """The blocks of each response, in the problem's order."""
    risks: RiskColumns | None = None
    """The risks as columns (then the problem's own ``risks`` are not read)."""

    @classmethod
    def of(cls, p: PlanningProblem) -> Blocks:
        """Each effect of *p* as a block of one risk."""

        def one(effects: Iterable[RiskEffect]) -> list[Block]:
            return [((e.risk,), e.effectiveness, e.on) for e in effects]

        return cls(
            [one(m.effects) for m in p.mitigations],
            [one(r.effects) for r in p.responses],
        )


@frozen(eq=False)
class RiskColumns:
    """A problem's risks as columns: all compiling reads of them.

    :func:`riskcore.planner.plan` fills them from a register without a
    :class:`~riskcore.planner.problem.RiskSpec` per risk; :meth:`of` reads a
    problem's own risks, so both are compiled by the same code.
    """

    ids: list[str]
    likelihood: list[float]
    impact: list[float]
    tolerance: list[float | None]
    critical: list[bool]
    responses: list[tuple[str, ...]]
    subject: list[str | None]

    @classmethod
    def of(cls, risks: Sequence[RiskSpec]) -> RiskColumns:
        """The columns of *risks*."""
        return cls(
            [r.id for r in risks],
            [r.likelihood for r in risks],
            [r.impact for r in risks],
            [r.tolerance for r in risks],
            [r.critical for r in risks],
            [r.responses for r in risks],
            [r.subject for r in risks],
        )

    def specs(self) -> list[RiskSpec]:
        """One :class:`~riskcore.planner.problem.RiskSpec` per risk."""
        return [
            RiskSpec(
                id=i,
                likelihood=lik,
                impact=imp,
                tolerance=tol,
                critical=crit,
                responses=resp,
                subject=subj,
            )
            for i, lik, imp, tol, crit, resp, subj in zip(
                self.ids,
                self.likelihood,
                self.impact,
                self.tolerance,
                self.critical,
                self.responses,
                self.subject,
                strict=True,
            )
        ]


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


class _Compiled(_Figures):
    """Index-based form of a problem, with validation.

    Layers: every effect of a mitigation, or of a response for one subject
    (an *instance*), on one risk, as the :class:`riskcore.calculus.LayerInput`
    that :func:`riskcore.calculus.credit` takes. An instance is in force if it
    is forced by a critical risk of its subject, or armed and every mitigation
    it requires is in the plan. *Owners* are mitigation indices (``>= 0``) or
    ``~k`` for instance *k*.
    """

    def __init__(self, p: PlanningProblem, blocks: Blocks | None = None) -> None:
        if blocks is None:
            blocks = Blocks.of(p)
        cols = blocks.risks if blocks.risks is not None else RiskColumns.of(p.risks)
        self._looked: dict[int, tuple[Sequence[str], list[int | None], bool]] = {}
        """Each list of risk ids :meth:`_resolve` has read, with its indices."""
        self._index(p, cols)
        self._mitigation_figures(p)
        checked = [
            self._resolve(f"mitigation {m.id!r}", b)
            for m, b in zip(p.mitigations, blocks.mitigations, strict=True)
        ]
        self._response_blocks = {
            r.id: b for r, b in zip(p.responses, blocks.responses, strict=True)
        }
        self.order = self._toposort()
        self._all_closures: list[frozenset[int]] | None = None
        self._cands: list[tuple[frozenset[int], int]] | None = None
        self._memo: dict[tuple[int, int], calculus.Credit] = {}
        self.skeletons: dict[tuple[tuple[int, ...], bool], _Skeleton] = {}
        closures = self.closures()
        responses = self._instances(p, closures, cols)
        self._layers(p, checked, closures, responses)
        self._classes()
        self._collapse()
        self._forced_plan(p)
        self._looked.clear()  # read only while compiling
        self.vector = len(self.h) >= figures.VECTOR_MIN
        """Per-risk figures are numpy arrays filled class by class (else lists)."""
        if self.vector:
            self._vectors()
        n = len(self.ids)
        self.dependents: list[list[int]] = [[] for _ in range(n)]
        for i in range(n):
            for j in self.req[i]:
                self.dependents[j].append(i)

    def _index(self, p: PlanningProblem, cols: RiskColumns) -> None:
        """Ids, indices and the checked figures of the risks."""
        self.ids = [m.id for m in p.mitigations]
        self.index: dict[str, int] = {}
        for i, m in enumerate(p.mitigations):
            if m.id in self.index:
                raise PlanError(f"mitigation {m.id!r} is defined more than once")
            self.index[m.id] = i
        self.risk_ids = ids = cols.ids
        rindex: dict[str, int] = {}
        for j, rid in enumerate(ids):
            if rid in rindex:
                raise PlanError(f"risk {rid!r} is defined more than once")
            rindex[rid] = j
            lik, imp, tol = cols.likelihood[j], cols.impact[j], cols.tolerance[j]
            if not 0.0 <= lik <= 1.0:
                raise PlanError(f"risk {rid!r}: likelihood {lik!r} is not in [0, 1]")
            if not imp >= 0.0:
                raise PlanError(f"risk {rid!r}: impact {imp!r} is negative")
            if tol is not None and not tol >= 0.0:
                raise PlanError(f"risk {rid!r}: tolerance {tol!r} is negative")
        self.rindex = rindex
        self.subject = cols.subject
        self.lik = [float(x) for x in cols.likelihood]
        self.imp = [float(x) for x in cols.impact]
        self.h = [a * b for a, b in zip(self.lik, self.imp, strict=True)]
        """Inherent expected harm of each risk (no layer credited)."""
        self.inherent = sum(self.h)
        self.tolerance = cols.tolerance

    def _mitigation_figures(self, p: PlanningProblem) -> None:
        """Each mitigation's cost, hours, duration and requirements, checked."""
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

    def _instances(
        self, p: PlanningProblem, closures: list[frozenset[int]], cols: RiskColumns
    ) -> dict[str, ResponseSpec]:
        """Response instances: forced by a critical risk of their subject, or armed."""
        n = len(self.ids)
        # responses, per (response, subject): a critical risk forces its
        # subject's, with what they require; triggers arm the others
        responses = {r.id: r for r in p.responses}
        forced_of: dict[tuple[str, str | None], list[str]] = {}
        self.required_resp: dict[str, list[str]] = {}
        for j, crit in enumerate(cols.critical):
            if not crit:
                continue
            risk, subject = cols.ids[j], cols.subject[j]
            for rid in cols.responses[j]:
                if rid not in responses:
                    raise PlanError(
                        f"risk {risk!r} requires response {rid!r}, which is not in the problem"
                    )
                forced_of.setdefault((rid, subject), []).append(risk)
                self.required_resp.setdefault(rid, []).append(risk)
        armed: dict[tuple[str, str | None], None] = {}  # a set, in order
        for rid, subject in p.armed:
            if rid not in responses:
                raise PlanError(f"armed response {rid!r} is not in the problem")
            if (rid, subject) not in forced_of:
                armed[(rid, subject)] = None
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
        return responses

    def _layers(
        self,
        p: PlanningProblem,
        checked: list[list[_Resolved]],
        closures: list[frozenset[int]],
        responses: dict[str, ResponseSpec],
    ) -> None:
        """Each risk's layers: mitigations' effects, then instances' for their subject."""
        # layers, per risk: (owner, LayerInput), in a stable order
        self.layers: list[list[tuple[int, calculus.LayerInput]]] = [
            [] for _ in self.risk_ids
        ]
        # equal layers are one object (a threat's effect on each of its
        # subjects' risks), and each (owner's presence, layer) has a code:
        # a risk's codes are its class key (_classes)
        self._codes: list[list[int]] = [[] for _ in self.risk_ids]
        layers, codes_of = self.layers, self._codes
        codes: dict[tuple[object, int], int] = {}
        shared: dict[
            tuple[object, ...], tuple[tuple[int, calculus.LayerInput], int]
        ] = {}
        for i, m in enumerate(p.mitigations):
            deps = calculus.dependency_keys(
                m.id, [self.ids[k] for k in sorted(closures[i])], m.resources
            )
            # one block per effect of the catalog: the same layer object on
            # every risk of its threat
            for js, eff, on in checked[i]:
                got = shared.get((i, on, eff))
                if got is None:
                    li = calculus.LayerInput(
                        id=m.id, on=on, effectiveness=eff, depends_on=deps
                    )
                    got = shared[(i, on, eff)] = ((i, li), len(codes))
                    codes[(i, id(li))] = got[1]
                pair, code = got
                for j in js:
                    layers[j].append(pair)
                    codes_of[j].append(code)
        # a response's effects, checked once and grouped by the subject of the
        # risk, so each instance reads only its own subject's (not every risk)
        effects_of: dict[str, dict[str | None, list[tuple[float, Side, int]]]] = {}
        subject = self.subject
        for inst in self.insts:
            if inst.rid not in effects_of:
                by_subject: dict[str | None, list[tuple[float, Side, int]]] = {}
                who = f"response {inst.rid!r}"
                for js, eff, on in self._resolve(who, self._response_blocks[inst.rid]):
                    for j in js:
                        by_subject.setdefault(subject[j], []).append((eff, on, j))
                effects_of[inst.rid] = by_subject
        for k, inst in enumerate(self.insts):
            # what puts the instance in force: nothing (a constant) or the
            # mitigations it requires, the same for every subject
            when: object = -1 if inst.const else tuple(inst.req)
            # a response acts only for the subject it is for
            for eff, on, j in effects_of[inst.rid].get(inst.subject, ()):
                got = shared.get((inst.rid, on, eff))
                if got is None:
                    li = calculus.LayerInput(
                        id=inst.rid,
                        on=on,
                        effectiveness=eff,
                        depends_on=inst.keys,
                        kind="response",
                    )
                    got = shared[(inst.rid, on, eff)] = ((~k, li), -1)
                li = got[0][1]
                code = codes.setdefault((when, id(li)), len(codes))
                layers[j].append((~k, li))
                codes_of[j].append(code)
                inst.risks.append(j)
        for inst in self.insts:
            inst.risks = sorted(set(inst.risks))

    def _forced_plan(self, p: PlanningProblem) -> None:
        """What the plan must contain (critical risks' responses, the request), and why."""
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

    def _resolve(self, who: str, blocks: list[Block]) -> list[_Resolved]:
        """Each block with its risks' indices, checked in order as
        :meth:`_check` checks one effect at a time (the same first refusal:
        the first risk's id, then the figures, then the other ids).

        The common case (known risks, an effectiveness in [0, 1], a side) is
        tested for a whole block at once (its ids looked up in one pass, then
        the figures of its first risk); anything else is checked one effect
        at a time, and what fails goes to :meth:`_check`, which words the
        refusal.

        >>> from riskcore.planner import MitigationSpec, PlanningProblem, RiskSpec
        >>> c = _Compiled(PlanningProblem(
        ...     risks=[RiskSpec(id=r, likelihood=0.5, impact=1.0) for r in "ab"],
        ...     mitigations=[MitigationSpec(id="m", cost=1.0)]))
        >>> c._resolve("m", [(["b", "a"], 0.5, "likelihood"), ([], 2.0, "x")])
        [([1, 0], 0.5, 'likelihood'), ([], 2.0, 'x')]
        >>> c._resolve("m", [(["a", "z"], 0.5, "likelihood")])
        Traceback (most recent call last):
        ...
        riskcore.errors.GraphError: m reduces 'z', which is not a risk (dangling reference)
        """
        rindex = self.rindex
        get = rindex.get
        # the blocks of one threat share its list of risk ids: looked up once
        # (the list is kept with its indices, so its id is not reused)
        looked = self._looked
        out: list[_Resolved] = []
        for ids, eff, on in blocks:
            had = looked.get(id(ids))
            if had is None or had[0] is not ids:
                try:
                    found = list(map(get, ids))
                    known = None not in found
                except TypeError:  # an unhashable id: raised by the loop below
                    found, known = [], False
                had = looked[id(ids)] = (ids, found, known)
            if had[2] and (not had[1] or (0.0 <= eff <= 1.0 and on in _SIDES)):
                out.append((had[1], float(eff), on))  # type: ignore[arg-type]
                continue
            js: list[int] = []
            for rid in ids:
                j = rindex.get(rid)
                if j is None or not (js or (0.0 <= eff <= 1.0 and on in _SIDES)):
                    j = self._check(who, RiskEffect(risk=rid, effectiveness=eff, on=on))
                js.append(j)
            out.append((js, float(eff), on))
        return out

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

        The members of a class (:meth:`_classes`) have equal layers, so their
        rows are the first member's, with each response instance replaced by
        the member's own (one per response and subject): computed once per
        class, not once per risk.
        """
        nr = len(self.layers)
        # per risk: (owner, side, effectiveness, keys, conflicted)
        self.cl: list[list[tuple[int, str, float, frozenset[str], bool]]] = [
            [] for _ in range(nr)
        ]
        self.conflicts = False
        n = len(self.ids)
        touch: dict[int, list[int]] = {}
        solid: dict[int, list[int]] = {}
        effs: dict[int, list[tuple[int, float]]] = {}
        for members in self.cls_members:
            j0 = members[0]
            row0, factors = self._collapse_row(self.layers[j0])
            self.conflicts |= any(conf for *_, conf in row0)
            owners = dict.fromkeys(o for o, _ in self.layers[j0])
            per_member = any(o < 0 for o in owners)
            for o in owners:
                if o >= 0:
                    touch.setdefault(o, []).extend(members)
            for o, _, e, _, conf in row0:
                if o >= 0 and e > 0.0 and not conf:
                    solid.setdefault(o, []).extend(members)
            if per_member:  # each member's own response instances
                # a member's layers are the first member's, place by place
                # (equal codes), with its own owners: each owner of the first
                # member's row is read at its (last) place in the member's
                at = {o: k for k, o in enumerate(o for o, _ in self.layers[j0])}
                row_at = [at[row[0]] for row in row0]
                factors_at = [(at[o], v) for o, v in factors]
                for j in members:
                    lj = self.layers[j]
                    self.cl[j] = [
                        (lj[k][0], sd, e, ks, cf)
                        for k, (_, sd, e, ks, cf) in zip(row_at, row0, strict=True)
                    ]
                    for k, v in factors_at:
                        effs.setdefault(lj[k][0], []).append((j, v))
            else:
                for j in members:
                    self.cl[j] = row0
                for o, v in factors:
                    effs.setdefault(o, []).extend(zip(members, repeat(v)))
        self.touch = [sorted(touch.get(i, ())) for i in range(n)]
        """Risks on which each mitigation has a layer."""
        self.solid: list[list[int]] = [sorted(solid.get(i, ())) for i in range(n)]
        """Risks on which a mitigation has an unconflicted layer that reduces it."""
        # ranking factors (own best per side, every owner credited): the
        # all-safeguards figure, used only to rank candidates; in risk order
        self.eff_list: list[list[tuple[int, float]]] = [
            sorted(effs.get(i, ())) for i in range(n)
        ]
        self.inst_eff: list[list[tuple[int, float]]] = [
            sorted(effs.get(~k, ())) for k in range(len(self.insts))
        ]

    @staticmethod
    def _collapse_row(
        layers: list[tuple[int, calculus.LayerInput]],
    ) -> tuple[
        list[tuple[int, str, float, frozenset[str], bool]], list[tuple[int, float]]
    ]:
        """One risk's collapsed layers and each owner's all-safeguards factor."""
        best: dict[tuple[int, str], tuple[float, frozenset[str]]] = {}
        for o, li in layers:
            key = (o, li.on)
            keys = li.depends_on | {f"self:{li.id}"}
            e = float(li.effectiveness)
            if key not in best or e > best[key][0]:
                best[key] = (e, keys)
        count: dict[tuple[str, str], int] = {}
        for (_, side), (_, keys) in best.items():
            for k in keys:
                count[(side, k)] = count.get((side, k), 0) + 1
        row = []
        for (o, side), (e, keys) in best.items():
            conf = any(count[(side, k)] > 1 for k in keys)
            row.append((o, side, e, keys, conf))
        f: dict[int, float] = {}
        for o, _, e, _, _ in row:
            f[o] = f.get(o, 1.0) * (1.0 - e)
        return row, [(o, v) for o, v in f.items() if v < 1.0]

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
        """(closure, owner) of everything the heuristics may add (built once:
        callers only read it).

        A mitigation with a layer somewhere, or an armed instance with an
        effect (its closure is what it requires; it is in force once they are).
        """
        if self._cands is not None:
            return self._cands
        cl = self.closures()
        out = [(cl[i], i) for i in range(len(self.ids)) if self.touch[i]]
        # the instances of one response for many subjects: one closure object
        union: dict[tuple[int, ...], frozenset[int]] = {}
        for k in self.dyn:
            if self.insts[k].risks:
                req = tuple(self.insts[k].req)
                if req not in union:
                    union[req] = frozenset().union(*(cl[i] for i in req))
                out.append((union[req], ~k))
        self._cands = out
        return out

    # -- the one evaluation path: riskcore.calculus.credit

    def _classes(self) -> None:
        """Risks with the same layers in force under any plan form one class.

        Two risks are in one class when their layers are equal in order and
        each pair comes and goes with the same choices (one mitigation, or
        one response whose subjects differ but whose requirements are the
        same). The crediting rule decides which layers count from the layers alone,
        so a class is credited once per set of layers in force
        (:func:`riskcore.calculus.credit_shared`), and every member's figure
        is the one :func:`riskcore.calculus.credit` gives it: exact, the same
        bytes. One threat across many subjects is one class.
        """
        index: dict[tuple[int, ...], int] = {}
        self.cls: list[int] = []
        """The class of each risk."""
        self.pos: list[int] = []
        """Each risk's place among its class's members."""
        self.cls_members: list[list[int]] = []
        # a risk's codes (_layers): each layer (equal layers are one object)
        # with what decides whether it is in force: a mitigation itself; an
        # instance (one response for one subject) always, or once its
        # requirements are all in the plan
        for j, key in enumerate(map(tuple, self._codes)):
            g = index.setdefault(key, len(self.cls_members))
            if g == len(self.cls_members):
                self.cls_members.append([])
            self.cls.append(g)
            self.pos.append(len(self.cls_members[g]))
            self.cls_members[g].append(j)
        del self._codes
        self._cls_memo: dict[tuple[int, int], list[float]] = {}
        self.cls_static = [
            all(o >= 0 or self.insts[~o].const for o, _ in self.layers[m[0]])
            for m in self.cls_members
        ]
        """Whether a class's layers are the same owners for every member
        (no armed instance, whose column is its subject's own)."""

    def totals(self, chosen: Iterable[int]) -> tuple[float, float]:
        ch = list(chosen)
        return float(sum(self.cost[i] for i in ch)), float(
            sum(self.hours[i] for i in ch)
        )


def _compile(p: PlanningProblem, blocks: Blocks | None = None) -> _Compiled:
    return _Compiled(p, blocks)
