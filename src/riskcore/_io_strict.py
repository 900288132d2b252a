"""Strict parsing of YAML and JSON text: riskcore's YAML loaders and JSON checks.

Internal to :mod:`riskcore.io` (which re-exports :data:`~riskcore.io.MAX_DEPTH`
and chooses the loader, :data:`~riskcore.io.YAML_LOADER`): the rules a document
must meet while it is parsed (no key twice, no alias, at most
:data:`MAX_DEPTH` levels, real dates), the same for libyaml's C parser and
PyYAML's Python one; and the strict parses themselves (:func:`parse_yaml`,
:func:`_parse_json_strict`), which word every refusal as a
:class:`~riskcore.errors.LoadError`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable
from itertools import compress
from typing import Any, Literal

import yaml

from riskcore.errors import LoadError, shown

MAX_DEPTH = 64
"""The deepest nesting of lists and mappings a document may have. riskcore's own
documents need fewer than 10 levels; deeper input is refused with a message
instead of exhausting Python's recursion limit."""


def _join(path: str, name: str | int) -> str:
    if isinstance(name, int):
        return f"{path}[{name}]"
    return f"{path}.{name}" if path else name


class _RefusedError(Exception):
    """A document refused while parsing (duplicate key, too deep, alias)."""


def _at(mark: Any) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


class _Strict:
    """The strict rules of riskcore's YAML loaders (one owner for both).

    * a key given twice in one mapping is refused, naming both lines; ``9`` and
      ``'9'`` are the same key (item ids are strings), as are ``1`` and ``1.0``;
    * nesting deeper than :data:`MAX_DEPTH` is refused while composing, before
      Python's recursion limit is near;
    * aliases (``*name``) are refused: riskcore's documents never need them and
      they let a small file expand into a huge one;
    * an impossible date (``2026-02-30``) is kept as its text, so that the date
      field rejects it with its path instead of the loader crashing.

    The composer (building nodes from events) and the constructor are
    PyYAML's Python ones in both loaders, so the rules above run on the same
    code; only the scanner and parser (text to events) differ: libyaml's C
    one when it is available (:data:`YAML_LOADER`), else PyYAML's Python one.
    With libyaml, a plain document (no alias, anchor, tag, merge key or repeated
    key) is first built straight from its events by :func:`fast_yaml` (about
    4x faster); anything else, and any error, goes through this composer.
    """

    def _strict_init(self) -> None:
        self._depth = 0
        self._path: list[str | int] = []
        self._paths: dict[int, str] = {}

    def _mark(self) -> Any:
        return self.peek_event().start_mark  # type: ignore[attr-defined]

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):  # type: ignore[attr-defined]
            raise _RefusedError(
                f"{_at(self._mark())}: YAML aliases (*name) are "
                "not accepted; write the value out"
            )
        if self._depth >= MAX_DEPTH:
            raise _RefusedError(
                f"{_at(self._mark())}: nested more than {MAX_DEPTH} levels deep"
            )
        step: str | int | None = None
        if isinstance(index, int) and not isinstance(index, bool):
            step = index
        elif isinstance(index, yaml.ScalarNode):
            step = index.value
        elif isinstance(index, yaml.Node):
            step = "?"
        self._depth += 1
        if step is not None:
            self._path.append(step)
        try:
            node = super().compose_node(parent, index)  # type: ignore[misc]
            if isinstance(node, yaml.MappingNode):
                self._paths[id(node)] = _path_text(self._path)
            return node
        finally:
            self._depth -= 1
            if step is not None:
                self._path.pop()

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)  # type: ignore[attr-defined]
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)  # type: ignore[attr-defined]
                for form in _key_forms(key):
                    if form in seen:
                        first = seen[form]
                        where = self._paths.get(id(node)) or "(document)"
                        raise _RefusedError(
                            f"{where}: duplicate key {shown(key)} at "
                            f"{_at(key_node.start_mark)} (first at "
                            f"{_at(first.start_mark)})"
                        )
                for form in _key_forms(key):
                    seen[form] = key_node
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[misc]
        except (ValueError, OverflowError):
            return self.construct_scalar(node)  # type: ignore[attr-defined]


