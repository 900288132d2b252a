"""The indexes that keep the pipeline linear in the number of clients (issue #16):
each answers exactly what the scan it replaced answered."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from riskcore import assess, default_catalog, identify, load_case
from riskcore.model import Assessment, Case, Client, Practice, Professional
from riskcore.model.risk import RiskRegister
from riskcore.testing.practice import generate_practice

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "longmont-practice.yaml"


@pytest.fixture(scope="module")
def template() -> Case:
    return load_case(EXAMPLE)


def test_for_subject_is_the_scan(template: Case) -> None:
    a = assess(generate_practice(template, 40, seed=2))
    for sid in {s.subject for s in a.scores} | {"nobody"}:
        assert a.for_subject(sid) == tuple(s for s in a.scores if s.subject == sid)
    # a new assessment (evolve) is indexed afresh, never from a stale index
    b = attrs.evolve(a, scores=a.scores[:1])
    assert b.for_subject(a.scores[0].subject) == a.scores[:1]
    assert isinstance(b, Assessment)
    assert b != a


def test_register_risk_by_id_and_first_duplicate(template: Case) -> None:
    case = generate_practice(template, 24, seed=2)
    reg = identify(assess(case), default_catalog(), case)
    for r in reg.risks:
        assert reg.risk(r.id) is r
    with pytest.raises(KeyError):
        reg.risk("no-such-risk")
    twice = RiskRegister(
        case_id=reg.case_id,
        risks=(reg.risks[0], attrs.evolve(reg.risks[0], base_source="second")),
        method_version=reg.method_version,
    )
    assert twice.risk(reg.risks[0].id) is twice.risks[0]  # the first, as a scan


def test_case_indexes() -> None:
    case = Case(
        id="x",
        practice=Practice(id="p"),
        professionals=[Professional(id="t-1"), Professional(id="t-2")],
        clients=[
            Client(id="c-1", clinician="t-2"),
            Client(id="c-2"),
            Client(id="c-3", clinician="t-2"),
        ],
    )
    assert case.subject("c-3").id == "c-3"
    assert case.subject("p") is case.practice
    with pytest.raises(KeyError):
        case.subject("c-9")
    assert [c.id for c in case.clients_of("t-2")] == ["c-1", "c-3"]
    assert case.clients_of("t-1") == () == case.clients_of("c-1")
    assert case.observations_for("c-1") == ()
