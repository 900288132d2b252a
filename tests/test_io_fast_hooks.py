"""The converter's own hooks for ``X | None`` and ``tuple[str, ...]`` (issue #16)
return what the general hooks return, and refuse what they refuse with the
same message: checked against cattrs' optional hook and the sequence hook on
random values."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcore.errors import LoadError
from riskcore.io import converter, structure
from riskcore.model import Client

_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=4),
        st.binary(max_size=2),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner),
        st.dictionaries(st.text(max_size=2), inner, max_size=2),
    ),
    max_leaves=6,
)


def _outcome(hook: Any, value: object, tp: Any) -> tuple[str, object]:
    try:
        return "ok", hook(value, tp)
    except Exception as exc:  # the type and the words are compared
        return type(exc).__name__, str(exc)


def _same(a: tuple[str, object], b: tuple[str, object]) -> bool:
    # repr: 1 and 1.0 (or True) differ, nan equals nan.
    return type(a[1]) is type(b[1]) and repr(a) == repr(b)


@pytest.mark.parametrize("plain", [str, int, float, bool])
@settings(max_examples=300, deadline=None)
@given(value=_VALUES)
def test_an_optional_scalar_is_structured_as_cattrs_does(plain, value):
    tp = plain | None
    fast = converter.get_structure_hook(tp)
    general = converter._structure_optional  # cattrs' hook for X | None
    assert fast is not general
    assert _same(_outcome(fast, value, tp), _outcome(general, value, tp))


@settings(max_examples=500, deadline=None)
@given(value=_VALUES | st.lists(st.text(max_size=3), max_size=4))
def test_a_list_of_strings_is_structured_as_every_sequence_is(value):
    tp = tuple[str, ...]
    fast = converter.get_structure_hook(tp)
    got = _outcome(fast, value, tp)
    assert _same(got, _outcome(fast.general, value, tp))
    if got[0] == "ok":
        assert type(got[1]) is tuple


def test_a_refusal_keeps_its_path():
    data = {"id": "c-1", "name": 3, "protected": {"languages": ["en", 2]}}
    with pytest.raises(LoadError) as info:
        structure(data, Client)
    assert list(info.value.problems) == [
        "name: expected a string, got the number 3",
        "protected.languages[1]: expected a string, got the number 2",
    ]
