"""Pooled connections: no ping round trip per request, yet no connection the server dropped is handed out."""

import time

import psycopg
import pytest
from sqlalchemy import text

from fieldapp import db as fieldapp_db
from fieldapp.db import make_engine


@pytest.fixture
def engine(settings, migrated):
    engine = make_engine(settings)
    yield engine
    engine.dispose()


@pytest.fixture
def pings(engine, monkeypatch):
    """How many times the pool pinged a connection."""
    count = [0]
    real = engine.dialect.do_ping

    def counted(dbapi_conn):
        count[0] += 1
        return real(dbapi_conn)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return count


def _backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _terminate(settings, pid: int) -> None:
    """End a backend from outside the pool, as a restart or an idle timeout would, and wait until it is gone."""
    url = settings.database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
        deadline = time.monotonic() + 10
        while admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()[0]:
            assert time.monotonic() < deadline, "the backend did not end"
            time.sleep(0.05)


def test_a_connection_back_from_a_request_is_reused_without_a_ping(engine, pings):
    first = _backend_pid(engine)
    for _ in range(3):
        assert _backend_pid(engine) == first
    assert pings[0] == 0


def test_a_connection_the_server_ended_while_pooled_is_replaced(settings, engine, pings):
    pid = _backend_pid(engine)
    _terminate(settings, pid)
    # The next request gets a working connection, not the error of the dead one.
    assert _backend_pid(engine) != pid
    assert pings[0] == 1


def test_a_connection_idle_for_long_is_pinged_first(settings, migrated, monkeypatch):
    monkeypatch.setattr(fieldapp_db, "IDLE_PING_S", 0.0)
    engine = make_engine(settings)
    try:
        count = [0]
        real = engine.dialect.do_ping
        monkeypatch.setattr(engine.dialect, "do_ping", lambda c: (count.__setitem__(0, count[0] + 1), real(c))[1])
        pid = _backend_pid(engine)
        assert _backend_pid(engine) == pid
        assert count[0] == 1
    finally:
        engine.dispose()


def test_app_connections_plan_each_statement_for_its_parameters(db):
    assert db.execute(text("SHOW plan_cache_mode")).scalar() == "force_custom_plan"


def test_a_list_asked_again_and_again_is_never_run_on_a_generic_plan(client, connection, steward, dataset):
    """psycopg prepares a statement run five times; PostgreSQL then may plan it once for any bbox (it sorted the
    whole island's every match that way, seconds per page). Each run is planned for its own parameters."""
    from tests.factories import feature

    assert client.post("/api/v1/observations", json=feature(dataset.slug), headers=steward.headers).status_code == 201
    for i in range(15):
        bbox = ",".join(map(str, (-2.3 + i * 0.001, 49.1, -1.9, 49.3)))
        assert client.get("/api/v1/observations", query_string={"bbox": bbox, "limit": 100}).status_code == 200
    plans = connection.exec_driver_sql(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE strpos(statement, 'WITH page AS') > 0"
    ).all()
    assert plans, "the list's statement was never prepared: the check would prove nothing"
    assert all(generic == 0 and custom > 0 for generic, custom in plans)


def test_app_connections_start_parallel_workers_only_for_large_statements(db):
    assert float(db.execute(text("SHOW parallel_setup_cost")).scalar()) == 5000
