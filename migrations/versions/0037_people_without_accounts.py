"""People without accounts, added by a facilitator.

contributor.added_by and consent_note: a facilitator adds a person without an account (an interviewee) to
credit, with how they asked to be credited and a note of their consent, seen only by the facilitator and
park staff.

Revision ID: 0037
Revises: 0036
"""

from alembic import op
import sqlalchemy as sa


revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("contributor", sa.Column("added_by", sa.Integer(), nullable=True))
    op.add_column("contributor", sa.Column("consent_note", sa.Text(), nullable=True))
    op.create_foreign_key(
        op.f("fk_contributor_added_by_user_account"),
        "contributor",
        "user_account",
        ["added_by"],
        ["id"],
        ondelete="SET NULL",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("fk_contributor_added_by_user_account"), "contributor", type_="foreignkey")
    op.drop_column("contributor", "consent_note")
    op.drop_column("contributor", "added_by")
