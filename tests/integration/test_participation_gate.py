"""Participation figures honour the holders' terms through the one gate: embargo, audience, withdrawal."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from tests.factories import feature
from tests.integration.test_agreements import AGREEMENT, move_clock, put


def kinds_total(client, account=None) -> dict[str, int]:
    """The observations per kind the participation page's table gives this viewer."""
    from fieldapp.access import ANONYMOUS, viewer_of
    from fieldapp.db import get_session
    from fieldapp.participation import queries

    with client.application.test_request_context():
        session = get_session()
        viewer = viewer_of(account.user) if account else ANONYMOUS
        totals: dict[str, int] = {}
        for row in queries.monthly_by_kind(session, viewer):
            totals[row["kind"]] = totals.get(row["kind"], 0) + row["observations"]
        return totals


def test_participation_counts_leave_out_what_the_viewer_may_not_see(client, db, make):
    steward, fisher, member = make.account(role="steward"), make.account(name="Fisher"), make.account()
    grounds = make.dataset(steward, knowledge_kind="local")
    wardens = make.dataset(steward, knowledge_kind="volunteer")
    for dataset, n in ((grounds, 3), (wardens, 2)):
        for _ in range(n):
            body = feature(dataset.slug)
            assert client.post("/api/v1/observations", json=body, headers=fisher.headers).status_code == 201
    assert kinds_total(client) == {"local": 3, "volunteer": 2}

    # Under embargo: nobody outside the stewards counts the fishers' records, the steward does.
    move_clock(db, date(2026, 12, 1))
    assert put(client, steward, grounds.slug, AGREEMENT).status_code == 200
    assert kinds_total(client) == {"volunteer": 2}
    assert kinds_total(client, member) == {"volunteer": 2}
    assert kinds_total(client, steward) == {"local": 3, "volunteer": 2}
    # The page's table of records per kind says the same.
    page = client.get("/participation").get_data(as_text=True)
    table = page.split("Records</th><th>Corroborated", 1)[1].split("</table>", 1)[0]
    assert "Local knowledge" not in table and "<td>Volunteer records</td><td>2</td>" in table
    steward_page = client.get("/participation", headers=steward.headers).get_data(as_text=True)
    assert "<td>Local knowledge</td><td>3</td>" in steward_page
    # After the embargo, members only: the anonymous public still does not count them.
    move_clock(db, date(2027, 3, 2))
    assert put(client, steward, grounds.slug, AGREEMENT | {"audience": "members"}).status_code == 200
    assert kinds_total(client) == {"volunteer": 2}
    assert kinds_total(client, member) == {"local": 3, "volunteer": 2}

    # Withdrawn records leave the rollup for everyone, staff included.
    url = f"/api/v1/contributors/{fisher.user.contributor_id}/withdrawal"
    assert client.post(url, json={"dataset": wardens.slug}, headers=fisher.headers).status_code == 200
    assert kinds_total(client, member) == {"local": 3}
    stored = db.scalar(
        text("SELECT coalesce(sum(observations), 0) FROM participation_month WHERE dataset_id = :d"), {"d": wardens.id}
    )
    assert stored == 0


def test_annotations_on_withdrawn_records_leave_the_figures(client, db, make):
    from fieldapp.access import ANONYMOUS
    from fieldapp.participation import queries

    fisher, warden = make.account(name="Fisher"), make.account(name="Warden")
    grounds = make.dataset(fisher, knowledge_kind="local")
    oid = client.post("/api/v1/observations", json=feature(grounds.slug), headers=fisher.headers).get_json()["id"]
    answer = client.post(
        f"/api/v1/observations/{oid}/annotations", json={"kind": "corroborate"}, headers=warden.headers
    )
    assert answer.status_code == 201
    assert sum(r["n"] for r in queries.annotations_by_month(db, ANONYMOUS)) == 1
    assert sum(r["n"] for r in queries.cross_kind(db, ANONYMOUS)) == 1
    assert {r["kind"]: r["corroborated"] for r in queries.corroborated_share(db, ANONYMOUS)} == {"local": 1}
    url = f"/api/v1/contributors/{fisher.user.contributor_id}/withdrawal"
    assert client.post(url, json={}, headers=fisher.headers).status_code == 200
    assert queries.annotations_by_month(db, ANONYMOUS) == []
    assert queries.cross_kind(db, ANONYMOUS) == []
    assert queries.corroborated_share(db, ANONYMOUS) == []


def test_a_projects_evaluation_counts_only_what_the_viewer_may_see(client, db, make):
    from tests.integration.test_projects import create

    scientist = make.account("steward", name="Dr Sandra Survey")
    survey = make.dataset(scientist, knowledge_kind="scientific", title="Pot survey")
    grounds = make.dataset(scientist, knowledge_kind="local", title="Grounds")
    assert create(client, scientist, datasets=[survey.slug, grounds.slug]).status_code == 201
    for dataset in (survey, grounds, grounds):
        body = feature(dataset.slug, subject_text="spider crab")
        assert client.post("/api/v1/observations", json=body, headers=scientist.headers).status_code == 201
    url = "/api/v1/projects/spider-crab-season/evaluation"

    def records(account=None) -> dict[str, int]:
        figures = client.get(url, headers=account.headers if account else {}).get_json()
        return {r["kind"]: r["records"] for r in figures["by_kind"] if r["records"]}

    assert records() == {"scientific": 1, "local": 2}
    move_clock(db, date(2026, 12, 1))
    assert put(client, scientist, grounds.slug, AGREEMENT).status_code == 200
    assert records() == {"scientific": 1}
    assert records(make.account()) == {"scientific": 1}
    assert records(scientist) == {"scientific": 1, "local": 2}
