"""A case's clients and professionals, structured column by column when plain.

Internal to :mod:`riskcore.io`, which registers :func:`subjects_hook` for
``tuple[Client, ...]`` and ``tuple[Professional, ...]`` (a case's
``clients`` and ``professionals``): a 100,000-client case made 100,000
clients, 100,000 protected attributes and 33,000 professionals through
cattrs' generated functions and attrs' ``__init__``, about 1.6 s CPU
(issue #16).

A chunk of :data:`_CHUNK` subjects is built directly when every one is a
mapping of all its keys holding the usual types (:func:`_plain_clients`,
:func:`_plain_professionals`): each check is a pass over a column of the
chunk in C, the objects' slots are set column by column through their slot
descriptors, and each field's own validator (the one owner of what the field
accepts) runs once per distinct value of its column, on an object that holds
it; these validators (ids, texts, lists of ids, number ranges) look at the
value only. Any other chunk goes subject by subject through the general hook
of one subject, and if any fails there, the whole list is structured the
general way again: every error keeps its message and its path
(``tests/test_io_subjects.py`` checks both, and the objects, on random
input).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from itertools import chain, repeat
from typing import Any

import attrs

from riskcore._io_hooks import exact_rows
from riskcore.model.subjects import Client, Professional, ProtectedAttributes

_CLIENT = ("id", "name", "clinician", "protected", "context")
_PROTECTED = ("culture", "ethnicity", "religion", "languages", "gender")
_PROFESSIONAL = (
    "id",
    "name",
    "role",
    "languages",
    "caseload",
    "cultural_training_hours",
    "context",
)
for _cls, _names in (
    (Client, _CLIENT),
    (ProtectedAttributes, _PROTECTED),
    (Professional, _PROFESSIONAL),
):
    if tuple(a.name for a in attrs.fields(_cls)) != _names or hasattr(
        _cls, "__attrs_post_init__"
    ):  # pragma: no cover - a changed class must be handled here
        raise AssertionError(f"{_cls.__name__} changed: update riskcore._io_subjects")

_new = object.__new__
_LIST = frozenset({list})
_STR = frozenset({str})
_STR_OR_NONE = frozenset({str, type(None)})
_FLOAT_OR_NONE = frozenset({float, type(None)})
_CHUNK = 4096
"""Subjects per chunk of :func:`subjects_hook`: a flaw sends only its chunk
subject by subject."""


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
    rows = exact_rows(ds, _CLIENT)
    if rows is None:
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
    ):
        return None
    prows = exact_rows(protected, _PROTECTED)
    if prows is None:
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


def _plain_professionals(ds: list[Any]) -> list[Professional] | None:
    """The professionals of *ds*, as the general hook of one professional
    builds each (equal fields, of the same types), when every one is a dict
    of all seven keys with ``id`` and ``role`` strings, ``name`` a string or
    null, ``caseload`` and ``cultural_training_hours`` floats or null,
    ``languages`` and ``context`` lists of strings, and every field's
    validator accepts its values; else ``None`` (an integer hour count, for
    one: the general hook makes it a float).

    >>> d = {"id": "t-1", "name": None, "role": "therapist", "languages": ["en"],
    ...      "caseload": 24.0, "cultural_training_hours": None, "context": []}
    >>> _plain_professionals([d]) == [Professional(id="t-1", languages=["en"],
    ...                                            caseload=24.0)]
    True
    >>> _plain_professionals([{**d, "caseload": -1.0}]) is None
    True
    """
    rows = exact_rows(ds, _PROFESSIONAL)
    if rows is None:
        return None
    if not rows:
        return []
    ids, names, roles, languages, caseload, hours, context = zip(*rows, strict=True)
    if not (
        _STR.issuperset(map(type, chain(ids, roles)))
        and _STR_OR_NONE.issuperset(map(type, names))
        and _FLOAT_OR_NONE.issuperset(map(type, chain(caseload, hours)))
        and _LIST.issuperset(map(type, chain(languages, context)))
        and _STR.issuperset(map(type, chain.from_iterable(chain(languages, context))))
    ):
        return None
    out: list[Professional] | None = _built(
        Professional,
        (
            ids,
            names,
            roles,
            list(map(tuple, languages)),
            caseload,
            hours,
            list(map(tuple, context)),
        ),
    )
    return out


def subjects_hook(
    cls: type[Any],
    plain: Callable[[list[Any]], list[Any] | None],
    general: Callable[[Any, Any], Any],
    item: Callable[[Any, Any], Any],
) -> Callable[[Any, Any], Any]:
    """The structure hook of ``tuple[cls, ...]``: chunks of plain subjects
    built column by column by *plain* (:func:`_plain_clients`,
    :func:`_plain_professionals`), the others one by one by *item* (the
    general hook of one *cls*); the whole list by *general* (the general hook
    of the tuple) when it is not a list or when one of its items fails.

    >>> from riskcore.io import converter
    >>> hook = converter.get_structure_hook(tuple[Client, ...])
    >>> hook([{"id": "c-1"}], tuple[Client, ...]) == (Client(id="c-1"),)
    True
    """

    def hook(value: Any, tp: Any) -> Any:
        if type(value) is not list:
            return general(value, tp)
        out: list[Any] = []
        for start in range(0, len(value), _CHUNK):
            chunk = value[start : start + _CHUNK]
            built = plain(chunk)
            if built is not None:
                out += built
                continue
            for d in chunk:
                try:
                    out.append(item(d, cls))
                except Exception:
                    return general(value, tp)  # every problem, with its index
        return tuple(out)

    hook.general = general  # type: ignore[attr-defined]  # for the tests
    return hook
