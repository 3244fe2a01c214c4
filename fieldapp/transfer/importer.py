"""Imports: read, map, check and stage every row, then write all-or-nothing, upserting by source_ref.

A record is updated only when the same source gives the same id (see identity.py); every written
import is recorded with its file's name and SHA-256, and each record points at the import that wrote it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from fieldapp.datasets.models import Dataset
from fieldapp.db import set_actor
from fieldapp.errors import Invalid, NotFound
from fieldapp.forms.queries import current_form
from fieldapp.geo.crs import JERSEY_BBOX
from fieldapp.observations import bulk
from fieldapp.transfer import identity
from fieldapp.transfer.archives import UNCONFIGURED, ArchiveLimits
from fieldapp.transfer.identity import Identity
from fieldapp.transfer.mapping import detect, parse_overrides, position_columns
from fieldapp.transfer.options import ImportOptions, check_options
from fieldapp.transfer.readers import Record, Source, open_source
from fieldapp.transfer.report_lines import Line, as_stored, quoted, text_line
from fieldapp.transfer.rows import RECORD_COLUMNS, STAGE_COLUMNS, RowBuilder, now_day, resolve_crs
from fieldapp.transfer.values import ValueProblem, choose_date_order, parse_when

MAX_LISTED = 1000  # rejections and repairs listed one by one; the counts are always complete
PROGRESS_EVERY = 2000


@dataclass
class ImportReport:
    """Everything an import found and did, for the CLI, the API and the page."""

    dataset: str
    file: str
    format: str = ""
    dry_run: bool = False
    written: bool = False
    rows_read: int = 0
    to_create: int = 0
    to_update: int = 0
    unchanged: int = 0
    created: int = 0
    updated: int = 0
    repaired_count: int = 0
    rejected_count: int = 0
    repaired: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[Line] = field(default_factory=list)
    mapping: dict[str, Line] = field(default_factory=dict)
    crs: str = ""
    readings: dict[str, str] = field(default_factory=dict)
    # The file (name, sha256, size), how its records are identified, and the import's id once written.
    source: dict[str, Any] = field(default_factory=dict)
    # The earlier imports whose records this one updates (would update, in a dry run), with counts.
    updates_from: list[dict[str, Any]] = field(default_factory=list)
    # Updates that change a record's geometry kind or subject: counts and a few examples.
    identity_changes: dict[str, Any] = field(default_factory=dict)

    def reject(self, record: Record, reason: Line) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_LISTED:
            self.rejected.append({"row": record.number, "layer": record.layer, "reason": reason})

    def repair(self, row: int, layer: str | None, note: Line) -> None:
        self.repaired_count += 1
        if len(self.repaired) < MAX_LISTED:
            self.repaired.append({"row": row, "layer": layer, "note": note})

    def as_dict(self) -> dict[str, Any]:
        """The report as stored and answered: each line as its code, parameters and English message
        (a rejection's `reason` and a repair's `note` stay its English words, beside its code and parameters)."""
        stored = asdict(self)
        for key, words in (("rejected", "reason"), ("repaired", "note")):
            stored[key] = [{**entry, **_flat(entry[words], words)} for entry in stored[key]]
        return as_stored(stored)


class ImportRejected(Invalid):
    """Some rows cannot be imported, so nothing was written; the report says which and why."""

    def __init__(self, report: ImportReport):
        details = [{"path": _where(r), "message": r["reason"]} for r in report.rejected[:100]]
        super().__init__(
            f"{report.rejected_count} of {report.rows_read} rows cannot be imported, so nothing was"
            " written; fix them, or import the others with skip_rejected.",
            details,
        )
        self.report = report


def _flat(line: Any, words: str) -> dict[str, Any]:
    line = text_line(line)
    return {words: str(line), "code": line.code, "params": as_stored(line.params)}


def _where(rejection: dict[str, Any]) -> str:
    layer = f"{rejection['layer']} " if rejection.get("layer") else ""
    return f"{layer}row {rejection['row']}"


def run_import(
    session: Session,
    path: Path,
    options: ImportOptions,
    workdir: Path,
    progress: Callable[[float, int], None] | None = None,
    limits: ArchiveLimits = UNCONFIGURED,
) -> ImportReport:
    """Import a file into a dataset in the session's transaction; the caller commits (or rolls back).

    `limits` bound an uploaded zip: the deployment's (ArchiveLimits.of(settings)), else Settings' defaults.
    """
    dataset = session.scalar(select(Dataset).where(Dataset.slug == options.dataset))
    if dataset is None:
        raise NotFound(f"No dataset {options.dataset!r}.")
    check_options(options)
    source = open_source(path, workdir, options.format, options.layer, limits)
    try:
        ident = Identity(sha256=identity.file_sha256(path), key=options.source_key or None)
        return _import(session, source, dataset, path, options, ident, progress)
    finally:
        source.close()


def _import(
    session: Session,
    source: Source,
    dataset: Dataset,
    path: Path,
    options: ImportOptions,
    ident: Identity,
    progress: Callable[[float, int], None] | None,
) -> ImportReport:
    report = ImportReport(dataset=dataset.slug, file=path.name, format=source.format, dry_run=options.dry_run)
    report.source = {
        "name": path.name,
        "sha256": ident.sha256,
        "size": path.stat().st_size,
        "format": source.format,
        "source_key": ident.key,
    }
    records, builder = _prepare(session, source, options, dataset, report)
    builder.identity = ident
    report.source["id_column"] = builder.mapping.columns.get("id")
    report.source["identified"] = ident.describe(report.source["id_column"])
    stage = Stage(session)
    stage.fill(records, builder, report, lambda: progress(source.progress(), report.rows_read) if progress else None)
    if report.rows_read == 0:
        raise Invalid(
            Line("no_rows"),
            [{"path": "file", "message": "no rows"}],
        )
    _warn(builder, report)
    stage.check_duplicates(report)
    stage.place_points()
    report.to_create, report.to_update = stage.counts(dataset.id)
    _compare_with_earlier(session, stage, dataset.id, report)
    if report.rejected_count and not options.skip_rejected:
        raise ImportRejected(report)
    if not options.dry_run:
        _write(session, stage, dataset, options.user_id, report)
    stage.drop()
    return report


def _compare_with_earlier(session: Session, stage: Stage, dataset_id: int, report: ImportReport) -> None:
    """Say which earlier imports this one updates, and warn loudly when an update changes what a record is."""
    if report.to_update:
        report.updates_from = identity.earlier_imports(session, stage.table, dataset_id)
        report.identity_changes = identity.identity_changes(session, stage.table, dataset_id)
        warnings = identity.change_warnings(report.identity_changes, report.updates_from, report.dry_run)
        report.warnings[:0] = warnings
    report.warnings.extend(identity.new_version_hints(session, dataset_id, report.source))


def _write(session: Session, stage: Stage, dataset: Dataset, user_id: int | None, report: ImportReport) -> None:
    set_actor(session, user_id)
    import_id = identity.record_import(session, dataset.id, user_id, report.source)
    report.source["import_id"] = import_id
    report.created, report.updated = stage.upsert(dataset, user_id, import_id)
    identity.record_outcome(session, import_id, report.created, report.updated)
    report.unchanged = report.to_update - report.updated
    report.written = True


def _prepare(
    session: Session, source: Source, options: ImportOptions, dataset: Dataset, report: ImportReport
) -> tuple[Iterator[Record], RowBuilder]:
    crs, crs_reading = resolve_crs(source.crs, options.crs, source.has_geometry)
    form = current_form(session, dataset.id)
    names = tuple(f["name"] for f in form.definition["fields"] if f["type"] != "note") if form else ()
    mapping = detect(source.columns, parse_overrides(options.mapping), names)
    _check_field_targets(mapping, names)
    if not source.has_geometry and not ("wkt" in mapping.columns or {"latitude", "longitude"} <= set(mapping.columns)):
        raise Invalid(
            Line("file_no_geometry", columns=", ".join(source.columns[:40])),
            [{"path": "map", "message": "no coordinates"}],
        )
    head = list(islice(source.records, 1000))
    order, why = _date_order(head, mapping, options.date_order)
    default_subject = Path(report.file).stem
    builder = RowBuilder(
        mapping,
        crs,
        order,
        _default_time(options),
        default_subject,
        dataset.licence,
        # Columns that fill the form's fields stay out of attributes: a sensitive one must not be shown there.
        position_columns(source.columns, mapping)
        | {mapping.columns[t] for t in mapping.field_targets().values() if t in mapping.columns},
        (form.version, form.definition) if form else None,
    )
    report.crs = crs_reading
    report.mapping = mapping.describe()
    report.readings = {**source.readings, "dates": Line("dates_read_as", order=order, why=why)}
    report.warnings.extend(source.warnings)
    return chain(head, source.records), builder


def _check_field_targets(mapping, names: tuple[str, ...]) -> None:
    """A field:<name> target must name a field of the dataset's current form."""
    unknown = sorted(set(mapping.field_targets()) - set(names))
    if unknown:
        have = ", ".join(names) or "none: the dataset has only the common fields"
        raise Invalid(
            f"The dataset's form has no field {unknown[0]!r} (its fields: {have}).",
            [{"path": f"map.field:{n}", "message": "no such field in the dataset's form"} for n in unknown],
        )


