"""valid_answers' quick path (issue #16) agrees with the item-by-item rule.

:func:`riskcore.instruments.valid_answers` first tries C-level passes that
accept only a response whose every item is answered by an ``int`` in range,
with nothing else; anything else is checked item by item. Both give the same
codes and problems on random specs (with skips) and random answers.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskcore.instruments import InstrumentSpec, Skip, uniform_items, valid_answers
from riskcore.instruments import answers as answers_module
from riskcore.model.observations import InvalidAnswer
from tests.test_instruments_property import attrs_evolve, specs


def _answer(lo: int, hi: int) -> st.SearchStrategy[object]:
    return st.one_of(
        st.integers(lo, hi),  # the usual answer
        st.integers(lo - 3, hi + 3),  # maybe out of range
        st.integers(lo, hi).map(float),  # an integral float counts as its code
        st.sampled_from([True, False, 1.5, float("nan"), "2", None]),
        st.just(InvalidAnswer.of("x")),
    )


@st.composite
def spec_and_items(draw: st.DrawFn) -> tuple[InstrumentSpec, dict[str, Any]]:
    spec = draw(specs())
    ids = [it.id for it in spec.items]
    if len(ids) > 1 and draw(st.booleans()):
        gate, item = draw(st.permutations(spec.items))[:2]
        skip = Skip(item=item.id, gate=gate.id, when=[gate.minimum], score=item.minimum)
        spec = attrs_evolve(spec, skips=[skip])
    items: dict[str, Any] = {}
    if draw(st.booleans()):  # the usual response: every item, an int in range
        for it in spec.items:
            items[it.id] = draw(st.integers(it.minimum, it.maximum))
        if draw(st.booleans()):  # then one thing changed
            it = draw(st.sampled_from(spec.items))
            items[it.id] = draw(_answer(it.minimum, it.maximum))
        elif draw(st.booleans()):  # or an item that is not the instrument's
            items["zz"] = draw(st.integers(0, 1))
        return spec, items
    for it in spec.items:
        if draw(st.integers(0, 9)):  # usually answered
            items[it.id] = draw(_answer(it.minimum, it.maximum))
    if draw(st.integers(0, 5)) == 0:
        items[draw(st.sampled_from(["zz", "i99"]))] = 1  # not an item
    return spec, items


def _item_by_item(spec: InstrumentSpec, items: dict[str, Any]) -> Any:
    quick = answers_module._all_valid
    answers_module._all_valid = lambda spec, items: None  # type: ignore[assignment]
    try:
        return valid_answers(spec, items)
    finally:
        answers_module._all_valid = quick


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec_and_items())
def test_the_quick_path_agrees_with_the_item_by_item_rule(
    case: tuple[InstrumentSpec, dict[str, Any]],
) -> None:
    spec, items = case
    got = valid_answers(spec, items)
    expected = _item_by_item(spec, items)
    assert got == expected
    assert list(got[0]) == list(expected[0])  # the same order too
    assert all(type(v) is int or v is None for v in got[0].values())


@pytest.mark.parametrize(
    ("items", "quick"),
    [
        ({"1": 1, "2": 3}, True),
        ({"1": 1, "2": 4}, False),  # out of range
        ({"1": 1, "2": 3.0}, False),  # a float: checked item by item
        ({"1": True, "2": 3}, False),  # a bool is not a code
        ({"1": 1}, False),  # unanswered
        ({"1": 1, "3": 2}, False),  # an unknown item instead of item 2
    ],
)
def test_the_quick_path_takes_only_exact_int_answers_in_range(
    items: dict[str, Any], quick: bool
) -> None:
    spec = InstrumentSpec(id="d", name="D", items=uniform_items(2, 0, 3))
    assert (answers_module._all_valid(spec, items) is not None) is quick
    assert valid_answers(spec, items) == _item_by_item(spec, items)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec_and_items())
def test_the_quick_path_reads_a_read_only_view_and_never_adds_a_key(
    case: tuple[InstrumentSpec, dict[str, Any]],
) -> None:
    # Plugins pass the read-only view's items (a mappingproxy); a mapping with
    # a default is never asked for an item it lacks (it would add it).
    from collections import defaultdict
    from types import MappingProxyType

    spec, items = case
    expected = _item_by_item(spec, items)
    assert valid_answers(spec, MappingProxyType(items)) == expected
    with_default: defaultdict[str, Any] = defaultdict(lambda: 0, items)
    assert valid_answers(spec, with_default) == expected
    assert dict(with_default) == items
