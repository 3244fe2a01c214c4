"""JSON API for datasets."""

from __future__ import annotations

from flask import Blueprint, url_for

from fieldapp.accounts.auth import current_viewer, require_user
from fieldapp.config import current_settings
from fieldapp.datasets import queries, service
from fieldapp.datasets.grants import decide, request_access, requests_json
from fieldapp.datasets.schemas import (
    AccessDecisionSchema,
    AccessRequestListSchema,
    AccessRequestPathSchema,
    AccessRequestReadSchema,
    AccessRequestSchema,
    AgreementReadSchema,
    AgreementSchema,
    DatasetEditSchema,
    DatasetListSchema,
    DatasetPathSchema,
    DatasetReadSchema,
    DatasetSchema,
)
from fieldapp.db import get_session
from fieldapp.errors import NotFound
from fieldapp.http import json_text_response, load, read_json
from fieldapp.openapi import JSON, READ, WRITE, NoArgs, answer, operation

bp = Blueprint("datasets_api", __name__)
_schema = DatasetSchema()
_agreement = AgreementSchema()


@bp.get("/datasets")
@operation(
    "listDatasets",
    "datasets",
    "List datasets",
    security=READ,
    args=NoArgs,
    answers={200: answer("Every dataset.", DatasetListSchema)},
    errors=(400,),
)
def list_datasets():
    return json_text_response('{"datasets": ' + queries.list_datasets_json(get_session()) + "}")


@bp.post("/datasets")
@operation(
    "createDataset",
    "datasets",
    "Create a dataset",
    security=WRITE,
    body={JSON: DatasetSchema},
    answers={201: answer("Created.", DatasetReadSchema, location="The dataset's URL.")},
    errors=(400, 401, 403, 409, 413, 422),
)
def create_dataset():
    user = require_user()
    values = load(_schema, read_json())
    session = get_session()
    dataset = service.create_dataset(session, user, values, current_settings().generalise_floor_m)
    session.commit()
    body = queries.get_dataset_json(session, dataset.slug)
    location = url_for(".get_dataset", slug=dataset.slug, _external=True)
    return json_text_response(body, status=201, headers={"Location": location})


@bp.get("/datasets/<slug>")
@operation(
    "getDataset",
    "datasets",
    "Read one dataset with extent and counts",
    security=READ,
    args=NoArgs,
    path=DatasetPathSchema,
    answers={200: answer("The dataset.", DatasetReadSchema)},
    errors=(400, 404),
)
def get_dataset(slug: str):
    body = queries.get_dataset_json(get_session(), slug)
    if body is None:
        raise NotFound(f"No dataset {slug!r}.")
    return json_text_response(body)


@bp.patch("/datasets/<slug>")
@operation(
    "updateDataset",
    "datasets",
    "Change a dataset's fields, stewards or who may record into it (its stewards and park staff)",
    security=WRITE,
    path=DatasetPathSchema,
    body={JSON: DatasetEditSchema},
    answers={200: answer("The dataset as stored.", DatasetReadSchema)},
    errors=(400, 401, 403, 404, 409, 413, 422),
)
def update_dataset(slug: str):
    require_user()
    values = load(DatasetEditSchema(partial=True), read_json())
    session = get_session()
    settings = current_settings()
    service.update_dataset(
        session, current_viewer(), slug, values, settings.generalise_floor_m, settings.regeneralise_inline_max
    )
    session.commit()
    return json_text_response(queries.get_dataset_json(session, slug) or "null")


@bp.get("/datasets/<slug>/agreement")
@operation(
    "getDatasetAgreement",
    "datasets",
    "Read a dataset's data agreement (null without one)",
    security=READ,
    args=NoArgs,
    path=DatasetPathSchema,
    answers={200: answer("The agreement.", AgreementReadSchema)},
    errors=(400, 404),
)
def get_agreement(slug: str):
    body = queries.get_agreement_json(get_session(), slug)
    if body is None:
        raise NotFound(f"No dataset {slug!r}.")
    return json_text_response(body)


@bp.put("/datasets/<slug>/agreement")
@operation(
    "putDatasetAgreement",
    "datasets",
    "Attach or replace a dataset's data agreement (its stewards and park staff)",
    security=WRITE,
    path=DatasetPathSchema,
    body={JSON: AgreementSchema},
    answers={200: answer("The agreement as stored.", AgreementReadSchema)},
    errors=(400, 401, 403, 404, 413, 422),
)
def put_agreement(slug: str):
    user = require_user()
    values = load(_agreement, read_json())
    session = get_session()
    service.set_agreement(session, user, slug, values)
    session.commit()
    return json_text_response(queries.get_agreement_json(session, slug) or "null")


@bp.post("/datasets/<slug>/access-requests")
@operation(
    "requestDatasetAccess",
    "datasets",
    "Ask the dataset's stewards for precise access, with a purpose",
    security=WRITE,
    path=DatasetPathSchema,
    body={JSON: AccessRequestSchema},
    answers={201: answer("Asked.", AccessRequestReadSchema)},
    errors=(400, 401, 404, 413, 422),
)
def post_access_request(slug: str):
    user = require_user()
    values = load(AccessRequestSchema(), read_json())
    session = get_session()
    grant = request_access(session, user, slug, values["purpose"])
    session.commit()
    [body] = [r for r in requests_json(session, user, slug) if r["id"] == grant.id]
    return json_text_response(AccessRequestReadSchema().dumps(body), status=201)


@bp.get("/datasets/<slug>/access-requests")
@operation(
    "listDatasetAccessRequests",
    "datasets",
    "The dataset's requests for precise access (stewards: all; others: their own)",
    security=READ,
    args=NoArgs,
    path=DatasetPathSchema,
    answers={200: answer("The requests.", AccessRequestListSchema)},
    errors=(400, 401, 404),
)
def list_access_requests(slug: str):
    user = require_user()
    body = {"requests": requests_json(get_session(), user, slug)}
    return json_text_response(AccessRequestListSchema().dumps(body))


@bp.post("/datasets/<slug>/access-requests/<int:request_id>/decision")
@operation(
    "decideDatasetAccess",
    "datasets",
    "Grant a request for precise access until a day, or refuse it (stewards and park staff)",
    security=WRITE,
    path=AccessRequestPathSchema,
    body={JSON: AccessDecisionSchema},
    answers={200: answer("Decided.", AccessRequestReadSchema)},
    errors=(400, 401, 403, 404, 409, 413, 422),
)
def post_access_decision(slug: str, request_id: int):
    user = require_user()
    values = load(AccessDecisionSchema(), read_json())
    session = get_session()
    decide(session, user, slug, request_id, values["decision"], values["until"])
    session.commit()
    [body] = [r for r in requests_json(session, user, slug) if r["id"] == request_id]
    return json_text_response(AccessRequestReadSchema().dumps(body))
