"""The annotation table: review kept as data, never resolved by rank."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Identity, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.db import Base
from fieldapp.vocab import ANNOTATION_KINDS, ANNOTATION_STATUSES, CORRECTABLE_FIELDS, sql_in


class Annotation(Base):
    """One person's corroboration, question, context or proposed correction on an observation, or a
    corroboration, question or context on a name of a subject or of a place."""

    __tablename__ = "annotation"
    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(ANNOTATION_KINDS)}", name="kind"),
        CheckConstraint(f"status IN {sql_in(ANNOTATION_STATUSES)}", name="status"),
        CheckConstraint(f"field IS NULL OR field IN {sql_in(CORRECTABLE_FIELDS)}", name="field"),
        CheckConstraint("(kind = 'correction') = (field IS NOT NULL)", name="correction_field"),
        # One target: an observation, or a name of a subject or a place (names are reviewed like records).
        CheckConstraint("num_nonnulls(observation_id, subject_name_id, place_name_id) = 1", name="one_target"),
        CheckConstraint(
            "(subject_name_id IS NULL AND place_name_id IS NULL) OR kind <> 'correction'", name="name_no_correction"
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    observation_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("observation.id", ondelete="CASCADE"), index=True
    )
    subject_name_id: Mapped[int | None] = mapped_column(ForeignKey("subject_name.id", ondelete="CASCADE"), index=True)
    place_name_id: Mapped[int | None] = mapped_column(ForeignKey("place_name.id", ondelete="CASCADE"), index=True)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Credited as the author chose (themselves or a group they belong to).
    contributor_id: Mapped[int] = mapped_column(ForeignKey("contributor.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    body: Mapped[str] = mapped_column(Text, default="")
    linked_observation_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("observation.id", ondelete="SET NULL")
    )
    field: Mapped[str | None] = mapped_column(String(16))
    proposed_value: Mapped[dict | None] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(10), default="open")
    response: Mapped[str | None] = mapped_column(Text)
    responded_by: Mapped[int | None] = mapped_column(ForeignKey("contributor.id"))
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)
