"""The planner optimises the figure the register reports (issue 13, finding 2).

The strict figure credits one layer per common-cause group
(:func:`riskcore.calculus.credit`, ``docs/crediting.md``); responses act per
(response, subject). Brute force over every dependency-closed plan
(``tests/planner_brute.py``) is the reference.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskcore.calculus import LayerInput, credit, dependency_keys
from riskcore.errors import PlanError
from riskcore.model import ArmedResponse
from riskcore.planner import (
    MitigationSpec,
    PlanningProblem,
    ResponseSpec,
    RiskEffect,
    RiskSpec,
    plan,
    problem_from_catalog,
    solve,
)
from tests.planner_brute import (
    brute_budget,
    brute_tolerance,
    closed_subsets,
    forced_ids,
    strict_by_risk,
)

# ----------------------------------------------------------------- the issue


def _issue_register() -> tuple[object, object]:
    from riskcore.identify import identify
    from riskcore.model import (
        Assessment,
        Case,
        Catalog,
        Effect,
        Mitigation,
        Practice,
        Professional,
        Severity,
        SubjectKind,
        Threat,
    )
    from riskcore.plugins import PluginManager

    cat = Catalog(
        threats=[
            Threat(
                id="staff-physical-harm",
                name="Harm",
                category="aggression",
                scope=SubjectKind.PROFESSIONAL,
                base_likelihood=0.7,
                impact=Severity(value=2),
            )
        ],
        mitigations=[
            Mitigation(
                id=m,
                name=m,
                category="x",
                cost=10.0,
                resources=["phone"],
                reduces=[Effect(threat="staff-physical-harm", effectiveness=0.6)],
            )
            for m in ("alarm", "check-in")
        ],
    )
    case = Case(
        id="c", practice=Practice(id="p"), professionals=[Professional(id="t-1")]
    )
    reg = identify(Assessment(case_id="c"), cat, case, pm=PluginManager(autoload=False))
    return reg, cat


def test_shared_resource_is_not_feasible_when_the_register_is_over_tolerance() -> None:
    # Two mitigations of 0.6 that share a phone, p = 0.7, impact 2: the
    # register credits one (0.7 × 0.4 × 2 = 0.56), above the default matrix's
    # "medium" tolerance of 0.4. The old planner multiplied both (0.224) and
    # said "optimal".
    from riskcore.identify import apply_controls

    reg, cat = _issue_register()
    r = plan(reg, cat, tolerance=True)
    assert r.status == "infeasible"
    (item,) = r.infeasible
    assert item.tolerance == pytest.approx(0.4)
    assert item.best_residual == pytest.approx(0.56)
    assert "credited once" in item.reason
    after = apply_controls(reg, cat, mitigations=["alarm", "check-in"])  # type: ignore[arg-type]
    assert not after.risks[0].within_tolerance
    assert after.risks[0].residual.expected_harm == pytest.approx(item.best_residual)
    # budget mode: one of the two is enough, and the figures are the register's
    b = plan(reg, cat, budget=20.0)
    assert len(b.selected) == 1
    reg_b = apply_controls(reg, cat, mitigations=b.selected)  # type: ignore[arg-type]
    for risk in reg_b.risks:
        assert b.residual_by_risk[risk.id] == pytest.approx(
            risk.residual.expected_harm, rel=1e-12
        )


# ----------------------------------------------------------------- random problems

SUBJECTS = ("a", "b", None)


@st.composite
def problems(draw: st.DrawFn) -> PlanningProblem:
    """≤ 7 mitigations (requires DAG, shared resources), 1–4 risks of up to
    three subjects, effects on both sides, responses required by critical
    risks or armed per subject."""
    n = draw(st.integers(1, 7))
    n_risks = draw(st.integers(1, 4))
    rids = [f"r{j}" for j in range(n_risks)]
    eff = st.one_of(st.sampled_from((0.0, 0.3, 0.6, 1.0)), st.floats(0.0, 0.95))

    def effects() -> list[RiskEffect]:
        return [
            RiskEffect(
                risk=r,
                effectiveness=draw(eff),
                on=draw(st.sampled_from(("likelihood", "impact"))),
            )
            for r in draw(st.lists(st.sampled_from(rids), max_size=3))
        ]

    mits = []
    for i in range(n):
        req = (
            draw(st.lists(st.integers(0, i - 1), max_size=2, unique=True)) if i else []
        )
        mits.append(
            MitigationSpec(
                id=f"m{i}",
                cost=float(draw(st.integers(0, 20))),
                hours=float(draw(st.integers(0, 5))),
                requires=[f"m{k}" for k in req],
                resources=draw(
                    st.lists(
                        st.sampled_from(("phone", "supervisor", "car")),
                        max_size=2,
                        unique=True,
                    )
                ),
                effects=effects(),
            )
        )
    responses = [
        ResponseSpec(
            id=f"x{k}",
            requires=draw(
                st.lists(st.sampled_from([m.id for m in mits]), max_size=2, unique=True)
            ),
            effects=effects(),
        )
        for k in range(draw(st.integers(0, 2)))
    ]
    xids = [x.id for x in responses]
    risks = []
    for r in rids:
        critical = bool(xids) and draw(st.booleans()) and draw(st.booleans())
        risks.append(
            RiskSpec(
                id=r,
                likelihood=draw(st.floats(0.05, 1.0)),
                impact=draw(st.floats(0.5, 5.0)),
                tolerance=draw(st.one_of(st.none(), st.floats(0.01, 2.0))),
                subject=draw(st.sampled_from(SUBJECTS)),
                critical=critical,
                responses=draw(
                    st.lists(st.sampled_from(xids), min_size=1, max_size=2, unique=True)
                )
                if critical
                else (),
            )
        )
    armed = (
        draw(
            st.lists(
                st.tuples(st.sampled_from(xids), st.sampled_from(SUBJECTS)), max_size=3
            )
        )
        if xids
        else []
    )
    return PlanningProblem(
        risks=risks, mitigations=mits, responses=responses, armed=armed
    )


PROPERTY = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _check_figures(p: PlanningProblem, r: object) -> None:
    """The reported residuals are calculus.credit's for the reported plan."""
    expected = strict_by_risk(p, list(r.selected))  # type: ignore[attr-defined]
    got = [r.residual_by_risk[x.id] for x in p.risks]  # type: ignore[attr-defined]
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert r.residual == pytest.approx(sum(expected), rel=1e-9, abs=1e-12)  # type: ignore[attr-defined]


