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


class WithdrawalSchema(Schema):
    """What to withdraw: every record credited to the contributor, or one dataset's."""

    class Meta:
        unknown = RAISE

    dataset = fields.String(
        load_default=None, allow_none=True, metadata=describe("A dataset's slug: withdraw only its records.")
    )


class ContributorPathSchema(Schema):
    contributor_id = fields.Integer(required=True, metadata=describe("The contributor (person, pseudonym or group)."))


class WithdrawnSchema(Schema):
    slug = fields.String(metadata=describe("The dataset."))
    title = fields.String(metadata=describe("Its title."))
    records = fields.Integer(metadata=describe("Records withdrawn from it."))
    at = fields.DateTime(metadata=describe("The latest withdrawal."))


class EarlierExportSchema(Schema):
    id = fields.Integer(metadata=describe("The usage log's id of the export, to tell the stewards."))
    at = fields.DateTime(metadata=describe("When it was made."))
    dataset_title = fields.String(metadata=describe("The dataset exported."))
    format = fields.String(allow_none=True, metadata=describe("geojson, csv, gpkg or dwca."))
    viewer = fields.String(allow_none=True, metadata=describe("As whom (a role, never an account)."))
    records = fields.Integer(metadata=describe("How many of the withdrawn records it may have held."))


class WithdrawalReadSchema(Schema):
    withdrawn_now = fields.Integer(metadata=describe("Records this request withdrew."))
    withdrawn = fields.List(fields.Nested(WithdrawnSchema), metadata=describe("Withdrawn records per dataset."))
    exports = fields.List(
        fields.Nested(EarlierExportSchema), metadata=describe("Exports made while the withdrawn records were shared.")
    )


# --- groups by API (issue 13) ---------------------------------------------------------------------


class GroupPathSchema(Schema):
    group_id = fields.Integer(required=True, metadata=describe("The group (a contributor of kind group)."))


class GroupMemberPathSchema(Schema):
    group_id = fields.Integer(required=True, metadata=describe("The group."))
    member_id = fields.Integer(required=True, metadata=describe("The member's contributor id, from the group."))


class GroupInputSchema(Schema):
    """A group to start; its creator is its first admin."""

    class Meta:
        unknown = RAISE

    display_name = fields.String(required=True, metadata=describe("The group's name, as credited."))


class MyGroupSchema(Schema):
    id = fields.Integer(required=True, metadata=describe("The group's contributor id."))
    display_name = fields.String(required=True, metadata=describe("Its name."))
    runs = fields.Boolean(required=True, metadata=describe("Whether you are one of its admins."))
    shown = fields.Boolean(required=True, metadata=describe("Whether its page lists you as a member."))


class MyGroupListSchema(Schema):
    groups = fields.List(fields.Nested(MyGroupSchema), required=True)


class GroupMemberSchema(Schema):
    id = fields.Integer(required=True, metadata=describe("The member's contributor id."))
    display_name = fields.String(required=True, metadata=describe("As credited."))
    admin = fields.Boolean(required=True, metadata=describe("Whether they run the group."))
    shown = fields.Boolean(required=True, metadata=describe("Whether the group's page lists them."))


class GroupReadSchema(Schema):
    """A group as its admins see it: every member, listed or not."""

    id = fields.Integer(required=True, metadata=describe("The group's contributor id."))
    display_name = fields.String(required=True, metadata=describe("Its name."))
    members = fields.List(fields.Nested(GroupMemberSchema), required=True)


class GroupMemberInputSchema(Schema):
    class Meta:
        unknown = RAISE

    email = fields.Email(required=True, metadata=describe("The account's email of the person to add."))
    admin = fields.Boolean(load_default=False, metadata=describe("Whether they also run the group."))


class MembershipInputSchema(Schema):
    class Meta:
        unknown = RAISE

    shown = fields.Boolean(required=True, metadata=describe("Whether the group's page lists you as a member."))


class PersonToCreditInputSchema(Schema):
    """A person without an account, added by a facilitator with a note of their consent."""

    class Meta:
        unknown = RAISE

    display_name = fields.String(required=True, metadata=describe("The name they asked to be credited under."))
    consent_note = fields.String(required=True, metadata=describe("How and when they agreed to be credited."))


class PersonToCreditSchema(Schema):
    id = fields.Integer(required=True, metadata=describe("The contributor id to credit records to."))
    display_name = fields.String(required=True, metadata=describe("As credited."))
    kind = fields.String(required=True, metadata=describe("person or group."))


class PeopleToCreditArgsSchema(Schema):
    q = fields.String(
        required=True, validate=validate.Length(min=1, max=200), metadata=describe("Part of a name to find.")
    )


class PeopleToCreditListSchema(Schema):
    people = fields.List(fields.Nested(PersonToCreditSchema), required=True)