class _StrictLoader(_Strict, yaml.SafeLoader):
    """PyYAML's pure-Python safe loader with riskcore's strict rules."""

    def __init__(self, stream: str) -> None:
        yaml.SafeLoader.__init__(self, stream)
        self._strict_init()


_StrictLoader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    _StrictLoader.construct_yaml_timestamp,  # type: ignore[type-var]
)

_CParser: Any
try:
    from yaml.cyaml import CParser as _CParser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None


if _CParser is not None:

    class _CStrictLoader(
        _Strict,
        yaml.composer.Composer,
        _CParser,  # type: ignore[misc]
        yaml.constructor.SafeConstructor,
        yaml.resolver.Resolver,
    ):
        """libyaml's C scanner and parser under the same strict composer and
        constructor as :class:`_StrictLoader` (several times faster)."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._strict_init()

    _CStrictLoader.add_constructor(
        "tag:yaml.org,2002:timestamp",
        _CStrictLoader.construct_yaml_timestamp,  # type: ignore[type-var]
    )


def _key_forms(key: Any) -> list[Any]:
    # Python equality (1 == 1.0 == True) and the item-id view (9 is '9').
    forms: list[Any] = []
    try:
        hash(key)
    except TypeError:
        return forms  # the safe loader itself refuses an unhashable key
    forms.append(("value", key))
    if isinstance(key, (int, float)) and not isinstance(key, bool):
        forms.append(("text", str(key)))
    elif isinstance(key, str):
        forms.append(("text", key))
    return forms


def _path_text(steps: list[str | int]) -> str:
    path = ""
    for step in steps:
        path = _join(path, step)
    return path


class _DuplicateJSONKeyError(Exception):
    pass


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateJSONKeyError(key)
        out[key] = value
    return out


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')


def _json_duplicate(text: str) -> str:
    """Locate the first duplicate key of a JSON text (only run after one was found).

    >>> _json_duplicate('{"items": {"9": 1,\\n "9": 0}}')
    "items: duplicate key '9' at line 2, column 2 (first at line 1, column 12)"
    """
    stack: list[dict[str, Any]] = []

    def here() -> str:
        if not stack:
            return ""
        top = stack[-1]
        step = top["key"] if top["object"] else top["index"]
        return _join(top["path"], step)

    def at(pos: int) -> str:
        line = text.count("\n", 0, pos) + 1
        return f"line {line}, column {pos - text.rfind(chr(10), 0, pos)}"

    for m in _JSON_TOKEN.finditer(text):
        tok = m.group()
        top = stack[-1] if stack else None
        if tok in ("{", "["):
            path = here()
            stack.append(
                {"object": tok == "{", "path": path, "keys": {}, "index": 0}
                | {"key": None, "expect_key": tok == "{"}
            )
        elif tok in ("}", "]"):
            if stack:
                stack.pop()
        elif tok == ",":
            if top is not None:
                top["index"] += 1
                top["expect_key"] = top["object"]
        elif tok != ":" and top is not None and top["expect_key"]:
            key = json.loads(tok)
            top["expect_key"] = False
            if key in top["keys"]:
                where = top["path"] or "(document)"
                return (
                    f"{where}: duplicate key {shown(key)} at {at(m.start())} "
                    f"(first at {at(top['keys'][key])})"
                )
            top["keys"][key] = m.start()
            top["key"] = key
    return "(document): duplicate key"  # pragma: no cover - found by the decoder


def _depth_ok(data: Any) -> bool:
    """True if *data* nests at most :data:`MAX_DEPTH` levels (a scalar is one).

    Level by level, and iterative: a deep document must not exhaust the
    recursion limit here.

    >>> _depth_ok([[1]]), _depth_ok(1), _depth_ok([[]] * 3)
    (True, True, True)
    """
    return _walk(data) is not None


def _containers(data: Any) -> tuple[list[Any], int] | None:
    """Every list and mapping of *data*, level by level, and the number of
    keys of its mappings (``None`` if it nests more than :data:`MAX_DEPTH`
    levels): :func:`_walk` without its float bound.

    >>> _containers({"a": [1, {"b": 2}]})
    ([{'a': [1, {'b': 2}]}, [1, {'b': 2}], {'b': 2}], 2)
    """
    walked = _walk(data)
    if walked is None:
        return None
    return [c for c in walked[0] if type(c) is not float], walked[1]


_BIG = float(2**63)
"""The magnitude from which :func:`_orjson_loads`'s floats may stand for an
integer literal (orjson makes a float of an integer outside 64 bits)."""


def _walk(data: Any) -> tuple[list[Any], int, bool] | None:
    """Every list and mapping of *data*, level by level, and some of its
    floats (those below a list or mapping that holds a list or mapping too);
    the number of keys of its mappings; and whether any float of it has a
    magnitude of at least 2**63 (:data:`_BIG`). ``None`` if it nests more
    than :data:`MAX_DEPTH` levels: an item below a non-empty list or mapping
    at level :data:`MAX_DEPTH`.

    *data* is what :func:`json.loads` makes: exact ``dict`` and ``list``
    objects (a subclass is not looked into). A container none of whose values
    is a list, mapping or float (most of a case: an ``items`` mapping of
    answers) is passed over by one C-level scan of its values' types; the
    others' lists, mappings and floats are picked by C-level iterators too,
    and each float is then looked at once, as an item of the next level.

    >>> _walk([{"a": 1e19}, [], 2])
    ([[{'a': 1e+19}, [], 2], {'a': 1e+19}, [], 1e+19], 1, True)
    >>> _walk(1.0), _walk([1.0, [2]])
    (([], 0, False), ([[1.0, [2]], 1.0, [2]], 0, False))
    """
    if type(data) is float:
        return [], 0, abs(data) >= _BIG
    level: list[Any] = [data] if isinstance(data, (dict, list)) else []
    out: list[Any] = []
    keys = 0
    big = False
    depth = 1
    while level:
        if depth >= MAX_DEPTH and any(c for c in level if type(c) is not float):
            return None
        out += level
        below: list[Any] = []
        for item in level:
            values: Iterable[Any]
            if type(item) is dict:
                keys += len(item)
                values = item.values()
            elif type(item) is list:
                values = item
            elif type(item) is float:
                big = big or abs(item) >= _BIG
                continue
            else:  # a subclass at the root
                values = item.values() if isinstance(item, dict) else item
            if _BELOW_OR_FLOAT.isdisjoint(map(type, values)):
                continue  # no list, dict or float below (json makes no subclass)
            below += compress(
                values, map(_BELOW_OR_FLOAT.__contains__, map(type, values))
            )
        level = below
        depth += 1
    return out, keys, big


_NESTING = frozenset({dict, list})
_BELOW_OR_FLOAT = frozenset({dict, list, float})


_BEFORE_KEY_COLON = ('"', " ", "\t", "\n", "\r")
"""What may precede the colon after a key in JSON text: its closing quote, or
JSON's white space."""


