"""A large assessment is written a column at a time (issue #16): the same bytes.

:func:`riskcore.io.iter_json` writes an :class:`~riskcore.model.Assessment`'s
scores through :func:`riskcore._io_rows.rows_text` (each field of every score
at once) instead of unstructuring each score and encoding it value by value.
The text must be what the general writer gives, byte for byte.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcore import _io_rows
from riskcore._io_write import iter_indented_json
from riskcore.io import converter, dumps, iter_json, unstructure
from riskcore.model import (
    Assessment,
    AssessorFailure,
    Flag,
    FlagLevel,
    PluginProvenance,
    Score,
    SubjectKind,
)

_IDS = st.sampled_from(["c-1", "t-2", "phq9", "total", "x.y:z"])
# Escapes, non-ASCII, quotes, "%" (the row template's marker) and ", " (the
# separator the number columns are split at).
_TEXT = st.text(alphabet='ab"\\\n%, é\u2028\x00:{}', max_size=8)
# Numbers orjson writes as json.dumps does, and those it does not (1e-05,
# 2e-09, ints beyond 64 bits; a Score refuses NaN and the infinities): a chunk
# with those is written the standard library's way.
_NUMBER = st.one_of(
    st.integers(-(10**20), 10**20),
    st.floats(-1e20, 1e20),
    st.sampled_from([1e-05, 2e-09, 1e16, -0.0, 2**66]),
)
_FLAGS = st.lists(
    st.builds(
        Flag,
        code=_IDS,
        level=st.sampled_from(list(FlagLevel)),
        message=_TEXT,
        escalation=st.one_of(st.none(), _TEXT),
    ),
    max_size=3,
).map(tuple)


@st.composite
def _scores(draw: st.DrawFn) -> Score:
    measured = draw(st.booleans())
    value = draw(st.one_of(st.none(), _NUMBER)) if measured else None
    same = None if value is None else float(value)  # the value as Score keeps it
    return Score.fast(
        draw(_IDS),
        draw(st.sampled_from(list(SubjectKind))),
        draw(_IDS),
        draw(_IDS),
        value,
        draw(st.sampled_from([None, same, -(10**21), -1e21])),
        draw(st.sampled_from([None, same, 10**21, 1e21])),
        draw(st.one_of(st.none(), _TEXT)),
        draw(_FLAGS),
        draw(st.one_of(st.none(), _TEXT)) if value is not None else "no answer",
        draw(st.one_of(st.none(), _IDS)),
        measured,
    )


def _total(
    value: object, flags: tuple[Flag, ...] = (), why: str | None = None
) -> Score:
    """A client's "total" score of instrument "x" on 0 – 9, by plugin "p"."""
    return Score.fast(
        "c-1",
        SubjectKind.CLIENT,
        "x",
        "total",
        value,
        0,
        9,
        None,
        flags,
        why,
        "p",
        True,
    )


def _assessment(scores: list[Score]) -> Assessment:
    return Assessment(
        case_id="case-1",
        scores=scores,
        failures=[AssessorFailure(plugin="p", hook="riskcore_assess", error_type="E")],
        provenance=[PluginProvenance(name="p", instruments=["phq9"])],
        riskcore_version="0.1",
    )


def _general(obj: object, indent: int) -> str:
    return "".join(iter_indented_json(unstructure(obj), indent))


@settings(max_examples=150, deadline=None)
@given(
    scores=st.lists(_scores(), max_size=12),
    indent=st.sampled_from([0, 2, 3]),
    chunk=st.sampled_from([1, 2, 5, 4096]),
)
def test_the_same_text_as_the_general_writer(scores, indent, chunk):
    a = _assessment(scores)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_io_rows, "CHUNK", chunk)
        text = "".join(iter_json(a, indent=indent))
    assert text == _general(a, indent)
    assert text == json.dumps(unstructure(a), ensure_ascii=False, indent=indent)


def test_a_non_member_is_written_as_the_converter_writes_it():
    # Score.fast does not check subject_kind: an enum's value where the member
    # should be fails in the converter's hook, the same way on both paths.
    good = Score.fast(
        "c-1", SubjectKind.CLIENT, "phq9", "total", 1, 0, 3, None, (), None, "p", True
    )
    bad = Score.fast(
        "c-1", "client", "phq9", "total", 1, 0, 3, None, (), None, "p", True
    )
    with pytest.raises(AttributeError):
        _general(_assessment([good, bad]), 2)
    with pytest.raises(AttributeError):
        "".join(iter_json(_assessment([good, bad]), indent=2))


def test_a_class_written_otherwise_goes_the_general_way(monkeypatch):
    # A class whose unstructured form is not the mapping of its fields in
    # order (a hook of its own) is not written by columns.
    conv = _io_rows.cattrs.Converter()
    conv.register_unstructure_hook(Flag, lambda f: f.code)
    flags = [Flag(code="a"), Flag(code="b")]
    assert _io_rows.rows_text(flags, Flag, conv, "\n", 2) is None
    assert "".join(_io_rows.rows_text(flags, Flag, converter, "\n", 2) or []) == (
        json.dumps(unstructure(flags), indent=2)
    )


