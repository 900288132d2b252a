"""The planner and the register tell the same story (issue #13, finding 2).

For any plan the planner returns, the register built from it with
:func:`riskcore.identify.apply_controls` agrees with the planner's residuals,
and a plan reported feasible never sits next to a risk over tolerance.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskcore.identify import apply_controls, identify
from riskcore.model import (
    Assessment,
    Case,
    Catalog,
    Effect,
    EffectTarget,
    Mitigation,
    Practice,
    Professional,
    Severity,
    SubjectKind,
    Threat,
)
from riskcore.planner import plan
from riskcore.plugins import PluginManager

RESOURCES = ("phone", "supervisor", "alarm")


@st.composite
def catalogs(draw: st.DrawFn) -> Catalog:
    n_threats = draw(st.integers(1, 3))
    threats = [
        Threat(
            id=f"t{k}",
            name=f"T{k}",
            category="x",
            scope=SubjectKind.PROFESSIONAL,
            base_likelihood=draw(st.sampled_from([0.04, 0.15, 0.3, 0.7])),
            impact=Severity(value=draw(st.sampled_from([2, 3, 4, 5]))),
        )
        for k in range(n_threats)
    ]
    n_mit = draw(st.integers(1, 6))
    mits = []
    for k in range(n_mit):
        effects = [
            Effect(
                threat=f"t{j}",
                effectiveness=draw(st.sampled_from([0.2, 0.4, 0.6, 0.8])),
                on=draw(st.sampled_from(list(EffectTarget))),
            )
            for j in sorted(
                draw(st.sets(st.integers(0, n_threats - 1), min_size=1, max_size=2))
            )
        ]
        requires = sorted(
            draw(st.sets(st.sampled_from([f"m{i}" for i in range(k)]), max_size=2))
            if k
            else set()
        )
        mits.append(
            Mitigation(
                id=f"m{k}",
                name=f"M{k}",
                category="x",
                cost=float(draw(st.integers(0, 5)) * 100),
                requires=requires,
                resources=sorted(draw(st.sets(st.sampled_from(RESOURCES), max_size=2))),
                reduces=effects,
            )
        )
    return Catalog(threats=threats, mitigations=mits)


CASE = Case(
    id="x",
    practice=Practice(id="p"),
    professionals=[Professional(id="a"), Professional(id="b")],
)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(catalogs(), st.sampled_from([None, 0.0, 200.0, 600.0]))
def test_register_agrees_with_the_plan(catalog: Catalog, budget: float | None) -> None:
    inherent = identify(
        Assessment(case_id="x"), catalog, CASE, pm=PluginManager(autoload=False)
    )
    if budget is None:
        result = plan(inherent, catalog, tolerance=True)
    else:
        result = plan(inherent, catalog, budget=budget)
    if not result.feasible:
        return
    register = apply_controls(inherent, catalog, mitigations=result.selected)
    for r in register.risks:
        assert result.residual_by_risk[r.id] == pytest.approx(
            r.residual.expected_harm, rel=1e-9, abs=1e-12
        ), r.id
    assert result.residual == pytest.approx(
        register.expected_harm("residual"), rel=1e-9, abs=1e-12
    )
    if budget is None:  # tolerance mode: feasible means every risk within tolerance
        over = [r.id for r in register.risks if not r.within_tolerance]
        assert not over, (result.status, result.selected, over)
