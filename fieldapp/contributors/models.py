"""Contributor and group membership tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.db import Base
from fieldapp.rules import CONTRIBUTOR_NAME_MAX
from fieldapp.vocab import CONTRIBUTOR_KINDS, GROUP_ROLES, sql_in


class Contributor(Base):
    """Who is credited: a person or a group, under the name they chose."""

    __tablename__ = "contributor"
    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(CONTRIBUTOR_KINDS)}", name="kind"),
        UniqueConstraint("owner_user_id", "display_name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="person")
    display_name: Mapped[str] = mapped_column(String(CONTRIBUTOR_NAME_MAX))
    orcid: Mapped[str | None] = mapped_column(String(19))
    # Set for a pseudonym: the account that may credit it. Never shown to others.
    # use_alter: user_account points back here, and the cycle needs one side added afterwards.
    owner_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL", use_alter=True)
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # A person without an account (an interviewee) added by a facilitator: who added them, and the
    # facilitator's note of the consent they gave to be credited this way. Shown to nobody else.
    added_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL", use_alter=True))
    consent_note: Mapped[str | None] = mapped_column(Text)


class Membership(Base):
    """A person's membership of a group; they choose whether it is shown."""

    __tablename__ = "membership"
    __table_args__ = (CheckConstraint(f"role IN {sql_in(GROUP_ROLES)}", name="role"),)

    group_id: Mapped[int] = mapped_column(ForeignKey("contributor.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("contributor.id", ondelete="CASCADE"), primary_key=True)
    shown: Mapped[bool] = mapped_column(Boolean, default=True)
    # vocab.GROUP_ROLES: a group's admins act for it (access.may_withdraw); members credit it.
    role: Mapped[str] = mapped_column(String(16), default="member", server_default="member")
