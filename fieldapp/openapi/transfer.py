"""OpenAPI description of imports and exports: upload a file to a dataset, follow its job, download it."""

from __future__ import annotations

from fieldapp.openapi.builders import Schema, enum, errors, ref, response
from fieldapp.transfer.exporters import FORMATS as EXPORT_FORMATS
from fieldapp.transfer.readers import FORMATS as IMPORT_FORMATS

READ_SECURITY: list[dict] = [{}, {"bearerAuth": []}, {"cookieAuth": []}]
WRITE_SECURITY: list[dict] = [{"bearerAuth": []}, {"cookieAuth": []}]
_JOB = {
    "type": "object",
    "description": "An import job: status (queued, running, succeeded, failed), progress,"
    " rows_read, the report (counts, mapping, CRS, repaired, rejected, warnings; the file's name and SHA-256"
    " with the import's id; the earlier imports whose records it updates; updates changing a record's"
    " geometry kind or subject)"
    " and, when it failed, an error like every other error body.",
}


def import_form() -> Schema:
    text = {"type": "string"}
    return {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {
                "type": "string",
                "format": "binary",
                "description": "GeoJSON, CSV, zipped Shapefile, "
                "GeoPackage, KML, GPX, Darwin Core Archive or GBIF simple CSV.",
            },
            "format": enum(IMPORT_FORMATS, "The format, when the file name does not tell."),
            "layer": {**text, "description": "The layer to read (GeoPackage, KML, GPX)."},
            "crs": {**text, "description": "Source CRS overriding the file's, e.g. EPSG:27700."},
            "map": {
                "type": "array",
                "items": text,
                "description": "target=column pairs (subject=EUNIScombD), target==constant, or one JSON object.",
            },
            "dry_run": {"type": "boolean", "description": "Report without writing."},
            "skip_rejected": {"type": "boolean", "description": "Write the good rows even if some are rejected."},
            "date_order": enum(("dmy", "mdy"), "How to read 03/04/2021."),
            "default_date": {**text, "description": "observed_start for rows without a date."},
            "source_key": {
                **text,
                "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
                "description": "Names the source: rows without ids update only records imported with the same key.",
            },
            "background": {"type": "boolean", "description": "Run as a background job even if the file is small."},
        },
    }


def create_import() -> Schema:
    location = {"Location": {"description": "The job's status URL.", "schema": {"type": "string", "format": "uri"}}}
    return {
        "tags": ["datasets"],
        "operationId": "importFile",
        "summary": "Import a file into a dataset (stewards)",
        "description": "All-or-nothing; a record is updated only when the same source (the file's own ids, the same"
        " file, or the same source_key) gives the same id. Small files answer with the report;"
        " large ones (or background=true) answer 202 with a status URL.",
        "security": WRITE_SECURITY,
        "parameters": [ref("parameters", "csrfToken")],
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": import_form()}}},
        "responses": {
            "200": response("Dry run: the report.", _JOB, headers=location),
            "201": response("Imported: the report.", _JOB, headers=location),
            "202": response("Queued as a background job.", _JOB, headers=location),
            **errors("400", "401", "403", "404", "413", "422"),
        },
    }


def get_import() -> Schema:
    return {
        "tags": ["datasets"],
        "operationId": "getImport",
        "summary": "Follow an import job",
        "security": WRITE_SECURITY,
        "parameters": [{"name": "job", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}],
        "responses": {"200": response("The job.", _JOB), **errors("401", "404")},
    }


def export_dataset() -> Schema:
    content = {media: {"schema": {"type": "string", "format": "binary"}} for media, _ in EXPORT_FORMATS.values()}
    return {
        "tags": ["datasets"],
        "operationId": "exportDataset",
        "summary": "Download a dataset",
        "description": "Streamed; public geometry for everyone except those allowed the precise one.",
        "security": READ_SECURITY,
        "parameters": [
            {
                "name": "format",
                "in": "query",
                "required": True,
                "schema": enum(tuple(EXPORT_FORMATS), "geojson, csv, gpkg or dwca (Darwin Core Archive)."),
            }
        ],
        "responses": {"200": {"description": "The file.", "content": content}, **errors("400", "404")},
    }


def transfer_paths() -> Schema:
    slug = ref("parameters", "slug")
    return {
        "/datasets/{slug}/imports": {"parameters": [slug], "post": create_import()},
        "/datasets/{slug}/export": {"parameters": [slug], "get": export_dataset()},
        "/imports/{job}": {"get": get_import()},
    }
