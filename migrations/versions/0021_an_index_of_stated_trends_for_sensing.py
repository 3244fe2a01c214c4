"""An index of stated trends: /sensing reads local knowledge's statements of change through it.

They are few beside the other records (a partial index), and without it each question scanned the
whole observation table for them (about 0.8 s at 1,000,000 rows).

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_observation_trend",
        "observation",
        ["dataset_id", "observed_start"],
        unique=False,
        postgresql_where=sa.text("trend IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_observation_trend", table_name="observation", postgresql_where=sa.text("trend IS NOT NULL"))
