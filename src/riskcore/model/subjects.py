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
import re
from typing import Any, ClassVar, TypeAlias

import attrs
from attrs import field, frozen

from riskcore.errors import FieldError
from riskcore.model._fields import ident, ident_tuple, nonneg, text, to_tuple

__all__ = [
    "JURISDICTION_INPUT_PATTERN",
    "US_STATES",
    "Client",
    "Practice",
    "Professional",
    "ProtectedAttributes",
    "Subject",
    "SubjectKind",
    "normalise_jurisdiction",
]

US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "AS",
        "GU",
        "MP",
        "PR",
        "VI",
    ]
)
"""US states, the District of Columbia and the territories (USPS codes): a
bare one of these is read as ``US-XX`` by :func:`normalise_jurisdiction`."""

_JURISDICTION_RE = re.compile(r"[A-Z]{2}(-[A-Z0-9]{1,3})?")
JURISDICTION_INPUT_PATTERN = r"^\s*[A-Za-z]{2}([-_ ]+[A-Za-z0-9]{1,3})?\s*$"
"""What a case file may write as a jurisdiction (before normalisation)."""


def normalise_jurisdiction(value: object) -> object:
    """The one rule for jurisdiction codes (ISO 3166-2 style, ``US-CO``).

    Surrounding whitespace is dropped, letters are upper-cased and ``_`` or a
    space between the parts becomes ``-``; a bare US state code is read as
    that state (riskcore's jurisdiction plugins are state statutes), so
    ``co``, ``"CO "``, ``us-co`` and ``US_CO`` all select Colorado. Anything
    else that is not of the form ``XX`` or ``XX-YYY`` is refused (the value
    is not echoed unless it is code-shaped). ``None`` stays ``None``.

    >>> [normalise_jurisdiction(v) for v in ("co", "CO ", "us-co", " US_CO", "US-CO")]
    ['US-CO', 'US-CO', 'US-CO', 'US-CO', 'US-CO']
    >>> normalise_jurisdiction("gb-eng")
    'GB-ENG'
    >>> normalise_jurisdiction("Colorado")
    Traceback (most recent call last):
    ...
    riskcore.errors.FieldError: jurisdiction: <redacted: a string of 8 characters> is not a jurisdiction code like 'US-CO' (ISO 3166-2)

    Known limit: a two-letter country code that is also a US state code
    (``CA``, ``CO``, ``DE``, ``IN`` ...) is read as the US state; write a
    country's subdivision in full (``CA-ON``).
    """
    if value is None or not isinstance(value, str):
        return value
    code = re.sub(r"[\s_]+", "-", value.strip()).upper()
    if code in US_STATES:
        code = f"US-{code}"
    if not _JURISDICTION_RE.fullmatch(code):
        raise FieldError(
            "jurisdiction",
            value,
            "is not a jurisdiction code like 'US-CO' (ISO 3166-2)",
        )
    return code


def _v_jurisdiction(inst: object, a: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise FieldError(a.name, value, "is not a string")


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
    jurisdiction: str | None = field(
        default=None,
        converter=normalise_jurisdiction,
        validator=_v_jurisdiction,
        metadata={
            "riskcore": {"pattern": JURISDICTION_INPUT_PATTERN, "jurisdiction": True}
        },
    )
    """Jurisdiction code for legal duties, e.g. ``"US-CO"``; normalised by
    :func:`normalise_jurisdiction` (``co`` and ``"CO "`` are ``"US-CO"``)."""
    context: tuple[str, ...] = ident_tuple()
    currency: str = field(
        default="USD",
        validator=lambda inst, a, v: _v_currency(v),
        metadata={"riskcore": {"pattern": r"^[A-Z]{3}$"}},
    )
    """ISO 4217 code of the catalog's costs and the budget, for reports
    (``riskcore.plain.money``); default ``"USD"``.

    .. versionadded:: 0.1
    """


def _v_currency(value: object) -> None:
    if not (isinstance(value, str) and re.fullmatch(r"[A-Z]{3}", value)):
        raise FieldError("currency", value, "is not an ISO 4217 code such as 'USD'")


Subject: TypeAlias = Client | Professional | Practice
"""Any subject a score or a risk can be about."""
