"""Pseudonyms: person-contributors owned by an account.

A user may credit records and annotations to other names of their own (a pseudonym) besides
their account's display name. contributor.owner_user_id marks such a contributor and who may
use it; it is never shown to others, so a pseudonym's page cannot lead back to the account.
NULL for every other contributor (accounts' own, groups, imported people). One name per owner:
creating a pseudonym again by the same name is idempotent (offline phones may retry).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("contributor", sa.Column("owner_user_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        "fk_contributor_owner_user_id_user_account",
        "contributor",
        "user_account",
        ["owner_user_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_unique_constraint(
        "uq_contributor_owner_user_id_display_name", "contributor", ["owner_user_id", "display_name"]
    )


def downgrade() -> None:
    op.drop_constraint("uq_contributor_owner_user_id_display_name", "contributor", type_="unique")
    op.drop_constraint("fk_contributor_owner_user_id_user_account", "contributor", type_="foreignkey")
    op.drop_column("contributor", "owner_user_id")
