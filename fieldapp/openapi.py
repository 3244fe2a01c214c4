"""The OpenAPI 3.0 document of /api/v1."""


def document() -> dict:
    return {"openapi": "3.0.3", "info": {"title": "fieldapp API", "version": "1"}, "paths": {}}
