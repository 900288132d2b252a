"""The JSON report's plain data, built in one pass (issue #16).

:func:`riskcore.report.data.report_plain` takes the report context straight to
what the JSON report file holds, without making the :class:`ReportData`
objects and unstructuring them again. It must give exactly
``unstructure(report_data(...))`` (types included: ``1`` is not ``1.0`` in a
JSON file), and anything its fast pass cannot vouch for must go the old way,
so every error is the old one.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import riskcore
from riskcore import io
from riskcore.errors import LoadError
from riskcore.report import data as rd
from riskcore.report._columns import _column_records
from riskcore.report._text import _report_text
from riskcore.workflow import PlanReport, build_plan

from .test_report_json import EXAMPLE


def _text(data: Any) -> str:
    """Type-exact comparison: the JSON text (``1 == 1.0`` in Python)."""
    return json.dumps(data, ensure_ascii=False, allow_nan=True)


@pytest.fixture(scope="module")
def report() -> PlanReport:
    case = riskcore.load_case(EXAMPLE)
    named = attrs.evolve(case.clients[0], name="Zelda Quintanilla")
    case = attrs.evolve(case, clients=(named, *case.clients[1:]))
    return build_plan(case, seed=3, n=300, today=dt.date(2026, 10, 5))


@pytest.mark.parametrize("identifying", [False, True])
@pytest.mark.parametrize(
    "since",
    [None, {"since": dt.date(2026, 9, 1), "new": ["r-1"], "n": 2, "x": 0.5}],
)
def test_the_plain_report_is_the_report_data_unstructured(
    report: PlanReport, identifying: bool, since: dict[str, Any] | None
) -> None:
    fast = rd.report_plain(report, identifying=identifying, since_review=since)
    slow = io.unstructure(
        rd.report_data(report, identifying=identifying, since_review=since)
    )
    assert _text(fast) == _text(slow)
    assert list(fast) == [a.name for a in attrs.fields(rd.ReportData)]
    # ... and the fast pass made it: no fallback on a real report
    ctx = rd._json_context(report, identifying, since)
    assert _text(rd._plain(rd.ReportData)(ctx)) == _text(slow)


def test_a_non_finite_figure_is_refused_as_before(
    report: PlanReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fail closed: a NaN harm is never written; the old path's error, with
    its field path, is raised."""
    _break_row(monkeypatch, 1, "harm", math.nan)
    with pytest.raises(LoadError, match=r"risks\[1\]\.harm: expected a finite") as e:
        rd.report_plain(report)
    with pytest.raises(LoadError) as old:
        rd.report_data(report)
    assert str(e.value) == str(old.value)
    # the streamed JSON report: its risk rows are made as they are written,
    # so the bad one is found after the first row's text; the error is the same
    pieces = _report_text(report)
    with pytest.raises(LoadError) as streamed:
        for _ in pieces:
            pass
    assert str(streamed.value) == str(old.value)


def _break_row(
    monkeypatch: pytest.MonkeyPatch, index: int, key: str, value: Any
) -> None:
    """Make the *index*-th risk row of every report context hold *value* at *key*."""
    import riskcore.report.context as context
    from riskcore._io_write import StreamedList

    real = context._context

    def set_value(i: int, row: dict[str, Any]) -> dict[str, Any]:
        if i == index:
            row[key] = value
        return row

    def broken(*args: Any, **kwargs: Any) -> dict[str, Any]:
        ctx = real(*args, **kwargs)
        rows = ctx["risks"]
        made = map(set_value, range(len(rows)), rows)
        ctx["risks"] = StreamedList(made, len(rows)) if kwargs["lazy"] else list(made)
        return ctx

    monkeypatch.setattr(context, "_context", broken)


class _Float(float):
    """A float the fast pass does not take as it is (the slow path does)."""


@pytest.mark.parametrize("index", [0, 5, -1])
def test_a_row_the_fast_pass_refuses_while_streaming_continues_the_slow_way(
    report: PlanReport, monkeypatch: pytest.MonkeyPatch, index: int
) -> None:
    """A risk row the fast pass cannot vouch for is found once earlier rows
    are written: the rest of the text is the slow path's, and the whole is
    the slow path's text exactly."""
    n = len(report.register.risks)
    _break_row(monkeypatch, index % n, "review_days", _Float(3.5))
    slow = io.unstructure(rd.report_data(report))
    expected = json.dumps(slow, ensure_ascii=False, indent=2) + "\n"
    assert slow["risks"][index % n]["review_days"] == 3.5
    assert riskcore.report.render(report, "json") == expected
    assert "".join(_report_text(report)) + "\n" == expected


