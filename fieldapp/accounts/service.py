"""Creating accounts, checking passwords and issuing API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fieldapp.accounts.models import ApiToken, LoginFailure, User
from fieldapp.contributors.models import Contributor
from fieldapp.errors import Conflict, Invalid, TooManyRequests
from fieldapp.vocab import ROLES

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters.",
            [{"path": "password", "message": f"at least {MIN_PASSWORD_LENGTH} characters"}],
        )
    return _hasher.hash(password)


def create_user(
    session: Session,
    email: str,
    *,
    role: str = "member",
    name: str | None = None,
    password: str | None = None,
    contributor: Contributor | None = None,
) -> User:
    """Create an account acting as a new (or the given) contributor."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise Invalid(f"{email!r} is not an email address.", [{"path": "email", "message": "not an email address"}])
    if role not in ROLES:
        raise Invalid(
            f"Unknown role {role!r}; use one of {', '.join(ROLES)}.", [{"path": "role", "message": "unknown role"}]
        )
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"An account for {email} already exists.", [{"path": "email", "message": "already registered"}])
    if contributor is None:
        contributor = Contributor(kind="person", display_name=(name or email.split("@")[0]).strip())
        session.add(contributor)
    user = User(
        email=email, role=role, contributor=contributor, password_hash=hash_password(password) if password else None
    )
    session.add(user)
    session.flush()
    return user


def issue_token(session: Session, user: User, label: str | None = None) -> str:
    """Create an API token; only its hash is stored, so the caller must show it now."""
    token = "fa_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=token_digest(token), label=label))
    session.flush()
    return token


def token_digest(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough (unlike passwords).
    return hashlib.sha256(token.encode()).hexdigest()


def user_for_token(session: Session, token: str) -> User | None:
    return session.scalar(
        select(User).join(ApiToken, ApiToken.user_id == User.id).where(ApiToken.token_hash == token_digest(token))
    )


def authenticate(
    session: Session, email: str, password: str, remote_addr: str, allowed: int, window_s: int
) -> User | None:
    """Check a password, refusing when too many recent attempts for this email failed."""
    email = normalise_email(email)
    since = datetime.now(UTC) - timedelta(seconds=window_s)
    failures = session.execute(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.email == email, LoginFailure.at > since)
    ).scalar_one()
    if failures >= allowed:
        raise TooManyRequests("Too many failed sign-ins for this account; wait 15 minutes and try again.")
    user = session.scalar(select(User).where(User.email == email))
    if user is not None and user.password_hash and _verify(user.password_hash, password):
        session.execute(delete(LoginFailure).where(LoginFailure.email == email))
        return user
    session.add(LoginFailure(email=email, remote_addr=remote_addr[:64]))
    return None


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def set_password(session: Session, email: str, password: str) -> User:
    """Set (or replace) an account's password."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise Invalid(f"No account for {email}.", [{"path": "email", "message": "unknown account"}])
    user.password_hash = hash_password(password)
    session.flush()
    return user
