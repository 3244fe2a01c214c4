"""Datasets run from the web: further stewards, who may record, the right to create datasets.

dataset_steward names further stewards of a dataset (people or groups) beside dataset.steward_id, so
staff can invite a scientist to steward an existing dataset; dataset.recording says who may record into
it (open, members of recording_groups, or the accounts in dataset_recorder); user_account.may_create_datasets
is the right staff give a member to create datasets. Every rule reading them is in fieldapp/access.py.

Revision ID: 0030
Revises: 0029
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dataset_steward",
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("contributor_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contributor_id"],
            ["contributor.id"],
            name=op.f("fk_dataset_steward_contributor_id_contributor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["dataset.id"], name=op.f("fk_dataset_steward_dataset_id_dataset"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("dataset_id", "contributor_id", name=op.f("pk_dataset_steward")),
    )
    op.create_index(op.f("ix_dataset_steward_contributor_id"), "dataset_steward", ["contributor_id"], unique=False)
    op.create_table(
        "dataset_recorder",
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["dataset.id"], name=op.f("fk_dataset_recorder_dataset_id_dataset"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_dataset_recorder_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("dataset_id", "user_id", name=op.f("pk_dataset_recorder")),
    )
    op.create_index(op.f("ix_dataset_recorder_user_id"), "dataset_recorder", ["user_id"], unique=False)
    op.add_column("dataset", sa.Column("recording", sa.String(length=16), server_default="open", nullable=False))
    op.add_column(
        "dataset", sa.Column("recording_groups", postgresql.ARRAY(sa.Integer()), server_default="{}", nullable=False)
    )
    op.add_column(
        "user_account", sa.Column("may_create_datasets", sa.Boolean(), server_default=sa.text("false"), nullable=False)
    )
    op.create_check_constraint(op.f("ck_dataset_recording"), "dataset", "recording IN ('open', 'groups', 'invited')")
    op.create_check_constraint(
        op.f("ck_dataset_recording_groups"), "dataset", "recording = 'groups' OR cardinality(recording_groups) = 0"
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_dataset_recording_groups"), "dataset")
    op.drop_constraint(op.f("ck_dataset_recording"), "dataset")
    op.drop_column("user_account", "may_create_datasets")
    op.drop_column("dataset", "recording_groups")
    op.drop_column("dataset", "recording")
    op.drop_index(op.f("ix_dataset_recorder_user_id"), table_name="dataset_recorder")
    op.drop_table("dataset_recorder")
    op.drop_index(op.f("ix_dataset_steward_contributor_id"), table_name="dataset_steward")
    op.drop_table("dataset_steward")