def test_the_streamed_json_report_makes_each_row_as_it_is_written(
    report: PlanReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows are not all held at once: when a row is made, the rows made
    before the last batch (``riskcore._json_items.BATCH`` rows, written by
    one orjson call) and the last chunk (``ROW_CHUNK`` rows, made a column
    at a time) have been written, and the text is report_plain's."""
    import riskcore.report.context as context

    monkeypatch.setattr("riskcore._io_write.BATCH", 2)
    monkeypatch.setattr(context, "ROW_CHUNK", 2)
    assert len(report.register.risks) > 3 * 4  # rows written before the last

    real = context._risk_rows
    made: list[str] = []

    def counting(*args: Any) -> Any:
        rows = real(*args)
        ids = rows.columns["id"]

        def counted(rs: Any, bs: Any) -> list[str]:
            made.extend(r.id for r in rs)
            return ids(rs, bs)

        rows.columns["id"] = counted
        return rows

    monkeypatch.setattr(context, "_risk_rows", counting)
    text = ""
    for piece in _report_text(report):
        # every row made so far is in the text, but the last batch and chunk
        for rid in made[:-4]:
            assert f'"id": "{rid}"' in text
        text += piece
    assert len(made) == len(report.register.risks)
    assert text == json.dumps(rd.report_plain(report), ensure_ascii=False, indent=2)


# --- the fast pass against cattrs, one class at a time -----------------------

_ANY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.integers(10**308, 10**309),  # too large for a float
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=4),
    st.sampled_from(["2026-10-05", "20261005", "2026-02-30"]),
    st.lists(st.text(max_size=3), max_size=3),
    st.lists(st.text(max_size=3), max_size=2).map(tuple),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
_CLASSES = [
    rd.RiskRow,
    rd.Summary,
    rd.LevelCount,
    rd.Sensitivity,
    rd.SimulationData,
    rd.ArmedRow,
    rd.Duty,
    rd.Phase,
    rd.Provenance,
]


def _valid(tp: Any) -> st.SearchStrategy[Any]:
    """Values of type *tp* as a real context holds them."""
    from typing import get_args, get_origin

    scalars: dict[Any, st.SearchStrategy[Any]] = {
        str: st.text(max_size=4),
        float: st.one_of(
            st.floats(allow_nan=False, allow_infinity=False), st.integers(-9, 9)
        ),
        int: st.integers(-9, 9),
        bool: st.booleans(),
        dt.date: st.dates().map(dt.date.isoformat),
    }
    if tp in scalars:
        return scalars[tp]
    args = get_args(tp)
    if type(None) in args:
        inner = args[0] if args[1] is type(None) else args[1]
        return st.one_of(st.none(), _valid(inner))
    if get_origin(tp) is tuple:
        return st.lists(_valid(args[0]), max_size=2)
    if attrs.has(tp):
        return _records(tp, noise=0)
    return _ANY


@st.composite
def _records(
    draw: st.DrawFn, cls: type[Any], noise: int | None = None
) -> dict[str, Any]:
    """A context-like dict for *cls*: its fields of their own types (as a real
    context gives them), but with *noise* in 100 (drawn if not given) absent
    or anything else; sometimes an extra key (the context has more)."""
    if noise is None:
        noise = draw(st.sampled_from([0, 0, 2, 10, 50]))
    out: dict[str, Any] = {}
    for a in attrs.fields(attrs.resolve_types(cls)):
        how = draw(st.integers(0, 99)) if noise else 99
        if how < noise // 2:
            continue  # absent
        out[a.name] = draw(_ANY if how < noise else _valid(a.type))
    if draw(st.booleans()):
        out["extra_colour"] = "#fff"
    return out


def _slow(cls: type[Any], value: dict[str, Any]) -> Any:
    return io.unstructure(io.structure(rd._pick(cls, value), cls))


@settings(max_examples=400, deadline=None)
@given(data=st.data(), cls=st.sampled_from(_CLASSES))
def test_the_fast_pass_agrees_with_cattrs_or_steps_aside(
    data: st.DataObject, cls: type[Any]
) -> None:
    value = data.draw(_records(cls))
    try:
        fast = rd._plain(cls)(value)
    except rd._NotFastError:
        return  # report_plain then goes the old way: same result by construction
    assert _text(fast) == _text(_slow(cls, value))


def test_the_fast_pass_takes_well_typed_rows() -> None:
    """It must not step aside for what a real context holds (an int where a
    float is declared is made a float, as cattrs does)."""
    row = {"level": "high", "count": 3}
    assert rd._plain(rd.LevelCount)(row) == {"level": "high", "count": 3}
    s = {"parameter": "p", "risk": None, "low": 1, "high": 2.5, "swing": 1.5}
    out = rd._plain(rd.Sensitivity)(s)
    assert _text(out) == _text(_slow(rd.Sensitivity, s))
    assert out["label"] == ""
    assert type(out["low"]) is float


# --- the risk rows a column at a time ----------------------------------------


