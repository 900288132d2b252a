"""The planner evaluates plans class by class on large problems (issue #16).

Risks with equal layers form a class; compiling collapses each class once,
and from :data:`riskcore.planner.figures.VECTOR_MIN` risks the per-risk
figures are numpy arrays filled per class. Both must give the same floats as
the per-risk path, so the same plans, byte for byte.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any, Literal

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskcore import calculus, io
from riskcore.errors import FieldError
from riskcore.planner import (
    MitigationSpec,
    PlanningProblem,
    ResponseSpec,
    RiskEffect,
    RiskSpec,
    figures,
    solve,
)
from riskcore.planner.compiled import _compile
from tests.test_planner_scale import copied


def _bytes(r: Any) -> str:
    out = io.dumps(attrs.evolve(r, seconds=0.0))
    if r.status != "infeasible":
        out += io.dumps(r.to_plan("c", seed=1))
    return out


class _Mode:
    """Switch between the per-risk lists and the class arrays."""

    def __init__(self, vector: bool) -> None:
        self.vector = vector

    def __enter__(self) -> None:
        self.saved = figures.VECTOR_MIN
        figures.VECTOR_MIN = 0 if self.vector else 10**9

    def __exit__(self, *exc: object) -> None:
        figures.VECTOR_MIN = self.saved


def _both(p: PlanningProblem, **kw: Any) -> Iterator[str]:
    for vector in (False, True):
        with _Mode(vector):
            assert _compile(p).vector is vector
            yield _bytes(solve(p, **kw))


SIDES: tuple[Literal["likelihood", "impact"], ...] = ("likelihood", "impact")


def _cohort(
    n: int = 30, threats: int = 10, copies: int = 25, seed: int = 5
) -> PlanningProblem:
    """A practice in miniature: each threat copied for *copies* subjects,
    with shared resources, requirements, a response armed for some
    subjects and forced for others."""
    rng = random.Random(seed)
    subjects = [f"s{c}" for c in range(copies)]
    risks = [
        RiskSpec(
            id=f"t{j}:{s}",
            likelihood=rng.uniform(0.05, 0.6),
            impact=rng.uniform(1.0, 5.0),
            tolerance=rng.uniform(0.05, 1.0),
            subject=s,
            critical=(j == 0 and c % 7 == 3),
            responses=("duress",) if (j == 0 and c % 7 == 3) else (),
        )
        for j in range(threats)
        for c, s in enumerate(subjects)
    ]
    mits = []
    for i in range(n):
        req = rng.sample(range(i), k=min(i, rng.choice((0, 1, 2))))
        picks = rng.sample(range(threats), k=rng.randint(1, 3))
        effs = [(j, rng.uniform(0.05, 0.7), rng.choice(SIDES)) for j in picks]
        mits.append(
            MitigationSpec(
                id=f"m{i}",
                cost=float(rng.randint(1, 60)),
                hours=float(rng.randint(0, 20)),
                requires=[f"m{k}" for k in req],
                resources=["phone"] if rng.random() < 0.3 else [],
                effects=[
                    RiskEffect(risk=f"t{j}:{s}", effectiveness=e, on=on)
                    for j, e, on in effs
                    for s in subjects
                ],
            )
        )
    duress = ResponseSpec(
        id="duress",
        requires=["m1"],
        effects=[
            RiskEffect(risk=f"t{j}:{s}", effectiveness=0.4, on="impact")
            for j in (0, 1)
            for s in subjects
        ],
    )
    return PlanningProblem(
        risks=risks,
        mitigations=mits,
        responses=[duress],
        armed=[("duress", s) for s in subjects[::4]],
    )


@pytest.mark.parametrize(
    "kw",
    [
        {"budget": 150.0},
        {"budget": 150.0, "frontier": 4},
        {"budget": 300.0, "hours": 40.0, "method": "heuristic"},
        {"budget": 200.0, "method": "exact"},
        {"tolerance": True},
        {"tolerance": 0.6, "frontier": 3},
    ],
)
def test_class_arrays_give_the_per_risk_plans_byte_for_byte(kw: dict[str, Any]) -> None:
    p = _cohort()
    per_risk, arrays = _both(p, **kw)
    assert per_risk == arrays


SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(copied(), st.floats(0.0, 1.0), st.booleans())
def test_class_arrays_agree_on_random_problems(
    p: PlanningProblem, share: float, tolerance: bool
) -> None:
    budget = share * sum(m.cost for m in p.mitigations)
    if tolerance and any(r.tolerance is not None for r in p.risks):
        per_risk, arrays = _both(p, tolerance=True, explain=3)
    else:
        per_risk, arrays = _both(p, budget=budget, frontier=3, explain=3)
    assert per_risk == arrays


def test_each_figure_is_the_crediting_rule_s() -> None:
    # the one evaluation path: every risk's strict harm is calculus.credit's
    p = _cohort(copies=12)
    with _Mode(True):
        c = _compile(p)
        chosen = c.closure_of([3, 7, 11, 1]) | c.forced
        has = chosen.__contains__
        per = c.as_list(c.per_risk(has))
    for j in range(len(c.h)):
        layers = [li for o, li in c.layers[j] if c.present(o, has)]
        expect = calculus.credit(c.lik[j], c.imp[j], layers, risk=c.risk_ids[j]).harm
        assert per[j] == expect


def test_a_class_is_collapsed_once_with_each_member_s_own_instances() -> None:
    p = _cohort()
    c = _compile(p)
    assert len(c.cls_members) < len(c.h) / 5  # classes, not risks
    for j, layers in enumerate(c.layers):
        row, _ = c._collapse_row(layers)
        assert c.cl[j] == row
    # a subject's armed response is its own owner on its own risks
    armed = [k for k in c.dyn if c.insts[k].risks]
    assert armed
    for k in armed:
        for j in c.insts[k].risks:
            assert c.subject[j] == c.insts[k].subject
            assert any(o == ~k for o, *_ in c.cl[j])


def test_harms_shared_array_is_harms_shared() -> None:
    np = pytest.importorskip("numpy")
    rng = random.Random(3)
    layers = [
        calculus.LayerInput(id="a", on="likelihood", effectiveness=0.3),
        calculus.LayerInput(
            id="b", on="likelihood", effectiveness=0.6, depends_on=["r:phone"]
        ),
        calculus.LayerInput(
            id="c", on="likelihood", effectiveness=0.7, depends_on=["r:phone"]
        ),
        calculus.LayerInput(id="d", on="impact", effectiveness=0.25),
    ]
    figs = [(rng.random(), rng.uniform(0.0, 9.0)) for _ in range(500)]
    arr = calculus.harms_shared_array(
        np.array([p for p, _ in figs]), np.array([i for _, i in figs]), layers
    )
    assert arr.tolist() == calculus.harms_shared(figs, layers)
    assert calculus.harms_shared_array(np.array([]), np.array([]), layers).size == 0
    # a wrong figure fails as harms_shared fails: naming the risk
    with pytest.raises(FieldError, match=r"^r1\.impact"):
        calculus.harms_shared_array(
            np.array([0.1, 0.2]),
            np.array([1.0, float("inf")]),
            layers,
            risks=["r0", "r1"],
        )
    with pytest.raises(ValueError, match="one impact per likelihood"):
        calculus.harms_shared_array(np.array([0.1]), np.array([1.0, 2.0]), layers)


def test_cached_orders_are_dropped_past_their_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the caches of vector mode hold memory, never a result
    p = _cohort(copies=12)
    with _Mode(False):
        expect = _bytes(solve(p, budget=150.0))
    monkeypatch.setattr(figures, "MEMO_ITEMS", 50)
    with _Mode(True):
        c = _compile(p)
        got = _bytes(solve(p, budget=150.0))
        sizes = [len(c.affected([i])) for i in range(len(c.ids))]
        for i in range(len(c.ids)):
            c.affected_order([i])
        assert c._memo_size <= max(50, *sizes)
        assert len(c._order_memo) < len(c.ids)
    assert got == expect


@SETTINGS
@given(
    st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), max_size=60),
    st.floats(-1e6, 1e6),
)
def test_array_sums_are_the_per_risk_sums(values: list[float], start: float) -> None:
    # the vector mode sums arrays without a list: the same float as Python's
    # sum() of the list and as the loop `start += v`, zeros' signs included
    np = pytest.importorskip("numpy")
    a = np.array(values, dtype=float)
    got = figures.array_sum(a)
    assert repr(got) == repr(sum(values))
    h = start
    for v in values:
        h += v
    assert repr(figures.running_sum(a, start)) == repr(h)
