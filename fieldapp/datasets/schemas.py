"""Marshmallow schema for creating a dataset."""

from marshmallow import RAISE, Schema, fields, validate

from fieldapp import rules
from fieldapp.config import HARD_GENERALISE_FLOOR_M
from fieldapp.geoprivacy.cells import MAX_CELL_M
from fieldapp.vocab import KNOWLEDGE_KINDS, LICENCES, VISIBILITIES

SLUG = r"^[a-z0-9][a-z0-9-]{1,79}$"


class DatasetSchema(Schema):
    class Meta:
        unknown = RAISE

    slug = fields.String(
        required=True,
        validate=validate.Regexp(
            SLUG, error="Use 2-80 lower-case letters, digits and hyphens, starting with a letter or digit."
        ),
    )
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=20_000))
    knowledge_kind = fields.String(required=True, validate=validate.OneOf(KNOWLEDGE_KINDS))
    method = fields.String(load_default="", validate=validate.Length(max=20_000))
    steward_id = rules.whole_number(rules.ROW_ID)
    licence = fields.String(
        load_default="CC-BY-4.0", validate=validate.OneOf(LICENCES, error="Unknown licence; use one of {choices}.")
    )
    citation = fields.String(load_default="", validate=validate.Length(max=5000))
    default_visibility = fields.String(load_default="public", validate=validate.OneOf(VISIBILITIES))
    # The deployment's floor (Settings.generalise_floor_m) is checked by the service.
    generalise_m = fields.Integer(allow_none=True, validate=validate.Range(min=HARD_GENERALISE_FLOOR_M, max=MAX_CELL_M))
    force_generalised = fields.Boolean(load_default=False)
