"""Jobs of two kinds: the worker tier's queue (import_job) also holds large exports.

An export above FIELDAPP_EXPORT_INLINE_MAX_RECORDS becomes a job run by `fieldapp worker` as the
viewer who asked (user_id); its format is in `options`, its file at `stored_path` once it succeeded.

Revision ID: 0032
Revises: 0031
"""

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "import_job", sa.Column("kind", sa.String(length=10), server_default=sa.text("'import'"), nullable=False)
    )
    op.create_check_constraint("kind", "import_job", "kind IN ('import', 'export')")


def downgrade() -> None:
    op.execute("DELETE FROM import_job WHERE kind <> 'import'")
    op.drop_constraint("ck_import_job_kind", "import_job")
    op.drop_column("import_job", "kind")
