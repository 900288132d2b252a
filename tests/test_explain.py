"""``Risk.explain`` and ``Explainer`` (issue #16): the same lines.

The report explains every risk of a register with one
:class:`riskcore.model.risk.Explainer`, which makes the line of each shared
factor, modifier, layer and figure once (by identity). Its lines must be
``Risk.explain``'s, and those must be what they were before the lines were
shared (``_old_explain`` is the code of ``main`` before the change).
"""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import riskcore
from riskcore.model.catalog import EffectTarget
from riskcore.model.risk import AppliedFactor, Explainer, Layer, Risk, RiskPoint

from .test_report_json import EXAMPLE


def _fmt(p: object) -> str:
    return f"{p:g}" if isinstance(p, (int, float)) else repr(p)


def _old_explain(self: Risk) -> tuple[str, ...]:
    """``Risk.explain`` as it was (one line at a time, nothing shared)."""
    lines = [
        f"{self.id}: level {self.level} now, {self.planned_level} once the plan "
        f"is in place (inherent {self.inherent_level}, target {self.target})",
        f"base likelihood {_fmt(self.base_likelihood)} ({self.base_source})",
    ]
    for f in self.factors:
        state = "" if f.credited else f" [not credited: {f.note}]"
        lines.append(
            f"factor OR {f.odds_ratio:g} from {f.plugin or '?'}: {f.reason}{state}"
        )
    for m in self.modifiers:
        lines.append(f"{m.kind.value} modifier {_fmt(m.probability)}: {m.reason}")
    ih, rs, ra = self.inherent, self.residual, self.residual_all
    lines.append(f"inherent p={ih.likelihood:.4g} impact={ih.impact:.4g} -> {ih.level}")
    for lay in self.layers:
        state = (
            "credited"
            if lay.credited
            else f"not credited in strict figure: {lay.reason}"
        )
        when = (
            "in force today"
            if lay.in_force_day <= 0
            else f"in force from day {lay.in_force_day:g}"
        )
        lines.append(
            f"{lay.kind} {lay.id} on {lay.on.value} e={_fmt(lay.effectiveness)} "
            f"({when}): {state}"
        )
    cu = self.current
    lines.append(
        f"now (controls in force today) p={cu.likelihood:.4g} impact={cu.impact:.4g} -> {cu.level}"
    )
    lines.append(
        f"residual (strict) p={rs.likelihood:.4g} impact={rs.impact:.4g} -> {rs.level}"
    )
    lines.append(
        f"residual (all safeguards) p={ra.likelihood:.4g} impact={ra.impact:.4g} -> {ra.level}"
    )
    lines += [f"critical: {r}" for r in self.critical_reasons]
    if self.response_required:
        lines.append(
            f"response required: {', '.join(self.required_responses) or '(none in catalog)'}"
        )
    lines += [f"not credited: {n}" for n in self.control_notes]
    lines += [f"incomplete: {r}" for r in self.incomplete_reasons]
    return tuple(lines)


@pytest.fixture(scope="module")
def risks() -> tuple[Risk, ...]:
    case = riskcore.load_case(EXAMPLE)
    plan = riskcore.build_plan(case, seed=1, n=0, today=dt.date(2026, 10, 5))
    return plan.register.risks + plan.inherent.risks


def test_the_example_register_explained_as_before(risks: tuple[Risk, ...]) -> None:
    explain = Explainer()
    assert any(r.layers and r.factors for r in risks)
    for r in risks:
        assert explain(r) == r.explain() == _old_explain(r)


def _point(p: float, level: str = "low") -> RiskPoint:
    return RiskPoint(
        likelihood=p,
        impact=2.0,
        expected_harm=2.0 * p,
        likelihood_band="rare",
        impact_band="minor",
        level=level,
    )


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_shared_and_equal_objects_explained_as_before(
    risks: tuple[Risk, ...], data: st.DataObject
) -> None:
    """Risks that share some objects and hold equal but distinct others
    (``0.0`` and ``-0.0`` are equal and print differently): one Explainer
    over all of them gives each risk's own lines, as before."""
    base = data.draw(st.sampled_from([r for r in risks if r.layers]))
    values = st.sampled_from([0.0, -0.0, 1e-05, 0.25, 1.0])
    points = [_point(data.draw(values)) for _ in range(3)]
    layers = [
        attrs.evolve(
            base.layers[0],
            in_force_day=data.draw(st.sampled_from([0.0, 0.5, 3.0])),
            credited=data.draw(st.booleans()),
            reason="shared cause",
        )
        for _ in range(2)
    ]
    factors = [
        AppliedFactor(
            odds_ratio=data.draw(st.sampled_from([0.5, 2.0, 1e-06])), reason="r"
        )
        for _ in range(2)
    ]
    made = []
    for i in range(data.draw(st.integers(1, 8))):
        made.append(
            attrs.evolve(
                base,
                id=f"{base.threat}:s-{i}",
                inherent=data.draw(st.sampled_from(points)),
                current=data.draw(st.sampled_from(points)),
                residual=data.draw(st.sampled_from(points)),
                residual_all=_point(data.draw(values)),
                layers=data.draw(st.lists(st.sampled_from(layers), max_size=3)),
                factors=data.draw(st.lists(st.sampled_from(factors), max_size=3)),
            )
        )
    explain = Explainer()
    for r in made:
        assert explain(r) == r.explain() == _old_explain(r)


