"""The terms' versions and the consents given to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Identity, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.db import Base
from fieldapp.vocab import CONSENT_WAYS, sql_in


class TermsVersion(Base):
    """One version of the park's terms; the newest is the one people are asked to agree to."""

    __tablename__ = "terms_version"

    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    published_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class Consent(Base):
    """A consent to one version of the terms: a person's own, or one a facilitator recorded for someone.

    A facilitated consent names the person as the facilitator wrote it (person_name) and how it was given."""

    __tablename__ = "consent"
    __table_args__ = (
        CheckConstraint(f"way IN {sql_in(CONSENT_WAYS)}", name="way"),
        CheckConstraint("way = 'online' OR recorded_by IS NOT NULL", name="facilitated_by"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    person_name: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(ForeignKey("terms_version.version"))
    way: Mapped[str] = mapped_column(String(16), default="online")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    dataset_id: Mapped[int | None] = mapped_column(ForeignKey("dataset.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
