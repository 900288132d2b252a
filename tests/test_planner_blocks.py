"""`plan` compiles a register's effects as blocks, one per catalog effect (issue #16).

:func:`riskcore.planner.plan` does not build a :class:`RiskEffect` per
(effect, risk): it hands the compiler one block per catalog effect, on every
risk of its threat. :func:`~riskcore.planner.problem_from_catalog` expands the
same blocks into effects, and a problem's own effects are blocks of one risk
(:meth:`Blocks.of`), so both are compiled by the same code. These tests check
that the two ways in give the same compiled problem and the same plans, byte
for byte, and the same refusals; and that what is worked out once per shared
object (a threat's list of risk ids, a response's requirements) is what
working it out each time gives.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcore import io
from riskcore.errors import GraphError, PlanError
from riskcore.planner import (
    MitigationSpec,
    PlanningProblem,
    RiskEffect,
    RiskSpec,
    plan,
    problem_from_catalog,
    solve,
)
from riskcore.planner.adapter import _catalog_parts
from riskcore.planner.compiled import Blocks, RiskColumns, _compile

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "longmont-practice.yaml"


@functools.cache
def _inputs(clients: int, seed: int) -> tuple[Any, Any, tuple[Any, ...], float]:
    """A generated practice's register, catalog, armed responses and budget."""
    from riskcore import assess, default_catalog, load_case
    from riskcore.identify import identify
    from riskcore.plugins import get_plugin_manager
    from riskcore.responses import arm, most_urgent_first, required_responses
    from riskcore.testing.practice import generate_practice

    case = generate_practice(load_case(EXAMPLE), clients, seed=seed)
    pm = get_plugin_manager()
    assessment = assess(case, pm=pm)
    catalog = default_catalog(pm)
    register = identify(assessment, catalog, case, pm=pm)
    levels = {(r.threat, r.subject): r.level for r in register.risks}
    order = [lv.name for lv in register.matrix.levels]
    triggered = arm(catalog, assessment, case, levels=levels, order=order)
    armed = most_urgent_first(
        (*triggered, *required_responses(register, catalog, triggered)), catalog
    )
    return register, catalog, tuple(armed), float(case.budget or 10_000.0)


def _bytes(r: Any) -> str:
    return io.dumps(attrs.evolve(r, seconds=0.0))


def _problem(register: Any, catalog: Any, armed: Any) -> PlanningProblem:
    return problem_from_catalog(
        catalog,
        register.risks,
        in_place=register.mitigations,
        matrix=register.matrix,
        armed=armed,
    )


@pytest.mark.parametrize(("clients", "seed"), [(6, 1), (14, 2)])
def test_blocks_compile_to_the_problem_s_own_compiled_form(
    clients: int, seed: int
) -> None:
    register, catalog, armed, _ = _inputs(clients, seed)
    p = _problem(register, catalog, armed)
    bare, blocks = _catalog_parts(
        catalog,
        register.risks,
        required=(),
        in_place=register.mitigations,
        matrix=register.matrix,
        armed=armed,
    )
    # the risks travel as columns, without a RiskSpec each
    assert bare.risks == ()
    assert blocks.risks is not None
    assert blocks.risks.specs() == list(p.risks)
    assert [attrs.evolve(m, effects=()) for m in p.mitigations] == list(
        bare.mitigations
    )
    a, b = _compile(p), _compile(bare, blocks)
    assert len(a.h) > 40
    assert a.insts  # responses, per subject
    assert a.dyn or clients < 10  # armed, with requirements (14 clients)
    names = ("risk_ids", "lik", "imp", "h", "tolerance", "subject", "cls", "pos")
    for name in (*names, "cls_members", "cl", "eff_list", "inst_eff", "forced"):
        assert getattr(a, name) == getattr(b, name), name
    assert [[(o, li) for o, li in x] for x in a.layers] == b.layers
    assert [i.risks for i in a.insts] == [i.risks for i in b.insts]
    assert [(i.rid, i.subject, i.required_by) for i in a.insts] == [
        (i.rid, i.subject, i.required_by) for i in b.insts
    ]


