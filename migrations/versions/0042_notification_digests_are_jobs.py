"""Notification digests are jobs too: the queue's kinds gain digest.

`fieldapp notifications digest --queue` queues one; a `fieldapp worker` sends the digests.

Revision ID: 0042
Revises: 0041
"""

from alembic import op

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_constraint("ck_import_job_kind", "import_job")
    op.create_check_constraint("kind", "import_job", "kind IN ('import', 'export', 'tiles', 'comparison', 'digest')")


def downgrade() -> None:
    op.execute("DELETE FROM import_job WHERE kind = 'digest'")
    op.drop_constraint("ck_import_job_kind", "import_job")
    op.create_check_constraint("kind", "import_job", "kind IN ('import', 'export', 'tiles', 'comparison')")
