"""Darwin Core Archive export: occurrence.txt, meta.xml and eml.xml, zipped while streaming."""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from tempfile import SpooledTemporaryFile
from typing import Any
from xml.etree import ElementTree

from flask_babel import get_locale
from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.access import Viewer, exact_sql
from fieldapp.contributors.attribution import recorded_by_sql
from fieldapp.datasets.models import Dataset
from fieldapp.datasets.queries import agreement_notice
from fieldapp.geoprivacy.visible import visible_geometry_sql
from fieldapp.i18n import DEFAULT_LANGUAGE, LANGUAGES, _
from fieldapp.observations.abundance import HELP
from fieldapp.observations.columns import proposal_shown_sql, proposed_value_sql, record_columns
from fieldapp.transfer.export_words import TERMS_SQL
from fieldapp.ui import ANNOTATION_WORDS
from fieldapp.vocab import LICENCE_URIS

DWC = "http://rs.tdwg.org/dwc/terms/"
DCTERMS = "http://purl.org/dc/terms/"
TERMS = (
    ("occurrenceID", DWC),
    ("basisOfRecord", DWC),
    ("eventDate", DWC),
    ("scientificName", DWC),
    ("vernacularName", DWC),
    ("language", DCTERMS),
    ("recordedBy", DWC),
    ("license", DCTERMS),
    ("rightsHolder", DCTERMS),
    ("datasetName", DWC),
    ("decimalLatitude", DWC),
    ("decimalLongitude", DWC),
    ("geodeticDatum", DWC),
    ("coordinateUncertaintyInMeters", DWC),
    ("footprintWKT", DWC),
    ("occurrenceStatus", DWC),
    ("organismQuantity", DWC),
    ("organismQuantityType", DWC),
    ("individualCount", DWC),
    ("samplingProtocol", DWC),
    ("accessRights", DCTERMS),
    ("informationWithheld", DWC),
    ("dataGeneralizations", DWC),
    ("identificationRemarks", DWC),
    ("occurrenceRemarks", DWC),
)
REMARK_BODY_CHARS = 200
# The language of the contributor's words: of the name they fold to (the linked subject's own names first).
VERNACULAR_LANGUAGE_SQL = (
    "(SELECT vn.language FROM subject_name vn WHERE fieldapp_fold(vn.name) = fieldapp_fold(o.subject_text)"
    " ORDER BY vn.subject_id IS NOT DISTINCT FROM o.subject_id DESC, vn.id LIMIT 1)"
)
_FORMATS = {
    "instant": 'YYYY-MM-DD"T"HH24:MI:SS"Z"',
    "day": "YYYY-MM-DD",
    "month": "YYYY-MM",
    "year": "YYYY",
    "season": "YYYY-MM-DD",
    "decade": "YYYY",
}


def _iso_sql(column: str) -> str:
    """ISO 8601 at the record's precision: reduced precision stays reduced."""
    cases = " ".join(f"WHEN '{p}' THEN to_char({column} AT TIME ZONE 'UTC', '{f}')" for p, f in _FORMATS.items())
    return f"CASE o.time_precision {cases} END"


