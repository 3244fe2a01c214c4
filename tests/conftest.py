"""Fixtures on a real PostGIS: a test database migrated once, one rolled-back transaction per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from fieldapp import create_app
from fieldapp.config import Settings, sqlalchemy_url
from fieldapp.db import Database
from fieldapp.i18n import TRANSLATIONS
from fieldapp.migrate import upgrade

# One database per test run (the process id), so runs side by side never drop each other's.
TEST_DATABASE_URL = sqlalchemy_url(
    os.environ.get("FIELDAPP_TEST_DATABASE_URL", f"postgresql:///fieldapp_test_{os.getpid()}")
)


def pytest_configure(config) -> None:
    """Compile the catalogues whose .po changed since their .mo (scripts/setup.sh does it for `make test`;
    this covers a test run straight after editing a .po, or in a fresh worktree)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in TRANSLATIONS.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime_ns < po.stat().st_mtime_ns:
            with po.open("rb") as source:
                catalogue = read_po(source, locale=po.parent.parent.name)
            with mo.open("wb") as target:
                write_mo(target, catalogue)


def _drop_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


def _recreate_database(url: str) -> None:
    """Drop and create the test database with PostGIS, so every run starts clean."""
    target = make_url(url)
    _drop_database(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    engine = create_engine(target, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    engine.dispose()


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    return Settings(
        database_url=TEST_DATABASE_URL,
        secret_key="test-secret-key",
        media_dir=tmp_path_factory.mktemp("media"),
        development=True,
        testing=True,
    )


@contextmanager
def migrated_database(settings: Settings) -> Iterator[str]:
    """A fresh, migrated database for the settings' URL, dropped afterwards."""
    _recreate_database(settings.database_url)
    engine = Database(settings).engine
    upgrade(engine)
    engine.dispose()
    try:
        yield settings.database_url
    finally:
        _drop_database(settings.database_url)


@pytest.fixture(scope="session")
def migrated(settings) -> Iterator[str]:
    with migrated_database(settings) as url:
        yield url


@pytest.fixture(scope="session")
def app(settings, migrated):
    app = create_app(settings)
    yield app
    app.extensions["fieldapp.db"].engine.dispose()


@pytest.fixture
def connection(app) -> Iterator:
    """A connection inside an outer transaction that is rolled back after the test."""
    database = app.extensions["fieldapp.db"]
    conn = database.engine.connect()
    outer = conn.begin()
    database.bind_to(conn)
    try:
        yield conn
    finally:
        outer.rollback()
        conn.close()
        database.sessionmaker.configure(bind=database.engine, join_transaction_mode="conditional_savepoint")


@pytest.fixture
def db(app, connection) -> Iterator[Session]:
    """A session for arranging and checking data, inside the test's transaction."""
    session = app.extensions["fieldapp.db"].sessionmaker()
    yield session
    session.close()


@pytest.fixture
def client(app, connection):
    return app.test_client()


@pytest.fixture
def make(db):
    from tests.factories import Factory

    return Factory(db)


@pytest.fixture
def steward(make):
    """An account with the steward role (a test may define its own, named differently)."""
    return make.account(role="steward")


@pytest.fixture
def dataset(make, steward):
    """A public volunteer dataset stewarded by `steward`."""
    return make.dataset(steward)
