"""Wellbeing check-ins: the four ONS questions, answered by choice when joining a project and every few months.

Shown only as aggregates of at least five people (rules.WELLBEING_MIN_PEOPLE), never per person;
each answer goes with its account when the account is deleted.

Revision ID: 0023
Revises: 0022
"""

from alembic import op
import sqlalchemy as sa


revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wellbeing_checkin",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("life_satisfaction", sa.SmallInteger(), nullable=False),
        sa.Column("worthwhile", sa.SmallInteger(), nullable=False),
        sa.Column("happiness", sa.SmallInteger(), nullable=False),
        sa.Column("anxiety", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint("anxiety IS NULL OR anxiety BETWEEN 0 AND 10", name=op.f("ck_wellbeing_checkin_anxiety")),
        sa.CheckConstraint(
            "happiness IS NULL OR happiness BETWEEN 0 AND 10", name=op.f("ck_wellbeing_checkin_happiness")
        ),
        sa.CheckConstraint(
            "life_satisfaction IS NULL OR life_satisfaction BETWEEN 0 AND 10",
            name=op.f("ck_wellbeing_checkin_life_satisfaction"),
        ),
        sa.CheckConstraint(
            "worthwhile IS NULL OR worthwhile BETWEEN 0 AND 10", name=op.f("ck_wellbeing_checkin_worthwhile")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_wellbeing_checkin_project_id_project"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_wellbeing_checkin_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wellbeing_checkin")),
    )
    op.create_index(op.f("ix_wellbeing_checkin_project_id"), "wellbeing_checkin", ["project_id"], unique=False)
    op.create_index(op.f("ix_wellbeing_checkin_user_id"), "wellbeing_checkin", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_wellbeing_checkin_user_id"), table_name="wellbeing_checkin")
    op.drop_index(op.f("ix_wellbeing_checkin_project_id"), table_name="wellbeing_checkin")
    op.drop_table("wellbeing_checkin")