def term_columns(viewer: Viewer) -> dict[str, str]:
    """SQL for each Darwin Core term, from what this viewer may see."""
    geometry = visible_geometry_sql(viewer)
    allowed = exact_sql(viewer)
    columns = record_columns(viewer)
    withheld = f"(o.visibility = 'generalised' AND NOT {allowed})"
    licences = " ".join(f"WHEN '{code}' THEN '{uri}'" for code, uri in LICENCE_URIS.items() if uri)
    centre = f"CASE WHEN GeometryType({geometry}) = 'POINT' THEN {geometry} ELSE ST_PointOnSurface({geometry}) END"
    return {
        "occurrenceID": "'urn:uuid:' || o.id",
        "basisOfRecord": "'HumanObservation'",
        "eventDate": f"{_iso_sql('o.observed_start')} || CASE WHEN o.observed_end IS NULL THEN ''"
        f" ELSE '/' || {_iso_sql('o.observed_end')} END",
        "scientificName": "s.scientific_name",
        # The words the contributor used, and the language of the name they are (the linked subject's first).
        "vernacularName": "o.subject_text",
        "language": VERNACULAR_LANGUAGE_SQL,
        "recordedBy": recorded_by_sql(),
        "license": f"CASE o.licence {licences} ELSE o.licence END",
        "rightsHolder": "coalesce(c.display_name, o.recorded_by_text, (SELECT sc.display_name FROM contributor sc"
        " WHERE sc.id = d.steward_id))",
        "datasetName": "d.title",
        "decimalLatitude": f"round(ST_Y({centre})::numeric, 7)",
        "decimalLongitude": f"round(ST_X({centre})::numeric, 7)",
        "geodeticDatum": "'EPSG:4326'",
        # A generalised record is somewhere in its cell: half the cell's diagonal from the centre.
        "coordinateUncertaintyInMeters": f"CASE WHEN {withheld} THEN round((o.public_precision_m * sqrt(2) / 2)"
        f"::numeric, 1) ELSE {columns['coordinate_uncertainty_m']} END",
        "footprintWKT": f"CASE WHEN GeometryType({geometry}) <> 'POINT' THEN ST_AsText({geometry}, 7) END",
        "occurrenceStatus": "o.occurrence_status",
        "organismQuantity": "o.abundance_value",
        "organismQuantityType": "o.abundance_scale",
        "individualCount": "o.count",
        "samplingProtocol": "coalesce(nullif(o.method, ''), nullif(d.method, ''))",
        "accessRights": TERMS_SQL,
        # Codes here (what is withheld, the cell's size), words in the request's language: notice_words.
        "informationWithheld": f"CASE WHEN {withheld} THEN 'withheld' END",
        "dataGeneralizations": f"CASE WHEN {withheld} THEN o.public_precision_m END",
        "identificationRemarks": remarks_sql(("question", "correction"), viewer),
        "occurrenceRemarks": remarks_sql(("corroborate", "context"), viewer),
    }


def remarks_sql(kinds: tuple[str, ...], viewer: Viewer) -> str:
    """Annotations of these kinds as short text, oldest first, each with its author as credited.

    A proposed place is precise data: columns.proposal_shown_sql names it only to those who manage the record.
    """
    words = " ".join(f"WHEN '{kind}' THEN :remark_{kind}" for kind in ANNOTATION_WORDS)
    value = (
        f"CASE WHEN NOT {proposal_shown_sql(viewer)} THEN format(:remark_withheld, NULL, NULL, a.field) ELSE"
        f" (SELECT string_agg(p.key || ' ' || p.value, ', ') FROM jsonb_each_text({proposed_value_sql(viewer)}) p) END"
    )
    status = "CASE a.status WHEN 'accepted' THEN :remark_status_accepted WHEN 'answered' THEN :remark_status_answered"
    date = "to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    body = (
        f"CASE WHEN length(a.body) > {REMARK_BODY_CHARS} THEN left(a.body, {REMARK_BODY_CHARS}) || '…' ELSE a.body END"
    )
    kind_list = ", ".join(f"'{kind}'" for kind in kinds)
    return (
        # The sentence is the request's language's (export_words.remark_words), its parts by position.
        f"(SELECT string_agg(format(CASE a.kind {words} END, ac.display_name, {date}, a.field,"
        f" CASE WHEN a.kind = 'correction' THEN coalesce({value}, '?') END)"
        f" || CASE WHEN nullif(a.body, '') IS NULL THEN '' ELSE ': ' || {body} END"
        f" || CASE WHEN a.status <> 'open' THEN ' [' || coalesce({status} END, a.status) || ']' ELSE '' END,"
        " ' | ' ORDER BY a.created_at, a.id)"
        " FROM annotation a JOIN contributor ac ON ac.id = a.contributor_id"
        f" WHERE a.observation_id = o.id AND a.kind IN ({kind_list}))"
    )


MOF_ROW_TYPE = "http://rs.iobis.org/obis/terms/ExtendedMeasurementOrFact"
MOF_FILE = "extendedmeasurementorfact.txt"
MOF_TERMS = ("measurementType", "measurementValue", "measurementUnit")


