"""Projects, their partners and datasets, and their protocol: a draft, published versions and comments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.db import Base
from fieldapp.rules import PROJECT_TEXT_MAX, WELLBEING, WELLBEING_QUESTIONS
from fieldapp.vocab import CO_PRODUCERS, sql_in


def _longest(column: str, rule: str) -> CheckConstraint:
    return CheckConstraint(f"char_length({column}) <= {PROJECT_TEXT_MAX[rule]}", name=f"{column}_length")


class Project(Base):
    """A programme of work designed and delivered by partners; who did which is declared, not inferred."""

    __tablename__ = "project"
    __table_args__ = (
        CheckConstraint(f"designed_by IN {sql_in(CO_PRODUCERS)}", name="designed_by"),
        CheckConstraint(f"delivered_by IN {sql_in(CO_PRODUCERS)}", name="delivered_by"),
        _longest("purpose", "purpose"),
        _longest("draft_protocol", "protocol"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(PROJECT_TEXT_MAX["title"]))
    purpose: Mapped[str] = mapped_column(Text, default="")
    designed_by: Mapped[str] = mapped_column(String(16))
    delivered_by: Mapped[str] = mapped_column(String(16))
    # Who publishes protocol versions and edits the project: a person or a group, like a dataset's steward.
    steward_id: Mapped[int] = mapped_column(ForeignKey("contributor.id"), index=True)
    # The protocol as the stewards are drafting it, before they publish it as a version.
    draft_protocol: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ProjectPartner(Base):
    """A person or group taking part, with their role in it in their own words."""

    __tablename__ = "project_partner"

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    contributor_id: Mapped[int] = mapped_column(ForeignKey("contributor.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(PROJECT_TEXT_MAX["role"]), default="")


class ProjectDataset(Base):
    """A dataset the project gathers; its records keep their own sharing rules."""

    __tablename__ = "project_dataset"

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True, index=True)


class ProtocolVersion(Base):
    """A published protocol, kept for ever with who shaped it (protocol_shaper)."""

    __tablename__ = "protocol_version"
    __table_args__ = (UniqueConstraint("project_id", "number"), _longest("text", "protocol"))

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    published_by: Mapped[int] = mapped_column(ForeignKey("contributor.id"))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ProtocolShaper(Base):
    """Someone whose comments since the previous version shaped this one (and its publisher)."""

    __tablename__ = "protocol_shaper"

    version_id: Mapped[int] = mapped_column(ForeignKey("protocol_version.id", ondelete="CASCADE"), primary_key=True)
    contributor_id: Mapped[int] = mapped_column(ForeignKey("contributor.id"), primary_key=True)


class ProtocolComment(Base):
    """A partner's comment on the protocol, or a proposed wording, in the open and credited as they chose."""

    __tablename__ = "protocol_comment"
    __table_args__ = (_longest("body", "comment"), _longest("proposed_text", "protocol"))

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    contributor_id: Mapped[int] = mapped_column(ForeignKey("contributor.id"))
    body: Mapped[str] = mapped_column(Text)
    proposed_text: Mapped[str | None] = mapped_column(Text)
    # The version published after it (NULL while it is about the current draft).
    settled_in: Mapped[int | None] = mapped_column(ForeignKey("protocol_version.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class WellbeingCheckin(Base):
    """One person's optional answers to the four ONS wellbeing questions, on joining and every few months.

    Never shown per person, to anyone: only as aggregates of at least rules.WELLBEING_MIN_PEOPLE people.
    """

    __tablename__ = "wellbeing_checkin"
    __table_args__ = tuple(CheckConstraint(WELLBEING[q].check(), name=q) for q in WELLBEING_QUESTIONS)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    # Erased with the account: the answers are the person's own.
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    life_satisfaction: Mapped[int] = mapped_column(SmallInteger)
    worthwhile: Mapped[int] = mapped_column(SmallInteger)
    happiness: Mapped[int] = mapped_column(SmallInteger)
    anxiety: Mapped[int] = mapped_column(SmallInteger)
