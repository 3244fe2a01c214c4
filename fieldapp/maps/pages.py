"""Maps for the HTML pages: the shared map of dataset layers over the outline, and one dataset's map."""

from __future__ import annotations

from typing import Any

import folium
from flask import url_for
from sqlalchemy.orm import Session

from fieldapp.geodata import coastline_as_one
from fieldapp.maps import builders, tiles


def static_url(path: str) -> str:
    """The URL of a file in static/, for the builders' vendored scripts and styles."""
    return url_for("static", filename=path)


def tiles_base() -> str:
    return url_for("tiles.observation_tile", z=0, x=0, y=0).rsplit("/", 3)[0]


def shared_map(
    session: Session,
    datasets: list[dict[str, Any]],
    tile_filters: dict[str, str],
    location: tuple[float, float],
    zoom: int,
    hidden: set[str],
) -> folium.Map:
    """The outline and one tile layer per dataset, at the view asked for."""
    m = builders.new_map(static_url, location, zoom)
    builders.add_outline(m, coastline_as_one(), url_for("places.labels"))
    shapes = tiles.dataset_shapes(session)
    builders.add_dataset_layers(m, datasets, shapes, tiles_base(), tile_filters, static_url, hidden)
    return m


def dataset_map(session: Session, dataset: dict[str, Any]) -> builders.MapParts:
    """One dataset's layer alone, fitted to its public extent, rendered for a page."""
    m = shared_map(session, [dataset], {}, builders.JERSEY_CENTRE, builders.JERSEY_ZOOM, set())
    bbox = (dataset.get("extent") or {}).get("bbox")
    if bbox:
        m.fit_bounds([[bbox[1], bbox[0]], [bbox[3], bbox[2]]], max_zoom=15)
    return builders.render_parts(m, static_url)
