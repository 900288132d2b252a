"""A case's clients and professionals are structured column by column when
plain (issue #16).

:func:`riskcore._io_subjects.subjects_hook` builds chunks of plain subjects
without cattrs and attrs' generic machinery; anything else goes the general
way. On random lists of clients or professionals (plain, irregular and
invalid), the objects are those of the general hook, field by field and of
the same types, and so is every error: the same messages with the same field
paths.
"""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcore import _io_subjects, io
from riskcore.model import Client, Professional
from riskcore.model.subjects import ProtectedAttributes

_T = tuple[Client, ...]
_ID = st.sampled_from(["c-1", "c-2", "t-1", "bad id", "", "x" * 81, "c-1\n"])
_TEXT = st.one_of(
    st.none(),
    st.sampled_from(["Zoë", "x" * 200, "x" * 201, "a\ud800", ""]),
    st.integers(0, 3),
)
_IDS = st.one_of(
    st.lists(_ID, max_size=3), st.sampled_from(["en", None, 3, ("en",), [1]])
)


@st.composite
def _clients(draw: st.DrawFn) -> object:
    """Mostly plain clients of all five keys, with some flaw now and then."""
    protected: dict[object, object] = {
        "culture": None,
        "ethnicity": None,
        "religion": None,
        "languages": draw(st.lists(st.sampled_from(["en", "es"]), max_size=2)),
        "gender": draw(st.sampled_from([None, "woman", "man"])),
    }
    d: dict[object, object] = {
        "id": draw(st.sampled_from(["c-1", "c-2", "c-3"])),
        "name": None,
        "clinician": draw(st.sampled_from([None, "t-1"])),
        "protected": protected,
        "context": draw(st.lists(st.sampled_from(["home-visits", "x"]), max_size=2)),
    }
    flaw = draw(st.integers(0, 9))  # 5 to 9: none
    if flaw == 0:  # a key dropped or added
        target = draw(st.sampled_from([d, protected]))
        if draw(st.booleans()):
            target.pop(draw(st.sampled_from(sorted(target, key=str))))
        else:
            target[draw(st.sampled_from(["extra", 1, "name"]))] = None
    elif flaw == 1:
        d[draw(st.sampled_from(["id", "clinician"]))] = draw(st.one_of(_ID, _TEXT))
    elif flaw == 2:
        d[draw(st.sampled_from(["name", "context"]))] = draw(st.one_of(_TEXT, _IDS))
    elif flaw == 3:
        key = draw(st.sampled_from(sorted(protected, key=str)))
        protected[key] = draw(st.one_of(_TEXT, _IDS))
    elif flaw == 4:
        d["protected"] = draw(st.sampled_from([None, [], "x"]))
    return draw(st.one_of(st.just(d), st.just(d), st.sampled_from([3, "x", None])))


def _outcome(f, value, tp=_T):
    try:
        return "ok", f(value, tp)
    except Exception as exc:
        return "error", list(io._problems(exc))


def _fields(obj: object) -> object:
    if not attrs.has(type(obj)):
        return obj, type(obj)
    return type(obj), [_fields(getattr(obj, a.name)) for a in attrs.fields(type(obj))]


@settings(max_examples=400, deadline=None)
@given(
    value=st.one_of(
        st.lists(_clients(), max_size=6), st.sampled_from(["x", {}, (1,), None])
    ),
    chunk=st.sampled_from([1, 2, 4096]),
)
def test_the_same_clients_or_the_same_errors(value, chunk):
    hook = io.converter.get_structure_hook(_T)
    saved = _io_subjects._CHUNK
    _io_subjects._CHUNK = chunk
    try:
        got = _outcome(hook, value)
    finally:
        _io_subjects._CHUNK = saved
    expected = _outcome(hook.general, value)
    assert got == expected
    if got[0] == "ok":
        assert [_fields(c) for c in got[1]] == [_fields(c) for c in expected[1]]


@settings(max_examples=300, deadline=None)
@given(value=st.lists(_clients(), max_size=5))
def test_a_chunk_built_column_by_column_is_built_as_one_by_one(value):
    """``_plain_clients`` builds what the general hook of one client builds,
    or declines; it takes every list of clients without a flaw."""
    one = io.converter.get_structure_hook(Client)
    got = _io_subjects._plain_clients(value)
    if got is None:
        usual = all(
            type(d) is dict
            and set(d) == set(_io_subjects._CLIENT)
            and type(d["protected"]) is dict
            and set(d["protected"]) == set(_io_subjects._PROTECTED)
            and _outcome(lambda v, _: one(v, Client), d)[0] == "ok"
            and type(d["name"]) in (str, type(None))
            and type(d["clinician"]) in (str, type(None))
            and type(d["context"]) is list
            and all(type(x) is str for x in d["context"])
            and type(d["protected"]["languages"]) is list
            and all(type(x) is str for x in d["protected"]["languages"])
            and all(
                type(d["protected"][k]) in (str, type(None))
                for k in ("culture", "ethnicity", "religion", "gender")
            )
            for d in value
        )
        assert not usual
        return
    assert [_fields(c) for c in got] == [_fields(one(d, Client)) for d in value]


