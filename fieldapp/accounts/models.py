"""User, API token and sign-in limit tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.contributors.models import Contributor
from fieldapp.db import Base
from fieldapp.i18n import LANGUAGES
from fieldapp.vocab import ROLES, sql_in

THROTTLE_SCOPES = ("account", "address", "pair")
# What a one-time link is for: staff reset a password, or an invitee sets their first one.
LINK_PURPOSES = ("reset", "invite")


class User(Base):
    """An account that signs in and acts as one contributor."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(f"role IN {sql_in(ROLES)}", name="role"),
        CheckConstraint(f"language IN {sql_in(LANGUAGES)}", name="language"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default="member")
    contributor_id: Mapped[int] = mapped_column(ForeignKey("contributor.id"))
    default_dataset_id: Mapped[int | None] = mapped_column(ForeignKey("dataset.id", ondelete="SET NULL"))
    # Staff may give a member the right to create datasets (access.may_create_dataset).
    may_create_datasets: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # A deactivated account cannot sign in, and its sessions and tokens stop working (kept, not deleted).
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # The interface's language chosen on the account (fieldapp/i18n.py); none: the browser's.
    language: Mapped[str | None] = mapped_column(String(5))

    contributor: Mapped[Contributor] = relationship(lazy="joined", foreign_keys=[contributor_id])


class ApiToken(Base):
    """A bearer token for scripts and the phone app, stored as its SHA-256 hash."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class OneTimeLink(Base):
    """A link that sets an account's password once, before it expires: stored as its SHA-256 hash."""

    __tablename__ = "one_time_link"
    __table_args__ = (CheckConstraint(f"purpose IN {sql_in(LINK_PURPOSES)}", name="purpose"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(8))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class UserSession(Base):
    """A signed-in browser session, stored as the SHA-256 hash of the id its cookie carries."""

    __tablename__ = "user_session"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class LoginThrottle(Base):
    """Sign-in attempts in the current window for one account, client address or (account, address) pair.

    Shared by every worker: an attempt claims its place here (row locked) before its password is checked.
    """

    __tablename__ = "login_throttle"
    __table_args__ = (CheckConstraint(f"scope IN {sql_in(THROTTLE_SCOPES)}", name="scope"),)

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)
    # Past the limit, an account takes one attempt at a time, each after a short back-off.
    next_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
