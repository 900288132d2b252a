"""Indented JSON of many objects of one attrs class, a column at a time.

Internal to :mod:`riskcore.io`: :func:`riskcore.io.iter_json` writes an
assessment through :func:`iter_assessment`, its scores through
:func:`rows_text`, instead of unstructuring each score into a dict and
encoding the dicts one value at a time. The text is the same, byte for byte
(``tests/test_io_rows.py``).
"""

from __future__ import annotations

import enum
import functools
import itertools
import json
import operator
import typing
from collections.abc import Iterator, Sequence
from typing import Any

import attrs
import cattrs
from cattrs.fns import identity

from riskcore._io_write import iter_indented_json
from riskcore._json_items import scalars_text
from riskcore.model.assessment import Assessment, Score

_encode_str = json.encoder.encode_basestring
_SCALARS = frozenset({int, float, bool, type(None)})
_STRS = frozenset({str, type(None)})
_scalar_list = json.JSONEncoder(ensure_ascii=False).encode
"""The standard library's C encoder (no indent): ``[1, 2.5, null]``."""

_name = operator.attrgetter("_name_")
CHUNK = 4096
"""Objects per piece of the streamed text (bounds the memory of the columns)."""


def _texts(column: Sequence[Any], nl: str, indent: int) -> list[str]:
    """The JSON text of each plain value of *column*, as
    :func:`~riskcore._io_write.iter_indented_json` writes it at a line
    indentation of *nl*."""
    kinds = set(map(type, column))
    if kinds <= _STRS:
        # each distinct string (or None) encoded once: a column repeats them
        text = {v: "null" if v is None else _encode_str(v) for v in set(column)}
        return list(map(text.__getitem__, column))
    if kinds <= _SCALARS:
        fast = scalars_text(column, kinds)  # orjson, where its text is exact
        if fast is not None:
            return fast
        # The C encoder's text of a list of numbers, booleans and nulls,
        # split at its separators: no such text holds ", ".
        return _scalar_list(column)[1:-1].split(", ")
    return [
        _encode_str(v)
        if type(v) is str
        else "null"
        if v is None
        else "".join(iter_indented_json(v, indent)).replace("\n", nl)
        for v in column
    ]


@functools.cache
def _fields(cls: type[Any], conv: cattrs.Converter) -> tuple[tuple[str, Any, Any], ...]:
    """Each field of *cls*, in order: its name, how its values are written
    (``"plain"``, ``"enum"``, ``"rows"`` for a tuple of attrs objects, or
    ``"hook"``) and the converter's unstructure hook for its type (for
    ``"rows"``, the class of the items; for ``"enum"``, the class and the
    hook)."""
    hints = typing.get_type_hints(cls)
    out: list[tuple[str, str, Any]] = []
    for a in attrs.fields(cls):
        t = hints[a.name]
        hook = conv.get_unstructure_hook(t)
        args = typing.get_args(t)
        if hook is identity:
            out.append((a.name, "plain", None))
        elif isinstance(t, type) and issubclass(t, enum.Enum):
            out.append((a.name, "enum", (t, hook)))
        elif (
            typing.get_origin(t) is tuple
            and len(args) == 2
            and args[1] is Ellipsis
            and attrs.has(args[0])
        ):
            out.append((a.name, "rows", args[0]))
        else:
            out.append((a.name, "hook", hook))
    return tuple(out)


def _column(
    values: Sequence[Any],
    kind: str,
    extra: Any,
    conv: cattrs.Converter,
    nl: str,
    indent: int,
) -> list[str]:
    """The texts of one field's *values* at a line indentation of *nl*."""
    if kind == "enum":
        cls, hook = extra
        if set(map(type, values)) == {cls}:  # members only: each written once
            members = list(cls)
            text = _texts([hook(m) for m in members], nl, indent)
            by_name = dict(zip(map(_name, members), text, strict=True))
            return list(map(by_name.__getitem__, map(_name, values)))
        values = list(map(hook, values))
    elif kind == "rows":
        nested = _nested(values, extra, conv, nl, indent)
        if nested is not None:
            return nested
        values = list(map(conv.get_unstructure_hook(tuple[extra, ...]), values))
    elif kind == "hook":
        values = list(map(extra, values))
    return _texts(values, nl, indent)


def _nested(
    values: Sequence[Any], cls: type[Any], conv: cattrs.Converter, nl: str, indent: int
) -> list[str] | None:
    """The texts of lists of *cls* objects at a line indentation of *nl*: all
    their items a column at a time, then each list joined."""
    items = list(itertools.chain.from_iterable(values))
    out = ["[]"] * len(values)
    if not items:
        return out
    item_nl = nl + " " * indent
    texts = _row_texts(items, cls, conv, item_nl, indent)
    if texts is None:
        return None
    sep = "," + item_nl
    lens = list(map(len, values))
    pos = 0
    for i in itertools.compress(range(len(lens)), lens):  # the non-empty lists
        n = lens[i]
        out[i] = "[" + item_nl + sep.join(texts[pos : pos + n]) + nl + "]"
        pos += n
    return out


def _row_texts(
    objs: Sequence[Any], cls: type[Any], conv: cattrs.Converter, nl: str, indent: int
) -> list[str] | None:
    """The text of ``unstructure(o)`` (as a *cls*) for each of *objs*, at a line
    indentation of *nl*; ``None`` if *cls* is not written as a mapping of its
    fields in order (its first object is written the general way to check)."""
    got = _rows(objs, cls, conv, nl, indent, None)
    return None if got is None else list(got)


