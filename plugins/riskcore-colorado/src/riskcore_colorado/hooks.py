"""Hook implementations of the Colorado jurisdiction plugin.

>>> from riskcore.model import Case, Practice
>>> riskcore_obligations(Case(id="x", practice=Practice(id="p", jurisdiction="US-NY")))
"""

from __future__ import annotations

from riskcore import hookimpl
from riskcore.model import Case
from riskcore.model.obligations import JurisdictionInfo, Obligation
from riskcore_colorado.rules import JURISDICTION, OBSERVATION, duty_to_warn

__all__ = ["riskcore_jurisdiction_info", "riskcore_obligations"]


@hookimpl(optionalhook=True)
def riskcore_jurisdiction_info() -> JurisdictionInfo:
    """Colorado (``US-CO``), read from ``threat-communicated`` observations.

    >>> riskcore_jurisdiction_info().jurisdictions
    ('US-CO',)

    .. versionadded:: 0.1
    """
    return JurisdictionInfo(jurisdictions=(JURISDICTION,), observations=(OBSERVATION,))


@hookimpl
def riskcore_obligations(case: Case) -> list[Obligation] | None:
    """Colorado duties for a practice whose jurisdiction is ``US-CO``; else ``None``."""
    if case.practice.jurisdiction != JURISDICTION:
        return None
    return duty_to_warn(case)
