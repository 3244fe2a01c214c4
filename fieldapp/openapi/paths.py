"""Paths and operations of /api/v1, with their parameters, error responses and security schemes."""

from __future__ import annotations

from typing import Any

from fieldapp.observations.schemas import DEFAULT_LIMIT, MAX_LIMIT
from fieldapp.openapi.builders import GEOJSON, Schema, enum, errors, json_content, ref, response
from fieldapp.openapi.comparisons import get_comparison
from fieldapp.openapi.contributors import contributor_paths
from fieldapp.openapi.records import record_paths
from fieldapp.openapi.sensing import get_sensing
from fieldapp.openapi.tokens import token_paths
from fieldapp.openapi.transfer import transfer_paths
from fieldapp.vocab import KNOWLEDGE_KINDS

# Reads work anonymously (public data only); a credential widens what the viewer may see.
READ_SECURITY: list[dict] = [{}, {"bearerAuth": []}, {"cookieAuth": []}]
WRITE_SECURITY: list[dict] = [{"bearerAuth": []}, {"cookieAuth": []}]

# The query parameters of GET /observations, in the order a reader meets them.
LIST_QUERY = ("bbox", "datetime", "dataset", "kind", "subject", "review", "limit", "cursor")
ERROR_TEXT = {
    "400": "Malformed request: bad JSON, an unknown or malformed query parameter, "
    "or a write signed in by cookie without its CSRF token.",
    "401": "No credential, or an invalid API token.",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such record.",
    "409": "The id is already stored with different content, or by another account.",
    "413": "The request body is larger than the limit.",
    "422": "The input is not valid; details name each field (and feature index) that is wrong.",
}


def error_responses() -> Schema:
    return {f"E{code}": response(text, ref("schemas", "Error")) for code, text in ERROR_TEXT.items()}


def query(name: str, description: str, schema: Schema | None = None, **extra: Any) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
        **extra,
    }


def shared_parameters() -> Schema:
    return {
        "bbox": query(
            "bbox",
            "minLon,minLat,maxLon,maxLat in EPSG:4326, tested against the geometry you see.",
            {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4},
            style="form",
            explode=False,
        ),
        "datetime": query("datetime", "An instant, or an interval start/end with '..' or empty for an open end."),
        "dataset": query("dataset", "Dataset slugs, comma-separated."),
        "kind": query(
            "kind",
            "Knowledge kinds, comma-separated.",
            {"type": "array", "items": enum(KNOWLEDGE_KINDS, "A knowledge kind.")},
            style="form",
            explode=False,
        ),
        "subject": query("subject", "A subject's scientific name, EUNIS code, any of its names, or the words used."),
        "review": query(
            "review",
            "Only records with open questions or corrections, and/or corroborated ones, comma-separated.",
            {"type": "array", "items": {"type": "string", "enum": ["open_questions", "corroborated"]}},
            style="form",
            explode=False,
        ),
        "limit": query(
            "limit",
            "Page size (larger values are clamped to the maximum).",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        ),
        "cursor": query("cursor", "Opaque paging cursor: follow the 'next' link."),
        "csrfToken": {
            "name": "X-CSRFToken",
            "in": "header",
            "required": False,
            "schema": {"type": "string"},
            "description": "Required on writes authenticated by the session cookie; "
            "the page's csrf-token meta tag holds it. Not needed with a bearer token.",
        },
        "observationId": {
            "name": "id",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "format": "uuid"},
            "description": "The observation's UUID.",
        },
        "slug": {
            "name": "slug",
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
            "description": "The dataset's slug.",
        },
    }


def security_schemes() -> Schema:
    return {
        "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token, made on the /account/tokens page or by "
            "`fieldapp users create EMAIL --token`; list and revoke them under /tokens.",
        },
        "cookieAuth": {
            "type": "apiKey",
            "in": "cookie",
            "name": "session",
            "description": "The session cookie set by signing in at /login; writes need X-CSRFToken.",
        },
    }


# --- paths ----------------------------------------------------------------------------------------


def paths() -> Schema:
    return {
        "/observations": {"get": list_observations(), "post": create_observations()},
        "/observations/{id}": {
            "parameters": [ref("parameters", "observationId")],
            "get": get_observation(),
            "patch": patch_observation(),
            "delete": delete_observation(),
        },
        "/datasets": {"get": list_datasets(), "post": create_dataset()},
        "/datasets/{slug}": {"parameters": [ref("parameters", "slug")], "get": get_dataset()},
        **record_paths(),
        **contributor_paths(),
        "/comparisons": {"get": get_comparison()},
        "/sensing": {"get": get_sensing()},
        "/openapi.json": {"get": openapi_operation()},
        **transfer_paths(),
        **token_paths(),
    }


