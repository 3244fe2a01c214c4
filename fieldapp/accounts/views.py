"""Sign-in, sign-out and registration pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for

from fieldapp.accounts.forms import LoginForm, RegisterForm
from fieldapp.accounts.service import authenticate, create_user
from fieldapp.db import get_session
from fieldapp.errors import Conflict, TooManyRequests

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: never redirect to another host after signing in.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("site.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        settings = current_app.extensions["fieldapp.settings"]
        db = get_session()
        try:
            user = authenticate(
                db,
                form.email.data,
                form.password.data,
                request.remote_addr or "",
                settings.login_failures_allowed,
                settings.login_failure_window_s,
            )
        except TooManyRequests as exc:
            form.form_errors.append(exc.message)
            return render_template("accounts/login.html", form=form), 429
        db.commit()
        if user is not None:
            session.clear()
            session["user_id"] = user.id
            return redirect(_safe_next(request.args.get("next")))
        form.form_errors.append("That email and password do not match an account.")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("site.home"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            user = create_user(db, form.email.data, name=form.display_name.data, password=form.password.data)
        except Conflict:
            form.email.errors.append("An account with this email already exists; sign in instead.")
        else:
            db.commit()
            session.clear()
            session["user_id"] = user.id
            flash(f"Welcome, {user.contributor.display_name}.")
            return redirect(url_for("site.home"))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/register.html", form=form), status
