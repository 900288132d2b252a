"""The planner's model grows with threats, not clients (issue #16).

Risks with the same layers are one row group of the model (summed harm, the
binding tolerance): exact, so the plans stay those of the brute force
(``tests/planner_brute.py``) when every risk is copied for more subjects.
"""

from __future__ import annotations

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskcore.planner import (
    MitigationSpec,
    PlanningProblem,
    RiskEffect,
    RiskSpec,
    solve,
)
from riskcore.planner.compiled import _compile
from riskcore.planner.outer import _Model
from tests.planner_brute import brute_budget, brute_tolerance, closed_subsets
from tests.test_planner_strict import problems

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def copied(draw: st.DrawFn) -> PlanningProblem:
    """A random problem whose every risk has 1-2 copies: the same subject,
    response needs and effects, another likelihood, impact and tolerance."""
    p = draw(problems())
    copies: dict[str, list[str]] = {}
    risks = list(p.risks)
    for r in p.risks:
        for k in range(draw(st.integers(1, 2))):
            cid = f"{r.id}~{k}"
            copies.setdefault(r.id, []).append(cid)
            risks.append(
                attrs.evolve(
                    r,
                    id=cid,
                    likelihood=draw(st.floats(0.05, 1.0)),
                    impact=draw(st.floats(0.5, 5.0)),
                    tolerance=draw(st.one_of(st.none(), st.floats(0.01, 2.0))),
                )
            )

    def spread(effects: tuple[RiskEffect, ...]) -> list[RiskEffect]:
        return [
            attrs.evolve(e, risk=rid)
            for e in effects
            for rid in (e.risk, *copies.get(e.risk, ()))
        ]

    return attrs.evolve(
        p,
        risks=risks,
        mitigations=[attrs.evolve(m, effects=spread(m.effects)) for m in p.mitigations],
        responses=[attrs.evolve(x, effects=spread(x.effects)) for x in p.responses],
    )


@SETTINGS
@given(copied(), st.floats(0.0, 1.0))
def test_budget_plans_of_copied_risks_are_optimal(
    p: PlanningProblem, share: float
) -> None:
    _, cost, _, _ = closed_subsets(p)
    budget = share * sum(m.cost for m in p.mitigations)
    r = solve(p, budget=budget, method="exact", explain=0)
    if not (cost <= budget + 1e-9).any():
        assert r.status == "infeasible"
        return
    opt = brute_budget(p, budget, None)
    assert r.bound <= opt * (1 + 1e-6) + 1e-12
    assert r.residual <= opt * (1 + 1e-4) + 1e-12
    assert r.residual >= opt * (1 - 1e-9) - 1e-12


@SETTINGS
@given(copied(), st.one_of(st.none(), st.floats(0.0, 1.0)))
def test_tolerance_plans_of_copied_risks_are_the_cheapest(
    p: PlanningProblem, share: float | None
) -> None:
    if all(x.tolerance is None for x in p.risks):
        return
    budget = None if share is None else share * sum(m.cost for m in p.mitigations)
    best = brute_tolerance(p, budget)
    r = solve(p, tolerance=True, budget=budget)
    if best is None:
        assert r.status == "infeasible"
        return
    assert r.status == "optimal", r.infeasible
    assert r.cost == pytest.approx(best, abs=1e-6)


def test_risks_with_the_same_layers_are_one_row_of_the_model() -> None:
    risks = [
        RiskSpec(
            id=f"harm:c-{i}",
            likelihood=0.1 + i / 1000,
            impact=2.0,
            tolerance=0.11 + i / 100,
            subject=f"c-{i}",
        )
        for i in range(200)
    ]
    shared = ["phone"]
    p = PlanningProblem(
        risks=risks,
        mitigations=[
            MitigationSpec(
                id=m,
                cost=1.0,
                resources=shared,
                effects=[RiskEffect(risk=r.id, effectiveness=0.5) for r in risks],
            )
            for m in ("alarm", "check-in")
        ],
    )
    c = _compile(p)
    model = _Model(c, range(200), strict=True, epigraph=True, budget=1.0, hours=None)
    assert len(model.risks) == 1
    assert model.members == [list(range(200))]
    assert model.hsum[0] == pytest.approx(sum(c.h))
    # the alarm and the check-in share the phone: one credit variable each,
    # for all 200 risks, not 200 each
    assert model.nx == len(c.ids) + 2
    # tolerance mode: one row, the binding risk's (the smallest tol / harm)
    before = len(model.rows)
    model.add_tolerances(c.tolerance)
    assert len(model.rows) == before + 1
    r = solve(p, tolerance=True)
    assert r.status == "optimal"
    assert all(
        v <= t + 1e-12
        for v, t in zip(
            (r.residual_by_risk[x.id] for x in risks),
            (x.tolerance for x in risks),
            strict=True,
        )
    )


