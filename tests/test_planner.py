"""Tests of the planner (riskcore.planner): optimality against brute force,
properties, bad input, explanations and the catalog adapter."""

from __future__ import annotations

import itertools
import math
import random
import types

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskcore.errors import GraphError, PlanError
from riskcore.model import (
    Catalog,
    Effect,
    EffectTarget,
    Mitigation,
    Response,
    Severity,
    Threat,
)
from riskcore.planner import (
    MitigationSpec,
    PlanningProblem,
    ResponseSpec,
    RiskEffect,
    RiskSpec,
    pareto_frontier,
    plan,
    problem_from_catalog,
    solve,
)
from tests.planner_brute import brute_budget, brute_tolerance, strict_by_risk

# ----------------------------------------------------------------- helpers


def random_problem(
    seed: int, n_max: int = 20, *, tolerances: bool = False
) -> tuple[PlanningProblem, float, float | None]:
    """A random instance: requires-DAG, effects, a money and maybe an hours budget."""
    rng = random.Random(seed)
    n = rng.randint(1, n_max)
    n_risks = rng.randint(1, 8)
    risks = [
        RiskSpec(
            id=f"r{j}",
            likelihood=rng.random(),
            impact=rng.uniform(0.5, 5.0),
            tolerance=rng.uniform(0.05, 1.5) if tolerances else None,
        )
        for j in range(n_risks)
    ]
    mits = []
    for i in range(n):
        k = min(i, rng.choice((0, 0, 1, 1, 2)))
        req = rng.sample(range(i), k=k)
        effects = [
            RiskEffect(
                risk=f"r{j}",
                effectiveness=(
                    1.0
                    if rng.random() < 0.03
                    else rng.choice((0.0, 0.2, 0.5, 0.9)) * rng.random()
                ),
                on=rng.choice(("likelihood", "impact")),
            )
            for j in rng.sample(range(n_risks), k=rng.randint(0, min(3, n_risks)))
        ]
        mits.append(
            MitigationSpec(
                id=f"m{i}",
                cost=float(rng.randint(0, 20)),
                hours=float(rng.randint(0, 10)),
                duration_days=float(rng.randint(0, 5)),
                requires=[f"m{r}" for r in req],
                effects=effects,
            )
        )
    budget = rng.uniform(0.0, sum(m.cost for m in mits))
    hours = rng.uniform(0.0, sum(m.hours for m in mits)) if rng.random() < 0.3 else None
    return PlanningProblem(risks=risks, mitigations=mits), budget, hours


def assert_closed(p: PlanningProblem, selected: tuple[str, ...]) -> None:
    chosen = set(selected)
    seen: set[str] = set()
    for m in p.mitigations:
        if m.id in chosen:
            for r in m.requires:
                assert r in chosen, f"{m.id} requires {r}"
                assert r in seen, f"{r} must come before {m.id}"
            seen.add(m.id)


# ----------------------------------------------------------------- quality


SUITE = range(200)


def test_budget_mode_matches_brute_force_on_200_instances() -> None:
    worst = 0.0
    for seed in SUITE:
        p, budget, hours = random_problem(seed)
        opt = brute_budget(p, budget, hours)
        r = solve(p, budget=budget, hours=hours, explain=0)
        assert r.cost <= budget + 1e-9, seed
        if hours is not None:
            assert r.hours <= hours + 1e-9, seed
        assert_closed(p, r.selected)
        assert r.residual == pytest.approx(p.residual(r.selected), rel=1e-9, abs=1e-12)
        assert r.bound <= opt * (1 + 1e-6) + 1e-12, seed
        err = (r.residual - opt) / max(opt, 1e-12)
        worst = max(worst, err)
        assert r.residual <= opt * 1.01 + 1e-12, (seed, r.residual, opt)
    assert worst <= 0.01


def test_heuristic_is_feasible_and_its_bound_is_valid() -> None:
    for seed in range(0, 200, 4):
        p, budget, hours = random_problem(seed)
        opt = brute_budget(p, budget, hours)
        r = solve(p, budget=budget, hours=hours, method="heuristic")
        assert r.method in ("greedy", "all-useful")
        assert r.cost <= budget + 1e-9
        assert hours is None or r.hours <= hours + 1e-9
        assert_closed(p, r.selected)
        assert r.bound <= opt * (1 + 1e-6) + 1e-12
        assert r.residual >= opt * (1 - 1e-9) - 1e-12
        assert 0.0 <= r.gap <= 1.0


