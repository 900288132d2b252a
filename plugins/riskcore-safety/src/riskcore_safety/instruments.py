"""The safety instruments, as data, plus the C-SSRS screener's triage rules.

PHQ-9, GAD-7 and the aggression screen are :class:`~riskcore.instruments.InstrumentSpec`
data scored by riskcore's instrument engine. The C-SSRS screener has no total: its
risk comes from which questions are endorsed and its skip logic, so
:func:`triage_cssrs` implements those rules (the engine has no skip-logic or
rule-based instruments; see the README).

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, cast

from attrs import frozen

from riskcore.errors import shown
from riskcore.instruments import (
    Band,
    CriticalItem,
    InstrumentSpec,
    Item,
    Loinc,
    Reliability,
    answer_problem,
    uniform_items,
)
from riskcore.model import Flag, FlagLevel, Source

__all__ = [
    "AGGRESSION",
    "AGGRESSION_ITEMS",
    "CSSRS_6B_UNANSWERED",
    "CSSRS_ID",
    "CSSRS_INCOMPLETE",
    "CSSRS_ITEMS",
    "CSSRS_ITEM_INVALID",
    "CSSRS_LEVELS",
    "CSSRS_LOOKBACK_DAYS",
    "GAD7",
    "PHQ9",
    "SPECS",
    "CssrsTriage",
    "triage_cssrs",
]

# ---------------------------------------------------------------------- PHQ-9
# Kroenke K, Spitzer RL, Williams JBW (2001). The PHQ-9: validity of a brief
# depression severity measure. J Gen Intern Med 16(9):606-613.
# Bands 5/10/15/20 = lower ends of mild, moderate, moderately severe, severe
# (Kroenke 2001, abstract). Item 9 escalates at >= 1 whatever the total (the
# PHQ-9 form's footnote). Missing items: the PHQ manual gives no rule; riskcore
# follows the research convention documented in the qscorer package
# (scoring_phq9, citing Arrieta et al. 2017): up to 2 missing items are replaced
# by the mean of the answered items (total = mean x 9); 3 or more -> incomplete.
PHQ9: Final = InstrumentSpec(
    id="phq9",
    name="Patient Health Questionnaire-9 (PHQ-9)",
    items=uniform_items(9, 0, 3),
    max_missing=2,
    bands=[
        Band(label="minimal", lower=0, upper=5),
        Band(label="mild", lower=5, upper=10),
        Band(label="moderate", lower=10, upper=15),
        Band(label="moderately-severe", lower=15, upper=20),
        Band(label="severe", lower=20),
    ],
    critical=[
        CriticalItem(
            item="9",
            threshold=1,
            code="phq9.item9-positive",
            level=FlagLevel.CRITICAL,
            message="PHQ-9 item 9 (thoughts of death or self-harm) endorsed",
            escalation="same-day suicide risk assessment by a clinician",
            unanswered_code="phq9.item9-unanswered",
            invalid_code="phq9.item9-invalid",
            unanswered_message=(
                "PHQ-9 item 9 unanswered: ask about thoughts of death or self-harm; "
                "never read as 'no'"
            ),
        )
    ],
    citation=(
        "Kroenke, K., Spitzer, R. L., & Williams, J. B. W. (2001). The PHQ-9: validity "
        "of a brief depression severity measure. Journal of General Internal Medicine, "
        "16(9), 606-613. Missing-item convention: Arrieta et al. (2017) as documented "
        "in the qscorer R package (scoring_phq9)."
    ),
    licence=(
        "No permission is required to reproduce, translate, display or distribute "
        "(PHQ Screeners). Item text not bundled in this release."
    ),
    loinc=Loinc(panel="44249-1", total="44261-6", items={"9": "44260-8"}),
    reliability=[
        Reliability(
            sd=5.0,
            r=0.84,
            kind="test-retest",
            source="illustrative: SD 5.0 assumed; r = .84 unconfirmed in a stored source",
            illustrative=True,
        )
    ],
)

# ---------------------------------------------------------------------- GAD-7
# Spitzer RL, Kroenke K, Williams JBW, Löwe B (2006). A brief measure for
# assessing generalized anxiety disorder: the GAD-7. Arch Intern Med
# 166(10):1092-1097. Bands 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe.
# No missing-item rule is published: strict.
GAD7: Final = InstrumentSpec(
    id="gad7",
    name="Generalized Anxiety Disorder-7 (GAD-7)",
    items=uniform_items(7, 0, 3),
    bands=[
        Band(label="minimal", lower=0, upper=5),
        Band(label="mild", lower=5, upper=10),
        Band(label="moderate", lower=10, upper=15),
        Band(label="severe", lower=15),
    ],
    citation=(
        "Spitzer, R. L., Kroenke, K., Williams, J. B. W., & Löwe, B. (2006). A brief "
        "measure for assessing generalized anxiety disorder: the GAD-7. Archives of "
        "Internal Medicine, 166(10), 1092-1097."
    ),
    licence="As the PHQ-9: no permission required. Item text not bundled in this release.",
    loinc=Loinc(panel="69737-5", total="70274-6"),
)

# ---------------------------------------------------------- aggression screen
# NOT a validated instrument. A checklist of risk factors for violence that are
# documented across structured professional judgement tools and reviews
# (history of violence, intoxication, threats, weapon access, recent
# escalation). riskcore rule: "high" when threats were made or 3+ factors are
# present. Strict: an unanswered item makes the count incomplete (a positive
# answer still flags).
AGGRESSION_ITEMS: Final = (
    "history-of-violence",
    "intoxication",
    "threats-made",
    "weapon-access",
    "recent-escalation",
)

AGGRESSION: Final = InstrumentSpec(
    id="aggression-screen",
    name="riskcore aggression screen (NOT a validated instrument)",
    items=[Item(id=i, minimum=0, maximum=1) for i in AGGRESSION_ITEMS],
    bands=[
        Band(label="none", lower=0, upper=1),
        Band(label="elevated", lower=1, upper=3),
        Band(label="high", lower=3),
    ],
    critical=[
        CriticalItem(
            item="threats-made",
            threshold=1,
            code="aggression.high",
            level=FlagLevel.CRITICAL,
            message="Aggression screen: threats made (not a validated instrument)",
            escalation="structured violence risk assessment and a safety plan before the next contact",
        )
    ],
    citation="riskcore checklist of documented risk factors; not a validated instrument.",
    licence="MIT (riskcore).",
)

AGGRESSION_HIGH_COUNT: Final = 3
AGGRESSION_HIGH_FLAG: Final = Flag(
    code="aggression.high",
    level=FlagLevel.CRITICAL,
    message="Aggression screen: 3 or more risk factors present (not a validated instrument)",
    escalation="structured violence risk assessment and a safety plan before the next contact",
)

SPECS: Final = (PHQ9, GAD7, AGGRESSION)
"""The specs this plugin scores through riskcore's instrument engine."""

