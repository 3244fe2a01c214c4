"""Places to files: the gazetteer as GeoJSON or CSV, as the viewer may see it (places.queries.export_places).

Each place carries its dataset's licence and agreement, as every export does; a generalised fishing mark
is its grid cell and a private one is only in its holders' files, because the rows come from the gate.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import Viewer
from fieldapp.datasets.queries import agreement_notice
from fieldapp.places.queries import export_places
from fieldapp.transfer.exporters import spreadsheet_safe

# Format -> media type (the file's suffix is the format's name).
PLACE_FORMATS = {"geojson": "application/geo+json", "csv": "text/csv"}
CSV_COLUMNS = (
    "id",
    "name",
    "names",
    "kind",
    "dataset",
    "licence",
    "attribution",
    "visibility",
    "public_precision_m",
    "wkt",
    "terms",
)


def places_file(session: Session, viewer: Viewer, filters: dict[str, Any], fmt: str, limit: int) -> tuple[bytes, str]:
    """The places file's bytes and its name."""
    agreed = session.scalars(text("SELECT dataset_id FROM dataset_agreement")).all()
    terms = {dataset_id: agreement_notice(session, dataset_id) or "" for dataset_id in agreed}
    rows = export_places(session, viewer, filters, limit, terms)
    name = f"places-{datetime.now(UTC):%Y%m%d}.{fmt}"
    if fmt == "geojson":
        body = '{"type": "FeatureCollection", "features": [' + ",\n".join(r.feature for r in rows) + "]}\n"
        return body.encode("utf-8"), name
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([spreadsheet_safe(getattr(row, column)) for column in CSV_COLUMNS])
    return out.getvalue().encode("utf-8"), name
