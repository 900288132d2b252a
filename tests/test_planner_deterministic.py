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


_HASHSEED_SCRIPT = """
import hashlib
from tests.test_planner_deterministic import _bytes, _large
from riskcore.planner import solve
p = _large(200, 40, seed=3)
r = solve(p, budget=0.1 * sum(m.cost for m in p.mitigations))
print(r.method, hashlib.sha256(_bytes(r).encode()).hexdigest())
"""


def test_plans_do_not_depend_on_string_hashing() -> None:
    # Regression: the exact polish built its common-cause rows in the
    # iteration order of a set of dependency keys (strings), which Python
    # salts per process; the MILP's bound, and so the written gap, changed
    # with PYTHONHASHSEED.
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = set()
    for seed in ("0", "1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", _HASHSEED_SCRIPT],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        out.add(run.stdout)
    assert len(out) == 1, out
    assert next(iter(out)).startswith("greedy+milp-oa ")


def test_the_node_budget_is_a_solve_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    from riskcore.errors import PlanError
    from riskcore.planner.exact import NODES
    from riskcore.planner.outer import _Model

    seen: list[int | None] = []
    real = _Model.milp

    def spy(
        self: Any, obj: Any, time_limit: float, gap: float, nodes: Any = None
    ) -> Any:
        seen.append(nodes)
        return real(self, obj, time_limit, gap, nodes)

    monkeypatch.setattr(_Model, "milp", spy)
    p = _large(30, 10, seed=1)
    default = solve(p, budget=200.0)
    assert seen
    assert set(seen) == {NODES}
    seen.clear()
    one = solve(p, budget=200.0, nodes=1)
    assert seen
    assert set(seen) == {1}
    assert one.residual >= default.residual - 1e-12
    for bad in (0, -5, 2.5, True):
        with pytest.raises(PlanError, match="nodes"):
            solve(p, budget=200.0, nodes=bad)  # type: ignore[arg-type]


def test_seconds_is_never_serialised() -> None:
    p = _large(30, 10, seed=1)
    r = solve(p, budget=200.0)
    assert r.seconds > 0.0
    text = io.dumps(r)
    assert '"seconds"' not in text
    assert "seconds" not in io.dumps(r, format="yaml")
    assert io.dumps(r) == io.dumps(
        __import__("attrs").evolve(r, seconds=r.seconds + 1.0)
    )
