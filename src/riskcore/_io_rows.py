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


def _texts(
    column: Sequence[Any], nl: str, indent: int, prefix: str = ""
) -> tuple[list[str], bool]:
    """The JSON text of each plain value of *column*, as
    :func:`~riskcore._io_write.iter_indented_json` writes it at a line
    indentation of *nl*; and whether each text starts with *prefix* (the text
    before each value: its key).

    The prefix is taken where it costs nothing: in a column of a few
    distinct values, each written once.

    >>> _texts(["a", None, "a"], "\\n", 2, "k: ")
    (['k: "a"', 'k: null', 'k: "a"'], True)
    >>> _texts([1.5, -0.0, 0.0], "\\n", 2, "k: ")
    (['1.5', '-0.0', '0.0'], False)
    """
    kinds = set(map(type, column))
    if kinds <= _STRS:
        # each distinct string (or None) encoded once: a column repeats them
        text = {
            v: prefix + ("null" if v is None else _encode_str(v)) for v in set(column)
        }
        return list(map(text.__getitem__, column)), True
    distinct = _distinct(column, kinds)
    if distinct is not None:  # each distinct number written once
        once, _ = _texts(distinct, nl, indent)
        text = dict(zip(distinct, [prefix + t for t in once], strict=True))
        return list(map(text.__getitem__, column)), True
    if kinds <= _SCALARS:
        fast = scalars_text(column, kinds)  # orjson, where its text is exact
        if fast is not None:
            return fast, False
        # The C encoder's text of a list of numbers, booleans and nulls,
        # split at its separators: no such text holds ", ".
        return _scalar_list(column)[1:-1].split(", "), False
    return [
        _encode_str(v)
        if type(v) is str
        else "null"
        if v is None
        else "".join(iter_indented_json(v, indent)).replace("\n", nl)
        for v in column
    ], False


_ONE_KIND: tuple[frozenset[type], ...] = (
    frozenset({bool}),
    frozenset({int}),
    frozenset({float}),
)
_FEW = 8
"""A column of numbers is written value by value unless it has at most one
distinct value in this many."""


def _distinct(column: Sequence[Any], kinds: set[type]) -> list[Any] | None:
    """The distinct values of a column of numbers of one type (and ``None``),
    where equal values have the same JSON text and there are few of them;
    else ``None``.

    Values of different types may be equal (``1 == 1.0 == True``), and so are
    ``0.0`` and ``-0.0``: a column holding those is not taken.

    >>> sorted(_distinct([2] * 15 + [3], {int}))
    [2, 3]
    >>> _distinct([1, 1.0], {int, float}), _distinct([0.0] * 8, {float})
    (None, None)
    """
    if frozenset(kinds) - _NONE not in _ONE_KIND:
        return None
    distinct = set(column)
    if len(distinct) * _FEW > len(column) or (float in kinds and 0.0 in distinct):
        return None
    return list(distinct)


_NONE = frozenset({type(None)})


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
    prefix: str = "",
) -> tuple[list[str], bool]:
    """The texts of one field's *values* at a line indentation of *nl*, and
    whether each starts with *prefix* (:func:`_texts`)."""
    if kind == "enum":
        cls, hook = extra
        if set(map(type, values)) == {cls}:  # members only: each written once
            members = list(cls)
            text, _ = _texts([hook(m) for m in members], nl, indent)
            texts = [prefix + t for t in text]
            by_name = dict(zip(map(_name, members), texts, strict=True))
            return list(map(by_name.__getitem__, map(_name, values))), True
        values = list(map(hook, values))
    elif kind == "rows":
        nested = _nested(values, extra, conv, nl, indent)
        if nested is not None:
            return nested, False
        values = list(map(conv.get_unstructure_hook(tuple[extra, ...]), values))
    elif kind == "hook":
        values = list(map(extra, values))
    return _texts(values, nl, indent, prefix)


def _nested(
    values: Sequence[Any], cls: type[Any], conv: cattrs.Converter, nl: str, indent: int
) -> list[str] | None:
    """The texts of lists of *cls* objects at a line indentation of *nl*: all
    their items a column at a time, each distinct object once (a score's flags
    are a few objects shared by many scores), then each list joined."""
    lens = list(map(len, values))
    out = ["[]"] * len(values)
    if not any(lens):
        return out
    items = list(itertools.chain.from_iterable(values))
    by_id = dict(zip(map(id, items), items, strict=True))  # the same object:
    item_nl = nl + " " * indent  # the same text
    texts = _row_texts(list(by_id.values()), cls, conv, item_nl, indent)
    if texts is None:
        return None
    nonempty = itertools.compress(range(len(lens)), lens)
    if max(lens) == 1:  # each list one item: its text made once per object
        one = ["[" + item_nl + t + nl + "]" for t in texts]
        listed = dict(zip(by_id, one, strict=True))
        for i, t in zip(nonempty, map(listed.__getitem__, map(id, items)), strict=True):
            out[i] = t
        return out
    text = dict(zip(by_id, texts, strict=True))
    each = list(map(text.__getitem__, map(id, items)))
    sep = "," + item_nl
    pos = 0
    for i in nonempty:
        n = lens[i]
        out[i] = "[" + item_nl + sep.join(each[pos : pos + n]) + nl + "]"
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
    of the columns interleaved with the keys: no string per object; a column
    of a few distinct values has each key and value in one text)."""
    fields = _fields(cls, conv)  # type: ignore[arg-type]  # a class is hashable
    row_nl = nl + " " * indent
    keys = [row_nl + _encode_str(name) + ": " for name, *_ in fields]
    close = nl + "}"
    # the text before each value: with a sep, the end of the row before
    start = close + (sep or "") + "{"
    heads = [(start if i == 0 else ",") + k for i, k in enumerate(keys)]
    prefixes = [""] * len(keys) if sep is None else heads
    columns = [
        _column(values, kind, extra, conv, row_nl, indent, prefix)
        for values, (_, kind, extra), prefix in zip(
            _values(objs, [name for name, *_ in fields]), fields, prefixes, strict=True
        )
    ]
    # the first object's value texts, without their prefixes
    values0 = [
        texts[0][len(prefix) :] if merged else texts[0]
        for (texts, merged), prefix in zip(columns, prefixes, strict=True)
    ]
    first = "{" + ",".join(map(operator.add, keys, values0))
    general = "".join(iter_indented_json(conv.unstructure(objs[0], cls), indent))
    if first + close != general.replace("\n", nl):
        return None
    if sep is None:
        template = "{" + ",".join(k.replace("%", "%%") + "%s" for k in keys) + close
        return list(map(template.__mod__, zip(*(t for t, _ in columns), strict=True)))
    n = len(objs)
    width = sum(1 if merged else 2 for _, merged in columns)
    flat: list[str] = [""] * (width * n)
    pos = 0
    for (texts, merged), head in zip(columns, heads, strict=True):
        if not merged:
            flat[pos::width] = [head] * n
            pos += 1
        flat[pos::width] = texts
        pos += 1
    # the first row has no row before it
    flat[0] = "{" + keys[0] + (values0[0] if columns[0][1] else "")
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
            rows = sep.join(_texts(plain, inner, indent)[0])
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
