"""The /compare page: choose two selections and a grid; see the cells, the summary and the credits."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import urlencode

import folium
from flask import Blueprint, Response, redirect, render_template, request, url_for
from folium.plugins import VectorGridProtobuf
from werkzeug.datastructures import MultiDict

from fieldapp import ui
from fieldapp.accounts.auth import current_user
from fieldapp.comparison import jobs as comparison_jobs
from fieldapp.comparison import queries, styles
from fieldapp.comparison.queries import CLASSES, SUGGESTED_CELLS
from fieldapp.comparison.schemas import SHAPES, parse_comparison
from fieldapp.comparison.service import answer_body, grid_for, run_comparison, work_of
from fieldapp.config import current_settings
from fieldapp.db import get_session
from fieldapp.errors import BadRequest, NotFound
from fieldapp.geodata import COASTLINE_CREDIT, coastline_as_one
from fieldapp.http import MVT
from fieldapp.i18n import _
from fieldapp.maps import builders
from fieldapp.maps.queries import all_datasets
from fieldapp.maps.tiles import check_address
from fieldapp.transfer import jobs
from fieldapp.ui import KIND_LABELS

bp = Blueprint("comparison", __name__)
CELL_SIZES = SUGGESTED_CELLS
# Tiles of a stored run never change; a browser keeps them while the page is open and a while after.
CELL_TILE_MAX_AGE_S = 3600


def _static(path: str) -> str:
    return url_for("static", filename=path)


def _cells_map(run_id: str, found: dict[str, Any], words: dict[str, str]) -> folium.Map:
    """The outline and the run's cells as vector tiles: the page carries no cell, whatever their number."""
    m = builders.new_map(_static)
    builders.add_outline(m, coastline_as_one(), url_for("places.labels"))
    tiles = url_for("comparison.cell_tile", run_id=run_id, z=0, x=0, y=0).replace("/0/0/0.pbf", "/{z}/{x}/{y}.pbf")
    config = {"styles": {c: styles.cell_style(c) for c in CLASSES}, "words": words, "pane": ui.PANES["area"][0]}
    grid = VectorGridProtobuf(tiles, options=f"fieldappCompare.gridOptions({builders.script_json(config)})")
    grid.default_js = [("vectorGrid", _static(builders.VENDORED["vectorGrid"]))]
    grid.add_to(m)
    builders.add_hook(m, f"fieldappCompare.attach({m.get_name()}, {grid.get_name()});")
    m.default_js = [*m.default_js, ("fieldapp_compare", _static(builders.VENDORED["fieldapp_compare"]))]
    if found["bounds"]:
        west, south, east, north = found["bounds"]
        m.fit_bounds([[south, west], [north, east]])
    return m


@bp.get("/compare/cells/<uuid:run_id>/<int:z>/<int:x>/<int:y>.pbf")
def cell_tile(run_id: uuid.UUID, z: int, x: int, y: int):
    """A page's cells, public like the comparison itself; a run is never changed, so tiles keep."""
    check_address(z, x, y)
    body = queries.cell_tile(get_session(), str(run_id), z, x, y)
    if body is None:
        raise NotFound(_("This comparison's map has expired: run the comparison again to redraw it."))
    return Response(body, mimetype=MVT, headers={"Cache-Control": f"public, max-age={CELL_TILE_MAX_AGE_S}"})


@bp.get("/compare")
def compare_page():
    session = get_session()
    context = _form_context(session, request.args)
    if not request.args.get("a") and not request.args.get("b"):
        return render_template("comparison/compare.html", **context)
    try:
        a, b, cell_m, shape = parse_comparison(request.args)
        user = current_user()
        settings = current_settings()
        grid = grid_for(cell_m, shape, settings)
        if settings.comparison_inline_max_work < work_of(session, a, b, grid) <= settings.comparison_max_work:
            job = comparison_jobs.queue_comparison(
                session, settings, request.args, comparison_jobs.PAGE, user.id if user else None
            )
            return redirect(url_for(".comparison_job", job_id=job.id), code=303)
        outcome = run_comparison(session, a, b, grid, user.id if user else None, "tiles")
    except BadRequest as exc:
        return render_template("comparison/compare.html", error=exc, **context), exc.status
    outcome["found"] = json.loads(outcome.pop("cells"))
    return _outcome_page(context, outcome, request.args)