def fast_json(text: str | bytes) -> Any:
    """The data of a JSON *text* that meets the loader's rules, parsed by a C
    decoder alone, or ``None`` when it may not (the caller then parses it with
    :func:`_json_pairs`, which finds and words the problem). *text* may be
    UTF-8 bytes: the data is that of the text they decode to (orjson reads
    a text as its UTF-8 bytes; the standard library is given the text; every
    count below counts ASCII characters, the same in both).

    The decoder is orjson's where its data is provably the standard
    library's (:func:`_orjson_loads`), else the standard library's. The rules
    are checked on the result: at most :data:`MAX_DEPTH` levels, and no key
    twice in a mapping. Both decoders keep the last of two equal keys, so a
    duplicate shows as one key fewer than the text has. Outside
    strings, a colon follows each key of the text (after its closing quote
    and maybe white space) and nothing else. So the text's keys are at most
    its colons that follow a quote or white space; and at most its colons
    minus those inside its strings, which are at least the decoded strings'
    colons minus the text's ``\\u003a`` escapes (the one other way to write
    a colon), and so at least the colons of *some* of the decoded strings
    minus those escapes (tried first with the strings of the first two
    levels: a case's description; each count over a large text costs a
    pass). Any of these bounds equal to the number of decoded keys proves
    that no key was dropped.

    >>> fast_json('{"a": {"b": "c:d"}}')
    {'a': {'b': 'c:d'}}
    >>> fast_json('{"a": "b\\\\": c", "d": 1}')  # a quote and a colon in a string
    {'a': 'b": c', 'd': 1}
    >>> fast_json('{"a": 1, "a": 2}') is None, fast_json('[') is None
    (True, True)
    >>> fast_json('[18446744073709551616, NaN]')  # beyond orjson: json's data
    [18446744073709551616, nan]
    >>> fast_json(b'{"a": "b: c"}'), fast_json(b'{"a": 1, "a": 2}')
    ({'a': 'b: c'}, None)
    """
    walked = None
    count = _counter(text)
    loads = _orjson_loads()
    if loads is not None:
        try:
            data = loads(text)
        except ValueError:  # orjson.JSONDecodeError: the standard way decides
            pass
        else:
            walked = _walk(data)
            if walked is not None and walked[2]:
                walked = None  # a float that may have been a long integer
    if walked is None:
        try:
            data = json.loads(text if isinstance(text, str) else text.decode())
        except (ValueError, RecursionError):
            return None
        walked = _walk(data)
        if walked is None:
            return None
    containers, keys, _ = walked
    colons = count(":")
    if colons == keys:  # no string has a colon (a single-character count)
        return data
    # Both escapes begin \u003: one pass for the usual text, which has none.
    escaped = count("\\u003") and count("\\u003a") + count("\\u003A")
    # The strings of the first two levels (a case's description, say) first:
    # any strings' colons bound those inside the text's strings from below.
    if colons + escaped == keys + _colons_in_strings(containers[:1], data):
        return data
    after = sum(count(c + ":") for c in _BEFORE_KEY_COLON)
    if after == keys:  # no string has a colon after a quote or a space
        return data
    if colons + escaped == keys + _colons_in_strings(containers, data):
        return data
    return None


