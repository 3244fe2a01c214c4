"""JSON API for annotations: GET/POST /observations/{id}/annotations and responses to them."""

from __future__ import annotations

from flask import Blueprint, Response, request, url_for

from fieldapp.access import may_see_record, viewer_of
from fieldapp.accounts.auth import current_user, require_user
from fieldapp.annotations import queries, service
from fieldapp.annotations.schemas import AnnotationSchema, ResponseSchema
from fieldapp.db import get_session
from fieldapp.errors import Forbidden
from fieldapp.geo.filters import reject_unknown
from fieldapp.http import json_text_response, load, parse_uuid, read_json

bp = Blueprint("annotations_api", __name__)
_schema = AnnotationSchema()
_response_schema = ResponseSchema()


@bp.get("/observations/<observation_id>/annotations")
def list_annotations(observation_id: str):
    reject_unknown(request.args, set())
    session = get_session()
    observation = service.find_observation(session, parse_uuid(observation_id))
    user = current_user()
    if not may_see_record(session, viewer_of(user), observation):
        raise Forbidden("This record is private; its annotations are for those who may see it.")
    body = queries.annotations_json(session, viewer_of(user), observation.id)
    return json_text_response('{"annotations": ' + body + "}")


@bp.post("/observations/<observation_id>/annotations")
def create_annotation(observation_id: str):
    user = require_user()
    values = load(_schema, read_json())
    session = get_session()
    annotation = service.add_annotation(session, user, parse_uuid(observation_id), values)
    session.commit()
    location = url_for(".list_annotations", observation_id=observation_id, _external=True)
    return Response(
        f'{{"id": {annotation.id}, "status": "{annotation.status}"}}',
        status=201,
        mimetype="application/json",
        headers={"Location": location},
    )


@bp.post("/observations/<observation_id>/annotations/<int:annotation_id>/response")
def respond(observation_id: str, annotation_id: int):
    user = require_user()
    values = load(_response_schema, read_json())
    session = get_session()
    annotation = service.respond(
        session, user, parse_uuid(observation_id), annotation_id, values["action"], values["response"]
    )
    session.commit()
    return Response(f'{{"id": {annotation.id}, "status": "{annotation.status}"}}', mimetype="application/json")
