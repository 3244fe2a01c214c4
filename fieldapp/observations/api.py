"""JSON API for observations: GeoJSON lists, idempotent creation, one record read, change, delete."""

from __future__ import annotations

import json
import uuid

from flask import Blueprint, Response, jsonify, request, url_for
from sqlalchemy.orm import Session
from werkzeug.urls import iri_to_uri

from fieldapp.accounts.auth import current_viewer, require_user
from fieldapp.config import current_settings
from fieldapp.db import get_session, read_in_autocommit, write_session
from fieldapp.errors import Invalid, NotFound
from fieldapp.geo.filters import encode_cursor
from fieldapp.geo.geojson import feature_collection
from fieldapp.http import GEOJSON, json_text_response, load, parse_uuid, read_json
from fieldapp.lean import LeanLoader
from fieldapp.observations import mine, queries, service
from fieldapp.observations.answers import (
    BatchResultSchema,
    FeatureCollectionReadSchema,
    FeatureReadSchema,
    MediaSchema,
    MediaUploadSchema,
)
from fieldapp.observations.mine_schemas import MyRecordListSchema, MyRecordsArgsSchema, MyRecordSchema
from fieldapp.observations.schemas import (
    FeatureCollectionInputSchema,
    FeaturePatchSchema,
    FeatureSchema,
    ListArgsSchema,
    ObservationPathSchema,
    counting_of,
    filter_of,
)
from fieldapp.observations.seen import log_list_view, seen_feature
from fieldapp.openapi import JSON, READ, WRITE, NoArgs, answer, operation

bp = Blueprint("observations_api", __name__)

_feature_schema = FeatureSchema()
# A batch's features are loaded by the same schema without marshmallow's per-call walk over its 30
# properties (most of a batch's time); a feature with any problem is loaded by the schema itself.
_batch_loader = LeanLoader(_feature_schema)
_patch_schema = FeaturePatchSchema()


@bp.get("/observations")
@operation(
    "listObservations",
    "observations",
    "List observations",
    description="Unknown query parameters answer 400.",
    security=READ,
    args=ListArgsSchema,
    answers={200: answer("A page of observations.", FeatureCollectionReadSchema, GEOJSON)},
    errors=(400, 401),
)
def list_observations(args: dict):
    limit = args["limit"]
    read_in_autocommit(get_session())
    page = queries.list_observations(
        get_session(),
        current_viewer(),
        filter_of(args),
        limit,
        args.get("cursor"),
        args.get("properties"),
        counting_of(args["count"], current_settings()),
    )
    logged = write_session()  # the request may read from a replica; the log goes to the primary
    log_list_view(logged, current_viewer(), page["seqs"], "api list")
    logged.commit()
    links = [{"rel": "self", "type": GEOJSON, "href": iri_to_uri(request.url)}]
    if page["next_after"] is not None:
        query = request.args.to_dict() | {"cursor": encode_cursor(page["next_after"]), "limit": str(limit)}
        links.append({"rel": "next", "type": GEOJSON, "href": url_for(".list_observations", _external=True, **query)})
    body = feature_collection(
        page["features"],
        {"datasets": page["datasets"]},
        numberMatched=page["matched"],
        numberMatchedIsEstimate=page["estimated"],
        numberReturned=page["returned"],
        links=links,
    )
    return json_text_response(body, mimetype=GEOJSON)


_FEATURE_OR_BATCH = {"oneOf": [FeatureSchema, FeatureCollectionInputSchema]}
_STORED = {"oneOf": [FeatureReadSchema, BatchResultSchema]}


