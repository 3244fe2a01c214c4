"""The service worker at the site's root and the bundled outlines the offline maps draw."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, send_from_directory, url_for

from fieldapp.errors import NotFound
from fieldapp.geodata import COASTLINE, JERSEY_LAND
from fieldapp.i18n import DEFAULT_LANGUAGE, LANGUAGES, js_catalogue
from fieldapp.pwa.shell import build_shell, worker_source

bp = Blueprint("pwa", __name__)

# The outlines by their public name: the same files the server-side maps draw.
OUTLINES = {"jersey-coast.geojson": COASTLINE, "jersey-land.geojson": JERSEY_LAND}
# The recording pages and their subject list: fetched fresh when online, from the phone's cache when not.
OFFLINE_PAGES = ("observations.record", "observations.record_area", "subjects.subjects_json", "places.labels")


@bp.get("/geodata/<name>")
def outline(name: str):
    """Bundled coastlines (the detailed GSHHG one, LGPL-3.0; the Natural Earth outline, public domain),
    for maps that must work offline."""
    if name not in OUTLINES:
        raise NotFound(f"No bundled outline {name!r}.")
    path = OUTLINES[name]
    return send_from_directory(path.parent, path.name, mimetype="application/geo+json", max_age=86400)


@bp.get("/i18n/<language>.json")
def catalogue(language: str):
    """The browser code's messages in one language ({English: translation}), for static/js/i18n.js's t();
    kept by the service worker with the recording pages."""
    if language not in LANGUAGES:
        raise NotFound(f"No catalogue for {language!r}.")
    response = jsonify(js_catalogue(language))
    response.headers["Cache-Control"] = "no-cache"
    return response


def current_shell():
    """This deploy's shell, with the app's own URLs (static files by path: the worker matches requests by path,
    so a page's versioned /static/css/site.css?v=... is answered with the kept /static/css/site.css)."""
    return build_shell(
        lambda name: url_for("static", filename=name, v=None),
        pages=[
            *(url_for(endpoint) for endpoint in OFFLINE_PAGES),
            *(url_for("pwa.catalogue", language=code) for code in LANGUAGES if code != DEFAULT_LANGUAGE),
        ],
        outlines={url_for("pwa.outline", name=name): path for name, path in OUTLINES.items()},
    )


@bp.get("/sw.js")
def service_worker():
    # Served from the root so that its scope covers /record and the pages it links to; the browser
    # compares it byte for byte on each visit, and a new cache name makes it install afresh.
    response = Response(worker_source(current_shell()), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response
