"""JSON API for datasets."""

from __future__ import annotations

from flask import Blueprint, url_for

from fieldapp.accounts.auth import require_user
from fieldapp.config import current_settings
from fieldapp.datasets import queries, service
from fieldapp.datasets.schemas import (
    AgreementReadSchema,
    AgreementSchema,
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
