"""Map-aggregate rebuilds are jobs: the queue's kinds are import, export and tiles.

`fieldapp tiles rebuild` queues one job per dataset; a `fieldapp worker` recounts the dataset's
map_cell and map_dataset_state in one transaction (fieldapp/maps/rebuild.py).

Revision ID: 0038
Revises: 0037
"""

from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_constraint("ck_import_job_kind", "import_job")
    op.create_check_constraint("kind", "import_job", "kind IN ('import', 'export', 'tiles')")


def downgrade() -> None:
    op.execute("DELETE FROM import_job WHERE kind = 'tiles'")
    op.drop_constraint("ck_import_job_kind", "import_job")
    op.create_check_constraint("kind", "import_job", "kind IN ('import', 'export')")