def test_a_later_chunk_written_otherwise_goes_the_general_way(monkeypatch):
    # Each chunk's first object is checked against the general writer; one
    # that differs is written the general way (here: the check is forced off).
    monkeypatch.setattr(_io_rows, "CHUNK", 1)
    scores = [_total(v) for v in (1, 2, 3)]
    real = _io_rows._rows
    calls = []

    def flaky(objs, cls, conv, nl, indent, sep):
        calls.append(cls)
        return None if len(calls) == 2 else real(objs, cls, conv, nl, indent, sep)

    monkeypatch.setattr(_io_rows, "_rows", flaky)
    a = _assessment(scores)
    assert "".join(iter_json(a, indent=2)) == _general(a, 2)
    assert len(calls) == 3


def test_dumps_of_an_assessment_is_unchanged():
    a = _assessment(
        [
            Score.fast(
                "c-1",
                SubjectKind.CLIENT,
                "phq9",
                "total",
                12,
                0,
                27,
                "moderate",
                (Flag(code="phq9.item9-positive", level=FlagLevel.CRITICAL),),
                None,
                "safety",
                True,
            )
        ]
        * 3
    )
    assert dumps(a, indent=2) == _general(a, 2)
    assert dumps(a) == json.dumps(unstructure(a), ensure_ascii=False)


def test_scores_not_written_by_columns_go_the_general_way(monkeypatch):
    monkeypatch.setattr(_io_rows, "rows_text", lambda *args: None)
    a = _assessment([_total(v) for v in (1, 2)])
    assert "".join(iter_json(a, indent=2)) == _general(a, 2)


def test_number_columns_are_written_by_orjson(monkeypatch):
    """The speed-up is not silently lost: a chunk's numbers go through
    riskcore._json_items.scalars_text, and its text is used."""
    used = []
    real = _io_rows.scalars_text

    def spy(values, kinds=None):
        got = real(values, kinds)
        used.append(got is not None)
        return got

    monkeypatch.setattr(_io_rows, "scalars_text", spy)
    scores = [
        _total(v, why=why) for v, why in ((1, None), (2.5, None), (None, "declined"))
    ]
    a = _assessment(scores)
    assert "".join(iter_json(a, indent=2)) == _general(a, 2)
    assert used
    assert all(used)


def test_single_and_no_field_classes():
    @_io_rows.attrs.frozen
    class One:
        x: int

    @_io_rows.attrs.frozen
    class NoField:
        pass

    one = _io_rows.rows_text([One(1), One(2)], One, converter, "\n", 2)
    assert one is not None
    assert "".join(one) == json.dumps([{"x": 1}, {"x": 2}], indent=2)
    # no field: not a mapping of its fields as checked; the general way
    assert _io_rows.rows_text([NoField()] * 2, NoField, converter, "\n", 2) is None


# Few distinct values, so that a column of one type is written a distinct
# value at a time: ints, floats (with both zeros, NaN and the infinities),
# booleans, strings and None, alone and mixed (1 == 1.0 == True).
_FEW = st.one_of(
    st.sampled_from([0, 1, 7, -(2**70)]),
    st.sampled_from([1.0, 2.5, 0.0, -0.0, 1e-05, 1e16, math.nan, math.inf]),
    st.booleans(),
    st.sampled_from(["a", 'q"%', "é"]),
    st.none(),
)


@settings(max_examples=500, deadline=None)
@given(
    pool=st.lists(_FEW, min_size=1, max_size=4),
    picks=st.lists(st.integers(0, 3), max_size=60),
    prefix=st.sampled_from(["", ',\n  "k": ']),
)
def test_a_column_s_texts_are_each_value_s_standard_text(pool, picks, prefix):
    """Each text is json.dumps's text of its value, after the key where the
    column says it is there (a column of few distinct values of one type)."""
    column = [pool[i % len(pool)] for i in picks]
    texts, merged = _io_rows._texts(column, "\n  ", 2, prefix)
    want = [json.dumps(v, ensure_ascii=False) for v in column]
    assert texts == ([prefix + t for t in want] if merged else want)


def test_flags_shared_by_scores_are_written_once_each():
    """A score's flags are a few objects shared by many scores: each distinct
    object is written once, one flag or several per score."""
    warn = Flag(code="a.b", level=FlagLevel.WARNING, message='50% "x"')
    crit = Flag(code="c", level=FlagLevel.CRITICAL, escalation="now")
    for flags in ([(warn,), (), (crit,), (warn,)], [(warn, crit), (), (warn,)]):
        scores = [_total(1, f) for f in flags * 3]
        a = _assessment(scores)
        assert "".join(iter_json(a, indent=2)) == _general(a, 2)
