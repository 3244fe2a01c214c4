"""Generalisation to a fixed grid, done by the database function fieldapp_generalise."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def generalise_wkt(session: Session, wkt: str, cell_m: float, metric_srid: int) -> str:
    """Return the grid cell(s) a WKT geometry (EPSG:4326) touches, as WKT in EPSG:4326."""
    sql = text("SELECT ST_AsText(fieldapp_generalise(ST_GeomFromText(:wkt, 4326), :cell, :srid))")
    return session.execute(sql, {"wkt": wkt, "cell": cell_m, "srid": metric_srid}).scalar_one()
