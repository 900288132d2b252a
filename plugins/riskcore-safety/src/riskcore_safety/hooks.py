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

import datetime as dt
from collections.abc import Sequence
from typing import Any

from riskcore import hookimpl
from riskcore.batch import (
    BatchBand,
    BatchContribution,
    BatchFactor,
    BatchFlag,
    BatchView,
)
from riskcore.instruments import InstrumentSpec, Reach, valid_answers
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
    CSSRS_LOOKBACK_DAYS,
    PHQ9,
    SPECS,
    CssrsTriage,
    triage_cssrs,
)

__all__ = [
    "PHQ9_ITEM9_ODDS_RATIO",
    "PHQ9_SELF_HARM_BANDS",
    "THREATS",
    "riskcore_assess",
    "riskcore_assessor_info",
    "riskcore_batch_factors",
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
_CSSRS_ONLY = (CSSRS_ID,)
_PHQ9_ONLY = (PHQ9.id,)

# PHQ-9 item 9 on client-self-harm. Simon GE, Rutter CM, Peterson D, et al.
# (2013). Does response on the PHQ-9 depression questionnaire predict subsequent
# suicide attempt or suicide death? Psychiatric Services 64(12):1195-1202,
# doi:10.1176/appi.ps.201200587 (abstract, checked in the stored PubMed and
# psychiatryonline copies): one-year cumulative risk of a suicide attempt rose
# from 0.4 % ("not at all") to 4 % ("nearly every day"), and item 9 "remained a
# strong predictor" after adjustment for age, sex, treatment history and
# depression severity. The adjusted hazard ratio for a positive answer (>= 1,
# "several days" or more) could not be confirmed in a stored source, so x3.0
# stays riskcore's illustrative default, modelled on that study (the crude
# 0.4 % -> 4 % contrast, about x10, is for "nearly every day" alone and is not
# adjusted for the other factors here). An unanswered item 9 counts as the worst
# plausible answer (issue 13): the same factor, never a smaller one.
PHQ9_ITEM9_ODDS_RATIO = 3.0
"""Illustrative odds ratio of PHQ-9 item 9 >= 1 (or unanswered) on client-self-harm."""
_PHQ9_ITEM9_SOURCE = Source(
    citation=(
        "riskcore illustrative default, modelled on Simon, G. E., Rutter, C. M., "
        "Peterson, D., et al. (2013). Does response on the PHQ-9 depression "
        "questionnaire predict subsequent suicide attempt or suicide death? "
        "Psychiatric Services, 64(12), 1195-1202."
    ),
    url="https://doi.org/10.1176/appi.ps.201200587",
    note=(
        "Illustrative: the study reports one-year suicide-attempt risk of 0.4 % "
        "after 'not at all' and 4 % after 'nearly every day'; its adjusted effect "
        "of any positive answer was not confirmed, so x3.0 is not a published "
        "figure. Unanswered item 9 counts as positive (fail closed). Override in "
        "a site catalog."
    ),
)
PHQ9_SELF_HARM_BANDS = ("moderately-severe", "severe")
"""PHQ-9 bands (total >= 15) that move client-self-harm (x1.5, illustrative)."""
PHQ9_BAND_ODDS_RATIO = 1.5
"""Illustrative odds ratio of a PHQ-9 total in :data:`PHQ9_SELF_HARM_BANDS`."""
_AGGRESSION_ODDS = {"high": 3.0, "elevated": 1.5}
"""Illustrative odds ratios of an aggression finding on in-session-aggression."""


PLUGIN = "safety"
"""The name this plugin is registered under (its entry point): passed to
the scores it builds, so that :func:`riskcore.assess` need not copy them
to stamp them."""


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


CRITICAL_LIFTS: dict[str, tuple[str, ...]] = {
    "phq9.item9": ("self-harm",),
    "cssrs.": ("self-harm",),
    "aggression.": ("aggression",),
}
"""The threat categories this plugin's critical flags lift, by flag-code prefix:
PHQ-9 item 9 and the C-SSRS flags self-harm, the aggression screen aggression."""


@hookimpl(optionalhook=True)
def riskcore_critical_lifts() -> dict[str, tuple[str, ...]]:
    """Declare which threat categories the safety flags lift (not the core)."""
    return dict(CRITICAL_LIFTS)


@hookimpl(optionalhook=True)
def riskcore_instruments() -> tuple[InstrumentSpec, ...]:
    """The specs scored through riskcore's engine (the C-SSRS is rule-based)."""
    return SPECS


def _cssrs_score(subject: Subject, r: InstrumentResponse) -> Score:
    t = triage_cssrs(r.items, subject.id)
    if t.complete:
        return Score.derived(
            plugin=PLUGIN,
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
        plugin=PLUGIN,
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
    [total] = AGGRESSION.to_scores(r, subject.KIND, plugin=PLUGIN)
    # Threats made, or its answer invalid (the worst plausible answer counts).
    threats = any(f.code in _THREATS_CODES for f in total.flags)
    if not threats and not _aggression_high(list(r.items.values()).count(1)):
        return total  # the spec's band stands
    return Score.derived(
        plugin=PLUGIN,
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


def _aggression_high(present: Any) -> Any:
    """riskcore's count rule: :data:`AGGRESSION_HIGH_COUNT` or more factors
    present make the screen high (elementwise on arrays)."""
    return present >= AGGRESSION_HIGH_COUNT


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
            out += _BY_ID[r.instrument].to_scores(r, subject.KIND, plugin=PLUGIN)
    return out


def _latest(scores: Sequence[Score]) -> dict[tuple[str, str], Score]:
    out: dict[tuple[str, str], Score] = {}
    for s in scores:  # in administration order: the last one wins
        if s.plugin in (None, "safety"):
            out[(s.instrument, s.scale)] = s
    return out


def _codes(s: Score | None) -> set[str]:
    return {f.code for f in s.flags} if s is not None else set()


def _aggression_finding(
    subject: Subject, response: InstrumentResponse
) -> tuple[str, str] | None:
    """``(level, why)`` of one aggression screen, or ``None`` for nothing found.

    ``"high"`` (threats made, or 3+ factors: riskcore's rule), ``"elevated"``
    (1-2 factors) or ``None``. An incomplete screen fails closed: it is
    ``"high"`` when it could still reach the high band
    (:func:`riskcore.instruments.reach`) or its critical item, threats made,
    is unanswered (the worst plausible answer counts), and at least
    ``"elevated"`` otherwise.
    """
    score = _aggression_score(subject, response)
    if score.band == "high":
        return "high", "aggression screen high (not validated)"
    if score.complete:
        if score.band == "elevated":
            return "elevated", "aggression screen elevated (1-2 factors; not validated)"
        return None
    reach = AGGRESSION.reach(response.items, subject=subject.id)
    if reach.could_reach("high"):
        return "high", f"{reach.reason('high')} (not validated)"
    if valid_answers(AGGRESSION, response.items)[0][_THREATS_ITEM] is None:
        return "high", (
            "aggression screen incomplete: 'threats made' unanswered, read as yes, "
            "so high (fail closed; not validated)"
        )
    return "elevated", "aggression screen incomplete: treated as elevated (fail closed)"


_THREATS_ITEM = "threats-made"
_THREATS_CODES = (
    AGGRESSION_HIGH_FLAG.code,
    *(c.invalid_flag.code for c in AGGRESSION.critical if c.item == _THREATS_ITEM),
)


def _staff_factors(subject: Professional, case: Case) -> list[RiskFactor]:
    """``staff-physical-harm`` of a clinician, from their clients' aggression screens.

    The strongest finding on the caseload counts once: x2.5 for a client whose
    latest screen is high (or incomplete and could be high), x1.3 for elevated
    or incomplete (fail closed).
    """
    best: tuple[float, str] | None = None
    for c in case.clients_of(subject.id):  # indexed: not a scan per professional
        screens = case.history(c.id, _AGGRESSION_ONLY)
        if not screens:
            continue
        found = _aggression_finding(c, screens[-1])  # the latest
        if found is None:
            continue
        level, why = found
        odds_ratio = 2.5 if level == "high" else 1.3
        if best is None or odds_ratio > best[0]:
            best = (odds_ratio, f"a client's {why}")
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


_CSSRS_ODDS = {"high": 4.0, "moderate": 2.0, "low": 1.3}
"""Illustrative odds ratios of the C-SSRS levels on client-self-harm; an
incomplete screen counts as at least moderate, and as high when its worst
plausible answers are (fail closed)."""


def _cssrs_latest(t: CssrsTriage) -> tuple[float, str] | None:
    """The factor of the latest C-SSRS screen: ``(odds ratio, reason)``."""
    level = t.level
    if level == "high":
        why = "C-SSRS screener high risk"
        if any(f.code == "cssrs.6b-unanswered" for f in t.flags):
            why += (
                " (Q6 behaviour yes, Q6b unanswered: treated as within the past "
                "3 months; fail closed)"
            )
        return _CSSRS_ODDS["high"], why
    if not t.complete:
        unanswered = [p.split()[1] for p in t.problems if p.endswith("unanswered")]
        if t.plausible == "high" and unanswered:
            return _CSSRS_ODDS["high"], (
                "C-SSRS screener incomplete: question(s) "
                f"{', '.join(unanswered)} unanswered, and yes would be high risk "
                "(worst plausible answer; fail closed)"
            )
        return max(_CSSRS_ODDS["moderate"], _CSSRS_ODDS.get(level, 0.0)), (
            "C-SSRS screener incomplete: treated as at least moderate (fail closed)"
        )
    if level in _CSSRS_ODDS:
        return _CSSRS_ODDS[level], f"C-SSRS screener {level} risk"
    return None


def _reference_day(case: Case, screens: Sequence[InstrumentResponse]) -> dt.date | None:
    """The day the look-back window ends.

    The case's ``assessed_on``; without it, the latest administration of the
    subject's screens (today is no earlier than that, so measuring from it
    keeps a finding at least as long as measuring from today would); ``None``
    if nothing is dated.
    """
    if case.assessed_on is not None:
        return case.assessed_on
    days = [r.administered for r in screens if r.administered is not None]
    return max(days) if days else None


def _cssrs_persisting(
    subject: Subject, case: Case, screens: Sequence[InstrumentResponse]
) -> tuple[float, str] | None:
    """Recent suicidal behaviour from any screen in the look-back window.

    A screen with Q6 yes and Q6b yes (or unanswered) administered at most
    :data:`~riskcore_safety.instruments.CSSRS_LOOKBACK_DAYS` days before the
    reference day (:func:`_reference_day`) keeps the high-risk factor,
    whatever a later screen says. Undated screens are kept (nothing shows
    they are older than the window: fail closed), as are screens dated after
    the reference day. The reason names days, never a date.
    """
    ref = _reference_day(case, screens)
    best: tuple[int, str] | None = None  # (age in days, why); the most recent wins
    for r in screens:
        if not triage_cssrs(r.items, subject.id).recent_behaviour:
            continue
        if r.administered is None or ref is None:
            age, when = -(10**9), "an undated C-SSRS screener (kept: fail closed)"
        else:
            age = (ref - r.administered).days
            if age > CSSRS_LOOKBACK_DAYS:
                continue
            when = (
                f"a C-SSRS screener {age} day(s) before the assessment"
                if age >= 0
                else "a C-SSRS screener dated after the assessment"
            )
        if best is None or age < best[0]:
            best = (age, when)
    if best is None:
        return None
    return _CSSRS_ODDS["high"], (
        f"{best[1]} reported suicidal behaviour within the past 3 months; it "
        f"counts for {CSSRS_LOOKBACK_DAYS} days whatever a later screen says"
    )


def _cssrs_factor(subject: Subject, case: Case) -> tuple[float, str] | None:
    """The one C-SSRS factor on client-self-harm: the stronger of the latest
    screen's and of recent behaviour in the look-back window (the latest's
    reason on a tie)."""
    screens = case.history(subject.id, _CSSRS_ONLY)  # oldest first
    if not screens:
        return None
    latest = _cssrs_latest(triage_cssrs(screens[-1].items, subject.id))
    persisting = _cssrs_persisting(subject, case, screens)
    if persisting is None or (latest is not None and latest[0] >= persisting[0]):
        return latest
    return persisting


def _phq9_reach(subject: Subject, case: Case) -> Reach | None:
    """What the latest PHQ-9's total could still be (``None``: no PHQ-9)."""
    screens = case.history(subject.id, _PHQ9_ONLY)
    if not screens:
        return None
    return PHQ9.reach(screens[-1].items, subject=subject.id)


@hookimpl
def riskcore_risk_factors(
    subject: Subject, scores: Sequence[Score], case: Case
) -> list[RiskFactor] | None:
    """Odds ratios from the latest administration of each screen, failing closed.

    For a client, ``client-self-harm``:

    * PHQ-9 item 9 positive x3.0, or **unanswered x3.0** (the worst plausible
      answer; :data:`PHQ9_ITEM9_ODDS_RATIO`, modelled on Simon et al. 2013);
    * PHQ-9 total >= 15 x1.5, or an incomplete PHQ-9 that could still reach 15
      (:func:`riskcore.instruments.reach`);
    * one C-SSRS factor: high x4.0 (Q6 yes with Q6b unanswered is high),
      incomplete x4.0 when yes to an unanswered question would be high, else
      x2.0, moderate x2.0, low x1.3; and recent suicidal behaviour (Q6/Q6b)
      on any screen within :data:`~riskcore_safety.instruments.CSSRS_LOOKBACK_DAYS`
      days keeps x4.0 whatever a later screen says.

    ``in-session-aggression``: aggression screen high x3.0 (or incomplete and
    could be high), elevated or incomplete x1.5 (fail closed). For a
    professional, ``staff-physical-harm`` from their clients' aggression
    screens (see :func:`_staff_factors`). All odds ratios are riskcore
    defaults, not published effect sizes.
    """
    if isinstance(subject, Professional):
        return _staff_factors(subject, case)
    if not isinstance(subject, Client):
        return None
    latest = _latest(scores)
    out: list[RiskFactor] = []

    def add(
        threat: str,
        odds_ratio: float,
        reason: str,
        score: str,
        source: Source = _ILLUSTRATIVE,
    ) -> None:
        out.append(
            RiskFactor(
                threat=threat,
                subject=subject.id,
                odds_ratio=odds_ratio,
                reason=reason,
                source=source,
                score=score,
            )
        )

    phq = latest.get(("phq9", "total"))
    codes = _codes(phq)
    if "phq9.item9-positive" in codes:
        add(
            "client-self-harm",
            PHQ9_ITEM9_ODDS_RATIO,
            "PHQ-9 item 9 endorsed",
            "phq9.total",
            _PHQ9_ITEM9_SOURCE,
        )
    elif "phq9.item9-unanswered" in codes:
        add(
            "client-self-harm",
            PHQ9_ITEM9_ODDS_RATIO,
            "PHQ-9 item 9 unanswered: counted as endorsed (worst plausible answer; "
            "fail closed)",
            "phq9.total",
            _PHQ9_ITEM9_SOURCE,
        )
    elif "phq9.item9-invalid" in codes:
        add(
            "client-self-harm",
            PHQ9_ITEM9_ODDS_RATIO,
            "PHQ-9 item 9 answer invalid: counted as endorsed (worst plausible "
            "answer; fail closed)",
            "phq9.total",
            _PHQ9_ITEM9_SOURCE,
        )
    if phq is not None and phq.band in PHQ9_SELF_HARM_BANDS:
        add(
            "client-self-harm",
            PHQ9_BAND_ODDS_RATIO,
            "PHQ-9 total 15 or more",
            "phq9.total",
        )
    elif phq is not None and not phq.complete:
        reach = _phq9_reach(subject, case)
        band = next(
            (b for b in PHQ9_SELF_HARM_BANDS if reach and reach.could_reach(b)), None
        )
        if reach is not None and band is not None:
            add(
                "client-self-harm",
                PHQ9_BAND_ODDS_RATIO,
                reach.reason(band),
                "phq9.total",
            )

    cssrs = _cssrs_factor(subject, case)
    if cssrs is not None:
        add("client-self-harm", cssrs[0], cssrs[1], f"{CSSRS_ID}.risk-level")

    screens = case.history(subject.id, _AGGRESSION_ONLY)
    found = _aggression_finding(subject, screens[-1]) if screens else None
    if found is not None:
        level, why = found
        add(
            "in-session-aggression",
            _AGGRESSION_ODDS[level],
            why,
            "aggression-screen.total",
        )
    return out


@hookimpl(optionalhook=True)
def riskcore_batch_factors(batch: BatchView) -> BatchContribution | None:
    """The columnar twin of :func:`riskcore_assess` and :func:`riskcore_risk_factors`.

    The same rules and odds ratios, on whole columns: the aggression screen's
    "high" rule (flag and band), PHQ-9 item 9 (endorsed, unanswered or
    invalid), the PHQ-9 band, and the aggression finding; an incomplete
    PHQ-9 or aggression screen fails closed through the same
    :func:`riskcore.instruments.reach` (:meth:`~riskcore.batch.BatchView.reaches`).
    C-SSRS rows go to the object path (the engine sends every rule-based
    instrument there). A cohort row has no caseload,
    so a professional gets no ``staff-physical-harm`` factor (as on the
    object path for a professional without clients).
    """
    import numpy as np

    n = batch.n
    flags: list[BatchFlag] = []
    bands: list[BatchBand] = []
    factors: list[BatchFactor] = []
    client = batch.kind is SubjectKind.CLIENT

    phq = batch.result(PHQ9.id)
    if client and phq is not None:
        adm = batch.administered(PHQ9.id)
        item9 = np.zeros(n, dtype=bool)
        for code in (
            "phq9.item9-positive",
            "phq9.item9-unanswered",
            "phq9.item9-invalid",
        ):
            if code in phq.flags:
                item9 |= phq.flags[code]
        factors.append(
            BatchFactor(
                threat="client-self-harm",
                odds_ratio=np.where(adm & item9, PHQ9_ITEM9_ODDS_RATIO, 1.0),
                score="phq9.total",
            )
        )
        labels = PHQ9.scale("total").labels
        codes = [labels.index(b) for b in PHQ9_SELF_HARM_BANDS]
        in_band = adm & np.isin(phq.band_codes["total"], codes)
        # An incomplete PHQ-9 that could still reach 15 counts (reach, fail closed).
        open_ = adm & ~in_band & ~phq.complete["total"]
        at, reaches = batch.reaches(PHQ9.id, "total", open_)
        could = [any(r.could_reach(b) for b in PHQ9_SELF_HARM_BANDS) for r in reaches]
        in_band |= open_ & np.array([*could, False])[at]
        factors.append(
            BatchFactor(
                threat="client-self-harm",
                odds_ratio=np.where(in_band, PHQ9_BAND_ODDS_RATIO, 1.0),
                score="phq9.total",
            )
        )

    agg = batch.result(AGGRESSION.id)
    if agg is not None:
        adm = batch.administered(AGGRESSION.id)
        threats = np.zeros(n, dtype=bool)
        for code in _THREATS_CODES:
            if code in agg.flags:
                threats |= agg.flags[code]
        present = (batch.answers(AGGRESSION.id) == 1).sum(axis=1)
        rule = adm & (threats | _aggression_high(present))
        flags.append(
            BatchFlag(
                instrument=AGGRESSION.id,
                flag=AGGRESSION_HIGH_FLAG,
                rows=rule & ~threats,
            )
        )
        bands.append(
            BatchBand(instrument=AGGRESSION.id, scale="total", label="high", rows=rule)
        )
        if client:
            labels = AGGRESSION.scale("total").labels
            band = agg.band_codes["total"]
            high = rule | (adm & (band == labels.index("high")))
            complete = adm & agg.complete["total"]
            elevated = complete & ~high & (band == labels.index("elevated"))
            # Incomplete: high when it could reach high or 'threats made' is
            # unanswered (worst plausible answers), else elevated (fail closed).
            open_ = adm & ~high & ~complete
            at, reaches = batch.reaches(AGGRESSION.id, "total", open_)
            could = np.array([*(r.could_reach("high") for r in reaches), False])[at]
            item = AGGRESSION.item_ids.index(_THREATS_ITEM)
            unanswered = np.isnan(batch.answers(AGGRESSION.id)[:, item])
            high = high | (open_ & (could | unanswered))
            elevated = elevated | (open_ & ~high)
            factors.append(
                BatchFactor(
                    threat="in-session-aggression",
                    odds_ratio=np.where(
                        high,
                        _AGGRESSION_ODDS["high"],
                        np.where(elevated, _AGGRESSION_ODDS["elevated"], 1.0),
                    ),
                    score="aggression-screen.total",
                )
            )
    return BatchContribution(factors=factors, flags=flags, bands=bands)
