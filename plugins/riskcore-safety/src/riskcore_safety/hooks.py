"""Hook implementations of riskcore-safety.

Cheap to import: riskcore's model and instrument specs only (no numpy).

Fairness
--------
Nothing here reads a subject's protected attributes. The factors on
``client-self-harm`` and ``in-session-aggression`` (clients) and
``staff-physical-harm`` (their clinicians) come only from instrument answers.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Sequence

from riskcore import hookimpl
from riskcore.instruments import InstrumentSpec
from riskcore.model import (
    AssessorInfo,
    Case,
    Client,
    InstrumentResponse,
    Professional,
    RiskFactor,
    Score,
    Source,
    Subject,
    SubjectKind,
)
from riskcore_safety.instruments import (
    AGGRESSION,
    AGGRESSION_HIGH_COUNT,
    AGGRESSION_HIGH_FLAG,
    CSSRS_ID,
    CSSRS_LEVELS,
    SPECS,
    triage_cssrs,
)

__all__ = [
    "THREATS",
    "riskcore_assess",
    "riskcore_assessor_info",
    "riskcore_instruments",
    "riskcore_risk_factors",
]

THREATS = ("client-self-harm", "in-session-aggression", "staff-physical-harm")
_BY_ID = {s.id: s for s in SPECS}
_IDS = (*_BY_ID, CSSRS_ID)
_AGGRESSION_ONLY = (AGGRESSION.id,)
_ILLUSTRATIVE = Source(
    citation="riskcore illustrative default (not from a published effect size)",
    note="Override in a site catalog when local evidence exists.",
)


@hookimpl
def riskcore_assessor_info() -> AssessorInfo:
    """Describe the safety assessor."""
    return AssessorInfo(
        name="safety",
        summary=(
            "PHQ-9 (item 9 critical), GAD-7, C-SSRS screener triage, and an aggression "
            "screen that is NOT a validated instrument"
        ),
        instruments=("phq9", "gad7", CSSRS_ID, AGGRESSION.id),
        threats=THREATS,
        subject_kinds=(SubjectKind.CLIENT, SubjectKind.PROFESSIONAL),
    )


@hookimpl(optionalhook=True)
def riskcore_instruments() -> tuple[InstrumentSpec, ...]:
    """The specs scored through riskcore's engine (the C-SSRS is rule-based)."""
    return SPECS


def _cssrs_score(subject: Subject, r: InstrumentResponse) -> Score:
    t = triage_cssrs(r.items, subject.id)
    if t.complete:
        return Score.derived(
            subject=subject.id,
            subject_kind=subject.KIND,
            instrument=CSSRS_ID,
            scale="risk-level",
            value=float(CSSRS_LEVELS.index(t.level)),
            minimum=0,
            maximum=3,
            band=t.level,
            flags=t.flags,
        )
    return Score.derived(
        subject=subject.id,
        subject_kind=subject.KIND,
        instrument=CSSRS_ID,
        scale="risk-level",
        minimum=0,
        maximum=3,
        band=None,
        flags=t.flags,
        missing_reason="; ".join(t.problems),
    )


def _aggression_score(subject: Subject, r: InstrumentResponse) -> Score:
    """The screen's total, with riskcore's rule for "high" applied.

    "High" when threats were made (the spec's critical item raises
    ``aggression.high``) or 3 or more factors are present, even if others are
    unanswered (then ``aggression.high`` is added here).
    """
    [total] = AGGRESSION.to_scores(r, subject.KIND)
    threats = any(f.code == AGGRESSION_HIGH_FLAG.code for f in total.flags)
    present = list(r.items.values()).count(1)
    if not threats and present < AGGRESSION_HIGH_COUNT:
        return total  # the spec's band stands
    return Score.derived(
        subject=total.subject,
        subject_kind=total.subject_kind,
        instrument=total.instrument,
        value=total.value,
        minimum=total.minimum,
        maximum=total.maximum,
        band="high",
        flags=total.flags if threats else (*total.flags, AGGRESSION_HIGH_FLAG),
        missing_reason=total.missing_reason,
    )


@hookimpl
def riskcore_assess(subject: Subject, case: Case) -> list[Score] | None:
    """Score the subject's PHQ-9, GAD-7, C-SSRS screener and aggression screen."""
    out: list[Score] = []
    for r in case.history(subject.id, _IDS):  # oldest first
        if r.instrument == CSSRS_ID:
            out.append(_cssrs_score(subject, r))
        elif r.instrument == AGGRESSION.id:
            out.append(_aggression_score(subject, r))
        else:
            out += _BY_ID[r.instrument].to_scores(r, subject.KIND)
    return out


def _latest(scores: Sequence[Score]) -> dict[tuple[str, str], Score]:
    out: dict[tuple[str, str], Score] = {}
    for s in scores:  # in administration order: the last one wins
        if s.plugin in (None, "safety"):
            out[(s.instrument, s.scale)] = s
    return out


