"""riskcore → FHIR R4 resources, as plain dicts (no FHIR library at run time).

* :func:`responses_to_fhir`: a case's instrument responses as
  QuestionnaireResponses (what :func:`~riskcore.interop.read_fhir` reads back
  to the same assessment).
* :func:`to_fhir_bundle`: a plan report as a collection Bundle: a
  RiskAssessment per risk, an Observation per score, a Flag per critical flag,
  a CarePlan for the plan, a Task per armed response and per legal duty, a
  DetectedIssue per duty that arises (see ``docs/interop.md``).

Subjects are referenced by their pseudonymous ids only (``Reference.identifier``
with system ``urn:riskcore:subject``); names appear only with the explicit
*identifying* opt-in, as ``Reference.display``. Output is deterministic:
resource ids are derived from riskcore's own ids, never random.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypedDict

from riskcore.interop._common import RISKCORE_SUBJECT_SYSTEM
from riskcore.interop.fhir_match import RISKCORE_QUESTIONNAIRE
from riskcore.interop.fhir_reader import ABOUT_EXTENSION
from riskcore.model import Case, InstrumentResponse, InvalidAnswer

if TYPE_CHECKING:
    from riskcore.workflow import PlanReport

__all__ = [
    "ABOUT_EXTENSION",
    "Resource",
    "responses_to_fhir",
    "to_fhir_bundle",
]


class Identifier(TypedDict):
    """FHIR Identifier (the subset riskcore writes)."""

    system: str
    value: str


class Reference(TypedDict, total=False):
    """FHIR Reference (the subset riskcore writes)."""

    reference: str
    type: str
    identifier: Identifier
    display: str


Resource = dict[str, Any]
"""A FHIR resource as JSON-ready data."""


def fhir_id(*parts: str) -> str:
    """A deterministic FHIR id (``[A-Za-z0-9.-]{1,64}``) from riskcore ids.

    >>> fhir_id("risk", "third-party-violence:c-07")
    'risk-third-party-violence-c-07'
    >>> len(fhir_id("x" * 90))
    64
    """
    text = "-".join(parts)
    safe = "".join(c if c.isalnum() or c in ".-" else "-" for c in text)
    if len(safe) > 64 or safe != text.replace("_", "-").replace(":", "-"):
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
        safe = f"{safe[:53]}-{digest}"
    return safe


def subject_ref(
    sid: str, kind: str = "Patient", *, display: str | None = None
) -> Reference:
    """A Reference to a pseudonymous subject (by identifier, not by resource).

    >>> subject_ref("c-01")
    {'type': 'Patient', 'identifier': {'system': 'urn:riskcore:subject', 'value': 'c-01'}}
    """
    ref: Reference = {
        "type": kind,
        "identifier": {"system": RISKCORE_SUBJECT_SYSTEM, "value": sid},
    }
    if display:
        ref["display"] = display
    return ref


def _fhir_type(case: Case, sid: str) -> str:
    if sid == case.practice.id:
        return "Organization"
    if any(p.id == sid for p in case.professionals):
        return "Practitioner"
    return "Patient"


def _answer(value: int | float | InvalidAnswer) -> dict[str, Any]:
    if isinstance(value, InvalidAnswer):
        # never the value: a marker the importer reads as a wrong type again
        return {"valueString": "<invalid answer>"}
    if isinstance(value, int) and not isinstance(value, bool):
        return {"valueInteger": value}
    if float(value).is_integer():
        return {"valueInteger": int(value)}
    return {"valueDecimal": value}


def response_to_fhir(
    r: InstrumentResponse,
    case: Case,
    *,
    n: int,
    identifying: bool = False,
) -> Resource:
    """One response as a QuestionnaireResponse (``n`` numbers it in the case)."""
    names = {s.id: s.name for s in case.subjects()} if identifying else {}
    items = [
        {"linkId": k, "answer": [_answer(v)]}
        for k, v in r.items.items()
        if v is not None
    ]
    qr: Resource = {
        "resourceType": "QuestionnaireResponse",
        "id": fhir_id("qr", case.id, str(n)),
        "questionnaire": f"{RISKCORE_QUESTIONNAIRE}{r.instrument}",
        "status": "completed",
        "subject": subject_ref(
            r.subject, _fhir_type(case, r.subject), display=names.get(r.subject)
        ),
    }
    if r.about is not None:
        qr["extension"] = [
            {
                "url": ABOUT_EXTENSION,
                "valueReference": subject_ref(r.about, _fhir_type(case, r.about)),
            }
        ]
    if r.administered is not None:
        qr["authored"] = r.administered.isoformat()
    if items:
        qr["item"] = items
    return qr


def responses_to_fhir(case: Case, *, identifying: bool = False) -> list[Resource]:
    """Every response of *case* as a QuestionnaireResponse, in case order.

    Unanswered items are left out (absent and unanswered score the same); an
    invalid answer is written as a marker string, never its value, and is read
    back as invalid. Free-text answers are never exported.

    >>> from riskcore.model import Case, Client, Practice, InstrumentResponse
    >>> case = Case(id="d", practice=Practice(id="p"), clients=[Client(id="c-1")],
    ...             responses=[InstrumentResponse(instrument="phq9", subject="c-1",
    ...                                           items={"9": 1, "8": None})])
    >>> qr = responses_to_fhir(case)[0]
    >>> qr["questionnaire"], qr["item"]
    ('urn:riskcore:questionnaire:phq9', [{'linkId': '9', 'answer': [{'valueInteger': 1}]}])
    """
    return [
        response_to_fhir(r, case, n=i, identifying=identifying)
        for i, r in enumerate(case.responses)
    ]


def full_url(resource_type: str, rid: str) -> str:
    """The deterministic ``urn:uuid`` of a resource in riskcore's Bundles.

    References inside a Bundle point at it (``{"reference": full_url(...)}``).

    >>> full_url("Flag", "flag-1")
    'urn:uuid:...'
    """
    import uuid

    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{resource_type}/{rid}')}"


_NAMESPACE = __import__("uuid").UUID("7d8e3f64-5a1c-5b57-9a7e-2f2b8c1d0e11")


def bundle(
    resources: Iterable[Resource],
    *,
    kind: str = "collection",
    when: dt.date | None = None,
) -> Resource:
    """A Bundle of *resources*, each with its deterministic ``urn:uuid`` fullUrl."""
    out: Resource = {"resourceType": "Bundle", "type": kind}
    if when is not None:
        out["timestamp"] = f"{when.isoformat()}T00:00:00Z"
    out["entry"] = [
        {"fullUrl": full_url(r["resourceType"], r["id"]), "resource": r}
        for r in resources
    ]
    return out


# ------------------------------------------------------------------ plan bundle

_SYS = "urn:riskcore:"
_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
_OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
_LOINC = "http://loinc.org"
_PRIORITY = {"emergency": "stat", "urgent": "urgent", "routine": "routine"}


def _concept(kind: str, code: str, text: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"coding": [{"system": f"{_SYS}{kind}", "code": code}]}
    if text:
        out["text"] = text
    return out


def _at(day: dt.date, hours: float = 0.0) -> str:
    when = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) + dt.timedelta(
        hours=hours
    )
    return when.isoformat().replace("+00:00", "Z")


def _ref(res: Resource) -> dict[str, str]:
    return {"reference": full_url(res["resourceType"], res["id"])}


def to_fhir_bundle(report: PlanReport, *, identifying: bool = False) -> Resource:
    """A plan report as a FHIR R4 collection Bundle.

    Resources, in order: the QuestionnaireResponses of the case, an
    Observation per score (LOINC code where the instrument spec confirms one,
    interpretation from the band), a Flag per critical flag, a RiskAssessment
    per risk (basis → the subject's QuestionnaireResponses and the score
    Observations the risk's factors rest on; prediction with the matrix level as
    ``qualitativeRisk`` and the current likelihood as ``probabilityDecimal``;
    mitigation text; the method version in ``method``), the plan as a CarePlan
    (one activity per mitigation, with owner and scheduled period), a Task per
    armed response (priority from its escalation, due time in
    ``restriction.period.end``), and per legal duty a DetectedIssue and, when
    the duty arises, a Task with its checklist.

    Subjects are pseudonymous identifiers; with *identifying* their names are
    added as ``Reference.display``. The same report gives the same Bundle.

    Clients are referenced as ``Patient``; staff and the practice, which
    R4's RiskAssessment and Observation cannot name as subjects, as ``Group``.
    """
    case = report.case
    day = case.assessed_on or report.generated
    who = _Who(case, identifying=identifying)
    out: list[Resource] = []
    qrs = responses_to_fhir(case, identifying=identifying)
    out.extend(qrs)
    qr_of: dict[str, list[Resource]] = {}
    qr_by: dict[tuple[str, str], list[Resource]] = {}
    for resp, q in zip(case.responses, qrs, strict=True):
        qr_of.setdefault(resp.subject, []).append(q)
        qr_by.setdefault((resp.subject, resp.instrument), []).append(q)
    observations, obs_by = _score_observations(report, who, day, qr_by)
    out.extend(observations)
    out.extend(_flags(report, who, day))
    out.extend(_risk_assessments(report, who, day, qr_of, obs_by))
    care = _care_plan(report, who, day)
    out.append(care)
    out.extend(_response_tasks(report, who, day, care))
    out.extend(_duty_resources(report, who, day))
    return bundle(out, when=report.generated)


class _Who:
    """References to a case's subjects: pseudonymous; named only if identifying."""

    __slots__ = ("clients", "names", "practice", "staff")

    def __init__(self, case: Case, *, identifying: bool) -> None:
        self.names = (
            {s.id: s.name for s in case.subjects() if s.name is not None}
            if identifying
            else {}
        )
        self.clients = {c.id for c in case.clients}
        self.staff = {p.id for p in case.professionals}
        self.practice = case.practice.id

    def __call__(self, sid: str | None, *, loose: bool = False) -> dict[str, Any]:
        """A Reference: ``Patient`` for a client, ``Group`` for anyone else.

        *loose*: for resources that can name a ``Practitioner`` (Flag, Task).
        """
        sid = sid or self.practice
        kind = "Patient" if sid in self.clients else "Group"
        if loose and sid in self.staff:
            kind = "Practitioner"
        return dict(subject_ref(sid, kind, display=self.names.get(sid)))


