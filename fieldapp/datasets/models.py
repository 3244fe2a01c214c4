"""The dataset table."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.contributors.models import Contributor
from fieldapp.db import Base
from fieldapp.vocab import AUDIENCES, GRANT_STATUSES, KNOWLEDGE_KINDS, LICENCES, RECORDING_MODES, VISIBILITIES, sql_in


class Dataset(Base):
    """A body of knowledge; its knowledge kind is provenance, never a quality grade."""

    __tablename__ = "dataset"
    __table_args__ = (
        CheckConstraint(f"knowledge_kind IN {sql_in(KNOWLEDGE_KINDS)}", name="knowledge_kind"),
        CheckConstraint(f"licence IN {sql_in(LICENCES)}", name="licence"),
        CheckConstraint(f"default_visibility IN {sql_in(VISIBILITIES)}", name="default_visibility"),
        CheckConstraint("generalise_m IS NULL OR generalise_m BETWEEN 100 AND 100000", name="generalise_m"),
        CheckConstraint(f"recording IN {sql_in(RECORDING_MODES)}", name="recording"),
        CheckConstraint("recording = 'groups' OR cardinality(recording_groups) = 0", name="recording_groups"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    knowledge_kind: Mapped[str] = mapped_column(String(16), index=True)
    method: Mapped[str] = mapped_column(Text, default="")
    steward_id: Mapped[int] = mapped_column(ForeignKey("contributor.id"), index=True)
    licence: Mapped[str] = mapped_column(String(16), default="CC-BY-4.0")
    citation: Mapped[str] = mapped_column(Text, default="")
    default_visibility: Mapped[str] = mapped_column(String(16), default="public")
    # Cell size for generalised records; NULL means the deployment default.
    generalise_m: Mapped[int | None] = mapped_column(Integer)
    # A dataset may force generalisation of all its records (e.g. a fishers' grounds).
    force_generalised: Mapped[bool] = mapped_column(Boolean, default=False)
    # Who may record into it (access.may_record): open to every member, the members of named groups
    # (contributor ids), or the people its stewards invited (dataset_recorder).
    recording: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    recording_groups: Mapped[list[int]] = mapped_column(ARRAY(Integer), default=list, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    steward: Mapped[Contributor] = relationship(lazy="joined")


class DatasetSteward(Base):
    """A further steward of a dataset (a person or a group), beside the one named on the dataset."""

    __tablename__ = "dataset_steward"

    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True)
    contributor_id: Mapped[int] = mapped_column(
        ForeignKey("contributor.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class DatasetRecorder(Base):
    """An account its stewards invited to record into a dataset whose recording is 'invited'."""

    __tablename__ = "dataset_recorder"

    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class DatasetAgreement(Base):
    """The terms its holders lend a dataset's knowledge on: uses, audience, embargo, labels.

    The audience and the embargo are enforced by the access gate (access.dataset_open); the rest is
    shown with the dataset, its records and its exports.
    """

    __tablename__ = "dataset_agreement"
    __table_args__ = (
        CheckConstraint(f"audience IN {sql_in(AUDIENCES)}", name="audience"),
        CheckConstraint("audience = 'groups' OR cardinality(audience_groups) = 0", name="audience_groups"),
    )

    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True)
    purpose: Mapped[str] = mapped_column(Text, default="")
    # Allowed uses, from vocab.AGREEMENT_USES; commercial use is its own yes or no.
    uses: Mapped[list[str]] = mapped_column(ARRAY(String(32)), default=list)
    commercial: Mapped[bool] = mapped_column(Boolean, default=False)
    audience: Mapped[str] = mapped_column(String(16), default="everyone")
    # The groups (contributor ids) whose members are the audience, when it is 'groups'.
    audience_groups: Mapped[list[int]] = mapped_column(ARRAY(Integer), default=list, server_default="{}")
    # Before this day only the dataset's existence and credit are public.
    embargo_until: Mapped[date | None] = mapped_column(Date)
    review_on: Mapped[date | None] = mapped_column(Date)
    # [{"label": one of vocab.TK_LABELS, "text": the community's own words}]
    labels: Mapped[list[dict]] = mapped_column(JSONB, default=list)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AccessGrant(Base):
    """A request for precise access to a dataset's records, and its stewards' answer.

    Granted, it lets the requester see the dataset's generalised records precisely and its records an
    audience keeps from them, until expires_on (access.granted_sql); it never lifts an embargo or shows a
    private record.
    """

    __tablename__ = "access_grant"
    __table_args__ = (
        CheckConstraint(f"status IN {sql_in(GRANT_STATUSES)}", name="status"),
        CheckConstraint("status <> 'granted' OR expires_on IS NOT NULL", name="granted_expires"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="requested")
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The first day the access no longer holds.
    expires_on: Mapped[date | None] = mapped_column(Date)
