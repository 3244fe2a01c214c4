"""Pages of consent: the terms, agreeing to them, what one agreed to (and its download), and publishing them."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from fieldapp.accounts.auth import current_user, require_user
from fieldapp.consent import queries, service
from fieldapp.db import get_session
from fieldapp.errors import Invalid
from fieldapp.i18n import _

bp = Blueprint("consent", __name__)

# What a signed-in person may still open before agreeing to new terms (what they agreed to before, too; and
# admins the terms themselves).
OPEN_ENDPOINTS = {
    "consent.terms",
    "consent.agree",
    "consent.consents",
    "consent.consent_text",
    "consent.edit_terms",
    "accounts.logout",
    "accounts.login",
    "static",
}


def ask_for_consent():
    """Registered in app.register_hooks: a signed-in person who has not agreed to the current terms is asked first.

    Pages only (the API answers to tokens and scripts, which cannot agree); no terms published, nobody is asked."""
    endpoint = request.endpoint or ""
    if endpoint in OPEN_ENDPOINTS or request.path.startswith(("/api/", "/static/", "/tiles/", "/sw.js")):
        return None
    user = current_user()
    if user is None or service.needs_consent(get_session(), user.id) is None:
        return None
    return redirect(url_for("consent.agree", next=request.full_path.rstrip("?")))


@bp.get("/terms")
def terms():
    return render_template("consent/terms.html", terms=service.current_terms(get_session()))


@bp.route("/terms/consent", methods=["GET", "POST"])
def agree():
    user = require_user()
    session = get_session()
    terms = service.current_terms(session)
    if request.method == "POST" and terms is not None:
        version = request.form.get("version", "")
        if not version.isdigit():
            raise Invalid(_("Agree to the terms shown."), [{"path": "version", "message": _("missing")}])
        service.agree(session, user.id, int(version))
        session.commit()
        flash(_("Thank you: you agreed to version %(version)s of the terms.", version=terms.version))
        target = request.args.get("next") or ""
        return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("site.home"))
    return render_template("consent/agree.html", terms=terms)


@bp.get("/account/consents")
def consents():
    user = require_user()
    return render_template("consent/consents.html", consents=queries.consents_of(get_session(), user.id))


@bp.get("/account/consents/<int:consent_id>.txt")
def consent_text(consent_id: int):
    """Download what one agreed to: the version, when, and its text."""
    user = require_user()
    found = [c for c in queries.consents_of(get_session(), user.id) if c["id"] == consent_id]
    if not found:
        abort(404)
    c = found[0]
    body = f"Terms version {c['version']}, agreed {c['at'].isoformat()} ({c['way']}).\n\n{c['text']}\n"
    headers = {"Content-Disposition": f'attachment; filename="terms-v{c["version"]}.txt"'}
    return Response(body, mimetype="text/plain", headers=headers)


@bp.route("/admin/terms", methods=["GET", "POST"])
def edit_terms():
    """Admins edit the terms; publishing makes a new version that everyone is asked to agree to."""
    user = require_user()
    session = get_session()
    if user.role != "admin":
        abort(403)
    if request.method == "POST":
        terms = service.publish_terms(session, user, request.form.get("text", ""))
        session.commit()
        flash(_("Version %(version)s of the terms is published.", version=terms.version))
        return redirect(url_for("consent.edit_terms"))
    return render_template("consent/edit.html", terms=service.current_terms(session))
