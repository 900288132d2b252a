"""The reasons a mitigation is in a plan or left out, with their figures."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from riskcore.plain import number
from riskcore.planner.compiled import _Compiled
from riskcore.planner.figures import array_sum
from riskcore.planner.result import Reason


def _fmt(x: float) -> str:
    """A figure in text meant for people: never in scientific notation
    (:func:`riskcore.plain.number`, the one number format)."""
    return number(x)


def _per_thousand(ratio: float) -> str:
    """Harm reduced per 1,000 spent: a rate people can read ("0.3 per 1,000
    spent", not "0.0003 per unit cost")."""
    return f"{number(ratio * 1000)} per 1,000 spent"


def _reasons(
    c: _Compiled, chosen: set[int], order: list[int], per: Any
) -> tuple[Reason, ...]:
    """Why each of *order* is in the plan; *per* is :meth:`_Compiled.per_risk`'s."""
    out: list[Reason] = []
    for i in order:
        by = tuple(sorted(c.ids[k] for k in c.dependents[i] if k in chosen))
        # its own effect on the strict figure: the plan without it, minus the plan
        without = chosen - {i}
        own = c.change([i], without.__contains__).loss(per)
        if abs(own) <= 1e-15 + 1e-12 * c.inherent:
            own = 0.0
        ratio = own / c.cost[i] if c.cost[i] > 0 else math.inf if own > 0 else 0.0
        if own >= 0:
            marginal = f"reduces expected harm by {_fmt(own)}" + (
                f" ({_per_thousand(ratio)})" if c.cost[i] > 0 else " at no cost"
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
    surv: Any,
    closure: Iterable[int],
) -> tuple[float, list[int], list[int]]:
    """All-safeguards gain of adding *closure*: for ranking only.

    Returns the gain, the missing mitigations and the armed instances they
    bring into force.
    """
    missing = [k for k in closure if not has(k)]
    new = _newly(c, has, missing)
    if c.vector:  # the same terms in the same order, as arrays
        idx, left = c.gain_terms(missing, new)
        return array_sum(c.h_a[idx] * surv[idx] * left), missing, new
    prod = c.products(missing, new)
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
    per_h: Any,
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
        gain = c.change(missing, trial.__contains__).gain(per_h)
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
        rate = f" ({_per_thousand(ratio)})" if dc > 0 else ""
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