# --------------------------------------------------------- C-SSRS screener
# Posner K, Brown GK, Stanley B, et al. (2011). The Columbia-Suicide Severity
# Rating Scale. Am J Psychiatry 168(12):1266-1277. Screener ("recent"): Q1-Q2
# and Q6 always asked; Q3-Q5 only if Q2 = yes; Q6b only if Q6 = yes (enableWhen
# of the LOINC 93373-9 questionnaire). Triage (Columbia Lighthouse Project):
# high = Q4 or Q5 yes, or Q6 yes within the past 3 months; moderate = Q3 yes, or
# Q6 yes more than 3 months ago; low = Q1 or Q2 yes only.
# Fail closed (riskcore policy, issue 13): Q6 yes with Q6b unanswered is read as
# "yes, within the past 3 months" -- the worst plausible answer -- so high, with
# the flag cssrs.6b-unanswered saying so. cssrs.columbia.edu triage: "the most
# worrisome answers are ... any recent (3 months) behavior"; a behaviour of
# unknown date cannot be shown not to be recent.
CSSRS_ID: Final = "cssrs-screener"
CSSRS_ITEMS: Final = ("1", "2", "3", "4", "5", "6", "6b")
CSSRS_LEVELS: Final = ("none", "low", "moderate", "high")
CSSRS_SOURCE: Final = Source(
    citation=(
        "Posner, K., Brown, G. K., Stanley, B., et al. (2011). The Columbia-Suicide "
        "Severity Rating Scale: initial validity and internal consistency findings. "
        "American Journal of Psychiatry, 168(12), 1266-1277."
    ),
    url="https://cssrs.columbia.edu/",
    note="Logic and question ids only; item text needs Columbia's permission.",
)

