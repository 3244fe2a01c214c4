"""import_job's constraints take the names the naming convention gives them.

0004 created import_job in raw SQL with unnamed primary and foreign keys, so PostgreSQL named
them import_job_pkey, import_job_dataset_id_fkey and import_job_user_id_fkey. The table now has
a model (fieldapp.transfer.models.ImportJob), and every other table's constraints follow the
MetaData naming convention; renaming is a catalogue change only (no rewrite, no lock held long).

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

RENAMES = (
    ("import_job_pkey", "pk_import_job"),
    ("import_job_dataset_id_fkey", "fk_import_job_dataset_id_dataset"),
    ("import_job_user_id_fkey", "fk_import_job_user_id_user_account"),
)


def upgrade() -> None:
    for old, new in RENAMES:
        op.execute(f"ALTER TABLE import_job RENAME CONSTRAINT {old} TO {new}")


def downgrade() -> None:
    for old, new in RENAMES:
        op.execute(f"ALTER TABLE import_job RENAME CONSTRAINT {new} TO {old}")
