"""JSON API for consent: a facilitator records how someone gave consent."""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import text

from fieldapp.accounts.auth import require_user
from fieldapp.consent.schemas import FacilitatedConsentReadSchema, FacilitatedConsentSchema
from fieldapp.consent.service import record_facilitated
from fieldapp.db import get_session
from fieldapp.errors import NotFound
from fieldapp.http import json_text_response, load, read_json
from fieldapp.openapi import JSON, WRITE, answer, operation

bp = Blueprint("consent_api", __name__)


@bp.post("/consents/facilitated")
@operation(
    "recordFacilitatedConsent",
    "consent",
    "Record how a person you record for gave consent to the current terms (stewards and park staff)",
    security=WRITE,
    body={JSON: FacilitatedConsentSchema},
    answers={201: answer("Recorded.", FacilitatedConsentReadSchema)},
    errors=(400, 401, 403, 404, 413, 422),
)
def post_facilitated():
    user = require_user()
    values = load(FacilitatedConsentSchema(), read_json())
    session = get_session()
    dataset_id = session.scalar(text("SELECT id FROM dataset WHERE slug = :s"), {"s": values["dataset"]})
    if dataset_id is None:
        raise NotFound(f"No dataset {values['dataset']!r}.")
    consent = record_facilitated(session, user, values | {"dataset_id": dataset_id})
    session.commit()
    body = {
        "id": consent.id,
        "person": consent.person_name,
        "way": consent.way,
        "version": consent.version,
        "recorded_by": user.contributor.display_name,
        "at": consent.at,
    }
    return json_text_response(FacilitatedConsentReadSchema().dumps(body), status=201)
