"""JSON API for comparisons: GET /api/v1/comparisons."""

from __future__ import annotations

import json

from flask import Blueprint, Response

from fieldapp.accounts.auth import current_user
from fieldapp.comparison.queries import CSV_HEADER
from fieldapp.comparison.schemas import CellsSchema, ComparisonApiArgsSchema, ComparisonSchema, comparison_of
from fieldapp.comparison.service import grid_for, run_comparison
from fieldapp.config import current_settings
from fieldapp.db import get_session
from fieldapp.geo.geojson import feature_collection
from fieldapp.http import GEOJSON, json_text_response
from fieldapp.openapi import JSON, READ, Answer, operation

bp = Blueprint("comparison_api", __name__)


@bp.get("/comparisons")
@operation(
    "getComparison",
    "comparisons",
    "Compare two selections cell by cell",
    description="Symmetric: neither side is the reference. Uses public geometry only.",
    security=READ,
    args=ComparisonApiArgsSchema,
    answers={
        200: Answer(
            "The comparison, in the format asked for.",
            {
                JSON: ComparisonSchema,
                GEOJSON: CellsSchema,
                "text/csv": {"type": "string", "description": "One row per cell."},
            },
        )
    },
    errors=(400, 401),
)
def get_comparison(args: dict):
    a, b, cell_m, shape = comparison_of(args)
    fmt = args["format"]
    grid = grid_for(cell_m, shape, current_settings())
    user = current_user()
    outcome = run_comparison(get_session(), a, b, grid, user.id if user else None, "csv" if fmt == "csv" else "geojson")
    cells = outcome.pop("cells")
    if fmt == "csv":
        return Response(
            CSV_HEADER + "\n" + cells + ("\n" if cells else ""),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="comparison-cells.csv"'},
        )
    if fmt == "geojson":
        body = feature_collection(cells, comparison=json.loads(json.dumps(outcome, default=str)))
        return json_text_response(
            body, mimetype=GEOJSON, headers={"Content-Disposition": 'attachment; filename="comparison-cells.geojson"'}
        )
    body = json.dumps(outcome, default=str)
    return json_text_response(body[:-1] + ', "cells": ' + feature_collection(cells) + "}")
