"""Notifications: one row per person to tell when someone annotates their record or answers their annotation.

The inbox lists them, the navigation counts the unread ones (a partial index on user_id where read_at IS
NULL), and `fieldapp notifications digest` emails the ones not yet emailed when SMTP is set up.

Revision ID: 0040
Revises: 0039
"""

from alembic import op
import sqlalchemy as sa


revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("observation_id", sa.UUID(), nullable=False),
        sa.Column("annotation_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('corroborate', 'question', 'context', 'correction', 'answer')", name=op.f("ck_notification_kind")
        ),
        sa.ForeignKeyConstraint(
            ["annotation_id"],
            ["annotation.id"],
            name=op.f("fk_notification_annotation_id_annotation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["observation_id"],
            ["observation.id"],
            name=op.f("fk_notification_observation_id_observation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_notification_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    op.create_index(op.f("ix_notification_annotation_id"), "notification", ["annotation_id"], unique=False)
    op.create_index(op.f("ix_notification_observation_id"), "notification", ["observation_id"], unique=False)
    op.create_index(
        "ix_notification_unread", "notification", ["user_id"], unique=False, postgresql_where=sa.text("read_at IS NULL")
    )
    op.create_index(op.f("ix_notification_user_id"), "notification", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_notification_user_id"), table_name="notification")
    op.drop_index("ix_notification_unread", table_name="notification", postgresql_where=sa.text("read_at IS NULL"))
    op.drop_index(op.f("ix_notification_observation_id"), table_name="notification")
    op.drop_index(op.f("ix_notification_annotation_id"), table_name="notification")
    op.drop_table("notification")
