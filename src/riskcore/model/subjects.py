"""Subjects: the practice, its professionals and its clients.

Every subject carries a pseudonymous ``id``; names and other identifying data are
optional, kept out of ``repr`` and out of error messages, and redacted in reports
unless the caller asks for them.

Protected attributes (culture, ethnicity, religion, language, gender) live in
:class:`ProtectedAttributes`. They may inform cultural fit and preparedness; by
contract they never raise aggression or self-harm risk (see
:doc:`/fairness`).

.. versionadded:: 0.1
"""

from __future__ import annotations

import enum
from typing import ClassVar, TypeAlias

from attrs import field, frozen

from riskcore.model._fields import ident, ident_tuple, nonneg, text, to_tuple

__all__ = [
    "Client",
    "Practice",
    "Professional",
    "ProtectedAttributes",
    "Subject",
    "SubjectKind",
]


class SubjectKind(enum.Enum):
    """Who a score or a risk is about."""

    CLIENT = "client"
    PROFESSIONAL = "professional"
    PRACTICE = "practice"


PROTECTED_FIELDS = ("culture", "ethnicity", "religion", "languages", "gender")
"""Names of the protected attributes, in the order they are declared."""


@frozen(kw_only=True)
class ProtectedAttributes:
    """Self-described protected attributes. All optional; all sensitive.

    >>> ProtectedAttributes(languages=["es", "en"], gender="woman")
    ProtectedAttributes()
    """

    culture: str | None = text(sensitive=True, max_length=200, default=None)
    ethnicity: str | None = text(sensitive=True, max_length=200, default=None)
    religion: str | None = text(sensitive=True, max_length=200, default=None)
    languages: tuple[str, ...] = field(
        factory=tuple,
        converter=to_tuple,
        repr=False,
        metadata={"riskcore": {"sensitive": True}},
    )
    gender: str | None = text(sensitive=True, max_length=200, default=None)


@frozen(kw_only=True)
class Client:
    """A client of the practice, known by a pseudonym.

    >>> Client(id="c-01", name="Jane Doe", clinician="t-01")
    Client(id='c-01', clinician='t-01', protected=ProtectedAttributes(), context=())
    """

    KIND: ClassVar[SubjectKind] = SubjectKind.CLIENT
    id: str = ident()
    name: str | None = text(sensitive=True, max_length=200, default=None)
    clinician: str | None = field(default=None)
    protected: ProtectedAttributes = field(factory=ProtectedAttributes)
    context: tuple[str, ...] = ident_tuple()
    """Context tags that matter to planning (``"home-visits"``, ``"after-hours"``)."""


@frozen(kw_only=True)
class Professional:
    """A therapist or other member of staff.

    ``cultural_training_hours`` and ``caseload`` feed the cultural and wellbeing
    assessors; ``languages`` is used for language concordance with clients.
    """

    KIND: ClassVar[SubjectKind] = SubjectKind.PROFESSIONAL
    id: str = ident()
    name: str | None = text(sensitive=True, max_length=200, default=None)
    role: str = field(default="therapist")
    languages: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    caseload: float | None = nonneg(default=None)
    cultural_training_hours: float | None = nonneg(default=None)
    context: tuple[str, ...] = ident_tuple()


@frozen(kw_only=True)
class Practice:
    """The practice as a whole (organisational risks attach here)."""

    KIND: ClassVar[SubjectKind] = SubjectKind.PRACTICE
    id: str = ident()
    name: str | None = text(sensitive=True, max_length=200, default=None)
    jurisdiction: str | None = field(default=None)
    """Jurisdiction code for legal duties, e.g. ``"US-CO"``."""
    context: tuple[str, ...] = ident_tuple()


Subject: TypeAlias = Client | Professional | Practice
"""Any subject a score or a risk can be about."""