def test_tolerance_mode_matches_brute_force() -> None:
    n_infeasible = 0
    for seed in range(80):
        p, _, _ = random_problem(1000 + seed, n_max=14, tolerances=True)
        best = brute_tolerance(p)
        r = solve(p, tolerance=True)
        if best is None:
            n_infeasible += 1
            assert r.status == "infeasible"
            assert r.selected == ()
            assert r.infeasible
            for item in r.infeasible:
                assert item.risk in {x.id for x in p.risks}
                assert item.best_residual > item.tolerance
            with pytest.raises(PlanError, match="no plan meets the request"):
                r.to_plan("case-1")
            continue
        assert r.status == "optimal"
        assert r.cost == pytest.approx(best, abs=1e-6)
        assert_closed(p, r.selected)
        for risk in p.risks:
            assert r.residual_by_risk[risk.id] <= risk.tolerance * (1 + 1e-6)  # type: ignore[operator]
    assert 0 < n_infeasible < 80


def test_tolerance_with_budget_names_risks() -> None:
    p = PlanningProblem(
        risks=[
            RiskSpec(id="a", likelihood=1.0, impact=1.0, tolerance=0.5),
            RiskSpec(id="b", likelihood=1.0, impact=1.0, tolerance=0.5),
            RiskSpec(id="c", likelihood=1.0, impact=1.0, tolerance=0.5),
        ],
        mitigations=[
            MitigationSpec(
                id="ma", cost=10, effects=[RiskEffect(risk="a", effectiveness=0.6)]
            ),
            MitigationSpec(
                id="mb", cost=10, effects=[RiskEffect(risk="b", effectiveness=0.6)]
            ),
            MitigationSpec(
                id="mc", cost=30, effects=[RiskEffect(risk="c", effectiveness=0.6)]
            ),
        ],
    )
    r = solve(p, tolerance=True, budget=25)
    assert r.status == "infeasible"
    assert [i.risk for i in r.infeasible] == ["c"]
    assert "costs at least 30 > budget 25" in r.infeasible[0].reason
    # the figure itself, for callers (the CLI says what budget would do)
    assert r.infeasible[0].needed_budget == pytest.approx(30.0)
    joint = solve(p, tolerance={"c": 1.0}, budget=15)
    assert joint.status == "infeasible"
    assert {i.risk for i in joint.infeasible} == {"a", "b"}
    assert "not all within the budget together" in joint.infeasible[0].reason
    hrs = PlanningProblem(
        risks=p.risks[:1],
        mitigations=[
            MitigationSpec(
                id="ma",
                cost=1,
                hours=9,
                effects=[RiskEffect(risk="a", effectiveness=0.6)],
            )
        ],
    )
    rh = solve(hrs, tolerance=True, hours=5)
    assert "takes 9 hours > 5" in rh.infeasible[0].reason
    ok = solve(p, tolerance=True)
    assert ok.selected == ("ma", "mb", "mc")
    assert ok.cost == 50
    none_needed = solve(p, tolerance=5.0)
    assert none_needed.selected == ()
    assert none_needed.method == "none-needed"


def test_tolerance_zero_needs_a_perfect_layer() -> None:
    p = PlanningProblem(
        risks=[RiskSpec(id="a", likelihood=0.5, impact=1.0, tolerance=0.0)],
        mitigations=[
            MitigationSpec(
                id="half", cost=1, effects=[RiskEffect(risk="a", effectiveness=0.5)]
            ),
            MitigationSpec(
                id="ban", cost=9, effects=[RiskEffect(risk="a", effectiveness=1.0)]
            ),
        ],
    )
    r = solve(p, tolerance=True)
    assert r.selected == ("ban",)
    assert r.residual == 0.0
    p2 = PlanningProblem(risks=p.risks, mitigations=p.mitigations[:1])
    bad = solve(p2, tolerance=True)
    assert bad.status == "infeasible"
    assert "every mitigation that reduces it (half)" in bad.infeasible[0].reason
    p3 = PlanningProblem(risks=p.risks, mitigations=[])
    assert "no mitigation reduces it" in solve(p3, tolerance=True).infeasible[0].reason


