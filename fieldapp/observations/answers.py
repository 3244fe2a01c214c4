"""What the observations API answers, as marshmallow schemas for its OpenAPI document.

The answers themselves are built as JSON by PostGIS (queries.py); these schemas only describe them,
and tests/unit/test_openapi.py and the schemathesis run check real answers against the description.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from fieldapp.geo.fields import GeometrySchema
from fieldapp.observations.schemas import PropertiesSchema
from fieldapp.rules import describe
from fieldapp.vocab import KNOWLEDGE_KINDS


class ImportedFromSchema(Schema):
    import_id = fields.Integer()
    file = fields.String()
    sha256 = fields.String()
    imported_at = fields.DateTime()


class PropertiesReadSchema(PropertiesSchema):
    """The properties sent back: stored values come back canonical, with what the server adds."""

    class Meta:
        unknown = EXCLUDE
        # How a person gave consent is kept with the consents (consent/models.py), not sent back with the record.
        exclude = ("consent_way",)

    place = fields.Dict(
        allow_none=True, metadata=describe("The named place: its id and first name (with the precise location only).")
    )

    # Stored values come back canonical, so these four are other field types than the input's.
    contributor_id = fields.Integer(allow_none=True, metadata=describe("Who is credited (a contributor id)."))  # type: ignore[assignment]
    abundance_value = fields.String(allow_none=True, metadata=describe("The canonical value on abundance_scale."))  # type: ignore[assignment]
    observed_start = fields.DateTime(metadata=describe("When the observation starts."))  # type: ignore[assignment]
    observed_end = fields.DateTime(allow_none=True, metadata=describe("When it ends."))  # type: ignore[assignment]
    attributes = fields.Dict(
        allow_none=True, metadata=describe("Original fields of imported data (null when the location is hidden).")
    )
    field_values = fields.Dict(
        allow_none=True,
        data_key="fields",
        metadata=describe("The dataset form's field values; sensitive ones only for those allowed."),
    )
    # What the server adds to every Feature it sends: attribution, provenance and bookkeeping.
    dataset_title = fields.String(dump_only=True, metadata=describe("The dataset's title."))
    knowledge_kind = fields.String(
        dump_only=True,
        validate=validate.OneOf(KNOWLEDGE_KINDS),
        metadata=describe("The dataset's knowledge kind (provenance, not a grade)."),
    )
    recorded_by = fields.String(
        dump_only=True,
        allow_none=True,
        metadata=describe(
            "Who is credited, as they chose to be named; null when nobody is known (the credit line then"
            " names the dataset alone)."
        ),
    )
    attribution = fields.String(dump_only=True, metadata=describe("The credit line: recorded by · dataset · licence."))
    scientific_name = fields.String(
        dump_only=True, allow_none=True, metadata=describe("The linked subject's scientific name.")
    )
    abundance_verbatim = fields.String(
        dump_only=True, allow_none=True, metadata=describe("abundance_value as it was sent.")
    )
    public_precision_m = fields.Float(
        dump_only=True, allow_none=True, metadata=describe("Size of the generalisation cell, when generalised.")
    )
    location_precise = fields.Boolean(dump_only=True, metadata=describe("Whether the geometry is the precise one."))
    repair_note = fields.String(
        dump_only=True, allow_none=True, metadata=describe("How an invalid geometry was repaired.")
    )
    imported_from = fields.Nested(
        ImportedFromSchema,
        dump_only=True,
        allow_none=True,
        metadata=describe(
            "The import that wrote the record (its id, file name, SHA-256 and time);"
            " shown only to those who may manage the record."
        ),
    )
    annotations = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(validate=validate.Range(min=1)),
        dump_only=True,
        metadata=describe("People per kind of annotation (corroborate, question, context, correction)."),
    )
    created_at = fields.DateTime(dump_only=True, metadata=describe("When the record was stored."))
    updated_at = fields.DateTime(dump_only=True, allow_none=True, metadata=describe("When it last changed."))


class FeatureReadSchema(Schema):
    """One observation as sent."""

    class Meta:
        description = (
            "The precise geometry for its contributor, the dataset's stewards, staff and admins; "
            "the public (possibly generalised) geometry for everyone else, null when private."
        )

    type = fields.String(required=True, validate=validate.Equal("Feature"), metadata=describe("Always Feature."))
    id = fields.UUID(required=True, metadata=describe("The observation's UUID."))
    geometry = fields.Nested(GeometrySchema, required=True, allow_none=True)
    properties = fields.Nested(PropertiesReadSchema, required=True)


class LinkSchema(Schema):
    rel = fields.String(required=True, metadata=describe("self, or next for the following page."))
    type = fields.String(metadata=describe("Media type of the target."))
    href = fields.String(required=True, metadata={"format": "uri", "description": "The URL."})


class ListedFeatureSchema(Schema):
    """One observation in a list: the chosen properties (see the list's `properties`), nulls left out."""

    type = fields.String(required=True, validate=validate.Equal("Feature"), metadata=describe("Always Feature."))
    id = fields.UUID(required=True, metadata=describe("The observation's UUID."))
    geometry = fields.Nested(GeometrySchema, required=True, allow_none=True)
    properties = fields.Nested(PropertiesReadSchema(partial=True), required=True)


class DatasetSummarySchema(Schema):
    """What a list's features would otherwise each repeat of their dataset."""

    title = fields.String(required=True, metadata=describe("The dataset's title."))
    knowledge_kind = fields.String(
        required=True,
        validate=validate.OneOf(KNOWLEDGE_KINDS),
        metadata=describe("The dataset's knowledge kind (provenance, not a grade)."),
    )
    licence = fields.String(
        required=True, metadata=describe("The dataset's licence (a record's own is its licence property).")
    )


class FeatureCollectionReadSchema(Schema):
    """A page of observations."""

    type = fields.String(
        required=True, validate=validate.Equal("FeatureCollection"), metadata=describe("Always FeatureCollection.")
    )
    features = fields.List(fields.Nested(ListedFeatureSchema), required=True)
    datasets = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(DatasetSummarySchema),
        required=True,
        metadata=describe(
            "Each dataset the page's features name, by slug, once: its title, knowledge kind and licence. "
            "A feature's credit line is recorded_by · datasets[dataset].title · licence."
        ),
    )
    links = fields.List(fields.Nested(LinkSchema), required=True)
    numberMatched = fields.Integer(
        required=True,
        validate=validate.Range(min=0),
        metadata=describe(
            "How many observations match the filters: exact, unless numberMatchedIsEstimate is true "
            "(then PostgreSQL's estimate; ask count=exact for an exact count)."
        ),
    )
    numberMatchedIsEstimate = fields.Boolean(
        required=True,
        metadata=describe(
            "True when numberMatched is an estimate: counting exactly would have taken longer than the "
            "deployment allows a default count (FIELDAPP_COUNT_EXACT_MS)."
        ),
    )
    numberReturned = fields.Integer(
        required=True, validate=validate.Range(min=0), metadata=describe("How many are in this page.")
    )