_CSSRS_FLAGS: Final = {
    "high": Flag(
        code="cssrs.high-risk",
        level=FlagLevel.CRITICAL,
        message="C-SSRS screener: high risk (Q4 or Q5 yes, or behaviour in the past 3 months)",
        escalation="immediate safety precautions; do not leave the client alone; same-day evaluation",
    ),
    "moderate": Flag(
        code="cssrs.moderate-risk",
        level=FlagLevel.WARNING,
        message="C-SSRS screener: moderate risk (Q3 yes, or behaviour more than 3 months ago)",
        escalation="clinician suicide risk assessment and safety planning",
    ),
    "low": Flag(
        code="cssrs.low-risk",
        level=FlagLevel.INFO,
        message="C-SSRS screener: low risk (Q1 or Q2 yes only)",
        escalation="follow up and offer behavioural health support",
    ),
}

CSSRS_6B_UNANSWERED: Final = Flag(
    code="cssrs.6b-unanswered",
    level=FlagLevel.CRITICAL,
    message=(
        "C-SSRS screener: Q6 (suicidal behaviour) yes but Q6b (within the past 3 "
        "months?) unanswered: treated as within the past 3 months, so high risk "
        "(fail closed)"
    ),
    escalation="ask Q6b now; until it is answered, act as for high risk",
)
"""Q6 yes with Q6b missing: the worst plausible answer (recent) counts.

.. versionadded:: 0.1
"""

CSSRS_LOOKBACK_DAYS: Final = 90
"""Days a C-SSRS finding of recent suicidal behaviour persists as a risk factor.

The screener's own behaviour window ("Was this within the past 3 months?",
Q6b; Columbia triage: "any recent (3 months) behavior" is among the most
worrisome answers). Within this many days before the case's ``assessed_on``, a
screen with Q6 yes and Q6b yes (or unanswered) keeps ``client-self-harm`` at
the high-risk factor whatever a later screen says: a negative screen does not
undo an attempt. See :func:`riskcore_safety.hooks.riskcore_risk_factors`.

.. versionadded:: 0.1
"""

CSSRS_INCOMPLETE: Final = Flag(
    code="cssrs.incomplete",
    level=FlagLevel.CRITICAL,
    message="C-SSRS screener incomplete or its skip logic broken: never read as 'no risk'",
    escalation="complete the screener with the client now",
)


@frozen
class CssrsTriage:
    """The outcome of the C-SSRS screener for one administration.

    ``level`` is the risk level the answers given support (``"none"`` ..
    ``"high"``), reading Q6 yes with Q6b unanswered as recent behaviour (high,
    with ``cssrs.6b-unanswered``); ``problems`` lists missing required answers
    and skip-logic breaks. With problems the screener is incomplete and the
    ``cssrs.incomplete`` flag is raised too; ``plausible`` is then the level
    the form would have if every unanswered required question were answered
    yes (the worst plausible answers), which riskcore uses for likelihood.
    ``recent_behaviour`` is True when Q6 is yes and Q6b is yes or unanswered.
    """

    level: str
    problems: tuple[str, ...]
    flags: tuple[Flag, ...]
    plausible: str = ""
    recent_behaviour: bool = False

    @property
    def complete(self) -> bool:
        """True when every required answer is present and the skip logic holds."""
        return not self.problems


CSSRS_ITEM_INVALID: Final = Flag(
    code="cssrs.item-invalid",
    level=FlagLevel.CRITICAL,
    message=(
        "C-SSRS screener: an answer is not 0 (no) or 1 (yes), or names no "
        "question of the screener: read as the worst plausible answer (fail "
        "closed); the value is not shown"
    ),
    escalation="ask the question again now; until it is answered, act on the worst answer",
)
"""An invalid answer (or an unknown question id): every C-SSRS question is
critical, so an invalid one is read as yes where yes is possible (issue 14).

.. versionadded:: 0.1
"""

_UNANSWERED: Final[dict[str, int | None]] = dict.fromkeys(CSSRS_ITEMS)


def _answers(
    items: Mapping[str, object], respondent: str
) -> tuple[dict[str, int | None], list[str]]:
    """The answers (an invalid one as unanswered) and the invalid questions'
    problems (the kind, never the value)."""
    out = _UNANSWERED.copy()
    invalid: list[str] = []
    for key, value in items.items():
        if key not in out:
            invalid.append(
                f"question {_shown_id(key)} is not a question of the screener"
            )
            continue
        if value is None:
            continue
        why = answer_problem(value, 0, 1)
        if why is not None:
            invalid.append(f"question {key} invalid ({why}): counted as unanswered")
            continue
        out[key] = int(cast("float", value))
    return out, invalid


