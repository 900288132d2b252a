"""Fast paths for large cases (issue #16) keep what the general code does."""

from __future__ import annotations

import datetime as dt
import sys

import attrs
import pytest
from attrs import frozen
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcore.model import Case, Client, InstrumentResponse, Practice, Professional
from riskcore.plugins import readonly_case


@frozen(kw_only=True)
class _Response(InstrumentResponse):
    extra: int = 0


def test_the_plugins_view_of_a_response_is_a_full_copy():
    responses = [
        InstrumentResponse(
            instrument="phq9",
            subject="c-1",
            items={1: 2, 9: None, 3: "2x"},
            about="c-1",
            administered=dt.date(2026, 1, 2),
            answers={"q": "free text"},
        ),
        _Response(instrument="gad7", subject="c-1", items={1: 1}, extra=3),
    ]
    case = Case(
        id="c",
        practice=Practice(id="p"),
        clients=[Client(id="c-1")],
        responses=responses,
    )
    view = readonly_case(case)
    for original, seen in zip(case.responses, view.responses, strict=True):
        assert type(seen) is type(original)
        assert seen is not original
        assert seen == original
        assert (
            attrs.asdict(seen, recurse=False).keys()
            == attrs.asdict(original, recurse=False).keys()
        )
        for a in attrs.fields(type(original)):
            if a.name in ("items", "answers"):
                assert dict(getattr(seen, a.name)) == getattr(original, a.name)
                with pytest.raises(TypeError):
                    getattr(seen, a.name)["1"] = 0
            elif (
                a.name in ("instrument", "subject") and type(seen) is InstrumentResponse
            ):
                # equal strings: the interned instrument, the subject's own id
                assert getattr(seen, a.name) == getattr(original, a.name)
            else:
                assert getattr(seen, a.name) is getattr(original, a.name)
    assert view.responses[0].instrument is sys.intern("phq9")
    assert view.responses[0].subject is case.clients[0].id
    assert view.responses[1].extra == 3


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["c-1", "c-2", "t-1", "p", "c-1"]),
            st.sampled_from(["phq9", "gad7", "wleis", "x.y"]),
            st.sampled_from([None, dt.date(2026, 1, 2), dt.date(2025, 5, 1)]),
        ),
        max_size=12,
    ),
    st.lists(
        st.frozensets(st.sampled_from(["phq9", "gad7", "wleis", "x.y", "zz"])),
        min_size=1,
        max_size=4,
    ),
)
def test_the_view_and_its_history_equal_the_case(rows, asks):
    # The view's canonical ids (interned instruments, the subjects' own id
    # objects) change no answer: every lookup of the view equals the case's,
    # asked with other (equal) string objects, in every order, twice (memo).
    def fresh(x: str) -> str:
        return "".join(list(x))  # an equal string, not the same object

    case = Case(
        id="c",
        practice=Practice(id="p"),
        professionals=[Professional(id="t-1")],
        clients=[Client(id="c-1"), Client(id="c-2")],
        responses=[
            InstrumentResponse(
                instrument=fresh(i), subject=fresh(s), items={"1": 1}, administered=d
            )
            for s, i, d in rows
        ],
    )
    view = readonly_case(case)
    assert view == case
    for sid in ("c-1", "c-2", "t-1", "p", "nobody"):
        for ask in [*asks, tuple(sorted(asks[0])), None]:
            for _ in range(2):
                assert view.history(fresh(sid), ask) == case.history(sid, ask)
                assert view.history(sid, ask) == case.history(fresh(sid), ask)
        assert view.responses_for(sid) == case.responses_for(fresh(sid))


def test_ids_of_a_large_case_are_matched_once(monkeypatch):
    # Identifiers already accepted are remembered (_KNOWN_IDS); at 4,096 the
    # memory was emptied again and again by a case of more subjects, and
    # every id was matched against the pattern once per object.
    from riskcore.io import structure
    from riskcore.model import _fields

    data = {
        "schema_version": 1,
        "id": "big",
        "practice": {"id": "p"},
        "clients": [{"id": f"c-{i}"} for i in range(5000)],
        "responses": [
            {"instrument": "phq9", "subject": f"c-{i}", "items": {"1": 1}}
            for i in range(5000)
        ],
    }
    structure(data, Case)
    calls = []
    real = _fields.check_id
    monkeypatch.setattr(
        _fields,
        "check_id",
        lambda name, value: calls.append(value) or real(name, value),
    )
    case = structure(data, Case)
    assert len(case.responses) == 5000
    assert calls == []


def test_the_command_line_reads_larger_cases_when_asked(tmp_path, monkeypatch, capsys):
    # A 100,000-client practice is about 220 MiB of JSON: over the 64 MiB
    # default bound, which --max-input-mib raises for one run.
    from riskcore import io
    from riskcore.cli import main

    monkeypatch.setattr(io, "MAX_INPUT_BYTES", io.MAX_INPUT_BYTES)  # restored after
    case = tmp_path / "case.json"
    io.dump(
        Case(
            id="c",
            practice=Practice(id="p"),
            clients=[Client(id=f"c-{i}") for i in range(6000)],
        ),
        case,
    )
    assert 1 << 20 < case.stat().st_size < 2 << 20
    monkeypatch.setattr(io, "MAX_INPUT_BYTES", 1 << 20)
    assert main(["assess", str(case), "--no-plugins"]) == 2
    assert "larger than 1 MiB" in capsys.readouterr().err
    assert main(["assess", str(case), "--no-plugins", "--max-input-mib", "2"]) == 0
    assert io.MAX_INPUT_BYTES == 1 << 20  # the bound was that command's only
    with pytest.raises(SystemExit):
        main(["assess", str(case), "--max-input-mib", "0"])
    assert "invalid positive integer value" in capsys.readouterr().err


def test_structure_and_loads_json_pause_the_collector(monkeypatch):
    # The command line reads a JSON case through loads_json and structure
    # (riskcore.interop.load_case_file): both are bulk steps, like loads.
    import gc
    import json

    from riskcore import _io_strict, io

    seen = []
    real = json.loads

    def spy_loads(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(json, "loads", spy_loads)
    fast = _io_strict._orjson_loads()  # the decoder fast_json tries first
    if fast is not None:

        def spy_fast(text):
            seen.append(gc.isenabled())
            return fast(text)

        monkeypatch.setattr(_io_strict, "_orjson_loads", lambda: spy_fast)
    hook = io.converter.get_structure_hook(Practice)

    def spy_hook(value, tp):
        seen.append(gc.isenabled())
        return hook(value, tp)

    monkeypatch.setattr(io.converter, "structure", lambda d, t: spy_hook(d, t))
    assert gc.isenabled()
    io.loads_json('{"id": "p"}')
    io.structure({"id": "p"}, Practice)
    assert seen == [False, False]
    assert gc.isenabled()


def test_the_plugins_view_shares_the_answers_without_copying_them():
    # A proxy of the response's own mapping: no second copy of a large case's
    # answers, and never a stale view of a case whose owner edits it.
    items = {"1": 2}
    case = Case(
        id="c",
        practice=Practice(id="p"),
        clients=[Client(id="c-1")],
        responses=[InstrumentResponse(instrument="gad7", subject="c-1", items=items)],
    )
    seen = readonly_case(case).responses[0]
    owned = case.responses[0].items
    assert seen.items == owned
    with pytest.raises(TypeError):
        seen.items["1"] = 0  # type: ignore[index]
    owned["2"] = 1  # the owner's own edit (not a plugin's)
    assert seen.items == {"1": 2, "2": 1}
