"""The worker tier: import jobs get a lease, attempts, a time limit, a cancel request and a cancelled status.

Background imports move from threads inside web workers to `fieldapp worker` processes that take
jobs from this table with FOR UPDATE SKIP LOCKED. A worker holds its job until `lease_until` and
renews it while it works; a running job whose lease ran out (its worker died) is taken again.

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

OLD = ("queued", "running", "succeeded", "failed")
NEW = ("queued", "running", "succeeded", "failed", "cancelled")


def _check(statuses: tuple[str, ...]) -> str:
    return "status IN (" + ", ".join(f"'{s}'" for s in statuses) + ")"


def upgrade() -> None:
    op.add_column("import_job", sa.Column("worker", sa.String(length=200), nullable=True))
    op.add_column("import_job", sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
    op.add_column("import_job", sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False))
    op.add_column("import_job", sa.Column("time_limit_s", sa.Integer(), server_default=sa.text("3600"), nullable=False))
    op.add_column(
        "import_job", sa.Column("cancel_requested", sa.Boolean(), server_default=sa.text("false"), nullable=False)
    )
    op.create_index(
        "ix_import_job_running",
        "import_job",
        ["lease_until"],
        unique=False,
        postgresql_where=sa.text("status = 'running'"),
    )
    op.drop_constraint("ck_import_job_status", "import_job")
    op.create_check_constraint("status", "import_job", _check(NEW))
    # Jobs left "running" by a web worker's thread that died: no lease, so any worker takes them again.
    op.execute("UPDATE import_job SET lease_until = now() WHERE status = 'running'")


def downgrade() -> None:
    op.execute("UPDATE import_job SET status = 'failed', error = 'Cancelled.' WHERE status = 'cancelled'")
    op.drop_constraint("ck_import_job_status", "import_job")
    op.create_check_constraint("status", "import_job", _check(OLD))
    op.drop_index("ix_import_job_running", table_name="import_job", postgresql_where=sa.text("status = 'running'"))
    for column in ("cancel_requested", "time_limit_s", "attempts", "lease_until", "worker"):
        op.drop_column("import_job", column)
