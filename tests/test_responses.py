"""Armed responses: triggers, qualifiers, levels, ordering, Stanley-Brown order."""

from __future__ import annotations

import pytest

from riskcore.catalog import default_catalog
from riskcore.errors import CatalogError
from riskcore.io import dumps, loads
from riskcore.model import (
    Assessment,
    Case,
    Catalog,
    Client,
    Flag,
    FlagLevel,
    Observation,
    Practice,
    Professional,
    Response,
    Score,
    SubjectKind,
    Trigger,
)
from riskcore.model.catalog import Escalation
from riskcore.plugins import PluginManager
from riskcore.responses import arm, parse_observation_trigger

STANLEY_BROWN = (
    "Warning signs",
    "Internal coping strategies",
    "Social contacts and settings that provide distraction",
    "People to ask for help",
    "Professionals and agencies to contact in a crisis",
    "Making the environment safe",
)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    pm = PluginManager(autoload=False)
    return default_catalog(pm)


def _case(*obs: Observation) -> Case:
    return Case(
        id="t",
        practice=Practice(id="p"),
        professionals=[Professional(id="t-1")],
        clients=[Client(id="c-1", clinician="t-1"), Client(id="c-2", clinician="t-1")],
        observations=obs,
    )


def _assessment(*flags: tuple[str, str]) -> Assessment:
    return Assessment(
        case_id="t",
        scores=[
            Score(
                subject=subject,
                subject_kind=SubjectKind.CLIENT,
                instrument=code.split(".")[0],
                value=1,
                flags=[Flag(code=code, level=FlagLevel.CRITICAL, message="x")],
            )
            for subject, code in flags
        ],
    )


def _ids(armed: tuple[object, ...]) -> list[tuple[str, str | None]]:
    return [(a.response, a.subject) for a in armed]  # type: ignore[attr-defined]


def test_stanley_brown_order_survives_load_and_dump(catalog: Catalog) -> None:
    plan = next(r for r in catalog.responses if r.id == "collaborative-safety-plan")
    assert tuple(s.title for s in plan.steps) == STANLEY_BROWN
    for fmt in ("json", "yaml"):
        again = loads(dumps(catalog, fmt), Catalog, format=fmt)  # type: ignore[arg-type]
        plan2 = next(r for r in again.responses if r.id == "collaborative-safety-plan")
        assert tuple(s.title for s in plan2.steps) == STANLEY_BROWN


@pytest.mark.parametrize(
    "code", ["phq9.item9-positive", "phq9.item9-unanswered", "cssrs.high-risk"]
)
def test_suicide_screen_arms_safety_plan(catalog: Catalog, code: str) -> None:
    armed = arm(catalog, _assessment(("c-2", code)), _case())
    plan = [a for a in armed if a.response == "collaborative-safety-plan"]
    assert _ids(plan) == [("collaborative-safety-plan", "c-2")]
    a = plan[0]
    assert a.owner == "clinician"
    assert a.time_to_act_hours == 4
    assert a.reason == f"flag:{code}"
    # Only C-SSRS high risk (intent, plan or recent behaviour) is acute by itself;
    # PHQ-9 item 9 needs the clinician's follow-up (observation suicidal-ideation).
    acute = [a for a in armed if a.response == "acute-suicide-risk-pathway"]
    assert _ids(acute) == (
        [("acute-suicide-risk-pathway", "c-2")] if code == "cssrs.high-risk" else []
    )
    assert set(_ids(armed)) == set(_ids(plan)) | set(_ids(acute))


