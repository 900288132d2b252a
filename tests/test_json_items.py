"""The items of long JSON lists written by orjson (riskcore._json_items):
exactly the standard library's text, or not used."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcore._io_write import StreamedList, iter_indented_json
from riskcore._json_items import (
    _SCAN_MIN,
    _agrees,
    _orjson_dumps,
    _scan,
    _unsure,
    items_text,
    scalars_text,
)

orjson = pytest.importorskip("orjson")

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=4), inner, max_size=4),
        st.dictionaries(st.integers(-3, 3), inner, max_size=2),
    ),
    max_leaves=12,
)


def _std(o: Any) -> str:
    return json.dumps(o, ensure_ascii=False, indent=2)


def test_this_orjson_is_used() -> None:
    """The orjson installed with riskcore writes floats as the probe needs
    (else the speed-up is silently lost: this test says so)."""
    assert _orjson_dumps() is not None


@settings(max_examples=300, deadline=None)
@given(st.lists(_JSON, min_size=1, max_size=6))
def test_items_text_is_the_standard_text_or_none(items: list[Any]) -> None:
    text = items_text(items, "\n  ")
    if text is not None:
        assert "[\n  " + text + "\n]" == _std(items)


@settings(max_examples=300, deadline=None)
@given(st.lists(_JSON, min_size=1, max_size=6), st.integers(0, 4))
def test_items_text_at_any_depth_is_the_standard_text_or_none(
    items: list[Any], depth: int
) -> None:
    """Items deeper than the first level (written by orjson nested as deep,
    not re-indented) and at an indentation that is not two-space steps
    (re-indented): the text json.dumps gives them there."""
    inner = "\n" + "  " * depth if depth else "\n   "
    text = items_text(items, inner)
    if text is None:
        return
    if depth:
        nested: Any = items
        for _ in range(depth - 1):
            nested = [nested]
        lines = _std(nested).split("\n")
        want = "\n".join(lines[depth:-depth])[2 * depth :]
    else:  # three spaces: as json.dumps writes a list at indent=3
        want = _std(items).replace("\n  ", "\n   ")[5:-2]
    assert text == want


def test_items_text_depths() -> None:
    items = [{"a": [1, 2]}, "b"]
    assert (
        items_text(items, "\n    ")
        == '{\n      "a": [\n        1,\n        2\n      ]\n    },\n    "b"'
    )
    assert (
        items_text(items, "\n     ")
        == '{\n       "a": [\n         1,\n         2\n       ]\n     },\n     "b"'
    )
    assert items_text([], "\n    ") == ""


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=3), st.lists(_JSON, max_size=5), max_size=3))
def test_lists_below_the_top_are_written_as_json_dumps_writes_them(
    data: dict[str, Any],
) -> None:
    """Batches orjson cannot vouch for go the standard way; the text is the
    same either way (small batches, so a list has several)."""
    import riskcore._io_write as w

    old, w.BATCH = w.BATCH, 2
    try:
        assert "".join(iter_indented_json({"d": data}, 2)) == _std({"d": data})
    finally:
        w.BATCH = old


@pytest.mark.parametrize(
    "value",
    [
        1e-05,
        -3.5e-07,
        2e-09,
        float("nan"),
        float("inf"),
        None,
        "null",
        {1: "a"},
        2**65,
        "\ud800",
    ],
)
def test_what_orjson_writes_otherwise_goes_the_standard_way(value: Any) -> None:
    assert items_text([{"x": [value]}], "\n  ") is None
    if value != "\ud800":
        rows = StreamedList(iter([{"x": [value]}, {"y": 1}]), 2)
        assert "".join(iter_indented_json({"rows": rows}, 2)) == _std(
            {"rows": [{"x": [value]}, {"y": 1}]}
        )


@settings(max_examples=2000, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_orjson_floats_are_repr_or_caught(x: float) -> None:
    """The rule items_text relies on, for the orjson installed."""
    text = orjson.dumps(x)
    assert text.decode() == repr(x) or _unsure(text)


def test_orjson_strings_are_the_standard_library_s() -> None:
    """Every code point outside the surrogates, escaped alike."""
    chars = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert orjson.dumps(chars).decode() == json.dumps(chars, ensure_ascii=False)


def test_the_probe_refuses_a_writer_that_differs() -> None:
    assert _agrees(repr)
    assert not _agrees(lambda x: repr(x).replace("e+", "e"))
    assert not _agrees(lambda x: f"{x:.17g}" if math.isfinite(x) else repr(x))


_NUMBERS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e-05, 2e-09, 1e16, 1e-10, 123456789.0]),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_NUMBERS, max_size=8))
def test_scalars_text_is_each_value_s_standard_text_or_none(values: list[Any]) -> None:
    """A column of numbers (an assessment's values) written by one orjson call:
    each text is ``json.dumps``'s, or nothing is given."""
    texts = scalars_text(values)
    assert texts == scalars_text(values, set(map(type, values)))
    if texts is not None:
        assert texts == [json.dumps(v) for v in values]
    if any(isinstance(v, float) and not math.isfinite(v) for v in values):
        assert texts is None  # orjson writes null: never used


def test_scalars_text_takes_plain_numbers_only() -> None:
    class _Float(float):
        pass

    assert scalars_text(["a"]) is None
    assert scalars_text([_Float(1.5)]) is None
    assert scalars_text([[1]]) is None
    assert scalars_text([2**64]) is None  # beyond orjson's 64 bits
    assert scalars_text([]) == []
    assert scalars_text([None, 1, 2.5, False]) == ["null", "1", "2.5", "false"]


@settings(max_examples=500, deadline=None)
@given(st.lists(_NUMBERS, max_size=8), st.text(alphabet='nul"0.e-19 ', max_size=12))
def test_unsure_counts_nulls_beyond_the_nones(values: list[Any], noise: str) -> None:
    """With the number of ``None`` written, ``null`` is unsure only beyond
    it; without, anywhere (the verdict items_text relies on is unchanged)."""
    try:
        raw = orjson.dumps([*values, noise])
    except TypeError:
        return
    nones = values.count(None)
    extra = raw.count(b"null") > nones
    rest = b"0.0000" in raw or re.search(rb"e-\d(?!\d)", raw) is not None
    assert _unsure(raw, nones) == (extra or rest)
    assert _unsure(raw) == _unsure(raw, 0) == (b"null" in raw or rest)


def _plain_unsure(raw: bytes) -> bool:
    """The rule, as it reads: what _scan must answer on any bytes."""
    return (
        b"0.0000" in raw or b"null" in raw or re.search(rb"e-\d(?!\d)", raw) is not None
    )


# Pieces that make and break the three forms, at every alignment.
_PIECES = st.sampled_from(
    [
        b"null",
        b"nul",
        b"ull",
        b"0.0000",
        b"0.000",
        b"0.00",
        b"00",
        b"e-",
        b"e-1",
        b"e-12",
        b"e-9x",
        b"-",
        b"e",
        b"0",
        b"5",
        b".",
        b"n",
        b"l",
        b"/",
        b":",
        b" ",
        b"\n",
        b"\xff",
        b"a",
    ]
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_PIECES, max_size=40).map(b"".join), st.integers(0, 7))
def test_the_numpy_scan_gives_the_plain_verdict(core: bytes, pad: int) -> None:
    """_scan (numpy, for long texts) is the plain rule on any bytes: at the
    start, the end and every alignment of a word."""
    filler = b" " * pad
    for raw in (core, filler + core, core + filler, filler + core + filler):
        if raw:
            assert _scan(raw) == _plain_unsure(raw), raw


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64), st.binary(max_size=64))
def test_unsure_on_long_texts_is_the_plain_rule(head: bytes, tail: bytes) -> None:
    raw = head + b" " * _SCAN_MIN + tail  # long enough for the numpy scan
    assert _unsure(raw) == _plain_unsure(raw)
    assert _unsure(head) == _plain_unsure(head)
