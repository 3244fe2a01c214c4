"""HTML pages for datasets: the list, one dataset's facts, map, downloads and import form, and the
pages to create and edit one."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from fieldapp import ui
from fieldapp.access import (
    may_create_dataset,
    may_decide_grant,
    may_edit_dataset,
    may_manage_accounts,
    may_set_agreement,
)
from fieldapp.accounts.auth import current_viewer, require_user
from fieldapp.config import current_settings
from fieldapp.contributors.queries import groups_of
from fieldapp.datasets import editing, service
from fieldapp.datasets.grants import decide, request_access, requests_json
from fieldapp.datasets.models import Dataset
from fieldapp.datasets.queries import get_agreement_json, get_dataset_json, list_datasets
from fieldapp.datasets.schemas import (
    AccessDecisionSchema,
    AccessRequestSchema,
    AgreementSchema,
    DatasetEditSchema,
    DatasetSchema,
)
from fieldapp.db import get_session
from fieldapp.errors import FieldAppError, Forbidden, NotFound
from fieldapp.geodata import COASTLINE_CREDIT
from fieldapp.http import load
from fieldapp.i18n import _
from fieldapp.maps.pages import dataset_map
from fieldapp.transfer.offers import dataset_offers
from fieldapp.vocab import AGREEMENT_USES, AUDIENCES, LICENCE_URIS, LICENCES, TK_LABELS, VISIBILITIES

bp = Blueprint("datasets", __name__)
RECORDING_WORDS = ui.CODE_WORDS["recording"]


@bp.get("/datasets")
def dataset_list():
    return render_template(
        "datasets/list.html",
        datasets=list_datasets(get_session()),
        labels=ui.KIND_LABELS,
        colours=ui.KIND_COLOURS,
        may_create=may_create_dataset(current_viewer()),
    )


def _reasons(exc: FieldAppError) -> str:
    return "; ".join(f"{d['path']}: {d['message']}" for d in exc.details) or exc.message


def _form_page(values: dict[str, Any], slug: str | None = None, error: str | None = None, status: int = 200):
    user = require_user()
    session = get_session()
    viewer = current_viewer()
    named = [
        int(c) for c in (*values.get("steward_people", []), *values.get("recorder_people", [])) if str(c).isdigit()
    ]
    context = {
        "values": values,
        "slug": slug,
        "error": error,
        "kinds": ui.KIND_LABELS,
        "licences": LICENCES,
        "visibilities": VISIBILITIES,
        "recording_modes": RECORDING_WORDS,
        "groups": editing.all_groups(session),
        "own_groups": groups_of(session, user.contributor_id),
        "people": editing.people_choices(session, viewer, [c for c in named if c < 2**31]),
        "by_email": may_manage_accounts(viewer),
    }
    return render_template("datasets/form.html", **context), status


def _submitted(editing_: bool) -> dict[str, Any]:
    """The form's values: people chosen from the lists, and (park staff only) named by email."""
    values = editing.form_values(request.form, editing_)
    emailed = editing.emailed_people(get_session(), current_viewer(), request.form)
    values["stewards"] = [*values["stewards"], *emailed["stewards"]]
    values["recorders"] = [*values["recorders"], *emailed["recorders"]]
    return values


@bp.route("/datasets/new", methods=["GET", "POST"])
def new_dataset():
    """Create a dataset (stewards, staff, and members staff gave the right)."""
    user = require_user()
    if not may_create_dataset(current_viewer()):
        raise Forbidden(_("Only stewards and park staff create datasets; ask park staff for the right."))
    if request.method == "GET":
        return _form_page({"licence": "CC-BY-4.0", "default_visibility": "public", "recording": "open"})
    session = get_session()
    try:
        values = load(DatasetSchema(), _submitted(False))
        dataset = service.create_dataset(session, user, values, current_settings().generalise_floor_m)
    except FieldAppError as exc:
        session.rollback()
        refused = _("The dataset was not created: %(reasons)s", reasons=_reasons(exc))
        return _form_page(_echo(), None, refused, exc.status)
    session.commit()
    flash(_("The dataset is created: you steward it."))
    return redirect(url_for("datasets.dataset_detail", slug=dataset.slug), 303)


