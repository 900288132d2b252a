"""The WLEIS as :class:`~riskcore.instruments.InstrumentSpec` data, and the domain map.

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import Final

from riskcore.instruments import InstrumentSpec, uniform_items

__all__ = [
    "DOMAINS",
    "DOMAIN_INSTRUMENT",
    "LOW_DOMAIN",
    "NOT_MEASURED",
    "SPECS",
    "WLEIS",
]

# Wong CS, Law KS (2002). The effects of leader and follower emotional
# intelligence on performance and attitude: an exploratory study. Leadership
# Quarterly 13(3):243-274. 16 items, 1-7 (strongly disagree .. strongly agree),
# no reverse items. Subscales (4 items each): Self-Emotion Appraisal 1-4,
# Others' Emotion Appraisal 5-8, Use of Emotion 9-12, Regulation of Emotion
# 13-16 (item content confirms the order; one scoring sheet swaps the OEA and
# ROE labels and is wrong). Scores are item means, 1-7; no cut-offs. Strict.
WLEIS: Final = InstrumentSpec(
    id="wleis",
    name="Wong and Law Emotional Intelligence Scale (WLEIS)",
    items=uniform_items(16, 1, 7),
    method="mean",
    subscales={
        "sea": ("1", "2", "3", "4"),
        "oea": ("5", "6", "7", "8"),
        "uoe": ("9", "10", "11", "12"),
        "roe": ("13", "14", "15", "16"),
    },
    higher_is_worse=False,
    citation=(
        "Wong, C.-S., & Law, K. S. (2002). The effects of leader and follower emotional "
        "intelligence on performance and attitude: An exploratory study. The Leadership "
        "Quarterly, 13(3), 243-274."
    ),
    licence=(
        "Journal-published measure (Elsevier); no grant of free commercial use found. "
        "Scoring only; ask the authors before shipping item text."
    ),
)

SPECS: Final = (WLEIS,)
"""The specs this plugin scores through riskcore's instrument engine."""

DOMAIN_INSTRUMENT: Final = "ei-domains"
"""Instrument id of riskcore's inferred domain scores (not a published instrument)."""

DOMAINS: Final[dict[str, tuple[str, ...]]] = {
    "self-awareness": ("sea",),
    "self-management": ("roe", "uoe"),
    "social-awareness": ("oea",),
    "relationship-management": (),
}
"""riskcore's INFERRED map from WLEIS subscales to the four EI domains.

WLEIS follows the Mayer-Salovey ability model, not Goleman's four-domain model;
no published crosswalk exists. SEA ~ self-awareness; ROE ~ self-management and
UOE (self-motivation, part of self-management in Goleman 1998) with it; OEA ~
social awareness. WLEIS has no relationship-management scale: that domain is
reported as not measured.
"""

NOT_MEASURED: Final = "not measured by WLEIS"

LOW_DOMAIN: Final = 4.0
"""Illustrative: a domain mean below the scale midpoint (4 = neither agree nor
disagree) is read as "low". WLEIS has no published cut-offs."""
