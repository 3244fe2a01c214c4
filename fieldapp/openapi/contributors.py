"""OpenAPI description of contributor writes: a user's own pseudonyms."""

from __future__ import annotations

from fieldapp.openapi.builders import Schema, errors, json_content, number, ref, response, string
from fieldapp.rules import CONTRIBUTOR_NAME_MAX

WRITE_SECURITY: list[dict] = [{"bearerAuth": []}, {"cookieAuth": []}]


def contributor_schemas() -> Schema:
    return {
        "PseudonymInput": {
            "type": "object",
            "additionalProperties": False,
            "required": ["display_name"],
            "properties": {"display_name": string("The name to be credited under.", 1, CONTRIBUTOR_NAME_MAX)},
        },
        "Pseudonym": {
            "type": "object",
            "required": ["id", "display_name", "kind"],
            "properties": {
                "id": number("integer", "The contributor id to send as a feature's contributor_id.", 1),
                "display_name": string("The name, spaces tidied."),
                "kind": string("Always 'person'."),
            },
        },
    }


def contributor_paths() -> Schema:
    location = {
        "Location": {"description": "The pseudonym's public page.", "schema": {"type": "string", "format": "uri"}}
    }
    return {
        "/contributors/pseudonyms": {
            "post": {
                "tags": ["contributors"],
                "operationId": "createPseudonym",
                "summary": "Create (or find) one of your own pseudonyms",
                "description": "A person-contributor owned by the signed-in account, which it may credit "
                "records and annotations to. Idempotent on the name (case-insensitive): the same name "
                "again answers 200 with the same id. Its page never shows the account behind it.",
                "security": WRITE_SECURITY,
                "parameters": [ref("parameters", "csrfToken")],
                "requestBody": {"required": True, "content": json_content(ref("schemas", "PseudonymInput"))},
                "responses": {
                    "200": response("You already had a pseudonym of this name.", ref("schemas", "Pseudonym")),
                    "201": response("Created.", ref("schemas", "Pseudonym"), headers=location),
                    **errors("400", "401", "413", "422"),
                },
            },
        },
    }