def list_observations() -> Schema:
    return {
        "tags": ["observations"],
        "operationId": "listObservations",
        "summary": "List observations",
        "description": "Unknown query parameters answer 400.",
        "security": READ_SECURITY,
        "parameters": [ref("parameters", name) for name in LIST_QUERY],
        "responses": {
            "200": response("A page of observations.", ref("schemas", "FeatureCollection"), GEOJSON),
            **errors("400", "401"),
        },
    }


def create_observations() -> Schema:
    body_schema = {"oneOf": [ref("schemas", "FeatureInput"), ref("schemas", "FeatureCollectionInput")]}
    location = {
        "Location": {
            "description": "The new observation's URL (single Feature).",
            "schema": {"type": "string", "format": "uri"},
        }
    }
    answer = {"oneOf": [ref("schemas", "Feature"), ref("schemas", "BatchResult")]}
    return {
        "tags": ["observations"],
        "operationId": "createObservations",
        "summary": "Record one observation (a Feature) or a batch (a FeatureCollection)",
        "description": "Idempotent on the feature id for the account that created the record: the same id "
        "with the same content answers with the stored record (200), with different content 409. Another "
        "account's id is 409 whatever the content, so the answer never tells a hidden location.",
        "security": WRITE_SECURITY,
        "parameters": [ref("parameters", "csrfToken")],
        "requestBody": {"required": True, "content": json_content(body_schema) | json_content(body_schema, GEOJSON)},
        "responses": {
            "200": response("Already stored with the same content.", answer),
            "201": response("Stored: the Feature, or for a batch a summary.", answer, headers=location),
            **errors("400", "401", "403", "409", "413", "422"),
        },
    }


def get_observation() -> Schema:
    return {
        "tags": ["observations"],
        "operationId": "getObservation",
        "summary": "Read one observation",
        "security": READ_SECURITY,
        "responses": {
            "200": response("The observation.", ref("schemas", "Feature"), GEOJSON),
            **errors("400", "401", "404"),
        },
    }


def patch_observation() -> Schema:
    return {
        "tags": ["observations"],
        "operationId": "patchObservation",
        "summary": "Change an observation",
        "description": "Only its contributor, the dataset's stewards, staff and admins may change it.",
        "security": WRITE_SECURITY,
        "parameters": [ref("parameters", "csrfToken")],
        "requestBody": {"required": True, "content": json_content(ref("schemas", "FeaturePatch"))},
        "responses": {
            "200": response("The changed observation.", ref("schemas", "Feature"), GEOJSON),
            **errors("400", "401", "403", "404", "413", "422"),
        },
    }


def delete_observation() -> Schema:
    return {
        "tags": ["observations"],
        "operationId": "deleteObservation",
        "summary": "Delete an observation",
        "description": "Recorded in the history. Same permissions as a change.",
        "security": WRITE_SECURITY,
        "parameters": [ref("parameters", "csrfToken")],
        "responses": {"204": {"description": "Deleted."}, **errors("400", "401", "403", "404")},
    }


def list_datasets() -> Schema:
    return {
        "tags": ["datasets"],
        "operationId": "listDatasets",
        "summary": "List datasets",
        "security": READ_SECURITY,
        "responses": {"200": response("Every dataset.", ref("schemas", "DatasetList")), **errors("400")},
    }


def create_dataset() -> Schema:
    location = {"Location": {"description": "The dataset's URL.", "schema": {"type": "string", "format": "uri"}}}
    return {
        "tags": ["datasets"],
        "operationId": "createDataset",
        "summary": "Create a dataset",
        "security": WRITE_SECURITY,
        "parameters": [ref("parameters", "csrfToken")],
        "requestBody": {"required": True, "content": json_content(ref("schemas", "DatasetInput"))},
        "responses": {
            "201": response("Created.", ref("schemas", "Dataset"), headers=location),
            **errors("400", "401", "403", "409", "413", "422"),
        },
    }


def get_dataset() -> Schema:
    return {
        "tags": ["datasets"],
        "operationId": "getDataset",
        "summary": "Read one dataset with extent and counts",
        "security": READ_SECURITY,
        "responses": {"200": response("The dataset.", ref("schemas", "Dataset")), **errors("400", "404")},
    }


def openapi_operation() -> Schema:
    return {
        "tags": ["meta"],
        "operationId": "getOpenAPI",
        "summary": "This document",
        "security": [{}],
        "responses": {"200": response("The OpenAPI 3.0.3 document.", {"type": "object"})},
    }
