"""JSON API for comparisons: GET /api/v1/comparisons."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, request

from fieldapp.accounts.auth import current_user
from fieldapp.comparison.queries import CSV_HEADER, compare
from fieldapp.comparison.selection import Selection, parse_selection, selection_parameters
from fieldapp.comparison.summary import label, side_datasets, summarise
from fieldapp.db import get_session
from fieldapp.errors import bad_parameter
from fieldapp.geo.filters import reject_unknown
from fieldapp.geo.geojson import feature_collection
from fieldapp.http import GEOJSON, json_text_response
from fieldapp.usage import record_usage

bp = Blueprint("comparison_api", __name__)

PARAMETERS = {
    "a",
    "b",
    "subject",
    "a_subject",
    "b_subject",
    "datetime",
    "a_datetime",
    "b_datetime",
    "cell_m",
    "shape",
    "format",
}
FORMATS = ("json", "geojson", "csv")
MIN_CELL_M, MAX_CELL_M = 100, 10_000
SHAPES = ("square", "hex")


def parse_comparison(args) -> tuple[Selection, Selection, float, str]:
    """Read both sides and the grid from query arguments, saying which parameter is wrong."""
    reject_unknown(args, PARAMETERS)
    sides = []
    for side in ("a", "b"):
        subject = args.get(f"{side}_subject") or args.get("subject")
        when_parameter = f"{side}_datetime" if args.get(f"{side}_datetime") else "datetime"
        sides.append(parse_selection(side, args.get(side), subject, args.get(when_parameter), when_parameter))
    a, b = sides
    if a.key() == b.key():
        raise bad_parameter("b", "side B is the same selection as side A; choose two different selections")
    try:
        cell_m = float(args.get("cell_m", "1000"))
    except ValueError:
        raise bad_parameter("cell_m", f"{args.get('cell_m')!r} is not a number of metres") from None
    if not MIN_CELL_M <= cell_m <= MAX_CELL_M:
        raise bad_parameter("cell_m", f"choose a cell size from {MIN_CELL_M} to {MAX_CELL_M:,} metres")
    shape = args.get("shape", "square")
    if shape not in SHAPES:
        raise bad_parameter("shape", "use 'square' or 'hex'")
    return a, b, cell_m, shape


def run_comparison(
    session, a: Selection, b: Selection, cell_m: float, shape: str, cells_format: str = "geojson"
) -> dict[str, Any]:
    """Compare two selections; everything a page or the API shows, cells as GeoJSON (or CSV) text."""
    srid = current_app.extensions["fieldapp.settings"].metric_srid
    result = compare(session, a, b, cell_m, shape, srid, cells_format)
    tallies = json.loads(result["tallies"] or "{}")
    for side in ("a", "b"):
        if side not in tallies:
            raise bad_parameter(side, "this selection holds no observations; widen it")
    _log_use(session, a, b, cell_m, shape, json.loads(result["dataset_counts"] or "{}"))
    datasets = {"a": side_datasets(session, a), "b": side_datasets(session, b)}
    labels = {side: label(sel, datasets[side]) for side, sel in (("a", a), ("b", b))}
    return {
        "cell_m": cell_m,
        "shape": shape,
        "sides": {side: {"label": labels[side], "datasets": datasets[side], **tallies[side]} for side in ("a", "b")},
        "summary": summarise(result, labels["a"], labels["b"]),
        "cells_geojson": result["features"],
    }


def _log_use(session, a: Selection, b: Selection, cell_m: float, shape: str, counts: dict[str, int]) -> None:
    """Remember the run and the datasets it drew on, so their contributors can see their knowledge used."""
    user = current_user()
    parameters = {"a": selection_parameters(a), "b": selection_parameters(b), "cell_m": cell_m, "shape": shape}
    record_usage(session, "comparison", user.id if user else None, parameters, {int(d): n for d, n in counts.items()})
    session.commit()


@bp.get("/comparisons")
def get_comparison():
    a, b, cell_m, shape = parse_comparison(request.args)
    fmt = request.args.get("format", "json")
    if fmt not in FORMATS:
        raise bad_parameter("format", f"use one of {', '.join(FORMATS)}")
    outcome = run_comparison(get_session(), a, b, cell_m, shape, "csv" if fmt == "csv" else "geojson")
    cells = outcome.pop("cells_geojson")
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