def _score_observations(
    report: PlanReport,
    who: _Who,
    day: dt.date,
    qr_by: dict[tuple[str, str], list[Resource]],
) -> tuple[list[Resource], dict[tuple[str, str], Resource]]:
    """An Observation per score, and the first per (subject, instrument.scale)."""
    from riskcore.interop._common import installed_instruments

    case = report.case
    specs = installed_instruments()
    out: list[Resource] = []
    obs_by: dict[tuple[str, str], Resource] = {}
    for n, s in enumerate(report.assessment.scores):
        spec = specs.get(s.instrument)
        loinc = (
            spec.loinc.total
            if spec is not None and spec.loinc is not None and s.scale == "total"
            else None
        )
        code = _concept("score", f"{s.instrument}.{s.scale}")
        if loinc:
            code["coding"].insert(0, {"system": _LOINC, "code": loinc})
        obs: Resource = {
            "resourceType": "Observation",
            "id": fhir_id("score", case.id, str(n)),
            "status": "final" if s.complete else "preliminary",
            "category": [{"coding": [{"system": _OBS_CATEGORY, "code": "survey"}]}],
            "code": code,
            "subject": who(s.subject),
            "effectiveDateTime": day.isoformat(),
        }
        if s.value is not None:
            obs["valueQuantity"] = {
                "value": s.value,
                "unit": "{score}",
                "system": "http://unitsofmeasure.org",
                "code": "{score}",
            }
        else:
            obs["dataAbsentReason"] = {
                "coding": [{"system": _ABSENT, "code": "unknown"}],
                "text": "incomplete: riskcore does not read a missing score as low",
            }
        if s.band:
            obs["interpretation"] = [_concept("band", _slug(s.band), s.band)]
        derived = qr_by.get((s.subject, s.instrument), [])
        if derived:
            obs["derivedFrom"] = [_ref(q) for q in derived]
        out.append(obs)
        obs_by.setdefault((s.subject, f"{s.instrument}.{s.scale}"), obs)
    return out, obs_by


