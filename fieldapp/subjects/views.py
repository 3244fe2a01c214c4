"""The subjects' suggestions for the recording form, cached by the phone for offline use."""

from __future__ import annotations

from flask import Blueprint, Response

from fieldapp.db import get_session
from fieldapp.subjects.queries import subject_suggestions

bp = Blueprint("subjects", __name__)


@bp.get("/record/subjects.json")
def subjects_json():
    body = subject_suggestions(get_session())
    return Response(body, mimetype="application/json", headers={"Cache-Control": "no-cache"})
