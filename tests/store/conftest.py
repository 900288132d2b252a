"""Fixtures of the register's tests: both engines, and two recorded plans.

Every store test that takes ``db`` runs on SQLite and on PostgreSQL. The
PostgreSQL run uses ``RISKCORE_TEST_PG_URL`` (each test in its own schema,
dropped afterwards); without a reachable server it is skipped with a message,
unless ``RISKCORE_REQUIRE_POSTGRES=1`` (set by ``.ci/run``), where it fails.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import riskcore

pytest.importorskip("sqlalchemy", reason="riskcore[store] is not installed")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "longmont-practice.yaml"
TODAY = dt.date(2026, 12, 3)


def pg_url() -> str:
    """The PostgreSQL URL of the tests, or skip/fail as the CI variable says."""
    import sqlalchemy as sa

    url = os.environ.get("RISKCORE_TEST_PG_URL")
    required = os.environ.get("RISKCORE_REQUIRE_POSTGRES") == "1"
    reason = None
    if not url:
        reason = "RISKCORE_TEST_PG_URL is not set"
    else:
        try:
            engine = sa.create_engine(
                url.replace("postgresql://", "postgresql+psycopg://", 1)
            )
            with engine.connect():
                pass
            engine.dispose()
        except Exception as exc:
            reason = f"PostgreSQL at RISKCORE_TEST_PG_URL is unreachable ({type(exc).__name__})"
    if reason is not None:
        if required:
            pytest.fail(
                f"PostgreSQL is required (RISKCORE_REQUIRE_POSTGRES=1) but {reason}"
            )
        pytest.skip(f"no PostgreSQL for the store tests: {reason}")
    assert url is not None
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty register location on each engine."""
    if request.param == "sqlite":
        yield str(tmp_path / "register.db")
        return
    import sqlalchemy as sa

    base = pg_url().replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(scope="session")
def example_case() -> Any:
    return riskcore.load_case(EXAMPLE)


@pytest.fixture(scope="session")
def report1(example_case: Any) -> Any:
    """The example practice's plan (assessed 2026-10-05)."""
    return riskcore.build_plan(example_case, n=0, seed=1, today=dt.date(2026, 10, 5))


@pytest.fixture(scope="session")
def report2(example_case: Any) -> Any:
    """A month later: c-01's PHQ-9 is now at the top of the scale (self-harm up)."""
    responses = list(example_case.responses)
    for i, r in enumerate(responses):
        if r.subject == "c-01" and r.instrument == "phq9":
            responses[i] = attrs.evolve(
                r,
                items={str(k): 3 for k in range(1, 10)},
                administered=dt.date(2026, 11, 2),
            )
    case = attrs.evolve(
        example_case, responses=responses, assessed_on=dt.date(2026, 11, 2)
    )
    return riskcore.build_plan(case, n=0, seed=1, today=dt.date(2026, 11, 2))


@pytest.fixture
def store(db: str) -> Iterator[Any]:
    from riskcore.store import open_store

    with open_store(db, today=TODAY) as s:
        yield s


@pytest.fixture
def recorded(store: Any, report1: Any, report2: Any) -> Any:
    """A register with two runs of the example practice."""
    store.record(report1)
    store.record(report2)
    return store
