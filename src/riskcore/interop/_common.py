"""What every importer shares: issues, the instrument registry, the case builder.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from attrs import field, frozen

from riskcore.errors import InteropError
from riskcore.model import Case, Client, InstrumentResponse, Practice, Professional
from riskcore.model._fields import ID_PATTERN, to_tuple

if TYPE_CHECKING:
    from riskcore.instruments import InstrumentSpec
    from riskcore.plugins import PluginManager

__all__ = [
    "ImportResult",
    "Issue",
    "Severity",
    "SubjectRef",
    "installed_instruments",
    "scored_instruments",
    "subject_id",
]


class Severity(enum.Enum):
    """How much an import issue matters.

    ``error``: data that could not be used (an unmappable item, an answer of
    the wrong type, a questionnaire no plugin scores): strict mode refuses the
    input. ``note``: recorded for the audit trail only (a derived total score
    riskcore recomputes, a response marked entered-in-error that was skipped).
    """

    ERROR = "error"
    NOTE = "note"


@frozen(kw_only=True)
class Issue:
    """One problem found while importing, with where it is.

    ``source`` is the file (or ``None`` for in-memory data) and ``path`` the
    location inside it: a JSON path (``entry[3].resource.item[8].answer[0]``),
    an NDJSON line (``line 12: item[0]``) or a table cell (``row 4, column
    phq9_9``). ``message`` never holds an answer or a name: values go through
    :func:`riskcore.errors.shown`.
    """

    source: str | None
    path: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{where}{self.path}: {self.message}"


@frozen
class SubjectRef:
    """A subject an imported response is about: pseudonymous id and kind."""

    id: str
    kind: str  # "client" or "professional"


@frozen(kw_only=True)
class ImportResult:
    """What an importer made of its input: responses, subjects and issues.

    ``clients`` and ``professionals`` are the pseudonymous ids of the subjects
    the responses are about (never names). :meth:`to_case` builds a case from
    them, or adds the responses to an existing one.
    """

    responses: tuple[InstrumentResponse, ...] = field(factory=tuple, converter=to_tuple)
    clients: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    professionals: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    issues: tuple[Issue, ...] = field(factory=tuple, converter=to_tuple)

    @property
    def errors(self) -> tuple[Issue, ...]:
        """The issues of severity ``error`` (what strict mode refuses)."""
        return tuple(i for i in self.issues if i.severity is Severity.ERROR)

    def raise_errors(self, source: str | None = None) -> None:
        """Raise :class:`~riskcore.errors.InteropError` listing every error issue."""
        if self.errors:
            raise InteropError(
                [
                    str(i) if i.source != source else f"{i.path}: {i.message}"
                    for i in self.errors
                ],
                source=source,
            )

    def to_case(
        self,
        *,
        base: Case | None = None,
        case_id: str = "imported",
        practice: str = "practice",
        assessed_on: dt.date | None = None,
    ) -> Case:
        """A :class:`~riskcore.model.Case` holding these responses.

        With *base*, the responses are added to that case, and subjects it
        does not have are added (clients and professionals by id only). Without
        it, a new case is made with a practice, the professionals and the
        clients seen. ``assessed_on`` defaults to the latest administration date.
        """
        import attrs

        dates = [r.administered for r in self.responses if r.administered]
        when = assessed_on or (max(dates) if dates else None)
        if base is None:
            return Case(
                id=case_id,
                practice=Practice(id=practice),
                professionals=[Professional(id=p) for p in self.professionals],
                clients=[Client(id=c) for c in self.clients],
                responses=self.responses,
                assessed_on=when,
            )
        have = {s.id for s in base.subjects()}
        return attrs.evolve(
            base,
            professionals=(
                *base.professionals,
                *(Professional(id=p) for p in self.professionals if p not in have),
            ),
            clients=(
                *base.clients,
                *(Client(id=c) for c in self.clients if c not in have),
            ),
            responses=(*base.responses, *self.responses),
            assessed_on=base.assessed_on or when,
        )


def installed_instruments(pm: PluginManager | None = None) -> dict[str, InstrumentSpec]:
    """Every instrument spec the active plugins declare, by instrument id.

    Read from the ``riskcore_instruments`` hook; a plugin whose hook fails is
    skipped here (:func:`riskcore.assess` reports it), so its instruments are
    then "not scored by any installed plugin" to the importers.
    """
    from riskcore.instruments import InstrumentSpec
    from riskcore.plugins import get_plugin_manager

    pm = pm or get_plugin_manager()
    out: dict[str, InstrumentSpec] = {}
    for o in pm.call_each("riskcore_instruments"):
        if not o.ok or o.result is None:
            continue
        for spec in o.result:
            if isinstance(spec, InstrumentSpec):
                out.setdefault(spec.id, spec)
    return out


def scored_instruments(pm: PluginManager | None = None) -> frozenset[str]:
    """Ids of the instruments some active plugin says it scores (``AssessorInfo``)."""
    from riskcore.assess import assessor_infos
    from riskcore.plugins import get_plugin_manager

    pm = pm or get_plugin_manager()
    return frozenset(
        i for info in assessor_infos(pm).values() for i in info.instruments
    )


RISKCORE_SUBJECT_SYSTEM = "urn:riskcore:subject"
"""The identifier system of riskcore's pseudonymous subject ids in FHIR."""


def subject_id(reference: str, *, key: bytes | None = None) -> str:
    """A pseudonymous riskcore id for an external subject reference.

    The reference (``Patient/12345``, a REDCap record id) may be a medical
    record number: it is never used as is. It becomes ``s-`` and the first 12
    hex digits of an HMAC-SHA256 keyed with *key* (the embedder's secret,
    ``RISKCORE_PSEUDONYM_KEY``), or of a plain SHA-256 without a key (stable,
    but anyone holding the reference can recompute it: use a key in practice).

    >>> subject_id("Patient/123")
    's-2b3c36c8ed71'
    >>> subject_id("Patient/123", key=b"secret") != subject_id("Patient/123")
    True
    """
    import hashlib
    import hmac

    data = reference.encode("utf-8")
    digest = (
        hmac.new(key, data, hashlib.sha256).hexdigest()
        if key
        else hashlib.sha256(data).hexdigest()
    )
    return f"s-{digest[:12]}"


def is_riskcore_id(value: object) -> bool:
    """True if *value* can be a riskcore id as it is (shape only)."""
    return isinstance(value, str) and bool(re.fullmatch(ID_PATTERN, value))


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """*values* without repeats, in first-seen order."""
    return tuple(dict.fromkeys(values))


def json_path(parts: Sequence[str | int]) -> str:
    """``["entry", 3, "resource", "item", 8]`` → ``entry[3].resource.item[8]``.

    >>> json_path(["entry", 3, "resource", "item", 8, "answer", 0])
    'entry[3].resource.item[8].answer[0]'
    >>> json_path(["line 12", "item", 0])
    'line 12: item[0]'
    """
    out = ""
    head = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif p.startswith(("line ", "[")) and not out:
            head = f"{p}: "  # an NDJSON line, or an item of an iterable
        else:
            out += f".{p}" if out else p
    return f"{head}{out or '(resource)'}" if head else out or "(document)"
