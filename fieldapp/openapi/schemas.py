"""Component schemas: observation Features, datasets and errors, with enums from the vocabulary."""

from __future__ import annotations

from fieldapp import rules
from fieldapp.geo.fields import GEOMETRY_TYPES, MAX_VERTICES
from fieldapp.observations.abundance import HELP as ABUNDANCE_HELP
from fieldapp.observations.service import MAX_BATCH
from fieldapp.openapi.builders import Schema, enum, number, ref, string
from fieldapp.openapi.comparisons import comparison_schema
from fieldapp.openapi.contributors import contributor_schemas
from fieldapp.openapi.records import record_schemas
from fieldapp.openapi.tokens import token_schemas
from fieldapp.vocab import (
    ABUNDANCE_SCALES,
    CONFIDENCES,
    CONTRIBUTOR_KINDS,
    KNOWLEDGE_KINDS,
    LICENCES,
    OCCURRENCE_STATUSES,
    TIME_PRECISIONS,
    TRENDS,
    VISIBILITIES,
)

TIME_TEXT = (
    "A date (YYYY-MM-DD, midnight UTC) or an RFC 3339 date-time (UTC when no offset is given), "
    f"from {rules.EARLIEST.year} to at most {rules.FUTURE_TOLERANCE.days} day ahead of now."
)


def component_schemas() -> Schema:
    return {
        "Error": error_schema(),
        "Geometry": geometry_schema(),
        "ObservationProperties": observation_properties(),
        "ObservationPropertiesPatch": observation_properties_patch(),
        "ObservationPropertiesRead": observation_properties_read(),
        "FeatureInput": feature_input(),
        "FeatureCollectionInput": feature_collection_input(),
        "FeaturePatch": feature_patch(),
        "Feature": feature_read(),
        "FeatureCollection": feature_collection_read(),
        "BatchResult": batch_result(),
        "Link": link_schema(),
        "DatasetInput": dataset_input(),
        "Dataset": dataset_read(),
        "Comparison": comparison_schema(),
        **record_schemas(),
        **contributor_schemas(),
        **token_schemas(),
        "DatasetList": {
            "type": "object",
            "required": ["datasets"],
            "properties": {"datasets": {"type": "array", "items": ref("schemas", "Dataset")}},
        },
    }


def error_schema() -> Schema:
    detail = {
        "type": "object",
        "required": ["path", "message"],
        "properties": {
            "path": string("The field, parameter or feature that is wrong, dotted (e.g. features.3.properties.count)."),
            "message": string("What is wrong with it."),
        },
    }
    return {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["message", "details"],
                "properties": {
                    "message": string("A sentence saying what went wrong."),
                    "details": {"type": "array", "items": detail},
                },
            }
        },
    }


def geometry_schema() -> Schema:
    return {
        "type": "object",
        "description": (
            f"A GeoJSON geometry in longitude/latitude (EPSG:4326), at most {MAX_VERTICES:,} vertices. "
            "An invalid polygon is repaired when the repair keeps its kind (noted in repair_note). "
            "A position's third value (elevation) is accepted and dropped: geometry is stored in 2-D. "
            f"GeometryCollections nest at most {rules.MAX_COLLECTION_DEPTH} deep."
        ),
        "required": ["type"],
        "properties": {
            "type": enum(GEOMETRY_TYPES, "The geometry type."),
            "coordinates": {"type": "array", "items": {}, "description": "Positions, nested as GeoJSON requires."},
            "geometries": {
                "type": "array",
                "items": ref("schemas", "Geometry"),
                "description": "The members of a GeometryCollection (at least one).",
            },
        },
    }


