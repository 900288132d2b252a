"""The planner's result depends on its input, never on the clock (issue 15, part 3)."""

from __future__ import annotations

import random
import time
from typing import Any

import pytest

from riskcore import io
from riskcore.planner import (
    MitigationSpec,
    PlanningProblem,
    RiskEffect,
    RiskSpec,
    solve,
)


def _large(n: int = 1000, t: int = 250, seed: int = 20261127) -> PlanningProblem:
    """The shape of benchmarks/bench_planner.py's instance, smaller."""
    rng = random.Random(seed)
    risks = [
        RiskSpec(
            id=f"t{j}",
            likelihood=rng.uniform(0.01, 0.6),
            impact=rng.uniform(1.0, 5.0),
        )
        for j in range(t)
    ]
    mits = []
    for i in range(n):
        k = min(i, rng.choice((0, 1, 2)))
        req = rng.sample(range(max(0, i - 200), i), k=k) if i else []
        mits.append(
            MitigationSpec(
                id=f"m{i}",
                cost=float(rng.randint(1, 100)),
                hours=float(rng.randint(0, 40)),
                requires=[f"m{r}" for r in req],
                effects=[
                    RiskEffect(
                        risk=f"t{j}",
                        effectiveness=rng.uniform(0.05, 0.6),
                        on=rng.choice(("likelihood", "impact")),
                    )
                    for j in rng.sample(range(t), k=rng.randint(1, 3))
                ],
            )
        )
    return PlanningProblem(risks=risks, mitigations=mits)


def _bytes(r: Any) -> str:
    import attrs

    return io.dumps(attrs.evolve(r, seconds=0.0)) + io.dumps(r.to_plan("c", seed=1))


def test_same_input_gives_byte_identical_plans_whatever_the_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    p = _large()
    budget = 0.1 * sum(m.cost for m in p.mitigations)
    first = solve(p, budget=budget)
    assert first.method == "greedy"
    assert first.time_limited == ()
    assert 0 < first.gap < 0.05  # recorded: the gap to the LP bound
    assert first.bound <= first.residual
    # a frozen clock (a machine infinitely fast) and a clock that jumps a
    # second per reading (infinitely slow): a wall-clock stop would see
    # different amounts of work; the budgets see the same
    real = time.perf_counter
    monkeypatch.setattr(time, "perf_counter", lambda: 0.0)
    frozen = solve(p, budget=budget)
    ticks = iter(range(10**9))
    monkeypatch.setattr(time, "perf_counter", lambda: float(next(ticks)))
    slow = solve(p, budget=budget)
    monkeypatch.setattr(time, "perf_counter", real)
    again = solve(p, budget=budget)
    assert _bytes(first) == _bytes(frozen) == _bytes(slow) == _bytes(again)


def test_the_safety_net_is_reported_when_it_fires(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    p = _large(120, 40, seed=3)
    budget = 0.1 * sum(m.cost for m in p.mitigations)
    calm = solve(p, budget=budget)
    assert calm.time_limited == ()
    assert calm.method in ("greedy", "greedy+milp-oa")
    ticks = iter(range(0, 10**12, 1000))
    monkeypatch.setattr(time, "perf_counter", lambda: float(next(ticks)))
    cut = solve(p, budget=budget, method="exact")
    assert cut.time_limited == ("exact budget solve",)
    assert any("time limit reached" in n for n in cut.to_plan("c").notes)


def test_auto_polishes_a_mid_size_plan_with_the_exact_solver() -> None:
    p = _large(150, 50, seed=3)
    budget = 0.2 * sum(m.cost for m in p.mitigations)
    auto = solve(p, budget=budget)
    heur = solve(p, budget=budget, method="heuristic")
    assert heur.method == "greedy"
    assert heur.gap > 0.01
    assert auto.method == "greedy+milp-oa"
    assert auto.residual < heur.residual
    assert auto.gap < heur.gap
    assert solve(p, budget=budget).selected == auto.selected
