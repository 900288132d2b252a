"""ProQOL 5, CBI, PSS-10 and WHO-5 as :class:`~riskcore.instruments.InstrumentSpec` data.

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import Any, Final

from riskcore.instruments import Band, InstrumentSpec, Scale, Transform, uniform_items
from riskcore.model import Flag, FlagLevel

__all__ = [
    "CBI",
    "PROQOL5",
    "PSS10",
    "SPECS",
    "WHO5",
    "WHO5_CUTOFF",
    "WHO5_DEPRESSION_FLAG",
    "WHO5_LOW_ITEM",
    "who5_low_item",
]


def _ids(*numbers: int) -> tuple[str, ...]:
    return tuple(str(n) for n in numbers)


# ---------------------------------------------------------------- ProQOL 5
# Stamm BH (2010). The Concise ProQOL Manual, 2nd ed. Pocatello, ID: ProQOL.org.
# 30 items, 1-5 (Never .. Very Often). Three subscales of 10 items, each a sum
# (10-50). Reverse-keyed (6 - x): items 1, 4, 15, 17, 29 (all Burnout).
# Cut scores on the summed scale (ProQOL 5 self-score form): 22 or less low,
# 23-41 moderate, 42 or more high. No missing-item rule is published: strict.
_PROQOL_BANDS = (
    Band(label="low", lower=10, upper=23),
    Band(label="moderate", lower=23, upper=42),
    Band(label="high", lower=42),
)
PROQOL5: Final = InstrumentSpec(
    id="proqol5",
    name="Professional Quality of Life Scale, version 5 (ProQOL 5)",
    version="5",
    items=uniform_items(30, 1, 5),
    reverse=_ids(1, 4, 15, 17, 29),
    total=False,
    subscales=[
        Scale(
            name="compassion-satisfaction",
            items=_ids(3, 6, 12, 16, 18, 20, 22, 24, 27, 30),
            higher_is_worse=False,
        ),
        Scale(name="burnout", items=_ids(1, 4, 8, 10, 15, 17, 19, 21, 26, 29)),
        Scale(
            name="secondary-traumatic-stress",
            items=_ids(2, 5, 7, 9, 11, 13, 14, 23, 25, 28),
        ),
    ],
    bands={
        "compassion-satisfaction": _PROQOL_BANDS,
        "burnout": _PROQOL_BANDS,
        "secondary-traumatic-stress": _PROQOL_BANDS,
    },
    citation=(
        "Stamm, B. H. (2010). The Concise ProQOL Manual (2nd ed.). Pocatello, ID: "
        "ProQOL.org. Cut scores from the ProQOL 5 self-score form."
    ),
    licence=(
        "May be freely copied if the author is credited, no changes are made and it is "
        "not sold. Item text not bundled (riskcore may be embedded in sold products)."
    ),
)

# ------------------------------------------------------ Copenhagen Burnout Inventory
# Kristensen TS, Borritz M, Villadsen E, Christensen KB (2005). The Copenhagen
# Burnout Inventory: a new tool for the assessment of burnout. Work & Stress
# 19(3):192-207. PUMA order: personal 1-6, work 7-13, client 14-19. Codes
# 0..4 (Always/To a very high degree .. Never/To a very low degree) score
# 100/75/50/25/0; item 13 ("enough energy for family and friends") is reversed.
# Scale score = mean of the items. Non-responder rules (PUMA document): personal
# fewer than 3 answered, work fewer than 4 answered. The client-scale rule was
# not confirmed in a primary source, so the client scale is strict here.
# No developer cut-offs; riskcore only marks >= 50 (a common convention).
_CBI_BANDS = (
    Band(label="below-50", lower=0, upper=50),
    Band(label="50-or-more", lower=50),
)
CBI: Final = InstrumentSpec(
    id="cbi",
    name="Copenhagen Burnout Inventory (CBI)",
    items=uniform_items(19, 0, 4),
    reverse=("13",),
    total=False,
    method="mean",
    transform=Transform(intercept=100, slope=-25),
    subscales=[
        Scale(name="personal", items=_ids(*range(1, 7)), max_missing=3),
        Scale(name="work", items=_ids(*range(7, 14)), max_missing=3),
        Scale(name="client", items=_ids(*range(14, 20)), max_missing=0),
    ],
    bands={"personal": _CBI_BANDS, "work": _CBI_BANDS, "client": _CBI_BANDS},
    citation=(
        "Kristensen, T. S., Borritz, M., Villadsen, E., & Christensen, K. B. (2005). The "
        "Copenhagen Burnout Inventory: A new tool for the assessment of burnout. Work & "
        "Stress, 19(3), 192-207."
    ),
    licence=(
        "Distributed free by the Danish National Research Centre for the Working "
        "Environment (NFA); no explicit licence text found. Item text not bundled."
    ),
)

# ------------------------------------------------------------------ PSS-10
# Cohen S, Kamarck T, Mermelstein R (1983). A global measure of perceived
# stress. J Health Soc Behav 24(4):385-396; 10-item form: Cohen S, Williamson G
# (1988). 0-4 (never .. very often); positively worded items 4, 5, 7, 8 are
# reversed (psy.cmu.edu/~scohen/PSSscore.html). Total 0-40 (all-zero answers
# score 16). Subscales as in BioPsyKit (pss): helplessness 1, 2, 3, 6, 9, 10;
# self-efficacy 4, 5, 7, 8, scored after reversal, i.e. in the stress direction
# (higher = less perceived self-efficacy). The common 0-13/14-26/27-40 bands are
# not Cohen's: no bands. No missing-item rule: strict.
PSS10: Final = InstrumentSpec(
    id="pss10",
    name="Perceived Stress Scale, 10 items (PSS-10)",
    items=uniform_items(10, 0, 4),
    reverse=_ids(4, 5, 7, 8),
    subscales={
        "helplessness": _ids(1, 2, 3, 6, 9, 10),
        "self-efficacy": _ids(4, 5, 7, 8),
    },
    citation=(
        "Cohen, S., Kamarck, T., & Mermelstein, R. (1983). A global measure of perceived "
        "stress. Journal of Health and Social Behavior, 24(4), 385-396. Cohen, S., & "
        "Williamson, G. (1988). Perceived stress in a probability sample of the United "
        "States. In S. Spacapan & S. Oskamp (Eds.), The Social Psychology of Health."
    ),
    licence=(
        "Free for research; profit-related use needs permission of the ASA and S. Cohen. "
        "Scoring only; item text not bundled."
    ),
)

# ------------------------------------------------------------------- WHO-5
# WHO Regional Office for Europe (1998); Topp CW, Østergaard SD, Søndergaard S,
# Bech P (2015). The WHO-5 Well-Being Index: a systematic review of the
# literature. Psychother Psychosom 84(3):167-176. 5 items 0-5; raw 0-25,
# percentage = raw x 4. All five items required.
# The WHO-5 scoring rule has two halves: "It is recommended to administer the
# Major Depression (ICD-10) Inventory if the raw score is below 13 or if the
# patient has answered 0 to 1 to any of the five items" (WHO-5 scoring
# instructions as reproduced on medicalalgorithms.com, "The WHO Five Well-being
# Index"; the < 13 half also in awell-score's who_5 README, citing WHO 2024 and
# Topp et al. 2015). Both halves raise the one flag WHO5_DEPRESSION_FLAG: the
# < 13 half through the poor-wellbeing band (both scoring paths), the item half
# through who5_low_item() in the plugin's assess hook (a rule on single items,
# which the engine's bands and critical items do not express).
WHO5_CUTOFF: Final = 13
WHO5_LOW_ITEM: Final = 1
"""An item answered at or below this (0 "at no time" or 1 "some of the time")."""
WHO5_DEPRESSION_FLAG: Final = Flag(
    code="who5.assess-for-depression",
    level=FlagLevel.WARNING,
    message=(
        "WHO-5: raw score below 13 or an item answered 0 or 1 (the WHO-5 rule): "
        "test for depression"
    ),
    escalation=(
        "assess for depression (the WHO-5 instructions name the Major Depression "
        "(ICD-10) Inventory; a PHQ-9 also serves)"
    ),
)


def who5_low_item(items: Any) -> Any:
    """True if any WHO-5 item is answered 0 or 1: the item half of the WHO-5
    rule (call it on answers the engine has validated).

    *items* is one response's answers, or a 2-D numpy array of valid answers
    (one row per respondent, NaN unanswered; the cohort path), giving one
    boolean per row.

    >>> who5_low_item({"1": 5, "2": 5, "3": 1, "4": 5, "5": None})
    True
    >>> who5_low_item({"1": 2, "2": None})
    False
    >>> import numpy as np
    >>> who5_low_item(np.array([[5, 5, 1, 5, np.nan], [2, np.nan, 3, 3, 3]])).tolist()
    [True, False]
    """
    if hasattr(items, "ndim"):  # NaN compares False: unanswered is not low
        return (items <= WHO5_LOW_ITEM).any(axis=1)
    return any(v is not None and v <= WHO5_LOW_ITEM for v in items.values())


WHO5: Final = InstrumentSpec(
    id="who5",
    name="WHO-5 Well-Being Index",
    items=uniform_items(5, 0, 5),
    subscales=[Scale(name="percentage", items=_ids(1, 2, 3, 4, 5), factor=4.0)],
    bands={
        "total": (
            Band(
                label="poor-wellbeing",
                lower=0,
                upper=WHO5_CUTOFF,
                flag=WHO5_DEPRESSION_FLAG,
            ),
            Band(label="not-poor", lower=WHO5_CUTOFF),
        )
    },
    higher_is_worse=False,
    citation=(
        "WHO Regional Office for Europe (1998). Topp, C. W., Østergaard, S. D., "
        "Søndergaard, S., & Bech, P. (2015). The WHO-5 Well-Being Index: a systematic "
        "review of the literature. Psychotherapy and Psychosomatics, 84(3), 167-176."
    ),
    licence=(
        "© WHO 2024, CC BY-NC-SA 3.0 IGO (non-commercial). Scoring only; item text not "
        "bundled (its share-alike, non-commercial terms do not fit riskcore's MIT licence)."
    ),
)

SPECS: Final = (PROQOL5, CBI, PSS10, WHO5)
"""The specs this plugin scores through riskcore's instrument engine."""
