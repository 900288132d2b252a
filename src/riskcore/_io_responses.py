"""A case's instrument responses, structured without cattrs' generic machinery.

Internal to :mod:`riskcore.io`, which registers :func:`responses_hook` for
``tuple[InstrumentResponse, ...]`` (a case's ``responses``): a 10,000-client
practice has about 48,000 of them, each a mapping of a few keys and an
``items`` mapping of 5 to 25 answers (issue #16).

A response is built directly only when it is *plain*: a mapping of known keys,
identifiers already accepted once (:data:`riskcore.model._fields._KNOWN_IDS`),
answers that are integers, finite floats or null under item ids already
accepted, ``administered`` null or an ISO date, ``about`` null or a string,
``answers`` a mapping with string keys. Its fields are then exactly what
cattrs and ``InstrumentResponse(...)`` would make of it (copies of the
mappings, the date parsed by the same function). Any other response goes
through the general hook, and if any fails there, the whole list is
structured the general way again: every error keeps its message and its path
(``tests/test_io_responses.py`` checks both on random input).

While :data:`GIVEN` is true (:func:`riskcore.io.structure` with
``consume=True``: a loader structuring the document it has just parsed,
which nobody else sees), a plain response keeps the ``items`` and ``answers``
mappings of the data instead of copies of them: equal mappings, without
allocating a second copy of most of a large case (at 100,000 clients, about
230 MiB and 0.4 s).

A list is taken in chunks of :data:`_CHUNK` responses. A chunk whose every
response is plain in the narrower sense of :func:`_plain_all` (all six keys,
the usual types) is checked column by column in C-level passes and built
with its slots set column by column: the 483,000 responses of a
100,000-client case without one Python call per response (issue #16). Any
other chunk goes response by response as described above; :func:`_plain`
stays the one definition of a plain response, and :func:`_plain_all` builds
exactly what it builds (``tests/test_io_responses.py`` checks both on random
chunks).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar
from itertools import chain, repeat
from typing import Any

import attrs

from riskcore._io_hooks import exact_rows
from riskcore.model._fields import _KNOWN_IDS
from riskcore.model.observations import InstrumentResponse

_FIELDS = frozenset(
    {"instrument", "subject", "items", "about", "administered", "answers"}
)
if {a.name for a in attrs.fields(InstrumentResponse)} != _FIELDS or hasattr(
    InstrumentResponse, "__attrs_post_init__"
):  # pragma: no cover - a changed InstrumentResponse must be handled in _plain
    raise AssertionError("InstrumentResponse changed: update riskcore._io_responses")

_new = object.__new__
_set = object.__setattr__  # as the generated __init__ of a frozen class
_ANSWER_TYPES = frozenset({int, float, type(None)})
_INT_OR_NONE = frozenset({int, type(None)})
_STR = frozenset({str})
_isfinite = math.isfinite
_fromisoformat = dt.date.fromisoformat
_DICT = frozenset({dict})
_STR_OR_NONE = frozenset({str, type(None)})
_DATE_KINDS = frozenset({str, type(None), dt.date})
_ORDER = ("instrument", "subject", "items", "about", "administered", "answers")
_SLOTS = tuple(InstrumentResponse.__dict__[n].__set__ for n in _ORDER)
_CHUNK = 4096
"""Responses per chunk of :func:`responses_hook`: a flaw sends only its chunk
response by response; the columns of a chunk stay small."""

GIVEN: ContextVar[bool] = ContextVar("riskcore_structure_given", default=False)
"""True while the data being structured is the structurer's to keep (see the
module): set by :func:`riskcore.io.structure` only."""


def _plain(d: object, given: bool = False) -> InstrumentResponse | None:
    """*d* as a response if it is plain (see the module), else ``None``; with
    *given*, holding *d*'s own ``items`` and ``answers`` mappings.

    >>> from riskcore.model._fields import _KNOWN_IDS
    >>> _KNOWN_IDS.update(["phq9", "c-1", "1"])
    >>> d = {"instrument": "phq9", "subject": "c-1", "items": {"1": 2}}
    >>> _plain(d).items == _plain(d, True).items == {"1": 2}
    True
    >>> _plain(d).items is d["items"], _plain(d, True).items is d["items"]
    (False, True)
    """
    if type(d) is not dict or not d.keys() <= _FIELDS:
        return None
    known = _KNOWN_IDS
    instrument = d.get("instrument")
    subject = d.get("subject")
    if (
        type(instrument) is not str
        or type(subject) is not str
        or instrument not in known
        or subject not in known
    ):
        return None
    items = d.get("items", {})
    if type(items) is not dict:
        return None
    if items:
        # Integers and nulls (the usual answers) in one scan, without a set.
        if not _INT_OR_NONE.issuperset(map(type, items.values())):
            kinds = set(map(type, items.values()))
            if not kinds <= _ANSWER_TYPES:
                return None
            for v in items.values():
                if type(v) is float and not _isfinite(v):
                    return None
        if not _STR.issuperset(map(type, items)) or not known.issuperset(items):
            return None
    about = d.get("about")
    if about is not None and not isinstance(about, str):
        return None
    administered = d.get("administered")
    if administered is not None:
        if type(administered) is str:
            try:
                administered = _fromisoformat(administered)
            except ValueError:
                return None
        elif type(administered) is not dt.date:
            return None
    answers = d.get("answers", {})
    if type(answers) is not dict or (answers and set(map(type, answers)) != _STR):
        return None
    r = _new(InstrumentResponse)
    _set(r, "instrument", instrument)
    _set(r, "subject", subject)
    _set(r, "items", items if given else dict(items))
    _set(r, "about", about)
    _set(r, "administered", administered)
    _set(r, "answers", answers if given else dict(answers))
    return r


def _plain_all(ds: list[Any], given: bool = False) -> list[InstrumentResponse] | None:
    """The responses of *ds* as ``[_plain(d, given) for d in ds]`` builds them
    (equal fields, the same mappings kept or copied), when every ``d`` is a
    dict of all six keys holding the usual types (ids and item ids already
    accepted, answers integers or null, ``about`` a string or null,
    ``administered`` an ISO date string, a date or null); else ``None``, for
    :func:`_plain` to look at one by one. Each check is a pass over a column
    of the list in C (``map``, ``set.issuperset``), not a call per response.

    Narrower than :func:`_plain`, never wider: what it accepts, ``_plain``
    accepts, and it builds the same response from it.

    >>> from riskcore.model._fields import _KNOWN_IDS
    >>> _KNOWN_IDS.update(["phq9", "c-1", "1"])
    >>> d = {"instrument": "phq9", "subject": "c-1", "items": {"1": 2},
    ...      "about": None, "administered": "2026-01-02", "answers": {}}
    >>> _plain_all([d]) == [_plain(d)]
    True
    >>> _plain_all([d, {"instrument": "phq9", "subject": "c-1"}]) is None
    True
    """
    rows = exact_rows(ds, _ORDER)
    if rows is None:
        return None
    if not rows:
        return []
    n = len(rows)
    instrument, subject, items, about, administered, answers = map(
        list, zip(*rows, strict=True)
    )
    known = _KNOWN_IDS
    if not (
        _STR.issuperset(map(type, instrument))
        and _STR.issuperset(map(type, subject))
        and known.issuperset(instrument)
        and known.issuperset(subject)
        and _DICT.issuperset(map(type, items))
        and _INT_OR_NONE.issuperset(
            map(type, chain.from_iterable(map(dict.values, items)))
        )
        and _STR.issuperset(map(type, chain.from_iterable(items)))
        # exact strings: their set holds each item id once (and no other)
        and known.issuperset(set().union(*items))
        and _STR_OR_NONE.issuperset(map(type, about))
        and _DICT.issuperset(map(type, answers))
        and (
            not any(answers) or _STR.issuperset(map(type, chain.from_iterable(answers)))
        )
    ):
        return None
    kinds = set(map(type, administered))
    if not kinds <= _DATE_KINDS:
        return None
    try:
        if kinds == _STR:
            administered = list(map(_fromisoformat, administered))
        elif str in kinds:
            administered = [
                _fromisoformat(a) if type(a) is str else a for a in administered
            ]
    except ValueError:
        return None
    if not given:
        items = list(map(dict, items))
        answers = list(map(dict, answers))
    out = list(map(_new, repeat(InstrumentResponse, n)))
    for put, column in zip(
        _SLOTS, (instrument, subject, items, about, administered, answers), strict=True
    ):
        deque(map(put, out, column), 0)  # slot by slot, as _plain sets them
    return out


def responses_hook(
    slow: Callable[[Any, Any], Any], item: Callable[[Any, Any], Any]
) -> Callable[[Any, Any], Any]:
    """The structure hook of ``tuple[InstrumentResponse, ...]``: plain responses
    built directly, the others by *item* (the general hook of one response);
    the whole list by *slow* (the general hook of the tuple) when it is not a
    list or when one of its responses fails.
    """

    def hook(value: Any, tp: Any) -> Any:
        if type(value) is not list:
            return slow(value, tp)
        out: list[InstrumentResponse] = []
        given = GIVEN.get()
        for start in range(0, len(value), _CHUNK):
            chunk = value[start : start + _CHUNK]
            built = _plain_all(chunk, given)
            if built is not None:
                out += built
                continue
            for d in chunk:
                r = _plain(d, given)
                if r is None:
                    try:
                        r = item(d, InstrumentResponse)
                    except Exception:
                        return slow(value, tp)  # every problem, with its index
                out.append(r)
        return tuple(out)

    hook.slow = slow  # type: ignore[attr-defined]  # for the tests
    return hook
