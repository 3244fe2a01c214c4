"""Marshmallow schemas for places: a new place as a GeoJSON Feature, the list's arguments, and the answers."""

from __future__ import annotations

import json
from typing import Any

from marshmallow import RAISE, Schema, fields, validate

from fieldapp import rules
from fieldapp.geo.fields import Geometry
from fieldapp.geo.filters import BboxArg, CommaSeparated
from fieldapp.rules import describe
from fieldapp.vocab import PLACE_KINDS, VISIBILITIES

_NO_CONTROL = validate.Regexp(r"^[^\x00-\x1f\x7f]*$", error="No control characters.")


class PlaceNameInputSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=rules.NAME_MAX), _NO_CONTROL],
        metadata=describe("The name, as it is said."),
    )
    language = fields.String(
        required=True,
        validate=validate.Regexp(rules.LANGUAGE_PATTERN, error="Use an ISO 639 code such as en, fr, pt or nrf."),
        metadata=describe("ISO 639 code of its language: en, fr, pt, nrf (Jèrriais), ..."),
    )
    community = fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(max=rules.COMMUNITY_MAX), _NO_CONTROL],
        metadata=describe("The community that uses it (e.g. a fishers' association)."),
    )


class PlacePropertiesSchema(Schema):
    class Meta:
        unknown = RAISE

    dataset = fields.String(required=True, validate=validate.Length(min=1, max=80), metadata=describe("Its dataset."))
    kind = fields.String(required=True, validate=validate.OneOf(PLACE_KINDS), metadata=describe("What it is."))
    names = fields.List(
        fields.Nested(PlaceNameInputSchema),
        required=True,
        validate=validate.Length(min=1, max=20),
        metadata=describe("Its names, in any language or community (at least one)."),
    )
    visibility = fields.String(
        validate=validate.OneOf(VISIBILITIES),
        metadata=describe("public, generalised (shown as its grid cells) or private (default: the dataset's)."),
    )
    contributor_id = rules.whole_number(
        rules.ROW_ID, metadata=describe("Who is credited, if not the account (a pseudonym or a group).")
    )


class PlaceInputSchema(Schema):
    """A new place as a GeoJSON Feature: a point, a line or an area."""

    class Meta:
        unknown = RAISE

    type = fields.String(
        required=True,
        validate=validate.Equal("Feature", error="The type must be 'Feature'."),
        metadata=describe("Feature."),
    )
    geometry = Geometry(
        required=True,
        allow_none=False,
        error_messages={"null": "A place needs a geometry.", "required": "A place needs a geometry."},
    )
    properties = fields.Nested(PlacePropertiesSchema, required=True)


class PlaceListArgsSchema(Schema):
    q = fields.String(
        validate=[validate.Length(min=1, max=200), _NO_CONTROL],
        metadata=describe("Any part of any of its names, in any language, accents ignored."),
    )
    kind = CommaSeparated(PLACE_KINDS, "kind", metadata=describe("Only these kinds (comma-separated)."))
    dataset = CommaSeparated(metadata=describe("Only these datasets (slugs, comma-separated)."))
    bbox = BboxArg(metadata=describe("minLon,minLat,maxLon,maxLat: places whose visible geometry meets it."))
    limit = fields.Integer(load_default=500, validate=validate.Range(1, 1000), metadata=describe("At most this many."))


class PlaceExportArgsSchema(PlaceListArgsSchema):
    """The list's filters, every match (no limit but the deployment's export limit), and the file's format."""

    class Meta:
        exclude = ("limit",)

    format = fields.String(
        load_default="geojson",
        validate=validate.OneOf(("geojson", "csv")),
        metadata=describe("geojson (a FeatureCollection) or csv (geometry as WKT, every name with its language)."),
    )


class PlacePathSchema(Schema):
    place_id = fields.Integer(required=True, metadata=describe("The place's id."))


class PlaceNamePathSchema(PlacePathSchema):
    place_name_id = fields.Integer(required=True, metadata=describe("The id of one of the place's names."))


# --- what the API answers (built by SQL in queries.py; these describe it) ---------------------------


class PlacePropertiesReadSchema(Schema):
    kind = fields.String(validate=validate.OneOf(PLACE_KINDS))
    name = fields.String(metadata=describe("Its first name."))
    names = fields.List(fields.Dict(), metadata=describe("Every name: name, language, community, credit."))
    dataset = fields.String(metadata=describe("Its dataset's slug."))
    attribution = fields.String(metadata=describe("Who is credited for it."))
    visibility = fields.String(validate=validate.OneOf(VISIBILITIES))
    public_precision_m = fields.Float(metadata=describe("The grid cell a generalised place is shown as."))


class PlaceReadSchema(Schema):
    type = fields.String()
    id = fields.Integer()
    geometry = fields.Dict(allow_none=True, metadata=describe("What the viewer may see: precise, its cells, or none."))
    properties = fields.Nested(PlacePropertiesReadSchema)


class PlaceCollectionSchema(Schema):
    type = fields.String()
    features = fields.List(fields.Nested(PlaceReadSchema))
    numberReturned = fields.Integer()


class PlaceImportFormSchema(Schema):
    """The multipart form of a places import."""

    dataset = fields.String(required=True, metadata=describe("The dataset (slug) the places join."))
    file = fields.Raw(
        required=True,
        metadata={
            "type": "string",
            "format": "binary",
            "description": "GeoJSON, GeoPackage, zipped Shapefile, KML, GPX, or CSV with latitude and longitude;"
            " columns name (with language) or name_en, name_fr, name_nrf..., kind, visibility, community.",
        },
    )
    dry_run = fields.Boolean(load_default=False, metadata=describe("Read and report; write nothing."))


class PlaceImportReportSchema(Schema):
    rows = fields.Integer(metadata=describe("Rows read."))
    created = fields.Integer(metadata=describe("Places added (or that would be, dry)."))
    unchanged = fields.Integer(metadata=describe("Rows imported before (by their reference in the file)."))
    dry_run = fields.Boolean()


class PlaceNameCreatedSchema(Schema):
    id = fields.Integer(metadata=describe("The new name's id."))
    place_id = fields.Integer(metadata=describe("Its place."))


# --- the page's form to name a new place --------------------------------------------------------------------

# Rows of names the page offers (a place needs one; more in other languages or communities).
FORM_NAME_ROWS = 3


def feature_from_form(form) -> dict[str, Any]:
    """The page form's fields as the API's Feature (PlaceInputSchema checks it): the drawn geometry as GeoJSON
    text, names in rows name_N/language_N/community_N (empty rows left out), an empty choice left out."""
    raw = form.get("geometry", "").strip()
    try:
        geometry = json.loads(raw) if raw else None
    except ValueError:
        geometry = "not GeoJSON"  # the schema names the field
    names = []
    for n in range(FORM_NAME_ROWS):
        name, community = form.get(f"name_{n}", "").strip(), form.get(f"community_{n}", "").strip()
        if name or community:
            names.append({"name": name, "language": form.get(f"language_{n}", ""), "community": community or None})
    properties = {"names": names} | {
        key: form[key] for key in ("dataset", "kind", "visibility", "contributor_id") if form.get(key, "") != ""
    }
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def form_field(path: str) -> str:
    """The page form's field for an error's path in the Feature: properties.names.1.language -> language_1."""
    parts = path.removeprefix("properties.").split(".")
    if parts[0] == "names":
        return f"{parts[2]}_{parts[1]}" if len(parts) == 3 else "name_0"
    return parts[0]
