"""The greedy heuristic and drop-add local improvement (large instances)."""

from __future__ import annotations

import heapq
import math

from riskcore.planner.compiled import _Compiled
from riskcore.planner.explain import _affected, _estimate


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
    per_risk: list[float] | None = None,
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
    n = len(c.ids)
    chosen = set(c.forced if start is None else start)
    in_s = bytearray(n)
    for i in chosen:
        in_s[i] = 1

    def has(i: int) -> bool:
        return in_s[i] == 1

    cur = c.harm_by_risk(chosen) if per_risk is None else per_risk
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
            after = c.harms_of(touched, has)
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
    for cl, _ in c.candidates():
        gain, missing, _ = _estimate(c, has0, surv0, cl)
        dc, dh = c.totals(missing)
        if fc + dc <= inf_b and fh + dh <= inf_h and gain > single_gain:
            best_single, single_gain = cl, gain
    best_per = c.harm_by_risk(best)
    if best_single is not None and left > 0:
        left -= 1
        per = c.harm_by_risk(forced | best_single)
        trial = _greedy(c, budget, hours, start=forced | best_single, per_risk=per)
        h = sum(per)
        if h < best_harm * (1 - 1e-12):
            best, best_harm, best_per = trial, h, per
    improved = True
    while improved and left > 0:
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
            if left <= 0:
                break
            left -= 1
            start = best - {i}
            # the start's per-risk harm: best's, except where i acted
            per = list(best_per)
            for j, v in c.harms_of(_affected(c, [i]), start.__contains__).items():
                per[j] = v
            trial = _greedy(c, budget, hours, start=start, per_risk=per)
            h = sum(per)
            if h < best_harm * (1 - 1e-12):
                best, best_harm, best_per, improved = trial, h, per, True
                break
    return best
