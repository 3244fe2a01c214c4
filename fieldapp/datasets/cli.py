"""`fieldapp datasets create|edit`: the new-dataset and edit pages' service, from a terminal."""

from __future__ import annotations

from typing import Any

import click
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.access import CLI_OPERATOR, Viewer, viewer_of
from fieldapp.accounts.models import User
from fieldapp.accounts.service import normalise_email
from fieldapp.datasets import service
from fieldapp.datasets.models import Dataset
from fieldapp.datasets.schemas import DatasetEditSchema, DatasetSchema
from fieldapp.db import get_db
from fieldapp.errors import FieldAppError
from fieldapp.http import load
from fieldapp.vocab import KNOWLEDGE_KINDS, LICENCES, RECORDING_MODES, VISIBILITIES


@click.group("datasets")
def datasets_group() -> None:
    """Manage datasets."""


def _refused(exc: FieldAppError) -> click.ClickException:
    details = "; ".join(f"{d['path']}: {d['message']}" for d in exc.details)
    return click.ClickException(f"{exc.message} {details}".strip())


def _account(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    return user


@datasets_group.command("create")
@click.argument("slug")
@click.option("--title", required=True)
@click.option("--kind", "knowledge_kind", required=True, type=click.Choice(KNOWLEDGE_KINDS))
@click.option(
    "--steward", "email", required=True, help="The account that creates and stewards it (it needs the right)."
)
@click.option("--licence", default="CC-BY-4.0", show_default=True)
@click.option("--description", default="")
@click.option("--method", default="", help="Method or protocol.")
@click.option("--citation", default="")
@click.option("--visibility", "default_visibility", default="public", show_default=True)
@click.option("--cell-m", "generalise_m", type=int, help="Generalisation cell in metres (default: the park's).")
@click.option("--recording", default="open", show_default=True, type=click.Choice(RECORDING_MODES))
def datasets_create(slug: str, email: str, **values) -> None:
    """Create a dataset stewarded by an account, as the page and POST /api/v1/datasets do (same checks)."""
    settings = current_app.extensions["fieldapp.settings"]
    try:
        with get_db().session() as session:
            user = _account(session, email)
            data = {"slug": slug, **{k: v for k, v in values.items() if v is not None}}
            dataset = service.create_dataset(session, user, load(DatasetSchema(), data), settings.generalise_floor_m)
            click.echo(f"Created {dataset.slug}, stewarded by {email}.")
    except FieldAppError as exc:
        raise _refused(exc) from None


def _contributor(session: Session, who: str) -> int:
    """A steward or recorder named on the command line: an account's email, or a contributor id (a group)."""
    return int(who) if who.isdigit() and len(who) < 12 else _account(session, who).contributor_id


def _people(session: Session, dataset_id: int, changes: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]):
    """Its further stewards and invited recorders with the named ones added and removed."""
    current = service.dataset_people(session, dataset_id)
    values: dict[str, list[int]] = {}
    for name, (added, removed) in changes.items():
        if added or removed:
            gone = {_contributor(session, w) for w in removed}
            kept = [c for c in current[name] if c not in gone]
            values[name] = kept + [c for c in (_contributor(session, w) for w in added) if c not in kept]
    return values


@datasets_group.command("edit")
@click.argument("slug")
@click.option("--title")
@click.option("--description")
@click.option("--kind", "knowledge_kind", type=click.Choice(KNOWLEDGE_KINDS))
@click.option("--method", help="Method or protocol.")
@click.option("--licence", type=click.Choice(LICENCES))
@click.option("--citation")
@click.option("--visibility", "default_visibility", type=click.Choice(VISIBILITIES), help="Sharing of new records.")
@click.option("--cell-m", "generalise_m", type=int, help="Generalisation cell in metres.")
@click.option("--park-cell", is_flag=True, help="Use the park's default generalisation cell again.")
@click.option("--force-generalised/--no-force-generalised", default=None, help="Generalise every shared record.")
@click.option("--recording", type=click.Choice(RECORDING_MODES), help="Who may record into it.")
@click.option("--recording-group", "recording_groups", multiple=True, type=int, help="A group (id) that records.")
@click.option("--add-steward", multiple=True, help="An account's email, or a group's id; repeatable.")
@click.option("--remove-steward", multiple=True, help="An account's email, or a group's id; repeatable.")
@click.option("--add-recorder", multiple=True, help="An account's email invited to record; repeatable.")
@click.option("--remove-recorder", multiple=True, help="An account's email; repeatable.")
@click.option("--as", "actor_email", help="Act as this account (its rights apply; default: the server's operator).")
def datasets_edit(slug: str, actor_email: str | None, park_cell: bool, **options: Any) -> None:
    """Change a dataset as its edit page and PATCH /api/v1/datasets/{slug} do (the same checks)."""
    settings = current_app.extensions["fieldapp.settings"]
    people = {
        "stewards": (options.pop("add_steward"), options.pop("remove_steward")),
        "recorders": (options.pop("add_recorder"), options.pop("remove_recorder")),
    }
    values = {k: v for k, v in options.items() if v is not None and v != ()}
    if park_cell:
        values["generalise_m"] = None
    if options["recording_groups"]:
        values["recording_groups"] = list(options["recording_groups"])
    try:
        with get_db().session() as session:
            actor: Viewer = viewer_of(_account(session, actor_email)) if actor_email else CLI_OPERATOR
            dataset_id = session.scalar(select(Dataset.id).where(Dataset.slug == slug))
            values |= _people(session, dataset_id, people) if dataset_id is not None else {}
            if not values:
                raise click.UsageError("Nothing to change: give at least one option.")
            checked = load(DatasetEditSchema(partial=True), values)
            service.update_dataset(session, actor, slug, checked, settings.generalise_floor_m)
    except FieldAppError as exc:
        raise _refused(exc) from None
    click.echo(f"Saved {slug}: {', '.join(sorted(checked))}.")