def _columns(rows: list[dict[str, Any]], chunk: int) -> Any:
    """*rows* as :class:`~riskcore.report.context.RiskRows`: a column per key
    every row has (the table has a key for every row or none)."""
    from riskcore.report.context import RiskRows

    keys = [k for k in rows[0] if all(k in r for r in rows)]
    table = {
        k: (lambda k: lambda rs, bs: [r[k] for r in rs])(k)  # noqa: B023
        for k in keys
    }
    return RiskRows(
        [{k: r[k] for k in keys} for r in rows],
        table,
        before=lambda rs: rs,
        chunk=chunk,
    )


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(_records(rd.RiskRow), min_size=1, max_size=6),
    chunk=st.integers(1, 4),
)
def test_the_column_pass_is_the_row_pass(
    rows: list[dict[str, Any]], chunk: int
) -> None:
    """A column at a time, the rows are exactly what the fast pass makes of
    each row (types included), or it steps aside as the row pass does; what
    it takes is what cattrs gives."""
    table = _columns(rows, chunk)
    record = rd._plain(rd.RiskRow)
    try:
        by_row = [record(r) for r in table.risks]
    except rd._NotFastError:
        by_row = None
    try:
        by_column = list(_column_records(rd.RiskRow, table))
    except rd._NotFastError:
        by_column = None
    assert (by_column is None) == (by_row is None)
    if by_column is not None:
        assert _text(by_column) == _text(by_row)
        assert [list(r) for r in by_column] == [list(r) for r in by_row]
        assert _text(by_column) == _text([_slow(rd.RiskRow, r) for r in table.risks])


def test_the_real_rows_take_the_column_pass(report: PlanReport) -> None:
    """The JSON report's rows are a RiskRows the column pass takes whole,
    equal to the rows of the HTML and Markdown context."""
    from riskcore.report.context import RiskRows, build_context

    ctx = rd._json_context(report, False, None, lazy=True)
    assert type(ctx["risks"]) is RiskRows
    rows = list(_column_records(rd.RiskRow, ctx["risks"]))
    eager = build_context(report)["risks"]
    assert _text(rows) == _text([rd._plain(rd.RiskRow)(r) for r in eager])


def _break_column(
    monkeypatch: pytest.MonkeyPatch, index: int, key: str, value: Any
) -> None:
    """Make the *index*-th risk row hold *value* at *key*, in the column
    table itself (what both the lazy and the eager context read)."""
    import riskcore.report.context as context

    real = context._risk_rows

    def broken(*args: Any) -> Any:
        rows = real(*args)
        get = rows.columns[key]
        position = {id(r): i for i, r in enumerate(rows.risks)}

        def column(rs: Any, bs: Any) -> list[Any]:
            col = get(rs, bs)
            return [
                value if position[id(r)] == index else x
                for r, x in zip(rs, col, strict=True)
            ]

        rows.columns[key] = column
        return rows

    monkeypatch.setattr(context, "_risk_rows", broken)


@pytest.mark.parametrize("index", [0, 5, -1])
@pytest.mark.parametrize(
    ("key", "value"),
    [("harm", math.nan), ("review_days", math.inf), ("why", ["a", 1])],
)
def test_a_column_the_fast_pass_refuses_fails_as_before(
    report: PlanReport,
    monkeypatch: pytest.MonkeyPatch,
    index: int,
    key: str,
    value: Any,
) -> None:
    """Fail closed: a non-finite figure or a line that is not text in one
    risk row sends the streamed report the slow way, with its error."""
    monkeypatch.setattr("riskcore.report.context.ROW_CHUNK", 3)
    n = len(report.register.risks)
    _break_column(monkeypatch, index % n, key, value)
    with pytest.raises(LoadError) as old:
        rd.report_data(report)
    assert f"risks[{index % n}].{key}" in str(old.value)
    with pytest.raises(LoadError) as streamed:
        "".join(_report_text(report))
    assert str(streamed.value) == str(old.value)


@pytest.mark.parametrize("index", [0, 4, -1])
def test_a_column_value_the_fast_pass_cannot_vouch_for_goes_the_slow_way(
    report: PlanReport, monkeypatch: pytest.MonkeyPatch, index: int
) -> None:
    """A value the slow path takes but the column pass does not (a float
    subclass, an int where a float is declared) gives the slow path's text."""
    monkeypatch.setattr("riskcore.report.context.ROW_CHUNK", 3)
    n = len(report.register.risks)
    for key, value in [("review_days", _Float(3.5)), ("harm", 2)]:
        _break_column(monkeypatch, index % n, key, value)
    slow = io.unstructure(rd.report_data(report))
    expected = json.dumps(slow, ensure_ascii=False, indent=2) + "\n"
    assert slow["risks"][index % n]["harm"] == 2.0
    assert riskcore.report.render(report, "json") == expected
    assert "".join(_report_text(report)) + "\n" == expected
