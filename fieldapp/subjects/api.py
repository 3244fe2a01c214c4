"""JSON API for subjects: search any name in any language, a subject's names, a new name, a dataset's preferred name."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, url_for

from fieldapp.accounts.auth import require_user
from fieldapp.db import get_session
from fieldapp.errors import NotFound
from fieldapp.http import json_text_response, load, read_json
from fieldapp.i18n import _
from fieldapp.openapi import JSON, PUBLIC, WRITE, answer, operation
from fieldapp.subjects import queries, service
from fieldapp.subjects.schemas import (
    NameCreatedSchema,
    NamePathSchema,
    NameSchema,
    PreferSchema,
    SubjectArgsSchema,
    SubjectPathSchema,
    SubjectReadSchema,
    SubjectSearchArgsSchema,
    SubjectSearchSchema,
)

bp = Blueprint("subjects_api", __name__)
_name_schema = NameSchema()
_prefer_schema = PreferSchema()


def nothing_found(query: str) -> str:
    """What a search says when no name matches."""
    return _(
        "No name matches “%(query)s” in any language. Words nobody has linked yet are kept as written.", query=query
    )


@bp.get("/subjects")
@operation(
    "searchSubjects",
    "subjects",
    "Find subjects by any part of any of their names, in any language, accents ignored",
    security=PUBLIC,
    args=SubjectSearchArgsSchema,
    answers={200: answer("The subjects found, best match first.", SubjectSearchSchema)},
    errors=(400,),
)
def search(args: dict[str, Any]):
    found = queries.search_subjects(get_session(), args["q"], args["limit"])
    body: dict[str, Any] = {"query": args["q"], "subjects": found}
    if not found:
        body["message"] = nothing_found(args["q"])
    return json_text_response(json.dumps(body))


@bp.get("/subjects/<int:subject_id>")
@operation(
    "getSubject",
    "subjects",
    "A subject and every name it has, credited, in the order the reader chooses",
    security=PUBLIC,
    args=SubjectArgsSchema,
    path=SubjectPathSchema,
    answers={200: answer("The subject.", SubjectReadSchema)},
    errors=(400, 404),
)
def get_subject(subject_id: int, args: dict[str, Any]):
    detail = queries.subject_detail(get_session(), subject_id, args["sort"])
    if detail is None:
        raise NotFound(_("No subject %(id)s.", id=subject_id))
    return json_text_response(json.dumps(detail, default=str))


@bp.post("/subjects/<int:subject_id>/names")
@operation(
    "addSubjectName",
    "subjects",
    "Give a subject a name in a language or a community's usage, credited to you",
    security=WRITE,
    path=SubjectPathSchema,
    body={JSON: NameSchema},
    answers={201: answer("Added.", NameCreatedSchema, location="The subject.")},
    errors=(400, 401, 404, 409, 422),
)
def add_name(subject_id: int):
    user = require_user()
    values = load(_name_schema, read_json())
    session = get_session()
    name = service.add_name(session, user, subject_id, values)
    session.commit()
    location = url_for(".get_subject", subject_id=subject_id, _external=True)
    body = json.dumps({"id": name.id, "subject_id": subject_id})
    return json_text_response(body, status=201, headers={"Location": location})


@bp.post("/names/<int:name_id>/preferred")
@operation(
    "preferName",
    "subjects",
    "Make a name the preferred one of a dataset you steward (it ranks nothing above the others)",
    security=WRITE,
    path=NamePathSchema,
    body={JSON: PreferSchema},
    answers={200: answer("The dataset's choice.", NameCreatedSchema)},
    errors=(400, 401, 403, 404, 422),
)
def prefer(name_id: int):
    user = require_user()
    values = load(_prefer_schema, read_json())
    session = get_session()
    chosen = service.prefer_name(session, user, name_id, values["dataset"])
    session.commit()
    return json_text_response(json.dumps({"id": chosen.subject_name_id, "subject_id": chosen.subject_id}))
