"""What a dataset page offers a viewer: a download per export format, and the import form to those who may import."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy.orm import Session

from fieldapp.access import Viewer, may_import
from fieldapp.forms.queries import current_form
from fieldapp.transfer.exporters import FORMATS as EXPORT_FORMATS
from fieldapp.transfer.exporters import find_dataset
from fieldapp.transfer.readers import FORMATS as IMPORT_FORMATS

EXPORT_LABELS = {"geojson": "GeoJSON", "csv": "CSV", "gpkg": "GeoPackage", "dwca": "Darwin Core Archive"}
IMPORT_LABELS = {
    "geojson": "GeoJSON",
    "csv": "CSV",
    "shapefile": "Shapefile (zip)",
    "gpkg": "GeoPackage",
    "kml": "KML",
    "gpx": "GPX",
    "dwca": "Darwin Core Archive",
}


def dataset_offers(session: Session, viewer: Viewer, slug: str) -> dict[str, Any]:
    """Export links and the recording form's version for everyone, and whether to show the import forms."""
    dataset = find_dataset(session, slug)
    form = current_form(session, dataset.id)
    return {
        "exports": [
            (EXPORT_LABELS[fmt], url_for("transfer.export_download", slug=slug, format=fmt)) for fmt in EXPORT_FORMATS
        ],
        "may_import": may_import(session, viewer, dataset.id),
        "import_formats": [(fmt, IMPORT_LABELS[fmt]) for fmt in IMPORT_FORMATS],
        "form_version": form.version if form else None,
    }
