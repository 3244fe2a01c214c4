"""Subject and subject-name tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp import rules
from fieldapp.db import Base
from fieldapp.vocab import SUBJECT_KINDS, sql_in


class Subject(Base):
    """What an observation is about."""

    __tablename__ = "subject"
    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(SUBJECT_KINDS)}", name="kind"),
        CheckConstraint("generalise_m IS NULL OR generalise_m BETWEEN 100 AND 100000", name="generalise_m"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="taxon")
    scientific_name: Mapped[str | None] = mapped_column(String(200), index=True)
    aphia_id: Mapped[int | None] = mapped_column(Integer)
    gbif_key: Mapped[int | None] = mapped_column(Integer)
    eunis_code: Mapped[str | None] = mapped_column(String(32), index=True)
    # Sensitive subjects force generalisation to at least this cell size.
    generalise_m: Mapped[int | None] = mapped_column(Integer)

    names: Mapped[list[SubjectName]] = relationship(back_populates="subject", lazy="selectin")


class SubjectName(Base):
    """A name for a subject in one language or community, credited to who gave it."""

    __tablename__ = "subject_name"
    __table_args__ = (CheckConstraint(rules.LANGUAGE_CHECK, name="language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    language: Mapped[str] = mapped_column(String(16), default="en")
    community: Mapped[str | None] = mapped_column(String(100))
    contributor_id: Mapped[int | None] = mapped_column(ForeignKey("contributor.id"))
    # The account that added it in the app (None for the catalogue's and imported names).
    added_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    subject: Mapped[Subject] = relationship(back_populates="names")


class PreferredName(Base):
    """The name a dataset's stewards prefer for a subject in that dataset (one per dataset and subject).

    A preference of the dataset's, shown beside the others; it ranks nothing above anything.
    """

    __tablename__ = "preferred_name"

    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"), primary_key=True)
    subject_name_id: Mapped[int] = mapped_column(ForeignKey("subject_name.id", ondelete="CASCADE"), index=True)
    chosen_by: Mapped[int | None] = mapped_column(ForeignKey("contributor.id"))
    chosen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