def _flags(report: PlanReport, who: _Who, day: dt.date) -> list[Resource]:
    """A Flag per critical flag of the assessment."""
    case = report.case
    return [
        {
            "resourceType": "Flag",
            "id": fhir_id("flag", case.id, str(n)),
            "status": "active",
            "code": _concept("flag", f.code, f.message or f.code),
            "subject": who(s.subject, loose=True),
            "period": {"start": day.isoformat()},
        }
        for n, (s, f) in enumerate(report.assessment.critical_flags)
    ]


def _risk_assessments(
    report: PlanReport,
    who: _Who,
    day: dt.date,
    qr_of: dict[str, list[Resource]],
    obs_by: dict[tuple[str, str], Resource],
) -> list[Resource]:
    """A RiskAssessment per risk, its basis the subject's responses and scores."""
    case = report.case
    reg = report.register
    mitigations = {m.id: m for m in report.catalog.mitigations}
    selected = set(report.result.selected)
    out: list[Resource] = []
    for r in reg.risks:
        basis = [_ref(q) for q in qr_of.get(r.subject, [])]
        for factor in r.factors:
            if factor.score and (r.subject, factor.score) in obs_by:
                ref = _ref(obs_by[(r.subject, factor.score)])
                if ref not in basis:
                    basis.append(ref)
        planned = [
            mitigations[layer.id].name
            for layer in r.layers
            if layer.kind == "mitigation"
            and layer.id in mitigations
            and layer.id in selected
        ]
        ra: Resource = {
            "resourceType": "RiskAssessment",
            "id": fhir_id("risk", r.id),
            "status": "preliminary" if r.incomplete else "final",
            "method": _concept("method", reg.method_version, reg.method_version),
            "code": _concept("threat", r.threat, r.threat_name),
            "subject": who(r.subject),
            "occurrenceDateTime": day.isoformat(),
            "prediction": [
                {
                    "outcome": _concept("threat", r.threat, r.threat_name),
                    "probabilityDecimal": r.current.likelihood,
                    "qualitativeRisk": _concept("level", r.level, r.level),
                    "whenRange": {
                        "high": {
                            "value": case.horizon_days,
                            "unit": "d",
                            "system": "http://unitsofmeasure.org",
                            "code": "d",
                        }
                    },
                    "rationale": (
                        f"inherent {r.inherent_level}, now {r.level}, with the "
                        f"plan {r.planned_level} (target {r.target})"
                    ),
                }
            ],
        }
        if basis:
            ra["basis"] = basis
        if planned:
            ra["mitigation"] = "; ".join(planned)
        if r.critical or r.incomplete:
            ra["note"] = [
                {"text": reason}
                for reason in (*r.critical_reasons, *r.incomplete_reasons)
            ]
        out.append(ra)
    return out


