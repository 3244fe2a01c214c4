"""The JSON API's frame: its prefix, CSRF for writes authenticated by cookie, and the OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from fieldapp.accounts.auth import csrf, uses_cookie_auth

API_PREFIX = "/api/v1"
bp = Blueprint("api", __name__)


def protect_cookie_writes(api_blueprints: frozenset[str]) -> None:
    """Check the CSRF token of an API write sent with the session cookie (an app-wide hook)."""
    # Bearer tokens cannot be sent by another site; session cookies can, so they need CSRF.
    if request.blueprint in api_blueprints and request.method not in ("GET", "HEAD", "OPTIONS") and uses_cookie_auth():
        csrf.protect()


@bp.get("/openapi.json")
def openapi():
    from fieldapp.openapi import document

    return jsonify(document())
