"""HTML blueprint for the shared map and the dataset pages; the tiles blueprint nests in it."""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, render_template, request, url_for

from fieldapp import ui
from fieldapp.datasets.queries import list_datasets
from fieldapp.db import get_session
from fieldapp.errors import NotFound
from fieldapp.geodata import NATURAL_EARTH_CREDIT, jersey_outline
from fieldapp.maps import builders, queries, tiles
from fieldapp.maps.api import bp as tiles_bp
from fieldapp.observations.api import parse_filter
from fieldapp.vocab import KNOWLEDGE_KINDS, LICENCE_URIS

bp = Blueprint("maps", __name__)
bp.register_blueprint(tiles_bp)


def _static(path: str) -> str:
    return url_for("static", filename=path)


def _tiles_base() -> str:
    return url_for("maps.tiles.observation_tile", z=0, x=0, y=0).rsplit("/", 3)[0]


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
    }


def map_view(args) -> tuple[tuple[float, float], int]:
    """The position and zoom asked for in the URL, or Jersey's default view."""
    try:
        lat, lon, zoom = float(args["lat"]), float(args["lon"]), int(args["zoom"])
    except (KeyError, ValueError):
        return builders.JERSEY_CENTRE, builders.JERSEY_ZOOM
    if not (math.isfinite(lat) and math.isfinite(lon) and -85 <= lat <= 85 and -180 <= lon <= 180):
        return builders.JERSEY_CENTRE, builders.JERSEY_ZOOM
    return (lat, lon), min(max(zoom, 2), builders.MAX_ZOOM)


def _shared_map(
    datasets: list[dict[str, Any]],
    tile_filters: dict[str, str],
    location: tuple[float, float],
    zoom: int,
    hidden: set[str],
):
    m = builders.new_map(_static, location, zoom)
    builders.add_outline(m, jersey_outline())
    shapes = tiles.dataset_shapes(get_session())
    builders.add_dataset_layers(m, datasets, shapes, _tiles_base(), tile_filters, _static, hidden)
    return m


@bp.get("/map")
def shared_map():
    args = filter_args(request.args)
    filters = parse_filter(args)  # the list API's rules: a bad kind or date is a 400
    session = get_session()
    datasets = queries.map_datasets(session, filters)
    hidden = {s for s in request.args.get("hide", "").split(",") if s}
    location, zoom = map_view(request.args)
    tile_filters = {name: args[name] for name in ("subject", "datetime", "review")}
    m = _shared_map(datasets, tile_filters, location, zoom, hidden)
    builders.track_state(m)
    return render_template(
        "maps/map.html",
        parts=builders.render_parts(m, _static),
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
        credit=NATURAL_EARTH_CREDIT,
        view={
            "lat": request.args.get("lat", ""),
            "lon": request.args.get("lon", ""),
            "zoom": request.args.get("zoom", ""),
            "hide": request.args.get("hide", ""),
        },
    )


@bp.get("/datasets")
def dataset_list():
    return render_template(
        "maps/datasets.html",
        datasets=list_datasets(get_session()),
        labels=ui.KIND_LABELS,
        colours=ui.KIND_COLOURS,
    )


@bp.get("/datasets/<slug>")
def dataset_detail(slug: str):
    dataset = queries.dataset_page(get_session(), slug)
    if dataset is None:
        raise NotFound(f"No dataset {slug!r}.")
    m = _shared_map([dataset], {}, builders.JERSEY_CENTRE, builders.JERSEY_ZOOM, set())
    bbox = (dataset.get("extent") or {}).get("bbox")
    if bbox:
        m.fit_bounds([[bbox[1], bbox[0]], [bbox[3], bbox[2]]], max_zoom=15)
    return render_template(
        "maps/dataset.html",
        dataset=dataset,
        parts=builders.render_parts(m, _static),
        label=ui.KIND_LABELS[dataset["knowledge_kind"]],
        licence_uri=LICENCE_URIS.get(dataset["licence"]),
        legend_note=ui.LEGEND_NOTE,
        credit=NATURAL_EARTH_CREDIT,
    )
