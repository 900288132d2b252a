"""The greedy heuristic and drop-add local improvement (large instances)."""

from __future__ import annotations

import heapq
import math
from typing import Any

from riskcore.planner.compiled import _Compiled
from riskcore.planner.explain import _estimate
from riskcore.planner.figures import _Change


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
    per_risk: Any = None,
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

    *per_risk*, if given, holds the strict harm of each risk with *start*
    in place (the caller knows it; it saves evaluating every risk again) and
    is updated in place to the returned plan's.
    """
    return _Greedy(c, budget, hours, start, per_risk).run(trace)


class _Greedy:
    """The state of one :func:`_greedy` run: the plan so far, its totals, the
    candidates' missing costs and the lazy queue of their gains."""

    def __init__(
        self,
        c: _Compiled,
        budget: float | None,
        hours: float | None,
        start: set[int] | None,
        per_risk: Any,
    ) -> None:
        self.c = c
        n = len(c.ids)
        self.chosen = set(c.forced if start is None else start)
        self.in_s = bytearray(n)
        for i in self.chosen:
            self.in_s[i] = 1
        self.cur = (
            c.per_risk(self.chosen.__contains__) if per_risk is None else per_risk
        )
        self.harm = c.total(self.cur)
        self.surv = c.surv(self.chosen)
        self.cost, self.hrs = c.totals(self.chosen)
        wc, wh = _norm(c, budget, hours)
        if wc == 0.0 and wh == 0.0:
            wc = 1.0
        self.wc, self.wh = wc, wh
        self.inf_b = math.inf if budget is None else budget * (1 + 1e-12)
        self.inf_h = math.inf if hours is None else hours * (1 + 1e-12)
        self.cands = c.candidates()
        nc = len(self.cands)
        self.cand_of: list[list[int]] = [[] for _ in range(n)]
        for a, (cl, _) in enumerate(self.cands):
            for k in cl:
                self.cand_of[k].append(a)
        self.dcost = [0.0] * nc
        self.dhrs = [0.0] * nc
        self.gain_ub = [0.0] * nc
        self.version = [0] * nc
        self.pending: dict[int, tuple[list[int], list[int], _Change]] = {}
        self.epoch = 0
        self.heap: list[tuple[float, int, int, int, bool]] = []
        self.thresh = 1e-15 + 1e-12 * c.inherent
        self.armed_any = bool(c.dyn)
        self.estimates: dict[
            frozenset[int], tuple[int, tuple[float, list[int], list[int]]]
        ] = {}

    def has(self, i: int) -> bool:
        return self.in_s[i] == 1

    def done(self, a: int) -> bool:
        owner = self.cands[a][1]
        return self.in_s[owner] == 1 if owner >= 0 else self.c.present(owner, self.has)

    def estimate(self, a: int) -> tuple[float, list[int], list[int]]:
        """All-safeguards gain of candidate *a*, its missing mitigations and
        the response instances it would bring into force."""
        c, surv = self.c, self.surv
        if self.armed_any or c.vector:
            # a function of the closure and of the plan so far (which changes
            # only when a step is taken, a new epoch): the armed instances of
            # one response for many subjects share one closure, estimated once
            cl = self.cands[a][0]
            got = self.estimates.get(cl)
            if got is None or got[0] != self.epoch:
                got = self.estimates[cl] = (
                    self.epoch,
                    _estimate(c, self.has, surv, cl),
                )
            return got[1]
        # the same, inlined for small problems without armed responses
        in_s, effs, hvec = self.in_s, c.eff_list, c.h
        missing = [k for k in self.cands[a][0] if not in_s[k]]
        if len(missing) == 1:
            # one mitigation: its factors are one per risk, so the product
            # over the closure is the factor itself (same sum, same order)
            return (
                sum(hvec[j] * surv[j] * (1.0 - f) for j, f in effs[missing[0]]),
                missing,
                [],
            )
        prod: dict[int, float] = {}
        for k in missing:
            for j, f in effs[k]:
                prod[j] = prod.get(j, 1.0) * f
        return sum(hvec[j] * surv[j] * (1.0 - q) for j, q in prod.items()), missing, []

    def push(self, a: int, g: float, ep: int, verified: bool) -> None:
        self.version[a] += 1
        if not verified:
            self.gain_ub[a] = g
        dcost, dhrs = self.dcost[a], self.dhrs[a]
        if g <= 0.0 or self.cost + dcost > self.inf_b or self.hrs + dhrs > self.inf_h:
            return
        w = self.wc * dcost + self.wh * dhrs
        key = -(g / w) if w > 0 else -math.inf
        heapq.heappush(self.heap, (key, a, self.version[a], ep, verified))

    def run(
        self, trace: list[tuple[float, float, float, list[int]]] | None
    ) -> set[int]:
        ccost, chours, in_s = self.c.cost, self.c.hours, self.in_s
        for a, (cl, _) in enumerate(self.cands):
            if self.done(a):
                continue
            for k in cl:
                if not in_s[k]:
                    self.dcost[a] += ccost[k]
                    self.dhrs[a] += chours[k]
            self.push(a, self.estimate(a)[0], self.epoch, False)
        heap, version = self.heap, self.version
        while heap:
            _, a, ver, ep, verified = heapq.heappop(heap)
            if self.done(a) or ver != version[a]:
                continue
            if ep != self.epoch:  # stale: re-estimate, let the heap decide
                self.push(a, self.estimate(a)[0], self.epoch, False)
                continue
            if (
                self.cost + self.dcost[a] > self.inf_b
                or self.hrs + self.dhrs[a] > self.inf_h
            ):  # pragma: no cover
                continue
            if not verified:
                self.verify(a)
            else:
                self.take(a, trace)
        return self.chosen

    def verify(self, a: int) -> None:
        """Evaluate *a* on the strict figure and re-queue it with that gain."""
        c, in_s, cur = self.c, self.in_s, self.cur
        _, missing, new = self.estimate(a)
        for k in missing:
            in_s[k] = 1
        after = c.change(missing, self.has)
        for k in missing:
            in_s[k] = 0
        g = after.gain(cur)
        if g > self.thresh:
            self.pending[a] = (missing, new, after)
            self.push(a, g, self.epoch, True)

    def take(
        self, a: int, trace: list[tuple[float, float, float, list[int]]] | None
    ) -> None:
        """Buy candidate *a* (verified on top): update the plan and re-rate."""
        c, in_s, surv, cur = self.c, self.in_s, self.surv, self.cur
        missing, new, after = self.pending.pop(a)
        for k in missing:
            in_s[k] = 1
            if c.vector:
                surv[c.eff_idx[k]] *= c.eff_f[k]
            else:
                for j, f in c.eff_list[k]:
                    surv[j] *= f
        for q in new:
            if c.vector:
                idx, f = c.inst_arrays(q)
                surv[idx] *= f
            else:
                for j, f in c.inst_eff[q]:
                    surv[j] *= f
        self.harm = after.apply(cur, self.harm)
        self.chosen.update(missing)
        self.cost += self.dcost[a]
        self.hrs += self.dhrs[a]
        self.epoch += 1
        if trace is not None:
            trace.append((self.cost, self.hrs, self.harm, missing))
        # prerequisites just bought make their dependents cheaper: re-rate now
        changed: set[int] = set()
        for k in missing:
            ck, hk = c.cost[k], c.hours[k]
            for d in self.cand_of[k]:
                if d != a and not self.done(d):
                    self.dcost[d] -= ck
                    self.dhrs[d] -= hk
                    changed.add(d)
        for d in changed:
            self.push(d, self.gain_ub[d], -1, False)


