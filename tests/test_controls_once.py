"""Each risk is built once, and crediting controls keeps what it need not redo (issue #16).

``identify`` builds every risk once, by ``Risk.fast``, with the figures of no
control; ``apply_controls`` keeps a risk the controls do not reach as the very
object it was given, and copies any other once (``with_controls``): no
``attrs.evolve`` and no second validation per risk. Keeping a risk must never
keep a stale figure: crediting a register that already had controls gives what
crediting the uncontrolled one gives, field for field and type for type.
"""

from __future__ import annotations

import gc
import importlib
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import riskcore._controls as controls_module
from riskcore import PluginManager, assess, default_catalog, hookimpl, load_case
from riskcore.errors import FieldError
from riskcore.identify import apply_controls, identify
from riskcore.model import Assessment, Case, Practice, Professional
from riskcore.model.risk import Risk, RiskRegister
from riskcore.plugins import get_plugin_manager

# the module (riskcore.identify, the attribute, is the function)
identify_module = importlib.import_module("riskcore.identify")
ROOT = Path(__file__).resolve().parents[1]
NAMES = [a.name for a in attrs.fields(Risk)]


@pytest.fixture(scope="module")
def example() -> tuple[Case, Any, RiskRegister]:
    case = load_case(ROOT / "examples" / "longmont-practice.yaml")
    pm = get_plugin_manager()
    catalog = default_catalog(pm)
    return case, catalog, identify(assess(case, pm=pm), catalog, case, pm=pm)


def _same(a: RiskRegister, b: RiskRegister) -> None:
    """Equal registers, and every field of every risk of the same type."""
    assert a == b
    for x, y in zip(a.risks, b.risks, strict=True):
        for name in NAMES:
            assert type(getattr(x, name)) is type(getattr(y, name)), (x.id, name)


class _Counts:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.init = self.fast = self.copied = self.per_subject = self.same = 0
        init, fast = Risk.__init__, Risk.fast.__func__  # type: ignore[attr-defined]
        copy = controls_module.with_controls
        per_subject = identify_module._per_subject
        same_inputs = identify_module._same_inputs
        shown_valid = identify_module._shown_valid

        def counted_same_inputs(risk: Risk, *values: Any) -> Risk:
            self.same += 1
            return same_inputs(risk, *values)

        def counted_shown_valid(risk: Risk, *values: Any) -> Risk:
            self.same += 1
            return shown_valid(risk, *values)

        def counted_per_subject(risk: Risk, *values: Any) -> Risk:
            self.per_subject += 1
            return per_subject(risk, *values)

        def counted_init(risk: Risk, **kw: Any) -> None:
            self.init += 1
            init(risk, **kw)

        def counted_fast(cls: type[Risk], *values: Any) -> Risk:
            self.fast += 1
            return fast(cls, *values)  # type: ignore[no-any-return]

        def counted_copy(risk: Risk, *values: Any) -> Risk:
            self.copied += 1
            return copy(risk, *values)

        monkeypatch.setattr(Risk, "__init__", counted_init)
        monkeypatch.setattr(Risk, "fast", classmethod(counted_fast))
        monkeypatch.setattr(controls_module, "with_controls", counted_copy)
        monkeypatch.setattr(identify_module, "_per_subject", counted_per_subject)
        monkeypatch.setattr(identify_module, "_same_inputs", counted_same_inputs)
        monkeypatch.setattr(identify_module, "_shown_valid", counted_shown_valid)


def test_identify_builds_each_risk_once(example, monkeypatch) -> None:
    case, catalog, reg = example
    counts = _Counts(monkeypatch)
    again = identify(assess(case), catalog, case)
    assert again == reg
    # each threat's first risk checked whole, the others from it; a subject
    # whose inputs are another's on the threat gets a copy of that risk
    assert counts.fast == len({r.threat for r in reg.risks})
    assert counts.fast + counts.per_subject + counts.same == len(reg.risks) > 90
    assert counts.same > 0
    assert counts.init == 0  # never attrs' __init__, never attrs.evolve
    assert counts.copied == 0  # no control: no copy


def test_apply_controls_copies_only_the_risks_the_controls_reach(
    example, monkeypatch
) -> None:
    _, catalog, reg = example
    counts = _Counts(monkeypatch)
    mids = [m.id for m in catalog.mitigations][:4]
    out = apply_controls(reg, catalog, mitigations=mids)
    reached = [r for r in out.risks if r.layers or r.control_notes]
    kept = [k for k, r in enumerate(out.risks) if r is reg.risks[k]]
    assert reached
    assert kept
    assert len(kept) + len(reached) == len(reg.risks)
    assert counts.copied == len(reached)
    assert counts.init == counts.fast == 0
    for k in kept:
        assert not out.risks[k].layers
    # no control at all: the register's risks, each the very object
    nothing = apply_controls(reg, catalog)
    assert all(a is b for a, b in zip(nothing.risks, reg.risks, strict=True))


