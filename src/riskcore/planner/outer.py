"""The outer approximation of the strict residual: the rows shared by the MILP and the LP.

numpy and scipy are imported inside the methods that need them.
"""

# ruff: noqa: N806  (matrices and graphs keep their mathematical names)
from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from riskcore.planner.compiled import _Compiled

_LOG_FLOOR = -30.0

SHARE_MIN = 2048
"""From this many risks, the armed instances of one response (one per
subject, with the same requirements) share one column ``w`` of the model.

``w = Π x`` over the requirements is the same for every subject, so sharing
it is exact: their risks become one row group and the model's size no longer
grows with the number of clients. Smaller problems keep one column per
instance, as before: the solver's bound (the last digits of a recorded
``gap``) stays what it was on the plans people already have."""


class _Skeleton:
    """The budget-free rows of a :class:`_Model`, shared by the models of one
    compiled problem (the frontier solves many budgets): precedence, armed
    instances, credit variables, static common-cause rows and the lazy cuts
    found so far, which hold at every budget.

    Risks with the same layers (the same owners, sides, effectiveness and
    dependency keys: every risk of one threat that no subject-specific
    response sets apart) have the same log-survival ``y`` and the same
    credited layers in every plan, so they are one *row group* ``r``: one
    ``y_r``, one set of credit variables and common-cause cuts, the summed
    inherent harm ``H_r`` (``Σ h_j·exp(y) = H_r·exp(y)``, exact) and, in
    tolerance mode, the tightest of the members' tolerances (the binding
    risk's row implies the others': also exact). So the model grows with the
    number of threats and distinct response patterns, not with the number of
    clients.
    """

    def __init__(self, c: _Compiled, risks: tuple[int, ...], strict: bool) -> None:
        n = len(c.ids)
        # w = Π x over an armed instance's requirements: one column per
        # distinct requirement list on large problems (SHARE_MIN)
        share = len(c.h) >= SHARE_MIN
        wreq: dict[tuple[int, ...], int] = {}
        self.wcol: dict[int, int] = {}
        for k in c.dyn:
            key = tuple(c.insts[k].req) if share else (~k,)
            self.wcol[k] = wreq.setdefault(key, n + len(wreq))
        self.nw = len(wreq)
        """How many ``w`` columns the model has."""
        reqs = {col: c.insts[k].req for k, col in self.wcol.items()}
        ncol = n + self.nw
        self.rows: list[tuple[dict[int, float], float, float]] = []
        rows = self.rows
        for i in range(n):
            for k in c.req[i]:
                rows.append(({i: 1.0, k: -1.0}, -math.inf, 0.0))
        for col, req in reqs.items():
            for i in req:
                rows.append(({col: 1.0, i: -1.0}, -math.inf, 0.0))
            rows.append(
                ({col: -1.0, **dict.fromkeys(req, 1.0)}, -math.inf, len(req) - 1.0)
            )
        self.risks: list[int] = []
        """The first risk of each row group."""
        self.members: list[list[int]] = []
        """The risks of each row group (in risk order)."""
        self.hsum: list[float] = []
        """The summed inherent expected harm of each row group."""
        # a risk's layers (c.cl[j]) determine its y, its credit variables and
        # its common-cause cuts: risks with the same layers share all of them
        group_of: dict[tuple[object, ...], int] = {}
        no_row: dict[tuple[object, ...], tuple[float, bool]] = {}
        self.yrow: list[dict[int, float]] = []
        self.yconst: list[float] = []
        self.ypos: list[dict[int, bool]] = []  # perfect layers' columns
        self.const_perfect: list[bool] = []
        self.const_harm = 0.0
        self.groups: list[list[tuple[int | None, int | None, frozenset[str]]]] = []
        # a class whose layers have no armed instance has one key for all
        # its members (their instances are constants); armed instances are
        # columns of their own, so those members' keys are read one by one
        key_of: dict[int, tuple[object, ...]] = {}
        for j in risks:
            g = c.cls[j]
            layers = key_of.get(g)
            if layers is None:
                layers = self._layers_key(c, j)
                if c.cls_static[g]:
                    key_of[g] = layers
            if c.h[j] > 0.0:
                r = group_of.get(layers)
                if r is not None:
                    self.members[r].append(j)
                    self.hsum[r] += c.h[j]
                    continue
                if layers in no_row:
                    const, cperf = no_row[layers]
                    self.const_harm += 0.0 if cperf else c.h[j] * math.exp(const)
                    continue
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
                no_row[layers] = (const, cperf)
                continue
            group_of[layers] = len(self.risks)
            self.risks.append(j)
            self.members.append([j])
            self.hsum.append(c.h[j])
            self.yrow.append(row)
            self.yconst.append(const)
            self.ypos.append(perfect)
            self.const_perfect.append(cperf)
        self.ncol = ncol
        self.members_a: list[Any] = []
        """The members of each row group as index arrays (vector mode)."""
        if c.vector:
            import numpy as np

            self.members_a = [np.array(m, dtype=np.intp) for m in self.members]
        self.ymin = [
            k + sum(min(v, 0.0) for v in r.values())
            for k, r in zip(self.yconst, self.yrow, strict=True)
        ]

    def _layers_key(self, c: _Compiled, j: int) -> tuple[object, ...]:
        """What the model sees of risk *j*'s layers: the column of each layer
        (not its owner: a response forced for two subjects is a constant for
        both), its side, effectiveness, dependency keys and conflict, sorted."""
        return tuple(
            sorted(
                (
                    (-1 if (lit := self._lit(o)) is None else lit),
                    side,
                    e,
                    tuple(sorted(keys)),
                    conf,
                )
                for o, side, e, keys, conf in c.cl[j]
            )
        )

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
            for k in sorted(keys):
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
        self.members = sk.members
        self.members_a = sk.members_a
        self.hsum = sk.hsum
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
        self._yflat: tuple[list[Any], list[Any], Any] | None = None
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
            [1] * n + [0] * sk.nw + [1] * (ncol - n - sk.nw) + [0] * self.nt
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
        """Log of each row group's strict credited survival (clamped to the model's floor).

        The group's summed strict residual over its summed inherent harm (its
        risks' survivals are equal whenever the strict rule credits them alike).
        """
        has = chosen.__contains__
        c = self.c
        per = c.per_risk(has) if c.vector else None
        out = []
        for r, members in enumerate(self.members):
            if per is not None:  # math.fsum is exact: any order, the same float
                harm = math.fsum(per[self.members_a[r]].tolist())
            else:
                harm = math.fsum(c.harms_of(members, has).values())
            y = math.log(harm / self.hsum[r]) if harm > 0 else self.ymin[r]
            out.append(max(y, self.ymin[r]))
        return out

    def selection(self, v: Sequence[float]) -> set[int]:
        return {i for i in range(self.n) if v[i] > 0.5}

    # -- rows

    def add_tangents(self, y: Sequence[float]) -> None:
        for r, y0 in enumerate(y):
            self.cuts.append((r, max(float(y0), self.ymin[r])))

    def add_tolerances(self, tol: Sequence[float | None]) -> None:
        """``y_r ≤ log(tol_j / h_j)`` for the binding risk *j* of each row group
        (the smallest ratio); a tolerance of 0 needs a perfect layer."""
        for r, members in enumerate(self.members):
            if self.const_perfect[r]:
                continue
            binding = [
                (t / self.c.h[j], t, j)
                for j in members
                if (t := tol[j]) is not None and self.c.h[j] > t * (1 + 1e-12)
            ]
            if not binding:
                continue
            if any(t <= 0.0 for _, t, _ in binding):
                self.rows.append((dict.fromkeys(self.ypos[r], -1.0), -math.inf, -1.0))
                binding = [b for b in binding if b[1] > 0.0]
                if not binding:
                    continue
            # the tightest row implies the others (docs/planner.md, "Scale")
            _, t, j = min(binding)
            target = math.log(t / self.c.h[j]) - self.yconst[r]
            floor = min(_LOG_FLOOR, target - 1.0)
            row = {
                col: (floor if col in self.ypos[r] else coef)
                for col, coef in self.yrow[r].items()
            }
            # a hair looser than the tolerance, never tighter: the MILP must
            # stay a relaxation, so that "infeasible" is proved; its plan is
            # then checked against the tolerance by the strict figure (with
            # the same 1e-9 relative slack, _tol_milp). A plan exactly at its
            # tolerance was refused when this margin was subtracted.
            self.rows.append((row, -math.inf, target + 1e-10))

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

    def _matrix(self, tangents: bool) -> tuple[Any, Any, Any]:
        """The constraint matrix: the shared rows, this model's, then (with
        *tangents*) one row per tangent (:meth:`_tangents`)."""
        import numpy as np
        from scipy import sparse

        all_rows = self.base + self.rows
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
        rows_a = np.array(ri, dtype=np.int64)
        cols_a = np.array(ci, dtype=np.int64)
        vals_a = np.array(vals, dtype=float)
        lo_a, hi_a = np.array(lo), np.array(hi)
        nrows = len(all_rows)
        if tangents and self.cuts:
            t_rows, t_cols, t_vals, t_lo = self._tangents()
            rows_a = np.concatenate([rows_a, t_rows + nrows])
            cols_a = np.concatenate([cols_a, t_cols])
            vals_a = np.concatenate([vals_a, t_vals])
            lo_a = np.concatenate([lo_a, t_lo])
            hi_a = np.concatenate([hi_a, np.full(len(t_lo), math.inf)])
            nrows += len(t_lo)
        A = sparse.csr_matrix((vals_a, (rows_a, cols_a)), shape=(nrows, self.nvar))
        return A, lo_a, hi_a

    def _tangents(self) -> tuple[Any, Any, Any, Any]:
        """``t_r ≥ h e^{y0} (1 + y_r − y0)``, one row per tangent, as
        (row, column, value) triplets in row order and each row's lower side.

        Row *k* holds ``−a·coef`` for each column of ``y_r`` (in its order)
        and 1 for ``t_r``, with ``a = H_r·e^{y0}`` (``math.exp``, per cut);
        its lower side is ``a·(1 − y0 + const_r)``: the figures of a row built
        one coefficient at a time, as arrays.
        """
        import numpy as np

        if self._yflat is None:
            per_cols = [[*row, self.nx + r] for r, row in enumerate(self.yrow)]
            per_coefs = [[*row.values(), 0.0] for row in self.yrow]
            self._yflat = (
                [np.array(c, dtype=np.int64) for c in per_cols],
                [np.array(c, dtype=float) for c in per_coefs],
                np.array([len(c) for c in per_cols], dtype=np.int64),
            )
        ycols, ycoefs, ylen = self._yflat
        neg: list[float] = []
        lo: list[float] = []
        for r, y0 in self.cuts:
            a = self.hsum[r] * math.exp(y0)
            neg.append(-a)
            lo.append(a * (1.0 - y0 + self.yconst[r]))
        rs = np.array([r for r, _ in self.cuts], dtype=np.int64)
        lens = ylen[rs]
        rows = np.repeat(np.arange(len(rs), dtype=np.int64), lens)
        cols = np.concatenate([ycols[r] for r, _ in self.cuts])
        vals = np.repeat(np.array(neg), lens) * np.concatenate(
            [ycoefs[r] for r, _ in self.cuts]
        )
        vals[np.cumsum(lens) - 1] = 1.0  # t_r
        return rows, cols, vals, np.array(lo)

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

    def milp(
        self, obj: Any, time_limit: float, gap: float, nodes: int | None = None
    ) -> Any:
        import numpy as np
        from scipy.optimize import Bounds, LinearConstraint, milp

        A, lo, hi = self._matrix(self.nt > 0)
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
                **({} if nodes is None else {"node_limit": nodes}),
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

        A, lo, hi = self._matrix(True)
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
            if res.status == 1:  # the time safety net stopped the LP
                from riskcore.planner.exact import _fired

                _fired("LP bound")
            return 0.0, 0.0
        slope = 0.0
        if self.budget_row >= 0:  # its index among the A_ub rows
            k = int(np.count_nonzero(up[: len(self.base) + self.budget_row]))
            slope = float(res.ineqlin.marginals[k])
        return float(res.fun) + self.const_harm, min(slope, 0.0)
