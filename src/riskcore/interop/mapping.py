"""Mapping files: which external form is which riskcore instrument.

An embedder whose questionnaires or REDCap instruments do not carry the LOINC
codes or canonical URLs riskcore knows writes a mapping file (YAML or JSON)::

    schema_version: 1
    instruments:
      - instrument: phq9                       # riskcore's instrument id
        urls: [http://example.org/Questionnaire/phq-9]   # FHIR canonicals (|version ignored)
        forms: [phq9_form]                     # REDCap instrument (form) names
        items:                                 # linkId / field name -> item id
          phq9_1: "1"
          phq9_9: "9"
        answers:                               # coding code -> answer code
          LA6568-5: 0
        ignore: [phq9_total]                   # linkIds / fields riskcore recomputes
        date: phq9_date                        # REDCap field with the administration date

``examples/interop/`` ships mappings for the built-in instruments as examples.
The file is loaded strictly (:func:`riskcore.io.load`): unknown keys and wrong
types are refused with their path.

>>> m = Mapping(instruments=[InstrumentMap(instrument="phq9", items={"q9": "9"})])
>>> m.for_instrument("phq9").items
{'q9': '9'}

.. versionadded:: 0.1
"""

from __future__ import annotations

import os
from typing import ClassVar

from attrs import field, frozen

from riskcore.errors import FieldError
from riskcore.model._fields import ident, to_tuple

__all__ = ["InstrumentMap", "Mapping", "load_mapping"]


def _str_map(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return value


def _check_str_map(inst: object, a: object, value: dict[str, object]) -> None:
    name = getattr(a, "name", "items")
    if not isinstance(value, dict):
        raise FieldError(name, value, "is not a mapping")
    for k, v in value.items():
        if isinstance(v, int) and not isinstance(v, bool):
            continue  # REDCap item ids written as numbers
        if not isinstance(v, str):
            raise FieldError(f"{name}.{k}", v, "is not an item id")


@frozen(kw_only=True)
class InstrumentMap:
    """How one external form maps onto one riskcore instrument."""

    instrument: str = ident()
    urls: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    """FHIR Questionnaire canonical URLs (a ``|version`` suffix is ignored)."""
    forms: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    """REDCap instrument (form) names, and CSV instrument names."""
    items: dict[str, str] = field(
        factory=dict, converter=_str_map, validator=_check_str_map
    )
    """linkId, LOINC code or REDCap field name → the instrument's item id."""
    answers: dict[str, int] = field(factory=dict)
    """Answer coding code (``LA6568-5``) → the item's answer code."""
    ignore: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    """linkIds or fields to skip on purpose (a total riskcore recomputes)."""
    date: str | None = field(default=None)
    """The REDCap field holding the administration date (``YYYY-MM-DD``)."""

    def item_for(self, key: str) -> str | None:
        """The item id *key* maps to, if the mapping names it."""
        v = self.items.get(key)
        return None if v is None else str(v)


@frozen(kw_only=True)
class Mapping:
    """An embedder's mapping file: one :class:`InstrumentMap` per form."""

    SCHEMA_VERSION: ClassVar[int] = 1
    schema_version: int = field(default=1)
    instruments: tuple[InstrumentMap, ...] = field(factory=tuple, converter=to_tuple)

    def __attrs_post_init__(self) -> None:
        if self.schema_version != self.SCHEMA_VERSION:
            raise FieldError(
                "schema_version",
                self.schema_version,
                f"is not supported (this riskcore reads version {self.SCHEMA_VERSION})",
            )

    def for_instrument(self, instrument: str) -> InstrumentMap | None:
        """The map of *instrument*, if any."""
        return next((m for m in self.instruments if m.instrument == instrument), None)

    def by_url(self, url: str) -> InstrumentMap | None:
        """The map whose canonical URLs include *url* (version ignored)."""
        bare = url.split("|", 1)[0]
        for m in self.instruments:
            if any(u.split("|", 1)[0] == bare for u in m.urls):
                return m
        return None

    def by_form(self, form: str) -> InstrumentMap | None:
        """The map of a REDCap or CSV form name (or the instrument id itself)."""
        for m in self.instruments:
            if form in m.forms:
                return m
        return self.for_instrument(form)


def load_mapping(path: str | os.PathLike[str]) -> Mapping:
    """Read a mapping file (YAML or JSON); errors name the file and path."""
    from riskcore.io import load

    return load(path, Mapping)
