"""Crediting risks that share their layers once is exact (issue #16).

``riskcore.calculus.credit_shared`` decides the rule once for risks with the
same layers; the planner (``_Compiled``) and ``apply_controls`` use it. Each
risk's figures must be the very floats ``calculus.credit`` gives it.
"""

from __future__ import annotations

import random

import pytest

from riskcore import calculus
from riskcore.calculus import (
    LayerInput,
    credit,
    credit_figures,
    credit_shared,
    harms_shared,
)


def _layers(rng: random.Random) -> list[LayerInput]:
    out = []
    for k in range(rng.randint(0, 6)):
        out.append(
            LayerInput(
                id=f"m{k}",
                on=rng.choice(("likelihood", "impact")),
                effectiveness=rng.uniform(0.0, 0.95),
                depends_on=calculus.dependency_keys(
                    f"m{k}", resources=rng.sample(["a", "b", "c"], rng.randint(0, 2))
                ),
                kind=rng.choice(("mitigation", "response")),
            )
        )
    return out


def test_shared_credit_is_credit_float_for_float() -> None:
    rng = random.Random(16)
    for _ in range(300):
        layers = _layers(rng)
        figures = [
            (rng.uniform(0.0, 1.0), rng.uniform(0.0, 5.0))
            for _ in range(rng.randint(1, 5))
        ]
        shared = credit_shared(
            figures, layers, risks=[f"r{k}" for k in range(len(figures))]
        )
        one_by_one = [
            credit(p, i, layers, risk=f"r{k}") for k, (p, i) in enumerate(figures)
        ]
        assert shared == one_by_one
        assert harms_shared(figures, layers) == [c.harm for c in one_by_one]
        floats = credit_figures(figures, layers)
        assert list(floats.figures) == [
            (c.likelihood, c.impact, c.likelihood_all, c.impact_all) for c in one_by_one
        ]
        assert (floats.credited, floats.groups, floats.reasons) == (
            one_by_one[0].credited,
            one_by_one[0].groups,
            one_by_one[0].reasons,
        )


def test_shared_credit_checks_its_arguments() -> None:
    assert credit_shared([], []) == []
    assert harms_shared([], []) == []
    with pytest.raises(ValueError, match="one risk id"):
        credit_shared([(0.1, 1.0)], [], risks=["a", "b"])
    with pytest.raises(ValueError, match="one risk id"):
        harms_shared([(0.1, 1.0)], [], risks=[])
    with pytest.raises(ValueError, match="one risk id"):
        credit_figures([(0.1, 1.0)], [], risks=[])
    assert credit_figures([], []).figures == ()
    with pytest.raises(calculus.FieldError, match=r"second\.likelihood"):
        credit_figures([(0.1, 1.0), (1.5, 1.0)], [], risks=["first", "second"])
    with pytest.raises(calculus.FieldError, match=r"first\.impact"):
        credit_figures([(0.1, -1.0)], [], risks=["first"])
    bad = LayerInput(id="x", on="likelihood", effectiveness=1.5)
    with pytest.raises(calculus.FieldError, match="first"):
        credit_shared([(0.1, 1.0), (0.2, 1.0)], [bad], risks=["first", "second"])


def test_the_planner_credits_each_risk_as_credit_does() -> None:
    # a generated practice: many subjects share each threat's layers, and
    # their responses differ by subject but come and go together
    from pathlib import Path

    from riskcore import assess, default_catalog, identify, load_case
    from riskcore.planner import problem_from_catalog
    from riskcore.planner.compiled import _compile
    from riskcore.plugins import get_plugin_manager
    from riskcore.testing.practice import generate_practice

    root = Path(__file__).resolve().parents[1]
    case = generate_practice(
        load_case(root / "examples" / "longmont-practice.yaml"), 40, seed=3
    )
    pm = get_plugin_manager()
    catalog = default_catalog(pm)
    register = identify(assess(case, pm=pm), catalog, case, pm=pm)
    subjects = sorted({r.subject for r in register.risks if r.subject})
    armed = [(r.id, s) for r in catalog.responses for s in subjects[:6]]
    c = _compile(problem_from_catalog(catalog, register.risks, armed=armed))
    assert c.dyn  # some responses come and go with the plan
    assert len(c.cls_members) < len(c.h) / 4  # classes span subjects
    rng = random.Random(1)
    for _ in range(5):
        chosen = {i for i in range(len(c.ids)) if rng.random() < 0.4}
        chosen = c.closure_of(chosen)
        has = chosen.__contains__
        want = []
        for j in range(len(c.h)):
            layers = [li for o, li in c.layers[j] if c.present(o, has)]
            want.append(credit(c.lik[j], c.imp[j], layers, risk=c.risk_ids[j]).harm)
        assert c.harm_by_risk(chosen) == want
        assert [c.risk_harm(j, has) for j in range(len(c.h))] == want
