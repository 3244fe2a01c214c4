"""Marshmallow schemas for contributors: a new pseudonym."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from fieldapp.rules import CONTRIBUTOR_NAME_MAX


class PseudonymSchema(Schema):
    """A pseudonym to create (or find, when the user already has one by this name)."""

    class Meta:
        unknown = RAISE

    display_name = fields.String(required=True, validate=validate.Length(min=1, max=CONTRIBUTOR_NAME_MAX))
