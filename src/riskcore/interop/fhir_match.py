"""Which instrument, which item, which answer: FHIR codes matched to riskcore's.

* **which instrument**: the ``questionnaire`` canonical URL is matched against
  the embedder's mapping file, riskcore's own canonicals
  (``urn:riskcore:questionnaire:<id>``), a LOINC panel code as the URL's last
  segment (``http://loinc.org/q/44249-1``), or a Questionnaire in the same
  Bundle whose ``code`` is the panel's LOINC code;
* **which item**: a ``linkId`` is matched by the mapping file, the instrument's
  own item id, or the LOINC code of an item in the instrument spec, or the
  ``code`` of the Questionnaire item in the Bundle; the LOINC code of the
  instrument's total is recognised (``""``: riskcore recomputes totals);
* **the answer**: ``valueInteger``, ``valueDecimal``, or ``valueCoding`` (its
  ``ordinalValue``/``itemWeight`` extension, the mapping file's answer codes,
  or a numeric code); ``valueBoolean`` for yes/no items.

:class:`FhirMatcher` indexes the installed instruments once;
:class:`~riskcore.interop.FhirReader` applies it to each resource.

>>> m = FhirMatcher()
>>> m._by_url("urn:riskcore:questionnaire:phq9|1.0")
'phq9'
>>> m._answer({"valueCoding": {"code": "2"}}, (0, 3), None)
(2, None)

.. versionadded:: 0.1
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from riskcore.errors import shown
from riskcore.interop._common import installed_instruments, scored_instruments
from riskcore.interop.fhir_json import codings, kind_of, walk

if TYPE_CHECKING:
    from riskcore.instruments import InstrumentSpec
    from riskcore.interop.mapping import InstrumentMap, Mapping
    from riskcore.plugins import PluginManager

__all__ = ["CACHE_LIMIT", "RISKCORE_QUESTIONNAIRE", "FhirMatcher"]

RISKCORE_QUESTIONNAIRE = "urn:riskcore:questionnaire:"
"""Prefix of riskcore's own Questionnaire canonicals (``…:phq9``)."""
CACHE_LIMIT = 4096
"""Most entries each lookup cache keeps, so memory stays bounded."""

_ORDINAL_EXTENSIONS = (
    "http://hl7.org/fhir/StructureDefinition/ordinalValue",
    "http://hl7.org/fhir/StructureDefinition/itemWeight",
    "http://hl7.org/fhir/StructureDefinition/iso21090-CO-value",
)
_LOINC_RE = re.compile(r"^[0-9]{1,7}-[0-9]$")
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


class FhirMatcher:
    """The matching rules of one mapping and set of instruments, indexed once.

    Parameters
    ----------
    mapping:
        The embedder's :class:`~riskcore.interop.mapping.Mapping`, if any.
    pm:
        Plugin manager whose instruments are matched (default: the global one).
    """

    def __init__(
        self, *, mapping: Mapping | None = None, pm: PluginManager | None = None
    ) -> None:
        self.mapping = mapping
        self.specs = installed_instruments(pm)
        self.scored = scored_instruments(pm)
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
        # (at most CACHE_LIMIT entries, so memory stays bounded)
        self._items: dict[tuple[str, str], str | None] = {}
        self._urls: dict[str, str | None] = {}
        # Questionnaires met in the current Bundle: url -> (instrument, code->linkId)
        self._local: dict[str, tuple[str, dict[str, str]]] = {}

    def _questionnaire(self, q: dict[str, Any]) -> None:
        """Remember a Bundle's Questionnaire: its instrument and item codes."""
        url = q.get("url")
        if not isinstance(url, str):
            return
        instrument = self._by_url(url)
        if instrument is None:
            for coding in codings(q.get("code")):
                if coding.get("code") in self.panels:
                    instrument = self.panels[coding["code"]]
        if instrument is None:
            return
        links: dict[str, str] = {}
        for item in walk(q.get("item")):
            for coding in codings(item.get("code")):
                code = coding.get("code")
                lid = item.get("linkId")
                if isinstance(code, str) and isinstance(lid, str):
                    links[lid] = code
        self._local[url.split("|", 1)[0]] = (instrument, links)

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
        """The value of one answer, and why it is wrong (``None`` if it is not)."""
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
                return value, f"valueInteger is {kind_of(value)}, not an integer"
            return value, None
        if key == "valueDecimal":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return value, f"valueDecimal is {kind_of(value)}, not a number"
            return value, None
        if key == "valueBoolean":
            if not isinstance(value, bool):
                return value, f"valueBoolean is {kind_of(value)}, not true or false"
            if bounds is not None and bounds != (0, 1):
                return value, f"valueBoolean answers a scale item ({expected})"
            return int(value), None
        if key == "valueCoding":
            if not isinstance(value, dict):
                return value, f"valueCoding is {kind_of(value)}, not a Coding"
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
