"""The fast constructors of a Risk accept exactly what the slow ones accept (issue #16).

``Risk.fast`` (every field, positional) and ``with_controls`` (a risk with its
control fields replaced) are generated from the fields by
``riskcore.model._fast``. They skip attrs' keyword machinery, never a check:
for any values, the fast constructor and ``Risk(...)`` (or ``attrs.evolve``)
both build equal risks, field types included, or both raise the same error.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import attrs
import pytest
from attrs import frozen
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcore.model import SubjectKind
from riskcore.model._fast import builder, replacer
from riskcore.model._fields import META
from riskcore.model.catalog import Severity
from riskcore.model.risk import CONTROLS, Level, Risk, RiskMatrix, with_controls
from tests.strategies import _for_type, distributions

FIELDS = attrs.fields(Risk)
NAMES = [a.name for a in FIELDS]

# values no field should take, or only some: each check's failure modes
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.just(10**400),  # too large for a float
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=4),
    st.just("two words"),
    st.just("x" * 81),  # an identifier one character too long
    st.just("a\ud800b"),  # a lone surrogate
    st.just("y" * 1001),  # longer than any text field here
    st.lists(st.integers(0, 3), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(0, 2), max_size=1),
    st.just(b"bytes"),
    distributions(0.0, 2.0),
)


def _valid(a: attrs.Attribute[Any]) -> st.SearchStrategy[Any]:
    """A value the field accepts (for fields with no check: a plain value)."""
    meta = a.metadata.get(META, {})
    if a.validator is None and a.converter is None:
        return st.one_of(st.none(), st.integers(0, 9), st.text(max_size=3))
    if a.name == "base_likelihood":
        return st.one_of(st.floats(0, 1), distributions(0.0, 1.0))
    if a.converter is not None:  # the tuples
        return st.lists(st.text(max_size=3), max_size=2).flatmap(
            lambda v: st.sampled_from([v, tuple(v)])
        )
    return _for_type(str, meta)


valid_values = st.fixed_dictionaries({a.name: _valid(a) for a in FIELDS})
any_values = st.fixed_dictionaries({a.name: st.one_of(_valid(a), junk) for a in FIELDS})


def _outcome(make: Any) -> tuple[str, Any, Any]:
    try:
        made = make()
    except Exception as e:  # the very error, whatever it is
        return ("raised", type(e), str(e))
    return ("built", made, None)


def _same_risks(a: Any, b: Any) -> None:
    assert type(a) is type(b)
    for name in NAMES:
        x, y = getattr(a, name), getattr(b, name)
        assert type(x) is type(y), name
        assert x == y or (x != x and y != y), name  # NaN is not equal to itself


def _agree(fast: tuple[str, Any, Any], slow: tuple[str, Any, Any]) -> None:
    assert fast[0] == slow[0], (fast, slow)
    if fast[0] == "raised":
        assert fast[1:] == slow[1:]
    else:
        _same_risks(fast[1], slow[1])


@settings(max_examples=400, deadline=None)
@given(values=any_values)
def test_fast_accepts_and_refuses_what_risk_does(values: dict[str, Any]) -> None:
    fast = _outcome(lambda: Risk.fast(*(values[n] for n in NAMES)))
    slow = _outcome(lambda: Risk(**values))
    _agree(fast, slow)


@settings(max_examples=100, deadline=None)
@given(values=valid_values)
def test_fast_builds_what_risk_builds_from_valid_values(values: dict[str, Any]) -> None:
    fast = Risk.fast(*(values[n] for n in NAMES))
    _same_risks(fast, Risk(**values))
    for a in FIELDS:  # a tuple is kept as it is, as to_tuple keeps it
        if type(values[a.name]) is tuple:
            assert getattr(fast, a.name) is values[a.name]


@settings(max_examples=50, deadline=None)
@given(values=any_values)
def test_with_validators_disabled_both_accept_the_same(values: dict[str, Any]) -> None:
    with attrs.validators.disabled():
        fast = _outcome(lambda: Risk.fast(*(values[n] for n in NAMES)))
        slow = _outcome(lambda: Risk(**values))
    _agree(fast, slow)


controls = st.fixed_dictionaries(
    {
        n: st.one_of(st.lists(st.text(max_size=3), max_size=2).map(tuple), junk)
        for n in CONTROLS
    }
)


@settings(max_examples=300, deadline=None)
@given(values=valid_values, changes=controls)
def test_with_controls_is_evolve(
    values: dict[str, Any], changes: dict[str, Any]
) -> None:
    risk = Risk(**values)
    fast = _outcome(lambda: with_controls(risk, *(changes[n] for n in CONTROLS)))
    slow = _outcome(lambda: attrs.evolve(risk, **changes))
    _agree(fast, slow)
    if fast[0] == "built":  # the fields it does not set are the risk's own
        for name in set(NAMES) - set(CONTROLS):
            assert getattr(fast[1], name) is getattr(risk, name)


def test_the_control_fields_have_no_check_but_their_converter() -> None:
    # with_controls copies the other fields unchecked: sound only while no
    # validator reads a control field (a cross-field rule would)
    by_name = attrs.fields_dict(Risk)
    for n in CONTROLS:
        assert by_name[n].validator is None, n
    assert not hasattr(Risk, "__attrs_post_init__")


@frozen(kw_only=True)
class _Sub(Risk):
    pass


def _risk(**over: Any) -> Risk:
    values: dict[str, Any] = {
        "id": "x:c-01",
        "threat": "x",
        "threat_name": "X",
        "category": "x",
        "subject": "c-01",
        "subject_kind": SubjectKind.CLIENT,
        "base_likelihood": 0.5,
        "base_source": "illustrative default",
        "illustrative": True,
        "impact": Severity(value=2),
        "inherent": None,
        "residual": None,
        "residual_all": None,
        "current": None,
        "inherent_level": "low",
        "level": "low",
        "planned_level": "low",
        "target": "medium",
        "within_tolerance": True,
    }
    values.update(over)
    return Risk(**values)


def test_a_subclass_goes_through_its_own_init_and_evolve() -> None:
    base = _risk()
    values = [getattr(base, n) for n in NAMES]
    sub = _Sub.fast(*values)
    assert type(sub) is _Sub
    assert attrs.asdict(sub) == attrs.asdict(base)
    notes = with_controls(sub, *(getattr(sub, n) for n in CONTROLS))
    assert type(notes) is _Sub


def test_the_generated_functions_work_for_any_class_of_the_model() -> None:
    # converter and validator on a replaced field: run, in attrs' order
    build = builder(Level)
    assert build(Level, "high", 30) == Level(name="high", review_days=30.0)
    assert type(build(Level, "high", 30).review_days) is float
    replace = replacer(Level, ["review_days"])
    lv = Level(name="high", review_days=30)
    assert replace(lv, 7).review_days == 7.0
    for bad in (0, math.nan, "x", 5000):
        slow = _outcome(lambda b=bad: attrs.evolve(lv, review_days=b))
        fast = _outcome(lambda b=bad: replace(lv, b))
        assert fast[0] == slow[0] == "raised"
        assert fast[1:] == slow[1:]
    with pytest.raises(KeyError):
        replacer(Level, ["nothing"])
    with pytest.raises(TypeError, match="__attrs_post_init__"):
        builder(RiskMatrix)  # a cross-field check is not generated: refused


def test_dates_and_points_are_kept_as_given() -> None:
    r = _risk(next_review=dt.date(2026, 1, 2))
    assert with_controls(r, *(getattr(r, n) for n in CONTROLS)) == r
