"""Hook implementations of riskcore-wellbeing.

Cheap to import: riskcore's model and instrument specs only (no numpy).

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from riskcore import hookimpl
from riskcore.batch import (
    BatchContribution,
    BatchFlag,
    BatchView,
    strongest_per_threat,
)
from riskcore.instruments import InstrumentSpec, Reach, valid_answers
from riskcore.model import (
    AssessorInfo,
    Case,
    Professional,
    RiskFactor,
    Score,
    Source,
    Subject,
    SubjectKind,
)
from riskcore_wellbeing.instruments import (
    SPECS,
    WHO5,
    WHO5_DEPRESSION_FLAG,
    who5_low_item,
)

__all__ = [
    "RULES",
    "THREATS",
    "riskcore_assess",
    "riskcore_assessor_info",
    "riskcore_batch_factors",
    "riskcore_instruments",
    "riskcore_risk_factors",
]

THREATS = ("burnout", "secondary-traumatic-stress")
_BY_ID = {s.id: s for s in SPECS}
_IDS = tuple(_BY_ID)
_ILLUSTRATIVE = Source(
    citation="riskcore illustrative default (not from a published effect size)",
    note="Override in a site catalog when local evidence exists.",
)

RULES: tuple[tuple[str, str, str, str, float], ...] = (
    # instrument, scale, band, threat, odds ratio
    ("proqol5", "burnout", "high", "burnout", 2.0),
    ("proqol5", "burnout", "moderate", "burnout", 1.3),
    ("proqol5", "compassion-satisfaction", "low", "burnout", 1.3),
    (
        "proqol5",
        "secondary-traumatic-stress",
        "high",
        "secondary-traumatic-stress",
        2.0,
    ),
    (
        "proqol5",
        "secondary-traumatic-stress",
        "moderate",
        "secondary-traumatic-stress",
        1.3,
    ),
    ("cbi", "work", "50-or-more", "burnout", 1.8),
    ("cbi", "client", "50-or-more", "burnout", 1.5),
    ("cbi", "personal", "50-or-more", "burnout", 1.3),
    ("who5", "total", "poor-wellbeing", "burnout", 1.3),
)
"""Illustrative odds ratios: a band of a scale moves a threat.

