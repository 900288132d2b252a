"""The register under concurrent writers, killed writers and foreign files."""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
import signal
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from riskcore.errors import StoreError
from riskcore.store import open_store
from riskcore.store import schema as db_schema

from .conftest import TODAY

RISK = "client-self-harm:c-04"
PER_WORKER = 15


def _writer(path: str, who: str) -> None:
    from riskcore.store import open_store

    with open_store(path, today=TODAY) as store:
        for i in range(PER_WORKER):
            store.review(RISK, by=who, on=dt.date(2026, 11, 1 + i), outcome="unchanged")
            store.incident(threat="client-self-harm", subject="c-04",
                           on=dt.date(2026, 11, 1 + i), severity="minor", actions=who)  # fmt: skip


def _count(store: Any, table: sa.Table, *where: Any) -> int:
    q = sa.select(sa.func.count()).select_from(table).where(*where)
    with store.engine.connect() as conn:
        return int(conn.execute(q).scalar_one())


def test_two_processes_recording_at_once_lose_nothing(db: str, report1: Any) -> None:
    path = db
    with open_store(path, today=TODAY) as store:
        store.record(report1)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, who)) for who in ("t-01", "t-02")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
    assert [p.exitcode for p in procs] == [0, 0]
    with open_store(path, today=TODAY) as store:
        report = store.verify()
        assert report.ok, report.problems
        assert report.records == 1 + 2 * 2 * PER_WORKER
        for who in ("t-01", "t-02"):
            assert (
                _count(store, db_schema.reviews, db_schema.reviews.c.by_whom == who)
                == PER_WORKER
            )
            assert (
                _count(store, db_schema.incidents, db_schema.incidents.c.actions == who)
                == PER_WORKER
            )


def _record_and_hang(path: str, report: Any, ready: Any) -> None:
    from sqlalchemy import event

    from riskcore.store import open_store

    store = open_store(path, today=TODAY)

    @event.listens_for(store.engine, "before_cursor_execute")
    def _stall(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO risks"):
            ready.set()  # the ledger entry and some rows are written, not committed
            import time

            time.sleep(600)

    store.record(report)


def test_a_writer_killed_mid_record_leaves_the_register_as_it_was(
    db: str, report1: Any
) -> None:
    path = db
    with open_store(path, today=TODAY) as store:
        store.record(report1)
        before = store.verify()
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    proc = ctx.Process(target=_record_and_hang, args=(path, report1, ready))
    proc.start()
    assert ready.wait(timeout=300), "the writer never reached the risks"
    assert proc.pid is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(timeout=60)
    assert proc.exitcode == -signal.SIGKILL
    with open_store(path, today=TODAY) as store:
        after = store.verify()
        assert after.ok
        assert (after.records, after.rows, after.head) == (
            before.records,
            before.rows,
            before.head,
        )
        # the lock died with the writer: the next record goes through
        assert store.record(report1) == 2


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_foreign_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("not a database\n")
    with pytest.raises(StoreError) as err:
        open_store(str(path))
    assert str(err.value) == (
        f"{path}: not a riskcore store (the file is not a SQLite database); "
        "refusing to use or overwrite it"
    )
    assert path.read_text() == "not a database\n"


def test_another_applications_database_is_refused_and_left_alone(
    tmp_path: Path,
) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE contacts (name TEXT)")
    con.commit()
    con.close()
    digest = _digest(path)
    with pytest.raises(
        StoreError,
        match=r"not a riskcore store \(a database with other tables: contacts\)",
    ):
        open_store(str(path))
    assert _digest(path) == digest


def test_a_corrupt_register_is_refused_with_path_and_reason(
    tmp_path: Path, report1: Any
) -> None:
    path = tmp_path / "r.db"
    with open_store(str(path)) as store:
        store.record(report1)
    data = bytearray(path.read_bytes())
    data[16:100] = b"\xff" * 84  # page size and header fields: a damaged file
    path.write_bytes(bytes(data))
    digest = _digest(path)
    with pytest.raises(StoreError) as err:
        open_store(str(path))
    message = str(err.value)
    assert message.startswith(f"{path}: ")
    assert "not a riskcore store or corrupt" in message
    assert _digest(path) == digest


def test_a_register_damaged_inside_is_refused_by_verify_and_queries(
    tmp_path: Path, report1: Any
) -> None:
    path = tmp_path / "r.db"
    with open_store(str(path)) as store:
        store.record(report1)
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(len(data) - 12 * page, len(data), page):  # rows of the run
        data[start : start + 64] = os.urandom(64)
    path.write_bytes(bytes(data))
    with open_store(str(path)) as store:
        with pytest.raises(StoreError, match=f"^{path}: the register cannot be read"):
            store.due(dt.date(2026, 11, 1))
        with pytest.raises(StoreError, match=f"^{path}: the register cannot be read"):
            store.verify()
