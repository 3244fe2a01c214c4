"""Marshmallow schemas of My records by API: its arguments and the page it answers with."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from fieldapp.geo.filters import CursorArg
from fieldapp.observations import mine
from fieldapp.observations.answers import LinkSchema
from fieldapp.rules import INT4_MAX, describe


class MyRecordsArgsSchema(Schema):
    """GET /me/records."""

    limit = fields.Integer(
        load_default=mine.LISTED,
        validate=validate.Range(min=1, max=INT4_MAX),
        metadata=describe(f"Records per page (at most {mine.LISTED}; larger is clamped)."),
    )
    cursor = CursorArg(metadata=describe("Opaque paging cursor: follow the 'next' link."))


class MyRecordSchema(Schema):
    id = fields.UUID(required=True, metadata=describe("The record."))
    subject = fields.String(required=True, allow_none=True, metadata=describe("What was recorded."))
    dataset = fields.String(required=True, metadata=describe("The dataset's slug."))
    dataset_title = fields.String(required=True, metadata=describe("The dataset's title."))
    observed_start = fields.DateTime(required=True, metadata=describe("When it was observed."))
    time_precision = fields.String(required=True, metadata=describe("How precise that time is."))
    created_at = fields.DateTime(required=True, metadata=describe("When it reached the server (synced)."))
    updated_at = fields.DateTime(required=True, allow_none=True, metadata=describe("When it last changed."))
    visibility = fields.String(required=True, metadata=describe("Who may see it."))
    withdrawn = fields.Boolean(required=True, metadata=describe("Whether it was withdrawn."))
    tally = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata=describe("People per annotation kind (review), e.g. corroborate: 3."),
    )
    open_questions = fields.Boolean(required=True, metadata=describe("Whether a question or correction is open."))
    entered = fields.Boolean(required=True, metadata=describe("Whether you entered it (else it is credited to you)."))
    credited = fields.String(required=True, allow_none=True, metadata=describe("Who it is credited to."))


class MyRecordListSchema(Schema):
    records = fields.List(fields.Nested(MyRecordSchema), required=True)
    links = fields.List(fields.Nested(LinkSchema), required=True)
