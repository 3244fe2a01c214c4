"""The home page: what this is, the datasets and recent public observations; the language switch."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from fieldapp.accounts.auth import current_user
from fieldapp.datasets.queries import list_datasets
from fieldapp.db import get_session
from fieldapp.errors import BadRequest
from fieldapp.i18n import COOKIE, COOKIE_KEPT_S, LANGUAGES, _
from fieldapp.observations.queries import recent_public

bp = Blueprint("site", __name__)


@bp.get("/")
def home():
    session = get_session()
    return render_template("site/home.html", datasets=list_datasets(session), recent=recent_public(session))


def _same_site(target: str | None) -> str:
    # Only a path of this site: the switch never redirects to another host.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("site.home")


@bp.post("/language")
def switch_language():
    """The language switch on every page: a cookie for everyone, and the account's choice when signed in."""
    language = request.form.get("language", "")
    if language not in LANGUAGES:
        message = _("Choose one of the languages offered.")
        raise BadRequest(message, [{"path": "language", "message": message}])
    user = current_user()
    if user is not None:
        user.language = language
        get_session().commit()
    response = redirect(_same_site(request.form.get("next")), 303)
    response.set_cookie(
        COOKIE,
        language,
        max_age=COOKIE_KEPT_S,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response
