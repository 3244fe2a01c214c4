"""The /api/v1 blueprint: every capability's API nested under one prefix, and the OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from fieldapp.accounts.auth import csrf, uses_cookie_auth
from fieldapp.annotations.api import bp as annotations_api
from fieldapp.comparison.api import bp as comparison_api
from fieldapp.contributors.api import bp as contributors_api
from fieldapp.datasets.api import bp as datasets_api
from fieldapp.observations.api import bp as observations_api

bp = Blueprint("api", __name__, url_prefix="/api/v1")
for child in (observations_api, datasets_api, comparison_api, annotations_api, contributors_api):
    bp.register_blueprint(child)
    # Checked below, only for writes authenticated by the session cookie.
    csrf.exempt(child)
csrf.exempt(bp)


@bp.before_request
def _protect_cookie_writes() -> None:
    # Bearer tokens cannot be sent by another site; session cookies can, so they need CSRF.
    if request.method not in ("GET", "HEAD", "OPTIONS") and uses_cookie_auth():
        csrf.protect()


@bp.get("/openapi.json")
def openapi():
    from fieldapp.openapi import document

    return jsonify(document())
