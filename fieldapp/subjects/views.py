"""Subject pages: search every name in every language, a subject's names (add, review, prefer); suggestions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from sqlalchemy import text

from fieldapp.access import is_privileged, stewarded_dataset_ids
from fieldapp.accounts.auth import current_user, current_viewer, require_user
from fieldapp.annotations import service as annotation_service
from fieldapp.annotations.schemas import NameAnnotationSchema
from fieldapp.contributors.queries import groups_of, pseudonyms_of
from fieldapp.db import get_session
from fieldapp.errors import FieldAppError, Invalid, NotFound
from fieldapp.http import load
from fieldapp.i18n import _, _l
from fieldapp.subjects import queries, service
from fieldapp.subjects.queries import NAME_SORTS, subject_suggestions
from fieldapp.subjects.schemas import NAME_LANGUAGES, NameSchema, PreferSchema
from fieldapp.ui import NAME_ANNOTATION_CHOICES

bp = Blueprint("subjects", __name__)
_name_schema = NameSchema()
_annotation_schema = NameAnnotationSchema()
_prefer_schema = PreferSchema()
SORT_LABELS = {
    "name": _l("Name (A to Z)"),
    "language": _l("Language"),
    "recent": _l("Newest first"),
    "corroborated": _l("Most corroborated"),
}
KIND_LABELS = {"taxon": _l("taxon"), "habitat": _l("habitat"), "other": _l("other")}


@bp.get("/record/subjects.json")
def subjects_json():
    body = subject_suggestions(get_session())
    return Response(body, mimetype="application/json", headers={"Cache-Control": "no-cache"})


@bp.get("/subjects")
def subjects_page():
    query = request.args.get("q", "").strip()[:200]
    session = get_session()
    found = queries.search_subjects(session, query) if query else None
    return render_template(
        "subjects/index.html", query=query, found=found, subjects=queries.subject_choices(session) if not query else []
    )


def _steward_choices(session, viewer) -> list[Any]:
    """The datasets whose preferred names this viewer may choose."""
    if viewer.is_anonymous:
        return []
    if is_privileged(viewer):
        return list(session.execute(text("SELECT slug, title FROM dataset ORDER BY title")))
    ids = sorted(stewarded_dataset_ids(session, viewer))
    return list(
        session.execute(text("SELECT slug, title FROM dataset WHERE id = ANY(:ids) ORDER BY title"), {"ids": ids})
    )


@bp.get("/subjects/<int:subject_id>")
def subject_page(subject_id: int, status: int = 200):
    sort = request.args.get("sort", "name")
    sort = sort if sort in NAME_SORTS else "name"
    session = get_session()
    detail = queries.subject_detail(session, subject_id, sort)
    if detail is None:
        raise NotFound(_("No subject %(id)s.", id=subject_id))
    user = current_user()
    context = {
        "subject": detail,
        "sort": sort,
        "sort_labels": SORT_LABELS,
        "kinds": KIND_LABELS,
        "languages": NAME_LANGUAGES,
        "annotation_choices": NAME_ANNOTATION_CHOICES,
        "credit_groups": (pseudonyms_of(session, user.id) + groups_of(session, user.contributor_id)) if user else [],
        "steward_datasets": _steward_choices(session, current_viewer()),
    }
    return render_template("subjects/subject.html", **context), status


def _back(subject_id: int, anchor: str = "names"):
    return redirect(url_for("subjects.subject_page", subject_id=subject_id) + f"#{anchor}")


def _refused(subject_id: int, what: str, exc: FieldAppError):
    """A refused form: the subject page again with a 4xx, saying which field is wrong (nothing was written)."""
    details = getattr(exc, "details", None) or []
    reasons = "; ".join(f"{d['path']}: {d['message']}" for d in details) or exc.message
    flash(_("%(what)s was not saved: %(reasons)s", what=what, reasons=reasons))
    return subject_page(subject_id, status=exc.status)


def _form_values(names: tuple[str, ...]) -> dict[str, Any]:
    """The named fields of the form that were given (an empty credit means the account's own)."""
    return {name: request.form[name] for name in names if request.form.get(name, "") != ""}


@bp.post("/subjects/<int:subject_id>/names")
def add_name(subject_id: int):
    user = require_user()
    session = get_session()
    try:
        values = load(_name_schema, _form_values(("name", "language", "community", "contributor_id")))
        service.add_name(session, user, subject_id, values)
    except NotFound:
        raise
    except FieldAppError as exc:
        session.rollback()
        return _refused(subject_id, _("The name"), exc)
    session.commit()
    flash(_("Thank you: the name is added, credited to you."))
    return _back(subject_id)


@bp.post("/names/<int:name_id>/annotate")
def annotate_name(name_id: int):
    user = require_user()
    session = get_session()
    name = service.find_name(session, name_id)
    try:
        values = load(_annotation_schema, _form_values(("kind", "body", "contributor_id")))
        annotation_service.add_name_annotation(session, user, name_id, values)
    except Invalid as exc:
        session.rollback()
        return _refused(name.subject_id, _("Your annotation"), exc)
    session.commit()
    flash(_("Thank you: your annotation is on the name."))
    return _back(name.subject_id, f"name-{name_id}")


@bp.post("/names/<int:name_id>/prefer")
def prefer_name(name_id: int):
    user = require_user()
    session = get_session()
    name = service.find_name(session, name_id)
    try:
        values = load(_prefer_schema, _form_values(("dataset",)))
        service.prefer_name(session, user, name_id, values["dataset"])
    except FieldAppError as exc:
        session.rollback()
        return _refused(name.subject_id, _("The preferred name"), exc)
    session.commit()
    flash(_("The dataset's preferred name is saved."))
    return _back(name.subject_id, f"name-{name_id}")


@bp.get("/names/<int:name_id>")
def name_page(name_id: int):
    name = service.find_name(get_session(), name_id)
    return _back(name.subject_id, f"name-{name_id}")