def property_fields() -> dict[str, Schema]:
    """Every property an observation Feature may send: the field names of the domain model."""
    return {
        "dataset": string("The dataset's slug.", 1, rules.TEXT_MAX["dataset"]),
        "contributor_id": number(
            "integer",
            "Who is credited, when not the account sending it "
            "(one of the user's pseudonyms, a group they belong to, or someone they record for).",
            1,
            rules.ROW_ID.maximum,
        ),
        "recorded_by_text": string(
            "Names of the recorders as written in the source.",
            max_length=rules.TEXT_MAX["recorded_by_text"],
            nullable=True,
        ),
        "subject_id": number(
            "integer", "The subject (taxon, habitat, other) observed.", 1, rules.ROW_ID.maximum, nullable=True
        ),
        "subject_text": string(
            "The words the contributor used for what was observed (a local name is fine).",
            1,
            rules.TEXT_MAX["subject_text"],
            nullable=True,
        ),
        "occurrence_status": enum(OCCURRENCE_STATUSES, "Whether the subject was there."),
        "count": number("integer", "How many were counted.", rules.COUNT.minimum, rules.COUNT.maximum, nullable=True),
        "abundance_scale": enum(ABUNDANCE_SCALES, "The scale of abundance_value.", nullable=True),
        "abundance_value": abundance_value(),
        "trend": enum(TRENDS, "Knowledge about change over time.", nullable=True),
        "observed_start": string(f"When the observation starts. {TIME_TEXT}"),
        "observed_end": string(f"When it ends (an interval), not before observed_start. {TIME_TEXT}", nullable=True),
        "time_precision": enum(TIME_PRECISIONS, "How precise the time is."),
        "season_months": {
            "type": "array",
            "nullable": True,
            "minItems": 1,
            "maxItems": 12,
            "items": number("integer", "A month, 1 = January.", 1, 12),
            "description": "Months in which it recurs, e.g. [3, 4, 5] for March-May.",
        },
        "coordinate_uncertainty_m": number(
            "number",
            "Radius of uncertainty of the location, in metres.",
            rules.UNCERTAINTY.minimum,
            rules.UNCERTAINTY.maximum,
            nullable=True,
        ),
        "visibility": enum(VISIBILITIES, "Who sees the precise location (defaults from the dataset)."),
        "confidence": enum(CONFIDENCES, "Confidence as the contributor states it.", nullable=True),
        "method": string("How it was observed.", max_length=rules.TEXT_MAX["method"], nullable=True),
        "notes": string("Free notes.", max_length=rules.TEXT_MAX["notes"], nullable=True),
        "licence": enum(LICENCES, "Licence of the record (defaults to the dataset's)."),
        "source_ref": string(
            "The record's id in its source, for idempotent re-import.", 1, rules.TEXT_MAX["source_ref"], nullable=True
        ),
        "time_spent_min": number(
            "integer",
            "Volunteer time spent on this record, in minutes.",
            rules.TIME_SPENT.minimum,
            rules.TIME_SPENT.maximum,
            nullable=True,
        ),
        "attributes": {
            "type": "object",
            "additionalProperties": True,
            "description": "Original fields of imported data.",
        },
    }


def abundance_value() -> Schema:
    scales = " ".join(f"{scale}: {ABUNDANCE_HELP[scale]}" for scale in ABUNDANCE_SCALES)
    # null sits in one branch only, so that oneOf matches exactly one branch for it.
    return {
        "oneOf": [{"type": "string", "nullable": True}, {"type": "number"}],
        "description": f"A value on abundance_scale, sent together with it; the verbatim value is kept. {scales}",
    }


def observation_properties() -> Schema:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["dataset"],
        "description": "Unknown properties are an error. Give subject_id or subject_text.",
        "properties": property_fields(),
    }


def observation_properties_patch() -> Schema:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": property_fields(),
        "description": "Any of the properties; those left out keep their value.",
    }