@PROPERTY
@given(problems(), st.floats(0.0, 1.0), st.booleans())
def test_budget_mode_is_optimal_for_the_strict_figure(
    p: PlanningProblem, share: float, limit_hours: bool
) -> None:
    _, cost, hrs, _ = closed_subsets(p)
    budget = share * sum(m.cost for m in p.mitigations)
    hours = share * sum(m.hours for m in p.mitigations) if limit_hours else None
    fits = (cost <= budget + 1e-9) & (
        (hrs <= hours + 1e-9) if hours is not None else True
    )
    exact = solve(p, budget=budget, hours=hours, method="exact", explain=2)
    heur = solve(p, budget=budget, hours=hours, method="heuristic", explain=2)
    if not fits.any():  # what critical risks force does not fit
        assert exact.status == heur.status == "infeasible"
        return
    opt = brute_budget(p, budget, hours)
    for r in (exact, heur):
        _check_figures(p, r)
        assert r.cost <= budget + 1e-9
        assert set(r.selected) >= forced_ids(p)
        assert r.bound <= opt * (1 + 1e-6) + 1e-12
        assert r.residual >= opt * (1 - 1e-9) - 1e-12
    assert exact.residual <= opt * (1 + 1e-4) + 1e-12
    if exact.status == "optimal":
        assert exact.residual <= exact.bound / (1 - 1e-4) + 1e-12


