"""Import jobs (the PostgreSQL table that is the whole background-import queue) and imported files."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    REAL,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.db import Base
from fieldapp.vocab import sql_in

JOB_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")
# Statuses a job ends in: its files are gone and no worker will touch it again.
FINAL_STATUSES = ("succeeded", "failed", "cancelled")
# What a job does: import an uploaded file, export a dataset as the viewer who asked may see it, or
# rebuild a dataset's map aggregates (tiles), run a large comparison or send the notification digests
# (these two have no dataset of their own).
JOB_KINDS = ("import", "export", "tiles", "comparison", "digest")


class ImportJob(Base):
    """One background job (an uploaded file to import, or a large export): the queue workers take jobs from.

    A worker claims a queued job (or a running one whose lease ran out: its worker died) with
    FOR UPDATE SKIP LOCKED, renews `lease_until` while it works, and stops it at `time_limit_s`
    or when `cancel_requested` is set. `attempts` counts the claims.
    """

    __tablename__ = "import_job"
    __table_args__ = (
        CheckConstraint(f"status IN {sql_in(JOB_STATUSES)}", name="status"),
        CheckConstraint(f"kind IN {sql_in(JOB_KINDS)}", name="kind"),
        Index("ix_import_job_queued", "created_at", postgresql_where=text("status = 'queued'")),
        Index("ix_import_job_running", "lease_until", postgresql_where=text("status = 'running'")),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    dataset_id: Mapped[int | None] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), server_default=text("'queued'"))
    dry_run: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    filename: Mapped[str] = mapped_column(String(300))
    stored_path: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    options: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'"))
    rows_read: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    progress: Mapped[float] = mapped_column(REAL, server_default=text("0"))
    report: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The worker tier: who holds the job (host:pid) until when, how often it was claimed, its time
    # limit (from FIELDAPP_JOB_TIME_LIMIT_S when queued) and whether someone asked to cancel it.
    worker: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    time_limit_s: Mapped[int] = mapped_column(Integer, server_default=text("3600"))
    cancel_requested: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    # An export's `options` hold its format, `user_id` the viewer it runs as, `stored_path` its file
    # (there once it succeeded), `rows_read` its records and `size` its bytes.
    kind: Mapped[str] = mapped_column(String(10), server_default=text("'import'"))


class ImportFile(Base):
    """One written import: the file it read, how its records were identified, what it did."""

    __tablename__ = "import_file"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str] = mapped_column(String(16))
    # The source key the user named, if any: rows of files with the same key are the same source.
    source_key: Mapped[str | None] = mapped_column(String(64))
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
