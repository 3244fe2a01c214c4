"""Lists show exact places too: the list API and OGC API items log them, one insert per page, never per record."""

from __future__ import annotations

from sqlalchemy import event, text

from tests.factories import feature

POINT = [-2.123456, 49.201234]


def views(db, contributor_id: int) -> list[tuple]:
    return db.execute(
        text(
            "SELECT c.display_name, v.via, v.reason, v.records FROM precise_view v"
            " JOIN user_account u ON u.id = v.user_id JOIN contributor c ON c.id = u.contributor_id"
            " WHERE v.contributor_id = :c ORDER BY v.id"
        ),
        {"c": contributor_id},
    ).all()


def test_list_and_ogc_pages_log_who_saw_exact_places_once_per_page(client, db, make):
    steward = make.account(role="steward", name="Sam Steward")
    fisher, other_fisher, member = make.account(name="Fay"), make.account(name="Gil"), make.account(name="Mo")
    grounds = make.dataset(steward, default_visibility="generalised", force_generalised=True)
    for who, n in ((fisher, 3), (other_fisher, 2)):
        for _ in range(n):
            body = feature(grounds.slug, {"type": "Point", "coordinates": POINT}, visibility="generalised")
            assert client.post("/api/v1/observations", json=body, headers=who.headers).status_code == 201
    public = make.dataset(steward)
    body = feature(public.slug, {"type": "Point", "coordinates": POINT})
    assert client.post("/api/v1/observations", json=body, headers=fisher.headers).status_code == 201

    inserts = []

    def count_inserts(conn, cursor, statement, *args):
        if statement.lstrip().startswith("INSERT INTO precise_view"):
            inserts.append(statement)

    event.listen(db.get_bind(), "before_cursor_execute", count_inserts)
    try:
        listed = client.get("/api/v1/observations", query_string={"limit": "100"}, headers=steward.headers)
        assert listed.status_code == 200
    finally:
        event.remove(db.get_bind(), "before_cursor_execute", count_inserts)
    # The steward saw 3 of Fay's and 2 of Gil's exact places: one row each, from one statement.
    assert len(inserts) == 1
    assert views(db, fisher.user.contributor_id) == [("Sam Steward", "api list", "dataset steward", 3)]
    assert views(db, other_fisher.user.contributor_id) == [("Sam Steward", "api list", "dataset steward", 2)]

    items = client.get(f"/ogc/collections/{grounds.slug}/items", headers=steward.headers)
    assert items.status_code == 200 and items.get_json()["numberReturned"] == 5
    assert views(db, fisher.user.contributor_id)[-1] == ("Sam Steward", "ogc items", "dataset steward", 3)
    one = items.get_json()["features"][0]
    assert client.get(f"/ogc/collections/{grounds.slug}/items/{one['id']}", headers=steward.headers).status_code == 200
    contributor = next(c for c in (fisher, other_fisher) if len(views(db, c.user.contributor_id)) == 3)
    assert views(db, contributor.user.contributor_id)[-1] == ("Sam Steward", "ogc item", "dataset steward", 1)

    before = db.scalar(text("SELECT count(*) FROM precise_view"))
    # A member sees the generalised cells, the contributor their own records, anyone the public one: not logged.
    for who in (member, fisher, None):
        headers = who.headers if who else {}
        assert client.get("/api/v1/observations", headers=headers).status_code == 200
        assert client.get(f"/ogc/collections/{grounds.slug}/items", headers=headers).status_code == 200
    assert db.scalar(text("SELECT count(*) FROM precise_view")) == before
