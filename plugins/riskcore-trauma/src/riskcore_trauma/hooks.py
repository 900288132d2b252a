"""Hook implementations of riskcore-trauma.

Cheap to import: riskcore's model and instrument specs only (no numpy).

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Sequence

from riskcore import hookimpl
from riskcore.instruments import InstrumentSpec
from riskcore.model import (
    AssessorInfo,
    Case,
    InstrumentResponse,
    Professional,
    RiskFactor,
    Score,
    Source,
    Subject,
    SubjectKind,
)
from riskcore_trauma.instruments import (
    ACE,
    PCL5,
    PCL5_CUTOFF,
    PCL5_CUTOFF_LOW,
    SPECS,
    pcl5_provisional_ptsd,
)

__all__ = [
    "THREATS",
    "riskcore_assess",
    "riskcore_assessor_info",
    "riskcore_instruments",
    "riskcore_risk_factors",
]

THREATS = ("secondary-traumatic-stress",)
_IDS = (PCL5.id, ACE.id)
_PCL5_ONLY = (PCL5.id,)
_ILLUSTRATIVE = Source(
    citation="riskcore illustrative default (not from a published effect size)",
    note=(
        "Direction from the secondary traumatic stress literature (exposure to clients' "
        "trauma material); magnitude illustrative. Override in a site catalog."
    ),
)


@hookimpl
def riskcore_assessor_info() -> AssessorInfo:
    """Describe the trauma assessor."""
    return AssessorInfo(
        name="trauma",
        summary="PCL-5 (PTSD symptoms, DSM-5 clusters) and the ACE questionnaire",
        instruments=(PCL5.id, ACE.id),
        threats=THREATS,
        subject_kinds=(SubjectKind.CLIENT, SubjectKind.PROFESSIONAL),
    )


@hookimpl(optionalhook=True)
def riskcore_instruments() -> tuple[InstrumentSpec, ...]:
    """The PCL-5 and ACE specs."""
    return SPECS


def _binary(subject: Subject, scale: str, value: bool | None, reason: str) -> Score:
    return Score.derived(
        subject=subject.id,
        subject_kind=subject.KIND,
        instrument=PCL5.id,
        scale=scale,
        value=None if value is None else float(value),
        minimum=0,
        maximum=1,
        missing_reason=reason if value is None else None,
    )


def _pcl5(subject: Subject, r: InstrumentResponse) -> list[Score]:
    # "total" (PCL5_FLAG, total >= 33, is raised by its band), then the clusters
    scores = PCL5.to_scores(r, subject.KIND)
    total = scores[0].value
    why = "the PCL-5 has no prorating rule: all 20 items are needed"
    scores.append(
        _binary(
            subject,
            "meets-cutoff-31",
            None if total is None else total >= PCL5_CUTOFF_LOW,
            why,
        )
    )
    scores.append(
        _binary(subject, "provisional-ptsd", pcl5_provisional_ptsd(r.items), why)
    )
    return scores


@hookimpl
def riskcore_assess(subject: Subject, case: Case) -> list[Score] | None:
    """Score the subject's PCL-5 and ACE responses (every administration)."""
    out: list[Score] = []
    for r in case.history(subject.id, _IDS):  # oldest first
        if r.instrument == PCL5.id:
            out += _pcl5(subject, r)
        else:
            out += ACE.to_scores(r, subject.KIND)  # ACE_FLAG: raised by its band
    return out


def _probable_ptsd_clients(professional: str, case: Case) -> int:
    """Clients of *professional* whose latest complete PCL-5 total is 33 or more."""
    n = 0
    for c in case.clients:
        if c.clinician != professional:
            continue
        pcl = case.history(c.id, _PCL5_ONLY)
        if not pcl:
            continue
        total = PCL5.score(pcl[-1]).total  # the latest
        if total is not None and total >= PCL5_CUTOFF:
            n += 1
    return n


@hookimpl
def riskcore_risk_factors(
    subject: Subject, scores: Sequence[Score], case: Case
) -> list[RiskFactor] | None:
    """Trauma load of a clinician's caseload on their secondary traumatic stress.

    For a professional: 1-2 clients whose latest PCL-5 total is 33 or more give
    ``secondary-traumatic-stress`` x1.2; 3 or more give x1.5. Illustrative
    defaults. The ACE score moves no threat (its developers warn against
    individual cut points).
    """
    if not isinstance(subject, Professional):
        return None
    n = _probable_ptsd_clients(subject.id, case)
    if n == 0:
        return []
    odds_ratio = 1.5 if n >= 3 else 1.2
    return [
        RiskFactor(
            threat="secondary-traumatic-stress",
            subject=subject.id,
            odds_ratio=odds_ratio,
            reason=f"{n} client(s) on the caseload screen positive for probable PTSD (PCL-5 >= 33)",
            source=_ILLUSTRATIVE,
            score="pcl5.total",
        )
    ]
