"""Dataset forms and custom field values: a dataset's recording form, versioned, and each record's answers.

dataset_form keeps every published version of a dataset's custom fields; a record keeps the version
it was made with (observation.form_version) and its values (observation.field_values, JSON), so old
records stay valid and readable after a form changes.

Revision ID: 0026
Revises: 0025
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dataset_form",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"], ["dataset.id"], name=op.f("fk_dataset_form_dataset_id_dataset"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["published_by"], ["contributor.id"], name=op.f("fk_dataset_form_published_by_contributor")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset_form")),
        sa.UniqueConstraint("dataset_id", "version", name=op.f("uq_dataset_form_dataset_id_version")),
    )
    op.create_index(op.f("ix_dataset_form_dataset_id"), "dataset_form", ["dataset_id"], unique=False)
    op.add_column("observation", sa.Column("form_version", sa.Integer(), nullable=True))
    op.add_column("observation", sa.Column("field_values", postgresql.JSONB(astext_type=sa.Text()), nullable=True))


def downgrade() -> None:
    op.drop_column("observation", "field_values")
    op.drop_column("observation", "form_version")
    op.drop_index(op.f("ix_dataset_form_dataset_id"), table_name="dataset_form")
    op.drop_table("dataset_form")
