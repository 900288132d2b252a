"""The indented JSON writer (issue #16) writes what the standard library writes.

``riskcore._io_write.iter_indented_json`` replaces
``json.JSONEncoder(ensure_ascii=False, indent=...).iterencode`` (pure Python
with an indent) in :func:`riskcore.io.dump`; files must stay byte-identical.
"""

from __future__ import annotations

import collections
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcore._io_write import iter_indented_json


class _Str(str):
    pass


class _Int(int):
    pass


_KEYS = st.one_of(
    st.text(max_size=6),
    st.integers(-5, 5),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
)
_DATA = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(_KEYS, inner, max_size=4),
    ),
    max_leaves=40,
)


class _Float(float):
    pass


_ODD_SCALARS = st.one_of(
    st.text(max_size=5).map(lambda s: _Str(s)),
    st.integers().map(lambda i: _Int(i)),
    st.floats(allow_nan=True).map(lambda f: _Float(f)),
    # text that looks like JSON (or like finished text) is still quoted
    st.sampled_from(["[1, 2]", '{"a": 1}', '"x"', "null", "\n  ", "é\u2028"]),
)
_DEEP = st.recursive(
    st.one_of(_SCALARS, _ODD_SCALARS),
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(_KEYS, inner, max_size=5),
        st.dictionaries(st.text(max_size=3), inner, max_size=3).map(
            collections.OrderedDict
        ),
    ),
    max_leaves=120,
)


def _stdlib(data: object, indent: int) -> str:
    return "".join(json.JSONEncoder(ensure_ascii=False, indent=indent).iterencode(data))


@settings(max_examples=300, deadline=None)
@given(data=_DATA, indent=st.sampled_from([0, 1, 2, 4]))
def test_same_text_as_the_standard_library(data, indent):
    assert "".join(iter_indented_json(data, indent)) == _stdlib(data, indent)


@settings(max_examples=300, deadline=None)
@given(data=_DEEP, indent=st.sampled_from([0, 2, 3]))
def test_deep_values_and_subclasses_as_the_standard_library(data, indent):
    """Containers nested deeper than the streamed levels (written by the C
    encoder, inner ones passed in as finished text), subclasses of the JSON
    types, and strings that look like JSON: the same text, piece for piece."""
    assert "".join(iter_indented_json(data, indent)) == _stdlib(data, indent)


def test_subclasses_are_written_as_their_base():
    data = {
        "s": _Str("x"),
        "i": _Int(3),
        "d": collections.OrderedDict(a=[1, {"b": ()}]),
        "deep": [[{"k": _Int(1), "e": {}}]],
    }
    assert "".join(iter_indented_json(data, 2)) == _stdlib(data, 2)


@pytest.mark.parametrize("bad", [{"k": object()}, {(1, 2): 1}, [[[{1, 2}]]]])
def test_unserialisable_values_raise_type_error(bad):
    with pytest.raises(TypeError):
        _stdlib(bad, 2)
    with pytest.raises(TypeError):
        "".join(iter_indented_json(bad, 2))


_RECORD_KEYS = st.lists(
    st.one_of(st.sampled_from(["id", "why", "%s", "a%%", "é"]), _KEYS),
    min_size=1,
    max_size=6,
    unique_by=lambda k: json.dumps({k: 0}),  # keys that stay distinct in JSON too
)
_FLAT = st.one_of(
    _SCALARS,
    st.sampled_from(["%s", "%%", "%(x)s", "\n", "a\nb"]),
    st.lists(st.one_of(_SCALARS, st.sampled_from(["%s", "\n"])), max_size=4),
    st.lists(_SCALARS, max_size=3).map(tuple),
    st.one_of(_ODD_SCALARS, st.lists(_ODD_SCALARS, max_size=2)),  # not records
    # lists of dicts: with the same str keys and scalar values (a record's
    # steps), or not (other keys, equal keys of other types, nested values)
    st.lists(
        st.fixed_dictionaries({"title": _SCALARS, "d%s": st.text(max_size=3)}),
        max_size=3,
    ),
    st.just([{}, {}]),
    st.just([{"a": 1}, {"b": 1}]),
    st.just([{1: "x"}, {True: "x"}]),
    st.just([{"a": [1]}]),
    st.just([{"a": 1}, 2]),
)


@st.composite
def _records(draw: st.DrawFn) -> object:
    """Lists of dicts that share their keys (a report's rows): most are
    records of a few shapes, written by templates; some are not records."""
    keys = draw(_RECORD_KEYS)
    rows = draw(
        st.lists(
            st.lists(_FLAT, min_size=len(keys), max_size=len(keys)).map(
                lambda vals: dict(zip(keys, vals, strict=True))
            ),
            max_size=8,
        )
    )
    return draw(st.sampled_from([rows, {"rows": rows}, {"a": {"b": rows}}, [[rows]]]))


@settings(max_examples=400, deadline=None)
@given(data=_records(), indent=st.sampled_from([0, 1, 2, 4]))
def test_records_written_by_template_as_the_standard_library(data, indent):
    """Dicts whose values are scalars or lists of scalars are written by one
    template per shape (keys, value types, list lengths, indentation): the
    same text as the standard library, whatever the keys and strings hold
    (``%``, newlines), and the same for dicts that are not records."""
    assert "".join(iter_indented_json(data, indent)) == _stdlib(data, indent)


def test_streamed_list_is_written_as_a_list():
    from riskcore._io_write import StreamedList

    made = []

    def rows():
        for i in range(3):
            made.append(i)
            yield {"n": i, "why": ["a", str(i)]}

    data = {"head": 1, "rows": StreamedList(rows(), 3), "none": StreamedList([], 0)}
    expected = _stdlib({"head": 1, "rows": list(rows()), "none": []}, 2)
    made.clear()
    pieces = iter_indented_json(data, 2)
    first = next(pieces)
    assert made == []  # nothing is made before it is written
    assert first + "".join(pieces) == expected
    assert made == [0, 1, 2]


def test_equal_keys_of_other_types_are_not_one_shape():
    """``1``, ``1.0`` and ``True`` are equal dict keys that JSON writes as
    ``1``, ``1.0`` and ``true``: a template made for one is never used for
    the others."""
    rows = [{1: "x", "k": [1]}, {True: "x", "k": [1]}, {1.0: "x", "k": [1]}]
    rows += [{"s": [{"a": 1}]}, {"s": [{"a": 2}, {"a": 3}]}]
    data = {"rows": rows, "deep": [rows]}
    for indent in (1, 2):
        assert "".join(iter_indented_json(data, indent)) == _stdlib(data, indent)
