"""JSON API for datasets."""

from __future__ import annotations

from flask import Blueprint, request, url_for

from fieldapp.accounts.auth import require_user
from fieldapp.config import current_settings
from fieldapp.datasets import queries, service
from fieldapp.datasets.schemas import DatasetSchema
from fieldapp.db import get_session
from fieldapp.errors import NotFound
from fieldapp.geo.filters import reject_unknown
from fieldapp.http import json_text_response, load, read_json

bp = Blueprint("datasets_api", __name__)
_schema = DatasetSchema()


@bp.get("/datasets")
def list_datasets():
    reject_unknown(request.args, set())
    return json_text_response('{"datasets": ' + queries.list_datasets_json(get_session()) + "}")


@bp.post("/datasets")
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
def get_dataset(slug: str):
    reject_unknown(request.args, set())
    body = queries.get_dataset_json(get_session(), slug)
    if body is None:
        raise NotFound(f"No dataset {slug!r}.")
    return json_text_response(body)
