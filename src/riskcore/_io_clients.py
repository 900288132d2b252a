"""A case's clients, structured column by column when they are plain.

Internal to :mod:`riskcore.io`, which registers :func:`clients_hook` for
``tuple[Client, ...]`` (a case's ``clients``): a 100,000-client case made
100,000 clients and 100,000 protected attributes through cattrs' generated
functions and attrs' ``__init__``, about 1.4 s CPU (issue #16).

A chunk of :data:`_CHUNK` clients is built directly when every client is a
mapping of all five keys holding the usual types (:func:`_plain_clients`):
each check is a pass over a column of the chunk in C, the objects' slots are
set column by column through their slot descriptors, and each field's own
validator (the one owner of what the field accepts) runs once per distinct
value of its column, on an object that holds it; these validators (ids,
texts, lists of ids) look at the value only. Any other chunk goes client by
client through the general hook of one client, and if any fails there, the
whole list is structured the general way again: every error keeps its
message and its path (``tests/test_io_clients.py`` checks both, and the
objects, on random input).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

import attrs

from riskcore.model.subjects import Client, ProtectedAttributes

_CLIENT = ("id", "name", "clinician", "protected", "context")
_PROTECTED = ("culture", "ethnicity", "religion", "languages", "gender")
if (
    tuple(a.name for a in attrs.fields(Client)) != _CLIENT
    or tuple(a.name for a in attrs.fields(ProtectedAttributes)) != _PROTECTED
    or hasattr(Client, "__attrs_post_init__")
    or hasattr(ProtectedAttributes, "__attrs_post_init__")
):  # pragma: no cover - a changed Client must be handled in _plain_clients
    raise AssertionError("Client changed: update riskcore._io_clients")

_new = object.__new__
_DICT = frozenset({dict})
_LIST = frozenset({list})
_STR = frozenset({str})
_STR_OR_NONE = frozenset({str, type(None)})
_CLIENT_ROW = itemgetter(*_CLIENT)
_PROTECTED_ROW = itemgetter(*_PROTECTED)
_CHUNK = 4096
"""Clients per chunk of :func:`clients_hook`: a flaw sends only its chunk
client by client."""


def _built(cls: type[Any], columns: Sequence[Sequence[Any]]) -> list[Any] | None:
    """Instances of *cls*, one per row of *columns* (one column per field, in
    the order of :func:`attrs.fields`), their slots set as ``__init__`` sets
    them; ``None`` if a field's validator refuses a value of its column
    (validators run once per distinct value, on an instance holding it,
    unless attrs' validators are disabled).

    >>> from riskcore.model.subjects import Client, ProtectedAttributes
    >>> (p,) = _built(ProtectedAttributes, [[None], [None], [None], [("en",)], ["x"]])
    >>> p == ProtectedAttributes(languages=["en"], gender="x")
    True
    >>> _built(Client, [["two words"], [None], [None], [p], [()]]) is None
    True
    """
    fields = attrs.fields(cls)
    out = list(map(_new, repeat(cls, len(columns[0]))))
    for a, column in zip(fields, columns, strict=True):
        deque(map(getattr(cls, a.name).__set__, out, column), 0)
    if attrs.validators.get_disabled():
        return out
    for a, column in zip(fields, columns, strict=True):
        if a.validator is None:
            continue
        for value, holder in dict(zip(column, out, strict=True)).items():
            try:
                a.validator(holder, a, value)
            except Exception:
                return None
    return out


def _plain_clients(ds: list[Any]) -> list[Client] | None:
    """The clients of *ds*, as the general hook of one client builds each
    (equal fields, of the same types), when every one is a dict of all five
    keys with ``id`` a string, ``name`` and ``clinician`` strings or null,
    ``context`` a list of strings, and ``protected`` a dict of all five keys
    (strings or null, ``languages`` a list of strings), and every field's
    validator accepts its values; else ``None``, for the general hook to
    look at one by one.

    >>> d = {"id": "c-1", "name": None, "clinician": "t-1", "context": [],
    ...      "protected": {"culture": None, "ethnicity": None, "religion": None,
    ...                    "languages": ["en"], "gender": None}}
    >>> _plain_clients([d]) == [Client(id="c-1", clinician="t-1",
    ...     protected=ProtectedAttributes(languages=["en"]))]
    True
    >>> _plain_clients([{**d, "id": "two words"}]) is None
    True
    """
    n = len(ds)
    if not _DICT.issuperset(map(type, ds)) or sum(map(len, ds)) != 5 * n:
        return None
    try:  # a dict of five keys that holds these five holds nothing else
        rows = list(map(_CLIENT_ROW, ds))
    except KeyError:
        return None
    if not rows:
        return []
    ids, names, clinicians, protected, context = zip(*rows, strict=True)
    if not (
        _STR.issuperset(map(type, ids))
        and _STR_OR_NONE.issuperset(map(type, names))
        and _STR_OR_NONE.issuperset(map(type, clinicians))
        and _LIST.issuperset(map(type, context))
        and _STR.issuperset(map(type, chain.from_iterable(context)))
        and _DICT.issuperset(map(type, protected))
        and sum(map(len, protected)) == 5 * n
    ):
        return None
    try:
        prows = list(map(_PROTECTED_ROW, protected))
    except KeyError:
        return None
    culture, ethnicity, religion, languages, gender = zip(*prows, strict=True)
    if not (
        _STR_OR_NONE.issuperset(map(type, chain(culture, ethnicity, religion, gender)))
        and _LIST.issuperset(map(type, languages))
        and _STR.issuperset(map(type, chain.from_iterable(languages)))
    ):
        return None
    attributes = _built(
        ProtectedAttributes,
        (culture, ethnicity, religion, list(map(tuple, languages)), gender),
    )
    if attributes is None:
        return None
    out: list[Client] | None = _built(
        Client, (ids, names, clinicians, attributes, list(map(tuple, context)))
    )
    return out


def clients_hook(
    general: Callable[[Any, Any], Any], item: Callable[[Any, Any], Any]
) -> Callable[[Any, Any], Any]:
    """The structure hook of ``tuple[Client, ...]``: chunks of plain clients
    built column by column (:func:`_plain_clients`), the others client by
    client by *item* (the general hook of one client); the whole list by
    *general* (the general hook of the tuple) when it is not a list or when
    one of its clients fails.

    >>> from riskcore.io import converter
    >>> hook = converter.get_structure_hook(tuple[Client, ...])
    >>> hook([{"id": "c-1"}], tuple[Client, ...]) == (Client(id="c-1"),)
    True
    """

    def hook(value: Any, tp: Any) -> Any:
        if type(value) is not list:
            return general(value, tp)
        out: list[Client] = []
        for start in range(0, len(value), _CHUNK):
            chunk = value[start : start + _CHUNK]
            built = _plain_clients(chunk)
            if built is not None:
                out += built
                continue
            for d in chunk:
                try:
                    out.append(item(d, Client))
                except Exception:
                    return general(value, tp)  # every problem, with its index
        return tuple(out)

    hook.general = general  # type: ignore[attr-defined]  # for the tests
    return hook
