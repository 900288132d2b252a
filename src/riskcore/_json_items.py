"""The items of a long JSON list written by orjson, where its text is exactly
the standard library's (internal, for :func:`riskcore._io_write.iter_indented_json`).

A large report's risk rows are most of its text. orjson (a well-kept JSON
library in Rust) writes them about ten times faster than the standard
library's C encoder with the indentation spliced in, and with
``OPT_INDENT_2`` its layout is ``json.dumps(..., ensure_ascii=False,
indent=2)``'s: the same separators, the same empty ``[]`` and ``{}``, the same
string escaping (every code point outside the surrogates checked in
``tests/test_json_items.py``). Three things differ, and each sends a batch of
items back to the standard library's way:

* floats: orjson writes ``1e-05`` as ``0.00001`` (a text holding ``0.0000``,
  which ``repr`` never writes) and ``1e-09`` as ``1e-9`` (a one-digit
  negative exponent, which ``repr`` never writes), and some orjson versions
  write ``1e+16`` as ``1e16``. A text holding either form is not used
  (:func:`_unsure`); orjson is not used at all unless it writes a probe of
  floats across every decade (both signs, several mantissas) exactly as
  ``repr`` does or in a form :func:`_unsure` catches (:func:`_agrees`);
* ``NaN`` and ``±Infinity``: orjson writes ``null``. A text holding ``null``
  (also a ``None``, or a string with ``null`` in it) is not used;
* what it refuses or writes where the standard library refuses: non-string
  keys, integers beyond 64 bits, lone surrogates, subclasses of ``str``,
  ``int``, ``dict`` and ``list``, dataclasses and dates (passed through to a
  refusal): the batch goes the standard library's way, which writes it or
  raises its own error. orjson also writes ``enum`` members and ``uuid.UUID``
  values, which the standard library refuses; the writer is given plain data
  (what :func:`riskcore.io.unstructure` returns), which holds neither.

Without orjson (``pip install riskcore`` installs it; an environment may
lack it) the standard library's way is used throughout: the same text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence, Set
from typing import Any

BATCH = 256
"""Items written per orjson call (a batch's objects are held at once)."""


def items_text(items: Sequence[Any], inner: str) -> str | None:
    """The text of *items* as items of a list whose items start after
    *inner* (a newline and their indentation), joined by ``","`` + *inner*,
    with their own lines indented below it; ``None`` where orjson's text
    could differ from the standard library's (then write them that way).

    Where *inner* is two-space steps (as ``indent=2`` writes), orjson is given
    the items nested as deep as they stand, so its text is already indented
    as it must be: no pass over the text to indent it again.

    >>> import json
    >>> items = [{"a": [1, 2.5, "é"]}, [], "x"]
    >>> text = items_text(items, "\\n  ")
    >>> "[\\n  " + text + "\\n]" == json.dumps(items, ensure_ascii=False, indent=2)
    True
    >>> items_text([1e-05], "\\n  ") is None  # orjson writes 0.00001
    True
    """
    dumps = _orjson_dumps()
    if dumps is None:
        return None
    depth = _depth(inner) if items else None
    wrapped: Any = items
    for _ in range(1, depth or 1):  # as deep as the items are: no re-indenting
        wrapped = [wrapped]
    try:
        raw: bytes = dumps(wrapped)
    except TypeError:  # orjson.JSONEncodeError: the standard way decides
        return None
    if _unsure(raw):
        return None
    if depth is None:
        # "[\n  item,\n  item\n]": every line inside starts with two spaces
        return raw[4:-2].decode().replace("\n  ", inner)
    # "[\n  [\n    item,\n    item\n  ]\n]" at depth 2: the items' text as is
    head, tail = _brackets(depth)
    return str(memoryview(raw)[head : len(raw) - tail], "utf-8")


def _depth(inner: str) -> int | None:
    """How many two-space steps *inner* (a newline and an indentation) is;
    ``None`` if it is not that.

    >>> _depth("\\n    "), _depth("\\n   "), _depth("\\n")
    (2, None, None)
    """
    steps = (len(inner) - 1) // 2
    return steps if steps and inner == "\n" + "  " * steps else None


@functools.cache
def _brackets(depth: int) -> tuple[int, int]:
    """The lengths of the text orjson writes before the first item and after
    the last one of a list nested in ``depth - 1`` lists (``OPT_INDENT_2``).

    >>> _brackets(1), _brackets(2)
    ((4, 2), (10, 6))
    """
    head = "".join("[\n" + "  " * level for level in range(1, depth + 1))
    tail = "".join("\n" + "  " * level + "]" for level in range(depth - 1, -1, -1))
    return len(head), len(tail)


_NUMBERS = frozenset({int, float, bool, type(None)})


def scalars_text(
    values: Sequence[Any], kinds: Set[type] | None = None
) -> list[str] | None:
    """The JSON text of each of *values* (each exactly an ``int``, ``float``,
    ``bool`` or ``None``) as the standard library writes it, by one orjson
    call; ``None`` for other values, or where orjson's text could differ
    (then write them that way). *kinds*, if the caller has it, is
    ``set(map(type, values))``.

    ``null`` is exact here as often as *values* holds ``None``: only a
    ``NaN`` or an infinity adds one (:func:`_unsure`).

    >>> scalars_text([1, 2.5, None, True, -0.0])
    ['1', '2.5', 'null', 'true', '-0.0']
    >>> scalars_text([float("nan")]) is None, scalars_text(["x"]) is None
    (True, True)
    """
    dumps = _orjson_dumps()
    if kinds is None:
        kinds = set(map(type, values))
    if dumps is None or not kinds <= _NUMBERS:
        return None
    if not values:
        return []
    import orjson  # installed: _orjson_dumps() found it

    try:
        raw = orjson.dumps(values)
    except TypeError:  # an int beyond 64 bits: the standard way decides
        return None
    if _unsure(raw, values.count(None)):
        return None
    # "[1,2.5,null]": no number or literal holds a comma
    return raw[1:-1].decode().split(",")


@functools.cache
def _orjson_dumps() -> Any:
    """``orjson.dumps`` with the options above, if orjson is installed and
    writes floats as :func:`_agrees` requires; else ``None``."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - installed with riskcore
        return None
    option = (
        orjson.OPT_INDENT_2
        | orjson.OPT_PASSTHROUGH_SUBCLASS
        | orjson.OPT_PASSTHROUGH_DATACLASS
        | orjson.OPT_PASSTHROUGH_DATETIME
    )

    def dumps(o: Any) -> bytes:
        return orjson.dumps(o, option=option)

    return dumps if _agrees(lambda x: orjson.dumps(x).decode()) else None


def _agrees(write: Any) -> bool:
    """Whether *write* (a float's JSON text) gives ``repr`` or a text
    :func:`_unsure` catches, for floats across every decade, both signs,
    several mantissas.

    >>> _agrees(repr), _agrees(lambda x: repr(x).replace("e+", "e"))
    (True, False)
    """
    for exponent in range(-324, 309):
        for mantissa in ("1", "2.5", "9.999999999999999", "1.2345678901234567"):
            x = float(f"{mantissa}e{exponent}")
            if x == 0.0 or x == float("inf"):
                continue
            for value in (x, -x):
                text = write(value)
                if text != repr(value) and not _unsure(text.encode()):
                    return False
    return True


_EXPONENT = re.compile(rb"e-\d(?!\d)")


def _unsure(raw: bytes, nulls: int = 0) -> bool:
    """Whether orjson's text *raw* may differ from the standard library's:
    ``0.0000``, a one-digit negative exponent, or ``null`` (``NaN``,
    ``Infinity``) anywhere in it, strings included (rarely: those then go
    the standard way too). With *nulls*, the number of ``None`` values
    written in *raw* (each is one ``null``), only more ``null`` than that.

    >>> _unsure(b"[0.00001]"), _unsure(b"[1e-9]"), _unsure(b"[1e-10, 0.5]")
    (True, True, False)
    >>> _unsure(b"[null,1]", 1), _unsure(b"[null,null]", 1)
    (False, True)
    """
    if nulls:
        return raw.count(b"null") > nulls or _inexact_float(raw)
    if len(raw) < _SCAN_MIN:
        return b"null" in raw or _inexact_float(raw)
    return _scan(raw)


def _inexact_float(raw: bytes) -> bool:
    """``0.0000`` or a one-digit negative exponent in *raw*: the rule."""
    return b"0.0000" in raw or _EXPONENT.search(raw) is not None


_SCAN_MIN = 1 << 17
"""From this many bytes :func:`_unsure` looks by :func:`_scan` (numpy): a
batch of report rows (about 300 KB) in about a third of the byte search's
time; below some 100 KB (an assessment's column of numbers, 15 KB) numpy's
cost per call makes the scan slower than the byte search."""

_NULL = int.from_bytes(b"null", "little")
_ZEROS = int.from_bytes(b"0.00", "little")
_E_MINUS = int.from_bytes(b"e-", "little")


def _starts(raw: bytes, word: int, width: int) -> Any:
    """Where the *width* bytes of *word* (little-endian) start in *raw*: one
    comparison of whole words per alignment, not a byte at a time (on views
    of *raw*: no copy of it)."""
    import numpy as np  # here: importing riskcore.io does not load numpy

    dtype = f"<u{width}"
    found = []
    for off in range(width):
        whole = (len(raw) - off) // width
        if whole <= 0:
            continue
        words = np.frombuffer(raw, dtype, whole, off)  # a view: no copy
        at = np.flatnonzero(words == word)
        if at.size:
            found.append(at * width + off)
    return np.concatenate(found) if found else np.empty(0, np.intp)


def _scan(raw: bytes) -> bool:
    """``b"null" in raw or _inexact_float(raw)``, by a few numpy passes (about
    half the time on a report's rows: a byte search is slow on text where the
    first byte is common); the same verdict, checked on arbitrary bytes by
    ``tests/test_json_items.py``."""
    import numpy as np

    n = len(raw)
    for off in range(4):
        whole = (n - off) // 4
        if whole > 0 and (np.frombuffer(raw, "<u4", whole, off) == _NULL).any():
            return True
    b = np.frombuffer(raw, np.uint8)
    at = _starts(raw, _ZEROS, 4)  # "0.00", then "00"
    at = at[at + 5 < n]
    if ((b[at + 4] == _ZERO) & (b[at + 5] == _ZERO)).any():
        return True
    at = _starts(raw, _E_MINUS, 2)  # "e-", then one digit and no other
    at = at[at + 2 < n]
    at = at[b[at + 2] - _ZERO < 10]  # uint8: below "0" wraps to 208 and up
    if (at + 3 == n).any():
        return True
    return bool((b[at[at + 3 < n] + 3] - _ZERO >= 10).any())


_ZERO = ord("0")
