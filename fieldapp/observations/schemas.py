"""Marshmallow schemas for observations coming in as GeoJSON Features."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from fieldapp import rules
from fieldapp.errors import bad_parameter
from fieldapp.geo.fields import Geometry
from fieldapp.geo.filters import parse_bbox, parse_datetime, parse_instant
from fieldapp.observations import abundance
from fieldapp.observations.queries import ObservationFilter
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

    dataset = fields.String(required=True, validate=rules.length("dataset", 1))
    contributor_id = rules.whole_number(rules.ROW_ID)
    recorded_by_text = fields.String(validate=rules.length("recorded_by_text"), allow_none=True)
    subject_id = rules.whole_number(rules.ROW_ID, allow_none=True)
    subject_text = fields.String(validate=rules.length("subject_text", 1), allow_none=True)
    occurrence_status = fields.String(validate=validate.OneOf(OCCURRENCE_STATUSES))
    count = rules.whole_number(rules.COUNT, allow_none=True)
    abundance_scale = fields.String(validate=validate.OneOf(ABUNDANCE_SCALES), allow_none=True)
    abundance_value = fields.Raw(allow_none=True)
    trend = fields.String(validate=validate.OneOf(TRENDS), allow_none=True)
    observed_start = Timestamp()
    observed_end = Timestamp(allow_none=True)
    time_precision = fields.String(validate=validate.OneOf(TIME_PRECISIONS))
    season_months = fields.List(
        rules.whole_number(rules.SEASON_MONTH), validate=validate.Length(min=1, max=12), allow_none=True
    )
    coordinate_uncertainty_m = fields.Float(validate=rules.UNCERTAINTY.validators(), allow_none=True, allow_nan=False)
    visibility = fields.String(validate=validate.OneOf(VISIBILITIES))
    confidence = fields.String(validate=validate.OneOf(CONFIDENCES), allow_none=True)
    method = fields.String(validate=rules.length("method"), allow_none=True)
    notes = fields.String(validate=rules.length("notes"), allow_none=True)
    licence = fields.String(validate=validate.OneOf(LICENCES, error="Unknown licence; use one of {choices}."))
    source_ref = fields.String(validate=rules.length("source_ref", 1), allow_none=True)
    time_spent_min = rules.whole_number(rules.TIME_SPENT, allow_none=True)
    attributes = fields.Dict(keys=fields.String())

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
            errors["abundance_value"] = [f"Write the abundance value in at most {verbatim_max} characters."]
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

    type = fields.String(required=True, validate=validate.Equal("Feature", error="The type must be 'Feature'."))
    id = fields.UUID(allow_none=True)
    geometry = Geometry(
        required=True,
        allow_none=False,
        error_messages={"null": "A Feature needs a geometry.", "required": "A Feature needs a geometry."},
    )
    properties = fields.Nested(PropertiesSchema, required=True)
    bbox = fields.List(fields.Float(allow_nan=False))


class FeaturePatchSchema(FeatureSchema):
    """A partial update: any of the properties, and optionally a new geometry."""

    type = fields.String(validate=validate.Equal("Feature", error="The type must be 'Feature'."))
    geometry = Geometry(allow_none=False, error_messages={"null": "A Feature needs a geometry."})
    properties = fields.Nested(PropertiesSchema(partial=True))


# The list's query arguments, shared by the list API, the map page and the tiles.
LIST_PARAMETERS = {"bbox", "datetime", "dataset", "kind", "subject", "review", "limit", "cursor"}
REVIEW_STATES = ("open_questions", "corroborated")
DEFAULT_LIMIT, MAX_LIMIT = 100, 10_000


def parse_filter(args) -> ObservationFilter:
    """Read the list filters from query arguments (the list API, the map and the tiles)."""
    filters = ObservationFilter()
    if args.get("bbox"):
        filters.bbox = parse_bbox(args["bbox"])
    if args.get("datetime"):
        filters.interval = parse_datetime(args["datetime"])
    if args.get("dataset"):
        filters.datasets = [s.strip() for s in args["dataset"].split(",") if s.strip()]
    if args.get("kind"):
        filters.kinds = _choices(args, "kind", KNOWLEDGE_KINDS, "knowledge kind")
    if args.get("subject"):
        filters.subject = args["subject"].strip()
    if args.get("review"):
        filters.review = _choices(args, "review", REVIEW_STATES, "review state")
    return filters


def _choices(args, name: str, allowed: tuple[str, ...], what: str) -> list[str]:
    """A comma-separated list of words from a vocabulary; anything else is a 400 naming the parameter."""
    chosen = [word.strip() for word in args[name].split(",") if word.strip()]
    unknown = sorted(set(chosen) - set(allowed))
    if unknown:
        raise bad_parameter(name, f"unknown {what}(s) {', '.join(unknown)}; use {', '.join(allowed)}")
    return chosen