def _care_plan(report: PlanReport, who: _Who, day: dt.date) -> Resource:
    """The plan as a CarePlan: one scheduled activity per selected mitigation."""
    case = report.case
    mitigations = {m.id: m for m in report.catalog.mitigations}
    res = report.result
    activities = []
    for m in res.selected:
        spec_m = mitigations.get(m)
        start = res.start_day.get(m, 0.0)
        days = spec_m.duration_days if spec_m is not None else 0.0
        detail: dict[str, Any] = {
            "code": _concept("mitigation", m, spec_m.name if spec_m else m),
            "status": "scheduled",
            "scheduledPeriod": {
                "start": _at(day, 24 * start),
                "end": _at(day, 24 * (start + days)),
            },
            "performer": [
                {"display": (spec_m.owner if spec_m else None) or "practice lead"}
            ],
        }
        activities.append({"detail": detail})
    care: Resource = {
        "resourceType": "CarePlan",
        "id": fhir_id("plan", case.id),
        "status": "active" if res.feasible else "draft",
        "intent": "plan",
        "title": f"Risk-management plan: {case.id}",
        "subject": who(None),
        "created": report.generated.isoformat(),
        "period": {"start": day.isoformat()},
        "description": f"{report.plan.method_version}; seed {report.seed}",
    }
    if activities:
        care["activity"] = activities
    return care


