"""Access on request and the log of precise views.

access_grant: a scientist's request for precise access to a dataset with its purpose; its stewards
grant it until a day (it ends by itself: access.granted_sql reads expires_on against fieldapp_today())
or refuse it. precise_view: each time someone other than the contributor sees their records' precise
locations (steward, staff, granted access, export), shown on the contributor's page.

Revision ID: 0027
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op


revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "status <> 'granted' OR expires_on IS NOT NULL", name=op.f("ck_access_grant_granted_expires")
        ),
        sa.CheckConstraint("status IN ('requested', 'granted', 'refused')", name=op.f("ck_access_grant_status")),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["dataset.id"], name=op.f("fk_access_grant_dataset_id_dataset"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["user_account.id"],
            name=op.f("fk_access_grant_decided_by_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_access_grant_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_grant")),
    )
    op.create_index(op.f("ix_access_grant_dataset_id"), "access_grant", ["dataset_id"], unique=False)
    op.create_index(op.f("ix_access_grant_user_id"), "access_grant", ["user_id"], unique=False)
    op.create_table(
        "precise_view",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("contributor_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("dataset_id", sa.Integer(), nullable=True),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=400), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["contributor_id"],
            ["contributor.id"],
            name=op.f("fk_precise_view_contributor_id_contributor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["dataset.id"], name=op.f("fk_precise_view_dataset_id_dataset"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_precise_view_user_id_user_account"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_precise_view")),
    )
    op.create_index(op.f("ix_precise_view_at"), "precise_view", ["at"], unique=False)
    op.create_index(op.f("ix_precise_view_contributor_id"), "precise_view", ["contributor_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_precise_view_contributor_id"), table_name="precise_view")
    op.drop_index(op.f("ix_precise_view_at"), table_name="precise_view")
    op.drop_table("precise_view")
    op.drop_index(op.f("ix_access_grant_user_id"), table_name="access_grant")
    op.drop_index(op.f("ix_access_grant_dataset_id"), table_name="access_grant")
    op.drop_table("access_grant")
