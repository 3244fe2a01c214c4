"""The `fieldapp` command group: run, db, demo, users, jobs, tiles; capabilities add theirs (datasets, forms)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import FlaskGroup

from fieldapp.app import create_app
from fieldapp.config import SettingsError
from fieldapp.db import get_db


def _create_app():
    # A missing or malformed setting is the operator's to fix: say which, without a traceback.
    try:
        return create_app()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """fieldapp: co-produced coastal knowledge on shared maps."""


def register_commands(app) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(demo)
    app.cli.add_command(users_group)
    app.cli.add_command(notifications_group)
    from fieldapp.datasets.cli import datasets_group
    from fieldapp.forms.cli import forms_group
    from fieldapp.transfer.cli import export_command, import_command, places_group

    app.cli.add_command(datasets_group)
    app.cli.add_command(forms_group)
    app.cli.add_command(places_group)

    app.cli.add_command(import_command)
    app.cli.add_command(export_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(tiles_group)
    app.cli.add_command(jobs_group)
    app.cli.add_command(serve_command)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Where nginx listens.")
@click.option("--port", default=8080, show_default=True, help="nginx's port.")
@click.option("--app-port", default=8000, show_default=True, help="gunicorn's port (on 127.0.0.1).")
@click.option("--web-workers", default=2, show_default=True, help="gunicorn's sync workers.")
@click.option("--workers", "job_workers", default=1, show_default=True, help="`fieldapp worker` processes.")
@click.option("--dir", "folder", default="var/serve", show_default=True, help="nginx's configuration and logs.")
def serve_command(host: str, port: int, app_port: int, web_workers: int, job_workers: int, folder: str) -> None:
    """Run the production stack here: nginx (deploy/nginx.conf) -> gunicorn (deploy/gunicorn.conf.py), and workers."""
    from pathlib import Path

    from fieldapp import serve

    settings = current_app.extensions["fieldapp.settings"]
    Path(settings.media_dir).mkdir(parents=True, exist_ok=True)
    try:
        code = serve.run(settings.media_dir, Path(folder), host, port, app_port, web_workers, job_workers)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    raise SystemExit(code)


@click.command("worker")
@click.option("--poll", default=2.0, show_default=True, help="Seconds between looks at the queue.")
@click.option("--jobs", "max_jobs", type=int, help="Exit after this many jobs (default: run until SIGTERM).")
def worker_command(poll: float, max_jobs: int | None) -> None:
    """Run background jobs (imports) from the queue until SIGTERM; run one per core or so."""
    import logging

    from fieldapp.worker import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    Worker(current_app, poll_s=poll).run(max_jobs)


@click.group("tiles")
def tiles_group() -> None:
    """The map's tile aggregates."""


@tiles_group.command("rebuild")
@click.option("--dataset", "slugs", multiple=True, help="A dataset's slug (repeatable; default: every dataset).")
def tiles_rebuild(slugs: tuple[str, ...]) -> None:
    """Queue a rebuild of the map aggregates of datasets, one job each, for the `fieldapp worker` processes."""
    from sqlalchemy import text

    from fieldapp.transfer.map_jobs import queue_rebuild

    settings = current_app.extensions["fieldapp.settings"]
    with current_app.extensions["fieldapp.db"].session() as session:
        sql = "SELECT id, slug FROM dataset" + (" WHERE slug = ANY(:slugs)" if slugs else "") + " ORDER BY id"
        found = session.execute(text(sql), {"slugs": list(slugs)}).all()
        missing = set(slugs) - {row.slug for row in found}
        if missing:
            raise click.ClickException(f"No dataset {', '.join(sorted(missing))}.")
        for row in found:
            job = queue_rebuild(session, settings, row.id)
            click.echo(f"{job.id} {row.slug}")


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs (imports, exports, map rebuilds)."""


@jobs_group.command("cancel")
@click.argument("job_id", type=click.UUID)
def jobs_cancel(job_id) -> None:
    """Cancel a job: a queued one at once, a running one by its worker within a heartbeat."""
    from fieldapp.transfer import jobs

    with current_app.extensions["fieldapp.db"].session() as session:
        job = jobs.cancel(session, job_id)
        if job is None:
            raise click.ClickException(f"No queued or running job {job_id}.")
        session.commit()
        click.echo(f"{job.id} {job.status}{' (stopping)' if job.status == 'running' else ''}")


@click.group("db")
def db_group() -> None:
    """Manage the database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Alembic revision to reach.")