def _codes(s: Score | None) -> set[str]:
    return {f.code for f in s.flags} if s is not None else set()


def _aggression_level(score: Score) -> str | None:
    """``"high"``, ``"elevated"`` (1-2 factors, or incomplete: fail closed) or ``None``."""
    if score.band == "high":
        return "high"
    if score.band == "elevated" or score.value is None:
        return "elevated"
    return None


def _staff_factors(subject: Professional, case: Case) -> list[RiskFactor]:
    """``staff-physical-harm`` of a clinician, from their clients' aggression screens.

    The strongest finding on the caseload counts once: x2.5 for a client whose
    latest screen is high, x1.3 for elevated or incomplete (fail closed).
    """
    best: tuple[float, str] | None = None
    for c in case.clients:
        if c.clinician != subject.id:
            continue
        screens = case.history(c.id, _AGGRESSION_ONLY)
        if not screens:
            continue
        score = _aggression_score(c, screens[-1])  # the latest
        level = _aggression_level(score)
        if level is None:
            continue
        odds_ratio = 2.5 if level == "high" else 1.3
        if best is None or odds_ratio > best[0]:
            best = (
                odds_ratio,
                f"a client's aggression screen is {level} (not validated)",
            )
    if best is None:
        return []
    return [
        RiskFactor(
            threat="staff-physical-harm",
            subject=subject.id,
            odds_ratio=best[0],
            reason=best[1],
            source=_ILLUSTRATIVE,
            score=f"{AGGRESSION.id}.total",
        )
    ]


_CSSRS_RULES = (
    ("cssrs.high-risk", 4.0, "C-SSRS screener high risk"),
    (
        "cssrs.incomplete",
        2.0,
        "C-SSRS screener incomplete: treated as at least moderate (fail closed)",
    ),
    ("cssrs.moderate-risk", 2.0, "C-SSRS screener moderate risk"),
    ("cssrs.low-risk", 1.3, "C-SSRS screener low risk"),
)
"""First match wins: a known high finding outranks an incomplete form."""


@hookimpl
def riskcore_risk_factors(
    subject: Subject, scores: Sequence[Score], case: Case
) -> list[RiskFactor] | None:
    """Illustrative odds ratios from the latest administration of each screen.

    For a client, ``client-self-harm``: PHQ-9 item 9 positive x3.0, unanswered
    x1.5 (fail closed), total >= 15 x1.5; C-SSRS high x4.0, incomplete x2.0
    (unless high is already known), moderate x2.0, low x1.3; and
    ``in-session-aggression``: aggression screen high x3.0, elevated or
    incomplete x1.5 (fail closed). For a professional, ``staff-physical-harm``
    from their clients' aggression screens (see :func:`_staff_factors`).
    All are riskcore defaults, not published effect sizes.
    """
    if isinstance(subject, Professional):
        return _staff_factors(subject, case)
    if not isinstance(subject, Client):
        return None
    latest = _latest(scores)
    out: list[RiskFactor] = []

    def add(threat: str, odds_ratio: float, reason: str, score: str) -> None:
        out.append(
            RiskFactor(
                threat=threat,
                subject=subject.id,
                odds_ratio=odds_ratio,
                reason=reason,
                source=_ILLUSTRATIVE,
                score=score,
            )
        )

    phq = latest.get(("phq9", "total"))
    codes = _codes(phq)
    if "phq9.item9-positive" in codes:
        add("client-self-harm", 3.0, "PHQ-9 item 9 endorsed", "phq9.total")
    elif "phq9.item9-unanswered" in codes:
        add(
            "client-self-harm",
            1.5,
            "PHQ-9 item 9 unanswered (fail closed)",
            "phq9.total",
        )
    if phq is not None and phq.value is not None and phq.value >= 15:
        add("client-self-harm", 1.5, "PHQ-9 total 15 or more", "phq9.total")

    ccodes = _codes(latest.get((CSSRS_ID, "risk-level")))
    for code, odds_ratio, reason in _CSSRS_RULES:
        if code in ccodes:
            add("client-self-harm", odds_ratio, reason, f"{CSSRS_ID}.risk-level")
            break

    agg = latest.get((AGGRESSION.id, "total"))
    level = _aggression_level(agg) if agg is not None else None
    if level == "high":
        add(
            "in-session-aggression",
            3.0,
            "aggression screen high (not validated)",
            "aggression-screen.total",
        )
    elif level == "elevated":
        incomplete = agg is not None and agg.value is None
        why = (
            "aggression screen incomplete: treated as elevated (fail closed)"
            if incomplete
            else "aggression screen 1-2 factors (not validated)"
        )
        add("in-session-aggression", 1.5, why, "aggression-screen.total")
    return out
