"""JSON API for a user's API tokens: list and revoke (staff: any account's)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from fieldapp.accounts.auth import current_viewer, require_user
from fieldapp.accounts.schemas import ApiTokenListSchema, TokenListArgsSchema, TokenPathSchema
from fieldapp.accounts.tokens import list_tokens, revoke_token, token_owner
from fieldapp.db import get_session
from fieldapp.openapi import WRITE, answer, operation

bp = Blueprint("tokens_api", __name__)


@bp.get("/tokens")
@operation(
    "listApiTokens",
    "accounts",
    "List API tokens",
    description="Your own tokens, newest first; staff and admins may ask for any account's. "
    "Only a hash of each secret is stored, so the list never contains it.",
    security=WRITE,
    args=TokenListArgsSchema,
    answers={200: answer("The account's tokens.", ApiTokenListSchema)},
    errors=(400, 401, 403, 404),
)
def list_tokens_route(args: dict):
    """List the signed-in user's tokens, or (staff) another account's with ?email=."""
    user = require_user()
    session = get_session()
    owner = token_owner(session, user, current_viewer().is_privileged, args.get("email"))
    return jsonify({"email": owner.email, "tokens": list_tokens(session, owner)})


@bp.delete("/tokens/<int:token_id>")
@operation(
    "revokeApiToken",
    "accounts",
    "Revoke an API token",
    description="The token stops working at once. Your own tokens; staff and admins may revoke anyone's. "
    "Someone else's token answers 404, like a missing one.",
    security=WRITE,
    path=TokenPathSchema,
    answers={204: answer("Revoked.")},
    errors=(400, 401, 404),
)
def revoke_token_route(token_id: int):
    """Revoke one token: it stops working at once."""
    user = require_user()
    session = get_session()
    revoke_token(session, user, current_viewer().is_privileged, token_id)
    session.commit()
    return "", 204