@bp.get("/compare/download")
def compare_download():
    """The page's download of a comparison's cells: the file when small, else a job to follow."""
    session = get_session()
    args = request.args
    fmt = args.get("format")
    if fmt not in ("geojson", "csv"):
        raise BadRequest("Parameter 'format': use geojson or csv.", [{"path": "format", "message": "unknown format"}])
    a, b, cell_m, shape = parse_comparison(_without(args, "format"))
    user = current_user()
    settings = current_settings()
    grid = grid_for(cell_m, shape, settings)
    if settings.comparison_inline_max_work < work_of(session, a, b, grid) <= settings.comparison_max_work:
        job = comparison_jobs.queue_comparison(session, settings, args, fmt, user.id if user else None)
        return redirect(url_for(".comparison_job", job_id=job.id), code=303)
    outcome = run_comparison(session, a, b, grid, user.id if user else None, "csv" if fmt == "csv" else "geojson")
    body, media_type, headers = answer_body(outcome, fmt)
    return Response(body, mimetype=media_type, headers=headers)


@bp.get("/compare/jobs/<uuid:job_id>")
def comparison_job(job_id: uuid.UUID):
    """A large comparison's job: its progress, then its page (or its file to download)."""
    session = get_session()
    job = comparison_jobs.get_comparison_job(session, job_id)
    args = MultiDict(job.options["args"])
    if job.status == "succeeded" and job.options["format"] == comparison_jobs.PAGE:
        return _outcome_page(_form_context(session, args), dict(job.report), args)
    status = 200 if job.status in ("succeeded", "cancelled") else (202 if job.status != "failed" else 422)
    ready = comparison_jobs.result_path(job) is not None
    return render_template(
        "comparison/job.html",
        job=comparison_jobs.job_json(job),
        ready=ready,
        file_url=url_for("comparison_api.download_comparison_job", job_id=job.id),
        cancel_url=url_for(".cancel_comparison_job", job_id=job.id),
        compare_url=url_for(".compare_page") + "?" + urlencode(list(args.items(multi=True))),
    ), status


@bp.post("/compare/jobs/<uuid:job_id>/cancel")
def cancel_comparison_job(job_id: uuid.UUID):
    session = get_session()
    comparison_jobs.get_comparison_job(session, job_id)
    jobs.cancel(session, job_id)  # a job that ended meanwhile stays as it ended
    session.commit()
    return redirect(url_for(".comparison_job", job_id=job_id), code=303)


def _without(args, name: str) -> MultiDict:
    return MultiDict([(k, v) for k, v in args.items(multi=True) if k != name])


def _form_context(session, args) -> dict[str, Any]:
    return {
        "datasets": all_datasets(session),
        "kinds": KIND_LABELS,
        "cell_sizes": CELL_SIZES,
        "shapes": SHAPES,
        "args": args,
        "credit": COASTLINE_CREDIT,
    }


def _outcome_page(context: dict[str, Any], outcome: dict[str, Any], args):
    """The comparison page with its outcome (run in the request, or by a job): summary, map, downloads."""
    found = outcome.pop("found")
    labels = {side: outcome["sides"][side]["label"] for side in ("a", "b")}
    words = styles.class_words(labels["a"], labels["b"])
    query = urlencode([(k, v) for k, v in args.items(multi=True) if v and k != "format"])
    return render_template(
        "comparison/compare.html",
        outcome=outcome,
        labels=labels,
        words=words,
        classes=CLASSES,
        legend={c: styles.cell_style(c) for c in CLASSES},
        parts=builders.render_parts(_cells_map(outcome.pop("run_id"), found, words), _static),
        downloads={fmt: url_for(".compare_download") + f"?{query}&format={fmt}" for fmt in ("geojson", "csv")},
        **context,
    )
