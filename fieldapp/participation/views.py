"""/participation: charts and tables of who takes part and how, for everyone."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, render_template

from fieldapp.accounts.auth import current_viewer
from fieldapp.db import get_session
from fieldapp.i18n import _
from fieldapp.participation import queries
from fieldapp.participation.charts import Series, stacked_bars
from fieldapp.ui import ANNOTATION_WORDS, KIND_COLOURS, KIND_LABELS
from fieldapp.vocab import ANNOTATION_KINDS, KNOWLEDGE_KINDS

bp = Blueprint("participation", __name__)


def pivot(rows, key: str, value: str, groups) -> tuple[list[str], dict[str, list[float]]]:
    """Rows of (month, group, value) into months and one value list per group (0 where missing)."""
    months = sorted({r["month"] for r in rows})
    table: dict[str, dict] = defaultdict(dict)
    for r in rows:
        table[r[key]][r["month"]] = r[value]
    return [m.strftime("%Y-%m") for m in months], {g: [table[g].get(m, 0) for m in months] for g in groups}


def kind_chart(title: str, rows, value: str) -> tuple[str, list[str], dict[str, list[float]]]:
    months, values = pivot(rows, "kind", value, KNOWLEDGE_KINDS)
    series = [Series(str(KIND_LABELS[k]), KIND_COLOURS[k], values[k]) for k in KNOWLEDGE_KINDS]
    return stacked_bars(title, months, series), months, values


@bp.get("/participation")
def participation_page():
    session, viewer = get_session(), current_viewer()
    monthly = queries.monthly_by_kind(session, viewer)
    annotations = queries.annotations_by_month(session, viewer)
    months_a, by_type = pivot(annotations, "kind", "n", ANNOTATION_KINDS)
    charts = {
        "contributors": kind_chart(_("Contributors active per month, by knowledge kind"), monthly, "contributors"),
        "observations": kind_chart(_("Observations recorded per month, by knowledge kind"), monthly, "observations"),
        "minutes": kind_chart(_("Volunteer time recorded per month (minutes), by knowledge kind"), monthly, "minutes"),
        "annotations": (
            stacked_bars(
                _("Annotations per month, by type"),
                months_a,
                [
                    Series(str(ANNOTATION_WORDS[k].many), ANNOTATION_WORDS[k].colour, by_type[k])
                    for k in ANNOTATION_KINDS
                ],
            ),
            months_a,
            by_type,
        ),
    }
    return render_template(
        "participation/participation.html",
        charts=charts,
        labels=KIND_LABELS,
        kinds=KNOWLEDGE_KINDS,
        annotation_kinds=ANNOTATION_KINDS,
        colours=KIND_COLOURS,
        annotation_labels={k: w.many for k, w in ANNOTATION_WORDS.items()},
        annotation_colours={k: w.colour for k, w in ANNOTATION_WORDS.items()},
        cross=queries.cross_kind(session, viewer),
        corroborated=queries.corroborated_share(session, viewer),
        timed=sum(r["timed"] for r in monthly),
    )
