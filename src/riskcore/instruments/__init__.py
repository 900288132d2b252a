"""Declarative instruments: one spec, two scoring paths that agree exactly.

* :class:`InstrumentSpec` states an instrument as data (items, reverse keying,
  scales, scoring method, missing-data rule, bands, critical items, provenance).
* The object path, :func:`score`, scores one respondent in pure Python.
* The columnar path, :func:`score_array`, scores a 2-D array or DataFrame of many
  respondents with numpy (imported only when called).
* :func:`reliable_change` is the Jacobson & Truax Reliable Change Index.
* :func:`reach` tells what an incomplete scale could still be (its possible
  range and the bands it could reach): the fail-closed rule for plugins.

``import riskcore.instruments`` does not import numpy or pandas.

.. versionadded:: 0.1
"""

from riskcore.instruments.columnar import ColumnarResult, score_array
from riskcore.instruments.rci import (
    Z_CRITICAL,
    ReliableChange,
    Verdict,
    rci_threshold,
    reliable_change,
    reliable_change_array,
)
from riskcore.instruments.scoring import (
    InstrumentResult,
    Reach,
    answer_problem,
    apply_skips,
    reach,
    reach_sums,
    score,
    score_items,
    score_to_scores,
    valid_answers,
)
from riskcore.instruments.spec import (
    Band,
    CriticalItem,
    InstrumentSpec,
    Item,
    Loinc,
    Reliability,
    Scale,
    ScoringMethod,
    Skip,
    Transform,
    uniform_items,
)

__all__ = [
    "Z_CRITICAL",
    "Band",
    "ColumnarResult",
    "CriticalItem",
    "InstrumentResult",
    "InstrumentSpec",
    "Item",
    "Loinc",
    "Reach",
    "Reliability",
    "ReliableChange",
    "Scale",
    "ScoringMethod",
    "Skip",
    "Transform",
    "Verdict",
    "answer_problem",
    "apply_skips",
    "rci_threshold",
    "reach",
    "reach_sums",
    "reliable_change",
    "reliable_change_array",
    "score",
    "score_array",
    "score_items",
    "score_to_scores",
    "uniform_items",
    "valid_answers",
]
