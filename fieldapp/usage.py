"""A log of how knowledge is used (exports, comparisons), so credit can come back to contributors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Identity, Integer, String, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, Session, mapped_column

from fieldapp.db import Base

USAGE_KINDS = ("export", "comparison")


class UsageEvent(Base):
    """One export or comparison run, with its parameters."""

    __tablename__ = "usage_event"
    __table_args__ = (CheckConstraint("kind IN ('export', 'comparison')", name="kind"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    parameters: Mapped[dict] = mapped_column(JSONB, default=dict)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)


class UsageDataset(Base):
    """Which datasets a usage event drew on, and how many of their observations."""

    __tablename__ = "usage_dataset"

    event_id: Mapped[int] = mapped_column(ForeignKey("usage_event.id", ondelete="CASCADE"), primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True, index=True)
    observations: Mapped[int] = mapped_column(Integer, default=0)


class PreciseView(Base):
    """Someone other than the contributor saw their records' precise locations: who, when, how and why.

    Shown to the contributor (and the owner of a pseudonym) on their page; never shown to the viewer side.
    """

    __tablename__ = "precise_view"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    contributor_id: Mapped[int] = mapped_column(ForeignKey("contributor.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    dataset_id: Mapped[int | None] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"))
    # record page, api, export...
    via: Mapped[str] = mapped_column(String(16))
    # Why they could: steward, staff, granted access (with its purpose).
    reason: Mapped[str] = mapped_column(String(400))
    records: Mapped[int] = mapped_column(Integer, default=1)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)


def record_usage(
    session: Session, kind: str, user_id: int | None, parameters: dict[str, Any], dataset_counts: dict[int, int]
) -> UsageEvent:
    """Log one use of the data and the datasets it drew on."""
    event = UsageEvent(kind=kind, user_id=user_id, parameters=parameters)
    session.add(event)
    session.flush()
    if dataset_counts:
        session.execute(
            text("INSERT INTO usage_dataset (event_id, dataset_id, observations) VALUES (:e, :d, :n)"),
            [{"e": event.id, "d": d, "n": n} for d, n in dataset_counts.items()],
        )
    return event
