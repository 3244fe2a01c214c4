"""Names of places are reviewed like names of subjects: annotation.place_name_id, place_name.added_by.

An annotation has one target (an observation, a name of a subject, or a name of a place); a name is
corroborated, questioned or given context, never corrected (another name is added). place_name.added_by
is the account that gave the name, so its giver's own corroboration is not counted (the subjects' rule).

Revision ID: 0046
Revises: 0045
"""

import sqlalchemy as sa
from alembic import op

revision = "0046"
down_revision = "0045"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("place_name", sa.Column("added_by", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_place_name_added_by_user_account"),
        "place_name",
        "user_account",
        ["added_by"],
        ["id"],
        ondelete="SET NULL",
    )
    op.execute("UPDATE place_name n SET added_by = p.entered_by FROM place p WHERE p.id = n.place_id")
    op.add_column("annotation", sa.Column("place_name_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_annotation_place_name_id_place_name"),
        "annotation",
        "place_name",
        ["place_name_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_index(op.f("ix_annotation_place_name_id"), "annotation", ["place_name_id"], unique=False)
    op.drop_constraint(op.f("ck_annotation_one_target"), "annotation", type_="check")
    op.create_check_constraint(
        op.f("ck_annotation_one_target"),
        "annotation",
        "num_nonnulls(observation_id, subject_name_id, place_name_id) = 1",
    )
    op.drop_constraint(op.f("ck_annotation_name_no_correction"), "annotation", type_="check")
    op.create_check_constraint(
        op.f("ck_annotation_name_no_correction"),
        "annotation",
        "(subject_name_id IS NULL AND place_name_id IS NULL) OR kind <> 'correction'",
    )


def downgrade() -> None:
    op.execute("DELETE FROM annotation WHERE place_name_id IS NOT NULL")
    op.drop_constraint(op.f("ck_annotation_name_no_correction"), "annotation", type_="check")
    op.create_check_constraint(
        op.f("ck_annotation_name_no_correction"), "annotation", "subject_name_id IS NULL OR kind <> 'correction'"
    )
    op.drop_constraint(op.f("ck_annotation_one_target"), "annotation", type_="check")
    op.create_check_constraint(
        op.f("ck_annotation_one_target"), "annotation", "num_nonnulls(observation_id, subject_name_id) = 1"
    )
    op.drop_index(op.f("ix_annotation_place_name_id"), table_name="annotation")
    op.drop_constraint(op.f("fk_annotation_place_name_id_place_name"), "annotation", type_="foreignkey")
    op.drop_column("annotation", "place_name_id")
    op.drop_constraint(op.f("fk_place_name_added_by_user_account"), "place_name", type_="foreignkey")
    op.drop_column("place_name", "added_by")
