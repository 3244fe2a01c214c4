"""The place and place-name tables: a gazetteer entry is held like an observation (dataset, credit, visibility)."""

from __future__ import annotations

from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Index, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp import rules
from fieldapp.db import Base
from fieldapp.geo.crs import STORAGE_SRID
from fieldapp.vocab import PLACE_KINDS, VISIBILITIES, sql_in


class Place(Base):
    """A named place: a point, line or area, in a dataset whose stewards and agreement hold it.

    It has the columns the access rules read of a record (contributor_id, entered_by, dataset_id,
    visibility, withdrawn_at), so access.see_record_sql and geoprivacy.visible_geometry_sql gate it
    as they gate observations, and its public geometry comes from fieldapp_public_place, the same rule.
    """

    __tablename__ = "place"
    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(PLACE_KINDS)}", name="kind"),
        CheckConstraint(f"visibility IN {sql_in(VISIBILITIES)}", name="visibility"),
        CheckConstraint("ST_IsValid(geom) AND NOT ST_IsEmpty(geom)", name="geom_valid"),
        UniqueConstraint("dataset_id", "source_ref"),
        Index("ix_place_geom", "geom", postgresql_using="gist"),
        Index("ix_place_public_geom", "public_geom", postgresql_using="gist"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id"), index=True)
    contributor_id: Mapped[int | None] = mapped_column(ForeignKey("contributor.id"), index=True)
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))
    geom = mapped_column(Geometry(srid=STORAGE_SRID, spatial_index=False), nullable=False)
    visibility: Mapped[str] = mapped_column(String(12), default="public")
    # Set by the place_public_geom trigger from fieldapp_public_place (the observations' rule).
    public_geom = mapped_column(Geometry(srid=STORAGE_SRID, spatial_index=False), nullable=True)
    public_precision_m: Mapped[float | None] = mapped_column(Float)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The id in the file it was imported from (re-importing the file updates nothing twice).
    source_ref: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    names: Mapped[list[PlaceName]] = relationship(back_populates="place", lazy="selectin", cascade="all, delete-orphan")


class PlaceName(Base):
    """A name of a place in one language or community, credited to who gave it."""

    __tablename__ = "place_name"
    __table_args__ = (CheckConstraint(rules.LANGUAGE_CHECK, name="language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(rules.NAME_MAX))
    language: Mapped[str] = mapped_column(String(16))
    community: Mapped[str | None] = mapped_column(String(rules.COMMUNITY_MAX))
    contributor_id: Mapped[int | None] = mapped_column(ForeignKey("contributor.id"))
    # The account that gave it (its own corroboration of it is not counted).
    added_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    place: Mapped[Place] = relationship(back_populates="names")