def _date_order(head: list[Record], mapping, given: str | None) -> tuple[str, Line]:
    if given:  # checked by check_options
        return given, Line("given")
    column = mapping.columns.get("time")
    samples = [str(r.values.get(column)) for r in head if column and r.values.get(column)]
    return choose_date_order(samples)


def _default_time(options: ImportOptions) -> datetime:
    # A default_date that cannot be read was refused by check_options.
    return parse_when(options.default_date).start if options.default_date else now_day()


def _warn(builder: RowBuilder, report: ImportReport) -> None:
    c = builder.counters
    examples = {name: ", ".join(map(str, rows)) for name, rows in c.examples.items()}
    west, south, east, north = JERSEY_BBOX
    messages = [
        (
            c.default_time,
            lambda: Line(
                "no_date",
                count=c.default_time,
                date=str(builder.default_time.date()),
                rows=examples.get("default_time"),
            ),
        ),
        (
            c.default_subject,
            lambda: Line("no_subject", count=c.default_subject, subject=quoted(builder.default_subject)),
        ),
        (c.unknown_licence, lambda: Line("unknown_licence", count=c.unknown_licence, licence=builder.dataset_licence)),
        (
            c.outside_aoi,
            lambda: Line("outside_aoi", count=c.outside_aoi, west=west, east=east, south=south, north=north),
        ),
        (c.outside_crs_area, lambda: Line("outside_crs_area", count=c.outside_crs_area, area=str(builder.crs_area))),
        (c.withheld_values, lambda: Line("withheld_values", count=c.withheld_values)),
        (c.dropped_z, lambda: Line("dropped_z", count=c.dropped_z)),
        (c.unscaled_abundance, lambda: Line("unscaled_abundance", count=c.unscaled_abundance)),
    ]
    report.warnings.extend(line() for count, line in messages if count)
    if c.other_licences:
        # The records keep their own licence (exports give it per record): reusers must follow both.
        licences = [Line("rows_under_licence", count=n, licence=code) for code, n in sorted(c.other_licences.items())]
        report.warnings.append(Line("other_licences", licence=builder.dataset_licence, licences=licences))


