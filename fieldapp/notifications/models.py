"""The notification table: one row per person to tell, per event on their record or annotation."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Identity, Index, String, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.db import Base
from fieldapp.vocab import NOTIFICATION_KINDS, sql_in


class Notification(Base):
    """Someone annotated my record (question, correction, context, corroboration), or answered my annotation."""

    __tablename__ = "notification"
    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(NOTIFICATION_KINDS)}", name="kind"),
        # The unread count in every page's navigation reads this.
        Index("ix_notification_unread", "user_id", postgresql_where=text("read_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    observation_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("observation.id", ondelete="CASCADE"), index=True
    )
    annotation_id: Mapped[int] = mapped_column(ForeignKey("annotation.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when an email digest carried it (fieldapp notifications digest), so none is sent twice.
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
