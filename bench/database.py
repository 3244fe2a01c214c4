"""The dedicated benchmark database: recreated with PostGIS, migrated, seeded with a user."""

from __future__ import annotations

import os
from dataclasses import dataclass

import psycopg
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from fieldapp.accounts.models import User
from fieldapp.accounts.service import create_user, issue_token
from fieldapp.config import Settings, sqlalchemy_url
from fieldapp.datasets.models import Dataset
from fieldapp.datasets.service import create_dataset
from fieldapp.db import Database
from fieldapp.migrate import upgrade

BENCH_DATABASE = "fieldapp_bench"
READ_SLUG, WRITE_SLUG = "bench-read", "bench-write"


@dataclass(frozen=True)
class Seed:
    """What the benchmark created before loading: who writes, and where."""

    user_id: int
    contributor_id: int
    token: str
    read_dataset_id: int
    write_dataset_id: int


def bench_url(env: dict[str, str] | None = None) -> str:
    """The SQLAlchemy URL of the bench database: DATABASE_URL's server, our own database name.

    FIELDAPP_BENCH_DB names another one (it must start with fieldapp_bench), so several benches can share a server.
    """
    env = dict(os.environ if env is None else env)
    base = make_url(sqlalchemy_url(env.get("DATABASE_URL", "postgresql:///fieldapp")))
    name = env.get("FIELDAPP_BENCH_DB", BENCH_DATABASE)
    if not name.startswith(BENCH_DATABASE):  # recreate() drops it: only ever a bench database
        raise SystemExit(f"FIELDAPP_BENCH_DB must start with {BENCH_DATABASE!r}, got {name!r}")
    return base.set(database=name).render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """The same URL for psycopg (no SQLAlchemy driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def recreate(url: str) -> None:
    """Drop and create a benchmark's database with PostGIS; dev and test databases are untouched."""
    target = make_url(url)
    if not (target.database or "").startswith(BENCH_DATABASE):  # never drop anything but a bench database
        raise ValueError(f"refusing to recreate {target.database!r}")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def settings_for(url: str) -> Settings:
    return Settings(database_url=url, secret_key="bench-secret-key", development=False)


def migrate_and_seed(url: str) -> Seed:
    """Apply the migrations, then create a steward with an API token and two public datasets."""
    database_settings = settings_for(url)
    database = Database(database_settings)
    upgrade(database.engine)
    with database.session() as session:
        user = create_user(session, "bench@example.org", role="steward", name="Bench Steward")
        token = issue_token(session, user, label="bench")
        datasets = [
            create_dataset(
                session,
                user,
                {
                    "slug": slug,
                    "title": title,
                    "knowledge_kind": "volunteer",
                    "description": "Synthetic benchmark data.",
                    "licence": "CC-BY-4.0",
                    "default_visibility": "public",
                },
                database_settings.generalise_floor_m,
            )
            for slug, title in ((READ_SLUG, "Benchmark reads"), (WRITE_SLUG, "Benchmark writes"))
        ]
        seed = Seed(user.id, user.contributor_id, token, datasets[0].id, datasets[1].id)
    database.engine.dispose()
    return seed


def reseed(url: str) -> Seed:
    """Find the seeded user and datasets of an existing bench database and issue a fresh token."""
    database = Database(settings_for(url))
    with database.session() as session:
        user = session.scalar(select(User).where(User.email == "bench@example.org"))
        if user is None:
            raise SystemExit("no bench database to reuse: run without --reuse first")
        ids = dict(session.execute(select(Dataset.slug, Dataset.id)).all())
        seed = Seed(
            user.id, user.contributor_id, issue_token(session, user, label="bench"), ids[READ_SLUG], ids[WRITE_SLUG]
        )
    database.engine.dispose()
    return seed


def public_count(conninfo: str) -> int:
    with psycopg.connect(conninfo) as conn:
        sql = "SELECT count(*) FROM observation WHERE visibility = 'public'"
        return conn.execute(sql).fetchone()[0]
