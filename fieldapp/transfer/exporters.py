"""Exports streamed from the database: GeoJSON, CSV, GeoPackage and Darwin Core Archive, as the viewer may see."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from fieldapp.access import Viewer, viewer_params
from fieldapp.datasets.models import Dataset
from fieldapp.datasets.queries import agreement_notice
from fieldapp.errors import BadRequest, NotFound
from fieldapp.geo.geojson import COORDINATE_DECIMALS
from fieldapp.geoprivacy.visible import visible_geometry_sql
from fieldapp.observations.columns import record_columns
from fieldapp.observations.queries import FROM_SQL, observation_feature_sql
from fieldapp.observations.seen import log_export_view
from fieldapp.transfer.export_words import TERMS_SQL, remark_words
from fieldapp.usage import record_usage
from fieldapp.vocab import ANNOTATION_KINDS

FORMATS = {
    "geojson": ("application/geo+json", "geojson"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "gpkg": ("application/geopackage+sqlite3", "gpkg"),
    "dwca": ("application/zip", "zip"),
}
BATCH = 2000
# People per annotation kind on each record (as in the GeoJSON "annotations" tally), in one lookup per row.
TALLY_JOIN = (
    " LEFT JOIN LATERAL (SELECT "
    + ", ".join(
        f"count(DISTINCT a.contributor_id) FILTER (WHERE a.kind = '{kind}') AS {kind}" for kind in ANNOTATION_KINDS
    )
    + " FROM annotation a WHERE a.observation_id = o.id) tally ON true"
)


def find_dataset(session: Session, slug: str) -> Dataset:
    dataset = session.scalar(select(Dataset).where(Dataset.slug == slug))
    if dataset is None:
        raise NotFound(f"No dataset {slug!r}.")
    return dataset


def check_format(fmt: str | None) -> str:
    if fmt not in FORMATS:
        raise BadRequest(
            f"Parameter 'format': use one of {', '.join(FORMATS)}.",
            [{"path": "format", "message": f"unknown format {fmt!r}"}],
        )
    return fmt


def stream_rows(
    session: Session, viewer: Viewer, dataset: Dataset, columns: dict[str, str], words: dict[str, Any] | None = None
) -> Iterator[Any]:
    """The dataset's observations this viewer may see, in insertion order, fetched in batches (server cursor).

    `words` are the export's texts in the request's language, bound to the columns that name them (TERMS_SQL,
    dwca_export.remarks_sql)."""
    geometry = visible_geometry_sql(viewer)
    # Aliased by position: a column's name (a custom field's "field_<name>") need not be an SQL identifier.
    select_list = ", ".join(f"{expr} AS c{i}" for i, expr in enumerate(columns.values()))
    tally = TALLY_JOIN if any("tally." in expr for expr in columns.values()) else ""
    sql = (
        f"SELECT {select_list} FROM {FROM_SQL}{tally}"
        f" WHERE o.dataset_id = :dataset AND {geometry} IS NOT NULL ORDER BY o.seq"
    )
    result = session.execute(
        text(sql).execution_options(stream_results=True, yield_per=BATCH),
        {"dataset": dataset.id, **viewer_params(viewer), **(words or {})},
    )
    yield from result


def count_upto(session: Session, viewer: Viewer, dataset: Dataset, limit: int) -> int:
    """How many of the dataset's records this viewer's export would hold, counting no further than `limit`."""
    sql = (
        f"SELECT count(*) FROM (SELECT 1 FROM {FROM_SQL} WHERE o.dataset_id = :dataset"
        f" AND {visible_geometry_sql(viewer)} IS NOT NULL LIMIT :limit) seen"
    )
    return session.scalar(text(sql), {"dataset": dataset.id, "limit": limit, **viewer_params(viewer)}) or 0


class Export:
    """One export in progress: iterate chunks() for the bytes; count says how many records went out.

    Once the last byte has gone out, the export is logged in the usage log with the records it held.
    """

    def __init__(self, session: Session, viewer: Viewer, dataset: Dataset, fmt: str | None, via: str = "api"):
        self.session, self.viewer, self.dataset, self.fmt = session, viewer, dataset, check_format(fmt)
        self.via = via
        self.count = 0
        # Told the records counted so far, every BATCH records (a job's progress, while a file is still written).
        self.progress: Callable[[int], None] | None = None
        # Read before the rows stream: the file carries its dataset's agreement, in the request's language.
        self.terms = agreement_notice(session, dataset.id)
        self.words = {"terms": self.terms, **remark_words()}
        # The dataset's custom fields (of every version of its form), a column each in CSV and GeoPackage.
        self.field_names = form_field_names(session, dataset.id)

    @property
    def media_type(self) -> str:
        return FORMATS[self.fmt][0]

    @property
    def filename(self) -> str:
        return f"{self.dataset.slug}.{FORMATS[self.fmt][1]}"

    def chunks(self) -> Iterator[bytes]:
        yield from self.body()
        self.log_usage()

    def body(self) -> Iterator[bytes]:
        """The file's bytes, nothing logged (a job logs its export in the transaction that ends it)."""
        yield from getattr(self, f"_{self.fmt}")()

    def log_usage(self, commit: bool = True) -> None:
        """Record the finished export (its exact count, no second query), so credit can come back."""
        parameters = {
            "dataset": self.dataset.slug,
            "format": self.fmt,
            "via": self.via,
            "viewer": self.viewer.role or "anonymous",
        }
        record_usage(self.session, "export", self.viewer.user_id or None, parameters, {self.dataset.id: self.count})
        log_export_view(self.session, self.viewer, self.dataset.id)
        if commit:
            self.session.commit()

    def _counted(self, columns: dict[str, str]) -> Iterator[Any]:
        for row in stream_rows(self.session, self.viewer, self.dataset, columns, self.words):
            self.count += 1
            if self.progress is not None and self.count % BATCH == 0:
                self.progress(self.count)
            yield row

    def _geojson(self) -> Iterator[bytes]:
        head = json.dumps(
            {
                "type": "FeatureCollection",
                "name": self.dataset.slug,
                "attribution": f"{self.dataset.title} · {self.dataset.licence}",
                "terms": self.terms,
            }
        )
        yield (head[:-1] + ', "features": [').encode()
        buffer: list[str] = []
        separator = "\n"
        for row in self._counted({"feature": flat_fields_feature_sql(self.viewer)}):
            buffer.append(row[0])
            if len(buffer) == BATCH:
                yield (separator + ",\n".join(buffer)).encode()
                buffer, separator = [], ",\n"
        if buffer:
            yield (separator + ",\n".join(buffer)).encode()
        yield b"\n]}\n"

    def _csv(self) -> Iterator[bytes]:
        columns = table_columns(self.viewer, self.field_names)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in self._counted(columns):
            writer.writerow([spreadsheet_safe(v) for v in row])
            if out.tell() > 256 * 1024:
                yield out.getvalue().encode()
                out.seek(0)
                out.truncate()
        yield out.getvalue().encode()

    def _gpkg(self) -> Iterator[bytes]:
        handle, name = tempfile.mkstemp(suffix=".gpkg", prefix="fieldapp-export-")
        os.close(handle)
        path = Path(name)
        path.unlink()
        try:
            columns = gpkg_columns(self.viewer, self.field_names)
            write_geopackage(path, self.dataset.slug, self._counted(columns), list(columns))
            with path.open("rb") as source:
                while chunk := source.read(1024 * 1024):
                    yield chunk
        finally:
            path.unlink(missing_ok=True)

    def _dwca(self) -> Iterator[bytes]:
        from fieldapp.transfer.dwca_export import archive_chunks

        return archive_chunks(self.session, self.dataset, self._counted, self.viewer)


