"""Marshmallow schemas for contributors: a new pseudonym, and the pseudonym the API answers with."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from fieldapp.rules import CONTRIBUTOR_NAME_MAX, describe


class PseudonymSchema(Schema):
    """A pseudonym to create (or find, when the user already has one by this name)."""

    class Meta:
        unknown = RAISE

    display_name = fields.String(
        required=True,
        validate=validate.Length(min=1, max=CONTRIBUTOR_NAME_MAX),
        metadata=describe("The name to be credited under."),
    )


class PseudonymReadSchema(Schema):
    """A pseudonym as the API answers with it."""

    id = fields.Integer(
        required=True,
        validate=validate.Range(min=1),
        metadata=describe("The contributor id to send as a feature's contributor_id."),
    )
    display_name = fields.String(required=True, metadata=describe("The name, spaces tidied."))
    kind = fields.String(required=True, metadata=describe("Always 'person'."))
