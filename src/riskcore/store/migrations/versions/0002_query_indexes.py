"""Indexes for `riskcore due` and `riskcore history` (see benchmarks/results/store.md).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_responses_subject_date", "responses", ["subject", "administered"]
    )
    op.create_index(
        "ix_scores_subject_date",
        "scores",
        ["subject", "instrument", "scale", "administered"],
    )
    op.create_index("ix_subjects_subject", "subjects", ["subject", "record"])
    op.create_index("ix_risks_subject", "risks", ["subject", "record"])
    op.create_index("ix_risks_risk", "risks", ["risk_id", "record"])
    op.create_index("ix_reviews_target", "reviews", ["target", "reviewed_on"])
    op.create_index("ix_decisions_risk", "decisions", ["risk_id", "record"])


def downgrade() -> None:  # pragma: no cover - the register is never downgraded
    raise NotImplementedError("the practice register is never downgraded")
