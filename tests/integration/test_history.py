"""Every create, update and delete of an observation appends who did it and what changed."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from fieldapp.observations import queries
from fieldapp.sql import entities, entity_name
from tests.factories import feature

URL = "/api/v1/observations"


def history_rows(db, oid) -> list:
    return list(
        db.execute(
            text(
                "SELECT action, actor_id, changes, at FROM observation_history WHERE observation_id = :id ORDER BY id"
            ),
            {"id": oid},
        )
    )


@pytest.fixture
def warden(make):
    return make.account(name="Hélène Warden")


@pytest.fixture
def dataset(make, warden):
    return make.dataset(warden)


@pytest.fixture
def record(client, warden, dataset) -> str:
    body = feature(dataset.slug, count=2, notes="by the slipway", confidence="probable")
    response = client.post(URL, json=body, headers=warden.headers)
    assert response.status_code == 201
    return response.get_json()["id"]


def test_create_writes_one_row_with_the_actor_and_the_values(db, warden, dataset, record):
    [row] = history_rows(db, record)
    assert row.action == "create"
    assert row.actor_id == warden.user.id
    assert row.at is not None
    changes = row.changes
    assert changes["id"] == record
    assert changes["count"] == 2
    assert changes["notes"] == "by the slipway"
    assert changes["dataset_id"] == dataset.id
    assert changes["contributor_id"] == warden.user.contributor_id
    assert changes["entered_by"] == warden.user.id
    # Derived and bookkeeping columns are not what anyone changed.
    assert not {"public_geom", "public_precision_m", "content_hash", "seq", "created_at"} & set(changes)


def test_update_writes_only_what_changed_with_from_and_to(client, db, warden, record):
    response = client.patch(
        f"{URL}/{record}",
        json={"properties": {"count": 7, "notes": "by the pier", "confidence": "probable"}},
        headers=warden.headers,
    )
    assert response.status_code == 200
    create, update = history_rows(db, record)
    assert update.action == "update"
    assert update.actor_id == warden.user.id
    assert update.changes == {"count": {"from": 2, "to": 7}, "notes": {"from": "by the slipway", "to": "by the pier"}}


def test_update_of_geometry_and_visibility_is_recorded(client, db, warden, record):
    line = {"type": "LineString", "coordinates": [[-2.15, 49.18], [-2.14, 49.181]]}
    response = client.patch(
        f"{URL}/{record}", json={"geometry": line, "properties": {"visibility": "private"}}, headers=warden.headers
    )
    assert response.status_code == 200
    update = history_rows(db, record)[-1]
    assert set(update.changes) == {"geom", "visibility"}
    assert update.changes["visibility"] == {"from": "public", "to": "private"}
    assert update.changes["geom"]["from"] != update.changes["geom"]["to"]


def test_a_patch_that_changes_nothing_writes_no_row(client, db, warden, record):
    response = client.patch(f"{URL}/{record}", json={"properties": {"count": 2}}, headers=warden.headers)
    assert response.status_code == 200
    assert [row.action for row in history_rows(db, record)] == ["create"]


def test_the_actor_is_whoever_made_the_change(client, db, make, warden, record):
    staff = make.account(role="staff")
    response = client.patch(f"{URL}/{record}", json={"properties": {"trend": "decreasing"}}, headers=staff.headers)
    assert response.status_code == 200
    update = history_rows(db, record)[-1]
    assert update.actor_id == staff.user.id
    assert update.changes == {"trend": {"from": None, "to": "decreasing"}}


def test_delete_writes_a_row_keeping_what_the_record_was(client, db, make, warden, dataset, record):
    steward = make.account(role="admin")
    assert client.delete(f"{URL}/{record}", headers=steward.headers).status_code == 204
    actions = history_rows(db, record)
    assert [row.action for row in actions] == ["create", "delete"]
    deleted = actions[-1]
    assert deleted.actor_id == steward.user.id
    assert deleted.changes["count"] == 2
    assert deleted.changes["notes"] == "by the slipway"
    assert deleted.changes["dataset_id"] == dataset.id


def test_a_refused_change_writes_nothing(client, db, make, record):
    other = make.account()
    assert client.patch(f"{URL}/{record}", json={"properties": {"count": 9}}, headers=other.headers).status_code == 403
    assert client.delete(f"{URL}/{record}", headers=other.headers).status_code == 403
    assert [row.action for row in history_rows(db, record)] == ["create"]


def test_history_is_append_only(db, record):
    db.execute(text("UPDATE observation_history SET action = 'update' WHERE observation_id = :id"), {"id": record})
    db.execute(text("DELETE FROM observation_history WHERE observation_id = :id"), {"id": record})
    assert [row.action for row in history_rows(db, record)] == ["create"]


def test_history_query_names_the_actor(client, db, warden, record):
    client.patch(f"{URL}/{record}", json={"properties": {"count": 3}}, headers=warden.headers)
    rows = queries.history(db, record)
    assert [(r.action, r.actor) for r in rows] == [("create", "Hélène Warden"), ("update", "Hélène Warden")]


def test_the_append_only_guard_is_a_trigger_from_the_sql_files_not_a_rule(db):
    """Rules are invisible to alembic: the guard is a file under fieldapp/sql that `fieldapp db check` compares."""
    assert {"fieldapp_history_append_only", "observation_history_append_only"} <= {entity_name(e) for e in entities()}
    assert db.execute(text(OUR_RULES)).scalars().all() == []


# Rules on our tables (PostGIS's geometry_columns view has its own: an extension's, not ours).
OUR_RULES = (
    "SELECT r.rulename FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class"
    " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND r.rulename <> '_RETURN'"
    " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid"
    " AND d.deptype = 'e')"
)