class Stage:
    """A temporary table the rows are COPYed into, checked, then upserted from, in one transaction."""

    def __init__(self, session: Session):
        self.session = session
        self.table = f"import_stage_{uuid.uuid4().hex[:12]}"
        self.duplicates = False
        self.session.execute(
            text(f"""
            CREATE TEMP TABLE {self.table} (
              row_no integer, source_ref text, subject_text text, recorded_by_text text, count integer,
              abundance_scale text, abundance_value text, abundance_verbatim text, occurrence_status text,
              observed_start timestamptz, observed_end timestamptz, time_precision text,
              lon double precision, lat double precision, geom geometry, coordinate_uncertainty_m double precision,
              licence text, attributes jsonb, form_version integer, field_values jsonb, repair_note text
            ) ON COMMIT DROP""")
        )

    def fill(
        self, records: Iterator[Record], builder: RowBuilder, report: ImportReport, tick: Callable[[], None]
    ) -> None:
        """COPY every buildable record into the stage; note the others in the report."""
        raw = self.session.connection().connection.driver_connection
        if raw is None:  # only when the pool has invalidated the connection
            raise RuntimeError("the database connection is closed")
        statement = f"COPY {self.table} ({', '.join(STAGE_COLUMNS)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for record in records:
                report.rows_read += 1
                try:
                    row = builder.build(record)
                except ValueProblem as exc:
                    report.reject(record, exc.line)
                    continue
                if row[-1]:
                    report.repair(record.number, record.layer, row[-1])
                copy.write_row(row)
                if report.rows_read % PROGRESS_EVERY == 0:
                    tick()
        tick()

    def check_duplicates(self, report: ImportReport) -> None:
        sql = f"""SELECT source_ref, array_agg(row_no ORDER BY row_no) AS rows FROM {self.table}
                  GROUP BY source_ref HAVING count(*) > 1 ORDER BY min(row_no) LIMIT {MAX_LISTED}"""
        for ref, rows in self.session.execute(text(sql)):
            for row in rows[1:]:
                report.reject(
                    Record(number=row, ref=ref, values={}),
                    Line("repeated_id", ref=quoted(ref), first=rows[0]),
                )
            self.duplicates = True

    def counts(self, dataset_id: int) -> tuple[int, int]:
        sql = f"""SELECT count(*) FILTER (WHERE o.id IS NULL), count(*) FILTER (WHERE o.id IS NOT NULL)
                  FROM {self.table} s LEFT JOIN observation o
                  ON o.dataset_id = :dataset AND o.source_ref = s.source_ref"""
        new, existing = self.session.execute(text(sql), {"dataset": dataset_id}).one()
        return new, existing

    def place_points(self) -> None:
        """Give plain points (read as lon/lat) their geometry, so every staged row can be compared."""
        self.session.execute(
            text(f"""UPDATE {self.table} s SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326)
                                     WHERE s.geom IS NULL""")
        )

    def upsert(self, dataset: Dataset, user_id: int | None, import_id: int) -> tuple[int, int]:
        """Insert new rows and update changed ones (matched by source_ref); return (created, updated)."""
        if self.duplicates:
            # Only with skip_rejected: the first row of a repeated id is kept, as the report says.
            self.session.execute(
                text(
                    f"DELETE FROM {self.table} s USING {self.table} t"
                    " WHERE s.source_ref = t.source_ref AND s.row_no > t.row_no"
                )
            )
        params = {
            "dataset": dataset.id,
            "steward": dataset.steward_id,
            "user": user_id,
            "visibility": dataset.default_visibility,
            "import_file": import_id,
        }
        # New rows first, set-based (observations.bulk); a source_ref that exists, or that a
        # concurrent import commits meanwhile, is skipped here and updated below, through the triggers.
        (created,) = bulk.run(self.session, _INSERT.format(table=self.table), params)
        staged = self.session.execute(text(f"SELECT count(*) FROM {self.table}")).scalar_one()
        updated = 0
        if created < staged:
            updated = self.session.connection().execute(text(_UPDATE.format(table=self.table)), params).rowcount
        return created, updated

    def drop(self) -> None:
        self.session.execute(text(f"DROP TABLE IF EXISTS {self.table}"))