# OWASP's CSV injection rule: a text cell starting with one of these is read as a formula by
# spreadsheets, so it is written with a leading apostrophe. Numbers (lon, lat, counts) are not text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: text that could start a formula gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def form_field_names(session: Session, dataset_id: int) -> list[str]:
    """The custom fields of every version of the dataset's form, newest version's order first."""
    sql = """
        SELECT x->>'name' AS name FROM dataset_form f, jsonb_array_elements(f.definition->'fields')
               WITH ORDINALITY AS e(x, position)
         WHERE f.dataset_id = :d AND x->>'type' <> 'note'
         GROUP BY 1 ORDER BY max(f.version) DESC, min(e.position)
    """
    return list(session.scalars(text(sql), {"d": dataset_id}))


def field_value_sql(fields: str, name: str) -> str:
    """One custom field's value as text (a multiple choice's values space-separated), from the values the
    viewer may see (record_columns' `fields`: a withheld sensitive field is NULL). `name` is a form field
    name (forms.definition.NAME: letters, digits and _), so it is safe inside a literal."""
    value = f"(({fields}) -> '{name}')"
    return (
        f"CASE jsonb_typeof({value}) WHEN 'array' THEN"
        f" array_to_string(ARRAY(SELECT jsonb_array_elements_text({value})), ' ')"
        f" WHEN 'boolean' THEN CASE WHEN ({value})::boolean THEN 'yes' ELSE 'no' END"
        f" ELSE ({fields}) ->> '{name}' END"
    )


