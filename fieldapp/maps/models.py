"""Map aggregates kept on write by triggers: point counts per grid cell and a change counter per dataset."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, SmallInteger, text
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.db import Base


class MapDatasetState(Base):
    """A dataset's tile version (tiles derive their ETag from it) and its public shapes by dimension."""

    __tablename__ = "map_dataset_state"

    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, server_default=text("1"))
    points: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    lines: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    areas: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))


class MapCell(Base):
    """Public points of a dataset in one cell of a Web Mercator grid level (a tile at zoom `level`)."""

    __tablename__ = "map_cell"
    __table_args__ = (
        # Emptied cells are found through this small index and removed at the end of each statement.
        Index("ix_map_cell_empty", "dataset_id", postgresql_where=text("n <= 0")),
    )

    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    cx: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    cy: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer)
