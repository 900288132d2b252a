"""Fuzzing the instrument engine (issue #14): score, or fail with a riskcore error.

Random answers to every shipped instrument (the items' own ids and others,
codes in and out of range, fractions, NaN, infinities, booleans, text and
``None``) must either build and score, or raise a
:class:`~riskcore.errors.RiskcoreError` subclass (``FieldError`` from the
response, ``InstrumentError`` from the engine); never another exception. A
response that scores gives finite values inside the scale's bounds, and the
lenient columnar path gives the same values (both read an invalid answer as
unanswered).

Derandomized and bounded like ``tests/test_fuzz_loader.py``
(``RISKCORE_FUZZ_EXAMPLES`` raises the count).
"""

from __future__ import annotations

import math
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskcore.errors import RiskcoreError
from riskcore.instruments import InstrumentSpec
from riskcore.model import InstrumentResponse, SubjectKind
from riskcore.plugins import get_plugin_manager


def _specs() -> list[InstrumentSpec]:
    out: list[InstrumentSpec] = []
    for o in get_plugin_manager().call_each("riskcore_instruments"):
        if o.error is None and o.result:
            out.extend(o.result)
    return sorted(out, key=lambda s: s.id)


SPECS = _specs()
EXAMPLES = int(os.environ.get("RISKCORE_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

answers = st.one_of(
    st.none(),
    st.integers(min_value=-3, max_value=12),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=5),
)


@st.composite
def responses(draw: st.DrawFn) -> tuple[InstrumentSpec, dict[str, Any]]:
    spec = draw(st.sampled_from(SPECS))
    ids = list(spec.item_ids)
    keys = draw(
        st.lists(
            st.one_of(st.sampled_from(ids), st.text(min_size=1, max_size=4)),
            max_size=len(ids) + 2,
            unique=True,
        )
    )
    # mostly well-formed answers, so that the scoring paths are reached too
    if draw(st.booleans()):
        keys = ids
        items = {k: draw(st.one_of(st.none(), st.integers(0, 5))) for k in keys}
    else:
        items = {k: draw(answers) for k in keys}
    return spec, items


def test_there_are_instruments_to_fuzz() -> None:
    assert {"phq9", "pcl5", "who5"} <= {s.id for s in SPECS}


@FUZZ
@given(responses())
def test_the_engine_scores_or_raises_a_riskcore_error(
    case: tuple[InstrumentSpec, dict[str, Any]],
) -> None:
    spec, items = case
    message = None
    try:
        response = InstrumentResponse(instrument=spec.id, subject="c-1", items=items)
        scores = spec.to_scores(response, SubjectKind.CLIENT)
    except RiskcoreError as exc:
        message = str(exc)
    if message is not None:
        assert "\n" not in message  # one line, as the CLI prints it
        return
    for s in scores:
        if s.value is None:
            assert s.missing_reason
            continue
        assert math.isfinite(s.value)
        if s.minimum is not None and s.maximum is not None:
            assert s.minimum - 1e-9 <= s.value <= s.maximum + 1e-9


@FUZZ
@given(responses())
def test_the_columnar_path_agrees_with_the_object_path(
    case: tuple[InstrumentSpec, dict[str, Any]],
) -> None:
    """Both paths read an invalid answer as unanswered (issue #14) and agree.

    The lenient columnar path is the one that scores around invalid cells; the
    strict one refuses the table, as documented. NaN is unanswered in a column
    (the pandas convention) but not a valid answer in a case file, so only
    answers the object path accepts are compared.
    """
    spec, items = case
    known = {k: v for k, v in items.items() if k in spec.item_ids}
    try:
        response = InstrumentResponse(instrument=spec.id, subject="c-1", items=known)
        obj = spec.score(response)
    except RiskcoreError:
        return
    row = [known.get(i) for i in spec.item_ids]
    col = spec.score_array([row], lenient=True)
    for name in spec.scale_names:
        a = obj.values.get(name)
        b = float(col.values[name][0])
        if a is None:
            assert math.isnan(b), (spec.id, name, known)
            continue
        assert a == pytest.approx(b), (spec.id, name, known)