@pytest.mark.parametrize(
    "kw",
    [
        {"frontier": 3},
        {"frontier": 0, "method": "heuristic"},
        {"tolerance": True},
    ],
)
def test_plan_from_a_register_is_the_plan_of_its_problem(kw: dict[str, Any]) -> None:
    register, catalog, armed, budget = _inputs(14, 2)
    if "tolerance" not in kw:
        kw = {**kw, "budget": budget / 3}
    via_blocks = plan(register, catalog, armed=armed, **kw)
    via_effects = solve(_problem(register, catalog, armed), **kw)
    assert _bytes(via_blocks) == _bytes(via_effects)


def _two(eff: float = 0.5, on: Any = "likelihood", risk: str = "b") -> Any:
    """One mitigation acting on risks a and *risk*: the problem (effects)
    and the same as a bare problem with one block."""
    risks = [RiskSpec(id=r, likelihood=0.5, impact=1.0) for r in ("a", "b")]
    effects = [RiskEffect(risk=x, effectiveness=eff, on=on) for x in (risk, "a")[::-1]]
    p = PlanningProblem(
        risks=risks, mitigations=[MitigationSpec(id="m", cost=1.0, effects=effects)]
    )
    bare = attrs.evolve(p, risks=(), mitigations=[MitigationSpec(id="m", cost=1.0)])
    return p, bare, Blocks([[(("a", risk), eff, on)]], [], RiskColumns.of(risks))


@pytest.mark.parametrize(
    ("kw", "error", "match"),
    [
        ({"eff": 1.5}, PlanError, r"^mitigation 'm': effectiveness 1.5 on 'a'"),
        ({"on": "both"}, PlanError, r"^mitigation 'm': effect on 'both'"),
        ({"risk": "zz"}, GraphError, r"^mitigation 'm' reduces 'zz'"),
    ],
)
def test_a_block_is_refused_as_its_first_bad_effect_is(
    kw: dict[str, Any], error: type[Exception], match: str
) -> None:
    p, bare, blocks = _two(**kw)
    with pytest.raises(error, match=match) as per_effect:
        _compile(p)
    with pytest.raises(error, match=match) as per_block:
        _compile(bare, blocks)
    assert str(per_effect.value) == str(per_block.value)


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("likelihood", 1.5, r"^risk 'b': likelihood 1.5 is not in \[0, 1\]"),
        ("impact", -1.0, r"^risk 'b': impact -1.0 is negative"),
        ("tolerance", -0.5, r"^risk 'b': tolerance -0.5 is negative"),
        ("id", "a", r"^risk 'a' is defined more than once"),
    ],
)
def test_risk_columns_are_refused_as_the_risks_are(
    field: str, value: Any, match: str
) -> None:
    p, bare, blocks = _two()
    bad = attrs.evolve(
        p, risks=[p.risks[0], attrs.evolve(p.risks[1], **{field: value})]
    )
    cols = attrs.evolve(blocks, risks=RiskColumns.of(bad.risks))
    with pytest.raises(PlanError, match=match):
        _compile(bad)
    with pytest.raises(PlanError, match=match):
        _compile(bare, cols)


