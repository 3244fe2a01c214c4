"""JSON API for the signed-in person's inbox: the same service the /account/inbox page calls."""

from __future__ import annotations

from flask import Blueprint, jsonify

from fieldapp.accounts.auth import require_user
from fieldapp.db import get_session
from fieldapp.http import load, read_json
from fieldapp.notifications import service
from fieldapp.notifications.schemas import (
    InboxArgsSchema,
    MarkedSchema,
    MarkReadSchema,
    NotificationListSchema,
    NotificationSchema,
)
from fieldapp.openapi import JSON, WRITE, answer, operation

bp = Blueprint("notifications_api", __name__)
_item = NotificationSchema()


@bp.get("/me/notifications")
@operation(
    "listMyNotifications",
    "accounts",
    "Your inbox: annotations on your records and answers to yours, newest first",
    description=f"At most {service.LISTED}, each with its unread flag. Only your own notifications, ever.",
    security=WRITE,
    args=InboxArgsSchema,
    answers={200: answer("Your notifications.", NotificationListSchema)},
    errors=(400, 401),
)
def list_notifications(args: dict):
    user = require_user()
    session = get_session()
    items = service.inbox(session, user.id, unread_only=args["unread"])
    listed = [_item.dump({**item, "unread": item["read_at"] is None}) for item in items]
    return jsonify({"unread_count": service.unread_count(session, user.id), "notifications": listed})


@bp.post("/me/notifications/read")
@operation(
    "markMyNotificationsRead",
    "accounts",
    "Mark some or all of your notifications read",
    description="Ids that are not yours, or already read, change nothing.",
    security=WRITE,
    body={JSON: MarkReadSchema},
    answers={200: answer("How many were marked.", MarkedSchema)},
    errors=(400, 401, 413, 422),
)
def mark_read():
    user = require_user()
    values = load(MarkReadSchema(), read_json())
    session = get_session()
    marked = service.mark_read(session, user.id, values.get("ids"))
    session.commit()
    return jsonify({"marked": marked, "unread_count": service.unread_count(session, user.id)})
