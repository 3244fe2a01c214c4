"""Names of living things as contributed knowledge: matched in every language, reviewed, preferred.

unaccent and pg_trgm (PostgreSQL's contrib, shipped with the server package) fold accents and
match partial words; fieldapp_fold(text) is the immutable folding every name search uses.
subject_name gains who added it and when, and a CHECK on its language code. An annotation now has
one target, an observation or a subject's name (the same review kept as data for both).
preferred_name: the name a dataset's stewards prefer for a subject in their dataset.

Revision ID: 0034
Revises: 0033
"""

import sqlalchemy as sa
from alembic import op
from alembic_utils.pg_function import PGFunction

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

FOLD = PGFunction(
    schema="public",
    signature="fieldapp_fold(t text)",
    definition="RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$\n"
    "  SELECT lower(public.unaccent('public.unaccent'::regdictionary, t))\n$$",
)


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    op.create_entity(FOLD)
    op.add_column("subject_name", sa.Column("added_by", sa.Integer(), nullable=True))
    op.add_column(
        "subject_name",
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    )
    op.create_foreign_key(
        op.f("fk_subject_name_added_by_user_account"),
        "subject_name",
        "user_account",
        ["added_by"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_check_constraint(
        op.f("ck_subject_name_language"), "subject_name", "language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$'"
    )
    op.alter_column("annotation", "observation_id", existing_type=sa.UUID(), nullable=True)
    op.add_column("annotation", sa.Column("subject_name_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_annotation_subject_name_id_subject_name"),
        "annotation",
        "subject_name",
        ["subject_name_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_index(op.f("ix_annotation_subject_name_id"), "annotation", ["subject_name_id"], unique=False)
    op.create_check_constraint(
        op.f("ck_annotation_one_target"), "annotation", "num_nonnulls(observation_id, subject_name_id) = 1"
    )
    op.create_check_constraint(
        op.f("ck_annotation_name_no_correction"), "annotation", "subject_name_id IS NULL OR kind <> 'correction'"
    )
    op.create_table(
        "preferred_name",
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("subject_name_id", sa.Integer(), nullable=False),
        sa.Column("chosen_by", sa.Integer(), nullable=True),
        sa.Column("chosen_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["chosen_by"], ["contributor.id"], name=op.f("fk_preferred_name_chosen_by_contributor")
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["dataset.id"], name=op.f("fk_preferred_name_dataset_id_dataset"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_preferred_name_subject_id_subject"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["subject_name_id"],
            ["subject_name.id"],
            name=op.f("fk_preferred_name_subject_name_id_subject_name"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dataset_id", "subject_id", name=op.f("pk_preferred_name")),
    )
    op.create_index(op.f("ix_preferred_name_subject_name_id"), "preferred_name", ["subject_name_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_preferred_name_subject_name_id"), table_name="preferred_name")
    op.drop_table("preferred_name")
    op.execute("DELETE FROM annotation WHERE subject_name_id IS NOT NULL")
    op.drop_constraint(op.f("ck_annotation_name_no_correction"), "annotation", type_="check")
    op.drop_constraint(op.f("ck_annotation_one_target"), "annotation", type_="check")
    op.drop_index(op.f("ix_annotation_subject_name_id"), table_name="annotation")
    op.drop_constraint(op.f("fk_annotation_subject_name_id_subject_name"), "annotation", type_="foreignkey")
    op.drop_column("annotation", "subject_name_id")
    op.alter_column("annotation", "observation_id", existing_type=sa.UUID(), nullable=False)
    op.drop_constraint(op.f("ck_subject_name_language"), "subject_name", type_="check")
    op.drop_constraint(op.f("fk_subject_name_added_by_user_account"), "subject_name", type_="foreignkey")
    op.drop_column("subject_name", "created_at")
    op.drop_column("subject_name", "added_by")
    op.drop_entity(FOLD)
