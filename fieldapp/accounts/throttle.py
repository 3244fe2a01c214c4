"""Sign-in limits per account, per client address and per pair, counted atomically in PostgreSQL."""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from fieldapp.accounts.models import LoginThrottle


@dataclass(frozen=True)
class LoginLimits:
    """How many sign-in attempts may fail within a window, and the back-off past the account's limit."""

    # Per account and per (account, client address) pair.
    account_allowed: int = 5
    # Per client address across all accounts (one password tried against many emails).
    address_allowed: int = 20
    window_s: int = 900
    # Past its limit an account is never locked: it takes one attempt per back-off, from any address.
    backoff_s: int = 30


@dataclass(frozen=True)
class Counter:
    scope: str
    key: str
    allowed: int
    # None: once full, the counter refuses until its window ends.
    backoff_s: int | None = None


def client_key(remote_addr: str) -> str:
    """The address a limit applies to: IPv6 clients by their /64, which one subscriber usually holds whole."""
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return remote_addr[:64] or "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def counters(email: str, address: str, limits: LoginLimits) -> list[Counter]:
    """The three counters one attempt claims, sorted as they are locked (so workers never deadlock)."""
    return [
        Counter("account", email, limits.account_allowed, limits.backoff_s),
        Counter("address", address, limits.address_allowed),
        Counter("pair", f"{email} {address}", limits.account_allowed),
    ]


def claim_attempt(session: Session, wanted: list[Counter], window_s: int) -> int:
    """Count one attempt on every counter, or on none: 0 when allowed, else the seconds to wait.

    The rows stay locked until the caller commits, so parallel attempts are counted one by one.
    """
    rows = _lock(session, wanted)
    now: datetime = session.execute(select(func.clock_timestamp())).scalar_one()
    window = timedelta(seconds=window_s)
    for row in rows.values():
        if row.window_start <= now - window:
            row.attempts, row.window_start, row.next_at = 0, now, None
    waits = [_wait(rows[(c.scope, c.key)], c, now, window) for c in wanted]
    if max(waits) > 0:
        session.flush()
        return max(waits)
    for counter in wanted:
        row = rows[(counter.scope, counter.key)]
        if row.attempts >= counter.allowed:
            row.next_at = now + timedelta(seconds=counter.backoff_s or 0)
        row.attempts += 1
    session.flush()
    return 0


def _lock(session: Session, wanted: list[Counter]) -> dict[tuple[str, str], LoginThrottle]:
    # One statement makes missing rows and locks existing ones (a no-op update takes the row lock), so a
    # concurrent sweep cannot delete a row between finding and locking it.
    insert = pg_insert(LoginThrottle).values([{"scope": c.scope, "key": c.key} for c in wanted])
    upsert = insert.on_conflict_do_update(
        index_elements=[LoginThrottle.scope, LoginThrottle.key], set_={"attempts": LoginThrottle.attempts}
    )
    found = session.scalars(upsert.returning(LoginThrottle), execution_options={"populate_existing": True})
    return {(row.scope, row.key): row for row in found}


def _wait(row: LoginThrottle, counter: Counter, now: datetime, window: timedelta) -> int:
    if row.attempts < counter.allowed:
        return 0
    if counter.backoff_s is None:
        until = row.window_start + window
    elif row.next_at is None:
        return 0
    else:
        until = row.next_at
    return max(0, math.ceil((until - now).total_seconds()))


def forget_attempt(session: Session, wanted: list[Counter]) -> None:
    """After a right password: clear the account and pair counters, and give the address its attempt back."""
    for counter in wanted:
        match = (LoginThrottle.scope == counter.scope) & (LoginThrottle.key == counter.key)
        if counter.scope == "address":
            change = update(LoginThrottle).values(attempts=func.greatest(LoginThrottle.attempts - 1, 0))
        else:
            change = update(LoginThrottle).values(attempts=0, next_at=None)
        session.execute(change.where(match))


def sweep(session: Session, window_s: int) -> None:
    """Delete counters whose window ended, skipping any a sign-in holds right now."""
    stale = (
        select(LoginThrottle.scope, LoginThrottle.key)
        .where(LoginThrottle.window_start < func.now() - timedelta(seconds=window_s))
        .where((LoginThrottle.next_at.is_(None)) | (LoginThrottle.next_at < func.now()))
        .limit(1000)
        .with_for_update(skip_locked=True)
    )
    session.execute(delete(LoginThrottle).where(tuple_(LoginThrottle.scope, LoginThrottle.key).in_(stale)))
