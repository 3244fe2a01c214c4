"""Marshmallow schemas of the inbox API: its arguments, what it answers, and what marking read takes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from fieldapp.rules import INT4_MAX, describe


class InboxArgsSchema(Schema):
    """GET /me/notifications."""

    unread = fields.Boolean(load_default=False, metadata=describe("Only the notifications not yet read."))


class NotificationSchema(Schema):
    id = fields.Integer(required=True, metadata=describe("The notification's id, for marking it read."))
    kind = fields.String(required=True, metadata=describe("What happened: an annotation's kind, or answer."))
    observation_id = fields.UUID(required=True, metadata=describe("The record it is about."))
    created_at = fields.DateTime(required=True, metadata=describe("When it happened."))
    read_at = fields.DateTime(required=True, allow_none=True, metadata=describe("When it was read; null if unread."))
    unread = fields.Boolean(required=True, metadata=describe("Whether it is still unread."))
    who = fields.String(required=True, metadata=describe("Who acted, as credited."))
    subject = fields.String(required=True, allow_none=True, metadata=describe("The record's subject."))
    body = fields.String(required=True, allow_none=True, metadata=describe("The annotation's text."))
    response = fields.String(required=True, allow_none=True, metadata=describe("The answer's text, if any."))
    status = fields.String(required=True, metadata=describe("The annotation's status."))


class NotificationListSchema(Schema):
    unread_count = fields.Integer(required=True, metadata=describe("How many of your notifications are unread."))
    notifications = fields.List(fields.Nested(NotificationSchema), required=True)


class MarkReadSchema(Schema):
    """POST /me/notifications/read: the ids to mark, or none of the key to mark every one."""

    ids = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=INT4_MAX)),
        validate=validate.Length(min=1, max=1000),
        metadata=describe("The notifications to mark read. Without it, every one is marked."),
    )


class MarkedSchema(Schema):
    marked = fields.Integer(required=True, metadata=describe("How many were newly marked read."))
    unread_count = fields.Integer(required=True, metadata=describe("How many remain unread."))