@bp.route("/datasets/<slug>/edit", methods=["GET", "POST"])
def edit_dataset(slug: str):
    """Edit a dataset: its stewards and park staff."""
    require_user()
    session = get_session()
    dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
    if dataset is None:
        raise NotFound(_("No dataset %(slug)s.", slug=repr(slug)))
    if not may_edit_dataset(session, current_viewer(), dataset.id):
        raise Forbidden(_("Only the dataset's stewards and park staff edit it."))
    if request.method == "GET":
        return _form_page(_current(dataset), slug)
    try:
        values = load(DatasetEditSchema(), _submitted(True))
        settings = current_settings()
        service.update_dataset(
            session, current_viewer(), slug, values, settings.generalise_floor_m, settings.regeneralise_inline_max
        )
    except FieldAppError as exc:
        session.rollback()
        return _form_page(_echo(), slug, _("Nothing was changed: %(reasons)s", reasons=_reasons(exc)), exc.status)
    session.commit()
    flash(_("The dataset is saved."))
    return redirect(url_for("datasets.dataset_detail", slug=slug), 303)


def _may_edit(session, slug: str) -> bool:
    viewer = current_viewer()
    if viewer.is_anonymous:
        return False
    dataset_id = session.scalar(select(Dataset.id).where(Dataset.slug == slug))
    return dataset_id is not None and may_edit_dataset(session, viewer, dataset_id)


def _echo() -> dict[str, Any]:
    """The submitted form, to show again with its problem (checkbox lists kept as lists)."""
    names = ("recording_groups", "steward_groups", "steward_people", "recorder_people")
    lists = {name: request.form.getlist(name) for name in names}
    return request.form.to_dict() | lists


def _current(dataset: Dataset) -> dict[str, Any]:
    session = get_session()
    people = service.dataset_people(session, dataset.id)
    groups = {g.id for g in editing.all_groups(session)}
    values = {name: getattr(dataset, name) for name in (*editing.TEXT_FIELDS, *editing.CHOICE_FIELDS)}
    values |= {
        "generalise_m": dataset.generalise_m or "",
        "force_generalised": dataset.force_generalised,
        "steward_id": dataset.steward_id,
        "recording_groups": dataset.recording_groups,
        "steward_groups": [c for c in people["stewards"] if c in groups],
        "steward_people": [c for c in people["stewards"] if c not in groups],
        "recorder_people": people["recorders"],
    }
    return values


@bp.get("/datasets/<slug>")
def dataset_detail(slug: str):
    session = get_session()
    body = get_dataset_json(session, slug)
    if body is None:
        raise NotFound(_("No dataset %(slug)s.", slug=repr(slug)))
    dataset = json.loads(body)
    return render_template(
        "datasets/detail.html",
        dataset=dataset,
        parts=dataset_map(session, dataset),
        label=str(ui.KIND_LABELS[dataset["knowledge_kind"]]),
        licence_uri=LICENCE_URIS.get(dataset["licence"]),
        legend_note=ui.LEGEND_NOTE,
        credit=COASTLINE_CREDIT,
        actions=dataset_offers(session, current_viewer(), slug),
        may_edit=_may_edit(session, slug),
        signed_in=not current_viewer().is_anonymous,
        tk_labels=TK_LABELS,
    )


# --- the terms its holders lend it on: the agreement, and access on request ------------------------


def _dataset_or_404(session, slug: str) -> Dataset:
    dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
    if dataset is None:
        raise NotFound(f"No dataset {slug!r}.")
    return dataset


