"""Place pages and the maps' labels: the gazetteer as the public sees it, and one place as the viewer may see it."""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request

from fieldapp.accounts.auth import current_viewer
from fieldapp.db import get_session
from fieldapp.errors import NotFound
from fieldapp.i18n import _
from fieldapp.places import queries

bp = Blueprint("places", __name__)


@bp.get("/places/labels.geojson")
def labels():
    """The public places' names as points for every map's base layer (shared caches and phones keep it)."""
    body = queries.label_points(get_session())
    return Response(body, mimetype="application/geo+json", headers={"Cache-Control": "public, max-age=300"})


@bp.get("/places")
def places_page():
    query = request.args.get("q", "").strip()[:200]
    body = queries.list_places(get_session(), current_viewer(), {"q": query} if query else {}, 500)
    return render_template("places/index.html", query=query, places=json.loads(body)["features"])


@bp.get("/places/<int:place_id>")
def place_page(place_id: int):
    body = queries.place_feature(get_session(), current_viewer(), place_id)
    if body is None:
        raise NotFound(_("No place %(id)s for you.", id=place_id))
    return render_template("places/place.html", place=json.loads(body))
