"""Hook implementations of riskcore-wellbeing.

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
    Professional,
    RiskFactor,
    Score,
    Source,
    Subject,
    SubjectKind,
)
from riskcore_wellbeing.instruments import SPECS

__all__ = [
    "RULES",
    "THREATS",
    "riskcore_assess",
    "riskcore_assessor_info",
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
        out += _BY_ID[r.instrument].to_scores(r, subject.KIND)
    return out


@hookimpl
def riskcore_risk_factors(
    subject: Subject, scores: Sequence[Score]
) -> list[RiskFactor] | None:
    """Burnout and secondary traumatic stress of professionals (see :data:`RULES`)."""
    if not isinstance(subject, Professional):
        return None
    latest: dict[tuple[str, str], Score] = {}
    for s in scores:  # administration order: the last one wins
        if s.plugin in (None, "wellbeing") and s.instrument in _BY_ID:
            latest[(s.instrument, s.scale)] = s
    best: dict[str, RiskFactor] = {}
    for instrument, scale, band, threat, odds_ratio in RULES:
        found = latest.get((instrument, scale))
        if found is None or found.band != band:
            continue
        if threat in best and best[threat].odds_ratio >= odds_ratio:
            continue
        best[threat] = RiskFactor(
            threat=threat,
            subject=subject.id,
            odds_ratio=odds_ratio,
            reason=f"{instrument} {scale} in band {band!r}",
            source=_ILLUSTRATIVE,
            score=f"{instrument}.{scale}",
        )
    return [best[t] for t in THREATS if t in best]
