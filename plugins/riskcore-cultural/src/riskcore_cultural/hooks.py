"""Hook implementations of riskcore-cultural.

Cheap to import: only riskcore's model and this package's small helpers.

Fairness
--------
The only protected attribute read is the client's ``languages``, and only to
compare it with the clinician's languages. The factors this module returns
move ``cultural-rupture`` and ``dropout-after-rupture`` only; it never returns
a factor on an aggression or self-harm threat.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Sequence

from riskcore import hookimpl
from riskcore.batch import BatchContribution, BatchScore, BatchView
from riskcore.model import (
    AssessorInfo,
    Case,
    Client,
    Flag,
    FlagLevel,
    Professional,
    RiskFactor,
    Score,
    Subject,
    SubjectKind,
)
from riskcore_cultural.instruments import (
    CFI_ID,
    CHS_ID,
    CHS_ITEMS,
    FACTOR_SOURCE,
    LANGUAGE_FIT_ID,
    PREPARATION_ID,
    PREPARATION_WELL_HOURS,
    check_chs_items,
    shares_language,
)

__all__ = [
    "THREATS",
    "riskcore_assess",
    "riskcore_assessor_info",
    "riskcore_batch_factors",
    "riskcore_risk_factors",
]

THREATS = ("cultural-rupture", "dropout-after-rupture")
"""The only threats this plugin's factors may move."""

_INTERPRETER = Flag(
    code="interpreter.needed",
    level=FlagLevel.WARNING,
    message="Client and clinician share no recorded language",
    escalation="arrange a qualified interpreter (not a family member) before the next session",
)


PLUGIN = "cultural"
"""The name this plugin is registered under (its entry point): passed to
the scores it builds, so that :func:`riskcore.assess` need not copy them
to stamp them."""


@hookimpl
def riskcore_assessor_info() -> AssessorInfo:
    """Describe the cultural assessor."""
    return AssessorInfo(
        name="cultural",
        summary=(
            "Cultural fit of the therapeutic relationship: language concordance, "
            "clinician preparation, CFI on file; CHS answers stored, not scored"
        ),
        instruments=(LANGUAGE_FIT_ID, PREPARATION_ID, CFI_ID, CHS_ID),
        threats=THREATS,
        subject_kinds=(SubjectKind.CLIENT, SubjectKind.PROFESSIONAL),
    )


def _clinician(client: Client, case: Case) -> Professional | None:
    if client.clinician is None:
        return None
    found = case.subject(client.clinician)  # indexed: not a scan per client
    # Case validates clinician references, so this is always a professional
    return found if isinstance(found, Professional) else None


def _language_fit(client: Client, clinician: Professional) -> Score:
    shared = shares_language(client.protected.languages, clinician.languages)
    if shared is None:
        return Score.derived(
            plugin=PLUGIN,
            subject=client.id,
            subject_kind=SubjectKind.CLIENT,
            instrument=LANGUAGE_FIT_ID,
            scale="concordance",
            minimum=0,
            maximum=1,
            missing_reason="client or clinician languages not recorded",
        )
    return Score.derived(
        plugin=PLUGIN,
        subject=client.id,
        subject_kind=SubjectKind.CLIENT,
        instrument=LANGUAGE_FIT_ID,
        scale="concordance",
        value=1.0 if shared else 0.0,
        minimum=0,
        maximum=1,
        band="shared-language" if shared else "no-shared-language",
        flags=() if shared else (_INTERPRETER,),
    )


def _client_scores(client: Client, case: Case) -> list[Score]:
    out: list[Score] = []
    clinician = _clinician(client, case)
    if clinician is not None:
        out.append(_language_fit(client, clinician))
    responses = case.responses_for(client.id)
    cfi = any(r.instrument == CFI_ID for r in responses)
    out.append(
        Score.derived(
            plugin=PLUGIN,
            subject=client.id,
            subject_kind=SubjectKind.CLIENT,
            instrument=CFI_ID,
            scale="recorded",
            value=1.0 if cfi else 0.0,
            minimum=0,
            maximum=1,
            band="on-file" if cfi else "not-on-file",
        )
    )
    for r in responses:
        if r.instrument != CHS_ID:
            continue
        # Cultural Humility Scale (Hook et al., 2013, J Couns Psychol 60:353):
        # answers are validated and stored; the total is NOT scored because the
        # item keying could not be confirmed against the primary source.
        n = check_chs_items(r.items, client.id)
        out.append(
            Score.derived(
                plugin=PLUGIN,
                subject=client.id,
                subject_kind=SubjectKind.CLIENT,
                instrument=CHS_ID,
                scale="answered",
                value=float(n),
                minimum=0,
                maximum=len(CHS_ITEMS),
                band="stored-not-scored",
            )
        )
    return out