def _agreement_values(form) -> dict[str, Any]:
    """The agreement form as AgreementSchema reads it: one checkbox and one text per label."""
    labels = [
        {"label": code, "text": form.get(f"text_{code}", "").strip()} for code in TK_LABELS if form.get(f"label_{code}")
    ]
    return {
        "purpose": form.get("purpose", "").strip(),
        "uses": form.getlist("uses"),
        "commercial": form.get("commercial") == "yes",
        "audience": form.get("audience", "everyone"),
        "audience_groups": form.getlist("audience_groups") if form.get("audience") == "groups" else [],
        "embargo_until": form.get("embargo_until") or None,
        "review_on": form.get("review_on") or None,
        "labels": labels,
    }


def _agreement_page(slug: str, dataset: Dataset, values: dict[str, Any], error: str | None = None, status=200):
    return render_template(
        "datasets/agreement_form.html",
        dataset=dataset,
        values=values,
        error=error,
        uses=AGREEMENT_USES,
        audiences=AUDIENCES,
        tk_labels=TK_LABELS,
        groups=editing.all_groups(get_session()),
        chosen={item["label"]: item.get("text", "") for item in values.get("labels") or []},
    ), status


@bp.route("/datasets/<slug>/agreement/edit", methods=["GET", "POST"])
def edit_agreement(slug: str):
    """Attach or change the dataset's data agreement: its stewards and park staff."""
    user = require_user()
    session = get_session()
    dataset = _dataset_or_404(session, slug)
    if not may_set_agreement(session, current_viewer(), dataset.id):
        raise Forbidden(_("Only the dataset's stewards and park staff set its agreement."))
    if request.method == "GET":
        stored = json.loads(get_agreement_json(session, slug) or "null") or {}
        return _agreement_page(slug, dataset, stored)
    values = _agreement_values(request.form)
    try:
        service.set_agreement(session, user, slug, load(AgreementSchema(), values))
    except FieldAppError as exc:
        session.rollback()
        return _agreement_page(slug, dataset, values, _("Nothing was changed: %(why)s", why=_reasons(exc)), exc.status)
    session.commit()
    flash(_("The agreement is saved: every output follows it from now."))
    return redirect(url_for("datasets.dataset_detail", slug=slug), 303)


def _access_page(slug: str, error: str | None = None, status: int = 200):
    user = require_user()
    session = get_session()
    dataset = _dataset_or_404(session, slug)
    return render_template(
        "datasets/access.html",
        dataset=dataset,
        requests=requests_json(session, user, slug),
        decides=may_decide_grant(session, current_viewer(), dataset.id),
        error=error,
        purpose=request.form.get("purpose", "") if request.method == "POST" else "",
    ), status


@bp.get("/datasets/<slug>/access")
def access_requests(slug: str):
    """Ask for precise access (anyone signed in) and, for its stewards, every request to decide."""
    return _access_page(slug)


@bp.post("/datasets/<slug>/access")
def ask_for_access(slug: str):
    user = require_user()
    session = get_session()
    try:
        values = load(AccessRequestSchema(), {"purpose": request.form.get("purpose", "").strip()})
        request_access(session, user, slug, values["purpose"])
    except FieldAppError as exc:
        session.rollback()
        return _access_page(slug, _("Not asked: %(why)s", why=_reasons(exc)), exc.status)
    session.commit()
    flash(_("Your request is sent to the dataset's stewards."))
    return redirect(url_for("datasets.access_requests", slug=slug), 303)


@bp.post("/datasets/<slug>/access/<int:request_id>")
def decide_access(slug: str, request_id: int):
    user = require_user()
    session = get_session()
    body = {"decision": request.form.get("decision", ""), "until": request.form.get("until") or None}
    try:
        values = load(AccessDecisionSchema(), body)
        decide(session, user, slug, request_id, values["decision"], values["until"])
    except FieldAppError as exc:
        session.rollback()
        if exc.status in (403, 404):
            raise
        return _access_page(slug, _("Not decided: %(why)s", why=_reasons(exc)), exc.status)
    session.commit()
    flash(_("The request is granted.") if values["decision"] == "grant" else _("The request is refused."))
    return redirect(url_for("datasets.access_requests", slug=slug), 303)
