"""Small builders of OpenAPI 3.0 objects, so the document reads as data."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]
GEOJSON = "application/geo+json"
JSON = "application/json"


def ref(kind: str, name: str) -> Schema:
    return {"$ref": f"#/components/{kind}/{name}"}


def enum(values: tuple[str, ...], description: str, nullable: bool = False) -> Schema:
    """A string enum from the vocabulary; a nullable one lists null too (OpenAPI 3.0.3 requires it)."""
    schema: Schema = {"type": "string", "enum": list(values), "description": description}
    if nullable:
        schema["nullable"] = True
        schema["enum"].append(None)
    return schema


def string(
    description: str, min_length: int | None = None, max_length: int | None = None, nullable: bool = False, **extra: Any
) -> Schema:
    schema: Schema = {"type": "string", "description": description, **extra}
    if min_length is not None:
        schema["minLength"] = min_length
    if max_length is not None:
        schema["maxLength"] = max_length
    if nullable:
        schema["nullable"] = True
    return schema


def number(
    kind: str, description: str, minimum: float | None = None, maximum: float | None = None, nullable: bool = False
) -> Schema:
    schema: Schema = {"type": kind, "description": description}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    if nullable:
        schema["nullable"] = True
    return schema


def json_content(schema: Schema, media_type: str = JSON) -> Schema:
    return {media_type: {"schema": schema}}


def response(description: str, schema: Schema | None = None, media_type: str = JSON, **extra: Any) -> Schema:
    answer: Schema = {"description": description, **extra}
    if schema is not None:
        answer["content"] = json_content(schema, media_type)
    return answer


def errors(*codes: str) -> Schema:
    return {code: ref("responses", f"E{code}") for code in codes}
