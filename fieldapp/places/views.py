"""Place pages and the maps' labels: the gazetteer as the public sees it, one place as the viewer may see it,
its names reviewed (annotated) like names of subjects."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from fieldapp.accounts.auth import current_user, current_viewer, require_user
from fieldapp.annotations import service as annotation_service
from fieldapp.annotations.schemas import NameAnnotationSchema
from fieldapp.contributors.queries import groups_of, pseudonyms_of
from fieldapp.db import get_session
from fieldapp.errors import FieldAppError, NotFound
from fieldapp.http import load
from fieldapp.i18n import _
from fieldapp.observations.mine import recordable_datasets
from fieldapp.places import queries, service
from fieldapp.places.schemas import FORM_NAME_ROWS, PlaceInputSchema, feature_from_form, form_field
from fieldapp.subjects.schemas import NAME_LANGUAGES
from fieldapp.ui import NAME_ANNOTATION_CHOICES

bp = Blueprint("places", __name__)
_annotation_schema = NameAnnotationSchema()
_place_schema = PlaceInputSchema()


@bp.get("/places/labels.geojson")
def labels():
    """The public places' names as points for every map's base layer (shared caches and phones keep it)."""
    body = queries.label_points(get_session())
    return Response(body, mimetype="application/geo+json", headers={"Cache-Control": "public, max-age=300"})


@bp.get("/places")
def places_page():
    query = request.args.get("q", "").strip()[:200]
    body = queries.list_places(get_session(), current_viewer(), {"q": query} if query else {}, 500)
    return render_template("places/index.html", query=query, places=json.loads(body)["features"])


def _new_place_form(form: dict[str, str], errors: dict[str, str], status: int = 200):
    session, user = get_session(), require_user()
    context = {
        "form": form,
        "errors": errors,
        "rows": range(FORM_NAME_ROWS),
        "datasets": recordable_datasets(session, current_viewer()),
        "languages": NAME_LANGUAGES,
        "credit_groups": pseudonyms_of(session, user.id) + groups_of(session, user.contributor_id),
        "field_labels": {
            "geometry": _("The place on the map"),
            "kind": _("What it is"),
            "name": _("The name"),
            "language": _("Language"),
            "community": _("Used by"),
            "dataset": _("Dataset"),
            "visibility": _("Who may see where it is"),
            "contributor": _("Credit as"),
            "(body)": _("The place"),
        },
        "map_words": {
            "none": _("Nothing drawn yet: choose a tool on the map (a point, a line or an area)."),
            "point": _("A point is drawn."),
            "line": _("A line with %(n)s points is drawn."),
            "area": _("An area with %(n)s points is drawn."),
        },
    }
    return render_template("places/new.html", **context), status


@bp.get("/places/new")
def new_place():
    if current_user() is None:
        return redirect(url_for("accounts.login", next=request.path))
    return _new_place_form({}, {})


@bp.post("/places/new")
def create_place():
    """Name a new place from the page: the API's Feature and rules (PlaceInputSchema, service.create_place)."""
    user = require_user()
    session = get_session()
    try:
        place = service.create_place(session, user, load(_place_schema, feature_from_form(request.form)))
    except FieldAppError as exc:
        session.rollback()
        details = getattr(exc, "details", None) or [{"path": "(body)", "message": exc.message}]
        errors: dict[str, str] = {}
        for detail in details:
            errors.setdefault(form_field(detail["path"]), detail["message"])
        return _new_place_form(request.form.to_dict(), errors, 403 if exc.status == 403 else 422)
    session.commit()
    flash(_("Thank you: the place is named, credited to you."))
    return redirect(url_for("places.place_page", place_id=place.id))


@bp.get("/places/<int:place_id>")
def place_page(place_id: int, status: int = 200):
    session, viewer = get_session(), current_viewer()
    body = queries.place_feature(session, viewer, place_id)
    names = queries.place_names(session, viewer, place_id) if body is not None else None
    if body is None or names is None:
        raise NotFound(_("No place %(id)s for you.", id=place_id))
    user = current_user()
    context: dict[str, Any] = {
        "place": json.loads(body),
        "names": names,
        "annotation_choices": NAME_ANNOTATION_CHOICES,
        "credit_groups": (pseudonyms_of(session, user.id) + groups_of(session, user.contributor_id)) if user else [],
    }
    return render_template("places/place.html", **context), status


@bp.post("/places/<int:place_id>/names/<int:place_name_id>/annotate")
def annotate_place_name(place_id: int, place_name_id: int):
    user = require_user()
    session = get_session()
    form = {k: request.form[k] for k in ("kind", "body", "contributor_id") if request.form.get(k, "") != ""}
    try:
        values = load(_annotation_schema, form)
        annotation_service.add_place_name_annotation(session, user, place_id, place_name_id, values)
    except NotFound:
        raise
    except FieldAppError as exc:
        session.rollback()
        details = getattr(exc, "details", None) or []
        reasons = "; ".join(f"{d['path']}: {d['message']}" for d in details) or exc.message
        flash(_("%(what)s was not saved: %(reasons)s", what=_("Your annotation"), reasons=reasons))
        return place_page(place_id, status=exc.status)
    session.commit()
    flash(_("Thank you: your annotation is on the name."))
    return redirect(url_for("places.place_page", place_id=place_id) + f"#name-{place_name_id}")
