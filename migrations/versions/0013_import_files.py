"""Imported files: each written import records the file it read, and each record the import that wrote it.

Files without an id column were matched on their row numbers, so a second file imported into the
same dataset replaced the first file's records. Row-numbered records are now keyed by the file's
checksum (or a source key the user names); import_file keeps the name and SHA-256 of every
imported file, and observation.import_file_id traces each record to the import that last wrote it.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_file",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("dataset_id", sa.Integer(), sa.ForeignKey("dataset.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("source_key", sa.String(64), nullable=True),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index(op.f("ix_import_file_dataset_id"), "import_file", ["dataset_id"])
    op.create_index(op.f("ix_import_file_sha256"), "import_file", ["sha256"])
    op.add_column("observation", sa.Column("import_file_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_observation_import_file_id_import_file"),
        "observation",
        "import_file",
        ["import_file_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_index(op.f("ix_observation_import_file_id"), "observation", ["import_file_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_observation_import_file_id"), table_name="observation")
    op.drop_constraint(op.f("fk_observation_import_file_id_import_file"), "observation", type_="foreignkey")
    op.drop_column("observation", "import_file_id")
    op.drop_table("import_file")
