"""JSON API for contributors: a user's own pseudonyms."""

from __future__ import annotations

import json

from flask import Blueprint, Response, url_for

from fieldapp.accounts.auth import require_user
from fieldapp.contributors.schemas import PseudonymSchema
from fieldapp.contributors.service import create_pseudonym
from fieldapp.db import get_session
from fieldapp.http import load, read_json

bp = Blueprint("contributors_api", __name__)
_pseudonym_schema = PseudonymSchema()


@bp.post("/contributors/pseudonyms")
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