@PROPERTY
@given(problems(), st.one_of(st.none(), st.floats(0.0, 1.0)))
def test_tolerance_mode_is_feasible_iff_a_closed_plan_meets_every_tolerance(
    p: PlanningProblem, share: float | None
) -> None:
    if all(x.tolerance is None for x in p.risks):
        with pytest.raises(PlanError, match="no risk has one"):
            solve(p, tolerance=True)
        return
    budget = None if share is None else share * sum(m.cost for m in p.mitigations)
    best = brute_tolerance(p, budget)
    r = solve(p, tolerance=True, budget=budget)
    if best is None:
        assert r.status == "infeasible"
        assert r.infeasible
        return
    assert r.status == "optimal", r.infeasible
    assert r.cost == pytest.approx(best, abs=1e-6)
    _check_figures(p, r)
    for x in p.residual_by_risk(r.selected).items():
        tol = next(k.tolerance for k in p.risks if k.id == x[0])
        assert tol is None or x[1] <= tol * (1 + 1e-6) + 1e-12


# ----------------------------------------------------------------- non-monotone


def _linked() -> PlanningProblem:
    # A and C are independent layers; B shares a resource with each, so with B
    # in the plan the three are one common-cause group and only A (or C) counts
    return PlanningProblem(
        risks=[RiskSpec(id="x", likelihood=0.5, impact=2.0)],
        mitigations=[
            MitigationSpec(
                id="B",
                cost=1.0,
                resources=["ra", "rc"],
                effects=[RiskEffect(risk="x", effectiveness=0.3)],
            ),
            MitigationSpec(
                id="A",
                cost=10.0,
                resources=["ra"],
                effects=[RiskEffect(risk="x", effectiveness=0.5)],
            ),
            MitigationSpec(
                id="C",
                cost=10.0,
                resources=["rc"],
                effects=[RiskEffect(risk="x", effectiveness=0.5)],
            ),
        ],
    )


def test_adding_a_linking_layer_raises_the_strict_figure() -> None:
    p = _linked()
    assert p.residual(["A", "C"]) == pytest.approx(0.25)
    assert p.residual(["A", "B", "C"]) == pytest.approx(0.5)  # non-monotone


@pytest.mark.parametrize("method", ["exact", "heuristic"])
@pytest.mark.parametrize("budget", [21.0, 100.0, None])
def test_the_planner_does_not_add_a_layer_that_only_hurts(
    method: str, budget: float | None
) -> None:
    # B is the best buy on its own (0.3 for 1), so a greedy takes it first;
    # with A and C in place it only merges their groups
    r = solve(_linked(), budget=budget, method=method)  # type: ignore[arg-type]
    assert set(r.selected) == {"A", "C"}
    assert r.residual == pytest.approx(0.25)
    residuals = [f.residual for f in r.frontier]
    assert residuals == sorted(residuals, reverse=True)


def test_a_required_linking_layer_is_counted() -> None:
    # D needs B (and lowers y a lot); C is needed for z. With B in the plan, A,
    # B and C are one group on x and only A (0.8) counts: B's reason says so.
    base = _linked()
    p = PlanningProblem(
        risks=[
            *base.risks,
            RiskSpec(id="y", likelihood=1.0, impact=1.0),
            RiskSpec(id="z", likelihood=1.0, impact=1.0),
        ],
        mitigations=[
            base.mitigations[0],
            MitigationSpec(
                id="A",
                cost=10.0,
                resources=["ra"],
                effects=[RiskEffect(risk="x", effectiveness=0.8)],
            ),
            MitigationSpec(
                id="C",
                cost=10.0,
                resources=["rc"],
                effects=[
                    RiskEffect(risk="x", effectiveness=0.5),
                    RiskEffect(risk="z", effectiveness=0.5),
                ],
            ),
            MitigationSpec(
                id="D",
                cost=1.0,
                requires=["B"],
                effects=[RiskEffect(risk="y", effectiveness=0.9)],
            ),
        ],
    )
    r = solve(p, budget=22.0, method="exact")
    assert r.residual == pytest.approx(brute_budget(p, 22.0, None))
    assert set(r.selected) == {"A", "B", "C", "D"}
    assert r.residual_by_risk["x"] == pytest.approx(0.2)
    why = {x.mitigation: x for x in r.reasons}
    assert why["B"].reduction == pytest.approx(-0.1)
    assert "raises expected harm by 0.1" in why["B"].text


