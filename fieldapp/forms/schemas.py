"""What the forms API answers (the definition's own schema is forms/definition.FormSchema)."""

from marshmallow import Schema, fields

from fieldapp.forms.definition import FieldSchema
from fieldapp.rules import describe


class FormReadSchema(Schema):
    version = fields.Integer(metadata=describe("The form's version; records keep the one they were made with."))
    published_at = fields.String(metadata=describe("When it was published."))
    title = fields.String(metadata=describe("The form's title."))
    languages = fields.List(fields.String(), metadata=describe("Languages of its labels."))
    field_list = fields.List(fields.Nested(FieldSchema), data_key="fields", metadata=describe("Its custom fields."))


class FormAnswerSchema(Schema):
    form = fields.Nested(FormReadSchema, allow_none=True, metadata=describe("The current form, or null."))


class DatasetSlugSchema(Schema):
    slug = fields.String(required=True, metadata=describe("The dataset's slug."))
