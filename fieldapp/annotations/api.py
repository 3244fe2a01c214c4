"""JSON API for annotations: of observations (and responses to them) and of names of subjects and places."""

from __future__ import annotations

import json

from flask import Blueprint, Response, url_for

from fieldapp.access import may_see_record, viewer_of
from fieldapp.accounts.auth import current_user, current_viewer, require_user
from fieldapp.annotations import queries, service
from fieldapp.annotations.schemas import (
    AnnotationListSchema,
    AnnotationPathSchema,
    AnnotationSchema,
    AnnotationStatusSchema,
    NameAnnotationSchema,
    ResponseSchema,
)
from fieldapp.db import get_session
from fieldapp.errors import Forbidden, NotFound
from fieldapp.http import json_text_response, load, parse_uuid, read_json
from fieldapp.i18n import _
from fieldapp.observations.schemas import ObservationPathSchema
from fieldapp.openapi import JSON, PUBLIC, READ, WRITE, NoArgs, answer, operation
from fieldapp.places.queries import place_name_annotations
from fieldapp.places.schemas import PlaceNamePathSchema
from fieldapp.subjects.queries import name_annotations
from fieldapp.subjects.schemas import NamePathSchema
from fieldapp.subjects.service import find_name

bp = Blueprint("annotations_api", __name__)
_schema = AnnotationSchema()
_response_schema = ResponseSchema()
_name_schema = NameAnnotationSchema()


@bp.get("/observations/<observation_id>/annotations")
@operation(
    "listAnnotations",
    "annotations",
    "Annotations of an observation",
    security=READ,
    args=NoArgs,
    path=ObservationPathSchema,
    answers={200: answer("The annotations.", AnnotationListSchema)},
    errors=(400, 401, 403, 404),
)
def list_annotations(observation_id: str):
    session = get_session()
    observation = service.find_observation(session, parse_uuid(observation_id))
    user = current_user()
    if not may_see_record(session, viewer_of(user), observation):
        raise Forbidden("This record is private; its annotations are for those who may see it.")
    body = queries.annotations_json(session, viewer_of(user), observation.id)
    return json_text_response('{"annotations": ' + body + "}")


@bp.post("/observations/<observation_id>/annotations")
@operation(
    "createAnnotation",
    "annotations",
    "Corroborate, question, add context or propose a correction",
    security=WRITE,
    path=ObservationPathSchema,
    body={JSON: AnnotationSchema},
    answers={201: answer("Recorded.", AnnotationStatusSchema)},
    errors=(400, 401, 403, 404, 422),
)
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
@operation(
    "respondToAnnotation",
    "annotations",
    "Answer an annotation, or accept a proposed correction",
    security=WRITE,
    path=AnnotationPathSchema,
    body={JSON: ResponseSchema},
    answers={200: answer("Its new state.", AnnotationStatusSchema)},
    errors=(400, 401, 403, 404, 409, 422),
)
def respond(observation_id: str, annotation_id: int):
    user = require_user()
    values = load(_response_schema, read_json())
    session = get_session()
    annotation = service.respond(
        session, user, parse_uuid(observation_id), annotation_id, values["action"], values["response"]
    )
    session.commit()
    return Response(f'{{"id": {annotation.id}, "status": "{annotation.status}"}}', mimetype="application/json")


@bp.get("/names/<int:name_id>/annotations")
@operation(
    "listNameAnnotations",
    "annotations",
    "Annotations of a name of a subject",
    security=PUBLIC,
    args=NoArgs,
    path=NamePathSchema,
    answers={200: answer("The annotations, oldest first.", AnnotationListSchema)},
    errors=(400, 404),
)
def list_name_annotations(name_id: int):
    session = get_session()
    find_name(session, name_id)
    body = json.dumps({"annotations": name_annotations(session, name_id)}, default=str)
    return json_text_response(body)


@bp.post("/names/<int:name_id>/annotations")
@operation(
    "createNameAnnotation",
    "annotations",
    "Corroborate, question or add context to a name",
    security=WRITE,
    path=NamePathSchema,
    body={JSON: NameAnnotationSchema},
    answers={201: answer("Recorded.", AnnotationStatusSchema)},
    errors=(400, 401, 404, 422),
)
def create_name_annotation(name_id: int):
    user = require_user()
    values = load(_name_schema, read_json())
    session = get_session()
    annotation = service.add_name_annotation(session, user, name_id, values)
    session.commit()
    location = url_for(".list_name_annotations", name_id=name_id, _external=True)
    return Response(
        f'{{"id": {annotation.id}, "status": "{annotation.status}"}}',
        status=201,
        mimetype="application/json",
        headers={"Location": location},
    )


@bp.get("/places/<int:place_id>/names/<int:place_name_id>/annotations")
@operation(
    "listPlaceNameAnnotations",
    "annotations",
    "Annotations of a name of a place you may see",
    security=READ,
    args=NoArgs,
    path=PlaceNamePathSchema,
    answers={200: answer("The annotations, oldest first.", AnnotationListSchema)},
    errors=(400, 404),
)
def list_place_name_annotations(place_id: int, place_name_id: int):
    found = place_name_annotations(get_session(), current_viewer(), place_id, place_name_id)
    if found is None:
        raise NotFound(_("No place %(id)s for you.", id=place_id))
    return json_text_response(json.dumps({"annotations": found}, default=str))


@bp.post("/places/<int:place_id>/names/<int:place_name_id>/annotations")
@operation(
    "createPlaceNameAnnotation",
    "annotations",
    "Corroborate, question or add context to a name of a place you may see",
    security=WRITE,
    path=PlaceNamePathSchema,
    body={JSON: NameAnnotationSchema},
    answers={201: answer("Recorded.", AnnotationStatusSchema)},
    errors=(400, 401, 404, 422),
)
def create_place_name_annotation(place_id: int, place_name_id: int):
    user = require_user()
    values = load(_name_schema, read_json())
    session = get_session()
    annotation = service.add_place_name_annotation(session, user, place_id, place_name_id, values)
    session.commit()
    location = url_for(".list_place_name_annotations", place_id=place_id, place_name_id=place_name_id, _external=True)
    return Response(
        f'{{"id": {annotation.id}, "status": "{annotation.status}"}}',
        status=201,
        mimetype="application/json",
        headers={"Location": location},
    )
