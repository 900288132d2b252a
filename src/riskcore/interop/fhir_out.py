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

.. versionadded:: 0.2
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any, TypedDict

from riskcore.interop._common import RISKCORE_SUBJECT_SYSTEM
from riskcore.interop.fhir_in import ABOUT_EXTENSION, RISKCORE_QUESTIONNAIRE
from riskcore.model import Case, InstrumentResponse, InvalidAnswer

__all__ = [
    "ABOUT_EXTENSION",
    "Resource",
    "responses_to_fhir",
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
