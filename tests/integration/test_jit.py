"""The app's connections run without PostgreSQL's JIT compiler (it cost more than the queries it sped up)."""

import json

from sqlalchemy import event, text

from fieldapp.access import ANONYMOUS
from fieldapp.config import Settings
from fieldapp.db import JIT_OPTION, no_jit
from fieldapp.observations.queries import Counting, ObservationFilter, list_observations
from tests.factories import feature


def test_app_connections_report_jit_off(db):
    assert db.execute(text("SHOW jit")).scalar() == "off"


def test_jit_setting_is_read_from_the_environment():
    development = {"FIELDAPP_ENV": "development"}  # production (the default) would also need a secret key
    assert Settings.from_env(development).db_jit is False
    assert Settings.from_env(development | {"FIELDAPP_DB_JIT": "on"}).db_jit is True


def _list_statement(db, connection):
    """The list query exactly as the app sends it, with its parameters."""
    seen = []

    def _keep(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", _keep)
    try:
        list_observations(db, ANONYMOUS, ObservationFilter(bbox=(-2.3, 49.1, -2.0, 49.3)), 100, None)
    finally:
        event.remove(connection, "before_cursor_execute", _keep)
    return seen[-1]


def _plan(connection, statement, parameters) -> dict:
    # A zero threshold makes every statement expensive enough for JIT, as the whole-island list is at 1M rows.
    connection.exec_driver_sql("SET LOCAL jit_above_cost = 0")
    raw = connection.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters).scalar()
    return (raw if isinstance(raw, list) else json.loads(raw))[0]


def test_list_query_is_not_jit_compiled(db, connection, client, steward, dataset):
    assert client.post("/api/v1/observations", json=feature(dataset.slug), headers=steward.headers).status_code == 201
    statement, parameters = _list_statement(db, connection)
    assert "JIT" not in _plan(connection, statement, parameters)
    # The check can see JIT when it happens: the same statement with JIT switched back on shows it.
    connection.exec_driver_sql("SET LOCAL jit = on")
    assert "JIT" in _plan(connection, statement, parameters)


def test_list_statements_run_without_jit_where_the_deployment_turned_it_on(db, connection, client, steward, dataset):
    """FIELDAPP_DB_JIT=on leaves JIT on for other statements; db.no_jit turns it off around the list's and
    the count's, and restores it after."""
    for _ in range(2):  # one more than the page: the list counts them
        response = client.post("/api/v1/observations", json=feature(dataset.slug), headers=steward.headers)
        assert response.status_code == 201
    connection.execution_options(**{JIT_OPTION: True})
    connection.exec_driver_sql("SET LOCAL jit = on")
    jit_while = {}

    def _note(_conn, cursor, statement, _parameters, _context, _many):
        kind = "list" if "WITH page AS" in statement else "count" if "SELECT count(*) FROM" in statement else None
        if kind:
            jit_while[kind] = cursor.connection.execute("SHOW jit").fetchone()[0]

    event.listen(connection, "before_cursor_execute", _note)
    try:
        list_observations(db, ANONYMOUS, ObservationFilter(), 1, None, counting=Counting(mode="exact"))
    finally:
        event.remove(connection, "before_cursor_execute", _note)
    assert jit_while == {"list": "off", "count": "off"}
    assert db.execute(text("SHOW jit")).scalar() == "on"
    with no_jit(db):
        assert db.execute(text("SHOW jit")).scalar() == "off"
    assert db.execute(text("SHOW jit")).scalar() == "on"
