"""OpenAPI description of what hangs off one observation: annotations (two-way review) and photos."""

from __future__ import annotations

from fieldapp.openapi.builders import Schema, enum, errors, json_content, number, ref, response, string
from fieldapp.vocab import ANNOTATION_KINDS, ANNOTATION_STATUSES, CORRECTABLE_FIELDS

WRITE_SECURITY: list[dict] = [{"bearerAuth": []}, {"cookieAuth": []}]


def annotation_input() -> Schema:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind"],
        "properties": {
            "kind": enum(ANNOTATION_KINDS, "What the annotation does; any kind on any knowledge kind."),
            "body": string("What the annotator says.", max_length=10_000),
            "linked_observation_id": string("Another observation this one relates to.", format="uuid", nullable=True),
            "contributor_id": number("integer", "Who is credited, if not the account (a pseudonym or a group).", 1),
            "field": enum(CORRECTABLE_FIELDS, "The field a correction proposes to change.", nullable=True),
            "proposed_value": {
                "type": "object",
                "nullable": True,
                "additionalProperties": True,
                "description": 'The proposed value, e.g. {"value": ...} or {"geometry": ...}.',
            },
        },
    }


def annotation_status() -> Schema:
    return {
        "type": "object",
        "required": ["id", "status"],
        "properties": {
            "id": number("integer", "The annotation's id."),
            "status": enum(ANNOTATION_STATUSES, "Its state."),
        },
    }


def annotation_list() -> Schema:
    person = {"type": "object", "nullable": True, "additionalProperties": True}
    item = {
        "type": "object",
        "properties": {
            "id": number("integer", "The annotation's id."),
            "kind": enum(ANNOTATION_KINDS, "What it does."),
            "body": string("What the annotator says."),
            "field": string("The field a correction is about.", nullable=True),
            "proposed_value": {"type": "object", "nullable": True, "additionalProperties": True},
            "linked_observation_id": string("A related observation.", format="uuid", nullable=True),
            "status": enum(ANNOTATION_STATUSES, "Its state."),
            "response": string("The answer to it.", nullable=True),
            "author": person,
            "responded_by": person,
            "responded_at": string("When it was answered.", format="date-time", nullable=True),
            "created_at": string("When it was made.", format="date-time"),
        },
    }
    return {"type": "object", "properties": {"annotations": {"type": "array", "items": item}}}


def annotation_response_input() -> Schema:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["action"],
        "properties": {
            "action": enum(("accept", "answer"), "Accept a correction (applied through history) or answer."),
            "response": string("The answer.", max_length=10_000),
        },
    }


def media_schema() -> Schema:
    return {
        "type": "object",
        "properties": {
            "id": string("The photo's id.", format="uuid"),
            "observation_id": string("The observation.", format="uuid"),
            "content_type": string("image/jpeg, image/png or image/webp."),
            "size": number("integer", "Bytes.", 0),
            "sha256": string("Digest of the original."),
            "exif_time": string("Time from EXIF.", nullable=True),
            "exif_location": {
                "type": "array",
                "items": {"type": "number"},
                "nullable": True,
                "description": "Longitude and latitude from EXIF (precise; shown to the uploader).",
            },
            "public_url": string("The metadata-free copy."),
            "thumb_url": string("A thumbnail."),
        },
    }


def record_schemas() -> Schema:
    return {
        "AnnotationInput": annotation_input(),
        "AnnotationStatus": annotation_status(),
        "AnnotationList": annotation_list(),
        "AnnotationResponseInput": annotation_response_input(),
        "Media": media_schema(),
    }


def annotation_id() -> Schema:
    return {
        "name": "annotation_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer"},
        "description": "The annotation's id.",
    }


def record_paths() -> Schema:
    observation = ref("parameters", "observationId")
    csrf = ref("parameters", "csrfToken")
    return {
        "/observations/{id}/annotations": {
            "parameters": [observation],
            "get": {
                "tags": ["annotations"],
                "operationId": "listAnnotations",
                "summary": "Annotations of an observation",
                "security": [{}, {"bearerAuth": []}, {"cookieAuth": []}],
                "responses": {
                    "200": response("The annotations.", ref("schemas", "AnnotationList")),
                    **errors("400", "401", "403", "404"),
                },
            },
            "post": {
                "tags": ["annotations"],
                "operationId": "createAnnotation",
                "summary": "Corroborate, question, add context or propose a correction",
                "security": WRITE_SECURITY,
                "parameters": [csrf],
                "requestBody": {"required": True, "content": json_content(ref("schemas", "AnnotationInput"))},
                "responses": {
                    "201": response("Recorded.", ref("schemas", "AnnotationStatus")),
                    **errors("400", "401", "403", "404", "422"),
                },
            },
        },
        "/observations/{id}/annotations/{annotation_id}/response": {
            "parameters": [observation, annotation_id()],
            "post": {
                "tags": ["annotations"],
                "operationId": "respondToAnnotation",
                "summary": "Answer an annotation, or accept a proposed correction",
                "security": WRITE_SECURITY,
                "parameters": [csrf],
                "requestBody": {"required": True, "content": json_content(ref("schemas", "AnnotationResponseInput"))},
                "responses": {
                    "200": response("Its new state.", ref("schemas", "AnnotationStatus")),
                    **errors("400", "401", "403", "404", "409", "422"),
                },
            },
        },
        "/observations/{id}/media": {"parameters": [observation], "post": upload_media()},
    }


def upload_media() -> Schema:
    form = {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary", "description": "A JPEG, PNG or WebP photo."},
            "id": {"type": "string", "format": "uuid", "description": "A client-generated id: retries are safe."},
        },
    }
    return {
        "tags": ["observations"],
        "operationId": "uploadMedia",
        "summary": "Add a photo to an observation",
        "description": "The original is kept private; the public copy and thumbnail carry no metadata.",
        "security": WRITE_SECURITY,
        "parameters": [ref("parameters", "csrfToken")],
        "requestBody": {"required": True, "content": json_content(form, "multipart/form-data")},
        "responses": {
            "200": response("Already stored with this id.", ref("schemas", "Media")),
            "201": response("Stored.", ref("schemas", "Media")),
            **errors("400", "401", "403", "404", "409", "413", "422"),
        },
    }
