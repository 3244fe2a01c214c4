"""JSON API for places: GET/POST /places, GET /places/{id}; every answer goes through the observations' gate."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, request, url_for
from sqlalchemy import text

from fieldapp.access import may_import, viewer_of
from fieldapp.accounts.auth import current_viewer, require_user
from fieldapp.config import current_settings
from fieldapp.db import get_session
from fieldapp.errors import Forbidden, Invalid, NotFound
from fieldapp.http import json_text_response, load, read_json
from fieldapp.i18n import _
from fieldapp.openapi import JSON, READ, WRITE, Answer, answer, operation
from fieldapp.places import queries, service
from fieldapp.places.schemas import (
    PlaceCollectionSchema,
    PlaceExportArgsSchema,
    PlaceImportFormSchema,
    PlaceImportReportSchema,
    PlaceInputSchema,
    PlaceListArgsSchema,
    PlaceNameCreatedSchema,
    PlacePathSchema,
    PlaceReadSchema,
)
from fieldapp.subjects.schemas import NameSchema
from fieldapp.transfer import place_export, place_import

bp = Blueprint("places_api", __name__)
_input = PlaceInputSchema()
_name_input = NameSchema()
GEOJSON = "application/geo+json"


@bp.get("/places")
@operation(
    "listPlaces",
    "places",
    "The gazetteer: bays, reefs, rocks, slipways and fishing marks, with their names in every language",
    security=READ,
    args=PlaceListArgsSchema,
    answers={
        200: answer("The places you may see (a generalised mark as its grid cells).", PlaceCollectionSchema, GEOJSON)
    },
    errors=(400,),
)
def list_places(args: dict[str, Any]):
    body = queries.list_places(get_session(), current_viewer(), args, args["limit"])
    return json_text_response(body, mimetype=GEOJSON)


@bp.get("/places/export")
@operation(
    "exportPlaces",
    "places",
    "Download the places you may see as GeoJSON or CSV, each with its dataset's licence and agreement",
    security=READ,
    args=PlaceExportArgsSchema,
    answers={
        200: Answer(
            "The file (a generalised mark as its grid cell; a private one only in its holders' files).",
            {
                place_export.PLACE_FORMATS["geojson"]: {"type": "object", "description": "A FeatureCollection."},
                place_export.PLACE_FORMATS["csv"]: {"type": "string"},
            },
        )
    },
    errors=(400,),
)
def export_places(args: dict[str, Any]):
    fmt = args.pop("format")
    limit = current_settings().export_inline_max_records
    body, name = place_export.places_file(get_session(), current_viewer(), args, fmt, limit)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, mimetype=place_export.PLACE_FORMATS[fmt], headers=headers)


@bp.get("/places/<int:place_id>")
@operation(
    "getPlace",
    "places",
    "One place, as you may see it",
    security=READ,
    path=PlacePathSchema,
    answers={200: answer("The place.", PlaceReadSchema, GEOJSON)},
    errors=(400, 404),
)
def get_place(place_id: int):
    body = queries.place_feature(get_session(), current_viewer(), place_id)
    if body is None:
        raise NotFound(_("No place %(id)s for you.", id=place_id))
    return json_text_response(body, mimetype=GEOJSON)


@bp.post("/places")
@operation(
    "createPlace",
    "places",
    "Name a place (a point, line or area) in a dataset you may record into, credited to you",
    security=WRITE,
    body={JSON: PlaceInputSchema},
    answers={201: answer("The place as you see it.", PlaceReadSchema, GEOJSON, location="The place.")},
    errors=(400, 401, 403, 422),
)
def create_place():
    user = require_user()
    feature = load(_input, read_json())
    session = get_session()
    place = service.create_place(session, user, feature)
    session.commit()
    body = queries.place_feature(session, current_viewer(), place.id)
    location = url_for(".get_place", place_id=place.id, _external=True)
    return json_text_response(body or "{}", status=201, mimetype=GEOJSON, headers={"Location": location})


@bp.post("/places/<int:place_id>/names")
@operation(
    "addPlaceName",
    "places",
    "Give a place you may see another name, in a language or a community's usage, credited to you",
    security=WRITE,
    path=PlacePathSchema,
    body={JSON: NameSchema},
    answers={201: answer("Added.", PlaceNameCreatedSchema, location="The place.")},
    errors=(400, 401, 404, 409, 422),
)
def add_place_name(place_id: int):
    user = require_user()
    values = load(_name_input, read_json())
    session = get_session()
    added = service.add_place_name(session, user, place_id, values)
    session.commit()
    location = url_for(".get_place", place_id=place_id, _external=True)
    body = json.dumps({"id": added.id, "place_id": place_id})
    return json_text_response(body, status=201, headers={"Location": location})


@bp.post("/places/imports")
@operation(
    "importPlaces",
    "places",
    "Import places from a file into a dataset you steward (all or nothing; a row imported before is skipped)",
    security=WRITE,
    body={"multipart/form-data": PlaceImportFormSchema},
    answers={
        200: answer("The dry run's report.", PlaceImportReportSchema),
        201: answer("Imported.", PlaceImportReportSchema),
    },
    errors=(400, 401, 403, 422),
)
def import_places():
    user = require_user()
    session = get_session()
    slug = request.form.get("dataset", "")
    dataset_id = session.scalar(text("SELECT id FROM dataset WHERE slug = :s"), {"s": slug})
    if dataset_id is None:
        raise Invalid(_("No dataset “%(slug)s”.", slug=slug), [{"path": "dataset", "message": _("unknown dataset")}])
    if not may_import(session, viewer_of(user), dataset_id):
        raise Forbidden(_("Only the dataset's stewards and park staff import into it."))
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid(_("Send the file."), [{"path": "file", "message": _("missing")}])
    dry_run = request.form.get("dry_run", "").lower() in ("1", "true", "yes", "on")
    with tempfile.TemporaryDirectory(prefix="fieldapp-places-") as folder:
        path = Path(folder) / Path(upload.filename).name
        upload.save(path)
        report = place_import.import_places(
            session, path, Path(folder), dataset_id, user.contributor_id, user.id, dry_run=dry_run
        )
    if dry_run:
        session.rollback()
    else:
        session.commit()
    body = {"rows": report.rows, "created": report.created, "unchanged": report.unchanged, "dry_run": dry_run}
    return json_text_response(json.dumps(body), status=200 if dry_run else 201)
