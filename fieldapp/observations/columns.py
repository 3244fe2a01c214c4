"""What a viewer may see of a record: the one column set every output starts from.

Every list, detail, tile, OGC item, export and page names record columns through
record_columns(viewer), and the geometry through geoprivacy.visible.visible_geometry_sql(viewer).
A column that holds or is derived from the precise location is in PRECISE_FIELDS and comes back
NULL unless the viewer may see the record precisely, so a new field or a new output is private by
default. The expressions name the tables as observations.queries.FROM_SQL joins them:
o observation, d dataset, c contributor, s subject.
"""

from __future__ import annotations

from fieldapp.access import Viewer, manage_sql, precise_sql, see_record_sql
from fieldapp.contributors.attribution import credit_line_sql, recorded_by_sql
from fieldapp.forms.queries import SENSITIVE_NAMES_SQL
from fieldapp.observations.review import tally_sql
from fieldapp.vocab import CORRECTABLE_FIELDS

# Held or derived from the precise geometry: imported columns may hold coordinates, a repair note
# describes the shape, an uncertainty tells how close the public cell's centre is.
PRECISE_FIELDS = ("coordinate_uncertainty_m", "attributes", "repair_note", "place_id", "place")
# Correctable fields whose proposed value reveals nothing of the place; any other proposal (a place,
# and any field added to vocab.CORRECTABLE_FIELDS later) goes only to those who manage the record.
PUBLIC_PROPOSALS = ("subject", "date", "quantity")
WITHHELD_PROPOSAL = """'{"withheld": true}'::jsonb"""
_IMPORTED_FROM = (
    "(SELECT json_build_object('import_id', f.id, 'file', f.name, 'sha256', f.sha256, 'imported_at', f.imported_at)"
    " FROM import_file f WHERE f.id = o.import_file_id)"
)


def _columns() -> dict[str, str]:
    """DESIGN.md's field names plus attribution, in the order outputs show them."""
    return {
        "dataset": "d.slug",
        "dataset_title": "d.title",
        "knowledge_kind": "d.knowledge_kind",
        "contributor_id": "o.contributor_id",
        "recorded_by": recorded_by_sql(),
        "recorded_by_text": "o.recorded_by_text",
        "attribution": credit_line_sql(),
        "subject_id": "o.subject_id",
        "scientific_name": "s.scientific_name",
        "subject_text": "o.subject_text",
        "place_id": "o.place_id",
        "place": "NULL",  # filled in per viewer: the named place, if the viewer may see it too
        "occurrence_status": "o.occurrence_status",
        "count": "o.count",
        "abundance_scale": "o.abundance_scale",
        "abundance_value": "o.abundance_value",
        "abundance_verbatim": "o.abundance_verbatim",
        "trend": "o.trend",
        "observed_start": "o.observed_start",
        "observed_end": "o.observed_end",
        "time_precision": "o.time_precision",
        "season_months": "o.season_months",
        "coordinate_uncertainty_m": "o.coordinate_uncertainty_m",
        "visibility": "o.visibility",
        "public_precision_m": "o.public_precision_m",
        "location_precise": "NULL",  # filled in per viewer
        "confidence": "o.confidence",
        "method": "o.method",
        "notes": "o.notes",
        "licence": "o.licence",
        "source_ref": "o.source_ref",
        "time_spent_min": "o.time_spent_min",
        # People per kind of annotation, e.g. {"corroborate": 3, "question": 1}.
        "annotations": tally_sql(),
        "attributes": "o.attributes",
        # Custom fields of the dataset's form; sensitive ones are withheld below like a precise place.
        "fields": "o.field_values",
        "repair_note": "o.repair_note",
        "imported_from": "NULL",  # filled in per viewer
        "created_at": "o.created_at",
        "updated_at": "o.updated_at",
    }


# Every property name a record may have, in output order (the list's `properties` selector offers these).
PROPERTY_NAMES = tuple(_columns())
# Properties that repeat what the record's dataset says (its title and kind, and the credit line built
# from the title): lists give them once per dataset in their `datasets` member instead of on every feature.
DATASET_PROPERTIES = ("dataset_title", "knowledge_kind", "attribution")


def record_columns(viewer: Viewer) -> dict[str, str]:
    """Every property of a record as a SQL expression, as this viewer may see it."""
    precise = precise_sql(viewer)
    columns = _columns()
    columns["location_precise"] = precise
    # Which file an import wrote the record from: for those who may manage the record.
    columns["imported_from"] = (
        f"CASE WHEN o.import_file_id IS NOT NULL AND {manage_sql(viewer)} THEN {_IMPORTED_FROM} END"
    )
    # The named place: a record names it only to those who may see the record precisely AND the place itself
    # (a private fishing mark stays private whatever record names it).
    place = f"(SELECT pl.id FROM place pl WHERE pl.id = o.place_id AND {see_record_sql(viewer, 'pl')})"
    columns["place_id"] = place
    columns["place"] = (
        "(SELECT json_build_object('id', pl.id, 'name', (SELECT pn.name FROM place_name pn WHERE pn.place_id = pl.id"
        f" ORDER BY pn.id LIMIT 1)) FROM place pl WHERE pl.id = o.place_id AND {see_record_sql(viewer, 'pl')})"
    )
    for name in PRECISE_FIELDS:
        if precise != "true":
            columns[name] = f"CASE WHEN {precise} THEN {columns[name]} END"
    # A form's sensitive field is withheld from everyone who may not manage the record, whatever its
    # visibility: it is treated as a precise place that is never public.
    manage = manage_sql(viewer)
    if manage != "true":
        withheld = f"o.field_values - {SENSITIVE_NAMES_SQL}"
        shown = f"CASE WHEN {manage} THEN o.field_values ELSE {withheld} END"
        columns["fields"] = withheld if manage == "false" else shown
    return columns


def proposal_shown_sql(viewer: Viewer, annotation: str = "a", observation: str = "o") -> str:
    """May the viewer see this annotation's proposed value (SQL boolean; 'true' when the viewer alone decides)?"""
    manage = manage_sql(viewer, observation)
    if manage == "true":
        return "true"
    public = ", ".join(f"'{field}'" for field in PUBLIC_PROPOSALS if field in CORRECTABLE_FIELDS)
    return f"({annotation}.field IS NULL OR {annotation}.field IN ({public}) OR {manage})"


def proposed_value_sql(viewer: Viewer, annotation: str = "a", observation: str = "o") -> str:
    """An annotation's proposed value as this viewer may see it: {"withheld": true} in place of a hidden one.

    Every output of annotations (their list, the record page, Darwin Core remarks) reads proposals
    through here. The expression names the annotation `annotation` and its record `observation`.
    """
    shown = proposal_shown_sql(viewer, annotation, observation)
    if shown == "true":
        return f"{annotation}.proposed_value"
    return f"CASE WHEN {shown} THEN {annotation}.proposed_value ELSE {WITHHELD_PROPOSAL} END"