def read_only_fields() -> dict[str, Schema]:
    """What the server adds to every Feature it sends: attribution, provenance and bookkeeping."""
    read_only = {
        "dataset_title": string("The dataset's title."),
        "knowledge_kind": enum(KNOWLEDGE_KINDS, "The dataset's knowledge kind (provenance, not a grade)."),
        "recorded_by": string("Who is credited, as they chose to be named."),
        "attribution": string("The credit line: recorded by · dataset · licence."),
        "scientific_name": string("The linked subject's scientific name.", nullable=True),
        "abundance_verbatim": string("abundance_value as it was sent.", nullable=True),
        "public_precision_m": number("number", "Size of the generalisation cell, when generalised.", nullable=True),
        "location_precise": {"type": "boolean", "description": "Whether the geometry is the precise one."},
        "repair_note": string("How an invalid geometry was repaired.", nullable=True),
        "imported_from": {
            "type": "object",
            "nullable": True,
            "description": "The import that wrote the record (its id, file name, SHA-256 and time);"
            " shown only to those who may manage the record.",
            "properties": {
                "import_id": {"type": "integer"},
                "file": {"type": "string"},
                "sha256": {"type": "string"},
                "imported_at": {"type": "string", "format": "date-time"},
            },
        },
        "annotations": {
            "type": "object",
            "additionalProperties": {"type": "integer", "minimum": 1},
            "description": "People per kind of annotation (corroborate, question, context, correction).",
        },
        "created_at": string("When the record was stored.", format="date-time"),
        "updated_at": string("When it last changed.", format="date-time", nullable=True),
    }
    return {name: {**schema, "readOnly": True} for name, schema in read_only.items()}


def observation_properties_read() -> Schema:
    fields = property_fields()
    # Stored values come back canonical: abundance_value as a string, times as RFC 3339 date-times.
    fields["abundance_value"] = string("The canonical value on abundance_scale.", nullable=True)
    fields["observed_start"] = string("When the observation starts.", format="date-time")
    fields["observed_end"] = string("When it ends.", format="date-time", nullable=True)
    fields["contributor_id"] = {**fields["contributor_id"], "nullable": True}
    fields["attributes"] = {
        **fields["attributes"],
        "nullable": True,
        "description": "Original fields of imported data (null when the location is hidden).",
    }
    return {"type": "object", "properties": fields | read_only_fields()}


def feature_input() -> Schema:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": enum(("Feature",), "Always Feature."),
            "id": string("A UUID the client may generate; writes are idempotent on it.", format="uuid", nullable=True),
            "geometry": ref("schemas", "Geometry"),
            "properties": ref("schemas", "ObservationProperties"),
            "bbox": {"type": "array", "items": {"type": "number"}},
        },
    }


def feature_collection_input() -> Schema:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["type", "features"],
        "description": f"A batch of up to {MAX_BATCH:,} features, stored all-or-nothing.",
        "properties": {
            "type": enum(("FeatureCollection",), "Always FeatureCollection."),
            "features": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_BATCH,
                "items": ref("schemas", "FeatureInput"),
            },
            "bbox": {"type": "array", "items": {"type": "number"}},
        },
    }


def feature_patch() -> Schema:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "type": enum(("Feature",), "Always Feature."),
            "id": string("Must equal the id in the URL when given.", format="uuid", nullable=True),
            "geometry": ref("schemas", "Geometry"),
            "properties": ref("schemas", "ObservationPropertiesPatch"),
            "bbox": {"type": "array", "items": {"type": "number"}},
        },
    }


def feature_read() -> Schema:
    return {
        "type": "object",
        "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": enum(("Feature",), "Always Feature."),
            "id": string("The observation's UUID.", format="uuid"),
            "geometry": {**ref("schemas", "Geometry"), "nullable": True},
            "properties": ref("schemas", "ObservationPropertiesRead"),
        },
        "description": "The precise geometry for its contributor, the dataset's stewards, staff and admins; "
        "the public (possibly generalised) geometry for everyone else, null when private.",
    }


