"""The inbox: questions, corrections, context, corroborations on my records, and answers to my annotations."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from fieldapp.accounts.auth import current_user, require_user
from fieldapp.db import get_session
from fieldapp.i18n import _
from fieldapp.notifications import service

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _unread():
    # A function, so the count is read only where the navigation shows it (signed in).
    def unread_notifications() -> int:
        user = current_user()
        return 0 if user is None else service.unread_count(get_session(), user.id)

    return {"unread_notifications": unread_notifications}


@bp.get("/account/inbox")
def inbox():
    user = current_user()
    if user is None:
        return redirect(url_for("accounts.login", next=request.path))
    items = service.inbox(get_session(), user.id)
    return render_template("notifications/inbox.html", items=items, listed=service.LISTED)


@bp.post("/account/inbox/read")
def mark_read():
    user = require_user()
    session = get_session()
    service.mark_read(session, user.id)
    session.commit()
    flash(_("Everything in your inbox is marked read."))
    return redirect(url_for(".inbox"), 303)