@pytest.mark.parametrize("qualifier", ["intent", "plan"])
def test_intent_or_plan_arms_the_acute_pathway_first(
    catalog: Catalog, qualifier: str
) -> None:
    """Issue 13, finding 5: suicidal ideation with intent or a plan arms an
    emergency response (act now), ahead of the 4-hour safety plan."""
    obs = Observation(subject="c-1", code="suicidal-ideation", qualifiers=[qualifier])
    armed = arm(catalog, _assessment(("c-1", "phq9.item9-positive")), _case(obs))
    assert _ids(armed) == [
        ("acute-suicide-risk-pathway", "c-1"),
        ("collaborative-safety-plan", "c-1"),
    ]
    acute = armed[0]
    assert acute.time_to_act_hours == 0
    assert acute.reason == f"observation:suicidal-ideation:{qualifier}"
    spec = next(r for r in catalog.responses if r.id == acute.response)
    assert spec.escalation is Escalation.EMERGENCY
    titles = [s.title for s in spec.steps]
    for step in (
        "Do not leave the person alone",
        "Same-day evaluation",
        "Crisis line and mobile crisis",
        "Emergency-hold route if needed",
        "Lethal-means counselling",
        "Follow-up contact within 72 hours",
        "Review within 7 days",
    ):
        assert step in titles
    text = " ".join(s.detail for s in spec.steps)
    assert "988" in text
    assert "C.R.S. § 27-65-106" in text
    assert "Verify locally" in text
    # ideation without intent or plan is not acute by itself
    bare = Observation(subject="c-1", code="suicidal-ideation")
    assert _ids(arm(catalog, _assessment(), _case(bare))) == []


def test_communicated_threat_arms_duty_to_warn_and_emergency(catalog: Catalog) -> None:
    obs = Observation(
        subject="c-1",
        code="threat-communicated",
        qualifiers=["serious", "imminent", "physical", "identifiable-target"],
        note="Jane Doe, the neighbour",
    )
    armed = arm(catalog, _assessment(), _case(obs))
    ids = _ids(armed)
    assert ids[:2] == [("emergency-protocol", "c-1"), ("duty-to-warn-procedure", "c-1")]
    assert ("post-incident-debrief", "c-1") in ids
    for a in armed:
        assert "Jane" not in a.reason
        assert "neighbour" not in a.reason
        assert a.reason.startswith("observation:")


def test_qualifier_requirement(catalog: Catalog) -> None:
    obs = Observation(subject="c-1", code="threat-communicated", qualifiers=["serious"])
    ids = _ids(arm(catalog, _assessment(), _case(obs)))
    assert ("duty-to-warn-procedure", "c-1") in ids
    assert ("emergency-protocol", "c-1") not in ids


def test_missed_check_in_arms_escalation_first(catalog: Catalog) -> None:
    obs = Observation(subject="t-1", code="missed-check-in")
    armed = arm(catalog, _assessment(), _case(obs))
    assert armed[0].response == "missed-check-in-escalation"
    assert armed[0].subject == "t-1"
    assert armed[0].owner == "on-call-colleague"
    assert armed[0].time_to_act_hours == 0.5


@pytest.mark.parametrize("value", [False, 0, 0.0])
def test_recorded_absence_arms_nothing(catalog: Catalog, value: object) -> None:
    obs = Observation(subject="t-1", code="missed-check-in", value=value)  # type: ignore[arg-type]
    assert arm(catalog, _assessment(), _case(obs)) == ()


@pytest.mark.parametrize("value", [True, None, 2.0])
def test_recorded_fact_arms(catalog: Catalog, value: object) -> None:
    obs = Observation(subject="t-1", code="missed-check-in", value=value)  # type: ignore[arg-type]
    assert arm(catalog, _assessment(), _case(obs))


def test_nothing_armed_for_a_quiet_case(catalog: Catalog) -> None:
    assert arm(catalog, _assessment(("c-1", "ace.4-or-more")), _case()) == ()


def test_levels_arm_at_or_above_min_level(catalog: Catalog) -> None:
    levels = {
        ("client-self-harm", "c-1"): "very-high",
        ("client-self-harm", "c-2"): "high",
    }
    armed = arm(catalog, _assessment(), _case(), levels=levels)
    plan = [a for a in armed if a.response == "collaborative-safety-plan"]
    assert [(a.subject, a.reason) for a in plan] == [
        ("c-1", "level:client-self-harm>=very-high")
    ]


