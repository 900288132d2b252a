"""The field-visit (lone-working) risk checklist, declared as data.

A checklist a professional completes before a home visit or other lone work,
one item per control that HSE INDG73 and NASW standard 6 expect to be in place
(plus two hazards). Every item is answered 0 or 1 and **1 is the risky answer**:

============================  ===============================================
item                          1 means
============================  ===============================================
``no-check-in``               no check-in interval agreed with a colleague
``no-return-confirmation``    no return-to-base (end of visit) confirmation
``no-alarm``                  no personal alarm or charged phone carried
``no-itinerary``              whereabouts and expected times not logged
``known-client-risk``         a known risk at the visit (history of violence,
                              weapons, dogs, others in the home)
``after-hours``               the visit is outside office hours
============================  ===============================================

It is riskcore's example checklist, **not a validated instrument**: a count of
missing controls, banded for planning. Any unanswered item makes it incomplete
(a safety checklist with a blank is not a safe one).

Sources: Health and Safety Executive (2020), *Protecting lone workers: how to
manage the risks of working alone*, INDG73 (rev4); National Association of
Social Workers (2013), *Guidelines for Social Worker Safety in the Workplace*,
standard 6 (safety in field visits).
"""

from __future__ import annotations

from riskcore.instruments import Band, CriticalItem, InstrumentSpec, Item
from riskcore.model import FlagLevel

__all__ = ["CHECKLIST", "ITEMS", "KNOWN_RISK_FLAG", "SPECS"]

ITEMS = (
    "no-check-in",
    "no-return-confirmation",
    "no-alarm",
    "no-itinerary",
    "known-client-risk",
    "after-hours",
)
"""Item ids, in order; each is answered 0 (control in place / no hazard) or 1."""

KNOWN_RISK_FLAG = "lone-working.known-client-risk"

CHECKLIST = InstrumentSpec(
    id="lone-working-visit",
    name="Field-visit lone-working checklist (riskcore example, not validated)",
    items=[Item(id=i, minimum=0, maximum=1) for i in ITEMS],
    max_missing=0,
    bands=[
        Band(label="low", lower=0, upper=2),
        Band(label="elevated", lower=2, upper=4),
        Band(label="high", lower=4),
    ],
    critical=[
        CriticalItem(
            item="known-client-risk",
            threshold=1,
            code=KNOWN_RISK_FLAG,
            level=FlagLevel.WARNING,
            message="A known risk at the visit is recorded",
            escalation=(
                "visit in pairs or see the client at the office; agree a check-in "
                "and a code word (NASW standard 6)"
            ),
            unanswered_code="lone-working.known-client-risk-unanswered",
            unanswered_message="Whether the visit has a known risk is not recorded",
        )
    ],
    citation=(
        "Checklist of controls from Health and Safety Executive (2020), Protecting "
        "lone workers, INDG73 (rev4), and National Association of Social Workers "
        "(2013), Guidelines for Social Worker Safety in the Workplace, standard 6. "
        "Not a validated instrument."
    ),
    licence="MIT (riskcore example); item wording is riskcore's own.",
)
"""The checklist: total 0-6 missing controls and hazards."""

SPECS = (CHECKLIST,)
