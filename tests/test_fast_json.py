"""JSON is parsed by the C decoder alone when the text meets the rules (issue #16).

:func:`riskcore._io_strict.fast_json` accepts a text only when it can prove
that no key was given twice and the nesting is within ``MAX_DEPTH``; anything
else goes the strict way (``object_pairs_hook``), which words the problem. So
every document loads to the same data, and every refusal keeps its message.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcore._io_strict import (
    MAX_DEPTH,
    _colons_in_strings,
    _containers,
    _depth_ok,
    _DuplicateJSONKeyError,
    _json_pairs,
    _orjson_loads,
    _walk,
    fast_json,
)
from riskcore.errors import LoadError
from riskcore.io import loads_json

_CHARS = 'ab:" \\\n\té'
_STRINGS = st.text(alphabet=_CHARS, max_size=4)
_WS = st.sampled_from(["", " ", "\n", "\t ", "\r\n"])


def _string(draw: st.DrawFn, s: str) -> str:
    # Each character literal (escaped where JSON must) or as a \\u escape:
    # the same key may be written two ways ("a" and "\\u0061").
    out = []
    for ch in s:
        if draw(st.booleans()):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(json.dumps(ch, ensure_ascii=False)[1:-1])
    return '"' + "".join(out) + '"'


@st.composite
def _texts(draw: st.DrawFn, depth: int = 0) -> str:
    """JSON text, written by hand: keys may repeat within a mapping."""
    kind = draw(
        st.sampled_from(
            ["scalar", "string", "list", "map"] if depth < 4 else ["scalar", "string"]
        )
    )
    ws = draw(_WS)
    if kind == "scalar":
        return draw(st.sampled_from(["1", "-2.5", "null", "true", "1e3"]))
    if kind == "string":
        return _string(draw, draw(_STRINGS))
    n = draw(st.integers(0, 3))
    if kind == "list":
        return "[" + ws + ",".join(draw(_texts(depth + 1)) for _ in range(n)) + "]"
    pairs = []
    for _ in range(n):
        key = _string(draw, draw(st.sampled_from(["a", "b", "a:", ':"', ""])))
        pairs.append(key + draw(_WS) + ":" + draw(_WS) + draw(_texts(depth + 1)))
    return "{" + ws + ("," + ws).join(pairs) + "}"


def _strict(text: str) -> object:
    data = json.loads(text, object_pairs_hook=_json_pairs)
    if not _depth_ok(data):
        raise RecursionError
    return data


@settings(max_examples=500, deadline=None)
@given(text=_texts())
def test_accepts_only_what_the_strict_parser_accepts(text):
    try:
        strict = _strict(text)
    except _DuplicateJSONKeyError:
        assert fast_json(text) is None
    else:
        got = fast_json(text)
        assert got is None or _exactly(got, strict)


_DATA = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), _STRINGS
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(_STRINGS, inner, max_size=3)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(data=_DATA, indent=st.sampled_from([None, 0, 2]))
def test_a_written_document_takes_the_fast_path(data, indent):
    # json.dumps never writes a key twice nor a colon as an escape: proved.
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    assert _exactly(fast_json(text), data)


def _nested(levels: int, leaf: object) -> object:
    data: object = leaf
    for i in range(levels):
        data = [data] if i % 2 else {"k": data}
    return data


@pytest.mark.parametrize("leaf", [[], 1, {}])
def test_the_depth_limit_is_where_it_was(leaf):
    # A scalar is one level; an empty list or mapping is one level too.
    for levels in (MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH):
        data = _nested(levels, leaf)
        expected = levels + 1 <= MAX_DEPTH
        assert _depth_ok(data) is expected
        text = json.dumps(data)
        assert (fast_json(text) is not None) is expected
        if not expected:
            with pytest.raises(LoadError, match="nested more than"):
                loads_json(text)


def test_a_duplicate_key_keeps_its_message():
    with pytest.raises(LoadError, match=r"a: duplicate key 'b' at line 1"):
        loads_json('{"x": "1:2", "a": {"b": 1, "\\u0062": 2}}')


@pytest.mark.parametrize(
    "text",
    [
        '{"d": "x:y", "a": {"b": 1, "b": 2}}',
        '{"d": "x\\u003ay", "a": {"b": 1, "b": 2}}',
        '{"d": "x\\u003Ay", "a": {"b": 1, "b": 2}}',
        '{"d": "x\\u003Ay\\u0030", "a": {"b": 1, "b": 2}}',
        '{"d": "x:y", "a": [{"b": "1:2", "b": 2}]}',
    ],
)
def test_a_colon_in_a_first_level_string_hides_no_duplicate_below(text):
    assert fast_json(text) is None
    with pytest.raises(LoadError, match="duplicate key 'b'"):
        loads_json(text)


@pytest.mark.parametrize("escape", ["", "\\u0030", "\\u003a", "\\u003A"])
def test_an_escape_beside_a_colon_keeps_the_proof(escape):
    # \u0030 begins as a colon's escape does: counted, it is not one.
    text = '{"d": "NOTE: ' + escape + '", "a": [{"b": "1", "c": 2}]}'
    assert _exactly(fast_json(text), json.loads(text))
    assert _exactly(fast_json(text.encode()), json.loads(text))


def test_a_description_with_a_colon_is_proved_from_the_first_levels():
    # A large case's only colon in a string is in its description: the
    # strings of the first two levels prove the count, no pass per pattern.
    data = {"description": "NOTE: made up", "clients": [{"id": "c-1", "n": 1}]}
    text = json.dumps(data, indent=2)
    walked = _containers(json.loads(text))
    assert walked is not None
    containers, keys = walked
    assert keys == 4
    assert text.count(":") == keys + _colons_in_strings(containers[:1], data)
    assert fast_json(text) == data


# orjson's decoder (issue #16): used only where its data is json.loads's.

_NUMBERS = st.one_of(
    st.integers().map(str),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda x: f"{x:.25e}"),
    st.builds(
        lambda sign, digits, point, exp: (
            f"{sign}{digits[:point] or '0'}"
            f"{'.' + digits[point:] if digits[point:] else ''}e{exp}"
        ),
        st.sampled_from(["", "-"]),
        st.text(alphabet="0123456789", min_size=1, max_size=40).map(
            lambda d: d.lstrip("0") or "0"
        ),
        st.integers(0, 40),
        st.integers(-400, 400),
    ),
    st.sampled_from(["-0", "-0.0", "NaN", "Infinity", "-Infinity", "1e400"]),
)
_ODD_STRINGS = st.sampled_from(
    ['"\\ud800"', '"\\udc00\\ud800"', '"\\ud83d\\ude00"', '"\\u0000"', '"\\/"']
)


@st.composite
def _odd_texts(draw: st.DrawFn) -> str:
    """A JSON text of the values where orjson and json.loads may part."""
    leaves = draw(st.lists(st.one_of(_NUMBERS, _ODD_STRINGS), min_size=1, max_size=6))
    if draw(st.booleans()):
        return "[" + ", ".join(leaves) + "]"
    return "{" + ", ".join(f'"k{i}": {v}' for i, v in enumerate(leaves)) + "}"


def _exactly(a: object, b: object) -> bool:
    # repr tells 1 from 1.0 and -0.0 from 0.0, and shows the key order.
    return type(a) is type(b) and repr(a) == repr(b)


@settings(max_examples=1000, deadline=None)
@given(text=_odd_texts())
def test_the_fast_path_gives_json_loads_data_exactly(text):
    got = fast_json(text)
    assert got is not None
    assert _exactly(got, json.loads(text))


@settings(max_examples=1000, deadline=None)
@given(literal=_NUMBERS)
def test_orjson_parses_a_number_as_json_loads_or_as_a_big_float(literal):
    # The one difference fast_json allows for: an integer outside 64 bits
    # made a float, of magnitude 2**63 or more (it then parses again).
    loads = _orjson_loads()
    if loads is None:  # pragma: no cover - orjson not installed
        pytest.skip("orjson is not installed")
    try:
        theirs = loads(literal)
    except ValueError:
        return  # refused: the standard library decides
    ours = json.loads(literal)
    if type(ours) is int and type(theirs) is float:
        assert abs(theirs) >= 2**63
        assert _walk([theirs]) == ([[theirs], theirs], 0, True)
    else:
        assert _exactly(theirs, ours)


@pytest.mark.parametrize(
    "text",
    [
        "18446744073709551616",
        "[-9223372036854775809]",
        '{"a": {"b": [1, 123456789012345678901234567890]}}',
        '{"a": NaN, "b": [Infinity, -Infinity]}',
        "[1e400]",
        '["\\ud800", {"k": "\\udc00"}]',
        '{"deep": [[[[1.5]]]], "x": 1e19}',
    ],
)
def test_what_orjson_refuses_or_changes_goes_the_standard_way(text):
    got = fast_json(text)
    assert _exactly(got, json.loads(text))
    assert _exactly(loads_json(text), json.loads(text))


def test_a_float_deep_down_keeps_the_depth_limit():
    # _walk carries floats as items of the next level: a float at the
    # deepest allowed level is a scalar, not a container too deep.
    data = _nested(MAX_DEPTH - 1, 1.5)
    assert _depth_ok(data)
    assert fast_json(json.dumps(data)) == data
    assert not _depth_ok(_nested(MAX_DEPTH, 1.5))


# A file's bytes (riskcore.interop.load_case_file): the same data, or the same
# refusal, as the text read_text decodes from them.


def _loaded(text: str | bytes, depth_checked: bool = True) -> object:
    try:
        data = loads_json(text, source="case.json", depth_checked=depth_checked)
        return "ok", type(data), repr(data)
    except LoadError as exc:
        return "error", str(exc)


def _from_file(raw: bytes, depth_checked: bool = True) -> object:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "error", "case.json: the file is not UTF-8 text"
    return _loaded(text, depth_checked)


_BYTES = st.one_of(
    _texts().map(lambda t: t.encode("utf-8")),
    _odd_texts().map(lambda t: t.encode("utf-8")),
    st.builds(
        lambda t, junk, at: (lambda b: b[:at] + junk + b[at:])(t.encode("utf-8")),
        _texts(),
        st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\x00"]),
        st.integers(0, 40),
    ),
)


@settings(max_examples=1000, deadline=None)
@given(raw=_BYTES, depth_checked=st.booleans())
def test_bytes_load_as_the_text_they_decode_to(raw, depth_checked):
    assert _loaded(raw, depth_checked) == _from_file(raw, depth_checked)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    assert _exactly(fast_json(raw), fast_json(text))


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a": 1, "a": 2}',
        b'{"x": "1:2", "a": {"b": 1, "\\u0062": 2}}',
        b"[18446744073709551616, NaN]",
        b'{"a": "\xc3\xa9: \xe2\x80\x94"}',
        b'\xef\xbb\xbf{"a": 1}',
        b'{"a": "\xff"}',
        b"[1,",
        json.dumps(_nested(MAX_DEPTH, 1)).encode(),
    ],
)
def test_bytes_keep_every_refusal(raw):
    assert _loaded(raw) == _from_file(raw)


def test_a_case_file_is_read_as_bytes_with_the_same_refusals(tmp_path):
    from riskcore.interop import load_case_file

    path = tmp_path / "case.json"
    for raw, message in [
        (b'{"schema_version": 1, "id": "c\xff"}', "the file is not UTF-8 text"),
        (b'{"schema_version": 1, "id": 1, "id": 2}', "duplicate key 'id'"),
        (b'{"schema_version": 1, "id": "c", "practice": {"id": "p"}, "x": 1}', "x"),
    ]:
        path.write_bytes(raw)
        with pytest.raises(LoadError, match=message) as exc:
            load_case_file(path)
        assert str(exc.value).startswith(f"{path}: ")
