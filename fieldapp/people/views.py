"""Staff pages for accounts (/admin/people): list, one account, role, deactivation, reset, invitation."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import text

from fieldapp.access import may_manage_accounts
from fieldapp.accounts.auth import current_viewer, require_user
from fieldapp.accounts.tokens import list_tokens
from fieldapp.config import current_settings
from fieldapp.db import get_session
from fieldapp.errors import FieldAppError, Forbidden, Invalid
from fieldapp.i18n import _
from fieldapp.mail import deliver
from fieldapp.people import service
from fieldapp.ui import word
from fieldapp.vocab import ROLES

bp = Blueprint("people", __name__)


def _staff():
    require_user()
    viewer = current_viewer()
    if not may_manage_accounts(viewer):
        raise Forbidden(_("Only park staff manage accounts."))
    return viewer


def _deliver(email: str, subject: str, body: str, link: str) -> str | None:
    """Email the link when SMTP is set up; return the link to show when it was not sent."""
    delivery = deliver(current_settings(), email, subject, body)
    if delivery == "failed":
        flash(_("The email could not be sent; pass on the link below instead."))
    return None if delivery == "sent" else link


@bp.get("/admin/people")
def people_list():
    viewer = _staff()
    search = request.args.get("q", "")[:200]
    accounts = service.list_accounts(get_session(), viewer, search)
    return render_template("people/list.html", accounts=accounts, search=search, listed=service.LISTED)


@bp.get("/admin/people/<int:user_id>")
def person(user_id: int):
    viewer = _staff()
    session = get_session()
    user = service.get_account(session, viewer, user_id)
    stewards = session.execute(
        text(
            "SELECT d.slug, d.title FROM dataset d WHERE d.steward_id = :c OR d.id IN"
            " (SELECT dataset_id FROM dataset_steward WHERE contributor_id = :c) ORDER BY d.title"
        ),
        {"c": user.contributor_id},
    ).all()
    context: dict[str, Any] = {"user": user, "roles": ROLES, "tokens": list_tokens(session, user), "stewards": stewards}
    return render_template("people/person.html", **context)


def _act(user_id: int, action) -> Any:
    viewer = _staff()
    session = get_session()
    user = service.get_account(session, viewer, user_id)
    result = action(session, viewer, user)
    session.commit()
    return user, result


@bp.post("/admin/people/<int:user_id>/role")
def change_role(user_id: int):
    role = request.form.get("role", "")
    user, _done = _act(user_id, lambda s, v, u: service.set_role(s, v, u, role))
    flash(_("%(email)s is now %(role)s.", email=user.email, role=word("role", role)))
    return redirect(url_for(".person", user_id=user_id), 303)


@bp.post("/admin/people/<int:user_id>/active")
def change_active(user_id: int):
    active = request.form.get("active") == "on"
    user, _done = _act(user_id, lambda s, v, u: service.set_active(s, v, u, active))
    flash(
        _("%(email)s is active again.", email=user.email)
        if active
        else _("%(email)s is deactivated: signed out everywhere, its tokens stopped.", email=user.email)
    )
    return redirect(url_for(".person", user_id=user_id), 303)


@bp.post("/admin/people/<int:user_id>/creator")
def change_creator(user_id: int):
    allowed = request.form.get("allowed") == "on"
    user, _done = _act(user_id, lambda s, v, u: service.set_creator(s, v, u, allowed))
    flash(
        _("%(email)s may create datasets.", email=user.email)
        if allowed
        else _("%(email)s may no longer create datasets.", email=user.email)
    )
    return redirect(url_for(".person", user_id=user_id), 303)


@bp.post("/admin/people/<int:user_id>/reset")
def reset_password(user_id: int):
    hours = current_settings().link_hours
    user, secret = _act(user_id, lambda s, v, u: service.reset_link(s, v, u, hours))
    link = url_for("accounts.set_password", token=secret, _external=True)
    shown = _deliver(user.email, *service.reset_mail(hours, link), link)
    return render_template("people/link.html", user=user, link=shown, purpose="reset", hours=hours)


def _invite_page(values: dict[str, Any], error: str | None = None, status: int = 200):
    datasets = get_session().execute(text("SELECT id, slug, title FROM dataset ORDER BY title")).all()
    context = {"values": values, "error": error, "roles": ROLES, "datasets": datasets}
    return render_template("people/invite.html", **context), status


@bp.route("/admin/people/invite", methods=["GET", "POST"])
def invite():
    viewer = _staff()
    if request.method == "GET":
        return _invite_page({"role": "member"})
    form = request.form
    values = {"email": form.get("email", ""), "name": form.get("name", ""), "role": form.get("role", "member")}
    session = get_session()
    hours = current_settings().link_hours
    try:
        datasets = _dataset_ids(form.getlist("datasets"))
        user, secret = service.invite(session, viewer, values["email"], values["name"], values["role"], datasets, hours)
    except FieldAppError as exc:
        session.rollback()
        reasons = "; ".join(f"{d['path']}: {d['message']}" for d in exc.details) or exc.message
        refused = _("Nobody was invited: %(reasons)s", reasons=reasons)
        return _invite_page(values | {"datasets": form.getlist("datasets")}, refused, exc.status)
    session.commit()
    link = url_for("accounts.set_password", token=secret, _external=True)
    actor = require_user().contributor.display_name
    letter = service.invitation_mail(session, actor, values["role"], datasets, hours, link)
    shown = _deliver(user.email, *letter, link)
    return render_template("people/link.html", user=user, link=shown, purpose="invite", hours=hours)


def _dataset_ids(raw: list[str]) -> list[int]:
    try:
        ids = [int(v) for v in raw]
    except ValueError:
        raise Invalid(_("Not a dataset."), [{"path": "datasets", "message": _("not a dataset id")}]) from None
    if any(not 0 < i < 2**31 for i in ids):
        raise Invalid(_("Not a dataset."), [{"path": "datasets", "message": _("not a dataset id")}])
    return ids
