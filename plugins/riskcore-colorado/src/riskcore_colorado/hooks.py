"""Hook implementations of the Colorado jurisdiction plugin.

>>> from riskcore.model import Case, Practice
>>> riskcore_obligations(Case(id="x", practice=Practice(id="p", jurisdiction="US-NY")))
"""

from __future__ import annotations

from riskcore import hookimpl
from riskcore.model import Case
from riskcore.model.obligations import Obligation
from riskcore_colorado.rules import JURISDICTION, duty_to_warn

__all__ = ["riskcore_obligations"]


@hookimpl
def riskcore_obligations(case: Case) -> list[Obligation] | None:
    """Colorado duties for a practice whose jurisdiction is ``US-CO``; else ``None``."""
    if case.practice.jurisdiction != JURISDICTION:
        return None
    return duty_to_warn(case)
