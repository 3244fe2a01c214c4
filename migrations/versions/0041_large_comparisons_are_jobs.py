"""Large comparisons are jobs: the queue's kinds gain comparison, and a job need not belong to a dataset.

A comparison above FIELDAPP_COMPARISON_INLINE_MAX_WORK is run by `fieldapp worker`; it compares
selections, so its job has no dataset_id.

Revision ID: 0041
Revises: 0040
"""

from alembic import op

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_constraint("ck_import_job_kind", "import_job")
    op.create_check_constraint("kind", "import_job", "kind IN ('import', 'export', 'tiles', 'comparison')")
    op.alter_column("import_job", "dataset_id", nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM import_job WHERE kind = 'comparison' OR dataset_id IS NULL")
    op.alter_column("import_job", "dataset_id", nullable=False)
    op.drop_constraint("ck_import_job_kind", "import_job")
    op.create_check_constraint("kind", "import_job", "kind IN ('import', 'export', 'tiles')")
