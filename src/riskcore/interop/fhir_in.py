"""FHIR R4 QuestionnaireResponse → instrument responses, without a FHIR library.

Input: a Bundle, a single QuestionnaireResponse, an NDJSON file (one resource
per line, read as a stream), or a folder of those. Each QuestionnaireResponse
becomes one :class:`~riskcore.model.InstrumentResponse`:

* **which instrument**: the ``questionnaire`` canonical URL is matched against
  the embedder's mapping file, riskcore's own canonicals
  (``urn:riskcore:questionnaire:<id>``, what :mod:`riskcore.interop.fhir_out`
  writes), a LOINC panel code as the URL's last segment
  (``http://loinc.org/q/44249-1``), or a Questionnaire in the same Bundle whose
  ``code`` is the panel's LOINC code;
* **which item**: each answered ``linkId`` (groups are walked) is matched by the
  mapping file, the instrument's own item id, or the LOINC code of an item in
  the instrument spec (``/44260-8`` or ``44260-8``), or the ``code`` of the
  Questionnaire item in the Bundle; the LOINC code of the instrument's total is
  recognised and skipped (riskcore recomputes totals);
* **the answer**: ``valueInteger``, ``valueDecimal``, or ``valueCoding`` (its
  ``ordinalValue``/``itemWeight`` extension, the mapping file's answer codes,
  or a numeric code); ``valueBoolean`` for yes/no items;
* ``authored`` → the administration date (its date part, as written);
* ``subject`` → a pseudonymous id: the value of an identifier with system
  ``urn:riskcore:subject`` (riskcore's own export), otherwise a keyed hash of
  the reference (:func:`~riskcore.interop.subject_id`); ``display`` (a name) is
  never read. A ``Practitioner`` subject is a professional, any other a client.

Nothing is dropped silently. An item that is present but maps to nothing, an
answer of the wrong type, a questionnaire no installed plugin scores, a
missing ``questionnaire`` or subject, a duplicate ``linkId``: each is an
:class:`~riskcore.interop.Issue` naming the file and the JSON path
(``entry[3].resource.item[8].answer[0]``). A wrong answer also enters the
response as an :class:`~riskcore.model.InvalidAnswer`, so the instrument is
scored as incomplete (fail closed: a critical item raises its invalid flag);
``strict=True`` refuses the input instead.

>>> qr = {"resourceType": "QuestionnaireResponse", "status": "completed",
...       "questionnaire": "urn:riskcore:questionnaire:phq9",
...       "subject": {"reference": "Patient/1", "identifier":
...                   {"system": "urn:riskcore:subject", "value": "c-01"}},
...       "authored": "2026-10-05T09:30:00Z",
...       "item": [{"linkId": "9", "answer": [{"valueInteger": 1}]}]}
>>> r = read_fhir(qr)
>>> r.responses[0].instrument, r.responses[0].subject, r.responses[0].items
('phq9', 'c-01', {'9': 1})
>>> r.responses[0].administered
datetime.date(2026, 10, 5)

.. versionadded:: 0.2
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from riskcore.errors import InteropError, LoadError, shown
from riskcore.interop._common import (
    RISKCORE_SUBJECT_SYSTEM,
    ImportResult,
    Issue,
    Severity,
    SubjectRef,
    installed_instruments,
    is_riskcore_id,
    json_path,
    scored_instruments,
    subject_id,
    unique,
)
from riskcore.model import InstrumentResponse, InvalidAnswer

if TYPE_CHECKING:
    from riskcore.instruments import InstrumentSpec
    from riskcore.interop.mapping import InstrumentMap, Mapping
    from riskcore.model import Case
    from riskcore.plugins import PluginManager

__all__ = [
    "RISKCORE_QUESTIONNAIRE",
    "FhirReader",
    "case_from_fhir",
    "iter_fhir",
    "read_fhir",
]

RISKCORE_QUESTIONNAIRE = "urn:riskcore:questionnaire:"
ABOUT_EXTENSION = "urn:riskcore:fhir:StructureDefinition:about"
"""Extension on a QuestionnaireResponse naming the subject rated (``about``)."""
"""Prefix of riskcore's own Questionnaire canonicals (``…:phq9``)."""

