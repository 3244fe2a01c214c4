"""/sensing: one subject and place, every source on one time axis, and what each says about change."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from sqlalchemy import text

from fieldapp.accounts.auth import current_viewer
from fieldapp.db import get_session
from fieldapp.errors import BadRequest, Invalid
from fieldapp.i18n import _, _l, format_number, format_percent, month_name, month_range
from fieldapp.observations.abundance import class_of
from fieldapp.places.queries import list_places
from fieldapp.sensing import charts
from fieldapp.sensing.schemas import BINS, parse_sensing
from fieldapp.sensing.service import STRENGTH_WORDS, answer, csv_table
from fieldapp.ui import KIND_COLOURS, KIND_LABELS

bp = Blueprint("sensing", __name__)
# Places offered in the chooser (a park's gazetteer holds a few hundred).
PLACES_LISTED = 1000
TREND_WORDS = {"increasing": _l("Increasing"), "stable": _l("Stable"), "decreasing": _l("Decreasing")}


def season_text(months: list[int]) -> str:
    """Season months in the page's language: one run as "June to August" (across the new year too), else each."""
    chosen = sorted(set(months))
    if len(chosen) == 12:
        return _("Every month")
    starts = [m for m in chosen if (m - 2) % 12 + 1 not in chosen]
    if len(starts) == 1:
        ends = [m for m in chosen if m % 12 + 1 not in chosen]
        return month_range(starts[0], ends[0])
    return ", ".join(month_name(m) for m in chosen)


def _places() -> list[dict[str, Any]]:
    """The gazetteer's places this viewer may see, by name, for the place chooser."""
    found = json.loads(list_places(get_session(), current_viewer(), {}, PLACES_LISTED))["features"]
    return sorted(({"id": f["id"], "name": f["properties"].get("name", "")} for f in found), key=lambda p: p["name"])


def _map_words() -> dict[str, str]:
    """What the place map says as it is used (static/js/sensing-map.js), in the page's language."""
    return {
        "start": _(
            "Draw an area with the polygon or rectangle tool, or pick a grid cell; nothing drawn: the whole park."
        ),
        "area": _("An area with %(n)s corners is drawn: the question looks inside it."),
        "pick": _("Tap the map on the grid cell to look in."),
        "cell": _("The grid cell holding %(point)s is chosen."),
        "park": _("No area: the whole park."),
    }


MEASURE_WORDS = {
    "reporting_rate": _l("Reporting rate"),
    "count": _l("Median count"),
    "abundance": _l("Median abundance class"),
    "statements": _l("Statements"),
}
DIRECTION_WORDS = {
    "increase": _l("increase"),
    "decrease": _l("decrease"),
    "no clear direction": _l("no clear direction"),
    "too little data": _l("too little data"),
}


def _subject_names() -> list[str]:
    rows = get_session().execute(
        text("SELECT name FROM subject_name UNION SELECT scientific_name FROM subject ORDER BY 1 LIMIT 2000")
    )
    return list(rows.scalars())


def _charts(result: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Every source's charts (kinds' then datasets'), keyed by level and name."""
    axis = charts.Axis(result["bins"], result["bin_years"])
    out: dict[str, list[tuple[str, str]]] = {}
    for source in [*result["kinds"], *result["sources"]]:
        colour = KIND_COLOURS[source["kind"]]
        key = f"{source['level']}:{source.get('dataset') or source['kind']}"
        label = source["label"]
        effort_title = _("%(source)s: records of anything per bin", source=label)
        items = [(_("Effort"), charts.effort_chart(effort_title, axis, source["bins"], colour))]
        for name, measure in source["measures"].items():
            items.append((str(MEASURE_WORDS[name]), _measure_chart(label, name, measure, axis, colour, source["bins"])))
        if source.get("statements"):
            title = _("%(source)s: stated trends over the intervals they speak about", source=label)
            items.append((_("Stated trends"), charts.statements_chart(title, axis, source["statements"], colour)))
        out[key] = items
    return out


def _measure_chart(label: str, name: str, measure: dict[str, Any], axis, colour: str, bins) -> str:
    years, values = measure["years"], measure["values"]
    if name == "reporting_rate":
        effort = {b["bin"]: b["effort"] for b in bins}
        labels = [
            _("%(share)s of %(records)s records", share=format_percent(v), records=format_number(effort.get(y, 0), 1))
            for y, v in zip(years, values, strict=True)
        ]
        title = _("%(source)s: reporting rate per bin", source=label)
        return charts.points_chart(title, axis, years, values, colour, format_percent(1), 1, labels)
    if name == "count":
        top = max(values, default=1)
        labels = [_("median count %(value)s", value=format_number(v)) for v in values]
        title = _("%(source)s: median count per bin", source=label)
        return charts.points_chart(title, axis, years, values, colour, format_number(top), top, labels)
    scale = measure["scale"]
    top = max(values, default=1)
    labels = [_("median %(scale)s class %(value)s", scale=scale, value=class_of(scale, v)) for v in values]
    title = _("%(source)s: median %(scale)s class per bin", source=label, scale=scale)
    return charts.points_chart(title, axis, years, values, colour, class_of(scale, top), top, labels)


@bp.get("/sensing")
def sensing_page():
    context: dict[str, Any] = {
        "args": request.args,
        "bins": BINS,
        "kinds": KIND_LABELS,
        "names": _subject_names(),
        "map_words": _map_words(),
        "season_text": season_text,
        "trend_words": TREND_WORDS,
        "places": _places(),
    }
    if not request.args.get("subject"):
        return render_template("sensing/sensing.html", **context)
    try:
        query = parse_sensing(request.args)
        result = answer(get_session(), current_viewer(), query)
    except (BadRequest, Invalid) as exc:
        return render_template("sensing/sensing.html", error=exc, **context), exc.status
    args = [(k, v) for k, v in request.args.items(multi=True) if v and k != "format"]
    csv_link = url_for("sensing.sensing_page", **{k: v for k, v in args}, format="csv")
    if request.args.get("format") == "csv":
        return Response(
            csv_table(result),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="sensing.csv"'},
        )
    return render_template(
        "sensing/sensing.html",
        result=result,
        charts=_charts(result),
        csv_link=csv_link,
        colours=KIND_COLOURS,
        measure_words=MEASURE_WORDS,
        direction_words=DIRECTION_WORDS,
        strength_words=STRENGTH_WORDS,
        json=json,
        **context,
    )
