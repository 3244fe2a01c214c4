"""Listing and revoking API tokens: by their owner, and by staff for any account."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fieldapp.accounts.models import ApiToken, User
from fieldapp.accounts.service import normalise_email
from fieldapp.errors import Forbidden, NotFound


def token_owner(session: Session, actor: User, privileged: bool, email: str | None) -> User:
    """The account whose tokens are asked for: the actor's own, or (staff only) another by email."""
    if email is None or normalise_email(email) == actor.email:
        return actor
    if not privileged:
        raise Forbidden("Only staff may see another account's tokens.", [{"path": "email", "message": "not yours"}])
    owner = session.scalar(select(User).where(User.email == normalise_email(email)))
    if owner is None:
        raise NotFound(f"No account for {email}.", [{"path": "email", "message": "unknown account"}])
    return owner


def list_tokens(session: Session, owner: User) -> list[dict]:
    """The owner's tokens, newest first: id, label and when made (the secret itself is never stored)."""
    rows = session.execute(
        select(ApiToken.id, ApiToken.label, ApiToken.created_at)
        .where(ApiToken.user_id == owner.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return [{"id": r.id, "label": r.label, "created_at": r.created_at.isoformat()} for r in rows]


def revoke_token(session: Session, actor: User, privileged: bool, token_id: int) -> User:
    """Delete a token of the actor's own (or, for staff, anyone's); return its owner.

    Someone else's token answers as a missing one, so ids cannot be probed.
    """
    token = session.get(ApiToken, token_id) if 0 < token_id < 2**31 else None
    if token is None or not (token.user_id == actor.id or privileged):
        raise NotFound("No such API token.", [{"path": "token_id", "message": "no such token"}])
    owner = session.get_one(User, token.user_id)
    session.execute(delete(ApiToken).where(ApiToken.id == token.id))
    session.flush()
    return owner
