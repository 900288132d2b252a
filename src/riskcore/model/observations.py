"""What is known about a subject: instrument responses and observations.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import attrs
from attrs import field, frozen

from riskcore.errors import FieldError
from riskcore.model._fields import (
    _KNOWN_IDS,
    _checked_id,
    ident,
    ident_tuple,
    text,
    to_tuple,
)

__all__ = [
    "Answer",
    "InstrumentResponse",
    "InvalidAnswer",
    "Observation",
    "normalise_code",
    "parse_observation_spec",
]


@frozen(kw_only=True, repr=False)
class InvalidAnswer:
    """An answer that is not a number (a typo such as ``"2x"``, a date, a name).

    The case still loads: the answer is kept as this marker, which never holds
    the value, and the instrument engine counts the item *invalid*: scored as
    unanswered under the instrument's missing-data rule, the scale marked
    incomplete, and a critical item read as its worst plausible answer (see
    :func:`riskcore.instruments.score_items`). ``kind`` says what was found
    (``"a string"``, ``"a boolean"``, ``"a date"``), never what it said; two
    markers are equal whatever their kind (a dumped case reloads equal).

    >>> InvalidAnswer.of("555-123-4567")
    <invalid answer: a string>
    >>> InvalidAnswer.of(True) == InvalidAnswer.of("2x")
    True

    .. versionadded:: 0.1
    """

    kind: str = field(eq=False)

    @classmethod
    def of(cls, value: object) -> InvalidAnswer:
        """The marker of *value* (only its kind is kept)."""
        if isinstance(value, InvalidAnswer):
            return value
        if isinstance(value, bool):
            kind = "a boolean"
        elif isinstance(value, dt.date):
            kind = "a date"
        elif isinstance(value, str):
            kind = "a string"
        elif isinstance(value, dict):
            kind = "a mapping"
        elif isinstance(value, (list, tuple)):
            kind = "a list"
        else:
            kind = f"a {type(value).__name__}"
        return cls(kind=kind)

    @property
    def problem(self) -> str:
        """The problem, as a report may say it: ``"not a number (a string)"``."""
        return f"not a number ({self.kind})"

    def __repr__(self) -> str:
        return f"<invalid answer: {self.kind}>"


Answer = int | float | InvalidAnswer | None
"""One item's answer: a code, ``None`` (unanswered) or an :class:`InvalidAnswer`."""


def parse_observation_spec(spec: str) -> tuple[str, frozenset[str]]:
    """Split ``code:qualifier:...`` into the code and the required qualifiers.

    The one parser of observation specs: response triggers
    (:mod:`riskcore.responses`) and the catalog's evidence table
    (:mod:`riskcore.evidence`) both use it.

    >>> code, quals = parse_observation_spec("threat-communicated:imminent:serious")
    >>> code, sorted(quals)
    ('threat-communicated', ['imminent', 'serious'])
    >>> parse_observation_spec("missed-check-in")
    ('missed-check-in', frozenset())
    """
    code, *quals = spec.split(":")
    return code, frozenset(quals)


def normalise_code(value: object) -> object:
    """Observation codes and qualifiers are lower case: the one rule.

    ``Threat-Communicated`` is ``threat-communicated`` (codes and qualifiers
    are lower-case by convention, :doc:`/conventions`); whitespace is not
    dropped (an id with a newline stays an error). A code that is still not
    a known one is reported with a did-you-mean by
    :func:`riskcore.obligations.evaluate_obligations`.

    >>> normalise_code("Threat-Communicated"), normalise_code(None)
    ('threat-communicated', None)
    """
    return value.lower() if isinstance(value, str) else value


def _codes(value: Any) -> tuple[Any, ...]:
    return tuple(normalise_code(v) for v in to_tuple(value))


