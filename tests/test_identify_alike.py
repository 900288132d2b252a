"""Subjects with the same inputs share one risk, copied (issue #16).

``identify`` builds one risk per threat and group of subjects whose inputs are
alike (incomplete reasons, screening, factors, critical findings, modifiers)
and copies it for the others with their own id and subject. The copy must be
exactly the risk built for that subject on its own: every field equal and of
the same type, on generated practices with random answers, modifiers and
controls. A factor whose values could be written differently although equal
(an ``int`` odds ratio) is never shared.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any
from unittest import mock

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import riskcore._controls as controls_module
from riskcore import PluginManager, assess, default_catalog, hookimpl, load_case
from riskcore.errors import FieldError
from riskcore.identify import apply_controls, identify, risk_id
from riskcore.model import Assessment, Case, Client, Practice, RiskFactor
from riskcore.model._fields import ID_PATTERN, check_id
from riskcore.model.risk import Modifier, ModifierKind, Risk, RiskRegister
from riskcore.plugins import get_plugin_manager
from riskcore.testing.practice import generate_practice

identify_module = importlib.import_module("riskcore.identify")
ROOT = Path(__file__).resolve().parents[1]
NAMES = [a.name for a in attrs.fields(Risk)]


@pytest.fixture(scope="module")
def world() -> tuple[Case, Any, Any]:
    pm = get_plugin_manager()
    return (
        load_case(ROOT / "examples" / "longmont-practice.yaml"),
        default_catalog(pm),
        pm,
    )


def _same(a: RiskRegister, b: RiskRegister) -> None:
    assert a == b
    for x, y in zip(a.risks, b.risks, strict=True):
        for name in NAMES:
            assert type(getattr(x, name)) is type(getattr(y, name)), (x.id, name)


def _each_on_its_own(*args: Any, **kw: Any) -> RiskRegister:
    """identify with no risk shared: every risk built for its own subject."""
    with mock.patch.object(identify_module, "_factors_key", return_value=None):
        return identify(*args, **kw)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_shared_risks_are_the_risks_built_one_by_one(world, data) -> None:
    template, catalog, pm = world
    size = data.draw(st.integers(1, 40), label="clients")
    case = generate_practice(template, size, seed=data.draw(st.integers(0, 2**16)))
    assessment = assess(case, pm=pm)
    subjects = [s.id for s in case.subjects()]
    threats = [t.id for t in catalog.threats]
    mods = data.draw(
        st.lists(
            st.builds(
                Modifier,
                threat=st.sampled_from(threats),
                probability=st.sampled_from([0.5, 0.25, 1.0]),
                reason=st.just("lone visit"),
                kind=st.sampled_from(list(ModifierKind)),
                subject=st.one_of(st.none(), st.sampled_from(subjects)),
            ),
            max_size=4,
        ),
        label="modifiers",
    )
    controls: dict[str, Any] = {}
    if data.draw(st.booleans(), label="controls"):
        controls = {
            "mitigations": data.draw(
                st.lists(
                    st.sampled_from([m.id for m in catalog.mitigations]), max_size=5
                )
            ),
            "responses": data.draw(
                st.lists(
                    st.tuples(
                        st.sampled_from([r.id for r in catalog.responses]),
                        st.sampled_from(subjects),
                    ),
                    max_size=5,
                )
            ),
        }
    got = identify(assessment, catalog, case, pm=pm, modifiers=mods, **controls)
    alone = _each_on_its_own(
        assessment, catalog, case, pm=pm, modifiers=mods, **controls
    )
    _same(got, alone)
    # copies share the risk's own parts: fewer distinct factor tuples than risks
    shared = {id(r.factors) for r in got.risks if r.factors}
    assert len(shared) <= len([r for r in got.risks if r.factors])


class _Typed:
    """The same factor for every client, its odds ratio an int for c-01 only."""

    @hookimpl
    def riskcore_risk_factors(self, subject: Any) -> list[RiskFactor]:
        if not isinstance(subject, Client):
            return []
        odds: float = 2 if subject.id == "c-01" else 2.0
        return [
            RiskFactor(
                threat="burnout-risk",
                subject=subject.id,
                odds_ratio=odds,
                reason="the same reason",
            )
        ]


def test_equal_values_written_differently_are_not_shared() -> None:
    from riskcore.model import Catalog, Severity, SubjectKind, Threat

    catalog = Catalog(
        threats=[
            Threat(
                id="burnout-risk",
                name="Risk",
                category="wellbeing",
                scope=SubjectKind.CLIENT,
                base_likelihood=0.2,
                impact=Severity(value=3),
            )
        ]
    )
    case = Case(
        id="c",
        practice=Practice(id="p"),
        clients=[Client(id=c) for c in ("c-00", "c-01", "c-02", "c-03")],
    )
    pm = PluginManager(autoload=False, builtins=False, plugins=[("typed", _Typed())])
    reg = identify(assess(case, pm=pm), catalog, case, pm=pm)
    kinds = {r.subject: type(r.factors[0].odds_ratio) for r in reg.risks}
    assert kinds == {"c-00": float, "c-01": int, "c-02": float, "c-03": float}
    assert (
        reg.risk("burnout-risk:c-02").factors is reg.risk("burnout-risk:c-00").factors
    )
    _same(reg, _each_on_its_own(assess(case, pm=pm), catalog, case, pm=pm))


def test_identify_credits_nothing_again_when_there_is_no_control(world) -> None:
    template, catalog, pm = world
    assessment = assess(template, pm=pm)
    calls: list[tuple[Any, ...]] = []
    real = identify_module.apply_controls

    def counted(*args: Any, **kw: Any) -> RiskRegister:
        calls.append(args)
        return real(*args, **kw)

    with mock.patch.object(identify_module, "apply_controls", counted):
        reg = identify(assessment, catalog, template, pm=pm)
        assert calls == []
        # what crediting no control would give: the very same risks
        again = apply_controls(reg, catalog)
        assert all(a is b for a, b in zip(again.risks, reg.risks, strict=True))
        _same(again, reg)
        # a point the memo cannot vouch for: crediting runs, to the same result
        with mock.patch.object(controls_module.Memo, "made", return_value=False):
            checked = identify(assessment, catalog, template, pm=pm)
        assert len(calls) == 1
        _same(checked, reg)
        mids = [m.id for m in catalog.mitigations][:3]
        _same(
            identify(assessment, catalog, template, pm=pm, mitigations=mids),
            apply_controls(reg, catalog, mitigations=mids),
        )
        assert len(calls) == 2


def test_a_screened_and_an_unscreened_subject_are_not_alike() -> None:
    from riskcore.model import Score, SubjectKind

    catalog = default_catalog(PluginManager(autoload=False))
    case = Case(
        id="x",
        practice=Practice(id="p"),
        clients=[Client(id=c) for c in ("c-1", "c-2", "c-3")],
    )
    scores = [
        Score(subject=c, subject_kind=SubjectKind.CLIENT, instrument="phq9", value=3)
        for c in ("c-1", "c-3")
    ]
    reg = identify(
        Assessment(case_id="x", scores=scores),
        catalog,
        case,
        pm=PluginManager(autoload=False),
    )
    got = {s: reg.risk(f"client-self-harm:{s}") for s in ("c-1", "c-2", "c-3")}
    assert not got["c-1"].incomplete
    assert not got["c-3"].incomplete
    assert got["c-2"].incomplete  # not screened: fail closed
    assert [f.plugin for f in got["c-2"].factors] == ["riskcore.identify.unscreened"]
    assert got["c-3"].factors is got["c-1"].factors  # alike: one risk, copied


@settings(max_examples=300, deadline=None)
@given(
    threat=st.from_regex(ID_PATTERN, fullmatch=True),
    subject=st.from_regex(ID_PATTERN, fullmatch=True),
)
def test_a_risk_id_of_valid_ids_is_valid_exactly_when_short(threat, subject) -> None:
    # the proof behind copying a risk without checking its id again
    rid = risk_id(threat, subject)
    try:
        check_id("id", rid)
    except FieldError:
        ok = False
    else:
        ok = True
    assert ok == (len(rid) <= identify_module._ID_MAX)


def test_a_copied_risk_whose_id_is_too_long_is_refused() -> None:
    # t-long's risk of "x" is checked (its id has 80 characters); its risk of
    # "burnout", a copy of t-1's, would have 86: refused as Risk(...) refuses it
    from riskcore.model import Catalog, Professional, Severity, SubjectKind, Threat

    def threat(tid: str) -> Threat:
        return Threat(
            id=tid,
            name=tid,
            category="wellbeing",
            scope=SubjectKind.PROFESSIONAL,
            base_likelihood=0.2,
            impact=Severity(value=3),
        )

    catalog = Catalog(threats=[threat("x"), threat("burnout")])
    long = "t-" + "9" * 76
    case = Case(
        id="c",
        practice=Practice(id="p"),
        professionals=[Professional(id="t-1"), Professional(id=long)],
    )
    pm = PluginManager(autoload=False)
    with pytest.raises(FieldError, match=r"^id: .* is not a valid identifier"):
        identify(Assessment(case_id="c"), catalog, case, pm=pm)
    with mock.patch.object(identify_module, "_ID_MAX", 10**6):
        # without the length check the copy would keep an invalid id
        bad = identify(Assessment(case_id="c"), catalog, case, pm=pm)
    assert len(bad.risk(f"burnout:{long}").id) == 86
