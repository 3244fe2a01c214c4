"""Project pages: the programme as a design-by-delivery matrix, one project with its protocol in the open."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask import session as cookie
from sqlalchemy import text

from fieldapp import rules
from fieldapp.access import (
    is_privileged,
    may_create_project,
    may_discuss,
    stewarded_dataset_ids,
    stewards_project,
    viewer_of,
)
from fieldapp.accounts.auth import current_user, current_viewer, require_user
from fieldapp.contributors.queries import groups_of, pseudonyms_of
from fieldapp.db import get_session
from fieldapp.errors import Conflict, FieldAppError, Invalid, NotFound
from fieldapp.geo.filters import parse_args
from fieldapp.http import load
from fieldapp.i18n import _, _l
from fieldapp.projects import evaluation, queries, service
from fieldapp.projects.schemas import (
    CheckinSchema,
    CommentSchema,
    EvaluationArgsSchema,
    ProjectEditSchema,
    ProjectSchema,
)
from fieldapp.ui import ANNOTATION_WORDS, KIND_LABELS
from fieldapp.vocab import CO_PRODUCERS

bp = Blueprint("projects", __name__)
CELL_WORDS = {
    "professional_design_and_delivery": _l("Professional design and delivery"),
    "professional_design_community_delivery": _l("Professional design, community delivery"),
    "community_design_professional_delivery": _l("Community design, professional delivery"),
    "co_designed_and_co_delivered": _l("Co-designed and co-delivered"),
}
WELLBEING_WORDS = {
    "life_satisfaction": _l("How satisfied with life nowadays"),
    "worthwhile": _l("How worthwhile the things done in life feel"),
    "happiness": _l("How happy yesterday"),
    "anxiety": _l("How anxious yesterday (lower is better)"),
}
WHO_WORDS = {"community": _l("the community"), "professionals": _l("professionals"), "both": _l("both together")}


def _reasons(exc: FieldAppError) -> str:
    return "; ".join(f"{d['path']}: {d['message']}" for d in exc.details) or exc.message


@bp.get("/projects")
def project_list():
    user = current_user()
    projects = queries.list_projects(get_session())
    cells: dict[str, list[dict[str, Any]]] = {cell: [] for cell in CELL_WORDS}
    for project in projects:
        cells[project["cell"]].append(project)
    may_start = user is not None and may_create_project(viewer_of(user))
    return render_template(
        "projects/list.html",
        cells=cells,
        cell_words=CELL_WORDS,
        who=WHO_WORDS,
        may_start=may_start,
        total=len(projects),
    )


def _new_form(values: dict[str, Any], error: str | None = None, status: int = 200):
    user = require_user()
    session = get_session()
    datasets = session.execute(
        text("SELECT slug, title FROM dataset WHERE id = ANY(:ids) ORDER BY title"),
        {"ids": sorted(_stewarded(session, user))},
    ).all()
    groups = groups_of(session, user.contributor_id)
    context = {"values": values, "error": error, "datasets": datasets, "groups": groups, "who": WHO_WORDS}
    return render_template("projects/new.html", producers=CO_PRODUCERS, **context), status


def _stewarded(session, user) -> set[int]:
    """The datasets a user may add to a project: those they steward (staff: all)."""
    viewer = viewer_of(user)
    if is_privileged(viewer):
        return set(session.scalars(text("SELECT id FROM dataset")))
    return stewarded_dataset_ids(session, viewer)


@bp.get("/projects/new")
def new_project():
    return _new_form({})


@bp.post("/projects/new")
def create_project():
    user = require_user()
    form = request.form
    values: dict[str, Any] = {name: form.get(name, "") for name in ("slug", "title", "purpose", "draft_protocol")}
    values |= {"designed_by": form.get("designed_by"), "delivered_by": form.get("delivered_by")}
    values["datasets"] = form.getlist("datasets")
    if form.get("steward_id"):
        values["steward_id"] = form["steward_id"]
    session = get_session()
    try:
        project = service.create_project(session, user, load(ProjectSchema(), values))
    except Invalid as exc:
        session.rollback()
        return _new_form(form.to_dict(), _("The project was not created: %(reasons)s", reasons=_reasons(exc)), 422)
    session.commit()
    flash(_("Your project is started: invite its partners and draft its protocol together."))
    return redirect(url_for("projects.project_page", slug=project.slug))


def _page(slug: str, error: str | None = None, status: int = 200):
    session = get_session()
    project = queries.get_project(session, slug)
    if project is None:
        raise NotFound(_("No project %(slug)s.", slug=repr(slug)))
    user = current_user()
    viewer = viewer_of(user)
    credits = (pseudonyms_of(session, user.id) + groups_of(session, user.contributor_id)) if user else []
    partners = session.execute(
        text("SELECT id, display_name FROM contributor WHERE kind = 'group' AND owner_user_id IS NULL ORDER BY 2")
    ).all()
    context = {
        "project": project,
        "cell_words": CELL_WORDS,
        "who": WHO_WORDS,
        "error": error,
        "may_comment": may_discuss(viewer),
        "may_steward": stewards_project(session, viewer, project["id"]),
        "credits": credits,
        "partner_choices": partners,
        "user": user,
        "wellbeing_due": user is not None and _wellbeing_due(session, user, project["id"], slug),
    }
    return render_template("projects/project.html", **context), status


def _wellbeing_due(session, user, project_id: int, slug: str) -> bool:
    """Ask someone taking part (a record of theirs in the project's datasets) for an optional check-in when
    they have none yet or their latest is WELLBEING_INTERVAL_DAYS old; not again in that interval once they
    said "not now" (kept in their own session cookie, nothing stored about them)."""
    later = cookie.get("wellbeing_later", {}).get(slug)
    if isinstance(later, str) and later > date.today().isoformat():
        return False
    if user.contributor_id is None:
        return False
    sql = """
        SELECT EXISTS (SELECT 1 FROM observation o
                        WHERE o.contributor_id = :contributor
                          AND o.dataset_id IN (SELECT dataset_id FROM project_dataset WHERE project_id = :project))
           AND coalesce((SELECT max(at) FROM wellbeing_checkin WHERE project_id = :project AND user_id = :user)
                        <= now() - make_interval(days => :days), true)
    """
    params = {
        "contributor": user.contributor_id,
        "project": project_id,
        "user": user.id,
        "days": rules.WELLBEING_INTERVAL_DAYS,
    }
    return bool(session.scalar(text(sql), params))


@bp.get("/projects/<slug>")
def project_page(slug: str):
    return _page(slug)


def _act(slug: str, what: str, act) -> Any:
    session = get_session()
    try:
        act(session, service.find(session, slug))
    except (Invalid, Conflict) as exc:
        session.rollback()
        return _page(slug, _("%(what)s was not saved: %(reasons)s", what=what, reasons=_reasons(exc)), exc.status)
    session.commit()
    return redirect(url_for("projects.project_page", slug=slug) + "#protocol")


@bp.post("/projects/<slug>/comment")
def comment(slug: str):
    user = require_user()
    form = request.form
    values: dict[str, Any] = {"body": form.get("body", ""), "proposed_text": form.get("proposed_text") or None}
    if form.get("contributor_id"):
        values["contributor_id"] = form["contributor_id"]
    return _act(slug, _("Your comment"), lambda s, p: service.comment(s, user, p, load(CommentSchema(), values)))


@bp.post("/projects/<slug>/draft")
def save_draft(slug: str):
    user = require_user()
    values = {"draft_protocol": request.form.get("draft_protocol", "")}
    return _act(slug, _("The draft"), lambda s, p: service.edit_project(s, user, p, load(ProjectEditSchema(), values)))


@bp.post("/projects/<slug>/publish")
def publish(slug: str):
    user = require_user()
    return _act(slug, _("The new version"), lambda s, p: service.publish(s, user, p, None))


@bp.post("/projects/<slug>/partners")
def add_partner(slug: str):
    user = require_user()
    form = request.form

    def add(session, project):
        current = queries.get_project(session, slug) or {"partners": []}
        partners = [{"contributor_id": p["id"], "role": p["role"]} for p in current["partners"]]
        partners.append({"contributor_id": form.get("contributor_id", ""), "role": form.get("role", "")})
        service.edit_project(session, user, project, load(ProjectEditSchema(), {"partners": partners}))

    return _act(slug, _("The partner"), add)


@bp.post("/projects/<slug>/wellbeing/later")
def wellbeing_later(slug: str):
    """ "Not now" to the check-in prompt: not asked again on this project for WELLBEING_INTERVAL_DAYS."""
    require_user()
    service.find(get_session(), slug)
    later = dict(cookie.get("wellbeing_later", {}))
    later[slug] = (date.today() + timedelta(days=rules.WELLBEING_INTERVAL_DAYS)).isoformat()
    cookie["wellbeing_later"] = later
    flash(_("No check-in for now: you will not be asked again for %(days)s days.", days=rules.WELLBEING_INTERVAL_DAYS))
    return redirect(url_for("projects.project_page", slug=slug))


@bp.post("/projects/<slug>/wellbeing")
def check_in(slug: str):
    user = require_user()
    values = {q: rules.form_integer(request.form.get(q, "").strip()) for q in rules.WELLBEING_QUESTIONS}

    def answer(session, project):
        service.check_in(session, user, project, load(CheckinSchema(), values))
        flash(_("Thank you: your answers count only in aggregates of five people or more, never on their own."))

    return _act(slug, _("Your check-in"), answer)


@bp.get("/projects/<slug>/evaluation")
def evaluation_page(slug: str):
    session = get_session()
    project = queries.get_project(session, slug)
    if project is None:
        raise NotFound(_("No project %(slug)s.", slug=repr(slug)))
    year = parse_args(EvaluationArgsSchema(), request.args).get("year")
    figures = evaluation.evaluation(session, current_viewer(), project["id"], year)
    return render_template(
        "projects/evaluation.html",
        project=project,
        figures=figures,
        kinds=KIND_LABELS,
        year=year,
        years=[] if year else evaluation.report_years(figures["by_month"]),
        today=date.today(),
        questions=WELLBEING_WORDS,
        annotation_words={k: v.many for k, v in ANNOTATION_WORDS.items()},
    )
