"""Who is asking: the session cookie for pages, a bearer token for scripts."""

from __future__ import annotations

from flask import Flask, g, request, session
from flask_wtf.csrf import CSRFProtect

from fieldapp.access import Viewer, viewer_of
from fieldapp.accounts.models import User
from fieldapp.accounts.service import end_session, start_session, user_for_session, user_for_token
from fieldapp.db import get_session
from fieldapp.errors import Unauthorized

csrf = CSRFProtect()


def init_auth(app: Flask) -> None:
    """Enable CSRF protection and make the current user available to templates."""
    csrf.init_app(app)

    @app.context_processor
    def _inject_user():
        return {"current_user": current_user()}


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("The Authorization header must be 'Bearer <token>'.")
    return token.strip()


def current_user() -> User | None:
    """The signed-in user, resolved once per request (no query for anonymous visitors)."""
    if "current_user" not in g:
        g.current_user = _resolve_user()
    return g.current_user


def _resolve_user() -> User | None:
    g.authenticated_by_token = False
    token = bearer_token()
    if token is not None:
        user = user_for_token(get_session(), token)
        if user is None:
            # The 401 page then renders for nobody, rather than failing again on the same token.
            g.current_user = None
            raise Unauthorized("This API token is not valid.")
        # A valid token speaks for the request alone: the session cookie is ignored.
        g.authenticated_by_token = True
        return user
    if session.get("user_id") is None:
        return None
    user = user_for_session(get_session(), session.get("user_id"), session.get("session_id"))
    if user is None:
        # Signed out elsewhere, or the password changed since: this cookie no longer signs anyone in.
        session.clear()
    return user


def sign_in(user: User) -> None:
    """Start a new session for this user (a fresh cookie: nothing carries over from before)."""
    session.clear()
    session["user_id"] = user.id
    session["session_id"] = start_session(get_session(), user)


def sign_out() -> None:
    """End this browser's session, here and in the database."""
    end_session(get_session(), session.get("session_id"))
    session.clear()


def current_viewer() -> Viewer:
    return viewer_of(current_user())


def require_user() -> User:
    """The signed-in user, or a 401 for anonymous requests."""
    user = current_user()
    if user is None:
        raise Unauthorized()
    return user


def uses_cookie_auth() -> bool:
    """Whether this request acts through the session cookie, and so needs its CSRF token.

    Only a request that authenticates with a valid bearer token skips CSRF: an empty or other
    Authorization header next to a session cookie still counts as a cookie request.
    """
    current_user()
    return not g.authenticated_by_token and session.get("user_id") is not None