def _shown_id(key: object) -> str:
    text = shown(key)
    return text[1:-1] if text.startswith("'") else text


def triage_cssrs(items: Mapping[str, object], respondent: str) -> CssrsTriage:
    """Apply the C-SSRS screener's skip logic and triage rules.

    An answer other than 0/1 (or an unknown question id) invalidates that
    question, never the screener (issue 14): it counts as unanswered, so the
    screener is incomplete, the worst plausible answer counts for
    ``plausible``, and the critical ``cssrs.item-invalid`` flag is raised.

    Examples
    --------
    >>> t = triage_cssrs({"1": 1, "2": 1, "3": 0, "4": 1, "5": 0, "6": 0}, "c-1")
    >>> t.level, t.complete, [f.code for f in t.flags]
    ('high', True, ['cssrs.high-risk'])
    >>> t = triage_cssrs({"1": 0, "2": 0, "3": 1, "6": 0}, "c-1")
    >>> t.complete, [f.code for f in t.flags]
    (False, ['cssrs.moderate-risk', 'cssrs.incomplete'])
    >>> t = triage_cssrs({"1": 0, "2": 0, "6": 1}, "c-1")  # Q6b unanswered
    >>> t.level, [f.code for f in t.flags]
    ('high', ['cssrs.high-risk', 'cssrs.6b-unanswered', 'cssrs.incomplete'])
    >>> triage_cssrs({"1": 0, "2": 0}, "c-1").plausible  # Q6 unanswered
    'high'
    >>> t = triage_cssrs({"1": 0, "2": 0, "6": 7}, "c-1")  # Q6 invalid
    >>> t.plausible, [f.code for f in t.flags]
    ('high', ['cssrs.incomplete', 'cssrs.item-invalid'])
    """
    a, invalid = _answers(items, respondent)
    required: tuple[str, ...] = ("1", "2", "6")
    if a["2"] == 1:
        required += ("3", "4", "5")
    if a["6"] == 1:
        required += ("6b",)
    problems: list[str] = []
    bad = {p.split()[1] for p in invalid}
    for q in required:
        if a[q] is None and q not in bad:
            problems.append(f"question {q} unanswered")
    problems += invalid
    if a["2"] == 0:
        for q in ("3", "4", "5"):
            if a[q] is not None:
                problems.append(f"question {q} answered although question 2 was no")
    if a["6"] == 0 and a["6b"] is not None:
        problems.append("question 6b answered although question 6 was no")
    # The level the answers support; with problems it is a lower bound, so a
    # positive answer is never hidden by a broken form.
    level = _level(a)
    # The worst plausible answers: every question that is required, or may be
    # (Q3-Q5 when Q2 is unanswered, Q6b when Q6 is), and unanswered, read as yes.
    may: tuple[str, ...] = ("1", "2", "6")
    if a["2"] != 0:
        may += ("3", "4", "5")
    if a["6"] != 0:
        may += ("6b",)
    worst = {q: 1 if a[q] is None and q in may else a[q] for q in a}
    plausible = _level(worst)
    flags: tuple[Flag, ...] = (_CSSRS_FLAGS[level],) if level != "none" else ()
    if a["6"] == 1 and a["6b"] is None:
        flags += (CSSRS_6B_UNANSWERED,)
    if problems:
        flags += (CSSRS_INCOMPLETE,)
    if invalid:
        flags += (CSSRS_ITEM_INVALID,)
    return CssrsTriage(
        level=level,
        problems=tuple(problems),
        flags=flags,
        plausible=plausible,
        recent_behaviour=a["6"] == 1 and a["6b"] != 0,
    )


def _level(a: Mapping[str, int | None]) -> str:
    """The triage level of a set of answers (Columbia Lighthouse Project).

    Q6 yes counts as recent unless Q6b is no: an unanswered Q6b is read as
    "within the past 3 months", the worst plausible answer (fail closed).
    """
    if a["4"] == 1 or a["5"] == 1 or (a["6"] == 1 and a["6b"] != 0):
        return "high"
    if a["3"] == 1 or a["6"] == 1:
        return "moderate"
    if a["1"] == 1 or a["2"] == 1:
        return "low"
    return "none"