def _counter(text: str | bytes) -> Callable[[str], int]:
    """``text.count`` for an ASCII pattern, *text* a text or its UTF-8 bytes
    (where an ASCII character is one byte, never part of another's).

    >>> _counter("a:b:")(":"), _counter("é:".encode())(":")
    (2, 1)
    """
    if isinstance(text, str):
        return text.count
    return lambda pattern: text.count(pattern.encode("ascii"))


_ORJSON_PROBES = (
    "0.1",
    "1e23",
    "-0",
    "-0.0",
    "5e-324",
    "2.2250738585072011e-308",
    "1.7976931348623157e308",
    "9007199254740993",
    "9007199254740993.0",
    "1.00000000000000011102230246251565404236316680908203125",
    "18446744073709551615",
    "-9223372036854775808",
    '{"a": [1, true, null, "b\\u00e9\\ud83d\\ude00\\/"], "a": 2}',
)


@functools.cache
def _orjson_loads() -> Callable[[str | bytes], Any] | None:
    """``orjson.loads`` if orjson is installed and parses the probes
    (:data:`_ORJSON_PROBES`: float literals hard to round, integers at the
    edges of 64 bits, escapes, a repeated key) to exactly the standard
    library's data; else ``None``.

    Where orjson parses a text at all, its data equals :func:`json.loads`'s
    (floats are correctly rounded by both, so they meet; the last of two
    equal keys is kept by both) but for an integer outside 64 bits, which it
    makes a float: :func:`fast_json` parses a text again with the standard
    library when its data holds a float of magnitude 2**63 or more. orjson
    refuses what the standard library refuses, and more (``NaN``,
    ``Infinity``, a number that overflows to infinity, a lone surrogate
    escape, nesting deeper than 1024): those texts go the standard way too.
    ``tests/test_fast_json.py`` checks all this on random texts.

    >>> _orjson_loads() is None or _orjson_loads()("[1.5]") == [1.5]
    True
    """
    try:
        import orjson
    except ImportError:  # pragma: no cover - installed with riskcore
        return None
    loads: Callable[[str | bytes], Any] = orjson.loads
    for probe in _ORJSON_PROBES:
        ours, theirs = json.loads(probe), loads(probe)
        if repr(ours) != repr(theirs) or type(ours) is not type(theirs):
            return None  # pragma: no cover - an orjson that rounds otherwise
    return loads