def test_a_chain_of_three_links_needs_the_lazy_cuts() -> None:
    # A -ra- B -rb- C -rc- D: A and D share nothing, and no single layer links
    # them; with B and C (required by E, good for y) in the plan they are one
    # group. The exact methods must find it by cuts, not by the static rows.
    def m(i: str, res: list[str], e: float, **kw: object) -> MitigationSpec:
        return MitigationSpec(
            id=i,
            cost=1.0,
            resources=res,
            effects=[RiskEffect(risk="x", effectiveness=e)],
            **kw,
        )  # type: ignore[arg-type]

    p = PlanningProblem(
        risks=[
            RiskSpec(id="x", likelihood=1.0, impact=1.0, tolerance=0.3),
            RiskSpec(id="y", likelihood=1.0, impact=1.0, tolerance=0.5),
        ],
        mitigations=[
            m("A", ["ra"], 0.6),
            m("B", ["ra", "rb"], 0.0),
            m("C", ["rb", "rc"], 0.0),
            m("D", ["rc"], 0.6),
            MitigationSpec(
                id="E",
                cost=1.0,
                requires=["B", "C"],
                effects=[RiskEffect(risk="y", effectiveness=0.6)],
            ),
            MitigationSpec(
                id="F", cost=5.0, effects=[RiskEffect(risk="y", effectiveness=0.6)]
            ),
        ],
    )
    assert p.residual(["A", "D", "E"]) == pytest.approx(0.4 + 0.4)
    r = solve(p, budget=5.0, method="exact")
    assert r.residual == pytest.approx(brute_budget(p, 5.0, None))
    t = solve(p, tolerance=True)
    assert t.status == "optimal"
    assert t.cost == pytest.approx(brute_tolerance(p))
    assert set(t.selected) == {"A", "D", "F"}


# ----------------------------------------------------------------- per person


def _clients(
    *critical: str, armed: tuple[tuple[str, str | None], ...] = ()
) -> PlanningProblem:
    return PlanningProblem(
        risks=[
            RiskSpec(
                id=f"self-harm:{s}",
                subject=s,
                likelihood=0.3,
                impact=4.0,
                critical=s in critical,
                responses=["safety-plan"] if s in critical else (),
            )
            for s in ("c-01", "c-02", "c-03")
        ],
        mitigations=[MitigationSpec(id="training", cost=5.0)],
        responses=[
            ResponseSpec(
                id="safety-plan",
                requires=["training"],
                effects=[
                    RiskEffect(
                        risk=f"self-harm:{s}", effectiveness=0.44, on="likelihood"
                    )
                    for s in ("c-01", "c-02", "c-03")
                ],
            )
        ],
        armed=armed,
    )


def test_a_response_required_for_one_client_never_lowers_anothers_risk() -> None:
    r = solve(_clients("c-01"), budget=10.0)
    assert r.residual_by_risk["self-harm:c-01"] == pytest.approx(0.3 * 0.56 * 4.0)
    assert r.residual_by_risk["self-harm:c-02"] == pytest.approx(1.2)
    assert r.residual_by_risk["self-harm:c-03"] == pytest.approx(1.2)
    assert r.responses == {"safety-plan": ("self-harm:c-01",)}
    assert [(a.response, a.subject) for a in r.armed] == [("safety-plan", "c-01")]


def test_every_critical_client_gets_the_required_response() -> None:
    r = solve(_clients("c-01", "c-03"), budget=10.0)
    assert r.responses == {"safety-plan": ("self-harm:c-01", "self-harm:c-03")}
    assert r.residual_by_risk["self-harm:c-02"] == pytest.approx(1.2)
    assert r.residual_by_risk["self-harm:c-03"] == pytest.approx(0.3 * 0.56 * 4.0)
    out = r.to_plan("case-1")
    assert [(a.response, a.subject) for a in out.responses] == [
        ("safety-plan", "c-01"),
        ("safety-plan", "c-03"),
    ]
    assert all(
        "required for critical risk(s) self-harm:" in a.reason for a in out.responses
    )


