"""The JSON report's risk rows checked and converted a column at a time
(internal to :mod:`riskcore.report`).

:func:`_column_records` gives, for each row of a
:class:`~riskcore.report.context.RiskRows`, exactly what the row pass of
:mod:`riskcore.report.data` (``_record``) gives for that row's dict, or raises
:class:`~riskcore.report.data._NotFastError` where it does
(``tests/test_report_plain.py``): the same fields, converters and defaults
(``data._fields``), one rule; only the checks are made a column at a time.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from typing import Any

import attrs

from riskcore.report.data import _ABSENT, _fields, _NotFastError


def _column_records(cls: type[Any], rows: Any) -> Iterator[dict[str, Any]]:
    """What ``data._record`` makes of each of *rows*, a
    :class:`~riskcore.report.context.RiskRows`, made a chunk of rows at a
    time and checked a column at a time: each field's column of the chunk is
    taken as it is when every value is of the field's exact type (and a
    finite float; the sum of floats is finite only if each is), else each
    value is converted as ``data._record`` converts it (raising
    :class:`_NotFastError` for a value it is not sure of, before any row of
    the chunk is given)."""
    frozen_fields = _fields(cls)
    names = tuple(f[0] for f in frozen_fields)
    taken = [_taken(a.type) for a in attrs.fields(attrs.resolve_types(cls))]
    for n, cols in rows.chunks(names):
        out = []
        for (_, _, conv, missing), (types, items), col in zip(
            frozen_fields, taken, cols, strict=True
        ):
            if col is None:  # a field the rows do not hold: its default
                if missing is _ABSENT:
                    raise _NotFastError
                col = [missing() for _ in range(n)]
            elif (
                types is None
                or not types.issuperset(map(type, col))
                or (
                    items is not None
                    and not items.issuperset(
                        map(type, itertools.chain.from_iterable(col))
                    )
                )
                or (float in types and not _finite(col))
            ):
                col = [conv(x) for x in col]  # as _record does, raising if unsure
            out.append(col)
        # a dict per row, made in C (one column per name: the lengths agree)
        yield from map(dict, map(zip, itertools.repeat(names), zip(*out, strict=True)))


def _taken(tp: Any) -> tuple[frozenset[type[Any]] | None, frozenset[type[Any]] | None]:
    """For a field of type *tp*, the exact types of a value (and, for a list
    field, of its items) that ``data._record`` gives back unchanged (equal,
    and of the same JSON text): ``(None, None)`` if none is taken as it is.

    >>> import datetime as dt
    >>> _taken(float), _taken(float | None)
    ((frozenset({<class 'float'>}), None), (frozenset({<class 'float'>, <class 'NoneType'>}), None))
    >>> _taken(tuple[str, ...]), _taken(dt.date)
    ((frozenset({<class 'list'>}), frozenset({<class 'str'>})), (None, None))
    """
    from typing import get_args, get_origin

    scalars = (str, bool, int, float)
    if tp in scalars:
        return frozenset({tp}), None
    args = get_args(tp)
    if len(args) == 2 and type(None) in args:
        inner = args[0] if args[1] is type(None) else args[1]
        if inner in scalars:
            return frozenset({inner, type(None)}), None
    if (
        get_origin(tp) is tuple
        and len(args) == 2
        and args[1] is Ellipsis
        and args[0] in (str, bool, int)
    ):
        return frozenset({list}), frozenset({args[0]})
    return None, None


def _finite(col: list[Any]) -> bool:
    """Whether every float of *col* is finite (its ``None`` left out): their
    sum is finite only if each is (an infinity or a NaN makes it infinite or
    NaN); an overflow of the sum of finite floats answers no, which is only
    slower (each value is then checked alone)."""
    return math.isfinite(sum(x for x in col if x is not None))