@hookimpl
def riskcore_assess(subject: Subject, case: Case) -> list[Score] | None:
    """Language fit, CFI presence and CHS answers for clients; preparation for staff."""
    if isinstance(subject, Client):
        return _client_scores(subject, case)
    if isinstance(subject, Professional):
        hours = subject.cultural_training_hours
        if hours is None:
            return [
                Score.derived(
                    plugin=PLUGIN,
                    subject=subject.id,
                    subject_kind=SubjectKind.PROFESSIONAL,
                    instrument=PREPARATION_ID,
                    scale="hours",
                    minimum=0,
                    missing_reason="cultural training hours not recorded",
                )
            ]
        return [
            Score.derived(
                plugin=PLUGIN,
                subject=subject.id,
                subject_kind=SubjectKind.PROFESSIONAL,
                instrument=PREPARATION_ID,
                scale="hours",
                value=hours,
                minimum=0,
            )
        ]
    return None


def _factor(
    threat: str, subject: str, odds_ratio: float, reason: str, score: str
) -> RiskFactor:
    return RiskFactor(
        threat=threat,
        subject=subject,
        odds_ratio=odds_ratio,
        reason=reason,
        source=FACTOR_SOURCE,
        score=score,
    )


@hookimpl
def riskcore_risk_factors(
    subject: Subject, scores: Sequence[Score], case: Case
) -> list[RiskFactor] | None:
    """Illustrative odds ratios on cultural rupture and drop-out, for clients.

    * no shared language: cultural-rupture x2.0, dropout-after-rupture x1.5;
    * clinician with 0 recorded hours of cultural training: cultural-rupture x1.3;
      with at least 40 hours: cultural-rupture x0.8 (protective);
    * a CFI on file: cultural-rupture x0.85 (protective).

    All are riskcore defaults for planning, not published effect sizes.
    """
    if not isinstance(subject, Client):
        return None
    out: list[RiskFactor] = []
    for s in scores:
        if s.plugin not in (None, "cultural") or not s.complete:
            continue
        if s.instrument == LANGUAGE_FIT_ID and s.value == 0.0:
            out.append(
                _factor(
                    "cultural-rupture",
                    subject.id,
                    2.0,
                    "client and clinician share no recorded language",
                    "language-fit.concordance",
                )
            )
            out.append(
                _factor(
                    "dropout-after-rupture",
                    subject.id,
                    1.5,
                    "client and clinician share no recorded language",
                    "language-fit.concordance",
                )
            )
        elif s.instrument == CFI_ID and s.value == 1.0:
            out.append(
                _factor(
                    "cultural-rupture",
                    subject.id,
                    0.85,
                    "a cultural formulation (DSM-5 CFI) is on file",
                    "cfi.recorded",
                )
            )
    clinician = _clinician(subject, case)
    hours = clinician.cultural_training_hours if clinician is not None else None
    if hours is not None:
        if hours == 0:
            out.append(
                _factor(
                    "cultural-rupture",
                    subject.id,
                    1.3,
                    "the clinician has no recorded cultural-competency training",
                    "cultural-preparation.hours",
                )
            )
        elif hours >= PREPARATION_WELL_HOURS:
            out.append(
                _factor(
                    "cultural-rupture",
                    subject.id,
                    0.8,
                    f"the clinician has at least {PREPARATION_WELL_HOURS:g} hours of "
                    "cultural-competency training",
                    "cultural-preparation.hours",
                )
            )
    return out


@hookimpl(optionalhook=True)
def riskcore_batch_factors(batch: BatchView) -> BatchContribution | None:
    """The columnar twin of :func:`riskcore_assess` and :func:`riskcore_risk_factors`.

    A cohort row has no clinician and no cultural formulation on file (a row
    with CFI or CHS answers goes to the object path: they are not specs):
    a client gets the ``cfi.recorded`` score (not on file) and no factor; a
    professional's cultural training hours are not recorded, so their
    preparation score is incomplete, as on the object path.
    """
    import numpy as np

    n = batch.n
    every = np.ones(n, dtype=bool)
    if batch.kind is SubjectKind.CLIENT:
        score = BatchScore(
            instrument=CFI_ID, scale="recorded", present=every, complete=every
        )
    else:
        score = BatchScore(
            instrument=PREPARATION_ID,
            scale="hours",
            present=every,
            complete=np.zeros(n, dtype=bool),
        )
    return BatchContribution(scores=[score])
