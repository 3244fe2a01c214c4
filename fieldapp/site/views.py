"""The home page: what this is, the datasets and recent public observations."""

from flask import Blueprint, render_template

from fieldapp.datasets.queries import list_datasets
from fieldapp.db import get_session
from fieldapp.observations.queries import recent_public

bp = Blueprint("site", __name__)


@bp.get("/")
def home():
    session = get_session()
    return render_template("site/home.html", datasets=list_datasets(session), recent=recent_public(session))