Within this plugin only the strongest rule per threat applies, because these
measures overlap (counting ProQOL burnout and CBI work burnout twice would
double-count one state). The PSS-10 moves no threat: its common bands are not
Cohen's.
"""


PLUGIN = "wellbeing"
"""The name this plugin is registered under (its entry point): passed to
the scores it builds, so that :func:`riskcore.assess` need not copy them
to stamp them."""


@hookimpl
def riskcore_assessor_info() -> AssessorInfo:
    """Describe the wellbeing assessor."""
    return AssessorInfo(
        name="wellbeing",
        summary="Professional quality of life and burnout: ProQOL 5, CBI, PSS-10, WHO-5",
        instruments=_IDS,
        threats=THREATS,
        subject_kinds=(SubjectKind.PROFESSIONAL,),
    )


@hookimpl(optionalhook=True)
def riskcore_instruments() -> tuple[InstrumentSpec, ...]:
    """The ProQOL 5, CBI, PSS-10 and WHO-5 specs."""
    return SPECS


@hookimpl
def riskcore_assess(subject: Subject, case: Case) -> list[Score] | None:
    """Score every ProQOL 5, CBI, PSS-10 and WHO-5 response of the subject."""
    out: list[Score] = []
    for r in case.history(subject.id, _IDS):  # oldest first
        scores = _BY_ID[r.instrument].to_scores(r, subject.KIND, plugin=PLUGIN)
        if r.instrument == WHO5.id:
            # An invalid answer counts as unanswered (issue 14).
            scores = _who5_item_rule(scores, valid_answers(WHO5, r.items)[0])
        out += scores
    return out


def _who5_item_rule(
    scores: list[Score], items: Mapping[str, int | float | None]
) -> list[Score]:
    """Add the WHO-5 flag for an item answered 0 or 1 (the rule's second half;
    the first, raw < 13, is raised by the band), once, on the first score.

    The flagged score is ``attrs.evolve(first, flags=...)``, built by
    :meth:`~riskcore.model.Score.derived` (the same checks, a few times
    faster: most WHO-5 responses have such an item).

    >>> from riskcore.model import InstrumentResponse, SubjectKind
    >>> r = InstrumentResponse(instrument="who5", subject="t-1",
    ...                        items={"1": 1, "2": 5, "3": 5, "4": 5, "5": 5})
    >>> scores = WHO5.to_scores(r, SubjectKind.PROFESSIONAL, plugin="wellbeing")
    >>> got = _who5_item_rule(scores, valid_answers(WHO5, r.items)[0])
    >>> [f.code for f in got[0].flags], got[1:] == scores[1:]
    (['who5.assess-for-depression'], True)
    """
    first = scores[0]
    if WHO5_DEPRESSION_FLAG in first.flags or not who5_low_item(items):
        return scores
    if type(first) is not Score:  # pragma: no cover - the engine makes Scores
        flagged = attrs.evolve(first, flags=(*first.flags, WHO5_DEPRESSION_FLAG))
    else:
        flagged = Score.derived(
            subject=first.subject,
            subject_kind=first.subject_kind,
            instrument=first.instrument,
            scale=first.scale,
            value=first.value,
            minimum=first.minimum,
            maximum=first.maximum,
            band=first.band,
            flags=(*first.flags, WHO5_DEPRESSION_FLAG),
            missing_reason=first.missing_reason,
            measured=first.measured,
            plugin=first.plugin,
        )
    return [flagged, *scores[1:]]


@hookimpl
def riskcore_risk_factors(
    subject: Subject, scores: Sequence[Score], case: Case
) -> list[RiskFactor] | None:
    """Burnout and secondary traumatic stress of professionals (see :data:`RULES`).

    A scale whose latest administration is incomplete fails closed: a rule
    applies when the band could still be reached once the unanswered items
    are answered (:func:`riskcore.instruments.reach`), and the reason says so.
    """
    if not isinstance(subject, Professional):
        return None
    latest: dict[tuple[str, str], Score] = {}
    for s in scores:  # administration order: the last one wins
        if s.plugin in (None, "wellbeing") and s.instrument in _BY_ID:
            latest[(s.instrument, s.scale)] = s
    best: dict[str, RiskFactor] = {}
    for instrument, scale, band, threat, odds_ratio in RULES:
        found = latest.get((instrument, scale))
        if found is None:
            continue
        if found.band == band:
            reason = f"{instrument} {scale} in band {band!r}"
        elif found.value is None and found.measured:
            reach = _reach(subject, case, instrument, scale)
            if reach is None or not reach.could_reach(band):
                continue
            reason = reach.reason(band)
        else:
            continue
        if threat in best and best[threat].odds_ratio >= odds_ratio:
            continue
        best[threat] = RiskFactor(
            threat=threat,
            subject=subject.id,
            odds_ratio=odds_ratio,
            reason=reason,
            source=_ILLUSTRATIVE,
            score=f"{instrument}.{scale}",
        )
    return [best[t] for t in THREATS if t in best]


def _reach(subject: Subject, case: Case, instrument: str, scale: str) -> Reach | None:
    """What *scale* of the subject's latest *instrument* could still be."""
    responses = case.history(subject.id, (instrument,))
    if not responses:
        return None  # a score supplied without its answers: nothing to reach
    return _BY_ID[instrument].reach(responses[-1].items, scale, subject=subject.id)


@hookimpl(optionalhook=True)
def riskcore_batch_factors(batch: BatchView) -> BatchContribution | None:
    """The columnar twin of :func:`riskcore_assess` and :func:`riskcore_risk_factors`.

    The WHO-5 item flag (:func:`~riskcore_wellbeing.instruments.who5_low_item`
    on the valid answers) for every row that took the WHO-5; for
    professionals, :data:`RULES` on whole columns, the strongest rule per
    threat; an incomplete rule scale counts when it could still reach the band
    (:meth:`~riskcore.batch.BatchView.reaches`).
    """
    import numpy as np

    n = batch.n
    flags = []
    if batch.result(WHO5.id) is not None:
        low = batch.administered(WHO5.id) & who5_low_item(batch.answers(WHO5.id))
        flags.append(BatchFlag(instrument=WHO5.id, flag=WHO5_DEPRESSION_FLAG, rows=low))
    if batch.kind is not SubjectKind.PROFESSIONAL:
        return BatchContribution(flags=flags)
    hits = []
    for instrument, scale, band, threat, odds_ratio in RULES:
        r = batch.result(instrument)
        if r is None:
            continue
        adm = batch.administered(instrument)
        hit = adm & (
            r.band_codes[scale] == _BY_ID[instrument].scale(scale).labels.index(band)
        )
        # An incomplete scale counts when it could still reach the band (reach).
        open_ = adm & np.isnan(r.values[scale])
        at, reaches = batch.reaches(instrument, scale, open_)
        hit |= open_ & np.array([*(x.could_reach(band) for x in reaches), False])[at]
        hits.append((threat, odds_ratio, hit))
    factors = strongest_per_threat(n, THREATS, hits)
    return BatchContribution(factors=factors, flags=flags)
