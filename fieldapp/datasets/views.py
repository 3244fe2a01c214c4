"""HTML pages for datasets: the list, and one dataset's facts, map, downloads and import form."""

from __future__ import annotations

import json

from flask import Blueprint, render_template

from fieldapp import ui
from fieldapp.accounts.auth import current_viewer
from fieldapp.datasets.queries import get_dataset_json, list_datasets
from fieldapp.db import get_session
from fieldapp.errors import NotFound
from fieldapp.geodata import COASTLINE_CREDIT
from fieldapp.maps.pages import dataset_map
from fieldapp.transfer.offers import dataset_offers
from fieldapp.vocab import LICENCE_URIS, TK_LABELS

bp = Blueprint("datasets", __name__)


@bp.get("/datasets")
def dataset_list():
    return render_template(
        "datasets/list.html",
        datasets=list_datasets(get_session()),
        labels=ui.KIND_LABELS,
        colours=ui.KIND_COLOURS,
    )


@bp.get("/datasets/<slug>")
def dataset_detail(slug: str):
    session = get_session()
    body = get_dataset_json(session, slug)
    if body is None:
        raise NotFound(f"No dataset {slug!r}.")
    dataset = json.loads(body)
    return render_template(
        "datasets/detail.html",
        dataset=dataset,
        parts=dataset_map(session, dataset),
        label=ui.KIND_LABELS[dataset["knowledge_kind"]],
        licence_uri=LICENCE_URIS.get(dataset["licence"]),
        legend_note=ui.LEGEND_NOTE,
        credit=COASTLINE_CREDIT,
        actions=dataset_offers(session, current_viewer(), slug),
        tk_labels=TK_LABELS,
    )
