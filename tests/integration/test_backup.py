"""The README's backups: deploy/backup.sh (pg_dump and the photos) restored by deploy/restore.sh gives the same data."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from dataclasses import replace

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from fieldapp import create_app
from fieldapp.migrate import check
from tests.conftest import migrated_database
from tests.factories import Factory, feature
from tests.integration.test_production import ROOT

pytestmark = pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs pg_dump and pg_restore")
COUNTS = (
    "SELECT (SELECT count(*) FROM observation), (SELECT count(*) FROM dataset),"
    " (SELECT count(*) FROM observation_history)"
)


def test_the_readme_names_these_scripts():
    from tests.readme import section

    text = section("Running in production")
    assert "deploy/backup.sh DEST_DIR" in text and "deploy/restore.sh BACKUP_DIR" in text


@pytest.fixture
def own_app(settings):
    """An app on a database of this test's own: what it commits for the scripts to see reaches no other test."""
    url = make_url(settings.database_url)
    own = replace(settings, database_url=url.set(database=f"{url.database}_backup").render_as_string(False))
    with migrated_database(own):
        app = create_app(own)
        yield app, own
        app.extensions["fieldapp.db"].engine.dispose()


def test_a_backup_restores_into_a_new_database_with_its_photos(own_app, tmp_path):
    app, settings = own_app
    session = app.extensions["fieldapp.db"].sessionmaker()
    factory = Factory(session)
    steward = factory.account("steward")
    dataset = factory.dataset(steward, slug=f"backup-{uuid.uuid4().hex[:8]}")
    session.commit()
    session.close()
    created = app.test_client().post("/api/v1/observations", json=feature(dataset.slug), headers=steward.headers)
    assert created.status_code == 201
    media = tmp_path / "media"
    (media / "public").mkdir(parents=True)
    (media / "public" / "photo.jpg").write_bytes(b"\xff\xd8 a photo")
    env = os.environ | {"DATABASE_URL": settings.database_url, "FIELDAPP_MEDIA_DIR": str(media)}
    backup = subprocess.run(
        ["bash", str(ROOT / "deploy" / "backup.sh"), str(tmp_path / "backups")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    source = make_url(settings.database_url)
    restored_url = source.set(database=f"{source.database}_restored")
    admin = create_engine(source.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{restored_url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{restored_url.database}"'))
    restored = create_engine(restored_url)
    try:
        env = os.environ | {
            "DATABASE_URL": restored_url.render_as_string(hide_password=False),
            "FIELDAPP_MEDIA_DIR": str(tmp_path / "restored-media"),
        }
        subprocess.run(["bash", str(ROOT / "deploy" / "restore.sh"), backup], env=env, check=True, capture_output=True)
        with app.extensions["fieldapp.db"].engine.connect() as conn:
            before = conn.execute(text(COUNTS)).one()
        with restored.connect() as conn:
            assert conn.execute(text(COUNTS)).one() == before and before[0] >= 1
            check(conn)  # the restored schema is the models' and fieldapp/sql's, functions and triggers alike
            assert (
                conn.execute(
                    text("SELECT count(*) FROM observation o JOIN dataset d ON d.id = o.dataset_id WHERE d.slug = :s"),
                    {"s": dataset.slug},
                ).scalar()
                == 1
            )
        assert (tmp_path / "restored-media" / "public" / "photo.jpg").read_bytes() == b"\xff\xd8 a photo"
    finally:
        restored.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{restored_url.database}" WITH (FORCE)'))
        admin.dispose()
