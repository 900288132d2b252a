"""FHIR documents → responses: Bundles, QuestionnaireResponses, their subjects.

:class:`FhirReader` walks one parsed document (a Bundle or a single
QuestionnaireResponse) and yields, per QuestionnaireResponse, its
:class:`~riskcore.model.InstrumentResponse`, the subject it is about and its
issues, in that order. What each code means is
:class:`~riskcore.interop.fhir_match.FhirMatcher`'s; reading files and
collecting results is :mod:`riskcore.interop.fhir_in`'s.

>>> reader = FhirReader(key=b"k")
>>> [type(x).__name__ for x in reader.document(
...     {"resourceType": "Patient"}, source=None)]
['Issue']

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from riskcore.errors import shown
from riskcore.interop._common import (
    RISKCORE_SUBJECT_SYSTEM,
    Issue,
    Severity,
    SubjectRef,
    is_riskcore_id,
    json_path,
    subject_id,
)
from riskcore.interop.fhir_json import (
    MAX_ITEM_DEPTH,
    TOO_DEEP,
    date_of,
    type_name,
    url_shown,
    walk_paths,
)
from riskcore.interop.fhir_match import CACHE_LIMIT, FhirMatcher
from riskcore.model import InstrumentResponse, InvalidAnswer

if TYPE_CHECKING:
    from riskcore.interop.mapping import Mapping
    from riskcore.plugins import PluginManager

__all__ = ["ABOUT_EXTENSION", "FhirReader"]

ABOUT_EXTENSION = "urn:riskcore:fhir:StructureDefinition:about"
"""Extension on a QuestionnaireResponse naming the subject rated (``about``)."""

_IGNORED_TYPES = frozenset(
    {"Patient", "Practitioner", "PractitionerRole", "Organization", "RelatedPerson"}
)

_Items = dict[str, int | float | InvalidAnswer | None]


class _At:
    """Where one resource is (its file and JSON path): makes its issues."""

    __slots__ = ("prefix", "source")

    def __init__(self, source: str | None, prefix: tuple[str | int, ...]) -> None:
        self.source = source
        self.prefix = prefix

    def __call__(
        self, path: tuple[str | int, ...], msg: str, sev: Severity = Severity.ERROR
    ) -> Issue:
        return FhirReader._issue(self.source, (*self.prefix, *path), msg, sev)


class _Head(NamedTuple):
    """What a QuestionnaireResponse is, before its items are read."""

    url: str
    instrument: str
    subject: str
    kind: str
    administered: dt.date | None


class FhirReader(FhirMatcher):
    """Turns FHIR resources into responses: the matching rules, built once.

    Parameters
    ----------
    mapping:
        The embedder's :class:`~riskcore.interop.mapping.Mapping`, if any.
    pm:
        Plugin manager whose instruments are matched (default: the global one).
    key:
        Secret for the pseudonymous ids of subjects (``RISKCORE_PSEUDONYM_KEY``
        by default; see :func:`~riskcore.interop.subject_id`).
    """

    def __init__(
        self,
        *,
        mapping: Mapping | None = None,
        pm: PluginManager | None = None,
        key: bytes | None = None,
    ) -> None:
        super().__init__(mapping=mapping, pm=pm)
        if key is None:
            env = os.environ.get("RISKCORE_PSEUDONYM_KEY")
            key = env.encode("utf-8") if env else None
        self.key = key
        self._pseudonyms: dict[str, str] = {}

    # ------------------------------------------------------------ documents

    def document(
        self, data: object, *, source: str | None, prefix: tuple[str | int, ...] = ()
    ) -> Iterator[InstrumentResponse | SubjectRef | Issue]:
        """Responses and issues of one parsed JSON document (Bundle or resource)."""
        if not isinstance(data, dict):
            yield self._issue(
                source, prefix, "expected a FHIR resource (a JSON object)"
            )
            return
        kind = data.get("resourceType")
        if kind == "Bundle":
            yield from self.bundle(data, source=source, prefix=prefix)
        elif kind == "QuestionnaireResponse":
            self._local = {}
            yield from self.response(data, source=source, prefix=prefix)
        else:
            yield self._issue(
                source,
                (*prefix, "resourceType"),
                f"{type_name(kind)} is not a Bundle or a QuestionnaireResponse",
            )

    def bundle(
        self, data: dict[str, Any], *, source: str | None, prefix: tuple[str | int, ...]
    ) -> Iterator[InstrumentResponse | SubjectRef | Issue]:
        """Responses and issues of a Bundle's QuestionnaireResponse entries."""
        entries = data.get("entry", [])
        if not isinstance(entries, list):
            yield self._issue(source, (*prefix, "entry"), "expected a list of entries")
            return
        self._local = {}
        resources: list[tuple[int, dict[str, Any]]] = []
        for i, entry in enumerate(entries):
            res = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(res, dict):
                yield self._issue(
                    source, (*prefix, "entry", i), "entry has no resource object"
                )
                continue
            if res.get("resourceType") == "Questionnaire":
                self._questionnaire(res)
            resources.append((i, res))
        skipped: dict[str, int] = {}
        for i, res in resources:
            kind = res.get("resourceType")
            where = (*prefix, "entry", i, "resource")
            if kind == "QuestionnaireResponse":
                yield from self.response(res, source=source, prefix=where)
            elif kind == "Questionnaire" or kind in _IGNORED_TYPES:
                continue  # read for matching only; names are never read
            else:
                name = type_name(kind)
                skipped[name] = skipped.get(name, 0) + 1
        if skipped:
            listed = ", ".join(f"{n} {k}" for k, n in sorted(skipped.items()))
            yield self._issue(
                source,
                (*prefix, "entry"),
                f"not read by riskcore (skipped): {listed}",
                Severity.NOTE,
            )

    # ------------------------------------------------------------ resources

    def response(
        self, qr: dict[str, Any], *, source: str | None, prefix: tuple[str | int, ...]
    ) -> Iterator[InstrumentResponse | SubjectRef | Issue]:
        """The response of one QuestionnaireResponse, then its issues."""
        at = _At(source, prefix)
        head = self._head(qr, at)
        if isinstance(head, Issue):
            yield head
            return
        items, problems = self._items_of(qr, head.instrument, head.url, at)
        about = None
        for ext in qr.get("extension") or ():
            if isinstance(ext, dict) and ext.get("url") == ABOUT_EXTENSION:
                about, _ = self._subject(ext.get("valueReference"))
        yield InstrumentResponse(
            instrument=head.instrument,
            subject=head.subject,
            items=items,
            administered=head.administered,
            about=about,
        )
        yield SubjectRef(head.subject, head.kind)
        yield from problems

    def _head(self, qr: dict[str, Any], at: _At) -> _Head | Issue:
        """Which instrument, whose answers and when; or the one issue that stops it."""
        found = self._which_instrument(qr, at)
        if isinstance(found, Issue):
            return found
        url, instrument = found
        subject, kind = self._subject(qr.get("subject"))
        if subject is None:
            return at(
                ("subject",),
                "missing or not a reference: whose answers are these? "
                "(expected subject.reference, e.g. Patient/123)",
            )
        administered: dt.date | None = None
        authored = qr.get("authored")
        if authored is not None:
            administered = date_of(authored)
            if administered is None:
                return at(
                    ("authored",),
                    f"{shown(authored)} is not a date (expected YYYY-MM-DD or a "
                    "FHIR dateTime with a full date)",
                )
        return _Head(url, instrument, subject, kind, administered)

    def _which_instrument(self, qr: dict[str, Any], at: _At) -> tuple[str, str] | Issue:
        """The ``questionnaire`` URL and the scored instrument it names."""
        if qr.get("resourceType") != "QuestionnaireResponse":
            return at(
                ("resourceType",),
                f"{shown(qr.get('resourceType'))} is not a QuestionnaireResponse",
            )
        status = qr.get("status")
        if status == "entered-in-error":
            return at(("status",), "entered-in-error: skipped", Severity.NOTE)
        url = qr.get("questionnaire")
        if url is None:
            return at(
                ("questionnaire",),
                "missing: cannot tell which instrument this is (add the "
                "Questionnaire's canonical URL, or map it in a mapping file)",
            )
        if not isinstance(url, str):
            return at(("questionnaire",), "expected a canonical URL (a string)")
        instrument = self._urls.get(url) if not self._local else None
        if instrument is None:
            instrument = self._instrument(url)
            if not self._local and len(self._urls) < CACHE_LIMIT:
                self._urls[url] = instrument
        if instrument is None:
            return at(
                ("questionnaire",),
                f"{url_shown(url)} is not an instrument any installed plugin scores "
                "(no LOINC panel, riskcore canonical or mapping-file URL matches)",
            )
        if instrument not in self.scored:
            return at(
                ("questionnaire",),
                f"{url_shown(url)} is the instrument {shown(instrument)}, which no "
                "installed plugin scores",
            )
        return url, instrument

    def _items_of(
        self, qr: dict[str, Any], instrument: str, url: str, at: _At
    ) -> tuple[_Items, list[Issue]]:
        """Each answered item of *qr*, matched and decoded, and the issues met."""
        spec = self.specs.get(instrument)
        imap = self.mapping.for_instrument(instrument) if self.mapping else None
        local = self._local.get(url.split("|", 1)[0], (instrument, {}))[1]
        items: _Items = {}
        where_of: dict[str, tuple[str | int, ...]] = {}
        problems: list[Issue] = []
        seen: dict[str, tuple[str | int, ...]] = {}
        for path, node in walk_paths(qr.get("item"), ("item",)):
            if TOO_DEEP in node:
                problems.append(
                    at(path, f"items nested more than {MAX_ITEM_DEPTH} levels deep")
                )
                continue
            lid = node.get("linkId")
            if not isinstance(lid, str) or not lid:
                problems.append(at((*path, "linkId"), "missing (a string)"))
                continue
            if lid in seen:
                problems.append(
                    at(
                        (*path, "linkId"),
                        f"duplicate linkId {url_shown(lid)} (first at "
                        f"{json_path((*at.prefix, *seen[lid]))})",
                    )
                )
                continue
            seen[lid] = path
            answers = node.get("answer")
            if answers is None:
                if node.get("item"):
                    continue  # a group: its items are walked
                answers = []
            if not isinstance(answers, list):
                problems.append(at((*path, "answer"), "expected a list of answers"))
                continue
            if imap is not None and lid in imap.ignore:
                continue
            if imap is None and not local:
                key = (instrument, lid)
                if key in self._items:
                    target = self._items[key]
                else:
                    target = self._item(instrument, spec, None, local, lid)
                    if len(self._items) < CACHE_LIMIT:
                        self._items[key] = target
            else:
                target = self._item(instrument, spec, imap, local, lid)
            if target == "":
                problems.append(
                    at(
                        (*path, "linkId"),
                        f"{url_shown(lid)} is the total score: skipped (riskcore "
                        "computes totals from the items)",
                        Severity.NOTE,
                    )
                )
                continue
            if target is None:
                problems.append(
                    at(
                        (*path, "linkId"),
                        f"{url_shown(lid)} is not an item of {instrument} "
                        "(no item id, LOINC code or mapping-file entry matches)",
                    )
                )
                continue
            if target in items:
                problems.append(
                    at(
                        (*path, "linkId"),
                        f"{url_shown(lid)} answers item {target!r} of {instrument} "
                        f"again (first at {json_path((*at.prefix, *where_of[target]))})",
                    )
                )
                items[target] = InvalidAnswer.of("duplicate")
                continue
            where_of[target] = path
            if not answers:
                items[target] = None
                continue
            if len(answers) > 1:
                problems.append(
                    at(
                        (*path, "answer"),
                        f"{len(answers)} answers to one item (expected one)",
                    )
                )
                items[target] = InvalidAnswer.of(answers)
                continue
            bounds = self.bounds.get(instrument, {}).get(target)
            value, why = self._answer(answers[0], bounds, imap)
            if why is not None:
                problems.append(at((*path, "answer", 0), why))
                items[target] = InvalidAnswer.of(value)
            else:
                items[target] = cast("int | float", value)
        return items, problems

    # ------------------------------------------------------------ subjects

    def _subject(self, ref: object) -> tuple[str | None, str]:
        if not isinstance(ref, dict):
            return None, "client"
        reference = ref.get("reference")
        ident = ref.get("identifier")
        kind = "client"
        rtype = ref.get("type")
        if (
            isinstance(reference, str) and reference.startswith("Practitioner/")
        ) or rtype == "Practitioner":
            kind = "professional"
        if (
            isinstance(ident, dict)
            and ident.get("system") == RISKCORE_SUBJECT_SYSTEM
            and is_riskcore_id(ident.get("value"))
        ):
            return str(ident["value"]), kind
        if isinstance(reference, str) and reference:
            sid = self._pseudonyms.get(reference)
            if sid is None:
                sid = subject_id(reference, key=self.key)
                if len(self._pseudonyms) < CACHE_LIMIT:
                    self._pseudonyms[reference] = sid
            return sid, kind
        return None, kind

    @staticmethod
    def _issue(
        source: str | None,
        path: tuple[str | int, ...],
        msg: str,
        sev: Severity = Severity.ERROR,
    ) -> Issue:
        return Issue(source=source, path=json_path(path), message=msg, severity=sev)
