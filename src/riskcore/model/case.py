"""The case: one practice, its people, and what is known about them.

A case file is the input of every riskcore run. It is pseudonymous by design:
ids are pseudonyms; names and notes are optional, sensitive fields.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections import Counter
from collections.abc import Container
from typing import ClassVar

from attrs import field, frozen

from riskcore.errors import FieldError
from riskcore.model._fields import bounded, ident, nonneg, text, to_tuple
from riskcore.model.observations import InstrumentResponse, Observation
from riskcore.model.subjects import Client, Practice, Professional, Subject

__all__ = ["Case"]


@frozen(kw_only=True)
class Case:
    """Input of a riskcore run.

    Construction checks that subject ids are unique and that every response,
    observation and clinician reference names a subject of this case.

    >>> from riskcore.model import Practice, Client, Professional
    >>> case = Case(id="demo", practice=Practice(id="p"),
    ...             professionals=[Professional(id="t-1")],
    ...             clients=[Client(id="c-1", clinician="t-1")])
    >>> [s.id for s in case.subjects()]
    ['p', 't-1', 'c-1']
    >>> Case(id="demo", practice=Practice(id="p"), clients=[Client(id="c-1", clinician="t-9")])
    Traceback (most recent call last):
    ...
    riskcore.errors.FieldError: clients[0].clinician: 't-9' is not a professional in this case
    """

    SCHEMA_VERSION: ClassVar[int] = 1
    schema_version: int = field(default=1)
    id: str = ident()
    practice: Practice = field()
    professionals: tuple[Professional, ...] = field(factory=tuple, converter=to_tuple)
    clients: tuple[Client, ...] = field(factory=tuple, converter=to_tuple)
    responses: tuple[InstrumentResponse, ...] = field(factory=tuple, converter=to_tuple)
    observations: tuple[Observation, ...] = field(factory=tuple, converter=to_tuple)
    horizon_days: float = bounded(1.0, 3650.0, default=365.0)
    """The period likelihoods refer to (one year by default)."""
    assessed_on: dt.date | None = field(default=None)
    budget: float | None = nonneg(default=None)
    synthetic: bool = field(default=False)
    """True for made-up example data (shown in reports)."""
    description: str = text(max_length=4000, default="")

    def __attrs_post_init__(self) -> None:
        if self.schema_version != self.SCHEMA_VERSION:
            raise FieldError(
                "schema_version",
                self.schema_version,
                f"is not supported (this riskcore reads version {self.SCHEMA_VERSION})",
            )
        ids = Counter(s.id for s in self.subjects())
        dup = sorted(k for k, n in ids.items() if n > 1)
        if dup:
            raise FieldError("subjects", dup[0], "is used by more than one subject")
        professionals = {p.id for p in self.professionals}
        for i, c in enumerate(self.clients):
            if c.clinician is not None and c.clinician not in professionals:
                raise FieldError(
                    f"clients[{i}].clinician",
                    c.clinician,
                    "is not a professional in this case",
                )
        for i, r in enumerate(self.responses):
            if r.subject not in ids:
                raise FieldError(
                    f"responses[{i}].subject",
                    r.subject,
                    "is not a subject in this case",
                )
            if r.about is not None and r.about not in ids:
                raise FieldError(
                    f"responses[{i}].about", r.about, "is not a subject in this case"
                )
        for i, o in enumerate(self.observations):
            if o.subject not in ids:
                raise FieldError(
                    f"observations[{i}].subject",
                    o.subject,
                    "is not a subject in this case",
                )

    def subjects(self) -> tuple[Subject, ...]:
        """The practice, then professionals, then clients, in file order."""
        return (self.practice, *self.professionals, *self.clients)

    def subject(self, id: str) -> Subject:
        """The subject with this id (``KeyError`` if absent); indexed on first use."""
        return _index(self)[3][id]

    def clients_of(self, professional: str) -> tuple[Client, ...]:
        """The clients whose clinician is *professional*, in file order.

        Indexed on the first call (plugins ask once per professional), then
        looked up; ``()`` for an id with no clients.

        >>> from riskcore.model import Practice, Client, Professional
        >>> case = Case(id="demo", practice=Practice(id="p"),
        ...             professionals=[Professional(id="t-1"), Professional(id="t-2")],
        ...             clients=[Client(id="c-1", clinician="t-2"),
        ...                      Client(id="c-2"), Client(id="c-3", clinician="t-2")])
        >>> [c.id for c in case.clients_of("t-2")], case.clients_of("t-1")
        (['c-1', 'c-3'], ())

        .. versionadded:: 0.1
        """
        return _index(self)[5].get(professional, ())

    def responses_for(self, subject: str) -> tuple[InstrumentResponse, ...]:
        """Instrument responses given by (or about) one subject.

        In file order. The responses are indexed by subject on the first call
        (every assessor asks once per subject), then looked up.
        """
        return _index(self)[1].get(subject, ())

    def history(
        self, subject: str, instruments: Container[str] | None = None
    ) -> tuple[InstrumentResponse, ...]:
        """One subject's instrument responses, oldest first.

        The order to score them in when the latest administration counts.
        Undated responses come first (nothing says they are recent), and
        responses of the same day keep their file order, so the last of the
        tuple is the latest, and of one day's the last recorded. With
        *instruments*, only the responses to those.

        >>> from riskcore.model import Practice, Client, InstrumentResponse
        >>> def answered(day):
        ...     return InstrumentResponse(instrument="phq9", subject="c-1",
        ...                               items={}, administered=day)
        >>> case = Case(id="demo", practice=Practice(id="p"), clients=[Client(id="c-1")],
        ...             responses=[answered(dt.date(2026, 3, 1)), answered(None),
        ...                        answered(dt.date(2026, 1, 5))])
        >>> [r.administered for r in case.history("c-1", {"phq9"})]
        [None, datetime.date(2026, 1, 5), datetime.date(2026, 3, 1)]
        >>> case.history("c-1", {"gad7"})
        ()

        .. versionadded:: 0.1
        """
        ordered = _index(self)[2].get(subject, ())
        if instruments is None or not ordered:
            return ordered
        # Not remembered: filtering a subject's few responses costs less than
        # a memo of one answer per subject and instruments would.
        return _only(ordered, instruments)

    def observations_for(self, subject: str) -> tuple[Observation, ...]:
        """Observations recorded about one subject, in file order; indexed on first use."""
        return _index(self)[4].get(subject, ())


_Index = tuple[
    "weakref.ref[Case]",
    dict[str, tuple[InstrumentResponse, ...]],
    dict[str, tuple[InstrumentResponse, ...]],
    dict[str, Subject],
    dict[str, tuple[Observation, ...]],
    dict[str, tuple[Client, ...]],
]
_RESPONSES_BY_SUBJECT: dict[int, _Index] = {}
"""``id(case)`` -> (weak reference to the case, its responses by subject in
file order, the same oldest first, subjects by id, observations by subject, clients by
clinician).