def db_upgrade(revision: str) -> None:
    """Apply the Alembic migrations."""
    from fieldapp.migrate import upgrade

    upgrade(get_db().engine, revision)
    click.echo(f"Database at revision {revision}.")


@db_group.command("check")
def db_check() -> None:
    """Fail if the database differs from the models or fieldapp/sql (what autogenerate would propose)."""
    from fieldapp.migrate import check

    with get_db().engine.connect() as connection:
        check(connection)
    click.echo("Database matches the models and the SQL files.")


@db_group.command("revision")
@click.argument("message")
def db_revision(message: str) -> None:
    """Write the next migration from what autogenerate finds (models and fieldapp/sql against the database)."""
    from fieldapp.migrate import revision

    with get_db().engine.begin() as connection:
        path = revision(connection, message)
    click.echo(f"Wrote {path}: read it before committing.")


@click.command("demo")
def demo() -> None:
    """Load the demonstration datasets (idempotent)."""
    from fieldapp.demo import load_demo

    settings = current_app.extensions["fieldapp.settings"]
    with get_db().session() as session:
        summary = load_demo(session, settings)
    for line in summary:
        click.echo(line)


@click.group("users")
def users_group() -> None:
    """Manage accounts."""


@users_group.command("create")
@click.argument("email")
@click.option("--role", default="member", show_default=True, type=click.Choice(["member", "steward", "staff", "admin"]))
@click.option("--name", help="How the user is credited (defaults to the email's local part).")
@click.option("--password", help="Without one, the account can only use API tokens until one is set.")
@click.option("--token", is_flag=True, help="Print a new API token for the account.")
def users_create(email: str, role: str, name: str | None, password: str | None, token: bool) -> None:
    """Create an account."""
    from fieldapp.accounts.service import create_user, issue_token
    from fieldapp.errors import FieldAppError

    try:
        with get_db().session() as session:
            user = create_user(session, email, role=role, name=name, password=password)
            secret = issue_token(session, user, label="cli") if token else None
    except FieldAppError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Created {role} {user.email} (contributor {user.contributor_id}).")
    if secret:
        click.echo(f"API token (shown once): {secret}")


@users_group.command("group-role")
@click.argument("email")
@click.argument("group_id", type=int)
@click.option("--role", default="admin", show_default=True, type=click.Choice(["member", "admin"]))
def users_group_role(email: str, group_id: int, role: str) -> None:
    """Make an account a group's admin (who withdraws the group's records) or a plain member."""
    from fieldapp.contributors.service import set_group_role
    from fieldapp.errors import FieldAppError

    try:
        with get_db().session() as session:
            set_group_role(session, group_id, email, role)
    except FieldAppError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"{email} is now {role} of group {group_id}.")


@users_group.command("password")
@click.argument("email")
@click.password_option(help="The new password (asked for when not given).")
def users_password(email: str, password: str) -> None:
    """Set an account's password, e.g. for one created without."""
    from fieldapp.accounts.service import set_password
    from fieldapp.errors import FieldAppError

    try:
        with get_db().session() as session:
            set_password(session, email, password)
    except FieldAppError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Password set for {email}.")


def _people(action):
    """Run a staff action on accounts as the server's operator; errors become a clean message."""
    from fieldapp.access import CLI_OPERATOR
    from fieldapp.errors import FieldAppError

    try:
        with get_db().session() as session:
            result = action(session, CLI_OPERATOR)
            session.commit()
            return result
    except FieldAppError as exc:
        raise click.ClickException(exc.message) from None


def _link(secret: str) -> str:
    settings = current_app.extensions["fieldapp.settings"]
    return f"{settings.base_url.rstrip('/')}/account/set-password/{secret}"


@users_group.command("list")
@click.option("--search", default="", help="Only accounts whose email or name contains this.")
def users_list(search: str) -> None:
    """List accounts: email, role, state, API tokens."""
    from fieldapp.people.service import list_accounts

    for a in _people(lambda s, actor: list_accounts(s, actor, search)):
        state = "deactivated" if not a["active"] else ("invited" if not a["has_password"] else "active")
        click.echo(f"{a['email']}\t{a['role']}\t{state}\t{a['tokens']} token(s)\t{a['display_name']}")


@users_group.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice(["member", "steward", "staff", "admin"]))
def users_role(email: str, role: str) -> None:
    """Give an account another role."""
    from fieldapp.people.service import find_account, set_role

    _people(lambda s, actor: set_role(s, actor, find_account(s, actor, email), role))
    click.echo(f"{email} is now {role}.")


