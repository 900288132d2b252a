"""Hook implementations of riskcore-safety.

Cheap to import: riskcore's model and instrument specs only (no numpy).

Fairness
--------
Nothing here reads a subject's protected attributes. The factors on
``client-self-harm``, ``in-session-aggression`` and ``staff-physical-harm`` come
only from instrument answers.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import attrs

from riskcore import hookimpl
from riskcore.instruments import InstrumentSpec
from riskcore.model import (
    AssessorInfo,
    Case,
    Client,
    InstrumentResponse,
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
        subject_kinds=(SubjectKind.CLIENT,),
    )


@hookimpl(optionalhook=True)
def riskcore_instruments() -> tuple[InstrumentSpec, ...]:
    """The specs scored through riskcore's engine (the C-SSRS is rule-based)."""
    return SPECS


def _order(r: InstrumentResponse) -> dt.date:
    return r.administered or dt.date.min


def _cssrs_score(subject: Subject, r: InstrumentResponse) -> Score:
    t = triage_cssrs(r.items, subject.id)
    if t.complete:
        return Score(
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
    return Score(
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


def _aggression_scores(subject: Subject, r: InstrumentResponse) -> list[Score]:
    res = AGGRESSION.score(r)
    [total] = res.to_scores(subject.KIND)
    present = sum(1 for v in r.items.values() if v == 1)
    flagged = any(f.code == AGGRESSION_HIGH_FLAG.code for f in total.flags)
    if present >= AGGRESSION_HIGH_COUNT and not flagged:
        total = attrs.evolve(total, flags=(*total.flags, AGGRESSION_HIGH_FLAG))
        flagged = True
    if flagged:
        # "high" by rule: threats made, or 3+ factors (even if others are unanswered).
        total = attrs.evolve(total, band="high")
    return [total]


def _scores(subject: Subject, case: Case) -> Iterator[Score]:
    for r in sorted(case.responses_for(subject.id), key=_order):
        if r.instrument == CSSRS_ID:
            yield _cssrs_score(subject, r)
        elif r.instrument == AGGRESSION.id:
            yield from _aggression_scores(subject, r)
        elif r.instrument in _BY_ID:
            yield from _BY_ID[r.instrument].score(r).to_scores(subject.KIND)


@hookimpl
def riskcore_assess(subject: Subject, case: Case) -> list[Score] | None:
    """Score the subject's PHQ-9, GAD-7, C-SSRS screener and aggression screen."""
    return list(_scores(subject, case))


def _latest(scores: Sequence[Score]) -> dict[tuple[str, str], Score]:
    out: dict[tuple[str, str], Score] = {}
    for s in scores:  # in administration order: the last one wins
        if s.plugin in (None, "safety"):
            out[(s.instrument, s.scale)] = s
    return out


def _codes(s: Score | None) -> set[str]:
    return {f.code for f in s.flags} if s is not None else set()


@hookimpl
def riskcore_risk_factors(
    subject: Subject, scores: Sequence[Score]
) -> list[RiskFactor] | None:
    """Illustrative odds ratios from the latest administration of each screen.

    ``client-self-harm``: PHQ-9 item 9 positive x3.0, unanswered x1.5 (fail
    closed), total >= 15 x1.5; C-SSRS high x4.0, moderate x2.0, low x1.3,
    incomplete x2.0 unless a higher level is already known.
    ``in-session-aggression`` / ``staff-physical-harm``: aggression screen high
    x3.0 / x2.5, elevated x1.5 / x1.3, incomplete without a high finding x1.5 /
    x1.3 (fail closed). All are riskcore defaults, not published effect sizes.
    """
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

    cssrs = latest.get((CSSRS_ID, "risk-level"))
    if cssrs is not None:
        ccodes = _codes(cssrs)
        if "cssrs.high-risk" in ccodes:
            add(
                "client-self-harm",
                4.0,
                "C-SSRS screener high risk",
                f"{CSSRS_ID}.risk-level",
            )
        elif "cssrs.incomplete" in ccodes:
            add(
                "client-self-harm",
                2.0,
                "C-SSRS screener incomplete: treated as at least moderate (fail closed)",
                f"{CSSRS_ID}.risk-level",
            )
        elif "cssrs.moderate-risk" in ccodes:
            add(
                "client-self-harm",
                2.0,
                "C-SSRS screener moderate risk",
                f"{CSSRS_ID}.risk-level",
            )
        elif "cssrs.low-risk" in ccodes:
            add(
                "client-self-harm",
                1.3,
                "C-SSRS screener low risk",
                f"{CSSRS_ID}.risk-level",
            )

    agg = latest.get((AGGRESSION.id, "total"))
    if agg is not None:
        name = f"{AGGRESSION.id}.total"
        if agg.band == "high":
            add(
                "in-session-aggression",
                3.0,
                "aggression screen high (not validated)",
                name,
            )
            add(
                "staff-physical-harm",
                2.5,
                "aggression screen high (not validated)",
                name,
            )
        elif agg.band == "elevated":
            add(
                "in-session-aggression",
                1.5,
                "aggression screen 1-2 factors (not validated)",
                name,
            )
            add(
                "staff-physical-harm",
                1.3,
                "aggression screen 1-2 factors (not validated)",
                name,
            )
        elif agg.value is None:
            why = "aggression screen incomplete: treated as elevated (fail closed)"
            add("in-session-aggression", 1.5, why, name)
            add("staff-physical-harm", 1.3, why, name)
    return out