def test_validators_disabled_are_disabled_for_the_columns_too():
    long = {"id": "c-1", "name": "x" * 201, "clinician": None, "context": []}
    long["protected"] = dict.fromkeys(_io_subjects._PROTECTED)
    long["protected"]["languages"] = []
    assert _io_subjects._plain_clients([long]) is None
    attrs.validators.set_disabled(True)
    try:
        (c,) = _io_subjects._plain_clients([long])
        assert c == Client(id="c-1", name="x" * 201)
    finally:
        attrs.validators.set_disabled(False)


def test_an_error_keeps_its_index_after_plain_chunks(monkeypatch):
    monkeypatch.setattr(_io_subjects, "_CHUNK", 2)
    good = {"id": "c-1", "name": None, "clinician": None, "context": []}
    good["protected"] = dict.fromkeys(_io_subjects._PROTECTED)
    good["protected"]["languages"] = ["en"]
    bad = {**good, "context": ["two words"]}
    with pytest.raises(io.LoadError) as info:
        io.structure([good, good, good, bad, good], _T)
    assert str(info.value).startswith("[3].context[0]: ")
    assert (
        io.structure([good] * 5, _T)
        == (Client(id="c-1", protected=ProtectedAttributes(languages=["en"])),) * 5
    )


_P = tuple[Professional, ...]
_NUMBER = st.one_of(
    st.none(),
    st.sampled_from([24.0, 0.0, 1e308, -1.0, float("nan"), float("inf")]),
    st.integers(-1, 3),
    st.booleans(),
    st.just("3"),
)


@st.composite
def _professionals(draw: st.DrawFn) -> object:
    """Mostly plain professionals of all seven keys, with some flaw now and then."""
    d: dict[object, object] = {
        "id": draw(st.sampled_from(["t-1", "t-2", "t-3"])),
        "name": None,
        "role": draw(st.sampled_from(["therapist", "clinical-supervisor"])),
        "languages": draw(st.lists(st.sampled_from(["en", "es"]), max_size=2)),
        "caseload": draw(st.sampled_from([None, 24.0, 12.5])),
        "cultural_training_hours": draw(st.sampled_from([None, 6.0])),
        "context": draw(st.lists(st.sampled_from(["after-hours", "x"]), max_size=2)),
    }
    flaw = draw(st.integers(0, 9))  # 5 to 9: none
    if flaw == 0:  # a key dropped or added
        if draw(st.booleans()):
            d.pop(draw(st.sampled_from(sorted(d))))
        else:
            d[draw(st.sampled_from(["extra", 1]))] = None
    elif flaw == 1:
        d[draw(st.sampled_from(["id", "role"]))] = draw(st.one_of(_ID, _TEXT))
    elif flaw == 2:
        key = draw(st.sampled_from(["name", "context", "languages"]))
        d[key] = draw(st.one_of(_TEXT, _IDS))
    elif flaw in (3, 4):
        key = draw(st.sampled_from(["caseload", "cultural_training_hours"]))
        d[key] = draw(_NUMBER)
    return draw(st.one_of(st.just(d), st.just(d), st.sampled_from([3, "x", None])))


@settings(max_examples=400, deadline=None)
@given(
    value=st.one_of(
        st.lists(_professionals(), max_size=6), st.sampled_from(["x", {}, (1,), None])
    ),
    chunk=st.sampled_from([1, 2, 4096]),
)
def test_the_same_professionals_or_the_same_errors(value, chunk):
    hook = io.converter.get_structure_hook(_P)
    saved = _io_subjects._CHUNK
    _io_subjects._CHUNK = chunk
    try:
        got = _outcome(hook, value, _P)
    finally:
        _io_subjects._CHUNK = saved
    expected = _outcome(hook.general, value, _P)
    assert got == expected
    if got[0] == "ok":
        assert [_fields(c) for c in got[1]] == [_fields(c) for c in expected[1]]


@settings(max_examples=300, deadline=None)
@given(value=st.lists(_professionals(), max_size=5))
def test_professionals_built_column_by_column_are_built_as_one_by_one(value):
    one = io.converter.get_structure_hook(Professional)
    got = _io_subjects._plain_professionals(value)
    if got is None:
        usual = all(
            type(d) is dict
            and set(d) == set(_io_subjects._PROFESSIONAL)
            and _outcome(lambda v, _: one(v, Professional), d)[0] == "ok"
            and type(d["name"]) in (str, type(None))
            and type(d["role"]) is str
            and all(
                type(d[k]) in (float, type(None))
                for k in ("caseload", "cultural_training_hours")
            )
            and all(
                type(d[k]) is list and all(type(x) is str for x in d[k])
                for k in ("languages", "context")
            )
            for d in value
        )
        assert not usual
        return
    assert [_fields(c) for c in got] == [_fields(one(d, Professional)) for d in value]
