"""JSON API for sensing: GET /api/v1/sensing, the per-source, per-bin table and what each source says."""

from __future__ import annotations

import json

from flask import Blueprint, Response, request

from fieldapp.accounts.auth import current_viewer
from fieldapp.db import get_session
from fieldapp.errors import bad_parameter
from fieldapp.http import json_text_response
from fieldapp.sensing.schemas import FORMATS, parse_sensing
from fieldapp.sensing.service import answer, csv_table

bp = Blueprint("sensing_api", __name__)


@bp.get("/sensing")
def get_sensing():
    query = parse_sensing(request.args)
    fmt = request.args.get("format", "json")
    if fmt not in FORMATS:
        raise bad_parameter("format", f"use one of {', '.join(FORMATS)}")
    result = answer(get_session(), current_viewer(), query)
    if fmt == "csv":
        return Response(
            csv_table(result),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="sensing.csv"'},
        )
    return json_text_response(json.dumps(result, default=str))
