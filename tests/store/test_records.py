"""Recording runs, the hash chain, corrections and migrations (riskcore.store)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from riskcore.errors import StoreError
from riskcore.store import open_store
from riskcore.store import schema as db_schema
from riskcore.store.engine import HEAD

from .conftest import TODAY


def _count(store: Any, table: sa.Table) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        )


def test_a_run_is_recorded_whole_and_verifies(store: Any, report1: Any) -> None:
    run = store.record(report1)
    assert run == 1
    assert store.verify().ok
    runs = store.runs()
    assert runs.loc[0, "method_version"] == report1.register.method_version
    assert runs.loc[0, "seed"] == 1
    assert _count(store, db_schema.risks) == len(report1.register.risks)
    assert _count(store, db_schema.scores) == len(report1.assessment.scores)
    assert _count(store, db_schema.responses) == len(report1.case.responses)
    assert _count(store, db_schema.armed) == len(report1.armed)
    assert _count(store, db_schema.obligations) == len(report1.obligations.obligations)
    with store.engine.connect() as conn:
        plan = conn.execute(sa.select(db_schema.runs.c.plan)).scalar_one()
    assert '"case_id":"longmont-practice"' in plan.replace(" ", "")


def test_identifying_fields_are_stored_only_on_opt_in(
    db: str, example_case: Any, report1: Any
) -> None:
    import attrs

    named = attrs.evolve(
        example_case,
        clients=[
            attrs.evolve(example_case.clients[0], name="Jane Doe"),
            *example_case.clients[1:],
        ],
    )
    report = attrs.evolve(report1, case=named)
    with open_store(db, today=TODAY) as store:
        store.record(report)
        assert _count(store, db_schema.identities) == 0
        store.record(report, identifying=True)
        with store.engine.connect() as conn:
            values = (
                conn.execute(
                    sa.select(db_schema.identities.c.value).where(
                        db_schema.identities.c.subject == "c-01"
                    )
                )
                .scalars()
                .all()
            )
        assert "Jane Doe" in values
        # exports are pseudonymous: no frame shows the name
        for frame in (
            store.runs(),
            store.history("c-01"),
            store.levels("c-01"),
            store.due(),
        ):
            assert "Jane Doe" not in frame.to_csv()
        assert store.forget("c-01") == len(values)
        with store.engine.connect() as conn:
            left = conn.execute(
                sa.select(db_schema.identities.c.value).where(
                    db_schema.identities.c.value.is_not(None),
                    db_schema.identities.c.subject == "c-01",
                )
            ).all()
            forgets = conn.execute(sa.select(db_schema.forgets)).mappings().all()
        assert left == []
        assert [(f["subject"], f["fields"]) for f in forgets] == [("c-01", len(values))]
        assert store.verify().ok


def test_a_correction_points_at_the_record_it_corrects(recorded: Any) -> None:
    first = recorded.incident(
        threat="client-self-harm",
        subject="c-04",
        on=dt.date(2026, 11, 3),
        severity="minor",
    )
    fixed = recorded.incident(
        threat="client-self-harm",
        subject="c-04",
        on=dt.date(2026, 11, 3),
        severity="major",
        corrects=first,
    )
    frame = recorded.incidents()
    assert frame["record"].tolist() == [fixed]
    assert frame.loc[0, "corrects"] == first
    assert frame.loc[0, "severity"] == "major"
    with pytest.raises(StoreError, match="record 1 is a run, not a incident"):
        recorded.incident(
            threat="client-self-harm",
            subject="c-04",
            on=TODAY,
            severity="minor",
            corrects=1,
        )
    assert recorded.verify().ok


# ------------------------------------------------------------------ tampering


def _tamper(path: str, *statements: str) -> None:
    con = sqlite3.connect(path)  # foreign keys off: what a tamperer would do
    con.executescript(";".join(statements))
    con.close()


@pytest.fixture
def three(tmp_path: Path, report1: Any) -> str:
    path = str(tmp_path / "r.db")
    with open_store(path, today=TODAY) as store:
        store.record(report1)
        store.review(
            "client-self-harm:c-04",
            by="t-04",
            on=dt.date(2026, 10, 6),
            outcome="unchanged",
        )
        store.review(
            "client-self-harm:c-04",
            by="t-04",
            on=dt.date(2026, 10, 7),
            outcome="changed",
        )
        store.review(
            "client-self-harm:c-04",
            by="t-04",
            on=dt.date(2026, 10, 8),
            outcome="closed",
        )
    return path


def _problems(path: str) -> tuple[str, ...]:
    with open_store(path, today=TODAY) as store:
        return store.verify().problems


def test_verify_names_an_edited_row(three: str) -> None:
    _tamper(three, "UPDATE scores SET value = 0 WHERE id = 7")
    problems = _problems(three)
    assert problems == (
        "scores row 7 (record 1): edited (its content does not match its hash)",
    )


def test_verify_names_an_edited_row_even_with_its_hash_recomputed(three: str) -> None:
    from riskcore.store import chain

    con = sqlite3.connect(three)
    con.row_factory = sqlite3.Row
    row = dict(con.execute("SELECT * FROM reviews WHERE record = 3").fetchone())
    row["outcome"] = "unchanged"
    row["reviewed_on"] = dt.date.fromisoformat(row["reviewed_on"])
    new = chain.row_hash("reviews", row)
    con.execute(
        "UPDATE reviews SET outcome = 'unchanged', row_hash = ? WHERE record = 3",
        (new,),
    )
    con.commit()
    con.close()
    assert _problems(three) == (
        "record 3 (review): rows replaced (their hashes do not match the record's digest)",
    )


def test_verify_names_a_deleted_row(three: str) -> None:
    _tamper(three, "DELETE FROM risks WHERE id = 5")
    (problem,) = _problems(three)
    assert problem.startswith("record 1 (run): 1 row(s) of risks deleted (declared ")


def test_verify_names_a_deleted_record(three: str) -> None:
    _tamper(
        three,
        "DELETE FROM reviews WHERE record = 3",
        "DELETE FROM ledger WHERE seq = 3",
    )
    assert _problems(three) == ("record 3: deleted (missing from the ledger)",)


def test_a_cut_short_chain_is_caught_by_a_witness(three: str) -> None:
    # Dropping the newest record leaves a shorter chain, valid in itself: the
    # head an auditor kept from an earlier verification catches it.
    with open_store(three, today=TODAY) as store:
        witness = store.verify().head
    _tamper(
        three,
        "DELETE FROM reviews WHERE record = 4",
        "DELETE FROM ledger WHERE seq = 4",
    )
    with open_store(three, today=TODAY) as store:
        assert store.verify().ok
        (problem,) = store.verify(witness).problems
    assert problem == (
        f"witness {witness[:16]}: not in the ledger (the records after it were "
        "deleted, or the chain was rewritten)"
    )


def test_verify_names_reordered_records(three: str) -> None:
    _tamper(
        three,
        "UPDATE reviews SET record = -3 WHERE record = 3",
        "UPDATE ledger SET seq = -3 WHERE seq = 3",
        "UPDATE reviews SET record = 3 WHERE record = 4",
        "UPDATE ledger SET seq = 3 WHERE seq = 4",
        "UPDATE reviews SET record = 4 WHERE record = -3",
        "UPDATE ledger SET seq = 4 WHERE seq = -3",
    )
    problems = _problems(three)
    assert (
        "record 3 (review): out of order or its predecessor was replaced (it does not follow record 2)"
        in problems
    )
    assert any(p.startswith("record 3 (review): edited") for p in problems)


def test_verify_names_an_edited_ledger_entry(three: str) -> None:
    _tamper(three, "UPDATE ledger SET recorded_at = '2020-01-01' WHERE seq = 2")
    problems = _problems(three)
    assert (
        problems[0]
        == "record 2 (review): edited (its ledger entry does not match its hash)"
    )


def test_verify_names_an_erased_identity_without_a_forget_record(
    tmp_path: Path, report1: Any
) -> None:
    import attrs

    path = str(tmp_path / "r.db")
    clients = list(report1.case.clients)
    clients[0] = attrs.evolve(clients[0], name="Jane Doe")
    case = attrs.evolve(report1.case, clients=clients)
    with open_store(path, today=TODAY) as store:
        store.record(attrs.evolve(report1, case=case), identifying=True)
    _tamper(path, "UPDATE identities SET value = 'John Roe' WHERE field = 'name'")
    assert any("identities row" in p and "edited" in p for p in _problems(path))
    _tamper(
        path, "UPDATE identities SET value = NULL, salt = NULL WHERE field = 'name'"
    )
    assert any("removed without a forget record" in p for p in _problems(path))


# ------------------------------------------------------------------ engine


def test_a_new_sqlite_register_is_owner_only_with_wal_and_foreign_keys(
    tmp_path: Path,
) -> None:
    path = tmp_path / "new.db"
    with open_store(str(path)) as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_the_location_comes_from_riskcore_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RISKCORE_DB", str(tmp_path / "env.db"))
    with open_store() as store:
        assert store.verify().ok
    assert (tmp_path / "env.db").exists()


def test_an_older_register_is_upgraded(tmp_path: Path) -> None:
    from alembic import command

    from riskcore.store.engine import _alembic_config

    path = tmp_path / "old.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
    with engine.connect() as conn:
        assert "ix_scores_subject_date" not in {
            i["name"] for i in sa.inspect(conn).get_indexes("scores")
        }
    engine.dispose()
    with open_store(str(path)) as store, store.engine.connect() as conn:
        assert (
            conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            == HEAD
        )
        assert "ix_scores_subject_date" in {
            i["name"] for i in sa.inspect(conn).get_indexes("scores")
        }


def test_a_newer_register_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    open_store(str(path)).close()
    _tamper(str(path), "UPDATE alembic_version SET version_num = '0999'")
    with pytest.raises(
        StoreError,
        match=r"revision '0999', newer than this riskcore knows \('0002'\): upgrade riskcore",
    ):
        open_store(str(path))


def test_migrations_build_the_schema(db: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with open_store(db) as store, store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), db_schema.metadata)
    assert diffs == []


def test_import_riskcore_does_not_import_sqlalchemy() -> None:
    code = (
        "import sys, riskcore, riskcore.cli; riskcore.cli.build_parser(); "
        "print('sqlalchemy' in sys.modules, 'alembic' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False False"


def test_postgresql_tests_skip_locally_and_fail_when_required(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from .conftest import pg_url

    monkeypatch.setenv("RISKCORE_TEST_PG_URL", "postgresql://nobody@127.0.0.1:1/none")
    monkeypatch.delenv("RISKCORE_REQUIRE_POSTGRES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="unreachable"):
        pg_url()
    monkeypatch.setenv("RISKCORE_REQUIRE_POSTGRES", "1")
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL is required"):
        pg_url()
