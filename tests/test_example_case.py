"""The synthetic Longmont example case."""

from __future__ import annotations

from pathlib import Path

import pytest

import riskcore
from riskcore.model import Case, Client, Professional

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "longmont-practice.yaml"
CLIENT_INSTRUMENTS = {
    "pcl5",
    "phq9",
    "gad7",
    "cssrs-screener",
    "aggression-screen",
    "chs",
}
PRO_INSTRUMENTS = {"proqol5", "cbi", "pss10", "who5", "wleis"}


@pytest.fixture(scope="module")
def case() -> Case:
    return riskcore.load_case(EXAMPLE)


def test_loads_and_is_marked_synthetic(case: Case) -> None:
    assert case.synthetic
    assert "SYNTHETIC" in case.description
    assert case.practice.jurisdiction == "US-CO"
    assert 3 <= len(case.professionals) <= 4
    assert len(case.clients) == 12
    for p in case.professionals:
        assert isinstance(p, Professional)
        assert p.caseload is not None
        assert p.cultural_training_hours is not None
    assert all(c.name is None for c in case.clients), "pseudonyms only"


def test_instruments_use_convention_ids(case: Case) -> None:
    by_kind: dict[str, set[str]] = {"client": set(), "pro": set()}
    clients = {c.id for c in case.clients}
    for r in case.responses:
        by_kind["client" if r.subject in clients else "pro"].add(r.instrument)
    assert by_kind["client"] == CLIENT_INSTRUMENTS
    assert by_kind["pro"] == PRO_INSTRUMENTS
    chs = [r for r in case.responses if r.instrument == "chs"]
    assert chs
    assert all(r.about in {p.id for p in case.professionals} for r in chs)


def test_one_critical_item_and_one_incomplete(case: Case) -> None:
    phq9 = {r.subject: r.items for r in case.responses if r.instrument == "phq9"}
    assert [s for s, items in phq9.items() if (items.get("9") or 0) >= 1] == ["c-04"]
    missing = [r for r in case.responses if any(v is None for v in r.items.values())]
    assert {r.subject for r in missing} == {"c-09"}


def test_threat_and_interpreter(case: Case) -> None:
    threats = [o for o in case.observations if o.code == "threat-communicated"]
    assert len(threats) == 1
    assert set(threats[0].qualifiers) == {
        "serious",
        "imminent",
        "physical",
        "identifiable-target",
    }
    c06 = case.subject("c-06")
    assert isinstance(c06, Client)
    clinician = case.subject(c06.clinician or "")
    assert isinstance(clinician, Professional)
    assert not set(c06.protected.languages) & set(clinician.languages)


def test_arms_and_obligations_on_the_example(case: Case) -> None:
    from riskcore.catalog import default_catalog
    from riskcore.model import Assessment, Flag, FlagLevel, Score, SubjectKind
    from riskcore.obligations import evaluate_obligations as evaluate
    from riskcore.plugins import PluginManager
    from riskcore.responses import arm

    colorado = pytest.importorskip("riskcore_colorado.hooks")
    pm = PluginManager(
        autoload=False,
        plugins=[("colorado", colorado)],
    )
    flag = Flag(code="phq9.item9-positive", level=FlagLevel.CRITICAL, message="item 9")
    a = Assessment(
        case_id=case.id,
        scores=[
            Score(
                subject="c-04",
                subject_kind=SubjectKind.CLIENT,
                instrument="phq9",
                value=16,
                flags=[flag],
            )
        ],
    )
    armed = {(x.response, x.subject) for x in arm(default_catalog(pm), a, case)}
    assert ("collaborative-safety-plan", "c-04") in armed
    assert ("duty-to-warn-procedure", "c-07") in armed
    duties = evaluate(case, a, pm)
    assert [(o.subject, o.status.value) for o in duties.obligations] == [
        ("c-07", "arises")
    ]


def _cssrs_high(report: object) -> set[str]:
    return {
        s.subject
        for s in report.assessment.scores  # type: ignore[attr-defined]
        for f in s.flags
        if f.code == "cssrs.high-risk"
    }


def _with_cssrs_intent(case: Case, subject: str) -> Case:
    """The example with *subject*'s C-SSRS Q4 (intent) answered yes."""
    import attrs

    responses = tuple(
        attrs.evolve(r, items={**r.items, "4": 1})
        if (r.instrument, r.subject) == ("cssrs-screener", subject)
        else r
        for r in case.responses
    )
    return attrs.evolve(case, responses=responses)


def test_acute_pathway_for_every_cssrs_high_client(case: Case) -> None:
    """Issue 13, finding 5: every C-SSRS-high client gets the acute pathway
    (an emergency, act-now response), and the flag's own instruction ("do not
    leave the client alone; same-day evaluation") reaches the report's Act first
    section, for that subject only."""
    pytest.importorskip("riskcore_safety")
    from riskcore.report import render
    from riskcore.workflow import build_plan

    today = riskcore.model.case.dt.date(2026, 10, 6)
    # The shipped example has no C-SSRS-high client (c-04 endorses PHQ-9 item 9
    # but answers no to C-SSRS intent and plan); the variant makes c-04's Q4 yes.
    for variant, expected in (
        (case, set()),
        (_with_cssrs_intent(case, "c-04"), {"c-04"}),
    ):
        report = build_plan(variant, seed=3, n=500, today=today)
        high = _cssrs_high(report)
        assert high == expected
        acute = {
            (a.subject, a.time_to_act_hours)
            for a in report.armed
            if a.response == "acute-suicide-risk-pathway"
        }
        assert acute == {(s, 0) for s in high}
        md = render(report, "markdown")
        act_first = md.split("## Act first", 1)[1].split("\n## ", 1)[0]
        instruction = "do not leave the client alone; same-day evaluation"
        for s in high:
            assert (
                f"| {s} | `cssrs.high-risk` | immediate safety precautions; {instruction} |"
                in act_first
            )
        assert (instruction in act_first) == bool(high)
        # c-04's positive PHQ-9 item 9 brings its own instruction in both cases
        assert (
            "| c-04 | `phq9.item9-positive` | same-day suicide risk assessment by a clinician |"
            in act_first
        )
        # provenance counts numbers by label, responses included
        # Siegel, O'Connor, Cieslak, Swift & Greenberg, Simon (base rates) and
        # Nuij (the safety plan's effect)
        assert "6 numbers from published sources" in md
        assert "WITHOUT a source or label" not in md
        html = render(report, "html")
        assert ("Acute suicide-risk pathway" in html) == bool(high)
        html_act_first = html.split('id="act-first"', 1)[1].split("</section>", 1)[0]
        assert "same-day suicide risk assessment by a clinician" in html_act_first
        assert (instruction in html_act_first) == bool(high)
