"""Marshmallow schemas for annotations and responses to them, and for what the API answers about them."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from fieldapp import rules
from fieldapp.geo.fields import Geometry
from fieldapp.observations.schemas import ObservationPathSchema, PropertiesSchema
from fieldapp.rules import describe
from fieldapp.vocab import ANNOTATION_KINDS, ANNOTATION_STATUSES, CORRECTABLE_FIELDS, NAME_ANNOTATION_KINDS

# The observation properties each correctable field may propose.
FIELD_PROPERTIES = {
    "subject": ("subject_text", "subject_id"),
    "date": ("observed_start", "observed_end", "time_precision", "season_months"),
    "quantity": ("count", "abundance_scale", "abundance_value", "occurrence_status"),
    "place": ("geometry", "coordinate_uncertainty_m"),
}


class AnnotationSchema(Schema):
    class Meta:
        unknown = RAISE

    kind = fields.String(
        required=True,
        validate=validate.OneOf(ANNOTATION_KINDS),
        metadata=describe("What the annotation does; any kind on any knowledge kind."),
    )
    body = fields.String(
        load_default="", validate=validate.Length(max=10_000), metadata=describe("What the annotator says.")
    )
    linked_observation_id = fields.UUID(allow_none=True, metadata=describe("Another observation this one relates to."))
    contributor_id = rules.whole_number(
        rules.ROW_ID, metadata=describe("Who is credited, if not the account (a pseudonym or a group).")
    )
    field = fields.String(
        validate=validate.OneOf(CORRECTABLE_FIELDS),
        allow_none=True,
        metadata=describe("The field a correction proposes to change."),
    )
    proposed_value = fields.Dict(
        keys=fields.String(),
        allow_none=True,
        metadata=describe('The proposed value, e.g. {"value": ...} or {"geometry": ...}.'),
    )

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs) -> None:
        kind = data["kind"]
        if kind in ("question", "context") and not data.get("body", "").strip():
            raise ValidationError({"body": [f"Say why: a {kind} needs some words."]})
        if kind == "correction":
            data["proposed_value"] = load_proposal(data.get("field"), data.get("proposed_value"))
        elif data.get("field") or data.get("proposed_value"):
            raise ValidationError({"field": ["Only a correction names a field and a proposed value."]})
        if data.get("linked_observation_id") and kind != "corroborate":
            raise ValidationError({"linked_observation_id": ["Only a corroboration links an observation."]})


class NameAnnotationSchema(AnnotationSchema):
    """An annotation on a name: corroborate, question or add context (a name is not corrected, another is added)."""

    class Meta:
        unknown = RAISE
        exclude = ("field", "proposed_value", "linked_observation_id")

    kind = fields.String(
        required=True,
        validate=validate.OneOf(NAME_ANNOTATION_KINDS),
        metadata=describe("Corroborate, question or add context to the name."),
    )


def load_proposal(field: str | None, value: dict[str, Any] | None) -> dict[str, Any]:
    """Check a proposed correction against the observation's own rules; keep it as sent (JSON)."""
    if not field:
        raise ValidationError({"field": ["Name the field to correct: " + ", ".join(CORRECTABLE_FIELDS) + "."]})
    if not value:
        raise ValidationError({"proposed_value": ["Give the proposed value."]})
    allowed = FIELD_PROPERTIES[field]
    extra = sorted(set(value) - set(allowed))
    if extra:
        raise ValidationError(
            {"proposed_value": [f"A {field} correction may set {', '.join(allowed)}; not {', '.join(extra)}."]}
        )
    try:
        to_patch(field, value)
    except ValidationError as exc:
        raise ValidationError({"proposed_value": exc.messages}) from None
    return value


def to_patch(field: str, value: dict[str, Any]) -> dict[str, Any]:
    """Turn a proposal into a validated observation patch (properties, and geometry for a place)."""
    properties = {k: v for k, v in value.items() if k != "geometry"}
    patch: dict[str, Any] = {"properties": PropertiesSchema(partial=True).load(properties)}
    if field == "place":
        if "geometry" not in value:
            raise ValidationError({"proposed_value": ["A place correction needs a geometry."]})
        try:
            patch["geometry"] = Geometry().deserialize(value["geometry"])
        except ValidationError as exc:
            raise ValidationError({"geometry": exc.messages}) from None
    return patch


class ResponseSchema(Schema):
    class Meta:
        unknown = RAISE

    action = fields.String(
        required=True,
        validate=validate.OneOf(("accept", "answer")),
        metadata=describe("Accept a correction (applied through history) or answer."),
    )
    response = fields.String(load_default="", validate=validate.Length(max=10_000), metadata=describe("The answer."))


class AnnotationPathSchema(ObservationPathSchema):
    annotation_id = fields.Integer(required=True, metadata=describe("The annotation's id."))


# --- what the API answers (built by SQL in queries.py; these describe it) ---------------------------


class AnnotationStatusSchema(Schema):
    id = fields.Integer(required=True, metadata=describe("The annotation's id."))
    status = fields.String(required=True, validate=validate.OneOf(ANNOTATION_STATUSES), metadata=describe("Its state."))


class AnnotationReadSchema(Schema):
    id = fields.Integer(metadata=describe("The annotation's id."))
    kind = fields.String(validate=validate.OneOf(ANNOTATION_KINDS), metadata=describe("What it does."))
    body = fields.String(metadata=describe("What the annotator says."))
    field = fields.String(allow_none=True, metadata=describe("The field a correction is about."))
    proposed_value = fields.Dict(allow_none=True)
    linked_observation_id = fields.UUID(allow_none=True, metadata=describe("A related observation."))
    status = fields.String(validate=validate.OneOf(ANNOTATION_STATUSES), metadata=describe("Its state."))
    response = fields.String(allow_none=True, metadata=describe("The answer to it."))
    author = fields.Dict(allow_none=True)
    responded_by = fields.Dict(allow_none=True)
    responded_at = fields.DateTime(allow_none=True, metadata=describe("When it was answered."))
    created_at = fields.DateTime(metadata=describe("When it was made."))


class AnnotationListSchema(Schema):
    annotations = fields.List(fields.Nested(AnnotationReadSchema))
