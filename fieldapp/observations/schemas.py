"""Marshmallow schemas for observations coming in as GeoJSON Features."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

from fieldapp import rules
from fieldapp.consent.schemas import FACILITATED_WAYS
from fieldapp.errors import bad_parameter
from fieldapp.geo.fields import Geometry
from fieldapp.geo.filters import BboxArg, CommaSeparated, CursorArg, DatetimeArg, LimitArg, parse_instant
from fieldapp.observations import abundance
from fieldapp.observations.columns import DATASET_PROPERTIES, PROPERTY_NAMES
from fieldapp.observations.queries import FIELD_NAME, Counting, ObservationFilter
from fieldapp.rules import describe
from fieldapp.vocab import (
    ABUNDANCE_SCALES,
    CONFIDENCES,
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


class Timestamp(fields.Field):
    """An RFC 3339 date-time or a date, stored with a time zone (UTC when none is given)."""

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        if not isinstance(value, str):
            raise ValidationError("Give a date (YYYY-MM-DD) or an RFC 3339 date-time as a string.")
        try:
            instant = parse_instant(value, attr or "date")
        except Exception:
            raise ValidationError(f"{value!r} is not a date or an RFC 3339 date-time.") from None
        problem = rules.date_problem(instant)
        if problem:
            raise ValidationError(problem)
        return instant

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.isoformat()


class PropertiesSchema(Schema):
    """The properties of an observation Feature: the names of the domain model (observations/models.py)."""

    class Meta:
        unknown = RAISE
        description = "Unknown properties are an error. Give subject_id or subject_text."

    dataset = fields.String(
        required=True, validate=rules.length("dataset", 1), metadata=describe("The dataset's slug.")
    )
    contributor_id = rules.whole_number(
        rules.ROW_ID,
        metadata=describe(
            "Who is credited, when not the account sending it "
            "(one of the user's pseudonyms, a group they belong to, or someone they record for)."
        ),
    )
    consent_way = fields.String(
        validate=validate.OneOf(FACILITATED_WAYS),
        metadata=describe(
            "How the person credited gave consent to the park's terms, when a steward or park staff records on"
            " their behalf: in_person, paper or verbal (required then, once the park has published terms)."
        ),
    )
    recorded_by_text = fields.String(
        validate=rules.length("recorded_by_text"),
        allow_none=True,
        metadata=describe("Names of the recorders as written in the source."),
    )
    subject_id = rules.whole_number(
        rules.ROW_ID, allow_none=True, metadata=describe("The subject (taxon, habitat, other) observed.")
    )
    subject_text = fields.String(
        validate=rules.length("subject_text", 1),
        allow_none=True,
        metadata=describe("The words the contributor used for what was observed (a local name is fine)."),
    )
    place_id = rules.whole_number(
        rules.ROW_ID,
        allow_none=True,
        metadata=describe("The named place (GET /api/v1/places) it was at; shown only with the precise location."),
    )
    occurrence_status = fields.String(
        validate=validate.OneOf(OCCURRENCE_STATUSES), metadata=describe("Whether the subject was there.")
    )
    count = rules.whole_number(rules.COUNT, allow_none=True, metadata=describe("How many were counted."))
    abundance_scale = fields.String(
        validate=validate.OneOf(ABUNDANCE_SCALES), allow_none=True, metadata=describe("The scale of abundance_value.")
    )
    # null sits in one branch only, so that oneOf matches exactly one branch for it.
    abundance_value = fields.Raw(
        allow_none=True,
        metadata={
            "oneOf": [{"type": "string", "nullable": True}, {"type": "number"}],
            "description": "A value on abundance_scale, sent together with it; the verbatim value is kept. "
            + " ".join(f"{scale}: {abundance.HELP[scale]}" for scale in ABUNDANCE_SCALES),
        },
    )
    trend = fields.String(
        validate=validate.OneOf(TRENDS), allow_none=True, metadata=describe("Knowledge about change over time.")
    )
    observed_start = Timestamp(metadata=describe(f"When the observation starts. {TIME_TEXT}"))
    observed_end = Timestamp(
        allow_none=True, metadata=describe(f"When it ends (an interval), not before observed_start. {TIME_TEXT}")
    )
    time_precision = fields.String(
        validate=validate.OneOf(TIME_PRECISIONS), metadata=describe("How precise the time is.")
    )
    season_months = fields.List(
        rules.whole_number(rules.SEASON_MONTH, metadata=describe("A month, 1 = January.")),
        validate=validate.Length(min=1, max=12),
        allow_none=True,
        metadata=describe("Months in which it recurs, e.g. [3, 4, 5] for March-May."),
    )
    coordinate_uncertainty_m = fields.Float(
        validate=rules.UNCERTAINTY.validators(),
        allow_none=True,
        allow_nan=False,
        metadata=describe("Radius of uncertainty of the location, in metres."),
    )
    visibility = fields.String(
        validate=validate.OneOf(VISIBILITIES),
        metadata=describe("Who sees the precise location (defaults from the dataset)."),
    )
    confidence = fields.String(
        validate=validate.OneOf(CONFIDENCES),
        allow_none=True,
        metadata=describe("Confidence as the contributor states it."),
    )
    method = fields.String(validate=rules.length("method"), allow_none=True, metadata=describe("How it was observed."))
    notes = fields.String(validate=rules.length("notes"), allow_none=True, metadata=describe("Free notes."))
    licence = fields.String(
        validate=validate.OneOf(LICENCES, error="Unknown licence; use one of {choices}."),
        metadata=describe("Licence of the record (defaults to the dataset's)."),
    )
    source_ref = fields.String(
        validate=rules.length("source_ref", 1),
        allow_none=True,
        metadata=describe("The record's id in its source, for idempotent re-import."),
    )
    time_spent_min = rules.whole_number(
        rules.TIME_SPENT, allow_none=True, metadata=describe("Volunteer time spent on this record, in minutes.")
    )
    attributes = fields.Dict(keys=fields.String(), metadata=describe("Original fields of imported data."))
    # Named apart from the module (a Schema's own `fields` is its field table); the key is "fields".
    field_values = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=64)),
        allow_none=True,
        data_key="fields",
        metadata=describe("Values of the dataset's own form fields, by name (checked against its form)."),
    )

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs) -> None:
        errors: dict[str, list[str]] = {}
        partial = kwargs.get("partial")
        if not partial and not data.get("subject_id") and not data.get("subject_text"):
            errors["subject_text"] = ["Say what was observed: a subject_id or the words you use (subject_text)."]
        self._check_abundance(data, errors)
        self._check_time(data, errors, partial)
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _check_abundance(data: dict[str, Any], errors: dict[str, list[str]]) -> None:
        scale, value = data.get("abundance_scale"), data.get("abundance_value")
        if (scale is None) != (value is None):
            errors["abundance_value"] = ["Give abundance_scale and abundance_value together."]
            return
        if scale is None:
            return
        verbatim_max = rules.TEXT_MAX["abundance_verbatim"]
        if len(str(value)) > verbatim_max:
            errors["abundance_value"] = [abundance.VERBATIM_REFUSAL.format(maximum=verbatim_max)]
            return
        try:
            data["abundance_verbatim"] = str(value)
            data["abundance_value"] = abundance.normalise(scale, value)
        except ValueError as exc:
            errors["abundance_value"] = [str(exc)]

    @staticmethod
    def _check_time(data: dict[str, Any], errors: dict[str, list[str]], partial: Any) -> None:
        start, end = data.get("observed_start"), data.get("observed_end")
        if end and not start and not partial:  # the start would default to now, after any sensible end
            errors["observed_end"] = ["An interval needs its start: give observed_start with observed_end."]
        if start and end and end < start:
            errors["observed_end"] = ["The interval ends before it starts."]


class FeatureSchema(Schema):
    """One observation as a GeoJSON Feature."""

    class Meta:
        unknown = RAISE

    type = fields.String(
        required=True,
        validate=validate.Equal("Feature", error="The type must be 'Feature'."),
        metadata=describe("Always Feature."),
    )
    id = fields.UUID(allow_none=True, metadata=describe("A UUID the client may generate; writes are idempotent on it."))
    geometry = Geometry(
        required=True,
        allow_none=False,
        error_messages={"null": "A Feature needs a geometry.", "required": "A Feature needs a geometry."},
    )
    properties = fields.Nested(PropertiesSchema, required=True)
    bbox = fields.List(fields.Float(allow_nan=False))


class FeaturePatchSchema(FeatureSchema):
    """A partial update: any of the properties, and optionally a new geometry."""

    type = fields.String(
        validate=validate.Equal("Feature", error="The type must be 'Feature'."), metadata=describe("Always Feature.")
    )
    id = fields.UUID(allow_none=True, metadata=describe("Must equal the id in the URL when given."))
    geometry = Geometry(allow_none=False, error_messages={"null": "A Feature needs a geometry."})
    properties = fields.Nested(PropertiesSchema(partial=True))


class FeatureCollectionInputSchema(Schema):
    """A batch, as the document describes it (the API reads it feature by feature, reporting each by index)."""

    class Meta:
        unknown = RAISE
        description = "A batch of features (at most maxItems: the deployment's setting), stored all-or-nothing."

    type = fields.String(
        required=True, validate=validate.Equal("FeatureCollection"), metadata=describe("Always FeatureCollection.")
    )
    features = fields.List(
        fields.Nested(FeatureSchema),
        required=True,
        validate=validate.Length(min=1),
        metadata={"settings": {"maxItems": "api_batch_max"}},
    )
    bbox = fields.List(fields.Float())


class ObservationPathSchema(Schema):
    """The observation named in a URL (anything but a UUID names none: 404)."""

    observation_id = fields.UUID(required=True, data_key="id", metadata=describe("The observation's UUID."))


REVIEW_STATES = ("open_questions", "corroborated")


def parse_field_values(raw: str, parameter: str = "field") -> list[tuple[str, str]]:
    """'name:value[,name:value]' as (name, value) pairs; a malformed one is a 400 naming the parameter."""
    pairs = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        name, sep, wanted = item.partition(":")
        if not sep or not re.fullmatch(FIELD_NAME, name.strip()) or not wanted.strip():
            raise bad_parameter(parameter, f"{item!r}: give name:value, e.g. berried:yes or sea_state:3")
        pairs.append((name.strip(), wanted.strip()))
    return pairs


class FieldValuesArg(CommaSeparated):
    """field=name:value[,name:value]: records whose custom field holds that value (all of them, as you see them)."""

    def _deserialize(self, value, attr, data, **kwargs):
        return parse_field_values(value or "", attr) or None


class FilterArgsSchema(Schema):
    """The list filters in a query string: the list API, the map page and the tiles."""

    class Meta:
        unknown = EXCLUDE  # the map page and the tiles read their other arguments themselves

    bbox = BboxArg(metadata=describe("minLon,minLat,maxLon,maxLat in EPSG:4326, tested against the geometry you see."))
    datetime = DatetimeArg(
        metadata=describe("An instant, or an interval start/end with '..' or empty for an open end.")
    )
    dataset = CommaSeparated(metadata=describe("Dataset slugs, comma-separated."))
    kind = CommaSeparated(KNOWLEDGE_KINDS, "knowledge kind", metadata=describe("Knowledge kinds, comma-separated."))
    subject = fields.String(
        metadata=describe("A subject's scientific name, EUNIS code, any of its names, or the words used.")
    )
    review = CommaSeparated(
        REVIEW_STATES,
        "review state",
        metadata=describe(
            "Only records with open questions or corrections, and/or corroborated ones, comma-separated."
        ),
    )
    field = FieldValuesArg(
        metadata=describe(
            "Custom field values, name:value, comma-separated or repeated (all must hold): a number, a word "
            "(yes/no for a boolean), or one of a multiple choice's values. A sensitive field you may not see "
            "matches nothing."
        )
        | {"repeatable": True}
    )


def PropertiesArg() -> CommaSeparated:  # noqa: N802 (a field factory, read like a field class)
    """properties=: the properties each feature carries (the list's lean default when absent)."""
    return CommaSeparated(
        PROPERTY_NAMES,
        "property",
        metadata=describe(
            "The properties each feature carries, comma-separated, in place of the default: every property "
            f"but {', '.join(DATASET_PROPERTIES)}, which the collection's `datasets` member gives once per "
            "dataset (a feature's credit line is recorded_by · datasets[dataset].title · licence). "
            "Either way a property whose value is null is left out, and a property you may not see is null."
        ),
    )


COUNT_MODES = ("auto", "exact")


def CountArg() -> fields.String:  # noqa: N802
    """count=: how numberMatched is counted."""
    return fields.String(
        load_default="auto",
        validate=validate.OneOf(COUNT_MODES),
        metadata=describe(
            "auto (the default): numberMatched is exact when counting is cheap (the first page holds every "
            "match, or the planner expects at most FIELDAPP_COUNT_EXACT_MAX matches and the count takes at "
            "most FIELDAPP_COUNT_EXACT_MS ms), otherwise it is PostgreSQL's estimate and the answer says so. "
            "exact: always count exactly, however long it takes."
        ),
    )


def counting_of(mode: str, settings: Any) -> Counting:
    """How a list counts its matches, from the count argument and the deployment's settings."""
    return Counting(mode, settings.count_exact_max, settings.count_exact_ms)


class ListArgsSchema(FilterArgsSchema):
    """GET /observations: the filters, a page size and a cursor."""

    limit = LimitArg(
        "api_page_size", "api_page_max", metadata=describe("Page size (larger values are clamped to the maximum).")
    )
    cursor = CursorArg(metadata=describe("Opaque paging cursor: follow the 'next' link."))
    properties = PropertiesArg()
    count = CountArg()


_filter_args = FilterArgsSchema()
LIST_PARAMETERS = set(ListArgsSchema().fields)


def parse_filter(args) -> ObservationFilter:
    """Read the list filters from query arguments (the list API, the map and the tiles)."""
    values = args.to_dict() if hasattr(args, "to_dict") else dict(args)
    if hasattr(args, "getlist") and "field" in args:  # repeated field= add up, as the list API reads them
        values["field"] = ",".join(args.getlist("field"))
    return filter_of(_filter_args.load(values))


def filter_of(values: dict[str, Any]) -> ObservationFilter:
    """The filter the parsed arguments ask for (empty ones ask for nothing)."""
    filters = ObservationFilter()
    if values.get("bbox"):
        filters.bbox = values["bbox"]
    if values.get("datetime"):
        filters.interval = values["datetime"]
    if values.get("dataset"):
        filters.datasets = values["dataset"]
    if values.get("kind"):
        filters.kinds = values["kind"]
    if values.get("subject"):
        filters.subject = values["subject"].strip()
    if values.get("review"):
        filters.review = values["review"]
    if values.get("field"):
        filters.field_values = values["field"]
    return filters
