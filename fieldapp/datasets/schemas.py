"""Marshmallow schemas for datasets: the one to create, and the one the API answers with (built by SQL)."""

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from fieldapp import rules
from fieldapp.config import HARD_GENERALISE_FLOOR_M
from fieldapp.geoprivacy.cells import MAX_CELL_M
from fieldapp.rules import describe
from fieldapp.vocab import (
    AGREEMENT_USES,
    AUDIENCES,
    CONTRIBUTOR_KINDS,
    GRANT_STATUSES,
    KNOWLEDGE_KINDS,
    LICENCES,
    OGC_COLLECTIONS,
    RECORDING_MODES,
    TK_LABELS,
    VISIBILITIES,
)

SLUG = r"^[a-z0-9][a-z0-9-]{1,79}$"


class DatasetSchema(Schema):
    class Meta:
        unknown = RAISE

    slug = fields.String(
        required=True,
        validate=[
            validate.Regexp(
                SLUG, error="Use 2-80 lower-case letters, digits and hyphens, starting with a letter or digit."
            ),
            validate.NoneOf(OGC_COLLECTIONS, error="This name is taken by the OGC API's own collections."),
        ],
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
    stewards = fields.List(
        rules.whole_number(rules.ROW_ID),
        load_default=list,
        validate=validate.Length(max=50),
        metadata=describe("Further stewards (contributor ids of people with accounts, or groups)."),
    )
    recording = fields.String(
        load_default="open",
        validate=validate.OneOf(RECORDING_MODES),
        metadata=describe("Who may record into it: open (any member), groups (members of recording_groups), invited."),
    )
    recording_groups = fields.List(
        rules.whole_number(rules.ROW_ID),
        load_default=list,
        validate=validate.Length(max=50),
        metadata=describe("The groups (contributor ids) whose members may record, when recording is 'groups'."),
    )
    recorders = fields.List(
        rules.whole_number(rules.ROW_ID),
        load_default=list,
        validate=validate.Length(max=500),
        load_only=True,
        metadata=describe("The people (contributor ids of accounts) invited to record, when recording is 'invited'."),
    )


class DatasetEditSchema(DatasetSchema):
    """A change to a dataset: any of its fields but the slug (its stewards and park staff)."""

    class Meta:
        unknown = RAISE
        exclude = ("slug",)


class LabelSchema(Schema):
    class Meta:
        unknown = RAISE

    label = fields.String(
        required=True,
        validate=validate.OneOf(tuple(TK_LABELS)),
        metadata=describe("A Local Contexts Traditional Knowledge (tk_) or Biocultural (bc_) label."),
    )
    text = fields.String(
        load_default="", validate=validate.Length(max=5000), metadata=describe("The community's own words for it.")
    )


class AgreementSchema(Schema):
    """The terms a dataset's holders lend its knowledge on."""

    class Meta:
        unknown = RAISE

    purpose = fields.String(
        load_default="", validate=validate.Length(max=5000), metadata=describe("What the knowledge may be used for.")
    )
    uses = fields.List(
        fields.String(validate=validate.OneOf(AGREEMENT_USES)),
        load_default=list,
        validate=validate.Length(max=len(AGREEMENT_USES)),
        metadata=describe("Allowed uses: park_management, research, education."),
    )
    commercial = fields.Boolean(load_default=False, metadata=describe("Whether commercial use is allowed."))
    audience = fields.String(
        load_default="everyone",
        validate=validate.OneOf(AUDIENCES),
        metadata=describe("Who may see the records: everyone, members (signed in), groups (named), park (staff)."),
    )
    audience_groups = fields.List(
        rules.whole_number(rules.ROW_ID),
        load_default=list,
        validate=validate.Length(max=50),
        metadata=describe("The groups (contributor ids) whose members are the audience, when it is 'groups'."),
    )
    embargo_until = fields.Date(
        allow_none=True,
        load_default=None,
        metadata=describe("Before this day only the dataset's existence and credit are public."),
    )
    review_on = fields.Date(allow_none=True, load_default=None, metadata=describe("When the agreement is reviewed."))
    labels = fields.List(
        fields.Nested(LabelSchema), load_default=list, validate=validate.Length(max=20), metadata=describe("Labels.")
    )


class AgreementReadSchema(AgreementSchema):
    class Meta:
        unknown = EXCLUDE

    embargoed = fields.Boolean(metadata=describe("Whether the embargo holds today."))
    updated_at = fields.DateTime(metadata=describe("When the agreement last changed."))


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
    stewards = fields.List(fields.Nested(StewardSchema), metadata=describe("Its further stewards."))
    counts = fields.Nested(CountsSchema)
    extent = fields.Nested(ExtentSchema)
    agreement = fields.Nested(AgreementReadSchema, allow_none=True, metadata=describe("Its data agreement, if any."))
    created_at = fields.DateTime(metadata=describe("When it was created."))
    updated_at = fields.DateTime(allow_none=True, metadata=describe("When it last changed."))


class DatasetListSchema(Schema):
    datasets = fields.List(fields.Nested(DatasetReadSchema), required=True)


class AccessRequestSchema(Schema):
    """A request for precise access to a dataset."""

    class Meta:
        unknown = RAISE

    purpose = fields.String(
        required=True,
        validate=validate.Length(min=10, max=5000),
        metadata=describe("What the precise locations are for."),
    )


class AccessDecisionSchema(Schema):
    class Meta:
        unknown = RAISE

    decision = fields.String(
        required=True, validate=validate.OneOf(("grant", "refuse")), metadata=describe("grant or refuse.")
    )
    until = fields.Date(
        load_default=None, allow_none=True, metadata=describe("For a grant: the first day it no longer holds.")
    )


class AccessRequestReadSchema(Schema):
    id = fields.Integer(metadata=describe("The request."))
    purpose = fields.String(metadata=describe("Its stated purpose."))
    status = fields.String(validate=validate.OneOf(GRANT_STATUSES), metadata=describe("requested, granted, refused."))
    requested_at = fields.DateTime(metadata=describe("When it was asked."))
    decided_at = fields.DateTime(allow_none=True, metadata=describe("When it was decided."))
    expires_on = fields.Date(allow_none=True, metadata=describe("A grant's first day without access."))
    active = fields.Boolean(metadata=describe("Whether access holds today."))
    requested_by = fields.String(metadata=describe("Who asked, as credited."))


class AccessRequestListSchema(Schema):
    requests = fields.List(fields.Nested(AccessRequestReadSchema), metadata=describe("The requests you may see."))


class AccessRequestPathSchema(Schema):
    slug = fields.String(required=True, metadata=describe("The dataset's slug."))
    request_id = fields.Integer(required=True, metadata=describe("The request."))
