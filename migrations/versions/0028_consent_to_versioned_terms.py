"""Consent to versioned terms.

terms_version holds each version of the park's terms (admins publish a new one; people are asked to agree
at their next visit); consent records each agreement with its version and time: a person's own online, or
one a facilitator recorded for someone they record for, with how it was given (in person, on paper,
verbally) and by whom.

Revision ID: 0028
Revises: 0027
"""

import sqlalchemy as sa
from alembic import op


revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "terms_version",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["published_by"],
            ["user_account.id"],
            name=op.f("fk_terms_version_published_by_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_terms_version")),
    )
    op.create_table(
        "consent",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("person_name", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("way", sa.String(length=16), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("dataset_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("way = 'online' OR recorded_by IS NOT NULL", name=op.f("ck_consent_facilitated_by")),
        sa.CheckConstraint("way IN ('online', 'in_person', 'paper', 'verbal')", name=op.f("ck_consent_way")),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["dataset.id"], name=op.f("fk_consent_dataset_id_dataset"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["user_account.id"], name=op.f("fk_consent_recorded_by_user_account"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_consent_user_id_user_account"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["version"], ["terms_version.version"], name=op.f("fk_consent_version_terms_version")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    op.create_index(op.f("ix_consent_user_id"), "consent", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_consent_user_id"), table_name="consent")
    op.drop_table("consent")
    op.drop_table("terms_version")
