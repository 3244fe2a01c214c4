"""Build the OpenAPI 3.0.3 document from the app's URL map and each API view's `@operation` declaration."""

from __future__ import annotations

import re
from typing import Any

import marshmallow
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin, OpenAPIConverter
from flask import Flask
from werkzeug.routing import Rule

from fieldapp.config import VERSION, Settings
from fieldapp.geo.fields import Geometry
from fieldapp.geo.filters import BboxArg, CommaSeparated
from fieldapp.observations.schemas import Timestamp
from fieldapp.openapi.components import CSRF_PARAMETER, ERROR_TEXT, SECURITY_SCHEMES, component_schemas
from fieldapp.openapi.operations import Answer, Operation

TAGS = (
    "observations",
    "annotations",
    "subjects",
    "places",
    "datasets",
    "comparisons",
    "sensing",
    "projects",
    "contributors",
    "accounts",
    "meta",
)
DESCRIPTION = (
    "Observations of every kind of knowledge (local, volunteer, scientific, historical) as GeoJSON, "
    "with their attribution. Anonymous callers read public geometry only; writes need an account. "
    'Errors are JSON: {"error": {"message", "details": [{"path", "message"}]}}.'
)
IGNORED_METHODS = {"HEAD", "OPTIONS"}
_VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_CONVERTED = {"int": {"type": "integer"}, "uuid": {"type": "string", "format": "uuid"}}


class _Converter(OpenAPIConverter):
    def schema2jsonschema(self, schema):
        # additionalProperties only where a schema says what to do with unknown fields (the inputs
        # refuse them); apispec would drop it beside a description and add it to every answer.
        jsonschema = super().schema2jsonschema(schema)
        jsonschema.pop("additionalProperties", None)
        unknown = getattr(getattr(schema, "Meta", None), "unknown", marshmallow.EXCLUDE)
        if unknown != marshmallow.EXCLUDE:
            jsonschema["additionalProperties"] = unknown == marshmallow.INCLUDE
        return jsonschema


class _Plugin(MarshmallowPlugin):
    Converter = _Converter


def _inline(schema: type[marshmallow.Schema]) -> str:
    """No name: a schema that components.py does not name is written out where it is used."""
    return ""


def _geometry_ref(self, field, **kwargs) -> dict:
    return {"$ref": "#/components/schemas/Geometry"} if isinstance(field, Geometry) else {}


def _comma_separated(self, field, **kwargs) -> dict:
    """Lists in a query string are one comma-separated value; a required argument may be checked later."""
    extra: dict[str, Any] = {}
    if isinstance(field, BboxArg | CommaSeparated):
        extra |= {"style": "form", "explode": False}
    if field.metadata.get("required_argument"):
        extra["required"] = True
    return extra


def _from_settings(settings: Settings):
    """A field's bounds that are the deployment's settings (its "settings" metadata names them), as set."""

    def attribute(self, field, **kwargs) -> dict:
        return {key: getattr(settings, name) for key, name in field.metadata.get("settings", {}).items()}

    return attribute


def document(app: Flask, prefix: str) -> dict[str, Any]:
    """Build the whole document of the routes under prefix; a route without a declaration is an error."""
    plugin = _Plugin(schema_name_resolver=_inline)
    spec = APISpec(
        "fieldapp API",
        VERSION,
        "3.0.3",
        plugins=[plugin],
        info={"description": DESCRIPTION, "license": {"name": "AGPL-3.0-or-later"}},
        servers=[{"url": prefix}],
    )
    assert plugin.converter is not None
    plugin.map_to_openapi_type(Timestamp, "string", None)
    plugin.converter.add_attribute_function(_geometry_ref)
    # An app built without settings (a test's bare Flask app) is documented with the defaults.
    plugin.converter.add_attribute_function(_from_settings(app.extensions.get("fieldapp.settings") or Settings()))
    plugin.converter.add_parameter_attribute_function(_comma_separated)
    for name in TAGS:
        spec.tag({"name": name})
    _components(spec)
    for path, item in _path_items(app, prefix, plugin.converter).items():
        spec.path(path, operations=item["operations"], parameters=item["parameters"])
    return spec.to_dict()


def _components(spec: APISpec) -> None:
    for name, schema in component_schemas().items():
        spec.components.schema(name, schema=schema)
    for code, text in ERROR_TEXT.items():
        spec.components.response(
            f"E{code}", {"description": text, "content": {"application/json": {"schema": "Error"}}}
        )
    spec.components.parameter("csrfToken", "header", CSRF_PARAMETER)
    for name, scheme in SECURITY_SCHEMES.items():
        spec.components.security_scheme(name, scheme)


def _path_items(app: Flask, prefix: str, converter: OpenAPIConverter) -> dict[str, dict[str, Any]]:
    items: dict[str, dict[str, Any]] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(prefix + "/"):
            continue
        declared: Operation | None = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if declared is None:
            raise LookupError(f"{rule.rule} has no @operation declaration, so the API document cannot describe it")
        path, parameters = _path(rule, prefix, declared, converter)
        item = items.setdefault(path, {"operations": {}, "parameters": parameters})
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            item["operations"][method.lower()] = _operation(declared, method, converter)
    return items


def _path(rule: Rule, prefix: str, declared: Operation, converter: OpenAPIConverter) -> tuple[str, list[dict]]:
    """The document's path template and its parameters, named as the path schema's fields say."""
    declared_fields = declared.path().fields if declared.path else {}
    documented = (
        {p["name"]: p for p in converter.schema2parameters(declared.path, location="path")} if declared.path else {}
    )
    parameters = []

    def rename(match: re.Match) -> str:
        name = match["name"]
        field = declared_fields.get(name)
        public = (field.data_key or name) if field is not None else name
        default = {
            "name": public,
            "in": "path",
            "required": True,
            "schema": _CONVERTED.get(match["converter"] or "", {"type": "string"}),
        }
        parameters.append(documented.get(public, default))
        return "{" + public + "}"

    return _VARIABLE.sub(rename, rule.rule[len(prefix) :]), parameters


def _operation(declared: Operation, method: str, converter: OpenAPIConverter) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "tags": [declared.tag],
        "operationId": declared.operation_id,
        "summary": declared.summary,
        "security": list(declared.security),
    }
    if declared.description:
        operation["description"] = declared.description
    parameters: list[Any] = []
    if declared.args is not None:
        parameters.extend(converter.schema2parameters(declared.args, location="query"))
    if method != "GET":
        parameters.append("csrfToken")
    if parameters:
        operation["parameters"] = parameters
    if declared.body is not None:
        operation["requestBody"] = {"required": True, "content": _content(declared.body)}
    operation["responses"] = {str(status): _answer(a) for status, a in declared.answers.items()}
    operation["responses"] |= {str(code): f"E{code}" for code in declared.errors}
    return operation


def _content(content: dict[str, Any]) -> dict[str, Any]:
    return {media_type: {"schema": schema} for media_type, schema in content.items()}


def _answer(answer: Answer) -> dict[str, Any]:
    documented: dict[str, Any] = {"description": answer.description}
    if answer.content:
        documented["content"] = _content(answer.content)
    if answer.location:
        documented["headers"] = {
            "Location": {"description": answer.location, "schema": {"type": "string", "format": "uri"}}
        }
    return documented
