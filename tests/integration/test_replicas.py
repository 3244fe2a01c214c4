"""Read replicas: a throw-away primary and its streaming replica (pg_basebackup -R) on local ports.

Reads the routing allows come from the replica; a client's reads after its own write come from the
primary until the replica has replayed it; a stopped or lagging replica is skipped.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from fieldapp import create_app
from fieldapp.config import Settings
from fieldapp.db import WROTE_COOKIE, Database
from fieldapp.migrate import upgrade
from tests.factories import Factory, feature

BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"), reverse=True)), None)
pytestmark = [pytest.mark.slow, pytest.mark.skipif(BIN is None, reason="needs PostgreSQL's server binaries")]
ROLE = "fieldapp_replica_test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str]) -> None:
    subprocess.run(_as_server_user(command), check=True, capture_output=True, cwd="/")


class Cluster:
    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self.url = f"postgresql+psycopg://{ROLE}@127.0.0.1:{port}/fieldapp"

    def start(self) -> None:
        _run([str(BIN.parent / "pg_ctl"), "-D", str(self.folder), "-l", f"{self.folder}.log", "-w", "start"])

    def stop(self) -> None:
        _run([str(BIN.parent / "pg_ctl"), "-D", str(self.folder), "-m", "immediate", "stop"])

    def up(self) -> bool:
        try:
            self.sql("SELECT 1")
            return True
        except Exception:
            return False

    def sql(self, statement: str):
        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                result = conn.execute(text(statement))
                return result.first() if result.returns_rows else None
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def pair() -> Iterator[tuple[Cluster, Cluster]]:
    root = Path(tempfile.mkdtemp(prefix="fieldapp-replication-"))
    os.chmod(root, 0o777)  # the postgres user writes here when the tests run as root
    primary, replica = Cluster(root / "primary", _free_port()), Cluster(root / "replica", _free_port())
    _run([str(BIN.parent / "initdb"), "-D", str(primary.folder), "-A", "trust", "-U", ROLE, "--no-sync"])
    with (primary.folder / "postgresql.conf").open("a") as conf:
        conf.write(
            f"port = {primary.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n"
            "wal_level = replica\nmax_wal_senders = 4\nfsync = off\nshared_buffers = 32MB\n"
        )
    primary.start()
    try:
        admin = create_engine(make_url(primary.url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE fieldapp"))
        admin.dispose()
        primary.sql("CREATE EXTENSION postgis")
        engine = Database(Settings(database_url=primary.url, development=True)).engine
        upgrade(engine)
        engine.dispose()
        _run(
            [str(BIN), "-h", "127.0.0.1", "-p", str(primary.port), "-U", ROLE, "-D", str(replica.folder)]
            + ["-R", "-X", "stream", "-c", "fast"]
        )
        conf = (
            (replica.folder / "postgresql.conf").read_text().replace(f"port = {primary.port}", f"port = {replica.port}")
        )
        (replica.folder / "postgresql.conf").write_text(conf)
        replica.start()
        try:
            assert replica.sql("SELECT pg_is_in_recovery()")[0] is True
            yield primary, replica
        finally:
            if replica.up():
                replica.stop()
    finally:
        primary.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def make_app(pair, tmp_path):
    """Apps on the pair, their pools closed afterwards."""
    made = []

    def make(max_lag_s: int):
        primary, replica = pair
        settings = Settings(
            database_url=primary.url,
            database_replica_urls=(replica.url,),
            replica_max_lag_s=max_lag_s,
            media_dir=tmp_path / "media",
            development=True,
            testing=True,
        )
        made.append(create_app(settings))
        return made[-1]

    yield make
    for app in made:
        database = app.extensions["fieldapp.db"]
        for engine in [database.engine, *(maker.kw["bind"] for maker in database.replicas)]:
            engine.dispose()


def _steward_and_dataset(app):
    session = app.extensions["fieldapp.db"].sessionmaker()
    factory = Factory(session)
    steward = factory.account("steward")
    dataset = factory.dataset(steward, slug=f"replica-{uuid.uuid4().hex[:8]}")
    session.commit()
    session.close()
    return steward, dataset


def _matched(client, slug: str, **headers) -> int:
    response = client.get(f"/api/v1/observations?dataset={slug}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["numberMatched"]


def _caught_up(replica: Cluster, primary: Cluster, timeout_s: float = 20) -> None:
    target = primary.sql("SELECT pg_current_wal_lsn()")[0]
    deadline = time.monotonic() + timeout_s
    while replica.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0] is not True:
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.1)


def test_reads_come_from_the_replica_and_a_writer_reads_its_own_write(pair, make_app):
    primary, replica = pair
    app = make_app(600)
    steward, dataset = _steward_and_dataset(app)
    _caught_up(replica, primary)
    replica.sql("SELECT pg_wal_replay_pause()")  # the replica stops applying: what it shows is frozen
    try:
        writer, anonymous = app.test_client(), app.test_client()
        created = writer.post("/api/v1/observations", json=feature(dataset.slug), headers=steward.headers)
        assert created.status_code == 201, created.get_json()  # the write went to the primary
        assert writer.get_cookie(WROTE_COOKIE) is not None
        # The list is a read the routing sends to the replica, which has not replayed the record yet...
        assert _matched(anonymous, dataset.slug) == 0
        # ...but the writer, who carries the position of its write, reads from the primary: it sees it.
        assert _matched(writer, dataset.slug) == 1
        # A read the routing leaves on the primary (an export, which also records its use) sees it too.
        export = anonymous.get(f"/api/v1/datasets/{dataset.slug}/export?format=geojson")
        assert export.status_code == 200 and len(export.get_json()["features"]) == 1
    finally:
        replica.sql("SELECT pg_wal_replay_resume()")
    _caught_up(replica, primary)
    assert _matched(anonymous, dataset.slug) == 1
    assert _matched(writer, dataset.slug) == 1  # the replica has it now


def test_a_replica_past_the_lag_bound_is_skipped(pair, make_app):
    primary, replica = pair
    app = make_app(1)
    steward, dataset = _steward_and_dataset(app)
    _caught_up(replica, primary)
    replica.sql("SELECT pg_wal_replay_pause()")
    try:
        created = app.test_client().post("/api/v1/observations", json=feature(dataset.slug), headers=steward.headers)
        assert created.status_code == 201
        time.sleep(2.5)  # the replica has received the record but not applied it for longer than the bound
        assert _matched(app.test_client(), dataset.slug) == 1  # from the primary
    finally:
        replica.sql("SELECT pg_wal_replay_resume()")


def test_a_stopped_replica_is_skipped(pair, make_app):
    primary, replica = pair
    app = make_app(600)
    steward, dataset = _steward_and_dataset(app)
    created = app.test_client().post("/api/v1/observations", json=feature(dataset.slug), headers=steward.headers)
    assert created.status_code == 201
    _caught_up(replica, primary)
    replica.stop()
    try:
        started = time.monotonic()
        assert _matched(app.test_client(), dataset.slug) == 1
        assert time.monotonic() - started < 5
        tile = app.test_client().get("/tiles/observations/0/0/0.pbf")
        assert tile.status_code == 200
    finally:
        replica.start()


def test_a_read_that_logs_an_exact_view_reads_the_replica_and_logs_on_the_primary(pair, make_app):
    """Staff reading a private record in a list (API and OGC) from the replica: the exact view is logged on the
    primary (the replica takes no writes; this was a 500, found by python -m bench.traffic)."""
    primary, replica = pair
    app = make_app(600)
    steward, dataset = _steward_and_dataset(app)
    session = app.extensions["fieldapp.db"].sessionmaker()
    staff = Factory(session).account("staff")
    session.close()
    created = app.test_client().post(
        "/api/v1/observations", json=feature(dataset.slug, visibility="private"), headers=steward.headers
    )
    assert created.status_code == 201
    _caught_up(replica, primary)
    reader = app.test_client()  # no write cookie: its reads may come from the replica
    before = primary.sql("SELECT count(*) FROM precise_view")[0]
    listed = reader.get(f"/api/v1/observations?dataset={dataset.slug}", headers=staff.headers)
    assert listed.status_code == 200 and listed.get_json()["numberReturned"] == 1, listed.get_json()
    items = reader.get(f"/ogc/collections/{dataset.slug}/items?f=json", headers=staff.headers)
    assert items.status_code == 200 and len(items.get_json()["features"]) == 1, items.get_data(as_text=True)[:300]
    assert primary.sql("SELECT count(*) FROM precise_view")[0] == before + 2
    assert replica.sql("SELECT pg_is_in_recovery()")[0] is True
