"""Marshmallow schemas for consent: a consent a facilitator records on someone's behalf."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from fieldapp.rules import describe
from fieldapp.vocab import CONSENT_WAYS

FACILITATED_WAYS = tuple(w for w in CONSENT_WAYS if w != "online")


class FacilitatedConsentSchema(Schema):
    """How a person the facilitator records for gave consent to the current terms."""

    class Meta:
        unknown = RAISE

    person = fields.String(
        required=True, validate=validate.Length(min=1, max=200), metadata=describe("The person, as they are credited.")
    )
    way = fields.String(
        required=True,
        validate=validate.OneOf(FACILITATED_WAYS),
        metadata=describe("How they gave it: in_person, paper or verbal."),
    )
    dataset = fields.String(required=True, metadata=describe("The dataset the facilitator records into (its slug)."))


class FacilitatedConsentReadSchema(Schema):
    id = fields.Integer(metadata=describe("The consent."))
    person = fields.String(metadata=describe("The person."))
    way = fields.String(metadata=describe("How they gave it."))
    version = fields.Integer(metadata=describe("The version of the terms."))
    recorded_by = fields.String(metadata=describe("The facilitator who recorded it, as credited."))
    at = fields.DateTime(metadata=describe("When."))
