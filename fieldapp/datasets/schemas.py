"""Marshmallow schemas for datasets: the one to create, and the one the API answers with (built by SQL)."""

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from fieldapp import rules
from fieldapp.config import HARD_GENERALISE_FLOOR_M
from fieldapp.geoprivacy.cells import MAX_CELL_M
from fieldapp.rules import describe
from fieldapp.vocab import CONTRIBUTOR_KINDS, KNOWLEDGE_KINDS, LICENCES, VISIBILITIES

SLUG = r"^[a-z0-9][a-z0-9-]{1,79}$"


class DatasetSchema(Schema):
    class Meta:
        unknown = RAISE

    slug = fields.String(
        required=True,
        validate=validate.Regexp(
            SLUG, error="Use 2-80 lower-case letters, digits and hyphens, starting with a letter or digit."
        ),
        metadata=describe("Short name in URLs: 2-80 lower-case letters, digits and hyphens."),
    )
    title = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata=describe("The title."))
    description = fields.String(
        load_default="", validate=validate.Length(max=20_000), metadata=describe("What the dataset holds.")
    )
    knowledge_kind = fields.String(
        required=True,
        validate=validate.OneOf(KNOWLEDGE_KINDS),
        metadata=describe("Where the knowledge comes from (provenance, not a grade)."),
    )
    method = fields.String(
        load_default="", validate=validate.Length(max=20_000), metadata=describe("Method or protocol.")
    )
    steward_id = rules.whole_number(
        rules.ROW_ID, metadata=describe("The stewarding contributor (default: the account's own).")
    )
    licence = fields.String(
        load_default="CC-BY-4.0",
        validate=validate.OneOf(LICENCES, error="Unknown licence; use one of {choices}."),
        metadata=describe("Licence of the records (default CC-BY-4.0)."),
    )
    citation = fields.String(load_default="", validate=validate.Length(max=5000), metadata=describe("How to cite it."))
    default_visibility = fields.String(
        load_default="public",
        validate=validate.OneOf(VISIBILITIES),
        metadata=describe("Visibility of new observations (default public)."),
    )
    # The deployment's floor (Settings.generalise_floor_m) is checked by the service.
    generalise_m = fields.Integer(
        allow_none=True,
        validate=validate.Range(min=HARD_GENERALISE_FLOOR_M, max=MAX_CELL_M),
        metadata=describe("Generalisation cell size in metres; the deployment's floor (default 1,000 m) is the least."),
    )
    force_generalised = fields.Boolean(load_default=False, metadata=describe("Generalise every public observation."))


class DatasetPathSchema(Schema):
    slug = fields.String(required=True, metadata=describe("The dataset's slug."))


# --- what the API answers (the JSON is built by SQL in queries.py; these describe it) ---------------


class StewardSchema(Schema):
    id = fields.Integer(metadata=describe("The contributor's id."))
    display_name = fields.String(metadata=describe("As the steward chose to be named."))
    kind = fields.String(validate=validate.OneOf(CONTRIBUTOR_KINDS), metadata=describe("A person or a group."))


CountsSchema = Schema.from_dict(
    {
        name: fields.Integer(validate=validate.Range(min=0), metadata=describe(f"Observations that are {name}."))
        for name in ("total", *VISIBILITIES)
    },
    name="CountsSchema",
)


class ExtentSchema(Schema):
    bbox = fields.List(
        fields.Float(),
        allow_none=True,
        validate=validate.Length(equal=4),
        metadata=describe("minLon, minLat, maxLon, maxLat of the public geometry."),
    )
    interval = fields.List(
        fields.String(allow_none=True),
        validate=validate.Length(equal=2),
        metadata=describe("First and last observation times."),
    )


class DatasetReadSchema(DatasetSchema):
    """A dataset with its steward, counts and extent."""

    class Meta:
        unknown = EXCLUDE
        exclude = ("steward_id",)

    licence = fields.String(
        required=True, validate=validate.OneOf(LICENCES), metadata=describe("Licence of the records.")
    )
    steward = fields.Nested(StewardSchema)
    counts = fields.Nested(CountsSchema)
    extent = fields.Nested(ExtentSchema)
    created_at = fields.DateTime(metadata=describe("When it was created."))
    updated_at = fields.DateTime(allow_none=True, metadata=describe("When it last changed."))


class DatasetListSchema(Schema):
    datasets = fields.List(fields.Nested(DatasetReadSchema), required=True)
