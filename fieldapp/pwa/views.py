"""The service worker at the site's root and the bundled outlines the offline maps draw."""

from __future__ import annotations

from flask import Blueprint, send_from_directory

from fieldapp.config import PROJECT_ROOT
from fieldapp.errors import NotFound
from fieldapp.geodata import JERSEY_LAND

bp = Blueprint("pwa", __name__)

# The outlines by their public name: the same files the server-side maps draw.
OUTLINES = {"jersey-land.geojson": JERSEY_LAND}


@bp.get("/geodata/<name>")
def outline(name: str):
    """Bundled coastline outlines (public domain), for maps that must work offline."""
    if name not in OUTLINES:
        raise NotFound(f"No bundled outline {name!r}.")
    path = OUTLINES[name]
    return send_from_directory(path.parent, path.name, mimetype="application/geo+json", max_age=86400)


@bp.get("/sw.js")
def service_worker():
    # Served from the root so that its scope covers /record and the pages it links to.
    response = send_from_directory(PROJECT_ROOT / "static", "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response
