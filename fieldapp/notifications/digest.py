"""Email digests of unread notifications: each person's, once, whether the CLI sends them or a worker job does.

Each person's digest is sent while their notifications' rows are locked (FOR UPDATE SKIP LOCKED) and marked
emailed in the same transaction, so two senders at once never mail the same notification twice; a sender
killed between the mail server's acceptance and its commit leaves that one person's digest to be sent again
(SMTP gives no way to make that exactly once).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.mail import MailError, send_mail
from fieldapp.notifications.service import digests, mark_emailed

SUBJECT = "What happened to your fieldapp records"


def send_digests(session: Session, settings, go_on: Callable[[], bool] = lambda: True) -> tuple[int, list[str]]:
    """Send every person their digest; (how many were sent, the addresses the server refused with why)."""
    sent, refused = 0, []
    for address, items in digests(session):
        session.rollback()  # each person in a transaction of their own
        if not go_on():
            break
        ids = [n["id"] for n in items]
        locked = session.scalars(
            text(
                "SELECT id FROM notification WHERE id = ANY(:ids) AND emailed_at IS NULL AND read_at IS NULL"
                " ORDER BY id FOR UPDATE SKIP LOCKED"
            ),
            {"ids": ids},
        ).all()
        if not locked:  # another sender has them, or they were read meanwhile
            session.rollback()
            continue
        try:
            send_mail(settings, address, SUBJECT, digest_text(settings, [n for n in items if n["id"] in locked]))
        except MailError as exc:
            session.rollback()
            refused.append(f"{address}: {exc}")
            continue
        mark_emailed(session, list(locked))
        session.commit()
        sent += 1
    return sent, refused


def digest_text(settings, items: list[dict[str, Any]]) -> str:
    base = settings.base_url.rstrip("/")
    lines = ["Hello,", "", "Since your last visit:", ""]
    for n in items:
        what = {"answer": "answered your annotation on", "question": "asked a question about"}.get(
            n["kind"], f"added a {n['kind']} to"
        )
        lines.append(f"- {n['who']} {what} {n['subject'] or 'your record'}: {base}/observations/{n['observation_id']}")
    lines += ["", f"Your inbox: {base}/account/inbox", ""]
    return "\n".join(lines)
