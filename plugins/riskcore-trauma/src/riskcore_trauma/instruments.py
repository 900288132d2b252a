"""PCL-5 and ACE as :class:`~riskcore.instruments.InstrumentSpec` data.

The PCL-5's provisional DSM-5 diagnosis rule is not a sum, so
:func:`pcl5_provisional_ptsd` applies it to the answers (the engine has no
"count of items at or above a threshold per cluster" rule).

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from riskcore.instruments import (
    Band,
    InstrumentSpec,
    Loinc,
    Reliability,
    uniform_items,
)
from riskcore.model import Flag, FlagLevel

__all__ = [
    "ACE",
    "ACE_FLAG",
    "ACE_WARNING",
    "PCL5",
    "PCL5_CLUSTERS",
    "PCL5_CUTOFF",
    "PCL5_CUTOFF_LOW",
    "PCL5_FLAG",
    "SPECS",
    "pcl5_provisional_ptsd",
]

# ----------------------------------------------------------------------- PCL-5
# Weathers FW, Litz BT, Keane TM, Palmieri PA, Marx BP, Schnurr PP (2013). The
# PTSD Checklist for DSM-5 (PCL-5). National Center for PTSD. Validation:
# Blevins CA, Weathers FW, Davis MT, Witte TK, Domino JL (2015). J Trauma Stress
# 28(6):489-498. Total 0-80; clusters B 1-5, C 6-7, D 8-14, E 15-20 (sums).
# Cut-point: 31-33 indicates probable PTSD (NCPTSD); riskcore bands at >= 33 and
# also reports >= 31. "There are currently no empirically derived severity
# ranges for the PCL-5": no severity bands. No prorating rule is published:
# strict (as CamCOPS).
PCL5_CLUSTERS: Final = {
    "cluster-b": tuple(str(i) for i in range(1, 6)),
    "cluster-c": ("6", "7"),
    "cluster-d": tuple(str(i) for i in range(8, 15)),
    "cluster-e": tuple(str(i) for i in range(15, 21)),
}
PCL5_MIN_ENDORSED: Final = {
    "cluster-b": 1,
    "cluster-c": 1,
    "cluster-d": 2,
    "cluster-e": 2,
}
"""Provisional DSM-5 PTSD: items endorsed (>= 2, "Moderately") needed per cluster."""
PCL5_ENDORSED: Final = 2
_PCL5_RULE: Final = tuple(
    (ids, PCL5_MIN_ENDORSED[cluster]) for cluster, ids in PCL5_CLUSTERS.items()
)
"""(item ids, items endorsed needed) per cluster: :func:`pcl5_provisional_ptsd`'s rule."""
PCL5_CUTOFF: Final = 33
PCL5_CUTOFF_LOW: Final = 31

PCL5_FLAG: Final = Flag(
    code="pcl5.probable-ptsd",
    level=FlagLevel.WARNING,
    message="PCL-5 total 33 or more: probable PTSD (a screen, not a diagnosis)",
    escalation="clinician-administered PTSD assessment (e.g. CAPS-5) and trauma-focused care planning",
)

PCL5: Final = InstrumentSpec(
    id="pcl5",
    name="PTSD Checklist for DSM-5 (PCL-5)",
    items=uniform_items(20, 0, 4),
    subscales=PCL5_CLUSTERS,
    bands=[
        Band(label="below-cutoff", lower=0, upper=PCL5_CUTOFF),
        Band(label="probable-ptsd", lower=PCL5_CUTOFF, flag=PCL5_FLAG),
    ],
    citation=(
        "Weathers, F. W., Litz, B. T., Keane, T. M., Palmieri, P. A., Marx, B. P., & "
        "Schnurr, P. P. (2013). The PTSD Checklist for DSM-5 (PCL-5). National Center "
        "for PTSD. Blevins, C. A., Weathers, F. W., Davis, M. T., Witte, T. K., & "
        "Domino, J. L. (2015). Journal of Traumatic Stress, 28(6), 489-498."
    ),
    licence="US Government work (public domain). Item text not bundled in this release.",
    reliability=[
        Reliability(
            sd=12.40,
            r=0.91,
            kind="alpha",
            source="PMC7443209, Table 3 (sample not identified in the stored source)",
        )
    ],
)


def pcl5_provisional_ptsd(items: Mapping[str, int | float | None]) -> bool | None:
    """The PCL-5 provisional DSM-5 PTSD rule; ``None`` if any item is unanswered.

    An item rated 2 ("Moderately") or higher counts as endorsed; the rule needs
    at least 1 B item (1-5), 1 C item (6-7), 2 D items (8-14) and 2 E items
    (15-20) (Weathers et al., 2013; NCPTSD scoring instructions). Call it on
    answers the engine has already validated.

    >>> ans = {str(i): 0 for i in range(1, 21)}
    >>> ans.update({"1": 2, "6": 2, "8": 2, "9": 2, "15": 2, "16": 2})
    >>> pcl5_provisional_ptsd(ans)  # met with a total of only 12
    True
    """
    met = True
    for ids, needed in _PCL5_RULE:
        endorsed = 0
        for k in ids:
            v = items.get(k)
            if v is None:
                return None  # even when an earlier cluster already failed
            if v >= PCL5_ENDORSED:
                endorsed += 1
        if endorsed < needed:
            met = False
    return met


# ------------------------------------------------------------------------- ACE
# Felitti VJ, Anda RF, Nordenberg D, et al. (1998). Relationship of childhood
# abuse and household dysfunction to many of the leading causes of death in
# adults: the Adverse Childhood Experiences (ACE) Study. Am J Prev Med
# 14(4):245-258. 10 yes/no items, score = number of yes answers (0-10). The
# band is descriptive only: Anda RF, Porter LE, Brown DW (2020), Am J Prev Med
# 59(2):293-295, warn that no ACE score should be a cut point for individual
# decisions. ACEs Aware treats a partly answered screen as incomplete: strict.
ACE_WARNING: Final = (
    "The ACE score is a population measure: its developers warn that no ACE score "
    "should be used as a cut point for decisions about an individual (Anda et al., 2020)."
)

ACE_FLAG: Final = Flag(
    code="ace.4-or-more",
    level=FlagLevel.INFO,
    message="ACE score 4 or more. " + ACE_WARNING,
    escalation=None,
)

ACE: Final = InstrumentSpec(
    id="ace",
    name="Adverse Childhood Experiences questionnaire (10 items)",
    items=uniform_items(10, 0, 1),
    bands=[
        Band(label="none", lower=0, upper=1),
        Band(label="1-3", lower=1, upper=4),
        Band(label="4-or-more", lower=4, flag=ACE_FLAG),
    ],
    citation=(
        "Felitti, V. J., Anda, R. F., Nordenberg, D., et al. (1998). Relationship of "
        "childhood abuse and household dysfunction to many of the leading causes of "
        "death in adults: The Adverse Childhood Experiences (ACE) Study. American "
        "Journal of Preventive Medicine, 14(4), 245-258. " + ACE_WARNING
    ),
    licence="Freely reproduced with attribution; no explicit licence found. Item text not bundled.",
    loinc=Loinc(
        items={
            "1": "82814-5",
            "2": "82815-2",
            "3": "82816-0",
            "4": "82817-8",
            "5": "82818-6",
        }
    ),
)

SPECS: Final = (PCL5, ACE)
"""The specs this plugin scores through riskcore's instrument engine."""