A case is frozen but not hashable (its responses hold dicts), so the index is
keyed by ``id`` and dropped when the case is garbage-collected.
"""


def _index(case: Case) -> _Index:
    """The case's index, built on first use (internal)."""
    entry = _RESPONSES_BY_SUBJECT.get(id(case))
    if entry is None or entry[0]() is not case:
        entry = _index_responses(case)
    return entry


def _only(
    responses: tuple[InstrumentResponse, ...], instruments: Container[str]
) -> tuple[InstrumentResponse, ...]:
    kept = [r for r in responses if r.instrument in instruments]
    return responses if len(kept) == len(responses) else tuple(kept)


def _administered(r: InstrumentResponse) -> dt.date:
    return r.administered or dt.date.min  # undated first; sorted() is stable


def _index_responses(case: Case) -> _Index:
    grouped: dict[str, list[InstrumentResponse]] = {}
    for r in case.responses:
        grouped.setdefault(r.subject, []).append(r)
    key = id(case)

    def forget(ref: weakref.ref[Case]) -> None:
        current = _RESPONSES_BY_SUBJECT.get(key)
        if current is not None and current[0] is ref:
            _RESPONSES_BY_SUBJECT.pop(key, None)

    subjects: dict[str, Subject] = {}
    for s in case.subjects():
        subjects.setdefault(s.id, s)  # the first, as a scan would find
    observed: dict[str, list[Observation]] = {}
    for o in case.observations:
        observed.setdefault(o.subject, []).append(o)
    caseloads: dict[str, list[Client]] = {}
    for c in case.clients:
        if c.clinician is not None:
            caseloads.setdefault(c.clinician, []).append(c)
    entry: _Index = (
        weakref.ref(case, forget),
        {k: tuple(v) for k, v in grouped.items()},
        {k: tuple(sorted(v, key=_administered)) for k, v in grouped.items()},
        subjects,
        {k: tuple(v) for k, v in observed.items()},
        {k: tuple(v) for k, v in caseloads.items()},
    )
    _RESPONSES_BY_SUBJECT[key] = entry
    return entry
