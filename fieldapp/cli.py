"""The `fieldapp` command group: run, db upgrade, demo, users create."""

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
    from fieldapp.forms.cli import forms_group
    from fieldapp.transfer.cli import export_command, import_command

    app.cli.add_command(forms_group)

    app.cli.add_command(import_command)
    app.cli.add_command(export_command)
    app.cli.add_command(worker_command)
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
