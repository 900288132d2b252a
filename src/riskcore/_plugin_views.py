"""The read-only view of a case that plugins receive.

Internal to :mod:`riskcore.plugins`, which re-exports
:func:`~riskcore.plugins.readonly_case`.
"""

from __future__ import annotations

import contextlib
import copy
import sys
import weakref
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from riskcore.model.case import Case
from riskcore.model.observations import InstrumentResponse


def _plugin_view(value: object) -> object:
    return readonly_case(value) if type(value) is Case else value


def _plugin_views(calls: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The arguments of each call of *calls* as plugins receive them:
    ``{k: _plugin_view(v) for k, v in kw.items()}`` for each mapping *kw*,
    with each distinct case looked up once (internal).

    The many calls of one hook (one per subject) share one case: its view is
    found once for all of them, and each mapping is copied in one call
    instead of a comprehension per call (issue #16).

    >>> from riskcore.model import Practice
    >>> case = Case(id="c", practice=Practice(id="p"))
    >>> a, b = _plugin_views([{"x": 1, "case": case}, {"x": 2, "case": case}])
    >>> a["case"] is b["case"] is readonly_case(case), list(b.items())[0]
    (True, ('x', 2))
    """
    seen: dict[int, object] = {}  # id of a case in calls (kept alive) -> its view
    out = []
    for kw in calls:
        view = dict(kw) if type(kw) is dict else dict(kw.items())
        for k, v in view.items():
            if type(v) is Case:
                got = seen.get(id(v))
                if got is None:
                    got = seen[id(v)] = _plugin_view(v)
                view[k] = got  # an existing key: the dict's size is unchanged
        out.append(view)
    return out


_VIEWS: dict[int, tuple[weakref.ref[Case], Case]] = {}


def readonly_case(case: Case) -> Case:
    """A view of *case* whose mappings are read-only, made once per case.

    What plugins receive: the same frozen objects, except that each instrument
    response's ``items`` and ``answers`` are :class:`types.MappingProxyType`
    views of the response's own mappings, so a plugin that edits them in place
    gets a ``TypeError`` (recorded as its failure) and can change neither the
    case nor what other plugins see. A proxy holds no copy (a large case's
    answers are not duplicated) and gives no way to the mapping behind it.
    A response's ``instrument`` is the interned string and its ``subject`` the
    subject's own ``id`` object (equal strings), so that lookups by
    ``subject.id`` and comparisons with constant instrument ids find the same
    object instead of comparing characters (issue #16).

    The view is kept while the case lives, or until :func:`views_released`
    drops the one it saw made (:func:`riskcore.build_plan` does, once every
    plugin has been called).

    >>> from riskcore.model import Client, InstrumentResponse, Practice
    >>> case = Case(id="c", practice=Practice(id="p"), clients=[Client(id="c-1")],
    ...             responses=[InstrumentResponse(instrument="phq9", subject="c-1",
    ...                                           items={9: 2})])
    >>> view = readonly_case(case)
    >>> view.responses[0].items["9"] = 0
    Traceback (most recent call last):
    ...
    TypeError: 'mappingproxy' object does not support item assignment
    >>> case.responses[0].items, view is readonly_case(case), view == case
    ({'9': 2}, True, True)
    """
    key = id(case)
    entry = _VIEWS.get(key)
    if entry is not None and entry[0]() is case:
        return entry[1]
    responses = case.responses
    if all(_is_readonly(r.items) and _is_readonly(r.answers) for r in responses):
        return case  # already a view
    view = copy.copy(case)
    # Each view response names its subject with the subject's own id object
    # (an equal string) and its instrument with the interned string, so the
    # plugins' lookups by ``subject.id`` and comparisons with their constant
    # instrument ids find the very same object (no character comparison).
    ids = {s.id: s.id for s in case.subjects() if type(s.id) is str}
    object.__setattr__(
        view, "responses", tuple([_readonly_response(r, ids) for r in responses])
    )

    def forget(ref: weakref.ref[Case]) -> None:
        if _VIEWS.get(key, (None,))[0] is ref:
            del _VIEWS[key]

    _VIEWS[key] = (weakref.ref(case, forget), view)
    return view


def _is_readonly(mapping: object) -> bool:
    return type(mapping) is MappingProxyType


def _readonly_response(r: Any, ids: dict[str, str]) -> Any:
    """The view of response *r*: its mappings read-only, its ids canonical
    (equal strings: *ids* maps a subject id to the subject's own id object)."""
    if type(r) is not InstrumentResponse:
        view = copy.copy(r)
        _set(view, "items", MappingProxyType(r.items))
        _set(view, "answers", MappingProxyType(r.answers))
        return view
    view = _new(InstrumentResponse)  # copy.copy, without pickle's protocol
    instrument, subject = r.instrument, r.subject
    _set_instrument(
        view, _intern(instrument) if type(instrument) is str else instrument
    )
    _set_subject(view, ids.get(subject, subject) if type(subject) is str else subject)
    _set_items(view, MappingProxyType(r.items))
    _set_about(view, r.about)
    _set_administered(view, r.administered)
    _set_answers(view, MappingProxyType(r.answers))
    return view


@contextlib.contextmanager
def views_released(case: Case) -> Iterator[None]:
    """Forget, after the block, the view of *case* made during it.

    The view (about a quarter of the memory the case's responses take, and the
    indexes plugins built on it) is otherwise kept as long as *case* lives;
    a view made before the block is kept. A later :func:`readonly_case`
    makes a new one.

    >>> from riskcore.model import Client, Practice
    >>> case = Case(id="c", practice=Practice(id="p"), clients=[Client(id="c-1")])
    >>> with views_released(case):
    ...     view = readonly_case(case)
    ...     view is readonly_case(case)
    True
    >>> id(case) in _VIEWS
    False
    """
    key = id(case)
    entry = _VIEWS.get(key)
    kept = entry is not None and entry[0]() is case
    try:
        yield
    finally:
        entry = _VIEWS.get(key)
        if not kept and entry is not None and entry[0]() is case:
            del _VIEWS[key]


_new = object.__new__
_set = object.__setattr__  # as the generated __init__ of a frozen class
_FIELDS = ("instrument", "subject", "items", "about", "administered", "answers")
if tuple(a.name for a in attrs.fields(InstrumentResponse)) != _FIELDS:
    # pragma: no cover - a new field must be copied in _readonly_response
    raise AssertionError("InstrumentResponse fields changed: update _readonly_response")
# Each slot's own setter: as ``object.__setattr__`` sets it on a frozen class.
_set_instrument = InstrumentResponse.__dict__["instrument"].__set__
_set_subject = InstrumentResponse.__dict__["subject"].__set__
_set_items = InstrumentResponse.__dict__["items"].__set__
_set_about = InstrumentResponse.__dict__["about"].__set__
_set_administered = InstrumentResponse.__dict__["administered"].__set__
_set_answers = InstrumentResponse.__dict__["answers"].__set__
_intern = sys.intern
