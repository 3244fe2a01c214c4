"""The OpenAPI 3.0 definition of the OGC API - Features endpoints."""

from __future__ import annotations

from typing import Any

from fieldapp.observations.columns import PROPERTY_NAMES

_JSON = {"application/json": {"schema": {"type": "object"}}}
_GEOJSON = {"application/geo+json": {"schema": {"type": "object"}}}


def _parameter(
    name: str, description: str, schema: dict[str, Any], where: str = "query", required: bool = False
) -> dict[str, Any]:
    return (
        {
            "name": name,
            "in": where,
            "description": description,
            "required": required,
            "schema": schema,
            "style": "form",
            "explode": False,
        }
        if where == "query"
        else {"name": name, "in": where, "description": description, "required": True, "schema": schema}
    )


def _get(summary: str, content: dict, parameters: list | None = None) -> dict[str, Any]:
    responses = {
        "200": {"description": summary, "content": content},
        "400": {"description": "A parameter is wrong", "content": _JSON},
        "404": {"description": "Not found", "content": _JSON},
    }
    return {"get": {"summary": summary, "parameters": parameters or [], "responses": responses}}


def openapi_document(
    server: str, page_size: int, page_max: int, count_exact_max: int = 20_000, count_exact_ms: int = 15
) -> dict[str, Any]:
    """The API definition that OGC clients (GDAL, QGIS) read to learn the paging limits (the deployment's)."""
    collection_id = _parameter(
        "collectionId", "A dataset slug, 'observations' (all of them) or 'places'", {"type": "string"}, "path"
    )
    items = [
        collection_id,
        _parameter(
            "limit", "Features per page", {"type": "integer", "minimum": 1, "maximum": page_max, "default": page_size}
        ),
        _parameter(
            "bbox",
            "minLon,minLat,maxLon,maxLat (CRS84)",
            {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}},
        ),
        _parameter("datetime", "An RFC 3339 instant or interval", {"type": "string"}),
        _parameter("cursor", "Opaque paging token from a next link", {"type": "string"}),
        _parameter(
            "properties",
            "The properties each feature carries, comma-separated (default: all of them). Either way a property"
            " whose value is null is left out; the page's `datasets` member gives each dataset's title, knowledge"
            " kind and licence once.",
            {"type": "array", "items": {"type": "string", "enum": list(PROPERTY_NAMES)}},
        ),
        _parameter(
            "count",
            "auto (default): numberMatched is given when counting is cheap (the first page holds every match, or"
            f" the planner expects at most {count_exact_max} matches and the count takes at most {count_exact_ms}"
            " ms); otherwise it is left out, as OGC API Features allows, and the foreign member"
            " numberMatchedEstimate gives PostgreSQL's estimate. exact: always count, however long it takes.",
            {"type": "string", "enum": ["auto", "exact"], "default": "auto"},
        ),
    ]
    feature_id = _parameter(
        "featureId", "An observation id (in 'places', a place's number)", {"type": "string"}, "path"
    )
    return {
        "openapi": "3.0.3",
        "info": {"title": "fieldapp OGC API - Features", "version": "1.0.0"},
        "servers": [{"url": server}],
        "paths": {
            "/": _get("Landing page", _JSON),
            "/conformance": _get("Conformance classes", _JSON),
            "/collections": _get("Collections", _JSON),
            "/collections/{collectionId}": _get("One collection", _JSON, [collection_id]),
            "/collections/{collectionId}/items": _get("Features of a collection", _GEOJSON, items),
            "/collections/{collectionId}/items/{featureId}": _get("One feature", _GEOJSON, [collection_id, feature_id]),
        },
    }
