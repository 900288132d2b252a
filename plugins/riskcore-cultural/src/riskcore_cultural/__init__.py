"""riskcore-cultural: the cultural fit of the therapeutic relationship.

Scores language concordance between a client and their clinician (and whether
an interpreter is needed), records the clinician's cultural-competency
preparation, records whether a DSM-5 Cultural Formulation Interview is on file
(presence only, never scored) and acknowledges client-rated Cultural Humility
Scale answers (stored, not scored: see the README).

Its risk factors move only ``cultural-rupture`` and ``dropout-after-rupture``;
never an aggression or self-harm threat.

.. versionadded:: 0.1
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
