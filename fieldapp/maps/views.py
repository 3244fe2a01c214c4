"""HTML blueprint for the shared map: dataset layers, filters and the view kept in the URL."""

from __future__ import annotations

import math

from flask import Blueprint, render_template, request

from fieldapp import ui
from fieldapp.db import get_session
from fieldapp.geodata import COASTLINE_CREDIT
from fieldapp.maps import builders, pages, queries
from fieldapp.observations.schemas import parse_filter
from fieldapp.subjects.queries import named_subject_ids, search_subjects
from fieldapp.vocab import KNOWLEDGE_KINDS

bp = Blueprint("maps", __name__)


def filter_args(args) -> dict[str, str]:
    """The list API's filter arguments from the map form (repeated fields or comma lists)."""
    start, end = args.get("from", "").strip(), args.get("to", "").strip()
    interval = args.get("datetime", "").strip()
    if start or end:
        interval = f"{start or '..'}/{end or '..'}"
    return {
        "dataset": ",".join(v for raw in args.getlist("dataset") for v in raw.split(",") if v.strip()),
        "kind": ",".join(v for raw in args.getlist("kind") for v in raw.split(",") if v.strip()),
        "subject": args.get("subject", "").strip(),
        "datetime": interval,
        "review": ",".join(v for raw in args.getlist("review") for v in raw.split(",") if v.strip()),
        "field": ",".join(v.strip() for raw in args.getlist("field") for v in raw.split(",") if v.strip()),
    }


def subject_found(session, query: str) -> list[dict]:
    """The subjects the map's subject filter reaches (the list filter's own matching), to say so, or that none does."""
    if not query:
        return []
    ids = set(named_subject_ids(session, query))
    return [s for s in search_subjects(session, query, limit=100) if s["id"] in ids]


def map_view(args) -> tuple[tuple[float, float], int]:
    """The position and zoom asked for in the URL, or Jersey's default view."""
    try:
        lat, lon, zoom = float(args["lat"]), float(args["lon"]), int(args["zoom"])
    except (KeyError, ValueError):
        return builders.JERSEY_CENTRE, builders.JERSEY_ZOOM
    if not (math.isfinite(lat) and math.isfinite(lon) and -85 <= lat <= 85 and -180 <= lon <= 180):
        return builders.JERSEY_CENTRE, builders.JERSEY_ZOOM
    return (lat, lon), min(max(zoom, 2), builders.MAX_ZOOM)


@bp.get("/map")
def shared_map():
    args = filter_args(request.args)
    filters = parse_filter(args)  # the list API's rules: a bad kind or date is a 400
    session = get_session()
    datasets = queries.map_datasets(session, filters)
    hidden = {s for s in request.args.get("hide", "").split(",") if s}
    location, zoom = map_view(request.args)
    tile_filters = {name: args[name] for name in ("subject", "datetime", "review", "field")}
    m = pages.shared_map(session, datasets, tile_filters, location, zoom, hidden)
    builders.track_state(m)
    return render_template(
        "maps/map.html",
        parts=builders.render_parts(m, pages.static_url),
        datasets=datasets,
        choices=queries.all_datasets(session),
        args=args,
        chosen=set(args["dataset"].split(",")),
        kinds=set(args["kind"].split(",")),
        all_kinds=KNOWLEDGE_KINDS,
        labels=ui.KIND_LABELS,
        review=set(args["review"].split(",")),
        review_labels=ui.REVIEW_LABELS,
        legend=ui.legend_items(),
        legend_note=ui.LEGEND_NOTE,
        generalised_note=ui.GENERALISED_NOTE,
        subject_found=subject_found(session, args["subject"]),
        credit=COASTLINE_CREDIT,
        view={
            "lat": request.args.get("lat", ""),
            "lon": request.args.get("lon", ""),
            "zoom": request.args.get("zoom", ""),
            "hide": request.args.get("hide", ""),
        },
    )
