"""The `fieldapp import` and `fieldapp export` commands."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click
from sqlalchemy import text

from fieldapp.config import current_settings
from fieldapp.db import get_db
from fieldapp.errors import FieldAppError
from fieldapp.transfer.archives import ArchiveLimits
from fieldapp.transfer.importer import ImportRejected, ImportReport, run_import
from fieldapp.transfer.options import ImportOptions, parse_options
from fieldapp.transfer.place_import import import_places
from fieldapp.transfer.readers import FORMATS


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dataset", required=True, help="Slug of the dataset to import into.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Format, when the file name does not tell.")
@click.option("--layer", help="Layer to read (GeoPackage, KML, GPX; a shapefile's name in a zip).")
@click.option("--crs", help="Source CRS, overriding the file's (e.g. EPSG:27700).")
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="TARGET=COLUMN",
    help="Map a field to a column (subject=EUNIScombD), to a constant (subject==Maerl) or to nothing.",
)
@click.option("--date-order", type=click.Choice(["dmy", "mdy"]), help="How to read 03/04/2021 style dates.")
@click.option("--default-date", help="observed_start for rows without a date (ISO 8601).")
@click.option(
    "--source-key",
    help="Name the source (e.g. mcz-2024): rows without ids update only records imported with the same key.",
)
@click.option("--dry-run", is_flag=True, help="Report what would happen; write nothing.")
@click.option("--skip-rejected", is_flag=True, help="Import the good rows even if some are rejected.")
@click.option("--as-user", "email", help="Email of the account doing the import (recorded in the history).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_command(
    file: Path,
    dataset: str,
    fmt: str | None,
    layer: str | None,
    crs: str | None,
    mapping: tuple[str, ...],
    date_order: str | None,
    default_date: str | None,
    source_key: str | None,
    dry_run: bool,
    skip_rejected: bool,
    email: str | None,
    as_json: bool,
) -> None:
    """Import a survey file into a dataset (all-or-nothing; re-importing updates only the same source's records)."""
    given = {
        "format": fmt,
        "layer": layer,
        "crs": crs,
        "date_order": date_order,
        "default_date": default_date,
        "source_key": source_key,
        "dry_run": "true" if dry_run else None,
        "skip_rejected": "true" if skip_rejected else None,
    }
    fields = {name: [value] for name, value in given.items() if value is not None}
    try:
        options = parse_options({**fields, "map": list(mapping)}, dataset, None)
    except FieldAppError as exc:
        raise click.ClickException(exc.message) from None
    try:
        report = _run(file, options, email, show_progress=not as_json)
    except ImportRejected as exc:
        _print(exc.report, as_json)
        raise click.ClickException(exc.message) from None
    except FieldAppError as exc:
        raise click.ClickException(exc.message) from None
    _print(report, as_json)


def _run(file: Path, options: ImportOptions, email: str | None, show_progress: bool) -> ImportReport:
    database = get_db()
    with tempfile.TemporaryDirectory(prefix="fieldapp-import-") as workdir, database.session() as session:
        options.user_id = _user_id(session, email)
        with click.progressbar(length=1000, label=f"Importing {file.name}", hidden=not show_progress) as bar:

            def progress(fraction: float, rows: int) -> None:
                bar.update(int(fraction * 1000) - bar.pos)

            limits = ArchiveLimits.of(current_settings())
            report = run_import(session, file, options, Path(workdir), progress, limits)
        if options.dry_run:
            session.rollback()
        return report


def _user_id(session, email: str | None) -> int | None:
    if not email:
        return None
    from sqlalchemy import select

    from fieldapp.accounts.models import User

    user_id = session.scalar(select(User.id).where(User.email == email.lower()))
    if user_id is None:
        raise click.ClickException(f"No account {email}.")
    return user_id


def _print(report: ImportReport, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, default=str))
        return
    verb = "Would import" if report.dry_run else ("Imported" if report.written else "Did not import")
    click.echo(f"{verb} {report.file} ({report.format}) into {report.dataset}: {report.rows_read} rows read.")
    origin = report.source
    click.echo(
        f"  file: {origin.get('name')} (SHA-256 {origin.get('sha256')}); records identified {origin.get('identified')}"
    )
    click.echo(f"  CRS: {report.crs}")
    for name, value in report.readings.items():
        click.echo(f"  {name}: {value}")
    for target, source in report.mapping.items():
        click.echo(f"  {target} <- {source}")
    click.echo(
        f"  to create: {report.to_create}, to update: {report.to_update}, repaired: "
        f"{report.repaired_count}, rejected: {report.rejected_count}"
    )
    for earlier in report.updates_from:
        label = f"import {earlier['import_id']} of {earlier['file']} ({earlier['imported_at']})"
        click.echo(f"  updates {earlier['records']} records from {label if earlier['file'] else 'no recorded file'}")
    if report.written:
        click.echo(
            f"  import {origin.get('import_id')}: created: {report.created}, updated: {report.updated},"
            f" unchanged: {report.unchanged}"
        )
    for repair in report.repaired[:20]:
        click.echo(f"  repaired row {repair['row']}: {repair['note']}")
    for rejection in report.rejected[:50]:
        click.echo(f"  rejected row {rejection['row']}: {rejection['reason']}")
    for warning in report.warnings:
        click.echo(f"  warning: {warning}")


@click.command("export")
@click.option("--dataset", required=True, help="Slug of the dataset to export.")
@click.option("--format", "fmt", required=True, type=click.Choice(["geojson", "csv", "gpkg", "dwca"]))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--public", is_flag=True, help="Export only what anonymous visitors see (public geometry).")
def export_command(dataset: str, fmt: str, output: Path, public: bool) -> None:
    """Export a dataset (the command line sees precise geometry unless --public)."""
    from fieldapp.access import ANONYMOUS, Viewer
    from fieldapp.transfer.exporters import export_to_file

    viewer = ANONYMOUS if public else Viewer(user_id=0, contributor_id=None, role="admin")
    try:
        with get_db().session() as session:
            count = export_to_file(session, viewer, dataset, fmt, output)
    except FieldAppError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Exported {count} observations of {dataset} as {fmt} to {output}.")


@click.group("places")
def places_group() -> None:
    """The gazetteer of places."""


@places_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dataset", "slug", required=True, help="The dataset the places join.")
@click.option("--dry-run", is_flag=True, help="Read and report; write nothing.")
def places_import_command(file: Path, slug: str, dry_run: bool) -> None:
    """Import places (run by an operator: they are credited to the dataset's steward)."""
    with get_db().session() as session, tempfile.TemporaryDirectory(prefix="fieldapp-places-") as folder:
        row = session.execute(text("SELECT id, steward_id FROM dataset WHERE slug = :s"), {"s": slug}).first()
        if row is None:
            raise click.ClickException(f"No dataset {slug!r}.")
        try:
            report = import_places(session, file, Path(folder), row.id, row.steward_id, dry_run=dry_run)
        except FieldAppError as exc:
            details = "".join(f"\n  {d['path']}: {d['message']}" for d in exc.details)
            raise click.ClickException(exc.message + details) from None
        if dry_run:
            session.rollback()
        else:
            session.commit()
    verb = "would add" if dry_run else "added"
    click.echo(f"{report.rows} rows: {verb} {report.created} places, {report.unchanged} imported before")
