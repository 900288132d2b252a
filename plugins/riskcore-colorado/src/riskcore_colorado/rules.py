"""C.R.S. § 13-21-117: duty to warn and protect, as a predicate and a checklist.

Predicate (§ 13-21-117(2)(a)). The duty arises when *the patient has
communicated to the mental health provider a serious threat of imminent
physical violence against a specific person or persons, including those
identifiable by their association with a specific location or entity*. In
riskcore terms (see ``docs/conventions.md``) that is an observation
``threat-communicated`` recorded about a **client** (communicated by the
patient) with every qualifier in :data:`ELEMENTS`: ``serious``, ``imminent``,
``physical`` and ``identifiable-target``.

If the observation is recorded but some qualifiers are not, the obligation is
returned with status ``REVIEW`` and the missing elements: an unrecorded element
is unknown, not absent, and the clinician must determine it now.

Discharge (§ 13-21-117(2)(b)). *Reasonable and timely efforts to notify* the
person or persons threatened, or the person responsible for the specific
location or entity, *as well as to notify an appropriate law enforcement
agency or to take other appropriate action, including but not limited to
hospitalizing the patient*; and document what was done.

Decision support, not legal advice: check the current text of the statute.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from riskcore.model import Case, ReportSection, Source
from riskcore.model.obligations import ChecklistItem, Obligation, ObligationStatus
from riskcore.model.sections import checklist_steps
from riskcore.plain import hours

__all__ = [
    "CHECKLIST",
    "CITATION",
    "DUTY_TO_WARN_ID",
    "EFFECTIVE",
    "ELEMENTS",
    "JURISDICTION",
    "OBSERVATION",
    "duty_to_warn",
    "duty_to_warn_section",
]

JURISDICTION = "US-CO"
"""The ``Practice.jurisdiction`` code this plugin applies to."""

DUTY_TO_WARN_ID = "us-co.duty-to-warn-and-protect"
"""Stable id of the rule."""

OBSERVATION = "threat-communicated"
"""The observation code the predicate reads."""

ELEMENTS: tuple[str, ...] = ("serious", "imminent", "physical", "identifiable-target")
"""Qualifiers that must all be recorded for the duty to arise."""

EFFECTIVE = dt.date(2014, 8, 6)
"""Effective date of the encoded text: the 2014 amendment that added locations
and entities. **Unverified**: the act's own effective date was not confirmed in
a stored source; 6 August 2014 is the default effective date of 2014 Colorado
acts passed without a safety clause. Check it against the statute's history
note before relying on it."""

CITATION = Source(
    citation=(
        "Colorado Revised Statutes § 13-21-117(2), Civil liability - mental health "
        "providers - duty to warn - definitions (as amended 2014)"
    ),
    note=(
        "Encoded from the 2022 code text (Justia, FindLaw), as amended in 2014 to "
        "cover locations and entities; effective date unverified. Decision support, "
        "not legal advice; verify the current text."
    ),
)

CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        id="notify-target",
        title="Notify the person or persons threatened",
        detail=(
            "Reasonable and timely efforts to notify the person threatened, or the "
            "person responsible for the specific location or entity threatened."
        ),
    ),
    ChecklistItem(
        id="notify-law-enforcement",
        title="Notify an appropriate law enforcement agency",
        detail="Or take the other appropriate action below.",
        any_of=("other-protective-action",),
    ),
    ChecklistItem(
        id="other-protective-action",
        title="Or take other appropriate action, such as hospitalising the patient",
        detail="Any other appropriate action, including but not limited to hospitalisation.",
        required=False,
        any_of=("notify-law-enforcement",),
    ),
    ChecklistItem(
        id="document",
        title="Document the threat, the elements and the actions taken",
        detail="What was communicated, when, whom you notified and when, and why.",
    ),
)
"""The discharge checklist of § 13-21-117(2)(b), in order."""


def duty_to_warn(case: Case) -> list[Obligation]:
    """The duty-to-warn obligations raised by *case*, one per client observation.

    Only ``threat-communicated`` observations about a client count (the statute
    requires a threat communicated by the patient); an observation whose value
    is ``false`` records that no threat was made. This function does not check
    the jurisdiction: :func:`riskcore_colorado.hooks.riskcore_obligations` does.

    Examples
    --------
    >>> from riskcore.model import Case, Practice, Client, Observation
    >>> case = Case(id="x", practice=Practice(id="p", jurisdiction="US-CO"),
    ...             clients=[Client(id="c-1")],
    ...             observations=[Observation(subject="c-1", code="threat-communicated",
    ...                                       qualifiers=["serious", "physical"])])
    >>> [(o.status.value, o.missing) for o in duty_to_warn(case)]
    [('review', ('imminent', 'identifiable-target'))]
    """
    clients = {c.id for c in case.clients}
    out: list[Obligation] = []
    for o in case.observations:
        if o.code != OBSERVATION or o.subject not in clients:
            continue
        if o.value is False or (o.value is not None and o.value == 0):
            continue
        present = [q for q in ELEMENTS if q in o.qualifiers]
        missing = [q for q in ELEMENTS if q not in o.qualifiers]
        fields: dict[str, Any] = {
            "reasons": [
                f"observation:{OBSERVATION}",
                *(f"qualifier:{q}" for q in present),
            ],
            "missing": missing,
            "checklist": CHECKLIST,
        }
        out.append(
            Obligation(
                id=DUTY_TO_WARN_ID,
                jurisdiction=JURISDICTION,
                name="Duty to warn and protect (C.R.S. § 13-21-117)",
                subject=o.subject,
                status=ObligationStatus.REVIEW if missing else ObligationStatus.ARISES,
                citation=CITATION,
                effective=EFFECTIVE,
                owner="clinician",
                time_to_act_hours=1.0,
                **fields,
            )
        )
    return out


SECTION_KEY = "us-co.duty-to-warn"
"""The key of the report section :func:`duty_to_warn_section` makes."""


def duty_to_warn_section(obligations: Iterable[Obligation]) -> ReportSection | None:
    """The report section of the Colorado duty to warn: which clients it arises
    or is to be reviewed for, and its checklist once, as "do all of" steps with
    the alternatives of § 13-21-117(2)(b) as "or one of". ``None`` when no
    obligation is this rule's.

    Examples
    --------
    >>> from riskcore.model import Case, Practice, Client, Observation
    >>> case = Case(id="x", practice=Practice(id="p", jurisdiction="US-CO"),
    ...             clients=[Client(id="c-1")],
    ...             observations=[Observation(subject="c-1", code="threat-communicated",
    ...                                       qualifiers=list(ELEMENTS))])
    >>> s = duty_to_warn_section(duty_to_warn(case))
    >>> s.rows
    (('c-1', 'arises', '-', 'within 1 hour'),)
    >>> [g.kind for g in s.checklist]
    ['all-of', 'one-of', 'all-of']
    >>> duty_to_warn_section([]) is None
    True
    """
    mine = [o for o in obligations if o.id == DUTY_TO_WARN_ID]
    if not mine:
        return None
    return ReportSection(
        key=SECTION_KEY,
        title="Colorado duty to warn and protect: what to do",
        paragraphs=(
            f"{CITATION.citation}. {CITATION.note}",
            "The duty is discharged by reasonable and timely efforts to do every "
            "step below; for the step with alternatives, one of them is enough.",
        ),
        columns=("Client", "Status", "Still to determine", "Act"),
        rows=[
            (
                o.subject,
                o.status.value,
                ", ".join(o.missing) or "-",
                hours(o.time_to_act_hours),
            )
            for o in mine
        ],
        checklist=checklist_steps(CHECKLIST, detail=True),
        obligations=(DUTY_TO_WARN_ID,),
    )
