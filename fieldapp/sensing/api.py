"""JSON API for sensing: GET /api/v1/sensing, the per-source, per-bin table and what each source says."""

from __future__ import annotations

import json

from flask import Blueprint, Response

from fieldapp.accounts.auth import current_viewer
from fieldapp.db import get_session
from fieldapp.http import json_text_response
from fieldapp.openapi import JSON, READ, Answer, operation
from fieldapp.sensing.schemas import SensingApiArgsSchema, SensingSchema
from fieldapp.sensing.service import answer, csv_table

bp = Blueprint("sensing_api", __name__)


@bp.get("/sensing")
@operation(
    "getSensing",
    "sensing",
    "What every source says about change in a subject and place",
    description="Symmetric: no source is the reference. Records count as the caller may see them.",
    security=READ,
    args=SensingApiArgsSchema,
    answers={
        200: Answer(
            "The table and the directions of change.",
            {JSON: SensingSchema, "text/csv": {"type": "string", "description": "One row per source and bin."}},
        )
    },
    errors=(400, 401, 422),
)
def get_sensing(args: dict):
    result = answer(get_session(), current_viewer(), args["question"])
    if args["format"] == "csv":
        return Response(
            csv_table(result),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="sensing.csv"'},
        )
    return json_text_response(json.dumps(result, default=str))
