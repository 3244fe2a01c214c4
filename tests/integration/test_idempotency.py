"""POST /api/v1/observations is idempotent on the feature id, also under concurrent duplicates."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from sqlalchemy import text
from sqlalchemy.engine import Engine
from werkzeug.serving import make_server

from fieldapp import create_app
from fieldapp.accounts.service import create_user, issue_token
from fieldapp.datasets.models import Dataset
from tests.factories import feature

URL = "/api/v1/observations"


def count_rows(db, oid) -> int:
    return db.execute(text("SELECT count(*) FROM observation WHERE id = :id"), {"id": oid}).scalar_one()


@pytest.fixture
def warden(make):
    return make.account()


@pytest.fixture
def dataset(make, warden):
    return make.dataset(warden)


def test_same_id_same_content_answers_200_with_the_existing_record(client, db, warden, dataset):
    oid = str(uuid.uuid4())
    body = feature(dataset.slug, feature_id=oid, count=5, notes="retry me")
    first = client.post(URL, json=body, headers=warden.headers)
    assert first.status_code == 201
    again = client.post(URL, json=body, headers=warden.headers)
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert count_rows(db, oid) == 1


def test_the_order_of_keys_does_not_make_a_retry_different(client, db, warden, dataset):
    oid = str(uuid.uuid4())
    body = feature(dataset.slug, feature_id=oid, count=5, trend="stable")
    assert client.post(URL, json=body, headers=warden.headers).status_code == 201
    reordered = {
        "id": oid,
        "properties": dict(reversed(list(body["properties"].items()))),
        "geometry": body["geometry"],
        "type": "Feature",
    }
    assert client.post(URL, json=reordered, headers=warden.headers).status_code == 200
    assert count_rows(db, oid) == 1


def test_same_id_different_content_answers_409_and_changes_nothing(client, db, warden, dataset):
    oid = str(uuid.uuid4())
    original = client.post(URL, json=feature(dataset.slug, feature_id=oid, count=5), headers=warden.headers)
    assert original.status_code == 201
    response = client.post(URL, json=feature(dataset.slug, feature_id=oid, count=6), headers=warden.headers)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["details"] == [{"path": "id", "message": f"{oid} exists with different content"}]
    assert count_rows(db, oid) == 1
    assert client.get(f"{URL}/{oid}").get_json() == original.get_json()


def test_a_batch_with_one_conflicting_id_writes_nothing(client, db, warden, dataset):
    stored = str(uuid.uuid4())
    assert (
        client.post(URL, json=feature(dataset.slug, feature_id=stored, count=1), headers=warden.headers).status_code
        == 201
    )
    new_ids = [str(uuid.uuid4()) for _ in range(3)]
    batch = {
        "type": "FeatureCollection",
        "features": [
            feature(dataset.slug, feature_id=new_ids[0]),
            feature(dataset.slug, feature_id=stored, count=2),
            feature(dataset.slug, feature_id=new_ids[1]),
            feature(dataset.slug, feature_id=new_ids[2]),
        ],
    }
    response = client.post(URL, json=batch, headers=warden.headers)
    assert response.status_code == 409
    assert [d["message"] for d in response.get_json()["error"]["details"]] == [
        f"{stored} exists with different content"
    ]
    assert [count_rows(db, oid) for oid in new_ids] == [0, 0, 0]
    assert client.get(f"{URL}/{stored}").get_json()["properties"]["count"] == 1
    history = db.execute(
        text("SELECT count(*) FROM observation_history WHERE observation_id = ANY(CAST(:ids AS uuid[]))"),
        {"ids": new_ids},
    ).scalar_one()
    assert history == 0


def test_a_batch_naming_one_id_twice_is_invalid(client, db, warden, dataset):
    oid = str(uuid.uuid4())
    batch = {
        "type": "FeatureCollection",
        "features": [feature(dataset.slug, feature_id=oid), feature(dataset.slug, feature_id=oid, count=3)],
    }
    response = client.post(URL, json=batch, headers=warden.headers)
    assert response.status_code == 422
    assert count_rows(db, oid) == 0


# --- concurrency: real commits on separate connections -----------------------------------------


@dataclass
class LiveServer:
    base_url: str
    headers: dict[str, str]
    dataset_slug: str
    engine: Engine

    def count(self, sql: str, oid: str) -> int:
        """Count committed rows, on a connection of its own."""
        with self.engine.connect() as conn:
            return conn.execute(text(sql), {"id": oid}).scalar_one()


def _arrange(database) -> tuple[dict, dict]:
    """Commit a user with a token and a dataset; return what to clean up and what to use."""
    with database.session() as session:
        user = create_user(session, f"race-{uuid.uuid4().hex[:8]}@example.org", name="Race Tester")
        token = issue_token(session, user)
        dataset = Dataset(
            slug=f"race-{uuid.uuid4().hex[:8]}",
            title="Race",
            knowledge_kind="volunteer",
            licence="CC0-1.0",
            default_visibility="public",
            steward_id=user.contributor_id,
        )
        session.add(dataset)
        session.flush()
        made = {"user": user.id, "contributor": user.contributor_id, "dataset": dataset.id}
        use = {"token": token, "slug": dataset.slug}
    return made, use


def _clean_up(database, made: dict) -> None:
    """Delete everything the live server's tests wrote, history included."""
    with database.engine.begin() as conn:
        ids = [
            r[0]
            for r in conn.execute(
                text("DELETE FROM observation WHERE dataset_id = :d RETURNING id"), {"d": made["dataset"]}
            )
        ]
        # History is append-only by a trigger; lift it inside this transaction only (DDL is transactional).
        conn.execute(text("ALTER TABLE observation_history DISABLE TRIGGER observation_history_append_only"))
        conn.execute(text("DELETE FROM observation_history WHERE observation_id = ANY(:ids)"), {"ids": ids})
        conn.execute(text("ALTER TABLE observation_history ENABLE TRIGGER observation_history_append_only"))
        conn.execute(text("DELETE FROM dataset WHERE id = :d"), {"d": made["dataset"]})
        conn.execute(text("DELETE FROM api_token WHERE user_id = :u"), {"u": made["user"]})
        conn.execute(text("DELETE FROM user_account WHERE id = :u"), {"u": made["user"]})
        conn.execute(text("DELETE FROM contributor WHERE id = :c"), {"c": made["contributor"]})
    _assert_nothing_left(database, made, ids)