def _more_subjects(p: PlanningProblem, k: int) -> PlanningProblem:
    """*p* with each subject copied *k* times: its risks, effects and armed
    responses (subject ``s`` becomes ``s``, ``s+1``, ..., ``s+(k-1)``)."""

    def names(x: str | None) -> list[str | None]:
        return [x] if x is None else [x, *(f"{x}+{n}" for n in range(1, k))]

    def rid(risk_id: str, subject: str | None) -> str:
        return risk_id if subject is None else risk_id.split(":")[0] + ":" + subject

    subj = {r.id: r.subject for r in p.risks}
    risks = [
        attrs.evolve(r, id=rid(r.id, s), subject=s)
        for r in p.risks
        for s in names(r.subject)
    ]

    def spread(effects: tuple[RiskEffect, ...]) -> list[RiskEffect]:
        return [
            attrs.evolve(e, risk=rid(e.risk, s))
            for e in effects
            for s in names(subj[e.risk])
        ]

    return attrs.evolve(
        p,
        risks=risks,
        mitigations=[attrs.evolve(m, effects=spread(m.effects)) for m in p.mitigations],
        responses=[attrs.evolve(x, effects=spread(x.effects)) for x in p.responses],
        armed=[(a, s) for a, x in p.armed for s in names(x)],
    )


def test_the_model_is_the_same_size_at_any_number_of_subjects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # an armed response with requirements is in force exactly when they are
    # all chosen, whoever it is for: its instances for every subject share
    # one column, so their risks are one row group and the MILP does not
    # grow with the number of clients (issue #16)
    from riskcore.planner import outer
    from tests.test_planner_classes import _cohort

    monkeypatch.setattr(outer, "SHARE_MIN", 0)
    sizes = set()
    armed = []
    results = []
    for k in (1, 4):
        p = _more_subjects(_cohort(copies=8), k)
        c = _compile(p)
        armed.append(len([q for q in c.dyn if c.insts[q].risks]))
        model = _Model(
            c, range(len(c.h)), strict=True, epigraph=True, budget=150.0, hours=None
        )
        mat, _, _ = model._matrix(False)
        sizes.add((len(model.risks), model.nvar, mat.shape[0], mat.nnz))
        assert len(set(model.wcol.values())) == 1  # one column for "duress"
        results.append(solve(p, budget=150.0, method="exact", explain=0))
    assert armed[0] >= 2
    assert armed[1] == 4 * armed[0]
    assert len(sizes) == 1, sizes
    # the same plan: every risk copied k times scales every figure by k
    assert results[0].selected == results[1].selected
    assert results[1].residual == pytest.approx(4 * results[0].residual)


@SETTINGS
@given(problems(), st.floats(0.0, 1.0), st.booleans())
def test_shared_columns_give_the_per_instance_plans(
    p: PlanningProblem, share: float, tolerance: bool
) -> None:
    # one w column per response (SHARE_MIN) or one per (response, subject):
    # the same feasible plans, so the same optimal figures
    from riskcore.planner import outer

    saved = outer.SHARE_MIN
    got = []
    try:
        for threshold in (10**9, 0):
            outer.SHARE_MIN = threshold
            if tolerance and any(r.tolerance is not None for r in p.risks):
                got.append(solve(p, tolerance=True, explain=0))
            else:
                budget = share * sum(m.cost for m in p.mitigations)
                got.append(solve(p, budget=budget, method="exact", explain=0))
    finally:
        outer.SHARE_MIN = saved
    each, shared = got
    assert each.status == shared.status
    assert shared.residual == pytest.approx(each.residual, rel=1e-4, abs=1e-12)
    assert shared.cost == pytest.approx(each.cost, rel=1e-9, abs=1e-9)
    if each.mode == "budget":
        assert shared.bound <= each.residual * (1 + 1e-6) + 1e-12