def _values(objs: Sequence[Any], names: list[str]) -> list[Sequence[Any]]:
    """The values of the attributes *names* of *objs*, a sequence per name.

    >>> import types
    >>> _values([types.SimpleNamespace(a=1, b=2), types.SimpleNamespace(a=3, b=4)],
    ...         ["a", "b"])
    [(1, 3), (2, 4)]
    """
    if not objs:
        return [[] for _ in names]
    if len(names) < 2:  # attrgetter of one name gives the value, not a tuple
        return [list(map(operator.attrgetter(n), objs)) for n in names]
    # one tuple per object (one C call), transposed: faster than a getter per name
    return list(zip(*map(operator.attrgetter(*names), objs), strict=True))


def _rows(
    objs: Sequence[Any],
    cls: type[Any],
    conv: cattrs.Converter,
    nl: str,
    indent: int,
    sep: str | None,
) -> list[str] | str | None:
    """:func:`_row_texts`, or with *sep* the texts joined by *sep* (one join
    of the columns interleaved with the keys: no string per object)."""
    fields = _fields(cls, conv)  # type: ignore[arg-type]  # a class is hashable
    row_nl = nl + " " * indent
    columns = [
        _column(values, kind, extra, conv, row_nl, indent)
        for values, (_, kind, extra) in zip(
            _values(objs, [name for name, *_ in fields]), fields, strict=True
        )
    ]
    keys = [row_nl + _encode_str(name) + ": " for name, *_ in fields]
    close = nl + "}"
    first = "{" + ",".join(k + c[0] for k, c in zip(keys, columns, strict=True))
    general = "".join(iter_indented_json(conv.unstructure(objs[0], cls), indent))
    if first + close != general.replace("\n", nl):
        return None
    if sep is None:
        template = "{" + ",".join(k.replace("%", "%%") + "%s" for k in keys) + close
        return list(map(template.__mod__, zip(*columns, strict=True)))
    n = len(objs)
    width = 2 * len(keys)
    flat: list[str] = [""] * (width * n)
    for i, (key, column) in enumerate(zip(keys, columns, strict=True)):
        flat[2 * i :: width] = [(close + sep + "{" if i == 0 else ",") + key] * n
        flat[2 * i + 1 :: width] = column
    flat[0] = "{" + keys[0]
    flat.append(close)
    return "".join(flat)


def rows_text(
    objs: Sequence[Any],
    cls: type[Any],
    conv: cattrs.Converter,
    nl: str,
    indent: int,
) -> Iterator[str] | None:
    """The text of ``[unstructure(o) for o in objs]`` (the converter unstructures
    each as a *cls*) indented as a list at a line indentation of *nl*, in pieces;
    or ``None`` if *cls* is not written as a mapping of its fields in order
    (then the caller writes the list the general way).

    Each field is read, unstructured and encoded for :data:`CHUNK` objects at a
    time (one C call per column where the values are strings or numbers), and
    each object's text is filled into one template; a tuple of attrs objects
    (a score's flags) is written the same way.
    """
    if not objs:
        return iter(["[]"])
    inner = nl + " " * indent
    first = _rows(objs[:CHUNK], cls, conv, inner, indent, "," + inner)
    if first is None:
        return None
    assert isinstance(first, str)
    return _pieces(first, objs, cls, conv, nl, indent)


def _pieces(
    first: str,
    objs: Sequence[Any],
    cls: type[Any],
    conv: cattrs.Converter,
    nl: str,
    indent: int,
) -> Iterator[str]:
    inner = nl + " " * indent
    sep = "," + inner
    yield "[" + inner  # a chunk's text is yielded as made: never copied
    yield first
    for start in itertools.count(CHUNK, CHUNK):
        if start >= len(objs):
            break
        chunk = objs[start : start + CHUNK]
        rows = _rows(chunk, cls, conv, inner, indent, sep)
        if rows is None:  # this chunk's first object is not written as checked
            plain = [conv.unstructure(o, cls) for o in chunk]
            rows = sep.join(_texts(plain, inner, indent))
        assert isinstance(rows, str)  # joined: a sep was given
        yield sep
        yield rows
    yield nl + "]"


def iter_assessment(
    a: Assessment, conv: cattrs.Converter, indent: int
) -> Iterator[str]:
    """``iter_indented_json(conv.unstructure(a), indent)``, the scores written
    a column at a time (:func:`rows_text`): about half the time at 141,728
    scores, and no dict per score."""
    rest = conv.unstructure(
        Assessment._trusted(a.case_id, (), a.failures, a.provenance, a.riskcore_version)
    )
    pad = "\n" + " " * indent
    scores = rows_text(a.scores, Score, conv, pad, indent)
    sep = "{" + pad
    for key, value in rest.items():
        yield sep + _encode_str(key) + ": "
        sep = "," + pad
        if key == "scores" and scores is not None:
            yield from scores
        else:
            if key == "scores":  # not written by columns: the general way
                value = conv.unstructure(a.scores, tuple[Score, ...])
            for piece in iter_indented_json(value, indent):
                yield piece.replace("\n", pad)
    yield "\n}"
