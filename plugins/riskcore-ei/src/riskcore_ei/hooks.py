"""Hook implementations of riskcore-ei.

Cheap to import: riskcore's model and instrument specs only (no numpy).

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from riskcore import hookimpl
from riskcore.batch import (
    BatchContribution,
    BatchScore,
    BatchView,
    strongest_per_threat,
)
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
from riskcore_ei.instruments import (
    DOMAIN_INSTRUMENT,
    DOMAINS,
    LOW_DOMAIN,
    NOT_MEASURED,
    SPECS,
    WLEIS,
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

THREATS = ("burnout", "boundary-erosion")
_IDS = (WLEIS.id,)
_ILLUSTRATIVE = Source(
    citation="riskcore illustrative default (not from a published effect size)",
    note="Domain map and 'low' threshold are riskcore's inference; override in a site catalog.",
)

RULES: tuple[tuple[str, str, float], ...] = (
    # domain, threat, odds ratio when the domain is low
    ("self-management", "burnout", 1.4),
    ("self-management", "boundary-erosion", 1.5),
    ("self-awareness", "burnout", 1.2),
    ("self-awareness", "boundary-erosion", 1.3),
    ("social-awareness", "boundary-erosion", 1.2),
)
"""Illustrative odds ratios; only the strongest rule per threat applies."""


PLUGIN = "ei"
"""The name this plugin is registered under (its entry point): passed to
the scores it builds, so that :func:`riskcore.assess` need not copy them
to stamp them."""


@hookimpl
def riskcore_assessor_info() -> AssessorInfo:
    """Describe the emotional-intelligence assessor."""
    return AssessorInfo(
        name="ei",
        summary=(
            "WLEIS emotional intelligence of professionals, mapped onto EI domains as "
            "riskcore's inference (relationship management not measured)"
        ),
        instruments=(WLEIS.id,),
        threats=THREATS,
        subject_kinds=(SubjectKind.PROFESSIONAL,),
    )


@hookimpl(optionalhook=True)
def riskcore_instruments() -> tuple[InstrumentSpec, ...]:
    """The WLEIS spec."""
    return SPECS


def _mean(values: Mapping[str, Any], subscales: tuple[str, ...]) -> Any:
    """The mean of the subscales' values; ``None`` if any of them is incomplete.

    Every WLEIS subscale has 4 items, so the mean of subscale means is the mean
    of their items. On numpy columns (the cohort path), NaN for an
    incomplete subscale gives NaN.
    """
    total = 0.0
    for s in subscales:
        v = values.get(s)
        if v is None:
            return None
        total += v
    return total / len(subscales)


def _is_low(value: Any) -> Any:
    """Is a domain value low (below :data:`LOW_DOMAIN`)? Elementwise on arrays."""
    return value < LOW_DOMAIN


def _domains(subject: Subject, values: dict[str, float | None]) -> list[Score]:
    out = []
    for domain, subscales in DOMAINS.items():
        if not subscales:
            value: float | None = None
            reason: str | None = NOT_MEASURED
        else:
            value = _mean(values, subscales)
            reason = (
                None
                if value is not None
                else "a WLEIS subscale behind this domain is incomplete"
            )
        out.append(
            Score.derived(
                plugin=PLUGIN,
                subject=subject.id,
                subject_kind=subject.KIND,
                instrument=DOMAIN_INSTRUMENT,
                scale=domain,
                value=value,
                minimum=1,
                maximum=7,
                band=None
                if value is None
                else ("low" if _is_low(value) else "not-low"),
                missing_reason=reason,
                measured=bool(subscales),
            )
        )
    return out


@hookimpl
def riskcore_assess(subject: Subject, case: Case) -> list[Score] | None:
    """WLEIS subscales and total, then the inferred domain scores."""
    out: list[Score] = []
    for r in case.history(subject.id, _IDS):  # oldest first
        scores = WLEIS.to_scores(r, subject.KIND, plugin=PLUGIN)
        out += scores
        out += _domains(subject, {s.scale: s.value for s in scores})
    return out


def _could_be_low(subject: Subject, case: Case, domain: str) -> str | None:
    """The fail-closed reason if *domain* of the latest WLEIS is incomplete but
    could still be low once its unanswered items are answered, else ``None``.

    The domain is the mean of its subscales; its lowest possible value is the
    mean of their lowest reachable values (:func:`riskcore.instruments.reach`).
    """
    responses = case.history(subject.id, _IDS)
    subscales = DOMAINS.get(domain, ())
    if not responses or not subscales:
        return None
    items = responses[-1].items
    reaches = [WLEIS.reach(items, s, subject=subject.id) for s in subscales]
    lowest = sum(r.low for r in reaches) / len(reaches)
    if not _is_low(lowest):
        return None
    unanswered = sum(r.unanswered for r in reaches)
    items_word = "item" if unanswered == 1 else "items"
    return (
        f"{domain} could be low (WLEIS, riskcore's inferred domain map) with "
        f"{unanswered} unanswered {items_word} (possible from {lowest:g}; fail closed)"
    )


@hookimpl
def riskcore_risk_factors(
    subject: Subject, scores: Sequence[Score], case: Case
) -> list[RiskFactor] | None:
    """Low inferred domains raise burnout and boundary-erosion (see :data:`RULES`).

    A domain left incomplete by unanswered WLEIS items fails closed: its rule
    applies when the domain could still be low once they are answered.
    """
    if not isinstance(subject, Professional):
        return None
    latest: dict[str, Score] = {}
    for s in scores:  # administration order: the last one wins
        if s.plugin in (None, "ei") and s.instrument == DOMAIN_INSTRUMENT:
            latest[s.scale] = s
    could: dict[str, str | None] = {}
    best: dict[str, RiskFactor] = {}
    for domain, threat, odds_ratio in RULES:
        found = latest.get(domain)
        if found is None:
            continue
        if found.band == "low":
            reason = f"low {domain} (WLEIS, riskcore's inferred domain map)"
        elif found.value is None and found.measured:
            if domain not in could:
                could[domain] = _could_be_low(subject, case, domain)
            why = could[domain]
            if why is None:
                continue
            reason = why
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
            score=f"{DOMAIN_INSTRUMENT}.{domain}",
        )
    return [best[t] for t in THREATS if t in best]


@hookimpl(optionalhook=True)
def riskcore_batch_factors(batch: BatchView) -> BatchContribution | None:
    """The columnar twin of :func:`riskcore_assess` and :func:`riskcore_risk_factors`.

    The inferred domains (:func:`_mean` and :func:`_is_low` on whole columns)
    for every row that took the WLEIS; for professionals, :data:`RULES`, the
    strongest rule per threat; an incomplete domain counts when it could
    still be low (the mean of its subscales' lowest reaches).
    """
    import numpy as np

    r = batch.result(WLEIS.id)
    if r is None:
        return None
    n = batch.n
    adm = batch.administered(WLEIS.id)
    scores = []
    low: dict[str, Any] = {}
    for domain, subscales in DOMAINS.items():
        if not subscales:  # not measured: complete by design
            scores.append(
                BatchScore(
                    instrument=DOMAIN_INSTRUMENT,
                    scale=domain,
                    present=adm,
                    complete=adm,
                )
            )
            continue
        value = _mean(r.values, subscales)
        known = adm & ~np.isnan(value)
        scores.append(
            BatchScore(
                instrument=DOMAIN_INSTRUMENT, scale=domain, present=adm, complete=known
            )
        )
        low[domain] = known & _is_low(value)
        open_ = adm & ~known  # could it be low? the mean of the lowest reaches
        if open_.any():
            lows = []
            for sub in subscales:
                at, reaches = batch.reaches(WLEIS.id, sub, open_)
                lows.append(np.array([*(x.low for x in reaches), np.nan])[at])
            lowest = sum(lows) / len(lows)
            low[domain] |= open_ & _is_low(lowest)
    if batch.kind is not SubjectKind.PROFESSIONAL:
        return BatchContribution(scores=scores)
    hits = [
        (threat, odds_ratio, low.get(domain, np.zeros(n, dtype=bool)))
        for domain, threat, odds_ratio in RULES
    ]
    return BatchContribution(
        factors=strongest_per_threat(n, THREATS, hits), scores=scores
    )
