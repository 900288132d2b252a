"""Direct structure hooks for the commonest fields of a large case (issue #16).

Internal to :mod:`riskcore.io`, which registers them in
:func:`~riskcore.io.make_converter`: ``X | None`` for a plain scalar X, and
``tuple[str, ...]``. Each returns what the general hook returns, by calling the
same strict hook (or, for a list of exact strings, making the tuple the
general hook makes of it), and hands anything else to the general hook, so
every refusal keeps its message and path (``tests/test_io_fast_hooks.py``
checks both against the general hooks on random values).
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from operator import itemgetter
from typing import Any, Union, get_args, get_origin

import cattrs

_DICT = frozenset({dict})


def exact_rows(
    ds: Sequence[Any], names: tuple[str, ...]
) -> list[tuple[Any, ...]] | None:
    """The values of each mapping of *ds* under *names* (at least two), in
    that order, when every one is a ``dict`` of exactly those keys; else
    ``None``: the first step of the column-wise builders of a chunk of
    responses or subjects (:mod:`riskcore._io_responses`,
    :mod:`riskcore._io_subjects`).

    A dict of ``len(names)`` keys that holds all *names* holds nothing else:
    one sum of lengths and one pass of look-ups prove it for the whole chunk,
    without a set per mapping.

    >>> exact_rows([{"a": 1, "b": 2}, {"b": 4, "a": 3}], ("a", "b"))
    [(1, 2), (3, 4)]
    >>> exact_rows([{"a": 1}, {"a": 1, "b": 2, "c": 3}], ("a", "b")) is None
    True
    """
    if not _DICT.issuperset(map(type, ds)) or sum(map(len, ds)) != len(names) * len(ds):
        return None
    try:
        return list(map(itemgetter(*names), ds))
    except KeyError:
        return None


def _optional_plain(t: Any) -> bool:
    """``X | None`` with X among str, int, float, bool."""
    if get_origin(t) not in (Union, types.UnionType):
        return False
    args = set(get_args(t))
    return type(None) in args and args - {type(None)} <= {str, int, float, bool}


def _optional_one_plain(t: Any) -> bool:
    """``X | None`` with one X among str, int, float, bool."""
    return _optional_plain(t) and len(get_args(t)) == 2


def _optional_plain_hook(t: Any, conv: cattrs.Converter) -> Any:
    """The structure hook of ``X | None`` (:func:`_optional_one_plain`): null,
    or X's own strict hook; what cattrs' optional hook does for every value,
    less its dispatch per value.

    >>> from riskcore.io import converter
    >>> hook = converter.get_structure_hook(str | None)
    >>> hook(None, str | None), hook("x", str | None)
    (None, 'x')
    >>> hook(1, str | None)
    Traceback (most recent call last):
    ...
    riskcore.io._ProblemError: expected a string, got the number 1
    """
    (plain,) = (a for a in get_args(t) if a is not type(None))
    strict = conv.get_structure_hook(plain)

    def hook(value: object, _: object) -> Any:
        return None if value is None else strict(value, plain)

    return hook


_STR_ONLY = frozenset({str})


def _strings_hook(general: Any) -> Any:
    """The structure hook of ``tuple[str, ...]``: a list of strings becomes
    the tuple of its items, as the *general* hook (the one every sequence
    gets: :func:`~riskcore.model._fields.to_tuple`, then the strict string
    hook per item) makes it; anything else goes to the general hook, which
    refuses it with its message and path.

    >>> from riskcore.io import converter
    >>> hook = converter.get_structure_hook(tuple[str, ...])
    >>> hook(["en", "es"], tuple[str, ...])
    ('en', 'es')
    >>> hook("en", tuple[str, ...])
    Traceback (most recent call last):
    ...
    riskcore.io._ProblemError: expected a list, got a string (write one item as [item])
    """

    def hook(value: object, tp: Any) -> Any:
        if type(value) is list and _STR_ONLY.issuperset(map(type, value)):
            return tuple(value)
        return general(value, tp)

    hook.general = general  # type: ignore[attr-defined]  # for the tests
    return hook