def _validate_items(
    inst: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    if not isinstance(value, dict):
        raise FieldError(attribute.name, value, "is not a mapping of item id to answer")
    known = _KNOWN_IDS
    for key, answer in value.items():
        if type(key) is not str or key not in known:
            _checked_id(f"{attribute.name}.key", key)
        kind = type(answer)
        if answer is None or kind is int or (kind is float and math.isfinite(answer)):
            continue  # the usual answers, as the checks below accept them
        if isinstance(answer, InvalidAnswer):
            continue
        if isinstance(answer, bool) or not isinstance(answer, (int, float)):
            raise FieldError(
                f"{attribute.name}.{key}", answer, "is not a number or null"
            )
        if isinstance(answer, float) and not math.isfinite(answer):
            raise FieldError(
                f"{attribute.name}.{key}", answer, "is not a finite number"
            )


def _str_keys(value: object) -> object:
    # YAML reads ``1: 3`` with an int key; item ids are strings.
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return value


def _answers(value: object) -> object:
    """Item ids as strings; an answer that is not a number (a typo, a date, a
    name) becomes an :class:`InvalidAnswer`, so the case loads and the item,
    not the instrument, is invalid. Non-finite numbers stay errors (the
    validator), as everywhere in a document."""
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for k, v in value.items():
            kind = type(v)
            if not (
                v is None
                or kind is int
                or kind is float
                or isinstance(v, InvalidAnswer)
                or (isinstance(v, (int, float)) and not isinstance(v, bool))
            ):
                v = InvalidAnswer.of(v)
            out[k if type(k) is str else str(k)] = v
        return out
    return value


@frozen(kw_only=True)
class InstrumentResponse:
    """One administration of an instrument to one respondent.

    ``items`` maps item ids (``"1"`` ... ``"20"``, ``"6b"``) to the answer code;
    ``None`` means *unanswered*, which is never read as the lowest answer.
    An answer that is not a number (``"2x"``, a date, a name) is kept as an
    :class:`InvalidAnswer`, which never holds the value: the item is invalid,
    not the whole response (:func:`riskcore.instruments.score_items`).
    ``about`` names the subject being rated when it is not the respondent (a
    client rating their therapist's cultural humility).
    Free-text answers (e.g. a cultural formulation interview) go in ``answers``;
    they are sensitive and never scored.

    >>> r = InstrumentResponse(instrument="phq9", subject="c-01", items={1: 2, 9: None})
    >>> r.items
    {'1': 2, '9': None}
    >>> r.answered
    1
    >>> InstrumentResponse(instrument="phq9", subject="c-01", items={1: "2x"}).items
    {'1': <invalid answer: a string>}
    """

    instrument: str = ident()
    subject: str = ident()
    items: dict[str, int | float | InvalidAnswer | None] = field(
        factory=dict, converter=_answers, validator=_validate_items, hash=False
    )
    about: str | None = field(default=None)
    administered: dt.date | None = field(default=None)
    answers: dict[str, str] = field(
        factory=dict,
        converter=_str_keys,
        repr=False,
        hash=False,
        metadata={"riskcore": {"sensitive": True}},
    )

    @property
    def answered(self) -> int:
        """Number of items with an answer (an invalid answer is not one)."""
        return sum(
            v is not None and not isinstance(v, InvalidAnswer)
            for v in self.items.values()
        )


@frozen(kw_only=True)
class Observation:
    """A fact recorded about a subject, outside any instrument.

    ``code`` names the fact (``"threat-communicated"``, ``"history-of-violence"``,
    ``"missed-check-in"``); ``qualifiers`` refine it (``"serious"``,
    ``"imminent"``, ``"identifiable-target"``). ``note`` is free text: sensitive,
    never logged or shown unless asked.

    >>> Observation(subject="c-02", code="threat-communicated",
    ...             qualifiers=["serious", "imminent"], note="about a neighbour")
    Observation(subject='c-02', code='threat-communicated', value=True, qualifiers=('serious', 'imminent'), observed=None)
    """

    subject: str = ident()
    code: str = ident(converter=normalise_code)
    value: bool | float | None = field(default=True)
    qualifiers: tuple[str, ...] = ident_tuple(converter=_codes)
    observed: dt.date | None = field(default=None)
    note: str | None = text(sensitive=True, default=None)

    @property
    def recorded(self) -> bool:
        """True if this records the fact; ``False`` or ``0`` records its absence.

        ``True``, ``None`` (value unknown: fail closed) and other numbers
        record the fact.

        >>> Observation(subject="c-1", code="history-of-violence").recorded
        True
        >>> Observation(subject="c-1", code="history-of-violence", value=False).recorded
        False
        >>> Observation(subject="t-1", code="caseload", value=0).recorded
        False
        """
        return self.value is None or (self.value is not False and self.value != 0)
