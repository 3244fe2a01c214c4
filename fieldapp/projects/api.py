"""JSON API for projects: list, create, read, edit, comment on the protocol, publish a version."""

from __future__ import annotations

import json

from flask import Blueprint, url_for

from fieldapp.accounts.auth import current_viewer, require_user
from fieldapp.db import get_session
from fieldapp.errors import NotFound
from fieldapp.http import json_text_response, load, read_json
from fieldapp.openapi import JSON, READ, WRITE, NoArgs, answer, operation
from fieldapp.projects import evaluation, queries, service
from fieldapp.projects.schemas import (
    CheckinSchema,
    CommentSchema,
    EvaluationArgsSchema,
    EvaluationSchema,
    ProjectEditSchema,
    ProjectListSchema,
    ProjectPathSchema,
    ProjectReadSchema,
    ProjectSchema,
    PublishSchema,
    ThanksSchema,
)

bp = Blueprint("projects_api", __name__)


def _answer(slug: str, status: int = 200, **headers: str):
    project = queries.get_project(get_session(), slug)
    if project is None:
        raise NotFound(f"No project {slug!r}.")
    project.pop("id")
    return json_text_response(json.dumps(project, default=str), status=status, headers=headers or None)


@bp.get("/projects")
@operation(
    "listProjects",
    "projects",
    "List projects with their co-production declarations",
    security=READ,
    args=NoArgs,
    answers={200: answer("Every project.", ProjectListSchema)},
    errors=(400,),
)
def list_projects():
    projects = [{k: v for k, v in p.items() if k != "id"} for p in queries.list_projects(get_session())]
    return json_text_response(json.dumps({"projects": projects}, default=str))


@bp.post("/projects")
@operation(
    "createProject",
    "projects",
    "Start a project",
    security=WRITE,
    body={JSON: ProjectSchema},
    answers={201: answer("Created.", ProjectReadSchema, location="The project's URL.")},
    errors=(400, 401, 403, 409, 413, 422),
)
def create_project():
    user = require_user()
    values = load(ProjectSchema(), read_json())
    session = get_session()
    project = service.create_project(session, user, values)
    session.commit()
    return _answer(project.slug, 201, Location=url_for(".get_project", slug=project.slug, _external=True))


@bp.get("/projects/<slug>")
@operation(
    "getProject",
    "projects",
    "Read a project: partners, datasets, protocol versions and discussion",
    security=READ,
    args=NoArgs,
    path=ProjectPathSchema,
    answers={200: answer("The project.", ProjectReadSchema)},
    errors=(400, 404),
)
def get_project(slug: str):
    return _answer(slug)


@bp.patch("/projects/<slug>")
@operation(
    "editProject",
    "projects",
    "Edit a project (its stewards)",
    security=WRITE,
    path=ProjectPathSchema,
    body={JSON: ProjectEditSchema},
    answers={200: answer("The project as changed.", ProjectReadSchema)},
    errors=(400, 401, 403, 404, 413, 422),
)
def edit_project(slug: str):
    user = require_user()
    values = load(ProjectEditSchema(), read_json())
    session = get_session()
    service.edit_project(session, user, service.find(session, slug), values)
    session.commit()
    return _answer(slug)


@bp.post("/projects/<slug>/comments")
@operation(
    "commentOnProtocol",
    "projects",
    "Comment on the protocol or propose a wording (any member)",
    security=WRITE,
    path=ProjectPathSchema,
    body={JSON: CommentSchema},
    answers={201: answer("The project with the comment.", ProjectReadSchema)},
    errors=(400, 401, 403, 404, 413, 422),
)
def comment(slug: str):
    user = require_user()
    values = load(CommentSchema(), read_json())
    session = get_session()
    service.comment(session, user, service.find(session, slug), values)
    session.commit()
    return _answer(slug, 201)


@bp.post("/projects/<slug>/versions")
@operation(
    "publishProtocol",
    "projects",
    "Publish the protocol as a new version (its stewards)",
    security=WRITE,
    path=ProjectPathSchema,
    body={JSON: PublishSchema},
    answers={201: answer("The project with its new version.", ProjectReadSchema)},
    errors=(400, 401, 403, 404, 413, 422),
)
def publish(slug: str):
    user = require_user()
    values = load(PublishSchema(), read_json())
    session = get_session()
    service.publish(session, user, service.find(session, slug), values.get("text"))
    session.commit()
    return _answer(slug, 201)


@bp.post("/projects/<slug>/wellbeing")
@operation(
    "checkIn",
    "projects",
    "Answer the four wellbeing questions (optional; only ever shown as aggregates)",
    security=WRITE,
    path=ProjectPathSchema,
    body={JSON: CheckinSchema},
    answers={201: answer("Thanked; the answers are never shown per person.", ThanksSchema)},
    errors=(400, 401, 404, 409, 413, 422),
)
def check_in(slug: str):
    user = require_user()
    values = load(CheckinSchema(), read_json())
    session = get_session()
    service.check_in(session, user, service.find(session, slug), values)
    session.commit()
    return json_text_response(
        json.dumps({"message": "Thank you: your answers count only in aggregates of five or more."}), status=201
    )


@bp.get("/projects/<slug>/evaluation")
@operation(
    "getProjectEvaluation",
    "projects",
    "A project's evaluation: records, coverage, people, time, review, wellbeing",
    security=READ,
    args=EvaluationArgsSchema,
    path=ProjectPathSchema,
    answers={200: answer("Aggregates only.", EvaluationSchema)},
    errors=(400, 404),
)
def get_evaluation(args: dict, slug: str):
    session = get_session()
    project = service.find(session, slug)
    figures = evaluation.evaluation(session, current_viewer(), project.id, args.get("year"))
    return json_text_response(json.dumps(figures, default=str))
