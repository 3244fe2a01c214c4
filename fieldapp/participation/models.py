"""Participation rollup kept on write by triggers: records and volunteer minutes per month."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, text
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.db import Base


class ParticipationMonth(Base):
    """Records added in a month to a dataset by one contributor, and their volunteer time."""

    __tablename__ = "participation_month"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True)
    # The contributor credited, or minus the user who entered it when nobody is credited, or 0.
    contributor_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    observations: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    minutes: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    # How many of the records gave a time spent.
    timed: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
