"""Marshmallow schemas of the staff's people API: its arguments, what it takes and answers."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from fieldapp.rules import CONTRIBUTOR_NAME_MAX, describe
from fieldapp.vocab import ROLES


class PeopleArgsSchema(Schema):
    """GET /people."""

    q = fields.String(
        load_default="", validate=validate.Length(max=200), metadata=describe("Part of an email or name.")
    )


class PersonPathSchema(Schema):
    user_id = fields.Integer(required=True, metadata=describe("The account's id, from the list."))


class PersonSchema(Schema):
    id = fields.Integer(required=True, metadata=describe("The account's id."))
    email = fields.String(required=True, metadata=describe("Its email."))
    display_name = fields.String(required=True, metadata=describe("As credited."))
    role = fields.String(required=True, metadata=describe("Its role: " + ", ".join(ROLES) + "."))
    active = fields.Boolean(required=True, metadata=describe("False once deactivated."))
    may_create_datasets = fields.Boolean(required=True, metadata=describe("Whether a member may create datasets."))
    created_at = fields.DateTime(required=True, metadata=describe("When the account was made."))
    has_password = fields.Boolean(required=True, metadata=describe("False for an invitation not yet taken up."))
    tokens = fields.Integer(required=True, metadata=describe("How many API tokens it holds."))


class PeopleListSchema(Schema):
    people = fields.List(fields.Nested(PersonSchema), required=True)


class PersonPatchSchema(Schema):
    """What staff change of an account (the rules of access.may_give_role apply)."""

    class Meta:
        unknown = RAISE

    role = fields.String(validate=validate.OneOf(ROLES), metadata=describe("A new role."))
    active = fields.Boolean(metadata=describe("False deactivates (sessions end, tokens stop); true reactivates."))
    may_create_datasets = fields.Boolean(metadata=describe("Give or take a member's right to create datasets."))


class InvitationSchema(Schema):
    """POST /invitations: whom to invite, as what, to steward which datasets."""

    class Meta:
        unknown = RAISE

    email = fields.String(
        required=True, validate=validate.Length(min=3, max=254), metadata=describe("The invitee's email address.")
    )
    name = fields.String(
        load_default="",
        validate=validate.Length(max=CONTRIBUTOR_NAME_MAX),
        metadata=describe("How they are credited (they can change it; default: the email's local part)."),
    )
    role = fields.String(
        load_default="member",
        validate=validate.OneOf(ROLES),
        metadata=describe("Their role (only admins invite admins)."),
    )
    datasets = fields.List(
        fields.String(validate=validate.Length(min=1, max=80)),
        load_default=list,
        validate=validate.Length(max=50),
        metadata=describe("Slugs of the datasets they will steward."),
    )


class LinkSchema(Schema):
    """A one-time link to set a password: emailed when the server sends mail, else given here to pass on."""

    emailed = fields.Boolean(required=True, metadata=describe("Whether the link went to the account's email."))
    link = fields.String(
        required=True, allow_none=True, metadata=describe("The one-time link, when it was not emailed (shown once).")
    )
    hours = fields.Integer(required=True, metadata=describe("How long the link works (it works once)."))


class InvitationReadSchema(LinkSchema):
    person = fields.Nested(PersonSchema, required=True, metadata=describe("The account made for the invitee."))


class PasswordResetSchema(LinkSchema):
    person = fields.Nested(PersonSchema, required=True, metadata=describe("The account."))