@pytest.mark.parametrize("method", ["exact", "heuristic"])
def test_an_armed_response_counts_only_once_its_requirements_are_in_the_plan(
    method: str,
) -> None:
    p = _clients(armed=(("safety-plan", "c-02"),))
    r0 = solve(p, budget=0.0, method=method)  # type: ignore[arg-type]
    assert r0.selected == ()
    assert r0.residual_by_risk["self-harm:c-02"] == pytest.approx(1.2)
    assert "not credited: it requires training" in r0.armed[0].reason
    # training has no effect of its own; it is bought to put the safety plan in force
    r = solve(p, budget=5.0, method=method)  # type: ignore[arg-type]
    assert r.selected == ("training",)
    assert r.residual_by_risk["self-harm:c-02"] == pytest.approx(0.3 * 0.56 * 4.0)
    assert r.residual_by_risk["self-harm:c-01"] == pytest.approx(1.2)
    assert r.responses == {"safety-plan": ("self-harm:c-02",)}
    assert r.to_plan("case-1").responses[0].subject == "c-02"


def test_armed_pairs_are_accepted_from_objects_and_rejected_without_a_subject() -> None:
    p = _clients()
    r = plan(
        p, budget=5.0, armed=[ArmedResponse(response="safety-plan", subject="c-03")]
    )
    assert r.responses == {"safety-plan": ("self-harm:c-03",)}
    with pytest.raises(PlanError, match="no subject"):
        plan(p, armed=["safety-plan"])
    with pytest.raises(PlanError, match="'nope' is not in the problem"):
        solve(
            PlanningProblem(
                risks=p.risks, mitigations=p.mitigations, armed=[("nope", None)]
            )
        )


def test_practice_wide_responses_act_on_practice_risks_only() -> None:
    p = PlanningProblem(
        risks=[
            RiskSpec(
                id="breach",
                likelihood=0.2,
                impact=3.0,
                critical=True,
                responses=["notify"],
            ),
            RiskSpec(id="breach:c-01", subject="c-01", likelihood=0.2, impact=3.0),
        ],
        mitigations=[],
        responses=[
            ResponseSpec(
                id="notify",
                effects=[
                    RiskEffect(risk=r, effectiveness=0.5, on="impact")
                    for r in ("breach", "breach:c-01")
                ],
            )
        ],
    )
    r = solve(p)
    assert r.residual_by_risk == pytest.approx({"breach": 0.3, "breach:c-01": 0.6})


def test_response_layers_join_common_cause_groups() -> None:
    # the duress response needs the alarm; both act on the likelihood: one group
    p = PlanningProblem(
        risks=[
            RiskSpec(
                id="aggr",
                subject="c",
                likelihood=0.5,
                impact=2.0,
                critical=True,
                responses=["duress"],
            )
        ],
        mitigations=[
            MitigationSpec(
                id="alarm",
                cost=1.0,
                effects=[RiskEffect(risk="aggr", effectiveness=0.5)],
            )
        ],
        responses=[
            ResponseSpec(
                id="duress",
                requires=["alarm"],
                effects=[RiskEffect(risk="aggr", effectiveness=0.4)],
            )
        ],
    )
    r = solve(p, budget=1.0)
    layers = [
        LayerInput(
            id="alarm",
            on="likelihood",
            effectiveness=0.5,
            depends_on=dependency_keys("alarm", ["alarm"]),
        ),
        LayerInput(
            id="duress",
            on="likelihood",
            effectiveness=0.4,
            depends_on=dependency_keys("duress", ["alarm"], kind="response"),
            kind="response",
        ),
    ]
    assert r.residual == pytest.approx(credit(0.5, 2.0, layers).harm)
    assert r.residual == pytest.approx(0.5)