def _response_tasks(
    report: PlanReport, who: _Who, day: dt.date, care: Resource
) -> list[Resource]:
    """A Task per armed response, based on the plan's CarePlan."""
    case = report.case
    responses = {x.id: x for x in report.catalog.responses}
    out: list[Resource] = []
    for n, a in enumerate(report.armed):
        spec_r = responses.get(a.response)
        escalation = spec_r.escalation.value if spec_r else "urgent"
        task: Resource = {
            "resourceType": "Task",
            "id": fhir_id("response", case.id, str(n)),
            "status": "requested",
            "intent": "order",
            "priority": _PRIORITY.get(escalation, "urgent"),
            "code": _concept("response", a.response, spec_r.name if spec_r else None),
            "description": spec_r.name if spec_r else a.response,
            "for": who(a.subject, loose=True),
            "authoredOn": _at(day),
            "owner": {"display": a.owner},
            "restriction": {"period": {"end": _at(day, a.time_to_act_hours)}},
            "basedOn": [_ref(care)],
        }
        if a.reason:
            task["reasonCode"] = {"text": a.reason}
        out.append(task)
    return out


def _duty_resources(report: PlanReport, who: _Who, day: dt.date) -> list[Resource]:
    """Per legal duty a DetectedIssue and, when the duty arises, its Task."""
    case = report.case
    out: list[Resource] = []
    for n, o in enumerate(report.obligations.obligations):
        arises = o.status.value == "arises"
        issue: Resource = {
            "resourceType": "DetectedIssue",
            "id": fhir_id("duty", case.id, str(n)),
            "status": "final" if arises else "preliminary",
            "code": _concept("duty", o.id, o.name),
            "severity": "high" if arises else "moderate",
            "patient": who(o.subject),
            "identifiedDateTime": day.isoformat(),
            "detail": f"{o.status.value}: {', '.join(o.reasons) or 'no reason recorded'}"
            + (f"; missing: {', '.join(o.missing)}" if o.missing else ""),
            "reference": o.citation.url or f"urn:riskcore:duty:{o.id}",
        }
        if o.subject not in who.clients:
            del issue["patient"]
        out.append(issue)
        if arises:
            out.append(
                {
                    "resourceType": "Task",
                    "id": fhir_id("duty-task", case.id, str(n)),
                    "status": "requested",
                    "intent": "order",
                    "priority": "urgent",
                    "code": _concept("duty", o.id, o.name),
                    "description": f"{o.name} ({o.citation.citation})",
                    "focus": _ref(issue),
                    "for": who(o.subject, loose=True),
                    "authoredOn": _at(day),
                    "owner": {"display": o.owner},
                    "restriction": {"period": {"end": _at(day, o.time_to_act_hours)}},
                    "note": [
                        {
                            "text": f"{'required' if c.required else 'if applicable'}: "
                            f"{c.title}"
                        }
                        for c in o.checklist
                    ],
                }
            )
    return out


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-") or "band"
