"""FHIR R4 Bundle out, validated by an independent implementation (fhir.resources)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
import pytest
from fhir.resources import __fhir_version__, construct_fhir_element

import riskcore
from riskcore.interop import read_fhir
from riskcore.interop.fhir_out import to_fhir_bundle
from riskcore.workflow import PlanReport, build_plan

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "longmont-practice.yaml"


@pytest.fixture(scope="module")
def report() -> PlanReport:
    case = riskcore.load_case(EXAMPLE)
    named = attrs.evolve(case.clients[3], name="Zelda Quintanilla")
    clients = (*case.clients[:3], named, *case.clients[4:])
    case = attrs.evolve(case, clients=clients)
    return build_plan(case, seed=2, n=0, today=dt.date(2026, 10, 5))


@pytest.fixture(scope="module")
def bundle(report: PlanReport) -> dict[str, Any]:
    return to_fhir_bundle(report)


def resources(b: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == kind]


def test_the_models_are_fhir_r4() -> None:
    assert __fhir_version__ == "4.0.1"


def test_every_exported_resource_is_valid_fhir_r4(bundle: dict[str, Any]) -> None:
    counts = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    for kind in (
        "QuestionnaireResponse",
        "Observation",
        "Flag",
        "RiskAssessment",
        "CarePlan",
        "Task",
        "DetectedIssue",
    ):
        assert counts[kind] > 0, kind
    for e in bundle["entry"]:
        res = e["resource"]
        model = construct_fhir_element(res["resourceType"], res)
        assert model.resource_type == res["resourceType"]
    # and the Bundle as a whole, from its JSON text
    construct_fhir_element("Bundle", json.loads(json.dumps(bundle)))
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(urls)) == len(urls)


def test_one_resource_per_risk_score_flag_response_and_duty(
    report: PlanReport, bundle: dict[str, Any]
) -> None:
    assert len(resources(bundle, "RiskAssessment")) == len(report.register.risks)
    assert len(resources(bundle, "Observation")) == len(report.assessment.scores)
    assert len(resources(bundle, "Flag")) == len(report.assessment.critical_flags)
    duties = report.obligations.obligations
    assert len(resources(bundle, "DetectedIssue")) == len(duties)
    arising = sum(o.status.value == "arises" for o in duties)
    assert len(resources(bundle, "Task")) == len(report.armed) + arising
    (plan,) = resources(bundle, "CarePlan")
    assert len(plan["activity"]) == len(report.result.selected)


def test_risk_assessment_carries_level_probability_method_and_basis(
    report: PlanReport, bundle: dict[str, Any]
) -> None:
    risk = next(r for r in report.register.risks if r.critical)
    ra = next(
        x
        for x in resources(bundle, "RiskAssessment")
        if x["code"]["coding"][0]["code"] == risk.threat
        and x["subject"]["identifier"]["value"] == risk.subject
    )
    pred = ra["prediction"][0]
    assert pred["qualitativeRisk"]["coding"][0]["code"] == risk.level
    assert pred["probabilityDecimal"] == risk.current.likelihood
    assert ra["method"]["coding"][0]["code"] == report.register.method_version
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    kinds = {by_url[b["reference"]]["resourceType"] for b in ra["basis"]}
    assert kinds == {"QuestionnaireResponse", "Observation"}
    scored = {f.score for f in risk.factors if f.score}
    codes = {
        c["code"]
        for b in ra["basis"]
        if by_url[b["reference"]]["resourceType"] == "Observation"
        for c in by_url[b["reference"]]["code"]["coding"]
    }
    assert scored <= codes


def test_scores_use_loinc_where_the_spec_confirms_it(
    report: PlanReport, bundle: dict[str, Any]
) -> None:
    obs = resources(bundle, "Observation")
    phq = [
        o for o in obs if any(c["code"] == "phq9.total" for c in o["code"]["coding"])
    ]
    assert phq
    assert all(o["code"]["coding"][0]["code"] == "44261-6" for o in phq)
    assert all(o["code"]["coding"][0]["system"] == "http://loinc.org" for o in phq)
    banded = [o for o in phq if "interpretation" in o]
    assert banded
    pcl = [
        o for o in obs if any(c["code"] == "pcl5.total" for c in o["code"]["coding"])
    ]
    assert pcl
    assert all(o["code"]["coding"][0]["system"] != "http://loinc.org" for o in pcl)


def test_armed_responses_are_tasks_with_due_times(
    report: PlanReport, bundle: dict[str, Any]
) -> None:
    tasks = [
        t
        for t in resources(bundle, "Task")
        if t["code"]["coding"][0]["system"] == "urn:riskcore:response"
    ]
    first, task = report.armed[0], tasks[0]
    assert task["code"]["coding"][0]["code"] == first.response
    due = dt.datetime.fromisoformat(task["restriction"]["period"]["end"])
    start = dt.datetime.fromisoformat(task["authoredOn"])
    assert (due - start).total_seconds() / 3600 == first.time_to_act_hours
    assert task["priority"] == "stat"  # the emergency protocol comes first


def test_names_only_with_the_identifying_opt_in(
    report: PlanReport, bundle: dict[str, Any]
) -> None:
    assert "Zelda" not in json.dumps(bundle)
    named = json.dumps(to_fhir_bundle(report, identifying=True))
    assert "Zelda Quintanilla" in named


def test_the_same_report_gives_the_same_bundle(
    report: PlanReport, bundle: dict[str, Any]
) -> None:
    assert json.dumps(to_fhir_bundle(report)) == json.dumps(bundle)


def test_the_exported_bundle_imports_back_to_the_same_assessment(
    report: PlanReport, bundle: dict[str, Any]
) -> None:
    result = read_fhir(bundle)
    assert result.errors == ()
    base = attrs.evolve(report.case, responses=())
    assert riskcore.assess(result.to_case(base=base)) == report.assessment
