"""Places from a file (GeoJSON, GeoPackage, Shapefile, KML, GPX or CSV with latitude and longitude), read by
the observations' readers: all or nothing, idempotent on each row's reference in the file.

Columns: `name` (in `language`, default en) and `name_<code>` for each language (name_fr, name_nrf...),
`kind` (a vocab.PLACE_KINDS word, default other), `visibility` (default the dataset's), `community`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from marshmallow import ValidationError
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from fieldapp import rules
from fieldapp.errors import Invalid
from fieldapp.geo.fields import parse_geometry
from fieldapp.i18n import _
from fieldapp.places.models import Place, PlaceName
from fieldapp.transfer.readers import Record, open_source
from fieldapp.vocab import PLACE_KINDS, VISIBILITIES

NAME_COLUMN = re.compile(r"^name_([a-z]{2,3})$")
LATITUDE, LONGITUDE = ("latitude", "lat", "decimallatitude", "y"), ("longitude", "lon", "lng", "decimallongitude", "x")
# How many refused rows a refusal lists one by one.
LISTED = 20


@dataclass
class PlaceReport:
    """What an import did (or, dry, would do)."""

    rows: int = 0
    created: int = 0
    unchanged: int = 0
    problems: list[dict[str, str]] = field(default_factory=list)


def _values(record: Record) -> dict[str, Any]:
    return {str(k).strip().lower(): v for k, v in record.values.items() if v not in (None, "")}


def _geometry(record: Record, values: dict[str, Any]) -> Any:
    if record.geometry is not None and not record.geometry.is_empty:
        return parse_geometry(json.loads(shapely.to_geojson(record.geometry)))
    lat = next((values[c] for c in LATITUDE if c in values), None)
    lon = next((values[c] for c in LONGITUDE if c in values), None)
    if lat is None or lon is None:
        raise ValidationError(_("no geometry, nor latitude and longitude columns"))
    try:
        return parse_geometry({"type": "Point", "coordinates": [float(lon), float(lat)]})
    except ValueError:
        raise ValidationError(_("latitude and longitude must be numbers")) from None


def _names(values: dict[str, Any]) -> list[tuple[str, str]]:
    names = []
    if "name" in values:
        names.append((str(values["name"]).strip(), str(values.get("language") or "en").strip()))
    names += [(str(v).strip(), m.group(1)) for k, v in values.items() if (m := NAME_COLUMN.match(k))]
    for name, language in names:
        if not re.match(rules.LANGUAGE_PATTERN, language):
            raise ValidationError(_("language %(code)s is not an ISO 639 code", code=language))
        if not name or len(name) > rules.NAME_MAX or "\x00" in name:
            raise ValidationError(_("a name must have 1 to %(n)s characters", n=rules.NAME_MAX))
    if not names:
        raise ValidationError(_("no name: give a name column, or name_en, name_fr, name_nrf..."))
    return names


def _place(record: Record, default_visibility: str) -> dict[str, Any]:
    if record.problem:
        raise ValidationError(record.problem)
    values = _values(record)
    kind = str(values.get("kind", "other")).strip().lower().replace(" ", "_")
    if kind not in PLACE_KINDS:
        raise ValidationError(_("kind %(kind)s is not one of %(kinds)s", kind=kind, kinds=", ".join(PLACE_KINDS)))
    visibility = str(values.get("visibility", default_visibility)).strip().lower()
    if visibility not in VISIBILITIES:
        raise ValidationError(_("visibility must be public, generalised or private"))
    community = str(values["community"]).strip()[: rules.COMMUNITY_MAX] if "community" in values else None
    return {
        "geometry": _geometry(record, values),
        "kind": kind,
        "visibility": visibility,
        "names": _names(values),
        "community": community,
    }


def import_places(
    session: Session,
    path: Path,
    workdir: Path,
    dataset_id: int,
    contributor_id: int,
    user_id: int | None = None,
    dry_run: bool = False,
) -> PlaceReport:
    """Read every row, refuse the file with its rows' problems if any, else add the places not yet imported."""
    default_visibility = session.scalar(text("SELECT default_visibility FROM dataset WHERE id = :d"), {"d": dataset_id})
    report, wanted = PlaceReport(), []
    source = open_source(path, workdir)
    try:
        for record in source.records:
            report.rows += 1
            try:
                wanted.append((f"{path.name}#{record.ref}", _place(record, default_visibility or "public")))
            except ValidationError as exc:
                message = exc.messages[0] if isinstance(exc.messages, list) else str(exc.messages)
                report.problems.append({"path": f"row {record.number}", "message": str(message)})
    finally:
        source.close()
    if report.problems:
        raise Invalid(
            _("No place was imported: %(n)s row(s) cannot be read.", n=len(report.problems)), report.problems[:LISTED]
        )
    known = set(session.scalars(select(Place.source_ref).where(Place.dataset_id == dataset_id)))
    for ref, spec in wanted:
        if ref in known:
            report.unchanged += 1
            continue
        report.created += 1
        if dry_run:
            continue
        session.add(
            Place(
                dataset_id=dataset_id,
                contributor_id=contributor_id,
                entered_by=user_id,
                kind=spec["kind"],
                geom=f"SRID=4326;{shapely.force_2d(spec['geometry'].shape).wkt}",
                visibility=spec["visibility"],
                source_ref=ref,
                names=[
                    PlaceName(
                        name=n,
                        language=lang,
                        community=spec["community"],
                        contributor_id=contributor_id,
                        added_by=user_id,
                    )
                    for n, lang in spec["names"]
                ],
            )
        )
    session.flush()
    return report
