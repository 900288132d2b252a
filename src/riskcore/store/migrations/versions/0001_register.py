"""The practice register: the ledger and the tables of its records.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("recorded_at", sa.String(length=40), nullable=False),
        sa.Column("corrects", sa.Integer(), sa.ForeignKey("ledger.seq"), nullable=True),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False, unique=True),
    )
    op.create_table(
        "armed",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record", sa.Integer(), sa.ForeignKey("ledger.seq"), nullable=False),
        sa.Column("response", sa.String(length=80), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=True),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
    )
    op.create_index("ix_armed_record", "armed", ["record"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record", sa.Integer(), sa.ForeignKey("ledger.seq"), nullable=False),
        sa.Column("risk_id", sa.String(length=200), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("by_whom", sa.String(length=80), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("expires", sa.Date(), nullable=True),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
    )
    op.create_index("ix_decisions_record", "decisions", ["record"])
    op.create_table(
        "forgets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record", sa.Integer(), sa.ForeignKey("ledger.seq"), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("fields", sa.Integer(), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
    )
    op.create_index("ix_forgets_record", "forgets", ["record"])
    op.create_table(
        "identities",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record", sa.Integer(), sa.ForeignKey("ledger.seq"), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("salt", sa.String(length=32), nullable=True),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
    )
    op.create_index("ix_identities_record", "identities", ["record"])
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record", sa.Integer(), sa.ForeignKey("ledger.seq"), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("threat", sa.String(length=80), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("severity", sa.String(length=40), nullable=False),
        sa.Column("near_miss", sa.Boolean(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
    )
    op.create_index("ix_incidents_record", "incidents", ["record"])
    op.create_table(
        "obligations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record", sa.Integer(), sa.ForeignKey("ledger.seq"), nullable=False),
        sa.Column("obligation", sa.String(length=80), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
    )
    op.create_index("ix_obligations_record", "obligations", ["record"])
    op.create_table(
        "responses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record", sa.Integer(), sa.ForeignKey("ledger.seq"), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("instrument", sa.String(length=80), nullable=False),
        sa.Column("administered", sa.Date(), nullable=True),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
    )
    op.create_index("ix_responses_record", "responses", ["record"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record", sa.Integer(), sa.ForeignKey("ledger.seq"), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("by_whom", sa.String(length=80), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
    )
    op.create_index("ix_reviews_record", "reviews", ["record"])
    op.create_table(
        "risks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record", sa.Integer(), sa.ForeignKey("ledger.seq"), nullable=False),
        sa.Column("risk_id", sa.String(length=200), nullable=False),
        sa.Column("threat", sa.String(length=80), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("inherent_level", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=40), nullable=False),
        sa.Column("planned_level", sa.String(length=40), nullable=False),
        sa.Column("critical", sa.Boolean(), nullable=False),
        sa.Column("review_days", sa.Float(), nullable=False),
        sa.Column("likelihood", sa.Float(), nullable=False),
        sa.Column("impact", sa.Float(), nullable=False),
        sa.Column("factors", sa.Text(), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
    )
    op.create_index("ix_risks_record", "risks", ["record"])
    op.create_table(
        "runs",
        sa.Column(
            "record", sa.Integer(), sa.ForeignKey("ledger.seq"), primary_key=True
        ),
        sa.Column("case_id", sa.String(length=80), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("method_version", sa.String(length=200), nullable=False),
        sa.Column("plan_method", sa.String(length=200), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("riskcore_version", sa.String(length=40), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("matrix", sa.Text(), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
    )
    op.create_table(
        "scores",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record", sa.Integer(), sa.ForeignKey("ledger.seq"), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("instrument", sa.String(length=80), nullable=False),
        sa.Column("scale", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("band", sa.String(length=80), nullable=True),
        sa.Column("administered", sa.Date(), nullable=True),
        sa.Column("flags", sa.Text(), nullable=False),
        sa.Column("rel_sd", sa.Float(), nullable=True),
        sa.Column("rel_r", sa.Float(), nullable=True),
        sa.Column("rel_source", sa.Text(), nullable=True),
        sa.Column("higher_is_worse", sa.Boolean(), nullable=True),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
    )
    op.create_index("ix_scores_record", "scores", ["record"])
    op.create_table(
        "subjects",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record", sa.Integer(), sa.ForeignKey("ledger.seq"), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("clinician", sa.String(length=80), nullable=True),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
    )
    op.create_index("ix_subjects_record", "subjects", ["record"])


def downgrade() -> None:  # pragma: no cover - the register is never downgraded
    raise NotImplementedError("the practice register is never downgraded")
