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

This module reads files and collects results; the walk of one document is
:class:`~riskcore.interop.fhir_reader.FhirReader`'s, what each code means
:mod:`riskcore.interop.fhir_match`'s, the bounded walk of nested items
:mod:`riskcore.interop.fhir_json`'s.

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

.. versionadded:: 0.1
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from riskcore.errors import InteropError, LoadError
from riskcore.interop._common import ImportResult, Issue, SubjectRef, unique
from riskcore.interop.fhir_json import MAX_ITEM_DEPTH
from riskcore.interop.fhir_match import RISKCORE_QUESTIONNAIRE
from riskcore.interop.fhir_reader import ABOUT_EXTENSION, FhirReader
from riskcore.model import InstrumentResponse

if TYPE_CHECKING:
    from riskcore.interop.mapping import Mapping
    from riskcore.model import Case
    from riskcore.plugins import PluginManager

__all__ = [
    "ABOUT_EXTENSION",
    "MAX_ITEM_DEPTH",
    "RISKCORE_QUESTIONNAIRE",
    "FhirReader",
    "case_from_fhir",
    "dumps_ndjson",
    "iter_fhir",
    "read_fhir",
]


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
