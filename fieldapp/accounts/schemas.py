"""Marshmallow schemas of the token API: its arguments, and the list it answers with."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from fieldapp.rules import describe


class TokenListArgsSchema(Schema):
    """GET /tokens."""

    email = fields.String(metadata=describe("Staff only: another account's email. Without it, your own tokens."))


class TokenPathSchema(Schema):
    token_id = fields.Integer(
        required=True, validate=validate.Range(min=1), metadata=describe("The token's id, from the list.")
    )


class ApiTokenSchema(Schema):
    id = fields.Integer(
        required=True,
        validate=validate.Range(min=1),
        metadata=describe("The token's id, for revoking it (the secret is never shown again)."),
    )
    label = fields.String(
        required=True, allow_none=True, metadata=describe("What the token is for, as given when it was made.")
    )
    created_at = fields.DateTime(required=True, metadata=describe("When it was made."))


class ApiTokenListSchema(Schema):
    email = fields.String(required=True, metadata=describe("The account the tokens belong to."))
    tokens = fields.List(fields.Nested(ApiTokenSchema), required=True)
