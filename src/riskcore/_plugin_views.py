"""The read-only view of a case that plugins receive.

Internal to :mod:`riskcore.plugins`, which re-exports
:func:`~riskcore.plugins.readonly_case`.
"""

from __future__ import annotations

import contextlib
import copy
import weakref
from collections.abc import Iterator
from types import MappingProxyType
from typing import Any

import attrs

from riskcore.model.case import Case
from riskcore.model.observations import InstrumentResponse


def _plugin_view(value: object) -> object:
    return readonly_case(value) if type(value) is Case else value


_VIEWS: dict[int, tuple[weakref.ref[Case], Case]] = {}


def readonly_case(case: Case) -> Case:
    """A view of *case* whose mappings are read-only, made once per case.

    What plugins receive: the same frozen objects, except that each instrument
    response's ``items`` and ``answers`` are :class:`types.MappingProxyType`
    views of the response's own mappings, so a plugin that edits them in place
    gets a ``TypeError`` (recorded as its failure) and can change neither the
    case nor what other plugins see. A proxy holds no copy (a large case's
    answers are not duplicated) and gives no way to the mapping behind it.

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
    object.__setattr__(view, "responses", tuple(map(_readonly_response, responses)))

    def forget(ref: weakref.ref[Case]) -> None:
        if _VIEWS.get(key, (None,))[0] is ref:
            del _VIEWS[key]

    _VIEWS[key] = (weakref.ref(case, forget), view)
    return view


def _is_readonly(mapping: object) -> bool:
    return type(mapping) is MappingProxyType


def _readonly_response(r: Any) -> Any:
    if type(r) is InstrumentResponse:  # copy.copy, without pickle's protocol
        view = _new(InstrumentResponse)
        for set_slot, get_slot in _PLAIN:
            set_slot(view, get_slot(r))
    else:
        view = copy.copy(r)
    _set(view, "items", MappingProxyType(r.items))
    _set(view, "answers", MappingProxyType(r.answers))
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
_PLAIN = tuple(
    (
        InstrumentResponse.__dict__[a.name].__set__,  # the slot's own setter
        InstrumentResponse.__dict__[a.name].__get__,
    )
    for a in attrs.fields(InstrumentResponse)
    if a.name not in ("items", "answers")
)
"""The slot setters and getters of the fields a view shares with its
response (internal): as ``object.__setattr__`` sets them on a frozen class."""
