"""Hook implementations of riskcore-lone-working.

riskcore finds this module through the entry point ``lone-working`` (see
pyproject.toml).

Inert without its data: it scores only ``lone-working-visit`` responses, and
returns no scores and no factors for a case without them, so installing it
does not change the results of other cases.

Fairness: nothing here reads protected attributes. The factor on
``staff-physical-harm`` (an aggression threat) comes only from the checklist's
``known-client-risk`` answer.
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
from riskcore_lone_working.instruments import CHECKLIST, KNOWN_RISK_FLAG, SPECS

__all__ = [
    "THREATS",
    "riskcore_assess",
    "riskcore_assessor_info",
    "riskcore_instruments",
    "riskcore_risk_factors",
]

NAME = "lone-working"
THREATS = ("lone-working-incident", "staff-physical-harm")
"""The only threats this plugin's factors may move."""

_ILLUSTRATIVE = Source(
    citation="riskcore illustrative default (not from a published effect size)",
    note="Hazards from HSE INDG73 and NASW standard 6; override in a site catalog.",
)


@hookimpl
def riskcore_assessor_info() -> AssessorInfo:
    """Describe the lone-working assessor."""
    return AssessorInfo(
        name=NAME,
        summary=(
            "Field-visit lone-working checklist (HSE INDG73, NASW standard 6): "
            "missing controls and known risks of a professional's visits"
        ),
        instruments=(CHECKLIST.id,),
        threats=THREATS,
        subject_kinds=(SubjectKind.PROFESSIONAL,),
    )


@hookimpl
def riskcore_instruments() -> tuple[InstrumentSpec, ...]:
    """The checklist spec."""
    return SPECS


@hookimpl
def riskcore_assess(subject: Subject, case: Case) -> list[Score] | None:
    """Score every checklist a professional completed, oldest first."""
    if subject.KIND is not SubjectKind.PROFESSIONAL:
        return None
    out: list[Score] = []
    for r in case.history(subject.id, (CHECKLIST.id,)):  # oldest first
        out += CHECKLIST.to_scores(r, subject.KIND)
    return out


RULES = {"high": 2.5, "elevated": 1.5}
"""Illustrative odds ratios on ``lone-working-incident`` by band."""


@hookimpl
def riskcore_risk_factors(
    subject: Subject, scores: Sequence[Score]
) -> list[RiskFactor] | None:
    """Factors from the latest checklist of a professional.

    ``lone-working-incident``: band high x2.5, elevated or incomplete x1.5
    (fail closed), low with no missing control at all x0.8 (protective).
    ``staff-physical-harm``: a known risk at the visit x1.5, unanswered x1.2.
    Illustrative defaults, not published effect sizes.
    """
    if not isinstance(subject, Professional):
        return None
    latest = None
    for s in scores:  # in administration order: the last one wins
        if s.plugin in (None, NAME) and s.instrument == CHECKLIST.id:
            latest = s
    if latest is None:
        return None

    def factor(threat: str, odds_ratio: float, reason: str) -> RiskFactor:
        return RiskFactor(
            threat=threat,
            subject=subject.id,
            odds_ratio=odds_ratio,
            reason=reason,
            source=_ILLUSTRATIVE,
            score=f"{CHECKLIST.id}.total",
        )

    out = []
    if latest.value is None:
        out.append(
            factor(
                "lone-working-incident",
                1.5,
                "lone-working checklist incomplete: treated as elevated (fail closed)",
            )
        )
    elif latest.band in RULES:
        out.append(
            factor(
                "lone-working-incident",
                RULES[latest.band],
                f"lone-working checklist {latest.band}: {latest.value:g} of 6 "
                "controls missing or hazards present",
            )
        )
    elif latest.value == 0:
        out.append(
            factor(
                "lone-working-incident",
                0.8,
                "every lone-working control in place (check-in, return "
                "confirmation, alarm, itinerary)",
            )
        )
    codes = {f.code for f in latest.flags}
    if KNOWN_RISK_FLAG in codes:
        out.append(factor("staff-physical-harm", 1.5, "a known risk at the visit"))
    elif f"{KNOWN_RISK_FLAG}-unanswered" in codes:
        out.append(
            factor(
                "staff-physical-harm",
                1.2,
                "whether the visit has a known risk is not recorded (fail closed)",
            )
        )
    return out
