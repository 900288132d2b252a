"""The fast write path of the register (issue #17) writes and hashes exactly as before.

``chain.row_hashes`` must give the hash the chain has always defined (SHA-256 of
``table|`` and the canonical JSON of the row without ``id``, ``row_hash`` and the
erasable columns), so registers written before it still verify; ``insert_rows``
must store exactly what ``conn.execute(table.insert(), rows)`` stores.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

sa = pytest.importorskip("sqlalchemy", reason="riskcore[store] is not installed")

from riskcore.store import chain  # noqa: E402
from riskcore.store import schema as db  # noqa: E402
from riskcore.store.write import insert_rows  # noqa: E402


def _defined_hash(table: str, row: dict[str, Any], skip: tuple[str, ...]) -> str:
    """The row hash as the chain defines it, written out independently."""
    left_out = {"id", "row_hash", *skip}
    content = {k: v for k, v in row.items() if k not in left_out}
    text = json.dumps(
        content,
        sort_keys=True,
        separators=(",", ":"),
        default=lambda v: v.isoformat(),
    )
    return hashlib.sha256(f"{table}|{text}".encode()).hexdigest()


def test_row_hashes_of_a_recorded_run_are_the_defined_hashes(
    tmp_path: Path, report1: Any
) -> None:
    from riskcore.store import open_store

    with open_store(str(tmp_path / "r.db"), today=dt.date(2026, 12, 3)) as store:
        store.record(report1, identifying=True)
        checked = 0
        with store.engine.connect() as conn:
            for table in db.CONTENT_TABLES:
                skip = db.ERASABLE.get(table.name, ())
                rows = [dict(r) for r in conn.execute(sa.select(table)).mappings()]
                stored = [r["row_hash"] for r in rows]
                assert stored == [_defined_hash(table.name, r, skip) for r in rows]
                assert chain.row_hashes(table.name, rows, skip) == stored
                checked += len(rows)
        assert checked > 300
        assert store.verify().ok


def test_row_hashes_with_a_row_separator_inside_a_value() -> None:
    rows = [
        {"a": "x},{y", "b": 1.5, "d": dt.date(2026, 1, 2)},
        {"a": "}", "b": None, "d": None},
        {"a": "{", "b": 2, "d": dt.date(2026, 1, 3), "id": 7, "row_hash": "h"},
    ]
    want = [_defined_hash("t", r, ()) for r in rows]
    assert chain.row_hashes("t", rows) == want
    assert [chain.row_hash("t", r) for r in rows] == want
    assert chain.row_hashes("t", rows[1:]) == want[1:]


def _twin_tables() -> tuple[Any, Any]:
    """Two tables with the same nullable date, boolean, float and text columns."""
    md = sa.MetaData()

    def cols() -> list[Any]:
        return [
            sa.Column("d", sa.Date, nullable=True),
            sa.Column("b", sa.Boolean, nullable=True),
            sa.Column("f", sa.Float, nullable=True),
            sa.Column("s", sa.String(20), nullable=True),
        ]

    return sa.Table("ours", md, *cols()), sa.Table("theirs", md, *cols())


def test_insert_rows_stores_what_sqlalchemy_stores(tmp_path: Path) -> None:
    ours, theirs = _twin_tables()
    md = ours.metadata
    rows = [
        {"d": dt.date(2026, 1, 2), "b": True, "f": 1.25, "s": "a"},
        {"d": None, "b": False, "f": 3, "s": None},
        {"d": dt.date(1999, 12, 31), "b": None, "f": None, "s": "},{"},
    ]
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'w.db'}")
    md.create_all(engine)
    with engine.begin() as conn:
        insert_rows(conn, ours, [dict(r) for r in rows])
        conn.execute(theirs.insert(), [dict(r) for r in rows])
        insert_rows(conn, ours, [])
    with engine.connect() as conn:
        got = conn.execute(sa.select(ours)).all()
        want = conn.execute(sa.select(theirs)).all()
        raw_got = conn.exec_driver_sql("SELECT d, b, f, s FROM ours").all()
        raw_want = conn.exec_driver_sql("SELECT d, b, f, s FROM theirs").all()
    engine.dispose()
    assert got == want
    assert raw_got == raw_want  # the same bytes on disk, not only after reading
    assert len(got) == 3


def test_the_deterioration_check_searches_an_index_not_the_whole_table(
    tmp_path: Path, report1: Any, report2: Any
) -> None:
    """Recording reads earlier scores by ix_scores_subject_date: the check's cost
    does not grow with the size of the register (it scanned every score)."""
    from sqlalchemy import event

    from riskcore.store import open_store

    seen: list[tuple[str, Any]] = []

    def grab(*args: Any) -> None:
        statement, params = args[2], args[3]
        if statement.lstrip().startswith("SELECT") and "FROM scores" in statement:
            seen.append((statement, params))

    with open_store(str(tmp_path / "r.db"), today=dt.date(2026, 12, 3)) as store:
        store.record(report1)
        event.listen(store.engine, "before_cursor_execute", grab)
        store.record(report2)
        event.remove(store.engine, "before_cursor_execute", grab)
        assert len(seen) == 1
        statement, params = seen[0]
        with store.engine.connect() as conn:
            plan = [
                str(r[-1])
                for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)
            ]
    assert any("USING INDEX ix_scores_subject_date" in p for p in plan), plan
    assert not any(p.startswith("SCAN scores") for p in plan), plan


def test_compiled_inserts_are_dropped_with_their_engine(tmp_path: Path) -> None:
    """The statement cache holds no engine alive: a long process opening many
    registers does not grow it without bound."""
    import gc
    import weakref

    from riskcore.store import write

    md = sa.MetaData()
    t = sa.Table("t", md, sa.Column("x", sa.Integer))
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'c.db'}")
    md.create_all(engine)
    with engine.begin() as conn:
        insert_rows(conn, t, [{"x": 1}, {"x": 2}])
        assert conn.execute(sa.select(sa.func.sum(t.c.x))).scalar() == 3
    assert engine.dialect in write._CACHE
    gone = weakref.ref(engine.dialect)
    engine.dispose()
    del engine, conn
    gc.collect()
    assert gone() is None  # the cache did not keep the engine's dialect alive


def test_insert_rows_stores_iso_text_dates_and_exact_types_as_sqlalchemy_does(
    tmp_path: Path,
) -> None:
    """The store passes dates as their ISO text and floats and bools as they are
    (issue #17: no bind processor runs for them); SQLite holds the same values
    as SQLAlchemy storing the date objects, and float subclasses still go
    through the processor."""

    class Wide(float):
        pass

    ours, theirs = _twin_tables()
    md = ours.metadata
    dates = [dt.date(2026, 1, 2), None, dt.date(1999, 12, 31)]
    bools = [True, False, None]
    floats = [1.25, Wide(2.5), None]
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'w.db'}")
    md.create_all(engine)
    with engine.begin() as conn:
        insert_rows(
            conn,
            ours,
            [
                {"d": d.isoformat() if d else None, "b": b, "f": f}
                for d, b, f in zip(dates, bools, floats, strict=True)
            ],
        )
        conn.execute(
            theirs.insert(),
            [
                {"d": d, "b": b, "f": float(f) if f is not None else None}
                for d, b, f in zip(dates, bools, floats, strict=True)
            ],
        )
    with engine.connect() as conn:
        raw_got = conn.exec_driver_sql(
            "SELECT d, typeof(d), b, typeof(b), f, typeof(f) FROM ours"
        ).all()
        raw_want = conn.exec_driver_sql(
            "SELECT d, typeof(d), b, typeof(b), f, typeof(f) FROM theirs"
        ).all()
        got = conn.execute(sa.select(ours)).all()
    engine.dispose()
    assert raw_got == raw_want
    assert got[0] == (dt.date(2026, 1, 2), True, 1.25, None)


def test_to_json_is_the_standard_encoders_text() -> None:
    from riskcore.store.rows import to_json

    values: list[Any] = [
        {"b": [1.5, None, True], "a": "é ☃", "c": {"z": 1e-7, "y": -0.0}},
        ["x", 2, 3.0, float("inf"), float("nan")],
        [],
        {},
        "},{",
        0.1 + 0.2,
    ]
    for value in values:
        assert to_json(value) == json.dumps(
            value, sort_keys=True, separators=(",", ":")
        )
    with pytest.raises(TypeError, match="not JSON serializable"):
        to_json({"d": dt.date(2026, 1, 2)})
    assert to_json([1]) == "[1]"  # a failed encoding leaves nothing behind


def test_reliabilities_are_asked_once_per_plugin_set_and_again_after_a_failure() -> (
    None
):
    """A record no longer calls every plugin's ``riskcore_instruments`` (issue
    #17); a plugin that failed is asked again, so a transient failure never
    sticks as missing reliabilities (which would silence reliable change)."""
    from riskcore.hookspecs import hookimpl
    from riskcore.instruments import InstrumentSpec
    from riskcore.plugins import PluginManager, get_plugin_manager
    from riskcore.store.rows import reliabilities

    spec = next(
        s
        for o in get_plugin_manager().call_each("riskcore_instruments")
        if o.ok and o.result
        for s in o.result
        if isinstance(s, InstrumentSpec) and s.reliability
    )
    calls = {"n": 0, "fail": True}

    class Flaky:
        @hookimpl
        def riskcore_instruments(self) -> list[InstrumentSpec]:
            calls["n"] += 1
            if calls["fail"]:
                raise RuntimeError("not yet")
            return [spec]

    pm = PluginManager(autoload=False, builtins=False, plugins=[("flaky", Flaky())])
    assert reliabilities(pm) == {}
    calls["fail"] = False
    first = reliabilities(pm)
    assert (spec.id, spec.reliability[0].scale) in first
    assert reliabilities(pm) is first
    assert calls["n"] == 2  # the failure was not kept; the answer was

    class Other:
        @hookimpl
        def riskcore_instruments(self) -> None:
            calls["n"] += 1

    pm.register(Other(), "other")
    assert reliabilities(pm) == first
    assert calls["n"] == 4  # another plugin: both asked again


def test_a_response_row_stores_an_invalid_answer_as_invalid(report1: Any) -> None:
    """The items' fast path (all numbers) and the slow one give the same text."""
    import attrs

    from riskcore.model.observations import InvalidAnswer
    from riskcore.store.rows import _response_rows

    case = report1.case
    first = case.responses[0]
    bad = attrs.evolve(
        first, items={**first.items, "zz": InvalidAnswer.of("2x"), "yy": None}
    )
    report = attrs.evolve(
        report1, case=attrs.evolve(case, responses=[bad, *case.responses[1:]])
    )
    rows = _response_rows(report, dt.date(2026, 10, 5))
    want = {**first.items, "zz": "invalid", "yy": None}
    assert rows[0]["items"] == json.dumps(want, sort_keys=True, separators=(",", ":"))
    assert rows[1]["items"] == json.dumps(
        dict(case.responses[1].items), sort_keys=True, separators=(",", ":")
    )