@users_group.command("deactivate")
@click.argument("email")
def users_deactivate(email: str) -> None:
    """Deactivate an account: it cannot sign in, its sessions end and its tokens stop working."""
    from fieldapp.people.service import find_account, set_active

    _people(lambda s, actor: set_active(s, actor, find_account(s, actor, email), False))
    click.echo(f"{email} is deactivated.")


@users_group.command("reactivate")
@click.argument("email")
def users_reactivate(email: str) -> None:
    """Reactivate a deactivated account."""
    from fieldapp.people.service import find_account, set_active

    _people(lambda s, actor: set_active(s, actor, find_account(s, actor, email), True))
    click.echo(f"{email} is active again.")


@users_group.command("reset")
@click.argument("email")
def users_reset(email: str) -> None:
    """Print a one-time link (FIELDAPP_LINK_HOURS) with which the account sets a new password."""
    from fieldapp.people.service import find_account, reset_link

    hours = current_app.extensions["fieldapp.settings"].link_hours
    secret = _people(lambda s, actor: reset_link(s, actor, find_account(s, actor, email), hours))
    click.echo(f"One-time link for {email} (works once, for {hours} hours): {_link(secret)}")


@users_group.command("tokens")
@click.argument("email")
def users_tokens(email: str) -> None:
    """List an account's API tokens (label and date; the secrets are never stored)."""
    from fieldapp.accounts.tokens import list_tokens
    from fieldapp.people.service import find_account

    for t in _people(lambda s, actor: list_tokens(s, find_account(s, actor, email))):
        click.echo(f"{t['id']}\t{t['created_at'][:10]}\t{t['label'] or ''}")


@users_group.command("invite")
@click.argument("email")
@click.option("--role", default="member", show_default=True, type=click.Choice(["member", "steward", "staff", "admin"]))
@click.option("--name", default="", help="How they are credited (they can change it).")
@click.option("--steward", "slugs", multiple=True, help="A dataset (slug) they will steward; repeat for more.")
def users_invite(email: str, role: str, name: str, slugs: tuple[str, ...]) -> None:
    """Invite someone: an account without a password, and a one-time link to choose it (emailed when
    FIELDAPP_SMTP_URL is set, printed always)."""
    from fieldapp.mail import deliver
    from fieldapp.people.service import dataset_ids, invitation_mail, invite

    settings = current_app.extensions["fieldapp.settings"]
    hours = settings.link_hours

    def action(session, actor):
        ids = dataset_ids(session, list(slugs))
        secret = invite(session, actor, email, name, role, ids, hours)[1]
        return invitation_mail(session, "Park staff", role, ids, hours, _link(secret)), _link(secret)

    letter, link = _people(action)
    delivery = deliver(settings, email, *letter)
    if delivery == "sent":
        click.echo(f"Emailed the link to {email}.")
    elif delivery == "failed":
        click.echo("The email could not be sent; pass the link on yourself.", err=True)
    click.echo(f"Invited {email} as {role}. One-time link (works once, for {hours} hours): {link}")


@click.group("notifications")
def notifications_group() -> None:
    """Notifications of annotations and answers."""


@notifications_group.command("digest")
@click.option("--queue", is_flag=True, help="Queue the sending for a `fieldapp worker` instead of sending here.")
def notifications_digest(queue: bool) -> None:
    """Email each person their unread notifications that no email carried yet (needs FIELDAPP_SMTP_URL);
    run it from cron, e.g. daily (with --queue, a worker sends them, with a time limit and a cancel)."""
    from fieldapp.mail import mail_configured
    from fieldapp.notifications.digest import send_digests
    from fieldapp.notifications.jobs import queue_digest

    settings = current_app.extensions["fieldapp.settings"]
    if not mail_configured(settings):
        raise click.ClickException("FIELDAPP_SMTP_URL is not set: no digest is sent.")
    with get_db().session() as session:
        if queue:
            click.echo(f"Queued {queue_digest(session, settings).id}.")
            return
        sent, refused = send_digests(session, settings)
    for line in refused:
        click.echo(f"Not sent to {line}", err=True)
    click.echo(f"Sent {sent} digest(s).")


@users_group.command("creator")
@click.argument("email")
@click.argument("allowed", type=click.Choice(["on", "off"]))
def users_creator(email: str, allowed: str) -> None:
    """Give (on) or take (off) a member's right to create datasets."""
    from fieldapp.people.service import find_account, set_creator

    _people(lambda s, actor: set_creator(s, actor, find_account(s, actor, email), allowed == "on"))
    click.echo(f"{email} {'may' if allowed == 'on' else 'may no longer'} create datasets.")
