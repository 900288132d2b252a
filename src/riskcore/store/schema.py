"""The tables of the practice register (SQLAlchemy Core), as of the newest migration.

Every table but ``ledger`` holds the rows of one ledger record (column
``record``); nothing is ever updated in place except the erasable ``value`` and
``salt`` of :data:`identities` (``riskcore forget``). ``row_hash`` is the SHA-256
of the row's canonical content (:func:`riskcore.store.chain.row_hash`); the
ledger chains the records (:mod:`riskcore.store.chain`).

The migrations under ``riskcore/store/migrations/versions`` build exactly these
tables; ``tests/test_store.py::test_migrations_build_the_schema`` checks that
they agree.

.. versionadded:: 0.1
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = ["CONTENT_TABLES", "metadata"]

metadata = sa.MetaData()

ID = sa.String(80)
HASH = sa.String(64)


def _record() -> sa.Column[int]:
    return sa.Column(
        "record", sa.Integer, sa.ForeignKey("ledger.seq"), nullable=False, index=True
    )


def _rowhash() -> sa.Column[str]:
    return sa.Column("row_hash", HASH, nullable=False)


ledger = sa.Table(
    "ledger",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("recorded_at", sa.String(40), nullable=False),
    sa.Column("corrects", sa.Integer, sa.ForeignKey("ledger.seq"), nullable=True),
    sa.Column("counts", sa.Text, nullable=False),
    sa.Column("digest", HASH, nullable=False),
    sa.Column("prev_hash", HASH, nullable=False),
    sa.Column("hash", HASH, nullable=False, unique=True),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("record", sa.Integer, sa.ForeignKey("ledger.seq"), primary_key=True),
    sa.Column("case_id", ID, nullable=False),
    sa.Column("assessed_on", sa.Date, nullable=False),
    sa.Column("method_version", sa.String(200), nullable=False),
    sa.Column("plan_method", sa.String(200), nullable=False),
    sa.Column("seed", sa.BigInteger, nullable=False),
    sa.Column("riskcore_version", sa.String(40), nullable=False),
    sa.Column("complete", sa.Boolean, nullable=False),
    sa.Column("matrix", sa.Text, nullable=False),
    sa.Column("plan", sa.Text, nullable=False),
    _rowhash(),
)

subjects = sa.Table(
    "subjects",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _record(),
    sa.Column("subject", ID, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("clinician", ID, nullable=True),
    _rowhash(),
)

responses = sa.Table(
    "responses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _record(),
    sa.Column("subject", ID, nullable=False),
    sa.Column("instrument", ID, nullable=False),
    sa.Column("administered", sa.Date, nullable=True),
    sa.Column("items", sa.Text, nullable=False),
    _rowhash(),
)

scores = sa.Table(
    "scores",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _record(),
    sa.Column("subject", ID, nullable=False),
    sa.Column("instrument", ID, nullable=False),
    sa.Column("scale", ID, nullable=False),
    sa.Column("value", sa.Float, nullable=True),
    sa.Column("band", sa.String(80), nullable=True),
    sa.Column("administered", sa.Date, nullable=True),
    sa.Column("flags", sa.Text, nullable=False),
    sa.Column("rel_sd", sa.Float, nullable=True),
    sa.Column("rel_r", sa.Float, nullable=True),
    sa.Column("rel_source", sa.Text, nullable=True),
    sa.Column("higher_is_worse", sa.Boolean, nullable=True),
    _rowhash(),
)

risks = sa.Table(
    "risks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _record(),
    sa.Column("risk_id", sa.String(200), nullable=False),
    sa.Column("threat", ID, nullable=False),
    sa.Column("subject", ID, nullable=False),
    sa.Column("inherent_level", sa.String(40), nullable=False),
    sa.Column("level", sa.String(40), nullable=False),
    sa.Column("planned_level", sa.String(40), nullable=False),
    sa.Column("critical", sa.Boolean, nullable=False),
    sa.Column("review_days", sa.Float, nullable=False),
    sa.Column("likelihood", sa.Float, nullable=False),
    sa.Column("impact", sa.Float, nullable=False),
    sa.Column("factors", sa.Text, nullable=False),
    _rowhash(),
)

armed = sa.Table(
    "armed",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _record(),
    sa.Column("response", ID, nullable=False),
    sa.Column("subject", ID, nullable=True),
    sa.Column("owner", sa.String(80), nullable=False),
    sa.Column("hours", sa.Float, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    _rowhash(),
)

obligations = sa.Table(
    "obligations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _record(),
    sa.Column("obligation", ID, nullable=False),
    sa.Column("subject", ID, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("owner", sa.String(80), nullable=False),
    sa.Column("hours", sa.Float, nullable=False),
    _rowhash(),
)

decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _record(),
    sa.Column("risk_id", sa.String(200), nullable=False),
    sa.Column("decision", sa.String(20), nullable=False),
    sa.Column("by_whom", ID, nullable=False),
    sa.Column("decided_on", sa.Date, nullable=False),
    sa.Column("justification", sa.Text, nullable=False),
    sa.Column("expires", sa.Date, nullable=True),
    sa.Column("next_review", sa.Date, nullable=True),
    _rowhash(),
)

incidents = sa.Table(
    "incidents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _record(),
    sa.Column("occurred_on", sa.Date, nullable=False),
    sa.Column("threat", ID, nullable=False),
    sa.Column("subject", ID, nullable=False),
    sa.Column("severity", sa.String(40), nullable=False),
    sa.Column("near_miss", sa.Boolean, nullable=False),
    sa.Column("actions", sa.Text, nullable=False),
    _rowhash(),
)

reviews = sa.Table(
    "reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _record(),
    sa.Column("target", sa.String(200), nullable=False),
    sa.Column("by_whom", ID, nullable=False),
    sa.Column("reviewed_on", sa.Date, nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    _rowhash(),
)

identities = sa.Table(
    "identities",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _record(),
    sa.Column("subject", ID, nullable=False),
    sa.Column("field", sa.String(40), nullable=False),
    sa.Column("digest", HASH, nullable=False),
    sa.Column("value", sa.Text, nullable=True),
    sa.Column("salt", sa.String(32), nullable=True),
    _rowhash(),
)

forgets = sa.Table(
    "forgets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _record(),
    sa.Column("subject", ID, nullable=False),
    sa.Column("fields", sa.Integer, nullable=False),
    _rowhash(),
)

# Indexes for `due` and `history` (migration 0002).
sa.Index("ix_responses_subject_date", responses.c.subject, responses.c.administered)
sa.Index(
    "ix_scores_subject_date",
    scores.c.subject,
    scores.c.instrument,
    scores.c.scale,
    scores.c.administered,
)
sa.Index("ix_subjects_subject", subjects.c.subject, subjects.c.record)
sa.Index("ix_risks_subject", risks.c.subject, risks.c.record)
sa.Index("ix_risks_risk", risks.c.risk_id, risks.c.record)
sa.Index("ix_reviews_target", reviews.c.target, reviews.c.reviewed_on)
sa.Index("ix_decisions_risk", decisions.c.risk_id, decisions.c.record)

CONTENT_TABLES: tuple[sa.Table, ...] = (
    runs,
    subjects,
    responses,
    scores,
    risks,
    armed,
    obligations,
    decisions,
    incidents,
    reviews,
    identities,
    forgets,
)
"""Every table whose rows belong to a ledger record, in verification order."""

ERASABLE = {"identities": ("value", "salt")}
"""Columns left out of the row hash because ``forget`` may erase them."""