@bp.post("/observations")
@operation(
    "createObservations",
    "observations",
    "Record one observation (a Feature) or a batch (a FeatureCollection)",
    description="Idempotent on the feature id for the account that created the record: the same id "
    "with the same content answers with the stored record (200), with different content 409. Another "
    "account's id is 409 whatever the content, so the answer never tells a hidden location.",
    security=WRITE,
    body={JSON: _FEATURE_OR_BATCH, GEOJSON: _FEATURE_OR_BATCH},
    answers={
        200: answer("Already stored with the same content.", _STORED),
        201: answer(
            "Stored: the Feature, or for a batch a summary.",
            _STORED,
            location="The new observation's URL (single Feature).",
        ),
    },
    errors=(400, 401, 403, 409, 413, 422),
)
def create_observations():
    user = require_user()
    body = read_json()
    raw_features, single = _features_of(body)
    features = [load(_feature_schema, raw_features[0])] if single else _load_batch(raw_features)
    session = get_session()
    outcomes = service.create_observations(session, user, features, raw_features)
    session.commit()
    if single:
        return _single_response(outcomes[0])
    created = sum(o.created for o in outcomes)
    summary = {
        "created": created,
        "existing": len(outcomes) - created,
        "results": [{"id": str(o.id), "status": "created" if o.created else "existing"} for o in outcomes],
    }
    return Response(json.dumps(summary), status=201 if created else 200, mimetype="application/json")


def _features_of(body) -> tuple[list, bool]:
    if not isinstance(body, dict):
        raise Invalid(
            "Send a GeoJSON Feature or FeatureCollection object.", [{"path": "(body)", "message": "not an object"}]
        )
    if body.get("type") == "Feature":
        return [body], True
    if body.get("type") == "FeatureCollection":
        features = body.get("features")
        if not isinstance(features, list) or not features:
            raise Invalid(
                "A FeatureCollection needs a non-empty 'features' array.",
                [{"path": "features", "message": "missing or empty"}],
            )
        batch_max = current_settings().api_batch_max
        if len(features) > batch_max:
            raise Invalid(
                f"A batch holds at most {batch_max} features; this one has {len(features)}.",
                [{"path": "features", "message": f"more than {batch_max}"}],
            )
        extra = set(body) - {"type", "features", "bbox"}
        if extra:
            raise Invalid(
                f"Unknown member(s) of the FeatureCollection: {', '.join(sorted(extra))}.",
                [{"path": name, "message": "unknown member"} for name in sorted(extra)],
            )
        return features, False
    raise Invalid(
        "The body is not a GeoJSON Feature or FeatureCollection: 'type' must be one of those.",
        [{"path": "type", "message": f"got {body.get('type')!r}"}],
    )


def _load_batch(raw_features: list) -> list[dict]:
    """Validate every feature of a batch, reporting each bad one by index and field."""
    features, details = [], []
    for index, raw in enumerate(raw_features):
        try:
            features.append(load(_batch_loader, raw, f"features.{index}"))
        except Invalid as exc:
            details.extend(exc.details)
    ids = [f.get("id") for f in features if f.get("id")]
    if len(ids) != len(set(ids)):
        details.append({"path": "features", "message": "the same id appears more than once in the batch"})
    if details:
        raise Invalid(f"{len(details)} problem(s) in the batch; nothing was written.", details)
    return features


def _single_response(outcome: service.Outcome) -> Response:
    feature = _visible_feature(get_session(), outcome.id)
    headers = {"Location": url_for(".get_observation", observation_id=outcome.id, _external=True)}
    return json_text_response(feature, status=201 if outcome.created else 200, mimetype=GEOJSON, headers=headers)


@bp.get("/observations/<observation_id>")
@operation(
    "getObservation",
    "observations",
    "Read one observation",
    security=READ,
    args=NoArgs,
    path=ObservationPathSchema,
    answers={200: answer("The observation.", FeatureReadSchema, GEOJSON)},
    errors=(400, 401, 404),
)
def get_observation(observation_id: str):
    feature = seen_feature(get_session(), current_viewer(), parse_uuid(observation_id), "api")
    if feature is None:
        raise NotFound(f"No observation {observation_id}.")
    return json_text_response(feature, mimetype=GEOJSON)


