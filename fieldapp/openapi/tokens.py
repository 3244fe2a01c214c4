"""OpenAPI description of API tokens: list and revoke them (staff: any account's)."""

from __future__ import annotations

from fieldapp.openapi.builders import Schema, errors, number, ref, response, string

WRITE_SECURITY: list[dict] = [{"bearerAuth": []}, {"cookieAuth": []}]


def token_schemas() -> Schema:
    return {
        "ApiToken": {
            "type": "object",
            "required": ["id", "label", "created_at"],
            "properties": {
                "id": number("integer", "The token's id, for revoking it (the secret is never shown again).", 1),
                "label": string("What the token is for, as given when it was made.", nullable=True),
                "created_at": string("When it was made.", format="date-time"),
            },
        },
        "ApiTokenList": {
            "type": "object",
            "required": ["email", "tokens"],
            "properties": {
                "email": string("The account the tokens belong to."),
                "tokens": {"type": "array", "items": ref("schemas", "ApiToken")},
            },
        },
    }


def token_paths() -> Schema:
    return {
        "/tokens": {"get": list_tokens()},
        "/tokens/{token_id}": {"delete": revoke_token()},
    }


def list_tokens() -> Schema:
    email = {
        "name": "email",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "Staff only: another account's email. Without it, your own tokens.",
    }
    return {
        "tags": ["accounts"],
        "operationId": "listApiTokens",
        "summary": "List API tokens",
        "description": "Your own tokens, newest first; staff and admins may ask for any account's. "
        "Only a hash of each secret is stored, so the list never contains it.",
        "security": WRITE_SECURITY,
        "parameters": [email],
        "responses": {
            "200": response("The account's tokens.", ref("schemas", "ApiTokenList")),
            **errors("400", "401", "403", "404"),
        },
    }


def revoke_token() -> Schema:
    token_id = {
        "name": "token_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
        "description": "The token's id, from the list.",
    }
    return {
        "tags": ["accounts"],
        "operationId": "revokeApiToken",
        "summary": "Revoke an API token",
        "description": "The token stops working at once. Your own tokens; staff and admins may revoke anyone's. "
        "Someone else's token answers 404, like a missing one.",
        "security": WRITE_SECURITY,
        "parameters": [token_id, ref("parameters", "csrfToken")],
        "responses": {"204": {"description": "Revoked."}, **errors("400", "401", "404")},
    }
