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
    from riskcore.obligations import evaluate
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