# ----------------------------------------------------------------- properties


@st.composite
def instances(draw: st.DrawFn) -> tuple[PlanningProblem, float, float]:
    seed = draw(st.integers(0, 10**6))
    p, _, _ = random_problem(seed, n_max=10)
    total = sum(m.cost for m in p.mitigations)
    a = draw(st.floats(0.0, 1.0))
    b = draw(st.floats(0.0, 1.0))
    return p, min(a, b) * total, max(a, b) * total


FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@FAST
@given(instances())
def test_more_budget_never_worsens_the_optimum(
    inst: tuple[PlanningProblem, float, float],
) -> None:
    p, lo, hi = inst
    r_lo = solve(p, budget=lo, explain=0)
    r_hi = solve(p, budget=hi, explain=0)
    assert r_hi.residual <= r_lo.residual * (1 + 1e-6) + 1e-12


@FAST
@given(instances(), st.data())
def test_residual_is_the_strict_figure_and_never_above_inherent(
    inst: tuple[PlanningProblem, float, float], data: st.DataObject
) -> None:
    # The strict figure is not monotone in the plan (adding a mitigation can
    # link two layers into one common-cause group: test_planner_strict.py),
    # but it never exceeds the inherent harm, and it is calculus.credit's.
    p, _, _ = inst
    ids = [m.id for m in p.mitigations]
    base = data.draw(st.lists(st.sampled_from(ids), max_size=len(ids)))
    by = p.residual_by_risk(base)
    assert list(by.values()) == pytest.approx(strict_by_risk(p, base), rel=1e-12)
    assert p.residual(base) <= sum(r.likelihood * r.impact for r in p.risks) + 1e-12


@FAST
@given(instances())
def test_every_plan_is_closed_under_requires(
    inst: tuple[PlanningProblem, float, float],
) -> None:
    p, lo, hi = inst
    for r in (
        solve(p, budget=lo, explain=0),
        solve(p, budget=hi, method="heuristic", explain=0),
        solve(p, tolerance=0.5),
    ):
        assert_closed(p, r.selected)
        assert set(p.closure(r.selected)) == set(r.selected)


# ----------------------------------------------------------------- bad input


