"""Projects and their protocols: partners, datasets, a co-production declaration, versions and comments.

A project says who designed it and who delivers it (community, professionals or both), which
partners take part and in what role, and which datasets it gathers. Its protocol is drafted by its
stewards, discussed in the open (comments and proposed wordings, credited as their authors chose),
and published as numbered versions kept with the people who shaped them.

Revision ID: 0022
Revises: 0021
"""

from alembic import op
import sqlalchemy as sa


revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("designed_by", sa.String(length=16), nullable=False),
        sa.Column("delivered_by", sa.String(length=16), nullable=False),
        sa.Column("steward_id", sa.Integer(), nullable=False),
        sa.Column("draft_protocol", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "delivered_by IN ('community', 'professionals', 'both')", name=op.f("ck_project_delivered_by")
        ),
        sa.CheckConstraint(
            "designed_by IN ('community', 'professionals', 'both')", name=op.f("ck_project_designed_by")
        ),
        sa.CheckConstraint("char_length(draft_protocol) <= 100000", name=op.f("ck_project_draft_protocol_length")),
        sa.CheckConstraint("char_length(purpose) <= 20000", name=op.f("ck_project_purpose_length")),
        sa.ForeignKeyConstraint(["steward_id"], ["contributor.id"], name=op.f("fk_project_steward_id_contributor")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
        sa.UniqueConstraint("slug", name=op.f("uq_project_slug")),
    )
    op.create_index(op.f("ix_project_steward_id"), "project", ["steward_id"], unique=False)
    op.create_table(
        "project_dataset",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["dataset.id"], name=op.f("fk_project_dataset_dataset_id_dataset"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_project_dataset_project_id_project"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("project_id", "dataset_id", name=op.f("pk_project_dataset")),
    )
    op.create_index(op.f("ix_project_dataset_dataset_id"), "project_dataset", ["dataset_id"], unique=False)
    op.create_table(
        "project_partner",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("contributor_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["contributor_id"], ["contributor.id"], name=op.f("fk_project_partner_contributor_id_contributor")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_project_partner_project_id_project"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("project_id", "contributor_id", name=op.f("pk_project_partner")),
    )
    op.create_index(op.f("ix_project_partner_contributor_id"), "project_partner", ["contributor_id"], unique=False)
    op.create_table(
        "protocol_version",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("char_length(text) <= 100000", name=op.f("ck_protocol_version_text_length")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_protocol_version_project_id_project"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["published_by"], ["contributor.id"], name=op.f("fk_protocol_version_published_by_contributor")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protocol_version")),
        sa.UniqueConstraint("project_id", "number", name=op.f("uq_protocol_version_project_id_number")),
    )
    op.create_index(op.f("ix_protocol_version_project_id"), "protocol_version", ["project_id"], unique=False)
    op.create_table(
        "protocol_comment",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        sa.Column("contributor_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("proposed_text", sa.Text(), nullable=True),
        sa.Column("settled_in", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("char_length(body) <= 20000", name=op.f("ck_protocol_comment_body_length")),
        sa.CheckConstraint(
            "char_length(proposed_text) <= 100000", name=op.f("ck_protocol_comment_proposed_text_length")
        ),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["user_account.id"],
            name=op.f("fk_protocol_comment_author_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contributor_id"], ["contributor.id"], name=op.f("fk_protocol_comment_contributor_id_contributor")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_protocol_comment_project_id_project"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["settled_in"],
            ["protocol_version.id"],
            name=op.f("fk_protocol_comment_settled_in_protocol_version"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protocol_comment")),
    )
    op.create_index(op.f("ix_protocol_comment_project_id"), "protocol_comment", ["project_id"], unique=False)
    op.create_table(
        "protocol_shaper",
        sa.Column("version_id", sa.BigInteger(), nullable=False),
        sa.Column("contributor_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contributor_id"], ["contributor.id"], name=op.f("fk_protocol_shaper_contributor_id_contributor")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["protocol_version.id"],
            name=op.f("fk_protocol_shaper_version_id_protocol_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", "contributor_id", name=op.f("pk_protocol_shaper")),
    )


def downgrade() -> None:
    op.drop_table("protocol_shaper")
    op.drop_index(op.f("ix_protocol_comment_project_id"), table_name="protocol_comment")
    op.drop_table("protocol_comment")
    op.drop_index(op.f("ix_protocol_version_project_id"), table_name="protocol_version")
    op.drop_table("protocol_version")
    op.drop_index(op.f("ix_project_partner_contributor_id"), table_name="project_partner")
    op.drop_table("project_partner")
    op.drop_index(op.f("ix_project_dataset_dataset_id"), table_name="project_dataset")
    op.drop_table("project_dataset")
    op.drop_index(op.f("ix_project_steward_id"), table_name="project")
    op.drop_table("project")
