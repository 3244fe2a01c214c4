"""Pages for observations: phone-first recording (works offline), one record's page, edit and delete."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_wtf.csrf import generate_csrf

from fieldapp import geodata, rules
from fieldapp.access import may_manage, may_see_record
from fieldapp.accounts.auth import current_user, current_viewer, require_user
from fieldapp.accounts.service import set_usual_dataset
from fieldapp.annotations import queries as annotation_queries
from fieldapp.config import current_settings
from fieldapp.consent.schemas import FACILITATED_WAYS
from fieldapp.consent.service import current_terms
from fieldapp.contributors.attribution import acting_credit
from fieldapp.contributors.models import Contributor
from fieldapp.contributors.queries import groups_of, pseudonyms_of
from fieldapp.datasets.queries import get_agreement_json
from fieldapp.db import get_session
from fieldapp.errors import FieldAppError, NotFound
from fieldapp.forms.queries import labelled_values
from fieldapp.http import load, parse_uuid
from fieldapp.i18n import _
from fieldapp.observations import abundance, media, mine, recording, service, wording
from fieldapp.observations.schemas import FeaturePatchSchema
from fieldapp.observations.seen import seen_feature
from fieldapp.subjects.queries import subject_names
from fieldapp.ui import generalised_style, kind_style
from fieldapp.vocab import CONFIDENCES, LICENCES, TK_LABELS, TRENDS, VISIBILITIES

bp = Blueprint("observations", __name__)

EDITABLE = ("subject_text", "occurrence_status", "count", "trend", "confidence", "notes", "visibility", "licence")
_patch_schema = FeaturePatchSchema()


@bp.get("/record")
def record():
    return _record_page("point")


@bp.get("/record/area")
def record_area():
    """Areas and lines: the places people know, drawn on the map."""
    return _record_page("area")


def _record_page(mode: str):
    user = current_user()
    if user is None:
        return redirect(url_for("accounts.login", next=request.path))
    choices = recording.form_choices(get_session(), user, current_settings().generalise_m)
    response = Response(
        render_template(
            "observations/record.html",
            mode=mode,
            choices=choices,
            user=user,
            abundance_help=abundance.help_words(),
            # The server's own rules for scale values, so the phone refuses what the server would.
            scale_rules=abundance.page_rules(),
            park_bounds=geodata.park_bounds(),
            far_km=geodata.FAR_FROM_PARK_KM,
            confidences=CONFIDENCES,
            trends=TRENDS,
            visibilities=VISIBILITIES,
            licences=LICENCES,
            camera_zone=media.CAMERA_ZONE,
            # A facilitator says how the person they record for gave consent, once the park has terms.
            consent_ways=FACILITATED_WAYS if current_terms(get_session()) is not None else (),
        )
    )
    # The service worker keeps its own copy for offline use; browsers must not serve a stale one online.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/record/usual-dataset", methods=["GET", "POST"])
def usual_dataset():
    """The dataset the user chooses once: the form starts on it until they have recorded elsewhere."""
    user = require_user()
    session = get_session()
    choices = recording.form_choices(session, user, current_settings().generalise_m)
    if request.method == "POST":
        chosen = [d["id"] for d in choices["datasets"] if d["slug"] == request.form.get("dataset", "")]
        if chosen:
            set_usual_dataset(session, user, chosen[0])
            session.commit()
            # Said here, not on /record: the service worker keeps a copy of that page for offline use.
            flash(_("Your usual dataset is saved: the recording form starts on it."))
            return redirect(url_for("observations.usual_dataset"))
    return render_template("observations/usual_dataset.html", choices=choices, user=user)


@bp.get("/record/context.json")
def record_context():
    """What the outbox needs before sending: is someone signed in, and a fresh CSRF token."""
    user = current_user()
    body = {
        "signed_in": user is not None,
        "csrf_token": generate_csrf(),
        "user": None if user is None else {"id": user.id, "display_name": user.contributor.display_name},
    }
    return Response(json.dumps(body), mimetype="application/json", headers={"Cache-Control": "no-store"})


@bp.get("/media/<media_id>/<variant>.jpg")
def media_file(media_id: str, variant: str):
    if variant not in ("public", "thumb"):
        raise NotFound(_("Photos are served as public.jpg or thumb.jpg."))
    settings = current_app.extensions["fieldapp.settings"]
    path, shareable = media.public_file(
        get_session(), settings.media_dir, current_viewer(), parse_uuid(media_id, "photo"), variant
    )
    if settings.media_accel_prefix:  # nginx sends the file (deploy/nginx.conf), with the headers set here
        relative = path.relative_to(settings.media_dir).as_posix()
        response = Response(mimetype="image/jpeg")
        response.headers["X-Accel-Redirect"] = settings.media_accel_prefix + quote(relative)
        response.cache_control.public = True
        response.cache_control.max_age = 86400 if shareable else 0
    else:
        response = send_file(path, mimetype="image/jpeg", max_age=86400 if shareable else 0, conditional=True)
    if not shareable:
        response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/observations/<observation_id>")
def observation_page(observation_id: str):
    session, viewer = get_session(), current_viewer()
    oid = parse_uuid(observation_id)
    feature_text = seen_feature(session, viewer, oid, "record page")
    if feature_text is None:
        raise NotFound(_("No observation %(id)s.", id=observation_id))
    feature = json.loads(feature_text)
    facts = recording.record_facts(session, oid)
    manage = may_manage(session, viewer, facts)
    props = feature["properties"]
    user = current_user()
    # Private records' annotations are for those who may see the record (the API asks the same).
    reviewable = may_see_record(session, viewer, facts)
    return render_template(
        "observations/detail.html",
        feature=feature,
        p=props,
        manage=manage,
        reviewable=reviewable,
        annotations=annotation_queries.record_annotations(session, viewer, oid) if reviewable else [],
        # Whoever holds the record under a pseudonym or a group annotates it under that credit by default.
        acting_name=_acting_name(session, user, facts.contributor_id),
        tally=annotation_queries.tally_sentence(props.get("annotations") or {}),
        # Annotations may be credited to the user's pseudonyms and groups as well as their own name.
        credit_groups=(pseudonyms_of(session, user.id) + groups_of(session, user.contributor_id)) if user else [],
        names=subject_names(session, props.get("subject_id")),
        photos=media.photos_of(session, oid),
        time=wording.describe_time(session, oid),
        history=recording.safe_history(session, viewer, oid, manage),
        geometry_json=json.dumps(feature.get("geometry")),
        map_style=json.dumps(_map_style(props)),
        agreement=json.loads(get_agreement_json(session, props["dataset"]) or "null"),
        tk_labels=TK_LABELS,
        # The gate already left out sensitive values this viewer may not see.
        form_values=labelled_values(session, oid, props.get("fields")),
    )


def _acting_name(session, user, credited_id: int | None) -> str | None:
    if user is None:
        return None
    return session.get(Contributor, acting_credit(session, user.contributor_id, user.id, credited_id)).display_name


def _map_style(props: dict) -> dict[str, object]:
    """The shared map's style for the record's kind; a generalised cell is drawn as one."""
    shown_as_cell = props["visibility"] == "generalised" and not props["location_precise"]
    return (generalised_style if shown_as_cell else kind_style)(props["knowledge_kind"])


@bp.route("/observations/<observation_id>/edit", methods=["GET", "POST"])
def edit_observation(observation_id: str):
    user = require_user()
    session, oid = get_session(), parse_uuid(observation_id)
    observation = service.load_for_change(session, user, oid)
    errors: dict[str, str] = {}
    viewer = current_viewer()
    before = mine.where_and_when(session, viewer, oid)
    values = {name: getattr(observation, name) for name in EDITABLE} | _place_values(before)
    status = 200
    if request.method == "POST":
        values = {name: request.form.get(name, "").strip() for name in (*EDITABLE, *PLACE_AND_TIME)}
        try:
            patch = load(_patch_schema, _patch(values, _place_values(before)))
            service.update_observation(session, user, oid, patch)
            session.commit()
            return redirect(url_for(".observation_page", observation_id=oid))
        except FieldAppError as exc:
            session.rollback()
            errors = {d["path"].removeprefix("properties."): d["message"] for d in exc.details} or {
                "(body)": exc.message
            }
            status = exc.status
    datasets = mine.recordable_datasets(session, viewer)
    if not any(d["slug"] == before["dataset"] for d in datasets):
        datasets.insert(0, {"slug": before["dataset"], "title": before["dataset"]})
    return render_template(
        "observations/edit.html",
        oid=oid,
        values=values,
        errors=errors,
        confidences=CONFIDENCES,
        trends=TRENDS,
        visibilities=VISIBILITIES,
        licences=LICENCES,
        datasets=datasets,
    ), status


# Besides EDITABLE, the edit form moves a record to another dataset, place (a point) and time.
PLACE_AND_TIME = ("dataset", "observed_start", "longitude", "latitude")


def _place_values(before: dict) -> dict[str, str]:
    start = before["observed_start"]
    return {
        "dataset": before["dataset"],
        "observed_start": start.strftime("%Y-%m-%dT%H:%M") if start else "",
        "longitude": "" if before["longitude"] is None else str(before["longitude"]),
        "latitude": "" if before["latitude"] is None else str(before["latitude"]),
    }


def _patch(values: dict[str, str], before: dict[str, str]) -> dict[str, object]:
    """The form as a patch: its fields, and the dataset, time and point only where they changed."""
    props = _patch_properties({name: values[name] for name in EDITABLE})
    body: dict[str, object] = {"properties": props}
    if values["dataset"] and values["dataset"] != before["dataset"]:
        props["dataset"] = values["dataset"]
    if values["observed_start"] and values["observed_start"] != before["observed_start"]:
        props["observed_start"] = values["observed_start"]
    point = (values["longitude"], values["latitude"])
    if all(point) and point != (before["longitude"], before["latitude"]):
        body["geometry"] = {"type": "Point", "coordinates": [_degrees(v) for v in point]}
    return body


def _degrees(raw: str) -> float | str:
    """A form's decimal degrees as a number; anything else stays text, for the geometry's error."""
    return float(raw) if re.fullmatch(r"-?\d{1,3}(\.\d{1,12})?", raw) else raw


def _patch_properties(values: dict[str, str]) -> dict[str, object]:
    """Form strings to API properties: an empty optional field clears it; a non-number count is kept for the error."""
    props: dict[str, object] = {name: (value or None) for name, value in values.items()}
    for required in ("occurrence_status", "visibility", "licence", "subject_text"):
        if props[required] is None:
            props.pop(required)
    if values["count"]:
        props["count"] = rules.form_integer(values["count"])
    return props


@bp.get("/account/records")
def my_records():
    """What I recorded or entered: where it is (on the server since), its dataset, sharing and review."""
    user = current_user()
    if user is None:
        return redirect(url_for("accounts.login", next=request.path))
    records = mine.my_records(get_session(), current_viewer())
    return render_template("observations/mine.html", records=records, listed=mine.LISTED)


@bp.post("/observations/<observation_id>/delete")
def delete_observation(observation_id: str):
    user = require_user()
    session = get_session()
    service.delete_observation(session, user, parse_uuid(observation_id))
    session.commit()
    return redirect(url_for("observations.record"))