def _assert_nothing_left(database, made: dict, ids: list) -> None:
    with database.engine.connect() as conn:
        left = conn.execute(
            text("""
            SELECT (SELECT count(*) FROM observation WHERE dataset_id = :d)
                 + (SELECT count(*) FROM observation_history WHERE observation_id = ANY(:ids))
                 + (SELECT count(*) FROM dataset WHERE id = :d)
                 + (SELECT count(*) FROM api_token WHERE user_id = :u)
                 + (SELECT count(*) FROM user_account WHERE id = :u)
                 + (SELECT count(*) FROM contributor WHERE id = :c)
        """),
            {"d": made["dataset"], "ids": ids, "u": made["user"], "c": made["contributor"]},
        ).scalar_one()
    assert left == 0, "the live server's tests left rows behind"
    assert ids, "the live server's tests wrote no observations"


@pytest.fixture
def live(settings, migrated) -> Iterator[LiveServer]:
    """The app served over HTTP on its own engine, so each request commits for real."""
    app = create_app(settings)
    database = app.extensions["fieldapp.db"]
    made, use = _arrange(database)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(
            f"http://127.0.0.1:{server.server_port}",
            {"Authorization": f"Bearer {use['token']}"},
            use["slug"],
            database.engine,
        )
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        _clean_up(database, made)
        database.engine.dispose()


def _race(live: LiveServer, bodies: list[dict]) -> list[int]:
    """Post each body from its own thread, all released at the same moment; return the statuses."""
    barrier = threading.Barrier(len(bodies))
    statuses: list[int] = []

    def send(body):
        with requests.Session() as http:
            barrier.wait()
            statuses.append(http.post(live.base_url + URL, json=body, headers=live.headers, timeout=30).status_code)

    threads = [threading.Thread(target=send, args=(body,)) for body in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


ROWS = "SELECT count(*) FROM observation WHERE id = :id"
CREATES = "SELECT count(*) FROM observation_history WHERE observation_id = :id AND action = 'create'"


def test_two_threads_posting_one_new_id_make_one_row(live):
    for attempt in range(10):
        oid = str(uuid.uuid4())
        body = feature(live.dataset_slug, feature_id=oid, count=attempt)
        statuses = _race(live, [body, body])
        assert sorted(statuses) == [200, 201], f"attempt {attempt}: {statuses}"
        assert (live.count(ROWS, oid), live.count(CREATES, oid)) == (1, 1), f"attempt {attempt}"


def test_two_threads_posting_one_id_with_different_content_make_one_row_and_a_409(live):
    for attempt in range(10):
        oid = str(uuid.uuid4())
        statuses = _race(live, [feature(live.dataset_slug, feature_id=oid, count=n) for n in (1, 2)])
        assert sorted(statuses) == [201, 409], f"attempt {attempt}: {statuses}"
        assert live.count(ROWS, oid) == 1


def test_the_live_server_commits_for_real(live):
    response = requests.post(live.base_url + URL, json=feature(live.dataset_slug), headers=live.headers, timeout=30)
    assert response.status_code == 201
    assert response.headers["Location"].startswith(live.base_url)
    assert live.count(ROWS, response.json()["id"]) == 1


# --- the retry answer is no location oracle ------------------------------------------------------


def test_a_retry_of_someone_elses_record_is_refused_whatever_the_content(client, make, warden, dataset):
    """Resending another account's record with its exact geometry answers as a wrong guess does."""
    oid = str(uuid.uuid4())
    secret = {"type": "Point", "coordinates": [-2.123456, 49.201234]}
    body = feature(dataset.slug, geometry=secret, feature_id=oid, visibility="generalised", count=2)
    assert client.post(URL, json=body, headers=warden.headers).status_code == 201
    prober = make.account()
    wrong = feature(dataset.slug, feature_id=oid, visibility="generalised", count=2)
    answers = [client.post(URL, json=b, headers=prober.headers) for b in (body, wrong)]
    assert [a.status_code for a in answers] == [409, 409]
    assert answers[0].get_json() == answers[1].get_json()
    assert answers[0].get_json()["error"]["details"] == [{"path": "id", "message": f"{oid} is already taken"}]


def test_a_batch_answers_the_same_whichever_of_someone_elses_records_it_guesses(client, make, warden, dataset):
    ids = [str(uuid.uuid4()) for _ in range(2)]
    stored = [feature(dataset.slug, feature_id=oid, count=i) for i, oid in enumerate(ids)]
    for body in stored:
        assert client.post(URL, json=body, headers=warden.headers).status_code == 201
    prober = make.account()
    exact = {"type": "FeatureCollection", "features": stored}
    guessed = {"type": "FeatureCollection", "features": [feature(dataset.slug, feature_id=oid) for oid in ids]}
    answers = [client.post(URL, json=b, headers=prober.headers) for b in (exact, guessed)]
    assert [a.status_code for a in answers] == [409, 409]
    assert answers[0].get_json() == answers[1].get_json()