def test_problem_from_catalog_carries_resources_subjects_sides_and_armed() -> None:
    from riskcore.model import (
        Catalog,
        Effect,
        EffectTarget,
        Mitigation,
        Response,
        Severity,
        Threat,
    )

    cat = Catalog(
        threats=[
            Threat(
                id="self-harm",
                name="Self-harm",
                category="clinical",
                scope="client",
                base_likelihood=0.1,
                impact=Severity(value=5),
            )
        ],
        mitigations=[
            Mitigation(
                id="training", name="T", category="x", cost=1.0, resources=["trainer"]
            )
        ],
        responses=[
            Response(
                id="safety-plan",
                name="Safety plan",
                requires=["training"],
                recovers=[
                    Effect(
                        threat="self-harm",
                        effectiveness=0.44,
                        on=EffectTarget.LIKELIHOOD,
                    )
                ],
            )
        ],
    )
    risks = [
        type(
            "R",
            (),
            {
                "id": f"self-harm:{s}",
                "threat": "self-harm",
                "subject": s,
                "likelihood": 0.3,
                "impact": 5.0,
            },
        )()
        for s in ("c-01", "c-02")
    ]
    p = problem_from_catalog(cat, risks, armed=[("safety-plan", "c-02")])
    assert p.mitigations[0].resources == ("trainer",)
    assert [r.subject for r in p.risks] == ["c-01", "c-02"]
    assert {e.on for e in p.responses[0].effects} == {"likelihood"}
    assert p.armed == (("safety-plan", "c-02"),)


# ----------------------------------------------------------------- honest status


def test_no_time_left_is_not_a_plan() -> None:
    # the exact tolerance method gets no time: it must not guess a plan
    reg, cat = _issue_register()
    p = problem_from_catalog(cat, reg.risks)  # type: ignore[attr-defined]
    r = solve(p, tolerance=0.6, time_limit=0.0)
    assert r.status == "infeasible"
    assert "not proved impossible" in r.infeasible[0].reason
    assert solve(p, tolerance=0.6).status == "optimal"


def test_a_plan_over_tolerance_by_the_strict_figure_is_never_feasible(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the last check before a tolerance plan is reported: even if a method
    # claims success, a risk over tolerance by calculus.credit makes it infeasible
    import riskcore.planner.tolerance as tolerance_mode

    reg, cat = _issue_register()
    p = problem_from_catalog(cat, reg.risks)  # type: ignore[attr-defined]

    def claims_success(
        c: object, *args: object, **kw: object
    ) -> tuple[str, set[int], float, bool]:
        return "ok", {0, 1}, 0.0, True

    monkeypatch.setattr(tolerance_mode, "_tol_milp", claims_success)
    r = solve(p, tolerance=0.5)
    assert r.status == "infeasible"
    assert r.infeasible[0].best_residual == pytest.approx(0.56)
    assert "by the strict figure" in r.infeasible[0].reason


def test_a_plan_exactly_at_its_tolerance_within_the_budget_is_found() -> None:
    """Regression (found by Hypothesis): the tolerance MILP subtracted a margin
    from each tolerance, so it was tighter than the strict check it is a
    relaxation of. A plan whose residual is exactly the tolerance (0.025 x 0.4;
    m2 and m3 share m0's common-cause group, so only the best of them counts)
    was then "proved" infeasible within a budget that pays for it."""

    def mit(
        i: str, cost: float, req: tuple[str, ...] = (), e: float = 0.0
    ) -> MitigationSpec:
        eff = (RiskEffect(risk="r0", effectiveness=e, on="likelihood"),) if e else ()
        return MitigationSpec(
            id=i, cost=cost, hours=0.0, duration_days=0.0, requires=req, effects=eff
        )

    p = PlanningProblem(
        risks=(RiskSpec(id="r0", likelihood=0.05, impact=0.5, tolerance=0.01),),
        mitigations=(
            mit("m0", 1.0, e=0.3),
            mit("m1", 0.0),
            mit("m2", 0.0, ("m0",), 0.6),
            mit("m3", 1.0, ("m0",), 0.6),
        ),
    )
    assert brute_tolerance(p, 1.0) == pytest.approx(1.0)
    for budget in (1.0, None):
        r = solve(p, tolerance=True, budget=budget)
        assert r.status == "optimal", r.infeasible
        assert r.selected == ("m0", "m2")
        assert r.cost == pytest.approx(1.0)
