"""The /compare page: choose two selections and a grid; see the cells, the summary and the credits."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import folium
from flask import Blueprint, render_template, request, url_for

from fieldapp.accounts.auth import current_user
from fieldapp.comparison import styles
from fieldapp.comparison.queries import CLASSES, SUGGESTED_CELLS
from fieldapp.comparison.schemas import SHAPES, parse_comparison
from fieldapp.comparison.service import grid_for, run_comparison
from fieldapp.config import current_settings
from fieldapp.db import get_session
from fieldapp.errors import BadRequest
from fieldapp.geodata import NATURAL_EARTH_CREDIT, jersey_outline
from fieldapp.maps import builders
from fieldapp.maps.queries import all_datasets
from fieldapp.ui import KIND_LABELS

bp = Blueprint("comparison", __name__)
CELL_SIZES = SUGGESTED_CELLS


def _static(path: str) -> str:
    return url_for("static", filename=path)


def _cells_map(cells: dict, words: dict[str, str]) -> folium.Map:
    m = builders.new_map(_static)
    builders.add_outline(m, jersey_outline())
    for feature in cells["features"]:
        feature["properties"]["label"] = builders.escape_text(words[feature["properties"]["class"]])
    layer = folium.GeoJson(
        cells,
        name="Comparison cells",
        style_function=lambda f: styles.cell_style(f["properties"]["class"]),
        tooltip=folium.GeoJsonTooltip(
            fields=["label", "a_present", "a_absent", "b_present", "b_absent"],
            aliases=["", "A presence", "A absence", "B presence", "B absence"],
        ),
    )
    layer.add_to(m)
    (south, west), (north, east) = layer.get_bounds()
    if south is not None and west is not None and north is not None and east is not None:
        m.fit_bounds([[south, west], [north, east]])
    return m


@bp.get("/compare")
def compare_page():
    session = get_session()
    context = {
        "datasets": all_datasets(session),
        "kinds": KIND_LABELS,
        "cell_sizes": CELL_SIZES,
        "shapes": SHAPES,
        "args": request.args,
        "credit": NATURAL_EARTH_CREDIT,
    }
    if not request.args.get("a") and not request.args.get("b"):
        return render_template("comparison/compare.html", **context)
    try:
        a, b, cell_m, shape = parse_comparison(request.args)
        user = current_user()
        grid = grid_for(cell_m, shape, current_settings())
        outcome = run_comparison(session, a, b, grid, user.id if user else None)
    except BadRequest as exc:
        return render_template("comparison/compare.html", error=exc, **context), exc.status
    cells = {"type": "FeatureCollection", "features": json.loads(outcome.pop("cells_geojson"))}
    labels = {side: outcome["sides"][side]["label"] for side in ("a", "b")}
    words = styles.class_words(labels["a"], labels["b"])
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if v])
    return render_template(
        "comparison/compare.html",
        outcome=outcome,
        labels=labels,
        words=words,
        classes=CLASSES,
        legend={c: styles.cell_style(c) for c in CLASSES},
        parts=builders.render_parts(_cells_map(cells, words), _static),
        downloads={
            fmt: url_for("comparison_api.get_comparison") + f"?{query}&format={fmt}" for fmt in ("geojson", "csv")
        },
        **context,
    )
