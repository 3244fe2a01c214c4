"""Contributor pages: every person and group as they chose to be credited, and how their knowledge is used."""

from __future__ import annotations

from flask import Blueprint, render_template

from fieldapp.accounts.auth import current_viewer
from fieldapp.contributors import queries
from fieldapp.db import get_session
from fieldapp.errors import NotFound
from fieldapp.maps.styles import KIND_LABELS

bp = Blueprint("contributors", __name__)


@bp.get("/contributors/<int:contributor_id>")
def contributor_page(contributor_id: int):
    session = get_session()
    contributor = queries.profile(session, contributor_id)
    if contributor is None:
        raise NotFound(f"No contributor {contributor_id}.")
    return render_template(
        "contributors/contributor.html", contributor=contributor, labels=KIND_LABELS,
        memberships=queries.memberships(session, contributor_id),
        datasets=queries.stewarded_datasets(session, contributor_id),
        observations=queries.observation_summary(session, contributor_id, current_viewer()),
        annotations=queries.annotations_by(session, contributor_id),
        used={row["kind"]: row for row in queries.knowledge_used(session, contributor_id)},
    )
