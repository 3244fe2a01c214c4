"""A record may name its place: observation.place_id, the gazetteer's place it was at.

Precise data: outputs show it (and the place's name) only to those who may see the record precisely,
and only when they may see the place too (observations.columns.record_columns).

Revision ID: 0044
Revises: 0043
"""

import sqlalchemy as sa
from alembic import op

revision = "0044"
down_revision = "0043"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("observation", sa.Column("place_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_observation_place_id"), "observation", ["place_id"], unique=False)
    op.create_foreign_key(
        op.f("fk_observation_place_id_place"), "observation", "place", ["place_id"], ["id"], ondelete="SET NULL"
    )


def downgrade() -> None:
    op.drop_constraint(op.f("fk_observation_place_id_place"), "observation", type_="foreignkey")
    op.drop_index(op.f("ix_observation_place_id"), table_name="observation")
    op.drop_column("observation", "place_id")