@bp.patch("/observations/<observation_id>")
@operation(
    "patchObservation",
    "observations",
    "Change an observation",
    description="Only its contributor, the dataset's stewards, staff and admins may change it.",
    security=WRITE,
    path=ObservationPathSchema,
    body={JSON: FeaturePatchSchema},
    answers={200: answer("The changed observation.", FeatureReadSchema, GEOJSON)},
    errors=(400, 401, 403, 404, 413, 422),
)
def patch_observation(observation_id: str):
    user = require_user()
    oid = parse_uuid(observation_id)
    patch = load(_patch_schema, read_json())
    if patch.get("id") not in (None, oid):
        raise Invalid("The id of an observation cannot change.", [{"path": "id", "message": "differs from the URL"}])
    session = get_session()
    service.update_observation(session, user, oid, patch)
    session.commit()
    return json_text_response(_visible_feature(session, oid), mimetype=GEOJSON)


def _visible_feature(session: Session, observation_id: uuid.UUID) -> str:
    feature = queries.get_observation_feature(session, current_viewer(), observation_id)
    if feature is None:  # written, but outside what this viewer may see
        raise NotFound(f"No observation {observation_id}.")
    return feature


@bp.delete("/observations/<observation_id>")
@operation(
    "deleteObservation",
    "observations",
    "Delete an observation",
    description="Recorded in the history. Same permissions as a change.",
    security=WRITE,
    path=ObservationPathSchema,
    answers={204: answer("Deleted.")},
    errors=(400, 401, 403, 404),
)
def delete_observation(observation_id: str):
    user = require_user()
    session = get_session()
    service.delete_observation(session, user, parse_uuid(observation_id))
    session.commit()
    return Response(status=204)


@bp.post("/observations/<observation_id>/media")
@operation(
    "uploadMedia",
    "observations",
    "Add a photo to an observation",
    description="The original is kept private; the public copy and thumbnail carry no metadata.",
    security=WRITE,
    path=ObservationPathSchema,
    body={"multipart/form-data": MediaUploadSchema},
    answers={200: answer("Already stored with this id.", MediaSchema), 201: answer("Stored.", MediaSchema)},
    errors=(400, 401, 403, 404, 409, 413, 422),
)
def upload_media(observation_id: str):
    """Store a photo (multipart field `file`), once per client-generated `id`; 201 new, 200 a retry."""
    from flask import current_app

    from fieldapp.observations import media

    user = require_user()
    upload = request.files.get("file")
    if upload is None:
        raise Invalid(
            "Send the photo as a multipart/form-data field named 'file'.", [{"path": "file", "message": "missing"}]
        )
    try:
        media_id = uuid.UUID(request.form["id"]) if request.form.get("id") else uuid.uuid4()
    except ValueError:
        raise Invalid("The photo id must be a UUID.", [{"path": "id", "message": "not a UUID"}]) from None
    settings = current_app.extensions["fieldapp.settings"]
    data = upload.stream.read(settings.photo_max_bytes + 1)
    session = get_session()
    stored, created = media.store_photo(
        session,
        settings.media_dir,
        user,
        parse_uuid(observation_id),
        media_id,
        data,
        settings.photo_max_pixels,
        settings.photo_max_bytes,
    )
    session.commit()
    body = media.media_json(stored, url_for)
    headers = {"Location": body["public_url"]}
    return Response(json.dumps(body), status=201 if created else 200, mimetype="application/json", headers=headers)


_my_record = MyRecordSchema()


@bp.get("/me/records")
@operation(
    "listMyRecords",
    "observations",
    "My records: what you recorded or entered, newest first, with sync and review state",
    description="Records credited to you or a pseudonym of yours, or entered by you. Only ever your own.",
    security=WRITE,
    args=MyRecordsArgsSchema,
    answers={200: answer("Your records, one page.", MyRecordListSchema)},
    errors=(400, 401),
)
def list_my_records(args: dict):
    require_user()
    limit = min(args["limit"], mine.LISTED)
    rows = mine.my_records(get_session(), current_viewer(), limit=limit + 1, before=args.get("cursor"))
    page = rows[:limit]
    links = [{"rel": "self", "type": "application/json", "href": request.url}]
    if len(rows) > limit:
        query = request.args.to_dict() | {"cursor": encode_cursor(page[-1]["seq"]), "limit": str(limit)}
        links.append(
            {"rel": "next", "type": "application/json", "href": url_for(".list_my_records", _external=True, **query)}
        )
    return jsonify({"records": [_my_record.dump(r) for r in page], "links": links})
