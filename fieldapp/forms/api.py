"""JSON API for a dataset's recording form: read the current version, publish a new one."""

from __future__ import annotations

import json

from flask import Blueprint

from fieldapp.accounts.auth import require_user
from fieldapp.db import get_session
from fieldapp.forms import queries, service
from fieldapp.forms.definition import FormSchema
from fieldapp.forms.schemas import DatasetSlugSchema, FormAnswerSchema
from fieldapp.http import json_text_response, load, read_json
from fieldapp.openapi import JSON, READ, WRITE, NoArgs, answer, operation

bp = Blueprint("forms_api", __name__)


@bp.get("/datasets/<slug>/form")
@operation(
    "getDatasetForm",
    "datasets",
    "Read a dataset's recording form (its custom fields)",
    security=READ,
    args=NoArgs,
    path=DatasetSlugSchema,
    answers={200: answer("The current form, or null.", FormAnswerSchema)},
    errors=(400, 404),
)
def get_form(slug: str):
    session = get_session()
    dataset = service.dataset_named(session, slug)
    return json_text_response(json.dumps({"form": queries.form_json(queries.current_form(session, dataset.id))}))


@bp.put("/datasets/<slug>/form")
@operation(
    "publishDatasetForm",
    "datasets",
    "Publish a new version of a dataset's recording form (its stewards)",
    security=WRITE,
    path=DatasetSlugSchema,
    body={JSON: FormSchema},
    answers={201: answer("The new version.", FormAnswerSchema)},
    errors=(400, 401, 403, 404, 413, 422),
)
def publish_form(slug: str):
    user = require_user()
    definition = load(FormSchema(), read_json())
    session = get_session()
    form = service.publish_form(session, user, service.dataset_named(session, slug), definition)
    session.commit()
    return json_text_response(json.dumps({"form": queries.form_json(form)}), status=201)
