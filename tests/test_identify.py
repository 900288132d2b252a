"""identify(): risks per subject, explainable factors, overrides, residual risk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcore import calculus, hookimpl
from riskcore.errors import AssessmentError, FieldError, PluginError
from riskcore.identify import CRITICAL_MAP, apply_controls, identify, risk_id
from riskcore.model import (
    Assessment,
    AssessorFailure,
    Case,
    Catalog,
    Client,
    Effect,
    EffectTarget,
    Flag,
    FlagLevel,
    Mitigation,
    Observation,
    Practice,
    Professional,
    Response,
    RiskFactor,
    Score,
    Severity,
    Source,
    SubjectKind,
    Threat,
    Trigger,
)
from riskcore.model.risk import Modifier, ModifierKind, RiskMatrix
from riskcore.plugins import PluginManager

C, P, ORG = SubjectKind.CLIENT, SubjectKind.PROFESSIONAL, SubjectKind.PRACTICE


def _catalog() -> Catalog:
    return Catalog(
        threats=[
            Threat(
                id="client-self-harm",
                name="Self-harm",
                category="self-harm",
                scope=C,
                base_likelihood=0.005,
                impact=Severity(value=5),
            ),
            Threat(
                id="in-session-aggression",
                name="Aggression",
                category="aggression",
                scope=C,
                base_likelihood=0.05,
                impact=Severity(value=3),
            ),
            Threat(
                id="staff-physical-harm",
                name="Staff harm",
                category="aggression",
                scope=P,
                base_likelihood=0.01,
                impact=Severity(value=4),
            ),
            Threat(
                id="burnout",
                name="Burnout",
                category="wellbeing",
                scope=P,
                base_likelihood=0.10,
                impact=Severity(value=4),
                illustrative=False,
                source=Source(citation="Example 2020"),
            ),
            Threat(
                id="confidentiality-breach",
                name="Breach",
                category="privacy",
                scope=ORG,
                base_likelihood=0.05,
                impact=Severity(value=3),
                source=Source(citation="Guess"),
            ),
        ],
        mitigations=[
            Mitigation(id="roster", name="Roster", category="program"),
            Mitigation(
                id="alarm",
                name="Alarm",
                category="equipment",
                requires=["roster"],
                reduces=[Effect(threat="burnout", effectiveness=0.6)],
            ),
            Mitigation(
                id="check-in",
                name="Check-in",
                category="program",
                resources=["phone"],
                reduces=[Effect(threat="burnout", effectiveness=0.3)],
            ),
            Mitigation(
                id="buddy",
                name="Buddy",
                category="program",
                requires=["roster"],
                reduces=[Effect(threat="burnout", effectiveness=0.4)],
            ),
            Mitigation(
                id="supervision",
                name="Supervision",
                category="program",
                reduces=[
                    Effect(threat="burnout", effectiveness=0.5),
                    Effect(threat="burnout", effectiveness=0.2, on=EffectTarget.IMPACT),
                ],
            ),
            Mitigation(
                id="phone-tree",
                name="Phone tree",
                category="program",
                resources=["phone"],
                reduces=[Effect(threat="burnout", effectiveness=0.2)],
            ),
        ],
        responses=[
            Response(
                id="safety-plan",
                name="Safety plan",
                recovers=[
                    Effect(
                        threat="client-self-harm",
                        effectiveness=0.4,
                        on=EffectTarget.IMPACT,
                    )
                ],
                trigger=Trigger(flags=["phq9.item9-positive"]),
            ),
            Response(
                id="eap",
                name="EAP",
                requires=["roster"],
                recovers=[
                    Effect(threat="burnout", effectiveness=0.25, on=EffectTarget.IMPACT)
                ],
            ),
            Response(
                id="duress-team",
                name="Duress team",
                trigger=Trigger(flags=["aggression.high"]),
            ),
            Response(
                id="de-escalate",
                name="De-escalation",
                trigger=Trigger(threats=["staff-physical-harm"]),
            ),
        ],
    )


def _case(**kw: Any) -> Case:
    base: dict[str, Any] = {
        "id": "demo",
        "practice": Practice(id="p"),
        "professionals": [Professional(id="t-1")],
        "clients": [Client(id="c-1", clinician="t-1"), Client(id="c-2")],
        "assessed_on": dt.date(2026, 1, 1),
    }
    base.update(kw)
    return Case(**base)


def _score(
    subject: str,
    kind: SubjectKind = C,
    value: float | None = 3,
    flags: tuple[Flag, ...] = (),
) -> Score:
    return Score(
        subject=subject,
        subject_kind=kind,
        instrument="phq9",
        value=value,
        flags=flags,
        missing_reason=None if value is not None else "item 3 unanswered",
    )


class Factors:
    """A plugin returning fixed factors per subject."""

    def __init__(self, by_subject: dict[str, list[tuple[str, float]]]) -> None:
        self.by_subject = by_subject

    @hookimpl
    def riskcore_risk_factors(
        self, subject: Any, scores: Any, case: Any
    ) -> list[RiskFactor]:
        return [
            RiskFactor(
                threat=t,
                subject=subject.id,
                odds_ratio=o,
                reason=f"band {o:g}",
                score="phq9.total",
            )
            for t, o in self.by_subject.get(subject.id, [])
        ]


def _pm(**plugins: object) -> PluginManager:
    return PluginManager(autoload=False, plugins=list(plugins.items()))


def _run(
    assessment: Assessment | None = None, case: Case | None = None, **kw: Any
) -> Any:
    kw.setdefault("pm", _pm())
    return identify(
        assessment or Assessment(case_id="demo"), _catalog(), case or _case(), **kw
    )


def test_one_risk_per_threat_and_subject() -> None:
    reg = _run()
    ids = sorted(r.id for r in reg.risks)
    assert ids == sorted(
        [
            "client-self-harm:c-1",
            "client-self-harm:c-2",
            "in-session-aggression:c-1",
            "in-session-aggression:c-2",
            "staff-physical-harm:t-1",
            "burnout:t-1",
            "confidentiality-breach:p",
        ]
    )
    assert reg.method_version == calculus.METHOD_VERSION
    assert reg.complete
    b = reg.risk("burnout:t-1")
    assert b.base_source == "Example 2020"
    assert not b.illustrative
    assert (
        reg.risk("confidentiality-breach:p").base_source
        == "illustrative default (Guess)"
    )
    assert reg.risk("client-self-harm:c-1").base_source == "illustrative default"
    assert reg.risk("client-self-harm:c-1").guarded
    with pytest.raises(KeyError):
        reg.risk("nope")
    assert risk_id("burnout", "t-1") == "burnout:t-1"


def test_factors_combine_on_odds_and_explain() -> None:
    pm = _pm(
        a=Factors({"t-1": [("burnout", 3.0)]}), b=Factors({"t-1": [("burnout", 1.5)]})
    )
    reg = _run(pm=pm)
    r = reg.risk("burnout:t-1")
    # odds 1/9 * 4.5 = 0.5 -> p = 1/3
    assert r.inherent.likelihood == pytest.approx(1 / 3)
    assert [(f.plugin, f.odds_ratio) for f in r.factors] == [("a", 3.0), ("b", 1.5)]
    text = "\n".join(r.explain())
    assert "factor OR 3 from a: band 3" in text
    assert "base likelihood 0.1 (Example 2020)" in text
    assert r.level == "very-high"  # likely x major
    assert r.review_days == 7
    assert r.next_review == dt.date(2026, 1, 8)
    assert not r.within_tolerance


class Boom:
    @hookimpl
    def riskcore_risk_factors(self, subject: Any) -> list[RiskFactor]:
        raise RuntimeError("boom")


def test_failing_plugin_is_isolated() -> None:
    pm = _pm(boom=Boom(), ok=Factors({"t-1": [("burnout", 2.0)]}))
    reg = _run(pm=pm)
    assert not reg.complete
    assert {f.plugin for f in reg.failures} == {"boom"}
    assert reg.risk("burnout:t-1").factors[0].plugin == "ok"
    assert reg.risk("burnout:t-1").incomplete
    assert any("boom" in x for x in reg.risk("burnout:t-1").incomplete_reasons)
    with pytest.raises(PluginError, match="boom"):
        _run(pm=pm, strict=True)


def test_factor_on_unknown_threat() -> None:
    pm = _pm(bad=Factors({"c-1": [("ghost", 2.0)]}))
    reg = _run(pm=pm)
    assert reg.failures[0].plugin == "bad"
    assert "ghost" in reg.failures[0].detail
    assert reg.risk("client-self-harm:c-1").incomplete
    assert not reg.risk("client-self-harm:c-2").incomplete
    with pytest.raises(FieldError) as ei:
        _run(pm=pm, strict=True)
    assert str(ei.value).startswith("bad.factors[0].threat: 'ghost' is not a threat")


def test_factor_on_threat_of_another_scope() -> None:
    pm = _pm(bad=Factors({"c-1": [("burnout", 2.0)]}))
    reg = _run(pm=pm)
    assert "no risk for a client" in reg.failures[0].detail
    with pytest.raises(FieldError, match="has scope professional, not client"):
        _run(pm=pm, strict=True)


class Weird:
    def __init__(self, result: object) -> None:
        self.result = result

    @hookimpl
    def riskcore_risk_factors(self, subject: Any) -> object:
        if callable(self.result):
            return self.result(subject)
        return self.result


def _gen(subject: Any) -> Iterator[RiskFactor]:
    yield RiskFactor(threat="burnout", subject=subject.id, odds_ratio=2, reason="x")
    raise ValueError("half way")


@pytest.mark.parametrize(
    ("result", "detail"),
    [
        ("oops", "returned str"),
        ([1], "returned a int"),
        (
            lambda s: [
                RiskFactor(threat="burnout", subject="zz", odds_ratio=2, reason="x")
            ],
            "another subject",
        ),
        (_gen, "raised ValueError"),
    ],
)
def test_invalid_results_are_recorded(result: object, detail: str) -> None:
    reg = _run(pm=_pm(weird=Weird(result)))
    assert reg.failures
    assert all(detail in f.detail for f in reg.failures)
    assert all(r.incomplete for r in reg.risks)
    assert not any(r.factors for r in reg.risks)


def test_none_result_is_fine() -> None:
    assert _run(pm=_pm(quiet=Weird(None))).complete


def test_protective_factor_not_credited_when_incomplete() -> None:
    pm = _pm(
        a=Factors(
            {
                "c-1": [("in-session-aggression", 0.5), ("client-self-harm", 2.0)],
                "c-2": [("in-session-aggression", 0.5)],
            }
        )
    )
    a = Assessment(case_id="demo", scores=[_score("c-1", value=None), _score("c-2")])
    reg = _run(a, pm=pm)
    r1 = reg.risk("in-session-aggression:c-1")
    assert r1.incomplete
    assert r1.incomplete_reasons == ("phq9.total: item 3 unanswered",)
    assert not r1.factors[0].credited
    assert r1.inherent.likelihood == 0.05  # never lowered
    assert "not credited" in "\n".join(r1.explain())
    assert (
        reg.risk("client-self-harm:c-1").inherent.likelihood > 0.005
    )  # raising still counts
    r2 = reg.risk("in-session-aggression:c-2")
    assert r2.factors[0].credited
    assert r2.inherent.likelihood < 0.05
    with pytest.raises(AssessmentError):
        _run(a, pm=pm, strict=True)


def test_global_failure_marks_everything_incomplete() -> None:
    a = Assessment(
        case_id="demo",
        failures=[AssessorFailure(plugin="x", hook="load", error_type="ImportError")],
    )
    reg = _run(a)
    assert all(r.incomplete for r in reg.risks)
    assert not reg.complete


def test_critical_flag_lifts_and_requires_response() -> None:
    flag = Flag(code="phq9.item9-positive", level=FlagLevel.CRITICAL)
    a = Assessment(case_id="demo", scores=[_score("c-1", flags=(flag,))])
    reg = _run(a)
    r = reg.risk("client-self-harm:c-1")
    assert r.inherent.level == "medium"  # the numbers alone
    assert r.critical
    assert r.level == "high"
    assert r.response_required
    assert r.required_responses == ("safety-plan",)
    assert r.critical_reasons == ("critical flag phq9.item9-positive",)
    # finding 6: a critical risk is reviewed within 7 days, not at the level's 30
    assert r.inherent_level == "high"
    assert r.review_days == 7.0
    assert r.next_review == dt.date(2026, 1, 8)
    assert not reg.risk("client-self-harm:c-2").critical
    assert not reg.risk("in-session-aggression:c-1").critical
    assert reg.critical() == (r,)
    assert "response required: safety-plan" in r.explain()
    # a warning flag does not lift
    warn = Flag(code="cssrs.moderate-risk", level=FlagLevel.WARNING)
    reg2 = _run(Assessment(case_id="demo", scores=[_score("c-1", flags=(warn,))]))
    assert not reg2.risk("client-self-harm:c-1").critical
    # overridable table
    reg3 = _run(a, critical_map={})
    assert not reg3.risk("client-self-harm:c-1").critical
    assert "flag:cssrs." in CRITICAL_MAP


def test_aggression_flag_reaches_clinician_and_observation() -> None:
    flag = Flag(code="aggression.high", level=FlagLevel.CRITICAL)
    reg = _run(Assessment(case_id="demo", scores=[_score("c-1", flags=(flag,))]))
    assert reg.risk("in-session-aggression:c-1").critical
    assert reg.risk("in-session-aggression:c-1").required_responses == ("duress-team",)
    staff = reg.risk("staff-physical-harm:t-1")
    assert staff.critical
    assert staff.level == "high"
    assert staff.critical_reasons == ("critical flag aggression.high (client c-1)",)
    # the client's flag arms its responses (duress team) for the client; the
    # clinician's lifted risk requires the responses that name its own threat
    assert staff.required_responses == ("de-escalate",)
    case = _case(
        observations=[
            Observation(
                subject="c-2", code="threat-communicated", qualifiers=["serious"]
            )
        ]
    )
    reg2 = _run(case=case)
    r = reg2.risk("in-session-aggression:c-2")
    assert r.critical
    assert r.required_responses == ()
    assert "response required: (none in catalog)" in r.explain()
    case3 = _case(
        observations=[
            Observation(subject="c-2", code="threat-communicated", value=False)
        ]
    )
    assert not _run(case=case3).risk("in-session-aggression:c-2").critical


@pytest.mark.parametrize(("value", "critical"), [(None, True), (1, True), (0, False)])
def test_critical_observation_reads_value_like_responses(
    value: object, critical: bool
) -> None:
    """One rule for "recorded" (Observation.recorded): an unknown value (None)
    is a fact and lifts the risk (fail closed), as it arms responses."""
    case = _case(
        observations=[
            Observation(subject="c-2", code="threat-communicated", value=value)
        ]
    )
    assert _run(case=case).risk("in-session-aggression:c-2").critical is critical


def test_residual_with_common_cause_groups() -> None:
    reg = _run(
        mitigations=["alarm", "buddy", "check-in", "phone-tree", "supervision"],
        responses=[("eap", "t-1")],
    )
    r = reg.risk("burnout:t-1")
    by = {(lay.id, lay.on): lay for lay in r.layers}
    # alarm and buddy both require roster; check-in and phone-tree share "phone"
    assert by[("alarm", EffectTarget.LIKELIHOOD)].credited
    assert not by[("buddy", EffectTarget.LIKELIHOOD)].credited
    assert "alarm" in by[("buddy", EffectTarget.LIKELIHOOD)].reason
    assert by[("check-in", EffectTarget.LIKELIHOOD)].credited
    assert not by[("phone-tree", EffectTarget.LIKELIHOOD)].credited
    assert by[("alarm", EffectTarget.LIKELIHOOD)].group == ("alarm", "buddy")
    # strict: 0.1 * 0.4 * 0.7 * 0.5; all: also * 0.6 * 0.8
    assert r.residual.likelihood == pytest.approx(0.014)
    assert r.residual_all.likelihood == pytest.approx(0.014 * 0.6 * 0.8)
    # impact: supervision (0.2) and eap (requires roster; no shared dep with supervision)
    assert r.residual.impact == pytest.approx(4 * 0.8 * 0.75)
    assert r.residual_all.impact == r.residual.impact
    assert r.inherent.likelihood == 0.1
    assert r.level == r.residual.level == "medium"  # unlikely x minor
    assert r.within_tolerance
    assert reg.mitigations == (
        "alarm",
        "buddy",
        "check-in",
        "phone-tree",
        "supervision",
    )
    assert reg.expected_harm("residual") <= reg.expected_harm("inherent")
    assert "not credited in strict figure" in "\n".join(r.explain())


def test_eap_and_alarm_share_roster_on_impact() -> None:
    cat = _catalog()
    reg = identify(Assessment(case_id="demo"), cat, _case(), pm=_pm())
    reg = apply_controls(reg, cat, mitigations=["alarm"], responses=[("eap", "t-1")])
    r = reg.risk("burnout:t-1")
    assert r.residual.impact == pytest.approx(3.0)


def test_unknown_control_ids() -> None:
    with pytest.raises(FieldError, match=r"^mitigations\[0\]: 'ghost'"):
        _run(mitigations=["ghost"])
    with pytest.raises(FieldError, match=r"^responses\[0\]: 'ghost'"):
        _run(responses=[("ghost", "t-1")])


def test_modifiers() -> None:
    mods = [
        Modifier(
            threat="staff-physical-harm",
            probability=0.5,
            reason="lone visit",
            kind=ModifierKind.ENABLING,
        ),
        Modifier(
            threat="in-session-aggression",
            probability=0.4,
            reason="P(injury)",
            kind=ModifierKind.CONDITIONAL,
            subject="c-2",
        ),
    ]
    reg = _run(modifiers=mods)
    assert reg.risk("staff-physical-harm:t-1").inherent.likelihood == pytest.approx(
        0.005
    )
    assert reg.risk("in-session-aggression:c-2").inherent.likelihood == pytest.approx(
        0.02
    )
    assert reg.risk("in-session-aggression:c-1").inherent.likelihood == pytest.approx(
        0.05
    )
    assert (
        "enabling modifier 0.5: lone visit"
        in reg.risk("staff-physical-harm:t-1").explain()
    )
    with pytest.raises(FieldError, match=r"modifiers\[0\]\.threat"):
        _run(modifiers=[Modifier(threat="ghost", probability=0.5, reason="x")])


def test_no_assessed_on_no_review_date() -> None:
    reg = _run(case=_case(assessed_on=None))
    assert all(r.next_review is None for r in reg.risks)


def test_matrix_scale_must_match() -> None:
    import attrs

    m = attrs.evolve(RiskMatrix.default(), impact_scale="harm-units")
    with pytest.raises(FieldError, match=r"\.impact\.scale"):
        _run(matrix=m)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(["alarm", "buddy", "check-in", "phone-tree", "supervision"]),
        unique=True,
    ),
    st.sampled_from(["alarm", "buddy", "check-in", "phone-tree", "supervision"]),
)
def test_adding_a_mitigation_never_raises_residual(
    chosen: list[str], extra: str
) -> None:
    cat = _catalog()
    base = identify(Assessment(case_id="demo"), cat, _case(), pm=_pm())
    before = apply_controls(base, cat, mitigations=chosen)
    after = apply_controls(base, cat, mitigations=[*chosen, extra])
    for r0, r1 in zip(before.risks, after.risks, strict=True):
        for fig in ("residual", "residual_all"):
            assert (
                getattr(r1, fig).expected_harm <= getattr(r0, fig).expected_harm + 1e-15
            )
            assert getattr(r1, fig).expected_harm <= r1.inherent.expected_harm + 1e-15
        assert r1.residual_all.expected_harm <= r1.residual.expected_harm + 1e-15


def test_register_round_trips_through_io() -> None:
    from riskcore import io
    from riskcore.model.risk import RiskRegister

    pm = _pm(a=Factors({"t-1": [("burnout", 3.0)]}))
    flag = Flag(code="phq9.item9-positive", level=FlagLevel.CRITICAL)
    a = Assessment(case_id="demo", scores=[_score("c-1", flags=(flag,))])
    reg = _run(a, pm=pm, mitigations=["alarm", "buddy"], responses=[("eap", "t-1")])
    assert io.loads(io.dumps(reg), RiskRegister) == reg


def test_a_plugins_declared_lifts_come_before_the_default_table() -> None:
    """A plugin declares which categories its critical flags lift
    (riskcore_critical_lifts); CRITICAL_MAP is only the default."""
    from riskcore import hookimpl
    from riskcore.critical import critical_findings as _critical_findings
    from riskcore.model import Score, SubjectKind

    flag = Flag(code="cssrs.high-risk", level=FlagLevel.CRITICAL)
    score = Score(
        subject="c-1",
        subject_kind=SubjectKind.CLIENT,
        instrument="x",
        value=1,
        flags=(flag,),
    )
    a = Assessment(case_id="k", scores=(score,))
    case = Case(id="k", practice=Practice(id="p"), clients=[Client(id="c-1")])
    default = _critical_findings(a, case, CRITICAL_MAP)
    assert [c for c, *_ in default["c-1"]] == ["self-harm"]
    declared = _critical_findings(a, case, CRITICAL_MAP, {"cssrs.": ("aggression",)})
    assert [c for c, *_ in declared["c-1"]] == ["aggression"]

    class Bad:
        @hookimpl
        def riskcore_critical_lifts(self) -> object:
            return {"cssrs.": "self-harm"}

    from riskcore.identify import declared_lifts
    from riskcore.plugins import PluginManager

    failed: list[object] = []
    pm = PluginManager(autoload=False, builtins=False, plugins=[("bad", Bad())])
    assert declared_lifts(pm, lambda f, e: failed.append(f)) == {}
    assert [f.hook for f in failed] == ["riskcore_critical_lifts"]  # type: ignore[attr-defined]


def test_the_safety_plugin_declares_the_categories_of_its_flags() -> None:
    from riskcore.identify import declared_lifts
    from riskcore.plugins import PluginManager

    pm = PluginManager(allow=["safety"])
    declared = declared_lifts(pm, lambda f, e: None)
    assert declared["cssrs."] == ("self-harm",)
    assert declared["aggression."] == ("aggression",)