def meta_xml(with_measurements: bool = False) -> bytes:
    """The archive descriptor: a tab-separated core with a header line, columns by index, and the
    custom fields of the dataset's form as an Extended MeasurementOrFact extension when it has one."""
    root = ElementTree.Element("archive", {"xmlns": "http://rs.tdwg.org/dwc/text/", "metadata": "eml.xml"})
    core = ElementTree.SubElement(
        root,
        "core",
        {
            "encoding": "UTF-8",
            "fieldsTerminatedBy": "\\t",
            "linesTerminatedBy": "\\n",
            "fieldsEnclosedBy": "",
            "ignoreHeaderLines": "1",
            "rowType": DWC + "Occurrence",
        },
    )
    files = ElementTree.SubElement(core, "files")
    ElementTree.SubElement(files, "location").text = "occurrence.txt"
    ElementTree.SubElement(core, "id", {"index": "0"})
    for index, (term, namespace) in enumerate(TERMS):
        ElementTree.SubElement(core, "field", {"index": str(index), "term": namespace + term})
    if with_measurements:
        extension = ElementTree.SubElement(
            root,
            "extension",
            {
                "encoding": "UTF-8",
                "fieldsTerminatedBy": "\\t",
                "linesTerminatedBy": "\\n",
                "fieldsEnclosedBy": "",
                "ignoreHeaderLines": "1",
                "rowType": MOF_ROW_TYPE,
            },
        )
        ElementTree.SubElement(ElementTree.SubElement(extension, "files"), "location").text = MOF_FILE
        ElementTree.SubElement(extension, "coreid", {"index": "0"})
        for index, term in enumerate(MOF_TERMS, start=1):
            ElementTree.SubElement(extension, "field", {"index": str(index), "term": DWC + term})
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="utf-8")


def _export_language() -> str:
    """The language the export is worded in: the request's, or the one an export job forces in its worker."""
    try:
        locale = get_locale()
    except RuntimeError:  # an app context with neither a request nor a forced locale
        locale = None
    return locale.language if locale is not None and locale.language in LANGUAGES else DEFAULT_LANGUAGE


def eml_xml(session: Session, dataset: Dataset) -> bytes:
    """Dataset metadata: title, abstract, creator, contact, licence, citation and the abundance scales used."""
    steward = dataset.steward.display_name
    root = ElementTree.Element(
        "eml:eml",
        {
            "xmlns:eml": "eml://ecoinformatics.org/eml-2.1.1",
            "packageId": f"fieldapp:{dataset.slug}",
            "system": "fieldapp",
            # The language its notices and remarks are worded in (the request's, as export_words words them).
            "xml:lang": _export_language(),
        },
    )
    node = ElementTree.SubElement(root, "dataset")
    ElementTree.SubElement(node, "title").text = dataset.title
    for role in ("creator", "contact"):
        party = ElementTree.SubElement(node, role)
        ElementTree.SubElement(party, "organizationName").text = steward
    abstract = ElementTree.SubElement(node, "abstract")
    ElementTree.SubElement(abstract, "para").text = dataset.description or dataset.title
    rights = ElementTree.SubElement(node, "intellectualRights")
    uri = LICENCE_URIS.get(dataset.licence)
    ElementTree.SubElement(rights, "para").text = f"{dataset.licence}" + (f" ({uri})" if uri else "")
    if notice := agreement_notice(session, dataset.id):
        ElementTree.SubElement(rights, "para").text = notice
    ElementTree.SubElement(node, "licensed").text = uri or dataset.licence
    citation = dataset.citation or f"{steward} ({datetime.now(UTC).year}). {dataset.title}. fieldapp."
    ElementTree.SubElement(root, "additionalMetadata").append(_citation(citation))
    methods = ElementTree.SubElement(node, "methods")
    step = ElementTree.SubElement(ElementTree.SubElement(methods, "methodStep"), "description")
    ElementTree.SubElement(step, "para").text = dataset.method or _("Not stated.")
    for scale in _scales(session, dataset):
        ElementTree.SubElement(step, "para").text = f"organismQuantityType {scale}: {HELP.get(scale, scale)}"
    for version, definition in _forms(session, dataset).items():
        described = "; ".join(_field_words(f) for f in definition["fields"] if f["type"] != "note")
        ElementTree.SubElement(step, "para").text = _(
            "Recording form version %(version)s: %(fields)s.", version=version, fields=described
        )
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="utf-8")


def _forms(session: Session, dataset: Dataset) -> dict[int, dict[str, Any]]:
    """Every version of the dataset's form, by version (its records may have been made with any)."""
    rows = session.execute(
        text("SELECT version, definition FROM dataset_form WHERE dataset_id = :d ORDER BY version"), {"d": dataset.id}
    )
    return {r.version: r.definition for r in rows}