def _colons_in_strings(containers: list[Any], data: Any) -> int:
    """The colons of the strings (keys and values) of *containers* and of the
    lists and mappings right below them; or of *data* if it is a string.

    Each counted string is a distinct string of the text (each key or value
    of the data is one literal of the text), so this is at most the colons
    the text's strings decode to: a lower bound of those inside them once
    the ``\\u003a`` escapes are subtracted (:func:`fast_json`)."""
    if type(data) is str:
        return data.count(":")
    if len(containers) == 1:  # the root: with its own lists and mappings
        root = containers[0]
        values = root.values() if type(root) is dict else root
        containers = [root, *(v for v in values if isinstance(v, (dict, list)))]
    strings: list[str] = []
    for c in containers:
        if type(c) is dict:
            strings += c
            values = c.values()
        elif type(c) is not float:  # floats: see _walk
            values = c
        else:
            continue
        if not _STR_ONLY.isdisjoint(map(type, values)):  # one C scan if none
            strings += [v for v in values if type(v) is str]
    return "".join(strings).count(":")


_STR_ONLY = frozenset({str})


def _parse_json_strict(text: str | bytes, source: str | None) -> Any:
    """The data of a JSON *text* (or its ASCII bytes) by the standard library,
    with :func:`_json_pairs`: every refusal worded, naming *source*. The way
    for what :func:`fast_json` could not prove (the caller checks the depth).

    >>> _parse_json_strict('{"a": 1,\\n "a": 2}', "case.json")
    Traceback (most recent call last):
    ...
    riskcore.errors.LoadError: case.json: (document): duplicate key 'a' at line 2, column 2 (first at line 1, column 2)
    """
    if not isinstance(text, str):
        text = text.decode("ascii")  # riskcore.io.loads_json decoded any other
    try:
        return json.loads(text, object_pairs_hook=_json_pairs)
    except json.JSONDecodeError as exc:
        raise LoadError(
            [f"line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg})"],
            source=source,
        ) from None
    except _DuplicateJSONKeyError:
        raise LoadError([_json_duplicate(text)], source=source) from None
    except RecursionError:
        raise LoadError(
            [f"(document): nested more than {MAX_DEPTH} levels deep"], source=source
        ) from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise LoadError(
            [
                f"(document): invalid JSON ({type(exc).__name__}: a value is out of range)"
            ],
            source=source,
        ) from None


