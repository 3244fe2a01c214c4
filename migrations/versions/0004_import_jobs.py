"""Import jobs: large uploads are imported in the background and followed through a status URL.

A table in PostgreSQL is the whole queue (no broker): any web worker may claim a queued job with
FOR UPDATE SKIP LOCKED, and the row keeps the report for whoever asks later.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    CREATE TABLE import_job (
      id uuid PRIMARY KEY,
      dataset_id integer NOT NULL REFERENCES dataset (id) ON DELETE CASCADE,
      user_id integer REFERENCES user_account (id) ON DELETE SET NULL,
      status varchar(10) NOT NULL DEFAULT 'queued'
        CONSTRAINT ck_import_job_status CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
      dry_run boolean NOT NULL DEFAULT false,
      filename varchar(300) NOT NULL,
      stored_path text NOT NULL,
      size bigint NOT NULL,
      options jsonb NOT NULL DEFAULT '{}',
      rows_read bigint NOT NULL DEFAULT 0,
      progress real NOT NULL DEFAULT 0,
      report jsonb,
      error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz
    );
    CREATE INDEX ix_import_job_queued ON import_job (created_at) WHERE status = 'queued';
    CREATE INDEX ix_import_job_dataset_id ON import_job (dataset_id);
    """)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS import_job")