def _label(field: dict[str, Any]) -> str:
    labels = field.get("label") or {}
    return labels.get("en") or next(iter(labels.values()), field["name"])


def _field_words(field: dict[str, Any]) -> str:
    unit = f" in {field['unit']}" if field.get("unit") else ""
    return f"{field['name']} ({_label(field)}, {field['type']}{unit})"


def measurement_rows(occurrence: str, values: dict[str, Any] | None, definition: dict[str, Any]) -> Iterator[list]:
    """One MeasurementOrFact row per answered field: type (its label), value and unit."""
    for field in definition.get("fields", []):
        value = (values or {}).get(field["name"])
        if value is None:
            continue
        shown = " ".join(map(str, value)) if isinstance(value, list) else value
        shown = {True: "yes", False: "no"}.get(shown, shown) if isinstance(shown, bool) else shown
        yield [occurrence, _label(field), shown, field.get("unit") or ""]


def _citation(citation: str) -> ElementTree.Element:
    metadata = ElementTree.Element("metadata")
    gbif = ElementTree.SubElement(metadata, "gbif")
    ElementTree.SubElement(gbif, "citation").text = citation
    return metadata


def _scales(session: Session, dataset: Dataset) -> list[str]:
    sql = "SELECT DISTINCT abundance_scale FROM observation WHERE dataset_id = :d AND abundance_scale IS NOT NULL"
    return sorted(session.execute(text(sql), {"d": dataset.id}).scalars())


class _Pipe(io.RawIOBase):
    """A write-only, unseekable sink: zipfile writes into it and the export drains it as it goes."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def drain(self) -> bytes:
        data, self.parts, self.size = b"".join(self.parts), [], 0
        return data


def _cell(value: Any) -> str:
    if value is None:
        return ""
    # The core has no quoting: tabs and line breaks inside values would break rows.
    return str(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")


_WITHHELD = [term for term, _ns in TERMS].index("informationWithheld")
_GENERALISED = [term for term, _ns in TERMS].index("dataGeneralizations")


def notice_words(values: Any) -> list[Any]:
    """The row with its two notices in words, in the language of the request (English outside one): the
    SQL says only whether the location is withheld and the cell's size, so the gate decides what is told."""
    out = list(values)
    if out[_WITHHELD]:
        out[_WITHHELD] = _("Precise location withheld to protect the site; ask the dataset steward.")
    if out[_GENERALISED] is not None:
        size = out[_GENERALISED]
        size = f"{size:g}" if isinstance(size, float) else str(size)
        out[_GENERALISED] = _("Location generalised to the %(size)s m grid cell that contains it.", size=size)
    return out


def archive_chunks(
    session: Session, dataset: Dataset, rows: Callable[[dict[str, str]], Iterator[Any]], viewer: Viewer
) -> Iterator[bytes]:
    """Zip the archive into a pipe and hand out its bytes as they come."""
    forms = _forms(session, dataset)
    columns = term_columns(viewer)
    if forms:
        # Two columns after the terms: the record's form version and its values as this viewer may see them.
        columns |= {"_form_version": "o.form_version", "_fields": record_columns(viewer)["fields"]}
    pipe = _Pipe()
    with (
        zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        SpooledTemporaryFile(max_size=8 * 1024 * 1024) as facts,
    ):
        archive.writestr("meta.xml", meta_xml(with_measurements=bool(forms)))
        archive.writestr("eml.xml", eml_xml(session, dataset))
        yield pipe.drain()
        facts.write(("\t".join(["id", *MOF_TERMS]) + "\n").encode())
        with archive.open("occurrence.txt", "w", force_zip64=True) as core:
            core.write(("\t".join(term for term, _ in TERMS) + "\n").encode())
            for row in rows(columns):
                core.write(("\t".join(_cell(v) for v in notice_words(row[: len(TERMS)])) + "\n").encode())
                if forms and row[-1]:
                    for fact in measurement_rows(row[0], row[-1], forms.get(row[-2], {})):
                        facts.write(("\t".join(_cell(v) for v in fact) + "\n").encode())
                if pipe.size > 256 * 1024:
                    yield pipe.drain()
        if forms:
            facts.seek(0)
            with archive.open(MOF_FILE, "w", force_zip64=True) as extension:
                shutil.copyfileobj(facts, extension)
    yield pipe.drain()