def _p(**kw: object) -> PlanningProblem:
    base: dict[str, object] = {
        "risks": [RiskSpec(id="a", likelihood=0.5, impact=2.0)],
        "mitigations": [
            MitigationSpec(
                id="m", cost=1.0, effects=[RiskEffect(risk="a", effectiveness=0.5)]
            )
        ],
    }
    base.update(kw)
    return PlanningProblem(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("problem", "error", "message"),
    [
        (
            _p(mitigations=[MitigationSpec(id="m", cost=-1.0)]),
            PlanError,
            "'m': cost -1.0 is negative",
        ),
        (
            _p(mitigations=[MitigationSpec(id="m", hours=math.inf)]),
            PlanError,
            "hours inf",
        ),
        (
            _p(
                mitigations=[
                    MitigationSpec(
                        id="m", effects=[RiskEffect(risk="a", effectiveness=1.5)]
                    )
                ]
            ),
            PlanError,
            r"effectiveness 1.5 on 'a' is not in \[0, 1\]",
        ),
        (
            _p(
                mitigations=[
                    MitigationSpec(
                        id="m",
                        effects=[RiskEffect(risk="a", effectiveness=0.5, on="mood")],
                    )
                ]
            ),  # type: ignore[arg-type]
            PlanError,
            "neither 'likelihood' nor 'impact'",
        ),
        (
            _p(
                mitigations=[
                    MitigationSpec(
                        id="m", effects=[RiskEffect(risk="zz", effectiveness=0.5)]
                    )
                ]
            ),
            GraphError,
            "'zz', which is not a risk",
        ),
        (
            _p(mitigations=[MitigationSpec(id="m", requires=["ghost"])]),
            GraphError,
            "'ghost'.*dangling",
        ),
        (
            _p(mitigations=[MitigationSpec(id="m", requires=["m"])]),
            GraphError,
            "'m' requires itself",
        ),
        (
            _p(
                mitigations=[
                    MitigationSpec(id="a1", requires=["c1"]),
                    MitigationSpec(id="b1", requires=["a1"]),
                    MitigationSpec(id="c1", requires=["b1"]),
                    MitigationSpec(id="d1", requires=["a1"]),
                ]
            ),
            GraphError,
            r"requirement cycle: (a1 -> c1 -> b1 -> a1|b1 -> a1 -> c1 -> b1|c1 -> b1 -> a1 -> c1)",
        ),
        (
            _p(mitigations=[MitigationSpec(id="m"), MitigationSpec(id="m")]),
            PlanError,
            "'m' is defined more than once",
        ),
        (
            _p(
                risks=[
                    RiskSpec(id="a", likelihood=0.1, impact=1),
                    RiskSpec(id="a", likelihood=0.1, impact=1),
                ]
            ),
            PlanError,
            "risk 'a' is defined more than once",
        ),
        (
            _p(risks=[RiskSpec(id="a", likelihood=1.2, impact=1)]),
            PlanError,
            r"likelihood 1.2 is not in \[0, 1\]",
        ),
        (
            _p(risks=[RiskSpec(id="a", likelihood=0.2, impact=-1)]),
            PlanError,
            "impact -1 is negative",
        ),
        (
            _p(risks=[RiskSpec(id="a", likelihood=0.2, impact=1, tolerance=-0.1)]),
            PlanError,
            "tolerance -0.1 is negative",
        ),
        (_p(required=["nope"]), PlanError, "required mitigation 'nope'"),
        (
            _p(
                risks=[
                    RiskSpec(
                        id="a",
                        likelihood=0.2,
                        impact=1,
                        critical=True,
                        responses=["r?"],
                    )
                ]
            ),
            PlanError,
            "requires response 'r\\?'",
        ),
        (
            _p(
                risks=[
                    RiskSpec(
                        id="a", likelihood=0.2, impact=1, critical=True, responses=["r"]
                    )
                ],
                responses=[ResponseSpec(id="r", requires=["ghost"])],
            ),
            GraphError,
            "response 'r' requires 'ghost'",
        ),
    ],
)
def test_bad_problems_raise_specific_errors(
    problem: PlanningProblem, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        solve(problem, budget=1.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"budget": -1.0}, "budget -1.0 is negative"),
        ({"hours": -2.0}, "hours -2.0 is negative"),
        ({"objective": "fun"}, "objective 'fun'"),
        ({"method": "magic"}, "method 'magic'"),
        ({"tolerance": -0.5}, "tolerance -0.5 is negative"),
        ({"tolerance": {"zz": 1.0}}, "'zz', which is not a risk"),
        ({"tolerance": "high"}, "tolerance 'high' is not"),
        ({"objective": "cost"}, "no risk has one"),
    ],
)
def test_bad_requests(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(PlanError, match=message):
        solve(_p(), **kwargs)  # type: ignore[arg-type]


def test_frontier_needs_two_points() -> None:
    with pytest.raises(PlanError, match="at least 2"):
        pareto_frontier(_p(), points=1)


# ----------------------------------------------------------------- behaviour


@pytest.fixture
def practice() -> PlanningProblem:
    eff = RiskEffect
    return PlanningProblem(
        risks=[
            RiskSpec(
                id="aggression",
                likelihood=0.3,
                impact=4.0,
                critical=True,
                responses=["duress"],
            ),
            RiskSpec(id="burnout", likelihood=0.5, impact=3.0),
        ],
        mitigations=[
            MitigationSpec(id="policy", cost=5.0, duration_days=10.0),
            MitigationSpec(
                id="alarm",
                cost=30.0,
                duration_days=3.0,
                effects=[eff(risk="aggression", effectiveness=0.2)],
            ),
            MitigationSpec(
                id="training",
                cost=20.0,
                duration_days=5.0,
                requires=["policy"],
                effects=[eff(risk="aggression", effectiveness=0.3)],
            ),
            MitigationSpec(
                id="deescalation",
                cost=10.0,
                duration_days=2.0,
                requires=["training"],
                effects=[eff(risk="aggression", effectiveness=0.4)],
            ),
            MitigationSpec(
                id="supervision",
                cost=40.0,
                hours=20.0,
                requires=["policy"],
                effects=[eff(risk="burnout", effectiveness=0.4)],
            ),
            MitigationSpec(
                id="peer",
                cost=15.0,
                hours=10.0,
                requires=["supervision"],
                effects=[eff(risk="burnout", effectiveness=0.2)],
            ),
            MitigationSpec(id="poster", cost=0.0),
        ],
        responses=[
            ResponseSpec(
                id="duress",
                requires=["alarm"],
                effects=[eff(risk="aggression", effectiveness=0.5, on="impact")],
            ),
            ResponseSpec(id="unused", requires=["poster"]),
        ],
    )


def test_critical_risk_gets_its_response_and_reasons(practice: PlanningProblem) -> None:
    r = solve(practice, budget=70.0)
    assert "alarm" in r.selected
    assert r.responses == {"duress": ("aggression",)}
    why = {x.mitigation: x for x in r.reasons}
    assert why["alarm"].kind == "forced"
    assert (
        "required by response 'duress' for critical risk 'aggression'"
        in why["alarm"].text
    )
    assert why["policy"].kind == "required"
    assert why["policy"].text.startswith("required by ")
    assert any(x.kind == "marginal" and "per 1,000 spent" in x.text for x in r.reasons)
    assert r.rejected, "the best rejected mitigations are explained"
    assert all("over the remaining budget" in x.text for x in r.rejected)
    assert r.residual_by_risk["aggression"] < 0.3 * 4.0 * 0.5
    assert r.inherent == pytest.approx(0.3 * 4 + 0.5 * 3)
    assert r.phases[0] == ("alarm", "policy") or r.phases[0][0] in ("alarm", "policy")
    p = r.to_plan("case-7", seed=3)
    assert [i.mitigation for i in p.items] == list(r.selected)
    assert p.responses[0].response == "duress"
    assert p.total_cost == r.cost
    assert sum(i.hours for i in p.items) == pytest.approx(r.hours)
    assert sum(i.cost for i in p.items) == pytest.approx(r.cost)
    assert p.expected_residual == r.residual
    assert p.method_version == "riskcore.planner/milp-oa"
    starts = {i.mitigation: i.start_day for i in p.items}
    if "training" in starts:
        assert starts["training"] == 10.0


def test_forced_over_budget_is_infeasible(practice: PlanningProblem) -> None:
    r = solve(practice, budget=10.0)
    assert r.status == "infeasible"
    assert r.infeasible[0].risk == "aggression"
    assert "'duress'" in r.infeasible[0].reason
    assert "costs 30 > budget 10" in r.infeasible[0].reason
    assert r.infeasible[0].needed_budget == pytest.approx(30.0)
    rh = solve(
        _p(required=["m"], mitigations=[MitigationSpec(id="m", hours=5.0)]), hours=1.0
    )
    assert rh.infeasible[0].risk == "*"
    assert "takes 5 hours > 1 available" in rh.infeasible[0].reason
    with pytest.raises(PlanError):
        rh.raise_if_infeasible()
    assert not rh.feasible


def test_unlimited_budget_minimises_the_strict_figure(
    practice: PlanningProblem,
) -> None:
    # peer requires supervision and both act on burnout: one common-cause
    # group, so only supervision (0.4) is credited and peer adds nothing; the
    # same holds for training under deescalation, which deescalation needs.
    r = solve(practice)
    assert r.method == "milp-oa"
    assert "poster" not in r.selected
    assert set(r.selected) == {
        "policy",
        "alarm",
        "training",
        "deescalation",
        "supervision",
    }
    assert r.residual_by_risk["aggression"] == pytest.approx(1.2 * 0.8 * 0.6 * 0.5)
    assert r.residual_by_risk["burnout"] == pytest.approx(1.5 * 0.6)
    assert r.gap <= 1e-4
    # without common-cause conflicts the figure only falls as the plan grows:
    # everything useful is optimal, no solver needed
    free = PlanningProblem(
        risks=practice.risks[1:],
        mitigations=[
            MitigationSpec(
                id=m, cost=1.0, effects=[RiskEffect(risk="burnout", effectiveness=0.3)]
            )
            for m in ("a", "b")
        ],
    )
    r2 = solve(free)
    assert r2.method == "all-useful"
    assert r2.selected == ("a", "b")
    assert r2.gap == 0.0


def test_required_and_tolerance_reasons(practice: PlanningProblem) -> None:
    p = PlanningProblem(
        risks=[
            RiskSpec(id="aggression", likelihood=0.3, impact=4.0),
            *practice.risks[1:],
            RiskSpec(id="x", likelihood=0.1, impact=1.0, tolerance=1.0),
        ],
        mitigations=practice.mitigations,
        responses=practice.responses,
        required=["poster"],
    )
    r = solve(p, tolerance={"burnout": 0.95})
    assert r.selected == ("policy", "supervision", "poster")
    why = {x.mitigation: x for x in r.reasons}
    assert why["poster"].text == "required by the request"
    assert any(
        "a cheaper set reaches the tolerances" in x.text for x in r.rejected
    ) or any("already within tolerance" in x.text for x in r.rejected)
    r2 = solve(p, tolerance={"burnout": 1.2})
    assert any("already within tolerance" in x.text for x in r2.rejected)


def test_frontier_is_monotone_and_ends_at_the_plan(practice: PlanningProblem) -> None:
    r = solve(practice, budget=100.0, frontier=6)
    costs = [f.cost for f in r.frontier]
    res = [f.residual for f in r.frontier]
    assert costs == sorted(costs)
    assert res == sorted(res, reverse=True)
    assert all(f.gap is not None and f.gap <= 1e-3 for f in r.frontier)
    path = solve(practice, budget=100.0).frontier
    assert path[-1].residual == pytest.approx(solve(practice, budget=100.0).residual)
    assert all(a.residual > b.residual for a, b in itertools.pairwise(path))
    tol = solve(practice, tolerance={"burnout": 1.0})
    assert tol.frontier[-1].cost <= tol.cost + 1e-9


def test_heuristic_on_a_larger_instance() -> None:
    rng = random.Random(5)
    n, t = 150, 40
    risks = [
        RiskSpec(
            id=f"t{j}", likelihood=rng.uniform(0.05, 0.5), impact=rng.uniform(1, 5)
        )
        for j in range(t)
    ]
    mits = [
        MitigationSpec(
            id=f"m{i}",
            cost=float(rng.randint(1, 50)),
            hours=float(rng.randint(0, 10)),
            requires=[
                f"m{k}" for k in rng.sample(range(i), k=min(i, rng.choice((0, 1, 2))))
            ],
            effects=[
                RiskEffect(risk=f"t{j}", effectiveness=rng.uniform(0.05, 0.6))
                for j in rng.sample(range(t), k=2)
            ],
        )
        for i in range(n)
    ]
    p = PlanningProblem(risks=risks, mitigations=mits)
    budget = 0.15 * sum(m.cost for m in mits)
    r = solve(p, budget=budget, hours=200.0, method="heuristic")
    assert r.method == "greedy"
    assert r.status == "feasible"
    assert r.cost <= budget
    assert r.hours <= 200.0
    assert_closed(p, r.selected)
    assert r.bound <= r.residual
    assert r.gap < 0.2
    front = pareto_frontier(p, points=5, hours=200.0)
    assert [f.residual for f in front] == sorted(
        (f.residual for f in front), reverse=True
    )
    exact = solve(p, budget=budget, hours=200.0, method="exact", time_limit=1.0)
    assert exact.residual <= r.residual * (1 + 1e-9)
    assert exact.bound <= r.residual


# ----------------------------------------------------------------- adapters


def _catalog() -> Catalog:
    threat = Threat(
        id="in-session-aggression",
        name="Aggression",
        category="aggression",
        scope="client",
        base_likelihood=0.2,
        impact=Severity(value=4),
    )
    return Catalog(
        threats=[threat],
        mitigations=[
            Mitigation(
                id="training",
                name="Training",
                category="training",
                cost=10.0,
                duration_days=5.0,
            ),
            Mitigation(
                id="deescalation",
                name="De-escalation",
                category="protocol",
                cost=5.0,
                requires=["training"],
                reduces=[Effect(threat="in-session-aggression", effectiveness=0.5)],
            ),
        ],
        responses=[
            Response(
                id="call-for-help",
                name="Call for help",
                requires=["training"],
                recovers=[
                    Effect(
                        threat="in-session-aggression",
                        effectiveness=0.5,
                        on=EffectTarget.IMPACT,
                    )
                ],
            )
        ],
    )


def test_problem_from_catalog_and_plan() -> None:
    cat = _catalog()
    p = problem_from_catalog(cat)
    assert [r.id for r in p.risks] == ["in-session-aggression"]
    assert p.risks[0].likelihood == 0.2
    r = plan(p, budget=15.0)
    assert r.selected == ("training", "deescalation")
    risks = [
        types.SimpleNamespace(
            id="c1/aggr",
            threat="in-session-aggression",
            subject="c1",
            likelihood=0.5,
            impact=4.0,
            tolerance=0.5,
            critical=True,
            responses=("call-for-help",),
        ),
        types.SimpleNamespace(
            id="c2/aggr",
            threat="in-session-aggression",
            subject="c2",
            likelihood=0.1,
            impact=4.0,
        ),
    ]
    reg = types.SimpleNamespace(risks=risks)
    r2 = plan(reg, cat, budget=10.0)
    assert r2.selected == ("training",)
    assert r2.responses == {"call-for-help": ("c1/aggr",)}
    assert r2.residual_by_risk["c1/aggr"] == pytest.approx(1.0)
    r3 = plan(reg, cat, tolerance=True)
    assert r3.selected == ("training", "deescalation")
    with pytest.raises(PlanError, match="needs a catalog"):
        plan(reg)


def test_plan_on_a_real_register_agrees_with_the_calculus() -> None:
    from riskcore.identify import apply_controls, identify
    from riskcore.model import Assessment, Case, Practice, Professional, SubjectKind
    from riskcore.plugins import PluginManager

    threats = [
        Threat(
            id="burnout",
            name="Burnout",
            category="wellbeing",
            scope=SubjectKind.PROFESSIONAL,
            base_likelihood=0.4,
            impact=Severity(value=3),
        ),
        Threat(
            id="staff-physical-harm",
            name="Harm",
            category="aggression",
            scope=SubjectKind.PROFESSIONAL,
            base_likelihood=0.2,
            impact=Severity(value=4),
        ),
    ]
    cat = Catalog(
        threats=threats,
        mitigations=[
            Mitigation(id="policy", name="Policy", category="policy", cost=5.0),
            Mitigation(
                id="supervision",
                name="Supervision",
                category="support",
                cost=40.0,
                requires=["policy"],
                reduces=[Effect(threat="burnout", effectiveness=0.4)],
            ),
            Mitigation(
                id="training",
                name="Training",
                category="training",
                cost=20.0,
                requires=["policy"],
                reduces=[
                    Effect(threat="staff-physical-harm", effectiveness=0.3),
                    Effect(
                        threat="staff-physical-harm",
                        effectiveness=0.2,
                        on=EffectTarget.IMPACT,
                    ),
                ],
            ),
        ],
        responses=[
            Response(
                id="debrief",
                name="Debrief",
                requires=["supervision"],
                recovers=[Effect(threat="burnout", effectiveness=0.3)],
            )
        ],
    )
    case = Case(
        id="c",
        practice=Practice(id="p"),
        professionals=[Professional(id="t-1"), Professional(id="t-2")],
    )
    reg = identify(Assessment(case_id="c"), cat, case, pm=PluginManager(autoload=False))
    r = plan(reg, cat, budget=70.0)
    assert r.status == "optimal"
    after = apply_controls(
        reg, cat, mitigations=r.selected, responses=list(r.responses)
    )
    assert after.expected_harm("residual_all") == pytest.approx(r.residual, rel=1e-9)
    assert r.inherent == pytest.approx(reg.expected_harm("inherent"))
    in_place = apply_controls(reg, cat, mitigations=["policy", "supervision"])
    r2 = plan(in_place, cat, budget=25.0)
    assert {"policy", "supervision", "training"} <= set(r2.selected)
    assert r2.cost == 20.0
    r3 = plan(reg, cat, tolerance=True)  # the matrix's "medium" target
    assert r3.status == "infeasible"
    assert {i.risk for i in r3.infeasible} == {x.id for x in reg.risks}
    assert "(supervision) is above tolerance 0.15" in r3.infeasible[0].reason
    r4 = plan(reg, cat, tolerance=0.9)
    checked = apply_controls(reg, cat, mitigations=r4.selected)
    assert all(x.residual_all.expected_harm <= 0.9 + 1e-9 for x in checked.risks)
    assert r4.selected == ("policy", "supervision")
