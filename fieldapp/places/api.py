"""JSON API for places: GET/POST /places, GET /places/{id}; every answer goes through the observations' gate."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for

from fieldapp.accounts.auth import current_viewer, require_user
from fieldapp.db import get_session
from fieldapp.errors import NotFound
from fieldapp.http import json_text_response, load, read_json
from fieldapp.i18n import _
from fieldapp.openapi import JSON, READ, WRITE, answer, operation
from fieldapp.places import queries, service
from fieldapp.places.schemas import (
    PlaceCollectionSchema,
    PlaceInputSchema,
    PlaceListArgsSchema,
    PlacePathSchema,
    PlaceReadSchema,
)

bp = Blueprint("places_api", __name__)
_input = PlaceInputSchema()
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
