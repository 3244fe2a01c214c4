"""Creating accounts, checking passwords and issuing API tokens."""

from __future__ import annotations

import functools
import hashlib
import math
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fieldapp.accounts.models import ApiToken, User, UserSession
from fieldapp.accounts.throttle import LoginLimits, claim_attempt, client_key, counters, forget_attempt, sweep
from fieldapp.contributors.models import Contributor
from fieldapp.errors import Conflict, Invalid, TooManyRequests
from fieldapp.i18n import ngettext
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
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == token_digest(token), User.active)
    )


class SignInLimited(TooManyRequests):
    """Too many sign-in attempts: says how long to wait (sent as Retry-After)."""

    def __init__(self, wait_s: int):
        if wait_s < 120:
            message = ngettext(
                "Too many sign-in attempts; try again in %(num)d second.",
                "Too many sign-in attempts; try again in %(num)d seconds.",
                wait_s,
            )
        else:
            minutes = math.ceil(wait_s / 60)
            message = ngettext(
                "Too many sign-in attempts; try again in %(num)d minute.",
                "Too many sign-in attempts; try again in %(num)d minutes.",
                minutes,
            )
        super().__init__(message)
        self.retry_after = wait_s


def authenticate(session: Session, email: str, password: str, remote_addr: str, limits: LoginLimits) -> User | None:
    """Check a password within the sign-in limits; raise SignInLimited past them.

    The attempt is counted and committed before the password is checked, so parallel guesses
    cannot share one count; an unknown email costs the same Argon2 check as a known one.
    """
    email = normalise_email(email)
    wanted = counters(email, client_key(remote_addr), limits)
    wait = claim_attempt(session, wanted, limits.window_s)
    session.commit()
    if wait:
        raise SignInLimited(wait)
    user = session.scalar(select(User).where(User.email == email))
    # A deactivated account answers as a wrong password does (after the same Argon2 work).
    stored = user.password_hash if user is not None and user.password_hash and user.active else None
    if not password_matches(stored or _dummy_hash(), password) or stored is None:
        return None
    forget_attempt(session, wanted)
    sweep(session, limits.window_s)
    return user


@functools.cache
def _dummy_hash() -> str:
    # Made by the same hasher, so checking it costs what checking a real account's hash costs.
    return _hasher.hash(secrets.token_urlsafe(16))


def password_matches(password_hash: str, password: str) -> bool:
    """Whether the password matches the Argon2 hash (False for a malformed hash)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def set_password(session: Session, email: str, password: str) -> User:
    """Set (or replace) an account's password."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise Invalid(f"No account for {email}.", [{"path": "email", "message": "unknown account"}])
    change_password(session, user, password)
    return user


def change_password(session: Session, user: User, password: str) -> None:
    """Replace a user's password and end every session signed in with the old one."""
    user.password_hash = hash_password(password)
    end_all_sessions(session, user)


def set_usual_dataset(session: Session, user: User, dataset_id: int | None) -> None:
    """The dataset the recording form starts on when the user has recorded nothing yet (the caller
    checks it is one the user may record into)."""
    user.default_dataset_id = dataset_id


def start_session(session: Session, user: User) -> str:
    """Record a new signed-in session; return its id for the cookie (only its hash is stored)."""
    session_id = secrets.token_urlsafe(32)
    session.add(UserSession(id_hash=token_digest(session_id), user_id=user.id))
    session.flush()
    return session_id


def user_for_session(session: Session, user_id: object, session_id: object) -> User | None:
    """The user of a session cookie, or None once that session has ended."""
    if not isinstance(user_id, int) or not isinstance(session_id, str):
        return None
    return session.scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(User.id == user_id, UserSession.id_hash == token_digest(session_id), User.active)
    )


def end_session(session: Session, session_id: object) -> None:
    """End one signed-in session (signing out)."""
    if isinstance(session_id, str):
        session.execute(delete(UserSession).where(UserSession.id_hash == token_digest(session_id)))


def end_all_sessions(session: Session, user: User) -> None:
    """End every signed-in session of this account (a copied cookie stops working)."""
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.flush()


def register_account(session: Session, email: str, name: str, password: str) -> User | None:
    """Create a member account; None when the email is taken, after the same hashing work.

    The caller answers both cases alike, so registering cannot tell anyone which emails have accounts.
    """
    password_hash = hash_password(password)
    email = normalise_email(email)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        return None
    user = create_user(session, email, name=name)
    user.password_hash = password_hash
    session.flush()
    return user
