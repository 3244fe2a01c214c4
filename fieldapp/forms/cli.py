"""`fieldapp forms import FILE --dataset SLUG [--dry-run]` and `fieldapp forms export --dataset SLUG FILE`."""

from __future__ import annotations

from pathlib import Path

import click

from fieldapp.db import get_db
from fieldapp.errors import FieldAppError
from fieldapp.forms import queries, service
from fieldapp.forms.xlsform import write_xlsform


@click.group("forms")
def forms_group() -> None:
    """A dataset's recording form, in and out as XLSForm."""


@forms_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dataset", "slug", required=True, help="The dataset whose form it becomes.")
@click.option("--dry-run", is_flag=True, help="Read and report; write nothing.")
def import_form(file: Path, slug: str, dry_run: bool) -> None:
    """Read an XLSForm into the next version of the dataset's form (run by an operator: no account needed)."""
    with get_db().session() as session:
        try:
            dataset = service.dataset_named(session, slug)
            definition, notes, form = service.import_xlsform(session, None, dataset, file, dry_run=True)
            if not dry_run:
                form = service.add_version(session, dataset, definition, None)
                session.commit()
        except FieldAppError as exc:
            details = "".join(f"\n  {d['path']}: {d['message']}" for d in exc.details)
            raise click.ClickException(exc.message + details) from None
    fields = ", ".join(f["name"] for f in definition["fields"])
    click.echo(f"{len(definition['fields'])} fields: {fields}")
    for note in notes:
        click.echo(f"note: {note}")
    click.echo("dry run: nothing written" if dry_run else f"published as version {form.version if form else '?'}")


@forms_group.command("export")
@click.option("--dataset", "slug", required=True, help="The dataset whose current form to write.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export_form(slug: str, file: Path) -> None:
    """Write the dataset's current form as an .xlsx XLSForm."""
    with get_db().session() as session:
        form = queries.current_form(session, service.dataset_named(session, slug).id)
        if form is None:
            raise click.ClickException(f"The dataset {slug!r} has only the common fields: no form to export.")
        file.write_bytes(write_xlsform(form.definition))
    click.echo(f"wrote version {form.version} to {file}")