@st.composite
def _controls(draw: st.DrawFn, catalog: Any, case: Case) -> dict[str, Any]:
    mids = [m.id for m in catalog.mitigations]
    subjects = [s.id for s in case.subjects()]
    responses = [r.id for r in catalog.responses]
    return {
        "mitigations": draw(st.lists(st.sampled_from(mids), max_size=8)),
        "in_place": draw(st.lists(st.sampled_from(mids), max_size=2)),
        "responses": draw(
            st.lists(
                st.tuples(st.sampled_from(responses), st.sampled_from(subjects)),
                max_size=10,
            )
        ),
    }


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_crediting_again_is_crediting_once(example, data) -> None:
    case, catalog, reg = example
    first = data.draw(_controls(catalog, case))
    then = data.draw(_controls(catalog, case))
    direct = apply_controls(reg, catalog, **then)
    _same(
        apply_controls(apply_controls(reg, catalog, **first), catalog, **then), direct
    )
    # the same risks, rebuilt as new objects (nothing to keep by identity)
    rebuilt = attrs.evolve(
        reg, risks=[Risk(**attrs.asdict(r, recurse=False)) for r in reg.risks]
    )
    _same(apply_controls(rebuilt, catalog, **then), direct)


def test_a_risk_whose_control_fields_disagree_is_recomputed(example) -> None:
    _, catalog, reg = example
    risk = reg.risks[0]
    assert not risk.layers
    wrong = [
        attrs.evolve(risk, level="very-high"),
        attrs.evolve(risk, review_days=int(risk.review_days)),  # 365 is not 365.0
        attrs.evolve(risk, within_tolerance=int(risk.within_tolerance)),
        attrs.evolve(risk, residual=attrs.evolve(risk.residual)),  # equal, not shared
        attrs.evolve(risk, control_notes=("old note",)),
    ]
    out = apply_controls(attrs.evolve(reg, risks=wrong), catalog)
    for was, got in zip(wrong, out.risks, strict=True):
        assert got is not was
        for name in NAMES:
            assert getattr(got, name) == getattr(risk, name)
            assert type(getattr(got, name)) is type(getattr(risk, name))


def test_a_later_subject_is_checked_as_the_first(example) -> None:
    # the threat's own fields are checked once; a subject's are checked for
    # every subject: an id too long for the second subject's risk is refused
    case = Case(
        id="c",
        practice=Practice(id="p"),
        professionals=[Professional(id="t-1"), Professional(id="t-" + "9" * 76)],
    )
    pm = PluginManager(autoload=False)
    catalog = default_catalog(pm)
    with pytest.raises(FieldError, match=r"^id: .* is not a valid identifier"):
        identify(Assessment(case_id="c"), catalog, case, pm=pm)
    ok = attrs.evolve(case, professionals=case.professionals[:1])
    assert identify(Assessment(case_id="c"), catalog, ok, pm=pm).risks


class _Spy:
    def __init__(self) -> None:
        self.seen: list[bool] = []

    @hookimpl
    def riskcore_risk_factors(self, subject):
        self.seen.append(gc.isenabled())
        return []


def test_identify_pauses_the_collector_and_restores_it() -> None:
    spy = _Spy()
    pm = PluginManager(autoload=False, builtins=False, plugins=[("spy", spy)])
    case = Case(id="c", practice=Practice(id="p"), professionals=[Professional(id="t")])
    identify(Assessment(case_id="c"), default_catalog(pm), case, pm=pm)
    assert spy.seen
    assert not any(spy.seen)
    assert gc.isenabled()


def test_points_are_shared_per_matrix_and_bounded(example, monkeypatch) -> None:
    _, catalog, reg = example
    points = controls_module.points_of(reg.matrix)
    assert reg.risks[0].inherent in points.values()
    assert controls_module.points_of(reg.matrix) is points
    monkeypatch.setattr(controls_module, "_POINTS_LIMIT", 1)
    assert len(points) > 1
    fresh = controls_module.points_of(reg.matrix)
    assert fresh is not points
    assert fresh == {}
    # without the shared points the same register comes out, as new objects
    out = apply_controls(reg, catalog)
    _same(out, reg)


def test_points_of_other_numbers_are_made_not_shared(example) -> None:
    _, _, reg = example
    memo = controls_module.Memo(reg.matrix, None)
    ints = memo.point(1, 3, "r", "residual.")
    assert type(ints.likelihood) is int  # written "1", not "1.0": not shared
    assert ints == reg.matrix.point(1, 3)
    assert memo.point(1.0, 3.0, "r", "x.") is memo.point(1.0, 3.0, "r", "y.")
    assert type(memo.point(1.0, 3.0, "r", "x.").likelihood) is float
    zero, minus = memo.point(0.0, 2.0, "r", "x."), memo.point(-0.0, 2.0, "r", "x.")
    assert zero is not minus  # equal floats, different output
    assert minus.likelihood.hex() == "-0x0.0p+0"


def test_the_register_records_each_armed_pair_as_an_armed_response(example) -> None:
    from riskcore.model.plan import ArmedResponse

    case, catalog, reg = example
    subjects = [s.id for s in case.subjects()]
    pairs = [
        (r.id, subjects[k % len(subjects)]) for k, r in enumerate(catalog.responses)
    ]
    armed = [ArmedResponse(response=r, subject=s, owner="lead") for r, s in pairs[:2]]
    out = apply_controls(reg, catalog, responses=[*armed, *pairs, (pairs[0][0], None)])
    want = tuple(
        ArmedResponse(response=r, subject=s) for r, s in [*pairs, (pairs[0][0], None)]
    )
    assert out.responses == want
    for got, exp in zip(out.responses, want, strict=True):
        assert attrs.asdict(got) == attrs.asdict(exp)
        assert type(got.time_to_act_hours) is float
    with pytest.raises(FieldError, match=r"^responses\[0\]"):
        apply_controls(reg, catalog, responses=[("no-such-response", subjects[0])])
