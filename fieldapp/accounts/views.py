"""Sign-in, sign-out and registration pages, and the account page (password, API tokens)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for

from fieldapp.accounts.auth import current_user, current_viewer, require_user, sign_in, sign_out
from fieldapp.accounts.forms import ChangePasswordForm, LoginForm, NewTokenForm, RegisterForm, SetPasswordForm
from fieldapp.accounts.links import SPENT, live_link, redeem_link
from fieldapp.accounts.models import User
from fieldapp.accounts.service import (
    SignInLimited,
    authenticate,
    change_password,
    issue_token,
    password_matches,
    register_account,
)
from fieldapp.accounts.throttle import LoginLimits
from fieldapp.accounts.tokens import list_tokens, revoke_token, token_owner
from fieldapp.config import current_settings
from fieldapp.consent.service import agree, current_terms
from fieldapp.db import get_session
from fieldapp.i18n import _, _l
from fieldapp.observations.erasure import delete_account

bp = Blueprint("accounts", __name__)

REGISTERED = _l(
    "Thank you. If %(email)s had no account yet, it has one now: sign in with the password you chose. "
    "If it already had one, sign in with that account's password."
)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: never redirect to another host after signing in.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("site.home")


def login_limits() -> LoginLimits:
    settings = current_settings()
    return LoginLimits(
        account_allowed=settings.login_failures_allowed,
        address_allowed=settings.login_address_failures_allowed,
        window_s=settings.login_failure_window_s,
        backoff_s=settings.login_backoff_s,
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("accounts/login.html", form=form), 400 if request.method == "POST" else 200
    db = get_session()
    try:
        user = authenticate(db, form.email.data, form.password.data, request.remote_addr or "", login_limits())
    except SignInLimited as exc:
        form.form_errors.append(exc.message)
        return render_template("accounts/login.html", form=form), 429, {"Retry-After": str(exc.retry_after)}
    if user is None:
        db.commit()
        form.form_errors.append(_("That email and password do not match an account."))
        return render_template("accounts/login.html", form=form), 401
    sign_in(user)
    db.commit()
    return redirect(_safe_next(request.args.get("next")))


@bp.route("/logout", methods=["POST"])
def logout():
    sign_out()
    get_session().commit()
    flash(_("You have signed out."))
    return redirect(url_for("site.home"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    db = get_session()
    terms = current_terms(db)
    valid = form.validate_on_submit()
    if valid and terms is not None and not form.agree.data:
        form.agree.errors = [_("Agree to the terms to register.")]
        valid = False
    if not valid:
        status = 400 if request.method == "POST" else 200
        return render_template("accounts/register.html", form=form, terms=terms), status
    # The same answer whether or not the email has an account, so this page cannot be used to find out.
    user = register_account(db, form.email.data, form.display_name.data, form.password.data)
    if user is not None and terms is not None:
        agree(db, user.id, terms.version)
    db.commit()
    flash(str(REGISTERED) % {"email": form.email.data.strip()})
    return redirect(url_for("accounts.login"))


@bp.route("/account", methods=["GET", "POST"])
def account():
    """Change the password: every other session of the account ends, this one starts afresh."""
    user = current_user()
    if user is None:
        return redirect(url_for("accounts.login", next=request.path))
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if user.password_hash and password_matches(user.password_hash, form.current.data):
            db = get_session()
            change_password(db, user, form.password.data)
            sign_in(user)
            db.commit()
            flash(_("Your password has changed; every other session of this account has ended."))
            return redirect(url_for("accounts.account"))
        form.current.errors.append(_("This is not your current password."))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/account.html", form=form, user=user), status


@bp.route("/account/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """A one-time link (an invitation, staff's reset): choose a password, once, then signed in."""
    db = get_session()
    link = live_link(db, token) if len(token) <= 100 else None
    if link is None:
        page = render_template("accounts/set_password.html", valid=False, spent=SPENT)
        return page, 404, {"Referrer-Policy": "no-referrer"}
    form = SetPasswordForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        email = db.get_one(User, link.user_id).email
        page = render_template("accounts/set_password.html", valid=True, form=form, email=email)
        return page, status, {"Referrer-Policy": "no-referrer"}
    user = redeem_link(db, token, form.password.data)
    sign_in(user)
    db.commit()
    flash(_("Your password is set and you are signed in."))
    return redirect(url_for("site.home"), 303)


@bp.route("/account/tokens", methods=["GET", "POST"])
def tokens():
    """List your API tokens (staff: anyone's, with ?email=) and make a new one, shown once."""
    user = current_user()
    if user is None:
        return redirect(url_for("accounts.login", next=request.path))
    db = get_session()
    owner = token_owner(db, user, current_viewer().is_privileged, request.args.get("email"))
    form, new_token, status = NewTokenForm(), None, 200
    if form.validate_on_submit() and owner.id == user.id:
        new_token = issue_token(db, user, label=(form.label.data or "").strip() or None)
        db.commit()
    elif request.method == "POST":
        status = 400
    context = {"owner": owner, "tokens": list_tokens(db, owner)}
    return render_template("accounts/tokens.html", form=form, new_token=new_token, **context), status


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke(token_id: int):
    # CSRFProtect has already checked this form's token (every page POST is protected).
    user = require_user()
    db = get_session()
    owner = revoke_token(db, user, current_viewer().is_privileged, token_id)
    db.commit()
    flash(_("The token is revoked: it no longer works."))
    email = None if owner.id == user.id else owner.email
    return redirect(url_for("accounts.tokens", email=email), 303)


@bp.post("/account/delete")
def delete():
    """Delete the account: the person chooses what becomes of their records; their personal data is erased."""
    user = require_user()
    db = get_session()
    if not (user.password_hash and password_matches(user.password_hash, request.form.get("password", ""))):
        flash(_("Your account is not deleted: that is not your password."))
        return redirect(url_for("accounts.account"))
    delete_account(db, user, request.form.get("choice", ""), request.form.get("pseudonym", ""))
    sign_out()
    db.commit()
    flash(_("Your account is deleted and your personal data erased."))
    return redirect(url_for("site.home"))
