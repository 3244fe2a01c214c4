"""Who is asking: the session cookie for pages, a bearer token for scripts."""

from __future__ import annotations

from flask import Flask, g, request, session
from flask_wtf.csrf import CSRFProtect

from fieldapp.accounts.models import User
from fieldapp.accounts.service import user_for_token
from fieldapp.db import get_session
from fieldapp.errors import Unauthorized
from fieldapp.geoprivacy.policy import ANONYMOUS, Viewer

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
    token = bearer_token()
    if token is not None:
        user = user_for_token(get_session(), token)
        if user is None:
            raise Unauthorized("This API token is not valid.")
        return user
    user_id = session.get("user_id")
    if user_id is None:
        return None
    return get_session().get(User, user_id)


def current_viewer() -> Viewer:
    user = current_user()
    if user is None:
        return ANONYMOUS
    return Viewer(user_id=user.id, contributor_id=user.contributor_id, role=user.role)


def require_user() -> User:
    """The signed-in user, or a 401 for anonymous requests."""
    user = current_user()
    if user is None:
        raise Unauthorized()
    return user


def uses_cookie_auth() -> bool:
    return "Authorization" not in request.headers and session.get("user_id") is not None