def test_each_layer_has_its_own_line() -> None:
    """Two distinct layers with equal fields but a zero of each sign: the
    line of each is its own (the memory is by identity, never by equality)."""
    a = Layer(id="m", kind="mitigation", on=EffectTarget.LIKELIHOOD, effectiveness=0.0)
    b = Layer(id="m", kind="mitigation", on=EffectTarget.LIKELIHOOD, effectiveness=-0.0)
    assert a == b
    explain = Explainer()
    lines = {
        line
        for r in _with_layers(a, b)
        for line in explain(r)
        if line.startswith("mitigation m ")
    }
    assert lines == {
        "mitigation m on likelihood e=0 (in force today): credited",
        "mitigation m on likelihood e=-0 (in force today): credited",
    }


def _with_layers(*layers: Layer) -> list[Risk]:
    case = riskcore.load_case(EXAMPLE)
    plan = riskcore.build_plan(case, seed=1, n=0, today=dt.date(2026, 10, 5))
    r = plan.register.risks[0]
    return [attrs.evolve(r, layers=[lay]) for lay in layers]


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_risks_sharing_what_the_later_lines_read_explained_as_before(
    risks: tuple[Risk, ...], data: st.DataObject
) -> None:
    """The lines after the first are made once per set of the objects they
    read (by identity): risks that share them but differ in their first
    line, or hold an equal but distinct copy of one, or another value, each
    get their own lines, as before."""
    base = data.draw(st.sampled_from(risks))
    levels = st.sampled_from(["low", "medium", "high", "very-high"])
    other = st.sampled_from(
        [
            {},
            {"critical_reasons": ("a",)},
            {"critical_reasons": tuple(base.critical_reasons)},  # equal, distinct
            {"response_required": not base.response_required},
            {"required_responses": ("x", "y")},
            {"control_notes": ("n",)},
            {"incomplete_reasons": ("i",)},
            {"base_likelihood": 0.125},
            {"base_source": "elsewhere"},
            {"modifiers": ()},
            {"factors": ()},
            {"layers": ()},
        ]
    )
    made = [base]
    for i in range(data.draw(st.integers(1, 6))):
        made.append(
            attrs.evolve(
                data.draw(st.sampled_from(made)),
                id=f"{base.threat}:t-{i}",
                level=data.draw(levels),
                planned_level=data.draw(levels),
                inherent_level=data.draw(levels),
                target=data.draw(levels),
                **data.draw(other),
            )
        )
    explain = Explainer()
    for r in data.draw(st.permutations(made)):
        assert explain(r) == r.explain() == _old_explain(r)


class _Reads:
    """A risk that records the names of the fields read from it."""

    def __init__(self, risk: Risk) -> None:
        self._risk = risk
        self.read: set[str] = set()

    def __getattr__(self, name: str) -> object:
        self.read.add(name)
        return getattr(self._risk, name)


def test_the_later_lines_read_only_the_fields_they_are_remembered_by(
    risks: tuple[Risk, ...],
) -> None:
    """A field the later lines read but their memory's key left out would
    give a risk another risk's lines: every field ``_explain_tail`` reads is
    one of ``_tail_parts``."""
    from riskcore.model.risk import _explain_tail, _Lines, _tail_parts

    for r in risks:
        tail, parts = _Reads(r), _Reads(r)
        _explain_tail(tail, _Lines())  # type: ignore[arg-type]
        _tail_parts(parts)  # type: ignore[arg-type]
        assert tail.read <= parts.read, tail.read - parts.read
        assert len(parts.read) == len(_tail_parts(r))