def _local_improve(
    c: _Compiled,
    chosen: set[int],
    budget: float | None,
    hours: float | None,
    moves: int = 12,
) -> set[int]:
    """Best single closure, then drop-add moves, each followed by a greedy refill.

    Candidates are ranked by the all-safeguards estimate; every move is
    accepted only if it lowers the strict figure. *moves* bounds the greedy
    refills tried (the best-single restart counts as one): an iteration
    budget, never a clock, so the same input always gives the same plan.
    """
    left = moves
    best = set(chosen)
    best_harm = c.harm(best)
    inf_b = math.inf if budget is None else budget * (1 + 1e-12)
    inf_h = math.inf if hours is None else hours * (1 + 1e-12)
    forced = set(c.forced)
    has0 = forced.__contains__
    surv0 = c.surv(forced)
    fc, fh = c.totals(forced)
    best_single, single_gain = None, 0.0
    # equal closures (one response's instances) estimate alike: the first wins
    for cl in dict.fromkeys(cl for cl, _ in c.candidates()):
        gain, missing, _ = _estimate(c, has0, surv0, cl)
        dc, dh = c.totals(missing)
        if fc + dc <= inf_b and fh + dh <= inf_h and gain > single_gain:
            best_single, single_gain = cl, gain
    best_per = c.per_risk(best.__contains__)
    if best_single is not None and left > 0:
        left -= 1
        per = c.per_risk((forced | best_single).__contains__)
        trial = _greedy(c, budget, hours, start=forced | best_single, per_risk=per)
        h = c.total(per)
        if h < best_harm * (1 - 1e-12):
            best, best_harm, best_per = trial, h, per
    improved = True
    while improved and left > 0:
        improved = False
        surv = c.as_list(c.surv(best))
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
            if left <= 0:
                break
            left -= 1
            start = best - {i}
            # the start's per-risk harm: best's, except where i acted
            per = c.copy(best_per)
            c.change([i], start.__contains__).apply(per)
            trial = _greedy(c, budget, hours, start=start, per_risk=per)
            h = c.total(per)
            if h < best_harm * (1 - 1e-12):
                best, best_harm, best_per, improved = trial, h, per, True
                break
    return best