# What a re-import may change: the staged record columns and the subject they link to.
_UPDATED = ("subject_id", *RECORD_COLUMNS)
# The staged rows as observation columns; a subject is linked when its scientific name matches.
_STAGED = (
    """
SELECT CAST(:dataset AS integer) AS dataset_id,
       CASE WHEN s.recorded_by_text IS NULL THEN CAST(:steward AS integer) END AS contributor_id,
       sub.id AS subject_id, """
    + ", ".join(f"s.{c}" for c in RECORD_COLUMNS)
    + """, s.source_ref, s.row_no,
       CAST(:import_file AS bigint) AS import_file_id
  FROM {table} s
  LEFT JOIN (SELECT lower(scientific_name) AS name, min(id) AS id FROM subject
              WHERE scientific_name IS NOT NULL GROUP BY 1) sub ON sub.name = lower(s.subject_text)
"""
)
_INSERTED = (
    "id",
    "dataset_id",
    "contributor_id",
    "entered_by",
    "visibility",
    "source_ref",
    "import_file_id",
    *_UPDATED,
)
_INSERT = bulk.insert_sql(
    list(_INSERTED),
    "SELECT gen_random_uuid() AS id, CAST(:user AS integer) AS entered_by,"
    " CAST(:visibility AS text) AS visibility, staged.* FROM (" + _STAGED + ") AS staged ORDER BY staged.row_no",
    "(dataset_id, source_ref)",
    returning="count",
)
_UPDATE = (
    """
UPDATE observation SET
"""
    + ",\n".join(f"    {c} = staged.{c}" for c in _UPDATED)
    + """,
    import_file_id = staged.import_file_id,
    updated_at = now()
  FROM ("""
    + _STAGED
    + """) AS staged
 WHERE observation.dataset_id = :dataset AND observation.source_ref = staged.source_ref
   AND ("""
    + ", ".join(f"observation.{c}" for c in _UPDATED)
    + """) IS DISTINCT FROM
       ("""
    + ", ".join(f"staged.{c}" for c in _UPDATED)
    + """)
"""
)