def parse_yaml(text: str, source: str | None, kind: Literal["c", "python"]) -> Any:
    """The data of a YAML *text* by the strict loaders, *kind* saying which
    parser (:data:`riskcore.io.YAML_LOADER`), or :class:`LoadError` naming
    *source*: the one wording of every refusal for both parsers.

    >>> parse_yaml("a: 1\\nb: [x]\\n", None, "c")
    {'a': 1, 'b': ['x']}
    """
    loader: Any = None
    if kind == "c":
        try:
            # A plain document is built from libyaml's events directly; the
            # strict composer below judges (and words) everything else.
            loader = _CStrictLoader(text)
            return fast_yaml(loader)
        except Exception:
            pass
        finally:
            if loader is not None:
                loader.dispose()
                loader = None
        try:
            loader = _CStrictLoader(text)
            return loader.get_single_data()
        except yaml.YAMLError:
            # Not YAML (libyaml words some problems differently): the Python
            # parser names the problem, so both loaders refuse with one message.
            return parse_yaml(text, source, "python")
        except _RefusedError as exc:
            raise LoadError([str(exc)], source=source) from None
        except (ValueError, OverflowError, RecursionError) as exc:
            raise LoadError([_out_of_range(exc)], source=source) from None
        finally:
            if loader is not None:
                loader.dispose()
    try:
        loader = _StrictLoader(text)  # the reader checks for control characters
        return loader.get_single_data()
    except _RefusedError as exc:
        raise LoadError([str(exc)], source=source) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise LoadError(
            [
                f"line {line}: invalid YAML (character #x{exc.character:04x} is "
                "not allowed)"
            ],
            source=source,
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{_at(mark)}: " if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise LoadError([f"{where}invalid YAML ({problem})"], source=source) from None
    except (ValueError, OverflowError, RecursionError) as exc:
        raise LoadError([_out_of_range(exc)], source=source) from None
    finally:
        if loader is not None:
            loader.dispose()


def _out_of_range(exc: BaseException) -> str:
    # e.g. an integer of more than 4300 digits; never a traceback.
    return f"(document): invalid YAML ({type(exc).__name__}: a value is out of range)"


class _IrregularError(Exception):
    """The document needs the strict composer (internal to :func:`fast_yaml`)."""


_STR_TAG = "tag:yaml.org,2002:str"


def fast_yaml(loader: Any) -> Any:
    """The data of a plain YAML document, built straight from libyaml's events.

    What :class:`_CStrictLoader` ``.get_single_data()`` returns, without its
    Python composer and node tree: each scalar is resolved and constructed by
    the loader's own resolver and constructors (the same types, the same
    impossible-date rule), mappings and sequences become dicts and lists, with
    an explicit stack (no recursion). It raises :class:`_IrregularError` at the
    first thing the strict composer must judge or word itself: an alias or
    anchor, an explicit tag, a merge or non-scalar key, a key given twice (in
    any of its forms, :func:`_key_forms`), nesting near :data:`MAX_DEPTH`, an
    empty stream or a second document; and any error propagates. The caller
    then parses the text again with the strict loader, so every refusal keeps
    its one message.
    """
    get = loader.get_event
    resolve = loader.resolve
    constructors = loader.yaml_constructors
    scalar_node = yaml.ScalarNode
    mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    scalar_event = yaml.ScalarEvent
    if type(get()) is not yaml.StreamStartEvent or (
        type(get()) is not yaml.DocumentStartEvent
    ):
        raise _IrregularError
    # stack entries: [container, pending key or _NO_KEY, seen key forms]
    stack: list[list[Any]] = []
    root: Any = _NO_KEY
    while True:
        event = get()
        kind = type(event)
        if kind is scalar_event:
            if event.anchor is not None or event.tag not in (None, "!"):
                raise _IrregularError
            value = event.value
            tag = resolve(scalar_node, value, event.implicit)
            if tag == _STR_TAG:
                item: Any = value
            else:
                construct = constructors.get(tag)
                if construct is None or tag == "tag:yaml.org,2002:merge":
                    raise _IrregularError
                item = construct(
                    loader,
                    scalar_node(tag, value, event.start_mark, event.end_mark),
                )
        elif kind is mapping_start or kind is sequence_start:
            if event.anchor is not None or event.tag not in (None, "!"):
                raise _IrregularError
            if len(stack) >= MAX_DEPTH - 2:
                raise _IrregularError
            top = stack[-1] if stack else None
            if top is not None and type(top[0]) is dict and top[1] is _NO_KEY:
                raise _IrregularError  # a mapping or sequence as a key
            stack.append([{} if kind is mapping_start else [], _NO_KEY, set()])
            continue
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            item = stack.pop()[0]
        else:  # an alias, or anything unexpected
            raise _IrregularError
        if not stack:
            root = item
            break
        top = stack[-1]
        container = top[0]
        if type(container) is list:
            container.append(item)
        elif top[1] is _NO_KEY:
            seen = top[2]
            for form in _key_forms(item):
                if form in seen:
                    raise _IrregularError  # the strict composer names both lines
                seen.add(form)
            top[1] = item
        else:
            container[top[1]] = item
            top[1] = _NO_KEY
    if (
        type(get()) is not yaml.DocumentEndEvent
        or type(get()) is not yaml.StreamEndEvent
    ):
        raise _IrregularError
    return root


_NO_KEY: Any = object()