class BatchItemSchema(Schema):
    id = fields.UUID(required=True, metadata=describe("The observation's UUID."))
    status = fields.String(
        required=True,
        validate=validate.OneOf(("created", "existing")),
        metadata=describe("Whether it was stored now or already known."),
    )


class BatchResultSchema(Schema):
    """The answer to a batch."""

    created = fields.Integer(
        required=True, validate=validate.Range(min=0), metadata=describe("How many were stored now.")
    )
    existing = fields.Integer(
        required=True,
        validate=validate.Range(min=0),
        metadata=describe("How many were already stored with the same content."),
    )
    results = fields.List(
        fields.Nested(BatchItemSchema), required=True, metadata=describe("One per feature, in order.")
    )


class MediaUploadSchema(Schema):
    """The multipart form of a photo upload."""

    file = fields.Raw(
        required=True, metadata={"type": "string", "format": "binary", "description": "A JPEG, PNG or WebP photo."}
    )
    id = fields.UUID(metadata=describe("A client-generated id: retries are safe."))


class MediaSchema(Schema):
    """A stored photo, as its uploader sees it (observations/media.media_json)."""

    id = fields.UUID(metadata=describe("The photo's id."))
    observation_id = fields.UUID(metadata=describe("The observation."))
    content_type = fields.String(metadata=describe("image/jpeg, image/png or image/webp."))
    size = fields.Integer(validate=validate.Range(min=0), metadata=describe("Bytes."))
    sha256 = fields.String(metadata=describe("Digest of the original."))
    exif_time = fields.String(allow_none=True, metadata=describe("Time from EXIF."))
    exif_location = fields.List(
        fields.Float(),
        allow_none=True,
        metadata=describe("Longitude and latitude from EXIF (precise; shown to the uploader)."),
    )
    public_url = fields.String(metadata=describe("The metadata-free copy."))
    thumb_url = fields.String(metadata=describe("A thumbnail."))