_ORDINAL_EXTENSIONS = (
    "http://hl7.org/fhir/StructureDefinition/ordinalValue",
    "http://hl7.org/fhir/StructureDefinition/itemWeight",
    "http://hl7.org/fhir/StructureDefinition/iso21090-CO-value",
)
_LOINC_RE = re.compile(r"^[0-9]{1,7}-[0-9]$")
_URL_RE = re.compile(
    r"^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9/._:~%#-]{1,200}(\|[A-Za-z0-9._-]{1,40})?$"
)
_DATE_RE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})(T.*)?$")
_VALUE_KEYS = (
    "valueInteger",
    "valueDecimal",
    "valueCoding",
    "valueBoolean",
    "valueString",
    "valueDate",
    "valueDateTime",
    "valueTime",
    "valueQuantity",
    "valueReference",
    "valueAttachment",
    "valueUri",
)
_IGNORED_TYPES = frozenset(
    {"Patient", "Practitioner", "PractitionerRole", "Organization", "RelatedPerson"}
)


def _url(value: object) -> str:
    """A canonical URL in a message: shown when it is shaped like one."""
    if isinstance(value, str) and _URL_RE.match(value):
        return repr(value)
    return shown(value)


class FhirReader:
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
        self.mapping = mapping
        self.specs = installed_instruments(pm)
        self.scored = scored_instruments(pm)
        if key is None:
            env = os.environ.get("RISKCORE_PSEUDONYM_KEY")
            key = env.encode("utf-8") if env else None
        self.key = key
        self.panels: dict[str, str] = {}
        self.item_codes: dict[str, dict[str, str]] = {}
        self.bounds: dict[str, dict[str, tuple[int, int]]] = {
            sid: {i.id: (i.minimum, i.maximum) for i in spec.items}
            for sid, spec in self.specs.items()
        }
        self.totals: dict[str, set[str]] = {}
        for sid, spec in self.specs.items():
            codes: dict[str, str] = {}
            totals: set[str] = set()
            for item in spec.items:
                if item.loinc:
                    codes[item.loinc] = item.id
            if spec.loinc is not None:
                if spec.loinc.panel:
                    self.panels[spec.loinc.panel] = sid
                if spec.loinc.total:
                    totals.add(spec.loinc.total)
                for k, code in spec.loinc.items.items():
                    codes[code] = k
            self.item_codes[sid] = codes
            self.totals[sid] = totals
        # linkId -> item id without a mapping file or Bundle Questionnaire
        # (at most _ITEM_CACHE entries, so memory stays bounded)
        self._items: dict[tuple[str, str], str | None] = {}
        self._urls: dict[str, str | None] = {}
        self._pseudonyms: dict[str, str] = {}
        # Questionnaires met in the current Bundle: url -> (instrument, code->linkId)
        self._local: dict[str, tuple[str, dict[str, str]]] = {}

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
                f"{_type_name(kind)} is not a Bundle or a QuestionnaireResponse",
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
                name = _type_name(kind)
                skipped[name] = skipped.get(name, 0) + 1
        if skipped:
            listed = ", ".join(f"{n} {k}" for k, n in sorted(skipped.items()))
            yield self._issue(
                source,
                (*prefix, "entry"),
                f"not read by riskcore (skipped): {listed}",
                Severity.NOTE,
            )

    def _questionnaire(self, q: dict[str, Any]) -> None:
        url = q.get("url")
        if not isinstance(url, str):
            return
        instrument = self._by_url(url)
        if instrument is None:
            for coding in _codings(q.get("code")):
                if coding.get("code") in self.panels:
                    instrument = self.panels[coding["code"]]
        if instrument is None:
            return
        links: dict[str, str] = {}
        for item in _walk(q.get("item")):
            for coding in _codings(item.get("code")):
                code = coding.get("code")
                lid = item.get("linkId")
                if isinstance(code, str) and isinstance(lid, str):
                    links[lid] = code
        self._local[url.split("|", 1)[0]] = (instrument, links)

    # ------------------------------------------------------------ resources

    def response(
        self, qr: dict[str, Any], *, source: str | None, prefix: tuple[str | int, ...]
    ) -> Iterator[InstrumentResponse | SubjectRef | Issue]:
        """The response of one QuestionnaireResponse, then its issues."""

        def issue(
            path: tuple[str | int, ...], msg: str, sev: Severity = Severity.ERROR
        ) -> Issue:
            return self._issue(source, (*prefix, *path), msg, sev)

        if qr.get("resourceType") != "QuestionnaireResponse":
            yield issue(
                ("resourceType",),
                f"{shown(qr.get('resourceType'))} is not a QuestionnaireResponse",
            )
            return
        status = qr.get("status")
        if status == "entered-in-error":
            yield issue(("status",), "entered-in-error: skipped", Severity.NOTE)
            return
        url = qr.get("questionnaire")
        if url is None:
            yield issue(
                ("questionnaire",),
                "missing: cannot tell which instrument this is (add the "
                "Questionnaire's canonical URL, or map it in a mapping file)",
            )
            return
        if not isinstance(url, str):
            yield issue(("questionnaire",), "expected a canonical URL (a string)")
            return
        instrument = self._urls.get(url) if not self._local else None
        if instrument is None:
            instrument = self._instrument(url)
            if not self._local and len(self._urls) < _ITEM_CACHE:
                self._urls[url] = instrument
        if instrument is None:
            yield issue(
                ("questionnaire",),
                f"{_url(url)} is not an instrument any installed plugin scores "
                "(no LOINC panel, riskcore canonical or mapping-file URL matches)",
            )
            return
        if instrument not in self.scored:
            yield issue(
                ("questionnaire",),
                f"{_url(url)} is the instrument {shown(instrument)}, which no "
                "installed plugin scores",
            )
            return
        subject, kind = self._subject(qr.get("subject"))
        if subject is None:
            yield issue(
                ("subject",),
                "missing or not a reference: whose answers are these? "
                "(expected subject.reference, e.g. Patient/123)",
            )
            return
        administered: dt.date | None = None
        authored = qr.get("authored")
        if authored is not None:
            administered = _date(authored)
            if administered is None:
                yield issue(
                    ("authored",),
                    f"{shown(authored)} is not a date (expected YYYY-MM-DD or a "
                    "FHIR dateTime with a full date)",
                )
                return
        spec = self.specs.get(instrument)
        imap = self.mapping.for_instrument(instrument) if self.mapping else None
        local = self._local.get(url.split("|", 1)[0], (instrument, {}))[1]
        items: dict[str, int | float | InvalidAnswer | None] = {}
        where_of: dict[str, tuple[str | int, ...]] = {}
        problems: list[Issue] = []
        seen: dict[str, tuple[str | int, ...]] = {}
        for path, node in _walk_paths(qr.get("item"), ("item",)):
            if _TOO_DEEP in node:
                problems.append(
                    issue(path, f"items nested more than {MAX_ITEM_DEPTH} levels deep")
                )
                continue
            lid = node.get("linkId")
            if not isinstance(lid, str) or not lid:
                problems.append(issue((*path, "linkId"), "missing (a string)"))
                continue
            if lid in seen:
                problems.append(
                    issue(
                        (*path, "linkId"),
                        f"duplicate linkId {_url(lid)} (first at "
                        f"{json_path((*prefix, *seen[lid]))})",
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
                problems.append(issue((*path, "answer"), "expected a list of answers"))
                continue
            if imap is not None and lid in imap.ignore:
                continue
            if imap is None and not local:
                key = (instrument, lid)
                if key in self._items:
                    target = self._items[key]
                else:
                    target = self._item(instrument, spec, None, local, lid)
                    if len(self._items) < _ITEM_CACHE:
                        self._items[key] = target
            else:
                target = self._item(instrument, spec, imap, local, lid)
            if target == "":
                problems.append(
                    issue(
                        (*path, "linkId"),
                        f"{_url(lid)} is the total score: skipped (riskcore "
                        "computes totals from the items)",
                        Severity.NOTE,
                    )
                )
                continue
            if target is None:
                problems.append(
                    issue(
                        (*path, "linkId"),
                        f"{_url(lid)} is not an item of {instrument} "
                        "(no item id, LOINC code or mapping-file entry matches)",
                    )
                )
                continue
            if target in items:
                problems.append(
                    issue(
                        (*path, "linkId"),
                        f"{_url(lid)} answers item {target!r} of {instrument} again "
                        f"(first at {json_path((*prefix, *where_of[target]))})",
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
                    issue(
                        (*path, "answer"),
                        f"{len(answers)} answers to one item (expected one)",
                    )
                )
                items[target] = InvalidAnswer.of(answers)
                continue
            bounds = self.bounds.get(instrument, {}).get(target)
            value, why = self._answer(answers[0], bounds, imap)
            if why is not None:
                problems.append(issue((*path, "answer", 0), why))
                items[target] = InvalidAnswer.of(value)
            else:
                items[target] = cast("int | float", value)
        about = None
        for ext in qr.get("extension") or ():
            if isinstance(ext, dict) and ext.get("url") == ABOUT_EXTENSION:
                about, _ = self._subject(ext.get("valueReference"))
        yield InstrumentResponse(
            instrument=instrument,
            subject=subject,
            items=items,
            administered=administered,
            about=about,
        )
        yield SubjectRef(subject, kind)
        yield from problems

    # ------------------------------------------------------------ matching

    def _by_url(self, url: str) -> str | None:
        bare = url.split("|", 1)[0]
        if self.mapping is not None:
            m = self.mapping.by_url(bare)
            if m is not None:
                return m.instrument
        if bare.startswith(RISKCORE_QUESTIONNAIRE):
            return bare[len(RISKCORE_QUESTIONNAIRE) :]
        last = re.split(r"[/:]", bare.rstrip("/"))[-1]
        if _LOINC_RE.match(last) and last in self.panels:
            return self.panels[last]
        return None

    def _instrument(self, url: str) -> str | None:
        found = self._by_url(url)
        if found is None:
            local = self._local.get(url.split("|", 1)[0])
            found = local[0] if local else None
        return found

    def _item(
        self,
        instrument: str,
        spec: InstrumentSpec | None,
        imap: InstrumentMap | None,
        local: dict[str, str],
        lid: str,
    ) -> str | None:
        """The item id *lid* names; ``""`` for the total; ``None`` if none."""
        if imap is not None:
            hit = imap.item_for(lid)
            if hit is not None:
                return hit
        last = lid.rstrip("/").rsplit("/", 1)[-1]
        if spec is None:
            return last  # scored by a plugin without a spec: ids as given
        if last in self.bounds[instrument]:
            return last
        codes = self.item_codes.get(instrument, {})
        for key in (last, local.get(lid)):
            if key is None:
                continue
            if key in codes:
                return codes[key]
            if key in self.totals.get(instrument, set()):
                return ""
        return None

    def _answer(
        self,
        answer: object,
        bounds: tuple[int, int] | None,
        imap: InstrumentMap | None,
    ) -> tuple[object, str | None]:
        if type(answer) is dict and len(answer) == 1:
            # the common case first: one valueInteger answer code
            value = answer.get("valueInteger")
            if type(value) is int:
                return value, None
        if not isinstance(answer, dict):
            return answer, "expected an answer object"
        keys = [k for k in answer if k.startswith("value")]
        if len(keys) != 1:
            return None, (
                "expected exactly one value[x]"
                if keys
                else "no value[x] (expected valueInteger, valueDecimal or valueCoding)"
            )
        key = keys[0]
        value = answer[key]
        expected = "expected valueInteger, valueDecimal or valueCoding"
        if key == "valueInteger":
            if isinstance(value, bool) or not isinstance(value, int):
                return value, f"valueInteger is {_kind(value)}, not an integer"
            return value, None
        if key == "valueDecimal":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return value, f"valueDecimal is {_kind(value)}, not a number"
            return value, None
        if key == "valueBoolean":
            if not isinstance(value, bool):
                return value, f"valueBoolean is {_kind(value)}, not true or false"
            if bounds is not None and bounds != (0, 1):
                return value, f"valueBoolean answers a scale item ({expected})"
            return int(value), None
        if key == "valueCoding":
            if not isinstance(value, dict):
                return value, f"valueCoding is {_kind(value)}, not a Coding"
            for ext in value.get("extension", ()) or ():
                if isinstance(ext, dict) and ext.get("url") in _ORDINAL_EXTENSIONS:
                    n = ext.get("valueDecimal", ext.get("valueInteger"))
                    if isinstance(n, (int, float)) and not isinstance(n, bool):
                        return n, None
            code = value.get("code")
            if imap is not None and isinstance(code, str) and code in imap.answers:
                return imap.answers[code], None
            if isinstance(code, str) and re.fullmatch(r"-?[0-9]{1,3}", code):
                return int(code), None
            return code, (
                f"valueCoding code {shown(code)} has no answer code (no "
                "ordinalValue extension, numeric code or mapping-file answer)"
            )
        if key in _VALUE_KEYS:
            return value, f"{key} is the wrong type for a scored item ({expected})"
        return value, f"{shown(key)} is not a FHIR R4 answer value[x]"

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
                if len(self._pseudonyms) < _ITEM_CACHE:
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


def _type_name(kind: object) -> str:
    """A resourceType in a message: shown when shaped like a FHIR type name."""
    if isinstance(kind, str) and re.fullmatch(r"[A-Z][A-Za-z]{1,63}", kind):
        return repr(kind)
    return "missing" if kind is None else shown(kind)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    m = _DATE_RE.match(value)
    if m is None:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _codings(concepts: object) -> Iterator[dict[str, Any]]:
    if isinstance(concepts, dict):
        concepts = [concepts]
    if not isinstance(concepts, list):
        return
    for c in concepts:
        if isinstance(c, dict) and "coding" not in c:
            yield c  # Questionnaire.item.code is a list of Coding
        elif isinstance(c, dict):
            yield from (x for x in c.get("coding", ()) if isinstance(x, dict))


def _walk(items: object) -> Iterator[dict[str, Any]]:
    for _, node in _walk_paths(items, ("item",)):
        yield node


_TOO_DEEP = "\x00too-deep"
_ITEM_CACHE = 4096
MAX_ITEM_DEPTH = 16


def _walk_paths(
    items: object, path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """Every item of a (nested) item list, depth first, in document order.

    Iterative, with a depth limit, so a hostile document cannot exhaust the
    recursion limit; an item nested deeper than :data:`MAX_ITEM_DEPTH` is
    yielded as a marker the caller reports.
    """
    stack: list[tuple[object, tuple[str | int, ...], int]] = [(items, path, 0)]
    while stack:
        group, where, depth = stack.pop()
        if not isinstance(group, list):
            continue
        children: list[tuple[object, tuple[str | int, ...], int]] = []
        out: list[tuple[tuple[str | int, ...], dict[str, Any]]] = []
        for i, node in enumerate(group):
            if type(node) is not dict:
                continue
            here = (*where, i)
            if depth >= MAX_ITEM_DEPTH:
                out.append((here, {_TOO_DEEP: True}))
                continue
            out.append((here, node))
            if "item" in node:
                children.append((node["item"], (*here, "item"), depth + 1))
            answers = node.get("answer")
            if type(answers) is list:
                for j, ans in enumerate(answers):
                    if type(ans) is dict and "item" in ans:
                        children.append(
                            (ans["item"], (*here, "answer", j, "item"), depth + 1)
                        )
        yield from out
        stack.extend(reversed(children))


# ---------------------------------------------------------------- entry points


def _parse_json(text: str, source: str | None) -> Any:
    # Nesting is bounded where it matters (_walk_paths), so the loader's
    # whole-document depth scan is not needed per resource.
    from riskcore.io import loads_json

    return loads_json(text, source=source, depth_checked=False)


def iter_fhir(
    source: str | os.PathLike[str] | dict[str, Any] | Iterable[dict[str, Any]],
    *,
    reader: FhirReader | None = None,
) -> Iterator[InstrumentResponse | SubjectRef | Issue]:
    """Yield responses and issues one resource at a time.

    NDJSON files are read line by line, so memory stays bounded by one line
    whatever the file's size; a Bundle is one JSON document and is read whole
    (at most :data:`riskcore.io.MAX_INPUT_BYTES`). Subjects are yielded as
    ``(id, kind)`` pairs after their response (used by :func:`read_fhir`).
    """
    reader = reader or FhirReader()
    if isinstance(source, dict):
        yield from reader.document(source, source=None)
        return
    if not isinstance(source, (str, os.PathLike)):
        for n, res in enumerate(source):
            yield from reader.document(res, source=None, prefix=(f"[{n}]",))
        return
    path = Path(source)
    if path.is_dir():
        files = sorted(
            p for p in path.iterdir() if p.suffix.lower() in {".json", ".ndjson"}
        )
        if not files:
            raise LoadError(
                ["no .json or .ndjson files in the folder"], source=str(path)
            )
        for f in files:
            yield from iter_fhir(f, reader=reader)
        return
    name = str(path)
    if path.suffix.lower() == ".ndjson":
        try:
            fh = path.open("rb")
        except OSError as exc:
            raise LoadError(
                [f"cannot read the file ({exc.strerror or type(exc).__name__})"],
                source=name,
            ) from None
        with fh:
            for n, raw in enumerate(fh, start=1):
                line = _text(raw, name, n)
                if not line.strip():
                    continue
                try:
                    data = _parse_json(line, None)
                except LoadError as exc:
                    msg = exc.problems[0].replace("line 1, ", "")
                    raise LoadError([f"line {n}: {msg}"], source=name) from None
                yield from reader.document(data, source=name, prefix=(f"line {n}",))
        return
    from riskcore.io import read_text

    text = read_text(path)
    yield from reader.document(_parse_json(text, name), source=name)


def _text(raw: bytes, name: str, n: int) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LoadError([f"line {n}: not UTF-8 text"], source=name) from None
    return text


def read_fhir(
    source: str | os.PathLike[str] | dict[str, Any] | Iterable[dict[str, Any]],
    *,
    mapping: Mapping | None = None,
    pm: PluginManager | None = None,
    key: bytes | None = None,
    strict: bool = False,
) -> ImportResult:
    """Read QuestionnaireResponses (a file, a folder, or parsed JSON) into responses.

    Parameters
    ----------
    source:
        A ``.json`` file (Bundle or QuestionnaireResponse), an ``.ndjson``
        file, a folder of those, a parsed resource, or an iterable of them.
    mapping:
        The embedder's mapping file, if its forms need one.
    pm:
        The plugin manager whose instruments are matched.
    key:
        Secret for pseudonymous subject ids (default ``RISKCORE_PSEUDONYM_KEY``).
    strict:
        Raise :class:`~riskcore.errors.InteropError` on any error issue instead
        of returning it (invalid answers are then never imported).

    Returns
    -------
    ImportResult
        Responses, the clients and professionals they are about, and issues.
    """
    reader = FhirReader(mapping=mapping, pm=pm, key=key)
    responses: list[InstrumentResponse] = []
    clients: list[str] = []
    professionals: list[str] = []
    issues: list[Issue] = []
    for x in iter_fhir(source, reader=reader):
        if isinstance(x, InstrumentResponse):
            responses.append(x)
        elif isinstance(x, SubjectRef):
            (professionals if x.kind == "professional" else clients).append(x.id)
        else:
            issues.append(x)
    result = ImportResult(
        responses=responses,
        clients=unique(clients),
        professionals=unique(professionals),
        issues=issues,
    )
    if strict:
        name = str(source) if isinstance(source, (str, os.PathLike)) else None
        result.raise_errors(name if name and not Path(name).is_dir() else None)
    return result


def case_from_fhir(
    source: str | os.PathLike[str] | dict[str, Any],
    *,
    mapping: Mapping | None = None,
    pm: PluginManager | None = None,
    case_id: str = "fhir",
) -> Case:
    """A case made of the QuestionnaireResponses in *source*, read strictly.

    What ``riskcore plan bundle.json`` runs: any error issue raises
    :class:`~riskcore.errors.InteropError`; the case has a practice, the
    clients and professionals the responses are about, and their responses.
    """
    result = read_fhir(source, mapping=mapping, pm=pm, strict=True)
    if not result.responses:
        name = str(source) if isinstance(source, (str, os.PathLike)) else None
        raise InteropError(["no QuestionnaireResponse found"], source=name)
    return result.to_case(case_id=case_id)


def dumps_ndjson(resources: Iterable[dict[str, Any]]) -> str:
    """Resources as NDJSON text (one compact JSON object per line)."""
    return "".join(
        json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n"
        for r in resources
    )
