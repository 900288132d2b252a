"""FHIR JSON read defensively: a bounded walk of nested items, and values in messages.

Shared by the rest of the FHIR reader (:mod:`riskcore.interop.fhir_reader`,
:mod:`riskcore.interop.fhir_match`): the walk is iterative with a depth limit,
so a hostile document cannot exhaust the recursion limit, and a value from the
input appears in a message only when it is shaped like a FHIR name or URL
(otherwise through :func:`riskcore.errors.shown`).

>>> [p for p, _ in walk_paths([{"linkId": "g", "item": [{"linkId": "1"}]}], ("item",))]
[('item', 0), ('item', 0, 'item', 0)]

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from riskcore.errors import shown

__all__ = [
    "MAX_ITEM_DEPTH",
    "TOO_DEEP",
    "codings",
    "date_of",
    "kind_of",
    "type_name",
    "url_shown",
    "walk",
    "walk_paths",
]

MAX_ITEM_DEPTH = 16
"""Deepest item nesting read; deeper items are reported, not walked."""
TOO_DEEP = "\x00too-deep"
"""Key of the marker :func:`walk_paths` yields for an item nested too deep."""

_URL_RE = re.compile(
    r"^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9/._:~%#-]{1,200}(\|[A-Za-z0-9._-]{1,40})?$"
)
_DATE_RE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})(T.*)?$")


def url_shown(value: object) -> str:
    """A canonical URL in a message: shown when it is shaped like one."""
    if isinstance(value, str) and _URL_RE.match(value):
        return repr(value)
    return shown(value)


def type_name(kind: object) -> str:
    """A resourceType in a message: shown when shaped like a FHIR type name."""
    if isinstance(kind, str) and re.fullmatch(r"[A-Z][A-Za-z]{1,63}", kind):
        return repr(kind)
    return "missing" if kind is None else shown(kind)


def kind_of(value: object) -> str:
    """What JSON type *value* is, for a message (never the value itself)."""
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


def date_of(value: object) -> dt.date | None:
    """The date part of a FHIR date or dateTime, as written; ``None`` if none."""
    if not isinstance(value, str):
        return None
    m = _DATE_RE.match(value)
    if m is None:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def codings(concepts: object) -> Iterator[dict[str, Any]]:
    """The Codings of a CodeableConcept, a list of them, or a list of Codings."""
    if isinstance(concepts, dict):
        concepts = [concepts]
    if not isinstance(concepts, list):
        return
    for c in concepts:
        if isinstance(c, dict) and "coding" not in c:
            yield c  # Questionnaire.item.code is a list of Coding
        elif isinstance(c, dict):
            yield from (x for x in c.get("coding", ()) if isinstance(x, dict))


def walk(items: object) -> Iterator[dict[str, Any]]:
    """Every item of a (nested) item list, depth first, without its path."""
    for _, node in walk_paths(items, ("item",)):
        yield node


def walk_paths(
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
                out.append((here, {TOO_DEEP: True}))
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
