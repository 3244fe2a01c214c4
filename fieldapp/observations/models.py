"""Observation, history and media tables."""

from __future__ import annotations

import uuid
from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp import rules
from fieldapp.db import Base
from fieldapp.geo.crs import STORAGE_SRID
from fieldapp.vocab import (
    ABUNDANCE_SCALES,
    CONFIDENCES,
    HISTORY_ACTIONS,
    LICENCES,
    OCCURRENCE_STATUSES,
    TIME_PRECISIONS,
    TRENDS,
    VISIBILITIES,
    sql_in,
)


class Observation(Base):
    """One piece of knowledge about a place, whatever its source."""

    __tablename__ = "observation"
    __table_args__ = (
        CheckConstraint("subject_id IS NOT NULL OR subject_text IS NOT NULL", name="subject"),
        CheckConstraint(f"occurrence_status IN {sql_in(OCCURRENCE_STATUSES)}", name="occurrence_status"),
        CheckConstraint(rules.COUNT.check(), name="count"),
        CheckConstraint(
            f"abundance_scale IS NULL OR abundance_scale IN {sql_in(ABUNDANCE_SCALES)}", name="abundance_scale"
        ),
        CheckConstraint("(abundance_scale IS NULL) = (abundance_value IS NULL)", name="abundance_pair"),
        CheckConstraint(f"trend IS NULL OR trend IN {sql_in(TRENDS)}", name="trend"),
        CheckConstraint("observed_end IS NULL OR observed_end >= observed_start", name="interval"),
        CheckConstraint(f"time_precision IN {sql_in(TIME_PRECISIONS)}", name="time_precision"),
        CheckConstraint("season_months <@ ARRAY[1,2,3,4,5,6,7,8,9,10,11,12]::smallint[]", name="season_months"),
        CheckConstraint(f"visibility IN {sql_in(VISIBILITIES)}", name="visibility"),
        CheckConstraint(f"confidence IS NULL OR confidence IN {sql_in(CONFIDENCES)}", name="confidence"),
        CheckConstraint(f"licence IN {sql_in(LICENCES)}", name="licence"),
        CheckConstraint(rules.UNCERTAINTY.check(), name="uncertainty"),
        CheckConstraint("ST_IsValid(geom) AND NOT ST_IsEmpty(geom)", name="geom_valid"),
        CheckConstraint(rules.TIME_SPENT.check(), name="time_spent_min"),
        # Field rules (fieldapp/rules.py); migration 0009 adds them.
        CheckConstraint(rules.date_check("observed_start"), name="observed_start_range"),
        CheckConstraint(rules.date_check("observed_end"), name="observed_end_range"),
        *(CheckConstraint(rules.text_check(column), name=f"{column}_length") for column in rules.CHECKED_TEXT),
        UniqueConstraint("dataset_id", "source_ref"),
        Index("ix_observation_geom", "geom", postgresql_using="gist"),
        Index("ix_observation_public_geom", "public_geom", postgresql_using="gist"),
        Index("ix_observation_observed", "observed_start", "observed_end"),
        # Shown lines and areas (generalised records are cells) are few beside points: low-zoom tiles
        # read them through this index only. By the public geometry's kind, never the hidden one's.
        Index(
            "ix_observation_public_geom_shapes",
            "public_geom",
            postgresql_using="gist",
            postgresql_where=text("ST_Dimension(public_geom) > 0"),
        ),
        # Stated trends (local knowledge's "fewer than in the 90s") are few: /sensing reads them here.
        Index("ix_observation_trend", "dataset_id", "observed_start", postgresql_where=text("trend IS NOT NULL")),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    # Insertion order: a stable key for cursor paging.
    seq: Mapped[int] = mapped_column(BigInteger, Identity(), unique=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id"), index=True)
    contributor_id: Mapped[int | None] = mapped_column(ForeignKey("contributor.id"), index=True)
    recorded_by_text: Mapped[str | None] = mapped_column(String(rules.TEXT_MAX["recorded_by_text"]))
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subject.id"), index=True)
    subject_text: Mapped[str | None] = mapped_column(String(rules.TEXT_MAX["subject_text"]))
    # The named place it was seen at (the gazetteer): precise data, shown only with the precise location.
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id", ondelete="SET NULL"), index=True)
    occurrence_status: Mapped[str] = mapped_column(String(8), default="present")
    count: Mapped[int | None] = mapped_column(Integer)
    abundance_scale: Mapped[str | None] = mapped_column(String(16))
    abundance_value: Mapped[str | None] = mapped_column(String(16))
    abundance_verbatim: Mapped[str | None] = mapped_column(String(rules.TEXT_MAX["abundance_verbatim"]))
    trend: Mapped[str | None] = mapped_column(String(16))
    observed_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    observed_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    time_precision: Mapped[str] = mapped_column(String(8), default="instant")
    season_months: Mapped[list[int] | None] = mapped_column(ARRAY(SmallInteger))
    geom = mapped_column(Geometry(srid=STORAGE_SRID, spatial_index=False), nullable=False)
    coordinate_uncertainty_m: Mapped[float | None] = mapped_column(Float)
    visibility: Mapped[str] = mapped_column(String(12), default="public")
    # Written by the database trigger only: what everyone may see.
    public_geom = mapped_column(Geometry(srid=STORAGE_SRID, spatial_index=False), nullable=True)
    public_precision_m: Mapped[float | None] = mapped_column(Float)
    confidence: Mapped[str | None] = mapped_column(String(10))
    method: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    attributes: Mapped[dict] = mapped_column(JSONB, default=dict)
    # The dataset's form version the record was made with, and its custom fields' values (forms/).
    form_version: Mapped[int | None] = mapped_column(Integer)
    field_values: Mapped[dict | None] = mapped_column(JSONB)
    licence: Mapped[str] = mapped_column(String(16))
    source_ref: Mapped[str | None] = mapped_column(String(rules.TEXT_MAX["source_ref"]))
    # How an invalid geometry was repaired on the way in, if it was.
    repair_note: Mapped[str | None] = mapped_column(Text)
    # The import that last wrote this record, if one did: its file's name and checksum.
    import_file_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("import_file.id", ondelete="SET NULL"), index=True
    )
    # SHA-256 of the content as submitted: the same id with other content is a conflict.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    # Volunteer time, where the recorder chose to say it (a measure of participation).
    time_spent_min: Mapped[int | None] = mapped_column(Integer)
    # Withdrawn by its contributor (or their group): kept, and in history, but shown to them alone.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ObservationHistory(Base):
    """An append-only row per change to an observation, written by a trigger."""

    __tablename__ = "observation_history"
    __table_args__ = (CheckConstraint(f"action IN {sql_in(HISTORY_ACTIONS)}", name="action"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    # No foreign key: history outlives a deleted observation.
    observation_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    action: Mapped[str] = mapped_column(String(8))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    changes: Mapped[dict] = mapped_column(JSONB)
    # For an accepted correction: who proposed it, and the annotation it came from.
    proposed_by: Mapped[int | None] = mapped_column(Integer)
    annotation_id: Mapped[int | None] = mapped_column(BigInteger)


class Media(Base):
    """A photo of an observation: private original, stripped public copy and thumbnail."""

    __tablename__ = "media"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    observation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("observation.id", ondelete="CASCADE"), index=True)
    stored_path: Mapped[str] = mapped_column(String(500))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    exif_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Precise, private: under the observation's visibility.
    exif_geom = mapped_column(Geometry("POINT", srid=STORAGE_SRID, spatial_index=False), nullable=True)
    public_path: Mapped[str | None] = mapped_column(String(500))
    thumb_path: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
