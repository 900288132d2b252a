"""A case's responses are structured directly when plain (issue #16).

:func:`riskcore._io_responses.responses_hook` builds a plain response without
cattrs and attrs' generic machinery; anything else goes the general way. On
random response lists (plain, irregular and invalid), the result is the same
as the general hook's, and so is every error: the same messages with the same
field paths.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcore import io
from riskcore.model import InstrumentResponse
from riskcore.model._fields import _KNOWN_IDS

_T = tuple[InstrumentResponse, ...]
_ID = st.sampled_from(["phq9", "c-1", "1", "9", "6b", "bad id", "", "x" * 81])
_ANSWER = st.one_of(
    st.none(),
    st.integers(-3, 30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(["2x", "3", [1], {"a": 1}, dt.date(2026, 1, 1)]),
)
_KEY = st.one_of(_ID, st.integers(0, 9))
_DATE = st.one_of(
    st.none(),
    st.sampled_from(["2026-01-02", "2026-02-30", "20260102", "x", 3]),
    st.dates(),
    st.datetimes(),
)


@st.composite
def _responses(draw: st.DrawFn) -> object:
    d: dict[object, object] = {}
    for key, value in (
        ("instrument", _ID),
        ("subject", _ID),
        (
            "items",
            st.one_of(
                st.dictionaries(_KEY, _ANSWER, max_size=4),
                st.sampled_from([[1], "x", None]),
            ),
        ),
        ("about", st.one_of(st.none(), _ID, st.integers())),
        ("administered", _DATE),
        (
            "answers",
            st.one_of(
                st.dictionaries(_KEY, st.text(max_size=3), max_size=2), st.just(3)
            ),
        ),
        ("extra", st.integers()),
    ):
        if draw(st.integers(0, 9)) < (1 if key == "extra" else 8):
            d[key] = draw(value)
    return draw(
        st.one_of(st.just(d), st.just(d), st.just(d), st.sampled_from([3, "x", None]))
    )


_OK_ID = st.sampled_from(["phq9", "c-1", "1", "9"])


@st.composite
def _plain_responses(draw: st.DrawFn) -> object:
    """Mostly plain responses: known ids, number answers, maybe one flaw."""
    d: dict[object, object] = {
        "instrument": draw(_OK_ID),
        "subject": draw(_OK_ID),
        "items": draw(
            st.dictionaries(
                _OK_ID,
                st.one_of(st.none(), st.integers(0, 3), st.floats(0, 3)),
                max_size=4,
            )
        ),
    }
    for key, value in (
        ("about", st.one_of(st.none(), _OK_ID)),
        ("administered", st.one_of(st.none(), st.dates().map(str), st.dates())),
        ("answers", st.dictionaries(_OK_ID, st.text(max_size=3), max_size=2)),
    ):
        if draw(st.booleans()):
            d[key] = draw(value)
    flaw = draw(st.integers(0, 7))
    if flaw == 0:  # any value anywhere
        key = draw(st.sampled_from([*sorted(d, key=str), "extra"]))
        d[key] = draw(st.one_of(_ANSWER, _DATE, _ID))
    elif flaw == 1:  # an item id not seen before (valid or not)
        new = draw(st.text(alphabet="xyz -", min_size=6, max_size=9))
        d["items"] = {new: 1}
    elif flaw == 2:
        d["items"] = {"1": draw(st.sampled_from([float("inf"), float("nan"), 1.5]))}
    elif flaw == 3:
        d["administered"] = draw(st.sampled_from(["2026-02-30", "2026-1-2", "x"]))
    return d


def _outcome(f, value):
    try:
        return "ok", f(value, _T)
    except Exception as exc:
        return "error", list(io._problems(exc))


@settings(max_examples=400, deadline=None)
@given(
    value=st.one_of(
        st.lists(_responses(), max_size=4), st.sampled_from(["x", {}, (1,)])
    ),
    known=st.lists(_ID, max_size=4),
)
def test_the_same_responses_or_the_same_errors(value, known):
    _KNOWN_IDS.update(k for k in known if k not in ("bad id", "", "x" * 81))
    _KNOWN_IDS.update(["phq9", "c-1", "1", "9"])  # the others only when in *known*
    hook = io.converter.get_structure_hook(_T)
    got = _outcome(hook, value)
    assert got == _outcome(hook.slow, value)
    if got[0] == "ok":
        for r in got[1]:
            assert type(r) is InstrumentResponse
            assert [type(k) for k in r.items] == [str] * len(r.items)


@settings(max_examples=300, deadline=None)
@given(value=st.lists(_plain_responses(), min_size=1, max_size=4))
def test_the_same_responses_or_errors_when_mostly_plain(value):
    test_the_same_responses_or_the_same_errors.hypothesis.inner_test(value, [])


def test_a_plain_response_is_built_directly():
    _KNOWN_IDS.update(["phq9", "c-1", "1", "9"])
    data = [
        {
            "instrument": "phq9",
            "subject": "c-1",
            "items": {"1": 2, "9": None},
            "administered": "2026-01-02",
            "answers": {"1": "text"},
        }
    ]
    from riskcore import _io_responses

    r = _io_responses._plain(data[0])
    assert r == InstrumentResponse(
        instrument="phq9",
        subject="c-1",
        items={"1": 2, "9": None},
        administered=dt.date(2026, 1, 2),
        answers={"1": "text"},
    )
    assert r.items is not data[0]["items"]
    assert r.answers is not data[0]["answers"]
    assert io.structure(data, _T) == (r,)


def _structured(value: object, consume: bool) -> object:
    try:
        return "ok", io.structure(value, _T, consume=consume)
    except io.LoadError as exc:
        return "error", str(exc)


@settings(max_examples=300, deadline=None)
@given(
    value=st.one_of(
        st.lists(_plain_responses(), min_size=1, max_size=4),
        st.lists(_responses(), max_size=4),
    )
)
def test_a_consumed_document_gives_the_same_responses_or_errors(value):
    """``consume=True`` (the loaders: data nobody else sees) keeps the data's
    mappings in plain responses instead of copying them; nothing else changes,
    and the data is not changed either."""
    _KNOWN_IDS.update(["phq9", "c-1", "1", "9"])
    before = repr(value)
    got = _structured(value, True)
    assert got == _structured(value, False)
    assert repr(value) == before


def test_a_consumed_response_keeps_its_mappings_and_the_flag_is_reset():
    from riskcore import _io_responses

    _KNOWN_IDS.update(["phq9", "c-1", "1"])
    data = [{"instrument": "phq9", "subject": "c-1", "items": {"1": 2}}]
    data[0]["answers"] = {"1": "text"}
    (r,) = io.structure(data, _T, consume=True)
    assert r.items is data[0]["items"]
    assert r.answers is data[0]["answers"]
    assert _io_responses.GIVEN.get() is False
    (r,) = io.structure(data, _T)
    assert r.items is not data[0]["items"]
    assert r.items == data[0]["items"]
    bad = [*data, {"instrument": "phq9", "subject": "c-1", "administered": "x"}]
    for consume in (True, False):
        with pytest.raises(io.LoadError):
            io.structure(bad, _T, consume=consume)
        assert _io_responses.GIVEN.get() is False


def test_loading_a_case_consumes_its_document(tmp_path):
    from riskcore.interop import load_case_file
    from riskcore.model import Case, Practice

    case = Case(
        id="c",
        practice=Practice(id="p"),
        responses=[
            InstrumentResponse(
                instrument="phq9", subject="p", items={"1": 2, "2": None}
            )
        ],
    )
    for name in ("case.json", "case.yaml"):
        io.dump(case, tmp_path / name)
        assert load_case_file(tmp_path / name) == case
        assert io.load_case(tmp_path / name) == case


_FULL = ("instrument", "subject", "items", "about", "administered", "answers")


@st.composite
def _full_responses(draw: st.DrawFn) -> object:
    """Plain responses of all six keys (what the column-wise path takes), or
    one of the flaws that sends a chunk response by response."""
    d = draw(_plain_responses())
    if type(d) is dict:
        for key, default in (("about", None), ("administered", None), ("answers", {})):
            d.setdefault(key, default)
        if draw(st.integers(0, 5)) == 0:  # a key dropped
            d.pop(draw(st.sampled_from(_FULL)), None)
    return draw(st.one_of(st.just(d), st.just(d), st.sampled_from([3, "x", None])))


def _fields(r: object) -> object:
    return None if r is None else [(getattr(r, f), type(getattr(r, f))) for f in _FULL]


@settings(max_examples=400, deadline=None)
@given(value=st.lists(_full_responses(), max_size=5), given_=st.booleans())
def test_a_chunk_built_column_by_column_is_built_as_one_by_one(value, given_):
    """``_plain_all`` builds exactly what ``_plain`` builds, response by
    response (the same fields, of the same types; the data's own mappings
    only when given), or declines; and it takes every chunk of plain
    responses of six keys with integer answers."""
    from riskcore import _io_responses

    _KNOWN_IDS.update(["phq9", "c-1", "1", "9"])
    before = repr(value)
    got = _io_responses._plain_all(value, given_)
    one_by_one = [_io_responses._plain(d, given_) for d in value]
    assert repr(value) == before
    if got is None:
        usual = all(
            type(d) is dict
            and set(d) == set(_FULL)
            and _io_responses._plain(d) is not None
            and type(d["about"]) in (str, type(None))
            and all(type(v) in (int, type(None)) for v in d["items"].values())
            for d in value
        )
        assert not usual
        return
    assert None not in one_by_one
    assert [_fields(r) for r in got] == [_fields(r) for r in one_by_one]
    for r, d in zip(got, value, strict=True):
        assert type(r) is InstrumentResponse
        assert (r.items is d["items"]) is given_
        assert (r.answers is d["answers"]) is given_


@settings(max_examples=200, deadline=None)
@given(
    value=st.lists(st.one_of(_full_responses(), _responses()), max_size=7),
    consume=st.booleans(),
)
def test_chunks_give_the_same_responses_or_errors_as_the_general_hook(value, consume):
    """Small chunks, so that a list mixes chunks built column by column with
    chunks taken one by one: the result and every error are the general
    hook's."""
    from riskcore import _io_responses

    _KNOWN_IDS.update(["phq9", "c-1", "1", "9"])
    hook = io.converter.get_structure_hook(_T)
    chunk = _io_responses._CHUNK
    _io_responses._CHUNK = 2
    token = _io_responses.GIVEN.set(consume)
    try:
        got = _outcome(hook, value)
    finally:
        _io_responses._CHUNK = chunk
        _io_responses.GIVEN.reset(token)
    assert got == _outcome(hook.slow, value)
