"""Annotation forms on the record page: anyone signed in annotates; the record's managers respond."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, request, url_for

from fieldapp import rules
from fieldapp.accounts.auth import require_user
from fieldapp.annotations import service
from fieldapp.annotations.schemas import AnnotationSchema, ResponseSchema
from fieldapp.db import get_session
from fieldapp.errors import Invalid
from fieldapp.http import load, parse_uuid
from fieldapp.i18n import _

bp = Blueprint("annotations", __name__)
_schema = AnnotationSchema()
_response_schema = ResponseSchema()


def proposal_from_form(form) -> dict[str, Any] | None:
    """The proposed value of a correction, from the few plain inputs the form offers."""
    field = form.get("field")
    if field == "subject":
        return {"subject_text": form.get("proposed_subject", "").strip()}
    if field == "date":
        return {"observed_start": form.get("proposed_date", "").strip(), "time_precision": "day"}
    if field == "quantity":
        raw = form.get("proposed_count", "").strip()
        return {"count": rules.form_integer(raw)}
    if field == "place":
        point = [rules.form_decimal(form.get(name, "").strip()) for name in ("proposed_lon", "proposed_lat")]
        # Anything but two plain numbers is no position: the schema refuses it, naming the geometry.
        coordinates = point if all(isinstance(n, float) for n in point) else None
        return {"geometry": {"type": "Point", "coordinates": coordinates}}
    return None


def _reasons(exc: Invalid) -> str:
    return "; ".join(f"{d['path']}: {d['message']}" for d in exc.details) or exc.message


def _back(observation_id: str):
    return redirect(url_for("observations.observation_page", observation_id=observation_id) + "#annotations")


def _refused(observation_id: str, what: str, exc: Invalid):
    """A refused form: the record page again, as a 422, saying which field is wrong (nothing was written)."""
    flash(_("%(what)s was not saved: %(reasons)s", what=what, reasons=_reasons(exc)))
    # The record page is the observations blueprint's; it is composed here by its endpoint, not imported.
    page = current_app.view_functions["observations.observation_page"](observation_id)
    return page, 422


@bp.post("/observations/<observation_id>/annotate")
def annotate(observation_id: str):
    user = require_user()
    kind = request.form.get("kind", "")
    body: dict[str, Any] = {"kind": kind, "body": request.form.get("body", "")}
    if kind == "correction":
        body |= {"field": request.form.get("field") or None, "proposed_value": proposal_from_form(request.form)}
    if request.form.get("contributor_id"):
        body["contributor_id"] = request.form["contributor_id"]
    session = get_session()
    try:
        service.add_annotation(session, user, parse_uuid(observation_id), load(_schema, body))
    except Invalid as exc:
        session.rollback()
        return _refused(observation_id, _("Your annotation"), exc)
    session.commit()
    flash(_("Thank you: your annotation is on the record."))
    return _back(observation_id)


@bp.post("/observations/<observation_id>/annotations/<int:annotation_id>/respond")
def respond(observation_id: str, annotation_id: int):
    user = require_user()
    session = get_session()
    try:
        values = load(
            _response_schema, {"action": request.form.get("action", ""), "response": request.form.get("response", "")}
        )
        service.respond(session, user, parse_uuid(observation_id), annotation_id, values["action"], values["response"])
    except Invalid as exc:
        session.rollback()
        return _refused(observation_id, _("Your answer"), exc)
    session.commit()
    flash(
        _("The correction was applied to the record.") if values["action"] == "accept" else _("Your answer is saved.")
    )
    return _back(observation_id)
