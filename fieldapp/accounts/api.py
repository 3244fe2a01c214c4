"""JSON API for a user's API tokens: list and revoke (staff: any account's)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from fieldapp.accounts.auth import current_viewer, require_user
from fieldapp.accounts.tokens import list_tokens, revoke_token, token_owner
from fieldapp.db import get_session
from fieldapp.geo.filters import reject_unknown

bp = Blueprint("tokens_api", __name__)


@bp.get("/tokens")
def list_tokens_route():
    """List the signed-in user's tokens, or (staff) another account's with ?email=."""
    reject_unknown(request.args, {"email"})
    user = require_user()
    session = get_session()
    owner = token_owner(session, user, current_viewer().is_privileged, request.args.get("email"))
    return jsonify({"email": owner.email, "tokens": list_tokens(session, owner)})


@bp.delete("/tokens/<int:token_id>")
def revoke_token_route(token_id: int):
    """Revoke one token: it stops working at once."""
    user = require_user()
    session = get_session()
    revoke_token(session, user, current_viewer().is_privileged, token_id)
    session.commit()
    return "", 204
