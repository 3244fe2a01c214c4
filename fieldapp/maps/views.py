"""HTML blueprint for the shared map and the dataset pages; the tiles blueprint nests in it."""

from __future__ import annotations

from flask import Blueprint

from fieldapp.maps.api import bp as tiles_bp

bp = Blueprint("maps", __name__)
bp.register_blueprint(tiles_bp)
