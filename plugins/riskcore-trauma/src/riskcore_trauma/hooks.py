"""Hook implementations of riskcore-trauma.

Cheap to import: riskcore's model and instrument specs only (no numpy).

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Sequence

from riskcore import hookimpl
from riskcore.batch import BatchContribution, BatchScore, BatchView
from riskcore.instruments import InstrumentSpec, valid_answers
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
    "riskcore_batch_factors",
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


PLUGIN = "trauma"
"""The name this plugin is registered under (its entry point): passed to
the scores it builds, so that :func:`riskcore.assess` need not copy them
to stamp them."""


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
        plugin=PLUGIN,
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
    scores = PCL5.to_scores(r, subject.KIND, plugin=PLUGIN)
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
        _binary(
            subject,
            "provisional-ptsd",
            # An invalid answer counts as unanswered (issue 14): the rule is unknown.
            pcl5_provisional_ptsd(valid_answers(PCL5, r.items)[0]),
            why,
        )
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
            out += ACE.to_scores(
                r, subject.KIND, plugin=PLUGIN
            )  # ACE_FLAG: raised by its band
    return out


def _probable_ptsd_clients(professional: str, case: Case) -> tuple[int, list[str]]:
    """Clients of *professional* whose latest PCL-5 says probable PTSD.

    Returns the number of clients whose latest PCL-5 total is 33 or more, and
    one fail-closed reason per client whose latest PCL-5 is incomplete but
    could still reach 33 once its unanswered items are answered
    (:func:`riskcore.instruments.reach`): the worst plausible answers count.
    """
    n = 0
    could: list[str] = []
    for c in case.clients_of(professional):  # indexed: not a scan per professional
        pcl = case.history(c.id, _PCL5_ONLY)
        if not pcl:
            continue
        latest = pcl[-1]
        total = PCL5.score(latest).total
        if total is not None:
            if total >= PCL5_CUTOFF:
                n += 1
            continue
        reach = PCL5.reach(latest.items, subject=c.id)
        if reach.could_reach(_PROBABLE):
            could.append(reach.reason(_PROBABLE))
    return n, could


_PROBABLE = "probable-ptsd"


@hookimpl
def riskcore_risk_factors(
    subject: Subject, scores: Sequence[Score], case: Case
) -> list[RiskFactor] | None:
    """Trauma load of a clinician's caseload on their secondary traumatic stress.

    For a professional: 1-2 clients whose latest PCL-5 total is 33 or more give
    ``secondary-traumatic-stress`` x1.2; 3 or more give x1.5. A client whose
    latest PCL-5 is incomplete but could still reach 33 counts too (fail
    closed), and the reason says so. Illustrative defaults. The ACE score moves
    no threat (its developers warn against individual cut points).
    """
    if not isinstance(subject, Professional):
        return None
    known, could = _probable_ptsd_clients(subject.id, case)
    n = known + len(could)
    if n == 0:
        return []
    odds_ratio = 1.5 if n >= 3 else 1.2
    reason = (
        f"{n} client(s) on the caseload screen positive for probable PTSD (PCL-5 >= 33)"
    )
    if could:  # one client's reach shown; the others counted
        more = f" (and {len(could) - 1} more)" if len(could) > 1 else ""
        reason += (
            f", counting {len(could)} whose incomplete PCL-5 could still reach 33: "
            f"{could[0]}{more}"
        )
    return [
        RiskFactor(
            threat="secondary-traumatic-stress",
            subject=subject.id,
            odds_ratio=odds_ratio,
            reason=reason,
            source=_ILLUSTRATIVE,
            score="pcl5.total",
        )
    ]


@hookimpl(optionalhook=True)
def riskcore_batch_factors(batch: BatchView) -> BatchContribution | None:
    """The columnar twin of :func:`riskcore_assess` and :func:`riskcore_risk_factors`.

    The PCL-5's derived scores: ``meets-cutoff-31`` is known when the total
    is, ``provisional-ptsd`` when every item has a valid answer
    (:func:`~riskcore_trauma.instruments.pcl5_provisional_ptsd`). No factor:
    the caseload rule needs a clinician's clients, which a cohort row has not
    (as on the object path for a professional without clients).
    """
    import numpy as np

    r = batch.result(PCL5.id)
    if r is None:
        return None
    adm = batch.administered(PCL5.id)
    every_item = ~np.isnan(batch.answers(PCL5.id)).any(axis=1)
    return BatchContribution(
        scores=[
            BatchScore(
                instrument=PCL5.id,
                scale="meets-cutoff-31",
                present=adm,
                complete=adm & ~np.isnan(r.values["total"]),
            ),
            BatchScore(
                instrument=PCL5.id,
                scale="provisional-ptsd",
                present=adm,
                complete=adm & every_item,
            ),
        ]
    )
