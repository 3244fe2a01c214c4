"""One-time links that set an account's password: staff's password reset and an invitation.

A link is 256 random bits shown once; only its SHA-256 hash is stored. It works once, before it
expires, for an active account; a new link of the same purpose replaces the account's earlier ones.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fieldapp.accounts.models import OneTimeLink, User
from fieldapp.accounts.service import change_password, token_digest
from fieldapp.errors import NotFound
from fieldapp.i18n import _, _l

SPENT = _l("This link has been used, has expired or does not exist: ask park staff for a new one.")


def issue_link(session: Session, user: User, purpose: str, hours: int, created_by: int | None = None) -> str:
    """Make a link for the account (its earlier unused links of this purpose stop working); return its secret."""
    session.execute(
        delete(OneTimeLink).where(
            OneTimeLink.user_id == user.id, OneTimeLink.purpose == purpose, OneTimeLink.used_at.is_(None)
        )
    )
    secret = "fl_" + secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(hours=hours)
    link = OneTimeLink(
        user_id=user.id, purpose=purpose, token_hash=token_digest(secret), expires_at=expires, created_by=created_by
    )
    session.add(link)
    session.flush()
    return secret


def live_link(session: Session, secret: str, lock: bool = False) -> OneTimeLink | None:
    """The unused, unexpired link of an active account that this secret opens, or None."""
    query = (
        select(OneTimeLink)
        .join(User, User.id == OneTimeLink.user_id)
        .where(
            OneTimeLink.token_hash == token_digest(secret),
            OneTimeLink.used_at.is_(None),
            OneTimeLink.expires_at > func.now(),
            User.active,
        )
    )
    return session.scalar(query.with_for_update(of=OneTimeLink) if lock else query)


def redeem_link(session: Session, secret: str, password: str) -> User:
    """Set the account's password through the link, once: every session of the account ends."""
    link = live_link(session, secret, lock=True)
    if link is None:
        raise NotFound(str(SPENT), [{"path": "token", "message": _("used, expired or unknown")}])
    user = session.get_one(User, link.user_id)
    change_password(session, user, password)
    link.used_at = func.now()
    session.flush()
    return user
