"""The OpenAPI 3.0 document of /api/v1, kept as data and built from the domain's vocabulary."""

from __future__ import annotations

from fieldapp.config import VERSION
from fieldapp.openapi.builders import Schema
from fieldapp.openapi.paths import error_responses, paths, security_schemes, shared_parameters
from fieldapp.openapi.schemas import component_schemas

TAGS = ("observations", "annotations", "datasets", "comparisons", "sensing", "contributors", "accounts", "meta")


def document() -> dict:
    """Build the whole OpenAPI 3.0.3 document."""
    return {
        "openapi": "3.0.3",
        "info": info(),
        "servers": [{"url": "/api/v1"}],
        "tags": [{"name": name} for name in TAGS],
        "paths": paths(),
        "components": {
            "schemas": component_schemas(),
            "responses": error_responses(),
            "parameters": shared_parameters(),
            "securitySchemes": security_schemes(),
        },
    }


def info() -> Schema:
    return {
        "title": "fieldapp API",
        "version": VERSION,
        "description": (
            "Observations of every kind of knowledge (local, volunteer, scientific, historical) as GeoJSON, "
            "with their attribution. Anonymous callers read public geometry only; writes need an account. "
            'Errors are JSON: {"error": {"message", "details": [{"path", "message"}]}}.'
        ),
        "license": {"name": "AGPL-3.0-or-later"},
    }
