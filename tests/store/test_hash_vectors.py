"""The hash format is frozen: the same rows give the same hashes as ever.

A register's chain is only useful if the rows written today hash exactly as the
rows written by earlier releases (``verify`` recomputes them with today's code).
The vectors below were written by riskcore at commit ``c5c06bb`` (before the
write path was made faster for issue #17): hand-built rows of every kind of
value a register holds (dates, floats given as ints, booleans, ``None``,
non-ASCII text, JSON text holding the row separator ``},{``, an erasable
identity) appended twice with a fixed clock. Any change to what a hash covers
or how its text is written fails here; so does any change to what SQLite stores.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest

sa = pytest.importorskip("sqlalchemy", reason="riskcore[store] is not installed")

from riskcore.store import chain, open_store, schema  # noqa: E402
from riskcore.store import core as store_core  # noqa: E402

NOW = "2026-12-03T10:00:00.000000+00:00"

LEDGER = [
    (
        1,
        "d5fc212915c3ebff6edeb85e4f0e0e7cb8f22622124becf26a582b76d95abceb",
        "73f93c85127b6f1a621063f35563353a6dea182de8106acfb6b517ff3d101298",
    ),
    (
        2,
        "2e6f61399edcf1a18fafc5ce9f2d5dc2667c23e578d73d8f644332f33c0b1c16",
        "b1cddc78cd33ac164f5aabe00d8826a7de09e0573e6418d81206be3f29161686",
    ),
]
"""``(seq, digest, hash)`` of the two records, as riskcore c5c06bb wrote them."""

STORED = "99c2c2e5cdb1d63037e4a3679c6b7d3e069142f38c1f82519692204e350792c5"
"""SHA-256 of every content row as SQLite stores it (``repr`` of the raw
tuples, tables in order), as riskcore c5c06bb wrote them."""


def _rows(conn: Any) -> dict[Any, list[dict[str, Any]]]:
    return {
        schema.runs: [
            {
                "case_id": "golden",
                "assessed_on": dt.date(2026, 1, 2),
                "method_version": "m/1",
                "plan_method": "p/1",
                "seed": 7,
                "riskcore_version": "v",
                "complete": True,
                "matrix": '{"name":"m"}',
                "plan": '{"ä":"é ☃ \\u0000","x":1.0}',
            }
        ],
        schema.subjects: [
            {"subject": "c-1", "kind": "client", "clinician": None},
            {"subject": "p-ø", "kind": "professional", "clinician": None},
        ],
        schema.responses: [
            {
                "subject": "c-1",
                "instrument": "phq9",
                "administered": dt.date(2025, 12, 31),
                "items": '{"1":3,"2":null,"3":"invalid"}',
            }
        ],
        schema.scores: [
            {
                "subject": "c-1",
                "instrument": "phq9",
                "scale": "total",
                "value": 21,
                "band": "severe",
                "administered": dt.date(2025, 12, 31),
                "flags": '["a},{b"]',
                "rel_sd": 5.5,
                "rel_r": 0.1 + 0.2,
                "rel_source": "Kroenke 2001 — “PHQ”",
                "higher_is_worse": True,
            },
            {
                "subject": "c-1",
                "instrument": "gad7",
                "scale": "total",
                "value": None,
                "band": None,
                "administered": dt.date(2026, 1, 2),
                "flags": "[]",
                "rel_sd": None,
                "rel_r": None,
                "rel_source": None,
                "higher_is_worse": None,
            },
        ],
        schema.risks: [
            {
                "risk_id": "t:c-1",
                "threat": "t",
                "subject": "c-1",
                "inherent_level": "high",
                "level": "high",
                "planned_level": "medium",
                "critical": False,
                "review_days": 30,
                "likelihood": 1e-7,
                "impact": 3.0,
                "factors": '[["r",1.234568]]',
            }
        ],
        schema.armed: [
            {
                "response": "r1",
                "subject": "c-1",
                "owner": "p-ø",
                "hours": 24,
                "reason": "x; y",
            }
        ],
        schema.obligations: [],
        schema.identities: [
            {
                "subject": "c-1",
                "field": "name",
                "digest": chain.value_digest("00", "Zoë"),
                "value": "Zoë",
                "salt": "00",
            }
        ],
    }


def _stored(engine: Any) -> str:
    raw = engine.raw_connection()
    try:
        text = repr(
            [
                raw.cursor().execute(f"SELECT * FROM {t.name} ORDER BY 1").fetchall()
                for t in schema.CONTENT_TABLES
            ]
        )
    finally:
        raw.close()
    return hashlib.sha256(text.encode()).hexdigest()


def test_rows_hash_and_chain_as_the_frozen_vectors(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_core, "_now", lambda: NOW)
    with open_store(db, today=dt.date(2026, 12, 3)) as store:
        store._append("run", _rows)
        store._append("run", _rows)
        with store.engine.connect() as conn:
            ledger = [
                (r.seq, r.digest, r.hash)
                for r in conn.execute(
                    sa.select(
                        schema.ledger.c.seq,
                        schema.ledger.c.digest,
                        schema.ledger.c.hash,
                    ).order_by(schema.ledger.c.seq)
                )
            ]
        assert ledger == LEDGER
        assert store.verify().ok
        if store.engine.dialect.name == "sqlite":
            assert _stored(store.engine) == STORED