def flat_fields_feature_sql(viewer: Viewer) -> str:
    """The record's Feature as text, with each custom field also a flat `field_<name>` property (GIS
    tools read flat properties; `fields` stays as the API gives it)."""
    feature = observation_feature_sql(viewer)
    fields = record_columns(viewer)["fields"]
    flat = "(SELECT jsonb_object_agg('field_' || k, v) FROM jsonb_each(x.fv) AS e(k, v))"
    return (
        "(SELECT CASE WHEN x.fv IS NULL OR x.fv = '{}'::jsonb THEN x.ft::text"
        f" ELSE jsonb_set(x.ft::jsonb, '{{properties}}', (x.ft::jsonb -> 'properties') || {flat})::text END"
        f" FROM (SELECT ({feature}) AS ft, ({fields}) AS fv) AS x)"
    )


def table_columns(viewer: Viewer, field_names: Sequence[str] = ()) -> dict[str, str]:
    """CSV columns: the record's fields, attribution, WKT geometry, lon/lat for points, then one column
    per custom field of the dataset's form (`field_<name>`)."""
    props = record_columns(viewer)
    geometry = visible_geometry_sql(viewer)
    chosen = (
        "dataset",
        "knowledge_kind",
        "subject_text",
        "scientific_name",
        "occurrence_status",
        "count",
        "abundance_scale",
        "abundance_value",
        "abundance_verbatim",
        "trend",
        "observed_start",
        "observed_end",
        "time_precision",
        "recorded_by",
        "attribution",
        "licence",
        "visibility",
        "coordinate_uncertainty_m",
        "public_precision_m",
        "confidence",
        "method",
        "notes",
        "source_ref",
    )
    columns = {"id": "o.id"} | {name: props[name] for name in chosen}
    columns["attributes"] = f"({props['attributes']})::text"
    columns |= {f"annotations_{kind}": f"tally.{kind}" for kind in ANNOTATION_KINDS}
    # The terms its holders lend the record on (its dataset's agreement, worded once per export in the
    # request's language: Export.params), on every row.
    columns["terms"] = TERMS_SQL
    columns["wkt"] = f"ST_AsText({geometry}, {COORDINATE_DECIMALS})"
    columns["lon"] = f"CASE WHEN GeometryType({geometry}) = 'POINT' THEN round(ST_X({geometry})::numeric, 7) END"
    columns["lat"] = f"CASE WHEN GeometryType({geometry}) = 'POINT' THEN round(ST_Y({geometry})::numeric, 7) END"
    columns |= {f"field_{name}": field_value_sql(props["fields"], name) for name in field_names}
    return columns


def gpkg_columns(viewer: Viewer, field_names: Sequence[str] = ()) -> dict[str, str]:
    columns = {
        name: f"({expr})::text"
        for name, expr in table_columns(viewer, field_names).items()
        if name not in ("wkt", "lon", "lat")
    }
    columns["wkb"] = f"ST_AsBinary({visible_geometry_sql(viewer)})"
    return columns


def write_geopackage(path: Path, layer: str, rows: Iterator[Any], names: list[str]) -> None:
    """Write rows (their columns in the order of `names`, wkb last) to a GeoPackage in batches (appending),
    so memory holds one batch at a time."""
    batch: list[Any] = []
    written = False
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            _write_batch(path, layer, batch, names, append=written)
            written, batch = True, []
    if batch or not written:
        _write_batch(path, layer, batch, names, append=written)


def _write_batch(path: Path, layer: str, batch: list[Any], names: list[str], append: bool) -> None:
    import pyogrio.raw  # on first use: GDAL is heavy for a web worker (see readers._gdal)

    where = {name: i for i, name in enumerate(names)}
    names = [name for name in names if name != "wkb"]
    geometry = np.array([bytes(row[where["wkb"]]) for row in batch], dtype=object)
    fields = [np.array([row[where[name]] for row in batch], dtype=object) for name in names]
    pyogrio.raw.write(
        path,
        geometry,
        fields,
        names,
        layer=layer,
        driver="GPKG",
        geometry_type="Unknown",
        crs="EPSG:4326",
        append=append,
    )


def export_to_file(session: Session, viewer: Viewer, slug: str, fmt: str, output: Path) -> int:
    """Write an export to a file (the CLI); return the number of observations."""
    export = Export(session, viewer, find_dataset(session, slug), fmt, via="cli")
    with output.open("wb") as out:
        for chunk in export.chunks():
            out.write(chunk)
    return export.count