def feature_collection_read() -> Schema:
    return {
        "type": "object",
        "required": ["type", "features", "links", "numberMatched", "numberReturned"],
        "properties": {
            "type": enum(("FeatureCollection",), "Always FeatureCollection."),
            "features": {"type": "array", "items": ref("schemas", "Feature")},
            "links": {"type": "array", "items": ref("schemas", "Link")},
            "numberMatched": number("integer", "How many observations match the filters.", 0),
            "numberReturned": number("integer", "How many are in this page.", 0),
        },
    }


def link_schema() -> Schema:
    return {
        "type": "object",
        "required": ["rel", "href"],
        "properties": {
            "rel": string("self, or next for the following page."),
            "type": string("Media type of the target."),
            "href": string("The URL.", format="uri"),
        },
    }


def batch_result() -> Schema:
    result = {
        "type": "object",
        "required": ["id", "status"],
        "properties": {
            "id": string("The observation's UUID.", format="uuid"),
            "status": enum(("created", "existing"), "Whether it was stored now or already known."),
        },
    }
    return {
        "type": "object",
        "required": ["created", "existing", "results"],
        "properties": {
            "created": number("integer", "How many were stored now.", 0),
            "existing": number("integer", "How many were already stored with the same content.", 0),
            "results": {"type": "array", "items": result, "description": "One per feature, in order."},
        },
    }


def dataset_fields() -> dict[str, Schema]:
    """Every field a dataset may be created with."""
    return {
        "slug": string(
            "Short name in URLs: 2-80 lower-case letters, digits and hyphens.", pattern=r"^[a-z0-9][a-z0-9-]{1,79}$"
        ),
        "title": string("The title.", 1, 200),
        "description": string("What the dataset holds.", max_length=20_000),
        "knowledge_kind": enum(KNOWLEDGE_KINDS, "Where the knowledge comes from (provenance, not a grade)."),
        "method": string("Method or protocol.", max_length=20_000),
        "steward_id": number("integer", "The stewarding contributor (default: the account's own).", 1),
        "licence": enum(LICENCES, "Licence of the records (default CC-BY-4.0)."),
        "citation": string("How to cite it.", max_length=5000),
        "default_visibility": enum(VISIBILITIES, "Visibility of new observations (default public)."),
        "generalise_m": number(
            "integer",
            "Generalisation cell size in metres; the deployment's floor (default 1,000 m) is the least.",
            100,
            100_000,
            nullable=True,
        ),
        "force_generalised": {"type": "boolean", "description": "Generalise every public observation."},
    }


def dataset_input() -> Schema:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["slug", "title", "knowledge_kind"],
        "properties": dataset_fields(),
    }


def dataset_read() -> Schema:
    fields = dataset_fields()
    fields.pop("steward_id")
    steward = {
        "type": "object",
        "properties": {
            "id": number("integer", "The contributor's id."),
            "display_name": string("As the steward chose to be named."),
            "kind": enum(CONTRIBUTOR_KINDS, "A person or a group."),
        },
    }
    counts = {
        "type": "object",
        "properties": {
            name: number("integer", f"Observations that are {name}.", 0) for name in ("total", *VISIBILITIES)
        },
    }
    extent = {
        "type": "object",
        "properties": {
            "bbox": {
                "type": "array",
                "items": {"type": "number"},
                "minItems": 4,
                "maxItems": 4,
                "nullable": True,
                "description": "minLon, minLat, maxLon, maxLat of the public geometry.",
            },
            "interval": {
                "type": "array",
                "items": {"type": "string", "nullable": True},
                "minItems": 2,
                "maxItems": 2,
                "description": "First and last observation times.",
            },
        },
    }
    fields |= {
        "steward": steward,
        "counts": counts,
        "extent": extent,
        "created_at": string("When it was created.", format="date-time"),
        "updated_at": string("When it last changed.", format="date-time", nullable=True),
    }
    return {"type": "object", "required": ["slug", "title", "knowledge_kind", "licence"], "properties": fields}
