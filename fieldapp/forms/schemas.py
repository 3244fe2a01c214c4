"""What the forms API answers (the definition's own schema is forms/definition.FormSchema)."""

from marshmallow import Schema, fields, validate

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


class DatasetFormSchema(Schema):
    dataset = fields.String(metadata=describe("The dataset's slug."))
    form = fields.Nested(FormReadSchema, allow_none=True, metadata=describe("Its current form, or null."))


class MyFormsAnswerSchema(Schema):
    forms = fields.List(
        fields.Nested(DatasetFormSchema),
        metadata=describe(
            "Every dataset the viewer may record into, with its current form (null: only the common fields)."
        ),
    )


class FormVersionArgsSchema(Schema):
    version = fields.Integer(
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata=describe(
            "A version of the form (default: the current one): a record is labelled by the version it was made with."
        ),
    )


class DatasetSlugSchema(Schema):
    slug = fields.String(required=True, metadata=describe("The dataset's slug."))


class XLSFormUploadSchema(Schema):
    """The multipart form of an XLSForm import."""

    file = fields.Raw(
        required=True,
        metadata={
            "type": "string",
            "format": "binary",
            "description": "An .xlsx XLSForm (ODK, KoboToolbox, Survey123).",
        },
    )
    dry_run = fields.String(metadata=describe("true: read and report, write nothing."))


class XLSFormReportSchema(Schema):
    dry_run = fields.Boolean(metadata=describe("Whether nothing was written."))
    form = fields.Nested(FormReadSchema, allow_none=True, metadata=describe("The new version (null on a dry run)."))
    definition = fields.Dict(metadata=describe("The form as read."))
    notes = fields.List(fields.String(), metadata=describe("Each row not kept as it is, and what was done with it."))
