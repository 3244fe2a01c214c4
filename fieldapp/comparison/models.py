"""A comparison page's cells, kept for a while so its map draws them as vector tiles."""

from __future__ import annotations

import uuid
from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import BigInteger, DateTime, Float, ForeignKey, Index, Integer, String, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.db import Base


class ComparisonRun(Base):
    """One comparison shown on the page; its cells go when it is older than Settings.comparison_keep_h."""

    __tablename__ = "comparison_run"

    id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"), index=True)
    cell_m: Mapped[float] = mapped_column(Float)
    shape: Mapped[str] = mapped_column(String(8))


class ComparisonCell(Base):
    """One classified cell of a run, in Web Mercator so tiles are cut without reprojecting."""

    __tablename__ = "comparison_cell"
    __table_args__ = (Index("ix_comparison_cell_geom", "geom", postgresql_using="gist"),)

    run_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("comparison_run.id", ondelete="CASCADE"), primary_key=True
    )
    i: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    j: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    cell_class: Mapped[str] = mapped_column("class", String(24))
    a_present: Mapped[int] = mapped_column(BigInteger)
    a_absent: Mapped[int] = mapped_column(BigInteger)
    b_present: Mapped[int] = mapped_column(BigInteger)
    b_absent: Mapped[int] = mapped_column(BigInteger)
    geom = mapped_column(Geometry("POLYGON", srid=3857, spatial_index=False), nullable=False)
