"""riskcore-colorado: the C.R.S. 13-21-117 predicate and checklist."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

import riskcore_colorado
from riskcore.model import (
    Assessment,
    Case,
    Client,
    Observation,
    Practice,
    Professional,
)
from riskcore.model.obligations import ObligationStatus
from riskcore.obligations import evaluate_obligations
from riskcore.plugins import PluginManager
from riskcore.testing import assert_active
from riskcore_colorado import hooks

ALL = ["serious", "imminent", "physical", "identifiable-target"]


def _case(*obs: Observation, jurisdiction: str | None = "US-CO") -> Case:
    return Case(
        id="k",
        practice=Practice(id="p", jurisdiction=jurisdiction),
        professionals=[Professional(id="t-1")],
        clients=[Client(id="c-1", clinician="t-1"), Client(id="c-2", clinician="t-1")],
        observations=obs,
    )


def _threat(
    subject: str = "c-1", qualifiers: list[str] = ALL, value: object = True
) -> Observation:
    return Observation(
        subject=subject, code="threat-communicated", qualifiers=qualifiers, value=value
    )  # type: ignore[arg-type]


def _evaluate(case: Case, *, complete: bool = True) -> tuple[object, ...]:
    pm = PluginManager(autoload=False, plugins=[("colorado", hooks)])
    r = evaluate_obligations(case, Assessment(case_id="k"), pm)
    assert r.complete is complete
    return r.obligations


def test_duty_arises_with_every_element() -> None:
    (o,) = _evaluate(_case(_threat()))
    assert o.status is ObligationStatus.ARISES  # type: ignore[attr-defined]
    assert o.subject == "c-1"  # type: ignore[attr-defined]
    assert o.jurisdiction == "US-CO"  # type: ignore[attr-defined]
    assert "13-21-117" in o.citation.citation  # type: ignore[attr-defined]
    assert o.effective == riskcore_colorado.EFFECTIVE  # type: ignore[attr-defined]
    assert [c.id for c in o.checklist] == [  # type: ignore[attr-defined]
        "notify-target",
        "notify-law-enforcement",
        "other-protective-action",
        "document",
    ]
    assert o.reasons == (  # type: ignore[attr-defined]
        "observation:threat-communicated",
        "qualifier:serious",
        "qualifier:imminent",
        "qualifier:physical",
        "qualifier:identifiable-target",
    )


@pytest.mark.parametrize("drop", ALL)
def test_partial_record_needs_review_never_silence(drop: str) -> None:
    (o,) = _evaluate(_case(_threat(qualifiers=[q for q in ALL if q != drop])))
    assert o.status is ObligationStatus.REVIEW  # type: ignore[attr-defined]
    assert o.missing == (drop,)  # type: ignore[attr-defined]


@pytest.mark.parametrize("jurisdiction", [None, "US-CA", "NY"])
def test_only_colorado_practices(jurisdiction: str | None) -> None:
    # Another jurisdiction has no plugin here: no duty, and incomplete (issue 14).
    got = _evaluate(
        _case(_threat(), jurisdiction=jurisdiction), complete=jurisdiction is None
    )
    assert got == ()


@pytest.mark.parametrize("jurisdiction", ["us-co", "co", "CO ", " US_CO", "Us-Co"])
def test_colorado_written_another_way_is_colorado(jurisdiction: str) -> None:
    """Issue 14: ``co`` or ``"CO "`` silently dropped the duty to warn."""
    (o,) = _evaluate(_case(_threat(), jurisdiction=jurisdiction))
    assert o.status is ObligationStatus.ARISES  # type: ignore[attr-defined]


def test_a_case_typo_in_the_observation_code_still_raises_the_duty() -> None:
    """Issue 14: ``Threat-Communicated`` silently dropped the duty to warn."""
    threat = _threat()
    typo = Observation(
        subject=threat.subject,
        code="Threat-Communicated",
        qualifiers=[q.upper() for q in threat.qualifiers],
    )
    (o,) = _evaluate(_case(typo))
    assert o.status is ObligationStatus.ARISES  # type: ignore[attr-defined]


def test_not_communicated_by_a_patient_or_recorded_absent() -> None:
    case = _case(
        _threat(subject="t-1"),
        _threat(subject="c-2", value=False),
        _threat(subject="c-2", value=0),
        Observation(subject="c-1", code="history-of-violence"),
    )
    assert _evaluate(case) == ()


def test_one_obligation_per_observation_in_order() -> None:
    case = _case(_threat(subject="c-2"), _threat(subject="c-1", value=None))
    assert [o.subject for o in _evaluate(case)] == ["c-2", "c-1"]  # type: ignore[attr-defined]


def test_entry_point_is_registered() -> None:
    eps = {ep.name: ep.value for ep in entry_points(group="riskcore")}
    assert eps.get("colorado") == "riskcore_colorado.hooks"
    # active, not merely present: a plugin that failed to import has a record too
    record = assert_active("colorado")
    assert record.hooks == (
        "riskcore_jurisdiction_info",
        "riskcore_obligations",
        "riskcore_report_sections",
    )
