"""Hook implementations of the Colorado jurisdiction plugin.

>>> from riskcore.model import Case, Practice
>>> riskcore_obligations(Case(id="x", practice=Practice(id="p", jurisdiction="US-NY")))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from riskcore import hookimpl
from riskcore.model import Case, ReportSection
from riskcore.model.obligations import JurisdictionInfo, Obligation
from riskcore_colorado.rules import (
    JURISDICTION,
    OBSERVATION,
    duty_to_warn,
    duty_to_warn_section,
)

if TYPE_CHECKING:
    from riskcore.workflow import PlanReport

__all__ = [
    "riskcore_jurisdiction_info",
    "riskcore_obligations",
    "riskcore_report_sections",
]


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


@hookimpl(optionalhook=True)
def riskcore_report_sections(report: PlanReport) -> list[ReportSection] | None:
    """The duty-to-warn checklist, once, for every client it arises or is to be
    reviewed for (see :func:`riskcore_colorado.rules.duty_to_warn_section`).

    .. versionadded:: 0.1
    """
    section = duty_to_warn_section(report.obligations.obligations)
    return None if section is None else [section]