def test_reasons_merge_per_subject(catalog: Catalog) -> None:
    a = _assessment(("c-1", "phq9.item9-positive"), ("c-1", "cssrs.high-risk"))
    armed = arm(catalog, a, _case(), levels={("client-self-harm", "c-1"): "very-high"})
    plan = next(x for x in armed if x.response == "collaborative-safety-plan")
    assert plan.reason == (
        "flag:phq9.item9-positive; flag:cssrs.high-risk; level:client-self-harm>=very-high"
    )


def test_duplicate_flag_reasons_are_not_repeated(catalog: Catalog) -> None:
    a = _assessment(("c-1", "phq9.item9-positive"), ("c-1", "phq9.item9-positive"))
    assert arm(catalog, a, _case())[0].reason == "flag:phq9.item9-positive"


def test_unknown_level_is_an_error(catalog: Catalog) -> None:
    with pytest.raises(CatalogError, match="unknown risk level 'severe'"):
        arm(catalog, _assessment(), _case(), levels={("burnout", "t-1"): "severe"})


def test_levels_ignored_without_trigger_threats() -> None:
    cat = Catalog(
        responses=[
            Response(id="r", name="R", trigger=Trigger(threats=(), min_level="x"))
        ]
    )
    assert arm(cat, _assessment(), _case(), levels={("a", "c-1"): "high"}) == ()


def test_default_min_level_and_ordering() -> None:
    from riskcore.model import Severity, Threat

    threat = Threat(
        id="th",
        name="T",
        category="c",
        scope=SubjectKind.CLIENT,
        base_likelihood=0.1,
        impact=Severity(value=1),
    )
    cat = Catalog(
        threats=[threat],
        responses=[
            Response(
                id="slow",
                name="S",
                escalation=Escalation.ROUTINE,
                trigger=Trigger(threats=["th"]),
            ),
            Response(
                id="fast",
                name="F",
                escalation=Escalation.EMERGENCY,
                time_to_act_hours=0,
                trigger=Trigger(threats=["th"]),
            ),
            Response(
                id="bad", name="B", trigger=Trigger(threats=["th"], min_level="x")
            ),
        ],
    )
    with pytest.raises(CatalogError, match=r"responses\['bad'\].trigger.min_level"):
        arm(cat, _assessment(), _case(), levels={("th", "c-2"): "high"})
    cat = Catalog(threats=[threat], responses=cat.responses[:2])
    armed = arm(
        cat,
        _assessment(),
        _case(),
        levels={("th", "c-2"): "high", ("th", "c-1"): "medium", ("th", "zz"): "high"},
    )
    assert _ids(armed) == [
        ("fast", "c-2"),
        ("fast", "zz"),
        ("slow", "c-2"),
        ("slow", "zz"),
    ]


def test_parse_observation_trigger() -> None:
    assert parse_observation_trigger("a:b:c") == ("a", frozenset({"b", "c"}))


def test_custom_level_order(catalog: Catalog) -> None:
    order = ["low", "medium", "high", "very-high", "extreme"]
    levels = {("client-self-harm", "c-1"): "extreme"}
    armed = arm(catalog, _assessment(), _case(), levels=levels, order=order)
    assert [a.reason for a in armed if a.response == "collaborative-safety-plan"] == [
        "level:client-self-harm>=very-high"
    ]
    # A matrix whose names the catalog's triggers do not use fails loudly, never
    # silently arms nothing.
    with pytest.raises(CatalogError, match="expected one of green, amber, high, red"):
        arm(
            catalog,
            _assessment(),
            _case(),
            levels={("burnout", "t-1"): "red"},
            order=["green", "amber", "high", "red"],
        )
