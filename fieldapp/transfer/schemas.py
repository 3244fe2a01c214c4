"""Marshmallow schemas of the transfer API: the export's arguments, the import form and the import job."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from fieldapp.rules import describe
from fieldapp.transfer.exporters import FORMATS as EXPORT_FORMATS
from fieldapp.transfer.identity import SOURCE_KEY_PATTERN
from fieldapp.transfer.options import DATE_ORDERS
from fieldapp.transfer.readers import FORMATS as IMPORT_FORMATS


class ExportArgsSchema(Schema):
    """GET /datasets/{slug}/export."""

    # Checked by exporters.check_format once the dataset is found: a missing dataset answers 404 first.
    format = fields.String(
        metadata={
            "enum": list(EXPORT_FORMATS),
            "description": "geojson, csv, gpkg or dwca (Darwin Core Archive).",
            "required_argument": True,
        }
    )
    background = fields.Boolean(
        metadata=describe(
            "Run as a background job (202 with the job's URL) even if the export is small; larger"
            " ones (FIELDAPP_EXPORT_INLINE_MAX_RECORDS) always are."
        )
    )


class ImportFormSchema(Schema):
    """The multipart form of an import (read by transfer/options.parse_options)."""

    file = fields.Raw(
        required=True,
        metadata={
            "type": "string",
            "format": "binary",
            "description": "GeoJSON, CSV, zipped Shapefile, GeoPackage, KML, GPX, Darwin Core Archive"
            " or GBIF simple CSV.",
        },
    )
    format = fields.String(
        validate=validate.OneOf(IMPORT_FORMATS), metadata=describe("The format, when the file name does not tell.")
    )
    layer = fields.String(metadata=describe("The layer to read (GeoPackage, KML, GPX)."))
    crs = fields.String(metadata=describe("Source CRS overriding the file's, e.g. EPSG:27700."))
    map = fields.List(
        fields.String(),
        metadata=describe("target=column pairs (subject=EUNIScombD), target==constant, or one JSON object."),
    )
    dry_run = fields.Boolean(metadata=describe("Report without writing."))
    skip_rejected = fields.Boolean(metadata=describe("Write the good rows even if some are rejected."))
    date_order = fields.String(validate=validate.OneOf(DATE_ORDERS), metadata=describe("How to read 03/04/2021."))
    default_date = fields.String(metadata=describe("observed_start for rows without a date."))
    source_key = fields.String(
        validate=validate.Regexp(f"^{SOURCE_KEY_PATTERN}$"),
        metadata=describe("Names the source: rows without ids update only records imported with the same key."),
    )
    background = fields.Boolean(metadata=describe("Run as a background job even if the file is small."))


class ImportJobSchema(Schema):
    """An import job as jobs.job_json describes it."""

    class Meta:
        description = (
            "An import job: status (queued, running, succeeded, failed, cancelled), progress,"
            " rows_read, the report (counts, mapping, CRS, repaired, rejected, warnings; the file's name and SHA-256"
            " with the import's id; the earlier imports whose records it updates; updates changing a record's"
            " geometry kind or subject), how many times a worker took it (attempts), whether a cancel was asked for,"
            " and, when it failed or was cancelled, an error like every other error body."
        )


class ImportJobPathSchema(Schema):
    job_id = fields.UUID(required=True, data_key="job")


class ExportJobSchema(Schema):
    """An export job as export_jobs.export_json describes it, with its links."""

    class Meta:
        description = (
            "An export job: status (queued, running, succeeded, failed, cancelled), format, records written so"
            " far (all of them once it succeeded), the file's size in bytes once it succeeded, how many times a"
            " worker took it (attempts), whether a cancel was asked for, an error like every other error body,"
            " and links: 'self' and, once it succeeded, 'file' (the download, for the viewer who asked only)."
        )


class ExportJobPathSchema(Schema):
    job_id = fields.UUID(required=True, data_key="job")
