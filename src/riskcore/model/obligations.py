"""Legal obligations: duties a jurisdiction attaches to facts of a case.

A jurisdiction plugin (see :func:`riskcore.hookspecs.riskcore_obligations`)
reads the case and the assessment and returns :class:`Obligation` records: which
duty arises, for which subject, why (the observation or flag codes that meet the
statutory predicate, never free text), under which citation and effective date,
and the checklist that discharges it.

riskcore is decision support: an obligation says *a duty may arise and here is
the statute's own checklist*; whether it does is the clinician's and the
practice's legal judgement.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs
from attrs import field, frozen

from riskcore.errors import FieldError
from riskcore.model._fields import ident, ident_tuple, nonneg, text, to_tuple
from riskcore.model.assessment import AssessorFailure
from riskcore.model.catalog import Source

__all__ = [
    "ChecklistItem",
    "JurisdictionInfo",
    "Obligation",
    "ObligationStatus",
    "Obligations",
]


@frozen(kw_only=True)
class JurisdictionInfo:
    """What a jurisdiction plugin covers, from
    :func:`~riskcore.hookspecs.riskcore_jurisdiction_info`.

    ``jurisdictions`` are the ``Practice.jurisdiction`` codes it encodes
    duties for (``"US-CO"``); ``observations`` the observation codes its
    predicates read (``"threat-communicated"``). riskcore uses them to say when
    a practice's jurisdiction has no active plugin (the legal section is then
    incomplete, never empty) and to suggest a known code for a misspelt one.

    >>> JurisdictionInfo(jurisdictions=["US-CO"], observations=["threat-communicated"])
    JurisdictionInfo(jurisdictions=('US-CO',), observations=('threat-communicated',))

    .. versionadded:: 0.1
    """

    jurisdictions: tuple[str, ...] = ident_tuple()
    observations: tuple[str, ...] = ident_tuple()


class ObligationStatus(enum.Enum):
    """How sure the rule is that the duty arises.

    ``ARISES``: every element of the statutory predicate is recorded.
    ``REVIEW``: the triggering fact is recorded but some elements are not, so
    the clinician must determine them now. A partial record is never read as
    "no duty".
    """

    ARISES = "arises"
    REVIEW = "review"


@frozen(kw_only=True)
class ChecklistItem:
    """One step that discharges an obligation, in order.

    ``any_of`` names alternative items (by id) that discharge the same element
    (e.g. *notify law enforcement* or *hospitalise*).

    >>> ChecklistItem(id="notify-target", title="Notify the person threatened").required
    True
    """

    id: str = ident()
    title: str = text(max_length=200)
    detail: str = text(max_length=2000, default="")
    required: bool = field(default=True)
    any_of: tuple[str, ...] = ident_tuple()


def _check_date(inst: object, attribute: attrs.Attribute[Any], value: dt.date) -> None:
    if not isinstance(value, dt.date):
        raise FieldError("effective", value, "is not a date")


@frozen(kw_only=True)
class Obligation:
    """A legal duty that may arise for one subject of a case.

    Parameters
    ----------
    id:
        Stable id of the rule (``"us-co.duty-to-warn"``).
    jurisdiction:
        Jurisdiction code (``"US-CO"``), as in ``Practice.jurisdiction``.
    name:
        Short title of the duty.
    subject:
        The subject whose data raised it (a client pseudonym).
    status:
        :class:`ObligationStatus`.
    reasons:
        Codes that met the predicate (``"observation:threat-communicated"``,
        ``"qualifier:imminent"``); never free text or names.
    missing:
        Elements of the predicate that are not recorded (``REVIEW`` only).
    citation:
        The statute, as a :class:`~riskcore.model.Source`.
    effective:
        Date from which the encoded text is in force.
    checklist:
        The ordered discharge checklist.
    owner, time_to_act_hours:
        Who acts, and how fast.

    Examples
    --------
    >>> import datetime as dt
    >>> o = Obligation(id="x.duty", jurisdiction="XX", name="Duty", subject="c-01",
    ...                reasons=["observation:threat-communicated"],
    ...                citation=Source(citation="Act s. 1"),
    ...                effective=dt.date(2020, 1, 1),
    ...                checklist=[ChecklistItem(id="document", title="Document")])
    >>> o.status.value, [c.id for c in o.checklist]
    ('arises', ['document'])
    """

    id: str = ident()
    jurisdiction: str = text(max_length=40)
    name: str = text(max_length=200)
    subject: str = ident()
    status: ObligationStatus = field(default=ObligationStatus.ARISES)
    reasons: tuple[str, ...] = ident_tuple()
    missing: tuple[str, ...] = ident_tuple()
    citation: Source = field()
    effective: dt.date = field(validator=_check_date)
    checklist: tuple[ChecklistItem, ...] = field(factory=tuple, converter=to_tuple)
    owner: str = field(default="clinician")
    time_to_act_hours: float = nonneg(default=24.0)

    def __attrs_post_init__(self) -> None:
        if not self.checklist:
            raise FieldError(
                "checklist", (), "is empty: say how the duty is discharged"
            )
        ids = [c.id for c in self.checklist]
        if len(set(ids)) != len(ids):
            raise FieldError("checklist", ids, "repeats an item id")
        for c in self.checklist:
            for alt in c.any_of:
                if alt not in ids:
                    raise FieldError(
                        f"checklist.{c.id}.any_of",
                        alt,
                        "is not an item of this checklist",
                    )
        if self.status is ObligationStatus.ARISES and self.missing:
            raise FieldError(
                "missing", self.missing, "must be empty when the duty arises"
            )


@frozen(kw_only=True)
class Obligations:
    """What :func:`riskcore.obligations.evaluate_obligations` found.

    ``failures`` lists jurisdiction plugins that crashed or returned something
    invalid: their duties are *unknown*, not absent, so :attr:`complete` is
    false.
    """

    case_id: str = ident()
    obligations: tuple[Obligation, ...] = field(factory=tuple, converter=to_tuple)
    failures: tuple[AssessorFailure, ...] = field(factory=tuple, converter=to_tuple)
    gaps: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    """Why legal duties may be missing although no plugin failed: the
    practice's jurisdiction has no active jurisdiction plugin, or an
    observation code is not a known one (with a did-you-mean). Non-identifying.

    .. versionadded:: 0.1
    """

    @property
    def complete(self) -> bool:
        """True only if every jurisdiction plugin answered and nothing is
        known to be missing (:attr:`gaps`)."""
        return not self.failures and not self.gaps

    @property
    def incomplete_reasons(self) -> tuple[str, ...]:
        """Plugin failures, then :attr:`gaps`.

        .. versionadded:: 0.1
        """
        return (*(f.summary() for f in self.failures), *self.gaps)
