"""How controls are credited: per person, over time, by one rule (issue #13).

Each test names the finding of the issue "Risk figures a clinician can trust"
it pins; each failed on the code before the change.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import riskcore
from riskcore import calculus
from riskcore.errors import FieldError
from riskcore.identify import apply_controls, identify
from riskcore.model import (
    ArmedResponse,
    Assessment,
    Case,
    Catalog,
    Client,
    Effect,
    EffectTarget,
    Mitigation,
    Practice,
    Professional,
    Response,
    Severity,
    SubjectKind,
    Threat,
)
from riskcore.model.distributions import mean_of
from riskcore.plugins import PluginManager
from riskcore.workflow import build_plan

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "longmont-practice.yaml"


def _catalog(**mit_kw: float) -> Catalog:
    return Catalog(
        threats=[
            Threat(
                id="self-harm",
                name="Self-harm",
                category="self-harm",
                scope=SubjectKind.CLIENT,
                base_likelihood=0.3,
                impact=Severity(value=4),
            ),
            Threat(
                id="burnout",
                name="Burnout",
                category="wellbeing",
                scope=SubjectKind.PROFESSIONAL,
                base_likelihood=0.3,
                impact=Severity(value=3),
            ),
        ],
        mitigations=[
            Mitigation(
                id="programme",
                name="Programme",
                category="x",
                duration_days=mit_kw.get("duration", 65.0),
                reduces=[Effect(threat="burnout", effectiveness=0.5)],
            ),
            Mitigation(
                id="training",
                name="Training",
                category="x",
                duration_days=30.0,
                reduces=[Effect(threat="self-harm", effectiveness=0.2)],
            ),
        ],
        responses=[
            Response(
                id="safety-plan",
                name="Safety plan",
                recovers=[
                    Effect(
                        threat="self-harm",
                        effectiveness=0.44,
                        on=EffectTarget.LIKELIHOOD,
                    )
                ],
            ),
            Response(
                id="protocol",
                name="Protocol",
                requires=["training"],
                recovers=[
                    Effect(
                        threat="self-harm", effectiveness=0.3, on=EffectTarget.IMPACT
                    )
                ],
            ),
        ],
    )


def _register(catalog: Catalog) -> riskcore.RiskRegister:
    case = Case(
        id="x",
        practice=Practice(id="p"),
        professionals=[Professional(id="t-1")],
        clients=[Client(id=f"c-{k}", clinician="t-1") for k in (1, 2, 3)],
        assessed_on=dt.date(2026, 1, 1),
    )
    return identify(
        Assessment(case_id="x"), catalog, case, pm=PluginManager(autoload=False)
    )


# ------------------------------------------------------- finding 1: per person


def test_finding1_a_response_lowers_only_the_risk_of_its_subject() -> None:
    cat = _catalog()
    reg = apply_controls(_register(cat), cat, responses=[("safety-plan", "c-1")])
    c1, c2 = reg.risk("self-harm:c-1"), reg.risk("self-harm:c-2")
    assert c1.residual.likelihood == pytest.approx(0.3 * (1 - 0.44))
    assert c2.residual == c2.inherent
    assert c2.layers == ()
    assert reg.responses == (ArmedResponse(response="safety-plan", subject="c-1"),)


def test_finding1_a_response_id_without_a_subject_is_refused() -> None:
    cat = _catalog()
    with pytest.raises(FieldError, match=r"^responses\[0\]: 'safety-plan' .*subject"):
        apply_controls(_register(cat), cat, responses=["safety-plan"])  # type: ignore[list-item]


def test_finding1_a_response_without_a_subject_is_credited_nowhere() -> None:
    cat = _catalog()
    reg = apply_controls(_register(cat), cat, responses=[("safety-plan", None)])
    assert all(r.residual == r.inherent for r in reg.risks)


def test_finding1_a_response_needs_its_prerequisites_in_the_plan() -> None:
    cat = _catalog()
    reg = apply_controls(_register(cat), cat, responses=[("protocol", "c-1")])
    r = reg.risk("self-harm:c-1")
    assert r.residual == r.inherent
    assert "requires training" in r.control_notes[0]
    assert any("not credited: response protocol" in line for line in r.explain())
    reg = apply_controls(
        _register(cat), cat, mitigations=["training"], responses=[("protocol", "c-1")]
    )
    r = reg.risk("self-harm:c-1")
    assert r.residual.impact == pytest.approx(4 * 0.7)
    # the protocol is in force once the training is, on day 30
    assert {lay.id: lay.in_force_day for lay in r.layers} == {
        "training": 30.0,
        "protocol": 30.0,
    }


def test_finding1_example_no_client_is_credited_with_another_clients_response() -> None:
    report = build_plan(riskcore.load_case(EXAMPLE), n=0)
    armed = {(a.response, a.subject) for a in report.armed}
    credited = [
        (lay.id, r.subject)
        for r in report.register.risks
        for lay in r.layers
        if lay.kind == "response"
    ]
    assert credited, "the example arms responses"
    assert set(credited) <= armed
    by_subject: dict[str, set[str]] = {}
    for rid, subject in armed:
        by_subject.setdefault(rid, set()).add(str(subject))
    # every client whose self-harm risk is lowered has a safety plan of their own
    for r in report.register.risks:
        if r.threat == "client-self-harm" and r.residual.likelihood < (
            r.inherent.likelihood
        ):
            ids = {lay.id for lay in r.layers}
            assert (
                "collaborative-safety-plan" not in ids
                or r.subject in by_subject["collaborative-safety-plan"]
            )


def test_finding1_every_critical_subject_gets_its_required_response() -> None:
    report = build_plan(riskcore.load_case(EXAMPLE), n=0)
    armed = {(a.response, a.subject) for a in report.armed}
    for r in report.register.critical():
        for rid in r.required_responses:
            assert (rid, r.subject) in armed, (rid, r.subject)


# ------------------------------------------------------- finding 6: over time


def test_finding6_a_control_is_not_credited_before_it_is_in_force() -> None:
    cat = _catalog()
    reg = apply_controls(_register(cat), cat, mitigations=["programme"])
    r = reg.risk("burnout:t-1")
    assert r.layers[0].in_force_day == 65.0
    assert r.current == r.inherent  # nothing is in force today
    assert r.residual.likelihood == pytest.approx(0.15)
    assert r.level == r.inherent.level
    assert r.planned_level == r.residual.level


def test_finding6_in_place_controls_count_today() -> None:
    cat = _catalog()
    reg = apply_controls(_register(cat), cat, in_place=["programme"])
    r = reg.risk("burnout:t-1")
    assert r.layers[0].in_force_day == 0.0
    assert r.current.likelihood == pytest.approx(0.15)
    assert reg.in_place == ("programme",)


def test_finding6_now_credits_only_what_is_in_force_in_the_example() -> None:
    report = build_plan(riskcore.load_case(EXAMPLE), n=0)
    for r in report.register.risks:
        now = [
            calculus.LayerInput(
                id=lay.id,
                on=lay.on.value,
                effectiveness=mean_of(lay.effectiveness),
                depends_on=frozenset(),
            )
            for lay in r.layers
            if lay.in_force_day <= 0
        ]
        best = calculus.credit(r.inherent.likelihood, r.inherent.impact, now)
        # the strict figure now can never credit more than every layer in force
        assert r.current.expected_harm >= best.harm_all * (1 - 1e-12)
        if not now:
            assert r.current == r.inherent


def test_finding6_critical_risks_are_reviewed_within_seven_days() -> None:
    report = build_plan(riskcore.load_case(EXAMPLE), n=0)
    crit = report.register.critical()
    assert crit
    assert all(r.review_days <= 7 for r in crit)
    assert all(
        r.inherent_level == "high" or r.inherent_level == "very-high" for r in crit
    )


# ------------------------------------------- finding 3: no screen, no safety


def test_finding3_a_subject_with_no_screen_is_incomplete_for_the_threat() -> None:
    import attrs

    from riskcore.model import Score

    base = _catalog()
    screened = attrs.evolve(base.threats[0], screened_by=("phq9", "cssrs-screener"))
    cat = attrs.evolve(base, threats=(screened, base.threats[1]))
    case = Case(
        id="x",
        practice=Practice(id="p"),
        clients=[Client(id="c-1"), Client(id="c-2")],
    )
    phq9 = Score(
        subject="c-1", subject_kind=SubjectKind.CLIENT, instrument="phq9", value=3
    )
    reg = identify(
        Assessment(case_id="x", scores=[phq9]),
        cat,
        case,
        pm=PluginManager(autoload=False),
    )
    assert not reg.risk("self-harm:c-1").incomplete
    r2 = reg.risk("self-harm:c-2")
    assert r2.incomplete
    assert r2.incomplete_reasons == (
        "not screened for self-harm: no score from phq9 or cssrs-screener",
    )
    assert not reg.complete


def test_finding3_the_default_catalog_screens_self_harm_and_wellbeing() -> None:
    cat = riskcore.default_catalog()
    by = {t.id: t.screened_by for t in cat.threats}
    assert set(by["client-self-harm"]) == {"phq9", "cssrs-screener"}
    assert set(by["burnout"]) == {"proqol5", "cbi"}
    assert by["secondary-traumatic-stress"] == ("proqol5",)


# ---------------------------------------- finding 2: the worked example, by hand


def test_finding2_docs_worked_example_strict_is_what_the_register_shows() -> None:
    """docs/crediting.md: two 0.6 layers on one phone, p = 0.7, impact 2."""
    cat = Catalog(
        threats=[
            Threat(
                id="harm",
                name="Harm",
                category="x",
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
                resources=["phone"],
                reduces=[Effect(threat="harm", effectiveness=0.6)],
            )
            for m in ("alarm", "check-in")
        ],
    )
    case = Case(id="x", practice=Practice(id="p"), professionals=[Professional(id="t")])
    reg = identify(
        Assessment(case_id="x"),
        cat,
        case,
        pm=PluginManager(autoload=False),
        mitigations=["alarm", "check-in"],
    )
    r = reg.risk("harm:t")
    assert (r.inherent.level, r.inherent.expected_harm) == ("high", pytest.approx(1.4))
    assert r.residual_all.likelihood == pytest.approx(0.112)
    assert r.residual_all.level == "medium"
    assert r.residual.likelihood == pytest.approx(0.28)
    assert r.residual.expected_harm == pytest.approx(0.56)
    assert (r.planned_level, r.within_tolerance) == ("high", False)


# ----------------------------------------------- finding 8: calibrated levels


def test_finding8_a_base_rate_alone_reads_high_only_when_it_is_published() -> None:
    """No risk is high or worse on an illustrative base rate alone.

    A risk with no factor, no modifier and no critical finding shows the
    catalog's base rate. Where that rate is published (burnout 40 %, secondary
    traumatic stress 19 %), a high level is the evidence speaking; where it is
    an illustrative default, it must not raise an alarm by itself.
    """
    from riskcore.catalog import label

    report = build_plan(riskcore.load_case(EXAMPLE), n=0)
    threats = {t.id: t for t in report.catalog.threats}
    high = {"high", "very-high"}
    base_only = [
        r
        for r in report.register.risks
        if not r.factors and not r.modifiers and not r.critical
    ]
    assert base_only
    alarms = [
        r.id
        for r in base_only
        if r.inherent_level in high
        and label(threats[r.threat], "base_likelihood") != "sourced"
    ]
    assert alarms == []
    # and the register as a whole: fewer than a third of the risks are high
    n_high = sum(r.inherent_level in high for r in report.register.risks)
    assert n_high <= len(report.register.risks) // 3
    # a negatively screened client's self-harm risk is not high, a critical one is
    by_id = {r.id: r for r in report.register.risks}
    assert by_id["client-self-harm:c-01"].inherent_level == "medium"
    assert by_id["client-self-harm:c-04"].inherent_level in high


def test_finding8_an_unscreened_client_is_counted_as_screening_positive() -> None:
    cat = riskcore.default_catalog()
    case = Case(
        id="x",
        practice=Practice(id="p"),
        clients=[Client(id="c-1")],
        assessed_on=dt.date(2026, 1, 1),
    )
    reg = identify(Assessment(case_id="x"), cat, case, pm=PluginManager(autoload=False))
    r = reg.risk("client-self-harm:c-1")
    assert r.incomplete
    (f,) = r.factors
    assert f.plugin == "riskcore.identify.unscreened"
    assert f.odds_ratio == 3.0
    base = next(t for t in cat.threats if t.id == "client-self-harm")
    assert r.inherent.likelihood > mean_of(base.base_likelihood)


def test_finding1_a_critical_risk_requires_only_responses_that_bear_on_it() -> None:
    """c-07's aggression flag requires the de-escalation protocol for in-session
    aggression, not for third-party violence (which would force its training)."""
    report = build_plan(riskcore.load_case(EXAMPLE), n=0)
    reg = report.register
    tpv = reg.risk("third-party-violence:c-07")
    assert set(tpv.required_responses) == {
        "duty-to-warn-procedure",
        "emergency-protocol",
    }
    assert (
        "de-escalation-protocol"
        in reg.risk("in-session-aggression:c-07").required_responses
    )
