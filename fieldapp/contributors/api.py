"""JSON API for contributors: a user's own pseudonyms."""

from __future__ import annotations

import json

from flask import Blueprint, Response, url_for

from fieldapp.accounts.auth import require_user
from fieldapp.contributors.schemas import PseudonymReadSchema, PseudonymSchema
from fieldapp.contributors.service import create_pseudonym
from fieldapp.db import get_session
from fieldapp.http import load, read_json
from fieldapp.openapi import JSON, WRITE, answer, operation

bp = Blueprint("contributors_api", __name__)
_pseudonym_schema = PseudonymSchema()


@bp.post("/contributors/pseudonyms")
@operation(
    "createPseudonym",
    "contributors",
    "Create (or find) one of your own pseudonyms",
    description="A person-contributor owned by the signed-in account, which it may credit "
    "records and annotations to. Idempotent on the name (case-insensitive): the same name "
    "again answers 200 with the same id. Its page never shows the account behind it.",
    security=WRITE,
    body={JSON: PseudonymSchema},
    answers={
        200: answer("You already had a pseudonym of this name.", PseudonymReadSchema),
        201: answer("Created.", PseudonymReadSchema, location="The pseudonym's public page."),
    },
    errors=(400, 401, 413, 422),
)
def create_pseudonym_route():
    """Create a pseudonym of the signed-in user; the same name again answers 200 with the same id."""
    user = require_user()
    values = load(_pseudonym_schema, read_json())
    session = get_session()
    pseudonym, created = create_pseudonym(session, user.id, user.contributor.display_name, values["display_name"])
    session.commit()
    body = {"id": pseudonym.id, "display_name": pseudonym.display_name, "kind": pseudonym.kind}
    location = url_for("contributors.contributor_page", contributor_id=pseudonym.id, _external=True)
    return Response(
        json.dumps(body), status=201 if created else 200, mimetype="application/json", headers={"Location": location}
    )
