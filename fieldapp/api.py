"""The JSON API's frame: its prefix, CSRF for writes authenticated by cookie, and the OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from fieldapp.accounts.auth import csrf, uses_cookie_auth
from fieldapp.openapi import PUBLIC, answer, document, operation

API_PREFIX = "/api/v1"
bp = Blueprint("api", __name__)


def protect_cookie_writes(api_blueprints: frozenset[str]) -> None:
    """Check the CSRF token of an API write sent with the session cookie (an app-wide hook)."""
    # Bearer tokens cannot be sent by another site; session cookies can, so they need CSRF.
    if request.blueprint in api_blueprints and request.method not in ("GET", "HEAD", "OPTIONS") and uses_cookie_auth():
        csrf.protect()


@bp.get("/openapi.json")
@operation(
    "getOpenAPI",
    "meta",
    "This document",
    security=PUBLIC,
    answers={200: answer("The OpenAPI 3.0.3 document.", {"type": "object"})},
)
def openapi():
    return jsonify(document(current_app, API_PREFIX))