_IDS = st.lists(st.sampled_from(["a", "b", "c", "zz"]), max_size=4)
_EFFECT = st.tuples(
    st.integers(0, 2),  # which shared list of ids
    st.sampled_from([0.0, 0.25, 1.0, 1.5, -0.5, float("nan")]),
    st.sampled_from(["likelihood", "impact", "both"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_IDS, min_size=3, max_size=3), st.lists(_EFFECT, max_size=5))
def test_blocks_sharing_a_list_of_ids_compile_as_their_effects_do(
    lists: list[list[str]], effects: list[tuple[int, float, str]]
) -> None:
    """A threat's risk list is shared by its blocks and looked up once: the
    compiled form, or the refusal, is the per-effect problem's."""
    risks = [RiskSpec(id=r, likelihood=0.5, impact=1.0) for r in ("a", "b", "c")]
    per_effect = [
        RiskEffect(risk=r, effectiveness=eff, on=on)  # type: ignore[arg-type]
        for k, eff, on in effects
        for r in lists[k]
    ]
    p = PlanningProblem(
        risks=risks,
        mitigations=[MitigationSpec(id="m", cost=1.0, effects=per_effect)],
    )
    bare = attrs.evolve(p, risks=(), mitigations=[MitigationSpec(id="m", cost=1.0)])
    blocks = Blocks(
        [[(lists[k], eff, on) for k, eff, on in effects]],  # type: ignore[misc]
        [],
        RiskColumns.of(risks),
    )
    refused: Exception | None = None
    try:
        a = _compile(p)
    except (GraphError, PlanError) as e:
        refused = e
    if refused is not None:
        with pytest.raises(type(refused)) as got:
            _compile(bare, blocks)
        assert str(got.value) == str(refused)
        return
    b = _compile(bare, blocks)
    assert a.cl == b.cl
    assert a.eff_list == b.eff_list
    assert [[(o, li) for o, li in x] for x in a.layers] == b.layers


def _plain_responses(c: Any, chosen: set[int] | None) -> tuple[Any, Any]:
    """What each response instance is required for or acts on, and the armed
    pairs, worked out instance by instance (the reference for ``_responses``)."""
    from riskcore.model.plan import ArmedResponse

    on: dict[str, set[int]] = {}
    armed = []
    has = (lambda _i: False) if chosen is None else chosen.__contains__
    for k, inst in enumerate(c.insts):
        spec = c.specs[inst.rid]
        req = {c.rindex[r] for r in inst.required_by}
        acts = inst.risks if chosen is not None and c.present(~k, has) else []
        if req or acts:
            on.setdefault(inst.rid, set()).update(req, acts)
        why = (
            f"required for critical risk(s) {', '.join(inst.required_by)}"
            if inst.forced
            else "armed by a trigger"
        )
        if acts:
            why += f"; acts on {', '.join(c.risk_ids[j] for j in acts)}"
        elif not inst.forced and chosen is not None:
            missing = sorted(c.ids[i] for i in inst.req if i not in chosen)
            why += (
                f"; not credited: it requires {', '.join(missing)}, not in the plan"
                if missing
                else "; it reduces no planned risk"
            )
        if chosen is None and not inst.forced:
            continue
        armed.append(
            ArmedResponse(
                response=inst.rid,
                subject=inst.subject,
                owner=spec.owner,
                time_to_act_hours=spec.time_to_act_hours,
                reason=why[:1000],
            )
        )
    return (
        {r: tuple(c.risk_ids[j] for j in sorted(v)) for r, v in sorted(on.items())},
        tuple(armed),
    )


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_the_responses_of_a_plan_are_worked_out_instance_by_instance(
    data: st.DataObject,
) -> None:
    """Armed instances share their response's requirements, worked out once
    per list: the same reasons and pairs as instance by instance."""
    from riskcore.planner import ResponseSpec
    from riskcore.planner.assemble import _responses

    subjects = ("s1", "s2", "s3")
    risks = [
        RiskSpec(
            id=f"x:{s}",
            likelihood=0.5,
            impact=1.0,
            subject=s,
            critical=s == "s1",
            responses=("r-a",) if s == "s1" else (),
        )
        for s in subjects
    ]
    on_x = [RiskEffect(risk=f"x:{s}", effectiveness=0.5) for s in subjects]
    requires = {"r-a": ("m0",), "r-b": ("m1", "m2"), "r-c": (), "r-d": ("m2",)}
    p = PlanningProblem(
        risks=risks,
        mitigations=[
            MitigationSpec(id=f"m{k}", cost=1.0, effects=on_x[k : k + 1])
            for k in range(3)
        ],
        responses=[
            ResponseSpec(id=r, requires=req, effects=on_x if r != "r-d" else ())
            for r, req in requires.items()
        ],
        armed=[(r, s) for r in requires for s in subjects],
    )
    c = _compile(p)
    # armed instances of responses with different requirements, a forced one
    # and ones always in force
    assert len({tuple(c.insts[k].req) for k in c.dyn}) == 3
    assert any(i.forced for i in c.insts)
    chosen = data.draw(
        st.none() | st.sets(st.integers(0, len(c.ids) - 1)), label="chosen"
    )
    assert _responses(c, chosen) == _plain_responses(c, chosen)
